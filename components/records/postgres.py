"""Azure Database for PostgreSQL flexible server and its children (databases, server parameters, Entra
administrators)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from azplatform.components.records.billing import (
    HOURS_PER_MONTH,
    Charge,
    Free,
    Meter,
    Priced,
    Related,
    UsageAssumptions,
    fmt,
    get,
    sku_name,
)
from azplatform.components.records.model import (
    Immutable,
    InPlace,
    OneWay,
    Prerequisite,
    PrivateLink,
    Telemetry,
    Tier,
    TypeRecord,
    decreases,
)
from azplatform.components.records.sources import ARM_MOVE, PRIVATE_LINK_DNS, QUICK

SERVER = "azure-native:dbforpostgresql:Server"
DATABASE = "azure-native:dbforpostgresql:Database"
CONFIGURATION = "azure-native:dbforpostgresql:Configuration"
ADMINISTRATOR = "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra"

_DOCS = "https://learn.microsoft.com/azure/postgresql/flexible-server"
_BACKUP = f"{_DOCS}/concepts-backup-restore"
_SCALE = f"{_DOCS}/how-to-scale-compute-storage-portal"
_NETWORKING = f"{_DOCS}/concepts-networking"
_HA = "https://learn.microsoft.com/azure/reliability/reliability-postgresql-flexible-server"
_MAJOR_UPGRADE = f"{_DOCS}/concepts-major-version-upgrade"
_PRIVATE_LINK = f"{_DOCS}/concepts-networking-private-link"


def _server(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"fullyQualifiedDomainName": f"{inputs.get('serverName')}.postgres.database.azure.com"}


_CHILD = Prerequisite(SERVER, "a child of its server")
_CHILD_TIME: dict[str, Any] = {
    "create_minutes": 0.5,
    "create_time_basis": "estimate",
    "create_time_source": QUICK,
}


# --- PostgreSQL Flexible Server -------------------------------------------------------------------------------
# Billed per hour of the compute SKU (Burstable per instance; General Purpose and Memory Optimized per vCore), a
# standby replica doubling compute with high availability, plus provisioned storage per GB-month.
# https://azure.microsoft.com/pricing/details/postgresql/flexible-server/
def _price_postgres_server(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    name, tier = sku_name(inputs), str(get(inputs, "sku", "tier") or "")
    ha = get(inputs, "highAvailability", "mode") not in ("Disabled", None)
    copies = 2 if ha else 1
    standby = " with a high-availability standby" if ha else ""
    if tier == "Burstable":
        compute = Charge(
            f"postgres.burstable.{name.removeprefix('Standard_').lower()}",
            f"PostgreSQL {name}{standby}",
            copies * HOURS_PER_MONTH,
            f"{copies} instance{'s' if copies > 1 else ''} x 730 h",
            "fixed",
        )
    else:
        found = re.match(r"Standard_[A-Z]+(\d+)", name)
        if found is None:
            raise ValueError(f"PostgreSQL SKU {name!r}: cannot tell its vCores")
        vcores = int(found.group(1))
        compute = Charge(
            f"postgres.{tier.lower()}.vcore",
            f"PostgreSQL {name} ({vcores} vCores){standby}",
            copies * vcores * HOURS_PER_MONTH,
            f"{copies} x {vcores} vCores x 730 h",
            "fixed",
        )
    storage_gb = float(get(inputs, "storage", "storageSizeGB") or 32)
    return [
        compute,
        Charge("postgres.storage", "PostgreSQL provisioned storage", storage_gb, f"{fmt(storage_gb)} GB", "fixed"),
    ]


_SERVER_COST = Priced(
    (
        Meter(
            "postgres.burstable.b1ms",
            "Azure Database for PostgreSQL",
            "Azure Database for PostgreSQL Flexible Server Burstable BS Series Compute",
            "B1ms",
            "B1ms",
            "1 Hour",
        ),
        Meter(
            "postgres.generalpurpose.vcore",
            "Azure Database for PostgreSQL",
            "Azure Database for PostgreSQL Flexible Server General Purpose Ddsv5 Series Compute",
            "vCore",
            "vCore",
            "1 Hour",
        ),
        Meter(
            "postgres.memoryoptimized.vcore",
            "Azure Database for PostgreSQL",
            "Azure Database for PostgreSQL Flexible Server Memory Optimized Edsv5 Series Compute",
            "vCore",
            "vCore",
            "1 Hour",
        ),
        Meter(
            "postgres.storage",
            "Azure Database for PostgreSQL",
            "Az DB for PostgreSQL Flexible Server Storage",
            "Storage",
            "Storage Data Stored",
            "1 GB/Month",
        ),
    ),
    _price_postgres_server,
)


ORDER = 40
"""Where these records come in :data:`~azplatform.components.records.RECORDS` (lower first)."""

RECORDS = (
    TypeRecord(
        token=SERVER,
        cost=_SERVER_COST,
        label="PostgreSQL flexible server",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}",
        parent=None,
        stateful=True,
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=10,
        create_time_basis="estimate",
        create_time_source="estimate: no published duration for a flexible server create",
        create_time_note="zone-redundant HA provisions a standby as well, which takes longer",
        prerequisites=(),
        immutable=(
            Immutable("location", "a flexible server cannot move between regions", ARM_MOVE),
            Immutable(
                "backup.geoRedundantBackup",
                "geo-redundant backup storage can only be chosen when the server is created",
                f"{_BACKUP}#geo-redundant-backup-and-restore",
            ),
            Immutable(
                "network.delegatedSubnetResourceId",
                "the networking mode (public access with private endpoints, or VNet integration) is fixed at creation",
                _NETWORKING,
            ),
        ),
        one_way=(
            OneWay(
                "storage.storageSizeGB",
                allowed="to a larger size (online below 4 TiB)",
                refused="to a smaller size: storage never shrinks",
                source=_SCALE,
                instead="keep the current size (postgres.storageSizeGb); to shrink, restore into a new, smaller server",
                is_refused=decreases,
            ),
            OneWay(
                "version",
                allowed="to a later major version (in-place major version upgrade)",
                refused="to an earlier major version",
                source=_MAJOR_UPGRADE,
                instead="keep the version; to go back, restore a backup into a new server of the earlier version",
                is_refused=decreases,
            ),
        ),
        in_place=(
            InPlace("sku.tier", _SCALE),
            InPlace("sku.name", _SCALE),
            InPlace("highAvailability.mode", _HA),
            InPlace("backup.backupRetentionDays", _BACKUP),
        ),
        private_link=PrivateLink(
            group_id="postgresqlServer",
            zone="privatelink.postgres.database.azure.com",
            source=PRIVATE_LINK_DNS,
            ports=("5432",),
            ports_source=_PRIVATE_LINK,
        ),
        computed=_server,
    ),
    TypeRecord(
        token=DATABASE,
        cost=Free("included in the server price"),
        label="database",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/databases/{databaseName}",
        parent=SERVER,
        stateful=True,
        taggable=False,
        telemetry=Telemetry.NONE,
        **_CHILD_TIME,
        prerequisites=(_CHILD,),
        immutable=(
            Immutable("charset", "a database's character set is fixed at creation", f"{_DOCS}/how-to-create-database"),
            Immutable("collation", "a database's collation is fixed at creation", f"{_DOCS}/how-to-create-database"),
        ),
    ),
    TypeRecord(
        token=CONFIGURATION,
        cost=Free("no charge"),
        label="server parameter",
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/configurations/{configurationName}",
        parent=SERVER,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        **_CHILD_TIME,
        prerequisites=(_CHILD,),
    ),
    TypeRecord(
        token=ADMINISTRATOR,
        cost=Free("no charge"),
        label="Entra administrator",
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/administrators/{objectId}",
        parent=SERVER,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        **_CHILD_TIME,
        prerequisites=(_CHILD, Prerequisite("*", "the principal must exist", via="objectId")),
    ),
)

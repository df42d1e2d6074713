"""Key Vault, the container registry, Azure Managed Redis and Cosmos DB: the stores of the platform's data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azplatform.components.records.billing import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    Charge,
    Free,
    Meter,
    Priced,
    Related,
    UsageAssumptions,
    fmt,
    get,
    num,
    sku_name,
)
from azplatform.components.records.foundation import IDENTITY
from azplatform.components.records.model import (
    Immutable,
    InPlace,
    OneWay,
    Prerequisite,
    PrivateLink,
    Telemetry,
    Tier,
    TypeRecord,
    any_change,
    moved_from,
    turned_off,
)
from azplatform.components.records.offline import digest
from azplatform.components.records.sources import ARM_MOVE, PRIVATE_LINK_DNS, QUICK

KEY_VAULT = "azure-native:keyvault:Vault"
# "The retention policy interval can only be configured during vault creation and can't be changed afterwards";
# "once purge protection is enabled, it can't be disabled".
_KV_SOFT_DELETE = "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview"
SECRET = "azure-native:keyvault:Secret"
REGISTRY = "azure-native:containerregistry:Registry"
REDIS_CLUSTER = "azure-native:redisenterprise:RedisEnterprise"
REDIS_DATABASE = "azure-native:redisenterprise:Database"
REDIS_ACCESS = "azure-native:redisenterprise:AccessPolicyAssignment"
COSMOS_ACCOUNT = "azure-native:cosmosdb:DatabaseAccount"
COSMOS_DATABASE = "azure-native:cosmosdb:SqlResourceSqlDatabase"
COSMOS_CONTAINER = "azure-native:cosmosdb:SqlResourceSqlContainer"
COSMOS_ROLE_ASSIGNMENT = "azure-native:cosmosdb:SqlResourceSqlRoleAssignment"

_AMR_ARCH = "https://learn.microsoft.com/azure/redis/architecture"
_AMR_SCALE = "https://learn.microsoft.com/azure/redis/how-to-scale#limitations-of-scaling-azure-managed-redis"
_AMR_MODULES = "https://learn.microsoft.com/azure/redis/redis-modules#adding-modules-to-your-cache"
_AMR_RELIABILITY = "https://learn.microsoft.com/azure/reliability/reliability-managed-redis"
_COSMOS_RELIABILITY = (
    "https://learn.microsoft.com/azure/reliability/reliability-cosmos-db#configure-availability-zone-support"
)
_COSMOS_SERVERLESS = "https://learn.microsoft.com/azure/cosmos-db/serverless"
_COSMOS_PARTITIONING = "https://learn.microsoft.com/azure/cosmos-db/partitioning-overview#choose-a-partition-key"


def _serverless(capabilities: Any) -> bool:
    return isinstance(capabilities, list) and any(
        isinstance(c, Mapping) and c.get("name") == "EnableServerless" for c in capabilities
    )


def _serverless_toggled(old: Any, new: Any) -> bool:
    return _serverless(old) != _serverless(new)


# AMR in-memory tiers scale into each other (up and, to compatible SKUs, down); Flash Optimized and the
# Enterprise (Azure Cache for Redis Enterprise) SKUs do not scale to or from them.
_REDIS_FAMILIES = {
    "Balanced": "in-memory",
    "MemoryOptimized": "in-memory",
    "ComputeOptimized": "in-memory",
    "FlashOptimized": "flash",
    "Enterprise": "enterprise",
    "EnterpriseFlash": "enterprise-flash",
}


def redis_sku_family(sku: Any) -> str | None:
    """The scaling family of a redisenterprise SKU name (``Balanced_B5`` -> ``in-memory``)."""
    if not isinstance(sku, str):
        return None
    return _REDIS_FAMILIES.get(sku.split("_", 1)[0], sku.split("_", 1)[0])


def _redis_family_changed(old: Any, new: Any) -> bool:
    return redis_sku_family(old) != redis_sku_family(new)


def _vault(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    props = dict(inputs.get("properties", {}))
    props["vaultUri"] = f"https://{inputs.get('vaultName')}.vault.azure.net/"
    return {"properties": props}


def _registry(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"loginServer": f"{inputs.get('registryName')}.azurecr.io"}


def _redis_cluster(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"hostName": f"{inputs.get('clusterName')}.{inputs.get('location', 'westeurope')}.redis.azure.net"}


def _cosmos(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"documentEndpoint": f"https://{inputs.get('accountName')}.documents.azure.com:443/"}


_COSMOS_CHILD = Prerequisite(COSMOS_ACCOUNT, "a child of its account")
_COSMOS_CHILD_TIME: dict[str, Any] = {
    "create_minutes": 0.5,
    "create_time_basis": "estimate",
    "create_time_source": QUICK,
    "create_time_note": "databases, containers, role assignments",
}


def _price_key_vault(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    return [
        Charge(
            "kv.operations",
            "secret and key operations",
            usage.key_vault_operations_per_month / 10_000,
            f"{fmt(usage.key_vault_operations_per_month)} operations / 10,000",
            "usage",
            ("keyVaultOperationsPerMonth",),
        )
    ]


_KEY_VAULT_COST = Priced(
    (Meter("kv.operations", "Key Vault", "Key Vault", "Standard", "Operations", "10K"),),
    _price_key_vault,
)


# --- the rest -------------------------------------------------------------------------------------------------
def _price_registry(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = sku_name(inputs)
    if sku not in ("Basic", "Standard", "Premium"):
        raise ValueError(f"Container Registry SKU {sku!r} has no price entry")
    return [
        Charge(
            f"acr.{sku.lower()}.day",
            f"Container Registry {sku}",
            DAYS_PER_MONTH,
            "730 h / 24 = 30.42 days",
            "fixed",
        )
    ]


_REGISTRY_COST = Priced(
    (
        Meter("acr.basic.day", "Container Registry", "Container Registry", "Basic", "Basic Registry Unit", "1/Day"),
        Meter(
            "acr.standard.day",
            "Container Registry",
            "Container Registry",
            "Standard",
            "Standard Registry Unit",
            "1/Day",
        ),
        Meter(
            "acr.premium.day", "Container Registry", "Container Registry", "Premium", "Premium Registry Unit", "1/Day"
        ),
    ),
    _price_registry,
)


# --- Azure Managed Redis --------------------------------------------------------------------------------------
REDIS_SKUS = ("Balanced_B0", "Balanced_B1", "Balanced_B3", "Balanced_B5", "Balanced_B10")


def _price_redis(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = sku_name(inputs)
    if sku not in REDIS_SKUS:
        raise ValueError(f"Azure Managed Redis SKU {sku!r} has no price entry (priced: {', '.join(REDIS_SKUS)})")
    ha = inputs.get("highAvailability", "Enabled") != "Disabled"
    instances = 2 if ha else 1
    return [
        Charge(
            f"amr.{sku.lower()}",
            f"Azure Managed Redis {sku}{' (high availability)' if ha else ''}",
            instances * HOURS_PER_MONTH,
            f"{instances} instance{'s' if instances > 1 else ''} x 730 h",
            "fixed",
        )
    ]


_REDIS_COST = Priced(
    tuple(
        Meter(
            f"amr.{sku.lower()}",
            "Redis Cache",
            "Azure Managed Redis - Balanced",
            size,
            f"{size} Cache Instance",
            "1 Hour",
        )
        for sku, size in ((sku, sku.removeprefix("Balanced_")) for sku in REDIS_SKUS)
    ),
    _price_redis,
)


# --- Cosmos DB ------------------------------------------------------------------------------------------------
def _cosmos_serverless(account: Mapping[str, Any] | None) -> bool:
    caps = account.get("capabilities") if account else None
    return any(isinstance(c, Mapping) and c.get("name") == "EnableServerless" for c in caps or [])


def _cosmos_regions(account: Mapping[str, Any] | None) -> int:
    locations = account.get("locations") if account else None
    return max(len(locations), 1) if isinstance(locations, list) else 1


def _price_cosmos_account(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    regions = _cosmos_regions(inputs)
    where = f"{regions} region{'s' if regions > 1 else ''}"
    charges = [
        Charge(
            "cosmos.storage",
            "transactional storage",
            usage.cosmos_storage_gb * regions,
            f"{fmt(usage.cosmos_storage_gb)} GB x {where}",
            "usage",
            ("cosmosStorageGb",),
        )
    ]
    if _cosmos_serverless(inputs):
        charges.append(
            Charge(
                "cosmos.serverless.ru",
                "serverless request units",
                usage.cosmos_request_units_per_month / 1_000_000,
                f"{fmt(usage.cosmos_request_units_per_month)} RU, in millions",
                "usage",
                ("cosmosRequestUnitsPerMonth",),
            )
        )
    if get(inputs, "backupPolicy", "continuousModeProperties", "tier") == "Continuous30Days":
        charges.append(
            Charge(
                "cosmos.backup.continuous30",
                "continuous backup, 30 days",
                usage.cosmos_storage_gb * regions,
                f"{fmt(usage.cosmos_storage_gb)} GB x {where}",
                "usage",
                ("cosmosStorageGb",),
            )
        )
    return charges


_COSMOS_ACCOUNT_COST = Priced(
    (
        Meter("cosmos.storage", "Azure Cosmos DB", "Azure Cosmos DB", "Data Stored", "Data Stored", "1 GB/Month"),
        Meter("cosmos.serverless.ru", "Azure Cosmos DB", "Azure Cosmos DB serverless", "RUs", "1M RUs", "1M"),
        Meter(
            "cosmos.backup.continuous30",
            "Azure Cosmos DB",
            "Azure Cosmos DB - PITR",
            "Continuous Backup",
            "Continuous Data Stored",
            "1 GB/Month",
        ),
    ),
    _price_cosmos_account,
)


def _price_cosmos_throughput(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    account = related.find(COSMOS_ACCOUNT, "accountName", inputs.get("accountName"))
    regions = _cosmos_regions(account)
    options = inputs.get("options") if isinstance(inputs.get("options"), Mapping) else {}
    maximum = num(get(options, "autoscaleSettings", "maxThroughput"))
    manual = num(options.get("throughput") if options else None)
    where = f"{regions} region{'s' if regions > 1 else ''}"
    if maximum:
        floor = 0.1 * maximum
        used = max(usage.cosmos_autoscale_utilization, 0.1) * maximum
        charges = [
            Charge(
                "cosmos.autoscale.ru",
                "autoscale throughput, billed floor (10% of max)",
                floor / 100 * HOURS_PER_MONTH * regions,
                f"{fmt(floor)} RU/s (10% of {fmt(maximum)}) / 100 x 730 h x {where}",
                "fixed",
            )
        ]
        if used > floor:
            charges.append(
                Charge(
                    "cosmos.autoscale.ru",
                    "autoscale throughput above the floor (hourly peak)",
                    (used - floor) / 100 * HOURS_PER_MONTH * regions,
                    f"({fmt(used)} - {fmt(floor)}) RU/s / 100 x 730 h x {where}",
                    "usage",
                    ("cosmosAutoscaleUtilization",),
                )
            )
        return charges
    if manual:
        return [
            Charge(
                "cosmos.manual.ru",
                "provisioned throughput",
                manual / 100 * HOURS_PER_MONTH * regions,
                f"{fmt(manual)} RU/s / 100 x 730 h x {where}",
                "fixed",
            )
        ]
    return []  # serverless, or throughput shared from the database


_COSMOS_THROUGHPUT_COST = Priced(
    (
        Meter("cosmos.autoscale.ru", "Azure Cosmos DB", "Azure Cosmos DB autoscale", "RUs", "100 RU/s", "1 Hour"),
        Meter("cosmos.manual.ru", "Azure Cosmos DB", "Azure Cosmos DB", "RUs", "100 RU/s", "1 Hour"),
    ),
    _price_cosmos_throughput,
)


ORDER = 30
"""Where these records come in :data:`~azplatform.components.records.RECORDS` (lower first)."""


def _secret(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    # The versionless URI readers follow (Key Vault references, API Management named values).
    # Only the URIs: the harness never echoes a secret's value back as an output.
    uri = f"https://{inputs.get('vaultName')}.vault.azure.net/secrets/{inputs.get('secretName')}"
    return {"properties": {"secretUri": uri, "secretUriWithVersion": f"{uri}/{digest(rid)[:32]}"}}


RECORDS = (
    TypeRecord(
        token=KEY_VAULT,
        cost=_KEY_VAULT_COST,
        label="Key Vault",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.KeyVault/vaults/{vaultName}",
        parent=None,
        stateful=True,
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=0.5,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
        immutable=(Immutable("location", "a vault cannot move between regions", ARM_MOVE),),
        one_way=(
            OneWay(
                "properties.softDeleteRetentionInDays",
                allowed="never: the retention is set when the vault is created",
                refused="any change after creation",
                source=_KV_SOFT_DELETE,
                instead="keep the retention the vault was created with (keyVault.softDeleteRetentionDays), or create a "
                "new vault",
                is_refused=any_change,
            ),
            OneWay(
                "properties.enablePurgeProtection",
                allowed="false -> true",
                refused="true -> false or unset: once on, purge protection cannot be turned off",
                source=_KV_SOFT_DELETE,
                instead="keep purge protection on; a vault without it must be a new vault",
                is_refused=turned_off,
            ),
        ),
        # "Change a key vault tenant ID after a subscription move": set properties.tenantId on the existing vault.
        in_place=(
            InPlace("properties.tenantId", "https://learn.microsoft.com/azure/key-vault/general/move-subscription"),
        ),
        private_link=PrivateLink(
            group_id="vault",
            zone="privatelink.vaultcore.azure.net",
            source=PRIVATE_LINK_DNS,
            ports=("443",),
            ports_source="https://learn.microsoft.com/azure/key-vault/general/access-behind-firewall",
        ),
        computed=_vault,
    ),
    TypeRecord(
        token=SECRET,
        cost=Free("operations are priced on the vault"),
        label="secret",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.KeyVault/vaults/{vaultName}/secrets/{secretName}",
        parent=KEY_VAULT,
        stateful=True,
        taggable=True,
        telemetry=Telemetry.NONE,
        create_minutes=0.1,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(Prerequisite(KEY_VAULT, "a secret is a child of its vault"),),
        computed=_secret,
    ),
    TypeRecord(
        token=REGISTRY,
        cost=_REGISTRY_COST,
        label="Container Registry",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.ContainerRegistry/registries/{registryName}",
        parent=None,
        stateful=True,
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=1,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(Prerequisite(IDENTITY, "an assigned identity must exist"),),
        immutable=(Immutable("location", "a container registry cannot move between regions", ARM_MOVE),),
        private_link=PrivateLink(
            group_id="registry",
            zone="privatelink.azurecr.io",
            source=PRIVATE_LINK_DNS,
            ports=("443",),
            ports_source="https://learn.microsoft.com/azure/container-registry/container-registry-private-link",
        ),
        computed=_registry,
    ),
    TypeRecord(
        token=REDIS_CLUSTER,
        cost=_REDIS_COST,
        label="Azure Managed Redis",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.Cache/redisEnterprise/{clusterName}",
        parent=None,
        stateful=True,
        taggable=True,
        # Azure Managed Redis logs ConnectionEvents on the database, not the cluster.
        telemetry=Telemetry.METRICS,
        create_minutes=20,
        create_time_basis="reported",
        create_time_source="https://github.com/Azure/AzureCacheForRedis/issues/6",
        create_time_note=(
            "a Microsoft engineer on Azure Cache for Redis: '20+ minutes is a typical provisioning duration'; the "
            "Azure Managed Redis docs say only 'It takes a while for the cache to create' "
            "(https://learn.microsoft.com/azure/redis/private-link)."
        ),
        prerequisites=(),
        immutable=(
            Immutable("location", "an Azure Managed Redis cache cannot move between regions", ARM_MOVE),
            # The platform never sets zones (AMR places a highly available cache across zones by itself), but a
            # zones list, once set, is fixed for the life of the cluster.
            Immutable("zones", "zone placement is chosen at creation", _AMR_RELIABILITY),
            Immutable(
                "sku.name",
                "scaling works within the in-memory tiers (Memory/Compute Optimized, Balanced) but not to or from "
                "Flash Optimized or the Enterprise SKUs",
                _AMR_SCALE,
                forces=_redis_family_changed,
                declare=False,
            ),
        ),
        one_way=(
            OneWay(
                "highAvailability",
                allowed="Disabled -> Enabled",
                refused="Enabled -> Disabled (high availability cannot be disabled on an existing cache)",
                source=f"{_AMR_ARCH}#running-without-high-availability-mode-enabled",
                instead="keep high availability on, or create a new cache without it and move the data",
                is_refused=turned_off,
            ),
            OneWay(
                "sku.name",
                allowed="to a larger size or a higher-performance in-memory tier",
                refused="to a SKU whose shard layout is incompatible (see listSkusForScaling), or to/from Flash "
                "Optimized",
                source=_AMR_SCALE,
                instead="check the target with the cache's listSkusForScaling operation before merging",
                # Which SKUs a cache can scale to depends on its current shard layout, known only in Azure.
                is_refused=None,
            ),
        ),
        private_link=PrivateLink(
            group_id="redisEnterprise",
            zone="privatelink.redis.azure.net",
            source="https://learn.microsoft.com/azure/redis/private-link",
            # 10000 for the database; 85XX for the shards, which OSS-cluster clients reach directly.
            ports=("10000", "8500-8599"),
            ports_source=f"{_AMR_ARCH}#cluster-policies",
        ),
        computed=_redis_cluster,
    ),
    TypeRecord(
        token=REDIS_DATABASE,
        cost=Free("included in the cluster price"),
        label="database",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.Cache/redisEnterprise/{clusterName}/databases/{databaseName}",
        parent=REDIS_CLUSTER,
        stateful=True,
        taggable=False,
        telemetry=Telemetry.LOGS,
        create_minutes=2,
        create_time_basis="estimate",
        create_time_source=QUICK,
        create_time_note="created on a running cluster",
        prerequisites=(Prerequisite(REDIS_CLUSTER, "a database is a child of its cluster"),),
        immutable=(
            Immutable(
                "clusteringPolicy",
                "OSSCluster and EnterpriseCluster cannot be changed without deleting the database",
                f"{_AMR_ARCH}#cluster-policies",
            ),
            Immutable("modules", "modules can only be added when the database is created", _AMR_MODULES),
            Immutable("port", "the database port is fixed at creation", _AMR_ARCH),
        ),
    ),
    TypeRecord(
        token=REDIS_ACCESS,
        cost=Free("no charge"),
        label="access policy assignment",
        tier=Tier.PLUMBING,
        arm_id=(
            "{rg}/providers/Microsoft.Cache/redisEnterprise/{clusterName}/databases/{databaseName}"
            "/accessPolicyAssignments/{accessPolicyAssignmentName}"
        ),
        parent=REDIS_DATABASE,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        create_minutes=0.5,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite("azure-native:redisenterprise:*", "an assignment is a child of its database"),
            Prerequisite("*", "the principal must exist", via="user"),
        ),
    ),
    TypeRecord(
        token=COSMOS_ACCOUNT,
        cost=_COSMOS_ACCOUNT_COST,
        label="Cosmos DB",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}",
        parent=None,
        stateful=True,
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=8,
        create_time_basis="documented",
        create_time_source="https://learn.microsoft.com/azure/cosmos-db/nosql/quickstart-portal",
        create_time_note=(
            "'The account creation takes a few minutes'; a report of '10-15 minutes per region' "
            "(https://github.com/hashicorp/terraform-provider-azurerm/issues/4271). One region: 8 assumed."
        ),
        prerequisites=(),
        immutable=(
            Immutable("location", "a Cosmos DB account's resource location is fixed", ARM_MOVE),
            Immutable("kind", "the account API kind can only be set at creation", ARM_MOVE),
            Immutable(
                "capabilities",
                "serverless (EnableServerless) is chosen at account creation; other capabilities are added in place",
                _COSMOS_SERVERLESS,
                forces=_serverless_toggled,
            ),
            Immutable(
                "locations[*].isZoneRedundant",
                "zone redundancy of a region cannot be changed; the region must be removed and added again",
                _COSMOS_RELIABILITY,
            ),
        ),
        one_way=(
            OneWay(
                "backupPolicy.type",
                allowed="Periodic -> Continuous",
                refused="Continuous -> Periodic",
                source="https://learn.microsoft.com/azure/cosmos-db/migrate-continuous-backup",
                instead="keep continuous backup (choose its 7- or 30-day tier), or restore into a new account with "
                "periodic backup",
                is_refused=moved_from("Continuous"),
            ),
        ),
        private_link=PrivateLink(
            group_id="Sql",
            zone="privatelink.documents.azure.com",
            source=PRIVATE_LINK_DNS,
            # Gateway mode: the SDKs' HTTPS connection on 443.
            ports=("443",),
            ports_source="https://learn.microsoft.com/azure/cosmos-db/nosql/sdk-connection-modes",
        ),
        computed=_cosmos,
    ),
    TypeRecord(
        token=COSMOS_DATABASE,
        cost=_COSMOS_THROUGHPUT_COST,
        label="database",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}/sqlDatabases/{databaseName}",
        parent=COSMOS_ACCOUNT,
        stateful=True,
        taggable=True,
        telemetry=Telemetry.NONE,
        **_COSMOS_CHILD_TIME,
        prerequisites=(_COSMOS_CHILD,),
    ),
    TypeRecord(
        token=COSMOS_CONTAINER,
        cost=_COSMOS_THROUGHPUT_COST,
        label="container",
        tier=Tier.DATA,
        arm_id=(
            "{rg}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}/sqlDatabases/{databaseName}"
            "/containers/{containerName}"
        ),
        parent=COSMOS_DATABASE,
        stateful=True,
        taggable=True,
        telemetry=Telemetry.NONE,
        **_COSMOS_CHILD_TIME,
        prerequisites=(_COSMOS_CHILD, Prerequisite(COSMOS_DATABASE, "a container is a child of its database")),
        immutable=(
            Immutable(
                "resource.partitionKey",
                "a container's partition key cannot change; the data must be copied into a new container",
                _COSMOS_PARTITIONING,
            ),
        ),
    ),
    TypeRecord(
        token=COSMOS_ROLE_ASSIGNMENT,
        cost=Free("no charge"),
        label="sql resource sql role assignment",
        tier=Tier.PLUMBING,
        arm_id=(
            "{rg}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}/sqlRoleAssignments/{roleAssignmentId}"
        ),
        parent=COSMOS_ACCOUNT,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        **_COSMOS_CHILD_TIME,
        prerequisites=(_COSMOS_CHILD, Prerequisite("*", "the principal must exist", via="principalId")),
    ),
)

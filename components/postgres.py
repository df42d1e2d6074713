"""Azure Database for PostgreSQL flexible server (``Microsoft.DBforPostgreSQL/flexibleServers``): private,
Entra-only, TLS-only, with its databases, server parameters, Entra administrators and the job that turns managed
identities into database roles.

Azure creates Entra-backed roles *inside* PostgreSQL (``pgaadauth_create_principal_with_oid``), not through ARM, so
:class:`PostgresPrincipals` is a Container Apps job that signs in as a server administrator (a user-assigned
identity) and runs that SQL. https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-manage-azure-ad-users
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from typing import Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, TypeAdapter, model_validator

from azplatform.components.alerting import Severity, metric_alert
from azplatform.components.args import Args, Input, ProblemList
from azplatform.components.container_apps_environment import CONSUMPTION
from azplatform.components.interfaces import CommonArgs, PrivateEndpointSpec, apply_interfaces
from azplatform.components.naming import Kind, Namer, NameRule, name_check
from azplatform.components.records.compute import JOB
from azplatform.components.regions import REGIONS
from azplatform.components.replacements import replace_on_changes

__all__ = [
    "DATABASE_SUFFIX",
    "PORT",
    "PRIVATE_LINK_GROUP",
    "EntraAdministrator",
    "PostgresAlertThresholds",
    "PostgresDatabaseSpec",
    "PostgresFlexibleServer",
    "PostgresFlexibleServerArgs",
    "PostgresMaintenanceWindow",
    "PostgresPrincipals",
    "PostgresPrincipalsArgs",
    "PostgresSettings",
    "ha_region_problem",
    "server_name",
]

TYPE_TOKEN = "azplatform:index:PostgresFlexibleServer"
PRINCIPALS_TYPE_TOKEN = "azplatform:index:PostgresPrincipals"

# String constants only: importing this module must not load the dbforpostgresql SDK module.
SERVER = "azure-native:dbforpostgresql:Server"
CONFIGURATION = "azure-native:dbforpostgresql:Configuration"
DATABASE = "azure-native:dbforpostgresql:Database"
ADMINISTRATOR = "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra"

PRIVATE_LINK_GROUP = "postgresqlServer"
"""The flexible server's Private Link sub-resource (zone privatelink.postgres.database.azure.com).
https://learn.microsoft.com/azure/private-link/private-endpoint-dns"""

PORT = 5432
DATABASE_SUFFIX = "postgres.database.azure.com"
"""A server's host name is ``<server name>.postgres.database.azure.com``; with a private endpoint it resolves, in the
VNet, through the privatelink zone's CNAME. https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private-link"""

ENTRA_RESOURCE = "https://ossrdbms-aad.database.windows.net"
"""The token audience of Entra authentication to Azure Database for PostgreSQL.
https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-connect-with-managed-identity"""

# Compute tiers and the SKU family each accepts (Standard_B* burstable, Standard_D* general purpose, Standard_E*
# memory optimized). https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-compute
Tier = Literal["Burstable", "GeneralPurpose", "MemoryOptimized"]
SKU_PREFIX: dict[str, str] = {
    "Burstable": "Standard_B",
    "GeneralPurpose": "Standard_D",
    "MemoryOptimized": "Standard_E",
}

# Premium SSD sizes a server can be given (GiB); storage can be scaled up, never down.
# https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-storage
STORAGE_SIZES_GB: tuple[int, ...] = (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)

# Backup retention: 7 (default) to 35 days. https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 7, 35

HighAvailabilityMode = Literal["Disabled", "SameZone", "ZoneRedundant"]
PostgresVersion = Literal["13", "14", "15", "16", "17"]

# Server parameters the platform always sets: TLS only (1.2+), and the connection and checkpoint logging that
# security reviews and incident timelines rely on. Config may add others but not weaken these.
# https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-ssl-tls
# https://learn.microsoft.com/azure/postgresql/server-parameters/param-reporting-logging-what-log (log_connections,
# log_disconnections, log_checkpoints: dynamic, on/off, default on: set explicitly so a portal change is reverted)
SECURE_PARAMETERS: dict[str, str] = {
    "require_secure_transport": "on",
    "ssl_min_protocol_version": "TLSv1.2",
    "log_connections": "on",
    "log_disconnections": "on",
    "log_checkpoints": "on",
    "connection_throttle.enable": "on",
}

# Database names: PostgreSQL identifiers (1-63 bytes); the platform keeps them unquoted-safe. Azure reserves the
# system databases. https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
_DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
RESERVED_DATABASES = frozenset({"postgres", "azure_maintenance", "azure_sys", "template0", "template1"})

# Server names: 3-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen; globally unique
# (the host name is <name>.postgres.database.azure.com).
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftdbforpostgresql
SERVER_NAME_RULE = NameRule(
    "psql",
    3,
    63,
    r"[a-z0-9][a-z0-9-]*[a-z0-9]",
    "lowercase letters, digits, hyphens",
    globally_unique=True,
    lowercase=True,
)


def server_name(namer: Namer) -> str:
    """The platform's name for its server: ``psql-<prefix>-<env>-<region>-<suffix>`` (CAF abbreviation psql)."""
    return namer.name(SERVER_NAME_RULE)


_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_PARAMETER = re.compile(r"^[a-z_][a-z0-9_.]{0,127}$")


def _database_name(value: str) -> str:
    if not _DATABASE_NAME.match(value):
        raise ValueError("must be 1-63 lowercase letters, digits or underscores, not starting with a digit")
    if value in RESERVED_DATABASES:
        raise ValueError(f"is reserved by Azure or PostgreSQL ({', '.join(sorted(RESERVED_DATABASES))})")
    return value


DatabaseName = Annotated[str, AfterValidator(_database_name)]


class PostgresDatabaseSpec(Args):
    """One database on the server. Charset and collation are fixed at creation (a change replaces the database)."""

    charset: str = Field(default="UTF8", pattern=r"^[A-Za-z0-9_]+$", description="Character set. Default UTF8.")
    collation: str = Field(
        default="en_US.utf8", pattern=r"^[A-Za-z0-9_.@-]+$", description="Collation. Default en_US.utf8."
    )


class PostgresMaintenanceWindow(Args):
    """A custom weekly maintenance window (UTC). https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-maintenance"""

    day_of_week: int = Field(default=0, ge=0, le=6, description="0 Sunday ... 6 Saturday. Default 0.")
    start_hour: int = Field(default=2, ge=0, le=23, description="Start hour, UTC (0-23). Default 2.")
    start_minute: int = Field(default=0, ge=0, le=59, description="Start minute (0-59). Default 0.")


class EntraAdministrator(Args):
    """A Microsoft Entra principal made server administrator (typically the DBA group)."""

    object_id: str = Field(pattern=_GUID.pattern, description="Entra object id of the group, user or application.")
    principal_name: str = Field(
        min_length=1, max_length=128, description="Its display name (the PostgreSQL role it signs in as)."
    )
    principal_type: Literal["Group", "User", "ServicePrincipal"] = Field(
        default="Group", description="Group (default), User or ServicePrincipal."
    )


class PostgresAlertThresholds(Args):
    """When the server's alerts fire (each over 15 minutes). The fields are named after the server's platform metrics
    (``cpu_percent``, ``storage_percent``, ``active_connections``):
    https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-dbforpostgresql-flexibleservers-metrics
    and https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-monitoring"""

    cpu_percent: int = Field(default=80, ge=1, le=100, description="Average CPU percent. Default 80.")
    storage_percent: int = Field(default=85, ge=1, le=100, description="Storage used percent. Default 85.")
    active_connections: int = Field(
        default=400, ge=1, description="Active connections (maximum). Default 400 (max_connections depends on SKU)."
    )


class PostgresSettings(Args):
    """What a user chooses about a PostgreSQL flexible server (the stack file's ``postgres`` section)."""

    version: PostgresVersion = Field(default="16", description="PostgreSQL major version (13-17). Default 16.")
    tier: Tier = Field(
        default="GeneralPurpose",
        description="Compute tier: Burstable (no HA), GeneralPurpose or MemoryOptimized. Default GeneralPurpose.",
    )
    sku_name: str = Field(
        default="Standard_D2ds_v5",
        pattern=r"^Standard_[A-Za-z0-9_]+$",
        description="Compute size of the tier: Standard_B* (Burstable), Standard_D* (GeneralPurpose), Standard_E* "
        "(MemoryOptimized). Default Standard_D2ds_v5.",
    )
    storage_size_gb: int = Field(
        default=64,
        description="Premium SSD size in GiB (32, 64, 128, ... 32768). Grows, never shrinks. Default 64.",
    )
    storage_autogrow: bool = Field(default=True, description="Grow storage before it fills up. Default on.")
    high_availability: HighAvailabilityMode | None = Field(
        default=None,
        description="Disabled, SameZone or ZoneRedundant (a standby in another zone; needs a region with zones and "
        "a tier other than Burstable). Default: Disabled; in the platform, ZoneRedundant where zoneRedundant is on.",
    )
    geo_redundant_backup: bool = Field(
        default=False,
        description="Copy backups to the paired region. Chosen at creation only (a change replaces the server). "
        "Default off.",
    )
    backup_retention_days: int = Field(
        default=MIN_RETENTION_DAYS,
        ge=MIN_RETENTION_DAYS,
        le=MAX_RETENTION_DAYS,
        description=f"Point-in-time restore window ({MIN_RETENTION_DAYS}-{MAX_RETENTION_DAYS} days). Default 7.",
    )
    maintenance_window: PostgresMaintenanceWindow = Field(
        default_factory=PostgresMaintenanceWindow, description="Weekly maintenance window. Default Sunday 02:00 UTC."
    )
    server_parameters: dict[str, str] = Field(
        default_factory=dict,
        description="Extra server parameters (name -> value), on top of the platform's TLS-only and logging ones, "
        "which cannot be overridden. Default: none.",
    )
    databases: dict[DatabaseName, PostgresDatabaseSpec] = Field(
        default_factory=dict, description="Databases by name (lowercase identifiers). Default: none."
    )
    entra_administrator: EntraAdministrator | None = Field(
        default=None,
        description="An Entra group (or user) made administrator besides the platform's own identity. Default: none.",
    )
    alerts: PostgresAlertThresholds = Field(
        default_factory=PostgresAlertThresholds, description="Alert thresholds (CPU, storage, connections)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> PostgresSettings:
        problems: list[tuple[tuple[str, ...], str, object]] = []
        prefix = SKU_PREFIX[self.tier]
        if not self.sku_name.startswith(prefix):
            problems.append(
                (("sku_name",), f"is not a {self.tier} size; {self.tier} takes {prefix}* sizes", self.sku_name)
            )
        if self.high_availability not in (None, "Disabled") and self.tier == "Burstable":
            # https://learn.microsoft.com/azure/reliability/reliability-postgresql-flexible-server
            problems.append(
                (
                    ("high_availability",),
                    "is not available on the Burstable tier; use GeneralPurpose or MemoryOptimized, or Disabled",
                    self.high_availability,
                )
            )
        if self.storage_size_gb not in STORAGE_SIZES_GB:
            problems.append(
                (
                    ("storage_size_gb",),
                    f"is not a Premium SSD size Azure offers; allowed: {', '.join(map(str, STORAGE_SIZES_GB))}",
                    self.storage_size_gb,
                )
            )
        for name in self.server_parameters:
            if not _PARAMETER.match(name):
                problems.append((("server_parameters", name), "is not a server parameter name", name))
            elif name in SECURE_PARAMETERS and self.server_parameters[name] != SECURE_PARAMETERS[name]:
                problems.append(
                    (
                        ("server_parameters", name),
                        f"is fixed by the platform to {SECURE_PARAMETERS[name]!r}",
                        self.server_parameters[name],
                    )
                )
        if problems:
            raise ProblemList(problems)
        return self

    @property
    def parameters(self) -> dict[str, str]:
        """Every server parameter the server gets: the platform's, then the extra ones, by name."""
        return {**SECURE_PARAMETERS, **self.server_parameters}


def ha_region_problem(mode: object, location: object) -> str | None:
    """Why ``mode`` cannot be used in ``location`` (zone-redundant HA needs availability zones), or None."""
    region = REGIONS.get(str(location)) if isinstance(location, str) else None
    if mode == "ZoneRedundant" and region is not None and not region.zones:
        # https://learn.microsoft.com/azure/reliability/reliability-postgresql-flexible-server
        return f"ZoneRedundant needs a region with availability zones; {location} has none (use SameZone or Disabled)"
    return None


class PostgresFlexibleServerArgs(PostgresSettings, CommonArgs):
    """Arguments for :class:`PostgresFlexibleServer`: its settings plus placement, administrators and interfaces."""

    name: Annotated[str, AfterValidator(name_check(SERVER_NAME_RULE, "postgres server"))] = Field(
        description="Server name (CAF psql-...; 3-63 lowercase letters, digits, hyphens; globally unique, as the "
        f"host name is <name>.{DATABASE_SUFFIX})."
    )
    tenant_id: Input[str] = Field(description="Entra tenant of the server's administrators.")
    administrator_principal_id: Input[str] | None = Field(
        default=None,
        description="Object id of a managed identity made server administrator (the platform's, which runs the "
        "principals job). Default: none.",
    )
    administrator_name: str | None = Field(
        default=None, description="The administrator identity's name (the role it signs in as); with administrator."
    )
    private_endpoints: list[PrivateEndpointSpec] = Field(
        default_factory=list,
        description="Private endpoints (group postgresqlServer); public network access is disabled either way. "
        "Default: none.",
    )

    @model_validator(mode="after")
    def _placement(self) -> PostgresFlexibleServerArgs:
        problems: list[tuple[tuple[str, ...], str, object]] = []
        reason = ha_region_problem(self.high_availability, self.location)
        if reason is not None:
            problems.append((("high_availability",), reason, self.high_availability))
        if (self.administrator_principal_id is None) != (self.administrator_name is None):
            problems.append((("administrator_name",), "is given with administrator_principal_id, and only then", None))
        if self.administrator_principal_id is None and self.entra_administrator is None:
            problems.append(
                (
                    ("entra_administrator",),
                    "is required without administrator_principal_id: password authentication is off",
                    None,
                )
            )
        if problems:
            raise ProblemList(problems)
        return self


class PostgresFlexibleServer(pulumi.ComponentResource):
    """A PostgreSQL flexible server: public network access off, Entra authentication only, TLS 1.2+, storage
    autogrow, backups, maintenance window, its databases and server parameters. Alerts: ``alert_cpu_above``,
    ``alert_storage_above``, ``alert_connections_above``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    host: pulumi.Output[str]

    def __init__(self, name: str, args: PostgresFlexibleServerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        pg = azure_native.dbforpostgresql
        self._name = name
        self._resource_group_name = args.resource_group_name
        self._tags = dict(args.tags)
        self.server = pg.Server(
            name,
            server_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            version=args.version,
            sku=pg.SkuArgs(name=args.sku_name, tier=args.tier),
            storage=pg.StorageArgs(
                storage_size_gb=args.storage_size_gb,
                auto_grow="Enabled" if args.storage_autogrow else "Disabled",
            ),
            backup=pg.BackupArgs(
                backup_retention_days=args.backup_retention_days,
                geo_redundant_backup="Enabled" if args.geo_redundant_backup else "Disabled",
            ),
            high_availability=pg.HighAvailabilityArgs(mode=args.high_availability or "Disabled"),
            maintenance_window=pg.MaintenanceWindowArgs(
                custom_window="Enabled",
                day_of_week=args.maintenance_window.day_of_week,
                start_hour=args.maintenance_window.start_hour,
                start_minute=args.maintenance_window.start_minute,
            ),
            # Public access mode with public network access off: reachable only through private endpoints.
            network=pg.NetworkArgs(public_network_access="Disabled"),
            # Entra only: no password login exists (no administratorLogin is ever set).
            auth_config=pg.AuthConfigArgs(
                active_directory_auth="Enabled", password_auth="Disabled", tenant_id=args.tenant_id
            ),
            tags=self._tags,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, replace_on_changes=replace_on_changes(SERVER)
            ),
        )
        # A flexible server runs one management operation at a time: children are created one after another.
        previous: pulumi.Resource = self.server
        self.administrators: list[pulumi.CustomResource] = []
        admins: list[tuple[str, Input[str], str, str]] = []
        if args.administrator_principal_id is not None and args.administrator_name is not None:
            admins.append(
                (f"{name}-admin", args.administrator_principal_id, args.administrator_name, "servicePrincipal")
            )
        if args.entra_administrator is not None:
            entra = args.entra_administrator
            kind = {"Group": "group", "User": "user", "ServicePrincipal": "servicePrincipal"}[entra.principal_type]
            admins.append((f"{name}-admin-entra", entra.object_id, entra.principal_name, kind))
        for logical, object_id, principal_name, kind in admins:
            previous = pg.AdministratorsMicrosoftEntra(
                logical,
                server_name=self.server.name,
                resource_group_name=args.resource_group_name,
                object_id=object_id,
                principal_name=principal_name,
                principal_type=kind,
                tenant_id=args.tenant_id,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[previous]),
            )
            self.administrators.append(previous)
        self.configurations: dict[str, pulumi.CustomResource] = {}
        for parameter, value in args.parameters.items():
            previous = pg.Configuration(
                f"{name}-param-{parameter.replace('.', '-').replace('_', '-')}",
                server_name=self.server.name,
                resource_group_name=args.resource_group_name,
                configuration_name=parameter,
                value=value,
                source="user-override",
                opts=pulumi.ResourceOptions(parent=self, depends_on=[previous]),
            )
            self.configurations[parameter] = previous
        self.databases: dict[str, pulumi.CustomResource] = {}
        for database, spec in sorted(args.databases.items()):
            previous = pg.Database(
                f"{name}-db-{database.replace('_', '-')}",
                server_name=self.server.name,
                resource_group_name=args.resource_group_name,
                database_name=database,
                charset=spec.charset,
                collation=spec.collation,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[previous],
                    protect=args.protect,
                    replace_on_changes=replace_on_changes(DATABASE),
                ),
            )
            self.databases[database] = previous
        self.last_operation = previous
        """The last child written: whatever signs in to the server waits for it."""

        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.server,
            azure_name=args.name,
            group_id=PRIVATE_LINK_GROUP,
            lock_notes="PostgreSQL holds the platform's relational data",
        )
        self.id = self.server.id
        self.name = self.server.name
        self.host = self.server.fully_qualified_domain_name
        self.register_outputs({"id": self.id, "host": self.host})

    def _alert(
        self,
        suffix: str,
        *,
        metric: str,
        aggregation: str,
        threshold: int,
        description: str,
        action_group_id: pulumi.Input[str],
        severity: Severity,
    ) -> azure_native.monitor.MetricAlert:
        # Metrics: https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-dbforpostgresql-flexibleservers-metrics
        return metric_alert(
            self,
            f"{self._name}-{suffix}",
            resource_group_name=self._resource_group_name,
            scope_id=self.server.id,
            metric_namespace="Microsoft.DBforPostgreSQL/flexibleServers",
            metric_name=metric,
            aggregation=aggregation,
            operator="GreaterThan",
            threshold=threshold,
            window_size="PT15M",
            evaluation_frequency="PT5M",
            severity=severity,
            description=description,
            action_group_id=action_group_id,
            tags=self._tags,
        )

    def alert_cpu_above(
        self, percent: int, action_group_id: pulumi.Input[str], *, severity: Severity = 2
    ) -> azure_native.monitor.MetricAlert:
        """Alert when average CPU (``cpu_percent``) exceeds ``percent`` over 15 minutes."""
        percent = _PERCENT.validate_python(percent)
        return self._alert(
            "cpu",
            metric="cpu_percent",
            aggregation="Average",
            threshold=percent,
            description=f"PostgreSQL CPU above {percent}%",
            action_group_id=action_group_id,
            severity=severity,
        )

    def alert_storage_above(
        self, percent: int, action_group_id: pulumi.Input[str], *, severity: Severity = 1
    ) -> azure_native.monitor.MetricAlert:
        """Alert when used storage (``storage_percent``) exceeds ``percent``: a full server turns read-only."""
        percent = _PERCENT.validate_python(percent)
        return self._alert(
            "storage",
            metric="storage_percent",
            aggregation="Maximum",
            threshold=percent,
            description=f"PostgreSQL storage above {percent}%: a full server turns read-only",
            action_group_id=action_group_id,
            severity=severity,
        )

    def alert_connections_above(
        self, count: int, action_group_id: pulumi.Input[str], *, severity: Severity = 2
    ) -> azure_native.monitor.MetricAlert:
        """Alert when active connections (``active_connections``, maximum) exceed ``count``."""
        count = _POSITIVE.validate_python(count)
        return self._alert(
            "connections",
            metric="active_connections",
            aggregation="Maximum",
            threshold=count,
            description=f"PostgreSQL active connections above {count}",
            action_group_id=action_group_id,
            severity=severity,
        )


_PERCENT: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=1, le=100)])
_POSITIVE: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=1)])


# --- database principals for managed identities ---------------------------------------------------------------


class DatabaseGrant(Args):
    """One managed identity that becomes a PostgreSQL role with access to some databases."""

    role: str = Field(
        pattern=r"^[A-Za-z0-9][-\w]{0,62}$",
        description="The role name: the identity's name, which the app signs in as (POSTGRES_USER).",
    )
    object_id: Input[str] = Field(description="The identity's Entra object (principal) id.")
    databases: list[DatabaseName] = Field(min_length=1, description="Databases it may connect to and create in.")


class PostgresPrincipalsArgs(CommonArgs):
    """Arguments for :class:`PostgresPrincipals`: where the job runs, as whom, and which roles it creates."""

    name: Annotated[str, AfterValidator(name_check(Kind.CONTAINER_APP_JOB))] = Field(
        description="Job name (caj-...; 2-32 lowercase letters, digits, single hyphens)."
    )
    environment_id: Input[str] = Field(description="The Container Apps environment (in the VNet) the job runs in.")
    identity_id: Input[str] = Field(description="Resource id of the administrator identity the job runs as.")
    identity_client_id: Input[str] = Field(description="Its client id (to ask for its token).")
    administrator_name: str = Field(description="The administrator identity's name: the role the job signs in as.")
    host: Input[str] = Field(description="The server's host name.")
    grants: list[DatabaseGrant] = Field(min_length=1, description="The roles to create and their databases.")
    image: str = Field(
        default="docker.io/library/postgres:17-alpine",
        description="An image with psql, sh and wget (the default; mirror it into a private registry where "
        "egress is closed).",
    )
    cron_expression: str = Field(
        default="17 * * * *",
        description="When the job runs (UTC cron). It is idempotent; hourly by default, and started on demand "
        "after a deploy with az containerapp job start.",
    )
    wait_for: list[pulumi.Resource] = Field(
        default_factory=list, description="Resources the job waits for (the server's administrators, databases)."
    )


def principals_script(administrator: str, grants: Sequence[tuple[str, str, Sequence[str]]]) -> str:
    """The shell script the job runs: an Entra token for the administrator identity from the Container Apps
    identity endpoint, then, per grant, ``pgaadauth_create_principal_with_oid`` (only if the role does not exist) and
    CONNECT/TEMPORARY on each database plus USAGE/CREATE on its public schema. Idempotent."""
    sql: list[str] = []
    for role, object_id, databases in grants:
        quoted_role = role.replace("'", "''")
        sql.append(
            f"SELECT pgaadauth_create_principal_with_oid('{quoted_role}', '{object_id}', 'service', false, false) "
            f"WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{quoted_role}');"
        )
        sql += [f'GRANT CONNECT, TEMPORARY ON DATABASE "{db}" TO "{role}";' for db in databases]
    per_database: dict[str, list[str]] = {}
    for role, _, databases in grants:
        for db in databases:
            per_database.setdefault(db, []).append(f'GRANT USAGE, CREATE ON SCHEMA public TO "{role}";')
    lines = [
        "set -eu",
        'token_json=$(wget -qO- --header "X-IDENTITY-HEADER: $IDENTITY_HEADER" '
        f'"$IDENTITY_ENDPOINT?api-version=2019-08-01&resource={ENTRA_RESOURCE}&client_id=$AZURE_CLIENT_ID")',
        'export PGPASSWORD=$(printf \'%s\' "$token_json" | sed -n \'s/.*"access_token": *"\\([^"]*\\)".*/\\1/p\')',
        f"export PGHOST=$POSTGRES_HOST PGPORT={PORT} PGUSER={shlex.quote(administrator)} PGSSLMODE=require",
        f"psql -v ON_ERROR_STOP=1 -d postgres -c {shlex.quote(' '.join(sql))}",
    ]
    lines += [
        f"psql -v ON_ERROR_STOP=1 -d {db} -c {shlex.quote(' '.join(statements))}"
        for db, statements in sorted(per_database.items())
    ]
    return "\n".join(lines)


class PostgresPrincipals(pulumi.ComponentResource):
    """A scheduled Container Apps job that makes managed identities PostgreSQL roles. Azure creates Entra-backed
    roles inside PostgreSQL, not through ARM, so this is what runs where:

    1. ``pulumi up`` creates the job (ARM) in the given Container Apps environment, which sits in the VNet and so
       reaches the server through its private endpoint; the job runs as ``identity_id``, which must be one of the
       server's Entra administrators (named ``administrator_name``).
    2. Each execution (hourly by default, or ``az containerapp job start --name <job> --resource-group <group>``
       right after a deploy) gets an Entra token for that identity from the Container Apps identity endpoint
       (audience ``https://ossrdbms-aad.database.windows.net``), connects as the administrator with TLS
       (``sslmode=require``) and, in the ``postgres`` database, runs ``pgaadauth_create_principal_with_oid(role,
       object id, 'service', false, false)`` for each grant whose role does not exist yet, then ``GRANT CONNECT,
       TEMPORARY`` on each of its databases; in each database it grants ``USAGE, CREATE`` on schema ``public``.
    3. The app then signs in as its role (its identity's name) with an Entra token of its own as password.

    The script is idempotent; removing a grant does not drop the role (drop it by hand, as an administrator)."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: PostgresPrincipalsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(PRINCIPALS_TYPE_TOKEN, name, None, opts)
        app = azure_native.app
        grants = [(g.role, g.object_id, list(g.databases)) for g in args.grants]
        script = pulumi.Output.all(*[object_id for _, object_id, _ in grants]).apply(
            lambda ids: principals_script(
                args.administrator_name,
                [(role, str(oid), dbs) for (role, _, dbs), oid in zip(grants, ids, strict=True)],
            )
        )
        self.job = app.Job(
            name,
            job_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            environment_id=args.environment_id,
            workload_profile_name=CONSUMPTION,
            identity=app.ManagedServiceIdentityArgs(type="UserAssigned", user_assigned_identities=[args.identity_id]),
            configuration=app.JobConfigurationArgs(
                trigger_type="Schedule",
                replica_timeout=300,
                replica_retry_limit=1,
                schedule_trigger_config=app.JobConfigurationScheduleTriggerConfigArgs(
                    cron_expression=args.cron_expression, parallelism=1, replica_completion_count=1
                ),
            ),
            template=app.JobTemplateArgs(
                containers=[
                    app.ContainerArgs(
                        name="principals",
                        image=args.image,
                        command=["/bin/sh", "-c"],
                        args=[script],
                        resources=app.ContainerResourcesArgs(cpu=0.25, memory="0.5Gi"),
                        env=[
                            app.EnvironmentVarArgs(name="AZURE_CLIENT_ID", value=args.identity_client_id),
                            app.EnvironmentVarArgs(name="POSTGRES_HOST", value=args.host),
                        ],
                    )
                ]
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=list(args.wait_for), replace_on_changes=replace_on_changes(JOB)
            ),
        )
        self.interfaces = apply_interfaces(
            self, name, args, self.job, azure_name=args.name, logs=False, lock_notes="Creates database roles"
        )
        self.id = self.job.id
        self.name = self.job.name
        self.register_outputs({"id": self.id})


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "PostgresFlexibleServer": """
from azplatform.components import (
    DiagnosticSettings, EntraAdministrator, PostgresDatabaseSpec, PostgresFlexibleServer, PostgresFlexibleServerArgs,
    PrivateEndpointSpec,
)

# Entra only (no password login): the DBA group is the server's administrator. Private endpoint only.
server = PostgresFlexibleServer("pg", PostgresFlexibleServerArgs(
    name="psql-shop-dev-weu", resource_group_name=RG, location="westeurope",
    tenant_id="00000000-0000-4000-8000-000000000002",
    tier="Burstable", sku_name="Standard_B1ms", storage_size_gb=32,
    entra_administrator=EntraAdministrator(object_id="00000000-0000-4000-8000-0000000000db", principal_name="DBAs"),
    databases={"shop": PostgresDatabaseSpec()},
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.postgres.database.azure.com"]
    )],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
    "PostgresPrincipals": """
from azplatform.components import DatabaseGrant, PostgresPrincipals, PostgresPrincipalsArgs

# Runs in the Container Apps environment as the server's administrator identity and makes the app's managed
# identity a PostgreSQL role (pgaadauth_create_principal_with_oid) with access to the shop database.
PostgresPrincipals("pg-roles", PostgresPrincipalsArgs(
    name="caj-shop-pgroles-dev", resource_group_name=RG, location="westeurope",
    environment_id=f"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/{RG}"
    "/providers/Microsoft.App/managedEnvironments/cae-shop-dev-weu",
    identity_id=f"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/{RG}"
    "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop-pgadmin-dev",
    identity_client_id="00000000-0000-4000-8000-0000000000c1", administrator_name="id-shop-pgadmin-dev",
    host="psql-shop-dev-weu.postgres.database.azure.com",
    grants=[DatabaseGrant(
        role="id-shop-api-dev", object_id="00000000-0000-4000-8000-0000000000a1", databases=["shop"]
    )],
))
""",
}

"""Azure Cosmos DB for NoSQL: Entra-only, private, continuously backed up, zone redundant where the region allows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.alerting import Dimension, metric_alert
from azplatform.components.common import CommonArgs, PrivateEndpointPlacement
from azplatform.components.legacy_interfaces import attach_interfaces
from azplatform.components.rbac import Principal
from azplatform.components.replacements import replace_on_changes

TYPE_TOKEN = "azplatform:index:CosmosDb"

cosmosdb = azure_native.cosmosdb

# Autoscale max throughput starts at 1000 RU/s and moves in steps of 1000.
# https://learn.microsoft.com/azure/cosmos-db/provision-throughput-autoscale#how-autoscale-provisioned-throughput-works
AUTOSCALE_MIN_RU = 1000
AUTOSCALE_STEP_RU = 1000
# Hierarchical partition keys: up to three levels (kind MultiHash, version 2).
# https://learn.microsoft.com/azure/cosmos-db/hierarchical-partition-keys
MAX_PARTITION_KEY_LEVELS = 3


class DataRole(Enum):
    """Cosmos DB for NoSQL built-in data-plane roles (sqlRoleDefinitions, the same ids in every account).
    https://learn.microsoft.com/azure/cosmos-db/how-to-setup-rbac#built-in-role-definitions"""

    DATA_READER = "00000000-0000-0000-0000-000000000001"
    DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002"


_GRANT_NAMESPACE = uuid.UUID("9d3b7a52-0c4e-4a8f-8f0b-3e2c6d1a7b95")


def autoscale_problem(max_throughput: int) -> str | None:
    """Why Azure would reject ``max_throughput`` as an autoscale maximum (None when it is valid)."""
    if max_throughput < AUTOSCALE_MIN_RU or max_throughput % AUTOSCALE_STEP_RU:
        return (
            f"autoscale max throughput must be at least {AUTOSCALE_MIN_RU} RU/s and a multiple of "
            f"{AUTOSCALE_STEP_RU}; got {max_throughput}"
        )
    return None


def partition_key_problem(paths: Sequence[str]) -> str | None:
    """Why Azure would reject ``paths`` as a container's partition key (None when they are valid)."""
    if not paths:
        return "a partition key needs at least one path"
    if len(paths) > MAX_PARTITION_KEY_LEVELS:
        return f"a hierarchical partition key has at most {MAX_PARTITION_KEY_LEVELS} levels; got {len(paths)}"
    bad = [p for p in paths if not p.startswith("/") or len(p) < 2]
    if bad:
        return f"partition key paths must start with '/' and name a property (for example /tenantId); got {bad}"
    if len(set(paths)) != len(paths):
        return f"partition key paths must be distinct; got {list(paths)}"
    return None


@dataclass(frozen=True, kw_only=True)
class IndexingSpec:
    """A container's indexing policy."""

    mode: str = "consistent"
    """``consistent`` or ``none``. Default consistent."""
    included_paths: Sequence[str] = ("/*",)
    """Paths to index. Default: everything (``/*``)."""
    excluded_paths: Sequence[str] = ()
    """Paths not to index (Azure always adds ``/"_etag"/?``). Default: none."""


@dataclass(frozen=True, kw_only=True)
class SqlContainerSpec:
    """One SQL container."""

    name: str
    """Container id."""
    partition_key_paths: Sequence[str]
    """Partition key path(s), each starting with '/'; two or three make a hierarchical key. Fixed at creation."""
    default_ttl: int | None = None
    """Item time to live in seconds; -1 turns TTL on with no default expiry. Default: TTL off."""
    indexing: IndexingSpec | None = None
    """Indexing policy. Default: Azure's (consistent, everything)."""
    max_throughput: int | None = None
    """Dedicated autoscale maximum RU/s (provisioned accounts only). Default: the database's shared throughput."""


@dataclass(frozen=True, kw_only=True)
class DatabaseSpec:
    """One SQL database and its containers."""

    name: str
    """Database id."""
    containers: Sequence[SqlContainerSpec] = ()
    """Containers. Default: none."""
    max_throughput: int | None = None
    """Shared autoscale maximum RU/s for containers without their own (provisioned accounts only). Default: none."""


@dataclass(frozen=True, kw_only=True)
class SecondaryRegion:
    """A read region (failover target) of a multi-region account."""

    location: str
    """Azure region name."""
    zone_redundant: bool = False
    """Spread the region's replicas over its availability zones. Default off."""


@dataclass(frozen=True, kw_only=True)
class CosmosDbArgs(CommonArgs):
    """Arguments for :class:`CosmosDb`."""

    name: str
    """Account name (CAF: cosno-...; 3-44 lowercase letters, digits, hyphens; globally unique)."""
    serverless: bool = False
    """Serverless capacity (pay per request, single region, no throughput settings). Fixed at creation. Default off."""
    zone_redundant: bool = True
    """Spread the write region's replicas over availability zones. Fixed per region. Default on."""
    secondary_regions: Sequence[SecondaryRegion] = ()
    """Read regions, in failover order (provisioned accounts only). Default: none."""
    backup_tier: str = "Continuous30Days"
    """Continuous backup (point-in-time restore) window: ``Continuous7Days`` or ``Continuous30Days``. Default 30."""
    consistency_level: str = "Session"
    """Default consistency level. Default Session."""
    databases: Sequence[DatabaseSpec] = field(default_factory=tuple)
    """SQL databases and containers. Default: none."""
    private_endpoint: PrivateEndpointPlacement | None = None
    """Private endpoint placement; public network access is disabled either way. Default: none."""


class CosmosDb(pulumi.ComponentResource):
    """A Cosmos DB for NoSQL account with local (key) auth disabled, TLS 1.2, no public network, continuous
    backup, and its databases and containers. Grants: ``grant_data_contributor``, ``grant_data_reader``.
    Alert: ``alert_throttling``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    endpoint: pulumi.Output[str]

    def __init__(self, name: str, args: CosmosDbArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        _check(args)
        self._name = name
        self._resource_group_name = args.resource_group_name
        self._tags = dict(args.tags)
        protected = pulumi.ResourceOptions(parent=self, protect=args.protect)
        locations = [
            cosmosdb.LocationArgs(
                location_name=args.location, failover_priority=0, is_zone_redundant=args.zone_redundant
            )
        ] + [
            cosmosdb.LocationArgs(
                location_name=region.location, failover_priority=i, is_zone_redundant=region.zone_redundant
            )
            for i, region in enumerate(args.secondary_regions, start=1)
        ]
        self.account = cosmosdb.DatabaseAccount(
            name,
            account_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind=cosmosdb.DatabaseAccountKind.GLOBAL_DOCUMENT_DB,
            database_account_offer_type=cosmosdb.DatabaseAccountOfferType.STANDARD,
            locations=locations,
            capabilities=[cosmosdb.CapabilityArgs(name="EnableServerless")] if args.serverless else [],
            consistency_policy=cosmosdb.ConsistencyPolicyArgs(
                default_consistency_level=cosmosdb.DefaultConsistencyLevel(args.consistency_level)
            ),
            # Service-managed failover to the next region in failover order (no effect on a single region).
            enable_automatic_failover=True,
            # Continuous backup gives point-in-time restore into a new account (accidental deletes, corruption).
            # https://learn.microsoft.com/azure/cosmos-db/continuous-backup-restore-introduction
            backup_policy=cosmosdb.ContinuousModeBackupPolicyArgs(
                type="Continuous",
                continuous_mode_properties=cosmosdb.ContinuousModePropertiesArgs(tier=args.backup_tier),
            ),
            # Identity, not keys: Entra RBAC for data, and no key may change databases or containers, so ARM
            # (and its locks) is the only way to delete them.
            # https://learn.microsoft.com/azure/cosmos-db/how-to-setup-rbac#disable-local-auth
            # https://learn.microsoft.com/azure/cosmos-db/resource-locks
            disable_local_auth=True,
            disable_key_based_metadata_write_access=True,
            minimal_tls_version=cosmosdb.MinimalTlsVersion.TLS12,
            public_network_access=cosmosdb.PublicNetworkAccess.DISABLED,
            network_acl_bypass=cosmosdb.NetworkAclBypass.NONE,
            is_virtual_network_filter_enabled=False,
            enable_free_tier=False,
            tags=self._tags,
            opts=pulumi.ResourceOptions.merge(
                protected,
                pulumi.ResourceOptions(replace_on_changes=replace_on_changes("azure-native:cosmosdb:DatabaseAccount")),
            ),
        )
        self.databases: dict[str, cosmosdb.SqlResourceSqlDatabase] = {}
        self.containers: dict[str, cosmosdb.SqlResourceSqlContainer] = {}
        for database in args.databases:
            db = cosmosdb.SqlResourceSqlDatabase(
                f"{name}-sqldb-{database.name}",
                account_name=self.account.name,
                resource_group_name=args.resource_group_name,
                database_name=database.name,
                resource=cosmosdb.SqlDatabaseResourceArgs(id=database.name),
                options=_autoscale(database.max_throughput),
                tags=self._tags,
                opts=protected,
            )
            self.databases[database.name] = db
            for container in database.containers:
                key = f"{database.name}/{container.name}"
                self.containers[key] = cosmosdb.SqlResourceSqlContainer(
                    f"{name}-ctr-{database.name}-{container.name}",
                    account_name=self.account.name,
                    resource_group_name=args.resource_group_name,
                    database_name=db.name,
                    container_name=container.name,
                    resource=_container_resource(container),
                    options=_autoscale(container.max_throughput),
                    tags=self._tags,
                    opts=pulumi.ResourceOptions.merge(
                        protected,
                        pulumi.ResourceOptions(
                            replace_on_changes=replace_on_changes("azure-native:cosmosdb:SqlResourceSqlContainer")
                        ),
                    ),
                )

        # The lock also covers databases, containers and data-plane role assignments (child resources): in a
        # locked environment, revoking a grant means lifting the lock first.
        self.private_endpoint = attach_interfaces(
            self,
            name,
            args,
            self.account,
            placement=args.private_endpoint,
            azure_name=args.name,
            group_id="Sql",
            lock_reason="Cosmos DB holds the platform's system of record",
        )

        self.id = self.account.id
        self.name = self.account.name
        self.endpoint = self.account.document_endpoint
        self.register_outputs({"id": self.id, "endpoint": self.endpoint})

    def grant_data_contributor(self, principal: Principal) -> cosmosdb.SqlResourceSqlRoleAssignment:
        """Cosmos DB Built-in Data Contributor on the whole account: read and write items (apps)."""
        return self._grant(DataRole.DATA_CONTRIBUTOR, principal)

    def grant_data_reader(self, principal: Principal) -> cosmosdb.SqlResourceSqlRoleAssignment:
        """Cosmos DB Built-in Data Reader on the whole account: read items and run queries."""
        return self._grant(DataRole.DATA_READER, principal)

    def _grant(self, role: DataRole, principal: Principal) -> cosmosdb.SqlResourceSqlRoleAssignment:
        key = f"{self._name}/{principal.logical_name}/{role.name}"
        return cosmosdb.SqlResourceSqlRoleAssignment(
            f"{self._name}-{role.name.lower().replace('_', '-')}-{principal.logical_name}",
            account_name=self.account.name,
            resource_group_name=self._resource_group_name,
            # Assignment ids must be GUIDs; uuid5 over the logical names keeps them stable across runs.
            role_assignment_id=str(uuid.uuid5(_GRANT_NAMESPACE, key)),
            role_definition_id=self.account.id.apply(
                lambda account_id: f"{account_id}/sqlRoleDefinitions/{role.value}"
            ),
            principal_id=principal.principal_id,
            scope=self.account.id,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def alert_throttling(
        self, throttled_requests: int, action_group_id: pulumi.Input[str], *, severity: int = 2
    ) -> azure_native.monitor.MetricAlert:
        """Alert when more than ``throttled_requests`` requests get HTTP 429 (rate limited) within 5 minutes.
        Metric TotalRequests, dimension StatusCode:
        https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-documentdb-databaseaccounts-metrics
        """
        return metric_alert(
            self,
            f"{self._name}-throttling",
            resource_group_name=self._resource_group_name,
            scope_id=self.account.id,
            metric_namespace="Microsoft.DocumentDB/databaseAccounts",
            metric_name="TotalRequests",
            aggregation="Count",
            operator="GreaterThan",
            threshold=throttled_requests,
            dimensions=[Dimension("StatusCode", ["429"])],
            window_size="PT5M",
            evaluation_frequency="PT1M",
            severity=severity,
            description=f"Cosmos DB throttled more than {throttled_requests} requests (HTTP 429) in 5 minutes",
            action_group_id=action_group_id,
            tags=self._tags,
        )


def _check(args: CosmosDbArgs) -> None:
    problems: list[str] = []
    throughputs = [(f"database {d.name}", d.max_throughput) for d in args.databases] + [
        (f"container {d.name}/{c.name}", c.max_throughput) for d in args.databases for c in d.containers
    ]
    for where, value in throughputs:
        if value is None:
            continue
        if args.serverless:
            problems.append(f"{where}: a serverless account has no provisioned throughput")
        elif (problem := autoscale_problem(value)) is not None:
            problems.append(f"{where}: {problem}")
    for database in args.databases:
        for container in database.containers:
            if (problem := partition_key_problem(container.partition_key_paths)) is not None:
                problems.append(f"container {database.name}/{container.name}: {problem}")
    if args.serverless and args.secondary_regions:
        problems.append("a serverless account runs in a single region; remove the secondary regions")
    if problems:
        raise ValueError("; ".join(problems))


def _autoscale(max_throughput: int | None) -> cosmosdb.CreateUpdateOptionsArgs | None:
    if max_throughput is None:
        return None
    return cosmosdb.CreateUpdateOptionsArgs(
        autoscale_settings=cosmosdb.AutoscaleSettingsArgs(max_throughput=max_throughput)
    )


def _container_resource(container: SqlContainerSpec) -> cosmosdb.SqlContainerResourceArgs:
    paths = list(container.partition_key_paths)
    hierarchical = len(paths) > 1
    indexing = container.indexing
    return cosmosdb.SqlContainerResourceArgs(
        id=container.name,
        partition_key=cosmosdb.ContainerPartitionKeyArgs(
            paths=paths,
            kind=cosmosdb.PartitionKind.MULTI_HASH if hierarchical else cosmosdb.PartitionKind.HASH,
            version=2,
        ),
        default_ttl=container.default_ttl,
        indexing_policy=cosmosdb.IndexingPolicyArgs(
            automatic=indexing.mode != "none",
            indexing_mode=indexing.mode,
            included_paths=[cosmosdb.IncludedPathArgs(path=p) for p in indexing.included_paths]
            if indexing.mode != "none"
            else None,
            excluded_paths=[cosmosdb.ExcludedPathArgs(path=p) for p in indexing.excluded_paths] or None,
        )
        if indexing is not None
        else None,
    )

"""Azure Cosmos DB for NoSQL: Entra-only, private, continuously backed up, zone redundant where the region allows."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, TypeAdapter, model_validator

from azplatform.components.alerting import Dimension, Severity, metric_alert
from azplatform.components.args import Args, Input, ProblemList
from azplatform.components.interfaces import (
    CommonArgs,
    ManagedIdentities,
    PrivateEndpointSpec,
    apply_interfaces,
)
from azplatform.components.naming import Kind, name_check
from azplatform.components.rbac import ExistingResource, Grantable, Principal
from azplatform.components.regions import REGIONS
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


def _autoscale_ru(value: int) -> int:
    problem = autoscale_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


AutoscaleRu = Annotated[int, AfterValidator(_autoscale_ru)]
"""An autoscale maximum: at least 1000 RU/s, in steps of 1000."""

ThrottledRequests = Annotated[int, Field(ge=1)]
"""A throttling alert threshold: requests answered HTTP 429 within 5 minutes."""


def _partition_key(value: str | list[str]) -> str | list[str]:
    problem = partition_key_problem([value] if isinstance(value, str) else value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _index_path(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError("an index path must start with '/' (for example /* or /payload/?)")
    return value


def _ttl(value: int | None) -> int | None:
    # -1: TTL on, items never expire unless they set ttl; n > 0: seconds. 0 is rejected by Azure.
    # https://learn.microsoft.com/azure/cosmos-db/nosql/time-to-live
    if value is not None and (value == 0 or value < -1):
        raise ValueError("defaultTtl must be -1 (on, no default expiry) or a positive number of seconds")
    return value


_COSMOS_ID = re.compile(r"[^/\\#?]{1,255}")


def _ids(value: dict[str, Any]) -> dict[str, Any]:
    # https://learn.microsoft.com/azure/cosmos-db/concepts-limits#per-item-limits (ids: no / \ # ?)
    bad = [key for key in value if not _COSMOS_ID.fullmatch(key) or key != key.strip()]
    if bad:
        raise ValueError(f"ids {bad} are invalid: 1-255 characters, none of / \\ # ?, no surrounding spaces")
    return value


def secondary_location_problems(secondaries: Sequence[str]) -> list[str]:
    """Why Azure would refuse ``secondaries`` as an account's read regions (unknown or repeated regions)."""
    problems: list[str] = []
    unknown = [loc for loc in secondaries if loc not in REGIONS]
    if unknown:
        problems.append(f"unknown Azure regions {unknown}")
    if len(set(secondaries)) != len(secondaries):
        problems.append("lists a region more than once")
    return problems


def primary_location_problem(primary: object, secondaries: Sequence[str]) -> str | None:
    """Why the read regions may not include ``primary``, the account's own region (None when they do not)."""
    if isinstance(primary, str) and primary in secondaries:
        return f"includes the primary location {primary}; list only the other regions"
    return None


class IndexingSpec(Args):
    """A container's indexing policy."""

    mode: Literal["consistent", "none"] = Field(default="consistent", description="Indexing mode. Default consistent.")
    included_paths: list[Annotated[str, AfterValidator(_index_path)]] = Field(
        default_factory=lambda: ["/*"], description="Paths to index. Default: everything (/*)."
    )
    excluded_paths: list[Annotated[str, AfterValidator(_index_path)]] = Field(
        default_factory=list, description='Paths not to index (Azure always adds /"_etag"/?). Default: none.'
    )


class SqlContainerSpec(Args):
    """One container of a Cosmos DB for NoSQL database."""

    partition_key: Annotated[str | list[str], AfterValidator(_partition_key)] = Field(
        description="Partition key path (/tenantId), or up to three paths for a hierarchical key. Changing it "
        "replaces the container (its data)."
    )
    default_ttl: Annotated[int | None, AfterValidator(_ttl)] = Field(
        default=None, description="Item time to live in seconds, or -1 for on without a default. Default: off."
    )
    indexing: IndexingSpec | None = Field(
        default=None, description="Indexing policy. Default: Azure's (consistent, everything)."
    )
    max_throughput: AutoscaleRu | None = Field(
        default=None,
        description="Dedicated autoscale maximum RU/s (>= 1000, multiple of 1000; provisioned accounts only). "
        "Default: its database's shared throughput, else the account's default.",
    )

    @property
    def partition_key_paths(self) -> list[str]:
        """The partition key as a list of paths."""
        return [self.partition_key] if isinstance(self.partition_key, str) else list(self.partition_key)


class DatabaseSpec(Args):
    """One Cosmos DB for NoSQL database and its containers."""

    max_throughput: AutoscaleRu | None = Field(
        default=None,
        description="Autoscale maximum RU/s shared by its containers without their own (provisioned accounts only). "
        "Default: none.",
    )
    containers: Annotated[dict[str, SqlContainerSpec], AfterValidator(_ids)] = Field(
        default_factory=dict, description="Containers by id. Default: none."
    )


class CosmosDbSettings(Args):
    """What a user chooses about a Cosmos DB for NoSQL account (the stack file's ``cosmos`` section)."""

    serverless: bool = Field(
        default=False,
        description="Serverless capacity (pay per request, single region, no throughput settings). Fixed at "
        "creation. Default off.",
    )
    backup_tier: Literal["Continuous7Days", "Continuous30Days"] = Field(
        default="Continuous30Days",
        description="Point-in-time restore window of continuous backup. Default Continuous30Days.",
    )
    consistency_level: Literal["Eventual", "ConsistentPrefix", "Session", "BoundedStaleness", "Strong"] = Field(
        default="Session", description="Default consistency level. Default Session."
    )
    secondary_locations: list[str] = Field(
        default_factory=list,
        description="Read/failover regions in failover order (provisioned only). Each is zone redundant when "
        "the account is and the region has zones. Default: none.",
    )
    default_max_throughput: AutoscaleRu | None = Field(
        default=None,
        description="Autoscale maximum RU/s for containers with no throughput of their own or of their database. "
        "Default: none.",
    )
    databases: Annotated[dict[str, DatabaseSpec], AfterValidator(_ids)] = Field(
        default_factory=dict, description="SQL databases by id. Default: none."
    )

    @model_validator(mode="after")
    def _capacity(self) -> CosmosDbSettings:
        problems: list[tuple[tuple[str, ...], str, Any]] = []
        throughputs: list[tuple[tuple[str, ...], int | None]] = [
            (("default_max_throughput",), self.default_max_throughput)
        ]
        for db_name, db in self.databases.items():
            throughputs.append((("databases", db_name, "max_throughput"), db.max_throughput))
            for c_name, container in db.containers.items():
                where: tuple[str, ...] = ("databases", db_name, "containers", c_name, "max_throughput")
                throughputs.append((where, container.max_throughput))
        if self.serverless:
            for where, value in throughputs:
                if value is not None:
                    problems.append((where, "a serverless account has no provisioned throughput; remove it", value))
            if self.secondary_locations:
                problems.append(
                    (
                        ("secondary_locations",),
                        "a serverless account runs in a single region; remove the secondary locations or set "
                        "serverless: false",
                        self.secondary_locations,
                    )
                )
        else:
            for db_name, db in self.databases.items():
                for c_name, container in db.containers.items():
                    if (
                        container.max_throughput is None
                        and db.max_throughput is None
                        and not self.default_max_throughput
                    ):
                        problems.append(
                            (
                                ("databases", db_name, "containers", c_name),
                                "a provisioned account needs throughput: set a max throughput on the container or "
                                "its database, or the account's default max throughput",
                                None,
                            )
                        )
        for problem in secondary_location_problems(self.secondary_locations):
            problems.append((("secondary_locations",), problem, self.secondary_locations))
        if problems:
            raise ProblemList(problems)
        return self

    def container_max_throughput(self, database: str, container: str) -> int | None:
        """The dedicated autoscale maximum a container gets (its own, else the default when its database has
        no shared throughput); None for serverless or shared throughput."""
        if self.serverless:
            return None
        db = self.databases[database]
        own = db.containers[container].max_throughput
        if own is not None:
            return own
        return None if db.max_throughput is not None else self.default_max_throughput


class CosmosDbArgs(CosmosDbSettings, CommonArgs):
    """Arguments for :class:`CosmosDb`: its settings plus placement and the shared interfaces."""

    name: Annotated[str, AfterValidator(name_check(Kind.COSMOS_ACCOUNT))] = Field(
        description="Account name (CAF cosno-...; 3-44 lowercase letters, digits, hyphens; globally unique)."
    )
    zone_redundant: bool = Field(
        default=True,
        description="Spread each region's replicas over its availability zones (secondary regions without zones "
        "stay non-zonal). Fixed per region. Default on.",
    )
    private_endpoints: list[PrivateEndpointSpec] = Field(
        default_factory=list,
        description="Private endpoints (group Sql); public network access is disabled either way. Default: none.",
    )
    managed_identities: ManagedIdentities = Field(
        default_factory=ManagedIdentities,
        description="Identities the account runs as (customer-managed keys read through one). Default: none.",
    )

    @model_validator(mode="after")
    def _secondaries_exclude_the_primary(self) -> CosmosDbArgs:
        problem = primary_location_problem(self.location, self.secondary_locations)
        if problem is not None:
            raise ProblemList([(("secondary_locations",), problem, self.secondary_locations)])
        return self


class CosmosDbGrants(Grantable):
    """Data-plane grants on an account, for a :class:`CosmosDb` and an :class:`ExistingCosmosDb` alike."""

    def _account(self) -> tuple[Input[str], Input[str], Input[str]]:
        """The account's name, resource group and id, which the SQL role assignments go in."""
        raise NotImplementedError

    def grant_data_contributor(self, principal: Principal) -> azure_native.cosmosdb.SqlResourceSqlRoleAssignment:
        """Cosmos DB Built-in Data Contributor on the whole account: read and write items (apps)."""
        return self._grant_data_role(DataRole.DATA_CONTRIBUTOR, principal)

    def grant_data_reader(self, principal: Principal) -> azure_native.cosmosdb.SqlResourceSqlRoleAssignment:
        """Cosmos DB Built-in Data Reader on the whole account: read items and run queries."""
        return self._grant_data_role(DataRole.DATA_READER, principal)

    def _grant_data_role(
        self, role: DataRole, principal: Principal
    ) -> azure_native.cosmosdb.SqlResourceSqlRoleAssignment:
        account_name, resource_group_name, account_id = self._account()
        key = f"{self._grant_name}/{principal.logical_name}/{role.name}"
        return cosmosdb.SqlResourceSqlRoleAssignment(
            f"{self._grant_name}-{role.name.lower().replace('_', '-')}-{principal.logical_name}",
            account_name=account_name,
            resource_group_name=resource_group_name,
            # Assignment ids must be GUIDs; uuid5 over the logical names keeps them stable across runs.
            role_assignment_id=str(uuid.uuid5(_GRANT_NAMESPACE, key)),
            role_definition_id=pulumi.Output.from_input(account_id).apply(
                lambda rid: f"{rid}/sqlRoleDefinitions/{role.value}"
            ),
            principal_id=principal.principal_id,
            scope=account_id,
            opts=pulumi.ResourceOptions(parent=self._grant_owner),
        )


class ExistingCosmosDb(ExistingResource, CosmosDbGrants):
    """An account another stack owns, by id: data-plane grants on it, nothing else."""

    def _account(self) -> tuple[Input[str], Input[str], Input[str]]:
        return self.resource_name, self.resource_group_name, self.id


class CosmosDb(pulumi.ComponentResource, CosmosDbGrants):
    """A Cosmos DB for NoSQL account with local (key) auth disabled, TLS 1.2, no public network, continuous
    backup, and its databases and containers. Grants: ``grant_data_contributor``, ``grant_data_reader``.
    Alert: ``alert_throttling``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    endpoint: pulumi.Output[str]

    def __init__(self, name: str, args: CosmosDbArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
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
                # A secondary region without availability zones is added non-zonal.
                location_name=location,
                failover_priority=i,
                is_zone_redundant=args.zone_redundant and REGIONS[location].zones,
            )
            for i, location in enumerate(args.secondary_locations, start=1)
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
            identity=_identity(args.managed_identities),
            tags=self._tags,
            opts=pulumi.ResourceOptions.merge(
                protected,
                pulumi.ResourceOptions(replace_on_changes=replace_on_changes("azure-native:cosmosdb:DatabaseAccount")),
            ),
        )
        self.databases: dict[str, cosmosdb.SqlResourceSqlDatabase] = {}
        self.containers: dict[str, cosmosdb.SqlResourceSqlContainer] = {}
        for db_name, database in args.databases.items():
            db = cosmosdb.SqlResourceSqlDatabase(
                f"{name}-sqldb-{db_name}",
                account_name=self.account.name,
                resource_group_name=args.resource_group_name,
                database_name=db_name,
                resource=cosmosdb.SqlDatabaseResourceArgs(id=db_name),
                options=_autoscale(database.max_throughput),
                tags=self._tags,
                opts=protected,
            )
            self.databases[db_name] = db
            for c_name, container in database.containers.items():
                self.containers[f"{db_name}/{c_name}"] = cosmosdb.SqlResourceSqlContainer(
                    f"{name}-ctr-{db_name}-{c_name}",
                    account_name=self.account.name,
                    resource_group_name=args.resource_group_name,
                    database_name=db.name,
                    container_name=c_name,
                    resource=_container_resource(c_name, container),
                    options=_autoscale(args.container_max_throughput(db_name, c_name)),
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
        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.account,
            azure_name=args.name,
            group_id="Sql",
            lock_notes="Cosmos DB holds the platform's system of record",
        )
        self._grant_owner, self._grant_name, self._grant_scope = self, name, self.account.id

        self.id = self.account.id
        self.name = self.account.name
        self.endpoint = self.account.document_endpoint
        self.register_outputs({"id": self.id, "endpoint": self.endpoint})

    def _account(self) -> tuple[Input[str], Input[str], Input[str]]:
        return self.account.name, self._resource_group_name, self.account.id

    def alert_throttling(
        self, throttled_requests: int, action_group_id: pulumi.Input[str], *, severity: Severity = 2
    ) -> azure_native.monitor.MetricAlert:
        """Alert when more than ``throttled_requests`` (at least 1) requests get HTTP 429 (rate limited) within 5
        minutes. Metric TotalRequests, dimension StatusCode:
        https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-documentdb-databaseaccounts-metrics
        """
        throttled_requests = _THROTTLED_REQUESTS.validate_python(throttled_requests)
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
            dimensions=[Dimension(name="StatusCode", values=["429"])],
            window_size="PT5M",
            evaluation_frequency="PT1M",
            severity=severity,
            description=f"Cosmos DB throttled more than {throttled_requests} requests (HTTP 429) in 5 minutes",
            action_group_id=action_group_id,
            tags=self._tags,
        )


_THROTTLED_REQUESTS: TypeAdapter[int] = TypeAdapter(ThrottledRequests)


def _identity(identities: ManagedIdentities) -> cosmosdb.ManagedServiceIdentityArgs | None:
    # Microsoft.DocumentDB spells both kinds "SystemAssigned,UserAssigned", without a space.
    if identities.type is None:
        return None
    return cosmosdb.ManagedServiceIdentityArgs(
        type=cosmosdb.ResourceIdentityType(identities.type.replace(", ", ",")),
        user_assigned_identities=list(identities.user_assigned_resource_ids) or None,
    )


def _autoscale(max_throughput: int | None) -> cosmosdb.CreateUpdateOptionsArgs | None:
    if max_throughput is None:
        return None
    return cosmosdb.CreateUpdateOptionsArgs(
        autoscale_settings=cosmosdb.AutoscaleSettingsArgs(max_throughput=max_throughput)
    )


def _container_resource(name: str, container: SqlContainerSpec) -> cosmosdb.SqlContainerResourceArgs:
    paths = container.partition_key_paths
    hierarchical = len(paths) > 1
    indexing = container.indexing
    return cosmosdb.SqlContainerResourceArgs(
        id=name,
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


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "CosmosDb": """
from azplatform.components import CosmosDb, CosmosDbArgs, DatabaseSpec, PrivateEndpointSpec, SqlContainerSpec

cosmos = CosmosDb("cosmos", CosmosDbArgs(
    name="cosno-shop-dev-weu", resource_group_name=RG, location="westeurope", serverless=True,
    databases={"shop": DatabaseSpec(containers={"orders": SqlContainerSpec(partition_key="/tenantId")})},
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.documents.azure.com"]
    )],
))
""",
}

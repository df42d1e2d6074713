"""Azure Managed Redis (``Microsoft.Cache/redisEnterprise``): private, Entra-authenticated, TLS-only.

Not Azure Cache for Redis (``Microsoft.Cache/redis``), which is retiring: Basic, Standard and Premium on 2028-09-30,
the Enterprise tiers on 2027-03-31. https://learn.microsoft.com/azure/azure-cache-for-redis/retirement-faq
"""

from __future__ import annotations

import datetime
import functools
import uuid
from typing import Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, TypeAdapter, model_validator

from azplatform.components.alerting import Severity, metric_alert
from azplatform.components.args import Args, Input, ProblemList, raise_problems
from azplatform.components.interfaces import CommonArgs, ManagedIdentities, PrivateEndpointSpec, apply_interfaces
from azplatform.components.naming import Kind, name_check
from azplatform.components.observability import diagnostics_only
from azplatform.components.rbac import ExistingResource, Grantable, Principal
from azplatform.components.replacements import replace_on_changes
from azplatform.components.secret_store import SecretName

TYPE_TOKEN = "azplatform:index:ManagedRedis"

redis = azure_native.redisenterprise


# The in-memory tiers. Flash Optimized (preview) is left out: a cache cannot scale between it and the in-memory
# tiers, so choosing it would make every later tier change a replacement; Enterprise_* are the retiring
# Azure Cache for Redis Enterprise SKUs. https://learn.microsoft.com/azure/redis/how-to-scale
# Read from the SDK on first use, not at import (importing components must not load SDK modules).
@functools.cache
def managed_redis_skus() -> tuple[str, ...]:
    """The Azure Managed Redis in-memory SKU names the installed SDK knows (Balanced, Memory and Compute
    Optimized)."""
    return tuple(
        sku.value
        for sku in redis.SkuName
        if sku.value.startswith(("Balanced_", "MemoryOptimized_", "ComputeOptimized_"))
    )


def _redis_sku(value: str) -> str:
    if value not in managed_redis_skus():
        raise ValueError(
            "not an Azure Managed Redis in-memory SKU; use Balanced_*, MemoryOptimized_* or ComputeOptimized_* "
            "(for example Balanced_B5). Flash Optimized and the retiring Enterprise_* SKUs are not offered"
        )
    return value


# Clients connect on 10000 (TLS); with the OSS cluster policy they also reach shards on 85xx ports.
# https://learn.microsoft.com/azure/redis/architecture#cluster-policies
PORT = 10000

# Azure Managed Redis has one database per cluster and it is named "default" (as the REST samples and the
# azurerm provider's redis_enterprise_database "name ... the acceptable value ... is default").
DATABASE_NAME = "default"

# Entra data access: the built-in "default" access policy is the only one assignable on AMR.
# https://learn.microsoft.com/azure/redis/entra-for-authentication
ACCESS_POLICY = "default"

# The KEDA scaler that can read a stream in each clustering policy. KEDA's ``redis-streams`` scaler uses a
# plain (non-cluster) client, which works against EnterpriseCluster: the proxy makes the cache look
# non-clustered behind one endpoint. OSSCluster requires a cluster-aware client, KEDA's
# ``redis-cluster-streams`` (with the shard ports 85xx reachable).
# https://keda.sh/docs/latest/scalers/redis-streams/ , https://keda.sh/docs/latest/scalers/redis-cluster-streams/
# https://learn.microsoft.com/azure/redis/architecture#cluster-policies
KEDA_STREAMS_SCALER: dict[str, str] = {
    "EnterpriseCluster": "redis-streams",
    "OSSCluster": "redis-cluster-streams",
}

# The tag in which a resource declares its explicit exceptions to policy rules (policy.model.EXEMPTIONS_TAG), and the
# one that time-boxes them (policy.model.EXEMPTION_EXPIRES_TAG): after that date the exception no longer counts.
EXEMPTIONS_TAG = "policyExemptions"
EXEMPTION_EXPIRES_TAG = "policyExemptionExpires"

# Access policy assignment names: ^[A-Za-z0-9]{1,60}$ (Microsoft.Cache/redisEnterprise REST spec).
_ASSIGNMENT_NAMESPACE = uuid.UUID("0b6f3c2a-6d0e-4f57-9a1e-5c3d7e9b2a41")

DEFAULT_ACCESS_KEY_SECRET = "redis-streams-password"
"""The Key Vault secret the primary access key goes to unless another is named."""

RDB_DEFAULT_FREQUENCY = "1h"
"""The snapshot interval of ``rdb`` persistence when none is given."""

RedisModule = Literal["RediSearch", "RedisJSON", "RedisBloom", "RedisTimeSeries"]
EvictionPolicy = Literal[
    "AllKeysLFU",
    "AllKeysLRU",
    "AllKeysRandom",
    "VolatileLRU",
    "VolatileLFU",
    "VolatileTTL",
    "VolatileRandom",
    "NoEviction",
]

UsedMemoryPercent = Annotated[int, Field(ge=1, le=100)]
"""A used-memory alert threshold, in percent of the cache."""


def _end_of_day(day: datetime.date) -> int:
    """Seconds since 1970-01-01T00:00:00Z at the end of ``day`` (UTC): Key Vault's ``attributes.expires``."""
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC)
    return int(end.timestamp())


class AccessKeySecret(Args):
    """Where the database's primary access key goes when access keys are on, for the clients that take only a
    password: as the bare key (KEDA's Redis scalers) and/or as a connection string (API Management's external
    cache, which cannot use Entra with Azure Managed Redis)."""

    vault_name: Input[str] = Field(description="Key Vault that receives the secrets.")
    resource_group_name: Input[str] = Field(description="The vault's resource group.")
    secret_name: SecretName | None = Field(
        default=DEFAULT_ACCESS_KEY_SECRET,
        description="Secret that holds the bare primary key (1-127 letters, digits, hyphens), or none. Default "
        f"{DEFAULT_ACCESS_KEY_SECRET}.",
    )
    connection_string_secret_name: SecretName | None = Field(
        default=None,
        description="Secret that holds <host>:10000,password=<key>,ssl=True,abortConnect=False, the connection "
        "string API Management's external cache takes. Default: none.",
    )
    expires_on: datetime.date | None = Field(
        default=None,
        description="Last day of the access-key exception (tag policyExemptionExpires): policy AZP-REDIS-004 accepts "
        "the exception only with a date that has not passed. Default: none (the exception does not count).",
    )

    @model_validator(mode="after")
    def _somewhere(self) -> AccessKeySecret:
        if self.secret_name is None and self.connection_string_secret_name is None:
            raise_problems(
                [("secret_name", "and connection_string_secret_name are both none: the key would go nowhere", None)]
            )
        if self.secret_name is not None and self.secret_name == self.connection_string_secret_name:
            raise_problems([("connection_string_secret_name", "must differ from secret_name", self.secret_name)])
        return self


class ManagedRedisSettings(Args):
    """What a user chooses about an Azure Managed Redis cache (the stack file's ``redis`` section)."""

    sku: Annotated[str, AfterValidator(_redis_sku)] = Field(
        default="Balanced_B0",
        description="Azure Managed Redis in-memory SKU (Balanced_*, MemoryOptimized_*, ComputeOptimized_*), for "
        "example Balanced_B0 (0.5 GB) or Balanced_B5 (6 GB). Default Balanced_B0.",
    )
    high_availability: bool = Field(
        default=True,
        description="Replicate over two or more nodes (zone redundant in a region with zones). Cannot be turned off "
        "once on. Default on.",
    )
    eviction_policy: EvictionPolicy = Field(
        default="VolatileLRU",
        description="What Redis evicts when full. Default VolatileLRU (Azure's default), which never evicts keys "
        "without a TTL such as streams.",
    )
    clustering_policy: Literal["EnterpriseCluster", "OSSCluster"] = Field(
        default="EnterpriseCluster",
        description="EnterpriseCluster (one endpoint, works with KEDA's redis-streams scaler) or OSSCluster "
        "(cluster-aware clients; KEDA redis-cluster-streams). Changing it replaces the database. "
        "Default EnterpriseCluster.",
    )
    modules: list[RedisModule] = Field(
        default_factory=list, description="Redis modules; changing them replaces the database. Default: none."
    )
    persistence: Literal["none", "aof", "rdb"] = Field(
        default="none", description="Data persistence: none, aof (every write, 1 s) or rdb (snapshots). Default none."
    )
    rdb_frequency: Literal["1h", "6h", "12h"] | None = Field(
        default=None, description=f"Snapshot interval with persistence rdb. Default {RDB_DEFAULT_FREQUENCY}."
    )

    @model_validator(mode="after")
    def _consistent(self) -> ManagedRedisSettings:
        problems: list[tuple[tuple[str, ...], str, object]] = []
        if "RediSearch" in self.modules:
            # https://learn.microsoft.com/azure/redis/redis-modules#redisearch
            if self.clustering_policy != "EnterpriseCluster":
                problems.append(
                    (
                        ("clustering_policy",),
                        "RediSearch requires clusteringPolicy EnterpriseCluster",
                        self.clustering_policy,
                    )
                )
            if self.eviction_policy != "NoEviction":
                problems.append(
                    (("eviction_policy",), "RediSearch requires evictionPolicy NoEviction", self.eviction_policy)
                )
        if len(set(self.modules)) != len(self.modules):
            problems.append((("modules",), "lists a module more than once", self.modules))
        if self.rdb_frequency is not None and self.persistence != "rdb":
            problems.append((("rdb_frequency",), "applies only with persistence: rdb", self.rdb_frequency))
        if problems:
            raise ProblemList(problems)
        return self

    @property
    def keda_scaler_type(self) -> str:
        """The KEDA scaler that reads streams from this clustering policy."""
        return KEDA_STREAMS_SCALER[self.clustering_policy]


class ManagedRedisArgs(ManagedRedisSettings, CommonArgs):
    """Arguments for :class:`ManagedRedis`: its settings plus placement and the shared interfaces."""

    name: Annotated[str, AfterValidator(name_check(Kind.MANAGED_REDIS))] = Field(
        description="Cluster name (CAF amr-...; 1-60 letters, digits, single hyphens; globally unique, as the host "
        "name is <name>.<region>.redis.azure.net)."
    )
    access_keys: AccessKeySecret | None = Field(
        default=None,
        description="Turn access-key authentication on and store the primary key in Key Vault. Default: off "
        "(Entra only).",
    )
    private_endpoints: list[PrivateEndpointSpec] = Field(
        default_factory=list,
        description="Private endpoints (group redisEnterprise); public network access is disabled either way. "
        "Default: none.",
    )
    managed_identities: ManagedIdentities = Field(
        default_factory=ManagedIdentities,
        description="Identities the cluster runs as (customer-managed keys read through one). Default: none.",
    )


class ManagedRedisGrants(Grantable):
    """Data access to a cache, for a :class:`ManagedRedis` and an :class:`ExistingManagedRedis` alike."""

    def _access_policy_scope(self) -> tuple[Input[str], Input[str], Input[str]]:
        """The cluster name, database name and resource group the access policy assignments go in."""
        raise NotImplementedError

    def grant_data_access(self, principal: Principal) -> azure_native.redisenterprise.AccessPolicyAssignment:
        """Entra data access: assign the ``default`` access policy to ``principal`` (an app's identity), which
        then authenticates with its object id as user name and an Entra token as password."""
        cluster_name, database_name, resource_group_name = self._access_policy_scope()
        key = f"{self._grant_name}/{principal.logical_name}/{ACCESS_POLICY}"
        return redis.AccessPolicyAssignment(
            f"{self._grant_name}-access-{principal.logical_name}",
            cluster_name=cluster_name,
            database_name=database_name,
            resource_group_name=resource_group_name,
            access_policy_assignment_name=uuid.uuid5(_ASSIGNMENT_NAMESPACE, key).hex,
            access_policy_name=ACCESS_POLICY,
            user=redis.AccessPolicyAssignmentPropertiesUserArgs(object_id=principal.principal_id),
            opts=pulumi.ResourceOptions(parent=self._grant_owner),
        )


class ExistingManagedRedis(ExistingResource, ManagedRedisGrants):
    """A cache another stack owns, by its cluster id: data access grants on its database, nothing else."""

    def _access_policy_scope(self) -> tuple[Input[str], Input[str], Input[str]]:
        return self.resource_name, DATABASE_NAME, self.resource_group_name


class ManagedRedis(pulumi.ComponentResource, ManagedRedisGrants):
    """An Azure Managed Redis cluster and its database: TLS 1.2+, encrypted client protocol, no public network,
    Entra authentication. Grant: ``grant_data_access``. Alert: ``alert_memory_above``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    host_name: pulumi.Output[str]
    database_id: pulumi.Output[str]

    def __init__(self, name: str, args: ManagedRedisArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name = name
        self._resource_group_name = args.resource_group_name
        self._tags = dict(args.tags)
        self.clustering_policy = args.clustering_policy
        self.cluster = redis.RedisEnterprise(
            name,
            cluster_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=redis.SkuArgs(name=args.sku),
            high_availability=redis.HighAvailability.ENABLED
            if args.high_availability
            else redis.HighAvailability.DISABLED,
            # No zones: a highly available Managed Redis cache in a region with availability zones is spread
            # across zones automatically ("There's no need for you to perform any more configuration").
            # https://learn.microsoft.com/azure/reliability/reliability-managed-redis#configure-availability-zone-support
            minimum_tls_version=redis.TlsVersion.TLS_VERSION_1_2,
            public_network_access=redis.PublicNetworkAccess.DISABLED,
            identity=_identity(args.managed_identities),
            # Access keys are an explicit, visible exception to Entra-only (policy AZP-REDIS-004 reads this tag
            # and reports the exception as advisory instead of blocking it).
            tags=_exception_tags(self._tags, args.access_keys),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                replace_on_changes=replace_on_changes("azure-native:redisenterprise:RedisEnterprise"),
            ),
        )
        self.database = redis.Database(
            f"{name}-db",
            cluster_name=self.cluster.name,
            database_name=DATABASE_NAME,
            resource_group_name=args.resource_group_name,
            client_protocol=redis.Protocol.ENCRYPTED,
            clustering_policy=args.clustering_policy,
            eviction_policy=args.eviction_policy,
            modules=[redis.ModuleArgs(name=module) for module in args.modules] or None,
            persistence=_persistence(args.persistence, args.rdb_frequency),
            # Entra only, unless config asks for keys explicitly (a KEDA scaler that needs a password).
            access_keys_authentication=redis.AccessKeysAuthentication.ENABLED
            if args.access_keys is not None
            else redis.AccessKeysAuthentication.DISABLED,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                replace_on_changes=replace_on_changes("azure-native:redisenterprise:Database"),
            ),
        )

        self.access_key_secret: azure_native.keyvault.Secret | None = None
        self.access_key_secret_name: str | None = None
        self.connection_string_secret: azure_native.keyvault.Secret | None = None
        if args.access_keys is not None:
            keys = redis.list_database_keys_output(
                cluster_name=self.cluster.name,
                database_name=self.database.name,
                resource_group_name=args.resource_group_name,
            )
            key: pulumi.Output[str] = pulumi.Output.secret(keys.primary_key.apply(str))
            if args.access_keys.secret_name is not None:
                self.access_key_secret_name = args.access_keys.secret_name
                self.access_key_secret = self._key_secret(
                    f"{name}-key-secret",
                    args.access_keys,
                    args.access_keys.secret_name,
                    key,
                    "Azure Managed Redis access key (KEDA redis streams scaler)",
                )
            if args.access_keys.connection_string_secret_name is not None:
                # The StackExchange.Redis form API Management's external cache reads (TLS on the database port).
                # https://learn.microsoft.com/azure/api-management/api-management-howto-cache-external
                connection: pulumi.Output[str] = pulumi.Output.format(
                    "{0}:{1},password={2},ssl=True,abortConnect=False", self.cluster.host_name, PORT, key
                )
                self.connection_string_secret = self._key_secret(
                    f"{name}-connection-secret",
                    args.access_keys,
                    args.access_keys.connection_string_secret_name,
                    connection,
                    "Azure Managed Redis connection string with the access key (API Management external cache)",
                )

        # Metrics are emitted by the cluster; the connection audit log (ConnectionEvents) by the database.
        # https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/microsoft-cache-redisenterprise-databases-logs
        # The lock covers the database and its access policy assignments too (locks apply to child resources):
        # in a locked environment, revoking a grant means lifting the lock first.
        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.cluster,
            azure_name=args.name,
            group_id="redisEnterprise",
            logs=False,
            lock_notes="Azure Managed Redis holds the platform's queues and cache",
        )
        apply_interfaces(
            self,
            f"{name}-db",
            diagnostics_only(args),
            self.database,
            azure_name=DATABASE_NAME,
            metrics=False,
            lock_notes="",
        )
        self._grant_owner, self._grant_name, self._grant_scope = self, name, self.cluster.id

        self.id = self.cluster.id
        self.name = self.cluster.name
        self.host_name = self.cluster.host_name
        self.database_id = self.database.id
        self.register_outputs({"id": self.id, "hostName": self.host_name, "databaseId": self.database_id})

    @property
    def port(self) -> int:
        """The TLS port clients connect to."""
        return PORT

    @property
    def connection_string_secret_uri(self) -> pulumi.Output[str] | None:
        """The versionless URI of the connection-string secret (None without one); it resolves only once the secret
        exists, so a reader that takes it waits for the secret."""
        if self.connection_string_secret is None:
            return None
        return self.connection_string_secret.properties.apply(lambda p: p.secret_uri)

    def _key_secret(
        self, resource_name: str, where: AccessKeySecret, secret_name: str, value: pulumi.Output[str], content: str
    ) -> azure_native.keyvault.Secret:
        return azure_native.keyvault.Secret(
            resource_name,
            vault_name=where.vault_name,
            resource_group_name=where.resource_group_name,
            secret_name=secret_name,
            properties=azure_native.keyvault.SecretPropertiesArgs(
                value=value,
                content_type=content,
                # The secret expires with the exception it serves (the end of its last day, UTC), so a forgotten
                # key cannot outlive its approval (docs/running-for-real.md: rotation).
                attributes=azure_native.keyvault.SecretAttributesArgs(expires=_end_of_day(where.expires_on))
                if where.expires_on is not None
                else None,
            ),
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

    @property
    def keda_scaler_type(self) -> str:
        """The KEDA scaler type that can read streams from this cache's clustering policy."""
        return KEDA_STREAMS_SCALER[self.clustering_policy]

    def _access_policy_scope(self) -> tuple[Input[str], Input[str], Input[str]]:
        # The database's own name: an assignment waits for the database it goes in.
        return self.cluster.name, self.database.name, self._resource_group_name

    def alert_memory_above(
        self, percent: int, action_group_id: pulumi.Input[str], *, severity: Severity = 2
    ) -> azure_native.monitor.MetricAlert:
        """Alert when used memory exceeds ``percent`` (1-100) of the cache (``usedmemorypercentage``, maximum over 15
        minutes). Metric: https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-cache-redisenterprise-metrics
        """
        percent = _USED_MEMORY_PERCENT.validate_python(percent)
        return metric_alert(
            self,
            f"{self._name}-memory",
            resource_group_name=self._resource_group_name,
            scope_id=self.cluster.id,
            metric_namespace="Microsoft.Cache/redisEnterprise",
            metric_name="usedmemorypercentage",
            aggregation="Maximum",
            operator="GreaterThan",
            threshold=percent,
            # The metric's time grains are PT5M and PT1H: the window must be at least PT5M.
            window_size="PT15M",
            evaluation_frequency="PT5M",
            severity=severity,
            description=f"Azure Managed Redis memory use above {percent:g}%: scale up before keys are evicted",
            action_group_id=action_group_id,
            tags=self._tags,
        )


_USED_MEMORY_PERCENT: TypeAdapter[int] = TypeAdapter(UsedMemoryPercent)


def _exception_tags(tags: dict[str, str], access_keys: AccessKeySecret | None) -> dict[str, str]:
    """The cluster's tags, declaring the access-key exception (and its last day) when keys are on."""
    if access_keys is None:
        return tags
    expiry = {EXEMPTION_EXPIRES_TAG: access_keys.expires_on.isoformat()} if access_keys.expires_on else {}
    return {**tags, EXEMPTIONS_TAG: "AZP-REDIS-004", **expiry}


def _persistence(mode: str, rdb_frequency: str | None) -> redis.PersistenceArgs | None:
    # At most one of AOF and RDB may be on. https://learn.microsoft.com/azure/redis/how-to-persistence
    if mode == "aof":
        return redis.PersistenceArgs(aof_enabled=True, aof_frequency=redis.AofFrequency.AOF_FREQUENCY_1S)
    if mode == "rdb":
        return redis.PersistenceArgs(rdb_enabled=True, rdb_frequency=rdb_frequency or RDB_DEFAULT_FREQUENCY)
    return redis.PersistenceArgs(aof_enabled=False, rdb_enabled=False)


def _identity(identities: ManagedIdentities) -> redis.ManagedServiceIdentityArgs | None:
    # Microsoft.Cache/redisEnterprise spells both kinds "SystemAssigned, UserAssigned", as ManagedIdentities does.
    if identities.type is None:
        return None
    return redis.ManagedServiceIdentityArgs(
        type=identities.type, user_assigned_identities=list(identities.user_assigned_resource_ids) or None
    )


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "ManagedRedis": """
from azplatform.components import DiagnosticSettings, ManagedRedis, ManagedRedisArgs, PrivateEndpointSpec

redis = ManagedRedis("redis", ManagedRedisArgs(
    name="amr-shop-dev-weu", resource_group_name=RG, location="westeurope", sku="Balanced_B0",
    high_availability=False,
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.redis.azure.net"]
    )],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
}

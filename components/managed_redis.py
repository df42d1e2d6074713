"""Azure Managed Redis (``Microsoft.Cache/redisEnterprise``): private, Entra-authenticated, TLS-only.

Not Azure Cache for Redis (``Microsoft.Cache/redis``): no new Basic/Standard/Premium cache can be created from
2026-10-01 and that product retires in 2028 (DESIGN.md).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.alerting import metric_alert
from azplatform.components.common import CommonArgs, PrivateEndpointPlacement
from azplatform.components.legacy_interfaces import attach_interfaces
from azplatform.components.observability import diagnostic_setting
from azplatform.components.rbac import Principal
from azplatform.components.replacements import replace_on_changes

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

# The tag in which a resource declares its explicit exceptions to policy rules (policy.model.EXEMPTIONS_TAG).
EXEMPTIONS_TAG = "policyExemptions"

# Access policy assignment names: ^[A-Za-z0-9]{1,60}$ (Microsoft.Cache/redisEnterprise REST spec).
_ASSIGNMENT_NAMESPACE = uuid.UUID("0b6f3c2a-6d0e-4f57-9a1e-5c3d7e9b2a41")


@dataclass(frozen=True, kw_only=True)
class AccessKeySecret:
    """Where the database's primary access key goes when access keys are on (a KEDA scaler needs a password)."""

    vault_name: pulumi.Input[str]
    """Key Vault that receives the secret."""
    resource_group_name: pulumi.Input[str]
    """The vault's resource group."""
    secret_name: str = "redis-streams-password"
    """Secret name. Default ``redis-streams-password``."""


@dataclass(frozen=True, kw_only=True)
class ManagedRedisArgs(CommonArgs):
    """Arguments for :class:`ManagedRedis`."""

    name: str
    """Cluster name (CAF: amr-...; 1-60 letters, digits, single hyphens; globally unique, as the host name is
    ``<name>.<region>.redis.azure.net``)."""
    sku: str = "Balanced_B0"
    """One of :func:`managed_redis_skus`. Default Balanced_B0 (0.5 GB, dev)."""
    high_availability: bool = True
    """Replicate across two or more nodes; in a region with zones that also makes the cache zone redundant.
    It cannot be turned off once on. Default on."""
    eviction_policy: str = "VolatileLRU"
    """What Redis evicts at maxmemory (``redisenterprise.EvictionPolicy``). Default VolatileLRU (Azure's default),
    which never evicts keys without a TTL such as streams."""
    clustering_policy: str = "EnterpriseCluster"
    """``EnterpriseCluster`` (one endpoint, any client, KEDA ``redis-streams``) or ``OSSCluster`` (cluster-aware
    clients, higher throughput). Fixed at creation. Default EnterpriseCluster."""
    modules: Sequence[str] = ()
    """Redis modules (RediSearch, RedisJSON, RedisBloom, RedisTimeSeries), fixed at creation. Default: none."""
    persistence: str = "none"
    """``none``, ``aof`` (every write, 1 s) or ``rdb`` (snapshots). Default none."""
    rdb_frequency: str = "1h"
    """Snapshot interval for ``rdb``: 1h, 6h or 12h. Default 1h."""
    access_keys: AccessKeySecret | None = None
    """Turn access-key authentication on and store the primary key in Key Vault. Default: off (Entra only)."""
    private_endpoint: PrivateEndpointPlacement | None = None
    """Private endpoint placement; public network access is disabled either way. Default: none."""


class ManagedRedis(pulumi.ComponentResource):
    """An Azure Managed Redis cluster and its database: TLS 1.2+, encrypted client protocol, no public network,
    Entra authentication. Grant: ``grant_data_access``. Alert: ``alert_memory_above``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    host_name: pulumi.Output[str]
    database_id: pulumi.Output[str]

    def __init__(self, name: str, args: ManagedRedisArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        if args.sku not in managed_redis_skus():
            raise ValueError(f"sku {args.sku!r} is not an Azure Managed Redis in-memory SKU: {managed_redis_skus()}")
        if args.clustering_policy not in KEDA_STREAMS_SCALER:
            raise ValueError(f"clustering_policy must be one of {sorted(KEDA_STREAMS_SCALER)}")
        if args.persistence not in ("none", "aof", "rdb"):
            raise ValueError("persistence must be none, aof or rdb")
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
            # Access keys are an explicit, visible exception to Entra-only (policy AZP-REDIS-004 reads this tag
            # and reports the exception as advisory instead of blocking it).
            tags={**self._tags, EXEMPTIONS_TAG: "AZP-REDIS-004"} if args.access_keys is not None else self._tags,
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
        if args.access_keys is not None:
            keys = redis.list_database_keys_output(
                cluster_name=self.cluster.name,
                database_name=self.database.name,
                resource_group_name=args.resource_group_name,
            )
            self.access_key_secret_name = args.access_keys.secret_name
            self.access_key_secret = azure_native.keyvault.Secret(
                f"{name}-key-secret",
                vault_name=args.access_keys.vault_name,
                resource_group_name=args.access_keys.resource_group_name,
                secret_name=args.access_keys.secret_name,
                properties=azure_native.keyvault.SecretPropertiesArgs(
                    value=pulumi.Output.secret(keys.primary_key),
                    content_type="Azure Managed Redis access key (KEDA redis streams scaler)",
                ),
                tags=self._tags,
                opts=pulumi.ResourceOptions(parent=self),
            )

        # Metrics are emitted by the cluster; the connection audit log (ConnectionEvents) by the database.
        # https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/microsoft-cache-redisenterprise-databases-logs
        # The lock covers the database and its access policy assignments too (locks apply to child resources):
        # in a locked environment, revoking a grant means lifting the lock first.
        self.private_endpoint = attach_interfaces(
            self,
            name,
            args,
            self.cluster,
            placement=args.private_endpoint,
            azure_name=args.name,
            group_id="redisEnterprise",
            lock_reason="Azure Managed Redis holds the platform's queues and cache",
            logs=False,
        )
        if args.diagnostics_workspace_id is not None:
            diagnostic_setting(self, f"{name}-db", self.database.id, args.diagnostics_workspace_id, metrics=False)

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
    def keda_scaler_type(self) -> str:
        """The KEDA scaler type that can read streams from this cache's clustering policy."""
        return KEDA_STREAMS_SCALER[self.clustering_policy]

    def grant_data_access(self, principal: Principal) -> redis.AccessPolicyAssignment:
        """Entra data access: assign the ``default`` access policy to ``principal`` (an app's identity), which
        then authenticates with its object id as user name and an Entra token as password."""
        key = f"{self._name}/{principal.logical_name}/{ACCESS_POLICY}"
        return redis.AccessPolicyAssignment(
            f"{self._name}-access-{principal.logical_name}",
            cluster_name=self.cluster.name,
            database_name=self.database.name,
            resource_group_name=self._resource_group_name,
            access_policy_assignment_name=uuid.uuid5(_ASSIGNMENT_NAMESPACE, key).hex,
            access_policy_name=ACCESS_POLICY,
            user=redis.AccessPolicyAssignmentPropertiesUserArgs(object_id=principal.principal_id),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def alert_memory_above(
        self, percent: float, action_group_id: pulumi.Input[str], *, severity: int = 2
    ) -> azure_native.monitor.MetricAlert:
        """Alert when used memory exceeds ``percent`` of the cache (``usedmemorypercentage``, maximum over 15
        minutes). Metric: https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-cache-redisenterprise-metrics
        """
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


def _persistence(mode: str, rdb_frequency: str) -> redis.PersistenceArgs | None:
    # At most one of AOF and RDB may be on. https://learn.microsoft.com/azure/redis/how-to-persistence
    if mode == "aof":
        return redis.PersistenceArgs(aof_enabled=True, aof_frequency=redis.AofFrequency.AOF_FREQUENCY_1S)
    if mode == "rdb":
        return redis.PersistenceArgs(rdb_enabled=True, rdb_frequency=rdb_frequency)
    return redis.PersistenceArgs(aof_enabled=False, rdb_enabled=False)

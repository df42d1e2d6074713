"""One schema per concept, for the foundation and data components (network, observability, Managed Redis, Cosmos DB,
alerts): each rule their settings models enforce refuses a stack file and a direct component call alike, with the
same message (the table and helpers of tests/test_schema.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from azplatform.components.alerting import ActionGroupArgs, metric_alert
from azplatform.components.cosmos_db import CosmosDb, CosmosDbArgs
from azplatform.components.identity import UserIdentityArgs
from azplatform.components.interfaces import DiagnosticSettings
from azplatform.components.managed_redis import AccessKeySecret, ManagedRedis, ManagedRedisArgs
from azplatform.components.observability import ObservabilityArgs
from azplatform.components.private_network import PrivateNetworkArgs, SubnetSpec
from azplatform.stacks.config import deep_merge, load_platform_config
from tests.conftest import stack_values
from tests.test_schema import RG, Case
from tests.test_schema import test_stack_file_and_component_refuse_alike as refused_alike

COMMON: dict[str, Any] = {"resource_group_name": RG, "location": "westeurope"}
WORKSPACE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log-unit"

# The prod stack file's layout, as the component takes it.
PROD_SUBNETS = [
    {"name": "snet-agw", "role": "gateway", "cidr": "10.30.0.0/24"},
    {"name": "snet-apim", "role": "apim", "cidr": "10.30.1.0/27"},
    {"name": "snet-aca", "role": "containerApps", "cidr": "10.30.2.0/23"},
    {"name": "snet-pep", "role": "privateEndpoints", "cidr": "10.30.4.0/27"},
]


def _network(address_space: str = "10.30.0.0/16", **cidrs: str) -> Callable[[], object]:
    """The prod layout with some subnets' CIDRs replaced (by role)."""
    subnets = [{**s, "cidr": cidrs.get(str(s["role"]), s["cidr"])} for s in PROD_SUBNETS]
    return lambda: PrivateNetworkArgs.model_validate(
        {**COMMON, "name": "vnet-unit", "address_space": address_space, "subnets": subnets}
    )


def _observability(**kwargs: Any) -> Callable[[], object]:
    return lambda: ObservabilityArgs.model_validate(
        {**COMMON, "workspace_name": "log-unit", "app_insights_name": "appi-unit", **kwargs}
    )


def _redis(**kwargs: Any) -> Callable[[], object]:
    return lambda: ManagedRedisArgs.model_validate({**COMMON, "name": "amr-unit", **kwargs})


def _cosmos(**kwargs: Any) -> Callable[[], object]:
    values = {"default_max_throughput": 1000, **kwargs}
    return lambda: CosmosDbArgs.model_validate({**COMMON, "name": "cosno-unit", **values})


def _items(**fields: Any) -> dict[str, Any]:
    """The databases of both sides with one container ``app/items`` (fields in Python names)."""
    return {"app": {"containers": {"items": {"partition_key": "/tenantId", **fields}}}}


def _stack_items(**fields: Any) -> dict[str, Any]:
    """The same container in the stack file (fields in the file's spelling)."""
    return {"cosmos": {"databases": {"app": {"containers": {"items": fields}}}}}


ITEMS = "cosmos.databases.app.containers.items"


def _action_group(**kwargs: Any) -> Callable[[], object]:
    return lambda: ActionGroupArgs.model_validate(
        {"name": "ag-unit", "short_name": "unit", "resource_group_name": RG, **kwargs}
    )


def _memory_alert(percent: int) -> Callable[[], object]:
    # The check runs before anything is created, so an instance without a cluster shows it.
    return lambda: ManagedRedis.alert_memory_above(object.__new__(ManagedRedis), percent, "ag-id")


def _throttling_alert(requests: int) -> Callable[[], object]:
    return lambda: CosmosDb.alert_throttling(object.__new__(CosmosDb), requests, "ag-id")


CASES = [
    # --- network -----------------------------------------------------------------------------------------------
    Case(
        "address space not a CIDR",
        {"network": {"addressSpace": "10.30.0.1/16"}},
        "network.addressSpace",
        _network("10.30.0.1/16"),
        "not an IPv4 CIDR with host bits zero",
    ),
    Case(
        "public address space",
        {"network": {"addressSpace": "8.8.0.0/16"}},
        "network.addressSpace",
        _network("8.8.0.0/16"),
        "must be inside a private (RFC 1918) range",
    ),
    Case(
        "subnet not a CIDR",
        {"network": {"subnets": {"apim": "10.30.1.0/33"}}},
        "network.subnets.apim",
        lambda: SubnetSpec(name="snet-apim", role="apim", cidr="10.30.1.0/33"),  # type: ignore[arg-type]
        "not an IPv4 CIDR",
    ),
    Case(
        "gateway subnet below its /24",
        {"network": {"subnets": {"gateway": "10.30.0.0/25"}}},
        "network.subnets.gateway",
        _network(gateway="10.30.0.0/25"),
        "is a /25; Application Gateway v2 gets its own /24",
    ),
    Case(
        "container apps subnet below /27",
        {"network": {"subnets": {"containerApps": "10.30.2.0/28"}}},
        "network.subnets.containerApps",
        _network(containerApps="10.30.2.0/28"),
        "is a /28; a Container Apps workload-profiles environment needs at least /27",
    ),
    Case(
        "private endpoints subnet below /28",
        {"network": {"subnets": {"privateEndpoints": "10.30.4.0/29"}}},
        "network.subnets.privateEndpoints",
        _network(privateEndpoints="10.30.4.0/29"),
        "is a /29; private endpoints need at least /28",
    ),
    Case(
        "api management subnet below /29",
        {"network": {"subnets": {"apim": "10.30.1.0/30"}}},
        "network.subnets.apim",
        _network(apim="10.30.1.0/30"),
        "is a /30; API Management Developer or Premium needs at least /29",
    ),
    Case(
        "subnet outside the address space",
        {"network": {"subnets": {"containerApps": "10.99.2.0/23"}}},
        "network.subnets.containerApps",
        _network(containerApps="10.99.2.0/23"),
        "is outside",
    ),
    Case(
        "overlapping subnets",
        {"network": {"subnets": {"privateEndpoints": "10.30.0.64/27"}}},
        "network.subnets.privateEndpoints",
        _network(privateEndpoints="10.30.0.64/27"),
        "(10.30.0.0/24); subnets must be disjoint",
    ),
    # --- observability -----------------------------------------------------------------------------------------
    Case(
        "retention below 30 days",
        {"observability": {"retentionDays": 20}},
        "observability.retentionDays",
        _observability(retention_days=20),
        "greater than or equal to 30",
    ),
    Case(
        "retention above 730 days",
        {"observability": {"retentionDays": 1000}},
        "observability.retentionDays",
        _observability(retention_days=1000),
        "less than or equal to 730",
    ),
    Case(
        "daily quota of zero",
        {"observability": {"dailyQuotaGb": 0}},
        "observability.dailyQuotaGb",
        _observability(daily_quota_gb=0),
        "greater than 0",
    ),
    # --- Azure Managed Redis -----------------------------------------------------------------------------------
    *(
        Case(
            f"redis sku {sku}",
            {"redis": {"sku": sku}},
            "redis.sku",
            _redis(sku=sku),
            "not an Azure Managed Redis in-memory SKU",
        )
        for sku in ("Enterprise_E10", "FlashOptimized_A250", "Premium")
    ),
    Case(
        "redis eviction policy",
        {"redis": {"evictionPolicy": "Oldest"}},
        "redis.evictionPolicy",
        _redis(eviction_policy="Oldest"),
        "'AllKeysLFU'",
    ),
    Case(
        "redis clustering policy",
        {"redis": {"clusteringPolicy": "Sharded"}},
        "redis.clusteringPolicy",
        _redis(clustering_policy="Sharded"),
        "'EnterpriseCluster' or 'OSSCluster'",
    ),
    Case(
        "redis module",
        {"redis": {"modules": ["RedisGraph"]}},
        "redis.modules.0",
        _redis(modules=["RedisGraph"]),
        "'RediSearch', 'RedisJSON', 'RedisBloom' or 'RedisTimeSeries'",
    ),
    Case(
        "redis module listed twice",
        {"redis": {"modules": ["RedisJSON", "RedisJSON"]}},
        "redis.modules",
        _redis(modules=["RedisJSON", "RedisJSON"]),
        "lists a module more than once",
    ),
    Case(
        "redis persistence",
        {"redis": {"persistence": "snapshot"}},
        "redis.persistence",
        _redis(persistence="snapshot"),
        "'none', 'aof' or 'rdb'",
    ),
    Case(
        "redis snapshot interval",
        {"redis": {"persistence": "rdb", "rdbFrequency": "2h"}},
        "redis.rdbFrequency",
        _redis(persistence="rdb", rdb_frequency="2h"),
        "'1h', '6h' or '12h'",
    ),
    Case(
        "snapshot interval without rdb",
        {"redis": {"persistence": "aof", "rdbFrequency": "6h"}},
        "redis.rdbFrequency",
        _redis(persistence="aof", rdb_frequency="6h"),
        "applies only with persistence: rdb",
    ),
    Case(
        "RediSearch with OSS clustering",
        {"redis": {"modules": ["RediSearch"], "clusteringPolicy": "OSSCluster", "evictionPolicy": "NoEviction"}},
        "redis.clusteringPolicy",
        _redis(modules=["RediSearch"], clustering_policy="OSSCluster", eviction_policy="NoEviction"),
        "RediSearch requires clusteringPolicy EnterpriseCluster",
    ),
    Case(
        "RediSearch with eviction",
        {"redis": {"modules": ["RediSearch"], "evictionPolicy": "VolatileLRU"}},
        "redis.evictionPolicy",
        _redis(modules=["RediSearch"]),
        "RediSearch requires evictionPolicy NoEviction",
    ),
    # --- Cosmos DB ---------------------------------------------------------------------------------------------
    Case(
        "partition key without a slash",
        _stack_items(partitionKey="tenantId"),
        f"{ITEMS}.partitionKey",
        _cosmos(databases=_items(partition_key="tenantId")),
        "must start with '/'",
    ),
    Case(
        "partition key of four levels",
        _stack_items(partitionKey=["/a", "/b", "/c", "/d"]),
        f"{ITEMS}.partitionKey",
        _cosmos(databases=_items(partition_key=["/a", "/b", "/c", "/d"])),
        "at most 3 levels",
    ),
    Case(
        "partition key paths repeated",
        _stack_items(partitionKey=["/a", "/a"]),
        f"{ITEMS}.partitionKey",
        _cosmos(databases=_items(partition_key=["/a", "/a"])),
        "must be distinct",
    ),
    Case(
        "container autoscale maximum off the 1000 steps",
        _stack_items(maxThroughput=1500),
        f"{ITEMS}.maxThroughput",
        _cosmos(databases=_items(max_throughput=1500)),
        "at least 1000 RU/s and a multiple of 1000; got 1500",
    ),
    Case(
        "database autoscale maximum below 1000",
        {"cosmos": {"databases": {"app": {"maxThroughput": 500}}}},
        "cosmos.databases.app.maxThroughput",
        _cosmos(databases={"app": {"max_throughput": 500}}),
        "at least 1000 RU/s and a multiple of 1000; got 500",
    ),
    Case(
        "default autoscale maximum below 1000",
        {"cosmos": {"defaultMaxThroughput": 500}},
        "cosmos.defaultMaxThroughput",
        _cosmos(default_max_throughput=500),
        "got 500",
    ),
    Case(
        "throughput on a serverless account",
        deep_merge(_stack_items(maxThroughput=1000), {"cosmos": {"serverless": True, "defaultMaxThroughput": None}}),
        f"{ITEMS}.maxThroughput",
        _cosmos(serverless=True, default_max_throughput=None, databases=_items(max_throughput=1000)),
        "a serverless account has no provisioned throughput",
    ),
    Case(
        "secondary regions on a serverless account",
        {"cosmos": {"serverless": True, "defaultMaxThroughput": None, "secondaryLocations": ["northeurope"]}},
        "cosmos.secondaryLocations",
        _cosmos(serverless=True, default_max_throughput=None, secondary_locations=["northeurope"]),
        "a serverless account runs in a single region",
    ),
    Case(
        "provisioned container without throughput",
        {"cosmos": {"defaultMaxThroughput": None}},
        ITEMS,
        _cosmos(default_max_throughput=None, databases=_items()),
        "a provisioned account needs throughput",
    ),
    Case(
        "unknown secondary region",
        {"cosmos": {"secondaryLocations": ["atlantis"]}},
        "cosmos.secondaryLocations",
        _cosmos(secondary_locations=["atlantis"]),
        "unknown Azure regions ['atlantis']",
    ),
    Case(
        "secondary region twice",
        {"cosmos": {"secondaryLocations": ["northeurope", "northeurope"]}},
        "cosmos.secondaryLocations",
        _cosmos(secondary_locations=["northeurope", "northeurope"]),
        "lists a region more than once",
    ),
    Case(
        "secondary region is the primary",
        {"cosmos": {"secondaryLocations": ["westeurope"]}},
        "cosmos.secondaryLocations",
        _cosmos(secondary_locations=["westeurope"]),
        "includes the primary location westeurope",
    ),
    Case(
        "time to live of zero",
        _stack_items(partitionKey="/t", defaultTtl=0),
        f"{ITEMS}.defaultTtl",
        _cosmos(databases=_items(default_ttl=0)),
        "must be -1 (on, no default expiry) or a positive number of seconds",
    ),
    Case(
        "index path without a slash",
        _stack_items(partitionKey="/t", indexing={"excludedPaths": ["payload/*"]}),
        f"{ITEMS}.indexing.excludedPaths.0",
        _cosmos(databases=_items(indexing={"excluded_paths": ["payload/*"]})),
        "an index path must start with '/'",
    ),
    Case(
        "indexing mode",
        _stack_items(partitionKey="/t", indexing={"mode": "lazy"}),
        f"{ITEMS}.indexing.mode",
        _cosmos(databases=_items(indexing={"mode": "lazy"})),
        "'consistent' or 'none'",
    ),
    Case(
        "container id with a slash",
        {"cosmos": {"databases": {"app": {"containers": {"a/b": {"partitionKey": "/t"}}}}}},
        "cosmos.databases.app.containers",
        _cosmos(databases={"app": {"containers": {"a/b": {"partition_key": "/t"}}}}),
        "ids ['a/b'] are invalid",
    ),
    Case(
        "backup tier",
        {"cosmos": {"backupTier": "Periodic"}},
        "cosmos.backupTier",
        _cosmos(backup_tier="Periodic"),
        "'Continuous7Days' or 'Continuous30Days'",
    ),
    Case(
        "consistency level",
        {"cosmos": {"consistencyLevel": "Linearizable"}},
        "cosmos.consistencyLevel",
        _cosmos(consistency_level="Linearizable"),
        "'BoundedStaleness' or 'Strong'",
    ),
    # --- alerts ------------------------------------------------------------------------------------------------
    Case(
        "alert e-mail",
        {"alerts": {"emails": ["oncall"]}},
        "alerts.emails.0",
        _action_group(emails=["oncall"]),
        "not an e-mail address",
    ),
    Case(
        "redis memory alert at 0 percent",
        {"alerts": {"redisMemoryPercent": 0}},
        "alerts.redisMemoryPercent",
        _memory_alert(0),
        "greater than or equal to 1",
    ),
    Case(
        "redis memory alert above 100 percent",
        {"alerts": {"redisMemoryPercent": 101}},
        "alerts.redisMemoryPercent",
        _memory_alert(101),
        "less than or equal to 100",
    ),
    Case(
        "cosmos throttling alert at 0 requests",
        {"alerts": {"cosmosThrottledRequests": 0}},
        "alerts.cosmosThrottledRequests",
        _throttling_alert(0),
        "greater than or equal to 1",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_stack_file_and_component_refuse_alike(case: Case) -> None:
    refused_alike(case)


def test_the_helpers_build_valid_args() -> None:
    # Every row's direct call differs from these only by its mistake.
    _network()()
    _observability()()
    _redis()()
    _cosmos(databases=_items())()
    _action_group(emails=["oncall@example.com"])()
    load_platform_config(stack_values("prod"), "Pulumi.prod.yaml")


def test_direct_errors_say_where_in_python_names() -> None:
    with pytest.raises(ValidationError) as info:
        _cosmos(
            serverless=True,
            default_max_throughput=None,
            databases=_items(max_throughput=1000),
            secondary_locations=["atlantis"],
        )()
    text = str(info.value)
    assert "databases.app.containers.items.max_throughput: a serverless account has no provisioned" in text
    assert "secondary_locations: a serverless account runs in a single region" in text
    assert "secondary_locations: unknown Azure regions ['atlantis']" in text
    with pytest.raises(ValidationError, match=r"subnets\.1\.cidr: is a /30"):
        _network(apim="10.30.1.0/30")()


# --- rules only a direct user can break (the platform supplies these values itself) ----------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_redis(name="amr--unit"), "managed redis name 'amr--unit' does not match"),
        (_cosmos(name="Cosno-Unit"), "cosmos account name 'Cosno-Unit' does not match"),
        (_observability(workspace_name="log"), "log analytics name 'log' is 3 characters"),
        (
            lambda: PrivateNetworkArgs.model_validate(
                {**COMMON, "name": "vnet-unit", "address_space": "10.30.0.0/16", "subnets": PROD_SUBNETS[:1] * 2}
            ),
            "each subnet needs its own role; given more than once: ['gateway']",
        ),
        (
            lambda: PrivateNetworkArgs.model_validate(
                {**COMMON, "name": "vnet-unit", "address_space": "10.30.0.0/16", "subnets": []}
            ),
            "at least 1 item",
        ),
        (
            lambda: PrivateNetworkArgs.model_validate(
                {
                    **COMMON,
                    "name": "vnet-unit",
                    "address_space": "10.30.0.0/16",
                    "subnets": PROD_SUBNETS,
                    "private_dns_zones": ["privatelink.redis.azure.net", "privatelink.redis.azure.net"],
                }
            ),
            "lists ['privatelink.redis.azure.net'] more than once",
        ),
        (
            lambda: PrivateNetworkArgs.model_validate(
                {
                    **COMMON,
                    "name": "vnet-unit",
                    "address_space": "10.30.0.0/16",
                    "subnets": PROD_SUBNETS,
                    "private_dns_zones": ["localhost"],
                }
            ),
            "are not DNS zone names",
        ),
        (
            lambda: AccessKeySecret(vault_name="kv", resource_group_name=RG, secret_name="redis_key"),
            "is not a Key Vault secret name",
        ),
        (_action_group(short_name="platform-prod-weu"), "at most 12 characters"),
        (_action_group(location="westeurope"), "'global'"),
        (
            _action_group(diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)]),
            "an action group emits no logs or metrics",
        ),
        (
            lambda: UserIdentityArgs(
                name="id-unit", **COMMON, diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)]
            ),
            "a user-assigned identity emits no logs or metrics",
        ),
        (lambda: UserIdentityArgs(name="id", **COMMON), "managed identity name 'id' is 2 characters"),
        (
            _observability(diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)]),
            "diag-to-log-analytics is the workspace's own setting",
        ),
        (
            lambda: metric_alert(
                None,  # type: ignore[arg-type]
                "memory",
                resource_group_name=RG,
                scope_id="id",
                metric_namespace="Microsoft.Cache/redisEnterprise",
                metric_name="usedmemorypercentage",
                aggregation="Maximum",
                operator="GreaterThan",
                threshold=80,
                window_size="PT15M",
                evaluation_frequency="PT5M",
                severity=5,
                description="memory",
                action_group_id="ag",
            ),
            "less than or equal to 4",
        ),
    ],
)
def test_direct_use_refuses_what_azure_would(build: Callable[[], object], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert message in str(info.value)

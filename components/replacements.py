"""Properties Azure cannot change in place, per resource type: the one list components and the PR diff read.

Components pass ``replace_on_changes(<type token>)`` to the resource, so a change to one of these properties shows
up in ``pulumi preview`` (and in the offline plan's ``options.replaceOnChanges``) as a replacement rather than as
an update that Azure would reject halfway through ``pulumi up``. The PR diff tool reads :data:`REPLACE_ON_CHANGES`
to flag such changes before review. Paths are Pulumi property paths over the camelCase wire names, ``[*]``
matching any list element: https://www.pulumi.com/docs/iac/concepts/resources/options/replaceonchanges/

:data:`ONE_WAY_CHANGES` lists properties Azure changes in place in one direction only; they are not replacements
(declaring them would destroy data on the allowed direction), so the diff tool warns about them instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Immutable:
    """A property Azure fixes at creation: changing it needs a new resource (and, for a data store, its data)."""

    path: str
    """Pulumi property path, for example ``resource.partitionKey``."""
    reason: str
    """What Azure does with a change, in one sentence."""
    source: str
    """Where Azure documents it."""
    forces: Callable[[Any, Any], bool] | None = None
    """Given (old, new) values, whether this change needs a new resource; None: every change does."""
    declare: bool = True
    """Whether components declare it in ``replace_on_changes`` (False for a change that replaces only in some
    directions, which the PR diff still flags through ``forces``)."""


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


@dataclass(frozen=True)
class OneWay:
    """A property Azure updates in place in one direction and refuses in the other."""

    path: str
    allowed: str
    refused: str
    source: str


_AMR_ARCH = "https://learn.microsoft.com/azure/redis/architecture"
_AMR_SCALE = "https://learn.microsoft.com/azure/redis/how-to-scale#limitations-of-scaling-azure-managed-redis"
_AMR_MODULES = "https://learn.microsoft.com/azure/redis/redis-modules#adding-modules-to-your-cache"
_AMR_RELIABILITY = "https://learn.microsoft.com/azure/reliability/reliability-managed-redis"
_COSMOS_RELIABILITY = (
    "https://learn.microsoft.com/azure/reliability/reliability-cosmos-db#configure-availability-zone-support"
)
_COSMOS_SERVERLESS = "https://learn.microsoft.com/azure/cosmos-db/serverless"
_COSMOS_PARTITIONING = "https://learn.microsoft.com/azure/cosmos-db/partitioning-overview#choose-a-partition-key"
_ARM_MOVE = "https://learn.microsoft.com/azure/azure-resource-manager/management/move-support-resources"

IMMUTABLE_PROPERTIES: dict[str, tuple[Immutable, ...]] = {
    "azure-native:redisenterprise:RedisEnterprise": (
        Immutable("location", "an Azure Managed Redis cache cannot move between regions", _ARM_MOVE),
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
    "azure-native:redisenterprise:Database": (
        Immutable(
            "clusteringPolicy",
            "OSSCluster and EnterpriseCluster cannot be changed without deleting the database",
            f"{_AMR_ARCH}#cluster-policies",
        ),
        Immutable("modules", "modules can only be added when the database is created", _AMR_MODULES),
        Immutable("port", "the database port is fixed at creation", _AMR_ARCH),
    ),
    "azure-native:cosmosdb:DatabaseAccount": (
        Immutable("location", "a Cosmos DB account's resource location is fixed", _ARM_MOVE),
        Immutable("kind", "the account API kind can only be set at creation", _ARM_MOVE),
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
    "azure-native:cosmosdb:SqlResourceSqlContainer": (
        Immutable(
            "resource.partitionKey",
            "a container's partition key cannot change; the data must be copied into a new container",
            _COSMOS_PARTITIONING,
        ),
    ),
    # properties.tenantId is not here: it is updated in place after a subscription move.
    # https://learn.microsoft.com/azure/key-vault/general/move-subscription
    "azure-native:keyvault:Vault": (Immutable("location", "a vault cannot move between regions", _ARM_MOVE),),
    "azure-native:app:ManagedEnvironment": (
        Immutable(
            "vnetConfiguration.infrastructureSubnetId",
            "an environment's network cannot be changed after it is created",
            "https://learn.microsoft.com/azure/container-apps/networking",
        ),
        Immutable(
            "vnetConfiguration.internal",
            "an environment's accessibility (internal or external) cannot be changed after it is created",
            "https://learn.microsoft.com/azure/container-apps/networking",
        ),
        Immutable(
            "zoneRedundant",
            "zone redundancy can only be enabled when the environment is created",
            "https://learn.microsoft.com/azure/reliability/reliability-azure-container-apps",
        ),
    ),
    "azure-native:authorization:RoleAssignment": (
        Immutable(
            "principalId",
            "ARM rejects it: 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated' "
            "(RoleAssignmentUpdateNotPermitted)",
            "https://github.com/jetbrains/teamcity-azure-template/issues/10",
        ),
    ),
    "azure-native:operationalinsights:Workspace": (
        Immutable("location", "a Log Analytics workspace cannot move between regions", _ARM_MOVE),
    ),
}

ONE_WAY_CHANGES: dict[str, tuple[OneWay, ...]] = {
    "azure-native:redisenterprise:RedisEnterprise": (
        OneWay(
            "highAvailability",
            allowed="Disabled -> Enabled",
            refused="Enabled -> Disabled (high availability cannot be disabled on an existing cache)",
            source=f"{_AMR_ARCH}#running-without-high-availability-mode-enabled",
        ),
        OneWay(
            "sku.name",
            allowed="to a larger size or a higher-performance in-memory tier",
            refused="to a SKU whose shard layout is incompatible (see listSkusForScaling), or to/from Flash Optimized",
            source=_AMR_SCALE,
        ),
    ),
    "azure-native:cosmosdb:DatabaseAccount": (
        OneWay(
            "backupPolicy.type",
            allowed="Periodic -> Continuous",
            refused="Continuous -> Periodic",
            source="https://learn.microsoft.com/azure/cosmos-db/migrate-continuous-backup",
        ),
    ),
}

REPLACE_ON_CHANGES: dict[str, list[str]] = {
    type_token: [item.path for item in items if item.declare] for type_token, items in IMMUTABLE_PROPERTIES.items()
}
"""Resource type token -> the property paths whose change replaces the resource."""


def replace_on_changes(type_token: str) -> list[str]:
    """The ``replace_on_changes`` option for a resource of ``type_token`` (empty when none is declared)."""
    return list(REPLACE_ON_CHANGES.get(type_token, []))

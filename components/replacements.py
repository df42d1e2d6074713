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

from dataclasses import dataclass


@dataclass(frozen=True)
class Immutable:
    """A property Azure fixes at creation: changing it needs a new resource (and, for a data store, its data)."""

    path: str
    """Pulumi property path, for example ``resource.partitionKey``."""
    reason: str
    """What Azure does with a change, in one sentence."""
    source: str
    """Where Azure documents it."""


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
            "serverless (EnableServerless) and the API capabilities are chosen at account creation",
            _COSMOS_SERVERLESS,
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
    "azure-native:keyvault:Vault": (
        Immutable("location", "a vault cannot move between regions", _ARM_MOVE),
        Immutable(
            "properties.tenantId",
            "a vault is bound to its Entra tenant",
            "https://learn.microsoft.com/azure/key-vault/general/move-subscription",
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
    type_token: [item.path for item in items] for type_token, items in IMMUTABLE_PROPERTIES.items()
}
"""Resource type token -> the property paths whose change replaces the resource."""


def replace_on_changes(type_token: str) -> list[str]:
    """The ``replace_on_changes`` option for a resource of ``type_token`` (empty when none is declared)."""
    return list(REPLACE_ON_CHANGES.get(type_token, []))

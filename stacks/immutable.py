"""Properties Azure cannot update in place: changing one makes Pulumi (or Azure) replace the resource.

This is the single table the PR diff (``stacks/diff.py``) reads to predict a replacement that a resource's own
``replaceOnChanges`` does not declare. Components should still declare ``replace_on_changes`` for these (DESIGN.md:
"Immutable properties are declared"); the diff reads both, so a component that forgets is still caught in review.

Each entry carries the source that says Azure cannot make the change in place. Some changes are one-way: a
predicate says which direction forces the replacement. The identity inputs (resource group, names, scope) are the
ARM id itself and always replace (``stacks.offline.arm.id_inputs``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from stacks import propertypath
from stacks.offline import arm

ALL_TYPES = "*"


@dataclass(frozen=True)
class ImmutableProperty:
    """A property path Azure fixes at creation, why, and where that is documented."""

    path: str
    reason: str
    source: str
    forces: Callable[[Any, Any], bool] | None = None
    """Given (old, new), whether this change needs a new resource; None: every change does."""


@dataclass(frozen=True)
class Replacement:
    """Why a resource will be replaced: the property and the rule (or option) that forces it."""

    path: str
    reason: str
    source: str | None = None


def _serverless(capabilities: Any) -> bool:
    return isinstance(capabilities, list) and any(
        isinstance(c, Mapping) and c.get("name") == "EnableServerless" for c in capabilities
    )


def _serverless_toggled(old: Any, new: Any) -> bool:
    return _serverless(old) != _serverless(new)


def _clustering_locked(old: Any, new: Any) -> bool:
    # Absent means the default, OSSCluster. Only a NoCluster database can move to a clustered policy.
    return bool(old != "NoCluster")


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


_LOCATION = ImmutableProperty(
    "location",
    "a resource cannot change region in place; moving it means creating a new one",
    "https://learn.microsoft.com/azure/azure-resource-manager/management/move-region",
)

IMMUTABLE: dict[str, tuple[ImmutableProperty, ...]] = {
    ALL_TYPES: (_LOCATION,),
    "azure-native:cosmosdb:SqlResourceSqlContainer": (
        ImmutableProperty(
            "resource.partitionKey",
            "a container's partition key is fixed; changing it copies the data into a new container",
            "https://learn.microsoft.com/azure/cosmos-db/nosql/change-partition-key",
        ),
    ),
    "azure-native:cosmosdb:DatabaseAccount": (
        ImmutableProperty(
            "kind",
            "the account's API kind can only be set at creation",
            "https://learn.microsoft.com/dotnet/api/azure.resourcemanager.cosmosdb.models.cosmosdbaccountkind",
        ),
        ImmutableProperty(
            "capabilities",
            "a provisioned account cannot become serverless; serverless -> provisioned is a one-way migration "
            "done outside the template (portal or CLI), after which the capability may be dropped",
            "https://learn.microsoft.com/azure/cosmos-db/how-to-change-capacity-mode",
            forces=_serverless_toggled,
        ),
    ),
    "azure-native:app:ManagedEnvironment": (
        ImmutableProperty(
            "vnetConfiguration.infrastructureSubnetId",
            "an environment's network cannot be changed after it is created",
            "https://learn.microsoft.com/azure/container-apps/networking",
        ),
        ImmutableProperty(
            "vnetConfiguration.internal",
            "an environment's network (internal or external) cannot be changed after it is created",
            "https://learn.microsoft.com/azure/container-apps/networking",
        ),
        ImmutableProperty(
            "zoneRedundant",
            "zone redundancy can only be enabled when the environment is created",
            "https://learn.microsoft.com/azure/reliability/reliability-azure-container-apps",
        ),
    ),
    "azure-native:redisenterprise:Database": (
        ImmutableProperty(
            "clusteringPolicy",
            "an OSSCluster or EnterpriseCluster policy cannot be changed without deleting the database "
            "(only NoCluster can move to a clustered policy)",
            "https://learn.microsoft.com/azure/redis/how-to-scale",
            forces=_clustering_locked,
        ),
    ),
    "azure-native:redisenterprise:RedisEnterprise": (
        ImmutableProperty(
            "sku.name",
            "scaling works within the in-memory tiers (Memory/Compute Optimized, Balanced) but not to or from "
            "Flash Optimized or the Enterprise SKUs",
            "https://learn.microsoft.com/azure/redis/how-to-scale",
            forces=_redis_family_changed,
        ),
    ),
    "azure-native:authorization:RoleAssignment": (
        ImmutableProperty(
            "principalId",
            "ARM rejects it: 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated' "
            "(RoleAssignmentUpdateNotPermitted)",
            "https://github.com/jetbrains/teamcity-azure-template/issues/10",
        ),
    ),
}

# Examined and NOT immutable: Azure updates these in place, so the diff reports an update, not a replacement.
UPDATABLE_IN_PLACE: dict[tuple[str, str], str] = {
    # "Change a key vault tenant ID after a subscription move": set properties.tenantId on the existing vault.
    ("azure-native:keyvault:Vault", "properties.tenantId"): (
        "https://learn.microsoft.com/azure/key-vault/general/move-subscription"
    ),
    # Address ranges can be added, modified or deleted on a live (even peered) VNet, without downtime.
    ("azure-native:network:VirtualNetwork", "addressSpace"): (
        "https://learn.microsoft.com/azure/virtual-network/update-virtual-network-peering-address-space"
    ),
    # A delegation is added to or removed from an existing subnet by updating the VNet (Set-AzVirtualNetwork);
    # Azure refuses it while the subnet holds resources of another service, but it never recreates the subnet.
    ("azure-native:network:VirtualNetwork", "subnets[*].delegations"): (
        "https://learn.microsoft.com/powershell/module/az.network/remove-azdelegation"
    ),
}


def immutable_properties(type_token: str) -> tuple[ImmutableProperty, ...]:
    """The table's entries for one type, including those for every type."""
    return IMMUTABLE[ALL_TYPES] + IMMUTABLE.get(type_token, ())


def replacements(type_token: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Replacement]:
    """Why turning ``old`` inputs into ``new`` needs a new resource, by this table and the ARM id (empty: none)."""
    found: list[Replacement] = []
    for key in sorted(arm.id_inputs(type_token)):
        before, after = propertypath.get(old, key), propertypath.get(new, key)
        if before != after and not (before is propertypath.ABSENT and after is propertypath.ABSENT):
            found.append(Replacement(key, "part of the resource's ARM id (its name, parent or scope)"))
    for prop in immutable_properties(type_token):
        before, after = propertypath.get(old, prop.path), propertypath.get(new, prop.path)
        if before != after and (prop.forces is None or prop.forces(before, after)):
            found.append(Replacement(prop.path, prop.reason, prop.source))
    return found

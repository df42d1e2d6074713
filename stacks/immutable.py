"""Properties Azure cannot update in place: changing one makes Pulumi (or Azure) replace the resource.

This is the single table the PR diff (``stacks/diff.py``) reads to predict a replacement that a resource's own
``replaceOnChanges`` does not declare. Components should still declare ``replace_on_changes`` for these (DESIGN.md:
"Immutable properties are declared"); the diff reads both, so a component that forgets is still caught in review.

Each entry carries the source that says Azure cannot make the change in place. Some changes are one-way: a
predicate says which direction forces the replacement. The identity inputs (resource group, names, scope) are the
ARM id itself and always replace (``stacks.offline.arm.id_inputs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from azplatform.components.replacements import IMMUTABLE_PROPERTIES
from azplatform.components.replacements import Immutable as ImmutableProperty
from azplatform.stacks import propertypath
from azplatform.stacks.offline import arm
from azplatform.stacks.replacements import changed_immutable_paths

ALL_TYPES = "*"


@dataclass(frozen=True)
class Replacement:
    """Why a resource will be replaced: the property and the rule (or option) that forces it."""

    path: str
    reason: str
    source: str | None = None


_LOCATION = ImmutableProperty(
    "location",
    "a resource cannot change region in place; moving it means creating a new one",
    "https://learn.microsoft.com/azure/azure-resource-manager/management/move-region",
)

# The per-type table is components.replacements (the one components declare replace_on_changes from); location
# applies to every type.
IMMUTABLE: dict[str, tuple[ImmutableProperty, ...]] = {ALL_TYPES: (_LOCATION,), **IMMUTABLE_PROPERTIES}

# Examined and NOT immutable: Azure updates these in place, so the diff reports an update, not a replacement.
UPDATABLE_IN_PLACE: dict[tuple[str, str], str] = {
    # "Change a key vault tenant ID after a subscription move": set properties.tenantId on the existing vault.
    # (So components.replacements does not declare it.)
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
    """The table's entries for one type, including those for every type (once per path)."""
    generic = IMMUTABLE[ALL_TYPES]
    paths = {prop.path for prop in generic}
    return generic + tuple(prop for prop in IMMUTABLE.get(type_token, ()) if prop.path not in paths)


def replacements(type_token: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Replacement]:
    """Why turning ``old`` inputs into ``new`` needs a new resource, by this table and the ARM id (empty: none)."""
    found: list[Replacement] = []
    for key in sorted(arm.id_inputs(type_token)):
        before, after = propertypath.get(old, key), propertypath.get(new, key)
        if before != after and not (before is propertypath.ABSENT and after is propertypath.ABSENT):
            found.append(Replacement(key, "part of the resource's ARM id (its name, parent or scope)"))
    for prop in immutable_properties(type_token):
        if "[*]" in prop.path:  # a list item's property: compared item by item
            changed = bool(changed_immutable_paths(type_token, old, new, [prop.path]))
        else:
            before, after = propertypath.get(old, prop.path), propertypath.get(new, prop.path)
            changed = before != after and (prop.forces is None or prop.forces(before, after))
        if changed:
            found.append(Replacement(prop.path, prop.reason, prop.source))
    return found

"""Properties Azure cannot update in place: changing one makes Pulumi (or Azure) replace the resource.

The PR diff (``stacks/diff.py``) reads the type records' immutable properties to predict a replacement that a
resource's own ``replaceOnChanges`` does not declare. Components declare them too (``replace_on_changes``); the diff
reads both, so a component that forgets is still caught in review.

Each entry carries the source that says Azure cannot make the change in place. Some changes are one-way: a
predicate says which direction forces the replacement. The identity inputs (resource group, names, scope) are the
ARM id itself and always replace (``components.records.id_inputs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from azplatform.components.records import Immutable, find, id_inputs
from azplatform.stacks import propertypath
from azplatform.stacks.replacements import changed_immutable_paths


@dataclass(frozen=True)
class Replacement:
    """Why a resource will be replaced: the property and the rule (or option) that forces it."""

    path: str
    reason: str
    source: str | None = None


# Every type: a resource cannot change region in place. A type's record adds its own (with its own wording).
LOCATION = Immutable(
    "location",
    "a resource cannot change region in place; moving it means creating a new one",
    "https://learn.microsoft.com/azure/azure-resource-manager/management/move-region",
)


def immutable_properties(type_token: str) -> tuple[Immutable, ...]:
    """The type record's immutable properties, plus location for every type (once per path)."""
    own = item.immutable if (item := find(type_token)) is not None else ()
    return (LOCATION, *(prop for prop in own if prop.path != LOCATION.path))


def replacements(type_token: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Replacement]:
    """Why turning ``old`` inputs into ``new`` needs a new resource, by the records and the ARM id (empty: none)."""
    found: list[Replacement] = []
    for key in sorted(id_inputs(type_token)):
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

"""Which dependency edges Azure truly requires: a create that would fail (or could not be written) without them.

A program orders creates through its dependency edges, but only some are Azure's: a private endpoint cannot be
created before its target and subnet exist, a role assignment needs its scope and its principal, and so on. Other
edges are the program's choice (an explicit ``depends_on``, or a value taken from a resource when a name known in
advance would do) and may lengthen ``pulumi up`` for nothing. The lower bound of a deployment's duration is the
longest path using required edges only.

The rules are the type records' ``prerequisites`` (``azplatform.components.records``): patterns over the
prerequisite's type token, optionally only when the edge arrives through a given input property (``via``): "a
diagnostic setting needs whatever its ``resourceUri`` points at" covers every target type. Every resource also
needs its resource group. An edge matching no rule is not required.
"""

from __future__ import annotations

from collections.abc import Iterable

from azplatform.components.records import Prerequisite, find

IN_RESOURCE_GROUP = Prerequisite(
    "azure-native:resources:ResourceGroup", "a resource is created inside an existing resource group"
)


def requirement(dependent: str, prerequisite: str, properties: Iterable[str]) -> Prerequisite | None:
    """The rule that makes the edge prerequisite -> dependent required, or None when Azure does not need it."""
    props = list(properties)
    item = find(dependent)
    for rule in (IN_RESOURCE_GROUP, *(item.prerequisites if item is not None else ())):
        if rule.matches(prerequisite, props):
            return rule
    return None


def why_not_required(dependent: str, prerequisite: str) -> str:
    """A short explanation for an edge no rule requires."""
    item = find(dependent)
    for note in item.not_prerequisites if item is not None else ():
        if note.matches(prerequisite, ()):
            return note.reason
    return "no Azure rule needs it: the program's own ordering (an explicit depends_on or a value it could know)"

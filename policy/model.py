"""What a rule is, what it sees, and what it reports: the vocabulary both enforcement points share.

A rule never sees a Pulumi object. It sees a :class:`Resource`: the type token, the inputs by their camelCase wire
names (as the offline plan records them and as CrossGuard hands them to a policy pack), the ``protect`` option and
the few graph facts stack rules need. Inputs are read through :func:`get`, which only assumes ``Mapping`` and
``Sequence`` so that CrossGuard's lazily-checked property proxies work unchanged (touching an unknown value during a
preview raises there, and the SDK reports "can't run during preview" rather than a false violation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from azplatform.plan import environments
from azplatform.plan.environments import (
    ADVISORY,
    DISABLED,
    ENVIRONMENTS,
    MANDATORY,
    Enforcement,
    Environment,
    Level,
)

# The environments' vocabulary (levels, categories, names) is the environment table's; the rules read it here.
__all__ = [
    "ADVISORY",
    "DISABLED",
    "ENVIRONMENTS",
    "MANDATORY",
    "SECRET",
    "Check",
    "Enforcement",
    "Environment",
    "Finding",
    "Level",
    "PolicyRule",
    "Resource",
    "Severity",
    "StackCheck",
    "StackProblem",
    "exempted",
    "get",
    "is_list",
    "items",
    "lower",
    "mapping",
    "of_types",
    "same_id",
    "tags_of",
]

# The plan masks secret values with this marker (azplatform.plan); the CrossGuard adapter does the same.
SECRET = "[secret]"


class Severity(Enum):
    """How bad a violation is, independent of whether it blocks (that is the enforcement level)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Resource:
    """One resource as a rule sees it, built from a plan entry or from CrossGuard's arguments."""

    type: str
    """Type token, for example ``azure-native:keyvault:Vault``."""
    urn: str
    """Pulumi URN; what a finding points at."""
    name: str
    """Pulumi logical name."""
    inputs: Mapping[str, Any]
    """Inputs by camelCase wire name (outputs, in a CrossGuard stack validation); secrets read ``[secret]``."""
    protect: bool = False
    """The ``protect`` resource option."""
    parent: str | None = None
    """URN of the Pulumi parent, if any."""
    id: str | None = None
    """ARM id, where known (the offline plan derives it; CrossGuard stack validations read it from outputs)."""
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Input name -> URNs of the resources whose outputs flowed into it."""


Check = Callable[[Resource, Environment], Iterable[str]]
"""A resource rule's check: yields one message per problem, nothing when compliant."""


@dataclass(frozen=True)
class StackProblem:
    """What a stack rule found about one resource (or, with an empty URN, the stack as a whole)."""

    urn: str
    message: str
    exempt: bool = False
    """An explicit, declared exception (a ``policyExemptions`` tag): reported, but only as advisory."""


StackCheck = Callable[[Sequence[Resource], Environment], Iterable[StackProblem]]
"""A stack rule's check: yields one :class:`StackProblem` per finding."""


@dataclass(frozen=True)
class PolicyRule:
    """One rule: its identity, the control it implements, where it applies, and how hard it enforces."""

    id: str
    """Stable id, ``AZP-<AREA>-<NNN>``; also the CrossGuard policy name."""
    description: str
    """One sentence: what compliant looks like."""
    severity: Severity
    reference: str
    """The Azure control it implements: a Microsoft cloud security benchmark control and/or an Azure Policy built-in."""
    enforcement: Enforcement
    """The rule's enforcement category; each environment's record (``azplatform.plan.environments``) gives it a
    level. Relaxing a rule in dev is a decision made per rule, here, and visible in the generated
    docs/policy-rules.md."""
    check: Check | None = None
    """Resource rules: the check."""
    types: frozenset[str] = frozenset()
    """Resource rules: the type tokens it applies to; empty means every resource."""
    stack_check: StackCheck | None = None
    """Stack rules: the check over the whole plan."""

    @property
    def is_stack_rule(self) -> bool:
        """Whether the rule looks at the whole plan rather than one resource."""
        return self.stack_check is not None

    def applies_to(self, type_token: str) -> bool:
        """Whether a resource rule looks at resources of this type."""
        return not self.types or type_token in self.types

    def level(self, environment: Environment) -> Level:
        """The enforcement level in ``environment``, as its record in the environment table says."""
        return environments.traits(environment).level(self.enforcement)

    @property
    def levels(self) -> Mapping[Environment, Level]:
        """The enforcement level in each environment."""
        return {environment: self.level(environment) for environment in ENVIRONMENTS}


@dataclass(frozen=True)
class Finding:
    """One violation of one rule."""

    rule: str
    level: Level
    urn: str
    message: str
    severity: Severity


# --- reading inputs -----------------------------------------------------------------------------------


def of_types(resources: Sequence[Resource], *types: str) -> list[Resource]:
    """The resources of the given type tokens, in plan order."""
    return [r for r in resources if r.type in types]


def get(value: Any, *path: str | int) -> Any:
    """The value at ``path`` (keys and list indexes), or None when any step is missing."""
    for step in path:
        if isinstance(step, int):
            if not is_list(value) or not -len(value) <= step < len(value):
                return None
            value = value[step]
        else:
            if not isinstance(value, Mapping):
                return None
            value = value.get(step)
    return value


def is_list(value: Any) -> bool:
    """A JSON array (a list, or CrossGuard's list proxy), not a string."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def items(value: Any) -> list[Any]:
    """The elements of a JSON array, or an empty list for anything else."""
    return list(value) if is_list(value) else []


def mapping(value: Any) -> Mapping[str, Any]:
    """A JSON object, or an empty mapping for anything else."""
    return value if isinstance(value, Mapping) else {}


def same_id(left: Any, right: Any) -> bool:
    """ARM ids compare case-insensitively (Azure treats them so), ignoring a trailing slash."""
    return (
        isinstance(left, str)
        and isinstance(right, str)
        and bool(left)
        and left.rstrip("/").lower() == right.rstrip("/").lower()
    )


def tags_of(resource: Resource) -> Mapping[str, Any]:
    """The resource's ``tags`` input."""
    return mapping(resource.inputs.get("tags"))


EXEMPTIONS_TAG = "policyExemptions"
"""Tag naming, comma-separated, the rule ids a resource is explicitly excepted from (only rules that allow it)."""

EXEMPTION_EXPIRES_TAG = "policyExemptionExpires"
"""Tag giving the last day (YYYY-MM-DD) of the resource's exceptions, for rules whose exceptions are time-boxed."""


def exempted(resource: Resource, rule_id: str) -> bool:
    """Whether the resource declares an explicit exception to ``rule_id`` in its ``policyExemptions`` tag."""
    value = tags_of(resource).get(EXEMPTIONS_TAG)
    return isinstance(value, str) and rule_id in {part.strip() for part in value.split(",")}


def lower(value: Any) -> str:
    """A string value lower-cased, or empty for anything else (enum values compare case-insensitively in ARM)."""
    return value.lower() if isinstance(value, str) else ""

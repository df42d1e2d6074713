"""Policy rule test cases, one module per rules module (``policy/rules/<capability>.py`` ->
``tests/rule_cases/<capability>.py``), discovered like the rules: a new rules module brings its own cases here
and edits no shared table. Each module may define ``VIOLATIONS`` (violating :class:`Case` objects) and
``COMPLIANT`` (``(rule id, resource)`` pairs that must pass, for types the compliant estate does not hold);
tests/test_policy_rules.py collects them with the estate's own cases."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from azplatform.policy.model import Environment, Resource
from tests.policy_cases import Mutation


@dataclass(frozen=True)
class Case:
    """A violating case: the rule, the estate resource (or a synthetic one) and the change that breaks it."""

    rule: str
    target: str
    mutate: Mutation | None = None
    protect: bool | None = None
    synthetic: Resource | None = None
    environment: Environment = "prod"


def synthetic(type_token: str, **inputs: object) -> Resource:
    """A resource of a type the estate does not hold (standalone subnet, storage account...)."""
    tags = {"environment": "prod", "owner": "o", "costCenter": "c"}
    return Resource(
        type=type_token,
        urn=f"urn:pulumi:prod::x::{type_token}::synthetic",
        name="synthetic",
        inputs={"tags": tags, **inputs},
    )


def collected() -> tuple[list[Case], list[tuple[str, Resource]]]:
    """Every case module's ``VIOLATIONS`` and ``COMPLIANT``, in module name order."""
    violations: list[Case] = []
    compliant: list[tuple[str, Resource]] = []
    for found in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{found.name}")
        violations += getattr(module, "VIOLATIONS", [])
        compliant += getattr(module, "COMPLIANT", [])
    return violations, compliant

"""Where rules register themselves: ``@resource_rule(...)`` and ``@stack_rule(...)`` on their check functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from azplatform.policy.model import Check, Enforcement, PolicyRule, Severity, StackCheck

_RULES: dict[str, PolicyRule] = {}


def _add(rule: PolicyRule) -> None:
    if rule.id in _RULES:
        raise ValueError(f"rule id {rule.id} registered twice")
    _RULES[rule.id] = rule


def resource_rule(
    *,
    id: str,
    description: str,
    severity: Severity,
    reference: str,
    enforcement: Enforcement,
    types: Iterable[str] = (),
) -> Callable[[Check], Check]:
    """Register a check of one resource at a time (CrossGuard: a ResourceValidationPolicy)."""

    def register(check: Check) -> Check:
        _add(PolicyRule(id, description, severity, reference, enforcement, check=check, types=frozenset(types)))
        return check

    return register


def stack_rule(
    *,
    id: str,
    description: str,
    severity: Severity,
    reference: str,
    enforcement: Enforcement,
) -> Callable[[StackCheck], StackCheck]:
    """Register a check over the whole plan (CrossGuard: a StackValidationPolicy)."""

    def register(check: StackCheck) -> StackCheck:
        _add(PolicyRule(id, description, severity, reference, enforcement, stack_check=check))
        return check

    return register


def registered() -> list[PolicyRule]:
    """Every registered rule, by id."""
    return [_RULES[key] for key in sorted(_RULES)]

"""The offline plan's side: turn a plan into resources, work out its environment, and record its violations."""

from __future__ import annotations

from collections import Counter

from azplatform.components.records import arm_id
from azplatform.plan import Plan, Violation
from azplatform.policy.engine import evaluate
from azplatform.policy.model import ENVIRONMENTS, Environment, Finding, Resource


class UnknownEnvironmentError(ValueError):
    """The plan says neither in its stack name nor in its tags which environment it is."""


def resources_of(plan: Plan) -> list[Resource]:
    """The plan's custom resources as rules see them, each with the ARM id the mocks gave it."""
    return [
        Resource(
            type=r.type,
            urn=r.urn,
            name=r.name,
            inputs=r.inputs,
            protect=r.protect,
            parent=r.parent,
            id=arm_id(r.type, r.name, r.inputs),
            property_dependencies=r.propertyDependencies,
        )
        for r in plan.resources
        if r.custom
    ]


def infer_environment(plan: Plan) -> Environment:
    """The stack name when it is dev, staging or prod; else the most common ``environment`` tag."""
    for environment in ENVIRONMENTS:
        if plan.stack == environment:
            return environment
    tags = Counter(
        tag for r in plan.resources if isinstance(tag := (r.inputs.get("tags") or {}).get("environment"), str)
    )
    for tag, _ in tags.most_common():
        for environment in ENVIRONMENTS:
            if tag == environment:
                return environment
    raise UnknownEnvironmentError(
        f"cannot tell which environment stack {plan.stack!r} is (no {'/'.join(ENVIRONMENTS)} stack name or "
        "environment tag); pass --stack-env"
    )


def check_plan(plan: Plan, environment: Environment | None = None) -> list[Finding]:
    """Evaluate every rule over the plan, in ``environment`` or the one the plan says it is; raises
    :class:`UnknownEnvironmentError` naming the known environments for any other name."""
    if environment is not None and environment not in ENVIRONMENTS:
        raise UnknownEnvironmentError(f"unknown environment {environment!r}; known: {', '.join(ENVIRONMENTS)}")
    return evaluate(resources_of(plan), environment or infer_environment(plan))


def as_violations(findings: list[Finding]) -> list[Violation]:
    """Findings in the plan JSON's ``policy.violations`` shape."""
    return [Violation(policy=f.rule, level=f.level, urn=f.urn, message=f.message) for f in findings]


def apply_policy(plan: Plan, environment: Environment | None = None) -> Plan:
    """Record the plan's violations on it (replacing any it carried) and return it."""
    plan.violations = as_violations(check_plan(plan, environment))
    return plan

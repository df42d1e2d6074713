"""The CrossGuard adapter: the same rules as Pulumi policies, for ``pulumi preview --policy-pack policy``.

Only ``policy/__main__.py`` builds the ``PolicyPack`` (building one starts the analyzer's gRPC server). This module
makes the policy objects, so tests can call their ``validate`` with ``ResourceValidationArgs`` built from a plan.

Two differences from the offline plan are bridged here:
- CrossGuard hands a policy plaintext secret values (the engine sends them marked secret, and the SDK unwraps
  them). :func:`install_secret_masking` makes the SDK mask them as ``[secret]`` first, as the plan does, so that the
  plaintext-secret rule sees the same thing in both places.
- A policy's enforcement level is fixed when the pack starts; the per-environment levels come from the pack config
  ``policy/config/<env>.json`` (``pulumi preview --policy-pack policy --policy-pack-config policy/config/prod.json``),
  which also tells each policy its environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, cast

import pulumi_policy
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from azplatform.plan.environments import STRICTEST
from azplatform.policy.model import ENVIRONMENTS, MANDATORY, SECRET, Environment, Level, PolicyRule, Resource, Severity
from azplatform.policy.rules import RULES

_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"

_LEVELS: dict[Level, EnforcementLevel] = {
    "mandatory": EnforcementLevel.MANDATORY,
    "advisory": EnforcementLevel.ADVISORY,
    "disabled": EnforcementLevel.DISABLED,
}
_SEVERITIES: dict[Severity, pulumi_policy.Severity] = {
    Severity.LOW: pulumi_policy.Severity.LOW,
    Severity.MEDIUM: pulumi_policy.Severity.MEDIUM,
    Severity.HIGH: pulumi_policy.Severity.HIGH,
    Severity.CRITICAL: pulumi_policy.Severity.CRITICAL,
}
CONFIG_SCHEMA = PolicyConfigSchema(
    properties={"environment": {"type": "string", "enum": list(ENVIRONMENTS)}},
)


# --- secrets ---------------------------------------------------------------------------------------------


def mask_secrets(value: Any) -> Any:
    """Replace every secret-marked value in gRPC-shaped properties with ``[secret]``."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return SECRET
        return {k: mask_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def install_secret_masking() -> None:
    """Make the policy SDK mask secrets before a policy sees them (it unwraps them to plaintext otherwise)."""
    module = pulumi_policy.policy
    # The analyzer calls the module-level name for every Analyze/AnalyzeStack request (pulumi-policy 1.21).
    original: Callable[..., dict[str, Any]] = module.deserialize_properties  # type: ignore[attr-defined]
    if getattr(original, "_azplatform_masks_secrets", False):
        return

    def deserialize_masked(props: dict[str, Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        return original(mask_secrets(props), *args, **kwargs)

    deserialize_masked._azplatform_masks_secrets = True  # type: ignore[attr-defined]
    module.deserialize_properties = deserialize_masked  # type: ignore[attr-defined]


# --- environment ------------------------------------------------------------------------------------------


def _as_environment(value: Any) -> Environment | None:
    return cast(Environment, value) if value in ENVIRONMENTS else None


def environment_from_process() -> Environment | None:
    """The environment the pack runs for, if the process says: ``AZPLATFORM_ENVIRONMENT``, else the stack name
    (the engine sets ``PULUMI_STACK`` for analyzers)."""
    return _as_environment(os.environ.get("AZPLATFORM_ENVIRONMENT")) or _as_environment(os.environ.get("PULUMI_STACK"))


def environment_of(config: Mapping[str, Any], tags: Mapping[str, Any] | None = None) -> Environment:
    """The environment a validation runs in: the pack config's ``environment``, else the process's, else the
    resource's ``environment`` tag, else prod (the strictest)."""
    return (
        _as_environment(config.get("environment"))
        or environment_from_process()
        or _as_environment((tags or {}).get("environment"))
        or STRICTEST
    )


# --- conversions ------------------------------------------------------------------------------------------


def resource_from_args(args: ResourceValidationArgs) -> Resource:
    """A resource validation's arguments as a rule's :class:`Resource` (props are the SDK's camelCase inputs)."""
    return Resource(
        type=args.resource_type,
        urn=args.urn,
        name=args.name,
        inputs=args.props,
        protect=bool(args.opts.protect),
        parent=args.opts.parent,
    )


def resource_from_stack(resource: PolicyResource) -> Resource:
    """A stack validation's resource (its outputs, which carry the ARM ``id``) as a rule's :class:`Resource`."""
    props = resource.props
    rid = props.get("id") if isinstance(props.get("id"), str) else None
    return Resource(
        type=resource.resource_type,
        urn=resource.urn,
        name=resource.name,
        inputs=props,
        protect=bool(resource.opts.protect),
        parent=resource.parent.urn if resource.parent is not None else None,
        id=rid,
        property_dependencies={k: [d.urn for d in v] for k, v in resource.property_dependencies.items()},
    )


# --- policies ---------------------------------------------------------------------------------------------


def _strictest(rule: PolicyRule) -> Level:
    levels = set(rule.levels.values())
    return MANDATORY if MANDATORY in levels else "advisory" if "advisory" in levels else "disabled"


def _metadata(rule: PolicyRule, environment: Environment | None) -> dict[str, Any]:
    level = rule.level(environment) if environment else _strictest(rule)
    return {
        "name": rule.id,
        "description": rule.description,
        "enforcement_level": _LEVELS[level],
        "config_schema": CONFIG_SCHEMA,
        "severity": _SEVERITIES[rule.severity],
        "framework": PolicyComplianceFramework(name="azplatform", reference=rule.reference),
    }


def resource_policy(rule: PolicyRule, environment: Environment | None = None) -> ResourceValidationPolicy:
    """A ResourceValidationPolicy running ``rule.check`` on each resource of the rule's types."""
    check = rule.check
    if check is None:
        raise ValueError(f"{rule.id} is a stack rule")

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if not rule.applies_to(args.resource_type):
            return
        tags = args.props.get("tags")
        env = environment_of(args.get_config(), tags if isinstance(tags, Mapping) else None)
        for message in check(resource_from_args(args), env):
            report_violation(message, None)

    return ResourceValidationPolicy(validate=validate, **_metadata(rule, environment))


def stack_policy(rule: PolicyRule, environment: Environment | None = None) -> StackValidationPolicy:
    """A StackValidationPolicy running ``rule.stack_check`` over the stack's resources.

    CrossGuard has no per-violation level, so an exempted finding (advisory offline) is not reported here.
    """
    stack_check = rule.stack_check
    if stack_check is None:
        raise ValueError(f"{rule.id} is a resource rule")

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        env = environment_of(args.get_config())
        resources = [resource_from_stack(r) for r in args.resources]
        for problem in stack_check(resources, env):
            if not problem.exempt:
                report_violation(problem.message, problem.urn or None)

    return StackValidationPolicy(validate=validate, **_metadata(rule, environment))


def policies(environment: Environment | None = None) -> list[Policy]:
    """One CrossGuard policy per rule. With no environment, each starts at its strictest level; the pack config
    for the environment sets the real ones."""
    return [
        stack_policy(rule, environment) if rule.is_stack_rule else resource_policy(rule, environment) for rule in RULES
    ]

"""The consumer test kit: test a stack built on azplatform offline, as azplatform tests its own.

Three steps, no Pulumi CLI and no Azure subscription::

    from azplatform.stacks.testkit import check_policy, fake_platform_outputs, render_program

    plan = render_program(
        my_program,                                  # the function your __main__.py runs
        project="team-app",
        stack="dev",
        config={"team-app:image": "myacr.azurecr.io/orders:1.0"},
        platforms={"organization/azplatform/dev": fake_platform_outputs("dev")},
    )
    app = plan.one("azure-native:app:ContainerApp")  # every registered resource, with its inputs
    assert app.inputs["configuration"]["ingress"]["external"] is False
    assert [v for v in check_policy(plan) if v.level == "mandatory"] == []

``render_program`` runs the program under the same recording mocks as ``azplatform plan``; Azure-computed values
(ids, URIs, principal ids) are filled in deterministically. ``platforms`` answers ``PlatformReference`` (and any
``pulumi.StackReference``) reads. ``check_policy`` evaluates azplatform's policy rules (docs/policy-rules.md) on the
plan. See docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from azplatform.plan.environments import ENVIRONMENTS, is_environment, traits
from azplatform.policy.model import Environment, Finding
from azplatform.policy.offline import check_plan
from azplatform.stacks.offline import Plan, render
from azplatform.stacks.offline.harness import InvokeHandler
from azplatform.stacks.reference import example_outputs


def render_program(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    config: Mapping[str, Any] | None = None,
    secret_keys: tuple[str, ...] = (),
    platforms: Mapping[str, Mapping[str, Any]] | None = None,
    invokes: Mapping[str, InvokeHandler] | None = None,
) -> Plan:
    """Run ``program`` as ``pulumi up --stack <stack>`` would, offline, and return its plan.

    ``config`` takes full ``namespace:key`` names (values as in a stack file); ``secret_keys`` marks some of them
    secret. ``platforms`` maps a referenced stack name to its outputs (:func:`fake_platform_outputs`, or the
    ``outputs`` of a platform plan JSON). ``invokes`` adds answers for function calls (token -> handler).
    """
    return render(
        program,
        project=project,
        stack=stack,
        config=dict(config or {}),
        secret_keys=list(secret_keys),
        invokes=invokes,
        stack_references=platforms,
    )


def check_policy(plan: Plan, environment: Environment | None = None) -> list[Finding]:
    """azplatform's policy rules over ``plan``, in ``environment`` (default: the stack name, or the resources'
    ``environment`` tag). Each finding has ``rule``, ``level`` (mandatory or advisory), ``urn`` and ``message``."""
    return check_plan(plan, environment)


def fake_platform_outputs(environment: str = "dev", **overrides: Any) -> dict[str, Any]:
    """Outputs shaped like a real platform stack's, for ``render_program(platforms=...)``: every output of the
    contract with its example value (``stacks.reference.PlatformReference``), ARM-shaped ids in a resource group of
    ``environment``. ``overrides`` replaces outputs by their exported (camelCase) names."""
    if not is_environment(environment):
        raise ValueError(f"environment must be one of {sorted(ENVIRONMENTS)}, not {environment!r}")
    outputs = example_outputs(traits(environment).code)
    unknown = sorted(set(overrides) - set(outputs))
    if unknown:
        raise ValueError(f"unknown platform outputs {unknown}; known: {sorted(outputs)}")
    return {**outputs, **overrides}

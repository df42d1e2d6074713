"""The CrossGuard adapter runs the same rules: its policies are called with pulumi_policy argument objects built
from plan resources (no analyzer server is started)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pulumi_policy
import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from azplatform.policy import crossguard
from azplatform.policy.model import Resource
from azplatform.policy.offline import resources_of
from azplatform.policy.rules import RULES
from azplatform.stacks.offline import Plan
from tests.policy_cases import drop
from tests.test_policy_rules import RESOURCE_RULES, VIOLATIONS, Case, case_id, messages, subject

ROOT = Path(__file__).resolve().parent.parent
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's marker for a value unknown during preview


def options(resource: Resource) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=resource.protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=resource.parent,
    )


def resource_args(resource: Resource, environment: str = "prod") -> ResourceValidationArgs:
    """What the analyzer passes a resource policy: the inputs, behind the SDK's unknown-checking proxy."""
    return ResourceValidationArgs(
        resource_type=resource.type,
        props=unknown_checking_proxy(dict(resource.inputs)),
        urn=resource.urn,
        name=resource.name,
        opts=options(resource),
        provider=None,
        config={"environment": environment},
    )


def validate(policy: ResourceValidationPolicy, args: ResourceValidationArgs) -> list[str]:
    reported: list[str] = []
    policy.validate(args, lambda message, urn=None: reported.append(message))
    return reported


def stack_args(plan: Plan, *, as_outputs: bool = False) -> StackValidationArgs:
    """What the analyzer passes a stack policy. With ``as_outputs``, shape props like a real stack validation:
    outputs carry the ARM id but not input-only path parameters, and no property dependencies are kept."""
    input_only = {"resourceUri", "scope", "privateEndpointName", "clusterName"}
    resources = []
    for r in resources_of(plan):
        props: dict[str, Any] = {**r.inputs, "id": r.id}
        if as_outputs:
            props = {k: v for k, v in props.items() if k not in input_only}
        resources.append(
            PolicyResource(
                resource_type=r.type,
                props=props,
                urn=r.urn,
                name=r.name,
                opts=options(r),
                provider=None,
                parent=None,
                dependencies=[],
                property_dependencies={},
            )
        )
    return StackValidationArgs(resources, config={"environment": "prod"})


def run_stack(policy: StackValidationPolicy, args: StackValidationArgs) -> list[tuple[str, str | None]]:
    reported: list[tuple[str, str | None]] = []
    policy.validate(args, lambda message, urn=None: reported.append((message, urn)))
    return reported


POLICIES = {p.name: p for p in crossguard.policies("prod")}


def test_there_is_one_policy_per_rule_with_its_kind() -> None:
    assert set(POLICIES) == {r.id for r in RULES}
    for rule in RULES:
        expected = StackValidationPolicy if rule.is_stack_rule else ResourceValidationPolicy
        assert isinstance(POLICIES[rule.id], expected)


@pytest.mark.parametrize("case", VIOLATIONS, ids=case_id)
def test_resource_policy_reports_what_the_rule_reports(policy_estate: Plan, case: Case) -> None:
    resource = subject(policy_estate, case)
    policy = POLICIES[case.rule]
    assert isinstance(policy, ResourceValidationPolicy)
    reported = validate(policy, resource_args(resource))
    assert reported == messages(RESOURCE_RULES[case.rule], resource) != []


def test_no_resource_policy_reports_on_the_compliant_estate(policy_estate: Plan) -> None:
    for resource in resources_of(policy_estate):
        for policy in POLICIES.values():
            if isinstance(policy, ResourceValidationPolicy):
                assert validate(policy, resource_args(resource)) == [], (policy.name, resource.name)


@pytest.mark.parametrize("as_outputs", [False, True], ids=["inputs", "outputs"])
def test_stack_policies_pass_on_the_compliant_estate(policy_estate: Plan, as_outputs: bool) -> None:
    args = stack_args(policy_estate, as_outputs=as_outputs)
    for policy in POLICIES.values():
        if isinstance(policy, StackValidationPolicy):
            assert run_stack(policy, args) == [], policy.name


@pytest.mark.parametrize("as_outputs", [False, True], ids=["inputs", "outputs"])
def test_stack_policy_reports_a_removed_diagnostic_setting_at_the_resource(
    policy_estate: Plan, as_outputs: bool
) -> None:
    policy = POLICIES["AZP-STACK-002"]
    assert isinstance(policy, StackValidationPolicy)
    reported = run_stack(policy, stack_args(drop(policy_estate, "kv-diag"), as_outputs=as_outputs))
    assert [(m, (u or "").rsplit("::", 1)[-1]) for m, u in reported] == [("has no diagnostic setting", "kv")]


def test_stack_policy_reports_a_removed_lock_from_outputs(policy_estate: Plan) -> None:
    policy = POLICIES["AZP-STACK-004"]
    assert isinstance(policy, StackValidationPolicy)
    reported = run_stack(policy, stack_args(drop(policy_estate, "cosmos-lock"), as_outputs=True))
    assert [(u or "").rsplit("::", 1)[-1] for _, u in reported] == ["cosmos"]


def test_an_unknown_value_during_preview_is_not_a_violation(policy_estate: Plan) -> None:
    vault = next(r for r in resources_of(policy_estate) if r.name == "kv")
    props = {**vault.inputs, "properties": {**vault.inputs["properties"], "enablePurgeProtection": UNKNOWN}}
    policy = POLICIES["AZP-KV-001"]
    assert isinstance(policy, ResourceValidationPolicy)
    # The SDK turns this into "can't run policy during preview", not a violation.
    with pytest.raises(UnknownValueError):
        validate(policy, resource_args(Resource(**{**vault.__dict__, "inputs": props})))


def test_levels_follow_the_environment() -> None:
    dev = {p.name: p.enforcement_level for p in crossguard.policies("dev")}
    prod = {p.name: p.enforcement_level for p in crossguard.policies("prod")}
    default = {p.name: p.enforcement_level for p in crossguard.policies()}
    assert dev["AZP-WAF-002"] == EnforcementLevel.ADVISORY
    assert dev["AZP-STACK-004"] == EnforcementLevel.DISABLED
    assert prod["AZP-WAF-002"] == EnforcementLevel.MANDATORY
    assert default["AZP-WAF-002"] == default["AZP-STACK-004"] == EnforcementLevel.MANDATORY


def test_environment_comes_from_pack_config_then_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_STACK", raising=False)
    monkeypatch.delenv("AZPLATFORM_ENVIRONMENT", raising=False)
    assert crossguard.environment_of({"environment": "dev"}, {"environment": "prod"}) == "dev"
    assert crossguard.environment_of({}, {"environment": "staging"}) == "staging"
    assert crossguard.environment_of({}, {}) == "prod"
    monkeypatch.setenv("PULUMI_STACK", "staging")
    assert crossguard.environment_of({}, {"environment": "dev"}) == "staging"


def test_secrets_are_masked_before_policies_see_them(monkeypatch: pytest.MonkeyPatch) -> None:
    wire = {
        "name": "db",
        "connectionString": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "pw"},
    }
    assert crossguard.mask_secrets(wire) == {"name": "db", "connectionString": "[secret]"}
    monkeypatch.setattr(pulumi_policy.policy, "deserialize_properties", pulumi_policy.policy.deserialize_properties)
    crossguard.install_secret_masking()
    crossguard.install_secret_masking()  # idempotent
    assert pulumi_policy.policy.deserialize_properties(wire)["connectionString"] == "[secret]"


def test_the_policy_pack_is_built_only_in_main() -> None:
    builders = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "policy").rglob("*.py")
        if re.search(r"\bPolicyPack\(", path.read_text(encoding="utf-8"))
    ]
    assert builders == ["policy/__main__.py"]


def test_pulumi_policy_yaml_names_the_python_runtime_and_the_project_virtualenv() -> None:
    import yaml

    project = yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert project["runtime"]["name"] == "python"
    assert (ROOT / "policy" / project["runtime"]["options"]["virtualenv"]).resolve() == ROOT / ".venv"

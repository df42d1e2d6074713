"""The environment table (azplatform.plan.environments) is the one place environment differences are decided:
config checks, the composition and the policy levels all follow it."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from azplatform.plan import environments
from azplatform.plan.environments import ENVIRONMENT_TABLE, ENVIRONMENTS, Enforcement, EnvironmentTraits, traits
from azplatform.policy import catalog
from azplatform.policy.engine import evaluate
from azplatform.policy.model import PolicyRule, Resource, same_id
from azplatform.policy.offline import resources_of
from azplatform.policy.rules import RULES
from azplatform.stacks import tiers
from azplatform.stacks.config import PlatformConfig
from azplatform.stacks.config_compute import compute_problems
from azplatform.stacks.config_edge import edge_problems
from azplatform.stacks.offline import Plan
from azplatform.stacks.profiles import PROFILES, profile_for

ROOT = Path(__file__).resolve().parent.parent
LOCK = "azure-native:authorization:ManagementLockByScope"


def with_traits(monkeypatch: pytest.MonkeyPatch, environment: str, **changes: Any) -> EnvironmentTraits:
    """Replace one environment's record, for this test only."""
    changed = dataclasses.replace(traits(environment), **changes)
    monkeypatch.setattr(
        environments, "ENVIRONMENT_TABLE", MappingProxyType({**ENVIRONMENT_TABLE, environment: changed})
    )
    return changed


# --- the table and what accepts environments --------------------------------------------------------------------


def test_the_table_covers_exactly_the_environments_config_accepts() -> None:
    accepted = typing.get_args(PlatformConfig.model_fields["environment"].annotation)
    assert set(accepted) == set(ENVIRONMENTS) == set(ENVIRONMENT_TABLE)
    assert all(name == record.name for name, record in ENVIRONMENT_TABLE.items())


def test_each_environment_has_a_profile_and_a_stack_file() -> None:
    assert set(PROFILES) == set(ENVIRONMENTS)
    for record in ENVIRONMENT_TABLE.values():
        assert profile_for(record) == profile_for(record.name) == PROFILES[record.name]
        assert (ROOT / f"Pulumi.{record.name}.yaml").is_file()


def test_every_record_levels_every_policy_category() -> None:
    for record in ENVIRONMENT_TABLE.values():
        assert set(record.policy_levels) == set(Enforcement)
    assert len({record.code for record in ENVIRONMENT_TABLE.values()}) == len(ENVIRONMENT_TABLE)


def test_an_unknown_environment_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="unknown environment 'qa'; known: dev, staging, prod"):
        traits("qa")


# --- composition: protect and lock exactly as the table says ------------------------------------------------------


@pytest.mark.parametrize("stack", ENVIRONMENTS)
def test_composition_protects_and_locks_what_the_table_says(plans: dict[str, Plan], stack: str) -> None:
    plan, record = plans[stack], traits(stack)
    stateful = [r for r in plan.resources if r.type in catalog.STATEFUL]
    assert {r.type for r in stateful} >= {catalog.RESOURCE_GROUP, catalog.LOG_ANALYTICS, catalog.KEY_VAULT}
    protected = [r for r in plan.resources if r.protect]
    if record.protect_stateful:
        assert all(r.protect for r in stateful), [r.name for r in stateful if not r.protect]
    else:
        assert protected == []

    locks = plan.of_type(LOCK)
    lockable = [r for r in resources_of(plan) if r.type in catalog.LOCKED_IN_PROD]
    if record.lock_stateful:
        unlocked = [r.name for r in lockable if not any(same_id(lock.inputs["scope"], r.id) for lock in locks)]
        assert lockable and unlocked == []
    else:
        assert locks == []


# --- config checks follow the table ----------------------------------------------------------------------------


def _app_with_ingress(environment: str, min_replicas: int) -> dict[str, Any]:
    return {"environment": environment, "apps": {"api": {"targetPort": 8080, "minReplicas": min_replicas}}}


def test_the_replica_floor_follows_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    assert traits("prod").min_ingress_replicas == 2
    (problem,) = compute_problems(_app_with_ingress("prod", 1))
    assert problem.path == "apps.api.minReplicas" and "in prod an app with ingress keeps at least 2" in problem.message
    assert compute_problems(_app_with_ingress("staging", 1)) == []

    with_traits(monkeypatch, "staging", min_ingress_replicas=3)
    (problem,) = compute_problems(_app_with_ingress("staging", 2))
    assert problem.message.startswith("is below 3; in staging an app with ingress keeps at least 3 replicas")


def test_waf_detection_follows_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    def detection(environment: str) -> list[str]:
        data = {"environment": environment, "appGateway": {"wafMode": "Detection"}}
        return [p.message for p in edge_problems(data) if p.path == "appGateway.wafMode"]

    assert detection("dev") == []
    assert detection("prod") == [
        "Detection only logs attacks; prod must block them: use Prevention (Detection is allowed in dev only)"
    ]
    with_traits(monkeypatch, "staging", waf_detection_allowed=True)
    assert detection("staging") == []
    assert detection("prod") == [
        "Detection only logs attacks; prod must block them: use Prevention (Detection is allowed in dev and "
        "staging only)"
    ]


# --- policy levels and thresholds follow the table ----------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_level_is_its_category_level_in_the_table(rule: PolicyRule) -> None:
    assert rule.levels == {name: record.level(rule.enforcement) for name, record in ENVIRONMENT_TABLE.items()}


def _rule(rule_id: str) -> PolicyRule:
    return next(rule for rule in RULES if rule.id == rule_id)


def test_a_changed_category_level_changes_the_rule_level(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = _rule("AZP-WAF-002")
    waf = Resource(type=catalog.WAF_POLICY, urn="urn:waf", name="waf", inputs={"policySettings": {"mode": "Detection"}})
    assert rule.enforcement is Enforcement.HARDENING
    assert [f.level for f in evaluate([waf], "dev", [rule])] == ["advisory"]

    dev = traits("dev")
    with_traits(monkeypatch, "dev", policy_levels={**dev.policy_levels, Enforcement.HARDENING: "mandatory"})
    assert rule.level("dev") == "mandatory"
    assert [f.level for f in evaluate([waf], "dev", [rule])] == ["mandatory"]

    with_traits(monkeypatch, "dev", policy_levels={**dev.policy_levels, Enforcement.HARDENING: "disabled"})
    assert evaluate([waf], "dev", [rule]) == []


def test_the_retention_minimum_follows_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = _rule("AZP-LOG-002")
    log = Resource(type=catalog.LOG_ANALYTICS, urn="urn:log", name="log", inputs={"retentionInDays": 60})
    assert evaluate([log], "staging", [rule]) == []
    assert [f.message for f in evaluate([log], "prod", [rule])] == ["retentionInDays is 60; prod keeps at least 90"]
    with_traits(monkeypatch, "staging", log_retention_minimum_days=61)
    assert [f.message for f in evaluate([log], "staging", [rule])] == [
        "retentionInDays is 60; staging keeps at least 61"
    ]


# --- the tiers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", ["foundation", "data", "compute", "edge"])
def test_each_tier_is_one_build_function_over_frozen_dataclasses(tier: str) -> None:
    module = __import__(f"{tiers.__name__}.{tier}", fromlist=["_"])
    builders = [name for name, _ in inspect.getmembers(module, inspect.isfunction) if name.startswith("build_")]
    assert builders == [f"build_{tier}"]
    hints = typing.get_type_hints(getattr(module, f"build_{tier}"))
    assert list(hints)[:2] == ["scope", "config"]
    for name, kind in hints.items():
        if name in ("scope", "config"):
            continue
        assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen, (name, kind)  # type: ignore[attr-defined]

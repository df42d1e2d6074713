"""Budgets as code: each stack's consumption:Budget on its resource group, its config, ARM id and policy."""

from __future__ import annotations

import pytest

from azplatform.components.records import arm_id, computed_outputs
from azplatform.policy.engine import evaluate
from azplatform.policy.offline import resources_of
from azplatform.policy.rules import RULES
from azplatform.stacks.config import deep_merge, load_platform_config
from azplatform.stacks.errors import ConfigError
from azplatform.stacks.offline import Plan
from azplatform.stacks.profiles import PROFILES
from tests.conftest import STACKS, stack_values
from tests.policy_cases import drop

BUDGET = "azure-native:consumption:Budget"


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_has_a_monthly_budget_on_its_resource_group(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    budget = plan.one(BUDGET)
    group = plan.one("azure-native:resources:ResourceGroup")
    action_group = plan.one("azure-native:monitor:ActionGroup")
    inputs = budget.inputs
    assert inputs["scope"] == arm_id(group.type, group.name, group.inputs)
    assert inputs["amount"] == PROFILES[stack]["cost"]["budget"]["amount"]
    assert (inputs["category"], inputs["timeGrain"]) == ("Cost", "Monthly")
    assert inputs["timePeriod"] == {"startDate": "2026-12-01T00:00:00Z"}
    assert budget.options.ignoreChanges == ["timePeriod"]
    notifications = inputs["notifications"]
    assert {(n["thresholdType"], n["threshold"]) for n in notifications.values()} == {
        ("Actual", 80),
        ("Actual", 100),
        ("Forecasted", 100),
    }
    ag_id = arm_id(action_group.type, action_group.name, action_group.inputs)
    assert all(n["contactGroups"] == [ag_id] and n["enabled"] for n in notifications.values())
    assert budget.inputs["budgetName"] == group.inputs["resourceGroupName"].replace("rg-", "budget-", 1)


def test_the_budget_has_an_arm_id_under_its_scope_and_realistic_outputs(prod_plan: Plan) -> None:
    budget = prod_plan.one(BUDGET)
    rid = arm_id(budget.type, budget.name, budget.inputs)
    assert rid == f"{budget.inputs['scope']}/providers/Microsoft.Consumption/budgets/budget-azp-prod-weu"
    outputs = computed_outputs(budget.type, budget.inputs, rid)
    assert outputs["currentSpend"] == {"amount": 0.0, "unit": "USD"} and "forecastSpend" in outputs


@pytest.mark.parametrize(
    ("budget", "path"),
    [
        ({"startDate": "2026-12-15"}, "cost.budget.startDate"),
        ({"amount": 0}, "cost.budget.amount"),
        ({"actualThresholds": [50, 60, 70, 80, 90]}, "cost.budget"),
        ({"forecastThresholds": [100, 100]}, "cost.budget.forecastThresholds"),
    ],
)
def test_bad_budget_settings_are_refused_with_their_key_path(budget: dict[str, object], path: str) -> None:
    values = deep_merge(stack_values("prod"), {"cost": {"budget": budget}})
    with pytest.raises(ConfigError) as error:
        load_platform_config(values, "Pulumi.prod.yaml")
    assert path in {p.path for p in error.value.problems}, str(error.value)


def test_usage_assumptions_are_checked_too() -> None:
    values = deep_merge(stack_values("prod"), {"cost": {"usage": {"appActiveFraction": 2, "nope": 1}}})
    with pytest.raises(ConfigError) as error:
        load_platform_config(values, "Pulumi.prod.yaml")
    assert {"cost.usage.appActiveFraction", "cost.usage.nope"} <= {p.path for p in error.value.problems}


def test_a_stack_can_turn_its_budget_off() -> None:
    values = deep_merge(stack_values("dev"), {"cost": {"budget": None}})
    assert load_platform_config(values, "Pulumi.dev.yaml").cost.budget is None


def _findings(plan: Plan, environment: str, rule: str) -> list[str]:
    rules = [r for r in RULES if r.id == rule]
    return [f"{f.level}: {f.message}" for f in evaluate(resources_of(plan), environment, rules)]  # type: ignore[arg-type]


@pytest.mark.parametrize("stack", STACKS)
def test_the_stacks_pass_the_cost_rules(plans: dict[str, Plan], stack: str) -> None:
    assert [v for v in plans[stack].violations if v.policy.startswith("AZP-COST")] == []


def test_prod_without_a_budget_is_a_mandatory_violation(prod_plan: Plan) -> None:
    unbudgeted = drop(prod_plan, "platform-budget")
    assert _findings(unbudgeted, "prod", "AZP-COST-001") == [
        "mandatory: has no Cost Management budget (consumption:Budget scoped to it)"
    ]
    assert _findings(unbudgeted, "dev", "AZP-COST-001") == []


def test_an_estimate_above_the_budget_is_a_warning(prod_plan: Plan) -> None:
    from tests.policy_cases import edit, setp

    tight = edit(prod_plan, "platform-budget", setp("amount", value=100))
    (finding,) = _findings(tight, "prod", "AZP-COST-002")
    assert finding.startswith("advisory: the monthly estimate is at least $")
    assert "above the budget of $100.00" in finding and "have no price and are not counted" in finding

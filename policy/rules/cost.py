"""Cost rules: every prod stack has a budget on its resource group that notifies someone, and the monthly estimate
stays within it (the estimate is ``components/estimate.py`` with the environment profile's usage assumptions)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from azplatform.plan.environments import Enforcement
from azplatform.policy import catalog
from azplatform.policy.model import (
    Environment,
    Resource,
    Severity,
    StackProblem,
    get,
    items,
    lower,
    mapping,
    same_id,
)
from azplatform.policy.registry import stack_rule

BUDGET = "azure-native:consumption:Budget"


def _scoped_to(budget: Resource, group: Resource) -> bool:
    """By the scope input; else by dependency; else (a CrossGuard stack validation, whose outputs lack the
    input-only scope) by the budget's id, which nests under its scope's."""
    scope = budget.inputs.get("scope")
    if isinstance(scope, str) and scope and group.id:
        return same_id(scope, group.id)
    if group.urn in budget.property_dependencies.get("scope", ()):
        return True
    marker = "/providers/microsoft.consumption/budgets/"
    own = lower(budget.id)
    return bool(group.id) and marker in own and same_id(own.split(marker, 1)[0], group.id)


def _notifies(budget: Resource, kind: str) -> bool:
    return any(
        get(n, "thresholdType") == kind
        and get(n, "enabled") is not False
        and (items(get(n, "contactGroups")) or items(get(n, "contactEmails")))
        for n in mapping(budget.inputs.get("notifications")).values()
    )


@stack_rule(
    id="AZP-COST-001",
    description="The stack's resource group has a Cost Management budget with a positive amount that notifies an "
    "action group or e-mail on actual and on forecast spend.",
    severity=Severity.MEDIUM,
    reference="Microsoft Cloud Adoption Framework, cost management: budgets and alerts per environment; "
    "https://learn.microsoft.com/azure/cost-management-billing/costs/tutorial-acm-create-budgets",
    enforcement=Enforcement.PROTECTION,
)
def budget_on_resource_group(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """Matched by scope: the budget's scope is the resource group's id."""
    budgets = [r for r in resources if r.type == BUDGET]
    for group in (r for r in resources if r.type == catalog.RESOURCE_GROUP):
        mine = [b for b in budgets if _scoped_to(b, group)]
        if not mine:
            yield StackProblem(group.urn, "has no Cost Management budget (consumption:Budget scoped to it)")
            continue
        for budget in mine:
            amount = budget.inputs.get("amount")
            if not isinstance(amount, int | float) or amount <= 0:
                yield StackProblem(budget.urn, f"budget amount {amount!r} is not a positive number")
            missing = [kind for kind in ("Actual", "Forecasted") if not _notifies(budget, kind)]
            if missing:
                yield StackProblem(budget.urn, f"no enabled {' or '.join(missing)} notification with a contact")


@stack_rule(
    id="AZP-COST-002",
    description="The monthly estimate (priced with the default usage assumptions) does not exceed the stack's budget.",
    severity=Severity.LOW,
    reference="FinOps: forecast against budget before deploying; estimate: `azplatform cost` (components/prices.json)",
    enforcement=Enforcement.ADVICE,
)
def estimate_within_budget(resources: Sequence[Resource], environment: Environment) -> Iterator[StackProblem]:
    """The estimate counts priced lines only; unpriced ones (no price for the region) make it a lower bound."""
    budgets = [r for r in resources if r.type == BUDGET and isinstance(r.inputs.get("amount"), int | float)]
    if not budgets:
        return
    # Imported here: only this rule needs the price table. Policy sees the plan, not the stack's config, so the
    # estimate uses the assumptions' defaults (policy cannot import the stacks' profiles).
    from azplatform.components.estimate import PriceTable, PriceTableError, estimate
    from azplatform.components.pricing import UsageAssumptions

    usage = UsageAssumptions()
    try:
        found = estimate(resources, usage, PriceTable.load())
    except PriceTableError as exc:
        yield StackProblem(budgets[0].urn, f"cannot check the budget against an estimate: {exc}")
        return
    lower = " at least" if found.unpriced else ""
    for budget in budgets:
        amount = float(budget.inputs["amount"])
        if found.total > amount:
            yield StackProblem(
                budget.urn,
                f"the monthly estimate is{lower} ${found.total:,.2f}, above the budget of ${amount:,.2f}"
                + (f" ({len(found.unpriced)} charges have no price and are not counted)" if found.unpriced else ""),
            )

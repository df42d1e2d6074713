"""The cost tier: the stack's monthly budget on its resource group, notifying the platform's action group."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from azplatform.components.budget import Budget, BudgetArgs
from azplatform.components.naming import Kind
from azplatform.stacks.config import PlatformConfig
from azplatform.stacks.tiers.scope import TierScope


@dataclass(frozen=True)
class CostInputs:
    """What the budget takes from the tiers before it."""

    resource_group_id: pulumi.Output[str]
    """The budget's scope."""
    action_group_id: pulumi.Output[str]
    """Who its notifications reach."""


def build_cost(scope: TierScope, config: PlatformConfig, inputs: CostInputs) -> Budget | None:
    """The budget (budgets as code), or None when the stack file switches it off (``cost.budget: null``)."""
    if config.cost.budget is None:
        return None
    return Budget(
        scope.child("budget"),
        config.cost.budget.extend(
            BudgetArgs,
            name=scope.namer.name(Kind.RESOURCE_GROUP).replace("rg-", "budget-", 1),
            scope=inputs.resource_group_id,
            action_group_id=inputs.action_group_id,
            contact_emails=config.alerts.emails,
        ),
        opts=scope.opts(),
    )

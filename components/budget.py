"""Budgets as code: an Azure Cost Management budget on a scope (the stack's resource group), notifying an action
group when actual or forecast spend crosses thresholds.

https://learn.microsoft.com/azure/cost-management-billing/costs/tutorial-acm-create-budgets
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Annotated, Self

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, model_validator

from azplatform.components.args import Args, Input

__all__ = ["Budget", "BudgetArgs", "BudgetSettings"]

TYPE_TOKEN = "azplatform:index:Budget"


def _first_of_month(value: str) -> str:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date like 2026-12-01") from None
    if day.day != 1:
        raise ValueError("must be the first day of a month (Azure budgets start on the first)")
    if day < datetime.date(2017, 6, 1):
        raise ValueError("must be on or after 2017-06-01 (Azure's earliest budget start)")
    return value


def _thresholds(value: list[float]) -> list[float]:
    if len(set(value)) != len(value):
        raise ValueError("thresholds must be distinct")
    return sorted(value)


Thresholds = Annotated[list[Annotated[float, Field(gt=0, le=1000)]], AfterValidator(_thresholds)]


class BudgetSettings(Args):
    """What a stack may spend a month, and when to say so."""

    amount: float = Field(gt=0, description="Monthly amount in the billing currency (USD).")
    start_date: Annotated[str, AfterValidator(_first_of_month)] = Field(
        description="First month the budget tracks (YYYY-MM-01). Azure accepts a past start only within the current "
        "month and a future one at most twelve months ahead, so give the month of the first deployment; later "
        "changes are ignored (the budget keeps its start)."
    )
    actual_thresholds: Thresholds = Field(
        default_factory=lambda: [80.0, 100.0],
        description="Percent of the amount actually spent that notifies. Default 80 and 100.",
    )
    forecast_thresholds: Thresholds = Field(
        default_factory=lambda: [100.0],
        description="Percent of the amount the month's forecast reaches that notifies. Default 100.",
    )

    @model_validator(mode="after")
    def _at_most_five(self) -> Self:
        # Azure allows at most five notifications per budget.
        if len(self.actual_thresholds) + len(self.forecast_thresholds) > 5:
            raise ValueError("a budget takes at most five notifications (actual plus forecast thresholds)")
        return self


class BudgetArgs(BudgetSettings):
    """Arguments for :class:`Budget`: the settings plus the scope and whom to notify."""

    name: str = Field(min_length=1, max_length=63, description="Budget name, unique within the scope.")
    scope: Input[str] = Field(description="ARM id of the scope, for example the resource group's id.")
    action_group_id: Input[str] = Field(description="Action group notified (contact group).")
    contact_emails: Sequence[str] = Field(default=(), description="E-mail addresses also notified. Default: none.")


class Budget(pulumi.ComponentResource):
    """A monthly cost budget with actual and forecast notifications to an action group."""

    id: pulumi.Output[str]

    def __init__(self, name: str, args: BudgetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        consumption = azure_native.consumption
        notifications: dict[str, consumption.NotificationArgs] = {}
        for kind, thresholds in (("Actual", args.actual_thresholds), ("Forecasted", args.forecast_thresholds)):
            for threshold in thresholds:
                notifications[f"{kind.lower()}{threshold:g}".replace(".", "_")] = consumption.NotificationArgs(
                    enabled=True,
                    operator="GreaterThan",
                    threshold=threshold,
                    threshold_type=kind,
                    contact_groups=[args.action_group_id],
                    contact_emails=list(args.contact_emails),
                )
        self.budget = consumption.Budget(
            name,
            budget_name=args.name,
            scope=args.scope,
            amount=args.amount,
            category="Cost",
            time_grain="Monthly",
            time_period=consumption.BudgetTimePeriodArgs(start_date=f"{args.start_date}T00:00:00Z"),
            notifications=notifications,
            # Azure refuses to move an existing budget's start into the past; the start is a creation-time choice.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["timePeriod"]),
        )
        self.id = self.budget.id
        self.register_outputs({"id": self.id})

"""Alerting: an action group that routes alerts, and static-threshold metric alerts on any resource."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, TypeAdapter, model_validator

from azplatform.components.args import Args
from azplatform.components.interfaces import CommonArgs, apply_interfaces
from azplatform.components.naming import Kind, name_check

TYPE_TOKEN = "azplatform:index:ActionGroup"

monitor = azure_native.monitor


# Metric alert severities run from 0 (critical) to 4 (verbose).
# https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-overview#alert-severity
Severity = Annotated[int, Field(ge=0, le=4)]
_SEVERITY: TypeAdapter[int] = TypeAdapter(Severity)


class Dimension(Args):
    """Restrict a metric alert to some values of one metric dimension (for example StatusCode = 429)."""

    name: str = Field(min_length=1, description="Dimension name, for example StatusCode.")
    values: list[str] = Field(min_length=1, description="Dimension values to include (or exclude), for example 429.")
    operator: Literal["Include", "Exclude"] = Field(
        default="Include", description="Include or Exclude. Default Include."
    )


def metric_alert(
    owner: pulumi.Resource,
    owner_name: str,
    *,
    resource_group_name: pulumi.Input[str],
    scope_id: pulumi.Input[str],
    metric_namespace: str,
    metric_name: str,
    aggregation: str,
    operator: str,
    threshold: float,
    window_size: str,
    evaluation_frequency: str,
    severity: int,
    description: str,
    action_group_id: pulumi.Input[str],
    dimensions: Sequence[Dimension] = (),
    tags: Mapping[str, str] | None = None,
) -> monitor.MetricAlert:
    """A static-threshold alert on one metric of one resource, notifying ``action_group_id``.

    Metric alert rules are global resources (location ``global``); the window must be at least the metric's
    time grain. https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-metric-create-templates
    """
    severity = _SEVERITY.validate_python(severity)
    return monitor.MetricAlert(
        f"{owner_name}-alert",
        rule_name=f"alert-{owner_name}",
        resource_group_name=resource_group_name,
        location="global",
        description=description,
        severity=severity,
        enabled=True,
        scopes=[scope_id],
        evaluation_frequency=evaluation_frequency,
        window_size=window_size,
        auto_mitigate=True,
        criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
            odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            all_of=[
                monitor.MetricCriteriaArgs(
                    criterion_type="StaticThresholdCriterion",
                    name=metric_name,
                    metric_namespace=metric_namespace,
                    metric_name=metric_name,
                    time_aggregation=aggregation,
                    operator=operator,
                    threshold=threshold,
                    dimensions=[
                        monitor.MetricDimensionArgs(name=d.name, operator=d.operator, values=list(d.values))
                        for d in dimensions
                    ]
                    or None,
                )
            ],
        ),
        actions=[monitor.MetricAlertActionArgs(action_group_id=action_group_id)],
        tags=dict(tags or {}),
        opts=pulumi.ResourceOptions(parent=owner),
    )


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError("not an e-mail address")
    return value


class ActionGroupSettings(Args):
    """What a user chooses about an action group: who is notified (the stack file's ``alerts.emails``)."""

    emails: list[Annotated[str, AfterValidator(_email)]] = Field(
        default_factory=list,
        description="E-mail receivers (common alert schema). Default: none, so alerts fire and are visible in Azure "
        "Monitor but notify nobody until receivers are configured.",
    )


class ActionGroupArgs(ActionGroupSettings, CommonArgs):
    """Arguments for :class:`ActionGroup`: its receivers plus name, placement, tags, lock and role assignments."""

    name: Annotated[str, AfterValidator(name_check(Kind.ACTION_GROUP))] = Field(
        description="Action group name (CAF ag-...; 1-260 characters, none of %&\\?/)."
    )
    # The SMS and e-mail sender name: groupShortName, at most 12 characters.
    # https://learn.microsoft.com/azure/azure-monitor/alerts/action-groups#create-an-action-group-in-the-azure-portal
    short_name: str = Field(
        min_length=1, max_length=12, description="Short name shown in SMS and e-mail, 1-12 characters."
    )
    location: Literal["global"] = Field(
        default="global", description="Action groups are global resources: always global."
    )

    @model_validator(mode="after")
    def _no_diagnostics(self) -> ActionGroupArgs:
        if self.diagnostic_settings:
            raise ValueError("diagnostic_settings: an action group emits no logs or metrics to send")
        return self


class ActionGroup(pulumi.ComponentResource):
    """An Azure Monitor action group: where the platform's alerts are sent."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: ActionGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.group = monitor.ActionGroup(
            name,
            action_group_name=args.name,
            group_short_name=args.short_name,
            resource_group_name=args.resource_group_name,
            # Action groups are global resources.
            location="Global",
            enabled=True,
            email_receivers=[
                monitor.MicrosoftCommonEmailReceiverArgs(
                    name=f"email-{index}", email_address=address, use_common_alert_schema=True
                )
                for index, address in enumerate(args.emails)
            ],
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.group,
            azure_name=args.name,
            lock_notes="The action group routes the platform's alerts",
        )
        self.id = self.group.id
        self.name = self.group.name
        self.register_outputs({"id": self.id})


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "ActionGroup": """
from azplatform.components import ActionGroup, ActionGroupArgs

ActionGroup("alerts", ActionGroupArgs(
    name="ag-shop-dev", short_name="shop-dev", resource_group_name=RG, emails=["oncall@example.com"],
))
""",
}

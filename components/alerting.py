"""Alerting: an action group that routes alerts, and static-threshold metric alerts on any resource."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native

TYPE_TOKEN = "azplatform:index:ActionGroup"

monitor = azure_native.monitor


@dataclass(frozen=True)
class Dimension:
    """Restrict a metric alert to some values of one metric dimension (for example StatusCode = 429)."""

    name: str
    """Dimension name, for example StatusCode."""
    values: Sequence[str]
    """Dimension values to include (or exclude), for example 429."""
    operator: str = "Include"
    """Include or Exclude. Default Include."""


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


@dataclass(frozen=True, kw_only=True)
class ActionGroupArgs:
    """Arguments for :class:`ActionGroup`."""

    name: str
    """Action group name (CAF: ag-...)."""
    short_name: str
    """Short name shown in SMS and e-mail, at most 12 characters."""
    resource_group_name: pulumi.Input[str]
    """Resource group."""
    emails: Sequence[str] = ()
    """E-mail receivers (common alert schema). Default: none, so alerts fire and are visible in Azure Monitor but
    notify nobody until receivers are configured."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class ActionGroup(pulumi.ComponentResource):
    """An Azure Monitor action group: where the platform's alerts are sent."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: ActionGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        if not 1 <= len(args.short_name) <= 12:
            raise ValueError(f"action group short name {args.short_name!r} must be 1-12 characters")
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
        self.id = self.group.id
        self.name = self.group.name
        self.register_outputs({"id": self.id})

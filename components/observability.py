"""Log Analytics, workspace-based Application Insights, and diagnostic settings for any resource."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.common import CommonArgs
from azplatform.components.protection import cannot_delete_lock
from azplatform.components.replacements import replace_on_changes

TYPE_TOKEN = "azplatform:index:Observability"


def diagnostic_setting(
    owner: pulumi.Resource,
    owner_name: str,
    resource_id: pulumi.Input[str],
    workspace_id: pulumi.Input[str],
    *,
    logs: bool = True,
    metrics: bool = True,
    name: str = "diag-to-log-analytics",
) -> azure_native.monitor.DiagnosticSetting:
    """Send a resource's logs (the ``allLogs`` category group) and metrics (``AllMetrics``) to Log Analytics.

    Some resource types have no logs (a private DNS zone) or no metrics (an NSG); say so with ``logs`` or
    ``metrics`` and the setting asks only for what exists, as Azure rejects unknown categories.
    """
    return azure_native.monitor.DiagnosticSetting(
        f"{owner_name}-diag",
        name=name,
        resource_uri=resource_id,
        workspace_id=workspace_id,
        logs=[azure_native.monitor.DiagnosticsLogSettingsArgs(category_group="allLogs", enabled=True)]
        if logs
        else None,
        metrics=[azure_native.monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)]
        if metrics
        else None,
        opts=pulumi.ResourceOptions(parent=owner),
    )


@dataclass(frozen=True, kw_only=True)
class ObservabilityArgs(CommonArgs):
    """Arguments for :class:`Observability`."""

    workspace_name: str
    """Log Analytics workspace name (CAF: log-...)."""
    app_insights_name: str
    """Application Insights name (CAF: appi-...)."""
    retention_days: int = 30
    """Workspace retention in days, 30-730 on PerGB2018. Default 30."""
    daily_quota_gb: float | None = None
    """Daily ingestion cap in GB. Default: uncapped."""


class Observability(pulumi.ComponentResource):
    """A Log Analytics workspace and a workspace-based Application Insights, both with local auth off.

    ``attach(name, resource)`` gives any other resource a diagnostic setting into the workspace.
    """

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    workspace_id: pulumi.Output[str]
    app_insights_id: pulumi.Output[str]
    app_insights_connection_string: pulumi.Output[str]

    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.workspace = azure_native.operationalinsights.Workspace(
            f"{name}-log",
            workspace_name=args.workspace_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=azure_native.operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
            retention_in_days=args.retention_days,
            workspace_capping=azure_native.operationalinsights.WorkspaceCappingArgs(daily_quota_gb=args.daily_quota_gb)
            if args.daily_quota_gb
            else None,
            # Entra-only ingestion and queries: no shared workspace keys.
            features=azure_native.operationalinsights.WorkspaceFeaturesArgs(
                disable_local_auth=True, enable_log_access_using_only_resource_permissions=True
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                replace_on_changes=replace_on_changes("azure-native:operationalinsights:Workspace"),
            ),
        )
        self.app_insights = azure_native.applicationinsights.Component(
            f"{name}-appi",
            resource_name_=args.app_insights_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind="web",
            application_type=azure_native.applicationinsights.ApplicationType.WEB,
            workspace_resource_id=self.workspace.id,
            ingestion_mode=azure_native.applicationinsights.IngestionMode.LOG_ANALYTICS,
            disable_local_auth=True,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        if args.lock:
            cannot_delete_lock(self, f"{name}-log", self.workspace, "Log Analytics holds the platform's audit trail")
        # The workspace's own audit logs and metrics go to itself; App Insights' too.
        diagnostic_setting(self, f"{name}-log", self.workspace.id, self.workspace.id)
        diagnostic_setting(self, f"{name}-appi", self.app_insights.id, self.workspace.id)

        self.id = self.workspace.id
        self.name = self.workspace.name
        self.workspace_id = self.workspace.id
        self.app_insights_id = self.app_insights.id
        self.app_insights_connection_string = pulumi.Output.secret(self.app_insights.connection_string)
        self._name = name
        self.register_outputs({"workspaceId": self.workspace_id, "appInsightsId": self.app_insights_id})

    def attach(
        self,
        owner: pulumi.Resource,
        owner_name: str,
        resource_id: pulumi.Input[str],
        *,
        logs: bool = True,
        metrics: bool = True,
    ) -> azure_native.monitor.DiagnosticSetting:
        """Attach a diagnostic setting (all logs and metrics) from ``resource_id`` to this workspace."""
        return diagnostic_setting(owner, owner_name, resource_id, self.workspace_id, logs=logs, metrics=metrics)

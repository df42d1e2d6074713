"""Log Analytics, workspace-based Application Insights, and diagnostic settings for any resource."""

from __future__ import annotations

from typing import Annotated

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, model_validator

from azplatform.components.args import Args
from azplatform.components.interfaces import CommonArgs, DiagnosticSettings, apply_interfaces
from azplatform.components.naming import Kind, name_check
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


def diagnostics_only(args: CommonArgs) -> CommonArgs:
    """``args`` reduced to placement and diagnostic settings: for a component's secondary resources (a database, an
    NSG), which get the main resource's diagnostics but not its lock, role assignments or endpoints."""
    return CommonArgs(
        resource_group_name=args.resource_group_name,
        location=args.location,
        diagnostic_settings=args.diagnostic_settings,
    )


_OWN_SETTING = DiagnosticSettings.model_fields["name"].default


class ObservabilitySettings(Args):
    """What a user chooses about Log Analytics and Application Insights (the stack file's ``observability``)."""

    # PerGB2018 keeps data 30-730 days.
    # https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure
    retention_days: int = Field(
        default=30,
        ge=30,
        le=730,
        description="Log Analytics retention in days (PerGB2018 allows 30-730). Default 30.",
    )
    daily_quota_gb: float | None = Field(
        default=None, gt=0, description="Daily ingestion cap in GB; none means uncapped. Default: none."
    )


class ObservabilityArgs(ObservabilitySettings, CommonArgs):
    """Arguments for :class:`Observability`: its settings plus names, placement and the shared interfaces.

    The workspace and App Insights always send their own logs and metrics to the workspace (a setting named
    ``diag-to-log-analytics``); ``diagnostic_settings`` adds further destinations, for example a central workspace.
    """

    workspace_name: Annotated[str, AfterValidator(name_check(Kind.LOG_ANALYTICS))] = Field(
        description="Log Analytics workspace name (CAF log-...; 4-63 letters, digits, hyphens)."
    )
    app_insights_name: Annotated[str, AfterValidator(name_check(Kind.APP_INSIGHTS))] = Field(
        description="Application Insights name (CAF appi-...)."
    )

    @model_validator(mode="after")
    def _own_setting_name_is_taken(self) -> ObservabilityArgs:
        if any(setting.name == _OWN_SETTING for setting in self.diagnostic_settings):
            raise ValueError(
                f"diagnostic_settings: {_OWN_SETTING} is the workspace's own setting (into itself); give further "
                "destinations another name"
            )
        return self


class Observability(pulumi.ComponentResource):
    """A Log Analytics workspace and a workspace-based Application Insights, both with local auth off.

    Other components send their logs and metrics here with ``diagnostic_settings=[DiagnosticSettings(
    workspace_id=observability.workspace_id)]``.
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
        # The workspace's own audit logs and metrics go to itself, and App Insights' too, besides any destination
        # args name; the lock and role assignments are the workspace's.
        own = CommonArgs.model_validate(
            {
                **{key: value for key, value in dict(args).items() if key in CommonArgs.model_fields},
                "diagnostic_settings": [DiagnosticSettings(workspace_id=self.workspace.id), *args.diagnostic_settings],
            }
        )
        self.interfaces = apply_interfaces(
            self,
            f"{name}-log",
            own,
            self.workspace,
            azure_name=args.workspace_name,
            lock_notes="Log Analytics holds the platform's audit trail",
        )
        apply_interfaces(
            self,
            f"{name}-appi",
            diagnostics_only(own),
            self.app_insights,
            azure_name=args.app_insights_name,
            lock_notes="",
        )

        self.id = self.workspace.id
        self.name = self.workspace.name
        self.workspace_id = self.workspace.id
        self.app_insights_id = self.app_insights.id
        self.app_insights_connection_string = pulumi.Output.secret(self.app_insights.connection_string)
        self._name = name
        self.register_outputs({"workspaceId": self.workspace_id, "appInsightsId": self.app_insights_id})


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "Observability": """
from azplatform.components import Observability, ObservabilityArgs

observability = Observability("obs", ObservabilityArgs(
    resource_group_name=RG, location="westeurope",
    workspace_name="log-shop-dev-weu", app_insights_name="appi-shop-dev-weu", retention_days=30,
))
""",
}

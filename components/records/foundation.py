"""Resource groups, identities, RBAC, locks and monitoring: the types every tier uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azplatform.components.records.billing import (
    DAYS_PER_MONTH,
    Charge,
    Free,
    Meter,
    Priced,
    Related,
    UsageAssumptions,
    fmt,
    get,
    num,
    sku_name,
)
from azplatform.components.records.model import Immutable, Prerequisite, Telemetry, Tier, TypeRecord
from azplatform.components.records.offline import TENANT_ID, digest, stable_guid
from azplatform.components.records.sources import ARM_MOVE, QUICK

RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
LOCK = "azure-native:authorization:ManagementLockByScope"
WORKSPACE = "azure-native:operationalinsights:Workspace"
APP_INSIGHTS = "azure-native:applicationinsights:Component"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
ACTION_GROUP = "azure-native:monitor:ActionGroup"
METRIC_ALERT = "azure-native:monitor:MetricAlert"
BUDGET = "azure-native:consumption:Budget"
SYSTEM_TOPIC = "azure-native:eventgrid:SystemTopic"
SYSTEM_TOPIC_SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription"


def identity_outputs(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    """A managed identity's principal and client ids (also what Azure answers for each user-assigned identity a
    resource lists)."""
    return {"principalId": stable_guid(rid), "clientId": stable_guid(rid + "client"), "tenantId": TENANT_ID}


def _budget(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    # Nothing spent yet on a new budget; Azure fills both in as costs accrue.
    return {
        "currentSpend": {"amount": 0.0, "unit": "USD"},
        "forecastSpend": {"amount": 0.0, "unit": "USD"},
        "eTag": digest(rid)[:16],
    }


def _workspace(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"customerId": digest(rid)[:32]}


def _app_insights(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    key = digest(rid)
    ikey = f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:32]}"
    return {
        "instrumentationKey": ikey,
        "connectionString": f"InstrumentationKey={ikey};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
    }


_INCLUDED_RETENTION_DAYS = 31


def _price_workspace(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = sku_name(inputs) or "PerGB2018"
    if sku != "PerGB2018":
        raise ValueError(f"Log Analytics SKU {sku!r} has no price entry (priced: PerGB2018)")
    daily = usage.log_ingestion_gb_per_day
    cap = num(get(inputs, "workspaceCapping", "dailyQuotaGb"), -1)
    capped = f" (capped at the daily quota {fmt(cap)} GB)" if 0 < cap < daily else ""
    if capped:
        daily = cap
    charges = [
        Charge(
            "la.ingestion",
            "analytics logs ingestion",
            daily * DAYS_PER_MONTH,
            f"{fmt(daily)} GB/day{capped} x 30.42 days",
            "usage",
            ("logIngestionGbPerDay",),
        )
    ]
    retention = num(inputs.get("retentionInDays"), _INCLUDED_RETENTION_DAYS)
    if retention > _INCLUDED_RETENTION_DAYS:
        extra = retention - _INCLUDED_RETENTION_DAYS
        charges.append(
            Charge(
                "la.retention",
                f"retention past the included {_INCLUDED_RETENTION_DAYS} days",
                daily * extra,
                f"{fmt(daily)} GB/day x {fmt(extra)} days retained beyond {_INCLUDED_RETENTION_DAYS} (steady state)",
                "usage",
                ("logIngestionGbPerDay",),
            )
        )
    return charges


_WORKSPACE_COST = Priced(
    (
        Meter(
            "la.ingestion", "Log Analytics", "Log Analytics", "Analytics Logs", "Analytics Logs Data Ingestion", "1 GB"
        ),
        Meter(
            "la.retention",
            "Log Analytics",
            "Log Analytics",
            "Analytics Logs",
            "Analytics Logs Data Retention",
            "1 GB/Month",
        ),
    ),
    _price_workspace,
)


def _price_metric_alert(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    criteria = get(inputs, "criteria", "allOf")
    series = 0
    for criterion in criteria if isinstance(criteria, list) else []:
        dims = criterion.get("dimensions") if isinstance(criterion, Mapping) else None
        count = 1
        for dim in dims if isinstance(dims, list) else []:
            values = dim.get("values") if isinstance(dim, Mapping) else None
            count *= max(len(values), 1) if isinstance(values, list) and "*" not in values else 1
        series += count
    scopes = inputs.get("scopes")
    series *= max(len(scopes), 1) if isinstance(scopes, list) else 1
    return [
        Charge(
            "monitor.metric_alert",
            "monitored metric time series",
            series,
            f"{series} time series x 1 month",
            "fixed",
        )
    ]


_METRIC_ALERT_COST = Priced(
    (Meter("monitor.metric_alert", "Azure Monitor", "Azure Monitor", "Alerts", "Alerts Metric Monitored", "1/Month"),),
    _price_metric_alert,
)


ORDER = 10
"""Where these records come in :data:`~azplatform.components.records.RECORDS` (lower first)."""

RECORDS = (
    TypeRecord(
        token=RESOURCE_GROUP,
        cost=Free("no charge"),
        label="resource group",
        tier=Tier.PLUMBING,
        arm_id="/subscriptions/{subscription}/resourceGroups/{resourceGroupName}",
        parent=None,
        stateful=True,  # deleting it deletes everything in it
        taggable=True,
        telemetry=Telemetry.NONE,
        create_minutes=0.1,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
    ),
    TypeRecord(
        token=IDENTITY,
        cost=Free("no charge"),
        label="Managed identity",
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.NONE,
        create_minutes=0.2,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
        computed=identity_outputs,
    ),
    TypeRecord(
        token=ROLE_ASSIGNMENT,
        cost=Free("no charge"),
        label="Role assignment",
        tier=Tier.PLUMBING,
        arm_id="{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
        parent=None,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        create_minutes=0.2,
        create_time_basis="estimate",
        create_time_source=QUICK,
        create_time_note="the create returns in seconds; propagation to data planes takes longer",
        prerequisites=(
            Prerequisite("*", "an assignment is an extension of its scope", via="scope"),
            Prerequisite("*", "the principal must exist in Entra ID", via="principalId"),
        ),
        immutable=(
            Immutable(
                "principalId",
                "ARM rejects it: 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated' "
                "(RoleAssignmentUpdateNotPermitted)",
                "https://github.com/jetbrains/teamcity-azure-template/issues/10",
            ),
        ),
    ),
    TypeRecord(
        token=LOCK,
        cost=Free("no charge"),
        label="Management lock",
        tier=Tier.PLUMBING,
        arm_id="{scope}/providers/Microsoft.Authorization/locks/{lockName}",
        parent=None,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        create_minutes=0.1,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(Prerequisite("*", "a lock is an extension of its scope", via="scope"),),
    ),
    TypeRecord(
        token=WORKSPACE,
        cost=_WORKSPACE_COST,
        label="Log Analytics workspace",
        tier=Tier.OBSERVABILITY,
        arm_id="{rg}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}",
        parent=None,
        stateful=True,  # the audit trail
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=0.5,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
        immutable=(Immutable("location", "a Log Analytics workspace cannot move between regions", ARM_MOVE),),
        computed=_workspace,
    ),
    TypeRecord(
        token=APP_INSIGHTS,
        cost=Free("workspace-based: its telemetry is Log Analytics ingestion (cost.usage.logIngestionGbPerDay)"),
        label="Application Insights",
        tier=Tier.OBSERVABILITY,
        arm_id="{rg}/providers/Microsoft.Insights/components/{resourceName}",
        parent=None,
        stateful=False,  # its telemetry lives in the workspace
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=0.3,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(Prerequisite(WORKSPACE, "a workspace-based component references an existing workspace"),),
        computed=_app_insights,
    ),
    TypeRecord(
        token=DIAGNOSTIC_SETTING,
        cost=Free("no charge: the logs it sends are Log Analytics ingestion"),
        label="Diagnostic setting",
        tier=Tier.PLUMBING,
        arm_id="{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}",
        parent=None,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        create_minutes=0.1,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite("*", "a setting is an extension of its target", via="resourceUri"),
            Prerequisite(WORKSPACE, "the destination workspace must exist", via="workspaceId"),
        ),
    ),
    TypeRecord(
        token=ACTION_GROUP,
        cost=Free("e-mail notifications (the platform's only receivers) are free up to 1,000 a month"),
        label="Action group",
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.Insights/actionGroups/{actionGroupName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.NONE,
        create_minutes=0.2,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
    ),
    TypeRecord(
        token=SYSTEM_TOPIC,
        cost=Free(
            "Event Grid's first 100,000 operations a month are free, and a vault's near-expiry events are a handful"
        ),
        label="Event Grid system topic",
        tier=Tier.PLUMBING,
        # https://learn.microsoft.com/azure/templates/microsoft.eventgrid/systemtopics
        arm_id="{rg}/providers/Microsoft.EventGrid/systemTopics/{systemTopicName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.METRICS,
        create_minutes=0.5,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite("azure-native:keyvault:Vault", "a system topic publishes its source's events", via="source"),
        ),
        # A system topic's source and type are fixed at creation: another source is another topic.
        immutable=(
            Immutable(
                "source",
                "a system topic's source cannot change",
                "https://learn.microsoft.com/azure/event-grid/system-topics",
            ),
            Immutable(
                "topicType",
                "a system topic's type cannot change",
                "https://learn.microsoft.com/azure/event-grid/system-topics",
            ),
        ),
    ),
    TypeRecord(
        token=SYSTEM_TOPIC_SUBSCRIPTION,
        cost=Free("priced with the system topic's operations"),
        label="Event Grid subscription",
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.EventGrid/systemTopics/{systemTopicName}/eventSubscriptions/{eventSubscriptionName}",
        parent=SYSTEM_TOPIC,
        stateful=False,
        taggable=False,  # the SDK's SystemTopicEventSubscriptionArgs has no tags
        telemetry=Telemetry.NONE,
        create_minutes=0.3,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite(SYSTEM_TOPIC, "a subscription lives in its topic", via="systemTopicName"),
            Prerequisite(ACTION_GROUP, "its alert notifies the action group", via="destination"),
        ),
    ),
    TypeRecord(
        token=BUDGET,
        cost=Free("no charge"),
        label="Budget",
        tier=Tier.PLUMBING,
        # An extension resource of its scope (the stack's resource group).
        # https://learn.microsoft.com/rest/api/consumption/budgets/create-or-update
        arm_id="{scope}/providers/Microsoft.Consumption/budgets/{budgetName}",
        parent=None,
        stateful=False,
        taggable=False,  # the Budget API has no tags property (see the SDK's BudgetArgs)
        telemetry=Telemetry.NONE,
        create_minutes=0.1,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite("*", "a budget is an extension of its scope", via="scope"),
            Prerequisite(ACTION_GROUP, "its notifications name the action group", via="notifications"),
        ),
        computed=_budget,
    ),
    TypeRecord(
        token=METRIC_ALERT,
        cost=_METRIC_ALERT_COST,
        label="Metric alert",
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.Insights/metricAlerts/{ruleName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.NONE,
        create_minutes=0.3,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite("*", "an alert watches existing resources", via="scopes"),
            Prerequisite(ACTION_GROUP, "the alert notifies an existing group"),
        ),
    ),
)

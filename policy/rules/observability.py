"""Observability rules: Log Analytics and Application Insights."""

from __future__ import annotations

from collections.abc import Iterator

from azplatform.plan.environments import traits
from azplatform.policy import catalog
from azplatform.policy.model import Enforcement, Environment, Resource, Severity, get
from azplatform.policy.registry import resource_rule


@resource_rule(
    id="AZP-LOG-001",
    description="Log Analytics accepts only Entra-authenticated ingestion and queries (local auth off).",
    severity=Severity.HIGH,
    reference="MCSB IM-1; Azure Policy: Log Analytics Workspaces should block non-Azure Active Directory based "
    "ingestion",
    enforcement=Enforcement.BASELINE,
    types=(catalog.LOG_ANALYTICS,),
)
def workspace_local_auth_off(resource: Resource, _: Environment) -> Iterator[str]:
    """Shared workspace keys would let anyone holding them write into (and poison) the audit trail."""
    if get(resource.inputs, "features", "disableLocalAuth") is not True:
        yield "features.disableLocalAuth is not true"


@resource_rule(
    id="AZP-LOG-002",
    description=f"Log Analytics keeps logs at least {traits('prod').log_retention_minimum_days} days in prod and "
    f"{traits('dev').log_retention_minimum_days} days elsewhere.",
    severity=Severity.MEDIUM,
    reference="MCSB LT-6 (configure log storage retention)",
    enforcement=Enforcement.BASELINE,
    types=(catalog.LOG_ANALYTICS,),
)
def workspace_retention(resource: Resource, environment: Environment) -> Iterator[str]:
    """retentionInDays at or above the environment's minimum (its record's ``log_retention_minimum_days``)."""
    days = resource.inputs.get("retentionInDays")
    minimum = traits(environment).log_retention_minimum_days
    if not isinstance(days, int | float) or days < minimum:
        yield f"retentionInDays is {days!r}; {environment} keeps at least {minimum}"


@resource_rule(
    id="AZP-APPI-001",
    description="Application Insights accepts only Entra-authenticated telemetry (local auth off).",
    severity=Severity.MEDIUM,
    reference="MCSB IM-1; Azure Policy: Application Insights components should block non-Azure Active Directory "
    "based ingestion",
    enforcement=Enforcement.BASELINE,
    types=(catalog.APP_INSIGHTS,),
)
def app_insights_local_auth_off(resource: Resource, _: Environment) -> Iterator[str]:
    """The instrumentation key alone would let anyone send telemetry."""
    if resource.inputs.get("disableLocalAuth") is not True:
        yield "disableLocalAuth is not true"


@resource_rule(
    id="AZP-APPI-002",
    description="Application Insights is workspace-based (its data lands in the platform's Log Analytics).",
    severity=Severity.MEDIUM,
    reference="MCSB LT-5 (centralize security log management); Azure Policy: Application Insights components "
    "should be linked to a Log Analytics workspace",
    enforcement=Enforcement.BASELINE,
    types=(catalog.APP_INSIGHTS,),
)
def app_insights_workspace_based(resource: Resource, _: Environment) -> Iterator[str]:
    """Classic (non-workspace) Application Insights was retired in February 2024."""
    if not resource.inputs.get("workspaceResourceId"):
        yield "workspaceResourceId is not set"

"""Observability rules: Log Analytics and Application Insights."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from azplatform.policy import catalog
from azplatform.policy.model import EVERYWHERE, Environment, Resource, Severity, get
from azplatform.policy.registry import resource_rule


@resource_rule(
    id="AZP-LOG-001",
    description="Log Analytics accepts only Entra-authenticated ingestion and queries (local auth off).",
    severity=Severity.HIGH,
    reference="MCSB IM-1; Azure Policy: Log Analytics Workspaces should block non-Azure Active Directory based "
    "ingestion",
    levels=EVERYWHERE,
    types=(catalog.LOG_ANALYTICS,),
)
def workspace_local_auth_off(resource: Resource, _: Environment) -> Iterator[str]:
    """Shared workspace keys would let anyone holding them write into (and poison) the audit trail."""
    if get(resource.inputs, "features", "disableLocalAuth") is not True:
        yield "features.disableLocalAuth is not true"


# Minimum retention per environment. prod keeps 90 days (MCSB LT-6 leaves the period to the organisation; 90 days
# covers a quarter's investigations and is what the prod profile sets); dev and staging keep at least the 30 days
# the PerGB2018 SKU allows as its floor.
RETENTION_MINIMUM_DAYS: Mapping[Environment, int] = {"dev": 30, "staging": 30, "prod": 90}


@resource_rule(
    id="AZP-LOG-002",
    description="Log Analytics keeps logs at least 90 days in prod and 30 days elsewhere.",
    severity=Severity.MEDIUM,
    reference="MCSB LT-6 (configure log storage retention)",
    levels=EVERYWHERE,
    types=(catalog.LOG_ANALYTICS,),
)
def workspace_retention(resource: Resource, environment: Environment) -> Iterator[str]:
    """retentionInDays at or above the environment's minimum."""
    days = resource.inputs.get("retentionInDays")
    minimum = RETENTION_MINIMUM_DAYS[environment]
    if not isinstance(days, int | float) or days < minimum:
        yield f"retentionInDays is {days!r}; {environment} keeps at least {minimum}"


@resource_rule(
    id="AZP-APPI-001",
    description="Application Insights accepts only Entra-authenticated telemetry (local auth off).",
    severity=Severity.MEDIUM,
    reference="MCSB IM-1; Azure Policy: Application Insights components should block non-Azure Active Directory "
    "based ingestion",
    levels=EVERYWHERE,
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
    levels=EVERYWHERE,
    types=(catalog.APP_INSIGHTS,),
)
def app_insights_workspace_based(resource: Resource, _: Environment) -> Iterator[str]:
    """Classic (non-workspace) Application Insights was retired in February 2024."""
    if not resource.inputs.get("workspaceResourceId"):
        yield "workspaceResourceId is not set"

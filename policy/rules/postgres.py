"""PostgreSQL flexible server rules: private, Entra only, TLS only, and in prod zone redundant with geo backups."""

from __future__ import annotations

from collections.abc import Iterator

from azplatform.components.records.postgres import CONFIGURATION, SERVER
from azplatform.plan.environments import Enforcement
from azplatform.policy.model import (
    Environment,
    Resource,
    Severity,
    get,
    lower,
)
from azplatform.policy.registry import resource_rule


@resource_rule(
    id="AZP-PG-001",
    description="PostgreSQL flexible server has public network access disabled (reached through private endpoints).",
    severity=Severity.HIGH,
    reference="MCSB NS-2; Azure Policy: Public network access should be disabled for PostgreSQL flexible servers",
    enforcement=Enforcement.BASELINE,
    types=(SERVER,),
)
def postgres_private(resource: Resource, _: Environment) -> Iterator[str]:
    """Public access mode with public network access off: only private endpoints reach it."""
    value = get(resource.inputs, "network", "publicNetworkAccess")
    if lower(value) != "disabled":
        yield f"network.publicNetworkAccess is {value!r}, not 'Disabled'"


@resource_rule(
    id="AZP-PG-002",
    description="PostgreSQL flexible server uses Microsoft Entra authentication only (password authentication off).",
    severity=Severity.HIGH,
    reference="MCSB IM-1; Azure Policy: Azure PostgreSQL flexible server should have Microsoft Entra Only "
    "Authentication enabled",
    enforcement=Enforcement.BASELINE,
    types=(SERVER,),
)
def postgres_entra_only(resource: Resource, _: Environment) -> Iterator[str]:
    """A password login is a long-lived secret outside Entra's conditional access and audit."""
    if lower(get(resource.inputs, "authConfig", "activeDirectoryAuth")) != "enabled":
        yield "authConfig.activeDirectoryAuth is not 'Enabled'"
    if lower(get(resource.inputs, "authConfig", "passwordAuth")) != "disabled":
        yield "authConfig.passwordAuth is not 'Disabled'"
    if get(resource.inputs, "administratorLogin") is not None:
        yield "administratorLogin is set (a password administrator)"


_WEAK_TLS = {"tlsv1", "tlsv1.1"}


@resource_rule(
    id="AZP-PG-003",
    description="PostgreSQL server parameters keep TLS required (require_secure_transport on, TLS 1.2 or later).",
    severity=Severity.HIGH,
    reference="MCSB DP-3 (encrypt sensitive data in transit); Azure Policy: Enforce SSL connection should be "
    "enabled for PostgreSQL database servers",
    enforcement=Enforcement.BASELINE,
    types=(CONFIGURATION,),
)
def postgres_tls(resource: Resource, _: Environment) -> Iterator[str]:
    """The platform sets both parameters; a parameter resource that turns them down is refused."""
    name, value = get(resource.inputs, "configurationName"), lower(get(resource.inputs, "value"))
    if name == "require_secure_transport" and value != "on":
        yield f"require_secure_transport is {value!r}, not 'on'"
    if name == "ssl_min_protocol_version" and value in _WEAK_TLS:
        yield f"ssl_min_protocol_version is {value!r}; TLSv1.2 or later is required"


@resource_rule(
    id="AZP-PG-004",
    description="PostgreSQL flexible server is zone-redundant (HA ZoneRedundant) with geo-redundant backups.",
    severity=Severity.MEDIUM,
    reference="WAF Reliability RE:05; https://learn.microsoft.com/azure/reliability/reliability-postgresql-flexible-"
    "server",
    # dev runs Burstable, which has no HA; staging trades the standby's cost for it. Prod must.
    enforcement=Enforcement.PROTECTION,
    types=(SERVER,),
)
def postgres_resilient(resource: Resource, _: Environment) -> Iterator[str]:
    """A zone outage fails over to the standby; a region outage restores from the paired region's backups."""
    mode = get(resource.inputs, "highAvailability", "mode")
    if mode != "ZoneRedundant":
        yield f"highAvailability.mode is {mode!r}, not 'ZoneRedundant'"
    if lower(get(resource.inputs, "backup", "geoRedundantBackup")) != "enabled":
        yield "backup.geoRedundantBackup is not 'Enabled' (it can only be chosen at creation)"

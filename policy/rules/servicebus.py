"""Service Bus rules: the namespace is Premium (private endpoint), Entra only, and zone redundant in prod.

Public network access and the minimum TLS version are the catch-all rules' (AZP-NET-004, AZP-TLS-001), which read
the namespace's ``publicNetworkAccess`` and ``minimumTlsVersion`` like every other type's."""

from __future__ import annotations

from collections.abc import Iterator

from azplatform.components.records.servicebus import NAMESPACE
from azplatform.plan.environments import Enforcement
from azplatform.policy.model import Environment, Resource, Severity, get
from azplatform.policy.registry import resource_rule


@resource_rule(
    id="AZP-SB-001",
    description="Service Bus is Premium: the only tier that takes a private endpoint (public network access itself "
    "is AZP-NET-004's).",
    severity=Severity.HIGH,
    reference="MCSB NS-2; private endpoints are Premium only: "
    "https://learn.microsoft.com/azure/service-bus-messaging/private-link-service",
    enforcement=Enforcement.BASELINE,
    types=(NAMESPACE,),
)
def service_bus_premium(resource: Resource, _: Environment) -> Iterator[str]:
    """Standard has no private endpoint, so it cannot be both private and reachable; every stack runs Premium."""
    sku = get(resource.inputs, "sku", "name")
    if sku != "Premium":
        yield f"sku.name is {sku!r}; only Premium takes a private endpoint"


@resource_rule(
    id="AZP-SB-002",
    description="Service Bus local (SAS key) authentication is disabled: Entra identities only.",
    severity=Severity.HIGH,
    reference="MCSB IM-1; Azure Policy: Azure Service Bus namespaces should have local authentication methods "
    "disabled. https://learn.microsoft.com/azure/service-bus-messaging/disable-local-authentication",
    enforcement=Enforcement.BASELINE,
    types=(NAMESPACE,),
)
def service_bus_entra_only(resource: Resource, _: Environment) -> Iterator[str]:
    """SAS keys and connection strings are shared secrets outside Azure RBAC and its audit trail."""
    if get(resource.inputs, "disableLocalAuth") is not True:
        yield "disableLocalAuth is not true"


@resource_rule(
    id="AZP-SB-003",
    description="Service Bus is zone redundant in prod.",
    severity=Severity.MEDIUM,
    reference="WAF reliability; https://learn.microsoft.com/azure/reliability/reliability-service-bus",
    # Like PostgreSQL's AZP-PG-004: required in prod; dev (zoneRedundant off) and staging may run without.
    enforcement=Enforcement.PROTECTION,
    types=(NAMESPACE,),
)
def service_bus_zones(resource: Resource, _: Environment) -> Iterator[str]:
    """A zone outage must not stop the queue the workers drain."""
    if get(resource.inputs, "zoneRedundant") is not True:
        yield "zoneRedundant is not true"

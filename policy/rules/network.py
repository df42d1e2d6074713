"""Network rules: NSGs, subnets, public IPs, private endpoints, and the catch-all on public network access."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from azplatform.components.records import record
from azplatform.policy import catalog
from azplatform.policy.model import (
    Enforcement,
    Environment,
    Resource,
    Severity,
    StackProblem,
    get,
    items,
    lower,
    mapping,
    of_types,
    same_id,
)
from azplatform.policy.registry import resource_rule, stack_rule

# Source prefixes that mean "anyone on the internet".
_INTERNET = {"*", "internet", "any", "0.0.0.0/0", "0.0.0.0", "::/0"}
# The ports the Application Gateway's record says its subnet lets in: an NSG allowing GatewayManager on the v2
# infrastructure range fronts a gateway subnet, which alone may open the listener ports to the internet.
_GATEWAY = record(catalog.APPLICATION_GATEWAY).ports
_GATEWAY_PORTS = next(port.ports for port in _GATEWAY if port.from_ == "GatewayManager")
_GATEWAY_INTERNET_PORTS = {port.ports for port in _GATEWAY if port.from_ == "Internet"}


def _sources(rule: Mapping[str, Any]) -> set[str]:
    found = {lower(rule.get("sourceAddressPrefix"))} | {lower(p) for p in items(rule.get("sourceAddressPrefixes"))}
    return found - {""}


def _ports(rule: Mapping[str, Any]) -> set[str]:
    found = {str(rule.get("destinationPortRange") or "")} | {str(p) for p in items(rule.get("destinationPortRanges"))}
    return found - {""}


def _inbound_allow(rule: Mapping[str, Any]) -> bool:
    return lower(rule.get("direction")) == "inbound" and lower(rule.get("access")) == "allow"


def _is_gateway_nsg(rules: list[Mapping[str, Any]]) -> bool:
    return any(
        _inbound_allow(rule) and "gatewaymanager" in _sources(rule) and _GATEWAY_PORTS in _ports(rule) for rule in rules
    )


@resource_rule(
    id="AZP-NET-001",
    description="No NSG allows inbound traffic from the internet, except 80/443 on the Application Gateway subnet.",
    severity=Severity.CRITICAL,
    reference="MCSB NS-1 (network segmentation); Azure Policy: Internet-facing virtual machines should be protected "
    "with network security groups",
    enforcement=Enforcement.BASELINE,
    types=(catalog.NSG, catalog.SECURITY_RULE),
)
def nsg_no_internet_inbound(resource: Resource, _: Environment) -> Iterator[str]:
    """Internet inbound is the gateway's alone; every other tier is reachable only from the VNet."""
    if resource.type == catalog.SECURITY_RULE:
        rules = [mapping(resource.inputs)]
        gateway = False
    else:
        rules = [mapping(rule) for rule in items(resource.inputs.get("securityRules"))]
        gateway = _is_gateway_nsg(rules)
    for rule in rules:
        if not (_inbound_allow(rule) and _sources(rule) & _INTERNET):
            continue
        name = rule.get("name", "?")
        if not gateway:
            sources = sorted(_sources(rule) & _INTERNET)
            yield f"security rule {name!r} allows inbound from {sources} on a non-gateway NSG"
        elif not _ports(rule) <= _GATEWAY_INTERNET_PORTS:
            ports = sorted(_ports(rule))
            yield f"security rule {name!r} opens ports {ports} to the internet; the gateway needs only 80/443"


@resource_rule(
    id="AZP-NET-002",
    description="Every subnet has a network security group (except the subnets Azure reserves).",
    severity=Severity.HIGH,
    reference="MCSB NS-1; Azure Policy: Subnets should be associated with a Network Security Group",
    enforcement=Enforcement.BASELINE,
    types=(catalog.VIRTUAL_NETWORK, catalog.SUBNET),
)
def subnet_has_nsg(resource: Resource, _: Environment) -> Iterator[str]:
    """Inline subnets of a VNet and standalone subnet resources alike."""
    subnets: list[Mapping[str, Any]]
    if resource.type == catalog.SUBNET:
        subnets = [
            {**mapping(resource.inputs), "name": resource.inputs.get("subnetName") or resource.inputs.get("name")}
        ]
    else:
        subnets = [mapping(s) for s in items(resource.inputs.get("subnets"))]
    for subnet in subnets:
        name = subnet.get("name")
        if name in catalog.NSG_EXEMPT_SUBNETS:
            continue
        if not get(subnet, "networkSecurityGroup", "id"):
            yield f"subnet {name!r} has no networkSecurityGroup"


@resource_rule(
    id="AZP-NET-003",
    description="Public IP addresses are Standard SKU (Basic retired on 30 September 2025 and has no zone support).",
    severity=Severity.MEDIUM,
    reference="MCSB NS-5 (DDoS protection needs Standard); https://learn.microsoft.com/azure/virtual-network/"
    "ip-services/public-ip-basic-upgrade-guidance",
    enforcement=Enforcement.BASELINE,
    types=(catalog.PUBLIC_IP,),
)
def public_ip_standard(resource: Resource, _: Environment) -> Iterator[str]:
    """The SKU must be set: older API versions default to Basic."""
    sku = get(resource.inputs, "sku", "name")
    if lower(sku) != "standard":
        yield f"sku.name is {sku!r}; use 'Standard'"


# Types whose public network access a dedicated rule checks (and requires to be explicitly Disabled).
_DEDICATED_PNA_RULES = {
    catalog.KEY_VAULT,
    catalog.REGISTRY,
    catalog.COSMOS_ACCOUNT,
    catalog.REDIS_CLUSTER,
    # Internal VNet injection is APIM's control; Azure rejects disabling public access on an injected instance.
    catalog.APIM,
    # AZP-AI-002.
    "azure-native:cognitiveservices:Account",
}


@resource_rule(
    id="AZP-NET-004",
    description="No resource turns public network access on.",
    severity=Severity.HIGH,
    reference="MCSB NS-2 (secure cloud services with network controls)",
    enforcement=Enforcement.BASELINE,
)
def no_public_network_access(resource: Resource, _: Environment) -> Iterator[str]:
    """The catch-all for any type without a dedicated rule. Monitoring ingestion/query endpoints are left to their
    own rules: without a Private Link scope, disabling them would cut telemetry from inside the VNet, and they are
    protected by Entra-only authentication (AZP-LOG-001, AZP-APPI-001)."""
    if resource.type in _DEDICATED_PNA_RULES or trusted_services_only(resource):
        return
    for path in (("publicNetworkAccess",), ("properties", "publicNetworkAccess")):
        value = get(resource.inputs, *path)
        if lower(value) == "enabled":
            yield f"{'.'.join(path)} is {value!r}; set it to 'Disabled' and reach the service through Private Link"


def trusted_services_only(resource: Resource) -> bool:
    """A firewall that denies every network and lists no IP or VNet rule lets in only Azure's trusted services (a
    storage account Network Watcher writes flow logs to): public access that no network can use.
    https://learn.microsoft.com/azure/storage/common/storage-network-security#grant-access-to-trusted-azure-services"""
    rules = mapping(resource.inputs.get("networkRuleSet") or resource.inputs.get("networkAcls"))
    return (
        lower(rules.get("defaultAction")) == "deny"
        and "azureservices" in lower(rules.get("bypass"))
        and not items(rules.get("ipRules"))
        and not items(rules.get("virtualNetworkRules"))
    )


@resource_rule(
    id="AZP-PE-001",
    description="Private DNS zone groups register the endpoint in a privatelink.* private DNS zone.",
    severity=Severity.HIGH,
    reference="MCSB NS-2; Azure Policy: Configure private endpoints to use private DNS zones (per service)",
    enforcement=Enforcement.BASELINE,
    types=(catalog.PRIVATE_DNS_ZONE_GROUP,),
)
def zone_group_has_private_zone(resource: Resource, _: Environment) -> Iterator[str]:
    """Without a zone config the service's FQDN keeps resolving to its public address."""
    configs = items(resource.inputs.get("privateDnsZoneConfigs"))
    if not configs:
        yield "privateDnsZoneConfigs is empty: the endpoint's A record lands in no private DNS zone"
    for config in configs:
        zone_id = get(config, "privateDnsZoneId")
        if "/privatednszones/privatelink." not in lower(zone_id):
            yield f"zone config {get(config, 'name')!r} points at {zone_id!r}, not a privatelink.* private DNS zone"


@resource_rule(
    id="AZP-PE-002",
    description="Private endpoints connect automatically (no manual approval) to one sub-resource in a subnet.",
    severity=Severity.MEDIUM,
    reference="MCSB NS-2",
    enforcement=Enforcement.BASELINE,
    types=(catalog.PRIVATE_ENDPOINT,),
)
def private_endpoint_connection(resource: Resource, _: Environment) -> Iterator[str]:
    """Manual connections wait for an approval nobody in the pipeline gives; the service stays unreachable."""
    if items(resource.inputs.get("manualPrivateLinkServiceConnections")):
        yield "uses manualPrivateLinkServiceConnections; use privateLinkServiceConnections (auto-approved)"
    connections = items(resource.inputs.get("privateLinkServiceConnections"))
    if not connections:
        yield "has no privateLinkServiceConnections"
    for connection in connections:
        if not get(connection, "privateLinkServiceId") or not items(get(connection, "groupIds")):
            yield f"connection {get(connection, 'name')!r} lacks privateLinkServiceId or groupIds"
    if not get(resource.inputs, "subnet", "id"):
        yield "subnet.id is not set"


FLOW_LOG = "azure-native:network:FlowLog"


@stack_rule(
    id="AZP-NET-005",
    description="Every VNet has an enabled flow log with traffic analytics (virtual network flow logs).",
    severity=Severity.MEDIUM,
    reference="MCSB LT-4 (enable network logging for security investigation); Azure Policy: Flow logs should be "
    "configured for every virtual network",
    enforcement=Enforcement.HARDENING,
)
def vnets_have_flow_logs(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """Matched by the flow log's target id, or its property dependency on the VNet."""
    logs = of_types(resources, FLOW_LOG)
    for vnet in of_types(resources, catalog.VIRTUAL_NETWORK):
        mine = [
            log
            for log in logs
            if (vnet.id and same_id(log.inputs.get("targetResourceId"), vnet.id))
            or vnet.urn in log.property_dependencies.get("targetResourceId", ())
        ]
        if not any(log.inputs.get("enabled") is True for log in mine):
            yield StackProblem(vnet.urn, "has no enabled flow log: its traffic is not recorded")
        elif not any(
            get(log.inputs, "flowAnalyticsConfiguration", "networkWatcherFlowAnalyticsConfiguration", "enabled") is True
            for log in mine
        ):
            yield StackProblem(vnet.urn, "its flow log has no traffic analytics in the workspace")

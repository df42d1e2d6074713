"""Landing-zone rules: a spoke that peers with a hub resolves through the central private DNS zones, and egress
through a firewall covers every subnet that supports it and no subnet Azure breaks under."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from azplatform.components.private_network import NO_DEFAULT_ROUTE, REQUIRED_ROUTES, SubnetRole
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
    of_types,
    same_id,
)
from azplatform.policy.registry import stack_rule

ROUTE_TABLE = "azure-native:network:RouteTable"
# The zones a landing zone keeps centrally: every Private Link zone, and API Management's internal-mode azure-api.net.
_CENTRAL_ZONE = ("privatelink.", "azure-api.net")


def _peered(resources: Sequence[Resource]) -> bool:
    return any(
        items(vnet.inputs.get("virtualNetworkPeerings")) for vnet in of_types(resources, catalog.VIRTUAL_NETWORK)
    )


@stack_rule(
    id="AZP-LZ-001",
    description="In a landing zone (the VNet peers with a hub), the stack creates no privatelink.* or azure-api.net "
    "private DNS zone and every private endpoint registers in a central zone.",
    severity=Severity.HIGH,
    reference="CAF: Private Link and DNS integration at scale (https://learn.microsoft.com/azure/"
    "cloud-adoption-framework/ready/azure-best-practices/private-link-and-dns-integration-at-scale)",
    enforcement=Enforcement.BASELINE,
)
def central_dns_only(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """A spoke copy of a central zone answers for this VNet's lookups instead of the central one, so names
    registered centrally stop resolving here (and this stack's endpoints are invisible to everyone else)."""
    if not _peered(resources):
        return
    spoke_zones = [
        zone
        for zone in of_types(resources, catalog.PRIVATE_DNS_ZONE)
        if lower(zone.inputs.get("privateZoneName")).startswith(_CENTRAL_ZONE)
    ]
    for zone in spoke_zones:
        yield StackProblem(
            zone.urn,
            f"creates {zone.inputs.get('privateZoneName')!r} in the spoke; use the landing zone's central zone",
        )
    for group in of_types(resources, catalog.PRIVATE_DNS_ZONE_GROUP):
        for config in items(group.inputs.get("privateDnsZoneConfigs")):
            zone_id = get(config, "privateDnsZoneId")
            if any(
                (zone.id and same_id(zone_id, zone.id))
                or zone.urn in group.property_dependencies.get("privateDnsZoneConfigs", ())
                for zone in spoke_zones
            ):
                yield StackProblem(group.urn, f"registers in the spoke's own zone {zone_id!r}, not a central one")


def _subnet_ids(resources: Sequence[Resource]) -> dict[str, dict[str, str]]:
    """Every inline subnet's id -> {name, route table id}."""
    found: dict[str, dict[str, str]] = {}
    for vnet in of_types(resources, catalog.VIRTUAL_NETWORK):
        for subnet in items(vnet.inputs.get("subnets")):
            name = str(get(subnet, "name") or "")
            found[lower(f"{vnet.id}/subnets/{name}")] = {
                "name": name,
                "table": str(get(subnet, "routeTable", "id") or ""),
            }
    return found


def _roles(resources: Sequence[Resource]) -> dict[str, SubnetRole]:
    """Subnet id -> the role its occupant gives it (the gateway's, API Management's, the environment's, endpoints')."""
    roles: dict[str, SubnetRole] = {}
    for gateway in of_types(resources, catalog.APPLICATION_GATEWAY):
        for config in items(gateway.inputs.get("gatewayIPConfigurations")):
            roles[lower(get(config, "subnet", "id"))] = SubnetRole.GATEWAY
    for apim in of_types(resources, catalog.APIM):
        roles[lower(get(apim.inputs, "virtualNetworkConfiguration", "subnetResourceId"))] = SubnetRole.APIM
    for environment in of_types(resources, catalog.CONTAINER_APPS_ENVIRONMENT):
        roles[lower(get(environment.inputs, "vnetConfiguration", "infrastructureSubnetId"))] = SubnetRole.CONTAINER_APPS
    for endpoint in of_types(resources, catalog.PRIVATE_ENDPOINT):
        roles[lower(get(endpoint.inputs, "subnet", "id"))] = SubnetRole.PRIVATE_ENDPOINTS
    return roles


def _through_firewall(table: Resource) -> bool:
    return any(
        get(route, "addressPrefix") == "0.0.0.0/0" and lower(get(route, "nextHopType")) == "virtualappliance"
        for route in items(table.inputs.get("routes"))
    )


@stack_rule(
    id="AZP-LZ-002",
    description="Egress through a firewall covers the Container Apps and private endpoint subnets, never the "
    "Application Gateway's, and API Management's keeps its control-plane route to the internet.",
    severity=Severity.CRITICAL,
    reference="https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure#supported-user-"
    "defined-routes; https://learn.microsoft.com/azure/api-management/virtual-network-reference",
    enforcement=Enforcement.BASELINE,
)
def egress_where_supported(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """Only when some subnet sends 0.0.0.0/0 to a virtual appliance: then a subnet left out leaks straight to the
    internet, and a subnet Azure does not support it on breaks."""
    tables = {lower(t.id): t for t in of_types(resources, ROUTE_TABLE) if t.id and _through_firewall(t)}
    if not tables:
        return
    roles = _roles(resources)
    vnets = of_types(resources, catalog.VIRTUAL_NETWORK)
    for subnet_id, subnet in _subnet_ids(resources).items():
        role = roles.get(subnet_id)
        table = tables.get(lower(subnet["table"]))
        where = next((v.urn for v in vnets if subnet_id.startswith(lower(v.id))), vnets[0].urn)
        if role in NO_DEFAULT_ROUTE and table is not None:
            yield StackProblem(where, f"subnet {subnet['name']!r}: {NO_DEFAULT_ROUTE[role]}")
        elif role in (SubnetRole.CONTAINER_APPS, SubnetRole.PRIVATE_ENDPOINTS) and table is None:
            yield StackProblem(
                where, f"subnet {subnet['name']!r} ({role.value}) does not send its egress to the firewall"
            )
        elif role in REQUIRED_ROUTES and table is not None:
            prefixes = {
                get(route, "addressPrefix"): lower(get(route, "nextHopType"))
                for route in items(table.inputs.get("routes"))
            }
            for name, tag in REQUIRED_ROUTES[role]:
                if prefixes.get(tag) != "internet":
                    yield StackProblem(
                        table.urn, f"lacks route {name!r}: {tag} with next hop Internet, which {role.value} needs"
                    )

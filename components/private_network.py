"""Private networking: the VNet, one subnet per tier with an NSG each, and the private DNS zones linked to it."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, model_validator

from azplatform.components.args import Args, ProblemList
from azplatform.components.interfaces import CommonArgs, apply_interfaces
from azplatform.components.naming import Kind, name_check
from azplatform.components.observability import diagnostics_only
from azplatform.components.records import private_link_ports

TYPE_TOKEN = "azplatform:index:PrivateNetwork"


class SubnetRole(Enum):
    """What a subnet hosts; the role decides its delegation, NSG rules and endpoint policies."""

    GATEWAY = "gateway"
    APIM = "apim"
    APIM_V2 = "apimV2"
    CONTAINER_APPS = "containerApps"
    PRIVATE_ENDPOINTS = "privateEndpoints"


@dataclass(frozen=True)
class NsgRule:
    """An inbound NSG rule: allow (or deny) a source to a port range over a protocol."""

    name: str
    priority: int
    source: str
    ports: Sequence[str]
    protocol: str = "Tcp"
    access: str = "Allow"
    destination: str = "*"
    direction: str = "Inbound"


_DENY_INTERNET = NsgRule("deny-internet-inbound", 4000, "Internet", ["*"], protocol="*", access="Deny")

# The rules each service requires, with their sources:
NSG_RULES: dict[SubnetRole, list[NsgRule]] = {
    # https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure#network-security-groups
    SubnetRole.GATEWAY: [
        NsgRule("allow-https-from-internet", 100, "Internet", ["443"]),
        NsgRule("allow-http-from-internet", 110, "Internet", ["80"]),  # redirected to HTTPS by the gateway
        NsgRule("allow-gateway-manager", 120, "GatewayManager", ["65200-65535"]),
        NsgRule("allow-azure-load-balancer", 130, "AzureLoadBalancer", ["*"], protocol="*"),
    ],
    # https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet#configure-nsg-rules
    # The ports API Management needs in both modes, inbound and outbound:
    # https://learn.microsoft.com/azure/api-management/virtual-network-reference#required-ports
    SubnetRole.APIM: [
        NsgRule("allow-apim-management", 100, "ApiManagement", ["3443"], destination="VirtualNetwork"),
        NsgRule("allow-azure-load-balancer", 110, "AzureLoadBalancer", ["6390"], destination="VirtualNetwork"),
        NsgRule("allow-https-from-vnet", 120, "VirtualNetwork", ["443"], destination="VirtualNetwork"),
        _DENY_INTERNET,
        *(
            NsgRule(name, priority, "VirtualNetwork", ports, destination=tag, direction="Outbound")
            for name, priority, tag, ports in (
                ("allow-storage-outbound", 100, "Storage", ["443"]),
                ("allow-sql-outbound", 110, "Sql", ["1433"]),
                ("allow-key-vault-outbound", 120, "AzureKeyVault", ["443"]),
                ("allow-azure-monitor-outbound", 130, "AzureMonitor", ["1886", "443"]),
                # Certificate chain validation (CRLs, OCSP) is plain HTTP.
                ("allow-certificate-validation-outbound", 140, "Internet", ["80"]),
                # validate-jwt fetches Entra ID's OpenID metadata; managed identities get their tokens there.
                ("allow-entra-id-outbound", 150, "AzureActiveDirectory", ["443"]),
            )
        ),
    ],
    # https://learn.microsoft.com/azure/api-management/inject-vnet-v2#network-security-group
    SubnetRole.APIM_V2: [
        NsgRule("allow-https-from-vnet", 120, "VirtualNetwork", ["443"], destination="VirtualNetwork"),
        NsgRule(
            "allow-storage-outbound",
            100,
            "VirtualNetwork",
            ["443"],
            destination="Storage",
            direction="Outbound",
        ),
        _DENY_INTERNET,
    ],
    # https://learn.microsoft.com/azure/container-apps/firewall-integration
    SubnetRole.CONTAINER_APPS: [
        NsgRule("allow-http-from-vnet", 100, "VirtualNetwork", ["80", "443"], destination="VirtualNetwork"),
        NsgRule("allow-azure-load-balancer", 110, "AzureLoadBalancer", ["*"], protocol="*"),
        _DENY_INTERNET,
    ],
    # Private endpoint NICs only ever answer the VNet, on the ports of the Private Link targets' records (443 for
    # Key Vault, the registry and Cosmos; 10000 and the 85XX shard ports for Managed Redis).
    SubnetRole.PRIVATE_ENDPOINTS: [
        NsgRule(
            "allow-services-from-vnet",
            100,
            "VirtualNetwork",
            private_link_ports(),
            destination="VirtualNetwork",
        ),
        _DENY_INTERNET,
    ],
}

_DELEGATIONS: dict[SubnetRole, str] = {
    # https://learn.microsoft.com/azure/container-apps/custom-virtual-networks
    SubnetRole.CONTAINER_APPS: "Microsoft.App/environments",
    # https://learn.microsoft.com/azure/api-management/inject-vnet-v2#subnet-delegation
    SubnetRole.APIM_V2: "Microsoft.Web/hostingEnvironments",
}


# The ranges Azure refuses in a virtual network's address space: "What address ranges can I use in my virtual
# networks?" in https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq
AZURE_RESERVED_RANGES: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (ipaddress.IPv4Network("224.0.0.0/4"), "multicast"),
    (ipaddress.IPv4Network("255.255.255.255/32"), "broadcast"),
    (ipaddress.IPv4Network("127.0.0.0/8"), "loopback"),
    (ipaddress.IPv4Network("169.254.0.0/16"), "link-local"),
    (ipaddress.IPv4Network("168.63.129.16/32"), "Azure's internal DNS, DHCP and health probe address"),
)
# The platform's own rule, stricter than Azure's (which also allows public ranges and 100.64.0.0/10): its networks
# use the RFC 1918 private ranges only (https://www.rfc-editor.org/rfc/rfc1918#section-3). ipaddress's is_private
# is wider (loopback, link-local, 198.18.0.0/15 benchmarking...), so the ranges are listed here.
RFC1918_RANGES: tuple[ipaddress.IPv4Network, ...] = (
    ipaddress.IPv4Network("10.0.0.0/8"),
    ipaddress.IPv4Network("172.16.0.0/12"),
    ipaddress.IPv4Network("192.168.0.0/16"),
)


def _cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"not an IPv4 CIDR with host bits zero (for example 10.40.0.0/16): {exc}") from None
    for reserved, what in AZURE_RESERVED_RANGES:
        if network.overlaps(reserved):
            raise ValueError(f"overlaps {reserved} ({what}), which Azure does not allow in a virtual network")
    if not any(network.subnet_of(private) for private in RFC1918_RANGES):
        raise ValueError(
            "must be inside a private (RFC 1918) range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16; the "
            "platform's networks are never internet-routable"
        )
    return value


Cidr = Annotated[str, AfterValidator(_cidr)]
"""An RFC 1918 private IPv4 range in CIDR notation, host bits zero, that Azure allows in a virtual network."""


def as_network(value: object) -> ipaddress.IPv4Network | None:
    """``value`` as a network, None when it is not a valid CIDR (validation reports that on its own)."""
    try:
        return ipaddress.IPv4Network(value, strict=True) if isinstance(value, str) else None
    except ValueError:
        return None


# The smallest prefix Azure accepts (or this platform's design fixes) for each role, with the source.
SUBNET_MINIMUMS: dict[SubnetRole, tuple[int, str]] = {
    # Design decision: the gateway gets its own /24, Microsoft's recommendation for v2 so that autoscale up to 125
    # instances always has addresses.
    # https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure#size-of-the-subnet
    SubnetRole.GATEWAY: (24, "Application Gateway v2 gets its own /24 (Microsoft's recommendation for autoscale)"),
    # classic (Developer/Premium): https://learn.microsoft.com/azure/api-management/virtual-network-injection-resources
    SubnetRole.APIM: (29, "API Management Developer or Premium needs at least /29"),
    # Premium v2: https://learn.microsoft.com/azure/api-management/inject-vnet-v2
    SubnetRole.APIM_V2: (27, "API Management PremiumV2 needs at least /27"),
    # Workload-profiles environments need at least /27.
    # https://learn.microsoft.com/azure/container-apps/custom-virtual-networks#subnet
    SubnetRole.CONTAINER_APPS: (27, "a Container Apps workload-profiles environment needs at least /27"),
    # Azure reserves 5 addresses per subnet; /28 leaves 11 for the platform's private endpoint NICs.
    SubnetRole.PRIVATE_ENDPOINTS: (28, "private endpoints need at least /28 (5 reserved + one address per endpoint)"),
}


def subnet_layout_problems(
    address_space: object, subnets: Sequence[tuple[str, object, SubnetRole]], *, space_label: str
) -> list[tuple[int, str, str]]:
    """What is wrong with a VNet's layout: each subnet (a label for messages, its CIDR and role) must lie inside
    ``address_space``, be at least its role's minimum size and overlap no other. Returns (index of the subnet,
    message, its CIDR); values that are not CIDRs are skipped, as field validation reports them."""
    vnet = as_network(address_space)
    parsed = [(i, label, net, role) for i, (label, cidr, role) in enumerate(subnets) if (net := as_network(cidr))]
    problems: list[tuple[int, str, str]] = []
    for index, _, net, role in parsed:
        if vnet is not None and not net.subnet_of(vnet):
            problems.append((index, f"is outside {space_label} {vnet}", str(net)))
        minimum, why = SUBNET_MINIMUMS[role]
        if net.prefixlen > minimum:
            problems.append((index, f"is a /{net.prefixlen}; {why}", str(net)))
    for position, (_, first_label, first, _) in enumerate(parsed):
        for index, _, second, _ in parsed[position + 1 :]:
            if first.overlaps(second):
                problems.append((index, f"overlaps {first_label} ({first}); subnets must be disjoint", str(second)))
    return problems


# Private DNS zone names: 2-34 labels of 1-63 characters, 253 in all.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork
_ZONE_NAME = re.compile(
    r"(?=.{1,253}$)([A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?\.){1,33}[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?"
)


def _zone_names(value: list[str]) -> list[str]:
    bad = [zone for zone in value if not _ZONE_NAME.fullmatch(zone)]
    if bad:
        raise ValueError(f"{bad} are not DNS zone names (2-34 labels of 1-63 letters, digits, hyphens)")
    repeated = sorted({zone for zone in value if value.count(zone) > 1})
    if repeated:
        raise ValueError(f"lists {repeated} more than once")
    return value


# An ARM resource id: /subscriptions/<guid>/resourceGroups/<group>/providers/<namespace>/<type>/<name>. Resource group
# names: 1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending in a period.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources
_ARM_ID = (
    r"/subscriptions/(?P<subscription>[0-9a-fA-F]{{8}}-([0-9a-fA-F]{{4}}-){{3}}[0-9a-fA-F]{{12}})"
    r"/resourceGroups/(?P<group>[-\w.()]{{0,89}}[-\w()])/providers/{type}/(?P<name>[^/]+)"
)


def resource_id_of(type_path: str) -> Callable[[str], str]:
    """A validator for the id of an existing resource of ``type_path`` (``Microsoft.Network/virtualNetworks``), in
    any subscription; the namespace and type match case-insensitively, as ARM does."""
    pattern = re.compile(_ARM_ID.format(type=re.escape(type_path)), re.IGNORECASE)

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(
                f"not the id of a {type_path} resource; expected /subscriptions/<subscription id>/resourceGroups/"
                f"<group>/providers/{type_path}/<name>"
            )
        return value

    return check


def id_parts(resource_id: str) -> tuple[str, str, str]:
    """(subscription id, resource group, name) of a validated resource id."""
    segments = resource_id.strip("/").split("/")
    return segments[1], segments[3], segments[-1]


VNET_ID = resource_id_of("Microsoft.Network/virtualNetworks")
ZONE_ID = resource_id_of("Microsoft.Network/privateDnsZones")
DDOS_PLAN_ID = resource_id_of("Microsoft.Network/ddosProtectionPlans")


def _private_ip(value: str) -> str:
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        raise ValueError("not an IPv4 address (for example 10.0.1.4)") from None
    if not any(address in private for private in RFC1918_RANGES):
        raise ValueError("must be a private (RFC 1918) address: the firewall's private IP, not its public one")
    return value


class HubPeering(Args):
    """The landing zone's hub network this VNet peers with (the spoke's side of the peering; the hub's side belongs
    to the central team: docs/landing-zone.md says what it must create)."""

    virtual_network_id: Annotated[str, AfterValidator(VNET_ID)] = Field(
        description="The hub virtual network's resource id, in any subscription."
    )
    address_prefixes: list[Cidr] = Field(
        min_length=1,
        description="The hub's address prefixes, as the central team allocated them: the VNet's address space must "
        "not overlap them (Azure refuses to peer overlapping networks).",
    )
    use_remote_gateways: bool = Field(
        default=False,
        description="Route to on-premises through the hub's VPN or ExpressRoute gateway. Only when the hub has one "
        "and allows gateway transit (Azure fails the peering otherwise). Default off.",
    )
    allow_forwarded_traffic: bool = Field(
        default=True,
        description="Accept traffic the hub forwards (from its firewall or from other spokes). Default on.",
    )
    dns_servers: list[Annotated[str, AfterValidator(_private_ip)]] = Field(
        default_factory=list,
        description="The hub's DNS resolvers (a Private DNS Resolver inbound endpoint or the firewall's DNS proxy), "
        "which resolve the central private DNS zones; the VNet's DHCP options hand them out. Default: Azure's DNS.",
    )


# Subnets that cannot take a default route through a firewall, with Azure's reason. Application Gateway v2 does not
# support 0.0.0.0/0 to a virtual appliance (its control plane must reach the internet directly):
# https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure#supported-user-defined-routes
NO_DEFAULT_ROUTE: dict[SubnetRole, str] = {
    SubnetRole.GATEWAY: "Application Gateway v2 does not support a 0.0.0.0/0 route to a virtual appliance: its "
    "management traffic must reach the internet directly (configuration-infrastructure#supported-user-defined-routes)",
}

# Routes Azure requires beside the default route, per subnet role. API Management (classic VNet injection) keeps
# its control plane on the internet: "ApiManagement" service tag, next hop Internet.
# https://learn.microsoft.com/azure/api-management/virtual-network-reference#force-tunnel-traffic-to-on-premises-firewall-using-expressroute-or-network-virtual-appliance
REQUIRED_ROUTES: dict[SubnetRole, tuple[tuple[str, str], ...]] = {
    SubnetRole.APIM: (("apim-control-plane", "ApiManagement"),),
}


class Egress(Args):
    """Controlled egress: a route table per subnet that sends 0.0.0.0/0 to the landing zone's firewall or network
    virtual appliance, with the routes Azure requires beside it."""

    firewall_private_ip: Annotated[str, AfterValidator(_private_ip)] = Field(
        description="The firewall's (or NVA's) private IP address, the default route's next hop."
    )
    subnets: list[SubnetRole] = Field(
        default_factory=lambda: [SubnetRole.CONTAINER_APPS, SubnetRole.PRIVATE_ENDPOINTS],
        min_length=1,
        description="The subnets (by role) that get the default route. Default containerApps and privateEndpoints. "
        "apim gets the ApiManagement route to the internet beside it; gateway is refused (Application Gateway v2 "
        "cannot take one).",
    )

    @model_validator(mode="after")
    def _supported(self) -> Egress:
        problems: list[tuple[tuple[Any, ...], str, Any]] = [
            (("subnets", index), f"cannot take a default route through a firewall: {NO_DEFAULT_ROUTE[role]}", role)
            for index, role in enumerate(self.subnets)
            if role in NO_DEFAULT_ROUTE
        ]
        repeated = sorted({role.value for role in self.subnets if self.subnets.count(role) > 1})
        if repeated:
            problems.append((("subnets",), f"lists {repeated} more than once", repeated))
        if problems:
            raise ProblemList(problems)
        return self


class SubnetSpec(Args):
    """One subnet: its Azure name, role and CIDR."""

    name: Annotated[str, AfterValidator(name_check(Kind.SUBNET))] = Field(
        description="Azure subnet name (CAF snet-...); its NSG is named nsg-... after it."
    )
    role: SubnetRole = Field(description="What the subnet hosts: its delegation, NSG rules and endpoint policies.")
    cidr: Cidr = Field(description="Address prefix, inside the VNet's address space and at least the role's minimum.")


class PrivateNetworkSettings(Args):
    """What a user chooses about the VNet itself (the stack file's ``network`` section, whose ``subnets`` are the
    platform's tiers), including how it fits into an enterprise landing zone: a hub to peer with, central private
    DNS zones, egress through the hub's firewall and a DDoS protection plan (each off unless given)."""

    address_space: Cidr = Field(description="The VNet's private address space, for example 10.40.0.0/16.")
    hub: HubPeering | None = Field(default=None, description="Peer with the landing zone's hub. Default: none.")
    private_dns_zone_ids: dict[str, Annotated[str, AfterValidator(ZONE_ID)]] = Field(
        default_factory=dict,
        description="Central private DNS zones by zone name (any subscription): the VNet creates no zone of a name "
        "given here, and every private endpoint and record uses the central zone. Default: none (the platform "
        "creates and links its own zones).",
    )
    egress: Egress | None = Field(
        default=None, description="Send internet-bound traffic through the landing zone's firewall. Default: none."
    )
    ddos_protection_plan_id: Annotated[str, AfterValidator(DDOS_PLAN_ID)] | None = Field(
        default=None, description="An existing DDoS protection plan to associate with the VNet. Default: none."
    )

    @model_validator(mode="after")
    def _landing_zone(self) -> PrivateNetworkSettings:
        problems: list[tuple[tuple[Any, ...], str, Any]] = []
        space = as_network(self.address_space)
        if self.hub is not None and space is not None:
            for index, prefix in enumerate(self.hub.address_prefixes):
                hub_net = as_network(prefix)
                if hub_net is not None and hub_net.overlaps(space):
                    problems.append(
                        (
                            ("hub", "address_prefixes", index),
                            f"overlaps address_space {space}; Azure cannot peer networks whose address spaces overlap",
                            prefix,
                        )
                    )
        firewall = self.egress.firewall_private_ip if self.egress is not None else None
        if firewall is not None and space is not None and ipaddress.IPv4Address(firewall) in space:
            problems.append(
                (
                    ("egress", "firewall_private_ip"),
                    f"is inside this VNet's address_space {space}; the firewall is the hub's (or another network's), "
                    "reached through the peering",
                    firewall,
                )
            )
        for zone, zone_id in self.private_dns_zone_ids.items():
            if id_parts(zone_id)[2].lower() != zone.lower():
                problems.append(
                    (("private_dns_zone_ids", zone), f"names the zone {id_parts(zone_id)[2]!r}, not {zone!r}", zone_id)
                )
        if problems:
            raise ProblemList(problems)
        return self


class PrivateNetworkArgs(PrivateNetworkSettings, CommonArgs):
    """Arguments for :class:`PrivateNetwork`: the address space plus name, subnets, DNS zones and the shared
    interfaces (diagnostic settings go to the VNet and every NSG; lock and role assignments to the VNet)."""

    name: Annotated[str, AfterValidator(name_check(Kind.VIRTUAL_NETWORK))] = Field(
        description="VNet name (CAF vnet-...)."
    )
    subnets: list[SubnetSpec] = Field(min_length=1, description="The tiers, at most one subnet per role.")
    private_dns_zones: Annotated[list[str], AfterValidator(_zone_names)] = Field(
        default_factory=list,
        description="Private DNS zones to create and link to the VNet (privatelink.* and service domains). "
        "Default: none.",
    )

    @model_validator(mode="after")
    def _layout(self) -> PrivateNetworkArgs:
        problems: list[tuple[tuple[Any, ...], str, Any]] = [
            (("subnets", index, "cidr"), message, cidr)
            for index, message, cidr in subnet_layout_problems(
                self.address_space,
                [(f"subnets[{i}] ({s.name})", s.cidr, s.role) for i, s in enumerate(self.subnets)],
                space_label="address_space",
            )
        ]
        present = {s.role for s in self.subnets}
        for index, role in enumerate(self.egress.subnets if self.egress is not None else []):
            if role not in present:
                problems.append(
                    (("egress", "subnets", index), f"names {role.value!r}, which is not a subnet here", role)
                )
        for what, values in (("role", [s.role.value for s in self.subnets]), ("name", [s.name for s in self.subnets])):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                problems.append(
                    (("subnets",), f"each subnet needs its own {what}; given more than once: {repeated}", None)
                )
        if problems:
            raise ProblemList(problems)
        return self


class PrivateNetwork(pulumi.ComponentResource):
    """A VNet whose subnets are declared inline (one style, so an update never drops a subnet), an NSG per
    subnet with the rules its service needs, and private DNS zones linked to the VNet."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    subnet_ids: dict[str, pulumi.Output[str]]
    dns_zone_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: PrivateNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.nsgs: dict[str, azure_native.network.NetworkSecurityGroup] = {}
        subnet_args: list[azure_native.network.SubnetArgs] = []
        self.route_tables = self._route_tables(name, args)
        for spec in args.subnets:
            nsg = azure_native.network.NetworkSecurityGroup(
                f"{name}-nsg-{spec.role.value}",
                network_security_group_name=spec.name.replace("snet-", "nsg-", 1),
                resource_group_name=args.resource_group_name,
                location=args.location,
                security_rules=[_rule_args(rule) for rule in NSG_RULES[spec.role]],
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.nsgs[spec.role.value] = nsg
            # NSGs emit flow-event logs but no metrics.
            apply_interfaces(
                self,
                f"{name}-nsg-{spec.role.value}",
                diagnostics_only(args),
                nsg,
                azure_name=spec.name,
                metrics=False,
                lock_notes="",
            )
            delegation = _DELEGATIONS.get(spec.role)
            subnet_args.append(
                azure_native.network.SubnetArgs(
                    name=spec.name,
                    address_prefix=spec.cidr,
                    network_security_group=azure_native.network.NetworkSecurityGroupArgs(id=nsg.id),
                    delegations=[azure_native.network.DelegationArgs(name="delegation", service_name=delegation)]
                    if delegation
                    else None,
                    # NSGs apply to private endpoint NICs only with network policies enabled.
                    private_endpoint_network_policies="Enabled" if spec.role is SubnetRole.PRIVATE_ENDPOINTS else None,
                    # Endpoints never initiate internet traffic; no implicit outbound IP (retired 2025-09-30).
                    default_outbound_access=False if spec.role is SubnetRole.PRIVATE_ENDPOINTS else None,
                    route_table=azure_native.network.RouteTableArgs(id=self.route_tables[spec.role].id)
                    if spec.role in self.route_tables
                    else None,
                )
            )
        self.vnet = azure_native.network.VirtualNetwork(
            name,
            virtual_network_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            address_space=azure_native.network.AddressSpaceArgs(address_prefixes=[args.address_space]),
            subnets=subnet_args,
            # The spoke's side of the hub peering, inline like the subnets (one style: a VNet update never drops it).
            virtual_network_peerings=[_peering(args.hub)] if args.hub is not None else None,
            dhcp_options=azure_native.network.DhcpOptionsArgs(dns_servers=args.hub.dns_servers)
            if args.hub is not None and args.hub.dns_servers
            else None,
            enable_ddos_protection=True if args.ddos_protection_plan_id else None,
            ddos_protection_plan=azure_native.network.SubResourceArgs(id=args.ddos_protection_plan_id)
            if args.ddos_protection_plan_id
            else None,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # Inline subnets have ARM ids derived from the VNet's: .../virtualNetworks/<vnet>/subnets/<subnet>.
        self.subnet_ids = {spec.role.value: _subnet_id(self.vnet.id, spec.name) for spec in args.subnets}
        self.zones: dict[str, azure_native.privatedns.PrivateZone] = {}
        # Central zones (a landing zone's) are linked to the hub by their owners; the VNet resolves them through the
        # hub's DNS servers. The platform creates only the zones nobody gave it.
        self.dns_zone_ids = {
            zone: pulumi.Output.from_input(zone_id) for zone, zone_id in args.private_dns_zone_ids.items()
        }
        for zone_name in (zone for zone in args.private_dns_zones if zone not in args.private_dns_zone_ids):
            key = zone_name.replace(".", "-")
            zone = linked_private_zone(
                self,
                f"{name}-zone-{key}",
                f"{name}-link-{key}",
                zone_name=zone_name,
                resource_group_name=args.resource_group_name,
                vnet_id=self.vnet.id,
                link_name=f"link-{args.name}",
                tags=args.tags,
            )
            self.zones[zone_name] = zone
            self.dns_zone_ids[zone_name] = zone.id
        self.interfaces = apply_interfaces(
            self,
            f"{name}-vnet",
            args,
            self.vnet,
            azure_name=args.name,
            lock_notes="The VNet carries every subnet and private endpoint of the platform",
        )
        self.id = self.vnet.id
        self.name = self.vnet.name
        self.register_outputs({"id": self.id, "subnetIds": self.subnet_ids, "dnsZoneIds": self.dns_zone_ids})

    def _route_tables(self, name: str, args: PrivateNetworkArgs) -> dict[SubnetRole, azure_native.network.RouteTable]:
        """A route table per egress subnet: 0.0.0.0/0 to the firewall, plus the routes Azure requires for the role."""
        if args.egress is None:
            return {}
        tables: dict[SubnetRole, azure_native.network.RouteTable] = {}
        for spec in args.subnets:
            if spec.role not in args.egress.subnets:
                continue
            routes = [
                azure_native.network.RouteArgs(
                    name="default-to-firewall",
                    address_prefix="0.0.0.0/0",
                    next_hop_type="VirtualAppliance",
                    next_hop_ip_address=args.egress.firewall_private_ip,
                ),
                *(
                    azure_native.network.RouteArgs(name=route, address_prefix=tag, next_hop_type="Internet")
                    for route, tag in REQUIRED_ROUTES.get(spec.role, ())
                ),
            ]
            tables[spec.role] = azure_native.network.RouteTable(
                f"{name}-rt-{spec.role.value}",
                route_table_name=spec.name.replace("snet-", "rt-", 1),
                resource_group_name=args.resource_group_name,
                location=args.location,
                routes=routes,
                # Routes the hub's gateway learns over BGP must not bypass the firewall (a spoke's forced tunnel):
                # https://learn.microsoft.com/azure/cloud-adoption-framework/ready/azure-best-practices/traditional-azure-networking-topology
                disable_bgp_route_propagation=True,
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self),
            )
        return tables


def linked_private_zone(
    owner: pulumi.Resource,
    zone_logical_name: str,
    link_logical_name: str,
    *,
    zone_name: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    vnet_id: pulumi.Input[str],
    link_name: str,
    tags: Mapping[str, str],
) -> azure_native.privatedns.PrivateZone:
    """A private DNS zone (global) linked to a VNet, without auto-registration; both children of ``owner``."""
    zone = azure_native.privatedns.PrivateZone(
        zone_logical_name,
        private_zone_name=zone_name,
        resource_group_name=resource_group_name,
        location="global",
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=owner),
    )
    azure_native.privatedns.VirtualNetworkLink(
        link_logical_name,
        private_zone_name=zone.name,
        resource_group_name=resource_group_name,
        virtual_network_link_name=link_name,
        location="global",
        virtual_network=azure_native.privatedns.SubResourceArgs(id=vnet_id),
        registration_enabled=False,
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=owner),
    )
    return zone


def _peering(hub: HubPeering) -> azure_native.network.VirtualNetworkPeeringArgs:
    """The spoke's side of the peering: reach the hub, accept what it forwards, and use its gateway if asked."""
    return azure_native.network.VirtualNetworkPeeringArgs(
        name=f"peer-to-{id_parts(hub.virtual_network_id)[2]}",
        remote_virtual_network=azure_native.network.SubResourceArgs(id=hub.virtual_network_id),
        allow_virtual_network_access=True,
        allow_forwarded_traffic=hub.allow_forwarded_traffic,
        allow_gateway_transit=False,
        use_remote_gateways=hub.use_remote_gateways,
    )


def _rule_args(rule: NsgRule) -> azure_native.network.SecurityRuleArgs:
    ports = list(rule.ports)
    return azure_native.network.SecurityRuleArgs(
        name=rule.name,
        priority=rule.priority,
        direction=rule.direction,
        access=rule.access,
        protocol=rule.protocol,
        source_address_prefix=rule.source,
        source_port_range="*",
        destination_address_prefix=rule.destination,
        destination_port_range=ports[0] if len(ports) == 1 else None,
        destination_port_ranges=ports if len(ports) > 1 else None,
    )


def _subnet_id(vnet_id: pulumi.Output[str], subnet_name: str) -> pulumi.Output[str]:
    return vnet_id.apply(lambda vid: f"{vid}/subnets/{subnet_name}")


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "PrivateNetwork": """
from azplatform.components import DiagnosticSettings, PrivateNetwork, PrivateNetworkArgs, SubnetRole, SubnetSpec

network = PrivateNetwork("net", PrivateNetworkArgs(
    name="vnet-shop-dev-weu", resource_group_name=RG, location="westeurope", address_space="10.40.0.0/16",
    subnets=[
        SubnetSpec(name="snet-aca", role=SubnetRole.CONTAINER_APPS, cidr="10.40.2.0/23"),
        SubnetSpec(name="snet-pep", role=SubnetRole.PRIVATE_ENDPOINTS, cidr="10.40.4.0/27"),
    ],
    private_dns_zones=["privatelink.vaultcore.azure.net"],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
}

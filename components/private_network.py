"""Private networking: the VNet, one subnet per tier with an NSG each, and the private DNS zones linked to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.observability import diagnostic_setting
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
class Rule:
    """An inbound NSG rule: allow (or deny) a source to a port range over a protocol."""

    name: str
    priority: int
    source: str
    ports: Sequence[str]
    protocol: str = "Tcp"
    access: str = "Allow"
    destination: str = "*"
    direction: str = "Inbound"


_DENY_INTERNET = Rule("deny-internet-inbound", 4000, "Internet", ["*"], protocol="*", access="Deny")

# The rules each service requires, with their sources:
NSG_RULES: dict[SubnetRole, list[Rule]] = {
    # https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure#network-security-groups
    SubnetRole.GATEWAY: [
        Rule("allow-https-from-internet", 100, "Internet", ["443"]),
        Rule("allow-http-from-internet", 110, "Internet", ["80"]),  # redirected to HTTPS by the gateway
        Rule("allow-gateway-manager", 120, "GatewayManager", ["65200-65535"]),
        Rule("allow-azure-load-balancer", 130, "AzureLoadBalancer", ["*"], protocol="*"),
    ],
    # https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet#configure-nsg-rules
    # The ports API Management needs in both modes, inbound and outbound:
    # https://learn.microsoft.com/azure/api-management/virtual-network-reference#required-ports
    SubnetRole.APIM: [
        Rule("allow-apim-management", 100, "ApiManagement", ["3443"], destination="VirtualNetwork"),
        Rule("allow-azure-load-balancer", 110, "AzureLoadBalancer", ["6390"], destination="VirtualNetwork"),
        Rule("allow-https-from-vnet", 120, "VirtualNetwork", ["443"], destination="VirtualNetwork"),
        _DENY_INTERNET,
        *(
            Rule(name, priority, "VirtualNetwork", ports, destination=tag, direction="Outbound")
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
        Rule("allow-https-from-vnet", 120, "VirtualNetwork", ["443"], destination="VirtualNetwork"),
        Rule(
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
        Rule("allow-http-from-vnet", 100, "VirtualNetwork", ["80", "443"], destination="VirtualNetwork"),
        Rule("allow-azure-load-balancer", 110, "AzureLoadBalancer", ["*"], protocol="*"),
        _DENY_INTERNET,
    ],
    # Private endpoint NICs only ever answer the VNet, on the ports of the Private Link targets' records (443 for
    # Key Vault, the registry and Cosmos; 10000 and the 85XX shard ports for Managed Redis).
    SubnetRole.PRIVATE_ENDPOINTS: [
        Rule(
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


@dataclass(frozen=True, kw_only=True)
class SubnetSpec:
    """One subnet: its Azure name, role and CIDR."""

    name: str
    """Azure subnet name (CAF: snet-...)."""
    role: SubnetRole
    """What the subnet hosts."""
    cidr: str
    """Address prefix, inside the VNet's space."""


@dataclass(frozen=True, kw_only=True)
class PrivateNetworkArgs:
    """Arguments for :class:`PrivateNetwork`."""

    name: str
    """VNet name (CAF: vnet-...)."""
    resource_group_name: pulumi.Input[str]
    """Resource group."""
    location: pulumi.Input[str]
    """Azure region."""
    address_space: str
    """The VNet's CIDR."""
    subnets: Sequence[SubnetSpec]
    """The tiers."""
    private_dns_zones: Sequence[str] = ()
    """Private DNS zones to create and link to the VNet (``privatelink.*`` and service domains). Default: none."""
    diagnostics_workspace_id: pulumi.Input[str] | None = None
    """Workspace for VNet metrics and NSG logs. Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


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
                )
            )
        self.vnet = azure_native.network.VirtualNetwork(
            name,
            virtual_network_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            address_space=azure_native.network.AddressSpaceArgs(address_prefixes=[args.address_space]),
            subnets=subnet_args,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # Inline subnets have ARM ids derived from the VNet's: .../virtualNetworks/<vnet>/subnets/<subnet>.
        self.subnet_ids = {spec.role.value: _subnet_id(self.vnet.id, spec.name) for spec in args.subnets}
        self.zones: dict[str, azure_native.privatedns.PrivateZone] = {}
        self.dns_zone_ids = {}
        for zone_name in args.private_dns_zones:
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
        if args.diagnostics_workspace_id is not None:
            diagnostic_setting(self, f"{name}-vnet", self.vnet.id, args.diagnostics_workspace_id)
            for role, nsg in self.nsgs.items():
                # NSGs emit flow-event logs but no metrics.
                diagnostic_setting(self, f"{name}-nsg-{role}", nsg.id, args.diagnostics_workspace_id, metrics=False)
        self.id = self.vnet.id
        self.name = self.vnet.name
        self.register_outputs({"id": self.id, "subnetIds": self.subnet_ids, "dnsZoneIds": self.dns_zone_ids})


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


def _rule_args(rule: Rule) -> azure_native.network.SecurityRuleArgs:
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

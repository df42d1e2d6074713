"""The VNet, its subnets and NSGs, private endpoints and private DNS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azplatform.components.records.billing import (
    HOURS_PER_MONTH,
    Charge,
    Free,
    Meter,
    Priced,
    Related,
    UsageAssumptions,
    fmt,
)
from azplatform.components.records.model import InPlace, Prerequisite, Telemetry, Tier, TypeRecord
from azplatform.components.records.sources import QUICK

VIRTUAL_NETWORK = "azure-native:network:VirtualNetwork"
SUBNET = "azure-native:network:Subnet"
NSG = "azure-native:network:NetworkSecurityGroup"
SECURITY_RULE = "azure-native:network:SecurityRule"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
PRIVATE_DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
PRIVATE_DNS_ZONE = "azure-native:privatedns:PrivateZone"
VNET_LINK = "azure-native:privatedns:VirtualNetworkLink"
RECORD_SET = "azure-native:privatedns:PrivateRecordSet"
ROUTE_TABLE = "azure-native:network:RouteTable"
_NAT_GATEWAY = "azure-native:network:NatGateway"


def _price_private_endpoint(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    return [
        Charge("pe.hour", "private endpoint", HOURS_PER_MONTH, "730 h", "fixed"),
        Charge(
            "pe.data",
            "data processed",
            usage.private_endpoint_gb_per_month,
            f"{fmt(usage.private_endpoint_gb_per_month)} GB",
            "usage",
            ("privateEndpointGbPerMonth",),
        ),
    ]


_PRIVATE_ENDPOINT_COST = Priced(
    (
        Meter(
            "pe.hour",
            "Virtual Network",
            "Virtual Network Private Link",
            "Standard",
            "Standard Private Endpoint",
            "1 Hour",
        ),
        Meter(
            "pe.data",
            "Virtual Network",
            "Virtual Network Private Link",
            "Standard",
            "Standard Data Processed - Ingress",
            "1 GB",
        ),
    ),
    _price_private_endpoint,
)


def _price_private_zone(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    return [Charge("dns.private_zone", "hosted private DNS zone", 1, "1 zone x 1 month", "fixed")]


_PRIVATE_ZONE_COST = Priced(
    (Meter("dns.private_zone", "Azure DNS", "Azure DNS", "Private", "Private Zone", "1/Month"),),
    _price_private_zone,
)


ORDER = 20
"""Where these records come in :data:`~azplatform.components.records.RECORDS` (lower first)."""

RECORDS = (
    TypeRecord(
        token=VIRTUAL_NETWORK,
        cost=Free("no charge (peering and gateways would be; the platform has none)"),
        label="Virtual network",
        tier=Tier.PLUMBING,  # drawn as the box around its subnets
        arm_id="{rg}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=0.3,
        create_time_basis="estimate",
        create_time_source=QUICK,
        create_time_note="with its subnets inline",
        prerequisites=(
            Prerequisite(NSG, "inline subnets reference their NSG by id; ARM rejects a dangling id"),
            Prerequisite(ROUTE_TABLE, "inline subnets reference their route table by id"),
            Prerequisite(_NAT_GATEWAY, "inline subnets reference their NAT gateway by id"),
        ),
        in_place=(
            # Address ranges can be added, modified or deleted on a live (even peered) VNet, without downtime.
            InPlace(
                "addressSpace",
                "https://learn.microsoft.com/azure/virtual-network/update-virtual-network-peering-address-space",
            ),
            # A delegation is added to or removed from an existing subnet by updating the VNet (Set-AzVirtualNetwork);
            # Azure refuses it while the subnet holds resources of another service, but never recreates the subnet.
            InPlace(
                "subnets[*].delegations", "https://learn.microsoft.com/powershell/module/az.network/remove-azdelegation"
            ),
        ),
    ),
    TypeRecord(
        token=SUBNET,
        cost=Free("no charge"),
        label="Subnet",
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}",
        parent=VIRTUAL_NETWORK,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        create_minutes=0.3,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite(VIRTUAL_NETWORK, "a subnet lives in its virtual network"),
            Prerequisite(NSG, "the subnet references its NSG by id"),
            Prerequisite(ROUTE_TABLE, "the subnet references its route table by id"),
            Prerequisite(_NAT_GATEWAY, "the subnet references its NAT gateway by id"),
        ),
    ),
    TypeRecord(
        token=ROUTE_TABLE,
        # "There is no charge for creating route tables": https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq
        cost=Free("no charge for route tables or user-defined routes"),
        label="Route table",
        # Drawn as its effect: the subnets it routes say so in the diagram (stacks/graph.py).
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.Network/routeTables/{routeTableName}",
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
        token=NSG,
        cost=Free("no charge"),
        label="Network security group",
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=0.2,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
    ),
    TypeRecord(
        token=SECURITY_RULE,
        cost=Free("no charge"),
        label="security rule",
        tier=Tier.PLUMBING,
        arm_id=(
            "{rg}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}"
            "/securityRules/{securityRuleName}"
        ),
        parent=NSG,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        create_minutes=0.1,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(Prerequisite(NSG, "a rule is a child of its NSG"),),
    ),
    TypeRecord(
        token=PRIVATE_ENDPOINT,
        cost=_PRIVATE_ENDPOINT_COST,
        label="Private endpoint",
        tier=Tier.NETWORK,
        arm_id="{rg}/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.METRICS,
        create_minutes=1.5,
        create_time_basis="estimate",
        create_time_source=(
            "estimate: no published duration; a private endpoint creates a NIC and a connection to its "
            "target, typically one to two minutes"
        ),
        prerequisites=(
            Prerequisite("*", "the endpoint connects to an existing target", via="privateLinkServiceConnections"),
            Prerequisite(VIRTUAL_NETWORK, "the endpoint's NIC goes in an existing subnet", via="subnet"),
            Prerequisite(SUBNET, "the endpoint's NIC goes in an existing subnet", via="subnet"),
        ),
    ),
    TypeRecord(
        token=PRIVATE_DNS_ZONE_GROUP,
        cost=Free("no charge (the endpoint and the zone are priced)"),
        label="private dns zone group",
        tier=Tier.PLUMBING,
        arm_id=(
            "{rg}/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}"
            "/privateDnsZoneGroups/{privateDnsZoneGroupName}"
        ),
        parent=PRIVATE_ENDPOINT,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        create_minutes=0.5,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite(PRIVATE_ENDPOINT, "a zone group is a child of its endpoint"),
            Prerequisite(PRIVATE_DNS_ZONE, "the group writes A records into an existing zone"),
        ),
    ),
    TypeRecord(
        token=PRIVATE_DNS_ZONE,
        cost=_PRIVATE_ZONE_COST,
        label="Private DNS zone",
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.Network/privateDnsZones/{privateZoneName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.METRICS,
        create_minutes=0.5,
        create_time_basis="estimate",
        create_time_source=QUICK,
        create_time_note="a global resource",
        prerequisites=(),
    ),
    TypeRecord(
        token=VNET_LINK,
        cost=Free("no charge for registration-off links"),
        label="virtual network link",
        tier=Tier.PLUMBING,
        arm_id=(
            "{rg}/providers/Microsoft.Network/privateDnsZones/{privateZoneName}"
            "/virtualNetworkLinks/{virtualNetworkLinkName}"
        ),
        parent=PRIVATE_DNS_ZONE,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.NONE,
        create_minutes=0.5,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite(PRIVATE_DNS_ZONE, "a link is a child of its zone"),
            Prerequisite(VIRTUAL_NETWORK, "the link references an existing virtual network"),
        ),
    ),
    TypeRecord(
        token=RECORD_SET,
        cost=Free("no charge (queries are not estimated)"),
        label="record set",
        tier=Tier.PLUMBING,
        arm_id=(
            "{rg}/providers/Microsoft.Network/privateDnsZones/{privateZoneName}/{recordType}/{relativeRecordSetName}"
        ),
        parent=PRIVATE_DNS_ZONE,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        create_minutes=0.1,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(
            Prerequisite(PRIVATE_DNS_ZONE, "a record set is a child of its zone"),
            Prerequisite("*", "the record holds an address known once its owner exists", via="aRecords"),
        ),
    ),
)

"""The VNet, its subnets and NSGs, private endpoints and private DNS."""

from __future__ import annotations

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
_ROUTE_TABLE = "azure-native:network:RouteTable"
_NAT_GATEWAY = "azure-native:network:NatGateway"

RECORDS = (
    TypeRecord(
        token=VIRTUAL_NETWORK,
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
            Prerequisite(_ROUTE_TABLE, "inline subnets reference their route table by id"),
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
            Prerequisite(_ROUTE_TABLE, "the subnet references its route table by id"),
            Prerequisite(_NAT_GATEWAY, "the subnet references its NAT gateway by id"),
        ),
    ),
    TypeRecord(
        token=NSG,
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

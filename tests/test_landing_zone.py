"""The platform in an enterprise landing zone: the example stack (examples/landing-zone) peers with the hub, uses the
central private DNS zones, sends egress through the hub's firewall and joins the DDoS plan; each mistake is refused
with its key path, by the stack file and by the component alike; the platform's own stacks configure none of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from azplatform.components.container_apps_environment import ContainerAppsEnvironmentArgs
from azplatform.components.private_network import PrivateNetworkArgs, SubnetRole
from azplatform.plan import Plan, PlannedResource
from azplatform.stacks.cli import main
from azplatform.stacks.config import required_private_dns_zones
from azplatform.stacks.graph import topology
from azplatform.stacks.offline import render_stack
from tests.conftest import stack_values
from tests.test_schema import RG, Case
from tests.test_schema import _stack_file_problem as stack_file_problem
from tests.test_schema import test_stack_file_and_component_refuse_alike as refused_alike

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "landing-zone"
VNET = "azure-native:network:VirtualNetwork"
ZONE = "azure-native:privatedns:PrivateZone"
ROUTE_TABLE = "azure-native:network:RouteTable"
HUB = (
    "/subscriptions/9a7f0c52-3c1d-4a8e-9f1b-2d6e5c4b3a10/resourceGroups/rg-hub/providers/Microsoft.Network/"
    "virtualNetworks/h"
)


@pytest.fixture(scope="module")
def example_network() -> dict[str, Any]:
    document = yaml.safe_load((EXAMPLE / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    network: dict[str, Any] = document["config"]["azplatform:network"]
    return network


@pytest.fixture(scope="module")
def landing_zone() -> Plan:
    return render_stack(EXAMPLE, "prod")


def _vnet(plan: Plan) -> PlannedResource:
    (vnet,) = plan.of_type(VNET)
    return vnet


def _subnets(plan: Plan) -> dict[str, dict[str, Any]]:
    return {subnet["name"]: subnet for subnet in _vnet(plan).inputs["subnets"]}


# --- the example -----------------------------------------------------------------------------------------------------
def test_the_vnet_peers_with_the_hub(landing_zone: Plan, example_network: dict[str, Any]) -> None:
    hub = example_network["hub"]
    (peering,) = _vnet(landing_zone).inputs["virtualNetworkPeerings"]
    assert peering["remoteVirtualNetwork"]["id"] == hub["virtualNetworkId"]
    assert peering["allowVirtualNetworkAccess"] is True and peering["allowForwardedTraffic"] is True
    assert peering["useRemoteGateways"] is hub["useRemoteGateways"] and peering["allowGatewayTransit"] is False
    assert _vnet(landing_zone).inputs["dhcpOptions"]["dnsServers"] == hub["dnsServers"]


def test_no_zone_of_the_central_ones_is_created_and_endpoints_use_the_central_zones(
    landing_zone: Plan, example_network: dict[str, Any]
) -> None:
    central = example_network["privateDnsZoneIds"]
    # No zone at all in the spoke: not the central ones, and not the Container Apps environment's default-domain
    # zone, which private-endpoint mode replaces with the central per-region privatelink zone.
    assert landing_zone.of_type(ZONE) == []
    assert landing_zone.of_type("azure-native:privatedns:VirtualNetworkLink") == []
    groups = landing_zone.of_type("azure-native:network:PrivateDnsZoneGroup")
    # Key Vault, registry, Redis, Cosmos DB, PostgreSQL, Service Bus, prod's two AI services accounts and the
    # Container Apps environment.
    assert len(groups) == 9
    for group in groups:
        for config in group.inputs["privateDnsZoneConfigs"]:
            assert config["privateDnsZoneId"] in central.values(), group.name


def test_the_environment_is_reached_through_its_private_endpoint_in_the_central_zone(
    landing_zone: Plan, example_network: dict[str, Any]
) -> None:
    (environment,) = landing_zone.of_type("azure-native:app:ManagedEnvironment")
    # Closed to the internet (public network access off), so Azure lets it take private endpoints.
    assert environment.inputs["publicNetworkAccess"] == "Disabled"
    assert environment.inputs["vnetConfiguration"]["internal"] is False
    (endpoint,) = [
        e
        for e in landing_zone.of_type("azure-native:network:PrivateEndpoint")
        if e.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["managedEnvironments"]
    ]
    connection = endpoint.inputs["privateLinkServiceConnections"][0]["privateLinkServiceId"]
    assert connection.endswith(f"/managedEnvironments/{environment.inputs['environmentName']}")
    assert endpoint.inputs["subnet"]["id"].endswith("/subnets/snet-azp-pep-prod-weu")
    (group,) = [
        g
        for g in landing_zone.of_type("azure-native:network:PrivateDnsZoneGroup")
        if g.inputs["privateEndpointName"] == endpoint.inputs["privateEndpointName"]
    ]
    zone = "privatelink.westeurope.azurecontainerapps.io"
    assert [c["privateDnsZoneId"] for c in group.inputs["privateDnsZoneConfigs"]] == [
        example_network["privateDnsZoneIds"][zone]
    ]


def test_api_management_registers_its_names_in_the_central_zone(
    landing_zone: Plan, example_network: dict[str, Any]
) -> None:
    central_id = example_network["privateDnsZoneIds"]["azure-api.net"]
    subscription, group = central_id.split("/")[2], central_id.split("/")[4]
    (provider,) = [r for r in landing_zone.resources if r.type == "pulumi:providers:azure-native"]
    assert provider.inputs["subscriptionId"] == subscription
    records = [r for r in landing_zone.of_type("azure-native:privatedns:PrivateRecordSet") if "apim" in r.name]
    (service,) = landing_zone.of_type("azure-native:apimanagement:ApiManagementService")
    name = service.inputs["serviceName"]
    assert {r.inputs["relativeRecordSetName"] for r in records} >= {name, f"{name}.management", f"{name}.scm"}
    for record in records:
        assert record.inputs["resourceGroupName"] == group and record.inputs["privateZoneName"] == "azure-api.net"
        assert record.provider is not None and record.provider.startswith(provider.urn)


def test_egress_goes_through_the_firewall_on_the_subnets_that_take_it(
    landing_zone: Plan, example_network: dict[str, Any]
) -> None:
    firewall = example_network["egress"]["firewallPrivateIp"]
    tables = {table.inputs["routeTableName"]: table for table in landing_zone.of_type(ROUTE_TABLE)}
    subnets = _subnets(landing_zone)
    routed = {name: s["routeTable"]["id"].rsplit("/", 1)[-1] for name, s in subnets.items() if s.get("routeTable")}
    assert set(routed) == {"snet-azp-aca-prod-weu", "snet-azp-pep-prod-weu", "snet-azp-apim-prod-weu"}
    assert "routeTable" not in subnets["snet-azp-agw-prod-weu"]  # Application Gateway v2 cannot take one
    for subnet, table_name in routed.items():
        table = tables[table_name]
        default = [r for r in table.inputs["routes"] if r["addressPrefix"] == "0.0.0.0/0"]
        assert default == [
            {
                "name": "default-to-firewall",
                "addressPrefix": "0.0.0.0/0",
                "nextHopType": "VirtualAppliance",
                "nextHopIpAddress": firewall,
            }
        ], subnet
        assert table.inputs["disableBgpRoutePropagation"] is True
    apim_routes = {r["addressPrefix"]: r["nextHopType"] for r in tables["rt-azp-apim-prod-weu"].inputs["routes"]}
    assert apim_routes["ApiManagement"] == "Internet"


def test_the_vnet_joins_the_ddos_plan(landing_zone: Plan, example_network: dict[str, Any]) -> None:
    vnet = _vnet(landing_zone).inputs
    assert vnet["enableDdosProtection"] is True
    assert vnet["ddosProtectionPlan"]["id"] == example_network["ddosProtectionPlanId"]


def test_the_graph_shows_the_hub_the_firewall_and_the_routed_subnets(
    landing_zone: Plan, example_network: dict[str, Any]
) -> None:
    topo = topology(landing_zone)
    external = {node.lines[0] for node in topo.nodes if node.internet}
    firewall = example_network["egress"]["firewallPrivateIp"]
    assert "Hub VNet vnet-hub-weu (external, peered)" in external and f"Firewall {firewall} (external)" in external
    routed = {g.label.split(" · ")[0] for g in topo.groups if g.label.endswith(f"0.0.0.0/0 → firewall {firewall}")}
    assert routed == {"snet-azp-aca-prod-weu", "snet-azp-pep-prod-weu", "snet-azp-apim-prod-weu"}
    assert any(e.source.startswith("fw_") and e.target == "internet" and e.label == "egress" for e in topo.edges)


def test_the_example_passes_policy(landing_zone: Plan) -> None:
    assert [v for v in landing_zone.violations if v.level == "mandatory"] == []


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_platform_stacks_configure_none_of_it(plans: dict[str, Plan], stack: str) -> None:
    vnet = _vnet(plans[stack]).inputs
    assert not vnet.get("virtualNetworkPeerings") and "ddosProtectionPlan" not in vnet and "dhcpOptions" not in vnet
    assert plans[stack].of_type(ROUTE_TABLE) == []
    assert not [r for r in plans[stack].resources if r.type.startswith("pulumi:providers:")]


def test_the_cli_renders_the_example(tmp_path: Path) -> None:
    out = tmp_path / "lz.json"
    assert main(["plan", "--project-dir", str(EXAMPLE), "--stack", "prod", "--json", str(out)]) == 0
    assert Plan.load(out).of_type(ROUTE_TABLE)


# --- mistakes --------------------------------------------------------------------------------------------------------
def _net(**kwargs: Any) -> Callable[[], object]:
    subnets = [
        {"name": "snet-agw", "role": "gateway", "cidr": "10.30.0.0/24"},
        {"name": "snet-aca", "role": "containerApps", "cidr": "10.30.2.0/23"},
        {"name": "snet-pep", "role": "privateEndpoints", "cidr": "10.30.4.0/27"},
    ]
    base = {"name": "vnet-unit", "resource_group_name": RG, "location": "westeurope", "address_space": "10.30.0.0/16"}
    return lambda: PrivateNetworkArgs.model_validate({**base, "subnets": subnets, **kwargs})


_ZONE_ID = "/subscriptions/9a7f0c52-3c1d-4a8e-9f1b-2d6e5c4b3a10/resourceGroups/rg-dns/providers/Microsoft.Network/"
CASES = [
    Case(
        "hub prefixes overlap the VNet",
        {"network": {"hub": {"virtualNetworkId": HUB, "addressPrefixes": ["10.30.128.0/17"]}}},
        "network.hub.addressPrefixes.0",
        _net(hub={"virtual_network_id": HUB, "address_prefixes": ["10.30.128.0/17"]}),
        "Azure cannot peer networks whose address spaces overlap",
    ),
    Case(
        "hub id that is not a virtual network",
        {"network": {"hub": {"virtualNetworkId": HUB.replace("virtualNetworks", "networkSecurityGroups")}}},
        "network.hub.virtualNetworkId",
        _net(hub={"virtual_network_id": HUB.replace("virtualNetworks", "x"), "address_prefixes": ["10.0.0.0/22"]}),
        "not the id of a Microsoft.Network/virtualNetworks resource",
    ),
    Case(
        "zone id that is not a private DNS zone id",
        {"network": {"privateDnsZoneIds": {"privatelink.vaultcore.azure.net": _ZONE_ID + "dnszones/x.net"}}},
        "network.privateDnsZoneIds.privatelink.vaultcore.azure.net",
        _net(private_dns_zone_ids={"privatelink.vaultcore.azure.net": _ZONE_ID + "dnszones/x.net"}),
        "not the id of a Microsoft.Network/privateDnsZones resource",
    ),
    Case(
        "zone id of another zone than its key",
        {
            "network": {
                "privateDnsZoneIds": {
                    "privatelink.vaultcore.azure.net": _ZONE_ID + "privateDnsZones/privatelink.azurecr.io"
                }
            }
        },
        "network.privateDnsZoneIds.privatelink.vaultcore.azure.net",
        _net(
            private_dns_zone_ids={
                "privatelink.vaultcore.azure.net": _ZONE_ID + "privateDnsZones/privatelink.azurecr.io"
            }
        ),
        "names the zone 'privatelink.azurecr.io'",
    ),
    Case(
        "firewall IP outside the private ranges",
        {"network": {"egress": {"firewallPrivateIp": "20.50.1.4"}}},
        "network.egress.firewallPrivateIp",
        _net(egress={"firewall_private_ip": "20.50.1.4"}),
        "must be a private (RFC 1918) address",
    ),
    Case(
        "firewall IP inside the spoke",
        {"network": {"egress": {"firewallPrivateIp": "10.30.9.4"}}},
        "network.egress.firewallPrivateIp",
        _net(egress={"firewall_private_ip": "10.30.9.4"}),
        "is inside this VNet's address",
    ),
    Case(
        "a default route on the Application Gateway subnet",
        {"network": {"egress": {"firewallPrivateIp": "10.0.0.4", "subnets": ["containerApps", "gateway"]}}},
        "network.egress.subnets.1",
        _net(egress={"firewall_private_ip": "10.0.0.4", "subnets": ["containerApps", "gateway"]}),
        "Application Gateway v2 does not support a 0.0.0.0/0 route to a virtual appliance",
    ),
    Case(
        "ddos plan id of another type",
        {"network": {"ddosProtectionPlanId": HUB}},
        "network.ddosProtectionPlanId",
        _net(ddos_protection_plan_id=HUB),
        "not the id of a Microsoft.Network/ddosProtectionPlans resource",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_landing_zone_mistakes_are_refused_by_stack_file_and_component(case: Case) -> None:
    refused_alike(case)


def test_a_missing_central_zone_is_named() -> None:
    given = {"privatelink.vaultcore.azure.net": _ZONE_ID + "privateDnsZones/privatelink.vaultcore.azure.net"}
    error = stack_file_problem({"network": {"privateDnsZoneIds": given}})
    (problem,) = [p for p in error.problems if p.path == "network.privateDnsZoneIds"]
    for zone in ("privatelink.azurecr.io", "privatelink.redis.azure.net", "azure-api.net"):
        assert zone in problem.message
    assert "privatelink.vaultcore.azure.net'" not in problem.message.split("not")[1]


def test_the_zones_a_stack_needs_follow_what_it_enables() -> None:
    base = required_private_dns_zones({"serviceBus": {"sku": "Standard"}})
    assert "privatelink.servicebus.windows.net" not in base and "azure-api.net" not in base
    full = required_private_dns_zones({"serviceBus": {"sku": "Premium"}, "postgres": {}, "apim": {}})
    assert set(full) - set(base) == {
        "privatelink.servicebus.windows.net",
        "privatelink.postgres.database.azure.com",
        "azure-api.net",
    }


def test_an_egress_subnet_the_network_lacks_is_refused() -> None:
    with pytest.raises(ValidationError, match="names 'apim', which is not a subnet here"):
        _net(egress={"firewall_private_ip": "10.0.0.4", "subnets": ["apim"]})()


def test_a_bad_landing_zone_exits_2_naming_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (EXAMPLE / "Pulumi.prod.yaml").read_text(encoding="utf-8").replace("10.0.0.0/22", "10.60.0.0/22")
    (tmp_path / "Pulumi.prod.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "Pulumi.yaml").write_text((EXAMPLE / "Pulumi.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "__main__.py").write_text((EXAMPLE / "__main__.py").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["plan", "--project-dir", str(tmp_path), "--stack", "prod"]) == 2
    err = capsys.readouterr().err
    assert "network.hub.addressPrefixes" in err and "overlap" in err and "Traceback" not in err
    assert SubnetRole.GATEWAY.value == "gateway"


def test_central_dns_with_an_internal_environment_names_the_way_out() -> None:
    given = {
        zone: _ZONE_ID + f"privateDnsZones/{zone}"
        for zone in required_private_dns_zones({**stack_values("prod"), "containerApps": {"access": "privateEndpoint"}})
    }
    error = stack_file_problem({"network": {"privateDnsZoneIds": given}, "containerApps": {"access": "internal"}})
    problem = error.problems[0]  # the root cause first
    assert problem.path == "containerApps.access"
    assert "set it to 'privateEndpoint'" in problem.message
    assert "privatelink.westeurope.azurecontainerapps.io" in problem.message


def test_private_endpoint_mode_needs_its_regions_zone() -> None:
    zones = required_private_dns_zones({"location": "swedencentral", "containerApps": {"access": "privateEndpoint"}})
    assert "privatelink.swedencentral.azurecontainerapps.io" in zones
    assert not [z for z in required_private_dns_zones({"location": "swedencentral"}) if "azurecontainerapps" in z]


def _environment(**kwargs: Any) -> ContainerAppsEnvironmentArgs:
    base = {
        "name": "cae-unit",
        "resource_group_name": RG,
        "location": "westeurope",
        "infrastructure_subnet_id": f"{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/snet-aca",
    }
    return ContainerAppsEnvironmentArgs.model_validate({**base, **kwargs})


@pytest.mark.parametrize(
    ("kwargs", "argument", "message"),
    [
        (
            {"vnet_id": "v", "private_endpoints": [{"subnet_id": "s", "private_dns_zone_ids": ["z"]}]},
            "private_endpoints",
            "only for access",
        ),
        ({}, "vnet_id", "is required with access 'internal'"),
        ({"access": "privateEndpoint"}, "private_endpoints", "needs at least one endpoint"),
    ],
)
def test_the_environment_component_refuses_an_access_mode_it_cannot_serve(
    kwargs: dict[str, Any], argument: str, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        _environment(**kwargs)
    (error,) = info.value.errors()
    assert f"{argument}: " in error["msg"] and message in error["msg"]


def test_the_environment_component_in_private_endpoint_mode() -> None:
    args = _environment(access="privateEndpoint", private_endpoints=[{"subnet_id": "s", "private_dns_zone_ids": ["z"]}])
    assert args.vnet_id is None and len(args.private_endpoints) == 1


def test_the_example_without_private_endpoint_mode_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (EXAMPLE / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    assert "    access: privateEndpoint\n" in text
    internal = text.replace("    access: privateEndpoint\n", "    access: internal\n")
    (tmp_path / "Pulumi.prod.yaml").write_text(internal, encoding="utf-8")
    for name in ("Pulumi.yaml", "__main__.py"):
        (tmp_path / name).write_text((EXAMPLE / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["plan", "--project-dir", str(tmp_path), "--stack", "prod"]) == 2
    err = capsys.readouterr().err
    assert "1 configuration problem" in err and "Traceback" not in err
    assert "azplatform:containerApps.access = 'internal'" in err and "set it to 'privateEndpoint'" in err

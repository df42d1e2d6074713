"""The foundation on the rendered plans: network layout and NSGs, private DNS, Key Vault, observability,
names, tags, protection and the dependency edges that must exist."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from azplatform.components.naming import Kind
from azplatform.plan.environments import traits
from azplatform.policy.model import EXEMPTION_EXPIRES_TAG, EXEMPTIONS_TAG
from azplatform.stacks.config import load_platform_config
from azplatform.stacks.offline import Plan, PlannedResource
from azplatform.stacks.platform import platform_tags
from tests.conftest import STACKS, stack_values

VNET = "azure-native:network:VirtualNetwork"
NSG = "azure-native:network:NetworkSecurityGroup"
ZONE = "azure-native:privatedns:PrivateZone"
LINK = "azure-native:privatedns:VirtualNetworkLink"
VAULT = "azure-native:keyvault:Vault"
PEP = "azure-native:network:PrivateEndpoint"
ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
DIAG = "azure-native:monitor:DiagnosticSetting"
LOCK = "azure-native:authorization:ManagementLockByScope"
WORKSPACE = "azure-native:operationalinsights:Workspace"
APPI = "azure-native:applicationinsights:Component"


def _subnets(plan: Plan) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in plan.one(VNET).inputs["subnets"]}


def _by_id_suffix(plan: Plan, type_token: str, suffix: str) -> PlannedResource:
    """The resource whose ARM name (last id segment) is ``suffix``, matched through its name inputs."""
    for resource in plan.of_type(type_token):
        if suffix in resource.inputs.values():
            return resource
    raise LookupError(suffix)


# --- network ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_vnet_has_one_subnet_per_tier_inside_its_address_space(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    vnet = plan.one(VNET)
    space = ipaddress.IPv4Network(vnet.inputs["addressSpace"]["addressPrefixes"][0])
    assert str(space) == config.network.address_space
    subnets = _subnets(plan)
    namer = config.namer
    expected = {
        namer.name(Kind.SUBNET, "agw"): config.network.subnets.gateway,
        namer.name(Kind.SUBNET, "apim"): config.network.subnets.apim,
        namer.name(Kind.SUBNET, "aca"): config.network.subnets.container_apps,
        namer.name(Kind.SUBNET, "pep"): config.network.subnets.private_endpoints,
    }
    assert {name: s["addressPrefix"] for name, s in subnets.items()} == expected
    for prefix in expected.values():
        assert ipaddress.IPv4Network(prefix).subnet_of(space)


@pytest.mark.parametrize("stack", STACKS)
def test_every_subnet_has_its_own_nsg(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    nsg_names = {r.inputs["networkSecurityGroupName"] for r in plan.of_type(NSG)}
    attached = [s["networkSecurityGroup"]["id"].rsplit("/", 1)[-1] for s in _subnets(plan).values()]
    assert sorted(attached) == sorted(nsg_names)
    assert len(set(attached)) == len(attached) == 4


def test_container_apps_subnet_is_delegated_and_others_are_not(prod_plan: Plan) -> None:
    delegated = {name: [d["serviceName"] for d in s.get("delegations", [])] for name, s in _subnets(prod_plan).items()}
    assert delegated["snet-azp-aca-prod-weu"] == ["Microsoft.App/environments"]
    # Classic APIM injection must not be delegated.
    assert delegated["snet-azp-apim-prod-weu"] == []
    assert delegated["snet-azp-agw-prod-weu"] == []


def test_private_endpoint_subnet_enforces_nsg_and_has_no_default_outbound(prod_plan: Plan) -> None:
    subnet = _subnets(prod_plan)["snet-azp-pep-prod-weu"]
    assert subnet["privateEndpointNetworkPolicies"] == "Enabled"
    assert subnet["defaultOutboundAccess"] is False


def _rules(plan: Plan, nsg_name: str) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in _by_id_suffix(plan, NSG, nsg_name).inputs["securityRules"]}


def test_gateway_nsg_allows_gateway_manager_and_https(prod_plan: Plan) -> None:
    rules = _rules(prod_plan, "nsg-azp-agw-prod-weu")
    manager = rules["allow-gateway-manager"]
    assert (manager["sourceAddressPrefix"], manager["destinationPortRange"], manager["access"]) == (
        "GatewayManager",
        "65200-65535",
        "Allow",
    )
    assert rules["allow-https-from-internet"]["sourceAddressPrefix"] == "Internet"
    assert rules["allow-https-from-internet"]["destinationPortRange"] == "443"


def test_apim_nsg_allows_management_endpoint_and_load_balancer(prod_plan: Plan) -> None:
    rules = _rules(prod_plan, "nsg-azp-apim-prod-weu")
    assert rules["allow-apim-management"]["sourceAddressPrefix"] == "ApiManagement"
    assert rules["allow-apim-management"]["destinationPortRange"] == "3443"
    assert rules["allow-azure-load-balancer"]["destinationPortRange"] == "6390"


@pytest.mark.parametrize("nsg", ["nsg-azp-apim-prod-weu", "nsg-azp-aca-prod-weu", "nsg-azp-pep-prod-weu"])
def test_private_tiers_deny_internet_inbound(prod_plan: Plan, nsg: str) -> None:
    rules = _rules(prod_plan, nsg)
    deny = rules["deny-internet-inbound"]
    assert (deny["access"], deny["direction"], deny["sourceAddressPrefix"]) == ("Deny", "Inbound", "Internet")
    allows_internet = [r for r in rules.values() if r["access"] == "Allow" and r["sourceAddressPrefix"] == "Internet"]
    assert allows_internet == []


def test_nsg_priorities_are_unique_per_direction(prod_plan: Plan) -> None:
    for nsg in prod_plan.of_type(NSG):
        seen = [(r["direction"], r["priority"]) for r in nsg.inputs["securityRules"]]
        assert len(seen) == len(set(seen)), nsg.name


# --- private DNS -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_private_dns_zones_are_linked_to_the_vnet(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    vnet = plan.one(VNET)
    zones = {z.inputs["privateZoneName"]: z for z in plan.of_type(ZONE)}
    assert {"privatelink.vaultcore.azure.net", "privatelink.documents.azure.com", "privatelink.azurecr.io"} <= set(
        zones
    )
    links = {link.inputs["privateZoneName"]: link for link in plan.of_type(LINK)}
    assert set(links) == set(zones)
    for zone_name, link in links.items():
        assert link.inputs["registrationEnabled"] is False
        assert link.inputs["virtualNetwork"]["id"].endswith(f"/virtualNetworks/{vnet.inputs['virtualNetworkName']}")
        # The link waits for the zone and the VNet.
        assert zones[zone_name].urn in link.dependencies
        assert vnet.urn in link.dependencies
        assert zones[zone_name].inputs["location"] == "global"


# --- Key Vault --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_key_vault_is_private_rbac_and_purge_protected(plans: dict[str, Plan], stack: str) -> None:
    props = plans[stack].one(VAULT).inputs["properties"]
    assert props["publicNetworkAccess"] == "Disabled"
    assert props["networkAcls"]["defaultAction"] == "Deny"
    assert props["enableRbacAuthorization"] is True
    assert props["enablePurgeProtection"] is True
    assert props["enableSoftDelete"] is True
    assert props["softDeleteRetentionInDays"] == 90


def test_prod_key_vault_is_premium_and_dev_standard(plans: dict[str, Plan]) -> None:
    assert plans["prod"].one(VAULT).inputs["properties"]["sku"]["name"] == "premium"
    assert plans["dev"].one(VAULT).inputs["properties"]["sku"]["name"] == "standard"


@pytest.mark.parametrize("stack", STACKS)
def test_key_vault_has_a_private_endpoint_registered_in_the_vault_zone(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    vault = plan.one(VAULT)
    endpoint = next(p for p in plan.of_type(PEP) if vault.urn in p.dependencies)
    connection = endpoint.inputs["privateLinkServiceConnections"][0]
    assert connection["groupIds"] == ["vault"]
    assert connection["privateLinkServiceId"].endswith(f"/vaults/{vault.inputs['vaultName']}")
    assert endpoint.inputs["subnet"]["id"].endswith("/subnets/" + f"snet-azp-pep-{traits(stack).code}-weu")
    group = next(g for g in plan.of_type(ZONE_GROUP) if endpoint.urn in g.dependencies)
    zone_id = group.inputs["privateDnsZoneConfigs"][0]["privateDnsZoneId"]
    assert zone_id.endswith("/privateDnsZones/privatelink.vaultcore.azure.net")
    zone = next(z for z in plan.of_type(ZONE) if z.inputs["privateZoneName"] == "privatelink.vaultcore.azure.net")
    assert zone.urn in group.dependencies


def test_key_vault_tenant_comes_from_the_client_config(prod_plan: Plan) -> None:
    from azplatform.components.records.offline import TENANT_ID

    assert prod_plan.one(VAULT).inputs["properties"]["tenantId"] == TENANT_ID


# --- observability and diagnostics ---------------------------------------------------------------------------


def test_workspace_retention_follows_the_environment(plans: dict[str, Plan]) -> None:
    assert {s: plans[s].one(WORKSPACE).inputs["retentionInDays"] for s in STACKS} == {
        "dev": 30,
        "staging": 60,
        "prod": 90,
    }


@pytest.mark.parametrize("stack", STACKS)
def test_observability_uses_entra_auth_only(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    assert plan.one(WORKSPACE).inputs["features"]["disableLocalAuth"] is True
    appi = plan.one(APPI).inputs
    assert appi["disableLocalAuth"] is True
    assert appi["ingestionMode"] == "LogAnalytics"
    assert appi["workspaceResourceId"].endswith("/workspaces/log-azp-" + f"{traits(stack).code}-weu")


@pytest.mark.parametrize("stack", STACKS)
def test_diagnostic_settings_cover_vault_vnet_nsgs_and_observability(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    workspace = plan.one(WORKSPACE)
    targets = {d.inputs["resourceUri"].rsplit("/", 1)[-1] for d in plan.of_type(DIAG)}
    expected = {
        plan.one(VAULT).inputs["vaultName"],
        plan.one(VNET).inputs["virtualNetworkName"],
        workspace.inputs["workspaceName"],
        plan.one(APPI).inputs["resourceName"],
        *(n.inputs["networkSecurityGroupName"] for n in plan.of_type(NSG)),
    }
    assert expected <= targets
    for setting in plan.of_type(DIAG):
        assert setting.inputs["workspaceId"].endswith("/workspaces/" + workspace.inputs["workspaceName"])
        assert workspace.urn in setting.dependencies


def test_nsg_diagnostics_ask_for_logs_only(prod_plan: Plan) -> None:
    nsg_settings = [d for d in prod_plan.of_type(DIAG) if "/networkSecurityGroups/" in d.inputs["resourceUri"]]
    assert len(nsg_settings) == 4
    for setting in nsg_settings:
        assert setting.inputs["logs"] == [{"categoryGroup": "allLogs", "enabled": True}]
        assert "metrics" not in setting.inputs


def test_app_insights_connection_string_is_exported_as_a_secret(prod_plan: Plan) -> None:
    assert prod_plan.outputs["appInsightsConnectionString"] == "[secret]"
    assert prod_plan.outputs["keyVaultUri"] == "https://kv-azp-prod-weu-i8c0x.vault.azure.net/"


# --- protection -------------------------------------------------------------------------------------------


def test_prod_stateful_resources_are_protected_and_locked(prod_plan: Plan) -> None:
    for type_token in (VAULT, WORKSPACE):
        resource = prod_plan.one(type_token)
        assert resource.protect is True
        locks = [lock for lock in prod_plan.of_type(LOCK) if resource.urn in lock.dependencies]
        assert [lock.inputs["level"] for lock in locks] == ["CanNotDelete"]


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_non_prod_stateful_resources_are_not_locked(plans: dict[str, Plan], stack: str) -> None:
    assert plans[stack].one(VAULT).protect is False
    assert plans[stack].of_type(LOCK) == []


def test_key_vault_declares_properties_azure_cannot_change_in_place(prod_plan: Plan) -> None:
    # The tenant id is updated in place after a subscription move, so only the region is fixed.
    assert set(prod_plan.one(VAULT).options.replaceOnChanges) == {"location"}


# --- names and tags ---------------------------------------------------------------------------------------


def test_names_follow_caf_abbreviations(prod_plan: Plan) -> None:
    assert prod_plan.one("azure-native:resources:ResourceGroup").inputs["resourceGroupName"] == "rg-azp-prod-weu"
    assert prod_plan.one(VNET).inputs["virtualNetworkName"] == "vnet-azp-prod-weu"
    assert prod_plan.one(VAULT).inputs["vaultName"].startswith("kv-azp-prod-weu-")
    assert prod_plan.one(WORKSPACE).inputs["workspaceName"] == "log-azp-prod-weu"
    assert prod_plan.one(APPI).inputs["resourceName"] == "appi-azp-prod-weu"


def test_globally_unique_names_differ_between_environments(plans: dict[str, Plan]) -> None:
    names = {plans[s].one(VAULT).inputs["vaultName"] for s in STACKS}
    assert len(names) == 3


@pytest.mark.parametrize("stack", STACKS)
def test_every_taggable_resource_carries_the_platform_tags(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    expected = platform_tags(load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml"))
    assert expected["environment"] == stack
    tagged = [r for r in plan.resources if r.custom and "tags" in r.inputs]
    assert len(tagged) >= 15
    for resource in tagged:
        # An explicit policy exception (policyExemptions, with its last day) is the only tag a resource may add.
        tags = {k: v for k, v in resource.inputs["tags"].items() if k not in (EXEMPTIONS_TAG, EXEMPTION_EXPIRES_TAG)}
        assert tags == expected, resource.name


@pytest.mark.parametrize("stack", STACKS)
def test_taggable_types_are_never_left_untagged(plans: dict[str, Plan], stack: str) -> None:
    taggable = {VNET, NSG, ZONE, LINK, VAULT, PEP, WORKSPACE, APPI, "azure-native:resources:ResourceGroup"}
    untagged = [r.name for r in plans[stack].resources if r.type in taggable and "tags" not in r.inputs]
    assert untagged == []


# --- dependency edges -------------------------------------------------------------------------------------


def test_vnet_waits_for_its_nsgs(prod_plan: Plan) -> None:
    vnet = prod_plan.one(VNET)
    assert {n.urn for n in prod_plan.of_type(NSG)} <= set(vnet.propertyDependencies["subnets"])


def test_private_endpoint_targets_the_vault_through_an_output_edge(prod_plan: Plan) -> None:
    vault = prod_plan.one(VAULT)
    endpoint = next(p for p in prod_plan.of_type(PEP) if vault.urn in p.dependencies)
    assert vault.urn in endpoint.propertyDependencies["privateLinkServiceConnections"]
    assert prod_plan.one(VNET).urn in endpoint.propertyDependencies["subnet"]


def test_app_insights_waits_for_its_workspace(prod_plan: Plan) -> None:
    assert prod_plan.one(WORKSPACE).urn in prod_plan.one(APPI).propertyDependencies["workspaceResourceId"]


@pytest.mark.parametrize("stack", STACKS)
def test_every_custom_resource_is_parented_under_the_platform(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    platform = plan.one("azplatform:index:Platform")
    orphans = [r.name for r in plan.resources if r.custom and r.parent is None]
    assert orphans == []
    assert platform.parent is None


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_secrets_near_expiry_reach_the_action_group(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    vault = plan.one("azure-native:keyvault:Vault")
    topic = plan.one("azure-native:eventgrid:SystemTopic")
    assert topic.inputs["source"].endswith(f"/providers/Microsoft.KeyVault/vaults/{vault.inputs['vaultName']}")
    assert topic.inputs["topicType"] == "Microsoft.KeyVault.vaults"
    subscription = plan.one("azure-native:eventgrid:SystemTopicEventSubscription")
    assert subscription.inputs["filter"]["includedEventTypes"] == ["Microsoft.KeyVault.SecretNearExpiry"]
    destination = subscription.inputs["destination"]
    assert destination["endpointType"] == "MonitorAlert"
    group = plan.one("azure-native:monitor:ActionGroup").inputs["actionGroupName"]
    (action_group,) = destination["actionGroups"]
    assert action_group.endswith(f"/providers/Microsoft.Insights/actionGroups/{group}")

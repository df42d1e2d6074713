"""The edge on the rendered plans: Internet -> public IP -> Application Gateway (WAF_v2) -> API Management
(internal) -> Container Apps, with one public entry point in every environment."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest

from azplatform.components.rbac import BuiltInRole
from azplatform.components.records.offline import SUBSCRIPTION_ID
from azplatform.policy.model import Resource
from azplatform.policy.rules.network import trusted_services_only
from azplatform.stacks.offline import Plan, PlannedResource
from tests.apim_reference import problems
from tests.conftest import STACKS, render_variant

AGW = "azure-native:network:ApplicationGateway"
WAF = "azure-native:network:WebApplicationFirewallPolicy"
PIP = "azure-native:network:PublicIPAddress"
APIM = "azure-native:apimanagement:ApiManagementService"
BACKEND = "azure-native:apimanagement:Backend"
API = "azure-native:apimanagement:Api"
OPERATION = "azure-native:apimanagement:ApiOperation"
API_POLICY = "azure-native:apimanagement:ApiPolicy"
NAMED_VALUE = "azure-native:apimanagement:NamedValue"
LOGGER = "azure-native:apimanagement:Logger"
APIM_DIAGNOSTIC = "azure-native:apimanagement:Diagnostic"
CACHE = "azure-native:apimanagement:Cache"
RECORD = "azure-native:privatedns:PrivateRecordSet"
ZONE = "azure-native:privatedns:PrivateZone"
LINK = "azure-native:privatedns:VirtualNetworkLink"
ROLE = "azure-native:authorization:RoleAssignment"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
VAULT = "azure-native:keyvault:Vault"
APPI = "azure-native:applicationinsights:Component"
DIAG = "azure-native:monitor:DiagnosticSetting"
LOCK = "azure-native:authorization:ManagementLockByScope"
NSG = "azure-native:network:NetworkSecurityGroup"


@pytest.fixture(scope="session")
def direct_plan() -> Plan:
    """dev without API Management: the gateway sends traffic straight to the api app."""
    return render_variant("dev", {"apim": None})


@pytest.fixture(scope="session")
def max_plan() -> Plan:
    """staging with every edge option on: explicit zones, pool, external cache, named values, geo filter."""
    return render_variant(
        "staging",
        {
            "appGateway": {
                "customRules": [
                    {"kind": "rateLimit", "name": "perClientIp", "priority": 10, "threshold": 500},
                    {
                        "kind": "rateLimit",
                        "name": "chatBurst",
                        "priority": 20,
                        "threshold": 50,
                        "durationMinutes": 5,
                        "pathPrefix": "/openai/",
                    },
                    {"kind": "geoFilter", "priority": 5, "allowedCountries": ["NL", "DE", "BE"]},
                ],
                "exclusions": [
                    {
                        "matchVariable": "RequestHeaderNames",
                        "selectorMatchOperator": "Equals",
                        "selector": "x-prompt",
                        "ruleGroup": "SQLI",
                        "ruleIds": ["942100"],
                    },
                ],
            },
            "apim": {
                "capacity": 2,
                "zones": ["1", "2"],
                "developerPortal": True,
                "namedValues": {"openai-key": "openai-api-key"},
                "externalCache": {"connectionStringSecret": "apim-redis-connection"},
                "apis": {
                    # A cache of the user's own instead of the platform's Redis: staging's semantic cache goes.
                    "ai": {"backend": {"embeddings": None}, "policies": {"semanticCache": None}},
                    "chat": {
                        "path": "openai",
                        "backend": {
                            "pool": [
                                {"app": "api", "priority": 1, "weight": 70},
                                {"url": "https://fallback.example.com", "priority": 2},
                            ],
                            "circuitBreaker": {"failures": 3, "tripSeconds": 120},
                        },
                        "operations": [{"method": "POST", "urlTemplate": "/deployments/{deployment}/chat/completions"}],
                        "policies": {
                            "tokenLimit": {"flavor": "azure-openai", "tokensPerMinute": 1000},
                            "tokenMetrics": {"flavor": "azure-openai"},
                            "quota": {"calls": 10000, "renewalPeriodSeconds": 86400, "key": "caller"},
                            "cache": {"durationSeconds": 30, "privateResponses": True},
                            "setBody": {"body": '{"error": "{{body.error}}"}', "liquid": True},
                        },
                    },
                },
            },
            "redis": {"accessKeysForApimCache": False, "accessKeysExpireOn": None},
        },
    )


def _all_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_strings(item)


def _policy(plan: Plan, api: str = "api") -> ET.Element:
    policy = next(p for p in plan.of_type(API_POLICY) if p.name.endswith(f"-api-{api}-policy"))
    return ET.fromstring(policy.inputs["value"])


def _grants(plan: Plan, role: BuiltInRole) -> list[PlannedResource]:
    return [r for r in plan.of_type(ROLE) if r.inputs["roleDefinitionId"].endswith(role.value)]


# --- Application Gateway and WAF -----------------------------------------------------------------------------


def test_prod_gateway_is_waf_v2_autoscaled_over_three_zones(prod_plan: Plan) -> None:
    gateway = prod_plan.one(AGW).inputs
    assert gateway["sku"] == {"name": "WAF_v2", "tier": "WAF_v2"}
    assert "capacity" not in gateway["sku"]  # autoscale, not a fixed count
    assert gateway["autoscaleConfiguration"] == {"minCapacity": 2, "maxCapacity": 10}
    assert gateway["zones"] == ["1", "2", "3"]
    assert gateway["enableHttp2"] is True


def test_dev_gateway_is_regional_and_scales_from_zero(dev_plan: Plan) -> None:
    gateway = dev_plan.one(AGW).inputs
    assert gateway["sku"]["name"] == "WAF_v2"
    assert gateway["autoscaleConfiguration"] == {"minCapacity": 0, "maxCapacity": 2}
    assert "zones" not in gateway


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_waf_policy_blocks_with_both_managed_rule_sets(plans: dict[str, Plan], stack: str) -> None:
    policy = plans[stack].one(WAF).inputs
    settings = policy["policySettings"]
    assert (settings["state"], settings["mode"]) == ("Enabled", "Prevention")
    assert settings["requestBodyCheck"] is True and settings["requestBodyEnforcement"] is True
    assert {(s["ruleSetType"], s["ruleSetVersion"]) for s in policy["managedRules"]["managedRuleSets"]} == {
        ("Microsoft_DefaultRuleSet", "2.1"),
        ("Microsoft_BotManagerRuleSet", "1.1"),
    }


def test_waf_policy_is_standalone_and_attached_to_the_gateway(prod_plan: Plan) -> None:
    waf = prod_plan.one(WAF)
    gateway = prod_plan.one(AGW)
    assert gateway.inputs["firewallPolicy"]["id"].endswith(
        f"/ApplicationGatewayWebApplicationFirewallPolicies/{waf.inputs['policyName']}"
    )
    assert waf.urn in gateway.propertyDependencies["firewallPolicy"]
    assert gateway.inputs["forceFirewallPolicyAssociation"] is True
    # The legacy inline WAF configuration is not used alongside the policy.
    assert "webApplicationFirewallConfiguration" not in gateway.inputs


def test_rate_limit_rule_counts_per_client_ip(prod_plan: Plan) -> None:
    [rule] = prod_plan.one(WAF).inputs["customRules"]
    assert rule["ruleType"] == "RateLimitRule" and rule["action"] == "Block"
    assert (rule["rateLimitDuration"], rule["rateLimitThreshold"]) == ("OneMin", 3000)
    assert rule["groupByUserSession"] == [{"groupByVariables": [{"variableName": "ClientAddr"}]}]


def test_geo_filter_and_exclusions_come_from_config(max_plan: Plan) -> None:
    policy = max_plan.one(WAF).inputs
    rules = {r["name"]: r for r in policy["customRules"]}
    geo = rules["geoFilter"]
    [condition] = geo["matchConditions"]
    assert (condition["operator"], condition["negationConditon"]) == ("GeoMatch", True)
    assert condition["matchVariables"] == [{"variableName": "RemoteAddr"}]
    assert condition["matchValues"] == ["NL", "DE", "BE"]
    assert rules["chatBurst"]["rateLimitDuration"] == "FiveMins"
    assert rules["chatBurst"]["matchConditions"][0]["matchValues"] == ["/openai/"]
    [exclusion] = policy["managedRules"]["exclusions"]
    assert (exclusion["matchVariable"], exclusion["selector"]) == ("RequestHeaderNames", "x-prompt")
    [rule_set] = exclusion["exclusionManagedRuleSets"]
    assert (rule_set["ruleSetType"], rule_set["ruleSetVersion"]) == ("Microsoft_DefaultRuleSet", "2.1")
    assert rule_set["ruleGroups"] == [{"ruleGroupName": "SQLI", "rules": [{"ruleId": "942100"}]}]


def test_listener_certificate_is_read_from_key_vault_by_a_user_assigned_identity(prod_plan: Plan) -> None:
    gateway = prod_plan.one(AGW)
    vault = prod_plan.one(VAULT)
    [certificate] = gateway.inputs["sslCertificates"]
    # Versionless, so renewals in Key Vault roll out without a deployment.
    assert certificate["keyVaultSecretId"] == f"https://{vault.inputs['vaultName']}.vault.azure.net/secrets/appgw-tls"
    assert "data" not in certificate and "password" not in certificate
    identity = next(i for i in prod_plan.of_type(IDENTITY) if i.inputs["resourceName"] == "id-azp-agw-prod-weu")
    assert gateway.inputs["identity"]["type"] == "UserAssigned"
    assert gateway.inputs["identity"]["userAssignedIdentities"] == [
        f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg-azp-prod-weu/providers/"
        "Microsoft.ManagedIdentity/userAssignedIdentities/id-azp-agw-prod-weu"
    ]
    assert identity.urn in gateway.propertyDependencies["identity"]
    # Key Vault Secrets User on the vault, granted before the gateway fetches the certificate.
    grant = next(g for g in _grants(prod_plan, BuiltInRole.KEY_VAULT_SECRETS_USER) if identity.urn in g.dependencies)
    assert grant.inputs["scope"].endswith(f"/vaults/{vault.inputs['vaultName']}")
    assert grant.urn in gateway.dependencies


def test_http_listener_redirects_permanently_to_the_https_listener(prod_plan: Plan) -> None:
    gateway = prod_plan.one(AGW).inputs
    listeners = {item["name"]: item for item in gateway["httpListeners"]}
    https = next(item for item in listeners.values() if item["protocol"] == "Https")
    http = next(item for item in listeners.values() if item["protocol"] == "Http")
    assert https["frontendPort"]["id"].endswith("/frontendPorts/port-443")
    assert http["frontendPort"]["id"].endswith("/frontendPorts/port-80")
    assert https["hostNames"] == ["api.azp.example.com"]
    [redirect] = gateway["redirectConfigurations"]
    assert redirect["redirectType"] == "Permanent"
    assert redirect["targetListener"]["id"].endswith(f"/httpListeners/{https['name']}")
    assert redirect["includePath"] is True and redirect["includeQueryString"] is True
    rules = {r["httpListener"]["id"].rsplit("/", 1)[-1]: r for r in gateway["requestRoutingRules"]}
    assert rules[http["name"]]["redirectConfiguration"]["id"].endswith(f"/redirectConfigurations/{redirect['name']}")
    assert "backendAddressPool" not in rules[http["name"]]
    assert "backendAddressPool" in rules[https["name"]]


def test_tls_policy_is_predefined_with_tls_1_2_minimum(prod_plan: Plan) -> None:
    assert prod_plan.one(AGW).inputs["sslPolicy"] == {
        "policyType": "Predefined",
        "policyName": "AppGwSslPolicy20220101S",
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_sub_resource_reference_names_an_inline_child(plans: dict[str, Plan], stack: str) -> None:
    # One style: listeners, rules, probes, pools and redirects live inline; every id points inside the gateway.
    gateway = plans[stack].one(AGW).inputs
    own = f"/applicationGateways/{gateway['applicationGatewayName']}/"
    declared = {
        f"{collection}/{item['name']}"
        for collection, items in gateway.items()
        if isinstance(items, list)
        for item in items
        if isinstance(item, dict) and "name" in item
    }
    references = [s for s in _all_strings(gateway) if own in s]
    assert references
    for reference in references:
        assert reference.split(own, 1)[1] in declared, reference


def test_gateway_forwards_to_the_apim_private_host_name_with_a_status_probe(prod_plan: Plan) -> None:
    gateway = prod_plan.one(AGW).inputs
    service = prod_plan.one(APIM).inputs["serviceName"]
    [pool] = gateway["backendAddressPools"]
    assert pool["backendAddresses"] == [{"fqdn": f"{service}.azure-api.net"}]
    [settings] = gateway["backendHttpSettingsCollection"]
    assert (settings["protocol"], settings["port"], settings["pickHostNameFromBackendAddress"]) == ("Https", 443, True)
    [probe] = gateway["probes"]
    assert settings["probe"]["id"].endswith(f"/probes/{probe['name']}")
    assert (probe["protocol"], probe["path"]) == ("Https", "/status-0123456789abcdef")
    assert probe["pickHostNameFromBackendHttpSettings"] is True


def test_without_apim_the_gateway_forwards_to_the_api_container_app(direct_plan: Plan) -> None:
    assert direct_plan.of_type(APIM) == []
    gateway = direct_plan.one(AGW).inputs
    [address] = gateway["backendAddressPools"][0]["backendAddresses"]
    assert address["fqdn"].startswith("ca-azp-api-dev-weu.")
    assert gateway["probes"][0]["path"] == "/"
    assert "azure-api.net" not in {z.inputs["privateZoneName"] for z in direct_plan.of_type(ZONE)}


def test_public_ip_is_standard_static_and_zone_redundant_in_prod(prod_plan: Plan) -> None:
    ip = prod_plan.one(PIP)
    assert ip.inputs["sku"] == {"name": "Standard", "tier": "Regional"}
    assert ip.inputs["publicIPAllocationMethod"] == "Static"
    assert ip.inputs["zones"] == ["1", "2", "3"]
    assert set(ip.options.replaceOnChanges) == {"zones"}  # the SKU upgrades in place; zones are fixed
    assert ip.protect is True
    assert [lock.inputs["level"] for lock in prod_plan.of_type(LOCK) if ip.urn in lock.dependencies] == ["CanNotDelete"]


@pytest.mark.parametrize("stack", STACKS)
def test_gateway_and_its_ip_send_diagnostics(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    targets = {d.inputs["resourceUri"].rsplit("/", 1)[-1] for d in plan.of_type(DIAG)}
    assert {plan.one(AGW).inputs["applicationGatewayName"], plan.one(PIP).inputs["publicIpAddressName"]} <= targets


# --- the single public entry point ---------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_exactly_one_public_ip_and_only_the_gateway_uses_it(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    [ip] = plan.of_type(PIP)
    ip_id = f"/publicIPAddresses/{ip.inputs['publicIpAddressName']}"
    users = {r.name for r in plan.resources if r.urn != ip.urn and any(ip_id in s for s in _all_strings(r.inputs))}
    users -= {d.name for d in plan.of_type(DIAG) + plan.of_type(LOCK)}  # its own diagnostics and lock
    assert users == {plan.one(AGW).name}
    [frontend] = plan.one(AGW).inputs["frontendIPConfigurations"]
    assert frontend["publicIPAddress"]["id"].endswith(ip_id)
    assert "subnet" not in frontend and "privateIPAddress" not in frontend


@pytest.mark.parametrize("stack", STACKS)
def test_nothing_else_is_reachable_from_the_internet(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    for resource in plan.resources:
        for key in ("publicNetworkAccess",):
            access = resource.inputs.get(key, resource.inputs.get("properties", {}).get(key))
            # The flow logs' storage account: its firewall denies every network and lets in only trusted Azure
            # services (Network Watcher), which cannot reach an account whose public access is Disabled.
            trusted = trusted_services_only(Resource(resource.type, resource.urn, resource.name, resource.inputs))
            assert access in (None, "Disabled") or trusted, resource.name
    # API Management keeps Azure's default publicNetworkAccess (it cannot be disabled without a private endpoint),
    # but Internal mode gives its endpoints no public listener at all.
    for service in plan.of_type(APIM):
        assert service.inputs["virtualNetworkType"] == "Internal"
        assert "publicIpAddressId" not in service.inputs
    environments = {e.urn: e for e in plan.of_type("azure-native:app:ManagedEnvironment")}
    for environment in environments.values():
        assert environment.inputs["vnetConfiguration"]["internal"] is True
    for app in plan.of_type("azure-native:app:ContainerApp"):
        ingress = app.inputs.get("configuration", {}).get("ingress")
        # external ingress on an internal environment means "from the VNet", never from the internet
        if ingress and ingress.get("external"):
            assert any(e in app.dependencies for e in environments), app.name
    gateway_nsg = next(n for n in plan.of_type(NSG) if "-agw-" in n.inputs["networkSecurityGroupName"])
    internet = [
        r
        for n in plan.of_type(NSG)
        if n is not gateway_nsg
        for r in n.inputs["securityRules"]
        if r["access"] == "Allow" and r["sourceAddressPrefix"] == "Internet"
    ]
    assert internet == []


# --- API Management --------------------------------------------------------------------------------------------


def test_prod_apim_is_internal_premium_with_three_units(prod_plan: Plan) -> None:
    service = prod_plan.one(APIM)
    inputs = service.inputs
    assert inputs["sku"] == {"name": "Premium", "capacity": 3}
    assert inputs["virtualNetworkType"] == "Internal"
    assert inputs["virtualNetworkConfiguration"]["subnetResourceId"].endswith("/subnets/snet-azp-apim-prod-weu")
    # Automatic zone redundancy: no explicit zones, hence no customer public IP for the management plane.
    assert "zones" not in inputs
    assert service.protect is True
    assert [lock.inputs["level"] for lock in prod_plan.of_type(LOCK) if service.urn in lock.dependencies] == [
        "CanNotDelete"
    ]


def test_dev_apim_is_developer_with_one_unit(dev_plan: Plan) -> None:
    inputs = dev_plan.one(APIM).inputs
    assert inputs["sku"] == {"name": "Developer", "capacity": 1}
    assert inputs["virtualNetworkType"] == "Internal"


@pytest.mark.parametrize("stack", STACKS)
def test_apim_disables_old_protocols_and_weak_ciphers(plans: dict[str, Plan], stack: str) -> None:
    properties = plans[stack].one(APIM).inputs["customProperties"]
    security = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security"
    for side in ("", "Backend."):
        for protocol in ("Ssl30", "Tls10", "Tls11"):
            assert properties[f"{security}.{side}Protocols.{protocol}"] == "False"
    assert properties[f"{security}.Ciphers.TripleDes168"] == "False"
    assert properties[f"{security}.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA"] == "False"
    assert all(value == "False" for value in properties.values())


def test_apim_portal_off_and_old_control_plane_apis_refused(prod_plan: Plan) -> None:
    inputs = prod_plan.one(APIM).inputs
    assert inputs["developerPortalStatus"] == "Disabled"
    assert inputs["legacyPortalStatus"] == "Disabled"
    assert inputs["apiVersionConstraint"] == {"minApiVersion": "2021-08-01"}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_apim_authenticates_as_a_user_assigned_identity(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    name = f"id-azp-apim-{stack}-weu"
    identity = next(i for i in plan.of_type(IDENTITY) if i.inputs["resourceName"] == name)
    service = plan.one(APIM)
    # A system-assigned identity only where a semantic cache needs one (prod's AI route; dev has none).
    assert service.inputs["identity"]["type"] == ("SystemAssigned, UserAssigned" if stack == "prod" else "UserAssigned")
    [key] = service.inputs["identity"]["userAssignedIdentities"]
    assert key.endswith(f"/userAssignedIdentities/{name}")
    assert identity.urn in service.dependencies


def test_apim_host_names_resolve_to_its_private_ip_in_the_vnet(prod_plan: Plan) -> None:
    service = prod_plan.one(APIM).inputs["serviceName"]
    records = {
        r.inputs["relativeRecordSetName"]: r
        for r in prod_plan.of_type(RECORD)
        if r.inputs["privateZoneName"] == "azure-api.net"
    }
    assert set(records) == {service, f"{service}.management", f"{service}.scm"}
    for record in records.values():
        assert record.inputs["privateZoneName"] == "azure-api.net"
        assert record.inputs["recordType"] == "A"
        [address] = record.inputs["aRecords"]
        assert address["ipv4Address"].startswith("10.")
    zone = next(z for z in prod_plan.of_type(ZONE) if z.inputs["privateZoneName"] == "azure-api.net")
    assert any(zone.urn in link.dependencies for link in prod_plan.of_type(LINK))
    assert all(zone.urn in r.dependencies for r in records.values())


def test_developer_portal_gets_its_host_name_when_enabled(max_plan: Plan) -> None:
    service = max_plan.one(APIM).inputs
    assert service["developerPortalStatus"] == "Enabled"
    names = {r.inputs["relativeRecordSetName"] for r in max_plan.of_type(RECORD)}
    assert f"{service['serviceName']}.developer" in names


def test_app_insights_logger_uses_a_secret_named_value_and_entra_ingestion(prod_plan: Plan) -> None:
    named = next(
        n for n in prod_plan.of_type(NAMED_VALUE) if n.inputs["namedValueId"] == "appinsights-connection-string"
    )
    assert named.inputs["secret"] is True
    assert named.inputs["value"] == "[secret]"
    logger = prod_plan.one(LOGGER)
    assert logger.inputs["loggerType"] == "applicationInsights"
    assert logger.inputs["credentials"]["connectionString"] == "{{appinsights-connection-string}}"
    assert "instrumentationKey" not in logger.inputs["credentials"]
    assert "InstrumentationKey=" not in json.dumps(logger.inputs)
    identity = next(i for i in prod_plan.of_type(IDENTITY) if i.inputs["resourceName"] == "id-azp-apim-prod-weu")
    assert identity.urn in logger.propertyDependencies["credentials"]
    publisher = next(
        g for g in _grants(prod_plan, BuiltInRole.MONITORING_METRICS_PUBLISHER) if identity.urn in g.dependencies
    )
    assert publisher.inputs["scope"].endswith("/components/appi-azp-prod-weu")
    assert {named.urn, publisher.urn} <= set(logger.dependencies)
    diagnostic = prod_plan.one(APIM_DIAGNOSTIC).inputs
    assert diagnostic["metrics"] is True  # the token metric policies need custom metrics
    assert diagnostic["alwaysLog"] == "allErrors"


def test_named_values_and_external_cache_come_from_key_vault(max_plan: Plan) -> None:
    vault = max_plan.one(VAULT).inputs["vaultName"]
    values = {n.inputs["namedValueId"]: n for n in max_plan.of_type(NAMED_VALUE)}
    for value_id, secret in (("openai-key", "openai-api-key"), ("redis-cache-connection", "apim-redis-connection")):
        key_vault = values[value_id].inputs["keyVault"]
        assert key_vault["secretIdentifier"] == f"https://{vault}.vault.azure.net/secrets/{secret}"
        assert "value" not in values[value_id].inputs
        grant = next(g for g in _grants(max_plan, BuiltInRole.KEY_VAULT_SECRETS_USER) if "apim" in g.name)
        assert grant.urn in values[value_id].dependencies
    cache = max_plan.one(CACHE).inputs
    assert cache["connectionString"] == "{{redis-cache-connection}}"
    assert cache["useFromLocation"] == "default"
    lookup = _policy(max_plan, "chat").find("inbound/cache-lookup")
    assert lookup is not None and lookup.get("caching-type") == "external"


def test_the_built_in_cache_is_used_without_an_external_one(dev_plan: Plan) -> None:
    assert dev_plan.of_type(CACHE) == []
    lookup = _policy(dev_plan).find("inbound/cache-lookup")
    assert lookup is not None and lookup.get("caching-type") == "internal"


def test_explicit_zones_bring_a_management_only_public_ip(max_plan: Plan) -> None:
    service = max_plan.one(APIM)
    assert service.inputs["zones"] == ["1", "2"] and service.inputs["sku"]["capacity"] == 2
    ips = {ip.inputs["publicIpAddressName"]: ip for ip in max_plan.of_type(PIP)}
    management = ips["pip-azp-apim-stg-weu"]
    assert service.inputs["publicIpAddressId"].endswith("/publicIPAddresses/pip-azp-apim-stg-weu")
    assert management.inputs["dnsSettings"]["domainNameLabel"] == service.inputs["serviceName"]
    assert management.inputs["sku"]["name"] == "Standard" and management.inputs["zones"] == ["1", "2", "3"]
    assert service.inputs["virtualNetworkType"] == "Internal"  # API traffic still never reaches it


# --- APIs, backends and policies -------------------------------------------------------------------------------


def test_api_backend_is_the_api_app_behind_a_circuit_breaker(prod_plan: Plan) -> None:
    backend = next(b for b in prod_plan.of_type(BACKEND) if b.inputs["backendId"] == "api")
    inputs = backend.inputs
    assert inputs["type"] == "Single" and inputs["protocol"] == "http"
    assert inputs["url"].startswith("https://ca-azp-api-prod-weu.")
    assert inputs["tls"] == {"validateCertificateChain": True, "validateCertificateName": True}
    [rule] = inputs["circuitBreaker"]["rules"]
    assert rule["failureCondition"]["count"] == 5
    assert rule["failureCondition"]["statusCodeRanges"] == [{"min": 500, "max": 599}]
    assert (rule["failureCondition"]["interval"], rule["tripDuration"]) == ("PT60S", "PT60S")


@pytest.mark.parametrize("stack", STACKS)
def test_api_policy_is_allowed_by_the_policy_reference(plans: dict[str, Plan], stack: str) -> None:
    for policy in plans[stack].of_type(API_POLICY):
        assert policy.inputs["format"] == "xml"
        assert problems(policy.inputs["value"]) == [], policy.name


def test_api_policy_applies_the_typed_policies_to_the_api_backend(prod_plan: Plan) -> None:
    root = _policy(prod_plan)
    inbound = [child.tag for child in root.find("inbound") or []]
    assert inbound == [
        "base",
        "validate-jwt",
        "rate-limit-by-key",
        "llm-token-limit",
        "llm-emit-token-metric",
        "set-backend-service",
        "cache-lookup",
    ]
    backend = root.find("inbound/set-backend-service")
    assert backend is not None and backend.get("backend-id") == "api"
    limit = root.find("inbound/rate-limit-by-key")
    assert limit is not None and (limit.get("calls"), limit.get("renewal-period")) == ("300", "60")
    tokens = root.find("inbound/llm-token-limit")
    assert tokens is not None and tokens.get("tokens-per-minute") == "50000"
    jwt = root.find("inbound/validate-jwt/openid-config")
    assert jwt is not None and jwt.get("url", "").startswith("https://login.microsoftonline.com/")
    assert [c.tag for c in root.find("backend") or []] == ["retry"]
    header = root.find("outbound/set-header")
    assert header is not None and (header.get("name"), header.get("exists-action")) == ("X-Powered-By", "delete")


def test_api_policy_waits_for_the_backend_it_names(prod_plan: Plan) -> None:
    policy = next(p for p in prod_plan.of_type(API_POLICY))
    backend = next(b for b in prod_plan.of_type(BACKEND) if b.inputs["backendId"] == "api")
    assert backend.urn in policy.dependencies


def test_wildcard_api_answers_every_method_over_https(prod_plan: Plan) -> None:
    api = prod_plan.one(API, "platform-apim-api-api").inputs
    assert (api["path"], api["protocols"], api["subscriptionRequired"]) == ("api", ["https"], False)
    methods = {
        o.inputs["method"]
        for o in prod_plan.of_type(OPERATION)
        if o.inputs["urlTemplate"] == "/*" and o.inputs["apiId"] == api["apiId"]
    }
    assert methods == {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def test_pool_balances_single_backends_each_with_a_breaker(max_plan: Plan) -> None:
    backends = {b.inputs["backendId"]: b for b in max_plan.of_type(BACKEND)}
    pool = backends["chat"]
    assert pool.inputs["type"] == "Pool"
    assert "url" not in pool.inputs  # a pool has no URL of its own
    services = pool.inputs["pool"]["services"]
    assert [(s["priority"], s.get("weight")) for s in services] == [(1, 70), (2, None)]
    for member_id, service in zip(("chat-0", "chat-1"), services, strict=True):
        member = backends[member_id]
        assert member.urn in pool.dependencies
        assert member.inputs["type"] == "Single"
        assert member.inputs["circuitBreaker"]["rules"][0]["tripDuration"] == "PT120S"
        assert service["id"].endswith(f"/service/{pool.inputs['serviceName']}/backends/{member_id}")
        assert member.urn in pool.propertyDependencies["pool"]
    assert backends["chat-1"].inputs["url"] == "https://fallback.example.com"
    operation = next(o for o in max_plan.of_type(OPERATION) if "chat" in o.name)
    assert operation.inputs["templateParameters"] == [{"name": "deployment", "type": "string", "required": True}]


def test_azure_openai_flavor_and_every_other_kind_pass_the_reference(max_plan: Plan) -> None:
    policy = next(p for p in max_plan.of_type(API_POLICY) if "-api-chat-" in p.name)
    assert problems(policy.inputs["value"]) == []
    root = ET.fromstring(policy.inputs["value"])
    tags = {child.tag for child in root.iter()}
    assert {"azure-openai-token-limit", "azure-openai-emit-token-metric", "quota-by-key", "set-body"} <= tags
    assert "llm-token-limit" not in tags


# --- parity, network ---------------------------------------------------------------------------------------------


def test_dev_has_the_same_edge_topology_as_prod(dev_plan: Plan, prod_plan: Plan) -> None:
    edge = {AGW, WAF, PIP, APIM, API, API_POLICY, LOGGER, APIM_DIAGNOSTIC, RECORD}
    dev, prod = dev_plan.counts_by_type(), prod_plan.counts_by_type()
    assert {t: dev[t] for t in edge} == {t: prod[t] for t in edge}
    # The same routes everywhere; a model route's backends are as many as its deployments (one in dev, a pool in
    # prod): a difference of size, not of topology.
    routes = {
        plan.stack: {b.inputs["backendId"] for b in plan.of_type(BACKEND) if "-" not in b.inputs["backendId"]}
        for plan in (dev_plan, prod_plan)
    }
    assert routes["dev"] == routes["prod"] == {"api", "ai"}
    assert dev_plan.one(APIM).inputs["virtualNetworkType"] == prod_plan.one(APIM).inputs["virtualNetworkType"]


def test_apim_subnet_allows_the_outbound_dependencies_azure_lists(prod_plan: Plan) -> None:
    nsg = next(n for n in prod_plan.of_type(NSG) if n.inputs["networkSecurityGroupName"] == "nsg-azp-apim-prod-weu")
    outbound = {
        r["destinationAddressPrefix"]: r.get("destinationPortRanges") or [r["destinationPortRange"]]
        for r in nsg.inputs["securityRules"]
        if r["direction"] == "Outbound" and r["access"] == "Allow"
    }
    assert outbound["Storage"] == ["443"]
    assert outbound["Sql"] == ["1433"]
    assert outbound["AzureKeyVault"] == ["443"]
    assert set(outbound["AzureMonitor"]) == {"1886", "443"}
    assert outbound["AzureActiveDirectory"] == ["443"]


def test_ssl_policy_name_is_the_sdks_enum_value() -> None:
    import pulumi_azure_native as azure_native

    from azplatform.components.application_gateway import SSL_POLICY

    assert azure_native.network.ApplicationGatewaySslPolicyName.APP_GW_SSL_POLICY20220101_S.value == SSL_POLICY

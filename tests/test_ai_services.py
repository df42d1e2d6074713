"""The AI services component: a private, keyless account with its model deployments, one write at a time; the
settings refuse what Azure would (unknown deployment types, provisioned sizes off the model's steps, a model and type
deployed twice, data zone types outside a data zone, spillover to nothing standard)."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from pydantic import ValidationError

from azplatform.components.ai_services import (
    DATA_ZONES,
    AiServices,
    AiServicesArgs,
    AiServicesRole,
    account_name,
)
from azplatform.components.api_management import ProductSettings
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.interfaces import DiagnosticSettings, Lock, PrivateEndpointSpec
from azplatform.components.records import private_dns_zone_sets
from azplatform.components.records.ai import ACCOUNT, DEPLOYMENT
from azplatform.components.regions import REGIONS
from azplatform.plan import Plan
from azplatform.stacks.config import load_platform_config
from azplatform.stacks.offline import render
from tests.conftest import stack_values
from tests.test_schema import Case
from tests.test_schema import test_stack_file_and_component_refuse_alike as refused_alike

RG = "rg-unit"
SUB = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-unit/providers"
ZONES = [f"{SUB}/Microsoft.Network/privateDnsZones/{zone}" for zone in private_dns_zone_sets("westeurope")["account"]]
DEPLOYMENTS: dict[str, Any] = {
    "chat-ptu": {
        "model": "gpt-4o",
        "version": "2024-11-20",
        "sku": "DataZoneProvisionedManaged",
        "capacity": 15,
        "spilloverTo": "chat",
    },
    "chat": {"model": "gpt-4o", "version": "2024-11-20", "sku": "DataZoneStandard", "capacity": 100},
    "embeddings": {"model": "text-embedding-3-large", "version": "1", "sku": "GlobalStandard", "capacity": 20},
}


def _args(**kwargs: Any) -> AiServicesArgs:
    base: dict[str, Any] = {"name": "ais-unit-prod-weu", "resource_group_name": RG, "location": "westeurope"}
    return AiServicesArgs.model_validate({**base, "deployments": DEPLOYMENTS, **kwargs})


@pytest.fixture(scope="module")
def account_plan() -> Plan:
    def program() -> None:
        caller = UserIdentity(
            "apim-id", UserIdentityArgs(name="id-unit-apim", resource_group_name=RG, location="westeurope")
        )
        models = AiServices(
            "ai",
            _args(
                private_endpoints=[
                    PrivateEndpointSpec(
                        subnet_id=f"{SUB}/Microsoft.Network/virtualNetworks/v/subnets/pep", private_dns_zone_ids=ZONES
                    )
                ],
                diagnostic_settings=[
                    DiagnosticSettings(workspace_id=f"{SUB}/Microsoft.OperationalInsights/workspaces/log")
                ],
                lock=Lock(),
                protect=True,
            ),
        )
        models.grant_openai_user(caller)

    return render(program, project="unit", stack="unit", config={})


def test_the_account_is_private_keyless_and_has_its_subdomain(account_plan: Plan) -> None:
    (account,) = account_plan.of_type(ACCOUNT)
    assert account.inputs["kind"] == "AIServices" and account.inputs["sku"] == {"name": "S0"}
    properties = account.inputs["properties"]
    assert properties["disableLocalAuth"] is True and properties["publicNetworkAccess"] == "Disabled"
    assert properties["customSubDomainName"] == "ais-unit-prod-weu"
    assert properties["networkAcls"] == {"defaultAction": "Deny"}
    assert account.inputs["identity"]["type"] == "SystemAssigned"
    assert account.protect and set(account.options.replaceOnChanges) == {
        "location",
        "kind",
        "properties.customSubDomainName",
    }


def test_the_endpoint_registers_in_the_three_zones_and_the_account_is_locked_and_observed(account_plan: Plan) -> None:
    (endpoint,) = account_plan.of_type("azure-native:network:PrivateEndpoint")
    (connection,) = endpoint.inputs["privateLinkServiceConnections"]
    assert connection["groupIds"] == ["account"]
    (group,) = account_plan.of_type("azure-native:network:PrivateDnsZoneGroup")
    zones = [c["privateDnsZoneId"].rsplit("/", 1)[-1] for c in group.inputs["privateDnsZoneConfigs"]]
    assert zones == [
        "privatelink.cognitiveservices.azure.com",
        "privatelink.openai.azure.com",
        "privatelink.services.ai.azure.com",
    ]
    assert [
        lock.inputs["level"] for lock in account_plan.of_type("azure-native:authorization:ManagementLockByScope")
    ] == ["CanNotDelete"]
    assert account_plan.of_type("azure-native:monitor:DiagnosticSetting")


def test_deployments_are_created_one_after_another(account_plan: Plan) -> None:
    deployments = account_plan.of_type(DEPLOYMENT)
    assert [d.inputs["deploymentName"] for d in deployments] == list(DEPLOYMENTS)
    for previous, current in itertools.pairwise(deployments):
        assert previous.urn in current.dependencies, current.name
    # A chain, not a fan: each waits for exactly the one before it.
    urns = {d.urn for d in deployments}
    assert [len(urns & set(d.dependencies)) for d in deployments] == [0, 1, 1]
    first = deployments[0].inputs
    assert first["sku"] == {"name": "DataZoneProvisionedManaged", "capacity": 15}
    assert first["properties"]["model"] == {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}
    assert first["properties"]["raiPolicyName"] == "Microsoft.DefaultV2"
    assert first["properties"]["versionUpgradeOption"] == "OnceCurrentVersionExpired"
    assert first["properties"]["spilloverDeploymentName"] == "chat"


def test_callers_get_the_openai_user_role_not_a_key(account_plan: Plan) -> None:
    (grant,) = account_plan.of_type("azure-native:authorization:RoleAssignment")
    assert grant.inputs["roleDefinitionId"].endswith(AiServicesRole.COGNITIVE_SERVICES_OPENAI_USER.value)
    assert grant.inputs["scope"].endswith("/accounts/ais-unit-prod-weu")
    assert not [r for r in account_plan.resources if "listKeys" in str(r.inputs)]


@pytest.mark.parametrize(
    ("deployments", "location", "where", "message"),
    [
        (
            {"xx": {"model": "gpt-4o", "version": "1", "sku": "Premium", "capacity": 1}},
            "westeurope",
            "sku",
            "GlobalStandard",
        ),
        (
            {"xx": {"model": "gpt-4o", "version": "1", "sku": "GlobalProvisionedManaged", "capacity": 12}},
            "westeurope",
            "capacity",
            "takes at least 15 PTU in steps of 5",
        ),
        (
            {"xx": {"model": "gpt-4o", "version": "1", "sku": "ProvisionedManaged", "capacity": 75}},
            "westeurope",
            "capacity",
            "ProvisionedManaged gpt-4o takes at least 50 PTU in steps of 50",
        ),
        (
            {
                "a": {"model": "gpt-4o", "version": "1", "sku": "GlobalStandard", "capacity": 10},
                "b": {"model": "gpt-4o", "version": "2", "sku": "GlobalStandard", "capacity": 10},
            },
            "westeurope",
            "deployments.b",
            "deploys gpt-4o as GlobalStandard again (as a)",
        ),
        (
            {"xx": {"model": "gpt-4o", "version": "1", "sku": "DataZoneStandard", "capacity": 10}},
            "uksouth",
            "deployments.xx.sku",
            "uksouth is in neither",
        ),
        (
            {
                "x": {
                    "model": "gpt-4o",
                    "version": "1",
                    "sku": "DataZoneProvisionedManaged",
                    "capacity": 15,
                    "spilloverTo": "y",
                }
            },
            "westeurope",
            "spillover_to",
            "not a standard deployment of this account",
        ),
        (
            {"xx": {"model": "gpt-4o", "version": "1", "sku": "GlobalStandard", "capacity": 10, "spilloverTo": "y"}},
            "westeurope",
            "spillover_to",
            "only a provisioned deployment spills over",
        ),
        (
            {"-x": {"model": "gpt-4o", "version": "1", "sku": "GlobalStandard", "capacity": 1}},
            "westeurope",
            "-x",
            "2-64",
        ),
    ],
)
def test_settings_refuse_what_azure_would(deployments: dict[str, Any], location: str, where: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        _args(deployments=deployments, location=location)
    text = str(info.value)
    assert message in text and where in text


def test_allowed_sizes_pass() -> None:
    ok = {
        "ptu": {"model": "gpt-4o-mini", "version": "1", "sku": "ProvisionedManaged", "capacity": 50},
        "global": {"model": "gpt-4o", "version": "1", "sku": "GlobalProvisionedManaged", "capacity": 20},
        # A model the size table does not list: Azure decides, the settings only require a positive capacity.
        "other": {"model": "new-model", "version": "1", "sku": "ProvisionedManaged", "capacity": 7},
    }
    assert list(_args(deployments=ok).deployments) == ["ptu", "global", "other"]


def test_every_data_zone_region_is_a_region_the_platform_knows() -> None:
    assert set(DATA_ZONES) <= set(REGIONS)
    assert {"uksouth", "switzerlandnorth", "norwayeast", "japaneast"}.isdisjoint(DATA_ZONES)


# --- the platform's stacks -------------------------------------------------------------------------------------------
def _deployments(plan: Plan) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for deployment in plan.of_type(DEPLOYMENT):
        found.setdefault(deployment.inputs["accountName"], []).append(deployment)
    return found


def test_dev_gets_one_small_pay_as_you_go_deployment(plans: dict[str, Plan]) -> None:
    (account,) = plans["dev"].of_type(ACCOUNT)
    ((deployment,),) = _deployments(plans["dev"]).values()
    assert deployment.inputs["sku"]["name"] in ("GlobalStandard", "DataZoneStandard", "Standard")
    assert deployment.inputs["sku"]["capacity"] <= 10
    assert not account.protect


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_staging_and_prod_get_provisioned_throughput_spilling_over_to_pay_as_you_go(
    plans: dict[str, Plan], stack: str
) -> None:
    primary = next(a for a in plans[stack].of_type(ACCOUNT) if "-primary-" in a.inputs["accountName"])
    chain = _deployments(plans[stack])[primary.inputs["accountName"]]
    by_name = {d.inputs["deploymentName"]: d for d in chain}
    ptu = by_name["chat-ptu"]
    assert ptu.inputs["sku"]["name"].endswith("ProvisionedManaged")
    assert ptu.inputs["properties"]["spilloverDeploymentName"] == "chat"
    assert by_name["chat"].inputs["sku"]["name"] == "DataZoneStandard"
    # One write at a time on the account: the second waits for the first.
    assert ptu.urn in by_name["chat"].dependencies


def test_prod_spreads_over_two_accounts_in_two_regions_reached_from_the_vnet(plans: dict[str, Plan]) -> None:
    plan = plans["prod"]
    accounts = plan.of_type(ACCOUNT)
    assert len({a.inputs["location"] for a in accounts}) >= 2
    (vnet,) = plan.of_type("azure-native:network:VirtualNetwork")
    endpoints = [
        e
        for e in plan.of_type("azure-native:network:PrivateEndpoint")
        if e.inputs["privateEndpointName"].startswith("pep-ais-")
    ]
    assert len(endpoints) == len(accounts)
    # An endpoint lives in its VNet's region, whatever its target's.
    assert {e.inputs["location"] for e in endpoints} == {vnet.inputs["location"]}
    for account in accounts:
        assert account.protect
        assert account.inputs["properties"]["disableLocalAuth"] is True
        assert account.inputs["properties"]["publicNetworkAccess"] == "Disabled"
    locks = [
        lock
        for lock in plan.of_type("azure-native:authorization:ManagementLockByScope")
        if lock.name.startswith("platform-ai-") and lock.inputs["level"] == "CanNotDelete"
    ]
    assert len(locks) == len(accounts)
    assert set(plan.outputs["aiServicesEndpoints"]) == {"primary", "secondary"}
    for key, endpoint in plan.outputs["aiServicesEndpoints"].items():
        assert endpoint.startswith(f"https://ais-azp-{key}") and endpoint.endswith(".cognitiveservices.azure.com/")


STACK_CASES = [
    Case(
        "a data zone model in a region in no data zone",
        {"aiServices": {"accounts": {"secondary": {"location": "uksouth"}}}},
        "aiServices.accounts.secondary.deployments.chat.sku",
        lambda: _args(location="uksouth", deployments={"chat": DEPLOYMENTS["chat"]}),
        "uksouth is in neither",
    ),
    Case(
        "a provisioned size off the model's steps",
        {"aiServices": {"accounts": {"primary": {"deployments": {"chat-ptu": {"capacity": 52}}}}}},
        "aiServices.accounts.primary.deployments.chat-ptu.capacity",
        lambda: _args(deployments={**DEPLOYMENTS, "chat-ptu": {**DEPLOYMENTS["chat-ptu"], "capacity": 52}}),
        "takes at least 15 PTU in steps of 5",
    ),
]


@pytest.mark.parametrize("case", STACK_CASES, ids=lambda c: c.id)
def test_stack_file_and_component_refuse_alike(case: Case) -> None:
    refused_alike(case)


# --- API Management in front, keyless --------------------------------------------------------------------------------
BACKEND = "azure-native:apimanagement:Backend"


def _ai_policy(plan: Plan) -> ET.Element:
    (policy,) = [p for p in plan.of_type("azure-native:apimanagement:ApiPolicy") if p.inputs["apiId"] == "ai"]
    return ET.fromstring(policy.inputs["value"])


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_model_route_reaches_the_deployments_as_the_gateways_identity(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    assert config.apim is not None and config.ai_services is not None
    members = config.apim.apis["ai"].backend.models or []
    accounts = {a.inputs["accountName"]: a for a in plan.of_type(ACCOUNT)}
    names = {
        key: account_name(config.namer, key, a.location or config.location, config.location)
        for key, a in config.ai_services.accounts.items()
    }
    # The route's own backends (the semantic cache's embeddings backend is tested with the cache).
    backends = {
        b.inputs["backendId"]: b
        for b in plan.of_type(BACKEND)
        if b.inputs["backendId"].startswith("ai") and b.inputs["backendId"] != "ai-embeddings"
    }
    urls = sorted(b.inputs["url"] for b in backends.values() if "url" in b.inputs)
    assert urls == sorted(
        f"https://{names[m.account]}.cognitiveservices.azure.com/openai/deployments/{m.deployment}" for m in members
    )
    # Every single backend trips on a 429 for as long as Retry-After says.
    for backend in backends.values():
        if "url" in backend.inputs:
            (rule,) = backend.inputs["circuitBreaker"]["rules"]
            assert rule["acceptRetryAfter"] is True
            assert {"min": 429, "max": 429} in rule["failureCondition"]["statusCodeRanges"]
    if len(members) > 1:
        pool = backends["ai"]
        assert [(s["priority"], s.get("weight")) for s in pool.inputs["pool"]["services"]] == [
            (m.priority, m.weight) for m in members
        ]
    # Keyless: the policy authenticates as the gateway's user-assigned identity, named by a plain named value.
    inbound = _ai_policy(plan).find("inbound")
    assert inbound is not None
    auth = inbound.find("authentication-managed-identity")
    assert auth is not None and auth.attrib == {
        "resource": "https://cognitiveservices.azure.com",
        "client-id": "{{apim-identity-client-id}}",
    }
    (value,) = [
        v
        for v in plan.of_type("azure-native:apimanagement:NamedValue")
        if v.inputs["namedValueId"] == "apim-identity-client-id"
    ]
    (identity,) = [
        i
        for i in plan.of_type("azure-native:managedidentity:UserAssignedIdentity")
        if "-apim-" in i.inputs["resourceName"]
    ]
    assert value.inputs["secret"] is False and identity.urn in value.propertyDependencies["value"]
    # The gateway's identity holds Cognitive Services OpenAI User on each account its route names, and nothing
    # in the plan carries a key.
    grants = [
        r
        for r in plan.of_type("azure-native:authorization:RoleAssignment")
        if r.inputs["roleDefinitionId"].endswith(AiServicesRole.COGNITIVE_SERVICES_OPENAI_USER.value)
        and identity.urn in r.propertyDependencies["principalId"]
    ]
    assert {g.inputs["scope"].rsplit("/", 1)[-1] for g in grants} == {names[m.account] for m in members}
    assert all(a.inputs["properties"]["disableLocalAuth"] is True for a in accounts.values())
    assert "api-key" not in json.dumps([r.inputs for r in plan.resources]).lower()


def test_the_token_limit_counts_per_subscription(plans: dict[str, Plan]) -> None:
    inbound = _ai_policy(plans["prod"]).find("inbound")
    assert inbound is not None
    limit = inbound.find("llm-token-limit")
    assert limit is not None and limit.attrib["counter-key"].startswith("@(context.Subscription?.Id")


def test_a_route_to_a_deployment_nobody_made_names_the_key() -> None:
    from tests.test_schema import _stack_file_problem

    error = _stack_file_problem(
        {"apim": {"apis": {"ai": {"backend": {"models": [{"account": "primary", "deployment": "gpt-9"}]}}}}}
    )
    (problem,) = [p for p in error.problems if p.path == "apim.apis.ai.backend.models.0"]
    assert "names no deployment of aiServices" in problem.message and "primary/chat" in problem.message


def test_no_policy_sets_an_api_key_header() -> None:
    from azplatform.components.apim_policies import SetHeader

    with pytest.raises(ValidationError, match="the gateway calls models with its identity"):
        SetHeader(name="api-key", value="x")


# --- per-consumer token budgets --------------------------------------------------------------------------------------
@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_each_product_gives_its_subscriptions_their_own_token_budget(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    assert config.apim is not None and config.apim.products
    products = {p.inputs["productId"]: p for p in plan.of_type("azure-native:apimanagement:Product")}
    assert set(products) == set(config.apim.products)
    for product_id, settings in config.apim.products.items():
        assert products[product_id].inputs["subscriptionRequired"] is True
        links = [
            link.inputs["apiId"]
            for link in plan.of_type("azure-native:apimanagement:ProductApi")
            if link.inputs["productId"] == product_id
        ]
        assert links == settings.apis
        (policy,) = [
            p for p in plan.of_type("azure-native:apimanagement:ProductPolicy") if p.inputs["productId"] == product_id
        ]
        limit = ET.fromstring(policy.inputs["value"]).find("inbound/llm-token-limit")
        assert limit is not None and limit.attrib["counter-key"].startswith("@(context.Subscription?.Id")
        assert limit.attrib.get("tokens-per-minute") == (
            str(settings.tokens_per_minute) if settings.tokens_per_minute else None
        )
        assert limit.attrib.get("token-quota") == (str(settings.token_quota) if settings.token_quota else None)
        subscriptions = sorted(
            s.inputs["sid"]
            for s in plan.of_type("azure-native:apimanagement:Subscription")
            if s.inputs["scope"] == f"/products/{product_id}"
        )
        assert subscriptions == sorted(settings.subscriptions)
    # Subscription keys are API Management's to generate: none is in the plan.
    assert all("primaryKey" not in s.inputs for s in plan.of_type("azure-native:apimanagement:Subscription"))


PRODUCT_CASES = [
    Case(
        "a token quota without its window",
        {"apim": {"products": {"ai-teams": {"tokenQuota": 1000, "tokenQuotaPeriod": None}}}},
        "apim.products.ai-teams",
        lambda: ProductSettings.model_validate({"apis": ["ai"], "tokenQuota": 1000}),
        "together",
    ),
]


@pytest.mark.parametrize("case", PRODUCT_CASES, ids=lambda c: c.id)
def test_product_mistakes_are_refused_by_stack_file_and_component(case: Case) -> None:
    refused_alike(case)


def test_a_product_on_an_api_the_gateway_lacks_names_the_key() -> None:
    from tests.test_schema import _stack_file_problem

    error = _stack_file_problem({"apim": {"products": {"ai-teams": {"apis": ["ai", "nope"]}}}})
    (problem,) = [p for p in error.problems if p.path == "apim.products.ai-teams.apis.1"]
    assert "names no API of the service" in problem.message


# --- shadow traffic -------------------------------------------------------------------------------------------------
def test_staging_mirrors_a_share_of_the_route_to_the_candidate_as_the_gateways_identity(plans: dict[str, Plan]) -> None:
    plan = plans["staging"]
    config = load_platform_config(stack_values("staging"), "Pulumi.staging.yaml")
    assert config.apim is not None and config.ai_services is not None
    shadow = config.apim.apis["ai"].backend.shadow
    assert shadow is not None
    inbound = _ai_policy(plan).find("inbound")
    assert inbound is not None
    when = inbound.find("choose/when")
    assert when is not None and when.attrib["condition"] == f"@(new Random().Next(100) < {shadow.percent})"
    token = when.find("authentication-managed-identity")
    assert token is not None and token.attrib["output-token-variable-name"] == "shadow-token"
    assert token.attrib["client-id"] == "{{apim-identity-client-id}}"
    send = when.find("send-one-way-request")
    assert send is not None and send.attrib == {"mode": "copy"}
    account = account_name(config.namer, shadow.account, config.location, config.location)
    url = send.findtext("set-url") or ""
    assert f"https://{account}.cognitiveservices.azure.com/openai/deployments/{shadow.deployment}" in url
    assert send.findtext("set-header/value") == '@("Bearer " + (string)context.Variables["shadow-token"])'
    # The mirror comes after routing and the route's own authentication, and changes neither.
    tags = [child.tag for child in inbound]
    assert tags.index("choose") > tags.index("authentication-managed-identity") > tags.index("set-backend-service")
    assert not [d for d in plans["prod"].of_type(DEPLOYMENT) if d.inputs["deploymentName"] == "chat-next"]


def test_shadow_traffic_needs_a_model_route_and_an_existing_candidate() -> None:
    from tests.test_schema import _stack_file_problem

    error = _stack_file_problem(
        {"apim": {"apis": {"api": {"backend": {"shadow": {"account": "primary", "deployment": "chat", "percent": 5}}}}}}
    )
    assert any(
        "shadow traffic mirrors a model route" in p.message
        for p in error.problems
        if p.path.startswith("apim.apis.api")
    )
    error = _stack_file_problem(
        {"apim": {"apis": {"ai": {"backend": {"shadow": {"account": "primary", "deployment": "gpt-9", "percent": 5}}}}}}
    )
    (problem,) = [p for p in error.problems if p.path == "apim.apis.ai.backend.shadow"]
    assert "names no deployment of aiServices" in problem.message

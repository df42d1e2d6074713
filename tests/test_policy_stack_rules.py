"""Stack rules pass on the compliant estate and flag each broken graph property."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from azplatform.components.records import arm_id
from azplatform.policy.engine import evaluate
from azplatform.policy.model import Finding
from azplatform.policy.offline import resources_of
from azplatform.policy.rules import RULES
from azplatform.policy.rules.landing_zone import ROUTE_TABLE
from azplatform.stacks.offline import Plan
from tests.policy_cases import copy_plan, drop, edit, setp

STACK_RULES = {r.id: r for r in RULES if r.is_stack_rule}


def run(plan: Plan, rule_id: str, environment: str = "prod") -> list[Finding]:
    return evaluate(resources_of(plan), environment, [STACK_RULES[rule_id]])  # type: ignore[arg-type]


def second_public_ip(plan: Plan) -> Plan:
    changed = edit(plan, "pip", lambda _: None)
    original = next(r for r in changed.resources if r.name == "pip")
    clone = type(original)(
        **{
            **original.__dict__,
            "urn": original.urn + "-2",
            "name": "pip-2",
            "inputs": {**original.inputs, "publicIpAddressName": "pip-fx-2"},
        }
    )
    changed.resources.append(clone)
    return changed


HUB = (
    "/subscriptions/9a7f0c52-3c1d-4a8e-9f1b-2d6e5c4b3a10/resourceGroups/rg-hub/providers/Microsoft.Network/"
    "virtualNetworks/h"
)
PEERED = setp("virtualNetworkPeerings", value=[{"name": "peer-to-hub", "remoteVirtualNetwork": {"id": HUB}}])


def routed(*subnets: str, control_plane: bool = True) -> Callable[[Plan], Plan]:
    """The estate with a route table sending 0.0.0.0/0 to a firewall, attached to ``subnets`` (agw, apim, aca, pep);
    with ``control_plane`` it also carries API Management's ApiManagement -> Internet route."""

    def breaks(plan: Plan) -> Plan:
        changed = copy_plan(plan)
        vnet = next(r for r in changed.resources if r.name == "vnet")
        routes = [
            {
                "name": "default",
                "addressPrefix": "0.0.0.0/0",
                "nextHopType": "VirtualAppliance",
                "nextHopIpAddress": "10.9.0.4",
            }
        ]
        if control_plane:
            routes.append({"name": "apim", "addressPrefix": "ApiManagement", "nextHopType": "Internet"})
        inputs = {
            "resourceGroupName": vnet.inputs["resourceGroupName"],
            "routeTableName": "rt-egress",
            "routes": routes,
        }
        table = dataclasses.replace(
            vnet,
            urn=vnet.urn.replace("VirtualNetwork::vnet", "RouteTable::rt"),
            type=ROUTE_TABLE,
            name="rt",
            inputs=inputs,
        )
        table_id = arm_id(ROUTE_TABLE, "rt", inputs)
        for subnet in vnet.inputs["subnets"]:
            if subnet["name"].removeprefix("snet-") in subnets:
                subnet["routeTable"] = {"id": table_id}
        changed.resources.append(table)
        return changed

    return breaks


def model_route(*, identity: bool) -> Callable[[Plan], Plan]:
    """The estate with an API Management backend on a model endpoint and an API policy routing to it, with or
    without the managed-identity authentication."""

    def breaks(plan: Plan) -> Plan:
        changed = copy_plan(plan)
        vnet = next(r for r in changed.resources if r.name == "vnet")
        auth = '<authentication-managed-identity resource="https://cognitiveservices.azure.com" />' if identity else ""
        backend = dataclasses.replace(
            vnet,
            urn=vnet.urn.replace("VirtualNetwork::vnet", "Backend::ai"),
            type="azure-native:apimanagement:Backend",
            name="ai",
            inputs={"backendId": "ai", "url": "https://ais-x.cognitiveservices.azure.com/openai/deployments/chat"},
        )
        policy = dataclasses.replace(
            vnet,
            urn=vnet.urn.replace("VirtualNetwork::vnet", "ApiPolicy::ai-policy"),
            type="azure-native:apimanagement:ApiPolicy",
            name="ai-policy",
            inputs={
                "apiId": "ai",
                "format": "xml",
                "value": f'<policies><inbound><set-backend-service backend-id="ai" />{auth}</inbound></policies>',
            },
        )
        changed.resources += [backend, policy]
        return changed

    return breaks


VAULT_ZONE = (
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"
)
KEYS_ON = setp("accessKeysAuthentication", value="Enabled")

BROKEN: list[tuple[str, str, Callable[[Plan], Plan]]] = [
    ("AZP-STACK-001", "cosmos has no private endpoint", lambda p: drop(p, "cosmos-pep", "cosmos-pep-dns")),
    (
        "AZP-STACK-001",
        "registry endpoint in the wrong zone",
        lambda p: edit(p, "cr-pep-dns", setp("privateDnsZoneConfigs", 0, "privateDnsZoneId", value=VAULT_ZONE)),
    ),
    (
        "AZP-STACK-001",
        "vault endpoint to the wrong sub-resource",
        lambda p: edit(p, "kv-pep", setp("privateLinkServiceConnections", 0, "groupIds", value=["blob"])),
    ),
    ("AZP-STACK-002", "vault diagnostic setting removed", lambda p: drop(p, "kv-diag")),
    ("AZP-STACK-002", "gateway diagnostic setting without logs", lambda p: edit(p, "agw-diag", setp("logs", value=[]))),
    ("AZP-STACK-003", "a second public IP", second_public_ip),
    (
        "AZP-STACK-003",
        "gateway without a public frontend",
        lambda p: edit(p, "agw", setp("frontendIPConfigurations", 0, "publicIPAddress", value={"id": "/elsewhere"})),
    ),
    ("AZP-STACK-004", "vault lock removed", lambda p: drop(p, "kv-lock")),
    (
        "AZP-STACK-004",
        "cosmos lock is only a note",
        lambda p: edit(p, "cosmos-lock", setp("level", value="NotSpecified")),
    ),
    (
        "AZP-STACK-005",
        "external app on a public environment",
        lambda p: edit(p, "cae", setp("vnetConfiguration", "internal", value=False)),
    ),
    ("AZP-STACK-005", "external app whose environment is not in the stack", lambda p: drop(p, "cae", "cae-diag")),
    ("AZP-STACK-006", "endpoint without a zone group", lambda p: drop(p, "kv-pep-dns")),
    ("AZP-REDIS-004", "access keys on", lambda p: edit(p, "redis-db", KEYS_ON)),
    ("AZP-LZ-001", "spoke zones in a peered VNet", lambda p: edit(p, "vnet", PEERED)),
    ("AZP-LZ-002", "a default route on the gateway subnet", routed("agw", "aca", "pep", "apim")),
    ("AZP-LZ-002", "the environment's subnet left out", routed("pep")),
    ("AZP-LZ-002", "API Management without its control-plane route", routed("aca", "pep", "apim", control_plane=False)),
    ("AZP-NET-005", "VNet without a flow log", lambda p: drop(p, "flow")),
    ("AZP-NET-005", "flow log turned off", lambda p: edit(p, "flow", setp("enabled", value=False))),
    (
        "AZP-NET-005",
        "flow log without traffic analytics",
        lambda p: edit(
            p,
            "flow",
            setp("flowAnalyticsConfiguration", "networkWatcherFlowAnalyticsConfiguration", "enabled", value=False),
        ),
    ),
    ("AZP-AI-004", "a model backend reached without the gateway's identity", model_route(identity=False)),
    ("AZP-COST-001", "no budget on the resource group", lambda p: drop(p, "budget")),
    (
        "AZP-COST-001",
        "budget without a forecast notification",
        lambda p: edit(
            p,
            "budget",
            setp(
                "notifications",
                value={"actual": {"thresholdType": "Actual", "enabled": True, "contactEmails": ["a@example.com"]}},
            ),
        ),
    ),
    ("AZP-COST-002", "estimate above the budget", lambda p: edit(p, "budget", setp("amount", value=1))),
]


@pytest.mark.parametrize("rule_id", sorted(STACK_RULES))
def test_stack_rule_passes_on_the_compliant_estate(policy_estate: Plan, rule_id: str) -> None:
    assert run(policy_estate, rule_id) == []


@pytest.mark.parametrize(("rule_id", "label", "breaks"), BROKEN, ids=[f"{b[0]}-{b[1]}" for b in BROKEN])
def test_stack_rule_flags_the_broken_estate(
    policy_estate: Plan, rule_id: str, label: str, breaks: Callable[[Plan], Plan]
) -> None:
    findings = run(breaks(policy_estate), rule_id)
    assert findings and all(f.level == STACK_RULES[rule_id].level("prod") for f in findings), label


def test_a_model_route_with_the_identity_passes(policy_estate: Plan) -> None:
    assert run(model_route(identity=True)(policy_estate), "AZP-AI-004") == []


def test_every_stack_rule_has_a_broken_case() -> None:
    assert {b[0] for b in BROKEN} == set(STACK_RULES)


def test_locks_are_required_only_in_prod(policy_estate: Plan) -> None:
    unlocked = drop(policy_estate, "kv-lock")
    assert run(unlocked, "AZP-STACK-004", "staging") == []
    assert [f.urn.rsplit("::", 1)[-1] for f in run(unlocked, "AZP-STACK-004")] == ["kv"]


def _redis_keys_excepted(estate: Plan, expires: str | None) -> Plan:
    keys_on = edit(estate, "redis-db", setp("accessKeysAuthentication", value="Enabled"))
    excepted = edit(keys_on, "redis", setp("tags", "policyExemptions", value="AZP-REDIS-004"))
    return (
        excepted if expires is None else edit(excepted, "redis", setp("tags", "policyExemptionExpires", value=expires))
    )


def test_redis_access_keys_exception_is_reported_as_advisory_until_it_expires(policy_estate: Plan) -> None:
    [finding] = run(_redis_keys_excepted(policy_estate, "2099-12-31"), "AZP-REDIS-004")
    assert finding.level == "advisory"
    assert "explicit exception" in finding.message and "until 2099-12-31" in finding.message


@pytest.mark.parametrize(("expires", "message"), [("2020-01-31", "expired on 2020-01-31"), (None, "no policyExemp")])
def test_an_expired_or_open_ended_redis_key_exception_fails(policy_estate: Plan, expires: str, message: str) -> None:
    [finding] = run(_redis_keys_excepted(policy_estate, expires), "AZP-REDIS-004")
    assert finding.level == "mandatory"
    assert message in finding.message


def test_missing_diagnostic_setting_names_the_resource(policy_estate: Plan) -> None:
    [finding] = run(drop(policy_estate, "cosmos-diag"), "AZP-STACK-002")
    assert finding.urn.endswith("::cosmos") and finding.message == "has no diagnostic setting"


def test_an_app_on_another_stacks_environment_may_declare_the_exception() -> None:
    from azplatform.policy.model import Resource

    def app(tags: dict[str, str]) -> Resource:
        return Resource(
            type="azure-native:app:ContainerApp",
            urn="urn:pulumi:dev::team::azure-native:app:ContainerApp::orders",
            name="orders",
            inputs={
                "environmentId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/cae",
                "configuration": {"ingress": {"external": True}},
                "tags": tags,
            },
        )

    rule = [r for r in RULES if r.id == "AZP-STACK-005"]
    [undeclared] = evaluate([app({})], "prod", rule)
    assert undeclared.level == "mandatory" and "not in the stack" in undeclared.message
    [declared] = evaluate([app({"policyExemptions": "AZP-STACK-005"})], "prod", rule)
    assert declared.level == "advisory" and "explicit exception" in declared.message

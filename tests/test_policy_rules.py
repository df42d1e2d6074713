"""Every resource rule passes on the compliant estate and flags its violating case(s).

The estate (tests/policy_fixture.py) is rendered from the real azure-native SDK, so each violating case is one
property changed on a resource with the exact wire shape the SDK sends.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect

import pytest

from azplatform.plan.environments import Enforcement
from azplatform.policy import catalog
from azplatform.policy.engine import evaluate
from azplatform.policy.model import Environment, PolicyRule, Resource
from azplatform.policy.offline import resources_of
from azplatform.policy.rules import RULES
from azplatform.policy.rules.cross_cutting import tls_version
from azplatform.stacks.offline import Plan
from tests.policy_cases import append, delp, find, setp, with_inputs
from tests.rule_cases import Case, collected, synthetic

# The cases of the rules modules that bring their own (tests/rule_cases/<capability>.py).
_MODULE_VIOLATIONS, _MODULE_COMPLIANT = collected()

RESOURCE_RULES = {r.id: r for r in RULES if not r.is_stack_rule}


INTERNET_SSH = {
    "name": "ssh",
    "priority": 200,
    "direction": "Inbound",
    "access": "Allow",
    "protocol": "Tcp",
    "sourceAddressPrefix": "*",
    "sourcePortRange": "*",
    "destinationAddressPrefix": "*",
    "destinationPortRange": "22",
}

APIM_KEY = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security."
FOREIGN_ZONE = "/x/privateDnsZones/contoso.com"
KV_REFERENCE = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db)"

VIOLATIONS = [
    *_MODULE_VIOLATIONS,
    Case("AZP-NET-001", "nsg-private", append("securityRules", value=INTERNET_SSH)),
    Case("AZP-NET-001", "nsg-agw", setp("securityRules", 0, "destinationPortRange", value="3389")),
    Case("AZP-NET-001", "standalone-rule", synthetic=synthetic(catalog.SECURITY_RULE, **INTERNET_SSH)),
    Case("AZP-NET-002", "vnet", delp("subnets", 0, "networkSecurityGroup")),
    Case(
        "AZP-NET-002",
        "standalone-subnet",
        synthetic=synthetic(catalog.SUBNET, subnetName="snet-x", addressPrefix="10.0.9.0/24"),
    ),
    Case("AZP-NET-003", "pip", setp("sku", "name", value="Basic")),
    Case("AZP-NET-004", "cae", setp("publicNetworkAccess", value="Enabled")),
    Case("AZP-PE-001", "kv-pep-dns", setp("privateDnsZoneConfigs", value=[])),
    Case("AZP-PE-001", "kv-pep-dns", setp("privateDnsZoneConfigs", 0, "privateDnsZoneId", value=FOREIGN_ZONE)),
    Case(
        "AZP-PE-002",
        "kv-pep",
        setp("manualPrivateLinkServiceConnections", value=[{"name": "m", "groupIds": ["vault"]}]),
    ),
    Case("AZP-AGW-001", "agw", setp("sku", value={"name": "Standard_v2", "tier": "Standard_v2"})),
    Case("AZP-AGW-002", "agw", delp("firewallPolicy")),
    Case(
        "AZP-AGW-003",
        "agw",
        setp("sslPolicy", value={"policyType": "Predefined", "policyName": "AppGwSslPolicy20150501"}),
    ),
    Case("AZP-AGW-003", "agw", setp("sslPolicy", value={"policyType": "CustomV2", "minProtocolVersion": "TLSv1_1"})),
    Case("AZP-AGW-004", "agw", delp("requestRoutingRules", 1, "redirectConfiguration")),
    Case(
        "AZP-AGW-005",
        "agw",
        setp("sslCertificates", 0, value={"name": "tls", "data": "MIIK...", "password": "[secret]"}),
    ),
    Case("AZP-WAF-001", "waf", setp("policySettings", "state", value="Disabled")),
    Case("AZP-WAF-002", "waf", setp("policySettings", "mode", value="Detection")),
    Case("AZP-WAF-003", "waf", setp("managedRules", "managedRuleSets", 0, "ruleSetVersion", value="3.1")),
    Case("AZP-WAF-004", "waf", delp("managedRules", "managedRuleSets", 1)),
    Case("AZP-APIM-001", "apim", setp("virtualNetworkType", value="External")),
    Case("AZP-APIM-002", "apim", setp("customProperties", APIM_KEY + "Protocols.Tls10", value="True")),
    Case("AZP-APIM-002", "apim", delp("customProperties", APIM_KEY + "Backend.Protocols.Tls11")),
    Case("AZP-APIM-003", "apim", setp("customProperties", APIM_KEY + "Ciphers.TripleDes168", value="True")),
    Case("AZP-ACA-001", "cae", setp("vnetConfiguration", "internal", value=False)),
    Case("AZP-ACA-002", "cae", setp("appLogsConfiguration", value={"destination": "log-analytics"})),
    Case("AZP-ACA-003", "ca-api", setp("configuration", "ingress", "allowInsecure", value=True)),
    Case(
        "AZP-ACA-004",
        "ca-api",
        setp("configuration", "secrets", 0, value={"name": "redis-password", "value": "[secret]"}),
    ),
    Case(
        "AZP-ACA-006", "ca-api", setp("template", "containers", 0, "image", value="mcr.microsoft.com/k8se/quickstart")
    ),
    Case(
        "AZP-ACA-006",
        "ca-api",
        setp("template", "containers", 0, "image", value="mcr.microsoft.com/k8se/quickstart:latest"),
    ),
    Case(
        "AZP-ACA-005",
        "ca-api",
        setp(
            "configuration",
            "registries",
            0,
            value={"server": "crfxprod.azurecr.io", "username": "crfxprod", "passwordSecretRef": "acr"},
        ),
    ),
    Case("AZP-ACR-001", "cr", setp("adminUserEnabled", value=True)),
    Case("AZP-ACR-002", "cr", setp("publicNetworkAccess", value="Enabled")),
    Case("AZP-ACR-002", "cr", setp("anonymousPullEnabled", value=True)),
    Case("AZP-ACR-003", "cr", setp("sku", "name", value="Standard")),
    Case("AZP-REDIS-001", "redis", setp("minimumTlsVersion", value="1.0")),
    Case("AZP-REDIS-002", "redis", setp("publicNetworkAccess", value="Enabled")),
    Case("AZP-REDIS-003", "redis-db", setp("clientProtocol", value="Plaintext")),
    Case("AZP-COSMOS-001", "cosmos", setp("disableLocalAuth", value=False)),
    Case("AZP-COSMOS-002", "cosmos", setp("publicNetworkAccess", value="Enabled")),
    Case("AZP-COSMOS-003", "cosmos", setp("backupPolicy", value={"type": "Periodic"})),
    Case("AZP-COSMOS-004", "cosmos", delp("disableKeyBasedMetadataWriteAccess")),
    Case("AZP-COSMOS-005", "cosmos", setp("minimalTlsVersion", value="Tls11")),
    Case("AZP-KV-001", "kv", setp("properties", "enablePurgeProtection", value=False)),
    Case("AZP-KV-002", "kv", setp("properties", "softDeleteRetentionInDays", value=7)),
    Case("AZP-KV-003", "kv", setp("properties", "enableRbacAuthorization", value=False)),
    Case("AZP-KV-003", "kv", setp("properties", "accessPolicies", value=[{"objectId": "x", "tenantId": "t"}])),
    Case("AZP-KV-004", "kv", setp("properties", "publicNetworkAccess", value="Enabled")),
    Case("AZP-KV-004", "kv", setp("properties", "networkAcls", "defaultAction", value="Allow")),
    Case("AZP-LOG-001", "log", setp("features", "disableLocalAuth", value=False)),
    Case("AZP-LOG-002", "log", setp("retentionInDays", value=30)),
    Case("AZP-APPI-001", "appi", setp("disableLocalAuth", value=False)),
    Case("AZP-APPI-002", "appi", delp("workspaceResourceId")),
    Case("AZP-TAG-001", "kv", delp("tags", "owner")),
    Case("AZP-TAG-001", "kv", setp("tags", "environment", value="dev")),
    Case(
        "AZP-TLS-001",
        "storage",
        synthetic=dataclasses.replace(
            synthetic("azure-native:storage:StorageAccount", minimumTlsVersion="TLS1_0"), protect=True
        ),
    ),
    Case("AZP-IAM-001", "apim", delp("identity")),
    Case("AZP-IAM-001", "ca-api", setp("identity", "userAssignedIdentities", value=[])),
    Case(
        "AZP-SEC-001",
        "ca-api",
        setp("template", "containers", 0, "env", 0, value={"name": "REDIS_PASSWORD", "value": "hunter2"}),
    ),
    Case("AZP-SEC-001", "cae", setp("appInsightsConfiguration", "connectionString", value="InstrumentationKey=abc")),
    Case(
        "AZP-SEC-001", "cae", setp("appLogsConfiguration", "logAnalyticsConfiguration", "sharedKey", value="c2VjcmV0")
    ),
    Case("AZP-PROT-001", "kv", protect=False),
    Case("AZP-ZONE-001", "agw", setp("zones", value=["1"])),
    Case("AZP-ZONE-001", "cosmos", setp("locations", 0, "isZoneRedundant", value=False)),
    Case("AZP-ZONE-001", "redis", setp("highAvailability", value="Disabled")),
    Case("AZP-ZONE-001", "apim", setp("zones", value=["1"])),
    Case("AZP-KV-005", "secret", synthetic=synthetic("azure-native:keyvault:Secret", properties={"value": "[secret]"})),
]

# Compliant cases for rules whose types the estate does not hold (the estate covers the others).
COMPLIANT_SYNTHETIC = [
    *_MODULE_COMPLIANT,
    (
        "AZP-KV-005",
        synthetic("azure-native:keyvault:Secret", properties={"value": "[secret]", "attributes": {"expires": 1}}),
    ),
    ("AZP-NET-001", synthetic(catalog.SECURITY_RULE, **{**INTERNET_SSH, "sourceAddressPrefix": "VirtualNetwork"})),
    ("AZP-NET-002", synthetic(catalog.SUBNET, subnetName="snet-x", networkSecurityGroup={"id": "/x/nsg"})),
    ("AZP-NET-002", synthetic(catalog.SUBNET, subnetName="GatewaySubnet")),
    ("AZP-TLS-001", synthetic("azure-native:storage:StorageAccount", minimumTlsVersion="TLS1_2")),
]


def subject(estate: Plan, case: Case) -> Resource:
    """The resource a case checks: the estate's, mutated, or the synthetic one."""
    if case.synthetic is not None:
        return case.synthetic
    changes = {} if case.protect is None else {"protect": case.protect}
    return with_inputs(find(estate, case.target), case.mutate, **changes)


def messages(rule: PolicyRule, resource: Resource, environment: Environment = "prod") -> list[str]:
    """What the rule says about the resource (nothing if it does not apply to its type)."""
    assert rule.check is not None
    return list(rule.check(resource, environment)) if rule.applies_to(resource.type) else []


def case_id(case: Case) -> str:
    return f"{case.rule}-{case.target}"


@pytest.mark.parametrize("rule", list(RESOURCE_RULES.values()), ids=lambda r: r.id)
def test_rule_passes_on_the_compliant_estate(policy_estate: Plan, rule: PolicyRule) -> None:
    resources = [r for r in resources_of(policy_estate) if rule.applies_to(r.type)]
    assert resources or rule.id in {rid for rid, _ in COMPLIANT_SYNTHETIC}, f"{rule.id} has no compliant case"
    for resource in resources:
        assert messages(rule, resource) == [], resource.name


@pytest.mark.parametrize(("rule_id", "resource"), COMPLIANT_SYNTHETIC, ids=[c[0] for c in COMPLIANT_SYNTHETIC])
def test_rule_passes_on_a_compliant_synthetic_resource(rule_id: str, resource: Resource) -> None:
    assert messages(RESOURCE_RULES[rule_id], resource) == []


@pytest.mark.parametrize("case", VIOLATIONS, ids=case_id)
def test_rule_flags_its_violating_case(policy_estate: Plan, case: Case) -> None:
    found = messages(RESOURCE_RULES[case.rule], subject(policy_estate, case), case.environment)
    assert found, f"{case.rule} did not flag {case.target}"


@pytest.mark.parametrize("case", VIOLATIONS, ids=case_id)
def test_violating_case_breaks_no_other_rule_by_accident(policy_estate: Plan, case: Case) -> None:
    """Each case isolates one rule (SEC-001 overlaps with the rules about the same secret-bearing fields)."""
    resource = subject(policy_estate, case)
    overlapping = {"AZP-SEC-001", "AZP-AGW-005", "AZP-ACA-002", "AZP-ACA-004"}
    others = {f.rule for f in evaluate([resource], "prod", [r for r in RESOURCE_RULES.values() if r.id != case.rule])}
    assert others <= overlapping - {case.rule}, others


def test_every_resource_rule_has_a_violating_case() -> None:
    assert set(RESOURCE_RULES) == {case.rule for case in VIOLATIONS}


def test_there_are_at_least_35_resource_rules_with_unique_ids() -> None:
    assert len(RESOURCE_RULES) >= 35
    assert len({r.id for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_metadata_is_complete(rule: PolicyRule) -> None:
    assert rule.description and rule.reference
    assert set(rule.levels) == {"dev", "staging", "prod"}
    if rule.enforcement is Enforcement.ADVICE:  # warnings by nature (an estimate against a budget), everywhere
        assert set(rule.levels.values()) == {"advisory"}
        return
    assert rule.level("staging") in ("mandatory", "disabled") or rule.id == "AZP-ZONE-001"
    assert rule.level("prod") == "mandatory"


def test_waf_detection_is_advisory_in_dev_and_mandatory_in_prod(policy_estate: Plan) -> None:
    waf = with_inputs(find(policy_estate, "waf"), setp("policySettings", "mode", value="Detection"))
    assert [f.level for f in evaluate([waf], "dev") if f.rule == "AZP-WAF-002"] == ["advisory"]
    assert [f.level for f in evaluate([waf], "prod") if f.rule == "AZP-WAF-002"] == ["mandatory"]


def test_log_retention_minimum_depends_on_the_environment(policy_estate: Plan) -> None:
    log = with_inputs(find(policy_estate, "log"), setp("retentionInDays", value=30))
    assert messages(RESOURCE_RULES["AZP-LOG-002"], log, "dev") == []
    assert messages(RESOURCE_RULES["AZP-LOG-002"], log, "prod") != []


def test_protect_is_not_required_outside_prod(policy_estate: Plan) -> None:
    vault = with_inputs(find(policy_estate, "kv"), protect=False)
    rules = [RESOURCE_RULES["AZP-PROT-001"]]
    assert [f.rule for f in evaluate([vault], "staging", rules)] == []
    assert [f.rule for f in evaluate([vault], "prod", rules)] == ["AZP-PROT-001"]


def test_a_secret_masked_value_is_not_a_plaintext_secret(policy_estate: Plan) -> None:
    app = with_inputs(
        find(policy_estate, "ca-api"),
        setp("template", "containers", 0, "env", 0, value={"name": "REDIS_PASSWORD", "value": "[secret]"}),
    )
    assert messages(RESOURCE_RULES["AZP-SEC-001"], app) == []


def test_a_key_vault_reference_is_not_a_plaintext_secret(policy_estate: Plan) -> None:
    app = with_inputs(
        find(policy_estate, "ca-api"),
        setp("template", "containers", 0, "env", 1, value={"name": "DB_PASSWORD", "value": KV_REFERENCE}),
    )
    assert messages(RESOURCE_RULES["AZP-SEC-001"], app) == []


def test_an_apim_named_value_reference_is_not_a_plaintext_secret(policy_estate: Plan) -> None:
    app = with_inputs(
        find(policy_estate, "ca-api"),
        setp("template", "containers", 0, "env", 1, value={"name": "DB_PASSWORD", "value": "{{db-password}}"}),
    )
    assert messages(RESOURCE_RULES["AZP-SEC-001"], app) == []
    # Only a whole-value reference counts: text around it is still plain text.
    leaked = with_inputs(app, setp("template", "containers", 0, "env", 1, "value", value="pw={{db-password}}x"))
    assert messages(RESOURCE_RULES["AZP-SEC-001"], leaked) != []


def test_apim_premium_without_zones_is_zone_redundant_automatically_from_two_units(policy_estate: Plan) -> None:
    automatic = with_inputs(find(policy_estate, "apim"), setp("zones", value=[]))
    assert messages(RESOURCE_RULES["AZP-ZONE-001"], automatic) == []
    one_unit = with_inputs(automatic, setp("sku", "capacity", value=1))
    assert (
        "automatic zone redundancy needs Premium with at least 2 units"
        in messages(RESOURCE_RULES["AZP-ZONE-001"], one_unit)[0]
    )
    developer = with_inputs(automatic, setp("sku", "name", value="Developer"))
    assert messages(RESOURCE_RULES["AZP-ZONE-001"], developer) != []


def test_apim_v2_tiers_need_no_explicit_protocol_switches(policy_estate: Plan) -> None:
    apim = with_inputs(find(policy_estate, "apim"), setp("sku", "name", value="PremiumV2"))
    apim = with_inputs(apim, setp("customProperties", value={}))
    assert messages(RESOURCE_RULES["AZP-APIM-002"], apim) == []
    assert messages(RESOURCE_RULES["AZP-APIM-003"], apim) == []


@pytest.mark.parametrize(
    ("text", "version"),
    [("1.2", (1, 2)), ("TLS1_2", (1, 2)), ("Tls12", (1, 2)), ("TLSv1_3", (1, 3)), ("Tls", (1, 0)), ("TLS1_0", (1, 0))],
)
def test_tls_versions_are_read_in_every_azure_spelling(text: str, version: tuple[int, int]) -> None:
    assert tls_version(text) == version


def _resource_parameters(type_token: str) -> set[str]:
    """The resource's input parameters, from the SDK class for the type token (its ``_internal_init``: the Args
    class is sometimes renamed, for example monitor's ActionGroupInitArgs)."""
    _, module, kind = type_token.split(":")
    resource_class = getattr(importlib.import_module(f"pulumi_azure_native.{module}"), kind)
    return set(inspect.signature(resource_class._internal_init).parameters)


@pytest.mark.parametrize("type_token", sorted(catalog.TAGGABLE))
def test_taggable_types_accept_tags_in_the_sdk(type_token: str) -> None:
    assert "tags" in _resource_parameters(type_token)


@pytest.mark.parametrize(
    "type_token", sorted({*catalog.DATA_STORES, *catalog.EMITS_LOGS, *catalog.NEEDS_IDENTITY, *catalog.STATEFUL})
)
def test_rule_type_tokens_exist_in_the_sdk(type_token: str) -> None:
    assert "resource_group_name" in _resource_parameters(type_token)

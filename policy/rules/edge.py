"""Edge rules: the Application Gateway, its WAF policy, and API Management behind it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from azplatform.policy import catalog
from azplatform.policy.model import (
    Enforcement,
    Environment,
    Resource,
    Severity,
    get,
    items,
    lower,
    mapping,
)
from azplatform.policy.registry import resource_rule

# --- Application Gateway ---------------------------------------------------------------------------------


@resource_rule(
    id="AZP-AGW-001",
    description="The Application Gateway is WAF_v2 (sku.name and sku.tier).",
    severity=Severity.HIGH,
    reference="MCSB NS-6 (web application firewall); Azure Policy: Web Application Firewall (WAF) should be "
    "enabled for Application Gateway",
    enforcement=Enforcement.BASELINE,
    types=(catalog.APPLICATION_GATEWAY,),
)
def gateway_sku(resource: Resource, _: Environment) -> Iterator[str]:
    """Only the WAF_v2 SKU runs a WAF policy, autoscales and spans zones."""
    for field in ("name", "tier"):
        value = get(resource.inputs, "sku", field)
        if value != "WAF_v2":
            yield f"sku.{field} is {value!r}; use 'WAF_v2'"


@resource_rule(
    id="AZP-AGW-002",
    description="A WAF policy is attached to the gateway (firewallPolicy), not the legacy inline WAF configuration.",
    severity=Severity.CRITICAL,
    reference="MCSB NS-6; Azure Policy: Web Application Firewall (WAF) should be enabled for Application Gateway",
    enforcement=Enforcement.BASELINE,
    types=(catalog.APPLICATION_GATEWAY,),
)
def gateway_waf_policy(resource: Resource, _: Environment) -> Iterator[str]:
    """The policy carries mode, managed rule sets and custom rules; the inline configuration is being retired."""
    if not get(resource.inputs, "firewallPolicy", "id"):
        yield "firewallPolicy.id is not set: no WAF policy inspects the traffic"
    if resource.inputs.get("webApplicationFirewallConfiguration"):
        yield "uses webApplicationFirewallConfiguration; move the settings into the attached WAF policy"


# https://learn.microsoft.com/azure/application-gateway/application-gateway-ssl-policy-overview
_TLS12_PREDEFINED = {"AppGwSslPolicy20170401S", "AppGwSslPolicy20220101", "AppGwSslPolicy20220101S"}
_TLS12_PROTOCOLS = {"TLSv1_2", "TLSv1_3"}


def _ssl_policy_problem(policy: Any, where: str) -> str | None:
    policy = mapping(policy)
    if not policy:
        return f"{where} is not set; the default depends on the API version. Use AppGwSslPolicy20220101S"
    kind = policy.get("policyType")
    if kind == "Predefined":
        if policy.get("policyName") not in _TLS12_PREDEFINED:
            return f"{where}.policyName {policy.get('policyName')!r} allows TLS below 1.2"
        return None
    if kind in ("Custom", "CustomV2"):
        if policy.get("minProtocolVersion") not in _TLS12_PROTOCOLS:
            return f"{where}.minProtocolVersion is {policy.get('minProtocolVersion')!r}; use TLSv1_2 or TLSv1_3"
        return None
    return f"{where}.policyType is {kind!r}; use Predefined AppGwSslPolicy20220101S or CustomV2 with TLSv1_2"


@resource_rule(
    id="AZP-AGW-003",
    description="The gateway's TLS policy (and every SSL profile's) has TLS 1.2 as its minimum.",
    severity=Severity.HIGH,
    reference="MCSB DP-3 (encrypt sensitive data in transit)",
    enforcement=Enforcement.BASELINE,
    types=(catalog.APPLICATION_GATEWAY,),
)
def gateway_tls_policy(resource: Resource, _: Environment) -> Iterator[str]:
    """Predefined 2017-04-01S/2022-01-01(S) or a custom policy with minProtocolVersion TLSv1_2+."""
    problem = _ssl_policy_problem(resource.inputs.get("sslPolicy"), "sslPolicy")
    if problem:
        yield problem
    for profile in items(resource.inputs.get("sslProfiles")):
        if get(profile, "sslPolicy") is not None:
            problem = _ssl_policy_problem(get(profile, "sslPolicy"), f"sslProfiles[{get(profile, 'name')}].sslPolicy")
            if problem:
                yield problem


def _last_segment(sub_resource: Any) -> str:
    return str(get(sub_resource, "id") or "").rstrip("/").rsplit("/", 1)[-1]


@resource_rule(
    id="AZP-AGW-004",
    description="The gateway serves HTTPS; any plain-HTTP listener only redirects to HTTPS.",
    severity=Severity.HIGH,
    reference="MCSB DP-3",
    enforcement=Enforcement.HARDENING,
    types=(catalog.APPLICATION_GATEWAY,),
)
def gateway_https_listener(resource: Resource, _: Environment) -> Iterator[str]:
    """At least one Https listener with a certificate; every routing rule on an Http listener is a redirect."""
    listeners = [mapping(x) for x in items(resource.inputs.get("httpListeners"))]
    https = [x for x in listeners if lower(x.get("protocol")) == "https" and get(x, "sslCertificate", "id")]
    if not https:
        yield "no Https listener with an sslCertificate"
    plain = {str(x.get("name")) for x in listeners if lower(x.get("protocol")) == "http"}
    for rule in items(resource.inputs.get("requestRoutingRules")):
        listener = _last_segment(get(rule, "httpListener"))
        if listener in plain and not get(rule, "redirectConfiguration", "id"):
            yield f"routing rule {get(rule, 'name')!r} serves plain HTTP on listener {listener!r}; redirect it to HTTPS"


@resource_rule(
    id="AZP-AGW-005",
    description="The gateway's TLS certificates come from Key Vault (keyVaultSecretId), never inline with a password.",
    severity=Severity.HIGH,
    reference="MCSB DP-7 (secure certificate management)",
    enforcement=Enforcement.BASELINE,
    types=(catalog.APPLICATION_GATEWAY,),
)
def gateway_certificates_from_key_vault(resource: Resource, _: Environment) -> Iterator[str]:
    """Key Vault references rotate without a deployment and keep the private key out of the state file."""
    for cert in items(resource.inputs.get("sslCertificates")):
        name = get(cert, "name")
        if not get(cert, "keyVaultSecretId"):
            yield f"sslCertificates[{name}] has no keyVaultSecretId"
        if get(cert, "data") or get(cert, "password"):
            yield f"sslCertificates[{name}] embeds the certificate (data/password); reference Key Vault instead"


# --- WAF policy --------------------------------------------------------------------------------------------


@resource_rule(
    id="AZP-WAF-001",
    description="The WAF policy is enabled and inspects request bodies.",
    severity=Severity.HIGH,
    reference="MCSB NS-6",
    enforcement=Enforcement.BASELINE,
    types=(catalog.WAF_POLICY,),
)
def waf_enabled(resource: Resource, _: Environment) -> Iterator[str]:
    """policySettings.state Enabled; requestBodyCheck not turned off."""
    state = get(resource.inputs, "policySettings", "state")
    if state != "Enabled":
        yield f"policySettings.state is {state!r}; use 'Enabled'"
    if get(resource.inputs, "policySettings", "requestBodyCheck") is False:
        yield "policySettings.requestBodyCheck is false: request bodies pass uninspected"


@resource_rule(
    id="AZP-WAF-002",
    description="The WAF policy blocks (Prevention mode); dev may run Detection, reported as advisory.",
    severity=Severity.CRITICAL,
    reference="MCSB NS-6; Azure Policy: Web Application Firewall (WAF) should use the specified mode for "
    "Application Gateway",
    enforcement=Enforcement.HARDENING,
    types=(catalog.WAF_POLICY,),
)
def waf_prevention(resource: Resource, _: Environment) -> Iterator[str]:
    """Detection only logs attacks; it lets them through."""
    mode = get(resource.inputs, "policySettings", "mode")
    if mode != "Prevention":
        yield f"policySettings.mode is {mode!r}; use 'Prevention'"


# Current core rule sets: OWASP CRS 3.2 (the older 3.0/3.1/2.2.9 are retiring) or Microsoft Default PolicyRule Set 2.1+.
# https://learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-crs-rulegroups-rules
_MINIMUM_CORE_RULE_SETS = {"owasp": (3, 2), "microsoft_defaultruleset": (2, 1)}


def _version(text: Any) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", str(text or "")))


@resource_rule(
    id="AZP-WAF-003",
    description="The WAF policy runs a current managed core rule set (OWASP CRS 3.2+ or Microsoft DRS 2.1+).",
    severity=Severity.HIGH,
    reference="MCSB NS-6",
    enforcement=Enforcement.BASELINE,
    types=(catalog.WAF_POLICY,),
)
def waf_core_rule_set(resource: Resource, _: Environment) -> Iterator[str]:
    """Without a managed core rule set the WAF only runs custom rules."""
    sets = items(get(resource.inputs, "managedRules", "managedRuleSets"))
    current = [
        s
        for s in sets
        if lower(get(s, "ruleSetType")) in _MINIMUM_CORE_RULE_SETS
        and _version(get(s, "ruleSetVersion")) >= _MINIMUM_CORE_RULE_SETS[lower(get(s, "ruleSetType"))]
    ]
    if not current:
        found = [f"{get(s, 'ruleSetType')} {get(s, 'ruleSetVersion')}" for s in sets]
        yield f"managedRules.managedRuleSets {found} has no OWASP 3.2+ or Microsoft_DefaultRuleSet 2.1+"


@resource_rule(
    id="AZP-WAF-004",
    description="The WAF policy runs the bot protection rule set (Microsoft_BotManagerRuleSet).",
    severity=Severity.MEDIUM,
    reference="MCSB NS-6",
    enforcement=Enforcement.HARDENING,
    types=(catalog.WAF_POLICY,),
)
def waf_bot_protection(resource: Resource, _: Environment) -> Iterator[str]:
    """Blocks known-bad bots and scanners by IP reputation."""
    sets = items(get(resource.inputs, "managedRules", "managedRuleSets"))
    if not any(lower(get(s, "ruleSetType")) == "microsoft_botmanagerruleset" for s in sets):
        yield "managedRules.managedRuleSets has no Microsoft_BotManagerRuleSet"


# --- API Management --------------------------------------------------------------------------------------------


@resource_rule(
    id="AZP-APIM-001",
    description="API Management is injected into its subnet in Internal mode (no public gateway endpoint).",
    severity=Severity.CRITICAL,
    reference="MCSB NS-2; Azure Policy: API Management services should use a virtual network",
    enforcement=Enforcement.BASELINE,
    types=(catalog.APIM,),
)
def apim_internal(resource: Resource, _: Environment) -> Iterator[str]:
    """The only way in is the Application Gateway, through the VNet."""
    kind = resource.inputs.get("virtualNetworkType")
    if kind != "Internal":
        yield f"virtualNetworkType is {kind!r}; use 'Internal'"
    if not get(resource.inputs, "virtualNetworkConfiguration", "subnetResourceId"):
        yield "virtualNetworkConfiguration.subnetResourceId is not set"


_APIM_PREFIX = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security."
# https://learn.microsoft.com/azure/api-management/api-management-howto-manage-protocols-ciphers
APIM_LEGACY_PROTOCOLS = tuple(
    f"{_APIM_PREFIX}{side}Protocols.{protocol}" for side in ("", "Backend.") for protocol in ("Tls10", "Tls11", "Ssl30")
)
APIM_WEAK_CIPHERS = (f"{_APIM_PREFIX}Ciphers.TripleDes168",)


def _apim_switches_off(resource: Resource, keys: tuple[str, ...]) -> Iterator[str]:
    # v2 tiers have no such switches (legacy protocols and ciphers are simply unavailable), so only an explicit
    # "True" fails there; classic tiers must say "False" explicitly, as older instances default to True.
    v2 = lower(get(resource.inputs, "sku", "name")).endswith("v2")
    properties = mapping(resource.inputs.get("customProperties"))
    for key in keys:
        value = properties.get(key)
        text = str(value).lower() if value is not None else ""
        if text == "true" or (not v2 and text != "false"):
            yield f"customProperties[{key!r}] is {value!r}; set it to 'False'"


@resource_rule(
    id="AZP-APIM-002",
    description="API Management has TLS 1.0, TLS 1.1 and SSL 3.0 off, client side and backend side.",
    severity=Severity.HIGH,
    reference="MCSB DP-3",
    enforcement=Enforcement.BASELINE,
    types=(catalog.APIM,),
)
def apim_legacy_protocols_off(resource: Resource, _: Environment) -> Iterator[str]:
    """Set in customProperties, explicitly, for the gateway and for backends."""
    yield from _apim_switches_off(resource, APIM_LEGACY_PROTOCOLS)


@resource_rule(
    id="AZP-APIM-003",
    description="API Management has the 3DES (TripleDes168) cipher off.",
    severity=Severity.MEDIUM,
    reference="MCSB DP-3",
    enforcement=Enforcement.BASELINE,
    types=(catalog.APIM,),
)
def apim_weak_ciphers_off(resource: Resource, _: Environment) -> Iterator[str]:
    """3DES is vulnerable to Sweet32."""
    yield from _apim_switches_off(resource, APIM_WEAK_CIPHERS)

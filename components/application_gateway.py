"""Application Gateway WAF_v2: the platform's only public entry point, with a standalone WAF policy.

Every listener, rule, probe, pool and redirect is declared inline in the gateway (one style per sub-resource, so
an update never drops a child). The gateway terminates TLS with a certificate read from Key Vault through a
user-assigned identity, redirects HTTP to HTTPS, and forwards over HTTPS to one private backend host name.
"""

from __future__ import annotations

from typing import Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from azplatform.components.aliases import renamed_from
from azplatform.components.args import Args, Input
from azplatform.components.identity import component_identity
from azplatform.components.interfaces import CommonArgs, ManagedIdentities, apply_interfaces
from azplatform.components.naming import Kind, name_check
from azplatform.components.records.edge import APPLICATION_GATEWAY, PUBLIC_IP
from azplatform.components.replacements import replace_on_changes
from azplatform.components.secret_store import SecretName, SecretStore

__all__ = [
    "ApplicationGateway",
    "ApplicationGatewayArgs",
    "ApplicationGatewaySettings",
    "GatewayBackend",
    "GeoFilterRule",
    "RateLimitRule",
    "WafExclusion",
]

TYPE_TOKEN = "azplatform:index:ApplicationGateway"

# Autoscale bounds: "The minimum instance count can range from 0 to 100", "The instance counts can range from 0 to
# 125"; the maximum must allow at least two instances.
# https://learn.microsoft.com/azure/application-gateway/application-gateway-autoscaling-zone-redundant
MAX_INSTANCES = 125
MAX_MIN_INSTANCES = 100
# WAF custom rules: priority 1-100, unique; at most 100 rules.
# https://learn.microsoft.com/azure/web-application-firewall/ag/custom-waf-rules-overview
MAX_CUSTOM_RULES = 100

# Managed rule sets: the Microsoft Default Rule Set (OWASP-based, on the current WAF engine) and the bot
# protection rule set. https://learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-crs-rulegroups-rules
# https://learn.microsoft.com/azure/web-application-firewall/ag/bot-protection-overview
DEFAULT_RULE_SET = ("Microsoft_DefaultRuleSet", "2.1")
BOT_RULE_SET = ("Microsoft_BotManagerRuleSet", "1.1")

# TLS 1.2 minimum with only forward-secret AEAD ciphers (TLS 1.3 offered too).
# https://learn.microsoft.com/azure/application-gateway/application-gateway-ssl-policy-overview
# (The value of ApplicationGatewaySslPolicyName.APP_GW_SSL_POLICY20220101_S, as a string so that importing this
# module does not load the SDK's network module.)
SSL_POLICY = "AppGwSslPolicy20220101S"

# Names of the inline children; ids are <gateway id>/<collection>/<name>.
_FRONTEND_IP = "public-frontend"
_HTTPS_PORT, _HTTP_PORT = "port-443", "port-80"
_HTTPS_LISTENER, _HTTP_LISTENER = "https-listener", "http-listener"
_CERTIFICATE = "listener-certificate"
_POOL, _SETTINGS, _PROBE = "backend-pool", "backend-https", "backend-probe"
_REDIRECT = "http-to-https"

_RULE_NAME = r"^[A-Za-z0-9]{1,128}$"  # WAF custom rule names: letters and digits, up to 128
_FQDN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


def _given(info: ValidationInfo, name: str) -> object:
    """An earlier field's validated value (None when it was not given or failed its own validation)."""
    return info.data.get(name)


class RateLimitRule(Args):
    """A RateLimitRule custom rule: block a client IP that sends more than ``threshold`` requests to paths under
    ``path_prefix`` within one or five minutes. https://learn.microsoft.com/azure/web-application-firewall/ag/rate-limiting-overview
    """

    kind: Literal["rateLimit"] = Field(default="rateLimit", description="Rule kind (a stack file names it).")
    name: str = Field(pattern=_RULE_NAME, description="Rule name (letters and digits, unique), shown in WAF logs.")
    priority: int = Field(ge=1, le=MAX_CUSTOM_RULES, description="Evaluation order, 1-100, unique across custom rules.")
    threshold: int = Field(ge=1, description="Requests a client IP may send per window before it is blocked.")
    duration_minutes: Literal[1, 5] = Field(default=1, description="Window: 1 or 5 minutes. Default 1.")
    # The rule lowercases the request URI before matching, so the prefix must be lowercase to ever match.
    path_prefix: str = Field(
        default="/", pattern=r"^/[a-z0-9/_.~-]*$", description="Lowercase path prefix the rule counts. Default /."
    )


class GeoFilterRule(Args):
    """A GeoMatch custom rule: block requests whose client address is outside ``allowed_countries``.
    https://learn.microsoft.com/azure/web-application-firewall/ag/geomatch-custom-rules
    """

    kind: Literal["geoFilter"] = Field(default="geoFilter", description="Rule kind (a stack file names it).")
    name: str = Field(default="geoFilter", pattern=_RULE_NAME, description="Rule name. Default geoFilter.")
    priority: int = Field(ge=1, le=MAX_CUSTOM_RULES, description="Evaluation order, 1-100, unique across custom rules.")
    allowed_countries: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(
        min_length=1, description="ISO 3166-1 alpha-2 country codes allowed in."
    )


CustomRule = Annotated[RateLimitRule | GeoFilterRule, Field(discriminator="kind")]


class WafExclusion(Args):
    """Leave one request attribute out of Default Rule Set evaluation (all of it, a rule group, or some rules).
    https://learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-waf-configuration
    """

    match_variable: Literal[
        "RequestHeaderNames",
        "RequestCookieNames",
        "RequestArgNames",
        "RequestHeaderKeys",
        "RequestHeaderValues",
        "RequestCookieKeys",
        "RequestCookieValues",
        "RequestArgKeys",
        "RequestArgValues",
    ] = Field(description="Which request attribute.")
    selector_match_operator: Literal["Equals", "Contains", "StartsWith", "EndsWith", "EqualsAny"] = Field(
        description="How the selector matches attribute names."
    )
    selector: str = Field(min_length=1, description="The attribute name (for example Authorization).")
    rule_group: str | None = Field(default=None, description="Only this rule group. Default: the whole rule set.")
    rule_ids: list[Annotated[str, Field(pattern=r"^\d{3,6}$")]] = Field(
        default_factory=list, description="Only these rule ids of the group. Default: the whole group."
    )

    @field_validator("rule_ids")
    @classmethod
    def _rules_need_a_group(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if value and not _given(info, "rule_group"):
            raise ValueError("rule ids need the ruleGroup they belong to")
        return value


class GatewayBackend(Args):
    """Where the gateway forwards: one private host name over HTTPS, health-probed at ``probe_path``.

    The gateway sends the backend's own host name (API Management answers only on its configured host names)
    and trusts its certificate through the public CA chain.
    """

    fqdn: Input[str] = Field(description="Backend host name, resolved through the VNet's private DNS.")
    probe_path: str = Field(default="/", pattern=r"^/", description="Health probe path. Default /.")
    probe_status_codes: list[Annotated[str, Field(pattern=r"^\d{3}(-\d{3})?$")]] = Field(
        default_factory=lambda: ["200-399"],
        min_length=1,
        description="Healthy response codes or ranges (200-399). Default 200-399.",
    )
    # Backend settings' requestTimeout: 1-86400 seconds.
    # https://learn.microsoft.com/azure/application-gateway/configuration-http-settings#request-timeout
    request_timeout_seconds: int = Field(
        default=120,
        ge=1,
        le=86400,
        description="Backend response timeout, 1-86400 seconds. Default 120 (LLM completions can be slow).",
    )


class ApplicationGatewaySettings(Args):
    """What a user chooses about the Application Gateway and its WAF policy (the stack file's ``appGateway``)."""

    # Field order matters: min_capacity is checked against max_capacity, declared before it.
    max_capacity: int = Field(
        default=10,
        ge=2,
        le=MAX_INSTANCES,
        description="Autoscale maximum instances, 2-125. Default 10 (Azure's); the stack's profile sets it.",
    )
    min_capacity: int = Field(
        default=0,
        ge=0,
        le=MAX_MIN_INSTANCES,
        description="Autoscale minimum instances kept warm, 0-100, at most maxCapacity. Default 0; the stack's "
        "profile sets it.",
    )
    waf_mode: Literal["Prevention", "Detection"] = Field(
        default="Prevention",
        description="Prevention blocks attacks; Detection only logs them (the platform allows it in dev only). "
        "Default Prevention.",
    )
    host_name: str = Field(
        pattern=_FQDN, max_length=253, description="Public host name of the HTTPS listener (lowercase FQDN)."
    )
    certificate_secret_name: SecretName = Field(
        default="appgw-tls",
        description="Key Vault certificate (read through its secret) for the listener. Default appgw-tls.",
    )
    custom_rules: list[CustomRule] = Field(
        default_factory=list,
        max_length=MAX_CUSTOM_RULES,
        description="Rate limits and at most one geo filter, each with its own name and priority. Default: none.",
    )
    exclusions: list[WafExclusion] = Field(default_factory=list, description="Managed-rule exclusions. Default: none.")
    # https://learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-waf-request-size-limits
    max_request_body_size_kb: int = Field(
        default=128, ge=8, le=2000, description="Largest request body the WAF accepts, 8-2000 KB. Default 128."
    )
    file_upload_limit_mb: int = Field(
        default=100, ge=1, le=4000, description="Largest file upload, 1-4000 MB. Default 100."
    )

    @field_validator("min_capacity")
    @classmethod
    def _at_most_max(cls, value: int, info: ValidationInfo) -> int:
        maximum = _given(info, "max_capacity")
        if isinstance(maximum, int) and value > maximum:
            raise ValueError(f"is greater than maxCapacity ({maximum}); minCapacity must be <= maxCapacity")
        return value

    @field_validator("custom_rules")
    @classmethod
    def _distinct(cls, value: list[RateLimitRule | GeoFilterRule]) -> list[RateLimitRule | GeoFilterRule]:
        problems = []
        priorities = [rule.priority for rule in value]
        duplicates = sorted({p for p in priorities if priorities.count(p) > 1})
        if duplicates:
            problems.append(f"priorities {duplicates} are used twice; each must be unique")
        names = [rule.name for rule in value]
        if len(set(names)) != len(names):
            problems.append(f"rule names must be unique: {names}")
        if sum(isinstance(rule, GeoFilterRule) for rule in value) > 1:
            problems.append("at most one geoFilter rule")
        if problems:
            raise ValueError("; ".join(problems))
        return value


class ApplicationGatewayArgs(ApplicationGatewaySettings, CommonArgs):
    """Arguments for :class:`ApplicationGateway`: its settings plus names, placement, certificate, backend and the
    shared interfaces. ``diagnostic_settings`` apply to the gateway and its public IP; ``lock`` locks the public IP (the
    address the platform's DNS names; the gateway itself holds no data and can be recreated); ``role_assignments``
    are on the gateway. No ``private_endpoints``: the gateway is the public entry point (Private Link to a gateway
    needs a private link configuration on a frontend, which this component does not offer)."""

    name: Annotated[str, AfterValidator(name_check(Kind.APPLICATION_GATEWAY))] = Field(
        description="Gateway name (CAF agw-...)."
    )
    public_ip_name: Annotated[str, AfterValidator(name_check(Kind.PUBLIC_IP))] = Field(
        description="Public IP name (CAF pip-...)."
    )
    waf_policy_name: Annotated[str, AfterValidator(name_check(Kind.WAF_POLICY))] = Field(
        description="WAF policy name (CAF waf...; letters and digits only)."
    )
    identity_name: Annotated[str, AfterValidator(name_check(Kind.MANAGED_IDENTITY))] = Field(
        description="User-assigned identity that reads the TLS certificate from Key Vault."
    )
    subnet_id: Input[str] = Field(description="The gateway's own subnet.")
    certificate_store: SecretStore = Field(description="Vault holding the TLS certificate.")
    backend: GatewayBackend = Field(description="Where traffic goes.")
    zones: list[Literal["1", "2", "3"]] = Field(
        default_factory=list, description="Availability zones for the gateway and its IP. Default: none (regional)."
    )
    managed_identities: ManagedIdentities = Field(
        default_factory=ManagedIdentities,
        description="User-assigned identities besides the gateway's own. Default: none. (Application Gateway takes "
        "user-assigned identities only.)",
    )

    @field_validator("managed_identities")
    @classmethod
    def _user_assigned_only(cls, value: ManagedIdentities) -> ManagedIdentities:
        # The gateway's identity type is UserAssigned only ("Only possible value is UserAssigned" in the provider
        # docs); Key Vault certificates are read through a user-assigned identity.
        # https://learn.microsoft.com/azure/application-gateway/key-vault-certs
        if value.system_assigned:
            raise ValueError("Application Gateway takes user-assigned identities only; system_assigned must be false")
        return value


class ApplicationGateway(pulumi.ComponentResource):
    """Application Gateway WAF_v2 with autoscale, a zone-redundant static public IP, a standalone WAF policy,
    TLS 1.2+ from a Key Vault certificate, HTTP-to-HTTPS redirect and a probed HTTPS backend. Diagnostic settings
    go on the gateway and its public IP; the lock goes on the public IP, the address the platform's DNS names."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    public_ip_address: pulumi.Output[str]

    def __init__(self, name: str, args: ApplicationGatewayArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, renamed_from("azplatform:index:AppGateway", opts))
        zones = list(args.zones) or None
        self.identity = component_identity(self, name, args.identity_name, args)
        # The gateway fetches the certificate when it is created: the grant must exist first.
        grant = args.certificate_store.grant_secret_read(self.identity)
        self.public_ip = azure_native.network.PublicIPAddress(
            f"{name}-pip",
            public_ip_address_name=args.public_ip_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=azure_native.network.PublicIPAddressSkuArgs(
                name=azure_native.network.PublicIPAddressSkuName.STANDARD,
                tier=azure_native.network.PublicIPAddressSkuTier.REGIONAL,
            ),
            public_ip_allocation_method=azure_native.network.IPAllocationMethod.STATIC,
            public_ip_address_version=azure_native.network.IPVersion.I_PV4,
            zones=zones,
            tags=dict(args.tags),
            # The address is what DNS points at: keep it through any gateway replacement.
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, replace_on_changes=replace_on_changes(PUBLIC_IP)
            ),
        )
        self.waf_policy = azure_native.network.WebApplicationFirewallPolicy(
            f"{name}-waf",
            policy_name=args.waf_policy_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            policy_settings=azure_native.network.PolicySettingsArgs(
                state=azure_native.network.WebApplicationFirewallEnabledState.ENABLED,
                mode=args.waf_mode,
                request_body_check=True,
                request_body_enforcement=True,
                request_body_inspect_limit_in_kb=128,
                max_request_body_size_in_kb=args.max_request_body_size_kb,
                file_upload_enforcement=True,
                file_upload_limit_in_mb=args.file_upload_limit_mb,
            ),
            managed_rules=azure_native.network.ManagedRulesDefinitionArgs(
                managed_rule_sets=[
                    azure_native.network.ManagedRuleSetArgs(rule_set_type=kind, rule_set_version=version)
                    for kind, version in (DEFAULT_RULE_SET, BOT_RULE_SET)
                ],
                exclusions=[_exclusion(e) for e in args.exclusions] or None,
            ),
            # Rate limits first, then the geo filter (Azure evaluates by priority; the order only keeps updates quiet).
            custom_rules=[
                _custom_rule(rule)
                for rule in sorted(args.custom_rules, key=lambda rule: isinstance(rule, GeoFilterRule))
            ]
            or None,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        gateway_id = _gateway_id(args.subnet_id, args.resource_group_name, args.name)

        def child(collection: str, child_name: str) -> azure_native.network.SubResourceArgs:
            return azure_native.network.SubResourceArgs(
                id=gateway_id.apply(lambda gid: f"{gid}/{collection}/{child_name}")
            )

        self.gateway = azure_native.network.ApplicationGateway(
            name,
            application_gateway_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=azure_native.network.ApplicationGatewaySkuArgs(
                name=azure_native.network.ApplicationGatewaySkuName.WA_F_V2,
                tier=azure_native.network.ApplicationGatewayTier.WA_F_V2,
            ),
            autoscale_configuration=azure_native.network.ApplicationGatewayAutoscaleConfigurationArgs(
                min_capacity=args.min_capacity, max_capacity=args.max_capacity
            ),
            zones=zones,
            identity=azure_native.network.ManagedServiceIdentityArgs(
                type=azure_native.network.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[self.identity.id, *args.managed_identities.user_assigned_resource_ids],
            ),
            firewall_policy=azure_native.network.SubResourceArgs(id=self.waf_policy.id),
            force_firewall_policy_association=True,
            enable_http2=True,
            ssl_policy=azure_native.network.ApplicationGatewaySslPolicyArgs(
                policy_type=azure_native.network.ApplicationGatewaySslPolicyType.PREDEFINED,
                policy_name=SSL_POLICY,
            ),
            gateway_ip_configurations=[
                azure_native.network.ApplicationGatewayIPConfigurationArgs(
                    name="gateway-ip", subnet=azure_native.network.SubResourceArgs(id=args.subnet_id)
                )
            ],
            frontend_ip_configurations=[
                azure_native.network.ApplicationGatewayFrontendIPConfigurationArgs(
                    name=_FRONTEND_IP, public_ip_address=azure_native.network.SubResourceArgs(id=self.public_ip.id)
                )
            ],
            frontend_ports=[
                azure_native.network.ApplicationGatewayFrontendPortArgs(name=_HTTPS_PORT, port=443),
                azure_native.network.ApplicationGatewayFrontendPortArgs(name=_HTTP_PORT, port=80),
            ],
            # A versionless secret id: the gateway picks up renewed certificate versions (it polls every 4 hours).
            # https://learn.microsoft.com/azure/application-gateway/key-vault-certs
            ssl_certificates=[
                azure_native.network.ApplicationGatewaySslCertificateArgs(
                    name=_CERTIFICATE,
                    key_vault_secret_id=args.certificate_store.secret_uri(args.certificate_secret_name),
                )
            ],
            http_listeners=[
                azure_native.network.ApplicationGatewayHttpListenerArgs(
                    name=_HTTPS_LISTENER,
                    protocol=azure_native.network.ApplicationGatewayProtocol.HTTPS,
                    frontend_ip_configuration=child("frontendIPConfigurations", _FRONTEND_IP),
                    frontend_port=child("frontendPorts", _HTTPS_PORT),
                    ssl_certificate=child("sslCertificates", _CERTIFICATE),
                    host_names=[args.host_name],
                    require_server_name_indication=True,
                ),
                azure_native.network.ApplicationGatewayHttpListenerArgs(
                    name=_HTTP_LISTENER,
                    protocol=azure_native.network.ApplicationGatewayProtocol.HTTP,
                    frontend_ip_configuration=child("frontendIPConfigurations", _FRONTEND_IP),
                    frontend_port=child("frontendPorts", _HTTP_PORT),
                    host_names=[args.host_name],
                ),
            ],
            redirect_configurations=[
                azure_native.network.ApplicationGatewayRedirectConfigurationArgs(
                    name=_REDIRECT,
                    redirect_type=azure_native.network.ApplicationGatewayRedirectType.PERMANENT,
                    target_listener=child("httpListeners", _HTTPS_LISTENER),
                    include_path=True,
                    include_query_string=True,
                )
            ],
            backend_address_pools=[
                azure_native.network.ApplicationGatewayBackendAddressPoolArgs(
                    name=_POOL,
                    backend_addresses=[
                        azure_native.network.ApplicationGatewayBackendAddressArgs(fqdn=args.backend.fqdn)
                    ],
                )
            ],
            backend_http_settings_collection=[
                azure_native.network.ApplicationGatewayBackendHttpSettingsArgs(
                    name=_SETTINGS,
                    port=443,
                    protocol=azure_native.network.ApplicationGatewayProtocol.HTTPS,
                    cookie_based_affinity=azure_native.network.ApplicationGatewayCookieBasedAffinity.DISABLED,
                    # The backend answers only on its own host name, which its certificate also names.
                    pick_host_name_from_backend_address=True,
                    request_timeout=args.backend.request_timeout_seconds,
                    probe=child("probes", _PROBE),
                )
            ],
            probes=[
                azure_native.network.ApplicationGatewayProbeArgs(
                    name=_PROBE,
                    protocol=azure_native.network.ApplicationGatewayProtocol.HTTPS,
                    pick_host_name_from_backend_http_settings=True,
                    path=args.backend.probe_path,
                    interval=30,
                    timeout=30,
                    unhealthy_threshold=3,
                    match=azure_native.network.ApplicationGatewayProbeHealthResponseMatchArgs(
                        status_codes=list(args.backend.probe_status_codes)
                    ),
                )
            ],
            request_routing_rules=[
                azure_native.network.ApplicationGatewayRequestRoutingRuleArgs(
                    name="https-to-backend",
                    priority=100,
                    rule_type=azure_native.network.ApplicationGatewayRequestRoutingRuleType.BASIC,
                    http_listener=child("httpListeners", _HTTPS_LISTENER),
                    backend_address_pool=child("backendAddressPools", _POOL),
                    backend_http_settings=child("backendHttpSettingsCollection", _SETTINGS),
                ),
                azure_native.network.ApplicationGatewayRequestRoutingRuleArgs(
                    name="http-redirect",
                    priority=200,
                    rule_type=azure_native.network.ApplicationGatewayRequestRoutingRuleType.BASIC,
                    http_listener=child("httpListeners", _HTTP_LISTENER),
                    redirect_configuration=child("redirectConfigurations", _REDIRECT),
                ),
            ],
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[grant],
                replace_on_changes=replace_on_changes(APPLICATION_GATEWAY),
            ),
        )
        # The gateway: diagnostics and role assignments. Its public IP: diagnostics and the lock.
        self.interfaces = apply_interfaces(
            self, name, args.model_copy(update={"lock": None}), self.gateway, azure_name=args.name, lock_notes=""
        )
        self.ip_interfaces = apply_interfaces(
            self,
            f"{name}-pip",
            args.model_copy(update={"role_assignments": []}),
            self.public_ip,
            azure_name=args.public_ip_name,
            lock_notes="The public IP is what the platform's DNS names",
        )
        self.id = self.gateway.id
        self.name = self.gateway.name
        self.principal_id = self.identity.principal_id
        self.public_ip_address = self.public_ip.ip_address.apply(lambda ip: ip or "")
        self.register_outputs({"id": self.id, "publicIpAddress": self.public_ip_address})


def _gateway_id(subnet_id: pulumi.Input[str], resource_group: pulumi.Input[str], name: str) -> pulumi.Output[str]:
    """The gateway's ARM id before it exists (inline children reference each other by id); the subscription is
    the subnet's, as a gateway must sit in a VNet of its own subscription."""
    return pulumi.Output.all(subnet_id, resource_group).apply(
        lambda parts: (
            f"/subscriptions/{str(parts[0]).split('/')[2]}/resourceGroups/{parts[1]}"
            f"/providers/Microsoft.Network/applicationGateways/{name}"
        )
    )


def _custom_rule(rule: RateLimitRule | GeoFilterRule) -> azure_native.network.WebApplicationFirewallCustomRuleArgs:
    if isinstance(rule, GeoFilterRule):
        return azure_native.network.WebApplicationFirewallCustomRuleArgs(
            name=rule.name,
            priority=rule.priority,
            rule_type=azure_native.network.WebApplicationFirewallRuleType.MATCH_RULE,
            action=azure_native.network.WebApplicationFirewallAction.BLOCK,
            match_conditions=[
                azure_native.network.MatchConditionArgs(
                    match_variables=[azure_native.network.MatchVariableArgs(variable_name="RemoteAddr")],
                    operator=azure_native.network.WebApplicationFirewallOperator.GEO_MATCH,
                    match_values=list(rule.allowed_countries),
                    # Block what does NOT match the allow-list.
                    negation_conditon=True,
                )
            ],
        )
    return azure_native.network.WebApplicationFirewallCustomRuleArgs(
        name=rule.name,
        priority=rule.priority,
        rule_type=azure_native.network.WebApplicationFirewallRuleType.RATE_LIMIT_RULE,
        action=azure_native.network.WebApplicationFirewallAction.BLOCK,
        rate_limit_duration="OneMin" if rule.duration_minutes == 1 else "FiveMins",
        rate_limit_threshold=rule.threshold,
        group_by_user_session=[
            azure_native.network.GroupByUserSessionArgs(
                group_by_variables=[azure_native.network.GroupByVariableArgs(variable_name="ClientAddr")]
            )
        ],
        match_conditions=[
            azure_native.network.MatchConditionArgs(
                match_variables=[azure_native.network.MatchVariableArgs(variable_name="RequestUri")],
                operator=azure_native.network.WebApplicationFirewallOperator.BEGINS_WITH,
                match_values=[rule.path_prefix],
                transforms=[azure_native.network.WebApplicationFirewallTransform.LOWERCASE],
            )
        ],
    )


def _exclusion(exclusion: WafExclusion) -> azure_native.network.OwaspCrsExclusionEntryArgs:
    kind, version = DEFAULT_RULE_SET
    groups = (
        [
            azure_native.network.ExclusionManagedRuleGroupArgs(
                rule_group_name=exclusion.rule_group,
                rules=[azure_native.network.ExclusionManagedRuleArgs(rule_id=r) for r in exclusion.rule_ids] or None,
            )
        ]
        if exclusion.rule_group
        else None
    )
    return azure_native.network.OwaspCrsExclusionEntryArgs(
        match_variable=exclusion.match_variable,
        selector_match_operator=exclusion.selector_match_operator,
        selector=exclusion.selector,
        exclusion_managed_rule_sets=[
            azure_native.network.ExclusionManagedRuleSetArgs(
                rule_set_type=kind, rule_set_version=version, rule_groups=groups
            )
        ],
    )


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "ApplicationGateway": """
from azplatform.components import (
    ApplicationGateway, ApplicationGatewayArgs, DiagnosticSettings, GatewayBackend, KeyVault, KeyVaultArgs, Lock,
    RateLimitRule,
)

vault = KeyVault("kv", KeyVaultArgs(
    name="kv-shop-dev-weu", resource_group_name=RG, location="westeurope",
    tenant_id="00000000-0000-4000-8000-000000000002",
))
ApplicationGateway("agw", ApplicationGatewayArgs(
    name="agw-shop-dev-weu", public_ip_name="pip-agw-shop-dev-weu", waf_policy_name="wafshopdevweu",
    identity_name="id-agw-shop-dev", resource_group_name=RG, location="westeurope",
    subnet_id=f"{SUBNETS}/snet-agw", host_name="shop.example.com",
    certificate_store=vault, certificate_secret_name="appgw-tls",
    backend=GatewayBackend(fqdn="apim-shop-dev-weu.azure-api.net", probe_path="/status-0123456789abcdef"),
    min_capacity=0, max_capacity=2,
    custom_rules=[RateLimitRule(name="perClientIp", priority=10, threshold=3000)],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
    lock=Lock(),  # on the public IP, the address DNS names
))
""",
}

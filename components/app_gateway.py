"""Application Gateway WAF_v2: the platform's only public entry point, with a standalone WAF policy.

Every listener, rule, probe, pool and redirect is declared inline in the gateway (one style per sub-resource, so
an update never drops a child). The gateway terminates TLS with a certificate read from Key Vault through a
user-assigned identity, redirects HTTP to HTTPS, and forwards over HTTPS to one private backend host name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.common import CommonArgs
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.observability import diagnostic_setting
from azplatform.components.protection import cannot_delete_lock
from azplatform.components.secret_store import SecretStore

TYPE_TOKEN = "azplatform:index:AppGateway"

# Autoscale bounds: instance counts range 0-125 and the maximum must allow at least two instances.
# https://learn.microsoft.com/azure/application-gateway/application-gateway-autoscaling-zone-redundant
MAX_INSTANCES = 125
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


class WafMode(Enum):
    """Detection logs matches; Prevention blocks them."""

    DETECTION = "Detection"
    PREVENTION = "Prevention"


@dataclass(frozen=True, kw_only=True)
class RateLimitRule:
    """A RateLimitRule custom rule: block a client IP that sends more than ``threshold`` requests to paths under
    ``path_prefix`` within one or five minutes. https://learn.microsoft.com/azure/web-application-firewall/ag/rate-limiting-overview
    """

    name: str
    """Rule name (letters and digits, unique in the policy)."""
    priority: int
    """Evaluation order among custom rules, lower first (1-100)."""
    threshold: int
    """Requests per client IP per window above which the client is blocked."""
    duration_minutes: int = 1
    """1 or 5."""
    path_prefix: str = "/"
    """Only requests under this path count. Default /."""


@dataclass(frozen=True, kw_only=True)
class GeoFilterRule:
    """A GeoMatch custom rule: block requests whose client address is outside ``allowed_countries``.
    https://learn.microsoft.com/azure/web-application-firewall/ag/geomatch-custom-rules
    """

    name: str
    """Rule name (letters and digits, unique in the policy)."""
    priority: int
    """Evaluation order among custom rules, lower first (1-100)."""
    allowed_countries: Sequence[str]
    """ISO 3166-1 alpha-2 codes."""


@dataclass(frozen=True, kw_only=True)
class WafExclusion:
    """Leave a request attribute out of managed-rule evaluation, for whole rule groups or single rules.
    https://learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-waf-configuration
    """

    match_variable: str
    """RequestHeaderNames, RequestCookieNames, RequestArgNames, RequestHeaderKeys/Values, ... (see the SDK enum)."""
    selector_match_operator: str
    """Equals, Contains, StartsWith, EndsWith or EqualsAny."""
    selector: str
    """The attribute name the operator matches."""
    rule_group: str | None = None
    """Limit the exclusion to this rule group of the Default Rule Set. Default: the whole rule set."""
    rule_ids: Sequence[str] = ()
    """Limit it further to these rules of the group."""


@dataclass(frozen=True, kw_only=True)
class WafPolicySpec:
    """The WAF policy: mode, managed rule sets, request body inspection, custom rules and exclusions."""

    mode: WafMode = WafMode.PREVENTION
    """Prevention blocks; Detection only logs. Default Prevention."""
    rate_limits: Sequence[RateLimitRule] = ()
    """Per-client-IP rate limits."""
    geo_filter: GeoFilterRule | None = None
    """Country allow-list. Default: none."""
    exclusions: Sequence[WafExclusion] = ()
    """Managed-rule exclusions."""
    max_request_body_size_kb: int = 128
    """Largest request body (without file uploads) in KB, 8-2000. Default 128."""
    file_upload_limit_mb: int = 100
    """Largest file upload in MB. Default 100."""

    def problems(self) -> list[str]:
        """Why Azure would reject this policy (empty when it is valid)."""
        rules: list[RateLimitRule | GeoFilterRule] = [*self.rate_limits]
        if self.geo_filter is not None:
            rules.append(self.geo_filter)
        found: list[str] = []
        priorities = [r.priority for r in rules]
        if len(set(priorities)) != len(priorities) or not all(1 <= p <= MAX_CUSTOM_RULES for p in priorities):
            found.append(f"custom rule priorities must be unique and 1-{MAX_CUSTOM_RULES}: {priorities}")
        names = [r.name for r in rules]
        if len(set(names)) != len(names) or not all(n.isalnum() and len(n) <= 128 for n in names):
            found.append(f"custom rule names must be unique, alphanumeric and at most 128 characters: {names}")
        for rule in self.rate_limits:
            if rule.duration_minutes not in (1, 5) or rule.threshold < 1:
                found.append(f"rate limit {rule.name}: window must be 1 or 5 minutes and threshold at least 1")
        if not 8 <= self.max_request_body_size_kb <= 2000:
            found.append("max request body size must be 8-2000 KB")
        return found


@dataclass(frozen=True, kw_only=True)
class GatewayBackend:
    """Where the gateway forwards: one private host name over HTTPS, health-probed at ``probe_path``.

    The gateway sends the backend's own host name (API Management answers only on its configured host names)
    and trusts its certificate through the public CA chain.
    """

    fqdn: pulumi.Input[str]
    """Backend host name, resolved through the VNet's private DNS."""
    probe_path: str = "/"
    """Health probe path."""
    probe_status_codes: Sequence[str] = ("200-399",)
    """Healthy response codes."""
    request_timeout_seconds: int = 120
    """Backend response timeout (LLM completions can be slow). Default 120."""


@dataclass(frozen=True, kw_only=True)
class AppGatewayArgs(CommonArgs):
    """Arguments for :class:`AppGateway`."""

    name: str
    """Gateway name (CAF: agw-...)."""
    public_ip_name: str
    """Public IP name (CAF: pip-...)."""
    waf_policy_name: str
    """WAF policy name (CAF: waf...)."""
    identity_name: str
    """User-assigned identity that reads the TLS certificate from Key Vault."""
    subnet_id: pulumi.Input[str]
    """The gateway's own subnet."""
    host_name: str
    """Public host name the HTTPS listener answers (the certificate's subject)."""
    certificate_store: SecretStore
    """Vault holding the TLS certificate."""
    certificate_secret_name: str
    """Name of the certificate in the vault (App Gateway reads a certificate through its secret)."""
    backend: GatewayBackend
    """Where traffic goes."""
    waf: WafPolicySpec = field(default_factory=WafPolicySpec)
    """The WAF policy. Default: Prevention with the managed rule sets and no custom rules."""
    zones: Sequence[str] = ()
    """Availability zones for the gateway and its IP. Default: none (regional)."""
    min_capacity: int = 0
    """Autoscale floor (instances kept warm). Default 0."""
    max_capacity: int = 10
    """Autoscale ceiling, 2-125. Default 10."""

    def problems(self) -> list[str]:
        """Why Azure would reject these arguments (empty when they are valid)."""
        found = list(self.waf.problems())
        if not 0 <= self.min_capacity <= self.max_capacity:
            found.append(f"min capacity {self.min_capacity} must be 0 or more and at most max {self.max_capacity}")
        if not 2 <= self.max_capacity <= MAX_INSTANCES:
            found.append(f"max capacity must be 2-{MAX_INSTANCES}")
        return found


class AppGateway(pulumi.ComponentResource):
    """Application Gateway WAF_v2 with autoscale, a zone-redundant static public IP, a standalone WAF policy,
    TLS 1.2+ from a Key Vault certificate, HTTP-to-HTTPS redirect and a probed HTTPS backend."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    public_ip_address: pulumi.Output[str]

    def __init__(self, name: str, args: AppGatewayArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        problems = args.problems()
        if problems:
            raise ValueError(f"AppGateway {args.name}: " + "; ".join(problems))
        zones = list(args.zones) or None
        self.identity = UserIdentity(
            f"{name}-id",
            UserIdentityArgs(
                name=args.identity_name,
                resource_group_name=args.resource_group_name,
                location=args.location,
                tags=args.tags,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
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
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, replace_on_changes=["sku", "zones"]),
        )
        self.waf_policy = azure_native.network.WebApplicationFirewallPolicy(
            f"{name}-waf",
            policy_name=args.waf_policy_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            policy_settings=azure_native.network.PolicySettingsArgs(
                state=azure_native.network.WebApplicationFirewallEnabledState.ENABLED,
                mode=args.waf.mode.value,
                request_body_check=True,
                request_body_enforcement=True,
                request_body_inspect_limit_in_kb=128,
                max_request_body_size_in_kb=args.waf.max_request_body_size_kb,
                file_upload_enforcement=True,
                file_upload_limit_in_mb=args.waf.file_upload_limit_mb,
            ),
            managed_rules=azure_native.network.ManagedRulesDefinitionArgs(
                managed_rule_sets=[
                    azure_native.network.ManagedRuleSetArgs(rule_set_type=kind, rule_set_version=version)
                    for kind, version in (DEFAULT_RULE_SET, BOT_RULE_SET)
                ],
                exclusions=[_exclusion(e) for e in args.waf.exclusions] or None,
            ),
            custom_rules=_custom_rules(args.waf) or None,
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
                user_assigned_identities=[self.identity.id],
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
                # Zones are fixed when a gateway is created.
                replace_on_changes=["zones"],
            ),
        )
        if args.diagnostics_workspace_id is not None:
            diagnostic_setting(self, name, self.gateway.id, args.diagnostics_workspace_id)
            diagnostic_setting(self, f"{name}-pip", self.public_ip.id, args.diagnostics_workspace_id)
        if args.lock:
            cannot_delete_lock(self, f"{name}-pip", self.public_ip, "The public IP is what the platform's DNS names")
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


def _custom_rules(waf: WafPolicySpec) -> list[azure_native.network.WebApplicationFirewallCustomRuleArgs]:
    rules = [
        azure_native.network.WebApplicationFirewallCustomRuleArgs(
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
        for rule in waf.rate_limits
    ]
    if waf.geo_filter is not None:
        rules.append(
            azure_native.network.WebApplicationFirewallCustomRuleArgs(
                name=waf.geo_filter.name,
                priority=waf.geo_filter.priority,
                rule_type=azure_native.network.WebApplicationFirewallRuleType.MATCH_RULE,
                action=azure_native.network.WebApplicationFirewallAction.BLOCK,
                match_conditions=[
                    azure_native.network.MatchConditionArgs(
                        match_variables=[azure_native.network.MatchVariableArgs(variable_name="RemoteAddr")],
                        operator=azure_native.network.WebApplicationFirewallOperator.GEO_MATCH,
                        match_values=list(waf.geo_filter.allowed_countries),
                        # Block what does NOT match the allow-list.
                        negation_conditon=True,
                    )
                ],
            )
        )
    return rules


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

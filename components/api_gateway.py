"""API Management in internal VNet mode: the platform's AI gateway between Application Gateway and the apps.

Classic injection (Developer, Premium): https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.common import CommonArgs
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.observability import diagnostic_setting
from azplatform.components.protection import cannot_delete_lock
from azplatform.components.rbac import BuiltInRole, assign_role
from azplatform.components.records import record
from azplatform.components.secret_store import SecretStore

TYPE_TOKEN = "azplatform:index:ApiGateway"
GATEWAY_API_TYPE_TOKEN = "azplatform:index:GatewayApi"

# Availability zones are a Premium (classic) feature; Developer runs one unit with no SLA.
# https://learn.microsoft.com/azure/reliability/reliability-api-management#requirements
ZONE_SKUS = frozenset({"Premium"})
# The classic tiers with internal VNet injection. Premium v2 injects differently (a subnet delegated to
# Microsoft.Web/hostingEnvironments) and needs API 2024-06-01-preview or later, while this SDK deploys the service
# with 2024-05-01, whose SKU list has no PremiumV2. https://learn.microsoft.com/azure/api-management/inject-vnet-v2
SKUS = frozenset({"Developer", "Premium"})

# Gateway protocols and ciphers: everything older than TLS 1.2 off on both sides, and the ciphers without
# forward secrecy or with SHA-1 / 3DES off. Names as the Create or Update API documents them; ciphers that
# the platform needs cannot be disabled and are not listed.
# https://learn.microsoft.com/azure/api-management/api-management-howto-manage-protocols-ciphers
_SECURITY = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security"
_WEAK_CIPHERS = (
    "TripleDes168",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
)
SECURITY_PROPERTIES: dict[str, str] = {
    **{f"{_SECURITY}.{side}Protocols.{p}": "False" for side in ("", "Backend.") for p in ("Ssl30", "Tls10", "Tls11")},
    **{f"{_SECURITY}.Ciphers.{cipher}": "False" for cipher in _WEAK_CIPHERS},
}

# The methods a wildcard API answers, each as an operation on /* (API Management routes by operation).
WILDCARD_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

# Internal mode registers nothing in public DNS: the default host names resolve only through a private zone of this
# name linked to the VNet (the service's type record).
(PRIVATE_DNS_ZONE,) = record("azure-native:apimanagement:ApiManagementService").private_dns_zones

# The readiness endpoint every API Management gateway serves on its gateway host name.
# https://learn.microsoft.com/azure/api-management/api-management-howto-integrate-internal-vnet-appgateway
HEALTH_PATH = "/status-0123456789abcdef"


@dataclass(frozen=True, kw_only=True)
class CircuitBreaker:
    """Trip a backend for ``trip_duration`` after ``failures`` matching responses within ``interval``.

    https://learn.microsoft.com/azure/api-management/backends#circuit-breaker
    """

    failures: int
    """Failures within the interval that trip the breaker."""
    interval: str = "PT1M"
    """ISO 8601 duration the failures are counted over. Default one minute."""
    trip_duration: str = "PT1M"
    """ISO 8601 duration the backend stays tripped. Default one minute."""
    status_code_ranges: Sequence[tuple[int, int]] = ((500, 599),)
    """Response status ranges that count as failures. Default 5xx."""
    accept_retry_after: bool = True
    """Honour the backend's Retry-After when it is longer than the trip duration. Default on."""


@dataclass(frozen=True, kw_only=True)
class BackendSpec:
    """A single backend entity: one HTTP(S) service, optionally behind a circuit breaker."""

    id: str
    """Backend id in the service (what set-backend-service names)."""
    url: pulumi.Input[str]
    """Runtime URL, for example https://ca-azp-api-prod-weu.<environment domain>."""
    circuit_breaker: CircuitBreaker | None = None
    """Circuit breaker. Default: none."""
    description: str = ""
    """Shown in the portal."""


@dataclass(frozen=True, kw_only=True)
class PoolMember:
    """One single backend in a pool, with its priority group (lower first) and weight within the group."""

    backend_id: str
    """Id of a single backend of the gateway."""
    priority: int | None = None
    """Priority group, lower served first. Default: the service's (one group)."""
    weight: int | None = None
    """Weight within the priority group. Default: equal weights."""


@dataclass(frozen=True, kw_only=True)
class BackendPoolSpec:
    """A load-balanced pool of single backends (a pool cannot contain pools).

    https://learn.microsoft.com/azure/api-management/backends#load-balanced-pool
    """

    id: str
    """Pool id in the service."""
    members: Sequence[PoolMember]
    """The single backends in the pool."""
    description: str = ""
    """Shown in the portal."""


@dataclass(frozen=True, kw_only=True)
class OperationSpec:
    """One API operation: an HTTP method on a URL template such as /chat/{deployment}/completions."""

    method: str
    """HTTP method (GET, POST, ...)."""
    url_template: str
    """URL template, for example /chat/{deployment}/completions (parameters in braces)."""
    id: str | None = None
    """Operation id. Default: derived from the method and template."""


@dataclass(frozen=True, kw_only=True)
class ApiSpec:
    """An API on the gateway: a path prefix, its operations, the backend it routes to and its policy document."""

    id: str
    """API id in the service."""
    path: str
    """URL suffix on the gateway (api/v1, openai)."""
    backend_id: str
    """Backend or pool the policy routes to; the policy waits for it to exist."""
    policy_xml: pulumi.Input[str]
    """The API-scope policy document (see components.apim_policy)."""
    display_name: str | None = None
    """Portal name. Default: the id."""
    operations: Sequence[OperationSpec] = ()
    """Operations. Default: every method on /* (a pass-through API)."""
    subscription_required: bool = False
    """Require an API Management subscription key (in addition to the policy's own auth). Default off."""


@dataclass(frozen=True, kw_only=True)
class AppInsightsLink:
    """Application Insights the gateway logs requests and custom (token) metrics to, through Entra auth."""

    id: pulumi.Input[str]
    """The Application Insights component."""
    connection_string: pulumi.Input[str]
    """Its connection string; kept in a secret named value, never in the logger in plain text."""
    sampling_percentage: float = 100.0
    """Share of requests logged. Default 100."""


@dataclass(frozen=True, kw_only=True)
class ApiGatewayArgs(CommonArgs):
    """Arguments for :class:`ApiGateway`."""

    name: str
    """Service name (CAF: apim-...; globally unique, becomes <name>.azure-api.net)."""
    identity_name: str
    """Name of the user-assigned identity the gateway authenticates as (Key Vault, Application Insights)."""
    sku: str
    """Developer or Premium."""
    capacity: int
    """Scale units (Developer: 1)."""
    publisher_name: str
    """Organisation shown in the developer portal and notification e-mails."""
    publisher_email: str
    """Where Azure sends service notifications."""
    subnet_id: pulumi.Input[str]
    """The API Management subnet (undelegated, with an NSG that admits ApiManagement on 3443)."""
    zones: Sequence[str] = ()
    """Explicit availability zones (Premium). Default: none, Azure spreads the units over zones by itself."""
    public_ip_address_id: pulumi.Input[str] | None = None
    """Standard public IP for the management plane, which explicit zones in a VNet require. Default: Azure's."""
    developer_portal: bool = False
    """Serve the developer portal. Default off."""
    min_api_version: str = "2021-08-01"
    """Oldest control-plane API version accepted (blocks older, weaker API versions). Default 2021-08-01."""
    private_dns_zone_name: pulumi.Input[str] | None = None
    """The azure-api.net private zone (linked to the VNet) to register the gateway's host names in."""
    secret_store: SecretStore | None = None
    """Vault that named values and the external cache connection string come from."""
    named_values: Mapping[str, str] = field(default_factory=dict)
    """Named value id -> secret name in ``secret_store``. Default: none."""
    external_cache_secret: str | None = None
    """Secret (in ``secret_store``) holding a Redis connection string for an external cache. Default: none."""
    app_insights: AppInsightsLink | None = None
    """Request logging and token metrics. Default: none."""
    backends: Sequence[BackendSpec] = ()
    """Single backends."""
    pools: Sequence[BackendPoolSpec] = ()
    """Load-balanced pools of the single backends."""
    apis: Sequence[ApiSpec] = ()
    """The APIs and their policies."""

    def problems(self) -> list[str]:
        """Why Azure would reject these arguments (empty when they are valid)."""
        found: list[str] = []
        if self.sku not in SKUS:
            found.append(f"sku {self.sku!r} is not one of {sorted(SKUS)}")
        if self.sku == "Developer" and self.capacity != 1:
            found.append("the Developer tier has exactly one unit")
        if self.zones and self.sku not in ZONE_SKUS:
            found.append(f"{self.sku} has no availability zones")
        if self.zones and self.capacity % len(self.zones):
            # https://learn.microsoft.com/azure/reliability/reliability-api-management#considerations
            found.append(f"{self.capacity} units cannot spread evenly over zones {list(self.zones)}")
        if self.zones and self.public_ip_address_id is None:
            # Explicit zones on a VNet-injected instance need a customer public IP (management plane only).
            # https://learn.microsoft.com/azure/reliability/reliability-api-management#considerations
            found.append("explicit zones in a virtual network need public_ip_address_id")
        if (self.named_values or self.external_cache_secret) and self.secret_store is None:
            found.append("named values and the external cache need a secret_store")
        backend_ids = [b.id for b in self.backends] + [p.id for p in self.pools]
        if len(set(backend_ids)) != len(backend_ids):
            found.append(f"backend and pool ids must be unique: {backend_ids}")
        singles = {b.id for b in self.backends}
        for pool in self.pools:
            missing = [m.backend_id for m in pool.members if m.backend_id not in singles]
            if missing or not pool.members:
                found.append(f"pool {pool.id} members must be single backends; not found: {missing}")
        for api in self.apis:
            if api.backend_id not in backend_ids:
                found.append(f"api {api.id} routes to unknown backend {api.backend_id!r}")
        return found


class ApiGateway(pulumi.ComponentResource):
    """API Management injected in internal mode: reachable only inside the VNet on its private IP, with its host
    names in a private DNS zone, hardened TLS, a managed identity, Key Vault named values, Application Insights
    logging, backends with circuit breakers and pools, and APIs carrying typed policy documents."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    gateway_url: pulumi.Output[str]
    gateway_hostname: pulumi.Output[str]
    private_ip_address: pulumi.Output[str]

    def __init__(self, name: str, args: ApiGatewayArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        problems = args.problems()
        if problems:
            raise ValueError(f"ApiGateway {args.name}: " + "; ".join(problems))
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
        self.service = azure_native.apimanagement.ApiManagementService(
            name,
            service_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            publisher_name=args.publisher_name,
            publisher_email=args.publisher_email,
            sku=azure_native.apimanagement.ApiManagementServiceSkuPropertiesArgs(name=args.sku, capacity=args.capacity),
            zones=list(args.zones) or None,
            public_ip_address_id=args.public_ip_address_id,
            identity=azure_native.apimanagement.ApiManagementServiceIdentityArgs(
                type=azure_native.apimanagement.ApimIdentityType.USER_ASSIGNED,
                user_assigned_identities=self.identity.id.apply(
                    lambda rid: {rid: azure_native.apimanagement.UserIdentityPropertiesArgs()}
                ),
            ),
            # Internal: every endpoint (gateway, portal, management, scm) listens only on the private IP.
            virtual_network_type=azure_native.apimanagement.VirtualNetworkType.INTERNAL,
            virtual_network_configuration=azure_native.apimanagement.VirtualNetworkConfigurationArgs(
                subnet_resource_id=args.subnet_id
            ),
            # publicNetworkAccess stays at Azure's default: it cannot be Disabled at creation, nor without an
            # approved private endpoint, which VNet-injected instances do not use; in Internal mode the gateway
            # has no public endpoint anyway. https://github.com/Azure/azure-rest-api-specs/issues/24947
            custom_properties=dict(SECURITY_PROPERTIES),
            api_version_constraint=azure_native.apimanagement.ApiVersionConstraintArgs(
                min_api_version=args.min_api_version
            ),
            developer_portal_status="Enabled" if args.developer_portal else "Disabled",
            legacy_portal_status="Disabled",
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                # Creating or re-networking a VNet-injected instance takes 30-60 minutes.
                custom_timeouts=pulumi.CustomTimeouts(create="3h", update="3h", delete="2h"),
            ),
        )
        self.gateway_url = self.service.gateway_url
        # Known from the name alone (<name>.azure-api.net), so a consumer such as the Application Gateway's backend
        # pool does not wait the ~40 minutes API Management takes to create: Azure needs the service only to
        # answer, not to configure a pool that names it. (Measured by benchmarks/: that edge was on the critical
        # path of `pulumi up`.)
        self.gateway_hostname = pulumi.Output.from_input(f"{args.name}.{PRIVATE_DNS_ZONE}")
        self.private_ip_address = self.service.private_ip_addresses.apply(_first_ip)

        if args.private_dns_zone_name is not None:
            self.dns_records = self._register_host_names(name, args, args.private_dns_zone_name)
        grants: list[pulumi.Resource] = []
        if args.secret_store is not None:
            grants.append(args.secret_store.grant_secret_read(self.identity))
        self.named_values = {
            value_id: self._key_vault_value(f"{name}-nv-{value_id}", args, value_id, secret_name, grants)
            for value_id, secret_name in args.named_values.items()
        }
        self.cache = self._external_cache(name, args, grants) if args.external_cache_secret else None
        if args.app_insights is not None:
            self._log_to_app_insights(name, args, args.app_insights)
        self.backends = {b.id: self._backend(name, args, b) for b in args.backends}
        self.pools = {p.id: self._pool(name, args, p) for p in args.pools}
        waits_for: list[pulumi.Resource] = [*self.backends.values(), *self.pools.values(), *self.named_values.values()]
        if self.cache is not None:
            waits_for.append(self.cache)
        self.apis = {api.id: self._api(name, args, api, waits_for) for api in args.apis}

        if args.diagnostics_workspace_id is not None:
            diagnostic_setting(self, name, self.service.id, args.diagnostics_workspace_id)
        if args.lock:
            cannot_delete_lock(self, name, self.service, "API Management holds the APIs, policies and subscriptions")
        self.id = self.service.id
        self.name = self.service.name
        self.principal_id = self.identity.principal_id
        self.register_outputs(
            {"id": self.id, "gatewayUrl": self.gateway_url, "privateIpAddress": self.private_ip_address}
        )

    # --- DNS ----------------------------------------------------------------------------------------------

    def _register_host_names(
        self, name: str, args: ApiGatewayArgs, zone_name: pulumi.Input[str]
    ) -> list[azure_native.privatedns.PrivateRecordSet]:
        """A records in the azure-api.net private zone for every endpoint, all on the private IP: in internal mode
        nothing is registered in public DNS. https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet#dns-configuration
        """
        labels = {"gateway": args.name, "management": f"{args.name}.management", "scm": f"{args.name}.scm"}
        if args.developer_portal:
            labels["developer"] = f"{args.name}.developer"
        return [
            azure_native.privatedns.PrivateRecordSet(
                f"{name}-dns-{label}",
                private_zone_name=zone_name,
                resource_group_name=args.resource_group_name,
                record_type="A",
                relative_record_set_name=relative,
                ttl=300,
                a_records=[azure_native.privatedns.ARecordArgs(ipv4_address=self.private_ip_address)],
                opts=pulumi.ResourceOptions(parent=self),
            )
            for label, relative in labels.items()
        ]

    # --- secrets ------------------------------------------------------------------------------------------

    def _key_vault_value(
        self, resource_name: str, args: ApiGatewayArgs, value_id: str, secret: str, grants: Sequence[pulumi.Resource]
    ) -> azure_native.apimanagement.NamedValue:
        """A secret named value that API Management reads from Key Vault as its identity (and re-reads every four
        hours), so that the value never passes through the deployment.
        https://learn.microsoft.com/azure/api-management/api-management-howto-properties#key-vault-secrets
        """
        if args.secret_store is None:
            raise ValueError("Key Vault named values need a secret_store")
        return azure_native.apimanagement.NamedValue(
            resource_name,
            service_name=self.service.name,
            resource_group_name=args.resource_group_name,
            named_value_id=value_id,
            display_name=value_id,
            secret=True,
            key_vault=azure_native.apimanagement.KeyVaultContractCreatePropertiesArgs(
                secret_identifier=args.secret_store.secret_uri(secret),
                identity_client_id=self.identity.client_id,
            ),
            # Azure fetches the secret when the named value is created: the identity's read grant comes first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(grants)),
        )

    # --- logging ------------------------------------------------------------------------------------------

    def _log_to_app_insights(self, name: str, args: ApiGatewayArgs, link: AppInsightsLink) -> None:
        """An Application Insights logger that ingests as the gateway's identity (the component has local auth
        off), its connection string in a secret named value, and an all-APIs diagnostic with custom metrics on
        (the token metric policies need them).
        https://learn.microsoft.com/azure/api-management/api-management-howto-app-insights
        """
        publisher = assign_role(self, name, link.id, BuiltInRole.MONITORING_METRICS_PUBLISHER, self.identity)
        connection = azure_native.apimanagement.NamedValue(
            f"{name}-nv-appinsights",
            service_name=self.service.name,
            resource_group_name=args.resource_group_name,
            named_value_id="appinsights-connection-string",
            display_name="appinsights-connection-string",
            secret=True,
            value=pulumi.Output.secret(link.connection_string),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.logger = azure_native.apimanagement.Logger(
            f"{name}-logger",
            service_name=self.service.name,
            resource_group_name=args.resource_group_name,
            logger_id="appinsights",
            logger_type=azure_native.apimanagement.LoggerType.APPLICATION_INSIGHTS,
            resource_id=link.id,
            credentials={
                "connectionString": "{{appinsights-connection-string}}",
                "identityClientId": self.identity.client_id,
            },
            is_buffered=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[connection, publisher]),
        )
        self.diagnostic = azure_native.apimanagement.Diagnostic(
            f"{name}-diagnostic",
            service_name=self.service.name,
            resource_group_name=args.resource_group_name,
            diagnostic_id="applicationinsights",
            logger_id=self.logger.id,
            always_log=azure_native.apimanagement.AlwaysLog.ALL_ERRORS,
            sampling=azure_native.apimanagement.SamplingSettingsArgs(
                sampling_type=azure_native.apimanagement.SamplingType.FIXED,
                percentage=link.sampling_percentage,
            ),
            verbosity=azure_native.apimanagement.Verbosity.INFORMATION,
            http_correlation_protocol=azure_native.apimanagement.HttpCorrelationProtocol.W3_C,
            log_client_ip=True,
            metrics=True,
            opts=pulumi.ResourceOptions(parent=self),
        )

    # --- caching ------------------------------------------------------------------------------------------

    def _external_cache(
        self, name: str, args: ApiGatewayArgs, grants: Sequence[pulumi.Resource]
    ) -> azure_native.apimanagement.Cache:
        """The default external cache. API Management reaches Redis only with a connection string carrying an
        access key (no Entra auth to Azure Managed Redis), so the string stays in Key Vault behind a named value.
        https://learn.microsoft.com/azure/api-management/api-management-howto-cache-external
        """
        if args.external_cache_secret is None:
            raise ValueError("the external cache needs the name of its connection string secret")
        connection = self._key_vault_value(
            f"{name}-nv-redis", args, "redis-cache-connection", args.external_cache_secret, grants
        )
        return azure_native.apimanagement.Cache(
            f"{name}-cache",
            service_name=self.service.name,
            resource_group_name=args.resource_group_name,
            cache_id="default",
            use_from_location="default",
            connection_string="{{redis-cache-connection}}",
            description="External Redis cache (connection string from Key Vault)",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[connection]),
        )

    # --- backends and APIs --------------------------------------------------------------------------------

    def _backend(self, name: str, args: ApiGatewayArgs, spec: BackendSpec) -> azure_native.apimanagement.Backend:
        return _backend(self, name, self.service.name, args.resource_group_name, spec)

    def _pool(self, name: str, args: ApiGatewayArgs, spec: BackendPoolSpec) -> azure_native.apimanagement.Backend:
        return azure_native.apimanagement.Backend(
            f"{name}-pool-{spec.id}",
            service_name=self.service.name,
            resource_group_name=args.resource_group_name,
            backend_id=spec.id,
            type=azure_native.apimanagement.BackendType.POOL,
            description=spec.description or None,
            pool=azure_native.apimanagement.BackendBaseParametersPoolArgs(
                services=[
                    azure_native.apimanagement.BackendPoolItemArgs(
                        id=self.backends[m.backend_id].id, priority=m.priority, weight=m.weight
                    )
                    for m in spec.members
                ]
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _api(
        self, name: str, args: ApiGatewayArgs, spec: ApiSpec, waits_for: Sequence[pulumi.Resource]
    ) -> azure_native.apimanagement.Api:
        return _api(self, name, self.service.name, args.resource_group_name, spec, waits_for=waits_for)


def _first_ip(addresses: Sequence[str] | None) -> str:
    if not addresses:
        raise ValueError("API Management reported no private IP address; is it injected in internal mode?")
    return addresses[0]


def _operation_id(operation: OperationSpec) -> str:
    """get-wildcard, post-chat-deployment-completions: lowercase, hyphenated, unique per method and template."""
    template = re.sub(r"[^a-z0-9]+", "-", operation.url_template.lower()).strip("-") or "root"
    template = "wildcard" if operation.url_template == "/*" else template
    return f"{operation.method.lower()}-{template}"


def _backend(
    owner: pulumi.Resource,
    name: str,
    service_name: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    spec: BackendSpec,
) -> azure_native.apimanagement.Backend:
    """A single backend: TLS-validated, with its circuit breaker."""
    breaker = spec.circuit_breaker
    return azure_native.apimanagement.Backend(
        f"{name}-backend-{spec.id}",
        service_name=service_name,
        resource_group_name=resource_group_name,
        backend_id=spec.id,
        type=azure_native.apimanagement.BackendType.SINGLE,
        protocol=azure_native.apimanagement.BackendProtocol.HTTP,
        url=spec.url,
        description=spec.description or None,
        tls=azure_native.apimanagement.BackendTlsPropertiesArgs(
            validate_certificate_chain=True, validate_certificate_name=True
        ),
        # One rule per backend is what the service accepts today.
        circuit_breaker=azure_native.apimanagement.BackendCircuitBreakerArgs(
            rules=[
                azure_native.apimanagement.CircuitBreakerRuleArgs(
                    name=f"{spec.id}-breaker",
                    trip_duration=breaker.trip_duration,
                    accept_retry_after=breaker.accept_retry_after,
                    failure_condition=azure_native.apimanagement.CircuitBreakerFailureConditionArgs(
                        count=breaker.failures,
                        interval=breaker.interval,
                        status_code_ranges=[
                            azure_native.apimanagement.FailureStatusCodeRangeArgs(min=low, max=high)
                            for low, high in breaker.status_code_ranges
                        ],
                    ),
                )
            ]
        )
        if breaker
        else None,
        opts=pulumi.ResourceOptions(parent=owner),
    )


def _api(
    owner: pulumi.Resource,
    name: str,
    service_name: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    spec: ApiSpec,
    *,
    waits_for: Sequence[pulumi.Resource],
) -> azure_native.apimanagement.Api:
    """An HTTPS API, its operations (default: every method on /*), and its policy."""
    api = azure_native.apimanagement.Api(
        f"{name}-api-{spec.id}",
        service_name=service_name,
        resource_group_name=resource_group_name,
        api_id=spec.id,
        path=spec.path,
        display_name=spec.display_name or spec.id,
        api_type=azure_native.apimanagement.ApiType.HTTP,
        protocols=[azure_native.apimanagement.Protocol.HTTPS],
        subscription_required=spec.subscription_required,
        opts=pulumi.ResourceOptions(parent=owner),
    )
    operations = list(spec.operations) or [OperationSpec(method=m, url_template="/*") for m in WILDCARD_METHODS]
    for operation in operations:
        operation_id = operation.id or _operation_id(operation)
        azure_native.apimanagement.ApiOperation(
            f"{name}-api-{spec.id}-op-{operation_id}",
            service_name=service_name,
            resource_group_name=resource_group_name,
            api_id=api.name,
            operation_id=operation_id,
            display_name=f"{operation.method} {operation.url_template}",
            method=operation.method,
            url_template=operation.url_template,
            template_parameters=[
                azure_native.apimanagement.ParameterContractArgs(name=p, type="string", required=True)
                for p in re.findall(r"{([^}/?]+)}", operation.url_template.split("?")[0])
            ]
            or None,
            opts=pulumi.ResourceOptions(parent=owner),
        )
    # The policy names backends, named values and the cache: Azure rejects it until they exist.
    azure_native.apimanagement.ApiPolicy(
        f"{name}-api-{spec.id}-policy",
        service_name=service_name,
        resource_group_name=resource_group_name,
        api_id=api.name,
        policy_id="policy",
        format=azure_native.apimanagement.PolicyContentFormat.XML,
        value=spec.policy_xml,
        opts=pulumi.ResourceOptions(parent=owner, depends_on=list(waits_for)),
    )
    return api


@dataclass(frozen=True, kw_only=True)
class GatewayApiArgs:
    """Arguments for :class:`GatewayApi`."""

    service_name: pulumi.Input[str]
    """The API Management service to publish on (the platform's: ``PlatformReference.apim_name``)."""
    resource_group_name: pulumi.Input[str]
    """The service's resource group (``PlatformReference.resource_group_name``)."""
    backend: BackendSpec
    """Where the API forwards: its ``id`` must equal ``api.backend_id``."""
    api: ApiSpec
    """The API: path, operations, and policy (build it with :class:`components.apim_policy.PolicyDocument`)."""


class GatewayApi(pulumi.ComponentResource):
    """A team's API on the shared API Management gateway: one backend (TLS-validated, optional circuit breaker) and
    one API with its operations and typed policy, registered in a service another stack owns."""

    api: azure_native.apimanagement.Api
    backend: azure_native.apimanagement.Backend

    def __init__(self, name: str, args: GatewayApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(GATEWAY_API_TYPE_TOKEN, name, None, opts)
        if args.api.backend_id != args.backend.id:
            raise ValueError(f"api.backend_id {args.api.backend_id!r} must name the backend {args.backend.id!r}")
        self.backend = _backend(self, name, args.service_name, args.resource_group_name, args.backend)
        self.api = _api(self, name, args.service_name, args.resource_group_name, args.api, waits_for=[self.backend])
        self.register_outputs({"apiId": self.api.id})

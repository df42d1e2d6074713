"""API Management in internal VNet mode: the platform's AI gateway between Application Gateway and the apps.

Classic injection (Developer, Premium): https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from annotated_types import Len
from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from azplatform.components.aliases import renamed_from
from azplatform.components.apim_policies import IDENTITY_CLIENT_ID_VALUE, ApimPolicyDocument, CounterKey, TokenLimit
from azplatform.components.args import Args, Input, ProblemList
from azplatform.components.identity import component_identity
from azplatform.components.interfaces import CommonArgs, ManagedIdentities, apply_interfaces
from azplatform.components.naming import Kind, name_check
from azplatform.components.private_network import ZONE_ID, id_parts
from azplatform.components.rbac import BuiltInRole, SystemIdentity, assign_role
from azplatform.components.records import record
from azplatform.components.secret_store import SecretName, SecretStore, matching

__all__ = [
    "HEALTH_PATH",
    "POOL_SIZE",
    "PRIVATE_DNS_ZONE",
    "ApiId",
    "ApiManagement",
    "ApiManagementArgs",
    "ApiManagementSettings",
    "ApiSettings",
    "ApiSpec",
    "AppInsightsLink",
    "BackendPoolSpec",
    "BackendSpec",
    "CircuitBreaker",
    "ExternalCache",
    "HttpsUrl",
    "OperationSpec",
    "PoolMember",
    "PoolMemberSettings",
    "ProductSettings",
    "PublishedApi",
    "PublishedApiArgs",
    "StatusCodeRange",
    "duplicate_paths",
]

TYPE_TOKEN = "azplatform:index:ApiManagement"
PUBLISHED_API_TYPE_TOKEN = "azplatform:index:PublishedApi"

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


# --- value types -----------------------------------------------------------------------------------------------


def _given(info: ValidationInfo, name: str) -> object:
    """An earlier field's validated value (None when it was not given or failed its own validation)."""
    return info.data.get(name)


def _https(value: object) -> object:
    """An https:// URL, when the value is a plain string (an Output is checked by Azure at deployment)."""
    if isinstance(value, str) and not value.startswith("https://"):
        raise ValueError("must be an https:// URL (backends are called over TLS, certificate chain and name checked)")
    return value


HttpsUrl = Annotated[str, AfterValidator(_https)]
"""An https:// URL."""

# The platform's convention, within Azure's rule for API ids (at most 256 characters, no special characters).
ApiId = Annotated[
    str,
    matching(
        r"[a-z][a-z0-9-]{0,79}",
        "API ids are lowercase letters, digits and hyphens, starting with a letter (at most 80)",
    ),
]
"""An API's id in the service (also the id of its backend or pool on the platform)."""

# Backend ids: at most 80 characters, none of *#&+:<>? (the Backend contract's backendId in the REST API).
# https://learn.microsoft.com/rest/api/apimanagement/backend/create-or-update
_BACKEND_ID = r"^[^*#&+:<>?]{1,80}$"

# Named value ids: letters, digits, period, dash and underscore, at most 256.
# https://learn.microsoft.com/rest/api/apimanagement/named-value/create-or-update
NamedValueId = Annotated[
    str, matching(r"[A-Za-z0-9._-]{1,256}", "named value ids take letters, digits, '.', '-', '_' (at most 256)")
]

# A pool holds 2-30 single backends: at most 30 is Azure's limit; a pool of one balances nothing.
# https://learn.microsoft.com/azure/api-management/backends#load-balanced-pool
POOL_SIZE = Len(2, 30)


class StatusCodeRange(Args):
    """An inclusive range of HTTP status codes."""

    min: int = Field(ge=100, le=599, description="Lowest status in the range, 100-599.")
    max: int = Field(ge=100, le=599, description="Highest status in the range, 100-599, at least min.")

    @field_validator("max")
    @classmethod
    def _ordered(cls, value: int, info: ValidationInfo) -> int:
        low = _given(info, "min")
        if isinstance(low, int) and value < low:
            raise ValueError(f"is less than min ({low}); a range runs from min to max")
        return value


def _server_errors() -> list[StatusCodeRange]:
    return [StatusCodeRange(min=500, max=599)]


class CircuitBreaker(Args):
    """Trip a backend for ``trip_seconds`` after ``failures`` matching responses within ``interval_seconds``.

    https://learn.microsoft.com/azure/api-management/backends#circuit-breaker
    """

    failures: int = Field(default=5, ge=1, description="Failures within the interval that trip it. Default 5.")
    # At most a day: the platform's own cap (Azure takes ISO 8601 durations).
    interval_seconds: int = Field(
        default=60, ge=1, le=86400, description="Window the failures are counted over, 1-86400 seconds. Default 60."
    )
    trip_seconds: int = Field(
        default=60, ge=1, le=86400, description="How long the backend stays tripped, 1-86400 seconds. Default 60."
    )
    status_codes: list[StatusCodeRange] = Field(
        default_factory=_server_errors,
        min_length=1,
        description="Response statuses that count as failures. Default 500-599.",
    )
    accept_retry_after: bool = Field(
        default=True,
        description="Honour the backend's Retry-After when it is longer than the trip duration. Default on.",
    )


class BackendSpec(Args):
    """A single backend entity: one HTTPS service, optionally behind a circuit breaker."""

    id: str = Field(pattern=_BACKEND_ID, description="Backend id in the service (what set-backend-service names).")
    url: Annotated[Input[str], AfterValidator(_https)] = Field(
        description="Runtime URL, https://..., for example https://ca-azp-api-prod-weu.<environment domain>."
    )
    circuit_breaker: CircuitBreaker | None = Field(default=None, description="Circuit breaker. Default: none.")
    description: str = Field(default="", max_length=2000, description="Shown in the portal. Default: none.")


class PoolMemberSettings(Args):
    """A pool member's place in the pool: its priority group and its weight within the group."""

    # The SDK's BackendPoolItem: priority and weight "Must be between 0 and 100"; a weight of 0 would never be served.
    priority: int | None = Field(
        default=None, ge=0, le=100, description="Priority group, 0-100, lower served first. Default: one group."
    )
    weight: int | None = Field(
        default=None, ge=1, le=100, description="Share within the priority group, 1-100. Default: equal weights."
    )


class PoolMember(PoolMemberSettings):
    """One single backend in a pool."""

    backend_id: str = Field(description="Id of a single backend of the gateway.")


class BackendPoolSpec(Args):
    """A load-balanced pool of single backends (a pool cannot contain pools).

    https://learn.microsoft.com/azure/api-management/backends#load-balanced-pool
    """

    id: str = Field(pattern=_BACKEND_ID, description="Pool id in the service.")
    members: Annotated[list[PoolMember], POOL_SIZE] = Field(description="The 2-30 single backends in the pool.")
    description: str = Field(default="", max_length=2000, description="Shown in the portal. Default: none.")


class OperationSpec(Args):
    """One API operation: an HTTP method on a URL template such as /chat/{deployment}/completions."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = Field(description="HTTP method.")
    url_template: str = Field(
        pattern=r"^/",
        max_length=1000,
        description="URL template, for example /chat/{deployment} (parameters in braces).",
    )
    id: str | None = Field(
        default=None, max_length=80, description="Operation id. Default: derived from the method and template."
    )


class ApiSettings(Args):
    """What a user chooses about one API (the stack file's ``apim.apis.<id>``, less its backend and policies)."""

    path: str = Field(
        pattern=r"^[a-z0-9][a-z0-9/_.-]{0,399}$",
        description="URL path on the gateway, without a leading / (api/v1, openai); each API its own.",
    )
    display_name: str | None = Field(default=None, max_length=300, description="Portal name. Default: the id.")
    operations: list[OperationSpec] = Field(
        default_factory=list, description="Operations. Default: every method on /* (a pass-through API)."
    )
    subscription_required: bool = Field(
        default=False,
        description="Require an API Management subscription key (besides the policy's own auth). Default off.",
    )


class ApiSpec(ApiSettings):
    """An API on the gateway: its settings, the backend it routes to and its policy document."""

    id: ApiId = Field(description="API id in the service (lowercase letters, digits and hyphens).")
    backend_id: str = Field(description="Backend or pool the policy routes to; the policy waits for it to exist.")
    policy_xml: Input[str] = Field(description="The API-scope policy document (see components.apim_policies).")


def duplicate_paths(paths: Mapping[str, str]) -> dict[str, str]:
    """For each API (by id) whose path another API also uses, why that is refused: two APIs cannot share a path."""
    found = {}
    for api_id, path in paths.items():
        others = sorted(other for other, taken in paths.items() if taken == path and other != api_id)
        if others:
            found[api_id] = f"is used by another API ({', '.join(others)})"
    return found


class AppInsightsLink(Args):
    """Application Insights the gateway logs requests and custom (token) metrics to, through Entra auth."""

    id: Input[str] = Field(description="The Application Insights component.")
    connection_string: Input[str] = Field(
        description="Its connection string; kept in a secret named value, never in the logger in plain text."
    )


CACHE_CONNECTION_VALUE = "redis-cache-connection"
"""The Key Vault named value the external cache's connection string is read from (``{{redis-cache-connection}}``)."""


class ExternalCache(Args):
    """An external Redis cache. API Management connects with an access-key connection string only (no Entra auth to
    Azure Managed Redis), so this is an explicit exception to identity-only Redis; the string stays in Key Vault.
    https://learn.microsoft.com/azure/api-management/api-management-howto-cache-external
    """

    connection_string_secret: SecretName = Field(
        description="Key Vault secret holding <host>:10000,password=...,ssl=True."
    )
    secret_uri: Input[str] | None = Field(
        default=None,
        description="The secret's versionless URI when this deployment writes it (ManagedRedis."
        "connection_string_secret_uri): the named value then waits for the secret, which Azure reads when it "
        "creates the named value. Default: the secret store's URI for connection_string_secret (it must exist).",
    )


# --- the service -----------------------------------------------------------------------------------------------

# The SDK deploys Microsoft.ApiManagement/service with API 2024-05-01, whose SKU list has no PremiumV2 (Premium v2
# injects differently too: a subnet delegated to Microsoft.Web/hostingEnvironments).
# https://learn.microsoft.com/azure/api-management/inject-vnet-v2
_PREMIUM_V2 = (
    "PremiumV2 needs API Management API 2024-06-01-preview or later; pulumi-azure-native 3.29 deploys the service "
    "with 2024-05-01, which has no PremiumV2 SKU. Use Developer or Premium"
)


ProductId = Annotated[
    str,
    matching(
        r"[a-z][a-z0-9-]{0,79}",
        "product and subscription ids are lowercase letters, digits and hyphens, starting with a letter (at most 80)",
    ),
]
"""A product's (or subscription's) id in the service."""


class ProductSettings(Args):
    """A product: the consumers (subscriptions) of some APIs and the token budget each subscription gets.

    https://learn.microsoft.com/azure/api-management/api-management-howto-add-products
    """

    display_name: str | None = Field(default=None, max_length=300, description="Portal name. Default: the id.")
    apis: list[ApiId] = Field(min_length=1, description="The APIs the product's subscriptions may call (by id).")
    tokens_per_minute: int | None = Field(
        default=None, ge=1, description="Each subscription's model tokens (prompt plus completion) a minute."
    )
    token_quota: int | None = Field(default=None, ge=1, description="Each subscription's tokens per quota period.")
    token_quota_period: Literal["Hourly", "Daily", "Weekly", "Monthly", "Yearly"] | None = Field(
        default=None, description="The token quota's window (with token_quota)."
    )
    subscriptions: list[ProductId] = Field(
        default_factory=list,
        description="The product's subscriptions (one per consuming team or app), each with its own counters; "
        "API Management generates their keys (secrets in the state, never in config). Default: none.",
    )

    @model_validator(mode="after")
    def _budget(self) -> ProductSettings:
        if (self.token_quota is None) != (self.token_quota_period is None):
            raise ValueError("give token_quota and token_quota_period together")
        if self.tokens_per_minute is None and self.token_quota is None:
            raise ValueError("give tokens_per_minute, or token_quota with token_quota_period: a product sets a budget")
        repeated = sorted({sub for sub in self.subscriptions if self.subscriptions.count(sub) > 1})
        if repeated:
            raise ValueError(f"subscriptions lists {repeated} more than once")
        return self


def product_api_problems(
    products: Mapping[str, ProductSettings], api_ids: Iterable[str]
) -> list[tuple[tuple[str | int, ...], str, object]]:
    """Products that name an API the service does not have, as (location, message, value)."""
    known = set(api_ids)
    return [
        (("products", product_id, "apis", index), f"names no API of the service; APIs: {sorted(known)}", api)
        for product_id, product in products.items()
        for index, api in enumerate(product.apis)
        if api not in known
    ]


class ApiManagementSettings(Args):
    """What a user chooses about API Management (the stack file's ``apim``, less its APIs)."""

    # Field order matters: each check reads the fields declared before it.
    # The classic tiers with internal VNet injection.
    sku: Literal["Developer", "Premium"] = Field(
        description="Developer (one unit, no SLA, no zones) or Premium. The stack's profile sets it."
    )
    # Availability zones are a Premium (classic) feature.
    # https://learn.microsoft.com/azure/reliability/reliability-api-management#requirements
    zones: list[Literal["1", "2", "3"]] = Field(
        default_factory=list,
        description="Explicit availability zones (Premium; in a VNet they need a management public IP). Default: "
        "none, Azure spreads the units over zones by itself.",
    )
    # Premium scales out to 12 units per region (more only through a support request); Developer has one.
    # https://azure.microsoft.com/pricing/details/api-management/
    capacity: int = Field(
        ge=1, le=12, description="Scale units, 1-12 (Developer: exactly 1). The stack's profile sets it."
    )
    # publisherName and publisherEmail: at most 100 characters (the service's REST API).
    # https://learn.microsoft.com/rest/api/apimanagement/api-management-service/create-or-update
    publisher_name: str = Field(
        min_length=1, max_length=100, description="Organisation shown in the developer portal and notification mails."
    )
    publisher_email: str = Field(
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        max_length=100,
        description="Where Azure sends service notifications.",
    )
    developer_portal: bool = Field(default=False, description="Serve the developer portal. Default off.")
    min_api_version: str = Field(
        default="2021-08-01",
        pattern=r"^\d{4}-\d{2}-\d{2}(-preview)?$",
        description="Oldest control-plane API version accepted (blocks older, weaker API versions). Default "
        "2021-08-01.",
    )
    sampling_percentage: float = Field(
        default=100,
        ge=0,
        le=100,
        description="Share of requests logged to Application Insights, 0-100. Default 100.",
    )
    named_values: dict[NamedValueId, SecretName] = Field(
        default_factory=dict, description="Named value id -> Key Vault secret name. Default: none."
    )
    external_cache: ExternalCache | None = Field(
        default=None, description="External Redis cache. Default: the built-in cache (see ExternalCache)."
    )
    products: dict[ProductId, ProductSettings] = Field(
        default_factory=dict,
        description="Products by id: token budgets per consumer subscription on the APIs they name. Default: none.",
    )

    @field_validator("sku", mode="before")
    @classmethod
    def _not_premium_v2(cls, value: object) -> object:
        if value == "PremiumV2":
            raise ValueError(_PREMIUM_V2)
        return value

    @field_validator("zones")
    @classmethod
    def _zones(cls, value: list[str], info: ValidationInfo) -> list[str]:
        sku = _given(info, "sku")
        if value and sku not in (None, "Premium"):
            raise ValueError(f"{sku} has no availability zones; only Premium does")
        if len(set(value)) != len(value):
            raise ValueError("each zone once")
        return value

    @field_validator("capacity")
    @classmethod
    def _capacity(cls, value: int, info: ValidationInfo) -> int:
        problems = []
        if _given(info, "sku") == "Developer" and value != 1:
            problems.append("the Developer tier has exactly one unit")
        zones = _given(info, "zones")
        if isinstance(zones, list) and zones and value % len(zones):
            # https://learn.microsoft.com/azure/reliability/reliability-api-management#considerations
            problems.append(f"{value} units do not spread evenly over {len(zones)} zones")
        if problems:
            raise ValueError("; ".join(problems))
        return value


class ApiManagementArgs(ApiManagementSettings, CommonArgs):
    """Arguments for :class:`ApiManagement`: its settings plus placement, the backends and APIs, and the shared
    interfaces. No ``private_endpoints``: API Management takes none while it is injected in a virtual network.
    https://learn.microsoft.com/azure/api-management/private-endpoint#limitations"""

    name: Annotated[str, AfterValidator(name_check(Kind.API_MANAGEMENT))] = Field(
        description="Service name (CAF apim-...; globally unique, becomes <name>.azure-api.net)."
    )
    identity_name: Annotated[str, AfterValidator(name_check(Kind.MANAGED_IDENTITY))] = Field(
        description="Name of the user-assigned identity the gateway authenticates as (Key Vault, Application Insights)."
    )
    subnet_id: Input[str] = Field(
        description="The API Management subnet (undelegated, with an NSG that admits ApiManagement on 3443)."
    )
    public_ip_address_id: Input[str] | None = Field(
        default=None,
        description="Standard public IP for the management plane, which explicit zones in a VNet require. Default: "
        "Azure's.",
    )
    private_dns_zone_name: Input[str] | None = Field(
        default=None,
        description="The azure-api.net private zone (linked to the VNet, in this resource group) to register the "
        "gateway's host names in. Default: none (register them yourself).",
    )
    private_dns_zone_id: Annotated[str, AfterValidator(ZONE_ID)] | None = Field(
        default=None,
        description="A central azure-api.net private zone (a landing zone's, in any subscription) to register the "
        "host names in instead; the records are created there through a provider for that subscription. Default: "
        "none.",
    )

    publish_identity_client_id: bool = Field(
        default=False,
        description="Publish the identity's client id as the plain named value apim-identity-client-id, which "
        "authentication-managed-identity policies name (model routes call their backends as this identity). "
        "Default off.",
    )

    @model_validator(mode="after")
    def _one_zone(self) -> ApiManagementArgs:
        if self.private_dns_zone_id is not None and self.private_dns_zone_name is not None:
            raise ValueError(
                "give private_dns_zone_name (a zone in this resource group) or private_dns_zone_id, not both"
            )
        return self

    secret_store: SecretStore | None = Field(
        default=None, description="Vault that named values and the external cache connection string come from."
    )
    app_insights: AppInsightsLink | None = Field(
        default=None, description="Request logging and token metrics. Default: none."
    )
    backends: list[BackendSpec] = Field(default_factory=list, description="Single backends. Default: none.")
    pools: list[BackendPoolSpec] = Field(
        default_factory=list, description="Load-balanced pools of the single backends. Default: none."
    )
    apis: list[ApiSpec] = Field(default_factory=list, description="The APIs and their policies. Default: none.")
    managed_identities: ManagedIdentities = Field(
        default_factory=ManagedIdentities,
        description="Identities besides the gateway's own user-assigned one (which it always has). Default: none.",
    )

    @model_validator(mode="after")
    def _product_apis(self) -> ApiManagementArgs:
        problems = product_api_problems(self.products, (api.id for api in self.apis))
        if problems:
            raise ProblemList(problems)
        return self

    @field_validator("public_ip_address_id")
    @classmethod
    def _management_ip(cls, value: object, info: ValidationInfo) -> object:
        if _given(info, "zones") and value is None:
            # Explicit zones on a VNet-injected instance need a customer public IP (management plane only).
            # https://learn.microsoft.com/azure/reliability/reliability-api-management#considerations
            raise ValueError("explicit zones in a virtual network need public_ip_address_id")
        return value

    @field_validator("secret_store")
    @classmethod
    def _store(cls, value: object, info: ValidationInfo) -> object:
        if value is None and (_given(info, "named_values") or _given(info, "external_cache")):
            raise ValueError("named values and the external cache need a secret_store")
        return value

    @field_validator("backends")
    @classmethod
    def _backends(cls, value: list[BackendSpec]) -> list[BackendSpec]:
        ids = [b.id for b in value]
        if len(set(ids)) != len(ids):
            raise ValueError(f"backend ids must be unique: {ids}")
        return value

    @field_validator("pools")
    @classmethod
    def _pools(cls, value: list[BackendPoolSpec], info: ValidationInfo) -> list[BackendPoolSpec]:
        backends = _given(info, "backends")
        singles = [b.id for b in backends] if isinstance(backends, list) else []
        problems = []
        ids = singles + [p.id for p in value]
        if len(set(ids)) != len(ids):
            problems.append(f"backend and pool ids must be unique: {ids}")
        for pool in value:
            missing = [m.backend_id for m in pool.members if m.backend_id not in singles]
            if missing:
                problems.append(f"pool {pool.id} members must be single backends; not found: {missing}")
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @field_validator("apis")
    @classmethod
    def _apis(cls, value: list[ApiSpec], info: ValidationInfo) -> list[ApiSpec]:
        known = {
            item.id for key in ("backends", "pools") if isinstance(items := _given(info, key), list) for item in items
        }
        problems = [
            f"api {a.id} routes to unknown backend {a.backend_id!r}" for a in value if a.backend_id not in known
        ]
        ids = [a.id for a in value]
        if len(set(ids)) != len(ids):
            problems.append(f"api ids must be unique: {ids}")
        paths = {a.id: a.path for a in value}
        problems += [f"api {api_id}: path {paths[api_id]!r} {why}" for api_id, why in duplicate_paths(paths).items()]
        if problems:
            raise ValueError("; ".join(problems))
        return value


class ApiManagement(pulumi.ComponentResource):
    """API Management injected in internal mode: reachable only inside the VNet on its private IP, with its host
    names in a private DNS zone, hardened TLS, a managed identity, Key Vault named values, Application Insights
    logging, backends with circuit breakers and pools, and APIs carrying typed policy documents."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    gateway_url: pulumi.Output[str]
    gateway_hostname: pulumi.Output[str]
    private_ip_address: pulumi.Output[str]

    def __init__(self, name: str, args: ApiManagementArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, renamed_from("azplatform:index:ApiGateway", opts))
        self.identity = component_identity(self, name, args.identity_name, args)
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
                type=azure_native.apimanagement.ApimIdentityType.SYSTEM_ASSIGNED_USER_ASSIGNED
                if args.managed_identities.system_assigned
                else azure_native.apimanagement.ApimIdentityType.USER_ASSIGNED,
                user_assigned_identities=pulumi.Output.all(
                    self.identity.id, *args.managed_identities.user_assigned_resource_ids
                ).apply(lambda ids: {rid: azure_native.apimanagement.UserIdentityPropertiesArgs() for rid in ids}),
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

        if args.private_dns_zone_id is not None:
            subscription, group, zone = id_parts(args.private_dns_zone_id)
            # The zone may sit in the landing zone's connectivity subscription: its records need a provider there.
            dns = azure_native.Provider(
                f"{name}-dns-provider", subscription_id=subscription, opts=pulumi.ResourceOptions(parent=self)
            )
            self.dns_records = self._register_host_names(name, args, zone, group, dns)
        elif args.private_dns_zone_name is not None:
            self.dns_records = self._register_host_names(
                name, args, args.private_dns_zone_name, args.resource_group_name
            )
        grants: list[pulumi.Resource] = []
        if args.secret_store is not None:
            grants.append(args.secret_store.grant_secret_read(self.identity))
        self.named_values = {
            value_id: self._key_vault_value(f"{name}-nv-{value_id}", args, value_id, secret_name, grants)
            for value_id, secret_name in args.named_values.items()
        }
        if args.publish_identity_client_id:
            # Not a secret: a client id identifies the identity, it grants nothing.
            self.named_values[IDENTITY_CLIENT_ID_VALUE] = azure_native.apimanagement.NamedValue(
                f"{name}-nv-identity-client-id",
                service_name=self.service.name,
                resource_group_name=args.resource_group_name,
                named_value_id=IDENTITY_CLIENT_ID_VALUE,
                display_name=IDENTITY_CLIENT_ID_VALUE,
                secret=False,
                value=self.identity.client_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.cache = self._external_cache(name, args, grants) if args.external_cache else None
        if args.app_insights is not None:
            self._log_to_app_insights(name, args, args.app_insights)
        self.backends = {b.id: self._backend(name, args, b) for b in args.backends}
        self.pools = {p.id: self._pool(name, args, p) for p in args.pools}
        waits_for: list[pulumi.Resource] = [*self.backends.values(), *self.pools.values(), *self.named_values.values()]
        if self.cache is not None:
            waits_for.append(self.cache)
        self.apis = {api.id: self._api(name, args, api, waits_for) for api in args.apis}
        self.products = {
            product_id: self._product(name, args, product_id, product) for product_id, product in args.products.items()
        }

        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.service,
            azure_name=args.name,
            lock_notes="API Management holds the APIs, policies and subscriptions",
        )
        self.id = self.service.id
        self.name = self.service.name
        self.principal_id = self.identity.principal_id
        # The system-assigned identity, when asked for: what llm-semantic-cache-lookup calls its embeddings backend
        # as (its only authentication), so grants for that go to it.
        self.system_identity: SystemIdentity | None = (
            SystemIdentity(
                f"{name}-system",
                self.service.identity.apply(lambda identity: identity.principal_id if identity else ""),
            )
            if args.managed_identities.system_assigned
            else None
        )
        self.register_outputs(
            {"id": self.id, "gatewayUrl": self.gateway_url, "privateIpAddress": self.private_ip_address}
        )

    # --- products -----------------------------------------------------------------------------------------

    def _product(
        self, name: str, args: ApiManagementArgs, product_id: str, product: ProductSettings
    ) -> azure_native.apimanagement.Product:
        """A published product on its APIs, its per-subscription token budget (``llm-token-limit`` counted per
        subscription, at product scope) and its subscriptions."""
        apim = azure_native.apimanagement
        service, group = self.service.name, args.resource_group_name
        created = apim.Product(
            f"{name}-product-{product_id}",
            product_id=product_id,
            display_name=product.display_name or product_id,
            subscription_required=True,
            approval_required=False,
            state=apim.ProductState.PUBLISHED,
            service_name=service,
            resource_group_name=group,
            opts=pulumi.ResourceOptions(parent=self),
        )
        for api_id in product.apis:
            apim.ProductApi(
                f"{name}-product-{product_id}-api-{api_id}",
                product_id=created.name,
                api_id=self.apis[api_id].name,
                service_name=service,
                resource_group_name=group,
                opts=pulumi.ResourceOptions(parent=self),
            )
        budget = TokenLimit(
            key=CounterKey.SUBSCRIPTION,
            tokens_per_minute=product.tokens_per_minute,
            token_quota=product.token_quota,
            token_quota_period=product.token_quota_period,
        )
        apim.ProductPolicy(
            f"{name}-product-{product_id}-policy",
            product_id=created.name,
            policy_id="policy",
            format=apim.PolicyContentFormat.XML,
            value=ApimPolicyDocument([budget]).to_xml(),
            service_name=service,
            resource_group_name=group,
            opts=pulumi.ResourceOptions(parent=self),
        )
        for subscription in product.subscriptions:
            apim.Subscription(
                f"{name}-product-{product_id}-sub-{subscription}",
                sid=subscription,
                display_name=subscription,
                scope=pulumi.Output.concat("/products/", created.name),
                state=apim.SubscriptionState.ACTIVE,
                service_name=service,
                resource_group_name=group,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return created

    # --- DNS ----------------------------------------------------------------------------------------------

    def _register_host_names(
        self,
        name: str,
        args: ApiManagementArgs,
        zone_name: pulumi.Input[str],
        zone_group: pulumi.Input[str],
        provider: pulumi.ProviderResource | None = None,
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
                resource_group_name=zone_group,
                record_type="A",
                relative_record_set_name=relative,
                ttl=300,
                a_records=[azure_native.privatedns.ARecordArgs(ipv4_address=self.private_ip_address)],
                opts=pulumi.ResourceOptions(parent=self, provider=provider),
            )
            for label, relative in labels.items()
        ]

    # --- secrets ------------------------------------------------------------------------------------------

    def _key_vault_value(
        self,
        resource_name: str,
        args: ApiManagementArgs,
        value_id: str,
        secret: str,
        grants: Sequence[pulumi.Resource],
        *,
        secret_uri: Input[str] | None = None,
    ) -> azure_native.apimanagement.NamedValue:
        """A secret named value that API Management reads from Key Vault as its identity (and re-reads every four
        hours), so that the value never passes through the deployment.
        https://learn.microsoft.com/azure/api-management/api-management-howto-properties#key-vault-secrets
        """
        if args.secret_store is None:  # ApiManagementArgs refuses named values without a store
            raise ValueError("Key Vault named values need a secret_store")
        return azure_native.apimanagement.NamedValue(
            resource_name,
            service_name=self.service.name,
            resource_group_name=args.resource_group_name,
            named_value_id=value_id,
            display_name=value_id,
            secret=True,
            key_vault=azure_native.apimanagement.KeyVaultContractCreatePropertiesArgs(
                secret_identifier=secret_uri if secret_uri is not None else args.secret_store.secret_uri(secret),
                identity_client_id=self.identity.client_id,
            ),
            # Azure fetches the secret when the named value is created: the identity's read grant comes first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(grants)),
        )

    # --- logging ------------------------------------------------------------------------------------------

    def _log_to_app_insights(self, name: str, args: ApiManagementArgs, link: AppInsightsLink) -> None:
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
                percentage=args.sampling_percentage,
            ),
            verbosity=azure_native.apimanagement.Verbosity.INFORMATION,
            http_correlation_protocol=azure_native.apimanagement.HttpCorrelationProtocol.W3_C,
            log_client_ip=True,
            metrics=True,
            opts=pulumi.ResourceOptions(parent=self),
        )

    # --- caching ------------------------------------------------------------------------------------------

    def _external_cache(
        self, name: str, args: ApiManagementArgs, grants: Sequence[pulumi.Resource]
    ) -> azure_native.apimanagement.Cache:
        """The default external cache. API Management reaches Redis only with a connection string carrying an
        access key (no Entra auth to Azure Managed Redis), so the string stays in Key Vault behind a named value.
        https://learn.microsoft.com/azure/api-management/api-management-howto-cache-external
        """
        if args.external_cache is None:
            raise ValueError("the external cache needs the name of its connection string secret")
        connection = self._key_vault_value(
            f"{name}-nv-redis",
            args,
            CACHE_CONNECTION_VALUE,
            args.external_cache.connection_string_secret,
            grants,
            secret_uri=args.external_cache.secret_uri,
        )
        return azure_native.apimanagement.Cache(
            f"{name}-cache",
            service_name=self.service.name,
            resource_group_name=args.resource_group_name,
            cache_id="default",
            use_from_location="default",
            connection_string=f"{{{{{CACHE_CONNECTION_VALUE}}}}}",
            description="External Redis cache (connection string from Key Vault)",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[connection]),
        )

    # --- backends and APIs --------------------------------------------------------------------------------

    def _backend(self, name: str, args: ApiManagementArgs, spec: BackendSpec) -> azure_native.apimanagement.Backend:
        return _backend(self, name, self.service.name, args.resource_group_name, spec)

    def _pool(self, name: str, args: ApiManagementArgs, spec: BackendPoolSpec) -> azure_native.apimanagement.Backend:
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
        self, name: str, args: ApiManagementArgs, spec: ApiSpec, waits_for: Sequence[pulumi.Resource]
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
                    # ISO 8601 durations, in whole seconds.
                    trip_duration=f"PT{breaker.trip_seconds}S",
                    accept_retry_after=breaker.accept_retry_after,
                    failure_condition=azure_native.apimanagement.CircuitBreakerFailureConditionArgs(
                        count=breaker.failures,
                        interval=f"PT{breaker.interval_seconds}S",
                        status_code_ranges=[
                            azure_native.apimanagement.FailureStatusCodeRangeArgs(min=r.min, max=r.max)
                            for r in breaker.status_codes
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


class PublishedApiArgs(Args):
    """Arguments for :class:`PublishedApi`."""

    service_name: Input[str] = Field(
        description="The API Management service to publish on (the platform's: PlatformReference.apim_name)."
    )
    resource_group_name: Input[str] = Field(
        description="The service's resource group (PlatformReference.resource_group_name)."
    )
    backend: BackendSpec = Field(description="Where the API forwards: its id must equal api.backend_id.")
    api: ApiSpec = Field(
        description="The API: path, operations, and policy (build it with components.apim_policies.ApimPolicyDocument)."
    )

    @field_validator("api")
    @classmethod
    def _routes_to_the_backend(cls, value: ApiSpec, info: ValidationInfo) -> ApiSpec:
        backend = _given(info, "backend")
        if isinstance(backend, BackendSpec) and value.backend_id != backend.id:
            raise ValueError(f"api.backend_id {value.backend_id!r} must name the backend {backend.id!r}")
        return value


class PublishedApi(pulumi.ComponentResource):
    """A team's API on the shared API Management gateway: one backend (TLS-validated, optional circuit breaker) and
    one API with its operations and typed policy, registered in a service another stack owns."""

    api: azure_native.apimanagement.Api
    backend: azure_native.apimanagement.Backend

    def __init__(self, name: str, args: PublishedApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(PUBLISHED_API_TYPE_TOKEN, name, None, renamed_from("azplatform:index:GatewayApi", opts))
        self.backend = _backend(self, name, args.service_name, args.resource_group_name, args.backend)
        self.api = _api(self, name, args.service_name, args.resource_group_name, args.api, waits_for=[self.backend])
        self.register_outputs({"apiId": self.api.id})


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "ApiManagement": """
from azplatform.components import (
    ApiManagement, ApiManagementArgs, ApiPolicies, ApiSpec, BackendSpec, CachingType, CircuitBreaker,
    DiagnosticSettings, KeyVault, KeyVaultArgs, RateLimitByKey, Retry,
)

vault = KeyVault("kv", KeyVaultArgs(
    name="kv-shop-dev-weu", resource_group_name=RG, location="westeurope",
    tenant_id="00000000-0000-4000-8000-000000000002",
))
policies = ApiPolicies(
    rate_limit=RateLimitByKey(calls=300, renewal_period_seconds=60), retry=Retry(count=2)
).document("orders", tenant_id="00000000-0000-4000-8000-000000000002", caching=CachingType.INTERNAL)
ApiManagement("apim", ApiManagementArgs(
    name="apim-shop-dev-weu", identity_name="id-apim-shop-dev", resource_group_name=RG, location="westeurope",
    sku="Developer", capacity=1, publisher_name="Shop", publisher_email="platform@example.com",
    subnet_id=f"{SUBNETS}/snet-apim", secret_store=vault,
    backends=[BackendSpec(id="orders", url="https://ca-orders-dev.internal.example", circuit_breaker=CircuitBreaker())],
    apis=[ApiSpec(id="orders", path="orders", backend_id="orders", policy_xml=policies.to_xml())],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
    "PublishedApi": """
from azplatform.components import (
    ApiSpec, BackendSpec, PublishedApi, PublishedApiArgs, ApimPolicyDocument, RateLimitByKey, SetBackendService,
)

policy = ApimPolicyDocument(
    statements=(RateLimitByKey(calls=100, renewal_period_seconds=60), SetBackendService(backend_id="orders"))
)
PublishedApi("orders-api", PublishedApiArgs(
    service_name="apim-shop-dev-weu", resource_group_name=RG,
    backend=BackendSpec(id="orders", url="https://ca-orders-dev.internal.example"),
    api=ApiSpec(id="orders", path="orders", backend_id="orders", policy_xml=policy.to_xml()),
))
""",
}

"""Typed API Management policy documents: each policy kind is a small, validated model that knows its section, checks
its values against Microsoft's policy reference, and renders its XML element.

The same models are the stack file's ``apim.apis.<id>.policies`` section (:class:`ApiPolicies`), so a policy is
refused for the same reason, with the same message, whether it comes from a stack file or from Python. Durations are
whole seconds everywhere (``renewal_period_seconds``, ``timeout_seconds``...), as in the stack file.

:class:`ApimPolicyDocument` assembles statements into ``<policies>`` with the four sections (inbound, backend, outbound,
on-error), each inheriting the enclosing scope through ``<base />``, in a fixed, reviewable order.

Policy reference (element and attribute names, sections, limits):
https://learn.microsoft.com/azure/api-management/api-management-policies
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, ClassVar, Literal, Protocol

from pydantic import Field, ValidationInfo, field_validator, model_validator

from azplatform.components.args import Args

__all__ = [
    "ApiPolicies",
    "ApimPolicyDocument",
    "CachingType",
    "CounterKey",
    "EmitTokenMetric",
    "EntraIdAuth",
    "ExistsAction",
    "LlmFlavor",
    "MetricDimension",
    "QuotaByKey",
    "RateLimitByKey",
    "ResponseCache",
    "ResponseCacheSettings",
    "Retry",
    "Section",
    "SetBackendService",
    "SetBody",
    "SetHeader",
    "Statement",
    "TokenLimit",
    "ValidateJwt",
]


class Section(Enum):
    """The sections of a policy document, in the order the gateway runs them."""

    INBOUND = "inbound"
    BACKEND = "backend"
    OUTBOUND = "outbound"
    ON_ERROR = "on-error"


# Application Gateway appends the client's address as IP:port to X-Forwarded-For (its frontend is IPv4), so
# the last entry is the one a client cannot forge; the gateway itself sees Application Gateway as the caller.
# https://learn.microsoft.com/azure/application-gateway/how-application-gateway-works#modifications-to-the-request
_CLIENT_IP = (
    'context.Request.Headers.GetValueOrDefault("X-Forwarded-For", context.Request.IpAddress)'
    ".Split(',').Last().Trim().Split(':')[0]"
)
_JWT_SUBJECT = 'context.Request.Headers.GetValueOrDefault("Authorization", "").Split(\' \').Last().AsJwt()?.Subject'


COGNITIVE_SERVICES = "https://cognitiveservices.azure.com"
"""The audience of Entra tokens for Azure OpenAI and AI services accounts."""

IDENTITY_CLIENT_ID_VALUE = "apim-identity-client-id"
"""The plain named value holding API Management's user-assigned identity's client id
(``ApiManagementArgs.publish_identity_client_id``), so that a policy names the identity without knowing it:
``{{apim-identity-client-id}}``."""


class CounterKey(Enum):
    """What a rate limit, quota or token limit counts per (the stack file's ``key``); :attr:`expression` is the
    policy expression that computes it."""

    CLIENT_IP = "clientIp"
    CALLER = "caller"
    SUBSCRIPTION = "subscription"

    @property
    def expression(self) -> str:
        """The policy expression for the key."""
        return {
            CounterKey.CLIENT_IP: f"@({_CLIENT_IP})",
            # The JWT subject (validate-jwt runs first), falling back to the client address for anonymous calls.
            CounterKey.CALLER: f"@({_JWT_SUBJECT} ?? {_CLIENT_IP})",
            CounterKey.SUBSCRIPTION: f"@(context.Subscription?.Id ?? {_CLIENT_IP})",
        }[self]


class Statement(Protocol):
    """One policy: the section it goes in, its place there, and its XML."""

    @property
    def section(self) -> Section:
        """The section the policy belongs in."""
        ...

    @property
    def rank(self) -> int:
        """Its order within the section (lower first)."""
        ...

    def element(self) -> ET.Element:
        """The policy's XML element."""
        ...


class _Policy(Args):
    """Base of the statements: a fixed rank within the section."""

    RANK: ClassVar[int] = 0

    @property
    def rank(self) -> int:
        """Its order within the section (lower first)."""
        return self.RANK


class _FixedSection(_Policy):
    """A statement whose section is fixed by its kind."""

    SECTION: ClassVar[Section] = Section.INBOUND

    @property
    def section(self) -> Section:
        """The section the policy belongs in."""
        return self.SECTION


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _element(tag: str, **attributes: str | int | bool | None) -> ET.Element:
    """An element with the given attributes (snake_case keywords become kebab-case), skipping ``None``."""
    rendered = {
        key.replace("_", "-"): _bool(value) if isinstance(value, bool) else str(value)
        for key, value in attributes.items()
        if value is not None
    }
    return ET.Element(tag, rendered)


def _given(info: ValidationInfo, name: str) -> object:
    """An earlier field's validated value (None when it was not given or failed its own validation)."""
    return info.data.get(name)


# --- access restriction -------------------------------------------------------------------------------------


class ValidateJwt(_FixedSection):
    """``validate-jwt``: reject requests without a valid bearer token from the configured issuers.

    https://learn.microsoft.com/azure/api-management/validate-jwt-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 10

    openid_config_urls: list[str] = Field(
        min_length=1, description="OpenID configuration endpoints the signing keys come from (https, at least one)."
    )
    audiences: list[str] = Field(min_length=1, description="Accepted aud values (at least one).")
    issuers: list[str] = Field(
        default_factory=list, description="Accepted iss values. Default: whatever the OpenID configuration names."
    )
    header_name: str = Field(default="Authorization", description="Header carrying the token. Default Authorization.")
    require_scheme: str = Field(default="Bearer", description="Scheme the header must use. Default Bearer.")
    failed_validation_httpcode: int = Field(
        default=401, ge=400, le=499, description="Status returned on failure, a 4xx. Default 401."
    )
    failed_validation_error_message: str = Field(
        default="Unauthorized. Access token is missing or invalid.", description="Body message on failure."
    )
    clock_skew_seconds: int = Field(default=0, ge=0, description="Tolerated clock difference in seconds. Default 0.")
    output_token_variable_name: str | None = Field(
        default=None, description="Context variable that receives the validated token. Default: none."
    )

    @field_validator("openid_config_urls")
    @classmethod
    def _https(cls, value: list[str]) -> list[str]:
        if not all(url.startswith("https://") for url in value):
            raise ValueError("openid-config urls must be https")
        return value

    @classmethod
    def entra_id(cls, tenant_id: str, audiences: Sequence[str], issuers: Sequence[str] = ()) -> ValidateJwt:
        """Tokens issued by a Microsoft Entra tenant (v2.0 metadata; v1 and v2 issuers accepted by default).

        https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
        """
        default_issuers = [
            f"https://login.microsoftonline.com/{tenant_id}/v2.0",
            f"https://sts.windows.net/{tenant_id}/",
        ]
        return cls(
            openid_config_urls=[f"https://login.microsoftonline.com/{tenant_id}/v2.0/.well-known/openid-configuration"],
            audiences=list(audiences),
            issuers=list(issuers) or default_issuers,
        )

    def element(self) -> ET.Element:
        node = _element(
            "validate-jwt",
            header_name=self.header_name,
            require_scheme=self.require_scheme,
            failed_validation_httpcode=self.failed_validation_httpcode,
            failed_validation_error_message=self.failed_validation_error_message,
            require_expiration_time=True,
            require_signed_tokens=True,
            clock_skew=self.clock_skew_seconds,
            output_token_variable_name=self.output_token_variable_name,
        )
        for url in self.openid_config_urls:
            ET.SubElement(node, "openid-config", {"url": url})
        audiences = ET.SubElement(node, "audiences")
        for audience in self.audiences:
            ET.SubElement(audiences, "audience").text = audience
        if self.issuers:
            issuers = ET.SubElement(node, "issuers")
            for issuer in self.issuers:
                ET.SubElement(issuers, "issuer").text = issuer
        return node


class EntraIdAuth(Args):
    """``validate-jwt`` against Microsoft Entra ID (the stack file's ``auth``): the API's audiences, and the tenant
    whose tokens are accepted."""

    audiences: list[str] = Field(
        min_length=1, description="Accepted aud values (the API's app ID URI or client id), at least one."
    )
    issuers: list[str] = Field(
        default_factory=list, description="Accepted issuers. Default: the tenant's v1 and v2 issuers."
    )
    tenant_id: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description="Entra tenant id (a lowercase GUID). Default: the tenant given to ApiPolicies.document (in the "
        "platform, the deploying tenant).",
    )

    def statement(self, default_tenant_id: str) -> ValidateJwt:
        """The ``validate-jwt`` statement, for ``tenant_id`` or else ``default_tenant_id``."""
        return ValidateJwt.entra_id(self.tenant_id or default_tenant_id, self.audiences, self.issuers)


class RateLimitByKey(_FixedSection):
    """``rate-limit-by-key``: at most ``calls`` per ``renewal_period_seconds`` per key, else 429.

    https://learn.microsoft.com/azure/api-management/rate-limit-by-key-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 20

    calls: int = Field(ge=1, description="Calls allowed per window per key, at least 1.")
    # "renewal-period ... Maximum allowed value: 300 seconds" (the policy reference above).
    renewal_period_seconds: int = Field(ge=1, le=300, description="Sliding window, 1-300 seconds.")
    key: CounterKey = Field(
        default=CounterKey.CLIENT_IP,
        description="What the limit counts per: clientIp (default), caller (JWT subject) or subscription.",
    )
    remaining_calls_header_name: str | None = Field(
        default="x-ratelimit-remaining",
        description="Response header with the calls left; null for none. Default x-ratelimit-remaining.",
    )

    def element(self) -> ET.Element:
        return _element(
            "rate-limit-by-key",
            calls=self.calls,
            renewal_period=self.renewal_period_seconds,
            counter_key=self.key.expression,
            remaining_calls_header_name=self.remaining_calls_header_name,
        )


class QuotaByKey(_FixedSection):
    """``quota-by-key``: a call and/or bandwidth volume per key per fixed period, else 403.

    https://learn.microsoft.com/azure/api-management/quota-by-key-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 30
    # "renewal-period ... Minimum period: 300 seconds"; 0 makes a lifetime quota (the policy reference above).
    MIN_RENEWAL_PERIOD: ClassVar[int] = 300

    calls: int | None = Field(default=None, ge=1, description="Calls allowed per period per key.")
    bandwidth_kb: int | None = Field(default=None, ge=1, description="Kilobytes allowed per period per key.")
    renewal_period_seconds: int = Field(
        ge=0, description="Fixed period in seconds: 0 (a lifetime quota, never reset) or at least 300."
    )
    key: CounterKey = Field(
        default=CounterKey.CLIENT_IP,
        description="What the quota counts per: clientIp (default), caller (JWT subject) or subscription.",
    )

    @field_validator("renewal_period_seconds")
    @classmethod
    def _period(cls, value: int) -> int:
        if 0 < value < cls.MIN_RENEWAL_PERIOD:
            raise ValueError(f"must be 0 or at least {cls.MIN_RENEWAL_PERIOD} seconds (0: a lifetime quota)")
        return value

    @model_validator(mode="after")
    def _volume(self) -> QuotaByKey:
        if self.calls is None and self.bandwidth_kb is None:
            raise ValueError("quota-by-key needs calls or bandwidth: give calls, bandwidthKb or both")
        return self

    def element(self) -> ET.Element:
        return _element(
            "quota-by-key",
            calls=self.calls,
            bandwidth=self.bandwidth_kb,
            renewal_period=self.renewal_period_seconds,
            counter_key=self.key.expression,
        )


# --- AI gateway ---------------------------------------------------------------------------------------------


class LlmFlavor(Enum):
    """Which family of AI gateway policies to emit: the generic LLM ones or the Azure OpenAI ones."""

    LLM = "llm"
    AZURE_OPENAI = "azure-openai"


TokenQuotaPeriod = Literal["Hourly", "Daily", "Weekly", "Monthly", "Yearly"]


class TokenLimit(_FixedSection):
    """``llm-token-limit`` / ``azure-openai-token-limit``: tokens per minute and/or a token quota per key.

    https://learn.microsoft.com/azure/api-management/llm-token-limit-policy
    https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy (tokens-per-minute only)
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 40

    # Field order matters: each check reads the fields declared before it.
    key: CounterKey = Field(
        default=CounterKey.CALLER,
        description="What the limit counts per: caller (JWT subject, default), clientIp or subscription.",
    )
    tokens_per_minute: int | None = Field(default=None, ge=1, description="Prompt plus completion tokens per minute.")
    token_quota_period: TokenQuotaPeriod | None = Field(
        default=None, description="Quota period, with tokenQuota (llm flavor only)."
    )
    token_quota: int | None = Field(
        default=None, ge=1, description="Tokens per tokenQuotaPeriod per key (llm flavor only)."
    )
    estimate_prompt_tokens: bool = Field(
        default=False,
        description="Count prompt tokens before calling the model (costs gateway CPU). Default off: usage from the "
        "response.",
    )
    remaining_tokens_header_name: str | None = Field(
        default="x-ratelimit-remaining-tokens",
        description="Response header with the tokens left this minute (only with tokensPerMinute). "
        "Default x-ratelimit-remaining-tokens.",
    )
    flavor: LlmFlavor = Field(default=LlmFlavor.LLM, description="Policy family: llm (default) or azure-openai.")

    @field_validator("token_quota")
    @classmethod
    def _quota_pair(cls, value: int | None, info: ValidationInfo) -> int | None:
        if (value is None) != (_given(info, "token_quota_period") is None):
            raise ValueError("tokenQuota and tokenQuotaPeriod go together")
        return value

    @field_validator("flavor")
    @classmethod
    def _flavor(cls, value: LlmFlavor, info: ValidationInfo) -> LlmFlavor:
        quota = _given(info, "token_quota") is not None or _given(info, "token_quota_period") is not None
        if value is LlmFlavor.AZURE_OPENAI and (quota or _given(info, "tokens_per_minute") is None):
            raise ValueError("azure-openai-token-limit takes tokensPerMinute only")
        return value

    @model_validator(mode="after")
    def _something(self) -> TokenLimit:
        if self.tokens_per_minute is None and self.token_quota is None:
            raise ValueError("give tokensPerMinute, or tokenQuota with tokenQuotaPeriod")
        return self

    def element(self) -> ET.Element:
        return _element(
            f"{self.flavor.value}-token-limit",
            counter_key=self.key.expression,
            tokens_per_minute=self.tokens_per_minute,
            token_quota=self.token_quota,
            token_quota_period=self.token_quota_period,
            estimate_prompt_tokens=self.estimate_prompt_tokens,
            remaining_tokens_header_name=self.remaining_tokens_header_name if self.tokens_per_minute else None,
        )


# Dimensions the gateway fills in by itself, so they may be given without a value.
# https://learn.microsoft.com/azure/api-management/llm-emit-token-metric-policy#default-dimension-names-that-may-be-used-without-value
DEFAULT_METRIC_DIMENSIONS = (
    "API ID",
    "Operation ID",
    "Product ID",
    "User ID",
    "Subscription ID",
    "Location",
    "Gateway ID",
    "Backend ID",
)


class MetricDimension(Args):
    """One dimension of an emitted metric; ``value`` may be omitted for the gateway's default dimensions."""

    name: str = Field(min_length=1, description="Dimension name, for example API ID or a custom one.")
    value: str | None = Field(
        default=None,
        description="Policy expression for the value. Default: the gateway's own value, for a default dimension "
        f"({', '.join(DEFAULT_METRIC_DIMENSIONS)}).",
    )

    @field_validator("value")
    @classmethod
    def _value(cls, value: str | None, info: ValidationInfo) -> str | None:
        name = _given(info, "name")
        if value is None and name is not None and name not in DEFAULT_METRIC_DIMENSIONS:
            raise ValueError(f"dimension {name!r} needs a value (only the default dimensions may omit it)")
        return value


def _default_dimensions() -> list[MetricDimension]:
    return [MetricDimension(name="API ID"), MetricDimension(name="Backend ID")]


class EmitTokenMetric(_FixedSection):
    """``llm-emit-token-metric`` / ``azure-openai-emit-token-metric``: token counts to Application Insights.

    https://learn.microsoft.com/azure/api-management/llm-emit-token-metric-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 50

    flavor: LlmFlavor = Field(default=LlmFlavor.LLM, description="Policy family: llm (default) or azure-openai.")
    namespace: str = Field(
        default="ai-gateway", min_length=1, description="Metric namespace in Application Insights. Default ai-gateway."
    )
    # "You can configure at most 5 custom dimensions for this policy." (the policy reference above)
    dimensions: list[MetricDimension] = Field(
        default_factory=_default_dimensions,
        min_length=1,
        max_length=5,
        description="1-5 dimensions. Default: API ID and Backend ID.",
    )

    def element(self) -> ET.Element:
        node = _element(f"{self.flavor.value}-emit-token-metric", namespace=self.namespace)
        for dimension in self.dimensions:
            node.append(_element("dimension", name=dimension.name, value=dimension.value))
        return node


# --- routing ------------------------------------------------------------------------------------------------


class SetBackendService(_FixedSection):
    """``set-backend-service``: send the request to a named backend entity (a single backend or a pool).

    https://learn.microsoft.com/azure/api-management/set-backend-service-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 60

    backend_id: str = Field(min_length=1, description="The backend entity's id in the service.")

    def element(self) -> ET.Element:
        return _element("set-backend-service", backend_id=self.backend_id)


class ManagedIdentityAuth(_FixedSection):
    """``authentication-managed-identity``: API Management calls the backend with an Entra token of its own
    identity (in the Authorization header), so no key to the backend exists anywhere.

    https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 65

    resource: str = Field(
        default=COGNITIVE_SERVICES,
        min_length=1,
        description="The token's audience. Default https://cognitiveservices.azure.com (Azure OpenAI and AI services).",
    )
    client_id: str | None = Field(
        default=None, description="A user-assigned identity's client id; none: the system-assigned identity."
    )

    def element(self) -> ET.Element:
        return _element("authentication-managed-identity", resource=self.resource, client_id=self.client_id)


class ShadowRequest(_FixedSection):
    """Shadow traffic for a model rollout: a share of the requests, copied and sent one way to a candidate
    deployment as API Management's identity, without waiting for it or changing the response.

    https://learn.microsoft.com/azure/api-management/send-one-way-request-policy (mode copy: a copy of the current
    request) and https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy (the token
    into a variable, for a request the policy builds itself).
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 70

    url: str = Field(
        pattern=r"^https://[^\s\"]+$",
        description="The candidate deployment's URL (https://<account>.cognitiveservices.azure.com/openai/deployments"
        "/<name>); the request's path below the API and its query string follow it.",
    )
    percent: int = Field(ge=1, le=100, description="Share of the requests mirrored, 1-100.")
    client_id: str | None = Field(default=None, description="The identity's client id (user-assigned).")
    resource: str = Field(default=COGNITIVE_SERVICES, min_length=1, description="The token's audience.")

    def element(self) -> ET.Element:
        choose = ET.Element("choose")
        when = ET.SubElement(choose, "when", {"condition": f"@(new Random().Next(100) < {self.percent})"})
        when.append(
            _element(
                "authentication-managed-identity",
                resource=self.resource,
                client_id=self.client_id,
                output_token_variable_name="shadow-token",
            )
        )
        send = ET.SubElement(when, "send-one-way-request", {"mode": "copy"})
        path = "context.Request.OriginalUrl.Path.Substring(context.Api.Path.Length + 1)"
        ET.SubElement(send, "set-url").text = f'@("{self.url}" + {path} + context.Request.OriginalUrl.QueryString)'
        header = ET.SubElement(send, "set-header", {"name": "Authorization", "exists-action": "override"})
        ET.SubElement(header, "value").text = '@("Bearer " + (string)context.Variables["shadow-token"])'
        return choose


# --- caching ------------------------------------------------------------------------------------------------


CacheSeconds = Annotated[int, Field(ge=1, le=2592000)]
"""How long a cached answer may be served: at least a second; at most 30 days, the platform's own cap on how stale a
cached response may be."""


class CachingType(Enum):
    """Which cache ``cache-lookup`` uses."""

    INTERNAL = "internal"
    EXTERNAL = "external"


class ResponseCacheSettings(Args):
    """What a user chooses about response caching (the stack file's ``cache``); which cache serves it is the
    service's (:class:`ResponseCache` adds it)."""

    duration_seconds: CacheSeconds = Field(description="Time-to-live in seconds, 1 up to 30 days.")
    vary_by_headers: list[str] = Field(
        default_factory=lambda: ["Accept", "Accept-Charset"],
        description="Headers that key the cache. Default Accept and Accept-Charset (Microsoft's recommendation).",
    )
    vary_by_query_parameters: list[str] = Field(
        default_factory=list, description="Query parameters that key the cache. Default: none."
    )
    private_responses: bool = Field(
        default=False, description="Cache requests with an Authorization header, keyed by it. Default off."
    )


class ResponseCache(ResponseCacheSettings, _FixedSection):
    """``cache-lookup`` (inbound) and ``cache-store`` (outbound): cache GET responses for ``duration_seconds``.

    Requests carrying an Authorization header are cached only with ``private_responses``, and then per token
    (``vary-by-header Authorization``), never shared between callers.
    https://learn.microsoft.com/azure/api-management/cache-lookup-policy
    https://learn.microsoft.com/azure/api-management/cache-store-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 70

    caching_type: CachingType = Field(
        default=CachingType.INTERNAL,
        description="The built-in cache or the service's external (Redis) cache entity. Default internal.",
    )

    def element(self) -> ET.Element:
        node = _element(
            "cache-lookup",
            vary_by_developer=False,
            vary_by_developer_groups=False,
            caching_type=self.caching_type.value,
            downstream_caching_type="none",
            allow_private_response_caching=self.private_responses if self.private_responses else None,
        )
        headers = list(self.vary_by_headers)
        if self.private_responses and "Authorization" not in headers:
            headers.append("Authorization")
        for header in headers:
            ET.SubElement(node, "vary-by-header").text = header
        for parameter in self.vary_by_query_parameters:
            ET.SubElement(node, "vary-by-query-parameter").text = parameter
        return node

    def store(self) -> ET.Element:
        """The matching ``cache-store`` for the outbound section."""
        return _element("cache-store", duration=self.duration_seconds)


class SemanticCacheSettings(Args):
    """What a user chooses about semantic caching of a model route (the stack file's ``semanticCache``): answers
    to prompts close enough in meaning to an earlier one come from the service's external Redis cache (which must
    have the RediSearch module), without calling the model. Which embeddings backend vectorises the prompts is the
    service's (:class:`SemanticCache` adds it).
    https://learn.microsoft.com/azure/api-management/azure-openai-enable-semantic-caching
    """

    score_threshold: float = Field(
        ge=0.0,
        le=1.0,
        description="How close a prompt must be to a cached one, 0.0-1.0; lower demands more similarity (a "
        "cached answer to a merely related prompt is a wrong answer, so start low, around 0.05).",
    )
    duration_seconds: CacheSeconds = Field(description="How long a cached answer is served, 1 second up to 30 days.")
    partition: CounterKey = Field(
        default=CounterKey.SUBSCRIPTION,
        description="Whose answers a prompt may be served (vary-by): subscription (default), caller or clientIp. "
        "One consumer never gets another's cached answer.",
    )
    ignore_system_messages: bool = Field(
        default=True,
        description="Leave system messages out when comparing prompts (Microsoft's recommendation). Default on.",
    )
    max_message_count: int | None = Field(
        default=None, ge=1, description="Skip the cache for conversations longer than this. Default: no limit."
    )


class SemanticCache(SemanticCacheSettings, _FixedSection):
    """``llm-semantic-cache-lookup`` (inbound, before the token limit, so that a cached answer spends no tokens)
    and ``llm-semantic-cache-store`` (outbound). The lookup calls the embeddings backend as API Management's
    system-assigned identity, the only authentication the policy takes (``embeddings-backend-auth``), which
    therefore needs Cognitive Services OpenAI User on the embeddings deployment's account.
    https://learn.microsoft.com/azure/api-management/llm-semantic-cache-lookup-policy
    https://learn.microsoft.com/azure/api-management/llm-semantic-cache-store-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 35

    embeddings_backend_id: str = Field(min_length=1, description="The backend entity of the embeddings deployment.")

    def element(self) -> ET.Element:
        node = _element(
            "llm-semantic-cache-lookup",
            score_threshold=f"{self.score_threshold:g}",
            embeddings_backend_id=self.embeddings_backend_id,
            embeddings_backend_auth="system-assigned",
            ignore_system_messages=self.ignore_system_messages,
            max_message_count=self.max_message_count,
        )
        ET.SubElement(node, "vary-by").text = self.partition.expression
        return node

    def store(self) -> ET.Element:
        """The matching ``llm-semantic-cache-store`` for the outbound section."""
        return _element("llm-semantic-cache-store", duration=self.duration_seconds)


# --- resilience ---------------------------------------------------------------------------------------------


class Retry(_FixedSection):
    """``retry`` around ``forward-request`` in the backend section: resend on 5xx (and optionally 429).

    The backend section then has no ``<base />``: the inherited one would forward the request a second time.
    https://learn.microsoft.com/azure/api-management/retry-policy
    https://learn.microsoft.com/azure/api-management/forward-request-policy
    """

    SECTION: ClassVar[Section] = Section.BACKEND
    RANK: ClassVar[int] = 10

    # Field order matters: max_interval_seconds is checked against the intervals declared before it.
    # count: "A positive number between 1 and 50" (retry policy reference).
    count: int = Field(ge=1, le=50, description="Retries after the first attempt, 1-50.")
    interval_seconds: int = Field(
        default=1,
        ge=0,
        le=300,
        description="Seconds between attempts (with deltaSeconds: the backoff's base), 0-300. Default 1.",
    )
    delta_seconds: int | None = Field(
        default=None,
        ge=1,
        le=300,
        description="Backoff increment in seconds: linear, or exponential with maxIntervalSeconds. Default: none.",
    )
    max_interval_seconds: int | None = Field(
        default=None,
        ge=1,
        le=300,
        description="Cap in seconds for exponential backoff (needs deltaSeconds, at least intervalSeconds).",
    )
    first_fast_retry: bool = Field(default=True, description="Retry the first failure immediately. Default on.")
    on_throttle: bool = Field(default=True, description="Also retry a 429 from the backend. Default on.")
    # forward-request: "Values greater than 240 seconds may not be honored".
    timeout_seconds: int = Field(
        default=120,
        ge=1,
        le=240,
        description="forward-request timeout per attempt, 1-240 seconds. Default 120 (LLM completions are slow).",
    )
    stream_responses: bool = Field(
        default=True,
        description="Pass chunked responses through as they arrive (server-sent events from LLM backends). Default on.",
    )

    @field_validator("max_interval_seconds")
    @classmethod
    def _backoff(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None:
            return value
        problems = []
        if _given(info, "delta_seconds") is None:
            problems.append("needs deltaSeconds (exponential backoff)")
        interval = _given(info, "interval_seconds")
        if isinstance(interval, int) and value < interval:
            problems.append(f"must be >= intervalSeconds ({interval})")
        if problems:
            raise ValueError(" and ".join(problems))
        return value

    @property
    def condition(self) -> str:
        """The retry condition expression."""
        codes = "context.Response.StatusCode >= 500"
        if self.on_throttle:
            codes += " || context.Response.StatusCode == 429"
        return f"@({codes})"

    def element(self) -> ET.Element:
        node = _element(
            "retry",
            condition=self.condition,
            count=self.count,
            interval=self.interval_seconds,
            max_interval=self.max_interval_seconds,
            delta=self.delta_seconds,
            first_fast_retry=self.first_fast_retry,
        )
        # The body must be buffered to be sent again.
        node.append(
            _element(
                "forward-request",
                timeout=self.timeout_seconds,
                buffer_request_body=True,
                buffer_response=not self.stream_responses,
            )
        )
        return node


# --- transformation -----------------------------------------------------------------------------------------


class ExistsAction(Enum):
    """What ``set-header`` does when the header is already there."""

    OVERRIDE = "override"
    SKIP = "skip"
    APPEND = "append"
    DELETE = "delete"


# Headers the gateway will not modify or delete.
# https://learn.microsoft.com/azure/api-management/set-header-policy#usage-notes
PROTECTED_HEADERS = frozenset({"connection", "content-length", "keep-alive", "transfer-encoding"})


class SetHeader(_Policy):
    """``set-header``: add, replace, append to or delete a request (inbound) or response (outbound) header.

    https://learn.microsoft.com/azure/api-management/set-header-policy
    """

    RANK: ClassVar[int] = 80

    # Field order matters: each check reads the fields declared before it.
    # An HTTP field name is a token: https://www.rfc-editor.org/rfc/rfc9110#name-field-names
    name: str = Field(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", description="Header name (an HTTP token).")
    action: ExistsAction = Field(
        default=ExistsAction.OVERRIDE,
        description="What to do when the header exists (exists-action): override (default), skip, append or delete.",
    )
    section: Section = Field(
        default=Section.INBOUND,
        description="inbound sets a request header; outbound and on-error set response headers. Default inbound.",
    )
    value: str | None = Field(
        default=None, description="Value (a literal or a policy expression); none when the action is delete."
    )

    @field_validator("name")
    @classmethod
    def _modifiable(cls, value: str) -> str:
        if value.lower() in PROTECTED_HEADERS:
            raise ValueError(f"API Management cannot modify or delete the {value} header")
        if value.lower() == "api-key":
            # Keyless: models are called with API Management's identity (authentication-managed-identity).
            raise ValueError("the api-key header carries a model key; the gateway calls models with its identity")
        return value

    @field_validator("action")
    @classmethod
    def _server(cls, value: ExistsAction, info: ValidationInfo) -> ExistsAction:
        name = _given(info, "name")
        if value is ExistsAction.DELETE and isinstance(name, str) and name.lower() == "server":
            raise ValueError("API Management cannot remove the Server header")
        return value

    @field_validator("section")
    @classmethod
    def _section(cls, value: Section) -> Section:
        if value is Section.BACKEND:
            raise ValueError("set-header belongs in inbound, outbound or on-error here")
        return value

    @field_validator("value")
    @classmethod
    def _value(cls, value: str | None, info: ValidationInfo) -> str | None:
        if (_given(info, "action") is ExistsAction.DELETE) != (value is None):
            raise ValueError("give a value, except with action delete (which takes none)")
        return value

    def element(self) -> ET.Element:
        node = _element("set-header", name=self.name, exists_action=self.action.value)
        if self.value is not None:
            ET.SubElement(node, "value").text = self.value
        return node


class SetBody(_Policy):
    """``set-body``: replace the request (inbound) or response (outbound) body, optionally as a Liquid template.

    https://learn.microsoft.com/azure/api-management/set-body-policy
    """

    RANK: ClassVar[int] = 90

    body: str = Field(description="The new body (text, a policy expression, or a Liquid template).")
    liquid: bool = Field(default=False, description="Render the body with the Liquid engine. Default off.")
    section: Section = Field(
        default=Section.OUTBOUND, description="inbound (request body) or outbound (response body). Default outbound."
    )

    @field_validator("section")
    @classmethod
    def _section(cls, value: Section) -> Section:
        if value not in (Section.INBOUND, Section.OUTBOUND):
            raise ValueError("set-body belongs in inbound or outbound here")
        return value

    def element(self) -> ET.Element:
        node = _element("set-body", template="liquid" if self.liquid else None)
        node.text = self.body
        return node


# --- an API's policies, as a stack file gives them -----------------------------------------------------------


class ApiPolicies(Args):
    """An API's policies (the stack file's ``apim.apis.<id>.policies``); every one is optional. :meth:`document`
    turns them into the API's policy document."""

    auth: EntraIdAuth | None = Field(default=None, description="validate-jwt against Entra ID. Default: none.")
    rate_limit: RateLimitByKey | None = Field(default=None, description="rate-limit-by-key. Default: none.")
    quota: QuotaByKey | None = Field(default=None, description="quota-by-key. Default: none.")
    token_limit: TokenLimit | None = Field(default=None, description="llm-token-limit. Default: none.")
    token_metrics: EmitTokenMetric | None = Field(default=None, description="llm-emit-token-metric. Default: none.")
    cache: ResponseCacheSettings | None = Field(default=None, description="Response caching. Default: none.")
    semantic_cache: SemanticCacheSettings | None = Field(
        default=None,
        description="Semantic caching of a model route's answers in the external Redis cache. Default: none.",
    )
    retry: Retry | None = Field(default=None, description="Backend retries. Default: none.")
    set_headers: list[SetHeader] = Field(default_factory=list, description="Header changes. Default: none.")
    set_body: SetBody | None = Field(default=None, description="Body replacement. Default: none.")

    def document(
        self,
        backend_id: str,
        tenant_id: str,
        caching: CachingType,
        backend_auth: ManagedIdentityAuth | None = None,
        shadow: ShadowRequest | None = None,
        *,
        embeddings_backend_id: str | None = None,
    ) -> ApimPolicyDocument:
        """The API-scope policy document: auth, limits, AI gateway token policies, routing to ``backend_id`` (with
        ``backend_auth``, as API Management's own identity), caching (in the service's ``caching`` cache; semantic
        caching through ``embeddings_backend_id``), retry and transformations. ``tenant_id`` is the tenant whose
        tokens ``auth`` accepts unless it names its own."""
        statements: list[Statement] = [SetBackendService(backend_id=backend_id)]
        if self.semantic_cache is not None:
            _require(
                caching is CachingType.EXTERNAL,
                "semantic caching needs the service's external Redis cache (caching 'external'): the built-in "
                "cache has no vector search",
            )
            _require(
                embeddings_backend_id is not None,
                "semantic caching needs the embeddings backend that vectorises prompts (embeddings_backend_id)",
            )
            statements.append(
                self.semantic_cache.extend(SemanticCache, embeddings_backend_id=str(embeddings_backend_id))
            )
        if backend_auth is not None:
            statements.append(backend_auth)
        if shadow is not None:
            statements.append(shadow)
        if self.auth is not None:
            statements.append(self.auth.statement(tenant_id))
        if self.cache is not None:
            statements.append(self.cache.extend(ResponseCache, caching_type=caching))
        statements += [
            s for s in (self.rate_limit, self.quota, self.token_limit, self.token_metrics, self.retry) if s is not None
        ]
        statements += self.set_headers
        if self.set_body is not None:
            statements.append(self.set_body)
        return ApimPolicyDocument(statements)


# --- the document -------------------------------------------------------------------------------------------

_ONCE = (
    ValidateJwt,
    RateLimitByKey,
    QuotaByKey,
    SetBackendService,
    ManagedIdentityAuth,
    ShadowRequest,
    ResponseCache,
    SemanticCache,
    Retry,
)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True)
class ApimPolicyDocument:
    """A whole ``<policies>`` document for one scope (an API), built from typed statements."""

    statements: Sequence[Statement] = field(default_factory=tuple)
    """The policies, in any order: each goes to its section and place. Default: none (only <base />)."""

    def __post_init__(self) -> None:
        for kind in _ONCE:
            count = sum(isinstance(s, kind) for s in self.statements)
            _require(count <= 1, f"{kind.__name__} may appear once per document, found {count}")
        for flavor in LlmFlavor:
            limits = [s for s in self.statements if isinstance(s, TokenLimit) and s.flavor is flavor]
            _require(len(limits) <= 1, f"one {flavor.value}-token-limit per document")
        for section in (Section.INBOUND, Section.OUTBOUND):
            bodies = [s for s in self.statements if isinstance(s, SetBody) and s.section is section]
            _require(len(bodies) <= 1, f"one set-body per {section.value} section")

    def element(self) -> ET.Element:
        """The ``<policies>`` element."""
        root = ET.Element("policies")
        retrying = any(isinstance(s, Retry) for s in self.statements)
        for section in Section:
            node = ET.SubElement(root, section.value)
            if not (section is Section.BACKEND and retrying):
                ET.SubElement(node, "base")
            ordered = sorted((s for s in self.statements if s.section is section), key=lambda s: s.rank)
            node.extend(s.element() for s in ordered)
            if section is Section.OUTBOUND:
                node.extend(s.store() for s in self.statements if isinstance(s, (ResponseCache, SemanticCache)))
        return root

    def to_xml(self) -> str:
        """The document as indented XML text, as API Management stores it (format ``xml``)."""
        root = self.element()
        ET.indent(root, space="  ")
        return ET.tostring(root, encoding="unicode")

"""Typed API Management policy documents: each policy kind is a small frozen dataclass that knows its section,
checks its values against Microsoft's policy reference, and renders its XML element.

:class:`PolicyDocument` assembles them into ``<policies>`` with the four sections (inbound, backend, outbound,
on-error), each inheriting the enclosing scope through ``<base />``, in a fixed, reviewable order.

Policy reference (element and attribute names, sections, limits):
https://learn.microsoft.com/azure/api-management/api-management-policies
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar, Protocol


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


class CounterKey(Enum):
    """What a rate limit, quota or token limit counts per; each value is the policy expression for that key."""

    CLIENT_IP = f"@({_CLIENT_IP})"
    # The JWT subject (validate-jwt runs first), falling back to the client address for anonymous calls.
    CALLER = f"@({_JWT_SUBJECT} ?? {_CLIENT_IP})"
    SUBSCRIPTION = f"@(context.Subscription?.Id ?? {_CLIENT_IP})"


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


class _Policy:
    """Base of the statements: a fixed section and rank, overridable per instance where the section varies."""

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 0

    @property
    def section(self) -> Section:
        """The section the policy belongs in."""
        return self.SECTION

    @property
    def rank(self) -> int:
        """Its order within the section (lower first)."""
        return self.RANK


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _element(tag: str, **attributes: str | int | bool | None) -> ET.Element:
    """An element with the given attributes (snake_case keywords become kebab-case), skipping ``None``."""
    rendered = {
        key.replace("_", "-"): _bool(value) if isinstance(value, bool) else str(value)
        for key, value in attributes.items()
        if value is not None
    }
    return ET.Element(tag, rendered)


# --- access restriction -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ValidateJwt(_Policy):
    """``validate-jwt``: reject requests without a valid bearer token from the configured issuers.

    https://learn.microsoft.com/azure/api-management/validate-jwt-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 10

    openid_config_urls: Sequence[str]
    """OpenID configuration endpoints the signing keys come from."""
    audiences: Sequence[str]
    """Accepted ``aud`` values (at least one)."""
    issuers: Sequence[str] = ()
    """Accepted ``iss`` values. Default: whatever the OpenID configuration names."""
    header_name: str = "Authorization"
    """Header carrying the token. Default Authorization."""
    require_scheme: str = "Bearer"
    """Scheme the header must use. Default Bearer."""
    failed_validation_httpcode: int = 401
    """Status returned on failure. Default 401."""
    failed_validation_error_message: str = "Unauthorized. Access token is missing or invalid."
    """Body message on failure."""
    clock_skew_seconds: int = 0
    """Tolerated clock difference in seconds. Default 0."""
    output_token_variable_name: str | None = None
    """Context variable that receives the validated token. Default: none."""

    def __post_init__(self) -> None:
        _require(bool(self.openid_config_urls), "validate-jwt needs at least one openid-config url")
        _require(all(u.startswith("https://") for u in self.openid_config_urls), "openid-config urls must be https")
        _require(bool(self.audiences), "validate-jwt needs at least one audience")
        _require(400 <= self.failed_validation_httpcode <= 499, "failed-validation-httpcode must be a 4xx status")
        _require(self.clock_skew_seconds >= 0, "clock-skew cannot be negative")

    @classmethod
    def entra_id(cls, tenant_id: str, audiences: Sequence[str], issuers: Sequence[str] = ()) -> ValidateJwt:
        """Tokens issued by a Microsoft Entra tenant (v2.0 metadata; v1 and v2 issuers accepted by default).

        https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
        """
        default_issuers = (
            f"https://login.microsoftonline.com/{tenant_id}/v2.0",
            f"https://sts.windows.net/{tenant_id}/",
        )
        return cls(
            openid_config_urls=[f"https://login.microsoftonline.com/{tenant_id}/v2.0/.well-known/openid-configuration"],
            audiences=audiences,
            issuers=issuers or default_issuers,
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


@dataclass(frozen=True, kw_only=True)
class RateLimitByKey(_Policy):
    """``rate-limit-by-key``: at most ``calls`` per ``renewal_period`` seconds per key, else 429.

    https://learn.microsoft.com/azure/api-management/rate-limit-by-key-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 20
    MAX_RENEWAL_PERIOD: ClassVar[int] = 300  # "Maximum allowed value: 300 seconds"

    calls: int
    """Calls allowed per window per key."""
    renewal_period: int
    """Sliding window in seconds, 1-300."""
    counter_key: CounterKey = CounterKey.CLIENT_IP
    """What the limit counts per. Default: the client address."""
    remaining_calls_header_name: str | None = "x-ratelimit-remaining"
    """Response header with the calls left. Default x-ratelimit-remaining."""

    def __post_init__(self) -> None:
        _require(self.calls >= 1, "rate-limit-by-key calls must be at least 1")
        _require(
            1 <= self.renewal_period <= self.MAX_RENEWAL_PERIOD,
            f"rate-limit-by-key renewal-period must be 1-{self.MAX_RENEWAL_PERIOD} seconds",
        )

    def element(self) -> ET.Element:
        return _element(
            "rate-limit-by-key",
            calls=self.calls,
            renewal_period=self.renewal_period,
            counter_key=self.counter_key.value,
            remaining_calls_header_name=self.remaining_calls_header_name,
        )


@dataclass(frozen=True, kw_only=True)
class QuotaByKey(_Policy):
    """``quota-by-key``: a call and/or bandwidth volume per key per fixed period, else 403.

    https://learn.microsoft.com/azure/api-management/quota-by-key-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 30
    MIN_RENEWAL_PERIOD: ClassVar[int] = 300  # "Minimum period: 300 seconds"; 0 means a lifetime quota

    renewal_period: int
    """Fixed window in seconds: 0 (never resets) or at least 300."""
    calls: int | None = None
    """Calls allowed per period per key."""
    bandwidth_kb: int | None = None
    """Kilobytes allowed per period per key."""
    counter_key: CounterKey = CounterKey.CLIENT_IP
    """What the quota counts per. Default: the client address."""

    def __post_init__(self) -> None:
        _require(self.calls is not None or self.bandwidth_kb is not None, "quota-by-key needs calls or bandwidth")
        _require(self.calls is None or self.calls >= 1, "quota-by-key calls must be at least 1")
        _require(self.bandwidth_kb is None or self.bandwidth_kb >= 1, "quota-by-key bandwidth must be at least 1")
        _require(
            self.renewal_period == 0 or self.renewal_period >= self.MIN_RENEWAL_PERIOD,
            f"quota-by-key renewal-period must be 0 or at least {self.MIN_RENEWAL_PERIOD} seconds",
        )

    def element(self) -> ET.Element:
        return _element(
            "quota-by-key",
            calls=self.calls,
            bandwidth=self.bandwidth_kb,
            renewal_period=self.renewal_period,
            counter_key=self.counter_key.value,
        )


# --- AI gateway ---------------------------------------------------------------------------------------------


class LlmFlavor(Enum):
    """Which family of AI gateway policies to emit: the generic LLM ones or the Azure OpenAI ones."""

    LLM = "llm"
    AZURE_OPENAI = "azure-openai"


TOKEN_QUOTA_PERIODS = ("Hourly", "Daily", "Weekly", "Monthly", "Yearly")


@dataclass(frozen=True, kw_only=True)
class TokenLimit(_Policy):
    """``llm-token-limit`` / ``azure-openai-token-limit``: tokens per minute and/or a token quota per key.

    https://learn.microsoft.com/azure/api-management/llm-token-limit-policy
    https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy (tokens-per-minute only)
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 40

    flavor: LlmFlavor = LlmFlavor.LLM
    """Policy family. Default llm-*."""
    counter_key: CounterKey = CounterKey.CALLER
    """What the limit counts per. Default: the caller (JWT subject)."""
    tokens_per_minute: int | None = None
    """Prompt plus completion tokens per minute per key."""
    token_quota: int | None = None
    """Tokens per ``token_quota_period`` per key (llm flavor only)."""
    token_quota_period: str | None = None
    """Hourly, Daily, Weekly, Monthly or Yearly."""
    estimate_prompt_tokens: bool = False
    """Count prompt tokens before calling the model (costs gateway CPU). Default off: usage from the response."""
    remaining_tokens_header_name: str | None = "x-ratelimit-remaining-tokens"
    """Response header with the tokens left this minute (only with tokens_per_minute)."""

    def __post_init__(self) -> None:
        quota = self.token_quota is not None or self.token_quota_period is not None
        _require(self.tokens_per_minute is not None or quota, "token limit needs tokens-per-minute or a token quota")
        _require(self.tokens_per_minute is None or self.tokens_per_minute >= 1, "tokens-per-minute must be >= 1")
        if quota:
            _require(self.flavor is LlmFlavor.LLM, "token-quota is only available on llm-token-limit")
            _require(self.token_quota is not None and self.token_quota >= 1, "token-quota must be >= 1 with a period")
            _require(
                self.token_quota_period in TOKEN_QUOTA_PERIODS,
                f"token-quota-period must be one of {', '.join(TOKEN_QUOTA_PERIODS)}",
            )
        if self.flavor is LlmFlavor.AZURE_OPENAI:
            _require(self.tokens_per_minute is not None, "azure-openai-token-limit requires tokens-per-minute")

    def element(self) -> ET.Element:
        return _element(
            f"{self.flavor.value}-token-limit",
            counter_key=self.counter_key.value,
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


@dataclass(frozen=True)
class MetricDimension:
    """One dimension of an emitted metric; ``value`` may be omitted for the gateway's default dimensions."""

    name: str
    """Dimension name, for example API ID or a custom one."""
    value: str | None = None
    """Policy expression for the value. Default: the gateway's own value for a default dimension."""


@dataclass(frozen=True, kw_only=True)
class EmitTokenMetric(_Policy):
    """``llm-emit-token-metric`` / ``azure-openai-emit-token-metric``: token counts to Application Insights.

    https://learn.microsoft.com/azure/api-management/llm-emit-token-metric-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 50
    MAX_DIMENSIONS: ClassVar[int] = 5  # "You can configure at most 5 custom dimensions for this policy."

    flavor: LlmFlavor = LlmFlavor.LLM
    """Policy family. Default llm-*."""
    namespace: str = "ai-gateway"
    """Metric namespace in Application Insights."""
    dimensions: Sequence[MetricDimension] = (MetricDimension("API ID"), MetricDimension("Backend ID"))
    """Dimensions, 1-5. Default: API ID and Backend ID."""

    def __post_init__(self) -> None:
        _require(
            1 <= len(self.dimensions) <= self.MAX_DIMENSIONS,
            f"emit-token-metric takes 1-{self.MAX_DIMENSIONS} dimensions",
        )
        for dimension in self.dimensions:
            _require(
                dimension.value is not None or dimension.name in DEFAULT_METRIC_DIMENSIONS,
                f"dimension {dimension.name!r} needs a value (only the default dimensions may omit it)",
            )

    def element(self) -> ET.Element:
        node = _element(f"{self.flavor.value}-emit-token-metric", namespace=self.namespace)
        for dimension in self.dimensions:
            node.append(_element("dimension", name=dimension.name, value=dimension.value))
        return node


# --- routing ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SetBackendService(_Policy):
    """``set-backend-service``: send the request to a named backend entity (a single backend or a pool).

    https://learn.microsoft.com/azure/api-management/set-backend-service-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 60

    backend_id: str
    """The backend entity's id in the service."""

    def __post_init__(self) -> None:
        _require(bool(self.backend_id), "set-backend-service needs a backend id")

    def element(self) -> ET.Element:
        return _element("set-backend-service", backend_id=self.backend_id)


# --- caching ------------------------------------------------------------------------------------------------


class CachingType(Enum):
    """Which cache ``cache-lookup`` uses."""

    INTERNAL = "internal"
    EXTERNAL = "external"


@dataclass(frozen=True, kw_only=True)
class ResponseCache(_Policy):
    """``cache-lookup`` (inbound) and ``cache-store`` (outbound): cache GET responses for ``duration`` seconds.

    Requests carrying an Authorization header are cached only with ``private_responses``, and then per token
    (``vary-by-header Authorization``), never shared between callers.
    https://learn.microsoft.com/azure/api-management/cache-lookup-policy
    https://learn.microsoft.com/azure/api-management/cache-store-policy
    """

    SECTION: ClassVar[Section] = Section.INBOUND
    RANK: ClassVar[int] = 70

    duration: int
    """Time-to-live in seconds."""
    caching_type: CachingType = CachingType.INTERNAL
    """Built-in cache or the external (Redis) cache entity. Default internal."""
    vary_by_headers: Sequence[str] = ("Accept", "Accept-Charset")
    """Headers that key the cache. Default Accept and Accept-Charset (Microsoft's recommendation)."""
    vary_by_query_parameters: Sequence[str] = ()
    """Query parameters that key the cache."""
    private_responses: bool = False
    """Cache requests with an Authorization header, keyed by it. Default off."""

    def __post_init__(self) -> None:
        _require(self.duration >= 1, "cache-store duration must be at least 1 second")

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
        return _element("cache-store", duration=self.duration)


# --- resilience ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Retry(_Policy):
    """``retry`` around ``forward-request`` in the backend section: resend on 5xx (and optionally 429).

    The backend section then has no ``<base />``: the inherited one would forward the request a second time.
    https://learn.microsoft.com/azure/api-management/retry-policy
    https://learn.microsoft.com/azure/api-management/forward-request-policy
    """

    SECTION: ClassVar[Section] = Section.BACKEND
    RANK: ClassVar[int] = 10
    MAX_COUNT: ClassVar[int] = 50  # "A positive number between 1 and 50"

    count: int
    """Retries after the first attempt, 1-50."""
    interval: int
    """Seconds between attempts (with delta and max_interval: the exponential base)."""
    max_interval: int | None = None
    """Cap in seconds for exponential backoff."""
    delta: int | None = None
    """Increment in seconds (linear, or exponential with max_interval)."""
    first_fast_retry: bool = True
    """Retry the first failure immediately. Default on."""
    on_throttle: bool = True
    """Also retry a 429 from the backend. Default on."""
    timeout: int = 120
    """forward-request timeout in seconds per attempt, 1-240. Default 120 (LLM completions are slow)."""
    stream_responses: bool = True
    """Pass chunked responses through as they arrive (server-sent events from LLM backends). Default on."""
    MAX_TIMEOUT: ClassVar[int] = 240  # "Values greater than 240 seconds may not be honored"

    def __post_init__(self) -> None:
        _require(1 <= self.count <= self.MAX_COUNT, f"retry count must be 1-{self.MAX_COUNT}")
        _require(self.interval >= 0, "retry interval cannot be negative")
        _require(self.max_interval is None or self.max_interval >= self.interval, "max-interval must be >= interval")
        _require(self.max_interval is None or self.delta is not None, "max-interval needs delta (exponential)")
        _require(self.delta is None or self.delta >= 1, "retry delta must be at least 1 second")
        _require(1 <= self.timeout <= self.MAX_TIMEOUT, f"forward-request timeout must be 1-{self.MAX_TIMEOUT} seconds")

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
            interval=self.interval,
            max_interval=self.max_interval,
            delta=self.delta,
            first_fast_retry=self.first_fast_retry,
        )
        # The body must be buffered to be sent again.
        node.append(
            _element(
                "forward-request",
                timeout=self.timeout,
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


@dataclass(frozen=True, kw_only=True)
class SetHeader(_Policy):
    """``set-header``: add, replace, append to or delete a request (inbound) or response (outbound) header.

    https://learn.microsoft.com/azure/api-management/set-header-policy
    """

    RANK: ClassVar[int] = 80

    name: str
    """Header name."""
    value: str | None = None
    """Value (a literal or a policy expression); none when deleting."""
    exists_action: ExistsAction = ExistsAction.OVERRIDE
    """What to do when the header exists. Default override."""
    in_section: Section = Section.INBOUND
    """Inbound sets a request header; outbound and on-error set response headers."""

    @property
    def section(self) -> Section:
        """Where the header is set."""
        return self.in_section

    def __post_init__(self) -> None:
        _require(bool(self.name.strip()), "set-header needs a name")
        _require(self.name.lower() not in PROTECTED_HEADERS, f"the gateway cannot modify the {self.name} header")
        _require(self.in_section is not Section.BACKEND, "set-header belongs in inbound, outbound or on-error here")
        deleting = self.exists_action is ExistsAction.DELETE
        _require(deleting == (self.value is None), "set-header needs a value unless it deletes the header")
        _require(not (deleting and self.name.lower() == "server"), "the gateway cannot remove the Server header")

    def element(self) -> ET.Element:
        node = _element("set-header", name=self.name, exists_action=self.exists_action.value)
        if self.value is not None:
            ET.SubElement(node, "value").text = self.value
        return node


@dataclass(frozen=True, kw_only=True)
class SetBody(_Policy):
    """``set-body``: replace the request (inbound) or response (outbound) body, optionally as a Liquid template.

    https://learn.microsoft.com/azure/api-management/set-body-policy
    """

    RANK: ClassVar[int] = 90

    body: str
    """The new body (text, a policy expression, or a Liquid template)."""
    liquid: bool = False
    """Render ``body`` with the Liquid engine. Default off."""
    in_section: Section = Section.OUTBOUND
    """Inbound (request body) or outbound (response body). Default outbound."""

    @property
    def section(self) -> Section:
        """Where the body is set."""
        return self.in_section

    def __post_init__(self) -> None:
        _require(self.in_section in (Section.INBOUND, Section.OUTBOUND), "set-body belongs in inbound or outbound here")

    def element(self) -> ET.Element:
        node = _element("set-body", template="liquid" if self.liquid else None)
        node.text = self.body
        return node


# --- the document -------------------------------------------------------------------------------------------

_ONCE = (ValidateJwt, RateLimitByKey, QuotaByKey, SetBackendService, ResponseCache, Retry)


@dataclass(frozen=True)
class PolicyDocument:
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
                node.extend(s.store() for s in self.statements if isinstance(s, ResponseCache))
        return root

    def to_xml(self) -> str:
        """The document as indented XML text, as API Management stores it (format ``xml``)."""
        root = self.element()
        ET.indent(root, space="  ")
        return ET.tostring(root, encoding="unicode")

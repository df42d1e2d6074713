"""Config of the edge: Application Gateway WAF_v2 (``appGateway``) and API Management (``apim``) with its APIs.

Field limits are Azure's (sources next to them); checks that need the environment or the apps run on the raw
values in :func:`edge_problems`, so that they are reported together with every other problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from azplatform.stacks.config_base import Model
from azplatform.stacks.config_base import get_path as _get
from azplatform.stacks.errors import Problem, ProblemList

# --- Application Gateway and its WAF policy ----------------------------------------------------------------

_RULE_NAME = r"^[A-Za-z0-9]{1,128}$"  # WAF custom rule names: letters and digits, up to 128
_FQDN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
# Key Vault object names: 1-127 letters, digits and hyphens.
# https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#objects-identifiers-and-versioning
_SECRET_NAME = r"^[0-9A-Za-z-]{1,127}$"


class RateLimitRuleConfig(Model):
    """A WAF rate limit per client IP (RateLimitRule grouped by ClientAddr)."""

    kind: Literal["rateLimit"] = Field(description="Rule kind.")
    name: str = Field(pattern=_RULE_NAME, description="Rule name (letters and digits), shown in WAF logs.")
    priority: int = Field(ge=1, le=100, description="Evaluation order, 1-100, unique across custom rules.")
    threshold: int = Field(ge=1, description="Requests a client IP may send per window before it is blocked.")
    duration_minutes: Literal[1, 5] = Field(default=1, description="Window: 1 or 5 minutes. Default 1.")
    path_prefix: str = Field(
        default="/", pattern=r"^/[a-z0-9/_.~-]*$", description="Lowercase path prefix the rule counts. Default /."
    )


class GeoFilterRuleConfig(Model):
    """A WAF geo filter: block client addresses outside the allowed countries (GeoMatch, negated)."""

    kind: Literal["geoFilter"] = Field(description="Rule kind.")
    name: str = Field(default="geoFilter", pattern=_RULE_NAME, description="Rule name. Default geoFilter.")
    priority: int = Field(ge=1, le=100, description="Evaluation order, 1-100, unique across custom rules.")
    allowed_countries: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(
        min_length=1, description="ISO 3166-1 alpha-2 country codes allowed in."
    )


CustomRuleConfig = Annotated[RateLimitRuleConfig | GeoFilterRuleConfig, Field(discriminator="kind")]


class WafExclusionConfig(Model):
    """Leave one request attribute out of Default Rule Set evaluation (all of it, a rule group, or some rules)."""

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

    @model_validator(mode="after")
    def _rules_need_a_group(self) -> WafExclusionConfig:
        if self.rule_ids and not self.rule_group:
            raise ProblemList([("ruleIds", "rule ids need the ruleGroup they belong to", self.rule_ids)])
        return self


class AppGatewayConfig(Model):
    """Application Gateway WAF_v2 and its WAF policy."""

    # https://learn.microsoft.com/azure/application-gateway/application-gateway-autoscaling-zone-redundant
    min_capacity: int = Field(ge=0, le=100, description="Autoscale minimum instances, 0-100. Profile default.")
    max_capacity: int = Field(ge=2, le=125, description="Autoscale maximum instances, 2-125. Profile default.")
    waf_mode: Literal["Prevention", "Detection"] = Field(
        description="Prevention blocks attacks; Detection only logs them and is allowed in dev only. Profile default."
    )
    host_name: str = Field(
        pattern=_FQDN, max_length=253, description="Public host name of the HTTPS listener (lowercase FQDN)."
    )
    certificate_secret_name: str = Field(
        default="appgw-tls",
        pattern=_SECRET_NAME,
        description="Key Vault certificate (read through its secret) for the listener. Default appgw-tls.",
    )
    custom_rules: list[CustomRuleConfig] = Field(
        default_factory=list, max_length=100, description="Rate limits and a geo filter. Default: none."
    )
    exclusions: list[WafExclusionConfig] = Field(
        default_factory=list, description="Managed-rule exclusions. Default: none."
    )
    # https://learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-waf-request-size-limits
    max_request_body_size_kb: int = Field(
        default=128, ge=8, le=2000, description="Largest request body the WAF accepts, 8-2000 KB. Default 128."
    )
    file_upload_limit_mb: int = Field(
        default=100, ge=1, le=4000, description="Largest file upload, 1-4000 MB. Default 100."
    )
    direct_backend_app: str = Field(
        default="api", description="App the gateway sends traffic to when there is no API Management. Default api."
    )

    @model_validator(mode="after")
    def _consistent(self) -> AppGatewayConfig:
        problems: list[tuple[str, str, Any]] = []
        if self.min_capacity > self.max_capacity:
            problems.append(
                (
                    "minCapacity",
                    f"is greater than maxCapacity ({self.max_capacity}); minCapacity must be <= maxCapacity",
                    self.min_capacity,
                )
            )
        priorities = [rule.priority for rule in self.custom_rules]
        duplicates = sorted({p for p in priorities if priorities.count(p) > 1})
        if duplicates:
            problems.append(("customRules", f"priorities {duplicates} are used twice; each must be unique", None))
        names = [rule.name for rule in self.custom_rules]
        if len(set(names)) != len(names):
            problems.append(("customRules", "rule names must be unique", names))
        if sum(isinstance(rule, GeoFilterRuleConfig) for rule in self.custom_rules) > 1:
            problems.append(("customRules", "at most one geoFilter rule", None))
        if problems:
            raise ProblemList(problems)
        return self


# --- API Management ---------------------------------------------------------------------------------------

_ID = r"^[a-z][a-z0-9-]{0,79}$"
# Named value ids and display names: letters, digits, period, dash and underscore.
_NAMED_VALUE = re.compile(r"^[A-Za-z0-9._-]{1,256}$")
CounterKeyName = Literal["clientIp", "caller", "subscription"]


class StatusRangeConfig(Model):
    """An inclusive range of HTTP status codes."""

    min: int = Field(ge=100, le=599, description="Lowest status in the range.")
    max: int = Field(ge=100, le=599, description="Highest status in the range.")

    @model_validator(mode="after")
    def _ordered(self) -> StatusRangeConfig:
        if self.min > self.max:
            raise ProblemList([("min", f"is greater than max ({self.max})", self.min)])
        return self


class CircuitBreakerConfig(Model):
    """The backend's circuit breaker: trip for ``tripSeconds`` after ``failures`` failures in ``intervalSeconds``."""

    failures: int = Field(default=5, ge=1, description="Failures in the interval that trip it. Default 5.")
    interval_seconds: int = Field(default=60, ge=1, le=86400, description="Counting window. Default 60.")
    trip_seconds: int = Field(default=60, ge=1, le=86400, description="How long it stays tripped. Default 60.")
    status_codes: list[StatusRangeConfig] = Field(
        default_factory=lambda: [StatusRangeConfig(min=500, max=599)],
        min_length=1,
        description="Statuses that count as failures. Default 500-599.",
    )
    accept_retry_after: bool = Field(default=True, description="Honour the backend's Retry-After. Default true.")


class PoolMemberConfig(Model):
    """One backend of a pool: an app of the platform or an HTTPS URL."""

    app: str | None = Field(default=None, description="A Container App by its apps key.")
    url: str | None = Field(default=None, pattern=r"^https://", description="An HTTPS URL.")
    priority: int | None = Field(default=None, ge=0, le=100, description="Priority group, lower first.")
    weight: int | None = Field(default=None, ge=1, le=100, description="Share within the priority group.")

    @model_validator(mode="after")
    def _one_target(self) -> PoolMemberConfig:
        if (self.app is None) == (self.url is None):
            raise ProblemList([("", "give exactly one of app or url", None)])
        return self


class BackendConfig(Model):
    """Where an API goes: one app, one HTTPS URL, or a load-balanced pool; each single backend has a circuit
    breaker."""

    app: str | None = Field(default=None, description="A Container App by its apps key (https://<app>.<domain>).")
    url: str | None = Field(default=None, pattern=r"^https://", description="An HTTPS URL.")
    pool: list[PoolMemberConfig] | None = Field(
        default=None, min_length=2, max_length=30, description="A load-balanced pool of 2-30 backends."
    )
    circuit_breaker: CircuitBreakerConfig = Field(
        default_factory=CircuitBreakerConfig, description="Circuit breaker of each single backend. Default on."
    )

    @model_validator(mode="after")
    def _one_target(self) -> BackendConfig:
        if sum(x is not None for x in (self.app, self.url, self.pool)) != 1:
            raise ProblemList([("", "give exactly one of app, url or pool", None)])
        return self


class OperationConfig(Model):
    """One operation of an API."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = Field(description="HTTP method.")
    url_template: str = Field(pattern=r"^/", description="URL template, for example /chat/{deployment}.")


class JwtConfig(Model):
    """validate-jwt against Microsoft Entra ID (the platform's tenant unless another is given)."""

    audiences: list[str] = Field(min_length=1, description="Accepted aud values (the API's app ID URI or client id).")
    issuers: list[str] = Field(default_factory=list, description="Accepted issuers. Default: the tenant's v1 and v2.")
    tenant_id: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description="Entra tenant id. Default: the deploying tenant.",
    )


class RateLimitConfig(Model):
    """rate-limit-by-key."""

    calls: int = Field(ge=1, description="Calls per window per key.")
    # https://learn.microsoft.com/azure/api-management/rate-limit-by-key-policy ("Maximum allowed value: 300")
    renewal_period_seconds: int = Field(ge=1, le=300, description="Sliding window, 1-300 seconds.")
    key: CounterKeyName = Field(default="clientIp", description="Count per clientIp, caller or subscription.")


class QuotaConfig(Model):
    """quota-by-key."""

    calls: int | None = Field(default=None, ge=1, description="Calls per period per key.")
    bandwidth_kb: int | None = Field(default=None, ge=1, description="Kilobytes per period per key.")
    renewal_period_seconds: int = Field(ge=0, description="Period: 0 (never resets) or at least 300 seconds.")
    key: CounterKeyName = Field(default="clientIp", description="Count per clientIp, caller or subscription.")

    @model_validator(mode="after")
    def _valid(self) -> QuotaConfig:
        problems: list[tuple[str, str, Any]] = []
        if self.calls is None and self.bandwidth_kb is None:
            problems.append(("", "give calls, bandwidthKb or both", None))
        # https://learn.microsoft.com/azure/api-management/quota-by-key-policy ("Minimum period: 300 seconds")
        if 0 < self.renewal_period_seconds < 300:
            problems.append(
                ("renewalPeriodSeconds", "must be 0 (a lifetime quota) or at least 300", self.renewal_period_seconds)
            )
        if problems:
            raise ProblemList(problems)
        return self


class TokenLimitConfig(Model):
    """llm-token-limit (or azure-openai-token-limit): tokens per minute and/or a token quota per key."""

    flavor: Literal["llm", "azure-openai"] = Field(default="llm", description="Policy family. Default llm.")
    tokens_per_minute: int | None = Field(default=None, ge=1, description="Tokens per minute per key.")
    token_quota: int | None = Field(default=None, ge=1, description="Tokens per quota period per key (llm only).")
    token_quota_period: Literal["Hourly", "Daily", "Weekly", "Monthly", "Yearly"] | None = Field(
        default=None, description="Quota period."
    )
    estimate_prompt_tokens: bool = Field(default=False, description="Estimate prompt tokens up front. Default off.")
    key: CounterKeyName = Field(default="caller", description="Count per caller (default), clientIp or subscription.")

    @model_validator(mode="after")
    def _valid(self) -> TokenLimitConfig:
        problems: list[tuple[str, str, Any]] = []
        quota = self.token_quota is not None or self.token_quota_period is not None
        if self.tokens_per_minute is None and not quota:
            problems.append(("", "give tokensPerMinute, or tokenQuota with tokenQuotaPeriod", None))
        if quota and (self.token_quota is None or self.token_quota_period is None):
            problems.append(("tokenQuota", "tokenQuota and tokenQuotaPeriod go together", self.token_quota))
        if self.flavor == "azure-openai" and (quota or self.tokens_per_minute is None):
            # https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy
            problems.append(("flavor", "azure-openai-token-limit takes tokensPerMinute only", self.flavor))
        if problems:
            raise ProblemList(problems)
        return self


class DimensionConfig(Model):
    """A metric dimension; the value may be left out for the gateway's default dimensions (API ID, ...)."""

    name: str = Field(min_length=1, description="Dimension name.")
    value: str | None = Field(default=None, description="Value or policy expression.")


class TokenMetricsConfig(Model):
    """llm-emit-token-metric (or the azure-openai variant) to Application Insights."""

    flavor: Literal["llm", "azure-openai"] = Field(default="llm", description="Policy family. Default llm.")
    namespace: str = Field(default="ai-gateway", min_length=1, description="Metric namespace. Default ai-gateway.")
    dimensions: list[DimensionConfig] = Field(
        default_factory=lambda: [DimensionConfig(name="API ID"), DimensionConfig(name="Backend ID")],
        min_length=1,
        max_length=5,  # "at most 5 custom dimensions"
        description="1-5 dimensions. Default API ID and Backend ID.",
    )


class CacheConfig(Model):
    """Response caching (cache-lookup / cache-store) of GET responses."""

    duration_seconds: int = Field(ge=1, le=2592000, description="Time-to-live, up to 30 days.")
    vary_by_headers: list[str] = Field(
        default_factory=lambda: ["Accept", "Accept-Charset"], description="Headers that key the cache."
    )
    vary_by_query_parameters: list[str] = Field(default_factory=list, description="Query parameters that key it.")
    private_responses: bool = Field(
        default=False, description="Cache authenticated responses, per Authorization header. Default off."
    )


class RetryConfig(Model):
    """retry around forward-request on 5xx (and 429)."""

    count: int = Field(ge=1, le=50, description="Retries, 1-50.")
    interval_seconds: int = Field(default=1, ge=0, le=300, description="Wait between attempts. Default 1.")
    max_interval_seconds: int | None = Field(default=None, ge=1, le=300, description="Exponential backoff cap.")
    delta_seconds: int | None = Field(default=None, ge=1, le=300, description="Backoff increment.")
    first_fast_retry: bool = Field(default=True, description="Retry the first failure at once. Default true.")
    on_throttle: bool = Field(default=True, description="Also retry 429 from the backend. Default true.")
    timeout_seconds: int = Field(default=120, ge=1, le=240, description="Per-attempt timeout, 1-240. Default 120.")

    @model_validator(mode="after")
    def _backoff(self) -> RetryConfig:
        if self.max_interval_seconds is not None and (
            self.delta_seconds is None or self.max_interval_seconds < self.interval_seconds
        ):
            raise ProblemList(
                [("maxIntervalSeconds", "needs deltaSeconds and must be >= intervalSeconds", self.max_interval_seconds)]
            )
        return self


class HeaderConfig(Model):
    """set-header."""

    name: str = Field(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", description="Header name.")
    value: str | None = Field(default=None, description="Value or policy expression; omit to delete.")
    action: Literal["override", "skip", "append", "delete"] = Field(default="override", description="exists-action.")
    section: Literal["inbound", "outbound", "on-error"] = Field(
        default="inbound", description="inbound (request) or outbound/on-error (response). Default inbound."
    )

    @model_validator(mode="after")
    def _value(self) -> HeaderConfig:
        if (self.action == "delete") != (self.value is None):
            raise ProblemList([("value", "give a value, except with action delete (which takes none)", self.value)])
        if self.name.lower() in {"connection", "content-length", "keep-alive", "transfer-encoding"}:
            # https://learn.microsoft.com/azure/api-management/set-header-policy#usage-notes
            raise ProblemList([("name", "API Management cannot modify or delete this header", self.name)])
        return self


class BodyConfig(Model):
    """set-body."""

    body: str = Field(description="The body, a policy expression or a Liquid template.")
    liquid: bool = Field(default=False, description="Render as a Liquid template. Default off.")
    section: Literal["inbound", "outbound"] = Field(default="outbound", description="Default outbound.")


class PoliciesConfig(Model):
    """The API's policies; every one is optional."""

    auth: JwtConfig | None = Field(default=None, description="validate-jwt against Entra ID.")
    rate_limit: RateLimitConfig | None = Field(default=None, description="rate-limit-by-key.")
    quota: QuotaConfig | None = Field(default=None, description="quota-by-key.")
    token_limit: TokenLimitConfig | None = Field(default=None, description="llm-token-limit.")
    token_metrics: TokenMetricsConfig | None = Field(default=None, description="llm-emit-token-metric.")
    cache: CacheConfig | None = Field(default=None, description="Response caching.")
    retry: RetryConfig | None = Field(default=None, description="Backend retries.")
    set_headers: list[HeaderConfig] = Field(default_factory=list, description="Header changes.")
    set_body: BodyConfig | None = Field(default=None, description="Body replacement.")


class ApiConfig(Model):
    """One API on the gateway."""

    path: str = Field(pattern=r"^[a-z0-9][a-z0-9/_.-]{0,399}$", description="URL path on the gateway (no leading /).")
    display_name: str | None = Field(default=None, max_length=300, description="Portal name. Default: the key.")
    backend: BackendConfig = Field(description="Where requests go.")
    operations: list[OperationConfig] = Field(
        default_factory=list, description="Operations. Default: every method on /* (a pass-through API)."
    )
    subscription_required: bool = Field(default=False, description="Require a subscription key. Default false.")
    policies: PoliciesConfig = Field(default_factory=PoliciesConfig, description="Policies. Default: none.")


class ExternalCacheConfig(Model):
    """An external Redis cache. API Management connects with an access-key connection string only (no Entra
    auth to Azure Managed Redis), so this is an explicit exception to identity-only Redis."""

    connection_string_secret: str = Field(
        pattern=_SECRET_NAME, description="Key Vault secret holding <host>:10000,password=...,ssl=True."
    )


class ApimConfig(Model):
    """API Management, the AI gateway (internal VNet mode)."""

    sku: Literal["Developer", "Premium", "PremiumV2"] = Field(
        description="Developer (no SLA, no zones) for dev, Premium for staging and prod. Profile default."
    )
    capacity: int = Field(ge=1, le=12, description="Scale units (Developer: 1). Profile default.")
    publisher_name: str = Field(min_length=1, max_length=100, description="Organisation name on the portal/mails.")
    publisher_email: str = Field(
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="Where Azure sends service notifications."
    )
    zones: list[Literal["1", "2", "3"]] = Field(
        default_factory=list,
        description="Explicit zones (Premium; needs a management public IP). Default: Azure spreads the units.",
    )
    developer_portal: bool = Field(default=False, description="Serve the developer portal. Default false.")
    min_api_version: str = Field(
        default="2021-08-01", pattern=r"^\d{4}-\d{2}-\d{2}(-preview)?$", description="Oldest control-plane API."
    )
    sampling_percentage: float = Field(default=100, ge=0, le=100, description="Requests logged, 0-100. Default 100.")
    named_values: dict[str, str] = Field(
        default_factory=dict, description="Named value id -> Key Vault secret name. Default: none."
    )
    external_cache: ExternalCacheConfig | None = Field(
        default=None, description="External Redis cache. Default: the built-in cache (see ExternalCacheConfig)."
    )
    apis: dict[str, ApiConfig] = Field(default_factory=dict, description="APIs by id. Default: none.")

    @model_validator(mode="after")
    def _valid(self) -> ApimConfig:
        problems: list[tuple[str, str, Any]] = []
        if self.sku == "PremiumV2":
            # The SDK's API version for Microsoft.ApiManagement/service (2024-05-01) lists no PremiumV2 SKU.
            problems.append(
                (
                    "sku",
                    "PremiumV2 needs API Management API 2024-06-01-preview or later; pulumi-azure-native 3.29 "
                    "deploys the service with 2024-05-01, which has no PremiumV2 SKU. Use Developer or Premium",
                    self.sku,
                )
            )
        if self.sku == "Developer" and self.capacity != 1:
            problems.append(("capacity", "the Developer tier has exactly one unit", self.capacity))
        if self.zones and self.sku != "Premium":
            problems.append(("zones", f"{self.sku} has no availability zones; only Premium does", self.zones))
        if self.zones and self.capacity % len(self.zones):
            # https://learn.microsoft.com/azure/reliability/reliability-api-management#considerations
            problems.append(
                ("capacity", f"{self.capacity} units do not spread evenly over {len(self.zones)} zones", self.capacity)
            )
        for value_id, secret in self.named_values.items():
            if not _NAMED_VALUE.fullmatch(value_id):
                problems.append((f"namedValues.{value_id}", "ids take letters, digits, '.', '-', '_'", value_id))
            if not re.fullmatch(_SECRET_NAME, secret):
                problems.append((f"namedValues.{value_id}", "is not a Key Vault secret name", secret))
        paths = [api.path for api in self.apis.values()]
        for api_id, api in self.apis.items():
            if not re.fullmatch(_ID, api_id):
                problems.append((f"apis.{api_id}", "API ids are lowercase letters, digits and hyphens", api_id))
            if paths.count(api.path) > 1:
                problems.append((f"apis.{api_id}.path", "is used by another API", api.path))
        if problems:
            raise ProblemList(problems)
        return self


# --- checks that need the environment or the apps ---------------------------------------------------------


def edge_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Cross-key checks of the edge on raw (possibly invalid) values; malformed values are left to the models."""
    problems: list[Problem] = []
    environment = data.get("environment")
    if _get(data, "appGateway", "wafMode") == "Detection" and environment in ("staging", "prod"):
        problems.append(
            Problem(
                "appGateway.wafMode",
                f"Detection only logs attacks; {environment} must block them: use Prevention "
                "(Detection is allowed in dev only)",
                "Detection",
            )
        )
    raw_apps = data.get("apps")
    apps: Mapping[str, Any] = raw_apps if isinstance(raw_apps, Mapping) else {}
    served = {name for name, app in apps.items() if isinstance(app, Mapping) and app.get("targetPort") is not None}
    apis = _get(data, "apim", "apis")
    for api_id, api in apis.items() if isinstance(apis, Mapping) else []:
        backend = _get(api, "backend")
        members = _get(backend, "pool")
        targets = [("backend.app", _get(backend, "app"))]
        targets += (
            [(f"backend.pool.{i}.app", _get(m, "app")) for i, m in enumerate(members)]
            if isinstance(members, list)
            else []
        )
        for path, app in targets:
            if isinstance(app, str) and app not in served:
                problems.append(
                    Problem(
                        f"apim.apis.{api_id}.{path}",
                        f"names no app with ingress; apps with ingress: {sorted(served)}",
                        app,
                    )
                )
    direct = _get(data, "appGateway", "directBackendApp") or "api"
    if "apim" in data and data.get("apim") is None and isinstance(direct, str) and direct not in served:
        problems.append(
            Problem(
                "appGateway.directBackendApp",
                f"with apim: null the gateway sends traffic straight to this app, which needs ingress; "
                f"apps with ingress: {sorted(served)}",
                direct,
            )
        )
    return problems

"""From the edge config to the edge components' typed arguments: WAF policy, backends and policy documents.

Pure functions (no resources): :meth:`stacks.platform.Platform._build_edge` composes the components with them.
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi

from azplatform.components.api_gateway import BackendPoolSpec, BackendSpec, CircuitBreaker, OperationSpec, PoolMember
from azplatform.components.apim_policy import (
    CachingType,
    CounterKey,
    EmitTokenMetric,
    ExistsAction,
    LlmFlavor,
    MetricDimension,
    PolicyDocument,
    QuotaByKey,
    RateLimitByKey,
    ResponseCache,
    Retry,
    Section,
    SetBackendService,
    SetBody,
    SetHeader,
    Statement,
    TokenLimit,
    ValidateJwt,
)
from azplatform.components.app_gateway import GeoFilterRule, RateLimitRule, WafExclusion, WafMode, WafPolicySpec
from azplatform.stacks.config_edge import (
    ApiConfig,
    AppGatewayConfig,
    CircuitBreakerConfig,
    GeoFilterRuleConfig,
    PoliciesConfig,
    RateLimitRuleConfig,
)

_KEYS = {"clientIp": CounterKey.CLIENT_IP, "caller": CounterKey.CALLER, "subscription": CounterKey.SUBSCRIPTION}
_FLAVORS = {"llm": LlmFlavor.LLM, "azure-openai": LlmFlavor.AZURE_OPENAI}
_SECTIONS = {s.value: s for s in Section}


def waf_policy(config: AppGatewayConfig) -> WafPolicySpec:
    """The WAF policy the gateway config describes."""
    # The config models and the component's dataclasses share their field names.
    geo = [r for r in config.custom_rules if isinstance(r, GeoFilterRuleConfig)]
    return WafPolicySpec(
        mode=WafMode(config.waf_mode),
        rate_limits=[
            RateLimitRule(**r.model_dump(exclude={"kind"}))
            for r in config.custom_rules
            if isinstance(r, RateLimitRuleConfig)
        ],
        geo_filter=GeoFilterRule(**geo[0].model_dump(exclude={"kind"})) if geo else None,
        exclusions=[WafExclusion(**e.model_dump()) for e in config.exclusions],
        max_request_body_size_kb=config.max_request_body_size_kb,
        file_upload_limit_mb=config.file_upload_limit_mb,
    )


def _breaker(config: CircuitBreakerConfig) -> CircuitBreaker:
    return CircuitBreaker(
        failures=config.failures,
        interval=f"PT{config.interval_seconds}S",
        trip_duration=f"PT{config.trip_seconds}S",
        status_code_ranges=[(r.min, r.max) for r in config.status_codes],
        accept_retry_after=config.accept_retry_after,
    )


def backends(
    api_id: str, api: ApiConfig, app_url: Callable[[str], pulumi.Input[str]]
) -> tuple[list[BackendSpec], list[BackendPoolSpec]]:
    """The API's single backends (each with the circuit breaker) and, for a pool, the pool named ``api_id``."""
    backend = api.backend
    breaker = _breaker(backend.circuit_breaker)

    def url(app: str | None, fixed: str | None) -> pulumi.Input[str]:
        if app is not None:
            return app_url(app)
        if fixed is None:
            raise ValueError(f"api {api_id}: a backend needs an app or a url")
        return fixed

    if backend.pool is None:
        single = BackendSpec(
            id=api_id, url=url(backend.app, backend.url), circuit_breaker=breaker, description=f"{api_id} backend"
        )
        return [single], []
    singles = [
        BackendSpec(id=f"{api_id}-{index}", url=url(member.app, member.url), circuit_breaker=breaker)
        for index, member in enumerate(backend.pool)
    ]
    members = [
        PoolMember(backend_id=single.id, priority=member.priority, weight=member.weight)
        for single, member in zip(singles, backend.pool, strict=True)
    ]
    return singles, [BackendPoolSpec(id=api_id, members=members, description=f"{api_id} pool")]


def operations(api: ApiConfig) -> list[OperationSpec]:
    """The API's explicit operations (empty: the component makes it a pass-through wildcard API)."""
    return [OperationSpec(method=o.method, url_template=o.url_template) for o in api.operations]


def policy_xml(
    backend_id: str, policies: PoliciesConfig, tenant_id: pulumi.Input[str], caching: CachingType
) -> pulumi.Output[str]:
    """The policy document as XML, once the tenant (the default token issuer) is known."""
    return pulumi.Output.from_input(tenant_id).apply(
        lambda tenant: policy_document(backend_id, policies, tenant, caching).to_xml()
    )


def policy_document(backend_id: str, policies: PoliciesConfig, tenant_id: str, caching: CachingType) -> PolicyDocument:
    """The API-scope policy document: auth, limits, AI gateway token policies, routing, caching, retry and
    transformations, each typed and checked by components.apim_policy."""
    statements: list[Statement] = [SetBackendService(backend_id=backend_id)]
    if policies.auth is not None:
        auth = policies.auth
        statements.append(ValidateJwt.entra_id(auth.tenant_id or tenant_id, auth.audiences, auth.issuers))
    if policies.rate_limit is not None:
        limit = policies.rate_limit
        statements.append(
            RateLimitByKey(calls=limit.calls, renewal_period=limit.renewal_period_seconds, counter_key=_KEYS[limit.key])
        )
    if policies.quota is not None:
        quota = policies.quota
        statements.append(
            QuotaByKey(
                calls=quota.calls,
                bandwidth_kb=quota.bandwidth_kb,
                renewal_period=quota.renewal_period_seconds,
                counter_key=_KEYS[quota.key],
            )
        )
    if policies.token_limit is not None:
        tokens = policies.token_limit
        statements.append(
            TokenLimit(
                flavor=_FLAVORS[tokens.flavor],
                counter_key=_KEYS[tokens.key],
                tokens_per_minute=tokens.tokens_per_minute,
                token_quota=tokens.token_quota,
                token_quota_period=tokens.token_quota_period,
                estimate_prompt_tokens=tokens.estimate_prompt_tokens,
            )
        )
    if policies.token_metrics is not None:
        metrics = policies.token_metrics
        statements.append(
            EmitTokenMetric(
                flavor=_FLAVORS[metrics.flavor],
                namespace=metrics.namespace,
                dimensions=[MetricDimension(d.name, d.value) for d in metrics.dimensions],
            )
        )
    if policies.cache is not None:
        cache = policies.cache
        statements.append(
            ResponseCache(
                duration=cache.duration_seconds,
                caching_type=caching,
                vary_by_headers=cache.vary_by_headers,
                vary_by_query_parameters=cache.vary_by_query_parameters,
                private_responses=cache.private_responses,
            )
        )
    if policies.retry is not None:
        retry = policies.retry
        statements.append(
            Retry(
                count=retry.count,
                interval=retry.interval_seconds,
                max_interval=retry.max_interval_seconds,
                delta=retry.delta_seconds,
                first_fast_retry=retry.first_fast_retry,
                on_throttle=retry.on_throttle,
                timeout=retry.timeout_seconds,
            )
        )
    statements += [
        SetHeader(name=h.name, value=h.value, exists_action=ExistsAction(h.action), in_section=_SECTIONS[h.section])
        for h in policies.set_headers
    ]
    if policies.set_body is not None:
        body = policies.set_body
        statements.append(SetBody(body=body.body, liquid=body.liquid, in_section=_SECTIONS[body.section]))
    return PolicyDocument(statements)

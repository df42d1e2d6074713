"""The typed policy builder: every policy kind renders well-formed XML that Microsoft's policy reference allows
(tests/apim_reference.py), in the right section, and values out of Azure's range are refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from azplatform.components.apim_policies import (
    ApimPolicyDocument,
    CachingType,
    CounterKey,
    EmitTokenMetric,
    ExistsAction,
    LlmFlavor,
    MetricDimension,
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
from tests.apim_reference import problems

TENANT = "00000000-0000-4000-8000-0000000000aa"

# One statement of every kind (and both AI gateway flavors), with the element and section it must produce.
KINDS: dict[str, tuple[Callable[[], Statement], str, str]] = {
    "validate-jwt": (lambda: ValidateJwt.entra_id(TENANT, ["api://azp"]), "validate-jwt", "inbound"),
    "rate-limit-by-key": (
        lambda: RateLimitByKey(calls=100, renewal_period_seconds=60),
        "rate-limit-by-key",
        "inbound",
    ),
    "quota-by-key": (
        lambda: QuotaByKey(calls=10000, bandwidth_kb=40000, renewal_period_seconds=3600, key=CounterKey.CALLER),
        "quota-by-key",
        "inbound",
    ),
    "llm-token-limit": (
        lambda: TokenLimit(tokens_per_minute=5000, token_quota=100000, token_quota_period="Daily"),
        "llm-token-limit",
        "inbound",
    ),
    "azure-openai-token-limit": (
        lambda: TokenLimit(flavor=LlmFlavor.AZURE_OPENAI, tokens_per_minute=5000, estimate_prompt_tokens=True),
        "azure-openai-token-limit",
        "inbound",
    ),
    "llm-emit-token-metric": (EmitTokenMetric, "llm-emit-token-metric", "inbound"),
    "azure-openai-emit-token-metric": (
        lambda: EmitTokenMetric(
            flavor=LlmFlavor.AZURE_OPENAI,
            dimensions=[MetricDimension(name="API ID"), MetricDimension(name="Team", value="ai")],
        ),
        "azure-openai-emit-token-metric",
        "inbound",
    ),
    "set-backend-service": (lambda: SetBackendService(backend_id="api"), "set-backend-service", "inbound"),
    "cache-lookup": (
        lambda: ResponseCache(duration_seconds=60, caching_type=CachingType.EXTERNAL, vary_by_query_parameters=["v"]),
        "cache-lookup",
        "inbound",
    ),
    "retry": (lambda: Retry(count=3, interval_seconds=1, max_interval_seconds=10, delta_seconds=1), "retry", "backend"),
    "set-header": (
        lambda: SetHeader(name="X-Request-Source", value="@(context.Deployment.Region)"),
        "set-header",
        "inbound",
    ),
    "set-header-delete": (
        lambda: SetHeader(name="X-Powered-By", action=ExistsAction.DELETE, section=Section.OUTBOUND),
        "set-header",
        "outbound",
    ),
    "set-body": (lambda: SetBody(body="{{body.message}}", liquid=True), "set-body", "outbound"),
}


def _sections(xml_text: str) -> dict[str, ET.Element]:
    return {section.tag: section for section in ET.fromstring(xml_text)}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_policy_kind_renders_allowed_xml_in_its_section(kind: str) -> None:
    make, element, section = KINDS[kind]
    xml_text = ApimPolicyDocument([make()]).to_xml()
    assert problems(xml_text) == []
    assert [child.tag for child in _sections(xml_text)[section] if child.tag != "base"] == [element]


def test_document_with_every_kind_is_allowed_and_ordered() -> None:
    statements = [make() for kind, (make, _, _) in KINDS.items() if not kind.startswith("azure-openai")]
    xml_text = ApimPolicyDocument(statements).to_xml()
    assert problems(xml_text) == []
    sections = _sections(xml_text)
    inbound = [child.tag for child in sections["inbound"]]
    # Inherit first, then authenticate, then limit, then route and cache.
    assert inbound[:4] == ["base", "validate-jwt", "rate-limit-by-key", "quota-by-key"]
    assert inbound.index("llm-token-limit") < inbound.index("set-backend-service") < inbound.index("cache-lookup")
    assert [child.tag for child in sections["outbound"]] == ["base", "set-header", "set-body", "cache-store"]


def test_the_reference_checker_rejects_what_the_reference_does_not_allow() -> None:
    # The allow-list is what the builder is held to: it must fail on a wrong element, attribute, value or section.
    bad = (
        "<policies><inbound><base /><rate-limit-by-key calls='5' renewal-period='600' counter-key='k' colour='red' />"
        "<cache-store duration='5' /></inbound><backend><base /></backend><outbound><base /><jwt-check /></outbound>"
        "<on-error><base /></on-error></policies>"
    )
    found = problems(bad)
    assert any("renewal-period='600' outside 1-300" in p for p in found)
    assert any("unknown attributes ['colour']" in p for p in found)
    assert any("<cache-store> in inbound: allowed only in ['outbound']" in p for p in found)
    assert any("<jwt-check>" in p for p in found)
    assert problems("<policies><inbound>")[0].startswith("not well-formed")


def test_retry_replaces_the_inherited_forward_and_buffers_the_body() -> None:
    backend = _sections(ApimPolicyDocument([Retry(count=2, interval_seconds=1)]).to_xml())["backend"]
    assert [child.tag for child in backend] == ["retry"]  # no <base />: it would forward a second time
    forward = backend.find("retry/forward-request")
    assert forward is not None
    assert forward.get("buffer-request-body") == "true"
    assert backend[0].get("condition") == "@(context.Response.StatusCode >= 500 || context.Response.StatusCode == 429)"
    without = _sections(ApimPolicyDocument([SetBackendService(backend_id="api")]).to_xml())["backend"]
    assert [child.tag for child in without] == ["base"]


def test_response_cache_pairs_lookup_and_store_and_keys_private_responses_by_token() -> None:
    sections = _sections(ApimPolicyDocument([ResponseCache(duration_seconds=30, private_responses=True)]).to_xml())
    lookup = sections["inbound"].find("cache-lookup")
    assert lookup is not None and lookup.get("allow-private-response-caching") == "true"
    assert [h.text for h in lookup.findall("vary-by-header")] == ["Accept", "Accept-Charset", "Authorization"]
    store = sections["outbound"].find("cache-store")
    assert store is not None and store.get("duration") == "30"


def test_entra_id_jwt_validation_uses_the_tenant_metadata_and_issuers() -> None:
    jwt = ApimPolicyDocument([ValidateJwt.entra_id(TENANT, ["api://azp"])]).element().find("inbound/validate-jwt")
    assert jwt is not None
    config = jwt.find("openid-config")
    assert config is not None
    assert config.get("url") == f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
    assert [i.text for i in jwt.findall("issuers/issuer")] == [
        f"https://login.microsoftonline.com/{TENANT}/v2.0",
        f"https://sts.windows.net/{TENANT}/",
    ]
    assert [a.text for a in jwt.findall("audiences/audience")] == ["api://azp"]


def test_client_ip_key_uses_the_gateway_appended_forwarded_for_entry() -> None:
    # Behind Application Gateway the caller address is the gateway's; the last X-Forwarded-For entry is the client.
    assert "X-Forwarded-For" in CounterKey.CLIENT_IP.expression and ".Last()" in CounterKey.CLIENT_IP.expression
    xml_text = ApimPolicyDocument([RateLimitByKey(calls=1, renewal_period_seconds=1)]).to_xml()
    limit = ET.fromstring(xml_text).find("inbound/rate-limit-by-key")
    assert limit is not None and limit.get("counter-key") == CounterKey.CLIENT_IP.expression


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: RateLimitByKey(calls=10, renewal_period_seconds=301),
            "renewal_period_seconds\n  Input should be less than or equal to 300",
        ),
        (
            lambda: RateLimitByKey(calls=0, renewal_period_seconds=60),
            "calls\n  Input should be greater than or equal to 1",
        ),
        (lambda: QuotaByKey(calls=10, renewal_period_seconds=299), "0 or at least 300"),
        (lambda: QuotaByKey(renewal_period_seconds=3600), "needs calls or bandwidth"),
        (lambda: Retry(count=51), "count\n  Input should be less than or equal to 50"),
        (lambda: Retry(count=3, timeout_seconds=241), "timeout_seconds\n  Input should be less than or equal to 240"),
        (lambda: Retry(count=3, interval_seconds=5, max_interval_seconds=10), "needs deltaSeconds"),
        (lambda: Retry(count=3, interval_seconds=5, delta_seconds=1, max_interval_seconds=2), "must be >= interval"),
        (TokenLimit, "give tokensPerMinute, or tokenQuota with tokenQuotaPeriod"),
        (lambda: TokenLimit(token_quota=10, token_quota_period="Daily", flavor=LlmFlavor.AZURE_OPENAI), "only"),
        (
            lambda: TokenLimit(token_quota=10, token_quota_period="Fortnightly"),
            "token_quota_period\n  Input should be 'Hourly', 'Daily', 'Weekly', 'Monthly' or 'Yearly'",
        ),
        (
            lambda: EmitTokenMetric(dimensions=[MetricDimension(name=f"d{i}", value="x") for i in range(6)]),
            "dimensions\n  List should have at most 5 items",
        ),
        (lambda: EmitTokenMetric(dimensions=[MetricDimension(name="Team")]), "needs a value"),
        (lambda: SetHeader(name="Content-Length", value="1"), "cannot modify"),
        (lambda: SetHeader(name="X-A"), "give a value, except with action delete"),
        (lambda: SetBody(body="x", section=Section.ON_ERROR), "inbound or outbound"),
        (lambda: ResponseCache(duration_seconds=0), "duration_seconds\n  Input should be greater than or equal to 1"),
        (lambda: ValidateJwt(openid_config_urls=["http://x"], audiences=["a"]), "must be https"),
        (lambda: ValidateJwt.entra_id(TENANT, []), "audiences\n  List should have at least 1 item"),
    ],
)
def test_values_out_of_azure_range_are_refused(make: Callable[[], Statement], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_a_document_takes_each_single_use_policy_once() -> None:
    with pytest.raises(ValueError, match="RateLimitByKey may appear once"):
        ApimPolicyDocument(
            [RateLimitByKey(calls=1, renewal_period_seconds=1), RateLimitByKey(calls=2, renewal_period_seconds=2)]
        )
    # Header changes may repeat.
    twice = ApimPolicyDocument([SetHeader(name="A", value="1"), SetHeader(name="B", value="2")]).to_xml()
    assert problems(twice) == []

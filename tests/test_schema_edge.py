"""One schema per concept, for the edge: every rule the Application Gateway, API Management and API policy settings
enforce refuses the same mistake, with the same message, in a stack file (``appGateway``, ``apim``) and through the
component API (``ApplicationGatewayArgs``, ``ApiManagementArgs``, the policy models). One row per rule; the rows run
through tests/test_schema.py's check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pydantic import BaseModel, ValidationError

from azplatform.components.api_management import (
    ApiManagement,
    ApiManagementArgs,
    ApiSpec,
    BackendPoolSpec,
    BackendSpec,
    CircuitBreaker,
    PoolMember,
    PublishedApiArgs,
    StatusCodeRange,
)
from azplatform.components.apim_policies import (
    EmitTokenMetric,
    EntraIdAuth,
    MetricDimension,
    QuotaByKey,
    RateLimitByKey,
    ResponseCache,
    Retry,
    SetBody,
    SetHeader,
    TokenLimit,
)
from azplatform.components.application_gateway import (
    ApplicationGateway,
    ApplicationGatewayArgs,
    GatewayBackend,
    GeoFilterRule,
    RateLimitRule,
    WafExclusion,
)
from azplatform.components.interfaces import DiagnosticSettings, Lock, ManagedIdentities, RoleAssignmentSpec
from azplatform.components.key_vault import KeyVault, KeyVaultArgs
from azplatform.components.rbac import Principal
from azplatform.stacks.offline import Plan, render
from tests import test_schema
from tests.test_schema import RG, TENANT, Case

SUBNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a"
WORKSPACE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log-unit"
DIAG = "azure-native:monitor:DiagnosticSetting"
LOCK = "azure-native:authorization:ManagementLockByScope"
ROLE = "azure-native:authorization:RoleAssignment"


class _Vault:
    """A secret store for building arguments (nothing is deployed)."""

    def secret_uri(self, secret_name: str) -> pulumi.Output[str]:
        return pulumi.Output.from_input(f"https://kv.vault.azure.net/secrets/{secret_name}")

    def grant_secret_read(self, principal: Principal) -> pulumi.Resource:
        raise NotImplementedError


def _agw(**kwargs: Any) -> Callable[[], object]:
    base = {
        "name": "agw-unit",
        "public_ip_name": "pip-agw-unit",
        "waf_policy_name": "wafunit",
        "identity_name": "id-agw-unit",
        "resource_group_name": RG,
        "location": "westeurope",
        "subnet_id": SUBNET,
        "host_name": "api.example.com",
        "certificate_store": _Vault(),
        "backend": GatewayBackend(fqdn="apim-unit.azure-api.net"),
    }
    return lambda: ApplicationGatewayArgs.model_validate({**base, **kwargs})


def _apim(**kwargs: Any) -> Callable[[], object]:
    base = {
        "name": "apim-unit",
        "identity_name": "id-apim-unit",
        "resource_group_name": RG,
        "location": "westeurope",
        "sku": "Premium",
        "capacity": 3,
        "publisher_name": "Unit",
        "publisher_email": "unit@example.com",
        "subnet_id": SUBNET,
        "secret_store": _Vault(),
    }
    return lambda: ApiManagementArgs.model_validate({**base, **kwargs})


def _model(model: type[BaseModel], **kwargs: Any) -> Callable[[], object]:
    return lambda: model.model_validate(kwargs)


def _rule(**kwargs: Any) -> dict[str, Any]:
    return {
        "appGateway": {"customRules": [{"kind": "rateLimit", "name": "a", "priority": 10, "threshold": 5, **kwargs}]}
    }


def _geo(**kwargs: Any) -> dict[str, Any]:
    return {"appGateway": {"customRules": [{"kind": "geoFilter", "priority": 5, "allowedCountries": ["NL"], **kwargs}]}}


def _exclusion(**kwargs: Any) -> dict[str, Any]:
    base = {"matchVariable": "RequestHeaderNames", "selectorMatchOperator": "Equals", "selector": "x-prompt"}
    return {"appGateway": {"exclusions": [{**base, **kwargs}]}}


_EXCLUSION = {"match_variable": "RequestHeaderNames", "selector_match_operator": "Equals", "selector": "x-prompt"}


def _api(**kwargs: Any) -> dict[str, Any]:
    return {"apim": {"apis": {"api": kwargs}}}


def _policy(name: str, value: Any) -> dict[str, Any]:
    return _api(policies={name: value})


def _backend(**kwargs: Any) -> dict[str, Any]:
    return _api(backend={"app": "api", **kwargs})


_SPEC = {"id": "api", "path": "api", "backend_id": "api", "policy_xml": "<policies />"}
_POOL = [{"app": "api"}, {"url": "https://fallback.example.com"}]


CASES = [
    # --- appGateway: autoscale ---
    Case("agw max capacity above 125", {"appGateway": {"maxCapacity": 126}}, "appGateway.maxCapacity",
         _agw(max_capacity=126), "less than or equal to 125"),
    Case("agw max capacity below 2", {"appGateway": {"maxCapacity": 1, "minCapacity": 0}}, "appGateway.maxCapacity",
         _agw(max_capacity=1), "greater than or equal to 2"),
    Case("agw min capacity above 100", {"appGateway": {"minCapacity": 101, "maxCapacity": 125}},
         "appGateway.minCapacity", _agw(min_capacity=101, max_capacity=125), "less than or equal to 100"),
    Case("agw min capacity negative", {"appGateway": {"minCapacity": -1}}, "appGateway.minCapacity",
         _agw(min_capacity=-1), "greater than or equal to 0"),
    Case("agw min capacity above max", {"appGateway": {"minCapacity": 12}}, "appGateway.minCapacity",
         _agw(min_capacity=12, max_capacity=10), "is greater than maxCapacity (10)"),
    # --- appGateway: listener and WAF policy ---
    Case("agw waf mode", {"appGateway": {"wafMode": "Block"}}, "appGateway.wafMode", _agw(waf_mode="Block"),
         "'Prevention' or 'Detection'"),
    Case("agw host name not a lowercase fqdn", {"appGateway": {"hostName": "API.Example"}}, "appGateway.hostName",
         _agw(host_name="API.Example"), "String should match pattern"),
    Case("agw host name too long", {"appGateway": {"hostName": "a." * 126 + "com"}}, "appGateway.hostName",
         _agw(host_name="a." * 126 + "com"), "at most 253 characters"),
    Case("agw certificate secret name", {"appGateway": {"certificateSecretName": "tls cert"}},
         "appGateway.certificateSecretName", _agw(certificate_secret_name="tls cert"), "not a Key Vault secret name"),
    Case("agw request body size", {"appGateway": {"maxRequestBodySizeKb": 2001}}, "appGateway.maxRequestBodySizeKb",
         _agw(max_request_body_size_kb=2001), "less than or equal to 2000"),
    Case("agw request body size below 8", {"appGateway": {"maxRequestBodySizeKb": 7}},
         "appGateway.maxRequestBodySizeKb", _agw(max_request_body_size_kb=7), "greater than or equal to 8"),
    Case("agw file upload limit", {"appGateway": {"fileUploadLimitMb": 4001}}, "appGateway.fileUploadLimitMb",
         _agw(file_upload_limit_mb=4001), "less than or equal to 4000"),
    Case("agw file upload limit below 1", {"appGateway": {"fileUploadLimitMb": 0}}, "appGateway.fileUploadLimitMb",
         _agw(file_upload_limit_mb=0), "greater than or equal to 1"),
    # --- appGateway: custom rules ---
    Case("agw more than 100 custom rules",
         {"appGateway": {"customRules": [{"kind": "rateLimit", "name": f"r{i}", "priority": 1, "threshold": 1}
                                         for i in range(101)]}},
         "appGateway.customRules",
         _agw(custom_rules=[RateLimitRule(name=f"r{i}", priority=1, threshold=1) for i in range(101)]),
         "at most 100 items"),
    Case("agw custom rule priorities unique",
         {"appGateway": {"customRules": [{"kind": "rateLimit", "name": "a", "priority": 10, "threshold": 5},
                                         {"kind": "geoFilter", "priority": 10, "allowedCountries": ["NL"]}]}},
         "appGateway.customRules",
         _agw(custom_rules=[RateLimitRule(name="a", priority=10, threshold=5),
                            GeoFilterRule(priority=10, allowed_countries=["NL"])]),
         "priorities [10] are used twice"),
    Case("agw custom rule names unique",
         {"appGateway": {"customRules": [{"kind": "rateLimit", "name": "a", "priority": 1, "threshold": 5},
                                         {"kind": "rateLimit", "name": "a", "priority": 2, "threshold": 5}]}},
         "appGateway.customRules",
         _agw(custom_rules=[RateLimitRule(name="a", priority=1, threshold=5),
                            RateLimitRule(name="a", priority=2, threshold=5)]),
         "rule names must be unique"),
    Case("agw one geo filter",
         {"appGateway": {"customRules": [
             {"kind": "geoFilter", "name": "a", "priority": 1, "allowedCountries": ["NL"]},
             {"kind": "geoFilter", "name": "b", "priority": 2, "allowedCountries": ["DE"]},
         ]}},
         "appGateway.customRules",
         _agw(custom_rules=[GeoFilterRule(name="a", priority=1, allowed_countries=["NL"]),
                            GeoFilterRule(name="b", priority=2, allowed_countries=["DE"])]),
         "at most one geoFilter rule"),
    Case("agw custom rule kind", {"appGateway": {"customRules": [{"kind": "ipBlock", "priority": 1}]}},
         "appGateway.customRules.0", _agw(custom_rules=[{"kind": "ipBlock", "priority": 1}]),
         "does not match any of the expected tags"),
    Case("rate limit rule name", _rule(name="per-ip"), "appGateway.customRules.0.rateLimit.name",
         _model(RateLimitRule, name="per-ip", priority=10, threshold=5), "String should match pattern"),
    Case("rate limit rule priority above 100", _rule(priority=101), "appGateway.customRules.0.rateLimit.priority",
         _model(RateLimitRule, name="a", priority=101, threshold=5), "less than or equal to 100"),
    Case("rate limit rule priority below 1", _rule(priority=0), "appGateway.customRules.0.rateLimit.priority",
         _model(RateLimitRule, name="a", priority=0, threshold=5), "greater than or equal to 1"),
    Case("rate limit rule threshold", _rule(threshold=0), "appGateway.customRules.0.rateLimit.threshold",
         _model(RateLimitRule, name="a", priority=10, threshold=0), "greater than or equal to 1"),
    Case("rate limit rule window", _rule(durationMinutes=2), "appGateway.customRules.0.rateLimit.durationMinutes",
         _model(RateLimitRule, name="a", priority=10, threshold=5, duration_minutes=2), "Input should be 1 or 5"),
    Case("rate limit rule path prefix", _rule(pathPrefix="/OpenAI/"), "appGateway.customRules.0.rateLimit.pathPrefix",
         _model(RateLimitRule, name="a", priority=10, threshold=5, path_prefix="/OpenAI/"),
         "String should match pattern"),
    Case("geo filter country codes", _geo(allowedCountries=["Netherlands"]),
         "appGateway.customRules.0.geoFilter.allowedCountries.0",
         _model(GeoFilterRule, priority=5, allowed_countries=["Netherlands"]), "String should match pattern"),
    Case("geo filter needs a country", _geo(allowedCountries=[]), "appGateway.customRules.0.geoFilter.allowedCountries",
         _model(GeoFilterRule, priority=5, allowed_countries=[]), "at least 1 item"),
    Case("geo filter priority", _geo(priority=101), "appGateway.customRules.0.geoFilter.priority",
         _model(GeoFilterRule, priority=101, allowed_countries=["NL"]), "less than or equal to 100"),
    # --- appGateway: exclusions ---
    Case("waf exclusion match variable", _exclusion(matchVariable="RequestBody"),
         "appGateway.exclusions.0.matchVariable",
         _model(WafExclusion, **{**_EXCLUSION, "match_variable": "RequestBody"}),
         "Input should be 'RequestHeaderNames'"),
    Case("waf exclusion operator", _exclusion(selectorMatchOperator="Regex"),
         "appGateway.exclusions.0.selectorMatchOperator",
         _model(WafExclusion, **{**_EXCLUSION, "selector_match_operator": "Regex"}), "Input should be 'Equals'"),
    Case("waf exclusion selector", _exclusion(selector=""), "appGateway.exclusions.0.selector",
         _model(WafExclusion, **{**_EXCLUSION, "selector": ""}), "at least 1 character"),
    Case("waf exclusion rule ids", _exclusion(ruleGroup="SQLI", ruleIds=["94x"]), "appGateway.exclusions.0.ruleIds.0",
         _model(WafExclusion, **_EXCLUSION, rule_group="SQLI", rule_ids=["94x"]), "String should match pattern"),
    Case("waf exclusion rule ids need a group", _exclusion(ruleIds=["942100"]), "appGateway.exclusions.0.ruleIds",
         _model(WafExclusion, **_EXCLUSION, rule_ids=["942100"]), "rule ids need the ruleGroup"),
    # --- apim: service ---
    Case("apim premium v2", {"apim": {"sku": "PremiumV2"}}, "apim.sku", _apim(sku="PremiumV2"), "2024-05-01"),
    Case("apim sku", {"apim": {"sku": "Standard"}}, "apim.sku", _apim(sku="Standard"),
         "Input should be 'Developer' or 'Premium'"),
    Case("apim capacity above 12", {"apim": {"capacity": 13}}, "apim.capacity", _apim(capacity=13),
         "less than or equal to 12"),
    Case("apim capacity below 1", {"apim": {"capacity": 0}}, "apim.capacity", _apim(capacity=0),
         "greater than or equal to 1"),
    Case("apim developer has one unit", {"apim": {"sku": "Developer", "capacity": 2}}, "apim.capacity",
         _apim(sku="Developer", capacity=2), "the Developer tier has exactly one unit"),
    Case("apim zones need premium", {"apim": {"sku": "Developer", "capacity": 1, "zones": ["1"]}}, "apim.zones",
         _apim(sku="Developer", capacity=1, zones=["1"], public_ip_address_id="pip"), "only Premium does"),
    Case("apim zones known", {"apim": {"zones": ["4"]}}, "apim.zones.0", _apim(zones=["4"]),
         "Input should be '1', '2' or '3'"),
    Case("apim zones once each", {"apim": {"zones": ["1", "1", "2"]}}, "apim.zones",
         _apim(zones=["1", "1", "2"], public_ip_address_id="pip"), "each zone once"),
    Case("apim units spread over zones", {"apim": {"zones": ["1", "2"]}}, "apim.capacity",
         _apim(zones=["1", "2"], public_ip_address_id="pip"), "3 units do not spread evenly over 2 zones"),
    Case("apim publisher name empty", {"apim": {"publisherName": ""}}, "apim.publisherName", _apim(publisher_name=""),
         "at least 1 character"),
    Case("apim publisher name long", {"apim": {"publisherName": "x" * 101}}, "apim.publisherName",
         _apim(publisher_name="x" * 101), "at most 100 characters"),
    Case("apim publisher email", {"apim": {"publisherEmail": "platform"}}, "apim.publisherEmail",
         _apim(publisher_email="platform"), "String should match pattern"),
    Case("apim publisher email long", {"apim": {"publisherEmail": "a" * 90 + "@example.com"}}, "apim.publisherEmail",
         _apim(publisher_email="a" * 90 + "@example.com"), "at most 100 characters"),
    Case("apim min api version", {"apim": {"minApiVersion": "2021"}}, "apim.minApiVersion",
         _apim(min_api_version="2021"), "String should match pattern"),
    Case("apim sampling above 100", {"apim": {"samplingPercentage": 101}}, "apim.samplingPercentage",
         _apim(sampling_percentage=101), "less than or equal to 100"),
    Case("apim sampling below 0", {"apim": {"samplingPercentage": -1}}, "apim.samplingPercentage",
         _apim(sampling_percentage=-1), "greater than or equal to 0"),
    Case("apim named value secret", {"apim": {"namedValues": {"openai-key": "not a secret!"}}},
         "apim.namedValues.openai-key", _apim(named_values={"openai-key": "not a secret!"}),
         "not a Key Vault secret name"),
    Case("apim named value id", {"apim": {"namedValues": {"open ai": "openai-key"}}}, "apim.namedValues.open ai.[key]",
         _apim(named_values={"open ai": "openai-key"}), "named value ids take letters"),
    Case("apim external cache secret", {"apim": {"externalCache": {"connectionStringSecret": "redis!"}}},
         "apim.externalCache.connectionStringSecret",
         _apim(external_cache={"connection_string_secret": "redis!"}), "not a Key Vault secret name"),
    # --- apim: APIs ---
    Case("api id", {"apim": {"apis": {"Chat": {"path": "chat", "backend": {"app": "api"}}}}}, "apim.apis.Chat.[key]",
         _model(ApiSpec, **{**_SPEC, "id": "Chat"}), "API ids are lowercase letters"),
    Case("api path", _api(path="/api"), "apim.apis.api.path", _model(ApiSpec, **{**_SPEC, "path": "/api"}),
         "String should match pattern"),
    Case("api paths unique", {"apim": {"apis": {"chat": {"path": "api", "backend": {"app": "api"}}}}},
         "apim.apis.chat.path",
         _apim(backends=[BackendSpec(id="api", url="https://a.example.com")],
               apis=[ApiSpec(**_SPEC), ApiSpec(**{**_SPEC, "id": "chat"})]),
         "is used by another API (api)"),
    Case("api display name", _api(displayName="x" * 301), "apim.apis.api.displayName",
         _model(ApiSpec, **_SPEC, display_name="x" * 301), "at most 300 characters"),
    Case("api operation method", _api(operations=[{"method": "TRACE", "urlTemplate": "/x"}]),
         "apim.apis.api.operations.0.method",
         _model(ApiSpec, **_SPEC, operations=[{"method": "TRACE", "url_template": "/x"}]), "Input should be 'GET'"),
    Case("api operation template", _api(operations=[{"method": "GET", "urlTemplate": "x"}]),
         "apim.apis.api.operations.0.urlTemplate",
         _model(ApiSpec, **_SPEC, operations=[{"method": "GET", "url_template": "x"}]), "String should match pattern"),
    # --- apim: backends ---
    Case("backend url https", _api(backend={"url": "http://x.example.com"}), "apim.apis.api.backend.url",
         _model(BackendSpec, id="api", url="http://x.example.com"), "must be an https:// URL"),
    Case("pool of one", _api(backend={"pool": [{"app": "api"}]}), "apim.apis.api.backend.pool",
         _model(BackendPoolSpec, id="api", members=[{"backend_id": "api-0"}]), "at least 2 items"),
    Case("pool above 30", _api(backend={"pool": [{"app": "api"}] * 31}), "apim.apis.api.backend.pool",
         _model(BackendPoolSpec, id="api", members=[{"backend_id": f"api-{i}"} for i in range(31)]),
         "at most 30 items"),
    Case("pool member priority", _api(backend={"pool": [{"app": "api", "priority": 101}, _POOL[1]]}),
         "apim.apis.api.backend.pool.0.priority", _model(PoolMember, backend_id="api-0", priority=101),
         "less than or equal to 100"),
    Case("pool member weight", _api(backend={"pool": [{"app": "api", "weight": 0}, _POOL[1]]}),
         "apim.apis.api.backend.pool.0.weight", _model(PoolMember, backend_id="api-0", weight=0),
         "greater than or equal to 1"),
    Case("pool member url https", _api(backend={"pool": [{"url": "http://x.example.com"}, _POOL[1]]}),
         "apim.apis.api.backend.pool.0.url", _model(BackendSpec, id="api-0", url="http://x.example.com"),
         "must be an https:// URL"),
    Case("breaker failures", _backend(circuitBreaker={"failures": 0}), "apim.apis.api.backend.circuitBreaker.failures",
         _model(CircuitBreaker, failures=0), "greater than or equal to 1"),
    Case("breaker interval", _backend(circuitBreaker={"intervalSeconds": 86401}),
         "apim.apis.api.backend.circuitBreaker.intervalSeconds", _model(CircuitBreaker, interval_seconds=86401),
         "less than or equal to 86400"),
    Case("breaker trip", _backend(circuitBreaker={"tripSeconds": 0}),
         "apim.apis.api.backend.circuitBreaker.tripSeconds",
         _model(CircuitBreaker, trip_seconds=0), "greater than or equal to 1"),
    Case("breaker status codes", _backend(circuitBreaker={"statusCodes": []}),
         "apim.apis.api.backend.circuitBreaker.statusCodes", _model(CircuitBreaker, status_codes=[]),
         "at least 1 item"),
    Case("breaker status range bounds", _backend(circuitBreaker={"statusCodes": [{"min": 500, "max": 600}]}),
         "apim.apis.api.backend.circuitBreaker.statusCodes.0.max", _model(StatusCodeRange, min=500, max=600),
         "less than or equal to 599"),
    Case("breaker status range order", _backend(circuitBreaker={"statusCodes": [{"min": 599, "max": 500}]}),
         "apim.apis.api.backend.circuitBreaker.statusCodes.0.max", _model(StatusCodeRange, min=599, max=500),
         "is less than min (599)"),
    # --- apim: policies ---
    Case("auth audiences", _policy("auth", {"audiences": []}), "apim.apis.api.policies.auth.audiences",
         _model(EntraIdAuth, audiences=[]), "at least 1 item"),
    Case("auth tenant", _policy("auth", {"tenantId": "contoso"}), "apim.apis.api.policies.auth.tenantId",
         _model(EntraIdAuth, audiences=["api://x"], tenant_id="contoso"), "String should match pattern"),
    Case("rate limit calls", _policy("rateLimit", {"calls": 0}), "apim.apis.api.policies.rateLimit.calls",
         _model(RateLimitByKey, calls=0, renewal_period_seconds=60), "greater than or equal to 1"),
    Case("rate limit window above 300", _policy("rateLimit", {"renewalPeriodSeconds": 301}),
         "apim.apis.api.policies.rateLimit.renewalPeriodSeconds",
         _model(RateLimitByKey, calls=1, renewal_period_seconds=301), "less than or equal to 300"),
    Case("rate limit window below 1", _policy("rateLimit", {"renewalPeriodSeconds": 0}),
         "apim.apis.api.policies.rateLimit.renewalPeriodSeconds",
         _model(RateLimitByKey, calls=1, renewal_period_seconds=0), "greater than or equal to 1"),
    Case("rate limit key", _policy("rateLimit", {"key": "ip"}), "apim.apis.api.policies.rateLimit.key",
         _model(RateLimitByKey, calls=1, renewal_period_seconds=1, key="ip"),
         "Input should be 'clientIp', 'caller' or 'subscription'"),
    Case("quota period", _policy("quota", {"calls": 10, "renewalPeriodSeconds": 120}),
         "apim.apis.api.policies.quota.renewalPeriodSeconds", _model(QuotaByKey, calls=10, renewal_period_seconds=120),
         "must be 0 or at least 300 seconds"),
    Case("quota period negative", _policy("quota", {"calls": 10, "renewalPeriodSeconds": -1}),
         "apim.apis.api.policies.quota.renewalPeriodSeconds", _model(QuotaByKey, calls=10, renewal_period_seconds=-1),
         "greater than or equal to 0"),
    Case("quota calls", _policy("quota", {"calls": 0, "renewalPeriodSeconds": 300}),
         "apim.apis.api.policies.quota.calls",
         _model(QuotaByKey, calls=0, renewal_period_seconds=300), "greater than or equal to 1"),
    Case("quota bandwidth", _policy("quota", {"bandwidthKb": 0, "renewalPeriodSeconds": 300}),
         "apim.apis.api.policies.quota.bandwidthKb", _model(QuotaByKey, bandwidth_kb=0, renewal_period_seconds=300),
         "greater than or equal to 1"),
    Case("quota needs a volume", _policy("quota", {"renewalPeriodSeconds": 3600}), "apim.apis.api.policies.quota",
         _model(QuotaByKey, renewal_period_seconds=3600), "needs calls or bandwidth"),
    Case("token limit needs a limit",
         _policy("tokenLimit", {"tokensPerMinute": None, "tokenQuota": None, "tokenQuotaPeriod": None}),
         "apim.apis.api.policies.tokenLimit", _model(TokenLimit, estimate_prompt_tokens=True),
         "give tokensPerMinute, or tokenQuota with tokenQuotaPeriod"),
    Case("token limit per minute", _policy("tokenLimit", {"tokensPerMinute": 0}),
         "apim.apis.api.policies.tokenLimit.tokensPerMinute", _model(TokenLimit, tokens_per_minute=0),
         "greater than or equal to 1"),
    Case("token quota", _policy("tokenLimit", {"tokenQuota": 0}), "apim.apis.api.policies.tokenLimit.tokenQuota",
         _model(TokenLimit, token_quota=0, token_quota_period="Daily"), "greater than or equal to 1"),
    Case("token quota period", _policy("tokenLimit", {"tokenQuotaPeriod": "Fortnightly"}),
         "apim.apis.api.policies.tokenLimit.tokenQuotaPeriod",
         _model(TokenLimit, token_quota=10, token_quota_period="Fortnightly"), "Input should be 'Hourly'"),
    Case("token quota without period",
         {"apim": {"apis": {"api": {"policies": {"tokenLimit": {"tokenQuotaPeriod": None}}}}}},
         "apim.apis.api.policies.tokenLimit.tokenQuota", _model(TokenLimit, token_quota=10),
         "tokenQuota and tokenQuotaPeriod go together"),
    Case("token period without quota",
         {"apim": {"apis": {"api": {"policies": {"tokenLimit": {"tokenQuota": None}}}}}},
         "apim.apis.api.policies.tokenLimit.tokenQuota",
         _model(TokenLimit, tokens_per_minute=5, token_quota_period="Daily"),
         "tokenQuota and tokenQuotaPeriod go together"),
    Case("azure openai token limit has no quota", _policy("tokenLimit", {"flavor": "azure-openai"}),
         "apim.apis.api.policies.tokenLimit.flavor",
         _model(TokenLimit, flavor="azure-openai", tokens_per_minute=5, token_quota=10, token_quota_period="Daily"),
         "azure-openai-token-limit takes tokensPerMinute only"),
    Case("token metric dimensions above 5",
         _policy("tokenMetrics", {"dimensions": [{"name": f"d{i}", "value": "x"} for i in range(6)]}),
         "apim.apis.api.policies.tokenMetrics.dimensions",
         _model(EmitTokenMetric, dimensions=[{"name": f"d{i}", "value": "x"} for i in range(6)]), "at most 5 items"),
    Case("token metric dimensions empty", _policy("tokenMetrics", {"dimensions": []}),
         "apim.apis.api.policies.tokenMetrics.dimensions", _model(EmitTokenMetric, dimensions=[]), "at least 1 item"),
    Case("token metric namespace", _policy("tokenMetrics", {"namespace": ""}),
         "apim.apis.api.policies.tokenMetrics.namespace", _model(EmitTokenMetric, namespace=""),
         "at least 1 character"),
    Case("token metric custom dimension value", _policy("tokenMetrics", {"dimensions": [{"name": "Team"}]}),
         "apim.apis.api.policies.tokenMetrics.dimensions.0.value", _model(MetricDimension, name="Team"),
         "dimension 'Team' needs a value"),
    Case("token metric dimension name", _policy("tokenMetrics", {"dimensions": [{"name": "", "value": "x"}]}),
         "apim.apis.api.policies.tokenMetrics.dimensions.0.name", _model(MetricDimension, name="", value="x"),
         "at least 1 character"),
    Case("cache duration", _policy("cache", {"durationSeconds": 0}), "apim.apis.api.policies.cache.durationSeconds",
         _model(ResponseCache, duration_seconds=0), "greater than or equal to 1"),
    Case("cache duration above 30 days", _policy("cache", {"durationSeconds": 2592001}),
         "apim.apis.api.policies.cache.durationSeconds", _model(ResponseCache, duration_seconds=2592001),
         "less than or equal to 2592000"),
    Case("retry count above 50", _policy("retry", {"count": 51}), "apim.apis.api.policies.retry.count",
         _model(Retry, count=51), "less than or equal to 50"),
    Case("retry count below 1", _policy("retry", {"count": 0}), "apim.apis.api.policies.retry.count",
         _model(Retry, count=0), "greater than or equal to 1"),
    Case("retry interval", _policy("retry", {"intervalSeconds": 301}), "apim.apis.api.policies.retry.intervalSeconds",
         _model(Retry, count=2, interval_seconds=301), "less than or equal to 300"),
    Case("retry interval negative", _policy("retry", {"intervalSeconds": -1}),
         "apim.apis.api.policies.retry.intervalSeconds", _model(Retry, count=2, interval_seconds=-1),
         "greater than or equal to 0"),
    Case("retry delta", _policy("retry", {"deltaSeconds": 0}), "apim.apis.api.policies.retry.deltaSeconds",
         _model(Retry, count=2, delta_seconds=0), "greater than or equal to 1"),
    Case("retry max interval range", _policy("retry", {"deltaSeconds": 1, "maxIntervalSeconds": 301}),
         "apim.apis.api.policies.retry.maxIntervalSeconds",
         _model(Retry, count=2, delta_seconds=1, max_interval_seconds=301),
         "less than or equal to 300"),
    Case("retry backoff needs delta", _policy("retry", {"maxIntervalSeconds": 30}),
         "apim.apis.api.policies.retry.maxIntervalSeconds", _model(Retry, count=2, max_interval_seconds=30),
         "needs deltaSeconds"),
    Case("retry backoff cap above interval",
         _policy("retry", {"intervalSeconds": 10, "deltaSeconds": 1, "maxIntervalSeconds": 5}),
         "apim.apis.api.policies.retry.maxIntervalSeconds",
         _model(Retry, count=2, interval_seconds=10, delta_seconds=1, max_interval_seconds=5),
         "must be >= intervalSeconds (10)"),
    Case("retry timeout", _policy("retry", {"timeoutSeconds": 241}), "apim.apis.api.policies.retry.timeoutSeconds",
         _model(Retry, count=2, timeout_seconds=241), "less than or equal to 240"),
    Case("retry timeout below 1", _policy("retry", {"timeoutSeconds": 0}),
         "apim.apis.api.policies.retry.timeoutSeconds",
         _model(Retry, count=2, timeout_seconds=0), "greater than or equal to 1"),
    Case("set header name", _policy("setHeaders", [{"name": "X A", "value": "1"}]),
         "apim.apis.api.policies.setHeaders.0.name",
         _model(SetHeader, name="X A", value="1"), "String should match pattern"),
    Case("set header protected", _policy("setHeaders", [{"name": "Content-Length", "value": "1"}]),
         "apim.apis.api.policies.setHeaders.0.name", _model(SetHeader, name="Content-Length", value="1"),
         "API Management cannot modify or delete the Content-Length header"),
    Case("set header server", _policy("setHeaders", [{"name": "Server", "action": "delete"}]),
         "apim.apis.api.policies.setHeaders.0.action", _model(SetHeader, name="Server", action="delete"),
         "cannot remove the Server header"),
    Case("set header delete takes no value", _policy("setHeaders", [{"name": "X-A", "action": "delete", "value": "1"}]),
         "apim.apis.api.policies.setHeaders.0.value", _model(SetHeader, name="X-A", action="delete", value="1"),
         "give a value, except with action delete"),
    Case("set header needs a value", _policy("setHeaders", [{"name": "X-A"}]),
         "apim.apis.api.policies.setHeaders.0.value",
         _model(SetHeader, name="X-A"), "give a value, except with action delete"),
    Case("set header section", _policy("setHeaders", [{"name": "X-A", "value": "1", "section": "backend"}]),
         "apim.apis.api.policies.setHeaders.0.section", _model(SetHeader, name="X-A", value="1", section="backend"),
         "set-header belongs in inbound, outbound or on-error"),
    Case("set body section", _policy("setBody", {"body": "x", "section": "on-error"}),
         "apim.apis.api.policies.setBody.section", _model(SetBody, body="x", section="on-error"),
         "set-body belongs in inbound or outbound"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_edge_stack_file_and_component_refuse_alike(case: Case) -> None:
    test_schema.test_stack_file_and_component_refuse_alike(case)


# --- rules only a library user can break: the platform supplies these values itself ----------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_agw(name="agw unit"), "application gateway name 'agw unit'"),
        (_agw(waf_policy_name="waf-unit"), "waf policy name 'waf-unit'"),
        (_agw(public_ip_name="pip-" + "x" * 80), "public ip name"),
        (_agw(identity_name="id"), "managed identity name 'id'"),
        (_agw(location="mars"), "unknown Azure region"),
        (_agw(managed_identities=ManagedIdentities(system_assigned=True)), "user-assigned identities only"),
        (_agw(backend={"fqdn": "x", "probe_path": "status"}), "String should match pattern"),
        (_agw(backend={"fqdn": "x", "request_timeout_seconds": 86401}), "less than or equal to 86400"),
        (_agw(backend={"fqdn": "x", "probe_status_codes": ["2xx"]}), "String should match pattern"),
        (_apim(name="apim_unit"), "api management name 'apim_unit'"),
        (_apim(zones=["1", "2", "3"]), "explicit zones in a virtual network need public_ip_address_id"),
        (_apim(secret_store=None, named_values={"k": "s"}), "named values and the external cache need a secret_store"),
        (_apim(backends=[BackendSpec(id="a", url="https://a.example.com")] * 2), "backend ids must be unique"),
        (
            _apim(
                backends=[BackendSpec(id="a", url="https://a.example.com"), BackendSpec(id="b", url="https://b.x.io")],
                pools=[BackendPoolSpec(id="a", members=[PoolMember(backend_id="a"), PoolMember(backend_id="b")])],
            ),
            "backend and pool ids must be unique",
        ),
        (
            _apim(
                backends=[BackendSpec(id="a", url="https://a.example.com")],
                pools=[BackendPoolSpec(id="p", members=[PoolMember(backend_id="a"), PoolMember(backend_id="x")])],
            ),
            "pool p members must be single backends; not found: ['x']",
        ),
        (_apim(apis=[ApiSpec(**_SPEC)]), "api api routes to unknown backend 'api'"),
        (
            _apim(backends=[BackendSpec(id="api", url="https://a.example.com")], apis=[ApiSpec(**_SPEC)] * 2),
            "api ids must be unique",
        ),
        (_model(BackendSpec, id="a#b", url="https://a.example.com"), "String should match pattern"),
        (
            _model(
                PublishedApiArgs,
                service_name="apim-unit",
                resource_group_name=RG,
                backend=BackendSpec(id="orders", url="https://a.example.com"),
                api=ApiSpec(**_SPEC),
            ),
            "api.backend_id 'api' must name the backend 'orders'",
        ),
    ],
)
def test_components_refuse_what_the_platform_never_gives_them(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        make()
    assert message in str(info.value)


def test_policy_units_are_the_stack_files() -> None:
    # One unit per concept: seconds everywhere, as in the stack file (the circuit breaker's ISO durations are checked
    # on the plan by tests/test_edge.py).
    assert RateLimitByKey(calls=1, renewal_period_seconds=60).element().get("renewal-period") == "60"
    assert Retry(count=1, timeout_seconds=30).element()[0].get("timeout") == "30"
    assert ResponseCache(duration_seconds=45).store().get("duration") == "45"


# --- the shared interfaces, on both gateways used as a library -------------------------------------------------

_IDENTITY = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-extra"
_PRINCIPAL = "00000000-0000-4000-8000-0000000000bb"


@pytest.fixture(scope="module")
def gateways_plan() -> Plan:
    """Both gateways with every shared interface given: diagnostics, lock, a role assignment, an extra identity."""

    def program() -> None:
        vault = KeyVault(
            "kv", KeyVaultArgs(name="kv-unit", resource_group_name=RG, location="westeurope", tenant_id=TENANT)
        )
        common: dict[str, Any] = {
            "diagnostic_settings": [DiagnosticSettings(workspace_id=WORKSPACE, categories="metrics")],
            "lock": Lock(kind="CanNotDelete", name="lock-edge"),
            "role_assignments": [RoleAssignmentSpec(role="KEY_VAULT_SECRETS_USER", principal_id=_PRINCIPAL, key="ops")],
        }
        ApplicationGateway(
            "agw",
            _agw(certificate_store=vault, managed_identities={"user_assigned_resource_ids": [_IDENTITY]}, **common)(),
        )
        ApiManagement(
            "apim",
            _apim(
                secret_store=vault,
                managed_identities={"system_assigned": True, "user_assigned_resource_ids": [_IDENTITY]},
                **common,
            )(),
        )

    return render(program, project="unit", stack="dev", config={})


def test_gateways_apply_the_shared_interfaces(gateways_plan: Plan) -> None:
    gateway = gateways_plan.one("azure-native:network:ApplicationGateway")
    ip = gateways_plan.one("azure-native:network:PublicIPAddress")
    service = gateways_plan.one("azure-native:apimanagement:ApiManagementService")
    settings = {d.inputs["resourceUri"].rsplit("/", 1)[-1]: d.inputs for d in gateways_plan.of_type(DIAG)}
    for target in ("agw-unit", "pip-agw-unit", "apim-unit"):
        assert settings[target]["workspaceId"] == WORKSPACE
        assert "logs" not in settings[target] and settings[target]["metrics"][0]["category"] == "AllMetrics"
    locks = {lock.inputs["scope"].rsplit("/", 1)[-1]: lock.inputs for lock in gateways_plan.of_type(LOCK)}
    # The Application Gateway's lock is on its public IP (the address DNS names); API Management's on the service.
    assert set(locks) == {"pip-agw-unit", "apim-unit"}
    assert {lock["lockName"] for lock in locks.values()} == {"lock-edge"}
    grants = [
        g.inputs["scope"].rsplit("/", 1)[-1]
        for g in gateways_plan.of_type(ROLE)
        if g.inputs["principalId"] == _PRINCIPAL
    ]
    assert sorted(grants) == ["agw-unit", "apim-unit"]
    assert gateway.inputs["identity"]["type"] == "UserAssigned"
    assert gateway.inputs["identity"]["userAssignedIdentities"][1] == _IDENTITY
    assert len(gateway.inputs["identity"]["userAssignedIdentities"]) == 2
    assert service.inputs["identity"]["type"] == "SystemAssigned, UserAssigned"
    assert _IDENTITY in service.inputs["identity"]["userAssignedIdentities"]
    assert len(service.inputs["identity"]["userAssignedIdentities"]) == 2
    assert ip.urn in {d for lock in gateways_plan.of_type(LOCK) for d in lock.dependencies}

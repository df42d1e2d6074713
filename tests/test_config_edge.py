"""Edge config validation: WAF mode per environment, autoscale bounds, custom rules, API Management SKU rules and
policy values out of Azure's range are each rejected with their key path; the component arguments refuse the
same mistakes when used as a library."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pydantic import ValidationError

from azplatform.components.api_management import ApiManagementArgs, ApiSpec, BackendPoolSpec, BackendSpec, PoolMember
from azplatform.components.application_gateway import ApplicationGatewayArgs, GatewayBackend, RateLimitRule
from azplatform.components.rbac import Principal
from azplatform.stacks.config import load_platform_config
from azplatform.stacks.errors import ConfigError
from tests.conftest import stack_values


def _load(stack: str, edit: dict[str, Any]) -> None:
    values = stack_values(stack)
    for path, value in edit.items():
        target = values
        *parents, leaf = path.split(".")
        for part in parents:
            target = target.setdefault(part, {}) if not part.isdigit() else target[int(part)]
        target[leaf] = value
    load_platform_config(values, f"Pulumi.{stack}.yaml")


def _problem(stack: str, edit: dict[str, Any], path: str) -> str:
    with pytest.raises(ConfigError) as info:
        _load(stack, edit)
    messages = [p.message for p in info.value.problems if p.path == path]
    assert messages, [(p.path, p.message) for p in info.value.problems]
    return messages[0]


# --- WAF mode per environment ----------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_detection_mode_is_rejected_outside_dev(stack: str) -> None:
    message = _problem(stack, {"appGateway.wafMode": "Detection"}, "appGateway.wafMode")
    assert "use Prevention" in message and "dev only" in message


def test_detection_mode_is_allowed_in_dev() -> None:
    _load("dev", {"appGateway.wafMode": "Detection"})


def test_unknown_waf_mode_is_rejected() -> None:
    assert "Prevention" in _problem("dev", {"appGateway.wafMode": "Block"}, "appGateway.wafMode")


# --- autoscale -----------------------------------------------------------------------------------------------


def test_min_capacity_above_max_is_rejected() -> None:
    message = _problem("prod", {"appGateway.minCapacity": 12}, "appGateway.minCapacity")
    assert "greater than maxCapacity (10)" in message
    _load("prod", {"appGateway.minCapacity": 10})


def test_max_capacity_above_the_waf_v2_limit_is_rejected() -> None:
    assert "125" in _problem("prod", {"appGateway.maxCapacity": 126}, "appGateway.maxCapacity")
    _load("prod", {"appGateway.maxCapacity": 125})


def test_max_capacity_below_two_is_rejected() -> None:
    assert "2" in _problem("dev", {"appGateway.maxCapacity": 1, "appGateway.minCapacity": 0}, "appGateway.maxCapacity")


# --- custom rules and exclusions -------------------------------------------------------------------------------


def test_custom_rule_priorities_must_be_unique() -> None:
    rules = [
        {"kind": "rateLimit", "name": "a", "priority": 10, "threshold": 5},
        {"kind": "geoFilter", "priority": 10, "allowedCountries": ["NL"]},
    ]
    assert "[10] are used twice" in _problem("prod", {"appGateway.customRules": rules}, "appGateway.customRules")


def test_rate_limit_window_must_be_one_or_five_minutes() -> None:
    rules = [{"kind": "rateLimit", "name": "a", "priority": 10, "threshold": 5, "durationMinutes": 2}]
    with pytest.raises(ConfigError) as info:
        _load("prod", {"appGateway.customRules": rules})
    assert any("durationMinutes" in p.path for p in info.value.problems)


def test_geo_filter_takes_country_codes() -> None:
    rules = [{"kind": "geoFilter", "priority": 1, "allowedCountries": ["Netherlands"]}]
    with pytest.raises(ConfigError) as info:
        _load("prod", {"appGateway.customRules": rules})
    assert any("allowedCountries" in p.path for p in info.value.problems)


def test_exclusion_rule_ids_need_their_group() -> None:
    exclusions = [{"matchVariable": "RequestHeaderNames", "selectorMatchOperator": "Equals", "selector": "x",
                   "ruleIds": ["942100"]}]  # fmt: skip
    assert "ruleGroup" in _problem("prod", {"appGateway.exclusions": exclusions}, "appGateway.exclusions.0.ruleIds")


def test_host_name_must_be_a_lowercase_fqdn() -> None:
    with pytest.raises(ConfigError) as info:
        _load("prod", {"appGateway.hostName": "API.Example"})
    assert "appGateway.hostName" in {p.path for p in info.value.problems}


# --- API Management -----------------------------------------------------------------------------------------


def test_developer_has_exactly_one_unit() -> None:
    assert "exactly one unit" in _problem("dev", {"apim.capacity": 2}, "apim.capacity")


def test_premium_v2_is_rejected_with_the_sdk_reason() -> None:
    message = _problem("prod", {"apim.sku": "PremiumV2"}, "apim.sku")
    assert "2024-05-01" in message and "Premium" in message


def test_zones_need_premium_and_an_even_spread() -> None:
    assert "only Premium" in _problem("dev", {"apim.zones": ["1"]}, "apim.zones")
    assert "do not spread evenly" in _problem("prod", {"apim.zones": ["1", "2"]}, "apim.capacity")
    _load("prod", {"apim.zones": ["1", "2", "3"]})


def test_api_backend_must_be_an_app_with_ingress() -> None:
    message = _problem("prod", {"apim.apis.api.backend.app": "worker"}, "apim.apis.api.backend.app")
    assert "no app with ingress" in message and "['api']" in message


def test_without_apim_the_direct_app_needs_ingress() -> None:
    message = _problem("dev", {"apim": None, "appGateway.directBackendApp": "worker"}, "appGateway.directBackendApp")
    assert "needs ingress" in message
    _load("dev", {"apim": None})


def test_backend_takes_exactly_one_target() -> None:
    backend = {"app": "api", "url": "https://x.example.com"}
    assert "exactly one of app, url, pool or models" in _problem(
        "prod", {"apim.apis.api.backend": backend}, "apim.apis.api.backend"
    )


def test_named_value_secret_must_be_a_key_vault_name() -> None:
    message = _problem("prod", {"apim.namedValues": {"openai-key": "not a secret!"}}, "apim.namedValues.openai-key")
    assert "Key Vault secret name" in message


# --- policy values out of range ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "value", "path"),
    [
        ("rateLimit", {"calls": 10, "renewalPeriodSeconds": 301}, "rateLimit.renewalPeriodSeconds"),
        ("rateLimit", {"calls": 0, "renewalPeriodSeconds": 60}, "rateLimit.calls"),
        ("quota", {"calls": 10, "renewalPeriodSeconds": 120}, "quota.renewalPeriodSeconds"),
        ("quota", {"renewalPeriodSeconds": 3600}, "quota"),
        ("retry", {"count": 51}, "retry.count"),
        ("retry", {"count": 3, "timeoutSeconds": 300}, "retry.timeoutSeconds"),
        ("retry", {"count": 3, "maxIntervalSeconds": 30}, "retry.maxIntervalSeconds"),
        ("tokenLimit", {"estimatePromptTokens": True}, "tokenLimit"),
        ("tokenLimit", {"flavor": "azure-openai", "tokenQuota": 5, "tokenQuotaPeriod": "Daily"}, "tokenLimit.flavor"),
        (
            "tokenMetrics",
            {"dimensions": [{"name": f"d{i}", "value": "x"} for i in range(6)]},
            "tokenMetrics.dimensions",
        ),
        ("cache", {"durationSeconds": 0}, "cache.durationSeconds"),
        ("setHeaders", [{"name": "Content-Length", "value": "1"}], "setHeaders.0.name"),
        ("setHeaders", [{"name": "X-A", "action": "delete", "value": "1"}], "setHeaders.0.value"),
    ],
)
def test_policy_values_out_of_range_are_rejected(policy: str, value: Any, path: str) -> None:
    with pytest.raises(ConfigError) as info:
        _load("prod", {f"apim.apis.api.policies.{policy}": value})
    assert f"apim.apis.api.policies.{path}" in {p.path for p in info.value.problems}, info.value.render()


def test_policy_values_at_the_limits_are_accepted() -> None:
    _load(
        "prod",
        {
            "apim.apis.api.policies.rateLimit": {"calls": 1, "renewalPeriodSeconds": 300},
            "apim.apis.api.policies.quota": {"calls": 1, "renewalPeriodSeconds": 300},
            "apim.apis.api.policies.retry": {"count": 50, "timeoutSeconds": 240},
        },
    )


# --- the component arguments, used as a library -------------------------------------------------------------------


class _Vault:
    """A secret store for building arguments (nothing is deployed)."""

    def secret_uri(self, secret_name: str) -> pulumi.Output[str]:
        return pulumi.Output.from_input(f"https://kv.vault.azure.net/secrets/{secret_name}")

    def grant_secret_read(self, principal: Principal) -> pulumi.Resource:
        raise NotImplementedError


def _refused(make: Any, **changes: Any) -> str:
    """The message of the ValidationError raised when building arguments with ``changes``."""
    with pytest.raises(ValidationError) as info:
        make(**changes)
    return str(info.value)


def _gateway_args(**changes: Any) -> ApplicationGatewayArgs:
    base: dict[str, Any] = {
        "resource_group_name": "rg",
        "location": "westeurope",
        "name": "agw",
        "public_ip_name": "pip",
        "waf_policy_name": "waf",
        "identity_name": "id-agw",
        "subnet_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
        "host_name": "api.example.com",
        "certificate_store": _Vault(),
        "certificate_secret_name": "tls",
        "backend": GatewayBackend(fqdn="apim.azure-api.net"),
    }
    return ApplicationGatewayArgs(**{**base, **changes})


def test_gateway_args_refuse_what_azure_refuses() -> None:
    _gateway_args()
    assert "less than or equal to 125" in _refused(_gateway_args, max_capacity=126)
    assert "min_capacity" in _refused(_gateway_args, min_capacity=5, max_capacity=4)
    twice = [RateLimitRule(name="a", priority=1, threshold=1), RateLimitRule(name="b", priority=1, threshold=1)]
    assert "each must be unique" in _refused(_gateway_args, custom_rules=twice)
    assert "Input should be 1 or 5" in _refused(RateLimitRule, name="a", priority=1, threshold=1, duration_minutes=2)


def _apim_args(**changes: Any) -> ApiManagementArgs:
    base: dict[str, Any] = {
        "resource_group_name": "rg",
        "location": "westeurope",
        "name": "apim",
        "identity_name": "id-apim",
        "sku": "Premium",
        "capacity": 3,
        "publisher_name": "p",
        "publisher_email": "p@example.com",
        "subnet_id": "subnet",
        "backends": [BackendSpec(id="api", url="https://api.example.com")],
        "apis": [ApiSpec(id="api", path="api", backend_id="api", policy_xml="<policies />")],
    }
    return ApiManagementArgs(**{**base, **changes})


def test_api_gateway_args_refuse_what_azure_refuses() -> None:
    _apim_args()
    assert "exactly one unit" in _refused(_apim_args, sku="Developer")
    assert "no availability zones" in _refused(_apim_args, sku="Developer", capacity=1, zones=["1"])
    assert "need public_ip_address_id" in _refused(_apim_args, zones=["1", "2", "3"])
    assert "spread evenly" in _refused(_apim_args, zones=["1", "2"], public_ip_address_id="pip")
    unknown = [ApiSpec(id="x", path="x", backend_id="nope", policy_xml="<policies />")]
    assert "unknown backend 'nope'" in _refused(_apim_args, apis=unknown)
    nested = [BackendPoolSpec(id="pool", members=[PoolMember(backend_id="other"), PoolMember(backend_id="api")])]
    assert "must be single backends" in _refused(_apim_args, pools=nested)
    assert "need a secret_store" in _refused(_apim_args, named_values={"k": "s"})

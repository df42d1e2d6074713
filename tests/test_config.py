"""Config validation: the stack files load, and each kind of bad value is rejected with a clear, complete error."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from azplatform.stacks.config import PlatformConfig, load_platform_config
from azplatform.stacks.errors import ConfigError
from tests.conftest import STACKS, stack_values


def _problems(values: dict[str, Any], source: str = "Pulumi.prod.yaml") -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_platform_config(values, source)
    return info.value


def _paths(error: ConfigError) -> list[str]:
    return [p.path for p in error.problems]


def _prod() -> dict[str, Any]:
    return copy.deepcopy(stack_values("prod"))


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_file_is_valid(stack: str) -> None:
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    assert config.environment == stack


def test_profile_supplies_defaults_and_stack_file_overrides() -> None:
    values = _prod()
    values["observability"] = {"retentionDays": 120}
    config = load_platform_config(values, "Pulumi.prod.yaml")
    assert config.observability.retention_days == 120  # overridden
    assert config.key_vault.sku == "premium"  # prod profile default
    assert config.zone_redundant is True


def test_unknown_key_is_rejected_with_the_allowed_keys() -> None:
    values = _prod()
    values["keyVault"] = {"skuu": "premium"}
    error = _problems(values)
    problem = next(p for p in error.problems if p.path == "keyVault.skuu")
    assert "unknown key" in problem.message
    assert "sku" in problem.message and "softDeleteRetentionDays" in problem.message


def test_unknown_top_level_key_is_rejected() -> None:
    values = _prod()
    values["colour"] = "blue"
    assert "colour" in _paths(_problems(values))


def test_malformed_cidr_is_rejected() -> None:
    values = _prod()
    values["network"]["subnets"]["apim"] = "10.30.1.0/33"
    error = _problems(values)
    assert "network.subnets.apim" in _paths(error)
    assert "IPv4 CIDR" in next(p.message for p in error.problems if p.path == "network.subnets.apim")


def test_cidr_with_host_bits_is_rejected() -> None:
    values = _prod()
    values["network"]["addressSpace"] = "10.30.0.1/16"
    assert "network.addressSpace" in _paths(_problems(values))


def test_public_address_space_is_rejected() -> None:
    values = _prod()
    values["network"]["addressSpace"] = "8.8.0.0/16"
    error = _problems(values)
    assert any(p.path == "network.addressSpace" and "private" in p.message for p in error.problems)


def test_overlapping_subnets_are_rejected() -> None:
    values = _prod()
    values["network"]["subnets"]["privateEndpoints"] = "10.30.0.64/27"  # inside the gateway /24
    error = _problems(values)
    problem = next(p for p in error.problems if "overlaps" in p.message)
    assert problem.path == "network.subnets.privateEndpoints"
    assert "network.subnets.gateway" in problem.message


def test_subnet_outside_the_vnet_is_rejected() -> None:
    values = _prod()
    values["network"]["subnets"]["containerApps"] = "10.99.2.0/23"
    error = _problems(values)
    assert any(p.path == "network.subnets.containerApps" and "outside" in p.message for p in error.problems)


@pytest.mark.parametrize(
    ("subnet", "cidr", "expected"),
    [
        ("gateway", "10.30.0.0/25", "/24"),
        ("containerApps", "10.30.2.0/28", "/27"),
        ("privateEndpoints", "10.30.4.0/29", "/28"),
        ("apim", "10.30.1.0/30", "/29"),
    ],
)
def test_subnet_below_azure_minimum_is_rejected(subnet: str, cidr: str, expected: str) -> None:
    values = _prod()
    values["network"]["subnets"][subnet] = cidr
    error = _problems(values)
    problem = next(p for p in error.problems if p.path == f"network.subnets.{subnet}")
    assert expected in problem.message
    assert problem.value == cidr


def test_apim_subnet_minimum_depends_on_sku() -> None:
    values = _prod()
    values["apim"] = {"sku": "PremiumV2"}
    values["network"]["subnets"]["apim"] = "10.30.1.0/28"  # fine for classic, too small for Premium v2
    error = _problems(values)
    problem = next(p for p in error.problems if p.path == "network.subnets.apim")
    assert "PremiumV2 needs at least /27" in problem.message
    classic = _prod()
    classic["network"]["subnets"]["apim"] = "10.30.1.0/28"
    assert load_platform_config(classic, "Pulumi.prod.yaml").network.subnets.apim == "10.30.1.0/28"


def test_name_prefix_that_breaks_key_vault_length_is_rejected() -> None:
    values = _prod()
    values["namePrefix"] = "platform1"  # kv-platform1-prod-weu-xxxxx is 27 characters
    error = _problems(values)
    problem = next(p for p in error.problems if p.path == "namePrefix")
    assert "key vault" in problem.message and "allowed 3-24" in problem.message


def test_name_prefix_charset_is_rejected() -> None:
    values = _prod()
    values["namePrefix"] = "Az_p"
    assert any(p.path == "namePrefix" and "lowercase" in p.message for p in _problems(values).problems)


def test_min_replicas_above_max_is_rejected() -> None:
    values = _prod()
    values["apps"]["api"]["minReplicas"] = 30
    values["apps"]["api"]["maxReplicas"] = 20
    error = _problems(values)
    problem = next(p for p in error.problems if p.path == "apps.api.minReplicas")
    assert "maxReplicas (20)" in problem.message and problem.value == 30


def test_zone_redundancy_in_a_region_without_zones_is_rejected() -> None:
    values = _prod()
    values["location"] = "westus"
    error = _problems(values)
    assert any(p.path == "zoneRedundant" and "westus has no availability zones" in p.message for p in error.problems)


def test_zone_redundancy_on_a_sku_without_zones_is_rejected() -> None:
    values = _prod()
    values["apim"] = {"sku": "Developer"}
    error = _problems(values)
    assert any(p.path == "apim.sku" and "no availability zones" in p.message for p in error.problems)


def test_unknown_environment_is_rejected_with_the_allowed_values() -> None:
    values = _prod()
    values["environment"] = "qa"
    error = _problems(values)
    problem = next(p for p in error.problems if p.path == "environment")
    assert "known: dev, staging, prod" in problem.message
    # the root cause alone: the profile's missing defaults are its consequences, counted but not listed
    assert [p.path for p in error.problems] == ["environment"] and "more problems follow from it" in problem.message


def test_every_problem_is_reported_at_once() -> None:
    values = _prod()
    values["keyVault"] = {"skuu": "x"}
    values["network"]["subnets"]["gateway"] = "10.30.0.0/25"
    values["network"]["subnets"]["privateEndpoints"] = "10.30.0.64/27"
    values["apps"]["api"]["minReplicas"] = 50
    values["location"] = "westus"
    error = _problems(values)
    paths = set(_paths(error))
    assert {
        "keyVault.skuu",
        "network.subnets.gateway",
        "network.subnets.privateEndpoints",
        "apps.api.minReplicas",
        "zoneRedundant",
    } <= paths


def test_error_names_the_stack_file_key_value_and_allowed() -> None:
    values = _prod()
    values["network"]["subnets"]["gateway"] = "10.30.0.0/25"
    text = str(_problems(values, "Pulumi.prod.yaml"))
    first = text.splitlines()[0]
    assert first.startswith("Pulumi.prod.yaml: 1 configuration problem")
    assert "azplatform:network.subnets.gateway = '10.30.0.0/25'" in text
    assert "is a /25" in text and "/24" in text
    assert "Traceback" not in text


def test_config_model_rejects_problems_without_the_loader() -> None:
    # Library users validating PlatformConfig directly get the cross-field checks too.
    values = _prod()
    values["network"]["subnets"]["gateway"] = "10.30.0.0/25"
    values.update({"zoneRedundant": True, "observability": {"retentionDays": 90}, "keyVault": {"sku": "premium"}})
    values["apim"] = {"sku": "Premium", "capacity": 3}
    with pytest.raises(ValueError, match="is a /25"):
        PlatformConfig.model_validate(values)

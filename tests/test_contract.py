"""The platform's outputs contract: what other teams' stacks read through PlatformReference. Removing or renaming an
output breaks them, so the released names are frozen here; changing this list needs a major CONTRACT_VERSION."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from azplatform.plan import SECRET
from azplatform.stacks.offline import Plan
from azplatform.stacks.reference import (
    CONTRACT,
    CONTRACT_VERSION,
    OPTIONAL_OUTPUTS,
    OUTPUTS,
    ContractVersionError,
    PlatformReference,
    check_contract_version,
    platform_exports,
)
from azplatform.stacks.testkit import fake_platform_outputs, render_program
from tests.conftest import STACKS

# Released in contract 1.0. Append new outputs (minor version); never remove or rename one (major version).
RELEASED_V1 = (
    "contractVersion",
    "resourceGroupName",
    "vnetId",
    "subnetIds",
    "privateDnsZoneIds",
    "keyVaultUri",
    "logAnalyticsWorkspaceId",
    "appInsightsConnectionString",
    "containerAppsEnvironmentId",
    "containerAppsDefaultDomain",
    "containerAppsStaticIp",
    "registryLoginServer",
    "appFqdns",
    "redisHostName",
    "cosmosEndpoint",
    "gatewayUrl",
    "gatewayPublicIp",
    "apimName",
    "apimGatewayUrl",
    "keyVaultId",
    "registryId",
)


@pytest.mark.parametrize("stack", STACKS)
def test_every_released_output_is_exported_by_every_stack(plans: dict[str, Plan], stack: str) -> None:
    outputs = plans[stack].outputs
    missing = [name for name in RELEASED_V1 if name not in outputs]
    assert missing == [], f"{stack} no longer exports {missing}: a breaking change of the outputs contract"
    assert outputs["contractVersion"] == CONTRACT_VERSION
    assert all(outputs[name] not in (None, "", {}) for name in RELEASED_V1 if name != "appFqdns")


def test_the_reference_reads_exactly_the_released_outputs() -> None:
    assert set(CONTRACT.values()) >= set(RELEASED_V1)
    assert CONTRACT_VERSION.startswith("1.")


def test_the_program_exports_exactly_the_contract(plans: dict[str, Plan]) -> None:
    for plan in plans.values():
        assert set(plan.outputs) == {output.name for output in OUTPUTS}
    values = {attribute: attribute for attribute in CONTRACT if attribute != "contract_version"}
    assert platform_exports(**values)["contractVersion"] == CONTRACT_VERSION
    with pytest.raises(ValueError, match=r"missing \['vnet_id'\], unknown \['vnet'\]"):
        platform_exports(**{k: v for k, v in values.items() if k != "vnet_id"}, vnet="x")


def test_the_fake_outputs_have_the_shape_of_a_real_platforms(prod_plan: Plan) -> None:
    fake = fake_platform_outputs("prod")
    assert set(fake) == set(prod_plan.outputs)
    assert set(fake["privateDnsZoneIds"]) == set(prod_plan.outputs["privateDnsZoneIds"])
    assert set(fake["subnetIds"]) == set(prod_plan.outputs["subnetIds"])


@pytest.mark.parametrize("stack", STACKS)
def test_the_app_insights_connection_string_is_a_secret_output(plans: dict[str, Plan], stack: str) -> None:
    assert plans[stack].outputs["appInsightsConnectionString"] == SECRET


@pytest.mark.parametrize("stack", STACKS)
def test_subnets_and_private_zones_are_keyed_for_consumers(plans: dict[str, Plan], stack: str) -> None:
    outputs = plans[stack].outputs
    assert set(outputs["subnetIds"]) == {"gateway", "apim", "containerApps", "privateEndpoints"}
    assert "privatelink.vaultcore.azure.net" in outputs["privateDnsZoneIds"]


def test_contract_versions_of_another_major_are_refused() -> None:
    assert check_contract_version("1.7") == "1.7"
    with pytest.raises(ContractVersionError, match=r"exports outputs contract '2\.0'; this azplatform reads 1\."):
        check_contract_version("2.0")
    with pytest.raises(ContractVersionError):
        check_contract_version(None)


# --- PlatformReference, read back through the test kit --------------------------------------------------------------


def _read_all(values: dict[str, Any]) -> None:
    """A consumer program: reads every attribute and exports it (secrets stay secret)."""
    ref = PlatformReference("organization/azplatform/prod")
    for attribute in CONTRACT:
        pulumi.export(attribute, getattr(ref, attribute))
    values["stack_name"] = ref.stack_name


def test_platform_reference_returns_a_real_platform_plans_outputs_as_typed_attributes(prod_plan: Plan) -> None:
    outputs = {k: v for k, v in prod_plan.outputs.items() if v != SECRET}
    outputs["appInsightsConnectionString"] = "InstrumentationKey=abc"
    seen: dict[str, Any] = {}
    plan = render_program(
        lambda: _read_all(seen),
        project="consumer",
        stack="prod",
        platforms={"organization/azplatform/prod": outputs},
    )
    assert plan.outputs["container_apps_environment_id"] == prod_plan.outputs["containerAppsEnvironmentId"]
    assert plan.outputs["subnet_ids"] == prod_plan.outputs["subnetIds"]
    assert plan.outputs["apim_name"] == prod_plan.outputs["apimName"]
    assert plan.outputs["app_insights_connection_string"] == SECRET
    assert seen["stack_name"] == "organization/azplatform/prod"


def test_optional_outputs_may_be_absent_for_a_platform_without_api_management() -> None:
    outputs = {k: v for k, v in fake_platform_outputs("dev").items() if k not in OPTIONAL_OUTPUTS}
    plan = render_program(
        lambda: _read_all({}), project="consumer", stack="dev", platforms={"organization/azplatform/prod": outputs}
    )
    assert plan.outputs.get("apim_name") is None


def test_a_platform_of_another_major_version_fails_the_consumer() -> None:
    outputs = fake_platform_outputs("dev", contractVersion="2.0")
    with pytest.raises(Exception, match=r"outputs contract '2\.0'"):
        render_program(
            lambda: _read_all({}), project="consumer", stack="dev", platforms={"organization/azplatform/prod": outputs}
        )


def test_fake_outputs_cover_the_contract_and_reject_unknown_overrides() -> None:
    assert set(fake_platform_outputs("staging")) == set(CONTRACT.values())
    with pytest.raises(ValueError, match="unknown platform outputs"):
        fake_platform_outputs("dev", vnet="x")

"""The team's stack, tested offline with azplatform's test kit: rendered once against its real stack file and
a fake platform, then checked for what the team relies on and against azplatform's policy rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from team_app.program import main

from azplatform.stacks.offline import Plan
from azplatform.stacks.testkit import check_policy, fake_platform_outputs, render_program

HERE = Path(__file__).resolve().parent.parent
APP = "azure-native:app:ContainerApp"
PLATFORM = fake_platform_outputs("dev")


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The dev stack as `pulumi up --stack dev` would register it (rendered once)."""
    config = yaml.safe_load((HERE / "Pulumi.dev.yaml").read_text(encoding="utf-8"))["config"]
    return render_program(
        main, project="team-app", stack="dev", config=config, platforms={config["team-app:platformStack"]: PLATFORM}
    )


def test_the_app_runs_in_the_platforms_environment_and_resource_group(plan: Plan) -> None:
    app = plan.one(APP)
    assert app.inputs["environmentId"] == PLATFORM["containerAppsEnvironmentId"]
    assert app.inputs["resourceGroupName"] == PLATFORM["resourceGroupName"]


def test_the_app_calls_the_ai_gateway_as_its_identity_without_a_key(plan: Plan) -> None:
    app = plan.one(APP).inputs
    (container,) = app["template"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["AI_GATEWAY_URL"] == PLATFORM["aiRoutes"]["ai"]
    assert env["AZURE_CLIENT_ID"]  # DefaultAzureCredential picks the app's user-assigned identity
    assert not [e for e in container["env"] if "key" in e["name"].lower()]
    assert not app["configuration"].get("secrets")


def test_the_app_is_never_public_and_https_only(plan: Plan) -> None:
    ingress = plan.one(APP).inputs["configuration"]["ingress"]
    assert ingress["allowInsecure"] is False
    assert ingress["targetPort"] == 80


def test_the_app_pulls_from_the_platform_registry_with_its_own_identity_after_the_grant(plan: Plan) -> None:
    app = plan.one(APP)
    [registry] = app.inputs["configuration"]["registries"]
    assert registry["server"] == PLATFORM["registryLoginServer"]
    [identity_id] = app.inputs["identity"]["userAssignedIdentities"]
    assert registry["identity"] == identity_id
    grant = plan.one("azure-native:authorization:RoleAssignment")
    assert grant.inputs["scope"] == PLATFORM["registryId"]
    assert grant.inputs["roleDefinitionId"].endswith("/7f951dda-4ed3-4680-a7ca-43fe172d538d")  # AcrPull
    assert grant.urn in app.dependencies


def test_the_api_is_published_on_the_platforms_api_management(plan: Plan) -> None:
    api = plan.one("azure-native:apimanagement:Api")
    assert api.inputs["serviceName"] == PLATFORM["apimName"]
    assert api.inputs["path"] == "orders"
    backend = plan.one("azure-native:apimanagement:Backend")
    assert backend.inputs["url"] == f"https://ca-orders-dev.{PLATFORM['containerAppsDefaultDomain']}"
    policy = plan.one("azure-native:apimanagement:ApiPolicy").inputs["value"]
    assert '<rate-limit-by-key calls="100" renewal-period="60"' in policy
    assert 'backend-id="orders-backend"' in policy


def test_the_stack_passes_azplatforms_mandatory_policy_rules(plan: Plan) -> None:
    findings = check_policy(plan, "dev")
    assert [f"{f.rule}: {f.message}" for f in findings if f.level == "mandatory"] == []
    # The one declared exception: the environment lives in the platform stack.
    assert [(f.rule, f.level) for f in findings] == [("AZP-STACK-005", "advisory")]


def test_a_platform_without_api_management_is_a_clear_error() -> None:
    config = yaml.safe_load((HERE / "Pulumi.dev.yaml").read_text(encoding="utf-8"))["config"]
    platform = {k: v for k, v in PLATFORM.items() if k not in ("apimName", "apimGatewayUrl")}
    with pytest.raises(Exception, match="no API Management"):
        render_program(
            main, project="team-app", stack="dev", config=config, platforms={config["team-app:platformStack"]: platform}
        )

"""The compute components on their own (small programs under the offline mocks): their defaults and the
mistakes they refuse before Azure would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError

from azplatform.components.container_app import (
    ContainerApp,
    ContainerAppArgs,
    TrafficSplit,
    consumption_allocation_ok,
)
from azplatform.components.container_apps_environment import ContainerAppsEnvironment, ContainerAppsEnvironmentArgs
from azplatform.components.container_registry import ContainerRegistry, ContainerRegistryArgs
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.interfaces import PrivateEndpointSpec
from azplatform.components.scale_rules import RedisStreamsScaleRule, ServiceBusScaleRule
from azplatform.stacks.offline import Plan, render

RG = "rg-unit"
ENV_ID = f"/subscriptions/s/resourceGroups/{RG}/providers/Microsoft.App/managedEnvironments/cae-unit"


def run(program: Callable[[], None]) -> Plan:
    return render(program, project="unit", stack="unit", config={})


def _app(name: str = "ca-unit", **kwargs: object) -> None:
    identity = UserIdentity("id", UserIdentityArgs(name="id-unit", resource_group_name=RG, location="westeurope"))
    args = ContainerAppArgs.model_validate(
        {
            "name": name,
            "resource_group_name": RG,
            "location": "westeurope",
            "environment_id": ENV_ID,
            "identity": identity,
            "image": "mcr.microsoft.com/k8se/quickstart:latest",
            **kwargs,
        }
    )
    ContainerApp("app", args)


@pytest.fixture(scope="module")
def default_app() -> Plan:
    """A container app with ingress and every other argument left at its default."""
    return run(lambda: _app(target_port=8080))


def test_container_app_ingress_defaults_to_environment_only_and_https(default_app: Plan) -> None:
    ingress = default_app.one("azure-native:app:ContainerApp").inputs["configuration"]["ingress"]
    assert ingress["external"] is False
    assert ingress["allowInsecure"] is False


def test_container_app_defaults_to_half_a_vcpu_and_one_gib(default_app: Plan) -> None:
    (container,) = default_app.one("azure-native:app:ContainerApp").inputs["template"]["containers"]
    assert container["resources"] == {"cpu": 0.5, "memory": "1Gi"}


def test_container_app_with_ingress_defaults_to_multiple_revisions(default_app: Plan) -> None:
    assert default_app.one("azure-native:app:ContainerApp").inputs["configuration"]["activeRevisionsMode"] == (
        "Multiple"
    )


def test_container_app_refuses_traffic_weights_not_summing_to_100() -> None:
    splits = [TrafficSplit(weight=80, revision_suffix="v1"), TrafficSplit(weight=10, latest_revision=True)]
    with pytest.raises(ValueError, match="weights sum to 90; they must sum to 100"):
        run(lambda: _app(target_port=80, revisions={"traffic": splits}))


def test_container_app_refuses_traffic_without_ingress() -> None:
    with pytest.raises(ValueError, match="traffic splitting needs ingress"):
        run(lambda: _app(revisions={"traffic": [TrafficSplit(weight=100, latest_revision=True)]}))


def test_container_app_refuses_a_size_outside_the_consumption_combinations() -> None:
    with pytest.raises(ValueError, match="not a Consumption combination"):
        run(lambda: _app(cpu=0.5, memory="2Gi"))


def test_container_app_secrets_need_the_key_vault_they_are_in() -> None:
    with pytest.raises(ValueError, match="key_vault_uri: is required: secrets are Key Vault references"):
        run(lambda: _app(secrets={"db-password": "db-password"}))


@pytest.mark.parametrize(
    ("cpu", "memory", "ok"),
    [(0.25, 0.5, True), (1.75, 3.5, True), (4, 8, True), (0.2, 0.4, False), (4.25, 8.5, False), (1, 4, False)],
)
def test_consumption_allocation_rule(cpu: float, memory: float, ok: bool) -> None:
    assert consumption_allocation_ok(cpu, memory) is ok


PUBLIC_STANDARD = {"name": "crunit", "resource_group_name": RG, "location": "westeurope", "sku": "Standard"}


def test_registry_below_premium_refuses_to_be_private() -> None:
    endpoint = PrivateEndpointSpec(subnet_id="snet", private_dns_zone_ids=["zone"])
    with pytest.raises(ValidationError, match="Standard cannot be private"):
        ContainerRegistryArgs.model_validate(
            {**PUBLIC_STANDARD, "public_network_access": True, "private_endpoints": [endpoint]}
        )


def test_registry_zone_redundancy_is_premium_only() -> None:
    with pytest.raises(ValidationError, match="zone_redundant: is a Premium setting; the SKU is Standard"):
        ContainerRegistryArgs.model_validate({**PUBLIC_STANDARD, "public_network_access": True, "zone_redundant": True})


def test_public_standard_registry_is_allowed_without_an_endpoint() -> None:
    plan = run(
        lambda: ContainerRegistry(
            "acr",
            ContainerRegistryArgs(
                name="crunit", resource_group_name=RG, location="westeurope", sku="Standard", public_network_access=True
            ),
        )
    )
    registry = plan.one("azure-native:containerregistry:Registry")
    assert registry.inputs["publicNetworkAccess"] == "Enabled"
    assert "policies" not in registry.inputs  # only Premium with public access off can block export


def test_environment_refuses_an_unknown_dedicated_profile_type() -> None:
    with pytest.raises(ValidationError, match=r"workload_profiles\.big\.type\n  Input should be 'D4'"):
        ContainerAppsEnvironmentArgs.model_validate(
            {
                "name": "cae-unit",
                "resource_group_name": RG,
                "location": "westeurope",
                "infrastructure_subnet_id": "snet",
                "vnet_id": "vnet",
                "workload_profiles": {"big": {"type": "D64"}},
            }
        )


def _identity_input(component: Callable[[dict[str, object]], object], resource_type: str, ids: list[str]) -> object:
    """The ``identity`` input a component gives its resource for a system- and a user-assigned identity."""
    both = {"system_assigned": True, "user_assigned_resource_ids": ids}
    return (
        run(
            lambda: (
                component({"resource_group_name": RG, "location": "westeurope", "managed_identities": both}) and None
            )
        )
        .one(resource_type)
        .inputs["identity"]
    )


ID = f"/subscriptions/s/resourceGroups/{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-unit"


def test_environment_identities_use_the_app_providers_spelling() -> None:
    identity = _identity_input(
        lambda common: ContainerAppsEnvironment(
            "cae",
            ContainerAppsEnvironmentArgs.model_validate(
                {"name": "cae-unit", "infrastructure_subnet_id": "snet", "vnet_id": "vnet", **common}
            ),
        ),
        "azure-native:app:ManagedEnvironment",
        [ID],
    )
    # Microsoft.App's enum value has no space (app.ManagedServiceIdentityType.SYSTEM_ASSIGNED_USER_ASSIGNED).
    assert identity == {"type": "SystemAssigned,UserAssigned", "userAssignedIdentities": [ID]}


def test_registry_identities_use_the_registry_providers_spelling() -> None:
    identity = _identity_input(
        lambda common: ContainerRegistry("acr", ContainerRegistryArgs.model_validate({"name": "crunit", **common})),
        "azure-native:containerregistry:Registry",
        [ID],
    )
    # containerregistry.ResourceIdentityType.SYSTEM_ASSIGNED_USER_ASSIGNED has the space.
    assert identity == {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {ID: {}}}


def test_redis_streams_rule_needs_exactly_one_target() -> None:
    with pytest.raises(ValueError, match="exactly one of pending_entries_count and lag_count"):
        RedisStreamsScaleRule(address="r:10000", stream="s", consumer_group="g", password_secret="p")


def test_service_bus_rule_needs_a_queue_or_a_subscription() -> None:
    with pytest.raises(ValueError, match="set queue_name, or topic_name together with subscription_name"):
        ServiceBusScaleRule(namespace="sb-unit", topic_name="t")


def test_redis_streams_rule_without_an_address_is_refused_when_rendered() -> None:
    rule = RedisStreamsScaleRule(stream="s", consumer_group="g", password_secret="p", lag_count=5)
    with pytest.raises(ValueError, match="address is required"):
        run(
            lambda: _app(
                secrets={"p": "redis-password"}, key_vault_uri="https://kv.vault.azure.net/", scale_rules=[rule]
            )
        )

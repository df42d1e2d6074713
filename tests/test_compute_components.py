"""The compute components on their own (small programs under the offline mocks): their defaults and the
mistakes they refuse before Azure would."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from azplatform.components.common import PrivateEndpointPlacement
from azplatform.components.container_app import (
    ContainerApp,
    ContainerAppArgs,
    ContainerSpec,
    TrafficSplit,
    WorkloadArgs,
    consumption_allocation_ok,
)
from azplatform.components.container_apps_environment import (
    ContainerAppsEnvironment,
    ContainerAppsEnvironmentArgs,
    DedicatedProfile,
)
from azplatform.components.container_registry import ContainerRegistry, ContainerRegistryArgs
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.scale_rules import RedisStreamsScaleRule, ServiceBusScaleRule
from azplatform.stacks.offline import Plan, render

RG = "rg-unit"
ENV_ID = f"/subscriptions/s/resourceGroups/{RG}/providers/Microsoft.App/managedEnvironments/cae-unit"


def run(program: Callable[[], None]) -> Plan:
    return render(program, project="unit", stack="unit", config={})


def _app(name: str = "ca-unit", **kwargs: object) -> None:
    identity = UserIdentity("id", UserIdentityArgs(name="id-unit", resource_group_name=RG, location="westeurope"))
    workload = WorkloadArgs(
        name=name,
        resource_group_name=RG,
        location="westeurope",
        environment_id=ENV_ID,
        identity=identity,
        container=ContainerSpec(image="mcr.microsoft.com/k8se/quickstart:latest"),
    )
    ContainerApp("app", ContainerAppArgs(workload=workload, **kwargs))  # type: ignore[arg-type]


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
    splits = [TrafficSplit(weight=80, revision_suffix="v1"), TrafficSplit(weight=10)]
    with pytest.raises(ValueError, match="traffic weights sum to 90, not 100"):
        run(lambda: _app(target_port=80, traffic=splits))


def test_container_app_refuses_traffic_without_ingress() -> None:
    with pytest.raises(ValueError, match="traffic splitting needs ingress"):
        run(lambda: _app(traffic=[TrafficSplit(weight=100)]))


def test_container_app_refuses_a_size_outside_the_consumption_combinations() -> None:
    def program() -> None:
        identity = UserIdentity("id", UserIdentityArgs(name="id-unit", resource_group_name=RG, location="westeurope"))
        workload = WorkloadArgs(
            name="ca-unit",
            resource_group_name=RG,
            location="westeurope",
            environment_id=ENV_ID,
            identity=identity,
            container=ContainerSpec(image="x", cpu=0.5, memory="2Gi"),
        )
        ContainerApp("app", ContainerAppArgs(workload=workload))

    with pytest.raises(ValueError, match="not a Consumption combination"):
        run(program)


@pytest.mark.parametrize(
    ("cpu", "memory", "ok"),
    [(0.25, 0.5, True), (1.75, 3.5, True), (4, 8, True), (0.2, 0.4, False), (4.25, 8.5, False), (1, 4, False)],
)
def test_consumption_allocation_rule(cpu: float, memory: float, ok: bool) -> None:
    assert consumption_allocation_ok(cpu, memory) is ok


def test_registry_below_premium_refuses_to_be_private() -> None:
    def program() -> None:
        ContainerRegistry(
            "acr",
            ContainerRegistryArgs(
                name="crunit",
                resource_group_name=RG,
                location="westeurope",
                sku="Standard",
                private_endpoint=PrivateEndpointPlacement(subnet_id="snet", dns_zone_id="zone"),
            ),
        )

    with pytest.raises(ValueError, match="SKU Standard cannot be private"):
        run(program)


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
    def program() -> None:
        ContainerAppsEnvironment(
            "cae",
            ContainerAppsEnvironmentArgs(
                name="cae-unit",
                resource_group_name=RG,
                location="westeurope",
                infrastructure_subnet_id="snet",
                vnet_id="vnet",
                dedicated_profiles=[DedicatedProfile(name="big", type="D64")],
            ),
        )

    with pytest.raises(ValueError, match="unknown type 'D64'"):
        run(program)


def test_redis_streams_rule_needs_exactly_one_target() -> None:
    with pytest.raises(ValueError, match="exactly one of pending_entries_count, lag_count"):
        RedisStreamsScaleRule(address="r:10000", stream="s", consumer_group="g", password_secret="p")


def test_service_bus_rule_needs_a_queue_or_a_subscription() -> None:
    with pytest.raises(ValueError, match="set queue_name, or topic_name with subscription_name"):
        ServiceBusScaleRule(namespace="sb-unit", topic_name="t")

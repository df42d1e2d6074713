"""Service Bus: each rule its settings model enforces refuses a stack file and a direct component call alike (the
table and helpers of tests/test_schema.py); the platform-only checks (Premium for the private endpoint, scale rules
on existing queues); and what each stack's plan shows: private, keyless, in prod zone-redundant, protected and locked,
with the worker scaling on its queue as its own identity and Redis access keys off."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from azplatform.components.interfaces import PrivateEndpointSpec
from azplatform.components.scale_rules import ServiceBusScaleRule
from azplatform.components.service_bus import ServiceBus, ServiceBusArgs
from azplatform.plan.model import Plan
from azplatform.stacks.config import deep_merge, load_platform_config
from azplatform.stacks.errors import ConfigError
from tests.conftest import stack_values
from tests.test_schema import RG, Case
from tests.test_schema import test_stack_file_and_component_refuse_alike as refused_alike

COMMON: dict[str, Any] = {"resource_group_name": RG, "location": "westeurope", "name": "sbns-unit-dev"}
QUEUE = "serviceBus.queues.orders"
NAMESPACE = "azure-native:servicebus:Namespace"
STACKS = ("dev", "staging", "prod")
ROOT = Path(__file__).resolve().parent.parent


def _sb(**kwargs: Any) -> Callable[[], object]:
    return lambda: ServiceBusArgs.model_validate({**COMMON, **kwargs})


def _queue(**fields: Any) -> Callable[[], object]:
    return _sb(queues={"orders": fields})


CASES = [
    Case(
        "queue name breaks Azure's rules",
        {"serviceBus": {"queues": {"-orders": {}}}},
        "serviceBus.queues.-orders",
        _sb(queues={"-orders": {}}),
        "breaks Azure's naming rules",
    ),
    Case(
        "queue name with a slash (ARM cannot address it)",
        {"serviceBus": {"queues": {"orders/eu": {}}}},
        "serviceBus.queues.orders/eu",
        _sb(queues={"orders/eu": {}}),
        "breaks Azure's naming rules",
    ),
    Case(
        "subscription name above 50 characters",
        {"serviceBus": {"topics": {"events": {"subscriptions": {"s" * 51: {}}}}}},
        f"serviceBus.topics.events.subscriptions.{'s' * 51}",
        _sb(topics={"events": {"subscriptions": {"s" * 51: {}}}}),
        "is 51 characters; Azure allows 1-50",
    ),
    Case(
        "queue and topic share a name",
        {"serviceBus": {"queues": {"orders": {}}, "topics": {"orders": {}}}},
        "serviceBus.topics",
        _sb(queues={"orders": {}}, topics={"orders": {}}),
        "a queue and a topic cannot share a name",
    ),
    Case(
        "lock duration above Azure's 5 minutes",
        {"serviceBus": {"queues": {"orders": {"lockDurationSeconds": 301}}}},
        f"{QUEUE}.lockDurationSeconds",
        _queue(lock_duration_seconds=301),
        "less than or equal to 300",
    ),
    Case(
        "max delivery count 0",
        {"serviceBus": {"queues": {"orders": {"maxDeliveryCount": 0}}}},
        f"{QUEUE}.maxDeliveryCount",
        _queue(max_delivery_count=0),
        "greater than or equal to 1",
    ),
    Case(
        "duplicate detection window below 20 seconds",
        {"serviceBus": {"queues": {"orders": {"duplicateDetectionSeconds": 10}}}},
        f"{QUEUE}.duplicateDetectionSeconds",
        _queue(duplicate_detection_seconds=10),
        "greater than or equal to 20",
    ),
    Case(
        "duplicate detection window above 7 days",
        {"serviceBus": {"topics": {"events": {"duplicateDetectionSeconds": 604801}}}},
        "serviceBus.topics.events.duplicateDetectionSeconds",
        _sb(topics={"events": {"duplicate_detection_seconds": 604801}}),
        "less than or equal to 604800",
    ),
    Case(
        "messaging units not a Premium size",
        {"serviceBus": {"capacity": 3}},
        "serviceBus.capacity",
        _sb(capacity=3),
        "must be one of 1, 2, 4, 8, 16",
    ),
    Case(
        "messaging units on Standard",
        {"serviceBus": {"sku": "Standard", "capacity": 2}},
        "serviceBus.capacity",
        _sb(sku="Standard", capacity=2),
        "messaging units are a Premium feature",
    ),
    Case(
        "large messages on Standard",
        {"serviceBus": {"sku": "Standard", "queues": {"orders": {"maxMessageSizeKb": 2048}}}},
        f"{QUEUE}.maxMessageSizeKb",
        _sb(sku="Standard", queues={"orders": {"max_message_size_kb": 2048}}),
        "messages above 256 KB are a Premium feature",
    ),
    Case(
        "Basic tier",
        {"serviceBus": {"sku": "Basic"}},
        "serviceBus.sku",
        _sb(sku="Basic"),
        "Input should be 'Standard' or 'Premium'",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_stack_file_and_component_refuse_alike(case: Case) -> None:
    refused_alike(case)


def _stack_problems(override: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        load_platform_config(deep_merge(stack_values("prod"), override), "Pulumi.prod.yaml")
    return {p.path: p.message for p in info.value.problems}


def test_the_platform_refuses_standard_as_it_has_no_private_endpoint() -> None:
    problems = _stack_problems({"serviceBus": {"sku": "Standard"}})
    assert "private endpoints need Premium" in problems["serviceBus.sku"]


def test_a_scale_rule_on_the_platform_namespace_needs_one_of_its_queues() -> None:
    rules = [{"type": "azure-servicebus", "queueName": "missing"}]
    problems = _stack_problems({"apps": {"worker": {"scaleRules": rules}}})
    assert "has no queue 'missing'" in problems["apps.worker.scaleRules[0].queueName"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_sb(sku="Standard", zone_redundant=True), "availability zones are a Premium feature"),
        (
            _sb(
                sku="Standard",
                private_endpoints=[PrivateEndpointSpec(subnet_id="snet", private_dns_zone_ids=["zone"])],
            ),
            "private endpoints are a Premium feature",
        ),
        (lambda: ServiceBusArgs.model_validate({**COMMON, "name": "sbns-unit-sb"}), "not ending in -sb or -mgmt"),
        (lambda: ServiceBusArgs.model_validate({**COMMON, "name": "sb-1"}), "is 4 characters; allowed 6-50"),
        (lambda: ServiceBus.alert_dead_letters(object.__new__(ServiceBus), 0, "ag-id"), "greater than or equal to 1"),
        (lambda: ServiceBus.alert_throttling(object.__new__(ServiceBus), 0, "ag-id"), "greater than or equal to 1"),
    ],
)
def test_direct_use_refuses_what_azure_would(build: Callable[[], object], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert message in str(info.value)


def test_a_rule_without_namespace_cannot_render_outside_the_platform() -> None:
    with pytest.raises(ValueError, match="namespace is required"):
        ServiceBusScaleRule(queue_name="orders").app_rule("identity-id")


# --- the stacks' plans ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_namespace_is_premium_private_and_entra_only(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    namespace = plan.one(NAMESPACE)
    assert namespace.inputs["sku"]["name"] == "Premium"
    assert namespace.inputs["publicNetworkAccess"] == "Disabled"
    assert namespace.inputs["disableLocalAuth"] is True
    assert namespace.inputs["minimumTlsVersion"] == "1.2"
    endpoint = plan.one("azure-native:network:PrivateEndpoint", "platform-sb-pep")
    assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["namespace"]
    zones = [z.inputs["privateZoneName"] for z in plan.of_type("azure-native:privatedns:PrivateZone")]
    assert "privatelink.servicebus.windows.net" in zones
    diagnostics = plan.one("azure-native:monitor:DiagnosticSetting", "platform-sb-diag")
    assert diagnostics.inputs["workspaceId"]
    alerts = {a.name for a in plan.of_type("azure-native:monitor:MetricAlert")}
    assert {"platform-sb-dead-letters-alert", "platform-sb-throttling-alert"} <= alerts
    assert plan.outputs["serviceBusNamespace"].endswith(".servicebus.windows.net")


def test_prod_namespace_is_zone_redundant_protected_and_locked(prod_plan: Plan) -> None:
    namespace = prod_plan.one(NAMESPACE)
    assert namespace.inputs["zoneRedundant"] is True
    assert namespace.protect
    assert prod_plan.one("azure-native:servicebus:Queue").protect
    lock = prod_plan.one("azure-native:authorization:ManagementLockByScope", "platform-sb-lock")
    assert lock.inputs["level"] == "CanNotDelete"


def test_dev_namespace_has_no_zones_and_no_lock(dev_plan: Plan) -> None:
    assert dev_plan.one(NAMESPACE).inputs["zoneRedundant"] is False
    assert not dev_plan.one(NAMESPACE).protect
    locks = {r.name for r in dev_plan.of_type("azure-native:authorization:ManagementLockByScope")}
    assert "platform-sb-lock" not in locks


def test_queue_has_dead_lettering_and_duplicate_detection(prod_plan: Plan) -> None:
    queue = prod_plan.one("azure-native:servicebus:Queue")
    assert queue.inputs["queueName"] == "orders"
    assert queue.inputs["deadLetteringOnMessageExpiration"] is True
    assert queue.inputs["maxDeliveryCount"] == 10
    assert queue.inputs["lockDuration"] == "PT60S"
    assert queue.inputs["requiresDuplicateDetection"] is True
    assert queue.inputs["duplicateDetectionHistoryTimeWindow"] == "PT600S"
    assert set(queue.options.replaceOnChanges) >= {"requiresSession", "requiresDuplicateDetection"}


@pytest.mark.parametrize("stack", STACKS)
def test_worker_scales_on_its_queue_as_its_identity_with_no_secret(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    worker = plan.one("azure-native:app:ContainerApp", "platform-worker")
    (rule,) = worker.inputs["template"]["scale"]["rules"]
    custom = rule["custom"]
    assert custom["type"] == "azure-servicebus"
    assert custom["metadata"]["queueName"] == "orders"
    assert custom["metadata"]["namespace"] == plan.one(NAMESPACE).inputs["namespaceName"]
    assert "auth" not in custom and custom["identity"].endswith(
        "/userAssignedIdentities/id-azp-worker-" + ({"dev": "dev", "staging": "stg", "prod": "prod"}[stack] + "-weu")
    )
    assert not worker.inputs["configuration"].get("secrets")
    grants = {g.name: g for g in plan.of_type("azure-native:authorization:RoleAssignment")}
    owner = grants["platform-sb-orders-service-bus-data-owner-platform-worker-id"]
    assert owner.inputs["roleDefinitionId"].endswith("/090c5cfd-751d-490a-894a-3ce6f1109419")
    assert owner.inputs["scope"].endswith("/queues/orders")
    receiver = grants["platform-sb-service-bus-data-receiver-platform-worker-id"]
    assert receiver.inputs["roleDefinitionId"].endswith("/4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0")
    sender = grants["platform-sb-service-bus-data-sender-platform-api-id"]
    assert sender.inputs["roleDefinitionId"].endswith("/69a216fc-b8fb-44d8-bc22-1f3c2cd27a39")
    env = {e["name"]: e.get("value") for e in worker.inputs["template"]["containers"][0]["env"]}
    assert env["SERVICEBUS_HOST"].endswith(".servicebus.windows.net")


@pytest.mark.parametrize("stack", STACKS)
def test_without_a_redis_streams_rule_keda_gets_no_redis_key(plans: dict[str, Plan], stack: str) -> None:
    # Keys are on only for the declared semantic-cache exception (staging and prod), and then only as API
    # Management's connection string: no bare key for a KEDA scaler anywhere.
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    assert not config.redis.access_keys_for_keda
    database = plans[stack].one("azure-native:redisenterprise:Database")
    assert database.inputs["accessKeysAuthentication"] == ("Enabled" if config.redis.access_keys else "Disabled")
    secrets = [
        s.inputs["secretName"] for s in plans[stack].of_type("azure-native:keyvault:Secret") if "redis" in s.name
    ]
    assert secrets == (["redis-apim-cache-connection"] if config.redis.access_keys_for_apim_cache else [])


def test_bad_service_bus_config_exits_2_naming_the_key_path(tmp_path: Path) -> None:
    """The real command line: a queue name Azure refuses and messaging units on Standard, each with its key."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    document["config"]["azplatform:serviceBus"] = {"sku": "Standard", "capacity": 2, "queues": {"orders_": {}}}
    (tmp_path / "Pulumi.prod.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "azplatform.stacks.cli", "plan", "--stack", "prod", "--project-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "azplatform:serviceBus.queues.orders_" in result.stderr
    assert "breaks Azure's naming rules" in result.stderr
    assert "azplatform:serviceBus.capacity = 2" in result.stderr
    assert "messaging units are a Premium feature" in result.stderr
    assert "azplatform:serviceBus.sku = 'Standard'" in result.stderr

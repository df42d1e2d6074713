"""Azure Service Bus: the namespace, its queues, topics and topic subscriptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azplatform.components.records.billing import (
    HOURS_PER_MONTH,
    Charge,
    Free,
    Meter,
    Priced,
    Related,
    UsageAssumptions,
    fmt,
    get,
    num,
    sku_name,
    usage_figure,
)
from azplatform.components.records.model import Immutable, Prerequisite, PrivateLink, Telemetry, Tier, TypeRecord
from azplatform.components.records.sources import ARM_MOVE, PRIVATE_LINK_DNS, QUICK

NAMESPACE = "azure-native:servicebus:Namespace"
QUEUE = "azure-native:servicebus:Queue"
TOPIC = "azure-native:servicebus:Topic"
SUBSCRIPTION = "azure-native:servicebus:Subscription"

_MIGRATE_PREMIUM = "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-migrate-standard-premium"
_DUPLICATES = "https://learn.microsoft.com/azure/service-bus-messaging/duplicate-detection"
_SESSIONS = "https://learn.microsoft.com/azure/service-bus-messaging/message-sessions"
_PARTITIONS = "https://learn.microsoft.com/azure/service-bus-messaging/enable-partitions-premium"
_RELIABILITY = "https://learn.microsoft.com/azure/reliability/reliability-service-bus"
# AMQP on 5671 (TLS) and AMQP over WebSockets / HTTPS on 443.
_PORTS = (
    "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-faq"
    "#what-ports-do-i-need-to-open-on-the-firewall-"
)


def _namespace(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"serviceBusEndpoint": f"https://{inputs.get('namespaceName')}.servicebus.windows.net:443/"}


# Fixed when a queue or topic is created.
_DUPLICATE_DETECTION = Immutable(
    "requiresDuplicateDetection", "duplicate detection can't be turned on or off after creation", _DUPLICATES
)
_PARTITIONING = Immutable("enablePartitioning", "partitioning is chosen when an entity is created", _PARTITIONS)

_ENTITY_TIME: dict[str, Any] = {
    "create_minutes": 0.2,
    "create_time_basis": "estimate",
    "create_time_source": QUICK,
    "create_time_note": "queues, topics and subscriptions are created on a running namespace",
}


SERVICE_BUS_OPERATIONS = usage_figure(
    "service_bus_operations_per_month", 0, "Service Bus messaging operations a month (Standard tier)."
)


def _price_service_bus(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = sku_name(inputs)
    if sku == "Premium":
        units = num(get(inputs, "sku", "capacity"), 1.0)
        return [
            Charge(
                "servicebus.premium.unit",
                "Service Bus Premium messaging units",
                units * HOURS_PER_MONTH,
                f"{fmt(units)} units x 730 h",
                "fixed",
            )
        ]
    if sku == "Standard":
        included = 13_000_000
        billed = max(0.0, usage.figure(SERVICE_BUS_OPERATIONS) - included)
        return [
            Charge("servicebus.standard.base", "Service Bus Standard base charge", HOURS_PER_MONTH, "730 h", "fixed"),
            Charge(
                "servicebus.standard.operations",
                "messaging operations beyond the included 13 million",
                billed / 1_000_000,
                f"({fmt(usage.figure(SERVICE_BUS_OPERATIONS))} - 13,000,000) operations, in millions",
                "usage",
                (SERVICE_BUS_OPERATIONS.key,),
            ),
        ]
    raise ValueError(f"Service Bus SKU {sku!r} has no price entry (priced: Standard, Premium)")


_NAMESPACE_COST = Priced(
    (
        Meter("servicebus.standard.base", "Service Bus", "Service Bus", "Standard", "Standard Base Unit", "1 Hour"),
        Meter(
            "servicebus.standard.operations",
            "Service Bus",
            "Service Bus",
            "Standard",
            "Standard Messaging Operations",
            "1M",
        ),
        Meter("servicebus.premium.unit", "Service Bus", "Service Bus", "Premium", "Premium Messaging Unit", "1 Hour"),
    ),
    _price_service_bus,
)


ORDER = 50
"""Where these records come in :data:`~azplatform.components.records.RECORDS` (lower first)."""

RECORDS = (
    TypeRecord(
        token=NAMESPACE,
        cost=_NAMESPACE_COST,
        label="Service Bus",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.ServiceBus/namespaces/{namespaceName}",
        parent=None,
        stateful=True,
        taggable=True,
        # OperationalLogs, VNetAndIPFilteringLogs, RuntimeAuditLogs (Premium) and the namespace metrics.
        # https://learn.microsoft.com/azure/service-bus-messaging/monitor-service-bus-reference
        telemetry=Telemetry.LOGS,
        create_minutes=5,
        create_time_basis="estimate",
        create_time_source="estimate: no published duration for a Premium namespace",
        create_time_note=(
            "a Premium namespace reserves dedicated messaging units; Standard namespaces create in about a minute. "
            "5 minutes assumed"
        ),
        prerequisites=(),
        immutable=(
            Immutable("location", "a Service Bus namespace cannot move between regions", ARM_MOVE),
            Immutable(
                "sku.name",
                "a namespace keeps its tier: Standard to Premium is a migration to a new Premium namespace",
                _MIGRATE_PREMIUM,
            ),
            Immutable(
                "premiumMessagingPartitions",
                "the number of partitions is fixed when the namespace is created",
                _PARTITIONS,
            ),
            Immutable("zoneRedundant", "zone redundancy is chosen when a Premium namespace is created", _RELIABILITY),
        ),
        private_link=PrivateLink(
            group_id="namespace",
            zone="privatelink.servicebus.windows.net",
            source=PRIVATE_LINK_DNS,
            ports=("5671", "443"),
            ports_source=_PORTS,
        ),
        computed=_namespace,
    ),
    TypeRecord(
        token=QUEUE,
        cost=Free("included in the namespace price (Premium messaging units)"),
        label="queue",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.ServiceBus/namespaces/{namespaceName}/queues/{queueName}",
        parent=NAMESPACE,
        stateful=True,
        taggable=False,
        telemetry=Telemetry.NONE,
        **_ENTITY_TIME,
        prerequisites=(Prerequisite(NAMESPACE, "a queue is a child of its namespace"),),
        immutable=(
            Immutable("requiresSession", "sessions can only be turned on when a queue is created", _SESSIONS),
            _DUPLICATE_DETECTION,
            _PARTITIONING,
        ),
    ),
    TypeRecord(
        token=TOPIC,
        cost=Free("included in the namespace price (Premium messaging units)"),
        label="topic",
        tier=Tier.DATA,
        arm_id="{rg}/providers/Microsoft.ServiceBus/namespaces/{namespaceName}/topics/{topicName}",
        parent=NAMESPACE,
        stateful=True,
        taggable=False,
        telemetry=Telemetry.NONE,
        **_ENTITY_TIME,
        prerequisites=(Prerequisite(NAMESPACE, "a topic is a child of its namespace"),),
        immutable=(
            _DUPLICATE_DETECTION,
            _PARTITIONING,
        ),
    ),
    TypeRecord(
        token=SUBSCRIPTION,
        cost=Free("included in the namespace price (Premium messaging units)"),
        label="subscription",
        tier=Tier.DATA,
        arm_id=(
            "{rg}/providers/Microsoft.ServiceBus/namespaces/{namespaceName}/topics/{topicName}"
            "/subscriptions/{subscriptionName}"
        ),
        parent=TOPIC,
        stateful=True,
        taggable=False,
        telemetry=Telemetry.NONE,
        **_ENTITY_TIME,
        prerequisites=(
            Prerequisite(NAMESPACE, "a subscription is a grandchild of its namespace"),
            Prerequisite(TOPIC, "a subscription is a child of its topic"),
        ),
        immutable=(
            Immutable("requiresSession", "sessions can only be turned on when a subscription is created", _SESSIONS),
        ),
    ),
)

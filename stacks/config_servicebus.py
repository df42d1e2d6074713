"""The ``serviceBus`` config section and its checks across sections.

The section is the component's own settings model (:class:`ServiceBusSettings`), which defines, defaults and
validates every key; :class:`ServiceBusConfig` adds only the alert thresholds the platform itself interprets.
:func:`servicebus_problems` checks what spans sections on raw values (so that these problems are reported together
with every field error): the platform reaches Service Bus only through a private endpoint, which needs Premium; and a
scale rule on the platform's namespace must name one of its queues or topic subscriptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from azplatform.components.service_bus import DeadLetteredMessages, ServiceBusSettings, ThrottledRequests
from azplatform.stacks.config_base import get_path as _get
from azplatform.stacks.errors import ConfigProblem

__all__ = ["ServiceBusConfig", "servicebus_problems"]


class ServiceBusConfig(ServiceBusSettings):
    """Azure Service Bus: one namespace, private endpoint only, Entra only; queues and topics from config."""

    dead_letter_alert: DeadLetteredMessages = Field(
        default=10,
        description="Alert when an entity's dead-letter queue holds more than this many messages (at least 1). "
        "Default 10.",
    )
    throttled_requests_alert: ThrottledRequests = Field(
        default=10,
        description="Alert when Service Bus throttles more than this many requests in 5 minutes (at least 1). "
        "Default 10.",
    )


def servicebus_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Cross-section checks for Service Bus; malformed values are skipped (field validation reports them)."""
    problems: list[ConfigProblem] = []
    sku = _get(data, "serviceBus", "sku")
    if sku == "Standard":
        # https://learn.microsoft.com/azure/service-bus-messaging/private-link-service
        problems.append(
            ConfigProblem(
                "serviceBus.sku",
                "the platform reaches Service Bus only through a private endpoint (public network access off), and "
                "private endpoints need Premium; Standard would be reachable from nowhere",
                sku,
            )
        )
    queues = _get(data, "serviceBus", "queues")
    topics = _get(data, "serviceBus", "topics")
    queue_names = set(queues) if isinstance(queues, Mapping) else set()
    subscriptions = {
        (topic, sub)
        for topic, settings in (topics.items() if isinstance(topics, Mapping) else [])
        if isinstance(settings, Mapping) and isinstance(settings.get("subscriptions"), Mapping)
        for sub in settings["subscriptions"]
    }
    apps = data.get("apps")
    for name, app in apps.items() if isinstance(apps, Mapping) else []:
        rules = _get(app, "scaleRules")
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, Mapping) or rule.get("type") != "azure-servicebus" or rule.get("namespace"):
                continue
            path = f"apps.{name}.scaleRules[{index}]"
            queue = rule.get("queueName")
            if isinstance(queue, str) and queue not in queue_names:
                problems.append(
                    ConfigProblem(
                        f"{path}.queueName",
                        f"scales on the platform's Service Bus, which has no queue {queue!r}; "
                        f"serviceBus.queues has: {', '.join(sorted(queue_names)) or 'none'}",
                        queue,
                    )
                )
            topic, sub = rule.get("topicName"), rule.get("subscriptionName")
            if isinstance(topic, str) and isinstance(sub, str) and (topic, sub) not in subscriptions:
                problems.append(
                    ConfigProblem(
                        f"{path}.subscriptionName",
                        f"scales on the platform's Service Bus, which has no subscription {sub!r} on topic {topic!r}",
                        sub,
                    )
                )
    return problems

"""Azure Service Bus (``Microsoft.ServiceBus/namespaces``): a private, Entra-only namespace with its queues, topics
and topic subscriptions.

What each tier allows (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-premium-messaging and
https://learn.microsoft.com/azure/service-bus-messaging/private-link-service): private endpoints and virtual network
integration are Premium only ("This feature is supported with the premium tier"); so are messaging units (dedicated
capacity, 1, 2, 4, 8 or 16 per partition), availability zones and messages larger than 256 KB (up to 100 MB).
Standard shares capacity, has no private endpoint and therefore no way to keep traffic off the public endpoint.

Limits (the ARM reference https://learn.microsoft.com/azure/templates/microsoft.servicebus/namespaces/queues and the
administration client's https://learn.microsoft.com/dotnet/api/azure.messaging.servicebus.administration.createqueueoptions):
a peek-lock lasts at most 5 minutes (default 1 minute; the 5-second floor here is the platform's own choice); the
maximum delivery count is at least 1 (default 10); the duplicate detection window is 20 seconds to 7 days (default
10 minutes).

Entity names (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftservicebus):
queues and topics 1-260 characters, subscriptions 1-50, letters, digits, periods, hyphens and underscores, starting and
ending with a letter or digit. Service Bus itself accepts ``/`` in entity names, but Azure Resource Manager cannot
address such entities (https://learn.microsoft.com/archive/blogs/servicebus/azure-service-bus-azure-resource-manager-and-this-character),
so they are refused here.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, TypeAdapter, model_validator

from azplatform.components.alerting import Dimension, Severity, metric_alert
from azplatform.components.args import Args, raise_problems
from azplatform.components.interfaces import CommonArgs, PrivateEndpointSpec, apply_interfaces
from azplatform.components.naming import NameRule, name_check
from azplatform.components.rbac import ExistingResource, Grantable, Principal, RoleCatalogue, assign_role
from azplatform.components.replacements import replace_on_changes

__all__ = [
    "ExistingServiceBus",
    "ServiceBus",
    "ServiceBusArgs",
    "ServiceBusGrants",
    "ServiceBusQueueSettings",
    "ServiceBusRole",
    "ServiceBusSettings",
    "ServiceBusSubscriptionSettings",
    "ServiceBusTopicSettings",
]

TYPE_TOKEN = "azplatform:index:ServiceBus"

sb = azure_native.servicebus

PRIVATE_LINK_GROUP = "namespace"
"""The namespace's Private Link sub-resource (zone privatelink.servicebus.windows.net)."""

HOST_SUFFIX = ".servicebus.windows.net"

# Namespaces: 6-50, letter first, letter or digit last, and not ending in -sb or -mgmt
# (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quickstart-portal#create-a-namespace-in-the-azure-portal).
NAMESPACE_NAME_RULE = NameRule(
    "sbns",
    6,
    50,
    r"(?!.*-(sb|mgmt)$)[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]",
    "letters, digits, hyphens; letter first, letter or digit last; not ending in -sb or -mgmt",
    globally_unique=True,
)

MESSAGING_UNITS = (1, 2, 4, 8, 16)
"""Premium messaging units per namespace (one partition): SBSkuArgs.capacity in the SDK."""

# Entity names (see the module docstring); ARM cannot address names with '/'.
_ENTITY_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")
_QUEUE_TOPIC_MAX = 260
_SUBSCRIPTION_MAX = 50

LOCK_DURATION_MAX_SECONDS = 300
DUPLICATE_WINDOW_MIN_SECONDS = 20
DUPLICATE_WINDOW_MAX_SECONDS = 7 * 24 * 3600
# Premium: messages up to 100 MB (102400 KB); Standard: 256 KB, not settable.
# https://learn.microsoft.com/azure/service-bus-messaging/service-bus-premium-messaging#large-messages-support
MAX_MESSAGE_SIZE_KB = (1024, 102400)

DeadLetteredMessages = Annotated[int, Field(ge=1)]
"""A dead-letter alert threshold: messages in the namespace's dead-letter queues."""
ThrottledRequests = Annotated[int, Field(ge=1)]
"""A throttling alert threshold: requests Service Bus throttled within 5 minutes."""


def entity_name_problem(name: str, maximum: int) -> str | None:
    """Why Azure Resource Manager would refuse ``name`` as a queue, topic (``maximum`` 260) or subscription (50)."""
    if not 1 <= len(name) <= maximum:
        return f"is {len(name)} characters; Azure allows 1-{maximum}"
    if not _ENTITY_NAME.fullmatch(name):
        return (
            "breaks Azure's naming rules: letters, digits, periods, hyphens, underscores; letter or digit first "
            "and last"
        )
    return None


def _iso_seconds(seconds: int) -> str:
    return f"PT{seconds}S"


class _Delivery(Args):
    """What a receiver sees of a queue or a subscription: locks, redelivery, dead-lettering, sessions."""

    lock_duration_seconds: int = Field(
        default=60,
        ge=5,
        le=LOCK_DURATION_MAX_SECONDS,
        description="Seconds a peek-locked message stays invisible to other receivers (5-300: Azure's maximum is "
        "5 minutes; 5 seconds is this platform's floor, as Azure documents none). Default 60.",
    )
    max_delivery_count: int = Field(
        default=10,
        ge=1,
        description="Deliveries after which a message goes to the dead-letter queue (at least 1). Default 10.",
    )
    dead_letter_on_expiration: bool = Field(
        default=True, description="Move expired messages to the dead-letter queue instead of dropping them. Default on."
    )
    message_ttl_seconds: int | None = Field(
        default=None, ge=1, description="Seconds a message lives unless the sender says otherwise. Default: Azure's."
    )
    sessions: bool = Field(
        default=False,
        description="Require sessions (ordered, per-session handling); fixed when the entity is created. Default off.",
    )


class _Entity(Args):
    """What senders see of a queue or a topic: duplicate detection and the largest message."""

    duplicate_detection_seconds: int | None = Field(
        default=None,
        ge=DUPLICATE_WINDOW_MIN_SECONDS,
        le=DUPLICATE_WINDOW_MAX_SECONDS,
        description="Turn on duplicate detection with this history window (20 s to 7 days); fixed at creation. "
        "Default: off.",
    )
    max_message_size_kb: int | None = Field(
        default=None,
        ge=MAX_MESSAGE_SIZE_KB[0],
        le=MAX_MESSAGE_SIZE_KB[1],
        description="Largest message in KB (Premium only, 1024-102400). Default: Azure's (1024 on Premium).",
    )


class ServiceBusQueueSettings(_Delivery, _Entity):
    """One queue (the stack file's ``serviceBus.queues.<name>``)."""


class ServiceBusSubscriptionSettings(_Delivery):
    """One topic subscription (``serviceBus.topics.<topic>.subscriptions.<name>``)."""


class ServiceBusTopicSettings(_Entity):
    """One topic and its subscriptions (``serviceBus.topics.<name>``)."""

    message_ttl_seconds: int | None = Field(
        default=None, ge=1, description="Seconds a message lives unless the sender says otherwise. Default: Azure's."
    )
    subscriptions: dict[str, ServiceBusSubscriptionSettings] = Field(
        default_factory=dict, description="Subscriptions by name (1-50 characters). Default: none."
    )


class ServiceBusSettings(Args):
    """What a user chooses about a Service Bus namespace (the stack file's ``serviceBus`` section)."""

    sku: Literal["Standard", "Premium"] = Field(
        default="Premium",
        description="Premium (dedicated messaging units, private endpoints, zones, large messages) or Standard "
        "(shared, public endpoint only). Basic is not offered (no topics). Default Premium.",
    )
    capacity: int = Field(default=1, description="Premium messaging units: 1, 2, 4, 8 or 16. Premium only. Default 1.")
    queues: dict[str, ServiceBusQueueSettings] = Field(
        default_factory=dict, description="Queues by name (1-260 characters). Default: none."
    )
    topics: dict[str, ServiceBusTopicSettings] = Field(
        default_factory=dict,
        description="Topics by name (1-260 characters), each with its subscriptions. Default: none.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ServiceBusSettings:
        problems: list[tuple[tuple[str, ...], str, Any]] = []
        premium = self.sku == "Premium"
        if self.capacity not in MESSAGING_UNITS:
            problems.append((("capacity",), f"must be one of {', '.join(map(str, MESSAGING_UNITS))}", self.capacity))
        elif not premium and self.capacity != 1:
            problems.append((("capacity",), "messaging units are a Premium feature; Standard has none", self.capacity))
        for kind, entities in (("queues", self.queues), ("topics", self.topics)):
            for name, entity in entities.items():
                problem = entity_name_problem(name, _QUEUE_TOPIC_MAX)
                if problem:
                    problems.append(((kind, name), f"{kind[:-1]} name {name!r} {problem}", name))
                if entity.max_message_size_kb is not None and not premium:
                    problems.append(
                        (
                            (kind, name, "max_message_size_kb"),
                            "messages above 256 KB are a Premium feature; Standard's limit is fixed",
                            entity.max_message_size_kb,
                        )
                    )
        for topic, settings in self.topics.items():
            for name in settings.subscriptions:
                problem = entity_name_problem(name, _SUBSCRIPTION_MAX)
                if problem:
                    problems.append(
                        (("topics", topic, "subscriptions", name), f"subscription name {name!r} {problem}", name)
                    )
        # Queues and topics share the namespace's entity paths.
        shared = sorted({n.lower() for n in self.queues} & {n.lower() for n in self.topics})
        if shared:
            problems.append((("topics",), f"a queue and a topic cannot share a name: {shared}", shared))
        raise_problems(problems)
        return self


class ServiceBusArgs(ServiceBusSettings, CommonArgs):
    """Arguments for :class:`ServiceBus`: its settings plus placement and the shared interfaces."""

    name: Annotated[str, AfterValidator(name_check(NAMESPACE_NAME_RULE, "service bus namespace"))] = Field(
        description="Namespace name (CAF sbns-...; 6-50 letters, digits, hyphens; letter first; globally unique, as "
        "the host name is <name>.servicebus.windows.net)."
    )
    zone_redundant: bool = Field(
        default=False,
        description="Spread the namespace over the region's availability zones (Premium only); fixed at creation. "
        "Default off.",
    )
    private_endpoints: list[PrivateEndpointSpec] = Field(
        default_factory=list,
        description="Private endpoints (group namespace, Premium only); public network access is disabled either "
        "way. Default: none.",
    )

    @model_validator(mode="after")
    def _premium_features(self) -> ServiceBusArgs:
        problems: list[tuple[tuple[str, ...], str, Any]] = []
        if self.sku != "Premium":
            if self.zone_redundant:
                problems.append((("zone_redundant",), "availability zones are a Premium feature", True))
            if self.private_endpoints:
                problems.append(
                    (("private_endpoints",), "private endpoints are a Premium feature; Standard has none", "...")
                )
        raise_problems(problems)
        return self


class ServiceBusRole(RoleCatalogue):
    """The Service Bus data-plane roles (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/integration)."""

    SERVICE_BUS_DATA_RECEIVER = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"
    SERVICE_BUS_DATA_SENDER = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"
    SERVICE_BUS_DATA_OWNER = "090c5cfd-751d-490a-894a-3ce6f1109419"


class ServiceBusGrants(Grantable):
    """Data-plane grants on a namespace (or one of its entities), for a :class:`ServiceBus` and an
    :class:`ExistingServiceBus` alike."""

    def grant_data_sender(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """Azure Service Bus Data Sender on the namespace: send to every queue and topic."""
        return self._grant(ServiceBusRole.SERVICE_BUS_DATA_SENDER, principal)

    def grant_data_receiver(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """Azure Service Bus Data Receiver on the namespace: receive from every queue and subscription."""
        return self._grant(ServiceBusRole.SERVICE_BUS_DATA_RECEIVER, principal)

    def grant_queue_scaler(self, principal: Principal, queue: str) -> azure_native.authorization.RoleAssignment:
        """Azure Service Bus Data Owner on one queue only: KEDA's azure-servicebus scaler reads the queue's message
        count through the management API, which needs Manage rights (https://github.com/kedacore/keda/issues/806),
        so a scale rule's identity needs the owner role, scoped here to the queue it scales on."""
        return self._entity_owner(principal, "queues", queue)

    def grant_topic_scaler(self, principal: Principal, topic: str) -> azure_native.authorization.RoleAssignment:
        """Azure Service Bus Data Owner on one topic only (its subscriptions included), for a scale rule on one of
        the topic's subscriptions (see ``grant_queue_scaler``)."""
        return self._entity_owner(principal, "topics", topic)

    def _entity_owner(self, principal: Principal, kind: str, entity: str) -> azure_native.authorization.RoleAssignment:
        scope = pulumi.Output.from_input(self._grant_scope).apply(lambda rid: f"{rid}/{kind}/{entity}")
        owner_name = f"{self._grant_name}-{entity}" if kind == "queues" else f"{self._grant_name}-topic-{entity}"
        return assign_role(self._grant_owner, owner_name, scope, ServiceBusRole.SERVICE_BUS_DATA_OWNER, principal)


class ExistingServiceBus(ExistingResource, ServiceBusGrants):
    """A namespace another stack owns, by id (``PlatformReference.service_bus_namespace`` names it): grants on it."""


class ServiceBus(pulumi.ComponentResource, ServiceBusGrants):
    """A Service Bus namespace with no public network access and no SAS keys (Entra only, TLS 1.2+), and its queues,
    topics and subscriptions. Grants: ``grant_data_sender``, ``grant_data_receiver``, ``grant_queue_scaler``,
    ``grant_topic_scaler``.
    Alerts: ``alert_dead_letters``, ``alert_throttling``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    host_name: pulumi.Output[str]

    def __init__(self, name: str, args: ServiceBusArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name = name
        self._resource_group_name = args.resource_group_name
        self._tags = dict(args.tags)
        premium = args.sku == "Premium"
        self.namespace = sb.Namespace(
            name,
            namespace_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=sb.SBSkuArgs(
                name=sb.SkuName(args.sku), tier=sb.SkuTier(args.sku), capacity=args.capacity if premium else None
            ),
            # Entra only: no SAS keys or connection strings, for apps and scale rules alike.
            # https://learn.microsoft.com/azure/service-bus-messaging/disable-local-authentication
            disable_local_auth=True,
            public_network_access=sb.PublicNetworkAccess.DISABLED,
            minimum_tls_version=sb.TlsVersion.TLS_VERSION_1_2,
            zone_redundant=args.zone_redundant if premium else None,
            tags=self._tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                replace_on_changes=replace_on_changes("azure-native:servicebus:Namespace"),
            ),
        )
        self.queues: dict[str, azure_native.servicebus.Queue] = {}
        for queue, settings in sorted(args.queues.items()):
            self.queues[queue] = sb.Queue(
                f"{name}-q-{queue}",
                namespace_name=self.namespace.name,
                resource_group_name=args.resource_group_name,
                queue_name=queue,
                requires_session=settings.sessions,
                **_delivery(settings),
                **_duplicates(settings.duplicate_detection_seconds),
                max_message_size_in_kilobytes=settings.max_message_size_kb,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=args.protect,
                    replace_on_changes=replace_on_changes("azure-native:servicebus:Queue"),
                ),
            )
        self.topics: dict[str, azure_native.servicebus.Topic] = {}
        self.subscriptions: dict[tuple[str, str], azure_native.servicebus.Subscription] = {}
        for topic, topic_settings in sorted(args.topics.items()):
            self.topics[topic] = sb.Topic(
                f"{name}-t-{topic}",
                namespace_name=self.namespace.name,
                resource_group_name=args.resource_group_name,
                topic_name=topic,
                default_message_time_to_live=_ttl(topic_settings.message_ttl_seconds),
                max_message_size_in_kilobytes=topic_settings.max_message_size_kb,
                **_duplicates(topic_settings.duplicate_detection_seconds),
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=args.protect,
                    replace_on_changes=replace_on_changes("azure-native:servicebus:Topic"),
                ),
            )
            for subscription, delivery in sorted(topic_settings.subscriptions.items()):
                self.subscriptions[(topic, subscription)] = sb.Subscription(
                    f"{name}-t-{topic}-s-{subscription}",
                    namespace_name=self.namespace.name,
                    resource_group_name=args.resource_group_name,
                    topic_name=self.topics[topic].name,
                    subscription_name=subscription,
                    requires_session=delivery.sessions,
                    **_delivery(delivery),
                    opts=pulumi.ResourceOptions(
                        parent=self,
                        protect=args.protect,
                        replace_on_changes=replace_on_changes("azure-native:servicebus:Subscription"),
                    ),
                )
        # The lock covers the queues, topics and subscriptions too (locks apply to child resources).
        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.namespace,
            azure_name=args.name,
            group_id=PRIVATE_LINK_GROUP,
            lock_notes="Service Bus holds the platform's queued messages",
        )
        self._grant_owner, self._grant_name, self._grant_scope = self, name, self.namespace.id
        self.id = self.namespace.id
        self.name = self.namespace.name
        self.host_name = self.namespace.name.apply(lambda n: f"{n}{HOST_SUFFIX}")
        self.register_outputs({"id": self.id, "hostName": self.host_name})

    def alert_dead_letters(
        self, messages: int, action_group_id: pulumi.Input[str], *, severity: Severity = 2
    ) -> azure_native.monitor.MetricAlert:
        """Alert when the namespace's dead-letter queues hold more than ``messages`` (at least 1) messages, per
        entity (``DeadletteredMessages``, average over 15 minutes, split by EntityName). Metric:
        https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-servicebus-namespaces-metrics
        """
        messages = _DEAD_LETTERS.validate_python(messages)
        return self._alert(
            "dead-letters",
            "DeadletteredMessages",
            "Average",
            messages,
            ("PT15M", "PT5M"),
            f"Service Bus: more than {messages} dead-lettered messages in an entity; inspect and resubmit or discard "
            "them",
            action_group_id,
            severity,
            dimensions=[Dimension(name="EntityName", values=["*"])],
        )

    def alert_throttling(
        self, throttled_requests: int, action_group_id: pulumi.Input[str], *, severity: Severity = 2
    ) -> azure_native.monitor.MetricAlert:
        """Alert when Service Bus throttles more than ``throttled_requests`` (at least 1) requests in 5 minutes
        (``ThrottledRequests``, total): the namespace needs more messaging units. Metric:
        https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-servicebus-namespaces-metrics
        """
        throttled_requests = _THROTTLED.validate_python(throttled_requests)
        return self._alert(
            "throttling",
            "ThrottledRequests",
            "Total",
            throttled_requests,
            ("PT5M", "PT1M"),
            f"Service Bus throttled more than {throttled_requests} requests in 5 minutes: add messaging units",
            action_group_id,
            severity,
        )

    def _alert(  # noqa: PLR0917 - one call per alert, each argument named by its role
        self,
        suffix: str,
        metric: str,
        aggregation: str,
        threshold: int,
        window_and_frequency: tuple[str, str],
        description: str,
        action_group_id: pulumi.Input[str],
        severity: Severity,
        dimensions: list[Dimension] | None = None,
    ) -> azure_native.monitor.MetricAlert:
        """A static-threshold alert on one of the namespace's metrics (namespace Microsoft.ServiceBus/namespaces)."""
        window, frequency = window_and_frequency
        return metric_alert(
            self,
            f"{self._name}-{suffix}",
            resource_group_name=self._resource_group_name,
            scope_id=self.namespace.id,
            metric_namespace="Microsoft.ServiceBus/namespaces",
            metric_name=metric,
            aggregation=aggregation,
            operator="GreaterThan",
            threshold=threshold,
            dimensions=dimensions or (),
            window_size=window,
            evaluation_frequency=frequency,
            severity=severity,
            description=description,
            action_group_id=action_group_id,
            tags=self._tags,
        )


_DEAD_LETTERS: TypeAdapter[int] = TypeAdapter(DeadLetteredMessages)
_THROTTLED: TypeAdapter[int] = TypeAdapter(ThrottledRequests)


def _ttl(seconds: int | None) -> str | None:
    return _iso_seconds(seconds) if seconds is not None else None


def _delivery(settings: _Delivery) -> dict[str, Any]:
    return {
        "lock_duration": _iso_seconds(settings.lock_duration_seconds),
        "max_delivery_count": settings.max_delivery_count,
        "dead_lettering_on_message_expiration": settings.dead_letter_on_expiration,
        "default_message_time_to_live": _ttl(settings.message_ttl_seconds),
    }


def _duplicates(window_seconds: int | None) -> dict[str, Any]:
    if window_seconds is None:
        return {"requires_duplicate_detection": False}
    return {
        "requires_duplicate_detection": True,
        "duplicate_detection_history_time_window": _iso_seconds(window_seconds),
    }


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "ServiceBus": """
from azplatform.components import (
    DiagnosticSettings, PrivateEndpointSpec, ServiceBus, ServiceBusArgs, ServiceBusQueueSettings,
)

bus = ServiceBus("bus", ServiceBusArgs(
    name="sbns-shop-dev-weu", resource_group_name=RG, location="westeurope", sku="Premium", capacity=1,
    queues={"orders": ServiceBusQueueSettings(max_delivery_count=5, duplicate_detection_seconds=600)},
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.servicebus.windows.net"]
    )],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
}

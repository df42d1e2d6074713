"""The Service Bus tier: the platform's namespace (private, Entra only; in prod protected and locked), its alerts,
and what an app gets from it: data roles, its host name, and keyless KEDA scaling on its queues."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from azplatform.components.interfaces import DiagnosticSettings, Lock, PrivateEndpointSpec
from azplatform.components.rbac import Principal
from azplatform.components.scale_rules import ScaleRule, ServiceBusScaleRule
from azplatform.components.service_bus import NAMESPACE_NAME_RULE, ServiceBus, ServiceBusArgs
from azplatform.stacks.config import PlatformConfig
from azplatform.stacks.config_compute import AppConfig

__all__ = ["AppServiceBusAccess", "ServiceBusInputs", "ServiceBusTier", "build_servicebus"]

HOST_ENV = "SERVICEBUS_HOST"
"""The environment variable that gives an app the namespace's host name (``<name>.servicebus.windows.net``)."""


@dataclass(frozen=True)
class ServiceBusInputs:
    """What the tier needs from the rest of the platform."""

    name: str
    """The platform's logical name (the prefix of every Pulumi name)."""
    config: PlatformConfig
    resource_group_name: pulumi.Input[str]
    location: str
    tags: Mapping[str, str]
    private_endpoint: PrivateEndpointSpec
    """The endpoint in the private endpoints subnet, registered in privatelink.servicebus.windows.net."""
    workspace_id: pulumi.Input[str]
    action_group_id: pulumi.Input[str]
    parent: pulumi.Resource


@dataclass(frozen=True)
class AppServiceBusAccess:
    """What one app got from the tier."""

    env: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Environment variables (SERVICEBUS_HOST when the app has data access)."""
    scale_rules: list[ScaleRule] = field(default_factory=list)
    """The app's scale rules, those on the platform's namespace with its name filled in."""
    prerequisites: list[pulumi.Resource] = field(default_factory=list)
    """Role assignments the app's scale rules need before Azure creates it."""


@dataclass(frozen=True)
class ServiceBusTier:
    """The tier's result: the namespace and how apps get access to it."""

    service_bus: ServiceBus
    namespace_name: str

    @property
    def host_name(self) -> pulumi.Output[str]:
        """The namespace's fully qualified host name (the outputs contract's ``serviceBusNamespace``)."""
        return self.service_bus.host_name

    def app_access(self, principal: Principal, app: AppConfig) -> AppServiceBusAccess:
        """The grants ``app.dataAccess.serviceBus`` asks for and keyless scaling for its azure-servicebus rules on
        the platform's namespace: the rule authenticates as the app's identity (the rule's ``identity``), which
        gets Azure Service Bus Data Owner on the scaled queue alone."""
        env: dict[str, pulumi.Input[str]] = {}
        access = app.data_access.service_bus
        if access in ("sender", "senderReceiver"):
            self.service_bus.grant_data_sender(principal)
        if access in ("receiver", "senderReceiver"):
            self.service_bus.grant_data_receiver(principal)
        if access != "none":
            env[HOST_ENV] = self.host_name
        rules: list[ScaleRule] = []
        prerequisites: list[pulumi.Resource] = []
        for rule in app.scale_rules:
            if isinstance(rule, ServiceBusScaleRule) and rule.namespace is None:
                if rule.queue_name is not None:
                    prerequisites.append(self.service_bus.grant_queue_scaler(principal, rule.queue_name))
                    prerequisites.append(self.service_bus.queues[rule.queue_name])
                elif rule.topic_name is not None and rule.subscription_name is not None:
                    prerequisites.append(self.service_bus.grant_topic_scaler(principal, rule.topic_name))
                    prerequisites.append(self.service_bus.subscriptions[(rule.topic_name, rule.subscription_name)])
                rules.append(rule.replace(namespace=self.namespace_name))
            else:
                rules.append(rule)
        return AppServiceBusAccess(env=env, scale_rules=rules, prerequisites=prerequisites)


def build_servicebus(inputs: ServiceBusInputs) -> ServiceBusTier:
    """The platform's Service Bus namespace with the queues and topics of ``config.serviceBus``, diagnostics to
    the workspace, dead-letter and throttling alerts, and in prod Pulumi protect and a CanNotDelete lock."""
    config = inputs.config
    prod = config.environment == "prod"
    settings = config.service_bus
    namespace_name = config.namer.name(NAMESPACE_NAME_RULE)
    service_bus = ServiceBus(
        f"{inputs.name}-sb",
        settings.extend(
            ServiceBusArgs,
            resource_group_name=inputs.resource_group_name,
            location=inputs.location,
            tags=dict(inputs.tags),
            name=namespace_name,
            zone_redundant=config.zone_redundant,
            private_endpoints=[inputs.private_endpoint],
            diagnostic_settings=[DiagnosticSettings(workspace_id=inputs.workspace_id)],
            lock=Lock() if prod else None,
            protect=prod,
        ),
        opts=pulumi.ResourceOptions(parent=inputs.parent),
    )
    service_bus.alert_dead_letters(settings.dead_letter_alert, inputs.action_group_id)
    service_bus.alert_throttling(settings.throttled_requests_alert, inputs.action_group_id)
    return ServiceBusTier(service_bus=service_bus, namespace_name=namespace_name)

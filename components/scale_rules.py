"""KEDA scale rules for Container Apps and event-driven Container Apps jobs, as typed values.

Each rule renders itself as a container app rule (``app.ScaleRuleArgs``) and, where KEDA allows it, as a job
rule (``app.JobScaleRuleArgs``). Metadata names are KEDA's, case-sensitive, and values are strings.

Sources:
- Container Apps rules (http, custom, ``auth`` and ``identity``): https://learn.microsoft.com/azure/container-apps/scale-app
- managed identity in scale rules (``identity`` instead of ``auth``):
  https://learn.microsoft.com/azure/container-apps/managed-identity#scale-rules
- cpu / memory (never scale to 0, ScaledObject only, so no jobs): https://keda.sh/docs/latest/scalers/cpu/
  and https://keda.sh/docs/latest/scalers/memory/
- redis-streams: https://keda.sh/docs/latest/scalers/redis-streams/ ; parameter names from the scaler source
  (kedacore/keda pkg/scalers/redis_streams_scaler.go: stream, consumerGroup, pendingEntriesCount, lagCount,
  activationLagCount, enableTLS; redis_scaler.go: address, username, password read from authParams)
- azure-servicebus: https://keda.sh/docs/latest/scalers/azure-service-bus/
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import pulumi
import pulumi_azure_native as azure_native

_app = azure_native.app


@dataclass(frozen=True, kw_only=True)
class HttpScaleRule:
    """Scale on concurrent HTTP requests per replica (apps with ingress only; jobs cannot use it)."""

    concurrent_requests: int = 10
    """Requests per replica above which a replica is added. Default 10 (Azure's default)."""
    name: str = "http"
    """Rule name, unique within the app. Default ``http``."""

    def app_rule(self, identity_id: pulumi.Input[str]) -> _app.ScaleRuleArgs:
        """The container app rule."""
        return _app.ScaleRuleArgs(
            name=self.name,
            http=_app.HttpScaleRuleArgs(metadata={"concurrentRequests": str(self.concurrent_requests)}),
        )

    def secret_refs(self) -> list[str]:
        """Secrets the rule authenticates with."""
        return []


@dataclass(frozen=True, kw_only=True)
class CpuScaleRule:
    """Scale on average CPU utilisation (percent of the requested CPU). KEDA's cpu scaler never scales to 0."""

    utilization: int = 70
    """Target average utilisation in percent. Default 70."""
    name: str = "cpu"
    """Rule name. Default ``cpu``."""

    def app_rule(self, identity_id: pulumi.Input[str]) -> _app.ScaleRuleArgs:
        """The container app rule: a custom rule of type ``cpu``."""
        return _app.ScaleRuleArgs(
            name=self.name,
            custom=_app.CustomScaleRuleArgs(
                type="cpu", metadata={"type": "Utilization", "value": str(self.utilization)}
            ),
        )

    def secret_refs(self) -> list[str]:
        """Secrets the rule authenticates with."""
        return []


@dataclass(frozen=True, kw_only=True)
class MemoryScaleRule:
    """Scale on average memory utilisation (percent of the requested memory). Never scales to 0."""

    utilization: int = 75
    """Target average utilisation in percent. Default 75."""
    name: str = "memory"
    """Rule name. Default ``memory``."""

    def app_rule(self, identity_id: pulumi.Input[str]) -> _app.ScaleRuleArgs:
        """The container app rule: a custom rule of type ``memory``."""
        return _app.ScaleRuleArgs(
            name=self.name,
            custom=_app.CustomScaleRuleArgs(
                type="memory", metadata={"type": "Utilization", "value": str(self.utilization)}
            ),
        )

    def secret_refs(self) -> list[str]:
        """Secrets the rule authenticates with."""
        return []


# The metadata key for the endpoint: one address, or the cluster scaler's comma-separated list.
# https://keda.sh/docs/latest/scalers/redis-streams/ and https://keda.sh/docs/latest/scalers/redis-cluster-streams/
_REDIS_ADDRESS_KEY = {"redis-streams": "address", "redis-cluster-streams": "addresses"}


@dataclass(frozen=True, kw_only=True)
class RedisStreamsScaleRule:
    """Scale on a Redis stream consumer group: its pending entries (XPENDING) or its lag (XINFO GROUPS).

    KEDA cannot authenticate to Redis with a managed identity, so the password comes from a container app
    secret, which itself is a Key Vault reference (never a literal).
    """

    address: pulumi.Input[str]
    """``host:port`` of the Redis endpoint (Azure Managed Redis listens on 10000, TLS only)."""
    stream: str
    """Stream name."""
    consumer_group: str
    """Consumer group whose backlog drives scaling."""
    password_secret: str
    """Name of the app secret holding the password (KEDA trigger parameter ``password``)."""
    pending_entries_count: int | None = None
    """Target pending entries per replica. Set exactly one of this and ``lag_count``."""
    lag_count: int | None = None
    """Target consumer-group lag per replica; the only mode that can wake a revision from 0 (Redis 7+)."""
    activation_lag_count: int | None = None
    """Lag above which the scaler activates from 0. Default: KEDA's (0)."""
    enable_tls: bool = True
    """Connect over TLS. Default on (Azure Managed Redis accepts TLS only)."""
    username_secret: str | None = None
    """Name of the app secret holding an ACL user name (trigger parameter ``username``). Default: none."""
    name: str = "redis-streams"
    """Rule name. Default ``redis-streams``."""
    scaler: str = "redis-streams"
    """KEDA scaler: ``redis-streams`` for a single endpoint (Azure Managed Redis EnterpriseCluster) or
    ``redis-cluster-streams`` for a cluster-aware client (OSSCluster); ``ManagedRedis.keda_scaler_type`` says
    which. Default ``redis-streams``."""

    def __post_init__(self) -> None:
        if (self.pending_entries_count is None) == (self.lag_count is None):
            raise ValueError(f"redis-streams rule {self.name!r}: set exactly one of pending_entries_count, lag_count")
        if self.scaler not in _REDIS_ADDRESS_KEY:
            raise ValueError(f"redis-streams rule {self.name!r}: scaler must be one of {sorted(_REDIS_ADDRESS_KEY)}")

    def _metadata(self) -> dict[str, pulumi.Input[str]]:
        metadata: dict[str, pulumi.Input[str]] = {
            _REDIS_ADDRESS_KEY[self.scaler]: self.address,
            "stream": self.stream,
            "consumerGroup": self.consumer_group,
            "enableTLS": "true" if self.enable_tls else "false",
        }
        if self.pending_entries_count is not None:
            metadata["pendingEntriesCount"] = str(self.pending_entries_count)
        if self.lag_count is not None:
            metadata["lagCount"] = str(self.lag_count)
        if self.activation_lag_count is not None:
            metadata["activationLagCount"] = str(self.activation_lag_count)
        return metadata

    def _auth(self) -> list[_app.ScaleRuleAuthArgs]:
        auth = [_app.ScaleRuleAuthArgs(secret_ref=self.password_secret, trigger_parameter="password")]
        if self.username_secret is not None:
            auth.append(_app.ScaleRuleAuthArgs(secret_ref=self.username_secret, trigger_parameter="username"))
        return auth

    def app_rule(self, identity_id: pulumi.Input[str]) -> _app.ScaleRuleArgs:
        """The container app rule: a custom ``redis-streams`` rule authenticated from app secrets."""
        return _app.ScaleRuleArgs(
            name=self.name,
            custom=_app.CustomScaleRuleArgs(type=self.scaler, metadata=self._metadata(), auth=self._auth()),
        )

    def job_rule(self, identity_id: pulumi.Input[str]) -> _app.JobScaleRuleArgs:
        """The same trigger for an event-driven job."""
        return _app.JobScaleRuleArgs(name=self.name, type=self.scaler, metadata=self._metadata(), auth=self._auth())

    def secret_refs(self) -> list[str]:
        """Secrets the rule authenticates with."""
        return [self.password_secret] + ([self.username_secret] if self.username_secret else [])


def service_bus_entity_ok(queue_name: str | None, topic_name: str | None, subscription_name: str | None) -> bool:
    """KEDA scales on one entity: a queue, or a topic subscription (topic and subscription together)."""
    if queue_name is not None:
        return topic_name is None and subscription_name is None
    return topic_name is not None and subscription_name is not None


@dataclass(frozen=True, kw_only=True)
class ServiceBusScaleRule:
    """Scale on the active messages of a Service Bus queue or topic subscription, authenticated as the app's
    user-assigned identity (the rule's ``identity``), with no connection string.

    The identity needs a data-plane role on the namespace that can read entity runtime properties; KEDA reads
    message counts through the management API (Manage rights), see https://github.com/kedacore/keda/issues/806.
    That grant belongs to whoever owns the namespace; this platform has no Service Bus of its own.
    """

    namespace: str
    """Service Bus namespace name (without ``.servicebus.windows.net``); required for identity auth."""
    queue_name: str | None = None
    """Queue to scale on. Set this, or ``topic_name`` with ``subscription_name``."""
    topic_name: str | None = None
    """Topic to scale on, with ``subscription_name``."""
    subscription_name: str | None = None
    """Topic subscription to scale on."""
    message_count: int = 5
    """Target active messages per replica. Default 5 (KEDA's default)."""
    activation_message_count: int | None = None
    """Messages above which the scaler activates from 0. Default: KEDA's (0)."""
    name: str = "azure-servicebus"
    """Rule name. Default ``azure-servicebus``."""

    def __post_init__(self) -> None:
        if not service_bus_entity_ok(self.queue_name, self.topic_name, self.subscription_name):
            raise ValueError(
                f"azure-servicebus rule {self.name!r}: set queue_name, or topic_name with subscription_name"
            )

    def _metadata(self) -> dict[str, pulumi.Input[str]]:
        metadata: dict[str, pulumi.Input[str]] = {"namespace": self.namespace, "messageCount": str(self.message_count)}
        if self.queue_name is not None:
            metadata["queueName"] = self.queue_name
        if self.topic_name is not None and self.subscription_name is not None:
            metadata["topicName"] = self.topic_name
            metadata["subscriptionName"] = self.subscription_name
        if self.activation_message_count is not None:
            metadata["activationMessageCount"] = str(self.activation_message_count)
        return metadata

    def app_rule(self, identity_id: pulumi.Input[str]) -> _app.ScaleRuleArgs:
        """The container app rule, authenticated by managed identity instead of ``auth`` secrets."""
        return _app.ScaleRuleArgs(
            name=self.name,
            custom=_app.CustomScaleRuleArgs(type="azure-servicebus", metadata=self._metadata(), identity=identity_id),
        )

    def job_rule(self, identity_id: pulumi.Input[str]) -> _app.JobScaleRuleArgs:
        """The same trigger for an event-driven job."""
        return _app.JobScaleRuleArgs(
            name=self.name, type="azure-servicebus", metadata=self._metadata(), identity=identity_id
        )

    def secret_refs(self) -> list[str]:
        """Secrets the rule authenticates with (none: it uses the identity)."""
        return []


ScaleRule: TypeAlias = HttpScaleRule | CpuScaleRule | MemoryScaleRule | RedisStreamsScaleRule | ServiceBusScaleRule
"""Any rule a container app accepts."""

JobScaleRule: TypeAlias = RedisStreamsScaleRule | ServiceBusScaleRule
"""Rules an event-driven job accepts: KEDA ScaledJob triggers, so no http, cpu or memory."""

SCALE_TO_ZERO_BLOCKERS = (CpuScaleRule, MemoryScaleRule)
"""Rules under which a revision can never reach 0 replicas (KEDA: cpu and memory never scale to 0)."""

"""KEDA scale rules for Container Apps and event-driven Container Apps jobs, as typed, validated values.

Each rule is an :class:`~azplatform.components.args.Args` model with a ``type`` (the stack file's ``scaleRules``
entries are the same models, told apart by ``type``). It renders itself as a container app rule
(``app.ScaleRuleArgs``) and, where KEDA allows it, as a job rule (``app.JobScaleRuleArgs``). Metadata names are
KEDA's, case-sensitive, and values are strings.

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
- Service Bus namespace names (6-50 letters, digits and hyphens, letter first, letter or digit last):
  https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftservicebus
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeAlias

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Discriminator, Field, Tag, model_validator

from azplatform.components.args import Args, Input

# The SDK loads a submodule on first use of one of its names, so this costs nothing at import.
_app = azure_native.app

__all__ = [
    "SCALE_RULE_TYPES",
    "SCALE_TO_ZERO_BLOCKERS",
    "CpuScaleRule",
    "HttpScaleRule",
    "JobScaleRule",
    "MemoryScaleRule",
    "RedisStreamsScaleRule",
    "ScaleRule",
    "ServiceBusScaleRule",
]

# Rule names: lowercase letters, digits and hyphens, alphanumeric at both ends (as Container Apps names are).
_RULE_NAME = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"


def _name(default: str) -> Any:
    return Field(
        default=default,
        pattern=_RULE_NAME,
        description=f"Rule name, unique in the workload (lowercase letters, digits, hyphens). Default {default}.",
    )


class HttpScaleRule(Args):
    """Scale on concurrent HTTP requests per replica (apps with ingress only; jobs cannot use it)."""

    type: Literal["http"] = Field(default="http", description="The rule type: http.")
    name: str = _name("http")
    concurrent_requests: int = Field(
        default=10, ge=1, description="Requests per replica above which a replica is added. Default 10 (Azure's)."
    )

    def app_rule(self, identity_id: pulumi.Input[str]) -> azure_native.app.ScaleRuleArgs:
        """The container app rule."""
        return _app.ScaleRuleArgs(
            name=self.name, http=_app.HttpScaleRuleArgs(metadata={"concurrentRequests": str(self.concurrent_requests)})
        )

    def secret_refs(self) -> list[str]:
        """Secrets the rule authenticates with."""
        return []


class _UtilizationRule(Args):
    """A KEDA cpu or memory rule: a target average utilisation, as a percent of what the container requests."""

    def _utilization_rule(self, name: str, kind: str, utilization: int) -> azure_native.app.ScaleRuleArgs:
        return _app.ScaleRuleArgs(
            name=name,
            custom=_app.CustomScaleRuleArgs(type=kind, metadata={"type": "Utilization", "value": str(utilization)}),
        )

    def secret_refs(self) -> list[str]:
        """Secrets the rule authenticates with."""
        return []


class CpuScaleRule(_UtilizationRule):
    """Scale on average CPU utilisation (percent of the requested CPU). KEDA's cpu scaler never scales to 0."""

    type: Literal["cpu"] = Field(default="cpu", description="The rule type: cpu.")
    name: str = _name("cpu")
    utilization: int = Field(default=70, ge=1, le=100, description="Target average utilisation in percent. Default 70.")

    def app_rule(self, identity_id: pulumi.Input[str]) -> azure_native.app.ScaleRuleArgs:
        """The container app rule: a custom rule of type ``cpu``."""
        return self._utilization_rule(self.name, "cpu", self.utilization)


class MemoryScaleRule(_UtilizationRule):
    """Scale on average memory utilisation (percent of the requested memory). Never scales to 0."""

    type: Literal["memory"] = Field(default="memory", description="The rule type: memory.")
    name: str = _name("memory")
    utilization: int = Field(default=75, ge=1, le=100, description="Target average utilisation in percent. Default 75.")

    def app_rule(self, identity_id: pulumi.Input[str]) -> azure_native.app.ScaleRuleArgs:
        """The container app rule: a custom rule of type ``memory``."""
        return self._utilization_rule(self.name, "memory", self.utilization)


# The metadata key for the endpoint: one address, or the cluster scaler's comma-separated list.
# https://keda.sh/docs/latest/scalers/redis-streams/ and https://keda.sh/docs/latest/scalers/redis-cluster-streams/
_REDIS_ADDRESS_KEY = {"redis-streams": "address", "redis-cluster-streams": "addresses"}
_HOST_PORT = re.compile(r"[A-Za-z0-9.-]+:\d{1,5}")


def _host_port(value: object) -> object:
    if isinstance(value, str) and not _HOST_PORT.fullmatch(value):
        raise ValueError("must be host:port, for example my-redis.westeurope.redis.azure.net:10000")
    return value


class RedisStreamsScaleRule(Args):
    """Scale on a Redis stream consumer group: its pending entries (XPENDING) or its lag (XINFO GROUPS).

    KEDA cannot authenticate to Redis with a managed identity, so the password comes from a workload secret, which
    itself is a Key Vault reference (never a literal).
    """

    type: Literal["redis-streams"] = Field(default="redis-streams", description="The rule type: redis-streams.")
    name: str = _name("redis-streams")
    address: Annotated[Input[str] | None, AfterValidator(_host_port)] = Field(
        default=None,
        description="host:port of the Redis endpoint (Azure Managed Redis listens on 10000, TLS only). Default: "
        "none, which only the platform fills in (its own Azure Managed Redis); give one when using the rule directly.",
    )
    stream: str = Field(min_length=1, description="Stream name.")
    consumer_group: str = Field(min_length=1, description="Consumer group whose backlog drives scaling.")
    password_secret: str = Field(description="The workload secret (in secrets) holding the Redis password.")
    pending_entries_count: int | None = Field(
        default=None, ge=1, description="Target pending entries per replica; set this or lag_count."
    )
    lag_count: int | None = Field(
        default=None,
        ge=1,
        description="Target consumer-group lag per replica; the only mode that can wake a revision from 0 (Redis 7+).",
    )
    activation_lag_count: int | None = Field(
        default=None, ge=0, description="Lag above which the scaler activates from 0. Default: KEDA's (0)."
    )
    enable_tls: bool = Field(default=True, description="Connect over TLS. Default on (Azure Managed Redis: TLS only).")
    username_secret: str | None = Field(
        default=None, description="The workload secret holding an ACL user name. Default: none."
    )
    scaler: Literal["redis-streams", "redis-cluster-streams"] | None = Field(
        default=None,
        description="KEDA scaler: redis-streams for a single endpoint (Azure Managed Redis EnterpriseCluster), "
        "redis-cluster-streams for a cluster-aware client (OSSCluster; ManagedRedis.keda_scaler_type says which). "
        "Default redis-streams; for the platform's own Redis, the one its clustering policy needs.",
    )

    @model_validator(mode="after")
    def _one_target(self) -> RedisStreamsScaleRule:
        if (self.pending_entries_count is None) == (self.lag_count is None):
            raise ValueError("set exactly one of pending_entries_count and lag_count")
        return self

    @property
    def keda_type(self) -> str:
        """The KEDA scaler this rule renders as."""
        return self.scaler or "redis-streams"

    def _metadata(self) -> dict[str, pulumi.Input[str]]:
        if self.address is None:
            raise ValueError(f"redis-streams rule {self.name!r}: address is required (host:port of the Redis)")
        metadata: dict[str, pulumi.Input[str]] = {
            _REDIS_ADDRESS_KEY[self.keda_type]: self.address,
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

    def _auth(self) -> list[azure_native.app.ScaleRuleAuthArgs]:
        auth = [_app.ScaleRuleAuthArgs(secret_ref=self.password_secret, trigger_parameter="password")]
        if self.username_secret is not None:
            auth.append(_app.ScaleRuleAuthArgs(secret_ref=self.username_secret, trigger_parameter="username"))
        return auth

    def app_rule(self, identity_id: pulumi.Input[str]) -> azure_native.app.ScaleRuleArgs:
        """The container app rule: a custom ``redis-streams`` rule authenticated from workload secrets."""
        return _app.ScaleRuleArgs(
            name=self.name,
            custom=_app.CustomScaleRuleArgs(type=self.keda_type, metadata=self._metadata(), auth=self._auth()),
        )

    def job_rule(self, identity_id: pulumi.Input[str]) -> azure_native.app.JobScaleRuleArgs:
        """The same trigger for an event-driven job."""
        return _app.JobScaleRuleArgs(name=self.name, type=self.keda_type, metadata=self._metadata(), auth=self._auth())

    def secret_refs(self) -> list[str]:
        """Secrets the rule authenticates with."""
        return [self.password_secret] + ([self.username_secret] if self.username_secret else [])


class ServiceBusScaleRule(Args):
    """Scale on the active messages of a Service Bus queue or topic subscription, authenticated as the workload's
    user-assigned identity (the rule's ``identity``), with no connection string.

    The identity needs a data-plane role on the namespace that can read entity runtime properties; KEDA reads
    message counts through the management API (Manage rights), see https://github.com/kedacore/keda/issues/806.
    On the platform's own namespace (a rule without ``namespace``), the platform grants Azure Service Bus Data Owner
    on the scaled queue alone (``ServiceBus.grant_queue_scaler``); on another namespace that grant is its owner's.
    """

    type: Literal["azure-servicebus"] = Field(
        default="azure-servicebus", description="The rule type: azure-servicebus."
    )
    name: str = _name("azure-servicebus")
    namespace: str | None = Field(
        default=None,
        min_length=6,
        max_length=50,
        pattern=r"^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$",
        description="Service Bus namespace name, without .servicebus.windows.net (6-50 letters, digits, hyphens). "
        "Default: none, which only the platform fills in (its own namespace); give one when using the rule directly.",
    )
    queue_name: str | None = Field(default=None, description="Queue to scale on; or topic_name with subscription_name.")
    topic_name: str | None = Field(default=None, description="Topic to scale on, with subscription_name.")
    subscription_name: str | None = Field(default=None, description="Topic subscription to scale on.")
    message_count: int = Field(default=5, ge=1, description="Target active messages per replica. Default 5 (KEDA's).")
    activation_message_count: int | None = Field(
        default=None, ge=0, description="Messages above which the scaler activates from 0. Default: KEDA's (0)."
    )

    @model_validator(mode="after")
    def _one_entity(self) -> ServiceBusScaleRule:
        # KEDA scales on one entity: a queue, or a topic subscription (topic and subscription together).
        topic, subscription = self.topic_name is not None, self.subscription_name is not None
        one_entity = not (topic or subscription) if self.queue_name is not None else topic and subscription
        if not one_entity:
            raise ValueError("set queue_name, or topic_name together with subscription_name")
        return self

    def _metadata(self) -> dict[str, pulumi.Input[str]]:
        if self.namespace is None:
            raise ValueError(f"azure-servicebus rule {self.name!r}: namespace is required (the Service Bus namespace)")
        metadata: dict[str, pulumi.Input[str]] = {"namespace": self.namespace, "messageCount": str(self.message_count)}
        if self.queue_name is not None:
            metadata["queueName"] = self.queue_name
        if self.topic_name is not None and self.subscription_name is not None:
            metadata["topicName"] = self.topic_name
            metadata["subscriptionName"] = self.subscription_name
        if self.activation_message_count is not None:
            metadata["activationMessageCount"] = str(self.activation_message_count)
        return metadata

    def app_rule(self, identity_id: pulumi.Input[str]) -> azure_native.app.ScaleRuleArgs:
        """The container app rule, authenticated by managed identity instead of ``auth`` secrets."""
        return _app.ScaleRuleArgs(
            name=self.name,
            custom=_app.CustomScaleRuleArgs(type="azure-servicebus", metadata=self._metadata(), identity=identity_id),
        )

    def job_rule(self, identity_id: pulumi.Input[str]) -> azure_native.app.JobScaleRuleArgs:
        """The same trigger for an event-driven job."""
        return _app.JobScaleRuleArgs(
            name=self.name, type="azure-servicebus", metadata=self._metadata(), identity=identity_id
        )

    def secret_refs(self) -> list[str]:
        """Secrets the rule authenticates with (none: it uses the identity)."""
        return []


SCALE_RULE_TYPES = ("http", "cpu", "memory", "redis-streams", "azure-servicebus")
"""Every rule ``type``, in the order error messages list them."""


def _rule_type(value: Any) -> Any:
    return value.get("type") if isinstance(value, Mapping) else getattr(value, "type", None)


ScaleRule: TypeAlias = Annotated[
    Annotated[HttpScaleRule, Tag("http")]
    | Annotated[CpuScaleRule, Tag("cpu")]
    | Annotated[MemoryScaleRule, Tag("memory")]
    | Annotated[RedisStreamsScaleRule, Tag("redis-streams")]
    | Annotated[ServiceBusScaleRule, Tag("azure-servicebus")],
    Discriminator(
        _rule_type,
        custom_error_type="scale_rule_type",
        custom_error_message=f"unknown or missing scale rule type; allowed: {', '.join(SCALE_RULE_TYPES)}",
    ),
]
"""Any rule, told apart by its ``type``."""

JobScaleRule: TypeAlias = RedisStreamsScaleRule | ServiceBusScaleRule
"""Rules an event-driven job accepts: KEDA ScaledJob triggers, so no http, cpu or memory."""

JOB_TRIGGERS = (RedisStreamsScaleRule, ServiceBusScaleRule)
"""The rule classes that can trigger a job."""

JOB_TRIGGER_TYPES = tuple(str(rule.model_fields["type"].default) for rule in JOB_TRIGGERS)
"""Their ``type`` values, as error messages and descriptions name them."""

SCALE_TO_ZERO_BLOCKERS = (CpuScaleRule, MemoryScaleRule)
"""Rules under which a revision can never reach 0 replicas (KEDA: cpu and memory never scale to 0)."""

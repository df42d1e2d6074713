"""Config for compute: the Container Apps environment, the registry, and the workloads (apps and jobs).

Stack file keys (under ``azplatform:``)::

    containerApps:                  # the environment
      zoneRedundant: true           # default: the top-level zoneRedundant
      workloadProfiles:             # dedicated profiles besides Consumption
        general: {type: D4, minimumCount: 1, maximumCount: 3}
    registry:
      sku: Premium                  # the registry is private, which only Premium supports
    apps:
      api:
        kind: app                   # app (default) or job
        image: ...
        cpu: 0.5
        memory: 1Gi
        targetPort: 80              # none: no ingress (a worker)
        ingressScope: vnet          # environment (default) or vnet
        env: {KEY: value}
        secrets: {redis-password: redis-streams-password}   # app secret -> Key Vault secret name
        secretEnv: {REDIS_PASSWORD: redis-password}         # env var -> app secret
        minReplicas: 2
        maxReplicas: 10
        scaleRules:
          - {type: http, concurrentRequests: 50}
          - {type: cpu, utilization: 70}
        revisions:
          suffix: v2
          traffic:
            - {revisionSuffix: v1, label: stable, weight: 95}
            - {latestRevision: true, label: canary, weight: 5}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from azplatform.components.container_app import consumption_allocation_ok, parse_memory
from azplatform.components.container_apps_environment import CONSUMPTION, DEDICATED_PROFILE_SIZES
from azplatform.components.container_registry import PRIVATE_SKUS
from azplatform.components.regions import REGIONS
from azplatform.components.scale_rules import service_bus_entity_ok
from azplatform.stacks.config_base import Model
from azplatform.stacks.errors import Problem, ProblemList


def _raise(problems: list[tuple[str, str, Any]]) -> None:
    if problems:
        raise ProblemList(problems)


# --- environment and registry -----------------------------------------------------------------------------

WorkloadProfileType = Literal["D4", "D8", "D16", "D32", "E4", "E8", "E16", "E32"]


class WorkloadProfileConfig(Model):
    """A dedicated workload profile: a pool of nodes of one size."""

    type: WorkloadProfileType = Field(description="Node size: D4-D32 (general purpose) or E4-E32 (memory optimised).")
    minimum_count: int = Field(default=0, ge=0, description="Nodes always running. Default 0.")
    maximum_count: int = Field(default=3, ge=1, description="Most nodes. Default 3.")

    @model_validator(mode="after")
    def _counts(self) -> WorkloadProfileConfig:
        if self.minimum_count > self.maximum_count:
            _raise([("minimumCount", f"is greater than maximumCount ({self.maximum_count})", self.minimum_count)])
        return self


_PROFILE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]")


def _profile_names(value: dict[str, WorkloadProfileConfig]) -> dict[str, WorkloadProfileConfig]:
    problems = []
    for name in value:
        if name == CONSUMPTION:
            problems.append((name, f"{CONSUMPTION!r} is the built-in serverless profile; name dedicated ones", name))
        elif not _PROFILE_NAME.fullmatch(name):
            problems.append((name, "must be letters, digits and hyphens, starting with a letter", name))
    _raise(problems)
    return value


class ContainerAppsConfig(Model):
    """The Container Apps environment (always internal and VNet-injected; Consumption profile always present)."""

    zone_redundant: bool | None = Field(
        default=None,
        description="Spread replicas over zones; fixed at creation. Default: the top-level zoneRedundant.",
    )
    workload_profiles: dict[str, WorkloadProfileConfig] = Field(
        default_factory=dict, description="Dedicated workload profiles by name, besides Consumption. Default: none."
    )

    @model_validator(mode="after")
    def _names(self) -> ContainerAppsConfig:
        _profile_names(self.workload_profiles)
        return self


class RegistryConfig(Model):
    """The platform's container registry (private: no public network access, a private endpoint)."""

    sku: Literal["Basic", "Standard", "Premium"] = Field(description="Registry SKU. Profile default Premium.")

    @model_validator(mode="after")
    def _private(self) -> RegistryConfig:
        if self.sku not in PRIVATE_SKUS:
            # https://learn.microsoft.com/azure/container-registry/container-registry-private-link
            _raise(
                [
                    (
                        "sku",
                        "cannot be private: Azure offers private endpoints and disabled public network access "
                        "only on Premium, and the platform's registry is always private; use Premium",
                        self.sku,
                    )
                ]
            )
        return self


# --- workloads ------------------------------------------------------------------------------------------


class ProbeConfig(Model):
    """One health probe. Limits from https://learn.microsoft.com/azure/container-apps/health-probes."""

    path: str | None = Field(default=None, pattern=r"^/", description="HTTP path; none means a TCP probe.")
    port: int | None = Field(default=None, ge=1, le=65535, description="Port; default the app's targetPort.")
    initial_delay_seconds: int = Field(default=1, ge=1, le=60, description="Delay after start (1-60). Default 1.")
    period_seconds: int = Field(default=10, ge=1, le=240, description="Interval (1-240). Default 10.")
    timeout_seconds: int = Field(default=3, ge=1, le=240, description="Timeout (1-240). Default 3.")
    failure_threshold: int = Field(default=3, ge=1, le=10, description="Failures to fail (1-10). Default 3.")
    success_threshold: int = Field(
        default=1, ge=1, le=10, description="Successes to pass (1-10; must be 1 except for readiness). Default 1."
    )


class ProbesConfig(Model):
    """Startup, readiness and liveness probes; any left out gets the default TCP probe on the target port."""

    startup: ProbeConfig | None = Field(default=None, description="Startup probe.")
    readiness: ProbeConfig | None = Field(default=None, description="Readiness probe.")
    liveness: ProbeConfig | None = Field(default=None, description="Liveness probe.")

    @model_validator(mode="after")
    def _success(self) -> ProbesConfig:
        _raise(
            [
                (f"{kind}.successThreshold", "must be 1 for liveness and startup probes", probe.success_threshold)
                for kind, probe in (("startup", self.startup), ("liveness", self.liveness))
                if probe is not None and probe.success_threshold != 1
            ]
        )
        return self


_RULE_NAME = Field(
    default=None,
    pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$",
    description="Rule name, unique in the app; default the rule type.",
)


class HttpRuleConfig(Model):
    """Scale on concurrent HTTP requests per replica (needs ingress)."""

    type: Literal["http"]
    name: str | None = _RULE_NAME
    concurrent_requests: int = Field(default=10, ge=1, description="Requests per replica. Default 10.")


class CpuRuleConfig(Model):
    """Scale on average CPU utilisation (cannot scale to zero)."""

    type: Literal["cpu"]
    name: str | None = _RULE_NAME
    utilization: int = Field(default=70, ge=1, le=100, description="Target percent. Default 70.")


class MemoryRuleConfig(Model):
    """Scale on average memory utilisation (cannot scale to zero)."""

    type: Literal["memory"]
    name: str | None = _RULE_NAME
    utilization: int = Field(default=75, ge=1, le=100, description="Target percent. Default 75.")


class RedisStreamsRuleConfig(Model):
    """Scale on a Redis stream consumer group (KEDA redis-streams); the password is an app secret."""

    type: Literal["redis-streams"]
    name: str | None = _RULE_NAME
    address: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9.-]+:\d{1,5}$",
        description="host:port; default the platform's Azure Managed Redis (<name>.<region>.redis.azure.net:10000).",
    )
    stream: str = Field(min_length=1, description="Stream name.")
    consumer_group: str = Field(min_length=1, description="Consumer group.")
    pending_entries_count: int | None = Field(default=None, ge=1, description="Target pending entries per replica.")
    lag_count: int | None = Field(default=None, ge=1, description="Target lag per replica (can wake from 0).")
    activation_lag_count: int | None = Field(default=None, ge=0, description="Lag that wakes the app from 0.")
    enable_tls: bool = Field(default=True, description="TLS to Redis. Default on.")
    password_secret: str = Field(description="App secret (in `secrets`) holding the Redis password.")
    username_secret: str | None = Field(default=None, description="App secret holding an ACL user name.")

    @model_validator(mode="after")
    def _target(self) -> RedisStreamsRuleConfig:
        if (self.pending_entries_count is None) == (self.lag_count is None):
            _raise([("", "set exactly one of pendingEntriesCount and lagCount", None)])
        return self


class ServiceBusRuleConfig(Model):
    """Scale on a Service Bus queue or subscription, authenticated as the app's managed identity."""

    type: Literal["azure-servicebus"]
    name: str | None = _RULE_NAME
    namespace: str = Field(min_length=6, max_length=50, description="Service Bus namespace name.")
    queue_name: str | None = Field(default=None, description="Queue; or topicName with subscriptionName.")
    topic_name: str | None = Field(default=None, description="Topic, with subscriptionName.")
    subscription_name: str | None = Field(default=None, description="Topic subscription.")
    message_count: int = Field(default=5, ge=1, description="Target messages per replica. Default 5.")
    activation_message_count: int | None = Field(default=None, ge=0, description="Messages that wake from 0.")

    @model_validator(mode="after")
    def _entity(self) -> ServiceBusRuleConfig:
        if not service_bus_entity_ok(self.queue_name, self.topic_name, self.subscription_name):
            _raise([("", "set queueName, or topicName together with subscriptionName", None)])
        return self


SCALE_RULE_TYPES = ("http", "cpu", "memory", "redis-streams", "azure-servicebus")


def _rule_type(value: Any) -> Any:
    return value.get("type") if isinstance(value, Mapping) else getattr(value, "type", None)


ScaleRuleConfig = Annotated[
    Annotated[HttpRuleConfig, Tag("http")]
    | Annotated[CpuRuleConfig, Tag("cpu")]
    | Annotated[MemoryRuleConfig, Tag("memory")]
    | Annotated[RedisStreamsRuleConfig, Tag("redis-streams")]
    | Annotated[ServiceBusRuleConfig, Tag("azure-servicebus")],
    Discriminator(
        _rule_type,
        custom_error_type="scale_rule_type",
        custom_error_message=f"unknown or missing scale rule type; allowed: {', '.join(SCALE_RULE_TYPES)}",
    ),
]


_SUFFIX = r"^[a-z]([a-z0-9-]*[a-z0-9])?$"


class TrafficConfig(Model):
    """A share of an app's traffic: to a revision by suffix, or to the latest revision."""

    weight: int = Field(ge=0, le=100, description="Percent of traffic; an app's weights sum to 100.")
    revision_suffix: str | None = Field(default=None, pattern=_SUFFIX, description="Revision <app>--<suffix>.")
    latest_revision: bool = Field(default=False, description="The latest revision (the one this deploy creates).")
    label: str | None = Field(default=None, pattern=_SUFFIX, description="Label (its own URL) on the revision.")

    @model_validator(mode="after")
    def _target(self) -> TrafficConfig:
        if (self.revision_suffix is None) != self.latest_revision:
            _raise([("", "set exactly one of revisionSuffix and latestRevision: true", None)])
        return self


class RevisionsConfig(Model):
    """Revisions: mode, the new revision's suffix, and the traffic split (blue-green, canary, A/B)."""

    mode: Literal["single", "multiple"] | None = Field(
        default=None, description="Active revisions mode. Default: multiple with ingress, single without."
    )
    suffix: str | None = Field(
        default=None, pattern=_SUFFIX, description="Suffix of the revision this deploy creates. Default: generated."
    )
    traffic: list[TrafficConfig] = Field(
        default_factory=list, description="Traffic split; weights sum to 100. Default: 100% to the latest."
    )


class JobConfig(Model):
    """Execution settings of an event-driven job (kind: job)."""

    replica_timeout_seconds: int = Field(default=1800, ge=1, description="Longest a replica runs. Default 1800.")
    replica_retry_limit: int = Field(default=1, ge=0, description="Retries of a failed replica. Default 1.")
    parallelism: int = Field(default=1, ge=1, description="Replicas per execution. Default 1.")
    replica_completion_count: int = Field(default=1, ge=1, description="Replicas that complete it. Default 1.")
    min_executions: int = Field(default=0, ge=0, description="Executions kept without events. Default 0.")
    max_executions: int = Field(default=10, ge=1, description="Most executions per poll. Default 10.")
    polling_interval_seconds: int = Field(default=30, ge=1, description="Trigger polling interval. Default 30.")

    @model_validator(mode="after")
    def _executions(self) -> JobConfig:
        if self.min_executions > self.max_executions:
            _raise([("minExecutions", f"is greater than maxExecutions ({self.max_executions})", self.min_executions)])
        return self


# Container Apps secret names: lowercase alphanumerics, '-' and '.', alphanumeric at both ends.
# https://learn.microsoft.com/azure/container-apps/manage-secrets
_SECRET_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
# Key Vault object names: 1-127 letters, digits and hyphens.
# https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#object-identifiers
_KEY_VAULT_NAME = re.compile(r"[0-9A-Za-z-]{1,127}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MEMORY = r"^\d+(\.\d{1,2})?Gi$"


class DataAccessConfig(Model):
    """Which of the platform's data stores the workload's identity may use (Entra, no keys). Each grant also sets
    the store's address in the environment: REDIS_HOST and REDIS_PORT, COSMOS_ENDPOINT."""

    redis: bool = Field(default=False, description="Azure Managed Redis data access (default access policy).")
    cosmos: Literal["none", "reader", "contributor"] = Field(
        default="none", description="Cosmos DB built-in data role: none (default), reader or contributor."
    )


class AppConfig(Model):
    """One workload on the Container Apps environment: a container app, or an event-driven job."""

    kind: Literal["app", "job"] = Field(default="app", description="app (long-running) or job (event-driven).")
    image: str = Field(
        min_length=1, description="Container image reference, for example myregistry.azurecr.io/api:1.4.2."
    )
    cpu: float = Field(default=0.5, gt=0, description="vCPU per replica. Default 0.5.")
    memory: str = Field(default="1Gi", pattern=_MEMORY, description="Memory per replica, in Gi. Default 1Gi.")
    workload_profile: str = Field(
        default=CONSUMPTION, description="Workload profile: Consumption or a containerApps.workloadProfiles name."
    )
    target_port: int | None = Field(
        default=None, ge=1, le=65535, description="Port the app listens on; none means no ingress (a worker)."
    )
    ingress_scope: Literal["environment", "vnet"] = Field(
        default="environment",
        description="Who reaches the ingress: other apps in the environment (default), or the VNet through the "
        "environment's internal load balancer (for API Management). Never the internet: the environment is internal.",
    )
    env: dict[str, str] = Field(default_factory=dict, description="Plain environment variables.")
    secrets: dict[str, str] = Field(
        default_factory=dict, description="App secrets as Key Vault references: secret name -> Key Vault secret name."
    )
    secret_env: dict[str, str] = Field(
        default_factory=dict, description="Environment variables from app secrets: variable -> secret name."
    )
    probes: ProbesConfig | None = Field(default=None, description="Health probes. Default: TCP on targetPort.")
    min_replicas: int = Field(default=1, ge=0, le=1000, description="Minimum replicas. Default 1.")
    max_replicas: int = Field(default=10, ge=1, le=1000, description="Maximum replicas. Default 10.")
    scale_rules: list[ScaleRuleConfig] = Field(default_factory=list, description="Scale rules, by type.")
    revisions: RevisionsConfig = Field(default_factory=RevisionsConfig, description="Revisions and traffic.")
    job: JobConfig | None = Field(default=None, description="Job execution settings (kind: job). Default: defaults.")
    data_access: DataAccessConfig = Field(
        default_factory=DataAccessConfig, description="Data stores the workload may use. Default: none."
    )

    @property
    def has_ingress(self) -> bool:
        """Whether the app receives traffic."""
        return self.kind == "app" and self.target_port is not None

    @property
    def revisions_mode(self) -> Literal["single", "multiple"]:
        """The effective active revisions mode."""
        return self.revisions.mode or ("multiple" if self.has_ingress else "single")

    @model_validator(mode="after")
    def _consistent(self) -> AppConfig:
        problems: list[tuple[str, str, Any]] = []
        add = problems.append
        if self.min_replicas > self.max_replicas:
            add(
                (
                    "minReplicas",
                    f"is greater than maxReplicas ({self.max_replicas}); minReplicas must be <= maxReplicas",
                    self.min_replicas,
                )
            )
        problems += _allocation_problems(self)
        problems += _secret_problems(self)
        problems += _rule_problems(self)
        problems += _revision_problems(self)
        if self.probes is not None and self.target_port is None:
            for kind in ("startup", "readiness", "liveness"):
                probe = getattr(self.probes, kind)
                if probe is not None and probe.port is None:
                    add((f"probes.{kind}.port", "is required: the app has no targetPort to probe", None))
        if self.ingress_scope == "vnet" and not self.has_ingress:
            add(("ingressScope", "applies to apps with ingress; set targetPort or remove it", self.ingress_scope))
        if self.kind == "job":
            if self.target_port is not None:
                add(("targetPort", "jobs have no ingress; remove it or use kind: app", self.target_port))
            if self.revisions != RevisionsConfig():
                add(("revisions", "jobs have no revisions or traffic", None))
            if not self.scale_rules:
                add(
                    (
                        "scaleRules",
                        "an event-driven job needs at least one trigger (redis-streams, azure-servicebus)",
                        [],
                    )
                )
        elif self.job is not None:
            add(("job", "only for kind: job", None))
        _raise(problems)
        return self


def _allocation_problems(app: AppConfig) -> list[tuple[str, str, Any]]:
    if app.workload_profile != CONSUMPTION:
        return []  # dedicated sizes are checked against the profile's node size (compute_problems)
    try:
        memory = parse_memory(app.memory)
    except ValueError:
        return []  # the pattern already reports it
    if consumption_allocation_ok(app.cpu, memory):
        return []
    # https://learn.microsoft.com/azure/container-apps/containers#allocations
    return [
        (
            "cpu",
            f"{app.cpu} vCPU with {app.memory} is not a Consumption combination; allowed: 0.25 vCPU steps from "
            "0.25 to 4 with 2 GiB per vCPU (0.25/0.5Gi, 0.5/1Gi, 0.75/1.5Gi, 1/2Gi, ... 2/4Gi, ... 4/8Gi)",
            app.cpu,
        )
    ]


def _secret_problems(app: AppConfig) -> list[tuple[str, str, Any]]:
    problems: list[tuple[str, str, Any]] = []
    for name, vault_name in app.secrets.items():
        if not _SECRET_NAME.fullmatch(name):
            problems.append(
                (
                    f"secrets.{name}",
                    "secret names are lowercase letters, digits, '-' and '.', alphanumeric at the ends",
                    name,
                )
            )
        if not _KEY_VAULT_NAME.fullmatch(vault_name):
            problems.append(
                (f"secrets.{name}", "Key Vault secret names are 1-127 letters, digits and hyphens", vault_name)
            )
    for variable, secret in app.secret_env.items():
        if secret not in app.secrets:
            problems.append((f"secretEnv.{variable}", f"refers to {secret!r}, which is not in secrets", secret))
    for variable in [*app.env, *app.secret_env]:
        if not _ENV_NAME.fullmatch(variable):
            problems.append((f"env.{variable}", "environment variable names are letters, digits and _", variable))
    for variable in set(app.env) & set(app.secret_env):
        problems.append((f"secretEnv.{variable}", "is also set in env; set it in one place", variable))
    return problems


def rule_name(rule: ScaleRuleConfig) -> str:
    """The rule's name: its own, or its type."""
    return rule.name or rule.type


def _rule_problems(app: AppConfig) -> list[tuple[str, str, Any]]:
    problems: list[tuple[str, str, Any]] = []
    names = [rule_name(rule) for rule in app.scale_rules]
    for index, rule in enumerate(app.scale_rules):
        path = f"scaleRules.{index}"
        if names[index] in names[:index]:
            problems.append(
                (f"{path}.name", f"{names[index]!r} is used twice; give each rule a unique name", names[index])
            )
        if app.kind == "job" and rule.type in ("http", "cpu", "memory"):
            # Jobs scale on KEDA ScaledJob triggers; http is app-only, cpu/memory are ScaledObject-only.
            # https://keda.sh/docs/latest/scalers/cpu/ ; https://learn.microsoft.com/azure/container-apps/jobs
            problems.append(
                (f"{path}.type", f"{rule.type} cannot trigger a job; use redis-streams or azure-servicebus", rule.type)
            )
            continue
        if rule.type == "http" and not app.has_ingress:
            problems.append((f"{path}.type", "http scaling needs ingress (targetPort)", rule.type))
        if rule.type in ("cpu", "memory") and app.min_replicas == 0 and app.kind == "app":
            # KEDA: "This scaler will never scale to 0" (https://keda.sh/docs/latest/scalers/cpu/).
            problems.append(
                ("minReplicas", f"is 0, but a {rule.type} rule never scales to zero; set minReplicas >= 1", 0)
            )
        if isinstance(rule, RedisStreamsRuleConfig):
            for secret in [rule.password_secret, rule.username_secret]:
                if secret is not None and secret not in app.secrets:
                    problems.append((f"{path}", f"refers to secret {secret!r}, which is not in secrets", secret))
            if rule.pending_entries_count is not None and app.min_replicas == 0 and app.kind == "app":
                # Pending entries exist only once a consumer has read them, so at 0 replicas the count stays 0
                # and the app never wakes; KEDA's lagCount mode is the one that scales from 0.
                # https://keda.sh/docs/latest/scalers/redis-streams/
                problems.append(
                    (
                        f"{path}.pendingEntriesCount",
                        "cannot wake an app from 0 replicas; use lagCount or minReplicas >= 1",
                        rule.pending_entries_count,
                    )
                )
    return problems


def _revision_problems(app: AppConfig) -> list[tuple[str, str, Any]]:
    problems: list[tuple[str, str, Any]] = []
    traffic = app.revisions.traffic
    if not traffic:
        return problems
    if not app.has_ingress:
        problems.append(("revisions.traffic", "traffic splitting needs ingress (targetPort)", None))
    if app.revisions_mode != "multiple":
        problems.append(("revisions.mode", "traffic splitting needs mode: multiple", app.revisions.mode))
    total = sum(split.weight for split in traffic)
    if total != 100:
        problems.append(
            ("revisions.traffic", f"weights sum to {total}; they must sum to 100", [t.weight for t in traffic])
        )
    labels = [split.label for split in traffic if split.label is not None]
    for label in sorted({label for label in labels if labels.count(label) > 1}):
        problems.append(("revisions.traffic", f"label {label!r} is used twice", label))
    if sum(1 for split in traffic if split.latest_revision) > 1:
        problems.append(("revisions.traffic", "only one entry can be latestRevision", None))
    suffixes = [split.revision_suffix for split in traffic if split.revision_suffix is not None]
    for suffix in sorted({s for s in suffixes if suffixes.count(s) > 1}):
        problems.append(("revisions.traffic", f"revision {suffix!r} appears twice", suffix))
    if app.revisions.suffix is not None and app.revisions.suffix in suffixes:
        problems.append(
            (
                "revisions.suffix",
                "is the new revision's suffix; point traffic at it with latestRevision: true, not revisionSuffix",
                app.revisions.suffix,
            )
        )
    return problems


# --- checks across sections, on raw values (called from stacks.config.cross_check) --------------------------


def _get(data: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def compute_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Compute checks that span several keys: prod replica floors, profile references and sizes, and zones."""
    problems: list[Problem] = []
    environment = data.get("environment")
    profiles = _get(data, "containerApps", "workloadProfiles")
    profiles = profiles if isinstance(profiles, Mapping) else {}
    apps = data.get("apps")
    for name, app in apps.items() if isinstance(apps, Mapping) else []:
        if not isinstance(app, Mapping):
            continue
        path = f"apps.{name}"
        ingress = app.get("kind", "app") == "app" and app.get("targetPort") is not None
        min_replicas = app.get("minReplicas", 1)
        if environment == "prod" and ingress and isinstance(min_replicas, int) and min_replicas < 2:
            # Prod spreads ingress apps over zones; one replica is one zone and no headroom for a restart.
            # https://learn.microsoft.com/azure/reliability/reliability-azure-container-apps
            problems.append(
                Problem(
                    f"{path}.minReplicas",
                    "is below 2; in prod an app with ingress keeps at least 2 replicas (one per zone, no single "
                    "point of failure)",
                    min_replicas,
                )
            )
        profile_name = app.get("workloadProfile", CONSUMPTION)
        if not isinstance(profile_name, str) or profile_name == CONSUMPTION:
            continue
        profile = profiles.get(profile_name)
        if not isinstance(profile, Mapping):
            known = ", ".join([CONSUMPTION, *sorted(profiles)])
            problems.append(
                Problem(f"{path}.workloadProfile", f"is not a workload profile; known: {known}", profile_name)
            )
            continue
        size = DEDICATED_PROFILE_SIZES.get(str(profile.get("type")))
        cpu = _number(app.get("cpu", 0.5))
        memory = app.get("memory", "1Gi")
        if size is None or cpu is None or not isinstance(memory, str) or not re.fullmatch(_MEMORY, memory):
            continue
        if cpu > size[0] or parse_memory(memory) > size[1]:
            problems.append(
                Problem(
                    f"{path}.cpu",
                    f"{cpu:g} vCPU / {memory} does not fit a {profile.get('type')} node "
                    f"({size[0]} vCPU, {size[1]} GiB)",
                    cpu,
                )
            )
    zone_redundant = _get(data, "containerApps", "zoneRedundant")
    region = REGIONS.get(str(data.get("location")))
    if zone_redundant is True and region is not None and not region.zones:
        problems.append(
            Problem("containerApps.zoneRedundant", f"{data.get('location')} has no availability zones", True)
        )
    return problems

"""Config for compute: the stack file's ``containerApps``, ``registry`` and ``apps`` sections.

The sections are the components' own settings models (``ContainerAppsEnvironmentSettings``,
``ContainerRegistrySettings``, ``ContainerAppSettings`` / ``ContainerAppJobSettings``), so a stack file and a team
using the components directly meet the same rules with the same messages. This module adds only what the stack
file says beyond them (an entry's ``kind``, a job's ``job`` key in the same entry, ``dataAccess``) and the checks
that need the environment or another section.

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
        dataAccess: {redis: true, cosmos: contributor}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from pydantic import Field

from azplatform.components.args import Args
from azplatform.components.container_app import (
    MEMORY_PATTERN,
    ContainerAppJobSettings,
    ContainerAppSettings,
    JobExecution,
    Problems,
    Revisions,
    WorkloadSettings,
    job_trigger_problems,
    parse_memory,
    workload_problems,
)
from azplatform.components.container_apps_environment import CONSUMPTION
from azplatform.components.records.compute import DEDICATED_PROFILE_SIZES
from azplatform.components.regions import REGIONS
from azplatform.plan.environments import is_environment, traits
from azplatform.stacks.config_base import Model
from azplatform.stacks.config_base import get_path as _get
from azplatform.stacks.errors import ConfigProblem

_S = TypeVar("_S", bound=WorkloadSettings)


class DataAccessConfig(Model):
    """Which of the platform's data stores the workload's identity may use (Entra, no keys). Each grant also sets
    the store's address in the environment: REDIS_HOST and REDIS_PORT, COSMOS_ENDPOINT, POSTGRES_HOST,
    SERVICEBUS_HOST."""

    redis: bool = Field(default=False, description="Azure Managed Redis data access (default access policy).")
    cosmos: Literal["none", "reader", "contributor"] = Field(
        default="none", description="Cosmos DB built-in data role: none (default), reader or contributor."
    )
    postgres: list[str] = Field(
        default_factory=list,
        description="PostgreSQL databases (of postgres.databases) the identity becomes a role in, with POSTGRES_HOST, "
        "POSTGRES_PORT and POSTGRES_USER in its environment. Default: none.",
    )
    service_bus: Literal["none", "sender", "receiver", "senderReceiver"] = Field(
        default="none",
        description="Service Bus data roles on the namespace: none (default), sender (Azure Service Bus Data Sender), "
        "receiver (Data Receiver) or senderReceiver (both); sets SERVICEBUS_HOST.",
    )


class AppConfig(ContainerAppSettings):
    """One workload on the Container Apps environment: a container app's settings, or (kind: job) an event-driven
    job's, in one entry; plus the data stores the platform grants it."""

    kind: Literal["app", "job"] = Field(default="app", description="app (long-running) or job (event-driven).")
    job: JobExecution | None = Field(
        default=None, description="Job execution settings (kind: job). Default: JobExecution's defaults."
    )
    data_access: DataAccessConfig = Field(
        default_factory=DataAccessConfig, description="Data stores the workload may use. Default: none."
    )

    @property
    def has_ingress(self) -> bool:
        """Whether the workload receives traffic (an app with a target port)."""
        return self.kind == "app" and self.target_port is not None

    def _problems(self) -> Problems:
        if self.kind == "app":
            return super()._problems() + ([("job", "only for kind: job", None)] if self.job is not None else [])
        problems = workload_problems(self) + job_trigger_problems(self.scale_rules)
        if self.target_port is not None:
            problems.append(("target_port", "jobs have no ingress; remove it or use kind: app", self.target_port))
        if self.ingress_scope == "vnet":
            problems.append(("ingress_scope", "applies to apps with ingress; use kind: app", self.ingress_scope))
        if self.revisions != Revisions():
            problems.append(("revisions", "jobs have no revisions or traffic", None))
        return problems

    def app_settings(self) -> ContainerAppSettings:
        """The entry as the container app's settings (kind: app)."""
        return _settings(self, ContainerAppSettings)

    def job_settings(self) -> ContainerAppJobSettings:
        """The entry as the event-driven job's settings (kind: job)."""
        return _settings(self, ContainerAppJobSettings, **({"job": self.job} if self.job is not None else {}))


def _settings(entry: Args, settings_type: type[_S], **extra: Any) -> _S:
    fields = {name: getattr(entry, name) for name in settings_type.model_fields if name in type(entry).model_fields}
    return settings_type.model_validate({**fields, **extra})


# --- checks across sections, on raw values (called from stacks.config.cross_check) --------------------------

_APP_DEFAULTS = ContainerAppSettings.model_fields


def _raw(app: Mapping[str, Any], key: str, field: str) -> Any:
    """A raw value of an apps entry, or the settings model's default where the stack file leaves it out."""
    return app[key] if key in app else _APP_DEFAULTS[field].default


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def compute_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Compute checks that need the environment or another section: replica floors, profile references and
    sizes, and zones."""
    problems: list[ConfigProblem] = []
    environment = data.get("environment")
    # The environment's floor for apps with ingress (prod spreads them over zones): its record says.
    floor = traits(environment).min_ingress_replicas if is_environment(environment) else 0
    profiles = _get(data, "containerApps", "workloadProfiles")
    profiles = profiles if isinstance(profiles, Mapping) else {}
    apps = data.get("apps")
    for name, app in apps.items() if isinstance(apps, Mapping) else []:
        if not isinstance(app, Mapping):
            continue
        path = f"apps.{name}"
        ingress = app.get("kind", "app") == "app" and app.get("targetPort") is not None
        min_replicas = _raw(app, "minReplicas", "min_replicas")
        if floor and ingress and isinstance(min_replicas, int) and min_replicas < floor:
            problems.append(
                ConfigProblem(
                    f"{path}.minReplicas",
                    f"is below {floor}; in {environment} an app with ingress keeps at least {floor} replicas (one "
                    "per zone, no single point of failure)",
                    min_replicas,
                )
            )
        profile_name = _raw(app, "workloadProfile", "workload_profile")
        if not isinstance(profile_name, str) or profile_name == CONSUMPTION:
            continue
        profile = profiles.get(profile_name)
        if not isinstance(profile, Mapping):
            known = ", ".join([CONSUMPTION, *sorted(profiles)])
            problems.append(
                ConfigProblem(f"{path}.workloadProfile", f"is not a workload profile; known: {known}", profile_name)
            )
            continue
        size = DEDICATED_PROFILE_SIZES.get(str(profile.get("type")))
        cpu = _number(_raw(app, "cpu", "cpu"))
        memory = _raw(app, "memory", "memory")
        if size is None or cpu is None or not isinstance(memory, str) or not re.fullmatch(MEMORY_PATTERN, memory):
            continue
        if cpu > size[0] or parse_memory(memory) > size[1]:
            problems.append(
                ConfigProblem(
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
            ConfigProblem("containerApps.zoneRedundant", f"{data.get('location')} has no availability zones", True)
        )
    return problems

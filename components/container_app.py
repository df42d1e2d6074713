"""Container apps and event-driven Container Apps jobs: one workload each, running as its own user-assigned
identity, pulling from the registry and resolving Key Vault secrets with that identity.

Sources:
- CPU/memory combinations of the Consumption profile (0.25 vCPU steps, 2 GiB per vCPU, up to 4 vCPU/8 GiB in a
  workload-profiles environment): https://learn.microsoft.com/azure/container-apps/containers#allocations
- replicas per revision (0-1000, default 10 at most): https://learn.microsoft.com/azure/container-apps/scale-app
- Key Vault secret references (``keyVaultUrl`` + ``identity``):
  https://learn.microsoft.com/azure/container-apps/manage-secrets#reference-secret-from-key-vault
- secret names (lowercase letters, digits, '-' and '.'): https://learn.microsoft.com/azure/container-apps/manage-secrets
- Key Vault object names (1-127 letters, digits and hyphens):
  https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#object-identifiers
- registry pulls with a managed identity: https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull
- probes and their limits: https://learn.microsoft.com/azure/container-apps/health-probes (and the SDK's
  ``app.ContainerAppProbeArgs``: initial delay 1-60, period and timeout 1-240, thresholds 1-10, success threshold
  1 for liveness and startup)
- revisions, labels and traffic splitting: https://learn.microsoft.com/azure/container-apps/revisions and
  https://learn.microsoft.com/azure/container-apps/traffic-splitting
- ingress (external = reachable through the environment's load balancer, which for an internal environment is
  the VNet only; internal = the environment only): https://learn.microsoft.com/azure/container-apps/ingress-overview
- event-driven jobs: https://learn.microsoft.com/azure/container-apps/jobs#event-driven-jobs
- diagnostic settings: apps and jobs emit metrics only (their logs are the environment's):
  https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-app-containerapps-metrics
  and https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-app-jobs-metrics
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, model_validator

from azplatform.components.args import Args, Input, raise_problems
from azplatform.components.container_apps_environment import CONSUMPTION, app_identity
from azplatform.components.identity import UserIdentity
from azplatform.components.images import image_reference_problem
from azplatform.components.interfaces import AppliedInterfaces, CommonArgs, ManagedIdentities, apply_interfaces
from azplatform.components.naming import Kind, name_check
from azplatform.components.records.compute import CONTAINER_APP, JOB
from azplatform.components.replacements import replace_on_changes
from azplatform.components.scale_rules import (
    JOB_TRIGGER_TYPES,
    JOB_TRIGGERS,
    SCALE_RULE_TYPES,
    SCALE_TO_ZERO_BLOCKERS,
    HttpScaleRule,
    RedisStreamsScaleRule,
    ScaleRule,
)

# The SDK loads a submodule on first use of one of its names, so this costs nothing at import.
_app = azure_native.app

APP_TYPE_TOKEN = "azplatform:index:ContainerApp"
JOB_TYPE_TOKEN = "azplatform:index:ContainerAppJob"

Problems = list[tuple[str, str, Any]]
ProbeKind = Literal["Startup", "Readiness", "Liveness"]


def consumption_allocation_ok(cpu: float, memory_gib: float) -> bool:
    """Whether (cpu, memory) is one of the Consumption profile's fixed combinations: 0.25 to 4 vCPU in steps of
    0.25, with exactly 2 GiB per vCPU."""
    quarters = cpu * 4
    return quarters == int(quarters) and 1 <= quarters <= 16 and memory_gib == cpu * 2


def parse_memory(memory: str) -> float:
    """GiB in a Container Apps memory string (``"1.5Gi"`` -> 1.5); raises ValueError for any other unit."""
    if not memory.endswith("Gi"):
        raise ValueError(f"memory {memory!r} must be in Gi, for example 1Gi or 0.5Gi")
    return float(memory[:-2])


def format_memory(gib: float) -> str:
    """The memory string Azure echoes back: ``0.5Gi``, ``1Gi``, ``1.5Gi``."""
    return f"{gib:g}Gi"


# The variable Azure SDKs read to pick a user-assigned managed identity.
CLIENT_ID_VARIABLE = "AZURE_CLIENT_ID"

MEMORY_PATTERN = r"^\d+(\.\d{1,2})?Gi$"
_SECRET_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
_KEY_VAULT_NAME = re.compile(r"[0-9A-Za-z-]{1,127}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SUFFIX = r"^[a-z]([a-z0-9-]*[a-z0-9])?$"


# --- probes -----------------------------------------------------------------------------------------------


class Probe(Args):
    """A health probe: HTTP GET on ``path`` when given, else a TCP connect to ``port``."""

    path: str | None = Field(default=None, pattern=r"^/", description="HTTP path; none means a TCP probe.")
    port: int | None = Field(
        default=None, ge=1, le=65535, description="Container port probed. Default: the app's target_port."
    )
    initial_delay_seconds: int = Field(default=1, ge=1, le=60, description="Delay after start (1-60). Default 1.")
    period_seconds: int = Field(default=10, ge=1, le=240, description="Interval (1-240). Default 10.")
    timeout_seconds: int = Field(default=3, ge=1, le=240, description="Timeout (1-240). Default 3.")
    failure_threshold: int = Field(
        default=3, ge=1, le=10, description="Consecutive failures that fail the probe (1-10). Default 3."
    )
    success_threshold: int = Field(
        default=1,
        ge=1,
        le=10,
        description="Consecutive successes that pass it again (1-10; must be 1 for liveness and startup). Default 1.",
    )

    def args(self, kind: ProbeKind, port: int) -> azure_native.app.ContainerAppProbeArgs:
        """The probe as Azure takes it."""
        return _app.ContainerAppProbeArgs(
            type=kind,
            http_get=_app.ContainerAppProbeHttpGetArgs(port=port, path=self.path, scheme="HTTP")
            if self.path is not None
            else None,
            tcp_socket=_app.ContainerAppProbeTcpSocketArgs(port=port) if self.path is None else None,
            initial_delay_seconds=self.initial_delay_seconds,
            period_seconds=self.period_seconds,
            timeout_seconds=self.timeout_seconds,
            failure_threshold=self.failure_threshold,
            success_threshold=self.success_threshold,
        )


# Startup allows about 50 s to come up (5 s x 10), then readiness every 5 s and liveness every 10 s, each failing
# after 3 misses.
_DEFAULT_PROBES: dict[ProbeKind, Probe] = {
    "Startup": Probe(period_seconds=5, failure_threshold=10),
    "Readiness": Probe(period_seconds=5, failure_threshold=3),
    "Liveness": Probe(period_seconds=10, failure_threshold=3),
}


class Probes(Args):
    """Startup, readiness and liveness probes. With a target port, each one left out is the default TCP probe on
    it; without, only the probes given (each with its own port)."""

    startup: Probe | None = Field(
        default=None, description="Startup probe. Default: every 5 s, failing after 10 misses (about 50 s to start)."
    )
    readiness: Probe | None = Field(default=None, description="Readiness probe. Default: every 5 s, 3 misses.")
    liveness: Probe | None = Field(default=None, description="Liveness probe. Default: every 10 s, 3 misses.")

    @model_validator(mode="after")
    def _success(self) -> Probes:
        raise_problems(
            [
                (f"{kind}.success_threshold", "must be 1 for liveness and startup probes", probe.success_threshold)
                for kind, probe in (("startup", self.startup), ("liveness", self.liveness))
                if probe is not None and probe.success_threshold != 1
            ]
        )
        return self

    def render(self, target_port: int | None) -> list[azure_native.app.ContainerAppProbeArgs]:
        """Each probe as Azure takes it: the given ones over the defaults (with a target port)."""
        rendered = []
        for kind, default in _DEFAULT_PROBES.items():
            probe = getattr(self, kind.lower()) or (default if target_port is not None else None)
            if probe is None:
                continue
            port = probe.port or target_port
            if port is None:  # refused by ContainerAppSettings' validation
                raise ValueError(f"{kind} probe has no port and the app has no target_port")
            rendered.append(probe.args(kind, port))
        return rendered


# --- revisions --------------------------------------------------------------------------------------------


class TrafficSplit(Args):
    """A share of ingress traffic: to a revision by its suffix, or to the latest revision, optionally labelled (a
    label also gives the revision its own stable URL, for A/B tests and smoke tests)."""

    weight: int = Field(ge=0, le=100, description="Percent of traffic; an app's splits sum to 100.")
    revision_suffix: str | None = Field(
        default=None, pattern=_SUFFIX, description="The revision <app>--<suffix>; or set latest_revision."
    )
    latest_revision: bool = Field(
        default=False, description="The latest revision (the one this deployment creates). Default off."
    )
    label: str | None = Field(default=None, pattern=_SUFFIX, description="Label on that revision. Default: none.")

    @model_validator(mode="after")
    def _target(self) -> TrafficSplit:
        if (self.revision_suffix is None) != self.latest_revision:
            raise ValueError("set exactly one of revision_suffix and latest_revision: true")
        return self


class Revisions(Args):
    """Revisions: the mode, the new revision's suffix, and the traffic split (blue-green, canary, A/B)."""

    mode: Literal["single", "multiple"] | None = Field(
        default=None,
        description="single: a new revision replaces the old. multiple: several stay active, for traffic splits. "
        "Default: multiple with ingress, single without (a worker's old revision would keep consuming).",
    )
    suffix: str | None = Field(
        default=None,
        pattern=_SUFFIX,
        description="Suffix of the revision this deployment creates (<app>--<suffix>); change it with every "
        "template change. Default: Azure generates one.",
    )
    traffic: list[TrafficSplit] = Field(
        default_factory=list, description="Traffic split; weights sum to 100. Default: all to the latest revision."
    )


# --- settings ---------------------------------------------------------------------------------------------


def _env_values(value: dict[str, Any]) -> dict[str, Any]:
    bad = sorted(k for k, v in value.items() if not isinstance(v, str | pulumi.Output))
    if bad:
        raise ValueError(f"values of {bad} are not strings; quote numbers and booleans")
    return value


def _image(value: str) -> str:
    problem = image_reference_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


class WorkloadSettings(Args):
    """What apps and jobs share: the container that runs, its size, environment, secrets and scale rules."""

    image: Annotated[str, AfterValidator(_image)] = Field(
        min_length=1,
        description="Container image reference, for example myregistry.azurecr.io/api:1.4.2 or "
        "myregistry.azurecr.io/api@sha256:<digest> (staging and prod refuse latest or no tag).",
    )
    cpu: float = Field(
        default=0.5,
        gt=0,
        description="vCPU per replica; on Consumption, one of the combinations with memory. Default 0.5.",
    )
    memory: str = Field(default="1Gi", pattern=MEMORY_PATTERN, description="Memory per replica, in Gi. Default 1Gi.")
    workload_profile: str = Field(
        default=CONSUMPTION, description="The environment's workload profile it runs on. Default Consumption."
    )
    env: Annotated[dict[str, Input[str]], AfterValidator(_env_values)] = Field(
        default_factory=dict,
        description="Plain environment variables (never secrets: use secret_env). AZURE_CLIENT_ID is always set to "
        "the workload identity's client id, for DefaultAzureCredential. Default: none.",
    )
    secrets: dict[str, str] = Field(
        default_factory=dict,
        description="Workload secrets as Key Vault references: secret name -> Key Vault secret name. Default: none.",
    )
    secret_env: dict[str, str] = Field(
        default_factory=dict, description="Environment variables from secrets: variable -> secret name. Default: none."
    )
    scale_rules: list[ScaleRule] = Field(
        default_factory=list,
        description=f"Scale rules by type ({', '.join(SCALE_RULE_TYPES)}); a job's triggers. Default: none.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> WorkloadSettings:
        raise_problems(self._problems())
        return self

    def _problems(self) -> Problems:
        """Every problem of these settings together (subclasses add theirs)."""
        return workload_problems(self)


def workload_problems(settings: WorkloadSettings) -> Problems:
    """What apps and jobs both refuse: a size outside the Consumption combinations, bad secret or variable names,
    references to undeclared secrets, and rules named alike."""
    problems: Problems = []
    add = problems.append
    memory = parse_memory(settings.memory)  # the field's pattern has checked the unit
    if settings.workload_profile == CONSUMPTION and not consumption_allocation_ok(settings.cpu, memory):
        add(
            (
                "cpu",
                f"{settings.cpu} vCPU with {settings.memory} is not a Consumption combination; allowed: 0.25 vCPU "
                "steps from 0.25 to 4 with 2 GiB per vCPU (0.25/0.5Gi, 0.5/1Gi, 0.75/1.5Gi, 1/2Gi, ... 2/4Gi, ... "
                "4/8Gi)",
                settings.cpu,
            )
        )
    for name, vault_name in settings.secrets.items():
        if not _SECRET_NAME.fullmatch(name):
            add(
                (
                    f"secrets.{name}",
                    "secret names are lowercase letters, digits, '-' and '.', alphanumeric at the ends",
                    name,
                )
            )
        if not _KEY_VAULT_NAME.fullmatch(vault_name):
            add((f"secrets.{name}", "Key Vault secret names are 1-127 letters, digits and hyphens", vault_name))
    for variable, secret in settings.secret_env.items():
        if secret not in settings.secrets:
            add((f"secret_env.{variable}", f"refers to {secret!r}, which is not in secrets", secret))
    for variable in [*settings.env, *settings.secret_env]:
        if not _ENV_NAME.fullmatch(variable):
            add((f"env.{variable}", "environment variable names are letters, digits and _", variable))
    for variable in sorted(set(settings.env) & set(settings.secret_env)):
        add((f"secret_env.{variable}", "is also set in env; set it in one place", variable))
    names = [rule.name for rule in settings.scale_rules]
    for index, rule in enumerate(settings.scale_rules):
        if names[index] in names[:index]:
            add((f"scale_rules.{index}.name", f"{rule.name!r} is used twice; give each rule a unique name", rule.name))
        for secret in rule.secret_refs():
            if secret not in settings.secrets:
                add((f"scale_rules.{index}", f"refers to secret {secret!r}, which is not in secrets", secret))
    return problems


class ContainerAppSettings(WorkloadSettings):
    """What a user chooses about a container app (the stack file's ``apps.<name>`` entries of kind app)."""

    target_port: int | None = Field(
        default=None, ge=1, le=65535, description="Port ingress forwards to; none means no ingress (a worker)."
    )
    ingress_scope: Literal["environment", "vnet"] = Field(
        default="environment",
        description="Who reaches the ingress: other apps in the environment (default), or the VNet through the "
        "environment's internal load balancer (for API Management). Never the internet: the environment is internal.",
    )
    probes: Probes = Field(
        default_factory=Probes, description="Health probes. Default: startup, readiness and liveness on target_port."
    )
    min_replicas: int = Field(
        default=1, ge=0, le=1000, description="Fewest replicas per revision (0 allows scale to zero). Default 1."
    )
    max_replicas: int = Field(default=10, ge=1, le=1000, description="Most replicas per revision. Default 10.")
    revisions: Revisions = Field(
        default_factory=Revisions, description="Revisions and traffic. Default: all traffic to the latest."
    )

    @property
    def has_ingress(self) -> bool:
        """Whether the app receives traffic."""
        return self.target_port is not None

    @property
    def revisions_mode(self) -> Literal["single", "multiple"]:
        """The effective active revisions mode."""
        return self.revisions.mode or ("multiple" if self.has_ingress else "single")

    def _problems(self) -> Problems:
        return workload_problems(self) + app_problems(self)


def app_problems(app: ContainerAppSettings) -> Problems:
    """What only apps refuse: replica bounds, rules that need ingress or cannot reach zero, probes without a port,
    and traffic splits Azure would reject."""
    problems: Problems = []
    add = problems.append
    if app.min_replicas > app.max_replicas:
        add(
            (
                "min_replicas",
                f"is greater than max_replicas ({app.max_replicas}); min_replicas must be <= max_replicas",
                app.min_replicas,
            )
        )
    for index, rule in enumerate(app.scale_rules):
        if isinstance(rule, HttpScaleRule) and not app.has_ingress:
            add((f"scale_rules.{index}.type", "http scaling needs ingress (target_port)", rule.type))
        if isinstance(rule, SCALE_TO_ZERO_BLOCKERS) and app.min_replicas == 0:
            # KEDA: "This scaler will never scale to 0" (https://keda.sh/docs/latest/scalers/cpu/).
            add(("min_replicas", f"is 0, but a {rule.type} rule never scales to zero; set min_replicas >= 1", 0))
        if isinstance(rule, RedisStreamsScaleRule) and rule.pending_entries_count is not None and app.min_replicas == 0:
            # Pending entries exist only once a consumer has read them, so at 0 replicas the count stays 0 and the
            # app never wakes; KEDA's lagCount mode is the one that scales from 0.
            # https://keda.sh/docs/latest/scalers/redis-streams/
            add(
                (
                    f"scale_rules.{index}.pending_entries_count",
                    "cannot wake an app from 0 replicas; use lag_count or min_replicas >= 1",
                    rule.pending_entries_count,
                )
            )
    if not app.has_ingress:
        for kind in ("startup", "readiness", "liveness"):
            probe = getattr(app.probes, kind)
            if probe is not None and probe.port is None:
                add((f"probes.{kind}.port", "is required: the app has no target_port to probe", None))
    if app.ingress_scope == "vnet" and not app.has_ingress:
        add(("ingress_scope", "applies to apps with ingress; set target_port or remove it", app.ingress_scope))
    return problems + _revision_problems(app)


def _revision_problems(app: ContainerAppSettings) -> Problems:
    problems: Problems = []
    traffic = app.revisions.traffic
    if not traffic:
        return problems
    if not app.has_ingress:
        problems.append(("revisions.traffic", "traffic splitting needs ingress (target_port)", None))
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
        problems.append(("revisions.traffic", "only one entry can be latest_revision", None))
    suffixes = [split.revision_suffix for split in traffic if split.revision_suffix is not None]
    for suffix in sorted({s for s in suffixes if suffixes.count(s) > 1}):
        problems.append(("revisions.traffic", f"revision {suffix!r} appears twice", suffix))
    if app.revisions.suffix is not None and app.revisions.suffix in suffixes:
        problems.append(
            (
                "revisions.suffix",
                "is the new revision's suffix; point traffic at it with latest_revision: true, not revision_suffix",
                app.revisions.suffix,
            )
        )
    return problems


class JobExecution(Args):
    """How an event-driven job's executions run (the stack file's ``job`` key of an ``apps`` entry of kind job)."""

    replica_timeout_seconds: int = Field(default=1800, ge=1, description="Longest a replica may run. Default 1800.")
    replica_retry_limit: int = Field(default=1, ge=0, description="Retries of a failed replica. Default 1.")
    parallelism: int = Field(default=1, ge=1, description="Replicas per execution. Default 1.")
    replica_completion_count: int = Field(
        default=1, ge=1, description="Successful replicas that complete an execution. Default 1."
    )
    min_executions: int = Field(
        default=0, ge=0, description="Executions kept per polling interval even without events. Default 0."
    )
    max_executions: int = Field(
        default=10, ge=1, description="Most executions started per polling interval. Default 10."
    )
    polling_interval_seconds: int = Field(default=30, ge=1, description="How often triggers are read. Default 30.")

    @model_validator(mode="after")
    def _executions(self) -> JobExecution:
        if self.min_executions > self.max_executions:
            raise_problems(
                [("min_executions", f"is greater than max_executions ({self.max_executions})", self.min_executions)]
            )
        return self


class ContainerAppJobSettings(WorkloadSettings):
    """What a user chooses about an event-driven job (the stack file's ``apps.<name>`` entries of kind job)."""

    job: JobExecution = Field(default_factory=JobExecution, description="Execution settings. Default: defaults.")

    def _problems(self) -> Problems:
        return workload_problems(self) + job_trigger_problems(self.scale_rules)


def job_trigger_problems(rules: Sequence[ScaleRule]) -> Problems:
    """A job is started by KEDA ScaledJob triggers: it needs one, and http, cpu and memory are none."""
    if not rules:
        return [("scale_rules", f"an event-driven job needs at least one trigger ({', '.join(JOB_TRIGGER_TYPES)})", [])]
    # Jobs scale on KEDA ScaledJob triggers; http is app-only, cpu/memory are ScaledObject-only.
    # https://keda.sh/docs/latest/scalers/cpu/ ; https://learn.microsoft.com/azure/container-apps/jobs
    return [
        (
            f"scale_rules.{index}.type",
            f"{rule.type} cannot trigger a job; use {' or '.join(JOB_TRIGGER_TYPES)}",
            rule.type,
        )
        for index, rule in enumerate(rules)
        if not isinstance(rule, JOB_TRIGGERS)
    ]


# --- args: the settings plus what the caller supplies ------------------------------------------------------


class WorkloadArgs(CommonArgs):
    """What the caller supplies to an app or a job: placement, identity, image source and the Key Vault."""

    environment_id: Input[str] = Field(description="The Container Apps environment.")
    identity: UserIdentity = Field(
        description="The workload's own user-assigned identity: image pulls, Key Vault references, scale rules and "
        "AZURE_CLIENT_ID use it."
    )
    managed_identities: ManagedIdentities = Field(
        default_factory=ManagedIdentities,
        description="Further identities to attach besides identity (system-assigned, other user-assigned). "
        "Default: none.",
    )
    key_vault_uri: Input[str] | None = Field(
        default=None,
        description="URI of the Key Vault the secrets are in (https://<vault>.vault.azure.net/); required with "
        "secrets. Default: none.",
    )
    registry_server: Input[str] | None = Field(
        default=None,
        description="Login server of the registry images are pulled from with the identity. Default: none (public).",
    )
    wait_for: list[pulumi.Resource] = Field(
        default_factory=list,
        description="Resources that must exist before the workload: its role assignments, as Azure pulls the image "
        "and resolves Key Vault references at creation. Default: none.",
    )
    container_name: str = Field(default="main", description="Name of the container in the template. Default main.")


class ContainerAppArgs(ContainerAppSettings, WorkloadArgs):
    """Arguments for :class:`ContainerApp`: its settings plus placement, identity and the shared interfaces."""

    name: Annotated[str, AfterValidator(name_check(Kind.CONTAINER_APP))] = Field(
        description="App name (CAF ca-...; 2-32 lowercase letters, digits and single hyphens)."
    )
    default_domain: Input[str] | None = Field(
        default=None, description="The environment's default domain, to publish the app's fqdn. Default: not published."
    )

    def _problems(self) -> Problems:
        return super()._problems() + _vault_problems(self)


class ContainerAppJobArgs(ContainerAppJobSettings, WorkloadArgs):
    """Arguments for :class:`ContainerAppJob`: its settings plus placement, identity and the shared interfaces."""

    name: Annotated[str, AfterValidator(name_check(Kind.CONTAINER_APP_JOB))] = Field(
        description="Job name (CAF caj-...; 2-32 lowercase letters, digits and single hyphens)."
    )

    def _problems(self) -> Problems:
        return super()._problems() + _vault_problems(self)


def _vault_problems(args: ContainerAppArgs | ContainerAppJobArgs) -> Problems:
    if args.secrets and args.key_vault_uri is None:
        return [("key_vault_uri", "is required: secrets are Key Vault references", None)]
    return []


# --- components -------------------------------------------------------------------------------------------


def _secrets(args: ContainerAppArgs | ContainerAppJobArgs) -> list[azure_native.app.SecretArgs] | None:
    """Secrets as Key Vault references, resolved with the workload's identity (no values in config)."""
    if not args.secrets:
        return None
    vault = pulumi.Output.from_input(args.key_vault_uri).apply(lambda uri: str(uri).rstrip("/"))
    return [
        _app.SecretArgs(
            name=name, key_vault_url=pulumi.Output.concat(vault, "/secrets/", vault_name), identity=args.identity.id
        )
        for name, vault_name in sorted(args.secrets.items())
    ]


def _registries(args: ContainerAppArgs | ContainerAppJobArgs) -> list[azure_native.app.RegistryCredentialsArgs] | None:
    """Registry credentials: the identity, never a password."""
    if args.registry_server is None:
        return None
    return [_app.RegistryCredentialsArgs(server=args.registry_server, identity=args.identity.id)]


def _container(
    args: ContainerAppArgs | ContainerAppJobArgs, probes: list[azure_native.app.ContainerAppProbeArgs] | None = None
) -> azure_native.app.ContainerArgs:
    # With only a user-assigned identity, DefaultAzureCredential needs its client id to get a token.
    # https://learn.microsoft.com/azure/container-apps/managed-identity#connect-to-azure-services-in-app-code
    plain = {CLIENT_ID_VARIABLE: args.identity.client_id, **args.env}
    env = [_app.EnvironmentVarArgs(name=k, value=v) for k, v in sorted(plain.items())]
    env += [_app.EnvironmentVarArgs(name=k, secret_ref=v) for k, v in sorted(args.secret_env.items())]
    return _app.ContainerArgs(
        name=args.container_name,
        image=args.image,
        resources=_app.ContainerResourcesArgs(cpu=args.cpu, memory=format_memory(parse_memory(args.memory))),
        env=env,
        probes=probes or None,
    )


def _placement(owner: pulumi.Resource, args: ContainerAppArgs | ContainerAppJobArgs, token: str) -> dict[str, Any]:
    """What an app's and a job's resource share: placement, workload profile, identities, tags and options (with
    the ``replace_on_changes`` of ``token``, the resource's type)."""
    return {
        "resource_group_name": args.resource_group_name,
        "location": args.location,
        "environment_id": args.environment_id,
        "workload_profile_name": args.workload_profile,
        "identity": app_identity(args.managed_identities, args.identity.id),
        "tags": dict(args.tags),
        "opts": pulumi.ResourceOptions(
            parent=owner,
            depends_on=list(args.wait_for),
            protect=args.protect,
            replace_on_changes=replace_on_changes(token),
        ),
    }


def _interfaces(
    owner: pulumi.Resource, name: str, args: ContainerAppArgs | ContainerAppJobArgs, target: pulumi.CustomResource
) -> AppliedInterfaces:
    # Apps and jobs emit metrics only; their logs are the environment's.
    return apply_interfaces(owner, name, args, target, azure_name=args.name, logs=False, lock_notes="A workload")


class ContainerApp(pulumi.ComponentResource):
    """A container app running as its own identity, with ingress that never leaves the VNet, probes, scale rules
    and revision-based traffic splitting."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    fqdn: pulumi.Output[str] | None

    def __init__(self, name: str, args: ContainerAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(APP_TYPE_TOKEN, name, None, opts)
        identity = args.identity
        traffic = args.revisions.traffic or [TrafficSplit(weight=100, latest_revision=True)]
        self.app = _app.ContainerApp(
            name,
            container_app_name=args.name,
            configuration=_app.ConfigurationArgs(
                active_revisions_mode=args.revisions_mode.capitalize(),
                ingress=_app.IngressArgs(
                    external=args.ingress_scope == "vnet",
                    target_port=args.target_port,
                    # HTTP is redirected to HTTPS; nothing is served in clear text.
                    allow_insecure=False,
                    transport="auto",
                    traffic=[
                        _app.TrafficWeightArgs(
                            weight=split.weight,
                            label=split.label,
                            revision_name=f"{args.name}--{split.revision_suffix}" if split.revision_suffix else None,
                            latest_revision=True if split.latest_revision else None,
                        )
                        for split in traffic
                    ],
                )
                if args.has_ingress
                else None,
                secrets=_secrets(args),
                registries=_registries(args),
            ),
            template=_app.TemplateArgs(
                revision_suffix=args.revisions.suffix,
                containers=[_container(args, args.probes.render(args.target_port))],
                scale=_app.ScaleArgs(
                    min_replicas=args.min_replicas,
                    max_replicas=args.max_replicas,
                    rules=[rule.app_rule(identity.id) for rule in args.scale_rules] or None,
                ),
            ),
            **_placement(self, args, CONTAINER_APP),
        )
        self.interfaces = _interfaces(self, name, args, self.app)
        self.identity = identity
        self.id = self.app.id
        self.name = self.app.name
        self.principal_id = identity.principal_id
        self.fqdn = None
        if args.has_ingress and args.default_domain is not None:
            # <app>.<default domain> for environment-external ingress, <app>.internal.<default domain> for
            # environment-only ingress (ingress-overview, "Domain names").
            scope = "" if args.ingress_scope == "vnet" else "internal."
            self.fqdn = pulumi.Output.concat(args.name, ".", scope, args.default_domain)
        self.register_outputs({"id": self.id, "principalId": self.principal_id})


class ContainerAppJob(pulumi.ComponentResource):
    """An event-driven Container Apps job: batch work started per event by the same KEDA scalers apps use."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]

    def __init__(self, name: str, args: ContainerAppJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(JOB_TYPE_TOKEN, name, None, opts)
        identity, execution = args.identity, args.job
        self.job = _app.Job(
            name,
            job_name=args.name,
            configuration=_app.JobConfigurationArgs(
                trigger_type="Event",
                replica_timeout=execution.replica_timeout_seconds,
                replica_retry_limit=execution.replica_retry_limit,
                event_trigger_config=_app.JobConfigurationEventTriggerConfigArgs(
                    parallelism=execution.parallelism,
                    replica_completion_count=execution.replica_completion_count,
                    scale=_app.JobScaleArgs(
                        min_executions=execution.min_executions,
                        max_executions=execution.max_executions,
                        polling_interval=execution.polling_interval_seconds,
                        rules=[
                            rule.job_rule(identity.id) for rule in args.scale_rules if isinstance(rule, JOB_TRIGGERS)
                        ],
                    ),
                ),
                secrets=_secrets(args),
                registries=_registries(args),
            ),
            template=_app.JobTemplateArgs(containers=[_container(args)]),
            **_placement(self, args, JOB),
        )
        self.interfaces = _interfaces(self, name, args, self.job)
        self.identity = identity
        self.id = self.job.id
        self.name = self.job.name
        self.principal_id = identity.principal_id
        self.register_outputs({"id": self.id, "principalId": self.principal_id})


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "ContainerApp": """
from azplatform.components import (
    ContainerApp, ContainerAppArgs, CpuScaleRule, ExistingContainerRegistry, HttpScaleRule, UserIdentity,
    UserIdentityArgs,
)

identity = UserIdentity("api-id", UserIdentityArgs(name="id-api-dev", resource_group_name=RG, location="westeurope"))
registry = ExistingContainerRegistry("platform-acr", f"{RG}/registries/crshopdevweu")
api = ContainerApp("api", ContainerAppArgs(
    name="ca-api-dev", resource_group_name=RG, location="westeurope",
    environment_id=f"{RG}/managedEnvironments/cae-shop-dev-weu",
    identity=identity,
    image="crshopdevweu.azurecr.io/api:1.4.2", cpu=0.5, memory="1Gi",
    registry_server="crshopdevweu.azurecr.io",
    wait_for=[registry.grant_pull(identity)],
    target_port=80,
    min_replicas=1,
    max_replicas=5,
    scale_rules=[HttpScaleRule(concurrent_requests=50), CpuScaleRule(utilization=70)],
))
""",
    "ContainerAppJob": """
from azplatform.components import (
    ContainerAppJob, ContainerAppJobArgs, JobExecution, ServiceBusScaleRule, UserIdentity, UserIdentityArgs,
)

identity = UserIdentity(
    "batch-id", UserIdentityArgs(name="id-batch-dev", resource_group_name=RG, location="westeurope")
)
ContainerAppJob("batch", ContainerAppJobArgs(
    name="caj-batch-dev", resource_group_name=RG, location="westeurope",
    environment_id=f"{RG}/managedEnvironments/cae-shop-dev-weu",
    identity=identity,
    image="mcr.microsoft.com/k8se/quickstart:latest",
    # Authenticated as the job's managed identity: no connection string.
    scale_rules=[ServiceBusScaleRule(namespace="sb-shop-dev", queue_name="orders", message_count=10)],
    job=JobExecution(parallelism=2, replica_timeout_seconds=600),
))
""",
}

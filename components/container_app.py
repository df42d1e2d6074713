"""Container apps and event-driven Container Apps jobs: one workload each, running as its own user-assigned
identity, pulling from the registry and resolving Key Vault secrets with that identity.

Sources:
- CPU/memory combinations of the Consumption profile (0.25 vCPU steps, 2 GiB per vCPU, up to 4 vCPU/8 GiB in a
  workload-profiles environment): https://learn.microsoft.com/azure/container-apps/containers#allocations
- Key Vault secret references (``keyVaultUrl`` + ``identity``):
  https://learn.microsoft.com/azure/container-apps/manage-secrets#reference-secret-from-key-vault
- registry pulls with a managed identity: https://learn.microsoft.com/azure/container-apps/managed-identity-image-pull
- probes and their limits: https://learn.microsoft.com/azure/container-apps/health-probes
- revisions, labels and traffic splitting: https://learn.microsoft.com/azure/container-apps/revisions and
  https://learn.microsoft.com/azure/container-apps/traffic-splitting
- ingress (external = reachable through the environment's load balancer, which for an internal environment is
  the VNet only; internal = the environment only): https://learn.microsoft.com/azure/container-apps/ingress-overview
- event-driven jobs: https://learn.microsoft.com/azure/container-apps/jobs#event-driven-jobs
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.container_apps_environment import CONSUMPTION
from azplatform.components.identity import UserIdentity
from azplatform.components.scale_rules import JobScaleRule, ScaleRule

_app = azure_native.app

APP_TYPE_TOKEN = "azplatform:index:ContainerApp"
JOB_TYPE_TOKEN = "azplatform:index:ContainerAppJob"

ProbeKind = Literal["Liveness", "Readiness", "Startup"]


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


@dataclass(frozen=True, kw_only=True)
class Probe:
    """A health probe: HTTP GET on ``path`` when given, else a TCP connect to ``port``."""

    kind: ProbeKind
    """Liveness (restart when failing), Readiness (stop routing) or Startup (hold the others until up)."""
    port: int
    """Container port probed."""
    path: str | None = None
    """HTTP path; none means a TCP probe. Default: TCP."""
    initial_delay_seconds: int = 1
    """Wait after the container starts (1-60). Default 1."""
    period_seconds: int = 10
    """Interval between probes (1-240). Default 10."""
    timeout_seconds: int = 3
    """Probe timeout (1-240). Default 3."""
    failure_threshold: int = 3
    """Consecutive failures that fail the probe (1-10). Default 3."""
    success_threshold: int = 1
    """Consecutive successes that pass it again (1-10; must be 1 for liveness and startup). Default 1."""

    def args(self) -> _app.ContainerAppProbeArgs:
        """The probe as Azure takes it."""
        return _app.ContainerAppProbeArgs(
            type=self.kind,
            http_get=_app.ContainerAppProbeHttpGetArgs(port=self.port, path=self.path, scheme="HTTP")
            if self.path is not None
            else None,
            tcp_socket=_app.ContainerAppProbeTcpSocketArgs(port=self.port) if self.path is None else None,
            initial_delay_seconds=self.initial_delay_seconds,
            period_seconds=self.period_seconds,
            timeout_seconds=self.timeout_seconds,
            failure_threshold=self.failure_threshold,
            success_threshold=self.success_threshold,
        )


def default_probes(port: int, path: str | None = None) -> list[Probe]:
    """Startup, readiness and liveness probes for a service on ``port``: startup allows about 50 s to come up
    (5 s x 10), then readiness every 5 s and liveness every 10 s, each failing after 3 misses."""
    return [
        Probe(kind="Startup", port=port, path=path, period_seconds=5, failure_threshold=10),
        Probe(kind="Readiness", port=port, path=path, period_seconds=5, failure_threshold=3),
        Probe(kind="Liveness", port=port, path=path, period_seconds=10, failure_threshold=3),
    ]


@dataclass(frozen=True, kw_only=True)
class TrafficSplit:
    """A share of ingress traffic: to a named revision (by its suffix) or to the latest one, optionally labelled
    (a label also gives the revision its own stable URL, for A/B tests and smoke tests)."""

    weight: int
    """Percent of traffic (0-100); the splits of one app sum to 100."""
    revision_suffix: str | None = None
    """Suffix of the revision (its name is ``<app>--<suffix>``); none means the latest revision."""
    label: str | None = None
    """Label on that revision. Default: none."""


@dataclass(frozen=True, kw_only=True)
class ContainerSpec:
    """What runs: the image, its size, environment and health probes (shared by apps and jobs)."""

    image: str
    """Image reference, for example crazpprodweu1a2b3.azurecr.io/api:1.4.2."""
    cpu: float = 0.5
    """vCPU. On Consumption, one of the fixed combinations with ``memory``. Default 0.5."""
    memory: str = "1Gi"
    """Memory, in Gi. Default 1Gi."""
    env: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Plain environment variables (never secrets: use ``secret_env``). ``AZURE_CLIENT_ID`` is always set to the
    workload identity's client id, so that Azure SDKs' DefaultAzureCredential picks the user-assigned identity.
    Default: none."""
    secret_env: Mapping[str, str] = field(default_factory=dict)
    """Environment variables filled from app secrets (variable -> secret name). Default: none."""
    container_name: str = "main"
    """Name of the container in the template. Default ``main``."""

    def container(self, identity_client_id: pulumi.Input[str], probes: Sequence[Probe] = ()) -> _app.ContainerArgs:
        """The container definition."""
        # With only a user-assigned identity, DefaultAzureCredential needs its client id to get a token.
        # https://learn.microsoft.com/azure/container-apps/managed-identity#connect-to-azure-services-in-app-code
        plain = {CLIENT_ID_VARIABLE: identity_client_id, **self.env}
        env = [_app.EnvironmentVarArgs(name=k, value=v) for k, v in sorted(plain.items())]
        env += [_app.EnvironmentVarArgs(name=k, secret_ref=v) for k, v in sorted(self.secret_env.items())]
        return _app.ContainerArgs(
            name=self.container_name,
            image=self.image,
            resources=_app.ContainerResourcesArgs(cpu=self.cpu, memory=format_memory(parse_memory(self.memory))),
            env=env or None,
            probes=[p.args() for p in probes] or None,
        )

    def job_container(self, identity_client_id: pulumi.Input[str]) -> _app.JobTemplateArgs:
        """A job template holding this container."""
        return _app.JobTemplateArgs(containers=[self.container(identity_client_id)])


@dataclass(frozen=True, kw_only=True)
class WorkloadArgs:
    """What apps and jobs share: placement, identity, image source and secrets."""

    name: str
    """Azure name (CAF: ca-... or caj-...; 2-32 lowercase letters, digits and single hyphens)."""
    resource_group_name: pulumi.Input[str]
    """Resource group."""
    location: pulumi.Input[str]
    """Azure region."""
    environment_id: pulumi.Input[str]
    """The Container Apps environment."""
    identity: UserIdentity
    """The workload's own user-assigned identity: image pulls, Key Vault references and scale rules use it."""
    container: ContainerSpec
    """The container that runs."""
    workload_profile: str = CONSUMPTION
    """Workload profile the workload runs on. Default Consumption."""
    key_vault_secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """App secrets as Key Vault references: secret name -> versionless Key Vault secret URI. Default: none."""
    registry_server: pulumi.Input[str] | None = None
    """Login server of the registry images are pulled from with the identity. Default: none (public images)."""
    wait_for: Sequence[pulumi.Resource] = ()
    """Resources that must exist before the workload is created; its role assignments, because Azure resolves
    Key Vault references and pulls the image at creation. Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""

    def check(self, rules: Sequence[ScaleRule]) -> None:
        """Raise ValueError for references Azure would reject: an env var or scale rule naming a missing secret,
        or a Consumption size that is not one of the fixed combinations."""
        secrets = set(self.key_vault_secrets)
        for variable, secret in self.container.secret_env.items():
            if secret not in secrets:
                raise ValueError(f"{self.name}: env {variable} refers to unknown secret {secret!r}")
        for rule in rules:
            for secret in rule.secret_refs():
                if secret not in secrets:
                    raise ValueError(f"{self.name}: scale rule {rule.name!r} refers to unknown secret {secret!r}")
        names = [rule.name for rule in rules]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.name}: scale rule names must be unique, got {names}")
        memory = parse_memory(self.container.memory)
        if self.workload_profile == CONSUMPTION and not consumption_allocation_ok(self.container.cpu, memory):
            raise ValueError(
                f"{self.name}: {self.container.cpu} vCPU / {self.container.memory} is not a Consumption combination"
            )

    def secrets(self) -> list[_app.SecretArgs] | None:
        """Secrets as Key Vault references, resolved with the workload's identity (no values in config)."""
        return [
            _app.SecretArgs(name=name, key_vault_url=uri, identity=self.identity.id)
            for name, uri in sorted(self.key_vault_secrets.items())
        ] or None

    def registries(self) -> list[_app.RegistryCredentialsArgs] | None:
        """Registry credentials: the identity, never a password."""
        if self.registry_server is None:
            return None
        return [_app.RegistryCredentialsArgs(server=self.registry_server, identity=self.identity.id)]

    def managed_identity(self) -> _app.ManagedServiceIdentityArgs:
        """The user-assigned identity, and nothing system-assigned."""
        return _app.ManagedServiceIdentityArgs(type="UserAssigned", user_assigned_identities=[self.identity.id])


@dataclass(frozen=True, kw_only=True)
class ContainerAppArgs:
    """Arguments for :class:`ContainerApp`."""

    workload: WorkloadArgs
    """What runs, as whom, from where."""
    target_port: int | None = None
    """Port ingress forwards to; none means no ingress (a worker). Default: none."""
    external: bool = False
    """Ingress through the environment's load balancer (in an internal environment: reachable from the VNet,
    never the internet) instead of only from inside the environment. Default off (environment only)."""
    probes: Sequence[Probe] | None = None
    """Health probes; none means :func:`default_probes` on the target port (and none for a worker)."""
    min_replicas: int = 1
    """Fewest replicas per revision (0 allows scale to zero). Default 1."""
    max_replicas: int = 10
    """Most replicas per revision. Default 10."""
    scale_rules: Sequence[ScaleRule] = ()
    """Scale rules. Default: none (Azure's default HTTP rule for ingress apps)."""
    revisions_mode: Literal["Single", "Multiple"] | None = None
    """Single: a new revision replaces the old. Multiple: several stay active, for blue-green, canary and A/B
    splits. Default: Multiple with ingress, Single without (a worker's old revision would keep consuming)."""
    revision_suffix: str | None = None
    """Suffix of the revision this deployment creates (``<app>--<suffix>``); change it with every template
    change. Default: Azure generates one."""
    traffic: Sequence[TrafficSplit] = ()
    """Traffic split across revisions (Multiple mode, ingress). Default: all to the latest revision."""
    default_domain: pulumi.Input[str] | None = None
    """The environment's default domain, to publish the app's FQDN as ``fqdn``. Default: not published."""


class ContainerApp(pulumi.ComponentResource):
    """A container app running as its own identity, with internal-only ingress, probes, scale rules and
    revision-based traffic splitting."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    fqdn: pulumi.Output[str] | None

    def __init__(self, name: str, args: ContainerAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(APP_TYPE_TOKEN, name, None, opts)
        w = args.workload
        w.check(args.scale_rules)
        ingress = args.target_port is not None
        mode = args.revisions_mode or ("Multiple" if ingress else "Single")
        if args.traffic:
            if not ingress or mode != "Multiple":
                raise ValueError(f"{w.name}: traffic splitting needs ingress and Multiple revisions mode")
            total = sum(split.weight for split in args.traffic)
            if total != 100:
                raise ValueError(f"{w.name}: traffic weights sum to {total}, not 100")
        if args.min_replicas > args.max_replicas:
            raise ValueError(f"{w.name}: min_replicas {args.min_replicas} > max_replicas {args.max_replicas}")
        if args.probes is not None:
            probes = list(args.probes)
        else:
            probes = default_probes(args.target_port) if args.target_port is not None else []

        traffic = args.traffic or [TrafficSplit(weight=100)]
        self.app = _app.ContainerApp(
            name,
            container_app_name=w.name,
            resource_group_name=w.resource_group_name,
            location=w.location,
            environment_id=w.environment_id,
            workload_profile_name=w.workload_profile,
            identity=w.managed_identity(),
            configuration=_app.ConfigurationArgs(
                active_revisions_mode=mode,
                ingress=_app.IngressArgs(
                    external=args.external,
                    target_port=args.target_port,
                    # HTTP is redirected to HTTPS; nothing is served in clear text.
                    allow_insecure=False,
                    transport="auto",
                    traffic=[
                        _app.TrafficWeightArgs(
                            weight=split.weight,
                            label=split.label,
                            revision_name=f"{w.name}--{split.revision_suffix}" if split.revision_suffix else None,
                            latest_revision=True if split.revision_suffix is None else None,
                        )
                        for split in traffic
                    ],
                )
                if ingress
                else None,
                secrets=w.secrets(),
                registries=w.registries(),
            ),
            template=_app.TemplateArgs(
                revision_suffix=args.revision_suffix,
                containers=[w.container.container(w.identity.client_id, probes)],
                scale=_app.ScaleArgs(
                    min_replicas=args.min_replicas,
                    max_replicas=args.max_replicas,
                    rules=[rule.app_rule(w.identity.id) for rule in args.scale_rules] or None,
                ),
            ),
            tags=dict(w.tags),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(w.wait_for)),
        )
        self.identity = w.identity
        self.id = self.app.id
        self.name = self.app.name
        self.principal_id = w.identity.principal_id
        self.fqdn = None
        if ingress and args.default_domain is not None:
            # <app>.<default domain> for environment-external ingress, <app>.internal.<default domain> for
            # environment-only ingress (ingress-overview, "Domain names").
            scope = "" if args.external else "internal."
            self.fqdn = pulumi.Output.concat(w.name, ".", scope, args.default_domain)
        self.register_outputs({"id": self.id, "principalId": self.principal_id})


@dataclass(frozen=True, kw_only=True)
class ContainerAppJobArgs:
    """Arguments for :class:`ContainerAppJob`: an event-driven job, started by KEDA triggers."""

    workload: WorkloadArgs
    """What runs, as whom, from where."""
    scale_rules: Sequence[JobScaleRule]
    """Triggers that start executions (redis-streams, azure-servicebus)."""
    replica_timeout_seconds: int = 1800
    """Longest a replica may run. Default 1800."""
    replica_retry_limit: int = 1
    """Retries of a failed replica. Default 1."""
    parallelism: int = 1
    """Replicas per execution. Default 1."""
    replica_completion_count: int = 1
    """Successful replicas that complete an execution. Default 1."""
    min_executions: int = 0
    """Executions kept per polling interval even without events. Default 0."""
    max_executions: int = 10
    """Most executions started per polling interval. Default 10."""
    polling_interval_seconds: int = 30
    """How often triggers are evaluated. Default 30."""


class ContainerAppJob(pulumi.ComponentResource):
    """An event-driven Container Apps job: batch work started per event by the same KEDA scalers apps use."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]

    def __init__(self, name: str, args: ContainerAppJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(JOB_TYPE_TOKEN, name, None, opts)
        w = args.workload
        w.check(args.scale_rules)
        if not args.scale_rules:
            raise ValueError(f"{w.name}: an event-driven job needs at least one scale rule")
        if args.min_executions > args.max_executions:
            raise ValueError(f"{w.name}: min_executions > max_executions")
        self.job = _app.Job(
            name,
            job_name=w.name,
            resource_group_name=w.resource_group_name,
            location=w.location,
            environment_id=w.environment_id,
            workload_profile_name=w.workload_profile,
            identity=w.managed_identity(),
            configuration=_app.JobConfigurationArgs(
                trigger_type="Event",
                replica_timeout=args.replica_timeout_seconds,
                replica_retry_limit=args.replica_retry_limit,
                event_trigger_config=_app.JobConfigurationEventTriggerConfigArgs(
                    parallelism=args.parallelism,
                    replica_completion_count=args.replica_completion_count,
                    scale=_app.JobScaleArgs(
                        min_executions=args.min_executions,
                        max_executions=args.max_executions,
                        polling_interval=args.polling_interval_seconds,
                        rules=[rule.job_rule(w.identity.id) for rule in args.scale_rules],
                    ),
                ),
                secrets=w.secrets(),
                registries=w.registries(),
            ),
            template=w.container.job_container(w.identity.client_id),
            tags=dict(w.tags),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(w.wait_for)),
        )
        self.identity = w.identity
        self.id = self.job.id
        self.name = self.job.name
        self.principal_id = w.identity.principal_id
        self.register_outputs({"id": self.id, "principalId": self.principal_id})

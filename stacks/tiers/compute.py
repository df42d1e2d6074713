"""Compute: the Container Apps environment, the registry, and one identity plus app (or job) per workload, with
the grants each workload needs on the registry, the vault and the data stores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from azplatform.components.container_app import ContainerApp, ContainerAppArgs, ContainerAppJob, ContainerAppJobArgs
from azplatform.components.container_apps_environment import PRIVATE_LINK_GROUP as ENVIRONMENT_GROUP
from azplatform.components.container_apps_environment import ContainerAppsEnvironment, ContainerAppsEnvironmentArgs
from azplatform.components.container_registry import ContainerRegistry, ContainerRegistryArgs
from azplatform.components.cosmos_db import CosmosDb
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.interfaces import DiagnosticSettings
from azplatform.components.key_vault import KeyVault
from azplatform.components.managed_redis import ManagedRedis
from azplatform.components.naming import Kind
from azplatform.components.scale_rules import RedisStreamsScaleRule, ScaleRule
from azplatform.stacks.config import REDIS_KEDA_SECRET, PlatformConfig
from azplatform.stacks.config_compute import AppConfig
from azplatform.stacks.tiers.foundation import PrivateEndpointFactory
from azplatform.stacks.tiers.postgres import postgres_app_env
from azplatform.stacks.tiers.scope import Placement, TierScope
from azplatform.stacks.tiers.servicebus import AppServiceBusAccess, ServiceBusTier


@dataclass(frozen=True)
class ComputeInputs:
    """What the compute tier takes from the foundation and the data tier."""

    placement: Placement
    workspace_id: pulumi.Output[str]
    """Where the environment's and the registry's diagnostics go."""
    vnet_id: pulumi.Output[str]
    apps_subnet_id: pulumi.Output[str]
    """The Container Apps environment's (delegated) subnet."""
    environment_after: Sequence[pulumi.Resource]
    """What the environment waits for (the network and the workspace it sends logs to)."""
    private_endpoint: PrivateEndpointFactory
    """Endpoints in the platform's endpoint subnet and zones: the registry's, and the environment's in
    private-endpoint mode."""
    key_vault: KeyVault
    """Each workload reads its secrets here (Key Vault Secrets User)."""
    redis: ManagedRedis
    """Data-plane access, KEDA's redis-streams address, and the access-key secret KEDA may wait for."""
    cosmos: CosmosDb
    service_bus: ServiceBusTier | None = None
    """Data roles, SERVICEBUS_HOST, and keyless KEDA scaling on the platform's Service Bus queues."""


@dataclass(frozen=True)
class Compute:
    """The workloads and where they run."""

    container_apps: ContainerAppsEnvironment
    registry: ContainerRegistry
    apps: dict[str, ContainerApp]
    """Apps (kind: app) by config key."""
    jobs: dict[str, ContainerAppJob]
    """Event-driven jobs (kind: job) by config key."""
    identities: dict[str, UserIdentity]
    """Each workload's user-assigned identity, by config key."""


def build_compute(scope: TierScope, config: PlatformConfig, inputs: ComputeInputs) -> Compute:
    """The environment and the registry, then per workload an identity with exactly AcrPull on the registry, Key
    Vault Secrets User on the vault and the data access its config asks for, and the app or job itself."""
    namer = scope.namer
    placement = inputs.placement
    diagnostics = [DiagnosticSettings(workspace_id=inputs.workspace_id)]
    environment = config.container_apps
    container_apps = ContainerAppsEnvironment(
        scope.child("cae"),
        environment.extend(
            ContainerAppsEnvironmentArgs,
            **placement,
            name=namer.name(Kind.CONTAINER_APPS_ENVIRONMENT),
            infrastructure_subnet_id=inputs.apps_subnet_id,
            vnet_id=inputs.vnet_id if environment.access == "internal" else None,
            private_endpoints=[inputs.private_endpoint(ENVIRONMENT_GROUP)] if environment.access != "internal" else [],
            zone_redundant=config.zone_redundant if environment.zone_redundant is None else environment.zone_redundant,
            diagnostic_settings=diagnostics,
        ),
        opts=scope.opts(depends_on=inputs.environment_after),
    )
    registry = ContainerRegistry(
        scope.child("acr"),
        config.registry.extend(
            ContainerRegistryArgs,
            **placement,
            **scope.protection(),
            name=namer.name(Kind.CONTAINER_REGISTRY),
            zone_redundant=config.zone_redundant,
            private_endpoints=[inputs.private_endpoint("registry")],
            diagnostic_settings=diagnostics,
        ),
        opts=scope.opts(),
    )
    redis, key_vault = inputs.redis, inputs.key_vault
    # KEDA reaches the platform's Azure Managed Redis on its host name and TLS port.
    redis_address = pulumi.Output.concat(redis.host_name, ":", str(redis.port))
    apps: dict[str, ContainerApp] = {}
    jobs: dict[str, ContainerAppJob] = {}
    identities: dict[str, UserIdentity] = {}
    for key, app in sorted(config.apps.items()):
        identity = UserIdentity(
            scope.child(f"{key}-id"),
            UserIdentityArgs(
                name=namer.name(Kind.MANAGED_IDENTITY, key),
                resource_group_name=placement["resource_group_name"],
                location=placement["location"],
                tags=placement["tags"],
            ),
            opts=scope.opts(),
        )
        identities[key] = identity
        # What Azure needs before it creates the workload: it pulls the image and resolves Key Vault references.
        prerequisites: list[pulumi.Resource] = [registry.grant_pull(identity), key_vault.grant_secret_read(identity)]
        if redis.access_key_secret is not None and REDIS_KEDA_SECRET in app.secrets.values():
            prerequisites.append(redis.access_key_secret)
        service_bus = (
            inputs.service_bus.app_access(identity, app)
            if inputs.service_bus
            else AppServiceBusAccess(scale_rules=list(app.scale_rules))
        )
        prerequisites += service_bus.prerequisites
        workload = {
            **placement,
            "environment_id": container_apps.id,
            "identity": identity,
            "key_vault_uri": key_vault.vault_uri,
            "registry_server": registry.login_server,
            "wait_for": prerequisites,
            "container_name": key,
            "env": {
                **_grant_data_access(identity, app, redis, inputs.cosmos),
                **postgres_app_env(config, key, app),
                **service_bus.env,
                **app.env,
            },
            "scale_rules": [
                _on_platform_redis(r, redis_address, redis.keda_scaler_type) for r in service_bus.scale_rules
            ],
        }
        if app.kind == "job":
            jobs[key] = ContainerAppJob(
                scope.child(key),
                app.job_settings().extend(
                    ContainerAppJobArgs, name=namer.name(Kind.CONTAINER_APP_JOB, key), **workload
                ),
                opts=scope.opts(),
            )
            continue
        apps[key] = ContainerApp(
            scope.child(key),
            app.app_settings().extend(
                ContainerAppArgs,
                name=namer.name(Kind.CONTAINER_APP, key),
                default_domain=container_apps.default_domain,
                **workload,
            ),
            opts=scope.opts(),
        )
    return Compute(container_apps=container_apps, registry=registry, apps=apps, jobs=jobs, identities=identities)


def _grant_data_access(
    identity: UserIdentity, app: AppConfig, redis: ManagedRedis, cosmos: CosmosDb
) -> dict[str, pulumi.Input[str]]:
    """The data-plane grants ``app.dataAccess`` asks for, and the addresses they give the app (env vars)."""
    env: dict[str, pulumi.Input[str]] = {}
    if app.data_access.redis:
        redis.grant_data_access(identity)
        env |= {"REDIS_HOST": redis.host_name, "REDIS_PORT": str(redis.port)}
    if app.data_access.cosmos == "contributor":
        cosmos.grant_data_contributor(identity)
    elif app.data_access.cosmos == "reader":
        cosmos.grant_data_reader(identity)
    if app.data_access.cosmos != "none":
        env["COSMOS_ENDPOINT"] = cosmos.endpoint
    return env


def _on_platform_redis(rule: ScaleRule, address: pulumi.Input[str], scaler: str) -> ScaleRule:
    """A redis-streams rule without an address scales on the platform's Azure Managed Redis, with the KEDA scaler
    its clustering policy needs; every other rule is used as given."""
    if isinstance(rule, RedisStreamsScaleRule) and rule.address is None:
        return rule.replace(address=address, scaler=rule.scaler or scaler)
    return rule

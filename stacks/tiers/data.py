"""Data: Azure Managed Redis and Cosmos DB, private and Entra-only, and their alerts to the action group."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from azplatform.components.alerting import ActionGroup, ActionGroupArgs
from azplatform.components.cosmos_db import CosmosDb, CosmosDbArgs
from azplatform.components.interfaces import DiagnosticSettings
from azplatform.components.key_vault import KeyVault
from azplatform.components.managed_redis import AccessKeySecret, ManagedRedis, ManagedRedisArgs
from azplatform.components.naming import Kind
from azplatform.stacks.config import REDIS_KEDA_SECRET, PlatformConfig
from azplatform.stacks.config_data import REDIS_APIM_CACHE_SECRET
from azplatform.stacks.tiers.foundation import PrivateEndpointFactory
from azplatform.stacks.tiers.scope import Placement, TierScope


@dataclass(frozen=True)
class DataInputs:
    """What the data tier takes from the foundation."""

    placement: Placement
    workspace_id: pulumi.Output[str]
    """Where the stores' diagnostics go."""
    private_endpoint: PrivateEndpointFactory
    key_vault: KeyVault
    """The vault that receives Redis's access key, when KEDA needs one (and whose expiring secrets alert)."""


@dataclass(frozen=True)
class Data:
    """The data stores. Apps get access through ``redis.grant_data_access(identity)`` and
    ``cosmos.grant_data_contributor(identity)`` / ``grant_data_reader(identity)``."""

    redis: ManagedRedis
    cosmos: CosmosDb
    action_group: ActionGroup


def build_data(scope: TierScope, config: PlatformConfig, inputs: DataInputs) -> Data:
    """Redis and Cosmos behind private endpoints, with diagnostics to the workspace and the environment's
    protection; the action group and the stores' alerts."""
    namer = scope.namer
    placement = inputs.placement
    # Every data store: diagnostics to the workspace; protect and a lock where the environment asks for them.
    diagnostics = [DiagnosticSettings(workspace_id=inputs.workspace_id)]
    redis = ManagedRedis(
        scope.child("redis"),
        config.redis.extend(
            ManagedRedisArgs,
            **placement,
            **scope.protection(),
            diagnostic_settings=diagnostics,
            name=namer.name(Kind.MANAGED_REDIS),
            # The declared access-key exceptions: the bare key for KEDA, a connection string for API Management's
            # external cache (semantic caching); both expire with the exception.
            access_keys=AccessKeySecret(
                vault_name=inputs.key_vault.name,
                resource_group_name=placement["resource_group_name"],
                secret_name=REDIS_KEDA_SECRET if config.redis.access_keys_for_keda else None,
                connection_string_secret_name=REDIS_APIM_CACHE_SECRET
                if config.redis.access_keys_for_apim_cache
                else None,
                expires_on=config.redis.access_keys_expire_on,
            )
            if config.redis.access_keys
            else None,
            private_endpoints=[inputs.private_endpoint("redisEnterprise")],
        ),
        opts=scope.opts(),
    )
    cosmos = CosmosDb(
        scope.child("cosmos"),
        config.cosmos.extend(
            CosmosDbArgs,
            **placement,
            **scope.protection(),
            diagnostic_settings=diagnostics,
            name=namer.name(Kind.COSMOS_ACCOUNT),
            zone_redundant=config.zone_redundant,
            private_endpoints=[inputs.private_endpoint("Sql")],
        ),
        opts=scope.opts(),
    )

    alerts = config.alerts
    action_group = ActionGroup(
        scope.child("alerts"),
        alerts.extend(
            ActionGroupArgs,
            name=namer.name(Kind.ACTION_GROUP),
            short_name=f"{config.name_prefix}-{scope.environment.code}"[:12],
            resource_group_name=placement["resource_group_name"],
            tags=placement["tags"],
        ),
        opts=scope.opts(),
    )
    redis.alert_memory_above(alerts.redis_memory_percent, action_group.id)
    cosmos.alert_throttling(alerts.cosmos_throttled_requests, action_group.id)
    # Every secret the platform writes expires (AZP-KV-005); the action group hears 30 days before.
    inputs.key_vault.alert_secrets_near_expiry(action_group.id)
    return Data(redis=redis, cosmos=cosmos, action_group=action_group)

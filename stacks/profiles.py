"""Environment profiles: the settings defaults each environment starts from. A stack file overrides only what
differs.

dev, staging and prod share one topology (dev/prod parity); they differ in size, SKU, redundancy and retention.
What a stack file cannot override (protection and locks, replica floors, whether the WAF may only detect, policy
levels) is the environment's record in ``azplatform.plan.environments.ENVIRONMENT_TABLE``; both tables are keyed
by the environment's name, so ``PROFILES[record.name]`` is the record's defaults (``profile_for`` a copy of them).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from azplatform.plan.environments import Environment, EnvironmentTraits

# The chat model of the AI gateway's pool (one version everywhere, so that every member answers alike); data zone
# types keep processing in the EU.
_GPT_4O: dict[str, Any] = {"model": "gpt-4o", "version": "2024-08-06", "sku": "DataZoneStandard"}


# The embeddings model the AI route's semantic cache vectorises prompts with, in the EU data zone (Data Zone
# Standard offers text-embedding-3-small 1 in westeurope: learn.microsoft.com/azure/ai-foundry/openai/concepts/models,
# "Data zone standard model availability"). Capacity in thousands of tokens a minute: prompts only, no completions.
_EMBEDDINGS: dict[str, Any] = {
    "model": "text-embedding-3-small",
    "version": "1",
    "sku": "DataZoneStandard",
    "capacity": 20,
}


def _model_pool(*, ptu: int, tokens_per_minute: int) -> dict[str, Any]:
    """An account's pool: ``ptu`` provisioned throughput units that spill over to a pay-as-you-go deployment of
    ``tokens_per_minute`` thousand tokens a minute, instead of answering 429; and the embeddings deployment of the
    route's semantic cache."""
    return {
        "deployments": {
            "chat-ptu": _GPT_4O | {"sku": "DataZoneProvisionedManaged", "capacity": ptu, "spilloverTo": "chat"},
            "chat": _GPT_4O | {"capacity": tokens_per_minute},
            "embeddings": dict(_EMBEDDINGS),
        }
    }


# Azure Managed Redis with RediSearch, which the AI route's semantic cache searches vectors with: the module needs
# the Enterprise clustering policy and no eviction (https://learn.microsoft.com/azure/redis/plan-redis-modules), so
# the cache must be sized to hold what it keeps (the memory alert fires at 80%). Fixed at creation.
_VECTOR_SEARCH: dict[str, Any] = {
    "modules": ["RediSearch"],
    "clusteringPolicy": "EnterpriseCluster",
    "evictionPolicy": "NoEviction",
}


PROFILES: Mapping[Environment, Mapping[str, Any]] = {
    "dev": {
        "zoneRedundant": False,
        # Flow logs everywhere (the same topology in every environment), kept a week in dev.
        "network": {"flowLogs": {"enabled": True, "retentionDays": 7}},
        # The AI gateway's models: one small pay-as-you-go deployment, kept in the EU data zone.
        "aiServices": {
            "accounts": {
                "primary": {
                    "deployments": {
                        "chat": {
                            "model": "gpt-4o-mini",
                            "version": "2024-07-18",
                            "sku": "DataZoneStandard",
                            "capacity": 10,
                        }
                    }
                }
            }
        },
        "observability": {"retentionDays": 30, "dailyQuotaGb": 5},
        "keyVault": {"sku": "standard"},
        # Developer: no SLA and no zones, but the same internal VNet injection as Premium.
        "apim": {"sku": "Developer", "capacity": 1},
        # Smallest Managed Redis, one node (no SLA); serverless Cosmos (pay per request, 7-day restore window).
        "redis": {"sku": "Balanced_B0", "highAvailability": False, "persistence": "none"},
        "cosmos": {"serverless": True, "backupTier": "Continuous7Days"},
        # Burstable PostgreSQL (no HA on this tier), the smallest disk, the shortest restore window.
        "postgres": {
            "tier": "Burstable",
            "skuName": "Standard_B1ms",
            "storageSizeGb": 32,
            "highAvailability": "Disabled",
            "geoRedundantBackup": False,
            "backupRetentionDays": 7,
        },
        # WAF_v2 scales to zero reserved instances. (WAF mode: Prevention by default; Detection is an opt-in where
        # the environment allows it: plan/environments.py.)
        # Premium even in dev: Standard has no private endpoint, and the platform keeps Service Bus off the public
        # network everywhere (dev/prod parity). One messaging unit; no zones (zoneRedundant is off in dev).
        "serviceBus": {"sku": "Premium", "capacity": 1},
        "appGateway": {"minCapacity": 0, "maxCapacity": 2},
        # What the estimate assumes (azplatform cost), the budget (its startDate is per stack) and the PR diff's
        # cost threshold, in USD a month. Assumptions: components/records/billing.py (UsageAssumptions).
        "cost": {
            "usage": {
                "apiRequestsPerMonth": 1_000_000,
                "logIngestionGbPerDay": 1,
                "cosmosRequestUnitsPerMonth": 50_000_000,
                "cosmosStorageGb": 5,
                "privateEndpointGbPerMonth": 5,
                "gatewayCapacityUnits": 1,
                "keyVaultOperationsPerMonth": 50_000,
                "flowLogGbPerMonth": 2,
            },
            "budget": {"amount": 2000},
            "diffThreshold": 50,
        },
    },
    "staging": {
        "zoneRedundant": True,
        # Every flow through the VNet, kept 30 days and analysed hourly (the default).
        "network": {"flowLogs": {"enabled": True}},
        # The full pool: provisioned throughput first, spilling over to pay-as-you-go on the same account, all in
        # the EU data zone.
        "aiServices": {"accounts": {"primary": _model_pool(ptu=15, tokens_per_minute=50)}},
        "observability": {"retentionDays": 60},
        "keyVault": {"sku": "standard"},
        # Two units: the fewest with which Premium is zone redundant (automatic zones), as zoneRedundant asks.
        "apim": {"sku": "Premium", "capacity": 2},
        "redis": {"sku": "Balanced_B3", "highAvailability": True, "persistence": "rdb"} | _VECTOR_SEARCH,
        "cosmos": {"serverless": False, "backupTier": "Continuous7Days", "defaultMaxThroughput": 1000},
        "postgres": {
            "tier": "GeneralPurpose",
            "skuName": "Standard_D2ds_v5",
            "storageSizeGb": 64,
            # Zone redundant like the rest of staging, but without PostgreSQL's standby (it doubles compute).
            "highAvailability": "Disabled",
            "geoRedundantBackup": False,
            "backupRetentionDays": 14,
        },
        "serviceBus": {"sku": "Premium", "capacity": 1},
        "appGateway": {"minCapacity": 1, "maxCapacity": 5},
        "cost": {
            "usage": {
                "apiRequestsPerMonth": 10_000_000,
                "logIngestionGbPerDay": 3,
                "cosmosAutoscaleUtilization": 0.2,
                "cosmosStorageGb": 20,
                "privateEndpointGbPerMonth": 20,
                "gatewayCapacityUnits": 5,
                "keyVaultOperationsPerMonth": 200_000,
                "flowLogGbPerMonth": 20,
            },
            "budget": {"amount": 8000},
            "diffThreshold": 100,
        },
    },
    "prod": {
        "zoneRedundant": True,
        # Flows kept 90 days, like the workspace's logs.
        "network": {"flowLogs": {"enabled": True, "retentionDays": 90}},
        # The full pool, and a second region: the route's fallback when the primary is out of capacity or down.
        "aiServices": {
            "accounts": {
                "primary": _model_pool(ptu=50, tokens_per_minute=200),
                "secondary": {"location": "swedencentral", "deployments": {"chat": _GPT_4O | {"capacity": 200}}},
            }
        },
        "observability": {"retentionDays": 90},
        "keyVault": {"sku": "premium"},
        # Three units, which Azure spreads over the region's zones (automatic zone redundancy).
        "apim": {"sku": "Premium", "capacity": 3},
        # AOF: a queued stream entry survives the loss of both nodes (at most ~1 s of writes lost).
        "redis": {"sku": "Balanced_B5", "highAvailability": True, "persistence": "aof"} | _VECTOR_SEARCH,
        "cosmos": {"serverless": False, "backupTier": "Continuous30Days", "defaultMaxThroughput": 4000},
        # A standby in another zone (highAvailability follows zoneRedundant), backups copied to the paired region
        # (chosen at creation), 35 days' restore window.
        "postgres": {
            "tier": "GeneralPurpose",
            "skuName": "Standard_D4ds_v5",
            "storageSizeGb": 128,
            "geoRedundantBackup": True,
            "backupRetentionDays": 35,
        },
        # Two messaging units: headroom before throttling; zone redundant with zoneRedundant.
        "serviceBus": {"sku": "Premium", "capacity": 2},
        # Two warm instances: one per zone survives a zone outage while autoscale adds more.
        "appGateway": {"minCapacity": 2, "maxCapacity": 10},
        "cost": {
            "usage": {
                "apiRequestsPerMonth": 100_000_000,
                "logIngestionGbPerDay": 10,
                "cosmosAutoscaleUtilization": 0.4,
                "cosmosStorageGb": 100,
                "privateEndpointGbPerMonth": 200,
                "gatewayCapacityUnits": 25,
                "keyVaultOperationsPerMonth": 2_000_000,
                "flowLogGbPerMonth": 200,
            },
            "budget": {"amount": 20000},
            "diffThreshold": 250,
        },
    },
}


def profile_for(environment: str | EnvironmentTraits) -> dict[str, Any]:
    """A copy of the environment's defaults (empty for an unknown environment, which validation reports)."""
    name = environment.name if isinstance(environment, EnvironmentTraits) else environment
    for key, defaults in PROFILES.items():
        if key == name:
            return copy.deepcopy(dict(defaults))
    return {}

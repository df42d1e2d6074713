"""Config sections for the data stores (``redis``, ``cosmos``) and their alerts (``alerts``).

The sections are the components' own settings models (``cosmos`` is :class:`CosmosDbSettings` as is), which
define, default and validate every key; the subclasses here add only the keys the platform itself interprets.
:func:`data_problems` checks what spans sections (zone redundancy against Redis high availability, Cosmos regions
against the platform's location) on raw values, so that these problems are reported together with every field
error.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from azplatform.components.alerting import ActionGroupSettings
from azplatform.components.cosmos_db import ThrottledRequests, primary_location_problem
from azplatform.components.managed_redis import DEFAULT_ACCESS_KEY_SECRET, ManagedRedisSettings, UsedMemoryPercent
from azplatform.stacks.errors import ConfigProblem

__all__ = ["REDIS_APIM_CACHE_SECRET", "AlertsConfig", "RedisConfig", "data_problems"]

REDIS_APIM_CACHE_SECRET = "redis-apim-cache-connection"
"""The Key Vault secret the platform writes Redis's connection string to, for API Management's external cache."""


class RedisConfig(ManagedRedisSettings):
    """Azure Managed Redis: one cluster, one database, Entra authentication, private endpoint only."""

    access_keys_for_keda: bool = Field(
        default=False,
        description="Turn on access-key authentication and put the primary key in Key Vault as "
        f"{DEFAULT_ACCESS_KEY_SECRET}, for a KEDA Redis Streams scaler; only while a redis-streams rule scales on "
        "the platform's Redis, and with accessKeysExpireOn. Default false (Entra only).",
    )
    access_keys_for_apim_cache: bool = Field(
        default=False,
        description="Turn on access-key authentication and put a connection string with the primary key in Key "
        f"Vault as {REDIS_APIM_CACHE_SECRET}, which API Management's external cache reads through a Key Vault "
        "named value (API Management cannot use Entra with Azure Managed Redis); only while an API has a semantic "
        "cache, and with accessKeysExpireOn. Default false (Entra only).",
    )
    access_keys_expire_on: datetime.date | None = Field(
        default=None,
        description="Last day of the access-key exception (YYYY-MM-DD), required with accessKeysForKeda or "
        "accessKeysForApimCache: policy AZP-REDIS-004 fails the stack once it has passed (move the rule to Service "
        "Bus, or renew it in review).",
    )

    @property
    def access_keys(self) -> bool:
        """Whether the database's access keys are on (for KEDA, API Management's cache, or both)."""
        return self.access_keys_for_keda or self.access_keys_for_apim_cache


class AlertsConfig(ActionGroupSettings):
    """Where alerts go (the action group's receivers) and when the data stores raise them."""

    redis_memory_percent: UsedMemoryPercent = Field(
        default=80, description="Alert when Redis used memory exceeds this percentage (1-100). Default 80."
    )
    cosmos_throttled_requests: ThrottledRequests = Field(
        default=100,
        description="Alert when more Cosmos requests than this are throttled (HTTP 429) in 5 minutes. Default 100.",
    )


# --- checks across sections, on raw values ------------------------------------------------------------------------


def data_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Cross-section checks for the data stores; malformed values are skipped (field validation reports them)."""
    problems: list[ConfigProblem] = []
    redis = data.get("redis")
    if data.get("zoneRedundant") is True and isinstance(redis, Mapping) and redis.get("highAvailability") is False:
        # https://learn.microsoft.com/azure/reliability/reliability-managed-redis#requirements
        problems.append(
            ConfigProblem(
                "redis.highAvailability",
                "Azure Managed Redis is zone redundant only with high availability; set highAvailability: true "
                "or zoneRedundant: false",
                False,
            )
        )
    cosmos = data.get("cosmos")
    secondaries = cosmos.get("secondaryLocations") if isinstance(cosmos, Mapping) else None
    if isinstance(secondaries, list):
        problem = primary_location_problem(data.get("location"), secondaries)
        if problem is not None:
            problems.append(ConfigProblem("cosmos.secondaryLocations", problem, secondaries))
    return problems

"""Config sections for the data stores (``redis``, ``cosmos``) and their alerts (``alerts``).

Each model checks what it can see by itself; :func:`data_problems` checks what spans sections (zone redundancy
against Redis high availability, Cosmos regions against the platform's location) on raw values, so that these
problems are reported together with every field error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from azplatform.components.cosmos_db import autoscale_problem, partition_key_problem
from azplatform.components.managed_redis import KEDA_STREAMS_SCALER, managed_redis_skus
from azplatform.components.regions import REGIONS
from azplatform.stacks.config_base import Model
from azplatform.stacks.errors import Problem, ProblemList

# --- Azure Managed Redis ------------------------------------------------------------------------------------


def _redis_sku(value: str) -> str:
    if value not in managed_redis_skus():
        raise ValueError(
            "not an Azure Managed Redis in-memory SKU; use Balanced_*, MemoryOptimized_* or ComputeOptimized_* "
            "(for example Balanced_B5). Flash Optimized and the retiring Enterprise_* SKUs are not offered"
        )
    return value


RedisModule = Literal["RediSearch", "RedisJSON", "RedisBloom", "RedisTimeSeries"]


class RedisConfig(Model):
    """Azure Managed Redis: one cluster, one database, Entra authentication, private endpoint only."""

    sku: Annotated[str, AfterValidator(_redis_sku)] = Field(
        description="Azure Managed Redis SKU, for example Balanced_B0 (0.5 GB) or Balanced_B5 (6 GB). Profile default."
    )
    high_availability: bool = Field(
        description="Replicate over two or more nodes (zone redundant in a region with zones). Cannot be turned off "
        "once on. Profile default."
    )
    eviction_policy: Literal[
        "AllKeysLFU",
        "AllKeysLRU",
        "AllKeysRandom",
        "VolatileLRU",
        "VolatileLFU",
        "VolatileTTL",
        "VolatileRandom",
        "NoEviction",
    ] = Field(default="VolatileLRU", description="What Redis evicts when full. Default VolatileLRU (keys with a TTL).")
    clustering_policy: Literal["EnterpriseCluster", "OSSCluster"] = Field(
        default="EnterpriseCluster",
        description="EnterpriseCluster (one endpoint, works with KEDA's redis-streams scaler) or OSSCluster "
        "(cluster-aware clients; KEDA redis-cluster-streams). Changing it replaces the database. "
        "Default EnterpriseCluster.",
    )
    modules: list[RedisModule] = Field(
        default_factory=list, description="Redis modules; changing them replaces the database. Default: none."
    )
    persistence: Literal["none", "aof", "rdb"] = Field(
        description="Data persistence: none, aof (every write, 1 s) or rdb (snapshots). Profile default."
    )
    rdb_frequency: Literal["1h", "6h", "12h"] | None = Field(
        default=None, description="Snapshot interval with persistence rdb. Default 1h."
    )
    access_keys_for_keda: bool = Field(
        default=False,
        description="Turn on access-key authentication and put the primary key in Key Vault as "
        "redis-streams-password, for a KEDA Redis Streams scaler. Default false (Entra only).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> RedisConfig:
        problems: list[tuple[str, str, Any]] = []
        if "RediSearch" in self.modules:
            # https://learn.microsoft.com/azure/redis/redis-modules#redisearch
            if self.clustering_policy != "EnterpriseCluster":
                problems.append(
                    (
                        "clusteringPolicy",
                        "RediSearch requires clusteringPolicy EnterpriseCluster",
                        self.clustering_policy,
                    )
                )
            if self.eviction_policy != "NoEviction":
                problems.append(
                    ("evictionPolicy", "RediSearch requires evictionPolicy NoEviction", self.eviction_policy)
                )
        if len(set(self.modules)) != len(self.modules):
            problems.append(("modules", "lists a module more than once", self.modules))
        if self.rdb_frequency is not None and self.persistence != "rdb":
            problems.append(("rdbFrequency", "applies only with persistence: rdb", self.rdb_frequency))
        if problems:
            raise ProblemList(problems)
        return self

    @property
    def keda_scaler_type(self) -> str:
        """The KEDA scaler that reads streams from this clustering policy."""
        return KEDA_STREAMS_SCALER[self.clustering_policy]


# --- Cosmos DB --------------------------------------------------------------------------------------------------


def _autoscale(value: int) -> int:
    problem = autoscale_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


AutoscaleRu = Annotated[int, AfterValidator(_autoscale)]


def _partition_key(value: str | list[str]) -> str | list[str]:
    problem = partition_key_problem([value] if isinstance(value, str) else value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _index_path(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError("an index path must start with '/' (for example /* or /payload/?)")
    return value


def _ttl(value: int | None) -> int | None:
    # -1: TTL on, items never expire unless they set ttl; n > 0: seconds. 0 is rejected by Azure.
    # https://learn.microsoft.com/azure/cosmos-db/nosql/time-to-live
    if value is not None and (value == 0 or value < -1):
        raise ValueError("defaultTtl must be -1 (on, no default expiry) or a positive number of seconds")
    return value


_COSMOS_ID = re.compile(r"[^/\\#?]{1,255}")


def _ids(value: dict[str, Any]) -> dict[str, Any]:
    # https://learn.microsoft.com/azure/cosmos-db/concepts-limits#per-item-limits (ids: no / \ # ?)
    bad = [key for key in value if not _COSMOS_ID.fullmatch(key) or key != key.strip()]
    if bad:
        raise ValueError(f"ids {bad} are invalid: 1-255 characters, none of / \\ # ?, no surrounding spaces")
    return value


class CosmosIndexingConfig(Model):
    """A container's indexing policy."""

    mode: Literal["consistent", "none"] = Field(default="consistent", description="Indexing mode. Default consistent.")
    included_paths: list[Annotated[str, AfterValidator(_index_path)]] = Field(
        default_factory=lambda: ["/*"], description="Paths to index. Default: everything (/*)."
    )
    excluded_paths: list[Annotated[str, AfterValidator(_index_path)]] = Field(
        default_factory=list, description="Paths not to index. Default: none."
    )


class CosmosContainerConfig(Model):
    """One container of a Cosmos DB for NoSQL database."""

    partition_key: Annotated[str | list[str], AfterValidator(_partition_key)] = Field(
        description="Partition key path (/tenantId), or up to three paths for a hierarchical key. Changing it "
        "replaces the container (its data)."
    )
    default_ttl: Annotated[int | None, AfterValidator(_ttl)] = Field(
        default=None, description="Item time to live in seconds, or -1 for on without a default. Default: off."
    )
    indexing: CosmosIndexingConfig | None = Field(default=None, description="Indexing policy. Default: Azure's.")
    max_throughput: AutoscaleRu | None = Field(
        default=None, description="Dedicated autoscale maximum RU/s (>= 1000, multiple of 1000). Default: shared."
    )

    @property
    def partition_key_paths(self) -> list[str]:
        """The partition key as a list of paths."""
        return [self.partition_key] if isinstance(self.partition_key, str) else list(self.partition_key)


class CosmosDatabaseConfig(Model):
    """One Cosmos DB for NoSQL database."""

    max_throughput: AutoscaleRu | None = Field(
        default=None, description="Autoscale maximum RU/s shared by its containers. Default: none."
    )
    containers: Annotated[dict[str, CosmosContainerConfig], AfterValidator(_ids)] = Field(
        default_factory=dict, description="Containers by id."
    )


class CosmosConfig(Model):
    """Cosmos DB for NoSQL: Entra only, private endpoint only, continuous backup."""

    serverless: bool = Field(description="Serverless capacity (single region, no throughput). Profile default.")
    backup_tier: Literal["Continuous7Days", "Continuous30Days"] = Field(
        description="Point-in-time restore window of continuous backup. Profile default."
    )
    consistency_level: Literal["Eventual", "ConsistentPrefix", "Session", "BoundedStaleness", "Strong"] = Field(
        default="Session", description="Default consistency level. Default Session."
    )
    secondary_locations: list[str] = Field(
        default_factory=list,
        description="Read/failover regions in failover order (provisioned only). Each is zone redundant when "
        "zoneRedundant is on and the region has zones. Default: none.",
    )
    default_max_throughput: AutoscaleRu | None = Field(
        default=None,
        description="Autoscale maximum RU/s for containers with no throughput of their own or of their database. "
        "Profile default (none when serverless).",
    )
    databases: Annotated[dict[str, CosmosDatabaseConfig], AfterValidator(_ids)] = Field(
        default_factory=dict, description="Databases by id."
    )

    @model_validator(mode="after")
    def _capacity(self) -> CosmosConfig:
        problems: list[tuple[str, str, Any]] = []
        throughputs: list[tuple[str, int | None]] = [("defaultMaxThroughput", self.default_max_throughput)]
        for db_name, db in self.databases.items():
            throughputs.append((f"databases.{db_name}.maxThroughput", db.max_throughput))
            for c_name, container in db.containers.items():
                throughputs.append((f"databases.{db_name}.containers.{c_name}.maxThroughput", container.max_throughput))
        if self.serverless:
            for path, value in throughputs:
                if value is not None:
                    problems.append((path, "a serverless account has no provisioned throughput; remove it", value))
            if self.secondary_locations:
                problems.append(
                    (
                        "secondaryLocations",
                        "a serverless account runs in a single region; remove the secondary locations or set "
                        "serverless: false",
                        self.secondary_locations,
                    )
                )
        else:
            for db_name, db in self.databases.items():
                for c_name, container in db.containers.items():
                    if (
                        container.max_throughput is None
                        and db.max_throughput is None
                        and not self.default_max_throughput
                    ):
                        problems.append(
                            (
                                f"databases.{db_name}.containers.{c_name}",
                                "a provisioned account needs throughput: set maxThroughput here, on the database, "
                                "or cosmos.defaultMaxThroughput",
                                None,
                            )
                        )
        unknown = [loc for loc in self.secondary_locations if loc not in REGIONS]
        if unknown:
            problems.append(("secondaryLocations", f"unknown Azure regions {unknown}", self.secondary_locations))
        if len(set(self.secondary_locations)) != len(self.secondary_locations):
            problems.append(("secondaryLocations", "lists a region more than once", self.secondary_locations))
        if problems:
            raise ProblemList(problems)
        return self

    def container_max_throughput(self, database: str, container: str) -> int | None:
        """The dedicated autoscale maximum a container gets (its own, else the default when its database has
        no shared throughput); None for serverless or shared throughput."""
        if self.serverless:
            return None
        db = self.databases[database]
        own = db.containers[container].max_throughput
        if own is not None:
            return own
        return None if db.max_throughput is not None else self.default_max_throughput


# --- alerts -------------------------------------------------------------------------------------------------------


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError("not an e-mail address")
    return value


class AlertsConfig(Model):
    """Where alerts go and when the data stores raise them."""

    emails: list[Annotated[str, AfterValidator(_email)]] = Field(
        default_factory=list, description="E-mail receivers of the platform's action group. Default: none."
    )
    redis_memory_percent: int = Field(
        default=80, ge=1, le=100, description="Alert when Redis used memory exceeds this percentage. Default 80."
    )
    cosmos_throttled_requests: int = Field(
        default=100,
        ge=1,
        description="Alert when more Cosmos requests than this are throttled (HTTP 429) in 5 minutes. Default 100.",
    )


# --- checks across sections, on raw values ------------------------------------------------------------------------


def data_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Cross-section checks for the data stores; malformed values are skipped (field validation reports them)."""
    problems: list[Problem] = []
    redis = data.get("redis")
    if data.get("zoneRedundant") is True and isinstance(redis, Mapping) and redis.get("highAvailability") is False:
        # https://learn.microsoft.com/azure/reliability/reliability-managed-redis#requirements
        problems.append(
            Problem(
                "redis.highAvailability",
                "Azure Managed Redis is zone redundant only with high availability; set highAvailability: true "
                "or zoneRedundant: false",
                False,
            )
        )
    cosmos = data.get("cosmos")
    secondaries = cosmos.get("secondaryLocations") if isinstance(cosmos, Mapping) else None
    if isinstance(secondaries, list) and data.get("location") in secondaries:
        problems.append(
            Problem(
                "cosmos.secondaryLocations",
                f"includes the primary location {data.get('location')}; list only the other regions",
                secondaries,
            )
        )
    return problems

"""Compute config rules: each with a case that passes and one that fails, asserting the reported key and text.

These validate the stack files' values with overrides (no render), so they are fast.
"""

from __future__ import annotations

from typing import Any

import pytest

from azplatform.stacks.config import PlatformConfig, deep_merge, load_platform_config
from azplatform.stacks.errors import ConfigError, ConfigProblem
from tests.conftest import REDIS_STREAMS_RULE, REDIS_STREAMS_WORKER, stack_values

# The stacks' worker scales on Service Bus, keyless; these tests put it back on the platform's Redis (the Redis
# Streams option), with the time-boxed access-key exception that needs.
WORKER_RULE = REDIS_STREAMS_RULE


def load(stack: str, overrides: dict[str, Any]) -> PlatformConfig:
    values = deep_merge(deep_merge(stack_values(stack), REDIS_STREAMS_WORKER), overrides)
    return load_platform_config(values, f"Pulumi.{stack}.yaml")


def problems(stack: str, overrides: dict[str, Any]) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        load(stack, overrides)
    return caught.value.problems


def only(stack: str, overrides: dict[str, Any]) -> ConfigProblem:
    found = problems(stack, overrides)
    assert len(found) == 1, [(p.path, p.message) for p in found]
    return found[0]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_stack_files_are_valid(stack: str) -> None:
    config = load(stack, {})
    assert set(config.apps) == {"api", "worker"}
    assert config.registry.sku == "Premium"


# --- cpu / memory ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cpu", "memory"), [(0.25, "0.5Gi"), (1.25, "2.5Gi"), (2, "4Gi"), (4, "8Gi")])
def test_consumption_combinations_are_accepted(cpu: float, memory: str) -> None:
    assert load("dev", {"apps": {"api": {"cpu": cpu, "memory": memory}}}).apps["api"].cpu == cpu


@pytest.mark.parametrize(("cpu", "memory"), [(0.5, "2Gi"), (0.3, "0.6Gi"), (4.25, "8.5Gi"), (1, "1Gi")])
def test_bad_cpu_memory_pair_is_a_config_error(cpu: float, memory: str) -> None:
    problem = only("dev", {"apps": {"api": {"cpu": cpu, "memory": memory}}})
    assert problem.path == "apps.api.cpu"
    assert "is not a Consumption combination" in problem.message


def test_memory_in_other_units_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"api": {"memory": "512Mi"}}})
    assert problem.path == "apps.api.memory"


def test_dedicated_profile_app_may_exceed_consumption_sizes_within_the_node() -> None:
    config = load(
        "dev",
        {
            "containerApps": {"workloadProfiles": {"general": {"type": "D4"}}},
            "apps": {"api": {"workloadProfile": "general", "cpu": 3, "memory": "12Gi"}},
        },
    )
    assert config.apps["api"].workload_profile == "general"


def test_app_larger_than_its_dedicated_node_is_a_config_error() -> None:
    problem = only(
        "dev",
        {
            "containerApps": {"workloadProfiles": {"general": {"type": "D4"}}},
            "apps": {"api": {"workloadProfile": "general", "cpu": 4, "memory": "20Gi"}},
        },
    )
    assert problem.path == "apps.api.cpu"
    assert "does not fit a D4 node (4 vCPU, 16 GiB)" in problem.message


def test_unknown_workload_profile_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"api": {"workloadProfile": "gpu"}}})
    assert problem.path == "apps.api.workloadProfile"
    assert "known: Consumption" in problem.message


def test_dedicated_profile_cannot_be_named_consumption() -> None:
    problem = only("dev", {"containerApps": {"workloadProfiles": {"Consumption": {"type": "D4"}}}})
    assert problem.path == "containerApps.workloadProfiles.Consumption"


# --- replicas -------------------------------------------------------------------------------------------


def test_min_replicas_above_max_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"api": {"minReplicas": 4, "maxReplicas": 3}}})
    assert problem.path == "apps.api.minReplicas"
    assert "greater than maxReplicas (3)" in problem.message


def test_prod_ingress_app_with_one_replica_is_a_config_error() -> None:
    problem = only("prod", {"apps": {"api": {"minReplicas": 1}}})
    assert problem.path == "apps.api.minReplicas"
    assert "in prod an app with ingress keeps at least 2 replicas" in problem.message


def test_prod_ingress_app_with_two_replicas_and_worker_with_one_are_valid() -> None:
    config = load("prod", {"apps": {"api": {"minReplicas": 2}, "worker": {"minReplicas": 1}}})
    assert (config.apps["api"].min_replicas, config.apps["worker"].min_replicas) == (2, 1)


def test_dev_ingress_app_may_run_one_replica() -> None:
    assert load("dev", {"apps": {"api": {"minReplicas": 1}}}).apps["api"].min_replicas == 1


# --- scale rules ----------------------------------------------------------------------------------------


def test_unknown_scale_rule_type_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"api": {"scaleRules": [{"type": "kafka", "topic": "x"}]}}})
    assert problem.path == "apps.api.scaleRules.0"
    assert problem.message.startswith("unknown or missing scale rule type; allowed: http, cpu, memory")


@pytest.mark.parametrize(
    "rule",
    [
        {"type": "http", "concurrentRequests": 20},
        {"type": "cpu", "utilization": 60},
        {"type": "memory", "utilization": 80},
        {"type": "azure-servicebus", "namespace": "sb-orders", "queueName": "orders"},
    ],
)
def test_every_scale_rule_type_is_accepted_on_the_api(rule: dict[str, Any]) -> None:
    assert load("dev", {"apps": {"api": {"scaleRules": [rule]}}}).apps["api"].scale_rules[0].type == rule["type"]


def test_redis_streams_rule_is_accepted_on_the_worker() -> None:
    assert load("dev", {"apps": {"worker": {"scaleRules": [WORKER_RULE]}}}).apps["worker"].scale_rules[0].type == (
        "redis-streams"
    )


def test_http_rule_without_ingress_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"worker": {"scaleRules": [WORKER_RULE, {"type": "http"}]}}})
    assert problem.path == "apps.worker.scaleRules.1.type"
    assert "needs ingress" in problem.message


def test_cpu_rule_with_scale_to_zero_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"api": {"minReplicas": 0}}})
    assert problem.path == "apps.api.minReplicas"
    assert "a cpu rule never scales to zero" in problem.message


def test_redis_pending_entries_rule_cannot_wake_an_app_from_zero() -> None:
    rule = {**WORKER_RULE, "lagCount": None, "pendingEntriesCount": 10}
    problem = only("dev", {"apps": {"worker": {"scaleRules": [rule]}}})
    assert problem.path == "apps.worker.scaleRules.0.pendingEntriesCount"
    assert "use lagCount" in problem.message


def test_redis_rule_needs_exactly_one_target() -> None:
    rule = {**WORKER_RULE, "pendingEntriesCount": 10}
    problem = only("dev", {"apps": {"worker": {"minReplicas": 1, "scaleRules": [rule]}}})
    assert "exactly one of pendingEntriesCount and lagCount" in problem.message


def test_redis_rule_password_must_be_an_app_secret() -> None:
    problem = only("dev", {"apps": {"worker": {"scaleRules": [{**WORKER_RULE, "passwordSecret": "nope"}]}}})
    assert problem.path == "apps.worker.scaleRules.0"
    assert "'nope', which is not in secrets" in problem.message


def test_service_bus_rule_needs_a_queue_or_a_topic_subscription() -> None:
    rule = {"type": "azure-servicebus", "namespace": "sb-orders", "topicName": "orders"}
    problem = only("dev", {"apps": {"api": {"scaleRules": [rule]}}})
    assert "topicName together with subscriptionName" in problem.message


def test_duplicate_scale_rule_names_are_a_config_error() -> None:
    problem = only("dev", {"apps": {"api": {"scaleRules": [{"type": "cpu"}, {"type": "cpu", "utilization": 50}]}}})
    assert problem.path == "apps.api.scaleRules.1.name"


# --- secrets --------------------------------------------------------------------------------------------


def test_secret_env_must_name_a_declared_secret() -> None:
    problem = only("dev", {"apps": {"api": {"secretEnv": {"TOKEN": "api-token"}}}})
    assert problem.path == "apps.api.secretEnv.TOKEN"


def test_key_vault_secret_names_follow_key_vault_rules() -> None:
    problem = only("dev", {"apps": {"api": {"secrets": {"db-password": "db_password"}}}})
    assert problem.path == "apps.api.secrets.db-password"
    assert "1-127 letters, digits and hyphens" in problem.message


def test_scaling_on_the_platforms_redis_needs_access_keys_for_keda() -> None:
    problem = only("dev", {"redis": {"accessKeysForKeda": False}})
    assert problem.path == "redis.accessKeysForKeda"
    assert "apps.worker.scaleRules[0] scales on the platform's Redis" in problem.message
    assert "password only" in problem.message


def test_a_rule_with_its_own_redis_address_needs_no_platform_keys() -> None:
    rule = {**WORKER_RULE, "address": "other-redis.example.net:6380"}
    config = load("dev", {"redis": {"accessKeysForKeda": False}, "apps": {"worker": {"scaleRules": [rule]}}})
    assert config.redis.access_keys_for_keda is False


def test_the_platform_redis_password_must_be_the_key_vault_secret_the_platform_writes() -> None:
    problem = only("dev", {"apps": {"worker": {"secrets": {"redis-password": "some-other-secret"}}}})
    assert problem.path == "apps.worker.secrets.redis-password"
    assert "'redis-streams-password'" in problem.message


def test_data_access_accepts_only_the_cosmos_data_roles() -> None:
    problem = only("dev", {"apps": {"api": {"dataAccess": {"cosmos": "owner"}}}})
    assert problem.path == "apps.api.dataAccess.cosmos"


# --- revisions and traffic ------------------------------------------------------------------------------

CANARY = [
    {"revisionSuffix": "v1", "label": "stable", "weight": 95},
    {"latestRevision": True, "label": "canary", "weight": 5},
]


def test_canary_split_summing_to_100_is_valid() -> None:
    config = load("dev", {"apps": {"api": {"revisions": {"suffix": "v2", "traffic": CANARY}}}})
    assert [t.weight for t in config.apps["api"].revisions.traffic] == [95, 5]


def test_traffic_weights_not_summing_to_100_are_a_config_error() -> None:
    traffic = [{**CANARY[0], "weight": 90}, CANARY[1]]
    problem = only("dev", {"apps": {"api": {"revisions": {"traffic": traffic}}}})
    assert problem.path == "apps.api.revisions.traffic"
    assert problem.message == "weights sum to 95; they must sum to 100"


def test_traffic_split_on_a_worker_without_ingress_is_a_config_error() -> None:
    found = problems("dev", {"apps": {"worker": {"revisions": {"traffic": CANARY}}}})
    assert {p.path for p in found} == {"apps.worker.revisions.traffic", "apps.worker.revisions.mode"}


def test_traffic_split_in_single_mode_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"api": {"revisions": {"mode": "single", "traffic": CANARY}}}})
    assert problem.path == "apps.api.revisions.mode"


def test_duplicate_traffic_labels_are_a_config_error() -> None:
    traffic = [CANARY[0], {**CANARY[1], "label": "stable"}]
    problem = only("dev", {"apps": {"api": {"revisions": {"traffic": traffic}}}})
    assert "label 'stable' is used twice" in problem.message


def test_traffic_entry_needs_exactly_one_target() -> None:
    traffic = [{"revisionSuffix": "v1", "latestRevision": True, "weight": 100}]
    problem = only("dev", {"apps": {"api": {"revisions": {"traffic": traffic}}}})
    assert "exactly one of revisionSuffix and latestRevision" in problem.message


# --- jobs -----------------------------------------------------------------------------------------------

JOB = {
    "kind": "job",
    "image": "mcr.microsoft.com/k8se/quickstart:latest",
    "secrets": {"redis-password": "redis-streams-password"},
    "scaleRules": [{**WORKER_RULE, "lagCount": None, "pendingEntriesCount": 5}],
}


def test_event_driven_job_is_valid() -> None:
    assert load("dev", {"apps": {"batch": JOB}}).apps["batch"].kind == "job"


def test_job_with_http_or_cpu_trigger_is_a_config_error() -> None:
    found = problems("dev", {"apps": {"batch": {**JOB, "scaleRules": [*JOB["scaleRules"], {"type": "cpu"}]}}})
    assert [(p.path, p.message.split(";")[0]) for p in found] == [
        ("apps.batch.scaleRules.1.type", "cpu cannot trigger a job")
    ]


def test_job_without_a_trigger_or_with_ingress_is_a_config_error() -> None:
    found = problems("dev", {"apps": {"batch": {**JOB, "scaleRules": [], "targetPort": 80}}})
    assert {p.path for p in found} == {"apps.batch.scaleRules", "apps.batch.targetPort"}


# --- registry and environment ---------------------------------------------------------------------------


@pytest.mark.parametrize("sku", ["Basic", "Standard"])
def test_registry_below_premium_cannot_be_private(sku: str) -> None:
    problem = only("dev", {"registry": {"sku": sku}})
    assert problem.path == "registry.sku"
    assert "only on Premium" in problem.message


def test_zone_redundant_environment_in_a_region_without_zones_is_a_config_error() -> None:
    problem = only("dev", {"location": "northcentralus", "containerApps": {"zoneRedundant": True}})
    assert problem.path == "containerApps.zoneRedundant"


def test_probe_success_threshold_above_one_on_liveness_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"api": {"probes": {"liveness": {"successThreshold": 2}}}}})
    assert problem.path == "apps.api.probes.liveness.successThreshold"


def test_probe_on_an_app_without_a_port_needs_one() -> None:
    problem = only("dev", {"apps": {"worker": {"probes": {"liveness": {"path": "/healthz"}}}}})
    assert problem.path == "apps.worker.probes.liveness.port"


def test_job_min_executions_above_max_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"batch": {**JOB, "job": {"minExecutions": 5, "maxExecutions": 2}}}})
    assert problem.path == "apps.batch.job.minExecutions"


def test_vnet_ingress_scope_without_ingress_is_a_config_error() -> None:
    problem = only("dev", {"apps": {"worker": {"ingressScope": "vnet"}}})
    assert problem.path == "apps.worker.ingressScope"


def test_the_redis_key_exception_needs_an_expiry_date() -> None:
    problem = only("dev", {"redis": {"accessKeysExpireOn": None}})
    assert problem.path == "redis.accessKeysExpireOn"
    assert "time-boxed" in problem.message


def test_redis_keys_stay_off_without_a_redis_streams_rule() -> None:
    problem = only("dev", {"apps": {"worker": {"secrets": {}, "scaleRules": [{"type": "cpu"}], "minReplicas": 1}}})
    assert problem.path == "redis.accessKeysForKeda"
    assert "no redis-streams rule scales on the platform's Redis" in problem.message

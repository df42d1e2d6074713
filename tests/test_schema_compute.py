"""One schema per concept, for compute: every rule the Container Apps environment, registry, app, job, probe,
revision and scale-rule settings enforce refuses the same mistake in a stack file (at its key, in the file's
spelling) and through the component API, with the same message. Rows reuse tests/test_schema.py's ``Case``.

Apps and jobs take a real ``UserIdentity``, so their component calls run inside a program under the offline
harness (a validation error propagates out of it unchanged).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from azplatform.components.container_app import ContainerAppArgs, ContainerAppJobArgs
from azplatform.components.container_apps_environment import ContainerAppsEnvironmentArgs
from azplatform.components.container_registry import ContainerRegistryArgs
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.scale_rules import (
    CpuScaleRule,
    HttpScaleRule,
    MemoryScaleRule,
    RedisStreamsScaleRule,
    ServiceBusScaleRule,
)
from azplatform.stacks.offline import render
from tests.conftest import REDIS_STREAMS_RULE
from tests.test_schema import RG, Case, _stack_file_problem
from tests.test_schema import test_stack_file_and_component_refuse_alike as refused_alike

IMAGE = "mcr.microsoft.com/k8se/quickstart:latest"
ENV_ID = f"/subscriptions/s/resourceGroups/{RG}/providers/Microsoft.App/managedEnvironments/cae-unit"
VAULT = "https://kv-unit.vault.azure.net/"
PLACE = {"resource_group_name": RG, "location": "westeurope"}
QUEUE = {"type": "azure-servicebus", "namespace": "sb-orders", "queueName": "orders"}
STREAM = {
    "type": "redis-streams",
    "stream": "orders",
    "consumerGroup": "workers",
    "lagCount": 20,
    "passwordSecret": "redis-password",
}
SECRETS = {"redis-password": "redis-streams-password"}
CANARY = [
    {"revisionSuffix": "v1", "label": "stable", "weight": 95},
    {"latestRevision": True, "label": "canary", "weight": 5},
]
JOB = {"kind": "job", "image": IMAGE, "scaleRules": [QUEUE]}


def _program(build: Callable[[], object]) -> Callable[[], object]:
    """``build`` run inside a Pulumi program under the offline harness."""

    def program() -> None:
        build()

    return lambda: render(program, project="unit", stack="unit", config={})


def _identity() -> UserIdentity:
    return UserIdentity("id", UserIdentityArgs(name="id-unit", **PLACE))


def _app(**kwargs: Any) -> Callable[[], object]:
    """A container app's args with ``kwargs`` (Python names), in a program."""
    base = {"name": "ca-unit", "environment_id": ENV_ID, "image": IMAGE, "key_vault_uri": VAULT, **PLACE}
    return _program(lambda: ContainerAppArgs.model_validate({**base, "identity": _identity(), **kwargs}))


def _job(**kwargs: Any) -> Callable[[], object]:
    """An event-driven job's args (a Service Bus trigger unless ``kwargs`` says otherwise), in a program."""
    base = {"name": "caj-unit", "environment_id": ENV_ID, "image": IMAGE, "key_vault_uri": VAULT, **PLACE}
    rules = [ServiceBusScaleRule(namespace="sb-orders", queue_name="orders")]
    return _program(
        lambda: ContainerAppJobArgs.model_validate({**base, "identity": _identity(), "scale_rules": rules, **kwargs})
    )


def _environment(**kwargs: Any) -> Callable[[], object]:
    base = {"name": "cae-unit", "infrastructure_subnet_id": "snet", "vnet_id": "vnet", **PLACE}
    return lambda: ContainerAppsEnvironmentArgs.model_validate({**base, **kwargs})


def _registry(**kwargs: Any) -> Callable[[], object]:
    return lambda: ContainerRegistryArgs.model_validate({"name": "crunit", **PLACE, **kwargs})


def _rule(rule_type: type[Any], **kwargs: Any) -> Callable[[], object]:
    return lambda: rule_type.model_validate(kwargs)


def _redis(**kwargs: Any) -> Callable[[], object]:
    base = {"address": "r.westeurope.redis.azure.net:10000", "stream": "s", "consumer_group": "g"}
    return _rule(RedisStreamsScaleRule, **{**base, "password_secret": "p", "lag_count": 5, **kwargs})


def _bus(**kwargs: Any) -> Callable[[], object]:
    return _rule(ServiceBusScaleRule, **{"namespace": "sb-orders", "queue_name": "orders", **kwargs})


def _api(**keys: Any) -> dict[str, Any]:
    return {"apps": {"api": keys}}


def _worker(**keys: Any) -> dict[str, Any]:
    return {"apps": {"worker": keys}}


def _probe(**keys: Any) -> dict[str, Any]:
    return _api(probes={"liveness": keys})


def _profile(**keys: Any) -> dict[str, Any]:
    return {"containerApps": {"workloadProfiles": {"general": {"type": "D4", **keys}}}}


def _split(**keys: Any) -> dict[str, Any]:
    return _api(revisions={"traffic": [{"weight": 100, "latestRevision": True, **keys}]})


GE0, GE1 = "greater than or equal to 0", "greater than or equal to 1"
PATTERN = "String should match pattern"
PROFILES = "containerApps.workloadProfiles"

ENVIRONMENT_CASES = [
    Case(
        "workload profile type",
        {"containerApps": {"workloadProfiles": {"big": {"type": "D64"}}}},
        f"{PROFILES}.big.type",
        _environment(workload_profiles={"big": {"type": "D64"}}),
        "Input should be 'D4', 'D8'",
    ),
    Case(
        "workload profile minimum below 0",
        _profile(minimumCount=-1),
        f"{PROFILES}.general.minimumCount",
        _environment(workload_profiles={"general": {"type": "D4", "minimum_count": -1}}),
        GE0,
    ),
    Case(
        "workload profile maximum below 1",
        _profile(maximumCount=0),
        f"{PROFILES}.general.maximumCount",
        _environment(workload_profiles={"general": {"type": "D4", "maximum_count": 0}}),
        GE1,
    ),
    Case(
        "workload profile minimum above maximum",
        _profile(minimumCount=3, maximumCount=2),
        f"{PROFILES}.general.minimumCount",
        _environment(workload_profiles={"general": {"type": "D4", "minimum_count": 3, "maximum_count": 2}}),
        "is greater than maximum",
    ),
    Case(
        "workload profile named Consumption",
        {"containerApps": {"workloadProfiles": {"Consumption": {"type": "D4"}}}},
        f"{PROFILES}.Consumption",
        _environment(workload_profiles={"Consumption": {"type": "D4"}}),
        "'Consumption' is the built-in serverless profile",
    ),
    Case(
        "workload profile name charset",
        {"containerApps": {"workloadProfiles": {"9gpu": {"type": "D4"}}}},
        f"{PROFILES}.9gpu",
        _environment(workload_profiles={"9gpu": {"type": "D4"}}),
        "must be letters, digits and hyphens, starting with a letter",
    ),
]

REGISTRY_CASES = [
    Case(
        "registry sku", {"registry": {"sku": "Gold"}}, "registry.sku", _registry(sku="Gold"), "'Standard' or 'Premium'"
    ),
    Case(
        "private registry below Premium",
        {"registry": {"sku": "Standard"}},
        "registry.sku",
        _registry(sku="Standard"),
        "Standard cannot be private: Azure offers private endpoints and disabled public network access only on Premium",
    ),
]

RULES = "apps.api.scaleRules.0"
WORKER_RULES = "apps.worker.scaleRules.0"
SCALE_RULE_CASES = [
    Case(
        "unknown scale rule type",
        _api(scaleRules=[{"type": "kafka"}]),
        RULES,
        _app(scale_rules=[{"type": "kafka"}]),
        "unknown or missing scale rule type; allowed: http, cpu, memory, redis-streams, azure-servicebus",
    ),
    Case(
        "scale rule name",
        _api(scaleRules=[{"type": "http", "name": "Http_1"}]),
        f"{RULES}.http.name",
        _rule(HttpScaleRule, name="Http_1"),
        PATTERN,
    ),
    Case(
        "http concurrent requests",
        _api(scaleRules=[{"type": "http", "concurrentRequests": 0}]),
        f"{RULES}.http.concurrentRequests",
        _rule(HttpScaleRule, concurrent_requests=0),
        GE1,
    ),
    Case(
        "cpu utilization above 100",
        _api(scaleRules=[{"type": "cpu", "utilization": 101}]),
        f"{RULES}.cpu.utilization",
        _rule(CpuScaleRule, utilization=101),
        "less than or equal to 100",
    ),
    Case(
        "memory utilization below 1",
        _api(scaleRules=[{"type": "memory", "utilization": 0}]),
        f"{RULES}.memory.utilization",
        _rule(MemoryScaleRule, utilization=0),
        GE1,
    ),
    Case(
        "redis address",
        _worker(scaleRules=[{**STREAM, "address": "no-port"}]),
        f"{WORKER_RULES}.redis-streams.address",
        _redis(address="no-port"),
        "must be host:port",
    ),
    Case(
        "redis stream",
        _worker(scaleRules=[{**STREAM, "stream": ""}]),
        f"{WORKER_RULES}.redis-streams.stream",
        _redis(stream=""),
        "at least 1 character",
    ),
    Case(
        "redis consumer group",
        _worker(scaleRules=[{**STREAM, "consumerGroup": ""}]),
        f"{WORKER_RULES}.redis-streams.consumerGroup",
        _redis(consumer_group=""),
        "at least 1 character",
    ),
    Case(
        "redis pending entries",
        _worker(scaleRules=[{**STREAM, "lagCount": None, "pendingEntriesCount": 0}]),
        f"{WORKER_RULES}.redis-streams.pendingEntriesCount",
        _redis(lag_count=None, pending_entries_count=0),
        GE1,
    ),
    Case(
        "redis lag",
        _worker(scaleRules=[{**STREAM, "lagCount": 0}]),
        f"{WORKER_RULES}.redis-streams.lagCount",
        _redis(lag_count=0),
        GE1,
    ),
    Case(
        "redis activation lag",
        _worker(scaleRules=[{**STREAM, "activationLagCount": -1}]),
        f"{WORKER_RULES}.redis-streams.activationLagCount",
        _redis(activation_lag_count=-1),
        GE0,
    ),
    Case(
        "redis target: both",
        _worker(scaleRules=[{**STREAM, "pendingEntriesCount": 10}]),
        f"{WORKER_RULES}.redis-streams",
        _redis(pending_entries_count=10),
        "set exactly one of ",
    ),
    Case(
        "redis scaler",
        _worker(scaleRules=[{**STREAM, "scaler": "redis"}]),
        f"{WORKER_RULES}.redis-streams.scaler",
        _redis(scaler="redis"),
        "'redis-streams' or 'redis-cluster-streams'",
    ),
    Case(
        "service bus namespace length",
        _api(scaleRules=[{**QUEUE, "namespace": "sb"}]),
        f"{RULES}.azure-servicebus.namespace",
        _bus(namespace="sb"),
        "at least 6 characters",
    ),
    Case(
        "service bus namespace charset",
        _api(scaleRules=[{**QUEUE, "namespace": "9-orders"}]),
        f"{RULES}.azure-servicebus.namespace",
        _bus(namespace="9-orders"),
        PATTERN,
    ),
    Case(
        "service bus message count",
        _api(scaleRules=[{**QUEUE, "messageCount": 0}]),
        f"{RULES}.azure-servicebus.messageCount",
        _bus(message_count=0),
        GE1,
    ),
    Case(
        "service bus activation count",
        _api(scaleRules=[{**QUEUE, "activationMessageCount": -1}]),
        f"{RULES}.azure-servicebus.activationMessageCount",
        _bus(activation_message_count=-1),
        GE0,
    ),
    Case(
        "service bus entity",
        _api(scaleRules=[{**QUEUE, "queueName": None, "topicName": "orders"}]),
        f"{RULES}.azure-servicebus",
        _bus(queue_name=None, topic_name="orders"),
        "together with",
    ),
]

WORKLOAD_CASES = [
    Case("image", _api(image=""), "apps.api.image", _app(image=""), "at least 1 character"),
    Case("cpu", _api(cpu=0), "apps.api.cpu", _app(cpu=0), "greater than 0"),
    Case("memory unit", _api(memory="512Mi"), "apps.api.memory", _app(memory="512Mi"), PATTERN),
    Case(
        "consumption size",
        _api(cpu=0.5, memory="2Gi"),
        "apps.api.cpu",
        _app(cpu=0.5, memory="2Gi"),
        "0.5 vCPU with 2Gi is not a Consumption combination; allowed: 0.25 vCPU steps",
    ),
    Case(
        "secret name",
        _api(secrets={"Db_Password": "db-password"}),
        "apps.api.secrets.Db_Password",
        _app(secrets={"Db_Password": "db-password"}),
        "secret names are lowercase letters, digits, '-' and '.'",
    ),
    Case(
        "key vault secret name",
        _api(secrets={"db-password": "db_password"}),
        "apps.api.secrets.db-password",
        _app(secrets={"db-password": "db_password"}),
        "Key Vault secret names are 1-127 letters, digits and hyphens",
    ),
    Case(
        "secret env names an undeclared secret",
        _api(secretEnv={"TOKEN": "api-token"}),
        "apps.api.secretEnv.TOKEN",
        _app(secret_env={"TOKEN": "api-token"}),
        "refers to 'api-token', which is not in secrets",
    ),
    Case(
        "environment variable name",
        _api(env={"1BAD": "x"}),
        "apps.api.env.1BAD",
        _app(env={"1BAD": "x"}),
        "environment variable names are letters, digits and _",
    ),
    Case(
        "variable in env and secret env",
        _api(env={"TOKEN": "x"}, secrets={"token": "token"}, secretEnv={"TOKEN": "token"}),
        "apps.api.secretEnv.TOKEN",
        _app(env={"TOKEN": "x"}, secrets={"token": "token"}, secret_env={"TOKEN": "token"}),
        "is also set in env; set it in one place",
    ),
    Case(
        "environment variable value",
        _api(env={"RETRIES": 5}),
        "apps.api.env",
        _app(env={"RETRIES": 5}),
        "values of ['RETRIES'] are not strings",
    ),
    Case(
        "scale rule names",
        _api(scaleRules=[{"type": "cpu"}, {"type": "cpu", "utilization": 50}]),
        "apps.api.scaleRules.1.name",
        _app(scale_rules=[CpuScaleRule(), CpuScaleRule(utilization=50)]),
        "'cpu' is used twice; give each rule a unique name",
    ),
    Case(
        "scale rule secret",
        _worker(scaleRules=[{**STREAM, "passwordSecret": "nope"}]),
        "apps.worker.scaleRules.0",
        _app(
            secrets=SECRETS,
            scale_rules=[RedisStreamsScaleRule(stream="s", consumer_group="g", password_secret="nope", lag_count=5)],
        ),
        "refers to secret 'nope', which is not in secrets",
    ),
]

REPLICAS_AND_INGRESS_CASES = [
    Case("target port above 65535", _api(targetPort=70000), "apps.api.targetPort", _app(target_port=70000), "65535"),
    Case("target port 0", _api(targetPort=0), "apps.api.targetPort", _app(target_port=0), GE1),
    Case(
        "ingress scope",
        _api(ingressScope="internet"),
        "apps.api.ingressScope",
        _app(ingress_scope="internet"),
        "'environment' or 'vnet'",
    ),
    Case("min replicas below 0", _api(minReplicas=-1), "apps.api.minReplicas", _app(min_replicas=-1), GE0),
    Case(
        "min replicas above 1000",
        _api(minReplicas=1001, maxReplicas=1000),
        "apps.api.minReplicas",
        _app(min_replicas=1001, max_replicas=1000),
        "less than or equal to 1000",
    ),
    Case("max replicas below 1", _api(maxReplicas=0), "apps.api.maxReplicas", _app(max_replicas=0), GE1),
    Case(
        "max replicas above 1000",
        _api(maxReplicas=1001),
        "apps.api.maxReplicas",
        _app(max_replicas=1001),
        "less than or equal to 1000",
    ),
    Case(
        "min replicas above max",
        _api(minReplicas=4, maxReplicas=3),
        "apps.api.minReplicas",
        _app(min_replicas=4, max_replicas=3),
        "is greater than max",
    ),
    Case(
        "http rule without ingress",
        _worker(scaleRules=[STREAM, {"type": "http"}]),
        "apps.worker.scaleRules.1.type",
        _app(scale_rules=[HttpScaleRule()]),
        "http scaling needs ingress",
    ),
    Case(
        "cpu rule at zero replicas",
        _worker(minReplicas=0, scaleRules=[{"type": "cpu"}]),
        "apps.worker.minReplicas",
        _app(min_replicas=0, scale_rules=[CpuScaleRule()]),
        "is 0, but a cpu rule never scales to zero",
    ),
    Case(
        "redis pending entries at zero replicas",
        _worker(
            minReplicas=0,
            secrets={"redis-password": "redis-streams-password"},
            scaleRules=[{**REDIS_STREAMS_RULE, "lagCount": None, "pendingEntriesCount": 50}],
        ),
        "apps.worker.scaleRules.0.pendingEntriesCount",
        _app(
            min_replicas=0,
            secrets=SECRETS,
            scale_rules=[
                RedisStreamsScaleRule(
                    stream="s", consumer_group="g", password_secret="redis-password", pending_entries_count=5
                )
            ],
        ),
        "cannot wake an app from 0 replicas",
    ),
    Case(
        "probe without a port",
        _worker(probes={"liveness": {"path": "/healthz"}}),
        "apps.worker.probes.liveness.port",
        _app(probes={"liveness": {"path": "/healthz"}}),
        "is required: the app has no ",
    ),
    Case(
        "vnet ingress scope without ingress",
        _worker(ingressScope="vnet"),
        "apps.worker.ingressScope",
        _app(ingress_scope="vnet"),
        "applies to apps with ingress",
    ),
]

PROBES = "apps.api.probes.liveness"
PROBE_CASES = [
    Case(
        "probe path", _probe(path="healthz"), f"{PROBES}.path", _app(probes={"liveness": {"path": "healthz"}}), PATTERN
    ),
    Case("probe port", _probe(port=0), f"{PROBES}.port", _app(probes={"liveness": {"port": 0}}), GE1),
    *[
        Case(
            f"probe {key} {value}",
            _probe(**{key: value}),
            f"{PROBES}.{key}",
            _app(probes={"liveness": {field: value}}),
            message,
        )
        for key, field, value, message in [
            ("initialDelaySeconds", "initial_delay_seconds", 0, GE1),
            ("initialDelaySeconds", "initial_delay_seconds", 61, "less than or equal to 60"),
            ("periodSeconds", "period_seconds", 0, GE1),
            ("periodSeconds", "period_seconds", 241, "less than or equal to 240"),
            ("timeoutSeconds", "timeout_seconds", 241, "less than or equal to 240"),
            ("failureThreshold", "failure_threshold", 11, "less than or equal to 10"),
            ("successThreshold", "success_threshold", 0, GE1),
        ]
    ],
    *[
        Case(
            f"{kind} probe success threshold",
            _api(probes={kind: {"successThreshold": 2}}),
            f"apps.api.probes.{kind}.successThreshold",
            _app(target_port=80, probes={kind: {"success_threshold": 2}}),
            "must be 1 for liveness and startup probes",
        )
        for kind in ("liveness", "startup")
    ],
]

REVISION_CASES = [
    Case(
        "revisions mode",
        _api(revisions={"mode": "blue"}),
        "apps.api.revisions.mode",
        _app(revisions={"mode": "blue"}),
        "'single' or 'multiple'",
    ),
    Case(
        "revision suffix",
        _api(revisions={"suffix": "V2"}),
        "apps.api.revisions.suffix",
        _app(revisions={"suffix": "V2"}),
        PATTERN,
    ),
    Case(
        "traffic weight",
        _split(weight=101),
        "apps.api.revisions.traffic.0.weight",
        _app(target_port=80, revisions={"traffic": [{"weight": 101, "latest_revision": True}]}),
        "less than or equal to 100",
    ),
    Case(
        "traffic revision suffix",
        _split(latestRevision=False, revisionSuffix="V1"),
        "apps.api.revisions.traffic.0.revisionSuffix",
        _app(target_port=80, revisions={"traffic": [{"weight": 100, "revision_suffix": "V1"}]}),
        PATTERN,
    ),
    Case(
        "traffic label",
        _split(label="Stable"),
        "apps.api.revisions.traffic.0.label",
        _app(target_port=80, revisions={"traffic": [{"weight": 100, "latest_revision": True, "label": "Stable"}]}),
        PATTERN,
    ),
    Case(
        "traffic target",
        _split(revisionSuffix="v1"),
        "apps.api.revisions.traffic.0",
        _app(
            target_port=80, revisions={"traffic": [{"weight": 100, "latest_revision": True, "revision_suffix": "v1"}]}
        ),
        "set exactly one of revision",
    ),
    Case(
        "traffic without ingress",
        _worker(revisions={"traffic": CANARY}),
        "apps.worker.revisions.traffic",
        _app(revisions={"mode": "multiple", "traffic": [{"weight": 100, "latest_revision": True}]}),
        "traffic splitting needs ingress",
    ),
    Case(
        "traffic in single mode",
        _api(revisions={"mode": "single"}),
        "apps.api.revisions.mode",
        _app(target_port=80, revisions={"mode": "single", "traffic": [{"weight": 100, "latest_revision": True}]}),
        "traffic splitting needs mode: multiple",
    ),
    Case(
        "traffic weights",
        _api(revisions={"traffic": [{**CANARY[0], "weight": 90}, CANARY[1]]}),
        "apps.api.revisions.traffic",
        _app(
            target_port=80,
            revisions={"traffic": [{"weight": 90, "revision_suffix": "v1"}, {"weight": 5, "latest_revision": True}]},
        ),
        "weights sum to 95; they must sum to 100",
    ),
    Case(
        "traffic labels",
        _api(revisions={"traffic": [CANARY[0], {**CANARY[1], "label": "stable"}]}),
        "apps.api.revisions.traffic",
        _app(
            target_port=80,
            revisions={
                "traffic": [
                    {"weight": 95, "revision_suffix": "v1", "label": "stable"},
                    {"weight": 5, "latest_revision": True, "label": "stable"},
                ]
            },
        ),
        "label 'stable' is used twice",
    ),
    Case(
        "traffic: two latest",
        _api(revisions={"traffic": [{**CANARY[1], "weight": 50}, {**CANARY[1], "weight": 50, "label": "b"}]}),
        "apps.api.revisions.traffic",
        _app(
            target_port=80,
            revisions={"traffic": [{"weight": 50, "latest_revision": True}, {"weight": 50, "latest_revision": True}]},
        ),
        "only one entry can be latest",
    ),
    Case(
        "traffic: a revision twice",
        _api(revisions={"traffic": [{**CANARY[0], "weight": 50}, {**CANARY[0], "weight": 50, "label": "b"}]}),
        "apps.api.revisions.traffic",
        _app(
            target_port=80,
            revisions={"traffic": [{"weight": 50, "revision_suffix": "v1"}, {"weight": 50, "revision_suffix": "v1"}]},
        ),
        "revision 'v1' appears twice",
    ),
    Case(
        "traffic to the new revision by suffix",
        _api(revisions={"suffix": "v1"}),
        "apps.api.revisions.suffix",
        _app(target_port=80, revisions={"suffix": "v1", "traffic": [{"weight": 100, "revision_suffix": "v1"}]}),
        "is the new revision's suffix",
    ),
]

BATCH = "apps.batch"
JOB_CASES = [
    *[
        Case(
            f"job {key}",
            {"apps": {"batch": {**JOB, "job": {key: value}}}},
            f"{BATCH}.job.{key}",
            _job(job={field: value}),
            message,
        )
        for key, field, value, message in [
            ("replicaTimeoutSeconds", "replica_timeout_seconds", 0, GE1),
            ("replicaRetryLimit", "replica_retry_limit", -1, GE0),
            ("parallelism", "parallelism", 0, GE1),
            ("replicaCompletionCount", "replica_completion_count", 0, GE1),
            ("minExecutions", "min_executions", -1, GE0),
            ("maxExecutions", "max_executions", 0, GE1),
            ("pollingIntervalSeconds", "polling_interval_seconds", 0, GE1),
        ]
    ],
    Case(
        "job executions",
        {"apps": {"batch": {**JOB, "job": {"minExecutions": 5, "maxExecutions": 2}}}},
        f"{BATCH}.job.minExecutions",
        _job(job={"min_executions": 5, "max_executions": 2}),
        "is greater than max",
    ),
    Case(
        "job without a trigger",
        {"apps": {"batch": {**JOB, "scaleRules": []}}},
        f"{BATCH}.scaleRules",
        _job(scale_rules=[]),
        "an event-driven job needs at least one trigger",
    ),
    Case(
        "job triggered by cpu",
        {"apps": {"batch": {**JOB, "scaleRules": [QUEUE, {"type": "cpu"}]}}},
        f"{BATCH}.scaleRules.1.type",
        _job(scale_rules=[ServiceBusScaleRule(namespace="sb-orders", queue_name="orders"), CpuScaleRule()]),
        "cpu cannot trigger a job; use redis-streams or azure-servicebus",
    ),
]

CASES = (
    ENVIRONMENT_CASES
    + REGISTRY_CASES
    + SCALE_RULE_CASES
    + WORKLOAD_CASES
    + REPLICAS_AND_INGRESS_CASES
    + PROBE_CASES
    + REVISION_CASES
    + JOB_CASES
)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_compute_settings_refuse_alike(case: Case) -> None:
    refused_alike(case)


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


def test_the_component_names_python_arguments_where_the_stack_file_names_its_keys() -> None:
    error = _stack_file_problem(_api(minReplicas=4, maxReplicas=3))
    (problem,) = [p for p in error.problems if p.path == "apps.api.minReplicas"]
    assert problem.message == "is greater than maxReplicas (3); minReplicas must be <= maxReplicas"
    with pytest.raises(ValidationError) as direct:
        _app(min_replicas=4, max_replicas=3)()
    assert "min_replicas: is greater than max_replicas (3); min_replicas must be <= max_replicas" in str(direct.value)


def test_a_valid_app_and_job_pass_through_the_component_api() -> None:
    _app(target_port=80, min_replicas=2, scale_rules=[HttpScaleRule(), CpuScaleRule()])()
    _job()()


def test_every_dedicated_profile_type_has_a_node_size() -> None:
    from typing import get_args

    from azplatform.components.container_apps_environment import WorkloadProfileType
    from azplatform.components.records.compute import DEDICATED_PROFILE_SIZES

    assert set(get_args(WorkloadProfileType)) == set(DEDICATED_PROFILE_SIZES)

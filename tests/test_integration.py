"""How the tiers are wired together in each stack: apps reach the data stores with their own identities and get
their addresses, KEDA reaches the platform's Redis with the key the data layer stores, and the gateway names API
Management without waiting for it."""

from __future__ import annotations

from typing import Any

import pytest

from azplatform.components.container_app import CLIENT_ID_VARIABLE
from azplatform.components.managed_redis import EXEMPTIONS_TAG as REDIS_EXEMPTIONS_TAG
from azplatform.components.managed_redis import KEDA_STREAMS_SCALER
from azplatform.policy.model import EXEMPTIONS_TAG
from azplatform.stacks.config import deep_merge, load_platform_config
from azplatform.stacks.offline import Plan, PlannedResource
from tests.conftest import REDIS_STREAMS_WORKER, STACKS, render_variant, stack_values

APP = "azure-native:app:ContainerApp"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
REDIS_ACCESS = "azure-native:redisenterprise:AccessPolicyAssignment"
COSMOS_ROLE = "azure-native:cosmosdb:SqlResourceSqlRoleAssignment"
REDIS_CLUSTER = "azure-native:redisenterprise:RedisEnterprise"
SECRET = "azure-native:keyvault:Secret"
APIM = "azure-native:apimanagement:ApiManagementService"
GATEWAY = "azure-native:network:ApplicationGateway"
COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002"


def _env(app: PlannedResource) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("secretRef")) for e in app.inputs["template"]["containers"][0]["env"]}


def _identity_of(plan: Plan, app: PlannedResource) -> PlannedResource:
    [identity_id] = app.inputs["identity"]["userAssignedIdentities"]
    return next(i for i in plan.of_type(IDENTITY) if identity_id.endswith("/" + i.inputs["resourceName"]))


@pytest.fixture(scope="module")
def oss_cluster() -> Plan:
    """dev with the OSSCluster clustering policy: KEDA needs the cluster-aware scaler."""
    return render_variant("dev", deep_merge(REDIS_STREAMS_WORKER, {"redis": {"clusteringPolicy": "OSSCluster"}}))


@pytest.fixture(scope="module")
def redis_worker() -> Plan:
    """dev with the Redis Streams option: the worker scales on the platform's Redis with its access key."""
    return render_variant("dev", REDIS_STREAMS_WORKER)


@pytest.mark.parametrize("stack", STACKS)
def test_apps_get_entra_data_access_with_their_own_identities(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    for app in plan.of_type(APP):
        identity = _identity_of(plan, app)
        [redis] = [a for a in plan.of_type(REDIS_ACCESS) if identity.urn in a.dependencies]
        assert redis.inputs["accessPolicyName"] == "default"
        [cosmos] = [a for a in plan.of_type(COSMOS_ROLE) if identity.urn in a.dependencies]
        assert cosmos.inputs["roleDefinitionId"].endswith("/sqlRoleDefinitions/" + COSMOS_DATA_CONTRIBUTOR)


@pytest.mark.parametrize("stack", STACKS)
def test_apps_learn_the_data_store_addresses_and_their_identity_from_the_environment(
    plans: dict[str, Plan], stack: str
) -> None:
    plan = plans[stack]
    for app in plan.of_type(APP):
        env = _env(app)
        assert env["REDIS_HOST"] == plan.outputs["redisHostName"]
        assert env["REDIS_PORT"] == "10000"
        assert env["COSMOS_ENDPOINT"] == plan.outputs["cosmosEndpoint"]
        assert env[CLIENT_ID_VARIABLE] != ""
        assert "REDIS_PASSWORD" not in env  # the apps use Entra; only KEDA has the key


def test_an_app_without_data_access_gets_no_grant_and_no_address() -> None:
    plan = render_variant("dev", {"apps": {"api": {"dataAccess": {"redis": False, "cosmos": "reader"}}}})
    api = next(a for a in plan.of_type(APP) if a.name == "platform-api")
    identity = _identity_of(plan, api)
    assert [a for a in plan.of_type(REDIS_ACCESS) if identity.urn in a.dependencies] == []
    [reader] = [a for a in plan.of_type(COSMOS_ROLE) if identity.urn in a.dependencies]
    assert reader.inputs["roleDefinitionId"].endswith("/00000000-0000-0000-0000-000000000001")
    assert "REDIS_HOST" not in _env(api) and "COSMOS_ENDPOINT" in _env(api)


def test_worker_scales_on_the_platforms_redis_with_the_key_from_key_vault(redis_worker: Plan) -> None:
    plan = redis_worker
    worker = next(a for a in plan.of_type(APP) if a.name == "platform-worker")
    [rule] = [r for r in worker.inputs["template"]["scale"]["rules"] if r["name"] == "redis-streams"]
    assert rule["custom"]["type"] == "redis-streams"
    assert rule["custom"]["metadata"]["address"] == f"{plan.outputs['redisHostName']}:10000"
    [key] = plan.of_type(SECRET)
    # The Key Vault reference resolves when Azure creates the app: the secret must exist first.
    assert key.urn in worker.dependencies
    [reference] = worker.inputs["configuration"]["secrets"]
    assert reference["keyVaultUrl"].endswith("/secrets/" + key.inputs["secretName"])


def test_an_oss_cluster_redis_gets_the_cluster_aware_scaler(oss_cluster: Plan) -> None:
    worker = next(a for a in oss_cluster.of_type(APP) if a.name == "platform-worker")
    [rule] = [r for r in worker.inputs["template"]["scale"]["rules"] if r["name"] == "redis-streams"]
    assert rule["custom"]["type"] == KEDA_STREAMS_SCALER["OSSCluster"] == "redis-cluster-streams"
    assert "addresses" in rule["custom"]["metadata"] and "address" not in rule["custom"]["metadata"]


def test_the_access_key_exception_is_declared_and_time_boxed_on_the_cluster(redis_worker: Plan) -> None:
    assert REDIS_EXEMPTIONS_TAG == EXEMPTIONS_TAG
    tags = redis_worker.one(REDIS_CLUSTER).inputs["tags"]
    assert tags[EXEMPTIONS_TAG] == "AZP-REDIS-004"
    assert tags["policyExemptionExpires"] == "2099-12-31"
    tagged = [r.name for r in redis_worker.resources if EXEMPTIONS_TAG in (r.inputs.get("tags") or {})]
    assert tagged == ["platform-redis"]


@pytest.mark.parametrize("stack", STACKS)
def test_the_stacks_declare_only_the_exceptions_their_files_declare(plans: dict[str, Plan], stack: str) -> None:
    # The one declared exception: Redis access keys for API Management's semantic cache (staging and prod), with
    # its last day from the stack file.
    redis = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml").redis
    declared = [r for r in plans[stack].resources if EXEMPTIONS_TAG in (r.inputs.get("tags") or {})]
    assert [r.name for r in declared] == (["platform-redis"] if redis.access_keys_for_apim_cache else [])
    for resource in declared:
        assert resource.inputs["tags"][EXEMPTIONS_TAG] == "AZP-REDIS-004"
        assert resource.inputs["tags"]["policyExemptionExpires"] == str(redis.access_keys_expire_on)
    assert (stack != "dev") is redis.access_keys_for_apim_cache


@pytest.mark.parametrize("stack", STACKS)
def test_gateway_names_api_management_without_waiting_for_it(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    apim = plan.one(APIM)
    gateway = plan.one(GATEWAY)
    [pool] = gateway.inputs["backendAddressPools"]
    assert pool["backendAddresses"] == [{"fqdn": f"{apim.inputs['serviceName']}.azure-api.net"}]
    assert apim.urn not in gateway.dependencies

"""Data stores: Azure Managed Redis and Cosmos DB are private, Entra-authenticated, protected against loss,
watched by alerts, and the config changes that would replace them are declared and known."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping
from typing import Any

import pulumi
import pytest

from azplatform.components.cosmos_db import (
    CosmosDb,
    CosmosDbArgs,
    DatabaseSpec,
    DataRole,
    ExistingCosmosDb,
    IndexingSpec,
    SqlContainerSpec,
    autoscale_problem,
    partition_key_problem,
)
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.interfaces import ManagedIdentities
from azplatform.components.managed_redis import (
    KEDA_STREAMS_SCALER,
    AccessKeySecret,
    ExistingManagedRedis,
    ManagedRedis,
    ManagedRedisArgs,
)
from azplatform.components.records import RECORDS, record
from azplatform.plan import SECRET
from azplatform.stacks.config import deep_merge, load_platform_config
from azplatform.stacks.errors import ConfigError
from azplatform.stacks.offline import Plan, PlannedResource, render
from azplatform.stacks.offline.harness import redis_database_keys
from azplatform.stacks.replacements import (
    COSMOS_ACCOUNT,
    COSMOS_CONTAINER,
    DATA_STORE_REPLACEMENTS,
    FIXED_BY_THE_PLATFORM,
    REDIS_CLUSTER,
    REDIS_DATABASE,
    changed_immutable_paths,
)
from tests.conftest import REDIS_STREAMS_RULE, REDIS_STREAMS_WORKER, STACKS, render_variant, stack_values

LEGACY_REDIS = "azure-native:redis:Redis"
SQL_DATABASE = "azure-native:cosmosdb:SqlResourceSqlDatabase"
SECRET_TYPE = "azure-native:keyvault:Secret"
VAULT = "azure-native:keyvault:Vault"
PEP = "azure-native:network:PrivateEndpoint"
ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
LOCK = "azure-native:authorization:ManagementLockByScope"
DIAG = "azure-native:monitor:DiagnosticSetting"
ALERT = "azure-native:monitor:MetricAlert"
ACTION_GROUP = "azure-native:monitor:ActionGroup"
ACCESS_POLICY = "azure-native:redisenterprise:AccessPolicyAssignment"
SQL_ROLE = "azure-native:cosmosdb:SqlResourceSqlRoleAssignment"
LIST_KEYS = "azure-native:redisenterprise:listDatabaseKeys"

EMAILS = ["oncall@example.com", "data-team@example.com"]


# --- scenario renders (each once per module) ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def keda() -> tuple[Plan, list[dict[str, Any]]]:
    """prod with the access-key exception for KEDA, alert receivers and a custom memory threshold; also the
    listDatabaseKeys calls the program made."""
    calls: list[dict[str, Any]] = []

    def list_keys(args: Mapping[str, Any]) -> dict[str, Any]:
        calls.append(dict(args))
        return redis_database_keys(args)

    plan = render_variant(
        "prod",
        deep_merge(REDIS_STREAMS_WORKER, {"alerts": {"emails": EMAILS, "redisMemoryPercent": 90}}),
        invokes={LIST_KEYS: list_keys},
    )
    return plan, calls


@pytest.fixture(scope="module")
def entra_only() -> Plan:
    """dev without the access-key exception: the worker scales on another Redis (its own address)."""
    rule = {**REDIS_STREAMS_RULE, "address": "queue.example.net:6380"}
    values = deep_merge(REDIS_STREAMS_WORKER, {"redis": {"accessKeysForKeda": False}})
    return render_variant("dev", deep_merge(values, {"apps": {"worker": {"scaleRules": [rule]}}}))


@pytest.fixture(scope="module")
def replaced() -> Plan:
    """prod with every data-store-replacing key changed except location (whose effect is checked apart)."""
    values = {
        "namePrefix": "azq",
        "zoneRedundant": False,
        # Without prod's semantic cache, whose RediSearch would rule out OSSCluster.
        "redis": {
            "clusteringPolicy": "OSSCluster",
            "modules": ["RedisJSON"],
            "evictionPolicy": "VolatileLRU",
            "accessKeysForApimCache": False,
            "accessKeysExpireOn": None,
        },
        "apim": {"apis": {"ai": {"backend": {"embeddings": None}, "policies": {"semanticCache": None}}}},
        "cosmos": {
            "serverless": True,
            "defaultMaxThroughput": None,
            "databases": {"app": {"containers": {"items": {"partitionKey": "/customerId"}}}},
        },
    }
    return render_variant("prod", values)


@pytest.fixture(scope="module")
def moved() -> Plan:
    """prod moved to another region."""
    return render_variant("prod", {"location": "northeurope", "uniqueSuffix": "abc12"})


def _every_option(identity_name: str = "app") -> None:
    """A program using every option of both components, with grants to one identity."""
    common: dict[str, Any] = {"resource_group_name": "rg-test", "location": "westeurope", "tags": {"t": "1"}}
    identity = UserIdentity(
        identity_name, UserIdentityArgs(name="id-app", resource_group_name="rg-test", location="westeurope")
    )
    redis = ManagedRedis(
        "cache",
        ManagedRedisArgs(
            **common,
            name="amr-test",
            sku="ComputeOptimized_X5",
            modules=["RediSearch", "RedisJSON"],
            eviction_policy="NoEviction",
            persistence="rdb",
            rdb_frequency="6h",
            access_keys=AccessKeySecret(vault_name="kv-test", resource_group_name="rg-test", secret_name="redis-key"),
            managed_identities=ManagedIdentities(user_assigned_resource_ids=[identity.id]),
        ),
    )
    cosmos = CosmosDb(
        "db",
        CosmosDbArgs(
            **common,
            name="cosno-test",
            secondary_locations=["northeurope"],
            managed_identities=ManagedIdentities(system_assigned=True, user_assigned_resource_ids=[identity.id]),
            databases={
                "orders": DatabaseSpec(
                    max_throughput=2000,
                    containers={
                        "lines": SqlContainerSpec(
                            partition_key=["/tenantId", "/orderId"],
                            default_ttl=-1,
                            indexing=IndexingSpec(excluded_paths=["/payload/*"]),
                        ),
                        "audit": SqlContainerSpec(partition_key="/day", max_throughput=5000),
                    },
                )
            },
        ),
    )
    redis.grant_data_access(identity)
    cosmos.grant_data_contributor(identity)
    cosmos.grant_data_reader(identity)
    pulumi.export("redisPort", redis.port)
    pulumi.export("kedaScaler", redis.keda_scaler_type)


@pytest.fixture(scope="module")
def components_plan() -> Plan:
    """Both components with every option, outside the platform."""
    return render(_every_option, project="azplatform", stack="components", config={})


def _endpoint_for(plan: Plan, target: PlannedResource) -> PlannedResource:
    return next(
        p for p in plan.of_type(PEP) if target.urn in p.propertyDependencies.get("privateLinkServiceConnections", [])
    )


# --- Azure Managed Redis ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_redis_is_azure_managed_redis_not_azure_cache_for_redis(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    assert plan.of_type(LEGACY_REDIS) == []
    assert len(plan.of_type(REDIS_CLUSTER)) == 1
    assert plan.one(REDIS_DATABASE).inputs["databaseName"] == "default"


def test_prod_redis_has_high_availability_and_tls12(prod_plan: Plan) -> None:
    cluster = prod_plan.one(REDIS_CLUSTER).inputs
    assert cluster["sku"] == {"name": "Balanced_B5"}
    assert cluster["highAvailability"] == "Enabled"
    assert cluster["minimumTlsVersion"] == "1.2"
    # Zone redundancy comes from HA in a zonal region; the platform pins no zones.
    assert "zones" not in cluster


def test_dev_redis_is_the_smallest_single_node_cache(dev_plan: Plan, staging_plan: Plan) -> None:
    assert dev_plan.one(REDIS_CLUSTER).inputs["sku"] == {"name": "Balanced_B0"}
    assert dev_plan.one(REDIS_CLUSTER).inputs["highAvailability"] == "Disabled"
    assert staging_plan.one(REDIS_CLUSTER).inputs["highAvailability"] == "Enabled"


@pytest.mark.parametrize("stack", STACKS)
def test_redis_is_tls_only_and_has_keys_only_where_config_asks_for_them(plans: dict[str, Plan], stack: str) -> None:
    database = plans[stack].one(REDIS_DATABASE).inputs
    assert database["clientProtocol"] == "Encrypted"
    redis = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml").redis
    assert database["accessKeysAuthentication"] == ("Enabled" if redis.access_keys else "Disabled")
    assert [s.inputs["secretName"] for s in plans[stack].of_type(SECRET_TYPE)] == (
        ["redis-streams-password"] if redis.access_keys_for_keda else []
    ) + (["redis-apim-cache-connection"] if redis.access_keys_for_apim_cache else [])


def test_redis_is_entra_only_without_the_keda_exception(entra_only: Plan) -> None:
    assert entra_only.one(REDIS_DATABASE).inputs["accessKeysAuthentication"] == "Disabled"
    assert entra_only.of_type(SECRET_TYPE) == []
    assert "policyExemptions" not in entra_only.one(REDIS_CLUSTER).inputs["tags"]


@pytest.mark.parametrize("stack", STACKS)
def test_redis_is_private_behind_an_endpoint_in_the_managed_redis_zone(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    cluster = plan.one(REDIS_CLUSTER)
    assert cluster.inputs["publicNetworkAccess"] == "Disabled"
    endpoint = _endpoint_for(plan, cluster)
    assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["redisEnterprise"]
    assert "/subnets/snet-azp-pep-" in endpoint.inputs["subnet"]["id"]
    group = next(g for g in plan.of_type(ZONE_GROUP) if endpoint.urn in g.dependencies)
    zone_id = group.inputs["privateDnsZoneConfigs"][0]["privateDnsZoneId"]
    assert zone_id.endswith("/privateDnsZones/privatelink.redis.azure.net")


def test_prod_redis_persists_every_write_and_dev_not_at_all(
    prod_plan: Plan, staging_plan: Plan, dev_plan: Plan
) -> None:
    assert prod_plan.one(REDIS_DATABASE).inputs["persistence"] == {"aofEnabled": True, "aofFrequency": "1s"}
    assert staging_plan.one(REDIS_DATABASE).inputs["persistence"] == {"rdbEnabled": True, "rdbFrequency": "1h"}
    assert dev_plan.one(REDIS_DATABASE).inputs["persistence"] == {"aofEnabled": False, "rdbEnabled": False}


def test_default_clustering_policy_is_the_one_kedas_redis_streams_scaler_reads(prod_plan: Plan) -> None:
    policy = prod_plan.one(REDIS_DATABASE).inputs["clusteringPolicy"]
    assert policy == "EnterpriseCluster"
    assert KEDA_STREAMS_SCALER[policy] == "redis-streams"
    assert KEDA_STREAMS_SCALER["OSSCluster"] == "redis-cluster-streams"
    config = load_platform_config(stack_values("prod"), "Pulumi.prod.yaml")
    assert config.redis.keda_scaler_type == "redis-streams"


def test_redis_sends_metrics_from_the_cluster_and_logs_from_the_database(prod_plan: Plan) -> None:
    cluster, database = prod_plan.one(REDIS_CLUSTER), prod_plan.one(REDIS_DATABASE)
    settings = {d.inputs["resourceUri"]: d.inputs for d in prod_plan.of_type(DIAG)}
    cluster_id = next(uri for uri in settings if uri.endswith("/redisEnterprise/" + cluster.inputs["clusterName"]))
    assert "logs" not in settings[cluster_id] and settings[cluster_id]["metrics"][0]["category"] == "AllMetrics"
    database_id = cluster_id + "/databases/" + database.inputs["databaseName"]
    assert "metrics" not in settings[database_id] and settings[database_id]["logs"][0]["categoryGroup"] == "allLogs"


# --- the access-key exception (KEDA) ------------------------------------------------------------------------------


def test_keda_exception_turns_access_keys_on(keda: tuple[Plan, list[dict[str, Any]]]) -> None:
    plan, _ = keda
    assert plan.one(REDIS_DATABASE).inputs["accessKeysAuthentication"] == "Enabled"


def test_keda_exception_stores_the_primary_key_in_the_platform_key_vault_as_a_secret(
    keda: tuple[Plan, list[dict[str, Any]]],
) -> None:
    plan, calls = keda
    (secret,) = [s for s in plan.of_type(SECRET_TYPE) if s.inputs["secretName"] == "redis-streams-password"]
    assert secret.inputs["vaultName"] == plan.one(VAULT).inputs["vaultName"]
    assert secret.inputs["properties"]["value"] == SECRET
    # The key was read from this cache's database, after the database exists.
    assert calls == [
        {
            "clusterName": plan.one(REDIS_CLUSTER).inputs["clusterName"],
            "databaseName": "default",
            "resourceGroupName": "rg-azp-prod-weu",
        }
    ]


def test_keda_access_key_appears_nowhere_in_plain_text(keda: tuple[Plan, list[dict[str, Any]]]) -> None:
    plan, calls = keda
    keys = redis_database_keys(calls[0])
    text = json.dumps(plan.to_dict())
    assert len(keys["primaryKey"]) == 44
    assert keys["primaryKey"] not in text and keys["secondaryKey"] not in text


# --- Cosmos DB ----------------------------------------------------------------------------------------------------


def test_prod_cosmos_has_continuous_backup_and_no_keys(prod_plan: Plan) -> None:
    account = prod_plan.one(COSMOS_ACCOUNT).inputs
    assert account["backupPolicy"] == {"type": "Continuous", "continuousModeProperties": {"tier": "Continuous30Days"}}
    assert account["disableLocalAuth"] is True
    assert account["disableKeyBasedMetadataWriteAccess"] is True
    assert account["minimalTlsVersion"] == "Tls12"
    assert account["kind"] == "GlobalDocumentDB"


def test_prod_cosmos_is_zone_redundant_with_autoscale_containers(prod_plan: Plan) -> None:
    account = prod_plan.one(COSMOS_ACCOUNT).inputs
    assert account["locations"] == [{"locationName": "westeurope", "failoverPriority": 0, "isZoneRedundant": True}]
    assert account["capabilities"] == []
    for container in prod_plan.of_type(COSMOS_CONTAINER):
        assert container.inputs["options"] == {"autoscaleSettings": {"maxThroughput": 4000}}


def test_dev_cosmos_is_serverless_single_zone_and_still_private(dev_plan: Plan) -> None:
    account = dev_plan.one(COSMOS_ACCOUNT)
    assert account.inputs["capabilities"] == [{"name": "EnableServerless"}]
    assert account.inputs["locations"][0]["isZoneRedundant"] is False
    assert account.inputs["backupPolicy"]["continuousModeProperties"] == {"tier": "Continuous7Days"}
    assert all("options" not in r.inputs for r in dev_plan.of_type(COSMOS_CONTAINER) + dev_plan.of_type(SQL_DATABASE))
    assert account.inputs["publicNetworkAccess"] == "Disabled"
    assert _endpoint_for(dev_plan, account).inputs["privateLinkServiceConnections"][0]["groupIds"] == ["Sql"]


@pytest.mark.parametrize("stack", STACKS)
def test_cosmos_is_private_behind_an_endpoint_in_the_documents_zone(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    account = plan.one(COSMOS_ACCOUNT)
    assert account.inputs["publicNetworkAccess"] == "Disabled"
    assert account.inputs["networkAclBypass"] == "None"
    endpoint = _endpoint_for(plan, account)
    group = next(g for g in plan.of_type(ZONE_GROUP) if endpoint.urn in g.dependencies)
    assert group.inputs["privateDnsZoneConfigs"][0]["privateDnsZoneId"].endswith("/privatelink.documents.azure.com")


def test_containers_have_their_partition_keys_and_ttl(prod_plan: Plan) -> None:
    containers = {c.inputs["containerName"]: c.inputs["resource"] for c in prod_plan.of_type(COSMOS_CONTAINER)}
    assert containers["items"]["partitionKey"] == {"paths": ["/tenantId"], "kind": "Hash", "version": 2}
    assert "defaultTtl" not in containers["items"]
    assert containers["sessions"]["defaultTtl"] == 86400


def test_hierarchical_key_indexing_shared_throughput_and_regions_reach_azure(components_plan: Plan) -> None:
    plan = components_plan
    containers = {c.inputs["containerName"]: c.inputs for c in plan.of_type(COSMOS_CONTAINER)}
    lines = containers["lines"]["resource"]
    assert lines["partitionKey"] == {"paths": ["/tenantId", "/orderId"], "kind": "MultiHash", "version": 2}
    assert lines["defaultTtl"] == -1
    assert lines["indexingPolicy"]["excludedPaths"] == [{"path": "/payload/*"}]
    assert "options" not in containers["lines"]  # shares the database's throughput
    assert containers["audit"]["options"] == {"autoscaleSettings": {"maxThroughput": 5000}}
    assert plan.one(SQL_DATABASE).inputs["options"] == {"autoscaleSettings": {"maxThroughput": 2000}}
    locations = plan.one(COSMOS_ACCOUNT).inputs["locations"]
    assert [(loc["locationName"], loc["failoverPriority"]) for loc in locations] == [
        ("westeurope", 0),
        ("northeurope", 1),
    ]
    assert plan.one(COSMOS_ACCOUNT).inputs["enableAutomaticFailover"] is True


# --- grants -------------------------------------------------------------------------------------------------------


def test_redis_grant_assigns_the_default_access_policy_to_the_identity(components_plan: Plan) -> None:
    plan = components_plan
    identity = plan.one("azure-native:managedidentity:UserAssignedIdentity")
    assignment = plan.one(ACCESS_POLICY)
    assert assignment.inputs["accessPolicyName"] == "default"
    assert assignment.inputs["databaseName"] == "default"
    assert identity.urn in assignment.propertyDependencies["user"]
    name = assignment.inputs["accessPolicyAssignmentName"]
    assert name.isalnum() and len(name) <= 60  # ^[A-Za-z0-9]{1,60}$


def test_cosmos_grants_use_the_built_in_data_roles_on_the_account(components_plan: Plan) -> None:
    plan = components_plan
    account = plan.one(COSMOS_ACCOUNT)
    account_id = (
        "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-test/providers/"
        "Microsoft.DocumentDB/databaseAccounts/cosno-test"
    )
    roles = {r.inputs["roleDefinitionId"].rsplit("/", 1)[1]: r for r in plan.of_type(SQL_ROLE)}
    assert set(roles) == {"00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"}
    for role_id, assignment in roles.items():
        assert assignment.inputs["roleDefinitionId"] == f"{account_id}/sqlRoleDefinitions/{role_id}"
        assert assignment.inputs["scope"] == account_id
        assert account.urn in assignment.dependencies
        uuid.UUID(assignment.inputs["roleAssignmentId"])
    assert DataRole.DATA_CONTRIBUTOR.value == "00000000-0000-0000-0000-000000000002"


def test_grant_ids_are_deterministic(components_plan: Plan) -> None:
    again = render(_every_option, project="azplatform", stack="components", config={})
    ids = {
        r.name: r.inputs.get("roleAssignmentId") or r.inputs.get("accessPolicyAssignmentName") for r in again.resources
    }
    for resource in components_plan.of_type(SQL_ROLE) + components_plan.of_type(ACCESS_POLICY):
        assert ids[resource.name] == (
            resource.inputs.get("roleAssignmentId") or resource.inputs.get("accessPolicyAssignmentName")
        )
    other = render(lambda: _every_option("worker"), project="azplatform", stack="components", config={})
    assert {r.inputs["roleAssignmentId"] for r in other.of_type(SQL_ROLE)}.isdisjoint(
        {r.inputs["roleAssignmentId"] for r in components_plan.of_type(SQL_ROLE)}
    )


def test_component_options_reach_redis(components_plan: Plan) -> None:
    database = components_plan.one(REDIS_DATABASE).inputs
    assert database["modules"] == [{"name": "RediSearch"}, {"name": "RedisJSON"}]
    assert database["persistence"] == {"rdbEnabled": True, "rdbFrequency": "6h"}
    assert components_plan.one(SECRET_TYPE).inputs["secretName"] == "redis-key"
    assert components_plan.outputs == {"redisPort": 10000, "kedaScaler": "redis-streams"}


SHARED = "/subscriptions/00000000-0000-4000-8000-000000000009/resourceGroups/rg-shared/providers"


def _grants_on_existing() -> None:
    """Another stack's cache and account, by id: this stack grants its identity data access to both."""
    identity = UserIdentity(
        "app", UserIdentityArgs(name="id-app", resource_group_name="rg-test", location="westeurope")
    )
    ExistingManagedRedis("shared-cache", f"{SHARED}/Microsoft.Cache/redisEnterprise/amr-shared").grant_data_access(
        identity
    )
    ExistingCosmosDb("shared-db", f"{SHARED}/Microsoft.DocumentDB/databaseAccounts/cosno-shared").grant_data_reader(
        identity
    )


def test_grants_work_on_data_stores_of_another_stack() -> None:
    plan = render(_grants_on_existing, project="azplatform", stack="components", config={})
    assignment = plan.one(ACCESS_POLICY).inputs
    assert (assignment["clusterName"], assignment["databaseName"], assignment["resourceGroupName"]) == (
        "amr-shared",
        "default",
        "rg-shared",
    )
    assert assignment["accessPolicyName"] == "default"
    role = plan.one(SQL_ROLE).inputs
    account_id = f"{SHARED}/Microsoft.DocumentDB/databaseAccounts/cosno-shared"
    assert (role["accountName"], role["resourceGroupName"], role["scope"]) == ("cosno-shared", "rg-shared", account_id)
    assert role["roleDefinitionId"] == f"{account_id}/sqlRoleDefinitions/{DataRole.DATA_READER.value}"
    # Nothing is created for the stores themselves.
    assert plan.of_type(REDIS_CLUSTER) == [] and plan.of_type(COSMOS_ACCOUNT) == []


def test_managed_identities_reach_azure_in_each_providers_spelling(components_plan: Plan) -> None:
    identity_id = components_plan.one("azure-native:managedidentity:UserAssignedIdentity").inputs["resourceName"]
    cluster = components_plan.one(REDIS_CLUSTER).inputs["identity"]
    assert cluster["type"] == "UserAssigned" and cluster["userAssignedIdentities"][0].endswith("/" + identity_id)
    account = components_plan.one(COSMOS_ACCOUNT).inputs["identity"]
    # Microsoft.DocumentDB writes both kinds without a space; Microsoft.Cache with one.
    assert account["type"] == "SystemAssigned,UserAssigned"
    assert account["userAssignedIdentities"][0].endswith("/" + identity_id)


def test_platform_data_stores_run_without_identities(prod_plan: Plan) -> None:
    assert "identity" not in prod_plan.one(REDIS_CLUSTER).inputs
    assert "identity" not in prod_plan.one(COSMOS_ACCOUNT).inputs


# --- protection ---------------------------------------------------------------------------------------------------


def _locks_on(plan: Plan, resource: PlannedResource) -> list[str]:
    return [lock.inputs["level"] for lock in plan.of_type(LOCK) if resource.urn in lock.dependencies]


def test_prod_data_stores_are_protected_and_locked(prod_plan: Plan) -> None:
    for type_token in (REDIS_CLUSTER, REDIS_DATABASE, COSMOS_ACCOUNT, SQL_DATABASE, COSMOS_CONTAINER):
        assert all(r.protect for r in prod_plan.of_type(type_token)), type_token
    assert _locks_on(prod_plan, prod_plan.one(REDIS_CLUSTER)) == ["CanNotDelete"]
    assert _locks_on(prod_plan, prod_plan.one(COSMOS_ACCOUNT)) == ["CanNotDelete"]


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_non_prod_data_stores_are_neither_protected_nor_locked(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    for type_token in (REDIS_CLUSTER, REDIS_DATABASE, COSMOS_ACCOUNT, COSMOS_CONTAINER):
        assert not any(r.protect for r in plan.of_type(type_token)), type_token
    assert plan.of_type(LOCK) == []


def test_protection_of_key_vault_and_log_analytics_is_unchanged(prod_plan: Plan) -> None:
    for type_token in (VAULT, "azure-native:operationalinsights:Workspace"):
        resource = prod_plan.one(type_token)
        assert resource.protect and _locks_on(prod_plan, resource) == ["CanNotDelete"]
        assert resource.options.replaceOnChanges == record(type_token).replace_on_changes


# --- replace on change --------------------------------------------------------------------------------------------


def test_data_stores_declare_the_properties_azure_cannot_change_in_place(prod_plan: Plan) -> None:
    assert prod_plan.one(REDIS_CLUSTER).options.replaceOnChanges == ["location", "zones"]
    assert prod_plan.one(REDIS_DATABASE).options.replaceOnChanges == ["clusteringPolicy", "modules", "port"]
    assert prod_plan.one(COSMOS_ACCOUNT).options.replaceOnChanges == [
        "location",
        "kind",
        "capabilities",
        "locations[*].isZoneRedundant",
    ]
    for container in prod_plan.of_type(COSMOS_CONTAINER):
        assert container.options.replaceOnChanges == ["resource.partitionKey"]


def test_one_way_changes_are_not_declared_as_replacements() -> None:
    for item in RECORDS.values():
        assert not {c.path for c in item.one_way} & set(item.replace_on_changes), item.token


def _resource(plan: Plan, type_token: str, container: str | None = None) -> PlannedResource:
    if type_token == COSMOS_CONTAINER:
        return next(c for c in plan.of_type(type_token) if c.inputs["containerName"] == container)
    return plan.one(type_token)


def test_every_listed_config_change_replaces_its_data_store(prod_plan: Plan, replaced: Plan, moved: Plan) -> None:
    for entry in DATA_STORE_REPLACEMENTS:
        after = moved if entry.config_key in ("location", "uniqueSuffix") else replaced
        before_inputs = _resource(prod_plan, entry.type_token, "items").inputs
        after_resource = _resource(after, entry.type_token, "items")
        changed = changed_immutable_paths(entry.type_token, before_inputs, after_resource.inputs, [entry.property_path])
        assert changed, entry
        if entry.declared:
            assert entry.property_path in after_resource.options.replaceOnChanges, entry


def test_every_declared_data_store_path_is_reached_by_config_or_fixed_by_the_platform() -> None:
    listed = {(e.type_token, e.property_path) for e in DATA_STORE_REPLACEMENTS if e.declared}
    for type_token in (REDIS_CLUSTER, REDIS_DATABASE, COSMOS_ACCOUNT, COSMOS_CONTAINER):
        for path in record(type_token).replace_on_changes:
            assert (type_token, path) in listed or (type_token, path) in FIXED_BY_THE_PLATFORM, (type_token, path)


def test_in_place_changes_are_not_replacements(prod_plan: Plan) -> None:
    scaled = copy.deepcopy(prod_plan.one(REDIS_CLUSTER).inputs)
    scaled["sku"] = {"name": "Balanced_B10"}
    assert changed_immutable_paths(REDIS_CLUSTER, prod_plan.one(REDIS_CLUSTER).inputs, scaled) == []
    account = prod_plan.one(COSMOS_ACCOUNT).inputs
    two_regions = copy.deepcopy(account)
    two_regions["locations"].append({"locationName": "northeurope", "failoverPriority": 1, "isZoneRedundant": True})
    assert changed_immutable_paths(COSMOS_ACCOUNT, account, two_regions) == []
    not_zonal = copy.deepcopy(account)
    not_zonal["locations"][0]["isZoneRedundant"] = False
    assert changed_immutable_paths(COSMOS_ACCOUNT, account, not_zonal) == ["locations[0].isZoneRedundant"]


# --- alerts -------------------------------------------------------------------------------------------------------


def _criterion(plan: Plan, target: PlannedResource) -> tuple[PlannedResource, dict[str, Any]]:
    alert = next(a for a in plan.of_type(ALERT) if target.urn in a.dependencies)
    return alert, alert.inputs["criteria"]["allOf"][0]


@pytest.mark.parametrize("stack", STACKS)
def test_redis_memory_alert_fires_above_80_percent(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    alert, criterion = _criterion(plan, plan.one(REDIS_CLUSTER))
    assert criterion["metricNamespace"] == "Microsoft.Cache/redisEnterprise"
    assert criterion["metricName"] == "usedmemorypercentage"
    assert (criterion["operator"], criterion["threshold"], criterion["timeAggregation"]) == (
        "GreaterThan",
        80,
        "Maximum",
    )
    assert alert.inputs["windowSize"] == "PT15M"  # the metric's finest grain is PT5M
    assert alert.inputs["actions"][0]["actionGroupId"].endswith(
        "/actionGroups/" + plan.one(ACTION_GROUP).inputs["actionGroupName"]
    )


@pytest.mark.parametrize("stack", STACKS)
def test_cosmos_throttling_alert_counts_429_responses(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    alert, criterion = _criterion(plan, plan.one(COSMOS_ACCOUNT))
    assert (criterion["metricNamespace"], criterion["metricName"]) == (
        "Microsoft.DocumentDB/databaseAccounts",
        "TotalRequests",
    )
    assert criterion["dimensions"] == [{"name": "StatusCode", "operator": "Include", "values": ["429"]}]
    assert (criterion["operator"], criterion["threshold"], criterion["timeAggregation"]) == (
        "GreaterThan",
        100,
        "Count",
    )
    assert alert.inputs["location"] == "global" and alert.inputs["enabled"] is True


def test_alert_receivers_and_thresholds_come_from_config(keda: tuple[Plan, list[dict[str, Any]]]) -> None:
    plan, _ = keda
    group = plan.one(ACTION_GROUP).inputs
    assert [r["emailAddress"] for r in group["emailReceivers"]] == EMAILS
    assert group["groupShortName"] == "azp-prod" and group["location"] == "Global"
    assert _criterion(plan, plan.one(REDIS_CLUSTER))[1]["threshold"] == 90


# --- outputs ------------------------------------------------------------------------------------------------------


def test_outputs_export_the_redis_host_and_cosmos_endpoint(prod_plan: Plan) -> None:
    cluster = prod_plan.one(REDIS_CLUSTER).inputs["clusterName"]
    account = prod_plan.one(COSMOS_ACCOUNT).inputs["accountName"]
    assert prod_plan.outputs["redisHostName"] == f"{cluster}.westeurope.redis.azure.net"
    assert prod_plan.outputs["cosmosEndpoint"] == f"https://{account}.documents.azure.com:443/"


# --- config errors ------------------------------------------------------------------------------------------------


def _errors(stack: str, overrides: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        load_platform_config(deep_merge(stack_values(stack), overrides), f"Pulumi.{stack}.yaml")
    return {p.path: p.message for p in info.value.problems}


def _loads(stack: str, overrides: dict[str, Any]) -> None:
    load_platform_config(deep_merge(stack_values(stack), overrides), f"Pulumi.{stack}.yaml")


def _container(**fields: Any) -> dict[str, Any]:
    return {"cosmos": {"databases": {"app": {"containers": {"items": fields}}}}}


def test_partition_key_must_start_with_a_slash() -> None:
    errors = _errors("prod", _container(partitionKey="tenantId"))
    assert "must start with '/'" in errors["cosmos.databases.app.containers.items.partitionKey"]
    _loads("prod", _container(partitionKey="/tenantId"))
    assert partition_key_problem(["/a", "/b", "/c", "/d"]) is not None
    assert partition_key_problem(["/a", "/b", "/c"]) is None


def test_autoscale_max_throughput_must_be_a_multiple_of_1000_from_1000() -> None:
    for bad in (500, 1500):
        errors = _errors("prod", _container(partitionKey="/t", maxThroughput=bad))
        assert "multiple of 1000" in errors["cosmos.databases.app.containers.items.maxThroughput"]
    _loads("prod", _container(partitionKey="/t", maxThroughput=2000))
    assert autoscale_problem(1000) is None and autoscale_problem(0) is not None


def test_throughput_on_a_serverless_account_is_rejected() -> None:
    errors = _errors("dev", _container(partitionKey="/t", maxThroughput=1000))
    assert "serverless" in errors["cosmos.databases.app.containers.items.maxThroughput"]
    _loads("dev", _container(partitionKey="/t"))


def test_serverless_accounts_have_no_secondary_regions_and_secondaries_exclude_the_primary() -> None:
    assert (
        "single region"
        in _errors("dev", {"cosmos": {"secondaryLocations": ["northeurope"]}})["cosmos.secondaryLocations"]
    )
    assert (
        "primary location"
        in _errors("prod", {"cosmos": {"secondaryLocations": ["westeurope"]}})["cosmos.secondaryLocations"]
    )
    _loads("prod", {"cosmos": {"secondaryLocations": ["northeurope"]}})


def test_provisioned_containers_need_throughput() -> None:
    errors = _errors("prod", {"cosmos": {"defaultMaxThroughput": None}})
    assert "needs throughput" in errors["cosmos.databases.app.containers.items"]
    _loads("prod", {"cosmos": {"defaultMaxThroughput": None, "databases": {"app": {"maxThroughput": 1000}}}})


def test_zone_redundancy_needs_redis_high_availability() -> None:
    errors = _errors("prod", {"redis": {"highAvailability": False}})
    assert "zone redundant only with high availability" in errors["redis.highAvailability"]
    _loads("prod", {"redis": {"highAvailability": False}, "zoneRedundant": False})


def test_redis_sku_must_be_an_in_memory_managed_redis_sku() -> None:
    for bad in ("Enterprise_E10", "FlashOptimized_A250", "Premium"):
        assert "Azure Managed Redis" in _errors("prod", {"redis": {"sku": bad}})["redis.sku"]
    _loads("prod", {"redis": {"sku": "MemoryOptimized_M20"}})


def test_redisearch_needs_enterprise_clustering_and_no_eviction() -> None:
    errors = _errors("dev", {"redis": {"modules": ["RediSearch"], "clusteringPolicy": "OSSCluster"}})
    assert "EnterpriseCluster" in errors["redis.clusteringPolicy"]
    assert "NoEviction" in errors["redis.evictionPolicy"]
    _loads("dev", {"redis": {"modules": ["RediSearch"], "evictionPolicy": "NoEviction"}})


def test_rdb_frequency_applies_only_to_rdb_persistence() -> None:
    assert "persistence: rdb" in _errors("prod", {"redis": {"rdbFrequency": "6h"}})["redis.rdbFrequency"]
    _loads("prod", {"redis": {"persistence": "rdb", "rdbFrequency": "6h"}})


def test_ttl_and_index_paths_are_checked() -> None:
    errors = _errors("prod", _container(partitionKey="/t", defaultTtl=0, indexing={"excludedPaths": ["payload/*"]}))
    assert "defaultTtl" in errors["cosmos.databases.app.containers.items.defaultTtl"]
    assert any(path.startswith("cosmos.databases.app.containers.items.indexing.excludedPaths") for path in errors)


def test_data_problems_are_reported_together_with_other_errors() -> None:
    errors = _errors("prod", {"redis": {"highAvailability": False, "sku": "Basic"}, "apim": {"sku": "Developer"}})
    assert {"redis.highAvailability", "redis.sku", "apim.sku"} <= set(errors)

"""Compute on the rendered plans: the internal environment, the private registry, the apps, their identities,
scale rules, revisions and traffic."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from azplatform.components.container_app import consumption_allocation_ok
from azplatform.components.rbac import BuiltInRole
from azplatform.components.service_bus import ServiceBusRole
from azplatform.plan.environments import traits
from azplatform.stacks.offline import Plan, PlannedResource
from tests.conftest import REDIS_STREAMS_WORKER

ENV = "azure-native:app:ManagedEnvironment"
APP = "azure-native:app:ContainerApp"
JOB = "azure-native:app:Job"
REGISTRY = "azure-native:containerregistry:Registry"
ROLE = "azure-native:authorization:RoleAssignment"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
DIAG = "azure-native:monitor:DiagnosticSetting"
RECORD = "azure-native:privatedns:PrivateRecordSet"
ZONE = "azure-native:privatedns:PrivateZone"
LINK = "azure-native:privatedns:VirtualNetworkLink"
STACKS = ["dev", "staging", "prod"]


def _rules(app: PlannedResource) -> dict[str, dict[str, Any]]:
    return {rule["name"]: rule for rule in app.inputs["template"]["scale"].get("rules", [])}


def _identity_id(plan: Plan, key: str) -> str:
    identity = plan.one(IDENTITY, f"platform-{key}-id")
    return f"{identity.inputs['resourceGroupName']}/{identity.inputs['resourceName']}"


def _uses_identity(resource_id: str, plan: Plan, key: str) -> bool:
    rg, name = _identity_id(plan, key).split("/")
    return resource_id.endswith(
        f"/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
    )


# --- the environment ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_environment_is_internal_and_injected_into_the_delegated_container_apps_subnet(
    plans: dict[str, Plan], stack: str
) -> None:
    plan = plans[stack]
    env = plan.one(ENV)
    vnet_config = env.inputs["vnetConfiguration"]
    assert vnet_config["internal"] is True
    subnet_name = vnet_config["infrastructureSubnetId"].rsplit("/subnets/", 1)[1]
    vnet = plan.one("azure-native:network:VirtualNetwork")
    subnet = next(s for s in vnet.inputs["subnets"] if s["name"] == subnet_name)
    assert subnet_name.startswith("snet-azp-aca-")
    assert [d["serviceName"] for d in subnet["delegations"]] == ["Microsoft.App/environments"]
    assert vnet.urn in env.dependencies


@pytest.mark.parametrize("stack", STACKS)
def test_environment_has_the_consumption_workload_profile(plans: dict[str, Plan], stack: str) -> None:
    profiles = plans[stack].one(ENV).inputs["workloadProfiles"]
    assert {"name": "Consumption", "workloadProfileType": "Consumption"}.items() <= profiles[0].items()


@pytest.mark.parametrize("stack", STACKS)
def test_environment_logs_go_through_azure_monitor_never_a_shared_key(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    env = plan.one(ENV)
    assert env.inputs["appLogsConfiguration"] == {"destination": "azure-monitor"}
    diag = plan.one(DIAG, "platform-cae-diag")
    assert diag.inputs["resourceUri"].endswith(f"/managedEnvironments/{env.inputs['environmentName']}")
    assert diag.inputs["logs"] == [{"categoryGroup": "allLogs", "enabled": True}]
    assert diag.inputs["workspaceId"].endswith(
        "/workspaces/" + plan.one("azure-native:operationalinsights:Workspace").inputs["workspaceName"]
    )


def test_environment_declares_its_immutable_properties_as_replace_on_changes(dev_plan: Plan) -> None:
    assert set(dev_plan.one(ENV).options.replaceOnChanges) == {
        "vnetConfiguration.infrastructureSubnetId",
        "vnetConfiguration.internal",
        "zoneRedundant",
    }


def test_prod_environment_is_zone_redundant_and_dev_is_not(plans: dict[str, Plan]) -> None:
    assert plans["prod"].one(ENV).inputs["zoneRedundant"] is True
    assert plans["staging"].one(ENV).inputs["zoneRedundant"] is True
    assert plans["dev"].one(ENV).inputs["zoneRedundant"] is False


def test_environment_default_domain_resolves_privately_to_its_static_ip(dev_plan: Plan) -> None:
    domain = dev_plan.outputs["containerAppsDefaultDomain"]
    static_ip = dev_plan.outputs["containerAppsStaticIp"]
    zone = dev_plan.one(ZONE, "platform-cae-zone")
    assert zone.inputs["privateZoneName"] == domain
    records = {
        r.inputs["relativeRecordSetName"]: r for r in dev_plan.of_type(RECORD) if r.name.startswith("platform-cae-")
    }
    assert set(records) == {"*", "@"}
    for record in records.values():
        assert record.inputs["recordType"] == "A"
        assert record.inputs["privateZoneName"] == domain
        assert record.inputs["aRecords"] == [{"ipv4Address": static_ip}]
    link = dev_plan.one(LINK, "platform-cae-zone-link")
    assert link.inputs["virtualNetwork"]["id"] == dev_plan.outputs["vnetId"]
    assert link.inputs["registrationEnabled"] is False


# --- the registry ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_registry_is_private_and_entra_only(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    registry = plan.one(REGISTRY)
    assert registry.inputs["sku"] == {"name": "Premium"}
    assert registry.inputs["publicNetworkAccess"] == "Disabled"
    assert registry.inputs["adminUserEnabled"] is False
    assert registry.inputs["anonymousPullEnabled"] is False
    assert registry.inputs["policies"]["exportPolicy"] == {"status": "disabled"}
    endpoint = plan.one("azure-native:network:PrivateEndpoint", "platform-acr-pep")
    assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["registry"]
    assert endpoint.inputs["subnet"]["id"].endswith("/subnets/" + f"snet-azp-pep-{traits(stack).code}-weu")
    zone_group = plan.one("azure-native:network:PrivateDnsZoneGroup", "platform-acr-pep-dns")
    assert zone_group.inputs["privateDnsZoneConfigs"][0]["privateDnsZoneId"].endswith("/privatelink.azurecr.io")
    assert (
        plan.one(DIAG, "platform-acr-diag")
        .inputs["resourceUri"]
        .endswith("/registries/" + registry.inputs["registryName"])
    )


def test_registry_asks_for_zone_redundancy_where_the_platform_is_zone_redundant(plans: dict[str, Plan]) -> None:
    assert plans["prod"].one(REGISTRY).inputs["zoneRedundancy"] == "Enabled"
    assert plans["dev"].one(REGISTRY).inputs["zoneRedundancy"] == "Disabled"


def test_prod_registry_is_protected_and_locked_and_dev_is_not(plans: dict[str, Plan]) -> None:
    prod, dev = plans["prod"], plans["dev"]
    assert prod.one(REGISTRY).protect is True
    assert prod.one("azure-native:authorization:ManagementLockByScope", "platform-acr-lock").inputs["level"] == (
        "CanNotDelete"
    )
    assert dev.one(REGISTRY).protect is False
    assert not [
        r for r in dev.of_type("azure-native:authorization:ManagementLockByScope") if r.name == "platform-acr-lock"
    ]


# --- apps, identities, grants ----------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_api_scales_on_http_and_cpu(plans: dict[str, Plan], stack: str) -> None:
    rules = _rules(plans[stack].one(APP, "platform-api"))
    assert set(rules) == {"http", "cpu"}
    assert rules["http"]["http"]["metadata"] == {"concurrentRequests": "50"}
    assert rules["cpu"]["custom"] == {"type": "cpu", "metadata": {"type": "Utilization", "value": "70"}}


@pytest.fixture(scope="module")
def redis_worker_plan(variant: Callable[[str, Mapping[str, Any]], Plan]) -> Plan:
    """dev with the Redis Streams option for the worker (the stacks' worker scales on Service Bus)."""
    return variant("dev", REDIS_STREAMS_WORKER)


def test_worker_can_scale_on_redis_streams_with_its_password_from_key_vault(redis_worker_plan: Plan) -> None:
    plan = redis_worker_plan
    worker = plan.one(APP, "platform-worker")
    rule = _rules(worker)["redis-streams"]["custom"]
    assert rule["type"] == "redis-streams"
    assert rule["metadata"]["stream"] == "orders"
    assert rule["metadata"]["consumerGroup"] == "workers"
    assert rule["metadata"]["enableTLS"] == "true"
    assert rule["metadata"]["address"].endswith(".westeurope.redis.azure.net:10000")
    assert rule["auth"] == [{"secretRef": "redis-password", "triggerParameter": "password"}]
    (secret,) = worker.inputs["configuration"]["secrets"]
    vault = plan.one("azure-native:keyvault:Vault").inputs["vaultName"]
    assert secret["name"] == "redis-password"
    assert secret["keyVaultUrl"] == f"https://{vault}.vault.azure.net/secrets/redis-streams-password"
    assert "value" not in secret
    assert _uses_identity(secret["identity"], plan, "worker")


@pytest.mark.parametrize("stack", STACKS)
def test_no_app_is_reachable_from_the_internet_or_over_plain_http(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    # "external" ingress on an internal environment means the VNet (its internal load balancer), not the internet.
    assert plan.one(ENV).inputs["vnetConfiguration"]["internal"] is True
    for app in plan.of_type(APP):
        ingress = app.inputs["configuration"].get("ingress")
        if ingress is not None:
            assert ingress["allowInsecure"] is False
    assert "ingress" not in plan.one(APP, "platform-worker").inputs["configuration"]


def test_api_ingress_is_vnet_scoped_so_api_management_can_reach_it(dev_plan: Plan) -> None:
    ingress = dev_plan.one(APP, "platform-api").inputs["configuration"]["ingress"]
    assert ingress["external"] is True
    assert ingress["targetPort"] == 80
    assert dev_plan.outputs["appFqdns"] == {
        "api": f"ca-azp-api-dev-weu.{dev_plan.outputs['containerAppsDefaultDomain']}"
    }


@pytest.mark.parametrize("stack", STACKS)
def test_each_app_identity_has_exactly_the_roles_it_needs(plans: dict[str, Plan], stack: str) -> None:
    """AcrPull and Key Vault Secrets User for every app; the Service Bus roles its dataAccess asks for; and for the
    worker's queue scale rule, Data Owner on that queue alone."""
    plan = plans[stack]
    principals = {key: plan.one(IDENTITY, f"platform-{key}-id") for key in ("api", "worker")}
    assignments = plan.of_type(ROLE)
    registry = plan.one(REGISTRY).inputs["registryName"]
    vault = plan.one("azure-native:keyvault:Vault").inputs["vaultName"]
    namespace = plan.one("azure-native:servicebus:Namespace").inputs["namespaceName"]
    base = {(BuiltInRole.ACR_PULL.value, registry), (BuiltInRole.KEY_VAULT_SECRETS_USER.value, vault)}
    expected = {
        "api": base | {(ServiceBusRole.SERVICE_BUS_DATA_SENDER.value, namespace)},
        "worker": base
        | {
            (ServiceBusRole.SERVICE_BUS_DATA_RECEIVER.value, namespace),
            (ServiceBusRole.SERVICE_BUS_DATA_OWNER.value, "orders"),
        },
    }
    for key in principals:
        mine = [a for a in assignments if a.name.endswith(f"-platform-{key}-id")]
        granted = {(a.inputs["roleDefinitionId"].rsplit("/", 1)[1], a.inputs["scope"].rsplit("/", 1)[1]) for a in mine}
        assert len(mine) == len(expected[key])
        assert granted == expected[key]
        assert all(a.inputs["principalType"] == "ServicePrincipal" for a in mine)


@pytest.mark.parametrize("stack", STACKS)
def test_apps_run_as_their_own_identity_and_pull_with_it(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    login_server = plan.outputs["registryLoginServer"]
    for key in ("api", "worker"):
        app = plan.one(APP, f"platform-{key}")
        assert app.inputs["identity"]["type"] == "UserAssigned"
        (identity_id,) = app.inputs["identity"]["userAssignedIdentities"]
        assert _uses_identity(identity_id, plan, key)
        (registry,) = app.inputs["configuration"]["registries"]
        assert registry == {"server": login_server, "identity": identity_id}


def test_apps_are_created_after_their_role_assignments(dev_plan: Plan) -> None:
    for key in ("api", "worker"):
        app = dev_plan.one(APP, f"platform-{key}")
        # Azure needs the pull and secret grants (and a scale rule's grant on its queue) before it creates the app;
        # the data roles the app uses at run time need not hold it up.
        grants = {
            a.urn
            for a in dev_plan.of_type(ROLE)
            if a.name.endswith(f"-platform-{key}-id")
            and "-service-bus-data-sender-" not in a.name
            and "-service-bus-data-receiver-" not in a.name
        }
        assert len(grants) == {"api": 2, "worker": 3}[key]
        assert grants <= set(app.dependencies)


@pytest.mark.parametrize("stack", STACKS)
def test_api_has_startup_readiness_and_liveness_probes_on_its_port(plans: dict[str, Plan], stack: str) -> None:
    (container,) = plans[stack].one(APP, "platform-api").inputs["template"]["containers"]
    probes = {p["type"]: p for p in container["probes"]}
    assert set(probes) == {"Startup", "Readiness", "Liveness"}
    assert all(p["tcpSocket"] == {"port": 80} for p in probes.values())
    assert probes["Liveness"]["successThreshold"] == 1


def test_dev_worker_scales_to_zero_and_prod_ingress_apps_keep_two_replicas(plans: dict[str, Plan]) -> None:
    assert plans["dev"].one(APP, "platform-worker").inputs["template"]["scale"]["minReplicas"] == 0
    assert plans["prod"].one(APP, "platform-api").inputs["template"]["scale"]["minReplicas"] >= 2


@pytest.mark.parametrize("stack", STACKS)
def test_consumption_apps_request_a_valid_cpu_memory_combination(plans: dict[str, Plan], stack: str) -> None:
    for app in plans[stack].of_type(APP):
        (container,) = app.inputs["template"]["containers"]
        resources = container["resources"]
        assert consumption_allocation_ok(resources["cpu"], float(resources["memory"].removesuffix("Gi")))


# --- revisions ------------------------------------------------------------------------------------------


def test_prod_canary_renders_as_weighted_traffic_on_labelled_revisions(prod_plan: Plan) -> None:
    api = prod_plan.one(APP, "platform-api")
    configuration = api.inputs["configuration"]
    assert configuration["activeRevisionsMode"] == "Multiple"
    assert api.inputs["template"]["revisionSuffix"] == "v2"
    traffic = {t["label"]: t for t in configuration["ingress"]["traffic"]}
    assert traffic["stable"]["weight"] == 95
    assert traffic["stable"]["revisionName"] == "ca-azp-api-prod-weu--v1"
    assert traffic["canary"]["weight"] == 5
    assert traffic["canary"]["latestRevision"] is True
    assert sum(t["weight"] for t in traffic.values()) == 100


def test_dev_api_sends_all_traffic_to_the_latest_revision(dev_plan: Plan) -> None:
    assert dev_plan.one(APP, "platform-api").inputs["configuration"]["ingress"]["traffic"] == [
        {"latestRevision": True, "weight": 100}
    ]


def test_worker_without_ingress_runs_a_single_active_revision(dev_plan: Plan) -> None:
    assert dev_plan.one(APP, "platform-worker").inputs["configuration"]["activeRevisionsMode"] == "Single"


# --- every scale rule type and the event-driven job (one variant render) -----------------------------------

_VARIANT = {
    "redis": {"accessKeysForKeda": True, "accessKeysExpireOn": "2099-12-31"},
    "containerApps": {"workloadProfiles": {"general": {"type": "D4", "minimumCount": 1, "maximumCount": 2}}},
    "apps": {
        "reports": {
            "image": "mcr.microsoft.com/k8se/quickstart:latest",
            "targetPort": 8080,
            "workloadProfile": "general",
            "cpu": 2,
            "memory": "6Gi",
            "probes": {"liveness": {"path": "/healthz"}},
            "scaleRules": [{"type": "memory", "utilization": 80}],
        },
        "orders": {
            "image": "mcr.microsoft.com/k8se/quickstart:latest",
            "minReplicas": 0,
            "scaleRules": [
                {"type": "azure-servicebus", "namespace": "sb-orders-dev", "queueName": "orders", "messageCount": 20}
            ],
        },
        "batch": {
            "kind": "job",
            "image": "mcr.microsoft.com/k8se/quickstart:latest",
            "secrets": {"redis-password": "redis-streams-password"},
            "job": {"parallelism": 2, "maxExecutions": 5, "replicaTimeoutSeconds": 600},
            "scaleRules": [
                {
                    "type": "redis-streams",
                    "stream": "exports",
                    "consumerGroup": "batch",
                    "pendingEntriesCount": 10,
                    "passwordSecret": "redis-password",
                },
                {
                    "type": "azure-servicebus",
                    "namespace": "sb-orders-dev",
                    "topicName": "exports",
                    "subscriptionName": "batch",
                },
            ],
        },
    },
}


@pytest.fixture(scope="module")
def every_rule_plan(variant: Callable[[str, Mapping[str, Any]], Plan]) -> Plan:
    """dev plus a dedicated profile, a memory-scaled app, a Service Bus app and an event-driven job."""
    return variant("dev", _VARIANT)


def test_memory_rule_renders_as_custom_utilization_rule(every_rule_plan: Plan) -> None:
    rules = _rules(every_rule_plan.one(APP, "platform-reports"))
    assert rules["memory"]["custom"] == {"type": "memory", "metadata": {"type": "Utilization", "value": "80"}}


def test_service_bus_rule_authenticates_with_the_app_identity_not_a_secret(every_rule_plan: Plan) -> None:
    app = every_rule_plan.one(APP, "platform-orders")
    rule = _rules(app)["azure-servicebus"]["custom"]
    assert rule["type"] == "azure-servicebus"
    assert rule["metadata"] == {"namespace": "sb-orders-dev", "queueName": "orders", "messageCount": "20"}
    assert "auth" not in rule
    assert _uses_identity(rule["identity"], every_rule_plan, "orders")
    assert rule["identity"] == app.inputs["identity"]["userAssignedIdentities"][0]


def test_app_on_a_dedicated_profile_is_pinned_to_it(every_rule_plan: Plan) -> None:
    env = every_rule_plan.one(ENV)
    dedicated = next(p for p in env.inputs["workloadProfiles"] if p["name"] == "general")
    assert dedicated["workloadProfileType"] == "D4"
    assert (dedicated["minimumCount"], dedicated["maximumCount"]) == (1, 2)
    assert every_rule_plan.one(APP, "platform-reports").inputs["workloadProfileName"] == "general"


def test_configured_probe_overrides_only_its_own_kind(every_rule_plan: Plan) -> None:
    (container,) = every_rule_plan.one(APP, "platform-reports").inputs["template"]["containers"]
    probes = {p["type"]: p for p in container["probes"]}
    assert probes["Liveness"]["httpGet"] == {"port": 8080, "path": "/healthz", "scheme": "HTTP"}
    assert probes["Readiness"]["tcpSocket"] == {"port": 8080}


def test_job_is_event_triggered_by_keda_rules(every_rule_plan: Plan) -> None:
    job = every_rule_plan.one(JOB, "platform-batch")
    configuration = job.inputs["configuration"]
    assert job.inputs["jobName"] == "caj-azp-batch-dev-weu"
    assert configuration["triggerType"] == "Event"
    assert configuration["replicaTimeout"] == 600
    trigger = configuration["eventTriggerConfig"]
    assert trigger["parallelism"] == 2
    assert trigger["scale"]["maxExecutions"] == 5
    rules = {rule["name"]: rule for rule in trigger["scale"]["rules"]}
    assert rules["redis-streams"]["type"] == "redis-streams"
    assert rules["redis-streams"]["metadata"]["pendingEntriesCount"] == "10"
    assert rules["redis-streams"]["auth"] == [{"secretRef": "redis-password", "triggerParameter": "password"}]
    assert rules["azure-servicebus"]["metadata"]["topicName"] == "exports"
    assert _uses_identity(rules["azure-servicebus"]["identity"], every_rule_plan, "batch")
    (secret,) = configuration["secrets"]
    assert secret["keyVaultUrl"].endswith("/secrets/redis-streams-password")


def test_job_identity_has_exactly_the_same_two_grants(every_rule_plan: Plan) -> None:
    mine = [a for a in every_rule_plan.of_type(ROLE) if a.name.endswith("-platform-batch-id")]
    assert sorted(a.inputs["roleDefinitionId"].rsplit("/", 1)[1] for a in mine) == sorted(
        [BuiltInRole.ACR_PULL.value, BuiltInRole.KEY_VAULT_SECRETS_USER.value]
    )


def test_the_redis_key_secret_expires_with_its_exception(every_rule_plan: Plan) -> None:
    # accessKeysExpireOn 2099-12-31: the secret ends with that day (UTC), so no key outlives its approval.
    secret = every_rule_plan.one("azure-native:keyvault:Secret", "platform-redis-key-secret")
    expires = secret.inputs["properties"]["attributes"]["expires"]
    assert expires == int(datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC).timestamp())

"""Synthetic resources added to rendered plans, for resource types other helpers are still building (Cosmos,
Container Apps, App Gateway, APIM). They follow the plan JSON contract of docs/architecture.md and use the ARM ids the
offline mocks would give them, so the diff and the graph treat them exactly like rendered resources."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from azplatform.components import records
from azplatform.plan import Plan

PROJECT = "azplatform"

# A digest-pinned image (policy AZP-ACA-006 flags latest or no tag in staging and prod).
PINNED_IMAGE = (
    "mcr.microsoft.com/k8se/quickstart@sha256:9f41c026ef51e985a271eed474995ea08c0d6a5a4939e65622ed03c3fcc9fb2c"
)


def urn(stack: str, type_token: str, name: str) -> str:
    """A URN of the shape the engine gives a child of the Platform component."""
    return f"urn:pulumi:{stack}::{PROJECT}::azplatform:index:Platform${type_token}::{name}"


def resource(
    stack: str,
    type_token: str,
    name: str,
    inputs: Mapping[str, Any],
    *,
    protect: bool = False,
    replace_on_changes: Iterable[str] = (),
    depends: Mapping[str, Iterable[str]] | None = None,
    custom: bool = True,
) -> dict[str, Any]:
    """One resource in the plan JSON contract; ``depends`` maps input property -> URNs it depends on."""
    deps = {k: sorted(v) for k, v in (depends or {}).items()}
    return {
        "urn": urn(stack, type_token, name),
        "type": type_token,
        "name": name,
        "custom": custom,
        "parent": None,
        "protect": protect,
        "dependencies": sorted({u for us in deps.values() for u in us}),
        "inputs": dict(inputs),
        "options": {
            "ignoreChanges": [],
            "replaceOnChanges": list(replace_on_changes),
            "deleteBeforeReplace": False,
            "retainOnDelete": False,
        },
        "propertyDependencies": deps,
        "provider": None,
    }


def arm_id(res: Mapping[str, Any]) -> str:
    """The ARM id the offline mocks give this resource."""
    return records.arm_id(res["type"], res["name"], res["inputs"])


def resource_group(plan: Mapping[str, Any]) -> str:
    """The stack's resource group name."""
    return str(plan["outputs"]["resourceGroupName"])


def cosmos(
    plan: Mapping[str, Any], partition_paths: list[str], *, container_replace_on_changes: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """A Cosmos DB account, a SQL database and a container partitioned on ``partition_paths``."""
    stack, rg = plan["stack"], resource_group(plan)
    account = resource(
        stack,
        "azure-native:cosmosdb:DatabaseAccount",
        "syn-cosmos",
        {
            "accountName": f"cosmos-syn-{stack}",
            "resourceGroupName": rg,
            "location": "westeurope",
            "kind": "GlobalDocumentDB",
            "databaseAccountOfferType": "Standard",
            "disableLocalAuth": True,
            "publicNetworkAccess": "Disabled",
            "locations": [{"locationName": "westeurope", "failoverPriority": 0, "isZoneRedundant": True}],
        },
        protect=stack == "prod",
    )
    database = resource(
        stack,
        "azure-native:cosmosdb:SqlResourceSqlDatabase",
        "syn-cosmos-db",
        {
            "accountName": f"cosmos-syn-{stack}",
            "databaseName": "app",
            "resourceGroupName": rg,
            "resource": {"id": "app"},
        },
        depends={"accountName": [account["urn"]]},
    )
    container = resource(
        stack,
        "azure-native:cosmosdb:SqlResourceSqlContainer",
        "syn-cosmos-orders",
        {
            "accountName": f"cosmos-syn-{stack}",
            "databaseName": "app",
            "containerName": "orders",
            "resourceGroupName": rg,
            "resource": {"id": "orders", "partitionKey": {"paths": partition_paths, "kind": "Hash", "version": 2}},
        },
        replace_on_changes=container_replace_on_changes,
        depends={"databaseName": [database["urn"]]},
    )
    return [account, database, container]


def container_app(
    plan: Mapping[str, Any], app: str, environment: Mapping[str, Any], *, external: bool = False
) -> list[dict[str, Any]]:
    """A component and its Container App in ``environment``, with HTTP ingress."""
    stack, rg = plan["stack"], resource_group(plan)
    component = resource(stack, "azplatform:index:ContainerApp", f"syn-app-{app}", {}, custom=False)
    body = resource(
        stack,
        "azure-native:app:ContainerApp",
        f"syn-app-{app}",
        {
            "containerAppName": f"ca-syn-{app}-{stack}",
            "resourceGroupName": rg,
            "location": "westeurope",
            "environmentId": arm_id(environment),
            "configuration": {
                "ingress": {"external": external, "targetPort": 80, "allowInsecure": False},
                "secrets": [{"name": "redis-password", "keyVaultUrl": "https://kv/secrets/redis"}],
            },
            "template": {
                "containers": [{"name": app, "image": PINNED_IMAGE}],
                "scale": {"minReplicas": 1, "maxReplicas": 3},
            },
        },
        depends={"environmentId": [environment["urn"]]},
    )
    return [component, body]


def managed_environment(plan: Mapping[str, Any], *, internal: bool = True) -> dict[str, Any]:
    """A Container Apps environment in the stack's containerApps subnet."""
    stack = plan["stack"]
    return resource(
        stack,
        "azure-native:app:ManagedEnvironment",
        "syn-aca",
        {
            "environmentName": f"cae-syn-{stack}",
            "resourceGroupName": resource_group(plan),
            "location": "westeurope",
            "zoneRedundant": True,
            "vnetConfiguration": {
                "infrastructureSubnetId": plan["outputs"]["subnetIds"]["containerApps"],
                "internal": internal,
            },
        },
        replace_on_changes=["vnetConfiguration.infrastructureSubnetId"],
    )


def with_resources(plan: Mapping[str, Any], extra: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A copy of a plan document with ``extra`` resources appended."""
    out = copy.deepcopy(dict(plan))
    out["resources"] = [*out["resources"], *copy.deepcopy(list(extra))]
    return out


def edited(
    plan: Mapping[str, Any], edit: Callable[[dict[str, Any]], None], where: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """A copy of a plan document with ``edit`` applied to every resource ``where`` selects."""
    out = copy.deepcopy(dict(plan))
    for res in out["resources"]:
        if where(res):
            edit(res)
    return out


def of_type(type_token: str) -> Callable[[dict[str, Any]], bool]:
    """Selects resources by type token."""
    return lambda res: res["type"] == type_token


def plan(document: Mapping[str, Any]) -> Plan:
    """The Plan object of a plan document."""
    return Plan.from_dict(copy.deepcopy(dict(document)))

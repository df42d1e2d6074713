"""Stack rules: properties of the whole plan that no single resource shows.

References between resources are resolved three ways, so the same rule works on the offline plan (inputs, ARM ids
derived from them, property dependencies) and on a CrossGuard stack validation (outputs, which carry ``id`` but not
input-only path parameters such as a diagnostic setting's ``resourceUri``): the referencing value equals the
target's id; the target's URN is among the input's property dependencies; or the referencing resource's own id
nests under the target's.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from azplatform.policy import catalog
from azplatform.policy.model import (
    EXEMPTION_EXPIRES_TAG,
    Enforcement,
    Environment,
    Resource,
    Severity,
    StackProblem,
    exempted,
    get,
    items,
    lower,
    of_types,
    same_id,
    tags_of,
)
from azplatform.policy.registry import stack_rule
from azplatform.policy.rules.apps import closed_to_internet


def _refers(source: Resource, key: str, value: Any, target: Resource) -> bool:
    """Whether ``source``'s input ``key`` (holding ``value``) points at ``target``: by id when both are known (a
    hand-edited value wins over stale dependencies), else by the input's property dependencies."""
    if isinstance(value, str) and value and target.id:
        return same_id(value, target.id)
    return target.urn in source.property_dependencies.get(key, ())


def _nested_under(source: Resource, marker: str, target: Resource) -> bool:
    """Whether ``source``'s id is ``<target id><marker>...`` (extension and child resources)."""
    own = lower(source.id)
    return bool(target.id) and marker in own and same_id(own.split(marker, 1)[0], target.id)


def _same_name(source: Resource, key: str, target: Resource, target_key: str) -> bool:
    """Child resources name their parent: same name input and same resource group."""
    name = source.inputs.get(key)
    return (
        isinstance(name, str)
        and name == target.inputs.get(target_key)
        and source.inputs.get("resourceGroupName") == target.inputs.get("resourceGroupName")
    )


def _zone_groups_of(endpoint: Resource, resources: Sequence[Resource]) -> list[Resource]:
    return [
        group
        for group in of_types(resources, catalog.PRIVATE_DNS_ZONE_GROUP)
        if _same_name(group, "privateEndpointName", endpoint, "privateEndpointName")
        or endpoint.urn in group.property_dependencies.get("privateEndpointName", ())
        or _nested_under(group, "/privatednszonegroups/", endpoint)
    ]


def _zone_ids(group: Resource) -> list[str]:
    return [lower(get(config, "privateDnsZoneId")) for config in items(group.inputs.get("privateDnsZoneConfigs"))]


@stack_rule(
    id="AZP-STACK-001",
    description="Every data store (Key Vault, registry, Cosmos DB, Managed Redis) has a private endpoint for its "
    "sub-resource, registered in the right privatelink.* zone.",
    severity=Severity.CRITICAL,
    reference="MCSB NS-2 (secure cloud services with network controls); Azure Policy: <service> should use "
    "private link",
    enforcement=Enforcement.BASELINE,
)
def data_stores_have_private_endpoints(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """Public network access is off on every data store, so without an endpoint nothing can reach it."""
    endpoints = of_types(resources, catalog.PRIVATE_ENDPOINT)
    for store in of_types(resources, *catalog.DATA_STORES):
        group_id, zone = catalog.DATA_STORES[store.type]
        mine = [
            endpoint
            for endpoint in endpoints
            for connection in items(endpoint.inputs.get("privateLinkServiceConnections"))
            if _refers(endpoint, "privateLinkServiceConnections", get(connection, "privateLinkServiceId"), store)
            and group_id.lower() in {lower(g) for g in items(get(connection, "groupIds"))}
        ]
        if not mine:
            yield StackProblem(store.urn, f"no private endpoint connects to its {group_id!r} sub-resource")
            continue
        registered = any(
            zone_id.endswith(f"/privatednszones/{zone}")
            for endpoint in mine
            for group in _zone_groups_of(endpoint, resources)
            for zone_id in _zone_ids(group)
        )
        if not registered:
            yield StackProblem(store.urn, f"its private endpoint has no DNS zone group in {zone}")


@stack_rule(
    id="AZP-STACK-002",
    description="Every resource that emits resource logs has a diagnostic setting sending its logs to Log Analytics.",
    severity=Severity.MEDIUM,
    reference="MCSB LT-3 (enable logging for security investigation); Azure Policy: Resource logs in <service> "
    "should be enabled",
    enforcement=Enforcement.HARDENING,
)
def diagnostics_everywhere(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """Matched by resourceUri (or the setting's id, which nests under the resource's)."""
    settings = of_types(resources, catalog.DIAGNOSTIC_SETTING)
    for target in of_types(resources, *catalog.EMITS_LOGS):
        mine = [
            s
            for s in settings
            if _refers(s, "resourceUri", s.inputs.get("resourceUri"), target)
            or _nested_under(s, "/providers/microsoft.insights/diagnosticsettings/", target)
        ]
        if not mine:
            yield StackProblem(target.urn, "has no diagnostic setting")
        elif not any(
            s.inputs.get("workspaceId") and any(get(log, "enabled") is True for log in items(s.inputs.get("logs")))
            for s in mine
        ):
            yield StackProblem(target.urn, "its diagnostic setting sends no logs to a Log Analytics workspace")


@stack_rule(
    id="AZP-STACK-003",
    description="Exactly one public entry point: the only public IP is the Application Gateway's frontend, and the "
    "gateway has one.",
    severity=Severity.CRITICAL,
    reference="MCSB NS-1 (network segmentation); docs/architecture.md (single public entry point)",
    enforcement=Enforcement.BASELINE,
)
def single_public_entry_point(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """Any other public IP (a VM's, APIM's management IP, a NAT gateway's) is a second way in or out."""
    gateways = of_types(resources, catalog.APPLICATION_GATEWAY)
    public_ips = of_types(resources, catalog.PUBLIC_IP)

    def fronted_by(gateway: Resource, ip: Resource) -> bool:
        return any(
            _refers(gateway, "frontendIPConfigurations", get(frontend, "publicIPAddress", "id"), ip)
            for frontend in items(gateway.inputs.get("frontendIPConfigurations"))
        )

    fronting = [ip for ip in public_ips if any(fronted_by(gateway, ip) for gateway in gateways)]
    for ip in public_ips:
        if ip not in fronting:
            yield StackProblem(ip.urn, "public IP address is not the Application Gateway's frontend")
    if len(fronting) > 1:
        yield StackProblem(
            "", f"{len(fronting)} public frontends ({[ip.name for ip in fronting]}); the platform has one"
        )
    for gateway in gateways:
        if not any(fronted_by(gateway, ip) for ip in public_ips):
            yield StackProblem(gateway.urn, "the Application Gateway has no public frontend IP in the stack")


@stack_rule(
    id="AZP-STACK-004",
    description="In prod, every stateful resource has a CanNotDelete (or ReadOnly) management lock on it.",
    severity=Severity.HIGH,
    reference="MCSB BR-1; Azure Resource Manager locks (https://learn.microsoft.com/azure/azure-resource-manager/"
    "management/lock-resources)",
    enforcement=Enforcement.PROTECTION,
)
def stateful_resources_locked(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """The lock stops deletes from any tool, the portal included; protect only stops Pulumi."""
    locks = [
        lock
        for lock in of_types(resources, catalog.LOCK)
        if lower(lock.inputs.get("level")) in ("cannotdelete", "readonly")
    ]
    for target in of_types(resources, *catalog.LOCKED_IN_PROD):
        if not any(
            _refers(lock, "scope", lock.inputs.get("scope"), target)
            or _nested_under(lock, "/providers/microsoft.authorization/locks/", target)
            for lock in locks
        ):
            yield StackProblem(target.urn, "has no CanNotDelete management lock")


@stack_rule(
    id="AZP-STACK-005",
    description="A container app exposes ingress beyond its environment (external) only on an environment closed to "
    "the internet (internal, or public network access Disabled).",
    severity=Severity.CRITICAL,
    reference="MCSB NS-2",
    enforcement=Enforcement.BASELINE,
)
def external_ingress_only_inside_vnet(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """On an internal environment (or one whose public network access is off) 'external' means reachable from the
    VNet (API Management needs that); on a public one it means reachable from the internet.
    https://learn.microsoft.com/azure/container-apps/ingress-overview"""
    environments = of_types(resources, catalog.CONTAINER_APPS_ENVIRONMENT)
    for app in of_types(resources, catalog.CONTAINER_APP):
        if get(app.inputs, "configuration", "ingress", "external") is not True:
            continue
        key = "managedEnvironmentId" if app.inputs.get("managedEnvironmentId") else "environmentId"
        home = [env for env in environments if _refers(app, key, app.inputs.get(key), env)]
        if not home:
            # A team's app on the platform's environment (another stack) declares that with a policyExemptions tag.
            yield StackProblem(
                app.urn,
                "has external ingress and its environment is not in the stack to prove it internal",
                exempt=exempted(app, "AZP-STACK-005"),
            )
        elif not closed_to_internet(home[0]):
            yield StackProblem(
                app.urn,
                "has external ingress on an environment that is neither internal nor closed to public network "
                "access: internet-facing",
            )


@stack_rule(
    id="AZP-STACK-006",
    description="Every private endpoint has a DNS zone group.",
    severity=Severity.HIGH,
    reference="MCSB NS-2",
    enforcement=Enforcement.BASELINE,
)
def private_endpoints_have_zone_groups(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """Without one, the service's FQDN still resolves to its public address and clients bypass the endpoint."""
    for endpoint in of_types(resources, catalog.PRIVATE_ENDPOINT):
        if not _zone_groups_of(endpoint, resources):
            yield StackProblem(endpoint.urn, "has no private DNS zone group")


@stack_rule(
    id="AZP-REDIS-004",
    description="Azure Managed Redis databases have access keys disabled (Entra only), unless the cluster declares "
    "the exception in its policyExemptions tag with a policyExemptionExpires date that has not passed.",
    severity=Severity.HIGH,
    reference="MCSB IM-1 (use centralized identity and authentication system)",
    enforcement=Enforcement.BASELINE,
)
def redis_access_keys_off(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """A consumer that cannot use Entra (a KEDA scaler) is an explicit, visible, time-boxed exception: reported as
    advisory until its expiry date, mandatory after it (or without one)."""
    clusters = of_types(resources, catalog.REDIS_CLUSTER)
    for database in of_types(resources, catalog.REDIS_DATABASE):
        if lower(database.inputs.get("accessKeysAuthentication")) != "enabled":
            continue
        cluster = next(
            (
                c
                for c in clusters
                if _same_name(database, "clusterName", c, "clusterName")
                or c.urn in database.property_dependencies.get("clusterName", ())
                or _nested_under(database, "/databases/", c)
            ),
            None,
        )
        if cluster is None or not exempted(cluster, "AZP-REDIS-004"):
            yield StackProblem(database.urn, "accessKeysAuthentication is 'Enabled'")
            continue
        expiry = _date(tags_of(cluster).get(EXEMPTION_EXPIRES_TAG))
        if expiry is None:
            yield StackProblem(
                database.urn,
                f"accessKeysAuthentication is 'Enabled' and the exception has no {EXEMPTION_EXPIRES_TAG} date",
            )
        elif expiry < datetime.datetime.now(datetime.UTC).date():
            yield StackProblem(
                database.urn, f"accessKeysAuthentication is 'Enabled' and the exception expired on {expiry}"
            )
        else:
            yield StackProblem(
                database.urn, f"accessKeysAuthentication is 'Enabled' (exception until {expiry})", exempt=True
            )


def _date(value: Any) -> datetime.date | None:
    """A YYYY-MM-DD tag value as a date; None when absent or malformed."""
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None

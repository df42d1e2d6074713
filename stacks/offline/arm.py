"""ARM-shaped ids and realistic computed outputs for resources registered under the offline mocks.

Downstream code formats and parses ids (role assignment scopes, subnet ids, diagnostic setting URIs), so
the mocks answer with ids shaped exactly like Azure Resource Manager's, built from the same inputs Azure
would use: ``/subscriptions/<sub>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any

SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000001"
TENANT_ID = "00000000-0000-4000-8000-0000000000aa"
CLIENT_OBJECT_ID = "00000000-0000-4000-8000-0000000000bb"
CLIENT_ID = "00000000-0000-4000-8000-0000000000cc"

# type token -> (path under the resource group or scope, input key holding each name segment).
# "{scope}" templates hang off another resource's id (extension resources).
_TEMPLATES: dict[str, str] = {
    "azure-native:network:VirtualNetwork": "{rg}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}",
    "azure-native:network:Subnet": (
        "{rg}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}"
    ),
    "azure-native:network:NetworkSecurityGroup": (
        "{rg}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}"
    ),
    "azure-native:network:PrivateEndpoint": "{rg}/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}",
    "azure-native:network:PrivateDnsZoneGroup": (
        "{rg}/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}"
        "/privateDnsZoneGroups/{privateDnsZoneGroupName}"
    ),
    "azure-native:network:PublicIPAddress": "{rg}/providers/Microsoft.Network/publicIPAddresses/{publicIpAddressName}",
    "azure-native:network:ApplicationGateway": (
        "{rg}/providers/Microsoft.Network/applicationGateways/{applicationGatewayName}"
    ),
    "azure-native:network:WebApplicationFirewallPolicy": (
        "{rg}/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/{policyName}"
    ),
    "azure-native:privatedns:PrivateZone": "{rg}/providers/Microsoft.Network/privateDnsZones/{privateZoneName}",
    "azure-native:privatedns:VirtualNetworkLink": (
        "{rg}/providers/Microsoft.Network/privateDnsZones/{privateZoneName}"
        "/virtualNetworkLinks/{virtualNetworkLinkName}"
    ),
    "azure-native:privatedns:PrivateRecordSet": (
        "{rg}/providers/Microsoft.Network/privateDnsZones/{privateZoneName}/{recordType}/{relativeRecordSetName}"
    ),
    "azure-native:keyvault:Vault": "{rg}/providers/Microsoft.KeyVault/vaults/{vaultName}",
    "azure-native:keyvault:Secret": "{rg}/providers/Microsoft.KeyVault/vaults/{vaultName}/secrets/{secretName}",
    "azure-native:operationalinsights:Workspace": (
        "{rg}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}"
    ),
    "azure-native:applicationinsights:Component": "{rg}/providers/Microsoft.Insights/components/{resourceName}",
    "azure-native:monitor:ActionGroup": "{rg}/providers/Microsoft.Insights/actionGroups/{actionGroupName}",
    "azure-native:monitor:MetricAlert": "{rg}/providers/Microsoft.Insights/metricAlerts/{ruleName}",
    "azure-native:monitor:DiagnosticSetting": "{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}",
    "azure-native:authorization:RoleAssignment": (
        "{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}"
    ),
    "azure-native:authorization:ManagementLockByScope": "{scope}/providers/Microsoft.Authorization/locks/{lockName}",
    "azure-native:managedidentity:UserAssignedIdentity": (
        "{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}"
    ),
    "azure-native:app:ManagedEnvironment": "{rg}/providers/Microsoft.App/managedEnvironments/{environmentName}",
    "azure-native:app:ContainerApp": "{rg}/providers/Microsoft.App/containerApps/{containerAppName}",
    "azure-native:app:Job": "{rg}/providers/Microsoft.App/jobs/{jobName}",
    "azure-native:containerregistry:Registry": ("{rg}/providers/Microsoft.ContainerRegistry/registries/{registryName}"),
    "azure-native:redisenterprise:RedisEnterprise": "{rg}/providers/Microsoft.Cache/redisEnterprise/{clusterName}",
    "azure-native:redisenterprise:Database": (
        "{rg}/providers/Microsoft.Cache/redisEnterprise/{clusterName}/databases/{databaseName}"
    ),
    "azure-native:redisenterprise:AccessPolicyAssignment": (
        "{rg}/providers/Microsoft.Cache/redisEnterprise/{clusterName}/databases/{databaseName}"
        "/accessPolicyAssignments/{accessPolicyAssignmentName}"
    ),
    "azure-native:cosmosdb:DatabaseAccount": "{rg}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}",
    "azure-native:cosmosdb:SqlResourceSqlDatabase": (
        "{rg}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}/sqlDatabases/{databaseName}"
    ),
    "azure-native:cosmosdb:SqlResourceSqlContainer": (
        "{rg}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}/sqlDatabases/{databaseName}"
        "/containers/{containerName}"
    ),
    "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": (
        "{rg}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}/sqlRoleAssignments/{roleAssignmentId}"
    ),
    # An extension resource on its scope (here the resource group).
    "azure-native:consumption:Budget": "{scope}/providers/Microsoft.Consumption/budgets/{budgetName}",
    "azure-native:apimanagement:ApiManagementService": "{rg}/providers/Microsoft.ApiManagement/service/{serviceName}",
    "azure-native:apimanagement:Backend": (
        "{rg}/providers/Microsoft.ApiManagement/service/{serviceName}/backends/{backendId}"
    ),
    "azure-native:apimanagement:Logger": (
        "{rg}/providers/Microsoft.ApiManagement/service/{serviceName}/loggers/{loggerId}"
    ),
}


def _rg_path(inputs: Mapping[str, Any]) -> str:
    return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{inputs.get('resourceGroupName', 'rg-unknown')}"


def _generic_template(type_token: str) -> str:
    _, module, kind = type_token.split(":")
    return f"{{rg}}/providers/Microsoft.{module}/{kind[0].lower()}{kind[1:]}s/{{name}}"


def arm_id(type_token: str, name: str, inputs: Mapping[str, Any]) -> str:
    """The id Azure would give this resource, from its type and the name inputs Azure uses."""
    if type_token == "azure-native:resources:ResourceGroup":
        return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{inputs.get('resourceGroupName', name)}"
    template = _TEMPLATES.get(type_token)
    if template is None and type_token.startswith("azure-native:apimanagement:"):
        kind = type_token.rsplit(":", 1)[1]
        template = (
            f"{{rg}}/providers/Microsoft.ApiManagement/service/{{serviceName}}/{kind[0].lower()}{kind[1:]}s/{{name}}"
        )
    if template is None:
        template = _generic_template(type_token)
    values: dict[str, str] = {"rg": _rg_path(inputs), "name": str(inputs.get("name", name))}
    for key, value in inputs.items():
        if isinstance(value, str):
            values.setdefault(key, value)
    # A missing name segment falls back to the logical name, as azure-native's auto-naming would.
    return template.format_map(_Fallback(values, name))


class _Fallback(dict[str, str]):
    def __init__(self, values: Mapping[str, str], default: str) -> None:
        super().__init__(values)
        self._default = default

    def __missing__(self, key: str) -> str:
        return self._default


def _stable_ip(seed: str, prefix: str = "10.0.255") -> str:
    return f"{prefix}.{int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 200 + 10}"


def _vault(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    props = dict(inputs.get("properties", {}))
    props["vaultUri"] = f"https://{inputs.get('vaultName')}.vault.azure.net/"
    return {"properties": props}


def _workspace(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"customerId": hashlib.sha256(rid.encode()).hexdigest()[:32]}


def _app_insights(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    key = hashlib.sha256(rid.encode()).hexdigest()
    ikey = f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:32]}"
    return {
        "instrumentationKey": ikey,
        "connectionString": f"InstrumentationKey={ikey};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
    }


def _identity(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    h = hashlib.sha256(rid.encode()).hexdigest()
    guid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"
    h2 = hashlib.sha256((rid + "client").encode()).hexdigest()
    client = f"{h2[:8]}-{h2[8:12]}-4{h2[13:16]}-8{h2[17:20]}-{h2[20:32]}"
    return {"principalId": guid, "clientId": client, "tenantId": TENANT_ID}


def _managed_environment(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    seed = hashlib.sha256(rid.encode()).hexdigest()[:10]
    return {
        "defaultDomain": f"{seed}.{inputs.get('location', 'westeurope')}.azurecontainerapps.io",
        "staticIp": _stable_ip(rid),
    }


def _container_app(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    name = inputs.get("containerAppName", "app")
    return {"latestRevisionFqdn": f"{name}--rev1.internal.example", "outboundIpAddresses": []}


def _registry(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"loginServer": f"{inputs.get('registryName')}.azurecr.io"}


def _redis_cluster(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"hostName": f"{inputs.get('clusterName')}.{inputs.get('location', 'westeurope')}.redis.azure.net"}


def _cosmos(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"documentEndpoint": f"https://{inputs.get('accountName')}.documents.azure.com:443/"}


def _apim(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    name = inputs.get("serviceName")
    return {
        "gatewayUrl": f"https://{name}.azure-api.net",
        "privateIPAddresses": [_stable_ip(rid, "10.0.254")],
    }


def _public_ip(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"ipAddress": "20.0.0." + str(int(hashlib.sha256(rid.encode()).hexdigest(), 16) % 250 + 1)}


def _budget(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    # Nothing spent yet on a new budget; Azure fills both in as costs accrue.
    return {
        "currentSpend": {"amount": 0.0, "unit": "USD"},
        "forecastSpend": {"amount": 0.0, "unit": "USD"},
        "eTag": hashlib.sha256(rid.encode()).hexdigest()[:16],
    }


_COMPUTED: dict[str, Callable[[Mapping[str, Any], str], dict[str, Any]]] = {
    "azure-native:keyvault:Vault": _vault,
    "azure-native:operationalinsights:Workspace": _workspace,
    "azure-native:applicationinsights:Component": _app_insights,
    "azure-native:managedidentity:UserAssignedIdentity": _identity,
    "azure-native:app:ManagedEnvironment": _managed_environment,
    "azure-native:app:ContainerApp": _container_app,
    "azure-native:containerregistry:Registry": _registry,
    "azure-native:redisenterprise:RedisEnterprise": _redis_cluster,
    "azure-native:cosmosdb:DatabaseAccount": _cosmos,
    "azure-native:apimanagement:ApiManagementService": _apim,
    "azure-native:network:PublicIPAddress": _public_ip,
    "azure-native:consumption:Budget": _budget,
}


def _user_assigned_identities(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Requests list user-assigned identity ids; Azure answers with a map of id -> {principalId, clientId}
    (and the SDK's output types expect the map)."""
    identity = inputs.get("identity")
    if not isinstance(identity, Mapping) or not isinstance(identity.get("userAssignedIdentities"), list):
        return {}
    answered = {str(rid): _identity(inputs, str(rid)) for rid in identity["userAssignedIdentities"]}
    return {"identity": {**identity, "userAssignedIdentities": answered}}


def computed_outputs(type_token: str, inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    """Outputs Azure computes (URIs, principal ids, IPs) that downstream resources consume."""
    fn = _COMPUTED.get(type_token)
    return {**_user_assigned_identities(inputs), **(fn(inputs, rid) if fn else {})}


# --- identity inputs (read by the PR diff, stacks/immutable.py) ---------------------------------------------------
def id_inputs(type_token: str) -> frozenset[str]:
    """The inputs that form this type's ARM id (resource group, parent and own names, scope).

    azure-native replaces a resource when one of them changes: they are the path of its URL
    (https://github.com/pulumi/pulumi-azure-native/issues/77).
    """
    if type_token == "azure-native:resources:ResourceGroup":
        return frozenset({"resourceGroupName"})
    template = _TEMPLATES.get(type_token)
    kind = type_token.rsplit(":", 1)[-1]
    own = f"{kind[0].lower()}{kind[1:]}"
    if template is None:
        if type_token.startswith("azure-native:apimanagement:"):
            return frozenset({"resourceGroupName", "serviceName", f"{own}Id"})
        return frozenset({"resourceGroupName", f"{own}Name"})
    names = {match.group(1) for match in _PLACEHOLDER.finditer(template)}
    if "rg" in names:
        names.discard("rg")
        names.add("resourceGroupName")
    return frozenset(names)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")

"""Which dependency edges Azure truly requires: a create that would fail (or could not be written) without them.

A program orders creates through its dependency edges, but only some are Azure's: a private endpoint cannot be
created before its target and subnet exist, a role assignment needs its scope and its principal, and so on. Other
edges are the program's choice (an explicit ``depends_on``, or a value taken from a resource when a name known in
advance would do) and may lengthen ``pulumi up`` for nothing. The lower bound of a deployment's duration is the
longest path using required edges only.

Rules match by type pair (``fnmatch`` patterns over type tokens), optionally only when the edge arrives through a
given input property (``via``): "a diagnostic setting needs whatever its ``resourceUri`` points at" covers every
target type. An edge matching no rule is not required.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase


@dataclass(frozen=True)
class Requirement:
    """``dependent`` cannot be created before ``prerequisite`` exists (through input ``via``, when given)."""

    dependent: str
    prerequisite: str
    reason: str
    via: str | None = None

    def matches(self, dependent: str, prerequisite: str, properties: Iterable[str]) -> bool:
        """Whether an edge prerequisite -> dependent (carried by ``properties``) is covered by this rule."""
        if not (fnmatchcase(dependent, self.dependent) and fnmatchcase(prerequisite, self.prerequisite)):
            return False
        return self.via is None or self.via in set(properties)


_N = "azure-native:network:"
_DNS = "azure-native:privatedns:"
_APIM = "azure-native:apimanagement:"
_APP = "azure-native:app:"
_IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
_ROLE = "azure-native:authorization:RoleAssignment"
_VNET = f"{_N}VirtualNetwork"
_SUBNET = f"{_N}Subnet"

REQUIREMENTS: tuple[Requirement, ...] = (
    # --- everything ---------------------------------------------------------------------------------------------
    Requirement("*", "azure-native:resources:ResourceGroup", "a resource is created inside an existing resource group"),
    # --- network ------------------------------------------------------------------------------------------------
    Requirement(
        _VNET, f"{_N}NetworkSecurityGroup", "inline subnets reference their NSG by id; ARM rejects a dangling id"
    ),
    Requirement(_VNET, f"{_N}RouteTable", "inline subnets reference their route table by id"),
    Requirement(_VNET, f"{_N}NatGateway", "inline subnets reference their NAT gateway by id"),
    Requirement(_SUBNET, _VNET, "a subnet lives in its virtual network"),
    Requirement(_SUBNET, f"{_N}NetworkSecurityGroup", "the subnet references its NSG by id"),
    Requirement(_SUBNET, f"{_N}RouteTable", "the subnet references its route table by id"),
    Requirement(_SUBNET, f"{_N}NatGateway", "the subnet references its NAT gateway by id"),
    Requirement(
        f"{_N}PrivateEndpoint", "*", "the endpoint connects to an existing target", via="privateLinkServiceConnections"
    ),
    Requirement(f"{_N}PrivateEndpoint", _VNET, "the endpoint's NIC goes in an existing subnet", via="subnet"),
    Requirement(f"{_N}PrivateEndpoint", _SUBNET, "the endpoint's NIC goes in an existing subnet", via="subnet"),
    Requirement(f"{_N}PrivateDnsZoneGroup", f"{_N}PrivateEndpoint", "a zone group is a child of its endpoint"),
    Requirement(f"{_N}PrivateDnsZoneGroup", f"{_DNS}PrivateZone", "the group writes A records into an existing zone"),
    Requirement(f"{_DNS}VirtualNetworkLink", f"{_DNS}PrivateZone", "a link is a child of its zone"),
    Requirement(f"{_DNS}VirtualNetworkLink", _VNET, "the link references an existing virtual network"),
    Requirement(f"{_DNS}PrivateRecordSet", f"{_DNS}PrivateZone", "a record set is a child of its zone"),
    Requirement(
        f"{_DNS}PrivateRecordSet", "*", "the record holds an address known once its owner exists", via="aRecords"
    ),
    # --- observability, RBAC, locks -----------------------------------------------------------------------------
    Requirement(
        "azure-native:monitor:DiagnosticSetting", "*", "a setting is an extension of its target", via="resourceUri"
    ),
    Requirement(
        "azure-native:monitor:DiagnosticSetting",
        "azure-native:operationalinsights:Workspace",
        "the destination workspace must exist",
        via="workspaceId",
    ),
    Requirement("azure-native:monitor:MetricAlert", "*", "an alert watches existing resources", via="scopes"),
    Requirement(
        "azure-native:monitor:MetricAlert", "azure-native:monitor:ActionGroup", "the alert notifies an existing group"
    ),
    Requirement(
        "azure-native:applicationinsights:Component",
        "azure-native:operationalinsights:Workspace",
        "a workspace-based component references an existing workspace",
    ),
    Requirement(_ROLE, "*", "an assignment is an extension of its scope", via="scope"),
    Requirement(_ROLE, "*", "the principal must exist in Entra ID", via="principalId"),
    Requirement(
        "azure-native:authorization:ManagementLockByScope", "*", "a lock is an extension of its scope", via="scope"
    ),
    # --- Key Vault ----------------------------------------------------------------------------------------------
    Requirement("azure-native:keyvault:Secret", "azure-native:keyvault:Vault", "a secret is a child of its vault"),
    # --- compute ------------------------------------------------------------------------------------------------
    Requirement(f"{_APP}ManagedEnvironment", _VNET, "the environment is injected into an existing subnet"),
    Requirement(f"{_APP}ManagedEnvironment", _SUBNET, "the environment is injected into an existing subnet"),
    Requirement(
        f"{_APP}ManagedEnvironment",
        "azure-native:operationalinsights:Workspace",
        "logs go to an existing workspace (its customer id is an input)",
    ),
    Requirement(f"{_APP}ManagedEnvironment", _IDENTITY, "an assigned identity must exist"),
    Requirement(f"{_APP}*", f"{_APP}ManagedEnvironment", "an app or job runs in an existing environment"),
    Requirement(f"{_APP}*", _IDENTITY, "an assigned identity must exist"),
    Requirement(
        f"{_APP}*",
        _ROLE,
        "the first revision pulls its image (AcrPull) and resolves Key Vault references with the app's identity",
    ),
    Requirement(f"{_APP}*", "azure-native:containerregistry:Registry", "the image's registry must exist"),
    Requirement(f"{_APP}*", "azure-native:keyvault:*", "Key Vault secret references are resolved at creation"),
    Requirement("azure-native:containerregistry:Registry", _IDENTITY, "an assigned identity must exist"),
    # --- data ---------------------------------------------------------------------------------------------------
    Requirement(
        "azure-native:redisenterprise:Database",
        "azure-native:redisenterprise:RedisEnterprise",
        "a database is a child of its cluster",
    ),
    Requirement(
        "azure-native:redisenterprise:AccessPolicyAssignment",
        "azure-native:redisenterprise:*",
        "an assignment is a child of its database",
    ),
    Requirement("azure-native:redisenterprise:AccessPolicyAssignment", "*", "the principal must exist", via="user"),
    Requirement("azure-native:cosmosdb:*", "azure-native:cosmosdb:DatabaseAccount", "a child of its account"),
    Requirement(
        "azure-native:cosmosdb:SqlResourceSqlContainer",
        "azure-native:cosmosdb:SqlResourceSqlDatabase",
        "a container is a child of its database",
    ),
    Requirement(
        "azure-native:cosmosdb:SqlResourceSqlRoleAssignment", "*", "the principal must exist", via="principalId"
    ),
    # --- edge ---------------------------------------------------------------------------------------------------
    Requirement(f"{_N}ApplicationGateway", f"{_N}PublicIPAddress", "the frontend references an existing public IP"),
    Requirement(f"{_N}ApplicationGateway", _VNET, "the gateway is injected into an existing subnet"),
    Requirement(f"{_N}ApplicationGateway", _SUBNET, "the gateway is injected into an existing subnet"),
    Requirement(f"{_N}ApplicationGateway", _IDENTITY, "the identity that reads Key Vault certificates must exist"),
    Requirement(f"{_N}ApplicationGateway", f"{_N}WebApplicationFirewallPolicy", "the gateway references its policy"),
    Requirement(
        f"{_N}ApplicationGateway",
        _ROLE,
        "the gateway reads its Key Vault certificate at creation with its identity, which needs the role first",
    ),
    Requirement(f"{_N}ApplicationGateway", "azure-native:keyvault:*", "the certificate's vault/secret must exist"),
    Requirement(f"{_APIM}ApiManagementService", _VNET, "classic and v2 VNet injection need an existing subnet"),
    Requirement(f"{_APIM}ApiManagementService", _SUBNET, "classic and v2 VNet injection need an existing subnet"),
    Requirement(
        f"{_APIM}ApiManagementService", f"{_N}PublicIPAddress", "the management public IP must exist (stv2 in a VNet)"
    ),
    Requirement(f"{_APIM}ApiManagementService", _IDENTITY, "an assigned identity must exist"),
    Requirement(f"{_APIM}*", f"{_APIM}ApiManagementService", "a child of the service"),
    Requirement(f"{_APIM}Api*", f"{_APIM}Api", "a child of its API"),
    Requirement(f"{_APIM}*", f"{_APIM}Logger", "diagnostics reference an existing logger"),
    Requirement(
        f"{_APIM}ApiPolicy", f"{_APIM}Backend", "set-backend-service backend-id is checked when the policy is saved"
    ),
    Requirement(f"{_APIM}*", f"{_APIM}NamedValue", "policies and loggers resolve {{named values}} when saved"),
    Requirement(
        f"{_APIM}Logger", "azure-native:applicationinsights:Component", "the logger targets an existing component"
    ),
    Requirement(f"{_APIM}NamedValue", "*", "the value is another resource's output", via="value"),
    Requirement(f"{_APIM}NamedValue", "azure-native:keyvault:*", "a Key Vault named value reads its secret"),
    Requirement(f"{_APIM}NamedValue", _ROLE, "a Key Vault named value reads its secret with the service identity"),
)

# Edges Azure does NOT require, though a program may well create them: named here so the report can say why.
NOT_REQUIRED_NOTES: tuple[Requirement, ...] = (
    Requirement(
        f"{_N}ApplicationGateway",
        f"{_APIM}ApiManagementService",
        "a backend pool can name API Management by its host name (<name>.azure-api.net, resolved by the private "
        "zone); only its private IP needs the service to exist",
    ),
    Requirement(
        f"{_APP}*",
        f"{_DNS}*",
        "apps do not read DNS records at creation",
    ),
)


def requirement(dependent: str, prerequisite: str, properties: Iterable[str]) -> Requirement | None:
    """The rule that makes the edge prerequisite -> dependent required, or None when Azure does not need it."""
    props = list(properties)
    for rule in REQUIREMENTS:
        if rule.matches(dependent, prerequisite, props):
            return rule
    return None


def why_not_required(dependent: str, prerequisite: str) -> str:
    """A short explanation for an edge no rule requires."""
    for note in NOT_REQUIRED_NOTES:
        if note.matches(dependent, prerequisite, ()):
            return note.reason
    return "no Azure rule needs it: the program's own ordering (an explicit depends_on or a value it could know)"

"""Typical time Azure takes to create one resource of each type, with the source of each figure.

Figures are minutes for a create (what a first ``pulumi up`` does). Where Microsoft documents a duration, the
figure comes from that statement; where only a community report exists it says so; where nothing is published the
entry is an ``estimate`` and says why. Lookups match the exact type token first, then a ``module:*`` wildcard,
then :data:`UNLISTED` (reported in the results, so a new type cannot hide).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Duration:
    """How long a create takes, and why we believe it."""

    minutes: float
    """Typical create time used by the estimate."""
    basis: str
    """``documented`` (a Microsoft statement), ``reported`` (a community report), ``estimate`` or ``local``."""
    source: str
    """URL of the statement, or why the figure is an estimate."""
    note: str = ""
    """The statement quoted, or the range it gives."""


# Quick ARM PUTs: no Microsoft statement gives a duration for these; they complete in seconds to about a minute.
_QUICK = "estimate: no published duration; a synchronous ARM create of this type completes in seconds"

APIM_CLASSIC = Duration(
    40,
    "documented",
    "https://learn.microsoft.com/azure/api-management/get-started-create-service-instance",
    "'It can take 30 to 40 minutes to create and activate an API Management service'; applying a VNet "
    "configuration 'can take 15 to 45 minutes' (https://learn.microsoft.com/azure/api-management/"
    "api-management-using-with-internal-vnet). Upper end taken: prod is VNet-injected with zonal units.",
)
APIM_V2 = Duration(
    10,
    "estimate",
    "https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview",
    "v2 tiers: 'Deploy a production-ready API Management instance in minutes' (no figure given; 10 assumed).",
)

PROVISIONING: dict[str, Duration] = {
    # --- edge -----------------------------------------------------------------------------------------------
    "azure-native:apimanagement:ApiManagementService": APIM_CLASSIC,  # refined by SKU in provisioning_time()
    "azure-native:apimanagement:*": Duration(
        0.3, "estimate", _QUICK, "APIs, operations, policies, backends, loggers, named values: data-plane-like PUTs"
    ),
    "azure-native:network:ApplicationGateway": Duration(
        6,
        "documented",
        "https://learn.microsoft.com/azure/application-gateway/application-gateway-faq",
        "'Most deployments that use the v2 SKU take around 6 minutes to provision' (longer across zones with "
        "many instances).",
    ),
    "azure-native:network:WebApplicationFirewallPolicy": Duration(0.3, "estimate", _QUICK),
    "azure-native:network:PublicIPAddress": Duration(0.3, "estimate", _QUICK),
    # --- network --------------------------------------------------------------------------------------------
    "azure-native:network:VirtualNetwork": Duration(0.3, "estimate", _QUICK, "with its subnets inline"),
    "azure-native:network:Subnet": Duration(0.3, "estimate", _QUICK),
    "azure-native:network:NetworkSecurityGroup": Duration(0.2, "estimate", _QUICK),
    "azure-native:network:RouteTable": Duration(0.2, "estimate", _QUICK),
    "azure-native:network:NatGateway": Duration(0.5, "estimate", _QUICK),
    "azure-native:network:PrivateEndpoint": Duration(
        1.5,
        "estimate",
        "estimate: no published duration; a private endpoint creates a NIC and a connection to its "
        "target, typically one to two minutes",
    ),
    "azure-native:network:PrivateDnsZoneGroup": Duration(0.5, "estimate", _QUICK),
    "azure-native:privatedns:PrivateZone": Duration(0.5, "estimate", _QUICK, "a global resource"),
    "azure-native:privatedns:VirtualNetworkLink": Duration(0.5, "estimate", _QUICK),
    "azure-native:privatedns:PrivateRecordSet": Duration(0.1, "estimate", _QUICK),
    # --- compute --------------------------------------------------------------------------------------------
    "azure-native:app:ManagedEnvironment": Duration(
        12,
        "reported",
        "https://github.com/hashicorp/terraform-provider-azurerm/issues/20435",
        "community report: 'container app env is created after about 12min' (VNet-integrated environments take "
        "10-20 minutes in reports; Microsoft publishes no figure).",
    ),
    "azure-native:app:ContainerApp": Duration(
        2, "estimate", "estimate: no published duration; the first revision pulls its image and starts replicas"
    ),
    "azure-native:app:Job": Duration(0.5, "estimate", _QUICK, "no execution runs at create"),
    "azure-native:containerregistry:Registry": Duration(1, "estimate", _QUICK),
    "azure-native:managedidentity:UserAssignedIdentity": Duration(0.2, "estimate", _QUICK),
    # --- data -----------------------------------------------------------------------------------------------
    "azure-native:redisenterprise:RedisEnterprise": Duration(
        20,
        "reported",
        "https://github.com/Azure/AzureCacheForRedis/issues/6",
        "a Microsoft engineer on Azure Cache for Redis: '20+ minutes is a typical provisioning duration'; the "
        "Azure Managed Redis docs say only 'It takes a while for the cache to create' "
        "(https://learn.microsoft.com/azure/redis/private-link).",
    ),
    "azure-native:redisenterprise:Database": Duration(2, "estimate", _QUICK, "created on a running cluster"),
    "azure-native:redisenterprise:AccessPolicyAssignment": Duration(0.5, "estimate", _QUICK),
    "azure-native:cosmosdb:DatabaseAccount": Duration(
        8,
        "documented",
        "https://learn.microsoft.com/azure/cosmos-db/nosql/quickstart-portal",
        "'The account creation takes a few minutes'; a report of '10-15 minutes per region' "
        "(https://github.com/hashicorp/terraform-provider-azurerm/issues/4271). One region: 8 assumed.",
    ),
    "azure-native:cosmosdb:*": Duration(0.5, "estimate", _QUICK, "databases, containers, role assignments"),
    "azure-native:keyvault:Vault": Duration(0.5, "estimate", _QUICK),
    "azure-native:keyvault:Secret": Duration(0.1, "estimate", _QUICK),
    # --- observability, identity, governance ----------------------------------------------------------------
    "azure-native:operationalinsights:Workspace": Duration(0.5, "estimate", _QUICK),
    "azure-native:applicationinsights:Component": Duration(0.3, "estimate", _QUICK),
    "azure-native:monitor:DiagnosticSetting": Duration(0.1, "estimate", _QUICK),
    "azure-native:monitor:ActionGroup": Duration(0.2, "estimate", _QUICK),
    "azure-native:monitor:MetricAlert": Duration(0.3, "estimate", _QUICK),
    "azure-native:authorization:RoleAssignment": Duration(
        0.2, "estimate", _QUICK, "the create returns in seconds; propagation to data planes takes longer"
    ),
    "azure-native:authorization:ManagementLockByScope": Duration(0.1, "estimate", _QUICK),
    "azure-native:resources:ResourceGroup": Duration(0.1, "estimate", _QUICK),
    # --- not Azure resources --------------------------------------------------------------------------------
    "random:*": Duration(0, "local", "computed by the provider locally; no cloud call"),
    "pulumi:providers:*": Duration(0, "local", "a provider configuration; no cloud call"),
}

UNLISTED = Duration(1, "estimate", "estimate: this type is not in the table yet (add it with a source)")


def lookup(type_token: str) -> Duration | None:
    """The table's entry for a type token: exact, then ``package:module:*``; None when unlisted."""
    if type_token in PROVISIONING:
        return PROVISIONING[type_token]
    package, _, rest = type_token.partition(":")
    module = rest.split(":", 1)[0]
    return PROVISIONING.get(f"{package}:{module}:*") or PROVISIONING.get(f"{package}:*")


def provisioning_time(type_token: str, inputs: Mapping[str, Any] | None = None) -> Duration:
    """How long creating this resource takes; the SKU refines the figure where it changes it (API Management)."""
    if type_token == "azure-native:apimanagement:ApiManagementService":
        sku = (inputs or {}).get("sku") or {}
        name = str(sku.get("name", "")) if isinstance(sku, Mapping) else ""
        if name.endswith("V2"):
            return APIM_V2
        if name == "Consumption":
            return Duration(2, "estimate", APIM_V2.source, "Consumption: serverless, provisioned in minutes")
        return APIM_CLASSIC
    return lookup(type_token) or UNLISTED

"""The public entry point (Application Gateway, its WAF policy and public IP) and API Management."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azplatform.components.records.billing import (
    HOURS_PER_MONTH,
    Charge,
    Free,
    Meter,
    Priced,
    Related,
    UsageAssumptions,
    fmt,
    get,
    num,
    sku_name,
)
from azplatform.components.records.foundation import APP_INSIGHTS, IDENTITY, ROLE_ASSIGNMENT
from azplatform.components.records.model import Immutable, Port, Prerequisite, Telemetry, Tier, TypeRecord
from azplatform.components.records.network import SUBNET, VIRTUAL_NETWORK
from azplatform.components.records.offline import digest, stable_ip
from azplatform.components.records.sources import QUICK

PUBLIC_IP = "azure-native:network:PublicIPAddress"
APPLICATION_GATEWAY = "azure-native:network:ApplicationGateway"
WAF_POLICY = "azure-native:network:WebApplicationFirewallPolicy"
APIM = "azure-native:apimanagement:ApiManagementService"
APIM_API = "azure-native:apimanagement:Api"
APIM_OPERATION = "azure-native:apimanagement:ApiOperation"
APIM_API_POLICY = "azure-native:apimanagement:ApiPolicy"
APIM_BACKEND = "azure-native:apimanagement:Backend"
APIM_DIAGNOSTIC = "azure-native:apimanagement:Diagnostic"
APIM_LOGGER = "azure-native:apimanagement:Logger"
APIM_NAMED_VALUE = "azure-native:apimanagement:NamedValue"
APIM_PRODUCT = "azure-native:apimanagement:Product"
APIM_PRODUCT_API = "azure-native:apimanagement:ProductApi"
APIM_PRODUCT_POLICY = "azure-native:apimanagement:ProductPolicy"
APIM_SUBSCRIPTION = "azure-native:apimanagement:Subscription"
APIM_CACHE = "azure-native:apimanagement:Cache"

_SERVICE = "{rg}/providers/Microsoft.ApiManagement/service/{serviceName}"
_GATEWAY_NSG = (
    "https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure#network-security-groups"
)
_APIM_PORTS = "https://learn.microsoft.com/azure/api-management/virtual-network-reference#required-ports"


def _apim(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {
        "gatewayUrl": f"https://{inputs.get('serviceName')}.azure-api.net",
        "privateIPAddresses": [stable_ip(rid, "10.0.254")],
    }


def _public_ip(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {"ipAddress": "20.0.0." + str(int(digest(rid), 16) % 250 + 1)}


_IN_SERVICE = Prerequisite(APIM, "a child of the service")
_IN_API = Prerequisite(APIM_API, "a child of its API")
_RESOLVES_NAMED_VALUES = Prerequisite(APIM_NAMED_VALUE, "policies and loggers resolve {{named values}} when saved")


def _apim_child(
    token: str,
    label: str,
    path: str,
    *prerequisites: Prerequisite,
    cost: str = "included in the API Management units",
    outage: str | None = None,
) -> TypeRecord:
    """A configuration entity of the service: a data-plane-like PUT, no tags, no telemetry of its own, no charge
    beyond the service's units (``cost`` says otherwise)."""
    return TypeRecord(
        outage=outage,
        token=token,
        cost=Free(cost),
        label=label,
        tier=Tier.PLATFORM,
        arm_id=f"{_SERVICE}/{path}",
        parent=APIM_API if path.startswith("apis/{apiId}/") else APIM,
        stateful=False,
        taggable=False,
        telemetry=Telemetry.NONE,
        create_minutes=0.3,
        create_time_basis="estimate",
        create_time_source=QUICK,
        create_time_note="APIs, operations, policies, backends, loggers, named values: data-plane-like PUTs",
        prerequisites=(_IN_SERVICE, *prerequisites),
    )


def _price_public_ip(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = sku_name(inputs) or "Basic"
    method = inputs.get("publicIPAllocationMethod") or inputs.get("publicIpAllocationMethod") or "Dynamic"
    if sku != "Standard" or method != "Static":
        raise ValueError(f"public IP {sku}/{method} has no price entry (priced: Standard/Static)")
    return [Charge("pip.standard.static", "Standard static public IPv4", HOURS_PER_MONTH, "730 h", "fixed")]


_PUBLIC_IP_COST = Priced(
    (
        Meter(
            "pip.standard.static",
            "Virtual Network",
            "IP Addresses",
            "Standard",
            "Standard IPv4 Static Public IP",
            "1 Hour",
        ),
    ),
    _price_public_ip,
)


# --- Application Gateway v2 -----------------------------------------------------------------------------------
_CUS_PER_INSTANCE = 10


def _price_app_gateway(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    tier = str(get(inputs, "sku", "tier") or sku_name(inputs))
    if tier not in ("WAF_v2", "Standard_v2"):
        raise ValueError(f"Application Gateway tier {tier!r} has no price entry (priced: WAF_v2, Standard_v2)")
    prefix = f"agw.{tier.lower()}"
    fixed_instances = get(inputs, "sku", "capacity")
    minimum = num(get(inputs, "autoscaleConfiguration", "minCapacity"), num(fixed_instances))
    reserved = minimum * _CUS_PER_INSTANCE
    charges = [
        Charge(f"{prefix}.fixed", f"Application Gateway {tier} gateway hours", HOURS_PER_MONTH, "730 h", "fixed")
    ]
    if reserved:
        charges.append(
            Charge(
                f"{prefix}.capacity_unit",
                "capacity units reserved by the minimum instances",
                reserved * HOURS_PER_MONTH,
                f"{fmt(minimum)} instances x {_CUS_PER_INSTANCE} CU x 730 h",
                "fixed",
            )
        )
    extra = max(0.0, usage.gateway_capacity_units - reserved)
    if extra:
        charges.append(
            Charge(
                f"{prefix}.capacity_unit",
                "capacity units used beyond the reserved ones",
                extra * HOURS_PER_MONTH,
                f"{fmt(extra)} CU ({fmt(usage.gateway_capacity_units)} used - {fmt(reserved)} reserved) x 730 h",
                "usage",
                ("gatewayCapacityUnits",),
            )
        )
    return charges


_APP_GATEWAY_COST = Priced(
    (
        Meter(
            "agw.waf_v2.fixed",
            "Application Gateway",
            "Application Gateway WAF v2",
            "Standard",
            "Standard Fixed Cost",
            "1 Hour",
        ),
        Meter(
            "agw.waf_v2.capacity_unit",
            "Application Gateway",
            "Application Gateway WAF v2",
            "Standard",
            "Standard Capacity Units",
            "1 Hour",
        ),
        Meter(
            "agw.standard_v2.fixed",
            "Application Gateway",
            "Application Gateway Standard v2",
            "Standard",
            "Standard Fixed Cost",
            "1 Hour",
        ),
        Meter(
            "agw.standard_v2.capacity_unit",
            "Application Gateway",
            "Application Gateway Standard v2",
            "Standard",
            "Standard Capacity Units",
            "1 Hour",
        ),
    ),
    _price_app_gateway,
    "fixed hours + capacity units; the public IP is priced as its own resource",
)


# --- API Management -------------------------------------------------------------------------------------------
_APIM_TIERS = ("Developer", "Basic", "Standard", "Premium")


def _price_apim(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = sku_name(inputs)
    if sku not in _APIM_TIERS:
        raise ValueError(f"API Management SKU {sku!r} has no price entry (priced: {', '.join(_APIM_TIERS)})")
    units = num(get(inputs, "sku", "capacity"), 1.0)
    return [
        Charge(
            f"apim.{sku.lower()}.unit",
            f"API Management {sku} units",
            units * HOURS_PER_MONTH,
            f"{fmt(units)} units x 730 h",
            "fixed",
        )
    ]


_APIM_COST = Priced(
    tuple(
        Meter(f"apim.{tier.lower()}.unit", "API Management", "API Management", tier, f"{tier} Unit", "1 Hour")
        for tier in _APIM_TIERS
    ),
    _price_apim,
)


ORDER = 70
"""Where these records come in :data:`~azplatform.components.records.RECORDS` (lower first)."""

RECORDS = (
    TypeRecord(
        token=PUBLIC_IP,
        cost=_PUBLIC_IP_COST,
        label="Public IP",
        tier=Tier.EDGE,
        arm_id="{rg}/providers/Microsoft.Network/publicIPAddresses/{publicIpAddressName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=0.3,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
        immutable=(
            Immutable(
                "zones",
                "a public IP's availability zones are fixed at creation; other zones mean a new IP",
                "https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#availability-zone",
            ),
        ),
        outage="a new address: clients and DNS records that point at the old one stop reaching the entry point until "
        "they are updated",
        computed=_public_ip,
    ),
    TypeRecord(
        token=WAF_POLICY,
        cost=Free("included in the WAF_v2 gateway price"),
        label="WAF policy",
        tier=Tier.EDGE,
        # The ARM type is Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies.
        arm_id="{rg}/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/{policyName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.NONE,  # its matches are logged by the gateway
        create_minutes=0.3,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
    ),
    TypeRecord(
        token=APPLICATION_GATEWAY,
        cost=_APP_GATEWAY_COST,
        label="Application Gateway",
        tier=Tier.NETWORK,
        arm_id="{rg}/providers/Microsoft.Network/applicationGateways/{applicationGatewayName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=6,
        create_time_basis="documented",
        create_time_source="https://learn.microsoft.com/azure/application-gateway/application-gateway-faq",
        create_time_note=(
            "'Most deployments that use the v2 SKU take around 6 minutes to provision' (longer across zones with "
            "many instances)."
        ),
        prerequisites=(
            Prerequisite(PUBLIC_IP, "the frontend references an existing public IP"),
            Prerequisite(VIRTUAL_NETWORK, "the gateway is injected into an existing subnet"),
            Prerequisite(SUBNET, "the gateway is injected into an existing subnet"),
            Prerequisite(IDENTITY, "the identity that reads Key Vault certificates must exist"),
            Prerequisite(WAF_POLICY, "the gateway references its policy"),
            Prerequisite(
                ROLE_ASSIGNMENT,
                "the gateway reads its Key Vault certificate at creation with its identity, which needs the role first",
            ),
            Prerequisite("azure-native:keyvault:*", "the certificate's vault/secret must exist"),
        ),
        not_prerequisites=(
            Prerequisite(
                APIM,
                "a backend pool can name API Management by its host name (<name>.azure-api.net, resolved by the "
                "private zone); only its private IP needs the service to exist",
            ),
        ),
        immutable=(
            Immutable(
                "zones",
                "a gateway's availability zones are set when it is created; other zones mean a new gateway",
                "https://learn.microsoft.com/azure/reliability/reliability-application-gateway-v2",
            ),
        ),
        outage="the platform's only public entry point is down until the new gateway is provisioned and healthy",
        ports=(
            Port("443", "Internet", "HTTPS listener", _GATEWAY_NSG),
            Port("80", "Internet", "HTTP listener (redirected to HTTPS)", _GATEWAY_NSG),
            Port("65200-65535", "GatewayManager", "v2 infrastructure communication", _GATEWAY_NSG),
        ),
    ),
    TypeRecord(
        token=APIM,
        cost=_APIM_COST,
        label="API Management",
        tier=Tier.PLATFORM,
        arm_id=_SERVICE,
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.LOGS,
        # Classic tiers; benchmarks/provisioning.py refines the figure by SKU (v2, Consumption).
        create_minutes=40,
        create_time_basis="documented",
        create_time_source="https://learn.microsoft.com/azure/api-management/get-started-create-service-instance",
        create_time_note=(
            "'It can take 30 to 40 minutes to create and activate an API Management service'; applying a VNet "
            "configuration 'can take 15 to 45 minutes' (https://learn.microsoft.com/azure/api-management/"
            "api-management-using-with-internal-vnet). Upper end taken: prod is VNet-injected with zonal units."
        ),
        prerequisites=(
            Prerequisite(VIRTUAL_NETWORK, "classic and v2 VNet injection need an existing subnet"),
            Prerequisite(SUBNET, "classic and v2 VNet injection need an existing subnet"),
            Prerequisite(PUBLIC_IP, "the management public IP must exist (stv2 in a VNet)"),
            Prerequisite(IDENTITY, "an assigned identity must exist"),
        ),
        # Internal mode registers nothing in public DNS: the default host names (<name>.azure-api.net and its
        # .management/.scm/.developer siblings) resolve only through a private zone of this name linked to the VNet.
        # https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet#dns-configuration
        private_dns_zones=("azure-api.net",),
        ports=(
            Port("3443", "ApiManagement", "management endpoint (classic tiers in a VNet)", _APIM_PORTS),
            Port("6390", "AzureLoadBalancer", "infrastructure load balancer (classic tiers)", _APIM_PORTS),
        ),
        outage="a new service: every API, product and subscription key must be recreated in it, and the gateway "
        "and its private address are down until it is provisioned (30 minutes or more)",
        computed=_apim,
    ),
    # Child ids follow the REST API's paths: https://learn.microsoft.com/rest/api/apimanagement/ (Api, Api
    # Operation, Api Policy, Backend, Diagnostic, Logger, Named Value, Cache: "Create Or Update").
    _apim_child(APIM_API, "API", "apis/{apiId}"),
    _apim_child(APIM_OPERATION, "api operation", "apis/{apiId}/operations/{operationId}", _IN_API),
    _apim_child(
        APIM_API_POLICY,
        "api policy",
        "apis/{apiId}/policies/{policyId}",
        _IN_API,
        Prerequisite(APIM_BACKEND, "set-backend-service backend-id is checked when the policy is saved"),
        _RESOLVES_NAMED_VALUES,
    ),
    _apim_child(APIM_BACKEND, "backend", "backends/{backendId}", _RESOLVES_NAMED_VALUES),
    _apim_child(
        APIM_DIAGNOSTIC,
        "diagnostic",
        "diagnostics/{diagnosticId}",
        Prerequisite(APIM_LOGGER, "diagnostics reference an existing logger"),
        cost="included in the API Management units (its telemetry is Log Analytics ingestion)",
    ),
    _apim_child(
        APIM_LOGGER,
        "logger",
        "loggers/{loggerId}",
        _RESOLVES_NAMED_VALUES,
        Prerequisite(APP_INSIGHTS, "the logger targets an existing component"),
    ),
    _apim_child(
        APIM_NAMED_VALUE,
        "named value",
        "namedValues/{namedValueId}",
        Prerequisite("*", "the value is another resource's output", via="value"),
        Prerequisite("azure-native:keyvault:*", "a Key Vault named value reads its secret"),
        Prerequisite(ROLE_ASSIGNMENT, "a Key Vault named value reads its secret with the service identity"),
    ),
    _apim_child(
        APIM_CACHE,
        "cache",
        "caches/{cacheId}",
        cost="included in the API Management units (the Redis it points at is priced as its own resource)",
    ),
    # Products and subscriptions: https://learn.microsoft.com/rest/api/apimanagement/ (Product, Product Api, Product
    # Policy, Subscription: "Create Or Update").
    _apim_child(APIM_PRODUCT, "product", "products/{productId}"),
    _apim_child(
        APIM_PRODUCT_API,
        "product API",
        "products/{productId}/apis/{apiId}",
        Prerequisite(APIM_PRODUCT, "the product must exist"),
        Prerequisite(APIM_API, "the API must exist"),
    ),
    _apim_child(
        APIM_PRODUCT_POLICY,
        "product policy",
        "products/{productId}/policies/{policyId}",
        Prerequisite(APIM_PRODUCT, "the product must exist"),
    ),
    _apim_child(
        APIM_SUBSCRIPTION,
        "subscription",
        "subscriptions/{sid}",
        Prerequisite(APIM_PRODUCT, "a product subscription's scope is an existing product"),
        outage="a new subscription: new keys, and its consumers' keys stop working until they are given the new ones",
    ),
)

"""Foundation: the resource group, observability, the private network and Key Vault; what every later tier
stands on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.api_management import PRIVATE_DNS_ZONE
from azplatform.components.flow_logs import FlowLogs, FlowLogsArgs, storage_account_name
from azplatform.components.interfaces import DiagnosticSettings, PrivateEndpointSpec
from azplatform.components.key_vault import KeyVault, KeyVaultArgs
from azplatform.components.naming import Kind
from azplatform.components.observability import Observability, ObservabilityArgs
from azplatform.components.private_network import PrivateNetwork, PrivateNetworkArgs, SubnetRole, SubnetSpec
from azplatform.components.records import private_dns_zone_sets
from azplatform.stacks.config import PlatformConfig, required_private_dns_zones
from azplatform.stacks.tiers.scope import Placement, TierScope

PrivateEndpointFactory = Callable[[str], PrivateEndpointSpec]
"""A private endpoint spec in the platform's endpoint subnet and DNS zone, by private-link group id."""


@dataclass(frozen=True)
class Foundation:
    """What the foundation gives the tiers above it and the outputs."""

    resource_group: azure_native.resources.ResourceGroup
    placement: Placement
    """Every later component's resource group, location and tags."""
    tenant_id: pulumi.Output[str]
    """The deploying tenant (Key Vault's tenant, API Management's default token issuer)."""
    observability: Observability
    workspace_id: pulumi.Output[str]
    """The Log Analytics workspace every diagnostic setting sends to."""
    network: PrivateNetwork
    flow_logs: FlowLogs | None
    """The VNet's flow logs (None where the environment logs none)."""
    subnet_ids: dict[str, pulumi.Output[str]]
    """Subnet ids by :class:`SubnetRole` value."""
    apim_dns_zone_name: pulumi.Output[str] | None
    """The azure-api.net zone the platform created (None with a central one, or without API Management)."""
    apim_dns_zone_id: str | None
    """A landing zone's central azure-api.net zone, when the stack file gives one."""
    """The azure-api.net private zone API Management's host names resolve in (only with ``apim``)."""
    private_endpoint: PrivateEndpointFactory
    key_vault: KeyVault


def build_foundation(scope: TierScope, config: PlatformConfig) -> Foundation:
    """The resource group (protected where the environment protects stateful resources), the Log Analytics
    workspace with Application Insights, the VNet with one subnet per tier and the private DNS zones, and Key Vault
    behind a private endpoint."""
    namer = scope.namer
    client = azure_native.authorization.get_client_config_output()

    resource_group = azure_native.resources.ResourceGroup(
        scope.child("rg"),
        resource_group_name=namer.name(Kind.RESOURCE_GROUP),
        location=config.location,
        tags=scope.tags,
        opts=scope.opts(protect=scope.environment.protect_stateful),
    )
    placement = scope.placement(resource_group.name)

    observability = Observability(
        scope.child("obs"),
        config.observability.extend(
            ObservabilityArgs,
            **placement,
            **scope.protection(),
            workspace_name=namer.name(Kind.LOG_ANALYTICS),
            app_insights_name=namer.name(Kind.APP_INSIGHTS),
        ),
        opts=scope.opts(),
    )
    workspace_id = observability.workspace_id

    subnets = config.network.subnets
    network = PrivateNetwork(
        scope.child("net"),
        config.network.extend(
            PrivateNetworkArgs,
            **placement,
            name=namer.name(Kind.VIRTUAL_NETWORK),
            subnets=[
                SubnetSpec(name=namer.name(Kind.SUBNET, "agw"), role=SubnetRole.GATEWAY, cidr=subnets.gateway),
                # Classic (stv2) API Management injection; config refuses PremiumV2 (see config_edge).
                SubnetSpec(name=namer.name(Kind.SUBNET, "apim"), role=SubnetRole.APIM, cidr=subnets.apim),
                SubnetSpec(
                    name=namer.name(Kind.SUBNET, "aca"), role=SubnetRole.CONTAINER_APPS, cidr=subnets.container_apps
                ),
                SubnetSpec(
                    name=namer.name(Kind.SUBNET, "pep"),
                    role=SubnetRole.PRIVATE_ENDPOINTS,
                    cidr=subnets.private_endpoints,
                ),
            ],
            # The zones the enabled services resolve through (azure-api.net: API Management's internal-mode host
            # names resolve only through it); the same list says which central zones a landing zone must give.
            private_dns_zones=required_private_dns_zones(config.model_dump(by_alias=True)),
            diagnostic_settings=[DiagnosticSettings(workspace_id=workspace_id)],
        ),
        opts=scope.opts(),
    )
    flow_logs = None
    if config.network.flow_logs.enabled:
        flow_logs = FlowLogs(
            scope.child("flowlogs"),
            config.network.flow_logs.extend(
                FlowLogsArgs,
                **placement,
                **scope.protection(),
                virtual_network_id=network.id,
                virtual_network_name=namer.name(Kind.VIRTUAL_NETWORK),
                workspace_resource_id=workspace_id,
                workspace_customer_id=observability.workspace.customer_id,
                storage_account_name=storage_account_name(namer),
                identity_name=namer.name(Kind.MANAGED_IDENTITY, "flowlogs"),
            ),
            opts=scope.opts(),
        )
    pe_subnet = network.subnet_ids[SubnetRole.PRIVATE_ENDPOINTS.value]

    def private_endpoint(group_id: str) -> PrivateEndpointSpec:
        return PrivateEndpointSpec(
            subnet_id=pe_subnet,
            # In the VNet's region, whatever the target's (an AI services account may sit in another region).
            location=config.location,
            private_dns_zone_ids=[
                network.dns_zone_ids[zone] for zone in private_dns_zone_sets(config.location)[group_id]
            ],
        )

    key_vault = KeyVault(
        scope.child("kv"),
        config.key_vault.extend(
            KeyVaultArgs,
            **placement,
            **scope.protection(),
            name=namer.name(Kind.KEY_VAULT),
            tenant_id=client.tenant_id,
            private_endpoints=[private_endpoint("vault")],
            diagnostic_settings=[DiagnosticSettings(workspace_id=workspace_id)],
        ),
        opts=scope.opts(),
    )
    return Foundation(
        resource_group=resource_group,
        placement=placement,
        tenant_id=client.tenant_id,
        observability=observability,
        workspace_id=workspace_id,
        network=network,
        flow_logs=flow_logs,
        subnet_ids=network.subnet_ids,
        apim_dns_zone_name=network.zones[PRIVATE_DNS_ZONE].name
        if config.apim and PRIVATE_DNS_ZONE in network.zones
        else None,
        apim_dns_zone_id=config.network.private_dns_zone_ids.get(PRIVATE_DNS_ZONE),
        private_endpoint=private_endpoint,
        key_vault=key_vault,
    )

"""The Platform: composes the components into one environment from a validated PlatformConfig."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import pulumi
import pulumi_azure_native as azure_native

from components.common import PrivateEndpointPlacement
from components.key_vault import KeyVault, KeyVaultArgs
from components.naming import Kind
from components.observability import Observability, ObservabilityArgs
from components.private_endpoint import PRIVATE_DNS_ZONES
from components.private_network import PrivateNetwork, PrivateNetworkArgs, SubnetRole, SubnetSpec
from stacks.config import PlatformConfig

TYPE_TOKEN = "azplatform:index:Platform"


@dataclass(frozen=True)
class PlatformOutputs:
    """What the platform exports for other stacks (the outputs contract)."""

    resource_group_name: pulumi.Output[str]
    vnet_id: pulumi.Output[str]
    subnet_ids: dict[str, pulumi.Output[str]]
    private_dns_zone_ids: dict[str, pulumi.Output[str]]
    key_vault_uri: pulumi.Output[str]
    log_analytics_workspace_id: pulumi.Output[str]
    app_insights_connection_string: pulumi.Output[str]


class Placement(TypedDict):
    """Where every component of the platform goes, and the tags it carries."""

    resource_group_name: pulumi.Output[str]
    location: str
    tags: dict[str, str]


def platform_tags(config: PlatformConfig) -> dict[str, str]:
    """The tags every taggable resource carries: the stack's own plus the platform's."""
    return {**config.tags, "environment": config.environment, "platform": "azplatform", "managedBy": "pulumi"}


class Platform(pulumi.ComponentResource):
    """One environment of the platform: network, observability, Key Vault, and (as they land) compute,
    data and edge, all private behind the single public entry point."""

    outputs: PlatformOutputs

    def __init__(self, name: str, config: PlatformConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.config = config
        namer = config.namer
        tags = platform_tags(config)
        prod = config.environment == "prod"
        client = azure_native.authorization.get_client_config_output()

        self.resource_group = azure_native.resources.ResourceGroup(
            f"{name}-rg",
            resource_group_name=namer.name(Kind.RESOURCE_GROUP),
            location=config.location,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=prod),
        )
        rg = self.resource_group.name
        common = Placement(resource_group_name=rg, location=config.location, tags=tags)

        self.observability = Observability(
            f"{name}-obs",
            ObservabilityArgs(
                **common,
                workspace_name=namer.name(Kind.LOG_ANALYTICS),
                app_insights_name=namer.name(Kind.APP_INSIGHTS),
                retention_days=config.observability.retention_days,
                daily_quota_gb=config.observability.daily_quota_gb,
                lock=prod,
                protect=prod,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        workspace_id = self.observability.workspace_id

        subnets = config.network.subnets
        apim_role = SubnetRole.APIM_V2 if config.apim.sku == "PremiumV2" else SubnetRole.APIM
        self.network = PrivateNetwork(
            f"{name}-net",
            PrivateNetworkArgs(
                **common,
                name=namer.name(Kind.VIRTUAL_NETWORK),
                address_space=config.network.address_space,
                subnets=[
                    SubnetSpec(name=namer.name(Kind.SUBNET, "agw"), role=SubnetRole.GATEWAY, cidr=subnets.gateway),
                    SubnetSpec(name=namer.name(Kind.SUBNET, "apim"), role=apim_role, cidr=subnets.apim),
                    SubnetSpec(
                        name=namer.name(Kind.SUBNET, "aca"),
                        role=SubnetRole.CONTAINER_APPS,
                        cidr=subnets.container_apps,
                    ),
                    SubnetSpec(
                        name=namer.name(Kind.SUBNET, "pep"),
                        role=SubnetRole.PRIVATE_ENDPOINTS,
                        cidr=subnets.private_endpoints,
                    ),
                ],
                private_dns_zones=sorted(PRIVATE_DNS_ZONES.values()),
                diagnostics_workspace_id=workspace_id,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        pe_subnet = self.network.subnet_ids[SubnetRole.PRIVATE_ENDPOINTS.value]

        def endpoint(group_id: str) -> PrivateEndpointPlacement:
            return PrivateEndpointPlacement(
                subnet_id=pe_subnet, dns_zone_id=self.network.dns_zone_ids[PRIVATE_DNS_ZONES[group_id]]
            )

        self.key_vault = KeyVault(
            f"{name}-kv",
            KeyVaultArgs(
                **common,
                name=namer.name(Kind.KEY_VAULT),
                tenant_id=client.tenant_id,
                sku=config.key_vault.sku,
                soft_delete_retention_days=config.key_vault.soft_delete_retention_days,
                private_endpoint=endpoint("vault"),
                diagnostics_workspace_id=workspace_id,
                lock=prod,
                protect=prod,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.outputs = PlatformOutputs(
            resource_group_name=rg,
            vnet_id=self.network.id,
            subnet_ids=self.network.subnet_ids,
            private_dns_zone_ids=self.network.dns_zone_ids,
            key_vault_uri=self.key_vault.vault_uri,
            log_analytics_workspace_id=workspace_id,
            app_insights_connection_string=self.observability.app_insights_connection_string,
        )
        self.register_outputs({})

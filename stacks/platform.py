"""The Platform: composes the components into one environment from a validated PlatformConfig."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import pulumi
import pulumi_azure_native as azure_native

from components.api_gateway import (
    HEALTH_PATH,
    PRIVATE_DNS_ZONE,
    ApiGateway,
    ApiGatewayArgs,
    ApiSpec,
    AppInsightsLink,
    BackendPoolSpec,
    BackendSpec,
)
from components.apim_policy import CachingType
from components.app_gateway import AppGateway, AppGatewayArgs, GatewayBackend
from components.common import PrivateEndpointPlacement
from components.key_vault import KeyVault, KeyVaultArgs
from components.naming import Kind
from components.observability import Observability, ObservabilityArgs
from components.private_endpoint import PRIVATE_DNS_ZONES
from components.private_network import PrivateNetwork, PrivateNetworkArgs, SubnetRole, SubnetSpec
from stacks import edge
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
    # edge
    gateway_url: pulumi.Output[str]
    gateway_public_ip: pulumi.Output[str]
    apim_name: pulumi.Output[str] | None


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
        apim_role = SubnetRole.APIM_V2 if config.apim and config.apim.sku == "PremiumV2" else SubnetRole.APIM
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
                # azure-api.net: API Management's internal-mode host names resolve only through this zone.
                private_dns_zones=sorted(PRIVATE_DNS_ZONES.values()) + ([PRIVATE_DNS_ZONE] if config.apim else []),
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

        # Seam for the Container Apps environment (issue #4): at merge this becomes its default_domain output.
        # Each app is https://<app name>.<default domain> on the internal environment.
        apps_default_domain: pulumi.Input[str] = f"{namer.name(Kind.CONTAINER_APPS_ENVIRONMENT)}.pending.invalid"
        self._build_edge(name, config, common, client.tenant_id, apps_default_domain)

        self.outputs = PlatformOutputs(
            resource_group_name=rg,
            vnet_id=self.network.id,
            subnet_ids=self.network.subnet_ids,
            private_dns_zone_ids=self.network.dns_zone_ids,
            key_vault_uri=self.key_vault.vault_uri,
            log_analytics_workspace_id=workspace_id,
            app_insights_connection_string=self.observability.app_insights_connection_string,
            gateway_url=pulumi.Output.from_input(f"https://{config.app_gateway.host_name}"),
            gateway_public_ip=self.app_gateway.public_ip_address,
            apim_name=self.api_gateway.name if self.api_gateway else None,
        )
        self.register_outputs({})

    # --- edge: Internet -> public IP -> Application Gateway (WAF) -> API Management (internal) -> apps ---------

    def _build_edge(
        self,
        name: str,
        config: PlatformConfig,
        common: Placement,
        tenant_id: pulumi.Input[str],
        apps_default_domain: pulumi.Input[str],
    ) -> None:
        """The single public entry point and the AI gateway behind it; without ``apim`` the gateway sends
        traffic straight to one app."""
        namer = config.namer
        prod = config.environment == "prod"
        workspace_id = self.observability.workspace_id

        def app_host(app: str) -> pulumi.Output[str]:
            return pulumi.Output.concat(namer.name(Kind.CONTAINER_APP, app), ".", apps_default_domain)

        def app_url(app: str) -> pulumi.Output[str]:
            return pulumi.Output.concat("https://", app_host(app))

        self.api_gateway: ApiGateway | None = None
        if config.apim is not None:
            apim = config.apim
            caching = CachingType.EXTERNAL if apim.external_cache else CachingType.INTERNAL
            singles: list[BackendSpec] = []
            pools: list[BackendPoolSpec] = []
            apis: list[ApiSpec] = []
            for api_id, api in apim.apis.items():
                api_singles, api_pools = edge.backends(api_id, api, app_url)
                singles += api_singles
                pools += api_pools
                apis.append(
                    ApiSpec(
                        id=api_id,
                        path=api.path,
                        display_name=api.display_name,
                        backend_id=api_id,
                        operations=edge.operations(api),
                        subscription_required=api.subscription_required,
                        policy_xml=edge.policy_xml(api_id, api.policies, tenant_id, caching),
                    )
                )
            self.api_gateway = ApiGateway(
                f"{name}-apim",
                ApiGatewayArgs(
                    **common,
                    name=namer.name(Kind.API_MANAGEMENT),
                    identity_name=namer.name(Kind.MANAGED_IDENTITY, "apim"),
                    sku=apim.sku,
                    capacity=apim.capacity,
                    zones=apim.zones,
                    public_ip_address_id=self._apim_management_ip(name, config, common) if apim.zones else None,
                    publisher_name=apim.publisher_name,
                    publisher_email=apim.publisher_email,
                    subnet_id=self.network.subnet_ids[SubnetRole.APIM.value],
                    developer_portal=apim.developer_portal,
                    min_api_version=apim.min_api_version,
                    private_dns_zone_name=self.network.zones[PRIVATE_DNS_ZONE].name,
                    secret_store=self.key_vault,
                    named_values=apim.named_values,
                    external_cache_secret=apim.external_cache.connection_string_secret if apim.external_cache else None,
                    app_insights=AppInsightsLink(
                        id=self.observability.app_insights_id,
                        connection_string=self.observability.app_insights_connection_string,
                        sampling_percentage=apim.sampling_percentage,
                    ),
                    backends=singles,
                    pools=pools,
                    apis=apis,
                    diagnostics_workspace_id=workspace_id,
                    lock=prod,
                    protect=prod,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            backend = GatewayBackend(fqdn=self.api_gateway.gateway_hostname, probe_path=HEALTH_PATH)
        else:
            backend = GatewayBackend(fqdn=app_host(config.app_gateway.direct_backend_app))

        gateway = config.app_gateway
        zones = ["1", "2", "3"] if config.zone_redundant else []
        self.app_gateway = AppGateway(
            f"{name}-agw",
            AppGatewayArgs(
                **common,
                name=namer.name(Kind.APPLICATION_GATEWAY),
                public_ip_name=namer.name(Kind.PUBLIC_IP, "agw"),
                waf_policy_name=namer.name(Kind.WAF_POLICY),
                identity_name=namer.name(Kind.MANAGED_IDENTITY, "agw"),
                subnet_id=self.network.subnet_ids[SubnetRole.GATEWAY.value],
                host_name=gateway.host_name,
                certificate_store=self.key_vault,
                certificate_secret_name=gateway.certificate_secret_name,
                backend=backend,
                waf=edge.waf_policy(gateway),
                zones=zones,
                min_capacity=gateway.min_capacity,
                max_capacity=gateway.max_capacity,
                diagnostics_workspace_id=workspace_id,
                lock=prod,
                protect=prod,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _apim_management_ip(self, name: str, config: PlatformConfig, common: Placement) -> pulumi.Output[str]:
        """The Standard public IP that explicit API Management zones in a VNet require. In internal mode it carries
        only control-plane traffic on 3443 (the subnet's NSG admits nothing else from the internet), never API
        requests. https://learn.microsoft.com/azure/reliability/reliability-api-management#considerations"""
        ip = azure_native.network.PublicIPAddress(
            f"{name}-apim-pip",
            public_ip_address_name=config.namer.name(Kind.PUBLIC_IP, "apim"),
            resource_group_name=common["resource_group_name"],
            location=common["location"],
            sku=azure_native.network.PublicIPAddressSkuArgs(name="Standard", tier="Regional"),
            public_ip_allocation_method="Static",
            # Zone-redundant, and with a DNS label, as API Management requires of a customer public IP.
            # https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet#prerequisites
            zones=["1", "2", "3"],
            dns_settings=azure_native.network.PublicIPAddressDnsSettingsArgs(
                domain_name_label=config.namer.name(Kind.API_MANAGEMENT)
            ),
            tags=common["tags"],
            opts=pulumi.ResourceOptions(parent=self),
        )
        return ip.id

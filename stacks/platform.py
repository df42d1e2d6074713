"""The Platform: composes the components into one environment from a validated PlatformConfig."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.alerting import ActionGroup, ActionGroupArgs
from azplatform.components.api_management import (
    HEALTH_PATH,
    PRIVATE_DNS_ZONE,
    ApiManagement,
    ApiManagementArgs,
    ApiSpec,
    AppInsightsLink,
    BackendPoolSpec,
    BackendSpec,
)
from azplatform.components.apim_policies import CachingType
from azplatform.components.application_gateway import ApplicationGateway, ApplicationGatewayArgs, GatewayBackend
from azplatform.components.container_app import ContainerApp, ContainerAppArgs, ContainerAppJob, ContainerAppJobArgs
from azplatform.components.container_apps_environment import ContainerAppsEnvironment, ContainerAppsEnvironmentArgs
from azplatform.components.container_registry import ContainerRegistry, ContainerRegistryArgs
from azplatform.components.cosmos_db import CosmosDb, CosmosDbArgs
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.interfaces import DiagnosticSettings, Lock, PrivateEndpointSpec
from azplatform.components.key_vault import KeyVault, KeyVaultArgs
from azplatform.components.managed_redis import AccessKeySecret, ManagedRedis, ManagedRedisArgs
from azplatform.components.naming import Kind
from azplatform.components.observability import Observability, ObservabilityArgs
from azplatform.components.private_endpoint import PRIVATE_DNS_ZONES
from azplatform.components.private_network import PrivateNetwork, PrivateNetworkArgs, SubnetRole, SubnetSpec
from azplatform.components.scale_rules import RedisStreamsScaleRule, ScaleRule
from azplatform.stacks import edge
from azplatform.stacks.config import ENVIRONMENT_CODES, REDIS_KEDA_SECRET, PlatformConfig
from azplatform.stacks.config_compute import AppConfig
from azplatform.stacks.reference import platform_exports
from azplatform.stacks.tiers.postgres import PostgresInputs, build_postgres, postgres_app_env

TYPE_TOKEN = "azplatform:index:Platform"


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

    outputs: dict[str, Any]
    """The stack outputs, by exported name: the outputs contract (``stacks.reference``)."""

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
            config.observability.extend(
                ObservabilityArgs,
                **common,
                workspace_name=namer.name(Kind.LOG_ANALYTICS),
                app_insights_name=namer.name(Kind.APP_INSIGHTS),
                lock=Lock() if prod else None,
                protect=prod,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        workspace_id = self.observability.workspace_id

        subnets = config.network.subnets
        self.network = PrivateNetwork(
            f"{name}-net",
            config.network.extend(
                PrivateNetworkArgs,
                **common,
                name=namer.name(Kind.VIRTUAL_NETWORK),
                subnets=[
                    SubnetSpec(name=namer.name(Kind.SUBNET, "agw"), role=SubnetRole.GATEWAY, cidr=subnets.gateway),
                    # Classic (stv2) API Management injection; config refuses PremiumV2 (see config_edge).
                    SubnetSpec(name=namer.name(Kind.SUBNET, "apim"), role=SubnetRole.APIM, cidr=subnets.apim),
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
                diagnostic_settings=[DiagnosticSettings(workspace_id=workspace_id)],
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        pe_subnet = self.network.subnet_ids[SubnetRole.PRIVATE_ENDPOINTS.value]

        def private_endpoint(group_id: str) -> PrivateEndpointSpec:
            return PrivateEndpointSpec(
                subnet_id=pe_subnet, private_dns_zone_ids=[self.network.dns_zone_ids[PRIVATE_DNS_ZONES[group_id]]]
            )

        self.key_vault = KeyVault(
            f"{name}-kv",
            config.key_vault.extend(
                KeyVaultArgs,
                **common,
                name=namer.name(Kind.KEY_VAULT),
                tenant_id=client.tenant_id,
                private_endpoints=[private_endpoint("vault")],
                diagnostic_settings=[DiagnosticSettings(workspace_id=workspace_id)],
                lock=Lock() if prod else None,
                protect=prod,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self._build_data(name, config, common, private_endpoint, workspace_id)
        self._build_compute(name, config, common, workspace_id, private_endpoint("registry"))
        self.postgres = build_postgres(
            PostgresInputs(
                name=name,
                parent=self,
                config=config,
                resource_group_name=rg,
                tags=tags,
                tenant_id=client.tenant_id,
                private_endpoint=private_endpoint("postgresqlServer"),
                workspace_id=workspace_id,
                action_group=self.action_group,
                container_apps_environment_id=self.container_apps.id,
                app_identities=self.app_identities,
            )
        )
        self._build_edge(name, config, common, client.tenant_id, self.container_apps.default_domain)

        self.outputs = platform_exports(
            resource_group_name=rg,
            vnet_id=self.network.id,
            subnet_ids=self.network.subnet_ids,
            private_dns_zone_ids=self.network.dns_zone_ids,
            key_vault_uri=self.key_vault.vault_uri,
            key_vault_id=self.key_vault.id,
            log_analytics_workspace_id=workspace_id,
            app_insights_connection_string=self.observability.app_insights_connection_string,
            container_apps_environment_id=self.container_apps.id,
            container_apps_default_domain=self.container_apps.default_domain,
            container_apps_static_ip=self.container_apps.static_ip,
            registry_login_server=self.registry.login_server,
            registry_id=self.registry.id,
            app_fqdns={key: app.fqdn for key, app in self.apps.items() if app.fqdn is not None},
            redis_host_name=self.redis.host_name,
            cosmos_endpoint=self.cosmos.endpoint,
            gateway_url=pulumi.Output.from_input(f"https://{config.app_gateway.host_name}"),
            gateway_public_ip=self.application_gateway.public_ip_address,
            apim_name=self.api_management.name if self.api_management else None,
            apim_gateway_url=self.api_management.gateway_url if self.api_management else None,
            postgres_host=self.postgres.host,
        )
        self.register_outputs({})

    # --- data: Azure Managed Redis, Cosmos DB, their alerts -------------------------------------------------

    def _build_data(
        self,
        name: str,
        config: PlatformConfig,
        common: Placement,
        private_endpoint: Callable[[str], PrivateEndpointSpec],
        workspace_id: pulumi.Output[str],
    ) -> None:
        """Redis and Cosmos, private and Entra-only; in prod protected and locked; alerts to the action group.

        Apps get access through ``self.redis.grant_data_access(identity)`` and
        ``self.cosmos.grant_data_contributor(identity)`` / ``grant_data_reader(identity)``.
        """
        namer = config.namer
        prod = config.environment == "prod"
        # Every data store: diagnostics to the workspace; in prod, protect and a CanNotDelete lock.
        stateful = {
            "diagnostic_settings": [DiagnosticSettings(workspace_id=workspace_id)],
            "lock": Lock() if prod else None,
            "protect": prod,
        }
        self.redis = ManagedRedis(
            f"{name}-redis",
            config.redis.extend(
                ManagedRedisArgs,
                **common,
                **stateful,
                name=namer.name(Kind.MANAGED_REDIS),
                access_keys=AccessKeySecret(
                    vault_name=self.key_vault.name,
                    resource_group_name=common["resource_group_name"],
                    secret_name=REDIS_KEDA_SECRET,
                )
                if config.redis.access_keys_for_keda
                else None,
                private_endpoints=[private_endpoint("redisEnterprise")],
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.cosmos = CosmosDb(
            f"{name}-cosmos",
            config.cosmos.extend(
                CosmosDbArgs,
                **common,
                **stateful,
                name=namer.name(Kind.COSMOS_ACCOUNT),
                zone_redundant=config.zone_redundant,
                private_endpoints=[private_endpoint("Sql")],
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        alerts = config.alerts
        self.action_group = ActionGroup(
            f"{name}-alerts",
            alerts.extend(
                ActionGroupArgs,
                name=namer.name(Kind.ACTION_GROUP),
                short_name=f"{config.name_prefix}-{ENVIRONMENT_CODES[config.environment]}"[:12],
                resource_group_name=common["resource_group_name"],
                tags=common["tags"],
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.redis.alert_memory_above(alerts.redis_memory_percent, self.action_group.id)
        self.cosmos.alert_throttling(alerts.cosmos_throttled_requests, self.action_group.id)

    # --- compute ----------------------------------------------------------------------------------------------

    def _build_compute(
        self,
        name: str,
        config: PlatformConfig,
        common: Placement,
        workspace_id: pulumi.Output[str],
        registry_endpoint: PrivateEndpointSpec,
    ) -> None:
        """The Container Apps environment, the registry, and one identity plus app (or job) per workload. Each
        identity gets exactly AcrPull on the registry and Key Vault Secrets User on the vault."""
        namer = config.namer
        prod = config.environment == "prod"
        diagnostics = [DiagnosticSettings(workspace_id=workspace_id)]
        environment = config.container_apps
        self.container_apps = ContainerAppsEnvironment(
            f"{name}-cae",
            environment.extend(
                ContainerAppsEnvironmentArgs,
                **common,
                name=namer.name(Kind.CONTAINER_APPS_ENVIRONMENT),
                infrastructure_subnet_id=self.network.subnet_ids[SubnetRole.CONTAINER_APPS.value],
                vnet_id=self.network.id,
                zone_redundant=config.zone_redundant
                if environment.zone_redundant is None
                else environment.zone_redundant,
                diagnostic_settings=diagnostics,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.network, self.observability]),
        )
        self.registry = ContainerRegistry(
            f"{name}-acr",
            config.registry.extend(
                ContainerRegistryArgs,
                **common,
                name=namer.name(Kind.CONTAINER_REGISTRY),
                zone_redundant=config.zone_redundant,
                private_endpoints=[registry_endpoint],
                diagnostic_settings=diagnostics,
                lock=Lock() if prod else None,
                protect=prod,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # KEDA reaches the platform's Azure Managed Redis on its host name and TLS port.
        redis_address = pulumi.Output.concat(self.redis.host_name, ":", str(self.redis.port))
        self.apps: dict[str, ContainerApp] = {}
        self.jobs: dict[str, ContainerAppJob] = {}
        self.app_identities: dict[str, UserIdentity] = {}
        for key, app in sorted(config.apps.items()):
            identity = UserIdentity(
                f"{name}-{key}-id",
                UserIdentityArgs(
                    name=namer.name(Kind.MANAGED_IDENTITY, key),
                    resource_group_name=common["resource_group_name"],
                    location=common["location"],
                    tags=common["tags"],
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.app_identities[key] = identity
            # What Azure needs before it creates the workload: it pulls the image and resolves Key Vault references.
            prerequisites: list[pulumi.Resource] = [
                self.registry.grant_pull(identity),
                self.key_vault.grant_secret_read(identity),
            ]
            if self.redis.access_key_secret is not None and REDIS_KEDA_SECRET in app.secrets.values():
                prerequisites.append(self.redis.access_key_secret)
            workload = {
                **common,
                "environment_id": self.container_apps.id,
                "identity": identity,
                "key_vault_uri": self.key_vault.vault_uri,
                "registry_server": self.registry.login_server,
                "wait_for": prerequisites,
                "container_name": key,
                "env": {**self._grant_data_access(identity, app), **postgres_app_env(config, key, app), **app.env},
                "scale_rules": [
                    _on_platform_redis(r, redis_address, self.redis.keda_scaler_type) for r in app.scale_rules
                ],
            }
            if app.kind == "job":
                self.jobs[key] = ContainerAppJob(
                    f"{name}-{key}",
                    app.job_settings().extend(
                        ContainerAppJobArgs, name=namer.name(Kind.CONTAINER_APP_JOB, key), **workload
                    ),
                    opts=pulumi.ResourceOptions(parent=self),
                )
                continue
            self.apps[key] = ContainerApp(
                f"{name}-{key}",
                app.app_settings().extend(
                    ContainerAppArgs,
                    name=namer.name(Kind.CONTAINER_APP, key),
                    default_domain=self.container_apps.default_domain,
                    **workload,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _grant_data_access(self, identity: UserIdentity, app: AppConfig) -> dict[str, pulumi.Input[str]]:
        """The data-plane grants ``app.dataAccess`` asks for, and the addresses they give the app (env vars)."""
        env: dict[str, pulumi.Input[str]] = {}
        if app.data_access.redis:
            self.redis.grant_data_access(identity)
            env |= {"REDIS_HOST": self.redis.host_name, "REDIS_PORT": str(self.redis.port)}
        if app.data_access.cosmos == "contributor":
            self.cosmos.grant_data_contributor(identity)
        elif app.data_access.cosmos == "reader":
            self.cosmos.grant_data_reader(identity)
        if app.data_access.cosmos != "none":
            env["COSMOS_ENDPOINT"] = self.cosmos.endpoint
        return env

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

        def app_host(app: str) -> pulumi.Output[str]:
            return pulumi.Output.concat(namer.name(Kind.CONTAINER_APP, app), ".", apps_default_domain)

        def app_url(app: str) -> pulumi.Output[str]:
            return pulumi.Output.concat("https://", app_host(app))

        # Every edge component: diagnostics to the workspace; in prod, protect and a CanNotDelete lock.
        diagnostics = [DiagnosticSettings(workspace_id=self.observability.workspace_id)]
        lock = Lock() if prod else None
        self.api_management: ApiManagement | None = None
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
                    api.extend(
                        ApiSpec,
                        id=api_id,
                        backend_id=api_id,
                        policy_xml=edge.policy_xml(api_id, api.policies, tenant_id, caching),
                    )
                )
            self.api_management = ApiManagement(
                f"{name}-apim",
                apim.extend(
                    ApiManagementArgs,
                    **common,
                    name=namer.name(Kind.API_MANAGEMENT),
                    identity_name=namer.name(Kind.MANAGED_IDENTITY, "apim"),
                    public_ip_address_id=self._apim_management_ip(name, config, common) if apim.zones else None,
                    subnet_id=self.network.subnet_ids[SubnetRole.APIM.value],
                    private_dns_zone_name=self.network.zones[PRIVATE_DNS_ZONE].name,
                    secret_store=self.key_vault,
                    app_insights=AppInsightsLink(
                        id=self.observability.app_insights_id,
                        connection_string=self.observability.app_insights_connection_string,
                    ),
                    backends=singles,
                    pools=pools,
                    apis=apis,
                    diagnostic_settings=diagnostics,
                    lock=lock,
                    protect=prod,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            backend = GatewayBackend(fqdn=self.api_management.gateway_hostname, probe_path=HEALTH_PATH)
        else:
            backend = GatewayBackend(fqdn=app_host(config.app_gateway.direct_backend_app))

        self.application_gateway = ApplicationGateway(
            f"{name}-agw",
            config.app_gateway.extend(
                ApplicationGatewayArgs,
                **common,
                name=namer.name(Kind.APPLICATION_GATEWAY),
                public_ip_name=namer.name(Kind.PUBLIC_IP, "agw"),
                waf_policy_name=namer.name(Kind.WAF_POLICY),
                identity_name=namer.name(Kind.MANAGED_IDENTITY, "agw"),
                subnet_id=self.network.subnet_ids[SubnetRole.GATEWAY.value],
                certificate_store=self.key_vault,
                backend=backend,
                zones=["1", "2", "3"] if config.zone_redundant else [],
                diagnostic_settings=diagnostics,
                lock=lock,
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


def _on_platform_redis(rule: ScaleRule, address: pulumi.Input[str], scaler: str) -> ScaleRule:
    """A redis-streams rule without an address scales on the platform's Azure Managed Redis, with the KEDA scaler
    its clustering policy needs; every other rule is used as given."""
    if isinstance(rule, RedisStreamsScaleRule) and rule.address is None:
        return rule.replace(address=address, scaler=rule.scaler or scaler)
    return rule

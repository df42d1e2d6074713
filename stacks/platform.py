"""The Platform: composes the components into one environment from a validated PlatformConfig."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.alerting import ActionGroup, ActionGroupArgs
from azplatform.components.api_gateway import (
    HEALTH_PATH,
    PRIVATE_DNS_ZONE,
    ApiGateway,
    ApiGatewayArgs,
    ApiSpec,
    AppInsightsLink,
    BackendPoolSpec,
    BackendSpec,
)
from azplatform.components.apim_policy import CachingType
from azplatform.components.app_gateway import AppGateway, AppGatewayArgs, GatewayBackend
from azplatform.components.budget import Budget, BudgetArgs
from azplatform.components.common import PrivateEndpointPlacement
from azplatform.components.container_app import (
    ContainerApp,
    ContainerAppArgs,
    ContainerAppJob,
    ContainerAppJobArgs,
    ContainerSpec,
    Probe,
    TrafficSplit,
    WorkloadArgs,
    default_probes,
)
from azplatform.components.container_apps_environment import (
    ContainerAppsEnvironment,
    ContainerAppsEnvironmentArgs,
    DedicatedProfile,
)
from azplatform.components.container_registry import ContainerRegistry, ContainerRegistryArgs
from azplatform.components.cosmos_db import (
    CosmosDb,
    CosmosDbArgs,
    DatabaseSpec,
    IndexingSpec,
    SecondaryRegion,
    SqlContainerSpec,
)
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.interfaces import DiagnosticSettings, Lock, PrivateEndpointSpec
from azplatform.components.key_vault import KeyVault, KeyVaultArgs
from azplatform.components.managed_redis import AccessKeySecret, ManagedRedis, ManagedRedisArgs
from azplatform.components.naming import Kind
from azplatform.components.observability import Observability, ObservabilityArgs
from azplatform.components.private_endpoint import PRIVATE_DNS_ZONES
from azplatform.components.private_network import PrivateNetwork, PrivateNetworkArgs, SubnetRole, SubnetSpec
from azplatform.components.regions import REGIONS
from azplatform.components.scale_rules import (
    CpuScaleRule,
    HttpScaleRule,
    MemoryScaleRule,
    RedisStreamsScaleRule,
    ScaleRule,
    ServiceBusScaleRule,
)
from azplatform.stacks import edge
from azplatform.stacks.config import ENVIRONMENT_CODES, REDIS_KEDA_SECRET, PlatformConfig
from azplatform.stacks.config_compute import AppConfig, JobConfig, ProbeConfig, ScaleRuleConfig, rule_name
from azplatform.stacks.reference import CONTRACT_VERSION

TYPE_TOKEN = "azplatform:index:Platform"


@dataclass(frozen=True)
class PlatformOutputs:
    """What the platform exports for other stacks: the outputs contract (``stacks.reference``), exported by the
    program under the camelCase of each field name. Adding a field is a minor change; removing or renaming one is a
    major change of :data:`stacks.reference.CONTRACT_VERSION`."""

    contract_version: str
    resource_group_name: pulumi.Output[str]
    vnet_id: pulumi.Output[str]
    subnet_ids: dict[str, pulumi.Output[str]]
    private_dns_zone_ids: dict[str, pulumi.Output[str]]
    key_vault_uri: pulumi.Output[str]
    key_vault_id: pulumi.Output[str]
    log_analytics_workspace_id: pulumi.Output[str]
    app_insights_connection_string: pulumi.Output[str]
    container_apps_environment_id: pulumi.Output[str]
    container_apps_default_domain: pulumi.Output[str]
    container_apps_static_ip: pulumi.Output[str]
    registry_login_server: pulumi.Output[str]
    registry_id: pulumi.Output[str]
    app_fqdns: dict[str, pulumi.Output[str]]
    redis_host_name: pulumi.Output[str]
    cosmos_endpoint: pulumi.Output[str]
    # edge
    gateway_url: pulumi.Output[str]
    gateway_public_ip: pulumi.Output[str]
    apim_name: pulumi.Output[str] | None
    apim_gateway_url: pulumi.Output[str] | None


class Placement(TypedDict):
    """Where every component of the platform goes, and the tags it carries."""

    resource_group_name: pulumi.Output[str]
    location: str
    tags: dict[str, str]


class Stateful(TypedDict):
    """What every stateful component gets: diagnostics, and in prod protect and a lock."""

    diagnostics_workspace_id: pulumi.Output[str]
    lock: bool
    protect: bool


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
        self.network = PrivateNetwork(
            f"{name}-net",
            PrivateNetworkArgs(
                **common,
                name=namer.name(Kind.VIRTUAL_NETWORK),
                address_space=config.network.address_space,
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
                diagnostics_workspace_id=workspace_id,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        pe_subnet = self.network.subnet_ids[SubnetRole.PRIVATE_ENDPOINTS.value]

        def endpoint(group_id: str) -> PrivateEndpointPlacement:
            return PrivateEndpointPlacement(
                subnet_id=pe_subnet, dns_zone_id=self.network.dns_zone_ids[PRIVATE_DNS_ZONES[group_id]]
            )

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

        self._build_data(name, config, common, endpoint, workspace_id)
        self._build_compute(name, config, common, workspace_id, endpoint("registry"))
        self._build_edge(name, config, common, client.tenant_id, self.container_apps.default_domain)
        # Budgets as code: the stack's monthly budget on its resource group, notifying the platform's action group.
        self.budget = (
            Budget(
                f"{name}-budget",
                config.cost.budget.extend(
                    BudgetArgs,
                    name=namer.name(Kind.RESOURCE_GROUP).replace("rg-", "budget-", 1),
                    scope=self.resource_group.id,
                    action_group_id=self.action_group.id,
                    contact_emails=config.alerts.emails,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            if config.cost.budget is not None
            else None
        )

        self.outputs = PlatformOutputs(
            contract_version=CONTRACT_VERSION,
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
            gateway_public_ip=self.app_gateway.public_ip_address,
            apim_name=self.api_gateway.name if self.api_gateway else None,
            apim_gateway_url=self.api_gateway.gateway_url if self.api_gateway else None,
        )
        self.register_outputs({})

    # --- data: Azure Managed Redis, Cosmos DB, their alerts -------------------------------------------------

    def _build_data(
        self,
        name: str,
        config: PlatformConfig,
        common: Placement,
        endpoint: Callable[[str], PrivateEndpointPlacement],
        workspace_id: pulumi.Output[str],
    ) -> None:
        """Redis and Cosmos, private and Entra-only; in prod protected and locked; alerts to the action group.

        Apps get access through ``self.redis.grant_data_access(identity)`` and
        ``self.cosmos.grant_data_contributor(identity)`` / ``grant_data_reader(identity)``.
        """
        namer = config.namer
        prod = config.environment == "prod"
        # Every data store: diagnostics to the workspace; in prod, protect and a CanNotDelete lock.
        stateful = Stateful(diagnostics_workspace_id=workspace_id, lock=prod, protect=prod)
        redis = config.redis
        self.redis = ManagedRedis(
            f"{name}-redis",
            ManagedRedisArgs(
                **common,
                name=namer.name(Kind.MANAGED_REDIS),
                sku=redis.sku,
                high_availability=redis.high_availability,
                eviction_policy=redis.eviction_policy,
                clustering_policy=redis.clustering_policy,
                modules=redis.modules,
                persistence=redis.persistence,
                rdb_frequency=redis.rdb_frequency or "1h",
                access_keys=AccessKeySecret(
                    vault_name=self.key_vault.name,
                    resource_group_name=common["resource_group_name"],
                    secret_name=REDIS_KEDA_SECRET,
                )
                if redis.access_keys_for_keda
                else None,
                private_endpoint=endpoint("redisEnterprise"),
                **stateful,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        cosmos = config.cosmos
        zone_redundant = config.zone_redundant
        self.cosmos = CosmosDb(
            f"{name}-cosmos",
            CosmosDbArgs(
                **common,
                name=namer.name(Kind.COSMOS_ACCOUNT),
                serverless=cosmos.serverless,
                zone_redundant=zone_redundant,
                secondary_regions=[
                    # A secondary region without availability zones is added non-zonal.
                    SecondaryRegion(location=loc, zone_redundant=zone_redundant and REGIONS[loc].zones)
                    for loc in cosmos.secondary_locations
                ],
                backup_tier=cosmos.backup_tier,
                consistency_level=cosmos.consistency_level,
                databases=[
                    DatabaseSpec(
                        name=db_name,
                        max_throughput=None if cosmos.serverless else db.max_throughput,
                        containers=[
                            SqlContainerSpec(
                                name=c_name,
                                partition_key_paths=container.partition_key_paths,
                                default_ttl=container.default_ttl,
                                indexing=IndexingSpec(
                                    mode=container.indexing.mode,
                                    included_paths=container.indexing.included_paths,
                                    excluded_paths=container.indexing.excluded_paths,
                                )
                                if container.indexing is not None
                                else None,
                                max_throughput=cosmos.container_max_throughput(db_name, c_name),
                            )
                            for c_name, container in db.containers.items()
                        ],
                    )
                    for db_name, db in cosmos.databases.items()
                ],
                private_endpoint=endpoint("Sql"),
                **stateful,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        alerts = config.alerts
        self.action_group = ActionGroup(
            f"{name}-alerts",
            ActionGroupArgs(
                name=namer.name(Kind.ACTION_GROUP),
                short_name=f"{config.name_prefix}-{ENVIRONMENT_CODES[config.environment]}"[:12],
                resource_group_name=common["resource_group_name"],
                emails=alerts.emails,
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
        registry_endpoint: PrivateEndpointPlacement,
    ) -> None:
        """The Container Apps environment, the registry, and one identity plus app (or job) per workload. Each
        identity gets exactly AcrPull on the registry and Key Vault Secrets User on the vault."""
        namer = config.namer
        prod = config.environment == "prod"
        settings = config.container_apps
        self.container_apps = ContainerAppsEnvironment(
            f"{name}-cae",
            ContainerAppsEnvironmentArgs(
                **common,
                name=namer.name(Kind.CONTAINER_APPS_ENVIRONMENT),
                infrastructure_subnet_id=self.network.subnet_ids[SubnetRole.CONTAINER_APPS.value],
                vnet_id=self.network.id,
                zone_redundant=settings.zone_redundant
                if settings.zone_redundant is not None
                else config.zone_redundant,
                dedicated_profiles=[
                    DedicatedProfile(
                        name=profile_name,
                        type=profile.type,
                        minimum_count=profile.minimum_count,
                        maximum_count=profile.maximum_count,
                    )
                    for profile_name, profile in sorted(settings.workload_profiles.items())
                ],
                diagnostics_workspace_id=workspace_id,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.network, self.observability]),
        )
        self.registry = ContainerRegistry(
            f"{name}-acr",
            ContainerRegistryArgs(
                **common,
                name=namer.name(Kind.CONTAINER_REGISTRY),
                sku=config.registry.sku,
                zone_redundant=config.zone_redundant,
                private_endpoint=registry_endpoint,
                diagnostics_workspace_id=workspace_id,
                lock=prod,
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
            data_env = self._grant_data_access(identity, app)
            workload = WorkloadArgs(
                name=namer.name(Kind.CONTAINER_APP_JOB if app.kind == "job" else Kind.CONTAINER_APP, key),
                resource_group_name=common["resource_group_name"],
                location=common["location"],
                tags=common["tags"],
                environment_id=self.container_apps.id,
                identity=identity,
                container=ContainerSpec(
                    image=app.image,
                    cpu=app.cpu,
                    memory=app.memory,
                    env={**data_env, **app.env},
                    secret_env=app.secret_env,
                    container_name=key,
                ),
                workload_profile=app.workload_profile,
                key_vault_secrets={
                    secret: self.key_vault.secret_uri(vault_secret) for secret, vault_secret in app.secrets.items()
                },
                registry_server=self.registry.login_server,
                wait_for=prerequisites,
            )
            rules = [_scale_rule(rule, redis_address, self.redis.keda_scaler_type) for rule in app.scale_rules]
            if app.kind == "job":
                job = app.job or JobConfig()
                self.jobs[key] = ContainerAppJob(
                    f"{name}-{key}",
                    ContainerAppJobArgs(
                        workload=workload,
                        scale_rules=[r for r in rules if isinstance(r, RedisStreamsScaleRule | ServiceBusScaleRule)],
                        replica_timeout_seconds=job.replica_timeout_seconds,
                        replica_retry_limit=job.replica_retry_limit,
                        parallelism=job.parallelism,
                        replica_completion_count=job.replica_completion_count,
                        min_executions=job.min_executions,
                        max_executions=job.max_executions,
                        polling_interval_seconds=job.polling_interval_seconds,
                    ),
                    opts=pulumi.ResourceOptions(parent=self),
                )
                continue
            self.apps[key] = ContainerApp(
                f"{name}-{key}",
                ContainerAppArgs(
                    workload=workload,
                    target_port=app.target_port,
                    external=app.ingress_scope == "vnet",
                    probes=_probes(app),
                    min_replicas=app.min_replicas,
                    max_replicas=app.max_replicas,
                    scale_rules=rules,
                    revisions_mode="Multiple" if app.revisions_mode == "multiple" else "Single",
                    revision_suffix=app.revisions.suffix,
                    traffic=[
                        TrafficSplit(weight=split.weight, revision_suffix=split.revision_suffix, label=split.label)
                        for split in app.revisions.traffic
                    ],
                    default_domain=self.container_apps.default_domain,
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


def _scale_rule(rule: ScaleRuleConfig, redis_address: pulumi.Input[str], redis_scaler: str) -> ScaleRule:
    """The component rule for one configured rule."""
    name = rule_name(rule)
    if rule.type == "http":
        return HttpScaleRule(name=name, concurrent_requests=rule.concurrent_requests)
    if rule.type == "cpu":
        return CpuScaleRule(name=name, utilization=rule.utilization)
    if rule.type == "memory":
        return MemoryScaleRule(name=name, utilization=rule.utilization)
    if rule.type == "redis-streams":
        return RedisStreamsScaleRule(
            name=name,
            address=rule.address or redis_address,
            # Another Redis (own address) is a single endpoint; the platform's says which scaler it needs.
            scaler="redis-streams" if rule.address else redis_scaler,
            stream=rule.stream,
            consumer_group=rule.consumer_group,
            pending_entries_count=rule.pending_entries_count,
            lag_count=rule.lag_count,
            activation_lag_count=rule.activation_lag_count,
            enable_tls=rule.enable_tls,
            password_secret=rule.password_secret,
            username_secret=rule.username_secret,
        )
    return ServiceBusScaleRule(
        name=name,
        namespace=rule.namespace,
        queue_name=rule.queue_name,
        topic_name=rule.topic_name,
        subscription_name=rule.subscription_name,
        message_count=rule.message_count,
        activation_message_count=rule.activation_message_count,
    )


def _probes(app: AppConfig) -> list[Probe] | None:
    """Configured probes over the defaults; none when the app has no port and no probes."""
    if app.probes is None:
        return None
    defaults = {p.kind: p for p in default_probes(app.target_port)} if app.target_port is not None else {}
    probes: list[Probe] = []
    for kind in ("Startup", "Readiness", "Liveness"):
        configured: ProbeConfig | None = getattr(app.probes, kind.lower())
        if configured is None:
            if kind in defaults:
                probes.append(defaults[kind])
            continue
        port = configured.port or app.target_port
        if port is None:  # config validation reports this first; kept for direct callers
            raise ValueError(f"{kind} probe has no port and the app has no targetPort")
        probes.append(
            Probe(
                kind=kind,
                port=port,
                path=configured.path,
                initial_delay_seconds=configured.initial_delay_seconds,
                period_seconds=configured.period_seconds,
                timeout_seconds=configured.timeout_seconds,
                failure_threshold=configured.failure_threshold,
                success_threshold=configured.success_threshold,
            )
        )
    return probes

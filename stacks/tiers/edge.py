"""Edge: Internet -> public IP -> Application Gateway (WAF) -> API Management (internal) -> apps.

The single public entry point and the AI gateway behind it; without ``apim`` the gateway sends traffic straight to
one app. Also what only the platform knows about an API: its backends as the stack's apps, and its policy document
with the deploying tenant (:func:`backends`, :func:`policy_xml`, pure functions).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.ai_services import AiServices
from azplatform.components.api_management import (
    HEALTH_PATH,
    ApiManagement,
    ApiManagementArgs,
    ApiSpec,
    AppInsightsLink,
    BackendPoolSpec,
    BackendSpec,
    ExternalCache,
    PoolMember,
)
from azplatform.components.apim_policies import (
    IDENTITY_CLIENT_ID_VALUE,
    ApiPolicies,
    CachingType,
    ManagedIdentityAuth,
    ShadowRequest,
)
from azplatform.components.application_gateway import ApplicationGateway, ApplicationGatewayArgs, GatewayBackend
from azplatform.components.interfaces import DiagnosticSettings, ManagedIdentities
from azplatform.components.key_vault import KeyVault
from azplatform.components.managed_redis import ManagedRedis
from azplatform.components.naming import Kind
from azplatform.stacks.config import PlatformConfig
from azplatform.stacks.config_data import REDIS_APIM_CACHE_SECRET
from azplatform.stacks.config_edge import ApiConfig
from azplatform.stacks.tiers.scope import Placement, TierScope

MODEL_AUTH = ManagedIdentityAuth(client_id=f"{{{{{IDENTITY_CLIENT_ID_VALUE}}}}}")
"""How a model route authenticates: API Management's user-assigned identity, named by its published client id."""


@dataclass(frozen=True)
class EdgeInputs:
    """What the edge takes from the foundation and the compute tier."""

    placement: Placement
    workspace_id: pulumi.Output[str]
    """Where the gateways' diagnostics go."""
    tenant_id: pulumi.Output[str]
    """The default token issuer in the APIs' policies."""
    key_vault: KeyVault
    """API Management's named values and the gateway's TLS certificate live here."""
    app_insights: AppInsightsLink
    """API Management's logger."""
    gateway_subnet_id: pulumi.Output[str]
    apim_subnet_id: pulumi.Output[str]
    apim_dns_zone_name: pulumi.Output[str] | None
    apim_dns_zone_id: str | None
    """The azure-api.net private zone's name (the foundation creates the zone only when ``apim`` is configured)."""
    apps_default_domain: pulumi.Output[str]
    """The Container Apps environment's domain: the apps' host names end in it."""
    ai_accounts: Mapping[str, AiServices] = field(default_factory=dict)
    """The AI services accounts by key: model routes call their deployments."""
    redis: ManagedRedis | None = None
    """The platform's Redis: API Management's external cache when an API has a semantic cache."""


@dataclass(frozen=True)
class Edge:
    """The gateways."""

    api_management: ApiManagement | None
    """None when ``apim`` is null."""
    application_gateway: ApplicationGateway


def build_edge(scope: TierScope, config: PlatformConfig, inputs: EdgeInputs) -> Edge:
    """API Management (when configured) with the configured APIs on the apps, then the Application Gateway in
    front of it (or of one app); both with diagnostics and the environment's protection."""
    namer = scope.namer

    def app_host(app: str) -> pulumi.Output[str]:
        return pulumi.Output.concat(namer.name(Kind.CONTAINER_APP, app), ".", inputs.apps_default_domain)

    def app_url(app: str) -> pulumi.Output[str]:
        return pulumi.Output.concat("https://", app_host(app))

    def model_url(account: str, deployment: str) -> pulumi.Output[str]:
        # The deployment's own path, so that a pool can mix deployments of different names behind one route.
        return pulumi.Output.concat(inputs.ai_accounts[account].endpoint, "openai/deployments/", deployment)

    # Every edge component: diagnostics to the workspace; protect and a lock where the environment asks for them.
    diagnostics = [DiagnosticSettings(workspace_id=inputs.workspace_id)]
    api_management: ApiManagement | None = None
    if config.apim is not None:
        apim = config.apim
        if inputs.apim_dns_zone_name is None and inputs.apim_dns_zone_id is None:
            raise ValueError("API Management needs the foundation's (or a central) azure-api.net private DNS zone")
        external_cache = apim.external_cache
        if config.redis.access_keys_for_apim_cache:
            # The semantic cache runs on the platform's Redis; the named value waits for the connection string.
            secret_uri = inputs.redis.connection_string_secret_uri if inputs.redis is not None else None
            if secret_uri is None:
                raise ValueError("a semantic cache needs the platform's Redis with its connection string secret")
            external_cache = ExternalCache(connection_string_secret=REDIS_APIM_CACHE_SECRET, secret_uri=secret_uri)
        caching = CachingType.EXTERNAL if external_cache else CachingType.INTERNAL
        semantic = any(api.policies.semantic_cache is not None for api in apim.apis.values())
        singles: list[BackendSpec] = []
        pools: list[BackendPoolSpec] = []
        apis: list[ApiSpec] = []
        for api_id, api in apim.apis.items():
            api_singles, api_pools = backends(api_id, api, app_url, model_url)
            singles += api_singles
            pools += api_pools
            apis.append(
                api.extend(
                    ApiSpec,
                    id=api_id,
                    backend_id=api_id,
                    policy_xml=policy_xml(
                        api_id,
                        api.policies,
                        inputs.tenant_id,
                        caching,
                        # Keyless: API Management calls the models as its own identity.
                        backend_auth=MODEL_AUTH if api.backend.models is not None else None,
                        shadow=shadow_request(api, inputs.ai_accounts),
                        embeddings_backend_id=embeddings_backend_id(api_id) if api.backend.embeddings else None,
                    ),
                )
            )
        api_management = ApiManagement(
            scope.child("apim"),
            apim.extend(
                ApiManagementArgs,
                **inputs.placement,
                **scope.protection(),
                name=namer.name(Kind.API_MANAGEMENT),
                identity_name=namer.name(Kind.MANAGED_IDENTITY, "apim"),
                public_ip_address_id=_apim_management_ip(scope, inputs.placement) if apim.zones else None,
                subnet_id=inputs.apim_subnet_id,
                private_dns_zone_name=inputs.apim_dns_zone_name,
                private_dns_zone_id=inputs.apim_dns_zone_id,
                secret_store=inputs.key_vault,
                app_insights=inputs.app_insights,
                backends=singles,
                pools=pools,
                apis=apis,
                publish_identity_client_id=any(api.backend.models for api in apim.apis.values()),
                external_cache=external_cache,
                # The semantic cache's lookup calls the embeddings backend as the system-assigned identity only.
                managed_identities=ManagedIdentities(system_assigned=semantic),
                diagnostic_settings=diagnostics,
            ),
            opts=scope.opts(),
        )
        # The gateway's identity may call the models of every account its routes name (and nothing else).
        routed = sorted(
            {m.account for api in apim.apis.values() for m in api.backend.models or []}
            | {api.backend.shadow.account for api in apim.apis.values() if api.backend.shadow is not None}
        )
        for key in routed:
            inputs.ai_accounts[key].grant_openai_user(api_management.identity)
        # ...and its system-assigned identity the embeddings deployments' accounts, for the semantic cache lookup.
        embedders = sorted({api.backend.embeddings.account for api in apim.apis.values() if api.backend.embeddings})
        if embedders:
            system = api_management.system_identity
            if system is None:
                raise ValueError("a semantic cache needs API Management's system-assigned identity")
            for key in embedders:
                inputs.ai_accounts[key].grant_openai_user(system)
        backend = GatewayBackend(fqdn=api_management.gateway_hostname, probe_path=HEALTH_PATH)
    else:
        backend = GatewayBackend(fqdn=app_host(config.app_gateway.direct_backend_app))

    application_gateway = ApplicationGateway(
        scope.child("agw"),
        config.app_gateway.extend(
            ApplicationGatewayArgs,
            **inputs.placement,
            **scope.protection(),
            name=namer.name(Kind.APPLICATION_GATEWAY),
            public_ip_name=namer.name(Kind.PUBLIC_IP, "agw"),
            waf_policy_name=namer.name(Kind.WAF_POLICY),
            identity_name=namer.name(Kind.MANAGED_IDENTITY, "agw"),
            subnet_id=inputs.gateway_subnet_id,
            certificate_store=inputs.key_vault,
            backend=backend,
            zones=["1", "2", "3"] if config.zone_redundant else [],
            diagnostic_settings=diagnostics,
        ),
        opts=scope.opts(),
    )
    return Edge(api_management=api_management, application_gateway=application_gateway)


def _apim_management_ip(scope: TierScope, placement: Placement) -> pulumi.Output[str]:
    """The Standard public IP that explicit API Management zones in a VNet require. In internal mode it carries
    only control-plane traffic on 3443 (the subnet's NSG admits nothing else from the internet), never API
    requests. https://learn.microsoft.com/azure/reliability/reliability-api-management#considerations"""
    ip = azure_native.network.PublicIPAddress(
        scope.child("apim-pip"),
        public_ip_address_name=scope.namer.name(Kind.PUBLIC_IP, "apim"),
        resource_group_name=placement["resource_group_name"],
        location=placement["location"],
        sku=azure_native.network.PublicIPAddressSkuArgs(name="Standard", tier="Regional"),
        public_ip_allocation_method="Static",
        # Zone-redundant, and with a DNS label, as API Management requires of a customer public IP.
        # https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet#prerequisites
        zones=["1", "2", "3"],
        dns_settings=azure_native.network.PublicIPAddressDnsSettingsArgs(
            domain_name_label=scope.namer.name(Kind.API_MANAGEMENT)
        ),
        tags=placement["tags"],
        opts=scope.opts(),
    )
    return ip.id


# --- from the edge config to what only the platform knows -------------------------------------------------------


def backends(
    api_id: str,
    api: ApiConfig,
    app_url: Callable[[str], pulumi.Input[str]],
    model_url: Callable[[str, str], pulumi.Input[str]] | None = None,
) -> tuple[list[BackendSpec], list[BackendPoolSpec]]:
    """The API's single backends (each with the circuit breaker) and, for a pool or a model route of several
    deployments, the pool named ``api_id``."""
    backend = api.backend
    breaker = backend.breaker
    if backend.models is not None:
        if model_url is None:
            raise ValueError(f"api {api_id}: a model route needs the platform's AI services")
        singles = [
            BackendSpec(
                id=api_id if len(backend.models) == 1 else f"{api_id}-{index}",
                url=model_url(member.account, member.deployment),
                circuit_breaker=breaker,
                description=f"{api_id}: {member.account}/{member.deployment}",
            )
            for index, member in enumerate(backend.models)
        ]
        members = [
            PoolMember(backend_id=single.id, priority=member.priority, weight=member.weight)
            for single, member in zip(singles, backend.models, strict=True)
        ]
        pools = (
            [BackendPoolSpec(id=api_id, members=members, description=f"{api_id} model route")]
            if len(members) > 1
            else []
        )
        if backend.embeddings is not None:
            # The semantic cache's embeddings API: the deployment's embeddings operation itself.
            # https://learn.microsoft.com/azure/api-management/azure-openai-enable-semantic-caching
            embeddings = backend.embeddings
            singles.append(
                BackendSpec(
                    id=embeddings_backend_id(api_id),
                    url=pulumi.Output.concat(model_url(embeddings.account, embeddings.deployment), "/embeddings"),
                    circuit_breaker=breaker,
                    description=f"{api_id} semantic cache: {embeddings.account}/{embeddings.deployment}",
                )
            )
        return singles, pools

    def url(app: str | None, fixed: str | None) -> pulumi.Input[str]:
        if app is not None:
            return app_url(app)
        if fixed is None:
            raise ValueError(f"api {api_id}: a backend needs an app or a url")
        return fixed

    if backend.pool is None:
        single = BackendSpec(
            id=api_id, url=url(backend.app, backend.url), circuit_breaker=breaker, description=f"{api_id} backend"
        )
        return [single], []
    singles = [
        BackendSpec(id=f"{api_id}-{index}", url=url(member.app, member.url), circuit_breaker=breaker)
        for index, member in enumerate(backend.pool)
    ]
    members = [
        PoolMember(backend_id=single.id, priority=member.priority, weight=member.weight)
        for single, member in zip(singles, backend.pool, strict=True)
    ]
    return singles, [BackendPoolSpec(id=api_id, members=members, description=f"{api_id} pool")]


def embeddings_backend_id(api_id: str) -> str:
    """The backend entity of a model route's embeddings deployment (its semantic cache's)."""
    return f"{api_id}-embeddings"


def shadow_request(api: ApiConfig, accounts: Mapping[str, AiServices]) -> ShadowRequest | None:
    """The route's shadow traffic to its candidate deployment, as the gateway's identity (None without one)."""
    shadow = api.backend.shadow
    if shadow is None:
        return None
    return ShadowRequest(
        url=f"{accounts[shadow.account].endpoint_url}openai/deployments/{shadow.deployment}",
        percent=shadow.percent,
        client_id=MODEL_AUTH.client_id,
    )


def policy_xml(
    backend_id: str,
    policies: ApiPolicies,
    tenant_id: pulumi.Input[str],
    caching: CachingType,
    *,
    backend_auth: ManagedIdentityAuth | None = None,
    shadow: ShadowRequest | None = None,
    embeddings_backend_id: str | None = None,
) -> pulumi.Output[str]:
    """The API's policy document as XML, once the tenant (the default token issuer) is known."""
    return pulumi.Output.from_input(tenant_id).apply(
        lambda tenant: policies.document(
            backend_id, tenant, caching, backend_auth, shadow, embeddings_backend_id=embeddings_backend_id
        ).to_xml()
    )

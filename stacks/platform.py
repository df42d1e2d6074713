"""The Platform: composes the tiers into one environment from a validated PlatformConfig.

Read top to bottom: foundation -> data -> compute -> edge -> outputs. Each tier is one function in
``azplatform.stacks.tiers``, whose typed inputs name exactly what it takes from the tiers before it.
"""

from __future__ import annotations

from typing import Any

import pulumi

from azplatform.components.api_management import ApiManagement, AppInsightsLink
from azplatform.components.budget import Budget
from azplatform.components.private_network import SubnetRole
from azplatform.plan.environments import traits
from azplatform.stacks.config import PlatformConfig
from azplatform.stacks.reference import platform_exports
from azplatform.stacks.tiers.ai import AiInputs, AiTier, build_ai
from azplatform.stacks.tiers.compute import Compute, ComputeInputs, build_compute
from azplatform.stacks.tiers.cost import CostInputs, build_cost
from azplatform.stacks.tiers.data import Data, DataInputs, build_data
from azplatform.stacks.tiers.edge import Edge, EdgeInputs, build_edge
from azplatform.stacks.tiers.foundation import Foundation, build_foundation
from azplatform.stacks.tiers.postgres import PostgresInputs, PostgresResult, build_postgres
from azplatform.stacks.tiers.scope import TierScope
from azplatform.stacks.tiers.servicebus import ServiceBusInputs, ServiceBusTier, build_servicebus

TYPE_TOKEN = "azplatform:index:Platform"


def platform_tags(config: PlatformConfig) -> dict[str, str]:
    """The tags every taggable resource carries: the stack's own plus the platform's."""
    return {**config.tags, "environment": config.environment, "platform": "azplatform", "managedBy": "pulumi"}


class Platform(pulumi.ComponentResource):
    """One environment of the platform: network, observability, Key Vault, data, compute and edge, all private
    behind the single public entry point."""

    foundation: Foundation
    """Resource group, observability, network and Key Vault (``platform.foundation.key_vault``)."""
    data: Data
    """Redis, Cosmos DB and the action group."""
    compute: Compute
    """The Container Apps environment, the registry, the apps, jobs and their identities."""
    edge: Edge
    """API Management (or None) and the Application Gateway."""
    servicebus: ServiceBusTier
    """The Service Bus namespace, its queues and topics, and how apps get access to it."""
    ai: AiTier
    """The AI gateway's model accounts and their deployments (none without ``aiServices``)."""
    postgres: PostgresResult
    """The PostgreSQL server, its administrator identity and the database-roles job (all None without one)."""
    budget: Budget | None
    """The stack's monthly budget (None when the stack file switches it off)."""
    outputs: dict[str, Any]
    """The stack outputs, by exported name: the outputs contract (``stacks.reference``)."""

    def __init__(self, name: str, config: PlatformConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.config = config
        scope = TierScope(
            parent=self,
            name=name,
            namer=config.namer,
            location=config.location,
            tags=platform_tags(config),
            environment=traits(config.environment),
        )

        self.foundation = foundation = build_foundation(scope, config)
        subnet_ids = foundation.subnet_ids

        self.data = data = build_data(
            scope,
            config,
            DataInputs(
                placement=foundation.placement,
                workspace_id=foundation.workspace_id,
                private_endpoint=foundation.private_endpoint,
                key_vault=foundation.key_vault,
            ),
        )

        self.servicebus = servicebus = build_servicebus(
            ServiceBusInputs(
                name=name,
                config=config,
                **foundation.placement,
                private_endpoint=foundation.private_endpoint("namespace"),
                workspace_id=foundation.workspace_id,
                action_group_id=data.action_group.id,
                parent=self,
            )
        )

        self.ai = ai = build_ai(
            scope,
            config,
            AiInputs(
                placement=foundation.placement,
                workspace_id=foundation.workspace_id,
                private_endpoint=foundation.private_endpoint,
            ),
        )

        self.compute = compute = build_compute(
            scope,
            config,
            ComputeInputs(
                placement=foundation.placement,
                workspace_id=foundation.workspace_id,
                vnet_id=foundation.network.id,
                apps_subnet_id=subnet_ids[SubnetRole.CONTAINER_APPS.value],
                environment_after=(foundation.network, foundation.observability),
                private_endpoint=foundation.private_endpoint,
                key_vault=foundation.key_vault,
                redis=data.redis,
                cosmos=data.cosmos,
                service_bus=servicebus,
            ),
        )

        self.edge = edge = build_edge(
            scope,
            config,
            EdgeInputs(
                placement=foundation.placement,
                workspace_id=foundation.workspace_id,
                tenant_id=foundation.tenant_id,
                key_vault=foundation.key_vault,
                app_insights=AppInsightsLink(
                    id=foundation.observability.app_insights_id,
                    connection_string=foundation.observability.app_insights_connection_string,
                ),
                gateway_subnet_id=subnet_ids[SubnetRole.GATEWAY.value],
                apim_subnet_id=subnet_ids[SubnetRole.APIM.value],
                apim_dns_zone_name=foundation.apim_dns_zone_name,
                apim_dns_zone_id=foundation.apim_dns_zone_id,
                apps_default_domain=compute.container_apps.default_domain,
                ai_accounts=ai.accounts,
                redis=data.redis,
            ),
        )

        self.postgres = postgres = build_postgres(
            scope,
            config,
            PostgresInputs(
                placement=foundation.placement,
                tenant_id=foundation.tenant_id,
                private_endpoint=foundation.private_endpoint("postgresqlServer"),
                workspace_id=foundation.workspace_id,
                action_group=data.action_group,
                container_apps_environment_id=compute.container_apps.id,
                app_identities=compute.identities,
            ),
        )

        self.budget = build_cost(
            scope,
            config,
            CostInputs(resource_group_id=foundation.resource_group.id, action_group_id=data.action_group.id),
        )

        self.outputs = _outputs(
            config, foundation, data, compute, edge, postgres=postgres, servicebus=servicebus, ai=ai
        )
        self.register_outputs({})


def _ai_routes(config: PlatformConfig, apim: ApiManagement | None) -> dict[str, pulumi.Output[str]]:
    """The model routes' URLs on the gateway, by API id."""
    if apim is None or config.apim is None:
        return {}
    return {
        api_id: pulumi.Output.concat(apim.gateway_url, "/", api.path)
        for api_id, api in config.apim.apis.items()
        if api.backend.models is not None
    }


def _outputs(
    config: PlatformConfig,
    foundation: Foundation,
    data: Data,
    compute: Compute,
    edge: Edge,
    *,
    postgres: PostgresResult,
    servicebus: ServiceBusTier,
    ai: AiTier,
) -> dict[str, Any]:
    """The stack outputs contract (``stacks.reference``) from the tiers' results."""
    apim = edge.api_management
    return platform_exports(
        resource_group_name=foundation.placement["resource_group_name"],
        vnet_id=foundation.network.id,
        subnet_ids=foundation.subnet_ids,
        private_dns_zone_ids=foundation.network.dns_zone_ids,
        key_vault_uri=foundation.key_vault.vault_uri,
        key_vault_id=foundation.key_vault.id,
        log_analytics_workspace_id=foundation.workspace_id,
        app_insights_connection_string=foundation.observability.app_insights_connection_string,
        container_apps_environment_id=compute.container_apps.id,
        container_apps_default_domain=compute.container_apps.default_domain,
        container_apps_static_ip=compute.container_apps.static_ip,
        registry_login_server=compute.registry.login_server,
        registry_id=compute.registry.id,
        app_fqdns={key: app.fqdn for key, app in compute.apps.items() if app.fqdn is not None},
        redis_host_name=data.redis.host_name,
        cosmos_endpoint=data.cosmos.endpoint,
        gateway_url=pulumi.Output.from_input(f"https://{config.app_gateway.host_name}"),
        gateway_public_ip=edge.application_gateway.public_ip_address,
        apim_name=apim.name if apim else None,
        apim_gateway_url=apim.gateway_url if apim else None,
        postgres_host=postgres.host,
        postgres_roles_job=postgres.principals.name if postgres.principals is not None else None,
        post_deploy_jobs=pulumi.Output.all(*([postgres.principals.name] if postgres.principals is not None else [])),
        service_bus_namespace=servicebus.host_name,
        ai_services_endpoints={key: account.endpoint for key, account in ai.accounts.items()},
        ai_routes=_ai_routes(config, apim),
    )

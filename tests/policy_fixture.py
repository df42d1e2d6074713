"""An everything-on, compliant prod estate built with the real azure-native SDK, for the policy tests.

The rules are written against resources other branches add (Container Apps, Managed Redis, Cosmos DB, App
Gateway + WAF policy, API Management). Rendering this program through the offline harness gives the rule tests
the exact wire shapes the SDK sends (camelCase names, nesting, enum strings) rather than hand-typed dictionaries.
Every rule must pass on it in prod; each rule's violating case mutates one of its resources.
"""

from __future__ import annotations

import pulumi
import pulumi_azure_native as az

from azplatform.components.records.offline import SUBSCRIPTION_ID
from azplatform.stacks.offline import Plan, render

RG = "rg-fx-prod"
LOCATION = "westeurope"
TAGS = {"environment": "prod", "owner": "platform-team", "costCenter": "cc-1234", "managedBy": "pulumi"}
ZONES = ["1", "2", "3"]
AGW_NAME = "agw-fx-prod"
AGW_ID = (
    f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RG}/providers/Microsoft.Network/applicationGateways/{AGW_NAME}"
)

_APIM_OFF = {
    f"Microsoft.WindowsAzure.ApiManagement.Gateway.Security.{side}Protocols.{protocol}": "False"
    for side in ("", "Backend.")
    for protocol in ("Tls10", "Tls11", "Ssl30")
} | {"Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168": "False"}


def _opts(parent: pulumi.Resource | None = None, protect: bool = False) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, protect=protect)


def _diag(name: str, target: pulumi.CustomResource, workspace: az.operationalinsights.Workspace) -> None:
    az.monitor.DiagnosticSetting(
        f"{name}-diag",
        name="diag-to-log-analytics",
        resource_uri=target.id,
        workspace_id=workspace.id,
        logs=[az.monitor.DiagnosticsLogSettingsArgs(category_group="allLogs", enabled=True)],
        metrics=[az.monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)],
    )


def _lock(name: str, target: pulumi.CustomResource) -> None:
    az.authorization.ManagementLockByScope(
        f"{name}-lock", scope=target.id, level="CanNotDelete", lock_name=f"lock-{name}", notes="stateful"
    )


def _data_store(
    name: str,
    store: pulumi.CustomResource,
    group: str,
    *,
    zones: dict[str, az.privatedns.PrivateZone],
    subnet_id: pulumi.Input[str],
    workspace: az.operationalinsights.Workspace,
    logs_from: tuple[str, pulumi.CustomResource] | None = None,
) -> None:
    """What every compliant data store gets: a private endpoint in its zone, diagnostics (from ``logs_from`` when
    another resource emits the logs) and a CanNotDelete lock."""
    _endpoint(name, store, group, zones[group], subnet_id)
    _diag(*(logs_from or (name, store)), workspace)
    _lock(name, store)


def _endpoint(
    name: str, target: pulumi.CustomResource, group: str, zone: az.privatedns.PrivateZone, subnet_id: pulumi.Input[str]
) -> None:
    endpoint = az.network.PrivateEndpoint(
        f"{name}-pep",
        private_endpoint_name=f"pep-{name}",
        resource_group_name=RG,
        location=LOCATION,
        subnet=az.network.SubnetArgs(id=subnet_id),
        private_link_service_connections=[
            az.network.PrivateLinkServiceConnectionArgs(
                name=f"pep-{name}", private_link_service_id=target.id, group_ids=[group]
            )
        ],
        tags=TAGS,
    )
    az.network.PrivateDnsZoneGroup(
        f"{name}-pep-dns",
        private_dns_zone_group_name="default",
        private_endpoint_name=endpoint.name,
        resource_group_name=RG,
        private_dns_zone_configs=[az.network.PrivateDnsZoneConfigArgs(name="default", private_dns_zone_id=zone.id)],
    )


def _nsg_rule(name: str, priority: int, source: str, port: str, access: str = "Allow") -> az.network.SecurityRuleArgs:
    return az.network.SecurityRuleArgs(
        name=name,
        priority=priority,
        direction="Inbound",
        access=access,
        protocol="Tcp" if access == "Allow" else "*",
        source_address_prefix=source,
        source_port_range="*",
        destination_address_prefix="*",
        destination_port_range=port,
    )


def program() -> None:
    """Declare the estate (no components: the policy sees only azure-native resources)."""
    rg = az.resources.ResourceGroup(
        "rg", resource_group_name=RG, location=LOCATION, tags=TAGS, opts=_opts(protect=True)
    )
    az.consumption.Budget(
        "budget",
        budget_name="budget-fx-prod",
        scope=rg.id,
        amount=1_000_000,
        category="Cost",
        time_grain="Monthly",
        time_period=az.consumption.BudgetTimePeriodArgs(start_date="2026-12-01T00:00:00Z"),
        notifications={
            kind.lower(): az.consumption.NotificationArgs(
                enabled=True,
                operator="GreaterThan",
                threshold=100,
                threshold_type=kind,
                contact_emails=["platform-team@example.com"],
            )
            for kind in ("Actual", "Forecasted")
        },
    )
    workspace = az.operationalinsights.Workspace(
        "log",
        workspace_name="log-fx-prod",
        resource_group_name=RG,
        location=LOCATION,
        sku=az.operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
        retention_in_days=90,
        features=az.operationalinsights.WorkspaceFeaturesArgs(disable_local_auth=True),
        tags=TAGS,
        opts=_opts(protect=True),
    )
    _diag("log", workspace, workspace)
    _lock("log", workspace)
    appi = az.applicationinsights.Component(
        "appi",
        resource_name_="appi-fx-prod",
        resource_group_name=RG,
        location=LOCATION,
        kind="web",
        application_type="web",
        workspace_resource_id=workspace.id,
        disable_local_auth=True,
        tags=TAGS,
    )
    _diag("appi", appi, workspace)

    nsg_gateway = az.network.NetworkSecurityGroup(
        "nsg-agw",
        network_security_group_name="nsg-fx-agw",
        resource_group_name=RG,
        location=LOCATION,
        security_rules=[
            _nsg_rule("allow-https-from-internet", 100, "Internet", "443"),
            _nsg_rule("allow-http-from-internet", 110, "Internet", "80"),
            _nsg_rule("allow-gateway-manager", 120, "GatewayManager", "65200-65535"),
        ],
        tags=TAGS,
    )
    nsg_private = az.network.NetworkSecurityGroup(
        "nsg-private",
        network_security_group_name="nsg-fx-private",
        resource_group_name=RG,
        location=LOCATION,
        security_rules=[
            _nsg_rule("allow-https-from-vnet", 100, "VirtualNetwork", "443"),
            _nsg_rule("deny-internet", 4000, "Internet", "*", access="Deny"),
        ],
        tags=TAGS,
    )
    _diag("nsg-agw", nsg_gateway, workspace)
    _diag("nsg-private", nsg_private, workspace)
    subnets = {"agw": ("10.0.0.0/24", nsg_gateway), "apim": ("10.0.1.0/27", nsg_private)}
    subnets |= {"aca": ("10.0.2.0/23", nsg_private), "pep": ("10.0.4.0/27", nsg_private)}
    vnet = az.network.VirtualNetwork(
        "vnet",
        virtual_network_name="vnet-fx-prod",
        resource_group_name=RG,
        location=LOCATION,
        address_space=az.network.AddressSpaceArgs(address_prefixes=["10.0.0.0/16"]),
        subnets=[
            az.network.SubnetArgs(
                name=f"snet-{key}",
                address_prefix=cidr,
                network_security_group=az.network.NetworkSecurityGroupArgs(id=nsg.id),
            )
            for key, (cidr, nsg) in subnets.items()
        ],
        tags=TAGS,
    )
    _diag("vnet", vnet, workspace)
    # Flow logs: a storage account only trusted services reach, written by the flow log's identity.
    flow_identity = az.managedidentity.UserAssignedIdentity(
        "id-flow", resource_name_="id-fx-flow", resource_group_name=RG, location=LOCATION, tags=TAGS
    )
    flow_store = az.storage.StorageAccount(
        "st-flow",
        account_name="stfxflowprod",
        resource_group_name=RG,
        location=LOCATION,
        kind="StorageV2",
        sku=az.storage.SkuArgs(name="Standard_LRS"),
        minimum_tls_version="TLS1_2",
        allow_blob_public_access=False,
        allow_shared_key_access=False,
        public_network_access="Enabled",
        network_rule_set=az.storage.NetworkRuleSetArgs(default_action="Deny", bypass="AzureServices"),
        tags=TAGS,
        opts=pulumi.ResourceOptions(protect=True),
    )
    _lock("st-flow", flow_store)
    az.network.FlowLog(
        "flow",
        flow_log_name="fl-vnet-fx-prod",
        network_watcher_name="NetworkWatcher_westeurope",
        resource_group_name="NetworkWatcherRG",
        location=LOCATION,
        target_resource_id=vnet.id,
        storage_id=flow_store.id,
        enabled=True,
        identity=az.network.ManagedServiceIdentityArgs(
            type="UserAssigned", user_assigned_identities=[flow_identity.id]
        ),
        flow_analytics_configuration=az.network.TrafficAnalyticsPropertiesArgs(
            network_watcher_flow_analytics_configuration=az.network.TrafficAnalyticsConfigurationPropertiesArgs(
                enabled=True, traffic_analytics_interval=60, workspace_resource_id=workspace.id
            )
        ),
        tags=TAGS,
    )
    subnet = {key: vnet.id.apply(lambda vid, k=key: f"{vid}/subnets/snet-{k}") for key in subnets}
    zones = {
        group: az.privatedns.PrivateZone(
            f"zone-{group}", private_zone_name=zone, resource_group_name=RG, location="global", tags=TAGS
        )
        for group, zone in {
            "vault": "privatelink.vaultcore.azure.net",
            "registry": "privatelink.azurecr.io",
            "Sql": "privatelink.documents.azure.com",
            "redisEnterprise": "privatelink.redis.azure.net",
        }.items()
    }
    identity = az.managedidentity.UserAssignedIdentity(
        "id-app", resource_name_="id-fx-app", resource_group_name=RG, location=LOCATION, tags=TAGS
    )

    vault = az.keyvault.Vault(
        "kv",
        vault_name="kv-fx-prod",
        resource_group_name=RG,
        location=LOCATION,
        properties=az.keyvault.VaultPropertiesArgs(
            tenant_id="00000000-0000-4000-8000-0000000000aa",
            sku=az.keyvault.SkuArgs(family="A", name="premium"),
            enable_rbac_authorization=True,
            enable_soft_delete=True,
            soft_delete_retention_in_days=90,
            enable_purge_protection=True,
            public_network_access="Disabled",
            network_acls=az.keyvault.NetworkRuleSetArgs(default_action="Deny", bypass="None"),
        ),
        tags=TAGS,
        opts=_opts(protect=True),
    )
    _data_store("kv", vault, "vault", zones=zones, subnet_id=subnet["pep"], workspace=workspace)

    registry = az.containerregistry.Registry(
        "cr",
        registry_name="crfxprod",
        resource_group_name=RG,
        location=LOCATION,
        sku=az.containerregistry.SkuArgs(name="Premium"),
        admin_user_enabled=False,
        anonymous_pull_enabled=False,
        public_network_access="Disabled",
        zone_redundancy="Enabled",
        tags=TAGS,
        opts=_opts(protect=True),
    )
    _data_store("cr", registry, "registry", zones=zones, subnet_id=subnet["pep"], workspace=workspace)

    cosmos = az.cosmosdb.DatabaseAccount(
        "cosmos",
        account_name="cosno-fx-prod",
        resource_group_name=RG,
        location=LOCATION,
        database_account_offer_type="Standard",
        locations=[az.cosmosdb.LocationArgs(location_name=LOCATION, failover_priority=0, is_zone_redundant=True)],
        disable_local_auth=True,
        disable_key_based_metadata_write_access=True,
        public_network_access="Disabled",
        minimal_tls_version="Tls12",
        backup_policy=az.cosmosdb.ContinuousModeBackupPolicyArgs(type="Continuous"),
        tags=TAGS,
        opts=_opts(protect=True),
    )
    _data_store("cosmos", cosmos, "Sql", zones=zones, subnet_id=subnet["pep"], workspace=workspace)

    redis = az.redisenterprise.RedisEnterprise(
        "redis",
        cluster_name="amr-fx-prod",
        resource_group_name=RG,
        location=LOCATION,
        sku=az.redisenterprise.SkuArgs(name="Balanced_B1"),
        public_network_access="Disabled",
        minimum_tls_version="1.2",
        high_availability="Enabled",
        tags=TAGS,
        opts=_opts(protect=True),
    )
    redis_db = az.redisenterprise.Database(
        "redis-db",
        cluster_name=redis.name,
        database_name="default",
        resource_group_name=RG,
        client_protocol="Encrypted",
        access_keys_authentication="Disabled",
        clustering_policy="EnterpriseCluster",
        port=10000,
    )
    _data_store(
        "redis",
        redis,
        "redisEnterprise",
        zones=zones,
        subnet_id=subnet["pep"],
        workspace=workspace,
        logs_from=("redis-db", redis_db),
    )

    environment = az.app.ManagedEnvironment(
        "cae",
        environment_name="cae-fx-prod",
        resource_group_name=RG,
        location=LOCATION,
        vnet_configuration=az.app.VnetConfigurationArgs(internal=True, infrastructure_subnet_id=subnet["aca"]),
        app_logs_configuration=az.app.AppLogsConfigurationArgs(destination="azure-monitor"),
        workload_profiles=[az.app.WorkloadProfileArgs(name="Consumption", workload_profile_type="Consumption")],
        zone_redundant=True,
        tags=TAGS,
    )
    _diag("cae", environment, workspace)
    az.app.ContainerApp(
        "ca-api",
        container_app_name="ca-fx-api-prod",
        resource_group_name=RG,
        location=LOCATION,
        managed_environment_id=environment.id,
        identity=az.app.ManagedServiceIdentityArgs(type="UserAssigned", user_assigned_identities=[identity.id]),
        configuration=az.app.ConfigurationArgs(
            ingress=az.app.IngressArgs(external=True, target_port=8080, allow_insecure=False),
            secrets=[
                az.app.SecretArgs(
                    name="redis-password",
                    key_vault_url="https://kv-fx-prod.vault.azure.net/secrets/redis-password",
                    identity=identity.id,
                )
            ],
            registries=[az.app.RegistryCredentialsArgs(server="crfxprod.azurecr.io", identity=identity.id)],
        ),
        template=az.app.TemplateArgs(
            containers=[
                az.app.ContainerArgs(
                    name="api",
                    image="crfxprod.azurecr.io/api:1.0.0",
                    env=[
                        az.app.EnvironmentVarArgs(name="REDIS_PASSWORD", secret_ref="redis-password"),
                        az.app.EnvironmentVarArgs(name="LOG_LEVEL", value="info"),
                    ],
                )
            ]
        ),
        tags=TAGS,
    )

    public_ip = az.network.PublicIPAddress(
        "pip",
        public_ip_address_name="pip-fx-agw",
        resource_group_name=RG,
        location=LOCATION,
        sku=az.network.PublicIPAddressSkuArgs(name="Standard"),
        public_ip_allocation_method="Static",
        zones=ZONES,
        tags=TAGS,
    )
    _diag("pip", public_ip, workspace)
    waf = az.network.WebApplicationFirewallPolicy(
        "waf",
        policy_name="wafFxProd",
        resource_group_name=RG,
        location=LOCATION,
        policy_settings=az.network.PolicySettingsArgs(state="Enabled", mode="Prevention", request_body_check=True),
        managed_rules=az.network.ManagedRulesDefinitionArgs(
            managed_rule_sets=[
                az.network.ManagedRuleSetArgs(rule_set_type="OWASP", rule_set_version="3.2"),
                az.network.ManagedRuleSetArgs(rule_set_type="Microsoft_BotManagerRuleSet", rule_set_version="1.1"),
            ]
        ),
        tags=TAGS,
    )

    def sub(kind: str, name: str) -> az.network.SubResourceArgs:
        return az.network.SubResourceArgs(id=f"{AGW_ID}/{kind}/{name}")

    gateway = az.network.ApplicationGateway(
        "agw",
        application_gateway_name=AGW_NAME,
        resource_group_name=RG,
        location=LOCATION,
        sku=az.network.ApplicationGatewaySkuArgs(name="WAF_v2", tier="WAF_v2"),
        autoscale_configuration=az.network.ApplicationGatewayAutoscaleConfigurationArgs(
            min_capacity=2, max_capacity=10
        ),
        zones=ZONES,
        identity=az.network.ManagedServiceIdentityArgs(type="UserAssigned", user_assigned_identities=[identity.id]),
        firewall_policy=az.network.SubResourceArgs(id=waf.id),
        ssl_policy=az.network.ApplicationGatewaySslPolicyArgs(
            policy_type="Predefined", policy_name="AppGwSslPolicy20220101S"
        ),
        gateway_ip_configurations=[
            az.network.ApplicationGatewayIPConfigurationArgs(
                name="gateway", subnet=az.network.SubResourceArgs(id=subnet["agw"])
            )
        ],
        frontend_ip_configurations=[
            az.network.ApplicationGatewayFrontendIPConfigurationArgs(
                name="public", public_ip_address=az.network.SubResourceArgs(id=public_ip.id)
            )
        ],
        frontend_ports=[
            az.network.ApplicationGatewayFrontendPortArgs(name="https", port=443),
            az.network.ApplicationGatewayFrontendPortArgs(name="http", port=80),
        ],
        ssl_certificates=[
            az.network.ApplicationGatewaySslCertificateArgs(
                name="tls", key_vault_secret_id="https://kv-fx-prod.vault.azure.net/secrets/tls"
            )
        ],
        http_listeners=[
            az.network.ApplicationGatewayHttpListenerArgs(
                name="https",
                protocol="Https",
                frontend_ip_configuration=sub("frontendIPConfigurations", "public"),
                frontend_port=sub("frontendPorts", "https"),
                ssl_certificate=sub("sslCertificates", "tls"),
            ),
            az.network.ApplicationGatewayHttpListenerArgs(
                name="http",
                protocol="Http",
                frontend_ip_configuration=sub("frontendIPConfigurations", "public"),
                frontend_port=sub("frontendPorts", "http"),
            ),
        ],
        backend_address_pools=[
            az.network.ApplicationGatewayBackendAddressPoolArgs(
                name="apim", backend_addresses=[az.network.ApplicationGatewayBackendAddressArgs(fqdn="apim.internal")]
            )
        ],
        backend_http_settings_collection=[
            az.network.ApplicationGatewayBackendHttpSettingsArgs(name="apim", port=443, protocol="Https")
        ],
        redirect_configurations=[
            az.network.ApplicationGatewayRedirectConfigurationArgs(
                name="to-https", redirect_type="Permanent", target_listener=sub("httpListeners", "https")
            )
        ],
        request_routing_rules=[
            az.network.ApplicationGatewayRequestRoutingRuleArgs(
                name="https",
                priority=100,
                rule_type="Basic",
                http_listener=sub("httpListeners", "https"),
                backend_address_pool=sub("backendAddressPools", "apim"),
                backend_http_settings=sub("backendHttpSettingsCollection", "apim"),
            ),
            az.network.ApplicationGatewayRequestRoutingRuleArgs(
                name="http",
                priority=200,
                rule_type="Basic",
                http_listener=sub("httpListeners", "http"),
                redirect_configuration=sub("redirectConfigurations", "to-https"),
            ),
        ],
        tags=TAGS,
    )
    _diag("agw", gateway, workspace)

    apim = az.apimanagement.ApiManagementService(
        "apim",
        service_name="apim-fx-prod",
        resource_group_name=RG,
        location=LOCATION,
        sku=az.apimanagement.ApiManagementServiceSkuPropertiesArgs(name="Premium", capacity=3),
        zones=ZONES,
        publisher_email="platform@example.com",
        publisher_name="Platform",
        virtual_network_type="Internal",
        virtual_network_configuration=az.apimanagement.VirtualNetworkConfigurationArgs(
            subnet_resource_id=subnet["apim"]
        ),
        identity=az.apimanagement.ApiManagementServiceIdentityArgs(type="SystemAssigned"),
        custom_properties=_APIM_OFF,
        tags=TAGS,
    )
    _diag("apim", apim, workspace)


def render_fixture() -> Plan:
    """The estate as a prod plan."""
    return render(program, project="azplatform", stack="prod", config={"azure-native:location": LOCATION})

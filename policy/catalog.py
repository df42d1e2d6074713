"""Azure facts the rules share: type tokens, which types hold data, emit logs, take tags, and their Private Link
zones. Kept in one place so that a new resource type is taught to every rule at once."""

from __future__ import annotations

# --- type tokens (pulumi-azure-native v3) ------------------------------------------------------------------
RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
VIRTUAL_NETWORK = "azure-native:network:VirtualNetwork"
SUBNET = "azure-native:network:Subnet"
NSG = "azure-native:network:NetworkSecurityGroup"
SECURITY_RULE = "azure-native:network:SecurityRule"
PUBLIC_IP = "azure-native:network:PublicIPAddress"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
PRIVATE_DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
APPLICATION_GATEWAY = "azure-native:network:ApplicationGateway"
# ARM type Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies
WAF_POLICY = "azure-native:network:WebApplicationFirewallPolicy"
PRIVATE_DNS_ZONE = "azure-native:privatedns:PrivateZone"
VNET_LINK = "azure-native:privatedns:VirtualNetworkLink"
KEY_VAULT = "azure-native:keyvault:Vault"
LOG_ANALYTICS = "azure-native:operationalinsights:Workspace"
APP_INSIGHTS = "azure-native:applicationinsights:Component"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
ACTION_GROUP = "azure-native:monitor:ActionGroup"
METRIC_ALERT = "azure-native:monitor:MetricAlert"
LOCK = "azure-native:authorization:ManagementLockByScope"
USER_IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
CONTAINER_APPS_ENVIRONMENT = "azure-native:app:ManagedEnvironment"
CONTAINER_APP = "azure-native:app:ContainerApp"
CONTAINER_APP_JOB = "azure-native:app:Job"
REGISTRY = "azure-native:containerregistry:Registry"
REDIS_CLUSTER = "azure-native:redisenterprise:RedisEnterprise"
REDIS_DATABASE = "azure-native:redisenterprise:Database"
COSMOS_ACCOUNT = "azure-native:cosmosdb:DatabaseAccount"
APIM = "azure-native:apimanagement:ApiManagementService"

# Data stores: private endpoint + DNS zone group required, CanNotDelete lock in prod. Value: the Private Link
# group id and its privatelink zone (https://learn.microsoft.com/azure/private-link/private-endpoint-dns).
DATA_STORES: dict[str, tuple[str, str]] = {
    KEY_VAULT: ("vault", "privatelink.vaultcore.azure.net"),
    REGISTRY: ("registry", "privatelink.azurecr.io"),
    COSMOS_ACCOUNT: ("Sql", "privatelink.documents.azure.com"),
    # Azure Managed Redis: https://learn.microsoft.com/azure/redis/private-link
    REDIS_CLUSTER: ("redisEnterprise", "privatelink.redis.azure.net"),
}

# Stateful resources: ``protect`` in prod. The audit trail (Log Analytics) counts; so does the resource group,
# whose deletion takes everything in it.
STATEFUL: frozenset[str] = frozenset({*DATA_STORES, LOG_ANALYTICS, RESOURCE_GROUP})
# Locked (CanNotDelete) in prod: the stateful resources but the resource group, whose lock would also block
# deleting or replacing anything inside it during a normal update.
LOCKED_IN_PROD: frozenset[str] = STATEFUL - {RESOURCE_GROUP}

# Types that emit resource logs, so each needs a diagnostic setting into the workspace (LT-3). Sources: the
# "Supported logs" pages of https://learn.microsoft.com/azure/azure-monitor/reference/logs-index . Types with
# metrics only (private DNS zones, private endpoints, container apps, whose console and system logs flow through
# their environment) are out of scope; Azure Managed Redis logs ConnectionEvents on the database, not the cluster.
EMITS_LOGS: frozenset[str] = frozenset(
    {
        KEY_VAULT,
        LOG_ANALYTICS,
        APP_INSIGHTS,
        VIRTUAL_NETWORK,
        NSG,
        PUBLIC_IP,
        APPLICATION_GATEWAY,
        APIM,
        CONTAINER_APPS_ENVIRONMENT,
        REGISTRY,
        REDIS_DATABASE,
        COSMOS_ACCOUNT,
    }
)

# Types whose ARM resource accepts tags (checked against the installed SDK by tests/test_policy_rules.py).
TAGGABLE: frozenset[str] = frozenset(
    {
        RESOURCE_GROUP,
        VIRTUAL_NETWORK,
        NSG,
        PUBLIC_IP,
        PRIVATE_ENDPOINT,
        APPLICATION_GATEWAY,
        WAF_POLICY,
        PRIVATE_DNS_ZONE,
        VNET_LINK,
        KEY_VAULT,
        LOG_ANALYTICS,
        APP_INSIGHTS,
        ACTION_GROUP,
        METRIC_ALERT,
        USER_IDENTITY,
        CONTAINER_APPS_ENVIRONMENT,
        CONTAINER_APP,
        CONTAINER_APP_JOB,
        REGISTRY,
        REDIS_CLUSTER,
        COSMOS_ACCOUNT,
        APIM,
    }
)

# Workloads and gateways that authenticate to other services and so need a managed identity (IM-3).
NEEDS_IDENTITY: frozenset[str] = frozenset({CONTAINER_APP, CONTAINER_APP_JOB, APIM, APPLICATION_GATEWAY})

# Subnets Azure forbids (or manages) NSGs on.
# https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub
# https://learn.microsoft.com/azure/firewall/firewall-faq#are-network-security-groups--nsgs--supported-on-the-azurefirewallsubnet
NSG_EXEMPT_SUBNETS: frozenset[str] = frozenset(
    {"GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"}
)

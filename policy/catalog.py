"""Azure facts the rules share: type tokens, and which types hold data, emit logs, take tags, and their Private Link
zones, read from the type records (azplatform.components.records) so that a new resource type is taught to every
rule at once."""

from __future__ import annotations

from azplatform.components.records import RECORDS, Telemetry, compute, data, edge, foundation, network

# --- type tokens (pulumi-azure-native v3), as the records name them --------------------------------------------
RESOURCE_GROUP = foundation.RESOURCE_GROUP
VIRTUAL_NETWORK = network.VIRTUAL_NETWORK
SUBNET = network.SUBNET
NSG = network.NSG
SECURITY_RULE = network.SECURITY_RULE
PUBLIC_IP = edge.PUBLIC_IP
PRIVATE_ENDPOINT = network.PRIVATE_ENDPOINT
PRIVATE_DNS_ZONE_GROUP = network.PRIVATE_DNS_ZONE_GROUP
APPLICATION_GATEWAY = edge.APPLICATION_GATEWAY
WAF_POLICY = edge.WAF_POLICY
PRIVATE_DNS_ZONE = network.PRIVATE_DNS_ZONE
VNET_LINK = network.VNET_LINK
KEY_VAULT = data.KEY_VAULT
LOG_ANALYTICS = foundation.WORKSPACE
APP_INSIGHTS = foundation.APP_INSIGHTS
DIAGNOSTIC_SETTING = foundation.DIAGNOSTIC_SETTING
ACTION_GROUP = foundation.ACTION_GROUP
METRIC_ALERT = foundation.METRIC_ALERT
LOCK = foundation.LOCK
USER_IDENTITY = foundation.IDENTITY
CONTAINER_APPS_ENVIRONMENT = compute.MANAGED_ENVIRONMENT
CONTAINER_APP = compute.CONTAINER_APP
CONTAINER_APP_JOB = compute.JOB
REGISTRY = data.REGISTRY
REDIS_CLUSTER = data.REDIS_CLUSTER
REDIS_DATABASE = data.REDIS_DATABASE
COSMOS_ACCOUNT = data.COSMOS_ACCOUNT
APIM = edge.APIM

# Data stores (the stateful Private Link targets): private endpoint + DNS zone group required, CanNotDelete lock in
# prod. Value: the Private Link group id and its privatelink zone. (The Container Apps environment takes an endpoint
# only in private-endpoint mode; AZP-ACA-001 checks it there.)
DATA_STORES: dict[str, tuple[str, str]] = {
    token: (r.private_link.group_id, r.private_link.zone)
    for token, r in RECORDS.items()
    if r.private_link is not None and r.stateful
}

# Stateful resources: ``protect`` in prod. The top-level types that hold data (a child's data goes with its parent,
# whose protection covers it): the data stores, the audit trail (Log Analytics) and the resource group, whose
# deletion takes everything in it.
STATEFUL: frozenset[str] = frozenset(token for token, r in RECORDS.items() if r.stateful and r.parent is None)
# Locked (CanNotDelete) in prod: the stateful resources but the resource group, whose lock would also block
# deleting or replacing anything inside it during a normal update.
LOCKED_IN_PROD: frozenset[str] = STATEFUL - {RESOURCE_GROUP}

# Types that emit resource logs, so each needs a diagnostic setting into the workspace (LT-3).
EMITS_LOGS: frozenset[str] = frozenset(token for token, r in RECORDS.items() if r.telemetry is Telemetry.LOGS)

# Types whose ARM resource accepts tags.
TAGGABLE: frozenset[str] = frozenset(token for token, r in RECORDS.items() if r.taggable)

# Workloads and gateways that authenticate to other services and so need a managed identity (IM-3).
NEEDS_IDENTITY: frozenset[str] = frozenset({CONTAINER_APP, CONTAINER_APP_JOB, APIM, APPLICATION_GATEWAY})

# Subnets Azure forbids (or manages) NSGs on.
# https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub
# https://learn.microsoft.com/azure/firewall/firewall-faq#are-network-security-groups--nsgs--supported-on-the-azurefirewallsubnet
NSG_EXEMPT_SUBNETS: frozenset[str] = frozenset(
    {"GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"}
)

"""Virtual network flow logs (``Microsoft.Network/networkWatchers/flowLogs``): every flow through the VNet, kept in a
storage account and analysed in the Log Analytics workspace (traffic analytics), with no storage key anywhere.

What Azure requires (https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview): a flow log is a
child of the region's Network Watcher (Azure creates ``NetworkWatcher_<region>`` in ``NetworkWatcherRG`` with the
first VNet of a subscription in a region), it lives in the watcher's region and resource group, and it writes to a
storage account in the same region. The flow log authenticates to the account as a user-assigned identity with
Storage Blob Data Contributor (https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-managed-identity),
so the account's shared keys stay off. Network Watcher is one of the trusted services a storage firewall lets in
(https://learn.microsoft.com/azure/storage/common/storage-network-security#trusted-access-for-resources-registered-in-your-subscription):
the account denies every network and keeps the trusted-services bypass.
"""

from __future__ import annotations

from typing import Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field

from azplatform.components.args import Args, Input
from azplatform.components.identity import component_identity
from azplatform.components.interfaces import CommonArgs, apply_interfaces
from azplatform.components.naming import Kind, Namer, NameRule, name_check
from azplatform.components.private_network import resource_id_of
from azplatform.components.rbac import RoleCatalogue, assign_role
from azplatform.components.records.flowlogs import STORAGE_ACCOUNT
from azplatform.components.replacements import replace_on_changes

__all__ = ["FlowLogSettings", "FlowLogs", "FlowLogsArgs", "StorageRole"]

TYPE_TOKEN = "azplatform:index:FlowLogs"

# Storage account names: 3-24 lowercase letters and digits, globally unique.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftstorage
STORAGE_ACCOUNT_NAME_RULE = NameRule(
    "st", 3, 24, r"[a-z0-9]+", "lowercase letters and digits only", globally_unique=True, hyphens=False, lowercase=True
)
STORAGE_ACCOUNT_ID = resource_id_of("Microsoft.Storage/storageAccounts")


class StorageRole(RoleCatalogue):
    """Storage data-plane roles (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage)."""

    STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"


def storage_account_name(namer: Namer) -> str:
    """The platform's flow-log account: ``st<prefix><env><region><suffix>`` (CAF st, no hyphens)."""
    return namer.name(STORAGE_ACCOUNT_NAME_RULE)


class FlowLogSettings(Args):
    """Whether the VNet's flows are logged, for how long, and how often traffic analytics aggregates them (the stack
    file's ``network.flowLogs``)."""

    enabled: bool = Field(
        default=False, description="Log the VNet's flows. Default off (on in staging and prod: stacks/profiles.py)."
    )
    retention_days: int = Field(
        default=30,
        ge=0,
        le=365,
        description="Days the storage account keeps flow log records (0: forever; Azure allows up to 365). Default 30.",
    )
    traffic_analytics_interval_minutes: Literal[10, 60] = Field(
        default=60,
        description="How often traffic analytics processes the logs into the workspace: 10 or 60 minutes (Azure's "
        "two choices; 10 costs more). Default 60.",
    )
    network_watcher_resource_group: str = Field(
        default="NetworkWatcherRG",
        min_length=1,
        max_length=90,
        description="The resource group of the region's Network Watcher. Default NetworkWatcherRG (where Azure creates "
        "it).",
    )
    network_watcher_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description="The region's Network Watcher. Default NetworkWatcher_<region> (the name Azure gives it).",
    )
    storage_account_id: Annotated[str, AfterValidator(STORAGE_ACCOUNT_ID)] | None = Field(
        default=None,
        description="An existing storage account (in the VNet's region) to keep the logs in, such as a landing zone's "
        "central one; its owner grants the flow log's identity Storage Blob Data Contributor. Default: the platform "
        "creates one.",
    )


class FlowLogsArgs(FlowLogSettings, CommonArgs):
    """Arguments for :class:`FlowLogs`: the settings plus the VNet, the workspace and the names to use."""

    virtual_network_id: Input[str] = Field(description="The VNet whose flows are logged.")
    virtual_network_name: str = Field(min_length=2, max_length=64, description="Its name (names the flow log).")
    workspace_resource_id: Input[str] = Field(description="Traffic analytics' Log Analytics workspace.")
    workspace_customer_id: Input[str] = Field(description="That workspace's customer id (a GUID).")
    storage_account_name: Annotated[str, AfterValidator(name_check(STORAGE_ACCOUNT_NAME_RULE, "storage account"))] = (
        Field(description="Name of the account the platform creates (unless storage_account_id is given).")
    )
    identity_name: Annotated[str, AfterValidator(name_check(Kind.MANAGED_IDENTITY))] = Field(
        description="Name of the identity the flow log writes as."
    )


class FlowLogs(pulumi.ComponentResource):
    """The VNet's flow log, its identity and (unless given one) its storage account."""

    id: pulumi.Output[str]

    def __init__(self, name: str, args: FlowLogsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.identity = component_identity(self, name, args.identity_name, args)
        self.storage: azure_native.storage.StorageAccount | None = None
        storage_id: pulumi.Input[str]
        grants: list[pulumi.Resource] = []
        if args.storage_account_id is None:
            self.storage = azure_native.storage.StorageAccount(
                f"{name}-st",
                account_name=args.storage_account_name,
                resource_group_name=args.resource_group_name,
                location=args.location,
                kind="StorageV2",
                sku=azure_native.storage.SkuArgs(name="Standard_LRS"),
                access_tier=azure_native.storage.AccessTier.HOT,
                minimum_tls_version="TLS1_2",
                enable_https_traffic_only=True,
                allow_blob_public_access=False,
                # The flow log writes as its identity: no key exists that could leak.
                allow_shared_key_access=False,
                default_to_o_auth_authentication=True,
                # Reachable by trusted Azure services (Network Watcher) only: every network is denied.
                public_network_access="Enabled",
                network_rule_set=azure_native.storage.NetworkRuleSetArgs(
                    default_action=azure_native.storage.DefaultAction.DENY, bypass="AzureServices"
                ),
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(
                    parent=self, protect=args.protect, replace_on_changes=replace_on_changes(STORAGE_ACCOUNT)
                ),
            )
            storage_id = self.storage.id
            grants.append(
                assign_role(self, f"{name}-st", storage_id, StorageRole.STORAGE_BLOB_DATA_CONTRIBUTOR, self.identity)
            )
            # The account holds the logs: the lock, role assignments and any diagnostic setting go on it.
            self.interfaces = apply_interfaces(
                self,
                f"{name}-st",
                args,
                self.storage,
                azure_name=args.storage_account_name,
                logs=False,
                lock_notes="Keeps the VNet's flow logs",
            )
        else:
            storage_id = args.storage_account_id
        watcher = args.network_watcher_name or f"NetworkWatcher_{args.location}"
        self.flow_log = azure_native.network.FlowLog(
            name,
            flow_log_name=f"fl-{args.virtual_network_name}",
            network_watcher_name=watcher,
            resource_group_name=args.network_watcher_resource_group,
            location=args.location,
            target_resource_id=args.virtual_network_id,
            storage_id=storage_id,
            enabled=args.enabled,
            identity=azure_native.network.ManagedServiceIdentityArgs(
                type=azure_native.network.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[self.identity.id],
            ),
            format=azure_native.network.FlowLogFormatParametersArgs(type="JSON", version=2),
            retention_policy=azure_native.network.RetentionPolicyParametersArgs(
                days=args.retention_days, enabled=args.retention_days > 0
            ),
            flow_analytics_configuration=azure_native.network.TrafficAnalyticsPropertiesArgs(
                network_watcher_flow_analytics_configuration=azure_native.network.TrafficAnalyticsConfigurationPropertiesArgs(
                    enabled=True,
                    traffic_analytics_interval=args.traffic_analytics_interval_minutes,
                    workspace_id=args.workspace_customer_id,
                    workspace_region=args.location,
                    workspace_resource_id=args.workspace_resource_id,
                )
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, depends_on=grants),
        )
        self.id = self.flow_log.id
        self.register_outputs({"id": self.id})


# Runnable examples for the component reference (`azplatform docs`): tests/test_docs.py runs each under the offline
# harness, with RG, SUBNETS and WORKSPACE defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "FlowLogs": """
from azplatform.components import FlowLogs, FlowLogsArgs

FlowLogs("flow", FlowLogsArgs(
    resource_group_name=RG, location="westeurope", enabled=True, retention_days=30,
    virtual_network_id=SUBNETS.rsplit("/subnets", 1)[0], virtual_network_name="vnet-shop-dev-weu",
    workspace_resource_id=WORKSPACE, workspace_customer_id="00000000-0000-4000-8000-0000000000aa",
    storage_account_name="stshopprodweu", identity_name="id-shop-flowlogs-prod-weu",
))
""",
}

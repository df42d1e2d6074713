"""Virtual network flow logs: on in every environment (kept a week in dev, 30 days in staging, 90 in prod);
keyless (the flow log writes as its identity, the account's shared keys off); traffic analytics into the workspace;
protected and locked in prod; priced from the usage assumption; refused settings name their key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from azplatform.components.estimate import PriceTable
from azplatform.components.flow_logs import FlowLogsArgs, StorageRole
from azplatform.components.records.flowlogs import FLOW_LOG, STORAGE_ACCOUNT
from azplatform.plan import Plan
from azplatform.stacks import cost
from azplatform.stacks.config import load_platform_config
from tests.conftest import stack_values
from tests.test_schema import RG, Case
from tests.test_schema import test_stack_file_and_component_refuse_alike as refused_alike

STACKS = ("dev", "staging", "prod")


def _flow_log(plan: Plan) -> Any:
    (log,) = plan.of_type(FLOW_LOG)
    return log


@pytest.mark.parametrize("stack", STACKS)
def test_the_vnet_flow_log_writes_keyless_and_feeds_traffic_analytics(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    log = _flow_log(plan)
    (vnet,) = plan.of_type("azure-native:network:VirtualNetwork")
    (account,) = plan.of_type(STORAGE_ACCOUNT)
    inputs = log.inputs
    assert inputs["enabled"] is True
    assert inputs["targetResourceId"].endswith(f"/virtualNetworks/{vnet.inputs['virtualNetworkName']}")
    assert (
        inputs["resourceGroupName"] == "NetworkWatcherRG"
        and inputs["networkWatcherName"] == "NetworkWatcher_westeurope"
    )
    assert inputs["storageId"].endswith(f"/storageAccounts/{account.inputs['accountName']}")
    assert inputs["format"] == {"type": "JSON", "version": 2}
    days = config.network.flow_logs.retention_days
    assert inputs["retentionPolicy"] == {"days": days, "enabled": True}
    analytics = inputs["flowAnalyticsConfiguration"]["networkWatcherFlowAnalyticsConfiguration"]
    (workspace,) = plan.of_type("azure-native:operationalinsights:Workspace")
    assert analytics["enabled"] is True and analytics["trafficAnalyticsInterval"] == 60
    assert analytics["workspaceResourceId"].endswith(f"/workspaces/{workspace.inputs['workspaceName']}")
    # Keyless: the flow log writes as its identity, which holds Storage Blob Data Contributor on the account alone.
    (identity_id,) = inputs["identity"]["userAssignedIdentities"]
    assert "/userAssignedIdentities/id-azp-flowlogs-" in identity_id and inputs["identity"]["type"] == "UserAssigned"
    assert account.inputs["allowSharedKeyAccess"] is False and account.inputs["allowBlobPublicAccess"] is False
    assert account.inputs["networkRuleSet"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    assert account.inputs["minimumTlsVersion"] == "TLS1_2"
    grants = [
        r
        for r in plan.of_type("azure-native:authorization:RoleAssignment")
        if r.inputs["roleDefinitionId"].endswith(StorageRole.STORAGE_BLOB_DATA_CONTRIBUTOR.value)
    ]
    assert len(grants) == 1 and grants[0].inputs["scope"].endswith(f"/storageAccounts/{account.inputs['accountName']}")
    # The flow log waits for the grant: its first write needs the role.
    assert grants[0].urn in log.dependencies


def test_prod_keeps_flows_90_days_protected_and_locked(plans: dict[str, Plan]) -> None:
    assert [_flow_log(plans[s]).inputs["retentionPolicy"]["days"] for s in ("dev", "staging")] == [7, 30]
    plan = plans["prod"]
    (account,) = plan.of_type(STORAGE_ACCOUNT)
    assert _flow_log(plan).inputs["retentionPolicy"]["days"] == 90
    assert account.protect
    locks = [r for r in plan.of_type("azure-native:authorization:ManagementLockByScope") if "flowlogs" in r.name]
    assert [lock.inputs["level"] for lock in locks] == ["CanNotDelete"]
    assert not plans["staging"].of_type(STORAGE_ACCOUNT)[0].protect


@pytest.mark.parametrize("stack", STACKS)
def test_cost_lines_match_the_hand_computation(plans: dict[str, Plan], stack: str) -> None:
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    gb = config.cost.usage.flow_log_gb_per_month
    months = max(config.network.flow_logs.retention_days, 30) / 30
    expected = {
        (FLOW_LOG, "networkwatcher.flowlogs"): gb,
        (FLOW_LOG, "networkwatcher.traffic.analytics"): gb,
        (STORAGE_ACCOUNT, "storage.hot.lrs"): gb * months,
    }
    found = cost.estimate_plan(plans[stack], cost.CostSettings(config.cost, stack), PriceTable.load())
    lines = {(line.type, line.meter): line.quantity for line in found.lines if line.type in (FLOW_LOG, STORAGE_ACCOUNT)}
    assert lines == pytest.approx(expected)


def _args(**kwargs: Any) -> Callable[[], object]:
    base = {
        "resource_group_name": RG,
        "location": "westeurope",
        "virtual_network_id": "/subscriptions/x/vnet",
        "virtual_network_name": "vnet-unit",
        "workspace_resource_id": "/subscriptions/x/ws",
        "workspace_customer_id": "00000000-0000-4000-8000-0000000000aa",
        "storage_account_name": "stunitdevweu",
        "identity_name": "id-unit-flowlogs",
    }
    return lambda: FlowLogsArgs.model_validate({**base, **kwargs})


CASES = [
    Case(
        "retention beyond Azure's 365 days",
        {"network": {"flowLogs": {"retentionDays": 400}}},
        "network.flowLogs.retentionDays",
        _args(retention_days=400),
        "less than or equal to 365",
    ),
    Case(
        "an interval traffic analytics does not offer",
        {"network": {"flowLogs": {"trafficAnalyticsIntervalMinutes": 30}}},
        "network.flowLogs.trafficAnalyticsIntervalMinutes",
        _args(traffic_analytics_interval_minutes=30),
        "10 or 60",
    ),
    Case(
        "a storage id that is not a storage account",
        {"network": {"flowLogs": {"storageAccountId": "/subscriptions/x/st"}}},
        "network.flowLogs.storageAccountId",
        _args(storage_account_id="/subscriptions/x/st"),
        "not the id of a Microsoft.Storage/storageAccounts resource",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_flow_log_mistakes_are_refused_by_stack_file_and_component(case: Case) -> None:
    refused_alike(case)


def test_a_storage_account_name_follows_azures_rule() -> None:
    with pytest.raises(ValueError, match="storage account name 'st-unit' does not match"):
        _args(storage_account_name="st-unit")()

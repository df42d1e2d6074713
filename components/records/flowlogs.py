"""Virtual network flow logs: the flow log (a child of the region's Network Watcher) and the storage account that
keeps its records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azplatform.components.records.billing import (
    Charge,
    Meter,
    Priced,
    Related,
    UsageAssumptions,
    fmt,
    get,
    num,
    usage_figure,
)
from azplatform.components.records.foundation import IDENTITY, ROLE_ASSIGNMENT, WORKSPACE
from azplatform.components.records.model import Immutable, Prerequisite, Telemetry, Tier, TypeRecord
from azplatform.components.records.network import VIRTUAL_NETWORK
from azplatform.components.records.sources import ARM_MOVE, QUICK

FLOW_LOG = "azure-native:network:FlowLog"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"

# Pricing: flow logs collected per GB, and traffic analytics per GB processed (its 10-minute interval is a separate,
# higher meter). https://azure.microsoft.com/pricing/details/network-watcher/
_PRICING = "https://azure.microsoft.com/pricing/details/network-watcher/"


FLOW_LOG_GB = usage_figure(
    "flow_log_gb_per_month",
    0,
    "GB of virtual network flow logs a month (collected, and processed by traffic analytics), where flow logs are on.",
)


def _price_flow_log(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    if get(inputs, "enabled") is False:
        return []
    gb = usage.figure(FLOW_LOG_GB)
    interval = num(
        get(
            inputs, "flowAnalyticsConfiguration", "networkWatcherFlowAnalyticsConfiguration", "trafficAnalyticsInterval"
        ),
        60,
    )
    analytics = "networkwatcher.traffic.analytics.10min" if interval == 10 else "networkwatcher.traffic.analytics"
    return [
        Charge("networkwatcher.flowlogs", "flow logs collected", gb, f"{fmt(gb)} GB", "usage", (FLOW_LOG_GB.key,)),
        Charge(
            analytics,
            f"traffic analytics every {fmt(interval)} minutes",
            gb,
            f"{fmt(gb)} GB processed",
            "usage",
            (FLOW_LOG_GB.key,),
        ),
    ]


def _price_storage(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    # What the account keeps: a month of flow logs times the months the flow log retains them (at least one).
    logs = related.all(FLOW_LOG)
    days = max((num(get(log, "retentionPolicy", "days"), 30) for log in logs), default=30) or 365
    stored = usage.figure(FLOW_LOG_GB) * max(days, 30) / 30
    return [
        Charge(
            "storage.hot.lrs",
            "blob storage (hot, LRS) for flow logs",
            stored,
            f"{fmt(usage.figure(FLOW_LOG_GB))} GB a month x {fmt(max(days, 30) / 30)} months kept",
            "usage",
            (FLOW_LOG_GB.key,),
        )
    ]


ORDER = 25
"""Where these records come in :data:`~azplatform.components.records.RECORDS` (lower first)."""

RECORDS = (
    TypeRecord(
        token=STORAGE_ACCOUNT,
        cost=Priced(
            (
                Meter(
                    "storage.hot.lrs",
                    "Storage",
                    "General Block Blob v2",
                    "Hot LRS",
                    "Hot LRS Data Stored",
                    "1 GB/Month",
                ),
            ),
            _price_storage,
        ),
        label="Storage account",
        tier=Tier.OBSERVABILITY,
        arm_id="{rg}/providers/Microsoft.Storage/storageAccounts/{accountName}",
        parent=None,
        stateful=True,
        taggable=True,
        # Account-level platform metrics; the blob service's logs are a sub-resource the platform does not read.
        telemetry=Telemetry.METRICS,
        create_minutes=0.5,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
        immutable=(Immutable("location", "a storage account cannot move between regions", ARM_MOVE),),
        outage=None,
    ),
    TypeRecord(
        token=FLOW_LOG,
        cost=Priced(
            (
                Meter(
                    "networkwatcher.flowlogs",
                    "Network Watcher",
                    "Network Watcher",
                    "Standard",
                    "Standard Network Flow Logs Collected",
                    "1 GB",
                ),
                Meter(
                    "networkwatcher.traffic.analytics",
                    "Network Watcher",
                    "Network Watcher",
                    "Standard",
                    "Standard Traffic Analytics Data Processed",
                    "1 GB",
                ),
                Meter(
                    "networkwatcher.traffic.analytics.10min",
                    "Network Watcher",
                    "Network Watcher",
                    "Standard",
                    "Standard Traffic Analytics Data Processed - 10 Minute",
                    "1 GB",
                ),
            ),
            _price_flow_log,
            note=f"meter names per {_PRICING}; the Retail Prices API refresh confirms them",
        ),
        label="Flow log",
        tier=Tier.OBSERVABILITY,
        arm_id="{rg}/providers/Microsoft.Network/networkWatchers/{networkWatcherName}/flowLogs/{flowLogName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.NONE,
        create_minutes=1,
        create_time_basis="estimate",
        create_time_source="estimate: no published duration for a flow log create",
        prerequisites=(
            Prerequisite(VIRTUAL_NETWORK, "the flow log targets the VNet by id", via="targetResourceId"),
            Prerequisite(STORAGE_ACCOUNT, "the flow log writes to an existing storage account", via="storageId"),
            Prerequisite(IDENTITY, "the flow log writes as an existing user-assigned identity"),
            Prerequisite(ROLE_ASSIGNMENT, "the identity needs Storage Blob Data Contributor before the first write"),
            Prerequisite(WORKSPACE, "traffic analytics writes into an existing workspace"),
        ),
    ),
)

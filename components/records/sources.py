"""Sources several records cite."""

from __future__ import annotations

ARM_MOVE = "https://learn.microsoft.com/azure/azure-resource-manager/management/move-support-resources"
LOGS_INDEX = "https://learn.microsoft.com/azure/azure-monitor/reference/logs-index"
METRICS_INDEX = "https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/metrics-index"
PRIVATE_LINK_DNS = "https://learn.microsoft.com/azure/private-link/private-endpoint-dns"

QUICK = "estimate: no published duration; a synchronous ARM create of this type completes in seconds"
"""Quick ARM PUTs: no Microsoft statement gives a duration for these; they complete in seconds to about a minute."""

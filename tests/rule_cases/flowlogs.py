"""Cases for the shared network rule on the flow logs' storage account (components/flow_logs.py)."""

from __future__ import annotations

import dataclasses

from azplatform.components.records.flowlogs import STORAGE_ACCOUNT
from azplatform.policy.model import Resource
from tests.rule_cases import Case, synthetic

_DENY_ALL = {"defaultAction": "Deny", "bypass": "AzureServices"}


def _account(**changes: object) -> Resource:
    inputs: dict[str, object] = {
        "publicNetworkAccess": "Enabled",
        "networkRuleSet": _DENY_ALL,
        "minimumTlsVersion": "TLS1_2",
        "allowBlobPublicAccess": False,
        "allowSharedKeyAccess": False,
    }
    # Stateful (it keeps the logs): protected, as AZP-PROT-001 asks in prod.
    return dataclasses.replace(synthetic(STORAGE_ACCOUNT, **{**inputs, **changes}), protect=True)


VIOLATIONS = [
    # Public access with a firewall that lets every network in, or one IP range: public after all.
    Case("AZP-NET-004", "storage", synthetic=_account(networkRuleSet={"defaultAction": "Allow"})),
    Case(
        "AZP-NET-004",
        "storage",
        synthetic=_account(networkRuleSet={**_DENY_ALL, "ipRules": [{"iPAddressOrRange": "203.0.113.0/24"}]}),
    ),
]

# Trusted Azure services only (Network Watcher writing flow logs): no network can reach it.
COMPLIANT = [("AZP-NET-004", _account())]

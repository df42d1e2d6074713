"""Cases for policy/rules/servicebus.py (and the shared network and TLS rules on a namespace)."""

from __future__ import annotations

import dataclasses

from azplatform.policy.model import Resource
from azplatform.policy.rules.servicebus import NAMESPACE as SERVICE_BUS
from tests.rule_cases import Case, synthetic

# A compliant Service Bus namespace (the estate holds none; the platform's own is in tests/test_schema_servicebus).
SERVICE_BUS_OK = {
    "sku": {"name": "Premium", "tier": "Premium", "capacity": 1},
    "publicNetworkAccess": "Disabled",
    "disableLocalAuth": True,
    "minimumTlsVersion": "1.2",
    "zoneRedundant": True,
}


def _bus(**changes: object) -> Resource:
    return dataclasses.replace(synthetic(SERVICE_BUS, **{**SERVICE_BUS_OK, **changes}), protect=True)


VIOLATIONS = [
    Case("AZP-SB-001", "bus", synthetic=_bus(sku={"name": "Standard", "tier": "Standard"})),
    Case("AZP-SB-002", "bus", synthetic=_bus(disableLocalAuth=False)),
    Case("AZP-SB-003", "bus", synthetic=_bus(zoneRedundant=False)),
    Case("AZP-NET-004", "bus", synthetic=_bus(publicNetworkAccess="Enabled")),
    Case("AZP-TLS-001", "bus", synthetic=_bus(minimumTlsVersion="1.0")),
]

COMPLIANT = [(rule_id, _bus()) for rule_id in ("AZP-SB-001", "AZP-SB-002", "AZP-SB-003", "AZP-NET-004", "AZP-TLS-001")]

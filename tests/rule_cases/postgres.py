"""Cases for policy/rules/postgres.py."""

from __future__ import annotations

import dataclasses

from azplatform.policy.model import Resource
from tests.rule_cases import Case, synthetic


def _postgres(**changes: object) -> Resource:
    """A compliant prod PostgreSQL flexible server (the estate holds none), with ``changes``."""
    inputs = {
        "network": {"publicNetworkAccess": "Disabled"},
        "authConfig": {"activeDirectoryAuth": "Enabled", "passwordAuth": "Disabled"},
        "highAvailability": {"mode": "ZoneRedundant"},
        "backup": {"geoRedundantBackup": "Enabled", "backupRetentionDays": 35},
    }
    return dataclasses.replace(synthetic("azure-native:dbforpostgresql:Server", **{**inputs, **changes}), protect=True)


def _pg_parameter(name: str, value: str) -> Resource:
    return synthetic("azure-native:dbforpostgresql:Configuration", configurationName=name, value=value)


VIOLATIONS = [
    Case("AZP-PG-001", "postgres", synthetic=_postgres(network={"publicNetworkAccess": "Enabled"})),
    Case("AZP-PG-002", "postgres", synthetic=_postgres(authConfig={"activeDirectoryAuth": "Enabled"})),
    Case("AZP-PG-002", "postgres-login", synthetic=_postgres(administratorLogin="pgadmin")),
    Case("AZP-PG-003", "postgres-tls", synthetic=_pg_parameter("require_secure_transport", "off")),
    Case("AZP-PG-003", "postgres-tls10", synthetic=_pg_parameter("ssl_min_protocol_version", "TLSv1")),
    Case("AZP-PG-004", "postgres", synthetic=_postgres(highAvailability={"mode": "SameZone"})),
    Case("AZP-PG-004", "postgres-geo", synthetic=_postgres(backup={"geoRedundantBackup": "Disabled"})),
]

COMPLIANT = [
    *((rule, _postgres()) for rule in ("AZP-PG-001", "AZP-PG-002", "AZP-PG-004")),
    ("AZP-PG-003", _pg_parameter("require_secure_transport", "on")),
    ("AZP-PG-003", _pg_parameter("ssl_min_protocol_version", "TLSv1.2")),
]

"""One schema for PostgreSQL: each rule its settings model enforces refuses a stack file and a direct component
call alike, with the same message (the table and helpers of tests/test_schema.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from azplatform.components.postgres import PostgresFlexibleServer, PostgresFlexibleServerArgs
from azplatform.stacks.config import deep_merge, load_platform_config
from azplatform.stacks.errors import ConfigError
from tests.conftest import stack_values
from tests.test_schema import RG, Case
from tests.test_schema import test_stack_file_and_component_refuse_alike as refused_alike

TENANT = "00000000-0000-4000-8000-0000000000aa"
ADMIN = {"administrator_principal_id": "11111111-1111-4111-8111-111111111111", "administrator_name": "id-unit"}


def _server(location: str = "westeurope", **kwargs: Any) -> Callable[[], object]:
    return lambda: PostgresFlexibleServerArgs.model_validate(
        {"resource_group_name": RG, "location": location, "name": "psql-unit", "tenant_id": TENANT, **ADMIN, **kwargs}
    )


def _alert(method: str, value: int) -> Callable[[], object]:
    # The check runs before anything is created, so an instance without a server shows it.
    return lambda: getattr(PostgresFlexibleServer, method)(object.__new__(PostgresFlexibleServer), value, "ag-id")


CASES = [
    Case(
        "zone-redundant HA on Burstable",
        {"postgres": {"tier": "Burstable", "skuName": "Standard_B2s", "highAvailability": "ZoneRedundant"}},
        "postgres.highAvailability",
        _server(tier="Burstable", sku_name="Standard_B2s", high_availability="ZoneRedundant"),
        "is not available on the Burstable tier",
    ),
    Case(
        "general purpose tier with a burstable size",
        {"postgres": {"skuName": "Standard_B1ms"}},
        "postgres.skuName",
        _server(tier="GeneralPurpose", sku_name="Standard_B1ms"),
        "is not a GeneralPurpose size; GeneralPurpose takes Standard_D* sizes",
    ),
    Case(
        "memory optimized tier with a general purpose size",
        {"postgres": {"tier": "MemoryOptimized", "skuName": "Standard_D4ds_v5"}},
        "postgres.skuName",
        _server(tier="MemoryOptimized", sku_name="Standard_D4ds_v5"),
        "takes Standard_E* sizes",
    ),
    Case(
        "storage size Azure does not offer",
        {"postgres": {"storageSizeGb": 100}},
        "postgres.storageSizeGb",
        _server(storage_size_gb=100),
        "is not a Premium SSD size Azure offers",
    ),
    Case(
        "storage below the smallest size",
        {"postgres": {"storageSizeGb": 16}},
        "postgres.storageSizeGb",
        _server(storage_size_gb=16),
        "is not a Premium SSD size Azure offers",
    ),
    Case(
        "backup retention below 7 days",
        {"postgres": {"backupRetentionDays": 3}},
        "postgres.backupRetentionDays",
        _server(backup_retention_days=3),
        "greater than or equal to 7",
    ),
    Case(
        "backup retention above 35 days",
        {"postgres": {"backupRetentionDays": 60}},
        "postgres.backupRetentionDays",
        _server(backup_retention_days=60),
        "less than or equal to 35",
    ),
    Case(
        "database name with a hyphen",
        {"postgres": {"databases": {"my-app": {}}}},
        "postgres.databases.my-app.[key]",
        _server(databases={"my-app": {}}),
        "must be 1-63 lowercase letters, digits or underscores",
    ),
    Case(
        "reserved database name",
        {"postgres": {"databases": {"azure_sys": {}}}},
        "postgres.databases.azure_sys.[key]",
        _server(databases={"azure_sys": {}}),
        "is reserved",
    ),
    Case(
        "TLS turned off through a server parameter",
        {"postgres": {"serverParameters": {"require_secure_transport": "off"}}},
        "postgres.serverParameters.require_secure_transport",
        _server(server_parameters={"require_secure_transport": "off"}),
        "is fixed by the platform to 'on'",
    ),
    Case(
        "maintenance window on day 7",
        {"postgres": {"maintenanceWindow": {"dayOfWeek": 7}}},
        "postgres.maintenanceWindow.dayOfWeek",
        _server(maintenance_window={"day_of_week": 7}),
        "less than or equal to 6",
    ),
    Case(
        "entra administrator without a GUID",
        {"postgres": {"entraAdministrator": {"objectId": "dba-team", "principalName": "DBAs"}}},
        "postgres.entraAdministrator.objectId",
        _server(entra_administrator={"object_id": "dba-team", "principal_name": "DBAs"}),
        "should match pattern",
    ),
    Case(
        "cpu alert threshold above 100",
        {"postgres": {"alerts": {"cpuPercent": 120}}},
        "postgres.alerts.cpuPercent",
        _alert("alert_cpu_above", 120),
        "less than or equal to 100",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_stack_file_and_component_refuse_alike(case: Case) -> None:
    refused_alike(case)


def _problems(stack: str, override: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_platform_config(deep_merge(stack_values(stack), override), stack)
    return info.value


def test_zone_redundant_ha_in_a_region_without_zones_is_refused_alike() -> None:
    error = _problems(
        "prod", {"location": "canadaeast", "zoneRedundant": False, "postgres": {"highAvailability": "ZoneRedundant"}}
    )
    (problem,) = [p for p in error.problems if p.path == "postgres.highAvailability"]
    assert "canadaeast has none" in problem.message
    with pytest.raises(ValidationError, match="canadaeast has none"):
        _server("canadaeast", high_availability="ZoneRedundant")()
    # SameZone needs no zones.
    _server("canadaeast", high_availability="SameZone")()


def test_bad_server_name_is_refused_when_used_directly() -> None:
    # The platform's own name (psql-<prefix>-<env>-<region>-<suffix>) is at most 31 characters of the namer's
    # lowercase alphabet, so only a direct caller can break Azure's rule.
    with pytest.raises(ValidationError, match="does not match the allowed charset"):
        _server(name="psql_Unit")()
    with pytest.raises(ValidationError, match="allowed 3-63"):
        _server(name="psql-" + "x" * 60)()


def test_data_access_names_databases_that_exist() -> None:
    error = _problems("dev", {"apps": {"api": {"dataAccess": {"postgres": ["orders"]}}}})
    (problem,) = [p for p in error.problems if p.path == "apps.api.dataAccess.postgres"]
    assert "does not define: orders" in problem.message


def test_data_access_without_a_server_is_refused() -> None:
    error = _problems("dev", {"postgres": None})
    (problem,) = [p for p in error.problems if p.path == "apps.api.dataAccess.postgres"]
    assert "no PostgreSQL server" in problem.message


def test_several_problems_are_reported_at_once() -> None:
    error = _problems("prod", {"postgres": {"tier": "Burstable", "storageSizeGb": 100}})
    paths = {p.path for p in error.problems}
    assert {"postgres.tier", "postgres.skuName", "postgres.storageSizeGb"} <= paths


def test_without_an_administrator_the_server_is_refused() -> None:
    with pytest.raises(ValidationError, match="password authentication is off"):
        PostgresFlexibleServerArgs.model_validate(
            {"resource_group_name": RG, "location": "westeurope", "name": "psql-unit", "tenant_id": TENANT}
        )


def test_ha_follows_zone_redundancy_unless_given() -> None:
    # In a region without zones, prod (zoneRedundant: false there) is accepted with no standby. (Canada is in no
    # data zone: the profile's EU data zone models stay in westeurope.)
    models_home = {"aiServices": {"accounts": {"primary": {"location": "westeurope"}}}}
    load_platform_config(
        deep_merge(stack_values("prod"), {"location": "canadaeast", "zoneRedundant": False, **models_home}), "prod"
    )
    error = _problems("prod", {"postgres": {"tier": "Burstable", "skuName": "Standard_B2s"}})
    (problem,) = [p for p in error.problems if p.path == "postgres.tier"]
    assert "zoneRedundant asks for" in problem.message
    load_platform_config(
        deep_merge(
            stack_values("prod"),
            {"postgres": {"tier": "Burstable", "skuName": "Standard_B2s", "highAvailability": "Disabled"}},
        ),
        "prod",
    )

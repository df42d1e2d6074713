"""PostgreSQL flexible server in each stack's plan: private, Entra only, TLS only, and in prod zone redundant,
geo-redundantly backed up, protected and locked; the apps' database roles job; the records and the diff."""

from __future__ import annotations

import shlex
import subprocess
from typing import Any

import pytest

from azplatform.components.estimate import PriceTable
from azplatform.components.postgres import SECURE_PARAMETERS, principals_script
from azplatform.components.records import record
from azplatform.plan import Plan
from azplatform.policy.rules import RULES
from azplatform.stacks import cost
from azplatform.stacks.config import load_platform_config
from tests.conftest import stack_values

SERVER = "azure-native:dbforpostgresql:Server"
CONFIGURATION = "azure-native:dbforpostgresql:Configuration"
DATABASE = "azure-native:dbforpostgresql:Database"
ADMINISTRATOR = "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra"
ZONE = "privatelink.postgres.database.azure.com"


def _server(plan: Plan) -> Any:
    return plan.one(SERVER)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_private_and_entra_only(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    server = _server(plan)
    assert server.inputs["network"] == {"publicNetworkAccess": "Disabled"}
    assert server.inputs["authConfig"]["passwordAuth"] == "Disabled"
    assert server.inputs["authConfig"]["activeDirectoryAuth"] == "Enabled"
    assert "administratorLogin" not in server.inputs and "administratorLoginPassword" not in server.inputs
    endpoint = next(
        r
        for r in plan.of_type("azure-native:network:PrivateEndpoint")
        if r.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["postgresqlServer"]
    )
    assert endpoint.inputs["privateLinkServiceConnections"][0]["privateLinkServiceId"].endswith(
        f"/flexibleServers/{server.inputs['serverName']}"
    )
    zones = {r.inputs["privateZoneName"] for r in plan.of_type("azure-native:privatedns:PrivateZone")}
    assert ZONE in zones
    (admin,) = plan.of_type(ADMINISTRATOR)
    assert admin.inputs["principalType"] == "servicePrincipal"
    assert admin.inputs["principalName"].startswith("id-azp-pgadmin-")
    assert admin.inputs["tenantId"] == server.inputs["authConfig"]["tenantId"]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_tls_and_logging_parameters(plans: dict[str, Plan], stack: str) -> None:
    values = {r.inputs["configurationName"]: r.inputs["value"] for r in plans[stack].of_type(CONFIGURATION)}
    assert values == SECURE_PARAMETERS
    assert values["require_secure_transport"] == "on"


def test_children_are_written_one_at_a_time(prod_plan: Plan) -> None:
    # A flexible server runs one management operation at a time: each child waits for the one before.
    server = _server(prod_plan)
    chain = [*prod_plan.of_type(ADMINISTRATOR), *prod_plan.of_type(CONFIGURATION), *prod_plan.of_type(DATABASE)]
    previous = server.urn
    for child in chain:
        assert previous in child.dependencies, child.name
        previous = child.urn


def test_environment_sizes(plans: dict[str, Plan]) -> None:
    dev, staging, prod = (_server(plans[s]).inputs for s in ("dev", "staging", "prod"))
    assert dev["sku"] == {"tier": "Burstable", "name": "Standard_B1ms"}
    assert dev["highAvailability"]["mode"] == "Disabled"
    assert staging["sku"]["tier"] == prod["sku"]["tier"] == "GeneralPurpose"
    assert prod["highAvailability"]["mode"] == "ZoneRedundant"
    assert prod["backup"] == {"backupRetentionDays": 35, "geoRedundantBackup": "Enabled"}
    for inputs in (dev, staging, prod):
        assert inputs["storage"]["autoGrow"] == "Enabled"
        assert inputs["maintenanceWindow"]["customWindow"] == "Enabled"


def test_prod_is_protected_and_locked(prod_plan: Plan, dev_plan: Plan) -> None:
    server = _server(prod_plan)
    assert server.protect
    assert all(db.protect for db in prod_plan.of_type(DATABASE))
    locks = [
        r
        for r in prod_plan.of_type("azure-native:authorization:ManagementLockByScope")
        if r.inputs["scope"].endswith(f"/flexibleServers/{server.inputs['serverName']}")
    ]
    assert [lock.inputs["level"] for lock in locks] == ["CanNotDelete"]
    assert not _server(dev_plan).protect


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_diagnostics_and_alerts(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    server = _server(plan)
    name = server.inputs["serverName"]
    settings = [
        r
        for r in plan.of_type("azure-native:monitor:DiagnosticSetting")
        if r.inputs["resourceUri"].endswith(f"/flexibleServers/{name}")
    ]
    assert len(settings) == 1
    metrics = {
        r.inputs["criteria"]["allOf"][0]["metricName"]
        for r in plan.of_type("azure-native:monitor:MetricAlert")
        if any(scope.endswith(f"/flexibleServers/{name}") for scope in r.inputs["scopes"])
    }
    assert metrics == {"cpu_percent", "storage_percent", "active_connections"}


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_apps_get_a_database_role_and_its_address(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    host = plan.outputs["postgresHost"]
    assert host == f"{_server(plan).inputs['serverName']}.postgres.database.azure.com"
    api = plan.one("azure-native:app:ContainerApp", "platform-api")
    env = {e["name"]: e.get("value") for e in api.inputs["template"]["containers"][0]["env"]}
    assert env["POSTGRES_HOST"] == host
    assert env["POSTGRES_USER"].startswith("id-azp-api-")
    job = plan.one("azure-native:app:Job", "platform-pgroles")
    assert job.inputs["configuration"]["triggerType"] == "Schedule"
    (pgadmin,) = job.inputs["identity"]["userAssignedIdentities"]
    assert "/userAssignedIdentities/id-azp-pgadmin-" in pgadmin
    script = job.inputs["template"]["containers"][0]["args"][0]
    assert "pgaadauth_create_principal_with_oid" in script
    assert env["POSTGRES_USER"] in script
    # Only what dataAccess asks for: the worker has no PostgreSQL access.
    assert "id-azp-worker-" not in script
    # The deploy workflow starts the post-deploy jobs (this one) right after pulumi up.
    assert plan.outputs["postgresRolesJob"] == job.inputs["jobName"]
    assert plan.outputs["postDeployJobs"] == [job.inputs["jobName"]]


def test_principals_script_is_valid_shell_and_idempotent_sql() -> None:
    script = principals_script("id-admin", [("id-app", "0000-oid", ["app", "reports"])])
    subprocess.run(["sh", "-n", "-c", script], check=True)
    first = shlex.split(script.splitlines()[-3])
    assert first[:4] == ["psql", "-v", "ON_ERROR_STOP=1", "-d"] and first[4] == "postgres"
    assert "WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'id-app')" in first[-1]
    assert 'GRANT CONNECT, TEMPORARY ON DATABASE "reports" TO "id-app";' in first[-1]
    assert shlex.split(script.splitlines()[-1])[4] == "reports"


def test_record_declares_what_azure_cannot_change() -> None:
    server = record(SERVER)
    assert "backup.geoRedundantBackup" in server.replace_on_changes
    assert "location" in server.replace_on_changes
    one_way = {item.path: item for item in server.one_way}
    assert "never" in one_way["storage.storageSizeGB"].refused
    assert server.private_link is not None and server.private_link.zone == ZONE
    assert set(record(DATABASE).replace_on_changes) == {"charset", "collation"}


def test_policy_covers_postgres() -> None:
    ids = {rule.id for rule in RULES}
    assert {"AZP-PG-001", "AZP-PG-002", "AZP-PG-003", "AZP-PG-004"} <= ids


def test_diff_says_azure_refuses_a_storage_shrink_and_a_version_downgrade_not_growth() -> None:
    from azplatform.stacks.immutable import replacements
    from azplatform.stacks.risks import refused_change

    rules = {rule.path: rule for rule in record(SERVER).one_way}
    base = {"storage": {"storageSizeGB": 128}, "version": "16", "serverName": "psql-x", "resourceGroupName": "rg"}
    shrunk = {**base, "storage": {"storageSizeGB": 64}}
    grown = {**base, "storage": {"storageSizeGB": 256}}
    # Neither is a replacement: Azure receives the update and refuses the shrink or the downgrade.
    assert replacements(SERVER, base, shrunk) == []
    assert "storage never shrinks" in (refused_change(rules["storage.storageSizeGB"], base, shrunk) or "")
    assert refused_change(rules["storage.storageSizeGB"], base, grown) is None
    assert "earlier major version" in (refused_change(rules["version"], base, {**base, "version": "15"}) or "")
    assert refused_change(rules["version"], base, {**base, "version": "17"}) is None


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_cost_lines_match_the_hand_computation(plans: dict[str, Plan], stack: str) -> None:
    """The server's compute (a standby doubles it) and storage, from the stack file: the quantity of each meter
    (what the price multiplies; the West Europe prices are not in the table yet, so amounts would compare None)."""
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    postgres = config.postgres
    assert postgres is not None
    quantities: dict[str, float] = {}

    def add(meter: str, quantity: float) -> None:
        quantities[meter] = quantities.get(meter, 0.0) + quantity

    sku = postgres.sku_name
    copies = (
        2
        if (postgres.high_availability or ("ZoneRedundant" if config.zone_redundant else "Disabled"))
        not in ("Disabled",)
        and postgres.tier != "Burstable"
        else 1
    )
    if postgres.tier == "Burstable":
        add(f"postgres.burstable.{sku.removeprefix('Standard_').lower()}", copies * 730)
    else:
        vcores = int("".join(c for c in sku.split("_")[1] if c.isdigit()))
        add(f"postgres.{postgres.tier.lower()}.vcore", copies * vcores * 730)
    add("postgres.storage", postgres.storage_size_gb)

    found = cost.estimate_plan(plans[stack], cost.CostSettings(config.cost, stack), PriceTable.load())
    lines = [line for line in found.lines if line.type == "azure-native:dbforpostgresql:Server"]
    assert {line.meter for line in lines} == set(quantities)
    for meter, quantity in quantities.items():
        assert sum(line.quantity for line in lines if line.meter == meter) == pytest.approx(quantity), meter

"""The monthly estimate (components/pricing.py, components/estimate.py, stacks/cost.py): coverage of every billable
type, the price table, Microsoft's worked examples, hand-computed stack totals, the region error, the command, and
the cost delta in the PR diff."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from azplatform.components.estimate import (
    SUBSCRIPTION,
    Estimate,
    PriceTable,
    RegionNotPricedError,
    classified,
    declared_meters,
    estimate,
)
from azplatform.components.pricing import (
    FREE_TYPES,
    HOURS_PER_MONTH,
    PRICING,
    SECONDS_PER_MONTH,
    UsageAssumptions,
    memory_gib,
)
from azplatform.stacks import cost
from azplatform.stacks.cli import main
from azplatform.stacks.config import load_platform_config
from azplatform.stacks.diff import compare_paths
from azplatform.stacks.diff_report import to_markdown, to_text
from azplatform.stacks.offline import Plan
from tests.conftest import ROOT, STACKS, stack_values

TABLE = PriceTable.load()


@dataclass(frozen=True)
class R:
    """A resource as the estimate reads it."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    urn: str = ""


def _settings(stack: str) -> cost.CostSettings:
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    return cost.CostSettings(config.cost, f"Pulumi.{stack}.yaml")


@pytest.fixture(scope="module")
def estimates(plans: dict[str, Plan]) -> dict[str, Estimate]:
    return {stack: cost.estimate_plan(plans[stack], _settings(stack), TABLE) for stack in STACKS}


# --- coverage: a billable type without pricing, or a pricing meter without a price entry, fails ------------------
@pytest.mark.parametrize("stack", STACKS)
def test_every_type_in_the_stack_plans_is_priced_or_declared_free(plans: dict[str, Plan], stack: str) -> None:
    types = {r.type for r in plans[stack].resources if r.type.startswith("azure-native:")}
    assert sorted(t for t in types if not classified(t)) == []


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_of_the_stacks_is_priced_without_problems(estimates: dict[str, Estimate], stack: str) -> None:
    assert estimates[stack].unknown_types == []
    assert estimates[stack].problems == []


def test_no_type_is_both_priced_and_free() -> None:
    assert set(PRICING) & set(FREE_TYPES) == set()


@pytest.mark.parametrize("region", TABLE.regions)
def test_every_meter_a_pricing_entry_names_is_in_the_price_table(region: str) -> None:
    assert sorted(declared_meters() - TABLE.meters(region)) == []


def test_the_price_table_lists_only_meters_some_pricing_names() -> None:
    assert sorted({meter for meter, _ in TABLE.entries} - declared_meters()) == []


def test_every_price_entry_says_where_it_came_from_and_when() -> None:
    for entry in TABLE.entries.values():
        assert entry.source.startswith("https://"), entry.meter
        assert len(entry.takenOn) == 10 and entry.takenOn[4] == "-", entry.meter
        assert entry.currencyCode == "USD" and entry.armRegionName in TABLE.regions
        assert entry.serviceName and entry.meterName and entry.unitOfMeasure, entry.meter
        if entry.unitPrice is None:
            assert "No published" in entry.note, entry.meter  # said so, never guessed
        else:
            assert entry.unitPrice > 0 and entry.retailPrice == entry.unitPrice and entry.note, entry.meter


def test_the_price_table_ships_as_package_data() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"azplatform.components" = ["py.typed", "prices.json"]' in pyproject


# --- worked examples with published answers ---------------------------------------------------------------
# Microsoft's "Understanding pricing for Application Gateway and WAF" (learn.microsoft.com/azure/application-gateway/
# understanding-pricing), V2 examples, with the article's own East US illustration prices.
DOC_PRICES = {
    "agw.standard_v2.fixed": 0.246,
    "agw.standard_v2.capacity_unit": 0.008,
    "agw.waf_v2.fixed": 0.443,
    "agw.waf_v2.capacity_unit": 0.0144,
}


def _table(prices: Mapping[str, float | None], region: str = "eastus") -> PriceTable:
    entries = []
    for meter, price in prices.items():
        template = next(e for (m, _), e in TABLE.entries.items() if m == meter)
        entries.append(
            {**template.__dict__, "armRegionName": region, "unitPrice": price, "retailPrice": price, "note": "test"}
        )
    return PriceTable.from_dict({"takenOn": "2022-10-03", "regions": [region], "entries": entries})


@pytest.mark.parametrize(
    ("example", "tier", "gateway", "used_cus", "published"),
    [
        # 1 (a): manual scale 8 instances, 40 CUs needed: $179.58 + $467.2
        ("1a", "Standard_v2", {"capacity": 8}, 40, 646.78),
        # 1 (b): manual scale 3 instances, 40 CUs used (10 beyond the 30 reserved): $179.58 + $233.6
        ("1b", "Standard_v2", {"capacity": 3}, 40, 413.18),
        # 2: autoscale with minimum 6, 65 CUs used all month: $323.39 + $683.28
        ("2", "WAF_v2", {"autoscale": {"minCapacity": 6}}, 65, 1006.67),
        # 3 (a): minimum 0, load under one CU: $323.39 + $10.512
        ("3a", "WAF_v2", {"autoscale": {"minCapacity": 0}}, 1, 333.902),
        # 3 (b): minimum 0 and no traffic: the fixed price alone
        ("3b", "WAF_v2", {"autoscale": {"minCapacity": 0}}, 0, 323.39),
        # 3 (c): manual scale 1 instance, no traffic: its 10 reserved CUs are billed: $323.39 + $105.12
        ("3c", "WAF_v2", {"capacity": 1}, 0, 428.51),
        # 4: minimum 0, 4 CUs for 8.88 Mbps: $323.39 + $42.048
        ("4", "WAF_v2", {"autoscale": {"minCapacity": 0}}, 4, 365.438),
    ],
)
def test_application_gateway_v2_matches_microsofts_worked_examples(
    example: str, tier: str, gateway: dict[str, Any], used_cus: float, published: float
) -> None:
    # The plan holds autoscale as autoscaleConfiguration beside sku; move the example's shape there.
    shape = {k: v for k, v in gateway.items() if k != "autoscale"}
    inputs_extra = gateway.get("autoscale")
    resources = [
        R("azure-native:resources:ResourceGroup", "rg", {"location": "eastus"}),
        R(
            "azure-native:network:ApplicationGateway",
            "agw",
            {"location": "eastus", "sku": {"tier": tier, **shape}}
            | ({"autoscaleConfiguration": inputs_extra} if inputs_extra else {}),
        ),
    ]
    usage = UsageAssumptions(gateway_capacity_units=used_cus, include_free_grants=False)
    total = estimate(resources, usage, _table(DOC_PRICES)).total
    assert total == pytest.approx(published, abs=0.005), example


def test_container_apps_free_grant_is_taken_once_per_subscription() -> None:
    # Microsoft's billing rules: 180,000 vCPU-s, 360,000 GiB-s and 2M requests free a month, per subscription.
    app = {
        "location": "eastus",
        "workloadProfileName": "Consumption",
        "template": {"containers": [{"resources": {"cpu": 0.5, "memory": "1Gi"}}], "scale": {"minReplicas": 1}},
        "configuration": {"ingress": {"targetPort": 80}},
    }
    resources = [
        R("azure-native:resources:ResourceGroup", "rg", {"location": "eastus"}),
        R("azure-native:app:ContainerApp", "a", app),
        R("azure-native:app:ContainerApp", "b", app),
    ]
    prices = {"aca.vcpu.active": 0.000024, "aca.memory.active": 0.000003, "aca.requests": 0.4}
    found = estimate(resources, UsageAssumptions(api_requests_per_month=3_000_000), _table(prices))
    vcpu_s = 2 * 0.5 * SECONDS_PER_MONTH
    gib_s = 2 * 1 * SECONDS_PER_MONTH
    expected = (vcpu_s - 180_000) * 0.000024 + (gib_s - 360_000) * 0.000003 + (3 - 2) * 0.4
    assert found.total == pytest.approx(expected)
    assert [line.resource for line in found.lines].count(SUBSCRIPTION) == 3


def test_an_environment_with_a_private_endpoint_pays_plan_management_without_dedicated_profiles() -> None:
    # Billing on learn.microsoft.com/azure/container-apps/private-endpoints-with-dns: the private endpoint
    # infrastructure appears as "Dedicated Plan Management", on Consumption-only environments too.
    consumption = [{"name": "Consumption", "workloadProfileType": "Consumption"}]
    internal = {"location": "eastus", "workloadProfiles": consumption, "vnetConfiguration": {"internal": True}}
    private = {**internal, "vnetConfiguration": {"internal": False}, "publicNetworkAccess": "Disabled"}
    prices = {"aca.dedicated.management": 0.1}
    rg = R("azure-native:resources:ResourceGroup", "rg", {"location": "eastus"})
    for inputs, expected in ((internal, 0.0), (private, 0.1 * HOURS_PER_MONTH)):
        found = estimate(
            [rg, R("azure-native:app:ManagedEnvironment", "cae", inputs)], UsageAssumptions(), _table(prices)
        )
        assert found.total == pytest.approx(expected)


def test_cosmos_autoscale_bills_at_least_ten_percent_of_the_maximum_in_every_region() -> None:
    account = {
        "accountName": "acc",
        "location": "eastus",
        "locations": [{"locationName": "eastus"}, {"locationName": "westus"}],
    }
    container = {"accountName": "acc", "options": {"autoscaleSettings": {"maxThroughput": 4000}}}
    resources = [
        R("azure-native:resources:ResourceGroup", "rg", {"location": "eastus"}),
        R("azure-native:cosmosdb:DatabaseAccount", "acc", account),
        R("azure-native:cosmosdb:SqlResourceSqlContainer", "c", container),
    ]
    table = _table({"cosmos.autoscale.ru": 0.012, "cosmos.storage": 0.25})
    idle = estimate(resources, UsageAssumptions(cosmos_autoscale_utilization=0, cosmos_storage_gb=0), table)
    assert idle.total == pytest.approx(400 / 100 * 730 * 2 * 0.012)  # the 10% floor, two regions
    busy = estimate(resources, UsageAssumptions(cosmos_autoscale_utilization=0.5, cosmos_storage_gb=10), table)
    assert busy.total == pytest.approx(2000 / 100 * 730 * 2 * 0.012 + 10 * 2 * 0.25)
    assert busy.usage_based == pytest.approx((2000 - 400) / 100 * 730 * 2 * 0.012 + 10 * 2 * 0.25)


# --- each stack: hand-computed from the table's unit prices and the stack's quantities ----------------------------
def _price(meter: str) -> float | None:
    return TABLE.price(meter, "westeurope").unitPrice


def hand_amounts(stack: str, plan: Plan) -> dict[str, float | None]:
    """The stack's charges of the platform's core types, computed here from its config and the table: meter ->
    monthly amount (None: the table has no price for it). A type added later hand-checks its own lines in its own
    test module (PostgreSQL: tests/test_postgres.py), so adding one edits nothing here; the per-resource types every
    data store adds (private endpoints, privatelink zones, metric alerts) are counted in the plan and priced here."""
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    usage = config.cost.usage
    amounts: dict[str, float | None] = {}

    def add(meter: str, quantity: float) -> None:
        price = _price(meter)
        before = amounts.get(meter, 0.0)
        amounts[meter] = None if price is None or before is None else before + price * quantity

    assert config.apim is not None
    add(f"apim.{config.apim.sku.lower()}.unit", config.apim.capacity * 730)
    gateway = config.app_gateway
    add("agw.waf_v2.fixed", 730)
    reserved = gateway.min_capacity * 10
    if reserved:
        add("agw.waf_v2.capacity_unit", reserved * 730)
    if usage.gateway_capacity_units > reserved:
        add("agw.waf_v2.capacity_unit", (usage.gateway_capacity_units - reserved) * 730)
    add("pip.standard.static", 730)
    vcpu_s = gib_s = 0.0
    for app in config.apps.values():
        vcpu_s += app.min_replicas * app.cpu * 730 * 3600
        gib_s += app.min_replicas * memory_gib(app.memory) * 730 * 3600
    # The monthly free grants, never more than what is used.
    add("aca.vcpu.active", max(0.0, vcpu_s - 180_000))
    add("aca.memory.active", max(0.0, gib_s - 360_000))
    add("aca.requests", max(0.0, usage.api_requests_per_month / 1e6 - 2))
    add(f"amr.{config.redis.sku.lower()}", (2 if config.redis.high_availability else 1) * 730)
    regions = 1 + len(config.cosmos.secondary_locations)
    add("cosmos.storage", usage.cosmos_storage_gb * regions)
    if config.cosmos.serverless:
        add("cosmos.serverless.ru", usage.cosmos_request_units_per_month / 1e6)
    else:
        for db_name, db in config.cosmos.databases.items():
            for c_name in db.containers:
                maximum = config.cosmos.container_max_throughput(db_name, c_name)
                assert maximum is not None
                add("cosmos.autoscale.ru", max(usage.cosmos_autoscale_utilization, 0.1) * maximum / 100 * 730 * regions)
    if config.cosmos.backup_tier == "Continuous30Days":
        add("cosmos.backup.continuous30", usage.cosmos_storage_gb * regions)
    add(f"acr.{config.registry.sku.lower()}.day", 730 / 24)
    add("kv.operations", usage.key_vault_operations_per_month / 10_000)
    daily = min(usage.log_ingestion_gb_per_day, config.observability.daily_quota_gb or float("inf"))
    add("la.ingestion", max(0.0, daily * 730 / 24 - 5))
    if config.observability.retention_days > 31:
        add("la.retention", daily * (config.observability.retention_days - 31))

    def count(type_token: str) -> int:
        return sum(1 for r in plan.resources if r.type == type_token)

    endpoints = count("azure-native:network:PrivateEndpoint")
    assert endpoints >= 5  # Key Vault, registry, Redis, Cosmos DB, Service Bus at least
    add("pe.hour", endpoints * 730)
    add("pe.data", endpoints * usage.private_endpoint_gb_per_month)
    add("dns.private_zone", count("azure-native:privatedns:PrivateZone"))
    # One time series each: every platform alert has one criterion on the resource it watches.
    add("monitor.metric_alert", count("azure-native:monitor:MetricAlert"))
    add("servicebus.premium.unit", config.service_bus.capacity * 730)
    return amounts


def meter_amounts(found: Estimate, meters: set[str]) -> dict[str, float | None]:
    """The estimate's amount per meter (None: its lines are unpriced), for ``meters``."""
    out: dict[str, float | None] = {}
    for line in found.lines:
        if line.meter in meters:
            before = out.get(line.meter, 0.0)
            out[line.meter] = None if line.amount is None or before is None else before + line.amount
    return out


@pytest.mark.parametrize("stack", STACKS)
def test_stack_charges_match_the_hand_computed_ones(
    plans: dict[str, Plan], estimates: dict[str, Estimate], stack: str
) -> None:
    expected = hand_amounts(stack, plans[stack])
    found = meter_amounts(estimates[stack], set(expected))
    for meter, amount in expected.items():  # a meter the grants cover entirely may have no line, or lines summing to 0
        got = found.get(meter, 0.0)
        assert got == (None if amount is None else pytest.approx(amount, rel=1e-9, abs=1e-9)), meter


@pytest.mark.parametrize("stack", STACKS)
def test_stack_total_is_the_sum_of_its_priced_lines(estimates: dict[str, Estimate], stack: str) -> None:
    found = estimates[stack]
    assert found.total == pytest.approx(sum(line.amount for line in found.lines if line.amount is not None))
    assert {line.meter for line in found.unpriced} == {line.meter for line in found.lines if line.amount is None}


# --- the region error -------------------------------------------------------------------------------------------
def _moved(plan: Plan, region: str) -> Plan:
    moved = Plan.from_dict(copy.deepcopy(plan.to_dict()))
    for resource in moved.resources:
        if resource.inputs.get("location") == "westeurope":
            resource.inputs["location"] = region
    return moved


def test_a_region_the_table_lacks_is_an_error_naming_it(prod_plan: Plan) -> None:
    with pytest.raises(RegionNotPricedError, match="'northeurope'"):
        cost.estimate_plan(_moved(prod_plan, "northeurope"), _settings("prod"), TABLE)


def test_cost_command_exits_2_naming_the_missing_region(
    prod_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "prod.json"
    _moved(prod_plan, "northeurope").write(path)
    assert main(["cost", "--plan", str(path), "--project-dir", str(ROOT)]) == 2
    assert "northeurope" in capsys.readouterr().err


# --- the command --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def prod_plan_file(prod_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cost") / "prod.json"
    prod_plan.write(path)
    return path


def test_cost_command_prints_every_resource_with_a_total_quickly(
    prod_plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    assert main(["cost", "--stack", "prod", "--plan", str(prod_plan_file), "--project-dir", str(ROOT)]) == 0
    elapsed = time.perf_counter() - started
    text = capsys.readouterr().out
    assert elapsed < 2.0  # on top of the render (here: a saved plan)
    assert "platform-apim (apimanagement:ApiManagementService)" in text
    assert "API Management Premium units: 3 units x 730 h = 2,190 x no price [Premium Unit, westeurope]" in text
    assert "total:" in text and "NOT COUNTED:" in text and "assumptions from Pulumi.prod.yaml" in text
    assert "apiRequestsPerMonth = 100000000" in text


def test_cost_command_json_and_markdown(prod_plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["cost", "--plan", str(prod_plan_file), "--project-dir", str(ROOT)]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    lines = [line for resource in data["resources"] for line in resource["lines"]]
    assert data["total"] == pytest.approx(sum(line["amount"] or 0 for line in lines), abs=0.05)
    assert data["region"] == "westeurope" and data["priceTableDate"] == TABLE.taken_on
    assert main([*args, "--format", "markdown"]) == 0
    assert "| `platform-apim` | API Management Premium units |" in capsys.readouterr().out


def test_cost_command_needs_a_stack_or_a_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost"]) == 2


def test_a_plan_without_its_stack_file_is_priced_with_its_environment_profile(prod_plan: Plan) -> None:
    settings = cost.settings_for(prod_plan, None)
    assert settings.source == "profile prod"
    assert settings.config.usage == _settings("prod").config.usage  # the stack file sets no usage of its own


# --- the PR diff: API Management capacity +1 in prod ------------------------------------------------------------
@pytest.fixture(scope="module")
def apim_plus_one(
    prod_plan: Plan, variant: Callable[[str, Mapping[str, Any]], Plan], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    base, head = tmp_path_factory.mktemp("base"), tmp_path_factory.mktemp("head")
    prod_plan.write(base / "prod.json")
    variant("prod", {"apim": {"capacity": 4}}).write(head / "prod.json")
    return base, head


def test_apim_capacity_plus_one_in_prod_tops_the_diff_with_its_monthly_delta(
    apim_plus_one: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The committed table has no published West Europe price for the Premium unit: price it here to pin the
    # arithmetic (East US's recorded 3.829/h stands in), and check the delta is exactly one unit for a month.
    priced = _table(
        {meter: e.unitPrice for (meter, _), e in TABLE.entries.items()} | {"apim.premium.unit": 3.829}, "westeurope"
    )
    monkeypatch.setattr(cost.PriceTable, "load", classmethod(lambda cls, path=None: priced))
    report = compare_paths(*apim_plus_one)
    cost.attach(report, ROOT)
    delta = report.costs[0]
    assert delta.change == pytest.approx(3.829 * 730)
    top = delta.changes[0]
    assert top.describe() == (
        "platform-apim API Management Premium units: 3 units x 730 h -> 4 units x 730 h: +$2,795.17/month"
    )
    markdown = to_markdown(report)
    risks = markdown.split("#### Risks", 1)[1].split("#### Summary", 1)[0]
    assert "cost increase" in risks and "+$2,795.17" in risks and "above the $250.00 threshold" in risks
    assert markdown.index("#### Cost (monthly estimate)") < markdown.index("#### Changes")


def test_an_unpriced_change_is_flagged_not_counted_as_zero(apim_plus_one: tuple[Path, Path]) -> None:
    report = compare_paths(*apim_plus_one)
    cost.attach(report, ROOT)
    delta = report.costs[0]
    assert delta.change == pytest.approx(0.0)  # nothing priced changed ...
    assert [c.line.meter for c in delta.unpriced_changes] == ["apim.premium.unit"]  # ... but something did
    text = to_text(report)
    assert "changed charge(s) have no price in the table" in text and "Premium Unit" in text


def test_the_cost_section_keeps_the_diff_under_the_comment_limit(apim_plus_one: tuple[Path, Path]) -> None:
    report = compare_paths(*apim_plus_one)
    cost.attach(report, ROOT)
    assert len(to_markdown(report, limit=4000).encode()) <= 4000
    assert "#### Cost (monthly estimate)" in to_markdown(report, limit=4000)


# --- usage figures declared by the records that price from them --------------------------------------------------
def test_a_declared_figure_is_a_cost_usage_key_checked_like_the_others() -> None:
    from azplatform.components.records.billing import USAGE_FIGURES
    from azplatform.stacks.config_cost import CostConfig

    assert {"service_bus_operations_per_month", "flow_log_gb_per_month"} <= set(USAGE_FIGURES)
    config = CostConfig.model_validate({"usage": {"serviceBusOperationsPerMonth": 20_000_000}})
    assert config.usage.figure(USAGE_FIGURES["service_bus_operations_per_month"]) == 20_000_000
    assert config.usage.figure(USAGE_FIGURES["flow_log_gb_per_month"]) == 0  # its default
    with pytest.raises(ValidationError) as info:
        CostConfig.model_validate({"usage": {"flowLogGbPerMonth": -1, "apiRequestsPerMonth": -1, "nope": 1}})
    assert {e["loc"] for e in info.value.errors()} == {
        ("usage", "flow_log_gb_per_month"),
        ("usage", "api_requests_per_month"),
        ("usage", "nope"),
    }


def test_a_figure_is_declared_once() -> None:
    from azplatform.components.records.billing import usage_figure

    with pytest.raises(ValueError, match="declared twice"):
        usage_figure("service_bus_operations_per_month", 0, "again")
    with pytest.raises(ValueError, match="declared twice"):
        usage_figure("api_requests_per_month", 0, "a field of UsageAssumptions")


def test_service_bus_standard_prices_the_operations_beyond_the_included_ones() -> None:
    from azplatform.components.records.servicebus import SERVICE_BUS_OPERATIONS

    namespace = {"location": "eastus", "sku": {"name": "Standard"}}
    resources = [
        R("azure-native:resources:ResourceGroup", "rg", {"location": "eastus"}),
        R("azure-native:servicebus:Namespace", "sb", namespace),
    ]
    prices = {"servicebus.standard.base": 0.0135, "servicebus.standard.operations": 0.8}
    usage = UsageAssumptions.with_figures().model_validate({SERVICE_BUS_OPERATIONS.key: 33_000_000})
    found = estimate(resources, usage, _table(prices))
    # 13 million operations a month are included in the base charge.
    assert found.total == pytest.approx(730 * 0.0135 + (33 - 13) * 0.8)
    (operations,) = [line for line in found.lines if line.meter == "servicebus.standard.operations"]
    assert operations.assumptions == ("serviceBusOperationsPerMonth",)


def test_a_declared_figure_is_refused_in_the_stack_file_at_its_own_key() -> None:
    from tests.test_schema import _stack_file_problem

    error = _stack_file_problem({"cost": {"usage": {"flowLogGbPerMonth": -1}}})
    assert [(p.path, p.message) for p in error.problems] == [
        ("cost.usage.flowLogGbPerMonth", "Input should be greater than or equal to 0")
    ]

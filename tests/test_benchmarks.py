"""Benchmark regression checks: a short run of benchmarks/ that fails when the program gets slower than the floor
measured in the same run, when ``import components`` gets slow, when rendering stops scaling linearly with apps,
or when ``pulumi up``'s critical path drifts from Azure's lower bound. Plus unit checks of the critical-path model.

Tolerances are wider than the targets (README "Benchmarks") because a short run on a shared 2-core machine is noisy;
ratios use each side's fastest run (other load only ever adds CPU time).

The timing measurements are marked ``bench``: ``make test`` runs them as their own step (``make bench-check``, about
45 s on 2 cores, the two sides of each comparison rendered side by side) after the unit suite, which deselects
them; the checks here that time nothing run with the unit suite.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from azplatform.plan import PlannedResource, ResourceOptions
from azplatform.stacks.offline import Plan, render
from benchmarks import report
from benchmarks.critical_path import analyse, build_graph
from benchmarks.floor import differences, replay_program, sdk_keyword_map
from benchmarks.imports import sdk_modules_loaded_at_import, time_import
from benchmarks.overhead import TARGET_RATIO, floor_specs, reference_plan
from benchmarks.prerequisites import requirement
from benchmarks.provisioning import lookup, provisioning_time
from benchmarks.runner import interleaved, min_ratio, summary
from benchmarks.scaling import analyse as analyse_scaling
from benchmarks.scaling import linear_fit, segment_ratio
from benchmarks.variants import ROOT, added_apps, app_count, render_spec, stack_values

# The target is 1.25x (median of 7 paired rounds, `make bench`); 3 rounds on a busy machine need headroom.
CI_MAX_OVERHEAD = TARGET_RATIO * 1.15


# Sizes of the scaling check: prod as it is (2 apps), and with clones of its api app up to these totals.
SCALING_TOTALS = (12, 22)


@pytest.fixture(scope="module")
def measured() -> dict[str, Any]:
    """One measurement serves both timing checks (about 40 s on 2 cores): prod through azplatform side by side with
    its SDK floor over 3 rounds (the overhead ratio), then prod with 12 and 22 apps side by side over 2 rounds (with
    prod's own renders, the scaling points). Each pair runs on the two cores at once (``interleaved(concurrent=
    True)``), so that both sides of a comparison see the same machine. The floor's plan is checked in-process by
    test_floor_registers_exactly_the_programs_plan."""
    program = {**render_spec(ROOT, "prod", label="azplatform prod"), "warm": False}
    values = stack_values(ROOT, "prod")
    larger = []
    for total in SCALING_TOTALS:
        spec = render_spec(ROOT, "prod", added_apps(values, total))
        larger.append({**spec, "label": f"{app_count(spec)} apps"})
    with tempfile.TemporaryDirectory(prefix="azp-bench-") as tmp:
        plan_path, plan = reference_plan(program, Path(tmp))
        floor = floor_specs(program, plan_path, plan)["sdk"]
        program_runs, floor_runs = interleaved([program, floor], rounds=3, concurrent=True)
        scaled = interleaved(larger, rounds=2, concurrent=True)
    points = [
        {"apps": app_count(s), **summary(r)} for s, r in zip([program, *larger], [program_runs, *scaled], strict=True)
    ]
    return {
        "overhead": min_ratio(program_runs, floor_runs, "cpu_s"),
        "program": summary(program_runs),
        "floor": summary(floor_runs),
        "points": points,
    }


@pytest.mark.bench
def test_program_overhead_over_the_sdk_floor_stays_within_tolerance(measured: dict[str, Any]) -> None:
    ratio = measured["overhead"]
    assert ratio <= CI_MAX_OVERHEAD, (
        f"rendering prod through azplatform costs {ratio:.2f}x registering the same plan with the azure-native SDK "
        f"(tolerance {CI_MAX_OVERHEAD:.2f}x; target {TARGET_RATIO}x): {measured['program']} vs {measured['floor']}"
    )


@pytest.mark.parametrize("kind", ["generic", "sdk"])
def test_floor_registers_exactly_the_programs_plan(prod_plan: Plan, kind: str) -> None:
    replayed = render(
        replay_program(prod_plan, kind, sdk_keyword_map(prod_plan)),
        project=prod_plan.project,
        stack=prod_plan.stack,
        config={},
    )
    assert differences(prod_plan, replayed) == []


def test_floor_comparison_notices_a_different_input(prod_plan: Plan) -> None:
    changed = Plan.from_dict(prod_plan.to_dict())
    vault = next(r for r in changed.resources if r.type == "azure-native:keyvault:Vault")
    vault.inputs["location"] = "northeurope"
    assert any("keyvault" in d and "inputs differs" in d for d in differences(prod_plan, changed))


@pytest.mark.bench
def test_import_components_takes_under_a_second() -> None:
    times = sorted(time_import("import azplatform.components") for _ in range(3))
    assert times[1] < 1.0, f"import azplatform.components took {times} s (median of 3, fresh interpreters)"


def test_import_components_loads_no_azure_native_submodule() -> None:
    loaded = sdk_modules_loaded_at_import()
    assert loaded == [], (
        f"import azplatform.components loads {loaded} eagerly (the package re-exports a module that reads the SDK at "
        "import, "
        "such as an enum in a constant); use the string value, or read it inside the function that needs it"
    )


def test_eager_sdk_load_at_import_is_detected(tmp_path: Path) -> None:
    package = tmp_path / "components"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import pulumi_azure_native as azure_native\nTIERS = list(azure_native.redisenterprise.SkuName)\n"
    )
    assert sdk_modules_loaded_at_import(tmp_path, package="components") == ["pulumi_azure_native.redisenterprise"]


@pytest.mark.bench
def test_render_time_grows_linearly_with_apps(measured: dict[str, Any]) -> None:
    points = measured["points"]
    apps = [p["apps"] for p in points]
    assert apps[1:] == list(SCALING_TOTALS) and apps[0] < apps[1], apps
    verdict = analyse_scaling(points, key="cpu_s_min", min_r2=0.9, slope_tolerance=2.5, flat_tolerance=1.5)
    assert verdict["linear"], f"{verdict}\n{points}"


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_pulumi_up_estimate_is_within_5_percent_of_azures_lower_bound(plans: dict[str, Plan], stack: str) -> None:
    result = analyse(plans[stack])
    assert result["meets_target"], (
        f"{stack}: estimated pulumi up {result['estimate_min']} min vs lower bound {result['lower_bound_min']} min; "
        f"edges on the critical path Azure does not require: {result['needless_edges_on_critical_path']}"
    )


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_planned_type_has_a_provisioning_time(plans: dict[str, Plan], stack: str) -> None:
    unlisted = sorted({r.type for r in plans[stack].resources if r.custom and lookup(r.type) is None})
    assert unlisted == [], f"add type records (azplatform.components.records) for {unlisted}"


# Types that compute, data, edge and policy bring (the table must know them before they land).
COMING_TYPES = [
    "azure-native:app:ManagedEnvironment",
    "azure-native:app:ContainerApp",
    "azure-native:app:Job",
    "azure-native:containerregistry:Registry",
    "azure-native:redisenterprise:RedisEnterprise",
    "azure-native:redisenterprise:Database",
    "azure-native:redisenterprise:AccessPolicyAssignment",
    "azure-native:cosmosdb:DatabaseAccount",
    "azure-native:cosmosdb:SqlResourceSqlDatabase",
    "azure-native:cosmosdb:SqlResourceSqlContainer",
    "azure-native:cosmosdb:SqlResourceSqlRoleAssignment",
    "azure-native:network:ApplicationGateway",
    "azure-native:network:WebApplicationFirewallPolicy",
    "azure-native:network:PublicIPAddress",
    "azure-native:apimanagement:ApiManagementService",
    "azure-native:apimanagement:Api",
    "azure-native:apimanagement:ApiOperation",
    "azure-native:apimanagement:ApiPolicy",
    "azure-native:apimanagement:Backend",
    "azure-native:apimanagement:Logger",
    "azure-native:apimanagement:Diagnostic",
    "azure-native:apimanagement:NamedValue",
    "azure-native:monitor:ActionGroup",
    "azure-native:monitor:MetricAlert",
    "azure-native:privatedns:PrivateRecordSet",
    "azure-native:keyvault:Secret",
    "azure-native:managedidentity:UserAssignedIdentity",
    "azure-native:authorization:RoleAssignment",
]


@pytest.mark.parametrize("type_token", COMING_TYPES)
def test_provisioning_table_covers_the_types_coming(type_token: str) -> None:
    assert lookup(type_token) is not None


def test_readme_benchmark_figures_match_the_committed_results() -> None:
    assert report.current_block() == report.readme_block(report.load()), "run `make bench` (or --readme-only)"


# --- the critical-path model on small hand-made plans ---------------------------------------------------------------

_RG = "azure-native:resources:ResourceGroup"
_APIM = "azure-native:apimanagement:ApiManagementService"
_AGW = "azure-native:network:ApplicationGateway"
_PIP = "azure-native:network:PublicIPAddress"


def _r(
    name: str,
    type_: str,
    *,
    deps: dict[str, list[str]] | None = None,
    explicit: tuple[str, ...] = (),
    parent: str | None = None,
    custom: bool = True,
    inputs: dict[str, Any] | None = None,
) -> PlannedResource:
    property_deps = {k: [f"urn:{u}" for u in v] for k, v in (deps or {}).items()}
    all_deps = sorted({u for v in property_deps.values() for u in v} | {f"urn:{u}" for u in explicit})
    return PlannedResource(
        urn=f"urn:{name}",
        type=type_,
        name=name,
        custom=custom,
        parent=f"urn:{parent}" if parent else None,
        protect=False,
        dependencies=all_deps,
        inputs=inputs or {},
        options=ResourceOptions(),
        propertyDependencies=property_deps,
    )


def _edge_plan(backend_via_apim: bool) -> Plan:
    agw_deps = {"resourceGroupName": ["rg"], "frontendIPConfigurations": ["pip"]}
    if backend_via_apim:
        agw_deps["backendAddressPools"] = ["apim"]
    return Plan(
        project="p",
        stack="s",
        resources=[
            _r("rg", _RG),
            _r("pip", _PIP, deps={"resourceGroupName": ["rg"]}),
            _r("apim", _APIM, deps={"resourceGroupName": ["rg"]}, inputs={"sku": {"name": "Premium"}}),
            _r("agw", _AGW, deps=agw_deps),
        ],
        outputs={},
    )


def test_gateway_waiting_on_api_management_is_flagged_as_needless() -> None:
    result = analyse(_edge_plan(backend_via_apim=True))
    assert result["estimate_min"] == pytest.approx(0.1 + 40 + 6)
    assert result["lower_bound_min"] == pytest.approx(0.1 + 40)
    assert not result["meets_target"]
    assert [(e["prerequisite"], e["dependent"]) for e in result["needless_edges_on_critical_path"]] == [("apim", "agw")]


def test_gateway_naming_api_management_by_host_name_meets_the_bound() -> None:
    result = analyse(_edge_plan(backend_via_apim=False))
    assert result["estimate_min"] == result["lower_bound_min"] == pytest.approx(0.1 + 40)
    assert result["meets_target"]


def test_private_endpoint_target_edge_is_required_only_through_its_connection() -> None:
    endpoint, vault = "azure-native:network:PrivateEndpoint", "azure-native:keyvault:Vault"
    assert requirement(endpoint, vault, ["privateLinkServiceConnections"]) is not None
    assert requirement(endpoint, vault, ["(depends_on)"]) is None


def test_child_of_a_custom_resource_waits_for_it_but_not_for_a_component_parent() -> None:
    plan = Plan(
        project="p",
        stack="s",
        resources=[
            _r("comp", "azplatform:index:Thing", custom=False),
            _r("rg", _RG, parent="comp"),
            _r("vault", "azure-native:keyvault:Vault", parent="comp"),
            _r("secret", "azure-native:keyvault:Secret", parent="vault"),
        ],
        outputs={},
    )
    graph = build_graph(plan)
    assert [e.prerequisite for e in graph["urn:secret"].preds] == ["urn:vault"]
    assert graph["urn:secret"].preds[0].via == ["(parent)"]
    assert graph["urn:vault"].preds == []


def test_depending_on_a_component_means_waiting_for_its_custom_children() -> None:
    plan = Plan(
        project="p",
        stack="s",
        resources=[
            _r("net", "azplatform:index:Net", custom=False),
            _r("nsg", "azure-native:network:NetworkSecurityGroup", parent="net"),
            _r("vnet", "azure-native:network:VirtualNetwork", parent="net"),
            _r("lock", "azure-native:authorization:ManagementLockByScope", explicit=["net"]),
        ],
        outputs={},
    )
    assert sorted(e.prerequisite for e in build_graph(plan)["urn:lock"].preds) == ["urn:nsg", "urn:vnet"]


def test_api_management_time_follows_its_sku() -> None:
    assert provisioning_time(_APIM, {"sku": {"name": "Premium"}}).minutes == 40
    assert provisioning_time(_APIM, {"sku": {"name": "PremiumV2"}}).minutes == 10


# --- the variant generator and the fits --------------------------------------------------------------------------


def test_added_apps_clone_the_api_entry_whole_up_to_the_total() -> None:
    values = stack_values(ROOT, "prod")
    clones = added_apps(values, len(values["apps"]) + 3)["apps"]
    assert len(clones) == 3
    assert all(entry == values["apps"]["api"] for entry in clones.values())
    assert added_apps(values, 1) == {}


def test_segment_ratio_tells_linear_from_quadratic_growth() -> None:
    xs = [10.0, 50.0, 250.0, 500.0]
    assert segment_ratio(xs, [0.03 * x for x in xs]) == pytest.approx(1.0)
    assert segment_ratio(xs, [0.0001 * x * x for x in xs]) > 5
    assert linear_fit(xs, [1 + 2 * x for x in xs])["r2"] == pytest.approx(1.0)

"""The PR diff predicts what Azure itself will do: changes it refuses, outages, and replacements that cascade.

Each case is a pull request on the prod stack: the rendered prod plan as the base, the same plan with one edit as the
head. The right class of risk must come first in the comment, naming the resource and the property.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from azplatform.components.records import record
from azplatform.components.records.ai import DEPLOYMENT
from azplatform.components.records.compute import CONTAINER_APP, JOB, MANAGED_ENVIRONMENT
from azplatform.components.records.data import COSMOS_ACCOUNT, KEY_VAULT, REDIS_CLUSTER
from azplatform.components.records.edge import PUBLIC_IP
from azplatform.components.records.model import any_change, decreases, moved_from, turned_off
from azplatform.components.records.postgres import SERVER
from azplatform.plan import Plan
from azplatform.stacks import diff_report
from azplatform.stacks.cli import main
from azplatform.stacks.diff import StackDiff, compare, create_only_inputs
from azplatform.stacks.risks import RISK_ORDER, Action, Risk, RiskKind
from tests.synthetic import edited, of_type, plan

EditFn = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def base(prod_plan: Plan) -> dict[str, Any]:
    return prod_plan.to_dict()


def _set(path: str, value: Any) -> EditFn:
    def edit(res: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node = res["inputs"]
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value

    return edit


def _pr(base: dict[str, Any], type_token: str, edit: EditFn) -> tuple[StackDiff, dict[str, Any]]:
    head = edited(base, edit, of_type(type_token))
    return compare(plan(base), plan(head)), head


def _top(diff: StackDiff) -> Risk:
    return sorted(diff.risks, key=lambda r: RISK_ORDER.index(r.kind))[0]


def _first_comment_row(base: dict[str, Any], head: dict[str, Any]) -> str:
    report = diff_report.DiffReport([compare(plan(base), plan(head))], {"prod": plan(head)})
    rows = [
        line for line in diff_report.to_markdown(report).splitlines() if line.startswith("| ") and "|---" not in line
    ]
    return next(row for row in rows if any(kind.value in row for kind in RiskKind))


def _one_resource(prod: Plan, type_token: str) -> str:
    (found,) = prod.of_type(type_token)
    return found.name


# --- refused or one-way: the deploy would fail ----------------------------------------------------------------------
def test_a_soft_delete_retention_change_is_refused_by_azure(base: dict[str, Any], prod_plan: Plan) -> None:
    diff, head = _pr(base, KEY_VAULT, _set("properties.softDeleteRetentionInDays", 30))
    top = _top(diff)
    assert top.kind is RiskKind.REFUSED
    assert top.name == _one_resource(prod_plan, KEY_VAULT)
    assert "`properties.softDeleteRetentionInDays` 90 → 30" in top.message
    assert "the deploy fails at this resource" in top.message and "keyVault.softDeleteRetentionDays" in top.message
    row = _first_comment_row(base, head)
    assert "refused by Azure" in row and top.name in row
    # Azure updates nothing else in place: the plan shows an update, the risk says it will fail.
    assert diff.count(Action.UPDATE) == 1 and diff.count(Action.REPLACE) == 0


def test_turning_purge_protection_off_is_refused_by_azure(base: dict[str, Any]) -> None:
    diff, head = _pr(base, KEY_VAULT, _set("properties.enablePurgeProtection", False))
    top = _top(diff)
    assert top.kind is RiskKind.REFUSED and "`properties.enablePurgeProtection` true → false" in top.message
    assert "refused by Azure" in _first_comment_row(base, head)


def test_continuous_to_periodic_backup_is_refused_by_azure(base: dict[str, Any], prod_plan: Plan) -> None:
    assert next(iter(prod_plan.of_type(COSMOS_ACCOUNT))).inputs["backupPolicy"]["type"] == "Continuous"
    diff, head = _pr(base, COSMOS_ACCOUNT, _set("backupPolicy", {"type": "Periodic"}))
    top = _top(diff)
    assert top.kind is RiskKind.REFUSED and top.name == _one_resource(prod_plan, COSMOS_ACCOUNT)
    assert '`backupPolicy.type` "Continuous" → "Periodic"' in top.message
    assert "refused by Azure" in _first_comment_row(base, head)


def test_the_allowed_direction_of_a_one_way_change_is_no_risk(base: dict[str, Any]) -> None:
    periodic = edited(base, _set("backupPolicy", {"type": "Periodic"}), of_type(COSMOS_ACCOUNT))
    back = compare(plan(periodic), plan(base))  # Periodic -> Continuous: Azure migrates in place
    assert not [r for r in back.risks if r.kind is RiskKind.REFUSED]


def test_shrinking_postgres_storage_is_refused_and_names_the_stack_key(base: dict[str, Any]) -> None:
    diff, _ = _pr(base, SERVER, _set("storage.storageSizeGB", 32))
    top = _top(diff)
    assert top.kind is RiskKind.REFUSED and "storage never shrinks" in top.message
    assert "postgres.storageSizeGb" in top.message
    grown, _ = _pr(base, SERVER, _set("storage.storageSizeGB", 4096))
    assert not [r for r in grown.risks if r.kind is RiskKind.REFUSED]


def test_a_change_azure_may_refuse_says_the_offline_diff_cannot_tell(base: dict[str, Any]) -> None:
    diff, _ = _pr(base, REDIS_CLUSTER, _set("sku.name", "Balanced_B50"))
    (refused,) = [r for r in diff.risks if r.kind is RiskKind.REFUSED]
    assert "Azure may refuse this" in refused.message and "the offline diff cannot tell" in refused.message
    assert "listSkusForScaling" in refused.message


@pytest.mark.parametrize(
    ("predicate", "old", "new", "refused"),
    [
        (any_change, 90, 30, True),
        (turned_off, True, False, True),
        (turned_off, True, None, True),
        (turned_off, False, True, False),
        (turned_off, "Enabled", "Disabled", True),
        (moved_from("Continuous"), "Continuous", "Periodic", True),
        (moved_from("Continuous"), "Periodic", "Continuous", False),
        (decreases, 128, 64, True),
        (decreases, "16", "15", True),
        (decreases, 64, 128, False),
        (decreases, "16", None, False),
    ],
)
def test_refusal_predicates(predicate: Callable[[Any, Any], bool], old: Any, new: Any, refused: bool) -> None:
    assert predicate(old, new) is refused


# --- outage and cascade ---------------------------------------------------------------------------------------------
def test_a_new_environment_subnet_is_an_outage_that_replaces_every_app_and_job(
    base: dict[str, Any], prod_plan: Plan
) -> None:
    def new_subnet(res: dict[str, Any]) -> None:
        vnet = res["inputs"]["vnetConfiguration"]
        vnet["infrastructureSubnetId"] = vnet["infrastructureSubnetId"].rsplit("/", 1)[0] + "/snet-apps-v2"

    diff, head = _pr(base, MANAGED_ENVIRONMENT, new_subnet)
    environment = _one_resource(prod_plan, MANAGED_ENVIRONMENT)
    top = _top(diff)
    assert top.kind is RiskKind.OUTAGE and top.name == environment
    assert "`vnetConfiguration.infrastructureSubnetId`" in top.message and "every app and job" in top.message
    workloads = {r.name for r in [*prod_plan.of_type(CONTAINER_APP), *prod_plan.of_type(JOB)]}
    assert len(workloads) >= 3  # api, worker and the PostgreSQL roles job
    replaced = {c.name for c in diff.changes if c.action is Action.REPLACE}
    assert {environment, *workloads} <= replaced
    by_cascade = {c.name for c in diff.changes if c.cascaded_from is not None}
    assert workloads <= by_cascade and environment not in by_cascade
    (cascade,) = [r for r in diff.risks if r.kind is RiskKind.CASCADE]
    assert cascade.name == environment and f"forces {diff.cascaded} more" in cascade.message
    assert all(f"`{name}`" in cascade.message for name in workloads)
    # Each app is an outage of its own, and the summary counts every replacement.
    assert {r.name for r in diff.risks if r.kind is RiskKind.OUTAGE} >= {environment} | {
        a.name for a in prod_plan.of_type(CONTAINER_APP)
    }
    assert diff.unchanged == len(prod_plan.resources) - len(diff.changes)
    summary = diff_report.to_markdown(diff_report.DiffReport([diff], {"prod": plan(head)}))
    assert f"| {diff.count(Action.REPLACE)} ({diff.cascaded} by cascade) |" in summary
    assert len(summary.encode("utf-8")) <= diff_report.GITHUB_COMMENT_LIMIT


def test_a_zone_change_on_the_gateway_public_ip_is_an_outage(base: dict[str, Any], prod_plan: Plan) -> None:
    diff, head = _pr(base, PUBLIC_IP, _set("zones", ["1"]))
    top = _top(diff)
    assert top.kind is RiskKind.OUTAGE and top.name == _one_resource(prod_plan, PUBLIC_IP)
    assert "`zones`" in top.message and "a new address" in top.message
    assert "outage" in _first_comment_row(base, head)
    # Its lock and diagnostic setting hang off its id: they go with it.
    cascaded = {c.type for c in diff.changes if c.cascaded_from is not None}
    assert "azure-native:monitor:DiagnosticSetting" in cascaded


def test_an_update_that_references_a_replaced_resource_is_not_a_cascade(base: dict[str, Any]) -> None:
    # The API Management backend's url points at the environment's domain: an update, not a create-only input.
    assert "url" not in create_only_inputs("azure-native:apimanagement:Backend")
    assert "environmentId" in create_only_inputs(CONTAINER_APP)
    assert {"resourceGroupName", "containerAppName", "location"} <= create_only_inputs(CONTAINER_APP)


def test_every_type_that_serves_traffic_says_what_its_replacement_interrupts() -> None:
    for token in (MANAGED_ENVIRONMENT, CONTAINER_APP, PUBLIC_IP, "azure-native:network:ApplicationGateway"):
        assert record(token).outage, token
    assert record(KEY_VAULT).outage is None


# --- the command and its cost ---------------------------------------------------------------------------------------
def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_fail_on_refused_exits_2_after_writing_the_report(
    tmp_path: Path, base: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    head = edited(base, _set("properties.softDeleteRetentionInDays", 7), of_type(KEY_VAULT))
    base_file, head_file = _write(tmp_path / "base.json", base), _write(tmp_path / "head.json", head)
    out = tmp_path / "diff.md"
    args = ["diff", str(base_file), str(head_file), "--format", "markdown", "--output", str(out)]
    assert main([*args, "--fail-on-refused"]) == 2
    assert "refused by Azure" in out.read_text(encoding="utf-8")
    assert "softDeleteRetentionInDays" in capsys.readouterr().err
    assert main(args) == 0
    assert main(["diff", str(base_file), str(base_file), "--fail-on-refused", "--output", str(out)]) == 0


def test_the_cascade_keeps_the_diff_fast(base: dict[str, Any]) -> None:
    # The cascade walks the head plan's property dependencies once: its cost is a fraction of the comparison.
    old, same = plan(base), plan(base)
    start = time.perf_counter()
    for _ in range(5):
        compare(old, same)
    plain = time.perf_counter() - start

    def new_subnet(res: dict[str, Any]) -> None:
        res["inputs"]["vnetConfiguration"]["infrastructureSubnetId"] += "-v2"

    head = plan(edited(base, new_subnet, of_type(MANAGED_ENVIRONMENT)))
    start = time.perf_counter()
    for _ in range(5):
        compare(old, head)
    cascading = time.perf_counter() - start
    assert cascading < plain * 1.5 + 0.05


# --- model deployments ----------------------------------------------------------------------------------------------
def test_deleting_a_model_deployment_is_an_outage_of_its_route(base: dict[str, Any]) -> None:
    head = dict(base)
    head["resources"] = [
        r for r in base["resources"] if not (r["type"] == DEPLOYMENT and r["inputs"]["deploymentName"] == "chat-ptu")
    ]
    diff = compare(plan(base), plan(head))
    outages = [r for r in diff.risks if r.kind is RiskKind.OUTAGE and r.type == DEPLOYMENT]
    assert outages and "deletes it" in outages[0].message and "no guarantee" in outages[0].message


def test_lowering_provisioned_throughput_is_flagged_and_pay_as_you_go_capacity_is_not(base: dict[str, Any]) -> None:
    def ptu(res: dict[str, Any]) -> bool:
        return res["type"] == DEPLOYMENT and res["inputs"]["deploymentName"] == "chat-ptu"

    def standard(res: dict[str, Any]) -> bool:
        return res["type"] == DEPLOYMENT and res["inputs"]["deploymentName"] == "chat"

    lowered = edited(
        base, lambda r: r["inputs"]["sku"].__setitem__("capacity", r["inputs"]["sku"]["capacity"] - 5), ptu
    )
    diff = compare(plan(base), plan(lowered))
    (risk,) = [r for r in diff.risks if r.type == DEPLOYMENT]
    assert risk.kind is RiskKind.OUTAGE and "5 provisioned throughput units go back to the region" in risk.message
    raised = edited(base, lambda r: r["inputs"]["sku"].__setitem__("capacity", r["inputs"]["sku"]["capacity"] + 5), ptu)
    assert not [r for r in compare(plan(base), plan(raised)).risks if r.type == DEPLOYMENT]
    quota = edited(base, lambda r: r["inputs"]["sku"].__setitem__("capacity", 1), standard)
    assert not [r for r in compare(plan(base), plan(quota)).risks if r.type == DEPLOYMENT]

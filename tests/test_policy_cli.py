"""The offline enforcement point: the three stacks are clean, ``azplatform policy check`` flags edited plans,
``azplatform plan`` fails on a mandatory violation, and the generated docs and pack configs are current."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from azplatform.policy.docs import pack_config, rules_markdown
from azplatform.policy.offline import check_plan
from azplatform.stacks.cli import EXIT_CONFIG, EXIT_OK, EXIT_POLICY, main
from azplatform.stacks.offline import Plan
from tests.policy_cases import find

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_stack_renders_with_no_mandatory_violation(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    assert [v for v in plan.violations if v.level == "mandatory"] == []
    assert [f for f in check_plan(plan) if f.level == "mandatory"] == []


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_plan_json_carries_the_policy_section(plans: dict[str, Plan], stack: str) -> None:
    policy = plans[stack].to_dict()["policy"]
    # The worker scales on Service Bus with its identity, so no KEDA key exception; the one finding is the declared,
    # time-boxed exception of the semantic cache (Redis keys for API Management, staging and prod), as advisory.
    expected = [] if stack == "dev" else [("AZP-REDIS-004", "advisory", "exception until 2027-05-31")]
    assert [
        (v["policy"], v["level"], "exception until 2027-05-31" if "2027-05-31" in v["message"] else v["message"])
        for v in policy["violations"]
    ] == expected


def _saved(plan: Plan, path: Path) -> dict[str, Any]:
    plan.write(path)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _check(path: Path, data: dict[str, Any], *extra: str) -> int:
    path.write_text(json.dumps(data), encoding="utf-8")
    return main(["policy", "check", str(path), *extra])


def _resource(data: dict[str, Any], type_token: str) -> dict[str, Any]:
    [found] = [r for r in data["resources"] if r["type"] == type_token]
    return found


def _synthesize(data: dict[str, Any], estate: Plan, name: str, **input_changes: Any) -> None:
    """Add one of the estate's (SDK-rendered) resources to a saved plan, with some inputs changed."""
    resource = next(r for r in estate.to_dict()["resources"] if r["name"] == name)
    resource["inputs"].update(input_changes)
    resource["inputs"]["tags"] = {**resource["inputs"].get("tags", {}), "environment": "prod"}
    resource["urn"] = resource["urn"].replace("prod::azplatform::pulumi:pulumi:Stack$", "prod::azplatform::")
    data["resources"].append(resource)


def test_check_of_a_clean_saved_plan_exits_zero(prod_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "prod.json"
    prod_plan.write(path)
    assert main(["policy", "check", str(path)]) == EXIT_OK


def test_check_flags_purge_protection_turned_off(
    prod_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "prod.json"
    data = _saved(prod_plan, path)
    _resource(data, "azure-native:keyvault:Vault")["inputs"]["properties"]["enablePurgeProtection"] = False
    assert _check(path, data) == EXIT_POLICY
    assert "[mandatory] AZP-KV-001" in capsys.readouterr().out


def test_check_flags_public_network_access_on_cosmos(
    prod_plan: Plan, policy_estate: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "prod.json"
    data = _saved(prod_plan, path)
    _synthesize(data, policy_estate, "cosmos", publicNetworkAccess="Enabled")
    assert _check(path, data) == EXIT_POLICY
    out = capsys.readouterr().out
    assert "[mandatory] AZP-COSMOS-002 cosmos: publicNetworkAccess is 'Enabled'" in out


def test_check_flags_waf_detection_mode_in_prod(
    prod_plan: Plan, policy_estate: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "prod.json"
    data = _saved(prod_plan, path)
    waf_settings = dict(find(policy_estate, "waf").inputs["policySettings"])
    _synthesize(data, policy_estate, "waf", policySettings={**waf_settings, "mode": "Detection"})
    assert _check(path, data) == EXIT_POLICY
    assert "[mandatory] AZP-WAF-002 waf: policySettings.mode is 'Detection'" in capsys.readouterr().out


def test_waf_detection_mode_is_only_advisory_when_checked_as_dev(
    dev_plan: Plan, policy_estate: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dev.json"
    data = _saved(dev_plan, path)
    _synthesize(data, policy_estate, "waf", policySettings={"state": "Enabled", "mode": "Detection"})
    data["resources"][-1]["inputs"]["tags"]["environment"] = "dev"
    _check(path, data)
    assert "[advisory] AZP-WAF-002" in capsys.readouterr().out


def test_check_flags_a_removed_diagnostic_setting(
    prod_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "prod.json"
    data = _saved(prod_plan, path)
    data["resources"] = [r for r in data["resources"] if r["name"] != "platform-kv-diag"]
    assert _check(path, data) == EXIT_POLICY
    assert "[mandatory] AZP-STACK-002 platform-kv: has no diagnostic setting" in capsys.readouterr().out


def test_check_infers_the_environment_from_tags_for_another_teams_stack(
    prod_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "team.json"
    data = _saved(prod_plan, path)
    data["stack"] = "team-payments"
    assert _check(path, data) == EXIT_OK
    assert "(prod)" in capsys.readouterr().out


def test_check_without_any_environment_asks_for_stack_env(
    prod_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "anon.json"
    data = _saved(prod_plan, path)
    data["stack"] = "sandbox"
    for r in data["resources"]:
        r["inputs"].pop("tags", None)
    assert _check(path, data) == EXIT_CONFIG
    assert "--stack-env" in capsys.readouterr().err
    assert _check(path, data, "--stack-env", "dev") == EXIT_POLICY  # untagged resources break AZP-TAG-001


def test_check_of_an_unreadable_plan_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    assert main(["policy", "check", str(path)]) == EXIT_CONFIG


def test_plan_exits_one_and_records_the_violation_when_a_mandatory_rule_breaks(tmp_path: Path) -> None:
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    stack = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    stack["config"]["azplatform:observability"] = {"retentionDays": 30}  # prod keeps at least 90
    (tmp_path / "Pulumi.prod.yaml").write_text(yaml.safe_dump(stack), encoding="utf-8")
    out = tmp_path / "plan.json"
    assert main(["plan", "--stack", "prod", "--project-dir", str(tmp_path), "--json", str(out)]) == EXIT_POLICY
    violations = json.loads(out.read_text(encoding="utf-8"))["policy"]["violations"]
    [violation] = [v for v in violations if v["level"] == "mandatory"]
    assert violation["policy"] == "AZP-LOG-002" and violation["level"] == "mandatory"
    assert set(violation) == {"policy", "level", "urn", "message"}


def test_committed_rules_table_matches_the_generator() -> None:
    committed = (ROOT / "docs" / "policy-rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "run: azplatform policy docs > docs/policy-rules.md"


@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_committed_pack_config_matches_the_generator(environment: str) -> None:
    committed = (ROOT / "policy" / "config" / f"{environment}.json").read_text(encoding="utf-8")
    expected = pack_config(environment)  # type: ignore[arg-type]
    assert committed == expected, f"run: azplatform policy pack-config --stack-env {environment}"


def test_docs_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "docs"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out == rules_markdown()
    assert "| AZP-KV-001 | Key Vault purge protection is on. |" in out

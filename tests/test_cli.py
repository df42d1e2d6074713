"""The ``azplatform plan`` command: summary, JSON contract, secrets masked, and exit statuses."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from azplatform.plan import PLAN_VERSION
from azplatform.stacks.cli import EXIT_CONFIG, EXIT_OK, main
from azplatform.stacks.offline import Plan

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def prod_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict[str, object]]:
    """``azplatform plan --stack prod --json FILE`` run once, in-process."""
    out = tmp_path_factory.mktemp("plan") / "prod.json"
    capture = _Capture()
    with capture:
        status = main(["plan", "--stack", "prod", "--json", str(out), "--project-dir", str(ROOT)])
    return status, capture.text, json.loads(out.read_text())


class _Capture:
    """Captures stdout in-process (the module fixture can't use capsys)."""

    def __enter__(self) -> None:
        import io

        self._buffer = io.StringIO()
        self._stdout = sys.stdout
        sys.stdout = self._buffer

    def __exit__(self, *_: object) -> None:
        sys.stdout = self._stdout
        self.text = self._buffer.getvalue()


def test_plan_exits_zero_for_a_clean_stack(prod_json: tuple[int, str, dict[str, object]]) -> None:
    assert prod_json[0] == EXIT_OK


def test_plan_prints_counts_by_type_and_a_tree(prod_json: tuple[int, str, dict[str, object]]) -> None:
    text = prod_json[1]
    assert "By type:" in text and "Tree:" in text
    assert "azure-native:keyvault:Vault" in text
    assert "platform-kv (azure-native:keyvault:Vault) [protected]" in text


def test_plan_json_follows_the_design_contract(prod_json: tuple[int, str, dict[str, object]]) -> None:
    document = prod_json[2]
    assert document["project"] == "azplatform" and document["stack"] == "prod"
    assert set(document) == {"version", "project", "stack", "resources", "outputs", "policy"}
    assert document["version"] == PLAN_VERSION
    assert isinstance(document["policy"], dict) and "violations" in document["policy"]
    resources = document["resources"]
    assert isinstance(resources, list) and resources
    required = {"urn", "type", "name", "custom", "parent", "protect", "dependencies", "inputs", "options"}
    for resource in resources:
        assert required <= set(resource)
        assert set(resource["options"]) == {
            "ignoreChanges",
            "replaceOnChanges",
            "deleteBeforeReplace",
            "retainOnDelete",
        }
    # The JSON reads back into the same plan.
    plan = Plan.from_dict(document)
    assert len(plan.resources) == len(resources)


def test_plan_json_never_holds_a_secret_value(prod_json: tuple[int, str, dict[str, object]]) -> None:
    text = json.dumps(prod_json[2])
    assert "InstrumentationKey=" not in text
    assert prod_json[2]["outputs"]["appInsightsConnectionString"] == "[secret]"  # type: ignore[index]


def test_missing_stack_file_exits_with_config_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "nope", "--project-dir", str(ROOT)]) == EXIT_CONFIG
    assert "Pulumi.nope.yaml does not exist" in capsys.readouterr().err


def test_broken_stack_file_exits_2_with_a_one_screen_error_and_no_traceback(tmp_path: Path) -> None:
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    document = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())
    config = document["config"]
    config["azplatform:network"]["subnets"]["gateway"] = "10.30.0.0/25"
    config["azplatform:keyVault"] = {"sku": "gold"}
    (tmp_path / "Pulumi.prod.yaml").write_text(yaml.safe_dump(document))
    result = subprocess.run(
        [sys.executable, "-m", "azplatform.stacks.cli", "plan", "--stack", "prod", "--project-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "error: Pulumi.prod.yaml: 2 configuration problems; nothing was deployed."
    assert len(lines) <= 24
    assert "azplatform:keyVault.sku = 'gold'" in result.stderr
    assert "'standard' or 'premium'" in result.stderr
    assert "azplatform:network.subnets.gateway = '10.30.0.0/25'" in result.stderr
    assert result.stdout == ""  # nothing rendered, no summary

"""The GitHub Actions workflows: PR previews (offline and cloud) and the staged deploy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
STACKS = ["dev", "staging", "prod"]


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def preview() -> dict[str, Any]:
    return _load("preview.yml")


@pytest.fixture(scope="module")
def deploy() -> dict[str, Any]:
    return _load("deploy.yml")


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    triggers = workflow.get(True, workflow.get("on"))
    assert isinstance(triggers, dict)
    return triggers


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    steps = job["steps"]
    assert isinstance(steps, list)
    return steps


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in _steps(job) if str(s.get("uses", "")).startswith(action + "@")]


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_no_workflow_uses_pull_request_target(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    triggers = _triggers(_load(name))
    assert "pull_request_target" not in triggers
    # Only the explanatory comment may name it.
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "pull_request_target" not in code


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_no_workflow_holds_a_client_secret(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8").lower()
    for forbidden in ("client-secret", "client_secret", "clientsecret", "azure_credentials", "creds:"):
        assert forbidden not in text


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_azure_login_is_oidc_from_variables(name: str) -> None:
    workflow = _load(name)
    logins = [s for job in workflow["jobs"].values() for s in _uses(job, "azure/login")]
    assert logins
    for step in logins:
        assert step["with"] == {
            "client-id": "${{ vars.AZURE_CLIENT_ID }}",
            "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
            "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        }


def test_preview_runs_on_pull_requests_with_read_only_default_permissions(preview: dict[str, Any]) -> None:
    assert set(_triggers(preview)) == {"pull_request"}
    assert preview["permissions"] == {"contents": "read"}


def test_cloud_preview_job_has_oidc_permissions(preview: dict[str, Any]) -> None:
    job = preview["jobs"]["cloud-preview"]
    assert job["permissions"] == {"id-token": "write", "contents": "read", "pull-requests": "write"}


def test_cloud_preview_matrix_covers_every_stack(preview: dict[str, Any]) -> None:
    job = preview["jobs"]["cloud-preview"]
    assert job["strategy"]["matrix"]["stack"] == STACKS
    assert job["strategy"]["fail-fast"] is False


def test_cloud_preview_skips_forks_and_unconfigured_repositories(preview: dict[str, Any]) -> None:
    job = preview["jobs"]["cloud-preview"]
    condition = " ".join(job["if"].split())
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert "vars.AZURE_CLIENT_ID != ''" in condition
    assert "needs.cloud-gate.outputs.enabled == 'true'" in condition
    assert job["needs"] == "cloud-gate"
    gate = preview["jobs"]["cloud-gate"]
    env = _steps(gate)[0]["env"]
    # Secrets are not allowed in job-level conditions: the gate turns their presence into an output.
    assert env["HAS_PULUMI_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}"
    assert env["BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert gate["permissions"] == {}


def test_cloud_preview_uses_pulumi_action_with_policy_and_sticky_comment(preview: dict[str, Any]) -> None:
    job = preview["jobs"]["cloud-preview"]
    (step,) = _uses(job, "pulumi/actions")
    inputs = step["with"]
    assert inputs["command"] == "preview"
    assert inputs["policyPacks"] == "policy"
    assert inputs["comment-on-pr"] is True
    assert inputs["comment-on-pr-number"] == "${{ github.event.pull_request.number }}"
    assert inputs["edit-pr-comment"] is True
    assert inputs["suppress-outputs"] is True
    assert inputs["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert "matrix.stack" in inputs["stack-name"]
    assert job["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert job["env"]["ARM_USE_OIDC"] == "true"


def test_offline_diff_runs_without_cloud_secrets(preview: dict[str, Any]) -> None:
    job = preview["jobs"]["offline-diff"]
    assert "if" not in job
    assert "secrets." not in yaml.safe_dump(job)
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_offline_diff_renders_the_base_with_the_base_code(preview: dict[str, Any]) -> None:
    job = preview["jobs"]["offline-diff"]
    checkouts = _uses(job, "actions/checkout")
    by_path = {s["with"]["path"]: s["with"] for s in checkouts}
    assert by_path["base"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert "ref" not in by_path["head"]
    runs = "\n".join(str(s.get("run", "")) for s in _steps(job))
    assert "(cd base && .venv/bin/azplatform plan" in runs
    assert "(cd head && .venv/bin/azplatform plan" in runs
    assert "azplatform diff plans/base plans/head --format markdown" in runs


def test_offline_diff_keeps_one_sticky_comment_or_writes_the_job_summary(preview: dict[str, Any]) -> None:
    job = preview["jobs"]["offline-diff"]
    (comment,) = _uses(job, "actions/github-script")
    assert comment["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    script = comment["with"]["script"]
    assert "<!-- azplatform-diff -->" in script
    assert "updateComment" in script and "createComment" in script
    summary = [s for s in _steps(job) if "GITHUB_STEP_SUMMARY" in str(s.get("run", ""))]
    assert summary and "if" not in summary[0]
    runs = "\n".join(str(s.get("run", "")) for s in _steps(job))
    assert "--format markdown --limit 1000000 --output summary.md" in runs


def test_deploy_runs_on_push_to_main(deploy: dict[str, Any]) -> None:
    assert _triggers(deploy) == {"push": {"branches": ["main"]}}
    assert deploy["permissions"] == {"contents": "read"}


def test_deploy_promotes_dev_then_staging_then_prod(deploy: dict[str, Any]) -> None:
    jobs = deploy["jobs"]
    assert list(jobs) == STACKS
    assert "needs" not in jobs["dev"]
    assert jobs["staging"]["needs"] == "dev"
    assert jobs["prod"]["needs"] == "staging"


@pytest.mark.parametrize("stack", STACKS)
def test_deploy_job_has_environment_oidc_and_per_stack_concurrency(deploy: dict[str, Any], stack: str) -> None:
    job = deploy["jobs"][stack]
    assert job["environment"] == stack
    assert job["concurrency"] == {"group": f"pulumi-stack-{stack}", "cancel-in-progress": False}
    assert job["permissions"] == {"id-token": "write", "contents": "read"}
    (up,) = _uses(job, "pulumi/actions")
    assert up["with"]["command"] == "up"
    assert f"'{stack}'" in up["with"]["stack-name"]
    assert up["with"]["policyPacks"] == "policy"
    gate = [s for s in _steps(job) if "azplatform plan --stack" in str(s.get("run", ""))]
    assert gate and _steps(job).index(gate[0]) < _steps(job).index(up)
    assert job["env"]["STACK"] == stack


def test_deploy_concurrency_groups_are_distinct_per_stack(deploy: dict[str, Any]) -> None:
    groups = [job["concurrency"]["group"] for job in deploy["jobs"].values()]
    assert len(set(groups)) == len(STACKS)

"""The GitHub Actions workflows: PR previews (offline and cloud) and the staged deploy."""

from __future__ import annotations

import os
import re
import subprocess
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


# Every action the workflows use, pinned to a full commit SHA with its release in a comment. Each SHA was read from
# the action's repository (the tag's commit) and its action.yml at that commit says `using: node24`: GitHub removes
# node20 from its runners on 2026-09-23. A new pin must be verified the same way and added here.
VERIFIED_PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "azure/login": ("f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca", "v3.0.1"),
    "pulumi/actions": ("8e5e406f4007fca908480587cb9893c07090f58d", "v7.0.0"),
    "actions/github-script": ("ed597411d8f924073f98dfc5c65a23a2325f34cd", "v8.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
}
# The first major of each action whose runtime is node24 (earlier majors run on node20 or older).
FIRST_NODE24_MAJOR = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "azure/login": 3,
    "pulumi/actions": 7,
    "actions/github-script": 8,
    "actions/upload-artifact": 6,
}
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40})$")
VERSION_COMMENT = re.compile(r"^\s+# (?P<version>v(?P<major>\d+)\.\d+\.\d+)$")


def _uses_lines(name: str) -> list[tuple[int, str, str]]:
    """(line number, reference, the rest of the line) of every `uses:` in a workflow file."""
    found = []
    for number, line in enumerate((WORKFLOWS / name).read_text(encoding="utf-8").splitlines(), start=1):
        match = USES_LINE.match(line)
        if match:
            found.append((number, match["ref"], match["rest"]))
    return found


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


# --- action pins and runtimes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_every_action_is_pinned_to_a_verified_commit_with_its_version_in_a_comment(name: str) -> None:
    lines = _uses_lines(name)
    assert lines
    for number, ref, rest in lines:
        where = f"{name}:{number}: {ref}{rest}"
        pinned = PINNED.match(ref)
        assert pinned, f"{where}: pin the action to a full 40-hex commit SHA"
        comment = VERSION_COMMENT.match(rest)
        assert comment, f"{where}: name the pinned release in a comment, `# vX.Y.Z`"
        assert pinned["action"] in VERIFIED_PINS, f"{where}: verify the SHA and add it to VERIFIED_PINS"
        assert (pinned["sha"], comment["version"]) == VERIFIED_PINS[pinned["action"]], where


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_every_action_is_on_a_major_that_runs_on_node24(name: str) -> None:
    for number, ref, rest in _uses_lines(name):
        action = ref.split("@", 1)[0]
        comment = VERSION_COMMENT.match(rest)
        assert comment, f"{name}:{number}"
        assert int(comment["major"]) >= FIRST_NODE24_MAJOR[action], f"{name}:{number}: {action} runs on node20"


def test_the_pin_table_holds_node24_majors_only() -> None:
    assert set(VERIFIED_PINS) == set(FIRST_NODE24_MAJOR)
    for action, (_, version) in VERIFIED_PINS.items():
        assert int(version[1:].split(".")[0]) >= FIRST_NODE24_MAJOR[action], action


def test_a_movable_tag_or_short_sha_fails_the_pin_check() -> None:
    assert PINNED.match("actions/checkout@v7") is None
    assert PINNED.match("actions/checkout@3d3c42e") is None
    assert VERSION_COMMENT.match(" # v7") is None
    assert PINNED.match("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1")


JOBS_SCRIPT = WORKFLOWS.parent / "scripts" / "run-post-deploy-jobs.sh"


@pytest.mark.parametrize("stack", STACKS)
def test_each_deploy_runs_the_post_deploy_jobs_right_after_pulumi_up(deploy: dict[str, Any], stack: str) -> None:
    steps = _steps(deploy["jobs"][stack])
    up = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("pulumi/actions@"))
    jobs = steps[up + 1]
    assert steps[up]["id"] == "up"
    assert jobs["run"] == ".github/scripts/run-post-deploy-jobs.sh"
    # Outputs reach the script through env, never spliced into the shell text (template injection).
    assert jobs["env"] == {
        "JOBS": "${{ steps.up.outputs.postDeployJobs }}",
        "GROUP": "${{ steps.up.outputs.resourceGroupName }}",
    }


def _fake_az(tmp_path: Path, statuses: list[str]) -> dict[str, str]:
    """A fake ``az`` on PATH that records its calls and reports ``statuses`` one per execution-show call."""
    (tmp_path / "statuses").write_text("\n".join(statuses) + "\n", encoding="utf-8")
    az = tmp_path / "az"
    az.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$*" >> {tmp_path}/calls\n'
        'case "$*" in\n'
        '  *"job start"*) echo exec-1 ;;\n'
        f'  *"execution show"*) head -n1 {tmp_path}/statuses; sed -i 1d {tmp_path}/statuses ;;\n'
        "esac\n",
        encoding="utf-8",
    )
    az.chmod(0o755)
    (tmp_path / "sleep").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "sleep").chmod(0o755)
    return {"PATH": f"{tmp_path}:{os.environ['PATH']}", "GROUP": "rg-azp-prod-weu"}


ROLES = "caj-azp-pgroles-prod-weu"


@pytest.mark.parametrize(
    ("jobs", "statuses", "code", "started"),
    [
        ("", [], 0, []),
        ("null", [], 0, []),
        ("[]", [], 0, []),
        (f'["{ROLES}"]', ["Running", "Running", "Succeeded"], 0, [ROLES]),
        (f'["{ROLES}"]', ["Running", "Failed"], 1, [ROLES]),
        # One after another; the first failure stops the deploy before the next job starts.
        (f'["{ROLES}", "caj-next"]', ["Succeeded", "Running", "Succeeded"], 0, [ROLES, "caj-next"]),
        (f'["{ROLES}", "caj-next"]', ["Stopped"], 1, [ROLES]),
    ],
)
def test_the_script_runs_each_post_deploy_job_and_fails_when_one_fails(
    tmp_path: Path, jobs: str, statuses: list[str], code: int, started: list[str]
) -> None:
    env = _fake_az(tmp_path, statuses) | {"JOBS": jobs}
    result = subprocess.run(["bash", str(JOBS_SCRIPT)], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == code, result.stdout + result.stderr
    calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines() if started else []
    assert [c.split("--name ")[1].split()[0] for c in calls if "job start" in c] == started
    shows = [c for c in calls if "execution show" in c]
    assert len(shows) == len(statuses)
    assert all("--job-execution-name exec-1" in c for c in shows)
    if code:
        assert "ended Failed" in result.stdout or "ended Stopped" in result.stdout

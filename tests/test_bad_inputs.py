"""Bad stack files and command inputs: each is a one-screen error with exit 2 that names the file or key path, never
a traceback, and never a plan file left behind. The controls are valid files that look odd: they still pass."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import ValidationError

from azplatform.components.container_app import ContainerAppSettings
from azplatform.components.images import image_reference_problem, is_mutable_image
from azplatform.components.private_network import PrivateNetworkSettings
from azplatform.plan import PLAN_VERSION, Plan, PlanFormatError
from azplatform.policy.offline import UnknownEnvironmentError
from azplatform.stacks import cli
from azplatform.stacks.cli import EXIT_CONFIG, EXIT_OK, EXIT_POLICY, main
from azplatform.stacks.offline import read_stack
from azplatform.stacks.offline.stackfile import StackFileError
from azplatform.stacks.testkit import check_policy

ROOT = Path(__file__).resolve().parent.parent
PROD = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8")


def _after(text: str, anchor: str, insert: str) -> str:
    """``text`` with ``insert`` placed after the first line that is exactly ``anchor``."""
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.rstrip("\r\n") == anchor)
    return "".join([*lines[: index + 1], insert, *lines[index + 1 :]])


def _second_worker(text: str) -> str:
    """The worker app entry given twice under ``azplatform:apps`` (the second with other settings)."""
    start = text.index("    worker:\n")
    end = text.index("  azplatform:cosmos:")
    worker = text[start:end].replace("maxReplicas:", "maxReplicas: 9 #")
    return text[:end] + worker + text[end:]


def _first(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _extra_app(name: str, image: str = "mcr.microsoft.com/k8se/quickstart:1.0") -> Callable[[], bytes]:
    """An extra workload (no ingress) under ``azplatform:apps``."""
    return lambda: _after(PROD, "  azplatform:apps:", f"    {name}:\n      image: {image}\n").encode()


@dataclass(frozen=True)
class Case:
    name: str
    content: Callable[[], bytes]
    expect: tuple[str, ...]  # all of these appear in the error
    absent: tuple[str, ...] = ()  # none of these does (consequences folded into the root cause, the wrong key)
    max_lines: int = 5  # one screen: the header and two lines per problem


CASES = [
    Case(
        "duplicate top-level config key",
        lambda: _after(PROD, "  azplatform:namePrefix: azp", "  azplatform:namePrefix: zzz\n").encode(),
        ("Pulumi.bad.yaml", "azplatform:namePrefix is given twice", "line 6 and line 7"),
    ),
    Case(
        "duplicate nested app",
        lambda: _second_worker(PROD).encode(),
        ("Pulumi.bad.yaml", "azplatform:apps.worker is given twice", "line "),
    ),
    Case(
        "duplicate key inside a list item",
        lambda: _after(PROD, "        - type: http", "          type: cpu\n").encode(),
        ("Pulumi.bad.yaml", "azplatform:apps.api.scaleRules[0].type is given twice"),
    ),
    Case(
        "not UTF-8",
        lambda: PROD.encode() + "  # résumé\n".encode("latin-1"),
        ("Pulumi.bad.yaml is not UTF-8", "byte 0xe9"),
    ),
    Case(
        "top level is a list",
        lambda: b"- config:\n    azplatform:namePrefix: azp\n",
        ("Pulumi.bad.yaml", "top level must be a mapping", "not a list"),
    ),
    Case(
        "top level is a scalar",
        lambda: b"azplatform:namePrefix azp\n",
        ("Pulumi.bad.yaml", "top level must be a mapping", "not a string"),
    ),
    Case(
        "config is a list",
        lambda: b"config:\n  - azplatform:namePrefix: azp\n",
        ("Pulumi.bad.yaml", "'config' must be a mapping", "not a list"),
    ),
    Case(
        "namespace typo",
        lambda: PROD.replace("  azplatform:namePrefix: azp", "  azplatfrom:namePrefix: azp").encode(),
        ("Pulumi.bad.yaml", "unknown namespace 'azplatfrom'", "did you mean 'azplatform:namePrefix'"),
    ),
    Case(
        "key without a namespace",
        lambda: PROD.replace("  azplatform:namePrefix: azp", "  namePrefix: azp").encode(),
        ("Pulumi.bad.yaml", "'namePrefix' has no namespace", "'azplatform:namePrefix'"),
    ),
    Case(
        "app names that collide once Azure lowercases them",
        _extra_app("API"),
        ("Pulumi.bad.yaml", "azplatform:apps.api", "same Azure name as apps.API", "'ca-azp-api-prod-weu'"),
    ),
    Case(
        "a boolean where a number goes",
        lambda: _first(PROD, "maxReplicas: 20", "maxReplicas: true").encode(),
        ("Pulumi.bad.yaml", "azplatform:apps.api.maxReplicas", "must be a number, not the boolean true"),
    ),
    Case(
        "a boolean beside another mistake in the same entry: both reported",
        lambda: _first(_first(PROD, "maxReplicas: 20", "maxReplicas: false"), "memory: 2Gi", "memory: 2GB").encode(),
        ("Pulumi.bad.yaml: 2 configuration problems", "apps.api.maxReplicas", "boolean false", "apps.api.memory"),
    ),
    Case(
        "a loopback address space",
        lambda: PROD.replace("10.30.", "127.30.").encode(),
        ("Pulumi.bad.yaml", "azplatform:network.addressSpace", "127.0.0.0/8 (loopback)", "Azure does not allow"),
        max_lines=11,  # the space and its four subnets
    ),
    Case(
        "a link-local subnet",
        lambda: _first(PROD, "privateEndpoints: 10.30.4.0/27", "privateEndpoints: 169.254.4.0/27").encode(),
        ("Pulumi.bad.yaml", "azplatform:network.subnets.privateEndpoints", "169.254.0.0/16 (link-local)"),
    ),
    Case(
        "a benchmarking range (not RFC 1918)",
        lambda: PROD.replace("10.30.", "198.18.").encode(),
        ("Pulumi.bad.yaml", "azplatform:network.addressSpace", "RFC 1918", "10.0.0.0/8, 172.16.0.0/12"),
        max_lines=11,
    ),
    Case(
        "an image reference with spaces and upper case",
        _extra_app("tool", "mcr.microsoft.com/K8se/Quick Start:1.0"),
        ("Pulumi.bad.yaml", "azplatform:apps.tool.image", "is not an image reference", "spaces"),
    ),
    Case(
        "an image reference with an upper-case repository",
        _extra_app("tool", "myregistry.azurecr.io/Team/Api:1.0"),
        ("Pulumi.bad.yaml", "azplatform:apps.tool.image", "repository must be lowercase"),
    ),
    Case(
        "an unknown environment: the root cause, its consequences folded",
        lambda: PROD.replace("azplatform:environment: prod", "azplatform:environment: prd").encode(),
        ("Pulumi.bad.yaml: 1 configuration problem", "azplatform:environment = 'prd'", "known: dev, staging, prod"),
        ("is required and has no profile default", "throughput"),
    ),
    Case(
        "a malformed uniqueSuffix is blamed on uniqueSuffix",
        lambda: _after(PROD, "  azplatform:namePrefix: azp", "  azplatform:uniqueSuffix: a_b\n").encode(),
        ("Pulumi.bad.yaml: 1 configuration problem", "azplatform:uniqueSuffix = 'a_b'"),
        ("azplatform:namePrefix",),
    ),
    Case(
        "a secure: value is one line, not one per broken name",
        lambda: PROD.replace("  azplatform:namePrefix: azp", "  azplatform:namePrefix:\n    secure: v1:abc").encode(),
        ("Pulumi.bad.yaml: 1 configuration problem", "azplatform:namePrefix", "secure: value"),
        ("[secret]",),
    ),
    Case(
        "invalid YAML",
        lambda: b"config:\n  azplatform:namePrefix: [azp\n",
        ("Pulumi.bad.yaml is not valid YAML", "line"),
    ),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the real Pulumi.yaml and program, to hold one stack file."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_stack_file_exits_2_naming_the_file_and_key(
    case: Case, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "Pulumi.bad.yaml").write_bytes(case.content())
    stale = project / "out" / "bad.json"
    stale.parent.mkdir()
    stale.write_text("{}", encoding="utf-8")  # a previous run's plan
    status = main(["plan", "--stack", "bad", "--project-dir", str(project), "--json", str(stale)])
    out, err = capsys.readouterr()
    assert status == EXIT_CONFIG, err
    assert "Traceback" not in out + err
    assert err.startswith("error: ") and len(err.splitlines()) <= case.max_lines, err
    for expected in case.expect:
        assert expected in err
    for unexpected in case.absent:
        assert unexpected not in err
    assert out == ""  # nothing rendered
    assert not stale.exists(), "a failed plan must not leave the previous plan file behind"


def test_a_bad_stack_file_is_refused_by_graph_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.bad.yaml").write_bytes(CASES[0].content())
    status = main(["graph", "--stack", "bad", "--project-dir", str(project)])
    err = capsys.readouterr().err
    assert status == EXIT_CONFIG
    assert "Traceback" not in err and "azplatform:namePrefix is given twice" in err


def test_the_whole_process_shows_no_traceback(project: Path) -> None:
    """One case end to end through the console entry point (the others run in-process)."""
    (project / "Pulumi.bad.yaml").write_bytes(b"- a\n- b\n")
    result = subprocess.run(
        [sys.executable, "-m", "azplatform.stacks.cli", "plan", "--stack", "bad", "--project-dir", str(project)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == EXIT_CONFIG
    assert "Traceback" not in result.stdout + result.stderr
    assert "Pulumi.bad.yaml: the top level must be a mapping" in result.stderr


# --- --json -------------------------------------------------------------------------------------------------------


def _no_render(*_: object, **__: object) -> None:
    raise AssertionError("rendered although --json could never be written")


@pytest.mark.parametrize("target", ["folder", "under a file"])
def test_json_that_cannot_be_written_fails_before_rendering(
    target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "render_stack", _no_render)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    out = tmp_path if target == "folder" else tmp_path / "afile" / "prod.json"
    status = main(["plan", "--stack", "prod", "--project-dir", str(ROOT), "--json", str(out)])
    err = capsys.readouterr().err
    assert status == EXIT_CONFIG
    assert "Traceback" not in err
    assert f"--json {out}" in err
    assert ("is a folder" if target == "folder" else "is a file, not a folder") in err


def test_an_unexpected_error_while_rendering_is_exit_2_without_traceback(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(cli, "render_stack", explode)
    stale = project / "prod.json"
    stale.write_text("{}", encoding="utf-8")
    status = main(["plan", "--stack", "prod", "--project-dir", str(project), "--json", str(stale)])
    err = capsys.readouterr().err
    assert status == EXIT_CONFIG
    assert "Traceback" not in err
    assert "Pulumi.prod.yaml" in err and "KeyError" in err and "surprise" in err
    assert not stale.exists()


# --- controls: valid files that look odd --------------------------------------------------------------------------

CONTROLS = {
    "byte-order mark": lambda: "\ufeff" + PROD,
    "CRLF line ends": lambda: PROD.replace("\n", "\r\n"),
    "quoted keys": lambda: PROD.replace("  azplatform:namePrefix: azp", '  "azplatform:namePrefix": azp'),
    "flow-style tags": lambda: PROD.replace(
        "  azplatform:tags:\n    owner: platform-team\n    costCenter: cc-1234\n    dataClassification: confidential\n",
        "  azplatform:tags: {owner: platform-team, costCenter: cc-1234, dataClassification: confidential}\n",
    ),
    "Pulumi's own top-level keys": lambda: "secretsprovider: passphrase\nencryptionsalt: v1:abc:def\n" + PROD,
    "the same key name under different parents": lambda: PROD,
}


@pytest.mark.parametrize("name", list(CONTROLS))
def test_valid_files_that_look_odd_read_as_the_plain_file(name: str, project: Path) -> None:
    text = CONTROLS[name]()
    assert (text == PROD) == (name == "the same key name under different parents")  # each variant really differs
    (project / "Pulumi.prod.yaml").write_text(text, encoding="utf-8", newline="")
    assert read_stack(project, "prod").config == read_stack(ROOT, "prod").config


def test_a_merge_key_overriding_an_anchor_is_not_a_duplicate(project: Path) -> None:
    (project / "Pulumi.odd.yaml").write_text(
        "config:\n"
        "  azplatform:tags: &base\n"
        "    owner: team\n"
        "    costCenter: cc-1\n"
        "  pulumi:tags:\n"
        "    <<: *base\n"
        "    owner: other\n"
        "  azure-native:location: westeurope\n"
        "  azplatform:publisherName: Équipe plateforme\n",
        encoding="utf-8",
    )
    config = read_stack(project, "odd").config
    assert config["pulumi:tags"] == {"owner": "other", "costCenter": "cc-1"}
    assert config["azplatform:publisherName"] == "Équipe plateforme"


def test_an_odd_but_valid_stack_file_renders_a_clean_plan(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = CONTROLS["Pulumi's own top-level keys"]().replace("\n", "\r\n")
    (project / "Pulumi.prod.yaml").write_text("\ufeff# résumé: still valid\r\n" + text, encoding="utf-8", newline="")
    out = project / "plans" / "prod.json"
    assert main(["plan", "--stack", "prod", "--project-dir", str(project), "--json", str(out)]) == EXIT_OK
    assert out.is_file() and not list(out.parent.glob(".*partial"))
    capsys.readouterr()


def test_read_stack_raises_the_error_type_the_commands_catch(project: Path) -> None:
    (project / "Pulumi.bad.yaml").write_bytes(CASES[0].content())
    with pytest.raises(StackFileError, match="given twice"):
        read_stack(project, "bad")


# --- make plan passes the CLI's exit status through ----------------------------------------------------------------


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    """``make -C <repo> ARGS`` as a person runs it (not as a sub-make of the `make test` running this suite)."""
    if shutil.which("make") is None or not (ROOT / ".venv" / "bin" / "azplatform").exists():
        pytest.skip("make plan needs make and the repository's .venv")
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize("code", [EXIT_OK, EXIT_POLICY, EXIT_CONFIG])
def test_make_plan_exits_with_the_clis_status(code: int, tmp_path: Path) -> None:
    fake = tmp_path / "azplatform"
    fake.write_text(f'#!/bin/sh\necho "fake azplatform $*"\nexit {code}\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    result = _make("plan", f"AZPLATFORM={fake}", f"PLAN_DIR={tmp_path}/plans")
    assert result.returncode == code, result.stdout + result.stderr
    assert f"fake azplatform plan --stack dev --json {tmp_path}/plans/dev.json" in result.stdout


def test_make_plan_with_an_unknown_stack_is_exit_2_from_the_real_cli(tmp_path: Path) -> None:
    result = _make("plan", "STACK=nope", f"PLAN_DIR={tmp_path}")
    assert result.returncode == EXIT_CONFIG
    assert "Pulumi.nope.yaml does not exist" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# --- every command checks what it reads ----------------------------------------------------------------------------

PINNED = "mcr.microsoft.com/k8se/quickstart@sha256:9f41c026ef51e985a271eed474995ea08c0d6a5a4939e65622ed03c3fcc9fb2c"


def _plan_doc(stack: str, *types: str) -> dict[str, object]:
    return {
        "version": PLAN_VERSION,
        "project": "azplatform",
        "stack": stack,
        "resources": [
            {"urn": f"urn:pulumi:{stack}::azplatform::{t}::r{i}", "type": t, "name": f"r{i}", "inputs": {}}
            for i, t in enumerate(types)
        ],
        "outputs": {},
    }


@dataclass(frozen=True)
class CommandCase:
    name: str
    files: dict[str, object]  # file name -> JSON document (str: raw text)
    argv: tuple[str, ...]  # {dir} is the folder holding the files
    expect: tuple[str, ...]


COMMAND_CASES = [
    CommandCase("policy check on {}", {"p.json": {}}, ("policy", "check", "{dir}/p.json"), ("p.json", "'resources'")),
    CommandCase("policy check on []", {"p.json": []}, ("policy", "check", "{dir}/p.json"), ("p.json", "not a list")),
    CommandCase("policy check on null", {"p.json": None}, ("policy", "check", "{dir}/p.json"), ("p.json", "not null")),
    CommandCase(
        "policy check on an empty plan",
        {"p.json": _plan_doc("prod")},
        ("policy", "check", "{dir}/p.json"),
        ("p.json", "no resources"),
    ),
    CommandCase(
        "policy check on a plan of unknown types",
        {"p.json": _plan_doc("prod", "aws:s3:Bucket", "gcp:storage:Bucket")},
        ("policy", "check", "{dir}/p.json"),
        ("p.json", "none of its 2 resources", "aws:s3:Bucket"),
    ),
    CommandCase(
        "policy check on a resource without a type",
        {"p.json": {"resources": [{"urn": "u", "name": "n"}]}},
        ("policy", "check", "{dir}/p.json"),
        ("p.json", "resources[0].type must be a non-empty string"),
    ),
    CommandCase(
        "policy check on a newer contract version",
        {"p.json": {**_plan_doc("prod", "azure-native:keyvault:Vault"), "version": PLAN_VERSION + 1}},
        ("policy", "check", "{dir}/p.json"),
        ("p.json", f"version {PLAN_VERSION + 1} is newer"),
    ),
    CommandCase("policy check on text", {"p.json": "not json"}, ("policy", "check", "{dir}/p.json"), ("p.json",)),
    CommandCase(
        "policy check on a missing file", {}, ("policy", "check", "{dir}/nope.json"), ("nope.json", "does not exist")
    ),
    CommandCase(
        "graph --plan on a list",
        {"p.json": [1, 2]},
        ("graph", "--stack", "prod", "--plan", "{dir}/p.json"),
        ("p.json", "not a list"),
    ),
    CommandCase(
        "graph --plan of another stack",
        {"p.json": _plan_doc("prod", "azure-native:keyvault:Vault")},
        ("graph", "--stack", "dev", "--plan", "{dir}/p.json"),
        ("p.json is a plan of stack 'prod', not 'dev'",),
    ),
    CommandCase("cost --plan on null", {"p.json": None}, ("cost", "--plan", "{dir}/p.json"), ("p.json", "not null")),
    CommandCase(
        "diff with a missing base file",
        {"head.json": _plan_doc("prod", "azure-native:keyvault:Vault")},
        ("diff", "{dir}/base.json", "{dir}/head.json", "--output", "{dir}/report.md"),
        ("base plan", "base.json does not exist"),
    ),
    CommandCase(
        "diff of a dev plan against a prod plan",
        {
            "base.json": _plan_doc("dev", "azure-native:keyvault:Vault"),
            "head.json": _plan_doc("prod", "azure-native:keyvault:Vault"),
        },
        ("diff", "{dir}/base.json", "{dir}/head.json", "--output", "{dir}/report.md"),
        ("base.json is a plan of stack dev", "head.json of stack prod", "--allow-stack-mismatch"),
    ),
    CommandCase(
        "diff of folders whose dev.json is a prod plan",
        {
            "base/dev.json": _plan_doc("prod", "azure-native:keyvault:Vault"),
            "head/dev.json": _plan_doc("dev", "azure-native:keyvault:Vault"),
        },
        ("diff", "{dir}/base", "{dir}/head", "--output", "{dir}/report.md"),
        ("base/dev.json holds a plan of stack 'prod', not 'dev'",),
    ),
    CommandCase(
        "diff of a file against a folder",
        {"base.json": _plan_doc("prod", "azure-native:keyvault:Vault")},
        ("diff", "{dir}/base.json", "{dir}", "--output", "{dir}/report.md"),
        ("base.json", "two plan files or two folders"),
    ),
]


@pytest.mark.parametrize("case", COMMAND_CASES, ids=[c.name for c in COMMAND_CASES])
def test_bad_command_inputs_exit_2_naming_the_file(
    case: CommandCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, document in case.files.items():
        text = document if isinstance(document, str) else json.dumps(document)
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = tmp_path / "report.md"
    report.write_text("a previous report", encoding="utf-8")
    status = main([arg.format(dir=tmp_path) for arg in case.argv])
    out, err = capsys.readouterr()
    assert status == EXIT_CONFIG, out + err
    assert "Traceback" not in out + err
    assert err.startswith("error: "), err
    for expected in case.expect:
        assert expected in err
    if "--output" in case.argv:
        assert not report.exists(), "a failed diff must not leave the previous report behind"


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_option_values_are_bounded(value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", str(tmp_path), str(tmp_path), "--limit", value])
    assert exit_info.value.code == EXIT_CONFIG  # argparse's usage error
    assert "--limit" in capsys.readouterr().err


def test_diff_across_stacks_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "base.json").write_text(json.dumps(_plan_doc("dev", "azure-native:keyvault:Vault")), encoding="utf-8")
    (tmp_path / "head.json").write_text(json.dumps(_plan_doc("prod", "azure-native:keyvault:Vault")), encoding="utf-8")
    argv = ["diff", str(tmp_path / "base.json"), str(tmp_path / "head.json"), "--allow-stack-mismatch"]
    assert main(argv) == EXIT_OK
    capsys.readouterr()


def test_an_unexpected_error_in_a_command_says_what_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("surprise")

    monkeypatch.setattr(cli, "cmd_policy_check", explode)
    status = main(["policy", "check", str(tmp_path / "p.json")])
    err = capsys.readouterr().err
    assert status == EXIT_CONFIG
    assert "Traceback" not in err and "p.json" in err and "RuntimeError: surprise" in err


# --- the contract version ------------------------------------------------------------------------------------------


def test_a_plan_without_a_version_predates_it_and_still_reads(tmp_path: Path) -> None:
    document = _plan_doc("prod", "azure-native:keyvault:Vault")
    del document["version"]
    (tmp_path / "old.json").write_text(json.dumps(document), encoding="utf-8")
    assert Plan.load(tmp_path / "old.json").stack == "prod"


def test_the_plan_contract_names_what_a_document_lacks() -> None:
    with pytest.raises(PlanFormatError, match=r"resources\[0\]\.options has unknown keys: protect"):
        Plan.from_dict({"resources": [{"urn": "u", "type": "t", "name": "n", "options": {"protect": True}}]})


# --- the same rules for a library user, with Python's names --------------------------------------------------------


def test_components_refuse_booleans_for_numbers() -> None:
    with pytest.raises(ValidationError, match="max_replicas: must be a number, not the boolean true"):
        ContainerAppSettings(image=PINNED, max_replicas=True)
    assert ContainerAppSettings(image=PINNED, cpu=1, memory="2Gi", max_replicas=3).cpu == 1.0  # an int is a number


@pytest.mark.parametrize(
    ("space", "expected"),
    [
        ("127.0.0.0/16", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("224.0.0.0/8", "multicast"),
        ("168.63.129.16/32", "internal DNS"),
        ("198.18.0.0/15", "RFC 1918"),
        ("100.64.0.0/10", "RFC 1918"),
        ("8.8.8.0/24", "RFC 1918"),
        ("10.0.0.0/7", "RFC 1918"),  # wider than 10.0.0.0/8
    ],
)
def test_address_ranges_follow_azure_and_rfc_1918(space: str, expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        PrivateNetworkSettings(address_space=space)


@pytest.mark.parametrize("image", ["Api:1", "mcr.microsoft.com/k8se/quick start:1", "a/b:", "a/b@sha256:12", " a/b:1"])
def test_components_refuse_malformed_image_references(image: str) -> None:
    with pytest.raises(ValidationError, match="image"):
        ContainerAppSettings(image=image)


# --- mutable image tags: a policy violation in staging and prod, advice in dev -------------------------------------


@pytest.mark.parametrize(
    ("stack", "status", "level"), [("prod", EXIT_POLICY, "mandatory"), ("dev", EXIT_OK, "advisory")]
)
def test_a_mutable_image_tag_is_a_violation_in_staging_and_prod(
    stack: str, status: int, level: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8")
    (project / f"Pulumi.{stack}.yaml").write_text(
        _first(text, PINNED, "mcr.microsoft.com/k8se/quickstart:latest"), encoding="utf-8"
    )
    out = project / "plan.json"
    assert main(["plan", "--stack", stack, "--project-dir", str(project), "--json", str(out)]) == status
    capsys.readouterr()
    found = [v for v in Plan.load(out).violations if v.policy == "AZP-ACA-006"]
    assert [v.level for v in found] == [level]
    assert "quickstart:latest' is a mutable tag" in found[0].message


@pytest.mark.parametrize(
    ("image", "mutable"),
    [
        ("mcr.microsoft.com/k8se/quickstart:latest", True),
        ("mcr.microsoft.com/k8se/quickstart", True),
        ("mcr.microsoft.com/k8se/quickstart:1.0", False),
        (PINNED, False),
        ("localhost:5000/team/api:latest@sha256:" + "a" * 64, False),  # a digest pins whatever the tag says
    ],
)
def test_which_image_references_are_mutable(image: str, mutable: bool) -> None:
    assert image_reference_problem(image) is None
    assert is_mutable_image(image) is mutable


def test_the_committed_stacks_pin_their_images() -> None:
    for stack in ("dev", "staging", "prod"):
        images = [line.split("image:", 1)[1].strip() for line in _lines(stack) if line.strip().startswith("image:")]
        assert images and all(not is_mutable_image(image) for image in images), (stack, images)


def _lines(stack: str) -> list[str]:
    return (ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8").splitlines()


def test_check_policy_with_an_unknown_environment_names_the_known_ones(prod_plan: Plan) -> None:
    with pytest.raises(UnknownEnvironmentError, match="unknown environment 'qa'; known: dev, staging, prod"):
        check_policy(prod_plan, "qa")  # type: ignore[arg-type]


# --- controls: odd but valid settings still pass ---------------------------------------------------------------------

ODD_BUT_VALID = {
    "two apps differing beyond case": _extra_app("api2"),
    "an image with a registry port, a tag and a digest": _extra_app(
        "tool", "localhost:5000/team/my_api.v2:1.2.3-rc.1@sha256:" + "0" * 64
    ),
    "cpu written as a decimal": lambda: _first(PROD, "      cpu: 1\n", "      cpu: 1.0\n").encode(),
}


@pytest.mark.parametrize("name", list(ODD_BUT_VALID))
def test_odd_but_valid_settings_still_render(name: str, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.prod.yaml").write_bytes(ODD_BUT_VALID[name]())
    status = main(["plan", "--stack", "prod", "--project-dir", str(project)])
    err = capsys.readouterr().err
    assert status == EXIT_OK, err


@pytest.mark.parametrize("space", ["172.16.0.0/12", "192.168.0.0/16", "10.255.255.0/24"])
def test_every_rfc_1918_range_is_accepted(space: str) -> None:
    assert PrivateNetworkSettings(address_space=space).address_space == space

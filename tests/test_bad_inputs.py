"""Bad stack files and command inputs: each is a one-screen error with exit 2 that names the file or key path, never
a traceback, and never a plan file left behind. The controls are valid files that look odd: they still pass."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from azplatform.stacks import cli
from azplatform.stacks.cli import EXIT_CONFIG, EXIT_OK, EXIT_POLICY, main
from azplatform.stacks.offline import read_stack
from azplatform.stacks.offline.stackfile import StackFileError

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


@dataclass(frozen=True)
class Case:
    name: str
    content: Callable[[], bytes]
    expect: tuple[str, ...]  # all of these appear in the error


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
    assert err.startswith("error: ") and len(err.splitlines()) <= 5, err
    for expected in case.expect:
        assert expected in err
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

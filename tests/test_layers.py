"""The packages form layers without cycles: components (with the type records) <- plan <- policy <- stacks. A module
imports only from its own layer or the ones below it; an upward import (anywhere in the module, functions included)
fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("components", "plan", "policy", "stacks")


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            found.append((node.lineno, node.module))
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "azplatform" and len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return None


def upward_imports(root: Path = ROOT) -> list[str]:
    """``file:line imports module`` for every import of a higher layer."""
    problems: list[str] = []
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            for line, module in _imports(path):
                target = _layer(module)
                if target is not None and LAYERS.index(target) > LAYERS.index(layer):
                    problems.append(f"{path.relative_to(root)}:{line} imports {module}")
    return problems


def test_no_package_imports_a_layer_above_it() -> None:
    assert upward_imports() == []


@pytest.mark.parametrize(
    ("layer", "statement", "module"),
    [
        ("components", "from azplatform.stacks.config import PlatformConfig", "azplatform.stacks.config"),
        ("components", "import azplatform.plan", "azplatform.plan"),
        ("plan", "from azplatform.policy.model import Finding", "azplatform.policy.model"),
        ("policy", "def f() -> None:\n    from azplatform.stacks.offline import Plan", "azplatform.stacks.offline"),
    ],
)
def test_an_upward_import_is_found(tmp_path: Path, layer: str, statement: str, module: str) -> None:
    for name in LAYERS:
        (tmp_path / name).mkdir()
    (tmp_path / layer / "module.py").write_text(statement + "\n", encoding="utf-8")
    (tmp_path / "stacks" / "ok.py").write_text("from azplatform.components.records import record\n")
    (found,) = upward_imports(tmp_path)
    assert found.startswith(f"{layer}/module.py:") and found.endswith(f"imports {module}")

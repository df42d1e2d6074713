"""What a measurement renders: a stack file, optionally with apps added, as a self-contained render spec.

The spec is built here, in the parent process, so that a measuring subprocess imports nothing of the program
(pydantic, components, the SDK) before its timer starts: the program pays for its own imports, as it does under
``pulumi up``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from azplatform.stacks.config import NAMESPACE, deep_merge
from azplatform.stacks.offline.stackfile import read_stack

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_APP = "api"


def stack_values(project_dir: Path, stack: str) -> dict[str, Any]:
    """The stack file's ``azplatform:`` values without the namespace (a fresh copy)."""
    config = read_stack(project_dir, stack).config
    prefix = f"{NAMESPACE}:"
    return {k[len(prefix) :]: copy.deepcopy(v) for k, v in config.items() if k.startswith(prefix)}


def added_apps(values: Mapping[str, Any], total: int, template: str = TEMPLATE_APP) -> dict[str, Any]:
    """Overrides that bring ``apps`` up to ``total`` entries by cloning the ``template`` app under new names.

    The clone copies the stack's own entry whole, whatever its schema has grown to (image, ports, scale rules,
    revisions...), so the variant stays valid as the app model grows. Existing apps are kept: other config may
    refer to them by name. Returns ``{}`` when the stack already has ``total`` apps or more.
    """
    apps = dict(values.get("apps") or {})
    if not apps:
        raise ValueError("the stack has no apps to clone; scaling needs at least one app entry")
    source = apps.get(template) or apps[sorted(apps)[0]]
    base = template if template in apps else sorted(apps)[0]
    clones: dict[str, Any] = {}
    index = 1
    while len(apps) + len(clones) < total:
        name = f"{base}{index:03d}"
        if name not in apps:
            clones[name] = copy.deepcopy(source)
        index += 1
    return {"apps": clones} if clones else {}


def render_spec(
    project_dir: Path, stack: str, overrides: Mapping[str, Any] | None = None, *, label: str | None = None
) -> dict[str, Any]:
    """A JSON-able description of one program render: project, stack, full config and secret keys.

    ``overrides`` are deep-merged into the ``azplatform:`` values, as tests/conftest.py's ``render_variant`` does.
    """
    stack_file = read_stack(project_dir, stack)
    config = dict(stack_file.config)
    if overrides:
        values = deep_merge(stack_values(project_dir, stack), overrides)
        config = {k: v for k, v in config.items() if not k.startswith(f"{NAMESPACE}:")}
        config.update({f"{NAMESPACE}:{k}": v for k, v in values.items()})
    return {
        "kind": "program",
        "label": label or stack,
        "project_dir": str(project_dir),
        "project": stack_file.project,
        "stack": stack,
        "config": config,
        "secret_keys": list(stack_file.secret_keys),
    }


def app_count(spec: Mapping[str, Any]) -> int:
    """How many apps a render spec's config declares."""
    apps = spec["config"].get(f"{NAMESPACE}:apps") or {}
    return len(apps) if isinstance(apps, Mapping) else 0

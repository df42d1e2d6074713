"""Reading a Pulumi stack file (``Pulumi.<stack>.yaml``) the way the Pulumi CLI hands it to a program."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from azplatform.plan import SECRET


@dataclass(frozen=True)
class StackFile:
    """A stack's config: ``namespace:key`` -> value, and which keys are secrets."""

    path: Path
    project: str
    config: dict[str, Any]
    secret_keys: list[str] = field(default_factory=list)


class StackFileError(Exception):
    """The stack or project file is missing or not valid YAML."""


def read_stack(project_dir: Path, stack: str) -> StackFile:
    """Read ``Pulumi.yaml`` for the project name and ``Pulumi.<stack>.yaml`` for the config.

    ``secure:`` values cannot be decrypted offline; they are passed as ``[secret]`` and marked secret, as the
    CLI marks them.
    """
    project_file = project_dir / "Pulumi.yaml"
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    for path in (project_file, stack_file):
        if not path.is_file():
            raise StackFileError(f"{path} does not exist")
    try:
        project = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
        document = yaml.safe_load(stack_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise StackFileError(f"{stack_file.name} is not valid YAML: {exc}") from None
    raw = document.get("config") or {}
    if not isinstance(raw, dict):
        raise StackFileError(f"{stack_file.name}: 'config' must be a mapping of namespace:key to value")
    config: dict[str, Any] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[key] = SECRET
            secret_keys.append(key)
        else:
            config[key] = value
    return StackFile(stack_file, str(project.get("name", project_dir.name)), config, secret_keys)

"""Reading a Pulumi stack file (``Pulumi.<stack>.yaml``) the way the Pulumi CLI hands it to a program.

The reader refuses what YAML or the CLI would quietly accept and the program would then misread: a key given twice
(YAML keeps the last one, so the first entry's settings vanish from the plan), a file that is not UTF-8, a top
level or ``config`` that is not a mapping, and a config key whose namespace no one reads (a typo such as
``azplatfrom:namePrefix`` would otherwise leave the setting at its default without a word).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from azplatform.plan import SECRET

# Config namespaces read besides the project's own: Pulumi's (e.g. pulumi:tags) and the providers' the program uses.
PROVIDER_NAMESPACES = ("pulumi", "azure-native", "random")


@dataclass(frozen=True)
class StackFile:
    """A stack's config: ``namespace:key`` -> value, and which keys are secrets."""

    path: Path
    project: str
    config: dict[str, Any]
    secret_keys: list[str] = field(default_factory=list)


class StackFileError(Exception):
    """The stack or project file is missing, not UTF-8, not valid YAML, or not shaped as Pulumi reads it."""


def read_stack(project_dir: Path, stack: str) -> StackFile:
    """Read ``Pulumi.yaml`` for the project name and ``Pulumi.<stack>.yaml`` for the config.

    ``secure:`` values cannot be decrypted offline; they are passed as ``[secret]`` and marked secret, as the
    CLI marks them. Every problem raises :class:`StackFileError` with the file's name.
    """
    project_file = project_dir / "Pulumi.yaml"
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    for path in (project_file, stack_file):
        if not path.is_file():
            raise StackFileError(f"{path} does not exist")
    project = load_yaml(project_file)
    if project is None:
        project = {}
    if not isinstance(project, dict):
        raise StackFileError(f"{project_file.name}: the top level must be a mapping (name:, runtime:, ...)")
    project_name = str(project.get("name") or project_dir.name)
    document = load_yaml(stack_file)
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise StackFileError(
            f"{stack_file.name}: the top level must be a mapping with a 'config:' key, not {_kind(document)}"
        )
    raw = document.get("config")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise StackFileError(
            f"{stack_file.name}: 'config' must be a mapping of namespace:key to value, not {_kind(raw)}"
        )
    check_namespaces(stack_file.name, raw, project_name)
    config: dict[str, Any] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[key] = SECRET
            secret_keys.append(key)
        else:
            config[key] = value
    return StackFile(stack_file, project_name, config, secret_keys)


def load_yaml(path: Path) -> Any:
    """One YAML document from ``path``: UTF-8 (a byte-order mark is allowed), no key given twice at any depth."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StackFileError(
            f"{path.name} is not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} cannot be decoded "
            "(save the file as UTF-8)"
        ) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_duplicate_keys(path.name, loader, node, ())
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise StackFileError(f"{path.name} is not valid YAML: {_yaml_problem(exc)}") from None
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's error on one line: where, what, and what it was parsing."""
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return " ".join(str(exc).split())
    mark = exc.problem_mark
    text = f"line {mark.line + 1}, column {mark.column + 1}: {exc.problem}"
    if exc.context and exc.context_mark is not None:
        text += f" ({exc.context} from line {exc.context_mark.line + 1})"
    return text


def check_namespaces(file_name: str, config: dict[Any, Any], project: str) -> None:
    """Every config key is ``namespace:name`` with a namespace that something reads."""
    known = [project, *(n for n in PROVIDER_NAMESPACES if n != project)]
    problems: list[str] = []
    for key in config:
        if not isinstance(key, str) or ":" not in key:
            problems.append(f"config key {key!r} has no namespace: write it as '{project}:{key}'")
            continue
        namespace = key.split(":", 1)[0]
        if namespace in known:
            continue
        close = difflib.get_close_matches(namespace, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}:{key.split(':', 1)[1]}'?" if close else f"known: {_names(known)}"
        problems.append(f"config key '{key}': unknown namespace '{namespace}'; {hint}")
    if problems:
        raise StackFileError(f"{file_name}: " + "; ".join(problems))


def _check_duplicate_keys(file_name: str, loader: yaml.SafeLoader, node: yaml.Node, path: tuple[str, ...]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                _check_duplicate_keys(file_name, loader, value_node, path)
                continue
            key = _key(loader, key_node)
            line = key_node.start_mark.line + 1
            child = (*path, str(key))
            if key in seen:
                raise StackFileError(
                    f"{file_name}: key {_path(child)} is given twice (line {seen[key]} and line {line}); YAML keeps "
                    "only the last, so the first entry's settings would be silently dropped: merge them into one"
                )
            seen[key] = line
            _check_duplicate_keys(file_name, loader, value_node, child)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_duplicate_keys(file_name, loader, item, (*path[:-1], f"{path[-1] if path else ''}[{index}]"))


def _key(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_object(node)
        try:
            hash(value)
        except TypeError:  # pragma: no cover - scalars are hashable
            return node.value
        return value
    return f"<{type(node).__name__} key at line {node.start_mark.line + 1}>"  # a complex key: never equal to another


def _path(parts: Iterable[str]) -> str:
    """``config.azplatform:apps.worker`` reads as ``azplatform:apps.worker``: config keys carry their namespace."""
    items = list(parts)
    if len(items) > 1 and items[0] == "config":
        items = items[1:]
    return ".".join(items)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    return f"{names.get(type(value), 'a ' + type(value).__name__)} ({value!r:.40})"


def _names(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)

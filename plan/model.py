"""The plan: what a program registered, in the JSON contract the offline plan writes.

Tests, policy checks, the PR diff and the benchmarks all read this one structure.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SECRET = "[secret]"

PLAN_VERSION = 1
"""The plan contract's version, written as the document's ``version``. A reader refuses a newer one; a plan without
it was written before the field existed and has the same shape as version 1, so it is read as version 1."""


class PlanFormatError(ValueError):
    """A document that is not a plan of this contract: says where and what it lacks."""


def _check_shape(data: Any) -> None:
    """Raise :class:`PlanFormatError` naming the first place ``data`` departs from the plan contract."""
    if not isinstance(data, dict):
        raise PlanFormatError(
            f"the top level must be a JSON object with project, stack and resources (a plan written by "
            f"`azplatform plan --json`), not {_kind(data)}"
        )
    version = data.get("version", PLAN_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PlanFormatError(f"'version' must be a positive whole number, not {version!r}")
    if version > PLAN_VERSION:
        raise PlanFormatError(
            f"plan contract version {version} is newer than this azplatform reads ({PLAN_VERSION}); upgrade azplatform"
        )
    if "resources" not in data:
        raise PlanFormatError("it has no 'resources' list: not a plan written by `azplatform plan --json`")
    for key, kind in (("project", str), ("stack", str), ("resources", list), ("outputs", dict), ("policy", dict)):
        if key in data and not isinstance(data[key], kind):
            raise PlanFormatError(f"'{key}' must be {_kind_name(kind)}, not {_kind(data[key])}")
    for index, resource in enumerate(data["resources"]):
        where = f"resources[{index}]"
        if not isinstance(resource, dict):
            raise PlanFormatError(f"{where} must be an object, not {_kind(resource)}")
        for key in ("urn", "type", "name"):
            if not isinstance(resource.get(key), str) or not resource[key]:
                raise PlanFormatError(f"{where}.{key} must be a non-empty string, not {_kind(resource.get(key))}")
        for key, kind in (("inputs", dict), ("options", dict), ("dependencies", list), ("propertyDependencies", dict)):
            if key in resource and not isinstance(resource[key], kind):
                raise PlanFormatError(f"{where}.{key} must be {_kind_name(kind)}, not {_kind(resource[key])}")
        unknown = set(resource.get("options", {})) - set(ResourceOptions.__dataclass_fields__)
        if unknown:
            raise PlanFormatError(f"{where}.options has unknown keys: {', '.join(sorted(unknown))}")
    violations = data.get("policy", {}).get("violations", [])
    if not isinstance(violations, list) or not all(
        isinstance(v, dict) and set(v) == set(Violation.__dataclass_fields__) for v in violations
    ):
        raise PlanFormatError("'policy.violations' must be a list of {policy, level, urn, message} objects")


_KIND_NAMES: dict[type, str] = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}


def _kind(value: Any) -> str:
    return "null" if value is None else _KIND_NAMES.get(type(value), "a number")


def _kind_name(kind: type) -> str:
    return _KIND_NAMES[kind]


@dataclass(frozen=True)
class ResourceOptions:
    """The resource options that change how the engine updates a resource."""

    ignoreChanges: list[str] = field(default_factory=list)  # noqa: N815 - JSON contract names
    replaceOnChanges: list[str] = field(default_factory=list)  # noqa: N815
    deleteBeforeReplace: bool = False  # noqa: N815
    retainOnDelete: bool = False  # noqa: N815


@dataclass(frozen=True)
class PlannedResource:
    """One registered resource, with its inputs by their camelCase wire names."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    protect: bool
    dependencies: list[str]
    inputs: dict[str, Any]
    options: ResourceOptions
    propertyDependencies: dict[str, list[str]] = field(default_factory=dict)  # noqa: N815
    provider: str | None = None


@dataclass(frozen=True)
class Violation:
    """One policy finding against one resource (or the stack)."""

    policy: str
    level: str
    urn: str
    message: str


@dataclass
class Plan:
    """A rendered stack: resources in registration order, stack outputs and policy findings."""

    project: str
    stack: str
    resources: list[PlannedResource]
    outputs: dict[str, Any]
    violations: list[Violation] = field(default_factory=list)

    # --- queries used by tests, policy and the diff ---------------------------------------------
    def of_type(self, type_token: str) -> list[PlannedResource]:
        """Every resource of one type token, in registration order."""
        return [r for r in self.resources if r.type == type_token]

    def one(self, type_token: str, name: str | None = None) -> PlannedResource:
        """The single resource of this type (and logical name, when given); raises when not exactly one."""
        found = [r for r in self.of_type(type_token) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_token)]
            raise LookupError(f"expected one {type_token} named {name!r}, found {len(found)} among {names}")
        return found[0]

    def by_urn(self, urn: str) -> PlannedResource:
        """The resource with this URN."""
        for r in self.resources:
            if r.urn == urn:
                return r
        raise LookupError(urn)

    def children(self, parent_urn: str) -> list[PlannedResource]:
        """Resources whose parent is the given URN."""
        return [r for r in self.resources if r.parent == parent_urn]

    def counts_by_type(self) -> Counter[str]:
        """How many resources of each type."""
        return Counter(r.type for r in self.resources)

    # --- serialisation ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The plan as its JSON document."""
        return {
            "version": PLAN_VERSION,
            "project": self.project,
            "stack": self.stack,
            "resources": [asdict(r) for r in self.resources],
            "outputs": self.outputs,
            "policy": {"violations": [asdict(v) for v in self.violations]},
        }

    def write(self, path: Path) -> None:
        """Write the plan JSON to ``path``, creating parent folders."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Read a plan back from its JSON form (a saved plan, or one another team rendered); raises
        :class:`PlanFormatError` when ``data`` does not have the contract's shape or version."""
        _check_shape(data)
        resources = [
            PlannedResource(
                urn=r["urn"],
                type=r["type"],
                name=r["name"],
                custom=bool(r.get("custom", True)),
                parent=r.get("parent"),
                protect=bool(r.get("protect", False)),
                dependencies=list(r.get("dependencies", [])),
                inputs=dict(r.get("inputs", {})),
                options=ResourceOptions(**r.get("options", {})),
                propertyDependencies=dict(r.get("propertyDependencies", {})),
                provider=r.get("provider"),
            )
            for r in data.get("resources", [])
        ]
        violations = [Violation(**v) for v in data.get("policy", {}).get("violations", [])]
        return cls(
            project=data.get("project", ""),
            stack=data.get("stack", ""),
            resources=resources,
            outputs=dict(data.get("outputs", {})),
            violations=violations,
        )

    @classmethod
    def load(cls, path: Path) -> Plan:
        """Read a plan JSON file; raises :class:`PlanFormatError` naming the file for anything that is not a plan
        (missing, not UTF-8, not JSON, not the contract's shape), OSError only for other I/O failures."""
        if not path.exists():
            raise PlanFormatError(f"{path} does not exist")
        if path.is_dir():
            raise PlanFormatError(f"{path} is a folder, not a plan file")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise PlanFormatError(f"{path} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise PlanFormatError(f"{path} is not JSON: {exc}") from None
        try:
            return cls.from_dict(data)
        except PlanFormatError as exc:
            raise PlanFormatError(f"{path}: {exc}") from None

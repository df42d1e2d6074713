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
        """Read a plan back from its JSON form (a saved plan, or one another team rendered)."""
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
        """Read a plan JSON file."""
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

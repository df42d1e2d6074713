"""Property paths over resource inputs: flatten to leaves, read one path, match Pulumi path patterns.

Paths use Pulumi's property-path syntax (the one ``replaceOnChanges`` and ``ignoreChanges`` take):
``properties.tenantId``, ``subnets[0].name``, ``tags["cost.center"]``, with ``*`` and ``[*]`` wildcards.
Items of a list of objects that all carry a distinct ``name`` are keyed by that name
(``subnets[snet-pep].addressPrefix``), so inserting one subnet does not shift every later index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
_PATTERN_TOKEN = re.compile(r'\.?([A-Za-z_$][\w$]*|\*)|\[(\*|\d+|"[^"]*"|[^\]]*)\]')


class _Absent:
    """A property that is not set on one side of a comparison."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()


@dataclass(frozen=True, order=True)
class Segment:
    """One step of a path: an object key, or a list item (by index or by the item's name)."""

    text: str
    item: bool = False


Path = tuple[Segment, ...]


def render(path: Path) -> str:
    """A path in Pulumi's syntax: ``a.b[c]`` or ``tags["x.y"]``."""
    out = ""
    for seg in path:
        if seg.item:
            out += f"[{seg.text}]"
        elif _IDENTIFIER.match(seg.text):
            out += f".{seg.text}" if out else seg.text
        else:
            out += f'["{seg.text}"]'
    return out


def _item_keys(items: list[Any]) -> list[str]:
    names = [item.get("name") if isinstance(item, Mapping) else None for item in items]
    if all(isinstance(n, str) and n for n in names) and len(set(names)) == len(names):
        return [str(n) for n in names]
    return [str(i) for i in range(len(items))]


def _scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list)


def flatten(value: Any, prefix: Path = ()) -> dict[Path, Any]:
    """Leaves of a JSON value by path. Lists of scalars, empty objects and empty lists are leaves themselves."""
    if isinstance(value, Mapping):
        if not value:
            return {prefix: {}} if prefix else {}
        out: dict[Path, Any] = {}
        for key in sorted(value):
            out.update(flatten(value[key], (*prefix, Segment(str(key)))))
        return out
    if isinstance(value, list):
        if not value or all(_scalar(v) for v in value):
            return {prefix: value}
        out = {}
        for key, item in zip(_item_keys(value), value, strict=True):
            out.update(flatten(item, (*prefix, Segment(key, item=True))))
        return out
    return {prefix: value}


def parse(pattern: str) -> Path:
    """Parse a Pulumi property path (``a.b[0]``, ``a[*].b``, ``a.*``, ``tags["x.y"]``)."""
    path: list[Segment] = []
    pos = 0
    while pos < len(pattern):
        match = _PATTERN_TOKEN.match(pattern, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"cannot parse property path {pattern!r} at {pattern[pos:]!r}")
        key, item = match.group(1), match.group(2)
        if key is not None:
            path.append(Segment(key))
        elif item.startswith('"'):
            path.append(Segment(item[1:-1]))
        else:
            path.append(Segment(item, item=True))
        pos = match.end()
    return tuple(path)


def _segment_matches(pattern: Segment, seg: Segment) -> bool:
    if pattern.text == "*":
        return pattern.item == seg.item
    return pattern == seg


def matches(pattern: str | Path, path: Path) -> bool:
    """Whether a change at ``path`` falls under ``pattern``: at it, inside it, or replacing an ancestor of it."""
    pat = parse(pattern) if isinstance(pattern, str) else pattern
    common = min(len(pat), len(path))
    return all(_segment_matches(pat[i], path[i]) for i in range(common))


def get(value: Any, path: str | Path) -> Any:
    """The value at ``path`` (no wildcards), or ABSENT. List items are addressed by index or by name."""
    steps = parse(path) if isinstance(path, str) else path
    current = value
    for seg in steps:
        if seg.item and isinstance(current, list):
            keys = _item_keys(current)
            if seg.text not in keys:
                return ABSENT
            current = current[keys.index(seg.text)]
        elif not seg.item and isinstance(current, Mapping) and seg.text in current:
            current = current[seg.text]
        else:
            return ABSENT
    return current


def strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a JSON value, in a stable order."""
    for leaf in flatten(value).values():
        if isinstance(leaf, str):
            yield leaf
        elif isinstance(leaf, list):
            yield from (v for v in leaf if isinstance(v, str))

"""Render a plan diff (``stacks/diff.py``) as a pull-request comment (markdown), plain text or JSON.

Risks come first, then the per-stack summary and policy changes, then the resource changes. Values are masked
(secrets and secret-like properties), abbreviated (ARM ids, long strings) and collapsed (tag-only updates, list
changes). The markdown stays under GitHub's comment limit: when it must cut, it keeps the risks, the summary and
the policy changes, and says what it left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from azplatform.plan import SECRET, Violation
from azplatform.stacks import propertypath
from azplatform.stacks.cost import delta_lines
from azplatform.stacks.diff import DiffReport, PropertyChange, ResourceChange, StackDiff
from azplatform.stacks.graph import mermaid_for
from azplatform.stacks.propertypath import ABSENT
from azplatform.stacks.risks import Action, Risk, RiskKind, is_secret

# GitHub rejects a comment body over 65,536 characters; sizes here are counted in UTF-8 bytes, which is stricter.
GITHUB_COMMENT_LIMIT = 65_535
MARKER = "<!-- azplatform-diff -->"
_NOTE_RESERVE = 600
_MAX_VALUE = 80
_CREATE_PROPERTIES = 12
_GROUP_NAMES = 6

_SENSITIVE = re.compile(
    r"(password|passwd|secret|connectionstring|accountkey|primarykey|secondarykey|sastoken|apikey|sharedkey|accesskey)$",
    re.IGNORECASE,
)
_SYMBOL = {Action.CREATE: "+", Action.UPDATE: "~", Action.REPLACE: "+-", Action.DELETE: "-"}
_ICON = {
    RiskKind.DATA_LOSS: "🔴",
    RiskKind.REFUSED: "⛔",
    RiskKind.OUTAGE: "🔴",
    RiskKind.CASCADE: "🟠",
    RiskKind.PROTECTION: "🟠",
    RiskKind.EXPOSURE: "🟠",
    RiskKind.WEAKENED: "🟡",
    RiskKind.COST: "💲",
}
# Which changes survive a cut first: destructive ones, then updates, then creates.
_PRIORITY = {Action.REPLACE: 0, Action.DELETE: 1, Action.UPDATE: 2, Action.CREATE: 3}


# --- values ----------------------------------------------------------------------------------------------------------
def sensitive(path: str) -> bool:
    """A property whose value never goes into a comment, secret-wrapped or not (passwords, keys, secrets[].value)."""
    leaf = re.split(r"[.\[\]\"]+", path.strip('.[]"'))[-1] if path else ""
    return bool(_SENSITIVE.search(leaf)) or ("secrets[" in path and leaf == "value")


def abbreviate(text: str, limit: int = _MAX_VALUE) -> str:
    """ARM ids keep their last two segments (``…/subnets/snet-pep``); other long strings keep both ends."""
    if text.startswith("/subscriptions/") and len(text) > 48:
        return "…/" + "/".join(text.rstrip("/").split("/")[-2:])
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    return text[:head] + "…" + text[-(limit - 1 - head) :]


def show_value(value: Any, path: str = "") -> str:
    """One value as the report shows it: masked, JSON-like, abbreviated."""
    if value is ABSENT:
        return "(unset)"
    if is_secret(value) or (path and sensitive(path) and value not in (None, "")):
        return SECRET
    if isinstance(value, str):
        return json.dumps(abbreviate(value), ensure_ascii=False)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(json.dumps(abbreviate(v, 40), ensure_ascii=False) for v in value) + "]"
    return abbreviate(json.dumps(value, ensure_ascii=False, sort_keys=True))


def _scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


def show_change(change: PropertyChange) -> str:
    """One changed property on one line: secrets show only that they changed; lists show what was added/removed."""
    old, new, path = change.old, change.new, change.path
    if is_secret(old) or is_secret(new) or sensitive(path):
        return f"{path}: {SECRET} (changed)"
    if _scalar_list(old) and _scalar_list(new):
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        if not added and not removed:
            return f"{path}: reordered"
        parts = [f"+{show_value(added, path)}" if added else "", f"-{show_value(removed, path)}" if removed else ""]
        return f"{path}: " + " ".join(p for p in parts if p)
    return f"{path}: {show_value(old, path)} → {show_value(new, path)}"


_ITEM = re.compile(r"^(.*?\[(?!\")[^\]]*\])")
_INDEX = re.compile(r"^(.*?)\[(\d+)\]")
_LIST_DETAIL = 3


def collapse_lists(changes: Sequence[PropertyChange]) -> list[str]:
    """Changed properties as lines, with list items summarised: an item added or removed whole is one line, and
    many changes inside positional (unnamed) items are one line per list."""
    item_of = {id(c): m.group(1) for c in changes if (m := _ITEM.match(c.path))}
    position_of = {id(c): (m.group(1), int(m.group(2))) for c in changes if (m := _INDEX.match(c.path))}
    items: dict[str, list[PropertyChange]] = {}
    lists: dict[str, list[int]] = {}
    for c in changes:
        if id(c) in item_of:
            items.setdefault(item_of[id(c)], []).append(c)
        if id(c) in position_of:
            name, position = position_of[id(c)]
            lists.setdefault(name, []).append(position)
    lines: list[str] = []
    for c in changes:
        members = items.get(item_of.get(id(c), ""), [])
        listed = lists.get(position_of[id(c)][0], []) if id(c) in position_of else []
        if len(members) > _LIST_DETAIL and all(m.old is ABSENT for m in members):
            line = f"{item_of[id(c)]}: added ({len(members)} properties)"
        elif len(members) > _LIST_DETAIL and all(m.new is ABSENT for m in members):
            line = f"{item_of[id(c)]}: removed"
        elif len(listed) > _LIST_DETAIL:
            shown = ", ".join(f"[{p}]" for p in sorted(set(listed)))
            line = f"{position_of[id(c)][0]}: items {shown} changed ({len(listed)} properties)"
        else:
            line = show_change(c)
        if line not in lines:
            lines.append(line)
    return lines


def _type(change: ResourceChange) -> str:
    token = change.type.removeprefix("azure-native:")
    return token if change.custom else f"component {token.removeprefix('azplatform:index:')}"


# --- entries: one block of lines per resource (or per group of tag-only updates) ------------------------------
@dataclass(frozen=True)
class Entry:
    """Lines describing one resource change, or one group of identical tag-only updates."""

    stack: str
    priority: int
    order: int
    lines: tuple[str, ...]
    resources: int = 1


def _resource_lines(change: ResourceChange, created: dict[str, Any] | None) -> list[str]:
    symbol = _SYMBOL[change.action]
    head = f"{symbol} {change.name} ({_type(change)})"
    if change.action is Action.REPLACE:
        head += " replace"
    lines = [head]
    lines += [f"    # replaced: {reason}" for reason in change.replace_reasons]
    lines += [f"    # {note}" for note in change.notes]
    tags = [c for c in change.changes if c.tag]
    others = [c for c in change.changes if not c.tag]
    lines += [f"    {line}" for line in collapse_lists(others)]
    if tags:
        lines.append(f"    tags: {_tag_summary(tags)}")
    if created:
        shown = list(created.items())[:_CREATE_PROPERTIES]
        lines += [f"    {path} = {show_value(value, path)}" for path, value in shown]
        if len(created) > len(shown):
            rest = len(created) - len(shown)
            lines.append(f"    … {rest} more {'property' if rest == 1 else 'properties'}")
    return lines


def _tag_summary(changes: Sequence[PropertyChange]) -> str:
    parts = []
    for c in changes:
        key = c.path.removeprefix("tags").lstrip(".")
        if c.old is ABSENT:
            parts.append(f"+{key}={show_value(c.new)}")
        elif c.new is ABSENT:
            parts.append(f"-{key}")
        else:
            parts.append(f"{key}: {show_value(c.old)} → {show_value(c.new)}")
    return ", ".join(parts)


def entries(diff: StackDiff, created_inputs: dict[str, dict[str, Any]] | None = None) -> list[Entry]:
    """The stack's changes as report entries, in plan order, with tag-only updates collapsed into groups."""
    created_inputs = created_inputs or {}
    found: list[Entry] = []
    groups: dict[str, list[ResourceChange]] = {}
    for change in diff.changes:
        if change.tags_only:
            groups.setdefault(_tag_summary(change.changes), []).append(change)
    grouped = {id(c) for members in groups.values() if len(members) > 1 for c in members}
    group_at = {summary: min(diff.changes.index(c) for c in members) for summary, members in groups.items()}
    for index, change in enumerate(diff.changes):
        if id(change) in grouped:
            continue
        lines = _resource_lines(change, created_inputs.get(change.urn) if change.action is Action.CREATE else None)
        found.append(Entry(diff.stack, _PRIORITY[change.action], index, tuple(lines)))
    for summary, members in groups.items():
        if len(members) < 2:
            continue
        names = [m.name for m in members]
        more = f", … (+{len(names) - _GROUP_NAMES} more)" if len(names) > _GROUP_NAMES else ""
        group = (f"~ {len(members)} resources: tags only: {summary}", "    " + ", ".join(names[:_GROUP_NAMES]) + more)
        found.append(Entry(diff.stack, _PRIORITY[Action.UPDATE], group_at[summary], group, len(members)))
    # Destructive changes first, then updates, then creates; plan order within each.
    return sorted(found, key=lambda e: (e.priority, e.order))


def created_properties(report: DiffReport) -> dict[str, dict[str, dict[str, Any]]]:
    """For each stack, the flattened inputs (tags left out) of each created resource, by URN."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for diff in report.stacks:
        plan = report.head_plans.get(diff.stack)
        if plan is None:
            continue
        created = {c.urn for c in diff.changes if c.action is Action.CREATE}
        out[diff.stack] = {
            r.urn: {
                propertypath.render(p): v
                for p, v in propertypath.flatten(r.inputs).items()
                if p and p[0].text != "tags"
            }
            for r in plan.resources
            if r.urn in created
        }
    return out


# --- shared sections -------------------------------------------------------------------------------------------------
def _counts(diff: StackDiff) -> str:
    parts = [
        f"{_count_cell(diff, a)} to {a.value}" for a in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)
    ]
    shown = [p for p in parts if not p.startswith("0 ")]
    return ", ".join(shown) if shown else "no changes"


def _where(stack: str, risk: Risk) -> str:
    return f"{stack}: `{risk.name}` ({risk.type.removeprefix('azure-native:')})"


def _violation(v: Violation) -> str:
    return f"[{v.level}] `{v.policy}` on `{v.urn.rsplit('::', 1)[-1]}`: {v.message}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- markdown -------------------------------------------------------------------------------------------------------
def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _md_risk_rows(report: DiffReport) -> list[str]:
    return [
        f"| {_ICON[r.kind]} {r.kind.value} | {stack} | `{r.name}` ({r.type.removeprefix('azure-native:')}) "
        f"| {_cell(r.message)} |"
        for stack, r in report.risks
    ]


def _count_cell(diff: StackDiff, action: Action) -> str:
    count = str(diff.count(action))
    return f"{count} ({diff.cascaded} by cascade)" if action is Action.REPLACE and diff.cascaded else count


def _md_summary(report: DiffReport) -> list[str]:
    lines = [
        "#### Summary",
        "",
        "| Stack | Create | Update | Replace | Delete | Unchanged | New violations | Resolved violations |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for d in report.stacks:
        name = d.stack + (" (new stack)" if d.base_missing and not d.head_missing else "")
        name += " (removed)" if d.head_missing and not d.error else ""
        if d.error:
            lines.append(f"| {name} | ❌ plan failed: {_cell(abbreviate(d.error, 200))} ||||||| ")
            continue
        counts = " | ".join(_count_cell(d, a) for a in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE))
        lines.append(f"| {name} | {counts} | {d.unchanged} | {len(d.new_violations)} | {len(d.resolved_violations)} |")
    return lines


_COST_LINES = 6


def _md_cost(report: DiffReport) -> list[str]:
    """The cost section: each stack's monthly estimate before and after, and the changed charges, largest first."""
    if not report.costs:
        return []
    out = ["#### Cost (monthly estimate)", ""]
    for delta in report.costs:
        lines = delta_lines(delta, _COST_LINES)
        out.append(f"- **{_cell(lines[0])}**")
        out += [f"  - {_cell(line.strip())}" for line in lines[1:]]
    return [*out, ""]


def _md_policy_lines(report: DiffReport) -> list[str]:
    lines = []
    for d in report.stacks:
        ordered = sorted(d.new_violations, key=lambda v: v.level != "mandatory")
        lines += [f"- **{d.stack}** new {_cell(_violation(v))}" for v in ordered]
        lines += [f"- **{d.stack}** resolved {_cell(_violation(v))}" for v in d.resolved_violations]
    return lines


def _md_stack_block(diff: StackDiff, chosen: Sequence[Entry]) -> str:
    body = "\n".join(line.replace("```", "'''") for e in chosen for line in e.lines)
    return f"<details><summary><b>{diff.stack}</b>: {_counts(diff)}</summary>\n\n```diff\n{body}\n```\n\n</details>\n"


def _md_diagram(report: DiffReport, prefer: str) -> str:
    if not report.head_plans:
        return ""
    stack = prefer if prefer in report.head_plans else next(iter(report.head_plans))
    graph = mermaid_for(report.head_plans[stack])
    return f"<details><summary>Architecture ({stack}, head)</summary>\n\n```mermaid\n{graph}```\n\n</details>\n"


def to_markdown(report: DiffReport, limit: int = GITHUB_COMMENT_LIMIT, diagram_stack: str = "prod") -> str:
    """The pull-request comment. Never longer than ``limit`` (UTF-8 bytes); says what it left out when it cuts."""
    risk_rows = _md_risk_rows(report)
    policy = _md_policy_lines(report)
    errors = [d for d in report.stacks if d.error]

    def essentials(rows: Sequence[str], policy_lines: Sequence[str], cut_risks: int, cut_policy: int) -> str:
        out = [MARKER, "### Infrastructure diff (offline plan)", ""]
        if report.risks:
            out += ["> [!CAUTION]", f"> **{len(report.risks)} risky change(s)**: review them before merging.", ""]
            out += ["#### Risks", "", "| Risk | Stack | Resource | What happens |", "|---|---|---|---|", *rows]
            if cut_risks:
                out.append(f"| … | | | {cut_risks} more risk(s) left out (see the job summary) |")
            out.append("")
        elif not any(d.changes for d in report.stacks) and not errors:
            out += ["No changes to any stack.", ""]
        else:
            out += ["No risky changes found.", ""]
        out += [*_md_summary(report), ""]
        out += _md_cost(report)
        for d in errors:
            out += [
                f"**{d.stack}**: the head plan failed to render:",
                "",
                "```",
                abbreviate(d.error or "", 2000),
                "```",
                "",
            ]
        if policy_lines or cut_policy:
            out += ["#### Policy", "", *policy_lines]
            if cut_policy:
                out.append(f"- … {cut_policy} more policy change(s) left out")
            out.append("")
        return "\n".join(out) + "\n"

    head = essentials(risk_rows, policy, 0, 0)
    if _size(head) + _NOTE_RESERVE > limit:
        # Keep as many risk rows, then policy lines, as fit around the fixed parts (with their "left out" lines).
        room = limit - _NOTE_RESERVE - _size(essentials([], [], len(risk_rows), len(policy)))
        kept: list[list[str]] = [[], []]
        for bucket, candidates in zip(kept, (risk_rows, policy), strict=True):
            for line in candidates:
                if _size(line) + 1 > room:
                    break
                bucket.append(line)
                room -= _size(line) + 1
        rows, lines = kept
        head = essentials(rows, lines, len(risk_rows) - len(rows), len(policy) - len(lines))

    created = created_properties(report)
    by_stack = {d.stack: entries(d, created.get(d.stack)) for d in report.stacks}
    budget = limit - _size(head) - _NOTE_RESERVE
    chosen: dict[str, list[Entry]] = {stack: [] for stack in by_stack}
    ranked = sorted(
        (e for es in by_stack.values() for e in es),
        key=lambda e: (e.priority, [d.stack for d in report.stacks].index(e.stack), e.order),
    )
    diffs = {d.stack: d for d in report.stacks}
    used = 0
    left_out: dict[str, int] = {}
    for entry in ranked:
        cost = _size("\n".join(entry.lines) + "\n")
        if not chosen[entry.stack]:
            cost += _size(_md_stack_block(diffs[entry.stack], [])) + _size("#### Changes\n\n")
        if used + cost <= budget:
            chosen[entry.stack].append(entry)
            used += cost
        else:
            left_out[entry.stack] = left_out.get(entry.stack, 0) + entry.resources
    blocks = [
        _md_stack_block(diffs[stack], sorted(es, key=lambda e: (e.priority, e.order)))
        for stack, es in chosen.items()
        if es
    ]
    body = head + ("#### Changes\n\n" + "\n".join(blocks) + "\n" if blocks else "")
    diagram = _md_diagram(report, diagram_stack)
    diagram_left_out = False
    if diagram and _size(body + diagram) + _NOTE_RESERVE <= limit:
        body += diagram
    elif diagram:
        diagram_left_out = True
    note = _left_out_note(left_out, diagram_left_out, limit)
    return body + note


def _left_out_note(left_out: dict[str, int], diagram: bool, limit: int) -> str:
    if not left_out and not diagram:
        return ""
    parts = []
    if left_out:
        per_stack = ", ".join(f"{stack}: {n}" for stack, n in left_out.items())
        parts.append(f"{sum(left_out.values())} resource change(s) ({per_stack})")
    if diagram:
        parts.append("the architecture diagram")
    bound = (
        f"GitHub's {GITHUB_COMMENT_LIMIT:,}-character comment limit"
        if limit == GITHUB_COMMENT_LIMIT
        else f"the {limit:,}-byte limit"
    )
    return (
        f"\n_Left out to stay under {bound}: {' and '.join(parts)}. The job summary and the `plan-diff` "
        "artifact hold the full diff (`azplatform diff BASE HEAD --format text`)._\n"
    )


# --- text ---------------------------------------------------------------------------------------------------------
def to_text(report: DiffReport) -> str:
    """The whole diff as plain text (no size limit): risks, summary, policy, then every change."""
    out = ["Infrastructure diff (offline plan)", ""]
    if report.risks:
        out += [f"RISKS ({len(report.risks)}):"]
        out += [f"  [{r.kind.value}] {_where(stack, r)}: {r.message}" for stack, r in report.risks]
    else:
        out.append("No risky changes found.")
    out += ["", "SUMMARY:"]
    for d in report.stacks:
        status = f"plan failed: {d.error}" if d.error else _counts(d)
        out.append(f"  {d.stack}: {status}; {d.unchanged} unchanged")
        if d.new_violations or d.resolved_violations:
            out.append(f"    policy: {len(d.new_violations)} new, {len(d.resolved_violations)} resolved violation(s)")
    if report.costs:
        out += ["", "COST (monthly estimate):"]
        out += [f"  {line}" for delta in report.costs for line in delta_lines(delta, limit=50)]
    for d in report.stacks:
        lines = [f"  new {_violation(v)}" for v in d.new_violations]
        lines += [f"  resolved {_violation(v)}" for v in d.resolved_violations]
        if lines:
            out += ["", f"POLICY ({d.stack}):", *lines]
    created = created_properties(report)
    for d in report.stacks:
        found = entries(d, created.get(d.stack))
        if found:
            out += ["", f"CHANGES ({d.stack}):", *(line for e in found for line in e.lines)]
    return "\n".join(out) + "\n"


# --- json --------------------------------------------------------------------------------------------------------
def _json_change(c: PropertyChange) -> dict[str, Any]:
    out: dict[str, Any] = {"path": c.path}
    if is_secret(c.old) or is_secret(c.new) or sensitive(c.path):
        out["secret"] = True
        return out
    if c.old is not ABSENT:
        out["old"] = c.old
    if c.new is not ABSENT:
        out["new"] = c.new
    return out


def _json_violations(vs: Iterable[Violation]) -> list[dict[str, str]]:
    return [{"policy": v.policy, "level": v.level, "urn": v.urn, "message": v.message} for v in vs]


def to_dict(report: DiffReport) -> dict[str, Any]:
    """The diff as data (secrets masked): for tools and for tests."""
    return {
        "stacks": [
            {
                "stack": d.stack,
                "error": d.error,
                "newStack": d.base_missing,
                "counts": {a.value: d.count(a) for a in Action} | {"unchanged": d.unchanged, "cascaded": d.cascaded},
                "risks": [
                    {"kind": r.kind.value, "urn": r.urn, "type": r.type, "name": r.name, "message": r.message}
                    for r in d.risks
                ],
                "changes": [
                    {
                        "urn": c.urn,
                        "type": c.type,
                        "name": c.name,
                        "action": c.action.value,
                        "cascadedFrom": c.cascaded_from,
                        "changes": [_json_change(p) for p in c.changes],
                        "replaceReasons": list(c.replace_reasons),
                        "notes": list(c.notes),
                    }
                    for c in d.changes
                ],
                "newViolations": _json_violations(d.new_violations),
                "resolvedViolations": _json_violations(d.resolved_violations),
                "cost": _json_cost(report, d.stack),
            }
            for d in report.stacks
        ]
    }


def _json_cost(report: DiffReport, stack: str) -> dict[str, Any] | None:
    delta = next((c for c in report.costs if c.stack == stack), None)
    if delta is None:
        return None
    return {
        "before": delta.before,
        "after": delta.after,
        "change": delta.change,
        "threshold": delta.threshold,
        "error": delta.error,
        "changes": [{"description": c.describe(), "delta": c.delta} for c in delta.changes],
    }


def to_json(report: DiffReport) -> str:
    """:func:`to_dict` as indented JSON."""
    return json.dumps(to_dict(report), indent=2, default=str) + "\n"

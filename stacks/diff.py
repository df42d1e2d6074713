"""Compare two offline plans (base and head of a pull request) resource by resource, matched by URN.

The result says, per stack, what the engine will create, update, replace and delete, with the changed input
properties, the predicted replacements (``replaceOnChanges`` plus the table in ``stacks/immutable.py``), the risks
(``stacks/risks.py``) and the policy violations that appear or go away. ``stacks/diff_report.py`` renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azplatform.components.records import arm_id, display_name, id_inputs
from azplatform.plan import Plan, PlanFormatError, PlannedResource, ResourceOptions, Violation
from azplatform.plan.environments import ENVIRONMENTS
from azplatform.stacks import immutable, propertypath
from azplatform.stacks.cost import StackCostDelta
from azplatform.stacks.propertypath import ABSENT
from azplatform.stacks.risks import RISK_ORDER, Action, Risk, RiskKind, assess

# Stacks in promotion order; others follow alphabetically.
STACK_ORDER: tuple[str, ...] = ENVIRONMENTS
# Changes that are not input properties: they change Pulumi's state or behaviour, not the Azure resource.
PROTECT = "(protect)"
SAME_NAME_REPLACE = (
    "same Azure name before and after, and no deleteBeforeReplace: the replacement collides with the old resource; "
    "set deleteBeforeReplace (downtime) or give it a new name"
)
_OPTION_FIELDS = ("ignoreChanges", "replaceOnChanges", "deleteBeforeReplace", "retainOnDelete")


@dataclass(frozen=True)
class PropertyChange:
    """One changed leaf of a resource's inputs (``old``/``new`` are ABSENT when the property is not set)."""

    path: str
    old: Any
    new: Any

    @property
    def tag(self) -> bool:
        """Whether this is a tag change (the noisiest kind: platform-wide tags touch every resource)."""
        return self.path == "tags" or self.path.startswith(("tags.", "tags["))


@dataclass(frozen=True)
class ResourceChange:
    """What happens to one resource: the action, the changed properties and why it is replaced."""

    urn: str
    type: str
    name: str
    action: Action
    changes: tuple[PropertyChange, ...] = ()
    replace_reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    custom: bool = True
    cascaded_from: str | None = None
    """For a replacement forced by another one (a create-only input references a replaced resource): the URN of
    the replacement that started the chain."""

    @property
    def tags_only(self) -> bool:
        """An update that only changes tags."""
        return self.action is Action.UPDATE and bool(self.changes) and all(c.tag for c in self.changes)


@dataclass
class StackDiff:
    """The diff of one stack: changed resources, risks and policy violations."""

    stack: str
    changes: list[ResourceChange] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    new_violations: list[Violation] = field(default_factory=list)
    resolved_violations: list[Violation] = field(default_factory=list)
    unchanged: int = 0
    base_missing: bool = False
    head_missing: bool = False
    error: str | None = None
    """Why the head plan could not be rendered (a config error), when it could not."""

    def count(self, action: Action) -> int:
        """How many resources get this action."""
        return sum(1 for c in self.changes if c.action is action)

    @property
    def cascaded(self) -> int:
        """How many of the replacements another replacement forces."""
        return sum(1 for c in self.changes if c.cascaded_from is not None)


@dataclass
class DiffReport:
    """Every stack's diff, plus the head plans (the report draws the architecture from one of them)."""

    stacks: list[StackDiff]
    head_plans: dict[str, Plan] = field(default_factory=dict)
    base_plans: dict[str, Plan] = field(default_factory=dict)
    costs: list[StackCostDelta] = field(default_factory=list)
    """The cost section per stack (``stacks/cost.py``), when the caller computed it."""

    @property
    def risks(self) -> list[tuple[str, Risk]]:
        """All risks, by kind (data loss first), then stack order."""
        found = [(s.stack, r) for s in self.stacks for r in s.risks]
        return sorted(found, key=lambda sr: RISK_ORDER.index(sr[1].kind))


# --- one resource ----------------------------------------------------------------------------------------------------
def _ignored(options: ResourceOptions, path: propertypath.Path) -> bool:
    return any(propertypath.matches(pattern, path) for pattern in options.ignoreChanges)


def property_changes(old: PlannedResource, new: PlannedResource) -> list[PropertyChange]:
    """The changed input leaves (minus ``ignoreChanges``), then changes of protect and resource options."""
    before, after = propertypath.flatten(old.inputs), propertypath.flatten(new.inputs)
    changes = [
        PropertyChange(propertypath.render(path), before.get(path, ABSENT), after.get(path, ABSENT))
        for path in sorted(set(before) | set(after))
        if before.get(path, ABSENT) != after.get(path, ABSENT) and not _ignored(new.options, path)
    ]
    if old.protect != new.protect:
        changes.append(PropertyChange(PROTECT, old.protect, new.protect))
    for name in _OPTION_FIELDS:
        was, now = getattr(old.options, name), getattr(new.options, name)
        if was != now:
            changes.append(PropertyChange(f"(options.{name})", was, now))
    if old.provider != new.provider:
        changes.append(PropertyChange("(provider)", old.provider, new.provider))
    return changes


def replace_reasons(old: PlannedResource, new: PlannedResource) -> list[str]:
    """Why the engine replaces this resource rather than updating it; empty when it updates in place."""
    before, after = propertypath.flatten(old.inputs), propertypath.flatten(new.inputs)
    changed = [p for p in set(before) | set(after) if before.get(p, ABSENT) != after.get(p, ABSENT)]
    declared = [p for p in new.options.replaceOnChanges if any(propertypath.matches(p, path) for path in changed)]
    reasons = [f"`{pattern}` changed (replaceOnChanges)" for pattern in declared]
    for found in immutable.replacements(new.type, old.inputs, new.inputs):
        if found.path not in declared:
            reasons.append(f"`{found.path}` changed: {found.reason}")
    return reasons


def compare_resource(old: PlannedResource | None, new: PlannedResource | None) -> ResourceChange | None:
    """The change for one URN, or None when nothing changes."""
    if old is None and new is None:
        raise ValueError("compare_resource needs a base or a head resource")
    if old is None:
        assert new is not None
        return ResourceChange(new.urn, new.type, new.name, Action.CREATE, custom=new.custom)
    if new is None:
        kept = ("retainOnDelete: removed from the stack but kept in Azure",) if old.options.retainOnDelete else ()
        return ResourceChange(old.urn, old.type, old.name, Action.DELETE, notes=kept, custom=old.custom)
    changes = property_changes(old, new)
    if not changes:
        return None
    reasons = replace_reasons(old, new) if new.custom else []
    notes: tuple[str, ...] = ()
    if reasons and new.options.deleteBeforeReplace:
        notes = ("deleteBeforeReplace: the old resource is deleted before the new one exists (downtime)",)
    elif reasons and arm_id(old.type, old.name, old.inputs) == arm_id(new.type, new.name, new.inputs):
        # Pulumi creates the replacement first; with the same ARM id it collides with the old resource (or, where
        # a PUT adopts it, the following delete removes it): https://github.com/pulumi/pulumi-terraform/issues/383
        notes = (SAME_NAME_REPLACE,)
    action = Action.REPLACE if reasons else Action.UPDATE
    return ResourceChange(new.urn, new.type, new.name, action, tuple(changes), tuple(reasons), notes, new.custom)


# --- one stack ---------------------------------------------------------------------------------------------------
def _violation_key(v: Violation) -> tuple[str, str]:
    return (v.policy, v.urn)


def compare(base: Plan | None, head: Plan | None, stack: str | None = None) -> StackDiff:
    """Diff two plans of one stack. A missing base (a new stack) makes everything a create."""
    name = stack or (head.stack if head else base.stack if base else "")
    diff = StackDiff(name, base_missing=base is None, head_missing=head is None)
    old = {r.urn: r for r in base.resources} if base else {}
    new = {r.urn: r for r in head.resources} if head else {}
    order = [r.urn for r in head.resources] if head else []
    order += [r.urn for r in base.resources if r.urn not in new] if base else []
    for urn in order:
        before, after = old.get(urn), new.get(urn)
        change = compare_resource(before, after)
        if change is None:
            diff.unchanged += 1
            continue
        diff.changes.append(change)
        diff.risks += assess(change.action, before, after, list(change.replace_reasons))
    _cascade(diff, old, new, order)
    base_v = {_violation_key(v): v for v in base.violations} if base else {}
    head_v = {_violation_key(v): v for v in head.violations} if head else {}
    diff.new_violations = [v for k, v in head_v.items() if k not in base_v]
    diff.resolved_violations = [v for k, v in base_v.items() if k not in head_v]
    return diff


# --- cascading replacements ---------------------------------------------------------------------------------------
def create_only_inputs(type_token: str) -> frozenset[str]:
    """The top-level inputs a resource of this type cannot change once it exists: those that form its ARM id and
    those its type record marks immutable. A resource whose such input references a replaced resource is replaced
    too: Azure deletes children and extension resources with their parent, and a create-only reference cannot be
    pointed at the new one (an app cannot move to a new environment)."""
    fixed = {prop.path.split(".")[0].split("[")[0] for prop in immutable.immutable_properties(type_token)}
    return frozenset(fixed) | id_inputs(type_token)


def _cascade(
    diff: StackDiff, old: dict[str, PlannedResource], new: dict[str, PlannedResource], order: list[str]
) -> None:
    """Follow each replacement through the head plan's property dependencies: every resource whose create-only input
    references a replaced one is replaced as well, transitively. Adds those replacements (counted in the summary),
    their own risks, and one cascade risk per replacement that starts a chain."""
    changes = {c.urn: c for c in diff.changes}
    dependents: dict[str, list[tuple[str, str]]] = {}
    for resource in new.values():
        if not resource.custom:
            continue
        fixed = create_only_inputs(resource.type)
        for prop, urns in resource.propertyDependencies.items():
            if prop in fixed:
                for urn in urns:
                    dependents.setdefault(urn, []).append((resource.urn, prop))
    queue = [c.urn for c in diff.changes if c.action is Action.REPLACE and c.urn in new]
    root = {urn: urn for urn in queue}
    while queue:
        cause = new[queue.pop(0)]
        for urn, prop in dependents.get(cause.urn, []):
            current = changes.get(urn)
            if urn not in old or (current is not None and current.action is not Action.UPDATE):
                continue  # created, deleted or already replaced: nothing more to follow
            resource = new[urn]
            reason = f"`{prop}` references `{cause.name}`, which is replaced, and cannot change after creation"
            changes[urn] = ResourceChange(
                urn,
                resource.type,
                resource.name,
                Action.REPLACE,
                current.changes if current else (),
                (reason,),
                ("cascade: replaced because a resource it depends on is replaced",),
                resource.custom,
                cascaded_from=root[cause.urn],
            )
            root[urn] = root[cause.urn]
            if current is None:
                diff.unchanged -= 1
            else:  # its update risks were assessed already; the replacement's are added below
                diff.risks = [r for r in diff.risks if r.urn != urn]
            diff.risks += assess(Action.REPLACE, old[urn], resource, [reason])
            queue.append(urn)
    cascaded = [c for c in changes.values() if c.cascaded_from is not None]
    if not cascaded:
        return
    rank = {urn: i for i, urn in enumerate(order)}
    diff.changes = sorted(changes.values(), key=lambda c: rank.get(c.urn, len(rank)))
    for start in sorted({c.cascaded_from for c in cascaded if c.cascaded_from}, key=lambda u: rank.get(u, 0)):
        forced = [c for c in cascaded if c.cascaded_from == start]
        kinds: dict[str, list[str]] = {}
        for c in forced:
            kinds.setdefault(display_name(c.type), []).append(f"`{c.name}`")
        listed = "; ".join(f"{label} ({len(names)}): {', '.join(names)}" for label, names in kinds.items())
        origin = new[start]
        diff.risks.append(
            Risk(
                RiskKind.CASCADE,
                origin.urn,
                origin.type,
                origin.name,
                f"its replacement forces {len(forced)} more, whose create-only inputs reference it (followed "
                f"through the plan): {listed}",
            )
        )


# --- files and folders ---------------------------------------------------------------------------------------------
def _stack_sort_key(stack: str) -> tuple[int, str]:
    return (STACK_ORDER.index(stack), "") if stack in STACK_ORDER else (len(STACK_ORDER), stack)


def _load(path: Path, stack: str | None = None) -> Plan | None:
    """The plan at ``path`` (None when there is none); in a folder of plans, ``<stack>.json`` must be that stack's."""
    plan = Plan.load(path) if path.is_file() else None
    if plan is not None and stack is not None and plan.stack != stack:
        raise PlanFormatError(f"{path} holds a plan of stack {plan.stack!r}, not {stack!r}")
    return plan


def _error(folder: Path, stack: str) -> str | None:
    marker = folder / f"{stack}.error"
    if not marker.is_file():
        return None
    return marker.read_text(encoding="utf-8").strip() or "the plan could not be rendered"


def compare_paths(base: Path, head: Path) -> DiffReport:
    """Diff two plan files, or two folders of ``<stack>.json`` plans (a ``<stack>.error`` file says why a stack's
    plan could not be rendered). A stack missing from the base folder is new; missing from the head, removed."""
    if base.is_dir() or head.is_dir():
        stacks = sorted(_stacks_in(base) | _stacks_in(head), key=_stack_sort_key)
        report = DiffReport([])
        for stack in stacks:
            old, new = _load(base / f"{stack}.json", stack), _load(head / f"{stack}.json", stack)
            diff = compare(old, new, stack)
            diff.error = _error(head, stack)
            report.stacks.append(diff)
            if new is not None:
                report.head_plans[stack] = new
            if old is not None:
                report.base_plans[stack] = old
        return report
    old, new = _load(base), Plan.load(head)
    return DiffReport([compare(old, new)], {new.stack: new}, {old.stack: old} if old else {})


def _stacks_in(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.stem for p in folder.iterdir() if p.suffix in (".json", ".error")}

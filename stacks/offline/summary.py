"""The readable summary ``azplatform plan`` prints: counts by resource type and a tree by parent."""

from __future__ import annotations

from azplatform.plan import Plan, PlannedResource


def summary(plan: Plan) -> str:
    """Counts by type, then the component tree."""
    lines = [f"{plan.project}/{plan.stack}: {len(plan.resources)} resources", "", "By type:"]
    counts = plan.counts_by_type()
    width = max((len(t) for t in counts), default=0)
    lines += [f"  {t.ljust(width)}  {n}" for t, n in sorted(counts.items())]
    lines += ["", "Tree:"]
    roots = [r for r in plan.resources if r.parent is None]
    for root in roots:
        _tree(plan, root, "  ", lines)
    if plan.violations:
        lines += ["", f"Policy: {len(plan.violations)} violation(s)"]
        lines += [f"  [{v.level}] {v.policy}: {v.message} ({v.urn.rsplit('::', 1)[-1]})" for v in plan.violations]
    return "\n".join(lines)


def _tree(plan: Plan, node: PlannedResource, indent: str, lines: list[str]) -> None:
    flags = " [protected]" if node.protect else ""
    lines.append(f"{indent}{node.name} ({node.type}){flags}")
    for child in plan.children(node.urn):
        _tree(plan, child, indent + "  ", lines)

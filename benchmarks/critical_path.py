"""How long a first ``pulumi up`` of a plan would take: critical path, serial sum, and Azure's lower bound.

How Pulumi orders creates (pulumi 3.x Python SDK, ``pulumi/runtime/resource.py`` and ``rpc.py``; engine design in
pulumi/pulumi ``developer-docs/architecture/resource-registration.md``):

- The engine runs steps fire-and-forget, in parallel (``pulumi up --parallel`` is unbounded by default). Ordering
  comes from the program: a resource is registered only once every input it awaits has resolved, and an output
  (an id, a URN) resolves when its resource's RegisterResource call returns, i.e. once it is created.
- Explicit ``depends_on`` awaits the dependencies' URNs, which likewise resolve on creation.
- A local component resource is not a node: ``depends_on`` or an output of a component expands to the component's
  custom descendants (``_add_dependency``), and the recorded ``dependencies`` already hold only custom URNs. A
  component itself waits for nothing, and its children do not inherit waits from it.
- A child awaits its parent's URN ("Wait for our parent to resolve"): free for a component parent, but a custom
  parent must be created first. So the graph's edges are a custom resource's ``dependencies`` plus its parent when
  that parent is custom.

The graph is only as complete as the recorded dependencies: a resource registered inside an ``apply`` callback would
wait for that output without recording it. No component does so (their applies only format strings and lists).

Each node weighs its typical create time (benchmarks.provisioning). The estimate is the longest weighted path; the
serial sum is what ``--parallel 1`` would take; the lower bound is the longest path over the edges Azure requires
(benchmarks.prerequisites), which is at least the slowest resource plus its true prerequisites.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from azplatform.plan import Plan, PlannedResource
from benchmarks.prerequisites import requirement, why_not_required
from benchmarks.provisioning import UNLISTED, Duration, lookup, provisioning_time


@dataclass
class Edge:
    """``prerequisite`` must finish before ``dependent`` starts."""

    prerequisite: str
    dependent: str
    via: list[str]
    """Input properties that carry the dependency; ``["(depends_on)"]`` or ``["(parent)"]`` when none does."""
    required_by: str | None
    """The Azure rule that requires the edge, or None."""


@dataclass
class Node:
    """One custom resource with its create time."""

    urn: str
    type: str
    name: str
    duration: Duration
    preds: list[Edge] = field(default_factory=list)


def _custom_descendants(plan: Plan, urn: str) -> list[str]:
    """A component's custom descendants (not below a custom resource): what depending on the component means."""
    out: list[str] = []
    for child in plan.children(urn):
        if child.custom:
            out.append(child.urn)
        else:
            out += _custom_descendants(plan, child.urn)
    return out


def build_graph(plan: Plan) -> dict[str, Node]:
    """Custom resources of ``plan`` with their incoming edges, classified required or not."""
    by_urn = {r.urn: r for r in plan.resources}
    nodes: dict[str, Node] = {}
    for r in plan.resources:
        if not r.custom:
            continue
        node = Node(r.urn, r.type, r.name, provisioning_time(r.type, r.inputs))
        for pre, via in _predecessors(plan, by_urn, r).items():
            rule = requirement(r.type, by_urn[pre].type, via)
            node.preds.append(Edge(pre, r.urn, via, rule.reason if rule else None))
        nodes[r.urn] = node
    return nodes


def _predecessors(plan: Plan, by_urn: Mapping[str, PlannedResource], r: PlannedResource) -> dict[str, list[str]]:
    preds: dict[str, list[str]] = {}

    def add(urn: str, via: str) -> None:
        target = by_urn.get(urn)
        if target is None or urn == r.urn:
            return
        for u in [urn] if target.custom else _custom_descendants(plan, urn):
            preds.setdefault(u, [])
            if via not in preds[u]:
                preds[u].append(via)

    for prop, urns in r.propertyDependencies.items():
        for urn in urns:
            add(urn, prop)
    for urn in r.dependencies:
        if urn not in preds:
            add(urn, "(depends_on)")
    if r.parent and r.parent in by_urn and by_urn[r.parent].custom:
        add(r.parent, "(parent)")
    return preds


def _topological(nodes: Mapping[str, Node]) -> list[str]:
    indegree = {u: sum(1 for e in n.preds if e.prerequisite in nodes) for u, n in nodes.items()}
    succs: dict[str, list[str]] = {u: [] for u in nodes}
    for n in nodes.values():
        for e in n.preds:
            if e.prerequisite in nodes:
                succs[e.prerequisite].append(n.urn)
    ready = [u for u, d in indegree.items() if d == 0]
    order: list[str] = []
    while ready:
        u = ready.pop()
        order.append(u)
        for v in succs[u]:
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    if len(order) != len(nodes):
        raise ValueError("the plan's dependency graph has a cycle")
    return order


@dataclass
class Schedule:
    """Earliest start and finish of every node, and the longest path."""

    start: dict[str, float]
    finish: dict[str, float]
    path: list[str]
    total: float


def schedule(nodes: Mapping[str, Node], *, required_only: bool = False) -> Schedule:
    """Earliest-start schedule with unbounded parallelism; ``required_only`` keeps only Azure's edges."""
    start: dict[str, float] = {}
    finish: dict[str, float] = {}
    via: dict[str, str | None] = {}
    for u in _topological(nodes):
        n = nodes[u]
        edges = [e for e in n.preds if e.prerequisite in nodes and (e.required_by or not required_only)]
        best = max(edges, key=lambda e: finish[e.prerequisite], default=None)
        start[u] = finish[best.prerequisite] if best else 0.0
        via[u] = best.prerequisite if best else None
        finish[u] = start[u] + n.duration.minutes
    if not finish:
        return Schedule({}, {}, [], 0.0)
    last = max(finish, key=lambda u: (finish[u], nodes[u].duration.minutes))
    path = [last]
    while (prev := via[path[-1]]) is not None:
        path.append(prev)
    path.reverse()
    return Schedule(start, finish, path, finish[last])


def _edge(nodes: Mapping[str, Node], pre: str, dep: str) -> Edge:
    return next(e for e in nodes[dep].preds if e.prerequisite == pre)


def _path_rows(nodes: Mapping[str, Node], sched: Schedule) -> list[dict[str, Any]]:
    rows = []
    for i, u in enumerate(sched.path):
        n = nodes[u]
        edge = _edge(nodes, sched.path[i - 1], u) if i else None
        rows.append(
            {
                "name": n.name,
                "type": n.type,
                "start_min": round(sched.start[u], 3),
                "minutes": n.duration.minutes,
                "basis": n.duration.basis,
                "source": n.duration.source,
                "after": nodes[edge.prerequisite].name if edge else None,
                "via": edge.via if edge else [],
                "required": bool(edge.required_by) if edge else None,
                "why": (edge.required_by or why_not_required(n.type, nodes[edge.prerequisite].type)) if edge else None,
            }
        )
    return rows


def analyse(plan: Plan, tolerance: float = 0.05) -> dict[str, Any]:
    """The critical-path report for ``plan`` (JSON-able)."""
    nodes = build_graph(plan)
    actual = schedule(nodes)
    bound = schedule(nodes, required_only=True)
    serial = sum(n.duration.minutes for n in nodes.values())
    slowest = max(nodes.values(), key=lambda n: n.duration.minutes, default=None)
    needless = [
        {
            "prerequisite": nodes[pre].name,
            "prerequisite_type": nodes[pre].type,
            "dependent": nodes[dep].name,
            "dependent_type": nodes[dep].type,
            "via": _edge(nodes, pre, dep).via,
            "why_not_required": why_not_required(nodes[dep].type, nodes[pre].type),
        }
        for pre, dep in zip(actual.path, actual.path[1:], strict=False)
        if not _edge(nodes, pre, dep).required_by
    ]
    unlisted = sorted({n.type for n in nodes.values() if lookup(n.type) is None and n.duration is UNLISTED})
    ratio = actual.total / bound.total if bound.total else 1.0
    return {
        "stack": plan.stack,
        "custom_resources": len(nodes),
        "edges": sum(len(n.preds) for n in nodes.values()),
        "required_edges": sum(1 for n in nodes.values() for e in n.preds if e.required_by),
        "estimate_min": round(actual.total, 3),
        "lower_bound_min": round(bound.total, 3),
        "serial_sum_min": round(serial, 3),
        "ratio_to_lower_bound": round(ratio, 4),
        "target_ratio": 1 + tolerance,
        "meets_target": ratio <= 1 + tolerance + 1e-9,
        "slowest": {"name": slowest.name, "type": slowest.type, "minutes": slowest.duration.minutes}
        if slowest
        else None,
        "critical_path": _path_rows(nodes, actual),
        "lower_bound_path": _path_rows(nodes, bound),
        "needless_edges_on_critical_path": needless,
        "unlisted_types": unlisted,
        "schedule": {
            nodes[u].name: {"start_min": round(actual.start[u], 3), "finish_min": round(actual.finish[u], 3)}
            for u in nodes
        },
    }

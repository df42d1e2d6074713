"""Draw a stack's topology from its plan: the network tiers (subnets), the public entry point, the private links,
and the services that live outside the VNet, as Mermaid or Graphviz DOT.

Generic over the types in the plan. Placement comes from ARM ids in the inputs (a resource that references a
subnet sits in that tier; an app sits in its environment's tier); edges come from property dependencies (the
App Gateway's backend pool depends on APIM, a private endpoint's connection on its target). Labels and tiers come
from the type records; plumbing (NSGs, DNS zones, locks, role assignments, diagnostic settings, identities) is left
out; child resources (Cosmos databases and containers, Redis databases, APIM APIs) are counted on their parent.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from azplatform.components.records import Tier, arm_id, find
from azplatform.plan import Plan, PlannedResource
from azplatform.stacks import propertypath

README_START = "<!-- architecture:start (generated: azplatform graph --stack prod --readme README.md) -->"
README_END = "<!-- architecture:end -->"

# Where a resource outside any subnet goes: its type record's tier (a type without a record: platform services).
_CATEGORIES: list[tuple[Tier, str]] = [
    (Tier.EDGE, "Internet-facing edge"),
    (Tier.DATA, "Data and secrets"),
    (Tier.OBSERVABILITY, "Observability"),
    (Tier.NETWORK, "Network"),
    (Tier.PLATFORM, "Platform services"),
]
_ENVIRONMENT_PROPS = {"environmentId", "managedEnvironmentId"}
_EDGE_LABELS = {
    "backendAddressPools": "backend",
    "firewallPolicy": "WAF policy",
    "workspaceResourceId": "logs",
    "appLogsConfiguration": "logs",
    "registries": "images",
}
_SKIP_PROPS = {"resourceGroupName", "location", "tags", "subnet", "virtualNetwork", "scope", "resourceUri"}


@dataclass(frozen=True)
class Group:
    """A box: the VNet, a subnet (tier), or a category of services outside the VNet."""

    id: str
    label: str
    parent: str | None = None


@dataclass(frozen=True)
class Node:
    """One drawn resource (or the internet)."""

    id: str
    lines: tuple[str, ...]
    group: str | None
    internet: bool = False


@dataclass(frozen=True)
class Edge:
    """A relationship: traffic or reference from ``source`` to ``target``."""

    source: str
    target: str
    label: str


@dataclass
class Topology:
    """Groups, nodes and edges, in a stable order."""

    groups: list[Group] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _module(type_token: str) -> str:
    return type_token.split(":")[1] if type_token.count(":") == 2 else ""


def _label(type_token: str) -> str:
    """The type record's label; the type's name in words for a type without one."""
    item = find(type_token)
    return item.label if item is not None else _words(_kind(type_token))


def _tier(type_token: str) -> Tier:
    item = find(type_token)
    return item.tier if item is not None else Tier.PLATFORM


def _kind(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


def _words(kind: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", kind)


def _drawable(r: PlannedResource) -> bool:
    return r.custom and _tier(r.type) is not Tier.PLUMBING


def _category(type_token: str) -> str:
    return _tier(type_token).value


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def _network_key(cidr: str) -> tuple[int, int, str]:
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return (1, 0, cidr)
    return (0, int(net.network_address), cidr)


def _sku(r: PlannedResource) -> str | None:
    for path in ("sku.name", "properties.sku.name"):
        value = propertypath.get(r.inputs, path)
        if isinstance(value, str):
            return value
    return None


def topology(plan: Plan) -> Topology:
    """The plan's architecture as groups (VNet, subnets, categories), nodes and edges."""
    ids = {r.urn: arm_id(r.type, r.name, r.inputs) for r in plan.resources if r.custom}
    topo = Topology()
    subnet_groups: dict[str, str] = {}
    firewalls: list[str] = []
    for i, vnet in enumerate(plan.of_type("azure-native:network:VirtualNetwork")):
        vid = f"vnet{i}"
        space = propertypath.get(vnet.inputs, "addressSpace.addressPrefixes")
        prefixes = ", ".join(space) if isinstance(space, list) else ""
        vname = ids[vnet.urn].rsplit("/", 1)[-1]
        topo.groups.append(Group(vid, f"VNet {vname} · {prefixes}".rstrip(" ·")))
        subnets = [
            (s.get("name", ""), s.get("addressPrefix", ""))
            for s in vnet.inputs.get("subnets", [])
            if isinstance(s, dict)
        ]
        subnets += [
            (str(s.inputs.get("subnetName", s.name)), str(s.inputs.get("addressPrefix", "")))
            for s in plan.of_type("azure-native:network:Subnet")
            if s.inputs.get("virtualNetworkName") == vname
        ]
        egress = _egress(plan, ids, vnet)
        for j, (name, prefix) in enumerate(sorted(subnets, key=lambda s: _network_key(s[1]))):
            gid = f"{vid}_snet{j}"
            routed = f" · 0.0.0.0/0 → firewall {egress[name]}" if name in egress else ""
            topo.groups.append(Group(gid, f"{name} · {prefix}{routed}", vid))
            subnet_groups[f"{ids[vnet.urn]}/subnets/{name}".lower()] = gid
        # A landing zone's hub and firewall: outside this stack, drawn so that a reviewer sees where traffic goes.
        for k, peering in enumerate(vnet.inputs.get("virtualNetworkPeerings") or []):
            hub = str(propertypath.get(peering, "remoteVirtualNetwork.id") or "")
            topo.nodes.append(
                Node(f"hub{i}_{k}", (f"Hub VNet {hub.rsplit('/', 1)[-1]} (external, peered)",), None, True)
            )
        for ip in sorted(set(egress.values())):
            firewalls.append(f"fw_{_safe_id(ip)}")
            topo.nodes.append(Node(firewalls[-1], (f"Firewall {ip} (external)",), None, True))

    drawn = [r for r in plan.resources if _drawable(r)]
    parents = _parents(drawn, ids)
    shown = [r for r in drawn if parents[r.urn] is None]
    children: dict[str, Counter[str]] = {r.urn: Counter() for r in shown}
    for r in drawn:
        parent = parents[r.urn]
        if parent is not None:
            children[parent][_label(r.type) if find(r.type) is not None else _words(_kind(r.type)).lower()] += 1

    node_ids: dict[str, str] = {}
    for r in shown:
        base = "n_" + _safe_id(r.name)
        nid, n = base, 2
        while nid in node_ids.values():
            nid, n = f"{base}_{n}", n + 1
        node_ids[r.urn] = nid
    owner = {urn: parents[urn] or urn for urn in parents}

    edges: dict[tuple[str, str], list[str]] = {}

    def link(source: str, target: str, label: str) -> None:
        labels = edges.setdefault((source, target), [])
        if label not in labels:
            labels.append(label)

    hosts: dict[str, str] = {}
    types = {r.urn: r.type for r in plan.resources}
    for r in shown:
        for prop, urns in sorted(r.propertyDependencies.items()):
            if prop in _SKIP_PROPS:
                continue
            for dep in urns:
                target = owner.get(dep)
                if target is None or target == r.urn or target not in node_ids:
                    continue
                dep_type = types[target]
                if _kind(dep_type) in ("PublicIPAddress", "PublicIPPrefix"):
                    link(node_ids[target], node_ids[r.urn], "frontend")
                elif prop in _ENVIRONMENT_PROPS:
                    link(node_ids[target], node_ids[r.urn], "hosts")
                    hosts[r.urn] = target
                elif _kind(r.type) == "PrivateEndpoint":
                    link(node_ids[r.urn], node_ids[target], "private link")
                else:
                    link(node_ids[r.urn], node_ids[target], _EDGE_LABELS.get(prop, _words(prop).lower()))
    by_name = {ids[r.urn].rsplit("/", 1)[-1].lower(): r.urn for r in shown}
    # What a drawn resource's children reach belongs to it: API Management's backends call the model accounts, its
    # cache's named value reads the Redis connection string from Key Vault.
    for child in drawn:
        parent = parents[child.urn]
        if parent is None or parent not in node_ids:
            continue
        for prop, urns in sorted(child.propertyDependencies.items()):
            if prop in _SKIP_PROPS or prop in _ENVIRONMENT_PROPS:
                continue
            for dep in urns:
                target = owner.get(dep)
                if target is None or target in (parent, child.urn) or target not in node_ids:
                    continue
                label = _label(child.type) if find(child.type) is not None else _words(_kind(child.type)).lower()
                link(node_ids[parent], node_ids[target], label)
        # A backend named by host only (a model account's custom subdomain is its name): the route it serves.
        url = child.inputs.get("url")
        host = urlsplit(url).hostname if isinstance(url, str) else None
        target = by_name.get(host.split(".", 1)[0]) if host else None
        if target is not None and target != parent:
            link(node_ids[parent], node_ids[target], "backend")

    placed: dict[str, str] = {}
    for r in shown:
        tier = next(
            (subnet_groups[s.lower()] for s in propertypath.strings(r.inputs) if s.lower() in subnet_groups), None
        )
        if tier is not None:
            placed[r.urn] = tier
    for r in shown:
        if r.urn not in placed and r.urn in hosts and hosts[r.urn] in placed:
            placed[r.urn] = placed[hosts[r.urn]]
    used_categories = {_category(r.type) for r in shown if r.urn not in placed}
    category_groups = [Group(tier.value, label) for tier, label in _CATEGORIES if tier.value in used_categories]
    topo.groups = [g for g in category_groups if g.id == "edge"] + topo.groups
    topo.groups += [g for g in category_groups if g.id != "edge"]

    if any(_kind(r.type) in ("PublicIPAddress", "PublicIPPrefix") for r in shown):
        topo.nodes.append(Node("internet", ("Internet",), None, internet=True))
        for r in shown:
            if _kind(r.type) in ("PublicIPAddress", "PublicIPPrefix"):
                link("internet", node_ids[r.urn], "HTTPS")
        for firewall in firewalls:
            link(firewall, "internet", "egress")
    for r in sorted(shown, key=lambda x: (_label(x.type), ids[x.urn].rsplit("/", 1)[-1])):
        lines = [_label(r.type), ids[r.urn].rsplit("/", 1)[-1]]
        sku = _sku(r)
        if sku:
            lines.append(sku)
        if children[r.urn]:
            lines.append(
                " · ".join(f"{n} {label}{'s' if n > 1 else ''}" for label, n in sorted(children[r.urn].items()))
            )
        topo.nodes.append(Node(node_ids[r.urn], tuple(lines), placed.get(r.urn, _category(r.type))))
    topo.edges = [Edge(s, t, ", ".join(labels)) for (s, t), labels in sorted(edges.items())]
    return topo


def _egress(plan: Plan, ids: dict[str, str], vnet: PlannedResource) -> dict[str, str]:
    """Subnet name -> the firewall IP its route table sends 0.0.0.0/0 to (subnets without such a route: absent)."""
    firewalls: dict[str, str] = {}
    for table in plan.of_type("azure-native:network:RouteTable"):
        for route in table.inputs.get("routes") or []:
            if route.get("addressPrefix") == "0.0.0.0/0" and route.get("nextHopType") == "VirtualAppliance":
                firewalls[ids[table.urn].lower()] = str(route.get("nextHopIpAddress", ""))
    return {
        str(subnet.get("name", "")): firewalls[table_id]
        for subnet in vnet.inputs.get("subnets") or []
        if (table_id := str(propertypath.get(subnet, "routeTable.id") or "").lower()) in firewalls
    }


def _parents(drawn: Iterable[PlannedResource], ids: dict[str, str]) -> dict[str, str | None]:
    """Each drawn resource's top-most drawn ancestor of the same module by ARM id (a Cosmos container's account)."""
    resources = list(drawn)
    by_id = {(ids[r.urn].lower(), _module(r.type)): r.urn for r in resources}
    direct: dict[str, str | None] = {}
    for r in resources:
        parts = ids[r.urn].lower().split("/")
        prefixes = ("/".join(parts[:cut]) for cut in range(len(parts) - 1, 1, -1))
        direct[r.urn] = next((by_id[(p, _module(r.type))] for p in prefixes if (p, _module(r.type)) in by_id), None)

    def top(urn: str) -> str:
        # Nest one level only: a container counts on the account, not on its database.
        parent = direct.get(urn)
        return urn if parent is None else top(parent)

    return {urn: (top(parent) if parent else None) for urn, parent in direct.items()}


# --- rendering --------------------------------------------------------------------------------------------------------
def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(topo: Topology) -> str:
    """A Mermaid flowchart, left to right, with a subgraph per group (subnets nested in their VNet)."""
    out = ["flowchart LR"]
    internet = [n for n in topo.nodes if n.internet]
    out += [f'  {n.id}(("{_mermaid_text(n.lines[0])}"))' for n in internet]

    def emit(group: Group, indent: str) -> None:
        out.append(f'{indent}subgraph {group.id}["{_mermaid_text(group.label)}"]')
        members = [n for n in topo.nodes if n.group == group.id]
        subgroups = [g for g in topo.groups if g.parent == group.id]
        for n in members:
            label = "<br/>".join(_mermaid_text(line) for line in n.lines)
            out.append(f'{indent}  {n.id}["{label}"]')
        for sub in subgroups:
            emit(sub, indent + "  ")
        if not members and not subgroups:
            out.append(f'{indent}  {group.id}_empty["(no resources)"]:::empty')
        out.append(f"{indent}end")

    for group in topo.groups:
        if group.parent is None:
            emit(group, "  ")
    out += [f"  {e.source} -->|{_mermaid_text(e.label)}| {e.target}" for e in topo.edges]
    out.append("  classDef empty fill:none,stroke-dasharray:3 3,color:#888")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(topo: Topology) -> str:
    """A Graphviz digraph with a cluster per group (subnets nested in their VNet)."""
    out = [
        "digraph azplatform {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    out += [f'  {n.id} [label="{_dot_text(n.lines[0])}", shape=ellipse];' for n in topo.nodes if n.internet]

    def emit(group: Group, indent: str) -> None:
        out.append(f"{indent}subgraph cluster_{group.id} {{")
        out.append(f'{indent}  label="{_dot_text(group.label)}";')
        members = [n for n in topo.nodes if n.group == group.id]
        subgroups = [g for g in topo.groups if g.parent == group.id]
        for n in members:
            label = "\\n".join(_dot_text(line) for line in n.lines)
            out.append(f'{indent}  {n.id} [label="{label}"];')
        for sub in subgroups:
            emit(sub, indent + "  ")
        if not members and not subgroups:
            out.append(f'{indent}  {group.id}_empty [label="(no resources)", style=dashed];')
        out.append(f"{indent}}}")

    for group in topo.groups:
        if group.parent is None:
            emit(group, "  ")
    out += [f'  {e.source} -> {e.target} [label="{_dot_text(e.label)}"];' for e in topo.edges]
    out.append("}")
    return "\n".join(out) + "\n"


def mermaid_for(plan: Plan) -> str:
    """The plan's architecture as Mermaid (what the PR comment and README embed)."""
    return to_mermaid(topology(plan))


# --- README embedding ----------------------------------------------------------------------------------------------
def embedded(readme: str) -> str | None:
    """The Mermaid source between the README's architecture markers, or None when there are no markers."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        return None
    block = readme[start + len(README_START) : end].strip()
    return block.removeprefix("```mermaid").removesuffix("```").lstrip("\n")


def embed(readme: str, mermaid: str) -> str:
    """The README with the Mermaid diagram placed (or replaced) between the architecture markers."""
    block = f"{README_START}\n```mermaid\n{mermaid}```\n{README_END}"
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"README has no architecture markers: add {README_START} and {README_END}")
    return readme[:start] + block + readme[end + len(README_END) :]

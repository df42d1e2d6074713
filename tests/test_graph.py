"""``azplatform graph``: the topology drawn from a plan (tiers, entry point, private links), and the README copy."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from azplatform.plan import Plan
from azplatform.stacks import graph
from azplatform.stacks.cli import main
from tests.synthetic import arm_id, container_app, cosmos, managed_environment, plan, resource, with_resources

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="session")
def prod_topology(prod_plan: Plan) -> graph.Topology:
    return graph.topology(prod_plan)


def _edge_plan(doc: dict[str, Any]) -> dict[str, Any]:
    """The prod plan plus the edge, compute and data tiers other helpers are building (synthetic)."""
    stack, rg, subnets = doc["stack"], doc["outputs"]["resourceGroupName"], doc["outputs"]["subnetIds"]
    pip = resource(
        stack,
        "azure-native:network:PublicIPAddress",
        "syn-agw-pip",
        {"publicIpAddressName": "pip-syn", "resourceGroupName": rg, "sku": {"name": "Standard"}},
    )
    waf = resource(
        stack,
        "azure-native:network:WebApplicationFirewallPolicy",
        "syn-agw-waf",
        {"policyName": "waf-syn", "resourceGroupName": rg, "policySettings": {"mode": "Prevention"}},
    )
    apim = resource(
        stack,
        "azure-native:apimanagement:ApiManagementService",
        "syn-apim",
        {
            "serviceName": "apim-syn",
            "resourceGroupName": rg,
            "sku": {"name": "Premium", "capacity": 3},
            "virtualNetworkType": "Internal",
            "virtualNetworkConfiguration": {"subnetResourceId": subnets["apim"]},
        },
    )
    api = resource(
        stack,
        "azure-native:apimanagement:Api",
        "syn-apim-api",
        {"serviceName": "apim-syn", "apiId": "orders", "resourceGroupName": rg},
        depends={"serviceName": [apim["urn"]]},
    )
    agw = resource(
        stack,
        "azure-native:network:ApplicationGateway",
        "syn-agw",
        {
            "applicationGatewayName": "agw-syn",
            "resourceGroupName": rg,
            "sku": {"name": "WAF_v2", "tier": "WAF_v2"},
            "gatewayIPConfigurations": [{"name": "gw", "subnet": {"id": subnets["gateway"]}}],
            "frontendIPConfigurations": [{"name": "public", "publicIPAddress": {"id": arm_id(pip)}}],
            "backendAddressPools": [{"name": "apim", "backendAddresses": [{"fqdn": "apim-syn.azure-api.net"}]}],
            "firewallPolicy": {"id": arm_id(waf)},
        },
        depends={
            "frontendIPConfigurations": [pip["urn"]],
            "backendAddressPools": [apim["urn"]],
            "firewallPolicy": [waf["urn"]],
            "resourceGroupName": ["urn:rg"],
        },
    )
    environment = managed_environment(doc)
    data = cosmos(doc, ["/tenantId"])
    pep = resource(
        stack,
        "azure-native:network:PrivateEndpoint",
        "syn-cosmos-pep",
        {
            "privateEndpointName": "pep-syn-cosmos",
            "resourceGroupName": rg,
            "subnet": {"id": subnets["privateEndpoints"]},
            "privateLinkServiceConnections": [
                {"name": "pep-syn-cosmos", "groupIds": ["Sql"], "privateLinkServiceId": arm_id(data[0])}
            ],
        },
        depends={"privateLinkServiceConnections": [data[0]["urn"]], "subnet": ["urn:vnet"]},
    )
    apps = container_app(doc, "api", environment) + container_app(doc, "worker", environment)
    return with_resources(doc, [pip, waf, apim, api, agw, environment, *apps, *data, pep])


@pytest.fixture(scope="session")
def edge_topology(prod_plan: Plan) -> graph.Topology:
    return graph.topology(plan(_edge_plan(prod_plan.to_dict())))


def _node(topo: graph.Topology, name: str) -> graph.Node:
    """The node whose Azure name (its second line) starts with ``name``."""
    (found,) = [n for n in topo.nodes if len(n.lines) > 1 and n.lines[1].startswith(name)]
    return found


def _group_label(topo: graph.Topology, group: str | None) -> str:
    (found,) = [g.label for g in topo.groups if g.id == group]
    return found


def _edges(topo: graph.Topology) -> set[tuple[str, str, str]]:
    """Edges as (source, target, label), nodes named by their Azure name (the internet by its label)."""
    names = {n.id: n.lines[-1] if n.internet else n.lines[1] for n in topo.nodes}
    return {(names[e.source], names[e.target], e.label) for e in topo.edges}


# --- README ---------------------------------------------------------------------------------------------------------
def test_readme_architecture_diagram_matches_the_prod_plan(prod_plan: Plan) -> None:
    embedded = graph.embedded(README.read_text(encoding="utf-8"))
    assert embedded is not None, "README.md lacks the architecture markers"
    assert embedded == graph.mermaid_for(prod_plan), (
        "README's diagram is stale: run `.venv/bin/azplatform graph --stack prod --readme README.md`"
    )


def test_readme_sits_under_an_architecture_heading() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.index("## Architecture") < text.index(graph.README_START)


def test_embed_replaces_only_the_marked_block() -> None:
    readme = f"# x\n\n{graph.README_START}\nold\n{graph.README_END}\n\nafter\n"
    updated = graph.embed(readme, "flowchart LR\n")
    assert graph.embedded(updated) == "flowchart LR\n"
    assert updated.startswith("# x\n\n") and updated.endswith("\n\nafter\n")
    with pytest.raises(ValueError, match="architecture markers"):
        graph.embed("# no markers\n", "flowchart LR\n")


# --- today's foundation ------------------------------------------------------------------------------------------
def test_subnets_are_tiers_in_address_order(prod_plan: Plan, prod_topology: graph.Topology) -> None:
    subnets = [g.label for g in prod_topology.groups if g.parent == "vnet0"]
    vnet = prod_plan.one("azure-native:network:VirtualNetwork")
    expected = sorted(
        vnet.inputs["subnets"], key=lambda s: tuple(int(x) for x in re.split(r"[./]", s["addressPrefix"]))
    )
    assert subnets == [f"{s['name']} · {s['addressPrefix']}" for s in expected]


def test_private_endpoint_sits_in_its_subnet_and_links_to_key_vault(
    prod_plan: Plan, prod_topology: graph.Topology
) -> None:
    vault = prod_plan.one("azure-native:keyvault:Vault").inputs["vaultName"]
    pep = _node(prod_topology, f"pep-{vault}")
    assert pep.lines[0] == "Private endpoint"
    assert _group_label(prod_topology, pep.group).startswith("snet-azp-pep-")
    assert (f"pep-{vault}", vault, "private link") in _edges(prod_topology)
    assert _group_label(prod_topology, _node(prod_topology, vault).group) == "Data and secrets"


def test_plumbing_is_left_out(prod_topology: graph.Topology) -> None:
    labels = {n.lines[0] for n in prod_topology.nodes}
    assert {"Private endpoint", "Key Vault", "Application Insights", "Log Analytics workspace"} <= labels
    plumbing = {"Network Security Group", "Private Zone", "Virtual Network Link", "Diagnostic Setting"}
    assert not labels & (plumbing | {"Management Lock By Scope", "Resource Group", "Private Dns Zone Group"})


# --- later tiers (synthetic) ---------------------------------------------------------------------------------------
def test_entry_point_runs_internet_to_public_ip_to_app_gateway(edge_topology: graph.Topology) -> None:
    edges = _edges(edge_topology)
    assert ("Internet", "pip-syn", "HTTPS") in edges
    assert ("pip-syn", "agw-syn", "frontend") in edges
    assert ("agw-syn", "apim-syn", "backend") in edges
    assert ("agw-syn", "waf-syn", "WAF policy") in edges
    assert _group_label(edge_topology, _node(edge_topology, "pip-syn").group) == "Internet-facing edge"


def test_gateway_apim_and_environment_sit_in_their_subnets(edge_topology: graph.Topology) -> None:
    for name, subnet in [("agw-syn", "snet-azp-agw-"), ("apim-syn", "snet-azp-apim-"), ("cae-syn", "snet-azp-aca-")]:
        assert _group_label(edge_topology, _node(edge_topology, name).group).startswith(subnet)


def test_environment_hosts_its_apps_in_its_tier(edge_topology: graph.Topology) -> None:
    apps = [_node(edge_topology, "ca-syn-api-"), _node(edge_topology, "ca-syn-worker-")]
    environment = _node(edge_topology, "cae-syn-")
    assert {a.lines[0] for a in apps} == {"Container app"}
    assert all(a.group == environment.group for a in apps)
    hosted = {e.target for e in edge_topology.edges if e.source == environment.id and e.label == "hosts"}
    assert hosted == {a.id for a in apps}


def test_data_children_are_counted_on_their_parent(edge_topology: graph.Topology) -> None:
    account = _node(edge_topology, "cosmos-syn-")
    assert account.lines == ("Cosmos DB", "cosmos-syn-prod", "1 container · 1 database")
    assert _node(edge_topology, "apim-syn").lines[-1] == "1 API"
    assert ("pep-syn-cosmos", "cosmos-syn-prod", "private link") in _edges(edge_topology)


def test_mermaid_is_well_formed(edge_topology: graph.Topology) -> None:
    text = graph.to_mermaid(edge_topology)
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "flowchart LR"
    assert sum(1 for line in lines if line.startswith("subgraph ")) == lines.count("end")
    declared = {re.match(r"(\w+)[\[(]", line).group(1) for line in lines if re.match(r"\w+[\[(]", line)}
    for line in lines:
        if "-->" in line:
            source, target = re.match(r"(\w+) -->\|[^|]*\| (\w+)$", line).groups()  # type: ignore[union-attr]
            assert source in declared and target in declared


def test_dot_has_a_cluster_per_group(edge_topology: graph.Topology) -> None:
    text = graph.to_dot(edge_topology)
    assert text.startswith("digraph azplatform {") and text.count("{") == text.count("}")
    assert text.count("subgraph cluster_") == len(edge_topology.groups)
    assert text.count(" -> ") == len(edge_topology.edges)


# --- command line ------------------------------------------------------------------------------------------------
def test_cli_graph_draws_a_saved_plan_as_dot(
    tmp_path: Path, prod_plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "prod.json"
    saved.write_text(json.dumps(prod_plan.to_dict()), encoding="utf-8")
    assert main(["graph", "--stack", "prod", "--plan", str(saved), "--format", "dot"]) == 0
    assert capsys.readouterr().out == graph.to_dot(graph.topology(prod_plan))


def test_cli_graph_rewrites_the_readme_block(tmp_path: Path, prod_plan: Plan) -> None:
    saved = tmp_path / "prod.json"
    saved.write_text(json.dumps(prod_plan.to_dict()), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(f"# t\n\n## Architecture\n\n{graph.README_START}\n{graph.README_END}\n", encoding="utf-8")
    assert main(["graph", "--stack", "prod", "--plan", str(saved), "--readme", str(readme)]) == 0
    assert graph.embedded(readme.read_text(encoding="utf-8")) == graph.mermaid_for(prod_plan)
    readme.write_text("# no markers\n", encoding="utf-8")
    assert main(["graph", "--stack", "prod", "--plan", str(saved), "--readme", str(readme)]) == 2


def test_api_management_reaches_its_model_accounts_and_key_vault(
    prod_plan: Plan, prod_topology: graph.Topology
) -> None:
    # A child's references are its owner's: the model route's backends (named by the accounts' host names) and the
    # named values read from Key Vault (the semantic cache's connection string among them).
    apim = prod_plan.one("azure-native:apimanagement:ApiManagementService").inputs["serviceName"]
    vault = prod_plan.one("azure-native:keyvault:Vault").inputs["vaultName"]
    accounts = [a.inputs["accountName"] for a in prod_plan.of_type("azure-native:cognitiveservices:Account")]
    edges = _edges(prod_topology)
    assert len(accounts) == 2
    for account in accounts:
        assert (apim, account, "backend") in edges
    assert any(s == apim and t == vault and "named value" in label for s, t, label in edges)

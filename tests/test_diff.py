"""``azplatform diff``: plans compared by URN, replacements predicted, risks first, secrets masked, size bounded."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from azplatform.components.records import record
from azplatform.plan import Plan
from azplatform.stacks import diff_report, immutable, propertypath
from azplatform.stacks.cli import main
from azplatform.stacks.diff import (
    SAME_NAME_REPLACE,
    DiffReport,
    PropertyChange,
    ResourceChange,
    StackDiff,
    compare,
    compare_paths,
)
from azplatform.stacks.propertypath import ABSENT
from azplatform.stacks.risks import Action, RiskKind
from tests.conftest import render_variant
from tests.synthetic import (
    container_app,
    cosmos,
    edited,
    managed_environment,
    of_type,
    plan,
    resource,
    with_resources,
)

VAULT = "azure-native:keyvault:Vault"
CONTAINER = "azure-native:cosmosdb:SqlResourceSqlContainer"
WORKSPACE = "azure-native:operationalinsights:Workspace"
LOCK = "azure-native:authorization:ManagementLockByScope"


@pytest.fixture(scope="session")
def prod_doc(prod_plan: Plan) -> dict[str, Any]:
    return prod_plan.to_dict()


@pytest.fixture(scope="session")
def dev_retagged() -> Plan:
    """dev rendered with one tag changed in config: every taggable resource changes only its tags."""
    return render_variant("dev", {"tags": {"owner": "app-team"}})


def diff_of(base: Mapping[str, Any], head: Mapping[str, Any]) -> StackDiff:
    return compare(plan(base), plan(head))


def report_of(base: Mapping[str, Any], head: Mapping[str, Any]) -> DiffReport:
    return DiffReport([diff_of(base, head)], {"prod": plan(head)})


def change_of(diff: StackDiff, name: str) -> ResourceChange:
    (found,) = [c for c in diff.changes if c.name == name]
    return found


def set_in(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(res: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node = res
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value

    return edit


def markdown_lines(report: DiffReport) -> list[str]:
    return diff_report.to_markdown(report).splitlines()


def first_risk_line(lines: list[str]) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(("| 🔴", "| ⛔", "| 🟠", "| 🟡")))


# --- matching and actions ------------------------------------------------------------------------------------------
def test_identical_plans_have_no_changes(prod_doc: dict[str, Any]) -> None:
    diff = diff_of(prod_doc, prod_doc)
    assert diff.changes == [] and diff.risks == []
    assert diff.unchanged == len(prod_doc["resources"])
    assert "No changes to any stack." in diff_report.to_markdown(DiffReport([diff]))


def test_partition_key_change_replaces_the_cosmos_container(prod_doc: dict[str, Any]) -> None:
    base = with_resources(prod_doc, cosmos(prod_doc, ["/tenantId"]))
    head = with_resources(prod_doc, cosmos(prod_doc, ["/customerId"]))
    diff = diff_of(base, head)
    container = change_of(diff, "syn-cosmos-orders")
    assert container.action is Action.REPLACE
    assert any("`resource.partitionKey` changed" in r for r in container.replace_reasons)
    assert [c.name for c in diff.changes] == ["syn-cosmos-orders"]
    # Same container name before and after: the create-first replacement would collide with the old container.
    assert container.notes == (SAME_NAME_REPLACE,)


def test_partition_key_change_is_the_first_risk_in_the_comment(prod_doc: dict[str, Any]) -> None:
    base = with_resources(prod_doc, cosmos(prod_doc, ["/tenantId"]))
    head = with_resources(prod_doc, cosmos(prod_doc, ["/customerId"]))
    head = edited(head, set_in("inputs.tags.owner", "someone-else"), of_type(VAULT))
    lines = markdown_lines(report_of(base, head))
    first = first_risk_line(lines)
    assert first < 15
    assert "data loss" in lines[first] and "syn-cosmos-orders" in lines[first]
    assert "resource.partitionKey" in lines[first]
    assert first < lines.index("#### Summary")


def test_declared_replace_on_changes_is_reported_once(prod_doc: dict[str, Any]) -> None:
    declared = ["resource.partitionKey"]
    base = with_resources(prod_doc, cosmos(prod_doc, ["/a"], container_replace_on_changes=declared))
    head = with_resources(prod_doc, cosmos(prod_doc, ["/b"], container_replace_on_changes=declared))
    container = change_of(diff_of(base, head), "syn-cosmos-orders")
    assert container.replace_reasons == ("`resource.partitionKey` changed (replaceOnChanges)",)


def test_a_container_change_outside_the_partition_key_updates_in_place(prod_doc: dict[str, Any]) -> None:
    base = with_resources(prod_doc, cosmos(prod_doc, ["/tenantId"]))
    head = edited(base, set_in("inputs.resource.defaultTtl", 3600), of_type(CONTAINER))
    container = change_of(diff_of(base, head), "syn-cosmos-orders")
    assert container.action is Action.UPDATE
    assert diff_of(base, head).risks == []


def test_tag_change_is_a_plain_update_without_risks(dev_plan: Plan, dev_retagged: Plan) -> None:
    diff = compare(dev_plan, dev_retagged)
    assert diff.changes and diff.risks == []
    assert {c.action for c in diff.changes} == {Action.UPDATE}
    assert all(c.tags_only for c in diff.changes)
    assert diff.count(Action.UPDATE) == sum(1 for r in dev_plan.resources if "tags" in r.inputs)


def test_tag_only_updates_collapse_into_one_line(dev_plan: Plan, dev_retagged: Plan) -> None:
    diff = compare(dev_plan, dev_retagged)
    text = diff_report.to_markdown(DiffReport([diff]))
    grouped = [line for line in text.splitlines() if "tags only" in line]
    assert grouped == [f'~ {len(diff.changes)} resources: tags only: owner: "platform-team" → "app-team"']
    assert "No risky changes found." in text


def test_new_app_appears_as_creates(prod_doc: dict[str, Any]) -> None:
    environment = managed_environment(prod_doc)
    head = with_resources(prod_doc, [environment, *container_app(prod_doc, "api", environment)])
    diff = diff_of(prod_doc, head)
    assert [(c.action, c.name) for c in diff.changes] == [
        (Action.CREATE, "syn-aca"),
        (Action.CREATE, "syn-app-api"),
        (Action.CREATE, "syn-app-api"),
    ]
    assert diff.risks == []
    text = diff_report.to_markdown(report_of(prod_doc, head))
    assert "+ syn-app-api (app:ContainerApp)" in text
    assert "+ syn-app-api (component ContainerApp)" in text
    assert "| prod | 3 | 0 | 0 | 0 |" in text


def test_new_app_with_external_ingress_is_an_exposure_risk(prod_doc: dict[str, Any]) -> None:
    environment = managed_environment(prod_doc)
    head = with_resources(prod_doc, [environment, *container_app(prod_doc, "api", environment, external=True)])
    (risk,) = diff_of(prod_doc, head).risks
    assert risk.kind is RiskKind.EXPOSURE and "configuration.ingress.external" in risk.message


def test_removing_a_resource_is_a_delete(prod_doc: dict[str, Any]) -> None:
    head = dict(prod_doc, resources=[r for r in prod_doc["resources"] if r["name"] != "platform-obs-appi"])
    diff = diff_of(prod_doc, head)
    assert [(c.action, c.name) for c in diff.changes] == [(Action.DELETE, "platform-obs-appi")]


# --- risks -------------------------------------------------------------------------------------------------------
def test_removing_key_vault_purge_protection_is_a_risk_in_the_first_lines(prod_doc: dict[str, Any]) -> None:
    head = edited(prod_doc, set_in("inputs.properties.enablePurgeProtection", False), of_type(VAULT))
    diff = diff_of(prod_doc, head)
    (risk,) = diff.risks
    assert risk.kind is RiskKind.REFUSED and "purge protection cannot be turned off" in risk.message
    lines = markdown_lines(report_of(prod_doc, head))
    first = first_risk_line(lines)
    assert first < 15 and "purge protection" in lines[first]
    assert change_of(diff, "platform-kv").action is Action.UPDATE


def test_removing_protect_is_a_risk(prod_doc: dict[str, Any]) -> None:
    head = edited(prod_doc, set_in("protect", False), of_type(VAULT))
    (risk,) = diff_of(prod_doc, head).risks
    assert risk.kind is RiskKind.PROTECTION and "`protect` removed" in risk.message
    assert "(protect): true → false" in diff_report.to_text(report_of(prod_doc, head))


def test_adding_protect_is_not_a_risk(dev_plan: Plan) -> None:
    doc = dev_plan.to_dict()
    head = edited(doc, set_in("protect", True), of_type(VAULT))
    diff = diff_of(doc, head)
    assert diff.risks == [] and change_of(diff, "platform-kv").action is Action.UPDATE


def test_removing_a_management_lock_is_a_risk(prod_doc: dict[str, Any]) -> None:
    head = dict(prod_doc, resources=[r for r in prod_doc["resources"] if r["name"] != "platform-kv-lock"])
    (risk,) = diff_of(prod_doc, head).risks
    assert risk.kind is RiskKind.PROTECTION and "CanNotDelete management lock `lock-platform-kv`" in risk.message


def test_deleting_a_stateful_resource_is_data_loss_unless_retained(prod_doc: dict[str, Any]) -> None:
    base = with_resources(prod_doc, cosmos(prod_doc, ["/tenantId"]))
    (risk,) = diff_of(base, prod_doc).risks[:1]
    assert risk.kind is RiskKind.DATA_LOSS and risk.name == "syn-cosmos"
    assert "protected" in risk.message  # prod's account is protected: the delete fails until protect goes
    retained = edited(base, set_in("options.retainOnDelete", True), lambda r: r["name"].startswith("syn-cosmos"))
    diff = diff_of(retained, prod_doc)
    assert not [r for r in diff.risks if r.kind is RiskKind.DATA_LOSS]
    assert "kept in Azure" in change_of(diff, "syn-cosmos-orders").notes[0]


def test_location_change_replaces_the_workspace_as_data_loss(prod_doc: dict[str, Any]) -> None:
    head = edited(prod_doc, set_in("inputs.location", "northeurope"), of_type(WORKSPACE))
    diff = diff_of(prod_doc, head)
    workspace = change_of(diff, "platform-obs-log")
    assert workspace.action is Action.REPLACE and "`location` changed" in workspace.replace_reasons[0]
    assert diff.risks[0].kind is RiskKind.DATA_LOSS and "Log Analytics workspace" in diff.risks[0].message


def test_renaming_a_vault_replaces_it(prod_doc: dict[str, Any]) -> None:
    head = edited(prod_doc, set_in("inputs.vaultName", "kv-renamed"), of_type(VAULT))
    vault = change_of(diff_of(prod_doc, head), "platform-kv")
    assert vault.action is Action.REPLACE and "`vaultName` changed" in vault.replace_reasons[-1]
    assert vault.notes == ()  # a new name does not collide with the old vault


@pytest.mark.parametrize(
    ("path", "old", "new", "kind", "words"),
    [
        ("inputs.properties.publicNetworkAccess", "Disabled", "Enabled", RiskKind.EXPOSURE, "public network access"),
        ("inputs.properties.networkAcls.defaultAction", "Deny", "Allow", RiskKind.EXPOSURE, "deny by default"),
        ("inputs.properties.enableRbacAuthorization", True, False, RiskKind.WEAKENED, "RBAC authorization"),
        ("inputs.properties.minimumTlsVersion", "1.2", "1.0", RiskKind.WEAKENED, "minimum TLS"),
    ],
)
def test_weakening_a_vault_setting_is_a_risk(  # noqa: PLR0917 - pytest parameters
    prod_doc: dict[str, Any], path: str, old: Any, new: Any, kind: RiskKind, words: str
) -> None:
    base = edited(prod_doc, set_in(path, old), of_type(VAULT))
    head = edited(prod_doc, set_in(path, new), of_type(VAULT))
    (risk,) = diff_of(base, head).risks
    assert risk.kind is kind and words in risk.message
    assert diff_of(head, base).risks == []  # the reverse change hardens: no risk


@pytest.mark.parametrize(
    ("type_token", "inputs", "path", "new", "words"),
    [
        (
            "azure-native:network:WebApplicationFirewallPolicy",
            {"policyName": "waf", "policySettings": {"mode": "Prevention", "state": "Enabled"}},
            "policySettings.mode",
            "Detection",
            "Prevention mode",
        ),
        (
            "azure-native:cosmosdb:DatabaseAccount",
            {"accountName": "cosmos", "disableLocalAuth": True},
            "disableLocalAuth",
            False,
            "local (key-based) authentication",
        ),
        (
            "azure-native:containerregistry:Registry",
            {"registryName": "cr", "adminUserEnabled": False},
            "adminUserEnabled",
            True,
            "admin user",
        ),
        (
            "azure-native:app:ContainerApp",
            {"containerAppName": "ca", "configuration": {"ingress": {"allowInsecure": False}}},
            "configuration.ingress.allowInsecure",
            True,
            "insecure",
        ),
        (
            "azure-native:redisenterprise:Database",
            {"clusterName": "redis", "databaseName": "default", "accessKeysAuthentication": "Disabled"},
            "accessKeysAuthentication",
            "Enabled",
            "access-key",
        ),
        (
            "azure-native:app:ManagedEnvironment",
            {"environmentName": "cae", "vnetConfiguration": {"internal": True}},
            "vnetConfiguration.internal",
            False,
            "no longer internal",
        ),
    ],
)
def test_weakening_a_security_setting_of_any_type_is_a_risk(  # noqa: PLR0917 - pytest parameters
    prod_doc: dict[str, Any], type_token: str, inputs: dict[str, Any], path: str, new: Any, words: str
) -> None:
    res = resource(
        "prod", type_token, "platform-thing", {"resourceGroupName": "rg", "location": "westeurope", **inputs}
    )
    base = with_resources(prod_doc, [res])
    head = edited(base, set_in(f"inputs.{path}", new), lambda r: r["name"] == "platform-thing")
    risks = [r for r in diff_of(base, head).risks if r.kind in (RiskKind.EXPOSURE, RiskKind.WEAKENED)]
    assert [r.name for r in risks] == ["platform-thing"]
    assert words in risks[0].message


def test_a_new_public_ip_is_an_exposure_risk(prod_doc: dict[str, Any]) -> None:
    pip = resource(
        "prod",
        "azure-native:network:PublicIPAddress",
        "platform-pip",
        {"publicIpAddressName": "pip-agw", "resourceGroupName": "rg", "sku": {"name": "Standard"}},
    )
    (risk,) = diff_of(prod_doc, with_resources(prod_doc, [pip])).risks
    assert risk.kind is RiskKind.EXPOSURE and "public IP" in risk.message


def test_an_nsg_rule_opened_to_the_internet_is_an_exposure_risk(prod_doc: dict[str, Any]) -> None:
    rule = {
        "name": "allow-ssh",
        "priority": 200,
        "direction": "Inbound",
        "access": "Allow",
        "protocol": "Tcp",
        "sourceAddressPrefix": "Internet",
        "sourcePortRange": "*",
        "destinationAddressPrefix": "*",
        "destinationPortRange": "22",
    }

    def add_rule(res: dict[str, Any]) -> None:
        res["inputs"]["securityRules"].append(rule)

    head = edited(prod_doc, add_rule, lambda r: r["name"] == "platform-net-nsg-containerApps")
    (risk,) = diff_of(prod_doc, head).risks
    assert risk.kind is RiskKind.EXPOSURE and "`allow-ssh`" in risk.message
    assert "    securityRules[allow-ssh]: added (9 properties)" in diff_report.to_text(report_of(prod_doc, head))
    # The gateway's existing HTTPS-from-internet rule is by design and not reported again.
    assert diff_of(prod_doc, prod_doc).risks == []


# --- property rendering ------------------------------------------------------------------------------------------
def test_a_changed_secret_shows_only_that_it_changed(prod_doc: dict[str, Any]) -> None:
    environment = managed_environment(prod_doc)
    app = container_app(prod_doc, "api", environment)
    app[1]["inputs"]["configuration"]["secrets"][0]["value"] = "[secret]"
    base = with_resources(prod_doc, [environment, *app])
    head = edited(
        base,
        set_in("inputs.configuration.secrets", [{"name": "redis-password", "value": "hunter2-plain"}]),
        of_type("azure-native:app:ContainerApp"),
    )
    report = report_of(base, head)
    for text in (diff_report.to_markdown(report), diff_report.to_text(report), diff_report.to_json(report)):
        assert "hunter2-plain" not in text
    assert "configuration.secrets[redis-password].value: [secret] (changed)" in diff_report.to_text(report)
    assert any("was secret and is now plain text" in r.message for r in report.stacks[0].risks)


def test_secret_like_properties_are_masked_even_in_plain_text(prod_doc: dict[str, Any]) -> None:
    server = resource(
        "prod",
        "azure-native:dbforpostgresql:FlexibleServer",
        "platform-pg",
        {"serverName": "pg", "resourceGroupName": "rg", "administratorLoginPassword": "first-pass"},
    )
    base = with_resources(prod_doc, [server])
    head = edited(base, set_in("inputs.administratorLoginPassword", "second-pass"), of_type(server["type"]))
    text = diff_report.to_text(report_of(base, head))
    assert "administratorLoginPassword: [secret] (changed)" in text
    assert "first-pass" not in text and "second-pass" not in text
    created = diff_report.to_text(report_of(prod_doc, base))
    assert "administratorLoginPassword = [secret]" in created and "first-pass" not in created


def test_long_arm_ids_are_abbreviated(prod_doc: dict[str, Any]) -> None:
    def move(res: dict[str, Any]) -> None:
        res["inputs"]["subnet"]["id"] = res["inputs"]["subnet"]["id"].replace("snet-azp-pep", "snet-azp-pep2")

    head = edited(prod_doc, move, of_type("azure-native:network:PrivateEndpoint"))
    text = diff_report.to_text(report_of(prod_doc, head))
    assert 'subnet.id: "…/subnets/snet-azp-pep-prod-weu" → "…/subnets/snet-azp-pep2-prod-weu"' in text
    assert "/subscriptions/" not in text


def test_list_changes_are_summarised(prod_doc: dict[str, Any]) -> None:
    def narrow(res: dict[str, Any]) -> None:
        for rule in res["inputs"]["securityRules"]:
            if rule["name"] == "allow-services-from-vnet":
                rule["destinationPortRanges"] = ["443"]

    nsg = next(r for r in prod_doc["resources"] if r["name"] == "platform-net-nsg-privateEndpoints")
    (rule,) = [r for r in nsg["inputs"]["securityRules"] if r["name"] == "allow-services-from-vnet"]
    removed = [port for port in rule["destinationPortRanges"] if port != "443"]
    assert removed, "the private endpoint NSG admits more than 443"
    head = edited(prod_doc, narrow, lambda r: r["name"] == "platform-net-nsg-privateEndpoints")
    text = diff_report.to_text(report_of(prod_doc, head))
    assert f"securityRules[allow-services-from-vnet].destinationPortRanges: -{json.dumps(removed)}" in text


def test_many_changes_in_positional_list_items_collapse_to_one_line() -> None:
    changes = [PropertyChange(f"rules[{i}].port", 80, 8080) for i in range(3)]
    changes += [PropertyChange("rules[3].port", ABSENT, 443), PropertyChange("sku.name", "A", "B")]
    assert diff_report.collapse_lists(changes) == [
        "rules: items [0], [1], [2], [3] changed (4 properties)",
        'sku.name: "A" → "B"',
    ]
    assert diff_report.collapse_lists(changes[:2]) == ["rules[0].port: 80 → 8080", "rules[1].port: 80 → 8080"]


def test_ignore_changes_hides_the_property(prod_doc: dict[str, Any]) -> None:
    base = edited(prod_doc, set_in("options.ignoreChanges", ["tags"]), of_type(VAULT))
    head = edited(base, set_in("inputs.tags.owner", "elsewhere"), of_type(VAULT))
    assert diff_of(base, head).changes == []


def test_policy_violations_are_new_or_resolved_by_policy_and_resource(prod_doc: dict[str, Any]) -> None:
    vault_urn = next(r["urn"] for r in prod_doc["resources"] if r["type"] == VAULT)

    def violation(policy: str, level: str = "mandatory") -> dict[str, str]:
        return {"policy": policy, "level": level, "urn": vault_urn, "message": f"{policy} broken"}

    base = dict(prod_doc, policy={"violations": [violation("kv-rbac"), violation("kv-tags", "advisory")]})
    head = dict(prod_doc, policy={"violations": [violation("kv-tags", "advisory"), violation("kv-purge")]})
    diff = diff_of(base, head)
    assert [v.policy for v in diff.new_violations] == ["kv-purge"]
    assert [v.policy for v in diff.resolved_violations] == ["kv-rbac"]
    text = diff_report.to_markdown(report_of(base, head))
    assert "- **prod** new [mandatory] `kv-purge` on `platform-kv`: kv-purge broken" in text
    assert f"| prod | 0 | 0 | 0 | 0 | {len(prod_doc['resources'])} | 1 | 1 |" in text


# --- size limit ------------------------------------------------------------------------------------------------------
def _many_secrets(count: int) -> list[dict[str, Any]]:
    return [
        resource(
            "prod",
            "azure-native:keyvault:Secret",
            f"platform-secret-{i:04d}",
            {"vaultName": "kv", "secretName": f"s{i}", "resourceGroupName": "rg", "properties": {"value": "[secret]"}},
        )
        for i in range(count)
    ]


def _many_apps(doc: Mapping[str, Any], count: int) -> list[dict[str, Any]]:
    environment = managed_environment(doc)
    apps = [environment]
    for i in range(count):
        apps += container_app(doc, f"app{i:04d}", environment)
    return apps


def test_huge_markdown_is_cut_below_the_limit_keeping_risks_and_summary(prod_doc: dict[str, Any]) -> None:
    base = with_resources(prod_doc, _many_secrets(120))
    head = with_resources(prod_doc, _many_apps(prod_doc, 300))
    head = edited(head, set_in("inputs.tags.owner", "x" * 200), lambda r: "tags" in r["inputs"])
    report = report_of(base, head)
    full = diff_report.to_text(report)
    assert len(full.encode()) > 3 * diff_report.GITHUB_COMMENT_LIMIT
    text = diff_report.to_markdown(report)
    assert len(text.encode()) <= diff_report.GITHUB_COMMENT_LIMIT
    assert sum(1 for line in text.splitlines() if line.startswith("| 🔴 data loss")) == 120
    tagged = sum(1 for r in prod_doc["resources"] if "tags" in r["inputs"])
    unchanged = len(prod_doc["resources"]) - tagged
    assert f"| prod | {1 + 2 * 300} | {tagged} | 0 | 120 | {unchanged} | 0 | 0 |" in text
    assert "_Left out to stay under GitHub's 65,535-character comment limit:" in text
    assert "resource change(s) (prod:" in text and "the architecture diagram" in text
    assert text.index("#### Risks") < text.index("#### Summary") < text.index("#### Changes")


def test_risks_beyond_the_limit_are_counted_not_dropped_silently(prod_doc: dict[str, Any]) -> None:
    base = with_resources(prod_doc, _many_secrets(1500))
    text = diff_report.to_markdown(report_of(base, prod_doc))
    assert len(text.encode()) <= diff_report.GITHUB_COMMENT_LIMIT
    assert "#### Summary" in text and "| prod | 0 | 0 | 0 | 1500 |" in text
    shown = sum(1 for line in text.splitlines() if line.startswith("| 🔴 data loss"))
    assert 0 < shown < 1500
    assert f"{1500 - shown} more risk(s) left out" in text


def test_a_larger_limit_keeps_more_and_names_its_bound(prod_doc: dict[str, Any]) -> None:
    report = report_of(with_resources(prod_doc, _many_secrets(1500)), prod_doc)
    text = diff_report.to_markdown(report, limit=1_000_000)
    assert sum(1 for line in text.splitlines() if line.startswith("| 🔴 data loss")) == 1500
    assert "Left out" not in text
    small = diff_report.to_markdown(report, limit=40_000)
    assert len(small.encode()) <= 40_000 and "the 40,000-byte limit" in small


def test_a_small_diff_is_not_cut(prod_doc: dict[str, Any]) -> None:
    head = edited(prod_doc, set_in("inputs.tags.owner", "x"), of_type(VAULT))
    text = diff_report.to_markdown(report_of(prod_doc, head))
    assert "Left out" not in text
    assert "```mermaid" in text and "<summary>Architecture (prod, head)</summary>" in text


# --- folders, formats, command line ------------------------------------------------------------------------------
def _write(path: Path, doc: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_folders_diff_every_stack_including_new_and_failed_ones(
    tmp_path: Path, dev_plan: Plan, prod_doc: dict[str, Any]
) -> None:
    _write(tmp_path / "base" / "dev.json", dev_plan.to_dict())
    _write(tmp_path / "head" / "dev.json", dev_plan.to_dict())
    _write(tmp_path / "head" / "prod.json", prod_doc)
    (tmp_path / "head" / "staging.error").write_text("azplatform:network.subnets.apim: too small", encoding="utf-8")
    report = compare_paths(tmp_path / "base", tmp_path / "head")
    assert [d.stack for d in report.stacks] == ["dev", "staging", "prod"]
    dev, staging, prod = report.stacks
    assert dev.changes == [] and staging.error == "azplatform:network.subnets.apim: too small"
    assert prod.base_missing and prod.count(Action.CREATE) == len(prod_doc["resources"])
    text = diff_report.to_markdown(report)
    assert f"| prod (new stack) | {len(prod_doc['resources'])} | 0 | 0 | 0 | 0 |" in text
    assert "| staging | ❌ plan failed: azplatform:network.subnets.apim: too small" in text


def test_json_format_counts_changes_and_masks_secrets(prod_doc: dict[str, Any]) -> None:
    head = edited(prod_doc, set_in("inputs.properties.enablePurgeProtection", False), of_type(VAULT))
    data = json.loads(diff_report.to_json(report_of(prod_doc, head)))
    (stack,) = data["stacks"]
    unchanged = len(prod_doc["resources"]) - 1
    assert stack["counts"] == {
        "create": 0,
        "update": 1,
        "replace": 0,
        "delete": 0,
        "unchanged": unchanged,
        "cascaded": 0,
    }
    (change,) = stack["changes"]
    assert change["changes"] == [{"path": "properties.enablePurgeProtection", "old": True, "new": False}]
    assert stack["risks"][0]["kind"] == "refused by Azure"


def test_cli_diff_writes_the_markdown_comment(tmp_path: Path, prod_doc: dict[str, Any]) -> None:
    head = edited(prod_doc, set_in("protect", False), of_type(VAULT))
    base_file, head_file = _write(tmp_path / "base.json", prod_doc), _write(tmp_path / "head.json", head)
    out = tmp_path / "diff.md"
    assert main(["diff", str(base_file), str(head_file), "--format", "markdown", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(diff_report.MARKER)
    assert "`protect` removed" in text


def test_cli_diff_rejects_a_missing_head(tmp_path: Path) -> None:
    assert main(["diff", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 2


# --- the immutable properties ---------------------------------------------------------------------------------------
def test_location_is_immutable_for_every_type() -> None:
    assert immutable.replacements("azure-native:foo:Bar", {"location": "a"}, {"location": "b"})[0].path == "location"
    assert immutable.replacements("azure-native:foo:Bar", {"location": "a"}, {"location": "a"}) == []


def test_key_vault_tenant_change_is_an_update_unless_declared(prod_doc: dict[str, Any]) -> None:
    assert "properties.tenantId" in {entry.path for entry in record(VAULT).in_place}
    moved = edited(
        prod_doc, set_in("inputs.properties.tenantId", "11111111-0000-4000-8000-000000000000"), of_type(VAULT)
    )
    assert change_of(diff_of(prod_doc, moved), "platform-kv").action is Action.UPDATE
    declared = edited(prod_doc, set_in("options.replaceOnChanges", ["properties.tenantId"]), of_type(VAULT))
    moved = edited(
        declared, set_in("inputs.properties.tenantId", "11111111-0000-4000-8000-000000000000"), of_type(VAULT)
    )
    assert change_of(diff_of(declared, moved), "platform-kv").action is Action.REPLACE


@pytest.mark.parametrize(
    ("old", "new", "replaced"),
    [("Balanced_B5", "ComputeOptimized_X10", True), ("Balanced_B5", "Balanced_B10", False)],
)
def test_redis_sku_family_change_replaces(old: str, new: str, replaced: bool) -> None:
    # In-memory tiers scale into each other; Flash Optimized and Enterprise do not.
    target = "FlashOptimized_A250" if replaced else new
    found = immutable.replacements(
        "azure-native:redisenterprise:RedisEnterprise", {"sku": {"name": old}}, {"sku": {"name": target}}
    )
    assert bool(found) is replaced


@pytest.mark.parametrize(("old", "new"), [("OSSCluster", "EnterpriseCluster"), (None, "EnterpriseCluster")])
def test_redis_clustering_policy_is_fixed(old: str | None, new: str) -> None:
    before = {"clusteringPolicy": old} if old else {}
    (found,) = immutable.replacements("azure-native:redisenterprise:Database", before, {"clusteringPolicy": new})
    assert found.path == "clusteringPolicy"


def test_a_cosmos_region_losing_zone_redundancy_is_a_replacement() -> None:
    before = {"locations": [{"locationName": "westeurope", "isZoneRedundant": True}]}
    after = {"locations": [{"locationName": "westeurope", "isZoneRedundant": False}]}
    (found,) = immutable.replacements("azure-native:cosmosdb:DatabaseAccount", before, after)
    assert found.path == "locations[*].isZoneRedundant"


@pytest.mark.parametrize(
    ("old", "new", "replaced"),
    [
        ([], [{"name": "EnableServerless"}], True),
        ([{"name": "EnableServerless"}], [{"name": "EnableServerless"}, {"name": "EnableNoSQLVectorSearch"}], False),
    ],
)
def test_cosmos_serverless_toggle_replaces_the_account(old: list[Any], new: list[Any], replaced: bool) -> None:
    found = immutable.replacements(
        "azure-native:cosmosdb:DatabaseAccount", {"capabilities": old}, {"capabilities": new}
    )
    assert bool(found) is replaced


def test_container_apps_environment_subnet_is_immutable() -> None:
    before = {"vnetConfiguration": {"infrastructureSubnetId": "/x/subnets/a", "internal": True}}
    after = {"vnetConfiguration": {"infrastructureSubnetId": "/x/subnets/b", "internal": True}}
    (found,) = immutable.replacements("azure-native:app:ManagedEnvironment", before, after)
    assert found.path == "vnetConfiguration.infrastructureSubnetId"


# --- property paths ------------------------------------------------------------------------------------------------
def test_list_items_with_names_are_keyed_by_name() -> None:
    leaves = propertypath.flatten({"subnets": [{"name": "a", "prefix": "1"}, {"name": "b", "prefix": "2"}]})
    assert {propertypath.render(p) for p in leaves} == {
        "subnets[a].name",
        "subnets[a].prefix",
        "subnets[b].name",
        "subnets[b].prefix",
    }


def test_patterns_match_inside_at_and_above_the_changed_leaf() -> None:
    leaf = propertypath.parse("resource.partitionKey.paths")
    assert propertypath.matches("resource.partitionKey", leaf)
    assert propertypath.matches("resource.partitionKey.paths", leaf)
    assert propertypath.matches("resource.*", leaf)
    assert not propertypath.matches("resource.indexingPolicy", leaf)
    assert propertypath.matches("subnets[*].name", propertypath.parse("subnets[snet-a].name"))
    assert propertypath.render(propertypath.parse('tags["cost.center"]')) == 'tags["cost.center"]'

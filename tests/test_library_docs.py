"""The library users' pages (PlatformReference and the outputs contract, role assignments) match the code, and
every Azure resource id an example shows is a well-formed ARM id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from azplatform.components.rbac import RoleCatalogue
from azplatform.plan.environments import ENVIRONMENTS
from azplatform.stacks.docs import COMPONENTS, example_source
from azplatform.stacks.library_docs import write_library_docs
from azplatform.stacks.reference import OUTPUTS
from azplatform.stacks.testkit import fake_platform_outputs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# /subscriptions/<GUID>/resourceGroups/<group>[/providers/<Namespace>/<type>/<name>[/<type>/<name>]...]
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules (group: 1-90 of
# letters, digits, '_', '-', '.', '(', ')'; not ending in '.')
ARM_ID = re.compile(
    r"/subscriptions/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"(?:/resourceGroups/[\w\-.()]{0,89}[\w\-()]"
    r"(?:/providers/[A-Z][A-Za-z]+\.[A-Z][A-Za-z.]+(?:/[A-Za-z]+/[\w\-.]+)*(?:/[A-Za-z]+)?)?)?"
)
# (a trailing collection, ".../virtualNetworks/vnet/subnets", is the prefix an example appends a name to)
ID_IN_TEXT = re.compile(r"/subscriptions/[^\s\"'`|,)}]*")


def test_committed_library_pages_match_the_generator(tmp_path: Path) -> None:
    for path in write_library_docs(tmp_path):
        committed = DOCS / path.name
        assert committed.exists(), f"missing {committed}: run `.venv/bin/azplatform docs`"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is stale: run `.venv/bin/azplatform docs`"
        )


def test_the_pages_cover_every_output_and_role() -> None:
    reference = (DOCS / "platform-reference.md").read_text(encoding="utf-8")
    assert all(f"`{o.name}`" in reference and f"`{o.attribute}`" in reference for o in OUTPUTS)
    roles = (DOCS / "role-assignments.md").read_text(encoding="utf-8")
    assert all(role.name in roles and role.value in roles for role in RoleCatalogue.every_role().values())
    assert "ExistingKeyVault" in roles and "grant_secret_read" in roles and "RoleAssignmentSpec" in roles


def _ids(text: str) -> list[str]:
    # "{...}" placeholders of f-strings and a trailing "/providers/" prefix are templates, not ids
    return [i.rstrip("/.") for i in ID_IN_TEXT.findall(text) if "{" not in i and not i.endswith("/providers/")]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_test_kits_fake_outputs_are_valid_azure_ids(environment: str) -> None:
    values = fake_platform_outputs(environment)
    ids = [v for v in values.values() if isinstance(v, str) and v.startswith("/subscriptions/")]
    ids += [v for d in values.values() if isinstance(d, dict) for v in d.values() if str(v).startswith("/subs")]
    assert ids
    for resource_id in ids:
        assert ARM_ID.fullmatch(resource_id), resource_id


def test_every_id_in_the_docs_and_examples_is_a_valid_azure_id() -> None:
    texts = {path: path.read_text(encoding="utf-8") for path in DOCS.rglob("*.md")}
    texts.update({Path(entry.component): example_source(entry) for entry in COMPONENTS})
    checked = 0
    for where, text in texts.items():
        for resource_id in _ids(text):
            checked += 1
            assert ARM_ID.fullmatch(resource_id), f"{where}: {resource_id}"
    assert checked > 10


def test_the_id_check_can_fail() -> None:
    for bad in (
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
        "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/network/vnets/v",
        "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Web/sites/a b",
        "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg./providers/Microsoft.Web/sites/a",
    ):
        assert not ARM_ID.fullmatch(bad)

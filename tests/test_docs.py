"""The component reference cannot drift from the code: the committed pages equal the generator's output, every
public component has a page, every page's example runs under the offline harness, and every public class and
field carries a docstring."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pulumi
import pytest

from azplatform import components
from azplatform.stacks.docs import (
    COMPONENTS,
    ComponentDoc,
    attribute_docs,
    config_overview,
    example_source,
    render_component,
    update_readme,
    write_docs,
)
from azplatform.stacks.offline import render

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "docs" / "components"


def test_committed_pages_match_the_generator(tmp_path: Path) -> None:
    written = write_docs(COMPONENTS, tmp_path)
    for path in written:
        committed = PAGES / path.name
        assert committed.exists(), f"missing {committed}: run `.venv/bin/azplatform docs`"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is stale: run `.venv/bin/azplatform docs`"
        )
    assert {p.name for p in PAGES.glob("*.md")} == {p.name for p in written}


def test_every_public_component_has_a_page() -> None:
    public = {
        name
        for name in components.__all__
        if inspect.isclass(obj := getattr(components, name)) and issubclass(obj, pulumi.ComponentResource)
    }
    assert public == {entry.component for entry in COMPONENTS}


@pytest.mark.parametrize("entry", COMPONENTS, ids=lambda e: e.component)
def test_each_pages_example_runs(entry: ComponentDoc) -> None:
    plan = render(lambda: exec(example_source(entry), {}), project="docs", stack="dev", config={})
    component_types = {r.type for r in plan.resources if not r.custom}
    assert f"azplatform:index:{entry.component}" in component_types
    assert "## Example" in render_component(entry)


def _public_classes() -> list[type]:
    return [obj for name in components.__all__ if inspect.isclass(obj := getattr(components, name))]


@pytest.mark.parametrize("cls", _public_classes(), ids=lambda c: c.__name__)
def test_every_public_class_and_field_has_a_docstring(cls: type) -> None:
    assert inspect.getdoc(cls), f"{cls.__name__} has no docstring"
    if dataclasses.is_dataclass(cls):
        docs = attribute_docs(cls)
        undocumented = [f.name for f in dataclasses.fields(cls) if not docs.get(f.name)]
        assert undocumented == [], f"{cls.__name__} fields without a docstring: {undocumented}"


def test_the_readme_configuration_table_is_generated_from_the_stack_schema(tmp_path: Path) -> None:
    copy = tmp_path / "README.md"
    copy.write_text((ROOT / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert update_readme(copy, COMPONENTS) is False, "README's config table is stale: run `azplatform docs --readme`"
    table = config_overview(COMPONENTS)
    from azplatform.stacks.config import PlatformConfig

    assert [line.split("`")[1] for line in table.splitlines()[2:]] == [
        f.alias or name for name, f in PlatformConfig.model_fields.items()
    ]
    assert "| `postgres` |" in table and "(docs/components/postgres_flexible_server.md)" in table


def test_a_readme_without_the_config_block_is_an_error_naming_the_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# nothing here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="config:start"):
        update_readme(readme, COMPONENTS)


def test_a_public_component_without_an_example_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from azplatform.components import key_vault
    from azplatform.stacks.docs import discover

    monkeypatch.setattr(key_vault, "EXAMPLES", {})
    with pytest.raises(LookupError, match=r"azplatform\.components\.key_vault\.KeyVault"):
        discover()

"""Generate the component reference (docs/components/*.md) from the code itself, so the docs cannot drift.

Per component: its purpose (class docstring), its args (fields, types, defaults and the docstring under each
field, read with ``ast`` the way Sphinx reads attribute docstrings), its outputs, its methods (grants), the
stack-file config section that drives it in the platform with each environment's profile default (from the
pydantic models and ``stacks/profiles.py``), and a usage example that the tests run under the offline harness.
``azplatform docs`` writes the pages; tests/test_docs.py fails when a committed page differs.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pulumi
from pydantic import BaseModel, Discriminator, Tag
from pydantic.alias_generators import to_camel

from azplatform.plan.environments import ENVIRONMENTS
from azplatform.stacks.profiles import PROFILES


@dataclass(frozen=True)
class ComponentDoc:
    """Where one component lives, which config section drives it in the platform, and a runnable example."""

    module: str
    component: str
    args: str
    config_section: str | None
    example: str


def attribute_docs(cls: type) -> dict[str, str]:
    """The docstrings written under each annotated attribute of ``cls`` (and its dataclass bases)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or klass.__module__ == "builtins":
            continue
        try:
            tree = ast.parse(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, following in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[node.target.id] = " ".join(following.value.value.split())
    return docs


def _default(field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        return f"`{field.default!r}`"
    if field.default_factory is not dataclasses.MISSING:
        return f"`{field.default_factory()!r}`"
    return "required"


def _annotation(text: Any) -> str:
    return str(text).replace("pulumi.Input", "Input").replace("|", "\\|")


def _args_table(args_cls: type) -> Iterator[str]:
    yield "| arg | type | default | what it controls |"
    yield "| --- | --- | --- | --- |"
    if issubclass(args_cls, BaseModel):
        for name, info in args_cls.model_fields.items():
            default = "required" if info.is_required() else f"`{info.get_default(call_default_factory=True)!r}`"
            is_input = any(getattr(m, "__name__", "") == "_AnyInput" for m in info.metadata)
            shown = "Input" if is_input else _type_name(info.annotation)
            yield f"| `{name}` | `{_annotation(shown)}` | {default} | {info.description or ''} |"
        return
    if not dataclasses.is_dataclass(args_cls):
        raise TypeError(f"{args_cls.__name__} is neither a pydantic model nor a dataclass")
    docs = attribute_docs(args_cls)
    for field in dataclasses.fields(args_cls):
        yield f"| `{field.name}` | `{_annotation(field.type)}` | {_default(field)} | {docs.get(field.name, '')} |"


def _plain(annotation: Any) -> Any:
    """A discriminated union (scale rules told apart by ``type``) as the plain union of its members, for display."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated and any(isinstance(m, Discriminator | Tag) for m in annotation.__metadata__):
        inner = args[0]
        return Union[tuple(_plain(a) for a in get_args(inner))] if get_args(inner) else inner  # noqa: UP007
    if origin in (list, dict) and args:
        return origin[tuple(_plain(a) for a in args)]
    return annotation


def _type_name(annotation: Any) -> str:
    """A readable annotation: module paths, ``typing.`` prefixes and validators dropped, Inputs shown as such."""
    annotation = _plain(annotation)
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    text = text or str(annotation)
    text = re.sub(r"typing\.Annotated\[typing\.Any, <class '[\w.]*_AnyInput'>\]", "Input", text)
    text = re.sub(r"typing\.Annotated\[([^,\[\]]+(?:\[[^\]]*\])?), [^\]]*\]", r"\1", text)
    text = re.sub(r"<class '(?:[\w]+\.)*(\w+)'>", r"\1", text)
    return re.sub(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)", r"\1", text)


def _outputs(component_cls: type) -> Iterator[str]:
    hints = {k: v for k, v in component_cls.__annotations__.items() if not k.startswith("_")}
    for name, annotation in hints.items():
        yield f"- `{name}`: `{_annotation(annotation)}`"


def _methods(component_cls: type) -> Iterator[str]:
    # The component's own methods and those of its grant mixins (KeyVaultGrants...), not pulumi's.
    own = {k.__name__ for k in component_cls.__mro__ if k.__module__.startswith("azplatform.")}
    for name, member in inspect.getmembers(component_cls, inspect.isfunction):
        if name.startswith("_") or member.__qualname__.split(".")[0] not in own:
            continue
        doc = " ".join((inspect.getdoc(member) or "").split())
        yield f"- `{name}{inspect.signature(member)}`: {doc}"


def _config_table(section: str) -> Iterator[str]:
    from azplatform.stacks.config import PlatformConfig

    field = PlatformConfig.model_fields[_snake(section)]
    # The section's model: plain, optional (ApimConfig | None) or a mapping of them (apps: dict[str, AppConfig]).
    candidates = [field.annotation, *getattr(field.annotation, "__args__", ())]
    models = [m for m in candidates if isinstance(m, type) and issubclass(m, BaseModel)]
    if not models:
        return
    model = models[0]
    where = f"azplatform:{section}.<name>" if section == "apps" else f"azplatform:{section}"
    yield f"Stack-file key `{where}`; defaults per environment come from `stacks/profiles.py`."
    yield ""
    yield f"| key | {' | '.join(ENVIRONMENTS)} | meaning |"
    yield "| --- |" + " --- |" * len(ENVIRONMENTS) + " --- |"
    for name, info in model.model_fields.items():
        key = to_camel(name)
        per_env = []
        for env in ENVIRONMENTS:
            value = PROFILES[env].get(section, {}).get(key) if isinstance(PROFILES[env].get(section), dict) else None
            if value is None and not info.is_required():
                value = info.get_default(call_default_factory=True)
            per_env.append("" if value is None else f"`{value}`")
        yield f"| `{key}` | {' | '.join(per_env)} | {info.description or ''} |"
    yield from _entry_tables(where, model)


def _entry_model(annotation: Any) -> Any:
    """The model of a ``dict[str, Model]`` field (queues, containers...), or None."""
    args: tuple[Any, ...] = getattr(annotation, "__args__", ())
    origin = getattr(annotation, "__origin__", None)
    value = args[-1] if origin is dict and len(args) == 2 else None
    return value if isinstance(value, type) and issubclass(value, BaseModel) else None


def _entry_tables(where: str, model: Any) -> Iterator[str]:
    """A table of keys for each entry of the section's ``dict[str, Model]`` fields, and of theirs."""
    for name, info in model.model_fields.items():
        entry = _entry_model(info.annotation)
        if entry is None:
            continue
        path = f"{where}.{to_camel(name)}.<name>"
        yield ""
        yield f"Each entry of `{path}`:"
        yield ""
        yield "| key | default | meaning |"
        yield "| --- | --- | --- |"
        for key, field in entry.model_fields.items():
            default = "" if field.is_required() else field.get_default(call_default_factory=True)
            shown = "" if default in ("", None) else f"`{default}`"
            yield f"| `{to_camel(key)}` | {shown} | {field.description or ''} |"
        yield from _entry_tables(path, entry)


def _snake(camel: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in camel)


def _example(code: str) -> Iterator[str]:
    yield "## Example"
    yield ""
    yield "```python"
    yield from (_PREAMBLE + code).strip("\n").splitlines()
    yield "```"


def render_component(entry: ComponentDoc) -> str:
    """The markdown page for one component."""
    module = importlib.import_module(entry.module)
    component_cls = getattr(module, entry.component)
    args_cls = getattr(module, entry.args)
    lines = [f"# {entry.component}", "", inspect.getdoc(component_cls) or "", ""]
    tokens = [v for k, v in vars(module).items() if k.endswith("TYPE_TOKEN") and str(v).endswith(f":{entry.component}")]
    lines += [
        f"`from azplatform.components import {entry.component}, {entry.args}`"
        + (f" · type token `{tokens[0]}`" if tokens else "")
    ]
    lines += ["", f"## Args: `{entry.args}`", "", *_args_table(args_cls), ""]
    outputs = list(_outputs(component_cls))
    if outputs:
        lines += ["## Outputs", "", *outputs, ""]
    methods = list(_methods(component_cls))
    if methods:
        lines += ["## Methods", "", *methods, ""]
    if entry.config_section:
        lines += ["## Platform configuration", "", *_config_table(entry.config_section), ""]
    lines += [*_example(entry.example)]
    return "\n".join(lines).rstrip() + "\n"


def page_name(entry: ComponentDoc) -> str:
    """The file name of a component's page (``PostgresFlexibleServer`` -> ``postgres_flexible_server.md``)."""
    return f"{_snake(entry.component).lstrip('_')}.md"


def write_docs(entries: list[ComponentDoc], out_dir: Path) -> list[Path]:
    """Write one page per component plus an index; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    index = ["# Components", "", "Generated by `azplatform docs` from the code; do not edit by hand.", ""]
    index += ["Every class below is importable from `components` (see README, Public API).", ""]
    for entry in entries:
        path = out_dir / page_name(entry)
        path.write_text(render_component(entry), encoding="utf-8")
        written.append(path)
        index.append(f"- [{entry.component}]({path.name})")
    index_path = out_dir / "README.md"
    index_path.write_text("\n".join(index) + "\n", encoding="utf-8")
    return [*written, index_path]


_RG = "rg-shop-dev-weu"
_SUB = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-shop-dev-weu/providers"
_SUBNET = f"{_SUB}/Microsoft.Network/virtualNetworks/vnet-shop-dev-weu/subnets"
_WORKSPACE = f"{_SUB}/Microsoft.OperationalInsights/workspaces/log-shop-dev-weu"
_ZONES = f"{_SUB}/Microsoft.Network/privateDnsZones"
_PREAMBLE = f"""RG = "{_RG}"
SUBNETS = "{_SUBNET}"
WORKSPACE = "{_WORKSPACE}"
ZONES = "{_ZONES}"
"""


def _config_sections() -> dict[type, str]:
    """Stack-file section -> the settings model it is typed as (``apps`` maps names to its model)."""
    from azplatform.stacks.config import PlatformConfig  # the docs tool reads the stack schema; components never do

    sections: dict[type, str] = {}
    for name, field in PlatformConfig.model_fields.items():
        annotation = field.annotation
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            annotation = next((a for a in typing.get_args(annotation) if a is not type(None)), None)
        if typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        if inspect.isclass(annotation):
            sections[annotation] = field.alias or name
    return sections


def _settings_model(args_cls: type) -> type | None:
    """The component's stack-file model: the first ``...Settings`` class its args inherit from."""
    return next(
        (c for c in args_cls.__mro__ if c.__name__.endswith("Settings") and c.__module__.startswith(_PACKAGE)), None
    )


_PACKAGE = "azplatform.components"


def discover() -> list[ComponentDoc]:
    """One entry per public component (``azplatform.components.__all__``), found where it lives: its args class
    (``<Component>Args`` beside it), its example (the module's ``EXAMPLES``), and the stack-file section typed as its
    settings model. A component without an example is an error naming it."""
    package = importlib.import_module(_PACKAGE)
    sections = _config_sections()
    entries: list[ComponentDoc] = []
    missing: list[str] = []
    for name in package.__all__:
        cls = getattr(package, name)
        if not (inspect.isclass(cls) and issubclass(cls, pulumi.ComponentResource)):
            continue
        module = importlib.import_module(cls.__module__)
        example = getattr(module, "EXAMPLES", {}).get(name)
        if example is None:
            missing.append(f"{cls.__module__}.{name}")
            continue
        settings = _settings_model(getattr(module, f"{name}Args"))
        section = next((s for model, s in sections.items() if settings is not None and settings in model.__mro__), None)
        entries.append(ComponentDoc(cls.__module__, name, f"{name}Args", section, example))
    if missing:
        raise LookupError(f"components without an example in their module's EXAMPLES: {', '.join(missing)}")
    return entries


COMPONENTS: list[ComponentDoc] = discover()
"""Every public component's page, in ``azplatform.components.__all__`` order."""


README_START = "<!-- config:start (generated: azplatform docs --readme README.md) -->"
README_END = "<!-- config:end -->"


def config_overview(entries: list[ComponentDoc], pages: str = "docs/components") -> str:
    """The README's table of stack-file sections: each top-level key of ``PlatformConfig`` with its description
    and, where a component is configured by it, a link to that component's page (its full key table)."""
    from azplatform.stacks.config import PlatformConfig

    page_of: dict[str, str] = {}
    for entry in entries:
        if entry.config_section is not None:
            page_of.setdefault(entry.config_section, f"{pages}/{page_name(entry)}")
    lines = ["| key | meaning |", "| --- | --- |"]
    for name, info in PlatformConfig.model_fields.items():
        key = info.alias or to_camel(name)
        link = f" Keys and defaults: [{page_of[key].rsplit('/', 1)[-1]}]({page_of[key]})." if key in page_of else ""
        lines.append(f"| `{key}` | {info.description or ''}{link} |")
    return "\n".join(lines)


def update_readme(path: Path, entries: list[ComponentDoc]) -> bool:
    """Replace the block between :data:`README_START` and :data:`README_END` in ``path``; True when it changed.
    A README without the markers is an error naming them."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"{path}: no {README_START!r} ... {README_END!r} block to fill")
    updated = text[: start + len(README_START)] + "\n" + config_overview(entries) + "\n" + text[end:]
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text


def example_source(entry: ComponentDoc) -> str:
    """The example as a runnable program body (its constants, then the snippet)."""
    return _PREAMBLE + entry.example

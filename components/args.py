"""The base of every component's args: the one typed, validated definition of a concept's settings.

A component's args model is where its settings are defined, defaulted and validated, and nowhere else. The stack
config reuses the same models (the settings a stack file may give), so a component used directly as a library
enforces exactly what a stack file enforces, with the same messages. The convention, per component ``X``:

- ``XSettings(Args)``: what a user chooses (SKU, sizes, retention...), each field with a description and default;
- ``XArgs(XSettings, CommonArgs)``: the settings plus what the caller supplies (names, placement, ids of other
  resources). The platform builds it with :meth:`Args.extend`; a library user constructs it directly.

Field names are Python's snake_case; the same model reads a stack file's camelCase keys (``alias_generator``).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    ModelWrapValidatorHandler,
    ValidationError,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, core_schema

__all__ = ["Args", "Input", "NoBoolNumbers", "ProblemList", "raise_problems"]

_T = TypeVar("_T")


class _AnyInput:
    """Pydantic schema for a ``pulumi.Input``: a plain value or another resource's Output, passed through as is.

    Outputs are not known until deployment, so nothing about them can be validated at construction; validators
    that check such a field do so only when it holds a plain value.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.any_schema()


if TYPE_CHECKING:
    from pulumi import Input
else:

    class Input:
        """``Input[str]``: typed as ``pulumi.Input[str]`` for mypy, accepted as is by pydantic."""

        def __class_getitem__(cls, item: Any) -> Any:
            from typing import Annotated

            return Annotated[Any, _AnyInput]


_A = TypeVar("_A", bound="Args")


def _bool_for_number(annotation: Any, value: Any) -> bool:
    """Whether ``value`` holds a bool where ``annotation`` wants a number and no bool (``max_replicas: true``).

    Pydantic's lax mode reads ``True`` as ``1``; a stack file's ``maxReplicas: true`` is a mistake, not a number.
    Looks through Optional, unions, Annotated, lists and dicts.
    """
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _bool_for_number(typing.get_args(annotation)[0], value)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
        if bool in members or Any in members:
            return False
        return any(_bool_for_number(member, value) for member in members)
    if isinstance(value, bool):
        return annotation in (int, float)
    items: list[Any] = []
    if origin in (list, tuple, Sequence) and isinstance(value, list | tuple):
        items = [((typing.get_args(annotation) or (Any,))[0], v) for v in value]
    elif origin in (dict, Mapping) and isinstance(value, Mapping):
        items = [((typing.get_args(annotation) or (Any, Any))[-1], v) for v in value.values()]
    return any(_bool_for_number(item, v) for item, v in items)


class NoBoolNumbers(BaseModel):
    """Numbers are not booleans: every int or float field of every settings model (and the stack config's own
    models) refuses ``true``/``false``, which pydantic's lax mode would read as 1/0. The one place this is defined."""

    @model_validator(mode="wrap")
    @classmethod
    def _no_bool_numbers(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        # A model validator on the raw mapping (a field validator for "*" would break discriminated unions). The
        # other fields are still validated, so that every problem is reported at once.
        if not isinstance(data, Mapping):
            return handler(data)
        problems: list[tuple[Loc | str, str, Any]] = []
        for name, field in cls.model_fields.items():
            key = name if name in data else field.alias if field.alias in data else None
            if key is not None and _bool_for_number(field.annotation, data[key]):
                value = data[key]
                problems.append(((name,), f"must be a number, not the boolean {str(value).lower()}", value))
        if not problems:
            return handler(data)
        bad = {problem[0][0] for problem in problems if isinstance(problem[0], tuple)}
        others: list[InitErrorDetails] = []
        try:
            handler({k: v for k, v in data.items() if k not in bad and cls._field_of(k) not in bad})
        except ValidationError as exc:
            # Errors of the other fields; those at the refused fields (now missing) are the booleans' consequence.
            others = [
                InitErrorDetails(type=e["type"], loc=e["loc"], input=e["input"], ctx=e.get("ctx", {}))
                for e in exc.errors()
                if not (e["loc"] and e["loc"][0] in bad)
            ]
        mine = InitErrorDetails(type="value_error", loc=(), input=data, ctx={"error": ProblemList(problems)})
        raise ValidationError.from_exception_data(cls.__name__, [mine, *others])

    @classmethod
    def _field_of(cls, key: str) -> str | None:
        """The field a key (its name or its camelCase alias) sets."""
        return next((name for name, field in cls.model_fields.items() if key in (name, field.alias)), None)


class Args(NoBoolNumbers):
    """Base of every args and settings model: immutable, unknown keys rejected, snake_case or camelCase keys."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        validate_default=True,
        arbitrary_types_allowed=True,
        # Errors name the Python argument (soft_delete_retention_days); the stack config's loader turns the path
        # into the stack file's own spelling (softDeleteRetentionDays).
        loc_by_alias=False,
    )

    def extend(self, args_type: type[_A], **fields: Any) -> _A:
        """These settings plus ``fields``, validated as ``args_type``. The settings ``args_type`` does not have are
        left out: keys a stack config section adds for the platform alone (``redis.accessKeysForKeda``)."""
        own = {key: value for key, value in dict(self).items() if key in args_type.model_fields}
        return args_type.model_validate({**own, **fields})

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``, validated again (``model_copy`` would skip validation)."""
        return type(self).model_validate({**dict(self), **changes})


Loc = tuple[str | int, ...]


class ProblemList(ValueError):  # noqa: N818 - pydantic only reports ValueError subclasses raised in validators
    """Every problem a validator found at once, each at its location below the model: a tuple of Python field
    names, dict keys and list indexes (``("databases", "app", "max_throughput")``) or the same dot-separated
    (``"min_replicas"``), with its message and the bad value.

    Used directly, the component's ``ValidationError`` shows each as ``location: message``; the stack config's
    loader points each at its own key of the stack file (``apps.api.minReplicas``) and spells the field names its
    messages mention as the file does (``maxReplicas``).
    """

    def __init__(self, problems: Sequence[tuple[Loc | str, str, Any]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(_located(where, message) for where, message, _ in self.problems))

    def locations(self) -> list[tuple[Loc, str, Any]]:
        """The problems with every location as a tuple."""
        return [(split_location(where), message, value) for where, message, value in self.problems]


def split_location(where: Loc | str) -> Loc:
    """``"a.b"`` -> ``("a", "b")``; a tuple stays as it is; ``""`` is the model itself."""
    return where if isinstance(where, tuple) else tuple(where.split(".")) if where else ()


def _located(where: Loc | str, message: str) -> str:
    text = where if isinstance(where, str) else ".".join(str(part) for part in where)
    return f"{text}: {message}" if text else message


def raise_problems(problems: Sequence[tuple[Loc | str, str, Any]]) -> None:
    """Raise :class:`ProblemList` when ``problems`` is not empty (in a model validator)."""
    if problems:
        raise ProblemList(problems)

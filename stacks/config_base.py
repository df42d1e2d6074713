"""The base of every config section model, in its own module so that the section modules (``config_<area>.py``)
and ``stacks.config``, which imports them, can share it without an import cycle."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict
from pydantic.alias_generators import to_camel

from azplatform.components.args import NoBoolNumbers


class Model(NoBoolNumbers):
    """Config base: camelCase keys as in the stack file, unknown keys rejected, values immutable."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        validate_default=True,
        loc_by_alias=False,
    )


def get_path(data: Any, *path: str) -> Any:
    """``data[path[0]][path[1]]...`` on raw config values, or None where a level is missing or not a mapping."""
    for part in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data

"""Configuration problems, collected together and reported on one screen with no traceback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pulumi

from azplatform.components.args import ProblemList

__all__ = ["ConfigError", "ConfigProblem", "ProblemList"]


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a stack's config: where, what was found, and what is allowed."""

    path: str
    message: str
    value: Any = None
    root: bool = False
    """A root cause: listed before the other problems (whose consequences it folds in)."""

    def render(self, namespace: str) -> str:
        """``azplatform:network.subnets.apim = '10.0.1.0/30': <message>``."""
        key = f"{namespace}:{self.path}" if self.path else namespace
        shown = "" if self.value is None else f" = {_short(self.value)}"
        return f"  - {key}{shown}\n      {self.message}"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ConfigError(pulumi.RunError):
    """An invalid stack config. ``pulumi up`` shows the message without a traceback (RunError)."""

    def __init__(self, source: str, problems: Iterable[ConfigProblem], namespace: str = "azplatform") -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: (not p.root, p.path))
        self.namespace = namespace
        super().__init__(self.render())

    def render(self) -> str:
        """The one-screen report: the file, then every problem with its key path."""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.source}: {count} configuration {noun}; nothing was deployed."]
        lines += [p.render(self.namespace) for p in self.problems]
        return "\n".join(lines)

"""The rule set. Importing this package registers every rule; :data:`RULES` lists them by id."""

from __future__ import annotations

import importlib
import pkgutil

from azplatform.policy.registry import registered

# Every module of this package registers its rules when imported: a new rules module needs no edit here.
for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

RULES = registered()
"""Every rule, resource and stack, sorted by id."""

__all__ = ["RULES"]

"""The Pulumi program: load the stack's config, build the Platform, export its outputs.

``__main__.py`` calls :func:`main`; so does the offline plan, through ``__main__.py`` itself.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from azplatform.stacks.config import NAMESPACE, PlatformConfig, load_platform_config
from azplatform.stacks.platform import Platform


def stack_config_values() -> dict[str, Any]:
    """Every ``azplatform:`` key the engine passed to this program (without the namespace)."""
    values: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    prefix = f"{NAMESPACE}:"
    return {key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix)}


def load() -> PlatformConfig:
    """The validated config of the stack being deployed; raises ConfigError (no traceback) when invalid."""
    return load_platform_config(stack_config_values(), f"Pulumi.{pulumi.get_stack()}.yaml")


def main() -> None:
    """Run the platform program for the current stack."""
    config = load()
    platform = Platform("platform", config)
    for name, value in platform.outputs.items():
        pulumi.export(name, value)

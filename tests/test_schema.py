"""One schema per concept: every limit a stack file is refused for is refused, with the same message, when the
component is used directly as a library. Each row gives the stack-file override and the component call that carry
the same mistake; both must fail, and the stack file's problem must be at the row's key path.

Add a row for every rule a settings model enforces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import ValidationError

from azplatform.components.key_vault import KeyVaultArgs
from azplatform.stacks.config import deep_merge, load_platform_config
from azplatform.stacks.errors import ConfigError
from tests.conftest import stack_values

RG = "rg-unit"
TENANT = "00000000-0000-4000-8000-0000000000aa"


@dataclass(frozen=True)
class Case:
    """One mistake, made in a stack file and through the component API."""

    id: str
    override: dict[str, Any]
    """Deep-merged into Pulumi.prod.yaml's azplatform values."""
    key_path: str
    """Where the stack-file error points, in the file's spelling."""
    direct: Callable[[], object]
    """The same mistake through the component API."""
    message: str
    """A part of the message both must carry."""


def _vault(**kwargs: Any) -> Callable[[], object]:
    return lambda: KeyVaultArgs.model_validate(
        {"name": "kv-unit", "resource_group_name": RG, "location": "westeurope", "tenant_id": TENANT, **kwargs}
    )


CASES = [
    Case(
        "key vault retention below Azure's 7 days",
        {"keyVault": {"softDeleteRetentionDays": 3}},
        "keyVault.softDeleteRetentionDays",
        _vault(soft_delete_retention_days=3),
        "greater than or equal to 7",
    ),
    Case(
        "key vault sku",
        {"keyVault": {"sku": "gold"}},
        "keyVault.sku",
        _vault(sku="gold"),
        "'standard' or 'premium'",
    ),
    Case(
        "unknown region",
        {"location": "mars"},
        "location",
        _vault(location="mars"),
        "unknown Azure region",
    ),
]


def _stack_file_problem(override: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_platform_config(deep_merge(stack_values("prod"), override), "Pulumi.prod.yaml")
    return info.value


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_stack_file_and_component_refuse_alike(case: Case) -> None:
    error = _stack_file_problem(case.override)
    at_path = [p for p in error.problems if p.path == case.key_path]
    assert at_path, f"no problem at {case.key_path}: {[p.path for p in error.problems]}"
    assert any(case.message in p.message for p in at_path), [p.message for p in at_path]
    with pytest.raises(ValidationError) as direct:
        case.direct()
    assert case.message in str(direct.value)


def test_component_errors_name_python_arguments() -> None:
    with pytest.raises(ValidationError) as info:
        _vault(soft_delete_retention_days=3)()
    assert info.value.errors()[0]["loc"] == ("soft_delete_retention_days",)


def test_key_vault_name_follows_azures_rule_when_used_directly() -> None:
    with pytest.raises(ValidationError, match="is 40 characters; allowed 3-24"):
        _vault(name="kv-" + "x" * 37)()


def test_tag_limit_counts_the_platforms_own_tags() -> None:
    assert len(stack_values("prod")["tags"]) == 3
    error = _stack_file_problem({"tags": {f"t{i}": "v" for i in range(45)}})  # 48 of the stack's own
    (problem,) = [p for p in error.problems if p.path == "tags"]
    assert "48 tags plus the platform's 3" in problem.message
    load_platform_config(deep_merge(stack_values("prod"), {"tags": {f"t{i}": "v" for i in range(44)}}), "prod")

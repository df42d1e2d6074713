"""The three stacks render offline and hold the foundation's resources."""

from __future__ import annotations

import pytest

from azplatform.stacks.offline import Plan


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_stack_renders_the_foundation(plans: dict[str, Plan], stack: str) -> None:
    counts = plans[stack].counts_by_type()
    assert counts["azure-native:network:VirtualNetwork"] == 1
    assert counts["azure-native:keyvault:Vault"] == 1
    assert counts["azure-native:operationalinsights:Workspace"] == 1
    assert counts["azure-native:applicationinsights:Component"] == 1

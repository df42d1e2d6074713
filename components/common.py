"""The interfaces every azplatform component shares (after Azure Verified Modules): placement, tags,
diagnostics, private endpoint, lock. One vocabulary, the same names and shapes in every component."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi


@dataclass(frozen=True, kw_only=True)
class PrivateEndpointPlacement:
    """Where a component's private endpoint goes: the subnet and the ``privatelink.*`` zone it registers in."""

    subnet_id: pulumi.Input[str]
    """Id of the private endpoints subnet."""
    dns_zone_id: pulumi.Input[str]
    """Id of the private DNS zone for this service's group (for example privatelink.vaultcore.azure.net)."""


@dataclass(frozen=True, kw_only=True)
class CommonArgs:
    """Arguments every component takes."""

    resource_group_name: pulumi.Input[str]
    """Resource group the component's resources go in."""
    location: pulumi.Input[str]
    """Azure region."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on every taggable child. Default: none."""
    diagnostics_workspace_id: pulumi.Input[str] | None = None
    """Log Analytics workspace that receives all logs and metrics. Default: no diagnostic setting."""
    lock: bool = False
    """Add a CanNotDelete management lock (stateful components; on in prod). Default: off."""
    protect: bool = False
    """Pulumi ``protect`` on the stateful resource itself, so no ``pulumi up`` can delete it. Default: off."""

"""The AI tier: the AI gateway's model accounts (private, keyless; in prod protected and locked) and their model
deployments, one account per ``aiServices.accounts`` key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pulumi

from azplatform.components.ai_services import AiServices, AiServicesArgs, account_name
from azplatform.components.interfaces import DiagnosticSettings, PrivateEndpointSpec
from azplatform.stacks.config import PlatformConfig
from azplatform.stacks.tiers.scope import Placement, TierScope

__all__ = ["AiInputs", "AiTier", "build_ai"]


@dataclass(frozen=True)
class AiInputs:
    """What the tier needs from the foundation."""

    placement: Placement
    workspace_id: pulumi.Input[str]
    private_endpoint: Callable[[str], PrivateEndpointSpec]


@dataclass(frozen=True)
class AiTier:
    """The accounts by key (empty without an ``aiServices`` section)."""

    accounts: dict[str, AiServices] = field(default_factory=dict)


def build_ai(scope: TierScope, config: PlatformConfig, inputs: AiInputs) -> AiTier:
    """An AI services account per key, in its region, reached through a private endpoint in the platform's VNet
    (an endpoint may connect to an account in another region), with diagnostics to the workspace."""
    if config.ai_services is None:
        return AiTier()
    accounts: dict[str, AiServices] = {}
    for key, account in config.ai_services.accounts.items():
        location = account.location or config.location
        accounts[key] = AiServices(
            scope.child(f"ai-{key}"),
            account.extend(
                AiServicesArgs,
                resource_group_name=inputs.placement["resource_group_name"],
                location=location,
                tags=scope.tags,
                **scope.protection(),
                name=account_name(config.namer, key, location, config.location),
                private_endpoints=[inputs.private_endpoint("account")],
                diagnostic_settings=[DiagnosticSettings(workspace_id=inputs.workspace_id)],
            ),
            opts=scope.opts(),
        )
    return AiTier(accounts=accounts)

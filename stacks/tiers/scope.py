"""What every tier is built in: the Platform that parents its resources, the naming, the placement and the
environment's traits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

import pulumi

from azplatform.components.interfaces import Lock
from azplatform.components.naming import Namer
from azplatform.plan.environments import EnvironmentTraits


class Placement(TypedDict):
    """Where every component of the platform goes, and the tags it carries (splatted into component args)."""

    resource_group_name: pulumi.Output[str]
    location: str
    tags: dict[str, str]


class Protection(TypedDict):
    """The deletion protection of a stateful component (splatted into its args): as the environment says."""

    lock: Lock | None
    protect: bool


@dataclass(frozen=True)
class TierScope:
    """Shared by every tier: the same for the whole platform."""

    parent: pulumi.Resource
    """The Platform component: every tier's components are its children."""
    name: str
    """The Platform's logical name, the prefix of every child's logical name."""
    namer: Namer
    """The stack's naming convention for Azure resource names."""
    location: str
    """The Azure region."""
    tags: dict[str, str]
    """The tags every taggable resource carries."""
    environment: EnvironmentTraits
    """The environment's record: protection, locks and the rest of what sets it apart."""

    def child(self, suffix: str) -> str:
        """The logical name of a child: ``<platform>-<suffix>``."""
        return f"{self.name}-{suffix}"

    def opts(
        self, *, depends_on: Sequence[pulumi.Resource] | None = None, protect: bool | None = None
    ) -> pulumi.ResourceOptions:
        """Resource options parenting a child to the Platform."""
        return pulumi.ResourceOptions(
            parent=self.parent, depends_on=list(depends_on) if depends_on is not None else None, protect=protect
        )

    def placement(self, resource_group_name: pulumi.Output[str]) -> Placement:
        """The placement in the platform's resource group."""
        return Placement(resource_group_name=resource_group_name, location=self.location, tags=self.tags)

    def protection(self) -> Protection:
        """``protect`` and a CanNotDelete lock where the environment's record asks for them."""
        return Protection(
            lock=Lock() if self.environment.lock_stateful else None, protect=self.environment.protect_stateful
        )

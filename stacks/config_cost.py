"""The stack file's ``cost`` section: usage assumptions for the estimate, the budget, and the PR diff's threshold.

Defaults come from the environment profile (``stacks/profiles.py``); ``azplatform cost`` and ``azplatform diff``
read this section, and the platform creates the budget from it (``components/budget.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from azplatform.components.args import Args
from azplatform.components.budget import BudgetSettings
from azplatform.components.pricing import UsageAssumptions

if TYPE_CHECKING:
    Usage = UsageAssumptions
else:
    # The section's model: the common assumptions plus the figures the type records declare for their own types.
    Usage = UsageAssumptions.with_figures()


class CostConfig(Args):
    """What the monthly estimate assumes, what the stack may spend, and which change the PR diff flags."""

    usage: Usage = Field(
        default_factory=Usage,
        description="Usage assumptions for the usage-based charges (requests, GB ingested, RUs...). Profile default.",
    )
    budget: BudgetSettings | None = Field(
        default=None,
        description="The monthly budget on the stack's resource group (Azure Cost Management); null: no budget. "
        "Profile default.",
    )
    diff_threshold: float = Field(
        default=100,
        ge=0,
        description="A pull request that changes the monthly estimate by more than this many USD lists it among "
        "the risks at the top of the diff. Profile default.",
    )

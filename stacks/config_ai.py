"""The ``aiServices`` config section: the AI gateway's model accounts and their deployments.

Each account is the component's own settings model (:class:`AiServicesSettings`), plus its region (the stack's by
default). :func:`ai_problems` checks on raw values what needs the stack's region: data zone deployment types need an
account in a data zone (the US or the EU).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from azplatform.components.ai_services import AiServicesSettings, data_zone_problems
from azplatform.components.args import Args
from azplatform.components.interfaces import check_location
from azplatform.stacks.config_base import get_path as _get
from azplatform.stacks.errors import ConfigProblem

__all__ = ["AiAccountConfig", "AiServicesConfig", "ai_problems"]

AccountKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]{0,9}$")]
"""An account's key: 1-10 lowercase letters and digits, letter first (it goes into the account's name)."""


class AiAccountConfig(AiServicesSettings):
    """One AI services account: its region and its model deployments."""

    location: Annotated[str, AfterValidator(check_location)] | None = Field(
        default=None, description="The account's region. Default: the stack's (its private endpoint is always there)."
    )


class AiServicesConfig(Args):
    """The AI gateway's models: AI services accounts by key (prod spreads them over two regions)."""

    accounts: dict[AccountKey, AiAccountConfig] = Field(
        min_length=1, description="Accounts by key (1-10 lowercase letters and digits), each with its deployments."
    )


def ai_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Data zone deployment types on an account outside a data zone, with the account's region resolved."""
    accounts = _get(data, "aiServices", "accounts")
    if not isinstance(accounts, Mapping):
        return []
    problems: list[ConfigProblem] = []
    for key, account in accounts.items():
        if not isinstance(account, Mapping):
            continue
        location = account.get("location") or data.get("location")
        deployments = account.get("deployments")
        skus = (
            {name: d.get("sku") for name, d in deployments.items() if isinstance(d, Mapping)}
            if isinstance(deployments, Mapping)
            else {}
        )
        for (name, leaf), message, value in data_zone_problems(location if isinstance(location, str) else None, skus):
            problems.append(ConfigProblem(f"aiServices.accounts.{key}.deployments.{name}.{leaf}", message, value))
    return problems

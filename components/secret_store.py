"""What the edge components need from a secret store: a secret's URI and a read grant for an identity.

:class:`components.key_vault.KeyVault` satisfies it; the gateways take the protocol, not the class, so that they can
be tested and reused with any vault.
"""

from __future__ import annotations

import re
from typing import Annotated, Protocol, runtime_checkable

import pulumi
from pydantic import AfterValidator

from azplatform.components.rbac import Principal

__all__ = ["SecretName", "SecretStore", "matching"]


@runtime_checkable
class SecretStore(Protocol):
    """A vault whose secrets an identity can be granted to read."""

    def secret_uri(self, secret_name: str) -> pulumi.Output[str]:
        """The versionless URI of ``secret_name`` (consumers follow new versions automatically)."""
        ...

    def grant_secret_read(self, principal: Principal) -> pulumi.Resource:
        """Let ``principal`` read secret values; returns the grant, so that readers can wait for it."""
        ...


def matching(pattern: str, message: str) -> AfterValidator:
    """A validator for a string field that must match ``pattern`` in full, refused with ``message`` (which says what
    is allowed) rather than with the bare pattern."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


# Key Vault object names: 1-127 letters, digits and hyphens.
# https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#objects-identifiers-and-versioning
SecretName = Annotated[
    str, matching(r"[0-9A-Za-z-]{1,127}", "is not a Key Vault secret name (1-127 letters, digits and hyphens)")
]
"""The name of a secret (or certificate) in a Key Vault."""

"""What the edge components need from a secret store: a secret's URI and a read grant for an identity.

:class:`components.key_vault.KeyVault` satisfies it; the gateways take the protocol, not the class, so that they can
be tested and reused with any vault.
"""

from __future__ import annotations

from typing import Protocol

import pulumi

from azplatform.components.rbac import Principal


class SecretStore(Protocol):
    """A vault whose secrets an identity can be granted to read."""

    def secret_uri(self, secret_name: str) -> pulumi.Output[str]:
        """The versionless URI of ``secret_name`` (consumers follow new versions automatically)."""
        ...

    def grant_secret_read(self, principal: Principal) -> pulumi.Resource:
        """Let ``principal`` read secret values; returns the grant, so that readers can wait for it."""
        ...

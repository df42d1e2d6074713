"""The fixed identities the offline plan runs as, and the helpers records use to answer computed outputs
deterministically (the same inputs always give the same ids, GUIDs and addresses)."""

from __future__ import annotations

import hashlib

SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000001"
TENANT_ID = "00000000-0000-4000-8000-0000000000aa"
CLIENT_OBJECT_ID = "00000000-0000-4000-8000-0000000000bb"
CLIENT_ID = "00000000-0000-4000-8000-0000000000cc"


def digest(seed: str) -> str:
    """The SHA-256 hex digest of ``seed``."""
    return hashlib.sha256(seed.encode()).hexdigest()


def stable_ip(seed: str, prefix: str = "10.0.255") -> str:
    """A private address in ``prefix`` derived from ``seed``."""
    return f"{prefix}.{int(digest(seed), 16) % 200 + 10}"


def stable_guid(seed: str) -> str:
    """A version-4-shaped GUID derived from ``seed``."""
    h = digest(seed)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"

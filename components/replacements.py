"""The ``replace_on_changes`` option components pass for each Azure resource type, read from the type records.

A change to one of these properties shows up in ``pulumi preview`` (and in the offline plan's
``options.replaceOnChanges``) as a replacement rather than as an update that Azure would reject halfway through
``pulumi up``. The properties, with the reason and the source for each, are the records' ``immutable`` entries
(:mod:`azplatform.components.records`).
"""

from __future__ import annotations

from azplatform.components.records import record


def replace_on_changes(type_token: str) -> list[str]:
    """The ``replace_on_changes`` option for a resource of ``type_token`` (empty when none is declared); raises
    KeyError for a type without a record."""
    return record(type_token).replace_on_changes

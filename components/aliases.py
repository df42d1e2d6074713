"""Renamed component types keep their deployed resources: the old type token becomes an alias of the new one.

Pulumi identifies a resource by its URN, which holds its type and its parents' types. A renamed type token would
otherwise read as "delete every resource of the old type and its children, create new ones". With the alias, the
next ``pulumi up`` moves them to the new URNs in place (children inherit their parent's alias).
https://www.pulumi.com/docs/iac/concepts/resources/options/aliases/
"""

from __future__ import annotations

import pulumi


def renamed_from(old_type: str, opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts`` plus an alias from ``old_type``, the component's type token before 2.0."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=old_type)]))

"""The shape of a type record: what the tooling knows about one Azure resource type (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from fnmatch import fnmatchcase
from typing import Any, Literal

from azplatform.components.records.billing import Cost

Computed = Callable[[Mapping[str, Any], str], dict[str, Any]]
"""Given a resource's inputs and its ARM id, the outputs Azure computes (URIs, principal ids, IPs)."""

Basis = Literal["documented", "reported", "estimate"]
"""Why a figure is believed: a Microsoft statement, a community report, or an estimate (which says why)."""


class Tier(Enum):
    """Where the architecture diagram puts a resource that sits in no subnet (and whether it draws it at all)."""

    EDGE = "edge"
    DATA = "data"
    OBSERVABILITY = "obs"
    NETWORK = "network"
    PLATFORM = "platform"
    PLUMBING = "plumbing"
    """Real resources left out of the diagram: they would bury the architecture (locks, roles, DNS, NSGs...)."""


class Telemetry(Enum):
    """What a resource sends through a diagnostic setting."""

    LOGS = "logs"
    """Resource logs (and usually metrics): it needs a diagnostic setting into the workspace."""
    METRICS = "metrics"
    """Platform metrics only: nothing a diagnostic setting would add to the logs."""
    NONE = "none"
    """No diagnostic settings category at all."""


@dataclass(frozen=True)
class Immutable:
    """A property Azure fixes at creation: changing it needs a new resource (and, for a data store, its data)."""

    path: str
    """Pulumi property path over the camelCase wire names, for example ``resource.partitionKey`` (``[*]`` matches
    any list element: https://www.pulumi.com/docs/iac/concepts/resources/options/replaceonchanges/)."""
    reason: str
    """What Azure does with a change, in one sentence."""
    source: str
    """Where Azure documents it."""
    forces: Callable[[Any, Any], bool] | None = None
    """Given (old, new) values, whether this change needs a new resource; None: every change does."""
    declare: bool = True
    """Whether components declare it in ``replace_on_changes`` (False for a change that replaces only in some
    directions, which the PR diff still flags through ``forces``)."""


@dataclass(frozen=True)
class OneWay:
    """A property Azure updates in place in one direction and refuses in the other, or refuses to change at all
    after creation (not a replacement: declaring it would destroy data on the allowed direction, so the diff warns
    that the deploy will fail instead)."""

    path: str
    allowed: str
    """The changes Azure makes in place ("never" when it refuses every change after creation)."""
    refused: str
    """The changes Azure refuses."""
    source: str
    instead: str
    """What to do instead of the refused change."""
    is_refused: Callable[[Any, Any], bool] | None
    """Given (old, new) values that differ, whether Azure refuses the change; None when that cannot be decided from
    the two values (the diff then says Azure may refuse it, without guessing)."""


def any_change(old: Any, new: Any) -> bool:
    """Every change is refused (the property is fixed once the resource exists)."""
    return bool(old != new)


def turned_off(old: Any, new: Any) -> bool:
    """An on switch (``True`` or ``"Enabled"``) that is now anything else, unset included."""
    return old in (True, "Enabled") and new not in (True, "Enabled")


def moved_from(value: Any) -> Callable[[Any, Any], bool]:
    """A change away from ``value``."""
    return lambda old, new: old == value and new != value


def decreases(old: Any, new: Any) -> bool:
    """A number that gets smaller (or a numeric string, such as a major version)."""
    try:
        return float(new) < float(old)
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Reserved:
    """Capacity Azure reserves for a resource and gives back when it shrinks or goes: lowering it (or deleting the
    resource) succeeds, but nothing guarantees the capacity can be had again."""

    path: str
    """The property holding the reserved amount."""
    applies: Callable[[Mapping[str, Any]], bool]
    """Given a resource's inputs, whether its amount is reserved (a provisioned deployment's, not a quota's)."""
    what: str
    """What the amount is, for the risk line (``provisioned throughput units``)."""
    source: str


@dataclass(frozen=True)
class InPlace:
    """A property examined and found updatable in place, so the diff reports an update, not a replacement."""

    path: str
    source: str


REGION_PLACEHOLDER = "{region}"
"""Stands for the endpoint's region in a privatelink zone Azure names per region."""


@dataclass(frozen=True)
class PrivateLink:
    """How a private endpoint reaches the resource: the Private Link sub-resource, the privatelink zone its A
    records go in, and the ports clients use through it."""

    group_id: str
    zone: str
    source: str
    """Where Azure documents the group id and zone."""
    ports: tuple[str, ...]
    """Ports (or ranges) the platform's clients reach it on through the endpoint."""
    ports_source: str
    also: tuple[str, ...] = ()
    """Further privatelink zones the same sub-resource registers names in (an AI services account answers on its
    cognitiveservices, openai and services.ai host names)."""

    @property
    def zones(self) -> tuple[str, ...]:
        """Every zone an endpoint to this sub-resource registers in, the primary one first. A zone named per
        region carries ``{region}`` (Container Apps: ``privatelink.{region}.azurecontainerapps.io``)."""
        return (self.zone, *self.also)

    def zones_in(self, region: str) -> tuple[str, ...]:
        """:attr:`zones` for an endpoint in ``region`` (the region named in a per-region zone)."""
        return tuple(zone.replace(REGION_PLACEHOLDER, region) for zone in self.zones)


@dataclass(frozen=True)
class Port:
    """A port the resource's subnet must let in (an NSG rule the service needs)."""

    ports: str
    """A port or range, as NSG rules write it (``65200-65535``)."""
    from_: str
    """The source service tag (``Internet``, ``GatewayManager``...)."""
    purpose: str
    source: str


@dataclass(frozen=True)
class Prerequisite:
    """Azure refuses (or could not express) this resource's create before a resource matching ``on`` exists."""

    on: str
    """A type token, or an ``fnmatch`` pattern over type tokens (``azure-native:keyvault:*``, ``*``)."""
    reason: str
    via: str | None = None
    """Only when the edge arrives through this input property (``scope``, ``resourceUri``...)."""

    def matches(self, prerequisite: str, properties: Iterable[str]) -> bool:
        """Whether an edge from a resource of type ``prerequisite``, carried by ``properties``, is this one."""
        return fnmatchcase(prerequisite, self.on) and (self.via is None or self.via in set(properties))


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, kw_only=True)
class TypeRecord:
    """Everything the tooling knows about one Azure resource type. Fields every type must answer have no default,
    so a record that forgets one fails at import."""

    token: str
    """The Pulumi type token, ``azure-native:<module>:<Type>``."""
    cost: Cost
    """What a resource of this type costs a month (:class:`~azplatform.components.records.billing.Priced`), or why
    it costs nothing by itself (:class:`~azplatform.components.records.billing.Free`)."""
    label: str
    """What people call it: the diagram's node title, or for a child type the word its parent counts it by."""
    tier: Tier
    """Where the diagram puts it when it sits in no subnet; PLUMBING: not drawn."""
    arm_id: str
    """The ARM id's shape, as in the REST API's resource path. ``{subscription}`` is the subscription id, ``{rg}``
    ``/subscriptions/{subscription}/resourceGroups/{resourceGroupName}``, ``{scope}`` and ``{resourceUri}`` another
    resource's id (extension resources); every other placeholder is the camelCase input holding that segment."""
    parent: str | None
    """The type this one is a child of (its id nests under the parent's); None for a top-level resource."""
    stateful: bool
    """Deleting or replacing it loses data."""
    taggable: bool
    """Its ARM resource takes the ``tags`` map."""
    telemetry: Telemetry
    """What it can send through a diagnostic setting."""
    create_minutes: float
    """Typical time a create takes."""
    create_time_basis: Basis
    create_time_source: str
    """URL of the statement, or why the figure is an estimate."""
    create_time_note: str = ""
    """The statement quoted, or the range it gives."""
    prerequisites: tuple[Prerequisite, ...]
    """What Azure needs to exist before this type can be created (beyond its resource group)."""
    not_prerequisites: tuple[Prerequisite, ...] = ()
    """Edges programs often draw that Azure does not need, with why."""
    immutable: tuple[Immutable, ...] = ()
    one_way: tuple[OneWay, ...] = ()
    in_place: tuple[InPlace, ...] = ()
    private_link: PrivateLink | None = None
    private_dns_zones: tuple[str, ...] = ()
    """Private DNS zones the service's names resolve in; a Private Link target leaves it out and gets its privatelink
    zone."""
    ports: tuple[Port, ...] = ()
    outage: str | None = None
    """What replacing (or deleting) a resource of this type interrupts, for a type that serves traffic; None for
    one whose replacement nobody's requests notice."""
    reserved: Reserved | None = None
    """Capacity Azure reserves for it, which the diff flags when it drops."""
    computed: Computed | None = None
    """The outputs the offline harness answers with, besides the id."""

    def __post_init__(self) -> None:
        if self.token.count(":") != 2:
            raise ValueError(f"{self.token!r} is not a type token (package:module:Type)")
        if self.private_link is not None and not self.private_dns_zones:
            # A Private Link target's names resolve in its privatelink zones: derived, not written twice.
            object.__setattr__(self, "private_dns_zones", self.private_link.zones)
        if self.private_link is not None and self.private_dns_zones != self.private_link.zones:
            raise ValueError(f"{self.token}: a Private Link target's zones are its privatelink zones")
        if self.create_minutes < 0 or not self.create_time_source:
            raise ValueError(f"{self.token}: a create time needs minutes >= 0 and a source")

    @property
    def id_inputs(self) -> frozenset[str]:
        """The inputs that form the ARM id (resource group, parent and own names, scope): azure-native replaces
        the resource when one changes, they are its URL (https://github.com/pulumi/pulumi-azure-native/issues/77)."""
        names = set(_PLACEHOLDER.findall(self.arm_id)) - {"subscription"}
        if "rg" in names:
            names.discard("rg")
            names.add("resourceGroupName")
        return frozenset(names)

    @property
    def replace_on_changes(self) -> list[str]:
        """The paths components declare in ``replace_on_changes``."""
        return [item.path for item in self.immutable if item.declare]

"""The monthly estimate of a set of resources: each resource's charges (its type record's ``cost``, indexed by
``components/pricing.py``) times the dated price table (``components/prices.json``), line by line, with the
monthly free grants applied once.

Plain data in, plain data out: it reads resources as (type token, name, URN, inputs), so the offline plan, a saved
plan and a CrossGuard stack validation can all be estimated. A charge whose meter has no price for the region is an
*unpriced* line (its amount is None): it is listed, never counted as zero, and the totals say how many there are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from azplatform.components.pricing import (
    FREE_TYPES,
    GRANTS,
    METERS,
    PRICING,
    Charge,
    Related,
    UsageAssumptions,
    charges_for,
)
from azplatform.components.records.billing import Kind

__all__ = [
    "Estimate",
    "Line",
    "PriceEntry",
    "PriceTable",
    "PriceTableError",
    "PricedResource",
    "RegionNotPricedError",
    "estimate",
]

GLOBAL_LOCATIONS = frozenset({"global", ""})
SUBSCRIPTION = "(subscription)"
"""The resource name of free-grant lines: grants apply once per subscription, not to one resource."""


class PriceTableError(ValueError):
    """The price table is malformed, or lacks a meter a pricing entry names."""


class RegionNotPricedError(PriceTableError):
    """The stack's region is not in the price table (never estimated as zero)."""

    def __init__(self, region: str, regions: Sequence[str]) -> None:
        self.region = region
        super().__init__(
            f"the price table has no prices for region {region!r} (it covers: {', '.join(regions)}); add the region "
            "with `python -m azplatform.stacks.prices_refresh --region " + region + "`"
        )


@dataclass(frozen=True)
class PriceEntry:
    """One meter's price in one region, with the Azure Retail Prices API's fields and where it came from."""

    meter: str
    serviceName: str  # noqa: N815 - Retail Prices API field names
    productName: str  # noqa: N815
    skuName: str  # noqa: N815
    armSkuName: str  # noqa: N815
    meterName: str  # noqa: N815
    unitOfMeasure: str  # noqa: N815
    unitPrice: float | None  # noqa: N815
    retailPrice: float | None  # noqa: N815
    currencyCode: str  # noqa: N815
    armRegionName: str  # noqa: N815
    effectiveStartDate: str | None  # noqa: N815
    takenOn: str  # noqa: N815
    source: str
    note: str = ""


_FIELDS = tuple(PriceEntry.__dataclass_fields__)


@dataclass
class PriceTable:
    """Prices by (meter id, region)."""

    taken_on: str
    currency: str
    regions: list[str]
    entries: dict[tuple[str, str], PriceEntry]
    path: str = "components/prices.json"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: str = "components/prices.json") -> PriceTable:
        """Read the table's JSON form; every entry needs every field."""
        entries: dict[tuple[str, str], PriceEntry] = {}
        for index, raw in enumerate(data.get("entries", [])):
            missing = [f for f in _FIELDS if f != "note" and f not in raw]
            if missing:
                raise PriceTableError(f"{path}: entry {index} ({raw.get('meter')!r}) lacks {', '.join(missing)}")
            entry = PriceEntry(**{f: raw.get(f, "") for f in _FIELDS})
            key = (entry.meter, entry.armRegionName)
            if key in entries:
                raise PriceTableError(f"{path}: meter {entry.meter!r} is listed twice for {entry.armRegionName}")
            entries[key] = entry
        regions = list(data.get("regions") or sorted({region for _, region in entries}))
        return cls(str(data.get("takenOn", "")), str(data.get("currencyCode", "USD")), regions, entries, path)

    @classmethod
    def load(cls, path: Path | None = None) -> PriceTable:
        """The table shipped with the package (``components/prices.json``), or the one at ``path``."""
        if path is not None:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")), str(path))
        text = resources.files("azplatform.components").joinpath("prices.json").read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))

    def require_region(self, region: str) -> None:
        """Raise :class:`RegionNotPricedError` unless the table covers ``region``."""
        if region not in self.regions:
            raise RegionNotPricedError(region, self.regions)

    def price(self, meter: str, region: str) -> PriceEntry:
        """The entry for ``meter`` in ``region``."""
        self.require_region(region)
        try:
            return self.entries[(meter, region)]
        except KeyError:
            raise PriceTableError(f"{self.path} has no entry for meter {meter!r} in {region}") from None

    def meters(self, region: str) -> set[str]:
        """Every meter id the table lists for ``region``."""
        return {meter for meter, where in self.entries if where == region}


class PricedResource(Protocol):
    """What the estimate reads of a resource (a plan's ``PlannedResource`` and a policy ``Resource`` both fit)."""

    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def urn(self) -> str: ...
    @property
    def inputs(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Line:
    """One priced charge: a resource, the price it used and the quantity it multiplied."""

    resource: str
    """Pulumi logical name (or ``(subscription)`` for a free grant)."""
    type: str
    label: str
    meter: str
    meter_name: str
    unit: str
    unit_price: float | None
    region: str
    quantity: float
    basis: str
    kind: Kind
    assumptions: tuple[str, ...] = ()
    urn: str = ""

    @property
    def amount(self) -> float | None:
        """Monthly amount, or None when the meter has no price in this region."""
        return None if self.unit_price is None else self.unit_price * self.quantity

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the line across two estimates of the same stack (for the PR diff)."""
        return (self.resource, self.meter, self.label)


@dataclass
class Estimate:
    """A stack's monthly estimate."""

    stack: str
    region: str
    currency: str
    taken_on: str
    usage: UsageAssumptions
    lines: list[Line] = field(default_factory=list)
    unknown_types: list[str] = field(default_factory=list)
    """Types in the plan with neither a pricing entry nor a free-type reason (a test keeps this empty)."""
    problems: list[str] = field(default_factory=list)
    """Resources whose inputs the pricing cannot price (an unknown SKU), with why; they are not counted."""

    def _sum(self, kind: Kind | None = None) -> float:
        return sum(line.amount or 0.0 for line in self.lines if kind is None or line.kind == kind)

    @property
    def total(self) -> float:
        """Sum of the priced lines (unpriced lines are listed in :attr:`unpriced`, not counted)."""
        return self._sum()

    @property
    def fixed(self) -> float:
        """Charges that do not depend on traffic."""
        return self._sum("fixed")

    @property
    def usage_based(self) -> float:
        """Charges that depend on a usage assumption."""
        return self._sum("usage")

    @property
    def unpriced(self) -> list[Line]:
        """Lines whose meter has no price for the region."""
        return [line for line in self.lines if line.unit_price is None]

    def by_resource(self) -> dict[str, list[Line]]:
        """Lines grouped by resource, in plan order."""
        grouped: dict[str, list[Line]] = {}
        for line in self.lines:
            grouped.setdefault(line.resource, []).append(line)
        return grouped


def _region(inputs: Mapping[str, Any], default: str) -> str:
    location = inputs.get("location")
    return default if not isinstance(location, str) or location.lower() in GLOBAL_LOCATIONS else location


def stack_region(resources: Sequence[PricedResource]) -> str:
    """The stack's region: its resource group's location (else the first resource with one)."""
    for resource in resources:
        if resource.type == "azure-native:resources:ResourceGroup":
            return _region(resource.inputs, "")
    for resource in resources:
        found = _region(resource.inputs, "")
        if found:
            return found
    raise PriceTableError("the plan has no resource with a location; cannot tell which region's prices apply")


def estimate(
    resources: Sequence[PricedResource],
    usage: UsageAssumptions,
    table: PriceTable,
    stack: str = "",
) -> Estimate:
    """Price every resource; raises :class:`RegionNotPricedError` for a region the table lacks."""
    region = stack_region(resources)
    table.require_region(region)
    result = Estimate(stack, region, table.currency, table.taken_on, usage)
    related = Related([(r.type, r.inputs) for r in resources])
    for resource in resources:
        if not resource.type.startswith("azure-native:"):
            continue  # component resources and other providers' resources bill nothing themselves
        try:
            charges = charges_for(resource.type, resource.inputs, usage, related)
        except ValueError as exc:  # a SKU or shape the pricing does not know: listed, never priced as zero
            result.problems.append(f"{resource.name}: {exc}")
            continue
        if charges is None:
            if resource.type not in result.unknown_types:
                result.unknown_types.append(resource.type)
            continue
        where = _region(resource.inputs, region)
        result.lines += [_line(resource, charge, table, where) for charge in charges if charge.quantity]
    if usage.include_free_grants:
        result.lines += _grants(result.lines, table, region)
    return result


def _line(resource: PricedResource, charge: Charge, table: PriceTable, region: str) -> Line:
    entry = table.price(charge.meter, region)
    return Line(
        resource=resource.name,
        type=resource.type,
        label=charge.label,
        meter=charge.meter,
        meter_name=entry.meterName,
        unit=entry.unitOfMeasure,
        unit_price=entry.unitPrice,
        region=entry.armRegionName,
        quantity=charge.quantity,
        basis=charge.basis,
        kind=charge.kind,
        assumptions=charge.assumptions,
        urn=resource.urn,
    )


def _grants(lines: Sequence[Line], table: PriceTable, region: str) -> list[Line]:
    found: list[Line] = []
    for grant in GRANTS:
        using = [line for line in lines if line.meter == grant.meter]
        used = sum(line.quantity for line in using)
        if not using or not used:
            continue
        free = min(grant.quantity, used)
        entry = table.price(grant.meter, region)
        found.append(
            Line(
                resource=SUBSCRIPTION,
                type="",
                label=grant.label,
                meter=grant.meter,
                meter_name=entry.meterName,
                unit=entry.unitOfMeasure,
                unit_price=entry.unitPrice,
                region=entry.armRegionName,
                quantity=-free,
                basis=f"-min({grant.quantity:,.0f} free, {used:,.0f} used) ({grant.source})",
                kind=using[0].kind,
                assumptions=("includeFreeGrants",),
            )
        )
    return found


def declared_meters() -> set[str]:
    """Every meter a pricing entry may name (each must be in the price table for each region it covers)."""
    return set(METERS) | {g.meter for g in GRANTS}


def classified(type_token: str) -> bool:
    """Whether a type has a pricing entry or a free-type reason."""
    return type_token in PRICING or type_token in FREE_TYPES

"""What a stack costs: the monthly estimate of a rendered plan (``components/estimate.py``) under the stack's cost
settings, rendered as a table, markdown or JSON, and the cost delta between two plans for the PR diff.

The usage assumptions and the diff threshold come from the stack file's ``cost`` section over its environment
profile (``stacks/profiles.py``); a plan whose stack file is not at hand is estimated with its environment's
profile (from the plan's ``environment`` tag), and says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azplatform.components.estimate import Estimate, Line, PriceTable, estimate
from azplatform.plan import Plan
from azplatform.stacks.config_cost import CostConfig

if TYPE_CHECKING:
    from azplatform.stacks.diff import DiffReport


@dataclass(frozen=True)
class CostSettings:
    """A stack's cost settings and where they came from."""

    config: CostConfig
    source: str
    """``Pulumi.<stack>.yaml``, ``profile <env>`` or ``defaults``."""


def _environment(plan: Plan) -> str | None:
    for resource in plan.resources:
        tags = resource.inputs.get("tags")
        if isinstance(tags, dict) and isinstance(tags.get("environment"), str):
            return str(tags["environment"])
    return None


def settings_for(plan: Plan, project_dir: Path | None) -> CostSettings:
    """The cost settings of the plan's stack: its stack file when readable, else its environment's profile."""
    from azplatform.stacks.config import load_platform_config
    from azplatform.stacks.errors import ConfigError
    from azplatform.stacks.offline.stackfile import StackFileError, read_stack
    from azplatform.stacks.profiles import profile_for

    if project_dir is not None and (project_dir / f"Pulumi.{plan.stack}.yaml").is_file():
        try:
            stack_file = read_stack(project_dir, plan.stack)
            values = {k.split(":", 1)[1]: v for k, v in stack_file.config.items() if k.startswith("azplatform:")}
            return CostSettings(
                load_platform_config(values, f"Pulumi.{plan.stack}.yaml").cost, f"Pulumi.{plan.stack}.yaml"
            )
        except (ConfigError, StackFileError):
            pass  # an invalid stack file: the profile still prices the plan
    environment = _environment(plan)
    if environment:
        raw = dict(profile_for(environment).get("cost", {}))
        raw.pop("budget", None)  # a budget needs the stack's start date; the estimate does not need the budget
        return CostSettings(CostConfig.model_validate(raw), f"profile {environment}")
    return CostSettings(CostConfig(), "defaults")


def estimate_plan(plan: Plan, settings: CostSettings, table: PriceTable | None = None) -> Estimate:
    """The plan's monthly estimate; raises ``RegionNotPricedError`` for a region the table lacks."""
    return estimate(plan.resources, settings.config.usage, table or PriceTable.load(), plan.stack)


# --- rendering ----------------------------------------------------------------------------------------------
def money(amount: float | None, currency: str = "USD", sign: bool = False) -> str:
    """``$1,234.56``; ``unpriced`` for None."""
    if amount is None:
        return "unpriced"
    symbol = "$" if currency == "USD" else f"{currency} "
    prefix = ("+" if amount >= 0 else "-") if sign else ("-" if amount < 0 else "")
    return f"{prefix}{symbol}{abs(amount):,.2f}"


def _qty(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.4g}"


def unit_price_text(price: float) -> str:
    """A unit price in plain decimals (0.000034, not 3.4e-05)."""
    return format(Decimal(str(price)).normalize(), "f")


def _price(line: Line) -> str:
    if line.unit_price is None:
        return "no price"
    return f"${unit_price_text(line.unit_price)}/{line.unit}"


def _line_text(line: Line) -> str:
    mark = "*" if line.assumptions else ""
    return (
        f"{line.label}{mark}: {line.basis} = {_qty(line.quantity)} x {_price(line)} "
        f"[{line.meter_name}, {line.region}] = {money(line.amount)}"
    )


def _assumption_values(est: Estimate) -> list[tuple[str, Any]]:
    used = sorted({name for line in est.lines for name in line.assumptions})
    values = est.usage.model_dump(by_alias=True)
    return [(name, values.get(name)) for name in used]


def _resource_type(lines: Sequence[Line]) -> str:
    return lines[0].type.removeprefix("azure-native:") if lines and lines[0].type else "free grants"


def to_text(est: Estimate, settings: CostSettings) -> str:
    """The per-resource table with totals, for a terminal."""
    out = [
        f"Monthly estimate of {est.stack} in {est.region} ({est.currency}; price table of {est.taken_on}, "
        f"components/prices.json; assumptions from {settings.source})",
        "",
    ]
    for resource, lines in est.by_resource().items():
        subtotal = sum(line.amount or 0.0 for line in lines)
        unpriced = sum(1 for line in lines if line.amount is None)
        suffix = f" + {unpriced} unpriced" if unpriced else ""
        out.append(f"{resource} ({_resource_type(lines)}): {money(subtotal)}{suffix}")
        out += [f"  {line.kind:<5}  {_line_text(line)}" for line in lines]
    out += ["", *_totals(est), *_footer(est)]
    return "\n".join(out) + "\n"


def _totals(est: Estimate) -> list[str]:
    lines = [
        f"fixed charges:       {money(est.fixed)}",
        f"usage-based charges: {money(est.usage_based)}",
        f"total:               {money(est.total)} a month",
    ]
    if est.unpriced:
        meters = sorted({f"{line.meter_name} ({line.meter})" for line in est.unpriced})
        lines.append(
            f"NOT COUNTED: {len(est.unpriced)} line(s) whose meter has no {est.region} price in the table, so the "
            f"real total is higher: {', '.join(meters)}"
        )
    return lines


def _footer(est: Estimate) -> list[str]:
    out = ["", "* depends on these usage assumptions (stack file cost.usage, else the environment profile):"]
    out += [f"    {name} = {value}" for name, value in _assumption_values(est)]
    if est.unknown_types:
        out.append(f"not priced (no pricing entry): {', '.join(est.unknown_types)}")
    out += [f"not priced: {problem}" for problem in est.problems]
    return out


def to_markdown(est: Estimate, settings: CostSettings) -> str:
    """A markdown table of every line, then the totals."""
    out = [
        f"### Monthly estimate: {est.stack} ({est.region})",
        "",
        f"Prices of {est.taken_on} (`components/prices.json`), {est.currency}; assumptions from {settings.source}; "
        "`*` marks an amount that depends on a usage assumption.",
        "",
        "| Resource | Charge | Kind | Quantity | Unit price | Meter | Monthly |",
        "|---|---|---|---|---:|---|---:|",
    ]
    for line in est.lines:
        mark = "\\*" if line.assumptions else ""
        out.append(
            f"| `{line.resource}` | {line.label}{mark} | {line.kind} | {line.basis} = {_qty(line.quantity)} "
            f"| {_price(line)} | {line.meter_name} ({line.region}) | {money(line.amount)} |"
        )
    out += ["", *(f"- {text}" for text in _totals(est))]
    values = _assumption_values(est)
    if values:
        out += ["", "Assumptions: " + ", ".join(f"`{name}` = {value}" for name, value in values)]
    return "\n".join(out) + "\n"


def to_dict(est: Estimate, settings: CostSettings) -> dict[str, Any]:
    """The estimate as data."""
    return {
        "stack": est.stack,
        "region": est.region,
        "currency": est.currency,
        "priceTableDate": est.taken_on,
        "assumptionsFrom": settings.source,
        "assumptions": est.usage.model_dump(by_alias=True),
        "total": round(est.total, 2),
        "fixed": round(est.fixed, 2),
        "usageBased": round(est.usage_based, 2),
        "unpricedLines": len(est.unpriced),
        "unknownTypes": est.unknown_types,
        "problems": est.problems,
        "resources": [
            {
                "resource": resource,
                "type": lines[0].type,
                "total": round(sum(line.amount or 0.0 for line in lines), 2),
                "lines": [
                    {
                        "label": line.label,
                        "kind": line.kind,
                        "meter": line.meter,
                        "meterName": line.meter_name,
                        "unitOfMeasure": line.unit,
                        "unitPrice": line.unit_price,
                        "region": line.region,
                        "quantity": line.quantity,
                        "basis": line.basis,
                        "amount": None if line.amount is None else round(line.amount, 2),
                        "assumptions": list(line.assumptions),
                    }
                    for line in lines
                ],
            }
            for resource, lines in est.by_resource().items()
        ],
    }


def to_json(est: Estimate, settings: CostSettings) -> str:
    """:func:`to_dict` as indented JSON."""
    return json.dumps(to_dict(est, settings), indent=2) + "\n"


# --- the delta between two plans (PR diff) ------------------------------------------------------------------
@dataclass(frozen=True)
class LineChange:
    """One charge that changed between base and head."""

    resource: str
    label: str
    before: Line | None
    after: Line | None

    @property
    def line(self) -> Line:
        """The head's line, or the base's when the charge went away."""
        found = self.after or self.before
        if found is None:  # pragma: no cover - compare_estimates never builds one
            raise ValueError("a line change needs a side")
        return found

    @property
    def delta(self) -> float | None:
        """Monthly change; None when either side has no price."""
        sides = [line for line in (self.before, self.after) if line is not None]
        if any(line.amount is None for line in sides):
            return None
        after = (self.after.amount or 0.0) if self.after else 0.0
        before = (self.before.amount or 0.0) if self.before else 0.0
        return after - before

    def describe(self) -> str:
        """``platform-apim API Management Premium units: 2 units x 730 h -> 3 units x 730 h: +$X/month``."""
        was = self.before.basis if self.before else "none"
        now = self.after.basis if self.after else "none"
        change = "unpriced" if self.delta is None else f"{money(self.delta, sign=True)}/month"
        return f"{self.resource} {self.label}: {was} -> {now}: {change}"


@dataclass
class StackCostDelta:
    """The cost section of one stack in the PR diff."""

    stack: str
    before: float | None
    after: float | None
    changes: list[LineChange] = field(default_factory=list)
    threshold: float = 0.0
    error: str | None = None
    unpriced_meters: list[str] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        """After minus before (priced lines); None when a side is missing."""
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def unpriced_changes(self) -> list[LineChange]:
        """Changed charges whose size the table cannot tell."""
        return [c for c in self.changes if c.delta is None]

    @property
    def over_threshold(self) -> bool:
        """Whether the monthly increase exceeds the stack's threshold."""
        return self.change is not None and self.change > self.threshold


def compare_estimates(base: Estimate | None, head: Estimate | None, stack: str, threshold: float) -> StackCostDelta:
    """The charges that changed, largest change first (unpriced ones last)."""
    old = {line.key: line for line in base.lines} if base else {}
    new = {line.key: line for line in head.lines} if head else {}
    changes = []
    for key in list(new) + [k for k in old if k not in new]:
        before, after = old.get(key), new.get(key)
        if before and after and before.quantity == after.quantity and before.unit_price == after.unit_price:
            continue
        resource, _, label = key
        changes.append(LineChange(resource, label, before, after))
    changes.sort(key=lambda c: (c.delta is None, -abs(c.delta or 0.0)))
    unpriced = sorted({line.meter_name for c in changes if c.delta is None for line in (c.before, c.after) if line})
    return StackCostDelta(
        stack,
        base.total if base else (0.0 if head else None),
        head.total if head else (0.0 if base else None),
        changes,
        threshold,
        unpriced_meters=unpriced,
    )


def plan_deltas(
    base_plans: dict[str, Plan], head_plans: dict[str, Plan], stacks: Iterable[str], project_dir: Path | None
) -> list[StackCostDelta]:
    """One cost delta per stack; both sides use the head stack's assumptions, so the delta is the infrastructure's."""
    table = PriceTable.load()
    found: list[StackCostDelta] = []
    for stack in stacks:
        base, head = base_plans.get(stack), head_plans.get(stack)
        reference = head or base
        if reference is None:
            continue
        settings = settings_for(reference, project_dir)
        try:
            before = estimate_plan(base, settings, table) if base else None
            after = estimate_plan(head, settings, table) if head else None
        except ValueError as exc:
            found.append(StackCostDelta(stack, None, None, threshold=settings.config.diff_threshold, error=str(exc)))
            continue
        found.append(compare_estimates(before, after, stack, settings.config.diff_threshold))
    return found


def delta_lines(delta: StackCostDelta, limit: int = 8) -> list[str]:
    """The stack's cost section as lines: totals, then the changed charges, largest first."""
    if delta.error:
        return [f"{delta.stack}: cost not estimated: {delta.error}"]
    head = (
        f"{delta.stack}: {money(delta.before)} -> {money(delta.after)} a month "
        f"({money(delta.change, sign=True) if delta.change is not None else 'n/a'})"
    )
    if delta.unpriced_changes:
        head += f"; {len(delta.unpriced_changes)} changed charge(s) unpriced"
    lines = [head]
    lines += [f"  {c.describe()}" for c in delta.changes[:limit]]
    if len(delta.changes) > limit:
        lines.append(f"  … {len(delta.changes) - limit} more changed charge(s)")
    return lines


def attach(report: DiffReport, project_dir: Path | None) -> None:
    """Add the cost section to a plan diff, and a ``cost increase`` risk for each stack whose monthly estimate
    rises by more than its threshold, or whose changed charges the price table cannot price."""
    from azplatform.stacks.risks import Risk, RiskKind

    stacks = [d.stack for d in report.stacks]
    report.costs = plan_deltas(report.base_plans, report.head_plans, stacks, project_dir)
    diffs = {d.stack: d for d in report.stacks}
    for delta in report.costs:
        diff = diffs.get(delta.stack)
        if diff is None or delta.error:
            continue
        top = next((c for c in delta.changes if c.delta is not None), None)
        if delta.over_threshold and delta.change is not None:
            diff.risks.append(
                Risk(
                    RiskKind.COST,
                    top.line.urn if top else "",
                    "monthly estimate",
                    delta.stack,
                    f"{money(delta.before)} -> {money(delta.after)} a month ({money(delta.change, sign=True)}), above "
                    f"the {money(delta.threshold)} threshold (cost.diffThreshold)"
                    + (f"; largest: {top.describe()}" if top else ""),
                )
            )
        if delta.unpriced_changes:
            first = delta.unpriced_changes[0]
            diff.risks.append(
                Risk(
                    RiskKind.COST,
                    first.line.urn,
                    "monthly estimate",
                    delta.stack,
                    f"{len(delta.unpriced_changes)} changed charge(s) have no price in the table, so the change is "
                    f"not estimated ({', '.join(delta.unpriced_meters)}); e.g. {first.describe()}",
                )
            )

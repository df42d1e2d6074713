"""Scaling: the same render with more apps in the stack; time per resource and peak memory, and whether growth is
linear.

Variants add clones of the stack's ``api`` app (benchmarks.variants) up to 1, 10, 50 and 100 apps (a stack that
already has more apps than asked keeps its own). Linear growth is judged on three things: a least-squares line
through (custom resources, CPU time) with its R^2; the marginal time per resource of the last segment (50 -> 100
apps) against the first (1 -> 10), which is what a quadratic cost would blow up, and the per-resource time at 100
apps against 10 (both net of the smallest stack's fixed cost); and the same for peak memory.
When apps add no resources to the plan (before compute lands), the per-resource figures are undefined, and the
check is that 100 apps cost no more than :data:`FLAT_TOLERANCE` times the smallest stack.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.overhead import floor_specs, reference_plan
from benchmarks.runner import interleaved, median, paired_ratio, summary
from benchmarks.variants import ROOT, added_apps, app_count, render_spec, stack_values

TOTALS = (1, 10, 50, 100)
MIN_R2 = 0.98
SLOPE_TOLERANCE = 1.5
FLAT_TOLERANCE = 1.25


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> dict[str, float | None]:
    """Least-squares ``y = intercept + slope * x`` and its R^2 (None when x or y does not vary)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return {"slope": None, "intercept": my, "r2": None}
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return {"slope": slope, "intercept": intercept, "r2": 1 - ss_res / ss_tot if ss_tot else None}


def segment_ratio(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Marginal cost of the last segment over the first: about 1 when linear, growing when superlinear."""
    if len(xs) < 3 or xs[1] == xs[0] or xs[-1] == xs[-2]:
        return None
    first = (ys[1] - ys[0]) / (xs[1] - xs[0])
    last = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    return last / first if first > 0 else None


def analyse(
    points: list[dict[str, Any]],
    *,
    key: str = "cpu_s",
    min_r2: float = MIN_R2,
    slope_tolerance: float = SLOPE_TOLERANCE,
    flat_tolerance: float = FLAT_TOLERANCE,
) -> dict[str, Any]:
    """Fits and verdicts for the measured points (sorted by apps), on CPU time ``key`` (median or ``cpu_s_min``)."""
    resources = [float(p["custom_resources"]) for p in points]
    cpu = [p[key] for p in points]
    rss = [p["rss_peak_mb"] for p in points]
    grows = len(set(resources)) > 1
    out: dict[str, Any] = {"resources_grow_with_apps": grows}
    if grows:
        time_fit, rss_fit = linear_fit(resources, cpu), linear_fit(resources, rss)
        time_seg, rss_seg = segment_ratio(resources, cpu), segment_ratio(resources, rss)
        per_resource = [
            round(1000 * (p[key] - points[0][key]) / (p["custom_resources"] - points[0]["custom_resources"]), 2)
            if p["custom_resources"] != points[0]["custom_resources"]
            else None
            for p in points
        ]
        # Per-resource time at the largest stack against the second point (10 apps), fixed costs taken out.
        marginal = [m for m in per_resource if m is not None]
        largest_over_second = marginal[-1] / marginal[0] if len(marginal) >= 2 and marginal[0] > 0 else None
        linear = (
            time_fit["r2"] is not None
            and time_fit["r2"] >= min_r2
            and all(r is None or r <= slope_tolerance for r in (time_seg, rss_seg, largest_over_second))
        )
        out.update(
            {
                "x": "custom resources",
                "time_fit": {k: _round(v) for k, v in time_fit.items()},
                "rss_fit": {k: _round(v) for k, v in rss_fit.items()},
                "marginal_ms_per_resource": per_resource,
                "marginal_largest_over_second": _round(largest_over_second),
                "time_last_over_first_segment": _round(time_seg),
                "rss_last_over_first_segment": _round(rss_seg),
                "linear": linear,
                "criteria": (
                    f"R^2 >= {min_r2}; per-resource time at the largest stack / at the second <= {slope_tolerance}; "
                    f"last/first segment marginal cost <= {slope_tolerance} (time, memory)"
                ),
            }
        )
    else:
        growth = cpu[-1] / min(cpu)
        out.update(
            {
                "x": "apps (apps add no resources to this plan yet)",
                "time_fit": {k: _round(v) for k, v in linear_fit([p["apps"] for p in points], cpu).items()},
                "time_growth_largest_over_smallest": round(growth, 3),
                "linear": growth <= flat_tolerance,
                "criteria": f"the largest stack costs <= {flat_tolerance}x the smallest",
            }
        )
    return out


def _round(value: float | None, digits: int = 5) -> float | None:
    return None if value is None else round(value, digits)


def measure_scaling(
    project_dir: Path = ROOT,
    stack: str = "prod",
    totals: Sequence[int] = TOTALS,
    rounds: int = 3,
    *,
    with_floor: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Render the stack with ``totals`` apps, interleaved over ``rounds`` rounds (and the sdk floor of each)."""
    values = stack_values(project_dir, stack)
    specs: list[dict[str, Any]] = []
    for total in totals:
        spec = render_spec(project_dir, stack, added_apps(values, total))
        if any(app_count(s) == app_count(spec) for s in specs):
            continue
        spec["label"] = f"{app_count(spec)} apps"
        specs.append(spec)
    with tempfile.TemporaryDirectory(prefix="azp-bench-") as tmp:
        measured: list[dict[str, Any]] = []
        if with_floor:
            for i, spec in enumerate(specs):
                workdir = Path(tmp) / str(i)
                workdir.mkdir()
                plan_path, plan = reference_plan(spec, workdir)
                measured += [spec, floor_specs(spec, plan_path, plan)["sdk"]]
        else:
            measured = list(specs)
        results = interleaved(measured, rounds, progress)
    step = 2 if with_floor else 1
    points = []
    for i, spec in enumerate(specs):
        program = results[i * step]
        point = {"apps": app_count(spec), **summary(program)}
        point["cpu_ms_per_resource"] = round(1000 * point["cpu_s"] / max(point["custom_resources"], 1), 2)
        if with_floor:
            floor = results[i * step + 1]
            point["floor_sdk_cpu_s"] = round(median([r["cpu_s"] for r in floor]), 4)
            point["ratio_to_floor_sdk"] = round(paired_ratio(program, floor, "cpu_s"), 3)
        points.append(point)
    return {"stack": stack, "rounds": rounds, "points": points, "analysis": analyse(points)}

"""Program overhead: rendering a stack through azplatform against registering the same plan directly.

Which floor the target applies to: the ``sdk`` floor. azplatform is written over the typed azure-native SDK on
purpose (property names and enums checked against it), so the honest question is what azplatform adds
over writing the same resources by hand with that SDK: config loading and validation, components, output
plumbing, invokes. The ``generic`` floor (untyped ``pulumi.CustomResource``) is reported too: the gap between the
two floors is the SDK's own cost (importing its large modules, per-resource alias and output bookkeeping), which
no program that uses the SDK can avoid.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from azplatform.plan import Plan
from benchmarks.floor import differences, sdk_keyword_map
from benchmarks.runner import interleaved, min_ratio, paired_ratio, run_worker, summary
from benchmarks.variants import ROOT, render_spec

TARGET_FLOOR = "sdk"
TARGET_RATIO = 1.25


def floor_specs(program_spec: dict[str, Any], plan_path: Path, plan: Plan) -> dict[str, dict[str, Any]]:
    """Specs replaying ``plan`` (saved at ``plan_path``) with each floor, under the program's config."""
    keywords = sdk_keyword_map(plan)
    return {
        kind: {
            **program_spec,
            "kind": f"floor-{kind}",
            "label": f"floor ({kind}) {program_spec['label']}",
            "plan": str(plan_path),
            "keywords": keywords if kind == "sdk" else {},
        }
        for kind in ("sdk", "generic")
    }


def check_floor(floor_spec: dict[str, Any], plan: Plan, workdir: Path) -> None:
    """Run the floor once and make sure it registers exactly the program's plan (the floor is only fair if so)."""
    out = workdir / f"{floor_spec['kind']}.json"
    run_worker({**floor_spec, "plan_out": str(out), "warm": False})
    diffs = differences(plan, Plan.load(out))
    if diffs:
        raise AssertionError(f"{floor_spec['label']} does not reproduce the plan:\n" + "\n".join(diffs))


def reference_plan(spec: dict[str, Any], workdir: Path) -> tuple[Path, Plan]:
    """Render ``spec`` once (a warm-up, not counted) and keep its plan."""
    path = workdir / "plan.json"
    run_worker({**spec, "plan_out": str(path), "warm": False})
    return path, Plan.load(path)


def measure_overhead(
    project_dir: Path = ROOT,
    stack: str = "prod",
    rounds: int = 5,
    *,
    warm: bool = True,
    floors: tuple[str, ...] = ("sdk", "generic"),
    check: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """azplatform against the floors, interleaved over ``rounds`` rounds; medians and paired ratios.

    ``check`` first makes sure each floor registers exactly the program's plan (one extra render per floor).
    """
    spec = {**render_spec(project_dir, stack, label=f"azplatform {stack}"), "warm": warm}
    with tempfile.TemporaryDirectory(prefix="azp-bench-") as tmp:
        workdir = Path(tmp)
        plan_path, plan = reference_plan(spec, workdir)
        specs = floor_specs(spec, plan_path, plan)
        for kind in floors if check else ():
            check_floor(specs[kind], plan, workdir)
        results = interleaved([spec, *(specs[k] for k in floors)], rounds, progress)
    program, by_floor = results[0], dict(zip(floors, results[1:], strict=True))
    ratios: dict[str, dict[str, float]] = {}
    for key in ("cpu_s", "wall_s", "warm_cpu_s"):
        if key == "warm_cpu_s" and not warm:
            continue
        ratios[key] = {k: round(paired_ratio(program, by_floor[k], key), 3) for k in floors}
    ratios["cpu_s_of_minima"] = {k: round(min_ratio(program, by_floor[k], "cpu_s"), 3) for k in floors}
    ratios["rss_peak"] = {k: round(paired_ratio(program, by_floor[k], "rss_peak_kb"), 3) for k in floors}
    ratio = ratios["cpu_s"].get(TARGET_FLOOR)
    return {
        "stack": stack,
        "rounds": rounds,
        "resources": program[0]["resources"],
        "custom_resources": program[0]["custom_resources"],
        "program": summary(program),
        "floors": {k: summary(v) for k, v in by_floor.items()},
        "ratios": ratios,
        "floor_reproduces_plan": True if check else None,
        "target": {
            "floor": TARGET_FLOOR,
            "metric": "median over rounds of the paired CPU-time ratio, cold (a fresh interpreter per render)",
            "max_ratio": TARGET_RATIO,
            "ratio": ratio,
            "meets": ratio is not None and ratio <= TARGET_RATIO,
        },
    }

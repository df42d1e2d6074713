"""``python -m benchmarks``: measure, write benchmarks/results/*.json and *.png, refresh the README's figures.

    python -m benchmarks                 # the full run (make bench): several minutes on 2 cores
    python -m benchmarks --quick         # the short run (make bench-ci): fewer rounds and apps, no README
    python -m benchmarks --readme-only   # rebuild the README block from the committed JSON

Exit status 1 when a target is missed (the results are written first).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from azplatform.plan import Plan
from azplatform.stacks.review_cli import positive_int
from benchmarks import report
from benchmarks.critical_path import analyse
from benchmarks.imports import measure_imports
from benchmarks.overhead import measure_overhead
from benchmarks.runner import run_worker
from benchmarks.scaling import TOTALS, measure_scaling
from benchmarks.variants import ROOT, render_spec

STACKS = ("dev", "staging", "prod")


def _machine() -> dict[str, str]:
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("pulumi", "pulumi-azure-native"))
    return {
        "at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {versions}",
    }


def critical_paths(project_dir: Path, stacks: Sequence[str], primary: str) -> dict[str, Any]:
    """The critical-path report of each stack's plan (rendered in a fresh interpreter)."""
    out: dict[str, Any] = {"primary": primary, "stacks": {}}
    with tempfile.TemporaryDirectory(prefix="azp-bench-") as tmp:
        for stack in stacks:
            path = Path(tmp) / f"{stack}.json"
            run_worker({**render_spec(project_dir, stack), "plan_out": str(path)})
            out["stacks"][stack] = analyse(Plan.load(path))
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run: fewer rounds and apps; README untouched")
    parser.add_argument("--stack", default="prod", help="stack measured for overhead and scaling (default prod)")
    parser.add_argument("--rounds", type=positive_int, help="rounds per measurement (default 7, quick 3)")
    parser.add_argument("--apps", type=positive_int, nargs="+", help=f"app counts for scaling (default {TOTALS})")
    parser.add_argument(
        "--only", nargs="+", choices=report.NAMES, default=list(report.NAMES), help="run only these benchmarks"
    )
    parser.add_argument("--results", type=Path, help="results folder (default benchmarks/results; quick: build/bench)")
    parser.add_argument("--project-dir", type=Path, default=ROOT, help="project to measure (default this repo)")
    parser.add_argument("--no-readme", action="store_true", help="do not touch README.md")
    parser.add_argument("--readme-only", action="store_true", help="rebuild the README block from the JSON only")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    results_dir = args.results or (ROOT / "build" / "bench" if args.quick else report.RESULTS)
    if args.readme_only:
        report.update_readme(report.load(report.RESULTS))
        return 0
    rounds = args.rounds or (3 if args.quick else 7)
    totals = args.apps or ((1, 10, 30) if args.quick else TOTALS)
    project_dir = args.project_dir.resolve()
    measured = _machine()

    def say(text: str) -> None:
        print(text, flush=True)

    missed: list[str] = []
    if "imports" in args.only:
        say("import time")
        imports = measure_imports(project_dir, rounds=rounds, progress=say)
        report.write_json(results_dir, "imports", {"measured": measured, **imports})
        if not imports["target"]["meets"]:
            missed.append("import azplatform.components")
    if "critical_path" in args.only:
        say("critical path")
        stacks = (args.stack,) if args.quick else STACKS
        paths = critical_paths(project_dir, stacks, args.stack)
        report.write_json(results_dir, "critical_path", {"measured": measured, **paths})
        from benchmarks.plots import plot_critical_path

        plot_critical_path(paths["stacks"][args.stack], results_dir / "critical_path.png")
        for name, c in paths["stacks"].items():
            say(f"  {name}: estimate {c['estimate_min']} min, lower bound {c['lower_bound_min']} min")
            if not c["meets_target"]:
                missed.append(f"critical path ({name})")
    if "overhead" in args.only:
        say("program overhead")
        overhead = measure_overhead(project_dir, args.stack, rounds, warm=not args.quick, progress=say)
        report.write_json(results_dir, "overhead", {"measured": measured, **overhead})
        say(f"  azplatform / floor: {overhead['ratios']['cpu_s']}")
        if not overhead["target"]["meets"]:
            missed.append("program overhead")
    if "scaling" in args.only:
        say("scaling")
        scaling = measure_scaling(
            project_dir, args.stack, totals, max(2, rounds // 2), with_floor=not args.quick, progress=say
        )
        report.write_json(results_dir, "scaling", {"measured": measured, **scaling})
        from benchmarks.plots import plot_scaling

        plot_scaling(scaling, results_dir / "scaling.png")
        if not scaling["analysis"]["linear"]:
            missed.append("linear scaling")
    if not (args.quick or args.no_readme or args.results):
        report.update_readme(report.load(results_dir))
    say(f"results in {results_dir}")
    if missed:
        say("targets missed: " + ", ".join(missed))
        return 1
    say("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

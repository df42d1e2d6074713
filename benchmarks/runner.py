"""Run measurements in fresh subprocesses, interleaved, and summarise them with medians.

The machine is shared (2 cores, other work running), so absolute numbers drift. Sides compared with each other
are measured in the same run, alternating in ABBA order (A B, then B A, ...) so that slow drift hits both alike,
and compared through the median of per-round ratios.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.variants import ROOT

Result = dict[str, Any]


def run_worker(spec: Mapping[str, Any], timeout: float = 600) -> Result:
    """One measurement of ``spec`` in a fresh interpreter (benchmarks.worker)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, prefix="azp-bench-") as handle:
        json.dump(spec, handle)
        path = handle.name
    try:
        # The project under test first (its stacks/ and components/), then this package.
        project = str(spec.get("project_dir", ROOT))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([project, str(ROOT)]))
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.worker", path],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    finally:
        Path(path).unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"measurement {spec.get('label')} failed:\n{done.stderr[-4000:]}")
    result: Result = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def interleaved(
    specs: Sequence[Mapping[str, Any]],
    rounds: int,
    progress: Callable[[str], None] | None = None,
    *,
    concurrent: bool = False,
) -> list[list[Result]]:
    """``rounds`` measurements of each spec, alternating the order every round (ABBA); results per spec.

    ``concurrent`` runs each round's specs side by side, one process per spec (at most as many as there are cores):
    the short regression checks on a 2-core machine pair a program with the floor it is compared with, so that both
    share whatever the other core does, and each round costs the slower of the two instead of their sum. CPU time
    (``cpu_s``, what the checks compare) is per process, so a busy neighbour core stretches it only through shared
    cache and memory, and alike for both sides of the pair."""
    if concurrent and len(specs) > (os.cpu_count() or 1):
        raise ValueError(f"{len(specs)} concurrent measurements need as many cores (have {os.cpu_count()})")
    results: list[list[Result]] = [[] for _ in specs]

    def record(r: int, i: int, result: Result) -> None:
        results[i].append(result)
        if progress:
            progress(f"  round {r + 1}/{rounds} {result['label']}: {result['cpu_s']:.2f} s CPU")

    for r in range(rounds):
        order = list(range(len(specs)))
        if r % 2:
            order.reverse()
        if concurrent:
            with ThreadPoolExecutor(max_workers=len(specs)) as pool:
                side_by_side = list(pool.map(lambda i: run_worker(specs[i]), order))
            for i, result in zip(order, side_by_side, strict=True):
                record(r, i, result)
        else:
            for i in order:
                record(r, i, run_worker(specs[i]))
    return results


def median(values: Sequence[float]) -> float:
    """The median (of a non-empty sequence)."""
    return float(statistics.median(values))


def summary(results: Sequence[Result]) -> dict[str, Any]:
    """Medians (and spread) of one spec's measurements."""
    out: dict[str, Any] = {"runs": len(results)}
    for key in ("cpu_s", "wall_s", "warm_cpu_s", "warm_wall_s"):
        values = [r[key] for r in results if key in r]
        if values:
            out[key] = round(median(values), 4)
            out[f"{key}_min"] = round(min(values), 4)
            out[f"{key}_max"] = round(max(values), 4)
    out["rss_peak_mb"] = round(median([r["rss_peak_kb"] for r in results]) / 1024, 1)
    out["rss_growth_mb"] = round(median([r["rss_peak_kb"] - r["rss_before_kb"] for r in results]) / 1024, 1)
    out["resources"] = results[0]["resources"]
    out["custom_resources"] = results[0]["custom_resources"]
    return out


def paired_ratio(numerator: Sequence[Result], denominator: Sequence[Result], key: str) -> float:
    """Median over rounds of numerator/denominator, each round's two measurements taken back to back."""
    return median([a[key] / b[key] for a, b in zip(numerator, denominator, strict=True) if b[key]])


def min_ratio(numerator: Sequence[Result], denominator: Sequence[Result], key: str) -> float:
    """Ratio of the minima: other load only ever adds CPU time, so each side's fastest run is its least disturbed
    measurement. Steadier than the median with few rounds (the short regression test uses it)."""
    return float(min(r[key] for r in numerator) / min(r[key] for r in denominator))

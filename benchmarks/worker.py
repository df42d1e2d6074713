"""One measurement in a fresh interpreter: ``python -m benchmarks.worker SPEC.json`` prints a JSON result.

A fresh process per measurement because ``pulumi up`` runs the program once in a fresh interpreter: most of a
render's cost is importing (pydantic, the program's modules, the azure-native SDK modules it touches), which a
warm process would hide. Both sides import the shared harness (stacks.offline) before the timer starts; what is
timed is ``render(program)`` alone, and the program pays for every import it makes.

Time is CPU time of the process (``time.process_time``, all threads) and wall time: on a shared 2-core machine,
CPU time is far less disturbed by other processes than wall time, so ratios use it. Memory is the process's peak
resident set just before the timer starts and after the render: it counts native allocations (protobuf, gRPC) that
tracemalloc cannot see, costs nothing while running (tracemalloc slows allocation-heavy code several-fold, which
would distort the times measured in the same run), and a fresh process gives each measurement its own high-water
mark. It is read from ``VmHWM`` in /proc/self/status: ``getrusage().ru_maxrss`` would not do, as Linux carries the
spawning process's high-water mark across exec into the child's (the benchmark runner's size would show instead).
"""

from __future__ import annotations

import gc
import json
import resource
import runpy
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _peak_rss_kb() -> int:
    """This process's own peak resident set in kB (VmHWM); ru_maxrss where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _program(spec: dict[str, Any]) -> Callable[[], None]:
    if spec["kind"] == "program":
        entry = str(Path(spec["project_dir"]) / "__main__.py")

        def program() -> None:
            runpy.run_path(entry, run_name="__main__")

        return program
    from azplatform.plan import Plan
    from benchmarks.floor import replay_program

    plan = Plan.load(Path(spec["plan"]))
    return replay_program(plan, spec["kind"].removeprefix("floor-"), spec.get("keywords"))


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Render once (twice with ``warm``) and report times, peak memory and what was registered."""
    from azplatform.stacks.offline.harness import render

    program = _program(spec)
    kwargs = {
        "project": spec["project"],
        "stack": spec["stack"],
        "config": spec["config"],
        "secret_keys": spec.get("secret_keys", []),
    }
    gc.collect()
    rss_before = _peak_rss_kb()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    plan = render(program, **kwargs)
    cpu1, wall1 = time.process_time(), time.perf_counter()
    result: dict[str, Any] = {
        "kind": spec["kind"],
        "label": spec.get("label", spec["kind"]),
        "cpu_s": cpu1 - cpu0,
        "wall_s": wall1 - wall0,
        "rss_before_kb": rss_before,
        "rss_peak_kb": _peak_rss_kb(),
        "resources": len(plan.resources),
        "custom_resources": sum(1 for r in plan.resources if r.custom),
    }
    if spec.get("plan_out"):
        plan.write(Path(spec["plan_out"]))
    if spec.get("warm"):
        # The same render again in the same process: what a test session pays per extra render.
        again = _program(spec)
        cpu2, wall2 = time.process_time(), time.perf_counter()
        render(again, **kwargs)
        result["warm_cpu_s"] = time.process_time() - cpu2
        result["warm_wall_s"] = time.perf_counter() - wall2
    return result


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(measure(spec)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

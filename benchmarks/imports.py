"""Import time of the library: ``import azplatform.components`` in a fresh interpreter, median of several.

A library import should be cheap: a user's program (or a test) that imports ``components`` must not pay for SDK
modules it never touches. pulumi_azure_native loads each submodule lazily on first attribute access, so a
component module only pays for what it uses when it creates resources, unless something at import time reaches
into the SDK. Also measured, for the record: every module of the package, and the program's entry point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.runner import median
from benchmarks.variants import ROOT

TARGET_S = 1.0

_SNIPPET = """
import time
start = time.perf_counter()
{body}
print(time.perf_counter() - start)
"""

TARGETS: dict[str, str] = {
    "import azplatform.components": "import azplatform.components",
    "every components module": (
        "import importlib, pkgutil\nfrom azplatform import components\n"
        "for m in pkgutil.iter_modules(components.__path__): importlib.import_module('azplatform.components.' + m.name)"
    ),
    "import azplatform.stacks.program": "import azplatform.stacks.program",
}


def time_import(body: str, project_dir: Path = ROOT) -> float:
    """Seconds to run ``body`` (an import) in a fresh interpreter, interpreter start-up excluded."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([str(project_dir), str(ROOT)]))
    done = subprocess.run(
        [sys.executable, "-c", _SNIPPET.format(body=body)],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return float(done.stdout.strip().splitlines()[-1])


_SDK_PROBE = """
import importlib, pkgutil, sys
package = importlib.import_module({package!r})
if {every}:
    for m in pkgutil.iter_modules(package.__path__):
        importlib.import_module({package!r} + "." + m.name)
print(" ".join(sorted({{".".join(n.split(".")[:2]) for n in sys.modules
                        if n.startswith("pulumi_azure_native.") and n.count(".") >= 2}})))
"""


def sdk_modules_loaded_at_import(
    project_dir: Path = ROOT, *, every_module: bool = False, package: str = "azplatform.components"
) -> list[str]:
    """azure-native submodules that importing ``package`` (or every module of it) really loads.

    pulumi_azure_native registers its submodules lazily; an attribute access at module level (an enum in a
    constant) loads the whole submodule: about 0.5 s for ``network``, 0.03 s for ``redisenterprise``. Inside a
    function it costs nothing until the resources are created.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([str(project_dir), str(ROOT)]))
    done = subprocess.run(
        [sys.executable, "-c", _SDK_PROBE.format(every=every_module, package=package)],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def measure_imports(
    project_dir: Path = ROOT, rounds: int = 7, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Median import times (seconds) of :data:`TARGETS`, interleaved over ``rounds`` rounds."""
    times: dict[str, list[float]] = {name: [] for name in TARGETS}
    for _ in range(rounds):
        for name, body in TARGETS.items():
            times[name].append(time_import(body, project_dir))
    medians = {name: round(median(values), 4) for name, values in times.items()}
    if progress:
        progress("  " + ", ".join(f"{k}: {v:.3f} s" for k, v in medians.items()))
    return {
        "sdk_modules_loaded_by_import_components": sdk_modules_loaded_at_import(project_dir),
        "sdk_modules_loaded_by_every_components_module": sdk_modules_loaded_at_import(project_dir, every_module=True),
        "rounds": rounds,
        "median_s": medians,
        "max_s": {name: round(max(values), 4) for name, values in times.items()},
        "target": {
            "what": "import azplatform.components",
            "max_s": TARGET_S,
            "meets": medians["import azplatform.components"] < TARGET_S,
        },
    }

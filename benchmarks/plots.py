"""PNG plots of the results (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.patches import Patch


def plot_scaling(scaling: dict[str, Any], path: Path) -> None:
    """CPU time and peak memory against the plan's size, with the least-squares lines."""
    points = scaling["points"]
    analysis = scaling["analysis"]
    by_resources = analysis["resources_grow_with_apps"]
    xs = [p["custom_resources"] if by_resources else p["apps"] for p in points]
    xlabel = "custom resources in the plan" if by_resources else "apps in the stack (no resources per app yet)"
    fig, (ax_time, ax_mem) = plt.subplots(1, 2, figsize=(11, 4.2))
    ax_time.plot(xs, [p["cpu_s"] for p in points], "o-", label="azplatform")
    if "floor_sdk_cpu_s" in points[0]:
        ax_time.plot(xs, [p["floor_sdk_cpu_s"] for p in points], "s--", label="floor (azure-native SDK)")
    fit = analysis.get("time_fit") or {}
    if fit.get("slope") is not None:
        ax_time.plot(xs, [fit["intercept"] + fit["slope"] * x for x in xs], ":", color="grey", label=_fit_label(fit))
    for p, x in zip(points, xs, strict=True):
        ax_time.annotate(f"{p['apps']} apps", (x, p["cpu_s"]), textcoords="offset points", xytext=(4, -12), fontsize=8)
    ax_time.set_xlabel(xlabel)
    ax_time.set_ylabel("render CPU time, cold (s)")
    ax_time.set_ylim(bottom=0)
    ax_time.set_title("Render time")
    ax_time.legend(fontsize=8)
    ax_mem.plot(xs, [p["rss_peak_mb"] for p in points], "o-", color="tab:green", label="peak RSS")
    rss_fit = analysis.get("rss_fit") or {}
    if rss_fit.get("slope") is not None:
        ax_mem.plot(
            xs, [rss_fit["intercept"] + rss_fit["slope"] * x for x in xs], ":", color="grey", label=_fit_label(rss_fit)
        )
    ax_mem.set_xlabel(xlabel)
    ax_mem.set_ylabel("peak resident memory (MB)")
    ax_mem.set_ylim(bottom=0)
    ax_mem.set_title("Peak memory")
    ax_mem.legend(fontsize=8)
    fig.suptitle(f"Scaling of the {scaling['stack']} stack with apps (medians of {scaling['rounds']} rounds)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fit_label(fit: dict[str, Any]) -> str:
    r2 = fit.get("r2")
    return f"least squares (R^2 = {r2:.4f})" if r2 is not None else "least squares"


def plot_critical_path(report: dict[str, Any], path: Path) -> None:
    """Gantt of the estimated critical path and of Azure's lower-bound path."""
    panels = [
        ("critical_path", f"Estimated pulumi up: {report['estimate_min']:.1f} min (critical path)"),
        ("lower_bound_path", f"Lower bound: {report['lower_bound_min']:.1f} min (Azure's required edges only)"),
    ]
    height = max(len(report[key]) for key, _ in panels)
    right = max(report["estimate_min"], report["lower_bound_min"])
    fig, axes = plt.subplots(2, 1, figsize=(11, 1.6 + 0.62 * height * 2), sharex=True)
    for ax, (key, title) in zip(axes, panels, strict=True):
        rows = report[key]
        for i, row in enumerate(rows):
            needless = row["required"] is False
            color = "tab:red" if needless else "tab:blue"
            ax.barh(i, max(row["minutes"], 0.05), left=row["start_min"], color=color, alpha=0.85)
            label = f"{row['name']} ({row['type'].rsplit(':', 1)[-1]}, {row['minutes']:g} min)"
            ax.text(row["start_min"] + row["minutes"] + right * 0.01, i, label, va="center", fontsize=8)
        ax.set_yticks([])
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10)
    axes[-1].set_xlabel("minutes from the start of pulumi up (typical create times, unbounded parallelism)")
    axes[0].legend(
        handles=[
            Patch(color="tab:red", alpha=0.85, label="waits on an edge Azure does not require"),
            Patch(color="tab:blue", alpha=0.85, label="waits on a required edge (or starts at once)"),
        ],
        fontsize=8,
        loc="upper right",
    )
    axes[-1].set_xlim(0, right * 1.45 + 1)
    fig.suptitle(
        f"{report['stack']}: {report['custom_resources']} resources, serial sum {report['serial_sum_min']:.1f} min, "
        f"estimate / lower bound = {report['ratio_to_lower_bound']:.3f}",
        fontsize=11,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)

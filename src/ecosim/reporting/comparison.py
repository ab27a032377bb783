"""Figures and Markdown report of a scenario comparison, and ``ecosim.compare``.

The numbers come from :mod:`ecosim.experiments.compare` (runs, statistics, the tidy
tables); this module only draws and writes them. :func:`compare` is the public entry
point ``ecosim.compare``: it runs the comparison and, given ``out``, writes the tidy
files, the figures and ``report.md`` there (:func:`write_comparison`).

From Python (works in Jupyter; runs go to worker processes)::

    import ecosim
    res = ecosim.compare(["baseline", "deep_integration"], replications=10, seed=1)
    res.table          # outcome × scenario: mean, CI, difference from the first, CI
    ecosim.write_comparison(res, "results/compare/deep")   # Parquet/CSV, figures, report
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.compare import Comparison, run_comparison, timeseries_band
from ..experiments.scenario import Scenario
from ..experiments.store import write_atomic
from ..params import OUTCOMES

__all__ = ["compare", "write_comparison", "plot_timeseries", "plot_differences",
           "report_markdown", "PALETTE"]

# Okabe–Ito, with the pale yellow last (hard to see as a line on white).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000",
           "#F0E442"]


def compare(scenarios: Sequence[str | Path | Scenario], replications: int = 10, seed: int = 1,
            steps: int | None = None, outcomes: Sequence[str] | None = None,
            overrides: dict[str, Any] | None = None, workers: int | None = None,
            executor: Executor | None = None, level: float = 0.95,
            progress: bool | None = None, out: str | Path | None = None,
            plots: bool = True) -> Comparison:
    """Run each scenario ``replications`` times with common seeds and compare them.

    Args:
        scenarios: scenario files, shipped names or :class:`Scenario` objects; the first
            is the reference for differences.
        replications: runs per scenario (≥ 2 for confidence intervals).
        seed: seeds come from ``SeedSequence(seed).spawn(replications)``.
        steps: semesters per run (default: the scenarios' own, which must agree).
        outcomes: outcomes of the table and figures (default: headline outcomes).
        overrides: parameter values applied to every scenario (validated).
        workers: worker processes (default: CPU count, at most one per run).
        executor: any ``concurrent.futures.Executor`` to use instead.
        level: confidence level.
        progress: show a progress bar (default: when stderr is a terminal).
        out: if given, also write files, figures and ``report.md`` there.
        plots: draw figures when writing.

    Returns:
        A :class:`~ecosim.experiments.compare.Comparison` (its DataFrames: ``table``,
        ``runs``, ``steps``).

    Raises:
        ScenarioError: bad scenario, outcome or setting (one line).
    """
    result = run_comparison(scenarios, replications=replications, seed=seed, steps=steps,
                            outcomes=outcomes, overrides=overrides, workers=workers,
                            executor=executor, level=level, progress=progress)
    if out is not None:
        write_comparison(result, out, plots=plots)
    return result


def write_comparison(cmp: Comparison, out: str | Path, plots: bool = True) -> list[Path]:
    """Write tidy files, figures and ``report.md`` into ``out``; return the paths."""
    out = Path(out)
    files = cmp.write_data(out)
    figs: dict[str, str] = {}
    if plots:
        (out / "figures").mkdir(exist_ok=True)
        files.append(plot_timeseries(cmp, out / "figures" / "timeseries.png"))
        figs["timeseries"] = "figures/timeseries.png"
        if len(cmp.scenarios) > 1:
            files.append(plot_differences(cmp, out / "figures" / "differences.png"))
            figs["differences"] = "figures/differences.png"
    text = report_markdown(cmp, figs)
    write_atomic(out / "report.md", lambda p: Path(p).write_text(text, encoding="utf-8"))
    files.append(out / "report.md")
    return files


def _big_numbers() -> Any:
    """Tick formatter: 1.5M, 300k for large numbers, plain otherwise."""
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: int) -> str:
        a = abs(x)
        if a >= 1e6:
            return f"{x / 1e6:g}M"
        if a >= 1e4:
            return f"{x / 1e3:g}k"
        return f"{x:g}"

    return FuncFormatter(fmt)


def plot_timeseries(cmp: Comparison, path: str | Path) -> Path:
    """Outcomes over time: mean over replications with its CI band, per scenario."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outs = list(cmp.outcomes)
    ncol = min(4, len(outs))
    nrow = int(np.ceil(len(outs) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.1 * nrow), squeeze=False,
                             sharex=True)
    level = cmp.meta.get("level", 0.95)
    for ax, o in zip(axes.ravel(), outs, strict=False):
        for i, s in enumerate(cmp.scenarios):
            x, m, lo, hi = timeseries_band(cmp.steps, s, o, level)
            if not len(x):
                continue
            c = PALETTE[i % len(PALETTE)]
            ax.plot(x, m, color=c, lw=1.8, label=s)
            ax.fill_between(x, lo, hi, color=c, alpha=0.2, lw=0)
        unit = OUTCOMES[o].unit if o in OUTCOMES else ""
        ax.set_title(o.replace("_", " "), fontsize=10)
        ax.set_ylabel(unit, fontsize=8)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
    for ax in axes.ravel()[len(outs):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("step (semester)", fontsize=8)
    for ax in axes.ravel()[:len(outs)]:
        ax.yaxis.set_major_formatter(_big_numbers())
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), frameon=False,
               fontsize=10)
    fig.suptitle(f"mean of {cmp.meta.get('replications')} replications with "
                 f"{int(level * 100)}% confidence band", fontsize=11)
    fig.tight_layout(rect=(0, 0.05 if nrow < 3 else 0.035, 1, 0.97))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_differences(cmp: Comparison, path: str | Path) -> Path:
    """Dot-and-whisker chart: difference from the first scenario with its CI, per outcome."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outs = list(cmp.outcomes)
    others = cmp.scenarios[1:]
    ncol = min(4, len(outs))
    nrow = int(np.ceil(len(outs) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 0.6 + (0.45 * len(others) + 0.9)
                                                  * nrow), squeeze=False)
    t = cmp.table
    for ax, o in zip(axes.ravel(), outs, strict=False):
        sub = t[t["outcome"] == o].set_index("scenario")
        for j, s in enumerate(others):
            d, lo, hi = sub.loc[s, "diff"], sub.loc[s, "diff_low"], sub.loc[s, "diff_high"]
            c = PALETTE[(j + 1) % len(PALETTE)]
            if lo == lo:
                ax.plot([lo, hi], [j, j], color=c, lw=2)
            ax.plot([d], [j], "o", color=c, ms=6)
        ax.axvline(0, color="#555555", lw=1, ls="--")
        ax.set_yticks(range(len(others)))
        ax.set_yticklabels(others, fontsize=8)
        ax.set_ylim(-0.6, len(others) - 0.4)
        ax.invert_yaxis()
        unit = OUTCOMES[o].unit if o in OUTCOMES else ""
        ax.set_title(f"{o.replace('_', ' ')}", fontsize=10)
        ax.set_xlabel(f"difference ({unit})", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_formatter(_big_numbers())
    for ax in axes.ravel()[len(outs):]:
        ax.set_visible(False)
    level = cmp.meta.get("level", 0.95)
    fig.suptitle(f"difference from {cmp.scenarios[0]} (paired by seed), "
                 f"{int(level * 100)}% CI", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def _md_table(df: pd.DataFrame, index_name: str) -> str:
    cols = [index_name, *map(str, df.columns)]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join(["---"] + ["--:"] * len(df.columns))
             + "|"]
    for idx, row in df.iterrows():
        lines.append("| " + " | ".join([str(idx), *map(str, row.to_list())]) + " |")
    return "\n".join(lines)


def report_markdown(cmp: Comparison, figures: dict[str, str]) -> str:
    """The Markdown report: design, tables, figures and a paste-ready methods paragraph."""
    m = cmp.meta
    lvl = int(round(m.get("level", 0.95) * 100))
    R, steps = m["replications"], m["steps"]
    ref = cmp.scenarios[0]
    lines = [f"# Scenario comparison: {' vs '.join(cmp.scenarios)}", "",
             f"ecosim {m.get('ecosim_version')} (Mesa {m.get('mesa_version')}), "
             f"{m.get('created')}; {len(cmp.scenarios)} scenarios × {R} replications × "
             f"{steps} steps (semesters), {m.get('runtime_seconds')} s.", ""]
    if cmp.failed:
        lines += [f"**{cmp.failed} runs failed** and are left out of the statistics "
                  "(see `runs.csv`, column `error`).", ""]
    lines += ["## Scenarios", "", "| scenario | file | hash | description |",
              "|---|---|---|---|"]
    for s in m["scenarios"]:
        lines.append(f"| {s['label']} | {s['file'] or '(in code)'} | `{s['hash']}` | "
                     f"{s['description']} |")
    if m.get("overrides"):
        lines += ["", "Applied to every scenario: "
                  + ", ".join(f"`{k} = {v}`" for k, v in m["overrides"].items()) + "."]
    lines += ["", f"## Outcomes (mean of the final year, {lvl}% CI)", "",
              _md_table(cmp.summary(), "outcome"), ""]
    if len(cmp.scenarios) > 1:
        diffs = cmp.differences()
        t = cmp.table.set_index(["outcome", "scenario"])
        for o in diffs.index:
            for s in diffs.columns:
                if bool(t.loc[(o, s), "diff_low"] > 0 or t.loc[(o, s), "diff_high"] < 0):
                    diffs.loc[o, s] = f"**{diffs.loc[o, s]}**"
        lines += [f"## Differences from {ref} (paired by seed, {lvl}% CI)", "",
                  "Bold: the interval excludes zero.", "",
                  _md_table(diffs, "outcome"), ""]
    if figures:
        lines += ["## Figures", ""]
        if "timeseries" in figures:
            lines += [f"![Outcomes over time, mean and {lvl}% confidence band]"
                      f"({figures['timeseries']})", "",
                      f"*Figure 1. Outcomes per semester: mean of {R} replications per "
                      f"scenario with its {lvl}% confidence band.*", ""]
        if "differences" in figures:
            lines += [f"![Differences from {ref}]({figures['differences']})", "",
                      f"*Figure 2. Final-year difference of each scenario from {ref}, "
                      f"paired by seed, with its {lvl}% confidence interval.*", ""]
    lines += [
        "## Methods", "",
        f"Each scenario was simulated {R} times for {steps} semesters with the "
        f"agent-based model ecosim {m.get('ecosim_version')} (Mesa "
        f"{m.get('mesa_version')}). Replication *i* used the same random seed in every "
        f"scenario (common random numbers; seeds drawn with NumPy's "
        f"`SeedSequence({m['seed']}).spawn({R})`). Each outcome is the mean over the "
        f"final simulated year (last two semesters). We report the mean over "
        f"replications with its {lvl}% confidence interval from the Student t "
        f"distribution ({R - 1} degrees of freedom); differences from {ref} are "
        f"computed replication by replication and given with the t interval of the mean "
        f"paired difference.", "",
        "## Files", "",
        "- `runs.parquet`, `runs.csv`: one row per run (scenario, replication, seed, "
        "status, final-year outcomes)",
        "- `steps.parquet`: one row per run and semester, every outcome",
        "- `table.csv`, `table.parquet`: the statistics above, unrounded",
        "- `metadata.json`: seeds, versions, scenario hashes", ""]
    return "\n".join(lines)

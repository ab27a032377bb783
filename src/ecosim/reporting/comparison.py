"""Figures and Markdown report of a scenario comparison, and ``ecosim.compare``.

The numbers come from :mod:`ecosim.experiments.compare` (runs, statistics, the tidy
tables); this module only draws and writes them. :func:`compare` is the public entry
point ``ecosim.compare``: it runs the comparison and, given ``out``, writes the tidy
files, the figures and ``report.md`` there (:func:`write_comparison`).

From Python (works in Jupyter; runs go to worker processes)::

    import ecosim
    res = ecosim.compare(["baseline", "deep_integration"], replications=10, seed=1)
    res.table          # outcome × scenario: mean, CI, difference from the first, CI
    res.horizons       # ... at 2, 5 and 10 years after the policy starts
    ecosim.write_comparison(res, "results/compare/deep")   # Parquet/CSV, figures, report
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.compare import Comparison, fmt_ci, run_comparison, timeseries_band
from ..experiments.output import check_replaceable, save_figure, staged_dir, write_atomic
from ..experiments.scenario import Scenario
from ..params import OUTCOMES

__all__ = ["compare", "write_comparison", "plot_timeseries", "plot_differences",
           "plot_horizons", "horizon_effects", "counterfactual_summary", "report_markdown",
           "PALETTE"]

# A file every comparison folder holds: only such a folder is replaced by a new one.
COMPARE_MARKER = "table.parquet"

# Okabe–Ito, with the pale yellow last (hard to see as a line on white).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000",
           "#F0E442"]


def compare(scenarios: Sequence[str | Path | Scenario], replications: int = 10, seed: int = 1,
            steps: int | None = None, outcomes: Sequence[str] | None = None,
            overrides: dict[str, Any] | None = None, workers: int | None = None,
            executor: Executor | None = None, level: float = 0.95,
            progress: bool | None = None, out: str | Path | None = None,
            plots: bool = True, horizons: Sequence[int] | None = None,
            posterior: str | Path | None = None) -> Comparison:
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
        horizons: years after the policy starts at which outcomes are also reported
            (default ``(2, 5, 10)``, those beyond the run dropped with a warning; see
            :func:`~ecosim.experiments.compare.run_comparison`).
        posterior: a calibration folder or its ``posterior.parquet``: each replication
            draws its parameters from it (the same draw in every scenario).

    Returns:
        A :class:`~ecosim.experiments.compare.Comparison` (its DataFrames: ``table``,
        ``horizons``, ``counterfactual``, ``runs``, ``steps``).

    Raises:
        ScenarioError: bad scenario, outcome or setting (one line).
    """
    if out is not None:
        check_replaceable(out, COMPARE_MARKER)  # before the runs, not after
    result = run_comparison(scenarios, replications=replications, seed=seed, steps=steps,
                            outcomes=outcomes, overrides=overrides, workers=workers,
                            executor=executor, level=level, progress=progress,
                            horizons=horizons, posterior=posterior)
    if out is not None:
        write_comparison(result, out, plots=plots)
    return result


def write_comparison(cmp: Comparison, out: str | Path, plots: bool = True) -> list[Path]:
    """Write tidy files, figures and ``report.md`` into ``out``; return the paths.

    The folder is written whole in a hidden sibling and swapped in only once complete
    (:func:`~ecosim.experiments.output.staged_dir`): a failed write leaves a previous
    comparison in ``out`` as it was.

    Raises:
        OutputError: ``out`` cannot be written (one line naming it).
    """
    out = Path(out)
    with staged_dir(out, COMPARE_MARKER) as stage:
        files = cmp.write_data(stage)
        figs: dict[str, str] = {}
        if plots:
            files.append(plot_timeseries(cmp, stage / "figures" / "timeseries.png"))
            figs["timeseries"] = "figures/timeseries.png"
            if len(cmp.scenarios) > 1:
                files.append(plot_differences(cmp, stage / "figures" / "differences.png"))
                figs["differences"] = "figures/differences.png"
                if len(cmp.horizons):
                    files.append(plot_horizons(cmp, stage / "figures" / "horizons.png"))
                    figs["horizons"] = "figures/horizons.png"
        text = report_markdown(cmp, figs)
        write_atomic(stage / "report.md", lambda p: Path(p).write_text(text, encoding="utf-8"))
        files.append(stage / "report.md")
    return [out / f.relative_to(stage) for f in files]


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


def _save_figure(fig: Any, path: str | Path) -> Path:
    """Write a figure of this module atomically (creating its folder) and release it."""
    return save_figure(fig, path, dpi=130)


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
    return _save_figure(fig, path)


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
    return _save_figure(fig, path)


def plot_horizons(cmp: Comparison, path: str | Path) -> Path:
    """Effect vs horizon: difference from the first scenario at each horizon, with CI bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outs = list(cmp.outcomes)
    others = cmp.scenarios[1:]
    ncol = min(4, len(outs))
    nrow = int(np.ceil(len(outs) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.1 * nrow), squeeze=False,
                             sharex=True)
    t = cmp.horizons
    n_o = max(len(others), 1)
    for ax, o in zip(axes.ravel(), outs, strict=False):
        for j, s in enumerate(others):
            sub = t[(t["outcome"] == o) & (t["scenario"] == s)].sort_values("horizon")
            x = sub["horizon"].to_numpy(float) + 0.12 * (j - (n_o - 1) / 2)
            d = sub["diff"].to_numpy(float)
            err = np.vstack([d - sub["diff_ci_low"].to_numpy(float),
                             sub["diff_ci_high"].to_numpy(float) - d])
            ax.errorbar(x, d, yerr=np.nan_to_num(err), fmt="o-", color=PALETTE[(j + 1)
                        % len(PALETTE)], lw=1.5, ms=5, capsize=3, label=s)
        ax.axhline(0, color="#555555", lw=1, ls="--")
        unit = OUTCOMES[o].unit if o in OUTCOMES else ""
        ax.set_title(o.replace("_", " "), fontsize=10)
        ax.set_ylabel(f"difference ({unit})", fontsize=8)
        ax.set_xticks(sorted(t["horizon"].unique()))
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
        ax.yaxis.set_major_formatter(_big_numbers())
    for ax in axes.ravel()[len(outs):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("years after the policy starts", fontsize=8)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6) or 1,
               frameon=False, fontsize=10)
    level = cmp.meta.get("level", 0.95)
    fig.suptitle(f"difference from {cmp.scenarios[0]} by horizon (paired by seed), "
                 f"{int(level * 100)}% CI", fontsize=11)
    fig.tight_layout(rect=(0, 0.05 if nrow < 3 else 0.035, 1, 0.97))
    return _save_figure(fig, path)


def horizon_effects(cmp: Comparison, bold: bool = False) -> pd.DataFrame:
    """Outcome × (scenario, horizon) table of ``diff [low, high]`` strings vs the first.

    With one scenario, the means ``mean [low, high]`` at each horizon instead. ``bold``
    marks (Markdown) the differences whose interval excludes zero.
    """
    t = cmp.horizons
    rows: dict[str, dict[str, str]] = {}
    single = len(cmp.scenarios) == 1
    for o in cmp.outcomes:
        cells: dict[str, str] = {}
        for s in cmp.scenarios if single else cmp.scenarios[1:]:
            sub = t[(t["outcome"] == o) & (t["scenario"] == s)].sort_values("horizon")
            for r in sub.itertuples(index=False):
                col = f"{s} @ {r.horizon} y" if not single else f"{r.horizon} y"
                if single:
                    cells[col] = fmt_ci(o, r.mean, r.ci_low, r.ci_high)
                    continue
                txt = fmt_ci(o, r.diff, r.diff_ci_low, r.diff_ci_high, sign=True)
                if bold and bool(r.diff_ci_low > 0 or r.diff_ci_high < 0):
                    txt = f"**{txt}**"
                cells[col] = txt
        rows[o] = cells
    return pd.DataFrame.from_dict(rows, orient="index")


def _money(x: float) -> str:
    return "n/a" if x != x else f"{x:,.0f}"


def counterfactual_summary(cmp: Comparison) -> pd.DataFrame:
    """(scenario, horizon) × counterfactual quantities, as ``value [low, high]`` strings."""
    rows = {}
    for r in cmp.counterfactual.itertuples(index=False):
        def ci(name: str, fmt: Any = _money, r: Any = r) -> str:
            m, lo, hi = (getattr(r, name), getattr(r, f"{name}_low"),
                         getattr(r, f"{name}_high"))
            if m != m:
                return "n/a"
            return fmt(m) if lo != lo else f"{fmt(m)} [{fmt(lo)}, {fmt(hi)}]"

        def share(x: float) -> str:
            return "n/a" if x != x else f"{x:.2f}"

        rows[f"{r.scenario} @ {r.horizon} y"] = {
            "additional in-field graduates": ci("additional_in_field_graduates",
                                                lambda x: f"{x:+.1f}"),
            "additional spending (yuan/year)": ci("additional_spending"),
            "cost per additional matched graduate (yuan)":
                ci("cost_per_additional_matched_graduate"),
            "subsidy deadweight (partner placements)": ci("subsidy_deadweight", share),
            "note": r.note or "",
        }
    return pd.DataFrame.from_dict(rows, orient="index")


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
    lines += _horizon_sections(cmp, lvl)
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
        if "horizons" in figures:
            lines += [f"![Effect by horizon]({figures['horizons']})", "",
                      f"*Figure 3. Difference of each scenario from {ref} at each horizon "
                      f"(years after the policy starts), paired by seed, with its {lvl}% "
                      "confidence interval.*", ""]
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
        f"paired difference. {_horizon_methods(cmp)}"
        + (f" Parameter uncertainty: replication *i* also used parameter draw *i* of the "
           f"calibration posterior ({m['posterior']}; resampled by weight), the same in "
           "every scenario, so the intervals carry the parameters' uncertainty as well "
           "as seed noise; the draws are in `metadata.json`." if m.get("posterior")
           else ""), "",
        "## Files", "",
        "- `runs.parquet`, `runs.csv`: one row per run (scenario, replication, seed, "
        "status, final-year outcomes)",
        "- `steps.parquet`: one row per run and semester, every outcome",
        "- `table.csv`, `table.parquet`: the final-year statistics above, unrounded",
        "- `horizons.csv`, `horizons.parquet`: outcome × scenario × horizon: mean, CI, "
        "difference from the reference, CI (unrounded)",
        *(["- `counterfactual.csv`, `counterfactual.parquet`: the counterfactual table, "
           "unrounded"] if len(cmp.scenarios) > 1 else []),
        "- `metadata.json`: seeds, versions, scenario hashes", ""]
    return "\n".join(lines)


def _horizon_methods(cmp: Comparison) -> str:
    """Methods sentences on horizons and the counterfactual (empty without horizons)."""
    hs = cmp.meta.get("horizons") or []
    if not hs:
        return ""
    starts = cmp.meta.get("policy_start_year") or {}
    later = {s: y for s, y in starts.items() if y != 1}
    start = ("Year 1 is the first simulated year (semesters 1 and 2)" if not later else
             "Year 1 is the first simulated year, and for scenarios with policy timelines "
             "horizon h is year start − 1 + h ("
             + ", ".join(f"{s}: start year {y}" for s, y in later.items()) + ")")
    text = (f"Outcomes are also reported at {', '.join(map(str, hs))} years after the "
            f"policy starts, as the mean over that year's two semesters; {start}.")
    if len(cmp.scenarios) > 1:
        text += (" Counterfactual quantities set each scenario's run against the "
                 f"{cmp.scenarios[0]} run with the same seed: in-field graduates are the "
                 "model's in_field_graduates (the cohort measured at the end of the year, "
                 "employed in its field); the cost per additional matched graduate is the "
                 "mean additional spending over the mean additional in-field graduates "
                 "(delta-method t interval; not given unless the additional graduates are "
                 "significantly positive); the subsidy deadweight is the mean number of "
                 "placements at partner enterprises in the reference over that in the "
                 "scenario (every vocational student does a placement either way).")
    return text


def _horizon_sections(cmp: Comparison, lvl: int) -> list[str]:
    """Report sections: effects by horizon, and the counterfactual table."""
    if not len(cmp.horizons):
        return []
    ref = cmp.scenarios[0]
    lines: list[str] = []
    if len(cmp.scenarios) > 1:
        lines += [f"## Effects by horizon (difference from {ref}, paired by seed, {lvl}% CI)",
                  "", "Horizon: years after the policy starts; each value is the mean over "
                  "that year. Bold: the interval excludes zero.", "",
                  _md_table(horizon_effects(cmp, bold=True), "outcome"), ""]
    else:
        lines += [f"## Outcomes by horizon (mean, {lvl}% CI)", "",
                  _md_table(horizon_effects(cmp), "outcome"), ""]
    if len(cmp.scenarios) > 1 and len(cmp.counterfactual):
        lines += [f"## Counterfactual: deadweight and cost per additional matched graduate "
                  f"({lvl}% CI)", "",
                  f"Each scenario against {ref} run with the same seeds (the counterfactual). "
                  "Additional in-field graduates: of the cohort graduating in that year; "
                  "additional spending: government spending over that year; subsidy "
                  f"deadweight: placements at partner enterprises in {ref} / in the scenario "
                  "(the share of the partner placements a policy pays for that would have "
                  "happened anyway).", "",
                  _md_table(counterfactual_summary(cmp), "scenario @ horizon"), ""]
    return lines

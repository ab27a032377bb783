"""Scenario comparison with replications and confidence intervals.

``compare`` runs every scenario ``R`` times. Replication ``i`` uses seed ``i`` of
``numpy.random.SeedSequence(seed).spawn(R)`` in every scenario (common random
numbers), so the difference between two scenarios is measured on paired runs and its
confidence interval is narrower than the two separate intervals suggest. Intervals are
Student-t intervals of the mean over replications (:mod:`ecosim.stats`); outcomes are
the final-year means that ``ecosim run`` reports.

From Python (works in Jupyter; runs go to worker processes)::

    import ecosim
    res = ecosim.compare(["baseline", "deep_integration"], replications=10, seed=1)
    res.table          # outcome × scenario: mean, CI, difference from the first, CI
    res.runs           # one row per run: final-year outcomes
    res.steps          # one row per run and step: every outcome
    res.write("results/compare/deep")   # Parquet/CSV, figures and report.md
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .params import HEADLINE_OUTCOMES, OUTCOMES, ParameterError
from .runner import versions
from .scenario import Scenario, ScenarioError, load_scenario
from .stats import mean_ci, paired_difference_ci, replication_seeds

__all__ = ["Comparison", "compare", "plot_timeseries", "plot_differences", "PALETTE"]

# Okabe–Ito, with the pale yellow last (hard to see as a line on white).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000",
           "#F0E442"]


@dataclass
class Comparison:
    """Results of :func:`compare`.

    Attributes:
        scenarios: scenario labels, in the order given (the first is the reference).
        runs: one row per run: ``scenario``, ``replication``, ``seed``, ``status``,
            ``error`` and the final-year mean of every outcome.
        steps: one row per run and step: ``scenario``, ``replication``, ``seed``,
            ``step`` and every outcome.
        table: one row per outcome and scenario: ``mean``, ``ci_low``, ``ci_high``,
            ``n``, ``sd``, and the paired difference from the first scenario
            (``diff``, ``diff_low``, ``diff_high``, ``n_pairs``).
        outcomes: outcomes in the table and the figures.
        meta: replications, seed, steps, level, versions, runtime, scenario details.
    """

    scenarios: list[str]
    runs: pd.DataFrame
    steps: pd.DataFrame
    table: pd.DataFrame
    outcomes: tuple[str, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        """Number of runs that raised (left out of the statistics)."""
        return int((self.runs["status"] != "ok").sum())

    def summary(self) -> pd.DataFrame:
        """Outcome × scenario table of ``mean [low, high]`` strings (for reading)."""
        rows = {}
        for o in self.outcomes:
            t = self.table[self.table["outcome"] == o].set_index("scenario")
            rows[o] = {s: _fmt_ci(o, t.loc[s, "mean"], t.loc[s, "ci_low"], t.loc[s, "ci_high"])
                       for s in self.scenarios}
        return pd.DataFrame.from_dict(rows, orient="index")[self.scenarios]

    def differences(self) -> pd.DataFrame:
        """Outcome × scenario table of ``diff [low, high]`` strings vs the first scenario."""
        rows = {}
        for o in self.outcomes:
            t = self.table[self.table["outcome"] == o].set_index("scenario")
            rows[o] = {s: _fmt_ci(o, t.loc[s, "diff"], t.loc[s, "diff_low"],
                                  t.loc[s, "diff_high"], sign=True)
                       for s in self.scenarios[1:]}
        return pd.DataFrame.from_dict(rows, orient="index")

    def _repr_html_(self) -> str:  # pragma: no cover - Jupyter display
        head = (f"<p><b>ecosim comparison</b>: {len(self.scenarios)} scenarios × "
                f"{self.meta.get('replications')} replications, "
                f"{self.meta.get('steps')} steps, {int(self.meta.get('level', 0.95) * 100)}% "
                f"CI{'' if not self.failed else f', {self.failed} FAILED runs'}</p>")
        return head + self.summary().to_html()

    def write(self, out: str | Path, plots: bool = True) -> list[Path]:
        """Write tidy files, figures and ``report.md`` into ``out``; return the paths."""
        from .store import write_atomic

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        files: list[Path] = []

        def put(name: str, fn: Any) -> None:
            write_atomic(out / name, fn)
            files.append(out / name)

        put("runs.parquet", lambda p: self.runs.to_parquet(p, index=False))
        put("runs.csv", lambda p: self.runs.to_csv(p, index=False))
        put("steps.parquet", lambda p: self.steps.to_parquet(p, index=False))
        put("table.csv", lambda p: self.table.to_csv(p, index=False))
        put("table.parquet", lambda p: self.table.to_parquet(p, index=False))
        meta = json.dumps(self.meta, indent=2, default=str)
        put("metadata.json", lambda p: Path(p).write_text(meta, encoding="utf-8"))
        figs: dict[str, str] = {}
        if plots:
            (out / "figures").mkdir(exist_ok=True)
            files.append(plot_timeseries(self, out / "figures" / "timeseries.png"))
            figs["timeseries"] = "figures/timeseries.png"
            if len(self.scenarios) > 1:
                files.append(plot_differences(self, out / "figures" / "differences.png"))
                figs["differences"] = "figures/differences.png"
        text = report_markdown(self, figs)
        put("report.md", lambda p: Path(p).write_text(text, encoding="utf-8"))
        return files


def _labels(scenarios: list[Scenario]) -> list[str]:
    labels: list[str] = []
    for sc in scenarios:
        lab = sc.name
        if lab in labels and sc.path is not None:
            lab = sc.path.stem
        base, k = lab, 2
        while lab in labels:
            lab, k = f"{base}#{k}", k + 1
        labels.append(lab)
    return labels


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
        A :class:`Comparison` (its DataFrames: ``table``, ``runs``, ``steps``).

    Raises:
        ScenarioError: bad scenario, outcome or setting (one line).
    """
    if replications < 1:
        raise ScenarioError(f"--replications {replications}: expected an integer ≥ 1")
    if not scenarios:
        raise ScenarioError("compare needs at least one scenario")
    loaded = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    if overrides:
        from .params import PARAMETERS, coerce_value

        checked = {}
        for k, v in overrides.items():
            if k not in PARAMETERS:
                raise ScenarioError(f"override: unknown parameter '{k}'")
            try:
                checked[k] = coerce_value(PARAMETERS[k], v)
            except ParameterError as e:
                raise ScenarioError(f"override: {e}") from None
        loaded = [s.with_overrides(checked) for s in loaded]
    labels = _labels(loaded)
    if steps is None:
        own = {lab: s.steps for lab, s in zip(labels, loaded, strict=True)}
        if len(set(own.values())) > 1:
            raise ScenarioError(
                "scenarios run for different numbers of steps ("
                + ", ".join(f"{k}: {v}" for k, v in own.items())
                + "); pass --steps to compare them over the same horizon")
        steps = next(iter(own.values()))
    outcomes = tuple(outcomes) if outcomes else HEADLINE_OUTCOMES
    for o in outcomes:
        if o not in OUTCOMES:
            from .params import suggest

            raise ScenarioError(f"unknown outcome '{o}'{suggest(o, OUTCOMES)}; "
                                "see ecosim outcomes --all")
    from .sweep import RunTask, model_fingerprint

    seeds = replication_seeds(seed, replications)
    all_outcomes = tuple(OUTCOMES)
    tasks = [RunTask(run_id=i * replications + r, point_id=i, replication=r, seed=seeds[r],
                     steps=int(steps), params=sc.model_kwargs(), outcomes=all_outcomes,
                     series=True)
             for i, sc in enumerate(loaded) for r in range(replications)]
    t0 = time.perf_counter()
    results = _run_all(tasks, workers, executor, progress)
    elapsed = time.perf_counter() - t0

    run_rows, step_frames = [], []
    for task in tasks:
        res = results[task.run_id]
        lab = labels[task.point_id]
        row = {"scenario": lab, "replication": task.replication, "seed": task.seed,
               "status": res["status"], "error": res["error"], "runtime_s": res["runtime_s"]}
        row.update({o: res["outcomes"].get(o, np.nan) for o in all_outcomes})
        run_rows.append(row)
        if res["series"]:
            sf = pd.DataFrame(res["series"])
            sf.insert(0, "seed", task.seed)
            sf.insert(0, "replication", task.replication)
            sf.insert(0, "scenario", lab)
            step_frames.append(sf)
    runs = pd.DataFrame(run_rows)
    steps_df = (pd.concat(step_frames, ignore_index=True) if step_frames
                else pd.DataFrame(columns=["scenario", "replication", "seed", "step"]))
    table = comparison_table(runs, labels, outcomes, level)
    meta = {
        "kind": "ecosim compare",
        "scenarios": [{"label": lab, "name": sc.name, "file": str(sc.path) if sc.path else None,
                       "description": sc.description, "hash": sc.content_hash}
                      for lab, sc in zip(labels, loaded, strict=True)],
        "replications": replications, "seed": seed, "seeds": seeds, "steps": int(steps),
        "level": level, "overrides": overrides or {}, "outcomes": list(outcomes),
        "failed_runs": int((runs["status"] != "ok").sum()),
        "runtime_seconds": round(elapsed, 2),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **versions(),
        "model_fingerprint": model_fingerprint(),
    }
    result = Comparison(labels, runs, steps_df, table, outcomes, meta)
    if out is not None:
        result.write(out, plots=plots)
    return result


def _run_all(tasks: list[Any], workers: int | None, executor: Executor | None,
             progress: bool | None) -> dict[int, dict[str, Any]]:
    from tqdm import tqdm

    from .sweep import ExecutorHandle, execute_run

    if progress is None:
        progress = sys.stderr.isatty()
    n = len(tasks)
    workers = max(1, min(int(workers or 0) or (os.cpu_count() or 1), n))
    handle = ExecutorHandle(workers=workers, executor=executor)
    out: dict[int, dict[str, Any]] = {}
    try:
        futs = {handle.executor.submit(execute_run, t): t for t in tasks}
        with tqdm(total=n, unit="run", desc="compare", disable=not progress,
                  file=sys.stderr) as bar:
            for fut in as_completed(futs):
                t = futs[fut]
                try:
                    out[t.run_id] = fut.result()
                except Exception as e:  # worker died etc.: record, never drop
                    out[t.run_id] = {"run_id": t.run_id, "status": "failed", "outcomes": {},
                                     "series": None, "error": f"{type(e).__name__}: {e}",
                                     "runtime_s": float("nan")}
                bar.update(1)
    except KeyboardInterrupt:
        handle.close(terminate=True)
        raise
    handle.close()
    return out


def comparison_table(runs: pd.DataFrame, scenarios: list[str], outcomes: Sequence[str],
                     level: float = 0.95) -> pd.DataFrame:
    """Mean and CI per scenario and outcome, and the paired difference from the first.

    Runs are paired by ``replication`` (same seed); failed runs count as missing.
    """
    ok = runs[runs["status"] == "ok"]
    ref = ok[ok["scenario"] == scenarios[0]].set_index("replication")
    rows = []
    for o in outcomes:
        unit = OUTCOMES[o].unit if o in OUTCOMES else ""
        for s in scenarios:
            cur = ok[ok["scenario"] == s].set_index("replication")
            ci = mean_ci(cur[o], level)
            row = {"outcome": o, "unit": unit, "scenario": s, **ci.as_dict()}
            if s == scenarios[0]:
                row.update(diff=np.nan, diff_low=np.nan, diff_high=np.nan, n_pairs=0)
            else:
                reps = cur.index.intersection(ref.index)
                d = paired_difference_ci(cur.loc[reps, o], ref.loc[reps, o], level)
                row.update(diff=d.mean, diff_low=d.low, diff_high=d.high, n_pairs=d.n)
            rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------
# Formatting, figures and report
# ----------------------------------------------------------------------------------
def _fmt(o: str, x: float, sign: bool = False) -> str:
    if x is None or x != x:
        return "n/a"
    unit = OUTCOMES[o].unit if o in OUTCOMES else ""
    s = "+" if sign else ""
    if unit in ("share", "index"):
        return f"{x:{s}.3f}"
    if abs(x) >= 100:
        return f"{x:{s},.0f}"
    return f"{x:{s}.3g}"


def _fmt_ci(o: str, m: float, lo: float, hi: float, sign: bool = False) -> str:
    if m != m:
        return "n/a"
    if lo != lo:
        return _fmt(o, m, sign)
    return f"{_fmt(o, m, sign)} [{_fmt(o, lo, sign)}, {_fmt(o, hi, sign)}]"


def _band(steps: pd.DataFrame, scenario: str, outcome: str, level: float
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    sub = steps[steps["scenario"] == scenario]
    xs, m, lo, hi = [], [], [], []
    for step, g in sub.groupby("step"):
        ci = mean_ci(g[outcome], level)
        xs.append(step)
        m.append(ci.mean)
        lo.append(ci.low)
        hi.append(ci.high)
    return np.array(xs), np.array(m), np.array(lo), np.array(hi)


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
            x, m, lo, hi = _band(cmp.steps, s, o, level)
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

"""Scenario comparison with replications and confidence intervals (the computation).

:func:`run_comparison` runs every scenario ``R`` times. Replication ``i`` uses seed ``i``
of ``numpy.random.SeedSequence(seed).spawn(R)`` in every scenario (common random
numbers), so the difference between two scenarios is measured on paired runs and its
confidence interval is narrower than the two separate intervals suggest. Intervals are
Student-t intervals of the mean over replications (:mod:`ecosim.experiments.stats`);
outcomes are the final-year means that ``ecosim run`` reports.

Horizons: results also depend on when a run stops, so each outcome is also reported at
several horizons after the policy starts (default 2, 5 and 10 years; see
:mod:`ecosim.experiments.horizons` for years, policy start and validation) in
:attr:`Comparison.horizons`, and the counterfactual effects of each scenario against the
reference (additional in-field graduates and spending, cost per additional matched
graduate, subsidy deadweight; :mod:`ecosim.experiments.counterfactual`) in
:attr:`Comparison.counterfactual`.

The figures and ``report.md`` of a comparison are drawn by
:mod:`ecosim.reporting.comparison`, whose :func:`~ecosim.reporting.comparison.compare`
(``ecosim.compare``) runs a comparison and writes all its files. From Python (works in
Jupyter; runs go to worker processes)::

    import ecosim
    res = ecosim.compare(["baseline", "deep_integration"], replications=10, seed=1)
    res.table          # outcome × scenario: mean, CI, difference from the first, CI
    res.horizons       # outcome × scenario × horizon: mean, CI, difference, CI
    res.counterfactual # scenario × horizon: deadweight, cost per additional matched graduate
    res.runs           # one row per run: final-year outcomes
    res.steps          # one row per run and step: every outcome
    ecosim.write_comparison(res, "results/compare/deep")   # files, figures, report.md
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

from ..errors import ParameterError, ScenarioError
from ..params import HEADLINE_OUTCOMES, OUTCOMES, PARAMETERS, coerce_value, suggest
from .counterfactual import counterfactual_table
from .horizons import check_horizons, policy_start_year, yearly
from .runner import versions
from .scenario import Scenario, load_scenario
from .stats import mean_ci, paired_difference_ci, replication_seeds
from .store import write_atomic
from .sweep import ExecutorHandle, RunTask, execute_run, model_fingerprint

__all__ = ["Comparison", "run_comparison", "comparison_table", "horizon_table",
           "timeseries_band"]


@dataclass
class Comparison:
    """Results of :func:`run_comparison`.

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
        meta: replications, seed, steps, level, horizons, policy start years, versions,
            runtime, scenario details.
        horizons: one row per outcome, scenario and horizon (:func:`horizon_table`):
            ``horizon``, ``year``, ``mean``, ``ci_low``, ``ci_high``, ``n``, ``sd``, the
            paired difference from the first scenario (``diff``, ``diff_ci_low``,
            ``diff_ci_high``, ``n_pairs``).
        counterfactual: one row per scenario (but the first) and horizon
            (:func:`~ecosim.experiments.counterfactual.counterfactual_table`).
    """

    scenarios: list[str]
    runs: pd.DataFrame
    steps: pd.DataFrame
    table: pd.DataFrame
    outcomes: tuple[str, ...]
    meta: dict[str, Any] = field(default_factory=dict)
    horizons: pd.DataFrame = field(default_factory=pd.DataFrame)
    counterfactual: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def failed(self) -> int:
        """Number of runs that raised (left out of the statistics)."""
        return int((self.runs["status"] != "ok").sum())

    def summary(self) -> pd.DataFrame:
        """Outcome × scenario table of ``mean [low, high]`` strings (for reading)."""
        rows = {}
        for o in self.outcomes:
            t = self.table[self.table["outcome"] == o].set_index("scenario")
            rows[o] = {s: fmt_ci(o, t.loc[s, "mean"], t.loc[s, "ci_low"], t.loc[s, "ci_high"])
                       for s in self.scenarios}
        return pd.DataFrame.from_dict(rows, orient="index")[self.scenarios]

    def differences(self) -> pd.DataFrame:
        """Outcome × scenario table of ``diff [low, high]`` strings vs the first scenario."""
        rows = {}
        for o in self.outcomes:
            t = self.table[self.table["outcome"] == o].set_index("scenario")
            rows[o] = {s: fmt_ci(o, t.loc[s, "diff"], t.loc[s, "diff_low"],
                                  t.loc[s, "diff_high"], sign=True)
                       for s in self.scenarios[1:]}
        return pd.DataFrame.from_dict(rows, orient="index")

    def _repr_html_(self) -> str:  # pragma: no cover - Jupyter display
        head = (f"<p><b>ecosim comparison</b>: {len(self.scenarios)} scenarios × "
                f"{self.meta.get('replications')} replications, "
                f"{self.meta.get('steps')} steps, {int(self.meta.get('level', 0.95) * 100)}% "
                f"CI{'' if not self.failed else f', {self.failed} FAILED runs'}</p>")
        return head + self.summary().to_html()

    def write_data(self, out: str | Path) -> list[Path]:
        """Write the tidy files and ``metadata.json`` into ``out``; return the paths.

        (:func:`ecosim.reporting.comparison.write_comparison` adds figures and
        ``report.md``.)
        """
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
        put("horizons.csv", lambda p: self.horizons.to_csv(p, index=False))
        put("horizons.parquet", lambda p: self.horizons.to_parquet(p, index=False))
        if len(self.scenarios) > 1:
            put("counterfactual.csv", lambda p: self.counterfactual.to_csv(p, index=False))
            put("counterfactual.parquet",
                lambda p: self.counterfactual.to_parquet(p, index=False))
        meta = json.dumps(self.meta, indent=2, default=str)
        put("metadata.json", lambda p: Path(p).write_text(meta, encoding="utf-8"))
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


def run_comparison(scenarios: Sequence[str | Path | Scenario], replications: int = 10,
                   seed: int = 1, steps: int | None = None,
                   outcomes: Sequence[str] | None = None,
                   overrides: dict[str, Any] | None = None, workers: int | None = None,
                   executor: Executor | None = None, level: float = 0.95,
                   progress: bool | None = None,
                   horizons: Sequence[int] | None = None,
                   posterior: str | Path | None = None) -> Comparison:
    """Run each scenario ``replications`` times with common seeds and compare them.

    Writes nothing (:func:`ecosim.reporting.comparison.compare` also writes the files,
    figures and report).

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
        horizons: years after the policy starts at which outcomes are also reported
            (default ``(2, 5, 10)``, of which those beyond the run are dropped with a
            warning; given explicitly, a horizon beyond the run is an error). Year 1 is
            the first reported year (steps 1–2), unless a scenario has policy timelines
            (``scenario.policies``): then horizon ``h`` is its year ``min(start) − 1 + h``.
        posterior: a calibration folder or ``posterior.parquet``: replication ``r`` of
            every scenario runs with its parameter draw ``r`` (:mod:`.posterior`).

    Returns:
        A :class:`Comparison` (its DataFrames: ``table``, ``horizons``,
        ``counterfactual``, ``runs``, ``steps``).

    Raises:
        ScenarioError: bad scenario, outcome, horizon or setting (one line), before
            anything runs.
    """
    if replications < 1:
        raise ScenarioError(f"--replications {replications}: expected an integer ≥ 1")
    if not scenarios:
        raise ScenarioError("compare needs at least one scenario")
    loaded = _load_scenarios(scenarios, overrides)
    labels = _labels(loaded)
    steps = _common_steps(labels, loaded) if steps is None else steps
    outcomes = _checked_outcomes(outcomes)
    starts = {lab: policy_start_year(sc) for lab, sc in zip(labels, loaded, strict=True)}
    hs = check_horizons(horizons, int(steps), tuple(starts.values()), where="--horizons")
    seeds = replication_seeds(seed, replications)
    all_outcomes = tuple(OUTCOMES)
    post, draws = _posterior(posterior, replications, seed)
    tasks = [RunTask(run_id=i * replications + r, point_id=i, replication=r, seed=seeds[r],
                     steps=int(steps), params={**sc.model_kwargs(), **draws[r]},
                     outcomes=all_outcomes, series=True)
             for i, sc in enumerate(loaded) for r in range(replications)]
    t0 = time.perf_counter()
    results = _run_all(tasks, workers, executor, progress)
    elapsed = time.perf_counter() - t0
    runs, steps_df = _run_frames(tasks, results, labels, all_outcomes)
    table = comparison_table(runs, labels, outcomes, level)
    htable = horizon_table(steps_df, labels, outcomes, hs, starts, level)
    cf = (counterfactual_table(steps_df, labels, hs, starts, level) if len(labels) > 1
          else pd.DataFrame())
    meta = {
        "kind": "ecosim compare", "scenarios": _scenario_meta(labels, loaded),
        "replications": replications, "seed": seed, "seeds": seeds, "steps": int(steps),
        "level": level, "overrides": overrides or {}, "outcomes": list(outcomes),
        "horizons": list(hs), "policy_start_year": starts,
        "failed_runs": int((runs["status"] != "ok").sum()),
        "runtime_seconds": round(elapsed, 2),
        "posterior": post and post.describe(), "posterior_draws": post and draws,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **versions(),
        "model_fingerprint": model_fingerprint(),
    }
    return Comparison(labels, runs, steps_df, table, outcomes, meta, htable, cf)


def _scenario_meta(labels: list[str], loaded: list[Scenario]) -> list[dict[str, Any]]:
    return [{"label": lab, "name": sc.name, "file": str(sc.path) if sc.path else None,
             "description": sc.description, "hash": sc.content_hash}
            for lab, sc in zip(labels, loaded, strict=True)]


def _posterior(posterior: str | Path | None, replications: int, seed: int
               ) -> tuple[Any, list[dict[str, Any]]]:
    """The posterior (or None) and each replication's parameter draw ({} without one)."""
    if posterior is None:
        return None, [{} for _ in range(replications)]
    from .posterior import load_posterior

    post = load_posterior(posterior)
    return post, post.draw(replications, seed)


def _load_scenarios(scenarios: Sequence[str | Path | Scenario],
                    overrides: dict[str, Any] | None) -> list[Scenario]:
    """Load the scenarios and apply the (validated) overrides to each."""
    loaded = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
    if overrides:
        checked = {}
        for k, v in overrides.items():
            if k not in PARAMETERS:
                raise ScenarioError(f"override: unknown parameter '{k}'")
            try:
                checked[k] = coerce_value(PARAMETERS[k], v)
            except ParameterError as e:
                raise ScenarioError(f"override: {e}") from None
        loaded = [s.with_overrides(checked) for s in loaded]
    return loaded


def _common_steps(labels: list[str], loaded: list[Scenario]) -> int:
    """The scenarios' own number of steps, which must agree."""
    own = {lab: s.steps for lab, s in zip(labels, loaded, strict=True)}
    if len(set(own.values())) > 1:
        raise ScenarioError(
            "scenarios run for different numbers of steps ("
            + ", ".join(f"{k}: {v}" for k, v in own.items())
            + "); pass --steps to compare them over the same horizon")
    return next(iter(own.values()))


def _checked_outcomes(outcomes: Sequence[str] | None) -> tuple[str, ...]:
    """The outcomes to tabulate (default: headline outcomes), each a declared outcome."""
    outcomes = tuple(outcomes) if outcomes else HEADLINE_OUTCOMES
    for o in outcomes:
        if o not in OUTCOMES:
            raise ScenarioError(f"unknown outcome '{o}'{suggest(o, OUTCOMES)}; "
                                "see ecosim outcomes --all")
    return outcomes


def _run_frames(tasks: list[RunTask], results: dict[int, dict[str, Any]], labels: list[str],
                all_outcomes: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per run (final-year outcomes) and one row per run and step."""
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
    return runs, steps_df


def _run_all(tasks: list[Any], workers: int | None, executor: Executor | None,
             progress: bool | None) -> dict[int, dict[str, Any]]:
    from tqdm import tqdm

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


def horizon_table(steps: pd.DataFrame, scenarios: list[str], outcomes: Sequence[str],
                  horizons: Sequence[int], start_years: dict[str, int] | None = None,
                  level: float = 0.95) -> pd.DataFrame:
    """Mean and CI per outcome, scenario and horizon, and the paired difference from the first.

    A run's value at horizon ``h`` is its mean over year ``y = start − 1 + h`` (steps
    ``2y − 1`` and ``2y``; :func:`~ecosim.experiments.horizons.yearly`), ``start`` being
    the scenario's policy start year (default 1). The difference of a scenario from the
    reference compares both in the scenario's year ``y``, paired by ``replication``.
    Failed runs have no steps and count as missing.

    Returns:
        One row per outcome, scenario and horizon: ``outcome``, ``unit``, ``scenario``,
        ``horizon``, ``year``, ``mean``, ``ci_low``, ``ci_high``, ``n``, ``sd``, ``diff``,
        ``diff_ci_low``, ``diff_ci_high``, ``n_pairs``.
    """
    start_years = start_years or {}
    yr = yearly(steps, list(outcomes)) if len(steps) else pd.DataFrame(
        columns=["scenario", "replication", "year", *outcomes])

    def at(s: str, y: int, o: str) -> pd.Series:
        sub = yr[(yr["scenario"] == s) & (yr["year"] == y)]
        return sub.set_index("replication")[o]

    rows = []
    for o in outcomes:
        unit = OUTCOMES[o].unit if o in OUTCOMES else ""
        for s in scenarios:
            for h in horizons:
                y = int(start_years.get(s, 1)) - 1 + int(h)
                cur = at(s, y, o)
                row = {"outcome": o, "unit": unit, "scenario": s, "horizon": int(h),
                       "year": y, **mean_ci(cur, level).as_dict()}
                if s == scenarios[0]:
                    row.update(diff=np.nan, diff_ci_low=np.nan, diff_ci_high=np.nan,
                               n_pairs=0)
                else:
                    base = at(scenarios[0], y, o)
                    reps = cur.index.intersection(base.index)
                    d = paired_difference_ci(cur.loc[reps], base.loc[reps], level)
                    row.update(diff=d.mean, diff_ci_low=d.low, diff_ci_high=d.high,
                               n_pairs=d.n)
                rows.append(row)
    cols = ["outcome", "unit", "scenario", "horizon", "year", "mean", "ci_low", "ci_high",
            "n", "sd", "diff", "diff_ci_low", "diff_ci_high", "n_pairs"]
    return pd.DataFrame(rows, columns=cols)


def timeseries_band(steps: pd.DataFrame, scenario: str, outcome: str, level: float
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per step of one scenario: the step, the mean over replications and its CI."""
    sub = steps[steps["scenario"] == scenario]
    xs, m, lo, hi = [], [], [], []
    for step, g in sub.groupby("step"):
        ci = mean_ci(g[outcome], level)
        xs.append(step)
        m.append(ci.mean)
        lo.append(ci.low)
        hi.append(ci.high)
    return np.array(xs), np.array(m), np.array(lo), np.array(hi)


# ----------------------------------------------------------------------------------
# Formatting of values for reading
# ----------------------------------------------------------------------------------
def fmt_value(o: str, x: float, sign: bool = False) -> str:
    """An outcome value for reading (3 decimals for shares and indices)."""
    if x is None or x != x:
        return "n/a"
    unit = OUTCOMES[o].unit if o in OUTCOMES else ""
    s = "+" if sign else ""
    if unit in ("share", "index"):
        return f"{x:{s}.3f}"
    if abs(x) >= 100:
        return f"{x:{s},.0f}"
    return f"{x:{s}.3g}"


def fmt_ci(o: str, m: float, lo: float, hi: float, sign: bool = False) -> str:
    """``mean [low, high]`` for reading."""
    if m != m:
        return "n/a"
    if lo != lo:
        return fmt_value(o, m, sign)
    return f"{fmt_value(o, m, sign)} [{fmt_value(o, lo, sign)}, {fmt_value(o, hi, sign)}]"

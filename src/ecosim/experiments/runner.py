"""Run one scenario and write its tidy outputs.

``run_scenario`` is what ``ecosim run`` calls. Outputs in ``out``:
``outcomes.parquet`` and ``outcomes.csv`` (one row per step), ``sectors.parquet``
(step × sector) and ``summary.json`` (headline outcomes averaged over the final year,
with metadata); ``ecosim run`` adds ``plots/*.png`` (:mod:`ecosim.reporting.plots`).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..params import HEADLINE_OUTCOMES, OUTCOMES
from ..simulation.model import EcosystemModel
from .scenario import Scenario
from .store import write_atomic

__all__ = ["RunResult", "simulate", "run_scenario", "write_run", "final_year_summary",
           "write_atomic", "RUN_MARKER"]

# The file every run folder holds: only such a folder is replaced by a new run.
RUN_MARKER = "summary.json"


@dataclass
class RunResult:
    """Results of one run.

    Attributes:
        outcomes: model-level outcomes, one row per step.
        sectors: per-sector table, one row per step and sector.
        summary: headline outcomes over the final year plus metadata.
    """

    outcomes: pd.DataFrame
    sectors: pd.DataFrame
    summary: dict[str, Any]


def versions() -> dict[str, str]:
    """Versions of ecosim and Mesa, for metadata."""
    import mesa

    from .._version import __version__

    return {"ecosim_version": __version__, "mesa_version": mesa.__version__}


def final_year_summary(outcomes: pd.DataFrame | Mapping[str, Sequence[float]],
                       names: tuple[str, ...] = HEADLINE_OUTCOMES) -> dict[str, float | None]:
    """Mean of each outcome over the final year (the last two steps).

    Args:
        outcomes: one row per step: the model's outcomes frame, or any mapping from
            outcome name to its per-step values (e.g. ``model.datacollector.model_vars``,
            which sweeps read directly, without building a DataFrame).
        names: outcomes to summarise.

    Returns:
        Name → final-year mean, or None where every final-year value is missing.
    """
    out: dict[str, float | None] = {}
    for n in names:
        tail = np.asarray(outcomes[n], dtype=float)[-2:]
        out[n] = float(np.nanmean(tail)) if (~np.isnan(tail)).any() else None
    return out


def simulate(scenario: Scenario, seed: int | None = None, steps: int | None = None,
             progress: bool = False, label: str | None = None) -> RunResult:
    """Build the model from a scenario and run it (no files written)."""
    seed = scenario.seed if seed is None else seed
    steps = scenario.steps if steps is None else steps
    t0 = time.perf_counter()
    model = EcosystemModel(seed=seed, **scenario.model_kwargs())
    spinup_seconds = time.perf_counter() - t0
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=steps, desc=label or scenario.name, unit="step", file=sys.stderr)
    for _ in range(steps):
        model.step()
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    outcomes = model.outcomes_frame()
    sectors = model.sector_frame()
    summary = {
        "scenario": scenario.name,
        "scenario_file": str(scenario.path) if scenario.path else None,
        "scenario_hash": scenario.content_hash,
        "seed": int(seed),
        "steps": int(steps),
        **versions(),
        "runtime_seconds": round(time.perf_counter() - t0, 3),
        "spinup_steps": int(model.spinup),
        "spinup_seconds": round(spinup_seconds, 3),
        "parameters": dict(model.params),
        "policies": [w.as_dict() for w in model.policies],
        "final_year": final_year_summary(outcomes),
        "accounting": model.accounting(),
    }
    return RunResult(outcomes, sectors, summary)


def run_scenario(scenario: Scenario, out: str | Path, seed: int | None = None,
                 steps: int | None = None, progress: bool | None = None) -> RunResult:
    """Run a scenario and write outcomes, sectors and summary to ``out``.

    The plots of ``ecosim run`` are drawn from the result by
    :func:`ecosim.reporting.plots.plot_run`.
    """
    if progress is None:
        progress = sys.stderr.isatty()
    res = simulate(scenario, seed=seed, steps=steps, progress=progress)
    write_run(res, out)
    return res


def write_run(res: RunResult, out: str | Path) -> list[Path]:
    """Write a run's ``outcomes.parquet``, ``outcomes.csv``, ``sectors.parquet`` and
    ``summary.json`` (:data:`RUN_MARKER`) to ``out``, each file atomically."""
    out = Path(out)
    files = [out / "outcomes.parquet", out / "outcomes.csv", out / "sectors.parquet",
             out / RUN_MARKER]
    write_atomic(files[0], lambda p: res.outcomes.to_parquet(p, index=False))
    write_atomic(files[1], lambda p: res.outcomes.to_csv(p, index=False))
    write_atomic(files[2], lambda p: res.sectors.to_parquet(p, index=False))
    write_atomic(files[3],
                 lambda p: Path(p).write_text(json.dumps(res.summary, indent=2, default=float)))
    return files


def summary_table(summary: dict[str, Any]) -> str:
    """Short plain-text table of the final-year headline outcomes."""
    width = max(28, *(len(n) for n in summary["final_year"]))
    lines = [f"{'outcome':<{width}} {'final year':>14}  unit", "-" * (width + 28)]
    for name, v in summary["final_year"].items():
        unit = OUTCOMES[name].unit
        if v is None:
            txt = "n/a"
        elif unit == "share" or unit == "index":
            txt = f"{v:.3f}"
        else:
            txt = f"{v:,.0f}"
        lines.append(f"{name:<{width}} {txt:>14}  {unit}")
    return "\n".join(lines)

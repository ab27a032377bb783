"""Shared helpers of the research experiment scripts in this folder.

Each script runs its design through the public tools (``ecosim.experiments.sweep.run_sweep`` on an
experiment file beside it, or ``ecosim.compare``), then writes figures and a short
Markdown result into ``docs/results/<name>/``. Raw sweep directories go to
``results/experiments/<name>/`` (not committed); running a script again resumes an
interrupted sweep and reuses a finished one.
"""

from __future__ import annotations

import io
import os
import platform
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"
DOCS = ROOT / "docs" / "results"
RAW = ROOT / "results" / "experiments"

__all__ = ["ROOT", "EXPERIMENTS", "DOCS", "RAW", "Timer", "machine", "workers", "sweep",
           "runtime", "run_published",
           "in_field_graduates", "window_sum", "paired_vs_reference", "bootstrap_ratio",
           "fmt_ci", "md_table", "PREVIOUS", "previous_file", "previous_csv",
           "moved_section"]

PREVIOUS = "3a9b2d6"  # the last commit of model 0.2.0, before the workforce (issue 12)


class Timer:
    """Wall-clock timer: ``with Timer() as t: ...; t.seconds``."""

    def __enter__(self) -> Timer:
        self.t0 = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self.t0


def workers() -> int:
    """Worker processes: ``ECOSIM_WORKERS`` or every CPU."""
    return int(os.environ.get("ECOSIM_WORKERS", 0)) or (os.cpu_count() or 1)


def machine() -> str:
    """One line describing this machine, for the runtime notes."""
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {workers()} worker processes")


def sweep(name: str) -> Any:
    """Run or resume ``experiments/<name>.toml`` into ``results/experiments/<name>``.

    If the directory holds a sweep of an older experiment file or older model code, it
    is kept under a ``.stale-<time>`` name and the sweep starts afresh.
    """
    from ecosim.experiments.store import SweepDirError
    from ecosim.experiments.sweep import run_sweep

    exp, out = EXPERIMENTS / f"{name}.toml", RAW / name
    try:
        return run_sweep(exp, out, workers=workers(), resume=True)
    except SweepDirError as e:
        if "cannot resume" not in str(e):
            raise
        stale = out.with_name(f"{name}.stale-{time.strftime('%Y%m%d-%H%M%S')}")
        out.rename(stale)
        print(f"{e}\nkept the old sweep as {stale}; starting afresh")
        return run_sweep(exp, out, workers=workers(), resume=True)


def run_published(name: str) -> tuple[Path, Any, str]:
    """Run or resume the sweep ``name`` and open it for publishing.

    Returns:
        ``(out, store, runtime_text)``: the ``docs/results/<name>`` folder (created), the
        :class:`ecosim.experiments.store.SweepStore` of the raw sweep, and a Markdown runtime line.
    """
    from ecosim.experiments.store import SweepStore

    out = DOCS / name
    out.mkdir(parents=True, exist_ok=True)
    with Timer() as t:
        rep = sweep(name)
    print(rep.text())
    store = SweepStore(RAW / name)
    text = (f"**Runtime.** {rep.n_runs} runs in {runtime(store)} on {machine()} (this "
            f"invocation: {t.seconds:.0f} s, {rep.ran} runs executed, {rep.skipped} reused).")
    return out, store, text


def runtime(store: Any) -> str:
    """Wall time of a sweep: the sum over its sessions (resumes included)."""
    sessions = store.read_metadata().get("sessions", [])
    total = sum(float(s.get("elapsed_s", 0.0)) for s in sessions)
    ran = [s for s in sessions if s.get("ran")]
    return f"{total:.0f} s of sweep wall time" + (
        f" (in {len(ran)} sessions)" if len(ran) > 1 else "")


def in_field_graduates(series: pd.DataFrame, first_step: int, last_step: int) -> pd.Series:
    """In-field graduates per run over the cohorts measured in ``first_step..last_step``.

    A cohort that graduates at step ``t`` is measured at ``t + 1``, and cohort outcomes
    are held until the next cohort is measured, so each cohort is counted once: at the
    steps that follow a step with graduates. The count is the model's outcome
    ``in_field_graduates`` (graduates employed in their programme's field) when the series
    has it, else ``in_field_rate(t+1) × employment_rate(t+1) × graduates(t) ×
    (1 − further_study_rate(t+1))`` (the official in-field rate is a share of the
    employed). Needs the series of ``graduates`` and either ``in_field_graduates`` or
    ``in_field_rate``, ``employment_rate`` and ``further_study_rate``.
    """
    s = series.sort_values(["run_id", "step"])
    prev_grads = s.groupby("run_id")["graduates"].shift(1)
    if "in_field_graduates" in s:
        count = s["in_field_graduates"]
    else:
        count = (s["in_field_rate"] * s["employment_rate"] * prev_grads
                 * (1.0 - s["further_study_rate"]))
    count = count.where(prev_grads > 0, 0.0).fillna(0.0)
    keep = s["step"].between(first_step, last_step)
    return count[keep].groupby(s.loc[keep, "run_id"]).sum()


def window_sum(series: pd.DataFrame, column: str, first_step: int, last_step: int
               ) -> pd.Series:
    """Sum of a per-step column per run over ``first_step..last_step``."""
    keep = series["step"].between(first_step, last_step)
    return series.loc[keep].groupby("run_id")[column].sum()


def paired_vs_reference(per_run: pd.DataFrame, value: str, ref_point: int,
                        level: float = 0.95) -> pd.DataFrame:
    """Difference of ``value`` from the reference point, paired by replication (seed).

    ``per_run`` needs ``point_id``, ``replication`` and ``value``. Returns one row per
    point: ``diff``, ``diff_low``, ``diff_high``, ``n_pairs``.
    """
    from ecosim.experiments.stats import paired_difference_ci

    ref = per_run[per_run["point_id"] == ref_point].set_index("replication")[value]
    rows = []
    for pid, g in per_run.groupby("point_id"):
        cur = g.set_index("replication")[value]
        reps = cur.index.intersection(ref.index)
        d = paired_difference_ci(cur.loc[reps], ref.loc[reps], level)
        rows.append({"point_id": pid, "diff": d.mean, "diff_low": d.low,
                     "diff_high": d.high, "n_pairs": d.n})
    return pd.DataFrame(rows)


def bootstrap_ratio(num: Sequence[float], den: Sequence[float], seed: int = 0,
                    n_boot: int = 4000, level: float = 0.95) -> tuple[float, float, float]:
    """Ratio of means ``mean(num) / mean(den)`` with a seeded percentile bootstrap CI.

    Replications are resampled as pairs (the same seed gives both numbers).
    """
    a, b = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    if not len(a) or b.mean() == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(n_boot, len(a)))
    with np.errstate(divide="ignore", invalid="ignore"):
        boots = a[idx].mean(axis=1) / b[idx].mean(axis=1)
    lo, hi = np.nanpercentile(boots, [50 * (1 - level), 50 * (1 + level)])
    return float(a.mean() / b.mean()), float(lo), float(hi)


def fmt_ci(m: float, lo: float, hi: float, digits: int = 3, sign: bool = False) -> str:
    """``m [lo, hi]`` with a fixed number of decimals (``n/a`` for NaN)."""
    if m != m:
        return "n/a"
    s = "+" if sign else ""
    if lo != lo:
        return f"{m:{s}.{digits}f}"
    return f"{m:{s}.{digits}f} [{lo:{s}.{digits}f}, {hi:{s}.{digits}f}]"


def md_table(df: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (index dropped)."""
    cols = list(map(str, df.columns))
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def previous_file(name: str, file: str) -> str | None:
    """Text of ``docs/results/<name>/<file>`` as published with model 0.2.0 (commit
    :data:`PREVIOUS`), or ``None`` when git or the file is not available."""
    try:
        p = subprocess.run(["git", "-C", str(ROOT), "show",
                            f"{PREVIOUS}:docs/results/{name}/{file}"],
                           capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout if p.returncode == 0 else None


def previous_csv(name: str, file: str) -> pd.DataFrame | None:
    """A CSV of the 0.2.0 results (:func:`previous_file`) as a DataFrame, or ``None``."""
    text = previous_file(name, file)
    return None if text is None else pd.read_csv(io.StringIO(text))


def moved_section(rows: Sequence[tuple[str, str, str]], why: Sequence[str]) -> str:
    """The "what moved since 0.2.0" section at the top of a result README.

    Args:
        rows: ``(quantity, 0.2.0 value, 0.3.0 value)`` as printed text (``n/a`` when a
            quantity did not exist or is not available).
        why: one bullet per model change of 0.3.0 that explains a move.
    """
    tab = md_table(pd.DataFrame(rows, columns=["quantity", "model 0.2.0",
                                               "model 0.3.0 (workforce)"]))
    bullets = "\n".join(f"- {w}" for w in why)
    return f"""## What moved since the 0.2.0 results (model 0.3.0: the workforce, issue 12)

The 0.2.0 numbers are those published at commit `{PREVIOUS}`
(`git show {PREVIOUS}:docs/results/<name>/README.md`).

{tab}

**Why.**

{bullets}
"""

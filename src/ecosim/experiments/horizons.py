"""Outcomes at several horizons after a policy starts (pure functions on per-step frames).

A *horizon* ``h`` is a number of years after the policy starts. Step 0 is the initial
state; reported year ``y`` is steps ``2y − 1`` and ``2y`` (two semesters), and the value of
an outcome in year ``y`` is its mean over those two steps (NaN steps ignored), the same
rule as the final-year mean that ``ecosim run`` reports.

Policy start: year 1 (the first reported year) — so horizon ``h`` is year ``h`` — unless a
scenario has policy timelines: when ``getattr(scenario, "policies", ())`` is not empty,
horizon ``h`` is year ``min(p.start for p in policies) − 1 + h`` of that scenario.

Horizons a run is too short for are an error when asked for explicitly
(:func:`check_horizons`), and dropped with a warning when they are only the defaults.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError

__all__ = ["DEFAULT_HORIZONS", "horizon_column", "policy_start_year", "year_steps",
           "check_horizons", "yearly", "horizon_values"]

DEFAULT_HORIZONS: tuple[int, ...] = (2, 5, 10)


def horizon_column(outcome: str, horizon: int) -> str:
    """Column name of an outcome at a horizon in sweep results: ``<outcome>@<h>y``."""
    return f"{outcome}@{int(horizon)}y"


def policy_start_year(scenario: Any) -> int:
    """The year a scenario's policy starts: ``min(start)`` of its policies, else 1."""
    policies = tuple(getattr(scenario, "policies", ()) or ())
    if not policies:
        return 1
    return max(1, int(min(int(p.start) for p in policies)))


def year_steps(year: int) -> tuple[int, int]:
    """The two steps (semesters) of reported year ``year``: ``(2y − 1, 2y)``."""
    return 2 * int(year) - 1, 2 * int(year)


def check_horizons(horizons: Sequence[Any] | None, steps: int,
                   start_years: Sequence[int] = (1,), where: str = "horizons",
                   error: type[Exception] = ScenarioError) -> tuple[int, ...]:
    """Validate horizons against a run of ``steps`` semesters.

    Args:
        horizons: years after the policy starts; ``None`` means :data:`DEFAULT_HORIZONS`,
            of which those beyond the run are dropped with a warning.
        steps: semesters per run (its full years are ``steps // 2``).
        start_years: policy start year of each scenario (the latest one decides).
        where: the option's name, for messages.
        error: the exception raised (one line).

    Returns:
        The horizons, sorted and unique.

    Raises:
        error: a horizon that is not an integer ≥ 1, repeated, or beyond the run.
    """
    explicit = horizons is not None
    hs = list(DEFAULT_HORIZONS if horizons is None else horizons)
    for h in hs:
        if isinstance(h, bool) or not isinstance(h, int | np.integer) or h < 1:
            raise error(f"{where}: {h!r} is not allowed: expected whole years ≥ 1")
    if len(set(hs)) != len(hs):
        raise error(f"{where} = {hs}: repeats a horizon")
    years = int(steps) // 2
    last = max(start_years, default=1)
    too_far = [h for h in hs if last - 1 + h > years]
    if too_far and explicit:
        start = f" (policy starts in year {last})" if last > 1 else ""
        raise error(f"{where}: horizon {too_far[0]} (year {last - 1 + too_far[0]}) is beyond "
                    f"the run: {steps} steps = {years} years{start}; lower the horizon or "
                    "run more steps")
    if too_far:
        warnings.warn(f"horizons {too_far} dropped: runs of {steps} steps have {years} years",
                      UserWarning, stacklevel=3)
    return tuple(sorted(int(h) for h in hs if h not in too_far))


def yearly(series: pd.DataFrame, outcomes: Sequence[str],
           by: Sequence[str] = ("scenario", "replication")) -> pd.DataFrame:
    """Mean of each outcome over every reported year of every run.

    Args:
        series: one row per run and step: the ``by`` columns, ``step`` and the outcomes.
        outcomes: outcome columns.
        by: columns that identify a run.

    Returns:
        One row per run and year ``y ≥ 1`` (steps ``2y − 1`` and ``2y``; a year whose
        second step was not run is left out): the ``by`` columns, ``year`` and each
        outcome's mean over the year's steps (NaN steps ignored; NaN when both are).
    """
    by = list(by)
    s = series[series["step"] >= 1]
    year = (s["step"].astype(int) + 1) // 2
    g = s.assign(year=year).groupby([*by, "year"], sort=True)
    out = g[list(outcomes)].mean()  # pandas skips NaN
    full = g["step"].max() == 2 * out.index.get_level_values("year")
    return out[full.to_numpy()].reset_index()


def horizon_values(series: pd.DataFrame, horizons: Sequence[int], outcomes: Sequence[str],
                   start_year: Mapping[Any, int] | int = 1,
                   by: Sequence[str] = ("scenario", "replication"),
                   group: str = "scenario") -> pd.DataFrame:
    """Each run's outcomes at each horizon (long in horizons, wide in outcomes).

    Horizon ``h`` is year ``start_year − 1 + h`` (``start_year`` per value of the column
    ``group``, or one for all rows); a year the run did not reach gives no row.

    Returns:
        One row per run and horizon: the ``by`` columns, ``horizon``, ``year`` and the
        outcomes.
    """
    by = list(by)
    yr = yearly(series, outcomes, by)
    if isinstance(start_year, Mapping):
        start = yr[group].map(start_year).astype(float)
    else:
        start = pd.Series(float(start_year), index=yr.index)
    frames = []
    for h in horizons:
        f = yr[yr["year"] == start - 1 + int(h)]
        frames.append(f.assign(horizon=int(h)))
    cols = [*by, "horizon", "year", *outcomes]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]

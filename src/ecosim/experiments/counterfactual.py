"""Counterfactual effects of a policy from paired runs: deadweight and cost per matched graduate.

Each scenario of a comparison is set against the reference (the first scenario) run with
the same seeds, so the reference run of replication ``i`` is the counterfactual of the
policy run of replication ``i``. For a horizon ``h`` (year ``y = start − 1 + h`` of the
policy scenario, :mod:`ecosim.experiments.horizons`), both compared in year ``y``:

* ``in_field_graduates`` (the model's outcome: the latest measured cohort's graduates
  employed in their programme's field). A year's value is the one at its second step
  ``2y``: the cohort that graduated in year ``y``, measured six months on.
* ``additional_in_field_graduates`` = mean paired difference (policy − reference) of
  in-field graduates in year ``y``, with its t interval;
* ``additional_spending`` = mean paired difference of ``government_spending`` summed over
  the two semesters of year ``y`` (yuan per year), with its t interval;
* ``cost_per_additional_matched_graduate`` = additional spending / additional in-field
  graduates (ratio of mean differences, delta-method t interval,
  :func:`~ecosim.experiments.stats.ratio_of_means_ci`); NaN, with a ``note``, when the
  additional graduates are not significantly positive (their interval reaches 0);
* ``subsidy_deadweight`` = placements at partner enterprises in the reference run (no
  subsidy) / those in the policy run: ``partner_interns`` averaged over year ``y``, ratio
  of means over replications with a delta-method interval. Every vocational student does
  a compulsory placement either way, so what a subsidy can buy is placements at partner
  enterprises (better mentored, more often hired); this is the counterfactual share of
  the policy's partner placements that would have happened anyway (above 1: the policy
  has fewer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .horizons import yearly
from .stats import paired_difference_ci, ratio_of_means_ci

__all__ = ["COUNTERFACTUAL_COLUMNS", "add_in_field_graduates", "counterfactual_values",
           "counterfactual_table"]

BY = ["scenario", "replication"]
COUNTERFACTUAL_COLUMNS: tuple[str, ...] = (
    "additional_in_field_graduates", "additional_spending",
    "cost_per_additional_matched_graduate", "subsidy_deadweight")


def add_in_field_graduates(steps: pd.DataFrame, by: Sequence[str] = BY) -> pd.DataFrame:
    """The per-step frame with a column ``in_field_graduates``: the model's outcome when
    the frame has it, else derived from ``in_field_rate`` (in-field / employed) ×
    ``employment_rate`` × (1 − ``further_study_rate``) × the latest cohort's
    ``graduates``.
    """
    by = list(by)
    if "in_field_graduates" in steps:
        return steps.copy()
    df = steps.sort_values([*by, "step"]).copy()
    grads = df["graduates"].where(df["graduates"] > 0)
    prev = grads.groupby([df[c] for c in by]).shift(1)
    cohort = prev.groupby([df[c] for c in by]).ffill()
    df["in_field_graduates"] = (df["in_field_rate"] * df["employment_rate"]
                                * (1.0 - df["further_study_rate"]) * cohort)
    return df.sort_index()


def counterfactual_values(steps: pd.DataFrame, by: Sequence[str] = BY) -> pd.DataFrame:
    """Per run and year: in-field graduates (end of year), spending (yuan per year),
    interns and interns at partner enterprises (means per semester).

    Returns:
        Columns: the ``by`` columns, ``year``, ``in_field_graduates``,
        ``spending_per_year``, ``interns``, ``partner_interns``.
    """
    by = list(by)
    df = add_in_field_graduates(steps, by)
    yr = yearly(df, ["government_spending", "interns", "partner_interns"], by)
    yr["spending_per_year"] = 2.0 * yr.pop("government_spending")
    end = df[(df["step"] >= 2) & (df["step"] % 2 == 0)]
    end = end.assign(year=end["step"] // 2)[[*by, "year", "in_field_graduates"]]
    out = yr.merge(end, on=[*by, "year"], how="left")
    return out[[*by, "year", "in_field_graduates", "spending_per_year", "interns",
                "partner_interns"]]


def _at(values: pd.DataFrame, scenario: str, year: int, col: str) -> pd.Series:
    """One column of one scenario in one year, indexed by replication."""
    sub = values[(values["scenario"] == scenario) & (values["year"] == year)]
    return sub.set_index("replication")[col]


def counterfactual_table(steps: pd.DataFrame, scenarios: Sequence[str],
                         horizons: Sequence[int], start_years: Mapping[str, int] | None = None,
                         level: float = 0.95) -> pd.DataFrame:
    """Counterfactual effects of every scenario but the first, at each horizon.

    Args:
        steps: one row per run and step (``scenario``, ``replication``, ``step`` and the
            outcomes ``graduates``, ``in_field_rate``, ``further_study_rate``,
            ``government_spending``, ``interns``, ``partner_interns``).
        scenarios: labels; the first is the reference (the counterfactual).
        horizons: years after the policy starts.
        start_years: policy start year per scenario (default 1).
        level: confidence level.

    Returns:
        One row per scenario (but the first) and horizon: ``scenario``, ``horizon``,
        ``year``, ``n_pairs``, each of :data:`COUNTERFACTUAL_COLUMNS` with ``_low`` and
        ``_high`` and ``note``.
    """
    start_years = dict(start_years or {})
    vals = counterfactual_values(steps)
    ref = scenarios[0]
    rows = []
    for s in scenarios[1:]:
        for h in horizons:
            y = int(start_years.get(s, 1)) - 1 + int(h)
            pair: dict[str, tuple[pd.Series, pd.Series]] = {}
            for col in ("in_field_graduates", "spending_per_year", "partner_interns"):
                cur, base = _at(vals, s, y, col), _at(vals, ref, y, col)
                reps = cur.index.intersection(base.index)
                pair[col] = (cur.loc[reps], base.loc[reps])
            rows.append(_row(s, int(h), y, pair, level))
    cols = ["scenario", "horizon", "year", "n_pairs"]
    for c in COUNTERFACTUAL_COLUMNS:
        cols += [c, f"{c}_low", f"{c}_high"]
    return pd.DataFrame(rows, columns=[*cols, "note"])


def _row(s: str, h: int, y: int, pair: dict[str, tuple[pd.Series, pd.Series]],
         level: float) -> dict[str, object]:
    """One row of :func:`counterfactual_table`."""
    g_pol, g_ref = pair["in_field_graduates"]
    s_pol, s_ref = pair["spending_per_year"]
    i_pol, i_ref = pair["partner_interns"]
    dg = paired_difference_ci(g_pol, g_ref, level)
    ds = paired_difference_ci(s_pol, s_ref, level)
    notes = []
    if dg.low > 0:
        cost = ratio_of_means_ci(s_pol.to_numpy() - s_ref.to_numpy(),
                                 g_pol.to_numpy() - g_ref.to_numpy(), level)
        c = (cost.mean, cost.low, cost.high)
    else:
        c = (np.nan, np.nan, np.nan)
        notes.append("cost n/a: additional in-field graduates not significantly positive")
    dw = ratio_of_means_ci(i_ref, i_pol, level)
    if dw.mean != dw.mean:
        notes.append("deadweight n/a: the policy run has no placements at partners")
    elif dw.mean >= 1:
        notes.append("deadweight ≥ 1: the policy has no more placements at partners than "
                     "the reference")
    row: dict[str, object] = {"scenario": s, "horizon": h, "year": y, "n_pairs": dg.n}
    for name, (m, lo, hi) in zip(COUNTERFACTUAL_COLUMNS, [
            (dg.mean, dg.low, dg.high), (ds.mean, ds.low, ds.high), c,
            (dw.mean, dw.low, dw.high)], strict=True):
        row.update({name: m, f"{name}_low": lo, f"{name}_high": hi})
    row["note"] = "; ".join(notes)
    return row

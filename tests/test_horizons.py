"""Outcomes at horizons after the policy starts, and counterfactual effects (known answers).

Every test here works on small constructed frames (no model run), except the sweep
test at the end, which runs a 4-run sweep of the tiny scenario.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from experiment_support import write_experiment
from scipy import stats as st

from ecosim.cli import main
from ecosim.errors import ExperimentError, ScenarioError, SweepDirError
from ecosim.experiments.compare import horizon_table, run_comparison
from ecosim.experiments.counterfactual import add_in_field_graduates, counterfactual_table
from ecosim.experiments.design import load_experiment
from ecosim.experiments.horizons import (
    check_horizons,
    horizon_values,
    policy_start_year,
    yearly,
)
from ecosim.experiments.stats import ratio_of_means_ci
from ecosim.experiments.store import SweepStore
from ecosim.experiments.sweep import run_sweep


def _frame(values: dict[tuple[str, int], list[float]], col: str = "x") -> pd.DataFrame:
    """Per-step frame: one run per (scenario, replication), steps 0..len-1."""
    rows = [{"scenario": s, "replication": r, "step": k, col: v}
            for (s, r), vs in values.items() for k, v in enumerate(vs)]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# Year means and horizons
# --------------------------------------------------------------------------------------
def test_year_means_by_hand() -> None:
    # steps 0..5: year 1 = steps 1,2; year 2 = steps 3,4; step 5 starts an unfinished year
    steps = _frame({("a", 0): [100, 1, 3, 5, np.nan, 99], ("a", 1): [0, 2, 4, 6, 10, 7]})
    yr = yearly(steps, ["x"]).set_index(["replication", "year"])["x"]
    assert yr.to_dict() == {(0, 1): 2.0, (0, 2): 5.0, (1, 1): 3.0, (1, 2): 8.0}
    hv = horizon_values(steps, [1, 2], ["x"])
    assert list(hv.columns) == ["scenario", "replication", "horizon", "year", "x"]
    assert hv.set_index(["replication", "horizon"])["x"].to_dict() == {
        (0, 1): 2.0, (1, 1): 3.0, (0, 2): 5.0, (1, 2): 8.0}
    # a policy starting in year 2: horizon 1 is year 2
    late = horizon_values(steps, [1], ["x"], start_year={"a": 2})
    assert late.set_index("replication")["x"].to_dict() == {0: 5.0, 1: 8.0}
    assert set(late["year"]) == {2}


def test_policy_start_year_from_timelines() -> None:
    assert policy_start_year(SimpleNamespace()) == 1
    assert policy_start_year(SimpleNamespace(policies=())) == 1
    pols = (SimpleNamespace(lever="internship_subsidy", value=3000, start=4, end=None, ramp=0),
            SimpleNamespace(lever="promotion_intensity", value=0.5, start=3, end=None, ramp=1))
    assert policy_start_year(SimpleNamespace(policies=pols)) == 3


def test_horizon_table_means_and_paired_difference_ci() -> None:
    # year 2 (steps 3, 4) of three replications; reference "a", policy "b"
    a = {("a", r): [0, 0, 0, v, v + 2] for r, v in enumerate([1.0, 2.0, 6.0])}
    b = {("b", r): [0, 0, 0, v, v] for r, v in enumerate([3.0, 5.0, 7.0])}
    steps = _frame({**a, **b})
    t = horizon_table(steps, ["a", "b"], ["x"], [2], level=0.95).set_index("scenario")
    ya, yb = np.array([2.0, 3.0, 7.0]), np.array([3.0, 5.0, 7.0])
    assert t.loc["a", "mean"] == pytest.approx(ya.mean())
    lo, hi = st.t.interval(0.95, 2, loc=ya.mean(), scale=st.sem(ya))
    assert (t.loc["a", "ci_low"], t.loc["a", "ci_high"]) == pytest.approx((lo, hi))
    assert math.isnan(t.loc["a", "diff"]) and t.loc["a", "n_pairs"] == 0
    d = yb - ya  # 1, 2, 0
    lo, hi = st.t.interval(0.95, 2, loc=d.mean(), scale=st.sem(d))
    assert t.loc["b", "diff"] == pytest.approx(1.0)
    assert (t.loc["b", "diff_ci_low"], t.loc["b", "diff_ci_high"]) == pytest.approx((lo, hi))
    assert t.loc["b", "n_pairs"] == 3 and t.loc["b", "year"] == 2
    # b's policy starts in year 2: its horizon 1 is year 2, compared with a's year 2
    t1 = horizon_table(steps, ["a", "b"], ["x"], [1], {"b": 2}).set_index("scenario")
    assert t1.loc["a", "year"] == 1 and t1.loc["b", "year"] == 2
    assert t1.loc["b", "diff"] == pytest.approx(1.0)


def test_horizon_validation() -> None:
    assert check_horizons([5, 2], 10) == (2, 5)
    with pytest.raises(ScenarioError, match=r"horizon 6 \(year 6\) is beyond the run: "
                                            r"10 steps = 5 years"):
        check_horizons([2, 6], 10)
    assert check_horizons([3], 10, start_years=(1, 3)) == (3,)  # year 5 of 5
    with pytest.raises(ScenarioError, match=r"year 6\) is beyond.*policy starts in year 3"):
        check_horizons([4], 10, start_years=(1, 3))
    for bad in ([0], [2.5], ["2"], [True], [2, 2]):
        with pytest.raises(ScenarioError):
            check_horizons(bad, 40)
    with pytest.warns(UserWarning, match=r"horizons \[5, 10\] dropped"):
        assert check_horizons(None, 8) == (2,)


def test_compare_refuses_long_horizons_before_running(tmp_path: Path) -> None:
    class NoRuns:
        def submit(self, *a: object, **k: object) -> None:
            raise AssertionError("nothing may run")

    sc = tmp_path / "s.toml"
    sc.write_text('name = "s"\nextends = "' + str(Path(__file__).resolve().parents[1]
                                                  / "scenarios" / "baseline.toml") + '"\n')
    with pytest.raises(ScenarioError, match=r"--horizons: horizon 3 \(year 3\) is beyond the "
                                            r"run: 4 steps = 2 years"):
        run_comparison([sc], replications=2, steps=4, horizons=(1, 3),
                       executor=NoRuns())  # type: ignore[arg-type]
    assert main(["compare", str(sc), "-r", "2", "--steps", "4", "--horizons", "3"]) == 2


# --------------------------------------------------------------------------------------
# Counterfactual quantities
# --------------------------------------------------------------------------------------
def _cf_steps() -> pd.DataFrame:
    """Two scenarios × three replications × steps 0..4, one cohort graduating a year.

    Graduates at steps 1 and 3; the cohort of step 3 is measured at step 4 (end of year 2).
    """
    rows = []
    for s, r, ifr, spend, interns in [
            ("ref", 0, 0.50, 100.0, 10.0), ("ref", 1, 0.40, 110.0, 12.0),
            ("ref", 2, 0.45, 90.0, 8.0),
            ("pol", 0, 0.60, 400.0, 20.0), ("pol", 1, 0.55, 450.0, 16.0),
            ("pol", 2, 0.60, 500.0, 24.0)]:
        for k in range(5):
            rows.append({"scenario": s, "replication": r, "step": k,
                         "graduates": 200.0 if k in (1, 3) else 0.0,
                         "in_field_rate": ifr if k >= 2 else np.nan,
                         "further_study_rate": 0.2 if k >= 2 else np.nan,
                         "government_spending": spend if k else 0.0,
                         "employment_rate": 1.0 if k >= 2 else np.nan,
                         "interns": 2 * interns,
                         "partner_interns": interns if k >= 3 else interns / 2})
    return pd.DataFrame(rows)


def test_in_field_graduates_count() -> None:
    df = add_in_field_graduates(_cf_steps()).set_index(["scenario", "replication", "step"])
    # derived (no model outcome in the frame): step 4: in_field_rate × employment_rate
    # × (1 − further_study_rate) × graduates of step 3
    assert df.loc[("ref", 0, 4), "in_field_graduates"] == pytest.approx(0.5 * 0.8 * 200)
    assert df.loc[("pol", 1, 3), "in_field_graduates"] == pytest.approx(0.55 * 0.8 * 200)
    assert math.isnan(df.loc[("ref", 0, 1), "in_field_graduates"])


def test_counterfactual_formulas_known_answer() -> None:
    t = counterfactual_table(_cf_steps(), ["ref", "pol"], [2]).iloc[0]
    # in-field graduates at the end of year 2: 160 × rate
    g_ref, g_pol = 160 * np.array([0.50, 0.40, 0.45]), 160 * np.array([0.60, 0.55, 0.60])
    dg = g_pol - g_ref  # 16, 24, 24
    assert t["additional_in_field_graduates"] == pytest.approx(dg.mean())
    lo, hi = st.t.interval(0.95, 2, loc=dg.mean(), scale=st.sem(dg))
    assert (t["additional_in_field_graduates_low"],
            t["additional_in_field_graduates_high"]) == pytest.approx((lo, hi))
    ds = 2 * (np.array([400, 450, 500.0]) - np.array([100, 110, 90.0]))  # per year
    assert t["additional_spending"] == pytest.approx(ds.mean())
    assert t["cost_per_additional_matched_graduate"] == pytest.approx(ds.mean() / dg.mean())
    assert t["cost_per_additional_matched_graduate_low"] < ds.mean() / dg.mean()
    # partner placements over year 2 (steps 3, 4): the full count
    assert t["subsidy_deadweight"] == pytest.approx(30 / 60)
    assert t["note"] == "" and t["n_pairs"] == 3 and t["year"] == 2


def test_cost_is_nan_unless_additional_graduates_significant() -> None:
    steps = _cf_steps()
    # policy in-field rates around the reference's: the difference is not significant
    for r, v in enumerate([0.55, 0.35, 0.45]):
        steps.loc[(steps["scenario"] == "pol") & (steps["replication"] == r)
                  & (steps["step"] >= 2), "in_field_rate"] = v
    t = counterfactual_table(steps, ["ref", "pol"], [2]).iloc[0]
    assert math.isnan(t["cost_per_additional_matched_graduate"])
    assert "not significantly positive" in t["note"]
    assert t["additional_spending"] > 0


def test_ratio_of_means_ci_delta_method() -> None:
    a, b = np.array([2.0, 4.0, 6.0]), np.array([1.0, 2.0, 2.0])
    r = a.mean() / b.mean()
    ci = ratio_of_means_ci(a, b)
    se = (a - r * b).std(ddof=1) / (math.sqrt(3) * b.mean())
    half = st.t.ppf(0.975, 2) * se
    assert (ci.mean, ci.low, ci.high) == pytest.approx((r, r - half, r + half))
    assert math.isnan(ratio_of_means_ci([1.0, 2.0], [0.0, 0.0]).mean)


# --------------------------------------------------------------------------------------
# Sweeps
# --------------------------------------------------------------------------------------
SWEEP = """
steps = 6
replications = 2
seed = 5
outcomes = ["in_field_rate", "participation_rate"]
horizons = [1, 2]
[design]
method = "grid"
[factors.internship_subsidy]
values = [0, 4000]
"""


def test_experiment_horizons_validated(tmp_path: Path) -> None:
    assert load_experiment(write_experiment(tmp_path, SWEEP)).horizons == (1, 2)
    for bad, msg in [("horizons = [1, 4]", r"horizon 4 \(year 4\) is beyond the run: "
                                           r"6 steps = 3 years"),
                     ("horizons = [0]", "whole years"), ("horizons = 2", "non-empty list"),
                     ("horizons = [1]\nseries = false", "remove series = false")]:
        body = SWEEP.replace("horizons = [1, 2]", bad)
        with pytest.raises(ExperimentError, match=msg):
            load_experiment(write_experiment(tmp_path, body, "bad.toml"))


def test_sweep_horizon_columns(tmp_path: Path) -> None:
    exp = write_experiment(tmp_path, SWEEP)
    rep = run_sweep(exp, tmp_path / "sw", workers=2, progress=False)
    assert rep.ok == 4
    store = SweepStore(tmp_path / "sw")
    res = store.results()
    ser = store.series()
    for o in ("in_field_rate", "participation_rate"):
        for h in (1, 2):
            want = (ser[ser["step"].isin([2 * h - 1, 2 * h])].groupby("run_id")[o].mean())
            got = res.set_index("run_id")[f"{o}@{h}y"]
            pd.testing.assert_series_equal(got, want, check_names=False)
    # year 3 is the final year: read at another horizon without a rerun
    at3 = store.results(horizons=[3]).set_index("run_id")
    np.testing.assert_allclose(at3["in_field_rate@3y"], at3["in_field_rate"])
    assert "in_field_rate@2y" not in at3.columns
    Y = store.outcome_matrix("participation_rate@2y")
    assert Y.shape == (2, 2) and np.isfinite(Y).all()
    with pytest.raises(SweepDirError, match="beyond the run"):
        store.results(horizons=[4])
    path, n = store.export(tmp_path / "x.csv")
    cols = pd.read_csv(path).columns
    assert n == 4 and "participation_rate@1y" in cols and "in_field_rate@2y" in cols

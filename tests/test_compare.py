"""Scenario comparison: common seeds, CI and paired-difference math, files, CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from experiment_support import write_tiny_scenario
from scipy import stats as st

import ecosim
from ecosim.cli import main
from ecosim.experiments.compare import Comparison
from ecosim.experiments.scenario import ScenarioError
from ecosim.experiments.stats import replication_seeds

OUTS = ("in_field_rate", "participation_rate", "government_spending")


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("sc")
    tiny = write_tiny_scenario(d)
    subsidy = d / "subsidy.toml"
    subsidy.write_text('name = "subsidy"\nextends = "tiny.toml"\n'
                       "[levers]\ninternship_subsidy = 4000\n")
    return tiny, subsidy


@pytest.fixture(scope="module")
def result(scenarios: tuple[Path, Path]) -> Comparison:
    tiny, subsidy = scenarios
    with pytest.warns(UserWarning, match=r"horizons \[5, 10\] dropped"):
        return ecosim.compare([tiny, subsidy, tiny], replications=4, seed=3, steps=4,
                              outcomes=OUTS, workers=2, progress=False)


def test_runs_use_common_seeds(result: Comparison) -> None:
    assert result.scenarios == ["tiny", "subsidy", "tiny#2"]
    runs = result.runs
    assert len(runs) == 12 and (runs["status"] == "ok").all()
    seeds = replication_seeds(3, 4)
    for _, g in runs.groupby("scenario"):
        assert list(g.sort_values("replication")["seed"]) == seeds


def test_table_matches_t_interval_of_the_runs(result: Comparison) -> None:
    t = result.table.set_index(["outcome", "scenario"])
    for o in OUTS:
        for s in result.scenarios:
            x = result.runs.loc[result.runs["scenario"] == s, o].to_numpy(float)
            lo, hi = st.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=st.sem(x))
            row = t.loc[(o, s)]
            assert row["n"] == 4
            assert row["mean"] == pytest.approx(x.mean(), rel=1e-12)
            assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), rel=1e-9)


def test_differences_are_paired_by_seed(result: Comparison) -> None:
    t = result.table.set_index(["outcome", "scenario"])
    runs = result.runs.set_index(["scenario", "replication"])
    for o in OUTS:
        d = (runs.loc["subsidy", o] - runs.loc["tiny", o]).to_numpy(float)
        lo, hi = st.t.interval(0.95, 3, loc=d.mean(), scale=st.sem(d))
        row = t.loc[(o, "subsidy")]
        assert row["diff"] == pytest.approx(d.mean(), rel=1e-12)
        assert (row["diff_low"], row["diff_high"]) == pytest.approx((lo, hi), rel=1e-9)
        # the same scenario twice: identical runs (same seeds), a zero-width zero difference
        same = t.loc[(o, "tiny#2")]
        assert (same["diff"], same["diff_low"], same["diff_high"]) == (0.0, 0.0, 0.0)
        assert np.isnan(t.loc[(o, "tiny"), "diff"])


def test_per_step_results_agree_with_per_run(result: Comparison) -> None:
    steps = result.steps
    assert len(steps) == 12 * 5 and {"scenario", "replication", "seed", "step"} <= set(steps)
    last = steps[steps["step"] >= 3].groupby(["scenario", "replication"])[
        "participation_rate"].mean()
    runs = result.runs.set_index(["scenario", "replication"])["participation_rate"]
    pd.testing.assert_series_equal(last.sort_index(), runs.sort_index(), check_names=False)


def test_horizon_table_of_a_real_compare(result: Comparison) -> None:
    # 4 steps = 2 years: of the default horizons (2, 5, 10) only 2 is kept, and year 2 is
    # the final year, so the horizon table must agree with the final-year table
    assert result.meta["horizons"] == [2]
    h = result.horizons
    assert len(h) == len(OUTS) * 3 and set(h["horizon"]) == {2} and set(h["year"]) == {2}
    assert {"mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"} <= set(h)
    t = result.table.set_index(["outcome", "scenario"])
    hh = h.set_index(["outcome", "scenario"])
    for col, tcol in [("mean", "mean"), ("ci_low", "ci_low"), ("diff", "diff"),
                      ("diff_ci_high", "diff_high")]:
        np.testing.assert_allclose(hh.loc[t.index, col], t[tcol], rtol=1e-12)
    cf = result.counterfactual.set_index("scenario")
    assert list(cf.index) == ["subsidy", "tiny#2"] and set(cf["horizon"]) == {2}
    assert cf.loc["tiny#2", "additional_spending"] == 0.0
    assert cf.loc["tiny#2", "subsidy_deadweight"] == pytest.approx(1.0)
    assert cf.loc["subsidy", "additional_spending"] > 0


def test_explicit_horizons(scenarios: tuple[Path, Path]) -> None:
    tiny, subsidy = scenarios
    res = ecosim.compare([tiny, subsidy], replications=2, seed=1, steps=4,
                         outcomes=("interns",), horizons=(1, 2), workers=2, progress=False)
    h = res.horizons
    assert h.shape[0] == 2 * 2 and sorted(set(h["horizon"])) == [1, 2]
    steps = res.steps[res.steps["step"].isin([1, 2])]
    want = steps.groupby(["scenario", "replication"])["interns"].mean().groupby(
        "scenario").mean()
    got = h[h["horizon"] == 1].set_index("scenario")["mean"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)


def test_write_report_and_figures(result: Comparison, tmp_path: Path) -> None:
    files = ecosim.write_comparison(result, tmp_path / "cmp")
    out = tmp_path / "cmp"
    for name in ("runs.parquet", "runs.csv", "steps.parquet", "table.csv", "report.md",
                 "metadata.json", "figures/timeseries.png", "figures/differences.png"):
        assert (out / name).is_file(), name
        assert out / name in files
    report = (out / "report.md").read_text()
    assert "![" in report and "figures/timeseries.png" in report
    assert "SeedSequence(3).spawn(4)" in report and "Student t" in report
    assert "| in_field_rate |" in report
    assert "## Effects by horizon" in report
    assert "subsidy @ 2 y" in report and "figures/horizons.png" in report
    assert "## Counterfactual" in report and "cost per additional matched graduate" in report
    for name in ("horizons.csv", "horizons.parquet", "counterfactual.csv",
                 "figures/horizons.png"):
        assert (out / name).is_file(), name
    assert pd.read_csv(out / "horizons.csv").shape == result.horizons.shape
    assert pd.read_parquet(out / "runs.parquet").shape[0] == 12


def test_compare_cli(scenarios: tuple[Path, Path], tmp_path: Path,
                     capsys: pytest.CaptureFixture) -> None:
    tiny, subsidy = scenarios
    code = main(["compare", str(tiny), str(subsidy), "-r", "3", "--steps", "4", "--seed", "2",
                 "--workers", "2", "--out", str(tmp_path / "c"),
                 "--outcomes", "in_field_rate,government_spending"])
    assert code == 0
    text = capsys.readouterr().out
    assert "difference from tiny" in text and "SeedSequence(2).spawn(3)" in text
    assert (tmp_path / "c" / "report.md").is_file()
    assert (tmp_path / "c" / "figures" / "differences.png").is_file()


def test_compare_errors_are_one_line(scenarios: tuple[Path, Path], tmp_path: Path,
                                     capsys: pytest.CaptureFixture) -> None:
    tiny, _ = scenarios
    assert main(["compare", str(tiny), "baselin", "-r", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "did you mean 'baseline'" in err[0]
    with pytest.raises(ScenarioError, match="different numbers of steps"):
        ecosim.compare([tiny, "demo"], replications=2)
    assert main(["compare", str(tiny), "--outcomes", "in_feld_rate", "-r", "2"]) == 2
    assert "did you mean 'in_field_rate'" in capsys.readouterr().err

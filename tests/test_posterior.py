"""Parameter uncertainty in experiments (issue 13, item 5): ``--posterior`` draws each
replication's parameters from a calibration posterior, in compare and in sweep."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from experiment_support import write_tiny_scenario

import ecosim
from ecosim.errors import ScenarioError, SweepDirError
from ecosim.experiments.posterior import load_posterior
from ecosim.experiments.sweep import run_sweep


def _posterior(path: Path, **cols: list[float]) -> Path:
    n = len(next(iter(cols.values())))
    df = pd.DataFrame({**cols, "weight": np.full(n, 1.0 / n), "distance": np.ones(n)})
    df.to_parquet(path, index=False)
    return path


def test_draws_follow_the_weights_and_are_typed(tmp_path):
    f = tmp_path / "p.parquet"
    pd.DataFrame({"hire_threshold": [0.25, 0.45], "applications_base": [2.2, 5.8],
                  "weight": [0.9, 0.1]}).to_parquet(f, index=False)
    post = load_posterior(f)
    draws = post.draw(4000, seed=1)
    share = np.mean([d["hire_threshold"] == 0.25 for d in draws])
    assert abs(share - 0.9) < 0.02
    assert {d["applications_base"] for d in draws} == {2, 6}
    assert post.draw(10, seed=1) == post.draw(10, seed=1) != post.draw(10, seed=2)


@pytest.mark.parametrize(("frame", "message"), [
    ({"n_schools": [4.0]}, r"column 'n_schools' is not a numeric uncertainty"),
    ({"hire_threshold": [0.9]}, r"column 'hire_threshold'"),
    ({"hire_threshold": [0.3], "weight": [0.0]}, r"weights must be finite"),
])
def test_bad_posteriors_get_one_clear_line(tmp_path, frame, message):
    f = tmp_path / "p.parquet"
    pd.DataFrame(frame).to_parquet(f, index=False)
    with pytest.raises(ScenarioError, match=message) as e:
        load_posterior(f)
    assert "--posterior" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(ScenarioError, match="no posterior found"):
        load_posterior(tmp_path / "missing")


def test_compare_pairs_parameter_draws_across_scenarios(tmp_path):
    tiny = write_tiny_scenario(tmp_path)
    post = _posterior(tmp_path / "posterior.parquet", hire_threshold=[0.2, 0.35, 0.55],
                      p_local=[0.2, 0.5, 0.85])
    res = ecosim.compare([tiny, tiny], replications=4, seed=3, steps=4, workers=1,
                         posterior=post)
    draws = res.meta["posterior_draws"]
    assert len(draws) == 4 and len({d["hire_threshold"] for d in draws}) > 1
    runs = res.runs.set_index(["scenario", "replication"])
    # the same scenario twice with the same seeds and draws: identical runs
    a, b = runs.loc["tiny"], runs.loc["tiny#2"]
    assert np.allclose(a["placement_rate"], b["placement_rate"], equal_nan=True)
    plain = ecosim.compare([tiny], replications=4, seed=3, steps=4, workers=1)
    assert not np.allclose(a["placement_rate"].to_numpy(float),
                           plain.runs["placement_rate"].to_numpy(float))


def test_sweep_draws_per_replication_and_resumes_with_its_copy(tmp_path):
    tiny = write_tiny_scenario(tmp_path)
    post = _posterior(tmp_path / "posterior.parquet", hire_threshold=[0.2, 0.55])
    exp = tmp_path / "exp.toml"
    exp.write_text(f'scenario = "{tiny.name}"\nsteps = 3\nreplications = 2\nseed = 4\n'
                   'outcomes = ["placement_rate"]\nseries = false\n'
                   '[design]\nmethod = "grid"\n[factors.internship_subsidy]\n'
                   "values = [0.0, 3000.0]\n")
    out = tmp_path / "sweep"
    rep = run_sweep(exp, out, workers=1, posterior=post, max_runs=2, progress=False)
    assert (out / "posterior.parquet").is_file() and rep.pending == 2
    rep = run_sweep(exp, out, workers=1, resume=True, progress=False)  # uses the copy
    assert rep.pending == 0 and rep.failed == 0
    with pytest.raises(SweepDirError, match="another posterior"):
        other = _posterior(tmp_path / "other.parquet", hire_threshold=[0.3])
        run_sweep(exp, out, workers=1, resume=True, posterior=other, progress=False)
    bad = tmp_path / "bad.parquet"
    _posterior(bad, internship_subsidy=[0.0])
    with pytest.raises(ScenarioError, match="not a numeric uncertainty"):
        run_sweep(exp, tmp_path / "s2", workers=1, posterior=bad, progress=False)

"""ABC-SMC calibration (issue 13): file validation, known answers, reproducibility,
resume after a kill, and recovery of ecosim's own parameters at tiny scale."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ecosim.calibration.engine import load_result, run_calibration
from ecosim.calibration.sampler import candidate_seed
from ecosim.calibration.spec import load_calibration, load_targets
from ecosim.calibration.stats import weighted_quantile
from ecosim.cli.main import main
from ecosim.errors import CalibrationError
from ecosim.experiments.scenario import load_scenario
from ecosim.testfunctions import LINEAR_GAUSSIAN_SD, LINEAR_GAUSSIAN_TRUTH, linear_gaussian

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "data" / "calibration_targets.toml"


def _linear_file(path: Path, observed: dict[str, float], generations: int = 16,
                 population: int = 80, min_epsilon: float = 1.0,
                 replications: int = 1) -> Path:
    """A calibration file of :func:`linear_gaussian` with flat priors on [-1, 1]."""
    txt = ['name = "linear_gaussian"', 'model = "ecosim.testfunctions:linear_gaussian"',
           "seed = 11", f"replications = {replications}"]
    for k, v in observed.items():
        txt += ["[[target]]", f'id = "{k}"', f'outcome = "{k}"', f"observed = {float(v)!r}",
                f"sd = {LINEAR_GAUSSIAN_SD}", 'source = "linear_gaussian at its true values"']
    for k in ("a", "b", "c"):
        txt += [f"[priors.{k}]", "low = -1.0", "high = 1.0"]
    txt += ["[abc]", f"population_size = {population}", f"generations = {generations}",
            f"min_epsilon = {min_epsilon}", "predictive_draws = 20"]
    path.write_text("\n".join(txt) + "\n")
    return path


@pytest.fixture(scope="module")
def observed() -> dict[str, float]:
    """Observations of the linear Gaussian model at its true values (seed 5)."""
    return linear_gaussian(**LINEAR_GAUSSIAN_TRUTH, seed=5)


# ------------------------------------------------------------------------------------
# Known answers
# ------------------------------------------------------------------------------------
def test_weighted_quantile_known_answers():
    x = np.array([3.0, 1.0, 2.0])
    assert weighted_quantile(x, np.ones(3), [0.5]) == [2.0]
    # all the weight on one value: every quantile is that value
    assert weighted_quantile(x, np.array([0.0, 1.0, 0.0]), [0.05, 0.5, 0.95]) == [1.0] * 3
    # large equal-weight sample: the 5% / 95% quantiles of U(0, 1)
    u = np.random.default_rng(0).random(20_000)
    lo, hi = weighted_quantile(u, np.ones(u.size), [0.05, 0.95])
    assert abs(lo - 0.05) < 0.01 and abs(hi - 0.95) < 0.01


def test_linear_gaussian_posterior_matches_the_analytic_one(tmp_path, observed):
    """Flat priors and y = Aθ + e: the exact posterior is N(A⁻¹y, σ²(AᵀA)⁻¹). ABC with a
    final threshold below 1 sd recovers its mean and the width of its 90% interval
    (2 × 1.645 sd; measured: 0.9-1.1 × the analytic width)."""
    res = run_calibration(_linear_file(tmp_path / "lg.toml", observed), tmp_path / "out",
                          workers=1, progress=False)
    assert res.complete
    assert float(res.generations["epsilon"].iloc[-1]) <= 1.2
    A = np.array([[1, 0, 0], [1, 1, 0], [0, 1, -1]], dtype=float)
    y = np.array([observed["y1"], observed["y2"], observed["y3"]])
    mean = np.linalg.solve(A, y)
    sd = LINEAR_GAUSSIAN_SD * np.sqrt(np.diag(np.linalg.inv(A.T @ A)))
    s = res.summary().set_index("parameter")
    for i, k in enumerate(("a", "b", "c")):
        assert abs(s.loc[k, "median"] - mean[i]) < 1.0 * sd[i] + 0.02, k
        width = s.loc[k, "high"] - s.loc[k, "low"]
        assert 0.7 * 3.29 * sd[i] < width < 1.6 * 3.29 * sd[i], (k, width, sd[i])
        assert s.loc[k, "low"] <= LINEAR_GAUSSIAN_TRUTH[k] <= s.loc[k, "high"], k
    # the posterior predictive covers the observations
    pred = res.predictive
    for k, v in observed.items():
        lo, hi = np.quantile(pred[k], [0.05, 0.95])
        assert lo <= v <= hi, k


def test_candidate_seeds_are_distinct_and_positional():
    seeds = {candidate_seed(1, t, i) for t in range(-1, 5) for i in range(500)}
    assert len(seeds) == 6 * 500
    assert candidate_seed(1, 2, 3) == candidate_seed(1, 2, 3) != candidate_seed(2, 2, 3)


# ------------------------------------------------------------------------------------
# Reproducible for any number of workers; resumable
# ------------------------------------------------------------------------------------
def test_same_posterior_in_process_on_two_workers_and_on_dask(tmp_path, observed):
    """In this process, on a pool of 2 processes and on a local Dask cluster (127.0.0.1):
    the same particles and predictive runs."""
    f = _linear_file(tmp_path / "lg.toml", observed, generations=3, population=30)
    one = run_calibration(f, tmp_path / "one", workers=1, progress=False)
    two = run_calibration(f, tmp_path / "two", workers=2, progress=False)
    dask = run_calibration(f, tmp_path / "dask", workers=2, dask="local", progress=False)
    assert len(one.particles) == 3 * 30
    for other in (two, dask):
        assert one.particles.equals(other.particles)
        assert one.predictive.equals(other.predictive)


def test_resume_continues_to_the_same_posterior(tmp_path, observed):
    """Two generations, then resumed to four == four at once."""
    four = _linear_file(tmp_path / "four.toml", observed, generations=4, population=40)
    straight = run_calibration(four, tmp_path / "straight", workers=1, progress=False)
    two = _linear_file(tmp_path / "two.toml", observed, generations=2, population=40)
    run_calibration(two, tmp_path / "split", workers=1, progress=False)
    (tmp_path / "split" / "predictive.parquet").unlink()
    with pytest.raises(CalibrationError, match="--resume"):
        run_calibration(four, tmp_path / "split", workers=1, progress=False)
    resumed = run_calibration(four, tmp_path / "split", workers=1, progress=False,
                              resume=True)
    assert resumed.state["sessions"] == 2
    assert straight.particles.equals(resumed.particles)
    assert straight.predictive.equals(resumed.predictive)


def _generations_done(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as con:
            return int(con.execute("select count(*) from populations where t >= 0")
                       .fetchone()[0])
    except sqlite3.Error:
        return 0


def test_killed_calibration_resumes_to_the_uninterrupted_result(tmp_path, observed):
    """SIGKILL after the first stored generation; --resume ends where an uninterrupted
    run ends."""
    f = _linear_file(tmp_path / "lg.toml", observed, generations=3, population=40,
                     replications=100)
    ref = run_calibration(f, tmp_path / "ref", workers=1, progress=False)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "ecosim.cli.main", "calibrate", str(f), "--out", str(out),
           "--workers", "1", "--no-progress", "--no-plots"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if _generations_done(out / "abc.db") >= 1:
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.wait(timeout=30)
    killed = proc.returncode == -signal.SIGKILL
    assert killed, "the run ended before it could be killed: make it slower"
    assert _generations_done(out / "abc.db") < 3
    res = run_calibration(f, out, workers=1, progress=False, resume=True)
    assert res.complete
    assert ref.particles.equals(res.particles)


# ------------------------------------------------------------------------------------
# Files: one clear line for each mistake
# ------------------------------------------------------------------------------------
GOOD = """name = "x"
model = "ecosim.testfunctions:linear_gaussian"
[[target]]
id = "y1"
outcome = "y1"
observed = 0.3
sd = 0.05
source = "s"
[priors.a]
low = -1
high = 1
[priors.b]
low = -1
high = 1
[priors.c]
low = -1
high = 1
"""


@pytest.mark.parametrize(("change", "message"), [
    (("sd = 0.05", "sd = 0"), r"sd = 0\.0 is not allowed: expected a finite number > 0"),
    (("sd = 0.05", "sd = nan"), r"sd = nan is not allowed"),
    (("observed = 0.3", 'observed = "high"'), r"observed = 'high' is not allowed"),
    (('source = "s"\n', ""), r"'source' is missing"),
    (("low = -1\nhigh = 1\n[priors.b]", "high = 1\n[priors.b]"),
     r"\[priors\.a\]: a function model's parameters need low and high"),
    (("[priors.a]\nlow = -1", "[priors.a]\nlow = 2"), r"low = 2, high = 1 are not allowed"),
    (("name = \"x\"", "name = \"x\"\npopulation = 5"), r"unknown field 'population'"),
    (("", "[abc]\npopulation_size = 1"),
     r"\[abc\] population_size = 1 is not allowed: expected an integer in \[2, 100000\]"),
    (("linear_gaussian\"", "no_such\""), r"has no function 'no_such'"),
    (("[[target]]", "[[target]]\nrole = \"fit\""), r"role = 'fit' is not allowed"),
])
def test_bad_calibration_files_get_one_clear_line(tmp_path, change, message):
    f = tmp_path / "bad.toml"
    old, new = change
    assert old in GOOD
    f.write_text(GOOD.replace(old, new, 1) if old else GOOD + new)
    with pytest.raises(CalibrationError, match=message) as e:
        load_calibration(f)
    assert str(f) in str(e.value) and "\n" not in str(e.value)


def test_ecosim_priors_come_from_the_declaration(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text(f'scenario = "baseline"\ntargets_file = "{TARGETS}"\n'
                 'targets = ["placement_rate"]\n[priors.hire_threshold]\n'
                 "[priors.applications_base]\n")
    spec = load_calibration(f)
    p = {q.name: q for q in spec.priors}
    assert (p["hire_threshold"].low, p["hire_threshold"].high) == (0.2, 0.6)
    assert p["applications_base"].integer
    f.write_text(f'scenario = "baseline"\ntargets_file = "{TARGETS}"\n[priors.n_schools]\n')
    with pytest.raises(CalibrationError, match="not a numeric uncertainty or calibration"):
        load_calibration(f)
    holdout = next(t.id for t in load_targets(TARGETS) if t.role == "holdout")
    f.write_text(f'scenario = "baseline"\ntargets_file = "{TARGETS}"\ntargets = ["{holdout}"]\n'
                 "[priors.hire_threshold]\n")
    with pytest.raises(CalibrationError, match="held-out target"):
        load_calibration(f)


def test_shipped_target_file_has_sources_and_both_roles():
    targets = load_targets(TARGETS)
    assert {t.role for t in targets} == {"calibrate", "holdout"}
    assert sum(t.role == "holdout" for t in targets) >= 3
    for t in targets:
        assert len(t.source) > 15 and "facts.md" not in t.source, t.id


# ------------------------------------------------------------------------------------
# ecosim itself, tiny scale: recover three known parameters
# ------------------------------------------------------------------------------------
TINY = """name = "tiny"
description = "a tiny region for the calibration recovery test"
extends = "{baseline}"
steps = 6
[structure]
n_schools = 4
n_enterprises = 40
cohort_size = 300
n_districts = 2
spinup_steps = 12
[calibration]
# A slack market, where placement depends on the hiring threshold. At the default
# (1.02, since 0.3.1) placement saturates for any threshold below the true 0.4 and the
# placement target cannot narrow the threshold from below at this tiny scale.
labour_demand_ratio = 0.95
"""
TRUTH = {"hire_threshold": 0.4, "p_in_sector": 0.4, "track_bias": 1.2}
RECOVERY_OUTCOMES = ("placement_rate", "local_retention_rate", "vocational_share",
                     "in_field_rate")


def test_tiny_ecosim_recovers_known_parameters(tmp_path):
    """Targets are the model's own outputs at known values (mean and sd over 8 seeds);
    ABC-SMC puts each true value inside its 90% posterior interval, and the data narrow
    the prior (known answer of issue 13 at tiny scale; the full one is
    experiments/calibration_recovery.py)."""
    from ecosim.experiments.sweep import simulate_outcomes

    sc_file = tmp_path / "tiny.toml"
    sc_file.write_text(TINY.format(baseline=ROOT / "scenarios" / "baseline.toml"))
    sc = load_scenario(sc_file)
    runs = np.array([[simulate_outcomes({**sc.model_kwargs(), **TRUTH}, 1000 + s, sc.steps,
                                        RECOVERY_OUTCOMES, False)[0][o]
                      for o in RECOVERY_OUTCOMES] for s in range(8)])
    txt = ['name = "recovery"', 'scenario = "tiny.toml"', "seed = 3"]
    for o, m, s in zip(RECOVERY_OUTCOMES, runs.mean(0), runs.std(0, ddof=1), strict=True):
        txt += ["[[target]]", f'id = "{o}"', f'outcome = "{o}"', f"observed = {m:.6f}",
                f"sd = {s:.6f}", 'source = "the model at known parameter values"']
    txt += [f"[priors.{k}]" for k in TRUTH]
    txt += ["[abc]", "population_size = 24", "generations = 3", "predictive_draws = 8"]
    f = tmp_path / "recovery.toml"
    f.write_text("\n".join(txt) + "\n")
    assert main(["calibrate", str(f), "--out", str(tmp_path / "out"), "--workers", "2",
                 "--no-progress"]) == 0
    res = load_result(tmp_path / "out")
    s = res.summary().set_index("parameter")
    for k, v in TRUTH.items():
        assert s.loc[k, "low"] <= v <= s.loc[k, "high"], (k, s.loc[k].to_dict())
    # the placement target pins the hiring threshold: its interval is well inside the prior
    assert s.loc["hire_threshold", "interval_share_of_prior"] < 0.6
    assert s["interval_share_of_prior"].mean() < 0.85
    # the outputs: a scenario with the posterior medians that loads and runs
    post = load_scenario(tmp_path / "out" / "posterior_median.toml")
    assert post.params["hire_threshold"] == pytest.approx(s.loc["hire_threshold", "median"],
                                                          rel=1e-5)
    assert post.params["n_schools"] == 4
    for name in ("report.md", "posterior.parquet", "predictive.csv", "figures/pairs.png",
                 "figures/marginals.png"):
        assert (tmp_path / "out" / name).is_file(), name
    report = (tmp_path / "out" / "report.md").read_text()
    assert "Posterior predictive" in report and "hire_threshold" in report


def test_a_failing_model_ends_in_one_line_and_keeps_the_folder(tmp_path, observed):
    """A model that raises stops the calibration with one line naming the cause; the
    state file records the traceback."""
    f = _linear_file(tmp_path / "lg.toml", observed, generations=2, population=10)
    # ishigami takes x1, x2, x3: called with a, b, c it raises TypeError
    f.write_text(f.read_text().replace("ecosim.testfunctions:linear_gaussian",
                                       "ecosim.testfunctions:ishigami"))
    with pytest.raises(CalibrationError, match=r"the calibration stopped: TypeError") as e:
        run_calibration(f, tmp_path / "out", workers=1, progress=False)
    assert "\n" not in str(e.value)
    state = (tmp_path / "out" / "calibration.json").read_text()
    assert '"status": "failed"' in state and "Traceback" in state


def test_simulator_averages_replications_from_consecutive_seeds():
    """A particle's outputs are the mean over its replications, seeds seed .. seed+R−1."""
    from ecosim.calibration.engine import Simulator

    sim = Simulator(base={}, steps=1, replications=3, outputs=("y1", "y3"),
                    model="ecosim.testfunctions:linear_gaussian")
    pars = {"a": 0.1, "b": 0.2, "c": -0.3}
    got = sim.run(pars, seed=40)
    runs = [linear_gaussian(**pars, seed=s) for s in (40, 41, 42)]
    for o in ("y1", "y3"):
        assert got[o] == pytest.approx(np.mean([r[o] for r in runs]), abs=1e-12)

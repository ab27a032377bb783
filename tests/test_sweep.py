"""Durable sweeps: executors agree, failures are recorded, kills resume, memory is flat."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pyarrow.parquet as pq
import pytest
from experiment_support import (
    FAIL_THRESHOLD,
    ROOT,
    die_on_point_two,
    fail_above_threshold,
    write_experiment,
)

from ecosim.cli import main
from ecosim.experiments.design import load_experiment
from ecosim.experiments.store import SweepDirError, SweepStore
from ecosim.experiments.sweep import ExecutorHandle, model_fingerprint, run_sweep

OUTCOMES = ["in_field_rate", "vacancy_fill_rate", "participation_rate"]
VOLATILE = ["runtime_s", "worker", "worker_rss_mb", "finished_at"]

EXPERIMENT = f"""
name = "unit"
steps = 4
replications = 2
seed = 11
outcomes = {OUTCOMES!r}
[design]
method = "lhs"
n = 12
[factors.internship_subsidy]
bounds = [0, 5000]
[factors.certification_threshold]
bounds = [1, 6]
[factors.platform_level]
values = [0.0, 0.5, 1.0]
"""


def _stable(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[c for c in VOLATILE if c in df.columns]).reset_index(drop=True)


@pytest.fixture(scope="module")
def exp_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_experiment(tmp_path_factory.mktemp("exp"), EXPERIMENT)


@pytest.fixture(scope="module")
def reference(exp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> SweepStore:
    """The uninterrupted sweep on one worker process."""
    out = tmp_path_factory.mktemp("ref") / "sweep"
    rep = run_sweep(exp_path, out, workers=1, progress=False)
    assert (rep.ok, rep.failed, rep.pending, rep.ran) == (24, 0, 0, 24)
    return SweepStore(out)


def test_directory_layout_and_metadata(reference: SweepStore, exp_path: Path) -> None:
    p = reference.path
    for name in ("metadata.json", "experiment.toml", "plan.parquet", "design.parquet",
                 "manifest.parquet", "base_params.json"):
        assert (p / name).is_file(), name
    assert not (p / ".lock").exists()
    meta = reference.read_metadata()
    exp = load_experiment(exp_path)
    assert meta["file_hash"] == exp.file_hash
    assert meta["mesa_version"] and meta["ecosim_version"] and meta["started"]
    assert meta["n_runs"] == 24 and meta["sessions"][-1]["ran"] == 24
    man = reference.manifest()
    assert (man["status"] == "ok").all() and len(man) == 24
    res = reference.results()
    assert list(res["run_id"]) == list(range(24))
    assert res[OUTCOMES].notna().all().all()
    ser = reference.series()
    assert len(ser) == 24 * 5  # steps 0..4 for each run
    assert set(ser.columns) == {"run_id", "step", *OUTCOMES}
    # final-year value = mean of the last two steps of the series
    last = ser[ser["step"] >= 3].groupby("run_id")["participation_rate"].mean()
    np.testing.assert_allclose(res.set_index("run_id")["participation_rate"], last)


def test_same_results_with_2_workers_and_dask(reference: SweepStore, exp_path: Path,
                                              tmp_path: Path) -> None:
    ref, ref_series = _stable(reference.results()), reference.series()
    two = run_sweep(exp_path, tmp_path / "two", workers=2, progress=False)
    assert two.ok == 24
    pd.testing.assert_frame_equal(_stable(SweepStore(tmp_path / "two").results()), ref)
    pd.testing.assert_frame_equal(SweepStore(tmp_path / "two").series(), ref_series)

    dask = run_sweep(exp_path, tmp_path / "dask", dask="local", workers=2, progress=False)
    assert dask.ok == 24 and "LocalCluster on 127.0.0.1" in dask.executor
    pd.testing.assert_frame_equal(_stable(SweepStore(tmp_path / "dask").results()), ref)
    pd.testing.assert_frame_equal(SweepStore(tmp_path / "dask").series(), ref_series)
    workers = SweepStore(tmp_path / "dask").results()["worker"].nunique()
    assert workers == 2  # really ran on two Dask worker processes


def test_local_dask_cluster_on_loopback_and_remote_address(reference: SweepStore,
                                                           exp_path: Path,
                                                           tmp_path: Path) -> None:
    handle = ExecutorHandle(workers=1, dask="local")
    try:
        info = handle._client.scheduler_info()
        addresses = [info["address"], *info["workers"]]
        assert addresses and all(a.startswith("tcp://127.0.0.1:") for a in addresses)
        # --dask tcp://HOST:PORT: connect to a running scheduler
        rep = run_sweep(exp_path, tmp_path / "remote", dask=info["address"], max_runs=4,
                        progress=False)
        assert rep.ran == 4 and rep.executor.startswith("dask: Dask scheduler tcp://")
        got = _stable(SweepStore(tmp_path / "remote").results())
        want = _stable(reference.results().set_index("run_id").loc[got["run_id"]]
                       .reset_index())
        pd.testing.assert_frame_equal(got, want)
    finally:
        handle.close()
    with pytest.raises(SweepDirError, match="expected 'local' or a scheduler address"):
        run_sweep(exp_path, tmp_path / "bad", dask="nowhere", progress=False)


def test_failing_runs_are_recorded_and_the_sweep_goes_on(reference: SweepStore,
                                                         exp_path: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "fail"
    rep = run_sweep(exp_path, out, workers=2, progress=False, run_fn=fail_above_threshold)
    store = SweepStore(out)
    plan = store.plan()
    bad = plan["internship_subsidy"] > FAIL_THRESHOLD
    assert 0 < bad.sum() < len(plan)
    assert (rep.failed, rep.ok, rep.pending) == (int(bad.sum()), int((~bad).sum()), 0)
    assert f"{rep.failed} runs FAILED" in rep.text()
    res = store.results().set_index("run_id")
    failed_ids = set(plan.loc[bad, "run_id"])
    assert set(res.index[res["status"] == "failed"]) == failed_ids
    for rid in failed_ids:
        err = res.loc[rid, "error"]
        assert "Traceback" in err and "ParameterError" in err and "n_schools" in err
        assert res.loc[rid, OUTCOMES].isna().all()
    ok = _stable(res[res["status"] == "ok"].reset_index())
    expected = _stable(reference.results().set_index("run_id").loc[ok["run_id"]].reset_index())
    pd.testing.assert_frame_equal(ok, expected)  # the good runs are unaffected
    log = (out / "errors.log").read_text()
    assert log.count("=== run") == len(failed_ids) and "seed" in log
    man = store.manifest().set_index("run_id")
    assert (man.loc[list(failed_ids), "status"] == "failed").all()
    assert man.loc[list(failed_ids), "error"].str.contains("ParameterError").all()
    # the summary says how many failed; resume does not redo them unless asked
    assert main(["results", str(out)]) == 0
    assert f"{rep.failed} failed" in capsys.readouterr().out
    again = run_sweep(exp_path, out, resume=True, workers=1, progress=False,
                      run_fn=fail_above_threshold)
    assert again.ran == 0 and again.failed == rep.failed
    retried = run_sweep(exp_path, out, resume=True, retry_failed=True, workers=2,
                        progress=False)  # the normal run function: they now succeed
    assert retried.ran == rep.failed and retried.failed == 0 and retried.ok == 24
    pd.testing.assert_frame_equal(_stable(store.results()), _stable(reference.results()))


def test_a_run_that_kills_its_worker_is_recorded(exp_path: Path, tmp_path: Path) -> None:
    rep = run_sweep(exp_path, tmp_path / "die", workers=2, progress=False,
                    run_fn=die_on_point_two)
    res = SweepStore(tmp_path / "die").results()
    failed = res[res["status"] == "failed"]
    assert set(failed["point_id"]) == {2} and len(failed) == 2
    assert failed["error"].str.contains("worker process died").all()
    assert (rep.ok, rep.failed, rep.pending) == (22, 2, 0)


def test_partial_sweep_covers_the_design_and_resumes(reference: SweepStore, exp_path: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "part"
    first = run_sweep(exp_path, out, workers=1, progress=False, max_runs=6)
    assert (first.ran, first.pending) == (6, 18)
    done = SweepStore(out).results()
    assert (done["replication"] == 0).all()  # replication 0 of spread points first
    pts = sorted(done["point_id"])
    assert pts[0] <= 1 and pts[-1] >= 10
    with pytest.raises(SweepDirError, match="--resume"):
        run_sweep(exp_path, out, workers=1, progress=False)
    second = run_sweep(exp_path, out, resume=True, workers=2, progress=False)
    assert (second.skipped, second.ran, second.ok) == (6, 18, 24)
    pd.testing.assert_frame_equal(_stable(SweepStore(out).results()),
                                  _stable(reference.results()))


def test_resume_refuses_a_changed_experiment(reference: SweepStore, exp_path: Path,
                                             tmp_path: Path) -> None:
    path = write_experiment(tmp_path, EXPERIMENT.replace("seed = 11", "seed = 12"))
    with pytest.raises(SweepDirError, match="experiment file changed since the sweep"):
        run_sweep(path, reference.path, resume=True, workers=1, progress=False)
    # a sweep started with other model code (another fingerprint) is not mixed either
    copy = tmp_path / "copy"
    shutil.copytree(reference.path, copy)
    meta = json.loads((copy / "metadata.json").read_text())
    assert meta["model_fingerprint"] == model_fingerprint()
    meta["model_fingerprint"] = "0" * 16
    (copy / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(SweepDirError, match="model code changed"):
        run_sweep(exp_path, copy, resume=True, workers=1, progress=False)


def _parts(out: Path) -> list[Path]:
    return sorted((out / "parts").glob("runs-*.parquet"))


def _sweep_cli(exp: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ecosim.cli", "sweep", str(exp), "--out", str(out),
         "--workers", "1", "--flush-every", "0.2", "--no-progress", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _wait_for_new_part(proc: subprocess.Popen, out: Path, have: int, timeout: float = 60
                       ) -> None:
    t0 = time.monotonic()
    while len(_parts(out)) <= have:
        assert proc.poll() is None, f"sweep ended before it could be stopped: {proc.stderr}"
        assert time.monotonic() - t0 < timeout
        time.sleep(0.02)


def test_resume_after_sigkill_and_ctrl_c(tmp_path: Path) -> None:
    body = EXPERIMENT.replace("n = 12", "n = 24").replace("steps = 4", "steps = 6")
    exp = write_experiment(tmp_path, body)
    out = tmp_path / "killed"

    proc = _sweep_cli(exp, out)
    _wait_for_new_part(proc, out, 0)
    helpers = psutil.Process(proc.pid).children(recursive=True)  # forkserver, workers
    assert helpers
    proc.send_signal(signal.SIGKILL)  # no chance to clean up
    proc.wait(timeout=30)
    _, alive = psutil.wait_procs(helpers, timeout=15)
    assert not alive, f"orphans left by the killed sweep: {alive}"
    done_after_kill = len(SweepStore(out).finished())
    assert 0 < done_after_kill < 48
    assert (out / ".lock").exists()  # left behind by the killed process

    proc = _sweep_cli(exp, out, "--resume")
    _wait_for_new_part(proc, out, len(_parts(out)))
    proc.send_signal(signal.SIGINT)  # Ctrl-C: stop cleanly, resumable
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "--resume" in err
    assert not (out / ".lock").exists()
    done_after_int = len(SweepStore(out).finished())
    assert done_after_kill < done_after_int < 48

    proc = _sweep_cli(exp, out, "--resume")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err

    store = SweepStore(out)
    raw = pd.concat([pq.read_table(p, columns=["run_id"]).to_pandas() for p in _parts(out)])
    assert raw["run_id"].is_unique  # no run written twice
    assert sorted(raw["run_id"]) == list(range(48))  # and none missing
    sessions = store.read_metadata()["sessions"]
    assert [s["interrupted"] for s in sessions] == [True, False]  # the killed one left none

    ref = run_sweep(exp, tmp_path / "uninterrupted", workers=2, progress=False)
    assert ref.ok == 48
    pd.testing.assert_frame_equal(_stable(store.results()),
                                  _stable(SweepStore(tmp_path / "uninterrupted").results()))
    pd.testing.assert_frame_equal(store.series(),
                                  SweepStore(tmp_path / "uninterrupted").series())


def test_worker_memory_is_flat_over_60_runs(tmp_path: Path) -> None:
    body = EXPERIMENT.replace("n = 12", "n = 60").replace("replications = 2",
                                                          "replications = 1")
    exp = write_experiment(tmp_path, body)
    rep = run_sweep(exp, tmp_path / "mem", workers=1, progress=False, max_tasks_per_child=None)
    assert rep.ok == 60
    store = SweepStore(tmp_path / "mem")
    res = store.results().merge(store.plan()[["run_id", "order"]]).sort_values("order")
    assert res["worker"].nunique() == 1  # one worker process ran all 60
    rss = res["worker_rss_mb"].to_numpy()
    growth = np.median(rss[-10:]) - np.median(rss[5:15])
    # Without releasing Mesa's Agent._ids the same runs grow by ~15 MB.
    assert growth < 4.0, f"worker RSS grew {growth:.1f} MB over 50 runs: {rss.round(1)}"


def test_workers_are_recycled(exp_path: Path, tmp_path: Path) -> None:
    rep = run_sweep(exp_path, tmp_path / "recycle", workers=1, progress=False,
                    max_tasks_per_child=5, max_runs=12)
    assert rep.ran == 12
    assert SweepStore(tmp_path / "recycle").results()["worker"].nunique() >= 3


def test_results_command_and_export(reference: SweepStore, tmp_path: Path,
                                    capsys: pytest.CaptureFixture) -> None:
    assert main(["results", str(reference.path)]) == 0
    text = capsys.readouterr().out
    assert "24 ok, 0 failed, 0 pending" in text and "in_field_rate" in text
    columns = ["run_id", "internship_subsidy", "certification_threshold", "platform_level",
               "replication", "seed", "status", *OUTCOMES]
    for name in ("table.parquet", "table.csv"):
        assert main(["results", str(reference.path), "--export", str(tmp_path / name)]) == 0
        df = (pd.read_parquet(tmp_path / name) if name.endswith("parquet")
              else pd.read_csv(tmp_path / name))
        assert list(df.columns[:len(columns)]) == columns
        assert len(df) == 24 and df["run_id"].is_unique
        np.testing.assert_allclose(df["in_field_rate"],
                                   reference.results()["in_field_rate"])
    assert main(["results", str(reference.path), "--export", str(tmp_path / "x.xlsx")]) == 2
    assert main(["results", str(tmp_path)]) == 2
    assert "not a sweep directory" in capsys.readouterr().err


def test_smoke_sweep_cli_dry_run(capsys: pytest.CaptureFixture) -> None:
    assert main(["sweep", str(ROOT / "experiments" / "smoke_sweep.toml"), "--dry-run"]) == 0
    assert "40 runs" in capsys.readouterr().out


def test_run_function_must_be_picklable(exp_path: Path, tmp_path: Path) -> None:
    with pytest.raises(SweepDirError, match="module level"):
        run_sweep(exp_path, tmp_path / "x", run_fn=lambda t: {}, progress=False)


def test_outcome_matrix_is_in_sampler_order(reference: SweepStore) -> None:
    Y = reference.outcome_matrix("in_field_rate")
    res = reference.results()
    assert Y.shape == (12, 2)
    row = res[(res["point_id"] == 5) & (res["replication"] == 1)].iloc[0]
    assert Y[5, 1] == row["in_field_rate"]
    assert os.path.getsize(reference.path / "design.parquet") > 0


def test_sweep_run_summary_equals_the_scenario_run_path() -> None:
    """A sweep run reads the collected values directly (no DataFrame): its final-year
    means and per-step series equal those of ``ecosim run`` for the same seed."""
    from ecosim.experiments.runner import final_year_summary, simulate
    from ecosim.experiments.scenario import load_scenario
    from ecosim.experiments.sweep import simulate_outcomes

    sc = load_scenario("demo")
    names = ("in_field_rate", "vacancy_fill_rate", "placement_coverage",
             "mean_time_to_job")
    final, series = simulate_outcomes(sc.model_kwargs(), seed=5, steps=5, outcomes=names)
    frame = simulate(sc, seed=5, steps=5).outcomes
    expected = final_year_summary(frame, names)
    assert final.keys() == expected.keys()
    for k, v in expected.items():
        assert (np.isnan(final[k]) if v is None else final[k] == v), k
    assert series is not None and series["step"] == frame["step"].tolist()
    for k in names:
        np.testing.assert_array_equal(series[k], frame[k].to_numpy(dtype=float))


def test_model_fingerprint_covers_every_simulation_module(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint hashes every .py file under ecosim/simulation (subpackages too) and
    ecosim/params.py, by relative path and content: a newly split process module counts."""
    import ecosim.experiments.sweep as sweep_mod

    pkg = tmp_path / "ecosim"
    for rel, text in {"experiments/sweep.py": "", "simulation/__init__.py": "",
                      "simulation/model.py": "A = 1\n", "params.py": "P = 1\n",
                      "cli/main.py": ""}.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    monkeypatch.setattr(sweep_mod, "__file__", str(pkg / "experiments" / "sweep.py"))
    fp = model_fingerprint()
    assert len(fp) == 16 and fp == model_fingerprint()
    (pkg / "cli" / "main.py").write_text("# not model code\n")
    (pkg / "simulation" / "notes.txt").write_text("not python")
    assert model_fingerprint() == fp
    (pkg / "simulation" / "processes").mkdir()
    (pkg / "simulation" / "processes" / "hiring.py").write_text("")
    fp2 = model_fingerprint()
    assert fp2 != fp
    (pkg / "params.py").write_text("P = 2\n")
    assert model_fingerprint() not in (fp, fp2)
    (pkg / "params.py").write_text("P = 1\n")
    (pkg / "simulation" / "processes" / "hiring.py").rename(
        pkg / "simulation" / "processes" / "matching.py")
    assert model_fingerprint() not in (fp, fp2)  # a renamed module counts too

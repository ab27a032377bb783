"""Sensitivity-analysis pipeline: experiment file → durable runs → indices and tables.

``ecosim sensitivity EXPERIMENT.toml`` (and ``ecosim.sensitivity_analysis`` in Python)
take the experiment-file format of ``ecosim sweep`` (:mod:`ecosim.experiments.design`,
loaded by :mod:`ecosim.sensitivity.loading`) with ``[design] method = "sobol"`` or
``"morris"`` (``"lhs"`` / ``"random"`` are analysed with the given-data delta method).
The SALib problem is derived from the factors and the lever declaration; the design runs
through the durable runner (:func:`ecosim.experiments.sweep.run_sweep`: process pool or
Dask, resume, failures recorded) and the chosen outcomes are analysed with the pure
functions of :mod:`ecosim.sensitivity.indices` (:mod:`ecosim.sensitivity.analysis`).
:func:`run_sensitivity` here writes the tables; the figures and ``report.md`` are drawn
by :mod:`ecosim.reporting.sensitivity`.

``ecosim sensitivity --analyse DIR`` (:func:`analyse_directory`) analyses an existing
sweep directory without running anything: Sobol'/Morris when it holds such a design,
the moment-independent delta method (Borgonovo) on any other design, e.g. an LHS sweep.

``model = "module:function"`` in the file (or ``--model``) analyses any importable
Python function of named keyword inputs returning a dict of named outputs instead of
ecosim; its factors then need explicit ``bounds`` (there is no declaration to take
ranges from); see :mod:`ecosim.sensitivity.models`. A file naming a model outside ecosim
is code: it runs only with ``allow_model=True`` (``--allow-model``), or when the model is
given explicitly (``model=``, ``--model``). What the analysis needs to know about the
model (its source hash, whether it is deterministic) is stored in ``sa.json`` when the
runs start, so ``--analyse`` imports nothing.

Output directory (``--out``, default ``results/sensitivity/<name>``)::

    indices.csv, indices.parquet   outcome, factor, index, value, ci_low, ci_high
    convergence.csv                Sobol' indices at N/2^k, ..., N (same sample sequence)
    noise.csv                      per outcome: share of variance that is seed noise
    report.md                      ranking of the levers per outcome, warnings, methods
    figures/*.png                  Sobol' bars, Morris mu*-sigma, convergence curves
    sa.json                        model, analysis settings, seeds, runtimes, versions
    runs/                          the sweep directory (ecosim results DIR/runs)

Stochastic models: every design point runs ``replications`` times; the analysis uses
the mean over replications per point, and reports the share of the variance that is
seed noise, both for single runs and for the averaged output the indices are computed
from. Indices below that noise level are flagged. Every bootstrap is seeded (default:
the experiment seed).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import SensitivityError
from ..experiments.design import Experiment
from ..experiments.output import check_out, writing
from ..experiments.store import SweepStore, write_atomic
from ..experiments.sweep import execute_run, run_sweep
from ..params import PARAMETERS
from .analysis import analyse_store
from .loading import check_sa_method, load_sa_experiment
from .models import (
    FunctionExperiment,
    FunctionRun,
    check_model_allowed,
    is_deterministic,
    model_hash,
)
from .result import CONVERGENCE_COLUMNS, INDEX_COLUMNS, SAResult

__all__ = ["RUNS_DIR", "RESUME_HINT", "run_sensitivity", "analyse_directory", "locate", "finish"]

RUNS_DIR = "runs"
# What to do when the tables or figures cannot be written (e.g. the disk is full).
RESUME_HINT = ("the runs are kept; free some space and run the same command again with "
               "--resume (or analyse them with ecosim sensitivity --analyse DIR)")


def run_sensitivity(experiment: str | Path | Experiment, out: str | Path | None = None,
                    *, model: str | None = None, allow_model: bool = False,
                    workers: int | None = None,
                    dask: str | None = None, executor: Any = None, resume: bool = False,
                    retry_failed: bool = False, progress: bool | None = False,
                    outcomes: list[str] | None = None, num_resamples: int = 1000,
                    conf_level: float = 0.95, seed: int | None = None,
                    convergence_steps: int = 5, max_runs: int | None = None,
                    flush_seconds: float = 5.0) -> SAResult:
    """Run the design of a sensitivity analysis and analyse it; write the tables.

    Writes ``sa.json``, ``indices.*``, ``noise.csv`` and ``convergence.csv`` (and the
    runs in ``out/runs``); the figures and ``report.md`` are written by
    :func:`ecosim.reporting.sensitivity.sensitivity_analysis` (``ecosim.sensitivity_analysis``),
    which takes the same arguments plus ``plots``. ``allow_model=True`` allows a model
    outside ecosim named in the experiment file (an explicit ``model=`` is allowed).

    Returns:
        An :class:`SAResult` (``complete=False`` and no indices when runs are pending).

    Raises:
        ExperimentError / SensitivityError / SweepDirError: one-line messages.
    """
    exp = _experiment(experiment, model, allow_model)
    fn_model = getattr(exp, "model", "") or None
    out = check_out(out if out is not None else Path("results") / "sensitivity" / exp.name)
    sa_json = out / "sa.json"
    with writing(out):
        model_hash_ = _prepare_out(exp, out, resume, fn_model)
    run_fn = FunctionRun(fn_model, allowed=True) if fn_model else execute_run  # checked
    rep = run_sweep(exp, out / RUNS_DIR, workers=workers, dask=dask, executor=executor,
                    resume=resume, retry_failed=retry_failed, progress=progress,
                    run_fn=run_fn, max_runs=max_runs, flush_seconds=flush_seconds)
    store = SweepStore(out / RUNS_DIR)
    meta = _sa_meta(exp, store)
    meta.update({"model_hash": model_hash_, "deterministic": is_deterministic(fn_model),
                 "sweep_report": rep.text(),
                 "interrupted": rep.interrupted})
    if rep.pending:
        meta["state"] = "runs pending"
        text = json.dumps(meta, indent=2, default=str)
        with writing(out, hint=RESUME_HINT):
            write_atomic(sa_json, lambda p: Path(p).write_text(text, encoding="utf-8"))
        return SAResult(pd.DataFrame(columns=INDEX_COLUMNS),
                        pd.DataFrame(columns=CONVERGENCE_COLUMNS),
                        pd.DataFrame(), [f"{rep.pending} of {rep.n_runs} runs pending: resume "
                                         "to finish them (nothing analysed yet)"],
                        meta, out, complete=False)
    t0 = time.perf_counter()
    indices, conv, noise, warnings, info = analyse_store(
        store, None, outcomes, num_resamples, conf_level, seed, convergence_steps,
        deterministic=is_deterministic(fn_model))
    meta.update(info)
    meta["state"] = "analysed"
    meta["analysis_elapsed_s"] = round(time.perf_counter() - t0, 2)
    return finish(indices, conv, noise, warnings, meta, out, bool(fn_model))


def _experiment(experiment: str | Path | Experiment, model: str | None,
                allow_model: bool) -> Experiment:
    """The experiment to analyse: loaded from its file, or checked when given loaded
    (also whether its model is allowed: nothing is imported before)."""
    if isinstance(experiment, Experiment):
        exp = experiment
        if model and not isinstance(exp, FunctionExperiment):
            raise SensitivityError("model= needs an experiment file, not a loaded Experiment")
        check_sa_method(exp.path or exp.name, exp.method, exp.n)
        if isinstance(exp, FunctionExperiment):
            check_model_allowed(exp.path or exp.name, exp.model,
                                allow_model or exp.allow_model)
            if not exp.imported:
                raise SensitivityError(f"{exp.path or exp.name}: loaded without importing "
                                       "its model (a dry run): load it with "
                                       "import_model=True to run it")
        return exp
    return load_sa_experiment(experiment, model, allow_model=allow_model)


def _prepare_out(exp: Experiment, out: Path, resume: bool, fn_model: str | None
                 ) -> str | None:
    """Check that ``out`` can take (or resume) this analysis and mark it as ours.

    Returns:
        The hash of the function model's source (``None`` for ecosim).
    """
    sa_json = out / "sa.json"
    prev = json.loads(sa_json.read_text()) if sa_json.is_file() else None
    if prev is not None and not resume:
        raise SensitivityError(f"{out} already holds sensitivity analysis "
                               f"'{prev.get('name')}': pass --resume to continue or "
                               "re-analyse it, or choose another --out")
    if (out / RUNS_DIR).is_dir() and not resume and any((out / RUNS_DIR).iterdir()):
        raise SensitivityError(f"{out}/{RUNS_DIR} already holds runs: pass --resume to "
                               "continue them, or choose another --out")
    model_hash_ = model_hash(fn_model) if fn_model else None
    if prev is not None and (prev.get("model") or None) != fn_model:
        raise SensitivityError(f"{out}: cannot resume: it analyses "
                               f"{prev.get('model') or 'ecosim'}, not {fn_model or 'ecosim'}; "
                               "use a new --out")
    if prev is not None and fn_model and prev.get("model_hash") not in (None, model_hash_):
        raise SensitivityError(f"{out}: cannot resume: the source of {fn_model} changed since "
                               "the runs started; results of two models would mix: use a "
                               "new --out")
    out.mkdir(parents=True, exist_ok=True)
    if prev is None:  # mark the directory as ours before any run
        stub = json.dumps({"kind": "ecosim sensitivity", "name": exp.name, "model": fn_model,
                           "model_hash": model_hash_,
                           "deterministic": is_deterministic(fn_model), "state": "running"},
                          indent=2)
        write_atomic(sa_json, lambda p: Path(p).write_text(stub, encoding="utf-8"))
    return model_hash_


def analyse_directory(path: str | Path, out: str | Path | None = None, *,
                      method: str | None = None, outcomes: list[str] | None = None,
                      num_resamples: int = 1000, conf_level: float = 0.95,
                      seed: int | None = None, convergence_steps: int = 5) -> SAResult:
    """Analyse an existing sweep (or sensitivity) directory; write the tables.

    The arguments are those of :func:`ecosim.reporting.sensitivity.analyse_sweep`
    (``ecosim.analyse_sweep``), which also writes the figures and ``report.md``. Only
    stored tables and ``sa.json`` are read: no model is imported (whether it is
    deterministic was stored in ``sa.json`` at run time; an older ``sa.json`` without
    it counts as stochastic).

    Returns:
        An :class:`SAResult`.
    """
    path = Path(path)
    store, root = locate(path)
    t0 = time.perf_counter()
    smeta = store.read_metadata()
    sa_prev = {}
    if (root / "sa.json").is_file():
        sa_prev = json.loads((root / "sa.json").read_text())
    indices, conv, noise, warnings, info = analyse_store(
        store, method, outcomes, num_resamples, conf_level, seed, convergence_steps,
        deterministic=sa_prev.get("deterministic") is True)
    if out is None:
        out = root if root != store.path else store.path / "sensitivity"
    out = Path(out)
    sessions = smeta.get("sessions", [])
    meta = {"kind": "ecosim sensitivity", "name": smeta.get("name"),
            "description": smeta.get("description", ""),
            "experiment_file": smeta.get("experiment_file"),
            "file_hash": smeta.get("file_hash"), "model": sa_prev.get("model"),
            "model_hash": sa_prev.get("model_hash"),
            "deterministic": sa_prev.get("deterministic") is True,
            "scenario": None if sa_prev.get("model") else smeta.get("scenario"),
            "steps": smeta.get("steps"), "seed": smeta.get("seed"),
            "seeding": smeta.get("seeding"), "factor_ranges": smeta.get("factors", {}),
            "runs_elapsed_s": float(sum(s.get("elapsed_s", 0) for s in sessions)),
            "executor": sessions[-1].get("executor") if sessions else None,
            "runs_dir": str(store.path), "state": "analysed", **_versions(),
            "written": datetime.now(UTC).isoformat(timespec="seconds"), **info}
    meta["analysis_elapsed_s"] = round(time.perf_counter() - t0, 2)
    return finish(indices, conv, noise, warnings, meta, out, bool(sa_prev.get("model")))


def locate(path: Path) -> tuple[SweepStore, Path]:
    """The sweep store of ``path`` (an SA directory or a sweep directory) and SA root."""
    if (path / RUNS_DIR / "metadata.json").is_file():
        return SweepStore(path / RUNS_DIR), path
    store = SweepStore(path)
    if not store.exists():
        raise SensitivityError(f"{path}: neither a sensitivity directory (runs/ inside) nor "
                               "a sweep directory (metadata.json and plan.parquet); run "
                               "ecosim sweep or ecosim sensitivity first")
    if path.name == RUNS_DIR and (path.parent / "sa.json").is_file():
        return store, path.parent
    return store, path


def _kind(name: str, function_model: bool) -> str:
    if function_model or name not in PARAMETERS:
        return "input"
    return PARAMETERS[name].kind


def _write_tables(out: Path, res: SAResult) -> None:
    out.mkdir(parents=True, exist_ok=True)
    idx = res.indices[INDEX_COLUMNS]
    write_atomic(out / "indices.csv", lambda p: idx.to_csv(p, index=False))
    write_atomic(out / "indices.parquet", lambda p: idx.to_parquet(p, index=False))
    write_atomic(out / "noise.csv", lambda p: res.noise.to_csv(p, index=False))
    if len(res.convergence):
        write_atomic(out / "convergence.csv", lambda p: res.convergence.to_csv(p, index=False))
    text = json.dumps(res.meta, indent=2, default=str)
    write_atomic(out / "sa.json", lambda p: Path(p).write_text(text, encoding="utf-8"))


def finish(indices: pd.DataFrame, conv: pd.DataFrame, noise: pd.DataFrame,
           warnings: list[str], meta: dict[str, Any], out: Path | None,
           function_model: bool) -> SAResult:
    """The :class:`SAResult` of an analysis; its tables are written to ``out`` if given."""
    kinds = {f: _kind(f, function_model) for f in meta.get("factors", [])}
    res = SAResult(indices, conv, noise, warnings, meta, out, True, kinds)
    if out is not None:
        with writing(out, hint=RESUME_HINT):
            _write_tables(out, res)
    return res


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    out = {}
    for pkg in ("ecosim", "SALib", "numpy", "mesa"):
        try:
            out[f"{pkg}_version"] = version(pkg)
        except Exception:  # pragma: no cover
            out[f"{pkg}_version"] = "?"
    return out


def _sa_meta(exp: Experiment, store: SweepStore) -> dict[str, Any]:
    smeta = store.read_metadata()
    sessions = smeta.get("sessions", [])
    return {
        "kind": "ecosim sensitivity", "name": exp.name, "description": exp.description,
        "experiment_file": str(exp.path) if exp.path else None, "file_hash": exp.file_hash,
        "model": getattr(exp, "model", "") or None,
        "scenario": None if getattr(exp, "model", "") else exp.scenario.name,
        "steps": exp.steps, "seed": exp.seed, "seeding": exp.seeding,
        "factor_ranges": {f.name: f.describe() for f in exp.factors},
        "runs_elapsed_s": float(sum(s.get("elapsed_s", 0) for s in sessions)),
        "executor": sessions[-1].get("executor") if sessions else None,
        "runs_dir": str(store.path), **_versions(),
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
    }

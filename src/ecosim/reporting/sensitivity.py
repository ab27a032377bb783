"""``ecosim.sensitivity_analysis`` and ``ecosim.analyse_sweep``: analyse, then report.

The runs and the indices come from :mod:`ecosim.sensitivity.pipeline` (which writes the
tables and ``sa.json``); this module adds the figures and ``report.md``
(:mod:`ecosim.reporting.sa_figures`, :mod:`ecosim.reporting.sa_report`). The output
directory is described in :mod:`ecosim.sensitivity.pipeline`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..experiments.design import Experiment
from ..experiments.output import writing
from ..sensitivity.pipeline import RESUME_HINT, analyse_directory, run_sensitivity
from ..sensitivity.result import SAResult
from .sa_report import write_report

__all__ = ["sensitivity_analysis", "analyse_sweep"]


def sensitivity_analysis(experiment: str | Path | Experiment, out: str | Path | None = None,
                         *, model: str | None = None, allow_model: bool = False,
                         workers: int | None = None,
                         dask: str | None = None, executor: Any = None, resume: bool = False,
                         retry_failed: bool = False, progress: bool | None = False,
                         outcomes: list[str] | None = None, num_resamples: int = 1000,
                         conf_level: float = 0.95, seed: int | None = None,
                         convergence_steps: int = 5, plots: bool = True,
                         max_runs: int | None = None, flush_seconds: float = 5.0) -> SAResult:
    """Run a Sobol' / Morris (or LHS + delta) sensitivity analysis end to end.

    Args:
        experiment: experiment file (or a loaded
            :class:`~ecosim.experiments.design.Experiment`).
        out: output directory (default ``results/sensitivity/<name>``); runs go to
            ``out/runs``.
        model: ``module:function`` to analyse instead of ecosim (overrides the file's;
            naming it here allows it).
        allow_model: allow a model outside ecosim named in the experiment file (an
            experiment file naming a model is code; ``--allow-model``).
        workers: worker processes (default: all CPUs).
        dask: ``"local"`` or a scheduler address.
        executor: any ``concurrent.futures.Executor`` (not closed here).
        resume: continue the runs in ``out`` (finished runs are skipped).
        retry_failed: with ``resume``, redo failed runs.
        progress: progress bar (``None``: when stderr is a terminal).
        outcomes: outcomes to analyse (default: the file's).
        num_resamples: bootstrap resamples.
        conf_level: confidence level of the intervals.
        seed: bootstrap seed (default: the experiment seed).
        convergence_steps: Sobol' sizes N, N/2, ..., N/2^(k-1) in the convergence study.
        plots: write figures.
        max_runs: stop after this many runs (trials); the result is then incomplete.
        flush_seconds: write finished runs to disk at least this often.

    Returns:
        An :class:`SAResult` (``complete=False`` and no indices when runs are pending).

    Raises:
        ExperimentError / SensitivityError / SweepDirError: one-line messages.
    """
    res = run_sensitivity(experiment, out, model=model, allow_model=allow_model,
                          workers=workers, dask=dask,
                          executor=executor, resume=resume, retry_failed=retry_failed,
                          progress=progress, outcomes=outcomes, num_resamples=num_resamples,
                          conf_level=conf_level, seed=seed,
                          convergence_steps=convergence_steps, max_runs=max_runs,
                          flush_seconds=flush_seconds)
    if res.complete:
        with writing(res.path, hint=RESUME_HINT):
            write_report(res, plots)
    return res


def analyse_sweep(path: str | Path, out: str | Path | None = None, *,
                  method: str | None = None, outcomes: list[str] | None = None,
                  num_resamples: int = 1000, conf_level: float = 0.95,
                  seed: int | None = None, convergence_steps: int = 5,
                  plots: bool = True) -> SAResult:
    """Analyse an existing sweep (or sensitivity) directory without running anything.

    Args:
        path: a sweep directory (``ecosim sweep --out``) or a sensitivity directory.
        out: where to write (default: the sensitivity directory itself, or
            ``<sweep>/sensitivity`` for a plain sweep).
        method: ``sobol`` / ``morris`` (need that design) or ``delta`` (any sample);
            default: the design's method, ``delta`` for grid / LHS / random sweeps.
        outcomes: outcomes to analyse (default: every recorded outcome).
        num_resamples: bootstrap resamples.
        conf_level: confidence level.
        seed: bootstrap seed (default: the sweep's seed).
        convergence_steps: Sobol' convergence sizes.
        plots: write figures.

    Returns:
        An :class:`SAResult`.
    """
    res = analyse_directory(path, out, method=method, outcomes=outcomes,
                            num_resamples=num_resamples, conf_level=conf_level, seed=seed,
                            convergence_steps=convergence_steps)
    with writing(res.path):
        write_report(res, plots)
    return res

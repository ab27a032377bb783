"""Figures, tables and ``report.md`` of a calibration (``ecosim calibrate``).

:func:`calibrate` runs a calibration file (:func:`ecosim.calibration.engine.
run_calibration`) and writes, beside pyabc's ``abc.db``:

* ``posterior.parquet`` (the last generation: parameters, weight, distance) and
  ``particles.parquet`` (every generation);
* ``summary.csv``: per parameter, prior, posterior median, mean and 90% interval;
* ``predictive.csv``: per target, observed value, predictive median and 90% interval;
* ``generations.csv``: threshold, evaluations and acceptance rate per generation;
* ``figures/marginals.png``, ``figures/pairs.png``, ``figures/predictive.png``;
* ``posterior_median.toml``: a scenario that extends the calibrated one with the
  posterior medians, for experiments to extend in turn;
* ``report.md``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..calibration.engine import CalibrationResult, run_calibration
from ..calibration.spec import CalibrationSpec, Target
from ..calibration.stats import weighted_quantile
from ..experiments.store import write_atomic
from ..params import PARAMETERS

__all__ = ["calibrate", "write_calibration", "predictive_table", "posterior_scenario"]

LEVEL = 0.90


def calibrate(file: str | Path | CalibrationSpec, out: str | Path | None = None, *,
              workers: int | None = None, dask: str | None = None, resume: bool = False,
              progress: bool | None = None, plots: bool = True,
              allow_model: bool = False) -> CalibrationResult:
    """Run a calibration file and write its tables, figures and report.

    Args:
        file: the calibration file (or a loaded spec).
        out: folder (default ``results/calibration/<name>``).
        workers: processes (default every CPU; 1: in this process).
        dask: ``"local"`` or a scheduler address.
        resume: carry on the calibration in ``out``.
        progress: progress bars (default: on a terminal).
        plots: write the figures.
        allow_model: run a ``model`` named in the file outside ecosim's test functions
            (a file naming a model is code).

    Returns:
        The result (``complete`` False when interrupted: nothing is written then but
        the state needed to resume).
    """
    res = run_calibration(file, out, workers=workers, dask=dask, resume=resume,
                          progress=progress, allow_model=allow_model)
    if res.complete:
        write_calibration(res, plots=plots)
    return res


def predictive_table(res: CalibrationResult, targets: tuple[Target, ...] | None = None,
                     level: float = LEVEL) -> pd.DataFrame:
    """Per target (default: the fitted ones, then the held-out ones): observed, its sd,
    predictive median and central interval, whether they agree, and the miss in units
    of the target's sd.

    A target agrees (``inside``) when the observation's own interval, observed ± 1.645
    sd, overlaps the predictive interval: both the model's and the data's uncertainty
    count."""
    pred = res.predictive
    rows = []
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    for t in targets or (*res.spec.targets, *res.spec.holdouts):
        if pred is None or t.outcome not in pred:
            rows.append({"target": t.id, "outcome": t.outcome, "observed": t.observed,
                         "sd": t.sd, "median": math.nan, "low": math.nan, "high": math.nan,
                         "inside": False, "miss_in_sd": math.nan, "role": t.role})
            continue
        x = pred[t.outcome].dropna().to_numpy(float)
        lo, med, hi = np.quantile(x, [lo_q, 0.5, hi_q]) if len(x) else [math.nan] * 3
        half = 1.645 * t.sd
        rows.append({"target": t.id, "outcome": t.outcome, "observed": t.observed,
                     "sd": t.sd, "median": float(med), "low": float(lo), "high": float(hi),
                     "inside": bool(t.observed - half <= hi and t.observed + half >= lo),
                     "miss_in_sd": (float(med) - t.observed) / t.sd, "role": t.role})
    return pd.DataFrame(rows)


def posterior_scenario(res: CalibrationResult) -> str | None:
    """The text of ``posterior_median.toml`` (``None`` for a function model)."""
    sc = res.spec.scenario
    if sc is None:
        return None
    sections: dict[str, list[str]] = {}
    section_of = {"uncertainty": "uncertainties", "calibration": "calibration"}
    for name, value in res.medians().items():
        sect = section_of[PARAMETERS[name].kind]
        text = str(value) if isinstance(value, int) else f"{value:.6g}"
        sections.setdefault(sect, []).append(f"{name} = {text}")
    if sc.path is not None:
        rel = os.path.relpath(Path(sc.path).resolve(), res.path.resolve())
        head = [f'extends = "{rel}"']
    else:  # pragma: no cover - scenarios built in code have no file
        head = []
    lines = [f"# Posterior medians of calibration '{res.spec.name}' "
             f"({len(res.posterior)} particles, generation "
             f"{int(res.posterior['generation'].max())}); written by ecosim calibrate.",
             f"# Extend this file in experiments: extends = \"{res.path.name}/"
             "posterior_median.toml\" from the folder above.",
             f'name = "{sc.name}_calibrated"',
             f'description = "{sc.name} with the posterior medians of calibration '
             f'{res.spec.name}"', *head, ""]
    for sect, items in sections.items():
        lines += [f"[{sect}]", *items, ""]
    return "\n".join(lines)


def write_calibration(res: CalibrationResult, plots: bool = True) -> list[Path]:
    """Write the tables, figures, scenario and report of a finished calibration."""
    out = res.path
    written = []

    def put_frame(name: str, df: pd.DataFrame) -> None:
        path = out / name
        if name.endswith(".parquet"):
            write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False))
        else:
            write_atomic(path, lambda tmp: df.to_csv(tmp, index=False))
        written.append(path)

    put_frame("posterior.parquet", res.posterior)
    put_frame("particles.parquet", res.particles)
    summary = res.summary()
    put_frame("summary.csv", summary)
    put_frame("generations.csv", res.generations)
    pred = predictive_table(res)
    put_frame("predictive.csv", pred)
    scenario = posterior_scenario(res)
    if scenario is not None:
        write_atomic(out / "posterior_median.toml", lambda tmp: Path(tmp).write_text(scenario))
        written.append(out / "posterior_median.toml")
    figures: dict[str, str] = {}
    if plots:
        figures = _figures(res, pred)
        written += [out / f for f in figures.values()]
    text = report_markdown(res, summary, pred, figures)
    write_atomic(out / "report.md", lambda tmp: Path(tmp).write_text(text))
    written.append(out / "report.md")
    return written


def _figures(res: CalibrationResult, pred: pd.DataFrame) -> dict[str, str]:
    from .comparison import _save_figure

    figs = {"marginals": "figures/marginals.png", "pairs": "figures/pairs.png",
            "predictive": "figures/predictive.png"}
    _save_figure(plot_marginals(res), res.path / figs["marginals"])
    _save_figure(plot_pairs(res), res.path / figs["pairs"])
    _save_figure(plot_predictive(pred), res.path / figs["predictive"])
    return figs


def plot_marginals(res: CalibrationResult, truth: dict[str, float] | None = None) -> Any:
    """Weighted histogram of each parameter's posterior over its prior range."""
    import matplotlib.pyplot as plt

    post, priors = res.posterior, res.spec.priors
    cols = min(3, len(priors))
    rows = math.ceil(len(priors) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.8 * rows), squeeze=False)
    w = post["weight"].to_numpy(float)
    for ax, p in zip(axes.flat, priors, strict=False):
        x = post[p.name].to_numpy(float)
        ax.hist(x, bins=20, range=(p.low, p.high), weights=w, color="#0072B2", alpha=0.8,
                density=True, label="posterior")
        grid = np.linspace(p.low, p.high, 200)
        ax.plot(grid, _prior_pdf(p, grid), color="#999999", ls="--", lw=1, label="prior")
        lo, med, hi = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        ax.axvspan(lo, hi, color="#56B4E9", alpha=0.2, label="90% interval")
        ax.axvline(med, color="#000000", lw=1.2, label="median")
        if truth and p.name in truth:
            ax.axvline(truth[p.name], color="#D55E00", lw=2, ls=":", label="true value")
        ax.set_xlim(p.low, p.high)
        ax.set_title(p.name.replace("_", " "), fontsize=10)
        ax.set_ylabel("density")
    for ax in list(axes.flat)[len(priors):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="upper right")
    fig.suptitle(f"Posterior marginals, calibration '{res.spec.name}'", fontsize=11)
    fig.tight_layout()
    return fig


def _prior_pdf(p: Any, x: np.ndarray) -> np.ndarray:
    """Density of a prior (uniform, or normal truncated to its range) at ``x``."""
    if p.distribution == "uniform":
        return np.full_like(x, 1.0 / (p.high - p.low))
    from scipy.stats import truncnorm

    a, b = (p.low - p.mean) / p.sd, (p.high - p.mean) / p.sd
    return truncnorm.pdf(x, a, b, loc=p.mean, scale=p.sd)


def plot_pairs(res: CalibrationResult) -> Any:
    """Scatter of every pair of parameters in the last generation (size ∝ weight)."""
    import matplotlib.pyplot as plt

    post, priors = res.posterior, res.spec.priors
    k = len(priors)
    fig, axes = plt.subplots(k, k, figsize=(2.4 * k + 0.6, 2.4 * k + 0.6), squeeze=False)
    size = 8 + 400 * post["weight"].to_numpy(float)
    for i, pi in enumerate(priors):
        for j, pj in enumerate(priors):
            ax = axes[i, j]
            if i == j:
                ax.hist(post[pi.name], bins=15, range=(pi.low, pi.high),
                        weights=post["weight"], color="#0072B2")
                ax.set_xlim(pi.low, pi.high)
            else:
                ax.scatter(post[pj.name], post[pi.name], s=size, color="#0072B2", alpha=0.4,
                           linewidths=0)
                ax.set_xlim(pj.low, pj.high)
                ax.set_ylim(pi.low, pi.high)
            if i == k - 1:
                ax.set_xlabel(pj.name.replace("_", " "), fontsize=8)
            if j == 0 and i != j:
                ax.set_ylabel(pi.name.replace("_", " "), fontsize=8)
            ax.tick_params(labelsize=7)
    fig.suptitle("Posterior pairs (last generation; marker size ∝ weight)", fontsize=11)
    fig.tight_layout()
    return fig


def plot_predictive(pred: pd.DataFrame) -> Any:
    """Each target: observed ± sd and the predictive median with its 90% interval."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.6 * len(pred) + 1.4))
    y = np.arange(len(pred))[::-1]
    ax.errorbar(pred["observed"], y + 0.12, xerr=pred["sd"], fmt="o", color="#D55E00",
                label="observed ± sd")
    err = np.vstack([pred["median"] - pred["low"], pred["high"] - pred["median"]])
    ax.errorbar(pred["median"], y - 0.12, xerr=err, fmt="s", color="#0072B2",
                label="posterior predictive: median, 90% interval")
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r.target} ({r.role})" if r.role != "calibrate" else r.target
                        for r in pred.itertuples()], fontsize=8)
    ax.set_xlabel("value of the target's outcome (its unit)")
    ax.legend(fontsize=8, loc="best")
    ax.set_title("Targets and the calibrated model's predictions", fontsize=11)
    fig.tight_layout()
    return fig


def _md(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines)


def _cell(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "**no**"
    if isinstance(v, float | np.floating):
        return "n/a" if v != v else f"{v:.4g}"
    return str(v)


def report_markdown(res: CalibrationResult, summary: pd.DataFrame, pred: pd.DataFrame,
                    figures: dict[str, str]) -> str:
    """The calibration's ``report.md``."""
    spec, gens, st = res.spec, res.generations, res.state
    what = (f"the function `{spec.model}`" if spec.model else
            f"scenario `{spec.scenario.name}`, {spec.steps} reported semesters per run")
    n_eval = int(gens["evaluations"].sum()) if len(gens) else 0
    runs = n_eval * spec.replications
    post_tab = summary[["parameter", "prior", "median", "low", "high",
                        "interval_share_of_prior"]].rename(columns={
                            "low": "5%", "high": "95%",
                            "interval_share_of_prior": "90% interval / prior range"})
    cols = {"median": "predictive median", "low": "5%", "high": "95%",
            "inside": "agrees", "miss_in_sd": "(median − obs) / sd"}
    keep = ["target", "outcome", "observed", "sd", "median", "low", "high", "inside",
            "miss_in_sd"]
    pred_tab = pred[pred["role"] == "calibrate"][keep].rename(columns=cols)
    held_tab = pred[pred["role"] == "holdout"][keep].rename(columns=cols)
    sources = "\n".join(f"- `{t.id}` ({t.role}; {t.outcome} = {t.observed:g} ± {t.sd:g}): "
                        f"{t.source}" for t in (*spec.targets, *spec.holdouts))
    eps = ", ".join(f"{e:.3g}" for e in gens["epsilon"]) if len(gens) else "none"
    lines = [
        f"# Calibration '{spec.name}'", "",
        spec.description or "", "",
        f"ABC-SMC (pyabc {_pyabc_version()}) of {len(spec.priors)} parameters on "
        f"{len(spec.targets)} targets; {what}; {spec.replications} replication(s) per "
        f"particle, {spec.population_size} particles per generation, seed {spec.seed}.",
        "Distance: Euclidean norm of (simulated − observed) / sd over the targets; "
        "threshold: pyabc's median epsilon.", "",
        f"**Budget:** {len(gens)} generations, {n_eval:,} particle evaluations "
        f"({runs:,} model runs) in {st.get('runtime_s', 0) / 60:.1f} min over "
        f"{st.get('sessions', 1)} session(s)"
        + (f"; {st['evaluations_computed']:,} evaluations computed in all (those past a "
           "generation's last particle are discarded so the result does not depend on "
           "the number of workers)" if st.get("evaluations_computed") else "")
        + f", plus {len(res.predictive) if res.predictive is not None else 0} "
        f"posterior-predictive evaluations. Thresholds per generation: {eps}.", "",
        "## Posterior (last generation, weighted)", "", _md(post_tab), "",
        "## Posterior predictive", "",
        f"{len(res.predictive) if res.predictive is not None else 0} parameter sets drawn "
        "from the posterior by weight, each run with a fresh seed (same replications as "
        "the fit). A target *agrees* when its observed ± 1.645 sd overlaps the predictive "
        "90% interval.", "", "### Fitted targets", "", _md(pred_tab), "",
    ]
    if len(held_tab):
        lines += ["### Held-out targets (never fitted)", "", _md(held_tab), ""]
    lines += ["## Targets and their sources", "", sources, ""]
    if figures:
        lines += ["## Figures", ""] + [f"![{k}]({v})" for k, v in figures.items()] + [""]
    if spec.scenario is not None:
        lines += ["## Using the posterior", "",
                  "`posterior_median.toml` extends the calibrated scenario with the "
                  "posterior medians; `posterior.parquet` holds the weighted particles.", ""]
    return "\n".join(lines)


def _pyabc_version() -> str:
    try:
        from importlib.metadata import version

        return version("pyabc")
    except Exception:  # pragma: no cover
        return "?"

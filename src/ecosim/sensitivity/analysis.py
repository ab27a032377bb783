"""Analysis of a sweep directory: from the stored runs to tidy indices and warnings.

The outputs are averaged over replications per design point, incomplete design blocks
(Saltelli rows of one base sample, Morris trajectories) are left out, and the pure
index functions of :mod:`ecosim.sensitivity.indices` are applied; the share of the
variance that is seed noise is measured and indices below it are flagged.
"""

from __future__ import annotations

import math
import re
import warnings as warnings_mod
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SensitivityError
from ..experiments.store import STATUS_FAILED, SweepStore
from ..params import PARAMETERS, suggest
from .indices import (
    delta_indices,
    diagnose,
    morris_indices,
    noise_share,
    sobol_convergence,
    sobol_indices,
)
from .result import ANALYSES, CONVERGENCE_COLUMNS, INDEX_COLUMNS, fmt_number

__all__ = ["analyse_store"]

_BOUNDS_RE = re.compile(r"^\[(\S+), (\S+)\]$")


def _problem_from_meta(meta: dict[str, Any], X: np.ndarray) -> dict[str, Any]:
    """SALib problem of a sweep (stored since the problem is in metadata; else parsed)."""
    if isinstance(meta.get("salib_problem"), dict):
        return meta["salib_problem"]
    names = list(meta["factor_names"])
    bounds = []
    for i, name in enumerate(names):
        desc = str(meta.get("factors", {}).get(name, ""))
        m = _BOUNDS_RE.match(desc)
        if desc.startswith("{"):
            bounds.append([0.0, float(len(desc.strip("{}").split(",")))])
        elif m:
            lo, hi = float(m.group(1)), float(m.group(2))
            if (name in PARAMETERS and PARAMETERS[name].type is int
                    or name.startswith("policy.") and name.endswith(".start")):
                hi += 1.0
            bounds.append([lo, hi])
        else:  # pragma: no cover - unknown description: the data's range
            bounds.append([float(np.min(X[:, i])), float(np.max(X[:, i]))])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def _complete_blocks(Y: np.ndarray, block: int) -> tuple[np.ndarray, int, int]:
    """Keep whole design blocks (Saltelli rows of one base sample / Morris trajectories)
    without NaN, in order. Returns the kept Y, blocks kept and blocks in all."""
    nb = len(Y) // block
    Yb = Y[: nb * block].reshape(nb, block)
    keep = ~np.isnan(Yb).any(axis=1)
    return Yb[keep].ravel(), int(keep.sum()), nb


def _keep_rows(X: np.ndarray, Y: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    nb = len(Y) // block
    keep = ~np.isnan(Y[: nb * block].reshape(nb, block)).any(axis=1)
    rows = np.repeat(keep, block)
    return X[: nb * block][rows], Y[: nb * block][rows]


def _morris_noise_floor(within_var: float, reps: int, num_levels: int) -> float:
    """mu* that replication noise alone produces (per unit of a factor's range).

    An elementary effect of pure noise is (e2 − e1)/Δ with e ~ N(0, s²/R), so its
    expected absolute value is 2 s / (√(π R) Δ), with Δ = p / (2 (p − 1)).
    """
    if not math.isfinite(within_var) or within_var <= 0:
        return math.nan
    delta = num_levels / (2.0 * (num_levels - 1))
    return 2.0 * math.sqrt(within_var) / (math.sqrt(math.pi * reps) * delta)


@dataclass(frozen=True)
class _Setup:
    """What the analysis of every outcome of one sweep shares."""

    method: str
    problem: dict[str, Any]
    X: np.ndarray
    replications: int
    block: int
    second_order: bool
    num_levels: Any
    num_resamples: int
    conf_level: float
    seed: int
    convergence_steps: int
    deterministic: bool


@dataclass
class _OutcomeAnalysis:
    """The analysis of one outcome: its noise row, indices and convergence (``None``
    when not analysed) and its warnings, in order."""

    noise: dict[str, Any]
    indices: pd.DataFrame | None = None
    convergence: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)


def analyse_store(store: SweepStore, method: str | None, outcomes: list[str] | None,
                  num_resamples: int, conf_level: float, seed: int | None,
                  convergence_steps: int, problem: dict[str, Any] | None = None,
                  deterministic: bool = False
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str], dict]:
    """Analyse the finished runs of a sweep directory.

    Returns:
        ``(indices, convergence, noise, warnings, info)``: the tidy tables, the warnings
        in plain language and the analysis settings for the metadata.
    """
    meta = store.read_metadata()
    design_method = str(meta.get("method"))
    method = _analysis_method(store, method, design_method)
    outcomes = _analysed_outcomes(store, meta, outcomes)
    design = store.design()
    names = list(meta["factor_names"])
    X = design[[f"raw_{n}" for n in names]].to_numpy(float)
    problem = problem or _problem_from_meta(meta, X)
    D, R = len(names), int(meta["replications"])
    seed = int(meta.get("seed", 0) if seed is None else seed) % 2**32
    n = int(meta.get("n") or 0)
    second = bool(meta.get("second_order", False))
    block = {"sobol": (2 * D + 2) if second else (D + 2), "morris": D + 1}.get(method, 1)
    setup = _Setup(method, problem, X, R, block, second, meta.get("num_levels", 4),
                   num_resamples, conf_level, seed, convergence_steps, deterministic)
    failed, pending, warnings = _run_warnings(store)
    frames, conv_frames, noise_rows = [], [], []
    for o in outcomes:
        a = _analyse_outcome(store, o, setup)
        noise_rows.append(a.noise)
        warnings += a.warnings
        if a.convergence is not None:
            conv_frames.append(a.convergence)
        if a.indices is not None:
            frames.append(a.indices)
    indices = (pd.concat(frames, ignore_index=True) if frames
               else pd.DataFrame(columns=INDEX_COLUMNS))
    conv = (pd.concat(conv_frames, ignore_index=True) if conv_frames
            else pd.DataFrame(columns=CONVERGENCE_COLUMNS))
    info = {"analysis": method, "design_method": design_method, "n": n,
            "num_levels": meta.get("num_levels"), "second_order": second,
            "replications": R, "n_points": int(meta["n_points"]), "n_runs": int(meta["n_runs"]),
            "factors": names, "outcomes": outcomes, "bootstrap_seed": seed,
            "num_resamples": num_resamples, "conf_level": conf_level,
            "failed_runs": failed, "pending_runs": pending, "salib_problem": problem}
    return indices, conv, pd.DataFrame(noise_rows), warnings, info


def _analysis_method(store: SweepStore, method: str | None, design_method: str) -> str:
    """The analysis asked for (default: the design's, delta for other designs), checked."""
    if method is None:
        method = design_method if design_method in ("sobol", "morris") else "delta"
    if method not in ANALYSES:
        raise SensitivityError(f"--method {method!r} is not allowed: expected one of "
                               + ", ".join(ANALYSES) + suggest(str(method), ANALYSES))
    if method in ("sobol", "morris") and design_method != method:
        raise SensitivityError(f"{store.path}: --method {method} needs a {method} design, "
                               f"but this sweep has a {design_method} design; use --method "
                               "delta (works on any sample)")
    return method


def _analysed_outcomes(store: SweepStore, meta: dict[str, Any], outcomes: list[str] | None
                       ) -> list[str]:
    """The outcomes asked for (default: every recorded one), each recorded by the sweep."""
    all_outcomes = list(meta.get("outcomes", []))
    outcomes = list(outcomes or all_outcomes)
    for o in outcomes:
        if o not in all_outcomes:
            raise SensitivityError(f"{store.path}: outcome {o!r} was not recorded"
                                   f"{suggest(o, all_outcomes)}; recorded: "
                                   + ", ".join(all_outcomes))
    return outcomes


def _run_warnings(store: SweepStore) -> tuple[int, int, list[str]]:
    """Failed and pending runs, and the warnings they call for."""
    man = store.manifest()
    failed = int((man["status"] == STATUS_FAILED).sum())
    pending = int((man["status"] == "pending").sum())
    warnings: list[str] = []
    if failed:
        warnings.append(f"{failed} of {len(man)} runs failed (tracebacks in "
                        f"{store.path}/errors.log); points without any successful "
                        "replication are left out (see noise.csv: points_dropped)")
    if pending:
        warnings.append(f"{pending} of {len(man)} runs are still pending: indices use the "
                        "finished ones only; resume the runs for the full design")
    return failed, pending, warnings


def _analyse_outcome(store: SweepStore, o: str, s: _Setup) -> _OutcomeAnalysis:
    """Noise shares, usable points, indices and warnings of one outcome."""
    R, method = s.replications, s.method
    Yr = store.outcome_matrix(o)
    with warnings_mod.catch_warnings():  # all-NaN rows (failed points) are expected
        warnings_mod.simplefilter("ignore", RuntimeWarning)
        Y = np.nanmean(Yr, axis=1)
        within = float(np.nanmean(np.nanvar(Yr, axis=1, ddof=1))) if R > 1 else math.nan
    share_runs = noise_share(Yr)
    if method in ("sobol", "morris"):
        Yk, kept, nb = _complete_blocks(Y, s.block)
        dropped_pts = (nb - kept) * s.block
        Xk, _ = _keep_rows(s.X, Y, s.block)
    else:
        ok = ~np.isnan(Y)
        Xk, Yk = s.X[ok], Y[ok]
        kept, nb, dropped_pts = int(ok.sum()), len(Y), int((~ok).sum())
    var_mean = float(np.var(Yk, ddof=1)) if len(Yk) > 1 else math.nan
    share_mean = (min(1.0, within / R / var_mean)
                  if math.isfinite(within) and var_mean and math.isfinite(var_mean)
                  else math.nan)
    res = _OutcomeAnalysis({"outcome": o, "replications": R, "noise_share_runs": share_runs,
                            "noise_share_mean": share_mean, "points": len(Y),
                            "points_used": len(Yk), "points_dropped": dropped_pts})
    unit = "blocks" if method == "sobol" else "trajectories"
    if dropped_pts:
        what = (f"{nb - kept} of {nb} {unit}" if method != "delta"
                else f"{dropped_pts} of {nb} points")
        res.warnings.append(f"{o}: {what} left out because the outcome is undefined (NaN) or "
                            "every replication failed there; the indices are conditional on "
                            "the outcome being defined")
    min_needed = {"sobol": 2, "morris": 2, "delta": 20}[method]
    if kept < min_needed or not np.isfinite(var_mean) or var_mean == 0:
        res.warnings.append(f"{o}: not analysed: "
                            + ("the output is constant over the design" if var_mean == 0
                               else f"too few usable {unit if method != 'delta' else 'points'}"
                                    f" ({kept})"))
        return res
    res.indices, res.convergence = _indices(s, Xk, Yk, kept)
    res.indices.insert(0, "outcome", o)
    if res.convergence is not None:
        res.convergence.insert(0, "outcome", o)
    res.warnings += diagnose(res.indices, share_mean if math.isfinite(share_mean) else None)
    res.warnings += _quality_warnings(o, s, res, within, share_mean)
    return res


def _indices(s: _Setup, Xk: np.ndarray, Yk: np.ndarray, kept: int
             ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The indices of the chosen method on the usable points (and the Sobol' convergence
    study when there are enough base samples)."""
    cv = None
    if s.method == "sobol":
        df = sobol_indices(s.problem, Yk, second_order=s.second_order,
                           num_resamples=s.num_resamples, conf_level=s.conf_level, seed=s.seed)
        if kept >= 8 and s.convergence_steps > 1:
            cv = sobol_convergence(s.problem, Yk, kept, second_order=s.second_order,
                                   steps=s.convergence_steps,
                                   num_resamples=min(s.num_resamples, 500), seed=s.seed)
    elif s.method == "morris":
        df = morris_indices(s.problem, Xk, Yk, num_resamples=s.num_resamples,
                            conf_level=s.conf_level, seed=s.seed)
    else:
        df = delta_indices(s.problem, Xk, Yk, num_resamples=min(s.num_resamples, 200),
                           conf_level=s.conf_level, seed=s.seed)
    return df, cv


def _quality_warnings(o: str, s: _Setup, res: _OutcomeAnalysis, within: float,
                      share_mean: float) -> list[str]:
    """Morris noise floor, Sobol' convergence and seed-noise warnings of one outcome."""
    R, out = s.replications, []
    if s.method == "morris" and R > 1:
        floor = _morris_noise_floor(within, R, int(s.num_levels))
        ms = res.indices[res.indices["index"] == "mu_star"]
        weak = [r.factor for r in ms.itertuples()
                if math.isfinite(floor) and r.ci_low <= floor]
        if weak:
            out.append(
                f"{o}: μ* of {len(weak)} of {len(ms)} factors has a lower CI bound within "
                f"the seed-noise floor (≈ {fmt_number(floor)}, the μ* that replication noise "
                "alone would give): not distinguishable from noise: " + ", ".join(weak))
    if s.method == "sobol" and res.convergence is not None:
        out += _convergence_warnings(res.convergence, o)
    if R == 1 and not s.deterministic:
        out.append(f"{o}: one replication per point: seed noise is not measured and "
                   "is part of the indices (use replications ≥ 2 for a stochastic "
                   "model)")
    elif math.isfinite(share_mean) and share_mean > 0.5:
        out.append(f"{o}: {share_mean:.0%} of the variance of the averaged output is "
                   "seed noise: the indices say little; add replications")
    return out


def _convergence_warnings(cv: pd.DataFrame, outcome: str) -> list[str]:
    """Flag a ranking of the top factor that changes between N/2 and N."""
    out = []
    sizes = sorted(cv["n"].unique())
    if len(sizes) < 2:
        return out
    st = cv[cv["index"] == "ST"]
    top = {n: st[st["n"] == n].sort_values("value").iloc[-1]["factor"] for n in sizes[-2:]}
    if top[sizes[-2]] != top[sizes[-1]]:
        out.append(f"{outcome}: the most influential factor changes between N = {sizes[-2]} "
                   f"({top[sizes[-2]]}) and N = {sizes[-1]} ({top[sizes[-1]]}): the ranking "
                   "has not converged; increase N")
    return out

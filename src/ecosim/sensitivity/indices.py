"""Global sensitivity analysis: Sobol', Morris and delta (given data), with diagnostics.

These functions are pure: they take a SALib ``problem``, the sample ``X`` and the
outputs ``Y`` (already averaged over replications) and return tidy DataFrames with
columns ``factor, index, value, ci_low, ci_high`` (index names as SALib's: ``S1``,
``ST``, ``S2``, ``mu_star``, ``sigma``, ``mu``, ``delta``). Every bootstrap is seeded.
The experiment pipeline (sampling through the durable runner, resume, reports) is in
:mod:`ecosim.sensitivity.pipeline`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "sobol_indices",
    "morris_indices",
    "delta_indices",
    "sobol_convergence",
    "noise_share",
    "diagnose",
    "is_power_of_two",
]

COLUMNS = ["factor", "index", "value", "ci_low", "ci_high"]


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[int | None]:
    """Seed for a SALib ``analyze`` call that is honoured for every seed, 0 included.

    SALib ignores a falsy seed (``if seed:``) and then draws its bootstrap from the
    global NumPy state, so seed 0 would give CIs that change from call to call. Here the
    global state is seeded too (and restored afterwards).
    """
    state = np.random.get_state()
    np.random.seed(int(seed) % 2**32)
    try:
        yield int(seed) if seed else None
    finally:
        np.random.set_state(state)


def is_power_of_two(n: int) -> bool:
    """True for 1, 2, 4, 8, ..."""
    return n >= 1 and (n & (n - 1)) == 0


def _rows(names: Sequence[str], index: str, values: np.ndarray, conf: np.ndarray | None
          ) -> list[dict[str, Any]]:
    out = []
    for i, name in enumerate(names):
        v = float(values[i])
        c = float(conf[i]) if conf is not None else math.nan
        out.append({"factor": name, "index": index, "value": v,
                    "ci_low": v - c, "ci_high": v + c})
    return out


def sobol_indices(problem: dict, Y: np.ndarray, *, second_order: bool = False,
                  num_resamples: int = 1000, conf_level: float = 0.95, seed: int = 0
                  ) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol' indices, optionally S2, with bootstrap CIs.

    ``Y`` must be in the order of ``SALib.sample.sobol.sample`` (Saltelli blocks).
    """
    from SALib.analyze import sobol

    with _seeded(seed) as salib_seed:
        Si = sobol.analyze(problem, np.asarray(Y, dtype=float),
                           calc_second_order=second_order, num_resamples=num_resamples,
                           conf_level=conf_level, seed=salib_seed)
    names = problem["names"]
    rows = _rows(names, "S1", Si["S1"], Si["S1_conf"]) + _rows(names, "ST", Si["ST"],
                                                                Si["ST_conf"])
    if second_order:
        D = len(names)
        for i in range(D):
            for j in range(i + 1, D):
                v, c = float(Si["S2"][i, j]), float(Si["S2_conf"][i, j])
                rows.append({"factor": f"{names[i]}×{names[j]}", "index": "S2", "value": v,
                             "ci_low": v - c, "ci_high": v + c})
    return pd.DataFrame(rows, columns=COLUMNS)


def _elementary_effects(problem: dict, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Elementary effects per trajectory and factor, shape (trajectories, D).

    Effects are per unit of the factor's range (inputs scaled to [0, 1]).
    """
    D = problem["num_vars"]
    lo = np.array([b[0] for b in problem["bounds"]], dtype=float)
    hi = np.array([b[1] for b in problem["bounds"]], dtype=float)
    Xs = (np.asarray(X, dtype=float) - lo) / np.where(hi > lo, hi - lo, 1.0)
    T = Xs.shape[0] // (D + 1)
    Xs = Xs[: T * (D + 1)].reshape(T, D + 1, D)
    Yt = np.asarray(Y, dtype=float)[: T * (D + 1)].reshape(T, D + 1)
    dX = np.diff(Xs, axis=1)  # (T, D, D): step k changes one factor
    dY = np.diff(Yt, axis=1)  # (T, D)
    factor = np.argmax(np.abs(dX), axis=2)  # (T, D)
    delta = np.take_along_axis(dX, factor[..., None], axis=2)[..., 0]
    ee = np.full((T, D), np.nan)
    rows = np.repeat(np.arange(T), D)
    ee[rows, factor.ravel()] = (dY / delta).ravel()
    return ee


def morris_indices(problem: dict, X: np.ndarray, Y: np.ndarray, *, num_resamples: int = 1000,
                   conf_level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Morris screening: mu, mu_star and sigma per factor, with bootstrap CIs.

    CIs come from resampling trajectories with replacement (seeded percentile bootstrap).
    """
    ee = _elementary_effects(problem, X, Y)
    T = ee.shape[0]
    rng = np.random.default_rng(seed)
    boot = rng.integers(0, T, size=(num_resamples, T))
    stats = {
        "mu": lambda e: np.nanmean(e, axis=-2),
        "mu_star": lambda e: np.nanmean(np.abs(e), axis=-2),
        "sigma": lambda e: np.nanstd(e, axis=-2, ddof=1),
    }
    a = (1 - conf_level) / 2
    rows = []
    for name, fn in stats.items():
        value = fn(ee)
        resampled = fn(ee[boot])  # (num_resamples, D)
        low, high = np.nanquantile(resampled, [a, 1 - a], axis=0)
        for i, f in enumerate(problem["names"]):
            rows.append({"factor": f, "index": name, "value": float(value[i]),
                         "ci_low": float(low[i]), "ci_high": float(high[i])})
    return pd.DataFrame(rows, columns=COLUMNS)


def delta_indices(problem: dict, X: np.ndarray, Y: np.ndarray, *, num_resamples: int = 200,
                  conf_level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Borgonovo's delta (moment-independent) and its first-order S1 on given data.

    Works on any sample (e.g. an existing LHS sweep), no special design needed.
    """
    from SALib.analyze import delta

    with _seeded(seed) as salib_seed:
        Si = delta.analyze(problem, np.asarray(X, dtype=float), np.asarray(Y, dtype=float),
                           num_resamples=num_resamples, conf_level=conf_level,
                           seed=salib_seed, method="all")
    names = problem["names"]
    d_key = "delta_raw" if "delta_raw" in Si else "delta"
    return pd.DataFrame(
        _rows(names, "delta", np.asarray(Si[d_key]), np.asarray(Si[f"{d_key}_conf"]))
        + _rows(names, "S1", np.asarray(Si["S1"]), np.asarray(Si["S1_conf"])),
        columns=COLUMNS)


def sobol_convergence(problem: dict, Y: np.ndarray, N: int, *, second_order: bool = False,
                      steps: int = 4, num_resamples: int = 500, seed: int = 0
                      ) -> pd.DataFrame:
    """Sobol' indices at increasing base sizes N/2^k, ..., N from prefixes of one sample.

    A prefix of a Sobol' (Saltelli) design of base size n is itself the design of size
    n, so no new runs are needed. Returns the columns of :func:`sobol_indices` plus ``n``.
    """
    D = problem["num_vars"]
    block = 2 * D + 2 if second_order else D + 2
    frames = []
    sizes = sorted({max(4, N >> k) for k in range(steps)})
    for n in sizes:
        if n > N:
            continue
        df = sobol_indices(problem, np.asarray(Y)[: n * block], second_order=second_order,
                           num_resamples=num_resamples, seed=seed)
        df.insert(0, "n", n)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def noise_share(Y_reps: np.ndarray) -> float:
    """Share of the output variance of single runs that is seed (replication) noise.

    ``Y_reps`` has shape (sample points, replications). Returns the mean within-point
    variance divided by the total variance of all runs (NaN with one replication).
    """
    Yr = np.asarray(Y_reps, dtype=float)
    if Yr.ndim != 2 or Yr.shape[1] < 2:
        return math.nan
    total = np.nanvar(Yr, ddof=1)
    if not np.isfinite(total) or total == 0:
        return math.nan
    within = float(np.nanmean(np.nanvar(Yr, axis=1, ddof=1)))
    return float(min(1.0, within / total))


def diagnose(indices: pd.DataFrame, noise: float | None = None, *, wide: float = 0.25
             ) -> list[str]:
    """Warnings a careful analyst would want: wide CIs, negative indices beyond their CI,
    and indices not distinguishable from zero / seed noise.

    Args:
        indices: rows with columns outcome (optional), factor, index, value, ci_low, ci_high.
        noise: share of variance that is replication noise (from :func:`noise_share`).
        wide: CI width above which a Sobol' index is called imprecise.
    """
    msgs = []
    label = (lambda r: f"{r.outcome}: ") if "outcome" in indices.columns else (lambda r: "")
    for r in indices.itertuples():
        if r.index not in ("S1", "ST", "S2"):
            continue
        width = r.ci_high - r.ci_low
        if np.isfinite(width) and width > wide:
            msgs.append(f"{label(r)}{r.index}[{r.factor}] = {r.value:.3f} has a wide CI "
                        f"[{r.ci_low:.3f}, {r.ci_high:.3f}]; increase N")
        if r.ci_high < 0:
            msgs.append(f"{label(r)}{r.index}[{r.factor}] = {r.value:.3f} is negative beyond "
                        "its CI; the sample is too small or the output too noisy")
    if noise is not None and np.isfinite(noise) and noise > 0.1:
        st = indices[indices["index"] == "ST"]
        weak = st[st["ci_high"] < noise]
        for r in weak.itertuples():
            msgs.append(f"{label(r)}ST[{r.factor}] = {r.value:.3f} is below the seed-noise "
                        f"share ({noise:.2f}): not distinguishable from replication noise")
    return msgs

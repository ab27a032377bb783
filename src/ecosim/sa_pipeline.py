"""Sensitivity-analysis pipeline: experiment file → durable runs → indices, plots, report.

``ecosim sensitivity EXPERIMENT.toml`` (and :func:`sensitivity_analysis` in Python) take
the experiment-file format of ``ecosim sweep`` (:mod:`ecosim.design`) with ``[design]
method = "sobol"`` or ``"morris"`` (``"lhs"`` / ``"random"`` are analysed with the
given-data delta method). The SALib problem is derived from the factors and the lever
declaration; the design runs through the durable runner (:func:`ecosim.sweep.run_sweep`:
process pool or Dask, resume, failures recorded) and the chosen outcomes are analysed
with the pure functions of :mod:`ecosim.sensitivity`.

``ecosim sensitivity --analyse DIR`` (:func:`analyse_sweep`) analyses an existing sweep
directory without running anything: Sobol'/Morris when it holds such a design, the
moment-independent delta method (Borgonovo) on any other design, e.g. an LHS sweep.

``model = "module:function"`` in the file (or ``--model``) analyses any importable
Python function of named keyword inputs returning a dict of named outputs instead of
ecosim; its factors then need explicit ``bounds`` (there is no declaration to take
ranges from). A function that accepts ``seed`` gets the run's seed. See
:mod:`ecosim.testfunctions` for the known-answer Ishigami function.

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

import argparse
import hashlib
import importlib
import inspect
import json
import math
import re
import sys
import time
import traceback
import warnings as warnings_mod
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .design import (
    DESIGN_KEYS,
    SEEDINGS,
    Experiment,
    Factor,
    load_experiment,
)
from .params import PARAMETERS, Parameter, suggest
from .scenario import Scenario, ScenarioError, read_toml
from .sensitivity import (
    delta_indices,
    diagnose,
    is_power_of_two,
    morris_indices,
    noise_share,
    sobol_convergence,
    sobol_indices,
)
from .store import STATUS_FAILED, STATUS_OK, SweepStore, write_atomic

__all__ = [
    "SA_METHODS",
    "FunctionExperiment",
    "FunctionRun",
    "SAResult",
    "SensitivityError",
    "load_sa_experiment",
    "resolve_model",
    "sensitivity_analysis",
    "analyse_sweep",
    "register",
    "cmd_sensitivity",
]

#: design methods ``ecosim sensitivity`` runs, and the analysis each gets
SA_METHODS = {"sobol": "sobol", "morris": "morris", "lhs": "delta", "random": "delta"}
ANALYSES = ("sobol", "morris", "delta")
INDEX_COLUMNS = ["outcome", "factor", "index", "value", "ci_low", "ci_high"]
FN_TOP_KEYS = {"name", "description", "model", "replications", "seed", "outcomes",
               "seeding", "design", "set", "factors"}
NEGLIGIBLE_ST = 0.05  # ST upper CI bound below this: negligible over the ranges studied
RUNS_DIR = "runs"


class SensitivityError(ScenarioError):
    """A sensitivity analysis that cannot be run as asked; the message is one line."""


# ----------------------------------------------------------------------------------
# Function models (--model module:function)
# ----------------------------------------------------------------------------------
_FN_CACHE: dict[str, Any] = {}


def resolve_model(spec: str) -> Any:
    """Import ``module:function`` and return the function.

    Raises:
        SensitivityError: a malformed spec, a module that cannot be imported, a missing
            or non-callable attribute.
    """
    if spec in _FN_CACHE:
        return _FN_CACHE[spec]
    if not isinstance(spec, str) or spec.count(":") != 1 or not all(spec.split(":")):
        raise SensitivityError(f"model = {spec!r} is not allowed: expected 'module:function', "
                               "e.g. ecosim.testfunctions:ishigami")
    mod_name, fn_name = spec.split(":")
    try:
        mod = importlib.import_module(mod_name)
    except Exception as e:
        raise SensitivityError(f"model = {spec!r}: cannot import module '{mod_name}' "
                               f"({type(e).__name__}: {e})") from None
    fn = getattr(mod, fn_name, None)
    if fn is None or not callable(fn):
        names = [n for n, v in vars(mod).items() if callable(v) and not n.startswith("_")]
        raise SensitivityError(f"model = {spec!r}: module '{mod_name}' has no function "
                               f"'{fn_name}'{suggest(fn_name, names)}")
    _FN_CACHE[spec] = fn
    return fn


def _model_hash(spec: str) -> str:
    """SHA-256 (16 hex) of the source file of a function model (resume safety)."""
    fn = resolve_model(spec)
    try:
        src = inspect.getsourcefile(fn)
        data = Path(src).read_bytes() if src else spec.encode()
    except (TypeError, OSError):
        data = spec.encode()
    return hashlib.sha256(data).hexdigest()[:16]


def _accepts(fn: Any) -> tuple[set[str], bool, set[str]]:
    """Keyword names a function accepts, whether it takes ``**kwargs``, required names."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return set(), True, set()
    names, required, var_kw = set(), set(), False
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            var_kw = True
        elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            names.add(p.name)
            if p.default is p.empty:
                required.add(p.name)
    return names, var_kw, required


def _deterministic(spec: str | None) -> bool:
    """A function model without a ``seed`` input is deterministic (no seed noise)."""
    if not spec:
        return False
    try:
        names, var_kw, _ = _accepts(resolve_model(spec))
    except SensitivityError:
        return False
    return "seed" not in names and not var_kw


def _call_model(fn: Any, params: dict[str, Any], seed: int) -> dict[str, float]:
    names, var_kw, _ = _accepts(fn)
    kwargs = dict(params)
    if "seed" in names and "seed" not in kwargs:
        kwargs["seed"] = int(seed)
    out = fn(**kwargs)
    if not isinstance(out, dict):
        raise TypeError(f"the model returned {type(out).__name__}, expected a dict of "
                        "named outputs")
    return {str(k): float(v) for k, v in out.items()}


@dataclass(frozen=True)
class FunctionRun:
    """Picklable run function for :func:`ecosim.sweep.run_sweep` calling ``model``.

    Attributes:
        model: ``module:function``; the function gets the task's parameters (and its
            seed if it accepts ``seed``) and returns a dict of named outputs.
    """

    model: str

    def __call__(self, task: Any) -> dict[str, Any]:
        """Run one task; never raises (a failure is returned with its traceback)."""
        import os
        import socket

        t0 = time.perf_counter()
        outcomes: dict[str, float] = {}
        error = None
        try:
            res = _call_model(resolve_model(self.model), task.params, task.seed)
            missing = [o for o in task.outcomes if o not in res]
            if missing:
                raise KeyError(f"the model returned no output {missing[0]!r} "
                               f"(it returned: {', '.join(res) or 'nothing'})")
            outcomes = {o: res[o] for o in task.outcomes}
            status = STATUS_OK
        except Exception:
            status, error = STATUS_FAILED, traceback.format_exc()
        return {"run_id": task.run_id, "status": status, "outcomes": outcomes,
                "series": None, "error": error, "runtime_s": time.perf_counter() - t0,
                "worker": f"{socket.gethostname()}:{os.getpid()}",
                "worker_rss_mb": float("nan")}


@dataclass
class FunctionExperiment(Experiment):
    """An experiment on a Python function instead of ecosim (``model`` set).

    Attributes:
        model: ``module:function``.
    """

    model: str = ""


# ----------------------------------------------------------------------------------
# Loading and validating SA experiment files
# ----------------------------------------------------------------------------------
def _err(path: Path | str, msg: str) -> SensitivityError:
    return SensitivityError(f"{path}: {msg}")


def _check_sa_method(path: Path | str, method: str, n: int | None) -> None:
    if method not in SA_METHODS:
        raise _err(path, f"[design] method = {method!r} is not a sensitivity design"
                         f"{suggest(method, SA_METHODS)}: expected sobol or morris (or lhs / "
                         "random, analysed with the delta method); to analyse an existing "
                         "sweep use ecosim sensitivity --analyse DIR")
    if method == "sobol" and (n is None or not is_power_of_two(int(n))):
        raise _err(path, f"[design] n = {n!r} is not allowed for method 'sobol': expected a "
                         "power of two (e.g. 256, 512, 1024)")


def _int(path: Path, key: str, value: Any, low: int, high: int | None = None) -> int:
    if (not isinstance(value, int) or isinstance(value, bool) or value < low
            or (high is not None and value > high)):
        rng = f"in [{low}, {high}]" if high is not None else f"≥ {low}"
        raise _err(path, f"{key} = {value!r} is not allowed: expected an integer {rng}")
    return int(value)


def _fn_factor(path: Path, model: str, name: str, spec: Any, accepted: set[str],
               var_kw: bool) -> Factor:
    where = f"[factors.{name}]"
    if not var_kw and name not in accepted:
        raise _err(path, f"{where} '{name}' is not an input of {model}{suggest(name, accepted)}"
                         f" (inputs: {', '.join(sorted(accepted)) or 'none'})")
    if not isinstance(spec, dict):
        raise _err(path, f"{where} must be a table with bounds = [low, high]")
    for key in spec:
        if key not in ("bounds", "values"):
            raise _err(path, f"{where} unknown key '{key}'; allowed: bounds, values")
    if "values" in spec and "bounds" not in spec:
        vals = spec["values"]
        if not isinstance(vals, list) or not vals or len(set(map(repr, vals))) != len(vals):
            raise _err(path, f"{where} values = {vals!r} is not allowed: expected a non-empty "
                             "list of distinct values")
        typ = type(vals[0]) if all(type(v) is type(vals[0]) for v in vals) else float
        p = Parameter(name, "uncertainty", typ, vals[0], None, None, "", f"input of {model}")
        return Factor(name, p, values=tuple(vals))
    if "bounds" not in spec:
        raise _err(path, f"{where} bounds are missing: a --model function has no declaration "
                         "to take ranges from; expected bounds = [low, high]")
    if "values" in spec:
        raise _err(path, f"{where} give either bounds or values, not both")
    b = spec["bounds"]
    if (not isinstance(b, list) or len(b) != 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in b)
            or not all(math.isfinite(float(v)) for v in b) or not float(b[0]) < float(b[1])):
        raise _err(path, f"{where} bounds = {b!r} is not allowed: expected [low, high], two "
                         "finite numbers with low < high")
    lo, hi = float(b[0]), float(b[1])
    p = Parameter(name, "uncertainty", float, (lo + hi) / 2, lo, hi, "", f"input of {model}")
    return Factor(name, p, bounds=(lo, hi))


def _load_function_experiment(path: Path, data: dict[str, Any], raw: bytes,
                              model: str) -> FunctionExperiment:
    for key in data:
        if key not in FN_TOP_KEYS:
            extra = (" (scenario and steps belong to ecosim runs, not to a --model function)"
                     if key in ("scenario", "steps", "series") else suggest(key, FN_TOP_KEYS))
            raise _err(path, f"unknown top-level key '{key}'{extra}; allowed with a model: "
                             + ", ".join(sorted(FN_TOP_KEYS)))
    fn = resolve_model(model)
    accepted, var_kw, required = _accepts(fn)
    fixed = data.get("set", {})
    if not isinstance(fixed, dict):
        raise _err(path, "[set] must be a table of name = value")
    for key in fixed:
        if not var_kw and key not in accepted:
            raise _err(path, f"[set] '{key}' is not an input of {model}{suggest(key, accepted)}")
    factors_t = data.get("factors")
    if not isinstance(factors_t, dict) or not factors_t:
        raise _err(path, "no factors: expected at least one [factors.NAME] table with "
                         "bounds = [low, high]")
    factors = [_fn_factor(path, model, n, s, accepted, var_kw) for n, s in factors_t.items()]
    for f in factors:
        if f.name in fixed:
            raise _err(path, f"[factors.{f.name}] is also fixed in [set]: choose one")
    missing = sorted(required - set(fixed) - {f.name for f in factors} - {"seed"})
    if missing:
        raise _err(path, f"input '{missing[0]}' of {model} has no value: add "
                         f"[factors.{missing[0]}] bounds = [low, high] or set it in [set]")
    design = data.get("design")
    if not isinstance(design, dict):
        raise _err(path, "[design] is missing: expected method = \"sobol\" | \"morris\" and n")
    for key in design:
        if key not in DESIGN_KEYS:
            raise _err(path, f"[design] unknown key '{key}'{suggest(key, DESIGN_KEYS)}; "
                             "allowed: " + ", ".join(sorted(DESIGN_KEYS)))
    method = design.get("method")
    n = design.get("n")
    if method not in SA_METHODS:
        _check_sa_method(path, str(method), n)
    if n is None:
        raise _err(path, f"[design] n is missing: method '{method}' needs a sample size")
    n = _int(path, "[design] n", n, 2 if method == "morris" else 1)
    _check_sa_method(path, method, n)
    second = design.get("second_order", False)
    if not isinstance(second, bool):
        raise _err(path, f"[design] second_order = {second!r}: expected true or false")
    num_levels = _int(path, "[design] num_levels", design.get("num_levels", 4), 2)
    if num_levels % 2:
        raise _err(path, f"[design] num_levels = {num_levels} is not allowed: expected an "
                         "even integer ≥ 2 (Morris)")
    if method in ("sobol", "morris") and len(factors) < 2:
        raise _err(path, f"[design] method '{method}' needs at least 2 factors, "
                         f"got {len(factors)}")
    seed = _int(path, "seed", data.get("seed", 1), 0, 2**32 - 1)
    design_seed = design.get("seed")
    if design_seed is not None:
        design_seed = _int(path, "[design] seed", design_seed, 0, 2**32 - 1)
    reps = _int(path, "replications", data.get("replications", 1), 1, 100_000)
    seeding = data.get("seeding", "common")
    if seeding not in SEEDINGS:
        raise _err(path, f"seeding = {seeding!r} is not allowed: expected one of "
                         + ", ".join(SEEDINGS))
    outcomes = data.get("outcomes")
    if outcomes is None:
        centre = {f.name: (f.values[0] if f.values is not None
                           else (f.bounds[0] + f.bounds[1]) / 2)  # type: ignore[index]
                  for f in factors}
        try:
            outcomes = list(_call_model(fn, {**fixed, **centre}, seed))
        except Exception as e:
            raise _err(path, f"calling {model} at the centre of the bounds failed "
                             f"({type(e).__name__}: {e})") from None
    if (not isinstance(outcomes, list) or not outcomes
            or not all(isinstance(o, str) and o for o in outcomes)
            or len(set(outcomes)) != len(outcomes)):
        raise _err(path, f"outcomes = {outcomes!r} is not allowed: expected a non-empty list "
                         "of distinct output names of the model")
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise _err(path, f"{key} = {data[key]!r} must be a string")
    scenario = Scenario(name=f"model {model}", description=f"Python function {model}",
                        params=dict(fixed), steps=1, seed=seed, path=None)
    return FunctionExperiment(
        name=data.get("name", path.stem), description=data.get("description", ""),
        scenario=scenario, factors=factors, method=method, n=n, steps=1, replications=reps,
        seed=seed, outcomes=tuple(outcomes), series=False, seeding=seeding, path=path,
        file_hash=hashlib.sha256(raw).hexdigest(), fixed=dict(fixed), second_order=second,
        num_levels=num_levels, design_seed=design_seed, model=model)


def load_sa_experiment(path: str | Path, model: str | None = None) -> Experiment:
    """Load an experiment file for a sensitivity analysis.

    Args:
        path: the TOML file (format of ``ecosim sweep``; ``model = "module:function"``
            optional).
        model: ``module:function`` overriding the file's ``model`` (the ``--model`` flag).

    Returns:
        An :class:`~ecosim.design.Experiment` (ecosim) or a :class:`FunctionExperiment`.

    Raises:
        ExperimentError / SensitivityError: one line naming the file, the field, the value
            and what is allowed.
    """
    path = Path(path)
    data, raw = read_toml(path, SensitivityError, "experiment file")
    spec = model or data.get("model")
    if spec is not None:
        if not isinstance(spec, str):
            raise _err(path, f"model = {spec!r} is not allowed: expected 'module:function'")
        return _load_function_experiment(path, {k: v for k, v in data.items() if k != "model"}
                                         | ({"model": spec}), raw, spec)
    design = data.get("design") if isinstance(data.get("design"), dict) else {}
    method = design.get("method")
    if method is not None and method not in SA_METHODS:
        _check_sa_method(path, str(method), design.get("n"))
    exp = load_experiment(path)
    _check_sa_method(path, exp.method, exp.n)
    return exp


# ----------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------
@dataclass
class SAResult:
    """A sensitivity analysis: tidy indices plus everything needed to judge them.

    Attributes:
        indices: ``outcome, factor, index, value, ci_low, ci_high``.
        convergence: Sobol' indices at increasing N (``outcome, n, factor, index,
            value, ci_low, ci_high``); empty for other methods.
        noise: per outcome: replications, single-run and averaged-output noise shares,
            points used and dropped.
        warnings: plain-language warnings.
        meta: settings, seeds, sizes, runtimes, versions.
        path: output directory (``None`` if nothing was written).
        complete: ``False`` when the runs are unfinished (nothing analysed).
    """

    indices: pd.DataFrame
    convergence: pd.DataFrame
    noise: pd.DataFrame
    warnings: list[str]
    meta: dict[str, Any]
    path: Path | None = None
    complete: bool = True
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        """``sobol``, ``morris`` or ``delta``."""
        return str(self.meta.get("analysis"))

    def table(self, outcome: str | None = None) -> pd.DataFrame:
        """Indices of one outcome (or all), one row per factor and one column per index."""
        df = self.indices if outcome is None else self.indices[
            self.indices["outcome"] == outcome]
        return df.pivot_table(index=["outcome", "factor"], columns="index", values="value",
                              sort=False)

    def ranking(self, outcome: str) -> pd.DataFrame:
        """Factors of one outcome, most influential first (by ST, mu_star or delta)."""
        return _ranking(self.indices, outcome, self.method)

    def __repr__(self) -> str:
        state = "" if self.complete else " (INCOMPLETE: runs pending)"
        return (f"<SAResult {self.method}{state}: {self.indices['outcome'].nunique()} "
                f"outcomes, {self.indices['factor'].nunique()} factors, "
                f"{len(self.warnings)} warnings; {self.path}>")

    def _repr_html_(self) -> str:
        if not len(self.indices):
            return f"<p>{self!r}</p>"
        return f"<p>{self!r}</p>" + self.table().to_html(float_format=lambda x: f"{x:.3f}")


def _rank_key(method: str) -> str:
    return {"sobol": "ST", "morris": "mu_star", "delta": "delta"}[method]


def _ranking(indices: pd.DataFrame, outcome: str, method: str) -> pd.DataFrame:
    key = _rank_key(method)
    df = indices[(indices["outcome"] == outcome) & (indices["index"] == key)]
    return df.sort_values("value", ascending=False, ignore_index=True)


# ----------------------------------------------------------------------------------
# Analysis of a sweep directory
# ----------------------------------------------------------------------------------
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
            if name in PARAMETERS and PARAMETERS[name].type is int:
                hi += 1.0
            bounds.append([lo, hi])
        else:  # pragma: no cover - unknown description: the data's range
            bounds.append([float(np.min(X[:, i])), float(np.max(X[:, i]))])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def _locate(path: Path) -> tuple[SweepStore, Path]:
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


def _analyse_store(store: SweepStore, method: str | None, outcomes: list[str] | None,
                   num_resamples: int, conf_level: float, seed: int | None,
                   convergence_steps: int, problem: dict[str, Any] | None = None,
                   deterministic: bool = False
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str], dict]:
    meta = store.read_metadata()
    design_method = str(meta.get("method"))
    if method is None:
        method = design_method if design_method in ("sobol", "morris") else "delta"
    if method not in ANALYSES:
        raise SensitivityError(f"--method {method!r} is not allowed: expected one of "
                               + ", ".join(ANALYSES) + suggest(str(method), ANALYSES))
    if method in ("sobol", "morris") and design_method != method:
        raise SensitivityError(f"{store.path}: --method {method} needs a {method} design, "
                               f"but this sweep has a {design_method} design; use --method "
                               "delta (works on any sample)")
    all_outcomes = list(meta.get("outcomes", []))
    outcomes = list(outcomes or all_outcomes)
    for o in outcomes:
        if o not in all_outcomes:
            raise SensitivityError(f"{store.path}: outcome {o!r} was not recorded"
                                   f"{suggest(o, all_outcomes)}; recorded: "
                                   + ", ".join(all_outcomes))
    design = store.design()
    names = list(meta["factor_names"])
    X = design[[f"raw_{n}" for n in names]].to_numpy(float)
    problem = problem or _problem_from_meta(meta, X)
    D, R = len(names), int(meta["replications"])
    seed = int(meta.get("seed", 0) if seed is None else seed) % 2**32
    n = int(meta.get("n") or 0)
    second = bool(meta.get("second_order", False))
    block = {"sobol": (2 * D + 2) if second else (D + 2), "morris": D + 1}.get(method, 1)
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
    frames, conv_frames, noise_rows = [], [], []
    for o in outcomes:
        Yr = store.outcome_matrix(o)
        with warnings_mod.catch_warnings():  # all-NaN rows (failed points) are expected
            warnings_mod.simplefilter("ignore", RuntimeWarning)
            Y = np.nanmean(Yr, axis=1)
            within = float(np.nanmean(np.nanvar(Yr, axis=1, ddof=1))) if R > 1 else math.nan
        share_runs = noise_share(Yr)
        if method in ("sobol", "morris"):
            Yk, kept, nb = _complete_blocks(Y, block)
            dropped_pts = (nb - kept) * block
            Xk, _ = _keep_rows(X, Y, block)
        else:
            ok = ~np.isnan(Y)
            Xk, Yk = X[ok], Y[ok]
            kept, nb, dropped_pts = int(ok.sum()), len(Y), int((~ok).sum())
        var_mean = float(np.var(Yk, ddof=1)) if len(Yk) > 1 else math.nan
        share_mean = (min(1.0, within / R / var_mean)
                      if math.isfinite(within) and var_mean and math.isfinite(var_mean)
                      else math.nan)
        noise_rows.append({"outcome": o, "replications": R, "noise_share_runs": share_runs,
                           "noise_share_mean": share_mean, "points": len(Y),
                           "points_used": len(Yk), "points_dropped": dropped_pts})
        unit = "blocks" if method == "sobol" else "trajectories"
        if dropped_pts:
            what = (f"{nb - kept} of {nb} {unit}" if method != "delta"
                    else f"{dropped_pts} of {nb} points")
            warnings.append(f"{o}: {what} left out because the outcome is undefined (NaN) or "
                            "every replication failed there; the indices are conditional on "
                            "the outcome being defined")
        min_needed = {"sobol": 2, "morris": 2, "delta": 20}[method]
        if kept < min_needed or not np.isfinite(var_mean) or var_mean == 0:
            warnings.append(f"{o}: not analysed: "
                            + ("the output is constant over the design" if var_mean == 0
                               else f"too few usable {unit if method != 'delta' else 'points'}"
                                    f" ({kept})"))
            continue
        if method == "sobol":
            df = sobol_indices(problem, Yk, second_order=second, num_resamples=num_resamples,
                               conf_level=conf_level, seed=seed)
            if kept >= 8 and convergence_steps > 1:
                cv = sobol_convergence(problem, Yk, kept, second_order=second,
                                       steps=convergence_steps,
                                       num_resamples=min(num_resamples, 500), seed=seed)
                cv.insert(0, "outcome", o)
                conv_frames.append(cv)
        elif method == "morris":
            df = morris_indices(problem, Xk, Yk, num_resamples=num_resamples,
                                conf_level=conf_level, seed=seed)
        else:
            df = delta_indices(problem, Xk, Yk, num_resamples=min(num_resamples, 200),
                               conf_level=conf_level, seed=seed)
        df.insert(0, "outcome", o)
        frames.append(df)
        warnings += diagnose(df, share_mean if math.isfinite(share_mean) else None)
        if method == "morris" and R > 1:
            floor = _morris_noise_floor(within, R, int(meta.get("num_levels", 4)))
            ms = df[df["index"] == "mu_star"]
            weak = [r.factor for r in ms.itertuples()
                    if math.isfinite(floor) and r.ci_low <= floor]
            if weak:
                warnings.append(
                    f"{o}: μ* of {len(weak)} of {len(ms)} factors has a lower CI bound within "
                    f"the seed-noise floor (≈ {_g(floor)}, the μ* that replication noise "
                    "alone would give): not distinguishable from noise: " + ", ".join(weak))
        if method == "sobol" and conv_frames and conv_frames[-1]["outcome"].iat[0] == o:
            warnings += _convergence_warnings(conv_frames[-1], o)
        if R == 1 and not deterministic:
            warnings.append(f"{o}: one replication per point: seed noise is not measured and "
                            "is part of the indices (use replications ≥ 2 for a stochastic "
                            "model)")
        elif math.isfinite(share_mean) and share_mean > 0.5:
            warnings.append(f"{o}: {share_mean:.0%} of the variance of the averaged output is "
                            "seed noise: the indices say little; add replications")
    indices = (pd.concat(frames, ignore_index=True) if frames
               else pd.DataFrame(columns=INDEX_COLUMNS))
    conv = (pd.concat(conv_frames, ignore_index=True) if conv_frames
            else pd.DataFrame(columns=["outcome", "n", *INDEX_COLUMNS[1:]]))
    info = {"analysis": method, "design_method": design_method, "n": n,
            "num_levels": meta.get("num_levels"), "second_order": second,
            "replications": R, "n_points": int(meta["n_points"]), "n_runs": int(meta["n_runs"]),
            "factors": names, "outcomes": outcomes, "bootstrap_seed": seed,
            "num_resamples": num_resamples, "conf_level": conf_level,
            "failed_runs": failed, "pending_runs": pending, "salib_problem": problem}
    return indices, conv, pd.DataFrame(noise_rows), warnings, info


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


def _g(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


# ----------------------------------------------------------------------------------
# Writing: tables, figures, report
# ----------------------------------------------------------------------------------
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


def _plots(out: Path, res: SAResult) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    written = []
    level = int(round(100 * float(res.meta.get("conf_level", 0.95))))
    for o in res.indices["outcome"].unique():
        df = res.indices[res.indices["outcome"] == o]
        order = list(res.ranking(o)["factor"])[::-1]
        if res.method == "sobol":
            fig, ax = plt.subplots(figsize=(7, 0.32 * len(order) + 1.6))
            y = np.arange(len(order))
            for k, (ix, color, dy) in enumerate((("S1", "tab:blue", -0.18),
                                                 ("ST", "tab:orange", 0.18))):
                d = df[df["index"] == ix].set_index("factor").reindex(order)
                err = np.vstack([d["value"] - d["ci_low"], d["ci_high"] - d["value"]])
                ax.barh(y + dy, d["value"], height=0.36, color=color, label=ix,
                        xerr=np.clip(err, 0, None), ecolor="0.25", capsize=2)
                del k
            ax.set_yticks(y, order, fontsize=8)
            ax.axvline(0, color="0.4", lw=0.8)
            ax.set_xlabel(f"Sobol' index ({level}% bootstrap CI)")
            ax.set_title(f"{o}: first-order (S1) and total (ST) indices")
            ax.legend(loc="lower right")
            name = f"sobol_{o}.png"
        elif res.method == "morris":
            fig, ax = plt.subplots(figsize=(6.5, 5))
            ms = df[df["index"] == "mu_star"].set_index("factor")
            sg = df[df["index"] == "sigma"].set_index("factor").reindex(ms.index)
            xerr = np.clip(np.vstack([ms["value"] - ms["ci_low"],
                                      ms["ci_high"] - ms["value"]]), 0, None)
            yerr = np.clip(np.vstack([sg["value"] - sg["ci_low"],
                                      sg["ci_high"] - sg["value"]]), 0, None)
            ax.errorbar(ms["value"], sg["value"], xerr=xerr, yerr=yerr, fmt="o", ms=4,
                        ecolor="0.6", elinewidth=0.8, capsize=2)
            top = ms["value"].sort_values(ascending=False).index[:5]
            for f in top:
                ax.annotate(f, (ms.at[f, "value"], sg.at[f, "value"]), fontsize=7,
                            xytext=(3, 3), textcoords="offset points")
            lim = float(np.nanmax(np.r_[ms["ci_high"], sg["ci_high"], 1e-12]))
            ax.plot([0, lim], [0, lim], ls="--", color="0.5", lw=0.8, label="σ = μ*")
            ax.set_xlabel(f"μ* (mean |elementary effect| per unit range, {level}% CI)")
            ax.set_ylabel("σ (spread of elementary effects)")
            ax.set_title(f"{o}: Morris screening")
            ax.legend(loc="upper left")
            name = f"morris_{o}.png"
        else:
            fig, ax = plt.subplots(figsize=(7, 0.3 * len(order) + 1.6))
            d = df[df["index"] == "delta"].set_index("factor").reindex(order)
            err = np.clip(np.vstack([d["value"] - d["ci_low"], d["ci_high"] - d["value"]]),
                          0, None)
            ax.barh(np.arange(len(order)), d["value"], xerr=err, color="tab:green",
                    ecolor="0.25", capsize=2)
            ax.set_yticks(np.arange(len(order)), order, fontsize=8)
            ax.set_xlabel(f"Borgonovo δ ({level}% bootstrap CI)")
            ax.set_title(f"{o}: moment-independent δ (given data)")
            name = f"delta_{o}.png"
        fig.tight_layout()
        fig.savefig(fig_dir / name, dpi=110)
        plt.close(fig)
        written.append(fig_dir / name)
    cv = res.convergence
    for o in cv["outcome"].unique() if len(cv) else []:
        d = cv[cv["outcome"] == o]
        final = d[(d["n"] == d["n"].max()) & (d["index"] == "ST")]
        top = list(final.sort_values("value", ascending=False)["factor"][:6])
        fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
        for ax, ix in zip(axes, ("S1", "ST"), strict=True):
            for f in top:
                s = d[(d["index"] == ix) & (d["factor"] == f)].sort_values("n")
                line, = ax.plot(s["n"], s["value"], marker="o", ms=3, label=f)
                ax.fill_between(s["n"], s["ci_low"], s["ci_high"], alpha=0.15,
                                color=line.get_color())
            ax.set_xscale("log", base=2)
            ax.axhline(0, color="0.4", lw=0.8)
            ax.set_xlabel("base sample size N")
            ax.set_title(f"{ix} ({level}% CI band)")
        axes[0].set_ylabel(f"{o}")
        axes[1].legend(fontsize=7, loc="best")
        fig.suptitle(f"{o}: convergence of the Sobol' indices (top factors by ST)")
        fig.tight_layout()
        fig.savefig(fig_dir / f"convergence_{o}.png", dpi=110)
        plt.close(fig)
        written.append(fig_dir / f"convergence_{o}.png")
    return written


def _ci(r: Any) -> str:
    return f"{_g(r.value)} [{_g(r.ci_low)}, {_g(r.ci_high)}]"


def _outcome_text(res: SAResult, o: str) -> list[str]:
    """Plain-language ranking of one outcome's factors."""
    rk = res.ranking(o)
    if not len(rk):
        return [f"*{o}: not analysed (see the warnings).*"]
    kinds = res.kinds
    method = res.method
    key = _rank_key(method)
    lines = []
    if method == "sobol":
        s1 = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "S1")]
        s1 = s1.set_index("factor")
        important = rk[rk["ci_low"] > NEGLIGIBLE_ST]
        negligible = rk[rk["ci_high"] < NEGLIGIBLE_ST]
        top = important if len(important) else rk.head(3)
        parts = [f"**{r.factor}** ({kinds.get(r.factor, 'input')}; ST {_ci(r)}, S1 "
                 f"{_g(s1.at[r.factor, 'value'])})" for r in top.head(5).itertuples()]
        lines.append(f"Most influential for **{o}**" + (
            "" if len(important) else " (none clearly above ST = 0.05; the top three)")
            + ": " + "; ".join(parts) + ".")
        sum_s1 = float(s1["value"].clip(lower=0).sum())
        lines.append(f"First-order effects add up to {sum_s1:.2f}: about "
                     f"{max(0.0, 1 - sum_s1):.0%} of the variance comes from interactions "
                     "between factors (or is seed noise, see below).")
        thr = "ST upper CI bound < 0.05"
    elif method == "morris":
        mu = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "mu")]
        sg = res.indices[(res.indices["outcome"] == o) & (res.indices["index"] == "sigma")]
        mu, sg = mu.set_index("factor"), sg.set_index("factor")
        mx = float(rk["value"].max())
        important = rk[rk["ci_low"] > 0.1 * mx]
        negligible = rk[rk["ci_high"] < 0.1 * mx]
        parts = []
        for r in important.head(6).itertuples():
            m, s = mu.at[r.factor, "value"], sg.at[r.factor, "value"]
            shape = ("mostly non-linear or interacting" if s > r.value else
                     "raises it" if m > 0.5 * r.value else
                     "lowers it" if m < -0.5 * r.value else "effect changes sign")
            parts.append(f"**{r.factor}** ({kinds.get(r.factor, 'input')}; μ* {_ci(r)}, "
                         f"{shape})")
        lines.append(f"Most influential for **{o}** (μ*: mean absolute change of the "
                     "outcome when the factor moves across its whole range): "
                     + ("; ".join(parts) if parts else "no factor clearly stands out") + ".")
        thr = "μ* upper CI bound < 10% of the largest μ*"
    else:
        mx = float(rk["value"].max())
        important = rk[rk["ci_low"] > 0.1 * mx]
        negligible = rk[rk["ci_high"] < 0.1 * mx]
        parts = [f"**{r.factor}** ({kinds.get(r.factor, 'input')}; δ {_ci(r)})"
                 for r in (important if len(important) else rk).head(5).itertuples()]
        lines.append(f"Most influential for **{o}** (δ: how much the whole distribution "
                     "of the outcome shifts when the factor is known): " + "; ".join(parts)
                     + ".")
        thr = "δ upper CI bound < 10% of the largest δ"
    levers = rk[[kinds.get(f) == "lever" for f in rk["factor"]]]
    if len(levers) and len(levers) < len(rk):
        top_l = levers.head(3)
        sym = {"ST": "ST", "mu_star": "μ*", "delta": "δ"}[key]
        lines.append("Among the policy levers: " + ", ".join(
            f"{r.factor} ({sym} {_g(r.value)})" for r in top_l.itertuples()) + ".")
    if len(negligible):
        lines.append(f"Negligible over the ranges studied ({thr}): "
                     + ", ".join(negligible["factor"]) + ".")
    return lines


def _report(res: SAResult, figures: list[Path]) -> str:
    m = res.meta
    method = res.method
    out = [f"# Sensitivity analysis: {m.get('name')}", ""]
    if m.get("description"):
        out += [str(m["description"]), ""]
    what = (f"Python function `{m['model']}`" if m.get("model")
            else f"ecosim, scenario '{m.get('scenario')}'")
    out += [
        f"- Model: {what}; {m.get('steps', '')} steps per run" if not m.get("model")
        else f"- Model: {what}",
        f"- Design: {m.get('design_method')} (SALib), N = {m.get('n')}, "
        f"{m.get('n_points'):,} points × {m.get('replications')} replications = "
        f"{m.get('n_runs'):,} runs; analysis: **{method}**",
        f"- Factors ({len(m.get('factors', []))}): "
        + ", ".join(f"{f} {m.get('factor_ranges', {}).get(f, '')}".strip()
                    for f in m.get("factors", [])),
        f"- Seeds: runs from experiment seed {m.get('seed')} ({m.get('seeding', 'common')}); "
        f"bootstrap seed {m.get('bootstrap_seed')}, {m.get('num_resamples')} resamples, "
        f"{int(round(100 * float(m.get('conf_level', 0.95))))}% intervals",
    ]
    if m.get("runs_elapsed_s") is not None:
        out.append(f"- Runtime: runs {m['runs_elapsed_s']:.0f} s ({m.get('executor', '')}), "
                   f"analysis {m.get('analysis_elapsed_s', 0):.1f} s")
    out += ["", "## Which levers matter most", ""]
    for o in m.get("outcomes", []):
        out += [f"### {o}", ""]
        out += _outcome_text(res, o)
        nz = res.noise[res.noise["outcome"] == o]
        if len(nz) and nz["replications"].iat[0] > 1:
            r = nz.iloc[0]
            out.append(f"Seed noise: {_pct(r.noise_share_runs)} of the variance of single runs, "
                       f"{_pct(r.noise_share_mean)} of the variance of the mean over "
                       f"{int(r.replications)} replications that the indices are computed "
                       "from.")
        out.append("")
        rk = res.ranking(o)
        if len(rk):
            tab = res.indices[res.indices["outcome"] == o]
            out += _md_table(tab, list(rk["factor"]), res.kinds)
            out.append("")
        for f in figures:
            if f.stem.endswith(f"_{o}"):
                out.append(f"![{f.stem}](figures/{f.name})")
        out.append("")
    out += ["## Warnings", ""]
    out += [f"- {w}" for w in res.warnings] or ["- none"]
    out += ["", "## Method", "", _method_text(res), ""]
    return "\n".join(out)


def _pct(x: float) -> str:
    return "n/a" if not math.isfinite(float(x)) else f"{float(x):.1%}"


def _md_table(tab: pd.DataFrame, order: list[str], kinds: dict[str, str]) -> list[str]:
    ixs = [i for i in ("ST", "S1", "mu_star", "mu", "sigma", "delta") if i in
           set(tab["index"])]
    head = "| factor | kind | " + " | ".join(ixs) + " |"
    lines = [head, "|" + "---|" * (len(ixs) + 2)]
    t = tab.set_index(["factor", "index"])
    for f in order:
        cells = []
        for i in ixs:
            r = t.loc[(f, i)]
            cells.append(f"{_g(r['value'])} [{_g(r['ci_low'])}, {_g(r['ci_high'])}]")
        lines.append(f"| {f} | {kinds.get(f, 'input')} | " + " | ".join(cells) + " |")
    return lines


def _method_text(res: SAResult) -> str:
    m = res.meta
    lvl = int(round(100 * float(m.get("conf_level", 0.95))))
    base = (f"Each design point ran {m.get('replications')} time(s) with seeds derived from "
            "the experiment seed; the analysed output is the mean over replications at each "
            "point (final-year mean for ecosim runs). The seed-noise share is the mean "
            "within-point variance over the total variance (single runs), and the same "
            "divided by the replications over the variance of the point means (the "
            "analysed output).")
    if res.method == "sobol":
        return (f"Sobol' indices with SALib (`SALib.sample.sobol`, scrambled, N = "
                f"{m.get('n')} a power of two; `SALib.analyze.sobol`): S1 = first-order, "
                f"ST = total effect (Jansen estimator), {lvl}% bootstrap intervals "
                f"({m.get('num_resamples')} resamples, seed {m.get('bootstrap_seed')}). "
                "Convergence: indices recomputed from the first N/2^k base samples of the "
                "same sequence (convergence.csv). " + base)
    if res.method == "morris":
        return (f"Morris elementary effects (`SALib.sample.morris`, {m.get('n')} trajectories, "
                f"{m.get('num_levels')} levels). Effects are per unit of each factor's range: "
                "μ* = mean absolute effect, μ = mean effect (sign), σ = standard deviation "
                f"(non-linearity or interactions). {lvl}% percentile-bootstrap intervals over "
                f"trajectories (seed {m.get('bootstrap_seed')}). " + base)
    return (f"Borgonovo's moment-independent δ and a first-order S1 estimate on the given "
            f"sample (`SALib.analyze.delta`), {lvl}% bootstrap intervals (seed "
            f"{m.get('bootstrap_seed')}). δ has a small positive bias at small samples: "
            "compare factors with each other rather than with zero. " + base)


def _finish(indices: pd.DataFrame, conv: pd.DataFrame, noise: pd.DataFrame,
            warnings: list[str], meta: dict[str, Any], out: Path | None, plots: bool,
            function_model: bool) -> SAResult:
    kinds = {f: _kind(f, function_model) for f in meta.get("factors", [])}
    res = SAResult(indices, conv, noise, warnings, meta, out, True, kinds)
    if out is not None:
        _write_tables(out, res)
        figs = _plots(out, res) if plots and len(indices) else []
        text = _report(res, figs)
        write_atomic(out / "report.md", lambda p: Path(p).write_text(text, encoding="utf-8"))
    return res


# ----------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------
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


def sensitivity_analysis(experiment: str | Path | Experiment, out: str | Path | None = None,
                         *, model: str | None = None, workers: int | None = None,
                         dask: str | None = None, executor: Any = None, resume: bool = False,
                         retry_failed: bool = False, progress: bool | None = False,
                         outcomes: list[str] | None = None, num_resamples: int = 1000,
                         conf_level: float = 0.95, seed: int | None = None,
                         convergence_steps: int = 5, plots: bool = True,
                         max_runs: int | None = None, flush_seconds: float = 5.0) -> SAResult:
    """Run a Sobol' / Morris (or LHS + delta) sensitivity analysis end to end.

    Args:
        experiment: experiment file (or a loaded :class:`~ecosim.design.Experiment`).
        out: output directory (default ``results/sensitivity/<name>``); runs go to
            ``out/runs``.
        model: ``module:function`` to analyse instead of ecosim (overrides the file's).
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
    from .sweep import execute_run, run_sweep

    if isinstance(experiment, Experiment):
        exp = experiment
        if model and not isinstance(exp, FunctionExperiment):
            raise SensitivityError("model= needs an experiment file, not a loaded Experiment")
        _check_sa_method(exp.path or exp.name, exp.method, exp.n)
    else:
        exp = load_sa_experiment(experiment, model)
    fn_model = getattr(exp, "model", "") or None
    out = Path(out) if out is not None else Path("results") / "sensitivity" / exp.name
    if out.exists() and not out.is_dir():
        raise SensitivityError(f"--out {out}: exists and is not a folder; choose a folder")
    sa_json = out / "sa.json"
    prev = json.loads(sa_json.read_text()) if sa_json.is_file() else None
    if prev is not None and not resume:
        raise SensitivityError(f"{out} already holds sensitivity analysis "
                               f"'{prev.get('name')}': pass --resume to continue or "
                               "re-analyse it, or choose another --out")
    if (out / RUNS_DIR).is_dir() and not resume and any((out / RUNS_DIR).iterdir()):
        raise SensitivityError(f"{out}/{RUNS_DIR} already holds runs: pass --resume to "
                               "continue them, or choose another --out")
    model_hash = _model_hash(fn_model) if fn_model else None
    if prev is not None and (prev.get("model") or None) != fn_model:
        raise SensitivityError(f"{out}: cannot resume: it analyses "
                               f"{prev.get('model') or 'ecosim'}, not {fn_model or 'ecosim'}; "
                               "use a new --out")
    if prev is not None and fn_model and prev.get("model_hash") not in (None, model_hash):
        raise SensitivityError(f"{out}: cannot resume: the source of {fn_model} changed since "
                               "the runs started; results of two models would mix: use a "
                               "new --out")
    out.mkdir(parents=True, exist_ok=True)
    if prev is None:  # mark the directory as ours before any run
        stub = json.dumps({"kind": "ecosim sensitivity", "name": exp.name, "model": fn_model,
                           "model_hash": model_hash, "state": "running"}, indent=2)
        write_atomic(sa_json, lambda p: Path(p).write_text(stub, encoding="utf-8"))
    run_fn = FunctionRun(fn_model) if fn_model else execute_run
    rep = run_sweep(exp, out / RUNS_DIR, workers=workers, dask=dask, executor=executor,
                    resume=resume, retry_failed=retry_failed, progress=progress,
                    run_fn=run_fn, max_runs=max_runs, flush_seconds=flush_seconds)
    store = SweepStore(out / RUNS_DIR)
    meta = _sa_meta(exp, store)
    meta.update({"model_hash": model_hash, "sweep_report": rep.text(),
                 "interrupted": rep.interrupted})
    if rep.pending:
        meta["state"] = "runs pending"
        text = json.dumps(meta, indent=2, default=str)
        write_atomic(sa_json, lambda p: Path(p).write_text(text, encoding="utf-8"))
        return SAResult(pd.DataFrame(columns=INDEX_COLUMNS),
                        pd.DataFrame(columns=["outcome", "n", *INDEX_COLUMNS[1:]]),
                        pd.DataFrame(), [f"{rep.pending} of {rep.n_runs} runs pending: resume "
                                         "to finish them (nothing analysed yet)"],
                        meta, out, complete=False)
    t0 = time.perf_counter()
    indices, conv, noise, warnings, info = _analyse_store(
        store, None, outcomes, num_resamples, conf_level, seed, convergence_steps,
        deterministic=_deterministic(fn_model))
    meta.update(info)
    meta["state"] = "analysed"
    meta["analysis_elapsed_s"] = round(time.perf_counter() - t0, 2)
    return _finish(indices, conv, noise, warnings, meta, out, plots, bool(fn_model))


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
    path = Path(path)
    store, root = _locate(path)
    t0 = time.perf_counter()
    smeta = store.read_metadata()
    sa_prev = {}
    if (root / "sa.json").is_file():
        sa_prev = json.loads((root / "sa.json").read_text())
    indices, conv, noise, warnings, info = _analyse_store(
        store, method, outcomes, num_resamples, conf_level, seed, convergence_steps,
        deterministic=_deterministic(sa_prev.get("model")))
    if out is None:
        out = root if root != store.path else store.path / "sensitivity"
    out = Path(out)
    sessions = smeta.get("sessions", [])
    meta = {"kind": "ecosim sensitivity", "name": smeta.get("name"),
            "description": smeta.get("description", ""),
            "experiment_file": smeta.get("experiment_file"),
            "file_hash": smeta.get("file_hash"), "model": sa_prev.get("model"),
            "model_hash": sa_prev.get("model_hash"),
            "scenario": None if sa_prev.get("model") else smeta.get("scenario"),
            "steps": smeta.get("steps"), "seed": smeta.get("seed"),
            "seeding": smeta.get("seeding"), "factor_ranges": smeta.get("factors", {}),
            "runs_elapsed_s": float(sum(s.get("elapsed_s", 0) for s in sessions)),
            "executor": sessions[-1].get("executor") if sessions else None,
            "runs_dir": str(store.path), "state": "analysed", **_versions(),
            "written": datetime.now(UTC).isoformat(timespec="seconds"), **info}
    meta["analysis_elapsed_s"] = round(time.perf_counter() - t0, 2)
    return _finish(indices, conv, noise, warnings, meta, out, plots, bool(sa_prev.get("model")))


# ----------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------
def _print_result(res: SAResult, top: int = 5) -> None:
    if not res.complete:
        print(f"runs unfinished: {res.warnings[0]}")
        return
    key = _rank_key(res.method)
    for o in res.meta.get("outcomes", []):
        rk = res.ranking(o)
        if not len(rk):
            print(f"{o}: not analysed")
            continue
        print(f"{o} — top factors by {key}:")
        for r in rk.head(top).itertuples():
            print(f"  {r.factor:<28} {key} {_ci(r)}")
    if res.warnings:
        print(f"\n{len(res.warnings)} warnings (all in report.md):")
        for w in res.warnings[:8]:
            print(f"  - {w}")
        if len(res.warnings) > 8:
            print(f"  ... and {len(res.warnings) - 8} more")
    print(f"\nwrote {res.path}/indices.csv, indices.parquet, report.md, figures/*.png")


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``ecosim sensitivity``: run and analyse, or analyse an existing directory."""
    outcomes = ([o.strip() for o in args.outcomes.split(",") if o.strip()]
                if args.outcomes else None)
    common = {"outcomes": outcomes, "num_resamples": args.resamples,
              "conf_level": args.conf_level, "seed": args.bootstrap_seed,
              "plots": not args.no_plots}
    if args.analyse:
        if args.experiment:
            raise SensitivityError("give either EXPERIMENT.toml (run and analyse) or "
                                   "--analyse DIR (analyse existing runs), not both")
        for flag in ("model", "workers", "dask"):
            if getattr(args, flag):
                raise SensitivityError(f"--{flag} runs a model; --analyse only analyses "
                                       "existing runs")
        res = analyse_sweep(args.analyse, args.out, method=args.method, **common)
        _print_result(res)
        return 0
    if not args.experiment:
        raise SensitivityError("missing EXPERIMENT.toml (or --analyse DIR to analyse an "
                               "existing sweep)")
    if args.method:
        raise SensitivityError("--method only applies with --analyse DIR; the experiment's "
                               "[design] method decides the analysis")
    if args.dask and args.dask != "local" and args.workers:
        raise SensitivityError(f"--workers {args.workers} cannot size a remote Dask cluster "
                               f"({args.dask}); drop --workers or use --dask local")
    exp = load_sa_experiment(args.experiment, args.model)
    what = f"model {exp.model}" if isinstance(exp, FunctionExperiment) else (
        f"scenario '{exp.scenario.name}', {exp.steps} steps")
    print(f"sensitivity '{exp.name}': {exp.method} design (analysis "
          f"{SA_METHODS[exp.method]}), {exp.n_points():,} points × {exp.replications} "
          f"replications = {exp.n_runs():,} runs; {what}")
    if args.dry_run:
        print("dry run: nothing executed")
        return 0
    res = sensitivity_analysis(exp, args.out, workers=args.workers, dask=args.dask,
                               resume=args.resume, retry_failed=args.retry_failed,
                               progress=False if args.no_progress else None,
                               convergence_steps=args.convergence_steps,
                               flush_seconds=args.flush_every, **common)
    print(res.meta.get("sweep_report", ""))
    if not res.complete:
        print(f"interrupted: resume with  ecosim sensitivity {args.experiment} --out "
              f"{res.path} --resume", file=sys.stderr)
        return 130
    _print_result(res)
    return 1 if res.meta.get("failed_runs") else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``ecosim sensitivity`` to the ``ecosim`` parser."""
    from .argtypes import add_runner_options, confidence_level, non_negative_int, positive_int

    s = sub.add_parser(
        "sensitivity", help="global sensitivity analysis (Sobol', Morris, delta) of outcomes",
        description="Run the Sobol' or Morris design of an experiment file through the "
                    "durable runner and analyse the outcomes (indices with seeded bootstrap "
                    "CIs, seed-noise share, convergence, figures, report.md); or analyse an "
                    "existing sweep directory with --analyse DIR (delta on any design).")
    s.add_argument("experiment", nargs="?", help="experiment file (TOML), method sobol|morris")
    s.add_argument("--analyse", "--analyze", metavar="DIR",
                   help="analyse an existing sweep or sensitivity directory; run nothing")
    s.add_argument("--method", choices=ANALYSES,
                   help="with --analyse: sobol, morris or delta (default: the design's; "
                        "delta for grid/LHS/random)")
    s.add_argument("--model", metavar="MODULE:FUNCTION",
                   help="analyse this Python function instead of ecosim (factors need bounds)")
    add_runner_options(s, out_help="output directory (default results/sensitivity/<name>)",
                       resume_help="continue the runs in --out (and re-analyse)")
    s.add_argument("--outcomes", metavar="A,B,...", help="outcomes to analyse (default: all)")
    s.add_argument("--resamples", type=positive_int, default=1000,
                   help="bootstrap resamples (default 1000)")
    s.add_argument("--conf-level", type=confidence_level, default=0.95,
                   help="CI level (default 0.95)")
    s.add_argument("--bootstrap-seed", type=non_negative_int,
                   help="bootstrap seed (default: the experiment seed)")
    s.add_argument("--convergence-steps", type=positive_int, default=5,
                   help="Sobol' convergence sizes N, N/2, ... (default 5)")
    s.add_argument("--no-plots", action="store_true", help="skip the figures")
    s.set_defaults(func=cmd_sensitivity)


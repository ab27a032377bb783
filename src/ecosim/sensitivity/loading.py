"""Loading and validating the experiment file of a sensitivity analysis.

The format is that of ``ecosim sweep`` (:mod:`ecosim.experiments.design`) with ``[design]
method = "sobol"`` or ``"morris"`` (``"lhs"`` / ``"random"`` are analysed with the
given-data delta method); ``model = "module:function"`` (or ``--model``) analyses a Python
function instead of ecosim (:mod:`ecosim.sensitivity.models`), whose factors then need
explicit ``bounds``. A file naming a model outside ecosim is code and is refused unless
the user allows it (``allow_model``, ``--allow-model``); ``import_model=False`` (the
dry run) imports and calls no model at all.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

from ..errors import SensitivityError
from ..experiments.design import DESIGN_KEYS, SEEDINGS, Experiment, Factor, load_experiment
from ..experiments.scenario import Scenario, read_toml
from ..params import Parameter, suggest
from .indices import is_power_of_two
from .models import (
    FunctionExperiment,
    accepts,
    call_model,
    check_model_allowed,
    is_shipped,
    resolve_model,
)

__all__ = ["SA_METHODS", "load_sa_experiment", "check_sa_method"]

#: design methods ``ecosim sensitivity`` runs, and the analysis each gets
SA_METHODS = {"sobol": "sobol", "morris": "morris", "lhs": "delta", "random": "delta"}
FN_TOP_KEYS = {"name", "description", "model", "replications", "seed", "outcomes",
               "seeding", "design", "set", "factors"}


def _err(path: Path | str, msg: str) -> SensitivityError:
    return SensitivityError(f"{path}: {msg}")


def check_sa_method(path: Path | str, method: str, n: int | None) -> None:
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
                              model: str, allow: bool, import_model: bool
                              ) -> FunctionExperiment:
    _check_function_keys(path, data)
    check_model_allowed(path, model, allow or not import_model)  # (the format at least)
    # a dry run imports only ecosim's own test functions (to check their inputs)
    fn = resolve_model(model) if import_model or is_shipped(model) else None
    fixed, factors = _function_inputs(path, data, model, fn)
    design = data.get("design")
    if not isinstance(design, dict):
        raise _err(path, "[design] is missing: expected method = \"sobol\" | \"morris\" and n")
    method, n, second, num_levels = _function_design(path, design, len(factors))
    seed = _int(path, "seed", data.get("seed", 1), 0, 2**32 - 1)
    design_seed = design.get("seed")
    if design_seed is not None:
        design_seed = _int(path, "[design] seed", design_seed, 0, 2**32 - 1)
    reps = _int(path, "replications", data.get("replications", 1), 1, 100_000)
    seeding = data.get("seeding", "common")
    if seeding not in SEEDINGS:
        raise _err(path, f"seeding = {seeding!r} is not allowed: expected one of "
                         + ", ".join(SEEDINGS))
    outcomes = _function_outcomes(path, data, model, fn if import_model else None, fixed,
                                  factors, seed)
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
        num_levels=num_levels, design_seed=design_seed, model=model, allow_model=allow,
        imported=import_model)


def _check_function_keys(path: Path, data: dict[str, Any]) -> None:
    """Top-level keys allowed in the experiment file of a function model."""
    for key in data:
        if key not in FN_TOP_KEYS:
            extra = (" (scenario and steps belong to ecosim runs, not to a --model function)"
                     if key in ("scenario", "steps", "series") else suggest(key, FN_TOP_KEYS))
            raise _err(path, f"unknown top-level key '{key}'{extra}; allowed with a model: "
                             + ", ".join(sorted(FN_TOP_KEYS)))


def _function_inputs(path: Path, data: dict[str, Any], model: str, fn: Any
                     ) -> tuple[dict[str, Any], list[Factor]]:
    """The fixed inputs (``[set]``) and the factors, checked against the function
    (``fn=None``: not imported, names unchecked)."""
    accepted, var_kw, required = accepts(fn) if fn is not None else (set(), True, set())
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
    return fixed, factors


def _function_design(path: Path, design: dict[str, Any], n_factors: int
                     ) -> tuple[str, int, bool, int]:
    """``[design]`` of a function model: method, n, second_order, num_levels."""
    for key in design:
        if key not in DESIGN_KEYS:
            raise _err(path, f"[design] unknown key '{key}'{suggest(key, DESIGN_KEYS)}; "
                             "allowed: " + ", ".join(sorted(DESIGN_KEYS)))
    method = design.get("method")
    n = design.get("n")
    if method not in SA_METHODS:
        check_sa_method(path, str(method), n)
    if n is None:
        raise _err(path, f"[design] n is missing: method '{method}' needs a sample size")
    n = _int(path, "[design] n", n, 2 if method == "morris" else 1)
    check_sa_method(path, method, n)
    second = design.get("second_order", False)
    if not isinstance(second, bool):
        raise _err(path, f"[design] second_order = {second!r}: expected true or false")
    num_levels = _int(path, "[design] num_levels", design.get("num_levels", 4), 2)
    if num_levels % 2:
        raise _err(path, f"[design] num_levels = {num_levels} is not allowed: expected an "
                         "even integer ≥ 2 (Morris)")
    if method in ("sobol", "morris") and n_factors < 2:
        raise _err(path, f"[design] method '{method}' needs at least 2 factors, "
                         f"got {n_factors}")
    return method, n, second, num_levels


def _function_outcomes(path: Path, data: dict[str, Any], model: str, fn: Any,
                       fixed: dict[str, Any], factors: list[Factor], seed: int) -> list[str]:
    """The outputs to analyse: the file's ``outcomes``, else every output the function
    returns at the centre of the bounds (``fn=None``, no call: none yet, they are known
    at run time)."""
    outcomes = data.get("outcomes")
    if outcomes is None and fn is None:
        return []
    if outcomes is None:
        centre = {f.name: (f.values[0] if f.values is not None
                           else (f.bounds[0] + f.bounds[1]) / 2)  # type: ignore[index]
                  for f in factors}
        try:
            outcomes = list(call_model(fn, {**fixed, **centre}, seed))
        except Exception as e:
            raise _err(path, f"calling {model} at the centre of the bounds failed "
                             f"({type(e).__name__}: {e})") from None
    if (not isinstance(outcomes, list) or not outcomes
            or not all(isinstance(o, str) and o for o in outcomes)
            or len(set(outcomes)) != len(outcomes)):
        raise _err(path, f"outcomes = {outcomes!r} is not allowed: expected a non-empty list "
                         "of distinct output names of the model")
    return outcomes


def load_sa_experiment(path: str | Path, model: str | None = None, *,
                       allow_model: bool = False, import_model: bool = True) -> Experiment:
    """Load an experiment file for a sensitivity analysis.

    Args:
        path: the TOML file (format of ``ecosim sweep``; ``model = "module:function"``
            optional).
        model: ``module:function`` overriding the file's ``model`` (the ``--model``
            flag); naming it here is the caller's own choice, so it is allowed.
        allow_model: allow the file's ``model`` even when it is not shipped with ecosim
            (``--allow-model``): an experiment file naming a model is code.
        import_model: ``False`` (dry run): import and call no model; a model's inputs
            are then not checked against its signature (except ecosim's own test
            functions) and its outcomes, unless the file lists them, are known only at
            run time; the allowance is not checked (the caller reports it).

    Returns:
        An :class:`~ecosim.experiments.design.Experiment` (ecosim) or a :class:`FunctionExperiment`.

    Raises:
        ExperimentError / SensitivityError: one line naming the file, the field, the value
            and what is allowed; a model outside ecosim without ``allow_model``.
    """
    path = Path(path)
    data, raw = read_toml(path, SensitivityError, "experiment file")
    spec = model or data.get("model")
    if spec is not None:
        if not isinstance(spec, str):
            raise _err(path, f"model = {spec!r} is not allowed: expected 'module:function'")
        return _load_function_experiment(path, {k: v for k, v in data.items() if k != "model"}
                                         | ({"model": spec}), raw, spec,
                                         allow_model or model is not None, import_model)
    design = data.get("design") if isinstance(data.get("design"), dict) else {}
    method = design.get("method")
    if method is not None and method not in SA_METHODS:
        check_sa_method(path, str(method), design.get("n"))
    exp = load_experiment(path)
    check_sa_method(path, exp.method, exp.n)
    return exp

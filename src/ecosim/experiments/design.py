"""Experiment files (TOML) and their sample designs, for sweeps and sensitivity analysis.

An experiment file names a base scenario, the factors to vary (levers, uncertainties or
structure parameters from the one declaration in :mod:`ecosim.params`), a sampling
design and the outcomes to record::

    name = "smoke"                          # optional (default: file name)
    scenario = "../scenarios/demo.toml"     # base scenario, relative to this file
    steps = 20                              # optional (default: the scenario's)
    replications = 2                        # runs per design point (default 1)
    seed = 1                                # seeds the runs and (by default) the sampler
    outcomes = ["in_field_rate", "vacancy_fill_rate"]   # default: headline outcomes
    series = true                           # also keep per-step series (default true)
    horizons = [2, 5]                       # optional: also report outcomes 2 and 5 years
                                            # after the policy starts (needs series)
    seeding = "common"                      # or "independent" (see below)

    [design]
    method = "lhs"      # grid | lhs | random | sobol | morris
    n = 64              # sample size (grid: levels per factor; sobol: base N, a power
                        # of two; morris: number of trajectories)
    # second_order = false   (sobol)    num_levels = 4   (morris)    seed = 1 (sampler)

    [set]                       # fixed overrides of the base scenario (optional)
    n_schools = 6

    [factors.internship_subsidy]
    bounds = [0, 5000]          # or: values = [0, 1000, 5000]; empty = declared range

    [factors."policy.internship_subsidy.start"]   # a [[policy]] window of the scenario
    bounds = [2, 6]             # its start year (integer, 1 .. the window's end)
    # "policy.LEVER.value" varies the window's value (within the lever's declared range)

A ``policy.LEVER.FIELD`` factor (``FIELD`` = ``value`` or ``start``) refers to the one
``[[policy]]`` window on ``LEVER`` in the base scenario (an error if it has none or
several); :func:`point_params` puts the sampled value into that window.

Everything is checked against the declaration; errors are :class:`ExperimentError`
(a :class:`~ecosim.experiments.scenario.ScenarioError`) with one line naming the file, the field,
the value and what is allowed.

Sampling goes through SALib (``SALib.sample.latin``, ``SALib.sample.sobol`` — not the
deprecated ``saltelli`` — and ``SALib.sample.morris``) on the problem derived from the
declaration by :func:`salib_problem`, so that a sensitivity analysis can pass the same
problem and the raw sample matrix (:attr:`Design.X`, kept in sampler order) to
``SALib.analyze``. Integer factors are sampled on ``[low, high + 1)`` and floored
(every integer equally likely); ``values`` factors and booleans are sampled as an index
into their list of values.

Seeds: replication ``r`` of every design point gets seed ``r`` of
``SeedSequence(seed).spawn(R)`` (``seeding = "common"``, common random numbers, as in
``ecosim compare``); with ``seeding = "independent"`` run ``(point p, replication r)``
gets ``SeedSequence(seed, spawn_key=(p, r))``. Either way a run's seed depends only on
the experiment seed and the run's id, never on the order in which runs finish.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ExperimentError, ParameterError
from ..params import (
    HEADLINE_OUTCOMES,
    OUTCOMES,
    PARAMETERS,
    Parameter,
    coerce_value,
    suggest,
)
from .scenario import (
    MAX_STEPS,
    Scenario,
    ScenarioError,
    find_scenario,
    load_scenario,
    read_toml,
)
from .stats import replication_seeds, seed_to_int

__all__ = [
    "ExperimentError",
    "Factor",
    "Experiment",
    "Design",
    "METHODS",
    "load_experiment",
    "salib_problem",
    "sample_design",
    "build_plan",
    "interleaved_order",
    "run_seed",
    "point_params",
    "POLICY_FIELDS",
]

METHODS = ("grid", "lhs", "random", "sobol", "morris")
TOP_KEYS = {"name", "description", "scenario", "steps", "replications", "seed", "outcomes",
            "series", "seeding", "design", "set", "factors", "horizons"}
DESIGN_KEYS = {"method", "n", "second_order", "num_levels", "seed"}
FACTOR_KEYS = {"bounds", "values"}
#: Fields of a policy window that can be a factor (``policy.LEVER.FIELD``).
POLICY_FIELDS = ("value", "start")
SEEDINGS = ("common", "independent")
MAX_RUNS = 10_000_000


@dataclass(frozen=True)
class Factor:
    """One varied input of an experiment.

    Attributes:
        name: a declared parameter name.
        parameter: its declaration.
        bounds: ``(low, high)`` for a continuous range, else ``None``.
        values: explicit list of allowed values (typed), else ``None``.
    """

    name: str
    parameter: Parameter
    bounds: tuple[float, float] | None = None
    values: tuple[Any, ...] | None = None

    @property
    def kind(self) -> str:
        """``float``, ``int`` (integer range) or ``values`` (explicit list)."""
        if self.values is not None:
            return "values"
        return "int" if self.parameter.type is int else "float"

    def salib_bounds(self) -> list[float]:
        """Bounds of this factor in the SALib problem (see the module docstring)."""
        if self.values is not None:
            return [0.0, float(len(self.values))]
        assert self.bounds is not None
        lo, hi = self.bounds
        return [float(lo), float(hi) + 1.0] if self.kind == "int" else [float(lo), float(hi)]

    def from_sample(self, x: np.ndarray) -> list[Any]:
        """Model values for raw sampler values ``x`` (rounded / looked up, validated)."""
        if self.values is not None:
            idx = np.clip(np.floor(x).astype(np.int64), 0, len(self.values) - 1)
            return [self.values[i] for i in idx]
        assert self.bounds is not None
        lo, hi = self.bounds
        if self.kind == "int":
            v = np.clip(np.floor(x), lo, hi).astype(np.int64)
            return [int(i) for i in v]
        return [float(i) for i in np.clip(x, lo, hi)]

    def levels(self, n: int) -> list[Any]:
        """Grid levels: the values, or ``n`` evenly spaced points of the bounds."""
        if self.values is not None:
            return list(self.values)
        assert self.bounds is not None
        lo, hi = self.bounds
        pts = np.linspace(lo, hi, n) if n > 1 else np.array([(lo + hi) / 2.0])
        if self.kind == "int":
            return sorted({int(round(p)) for p in pts})
        return [float(p) for p in pts]

    def describe(self) -> str:
        """Short human description, e.g. ``[0, 5000]`` or ``{0, 1000, 5000}``."""
        if self.values is not None:
            return "{" + ", ".join(str(v).lower() if isinstance(v, bool) else str(v)
                                   for v in self.values) + "}"
        assert self.bounds is not None
        return f"[{self.bounds[0]:g}, {self.bounds[1]:g}]"


@dataclass
class Experiment:
    """A validated experiment file.

    Attributes:
        name: experiment name.
        description: one line.
        path: the file (``None`` when built in code).
        file_hash: SHA-256 (hex) of the file's bytes.
        scenario: the validated base scenario, ``[set]`` overrides applied.
        steps: semesters per run.
        replications: runs per design point.
        seed: experiment seed (runs; sampler unless ``design_seed`` is set).
        outcomes: outcomes recorded (final-year means).
        series: whether runs also return per-step series of the outcomes.
        seeding: ``common`` or ``independent``.
        method: sampling design.
        n: sample size parameter of the design.
        factors: the varied inputs, in file order.
        fixed: the ``[set]`` overrides.
        second_order: Sobol design with second-order columns.
        num_levels: Morris grid levels.
        design_seed: seed of the sampler.
        horizons: years after the policy starts at which the sweep results also report
            the outcomes (columns ``<outcome>@<h>y``, derived from the per-step series
            when read; :mod:`ecosim.experiments.horizons`); empty: none.
    """

    name: str
    scenario: Scenario
    factors: list[Factor]
    method: str = "lhs"
    n: int | None = None
    steps: int = 20
    replications: int = 1
    seed: int = 1
    outcomes: tuple[str, ...] = HEADLINE_OUTCOMES
    series: bool = True
    seeding: str = "common"
    description: str = ""
    path: Path | None = None
    file_hash: str = ""
    fixed: dict[str, Any] = field(default_factory=dict)
    second_order: bool = False
    num_levels: int = 4
    design_seed: int | None = None
    horizons: tuple[int, ...] = ()

    @property
    def factor_names(self) -> list[str]:
        """Names of the factors, in file order."""
        return [f.name for f in self.factors]

    def base_params(self) -> dict[str, Any]:
        """Model keyword arguments shared by every run (scenario + ``[set]``)."""
        return self.scenario.model_kwargs()

    def point_params(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Model keyword arguments of one design point (see :func:`point_params`)."""
        return point_params(self.base_params(), values)

    def n_points(self) -> int:
        """Number of design points the sampler will produce."""
        D = len(self.factors)
        n = self.n or 0
        if self.method == "grid":
            return math.prod(len(f.levels(n)) for f in self.factors)
        if self.method == "sobol":
            return n * (2 * D + 2 if self.second_order else D + 2)
        if self.method == "morris":
            return n * (D + 1)
        return n

    def n_runs(self) -> int:
        """Total planned runs: design points × replications."""
        return self.n_points() * self.replications


@dataclass
class Design:
    """A sample design in sampler order.

    Attributes:
        problem: the SALib problem (``names``, ``num_vars``, ``bounds``).
        X: raw sample matrix from the sampler, one row per point (SALib order).
        points: ``point_id`` and one column of model values per factor.
    """

    problem: dict[str, Any]
    X: np.ndarray
    points: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Points with the raw sampler values as ``raw_<factor>`` columns."""
        raw = pd.DataFrame(self.X, columns=[f"raw_{n}" for n in self.problem["names"]])
        return pd.concat([self.points.reset_index(drop=True), raw], axis=1)


# ----------------------------------------------------------------------------------
# Loading and validation
# ----------------------------------------------------------------------------------
def _err(path: Path | str, msg: str) -> ExperimentError:
    return ExperimentError(f"{path}: {msg}")


def _int_field(path: Path, key: str, value: Any, low: int, high: int | None = None) -> int:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low and (
        high is None or value <= high)
    if not ok:
        rng = f"in [{low}, {high}]" if high is not None else f"≥ {low}"
        raise _err(path, f"{key} = {value!r} is not allowed: expected an integer {rng}")
    return int(value)


def _resolve_scenario(path: Path, ref: Any) -> Scenario:
    if not isinstance(ref, str) or not ref:
        raise _err(path, f"scenario = {ref!r} is not allowed: expected a scenario file "
                         "(relative to this file) or a shipped scenario name")
    cand = (path.parent / ref)
    try:
        return load_scenario(cand if cand.is_file() else find_scenario(ref))
    except ScenarioError as e:
        if cand.is_file():
            raise
        raise _err(path, f"scenario = {ref!r}: {e}") from None


def _typed(path: Path, where: str, p: Parameter, value: Any) -> Any:
    if p.type in (int, float) and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise _err(path, f"{where} {value!r} has the wrong type: expected {p.allowed()}")
    if p.type is bool and not isinstance(value, bool):
        raise _err(path, f"{where} {value!r} has the wrong type: expected true or false")
    try:
        return coerce_value(p, value)
    except ParameterError as e:
        raise _err(path, f"{where} {e}") from None


def point_params(base: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Model keyword arguments: ``base`` with a design point's factor ``values``.

    A ``policy.LEVER.FIELD`` factor sets ``FIELD`` of the window on ``LEVER`` in
    ``base["policies"]`` (a list of window dicts); any other factor is a parameter.
    """
    params = dict(base)
    fields: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        if name.startswith("policy."):
            _, lever, key = name.split(".")
            fields.setdefault(lever, {})[key] = value
        else:
            params[name] = value
    if fields:
        params["policies"] = [{**w, **fields.get(w["lever"], {})}
                              for w in params.get("policies", [])]
    return params


def _policy_parameter(path: Path, name: str, scenario: Scenario) -> Parameter:
    """The declaration of a ``policy.LEVER.FIELD`` factor, from the scenario's window."""
    where = f"[factors.\"{name}\"]"
    parts = name.split(".")
    if len(parts) != 3 or parts[2] not in POLICY_FIELDS:
        raise _err(path, f"{where} unknown factor '{name}': a policy factor is "
                         "policy.LEVER.FIELD with FIELD one of " + ", ".join(POLICY_FIELDS))
    lever, key = parts[1], parts[2]
    windows = [w for w in scenario.policies if w.lever == lever]
    if len(windows) != 1:
        have = sorted({w.lever for w in scenario.policies}) or ["none"]
        raise _err(path, f"{where} the base scenario has {len(windows)} [[policy]] windows "
                         f"on '{lever}'{suggest(lever, have)}: a policy factor needs exactly "
                         f"one (windows on: {', '.join(have)})")
    w = windows[0]
    if key == "value":
        return dataclasses.replace(PARAMETERS[lever], name=name)
    high = w.end if w.end is not None else MAX_STEPS // 2
    return Parameter(name, "lever", int, w.start, 1, high, "year",
                     f"start year of the {lever} window (its end: "
                     f"{'open' if w.end is None else w.end})")


def _factor(path: Path, name: str, spec: Any, scenario: Scenario | None = None) -> Factor:
    where = f"[factors.{name}]"
    if name.startswith("policy.") and scenario is not None:
        p = _policy_parameter(path, name, scenario)
    elif name not in PARAMETERS:
        raise _err(path, f"{where} unknown factor '{name}'{suggest(name, PARAMETERS)}; "
                         "allowed: a declared lever, uncertainty or structure parameter "
                         "(ecosim levers --all), or policy.LEVER.value / "
                         "policy.LEVER.start for a [[policy]] window of the scenario")
    else:
        p = PARAMETERS[name]
    if not isinstance(spec, dict):
        raise _err(path, f"{where} must be a table with 'bounds' or 'values'")
    for key in spec:
        if key not in FACTOR_KEYS:
            raise _err(path, f"{where} unknown key '{key}'{suggest(key, FACTOR_KEYS)}; "
                             "allowed: bounds, values")
    if "bounds" in spec and "values" in spec:
        raise _err(path, f"{where} give either bounds or values, not both")
    if "values" in spec:
        vals = spec["values"]
        if not isinstance(vals, list) or not vals:
            raise _err(path, f"{where} values = {vals!r} is not allowed: expected a "
                             f"non-empty list of {p.allowed()}")
        typed = tuple(_typed(path, f"{where} values: {name} =", p, v) for v in vals)
        if len(set(typed)) != len(typed):
            raise _err(path, f"{where} values = {vals!r} repeats a value")
        return Factor(name, p, values=typed)
    if p.type in (bool, str):
        if "bounds" in spec or p.type is str:
            raise _err(path, f"{where} {name} is a {p.type.__name__} parameter: expected "
                             f"values = [...] ({p.allowed()})")
        return Factor(name, p, values=(False, True))
    if "bounds" not in spec:  # empty table: the whole declared range
        return Factor(name, p, bounds=(float(p.low), float(p.high)))
    b = spec["bounds"]
    if (not isinstance(b, list) or len(b) != 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in b)):
        raise _err(path, f"{where} bounds = {b!r} is not allowed: expected [low, high], "
                         f"two numbers within the declared range {p.allowed()}")
    lo, hi = float(b[0]), float(b[1])
    if not lo < hi:
        raise _err(path, f"{where} bounds = {b!r} is not allowed: expected low < high")
    if lo < p.low or hi > p.high:
        raise _err(path, f"{where} bounds = {b!r} lie outside the declared range: "
                         f"expected within {p.allowed().split(' in ', 1)[1]}")
    if p.type is int and (not lo.is_integer() or not hi.is_integer()):
        raise _err(path, f"{where} bounds = {b!r} is not allowed: {name} is an integer, "
                         "expected whole-number bounds")
    return Factor(name, p, bounds=(lo, hi))


def load_experiment(path: str | Path) -> Experiment:
    """Load and validate an experiment file.

    Raises:
        ExperimentError: one line naming the file, the field, the value and what is allowed.
    """
    path = Path(path)
    data, raw = read_toml(path, ExperimentError, "experiment file")
    _check_top_keys(path, data)
    if "scenario" not in data:
        raise _err(path, "scenario is missing: expected scenario = \"path/to/scenario.toml\"")
    scenario = _resolve_scenario(path, data["scenario"])
    fixed = _fixed_values(path, data)
    scenario = scenario.with_overrides(fixed)
    factors = _factors(path, data, fixed, scenario)
    design, method, n, second, num_levels = _design_settings(path, data, factors)
    steps = _int_field(path, "steps", data.get("steps", scenario.steps), 1, MAX_STEPS)
    reps = _int_field(path, "replications", data.get("replications", 1), 1, 100_000)
    seed = _int_field(path, "seed", data.get("seed", scenario.seed), 0, 2**63 - 1)
    design_seed = design.get("seed")
    if design_seed is not None:
        design_seed = _int_field(path, "[design] seed", design_seed, 0, 2**32 - 1)
    elif seed >= 2**32:
        design_seed = seed % 2**32
    outcomes, series, seeding = _output_settings(path, data)
    exp = Experiment(
        name=data.get("name", path.stem), description=data.get("description", ""),
        scenario=scenario, factors=factors, method=method, n=n, steps=steps,
        replications=reps, seed=seed, outcomes=tuple(outcomes), series=series,
        seeding=seeding, path=path, file_hash=hashlib.sha256(raw).hexdigest(), fixed=fixed,
        second_order=second, num_levels=num_levels, design_seed=design_seed,
        horizons=_horizons(path, data, steps, series, scenario),
    )
    if exp.n_runs() > MAX_RUNS:
        raise _err(path, f"the design has {exp.n_runs():,} runs, more than the limit "
                         f"{MAX_RUNS:,}: lower [design] n or replications")
    return exp


def _horizons(path: Path, data: dict[str, Any], steps: int, series: bool,
              scenario: Scenario) -> tuple[int, ...]:
    """The optional ``horizons`` list, checked against the run length (needs ``series``)."""
    if "horizons" not in data:
        return ()
    hs = data["horizons"]
    if not isinstance(hs, list) or not hs:
        raise _err(path, f"horizons = {hs!r} is not allowed: expected a non-empty list of "
                         "whole years ≥ 1, e.g. horizons = [2, 5, 10]")
    if not series:
        raise _err(path, "horizons need the per-step series: remove series = false")
    from .horizons import check_horizons, policy_start_year

    try:
        return check_horizons(hs, steps, (policy_start_year(scenario),), where="horizons")
    except ScenarioError as e:
        raise _err(path, str(e)) from None


def _check_top_keys(path: Path, data: dict[str, Any]) -> None:
    for key in data:
        if key not in TOP_KEYS:
            hint = suggest(key, TOP_KEYS)
            if key in PARAMETERS:
                hint = f" (to vary it use [factors.{key}]; to fix it put it under [set])"
            raise _err(path, f"unknown top-level key '{key}'{hint}; allowed: "
                             + ", ".join(sorted(TOP_KEYS)))


def _fixed_values(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The ``[set]`` table: parameters fixed for every run, typed."""
    fixed: dict[str, Any] = {}
    set_table = data.get("set", {})
    if not isinstance(set_table, dict):
        raise _err(path, "[set] must be a table of name = value")
    for key, value in set_table.items():
        if key not in PARAMETERS:
            raise _err(path, f"[set] unknown parameter '{key}'{suggest(key, PARAMETERS)}; "
                             "allowed: a declared parameter (ecosim levers --all)")
        fixed[key] = _typed(path, f"[set] {key} =", PARAMETERS[key], value)
    return fixed


def _factors(path: Path, data: dict[str, Any], fixed: dict[str, Any],
             scenario: Scenario | None = None) -> list[Factor]:
    """The ``[factors.NAME]`` tables (none of them also fixed in ``[set]``)."""
    factors_t = data.get("factors")
    if not isinstance(factors_t, dict) or not factors_t:
        raise _err(path, "no factors: expected at least one [factors.NAME] table, "
                         "e.g. [factors.internship_subsidy] bounds = [0, 5000]")
    factors = [_factor(path, name, spec, scenario) for name, spec in factors_t.items()]
    for f in factors:
        if f.name in fixed:
            raise _err(path, f"[factors.{f.name}] is also fixed in [set]: choose one")
    return factors


def _design_settings(path: Path, data: dict[str, Any], factors: list[Factor]
                     ) -> tuple[dict[str, Any], str, int | None, bool, int]:
    """The ``[design]`` table and its method, n, second_order and num_levels, checked."""
    design = data.get("design")
    if not isinstance(design, dict):
        raise _err(path, "[design] is missing: expected method = "
                         + " | ".join(METHODS) + " and n")
    for key in design:
        if key not in DESIGN_KEYS:
            raise _err(path, f"[design] unknown key '{key}'{suggest(key, DESIGN_KEYS)}; "
                             "allowed: " + ", ".join(sorted(DESIGN_KEYS)))
    method = design.get("method")
    if method not in METHODS:
        raise _err(path, f"[design] method = {method!r} is not allowed: expected one of "
                         + ", ".join(METHODS) + suggest(str(method), METHODS))
    n = design.get("n")
    if n is None and not (method == "grid" and all(f.values is not None for f in factors)):
        raise _err(path, f"[design] n is missing: method '{method}' needs a sample size "
                         + ("(levels per factor)" if method == "grid" else "(integer ≥ 1)"))
    if n is not None:
        n = _int_field(path, "[design] n", n, 2 if method in ("grid", "morris") else 1)
        if method == "sobol" and n & (n - 1):
            lo = 1 << (n.bit_length() - 1)
            raise _err(path, f"[design] n = {n} is not allowed for method 'sobol': expected "
                             f"a power of two (e.g. {lo} or {lo * 2}); Sobol sequences lose "
                             "their balance otherwise")
    second = design.get("second_order", False)
    if not isinstance(second, bool):
        raise _err(path, f"[design] second_order = {second!r}: expected true or false")
    num_levels = design.get("num_levels", 4)
    num_levels = _int_field(path, "[design] num_levels", num_levels, 2)
    if num_levels % 2:
        raise _err(path, f"[design] num_levels = {num_levels} is not allowed: expected an "
                         "even integer ≥ 2 (Morris)")
    if method == "sobol" and len(factors) < 2 or method == "morris" and len(factors) < 2:
        raise _err(path, f"[design] method '{method}' needs at least 2 factors, "
                         f"got {len(factors)}")
    return design, method, n, second, num_levels


def _output_settings(path: Path, data: dict[str, Any]) -> tuple[list[str], bool, str]:
    """``outcomes``, ``series`` and ``seeding``, checked (and ``name``, ``description``)."""
    outcomes = data.get("outcomes", list(HEADLINE_OUTCOMES))
    if not isinstance(outcomes, list) or not outcomes:
        raise _err(path, f"outcomes = {outcomes!r} is not allowed: expected a non-empty "
                         "list of outcome names (ecosim outcomes --all)")
    for o in outcomes:
        if o not in OUTCOMES:
            raise _err(path, f"outcomes: unknown outcome {o!r}{suggest(str(o), OUTCOMES)}; "
                             "see ecosim outcomes --all")
    if len(set(outcomes)) != len(outcomes):
        raise _err(path, f"outcomes = {outcomes!r} repeats a name")
    series = data.get("series", True)
    if not isinstance(series, bool):
        raise _err(path, f"series = {series!r} is not allowed: expected true or false")
    seeding = data.get("seeding", "common")
    if seeding not in SEEDINGS:
        raise _err(path, f"seeding = {seeding!r} is not allowed: expected one of "
                         + ", ".join(SEEDINGS))
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise _err(path, f"{key} = {data[key]!r} must be a string")
    return outcomes, series, seeding


# ----------------------------------------------------------------------------------
# Sampling
# ----------------------------------------------------------------------------------
def salib_problem(factors: list[Factor]) -> dict[str, Any]:
    """The SALib problem of the factors, derived from the declaration."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [f.salib_bounds() for f in factors]}


def _raw_sample(exp: Experiment, problem: dict[str, Any]) -> np.ndarray:
    seed = exp.seed if exp.design_seed is None else exp.design_seed
    n = int(exp.n or 0)
    if exp.method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, n, seed=seed)
    if exp.method == "random":
        rng = np.random.default_rng(seed)
        b = np.asarray(problem["bounds"], dtype=float)
        return b[:, 0] + rng.random((n, len(b))) * (b[:, 1] - b[:, 0])
    if exp.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=exp.second_order, scramble=True,
                            seed=seed)
    if exp.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=exp.num_levels, seed=seed)
    raise ExperimentError(f"unknown design method {exp.method!r}")  # pragma: no cover


def sample_design(exp: Experiment) -> Design:
    """Draw the experiment's design points, in sampler order (``point_id`` 0, 1, ...)."""
    problem = salib_problem(exp.factors)
    if exp.method == "grid":
        levels = [f.levels(int(exp.n or 0)) for f in exp.factors]
        combos = list(itertools.product(*levels))
        cols = {f.name: [c[i] for c in combos] for i, f in enumerate(exp.factors)}
        # raw values of a grid: the level itself, or its index for values factors
        X = np.column_stack([
            [f.values.index(v) + 0.5 for v in cols[f.name]] if f.values is not None
            else np.asarray(cols[f.name], dtype=float) for f in exp.factors])
    else:
        X = np.asarray(_raw_sample(exp, problem), dtype=float)
        cols = {f.name: f.from_sample(X[:, i]) for i, f in enumerate(exp.factors)}
    points = pd.DataFrame({"point_id": np.arange(len(X), dtype=np.int64), **cols})
    for f in exp.factors:
        if f.parameter.type is bool:
            points[f.name] = points[f.name].astype(bool)
    return Design(problem, X, points)


def interleaved_order(n: int) -> np.ndarray:
    """A permutation of ``0..n-1`` in bit-reversed (van der Corput) order.

    Any prefix of it is spread evenly over the index range, so a sweep that stops early
    has already covered the whole design (coarsely) instead of one corner of it.
    """
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    bits = max(1, (n - 1).bit_length())
    idx = np.arange(1 << bits, dtype=np.int64)
    rev = np.zeros_like(idx)
    for b in range(bits):
        rev |= ((idx >> b) & 1) << (bits - 1 - b)
    return rev[rev < n]


def run_seed(exp_seed: int, point_id: int, replication: int, seeding: str,
             common: list[int] | None = None) -> int:
    """Seed of one run; depends only on the experiment seed and the run's id."""
    if seeding == "common":
        if common is not None:
            return common[replication]
        return replication_seeds(exp_seed, replication + 1)[replication]
    return seed_to_int(np.random.SeedSequence(int(exp_seed),
                                              spawn_key=(int(point_id), int(replication))))


def build_plan(exp: Experiment, design: Design) -> pd.DataFrame:
    """Every planned run: ``run_id``, ``order``, ``point_id``, ``replication``, ``seed``, factors.

    ``run_id = point_id × replications + replication``. ``order`` is the position in the
    run order: replication 0 of every point first (points in :func:`interleaved_order`),
    then replication 1, and so on.
    """
    P, R = len(design.points), exp.replications
    common = replication_seeds(exp.seed, R) if exp.seeding == "common" else None
    point = np.repeat(np.arange(P, dtype=np.int64), R)
    rep = np.tile(np.arange(R, dtype=np.int64), P)
    run_id = point * R + rep
    seeds = np.array([run_seed(exp.seed, p, r, exp.seeding, common)
                      for p, r in zip(point, rep, strict=True)], dtype=np.int64)
    rank = np.empty(P, dtype=np.int64)
    rank[interleaved_order(P)] = np.arange(P)
    order = rep * P + rank[point]
    plan = pd.DataFrame({"run_id": run_id, "order": order, "point_id": point,
                         "replication": rep, "seed": seeds})
    pts = design.points.set_index("point_id")
    for f in exp.factors:
        plan[f.name] = pts[f.name].to_numpy()[point]
    return plan

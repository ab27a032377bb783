"""Calibration files: targets, free parameters with priors, the scenario, the ABC settings.

A calibration file is TOML (``ecosim calibrate FILE``)::

    name = "baseline"
    scenario = "baseline"            # shipped name or file relative to this one
    # model = "module:function"      # or a Python function instead of ecosim
    steps = 20                       # reported semesters per run (default: the scenario's)
    replications = 2                 # runs per particle; their outcomes are averaged
    seed = 2026

    targets_file = "../data/calibration_targets.toml"   # the repository's target data
    targets = ["placement_rate", "in_field_rate"]       # ids in it (default: role calibrate)

    [[target]]                       # and/or targets written here
    id = "local_jobs"
    outcome = "local_retention_rate" # a declared outcome (final-year mean, as ecosim run)
    observed = 0.70
    sd = 0.05                        # its uncertainty: the distance weighs 1 / sd
    source = "MOE 2019: nearly 70% find jobs near their school"

    [priors.hire_threshold]          # a declared uncertainty or calibration constant
    low = 0.2                        # bounds default to the declaration's range
    high = 0.5
    # distribution = "normal", mean = 0.3, sd = 0.05   (truncated to [low, high])

    [abc]
    population_size = 40             # particles per generation
    generations = 5                  # at most this many
    min_epsilon = 0.0                # stop once the threshold is this small
    max_simulations = 5000           # stop after this many model evaluations
    predictive_draws = 40            # posterior-predictive runs

Every problem is one line naming the file, the field, the value and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CalibrationError, ScenarioError
from ..experiments.design import MAX_STEPS
from ..experiments.scenario import Scenario, find_scenario, load_scenario, read_toml
from ..params import OUTCOMES, PARAMETERS, suggest

__all__ = ["Target", "Prior", "CalibrationSpec", "load_calibration", "load_targets",
           "TARGET_ROLES", "STATISTICS"]

TARGET_ROLES = ("calibrate", "holdout")
STATISTICS = ("final_year",)
PRIOR_KINDS = ("uniform", "normal")
TOP_KEYS = {"name", "description", "scenario", "model", "steps", "replications", "seed",
            "targets_file", "targets", "target", "priors", "abc"}
ABC_KEYS = {"population_size": (2, 100_000, 40), "generations": (1, 100, 5),
            "max_simulations": (1, 10_000_000, 5_000), "predictive_draws": (0, 10_000, 40)}


@dataclass(frozen=True)
class Target:
    """One observed statistic the model is fitted to (or validated on).

    Attributes:
        id: short name, unique in its file.
        outcome: the model output compared (a declared outcome, or an output of a
            function model).
        observed: the observed value.
        sd: its uncertainty (standard deviation, same unit); the distance weighs 1/sd.
        source: where the value comes from (full citation: the file must stand alone).
        statistic: how a run is summarised: ``final_year`` (mean over the last year).
        role: ``calibrate`` or ``holdout`` (kept for validation, never fitted).
    """

    id: str
    outcome: str
    observed: float
    sd: float
    source: str
    statistic: str = "final_year"
    role: str = "calibrate"


@dataclass(frozen=True)
class Prior:
    """The prior of one free parameter: uniform on [low, high], or a normal truncated
    to it. Integer parameters are sampled as reals and rounded for the model."""

    name: str
    low: float
    high: float
    distribution: str = "uniform"
    mean: float | None = None
    sd: float | None = None
    integer: bool = False

    def median(self) -> float:
        """The prior median (for reports)."""
        if self.distribution == "uniform":
            return (self.low + self.high) / 2
        return float(self.mean)


@dataclass
class CalibrationSpec:
    """A validated calibration file (see the module docstring)."""

    name: str
    path: Path | None
    targets: tuple[Target, ...]
    priors: tuple[Prior, ...]
    scenario: Scenario | None = None
    model: str | None = None
    steps: int = 20
    replications: int = 1
    seed: int = 0
    population_size: int = 40
    generations: int = 5
    min_epsilon: float = 0.0
    max_simulations: int = 5_000
    predictive_draws: int = 40
    description: str = ""
    file_hash: str = ""
    base_params: dict[str, Any] = field(default_factory=dict)
    holdouts: tuple[Target, ...] = ()

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Model outputs the targets need (each once, in target order)."""
        return tuple(dict.fromkeys(t.outcome for t in self.targets))

    @property
    def predictive_outcomes(self) -> tuple[str, ...]:
        """Outputs of the posterior-predictive runs: the targets' and the held-out ones'."""
        return tuple(dict.fromkeys([*self.outcomes, *(t.outcome for t in self.holdouts)]))

    def content_hash(self) -> str:
        """SHA-256 (16 hex) of everything that decides the result (resume safety)."""
        blob = json.dumps({"targets": [asdict(t) for t in self.targets],
                           "priors": [asdict(p) for p in self.priors],
                           "base": self.base_params, "model": self.model,
                           "steps": self.steps, "replications": self.replications,
                           "seed": self.seed, "population_size": self.population_size},
                          sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _err(path: Path | str, msg: str) -> CalibrationError:
    return CalibrationError(f"{path}: {msg}")


def _number(path: Path, where: str, value: Any, *, positive: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = math.isfinite(value) and (value > 0 or not positive)
    if not ok:
        what = "a finite number > 0" if positive else "a finite number"
        raise _err(path, f"{where} = {value!r} is not allowed: expected {what}")
    return value


def _int(path: Path, where: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _err(path, f"{where} = {value!r} is not allowed: expected an integer in "
                         f"[{low}, {high}]")
    return int(value)


def _text(path: Path, where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _err(path, f"{where} = {value!r} is not allowed: expected a non-empty text")
    return value


def _choice(path: Path, where: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _err(path, f"{where} = {value!r} is not allowed: expected one of "
                         f"{', '.join(allowed)}")
    return value


def _known_fields(path: Path, where: str, raw: dict[str, Any], allowed: set[str]) -> None:
    for key in raw:
        if key not in allowed:
            raise _err(path, f"{where}unknown field '{key}'{suggest(key, allowed)}; "
                             f"allowed: {', '.join(sorted(allowed))}")


def _target(path: Path, where: str, raw: Any, outputs: set[str] | None) -> Target:
    """One ``[[target]]`` table; ``outputs``: the allowed outcome names (None: any)."""
    if not isinstance(raw, dict):
        raise _err(path, f"{where} must be a table with id, outcome, observed, sd, source")
    _known_fields(path, f"{where}: ", raw, {"id", "outcome", "observed", "sd", "source",
                                            "statistic", "role", "note"})
    for key in ("id", "outcome", "observed", "sd", "source"):
        if key not in raw:
            raise _err(path, f"{where}: '{key}' is missing")
    tid = _text(path, f"{where} id", raw["id"])
    outcome = _text(path, f"{where} ({tid}) outcome", raw["outcome"])
    if outputs is not None and outcome not in outputs:
        raise _err(path, f"{where} ({tid}) outcome = {outcome!r} is not a declared outcome"
                         f"{suggest(outcome, outputs)} (see 'ecosim outcomes')")
    statistic = _choice(path, f"{where} ({tid}) statistic", raw.get("statistic", "final_year"),
                        STATISTICS)
    role = _choice(path, f"{where} ({tid}) role", raw.get("role", "calibrate"), TARGET_ROLES)
    return Target(id=tid, outcome=outcome,
                  observed=_number(path, f"{where} ({tid}) observed", raw["observed"]),
                  sd=_number(path, f"{where} ({tid}) sd", raw["sd"], positive=True),
                  source=_text(path, f"{where} ({tid}) source", raw["source"]),
                  statistic=statistic, role=role)


def load_targets(path: str | Path, outputs: set[str] | None = None) -> tuple[Target, ...]:
    """Read a target data file (``[[target]]`` tables; see ``data/calibration_targets.toml``).

    Args:
        path: the TOML file.
        outputs: allowed outcome names (default: the declared outcomes).

    Raises:
        CalibrationError: one line naming the file, the field and the value.
    """
    path = Path(path)
    data, _ = read_toml(path, CalibrationError, "target file")
    raw = data.get("target")
    if not isinstance(raw, list) or not raw:
        raise _err(path, "no [[target]] tables: a target file lists [[target]] entries")
    outputs = set(OUTCOMES) if outputs is None else outputs
    targets = tuple(_target(path, f"[[target]] #{i + 1}", t, outputs)
                    for i, t in enumerate(raw))
    _unique(path, targets)
    return targets


def _unique(path: Path, targets: tuple[Target, ...]) -> None:
    seen: set[str] = set()
    for t in targets:
        if t.id in seen:
            raise _err(path, f"target id {t.id!r} is given twice; ids must be unique")
        seen.add(t.id)


def _prior(path: Path, name: str, raw: Any, function_model: bool) -> Prior:
    where = f"[priors.{name}]"
    if not isinstance(raw, dict):
        raise _err(path, f"{where} must be a table (low, high, distribution, mean, sd)")
    _known_fields(path, f"{where}: ", raw, {"low", "high", "distribution", "mean", "sd"})
    integer = False
    if function_model:
        if "low" not in raw or "high" not in raw:
            raise _err(path, f"{where}: a function model's parameters need low and high")
        dlow, dhigh = -math.inf, math.inf
    else:
        p = PARAMETERS.get(name)
        if p is None or p.kind not in ("uncertainty", "calibration") or p.type is bool:
            free = [n for n, q in PARAMETERS.items()
                    if q.kind in ("uncertainty", "calibration") and q.type is not bool]
            raise _err(path, f"{where}: '{name}' is not a numeric uncertainty or calibration "
                             f"constant{suggest(name, free)} (see 'ecosim levers --all')")
        dlow, dhigh, integer = float(p.low), float(p.high), p.type is int
    low = _number(path, f"{where} low", raw.get("low", dlow))
    high = _number(path, f"{where} high", raw.get("high", dhigh))
    if not dlow <= low < high <= dhigh:
        raise _err(path, f"{where} low = {low:g}, high = {high:g} are not allowed: expected "
                         f"low < high inside the declared range [{dlow:g}, {dhigh:g}]")
    dist = _choice(path, f"{where} distribution", raw.get("distribution", "uniform"),
                   PRIOR_KINDS)
    mean = sd = None
    if dist == "normal":
        mean = _number(path, f"{where} mean", raw.get("mean"))
        sd = _number(path, f"{where} sd", raw.get("sd"), positive=True)
        if not low <= mean <= high:
            raise _err(path, f"{where} mean = {mean:g} is not allowed: expected a value in "
                             f"[{low:g}, {high:g}]")
    return Prior(name, low, high, dist, mean, sd, integer)


def _resolve_scenario(path: Path, ref: Any) -> Scenario:
    if not isinstance(ref, str) or not ref:
        raise _err(path, f"scenario = {ref!r} is not allowed: expected a scenario file "
                         "(relative to this file) or a shipped scenario name")
    cand = path.parent / ref
    try:
        return load_scenario(cand if cand.is_file() else find_scenario(ref))
    except ScenarioError as e:
        raise _err(path, f"scenario = {ref!r}: {e}") from None


def _targets(path: Path, data: dict[str, Any], outputs: set[str] | None
             ) -> tuple[tuple[Target, ...], tuple[Target, ...]]:
    """The targets to fit, and the held-out targets of the targets file (predicted and
    compared, never fitted)."""
    chosen: list[Target] = []
    holdouts: tuple[Target, ...] = ()
    if "targets_file" in data:
        ref = _text(path, "targets_file", data["targets_file"])
        file = path.parent / ref
        if not file.is_file():
            raise _err(path, f"targets_file = {ref!r}: no such file ({file})")
        pool = load_targets(file, outputs)
        holdouts = tuple(t for t in pool if t.role == "holdout")
        ids = data.get("targets")
        if ids is None:
            chosen += [t for t in pool if t.role == "calibrate"]
        else:
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not ids:
                raise _err(path, f"targets = {ids!r} is not allowed: expected a list of "
                                 f"target ids of {ref}")
            by_id = {t.id: t for t in pool}
            for i in ids:
                if i not in by_id:
                    raise _err(path, f"targets: {i!r} is not a target of {ref}"
                                     f"{suggest(i, by_id)}")
                if by_id[i].role == "holdout":
                    raise _err(path, f"targets: {i!r} is a held-out target of {ref} (role = "
                                     "'holdout'): it validates, it is never fitted")
                chosen.append(by_id[i])
    elif "targets" in data:
        raise _err(path, "targets lists ids of a targets_file; targets_file is missing")
    inline = data.get("target", [])
    if not isinstance(inline, list):
        raise _err(path, "target must be written as [[target]] tables")
    chosen += [_target(path, f"[[target]] #{i + 1}", t, outputs) for i, t in enumerate(inline)]
    if not chosen:
        raise _err(path, "no targets: give targets_file (and targets) or [[target]] tables")
    targets = tuple(chosen)
    _unique(path, targets)
    return targets, holdouts


def _abc_settings(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    raw = data.get("abc", {})
    if not isinstance(raw, dict):
        raise _err(path, "abc must be a table: [abc]")
    _known_fields(path, "[abc]: ", raw, set(ABC_KEYS) | {"min_epsilon"})
    out = {k: _int(path, f"[abc] {k}", raw.get(k, d), lo, hi)
           for k, (lo, hi, d) in ABC_KEYS.items()}
    eps = _number(path, "[abc] min_epsilon", raw.get("min_epsilon", 0.0))
    if eps < 0:
        raise _err(path, f"[abc] min_epsilon = {eps:g} is not allowed: expected ≥ 0")
    out["min_epsilon"] = eps
    return out


def load_calibration(path: str | Path, *, allow_model: bool = False,
                     import_model: bool = True) -> CalibrationSpec:
    """Load and validate a calibration file.

    Args:
        path: the calibration file.
        allow_model: allow a ``model`` outside ecosim's shipped test functions (a file
            naming a model is code: ``--allow-model``).
        import_model: import the model to check it exists (off for a dry run or for
            reading a stored result: then only its name is checked).

    Raises:
        CalibrationError: one line naming the file, the field, the value and what is
            allowed.
    """
    path = Path(path)
    data, raw = read_toml(path, CalibrationError, "calibration file")
    _known_fields(path, "", data, TOP_KEYS)
    model = data.get("model")
    if model is not None:
        from ..sensitivity.models import check_model_allowed, resolve_model

        _text(path, "model", model)
        try:
            check_model_allowed(path, model, allow_model or not import_model)
            if import_model:
                resolve_model(model)
        except ScenarioError as e:
            if str(e).startswith(str(path)):
                raise CalibrationError(str(e)) from None
            raise _err(path, str(e)) from None
        if "scenario" in data:
            raise _err(path, "give scenario (run ecosim) or model (a Python function), "
                             "not both")
        scenario = None
    elif "scenario" in data:
        scenario = _resolve_scenario(path, data["scenario"])
    else:
        raise _err(path, "scenario is missing: expected scenario = \"baseline\" (or a "
                         "file), or model = \"module:function\"")
    priors_raw = data.get("priors")
    if not isinstance(priors_raw, dict) or not priors_raw:
        raise _err(path, "no free parameters: add at least one [priors.NAME] table")
    priors = tuple(_prior(path, n, v, model is not None) for n, v in priors_raw.items())
    targets, holdouts = _targets(path, data, None if model else set(OUTCOMES))
    default_steps = scenario.steps if scenario else 1
    return CalibrationSpec(
        name=_text(path, "name", data.get("name", path.stem)), path=path,
        description=str(data.get("description", "")), targets=targets, priors=priors,
        scenario=scenario, model=model,
        steps=_int(path, "steps", data.get("steps", default_steps), 1, MAX_STEPS),
        replications=_int(path, "replications", data.get("replications", 1), 1, 1_000),
        seed=_int(path, "seed", data.get("seed", scenario.seed if scenario else 0), 0,
                  2**32 - 1),
        file_hash=hashlib.sha256(raw).hexdigest(),
        base_params=scenario.model_kwargs() if scenario else {}, holdouts=holdouts,
        **_abc_settings(path, data))

"""Scenario files (TOML): loading, ``extends`` inheritance and validation.

A scenario file looks like::

    # what it represents, and where its numbers come from
    name = "deep_integration"
    description = "Subsidies and tax credit for cooperating enterprises"
    extends = "baseline.toml"      # optional, relative to this file
    steps = 30                     # optional (default 30)
    seed = 1                       # optional (default 1)

    [levers]
    internship_subsidy = 3000

    [uncertainties]
    initial_awareness = 0.3

    [structure]
    n_schools = 30

    [calibration]                  # the constants inside the rules (ecosim levers --all)
    hire_threshold = 0.36

Every key is checked against the one declaration in :mod:`ecosim.params`. Errors are
raised as :class:`ScenarioError` with one line naming the file, the field, the value
and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParameterError, ScenarioError
from ..params import PARAMETERS, coerce_value, suggest

__all__ = [
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "find_scenario",
    "scenario_dirs",
    "list_scenarios",
    "apply_overrides",
    "parse_set",
    "read_toml",
]

SECTIONS = {"levers": "lever", "uncertainties": "uncertainty", "structure": "structure",
            "calibration": "calibration"}
TOP_KEYS = {"name", "description", "extends", "steps", "seed", *SECTIONS}
DEFAULT_STEPS = 30
DEFAULT_SEED = 1
MAX_STEPS = 1_000


@dataclass
class Scenario:
    """A validated scenario: model parameters plus run settings.

    Attributes:
        name: scenario name.
        description: one line saying what it represents.
        params: every parameter set by the file chain (declared names → typed values).
        steps: number of semesters to run.
        seed: default seed.
        path: file it was loaded from (``None`` when built in code).
    """

    name: str
    description: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    steps: int = DEFAULT_STEPS
    seed: int = DEFAULT_SEED
    path: Path | None = None

    def model_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :class:`ecosim.EcosystemModel` (seed excluded)."""
        return dict(self.params)

    @property
    def content_hash(self) -> str:
        """SHA-256 (first 16 hex digits) of the resolved parameters and steps."""
        blob = json.dumps({"params": self.params, "steps": self.steps}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """Return a copy with some parameters changed (values already validated)."""
        return Scenario(self.name, self.description, {**self.params, **overrides},
                        self.steps, self.seed, self.path)


def _project_root() -> Path:
    return Path(__file__).resolve().parents[3]


def scenario_dirs() -> list[Path]:
    """Folders searched for scenario names: ./scenarios, then the project's."""
    dirs = [Path.cwd() / "scenarios", _project_root() / "scenarios"]
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


def find_scenario(name_or_path: str | Path) -> Path:
    """Resolve a scenario given as a path or a shipped name (``baseline``)."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    tried = [p]
    for d in scenario_dirs():
        for cand in (d / p.name, d / f"{p.name}.toml"):
            tried.append(cand)
            if cand.is_file():
                return cand
    names = [s.stem for d in scenario_dirs() for s in d.glob("*.toml")]
    raise ScenarioError(
        f"scenario file not found: {name_or_path}{suggest(p.stem, names)}; "
        f"shipped scenarios: {', '.join(sorted(set(names))) or 'none'}"
    )


def read_toml(path: str | Path, error: type[ScenarioError] = ScenarioError,
              what: str = "file") -> tuple[dict[str, Any], bytes]:
    """Read a TOML file (scenario or experiment): its table and its raw bytes.

    Raises:
        ScenarioError (or the given subclass): one line naming the file and the problem.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise error(f"{path}: cannot read {what}: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(f"{path}: not a UTF-8 text file (byte {e.start}); TOML files "
                    "must be UTF-8") from None
    try:
        return tomllib.loads(text), raw
    except tomllib.TOMLDecodeError as e:
        raise error(f"{path}: not valid TOML: {e}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path)[0]


def _check_int(path: Path, key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ScenarioError(
            f"{path}: {key} = {value!r} is not allowed: expected an integer in [{low}, {high}]")
    return value


def _check_value(path: Path, section: str, key: str, value: Any) -> Any:
    """Validate one parameter value from a file (typed: no strings for numbers)."""
    param = PARAMETERS[key]
    where = f"{path}: [{section}] "
    if param.type in (int, float) and not isinstance(value, int | float) or (
        param.type in (int, float) and isinstance(value, bool)
    ):
        raise ScenarioError(
            f"{where}{key} = {value!r} has the wrong type: expected {param.allowed()}")
    if param.type is bool and not isinstance(value, bool):
        raise ScenarioError(f"{where}{key} = {value!r} has the wrong type: expected true or false")
    try:
        return coerce_value(param, value)
    except ParameterError as e:
        raise ScenarioError(f"{where}{e}") from None


def _load_chain(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """Read a file and the files it extends; return merged raw settings."""
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise ScenarioError(f"{path}: 'extends' makes a cycle: {chain}")
    data = _read_toml(path)
    for key in data:
        if key not in TOP_KEYS:
            hint = suggest(key, TOP_KEYS)
            if key in PARAMETERS:
                sect = [s for s, k in SECTIONS.items() if k == PARAMETERS[key].kind][0]
                hint = f" (put it under [{sect}])"
            raise ScenarioError(
                f"{path}: unknown top-level key '{key}'{hint}; allowed: "
                + ", ".join(sorted(TOP_KEYS)))
    merged: dict[str, Any] = {"params": {}}
    if "extends" in data:
        parent = data["extends"]
        if not isinstance(parent, str):
            raise ScenarioError(f"{path}: extends = {parent!r} must be a file name (string)")
        ppath = (path.parent / parent)
        if not ppath.is_file():
            raise ScenarioError(f"{path}: extends = {parent!r}: file not found ({ppath})")
        merged = _load_chain(ppath, (*seen, path))
    for key in ("name", "description"):
        if key in data:
            if not isinstance(data[key], str):
                raise ScenarioError(f"{path}: {key} = {data[key]!r} must be a string")
            merged[key] = data[key]
    if "steps" in data:
        merged["steps"] = _check_int(path, "steps", data["steps"], 1, MAX_STEPS)
    if "seed" in data:
        merged["seed"] = _check_int(path, "seed", data["seed"], 0, 2**63 - 1)
    for section, kind in SECTIONS.items():
        if section not in data:
            continue
        table = data[section]
        if not isinstance(table, dict):
            raise ScenarioError(f"{path}: [{section}] must be a table of name = value")
        for key, value in table.items():
            if key not in PARAMETERS:
                allowed = [n for n, p in PARAMETERS.items() if p.kind == kind]
                raise ScenarioError(
                    f"{path}: [{section}] unknown key '{key}'{suggest(key, PARAMETERS)}; "
                    f"allowed in [{section}]: {', '.join(allowed)}")
            if PARAMETERS[key].kind != kind:
                right = [s for s, k in SECTIONS.items() if k == PARAMETERS[key].kind][0]
                raise ScenarioError(
                    f"{path}: [{section}] {key} is a {PARAMETERS[key].kind}, "
                    f"put it under [{right}]")
            merged["params"][key] = _check_value(path, section, key, value)
    return merged


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario file (following ``extends``).

    Raises:
        ScenarioError: one line naming the file, field, value and what is allowed.
    """
    path = find_scenario(name_or_path)
    merged = _load_chain(path, ())
    return Scenario(
        name=merged.get("name", path.stem),
        description=merged.get("description", ""),
        params=merged["params"],
        steps=merged.get("steps", DEFAULT_STEPS),
        seed=merged.get("seed", DEFAULT_SEED),
        path=path,
    )


def list_scenarios() -> list[Scenario]:
    """All scenarios found in :func:`scenario_dirs` (invalid ones are skipped)."""
    seen: dict[str, Scenario] = {}
    for d in scenario_dirs():
        for f in sorted(d.glob("*.toml")):
            if f.stem in seen:
                continue
            try:
                seen[f.stem] = load_scenario(f)
            except ScenarioError:
                continue
    return list(seen.values())


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """Parse ``--set name=value`` items into validated, typed overrides."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ScenarioError(
                f"--set {item!r}: expected name=value, e.g. internship_subsidy=3000")
        name, value = (s.strip() for s in item.split("=", 1))
        if name not in PARAMETERS:
            raise ScenarioError(
                f"--set {item}: unknown parameter '{name}'{suggest(name, PARAMETERS)}; "
                "run 'ecosim levers' for the list")
        try:
            out[name] = coerce_value(PARAMETERS[name], value)
        except ParameterError as e:
            raise ScenarioError(f"--set {item}: {e}") from None
    return out


def apply_overrides(scenario: Scenario, items: list[str] | None) -> Scenario:
    """Scenario with ``--set`` overrides applied."""
    return scenario.with_overrides(parse_set(items)) if items else scenario

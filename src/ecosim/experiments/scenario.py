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

    [[policy]]                     # a policy window: a lever changes during the run
    lever = "internship_subsidy"
    value = 3000
    start = 1                      # first reported year (year y = semesters 2y-1, 2y)
    end = 5                        # last year, inclusive (omit: to the end of the run)
    ramp = 0                       # optional: years to move linearly to the value

Policy windows (:class:`~ecosim.simulation.interventions.PolicyWindow`) are inherited
through ``extends``: a child's windows are added to its parent's, unless the child says
``replace_policies = true``, which drops every inherited window first. Windows on one
lever must not overlap (across the whole chain).

Every key is checked against the one declaration in :mod:`ecosim.params`. Errors are
raised as :class:`ScenarioError` with one line naming the file, the field, the value
and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParameterError, ScenarioError
from ..params import PARAMETERS, coerce_value, suggest
from ..simulation.interventions import PolicyWindow, check_overlaps, make_window
from .output import describe, short_path

__all__ = [
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "find_scenario",
    "check_name",
    "scenario_dirs",
    "list_scenarios",
    "apply_overrides",
    "parse_set",
    "read_toml",
    "parse_window",
]

SECTIONS = {"levers": "lever", "uncertainties": "uncertainty", "structure": "structure",
            "calibration": "calibration"}
TOP_KEYS = {"name", "description", "extends", "steps", "seed", "policy", "replace_policies",
            *SECTIONS}
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
        policies: policy windows (``[[policy]]`` entries and ``--set name=value@years``).
    """

    name: str
    description: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    steps: int = DEFAULT_STEPS
    seed: int = DEFAULT_SEED
    path: Path | None = None
    policies: tuple[PolicyWindow, ...] = ()

    def model_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :class:`ecosim.EcosystemModel` (seed excluded).

        Policy windows, if any, are passed as ``policies``: a list of plain dicts (JSON,
        picklable), which the model validates again.
        """
        kwargs = dict(self.params)
        if self.policies:
            kwargs["policies"] = [w.as_dict() for w in self.policies]
        return kwargs

    @property
    def content_hash(self) -> str:
        """SHA-256 (first 16 hex digits) of the resolved parameters, policies and steps."""
        content: dict[str, Any] = {"params": self.params, "steps": self.steps}
        if self.policies:  # (a scenario without windows keeps its hash of old)
            content["policies"] = [w.as_dict() for w in self.policies]
        blob = json.dumps(content, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """Return a copy with some parameters changed (values already validated)."""
        return Scenario(self.name, self.description, {**self.params, **overrides},
                        self.steps, self.seed, self.path, self.policies)

    def with_policies(self, policies: tuple[PolicyWindow, ...]) -> Scenario:
        """Return a copy whose policy windows are ``policies`` (already validated)."""
        return Scenario(self.name, self.description, dict(self.params), self.steps,
                        self.seed, self.path, tuple(policies))


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
    try:
        if p.is_file():
            return p
        for d in scenario_dirs():
            for cand in (d / p.name, d / f"{p.name}.toml"):
                if cand.is_file():
                    return cand
    except OSError as e:  # e.g. a name longer than the file system allows
        raise ScenarioError(f"scenario {short_path(name_or_path)}: cannot be read: "
                            f"{describe(e)}") from None
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


_TOML_AT = re.compile(r"\(at (?:line \d+, column \d+|end of document)\)")


def _read_parent(path: Path, child: Path) -> dict[str, Any]:
    """Read a file named by ``extends`` in ``child``: an error names both files and
    where in the parent it is, never the parent's content (it may not be a scenario)."""
    try:
        return _read_toml(path)
    except ScenarioError as e:
        msg = str(e)
        at = _TOML_AT.search(msg)
        what = ("not valid TOML" + (f" {at.group(0)}" if at else "")
                if "not valid TOML" in msg else "not a UTF-8 text file"
                if "UTF-8" in msg else "cannot be read")
        raise ScenarioError(f"{path} (extended by {child}): {what}") from None


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


_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")
NAME_RULE = ("a simple name of at most 100 letters, digits, '_', '-' and '.' (not first), "
             "e.g. \"my_subsidy\"; it names the output folder results/<name>")


def check_name(path: Path | str, name: str) -> str:
    """Check a scenario ``name``: it becomes a folder name, so no separators, no ``..``.

    Raises:
        ScenarioError: one line naming the file, the field, the value and the rule.
    """
    if not _NAME.fullmatch(name):
        raise ScenarioError(f"{path}: name = {name!r} is not allowed: expected {NAME_RULE}")
    return name


def _load_chain(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """Read a file and the files it extends; return merged raw settings."""
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise ScenarioError(f"{path}: 'extends' makes a cycle: {chain}")
    if path.suffix.lower() != ".toml":  # e.g. an experiment file's scenario = "/etc/..."
        raise ScenarioError(f"{short_path(path)}: not a scenario file: expected a TOML file "
                            "ending in .toml")
    data = _read_parent(path, seen[-1]) if seen else _read_toml(path)
    for key in data:
        if key not in TOP_KEYS:
            hint = suggest(key, TOP_KEYS)
            if key in PARAMETERS:
                sect = [s for s, k in SECTIONS.items() if k == PARAMETERS[key].kind][0]
                hint = f" (put it under [{sect}])"
            raise ScenarioError(
                f"{path}: unknown top-level key '{key}'{hint}; allowed: "
                + ", ".join(sorted(TOP_KEYS)))
    merged: dict[str, Any] = {"params": {}, "policies": []}
    if "extends" in data:
        parent = data["extends"]
        if not isinstance(parent, str):
            raise ScenarioError(f"{path}: extends = {parent!r} must be a file name (string)")
        if Path(parent).suffix.lower() != ".toml":
            raise ScenarioError(f"{path}: extends = {short_path(parent)!r} is not allowed: "
                                "expected a scenario file ending in .toml (relative to "
                                "this file)")
        ppath = (path.parent / parent)
        try:
            found = ppath.is_file()
        except OSError as e:
            raise ScenarioError(f"{path}: extends = {short_path(parent)!r}: cannot be read: "
                                f"{describe(e)}") from None
        if not found:
            raise ScenarioError(f"{path}: extends = {parent!r}: file not found ({ppath})")
        merged = _load_chain(ppath, (*seen, path))
        merged.pop("name", None)  # never inherited: a file without a name has its stem
    for key in ("name", "description"):
        if key in data:
            if not isinstance(data[key], str):
                raise ScenarioError(f"{path}: {key} = {data[key]!r} must be a string")
            merged[key] = data[key]
    if "name" in data:
        check_name(path, data["name"])
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
    _merge_policies(path, data, merged)
    return merged


def _merge_policies(path: Path, data: dict[str, Any], merged: dict[str, Any]) -> None:
    """Add this file's ``[[policy]]`` windows to the inherited ones (or replace them).

    ``merged["policies"]`` holds ``(file, entry number, window)``, entries counted from 1.
    """
    replace = data.get("replace_policies", False)
    if not isinstance(replace, bool):
        raise ScenarioError(f"{path}: replace_policies = {replace!r} is not allowed: "
                            "expected true or false")
    if replace:
        merged["policies"] = []
    entries = data.get("policy", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ScenarioError(f"{path}: policy = {entries!r} is not allowed: expected "
                            "[[policy]] tables (lever, value, start, optional end, ramp)")
    for n, entry in enumerate(entries, start=1):
        where = f"{path}: [[policy]] entry {n}:"
        name = entry.get("lever")
        lever = PARAMETERS.get(name) if isinstance(name, str) else None
        if lever and isinstance(entry.get("value"), str) and lever.type is not str:
            raise ScenarioError(f"{where} value = {entry['value']!r} has the wrong type: "
                                f"expected {lever.allowed()}")
        try:
            window = make_window(entry, PARAMETERS, suggest)
        except ParameterError as e:
            raise ScenarioError(f"{where} {e}") from None
        merged["policies"].append((path, n, window))
        clash = check_overlaps([w for _, _, w in merged["policies"]])
        if clash:
            opath, on, other = merged["policies"][clash[0]]
            other_at = f"entry {on}" + ("" if opath == path else f" of {opath}")
            raise ScenarioError(
                f"{where} start = {window.start}, end = {window.end}: the "
                f"{window.lever} window ({window.years()}) overlaps [[policy]] {other_at} "
                f"({other.years()}): windows on one lever must not overlap")


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
        policies=tuple(w for _, _, w in merged["policies"]),
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


_WINDOW = re.compile(r"^(?P<value>[^@]*)@(?P<start>\d+)(?P<dash>-(?P<end>\d+)?)?"
                     r"(?:/(?P<ramp>\d+(?:\.\d+)?))?$")
WINDOW_SYNTAX = ("NAME=VALUE@START-END (years START to END), NAME=VALUE@START- (from "
                 "year START on), NAME=VALUE@YEAR (one year); add /RAMP for a ramp in "
                 "years, e.g. internship_subsidy=3000@3-8/2")


def parse_window(item: str) -> PolicyWindow:
    """Parse a ``--set`` policy window, e.g. ``internship_subsidy=3000@1-5``.

    Syntax (years are reported years, ``END`` inclusive)::

        NAME=VALUE@START-END    from year START to year END
        NAME=VALUE@START-       from year START to the end of the run
        NAME=VALUE@YEAR         in year YEAR only
        ...[/RAMP]              move to VALUE linearly over RAMP years

    Raises:
        ScenarioError: one line naming the item and what is allowed.
    """
    name, text = (s.strip() for s in item.split("=", 1))
    m = _WINDOW.match(text.replace(" ", ""))
    if not m:
        raise ScenarioError(f"--set {item}: not a policy window; expected {WINDOW_SYNTAX}")
    start = int(m["start"])
    end = start if not m["dash"] else (int(m["end"]) if m["end"] else None)
    entry: dict[str, Any] = {"lever": name, "value": m["value"], "start": start, "end": end}
    if m["ramp"]:
        entry["ramp"] = float(m["ramp"])
    try:
        return make_window(entry, PARAMETERS, suggest)
    except ParameterError as e:
        raise ScenarioError(f"--set {item}: {e}") from None


def _split_set(items: list[str] | None) -> tuple[dict[str, Any], list[tuple[str, PolicyWindow]]]:
    """``--set`` items: plain overrides, and policy windows with their item text."""
    out: dict[str, Any] = {}
    windows: list[tuple[str, PolicyWindow]] = []
    for item in items or []:
        if "=" not in item:
            raise ScenarioError(
                f"--set {item!r}: expected name=value, e.g. internship_subsidy=3000, or a "
                f"policy window, {WINDOW_SYNTAX}")
        name, value = (s.strip() for s in item.split("=", 1))
        if name not in PARAMETERS:
            raise ScenarioError(
                f"--set {item}: unknown parameter '{name}'{suggest(name, PARAMETERS)}; "
                "run 'ecosim levers' for the list")
        if "@" in value:
            windows.append((item, parse_window(item)))
            continue
        try:
            out[name] = coerce_value(PARAMETERS[name], value)
        except ParameterError as e:
            raise ScenarioError(f"--set {item}: {e}") from None
    return out, windows


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """Parse ``--set name=value`` items into validated, typed overrides (no windows)."""
    out, windows = _split_set(items)
    if windows:
        raise ScenarioError(f"--set {windows[0][0]}: a policy window (name=value@years) is "
                            "allowed only with 'ecosim run' and 'ecosim validate'; put it in "
                            "the scenario file as a [[policy]] table")
    return out


def apply_overrides(scenario: Scenario, items: list[str] | None) -> Scenario:
    """Scenario with ``--set`` overrides and policy windows applied.

    Windows given with ``--set`` are added to the scenario's (they must not overlap
    them).
    """
    if not items:
        return scenario
    out, windows = _split_set(items)
    scenario = scenario.with_overrides(out)
    if not windows:
        return scenario
    merged = [*scenario.policies]
    for item, window in windows:
        merged.append(window)
        clash = check_overlaps(merged)
        if clash:
            raise ScenarioError(
                f"--set {item}: the {window.lever} window ({window.years()}) overlaps "
                f"the window {merged[clash[0]].lever} ({merged[clash[0]].years()}) already set: "
                "windows on one lever must not "
                "overlap")
    return scenario.with_policies(tuple(merged))

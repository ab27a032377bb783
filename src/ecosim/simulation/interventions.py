"""Interventions: rules that change the levers in force during a run (ODD §7.2).

The model keeps two sets of values. ``model.params`` holds the *declared* value of
every parameter (the scenario's) and never changes; ``model.p`` holds the values *in
force*, a frozen ``ParameterValues`` that an intervention replaces (with
:func:`dataclasses.replace`, see :func:`set_levers`) whenever it changes a lever. The
processes read ``model.p.<lever>`` and need not know about interventions.

Interventions follow covasim/starsim: an :class:`Intervention` has an
:meth:`~Intervention.initialize` hook, called once when the model is built, and an
:meth:`~Intervention.apply` hook, called at the start of every step before the
processes. The model runs, in this order:

1. :class:`ScenarioLevers` — during a spin-up (reported time ``t <= 0``) every lever is
   at its declared default; at ``t = 1`` the scenario's values come into force.
2. one :class:`PolicyWindow` per ``[[policy]]`` entry, in order of start;
3. :class:`AdaptiveSubsidy` — the optional adaptive rule for the internship subsidy.

Time is in *reported* steps, ``t = model.time = model.steps - spinup_steps``; year
``y`` is reported steps ``2y - 1`` and ``2y``. The value in force of a lever at step
``t >= 1`` is the scenario's value, overridden by the window covering ``t`` (see
:func:`timeline_value`). Without a spin-up the initial state (``t = 0``) already has
the scenario's values, so a run without windows is exactly the run of old.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from .constants import Constant

__all__ = [
    "Intervention",
    "PolicyWindow",
    "ScenarioLevers",
    "AdaptiveSubsidy",
    "WINDOW_FIELDS",
    "make_window",
    "make_windows",
    "check_overlaps",
    "timeline_value",
    "initial_values",
    "build_interventions",
    "set_levers",
    "windows_in_force",
    "year_steps",
    "CONSTANTS",
]

# Gathered into the declaration by :mod:`ecosim.simulation.processes` (kind calibration).
CONSTANTS: tuple[Constant, ...] = (
    # The subsidy moves by 500 yuan a year, 5% of the lever's range, so reaching a
    # target takes several years, as budget cycles do.
    Constant("adaptive_subsidy_step", 500.0, 100.0, 2_000.0, "yuan/intern/semester per year",
             "adaptive rule: change of the internship subsidy each year", "assumption"),
    Constant("adaptive_band", 0.05, 0.0, 0.2, "share of enterprises",
             "adaptive rule: the subsidy is lowered only when participation exceeds the "
             "target by more than this band", "assumption"),
)

#: Fields of a window (``[[policy]]`` entry, or a dict given to the model).
WINDOW_FIELDS: tuple[str, ...] = ("lever", "value", "start", "end", "ramp")


def year_steps(year: int) -> tuple[int, int]:
    """The two reported steps (semesters) of reported year ``year``: ``2y-1, 2y``."""
    return 2 * year - 1, 2 * year


def set_levers(model: Any, **values: Any) -> None:
    """Put ``values`` in force: replace ``model.p`` if any of them differs."""
    changed = {k: v for k, v in values.items() if getattr(model.p, k) != v}
    if changed:
        model.p = dataclasses.replace(model.p, **changed)


class Intervention:
    """A rule that may change levers in force; subclass and override the hooks."""

    def initialize(self, model: Any) -> None:  # noqa: B027 - optional hook
        """Called once, at the end of the model's construction."""

    def apply(self, model: Any) -> None:  # noqa: B027 - optional hook
        """Called at the start of every step, before the processes."""


@dataclass(frozen=True)
class PolicyWindow(Intervention):
    """A lever set to ``value`` from reported year ``start`` to ``end`` (inclusive).

    Attributes:
        lever: a declared lever.
        value: its value in force inside the window (validated, typed).
        start: first reported year (≥ 1).
        end: last reported year (inclusive); ``None`` = to the end of the run.
        ramp: years over which the value moves linearly from the value in force just
            before the window to ``value`` (0 = at once). With ``ramp = r`` the window's
            ``k``-th semester (k = 1, 2, …) has ``before + (value - before) * min(1,
            k / (2r))``. Booleans and integers do not ramp.
    """

    lever: str
    value: Any
    start: int
    end: int | None = None
    ramp: float = 0

    @property
    def first_step(self) -> int:
        """First reported step of the window."""
        return 2 * self.start - 1

    @property
    def last_step(self) -> float:
        """Last reported step of the window (``inf`` when open-ended)."""
        return math.inf if self.end is None else 2 * self.end

    def covers(self, t: int) -> bool:
        """Whether reported step ``t`` lies in the window."""
        return self.first_step <= t <= self.last_step

    def value_at(self, t: int, before: Any) -> Any:
        """The window's value at reported step ``t`` (inside it), given the value before."""
        if not self.ramp or isinstance(self.value, int):  # bool is an int: no ramp
            return self.value
        k = t - self.first_step + 1
        frac = min(1.0, k / (2.0 * self.ramp))
        return float(before + (self.value - before) * frac)

    def years(self) -> str:
        """Human description of the years, e.g. ``years 1–5``, ``from year 6``."""
        if self.end is None:
            span = f"from year {self.start}"
        elif self.end == self.start:
            span = f"year {self.start}"
        else:
            span = f"years {self.start}–{self.end}"
        unit = "year" if self.ramp == 1 else "years"
        return span + (f", ramp {self.ramp:g} {unit}" if self.ramp else "")

    def as_dict(self) -> dict[str, Any]:
        """The window as a plain dict (JSON, ``mesa.batch_run``); ``end`` omitted if open."""
        d = {"lever": self.lever, "value": self.value, "start": self.start}
        if self.end is not None:
            d["end"] = self.end
        if self.ramp:
            d["ramp"] = self.ramp
        return d

    def apply(self, model: Any) -> None:
        """Hold the lever at the window's value; restore the scenario's after the end."""
        t = model.time
        windows = [w for w in model.policies if w.lever == self.lever]
        if self.covers(t):
            before = timeline_value(self.lever, self.first_step - 1, model.params[self.lever],
                                    _initial(model, self.lever), windows)
            set_levers(model, **{self.lever: self.value_at(t, before)})
        elif t == self.last_step + 1 and not any(w.covers(t) for w in windows):
            set_levers(model, **{self.lever: model.params[self.lever]})


def _initial(model: Any, lever: str) -> Any:
    """Value of a lever in the initial state: its default with a spin-up, else declared."""
    if getattr(model, "spinup", 0) > 0:
        return model.declaration[lever].default
    return model.params[lever]


def timeline_value(lever: str, t: int, declared: Any, initial: Any,
                   windows: Sequence[PolicyWindow]) -> Any:
    """Value in force of ``lever`` at reported step ``t`` from the windows alone.

    ``t <= 0``: ``initial`` (the declared default during a spin-up; the scenario's
    value without one). ``t >= 1``: ``declared``, overridden by the window covering
    ``t``; a ramp starts from the value in force at the step before the window.
    """
    if t <= 0:
        return initial
    for w in windows:
        if w.lever == lever and w.covers(t):
            before = timeline_value(lever, w.first_step - 1, declared, initial, windows)
            return w.value_at(t, before)
    return declared


@dataclass
class ScenarioLevers(Intervention):
    """Levers at their defaults during a spin-up; the scenario's values from ``t = 1``.

    Attributes:
        levers: names of the levers.
    """

    levers: tuple[str, ...] = ()

    def apply(self, model: Any) -> None:
        """At the first reported step, put the scenario's lever values in force."""
        if model.time == 1 and getattr(model, "spinup", 0) > 0:
            set_levers(model, **{k: model.params[k] for k in self.levers})


@dataclass
class AdaptiveSubsidy(Intervention):
    """Optional adaptive rule: steer the subsidy in force toward a participation target.

    Once a year from the second year (reported steps 3, 5, …), while
    ``participation_target > 0``: raises the subsidy by ``adaptive_subsidy_step`` when
    participation is below the target and the budget paid every claim in the last year
    (both semesters: claims come in yearly waves of placements); lowers it by the same
    step when participation exceeds the target by more than ``adaptive_band`` or the
    budget had to ration. Kept within the lever's declared
    range. It moves the value in force (``model.p``), never ``model.params``; it does
    not move the subsidy while a :class:`PolicyWindow` holds it.
    """

    lever: str = "internship_subsidy"

    def apply(self, model: Any) -> None:
        """Move the subsidy in force one step toward the target (see the class)."""
        t = model.time
        if not (model.p.participation_target > 0 and t % 2 == 1 and t > 1):
            return
        if any(w.lever == self.lever and w.covers(t) for w in model.policies):
            return
        p = model.p
        participation = model.current.get("participation_rate", np.nan)
        if np.isnan(participation):  # not measured yet
            return
        rationed = model.government.year_ration < 1.0  # either semester of the last year
        change = 0.0
        if participation < p.participation_target and not rationed:
            change = p.adaptive_subsidy_step
        elif rationed or participation > p.participation_target + p.adaptive_band:
            change = -p.adaptive_subsidy_step
        decl = model.declaration[self.lever]
        now = getattr(p, self.lever)
        set_levers(model, **{self.lever: float(np.clip(now + change, decl.low, decl.high))})


def initial_values(params: Mapping[str, Any], declaration: Mapping[str, Any],
                   spinup: int) -> dict[str, Any]:
    """Values in force at construction: levers at their defaults during a spin-up."""
    if spinup <= 0:
        return dict(params)
    return {k: (declaration[k].default if declaration[k].kind == "lever" else v)
            for k, v in params.items()}


def build_interventions(windows: Sequence[PolicyWindow], declaration: Mapping[str, Any]
                        ) -> list[Intervention]:
    """The model's interventions, in the order they apply (see the module docstring)."""
    levers = tuple(k for k, p in declaration.items() if p.kind == "lever")
    ordered = sorted(windows, key=lambda w: (w.start, w.lever))
    return [ScenarioLevers(levers), *ordered, AdaptiveSubsidy()]


def windows_in_force(model: Any) -> list[tuple[PolicyWindow, Any]]:
    """The windows covering the model's current reported step, with their values."""
    t = model.time
    return [(w, getattr(model.p, w.lever)) for w in model.policies if w.covers(t)]


# ----------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------
def _suggest_none(name: str, choices: Any) -> str:
    return ""


def make_window(entry: Any, declaration: Mapping[str, Any],
                suggest: Callable[[str, Any], str] = _suggest_none) -> PolicyWindow:
    """Validate one window (a :class:`PolicyWindow` or a mapping of its fields).

    Raises:
        ParameterError: one line naming the field, the value and what is allowed.
    """
    if isinstance(entry, PolicyWindow):
        entry = entry.as_dict()
    if not isinstance(entry, Mapping):
        raise ParameterError(f"{entry!r} is not a policy window: expected a table with "
                             "lever, value, start and optionally end, ramp")
    for key in entry:
        if key not in WINDOW_FIELDS:
            raise ParameterError(f"unknown field '{key}'{suggest(str(key), WINDOW_FIELDS)}; "
                                 "allowed: " + ", ".join(WINDOW_FIELDS))
    for key in ("lever", "value", "start"):
        if key not in entry:
            raise ParameterError(f"field '{key}' is missing: a window needs lever, value "
                                 "and start (end and ramp are optional)")
    lever = entry["lever"]
    levers = [k for k, p in declaration.items() if p.kind == "lever"]
    if not isinstance(lever, str) or lever not in declaration:
        raise ParameterError(f"lever = {lever!r} is not a declared lever"
                             f"{suggest(str(lever), levers)}; run 'ecosim levers'")
    param = declaration[lever]
    if param.kind != "lever":
        raise ParameterError(f"lever = {lever!r} is a {param.kind} parameter, not a lever: "
                             "only levers can change during a run")
    value = entry["value"]
    if param.type in (int, float) and (isinstance(value, bool)
                                       or not isinstance(value, int | float | str)):
        raise ParameterError(f"value = {value!r} has the wrong type for {lever}: expected "
                             f"{param.allowed()}")
    try:
        value = param.check(value)
    except ParameterError as e:
        raise ParameterError(f"value: {e}") from None
    start = _year(entry["start"], "start")
    end = entry.get("end")
    if end is not None:
        end = _year(end, "end")
        if start > end:
            raise ParameterError(f"start = {start} is after end = {end}: expected "
                                 "start <= end (years, end inclusive)")
    ramp = entry.get("ramp", 0)
    if isinstance(ramp, bool) or not isinstance(ramp, int | float) or not ramp >= 0:
        raise ParameterError(f"ramp = {ramp!r} is not allowed: expected a number of "
                             "years >= 0")
    ramp = int(ramp) if float(ramp).is_integer() else float(ramp)
    return PolicyWindow(lever, value, start, end, ramp)


def _year(value: Any, key: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"{key} = {value!r} is not allowed: expected a whole "
                             "reported year >= 1 (year 1 = the first two semesters)")
    return value


def check_overlaps(windows: Sequence[PolicyWindow]) -> tuple[int, int] | None:
    """Indices ``(i, j)``, ``i < j``, of the first two windows on one lever that overlap."""
    for j, b in enumerate(windows):
        for i, a in enumerate(windows[:j]):
            if a.lever == b.lever and (a.first_step <= b.last_step
                                       and b.first_step <= a.last_step):
                return i, j
    return None


def make_windows(policies: Sequence[Any], declaration: Mapping[str, Any],
                 suggest: Callable[[str, Any], str] = _suggest_none
                 ) -> tuple[PolicyWindow, ...]:
    """Validate the model's ``policies`` keyword (windows or dicts; one alone is allowed,
    as ``mesa.batch_run`` passes each element of a list as its own value).

    Raises:
        ParameterError: ``policies[i]: ...`` (0-based) naming the field and the value.
    """
    if isinstance(policies, Mapping | PolicyWindow):  # one window (mesa.batch_run)
        policies = [policies]
    if isinstance(policies, str) or not isinstance(policies, Sequence):
        raise ParameterError("policies must be a sequence of policy windows, "
                             f"got {type(policies).__name__}")
    out = []
    for i, entry in enumerate(policies):
        try:
            out.append(make_window(entry, declaration, suggest))
        except ParameterError as e:
            raise ParameterError(f"policies[{i}]: {e}") from None
    clash = check_overlaps(out)
    if clash:
        i, j = clash
        raise ParameterError(
            f"policies[{j}]: {out[j].lever} window ({out[j].years()}) overlaps "
            f"policies[{i}] ({out[i].years()}): windows on one lever must not overlap")
    return tuple(out)

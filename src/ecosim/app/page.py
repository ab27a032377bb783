"""Teaching demo in the browser: a Mesa SolaraViz page for the classroom.

Start it with ``ecosim app [SCENARIO]`` (see :mod:`ecosim.app.server`) or
``solara run ecosim.app`` (the package :mod:`ecosim.app` serves this page). The page has

* a scenario picker (the shipped scenarios, run at classroom size by default), sliders
  for the main policy levers and a few uncertainties — generated from the one
  declaration in :mod:`ecosim.params` (label, unit, range) — and a seed field;
* Mesa's controller (Step / ▶ Play / ❚❚ Pause / Reset; Reset rebuilds the model with the
  chosen values) and step counter;
* the partnership network, talent supply and government spending over time, the
  talent shortage by sector and a panel of headline numbers in plain language;
* "who trains, who poaches": enterprises counted as training / poaching-only / both /
  neither each step, the workers hired away this semester, trained workers kept by
  their trainer or working elsewhere, and the same story over time.

The app imports the model, never the reverse. Each browser tab gets its own model.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reacton.core
import solara
from mesa.visualization.solara_viz import ModelController, ShowSteps
from mesa.visualization.utils import update_counter

from ..errors import ScenarioError
from ..experiments.scenario import Scenario, list_scenarios, load_scenario
from ..params import PARAMETERS, Parameter, coerce_value, defaults
from ..simulation.model import EcosystemModel
from .assets import SCENARIO_ENV, configure_solara, ensure_offline_assets
from .figures import (
    CHARTS,
    FIGURES,
    FIRM_ROLES,
    Poaching,
    headline_numbers,
    poaching_now,
    policies_in_force,
    pretty,
)

__all__ = [
    "SLIDER_LEVERS",
    "SLIDER_UNCERTAINTIES",
    "CLASSROOM_KEYS",
    "SliderSpec",
    "slider_specs",
    "scenario_choices",
    "model_kwargs",
    "StepGate",
    "DemoState",
    "Dashboard",
    "Page",
    "routes",
]

log = logging.getLogger(__name__)

# The main policy levers and a few uncertainties shown as sliders (order = on screen).
SLIDER_LEVERS: tuple[str, ...] = (
    "internship_subsidy", "participation_target", "tax_credit_rate",
    "resource_sharing_incentive", "ip_protection",
    "teacher_practice_funding", "promotion_intensity", "platform_level",
    "career_services_funding", "government_budget", "service_period",
)
SLIDER_UNCERTAINTIES: tuple[str, ...] = (
    "initial_awareness", "goal_alignment", "ip_sensitivity", "tech_shock_step",
    "tech_shock_size", "curriculum_responsiveness", "mobility_cost",
)
# Size of the region taken from scenarios/demo.toml when "classroom size" is on.
CLASSROOM_KEYS: tuple[str, ...] = ("n_schools", "n_enterprises", "cohort_size", "n_districts")
_CLASSROOM_FALLBACK = {"n_schools": 10, "n_enterprises": 100, "cohort_size": 1000,
                       "n_districts": 2}
PLAY_SPEEDS = {"slow": 800, "normal": 250, "fast": 1}  # pause between steps, ms

configure_solara()
for _problem in ensure_offline_assets():  # also when started with `solara run`
    log.warning("ecosim app: %s", _problem)


# --------------------------------------------------------------------------------------
# Sliders, generated from the declaration
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SliderSpec:
    """One slider, derived from a declared :class:`~ecosim.params.Parameter`.

    Attributes:
        name: parameter name.
        label: plain label (unit appended when the parameter has one).
        kind: ``lever`` or ``uncertainty``.
        integer: whether the parameter is an int.
        min: declared lower bound.
        max: declared upper bound.
        step: slider increment (a round number, about 1/100 of the range).
        meaning: the declaration's one-line meaning (shown under the slider).
    """

    name: str
    label: str
    kind: str
    integer: bool
    min: float
    max: float
    step: float
    meaning: str

    def format(self, value: float) -> str:
        """The value as shown next to the label."""
        if self.integer or self.step >= 1:
            return f"{value:,.0f}"
        decimals = max(0, -math.floor(math.log10(self.step)))
        return f"{value:.{decimals}f}"

    def clean(self, value: float) -> float | int:
        """Round a slider value to the step grid and validate it against the declaration."""
        v = round(float(value) / self.step) * self.step
        v = min(max(v, self.min), self.max)
        if not self.integer:
            decimals = max(0, -math.floor(math.log10(self.step))) + 1
            v = round(v, decimals)
        return coerce_value(PARAMETERS[self.name], int(round(v)) if self.integer else v)


def _nice_step(p: Parameter) -> float:
    if p.type is int:
        return 1
    raw = (float(p.high) - float(p.low)) / 100.0
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * 10**exp * 1.0000001:
            return float(m * 10.0**exp)
    return float(10.0 ** (exp + 1))  # pragma: no cover


def slider_specs() -> list[SliderSpec]:
    """Slider specifications for :data:`SLIDER_LEVERS` and :data:`SLIDER_UNCERTAINTIES`."""
    specs = []
    for name in SLIDER_LEVERS + SLIDER_UNCERTAINTIES:
        p = PARAMETERS[name]
        label = pretty(name) + (f" ({p.unit})" if p.unit else "")
        specs.append(SliderSpec(name, label, p.kind, p.type is int, float(p.low),
                                float(p.high), _nice_step(p), p.meaning))
    return specs


# --------------------------------------------------------------------------------------
# Scenarios and model parameters
# --------------------------------------------------------------------------------------
def scenario_choices(extra: str | None = None) -> dict[str, Scenario]:
    """Shipped scenarios by name (plus ``extra``, a scenario file given at start-up)."""
    out = {s.path.stem if s.path else s.name: s for s in list_scenarios()}
    if extra and extra not in out:
        try:
            sc = load_scenario(extra)
            out[Path(extra).stem if Path(extra).suffix else extra] = sc
        except ScenarioError as e:
            log.warning("ecosim app: %s", e)
    return out


def _classroom_size() -> dict[str, Any]:
    try:
        demo = load_scenario("demo").params
    except ScenarioError:  # pragma: no cover - demo.toml missing
        demo = {}
    return {k: demo.get(k, v) for k, v in _CLASSROOM_FALLBACK.items()}


def model_kwargs(scenario: Scenario, classroom: bool = True) -> dict[str, Any]:
    """Every model keyword (``seed`` included) for a scenario.

    With ``classroom`` the region's size (:data:`CLASSROOM_KEYS`) comes from
    ``scenarios/demo.toml`` — 10 schools, 100 enterprises — so that steps are quick and
    the network stays readable; the scenario's levers, uncertainties and the rest of
    its structure (e.g. the region's sectors) are kept.
    """
    params = {**defaults(), **scenario.model_kwargs()}
    if classroom:
        params.update(_classroom_size())
    return {"seed": int(scenario.seed), **params}


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
        except (TypeError, ValueError):
            return False
    return a == b


class StepGate:
    """Lets a model take its next step only once the page has shown the previous one.

    Mesa's play loop steps in a worker thread and only *asks* for a redraw. When the
    thread that serves the browser happens to be drawing (a slider moved, a scenario was
    picked), it takes over the redraw, and a loop that steps again at once keeps that
    thread redrawing for ever: the page stops answering. The gate makes the loop wait
    until the last step has been drawn and no redraw is running (at most ``timeout``
    seconds), so play runs at the speed the page can draw and the page stays
    responsive; ``lock`` keeps the views from reading a model in mid-step.
    """

    def __init__(self, timeout: float = 2.0) -> None:
        self.lock = threading.RLock()
        self.shown = threading.Event()
        self.shown.set()
        self.timeout = timeout
        self.render_context: Any = None

    def attach(self, model: EcosystemModel, render_context: Any = None) -> None:
        """Wrap ``model.step`` (the instance's, set by Mesa) once; idempotent."""
        if render_context is not None:
            self.render_context = render_context
        if getattr(model, "_ecosim_gate", None) is self:
            return
        inner: Callable[..., None] = model.step

        def gated_step(*args: Any, **kwargs: Any) -> None:
            self.shown.wait(self.timeout)
            self._wait_until_idle()
            self.shown.clear()
            with self.lock:
                inner(*args, **kwargs)

        model.step = gated_step
        model._ecosim_gate = self

    def _wait_until_idle(self) -> None:
        """Wait while another thread is drawing the page (reacton's render lock)."""
        rc = self.render_context
        lock = getattr(rc, "thread_lock", None)
        if lock is None or getattr(rc, "_lock_thread", None) is threading.current_thread():
            return
        deadline = time.monotonic() + self.timeout
        while lock.locked() and time.monotonic() < deadline:
            time.sleep(0.005)

    def mark_shown(self) -> None:
        """Called after the page has drawn the model's latest state."""
        self.shown.set()


@dataclass
class DemoState:
    """What one browser tab holds: the model and the values the next Reset will use.

    Attributes:
        scenario: name of the picked scenario.
        classroom: whether the region is shrunk to classroom size.
        params: keyword arguments for the next model (Mesa's Reset uses them as is).
        model: the running model.
        speed: play speed (a key of :data:`PLAY_SPEEDS`).
        message: a short notice for the user ("" for none).
    """

    scenario: solara.Reactive[str]
    classroom: solara.Reactive[bool]
    params: solara.Reactive[dict]
    model: solara.Reactive[EcosystemModel]
    speed: solara.Reactive[str]
    message: solara.Reactive[str]
    choices: dict[str, Scenario]
    gate: StepGate = field(default_factory=StepGate)

    @classmethod
    def create(cls, scenario: str | None = None) -> DemoState:
        """Fresh state for ``scenario`` (default: ``$ECOSIM_APP_SCENARIO`` or demo)."""
        wanted = scenario or os.environ.get(SCENARIO_ENV) or "demo"
        choices = scenario_choices(wanted)
        key = wanted if wanted in choices else Path(wanted).stem
        if key not in choices:
            key = "demo" if "demo" in choices else next(iter(choices))
        kwargs = model_kwargs(choices[key], True)
        return cls(solara.reactive(key), solara.reactive(True), solara.reactive(kwargs),
                   solara.reactive(EcosystemModel(**kwargs)), solara.reactive("normal"),
                   solara.reactive(""), choices)

    def pick(self, name: str) -> None:
        """Switch scenario: sliders and seed take its values and the model is rebuilt."""
        if name not in self.choices:
            self.message.value = f"unknown scenario {name!r}"
            return
        self.scenario.value = name
        self._rebuild(model_kwargs(self.choices[name], self.classroom.value))

    def set_classroom(self, on: bool) -> None:
        """Switch classroom size on/off, keeping the chosen levers; rebuilds the model."""
        self.classroom.value = bool(on)
        sc = self.choices[self.scenario.value]
        full = model_kwargs(sc, False)
        size = {k: (_classroom_size()[k] if on else full[k]) for k in CLASSROOM_KEYS}
        self._rebuild({**self.params.value, **size})

    def _rebuild(self, kwargs: dict[str, Any]) -> None:
        self.params.value = kwargs
        self.model.value = EcosystemModel(**kwargs)
        self.message.value = ""

    def set_param(self, spec: SliderSpec, value: float) -> None:
        """A slider moved: remember the value for the next Reset."""
        self.params.value = {**self.params.value, spec.name: spec.clean(value)}

    def set_seed(self, value: int | None) -> None:
        """The seed field changed (non-negative integers only)."""
        if value is None or value < 0:
            self.message.value = "The seed must be a whole number ≥ 0."
            return
        self.message.value = ""
        self.params.value = {**self.params.value, "seed": int(value)}

    def pending(self) -> list[str]:
        """Names of chosen values that the running model does not use yet."""
        m = self.model.value
        running = {**m.params, "policies": [w.as_dict() for w in m.policies]}
        out = [k for k, v in self.params.value.items()
               if k != "seed" and not _close(running.get(k), v)]
        if int(self.params.value.get("seed", m.seed)) != m.seed:
            out.append("seed")
        return out


# --------------------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------------------
_CSS = """
.v-application { font-size: 17px; }
.ecosim-tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr));
  gap: 8px; width: 100%; }
.ecosim-tile { padding: 10px 14px; border-radius: 6px; background: #F2F2F2;
  border-left: 6px solid #0072B2; }
.ecosim-tile .num { font-size: 32px; font-weight: 700; line-height: 1.15; color: #000; }
.ecosim-tile .lab { font-size: 16px; color: #222; }
.ecosim-tile .chg { font-size: 14px; color: #444; }
.ecosim-meaning { display: block; font-size: 13px; color: #444; margin: -6px 0 12px 0;
  line-height: 1.25; }
.ecosim-slider .v-input__slot { flex-wrap: wrap; }
.ecosim-slider .v-input__slot > .v-label { flex: 1 1 100%; max-width: 100%;
  white-space: normal; font-size: 15px; color: #111; margin-bottom: 2px;
  height: auto !important; line-height: 1.3; }
.ecosim-step { font-size: 22px; font-weight: 700; }
.v-slider__thumb-label { font-size: 13px; }
.ecosim-figure img { width: 100%; height: auto; }
.ecosim-chart .marks { max-width: 100%; height: auto; }
.ecosim-chart { margin-bottom: 12px; }
.ecosim-poaching h3 { font-size: 19px; margin: 8px 0 4px 0; }
.ecosim-roles { display: grid; grid-template-columns: repeat(2, minmax(150px, 1fr));
  gap: 8px; width: 100%; margin-bottom: 8px; }
.ecosim-role { padding: 8px 12px; border-radius: 6px; background: #F2F2F2;
  border-left: 10px solid #777777; }
.ecosim-role .num { font-size: 30px; font-weight: 700; line-height: 1.15; color: #000; }
.ecosim-role .lab { font-size: 16px; color: #222; }
.ecosim-poaching-text { display: block; font-size: 16px; color: #111; margin: 4px 0; }
"""


def _draw_safely(build: Any, model: EcosystemModel, name: str, lock: Any) -> Any:
    """Build one view under the model lock; a plain message instead of a traceback."""
    try:
        with lock:
            return build(model)
    except Exception as e:  # never show a traceback to a class
        log.exception("drawing %s failed", name)
        return f"This chart could not be drawn ({type(e).__name__}); press Reset."


@solara.component
def FigureView(model: EcosystemModel, name: str, lock: Any) -> None:
    """One matplotlib view, redrawn when the model steps or is replaced."""
    counter = update_counter.get()
    png = solara.use_memo(lambda: _draw_safely(FIGURES[name], model, name, lock),
                          [model, counter, name])
    with solara.Div(classes=["ecosim-figure", f"ecosim-figure-{name}"]):
        if isinstance(png, bytes):
            solara.Image(png, width="100%")
        else:
            solara.Warning(png)


@solara.component
def ChartView(model: EcosystemModel, name: str, lock: Any) -> None:
    """One Vega-Lite chart (drawn by the browser), rebuilt when the model steps."""
    counter = update_counter.get()
    spec = solara.use_memo(lambda: _draw_safely(CHARTS[name], model, name, lock),
                           [model, counter, name])
    with solara.Div(classes=["ecosim-chart", f"ecosim-chart-{name}"]):
        if isinstance(spec, dict):
            solara.widgets.VegaLite.element(spec=spec)
        else:
            solara.Warning(spec)


@solara.component
def HeadlinePanel(model: EcosystemModel, lock: Any) -> None:
    """Headline numbers with plain-language labels and the change since the start."""
    update_counter.get()
    with lock:
        steps = model.steps
        heads = headline_numbers(model)
        in_force = policies_in_force(model)
    year = steps / 2
    with solara.Row(style={"align-items": "baseline", "flex-wrap": "wrap"}):
        solara.Text(f"Semester {steps}", classes=["ecosim-step"])
        solara.Text(f"({year:g} years simulated)")
    if in_force:
        solara.Text("In force: " + "; ".join(in_force), classes=["ecosim-in-force"])
    with solara.Div(classes=["ecosim-tiles"]):
        for h in heads:
            solara.HTML(tag="div", classes=["ecosim-tile"], unsafe_innerHTML=(
                f'<div class="num">{h.value}</div><div class="lab">{h.label}</div>'
                f'<div class="chg">{h.change or "&nbsp;"}</div>'))


def _poaching_lines(now: Poaching) -> list[str]:
    """The poaching panel's sentences for students."""
    def n(count: int, word: str) -> str:
        return f"{count:,} {word}" + ("" if count == 1 else "s")

    if now.moves:
        were = "was" if now.moves == 1 else "were"
        moved = (f"This semester {n(now.moves, 'worker')} {were} hired away from another "
                 f"employer, by {n(now.poachers, 'enterprise')} (up to {now.top:,} by one).")
    else:
        moved = "This semester no worker was hired away from another employer."
    trained = now.kept + now.elsewhere
    if trained:
        kept = (f"Of the {trained:,} workers an enterprise trained, {now.kept:,} still work "
                f"for it and {now.elsewhere:,} for another enterprise.")
    else:
        kept = "No worker trained by an enterprise is employed yet."
    return [moved, kept]


@solara.component
def PoachingPanel(model: EcosystemModel, lock: Any) -> None:
    """Who trains, who poaches: enterprises by role and workers hired away, this step."""
    update_counter.get()
    try:
        with lock:
            now = poaching_now(model)
    except Exception as e:  # never show a traceback to a class
        log.exception("drawing poaching failed")
        solara.Warning(f"This panel could not be drawn ({type(e).__name__}); press Reset.")
        return
    with solara.Div(classes=["ecosim-poaching"]):
        solara.HTML(tag="h3", unsafe_innerHTML="Who trains, who poaches")
        solara.Text(f"The {now.enterprises:,} enterprises this semester (train = hosted "
                    "interns in the latest round; hire away = took a worker from another "
                    "employer this semester or the last):", classes=["ecosim-poaching-text"])
        with solara.Div(classes=["ecosim-roles"]):
            for key, label, colour in FIRM_ROLES:
                solara.HTML(tag="div", classes=["ecosim-role", f"ecosim-role-{key}"],
                            style=f"border-left-color: {colour}", unsafe_innerHTML=(
                                f'<div class="num">{now.roles[key]:,}</div>'
                                f'<div class="lab">{label}</div>'))
        for line in _poaching_lines(now):
            solara.Text(line, classes=["ecosim-poaching-text"])


@solara.component
def ParameterSliders(state: DemoState, kind: str) -> None:
    """Sliders for one kind of parameter (lever / uncertainty)."""
    params = state.params.value
    for spec in slider_specs():
        if spec.kind != kind:
            continue
        value = params.get(spec.name, PARAMETERS[spec.name].default)
        label = f"{spec.label}: {spec.format(value)}"
        Slider = solara.SliderInt if spec.integer else solara.SliderFloat
        with solara.Div(classes=["ecosim-slider", f"ecosim-slider-{spec.name}"]):
            Slider(label, value=value, min=spec.min, max=spec.max, step=spec.step,
                   on_value=lambda v, s=spec: state.set_param(s, v), thumb_label=False)
            solara.Text(f"{spec.meaning} (from {spec.format(spec.min)} to "
                        f"{spec.format(spec.max)})", classes=["ecosim-meaning"])


@solara.component
def Controls(state: DemoState) -> None:
    """Sidebar: scenario, run controls, seed, sliders."""
    play_interval = solara.use_reactive(PLAY_SPEEDS[state.speed.value])
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    sc = state.choices[state.scenario.value]
    with solara.Card("Scenario", margin=0, classes=["mb-2"]):
        solara.Select("Scenario", values=list(state.choices), value=state.scenario.value,
                      on_value=state.pick)
        solara.Text(sc.description or "", style={"font-size": "14px"})
        solara.Checkbox(label="Classroom size (10 schools, 100 enterprises)",
                        value=state.classroom.value, on_value=state.set_classroom)
        solara.Button("Back to the scenario's values", text=True, color="primary",
                      on_click=lambda: state.pick(state.scenario.value))
    with solara.Card("Run", margin=0, classes=["mb-2"]):
        ModelController(state.model, model_parameters=state.params,
                        play_interval=play_interval, render_interval=render_interval,
                        use_threads=use_threads)
        with solara.Row(style={"align-items": "center"}):
            with solara.Div(classes=["ecosim-step"]):
                ShowSteps(state.model.value)
            solara.ToggleButtonsSingle(value=state.speed, values=list(PLAY_SPEEDS))
        solara.InputInt("Seed (same seed + same settings = same run)",
                        value=int(state.params.value.get("seed", 0)),
                        on_value=state.set_seed)
        pending = state.pending()
        if pending:
            names = ", ".join(pretty(p) for p in pending[:3]) + ("…" if len(pending) > 3
                                                                  else "")
            solara.Info(f"Changed: {names}. Press Reset to start again with these values.",
                        dense=True)
        if state.message.value:
            solara.Warning(state.message.value, dense=True)
    with solara.Card("Policy levers", margin=0, classes=["mb-2"]):
        ParameterSliders(state, "lever")
    with solara.Card("Uncertainties (what nobody controls)", margin=0, classes=["mb-2"]):
        ParameterSliders(state, "uncertainty")


@solara.component
def StepShown(gate: StepGate, model: EcosystemModel) -> None:
    """Invisible: after every drawn step, lets the play loop take the next one."""
    counter = update_counter.get()
    solara.use_effect(gate.mark_shown, [model, counter])


@solara.component
def Dashboard(state: DemoState) -> None:
    """The whole page for one state (sidebar controls + main views)."""
    model = state.model.value
    # also models that Mesa's Reset builds
    state.gate.attach(model, reacton.core.get_render_context(required=False))
    lock = state.gate.lock
    StepShown(state.gate, model)
    solara.Style(_CSS)
    solara.Title("ecosim — teaching demo")
    with solara.AppBarTitle():
        solara.Text("ecosim — schools, enterprises and jobs (teaching demo)")
    with solara.Sidebar():
        Controls(state)
    with solara.Column(style={"padding": "4px 8px"}):
        HeadlinePanel(model, lock)
        with solara.Columns([1, 1]):
            with solara.Column():
                FigureView(model, "network", lock)
                ChartView(model, "shortage", lock)
            with solara.Column():
                ChartView(model, "trends", lock)
                ChartView(model, "spending", lock)
        with solara.Columns([1, 1]):
            with solara.Column():
                PoachingPanel(model, lock)
            with solara.Column():
                ChartView(model, "poaching", lock)


@solara.component
def Page() -> None:
    """Entry point for ``solara run ecosim.app``: one state per browser tab."""
    state = solara.use_memo(DemoState.create, [])
    Dashboard(state)


#: The app's one route: ``solara run ecosim.app`` serves :func:`Page` at ``/``. Declared
#: so that solara does not turn the other modules of the package into pages.
routes = [solara.Route(path="/", component=Page, label="App")]

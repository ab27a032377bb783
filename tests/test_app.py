"""Teaching demo without a browser: the page rendered by ``solara.render`` and driven
like a user would (Step, a slider, the seed, the scenario picker, Reset), the views, the
offline asset set-up and the loopback-only host policy of ``ecosim app``."""

from __future__ import annotations

import json
import math
import statistics
import time
import warnings

import pytest

warnings.filterwarnings("ignore", message=r".*ComponentsView.*use_state", category=UserWarning)
ipyvuetify = pytest.importorskip("ipyvuetify")
solara = pytest.importorskip("solara")

from ecosim.app import (  # noqa: E402  # noqa: E402
    SLIDER_LEVERS,
    SLIDER_UNCERTAINTIES,
    DemoState,
    Page,
    assets,
    model_kwargs,
    server,
    slider_specs,
)
from ecosim.app.figures import (  # noqa: E402
    CHARTS,
    FIRM_ROLES,
    change_text,
    headline_numbers,
    network_png,
    poaching_now,
    poaching_spec,
)
from ecosim.cli import main  # noqa: E402
from ecosim.experiments.scenario import load_scenario  # noqa: E402
from ecosim.params import LEVERS, PARAMETERS, UNCERTAINTIES  # noqa: E402

v = ipyvuetify

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _render(state: DemoState):
    from ecosim.app import Dashboard

    return solara.render(solara.AppLayout(children=[Dashboard(state)]), handle_error=False)


def _button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def _slider(rc, name: str):
    sliders = [w for w in rc.find(v.Slider).widgets
               if w.label.lower().startswith(name.replace("_", " ").lower())]
    assert len(sliders) == 1, f"no single slider for {name}"
    return sliders[0]


# --------------------------------------------------------------------------------------
# Declaration → sliders
# --------------------------------------------------------------------------------------
def test_sliders_are_generated_from_the_declaration() -> None:
    specs = {s.name: s for s in slider_specs()}
    assert set(specs) == set(SLIDER_LEVERS + SLIDER_UNCERTAINTIES)
    assert set(SLIDER_LEVERS) <= set(LEVERS) and set(SLIDER_UNCERTAINTIES) <= set(UNCERTAINTIES)
    for name, s in specs.items():
        p = PARAMETERS[name]
        assert (s.min, s.max) == (p.low, p.high)
        assert s.kind == p.kind and s.integer == (p.type is int)
        assert p.unit in s.label and s.meaning == p.meaning
        assert 0 < s.step <= (p.high - p.low) / 50
        # the declared default is reachable on the slider's grid, and cleaning keeps it
        assert s.clean(p.default) == pytest.approx(p.default)
        assert s.clean(p.high + 1e9) == p.high and s.clean(p.low - 1e9) == p.low


def test_scenarios_run_at_classroom_size_keeping_their_policy() -> None:
    sc = load_scenario("deep_integration")
    kw = model_kwargs(sc, classroom=True)
    demo = load_scenario("demo").params
    assert kw["n_enterprises"] == demo["n_enterprises"] and kw["n_schools"] == demo["n_schools"]
    assert kw["internship_subsidy"] == sc.params["internship_subsidy"] == 3000
    assert kw["seed"] == sc.seed
    full = model_kwargs(sc, classroom=False)
    assert full["n_enterprises"] == sc.params["n_enterprises"]
    assert model_kwargs(load_scenario("deyang_region"))["region"] == "deyang"


# --------------------------------------------------------------------------------------
# The page, driven without a browser
# --------------------------------------------------------------------------------------
def test_page_renders_with_controls_and_views() -> None:
    box, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    for label in ("Step", "Reset", "▶"):
        rc.find(v.Btn, children=[label]).assert_single()
    assert len(rc.find(v.Slider).widgets) >= len(SLIDER_LEVERS + SLIDER_UNCERTAINTIES)
    assert len(rc.find(solara.widgets.VegaLite).widgets) == len(CHARTS)
    rc.find(v.Select, label="Scenario").assert_single()


def test_step_slider_reset_rebuilds_the_model_with_the_chosen_values() -> None:
    state = DemoState.create("demo")
    box, rc = _render(state)
    first = state.model.value
    assert first.steps == 0
    rc.find(children=["Step: 0"]).assert_single()
    charts = rc.find(solara.widgets.VegaLite).widgets
    spec_before = json.dumps(charts[0].spec, sort_keys=True)

    times = []
    for _ in range(3):
        t = time.perf_counter()
        _button(rc, "Step").click()
        times.append(time.perf_counter() - t)
    assert state.model.value is first and first.steps == 3
    rc.find(children=["Step: 3"]).assert_single()  # Mesa's step counter
    rc.find(children=["Semester 3"]).assert_single()  # the headline panel
    assert json.dumps(charts[0].spec, sort_keys=True) != spec_before  # chart updated
    # generous regression guard; bench_app.py measures the 0.3 s goal on a quiet machine
    assert statistics.median(times) < 2.0

    # move a lever: nothing changes until Reset, and the page says so
    slider = _slider(rc, "internship_subsidy")
    slider.v_model = 5000.0
    assert state.params.value["internship_subsidy"] == 5000.0
    assert state.model.value is first and first.p.internship_subsidy == 0.0
    assert state.pending() == ["internship_subsidy"]
    assert any("Press Reset" in str(getattr(w, "children", "")) for w in rc.find(v.Alert).widgets)
    assert "5,000" in _slider(rc, "internship_subsidy").label

    # a new seed too
    seed_field = rc.find(v.TextField, label="Seed (same seed + same settings = same run)").widget
    seed_field.v_model = "42"
    seed_field.fire_event("keyup.enter", None)
    assert state.params.value["seed"] == 42

    _button(rc, "Reset").click()
    new = state.model.value
    assert new is not first
    # declared now; in force from step 1 (the spin-up runs today's policy)
    assert new.steps == 0 and new.params["internship_subsidy"] == 5000.0 and new.seed == 42
    assert new.p.n_enterprises == 100  # still classroom size
    assert state.pending() == []
    _button(rc, "Step").click()
    assert new.steps == 1 and new.p.internship_subsidy == 5000.0


def test_bad_seed_is_refused_with_a_message() -> None:
    state = DemoState.create("demo")
    box, rc = _render(state)
    seed_field = rc.find(v.TextField, label="Seed (same seed + same settings = same run)").widget
    seed_field.v_model = "-3"
    seed_field.fire_event("keyup.enter", None)
    assert state.params.value["seed"] == 1
    assert "≥ 0" in state.message.value


def test_scenario_picker_loads_the_scenario_and_rebuilds() -> None:
    state = DemoState.create("demo")
    box, rc = _render(state)
    old = state.model.value
    picker = rc.find(v.Select, label="Scenario").widget
    assert {"demo", "baseline", "tech_shock", "deep_integration"} <= set(picker.items)
    picker.v_model = "tech_shock"
    m = state.model.value
    assert m is not old and state.scenario.value == "tech_shock"
    assert m.p.tech_shock_step == 6 and m.p.tech_shock_size == pytest.approx(0.4)
    assert m.p.n_enterprises == 100
    assert "0.40" in _slider(rc, "tech_shock_size").label  # sliders follow the scenario
    assert state.pending() == []
    # switching classroom size off keeps the levers and uses the scenario's own size
    rc.find(v.Checkbox).widget.v_model = False
    assert state.model.value.p.n_enterprises == load_scenario("tech_shock").params["n_enterprises"]
    assert state.model.value.p.tech_shock_step == 6


def test_each_browser_tab_gets_its_own_model() -> None:
    a, b = DemoState.create("demo"), DemoState.create("demo")
    assert a.model.value is not b.model.value


# --------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------
def test_views_are_valid_and_plain(small_model) -> None:
    heads = headline_numbers(small_model)
    assert len(heads) == 6
    assert {h.value for h in heads if not math.isfinite(h.raw)} <= {"—"}
    for _ in range(4):
        small_model.step()
    png = network_png(small_model)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert network_png(small_model) is png  # unchanged network: not drawn again
    for name, build in CHARTS.items():
        spec = build(small_model)
        text = json.dumps(spec, allow_nan=False)  # NaN would break the browser's JSON
        assert spec["data"]["values"], name
        assert "http" not in text.replace(spec["$schema"], "")  # nothing to fetch
    heads = headline_numbers(small_model)
    assert all(h.label and h.value for h in heads)
    assert any("since the start" in h.change for h in heads)



# --------------------------------------------------------------------------------------
# Who trains, who poaches
# --------------------------------------------------------------------------------------
def test_poaching_panel_counts_every_enterprise_as_the_model_does(small_model) -> None:
    """Roles sum to the enterprises and agree with the model's own shares; the workers
    hired away are this step's job-to-job moves; trained workers kept or elsewhere are
    counted from the workforce records. Reading them changes nothing in the model."""
    import numpy as np

    m = small_model
    n = m.firms.n
    seen_moves = 0
    for _ in range(6):
        m.step()
        before = (m.workers.employer.copy(), m.firms.poached.copy(), dict(m.current))
        now = poaching_now(m)
        assert list(now.roles) == [k for k, _, _ in FIRM_ROLES]
        assert sum(now.roles.values()) == now.enterprises == n
        cur = m.current
        assert (now.roles["both"] + now.roles["trains"]) / n == pytest.approx(
            cur["training_firm_share"])
        assert now.roles["poaches"] / n == pytest.approx(cur["poaching_only_firm_share"])
        assert now.moves == cur["job_to_job_moves"] == int(m.firms.poached[0].sum())
        assert now.poachers <= now.roles["both"] + now.roles["poaches"]
        assert (now.top > 0) == (now.moves > 0) and now.top <= now.moves
        w = m.workers
        trained = (w.employer >= 0) & (w.trainer >= 0)
        assert now.kept + now.elsewhere == int(trained.sum())
        assert now.kept == int((trained & (w.trainer == w.employer)).sum())
        seen_moves += now.moves
        # the app only reads the model
        assert np.array_equal(before[0], m.workers.employer)
        assert np.array_equal(before[1], m.firms.poached) and before[2] == m.current
    assert seen_moves > 0  # poaching happens at this scale
    assert now.kept > 0 and now.elsewhere > 0


def test_poaching_chart_follows_the_outcomes(small_model) -> None:
    m = small_model
    for _ in range(4):
        m.step()
    spec = poaching_spec(m)
    json.dumps(spec, allow_nan=False)
    assert spec["title"]["text"] == "Who trains, who poaches"
    df = m.outcomes_frame()
    rows = spec["data"]["values"]
    labels = spec["encoding"]["color"]["scale"]["domain"]
    assert len(rows) == len(labels) * len(df) == 4 * (m.steps + 1)
    by_label = {lab: [r for r in rows if r["series"] == lab] for lab in labels}
    for name, label in (("training_firm_share", "enterprises that train (host interns)"),
                        ("poaching_share_of_hires",
                         "hires taken from another employer (last year)")):
        last = by_label[label][-1]
        assert last["semester"] == m.steps
        assert last["percent"] == pytest.approx(100 * m.current[name], abs=0.01)
        assert [r["percent"] for r in by_label[label]] == [
            None if math.isnan(x) else pytest.approx(100 * x, abs=0.01) for x in df[name]]


def test_poaching_view_on_the_page_updates_each_step() -> None:
    """The panel shows the model's counts and follows Step; the new levers are sliders."""
    state = DemoState.create("demo")
    box, rc = _render(state)
    assert "service_period" in SLIDER_LEVERS and "mobility_cost" in SLIDER_UNCERTAINTIES
    _slider(rc, "service_period")
    _slider(rc, "mobility_cost")

    def shown() -> dict[str, str]:
        tiles = {w.attributes["class"].split()[-1]: w.unsafe_innerHTML
                 for w in rc.find(solara.widgets.HTML).widgets
                 if "ecosim-role" in (w.attributes or {}).get("class", "")}
        assert len(tiles) == len(FIRM_ROLES)
        return {key: tiles[f"ecosim-role-{key}"].split('<div class="num">')[1].split("</div>")[0]
                for key, _, _ in FIRM_ROLES}

    first = shown()
    assert first == {k: f"{c:,}" for k, c in poaching_now(state.model.value).roles.items()}
    seen = [first]
    for _ in range(3):
        _button(rc, "Step").click()
        m = state.model.value
        now = poaching_now(m)
        seen.append(shown())
        assert seen[-1] == {k: f"{c:,}" for k, c in now.roles.items()}
        assert sum(now.roles.values()) == m.firms.n == 100
        texts = [w.children[0] for w in rc.find(v.Html, class_="ecosim-poaching-text").widgets
                 if w.children]
        assert any(f"semester {now.moves:,} worker" in t and "hired away" in t or
                   (now.moves == 0 and "no worker was hired away" in t) for t in texts)
        assert any(f"{now.kept:,} still work" in t for t in texts)
    assert any(x != first for x in seen[1:])  # the panel follows the steps


def test_change_text_rounds_before_it_speaks() -> None:
    """A change that rounds to 0 is 'no change', never '▲ up 0'; others keep their sign."""
    assert change_text(0.4) == change_text(-0.5) == "no change since the start"
    assert change_text(0.6) == "▲ up 1 since the start"
    assert change_text(-12.4, "points") == "▼ down 12 points since the start"
    assert change_text(1500.0, "yuan") == "▲ up 1,500 yuan since the start"


def test_adaptive_rule_shows_the_subsidy_in_force() -> None:
    """With a participation target the panel adds the subsidy the rule has set."""
    from ecosim import EcosystemModel

    m = EcosystemModel(seed=2, n_schools=6, n_enterprises=80, cohort_size=600,
                       participation_target=0.9, government_budget=200.0)
    for _ in range(5):  # the rule acts at steps 3 and 5
        m.step()
    heads = headline_numbers(m)
    assert len(heads) == 7
    last = heads[-1]
    assert last.key == "internship_subsidy_level" and "90%" in last.label
    assert last.value == "1,000 yuan" and last.change == "▲ up 1,000 yuan since the start"


def test_page_shows_the_policies_in_force() -> None:
    """A scenario with a policy window: the panel lists it while it is in force only."""
    from ecosim.app.figures import policies_in_force

    state = DemoState.create("subsidy_ends")
    assert state.pending() == []  # the scenario's windows are the running model's
    box, rc = _render(state)
    text = "In force: internship subsidy 3,000 yuan (years 1–5)"
    assert not rc.find(children=[text]).widgets  # step 0: not yet in force
    _button(rc, "Step").click()
    rc.find(children=[text]).assert_single()
    m = state.model.value
    m.run(10)  # to step 11, year 6: the subsidy has ended
    assert policies_in_force(m) == [] and m.p.internship_subsidy == 0.0
    from ecosim import EcosystemModel

    m = EcosystemModel(seed=1, n_schools=4, n_enterprises=60, cohort_size=300, policies=[
        {"lever": "pilot_city", "value": True, "start": 1},
        {"lever": "promotion_intensity", "value": 0.5, "start": 1, "end": 1, "ramp": 1}])
    m.step()
    assert policies_in_force(m) == ["pilot city on (from year 1)",
                                    "promotion intensity 0.25 (year 1, ramp 1 year)"]


# --------------------------------------------------------------------------------------
# Offline assets
# --------------------------------------------------------------------------------------
def test_offline_assets_are_installed_and_linked(tmp_path) -> None:
    assert assets.ensure_offline_assets() == []
    cdn = assets.cdn_dir()
    for alias in assets.VEGA_ALIASES:
        assert (cdn / alias / "build").is_dir(), alias
    for needed in ("requirejs@2.3.6", "@widgetti", "font-awesome@4.5.0"):
        assert (cdn / needed).exists(), needed
    # the set-up itself, on a scratch copy of the layout
    for target in assets.VEGA_ALIASES.values():
        (tmp_path / target).mkdir()
    assert assets.ensure_offline_assets(tmp_path) == []
    assert all((tmp_path / a).is_dir() for a in assets.VEGA_ALIASES)
    assert assets.ensure_offline_assets(tmp_path) == []  # idempotent
    assert assets.ensure_offline_assets(tmp_path / "missing")


# --------------------------------------------------------------------------------------
# Host policy: loopback unless --host is typed
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("host,loop", [
    ("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("0.0.0.0", False), ("::", False), ("192.168.1.20", False),
    ("10.0.0.1", False), ("example.org", False),
])
def test_is_loopback(host: str, loop: bool) -> None:
    assert server.is_loopback(host) is loop


def test_resolve_host_defaults_to_loopback_and_env_cannot_widen_it() -> None:
    assert server.resolve_host(None, {}) == "127.0.0.1"
    assert server.resolve_host(None, {"HOST": "my-laptop.lan"}) == "127.0.0.1"
    assert server.resolve_host(None, {"SOLARA_HOST": "localhost"}) == "127.0.0.1"
    with pytest.raises(server.HostError, match="--host 0.0.0.0"):
        server.resolve_host(None, {"SOLARA_HOST": "0.0.0.0"})
    assert server.resolve_host("0.0.0.0", {"SOLARA_HOST": "10.1.1.1"}) == "0.0.0.0"


def test_serve_refuses_non_loopback_without_explicit_host() -> None:
    with pytest.raises(server.HostError, match="refusing"):
        server.serve("demo", "0.0.0.0", 0, host_explicit=False)


def test_cli_app_refuses_public_host_from_environment(monkeypatch, capsys) -> None:
    monkeypatch.setenv("SOLARA_HOST", "0.0.0.0")
    called = []
    monkeypatch.setattr(server, "serve", lambda *a, **k: called.append((a, k)) or 0)
    assert main(["app"]) == 2
    assert "SOLARA_HOST=0.0.0.0" in capsys.readouterr().err
    assert called == []
    # an explicit --host is the teacher's decision
    assert main(["app", "--host", "0.0.0.0", "--port", "8799"]) == 0
    assert called[-1][0][1] == "0.0.0.0" and called[-1][1]["host_explicit"] is True
    monkeypatch.delenv("SOLARA_HOST")
    assert main(["app", "tech_shock"]) == 0
    assert called[-1][0][:3] == ("tech_shock", "127.0.0.1", 8765)
    assert called[-1][1]["host_explicit"] is False


def test_cli_app_rejects_bad_scenario_and_port(capsys) -> None:
    assert main(["app", "no_such_scenario"]) == 2
    assert "scenario file not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["app", "--port", "70000"])


def test_url_for() -> None:
    assert server.url_for("127.0.0.1", 8765) == "http://127.0.0.1:8765/"
    assert server.url_for("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert server.url_for("::1", 8765) == "http://[::1]:8765/"


def test_a_view_that_fails_shows_a_message_not_a_traceback() -> None:
    """A chart that raises is replaced by a plain message for the class (and logged)."""
    import threading

    from ecosim.app.page import _draw_safely

    def broken(model: object) -> bytes:
        raise ValueError("boom")

    msg = _draw_safely(broken, object(), "network", threading.Lock())
    assert isinstance(msg, str) and "could not be drawn (ValueError)" in msg
    assert "Traceback" not in msg
    assert _draw_safely(lambda m: b"png", object(), "network", threading.Lock()) == b"png"


def test_solara_run_ecosim_app_serves_the_page_alone() -> None:
    """``solara run ecosim.app``: the package declares one route, the page at ``/`` (its
    other modules, e.g. the server and the figures, are not turned into pages)."""
    import ecosim.app

    routes = solara.generate_routes(ecosim.app)
    assert [r.path for r in routes] == ["/"]
    assert routes[0].component is Page

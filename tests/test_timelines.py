"""Policy timelines: levers that change during a run (interventions, ODD §7.2).

Known answers for the window arithmetic (value in force per step, with a ramp), the
direction of effect of a subsidy that ends, validation through the model, scenario
files (also as real ``ecosim validate`` processes), ``--set`` windows, and sweep
factors on a window.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from experiment_support import write_experiment, write_tiny_scenario
from support import MEDIUM, ROOT, TINY

from ecosim import EcosystemModel, ParameterError
from ecosim.experiments.design import load_experiment, point_params, sample_design
from ecosim.experiments.runner import simulate
from ecosim.experiments.scenario import (
    ScenarioError,
    apply_overrides,
    load_scenario,
    parse_set,
    parse_window,
)
from ecosim.params import PARAMETERS
from ecosim.simulation.interventions import (
    PolicyWindow,
    ScenarioLevers,
    initial_values,
    timeline_value,
    year_steps,
)

SUBSIDY = "internship_subsidy"


def _in_force(policies: list, steps: int, **kw: object) -> list[float]:
    """The subsidy in force during each step 1..steps (the outcome records it)."""
    m = EcosystemModel(seed=1, **TINY, policies=policies, **kw)
    m.run(steps)
    return m.outcomes_frame()["internship_subsidy_level"].iloc[1:].tolist()


# ----------------------------------------------------------------------------------
# Window arithmetic (known answers)
# ----------------------------------------------------------------------------------
def test_years_are_pairs_of_reported_steps() -> None:
    assert year_steps(1) == (1, 2) and year_steps(5) == (9, 10)
    w = PolicyWindow(SUBSIDY, 3000.0, 3, 5)
    assert (w.first_step, w.last_step) == (5, 10)
    assert [t for t in range(1, 14) if w.covers(t)] == [5, 6, 7, 8, 9, 10]
    assert PolicyWindow(SUBSIDY, 1.0, 6).last_step == float("inf")


def test_timeline_value_with_ramp_known_answers() -> None:
    """Declared 1000; a window of 3000 in years 2–3 reached over one year (2 steps);
    then from year 5 on 0 over two years (4 steps), starting from the declared 1000."""
    windows = [PolicyWindow(SUBSIDY, 3000.0, 2, 3, ramp=1),
               PolicyWindow(SUBSIDY, 0.0, 5, None, ramp=2)]
    got = [timeline_value(SUBSIDY, t, 1000.0, 500.0, windows) for t in range(0, 15)]
    assert got == [500.0,                       # t = 0: the initial value
                   1000.0, 1000.0,              # year 1: declared
                   2000.0, 3000.0,              # year 2: ramp 1000 -> 3000 in 2 steps
                   3000.0, 3000.0,              # year 3
                   1000.0, 1000.0,              # year 4: declared again
                   750.0, 500.0, 250.0, 0.0,    # years 5-6: ramp 1000 -> 0 in 4 steps
                   0.0, 0.0]


def test_model_follows_the_timeline_step_by_step() -> None:
    """The value in force in the model is the timeline, including a ramp from the
    previous (adjacent) window's value; model.params keeps the declared value."""
    policies = [{"lever": SUBSIDY, "value": 2000, "start": 1, "end": 2},
                {"lever": SUBSIDY, "value": 0, "start": 3, "end": 4, "ramp": 1}]
    m = EcosystemModel(seed=1, **TINY, internship_subsidy=500.0, policies=policies)
    seen = []
    for _ in range(11):
        m.step()
        seen.append(m.p.internship_subsidy)
    assert seen == [2000.0] * 4 + [1000.0, 0.0, 0.0, 0.0] + [500.0] * 3
    assert m.params[SUBSIDY] == 500.0
    assert m.outcomes_frame()["internship_subsidy_level"].iloc[1:].tolist() == seen


def test_government_budget_follows_the_value_in_force() -> None:
    """government_budget and pilot_city are read each step, not only at construction."""
    m = EcosystemModel(seed=1, **TINY, government_budget=20.0, policies=[
        {"lever": "government_budget", "value": 100.0, "start": 2},
        {"lever": "pilot_city", "value": True, "start": 3}])
    budgets = []
    for _ in range(6):
        m.step()
        budgets.append(m.government.budget_per_step)
    assert budgets == [10e6, 10e6, 50e6, 50e6, 75e6, 75e6]


def test_spin_up_keeps_levers_at_defaults_until_year_one() -> None:
    """With a spin-up the levers start at their declared defaults (other parameters as
    declared) and the scenario's values come into force at reported step 1."""
    params = {**{k: p.default for k, p in PARAMETERS.items()}, SUBSIDY: 3000.0,
              "n_schools": 7}
    start = initial_values(params, PARAMETERS, spinup=4)
    assert start[SUBSIDY] == 0.0 and start["n_schools"] == 7
    assert initial_values(params, PARAMETERS, spinup=0)[SUBSIDY] == 3000.0
    from ecosim.params import ParameterValues

    fake = SimpleNamespace(params=params, p=ParameterValues(**start), spinup=4, time=0)
    rule = ScenarioLevers((SUBSIDY,))
    rule.apply(fake)
    assert fake.p.internship_subsidy == 0.0  # still spinning up
    fake.time = 1
    rule.apply(fake)
    assert fake.p.internship_subsidy == 3000.0
    # the initial value of a ramp starting in year 1 is the default during a spin-up
    w = [PolicyWindow(SUBSIDY, 2000.0, 1, ramp=1)]
    assert timeline_value(SUBSIDY, 1, 3000.0, 0.0, w) == 1000.0


def test_adaptive_rule_does_not_move_a_subsidy_held_by_a_window() -> None:
    """A window holds the subsidy; the adaptive rule moves it outside the window only."""
    got = _in_force([{"lever": SUBSIDY, "value": 1000, "start": 2, "end": 3}], 10,
                    participation_target=0.95, government_budget=500.0)
    step = PARAMETERS["adaptive_subsidy_step"].default
    assert got[:2] == [0.0, 0.0]
    assert got[2:6] == [1000.0] * 4          # years 2-3: held (no raise at steps 3, 5)
    assert got[6] == 0.0 + step              # step 7: declared 0 restored, then raised
    assert got[8] == 2 * step


# ----------------------------------------------------------------------------------
# Direction of effect
# ----------------------------------------------------------------------------------
def test_subsidy_switched_off_after_year_five_lowers_participation() -> None:
    """3000 yuan in years 1–5 then off, against 3000 kept on: lower participation in
    years 7–10 (mean over eight seeds, and in most of them), and the same before the
    switch. (Eight seeds since the workforce, issue 12: the subsidy's effect on
    participation is small, +0.006 [−0.001, +0.014] in ``ecosim compare`` at research
    scale, and four seeds no longer gave a per-seed majority.)"""
    on = [{"lever": SUBSIDY, "value": 3000, "start": 1}]
    off = [{"lever": SUBSIDY, "value": 3000, "start": 1, "end": 5}]
    before, after = [], []
    for seed in range(1, 9):
        runs = {}
        for name, pol in (("on", on), ("off", off)):
            m = EcosystemModel(seed=seed, **MEDIUM, policies=pol)
            m.run(20)
            runs[name] = m.outcomes_frame()["participation_rate"].to_numpy()
        before.append(runs["on"][:11] - runs["off"][:11])
        after.append(float(np.mean(runs["on"][13:] - runs["off"][13:])))
    assert np.all(np.asarray(before) == 0.0)  # identical runs until the switch
    assert np.mean(after) > 0 and sum(a > 0 for a in after) >= 5, after


# ----------------------------------------------------------------------------------
# Validation through the model
# ----------------------------------------------------------------------------------
@pytest.mark.parametrize("policies, needles", [
    ([{"lever": "internship_subsdy", "value": 1, "start": 1}],
     ["policies[0]", "internship_subsdy", "did you mean 'internship_subsidy'"]),
    ([{"lever": "n_schools", "value": 5, "start": 1}], ["n_schools", "not a lever"]),
    ([{"lever": SUBSIDY, "value": 20_000, "start": 1}], ["value", "20000", "10_000"]),
    ([{"lever": "pilot_city", "value": 3, "start": 1}], ["pilot_city", "true or false"]),
    ([{"lever": SUBSIDY, "value": 1, "start": 0}], ["start = 0", ">= 1"]),
    ([{"lever": SUBSIDY, "value": 1, "start": 5, "end": 3}], ["start = 5", "end = 3"]),
    ([{"lever": SUBSIDY, "value": 1, "start": 1, "ramp": -1}], ["ramp = -1", ">= 0"]),
    ([{"lever": SUBSIDY, "value": 1, "start": 1, "end": 5},
      {"lever": SUBSIDY, "value": 2, "start": 5}], ["policies[1]", "overlaps", "policies[0]"]),
    ([{"lever": SUBSIDY, "value": 1, "start": 1, "until": 3}], ["unknown field 'until'"]),
    ([{"lever": SUBSIDY, "start": 1}], ["'value' is missing"]),
])
def test_model_rejects_bad_windows(policies: list, needles: list[str]) -> None:
    with pytest.raises(ParameterError) as e:
        EcosystemModel(seed=1, **TINY, policies=policies)
    msg = str(e.value)
    assert "\n" not in msg
    for needle in needles:
        assert needle in msg, msg


def test_windows_on_different_levers_may_overlap_and_objects_are_accepted() -> None:
    m = EcosystemModel(seed=1, **TINY, policies=[
        PolicyWindow(SUBSIDY, 1000.0, 1, 5), {"lever": "promotion_intensity",
                                                "value": 0.5, "start": 2, "end": 3}])
    assert [w.lever for w in m.policies] == [SUBSIDY, "promotion_intensity"]


# ----------------------------------------------------------------------------------
# Scenario files, --set, the CLI
# ----------------------------------------------------------------------------------
def _scenario(folder: Path, body: str, name: str = "s.toml") -> Path:
    write_tiny_scenario(folder)
    p = folder / name
    p.write_text('extends = "tiny.toml"\n' + body)
    return p


POLICY = """
[[policy]]
lever = "internship_subsidy"
value = 3000
start = 1
end = 5

[[policy]]
lever = "promotion_intensity"
value = 0.8
start = 3
ramp = 2
"""


def test_scenario_round_trip_to_model_and_summary(tmp_path: Path) -> None:
    sc = load_scenario(_scenario(tmp_path, POLICY))
    assert sc.policies == (PolicyWindow(SUBSIDY, 3000.0, 1, 5),
                           PolicyWindow("promotion_intensity", 0.8, 3, None, 2))
    kwargs = sc.model_kwargs()
    assert kwargs["policies"] == [{"lever": SUBSIDY, "value": 3000.0, "start": 1, "end": 5},
                                  {"lever": "promotion_intensity", "value": 0.8,
                                   "start": 3, "ramp": 2}]
    assert EcosystemModel(seed=1, **kwargs).policies == sc.policies
    res = simulate(sc, steps=12)
    assert res.summary["policies"] == kwargs["policies"]
    assert res.outcomes["internship_subsidy_level"].tolist() == (
        [0.0] + [3000.0] * 10 + [0.0, 0.0])
    json.dumps(res.summary, default=float)
    plain = load_scenario(write_tiny_scenario(tmp_path))
    assert plain.content_hash != sc.content_hash and "policies" not in plain.model_kwargs()


def test_child_scenarios_add_or_replace_inherited_windows(tmp_path: Path) -> None:
    _scenario(tmp_path, POLICY, "parent.toml")
    (tmp_path / "add.toml").write_text(
        'extends = "parent.toml"\n[[policy]]\nlever = "internship_subsidy"\nvalue = 0\n'
        'start = 6\n')
    (tmp_path / "replace.toml").write_text(
        'extends = "parent.toml"\nreplace_policies = true\n[[policy]]\n'
        'lever = "internship_subsidy"\nvalue = 0\nstart = 2\n')
    add = load_scenario(tmp_path / "add.toml")
    assert [(w.lever, w.start) for w in add.policies] == [
        (SUBSIDY, 1), ("promotion_intensity", 3), (SUBSIDY, 6)]
    rep = load_scenario(tmp_path / "replace.toml")
    assert rep.policies == (PolicyWindow(SUBSIDY, 0.0, 2),)


BAD_FILES = {
    "unknown_lever": ('[[policy]]\nlever = "internship_subsdy"\nvalue = 1\nstart = 1\n',
                      ["entry 1", "lever = 'internship_subsdy'", "internship_subsidy"]),
    "overlap": (POLICY + '[[policy]]\nlever = "internship_subsidy"\nvalue = 0\nstart = 5\n',
                ["entry 3", "start = 5", "overlaps [[policy]] entry 1", "must not overlap"]),
    "start_after_end": ('[[policy]]\nlever = "internship_subsidy"\nvalue = 1\nstart = 6\n'
                        'end = 2\n', ["entry 1", "start = 6", "end = 2", "start <= end"]),
    "out_of_range": ('[[policy]]\nlever = "internship_subsidy"\nvalue = 20000\nstart = 1\n',
                     ["entry 1", "value", "20000", "[0, 10_000]"]),
    "wrong_type": ('[[policy]]\nlever = "internship_subsidy"\nvalue = "3000"\nstart = 1\n',
                   ["entry 1", "value = '3000'", "wrong type"]),
    "not_array": ('[policy]\nlever = "internship_subsidy"\n', ["[[policy]] tables"]),
}


@pytest.mark.parametrize("case", ["unknown_lever", "overlap", "start_after_end",
                                  "out_of_range"])
def test_cli_validate_process_names_file_entry_field_value(tmp_path: Path, case: str) -> None:
    """A real ``ecosim validate`` process: exit status 2 and one line, no traceback."""
    body, needles = BAD_FILES[case]
    path = _scenario(tmp_path, body)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-m", "ecosim.cli", "validate", str(path)],
                       capture_output=True, text=True, env=env, timeout=120, check=False)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert lines[0].startswith(f"ecosim: error: {path}: [[policy]]"), lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("case", ["wrong_type", "not_array"])
def test_more_bad_policy_entries(tmp_path: Path, case: str) -> None:
    body, needles = BAD_FILES[case]
    with pytest.raises(ScenarioError) as e:
        load_scenario(_scenario(tmp_path, body))
    for needle in needles:
        assert needle in str(e.value), str(e.value)


@pytest.mark.parametrize("item, window", [
    ("internship_subsidy=3000@1-5", PolicyWindow(SUBSIDY, 3000.0, 1, 5)),
    ("internship_subsidy=3000@6-", PolicyWindow(SUBSIDY, 3000.0, 6, None)),
    ("internship_subsidy=3000@4", PolicyWindow(SUBSIDY, 3000.0, 4, 4)),
    ("internship_subsidy=2_500@3-8/2", PolicyWindow(SUBSIDY, 2500.0, 3, 8, 2)),
    ("pilot_city=true@2-", PolicyWindow("pilot_city", True, 2, None)),
])
def test_set_short_form(item: str, window: PolicyWindow) -> None:
    assert parse_window(item) == window


@pytest.mark.parametrize("item, needle", [
    ("internship_subsidy=3000@x-5", "not a policy window"),
    ("internship_subsidy=3000@5-1", "start = 5 is after end = 1"),
    ("internship_subsidy=30000@1-5", "is not allowed"),
    ("n_schools=3@1-5", "not a lever"),
])
def test_set_short_form_errors(item: str, needle: str) -> None:
    with pytest.raises(ScenarioError) as e:
        parse_window(item)
    assert needle in str(e.value) and item in str(e.value)


def test_set_windows_join_the_scenario_and_plain_set_keeps_its_meaning(tmp_path: Path
                                                                       ) -> None:
    sc = load_scenario(_scenario(tmp_path, POLICY))
    out = apply_overrides(sc, ["internship_subsidy=1000@6-", "ip_protection=0.5"])
    assert out.policies[-1] == PolicyWindow(SUBSIDY, 1000.0, 6)
    assert out.params["ip_protection"] == 0.5 and out.params[SUBSIDY] == sc.params[SUBSIDY]
    with pytest.raises(ScenarioError, match="overlaps"):
        apply_overrides(sc, ["internship_subsidy=1000@5-"])
    assert parse_set(["internship_subsidy=3000"]) == {SUBSIDY: 3000.0}
    with pytest.raises(ScenarioError, match="only with 'ecosim run'"):
        parse_set(["internship_subsidy=3000@1-5"])


def test_run_help_documents_the_short_form() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
    r = subprocess.run([sys.executable, "-m", "ecosim.cli", "run", "--help"],
                       capture_output=True, text=True, env=env, timeout=120, check=False)
    assert "internship_subsidy=3000@1-5" in r.stdout and "NAME=VALUE@START-" in r.stdout


def test_shipped_subsidy_ends_scenario() -> None:
    sc = load_scenario(ROOT / "scenarios" / "subsidy_ends.toml")
    assert sc.policies == (PolicyWindow(SUBSIDY, 3000.0, 1, 5),)
    assert sc.params.get(SUBSIDY, 0.0) == 0.0


# ----------------------------------------------------------------------------------
# Sweep factors on a window
# ----------------------------------------------------------------------------------
SWEEP = """
steps = 8
outcomes = ["participation_rate", "internship_subsidy_level"]
[set]
internship_subsidy = 0
[design]
method = "grid"
n = 3
[factors."policy.internship_subsidy.start"]
bounds = [1, 3]
[factors."policy.internship_subsidy.value"]
values = [1000, 4000]
"""


def _policy_scenario(folder: Path) -> None:
    write_tiny_scenario(folder)
    text = (folder / "tiny.toml").read_text()
    (folder / "tiny.toml").write_text(
        text.replace("[structure]", '[[policy]]\nlever = "internship_subsidy"\n'
                     'value = 2000\nstart = 2\nend = 4\n\n[structure]'))


def test_sweep_factor_on_a_window_start(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, SWEEP)
    _policy_scenario(tmp_path)
    exp = load_experiment(path)
    design = sample_design(exp)
    pts = design.points
    assert sorted(set(pts["policy.internship_subsidy.start"])) == [1, 2, 3]
    assert len(pts) == 6
    params = exp.point_params({"policy.internship_subsidy.start": 3,
                               "policy.internship_subsidy.value": 4000.0})
    assert params["policies"] == [{"lever": SUBSIDY, "value": 4000.0, "start": 3, "end": 4}]
    assert exp.base_params()["policies"][0]["start"] == 2  # the base is not changed
    from ecosim.experiments.sweep import SweepStore, run_sweep

    rep = run_sweep(exp, tmp_path / "out", workers=1, progress=False)
    assert (rep.ok, rep.failed) == (6, 0)
    runs = SweepStore(tmp_path / "out").results()
    # the subsidy is in force from the sampled start: its level over the final year
    # (steps 7-8, year 4, inside every window) is the sampled value
    for _, row in runs.iterrows():
        assert row["internship_subsidy_level"] == row["policy.internship_subsidy.value"]
    m = EcosystemModel(seed=1, **point_params(exp.base_params(), {
        "policy.internship_subsidy.start": 3, "policy.internship_subsidy.value": 1000.0}))
    m.run(8)
    assert m.outcomes_frame()["internship_subsidy_level"].tolist() == [0.0] * 5 + [1000.0] * 4


@pytest.mark.parametrize("factor, spec, needle", [
    ("policy.internship_subsidy.start", "bounds = [1, 9]", "declared range"),
    ("policy.promotion_intensity.value", "bounds = [0, 1]", "has 0 [[policy]] windows"),
    ("policy.internship_subsidy.stop", "bounds = [1, 2]", "FIELD one of value, start"),
    ("policy.internship_subsidy.value", "bounds = [0, 20000]", "declared range"),
])
def test_bad_policy_factors(tmp_path: Path, factor: str, spec: str, needle: str) -> None:
    body = (f'steps = 4\n[design]\nmethod = "lhs"\nn = 4\n[factors."{factor}"]\n{spec}\n')
    path = write_experiment(tmp_path, body)
    _policy_scenario(tmp_path)
    from ecosim.errors import ExperimentError

    with pytest.raises(ExperimentError) as e:
        load_experiment(path)
    assert needle in str(e.value), str(e.value)


def test_batch_run_passes_windows_as_dicts() -> None:
    """mesa.batch_run sweeps the elements of a list: each is one window (a dict) or a
    list of windows."""
    import mesa

    on = {"lever": SUBSIDY, "value": 2000, "start": 1}
    rows = mesa.batch_run(EcosystemModel, parameters={
        **TINY, "seed": 1, "policies": [on, [on, {"lever": "pilot_city", "value": True,
                                                  "start": 2}]]},
        iterations=1, max_steps=3, number_processes=1, display_progress=False)
    last = [r for r in rows if r["Step"] == 3]
    assert len(last) == 2
    assert all(r["internship_subsidy_level"] == 2000.0 for r in last)

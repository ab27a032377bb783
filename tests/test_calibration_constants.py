"""Calibration constants: declared once, reachable like any parameter, safe over their
plausible ranges, and their defaults reproduce the model as built."""

from __future__ import annotations

import math

import pytest
from support import TINY, is_share

from ecosim import PARAMETERS, EcosystemModel
from ecosim.params import CALIBRATION
from ecosim.simulation.processes import CONSTANTS

ENDS = [(name, end) for name in CALIBRATION for end in ("low", "high")]


def test_constants_are_gathered_from_the_process_modules() -> None:
    """The declaration holds exactly the processes' CONSTANTS, with their values."""
    assert [c.name for c in CONSTANTS] == list(CALIBRATION)
    for c in CONSTANTS:
        p = PARAMETERS[c.name]
        assert (p.kind, p.default, p.low, p.high, p.unit, p.source) == (
            "calibration", c.default, c.low, c.high, c.unit, c.source)


def test_model_reads_the_value_it_is_given() -> None:
    """A constant passed as a keyword replaces the default in model.p (and only there)."""
    m = EcosystemModel(seed=1, **TINY, hire_threshold=0.5, intern_slots_depth_2=2.5)
    assert m.p.hire_threshold == 0.5 and m.params["hire_threshold"] == 0.5
    assert m.depth.slots[2] == 2.5 and m.depth.slots[1] == PARAMETERS[
        "intern_slots_depth_1"].default


@pytest.mark.parametrize(("name", "end"), ENDS, ids=[f"{n}-{e}" for n, e in ENDS])
def test_runs_at_either_end_of_the_plausible_range(name: str, end: str) -> None:
    """At the low and the high end of its range, the model runs and its shares stay
    shares and its accounts balance."""
    value = getattr(PARAMETERS[name], end)
    m = EcosystemModel(seed=2, **TINY, **{name: value})
    m.run(5)
    for o, v in m.current.items():
        assert not (isinstance(v, float) and math.isinf(v)), o
    for o in ("placement_rate", "participation_rate", "in_field_rate", "vacancy_fill_rate"):
        assert is_share(m.current[o]), (o, m.current[o])
    a = m.accounting()
    assert a["entered"] == sum(v for k, v in a.items() if k != "entered")


def test_a_constant_moves_the_results() -> None:
    """Constants are live: a stricter hiring threshold lowers employment (same seeds)."""
    def employment(threshold: float) -> float:
        rates = []
        for seed in range(3):
            m = EcosystemModel(seed=seed, **TINY, hire_threshold=threshold)
            m.run(8)
            rates.append(m.outcomes_frame()["employment_rate"].iloc[-4:].mean())
        return sum(rates) / len(rates)

    assert employment(0.55) < employment(0.3)


# --- reachable like any parameter: scenario files, --set, levers --all, sweeps --------
def test_scenario_file_sets_constants_under_calibration(tmp_path) -> None:
    """A [calibration] table sets constants; a constant elsewhere names its table."""
    from ecosim.errors import ScenarioError
    from ecosim.experiments.scenario import load_scenario

    good = tmp_path / "cal.toml"
    good.write_text('name = "cal"\n[calibration]\nhire_threshold = 0.4\n'
                    'applications_base = 4\n')
    sc = load_scenario(good)
    assert sc.params == {"hire_threshold": 0.4, "applications_base": 4}
    m = EcosystemModel(seed=1, **TINY, **sc.model_kwargs())
    assert m.p.applications_base == 4
    misplaced = tmp_path / "bad.toml"
    misplaced.write_text('name = "bad"\n[levers]\nhire_threshold = 0.4\n')
    with pytest.raises(ScenarioError, match=r"hire_threshold is a calibration.*\[calibration\]"):
        load_scenario(misplaced)
    out_of_range = tmp_path / "range.toml"
    out_of_range.write_text('name = "r"\n[calibration]\nhire_threshold = 0.9\n')
    with pytest.raises(ScenarioError, match=r"range.toml.*hire_threshold = 0.9.*\[0.2, 0.6\]"):
        load_scenario(out_of_range)


def test_cli_lists_and_sets_constants(tmp_path, capsys: pytest.CaptureFixture) -> None:
    """`ecosim levers --all` lists every constant with its source; `--set` reaches one."""
    from ecosim.cli import main
    from ecosim.experiments.scenario import apply_overrides, load_scenario

    assert main(["levers", "--all"]) == 0
    out = capsys.readouterr().out
    assert "CALIBRATION CONSTANTS" in out
    for name in CALIBRATION:
        assert f"  {name} " in out, name
    assert f"source: {PARAMETERS['p_local'].source}" in out
    sc = apply_overrides(load_scenario("demo"), ["intern_bonus=0.1"])
    assert sc.params["intern_bonus"] == 0.1


def test_sweep_and_sensitivity_factors_can_be_constants(tmp_path) -> None:
    """Experiment files take calibration constants as factors, with their declared
    ranges as default bounds (so they can be screened like levers)."""
    from experiment_support import write_experiment

    from ecosim.experiments.design import load_experiment, salib_problem

    path = write_experiment(tmp_path, (
        'steps = 2\nreplications = 1\noutcomes = ["employment_rate"]\n'
        '[design]\nmethod = "morris"\nn = 2\n'
        "[factors.hire_threshold]\n[factors.matching_rounds]\n[factors.internship_subsidy]\n"))
    exp = load_experiment(path)
    problem = salib_problem(exp.factors)
    assert problem["names"] == ["hire_threshold", "matching_rounds", "internship_subsidy"]
    assert problem["bounds"][0] == [0.2, 0.6]

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

"""The one declaration (params.py) is consistent and everything is derived from it."""

from __future__ import annotations

import inspect
import math
import re

import pytest
from support import CONTRACT_OUTCOMES, TINY

from ecosim import (
    HEADLINE_OUTCOMES,
    LEVERS,
    OUTCOMES,
    PARAMETERS,
    UNCERTAINTIES,
    EcosystemModel,
    ParameterError,
)
from ecosim.params import (
    CALIBRATION,
    KINDS,
    STRUCTURE,
    coerce_value,
    defaults,
    get_parameter,
    suggest,
)
from ecosim.simulation import interventions


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_parameter_range_contains_default(name: str) -> None:
    """Every declared number has low <= default <= high and a default of its type."""
    p = PARAMETERS[name]
    assert p.name == name
    assert p.kind in ("lever", "uncertainty", "structure", "calibration")
    assert p.meaning.strip(), f"{name} has no meaning"
    if p.kind == "calibration":
        assert p.source.strip(), f"calibration constant {name} has no source"
        assert p.unit.strip() and p.process, name
    if p.type in (bool, str):
        assert isinstance(p.default, p.type)
        return
    assert p.low is not None and p.high is not None
    assert p.low <= p.default <= p.high, (p.low, p.default, p.high)
    assert type(p.default) is p.type, f"{name}: default {p.default!r} is not {p.type}"
    assert coerce_value(p, p.default) == p.default


def test_kinds_partition_the_declaration() -> None:
    """Levers, uncertainties, structure and calibration constants are disjoint and
    together are PARAMETERS."""
    groups = (LEVERS, UNCERTAINTIES, STRUCTURE, CALIBRATION)
    assert sum(len(g) for g in groups) == len(PARAMETERS)
    assert set().union(*groups) == set(PARAMETERS)
    for kind, names in zip(KINDS, groups, strict=True):
        assert all(PARAMETERS[n].kind == kind for n in names), kind


def test_calibration_constants_live_in_their_process_module() -> None:
    """Each calibration constant is declared in the CONSTANTS of the process module that
    reads it (one room per rule): the module's source uses ``p.<name>`` or the
    constant's depth table."""
    from ecosim.simulation import processes

    assert len(CALIBRATION) >= 53
    for name in CALIBRATION:
        module = getattr(processes, PARAMETERS[name].process)
        src = inspect.getsource(module)
        assert f'Constant("{name}"' in src, name
        assert re.search(rf"\bp\.{name}\b", src) or "_depth_" in name, (
            f"{name} is declared in {module.__name__} but not read there")


def test_design_levers_are_declared() -> None:
    """DESIGN §5 names twelve policy levers; each is declared as a lever."""
    for name in ("internship_subsidy", "tax_credit_rate", "resource_sharing_incentive",
                 "ip_protection", "teacher_practice_funding", "promotion_intensity",
                 "platform_level", "career_services_funding", "bridge_openness",
                 "capacity_flexibility", "pilot_city", "certification_threshold"):
        assert PARAMETERS[name].kind == "lever", name


def test_model_signature_lists_every_parameter_with_its_default() -> None:
    """SolaraViz and batch_run see every declared parameter as a keyword with its default."""
    sig = inspect.signature(EcosystemModel.__init__)
    params = sig.parameters
    assert "seed" in params and params["seed"].default is None
    for name, p in PARAMETERS.items():
        assert name in params, f"{name} missing from EcosystemModel signature"
        assert params[name].default == p.default, name
    for name, prm in params.items():
        if name == "self":
            continue
        assert prm.kind is not inspect.Parameter.VAR_POSITIONAL
        assert prm.default is not inspect.Parameter.empty, f"{name} has no default"
    assert params["policies"].default == ()  # policy windows (ecosim.simulation.interventions)
    assert set(params) - {"self", "seed", "policies"} == set(PARAMETERS)


def test_default_model_takes_declared_defaults() -> None:
    """A model built with no parameters holds exactly the declared defaults."""
    m = EcosystemModel(seed=3, **TINY)
    expected = {**defaults(), **TINY}
    assert m.params == expected
    for name, value in expected.items():
        assert getattr(m.p, name) == value


class _RecordingValues:
    """Parameter values that note every name a process reads."""

    read: set[str] = set()

    def __init__(self, **values: object) -> None:
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name: str) -> object:
        values = object.__getattribute__(self, "_values")
        if name not in values:
            raise AttributeError(name)
        _RecordingValues.read.add(name)
        return values[name]


def _record_set_levers(model: EcosystemModel, **values: object) -> None:
    """``interventions.set_levers`` for :class:`_RecordingValues` (not a dataclass)."""
    model.p = _RecordingValues(**{**object.__getattribute__(model.p, "_values"), **values})


def test_every_parameter_is_read_by_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """A declared parameter that no rule reads would be a dead slider (or a dead
    calibration constant): run the model with values that record every read."""
    import ecosim.simulation.model as model_module

    monkeypatch.setattr(model_module, "ParameterValues", _RecordingValues)
    monkeypatch.setattr(interventions, "set_levers", _record_set_levers)
    _RecordingValues.read = set()
    # The optional branches: a technology shock, the adaptive rule pushing the subsidy
    # up (target out of reach) and down (target below participation).
    for target in (0.99, 0.01):
        m = EcosystemModel(seed=1, **TINY, tech_shock_step=2, tech_shock_size=0.1,
                           participation_target=target, platform_level=0.5)
        m.run(8)
    unused = [n for n in PARAMETERS if n not in _RecordingValues.read]
    assert not unused, f"declared but never read by the model: {unused}"


def test_every_outcome_is_a_column_of_outcomes_frame() -> None:
    """outcomes_frame() has a 'step' column plus exactly the declared outcomes."""
    m = EcosystemModel(seed=1, **TINY)
    m.run(2)
    df = m.outcomes_frame()
    assert list(df.columns) == ["step", *OUTCOMES]
    assert list(df["step"]) == [0, 1, 2]


def test_contract_outcome_names_exist_and_are_headline() -> None:
    """The 17 outcome names other tools rely on are declared headline outcomes (0.2:
    cost_per_matched_graduate renamed average_cost_per_in_field_graduate, skill_matched_rate
    added beside the official in_field_rate)."""
    assert len(set(CONTRACT_OUTCOMES)) == 17
    for name in CONTRACT_OUTCOMES:
        assert name in OUTCOMES, name
        assert name in HEADLINE_OUTCOMES, name


def test_outcomes_have_units_and_meanings() -> None:
    """Each outcome says its unit and meaning."""
    for o in OUTCOMES.values():
        assert o.unit.strip() and o.meaning.strip(), o.name


def test_unknown_parameter_is_refused_with_a_suggestion() -> None:
    """Misspelt keywords raise ParameterError naming the nearest declared name."""
    hint = r"internship_subsidi.*did you mean 'internship_subsidy'"
    with pytest.raises(ParameterError, match=hint):
        EcosystemModel(seed=1, internship_subsidi=10)
    with pytest.raises(ParameterError, match="did you mean 'ip_protection'"):
        get_parameter("ip_protectoin")
    assert suggest("zzzzzz", PARAMETERS) == ""


@pytest.mark.parametrize(
    ("name", "value"),
    [("ip_protection", 1.5), ("ip_protection", -0.1), ("n_schools", 0), ("n_schools", 2.5),
     ("pilot_city", "maybe"), ("pilot_city", 1.0), ("internship_subsidy", "lots"),
     ("internship_subsidy", True), ("region", "mars"), ("tax_credit_rate", math.nan)],
)
def test_bad_values_are_refused(name: str, value: object) -> None:
    """Out-of-range, wrongly typed and NaN values raise ParameterError naming name and value."""
    with pytest.raises(ParameterError) as exc:
        EcosystemModel(seed=1, **{**TINY, name: value})
    msg = str(exc.value)
    assert name in msg and repr(value) in msg and "expected" in msg


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [("internship_subsidy", "3_000", 3000.0), ("n_schools", "12", 12), ("pilot_city", "true", True),
     ("pilot_city", "no", False), ("n_schools", 7.0, 7), ("region", "deyang", "deyang")],
)
def test_coerce_value_accepts_command_line_text(name: str, text: object, expected: object) -> None:
    """Strings from --set are coerced to the declared type."""
    value = coerce_value(PARAMETERS[name], text)
    assert value == expected and type(value) is type(expected)


def test_range_bounds_are_inclusive() -> None:
    """low and high themselves are allowed values."""
    for p in PARAMETERS.values():
        if p.type in (int, float):
            assert coerce_value(p, p.low) == p.low
            assert coerce_value(p, p.high) == p.high


def test_spin_up_runs_unreported_with_todays_policy_then_the_scenario() -> None:
    """A spin-up of S steps numbers them -S+1 .. 0 and reports only step 0 on; levers
    stay at their defaults until step 1, then the declared value is in force. An odd
    spin-up is refused with the allowed values."""
    m = EcosystemModel(seed=2, **{**TINY, "spinup_steps": 6}, internship_subsidy=3000.0)
    assert m.steps == 0 and m.spinup == 6 and m.time == 0
    df = m.outcomes_frame()
    assert list(df["step"]) == [0]
    assert m.p.internship_subsidy == 0.0 and m.params["internship_subsidy"] == 3000.0
    assert m.accounting()["entered"] > 0  # cohorts were admitted during the spin-up
    m.step()
    assert m.p.internship_subsidy == 3000.0 and list(m.outcomes_frame()["step"]) == [0, 1]
    with pytest.raises(ParameterError, match=r"spinup_steps = 5 .*multiple of 2"):
        EcosystemModel(seed=1, **{**TINY, "spinup_steps": 5})

"""Scenario files: every shipped one validates and runs; ``extends``; clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SCENARIO_DIR

from ecosim import PARAMETERS, EcosystemModel
from ecosim.experiments.scenario import (
    Scenario,
    ScenarioError,
    apply_overrides,
    list_scenarios,
    load_scenario,
    parse_set,
)

SHIPPED = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
# DESIGN §7: the scenarios that must ship.
DESIGN_SCENARIOS = ("baseline", "deep_integration", "resource_sharing", "dual_qualified_teachers",
                    "cooperation_platform", "industrial_college", "tech_shock", "deyang_region",
                    "pilot_city")


# Context scenarios set the region, its scale or uncertainties; every other shipped
# scenario is a policy and changes levers (and policy timelines) only (issue 11).
CONTEXT_SCENARIOS = ("baseline", "benchmark_county", "demo", "deyang_region", "tech_shock",
                     "aligned_region", "growing_demand")


@pytest.mark.parametrize("name", [n for n in SHIPPED if n not in CONTEXT_SCENARIOS])
def test_policy_scenarios_change_levers_only(name: str) -> None:
    """A policy scenario's own file (and every file it extends but the context it
    starts from) holds only levers and [[policy]] windows: no free context."""
    import tomllib

    path = SCENARIO_DIR / f"{name}.toml"
    while path.stem not in CONTEXT_SCENARIOS:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        extra = set(data) - {"name", "description", "extends", "steps", "seed", "levers",
                             "policy", "replace_policies"}
        assert not extra, f"{path.name} sets {sorted(extra)}: context belongs in the file " \
                          "it extends"
        assert "extends" in data, f"{path.name} must extend a context scenario"
        path = path.parent / data["extends"]


def test_design_scenarios_ship() -> None:
    """Every scenario DESIGN §7 lists is a file in scenarios/."""
    missing = [n for n in DESIGN_SCENARIOS if n not in SHIPPED]
    assert not missing, missing


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_validates_and_runs(name: str) -> None:
    """Each shipped scenario loads, builds at its own scale and runs 3 steps."""
    path = SCENARIO_DIR / f"{name}.toml"
    sc = load_scenario(path)
    assert sc.name == name
    assert sc.description.strip()
    assert path.read_text(encoding="utf-8").lstrip().startswith("#"), "no header comment"
    assert set(sc.params) <= set(PARAMETERS)
    m = EcosystemModel(seed=sc.seed, **sc.model_kwargs())
    for key, value in sc.params.items():
        assert m.params[key] == value
    m.run(3)
    # After the spin-up (today's policy) the scenario's levers are in force from step 1.
    for key, value in sc.params.items():
        if not sc.policies:
            assert getattr(m.p, key) == value
    df = m.outcomes_frame()
    assert len(df) == 4
    assert df["graduates"].iloc[1:].sum() > 0 and df["hires"].iloc[1:].sum() > 0


def test_scenarios_are_found_by_name() -> None:
    """Shipped scenarios load by bare name and list_scenarios returns all of them."""
    assert load_scenario("baseline").path.resolve() == (SCENARIO_DIR / "baseline.toml").resolve()
    assert sorted(s.path.stem for s in list_scenarios()) == SHIPPED


def test_shipped_variants_differ_from_baseline_where_they_say() -> None:
    """Each policy scenario changes the lever it is named after relative to the baseline."""
    base = load_scenario("baseline").params
    checks = {
        "deep_integration": ("internship_subsidy", "tax_credit_rate"),
        "resource_sharing": ("ip_protection", "resource_sharing_incentive"),
        "dual_qualified_teachers": ("teacher_practice_funding",),
        "cooperation_platform": ("platform_level",),
        "pilot_city": ("pilot_city",),
        "tech_shock": ("tech_shock_size",),
        "deyang_region": ("region",),
        "industrial_college": ("internship_subsidy", "resource_sharing_incentive"),
        "aligned_region": ("goal_alignment", "initial_deep_share"),
        "growing_demand": ("sector_growth_scale",),
        "subsidy_ends": (),
    }
    for name, keys in checks.items():
        params = load_scenario(name).params
        for key in keys:
            assert params[key] != base.get(key, PARAMETERS[key].default), (name, key)


# ------------------------------------------------------------------------------------
# extends
# ------------------------------------------------------------------------------------
def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_extends_inherits_and_overrides(tmp_path: Path) -> None:
    """A child inherits its parent's settings and overrides only what it sets."""
    _write(tmp_path / "parent.toml", 'name = "parent"\ndescription = "p"\nsteps = 12\nseed = 4\n'
           "[levers]\ninternship_subsidy = 1000\nip_protection = 0.7\n"
           "[structure]\nn_schools = 5\n")
    _write(tmp_path / "child.toml", 'name = "child"\nextends = "parent.toml"\n'
           "[levers]\ninternship_subsidy = 2500\n[uncertainties]\ngoal_alignment = 0.9\n")
    _write(tmp_path / "grandchild.toml", 'extends = "child.toml"\nsteps = 3\n'
           "[structure]\nn_enterprises = 40\n")
    child = load_scenario(tmp_path / "child.toml")
    assert child.name == "child" and child.description == "p"
    assert (child.steps, child.seed) == (12, 4)
    assert child.params == {"internship_subsidy": 2500.0, "ip_protection": 0.7,
                            "n_schools": 5, "goal_alignment": 0.9}
    gc = load_scenario(tmp_path / "grandchild.toml")
    assert gc.name == "grandchild" and gc.steps == 3  # a name is never inherited
    assert gc.params == {**child.params, "n_enterprises": 40}


def test_shipped_scenarios_extend_the_baseline() -> None:
    """Shipped variants inherit the baseline's values they do not set."""
    base = load_scenario("baseline")
    demo = load_scenario("demo")
    assert demo.params["n_schools"] == 10
    assert demo.params["ip_sensitivity"] == base.params["ip_sensitivity"]
    assert demo.seed == base.seed


def test_content_hash_follows_parameters() -> None:
    """The scenario hash is stable and changes when a parameter changes."""
    a, b = load_scenario("baseline"), load_scenario("baseline")
    assert a.content_hash == b.content_hash
    c = apply_overrides(a, ["internship_subsidy=3000"])
    assert c.params["internship_subsidy"] == 3000.0
    assert c.content_hash != a.content_hash
    assert apply_overrides(a, None) is a


# ------------------------------------------------------------------------------------
# Errors: one line naming the file, the field, the value and what is allowed
# ------------------------------------------------------------------------------------
ERROR_CASES = [
    # id, file text, fragments the message must contain
    ("unknown_key", "[levers]\ninternship_subsidi = 3000\n",
     ["[levers]", "internship_subsidi", "did you mean 'internship_subsidy'", "allowed"]),
    ("wrong_type", '[levers]\ninternship_subsidy = "lots"\n',
     ["internship_subsidy", "'lots'", "wrong type", "[0, 10_000]"]),
    ("out_of_range", "[levers]\nip_protection = 1.5\n",
     ["ip_protection", "1.5", "not allowed", "[0, 1]"]),
    ("int_not_integer", "[structure]\nn_schools = 2.5\n", ["n_schools", "2.5", "[1, 2000]"]),
    ("bool_wrong_type", "[levers]\npilot_city = 1\n", ["pilot_city", "1", "true or false"]),
    ("bad_region", '[structure]\nregion = "mars"\n', ["region", "'mars'", "generic", "deyang"]),
    ("wrong_section", "[uncertainties]\ninternship_subsidy = 3\n",
     ["[uncertainties]", "internship_subsidy", "[levers]"]),
    ("top_level_param", "internship_subsidy = 3\n", ["internship_subsidy", "[levers]"]),
    ("top_level_typo", "stesp = 3\n", ["stesp", "did you mean 'steps'"]),
    ("steps_range", "steps = 0\n", ["steps", "0", "[1, 1000]"]),
    ("broken_toml", "[levers\nip_protection = 0.5\n", ["not valid TOML", "line 2"]),
    ("missing_parent", 'extends = "nope.toml"\n', ["extends", "nope.toml", "not found"]),
]


@pytest.mark.parametrize(("text", "fragments"), [c[1:] for c in ERROR_CASES],
                         ids=[c[0] for c in ERROR_CASES])
def test_scenario_errors_are_one_clear_line(tmp_path: Path, text: str,
                                            fragments: list[str]) -> None:
    """Each bad file raises ScenarioError: one line naming the file and what is wrong."""
    path = _write(tmp_path / "bad.toml", 'name = "bad"\n' + text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    msg = str(exc.value)
    assert "\n" not in msg
    assert "bad.toml" in msg
    for frag in fragments:
        assert frag in msg, (frag, msg)


def test_missing_file_suggests_nearest_scenario() -> None:
    """A misspelt scenario name is refused with the nearest shipped name."""
    with pytest.raises(ScenarioError, match="basline.*did you mean 'baseline'"):
        load_scenario("basline")


def test_extends_cycle_is_refused(tmp_path: Path) -> None:
    """A cycle of extends is reported, not followed forever."""
    _write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    _write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle: a.toml -> b.toml -> a.toml"):
        load_scenario(tmp_path / "a.toml")


@pytest.mark.parametrize(("item", "fragment"), [
    ("internship_subsidi=3", "did you mean 'internship_subsidy'"),
    ("ip_protection=2", "[0, 1]"),
    ("ip_protection=abc", "'abc'"),
    ("pilot_city=maybe", "true or false"),
    ("nonsense", "expected name=value"),
])
def test_bad_overrides_are_refused(item: str, fragment: str) -> None:
    """--set items with unknown names or bad values raise one-line ScenarioErrors."""
    with pytest.raises(ScenarioError) as exc:
        parse_set([item])
    msg = str(exc.value)
    assert fragment in msg and "\n" not in msg
    assert item.split("=")[0] in msg


def test_overrides_are_typed() -> None:
    """--set values are coerced to the declared types."""
    out = parse_set(["n_schools=12", "pilot_city=true", "internship_subsidy=2_500"])
    assert out == {"n_schools": 12, "pilot_city": True, "internship_subsidy": 2500.0}
    assert type(out["n_schools"]) is int


def test_scenario_built_in_code_runs() -> None:
    """A Scenario made in code gives model kwargs that build a model."""
    sc = Scenario(name="code", params={"n_schools": 4, "n_enterprises": 50, "cohort_size": 200})
    m = EcosystemModel(seed=sc.seed, **sc.model_kwargs())
    assert m.p.n_schools == 4

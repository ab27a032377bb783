"""Experiment files: validation against the declaration, designs, run order and seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from experiment_support import ROOT, write_experiment

from ecosim.cli import main
from ecosim.experiments.design import (
    ExperimentError,
    build_plan,
    interleaved_order,
    load_experiment,
    salib_problem,
    sample_design,
)
from ecosim.experiments.stats import replication_seeds

GOOD = """
steps = 4
replications = 2
seed = 7
outcomes = ["in_field_rate", "participation_rate"]
[design]
method = "lhs"
n = 16
[factors.internship_subsidy]
bounds = [0, 5000]
[factors.certification_threshold]
bounds = [2, 5]
[factors.pilot_city]
[factors.ip_protection]
values = [0.3, 0.8]
"""


def _error(tmp_path: Path, body: str) -> str:
    path = write_experiment(tmp_path, body)
    with pytest.raises(ExperimentError) as e:
        load_experiment(path)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(str(path))
    return msg


def test_good_file_loads(tmp_path: Path) -> None:
    exp = load_experiment(write_experiment(tmp_path, GOOD))
    assert exp.factor_names == ["internship_subsidy", "certification_threshold", "pilot_city",
                                "ip_protection"]
    assert exp.scenario.params["n_schools"] == 6  # tiny.toml, relative to the file
    assert (exp.steps, exp.replications, exp.seed) == (4, 2, 7)
    assert exp.n_runs() == 32
    assert len(exp.file_hash) == 64


@pytest.mark.parametrize(("body", "needles"), [
    ('[design]\nmethod = "lhs"\nn = 4\n[factors.internship_subsidi]\nbounds = [0, 10]\n',
     ["[factors.internship_subsidi]", "unknown factor", "did you mean 'internship_subsidy'"]),
    ('[design]\nmethod = "lhs"\nn = 4\n[factors.internship_subsidy]\nbounds = [0, 20000]\n',
     ["[factors.internship_subsidy]", "[0, 20000]", "outside the declared range", "10_000"]),
    ('[design]\nmethod = "lhs"\nn = 4\n[factors.ip_protection]\nbounds = [-0.5, 0.5]\n',
     ["ip_protection", "[-0.5, 0.5]", "outside the declared range", "[0, 1]"]),
    ('[design]\nmethod = "latin"\nn = 4\n[factors.ip_protection]\n',
     ["[design] method = 'latin'", "grid, lhs, random, sobol, morris"]),
    ('[design]\nmethod = "lhsx"\nn = 4\n[factors.ip_protection]\n',
     ["method = 'lhsx'", "did you mean 'lhs'"]),
    ('[design]\nmethod = "lhs"\nn = 0\n[factors.ip_protection]\n',
     ["[design] n = 0", "integer ≥ 1"]),
    ('[design]\nmethod = "lhs"\nn = "ten"\n[factors.ip_protection]\n',
     ["[design] n = 'ten'"]),
    ('[design]\nmethod = "sobol"\nn = 100\n[factors.ip_protection]\n[factors.platform_level]\n',
     ["n = 100", "power of two", "64 or 128"]),
    ('[design]\nmethod = "lhs"\n[factors.ip_protection]\n', ["[design] n is missing"]),
    ('[design]\nmethod = "lhs"\nn = 4\n[factors.certification_threshold]\nbounds = [1.5, 4]\n',
     ["certification_threshold", "whole-number"]),
    ('[design]\nmethod = "lhs"\nn = 4\n[factors.ip_protection]\nvalues = [0.3, 1.7]\n',
     ["ip_protection = 1.7", "[0, 1]"]),
    ('[design]\nmethod = "lhs"\nn = 4\n[factors.pilot_city]\nbounds = [0, 1]\n',
     ["pilot_city is a bool", "values"]),
    ('outcomes = ["in_field_rat"]\n[design]\nmethod = "lhs"\nn = 4\n[factors.ip_protection]\n',
     ["unknown outcome 'in_field_rat'", "did you mean 'in_field_rate'"]),
    ('internship_subsidy = 5\n[design]\nmethod = "lhs"\nn = 4\n[factors.ip_protection]\n',
     ["unknown top-level key 'internship_subsidy'", "[factors.internship_subsidy]"]),
    ('[design]\nmethod = "lhs"\nn = 4\n', ["no factors"]),
    ('[set]\nip_protection = 0.5\n[design]\nmethod = "lhs"\nn = 4\n[factors.ip_protection]\n',
     ["also fixed in [set]"]),
    ('replications = 0\n[design]\nmethod = "lhs"\nn = 4\n[factors.ip_protection]\n',
     ["replications = 0"]),
])
def test_bad_files_give_one_clear_line(tmp_path: Path, body: str, needles: list[str]) -> None:
    msg = _error(tmp_path, body)
    for needle in needles:
        assert needle in msg, msg


def test_missing_scenario_file_is_named(tmp_path: Path) -> None:
    p = tmp_path / "x.toml"
    p.write_text('scenario = "nowhere.toml"\n[design]\nmethod = "lhs"\nn = 2\n'
                 '[factors.ip_protection]\n')
    with pytest.raises(ExperimentError, match="scenario = 'nowhere.toml'"):
        load_experiment(p)


def test_cli_prints_one_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write_experiment(tmp_path, '[design]\nmethod = "lhs"\nn = 4\n'
                                      '[factors.internship_subsidy]\nbounds = [0, 99999]\n')
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("ecosim: error: ") and "outside the declared range" in err[0]
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("method", "n", "points"), [
    ("lhs", 16, 16), ("random", 10, 10), ("grid", 3, 3 * 3 * 2 * 2),
    ("sobol", 8, 8 * (4 + 2)), ("morris", 5, 5 * (4 + 1)),
])
def test_designs_respect_types_and_bounds(tmp_path: Path, method: str, n: int,
                                          points: int) -> None:
    body = GOOD.replace('method = "lhs"\nn = 16', f'method = "{method}"\nn = {n}')
    exp = load_experiment(write_experiment(tmp_path, body))
    design = sample_design(exp)
    pts = design.points
    assert len(pts) == exp.n_points() == points
    assert list(pts["point_id"]) == list(range(points))
    assert pts["internship_subsidy"].between(0, 5000).all()
    thr = pts["certification_threshold"]
    assert thr.dtype.kind == "i" and thr.between(2, 5).all()
    assert pts["pilot_city"].dtype == bool
    assert set(pts["ip_protection"]) <= {0.3, 0.8}
    if method != "grid":
        assert design.X.shape == (points, 4)
        assert set(thr) == {2, 3, 4, 5} or method == "random" and len(set(thr)) >= 3
    again = sample_design(exp)  # the sampler is seeded: same design every time
    assert again.points.equals(pts)


def test_salib_problem_is_derived_from_the_declaration(tmp_path: Path) -> None:
    exp = load_experiment(write_experiment(tmp_path, GOOD))
    prob = salib_problem(exp.factors)
    assert prob["names"] == exp.factor_names
    assert prob["bounds"] == [[0.0, 5000.0], [2.0, 6.0], [0.0, 2.0], [0.0, 2.0]]


def test_empty_factor_table_means_the_declared_range(tmp_path: Path) -> None:
    exp = load_experiment(write_experiment(
        tmp_path, '[design]\nmethod = "lhs"\nn = 4\n[factors.mentoring_cost]\n'))
    assert exp.factors[0].bounds == (0.0, 30000.0)


@pytest.mark.parametrize("n", [1, 2, 5, 16, 37, 100])
def test_interleaved_order_is_a_spread_permutation(n: int) -> None:
    order = interleaved_order(n)
    assert sorted(order.tolist()) == list(range(n))
    if n >= 16:  # any prefix of a quarter of the points spans most of the range
        first = np.sort(order[: n // 4])
        assert first[0] < n / 8 and first[-1] > n * 5 / 8
        assert np.max(np.diff(first)) <= 2 * n / (n // 4) + 1


def test_plan_ids_order_and_common_seeds(tmp_path: Path) -> None:
    exp = load_experiment(write_experiment(tmp_path, GOOD))
    plan = build_plan(exp, sample_design(exp))
    assert list(plan["run_id"]) == list(range(32))
    assert (plan["run_id"] == plan["point_id"] * 2 + plan["replication"]).all()
    assert sorted(plan["order"]) == list(range(32))
    first_half = plan[plan["order"] < 16]
    assert (first_half["replication"] == 0).all()  # replication 0 of every point first
    seeds = replication_seeds(7, 2)
    assert (plan["seed"] == plan["replication"].map(dict(enumerate(seeds)))).all()


def test_independent_seeding_gives_every_run_its_own_seed(tmp_path: Path) -> None:
    exp = load_experiment(write_experiment(tmp_path, 'seeding = "independent"\n' + GOOD))
    plan = build_plan(exp, sample_design(exp))
    assert plan["seed"].nunique() == len(plan)
    again = build_plan(exp, sample_design(exp))
    assert plan["seed"].equals(again["seed"])


def test_shipped_smoke_sweep_is_valid() -> None:
    exp = load_experiment(ROOT / "experiments" / "smoke_sweep.toml")
    assert 30 <= exp.n_runs() <= 50
    assert exp.scenario.name == "demo"

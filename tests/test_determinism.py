"""Same seed ⇒ identical results; different seeds ⇒ different results.

All randomness goes through the model's own generator (DESIGN §9), so neither NumPy's
nor Python's global random state can change a seeded run.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from support import SMALL, make_model

from ecosim import EcosystemModel
from ecosim.experiments.runner import simulate
from ecosim.experiments.scenario import Scenario

STEPS = 12


def _frames(seed: int, **kw: object) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    m = make_model(seed=seed, **kw)
    m.run(STEPS)
    return m.outcomes_frame(), m.sector_frame(), m.accounting()


def test_same_seed_gives_identical_frames() -> None:
    """Two runs with the same seed and parameters give identical tables and accounts."""
    a_out, a_sec, a_acc = _frames(7)
    b_out, b_sec, b_acc = _frames(7)
    assert_frame_equal(a_out, b_out)
    assert_frame_equal(a_sec, b_sec)
    assert a_acc == b_acc
    assert len(a_out) == STEPS + 1


def test_global_random_state_does_not_matter() -> None:
    """Seeding or drawing from the global NumPy / Python generators changes nothing."""
    np.random.seed(1)
    random.seed(1)
    a_out, _, _ = _frames(11, platform_level=0.5)
    np.random.seed(999)
    random.seed(999)
    np.random.random(1000)
    random.random()
    b_out, _, _ = _frames(11, platform_level=0.5)
    assert_frame_equal(a_out, b_out)


def test_different_seeds_give_different_runs() -> None:
    """Different seeds give different trajectories (stochastic model)."""
    a_out, a_sec, _ = _frames(1)
    b_out, b_sec, _ = _frames(2)
    assert not a_out.equals(b_out)
    assert not a_sec.equals(b_sec)
    differing = [c for c in ("hires", "new_vacancies", "graduates", "employment_rate")
                 if not np.allclose(a_out[c].fillna(-1), b_out[c].fillna(-1))]
    assert len(differing) >= 2, differing


def test_seed_is_recorded_and_random_seed_is_reproducible() -> None:
    """Without a seed the model draws one and records it; rebuilding with it repeats the run."""
    m = EcosystemModel(**SMALL)
    assert isinstance(m.seed, int) and m.seed >= 0
    m.run(4)
    again = EcosystemModel(seed=m.seed, **SMALL)
    again.run(4)
    assert_frame_equal(m.outcomes_frame(), again.outcomes_frame())


def test_interleaved_models_do_not_share_random_state() -> None:
    """Stepping two models alternately gives the same results as running each alone."""
    alone = make_model(seed=5)
    alone.run(6)
    x, y = make_model(seed=5), make_model(seed=6)
    for _ in range(6):
        x.step()
        y.step()
    assert_frame_equal(alone.outcomes_frame(), x.outcomes_frame())


@pytest.mark.parametrize("seed", [0, 3])
def test_simulate_is_reproducible(seed: int) -> None:
    """The runner's simulate() gives identical outcomes and summaries for one seed."""
    sc = Scenario(name="t", params=dict(SMALL), steps=4, seed=seed)
    a, b = simulate(sc), simulate(sc)
    assert_frame_equal(a.outcomes, b.outcomes)
    assert a.summary["final_year"] == b.summary["final_year"]
    assert a.summary["seed"] == seed and a.summary["accounting"] == b.summary["accounting"]

"""The baseline has its own steady state (issue 11).

After the spin-up (``spinup_steps``, 80 unreported semesters of today's policy) no
headline outcome drifts: for each, the mean over reported steps 20–40 and the mean over
steps 40–60, each averaged over seeds, differ by less than the seed-to-seed standard
deviation of the 20–40 means (ddof = 1; an absolute floor of 1e-9 for outcomes that do
not vary at all). Research scale (the shipped baseline), 5 seeds, 60 steps.
"""

from __future__ import annotations

import numpy as np
import pytest

from ecosim import HEADLINE_OUTCOMES, EcosystemModel
from ecosim.experiments.scenario import load_scenario

pytestmark = pytest.mark.slow

SEEDS = (1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def windows() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per outcome: per-seed means over steps 20–40 and over steps 40–60."""
    sc = load_scenario("baseline")
    early, late = [], []
    for seed in SEEDS:
        m = EcosystemModel(seed=seed, **sc.model_kwargs())
        m.run(60)
        df = m.outcomes_frame().set_index("step")
        early.append(df.loc[20:40, list(HEADLINE_OUTCOMES)].mean())
        late.append(df.loc[40:60, list(HEADLINE_OUTCOMES)].mean())
    return {k: (np.array([e[k] for e in early]), np.array([x[k] for x in late]))
            for k in HEADLINE_OUTCOMES}


@pytest.mark.parametrize("outcome", HEADLINE_OUTCOMES)
def test_headline_outcome_is_stationary(windows, outcome: str) -> None:
    """Mean over steps 20–40 vs 40–60 differ by less than the seed-to-seed spread."""
    a, b = windows[outcome]
    spread = max(float(np.std(a, ddof=1)), 1e-9)
    drift = abs(float(a.mean() - b.mean()))
    assert drift < spread, (f"{outcome} drifts: {a.mean():.4g} (steps 20–40) vs "
                            f"{b.mean():.4g} (40–60); seed spread {spread:.3g}")


def test_a_demand_trend_breaks_the_steady_state() -> None:
    """The test above can fail: with the sectors' own demand growth switched on
    (growing_demand), the vacancy fill rate falls from one window to the next by more
    than the seed spread."""
    sc = load_scenario("growing_demand")
    early, late = [], []
    for seed in SEEDS[:3]:
        m = EcosystemModel(seed=seed, **sc.model_kwargs())
        m.run(60)
        df = m.outcomes_frame().set_index("step")["vacancy_fill_rate"]
        early.append(df.loc[20:40].mean())
        late.append(df.loc[40:60].mean())
    assert np.mean(early) - np.mean(late) > np.std(early, ddof=1)

"""Pattern-oriented validation: the baseline reproduces the stylized facts (DESIGN §8).

The shipped baseline scenario runs at full scale for 5 seeds; the mean of each headline
outcome over the final year must fall inside a band derived from
``shared/reference/facts.md`` (sources next to each band). Bands are wide on purpose:
they test the pattern, not a number the model was tuned to print.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecosim.experiments.runner import final_year_summary, simulate
from ecosim.experiments.scenario import load_scenario

SEEDS = (1, 2, 3, 4, 5)
SIZE_CLASSES = ("micro", "small", "medium", "large")

pytestmark = pytest.mark.slow


def _final_year(outcomes: pd.DataFrame) -> dict[str, float]:
    names = tuple(c for c in outcomes.columns if c != "step")
    return {k: (np.nan if v is None else v) for k, v in final_year_summary(outcomes, names).items()}


@pytest.fixture(scope="module")
def baseline() -> pd.DataFrame:
    """Final-year outcomes of the baseline scenario, one row per seed."""
    sc = load_scenario("baseline")
    return pd.DataFrame([_final_year(simulate(sc, seed=s).outcomes) for s in SEEDS])


# (outcome, low, high, source in facts.md)
BANDS = [
    ("placement_rate_higher_vocational", 0.90, 1.00,
     "higher vocational graduates > 90% employed six months after graduation (MOE 2019)"),
    ("in_field_rate", 0.60, 0.82, "in-field 75.98% (2014), 'over 70%' later (MOE)"),
    ("local_retention_rate", 0.60, 0.80, "nearly 70% work near their school (MOE 2019)"),
    ("participation_rate", 0.0, 0.50, "only a minority of enterprises train (BIBB, KfW)"),
    ("intern_retention_rate", 0.55, 0.85, "61% (2010) -> 77% (2019) kept by the host (Germany)"),
    ("vocational_share", 0.35, 0.55, "41% of upper-secondary / 47% of tertiary entrants (MOE)"),
]


@pytest.mark.parametrize(("outcome", "low", "high", "source"), BANDS, ids=[b[0] for b in BANDS])
def test_baseline_within_validation_band(baseline: pd.DataFrame, outcome: str, low: float,
                                         high: float, source: str) -> None:
    """Mean over seeds of the final-year outcome lies in its documented band."""
    values = baseline[outcome].to_numpy(dtype=float)
    mean = float(np.nanmean(values))
    assert low <= mean <= high, f"{outcome} = {mean:.3f} {np.round(values, 3)}; " \
                                f"band [{low}, {high}] from: {source}"


def test_baseline_participation_rises_steeply_with_size(baseline: pd.DataFrame) -> None:
    """Participation rises with firm size: ~17% of micro vs ~91% of 500+ firms (BIBB)."""
    p = {c: float(np.nanmean(baseline[f"participation_{c}"])) for c in SIZE_CLASSES}
    assert p["micro"] < p["small"] < p["medium"] < p["large"], p
    assert p["large"] > 3 * p["micro"], p


def test_subsidy_raises_partner_placements_with_counterfactual_deadweight(
        baseline: pd.DataFrame) -> None:
    """A subsidy raises participation and the placements at partner enterprises, and
    part of what it pays for would have happened anyway: the counterfactual deadweight
    (partner placements without the subsidy / with it, same seeds) lies in (0, 1).
    Returns are not asserted to diminish: without a budget cap they need not (review,
    issue 11); docs/validation.md reports the measured curve."""
    sc = load_scenario("baseline")
    p = {0.0: float(np.mean(baseline["participation_rate"]))}
    partner = {0.0: float(np.mean(baseline["partner_interns"]))}
    for subsidy in (5_000.0, 10_000.0):
        runs = [_final_year(simulate(sc.with_overrides({"internship_subsidy": subsidy}),
                                     seed=s).outcomes) for s in SEEDS]
        p[subsidy] = float(np.mean([r["participation_rate"] for r in runs]))
        partner[subsidy] = float(np.mean([r["partner_interns"] for r in runs]))
    assert p[0.0] < p[5_000.0] < p[10_000.0], p
    assert partner[0.0] < partner[5_000.0] < partner[10_000.0], partner
    deadweight = {s: partner[0.0] / partner[s] for s in (5_000.0, 10_000.0)}
    assert all(0 < d < 1 for d in deadweight.values()), deadweight
    assert deadweight[10_000.0] < deadweight[5_000.0], deadweight

"""Confidence-interval math against known cases (scipy's t interval, hand computation)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as st

from ecosim.experiments.stats import mean_ci, paired_difference_ci, replication_seeds, seed_to_int

VALUES = [0.61, 0.72, 0.65, 0.70, 0.68, 0.59, 0.74]


def test_mean_ci_matches_scipy_t_interval() -> None:
    x = np.array(VALUES)
    lo, hi = st.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=st.sem(x))
    ci = mean_ci(x)
    assert ci.n == 7
    assert ci.mean == pytest.approx(x.mean(), abs=1e-15)
    assert ci.low == pytest.approx(lo, rel=1e-12)
    assert ci.high == pytest.approx(hi, rel=1e-12)
    lo90, hi90 = st.t.interval(0.90, len(x) - 1, loc=x.mean(), scale=st.sem(x))
    assert mean_ci(x, 0.90).low == pytest.approx(lo90, rel=1e-12)
    assert mean_ci(x, 0.90).high == pytest.approx(hi90, rel=1e-12)


def test_mean_ci_hand_computed_case() -> None:
    # values 1..5: mean 3, sd sqrt(2.5); t(0.975, 4) = 2.7764451051977987
    ci = mean_ci([1, 2, 3, 4, 5])
    half = 2.7764451051977987 * math.sqrt(2.5) / math.sqrt(5)
    assert ci.mean == 3.0
    assert ci.sd == pytest.approx(math.sqrt(2.5))
    assert (ci.low, ci.high) == pytest.approx((3 - half, 3 + half), rel=1e-12)
    assert ci.half_width == pytest.approx(half)


def test_missing_values_are_dropped_and_counted() -> None:
    ci = mean_ci([1.0, float("nan"), 2.0, None, 3.0])
    assert ci.n == 3
    assert ci.mean == 2.0
    assert ci.low == pytest.approx(2.0 - st.t.ppf(0.975, 2) * 1.0 / math.sqrt(3))


def test_fewer_than_two_values_give_no_interval() -> None:
    one = mean_ci([0.4])
    assert one.mean == 0.4 and one.n == 1
    assert math.isnan(one.low) and math.isnan(one.high)
    none = mean_ci([])
    assert none.n == 0 and math.isnan(none.mean)


def test_paired_difference_uses_pairs_not_two_samples() -> None:
    control = np.array([10.0, 20.0, 30.0, 40.0])
    treatment = control + np.array([1.0, 1.2, 0.8, 1.0])  # big spread, steady effect
    d = paired_difference_ci(treatment, control)
    diffs = treatment - control
    lo, hi = st.t.interval(0.95, 3, loc=diffs.mean(), scale=st.sem(diffs))
    assert d.mean == pytest.approx(1.0)
    assert (d.low, d.high) == pytest.approx((lo, hi), rel=1e-12)
    assert d.excludes_zero()
    # The unpaired interval of the difference would include zero: pairing matters.
    a, b = mean_ci(treatment), mean_ci(control)
    assert a.low < b.high
    with pytest.raises(ValueError):
        paired_difference_ci([1, 2], [1, 2, 3])


def test_replication_seeds_come_from_seedsequence_spawn() -> None:
    seeds = replication_seeds(42, 5)
    expected = [seed_to_int(s) for s in np.random.SeedSequence(42).spawn(5)]
    assert seeds == expected
    assert len(set(seeds)) == 5  # distinct replications, never identical seeds
    assert all(0 <= s < 2**63 for s in seeds)
    assert replication_seeds(42, 3) == seeds[:3]  # a prefix does not depend on R
    assert replication_seeds(43, 3) != seeds[:3]

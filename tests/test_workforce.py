"""The workforce (process 10): invariants, known answers and directions over seeds.

Invariants hold every step; directions are means over the same seeds in both arms at
MEDIUM scale (the full-scale figures are in docs/results/workforce_patterns).
"""

from __future__ import annotations

import numpy as np
import pytest
from support import MEDIUM, SMALL, make_model, mean_outcome

from ecosim.simulation.processes import workforce
from ecosim.simulation.processes.partnerships import kept_intern_months
from ecosim.simulation.workers import GONE, UNEMPLOYED

SEEDS = range(5)


def test_headcounts_match_records_and_layoffs_respect_the_target() -> None:
    m = make_model(seed=3, scale=SMALL, demand_growth=-0.1)
    for _ in range(12):
        m.step()
        w, f = m.workers, m.firms
        emp = w.employer[w.employer >= 0]
        assert np.array_equal(np.bincount(emp, minlength=f.n), f.headcount)
        target = f.positions * m.industry.demand_index[f.sector]
        assert (f.headcount <= np.floor(target * (1 + m.p.layoff_slack)) + 1).all()
        assert (f.vacancies >= 0).all()
        # Records of those who left are dropped once they exceed 15% of all records.
        assert np.count_nonzero(w.employer == GONE) <= 0.15 * len(w) + 1
        assert set(np.unique(w.employer[w.employer < 0]).tolist()) <= {UNEMPLOYED, GONE}


def test_every_hire_of_the_step_is_a_worker_hired_this_step() -> None:
    """Graduates hired join the workforce; experienced hires and moves reset tenure."""
    m = make_model(seed=2, scale=SMALL)
    for _ in range(6):
        m.step()
        win = m.ledger.workforce_window[-1]
        new = np.count_nonzero((m.workers.hired_step == m.steps) & (m.workers.employer >= 0))
        assert new == win["graduate_hires"] + win["experienced_hires"] + win["job_to_job"]
        assert win["graduate_hires"] == m.ledger.flows.hires - win["experienced_hires"] \
            - win["job_to_job"]


def test_wage_offer_known_answers() -> None:
    m = make_model(seed=1, scale=SMALL)
    p, f = m.p, m.firms
    firm = np.array([0, 0, 0])
    fit = np.array([p.reference_fit, p.reference_fit, p.reference_fit + 0.2])
    trainer = np.array([-1, 5 if f.n > 5 else 1, 0])
    w = workforce.wage_offer(m, firm, fit, trainer)
    base = m.industry.wage[f.sector[0]] * f.pay[0]
    assert w[0] == pytest.approx(base)
    assert w[1] == pytest.approx(base * (1 + p.trained_wage_premium))
    assert w[2] == pytest.approx(base * (1 + p.wage_fit_slope * 0.2)
                                 * (1 + p.trained_wage_premium) * (1 - p.wage_compression))


def test_kept_intern_value_falls_with_observed_retention() -> None:
    m = make_model(seed=1, scale=SMALL)
    m.firms.own_stay[:] = 1.0
    full = kept_intern_months(m).copy()
    H = m.p.retention_horizon
    assert full[0] == pytest.approx(m.p.recruitment_cost_months
                                    + m.p.wage_compression * 6 * H)
    m.firms.own_stay[:] = 0.5
    assert (kept_intern_months(m) < full).all()


def test_payback_owed_is_prorated_and_zero_without_the_lever() -> None:
    m = make_model(seed=1, scale=SMALL)
    w = m.workers
    idx = np.arange(3)
    w.trainer[idx] = w.employer[idx]
    w.hired_step[idx] = m.steps
    assert (workforce.payback_owed(m, idx) == 0).all()
    m2 = make_model(seed=1, scale=SMALL, service_period=2.0)
    w2 = m2.workers
    w2.trainer[idx] = w2.employer[idx]
    w2.hired_step[idx] = m2.steps - np.array([0, 2, 4])
    owed = workforce.payback_owed(m2, idx)
    cost = workforce.training_cost(m2, w2.employer[idx])
    assert owed == pytest.approx(cost * np.array([1.0, 0.5, 0.0]))


def test_trained_workers_earn_a_premium_and_poaching_happens() -> None:
    m = make_model(seed=4, scale=MEDIUM)
    m.run(8)
    df = m.outcomes_frame().iloc[1:]
    assert (df.trained_wage_premium > 0).all()
    assert (df.poaching_share_of_hires > 0).all()
    assert (df.unemployment_rate > 0).all() and (df.vacancy_rate >= 0).all()


def test_training_and_poaching_enterprises_coexist() -> None:
    """Ballot & Taymaz 2000: both kinds of firm at baseline, in every seed."""
    train, seeds_t = mean_outcome(SEEDS, 8, "training_firm_share")
    poach, seeds_p = mean_outcome(SEEDS, 8, "poaching_only_firm_share")
    assert min(seeds_t) > 0 and min(seeds_p) > 0, (seeds_t, seeds_p)


def test_lower_mobility_costs_mean_more_poaching_and_less_retention() -> None:
    lo, lo_s = mean_outcome(SEEDS, 10, "own_trained_stay", mobility_cost=0.0)
    hi, hi_s = mean_outcome(SEEDS, 10, "own_trained_stay", mobility_cost=0.4)
    assert lo < hi, (lo_s, hi_s)
    lo, lo_s = mean_outcome(SEEDS, 10, "poaching_share_of_hires", mobility_cost=0.0)
    hi, hi_s = mean_outcome(SEEDS, 10, "poaching_share_of_hires", mobility_cost=0.4)
    assert lo > hi, (lo_s, hi_s)


def test_lower_mobility_costs_lower_participation() -> None:
    """More poaching ⇒ a kept intern is worth less ⇒ fewer enterprises cooperate."""
    lo, lo_s = mean_outcome(SEEDS, 16, "participation_rate", last=8, mobility_cost=0.0)
    hi, hi_s = mean_outcome(SEEDS, 16, "participation_rate", last=8, mobility_cost=0.5)
    assert lo < hi, (lo_s, hi_s)


def test_a_payback_clause_keeps_trained_workers() -> None:
    lo, lo_s = mean_outcome(SEEDS, 10, "own_trained_stay")
    hi, hi_s = mean_outcome(SEEDS, 10, "own_trained_stay", service_period=4.0)
    assert hi > lo, (lo_s, hi_s)


def test_more_demand_means_less_unemployment_and_more_vacancies() -> None:
    """Moving along the Beveridge curve."""
    u_lo, u_lo_s = mean_outcome(SEEDS, 8, "unemployment_rate", labour_demand_ratio=0.85)
    u_hi, u_hi_s = mean_outcome(SEEDS, 8, "unemployment_rate", labour_demand_ratio=1.1)
    v_lo, v_lo_s = mean_outcome(SEEDS, 8, "vacancy_rate", labour_demand_ratio=0.85)
    v_hi, v_hi_s = mean_outcome(SEEDS, 8, "vacancy_rate", labour_demand_ratio=1.1)
    assert u_hi < u_lo, (u_lo_s, u_hi_s)
    assert v_hi > v_lo, (v_lo_s, v_hi_s)


@pytest.mark.parametrize("demand", [None, 1.05])
def test_the_platform_shifts_the_beveridge_curve_inward(demand: float | None) -> None:
    """At the default demand (both vacancies and unemployment) and in a tighter market,
    the platform lowers unemployment + vacancy rate: better matching. This needs the
    rounds of offers of both markets (``sampling.offer_rounds``): with one round the
    platform's extra applications crowded workers onto the best-paying firms."""
    kw = {} if demand is None else dict(labour_demand_ratio=demand)
    u0, s0 = mean_outcome(SEEDS, 8, "unemployment_rate", **kw)
    v0, t0 = mean_outcome(SEEDS, 8, "vacancy_rate", **kw)
    u1, s1 = mean_outcome(SEEDS, 8, "unemployment_rate", platform_level=1.0,
                          government_budget=40.0, **kw)
    v1, t1 = mean_outcome(SEEDS, 8, "vacancy_rate", platform_level=1.0,
                          government_budget=40.0, **kw)
    assert u1 + v1 < u0 + v0, (s0, t0, s1, t1)

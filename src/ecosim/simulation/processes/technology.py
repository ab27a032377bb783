"""Process 1 — technology and demand: frontiers move, enterprises open vacancies.

Seed mechanism: AI, big data and cloud computing move industries' skill requirements
(paper §3); a scheduled shock models a sudden wave. Graduates' frontier skill is
measured against the moving frontier, so it goes stale. Each enterprise opens entry
vacancies in proportion to its size and its sector's demand (ODD §7.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "move_technology_and_demand", "yearly_hiring_need"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("labour_demand_ratio", 1.05, 0.7, 1.5, "vacancies/graduate",
             "new entry vacancies per expected labour-market graduate a year",
             "assumption: mild excess demand, the 'talent shortage' of seed paper §1"),
    Constant("expected_labour_market_share", 0.65, 0.4, 0.9, "share of a cohort",
             "expected share of a cohort that reaches the labour market; sizes each "
             "enterprise's yearly hiring need (which then grows with demand), not the supply",
             "0.93 completion × ~0.7 not studying on (facts.md orders of magnitude)"),
    Constant("vacancy_persistence", 0.3, 0.0, 0.9, "share",
             "share of unfilled vacancies still open next semester", "assumption"),
)


def yearly_hiring_need(model: Simulation, size: np.ndarray) -> np.ndarray:
    """Entry-level hiring need per year of each enterprise, proportional to its size.

    Set so that the region offers ``labour_demand_ratio`` vacancies per expected
    labour-market graduate.
    """
    p = model.p
    expected_grads = p.cohort_size * p.expected_labour_market_share
    w = size.astype(float)
    return p.labour_demand_ratio * expected_grads * w / max(w.sum(), 1.0)


def move_technology_and_demand(model: Simulation) -> None:
    """Move each sector's frontier (and any shock), grow demand, open vacancies."""
    p, ind, f, flows = model.p, model.industry, model.firms, model.ledger.flows
    d = p.tech_change_rate * ind.tech
    if p.tech_shock_step > 0 and model.time == p.tech_shock_step:
        d = d + p.tech_shock_size
    ind.frontier_step = d
    ind.frontier += d
    comp = model.pop.competency
    comp[:, 0] = np.maximum(comp[:, 0] - d[model.pop.programme], 0.0)
    growth = p.sector_growth_scale * ind.growth + p.demand_growth
    ind.demand_index *= np.sqrt(np.maximum(1 + growth, 0.0))
    expected = f.yearly_need / 2.0 * ind.demand_index[f.sector]
    kept = model.rng.binomial(f.vacancies, p.vacancy_persistence)
    new = model.rng.poisson(expected)
    f.vacancies = kept + new
    flows.new_vacancies = int(new.sum())
    flows.sector_vacancies = np.bincount(
        f.sector, weights=f.vacancies, minlength=model.K).astype(float)
    flows.sector_new_vacancies = np.bincount(
        f.sector, weights=new, minlength=model.K).astype(float)

"""Process 1 — technology and demand: frontiers move, labour demand grows.

Seed mechanism: AI, big data and cloud computing move industries' skill requirements
(paper §3); a scheduled shock models a sudden wave. Graduates' frontier skill is
measured against the moving frontier, so it goes stale. Each sector's labour demand
grows with its own and the region's trend; the positions it sizes are filled and
vacated in :mod:`.workforce` (ODD §7.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "move_technology_and_demand", "yearly_hiring_need"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("labour_demand_ratio", 1.02, 0.7, 1.5, "vacancies/graduate",
             "vacancies opened a year by workers leaving the region's labour market for "
             "good, per expected labour-market graduate (sizes enterprises' positions)",
             "calibrated by hand with the workforce (issue 12, 0.3.1): placement ≈ 0.965 "
             "(MOE 2014-2022, data/calibration_targets.toml)"),
    Constant("expected_labour_market_share", 0.65, 0.4, 0.9, "share of a cohort",
             "expected share of a cohort that reaches the labour market; sizes each "
             "enterprise's yearly hiring need (which then grows with demand), not the supply",
             "0.93 completion × ~0.7 not studying on (facts.md orders of magnitude)"),
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
    """Move each sector's frontier (and any shock) and its labour demand (the
    vacancies it opens are the workforce process's, :mod:`.workforce`)."""
    p, ind = model.p, model.industry
    d = p.tech_change_rate * ind.tech
    if p.tech_shock_step > 0 and model.time == p.tech_shock_step:
        d = d + p.tech_shock_size
    ind.frontier_step = d
    ind.frontier += d
    comp = model.pop.competency
    comp[:, 0] = np.maximum(comp[:, 0] - d[model.pop.programme], 0.0)
    if model.time <= 0:
        # No demand trend in the spin-up: it settles the region at its starting demand;
        # a trend is the scenario's future (otherwise 40 years of a 20%-a-year trend
        # would start the reported years at 1,500 times the demand).
        return
    growth = p.sector_growth_scale * ind.growth + p.demand_growth
    ind.demand_index *= np.sqrt(np.maximum(1 + growth, 0.0))

"""Process 12 — learning by enterprises: realised benefits update expectations; peers
spread awareness.

Seed mechanism: enterprises' "cognition and investment" in cooperation (paper §2)
change with what cooperation actually returned; awareness spreads through peers of the
same sector (and evolutionary-game findings that payoffs decide sustainability,
facts.md). The firm economics used here are those of :mod:`.partnerships` (ODD §7.12).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from .partnerships import SEMESTER_MONTHS

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "enterprises_learn", "realized_benefit"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("reference_fit", 0.6, 0.3, 0.9, "skill fit",
             "intern skill fit at which output equals intern_productivity × wage",
             "assumption"),
    Constant("peer_rate", 0.15, 0.0, 0.5, "share/semester",
             "awareness gained from satisfied peers of the same sector", "assumption"),
    Constant("sat_scale", 8_000.0, 2_000.0, 20_000.0, "yuan/intern",
             "net benefit per intern at which satisfaction saturates (tanh scale)",
             "assumption"),
)


def realized_benefit(model: Simulation) -> tuple[np.ndarray, np.ndarray]:
    """This step's realised net benefit of cooperation per enterprise (yuan), and the
    training investment of certified enterprises (the next tax-credit base)."""
    p, f, t, ind = model.p, model.firms, model.partnerships, model.industry
    k = f.sector
    wage_sem = ind.wage[k] * SEMESTER_MONTHS
    n_i = f.interns.astype(float)
    mean_fit = np.where(n_i > 0, f.fit_sum / np.maximum(n_i, 1), 0.0)
    pay = p.intern_pay_share * wage_sem
    certified = f.certified
    n_part = t.per_firm()
    shared = f.shared
    # IP exposure grows with the depth of the partnership that hosts each intern;
    # platform interns count as depth 1.
    exposure_by_depth = model.depth.exposure
    via_partners = t.per_firm(t.interns.astype(float))
    exposure = (t.per_firm(t.interns * exposure_by_depth[t.depth])
                + (n_i - via_partners) * exposure_by_depth[1])
    ip_loss = p.ip_risk_cost * f.ip_sensitivity * (1 - p.ip_protection) * exposure
    investment = n_i * (pay + p.mentoring_cost) + shared * p.share_opportunity_cost
    ration = model.government.ration
    realized = (n_i * (p.intern_productivity * wage_sem * mean_fit / p.reference_fit - pay
                       - p.mentoring_cost
                       + model.p.internship_subsidy * ration)
                + f.hired_interns * p.recruitment_cost_months * ind.wage[k]
                + shared * (p.resource_sharing_incentive * ration
                            - p.share_opportunity_cost)
                + p.tax_credit_rate * investment * certified
                - p.coordination_cost * n_part - ip_loss)
    return realized, investment * certified


def enterprises_learn(model: Simulation) -> None:
    """Experience and partnership satisfaction follow realised benefits; awareness grows
    with own experience and satisfied peers."""
    f, t = model.firms, model.partnerships
    realized, certified_investment = realized_benefit(model)
    model.ledger.tax_base = float(certified_investment.sum())
    active = t.per_firm() > 0
    per_intern = realized / np.maximum(f.interns.astype(float), 1.0)
    f.experience = np.where(active, np.where(
        f.has_experience, 0.5 * f.experience + 0.5 * per_intern, per_intern),
        f.experience)
    f.has_experience |= active
    signal = np.tanh(per_intern / model.p.sat_scale)
    _update_satisfaction(model, signal)
    # Awareness: own experience and peers of the same sector.
    k = f.sector
    part = active.astype(float)
    good = np.bincount(k, weights=part * np.maximum(signal, 0), minlength=model.K)
    n_k = np.maximum(np.bincount(k, minlength=model.K), 1)
    spill = good / n_k
    aw = f.awareness
    aw += model.p.peer_rate * spill[k] * (1 - aw)
    aw += np.where(active, 0.05 * signal, 0.0)
    f.awareness = np.clip(aw, 0, 1)
    f.hired_interns[:] = 0


def _update_satisfaction(model: Simulation, signal: np.ndarray) -> None:
    """Both sides' satisfaction with each partnership follows this step's experience."""
    t, ga = model.partnerships, model.p.goal_alignment
    rows = t.active_rows
    if not rows.size:
        return
    firm = t.firm[rows]
    t.sat_firm[rows] = 0.6 * t.sat_firm[rows] + 0.4 * signal[firm]
    school_signal = (np.tanh(t.interns[rows] / 2.0) * (0.5 + ga)
                     - 0.4 * (1 - ga)
                     + 0.2 * (t.shared_step[rows] > 0))
    t.sat_school[rows] = 0.6 * t.sat_school[rows] + 0.4 * np.clip(school_signal, -1, 1)

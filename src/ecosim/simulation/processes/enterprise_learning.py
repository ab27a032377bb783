"""Process 13 — learning by enterprises: realised benefits update expectations; peers
spread awareness.

Seed mechanism: enterprises' "cognition and investment" in cooperation (paper §2)
change with what cooperation actually returned; awareness spreads through peers of the
same sector (and evolutionary-game findings that payoffs decide sustainability,
facts.md). The firm economics used here are those of :mod:`.partnerships` (ODD §7.13).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from .partnerships import SEMESTER_MONTHS, net_benefit_per_intern, partnership_fixed_cost

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "enterprises_learn", "realized_benefit"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("peer_rate", 0.15, 0.0, 0.5, "share/year",
             "awareness gained from satisfied peers of the same sector", "assumption"),
    Constant("sat_scale", 8_000.0, 2_000.0, 20_000.0, "yuan/intern",
             "net benefit per intern at which satisfaction saturates (tanh scale)",
             "assumption"),
    # Without news from cooperation an enterprise's awareness drifts back toward the
    # recognition it started with, so awareness has an equilibrium instead of only
    # ratcheting up (issue 11).
    Constant("awareness_decay", 0.1, 0.0, 0.5, "share/year",
             "share of the distance to its baseline awareness an enterprise loses a year",
             "assumption: campaigns' effect fades within a few years"),
)


def realized_benefit(model: Simulation) -> tuple[np.ndarray, np.ndarray]:
    """This placement round's realised net benefit of hosting per enterprise (yuan) and
    the training investment of certified enterprises (the next tax-credit base).

    The same function as the expected benefit (:func:`.partnerships.net_benefit_per_intern`)
    with what happened: its interns' mean skill fit, the former interns it hired, the
    depths of the partnerships that hosted them (placements found through the platform or
    by students themselves count as depth 1), a year's coordination of its partnerships
    and the net cost of what it shared.
    """
    p, f, t, ind = model.p, model.firms, model.partnerships, model.industry
    n_i = f.interns.astype(float)
    hosts = n_i > 0
    per = np.maximum(n_i, 1.0)
    mean_fit = np.where(hosts, f.fit_sum / per, f.expected_fit)
    exposure_by_depth = model.depth.exposure
    via_partners = t.per_firm(t.interns.astype(float))
    exposure = (t.per_firm(t.interns * exposure_by_depth[t.depth])
                + (n_i - via_partners) * exposure_by_depth[1])
    fixed = partnership_fixed_cost(model, f.shared, t.per_firm().astype(float))
    per_intern = net_benefit_per_intern(
        model, fit=mean_fit, hires_per_intern=f.hired_interns / per,
        exposure=np.where(hosts, exposure / per, exposure_by_depth[1]),
        fixed_per_intern=fixed / per, subsidised=via_partners / per)
    realized = np.where(hosts, per_intern * n_i, -fixed)
    pay = p.intern_pay_share * ind.wage[f.sector] * SEMESTER_MONTHS
    # The tax credit offsets interns' pay and mentoring; shared resources are refunded by
    # the sharing incentive instead, so the same yuan is not subsidised twice.
    investment = n_i * (pay + p.mentoring_cost)
    return realized, investment * f.certified


def enterprises_learn(model: Simulation) -> None:
    """After a placement round: experience, expected fit and partnership satisfaction
    follow realised benefits; awareness grows with own experience and satisfied peers
    and decays toward its baseline. Nothing is learnt in other steps."""
    f, t, p = model.firms, model.partnerships, model.p
    if not model.ledger.placement_round:
        model.ledger.tax_base = 0.0
        return
    f.round_interns = f.interns.copy()
    realized, certified_investment = realized_benefit(model)
    model.ledger.tax_base = float(certified_investment.sum())
    active = t.per_firm() > 0
    hosts = f.interns > 0
    per_intern = realized / np.maximum(f.interns.astype(float), 1.0)
    f.experience = np.where(active, np.where(
        f.has_experience, 0.5 * f.experience + 0.5 * per_intern, per_intern),
        f.experience)
    f.has_experience |= active
    mean_fit = f.fit_sum / np.maximum(f.interns, 1)
    f.expected_fit = np.where(hosts, 0.5 * f.expected_fit + 0.5 * mean_fit, f.expected_fit)
    signal = np.tanh(per_intern / p.sat_scale)
    _update_satisfaction(model, signal)
    model.ledger.economics = _economics(model, per_intern, active & hosts)
    # Awareness: own experience and peers of the same sector; decay to the baseline.
    k = f.sector
    part = active.astype(float)
    good = np.bincount(k, weights=part * np.maximum(signal, 0), minlength=model.K)
    n_k = np.maximum(np.bincount(k, minlength=model.K), 1)
    spill = good / n_k
    aw = f.awareness
    aw += p.peer_rate * spill[k] * (1 - aw)
    aw += np.where(active, 0.05 * signal, 0.0)
    aw -= p.awareness_decay * (aw - f.baseline_awareness)
    f.awareness = np.clip(aw, 0, 1)
    f.hired_interns[:] = 0


def _economics(model: Simulation, per_intern: np.ndarray, coop_hosts: np.ndarray
               ) -> dict[str, float]:
    """Cooperating hosts' realised benefit per intern (median, share ≥ 0) and their
    interns' productive output as a share of gross cost (BIBB's measure)."""
    if not coop_hosts.any():
        return dict.fromkeys(("realised_benefit_per_intern", "break_even_share",
                              "productive_work_share"), np.nan)
    p, f, t = model.p, model.firms, model.partnerships
    wage = model.industry.wage[f.sector][coop_hosts]
    n_i = f.interns[coop_hosts].astype(float)
    fit = f.fit_sum[coop_hosts] / n_i
    output = n_i * p.intern_productivity * wage * SEMESTER_MONTHS * fit / p.reference_fit
    gross = (n_i * (p.intern_pay_share * wage * SEMESTER_MONTHS + p.mentoring_cost)
             + 2.0 * p.coordination_cost * t.per_firm()[coop_hosts])
    v = per_intern[coop_hosts]
    return {"realised_benefit_per_intern": float(np.median(v)),
            "break_even_share": float(np.mean(v >= 0)),
            "productive_work_share": float(output.sum() / gross.sum())}


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

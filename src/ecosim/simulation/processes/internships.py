"""Process 7 — internships: final-year students go to partner enterprises (and via the
platform).

Seed mechanism: internship bases and "extending students' learning and practical
environments into the corporate setting" (paper §4.1–4.2); the platform shares
"internship positions" (§4.3). A partnership offers slots that grow with the firm's
mentors, the partnership's depth (:func:`.partnerships.depth_table`) and the subsidy in
force; whether a firm partners at all is decided in :mod:`.partnerships` (ODD §7.7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from ..population import Status
from ..sampling import draw_firms, group_rank

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "place_interns"]

# Internship rules use the per-depth slots of .partnerships and inline coefficients
# (subsidy boost, platform reach), listed in ODD §7.7.
CONSTANTS: tuple[Constant, ...] = ()


def place_interns(model: Simulation) -> None:
    """Fill partnership slots with final-year students, then platform places."""
    pop, t, f = model.pop, model.partnerships, model.firms
    enrolled = pop.status == Status.ENROLLED
    _drop_lost_internships(model, enrolled)
    final_year = enrolled & (pop.school_type < 2) & (pop.semester >= pop.length - 2)
    eligible = np.flatnonzero(final_year & (pop.intern_host < 0))
    t.interns[:] = 0
    if t.active_rows.size:
        eligible = _fill_partnership_slots(model, enrolled, eligible)
    # The cooperation platform finds places with non-partner enterprises.
    if model.p.platform_level > 0 and eligible.size:
        _place_through_platform(model, enrolled, eligible)
    interning = enrolled & (pop.intern_host >= 0)
    p_rows = pop.intern_partnership[interning]
    t.interns[:] = np.bincount(p_rows[p_rows >= 0], minlength=t.n)
    f.interns = np.bincount(pop.intern_host[interning], minlength=f.n)
    model.ledger.interns = int(interning.sum())
    model.ledger.intern_claims = model.p.internship_subsidy * model.ledger.interns


def _drop_lost_internships(model: Simulation, enrolled: np.ndarray) -> None:
    """Internships whose partnership ended are lost."""
    pop, t = model.pop, model.partnerships
    lost = enrolled & (pop.intern_partnership >= 0)
    if lost.any():
        rows = pop.intern_partnership[lost]
        gone = ~t.active[rows]
        li = np.flatnonzero(lost)[gone]
        pop.intern_host[li] = -1
        pop.intern_partnership[li] = -1


def _fill_partnership_slots(model: Simulation, enrolled: np.ndarray,
                            eligible: np.ndarray) -> np.ndarray:
    """Give eligible students free slots of their school's partnerships in their
    programme's sector, in random order; return those still without a place."""
    pop, t, f, rng = model.pop, model.partnerships, model.firms, model.rng
    rows = t.active_rows
    interning = enrolled & (pop.intern_host >= 0)
    cur = np.bincount(pop.intern_partnership[interning & (pop.intern_partnership >= 0)],
                      minlength=t.n)
    n_part = t.per_firm()
    firm = t.firm[rows]
    subsidy_boost = 1 + 0.5 * model.p.internship_subsidy * model.government.ration / 10_000
    slots = np.floor(f.mentors[firm] * model.depth.slots[t.depth[rows]] * subsidy_boost
                     / np.maximum(n_part[firm], 1))
    free = np.maximum(np.maximum(slots, 1) - cur[rows], 0).astype(np.int64)
    if not (eligible.size and free.sum()):
        return eligible
    K = model.K
    slot_rows = np.repeat(rows, free)
    skey = t.school[slot_rows].astype(np.int64) * K + t.sector[slot_rows]
    s_order, s_rank = group_rank(skey, rng.random(slot_rows.size))
    skey_sorted = skey[s_order]
    ekey = pop.school[eligible].astype(np.int64) * K + pop.programme[eligible]
    e_order, e_rank = group_rank(ekey, rng.random(eligible.size))
    ekey_sorted = ekey[e_order]
    # position of each student's slot: first slot of its group + its rank
    g_first = np.searchsorted(skey_sorted, ekey_sorted, side="left")
    g_last = np.searchsorted(skey_sorted, ekey_sorted, side="right")
    pos = g_first + e_rank
    got = pos < g_last
    students = eligible[e_order[got]]
    prow = slot_rows[s_order[pos[got]]]
    pop.intern_partnership[students] = prow
    pop.intern_host[students] = t.firm[prow]
    return np.setdiff1d(eligible, students, assume_unique=True)


def _place_through_platform(model: Simulation, enrolled: np.ndarray,
                            eligible: np.ndarray) -> None:
    """Half of the remaining students at a full platform find a non-partner host, up to
    the host's free mentor capacity."""
    pop, f, rng = model.pop, model.firms, model.rng
    lucky = eligible[rng.random(eligible.size) < 0.5 * model.p.platform_level]
    host = draw_firms(model, pop.programme[lucky], np.full(lucky.size, -1),
                      weights=f.mentors * f.willingness)
    ok = host >= 0
    lucky, host = lucky[ok], host[ok]
    busy = np.bincount(pop.intern_host[enrolled & (pop.intern_host >= 0)], minlength=f.n)
    free = np.maximum(f.mentors - busy, 0)
    order, rank = group_rank(host, rng.random(host.size))
    take = order[rank < free[host[order]]]
    pop.intern_host[lucky[take]] = host[take]
    pop.intern_partnership[lucky[take]] = -1

"""Process 7 — internships: every final-semester vocational student does a compulsory
placement — at a partner enterprise, through the platform, or at a host found alone.

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
from ..state import PLACEMENT_KINDS

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "place_interns"]

CONSTANTS: tuple[Constant, ...] = (
    # 岗位实习: a workplace placement, usually six months in the final year, is
    # compulsory for vocational students (MOE et al. 2021, 职业学校学生实习管理规定).
    # Hosts take groups of placement students on their lines, so a mentor looks after
    # more of them than of a partnership's interns (assumption).
    Constant("placement_slots_per_mentor", 3.0, 0.5, 6.0, "students/mentor",
             "placement students an enterprise can take per mentor (all placements)",
             "assumption: group placements (岗位实习) on production lines"),
    # Mentoring quality of a placement: partnerships' (by depth and the school's
    # management), minus these for placements without a partnership.
    Constant("platform_quality_penalty", 0.1, 0.0, 0.3, "quality",
             "lower mentoring quality of a placement found through the platform",
             "assumption"),
    Constant("self_found_quality_penalty", 0.2, 0.0, 0.4, "quality",
             "lower mentoring quality of a placement students find themselves at a "
             "non-partner enterprise", "assumption"),
)


def place_interns(model: Simulation) -> None:
    """Compulsory placements of final-semester vocational students: partnership slots
    first, then the platform, then hosts students find themselves, within each host's
    capacity; those left are recorded unplaced (no capacity)."""
    pop, t, f = model.pop, model.partnerships, model.firms
    enrolled = pop.status == Status.ENROLLED
    final = enrolled & (pop.school_type < 2) & (pop.semester == pop.length - 1)
    pop.intern_host[enrolled] = -1
    pop.intern_partnership[enrolled] = -1
    eligible = np.flatnonzero(final)
    led = model.ledger
    led.placement_round = bool(eligible.size)
    t.interns[:] = 0
    cap = np.floor(f.mentors * model.p.placement_slots_per_mentor).astype(np.int64)
    if t.active_rows.size and eligible.size:
        eligible = _fill_partnership_slots(model, eligible, cap)
    if model.p.platform_level > 0 and eligible.size:
        eligible = _place_without_partner(model, eligible, cap, 2, platform=True)
    if eligible.size:
        eligible = _place_without_partner(model, eligible, cap, 3, platform=False)
    pop.placement_kind[eligible] = 4
    placed = final & (pop.intern_host >= 0)
    _set_quality(model, np.flatnonzero(placed))
    kind = pop.placement_kind[final]
    led.placements = {name: float(np.count_nonzero(kind == code))
                      for code, name in PLACEMENT_KINDS.items()}
    led.placements["eligible"] = float(eligible.size + placed.sum())
    led.placements["quality_sum"] = float(pop.placement_quality[placed].sum())
    p_rows = pop.intern_partnership[placed]
    t.interns[:] = np.bincount(p_rows[p_rows >= 0], minlength=t.n)
    f.interns = np.bincount(pop.intern_host[placed], minlength=f.n)
    led.interns = int(placed.sum())
    # The subsidy goes to cooperating enterprises: paid for placements at partners only.
    led.intern_claims = model.p.internship_subsidy * led.placements["partner"]


def _set_quality(model: Simulation, it: np.ndarray) -> None:
    """Mentoring quality of each placement: deeper partnerships and better-managed
    schools mentor better; placements without a partner less well (ODD §7.7)."""
    pop, t, p = model.pop, model.partnerships, model.p
    prow = pop.intern_partnership[it]
    depth = np.ones(it.size)
    via = prow >= 0
    depth[via] = t.depth[prow[via]]
    penalty = np.select([pop.placement_kind[it] == 2, pop.placement_kind[it] == 3],
                        [p.platform_quality_penalty, p.self_found_quality_penalty], 0.0)
    mgmt = model.schools.management[pop.school[it]]
    pop.placement_quality[it] = np.clip(0.3 + 0.2 * (depth - 1) + 0.4 * mgmt - penalty,
                                        0.0, 1.0)


def _fill_partnership_slots(model: Simulation, eligible: np.ndarray,
                            cap: np.ndarray) -> np.ndarray:
    """Give eligible students free slots of their school's partnerships in their
    programme's sector, in random order; return those still without a place."""
    pop, t, f, rng = model.pop, model.partnerships, model.firms, model.rng
    rows = t.active_rows
    n_part = t.per_firm()
    firm = t.firm[rows]
    subsidy_boost = (1 + 0.5 * model.p.internship_subsidy * model.government.year_ration
                     / 10_000)
    slots = np.floor(f.mentors[firm] * model.depth.slots[t.depth[rows]] * subsidy_boost
                     / np.maximum(n_part[firm], 1))
    # A partnership offers at least one slot, and never more than its share of the
    # firm's placement capacity.
    share_cap = np.floor(cap[firm] / np.maximum(n_part[firm], 1))
    free = np.minimum(np.maximum(slots, 1), np.maximum(share_cap, 1)).astype(np.int64)
    if not free.sum():
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
    pop.placement_kind[students] = 1
    return np.setdiff1d(eligible, students, assume_unique=True)


def _place_without_partner(model: Simulation, eligible: np.ndarray, cap: np.ndarray,
                           kind: int, platform: bool) -> np.ndarray:
    """Place students at non-partner hosts of their programme's sector with room left.

    Through the platform (``platform``): a share 0.5 × ``platform_level`` of the
    students, region-wide, hosts weighted by mentors × willingness. Self-found: every
    remaining student, at a host of the programme's sector in the school's district
    first (hosts weighted by mentors), then region-wide, then at any host with room in
    the school's district, then anywhere. Returns the students still without a place:
    then no host has room.
    """
    pop, f, rng = model.pop, model.firms, model.rng
    left = eligible
    rest = eligible[:0]
    if platform:
        take = rng.random(left.size) < 0.5 * model.p.platform_level
        rest, left = left[~take], left[take]
    # (district: own or any, host weights) for hosts of the programme's sector
    tries = ([(False, f.mentors * f.willingness)] if platform else
             [(True, f.mentors.astype(float)), (False, f.mentors.astype(float))])
    for local, weights in tries:
        if not left.size:
            break
        free = _free_capacity(model, cap)
        district = pop.district[left] if local else np.full(left.size, -1)
        host = draw_firms(model, pop.programme[left], district, weights=weights * (free > 0))
        ok = host >= 0
        cand, host = left[ok], host[ok]
        order, rank = group_rank(host, rng.random(host.size))
        got = order[rank < free[host[order]]]
        _assign(model, cand[got], host[got], kind)
        left = np.setdiff1d(left, cand[got], assume_unique=True)
    if not platform:
        left = _place_anywhere_near(model, left, cap, kind)
    return np.union1d(rest, left)


def _free_capacity(model: Simulation, cap: np.ndarray) -> np.ndarray:
    """Placement places each host has left this round."""
    pop = model.pop
    placed = pop.intern_host[(pop.status == Status.ENROLLED) & (pop.intern_host >= 0)]
    return np.maximum(cap - np.bincount(placed, minlength=model.firms.n), 0)


def _assign(model: Simulation, students: np.ndarray, hosts: np.ndarray, kind: int) -> None:
    """Place ``students`` at ``hosts`` without a partnership."""
    pop = model.pop
    pop.intern_host[students] = hosts
    pop.intern_partnership[students] = -1
    pop.placement_kind[students] = kind


def _place_anywhere_near(model: Simulation, left: np.ndarray, cap: np.ndarray,
                         kind: int) -> np.ndarray:
    """Last resort of self-found placements: any free place of any sector, in the
    school's district, then anywhere (each free place is one ticket)."""
    pop, f, rng = model.pop, model.firms, model.rng
    for local in (True, False):
        if not left.size:
            break
        free = _free_capacity(model, cap)
        tickets = np.repeat(np.arange(f.n), free)
        groups = pop.district[left] if local else np.zeros(left.size, dtype=np.int64)
        t_group = f.district[tickets] if local else np.zeros(tickets.size, dtype=np.int64)
        placed = []
        for g in np.unique(groups):
            students = left[groups == g]
            pool = rng.permutation(tickets[t_group == g])
            n = min(students.size, pool.size)
            if n:
                chosen = rng.permutation(students)[:n]
                _assign(model, chosen, pool[:n], kind)
                placed.append(chosen)
        if placed:
            left = np.setdiff1d(left, np.concatenate(placed), assume_unique=True)
    return left

"""Process 3 — partnerships: enterprises weigh cooperation, schools search, pairs
deepen or break.

Seed mechanism: enterprises' weak recognition of cooperation (paper §2) and bounded
rationality (noisy logit choice on perceived net benefit); search friction that the
cooperation platform lowers (§4.3 informatization); deepening from internship
agreements to order classes and joint labs / industrial colleges (§4.2, §5); break-ups
from goal misalignment and weak mechanisms (§4.3).

This module also holds the enterprise's view of what an intern is worth
(:func:`expected_net_benefit`) and the per-depth coefficients of partnerships
(:func:`depth_table`): with :mod:`.internships` it answers "what decides whether an
enterprise takes an intern?" (ODD §7.3, §7.7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from ..sampling import draw_firms, group_rank, sigmoid
from ..state import DepthTable
from . import sharing

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "SEMESTER_MONTHS", "depth_table", "expected_net_benefit",
           "kept_intern_months", "net_benefit_per_intern", "partnership_fixed_cost",
           "update_partnerships"]

SEMESTER_MONTHS = 6  # one step is one semester

CONSTANTS: tuple[Constant, ...] = (
    # --- what an intern is worth to the enterprise (expected here, realised in
    # enterprise_learning) ---------------------------------------------------------
    Constant("intern_pay_share", 0.35, 0.1, 0.8, "share of skilled wage",
             "intern pay relative to the skilled entry wage",
             "Swiss apprentices earn ~12% of a skilled wage in year 1 (facts.md, secondary "
             "source); final-year Chinese interns do near-full work, so 35% (assumption)"),
    Constant("recruitment_cost_months", 3.0, 1.0, 6.0, "months of wage",
             "cost of replacing an external hire, saved by hiring a former intern",
             "assumption; 'over 80% of German firms train to secure their own skilled "
             "workers' (BIBB, facts.md)"),
    Constant("expected_retention", 0.7, 0.4, 0.9, "share",
             "share of its interns a host expects to take on as workers (how long they "
             "stay is what it observes: kept_intern_months)",
             "Germany 61% (2010) → 77% (2019) (facts.md)"),
    Constant("coordination_cost", 12_000.0, 2_000.0, 30_000.0, "yuan/partnership/semester",
             "liaison staff and paperwork of a partnership", "assumption"),
    Constant("ip_risk_cost", 8_000.0, 0.0, 30_000.0, "yuan/intern/semester",
             "expected loss of core technology per intern at full sensitivity and no "
             "protection (× the depth's exposure)", "assumption"),
    Constant("perception_floor", 0.4, 0.0, 1.0, "share",
             "share of cooperation's benefits an unaware enterprise perceives", "assumption"),
    Constant("reference_fit", 0.6, 0.3, 0.9, "skill fit",
             "intern skill fit at which output equals intern_productivity × wage",
             "assumption"),
    Constant("choice_noise", 5_000.0, 1_000.0, 20_000.0, "yuan",
             "logit scale of the bounded-rational choice to join or deepen", "assumption"),
    # --- search for partners -----------------------------------------------------------
    Constant("search_contacts", 2.0, 0.5, 6.0, "contacts/programme/semester",
             "partner contacts a vocational school makes per programme without a platform",
             "assumption"),
    Constant("local_search", 0.8, 0.0, 1.0, "share",
             "share of partner search inside the school's own district without a platform",
             "assumption"),
    # --- per depth: 1 internship agreement, 2 order class, 3 joint lab (assumptions:
    # order classes and joint labs host more interns per mentor, expose more core
    # technology, share much more equipment and last longer) ------------------------
    Constant("intern_slots_depth_1", 1.0, 0.5, 3.0, "interns/mentor",
             "intern slots per mentor at depth 1", "assumption"),
    Constant("intern_slots_depth_2", 1.5, 0.5, 3.0, "interns/mentor",
             "intern slots per mentor at depth 2", "assumption"),
    Constant("intern_slots_depth_3", 2.0, 0.5, 4.0, "interns/mentor",
             "intern slots per mentor at depth 3", "assumption"),
    Constant("ip_exposure_depth_1", 0.5, 0.0, 2.0, "index",
             "exposure of core technology per intern at depth 1", "assumption"),
    Constant("ip_exposure_depth_2", 1.0, 0.0, 2.0, "index",
             "exposure of core technology per intern at depth 2", "assumption"),
    Constant("ip_exposure_depth_3", 1.5, 0.0, 3.0, "index",
             "exposure of core technology per intern at depth 3", "assumption"),
    Constant("stability_depth_1", 1.0, 0.2, 1.5, "multiplier",
             "break-up hazard multiplier at depth 1", "assumption"),
    Constant("stability_depth_2", 0.8, 0.2, 1.5, "multiplier",
             "break-up hazard multiplier at depth 2", "assumption"),
    Constant("stability_depth_3", 0.6, 0.1, 1.5, "multiplier",
             "break-up hazard multiplier at depth 3 (joint labs last longer)", "assumption"),
    # --- break-up and deepening: tuned so that a satisfied depth-1 partnership lasts ~12
    # years and a dissatisfied one a few semesters, and the depth mix settles within the
    # spin-up (issue 11); evolutionary-game studies find
    # cooperation lasts only while the payoff to both parties is positive (facts.md) ---
    Constant("break_base", 0.04, 0.0, 0.1, "1/semester",
             "break-up hazard of a satisfied partnership", "assumption (see group comment)"),
    Constant("break_dissatisfied", 0.35, 0.05, 0.8, "1/semester",
             "extra break-up hazard at full dissatisfaction of the firm (half of it for "
             "the school)", "assumption (see group comment)"),
    Constant("break_misaligned", 0.08, 0.0, 0.3, "1/semester",
             "extra break-up hazard at fully misaligned goals and weak management",
             "assumption"),
    Constant("deepen_base", 0.03, 0.0, 0.3, "1/semester",
             "chance per semester that a ready, satisfied pair deepens", "assumption"),
)


def depth_table(p: object) -> DepthTable:
    """Per-depth coefficients (index 0 unused) from the declared constants."""
    def row(prefix: str) -> np.ndarray:
        return np.array([0.0] + [getattr(p, f"{prefix}_depth_{d}") for d in (1, 2, 3)])

    return DepthTable(slots=row("intern_slots"), exposure=row("ip_exposure"),
                      sharing=row("sharing"), stability=row("stability"))


def net_benefit_per_intern(model: Simulation, *, fit: np.ndarray,
                           hires_per_intern: np.ndarray, exposure: np.ndarray,
                           fixed_per_intern: np.ndarray, awareness: np.ndarray | None = None,
                           subsidised: np.ndarray | float = 1.0) -> np.ndarray:
    """Each enterprise's net benefit per intern and placement (yuan): the one basis of
    its expected and its realised benefit (ODD §7.3, §7.13).

    output (intern_productivity × semester wage × fit / reference_fit) + the value of
    the former interns it keeps (hires_per_intern × :func:`kept_intern_months` × wage:
    recruitment saved and compressed wages, at the retention it observes among the
    workers it trained, so poaching lowers it) + subsidy + tax credit
    − intern pay − mentoring − IP risk − the partnership's fixed costs per intern
    (coordination and net sharing cost over a year).

    Args:
        fit: interns' mean skill fit (expected or realised).
        hires_per_intern: former interns hired per intern (expected or realised).
        exposure: IP exposure per intern (the partnership depth's).
        fixed_per_intern: yearly coordination and net sharing cost per intern.
        awareness: if given, benefits are seen through it (expected benefit only).
        subsidised: share of the interns the internship subsidy is paid for (those at
            partner enterprises).
    """
    p, f, ind = model.p, model.firms, model.industry
    wage = ind.wage[f.sector]
    wage_sem = wage * SEMESTER_MONTHS
    benefit = (p.intern_productivity * wage_sem * fit / p.reference_fit
               + hires_per_intern * kept_intern_months(model) * wage)
    if awareness is not None:
        benefit = benefit * (p.perception_floor + (1 - p.perception_floor) * awareness)
    pay = p.intern_pay_share * wage_sem
    ip_loss = p.ip_risk_cost * f.ip_sensitivity * (1 - p.ip_protection) * exposure
    support = (model.p.internship_subsidy * model.government.year_ration * subsidised
               + p.tax_credit_rate * (pay + p.mentoring_cost) * f.certified)
    return benefit - pay - p.mentoring_cost - ip_loss - fixed_per_intern + support


def kept_intern_months(model: Simulation) -> np.ndarray:
    """Value of a former intern kept, per enterprise, in months of its skilled wage.

    The recruitment cost it saves if the worker stays the retention horizon, plus the
    compressed part of the wage for the months it can expect to keep them, both at the
    retention it observes among the workers it trained (``own_stay`` per semester).
    """
    p, r = model.p, model.firms.own_stay
    H = int(p.retention_horizon)
    months = SEMESTER_MONTHS * sum(r**s for s in range(H))
    return p.recruitment_cost_months * r**H + p.wage_compression * months


def partnership_fixed_cost(model: Simulation, shared: np.ndarray, partnerships: np.ndarray
                           ) -> np.ndarray:
    """A year's coordination cost of ``partnerships`` and net cost of sharing resources
    worth ``shared`` yuan a semester (the incentive refunds part of it), per firm."""
    p = model.p
    incentive = p.resource_sharing_incentive * model.government.year_ration
    return 2.0 * (p.coordination_cost * partnerships + shared * (1.0 - incentive))


def expected_net_benefit(model: Simulation, depth: int = 1) -> np.ndarray:
    """Each enterprise's perceived net benefit per intern and placement (yuan) at a
    partnership of a given depth: :func:`net_benefit_per_intern` with the slots the
    partnership offers, the fit the firm expects, its expected retention and the
    resources it would share, seen through its awareness and blended with its own
    realised experience (ODD §7.3)."""
    p, f, dt = model.p, model.firms, model.depth
    slots = np.maximum(f.mentors * dt.slots[depth], 1.0)
    need = np.minimum(1.0, f.yearly_need * model.industry.demand_index[f.sector] / slots)
    shared = sharing.sharing_willingness(model) * sharing.shared_per_partnership(model, depth)
    net = net_benefit_per_intern(
        model, fit=f.expected_fit, hires_per_intern=p.expected_retention * need,
        exposure=np.full(f.n, dt.exposure[depth]),
        fixed_per_intern=partnership_fixed_cost(model, shared, np.ones(f.n)) / slots,
        awareness=f.awareness)
    return np.where(f.has_experience, 0.5 * net + 0.5 * f.experience, net)


def update_partnerships(model: Simulation) -> None:
    """Enterprises weigh cooperation; existing pairs age, break or deepen; schools search."""
    f = model.firms
    net = expected_net_benefit(model, 1)
    f.willingness = sigmoid(net / model.p.choice_noise)
    _age_break_deepen(model, net)
    _search_new_partners(model, f.willingness)


def _age_break_deepen(model: Simulation, e1: np.ndarray) -> None:
    """Existing partnerships age, break up (dissatisfaction, misalignment) or deepen.

    ``e1`` is each firm's expected net benefit at depth 1 (computed once per step by
    :func:`update_partnerships`)."""
    p, rng, t, dt = model.p, model.rng, model.partnerships, model.depth
    rows = t.active_rows
    if not rows.size:
        return
    t.age[rows] += 1
    d = t.depth[rows]
    mgmt = model.schools.management[t.school[rows]]
    p_break = (p.break_base
               + p.break_dissatisfied * np.clip(-t.sat_firm[rows], 0, 1)
               + p.break_dissatisfied * 0.5 * np.clip(-t.sat_school[rows], 0, 1)
               + p.break_misaligned * (1 - p.goal_alignment) * (1 - mgmt))
    p_break = p_break * dt.stability[d]
    broken = rng.random(rows.size) < p_break
    ready = ((d < 3) & (t.age[rows] >= 2 * d) & (t.sat_firm[rows] > 0.2)
             & (t.sat_school[rows] > 0.1) & ~broken)
    # Deepening follows realised payoff: a logit on the firm's own experience plus what
    # it expects the next level to add (2σ = 1 for an indifferent firm). Incentives
    # act through the net benefit only (no direct multiplier: issue 11).
    firm = t.firm[rows]
    e2, e3 = expected_net_benefit(model, 2), expected_net_benefit(model, 3)
    gain = np.where(d == 1, (e2 - e1)[firm], (e3 - e2)[firm])
    realised = np.where(model.firms.has_experience, model.firms.experience, e1)[firm]
    p_deepen = (p.deepen_base * (0.5 + p.goal_alignment)
                * 2 * sigmoid((realised + gain) / p.choice_noise))
    deepen = ready & (rng.random(rows.size) < p_deepen)
    t.remove(rows[broken])
    t.deepen(rows[deepen])


def _search_new_partners(model: Simulation, willing: np.ndarray) -> None:
    """Schools contact enterprises of their programmes' sectors; willing ones accept.

    A firm partners with a limited number of schools (1 + 1 per 10 mentors): of this
    semester's new contacts it takes only as many as it has room for.
    """
    p, rng, f, ss = model.p, model.rng, model.firms, model.schools
    t, K = model.partnerships, model.K
    seat_w = ss.seats / np.maximum(ss.seats.sum(axis=1, keepdims=True), 1e-9)
    # Universities host no placements in this model, so they do not seek partners
    # (their partnerships used to pay coordination for nothing: issue 11).
    intensity = np.where(ss.vocational, p.search_contacts, 0.0)
    lam = (intensity[:, None] * ss.offers * (1 + 2 * p.platform_level)
           * np.minimum(1.0, seat_w * K))
    n_contacts = rng.poisson(lam)  # (S, K)
    flat = n_contacts.ravel()
    if flat.sum() == 0:
        return
    idx = np.repeat(np.arange(flat.size), flat)
    c_school, c_sector = idx // K, idx % K
    local = rng.random(idx.size) < p.local_search * (1 - 0.75 * p.platform_level)
    c_district = np.where(local, ss.district[c_school], -1)
    firm = draw_firms(model, c_sector, c_district, weights=None)
    ok = firm >= 0
    c_school, firm, c_sector = c_school[ok], firm[ok], c_sector[ok]
    accept = rng.random(firm.size) < willing[firm]
    c_school, firm, c_sector = c_school[accept], firm[accept], c_sector[accept]
    if firm.size == 0:
        return
    key = c_school.astype(np.int64) * f.n + firm
    _, first = np.unique(key, return_index=True)
    first = np.sort(first)
    c_school, firm, c_sector = c_school[first], firm[first], c_sector[first]
    new = ~t.exists(c_school, firm)
    c_school, firm, c_sector = c_school[new], firm[new], c_sector[new]
    room = np.maximum(1 + f.mentors[firm] // 10 - t.per_firm()[firm], 0)
    order, rank = group_rank(firm, rng.random(firm.size))
    keep = np.sort(order[rank < room[order]])
    t.add(c_school[keep], firm[keep], c_sector[keep], 1)

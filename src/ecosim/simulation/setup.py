"""Initialisation (ODD §5): the region's sectors, enterprises, schools, initial
partnerships and the students already enrolled when a run starts.

Every draw goes through the model's one generator, in a fixed order, so the same seed
gives the same region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .processes.enrolment import add_students
from .processes.teachers import teachers_for
from .processes.technology import yearly_hiring_need
from .sectors import COMPETENCIES, sector_arrays
from .state import SIZE_CLASSES, EnterpriseTable, SchoolTable, SectorTable

if TYPE_CHECKING:  # pragma: no cover
    from .state import Simulation

__all__ = ["make_sector_table", "make_enterprises", "make_schools",
           "create_initial_partnerships", "create_initial_students"]


def make_sector_table(model: Simulation) -> SectorTable:
    """The sectors' fixed attributes, frontier at 0 and demand index at 1."""
    sa = sector_arrays(model.sectors)
    K = len(model.sectors)
    return SectorTable(share=sa["share"] / sa["share"].sum(), growth=sa["growth"],
                       tech=sa["tech"], wage=sa["wage"], weights=sa["weights"],
                       frontier=np.zeros(K), frontier_step=np.zeros(K),
                       demand_index=np.ones(K))


def make_enterprises(model: Simulation) -> EnterpriseTable:
    """Draw the enterprises: sector, size, district, technology, awareness, IP sensitivity."""
    p, rng, F = model.p, model.rng, model.p.n_enterprises
    sector = rng.choice(model.K, size=F, p=model.industry.share).astype(np.int8)
    # Skewed firm sizes: median 15 staff, ~40% micro, ~1.5% with 500+ staff
    # (order of magnitude of enterprise size distributions; assumption).
    size = np.minimum(np.floor(np.exp(rng.normal(np.log(15), 1.6, F))) + 1, 20_000)
    m_aw = float(np.clip(p.initial_awareness, 0.01, 0.99))
    m_ip = float(np.clip(p.ip_sensitivity, 0.01, 0.99))
    district = rng.integers(0, p.n_districts, F).astype(np.int16)
    tech = np.clip(rng.uniform(0.6, 1.0, F) + 0.05 * np.log10(size), 0, 1)
    awareness = rng.beta(4 * m_aw, 4 * (1 - m_aw), F)
    ip_sensitivity = rng.beta(4 * m_ip, 4 * (1 - m_ip), F)
    edges = [lo for _, lo, _ in SIZE_CLASSES[1:]]
    return EnterpriseTable(
        sector=sector, size=size.astype(np.int32),
        size_class=np.searchsorted(edges, size, side="right").astype(np.int8),
        district=district, tech=tech, awareness=awareness,
        baseline_awareness=awareness.copy(), ip_sensitivity=ip_sensitivity,
        mentors=np.clip(np.round(size * 0.04), 1, 100).astype(np.int32),
        yearly_need=yearly_hiring_need(model, size),
        certified=np.zeros(F, dtype=bool), experience=np.zeros(F),
        has_experience=np.zeros(F, dtype=bool), expected_fit=np.full(F, p.reference_fit),
        vacancies=np.zeros(F, dtype=np.int64),
        interns=np.zeros(F, dtype=np.int64), fit_sum=np.zeros(F),
        hired_interns=np.zeros(F, dtype=np.int64), willingness=np.zeros(F),
        shared=np.zeros(F))


def _programmes(model: Simulation, types: np.ndarray) -> np.ndarray:
    """Programmes offered: vocational schools teach 2–4 sectors, universities all."""
    rng, K = model.rng, model.K
    offers = np.zeros((types.size, K), dtype=bool)
    for s in range(types.size):  # set-up only, over schools (few)
        if types[s] == 2:
            offers[s] = True
        else:
            n = int(rng.integers(2, min(4, K) + 1)) if K > 1 else 1
            offers[s, rng.choice(K, size=n, replace=False, p=model.industry.share)] = True
    return offers


def make_schools(model: Simulation) -> SchoolTable:
    """Draw the schools: type, district, programmes, seats, teachers, curricula."""
    p, rng, S = model.p, model.rng, model.p.n_schools
    n_hv = int(round(S * p.higher_vocational_share))
    n_u = min(int(round(S * p.university_share)), S - n_hv)
    types = np.array([1] * n_hv + [2] * n_u + [0] * (S - n_hv - n_u), dtype=np.int8)
    rng.shuffle(types)
    length = np.where(types == 2, 8, 6).astype(np.int16)
    district = rng.integers(0, p.n_districts, S).astype(np.int16)
    offers = _programmes(model, types)
    # Seats per year: vocational capacity for 50% of a cohort, general for 60%.
    seats = offers * model.industry.share[None, :] * rng.uniform(0.7, 1.3, (S, model.K))
    voc, gen = types < 2, types == 2
    for mask, cap in ((voc, 0.5), (gen, 0.6)):
        tot = seats[mask].sum()
        if tot > 0:
            seats[mask] *= cap * p.cohort_size / tot
    enrolled = seats.sum(axis=1) * length / 2.0
    m_dq = float(np.clip(p.initial_dual_qualified, 0.01, 0.99))
    m_mg = float(np.clip(p.management_quality, 0.01, 0.99))
    dual_qualified = np.where(voc, rng.beta(6 * m_dq, 6 * (1 - m_dq), S), 0.1)
    management = rng.beta(6 * m_mg, 6 * (1 - m_mg), S)
    gap0 = -p.gap_scale * np.log(np.clip(p.initial_alignment, 1e-3, 1.0))
    curriculum = -gap0 * rng.uniform(0.6, 1.4, (S, model.K))
    return SchoolTable(
        school_type=types, length=length, district=district,
        teachers=teachers_for(model, enrolled),
        dual_qualified=dual_qualified, practical=np.where(voc, 0.35, 0.15),
        resources=np.zeros(S), budget=np.zeros(S), career_budget=np.zeros(S),
        management=management, career=np.zeros(S), seats=seats, offers=offers,
        curriculum=curriculum)


def create_initial_partnerships(model: Simulation) -> None:
    """Partnerships at the start: larger firms more likely, with a school of their sector."""
    p, rng, f = model.p, model.rng, model.firms
    F = f.n
    n0 = int(round(p.initial_partnerships * F))
    if n0 == 0 or model.schools.n == 0:
        return
    w = np.sqrt(f.size.astype(float))
    firms = rng.choice(F, size=n0, replace=False, p=w / w.sum())
    sector = f.sector[firms]
    schools = np.full(n0, -1)
    for k in range(model.K):  # set-up only; universities host no placements (ODD §7.3)
        cand = np.flatnonzero(model.schools.offers[:, k] & model.schools.vocational)
        sel = np.flatnonzero(sector == k)
        if cand.size and sel.size:
            schools[sel] = rng.choice(cand, size=sel.size)
    ok = schools >= 0
    deep = rng.random(n0) < p.initial_deep_share
    depth = np.where(deep, rng.choice([2, 2, 3], size=n0), 1)
    model.partnerships.add(schools[ok], firms[ok], sector[ok], depth[ok])


def create_initial_students(model: Simulation) -> None:
    """Students already enrolled at the start: one cohort per year of programme."""
    ss = model.schools
    for offset in (1, 3, 5, 7):
        mask = ss.length > offset
        seats = ss.seats * mask[:, None] * 0.97  # a few already dropped out
        _admit(model, np.round(seats).astype(np.int64), semester=offset, entry_step=-offset)


def _admit(model: Simulation, counts: np.ndarray, semester: int, entry_step: int) -> None:
    """Create ``counts[s, k]`` students at school s, programme k, who have learnt for
    ``semester`` semesters."""
    flat = counts.ravel()
    total = int(flat.sum())
    if total == 0:
        return
    rng = model.rng
    idx = np.repeat(np.arange(flat.size), flat)
    school, prog = idx // model.K, idx % model.K
    ability = np.clip(rng.normal(1.0, model.p.ability_sd, total), 0.3, 2.0)
    comp = np.clip(rng.normal(0.2, 0.05, (total, len(COMPETENCIES))), 0, 1)
    comp *= np.sqrt(ability)[:, None]
    # Students enrolled before the start have learnt for `semester` semesters.
    comp += (1 - comp) * (1 - (1 - 0.11) ** semester)
    add_students(model, school, prog, ability, comp, semester, entry_step)

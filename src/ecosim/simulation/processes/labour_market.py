"""Process 11 — labour market: graduates apply; enterprises rank by skill fit and hire.

Seed mechanism: "enhancing the employment competitiveness of graduates" (§1); locality
(most vocational graduates work near their school, facts.md); the platform widens the
reach; former interns get a head start (recruitment is why firms train, facts.md
BIBB). Graduates fill the vacancies experienced workers left (:mod:`.workforce`) and
join the workforce when hired. Offers and acceptances alternate for a few rounds; an
accepted offer is final (ODD §7.11).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from ..population import Status
from ..sampling import draw_firms, offer_rounds
from .learning import skill_fit_matrix
from .workforce import hire_graduates

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "match_labour_market"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("applications_base", 3, 1, 8, "applications/semester",
             "applications per graduate and semester without platform or career help",
             "assumption", type=int),
    Constant("p_in_sector", 0.1, 0.0, 0.95, "share",
             "share of applications restricted to the programme's own sector (the others "
             "go to sectors by their vacancies, own sector included)",
             "calibrated: in-field / employed ≈ 74% (MOE 2014 专业对口率 75.98%, facts.md)"),
    Constant("p_local", 0.45, 0.1, 0.9, "share",
             "share of applications restricted to the own district without a platform",
             "calibrated: ~70% local jobs (facts.md, MOE 2019)"),
    Constant("hire_threshold", 0.30, 0.2, 0.6, "skill fit",
             "minimum score an employer accepts (+ 0.1 × its tech level)",
             "calibrated: ≥ 90% placement (facts.md, MOE 2019)"),
    Constant("intern_bonus", 0.05, 0.0, 0.2, "skill fit",
             "head start of a firm's own former intern in its ranking", "assumption"),
    Constant("matching_rounds", 3, 1, 6, "rounds/semester",
             "offer/accept rounds per semester; an accepted offer is final", "assumption",
             type=int),
    Constant("max_unemployed_steps", 4, 2, 8, "semesters",
             "semesters of failed search after which a graduate leaves the region",
             "assumption: two years", type=int),
    Constant("settled_after", 2, 2, 6, "semesters",
             "employed records leave the model this many steps after graduation "
             "(after their cohort is measured; changes no outcome)", "bookkeeping",
             type=int),
)


def match_labour_market(model: Simulation) -> None:
    """Match seekers to vacancies; the unlucky stay unemployed or leave the region."""
    p, pop, f, flows = model.p, model.pop, model.firms, model.ledger.flows
    seekers = np.flatnonzero((pop.status == Status.SEARCHING)
                             | (pop.status == Status.UNEMPLOYED))
    vac = f.vacancies.astype(np.int64)
    if seekers.size and vac.sum() > 0:
        _match(model, seekers, vac)
    # Those still without a job become/stay unemployed; long-term ones leave.
    still = (pop.status == Status.SEARCHING) | (pop.status == Status.UNEMPLOYED)
    pop.search_steps[still] += 1
    pop.status[still] = Status.UNEMPLOYED
    left = still & (pop.search_steps >= p.max_unemployed_steps)
    settled = (pop.status == Status.EMPLOYED) & (pop.grad_step <= model.steps - p.settled_after)
    removed = model.book.removed
    removed["left_region"] += int(left.sum())
    removed["settled"] += int(settled.sum())
    pop.status[left | settled] = Status.GONE
    flows.sector_shortage = np.bincount(
        f.sector, weights=f.vacancies, minlength=model.K).astype(float)
    led = model.ledger
    led.hires_window.append((flows.hires, flows.new_vacancies,
                             int(flows.sector_vacancies.sum()), flows.gap_sum))
    led.hires_window = led.hires_window[-2:]


def _applications(model: Simulation, seekers: np.ndarray, vac: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each seeker's applications: (seeker position, firm, seeker's former host)."""
    p, pop, f, rng, K = model.p, model.pop, model.firms, model.rng, model.K
    n = seekers.size
    prog = pop.programme[seekers]
    career = np.clip(pop.support[seekers] / 1_000.0, 0, 1)  # career-service help
    n_apps = (p.applications_base + np.floor(2 * p.platform_level + 2 * career
                                             + rng.random(n))).astype(np.int64)
    who = np.repeat(np.arange(n), n_apps)
    # Sector: own programme mostly, otherwise any sector weighted by vacancies.
    sec_vac = np.bincount(f.sector, weights=vac, minlength=K)
    own = rng.random(who.size) < p.p_in_sector + 0.15 * career[who]
    sector = prog[who].astype(np.int64)
    not_own = np.flatnonzero(~own)
    cdf = np.cumsum(sec_vac) / sec_vac.sum()
    sector[not_own] = np.minimum(np.searchsorted(cdf, rng.random(not_own.size),
                                                 side="right"), K - 1)
    p_local = p.p_local * (1 - 0.3 * p.platform_level)
    local = rng.random(who.size) < p_local
    district = np.where(local, pop.district[seekers][who], -1)
    firm = draw_firms(model, sector, district, weights=vac)
    # Former interns apply to their host first.
    host = pop.intern_host[seekers]
    first_app = np.r_[0, np.cumsum(n_apps)[:-1]]
    has_host = (host >= 0) & (vac[np.maximum(host, 0)] > 0)
    firm[first_app[has_host]] = host[has_host]
    ok = firm >= 0
    who, firm = who[ok], firm[ok]
    key = who.astype(np.int64) * f.n + firm
    _, uniq = np.unique(key, return_index=True)
    return who[uniq], firm[uniq], host


def _match(model: Simulation, seekers: np.ndarray, vac: np.ndarray) -> None:
    """Rounds of offers (best score first, up to each firm's vacancies) and acceptances
    (each seeker takes the offer of highest utility)."""
    p, pop, f, rng = model.p, model.pop, model.firms, model.rng
    n = seekers.size
    prog = pop.programme[seekers]
    who, firm, host = _applications(model, seekers, vac)
    fsec = f.sector[firm]
    # Fit of every seeker for every sector (n × K), then looked up per application.
    fit = skill_fit_matrix(model, pop.competency.T[:, seekers], prog)[who, fsec]
    is_host = firm == host[who]
    # A good placement makes the host keener on its former student (bonus at quality 0.5).
    quality = np.nan_to_num(pop.placement_quality[seekers][who].astype(float))
    score = (fit + rng.normal(0, 0.05, fit.size)
             + p.intern_bonus * is_host * quality / 0.5)
    threshold = p.hire_threshold + 0.1 * f.tech[firm]
    wage = model.industry.wage
    wage_norm = wage / wage.mean()
    utility = (wage_norm[fsec] + 0.3 * (fsec == prog[who])
               + 0.2 * (f.district[firm] == pop.district[seekers[who]]) + 0.2 * is_host
               + rng.random(fit.size) * 0.1)
    qualified = np.flatnonzero(score >= threshold)
    acc, f.vacancies = offer_rounds(who[qualified], firm[qualified], -score[qualified],
                                    utility[qualified], vac, n, p.matching_rounds)
    acc = qualified[acc]
    _book_hires(model, seekers[who[acc]], firm[acc], fsec[acc], prog[who[acc]],
                fit[acc], is_host[acc])


def _book_hires(model: Simulation, s: np.ndarray, fa: np.ndarray, fsec: np.ndarray,
                prog: np.ndarray, fit: np.ndarray, is_host: np.ndarray) -> None:
    """Employ the accepted seekers ``s`` at firms ``fa`` and book the hires."""
    pop, f, flows, K = model.pop, model.firms, model.ledger.flows, model.K
    _record_hires(model, s)
    pop.status[s] = Status.EMPLOYED
    pop.employer[s] = fa
    pop.in_field[s] = fsec == prog  # official: works in the programme's field
    pop.match_quality[s] = fit
    hire_graduates(model, fa, fit, pop.intern_host[s])
    flows.hires += int(s.size)
    flows.gap_sum += float((1 - fit).sum())
    flows.sector_hires += np.bincount(fsec, minlength=K)
    flows.sector_in_field += np.bincount(fsec[pop.in_field[s]], minlength=K)
    f.hired_interns += np.bincount(fa[is_host], minlength=f.n)


def _record_hires(model: Simulation, hired: np.ndarray) -> None:
    """Book hires (record indices) on their cohort's job search: one more hire and the
    semesters each searched before it (0 = hired in the graduation semester)."""
    pop = model.pop
    cohorts, idx = np.unique(pop.grad_step[hired], return_inverse=True)
    waits = np.bincount(idx, weights=pop.search_steps[hired])
    counts = np.bincount(idx)
    for g, n, w in zip(cohorts.tolist(), counts.tolist(), waits.tolist(), strict=True):
        track = model.book.job_search.get(g)
        if track is not None:
            track["hired"] += n
            track["waits"] += w

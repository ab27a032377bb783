"""Process 10 — workforce: separations, layoffs, vacancies, job-to-job moves (poaching).

Seed mechanism: firms train to secure their own skilled workers (over 80% of German
training firms, BIBB, facts.md), but a trained worker can be poached: firms pay for
training only while wage compression lets them keep part of its return (Acemoglu &
Pischke 1999, facts.md), and training and poaching firms coexist (Ballot & Taymaz 2000,
facts.md). Each enterprise holds skilled positions in proportion to its size and its
sector's demand; retirements, quits and layoffs open vacancies, and so do workers
leaving for a better outside offer. Experienced workers search first (on the job and
unemployed); graduates fill what is left in :mod:`.labour_market` (ODD §7.10).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from ..population import Status
from ..sampling import draw_firms, group_rank, offer_rounds
from ..workers import GONE, UNEMPLOYED
from .partnerships import SEMESTER_MONTHS

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "update_workforce", "init_workforce", "hire_graduates",
           "wage_offer", "payback_owed", "exit_rate_out"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("retirement_rate", 0.025, 0.015, 0.04, "1/year",
             "yearly retirement hazard of a skilled worker",
             "assumption: a working life of about 40 years"),
    Constant("quit_rate", 0.12, 0.04, 0.3, "1/year",
             "yearly hazard of quitting for reasons other than a better offer (moving, "
             "family, further study)", "assumption"),
    Constant("quit_to_search_share", 0.5, 0.0, 1.0, "share",
             "share of those who quit that stay in the region and search for a job",
             "assumption"),
    Constant("job_offer_rate", 0.1, 0.0, 0.5, "offers/semester",
             "outside offers an employed worker receives per semester (if some firm of the "
             "sector has a vacancy)", "assumption"),
    Constant("trained_offer_boost", 1.0, 0.0, 3.0, "multiplier",
             "extra outside offers for a worker an enterprise trained (training is a "
             "visible signal to poachers)", "assumption"),
    Constant("wage_fit_slope", 0.5, 0.0, 1.5, "share per unit fit",
             "wage gain per unit of skill fit above the reference fit", "assumption"),
    Constant("trained_wage_premium", 0.05, 0.0, 0.2, "share",
             "wage premium the market pays a worker an enterprise trained",
             "assumption: returns to firm-based training of a few per cent"),
    Constant("wage_compression", 0.05, 0.0, 0.2, "share",
             "share below the market wage at which a training firm keeps the worker it "
             "trained", "Acemoglu & Pischke 1999 (facts.md): firms fund general training "
             "only under wage compression; size assumed"),
    Constant("firm_pay_sd", 0.1, 0.0, 0.3, "log points",
             "dispersion of enterprises' wage levels within a sector", "assumption"),
    Constant("retention_horizon", 4, 1, 12, "semesters",
             "horizon over which a host values keeping a former intern", "assumption",
             type=int),
    Constant("stay_memory", 0.8, 0.0, 0.95, "share",
             "weight of the past in the retention an enterprise observes (EMA)",
             "assumption"),
    Constant("layoff_slack", 0.05, 0.0, 0.3, "share",
             "headcount above target an enterprise tolerates before laying off (last in, "
             "first out)", "assumption"),
)


# ======================================================================================
# Wages and the value of a kept intern (used by partnerships and enterprise_learning)
# ======================================================================================
def wage_offer(model: Simulation, firm: np.ndarray, fit: np.ndarray,
               trainer: np.ndarray) -> np.ndarray:
    """Monthly wage ``firm`` pays a worker of skill ``fit`` trained by ``trainer``.

    Sector wage × the firm's wage level × (1 + slope × (fit − reference fit)) × (1 +
    trained premium if any firm trained the worker) × (1 − compression if this firm did).
    """
    p, f = model.p, model.firms
    base = model.industry.wage[f.sector[firm]] * f.pay[firm]
    w = base * np.maximum(1 + p.wage_fit_slope * (fit - p.reference_fit), 0.3)
    w = w * (1 + p.trained_wage_premium * (trainer >= 0))
    return w * (1 - p.wage_compression * (trainer == firm))


def training_cost(model: Simulation, firm: np.ndarray) -> np.ndarray:
    """Gross cost of training one intern for a semester (pay and mentoring), yuan."""
    p = model.p
    wage = model.industry.wage[model.firms.sector[firm]]
    return p.intern_pay_share * wage * SEMESTER_MONTHS + p.mentoring_cost


def payback_owed(model: Simulation, idx: np.ndarray) -> np.ndarray:
    """What workers ``idx`` owe their trainer if they leave now (service-period clause):
    the training cost, prorated over the unexpired service period; 0 if not employed by
    their trainer or the lever is off."""
    p, w = model.p, model.workers
    period = 2.0 * p.service_period  # semesters
    if period <= 0:
        return np.zeros(idx.size)
    own = w.trainer[idx] == w.employer[idx]
    with np.errstate(over="ignore"):  # a tiny period gives -inf, clipped to 0
        left = np.clip(1.0 - (model.steps - w.hired_step[idx]) / period, 0.0, 1.0)
    return np.where(own, training_cost(model, np.maximum(w.employer[idx], 0)) * left, 0.0)


def exit_rate_out(p: object) -> float:
    """Yearly rate at which workers leave the region's skilled labour market for good."""
    return p.retirement_rate + p.quit_rate * (1 - p.quit_to_search_share)


def _draw_exits(model: Simulation, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps until each of ``n`` workers retires or quits (constant hazards, so one
    geometric draw at hire is exact), and whether that exit is a retirement."""
    p, rng = model.p, model.rng
    h = (p.retirement_rate + p.quit_rate) / 2.0  # per semester
    wait = rng.geometric(min(max(h, 1e-9), 1.0), n)
    retires = rng.random(n) < p.retirement_rate / max(p.retirement_rate + p.quit_rate, 1e-12)
    return model.steps + wait, retires


# ======================================================================================
# Set-up and hires
# ======================================================================================
def init_workforce(model: Simulation) -> None:
    """Positions, wage levels and the workforce in place at the start (ODD §5).

    Each enterprise's positions are sized so that the region's workforce, leaving at
    :func:`exit_rate_out`, opens its yearly hiring need (:func:`.technology.
    yearly_hiring_need`) each year; 95% of them are filled by external workers of
    random tenure and a skill fit around the reference fit.
    """
    p, f, rng = model.p, model.firms, model.rng
    f.positions = f.yearly_need / max(exit_rate_out(p), 1e-6)
    f.round_u = rng.random(f.n)
    f.pay = np.exp(rng.normal(0.0, p.firm_pay_sd, f.n))
    f.own_stay = np.full(f.n, 1 - (p.retirement_rate + p.quit_rate) / 2.0)
    f.round_interns = np.zeros(f.n, dtype=np.int64)
    f.poached = np.zeros((2, f.n), dtype=np.int64)
    count = rng.binomial(np.floor(f.positions + f.round_u).astype(np.int64), 0.95)
    firm = np.repeat(np.arange(f.n), count)
    fit = np.clip(rng.normal(p.reference_fit, 0.1, firm.size), 0.05, 1.0)
    exit_step, retires = _draw_exits(model, firm.size)
    trainer = np.full(firm.size, -1)
    model.workers.add(firm.size, employer=firm, sector=f.sector[firm],
                      district=f.district[firm], fit=fit, trainer=trainer,
                      hired_step=model.steps - rng.integers(0, 20, firm.size),
                      exit_step=exit_step, retires=retires,
                      wage=wage_offer(model, firm, fit, trainer))
    f.headcount = np.bincount(firm, minlength=f.n).astype(np.int64)


def hire_graduates(model: Simulation, firm: np.ndarray, fit: np.ndarray,
                   trainer: np.ndarray) -> None:
    """Add graduates hired at ``firm`` (skill ``fit``, placement host ``trainer``)."""
    f = model.firms
    exit_step, retires = _draw_exits(model, firm.size)
    model.workers.add(firm.size, employer=firm, sector=f.sector[firm],
                      district=f.district[firm], fit=fit, trainer=trainer,
                      hired_step=model.steps, exit_step=exit_step, retires=retires,
                      wage=wage_offer(model, firm, fit, trainer))
    f.headcount += np.bincount(firm, minlength=f.n)
    window = model.ledger.workforce_window
    if window:
        window[-1]["graduate_hires"] += float(firm.size)


# ======================================================================================
# The process
# ======================================================================================
def update_workforce(model: Simulation) -> None:
    """Exits and layoffs, the vacancies they and demand open, then experienced workers'
    search: outside offers to the employed (poaching) and the unemployed's applications.
    Leaves ``firms.vacancies`` for the graduates' market."""
    f, w = model.firms, model.workers
    f.poached = np.roll(f.poached, 1, axis=0)
    f.poached[0] = 0
    book = {"graduate_hires": 0.0, "experienced_hires": 0.0, "job_to_job": 0.0,
            "poached_trained": 0.0, "trained_separations": 0.0, "trained_employed": 0.0}
    own = (w.trainer == w.employer) & (w.employer >= 0)
    own_count = np.bincount(w.employer[own], minlength=f.n)
    trained = (w.trainer >= 0) & (w.employer >= 0)
    book["trained_employed"] = float(np.count_nonzero(trained))
    own_left = _exits(model, book)
    _layoffs(model)
    target = np.floor(f.positions * model.industry.demand_index[f.sector] + f.round_u)
    vac = np.maximum(target.astype(np.int64) - f.headcount, 0)
    # New this step: beyond those left open last step, plus those that job-to-job
    # moves open at the workers' former employers.
    new = np.maximum(vac - f.vacancies, 0)
    opened = np.bincount(f.sector, weights=vac, minlength=model.K).astype(float)
    # Enterprises hold back a position for each former intern graduating now (they
    # plan to take on their trainees: BIBB's 'kept on', facts.md); the graduates'
    # market decides whether they do.
    pop = model.pop
    host = pop.intern_host[(pop.status == Status.SEARCHING) & (pop.intern_host >= 0)]
    reserve = np.minimum(vac, np.bincount(host, minlength=f.n))
    own_left += _search(model, vac, book, reserve)
    new_sector = np.bincount(f.sector, weights=new, minlength=model.K)
    flows = model.ledger.flows
    flows.new_vacancies = int(new.sum() + book["job_to_job"])
    j2j_sector = book.pop("_j2j_sector")  # vacancies moves opened, by sector
    flows.sector_new_vacancies = new_sector + j2j_sector
    f.vacancies = vac
    # Open this step: those open before anyone searched, and those moves opened.
    flows.sector_vacancies = opened + j2j_sector
    # The retention each training enterprise observes among the workers it trained.
    has = own_count > 0
    stay = 1.0 - own_left / np.maximum(own_count, 1)
    m = model.p.stay_memory
    f.own_stay = np.where(has, m * f.own_stay + (1 - m) * stay, f.own_stay)
    flows.hires += int(book["experienced_hires"] + book["job_to_job"])
    model.ledger.workforce_window = [*model.ledger.workforce_window, book][-2:]
    w.drop_gone(0.15)


def _exits(model: Simulation, book: dict[str, float]) -> np.ndarray:
    """Retirements and exogenous quits due this step; returns, per enterprise, how many
    of the workers it trained left it (other than by retiring)."""
    p, f, w, rng, now = model.p, model.firms, model.workers, model.rng, model.steps
    due = np.flatnonzero((w.exit_step == now) & (w.employer != GONE))
    own_left = np.zeros(f.n)
    if not due.size:
        return own_left
    emp = w.employer[due]
    was_employed = emp >= 0
    f.headcount -= np.bincount(emp[was_employed], minlength=f.n)
    quits = ~w.retires[due] & was_employed
    own_q = quits & (w.trainer[due] == emp)
    own_left += np.bincount(emp[own_q], minlength=f.n)
    book["trained_separations"] += float(np.count_nonzero(quits & (w.trainer[due] >= 0)))
    search = quits & (rng.random(due.size) < p.quit_to_search_share)
    w.employer[due] = GONE
    stay = due[search]
    w.employer[stay] = UNEMPLOYED
    w.search_steps[stay] = 0
    w.exit_step[stay], w.retires[stay] = _draw_exits(model, stay.size)
    return own_left


def _layoffs(model: Simulation) -> None:
    """Enterprises above target headcount (demand fell) lay off, last in first out."""
    f, w, p = model.firms, model.workers, model.p
    target = f.positions * model.industry.demand_index[f.sector]
    excess = np.floor(f.headcount - target * (1 + p.layoff_slack)).astype(np.int64)
    if not (excess > 0).any():
        return
    idx = np.flatnonzero(np.isin(w.employer, np.flatnonzero(excess > 0)))
    order, rank = group_rank(w.employer[idx], -w.hired_step[idx].astype(float)
                             - model.rng.random(idx.size) * 0.5)
    sel = idx[order[rank < excess[w.employer[idx[order]]]]]
    f.headcount -= np.bincount(w.employer[sel], minlength=f.n)
    w.employer[sel] = UNEMPLOYED
    w.search_steps[sel] = 0


def _bernoulli_indices(rng: np.random.Generator, n: int, q: float) -> np.ndarray:
    """Indices in ``range(n)`` each kept with probability ``q``, in order: geometric
    gaps between kept indices, so the cost is O(q·n) instead of O(n)."""
    if q <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    size = int(q * n + 5 * np.sqrt(q * n) + 10)
    idx = np.cumsum(rng.geometric(q, size)) - 1
    while idx[-1] < n:  # rarely: draw more gaps
        idx = np.r_[idx, idx[-1] + np.cumsum(rng.geometric(q, size))]
    return idx[idx < n]


def _search(model: Simulation, vac: np.ndarray, book: dict[str, float],
            reserve: np.ndarray) -> np.ndarray:
    """Outside offers to employed workers and applications of the unemployed, accepted
    if worth it; firms fill up to their vacancies less ``reserve``, in rounds of offers
    (best score first) and acceptances (best wage).
    Updates ``vac``; returns per enterprise the workers it trained who left it for
    another."""
    p, f, w, rng = model.p, model.firms, model.workers, model.rng
    own_left = np.zeros(f.n)
    book["_j2j_sector"] = np.zeros(model.K)
    # Outside offers: draw contacts at the highest rate among all records and thin them
    # (O(contacts), not O(workforce)): employed workers only, untrained ones at
    # 1 / (1 + boost).
    cand = _bernoulli_indices(rng, w.n, min(p.job_offer_rate * (1 + p.trained_offer_boost),
                                            1.0))
    keep = w.employer[cand] >= 0
    keep &= (w.trainer[cand] >= 0) | (rng.random(cand.size) * (1 + p.trained_offer_boost) < 1)
    searching_emp = cand[keep]
    unemp_idx = np.flatnonzero(w.employer == UNEMPLOYED)
    n_apps = p.applications_base + np.floor(2 * p.platform_level
                                            + rng.random(unemp_idx.size)).astype(np.int64)
    who = np.r_[searching_emp, np.repeat(unemp_idx, n_apps)].astype(np.int64)
    free = vac - reserve
    if who.size and free.sum() > 0:
        p_local = p.p_local * (1 - 0.3 * p.platform_level)
        district = np.where(rng.random(who.size) < p_local, w.district[who], -1)
        firm = draw_firms(model, w.sector[who].astype(np.int64), district, weights=free)
        ok = (firm >= 0) & (firm != w.employer[who])
        who, firm = who[ok], firm[ok]
        score = w.fit[who] + rng.normal(0, 0.05, who.size)
        ok = score >= p.hire_threshold + 0.1 * f.tech[firm]
        who, firm, score = who[ok], firm[ok], score[ok]
        offer = wage_offer(model, firm, w.fit[who], w.trainer[who])
        owed = payback_owed(model, who)
        employed = w.employer[who] >= 0
        horizon = SEMESTER_MONTHS * p.retention_horizon
        worth = offer > w.wage[who] * (1 + p.mobility_cost) + owed / horizon
        ok = np.flatnonzero(~employed | worth)
        # Firms offer their free places best score first; each worker takes the best
        # wage offered; rounds as in the graduates' market.
        acc, _ = offer_rounds(who[ok], firm[ok], -score[ok], offer[ok], free, w.n,
                              p.matching_rounds)
        acc = ok[acc]
        _move(model, who[acc], firm[acc], offer[acc], vac, own_left, book)
    # The unemployed who found nothing search on; long-term ones leave the region.
    still = unemp_idx[w.employer[unemp_idx] == UNEMPLOYED]
    w.search_steps[still] += 1
    w.employer[still[w.search_steps[still] >= p.max_unemployed_steps]] = GONE
    return own_left


def _move(model: Simulation, idx: np.ndarray, firm: np.ndarray, offer: np.ndarray,
          vac: np.ndarray, own_left: np.ndarray,
          book: dict[str, float]) -> None:
    """Workers ``idx`` take jobs at ``firm``; those who leave an employer open a vacancy
    there (for the graduates of this step)."""
    f, w = model.firms, model.workers
    old = w.employer[idx]
    moved = old >= 0
    n = f.n
    f.headcount -= np.bincount(old[moved], minlength=n)
    vac += np.bincount(old[moved], minlength=n)
    f.headcount += np.bincount(firm, minlength=n)
    vac -= np.bincount(firm, minlength=n)
    f.poached[0] += np.bincount(firm[moved], minlength=n)
    own = moved & (w.trainer[idx] == old)
    own_left += np.bincount(old[own], minlength=n)
    trained = moved & (w.trainer[idx] >= 0)
    book["job_to_job"] += float(np.count_nonzero(moved))
    book["experienced_hires"] += float(np.count_nonzero(~moved))
    book["poached_trained"] += float(np.count_nonzero(trained & (w.trainer[idx] != firm)))
    book["trained_separations"] += float(np.count_nonzero(trained))
    book["_j2j_sector"] += np.bincount(f.sector[old[moved]], minlength=model.K)
    w.employer[idx] = firm
    w.district[idx] = f.district[firm]
    w.wage[idx] = offer
    w.hired_step[idx] = model.steps
    w.search_steps[idx] = 0

"""Process 14 — data collection: this step's outcomes and per-sector records.

Cohort outcomes are measured one step (six months) after a cohort graduates and held
until the next cohort is measured; measuring a cohort also tells next year's entrants
how it fared (:func:`.enrolment.update_prospects`) (ODD §7.14). Every outcome computed
here is declared in :data:`ecosim.params.OUTCOMES`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..constants import Constant
from ..population import Status
from ..state import SIZE_CLASSES
from .curricula import alignment
from .enrolment import update_prospects

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "collect_data", "measure", "measure_cohort", "sector_rows"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("adequate_fit", 0.5, 0.3, 0.7, "skill fit",
             "skill fit at which in-field employment counts as skill-matched "
             "(skill_matched_rate; the official in_field_rate does not use it)",
             "assumption"),
)


def collect_data(model: Simulation) -> None:
    """Compute this step's outcomes, record them (Mesa DataCollector) and the sector rows."""
    out = measure(model)
    model.current = {name: float(out[name]) for name in model.outcome_names}
    if model.time >= 0:  # spin-up steps are not reported
        model.datacollector.collect(model)
        model.sector_records.extend(sector_rows(model))


def measure(model: Simulation) -> dict[str, float]:
    """Compute this step's outcomes (name → value, before selecting declared ones)."""
    book = model.book
    g = model.steps - 1
    if g in book.pending:
        measure_cohort(model, g)
    _close_job_search(model)
    # Cohort outcomes, held until the next cohort is measured.
    out: dict[str, float] = dict(book.stats)
    out.update(_labour_market(model))
    out.update(_partnerships(model))
    out.update(_schools(model))
    out.update(_money(model))
    out.update(_flows(model))
    out.update(_placements(model))
    out.update(_workforce(model))
    return out


def _workforce(model: Simulation) -> dict[str, float]:
    """The skilled labour market with its workforce: unemployment, vacancies, poaching,
    trained workers' quits and wages, training and poaching-only enterprises."""
    w, f, pop = model.workers, model.firms, model.pop
    employed = w.employer >= 0
    n_emp = int(f.headcount.sum())  # = employed records (tests/test_workforce.py)
    grads = np.count_nonzero((pop.status == Status.SEARCHING)
                             | (pop.status == Status.UNEMPLOYED))
    unemployed = grads + np.count_nonzero(w.employer == -1)
    open_vac = float(f.vacancies.sum())
    win = model.ledger.workforce_window

    def total(key: str) -> float:
        return float(sum(b[key] for b in win))

    hires = total("graduate_hires") + total("experienced_hires") + total("job_to_job")
    trained = employed & (w.trainer >= 0)
    others = employed & (w.trainer < 0)
    emp_trained = total("trained_employed") / max(len(win), 1)
    wage = w.wage
    premium = (float(wage[trained].mean() / wage[others].mean() - 1)
               if trained.any() and others.any() else np.nan)
    trains = f.round_interns > 0
    poaches = f.poached.sum(axis=0) > 0
    own_stay = float(f.own_stay[trains].mean()) if trains.any() else np.nan
    return {
        "unemployment_rate": unemployed / (n_emp + unemployed) if n_emp + unemployed
        else np.nan,
        "vacancy_rate": open_vac / (n_emp + open_vac) if n_emp + open_vac else np.nan,
        "poaching_share_of_hires": total("job_to_job") / hires if hires else np.nan,
        "trained_quit_rate": (total("trained_separations") / emp_trained * 2 / max(len(win), 1)
                              if emp_trained else np.nan),
        "training_firm_share": float(trains.mean()) if f.n else np.nan,
        "poaching_only_firm_share": float((~trains & poaches).mean()) if f.n else np.nan,
        "trained_wage_premium": premium,
        "workers": float(n_emp),
        "job_to_job_moves": float(win[-1]["job_to_job"]) if win else 0.0,
        "own_trained_stay": own_stay,
    }


def _close_job_search(model: Simulation) -> None:
    """A cohort's job search ends max_unemployed_steps − 1 steps after graduation: by
    then each of its entrants has been hired or has left the region."""
    book = model.book
    done = book.job_search.pop(model.steps - (model.p.max_unemployed_steps - 1), None)
    if done is not None:
        book.stats["employed_within_two_years"] = (
            done["hired"] / done["entrants"] if done["entrants"] else np.nan)
        book.stats["mean_search_semesters"] = (
            done["waits"] / done["hired"] if done["hired"] else np.nan)


def _labour_market(model: Simulation) -> dict[str, float]:
    """Over the last year: hires / (vacancies open a year ago + new ones since), so
    carried-over vacancies count once and the rate stays a share."""
    w = model.ledger.hires_window
    hires = sum(h for h, _, _, _ in w)
    vacs = (w[0][2] + sum(n for _, n, _, _ in w[1:])) if w else 0
    gaps = sum(gp for _, _, _, gp in w)
    return {"vacancy_fill_rate": hires / vacs if vacs else np.nan,
            "skill_gap": gaps / hires if hires else np.nan}


def _partnerships(model: Simulation) -> dict[str, float]:
    f, t = model.firms, model.partnerships
    out: dict[str, float] = {}
    participating = t.per_firm() > 0
    out["participation_rate"] = float(participating.mean()) if f.size.size else np.nan
    for c, (name, _, _) in enumerate(SIZE_CLASSES):
        m = f.size_class == c
        out[f"participation_{name}"] = float(participating[m].mean()) if m.any() else np.nan
    rows = t.active_rows
    depth = t.depth[rows]
    out["partnerships"] = float(rows.size)
    for d in (1, 2, 3):
        out[f"partnerships_depth_{d}"] = float(np.count_nonzero(depth == d))
    out["deep_partnership_share"] = float(np.mean(depth >= 2)) if rows.size else 0.0
    return out


def _schools(model: Simulation) -> dict[str, float]:
    ss = model.schools
    voc = ss.vocational
    T = ss.teachers
    out: dict[str, float] = {}
    out["dual_qualified_share"] = (float((ss.dual_qualified[voc] * T[voc]).sum()
                                         / T[voc].sum()) if voc.any() else np.nan)
    seats = ss.seats
    out["curriculum_alignment"] = float((alignment(model) * seats).sum()
                                        / max(seats.sum(), 1e-9))
    return out


def _money(model: Simulation) -> dict[str, float]:
    led, gov = model.ledger, model.government
    started = model.steps > -model.spinup  # no flows yet in the initial state
    out: dict[str, float] = {"resources_shared": led.shared_total}
    spend = gov.spent_step if started else dict.fromkeys(gov.INSTRUMENTS, 0.0)
    out["government_spending"] = float(sum(spend.values())) if started else 0.0
    for name, v in spend.items():
        out[f"spending_{name}"] = float(v) if started else 0.0
    out["budget_ration"] = float(gov.ration)
    out["internship_subsidy_level"] = float(model.p.internship_subsidy)
    if started:
        led.spend_window = ([*led.spend_window, out["government_spending"]])[-2:]
    matched = model.book.stats["in_field_graduates"]
    out["average_cost_per_in_field_graduate"] = (sum(led.spend_window) / matched
                                             if matched and matched == matched else np.nan)
    return out


def _placements(model: Simulation) -> dict[str, float]:
    """Compulsory placements of the latest round, and hosts' realised economics."""
    led, t = model.ledger, model.partnerships
    pl = led.placements
    if pl and pl.get("eligible", 0) > 0:
        placed = pl["eligible"] - pl["unplaced_no_capacity"]
        model.book.placement_stats = {
            "placement_coverage": placed / pl["eligible"],
            "placement_at_partner_share": pl["partner"] / placed if placed else np.nan,
            "mean_placement_quality": pl["quality_sum"] / placed if placed else np.nan}
    out = dict(model.book.placement_stats)
    out.update(led.economics)
    rows = t.active_rows
    out["satisfied_partnership_share"] = (float(np.mean(t.sat_firm[rows] > 0))
                                          if rows.size else np.nan)
    return out


def _flows(model: Simulation) -> dict[str, float]:
    flows, pop, f = model.ledger.flows, model.pop, model.firms
    status = pop.status
    return {
        "vocational_share": model.book.vocational_share,
        "graduates": float(flows.graduates),
        "hires": float(flows.hires),
        "new_vacancies": float(flows.new_vacancies),
        "open_vacancies": float(flows.sector_vacancies.sum()),
        "unemployed": float(np.count_nonzero((status == Status.SEARCHING)
                                             | (status == Status.UNEMPLOYED))),
        "students_alive": float(pop.n_alive),
        "certified_enterprises": float(f.certified.sum()),
        "interns": float(model.ledger.interns),
        "partner_interns": float(model.ledger.placements.get("partner", 0.0)),
        "mean_awareness": float(f.awareness.mean()) if f.awareness.size else np.nan,
    }


def sector_rows(model: Simulation) -> list[dict[str, Any]]:
    """This step's per-sector records (rows of ``model.sector_frame()``)."""
    flows, ss, frontier = model.ledger.flows, model.schools, model.industry.frontier
    align = alignment(model)
    rows = []
    for k, s in enumerate(model.sectors):
        rows.append({
            "step": model.time, "sector": s.name,
            "graduates": float(flows.sector_graduates[k]),
            "hires": float(flows.sector_hires[k]),
            "in_field": float(flows.sector_in_field[k]),
            "vacancies": float(flows.sector_vacancies[k]),
            "new_vacancies": float(flows.sector_new_vacancies[k]),
            "shortage": float(flows.sector_shortage[k]),
            "frontier": float(frontier[k]),
            "alignment": float((align[:, k] * ss.seats[:, k]).sum()
                               / max(ss.seats[:, k].sum(), 1e-9)),
        })
    return rows


def measure_cohort(model: Simulation, g: int) -> None:
    """Measure the cohort that graduated at step ``g``, six months on."""
    pop, book = model.pop, model.book
    c = book.pending.pop(g)
    cohort = pop.grad_step == g
    employed = cohort & (pop.status == Status.EMPLOYED)
    in_field = employed & pop.in_field
    stats = book.stats
    N, Fs = c["graduates"], c["further"]
    L = N - Fs
    typ = pop.school_type
    emp_t = np.bincount(typ[employed], minlength=3)
    inf_t = np.bincount(typ[in_field], minlength=3)

    def ratio(a: float, b: float) -> float:
        return float(a / b) if b > 0 else np.nan

    stats["employment_rate"] = ratio(emp_t.sum(), L.sum())
    stats["placement_rate"] = ratio(emp_t.sum() + Fs.sum(), N.sum())
    stats["in_field_rate"] = ratio(inf_t.sum(), emp_t.sum())
    matched = in_field & (pop.match_quality >= model.p.adequate_fit)
    stats["skill_matched_rate"] = ratio(np.count_nonzero(matched), L.sum())
    stats["further_study_rate"] = ratio(Fs.sum(), N.sum())
    stats["placement_rate_higher_vocational"] = ratio(emp_t[1] + Fs[1], N[1])
    stats["in_field_rate_higher_vocational"] = ratio(inf_t[1], emp_t[1])
    stats["in_field_graduates"] = float(inf_t.sum())
    stats["mean_time_to_job"] = (float(pop.search_steps[employed].mean())
                                 if employed.any() else np.nan)
    interned = cohort & (pop.intern_semesters > 0)
    kept = interned & employed & (pop.employer == pop.intern_host)
    stats["intern_retention_rate"] = ratio(kept.sum(), interned.sum())
    local = employed & (model.firms.district[np.maximum(pop.employer, 0)] == pop.district)
    stats["local_retention_rate"] = ratio(local.sum(), employed.sum())
    update_prospects(model, cohort, in_field,
                     ratio(emp_t[:2].sum() + Fs[:2].sum(), N[:2].sum()),
                     ratio(emp_t[2] + Fs[2], N[2]))

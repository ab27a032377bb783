"""Process 9 — graduation, further study (the general–vocational bridge) and dropout.

Seed mechanism: "promoting the integration of general and vocational education is the
critical point" (abstract); further study counts as placement in the Ministry's
statistics (facts.md). Dropout is higher where teaching is poor. Career services
earmarked for a school's final-year students go with its graduates (ODD §7.9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from ..population import Status
from .learning import teaching_quality

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "graduate"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("dropout_base", 0.012, 0.0, 0.05, "1/semester",
             "dropout hazard per semester at average teaching quality and ability",
             "assumption: ~7% of a cohort"),
)


def graduate(model: Simulation) -> None:
    """Students drop out; those who completed go on to study or enter the labour market."""
    p, pop, rng, book = model.p, model.pop, model.rng, model.book
    enrolled = np.flatnonzero(pop.status == Status.ENROLLED)
    q = teaching_quality(model)[pop.school[enrolled]]
    p_drop = p.dropout_base * (1.6 - q) * (1.3 - 0.3 * pop.ability[enrolled])
    drop = enrolled[rng.random(enrolled.size) < p_drop]
    done = enrolled[pop.semester[enrolled] >= pop.length[enrolled]]
    done = np.setdiff1d(done, drop, assume_unique=True)
    typ = pop.school_type[done]
    ab = np.clip(pop.ability[done], 0.5, 1.5) ** 2
    # Higher-vocational → bachelor: 6.3% (2018) → 20.1% (2022) as the bridge opened
    # (MyCOS, facts.md): 0.5 × openness × ability² gives 15% at openness 0.3.
    p_further = np.select(
        [typ == 0, typ == 1],
        [0.25 + 0.5 * p.bridge_openness, 0.5 * p.bridge_openness * ab],
        0.2 * ab)
    further = rng.random(done.size) < np.clip(p_further, 0, 0.95)
    t = model.steps
    if done.size:
        book.pending[t] = {"graduates": np.bincount(typ, minlength=3),
                           "further": np.bincount(typ[further], minlength=3)}
    grads = done[~further]
    if grads.size:
        book.job_search[t] = {"entrants": float(grads.size), "hired": 0.0, "waits": 0.0}
    pop.status[grads] = Status.SEARCHING
    pop.grad_step[grads] = t
    pop.search_steps[grads] = 0
    _hand_out_career_services(model, done, grads)
    flows = model.ledger.flows
    flows.graduates = int(done.size)
    flows.sector_graduates = np.bincount(pop.programme[done], minlength=model.K).astype(float)
    book.removed["dropped_out"] += int(drop.size)
    book.removed["further_study"] += int(further.sum())
    pop.status[drop] = Status.GONE
    pop.status[done[further]] = Status.GONE


def _hand_out_career_services(model: Simulation, done: np.ndarray, grads: np.ndarray) -> None:
    """The school's earmarked budget (claimed for every final-semester student) is shared
    by all its graduates; those entering the labour market use it."""
    pop, ss = model.pop, model.schools
    n_by_school = np.bincount(pop.school[done], minlength=ss.n)
    per_grad = np.where(n_by_school > 0, ss.career_budget / np.maximum(n_by_school, 1), 0.0)
    pop.support[grads] = per_grad[pop.school[grads]]
    ss.career = np.where(n_by_school > 0, np.clip(per_grad / 1_000.0, 0, 1), ss.career)
    ss.career_budget = np.where(n_by_school > 0, 0.0, ss.career_budget)

"""Process 8 — learning: competencies grow with ability × teaching quality, more in
internships.

Seed mechanism: the five core qualities (paper §4.1) grow through reformed content
(alignment), teaching methods (practical, project-based teaching, dual-qualified staff,
shared resources) and internships; "students' inability to get timely help when they
encounter difficulties in practice" (§4.3) is the school's management quality scaling
what an internship teaches. Skill fit — how well a student's competencies match a
sector's needs — is defined here too (ODD §7.8).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from ..population import Status
from .curricula import alignment
from .teachers import effective_dual_qualified, students_taught

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "learn", "teaching_quality", "skill_fit", "skill_fit_matrix"]

# Learning rates per semester, calibrated so that an average graduate reaches a skill fit
# of ~0.55–0.6 and in-field employment lands near 70% (facts.md, MOE 2014).
_CALIBRATED = "calibrated: graduate skill fit ~0.55–0.6, in-field ~70% (facts.md, MOE 2014)"
CONSTANTS: tuple[Constant, ...] = (
    Constant("school_learning_rate", 0.25, 0.05, 0.5, "1/semester",
             "rate at which school teaching closes the gap of the four general competencies",
             _CALIBRATED),
    Constant("frontier_learning_rate", 0.25, 0.05, 0.5, "1/semester",
             "rate at which school teaching moves frontier skill toward the curriculum's",
             _CALIBRATED),
    Constant("intern_learning_rate", 0.25, 0.05, 0.5, "1/semester",
             "rate at which an internship adds practical, teamwork, complex-environment and "
             "frontier skill", _CALIBRATED),
)


def teaching_quality(model: Simulation) -> np.ndarray:
    """Teaching quality per school (0–1) from dual-qualified staff, practice, resources.

    Also sets each school's share of practical teaching.
    """
    ss = model.schools
    enrolled = students_taught(model)
    res = 1 - np.exp(-ss.resources / enrolled / 2_000.0)
    ss.practical = np.where(ss.vocational, 0.3 + 0.3 * res
                            + 0.2 * effective_dual_qualified(model), 0.15 + 0.2 * res)
    return (0.25 + 0.35 * effective_dual_qualified(model) + 0.2 * ss.practical
            + 0.2 * res)


def learn(model: Simulation) -> None:
    """Enrolled students learn at school; interns learn at their host; semesters advance."""
    p, pop, ss = model.p, model.pop, model.schools
    enrolled = pop.status == Status.ENROLLED
    # Whole-array updates (no gather/scatter): the rate is zero for non-enrolled.
    rate = pop.ability * enrolled
    school, prog = pop.school, pop.programme
    q = teaching_quality(model)
    practical, mgmt = ss.practical, ss.management
    target = (alignment(model) * (0.6 + 0.4 * q)[:, None]).ravel()
    c0 = pop.competency_row(0)
    c0 += p.frontier_learning_rate * rate * np.maximum(
        target[school.astype(np.int64) * model.K + prog] - c0, 0)
    lr = p.school_learning_rate * rate
    for j, coef in ((1, 0.5 * q + 0.5 * practical), (2, 0.5 * q + 0.5 * practical),
                    (3, 0.7 * q + 0.3 * practical), (4, 0.6 + 0.4 * mgmt)):
        cj = pop.competency_row(j)  # one row at a time: temporaries stay in cache
        cj += lr * coef[school] * (1 - cj)
    _learn_in_internships(model, enrolled)
    semester = pop.semester
    semester += enrolled


def _learn_in_internships(model: Simulation, enrolled: np.ndarray) -> None:
    """Internships add practical, teamwork, complex-environment and frontier skill; the
    host books its interns' skill fit."""
    pop, f = model.pop, model.firms
    prog = pop.programme
    it = np.flatnonzero(enrolled & (pop.intern_host >= 0))
    f.fit_sum = np.zeros(f.n)
    if not it.size:
        return
    host = pop.intern_host[it]
    # The placement's mentoring quality (set in process 7) scales what it teaches.
    gain = model.p.intern_learning_rate * pop.placement_quality[it].astype(float)
    c = pop.competency[it]
    c[:, 0] += gain * np.maximum(f.tech[host] - c[:, 0], 0)
    c[:, 1:4] += (gain * pop.ability[it])[:, None] * np.array([0.8, 0.8, 1.0]) * (
        1 - c[:, 1:4])
    c = np.clip(c, 0, 1)
    pop.competency[it] = c
    pop.intern_semesters[it] += 1
    f.fit_sum = np.bincount(host, weights=skill_fit(model, c.T, prog[it], prog[it]),
                            minlength=f.n)


def skill_fit_matrix(model: Simulation, comp: np.ndarray, programme: np.ndarray
                     ) -> np.ndarray:
    """Skill fit of each student (columns of ``comp``, shape (5, m)) for every sector:
    an (m, K) matrix; the same formula as :func:`skill_fit`."""
    W = model.industry.weights  # (K, 5)
    fit = comp[1:].T @ W[:, 1:].T  # (m, K): the four general competencies
    c0 = comp[0][:, None] * np.where(
        programme[:, None] == np.arange(model.K)[None, :], 1.0, 0.3)
    return fit + c0 * W[:, 0][None, :]


def skill_fit(model: Simulation, comp: np.ndarray, programme: np.ndarray,
              sector: np.ndarray) -> np.ndarray:
    """Skill fit (0–1) of students for jobs in ``sector``.

    ``comp`` is (5, m): one row per competency. Frontier skill is specific to the
    programme's sector: it counts 30% elsewhere.
    """
    w = model.industry.weights[sector]
    fit = w[:, 0] * comp[0] * np.where(programme == sector, 1.0, 0.3)
    for j in range(1, comp.shape[0]):
        fit += w[:, j] * comp[j]
    return fit

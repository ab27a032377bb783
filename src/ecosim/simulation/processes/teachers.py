"""Process 5 — teachers: practice in enterprises and industry masters raise dual
qualification.

Seed mechanism: "insufficient faculty" and the remedy "university teachers can visit
enterprises ... enterprises can send staff to universities" (paper §2, §4.3);
"teachers' practice" is one of the six guides (§5) (ODD §7.5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "train_teachers", "industry_masters", "effective_dual_qualified",
           "teachers_for", "students_taught"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("teacher_practice_cost", 20_000.0, 5_000.0, 60_000.0, "yuan/teacher-semester",
             "cost of one teacher's semester of practice in an enterprise", "assumption"),
    Constant("teacher_attrition", 0.02, 0.0, 0.1, "1/semester",
             "dual qualification lost per semester: retirement, moves, skills going stale",
             "assumption"),
    Constant("students_per_teacher", 18.0, 10.0, 30.0, "students/teacher",
             "student–teacher ratio of schools (sets the number of teachers)",
             "order of magnitude of Chinese vocational schools (assumption)"),
)


def teachers_for(model: Simulation, enrolled: np.ndarray) -> np.ndarray:
    """Teachers a school employs for ``enrolled`` students (at least one)."""
    return np.maximum(1.0, enrolled / model.p.students_per_teacher)


def students_taught(model: Simulation) -> np.ndarray:
    """Students each school's teachers are staffed for (at least one)."""
    return np.maximum(model.schools.teachers * model.p.students_per_teacher, 1.0)


def train_teachers(model: Simulation) -> None:
    """Spend the practice budget on teacher placements; dual qualification decays."""
    p, ss, t = model.p, model.schools, model.partnerships
    T = ss.teachers
    placements = np.minimum(np.floor(ss.budget / p.teacher_practice_cost), 0.2 * T)
    ss.budget -= placements * p.teacher_practice_cost
    model.ledger.teacher_practice_used = float(placements.sum() * p.teacher_practice_cost)
    has_partner = t.per_school_sector(ss.n, model.K).sum(axis=1) > 0
    effect = np.where(has_partner, 1.0, 0.5)
    ss.dual_qualified += placements * effect * 0.5 * (1 - ss.dual_qualified) / T
    ss.dual_qualified *= (1 - p.teacher_attrition
                          - 0.25 * float(model.industry.frontier_step.mean()))
    ss.dual_qualified = np.clip(ss.dual_qualified, 0, 1)


def industry_masters(model: Simulation) -> np.ndarray:
    """Industry masters teaching at each school: half a post per depth level ≥ 2."""
    t = model.partnerships
    m = t.per_school_sector(model.schools.n, model.K,
                            np.maximum(t.depth.astype(float) - 1, 0) * 0.5)
    return m.sum(axis=1)


def effective_dual_qualified(model: Simulation) -> np.ndarray:
    """Dual-qualified share counting industry masters as dual-qualified staff."""
    ss = model.schools
    T, m = ss.teachers, industry_masters(model)
    return (ss.dual_qualified * T + m) / (T + m)

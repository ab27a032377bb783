"""Process 2 — government: funds schools, certifies enterprises, promotes, pays claims.

Seed mechanism: policy support for integration (paper §1) — subsidies, the 30% tax
offset for certified integration enterprises, promotion where enterprises "lack a deep
understanding" (§2), a cooperation platform ("informatization", §4.3), teacher practice
(§4.3) and career services (§4.1). Claims are rationed when the budget runs out.

The optional adaptive rule (DESIGN §3) is an intervention
(:class:`ecosim.simulation.interventions.AdaptiveSubsidy`, ODD §7.2); its constants
``adaptive_subsidy_step`` and ``adaptive_band`` are declared with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from ..population import Status

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "run_government"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("promotion_cost_per_firm", 400.0, 100.0, 2_000.0, "yuan/firm/semester",
             "cost of promotion campaigns per enterprise at full intensity", "assumption"),
    Constant("promotion_effect", 0.08, 0.0, 0.3, "share/semester",
             "share of an enterprise's awareness gap closed per semester at full intensity",
             "assumption"),
    Constant("platform_cost", 1_000_000.0, 100_000.0, 5_000_000.0, "yuan/semester",
             "fixed cost of running the cooperation platform at full level", "assumption"),
    Constant("platform_cost_per_firm", 200.0, 0.0, 1_000.0, "yuan/firm/semester",
             "cost of the platform per enterprise at full level", "assumption"),
)


def run_government(model: Simulation) -> None:
    """Pay last step's claims within the budget, fund schools, promote, certify."""
    p = model.p
    f, ss, pop = model.firms, model.schools, model.pop
    final_year = (pop.status == Status.ENROLLED) & (pop.semester == pop.length - 1)
    grads_next = np.bincount(pop.school[final_year], minlength=ss.n)
    ration = _pay_claims(model, grads_next)
    # Teacher-practice allowance: each semester's share of the yearly funding, at the
    # ration; unspent allowance lapses after a year. Spending is booked when schools
    # use it (process 5), not when it is allotted.
    ss.budget = np.minimum(
        ss.budget + np.where(ss.vocational, p.teacher_practice_funding / 2.0 * ration, 0.0),
        p.teacher_practice_funding)
    ss.career_budget += p.career_services_funding * grads_next * ration
    # Promotion raises awareness. A pilot city gets central co-funding only (its budget,
    # ×1.5); its stronger campaigns and easier certification are levers its scenario
    # sets, not free extras (issue 11).
    boost = p.promotion_effect * p.promotion_intensity * ration
    f.awareness += boost * (1 - f.awareness)
    # Certification of integration enterprises by summed partnership depth.
    t = model.partnerships
    depth_sum = t.per_firm(t.depth.astype(float))
    threshold = p.certification_threshold
    f.certified = (depth_sum >= threshold) | (f.certified & (depth_sum >= threshold / 2))


def _pay_claims(model: Simulation, grads_next: np.ndarray) -> float:
    """This step's claims on the budget, paid by the government; returns the ration.

    ``grads_next`` counts each school's students in their final semester (career
    services are claimed for them).
    """
    p, led = model.p, model.ledger
    claims = {
        "internship_subsidy": led.intern_claims,
        "resource_sharing": led.sharing_claims,
        "teacher_practice": led.teacher_practice_used,
        "promotion": p.promotion_intensity * p.promotion_cost_per_firm * p.n_enterprises,
        "platform": p.platform_level * (p.platform_cost
                                        + p.platform_cost_per_firm * p.n_enterprises),
        "career_services": p.career_services_funding * float(grads_next.sum()),
    }
    uncapped = {"tax_credit": p.tax_credit_rate * led.tax_base}
    return model.government.pay(claims, uncapped)


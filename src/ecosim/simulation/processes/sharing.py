"""Process 4 — resource sharing inside partnerships.

Seed mechanism: "some enterprises protect their core technologies and are unwilling to
open relevant resources to schools" (paper §4.3). Willingness rises with the sharing
incentive, IP protection and awareness and falls with the firm's IP sensitivity when
protection is weak; shared equipment and know-how raise practical teaching (ODD §7.4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from ..sampling import sigmoid

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "sharing_willingness", "shared_per_partnership", "share_resources"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("share_unit", 20_000.0, 5_000.0, 60_000.0, "yuan/semester",
             "resources shared by a fully willing depth-2 partner with 4 mentors",
             "assumption"),
    # By depth (assumption): joint labs share much more equipment than order classes,
    # which share more than internship agreements.
    Constant("sharing_depth_1", 0.25, 0.0, 1.0, "multiplier",
             "resources shared at depth 1 relative to the share unit", "assumption"),
    Constant("sharing_depth_2", 1.0, 0.25, 2.0, "multiplier",
             "resources shared at depth 2 relative to the share unit", "assumption"),
    Constant("sharing_depth_3", 2.5, 1.0, 5.0, "multiplier",
             "resources shared at depth 3 relative to the share unit", "assumption"),
)


def sharing_willingness(model: Simulation) -> np.ndarray:
    """Each enterprise's willingness (0–1) to open equipment and know-how to schools."""
    p, f = model.p, model.firms
    return sigmoid(-1.0 + 3.0 * p.resource_sharing_incentive + 2.5 * p.ip_protection
                   - 4.0 * f.ip_sensitivity * (1 - p.ip_protection)
                   + 1.0 * f.awareness)


def shared_per_partnership(model: Simulation, depth: int) -> np.ndarray:
    """Resources (yuan/semester) a fully willing enterprise shares at a given depth."""
    return (model.p.share_unit * model.depth.sharing[depth]
            * np.sqrt(model.firms.mentors / 4.0))


def share_resources(model: Simulation) -> None:
    """Partners share resources with schools; book the incentive claims (paid next step)."""
    t, ss, led, f = model.partnerships, model.schools, model.ledger, model.firms
    t.shared_step[:] = 0.0
    rows = t.active_rows
    ss.resources *= 0.95  # depreciation of shared equipment
    f.shared = np.zeros(f.n)
    if rows.size == 0:
        led.sharing_claims = 0.0
        led.shared_total = 0.0
        return
    firm = t.firm[rows]
    dt = model.depth
    amount = (sharing_willingness(model)[firm]
              * dt.sharing[t.depth[rows]] / dt.sharing[2]
              * shared_per_partnership(model, 2)[firm])
    t.shared_step[rows] = amount
    t.shared_total[rows] += amount
    ss.resources += np.bincount(t.school[rows], weights=amount, minlength=ss.n)
    led.shared_total = float(amount.sum())
    led.sharing_claims = model.p.resource_sharing_incentive * led.shared_total
    f.shared = np.bincount(firm, weights=amount, minlength=f.n)

"""Process 6 — curriculum: programmes move toward the frontier, faster with deep partners.

Seed mechanism: "unreasonable curriculum setting" and "disconnection between teaching
and practical application" (paper §2); reform of educational content "timely adjusting
the teaching content" through cooperation (§4.1) (ODD §7.6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from .teachers import effective_dual_qualified

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "update_curricula", "alignment"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("gap_scale", 0.5, 0.2, 1.0, "frontier units",
             "curriculum gap to the frontier at which alignment falls to 1/e", "assumption"),
    Constant("curriculum_base_speed", 0.04, 0.0, 0.15, "share/semester",
             "share of the curriculum's gap closed per semester from the school's own effort, "
             "before partners, dual-qualified teachers and management add to it",
             "a programme revision every ~12 years (assumption)"),
)


def update_curricula(model: Simulation) -> None:
    """Each programme closes part of its gap to the frontier."""
    p, ss, t = model.p, model.schools, model.partnerships
    depth = t.per_school_sector(ss.n, model.K, t.depth.astype(float))
    depth_norm = np.minimum(1.0, depth / 4.0)
    speed = p.curriculum_responsiveness * (
        p.curriculum_base_speed + 0.12 * depth_norm
        + (0.08 * effective_dual_qualified(model) + 0.04 * ss.management)[:, None])
    gap = np.maximum(model.industry.frontier[None, :] - ss.curriculum, 0.0)
    ss.curriculum += np.minimum(speed, 0.9) * gap


def alignment(model: Simulation) -> np.ndarray:
    """Alignment of each school programme with its sector frontier, shape (S, K)."""
    gap = np.maximum(model.industry.frontier[None, :] - model.schools.curriculum, 0.0)
    return np.exp(-gap / model.p.gap_scale)

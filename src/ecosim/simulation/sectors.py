"""Sectors (industries) of a region and the five core competencies.

The five competencies are those the seed paper names as the core qualities of new-era
industrial talent (Chen & Wang, §4.1): frontier technical skill, innovative practical
ability, teamwork and communication, handling complex environments, professional
ethics and social responsibility.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["COMPETENCIES", "Sector", "SECTOR_SETS", "sector_set"]

COMPETENCIES: tuple[str, ...] = (
    "frontier_skill",
    "innovative_practice",
    "teamwork_communication",
    "complex_environments",
    "ethics_responsibility",
)


@dataclass(frozen=True)
class Sector:
    """One industry of the region.

    Attributes:
        name: snake_case name.
        enterprise_share: share of the region's enterprises in this sector.
        demand_growth: own yearly growth of labour demand (added to ``demand_growth``).
        tech_multiplier: how fast its frontier moves relative to ``tech_change_rate``.
        monthly_wage: skilled entry wage, yuan per month.
        weights: weights over :data:`COMPETENCIES` (sum to 1).
    """

    name: str
    enterprise_share: float
    demand_growth: float
    tech_multiplier: float
    monthly_wage: float
    weights: tuple[float, float, float, float, float]


# Shares and wages are illustrative orders of magnitude for a Chinese prefecture-level
# region, not measured data; technology multipliers follow the seed paper's point that
# AI / big data / cloud move fastest (§3). Weights express which of the five qualities
# each sector values most (modeller's judgement, documented in docs/ODD.md §7).
_GENERIC = (
    Sector("advanced_manufacturing", 0.30, 0.02, 1.0, 6_500, (0.35, 0.25, 0.15, 0.15, 0.10)),
    Sector("information_technology", 0.15, 0.06, 2.0, 8_500, (0.45, 0.25, 0.15, 0.10, 0.05)),
    Sector("modern_services", 0.25, 0.03, 0.8, 5_500, (0.15, 0.15, 0.35, 0.20, 0.15)),
    Sector("health_care", 0.10, 0.04, 0.7, 6_000, (0.25, 0.15, 0.20, 0.15, 0.25)),
    Sector("construction", 0.20, 0.00, 0.5, 6_000, (0.25, 0.20, 0.20, 0.25, 0.10)),
)

# A Deyang-like region (Sichuan): the seed paper (§5) names heavy equipment
# manufacturing, cultural tourism (Sanxingdui) and tea and liquor (Zhao Po tribute tea,
# Mianzhu liquor). Shares are illustrative.
_DEYANG = (
    Sector("equipment_manufacturing", 0.35, 0.02, 1.0, 6_500, (0.35, 0.25, 0.15, 0.15, 0.10)),
    Sector("cultural_tourism", 0.20, 0.05, 0.5, 4_800, (0.10, 0.25, 0.35, 0.15, 0.15)),
    Sector("tea_and_liquor", 0.15, 0.02, 0.4, 5_000, (0.20, 0.25, 0.20, 0.15, 0.20)),
    Sector("electronic_information", 0.10, 0.06, 2.0, 8_000, (0.45, 0.25, 0.15, 0.10, 0.05)),
    Sector("modern_services", 0.20, 0.03, 0.8, 5_200, (0.15, 0.15, 0.35, 0.20, 0.15)),
)

SECTOR_SETS: dict[str, tuple[Sector, ...]] = {"generic": _GENERIC, "deyang": _DEYANG}


def sector_set(region: str) -> tuple[Sector, ...]:
    """Return the sectors of a named region."""
    return SECTOR_SETS[region]


def sector_arrays(sectors: tuple[Sector, ...]) -> dict[str, np.ndarray]:
    """Sector attributes as arrays indexed by sector number."""
    return {
        "share": np.array([s.enterprise_share for s in sectors]),
        "growth": np.array([s.demand_growth for s in sectors]),
        "tech": np.array([s.tech_multiplier for s in sectors]),
        "wage": np.array([s.monthly_wage for s in sectors], dtype=float),
        "weights": np.array([s.weights for s in sectors], dtype=float),
    }

"""Shared sizes and helpers for the ecosim test suite (imported by the test modules)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ecosim import OUTCOMES, EcosystemModel

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = ROOT / "scenarios"

# Sizes. TINY for property tests (hundreds of runs), SMALL for mechanism tests (20 steps
# well under 0.1 s), MEDIUM for direction-of-effect tests averaged over seeds (enough
# enterprises in every sector and size class for the effect to be seen). Spin-ups are
# shorter than the research default (80): TINY and SMALL none (property and mechanism
# tests check the rules on a known initial state), MEDIUM enough for every student to
# have been admitted and taught by the model; the stationarity test
# (tests/test_steady_state.py) uses the default.
TINY: dict[str, Any] = dict(n_schools=4, n_enterprises=60, cohort_size=300, n_districts=2,
                            spinup_steps=0)
SMALL: dict[str, Any] = dict(n_schools=8, n_enterprises=150, cohort_size=800, n_districts=2,
                             spinup_steps=0)
MEDIUM: dict[str, Any] = dict(n_schools=15, n_enterprises=400, cohort_size=3000, n_districts=3,
                              spinup_steps=20)

SHARE_OUTCOMES: tuple[str, ...] = tuple(n for n, o in OUTCOMES.items() if o.unit == "share")

CONTRACT_OUTCOMES: tuple[str, ...] = (
    "employment_rate", "placement_rate", "in_field_rate", "skill_gap", "vacancy_fill_rate",
    "participation_rate", "deep_partnership_share", "intern_retention_rate",
    "local_retention_rate", "vocational_share", "further_study_rate", "dual_qualified_share",
    "curriculum_alignment", "resources_shared", "government_spending",
    "average_cost_per_in_field_graduate", "skill_matched_rate",
)


def make_model(seed: int = 1, scale: dict[str, Any] | None = None, **kw: Any) -> EcosystemModel:
    """A model at ``scale`` (default SMALL) with some parameters changed."""
    return EcosystemModel(seed=seed, **{**(scale or SMALL), **kw})


def is_share(value: float) -> bool:
    """True when ``value`` is NaN or inside [0, 1] (with float tolerance)."""
    return math.isnan(value) or -1e-12 <= value <= 1 + 1e-12


def mean_outcome(seeds: Iterable[int], steps: int, outcome: str, last: int = 4,
                 scale: dict[str, Any] | None = None, **kw: Any) -> tuple[float, list[float]]:
    """Mean over seeds of an outcome's mean over the last ``last`` steps of a run.

    Returns the grand mean and the per-seed values (for messages).
    """
    per_seed = []
    for s in seeds:
        m = make_model(seed=s, scale=scale or MEDIUM, **kw)
        m.run(steps)
        per_seed.append(float(np.nanmean(m.outcomes_frame()[outcome].iloc[-last:])))
    return float(np.mean(per_seed)), [round(v, 4) for v in per_seed]

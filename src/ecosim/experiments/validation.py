"""Pattern-oriented validation of the calibrated baseline against facts.md.

The bands below are the one place where validation targets live: the test suite
(tests/test_validation.py) and ``docs/validation.md`` (written by
``python experiments/validate_baseline.py``) both use them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .runner import final_year_summary, simulate
from .scenario import Scenario, load_scenario

__all__ = ["Target", "TARGETS", "SIZE_ORDER", "baseline_outcomes", "check_targets",
           "size_gradient_ok"]


@dataclass(frozen=True)
class Target:
    """A stylized fact as a band on a final-year outcome (mean over seeds)."""

    outcome: str
    low: float
    high: float
    fact: str
    source: str


TARGETS: tuple[Target, ...] = (
    Target("placement_rate_higher_vocational", 0.90, 1.00,
           "higher-vocational graduates above 90% employed (incl. further study) at 6 months",
           "MOE 2019; 2022 white paper; 2014: 91.5%"),
    Target("placement_rate", 0.90, 1.00,
           "vocational graduates' employment above 90–95% (MOE counts further study)",
           "MOE 2019: secondary vocational > 95% for ten years"),
    Target("in_field_rate", 0.65, 0.82,
           "employed graduates working in their field (专业对口率) around 70%",
           "MOE 2014: 75.98%; 'over 70%' in later reports"),
    Target("local_retention_rate", 0.60, 0.80,
           "nearly 70% work in counties and cities near their school", "MOE 2019"),
    Target("participation_rate", 0.03, 0.50,
           "only a minority of enterprises cooperate",
           "seed paper §2; KfW: 9–12% of SMEs train; BIBB"),
    Target("intern_retention_rate", 0.55, 0.85,
           "most trained interns are kept by their host",
           "Germany: 61% (2010) → 77% (2019), BIBB"),
    Target("vocational_share", 0.35, 0.55,
           "vocational share of new entrants around 41–47%",
           "MOE 2019: 41% upper-secondary, 47% higher education"),
)

SIZE_ORDER = ("participation_micro", "participation_small", "participation_medium",
              "participation_large")


def baseline_outcomes(seeds: int = 5, scenario: Scenario | None = None) -> pd.DataFrame:
    """Final-year outcomes of the baseline, one row per seed (seeds 0..seeds-1)."""
    sc = scenario or load_scenario("baseline")
    names = tuple(sorted({t.outcome for t in TARGETS} | set(SIZE_ORDER)))
    rows = []
    for seed in range(seeds):
        res = simulate(sc, seed=seed)
        rows.append({"seed": seed, **final_year_summary(res.outcomes, names)})
    return pd.DataFrame(rows)


def check_targets(df: pd.DataFrame) -> pd.DataFrame:
    """Compare seed-averaged outcomes with the target bands."""
    rows = []
    for t in TARGETS:
        v = df[t.outcome].astype(float)
        mean = float(v.mean())
        rows.append({"outcome": t.outcome, "fact": t.fact, "band": f"[{t.low:.2f}, {t.high:.2f}]",
                     "model_mean": mean, "model_min": float(v.min()), "model_max": float(v.max()),
                     "ok": bool(t.low <= mean <= t.high), "source": t.source})
    return pd.DataFrame(rows)


def size_gradient_ok(df: pd.DataFrame, tolerance: float = 0.02) -> bool:
    """Participation rises with firm size: each class ≥ the smaller one − tolerance,
    and large firms participate at least 0.2 more than micro firms."""
    m = [float(np.nanmean(df[c])) for c in SIZE_ORDER]
    rising = all(b >= a - tolerance for a, b in zip(m, m[1:], strict=False))
    return rising and m[-1] - m[0] >= 0.2

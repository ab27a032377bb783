"""Stored-baseline regression cases: scenario/seed pairs whose frames are pinned exactly.

``tests/test_baselines.py`` reruns each case and compares its outcome and sector frames
and its accounting with the files in ``tests/baselines/``, value for value. When a change
of the model's results is intended, regenerate them with ``make baseline`` (this
module's :func:`main`) and say in the commit why the numbers moved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

BASELINE_DIR = Path(__file__).resolve().parent / "baselines"
STEPS = 20
# Small scale: every case runs in well under a second.
SCALE: dict[str, Any] = dict(n_schools=8, n_enterprises=150, cohort_size=800, n_districts=2)

# (case name, shipped scenario, seed, extra parameters). Together they exercise every
# process: subsidies and tax credit, the platform, a technology shock, teacher practice,
# the optional adaptive subsidy rule (a policy that moves during the run), a policy
# timeline (a subsidy that ends) and a demand trend. Each starts after the default
# spin-up (80 semesters of today's policy).
CASES: tuple[tuple[str, str, int, dict[str, Any]], ...] = (
    ("baseline_s1", "baseline", 1, {}),
    ("deep_integration_s2", "deep_integration", 2, {}),
    ("cooperation_platform_s3", "cooperation_platform", 3, {}),
    ("tech_shock_s4", "tech_shock", 4, {}),
    ("adaptive_pilot_s5", "pilot_city", 5, {"participation_target": 0.6}),
    ("dual_qualified_teachers_s6", "dual_qualified_teachers", 6, {}),
    ("deyang_sharing_s7", "deyang_region", 7,
     {"resource_sharing_incentive": 0.5, "ip_protection": 0.7, "capacity_flexibility": 0.3,
      "bridge_openness": 0.6}),
    ("subsidy_ends_s8", "subsidy_ends", 8, {}),
    ("growing_demand_s9", "growing_demand", 9, {}),
)


def _kwargs(scenario: str, extra: dict[str, Any]) -> dict[str, Any]:
    from ecosim.experiments.scenario import load_scenario

    kw = load_scenario(scenario).model_kwargs()
    kw.update(SCALE)
    kw.update(extra)
    return kw


def run_case(scenario: str, seed: int, extra: dict[str, Any]
             ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Run one case: its outcome frame, sector frame and accounting."""
    from ecosim import EcosystemModel

    kw = _kwargs(scenario, extra)
    kw.pop("seed", None)
    m = EcosystemModel(seed=seed, **kw)
    m.run(STEPS)
    return m.outcomes_frame(), m.sector_frame(), m.accounting()


def paths(name: str) -> tuple[Path, Path, Path]:
    """Files of one case: outcomes, sectors (Parquet) and accounting (JSON)."""
    return (BASELINE_DIR / f"{name}.outcomes.parquet", BASELINE_DIR / f"{name}.sectors.parquet",
            BASELINE_DIR / f"{name}.accounting.json")


def main() -> None:
    """Regenerate every stored baseline (``make baseline``)."""
    BASELINE_DIR.mkdir(exist_ok=True)
    for name, scenario, seed, extra in CASES:
        out, sec, acc = run_case(scenario, seed, extra)
        p_out, p_sec, p_acc = paths(name)
        out.to_parquet(p_out, index=False)
        sec.to_parquet(p_sec, index=False)
        p_acc.write_text(json.dumps(acc, indent=1, sort_keys=True) + "\n")
        print(f"wrote {name}: {len(out)} steps, {len(sec)} sector rows")


if __name__ == "__main__":
    main()

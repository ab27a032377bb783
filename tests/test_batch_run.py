"""``mesa.batch_run`` can drive the model from flat keyword arguments."""

from __future__ import annotations

import math

import mesa
import pandas as pd
import pytest
from support import SMALL

from ecosim import OUTCOMES, EcosystemModel


def _batch(**extra: object) -> list[dict[str, object]]:
    return mesa.batch_run(
        EcosystemModel,
        parameters={**SMALL, **extra},
        iterations=1,
        max_steps=3,
        number_processes=1,
        display_progress=False,
    )


def test_batch_run_returns_outcome_rows_per_lever_value() -> None:
    """A lever sweep gives one final row per value, with every outcome column."""
    rows = _batch(internship_subsidy=[0, 3000])
    assert len(rows) == 2
    df = pd.DataFrame(rows)
    assert sorted(df["internship_subsidy"]) == [0, 3000]
    assert set(OUTCOMES) <= set(df.columns)
    assert (df["Step"] == 3).all()
    for name in ("participation_rate", "vacancy_fill_rate", "curriculum_alignment"):
        assert df[name].notna().all() and df[name].between(0, 1).all(), name
    assert (df["graduates"] >= 0).all()


def test_batch_run_with_seed_matches_a_direct_run() -> None:
    """batch_run with a seed reproduces EcosystemModel(seed=...) run for the same steps."""
    (row,) = _batch(seed=[5])
    m = EcosystemModel(seed=5, **SMALL)
    m.run(row["Step"])
    for name in OUTCOMES:
        a, b = float(row[name]), m.current[name]
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b), name


def test_batch_run_collects_every_step_when_asked() -> None:
    """With data_collection_period=1 batch_run returns the whole trajectory."""
    rows = mesa.batch_run(EcosystemModel, parameters={**SMALL, "seed": [2]}, iterations=1,
                          max_steps=3, number_processes=1, data_collection_period=1,
                          display_progress=False)
    assert [r["Step"] for r in rows] == [0, 1, 2, 3]
    m = EcosystemModel(seed=2, **SMALL)
    m.run(3)
    assert [r["hires"] for r in rows] == list(m.outcomes_frame()["hires"])

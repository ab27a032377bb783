"""Stored baselines: the model's numbers on seven scenario/seed pairs.

A refactor must leave every value identical. A change of results made on purpose
regenerates the files with ``make baseline`` in the same commit, which says why.

Integer columns (counts) and the accounting must match exactly. Float columns are
compared to a relative 1e-12: NumPy picks its SIMD kernels (``exp``, pairwise sums) by
CPU, so the same code on an AVX-512 and an AVX2 machine can differ in the last bit of a
reported mean (measured: ``alignment`` of the sector frame, 1 ulp). Any real change of
results moves values by many orders of magnitude more than that.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from baseline_cases import CASES, paths, run_case
from pandas.testing import assert_frame_equal

RTOL = 1e-12  # last-bit differences between CPUs' SIMD kernels, see the module docstring


@pytest.mark.parametrize(("name", "scenario", "seed", "extra"), CASES,
                         ids=[c[0] for c in CASES])
def test_frames_match_stored_baseline(name: str, scenario: str, seed: int,
                                      extra: dict) -> None:
    """Outcome frame, sector frame and accounting equal the stored ones, value for value."""
    p_out, p_sec, p_acc = paths(name)
    assert p_out.exists(), f"missing baseline {p_out.name}: run 'make baseline'"
    out, sec, acc = run_case(scenario, seed, extra)
    hint = f"case {name} differs from its stored baseline (intended? run 'make baseline')"
    try:
        assert_frame_equal(out, pd.read_parquet(p_out), check_exact=False, rtol=RTOL, atol=0)
        assert_frame_equal(sec, pd.read_parquet(p_sec), check_exact=False, rtol=RTOL, atol=0)
    except AssertionError as e:
        raise AssertionError(f"{hint}: {e}") from None
    assert acc == json.loads(p_acc.read_text()), hint

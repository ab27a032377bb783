"""Model functions for the sensitivity-pipeline tests (importable by worker processes)."""

from __future__ import annotations

import time

from ecosim.testfunctions import noisy_ishigami

__all__ = ["slow_noisy_ishigami", "broken_model"]


def slow_noisy_ishigami(x1: float, x2: float, x3: float, seed: int) -> dict[str, float]:
    """Noisy Ishigami (noise sd 1) that takes 5 ms, so a run can be killed mid-way."""
    time.sleep(0.005)
    return noisy_ishigami(x1, x2, x3, seed, noise_sd=1.0)


def broken_model(x1: float, x2: float) -> dict[str, float]:
    """Fails for x1 > 0.5 (to check that failures are recorded, not dropped)."""
    if x1 > 0.5:
        raise ValueError("boom")
    return {"y": x1 + 2 * x2}

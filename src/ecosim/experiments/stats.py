"""Statistics for replicated experiments: means, t confidence intervals, paired differences.

Every interval here is the classic Student-t interval for a mean,
``mean ± t(1 − α/2, n − 1) · sd / √n``, computed from the runs that produced a value
(missing values are dropped and the count ``n`` says how many were used). With fewer
than two values the interval is undefined (NaN), never a made-up zero width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Interval", "mean_ci", "paired_difference_ci", "ratio_of_means_ci",
           "replication_seeds", "seed_to_int"]


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval.

    Attributes:
        mean: sample mean (NaN when no value).
        low: lower bound of the interval (NaN when ``n < 2``).
        high: upper bound of the interval (NaN when ``n < 2``).
        n: number of values used.
        sd: sample standard deviation (ddof 1; NaN when ``n < 2``).
        level: confidence level, e.g. 0.95.
    """

    mean: float
    low: float
    high: float
    n: int
    sd: float
    level: float = 0.95

    @property
    def half_width(self) -> float:
        """Half the width of the interval."""
        return (self.high - self.low) / 2.0

    def excludes_zero(self) -> bool:
        """Whether the whole interval lies on one side of zero."""
        return bool(self.low > 0 or self.high < 0)

    def as_dict(self, prefix: str = "") -> dict[str, Any]:
        """Flat dict (``mean``, ``ci_low``, ``ci_high``, ``n``, ``sd``) with a prefix."""
        return {f"{prefix}mean": self.mean, f"{prefix}ci_low": self.low,
                f"{prefix}ci_high": self.high, f"{prefix}n": self.n, f"{prefix}sd": self.sd}


def mean_ci(values: Any, level: float = 0.95) -> Interval:
    """Mean of ``values`` with its Student-t confidence interval (NaNs dropped).

    Args:
        values: numbers (list, array, Series); NaN and None are ignored.
        level: confidence level in (0, 1).

    Returns:
        The :class:`Interval`.
    """
    if not 0 < level < 1:
        raise ValueError(f"level = {level!r} must be in (0, 1)")
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, math.nan, level)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, n, math.nan, level)
    from scipy import stats as _st

    sd = float(x.std(ddof=1))
    half = float(_st.t.ppf(0.5 + level / 2.0, n - 1)) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n, sd, level)


def _pairs(first: Any, second: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two sequences of paired values as flat float arrays of equal length."""
    a = np.asarray(first, dtype=float).ravel()
    b = np.asarray(second, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"paired values need equal lengths, got {a.size} and {b.size}")
    return a, b


def paired_difference_ci(treatment: Any, control: Any, level: float = 0.95) -> Interval:
    """Mean of ``treatment − control`` over pairs, with its t interval.

    Pairs are matched by position (replication ``i`` of both used the same seed: common
    random numbers). A pair with a missing value on either side is dropped.

    Raises:
        ValueError: if the two sequences have different lengths.
    """
    a, b = _pairs(treatment, control)
    return mean_ci(a - b, level)


def ratio_of_means_ci(numerator: Any, denominator: Any, level: float = 0.95) -> Interval:
    """Ratio of two means over pairs, ``mean(a) / mean(b)``, with a delta-method t interval.

    Pairs are matched by position (a pair with a missing value is dropped). With
    ``R = ā / b̄`` and residuals ``e_i = a_i − R·b_i``, the standard error is
    ``sd(e) / (√n · |b̄|)`` and the interval ``R ± t(1 − α/2, n − 1) · se``; ``sd`` of the
    returned :class:`Interval` is ``se · √n``. NaN when ``b̄ = 0``; no interval when
    ``n < 2``.

    Raises:
        ValueError: if the two sequences have different lengths.
    """
    a, b = _pairs(numerator, denominator)
    if not 0 < level < 1:
        raise ValueError(f"level = {level!r} must be in (0, 1)")
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    n = int(a.size)
    if n == 0 or b.mean() == 0:
        return Interval(math.nan, math.nan, math.nan, n, math.nan, level)
    r = float(a.mean() / b.mean())
    if n < 2:
        return Interval(r, math.nan, math.nan, n, math.nan, level)
    from scipy import stats as _st

    sd = float((a - r * b).std(ddof=1)) / abs(float(b.mean()))
    half = float(_st.t.ppf(0.5 + level / 2.0, n - 1)) * sd / math.sqrt(n)
    return Interval(r, r - half, r + half, n, sd, level)


def seed_to_int(seq: np.random.SeedSequence) -> int:
    """A non-negative 63-bit integer seed drawn from a SeedSequence (stable across runs)."""
    return int(seq.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Seeds of replications ``0..R-1``: ``SeedSequence(seed).spawn(R)``, as integers.

    Replication ``i`` gets the same seed in every scenario or design point (common
    random numbers), so differences between scenarios are paired.
    """
    return [seed_to_int(s) for s in np.random.SeedSequence(int(seed)).spawn(int(replications))]

"""Weighted statistics of posterior samples."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["weighted_quantile"]


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: Sequence[float]) -> list[float]:
    """Quantiles ``q`` of values ``x`` with weights ``w`` (inverse of the weighted
    empirical CDF, midpoint rule: for equal weights the Hazen quantile)."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    keep = w > 0  # a particle without weight is not part of the distribution
    x, w = x[keep], w[keep]
    order = np.argsort(x)
    x, w = x[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(qq, cdf, x)) for qq in q]

"""Vectorised helpers shared by processes: the logistic, group ranks, firm draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .state import Simulation

__all__ = ["sigmoid", "group_rank", "draw_firms", "MAX_TICKETS"]

#: Largest total integer weight :func:`draw_firms` expands into tickets (32 MB).
MAX_TICKETS = 4_000_000


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, clipped against overflow."""
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


def group_rank(keys: np.ndarray, order_noise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each item inside its key group, in the order of ``order_noise``.

    Returns:
        ``(order, rank)``: ``order`` sorts items by (key, noise); ``rank[i]`` is the
        position of item ``order[i]`` inside its group.
    """
    # One float sort instead of a two-key lexsort (3× faster): the noise, mapped into
    # [0, 0.5) in the same order, is added to the integer group key.
    noise = np.asarray(order_noise, dtype=np.float64)
    if noise.size:
        lo, hi = noise.min(), noise.max()
        noise = (noise - lo) * (0.5 / (hi - lo)) if hi > lo else np.zeros_like(noise)
    order = np.argsort(keys.astype(np.float64) + noise)
    k = keys[order]
    if k.size == 0:
        return order, np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(k[1:] != k[:-1]) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, k.size]))
    return order, np.arange(k.size) - first


def draw_firms(model: Simulation, sector: np.ndarray, district: np.ndarray,
               weights: np.ndarray | None) -> np.ndarray:
    """Draw one enterprise per request from (sector, district) groups.

    ``district`` −1 means any district. Draws are proportional to ``weights``
    (default: uniform). Returns −1 where a group has no weight.
    """
    f = model.firms
    F, D, K = f.n, model.p.n_districts, model.K
    w = np.ones(F, dtype=np.int64) if weights is None else np.asarray(weights)
    # Integer weights: one ticket per unit, a draw is an O(1) lookup; the same draws as
    # the cumulative-weight search below, which large totals use (tickets would not fit
    # in memory: a region whose demand grew for decades has millions of vacancies).
    integer_weights = np.issubdtype(w.dtype, np.integer) and int(w.sum()) <= MAX_TICKETS
    out = np.full(sector.size, -1, dtype=np.int64)
    for by_district in (True, False):
        if by_district:
            req = district >= 0
            rkey = sector.astype(np.int64) * D + np.maximum(district, 0)
        else:
            req = out < 0
            rkey = sector.astype(np.int64)
        if not req.any():
            continue
        order, bounds = f.groups(by_district, K, D)
        r = np.flatnonzero(req)
        g = rkey[r]
        if integer_weights:
            # One ticket per unit of weight, grouped: a draw is an O(1) lookup.
            tickets = np.repeat(order, w[order].astype(np.int64))
            tb = np.r_[0, np.cumsum(w[order].astype(np.int64))][bounds]
            start, tot = tb[g], tb[g + 1] - tb[g]
            has = tot > 0
            r = r[has]
            pick = start[has] + (model.rng.random(r.size) * tot[has]).astype(np.int64)
            out[r] = tickets[np.minimum(pick, tb[g[has] + 1] - 1)]
            continue
        cw = np.r_[0.0, np.cumsum(w[order])]  # cw[i]: weight before sorted firm i
        lo, hi = bounds[g], bounds[g + 1]
        start, tot = cw[lo], cw[hi] - cw[lo]
        has = tot > 0
        r, lo, hi = r[has], lo[has], hi[has]
        u = start[has] + model.rng.random(r.size) * tot[has]
        pos = np.clip(np.searchsorted(cw, u, side="right") - 1, lo, hi - 1)
        out[r] = order[pos]
    return out

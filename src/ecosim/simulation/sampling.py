"""Vectorised helpers shared by processes: the logistic, group ranks, firm draws and the
rounds of offers and acceptances of both labour markets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .state import Simulation

__all__ = ["sigmoid", "group_rank", "draw_firms", "offer_rounds", "MAX_TICKETS"]

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


def offer_rounds(seeker: np.ndarray, firm: np.ndarray, firm_key: np.ndarray,
                 utility: np.ndarray, capacity: np.ndarray, n_seekers: int,
                 rounds: int) -> tuple[np.ndarray, np.ndarray]:
    """Rounds of offers and acceptances over applications ``(seeker, firm)``.

    Each round every firm offers its open places to its live applicants in the order of
    ``firm_key`` (lowest first); each seeker accepts the offer of highest ``utility``;
    an acceptance is final. Offers a seeker turned down free the place for the next
    round, so a seeker with many applications does not block the others (ODD §7.11).

    Returns:
        ``(accepted, remaining)``: indices of the accepted applications, in the order
        of the rounds, and each firm's places left.
    """
    hired = np.zeros(n_seekers, dtype=bool)
    remaining = np.array(capacity, dtype=np.int64)
    order, _ = group_rank(firm, firm_key)
    accepted = []
    for _ in range(rounds):
        live = order[~hired[seeker[order]] & (remaining[firm[order]] > 0)]
        if live.size == 0:
            break
        # Live applications keep the (firm, key) order: ranks need no new sort.
        g = firm[live]
        starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
        rank = np.arange(live.size) - np.repeat(starts, np.diff(np.r_[starts, live.size]))
        offers = live[rank < remaining[g]]
        o_order, o_rank = group_rank(seeker[offers], -utility[offers])
        acc = offers[o_order[o_rank == 0]]
        hired[seeker[acc]] = True
        remaining -= np.bincount(firm[acc], minlength=remaining.size)
        accepted.append(acc)
    return (np.concatenate(accepted) if accepted else np.zeros(0, dtype=np.int64),
            remaining)

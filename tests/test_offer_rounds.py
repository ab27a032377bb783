"""Rounds of offers and acceptances (``sampling.offer_rounds``), used by both labour
markets: a known answer and properties over random application lists."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosim.simulation.sampling import offer_rounds


def test_a_turned_down_offer_goes_to_the_next_applicant_in_the_next_round() -> None:
    # Two seekers apply to both firms (one place each); both firms rank seeker 0 first
    # and both seekers prefer firm 0. Round 1: both firms offer seeker 0, who takes
    # firm 0. Round 2: firm 1 offers seeker 1.
    seeker = np.array([0, 0, 1, 1])
    firm = np.array([0, 1, 0, 1])
    key = np.array([0.0, 0.0, 1.0, 1.0])          # lower is better: seeker 0 first
    utility = np.array([2.0, 1.0, 2.0, 1.0])      # firm 0 pays more
    cap = np.array([1, 1])
    acc, left = offer_rounds(seeker, firm, key, utility, cap, 2, rounds=2)
    assert sorted(zip(seeker[acc].tolist(), firm[acc].tolist(), strict=True)) == [(0, 0), (1, 1)]
    assert left.tolist() == [0, 0]
    # With one round firm 1's place stays open and seeker 1 stays unmatched.
    acc, left = offer_rounds(seeker, firm, key, utility, cap, 2, rounds=1)
    assert list(zip(seeker[acc].tolist(), firm[acc].tolist(), strict=True)) == [(0, 0)]
    assert left.tolist() == [0, 1]


@st.composite
def markets(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n_s = draw(st.integers(1, 12))
    n_f = draw(st.integers(1, 6))
    pairs = draw(st.lists(st.tuples(st.integers(0, n_s - 1), st.integers(0, n_f - 1)),
                          max_size=40, unique=True))
    seeker = np.array([a for a, _ in pairs], dtype=np.int64)
    firm = np.array([b for _, b in pairs], dtype=np.int64)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    cap = rng.integers(0, 4, n_f)
    return seeker, firm, rng.random(seeker.size), rng.random(seeker.size), cap, n_s


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(markets(), st.integers(1, 6))
def test_rounds_respect_places_and_accept_each_seeker_at_most_once(
        market: tuple[np.ndarray, ...], rounds: int) -> None:
    seeker, firm, key, utility, cap, n_s = market
    acc, left = offer_rounds(seeker, firm, key, utility, cap, int(n_s), rounds)
    assert len(set(acc.tolist())) == acc.size                       # applications
    assert len(set(seeker[acc].tolist())) == acc.size               # one job each
    filled = np.bincount(firm[acc], minlength=cap.size)
    assert (filled <= cap).all() and (left == cap - filled).all()
    # With enough rounds the outcome is stable in the firms' sense: no firm has an
    # open place and an unmatched applicant.
    if rounds >= seeker.size:
        matched = np.zeros(int(n_s), dtype=bool)
        matched[seeker[acc]] = True
        open_firm = left[firm] > 0
        assert not (open_firm & ~matched[seeker]).any()

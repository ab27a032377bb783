"""Process 12 — enrolment (once a year): the new cohort chooses track, school and
programme.

Seed mechanism: vocational education's social standing and graduates' prospects drive
the choice between general and vocational tracks; schools shift seats toward
programmes whose graduates find work ("professional development is integrated with the
needs of industry", paper §5). What entrants perceive of each track and programme is
updated when a cohort is measured (:func:`update_prospects`) (ODD §7.12).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..constants import Constant
from ..sampling import sigmoid
from ..sectors import COMPETENCIES

if TYPE_CHECKING:  # pragma: no cover
    from ..state import Simulation

__all__ = ["CONSTANTS", "enrol", "add_students", "update_prospects"]

CONSTANTS: tuple[Constant, ...] = (
    Constant("track_bias", 0.65, 0.0, 2.5, "logit",
             "propensity for the vocational track at average ability and equal prospects",
             "calibrated: ≈45% vocational entrants at stigma 0.5 (facts.md: 41% / 47%)"),
    Constant("distance_penalty", 1.5, 0.0, 4.0, "logit",
             "utility cost of a school in another district", "assumption"),
)


def enrol(model: Simulation) -> None:
    """Schools adjust seats; the cohort chooses a track, then schools and programmes."""
    p, rng, ss = model.p, model.rng, model.schools
    if p.capacity_flexibility > 0:
        _shift_seats(model)
    N = p.cohort_size
    ability = np.clip(rng.normal(1.0, p.ability_sd, N), 0.3, 2.0)
    home = rng.integers(0, p.n_districts, N)
    voc_seats = ss.seats[ss.vocational].sum()
    gen_seats = ss.seats[ss.school_type == 2].sum()
    tp = model.book.track_prospects
    u = (p.track_bias + 3.0 * (tp[0] - tp[1])
         - 2.5 * p.vocational_stigma - 4.0 * (ability - 1.0))
    vocational = rng.random(N) < sigmoid(u)
    if gen_seats <= 0:
        vocational[:] = True
    if voc_seats <= 0:
        vocational[:] = False
    n_voc = 0
    n_all = 0
    for track in (True, False):
        members = np.flatnonzero(vocational == track)
        rng.shuffle(members)
        mask = ss.vocational if track else (ss.school_type == 2)
        counts = _choose_programmes(model, home[members], mask)
        admitted = int(counts.sum())
        members = members[:admitted]
        flat = counts.ravel()
        idx = np.repeat(np.arange(flat.size), flat)
        school, prog = idx // model.K, idx % model.K
        comp = np.clip(rng.normal(0.2, 0.05, (admitted, len(COMPETENCIES))), 0, 1)
        comp *= np.sqrt(ability[members])[:, None]
        add_students(model, school, prog, ability[members], comp, 0, model.steps)
        n_all += admitted
        if track:
            n_voc = admitted
    model.book.vocational_share = n_voc / n_all if n_all else np.nan


def _shift_seats(model: Simulation) -> None:
    """Schools shift seats toward programmes with good prospects, within ±flexibility."""
    ss, flex = model.schools, model.p.capacity_flexibility
    seen = np.where(ss.offers, model.book.prospects[None, :], np.nan)
    dev = seen - np.nanmean(np.where(ss.offers, seen, np.nan), axis=1, keepdims=True)
    total = ss.seats.sum(axis=1, keepdims=True)
    change = np.clip(2 * np.nan_to_num(dev), -1, 1) * flex
    new = ss.seats * (1 + change)
    new = np.where(ss.offers, np.maximum(new, 0.02 * total), 0)
    new = new * total / np.maximum(new.sum(axis=1, keepdims=True), 1e-9)
    # Keep every programme within ±flex of last year's seats (the policy's cap); a
    # school's total may drift slightly after this clip.
    ss.seats = np.clip(new, ss.seats * (1 - flex), ss.seats * (1 + flex))


def _choose_programmes(model: Simulation, home: np.ndarray, school_mask: np.ndarray
                       ) -> np.ndarray:
    """Counts of students per (school, programme) given their home districts.

    Multinomial logit over programmes (prospects, wage, distance), filled under seat
    capacity in three rounds; the rest go where seats remain, or are not admitted.
    Students of one track are exchangeable apart from their home district, which only
    shapes the choice probabilities; they carry their school's district.
    """
    rng, ss, K = model.rng, model.schools, model.K
    S = ss.n
    wage = model.industry.wage
    cap = np.floor(ss.seats * school_mask[:, None]).ravel()
    util_base = (2.0 * model.book.prospects[None, :] + wage[None, :] / wage.mean())
    util_base = np.broadcast_to(util_base, (S, K)).ravel()
    opt_district = np.repeat(ss.district, K)
    counts = np.zeros(S * K, dtype=np.int64)
    for d in np.unique(home):  # districts: few
        n_left = int(np.count_nonzero(home == d))
        util = util_base - model.p.distance_penalty * (opt_district != d)
        for _ in range(3):
            open_ = cap - counts > 0
            if n_left == 0 or not open_.any():
                break
            w = np.where(open_, np.exp(util - util.max()), 0.0)
            draw = rng.multinomial(n_left, w / w.sum())
            take = np.minimum(draw, (cap - counts).astype(np.int64))
            counts += take
            n_left -= int(take.sum())
        if n_left > 0:
            room = np.maximum((cap - counts).astype(np.int64), 0)
            order = np.argsort(-room, kind="stable")
            cum = np.cumsum(room[order])
            fill = np.minimum(room[order], np.maximum(n_left - (cum - room[order]), 0))
            counts[order] += fill
    return counts.reshape(S, K)


def add_students(model: Simulation, school: np.ndarray, prog: np.ndarray,
                 ability: np.ndarray, comp: np.ndarray, semester: int,
                 entry_step: int) -> None:
    """Create student records at ``school``/``prog`` with given ability and competencies."""
    ss = model.schools
    model.pop.add(
        school.size,
        school=school, programme=prog, school_type=ss.school_type[school],
        district=ss.district[school], semester=semester,
        length=ss.length[school], ability=ability,
        competency=np.clip(comp, 0, 1), entry_step=entry_step,
    )
    model.book.entered += int(school.size)


def update_prospects(model: Simulation, cohort: np.ndarray, in_field: np.ndarray,
                     vocational_placement: float, general_placement: float) -> None:
    """Entrants' perceived prospects move halfway toward a measured cohort's outcomes.

    Args:
        cohort: mask of the cohort's records.
        in_field: mask of its members employed in-field.
        vocational_placement: placement rate of its vocational graduates (NaN if none).
        general_placement: placement rate of its university graduates (NaN if none).
    """
    pop, book = model.pop, model.book
    n_k = np.bincount(pop.programme[cohort], minlength=model.K)
    inf_k = np.bincount(pop.programme[in_field], minlength=model.K)
    seen = n_k > 0
    book.prospects[seen] = 0.5 * book.prospects[seen] + 0.5 * inf_k[seen] / n_k[seen]
    for i, v in enumerate((vocational_placement, general_placement)):
        if v == v:
            book.track_prospects[i] = 0.5 * book.track_prospects[i] + 0.5 * v

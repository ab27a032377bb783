"""Typed containers of the model's state.

The model's state is held in a few tables, one field per quantity, so that a process
reads and writes named arrays instead of loose model attributes:

- :class:`SectorTable` — the region's sectors: fixed attributes, the moving skill
  frontier and labour demand;
- :class:`EnterpriseTable` — one row per enterprise;
- :class:`SchoolTable` — one row per school, plus its ``(S, K)`` programme arrays;
- :class:`Ledger` — this step's flows (graduates, hires, vacancies, claims) and the
  short windows outcomes are averaged over;
- :class:`CohortBook` — where every entrant went, cohorts awaiting measurement, and
  what entrants perceive of each track and programme;

Students live in :class:`ecosim.simulation.population.StudentPopulation`; partnerships
in :class:`ecosim.simulation.partnerships.PartnershipTable`. :class:`Simulation` is the
shape of a model that processes and agents rely on (so they need not import the model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .partnerships import PartnershipTable
    from .population import StudentPopulation
    from .sectors import Sector

__all__ = [
    "SectorTable",
    "EnterpriseTable",
    "SchoolTable",
    "Flows",
    "Ledger",
    "CohortBook",
    "DepthTable",
    "PLACEMENT_KINDS",
    "Simulation",
    "COHORT_OUTCOMES",
    "SIZE_CLASSES",
]

# Enterprise size classes by staff, as in the German training statistics (facts.md).
SIZE_CLASSES: tuple[tuple[str, int, int], ...] = (
    ("micro", 1, 9),
    ("small", 10, 99),
    ("medium", 100, 499),
    ("large", 500, 10**9),
)


@dataclass(eq=False)
class SectorTable:
    """The region's sectors, indexed by sector number ``k``.

    Attributes:
        share: share of the region's enterprises (sums to 1).
        growth: own yearly growth of labour demand.
        tech: speed of the frontier relative to ``tech_change_rate``.
        wage: skilled entry wage, yuan per month.
        weights: ``(K, 5)`` weights of the five competencies in a job's skill fit.
        frontier: position of the skill frontier (frontier units).
        frontier_step: how far the frontier moved this step.
        demand_index: labour demand relative to the start.
    """

    share: np.ndarray
    growth: np.ndarray
    tech: np.ndarray
    wage: np.ndarray
    weights: np.ndarray
    frontier: np.ndarray
    frontier_step: np.ndarray
    demand_index: np.ndarray


@dataclass(eq=False)
class EnterpriseTable:
    """Enterprise state, one row per :class:`~ecosim.simulation.agents.Enterprise`.

    Attributes:
        sector, size, size_class, district: fixed make-up (size in staff).
        tech: technology level relative to the frontier (0–1).
        awareness: awareness of cooperation's benefits (0–1).
        baseline_awareness: the awareness it was drawn with, toward which awareness
            decays without news from cooperation.
        ip_sensitivity: reluctance to share core technology (0–1).
        mentors: interns it can mentor at depth 1.
        yearly_need: entry-level hiring need per year at the start's demand.
        certified: certified industry–education integration enterprise.
        experience, has_experience: realised net benefit per intern (yuan, EMA).
        expected_fit: skill fit it expects of an intern (EMA of its interns' fit).
        vacancies: open vacancies.
        interns, fit_sum, hired_interns: this step's interns, their summed skill fit,
            former interns hired.
        willingness: probability of accepting a partnership offer (this step).
        shared: resources shared with schools this step (yuan).
        positions: skilled positions at the start's demand (ODD §7.10).
        round_u: fixed uniform draw that rounds its target headcount.
        headcount: workers employed.
        pay: its wage level relative to its sector's (firm wage effect).
        own_stay: share of the workers it trained that stay a semester (EMA of what it
            observes; the retention its training decisions use).
        round_interns: interns it hosted in the latest placement round.
        poached: workers it hired from other employers, this step (row 0) and the
            previous one (row 1).
    """

    sector: np.ndarray
    size: np.ndarray
    size_class: np.ndarray
    district: np.ndarray
    tech: np.ndarray
    awareness: np.ndarray
    baseline_awareness: np.ndarray
    ip_sensitivity: np.ndarray
    mentors: np.ndarray
    yearly_need: np.ndarray
    certified: np.ndarray
    experience: np.ndarray
    has_experience: np.ndarray
    expected_fit: np.ndarray
    vacancies: np.ndarray
    interns: np.ndarray
    fit_sum: np.ndarray
    hired_interns: np.ndarray
    willingness: np.ndarray
    shared: np.ndarray
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0))
    round_u: np.ndarray = field(default_factory=lambda: np.zeros(0))
    headcount: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pay: np.ndarray = field(default_factory=lambda: np.zeros(0))
    own_stay: np.ndarray = field(default_factory=lambda: np.zeros(0))
    round_interns: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    poached: np.ndarray = field(default_factory=lambda: np.zeros((2, 0), dtype=np.int64))
    _groups: dict[bool, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict,
                                                               repr=False)

    @property
    def n(self) -> int:
        """Number of enterprises."""
        return int(self.sector.size)

    def groups(self, by_district: bool, n_sectors: int, n_districts: int
               ) -> tuple[np.ndarray, np.ndarray]:
        """Enterprises sorted by (sector[, district]) and each group's start.

        Cached: sector and district never change.
        """
        if by_district not in self._groups:
            gkey = self.sector.astype(np.int64)
            G = n_sectors
            if by_district:
                gkey = gkey * n_districts + self.district
                G = n_sectors * n_districts
            order = np.argsort(gkey, kind="stable")
            bounds = np.searchsorted(gkey[order], np.arange(G + 1))
            self._groups[by_district] = (order, bounds)
        return self._groups[by_district]


@dataclass(eq=False)
class SchoolTable:
    """School state, one row per :class:`~ecosim.simulation.agents.School`.

    Attributes:
        school_type: 0 secondary vocational, 1 higher vocational, 2 university.
        length: programme length in semesters.
        district: district of the school.
        teachers: number of teachers.
        dual_qualified: share of dual-qualified teachers.
        practical: share of practical teaching.
        resources: stock of resources shared by enterprises (yuan).
        budget: teacher-practice budget not yet spent (yuan).
        career_budget: career-service budget for the next graduates (yuan).
        management: management quality (timely help for students in practice).
        career: career-service intensity of the latest graduates (0–1).
        seats: ``(S, K)`` yearly intake seats per programme.
        offers: ``(S, K)`` whether the school teaches a programme.
        curriculum: ``(S, K)`` position of each programme's curriculum (frontier units).
    """

    school_type: np.ndarray
    length: np.ndarray
    district: np.ndarray
    teachers: np.ndarray
    dual_qualified: np.ndarray
    practical: np.ndarray
    resources: np.ndarray
    budget: np.ndarray
    career_budget: np.ndarray
    management: np.ndarray
    career: np.ndarray
    seats: np.ndarray
    offers: np.ndarray
    curriculum: np.ndarray

    @property
    def n(self) -> int:
        """Number of schools."""
        return int(self.school_type.size)

    @property
    def vocational(self) -> np.ndarray:
        """Mask of vocational schools (secondary and higher)."""
        return self.school_type < 2


@dataclass(eq=False)
class Flows:
    """Flows of the current step, reset when it starts (sector arrays have length K)."""

    n_sectors: int
    hires: int = 0
    new_vacancies: int = 0
    gap_sum: float = 0.0
    graduates: int = 0
    sector_graduates: np.ndarray = field(init=False)
    sector_hires: np.ndarray = field(init=False)
    sector_in_field: np.ndarray = field(init=False)
    sector_vacancies: np.ndarray = field(init=False)
    sector_new_vacancies: np.ndarray = field(init=False)
    sector_shortage: np.ndarray = field(init=False)

    SECTOR_FIELDS = ("graduates", "hires", "in_field", "vacancies", "new_vacancies",
                     "shortage")

    def __post_init__(self) -> None:
        for name in self.SECTOR_FIELDS:
            setattr(self, f"sector_{name}", np.zeros(self.n_sectors))


@dataclass(eq=False)
class Ledger:
    """Money and people flowing through the step, and the windows outcomes use.

    Attributes:
        flows: this step's :class:`Flows`.
        hires_window: (hires, new vacancies, open vacancies, gap sum) of the last two
            steps.
        spend_window: government spending of the last two steps.
        intern_claims: internship subsidies claimed this step (paid next step).
        sharing_claims: resource-sharing incentives claimed (paid next step).
        shared_total: resources shared this step (yuan).
        interns: students interning this step.
        tax_base: certified enterprises' training investment (tax credit base).
        teacher_practice_used: teacher-practice money schools spent this step (claimed,
            paid next step: booked when used).
        placement_round: whether this step's final-semester vocational students do
            their compulsory placement (one step a year).
        placements: this step's placements by kind (``PLACEMENT_KINDS``) and the summed
            placement quality.
        economics: cooperating hosts' realised economics, latest placement round.
        workforce_window: the workforce's flows (hires by route, separations) of the
            last two steps.
    """

    flows: Flows
    hires_window: list[tuple[int, int, int, float]] = field(default_factory=list)
    spend_window: list[float] = field(default_factory=list)
    intern_claims: float = 0.0
    sharing_claims: float = 0.0
    shared_total: float = 0.0
    interns: int = 0
    tax_base: float = 0.0
    teacher_practice_used: float = 0.0
    placement_round: bool = False
    placements: dict[str, float] = field(default_factory=dict)
    economics: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("realised_benefit_per_intern", "break_even_share", "productive_work_share"),
        np.nan))
    workforce_window: list[dict[str, float]] = field(default_factory=list)

    def start_step(self) -> None:
        """Start a new step's flows."""
        self.flows = Flows(self.flows.n_sectors)


# Kinds of a compulsory placement (pop.placement_kind): 0 none yet; 4 = no host had
# room (recorded unplaced, reason: capacity).
PLACEMENT_KINDS: dict[int, str] = {1: "partner", 2: "platform", 3: "self_found",
                                   4: "unplaced_no_capacity"}

# Outcomes measured on a cohort and held until the next one.
COHORT_OUTCOMES: tuple[str, ...] = (
    "employment_rate", "placement_rate", "in_field_rate", "skill_matched_rate",
    "intern_retention_rate",
    "local_retention_rate", "further_study_rate", "placement_rate_higher_vocational",
    "in_field_rate_higher_vocational", "in_field_graduates", "mean_time_to_job",
    "employed_within_two_years", "mean_search_semesters")


@dataclass(eq=False)
class CohortBook:
    """Where every entrant went, cohorts followed after graduation, entrants' outlook.

    Attributes:
        entered: students who ever entered.
        removed: students who left the model, by reason.
        pending: graduation step → graduates and further-study counts by school type,
            until the cohort is measured.
        job_search: graduation step → labour-market entrants, hires and semesters
            searched, until the cohort's search ends.
        stats: latest cohort outcomes (:data:`COHORT_OUTCOMES`).
        prospects: perceived in-field prospects per sector.
        track_prospects: perceived placement, vocational / general track.
        vocational_share: vocational share of the latest entering cohort.
        placement_stats: compulsory placements of the latest placement round.
    """

    n_sectors: int
    entered: int = 0
    removed: dict[str, int] = field(default_factory=lambda: {
        "further_study": 0, "dropped_out": 0, "settled": 0, "left_region": 0})
    pending: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)
    job_search: dict[int, dict[str, float]] = field(default_factory=dict)
    stats: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(COHORT_OUTCOMES, np.nan))
    prospects: np.ndarray = field(init=False)
    track_prospects: np.ndarray = field(default_factory=lambda: np.array([0.9, 0.9]))
    vocational_share: float = np.nan
    placement_stats: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("placement_coverage", "placement_at_partner_share", "mean_placement_quality"),
        np.nan))

    def __post_init__(self) -> None:
        self.prospects = np.full(self.n_sectors, 0.7)


@dataclass(frozen=True, eq=False)
class DepthTable:
    """Per-depth coefficients of partnerships (index 0 unused, 1–3 the depths)."""

    slots: np.ndarray
    exposure: np.ndarray
    sharing: np.ndarray
    stability: np.ndarray


class Simulation(Protocol):
    """What processes and agents need of a model (implemented by ``EcosystemModel``)."""

    rng: np.random.Generator
    p: Any
    params: dict[str, Any]
    steps: int
    sectors: tuple[Sector, ...]
    K: int
    industry: SectorTable
    firms: EnterpriseTable
    schools: SchoolTable
    depth: DepthTable
    partnerships: PartnershipTable
    network: nx.Graph
    pop: StudentPopulation
    workers: Any
    ledger: Ledger
    book: CohortBook
    policies: tuple[Any, ...]
    time: int
    government: Any
    current: dict[str, float]
    declaration: dict[str, Any]
    outcome_names: tuple[str, ...]
    datacollector: Any
    sector_records: list[dict[str, Any]]

"""The industry–education ecosystem model (DESIGN §3–§4).

One step is one semester. :meth:`EcosystemModel.step` runs the thirteen processes of
DESIGN §4 in order; each is a method whose docstring names the mechanism of the seed
paper (Chen & Wang, "Analysis on the Construction of Modern Industry and Education
Community") it models. Students are a NumPy population updated in bulk; schools and
enterprises are Mesa agents whose state lives in arrays (one row per agent, so a process
updates all of them at once); the government is a Mesa agent holding its own ledger.

Internal constants below are calibration choices; each says where its value comes from:
a source in ``facts.md``, a calibration target it was tuned to, or "assumption" (the
modeller's judgement, open to sensitivity analysis); see ``docs/ODD.md`` §7.
"""

from __future__ import annotations

import inspect
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from ..params import OUTCOMES, PARAMETERS, ParameterError, coerce_value, suggest
from .agents import SIZE_CLASSES, Enterprise, Government, School
from .partnerships import PartnershipTable
from .population import Status, StudentPopulation
from .sectors import COMPETENCIES, sector_arrays, sector_set

__all__ = ["EcosystemModel"]

# --------------------------------------------------------------------------------------
# Calibration constants (see docs/ODD.md §7 for the reasoning behind each)
# --------------------------------------------------------------------------------------
SEMESTER_MONTHS = 6
# Interns in China are paid a stipend well below a skilled wage; Swiss apprentices earn
# ~12% of a skilled wage in year 1 (facts.md, secondary source). Final-year Chinese
# interns do near-full work, so we take 35% (modeller's assumption).
INTERN_PAY_SHARE = 0.35
# Replacing an external hire costs about three months of wage (assumption); "over 80%
# of German firms train to secure their own skilled workers" (BIBB, facts.md).
RECRUITMENT_COST_MONTHS = 3.0
# Expected share of interns a host keeps: 61% (2010) → 77% (2019) in Germany (facts.md).
EXPECTED_RETENTION = 0.7
COORDINATION_COST = 12_000.0  # yuan/partnership/semester: liaison staff, paperwork (assumption)
IP_RISK_COST = 8_000.0  # yuan/intern/semester at full sensitivity and no protection (assumption)
PERCEPTION_FLOOR = 0.4  # an unaware firm perceives 40% of cooperation's benefits (assumption)
CHOICE_NOISE = 5_000.0  # yuan: logit scale of the bounded-rational choice (assumption)
SEARCH_CONTACTS = 2.0  # contacts per programme and semester without a platform (assumption)
LOCAL_SEARCH = 0.8  # share of partner search in the school's own district (assumption)
# By depth 1..3 (index 0 unused), assumptions: order classes and joint labs host more
# interns per mentor, expose more core technology and share much more equipment.
DEPTH_SLOTS = np.array([0.0, 1.0, 1.5, 2.0])  # intern slots per mentor
DEPTH_EXPOSURE = np.array([0.0, 0.5, 1.0, 1.5])  # IP exposure
DEPTH_SHARING = np.array([0.0, 0.25, 1.0, 2.5])  # resources shared
SHARE_UNIT = 20_000.0  # yuan/semester shared by a willing depth-2 partner, 4 mentors (assumption)
SHARE_OPPORTUNITY_COST = 0.3  # firm's cost per yuan of equipment/know-how lent
# Break-up hazard per semester (assumptions, tuned so that a satisfied depth-1 partnership
# lasts ~25 years and a dissatisfied one a few semesters; evolutionary-game studies find
# cooperation lasts only while the payoff to both parties is positive, facts.md).
BREAK_BASE = 0.02
BREAK_DISSATISFIED = 0.35
BREAK_MISALIGNED = 0.08  # extra hazard at fully misaligned goals and weak management
DEPTH_STABILITY = np.array([0.0, 1.0, 0.7, 0.4])  # deep ties (joint labs) last longer
DEEPEN_BASE = 0.08  # chance per semester that a ready, satisfied pair deepens (assumption)
TEACHER_PRACTICE_COST = 20_000.0  # yuan per teacher-semester in an enterprise (assumption)
TEACHER_ATTRITION = 0.02  # per semester: retirement, moves, skills going stale
STUDENTS_PER_TEACHER = 18.0  # order of magnitude of Chinese vocational schools (assumption)
GAP_SCALE = 0.5  # frontier units at which alignment falls to 1/e
# Share of the curriculum's gap to the frontier closed per semester from the school's own
# effort, before partners, dual-qualified teachers and management add to it
# (a programme revision every ~12 years; assumption).
CURRICULUM_BASE_SPEED = 0.04
# Learning rates per semester, calibrated so that an average graduate reaches a skill
# fit of ~0.55–0.6 and in-field employment lands near 70% (facts.md, MOE 2014).
SCHOOL_LEARNING_RATE = 0.25
FRONTIER_LEARNING_RATE = 0.25
INTERN_LEARNING_RATE = 0.25
DROPOUT_BASE = 0.012  # per semester at average quality: ~7% of a cohort (assumption)
APPLICATIONS_BASE = 3  # applications per graduate and semester without help (assumption)
P_IN_SECTOR = 0.75  # applications to the programme's own sector; calibrated: in-field ~70%
P_LOCAL = 0.45  # applications restricted to the own district; calibrated: ~70% local jobs
HIRE_THRESHOLD = 0.36  # minimum skill fit (+0.1 × tech level); calibrated: ≥90% placement
INTERN_BONUS = 0.05  # head start of a firm's own former intern
ADEQUATE_FIT = 0.5  # skill fit counted as "in-field" (skill-matched)
MATCHING_ROUNDS = 3  # offer/accept rounds per semester; an accepted offer is final
MAX_UNEMPLOYED_STEPS = 4  # after two years without a job a graduate leaves the region
SETTLED_AFTER = 2  # employed records are dropped two steps after graduation
LABOUR_DEMAND_RATIO = 1.05  # new entry vacancies per labour-market graduate a year (assumption:
#                             mild excess demand, the "talent shortage" of seed paper §1)
# Expected share of a cohort that reaches the labour market (completes, no further
# study): 0.93 completion × ~0.7 not studying on. Sizes each enterprise's yearly hiring
# need (which then grows with demand), not the supply.
EXPECTED_LABOUR_MARKET_SHARE = 0.65
REFERENCE_FIT = 0.6  # intern skill fit at which output equals intern_productivity × wage
VACANCY_PERSISTENCE = 0.3  # share of unfilled vacancies still open next semester (assumption)
TRACK_BIAS = 1.05  # gives ≈45% vocational entrants at stigma 0.5 (facts.md: 41% / 47%)
DISTANCE_PENALTY = 1.5  # logit utility cost of a school in another district (assumption)
# Adaptive rule (DESIGN §3, optional; assumption): the subsidy moves by 500 yuan a year,
# 5% of the lever's range, so reaching a target takes several years, as budget cycles do;
# it is lowered only when participation exceeds the target by more than the band.
ADAPTIVE_SUBSIDY_STEP = 500.0  # yuan/intern/semester per year
ADAPTIVE_BAND = 0.05  # share of enterprises
PROMOTION_COST_PER_FIRM = 400.0  # yuan/semester at full intensity
PROMOTION_EFFECT = 0.08  # share of the awareness gap closed per semester at full intensity
PLATFORM_COST = 1_000_000.0  # yuan/semester at full level (+ per firm below)
PLATFORM_COST_PER_FIRM = 200.0
PEER_RATE = 0.15  # awareness gained from satisfied peers of the same sector (assumption)
SAT_SCALE = 8_000.0  # yuan per intern at which satisfaction saturates (tanh scale)
STATUS_NAMES = Status.NAMES


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


def _group_rank(keys: np.ndarray, order_noise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _outcome(model: EcosystemModel, name: str) -> float:
    """Model reporter: one outcome of the latest collection (used through partial)."""
    return model.current[name]


class EcosystemModel(mesa.Model):
    """Agent-based model of a regional industry–education ecosystem.

    Every argument is a keyword with a default (the declaration in
    :mod:`ecosim.params`), so ``EcosystemModel()`` runs and ``mesa.batch_run`` or
    SolaraViz can build it from flat keyword arguments. ``seed`` seeds the one random
    generator of the run (``self.rng``); the same parameters and seed give identical
    results.

    Attributes:
        sectors: the region's sectors.
        pop: the student population (:class:`ecosim.simulation.population.StudentPopulation`).
        firms: enterprise state arrays (one row per :class:`Enterprise`).
        schools_state: school state arrays (one row per :class:`School`).
        partnerships: the partnership table and graph.
        government: the :class:`Government` agent.
        current: the latest collected outcomes (name → value).
        sector_records: per-step per-sector rows (see :meth:`sector_frame`).
    """

    def __init__(self, seed: int | None = None, **params: Any) -> None:
        unknown = [k for k in params if k not in PARAMETERS]
        if unknown:
            k = unknown[0]
            raise ParameterError(f"unknown parameter '{k}'{suggest(k, PARAMETERS)}")
        values = {name: p.default for name, p in PARAMETERS.items()}
        for name, value in params.items():
            values[name] = coerce_value(PARAMETERS[name], value)
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))
        super().__init__(rng=np.random.default_rng(np.random.SeedSequence(int(seed))))
        self.seed = int(seed)
        self.params = values
        for name, value in values.items():
            setattr(self, name, value)

        self.sectors = sector_set(self.region)
        self.K = len(self.sectors)
        sa = sector_arrays(self.sectors)
        self.sector_share = sa["share"] / sa["share"].sum()
        self.sector_growth = sa["growth"]
        self.sector_tech = sa["tech"]
        self.wage = sa["wage"]
        self.weights = sa["weights"]
        self.frontier = np.zeros(self.K)
        self.frontier_step = np.zeros(self.K)
        self.demand_index = np.ones(self.K)
        self.government = Government(self, self.government_budget * 1e6 * (
            1.5 if self.pilot_city else 1.0))  # pilot cities get central co-funding

        self._create_enterprises()
        self._create_schools()
        self.partnerships = PartnershipTable(
            np.array([a.unique_id for a in self.school_agents]),
            np.array([a.unique_id for a in self.enterprise_agents]),
        )
        self.network = self.partnerships.graph
        for a in self.school_agents:
            self.network.add_node(a.unique_id, kind="school", agent=a,
                                  school_type=a.school_type, size=float(self.seats[a.index].sum()))
        for a in self.enterprise_agents:
            self.network.add_node(a.unique_id, kind="enterprise", agent=a,
                                  sector=int(self.firms["sector"][a.index]),
                                  size=float(self.firms["size"][a.index]))
        self._create_initial_partnerships()
        self.pop = StudentPopulation(capacity=int(self.cohort_size * 4.5))
        self._init_accounting()
        self._create_initial_students()

        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_outcome, name=name) for name in OUTCOMES}
        )
        self.sector_records: list[dict[str, Any]] = []
        self.collect_data()

    # ==================================================================================
    # Set-up
    # ==================================================================================
    def _create_enterprises(self) -> None:
        rng, F = self.rng, self.n_enterprises
        sector = rng.choice(self.K, size=F, p=self.sector_share).astype(np.int8)
        # Skewed firm sizes: median 15 staff, ~40% micro, ~1.5% with 500+ staff
        # (order of magnitude of enterprise size distributions; assumption).
        size = np.minimum(np.floor(np.exp(rng.normal(np.log(15), 1.6, F))) + 1, 20_000)
        m_aw = float(np.clip(self.initial_awareness, 0.01, 0.99))
        m_ip = float(np.clip(self.ip_sensitivity, 0.01, 0.99))
        self.firms: dict[str, np.ndarray] = {
            "sector": sector,
            "size": size.astype(np.int32),
            "district": rng.integers(0, self.n_districts, F).astype(np.int16),
            "tech": np.clip(rng.uniform(0.6, 1.0, F) + 0.05 * np.log10(size), 0, 1),
            "awareness": rng.beta(4 * m_aw, 4 * (1 - m_aw), F),
            "ip_sensitivity": rng.beta(4 * m_ip, 4 * (1 - m_ip), F),
            "mentors": np.clip(np.round(size * 0.04), 1, 100).astype(np.int32),
            "certified": np.zeros(F, dtype=bool),
            "experience": np.zeros(F),
            "has_experience": np.zeros(F, dtype=bool),
            "vacancies": np.zeros(F, dtype=np.int64),
            "interns": np.zeros(F, dtype=np.int64),
            "fit_sum": np.zeros(F),
            "hired_interns": np.zeros(F, dtype=np.int64),
            "willingness": np.zeros(F),
            "unsubsidised_willing": np.zeros(F, dtype=bool),
        }
        edges = [lo for _, lo, _ in SIZE_CLASSES[1:]]
        self.firms["size_class"] = np.searchsorted(edges, size, side="right").astype(np.int8)
        # Entry-level hiring need per year, proportional to size, set so that the region
        # offers LABOUR_DEMAND_RATIO vacancies per expected labour-market graduate.
        expected_grads = self.cohort_size * EXPECTED_LABOUR_MARKET_SHARE
        w = size.astype(float)
        self.yearly_need = LABOUR_DEMAND_RATIO * expected_grads * w / max(w.sum(), 1.0)
        self.enterprise_agents = [Enterprise(self, i) for i in range(F)]

    def _create_schools(self) -> None:
        rng, S, K = self.rng, self.n_schools, self.K
        n_hv = int(round(S * self.higher_vocational_share))
        n_u = min(int(round(S * self.university_share)), S - n_hv)
        types = np.array([1] * n_hv + [2] * n_u + [0] * (S - n_hv - n_u), dtype=np.int8)
        rng.shuffle(types)
        length = np.where(types == 2, 8, 6).astype(np.int16)
        district = rng.integers(0, self.n_districts, S).astype(np.int16)
        # Programmes: vocational schools teach 2–4 sectors, universities all.
        offers = np.zeros((S, K), dtype=bool)
        for s in range(S):  # set-up only, over schools (few)
            if types[s] == 2:
                offers[s] = True
            else:
                n = int(rng.integers(2, min(4, K) + 1)) if K > 1 else 1
                offers[s, rng.choice(K, size=n, replace=False, p=self.sector_share)] = True
        # Seats per year: vocational capacity for 50% of a cohort, general for 60%.
        seats = offers * self.sector_share[None, :] * rng.uniform(0.7, 1.3, (S, K))
        voc, gen = types < 2, types == 2
        for mask, cap in ((voc, 0.5), (gen, 0.6)):
            tot = seats[mask].sum()
            if tot > 0:
                seats[mask] *= cap * self.cohort_size / tot
        self.seats = seats
        self.offers = offers
        enrolled = seats.sum(axis=1) * length / 2.0
        m_dq = float(np.clip(self.initial_dual_qualified, 0.01, 0.99))
        m_mg = float(np.clip(self.management_quality, 0.01, 0.99))
        self.schools_state: dict[str, np.ndarray] = {
            "type": types,
            "length": length,
            "district": district,
            "teachers": np.maximum(1.0, enrolled / STUDENTS_PER_TEACHER),
            "dq": np.where(voc, rng.beta(6 * m_dq, 6 * (1 - m_dq), S), 0.1),
            "practical": np.where(voc, 0.35, 0.15),
            "resources": np.zeros(S),
            "budget": np.zeros(S),
            "career_budget": np.zeros(S),
            "management": rng.beta(6 * m_mg, 6 * (1 - m_mg), S),
            "career": np.zeros(S),
        }
        gap0 = -GAP_SCALE * np.log(np.clip(self.initial_alignment, 1e-3, 1.0))
        self.curriculum = -gap0 * rng.uniform(0.6, 1.4, (S, K))
        self.school_agents = [School(self, i) for i in range(S)]

    def _create_initial_partnerships(self) -> None:
        rng, F = self.rng, self.n_enterprises
        n0 = int(round(self.initial_partnerships * F))
        if n0 == 0 or self.n_schools == 0:
            return
        w = np.sqrt(self.firms["size"].astype(float))
        firms = rng.choice(F, size=n0, replace=False, p=w / w.sum())
        sector = self.firms["sector"][firms]
        schools = np.full(n0, -1)
        for k in range(self.K):  # set-up only
            cand = np.flatnonzero(self.offers[:, k])
            sel = np.flatnonzero(sector == k)
            if cand.size and sel.size:
                schools[sel] = rng.choice(cand, size=sel.size)
        ok = schools >= 0
        deep = rng.random(n0) < self.initial_deep_share
        depth = np.where(deep, rng.choice([2, 2, 3], size=n0), 1)
        self.partnerships.add(schools[ok], firms[ok], sector[ok], depth[ok])

    def _init_accounting(self) -> None:
        self.entered = 0
        self.removed = {"further_study": 0, "dropped_out": 0, "settled": 0, "left_region": 0}
        self.cohorts: dict[int, dict[str, np.ndarray]] = {}
        # Job search of each graduating cohort, followed until nobody of it searches any
        # more (MAX_UNEMPLOYED_STEPS): labour-market entrants, hires, semesters searched.
        self.job_search: dict[int, dict[str, float]] = {}
        self.prospects = np.full(self.K, 0.7)  # perceived in-field prospects per sector
        self.track_prospects = np.array([0.9, 0.9])  # placement, vocational / general
        self.latest_vocational_share = np.nan
        # (hires, new vacancies, open vacancies, gap_sum) of the last two steps
        self.hires_window: list[tuple[int, int, int, float]] = []
        self.step_flow = {"hires": 0, "new_vacancies": 0, "gap_sum": 0.0, "graduates": 0}
        self.sector_flow = {k: np.zeros(self.K) for k in
                            ("graduates", "hires", "in_field", "vacancies", "new_vacancies",
                             "shortage")}
        self.spend_window: list[float] = []
        self._intern_claims = 0.0
        self._sharing_claims = 0.0
        self._firm_shared = np.zeros(self.n_enterprises)
        self.shared_step_total = 0.0
        self.interns_now = 0
        self._tax_base = 0.0
        self.current: dict[str, float] = {}
        self.cohort_stats = dict.fromkeys(
            ("employment_rate", "placement_rate", "in_field_rate", "intern_retention_rate",
             "local_retention_rate", "further_study_rate", "placement_rate_higher_vocational",
             "in_field_rate_higher_vocational", "in_field_count", "mean_time_to_job",
             "employed_within_two_years", "mean_search_semesters"), np.nan)

    def _create_initial_students(self) -> None:
        """Students already enrolled at the start: one cohort per year of programme."""
        ss = self.schools_state
        for offset in (1, 3, 5, 7):
            mask = ss["length"] > offset
            seats = self.seats * mask[:, None] * 0.97  # a few already dropped out
            self._admit(np.round(seats).astype(np.int64), semester=offset,
                        entry_step=-offset)

    def _admit(self, counts: np.ndarray, semester: int, entry_step: int) -> None:
        """Create students: ``counts[s, k]`` new students at school s, programme k."""
        flat = counts.ravel()
        total = int(flat.sum())
        if total == 0:
            return
        rng = self.rng
        idx = np.repeat(np.arange(flat.size), flat)
        school, prog = idx // self.K, idx % self.K
        ability = np.clip(rng.normal(1.0, self.ability_sd, total), 0.3, 2.0)
        comp = np.clip(rng.normal(0.2, 0.05, (total, len(COMPETENCIES))), 0, 1)
        comp *= np.sqrt(ability)[:, None]
        # Students enrolled before the start have learnt for `semester` semesters.
        comp += (1 - comp) * (1 - (1 - 0.11) ** semester)
        self._add_students(school, prog, ability, comp, semester, entry_step)

    def _add_students(self, school, prog, ability, comp, semester, entry_step) -> None:
        ss = self.schools_state
        self.pop.add(
            school.size,
            school=school, programme=prog, school_type=ss["type"][school],
            district=ss["district"][school], semester=semester,
            length=ss["length"][school], ability=ability,
            competency=np.clip(comp, 0, 1), entry_step=entry_step,
        )
        self.entered += int(school.size)

    # ==================================================================================
    # The schedule (DESIGN §4)
    # ==================================================================================
    def step(self) -> None:
        """Advance one semester: the 13 processes of DESIGN §4, in order."""
        self.move_technology_and_demand()  # 1
        self.run_government()  # 2
        self.update_partnerships()  # 3
        self.share_resources()  # 4
        self.train_teachers()  # 5
        self.update_curricula()  # 6
        self.place_interns()  # 7
        self.learn()  # 8
        self.graduate()  # 9
        self.match_labour_market()  # 10
        if self.steps % 2 == 1:
            self.enrol()  # 11: once a year
        self.enterprises_learn()  # 12
        self.collect_data()  # 13
        self.pop.drop_gone(0.15)  # housekeeping: free the records of students who left

    # -- 1 -----------------------------------------------------------------------------
    def move_technology_and_demand(self) -> None:
        """Technology and demand: frontiers move, enterprises open vacancies.

        Seed mechanism: AI, big data and cloud computing move industries' skill
        requirements (paper §3); a scheduled shock models a sudden wave. Graduates'
        frontier skill is measured against the moving frontier, so it goes stale.
        """
        d = self.tech_change_rate * self.sector_tech
        if self.tech_shock_step > 0 and self.steps == self.tech_shock_step:
            d = d + self.tech_shock_size
        self.frontier_step = d
        self.frontier += d
        comp = self.pop.competency
        comp[:, 0] = np.maximum(comp[:, 0] - d[self.pop.programme], 0.0)
        self.demand_index *= np.sqrt(np.maximum(1 + self.sector_growth + self.demand_growth,
                                                0.0))
        f = self.firms
        expected = self.yearly_need / 2.0 * self.demand_index[f["sector"]]
        kept = self.rng.binomial(f["vacancies"], VACANCY_PERSISTENCE)
        new = self.rng.poisson(expected)
        f["vacancies"] = kept + new
        self.step_flow = {"hires": 0, "new_vacancies": int(new.sum()), "gap_sum": 0.0,
                          "graduates": 0}
        for v in self.sector_flow.values():
            v[:] = 0
        self.sector_flow["vacancies"] = np.bincount(
            f["sector"], weights=f["vacancies"], minlength=self.K).astype(float)
        self.sector_flow["new_vacancies"] = np.bincount(
            f["sector"], weights=new, minlength=self.K).astype(float)

    # -- 2 -----------------------------------------------------------------------------
    def run_government(self) -> None:
        """Government: funds schools, certifies enterprises, promotes, pays subsidies.

        Seed mechanism: policy support for integration (paper §1) — subsidies, the 30%
        tax offset for certified integration enterprises, promotion where enterprises
        "lack a deep understanding" (§2), a cooperation platform ("informatization",
        §4.3), teacher practice (§4.3) and career services (§4.1). Claims are rationed
        when the budget runs out.
        """
        if self.participation_target > 0 and self.steps % 2 == 1 and self.steps > 1:
            self.adapt_subsidy()  # once a year, from the second year
        f, ss = self.firms, self.schools_state
        voc = ss["type"] < 2
        final_year = (self.pop.status == Status.ENROLLED) & (
            self.pop.semester == self.pop.length - 1)
        grads_next = np.bincount(self.pop.school[final_year], minlength=self.n_schools)
        claims = {
            "internship_subsidy": self._intern_claims,
            "resource_sharing": self._sharing_claims,
            "teacher_practice": self.teacher_practice_funding / 2.0 * float(voc.sum()),
            "promotion": self.promotion_intensity * PROMOTION_COST_PER_FIRM
            * self.n_enterprises,
            "platform": self.platform_level * (PLATFORM_COST
                                               + PLATFORM_COST_PER_FIRM * self.n_enterprises),
            "career_services": self.career_services_funding * float(grads_next.sum()),
        }
        uncapped = {"tax_credit": self.tax_credit_rate * self._tax_base}
        ration = self.government.pay(claims, uncapped)
        ss["budget"] += np.where(voc, self.teacher_practice_funding / 2.0 * ration, 0.0)
        ss["career_budget"] += self.career_services_funding * grads_next * ration
        # Promotion raises awareness; pilot cities campaign harder (demonstration bases).
        boost = PROMOTION_EFFECT * self.promotion_intensity * ration
        if self.pilot_city:
            boost = boost * 1.5 + 0.02
        f["awareness"] += boost * (1 - f["awareness"])
        # Certification of integration enterprises by summed partnership depth.
        t = self.partnerships
        depth_sum = t.per_firm(t.depth.astype(float))
        threshold = self.certification_threshold - (1 if self.pilot_city else 0)
        f["certified"] = (depth_sum >= threshold) | (f["certified"] & (depth_sum >= threshold / 2))

    def adapt_subsidy(self) -> None:
        """Optional adaptive rule: steer the internship subsidy toward the target
        participation rate (``participation_target`` > 0).

        Raises the subsidy by ``ADAPTIVE_SUBSIDY_STEP`` while participation is below
        the target and the budget paid every claim last semester; lowers it by the same
        step when participation exceeds the target by more than ``ADAPTIVE_BAND`` or the
        budget had to ration. Kept within the lever's declared range.
        """
        participation = self.current.get("participation_rate", np.nan)
        if np.isnan(participation):  # not measured yet
            return
        rationed = self.government.ration < 1.0
        change = 0.0
        if participation < self.participation_target and not rationed:
            change = ADAPTIVE_SUBSIDY_STEP
        elif rationed or participation > self.participation_target + ADAPTIVE_BAND:
            change = -ADAPTIVE_SUBSIDY_STEP
        p = PARAMETERS["internship_subsidy"]
        self.internship_subsidy = float(np.clip(self.internship_subsidy + change,
                                                p.low, p.high))

    # -- 3 -----------------------------------------------------------------------------
    def expected_net_benefit(self, depth: int = 1) -> np.ndarray:
        """Each enterprise's perceived net benefit per intern and semester (yuan).

        interns' productive work + recruitment savings × retention + subsidy + tax credit
        − mentoring − intern pay − coordination − resource-sharing cost − IP risk, at a
        given partnership depth, with benefits seen through the firm's awareness and
        blended with its own experience (DESIGN §4.3).
        """
        f = self.firms
        k = f["sector"]
        wage_sem = self.wage[k] * SEMESTER_MONTHS
        slots = np.maximum(f["mentors"] * DEPTH_SLOTS[depth], 1.0)
        need = np.minimum(1.0, self.yearly_need / slots)
        benefit = (self.intern_productivity * wage_sem
                   + RECRUITMENT_COST_MONTHS * self.wage[k] * EXPECTED_RETENTION * need)
        perceived = benefit * (PERCEPTION_FLOOR + (1 - PERCEPTION_FLOOR) * f["awareness"])
        pay = INTERN_PAY_SHARE * wage_sem
        cost = (pay + self.mentoring_cost + COORDINATION_COST / slots
                + IP_RISK_COST * f["ip_sensitivity"] * (1 - self.ip_protection)
                * DEPTH_EXPOSURE[depth])
        shared = self.sharing_willingness() * self.shared_per_partnership(depth)
        cost = cost + shared * (SHARE_OPPORTUNITY_COST - self.resource_sharing_incentive
                                * self.government.ration) / slots
        credit_prob = np.where(f["certified"], 1.0, 0.0)
        support = (self.internship_subsidy * self.government.ration
                   + self.tax_credit_rate * (pay + self.mentoring_cost) * credit_prob)
        net = perceived - cost + support
        return np.where(f["has_experience"], 0.5 * net + 0.5 * f["experience"], net)

    def update_partnerships(self) -> None:
        """Partnerships: enterprises weigh cooperation, schools search, pairs deepen or break.

        Seed mechanism: enterprises' weak recognition of cooperation (paper §2) and
        bounded rationality (noisy logit choice on perceived net benefit); search
        friction that the cooperation platform lowers (§4.3 informatization);
        deepening from internship agreements to order classes and joint labs /
        industrial colleges (§4.2, §5); break-ups from goal misalignment and weak
        mechanisms (§4.3).
        """
        rng, f, ss, t = self.rng, self.firms, self.schools_state, self.partnerships
        net = self.expected_net_benefit(1)
        willing = _sigmoid(net / CHOICE_NOISE)
        f["willingness"] = willing
        # Firms that would expect a gain even without the subsidy (its deadweight): the
        # subsidy enters both perception and experience once per intern.
        f["unsubsidised_willing"] = net - self.internship_subsidy * self.government.ration > 0
        # --- existing partnerships: age, break up, deepen ---------------------------
        rows = t.active_rows
        if rows.size:
            t.age[rows] += 1
            d = t.depth[rows]
            mgmt = ss["management"][t.school[rows]]
            p_break = (BREAK_BASE
                       + BREAK_DISSATISFIED * np.clip(-t.sat_firm[rows], 0, 1)
                       + BREAK_DISSATISFIED * 0.5 * np.clip(-t.sat_school[rows], 0, 1)
                       + BREAK_MISALIGNED * (1 - self.goal_alignment) * (1 - mgmt))
            p_break = p_break * DEPTH_STABILITY[d]
            broken = rng.random(rows.size) < p_break
            ready = ((d < 3) & (t.age[rows] >= 2 * d) & (t.sat_firm[rows] > 0.2)
                     & (t.sat_school[rows] > 0.1) & ~broken)
            # The enterprise weighs the next level like the first: a logit on its
            # expected net benefit at that depth (2σ = 1 for an indifferent firm).
            firm = t.firm[rows]
            next_net = np.where(d == 1, self.expected_net_benefit(2)[firm],
                                self.expected_net_benefit(3)[firm])
            p_deepen = (DEEPEN_BASE * (0.5 + self.goal_alignment)
                        * (1 + self.resource_sharing_incentive + 0.5 * self.pilot_city)
                        * 2 * _sigmoid(next_net / CHOICE_NOISE))
            deepen = ready & (rng.random(rows.size) < p_deepen)
            t.remove(rows[broken])
            t.deepen(rows[deepen])
        # --- schools search for new partners -------------------------------------------
        K = self.K
        seat_w = self.seats / np.maximum(self.seats.sum(axis=1, keepdims=True), 1e-9)
        intensity = np.where(ss["type"] < 2, SEARCH_CONTACTS, SEARCH_CONTACTS * 0.25)
        lam = (intensity[:, None] * self.offers * (1 + 2 * self.platform_level)
               * np.minimum(1.0, seat_w * K))
        n_contacts = rng.poisson(lam)  # (S, K)
        flat = n_contacts.ravel()
        if flat.sum() == 0:
            return
        idx = np.repeat(np.arange(flat.size), flat)
        c_school, c_sector = idx // K, idx % K
        local = rng.random(idx.size) < LOCAL_SEARCH * (1 - 0.75 * self.platform_level)
        c_district = np.where(local, ss["district"][c_school], -1)
        firm = self._draw_firms(c_sector, c_district, weights=None)
        ok = firm >= 0
        c_school, firm, c_sector = c_school[ok], firm[ok], c_sector[ok]
        accept = rng.random(firm.size) < willing[firm]
        c_school, firm, c_sector = c_school[accept], firm[accept], c_sector[accept]
        if firm.size == 0:
            return
        key = c_school.astype(np.int64) * self.n_enterprises + firm
        _, first = np.unique(key, return_index=True)
        first = np.sort(first)
        c_school, firm, c_sector = c_school[first], firm[first], c_sector[first]
        new = ~t.exists(c_school, firm)
        c_school, firm, c_sector = c_school[new], firm[new], c_sector[new]
        # A firm partners with a limited number of schools (1 + 1 per 10 mentors): of
        # this semester's new contacts it takes only as many as it has room for.
        room = np.maximum(1 + f["mentors"][firm] // 10 - t.per_firm()[firm], 0)
        order, rank = _group_rank(firm, rng.random(firm.size))
        keep = np.sort(order[rank < room[order]])
        t.add(c_school[keep], firm[keep], c_sector[keep], 1)

    def _firm_groups(self, by_district: bool) -> tuple[np.ndarray, np.ndarray]:
        """Enterprises sorted by (sector[, district]) and each group's start (cached:
        sector and district never change)."""
        cache = self.__dict__.setdefault("_group_cache", {})
        if by_district not in cache:
            f = self.firms
            gkey = f["sector"].astype(np.int64)
            G = self.K
            if by_district:
                gkey = gkey * self.n_districts + f["district"]
                G = self.K * self.n_districts
            order = np.argsort(gkey, kind="stable")
            bounds = np.searchsorted(gkey[order], np.arange(G + 1))
            cache[by_district] = (order, bounds)
        return cache[by_district]

    def _draw_firms(self, sector: np.ndarray, district: np.ndarray,
                    weights: np.ndarray | None) -> np.ndarray:
        """Draw one enterprise per request from (sector, district) groups.

        ``district`` −1 means any district. Draws are proportional to ``weights``
        (default: uniform). Returns −1 where a group has no weight.
        """
        F, D = self.n_enterprises, self.n_districts
        w = np.ones(F, dtype=np.int64) if weights is None else np.asarray(weights)
        integer_weights = np.issubdtype(w.dtype, np.integer)
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
            order, bounds = self._firm_groups(by_district)
            r = np.flatnonzero(req)
            g = rkey[r]
            if integer_weights:
                # One ticket per unit of weight, grouped: a draw is an O(1) lookup.
                tickets = np.repeat(order, w[order].astype(np.int64))
                tb = np.r_[0, np.cumsum(w[order].astype(np.int64))][bounds]
                start, tot = tb[g], tb[g + 1] - tb[g]
                has = tot > 0
                r = r[has]
                pick = start[has] + (self.rng.random(r.size) * tot[has]).astype(np.int64)
                out[r] = tickets[np.minimum(pick, tb[g[has] + 1] - 1)]
                continue
            cw = np.r_[0.0, np.cumsum(w[order])]  # cw[i]: weight before sorted firm i
            lo, hi = bounds[g], bounds[g + 1]
            start, tot = cw[lo], cw[hi] - cw[lo]
            has = tot > 0
            r, lo, hi = r[has], lo[has], hi[has]
            u = start[has] + self.rng.random(r.size) * tot[has]
            pos = np.clip(np.searchsorted(cw, u, side="right") - 1, lo, hi - 1)
            out[r] = order[pos]
        return out

    # -- 4 -----------------------------------------------------------------------------
    def sharing_willingness(self) -> np.ndarray:
        """Each enterprise's willingness (0–1) to open equipment and know-how to schools.

        Rises with the sharing incentive, IP protection and awareness; falls with the
        firm's IP sensitivity when protection is weak (seed paper §4.3).
        """
        f = self.firms
        return _sigmoid(-1.0 + 3.0 * self.resource_sharing_incentive + 2.5 * self.ip_protection
                        - 4.0 * f["ip_sensitivity"] * (1 - self.ip_protection)
                        + 1.0 * f["awareness"])

    def shared_per_partnership(self, depth: int) -> np.ndarray:
        """Resources (yuan/semester) a fully willing enterprise shares at a given depth."""
        return SHARE_UNIT * DEPTH_SHARING[depth] * np.sqrt(self.firms["mentors"] / 4.0)

    def share_resources(self) -> None:
        """Resource sharing inside partnerships.

        Seed mechanism: "some enterprises protect their core technologies and are
        unwilling to open relevant resources to schools" (paper §4.3). Willingness
        rises with the sharing incentive and IP protection and falls with the firm's IP
        sensitivity; shared equipment and know-how raise practical teaching.
        """
        t, ss = self.partnerships, self.schools_state
        t.shared_step[:] = 0.0
        rows = t.active_rows
        ss["resources"] *= 0.95  # depreciation of shared equipment
        self._firm_shared = np.zeros(self.n_enterprises)
        if rows.size == 0:
            self._sharing_claims = 0.0
            self.shared_step_total = 0.0
            return
        firm = t.firm[rows]
        amount = (self.sharing_willingness()[firm]
                  * DEPTH_SHARING[t.depth[rows]] / DEPTH_SHARING[2]
                  * self.shared_per_partnership(2)[firm])
        t.shared_step[rows] = amount
        t.shared_total[rows] += amount
        ss["resources"] += np.bincount(t.school[rows], weights=amount,
                                       minlength=self.n_schools)
        self.shared_step_total = float(amount.sum())
        self._sharing_claims = self.resource_sharing_incentive * self.shared_step_total
        self._firm_shared = np.bincount(firm, weights=amount, minlength=self.n_enterprises)

    # -- 5 -----------------------------------------------------------------------------
    def train_teachers(self) -> None:
        """Teachers: practice in enterprises and industry masters raise dual qualification.

        Seed mechanism: "insufficient faculty" and the remedy "university teachers can
        visit enterprises ... enterprises can send staff to universities" (paper §2,
        §4.3); "teachers' practice" is one of the six guides (§5).
        """
        ss, t = self.schools_state, self.partnerships
        T = ss["teachers"]
        placements = np.minimum(np.floor(ss["budget"] / TEACHER_PRACTICE_COST), 0.2 * T)
        ss["budget"] -= placements * TEACHER_PRACTICE_COST
        has_partner = t.per_school_sector(self.n_schools, self.K).sum(axis=1) > 0
        effect = np.where(has_partner, 1.0, 0.5)
        ss["dq"] += placements * effect * 0.5 * (1 - ss["dq"]) / T
        ss["dq"] *= 1 - TEACHER_ATTRITION - 0.25 * float(self.frontier_step.mean())
        ss["dq"] = np.clip(ss["dq"], 0, 1)

    def industry_masters(self) -> np.ndarray:
        """Industry masters teaching at each school: half a post per depth level ≥ 2."""
        t = self.partnerships
        m = t.per_school_sector(self.n_schools, self.K,
                                np.maximum(t.depth.astype(float) - 1, 0) * 0.5)
        return m.sum(axis=1)

    def effective_dual_qualified(self) -> np.ndarray:
        """Dual-qualified share counting industry masters as dual-qualified staff."""
        ss = self.schools_state
        T, m = ss["teachers"], self.industry_masters()
        return (ss["dq"] * T + m) / (T + m)

    # -- 6 -----------------------------------------------------------------------------
    def update_curricula(self) -> None:
        """Curriculum: programmes move toward the frontier, faster with deep partners.

        Seed mechanism: "unreasonable curriculum setting" and "disconnection between
        teaching and practical application" (paper §2); reform of educational content
        "timely adjusting the teaching content" through cooperation (§4.1).
        """
        ss, t = self.schools_state, self.partnerships
        depth = t.per_school_sector(self.n_schools, self.K, t.depth.astype(float))
        depth_norm = np.minimum(1.0, depth / 4.0)
        speed = self.curriculum_responsiveness * (
            CURRICULUM_BASE_SPEED + 0.12 * depth_norm
            + (0.08 * self.effective_dual_qualified() + 0.04 * ss["management"])[:, None])
        gap = np.maximum(self.frontier[None, :] - self.curriculum, 0.0)
        self.curriculum += np.minimum(speed, 0.9) * gap

    def alignment(self) -> np.ndarray:
        """Alignment of each school programme with its sector frontier, shape (S, K)."""
        gap = np.maximum(self.frontier[None, :] - self.curriculum, 0.0)
        return np.exp(-gap / GAP_SCALE)

    # -- 7 -----------------------------------------------------------------------------
    def place_interns(self) -> None:
        """Internships: final-year students go to partner enterprises (and via platform).

        Seed mechanism: internship bases and "extending students' learning and
        practical environments into the corporate setting" (paper §4.1–4.2); the
        platform shares "internship positions" (§4.3). Slots grow with firm size,
        partnership depth and the subsidy.
        """
        pop, t, f = self.pop, self.partnerships, self.firms
        enrolled = pop.status == Status.ENROLLED
        # Internships whose partnership ended are lost.
        lost = enrolled & (pop.intern_partnership >= 0)
        if lost.any():
            rows = pop.intern_partnership[lost]
            gone = ~t.active[rows]
            li = np.flatnonzero(lost)[gone]
            pop.intern_host[li] = -1
            pop.intern_partnership[li] = -1
        interning = enrolled & (pop.intern_host >= 0)
        final_year = enrolled & (pop.school_type < 2) & (pop.semester >= pop.length - 2)
        eligible = np.flatnonzero(final_year & (pop.intern_host < 0))
        rows = t.active_rows
        t.interns[:] = 0
        if rows.size:
            cur = np.bincount(pop.intern_partnership[interning & (pop.intern_partnership >= 0)],
                              minlength=t.n)
            n_part = t.per_firm()
            firm = t.firm[rows]
            subsidy_boost = 1 + 0.5 * self.internship_subsidy * self.government.ration / 10_000
            slots = np.floor(f["mentors"][firm] * DEPTH_SLOTS[t.depth[rows]] * subsidy_boost
                             / np.maximum(n_part[firm], 1))
            free = np.maximum(np.maximum(slots, 1) - cur[rows], 0).astype(np.int64)
            if eligible.size and free.sum():
                slot_rows = np.repeat(rows, free)
                skey = t.school[slot_rows].astype(np.int64) * self.K + t.sector[slot_rows]
                s_order, s_rank = _group_rank(skey, self.rng.random(slot_rows.size))
                skey_sorted = skey[s_order]
                ekey = pop.school[eligible].astype(np.int64) * self.K + pop.programme[eligible]
                e_order, e_rank = _group_rank(ekey, self.rng.random(eligible.size))
                ekey_sorted = ekey[e_order]
                # position of each student's slot: first slot of its group + its rank
                g_first = np.searchsorted(skey_sorted, ekey_sorted, side="left")
                g_last = np.searchsorted(skey_sorted, ekey_sorted, side="right")
                pos = g_first + e_rank
                got = pos < g_last
                students = eligible[e_order[got]]
                prow = slot_rows[s_order[pos[got]]]
                pop.intern_partnership[students] = prow
                pop.intern_host[students] = t.firm[prow]
                eligible = np.setdiff1d(eligible, students, assume_unique=True)
        # The cooperation platform finds places with non-partner enterprises.
        if self.platform_level > 0 and eligible.size:
            lucky = eligible[self.rng.random(eligible.size) < 0.5 * self.platform_level]
            host = self._draw_firms(pop.programme[lucky], np.full(lucky.size, -1),
                                    weights=f["mentors"] * f["willingness"])
            ok = host >= 0
            lucky, host = lucky[ok], host[ok]
            # Hosts take platform interns only up to their free mentor capacity.
            busy = np.bincount(pop.intern_host[enrolled & (pop.intern_host >= 0)],
                               minlength=self.n_enterprises)
            free = np.maximum(f["mentors"] - busy, 0)
            order, rank = _group_rank(host, self.rng.random(host.size))
            take = order[rank < free[host[order]]]
            pop.intern_host[lucky[take]] = host[take]
            pop.intern_partnership[lucky[take]] = -1
        interning = enrolled & (pop.intern_host >= 0)
        p_rows = pop.intern_partnership[interning]
        t.interns[:] = np.bincount(p_rows[p_rows >= 0], minlength=t.n)
        f["interns"] = np.bincount(pop.intern_host[interning], minlength=self.n_enterprises)
        self.interns_now = int(interning.sum())
        self._intern_claims = self.internship_subsidy * self.interns_now

    # -- 8 -----------------------------------------------------------------------------
    def teaching_quality(self) -> np.ndarray:
        """Teaching quality per school (0–1) from dual-qualified staff, practice, resources."""
        ss = self.schools_state
        enrolled = np.maximum(ss["teachers"] * STUDENTS_PER_TEACHER, 1.0)
        res = 1 - np.exp(-ss["resources"] / enrolled / 2_000.0)
        ss["practical"] = np.where(ss["type"] < 2, 0.3 + 0.3 * res
                                   + 0.2 * self.effective_dual_qualified(), 0.15 + 0.2 * res)
        return (0.25 + 0.35 * self.effective_dual_qualified() + 0.2 * ss["practical"]
                + 0.2 * res)

    def learn(self) -> None:
        """Learning: competencies grow with ability × teaching quality, more in internships.

        Seed mechanism: the five core qualities (paper §4.1) grow through reformed
        content (alignment), teaching methods (practical, project-based teaching,
        dual-qualified staff, shared resources) and internships; "students' inability
        to get timely help when they encounter difficulties in practice" (§4.3) is the
        school's management quality scaling what an internship teaches.
        """
        pop, ss, f, t = self.pop, self.schools_state, self.firms, self.partnerships
        enrolled = pop.status == Status.ENROLLED
        # Whole-array updates (no gather/scatter): the rate is zero for non-enrolled.
        rate = pop.ability * enrolled
        school, prog = pop.school, pop.programme
        q = self.teaching_quality()
        practical, mgmt = ss["practical"], ss["management"]
        target = (self.alignment() * (0.6 + 0.4 * q)[:, None]).ravel()
        c0 = pop.competency_row(0)
        c0 += FRONTIER_LEARNING_RATE * rate * np.maximum(
            target[school.astype(np.int64) * self.K + prog] - c0, 0)
        lr = SCHOOL_LEARNING_RATE * rate
        for j, coef in ((1, 0.5 * q + 0.5 * practical), (2, 0.5 * q + 0.5 * practical),
                        (3, 0.7 * q + 0.3 * practical), (4, 0.6 + 0.4 * mgmt)):
            cj = pop.competency_row(j)  # one row at a time: temporaries stay in cache
            cj += lr * coef[school] * (1 - cj)
        # Internships add practical, teamwork, complex-environment and frontier skill.
        it = np.flatnonzero(enrolled & (pop.intern_host >= 0))
        f["fit_sum"] = np.zeros(self.n_enterprises)
        if it.size:
            host = pop.intern_host[it]
            prow = pop.intern_partnership[it]
            depth = np.ones(prow.size)  # platform interns count as depth 1
            via = prow >= 0
            depth[via] = t.depth[prow[via]]
            mq = (0.3 + 0.2 * (depth - 1) + 0.4 * mgmt[pop.school[it]] - np.where(via, 0.0, 0.1))
            gain = INTERN_LEARNING_RATE * mq
            c = pop.competency[it]
            c[:, 0] += gain * np.maximum(f["tech"][host] - c[:, 0], 0)
            c[:, 1:4] += (gain * pop.ability[it])[:, None] * np.array([0.8, 0.8, 1.0]) * (
                1 - c[:, 1:4])
            c = np.clip(c, 0, 1)
            pop.competency[it] = c
            pop.intern_semesters[it] += 1
            f["fit_sum"] = np.bincount(host, weights=self._fit(c.T, prog[it], prog[it]),
                                       minlength=self.n_enterprises)
        semester = pop.semester
        semester += enrolled

    def _fit_matrix(self, comp: np.ndarray, programme: np.ndarray) -> np.ndarray:
        """Skill fit of each student (columns of ``comp``, shape (5, m)) for every sector:
        an (m, K) matrix; the same formula as :meth:`_fit`."""
        W = self.weights  # (K, 5)
        fit = comp[1:].T @ W[:, 1:].T  # (m, K): the four general competencies
        c0 = comp[0][:, None] * np.where(
            programme[:, None] == np.arange(self.K)[None, :], 1.0, 0.3)
        return fit + c0 * W[:, 0][None, :]

    def _fit(self, comp: np.ndarray, programme: np.ndarray, sector: np.ndarray) -> np.ndarray:
        """Skill fit (0–1) of students for jobs in ``sector``.

        ``comp`` is (5, m): one row per competency. Frontier skill is specific to the
        programme's sector: it counts 30% elsewhere.
        """
        w = self.weights[sector]
        fit = w[:, 0] * comp[0] * np.where(programme == sector, 1.0, 0.3)
        for j in range(1, comp.shape[0]):
            fit += w[:, j] * comp[j]
        return fit

    # -- 9 -----------------------------------------------------------------------------
    def graduate(self) -> None:
        """Graduation, further study (the general–vocational bridge) and dropout.

        Seed mechanism: "promoting the integration of general and vocational education
        is the critical point" (abstract); further study counts as placement in the
        Ministry's statistics (facts.md). Dropout is higher where teaching is poor.
        """
        pop, ss = self.pop, self.schools_state
        rng = self.rng
        enrolled = np.flatnonzero(pop.status == Status.ENROLLED)
        q = self.teaching_quality()[pop.school[enrolled]]
        p_drop = DROPOUT_BASE * (1.6 - q) * (1.3 - 0.3 * pop.ability[enrolled])
        drop = enrolled[rng.random(enrolled.size) < p_drop]
        done = enrolled[pop.semester[enrolled] >= pop.length[enrolled]]
        done = np.setdiff1d(done, drop, assume_unique=True)
        typ = pop.school_type[done]
        ab = np.clip(pop.ability[done], 0.5, 1.5) ** 2
        # Higher-vocational → bachelor: 6.3% (2018) → 20.1% (2022) as the bridge opened
        # (MyCOS, facts.md): 0.5 × openness × ability² gives 15% at openness 0.3.
        p_further = np.select(
            [typ == 0, typ == 1],
            [0.25 + 0.5 * self.bridge_openness, 0.5 * self.bridge_openness * ab],
            0.2 * ab)
        further = rng.random(done.size) < np.clip(p_further, 0, 0.95)
        t = self.steps
        n_type = np.bincount(typ, minlength=3)
        f_type = np.bincount(typ[further], minlength=3)
        if done.size:
            self.cohorts[t] = {"graduates": n_type, "further": f_type}
        grads = done[~further]
        if grads.size:
            self.job_search[t] = {"entrants": float(grads.size), "hired": 0.0, "waits": 0.0}
        pop.status[grads] = Status.SEARCHING
        pop.grad_step[grads] = t
        pop.search_steps[grads] = 0
        # Career services: the school's earmarked budget (claimed for every final-semester
        # student) is shared by all its graduates; those entering the labour market use it.
        n_by_school = np.bincount(pop.school[done], minlength=self.n_schools)
        per_grad = np.where(n_by_school > 0, ss["career_budget"] / np.maximum(n_by_school, 1),
                            0.0)
        pop.support[grads] = per_grad[pop.school[grads]]
        ss["career"] = np.where(n_by_school > 0, np.clip(per_grad / 1_000.0, 0, 1), ss["career"])
        ss["career_budget"] = np.where(n_by_school > 0, 0.0, ss["career_budget"])
        self.step_flow["graduates"] = int(done.size)
        self.sector_flow["graduates"] = np.bincount(pop.programme[done],
                                                    minlength=self.K).astype(float)
        self.removed["dropped_out"] += int(drop.size)
        self.removed["further_study"] += int(further.sum())
        pop.status[drop] = Status.GONE
        pop.status[done[further]] = Status.GONE

    # -- 10 ----------------------------------------------------------------------------
    def match_labour_market(self) -> None:
        """Labour market: graduates apply; enterprises rank by skill fit and hire.

        Seed mechanism: "enhancing the employment competitiveness of graduates" (§1);
        locality (most vocational graduates work near their school, facts.md); the
        platform widens the reach; former interns get a head start (recruitment is
        why firms train, facts.md BIBB).
        """
        pop, f = self.pop, self.firms
        seekers = np.flatnonzero((pop.status == Status.SEARCHING)
                                 | (pop.status == Status.UNEMPLOYED))
        vac = f["vacancies"].astype(np.int64)
        if seekers.size and vac.sum() > 0:
            self._match(seekers, vac)
        # Those still without a job become/stay unemployed; long-term ones leave.
        still = (pop.status == Status.SEARCHING) | (pop.status == Status.UNEMPLOYED)
        pop.search_steps[still] += 1
        pop.status[still] = Status.UNEMPLOYED
        left = still & (pop.search_steps >= MAX_UNEMPLOYED_STEPS)
        settled = (pop.status == Status.EMPLOYED) & (pop.grad_step <= self.steps - SETTLED_AFTER)
        self.removed["left_region"] += int(left.sum())
        self.removed["settled"] += int(settled.sum())
        pop.status[left | settled] = Status.GONE
        self.sector_flow["shortage"] = np.bincount(
            f["sector"], weights=f["vacancies"], minlength=self.K).astype(float)
        self.hires_window.append((self.step_flow["hires"], self.step_flow["new_vacancies"],
                                  int(self.sector_flow["vacancies"].sum()),
                                  self.step_flow["gap_sum"]))
        self.hires_window = self.hires_window[-2:]

    def _match(self, seekers: np.ndarray, vac: np.ndarray) -> None:
        pop, f, rng, K = self.pop, self.firms, self.rng, self.K
        n = seekers.size
        prog = pop.programme[seekers]
        career = np.clip(pop.support[seekers] / 1_000.0, 0, 1)  # career-service help
        n_apps = (APPLICATIONS_BASE + np.floor(2 * self.platform_level + 2 * career
                                               + rng.random(n))).astype(np.int64)
        who = np.repeat(np.arange(n), n_apps)
        # Sector: own programme mostly, otherwise any sector weighted by vacancies.
        sec_vac = np.bincount(f["sector"], weights=vac, minlength=K)
        own = rng.random(who.size) < P_IN_SECTOR + 0.15 * career[who]
        sector = prog[who].astype(np.int64)
        not_own = np.flatnonzero(~own)
        cdf = np.cumsum(sec_vac) / sec_vac.sum()
        sector[not_own] = np.minimum(np.searchsorted(cdf, rng.random(not_own.size),
                                                     side="right"), K - 1)
        p_local = P_LOCAL * (1 - 0.3 * self.platform_level)
        local = rng.random(who.size) < p_local
        district = np.where(local, pop.district[seekers][who], -1)
        firm = self._draw_firms(sector, district, weights=vac)
        # Former interns apply to their host first.
        host = pop.intern_host[seekers]
        first_app = np.r_[0, np.cumsum(n_apps)[:-1]]
        has_host = (host >= 0) & (vac[np.maximum(host, 0)] > 0)
        firm[first_app[has_host]] = host[has_host]
        ok = firm >= 0
        who, firm = who[ok], firm[ok]
        key = who.astype(np.int64) * self.n_enterprises + firm
        _, uniq = np.unique(key, return_index=True)
        who, firm = who[uniq], firm[uniq]
        fsec = f["sector"][firm]
        # Fit of every seeker for every sector (n × K), then looked up per application.
        fit = self._fit_matrix(pop.competency.T[:, seekers], prog)[who, fsec]
        is_host = firm == host[who]
        score = fit + rng.normal(0, 0.05, fit.size) + INTERN_BONUS * is_host
        threshold = HIRE_THRESHOLD + 0.1 * f["tech"][firm]
        wage_norm = self.wage / self.wage.mean()
        utility = (wage_norm[fsec] + 0.3 * (fsec == prog[who])
                   + 0.2 * (f["district"][firm] == pop.district[seekers[who]]) + 0.2 * is_host
                   + rng.random(fit.size) * 0.1)
        hired = np.zeros(n, dtype=bool)
        remaining = vac.copy()
        # Applications sorted once by (firm, best score first); each round keeps the
        # live ones in that order, so ranks within a firm need no new sort.
        # Only applications above the firm's threshold can lead to an offer: sort those.
        qualified = np.flatnonzero(score >= threshold)
        order, _ = _group_rank(firm[qualified], -score[qualified])
        by_firm = qualified[order]
        for _ in range(MATCHING_ROUNDS):
            li = by_firm[~hired[who[by_firm]] & (remaining[firm[by_firm]] > 0)]
            if li.size == 0:
                break
            g = firm[li]
            starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
            rank = np.arange(li.size) - np.repeat(starts, np.diff(np.r_[starts, li.size]))
            offers = li[rank < remaining[g]]
            # Each seeker accepts the best offer.
            o_order, o_rank = _group_rank(who[offers], -utility[offers])
            acc = offers[o_order[o_rank == 0]]
            hired[who[acc]] = True
            remaining -= np.bincount(firm[acc], minlength=remaining.size)
            s = seekers[who[acc]]
            fa = firm[acc]
            self._record_hires(s)
            pop.status[s] = Status.EMPLOYED
            pop.employer[s] = fa
            pop.in_field[s] = (fsec[acc] == prog[who[acc]]) & (fit[acc] >= ADEQUATE_FIT)
            pop.match_quality[s] = fit[acc]
            self.step_flow["hires"] += int(acc.size)
            self.step_flow["gap_sum"] += float((1 - fit[acc]).sum())
            self.sector_flow["hires"] += np.bincount(fsec[acc], minlength=K)
            self.sector_flow["in_field"] += np.bincount(fsec[acc][pop.in_field[s]],
                                                        minlength=K)
            f["hired_interns"] += np.bincount(fa[is_host[acc]], minlength=self.n_enterprises)
        f["vacancies"] = remaining

    def _record_hires(self, hired: np.ndarray) -> None:
        """Book hires (record indices) on their cohort's job search: one more hire and
        the semesters each searched before it (0 = hired in the graduation semester)."""
        pop = self.pop
        cohorts, idx = np.unique(pop.grad_step[hired], return_inverse=True)
        waits = np.bincount(idx, weights=pop.search_steps[hired])
        counts = np.bincount(idx)
        for g, n, w in zip(cohorts.tolist(), counts.tolist(), waits.tolist(), strict=True):
            track = self.job_search.get(g)
            if track is not None:
                track["hired"] += n
                track["waits"] += w

    # -- 11 ----------------------------------------------------------------------------
    def enrol(self) -> None:
        """Enrolment (once a year): the new cohort chooses track, school and programme.

        Seed mechanism: vocational education's social standing and graduates'
        prospects drive the choice between general and vocational tracks; schools shift
        seats toward programmes whose graduates find work ("professional development is
        integrated with the needs of industry", paper §5).
        """
        rng, ss = self.rng, self.schools_state
        # Schools shift seats toward programmes with good prospects.
        if self.capacity_flexibility > 0:
            p = np.where(self.offers, self.prospects[None, :], np.nan)
            dev = p - np.nanmean(np.where(self.offers, p, np.nan), axis=1, keepdims=True)
            total = self.seats.sum(axis=1, keepdims=True)
            flex = self.capacity_flexibility
            change = np.clip(2 * np.nan_to_num(dev), -1, 1) * flex
            new = self.seats * (1 + change)
            new = np.where(self.offers, np.maximum(new, 0.02 * total), 0)
            new = new * total / np.maximum(new.sum(axis=1, keepdims=True), 1e-9)
            # Keep every programme within ±flex of last year's seats (the policy's cap);
            # a school's total may drift slightly after this clip.
            self.seats = np.clip(new, self.seats * (1 - flex), self.seats * (1 + flex))
        N = self.cohort_size
        ability = np.clip(rng.normal(1.0, self.ability_sd, N), 0.3, 2.0)
        home = rng.integers(0, self.n_districts, N)
        voc_seats = self.seats[ss["type"] < 2].sum()
        gen_seats = self.seats[ss["type"] == 2].sum()
        u = (TRACK_BIAS + 3.0 * (self.track_prospects[0] - self.track_prospects[1])
             - 2.5 * self.vocational_stigma - 4.0 * (ability - 1.0))
        vocational = rng.random(N) < _sigmoid(u)
        if gen_seats <= 0:
            vocational[:] = True
        if voc_seats <= 0:
            vocational[:] = False
        n_voc = 0
        n_all = 0
        for track in (True, False):
            members = np.flatnonzero(vocational == track)
            rng.shuffle(members)
            mask = (ss["type"] < 2) if track else (ss["type"] == 2)
            counts = self._choose_programmes(home[members], mask)
            admitted = int(counts.sum())
            members = members[:admitted]
            flat = counts.ravel()
            idx = np.repeat(np.arange(flat.size), flat)
            school, prog = idx // self.K, idx % self.K
            comp = np.clip(rng.normal(0.2, 0.05, (admitted, len(COMPETENCIES))), 0, 1)
            comp *= np.sqrt(ability[members])[:, None]
            self._add_students(school, prog, ability[members], comp, 0, self.steps)
            n_all += admitted
            if track:
                n_voc = admitted
        self.latest_vocational_share = n_voc / n_all if n_all else np.nan

    def _choose_programmes(self, home: np.ndarray, school_mask: np.ndarray) -> np.ndarray:
        """Counts of students per (school, programme) given their home districts.

        Multinomial logit over programmes (prospects, wage, distance), filled under seat
        capacity in three rounds; the rest go where seats remain, or are not admitted.
        Students of one track are exchangeable apart from their home district, which
        only shapes the choice probabilities; they carry their school's district.
        """
        rng, ss, K = self.rng, self.schools_state, self.K
        S = self.n_schools
        cap = np.floor(self.seats * school_mask[:, None]).ravel()
        util_base = (2.0 * self.prospects[None, :] + self.wage[None, :] / self.wage.mean())
        util_base = np.broadcast_to(util_base, (S, K)).ravel()
        opt_district = np.repeat(ss["district"], K)
        counts = np.zeros(S * K, dtype=np.int64)
        for d in np.unique(home):  # districts: few
            n_left = int(np.count_nonzero(home == d))
            util = util_base - DISTANCE_PENALTY * (opt_district != d)
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
                room = (cap - counts).astype(np.int64)
                room = np.maximum(room, 0)
                order = np.argsort(-room, kind="stable")
                cum = np.cumsum(room[order])
                fill = np.minimum(room[order], np.maximum(n_left - (cum - room[order]), 0))
                counts[order] += fill
        return counts.reshape(S, K)

    # -- 12 ----------------------------------------------------------------------------
    def enterprises_learn(self) -> None:
        """Learning by enterprises: realised benefits update expectations; peers spread it.

        Seed mechanism: enterprises' "cognition and investment" in cooperation (paper
        §2) change with what cooperation actually returned; awareness spreads through
        peers of the same sector (and evolutionary-game findings that payoffs decide
        sustainability, facts.md).
        """
        f, t = self.firms, self.partnerships
        k = f["sector"]
        wage_sem = self.wage[k] * SEMESTER_MONTHS
        n_i = f["interns"].astype(float)
        mean_fit = np.where(n_i > 0, f["fit_sum"] / np.maximum(n_i, 1), 0.0)
        pay = INTERN_PAY_SHARE * wage_sem
        certified = f["certified"]
        n_part = t.per_firm()
        shared = self._firm_shared
        # IP exposure grows with the depth of the partnership that hosts each intern;
        # platform interns count as depth 1.
        via_partners = t.per_firm(t.interns.astype(float))
        exposure = (t.per_firm(t.interns * DEPTH_EXPOSURE[t.depth])
                    + (n_i - via_partners) * DEPTH_EXPOSURE[1])
        ip_loss = IP_RISK_COST * f["ip_sensitivity"] * (1 - self.ip_protection) * exposure
        investment = n_i * (pay + self.mentoring_cost) + shared * SHARE_OPPORTUNITY_COST
        realized = (n_i * (self.intern_productivity * wage_sem * mean_fit / REFERENCE_FIT - pay
                           - self.mentoring_cost
                           + self.internship_subsidy * self.government.ration)
                    + f["hired_interns"] * RECRUITMENT_COST_MONTHS * self.wage[k]
                    + shared * (self.resource_sharing_incentive * self.government.ration
                                - SHARE_OPPORTUNITY_COST)
                    + self.tax_credit_rate * investment * certified
                    - COORDINATION_COST * n_part - ip_loss)
        self._tax_base = float((investment * certified).sum())
        active = n_part > 0
        per_intern = realized / np.maximum(n_i, 1.0)
        f["experience"] = np.where(active, np.where(
            f["has_experience"], 0.5 * f["experience"] + 0.5 * per_intern, per_intern),
            f["experience"])
        f["has_experience"] |= active
        signal = np.tanh(per_intern / SAT_SCALE)
        rows = t.active_rows
        if rows.size:
            firm = t.firm[rows]
            t.sat_firm[rows] = 0.6 * t.sat_firm[rows] + 0.4 * signal[firm]
            school_signal = (np.tanh(t.interns[rows] / 2.0) * (0.5 + self.goal_alignment)
                             - 0.4 * (1 - self.goal_alignment)
                             + 0.2 * (t.shared_step[rows] > 0))
            t.sat_school[rows] = 0.6 * t.sat_school[rows] + 0.4 * np.clip(school_signal, -1, 1)
        # Awareness: own experience and peers of the same sector.
        part = active.astype(float)
        good = np.bincount(k, weights=part * np.maximum(signal, 0), minlength=self.K)
        n_k = np.maximum(np.bincount(k, minlength=self.K), 1)
        spill = good / n_k
        aw = f["awareness"]
        aw += PEER_RATE * spill[k] * (1 - aw)
        aw += np.where(active, 0.05 * signal, 0.0)
        f["awareness"] = np.clip(aw, 0, 1)
        f["hired_interns"][:] = 0

    # ==================================================================================
    # 13 Data collection
    # ==================================================================================
    def collect_data(self) -> None:
        """Data collection: compute this step's outcomes and record them.

        Cohort outcomes are measured one step (six months) after a cohort graduates and
        held until the next cohort is measured.
        """
        pop, f, t, ss = self.pop, self.firms, self.partnerships, self.schools_state
        g = self.steps - 1
        if g in self.cohorts:
            self._measure_cohort(g)
        # A cohort's job search ends MAX_UNEMPLOYED_STEPS − 1 steps after graduation:
        # by then each of its entrants has been hired or has left the region.
        done = self.job_search.pop(self.steps - (MAX_UNEMPLOYED_STEPS - 1), None)
        if done is not None:
            self.cohort_stats["employed_within_two_years"] = (
                done["hired"] / done["entrants"] if done["entrants"] else np.nan)
            self.cohort_stats["mean_search_semesters"] = (
                done["waits"] / done["hired"] if done["hired"] else np.nan)
        # Cohort outcomes, held until the next cohort is measured (in_field_count is
        # bookkeeping for cost_per_matched_graduate, not an outcome).
        out: dict[str, float] = {k: v for k, v in self.cohort_stats.items()
                                 if k != "in_field_count"}
        # Over the last year: hires / (vacancies open a year ago + new ones since), so
        # carried-over vacancies count once and the rate stays a share.
        w = self.hires_window
        hires = sum(h for h, _, _, _ in w)
        vacs = (w[0][2] + sum(n for _, n, _, _ in w[1:])) if w else 0
        gaps = sum(gp for _, _, _, gp in w)
        out["vacancy_fill_rate"] = hires / vacs if vacs else np.nan
        out["skill_gap"] = gaps / hires if hires else np.nan
        n_part = t.per_firm()
        participating = n_part > 0
        out["participation_rate"] = float(participating.mean()) if f["size"].size else np.nan
        for c, (name, _, _) in enumerate(SIZE_CLASSES):
            m = f["size_class"] == c
            out[f"participation_{name}"] = float(participating[m].mean()) if m.any() else np.nan
        rows = t.active_rows
        depth = t.depth[rows]
        out["partnerships"] = float(rows.size)
        for d in (1, 2, 3):
            out[f"partnerships_depth_{d}"] = float(np.count_nonzero(depth == d))
        out["deep_partnership_share"] = float(np.mean(depth >= 2)) if rows.size else 0.0
        voc = ss["type"] < 2
        T = ss["teachers"]
        out["dual_qualified_share"] = (float((ss["dq"][voc] * T[voc]).sum() / T[voc].sum())
                                       if voc.any() else np.nan)
        seats = self.seats
        alignment = self.alignment()
        out["curriculum_alignment"] = float((alignment * seats).sum()
                                            / max(seats.sum(), 1e-9))
        out["resources_shared"] = self.shared_step_total
        spend = self.government.spent_step if self.steps > 0 else dict.fromkeys(
            Government.INSTRUMENTS, 0.0)
        out["government_spending"] = float(sum(spend.values())) if self.steps > 0 else 0.0
        for name, v in spend.items():
            out[f"spending_{name}"] = float(v) if self.steps > 0 else 0.0
        out["budget_ration"] = float(self.government.ration)
        out["internship_subsidy_level"] = float(self.internship_subsidy)
        if self.steps > 0:
            self.spend_window = ([*self.spend_window, out["government_spending"]])[-2:]
        matched = self.cohort_stats["in_field_count"]
        out["cost_per_matched_graduate"] = (sum(self.spend_window) / matched
                                            if matched and matched == matched else np.nan)
        out["vocational_share"] = self.latest_vocational_share
        out["graduates"] = float(self.step_flow["graduates"])
        out["hires"] = float(self.step_flow["hires"])
        out["new_vacancies"] = float(self.step_flow["new_vacancies"])
        out["open_vacancies"] = float(self.sector_flow["vacancies"].sum())
        status = pop.status
        out["unemployed"] = float(np.count_nonzero((status == Status.SEARCHING)
                                                   | (status == Status.UNEMPLOYED)))
        out["students_alive"] = float(pop.n_alive)
        out["certified_enterprises"] = float(f["certified"].sum())
        out["interns"] = float(self.interns_now)
        out["subsidy_deadweight_share"] = (
            float((f["interns"] * f["unsubsidised_willing"]).sum() / f["interns"].sum())
            if self.internship_subsidy > 0 and self.steps > 0 and f["interns"].sum() > 0
            else np.nan)
        out["mean_awareness"] = float(f["awareness"].mean()) if f["awareness"].size else np.nan
        self.current = {name: float(out[name]) for name in OUTCOMES}
        self.datacollector.collect(self)
        for k, s in enumerate(self.sectors):
            self.sector_records.append({
                "step": self.steps, "sector": s.name,
                "graduates": float(self.sector_flow["graduates"][k]),
                "hires": float(self.sector_flow["hires"][k]),
                "in_field": float(self.sector_flow["in_field"][k]),
                "vacancies": float(self.sector_flow["vacancies"][k]),
                "new_vacancies": float(self.sector_flow["new_vacancies"][k]),
                "shortage": float(self.sector_flow["shortage"][k]),
                "frontier": float(self.frontier[k]),
                "alignment": float((alignment[:, k] * self.seats[:, k]).sum()
                                   / max(self.seats[:, k].sum(), 1e-9)),
            })

    def _measure_cohort(self, g: int) -> None:
        pop = self.pop
        c = self.cohorts[g]
        cohort = pop.grad_step == g
        employed = cohort & (pop.status == Status.EMPLOYED)
        in_field = employed & pop.in_field
        stats = self.cohort_stats
        N, Fs = c["graduates"], c["further"]
        L = N - Fs
        typ = pop.school_type
        emp_t = np.bincount(typ[employed], minlength=3)
        inf_t = np.bincount(typ[in_field], minlength=3)

        def ratio(a: float, b: float) -> float:
            return float(a / b) if b > 0 else np.nan

        stats["employment_rate"] = ratio(emp_t.sum(), L.sum())
        stats["placement_rate"] = ratio(emp_t.sum() + Fs.sum(), N.sum())
        stats["in_field_rate"] = ratio(inf_t.sum(), L.sum())
        stats["further_study_rate"] = ratio(Fs.sum(), N.sum())
        stats["placement_rate_higher_vocational"] = ratio(emp_t[1] + Fs[1], N[1])
        stats["in_field_rate_higher_vocational"] = ratio(inf_t[1], L[1])
        stats["in_field_count"] = float(inf_t.sum())
        stats["mean_time_to_job"] = (float(pop.search_steps[employed].mean())
                                     if employed.any() else np.nan)
        interned = cohort & (pop.intern_semesters > 0)
        kept = interned & employed & (pop.employer == pop.intern_host)
        stats["intern_retention_rate"] = ratio(kept.sum(), interned.sum())
        local = employed & (self.firms["district"][np.maximum(pop.employer, 0)] == pop.district)
        stats["local_retention_rate"] = ratio(local.sum(), employed.sum())
        # Perceived prospects for next year's entrants (in-field by programme sector).
        lm = cohort
        n_k = np.bincount(pop.programme[lm], minlength=self.K)
        inf_k = np.bincount(pop.programme[in_field], minlength=self.K)
        seen = n_k > 0
        self.prospects[seen] = 0.5 * self.prospects[seen] + 0.5 * inf_k[seen] / n_k[seen]
        voc_pl = ratio(emp_t[:2].sum() + Fs[:2].sum(), N[:2].sum())
        gen_pl = ratio(emp_t[2] + Fs[2], N[2])
        for i, v in enumerate((voc_pl, gen_pl)):
            if v == v:
                self.track_prospects[i] = 0.5 * self.track_prospects[i] + 0.5 * v
        del self.cohorts[g]

    # ==================================================================================
    # Results
    # ==================================================================================
    def outcomes_frame(self) -> pd.DataFrame:
        """Model-level outcomes, one row per step (step 0 = initial state)."""
        df = self.datacollector.get_model_vars_dataframe()
        df.index.name = "step"
        return df.reset_index()

    def sector_frame(self) -> pd.DataFrame:
        """Per-sector table: step × sector with graduates, hires, in_field, vacancies
        (open), new_vacancies, shortage (unfilled after matching), frontier, alignment."""
        return pd.DataFrame.from_records(self.sector_records)

    def accounting(self) -> dict[str, int]:
        """Every student who ever entered, by where they are now."""
        st = self.pop.status
        counts = {name: int(np.count_nonzero(st == code)) for code, name in STATUS_NAMES.items()}
        return {"entered": self.entered, **counts, **self.removed}

    def run(self, steps: int) -> None:
        """Run ``steps`` semesters."""
        for _ in range(steps):
            self.step()


# The constructor's signature is generated from the one declaration, so that SolaraViz
# and mesa.batch_run see every parameter as a keyword with its default.
EcosystemModel.__init__.__signature__ = inspect.Signature(
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
     inspect.Parameter("seed", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)]
    + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=p.default,
                         annotation=p.type.__name__) for name, p in PARAMETERS.items()]
)

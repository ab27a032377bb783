"""The one declaration of every model input and every outcome.

Levers (what a policy maker sets), uncertainties (what nobody controls), structure
(the size and make-up of the region) and calibration constants (the numbers inside the
rules) are declared ONCE, with type, default, range, unit and meaning. The first three
are listed here; calibration constants are declared beside the rule that uses them, in
the ``CONSTANTS`` of each process module (:mod:`ecosim.simulation.processes`), with
their sources, and gathered here. Scenario validation, CLI ``--set`` overrides,
sliders, sweeps and SALib problems are all derived from :data:`PARAMETERS`; outcomes
from :data:`OUTCOMES`.

Numbers taken from the literature carry their source in a comment; the reference
list is in ``docs/ODD.md`` (section 7) and ``../shared/reference/facts.md``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, make_dataclass
from typing import Any, Literal

from .errors import ParameterError
from .simulation.processes import CONSTANT_PROCESS as _CONSTANT_PROCESS
from .simulation.processes import CONSTANTS as _PROCESS_CONSTANTS
from .simulation.sectors import SECTOR_SETS

__all__ = [
    "Parameter",
    "Outcome",
    "PARAMETERS",
    "OUTCOMES",
    "HEADLINE_OUTCOMES",
    "LEVERS",
    "UNCERTAINTIES",
    "STRUCTURE",
    "CALIBRATION",
    "KINDS",
    "ParameterValues",
    "ParameterError",
    "defaults",
    "get_parameter",
    "coerce_value",
    "suggest",
]

Kind = Literal["lever", "uncertainty", "structure", "calibration"]
KINDS: tuple[str, ...] = ("lever", "uncertainty", "structure", "calibration")


@dataclass(frozen=True)
class Parameter:
    """One declared model input.

    Attributes:
        name: snake_case keyword of :class:`ecosim.EcosystemModel`.
        kind: ``lever``, ``uncertainty``, ``structure`` or ``calibration``.
        type: ``float``, ``int`` or ``bool``.
        default: value used when a scenario says nothing.
        low: smallest allowed value (inclusive); ``None`` for bool.
        high: largest allowed value (inclusive); ``None`` for bool.
        unit: unit of measurement, for people.
        meaning: one line saying what it is.
        source: where the default comes from (calibration constants always say).
        process: the process module whose rule uses it (calibration constants).
        multiple_of: for an int, the values must be multiples of it (``None``: any).
    """

    name: str
    kind: Kind
    type: type
    default: Any
    low: float | None
    high: float | None
    unit: str
    meaning: str
    source: str = ""
    process: str = ""
    multiple_of: int | None = None

    def allowed(self) -> str:
        """Human description of the allowed values."""
        if self.type is bool:
            return "true or false"
        if self.type is str:
            return "one of " + ", ".join(repr(r) for r in _REGIONS)
        rng = f"[{_fmt(self.low)}, {_fmt(self.high)}]"
        kind = (f"{self.type.__name__} multiple of {self.multiple_of}" if self.multiple_of
                else self.type.__name__)
        return f"a {kind} in {rng} {self.unit}".rstrip()

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ParameterError."""
        return coerce_value(self, value)


@dataclass(frozen=True)
class Outcome:
    """One declared model-level outcome (a column of the outcomes table).

    Attributes:
        name: column name in ``outcomes.parquet``.
        unit: unit of measurement.
        meaning: one line saying what it measures.
        headline: whether summaries, comparisons and reports show it by default.
    """

    name: str
    unit: str
    meaning: str
    headline: bool = True


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", "_") if abs(x) >= 10_000 else str(int(x))
    return f"{x:g}"


def _p(name, kind, typ, default, low, high, unit, meaning, **extra) -> Parameter:
    return Parameter(name, kind, typ, default, low, high, unit, meaning, **extra)


# ----------------------------------------------------------------------------------
# Levers (DESIGN §5). Money is in yuan. One step = one semester.
# ----------------------------------------------------------------------------------
_LEVERS = [
    _p("internship_subsidy", "lever", float, 0.0, 0.0, 10_000.0, "yuan/intern/semester",
       "subsidy paid to a partner enterprise for each placement student it trains"),
    _p("participation_target", "lever", float, 0.0, 0.0, 1.0, "share of enterprises",
       "adaptive rule: each year the government moves the internship subsidy toward "
       "reaching this enterprise participation rate (0 = subsidy fixed)"),
    # China's real instrument: certified integration enterprises offset 30% of their
    # investment in vocational education against education surcharges (facts.md, 2019).
    _p("tax_credit_rate", "lever", float, 0.3, 0.0, 0.6, "share",
       "share of a certified enterprise's training investment offset against surcharges"),
    _p("resource_sharing_incentive", "lever", float, 0.0, 0.0, 1.0, "yuan/yuan",
       "government top-up per yuan of equipment/know-how an enterprise shares with a school"),
    _p("ip_protection", "lever", float, 0.3, 0.0, 1.0, "index",
       "strength of IP protection for technology shared with schools (0 none, 1 full)"),
    _p("teacher_practice_funding", "lever", float, 40_000.0, 0.0, 1_000_000.0,
       "yuan/school/year", "funding that sends teachers for practice in enterprises"),
    _p("promotion_intensity", "lever", float, 0.0, 0.0, 1.0, "index",
       "intensity of campaigns explaining the benefits of cooperation to enterprises"),
    _p("platform_level", "lever", float, 0.0, 0.0, 1.0, "index",
       "maturity of the school–enterprise cooperation platform (informatization)"),
    _p("career_services_funding", "lever", float, 100.0, 0.0, 2_000.0, "yuan/graduate",
       "funding for employment guidance and career services per graduating student"),
    _p("bridge_openness", "lever", float, 0.3, 0.0, 1.0, "index",
       "openness of the general–vocational bridge to further study"),
    _p("capacity_flexibility", "lever", float, 0.1, 0.0, 0.5, "share/year",
       "school capacity policy: largest share of a programme's seats a school adds or cuts a year"),
    _p("pilot_city", "lever", bool, False, None, None, "",
       "national industry–education integration pilot city (demonstration base) status"),
    _p("certification_threshold", "lever", int, 4, 1, 12, "depth points",
       "summed partnership depth an enterprise needs to be certified"),
    _p("government_budget", "lever", float, 20.0, 0.0, 500.0, "million yuan/year",
       "yearly budget for integration instruments (tax credit is a tax expenditure outside it)"),
    _p("service_period", "lever", float, 0.0, 0.0, 5.0, "years",
       "training payback clause: a worker kept by the enterprise that trained them who "
       "leaves within this service period repays the training cost, prorated",
       source="Labour Contract Law of the PRC (2008) art. 22: a service period may be "
       "agreed for employer-funded training, damages at most the unexpired share of the "
       "training cost; cf. German Rückzahlungsklauseln"),
]

# ----------------------------------------------------------------------------------
# Uncertainties (DESIGN §5)
# ----------------------------------------------------------------------------------
_UNCERTAINTIES = [
    _p("mobility_cost", "uncertainty", float, 0.1, 0.0, 0.5, "share of wage",
       "wage gain a worker needs before taking an outside offer (search, moving, "
       "losing tenure); lower means more job-to-job moves and poaching",
       source="assumption; Ballot & Taymaz 2000 (facts.md): mobility costs shape poaching"),
    _p("tech_change_rate", "uncertainty", float, 0.02, 0.0, 0.15, "frontier units/semester",
       "speed at which each sector's skill frontier moves (scaled by the sector's own rate)"),
    _p("tech_shock_step", "uncertainty", int, 0, 0, 200, "step",
       "step (1, 2, ...) of a one-off technology shock (AI / big data / cloud); 0 for none"),
    _p("tech_shock_size", "uncertainty", float, 0.0, 0.0, 1.0, "frontier units",
       "size of the one-off frontier jump at tech_shock_step"),
    _p("demand_growth", "uncertainty", float, 0.0, -0.1, 0.2, "share/year",
       "labour-demand growth added to every sector's own growth"),
    # No built-in demand trend by default (issue 11): a region whose demand compounds
    # against a flat graduate supply has no steady state. The sectors' own growth rates
    # (sectors.py) are the "growing demand" story, switched on by this scale
    # (scenarios/growing_demand.toml sets 1).
    _p("sector_growth_scale", "uncertainty", float, 0.0, 0.0, 2.0, "multiplier",
       "how much of each sector's own yearly demand growth (sectors.py) applies "
       "(0 = no trend, 1 = the sectors' recorded growth)"),
    # Most enterprises lack understanding of cooperation (seed paper §2).
    _p("initial_awareness", "uncertainty", float, 0.3, 0.0, 1.0, "index",
       "mean initial awareness of the benefits of cooperation among enterprises"),
    # Firms protect core technology and refuse to open resources (seed paper §4.3).
    _p("ip_sensitivity", "uncertainty", float, 0.6, 0.0, 1.0, "index",
       "mean reluctance of enterprises to share core technology"),
    _p("vocational_stigma", "uncertainty", float, 0.5, 0.0, 1.0, "index",
       "how much families look down on vocational education"),
    # Calibrated: at 0.35 of a skilled worker's output, interns' productive work recovers
    # about two-thirds of their gross cost at cooperating hosts (productive_work_share
    # ≈ 0.65), as apprentices' output (EUR 14,377/yr) does of their gross cost
    # (EUR 20,855/yr) in BIBB 2017/18 (facts.md).
    _p("intern_productivity", "uncertainty", float, 0.35, 0.0, 1.0, "share of skilled output",
       "productive output of an intern relative to a skilled worker"),
    _p("mentoring_cost", "uncertainty", float, 6_000.0, 0.0, 30_000.0, "yuan/intern/semester",
       "cost of mentors' time and materials per intern"),
    _p("ability_sd", "uncertainty", float, 0.2, 0.0, 0.6, "sd",
       "spread of innate student ability (mean 1)"),
    _p("goal_alignment", "uncertainty", float, 0.5, 0.0, 1.0, "index",
       "alignment of schools' and enterprises' goals in a partnership (seed paper §4.3)"),
    _p("curriculum_responsiveness", "uncertainty", float, 1.0, 0.0, 2.0, "multiplier",
       "how quickly schools can revise programmes (0 = curricula frozen)"),
]

# ----------------------------------------------------------------------------------
# Structure of the region (DESIGN §2). Research-default scale.
# ----------------------------------------------------------------------------------
_STRUCTURE = [
    _p("n_schools", "structure", int, 30, 1, 2_000, "schools",
       "number of schools (secondary vocational, higher vocational, university)"),
    _p("n_enterprises", "structure", int, 1_000, 1, 200_000, "enterprises",
       "number of enterprises"),
    _p("cohort_size", "structure", int, 10_000, 10, 2_000_000, "students/year",
       "upper-secondary and tertiary entrants each year"),
    _p("n_districts", "structure", int, 3, 1, 50, "districts",
       "districts of the region (locality matters for jobs)"),
    _p("higher_vocational_share", "structure", float, 0.4, 0.0, 1.0, "share",
       "share of schools that are higher vocational colleges"),
    _p("university_share", "structure", float, 0.2, 0.0, 1.0, "share",
       "share of schools that are general universities"),
    _p("initial_partnerships", "structure", float, 0.1, 0.0, 1.0, "share of enterprises",
       "share of enterprises with a partnership at the start"),
    _p("initial_deep_share", "structure", float, 0.15, 0.0, 1.0, "share",
       "share of initial partnerships that are already deep (depth 2–3)"),
    _p("initial_dual_qualified", "structure", float, 0.35, 0.0, 1.0, "share",
       "initial share of vocational teachers who are dual-qualified"),
    _p("initial_alignment", "structure", float, 0.65, 0.0, 1.0, "index",
       "initial mean curriculum alignment with the sector frontier"),
    _p("management_quality", "structure", float, 0.5, 0.0, 1.0, "index",
       "mean school management quality (timely help for students in practice)"),
    # Spin-up (issue 11): the model starts from its own equilibrium. These steps run
    # with today's policy (every lever at its declared default) and are not reported;
    # reported step 0 is the end of the spin-up. Even, so semesters keep their parity.
    # 80 semesters: the slowest parts (partnership depth mix, dual-qualified teachers,
    # 1/attrition = 50 semesters) settle within it (measured: ODD §5).
    _p("spinup_steps", "structure", int, 80, 0, 400, "semesters",
       "unreported semesters run before step 0 so the model reaches its own steady "
       "state (whole years, so semesters keep their parity)", multiple_of=2),
    _p("region", "structure", str, "generic", None, None, "",
       "sector set of the region: " + " or ".join(repr(r) for r in SECTOR_SETS)),
]

# ----------------------------------------------------------------------------------
# Calibration constants: declared with their sources in the process modules
# (ecosim/simulation/processes/*.py, ``CONSTANTS``), ODD §7.15.
# ----------------------------------------------------------------------------------
_CALIBRATION = [
    Parameter(c.name, "calibration", c.type, c.default, c.low, c.high, c.unit, c.meaning,
              source=c.source, process=_CONSTANT_PROCESS[c.name])
    for c in _PROCESS_CONSTANTS
]

PARAMETERS: dict[str, Parameter] = {}
for _p_ in _LEVERS + _UNCERTAINTIES + _STRUCTURE + _CALIBRATION:
    if _p_.name in PARAMETERS:  # pragma: no cover - a declaration error
        raise RuntimeError(f"parameter {_p_.name!r} is declared twice")
    if _p_.low is not None and not _p_.low <= _p_.default <= _p_.high:  # pragma: no cover
        raise RuntimeError(f"default of {_p_.name!r} is outside its range")
    PARAMETERS[_p_.name] = _p_
del _p_
LEVERS: tuple[str, ...] = tuple(p.name for p in _LEVERS)
UNCERTAINTIES: tuple[str, ...] = tuple(p.name for p in _UNCERTAINTIES)
STRUCTURE: tuple[str, ...] = tuple(p.name for p in _STRUCTURE)
CALIBRATION: tuple[str, ...] = tuple(p.name for p in _CALIBRATION)

# The values in force of one run, read by the processes as ``model.p.<name>``: frozen;
# an intervention that changes a lever during a run replaces the whole object
# (dataclasses.replace, ecosim.simulation.interventions), model.params keeps the declared.
ParameterValues = make_dataclass(
    "ParameterValues", [(name, p.type) for name, p in PARAMETERS.items()],
    frozen=True, slots=True)
ParameterValues.__module__ = __name__
ParameterValues.__doc__ = "Values of every declared parameter for one run (read-only)."

# ----------------------------------------------------------------------------------
# Outcomes (DESIGN §6). These column names are a contract other tools rely on.
# ----------------------------------------------------------------------------------
_OUTCOMES = [
    Outcome("employment_rate", "share",
            "latest graduating cohort employed one step (six months) after graduation, "
            "of those entering the labour market"),
    Outcome("placement_rate", "share",
            "latest cohort employed or in further study (the Ministry's definition)"),
    Outcome("in_field_rate", "share",
            "latest cohort's employed graduates working in their programme's field "
            "(the Ministry's 专业对口率: in-field / employed)"),
    Outcome("skill_matched_rate", "share",
            "latest cohort employed in their field with skill fit ≥ adequate_fit, share of "
            "graduates entering the labour market"),
    Outcome("skill_gap", "index",
            "mean gap between what enterprises need and what the last year's hires bring (0–1)"),
    Outcome("vacancy_fill_rate", "share",
            "hires (graduates and experienced workers) over the last year / vacancies "
            "open a year ago plus new ones since"),
    Outcome("participation_rate", "share", "enterprises with at least one partnership"),
    Outcome("deep_partnership_share", "share", "partnerships of depth 2 or 3"),
    Outcome("intern_retention_rate", "share",
            "latest cohort's interns hired by their host enterprise"),
    Outcome("local_retention_rate", "share",
            "latest cohort's employed graduates working in their school's district"),
    Outcome("vocational_share", "share", "latest entering cohort admitted to the vocational track"),
    Outcome("further_study_rate", "share", "latest graduating cohort going on to further study"),
    Outcome("dual_qualified_share", "share", "vocational teachers who are dual-qualified"),
    Outcome("curriculum_alignment", "index", "seat-weighted alignment of programmes (0–1)"),
    Outcome("resources_shared", "yuan/semester",
            "equipment and know-how shared by enterprises with schools this step"),
    Outcome("government_spending", "yuan/semester",
            "spending on all instruments this step, tax credit included"),
    Outcome("average_cost_per_in_field_graduate", "yuan",
            "government spending over the last year / in-field graduates of the latest "
            "cohort (an average, not the cost of an additional one: see ecosim compare)"),
    # -- more outcomes (not headline) --
    Outcome("graduates", "students", "graduates this step", False),
    Outcome("hires", "people", "hires this step (graduates and experienced workers)", False),
    Outcome("new_vacancies", "jobs", "new vacancies opened this step", False),
    Outcome("open_vacancies", "jobs", "vacancies open this step (new + carried over)", False),
    Outcome("mean_time_to_job", "semesters",
            "latest cohort's employed: mean semesters searched before the job (0 = hired in the "
            "graduation semester; measured six months on, so at most 1)", False),
    Outcome("employed_within_two_years", "share",
            "latest fully followed cohort: labour-market entrants hired within four semesters "
            "of graduation (after that, those still without a job have left the region)",
            False),
    Outcome("mean_search_semesters", "semesters",
            "latest fully followed cohort's hires: mean semesters searched before the job "
            "(0 = hired in the graduation semester; 0–3, not censored at six months)", False),
    Outcome("unemployed", "people", "graduates searching or unemployed after this step", False),
    Outcome("students_alive", "students", "students and graduates tracked by the model", False),
    Outcome("partnerships", "edges", "active school–enterprise partnerships", False),
    Outcome("partnerships_depth_1", "edges", "internship agreements", False),
    Outcome("partnerships_depth_2", "edges", "order classes / joint curricula", False),
    Outcome("partnerships_depth_3", "edges", "joint labs / industrial colleges", False),
    Outcome("certified_enterprises", "enterprises", "certified integration enterprises", False),
    Outcome("interns", "students", "students in a placement this step", False),
    Outcome("partner_interns", "students",
            "students in a placement at a partner enterprise this step", False),
    Outcome("in_field_graduates", "graduates",
            "latest measured cohort's graduates employed in their programme's field", False),
    Outcome("mean_awareness", "index", "mean awareness of cooperation's benefits", False),
    Outcome("participation_micro", "share", "participation of enterprises < 10 staff", False),
    Outcome("participation_small", "share", "participation of enterprises 10–99 staff", False),
    Outcome("participation_medium", "share", "participation of enterprises 100–499 staff",
            False),
    Outcome("participation_large", "share", "participation of enterprises ≥ 500 staff", False),
    Outcome("placement_rate_higher_vocational", "share",
            "placement rate of the latest higher-vocational cohort", False),
    Outcome("in_field_rate_higher_vocational", "share",
            "in-field rate of the latest higher-vocational cohort", False),
    Outcome("spending_internship_subsidy", "yuan/semester", "internship subsidies paid", False),
    Outcome("spending_tax_credit", "yuan/semester", "tax credits granted", False),
    Outcome("spending_resource_sharing", "yuan/semester", "resource-sharing incentives paid",
            False),
    Outcome("spending_teacher_practice", "yuan/semester", "teacher-practice funding spent",
            False),
    Outcome("spending_promotion", "yuan/semester", "promotion campaigns", False),
    Outcome("spending_platform", "yuan/semester", "running the cooperation platform", False),
    Outcome("spending_career_services", "yuan/semester", "career services", False),
    Outcome("placement_coverage", "share",
            "final-semester vocational students with a compulsory placement (latest "
            "placement round)", False),
    Outcome("placement_at_partner_share", "share",
            "placements at a partner enterprise, of all placements (latest round)", False),
    Outcome("mean_placement_quality", "index",
            "mean mentoring quality of the latest round's placements (0–1)", False),
    Outcome("realised_benefit_per_intern", "yuan/intern",
            "median realised net benefit per intern of cooperating enterprises that hosted "
            "(latest round)", False),
    Outcome("break_even_share", "share",
            "cooperating host enterprises whose realised net benefit is ≥ 0 (latest round)",
            False),
    Outcome("productive_work_share", "ratio",
            "interns' productive output / their gross cost (pay, mentoring, a year's "
            "coordination) at cooperating hosts (latest round; BIBB: about two-thirds)", False),
    Outcome("satisfied_partnership_share", "share",
            "active partnerships whose enterprise is satisfied (satisfaction > 0)", False),
    Outcome("budget_ration", "share", "share of budget-capped claims the budget could pay",
            False),
    # --- the skilled labour market with its workforce (issue 12) ---------------------
    Outcome("unemployment_rate", "share",
            "unemployed (graduates and experienced workers searching) / (employed + "
            "unemployed) in the region's skilled labour market"),
    Outcome("vacancy_rate", "share",
            "vacancies left open after this step's matching / (employed + open vacancies)"),
    Outcome("poaching_share_of_hires", "share",
            "hires over the last year of workers employed at another enterprise "
            "(job-to-job moves)"),
    Outcome("trained_quit_rate", "1/year",
            "yearly rate at which workers an enterprise trained leave their employer "
            "(quits and job-to-job moves)"),
    Outcome("training_firm_share", "share",
            "enterprises that hosted interns in the latest placement round"),
    Outcome("poaching_only_firm_share", "share",
            "enterprises that hosted no intern in the latest round but hired workers "
            "away from other employers in the last year"),
    Outcome("trained_wage_premium", "relative difference",
            "mean wage of employed workers an enterprise trained over that of the others, "
            "minus 1"),
    Outcome("workers", "people", "employed skilled workers in the region", False),
    Outcome("job_to_job_moves", "people", "workers who moved to another employer this step",
            False),
    Outcome("own_trained_stay", "share",
            "mean semester retention training enterprises observe among workers they "
            "trained (what their training decision uses)", False),
    Outcome("internship_subsidy_level", "yuan/intern/semester",
            "internship subsidy in force this step (moves under the adaptive rule)", False),
]
OUTCOMES: dict[str, Outcome] = {o.name: o for o in _OUTCOMES}
HEADLINE_OUTCOMES: tuple[str, ...] = tuple(o.name for o in _OUTCOMES if o.headline)


def defaults() -> dict[str, Any]:
    """Default value of every declared parameter."""
    return {name: p.default for name, p in PARAMETERS.items()}


def suggest(name: str, choices: Any) -> str:
    """Return ' (did you mean 'x'?)' for the nearest name in ``choices``, or ''."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def get_parameter(name: str) -> Parameter:
    """Look a parameter up by name; raise ParameterError naming the nearest one."""
    try:
        return PARAMETERS[name]
    except KeyError:
        raise ParameterError(
            f"unknown parameter '{name}'{suggest(name, PARAMETERS)}; "
            "run 'ecosim levers' for the list"
        ) from None


_REGIONS = tuple(SECTOR_SETS)


def coerce_value(param: Parameter, value: Any) -> Any:
    """Coerce ``value`` (possibly a string from the command line) to the parameter's type.

    Raises:
        ParameterError: with a message naming the parameter, the value and what is allowed.
    """
    bad = ParameterError(f"{param.name} = {value!r} is not allowed: expected {param.allowed()}")
    if param.type is str:
        if not isinstance(value, str) or value not in _REGIONS:
            raise ParameterError(
                f"{param.name} = {value!r} is not allowed: expected one of {list(_REGIONS)}"
            )
        return value
    if param.type is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
        raise bad
    if isinstance(value, bool):
        raise bad
    if isinstance(value, str):
        try:
            value = float(value.replace("_", ""))
        except ValueError:
            raise bad from None
    if not isinstance(value, int | float):
        raise bad
    if param.type is int:
        if float(value) != int(value):
            raise bad
        value = int(value)
    else:
        value = float(value)
    if value != value or value < param.low or value > param.high:  # NaN or out of range
        raise bad
    if param.multiple_of and value % param.multiple_of:
        raise bad
    return value

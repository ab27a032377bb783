"""The industry–education ecosystem model (DESIGN §3–§4).

One step is one semester. :meth:`EcosystemModel.step` walks the schedule
(:data:`ecosim.simulation.schedule.SCHEDULE`): fourteen processes, each in its own
module of :mod:`ecosim.simulation.processes` with the constants its rules use.
Students are a NumPy population updated in bulk; schools and enterprises are Mesa
agents whose state lives in typed tables (:mod:`ecosim.simulation.state`, one row per
agent, so a process updates all of them at once); the government is a Mesa agent
holding its own ledger.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from ..params import OUTCOMES, PARAMETERS, ParameterError, ParameterValues, coerce_value, suggest
from . import interventions, setup
from .agents import Enterprise, Government, School
from .partnerships import PartnershipTable
from .population import Status, StudentPopulation
from .processes import outcomes, workforce
from .processes.partnerships import depth_table
from .schedule import SCHEDULE
from .sectors import sector_set
from .state import CohortBook, Flows, Ledger
from .workers import Workforce

__all__ = ["EcosystemModel"]


def _outcome(model: EcosystemModel, name: str) -> float:
    """Model reporter: one outcome of the latest collection (used through partial)."""
    return model.current[name]


class EcosystemModel(mesa.Model):
    """Agent-based model of a regional industry–education ecosystem.

    Every argument is a keyword with a default (the declaration in
    :mod:`ecosim.params`), so ``EcosystemModel()`` runs and ``mesa.batch_run`` or
    SolaraViz can build it from flat keyword arguments. ``seed`` seeds the one random
    generator of the run (``self.rng``); the same parameters and seed give identical
    results. ``policies`` are policy windows (:class:`~ecosim.simulation.interventions.
    PolicyWindow`, or dicts of their fields) that change levers during the run.

    Attributes:
        params: the declared value of every parameter (never changed by a run).
        p: the values in force, read-only, as attributes (``model.p.internship_subsidy``);
            replaced whenever an intervention changes a lever (ODD §7.2).
        policies: the validated policy windows.
        interventions: the rules applied at the start of every step (windows, the
            adaptive rule), see :mod:`ecosim.simulation.interventions`.
        spinup: unreported semesters run at construction (``spinup_steps``), numbered
            ``-spinup + 1 .. 0``; reported steps are 1, 2, ... (``steps``, ``time``).
        sectors: the region's sectors; ``industry`` their state (frontier, demand).
        firms: the enterprise table (one row per :class:`Enterprise`).
        schools: the school table (one row per :class:`School`).
        partnerships: the partnership table and graph (``network``).
        pop: the student population.
        workers: the region's skilled workforce (:class:`~ecosim.simulation.workers.
            Workforce`, one record per worker).
        ledger: this step's flows and the windows outcomes use.
        book: where every entrant went; cohorts followed after graduation.
        government: the :class:`Government` agent.
        current: the latest collected outcomes (name → value).
        sector_records: per-step per-sector rows (see :meth:`sector_frame`).
    """

    declaration = PARAMETERS
    outcome_names: tuple[str, ...] = tuple(OUTCOMES)

    def __init__(self, seed: int | None = None,
                 policies: Sequence[interventions.PolicyWindow | dict[str, Any]] = (),
                 **params: Any) -> None:
        values = self._declared_values(params)
        windows = interventions.make_windows(policies, PARAMETERS, suggest)
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))
        super().__init__(rng=np.random.default_rng(np.random.SeedSequence(int(seed))))
        self.seed = int(seed)
        self.params = values
        # Levers start at their defaults when there is a spin-up; structure parameters
        # such as spinup_steps are never touched by that, so self.p reads it back.
        self.p = ParameterValues(**interventions.initial_values(
            values, PARAMETERS, values["spinup_steps"]))
        self.spinup = int(self.p.spinup_steps)
        self.policies = windows
        self.interventions = interventions.build_interventions(windows, PARAMETERS)
        self.depth = depth_table(self.p)
        self.sectors = sector_set(self.p.region)
        self.K = len(self.sectors)
        self.industry = setup.make_sector_table(self)
        self.government = Government(self)  # its budget follows the levers in force
        self.firms = setup.make_enterprises(self)
        self.enterprise_agents = [Enterprise(self, i) for i in range(self.firms.n)]
        self.schools = setup.make_schools(self)
        self.school_agents = [School(self, i) for i in range(self.schools.n)]
        self._build_network()
        setup.create_initial_partnerships(self)
        self.pop = StudentPopulation(capacity=int(self.p.cohort_size * 4.5))
        self.ledger = Ledger(Flows(self.K))
        self.book = CohortBook(self.K)
        self.current: dict[str, float] = {}
        setup.create_initial_students(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_outcome, name=name) for name in OUTCOMES}
        )
        self.sector_records: list[dict[str, Any]] = []
        # Spin-up: steps -spinup+1 .. 0 run unreported; step 0 (the last of them, or the
        # initial state without a spin-up) is row 0 of the outcomes.
        self.steps = -self.spinup
        self.workers = Workforce()
        workforce.init_workforce(self)
        for intervention in self.interventions:
            intervention.initialize(self)
        self.collect_data()
        for _ in range(self.spinup):
            self.step()

    @staticmethod
    def _declared_values(params: dict[str, Any]) -> dict[str, Any]:
        """Every declared parameter's value: the defaults, with ``params`` validated."""
        unknown = [k for k in params if k not in PARAMETERS]
        if unknown:
            k = unknown[0]
            raise ParameterError(f"unknown parameter '{k}'{suggest(k, PARAMETERS)}")
        values = {name: p.default for name, p in PARAMETERS.items()}
        for name, value in params.items():
            values[name] = coerce_value(PARAMETERS[name], value)
        return values

    def _build_network(self) -> None:
        """The partnership table, and its graph with every school and enterprise a node."""
        self.partnerships = PartnershipTable(
            np.array([a.unique_id for a in self.school_agents]),
            np.array([a.unique_id for a in self.enterprise_agents]),
        )
        self.network = self.partnerships.graph
        seats = self.schools.seats
        for a in self.school_agents:
            self.network.add_node(a.unique_id, kind="school", agent=a,
                                  school_type=a.school_type, size=float(seats[a.index].sum()))
        for a in self.enterprise_agents:
            self.network.add_node(a.unique_id, kind="enterprise", agent=a,
                                  sector=int(self.firms.sector[a.index]),
                                  size=float(self.firms.size[a.index]))

    # ==================================================================================
    # The schedule (DESIGN §4, ODD §3)
    # ==================================================================================
    def step(self) -> None:
        """Advance one semester: interventions, then the processes that are due, in order."""
        for intervention in self.interventions:
            intervention.apply(self)
        self.ledger.start_step()
        for process in SCHEDULE:
            if process.due(self.steps):
                process.run(self)
        self.pop.drop_gone(0.15)  # housekeeping: free the records of students who left

    @property
    def time(self) -> int:
        """Reported step (= ``steps``): 0 at the end of the spin-up, negative during it."""
        return self.steps

    def collect_data(self) -> None:
        """Process 13 on its own (as at construction): record this step's outcomes."""
        outcomes.collect_data(self)

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
        counts = {name: int(np.count_nonzero(st == code)) for code, name in Status.NAMES.items()}
        return {"entered": self.book.entered, **counts, **self.book.removed}

    def run(self, steps: int) -> None:
        """Run ``steps`` semesters."""
        for _ in range(steps):
            self.step()


# The constructor's signature is generated from the one declaration, so that SolaraViz
# and mesa.batch_run see every parameter as a keyword with its default.
EcosystemModel.__init__.__signature__ = inspect.Signature(
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
     inspect.Parameter("seed", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
     inspect.Parameter("policies", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=())]
    + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=p.default,
                         annotation=p.type.__name__) for name, p in PARAMETERS.items()]
)

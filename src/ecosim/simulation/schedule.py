"""The schedule of a step, as data: which process runs, in which order, how often.

:meth:`ecosim.simulation.model.EcosystemModel.step` walks :data:`SCHEDULE`. The table in
``docs/ODD.md`` §3 lists the same processes and is checked against this one by
``tests/test_schedule.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from .processes import (
    curricula,
    enrolment,
    enterprise_learning,
    government,
    graduation,
    internships,
    labour_market,
    learning,
    outcomes,
    partnerships,
    sharing,
    teachers,
    technology,
    workforce,
)

if TYPE_CHECKING:  # pragma: no cover
    from .state import Simulation

__all__ = ["Process", "SCHEDULE"]


@dataclass(frozen=True)
class Process:
    """One process of the schedule.

    Attributes:
        number: position in ODD §3 / §7 (1–14).
        name: what it models, in the domain's words.
        module: the process module (:mod:`ecosim.simulation.processes`).
        function: name of the function in ``module`` that applies it to the whole model;
            looked up when the process runs, so a modeller (or a test) can swap it.
        every: it runs in steps where ``step % every == phase`` (steps count from 1).
        phase: see ``every``.
    """

    number: int
    name: str
    module: ModuleType
    function: str
    every: int = 1
    phase: int = 0

    def due(self, step: int) -> bool:
        """Whether the process runs in step ``step`` (1, 2, ...)."""
        return step % self.every == self.phase

    def run(self, model: Simulation) -> None:
        """Apply the process to the model."""
        getattr(self.module, self.function)(model)

    @property
    def qualname(self) -> str:
        """``module.function`` of the process, e.g. ``internships.place_interns``."""
        return f"{self.module.__name__.rsplit('.', 1)[-1]}.{self.function}"


SCHEDULE: tuple[Process, ...] = (
    Process(1, "technology and demand", technology, "move_technology_and_demand"),
    Process(2, "government", government, "run_government"),
    Process(3, "partnerships", partnerships, "update_partnerships"),
    Process(4, "resource sharing", sharing, "share_resources"),
    Process(5, "teachers", teachers, "train_teachers"),
    Process(6, "curriculum", curricula, "update_curricula"),
    Process(7, "internships", internships, "place_interns"),
    Process(8, "learning", learning, "learn"),
    Process(9, "graduation, further study, dropout", graduation, "graduate"),
    Process(10, "workforce: separations, vacancies, job-to-job moves", workforce,
            "update_workforce"),
    Process(11, "labour market", labour_market, "match_labour_market"),
    Process(12, "enrolment", enrolment, "enrol", every=2, phase=1),  # once a year
    Process(13, "learning by enterprises", enterprise_learning, "enterprises_learn"),
    # Also run once at construction (row 0 of the outcomes).
    Process(14, "data collection", outcomes, "collect_data"),
)

"""The schedule of a step, as data: which process runs, in which order, how often.

:meth:`ecosim.simulation.model.EcosystemModel.step` walks :data:`SCHEDULE`. The table in
``docs/ODD.md`` §3 lists the same processes and is checked against this one by
``tests/test_schedule.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    partnerships,
    sharing,
    teachers,
    technology,
)

if TYPE_CHECKING:  # pragma: no cover
    from .state import Simulation

__all__ = ["Process", "SCHEDULE", "DATA_COLLECTION"]


@dataclass(frozen=True)
class Process:
    """One process of the schedule.

    Attributes:
        number: position in ODD §3 / §7 (1–13).
        name: what it models, in the domain's words.
        run: the function that applies it to the whole model.
        every: it runs in steps where ``step % every == phase`` (steps count from 1).
        phase: see ``every``.
    """

    number: int
    name: str
    run: Callable[[Simulation], None]
    every: int = 1
    phase: int = 0

    def due(self, step: int) -> bool:
        """Whether the process runs in step ``step`` (1, 2, ...)."""
        return step % self.every == self.phase

    @property
    def function(self) -> str:
        """``module.function`` of the process, e.g. ``internships.place_interns``."""
        return f"{self.run.__module__.rsplit('.', 1)[-1]}.{self.run.__name__}"


SCHEDULE: tuple[Process, ...] = (
    Process(1, "technology and demand", technology.move_technology_and_demand),
    Process(2, "government", government.run_government),
    Process(3, "partnerships", partnerships.update_partnerships),
    Process(4, "resource sharing", sharing.share_resources),
    Process(5, "teachers", teachers.train_teachers),
    Process(6, "curriculum", curricula.update_curricula),
    Process(7, "internships", internships.place_interns),
    Process(8, "learning", learning.learn),
    Process(9, "graduation, further study, dropout", graduation.graduate),
    Process(10, "labour market", labour_market.match_labour_market),
    Process(11, "enrolment", enrolment.enrol, every=2, phase=1),  # once a year
    Process(12, "learning by enterprises", enterprise_learning.enterprises_learn),
)

# Process 13 records outcomes through the model's Mesa DataCollector, so it is the
# model's own method (``collect_data``, computed by ``processes.outcomes``); it also runs
# once at construction (row 0 of the outcomes).
DATA_COLLECTION = (13, "data collection", "outcomes.measure")

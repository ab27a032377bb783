"""The thirteen processes of a step (ODD §7), one module each.

Each module holds its process function(s), their helpers and the calibration constants
its rules use (``CONSTANTS``, with sources). The order and frequency in which they run
is data: :data:`ecosim.simulation.schedule.SCHEDULE`.
"""

from __future__ import annotations

from ..constants import Constant
from . import (
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
)

__all__ = ["MODULES", "CONSTANTS", "CONSTANT_PROCESS"]

# In the order of the schedule (ODD §7.1–7.13).
MODULES = (technology, government, partnerships, sharing, teachers, curricula, internships,
           learning, graduation, labour_market, enrolment, enterprise_learning, outcomes)

CONSTANTS: tuple[Constant, ...] = tuple(c for m in MODULES for c in m.CONSTANTS)
# Constant name → the process module that declares (and uses) it, e.g. "partnerships".
CONSTANT_PROCESS: dict[str, str] = {c.name: m.__name__.rsplit(".", 1)[-1]
                                    for m in MODULES for c in m.CONSTANTS}

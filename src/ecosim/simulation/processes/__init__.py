"""The fourteen processes of a step (ODD §7), one module each.

Each module holds its process function(s), their helpers and the calibration constants
its rules use (``CONSTANTS``, with sources). The order and frequency in which they run
is data: :data:`ecosim.simulation.schedule.SCHEDULE`.
"""

from __future__ import annotations

from .. import interventions
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
    workforce,
)

__all__ = ["MODULES", "CONSTANTS", "CONSTANT_PROCESS", "interventions"]

# In the order of the schedule (ODD §7.1–7.14).
MODULES = (technology, government, partnerships, sharing, teachers, curricula, internships,
           learning, graduation, workforce, labour_market, enrolment, enterprise_learning, outcomes)

# Modules declaring constants: the processes, and the interventions (the adaptive rule's
# constants, which used to belong to the government process, keep their place).
_DECLARING = (*MODULES[:2], interventions, *MODULES[2:])
CONSTANTS: tuple[Constant, ...] = tuple(c for m in _DECLARING for c in m.CONSTANTS)
# Constant name → the module that declares (and uses) it, e.g. "partnerships".
CONSTANT_PROCESS: dict[str, str] = {c.name: m.__name__.rsplit(".", 1)[-1]
                                    for m in _DECLARING for c in m.CONSTANTS}

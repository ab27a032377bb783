"""Students as a population of NumPy arrays, updated in bulk.

Students are many and simple (DESIGN §9): each attribute is one array and every process
acts on all students at once through masks. There is no Python loop over students.
Records of students who leave the model (further study, dropout, settled in a job,
left the region) are marked ``Status.GONE`` during a step and removed once at its end
by :meth:`StudentPopulation.drop_gone`; the model keeps counters of them so that every
entrant is accounted for.
"""

from __future__ import annotations

import numpy as np

from .records import RecordStore
from .sectors import COMPETENCIES

__all__ = ["Status", "StudentPopulation"]


class Status:
    """Status codes of a student record."""

    ENROLLED = 0
    SEARCHING = 1  # graduated this step, looking for a first job
    EMPLOYED = 2
    UNEMPLOYED = 3  # graduated, searched at least once without success
    GONE = 9  # left the model this step (counted by the model); dropped at step end

    NAMES = {0: "enrolled", 1: "searching", 2: "employed", 3: "unemployed"}


# name -> (dtype, fill value); competencies are a 2-D float32 array handled apart.
_FIELDS: dict[str, tuple[type, float]] = {
    "school": (np.int32, -1),
    "programme": (np.int8, -1),  # sector of the programme
    "school_type": (np.int8, -1),  # 0 secondary vocational, 1 higher vocational, 2 university
    "district": (np.int16, -1),  # district of the school
    "semester": (np.int16, 0),  # semesters completed
    "length": (np.int16, 6),  # semesters in the programme
    "ability": (np.float32, 1.0),
    "status": (np.int8, Status.ENROLLED),
    "intern_host": (np.int32, -1),  # enterprise index of the current/last internship
    "intern_partnership": (np.int32, -1),  # partnership row of the internship, -1 if platform
    "intern_semesters": (np.int16, 0),
    "placement_kind": (np.int8, 0),  # compulsory placement: state.PLACEMENT_KINDS
    "placement_quality": (np.float32, np.nan),  # mentoring quality of the placement
    "employer": (np.int32, -1),
    "in_field": (np.bool_, False),  # employed in the programme's sector (MOE 专业对口)
    "match_quality": (np.float32, np.nan),
    "entry_step": (np.int32, 0),
    "grad_step": (np.int32, -(2**30)),  # NOT_GRADUATED (steps are negative in spin-up)
    "search_steps": (np.int16, 0),
    "support": (np.float32, 0.0),  # career-service support received (yuan)
}


class StudentPopulation(RecordStore):
    """Struct-of-arrays store of student records.

    Attributes are NumPy arrays of length :attr:`n` (views into larger buffers), e.g.
    ``pop.ability``, ``pop.status``; ``pop.competency`` has shape ``(n, 5)`` in the
    order of :data:`ecosim.simulation.sectors.COMPETENCIES`.
    """

    FIELDS = _FIELDS
    EXTRA = ("competency",)

    def __init__(self, capacity: int = 1024) -> None:
        super().__init__(capacity)
        # One contiguous row per competency (column operations are the hot path).
        self._comp = np.zeros((len(COMPETENCIES), self._cap), dtype=np.float32)

    @property
    def competency(self) -> np.ndarray:
        """Competency matrix ``(n, 5)`` (a writable view)."""
        return self._comp[:, : self.n].T

    def competency_row(self, j: int) -> np.ndarray:
        """Competency ``j`` of every record, as a contiguous writable view of length n."""
        return self._comp[j, : self.n]

    def _grow_extra(self, new_cap: int) -> None:
        comp = np.zeros((len(COMPETENCIES), new_cap), dtype=np.float32)
        comp[:, : self.n] = self._comp[:, : self.n]
        self._comp = comp

    def _fill_extra(self, sl: slice, values: dict[str, object]) -> None:
        self._comp[:, sl] = 0.0
        if "competency" in values:
            self._comp[:, sl] = np.asarray(values["competency"]).T

    def _compact_extra(self, idx: np.ndarray) -> None:
        self._comp[:, : idx.size] = self._comp[:, idx]

    @property
    def n_alive(self) -> int:
        """Records still in the model (not marked :attr:`Status.GONE`)."""
        return self.n - int(np.count_nonzero(self.status == Status.GONE))

    def drop_gone(self, threshold: float = 0.0) -> None:
        """Remove the records marked :attr:`Status.GONE` once they are more than
        ``threshold`` of all records (processes skip them until then)."""
        gone = self.status == Status.GONE
        if gone.any() and np.count_nonzero(gone) > threshold * self.n:
            self.compact(~gone)

    def count(self, status: int) -> int:
        """Number of records with a given status."""
        return int(np.count_nonzero(self.status == status))

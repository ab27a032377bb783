"""The region's skilled workforce as NumPy arrays, one record per worker.

One record per worker (not per firm × skill-band cell): a worker's wage, tenure, who
trained them and when they will leave are individual and matter for poaching, the
payback clause and the retention an enterprise observes; cells would have to carry a
distribution of each. Records are updated in bulk through masks — there is no Python
loop over workers (ODD §2.1). Workers who leave the region are marked ``GONE`` and
removed once they are more than a share of all records (:meth:`Workforce.drop_gone`).
"""

from __future__ import annotations

import numpy as np

from .records import RecordStore

__all__ = ["Workforce", "UNEMPLOYED", "GONE"]

UNEMPLOYED = -1  # employer of an experienced worker who lost or left a job and searches
GONE = -2  # left the region's skilled labour market (retired, moved away)

# name -> (dtype, fill value)
_FIELDS: dict[str, tuple[type, float]] = {
    "employer": (np.int32, GONE),  # enterprise index, UNEMPLOYED or GONE
    "sector": (np.int8, 0),  # sector of the (last) job: skills are sector-specific
    "district": (np.int16, 0),  # district of the (last) job
    "fit": (np.float32, 0.0),  # skill fit to the sector's jobs
    "trainer": (np.int32, -1),  # enterprise that hosted their placement; -1 external
    "hired_step": (np.int32, 0),  # step hired by the current employer (tenure)
    "exit_step": (np.int32, 2**30),  # step of retirement or an exogenous quit
    "retires": (np.bool_, False),  # the exit at exit_step is a retirement
    "wage": (np.float32, 0.0),  # yuan per month
    "search_steps": (np.int16, 0),  # semesters searched while unemployed
}


class Workforce(RecordStore):
    """Struct-of-arrays store of worker records (views of length :attr:`n`)."""

    FIELDS = _FIELDS

    def drop_gone(self, threshold: float = 0.0) -> None:
        """Remove records marked ``GONE`` once they are more than ``threshold`` of all."""
        gone = self.employer == GONE
        m = int(np.count_nonzero(gone))
        if m and m > threshold * self.n:
            self.compact(~gone)

    @property
    def employed(self) -> np.ndarray:
        """Mask of employed workers."""
        return self.employer >= 0

    @property
    def unemployed(self) -> np.ndarray:
        """Mask of experienced workers searching for a job."""
        return self.employer == UNEMPLOYED

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


class Workforce:
    """Struct-of-arrays store of worker records (views of length :attr:`n`)."""

    def __init__(self, capacity: int = 1024) -> None:
        self._cap = max(16, int(capacity))
        self.n = 0
        self._buf = {k: np.full(self._cap, fill, dtype=dt)
                     for k, (dt, fill) in _FIELDS.items()}

    def __getattr__(self, name: str) -> np.ndarray:
        buf = self.__dict__.get("_buf")
        if buf is not None and name in buf:
            return buf[name][: self.n]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: object) -> None:
        if name in _FIELDS:
            raise AttributeError(f"Workforce.{name} is a view of a buffer: assign into it")
        object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return self.n

    def add(self, count: int, **values: np.ndarray | float | int) -> slice:
        """Append ``count`` records; unspecified fields take their fill value."""
        need = self.n + count
        if need > self._cap:
            new_cap = max(need, int(self._cap * 1.5))
            for k, (dt, fill) in _FIELDS.items():
                grown = np.full(new_cap, fill, dtype=dt)
                grown[: self.n] = self._buf[k][: self.n]
                self._buf[k] = grown
            self._cap = new_cap
        sl = slice(self.n, need)
        for k, (_, fill) in _FIELDS.items():
            self._buf[k][sl] = fill
        for k, v in values.items():
            self._buf[k][sl] = v
        self.n = need
        return sl

    def drop_gone(self, threshold: float = 0.0) -> None:
        """Remove records marked ``GONE`` once they are more than ``threshold`` of all."""
        gone = self.employer == GONE
        m = int(np.count_nonzero(gone))
        if m and m > threshold * self.n:
            idx = np.flatnonzero(~gone)
            for k in _FIELDS:
                self._buf[k][: idx.size] = self._buf[k][idx]
            self.n = int(idx.size)

    @property
    def employed(self) -> np.ndarray:
        """Mask of employed workers."""
        return self.employer >= 0

    @property
    def unemployed(self) -> np.ndarray:
        """Mask of experienced workers searching for a job."""
        return self.employer == UNEMPLOYED

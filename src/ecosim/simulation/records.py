"""A struct-of-arrays store of records: the base of the students and the workforce.

Each field is one NumPy buffer with spare capacity; attributes are views of length
:attr:`RecordStore.n`. Records are appended in bulk (:meth:`RecordStore.add`) and
removed in bulk (:meth:`RecordStore.compact`); there is no Python loop over records.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

__all__ = ["RecordStore"]


class RecordStore:
    """Records with the fields of :attr:`FIELDS` (``name -> (dtype, fill value)``).

    Subclasses set :attr:`FIELDS` and may keep extra buffers by overriding
    :meth:`_grow_extra`, :meth:`_fill_extra` and :meth:`_compact_extra`.
    """

    FIELDS: ClassVar[dict[str, tuple[type, float]]] = {}
    #: Keywords of :meth:`add` that extra buffers take (see :meth:`_fill_extra`).
    EXTRA: ClassVar[tuple[str, ...]] = ()

    def __init__(self, capacity: int = 1024) -> None:
        self._cap = max(16, int(capacity))
        self.n = 0
        self._buf: dict[str, np.ndarray] = {
            k: np.full(self._cap, fill, dtype=dt) for k, (dt, fill) in self.FIELDS.items()}

    def __getattr__(self, name: str) -> np.ndarray:
        buf = self.__dict__.get("_buf")
        if buf is not None and name in buf:
            return buf[name][: self.n]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: object) -> None:
        if name in self.FIELDS:
            kind = type(self).__name__
            raise AttributeError(f"{kind}.{name} is a view of a buffer: assign into it "
                                 f"({name}[mask] = ...) instead of rebinding it")
        object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return self.n

    def add(self, count: int, **values: np.ndarray | float | int) -> slice:
        """Append ``count`` records; unspecified fields take their fill value.

        Returns:
            The slice of the new records.
        """
        need = self.n + count
        if need > self._cap:
            new_cap = max(need, int(self._cap * 1.5))
            for k, (dt, fill) in self.FIELDS.items():
                grown = np.full(new_cap, fill, dtype=dt)
                grown[: self.n] = self._buf[k][: self.n]
                self._buf[k] = grown
            self._grow_extra(new_cap)
            self._cap = new_cap
        sl = slice(self.n, need)
        for k, (_, fill) in self.FIELDS.items():
            self._buf[k][sl] = fill
        self._fill_extra(sl, values)
        for k, v in values.items():
            if k in self._buf:
                self._buf[k][sl] = v
            elif k not in self.EXTRA:
                raise KeyError(f"{type(self).__name__} has no field {k!r}")
        self.n = need
        return sl

    def compact(self, keep: np.ndarray) -> None:
        """Keep only the records where the boolean mask ``keep`` is true (order kept)."""
        idx = np.flatnonzero(keep)
        for k in self.FIELDS:
            self._buf[k][: idx.size] = self._buf[k][idx]
        self._compact_extra(idx)
        self.n = int(idx.size)

    # -- hooks for buffers beyond FIELDS -------------------------------------------
    def _grow_extra(self, new_cap: int) -> None:
        """Grow extra buffers to ``new_cap`` records (keeping the first ``n``)."""

    def _fill_extra(self, sl: slice, values: dict[str, object]) -> None:
        """Initialise extra buffers for the new records ``sl`` from ``values``."""

    def _compact_extra(self, idx: np.ndarray) -> None:
        """Keep the records ``idx`` (in order) in extra buffers."""

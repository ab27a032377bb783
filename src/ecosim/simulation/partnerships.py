"""School–enterprise partnerships: a table of edge attributes plus a networkx graph.

The table holds one row per partnership ever formed (``active`` marks live ones) so
that processes update depth, satisfaction and resources of all partnerships in bulk.
The graph (:attr:`PartnershipTable.graph`, a :class:`networkx.Graph` whose nodes are the
schools' and enterprises' Mesa ``unique_id``) is kept in step with the table on every
formation, deepening and break-up; the app draws it and agents read their partners
from it.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

__all__ = ["PartnershipTable", "DEPTH_NAMES"]

DEPTH_NAMES = {
    1: "internship agreement",
    2: "order class / joint curriculum / industry masters",
    3: "joint lab / training base / industrial college",
}

_FIELDS: dict[str, tuple[type, float]] = {
    "school": (np.int32, -1),
    "firm": (np.int32, -1),
    "sector": (np.int8, -1),
    "depth": (np.int8, 1),
    "age": (np.int16, 0),
    "sat_firm": (np.float32, 0.2),
    "sat_school": (np.float32, 0.2),
    "shared_step": (np.float64, 0.0),
    "shared_total": (np.float64, 0.0),
    "interns": (np.int32, 0),
    "active": (np.bool_, False),
}


class PartnershipTable:
    """Partnership edges as arrays, mirrored in a networkx graph.

    Args:
        school_ids: Mesa ``unique_id`` of each school (indexed by school number).
        firm_ids: Mesa ``unique_id`` of each enterprise (indexed by enterprise number).
    """

    def __init__(self, school_ids: np.ndarray, firm_ids: np.ndarray, capacity: int = 256):
        self.school_ids = np.asarray(school_ids)
        self.firm_ids = np.asarray(firm_ids)
        self.n_firms = len(firm_ids)
        self._cap = max(16, capacity)
        self.n = 0
        self._buf = {k: np.full(self._cap, f, dtype=d) for k, (d, f) in _FIELDS.items()}
        self._keys: set[int] = set()
        self.graph = nx.Graph()

    def __getattr__(self, name: str) -> np.ndarray:
        buf = self.__dict__.get("_buf")
        if buf is not None and name in buf:
            return buf[name][: self.n]
        raise AttributeError(name)

    def _key(self, school: np.ndarray, firm: np.ndarray) -> np.ndarray:
        return school.astype(np.int64) * self.n_firms + firm.astype(np.int64)

    @property
    def active_rows(self) -> np.ndarray:
        """Row numbers of active partnerships."""
        return np.flatnonzero(self._buf["active"][: self.n])

    def exists(self, school: np.ndarray, firm: np.ndarray) -> np.ndarray:
        """Boolean mask: is there an active partnership for each (school, firm) pair?"""
        keys = self._key(np.asarray(school), np.asarray(firm))
        if not self._keys:
            return np.zeros(keys.shape, dtype=bool)
        return np.isin(keys, np.fromiter(self._keys, dtype=np.int64, count=len(self._keys)))

    def add(self, school: np.ndarray, firm: np.ndarray, sector: np.ndarray,
            depth: np.ndarray | int = 1) -> np.ndarray:
        """Form new partnerships (pairs must be new and unique). Returns their rows."""
        school = np.asarray(school, dtype=np.int32)
        firm = np.asarray(firm, dtype=np.int32)
        m = school.size
        need = self.n + m
        if need > self._cap:
            cap = max(need, int(self._cap * 1.5))
            for k, (d, f) in _FIELDS.items():
                grown = np.full(cap, f, dtype=d)
                grown[: self.n] = self._buf[k][: self.n]
                self._buf[k] = grown
            self._cap = cap
        rows = np.arange(self.n, need)
        for k, (_, f) in _FIELDS.items():
            self._buf[k][rows] = f
        self._buf["school"][rows] = school
        self._buf["firm"][rows] = firm
        self._buf["sector"][rows] = sector
        self._buf["depth"][rows] = depth
        self._buf["active"][rows] = True
        self.n = need
        self._keys.update(self._key(school, firm).tolist())
        depths = self._buf["depth"][rows]
        self.graph.add_edges_from(
            (int(self.school_ids[s]), int(self.firm_ids[f]), {"depth": int(d), "row": int(r)})
            for s, f, d, r in zip(school, firm, depths, rows, strict=True)
        )
        return rows

    def deepen(self, rows: np.ndarray) -> None:
        """Raise the depth of the given partnerships by one level (max 3)."""
        d = self._buf["depth"]
        d[rows] = np.minimum(d[rows] + 1, 3)
        for r in rows:
            s, f = int(self.school_ids[self.school[r]]), int(self.firm_ids[self.firm[r]])
            self.graph.edges[s, f]["depth"] = int(d[r])

    def remove(self, rows: np.ndarray) -> None:
        """End the given partnerships."""
        if rows.size == 0:
            return
        self._buf["active"][rows] = False
        self._keys.difference_update(self._key(self.school[rows], self.firm[rows]).tolist())
        self.graph.remove_edges_from(
            (int(self.school_ids[self.school[r]]), int(self.firm_ids[self.firm[r]]))
            for r in rows
        )

    def per_firm(self, values: np.ndarray | None = None) -> np.ndarray:
        """Sum ``values`` (default 1) over each enterprise's active partnerships."""
        rows = self.active_rows
        w = None if values is None else np.asarray(values)[rows]
        return np.bincount(self.firm[rows], weights=w, minlength=self.n_firms)

    def per_school_sector(self, n_schools: int, n_sectors: int,
                          values: np.ndarray | None = None) -> np.ndarray:
        """Sum ``values`` (default 1) over active partnerships per (school, sector)."""
        rows = self.active_rows
        w = None if values is None else np.asarray(values)[rows]
        key = self.school[rows].astype(np.int64) * n_sectors + self.sector[rows]
        out = np.bincount(key, weights=w, minlength=n_schools * n_sectors)
        return out.reshape(n_schools, n_sectors)

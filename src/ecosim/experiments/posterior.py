"""Parameter draws from a calibration's posterior, for ``compare`` and ``sweep``.

``--posterior FILE`` (a calibration folder, or its ``posterior.parquet``) gives each
replication its own parameter set, drawn from the weighted particles: replication
``r`` uses draw ``r`` in every scenario (or design point), so differences stay paired
by parameters as well as by seed, and policy effects carry the parameters' uncertainty
as well as the seed noise.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterError, ScenarioError
from ..params import PARAMETERS, coerce_value, suggest

__all__ = ["PosteriorDraws", "load_posterior"]

_META = ("weight", "distance", "generation")


class PosteriorDraws:
    """Weighted particles of a posterior and the draws made from them.

    Attributes:
        path: the Parquet file.
        names: the parameters (declared uncertainties or calibration constants).
        values: particles × parameters.
        weights: normalised weights.
    """

    def __init__(self, path: Path, names: list[str], values: np.ndarray,
                 weights: np.ndarray) -> None:
        self.path, self.names, self.values, self.weights = path, names, values, weights

    def draw(self, n: int, seed: int) -> list[dict[str, Any]]:
        """``n`` parameter sets, resampled by weight with ``SeedSequence([seed, 7])``;
        values typed as declared (integers rounded)."""
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7]))
        idx = rng.choice(len(self.weights), size=int(n), replace=True, p=self.weights)
        out = []
        for i in idx:
            row = {}
            for name, v in zip(self.names, self.values[i], strict=True):
                p = PARAMETERS[name]
                row[name] = coerce_value(p, int(round(v)) if p.type is int else float(v))
            out.append(row)
        return out

    def describe(self) -> str:
        """One line for reports."""
        return (f"{len(self.weights)} weighted particles of {', '.join(self.names)} "
                f"from {self.path}")


def load_posterior(path: str | Path) -> PosteriorDraws:
    """Read a posterior: a calibration folder or a Parquet file of particles.

    Raises:
        ScenarioError: a missing or unreadable file, a column that is not a numeric
            uncertainty or calibration constant, a value outside its declared range, bad
            weights — one line naming the file.
    """
    import pandas as pd

    path = Path(path)
    file = path / "posterior.parquet" if path.is_dir() else path
    where = f"--posterior {path}"
    if not file.is_file():
        raise ScenarioError(f"{where}: no posterior found (expected a calibration folder "
                            "with posterior.parquet, or that Parquet file)")
    try:
        df = pd.read_parquet(file)
    except Exception as e:
        raise ScenarioError(f"{where}: cannot read {file.name} as Parquet "
                            f"({type(e).__name__}: {e})") from None
    names = [c for c in df.columns if c not in _META]
    if not names or not len(df):
        raise ScenarioError(f"{where}: {file.name} holds no parameters or no particles")
    free = [n for n, p in PARAMETERS.items() if p.kind in ("uncertainty", "calibration")]
    for n in names:
        p = PARAMETERS.get(n)
        if p is None or p.kind not in ("uncertainty", "calibration") or p.type is bool:
            raise ScenarioError(f"{where}: column '{n}' is not a numeric uncertainty or "
                                f"calibration constant{suggest(n, free)}")
        for v in df[n]:
            try:
                coerce_value(p, int(round(v)) if p.type is int else float(v))
            except (ParameterError, ValueError, TypeError) as e:
                raise ScenarioError(f"{where}: column '{n}': {e}") from None
    w = (df["weight"].to_numpy(float) if "weight" in df else np.ones(len(df)))
    if not np.all(np.isfinite(w)) or (w < 0).any() or not math.isfinite(w.sum()) or w.sum() <= 0:
        raise ScenarioError(f"{where}: the weights must be finite, ≥ 0 and not all 0")
    return PosteriorDraws(file, names, df[names].to_numpy(float), w / w.sum())

"""The result of a sensitivity analysis (:class:`SAResult`) and how its numbers read."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["SAResult", "ANALYSES", "INDEX_COLUMNS", "CONVERGENCE_COLUMNS", "NEGLIGIBLE_ST",
           "rank_key", "ranking_of", "fmt_number", "fmt_interval"]

ANALYSES = ("sobol", "morris", "delta")
INDEX_COLUMNS = ["outcome", "factor", "index", "value", "ci_low", "ci_high"]
CONVERGENCE_COLUMNS = ["outcome", "n", *INDEX_COLUMNS[1:]]
NEGLIGIBLE_ST = 0.05  # ST upper CI bound below this: negligible over the ranges studied


@dataclass
class SAResult:
    """A sensitivity analysis: tidy indices plus everything needed to judge them.

    Attributes:
        indices: ``outcome, factor, index, value, ci_low, ci_high``.
        convergence: Sobol' indices at increasing N (``outcome, n, factor, index,
            value, ci_low, ci_high``); empty for other methods.
        noise: per outcome: replications, single-run and averaged-output noise shares,
            points used and dropped.
        warnings: plain-language warnings.
        meta: settings, seeds, sizes, runtimes, versions.
        path: output directory (``None`` if nothing was written).
        complete: ``False`` when the runs are unfinished (nothing analysed).
    """

    indices: pd.DataFrame
    convergence: pd.DataFrame
    noise: pd.DataFrame
    warnings: list[str]
    meta: dict[str, Any]
    path: Path | None = None
    complete: bool = True
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        """``sobol``, ``morris`` or ``delta``."""
        return str(self.meta.get("analysis"))

    def table(self, outcome: str | None = None) -> pd.DataFrame:
        """Indices of one outcome (or all), one row per factor and one column per index."""
        df = self.indices if outcome is None else self.indices[
            self.indices["outcome"] == outcome]
        return df.pivot_table(index=["outcome", "factor"], columns="index", values="value",
                              sort=False)

    def ranking(self, outcome: str) -> pd.DataFrame:
        """Factors of one outcome, most influential first (by ST, mu_star or delta)."""
        return ranking_of(self.indices, outcome, self.method)

    def __repr__(self) -> str:
        state = "" if self.complete else " (INCOMPLETE: runs pending)"
        return (f"<SAResult {self.method}{state}: {self.indices['outcome'].nunique()} "
                f"outcomes, {self.indices['factor'].nunique()} factors, "
                f"{len(self.warnings)} warnings; {self.path}>")

    def _repr_html_(self) -> str:
        if not len(self.indices):
            return f"<p>{self!r}</p>"
        return f"<p>{self!r}</p>" + self.table().to_html(float_format=lambda x: f"{x:.3f}")


def rank_key(method: str) -> str:
    """The index that ranks the factors: ST (Sobol'), mu_star (Morris) or delta."""
    return {"sobol": "ST", "morris": "mu_star", "delta": "delta"}[method]


def ranking_of(indices: pd.DataFrame, outcome: str, method: str) -> pd.DataFrame:
    """Factors of one outcome, most influential first."""
    key = rank_key(method)
    df = indices[(indices["outcome"] == outcome) & (indices["index"] == key)]
    return df.sort_values("value", ascending=False, ignore_index=True)


def fmt_number(x: float) -> str:
    """A number for reading: thousands separated, else 3 significant digits."""
    if not math.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def fmt_interval(r: Any) -> str:
    """``value [ci_low, ci_high]`` of an index row."""
    return f"{fmt_number(r.value)} [{fmt_number(r.ci_low)}, {fmt_number(r.ci_high)}]"

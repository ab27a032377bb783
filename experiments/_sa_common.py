"""Shared helpers of the sensitivity-analysis experiment scripts (Sobol', Morris).

Each script runs ``experiments/<name>.toml`` through :func:`ecosim.sensitivity_analysis`
into ``results/experiments/<name>/`` (raw runs, not committed; running again resumes or
reuses them) and publishes the figures and a Markdown summary under
``docs/results/<name>/``.
"""

from __future__ import annotations

import io
import math
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from _common import DOCS, EXPERIMENTS, RAW, machine, moved_section, previous_file, workers

__all__ = ["run_sa", "publish", "headline", "floor_pow2", "moved_rankings"]

INDEX = {"sobol": "ST", "morris": "mu_star"}


def run_sa(name: str) -> Any:
    """Run or resume the analysis of ``experiments/<name>.toml``; return the SAResult."""
    from ecosim import sensitivity_analysis

    res = sensitivity_analysis(EXPERIMENTS / f"{name}.toml", RAW / name, workers=workers(),
                               resume=True, progress=None)
    if not res.complete:
        raise SystemExit(f"{name}: runs unfinished; run the script again to resume")
    return res


def floor_pow2(x: float) -> int:
    """Largest power of two ≤ x (at least 1)."""
    return 1 << max(0, int(math.floor(math.log2(max(x, 1.0)))))


def headline(res: Any, top: int = 3) -> list[str]:
    """One bullet per outcome: its most influential factors and its top lever."""
    key = {"sobol": "ST", "morris": "μ*", "delta": "δ"}[res.method]
    lines = []
    for o in res.meta["outcomes"]:
        rk = res.ranking(o)
        if not len(rk):
            continue
        tops = ", ".join(f"{r.factor} ({res.kinds.get(r.factor)}, {key} {_num(r.value)} "
                         f"[{_num(r.ci_low)}, {_num(r.ci_high)}])"
                         for r in rk.head(top).itertuples())
        lev = rk[[res.kinds.get(f) == "lever" for f in rk["factor"]]]
        lv = (f"; top lever: {lev.iloc[0]['factor']} ({key} {_num(lev.iloc[0]['value'])})"
              if len(lev) else "")
        lines.append(f"- **{o}**: {tops}{lv}")
    return lines


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _top(ind: pd.DataFrame, outcome: str, index: str, top: int) -> str:
    """The ``top`` factors of one outcome by ``index``, as ``factor (value)``."""
    g = ind[(ind.outcome == outcome) & (ind["index"] == index)]
    if not len(g):
        return "n/a"
    g = g.sort_values("value", ascending=False).head(top)
    return ", ".join(f"{r.factor} ({_num(r.value)})" for r in g.itertuples())


def moved_rankings(name: str, res: Any, pairs: Sequence[tuple[str, str]],
                   why: Sequence[str], top: int = 3,
                   extra: Mapping[str, tuple[str, str]] | None = None) -> list[str]:
    """The "what moved since 0.2.0" section of a sensitivity result: each outcome's top
    factors in the 0.2.0 indices (``git show``) and now.

    Args:
        pairs: ``(outcome in 0.2.0, outcome now)``; a renamed outcome is one pair.
        extra: more rows, ``quantity → (0.2.0 text, 0.3.0 text)``.
    """
    index = INDEX[res.method]
    text = previous_file(name, "indices.csv")
    old = pd.read_csv(io.StringIO(text)) if text is not None else pd.DataFrame(
        columns=["outcome", "factor", "index", "value"])
    new = pd.read_csv(Path(res.path) / "indices.csv")
    rows = [(f"top {top} by {index}: `{o_new}`"
             + (f" (0.2.0: `{o_old}`)" if o_old and o_old != o_new else ""),
             _top(old, o_old, index, top) if o_old else "n/a (not analysed)",
             _top(new, o_new, index, top)) for o_old, o_new in pairs]
    rows += [(k, a, b) for k, (a, b) in (extra or {}).items()]
    return moved_section(rows, why).splitlines()


def publish(res: Any, name: str, intro: list[str], moved: Sequence[str] = ()) -> Path:
    """Copy the figures and write ``docs/results/<name>/README.md`` (``moved``: the
    "what moved since 0.2.0" section, at the top)."""
    dest = DOCS / name
    figs = dest / "figures"
    if figs.exists():
        shutil.rmtree(figs)
    figs.mkdir(parents=True)
    for f in sorted((Path(res.path) / "figures").glob("*.png")):
        shutil.copy2(f, figs / f.name)
    shutil.copy2(Path(res.path) / "indices.csv", dest / "indices.csv")
    shutil.copy2(Path(res.path) / "noise.csv", dest / "noise.csv")
    report = (Path(res.path) / "report.md").read_text(encoding="utf-8")
    body = report.split("\n", 1)[1]  # drop the report's title
    text = "\n".join([f"# {name}", "", *moved, "", *intro, "", f"Machine: {machine()}.", "",
                      "## Headline", "", *headline(res), "", body])
    (dest / "README.md").write_text(text, encoding="utf-8")
    print(f"wrote {dest}/README.md, indices.csv, noise.csv, figures/*.png")
    return dest

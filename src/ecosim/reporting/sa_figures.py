"""Figures of a sensitivity analysis: Sobol' bars, Morris μ*–σ, δ bars, convergence.

They draw an :class:`~ecosim.sensitivity.result.SAResult`; nothing is computed here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.output import save_figure
from ..sensitivity.result import SAResult

__all__ = ["plot_sensitivity"]


def plot_sensitivity(out: Path, res: SAResult) -> list[Path]:
    """Write ``figures/<method>_<outcome>.png`` per outcome and, for Sobol',
    ``figures/convergence_<outcome>.png``; return the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    written = []
    level = int(round(100 * float(res.meta.get("conf_level", 0.95))))
    draw = {"sobol": _sobol_bars, "morris": _morris_plane}.get(res.method, _delta_bars)
    for o in res.indices["outcome"].unique():
        df = res.indices[res.indices["outcome"] == o]
        order = list(res.ranking(o)["factor"])[::-1]
        fig, name = draw(plt, o, df, order, level)
        fig.tight_layout()
        written.append(save_figure(fig, fig_dir / name, dpi=110))
    cv = res.convergence
    for o in cv["outcome"].unique() if len(cv) else []:
        fig = _convergence(plt, o, cv[cv["outcome"] == o], level)
        fig.tight_layout()
        written.append(save_figure(fig, fig_dir / f"convergence_{o}.png", dpi=110))
    return written


def _sobol_bars(plt: Any, o: str, df: pd.DataFrame, order: list[str], level: int
                ) -> tuple[Any, str]:
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(order) + 1.6))
    y = np.arange(len(order))
    for k, (ix, color, dy) in enumerate((("S1", "tab:blue", -0.18),
                                         ("ST", "tab:orange", 0.18))):
        d = df[df["index"] == ix].set_index("factor").reindex(order)
        err = np.vstack([d["value"] - d["ci_low"], d["ci_high"] - d["value"]])
        ax.barh(y + dy, d["value"], height=0.36, color=color, label=ix,
                xerr=np.clip(err, 0, None), ecolor="0.25", capsize=2)
        del k
    ax.set_yticks(y, order, fontsize=8)
    ax.axvline(0, color="0.4", lw=0.8)
    ax.set_xlabel(f"Sobol' index ({level}% bootstrap CI)")
    ax.set_title(f"{o}: first-order (S1) and total (ST) indices")
    ax.legend(loc="lower right")
    return fig, f"sobol_{o}.png"


def _morris_plane(plt: Any, o: str, df: pd.DataFrame, order: list[str], level: int
                  ) -> tuple[Any, str]:
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ms = df[df["index"] == "mu_star"].set_index("factor")
    sg = df[df["index"] == "sigma"].set_index("factor").reindex(ms.index)
    xerr = np.clip(np.vstack([ms["value"] - ms["ci_low"],
                              ms["ci_high"] - ms["value"]]), 0, None)
    yerr = np.clip(np.vstack([sg["value"] - sg["ci_low"],
                              sg["ci_high"] - sg["value"]]), 0, None)
    ax.errorbar(ms["value"], sg["value"], xerr=xerr, yerr=yerr, fmt="o", ms=4,
                ecolor="0.6", elinewidth=0.8, capsize=2)
    top = ms["value"].sort_values(ascending=False).index[:5]
    for f in top:
        ax.annotate(f, (ms.at[f, "value"], sg.at[f, "value"]), fontsize=7,
                    xytext=(3, 3), textcoords="offset points")
    lim = float(np.nanmax(np.r_[ms["ci_high"], sg["ci_high"], 1e-12]))
    ax.plot([0, lim], [0, lim], ls="--", color="0.5", lw=0.8, label="σ = μ*")
    ax.set_xlabel(f"μ* (mean |elementary effect| per unit range, {level}% CI)")
    ax.set_ylabel("σ (spread of elementary effects)")
    ax.set_title(f"{o}: Morris screening")
    ax.legend(loc="upper left")
    return fig, f"morris_{o}.png"


def _delta_bars(plt: Any, o: str, df: pd.DataFrame, order: list[str], level: int
                ) -> tuple[Any, str]:
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(order) + 1.6))
    d = df[df["index"] == "delta"].set_index("factor").reindex(order)
    err = np.clip(np.vstack([d["value"] - d["ci_low"], d["ci_high"] - d["value"]]),
                  0, None)
    ax.barh(np.arange(len(order)), d["value"], xerr=err, color="tab:green",
            ecolor="0.25", capsize=2)
    ax.set_yticks(np.arange(len(order)), order, fontsize=8)
    ax.set_xlabel(f"Borgonovo δ ({level}% bootstrap CI)")
    ax.set_title(f"{o}: moment-independent δ (given data)")
    return fig, f"delta_{o}.png"


def _convergence(plt: Any, o: str, d: pd.DataFrame, level: int) -> Any:
    final = d[(d["n"] == d["n"].max()) & (d["index"] == "ST")]
    top = list(final.sort_values("value", ascending=False)["factor"][:6])
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
    for ax, ix in zip(axes, ("S1", "ST"), strict=True):
        for f in top:
            s = d[(d["index"] == ix) & (d["factor"] == f)].sort_values("n")
            line, = ax.plot(s["n"], s["value"], marker="o", ms=3, label=f)
            ax.fill_between(s["n"], s["ci_low"], s["ci_high"], alpha=0.15,
                            color=line.get_color())
        ax.set_xscale("log", base=2)
        ax.axhline(0, color="0.4", lw=0.8)
        ax.set_xlabel("base sample size N")
        ax.set_title(f"{ix} ({level}% CI band)")
    axes[0].set_ylabel(f"{o}")
    axes[1].legend(fontsize=7, loc="best")
    fig.suptitle(f"{o}: convergence of the Sobol' indices (top factors by ST)")
    return fig

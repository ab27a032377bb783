"""Plots of one run: key outcomes over time, and by sector.

Colours come from the Okabe–Ito palette, which colour-blind readers can tell apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..experiments.output import save_figure  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from ..experiments.runner import RunResult

__all__ = ["plot_run", "OKABE_ITO"]

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000"]

KEY_SHARES = ["employment_rate", "placement_rate", "in_field_rate", "vacancy_fill_rate",
              "participation_rate", "deep_partnership_share", "intern_retention_rate",
              "local_retention_rate", "dual_qualified_share", "curriculum_alignment"]


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    save_figure(fig, path, dpi=120)


def plot_run(res: RunResult, folder: str | Path) -> list[Path]:
    """Write ``outcomes.png``, ``money.png``, ``sectors.png`` and ``participation_by_size.png``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    df, sec = res.outcomes, res.sectors
    title = f"{res.summary['scenario']} (seed {res.summary['seed']})"
    paths = []

    fig, axes = plt.subplots(2, 5, figsize=(18, 7), sharex=True)
    for ax, name in zip(axes.ravel(), KEY_SHARES, strict=True):
        ax.plot(df["step"], df[name], color=OKABE_ITO[4], lw=2)
        ax.set_title(name.replace("_", " "), fontsize=11)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("step (semester)")
    fig.suptitle(title)
    paths.append(folder / "outcomes.png")
    _save(fig, paths[-1])

    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    spend = [c for c in df.columns if c.startswith("spending_")]
    bottom = None
    for i, c in enumerate(spend):
        y = df[c] / 1e6
        axes[0].bar(df["step"], y, bottom=bottom, color=OKABE_ITO[i % 8],
                    label=c.removeprefix("spending_").replace("_", " "))
        bottom = y if bottom is None else bottom + y
    axes[0].set_title("government spending (million yuan / semester)")
    axes[0].legend(fontsize=8)
    axes[1].plot(df["step"], df["resources_shared"] / 1e6, color=OKABE_ITO[2], lw=2)
    axes[1].set_title("resources shared (million yuan / semester)")
    axes[2].plot(df["step"], df["average_cost_per_in_field_graduate"], color=OKABE_ITO[5], lw=2)
    axes[2].set_title("spending per in-field graduate (yuan)")
    for ax in axes:
        ax.set_xlabel("step (semester)")
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    paths.append(folder / "money.png")
    _save(fig, paths[-1])

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
    for i, (name, g) in enumerate(sec.groupby("sector", sort=False)):
        c = OKABE_ITO[i % 8]
        axes[0].plot(g["step"], g["shortage"], color=c, lw=2, label=name.replace("_", " "))
        axes[1].plot(g["step"], g["alignment"], color=c, lw=2)
        share = (g["in_field"] / g["hires"].where(g["hires"] > 0)).rolling(2, min_periods=1).mean()
        axes[2].plot(g["step"], share, color=c, lw=2)
    axes[0].set_title("unfilled vacancies (talent shortage)")
    axes[1].set_title("curriculum alignment")
    axes[1].set_ylim(0, 1.02)
    axes[2].set_title("in-field share of hires")
    axes[2].set_ylim(0, 1.02)
    axes[0].legend(fontsize=8)
    for ax in axes:
        ax.set_xlabel("step (semester)")
        ax.grid(alpha=0.3)
    fig.suptitle(title + " — by sector")
    paths.append(folder / "sectors.png")
    _save(fig, paths[-1])

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, cls in enumerate(("micro", "small", "medium", "large")):
        ax.plot(df["step"], df[f"participation_{cls}"], color=OKABE_ITO[i], lw=2, label=cls)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("step (semester)")
    ax.set_title("enterprises with a partnership, by size class")
    ax.legend()
    ax.grid(alpha=0.3)
    paths.append(folder / "participation_by_size.png")
    _save(fig, paths[-1])
    return paths

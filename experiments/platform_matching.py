"""The cooperation platform's effect on matching graduates and enterprises.

Design (``platform_matching.toml``): platform level 0, 0.25, 0.5, 0.75, 1 on the
research-default baseline region (budget 40 M yuan/year as in
``scenarios/cooperation_platform.toml``), 8 replications with common seeds (40 runs of
30 semesters). Outcomes are final-year means: in-field rate, employment rate, vacancy
fill rate, time to job, skill gap, local retention, enterprise participation, interns.
Each level is compared with no platform, paired by seed.

Run: ``python experiments/platform_matching.py`` (≈ 30 s on 2 cores).
Writes ``docs/results/platform_matching/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    fmt_ci,
    md_table,
    paired_vs_reference,
    run_published,
)

NAME = "platform_matching"
SHOW = ["in_field_rate", "employment_rate", "vacancy_fill_rate", "mean_time_to_job",
        "skill_gap", "local_retention_rate", "participation_rate", "interns"]


def main() -> None:
    """Run (or resume) the sweep, analyse it, write figures and the result."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ecosim.params import OUTCOMES
    from ecosim.reporting.comparison import PALETTE

    out, store, runtime_text = run_published(NAME)
    res = store.results(include_failed=False)
    points = store.point_summary(SHOW + ["spending_platform"]).sort_values("platform_level")
    points.to_csv(out / "summary.csv", index=False)
    ref = int(points.loc[points.platform_level == 0, "point_id"].iloc[0])

    fig, axes = plt.subplots(2, 4, figsize=(15, 6.5))
    for ax, o in zip(axes.ravel(), SHOW, strict=True):
        ax.errorbar(points["platform_level"], points[o],
                    yerr=[points[o] - points[f"{o}_low"], points[f"{o}_high"] - points[o]],
                    fmt="o-", color=PALETTE[0], capsize=3)
        ax.set_title(o.replace("_", " "), fontsize=10)
        ax.set_ylabel(OUTCOMES[o].unit, fontsize=8)
        ax.set_xlabel("platform level")
        ax.grid(alpha=0.3)
    fig.suptitle("final-year means with 95% CI over 8 seeds", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "platform_levels.png", dpi=130)
    plt.close(fig)

    rows = []
    for o in SHOW:
        d = paired_vs_reference(res, o, ref).merge(points[["point_id", "platform_level"]])
        for r in d.itertuples():
            if r.point_id != ref:
                rows.append({"outcome": o, "platform_level": r.platform_level,
                             "diff": r.diff, "low": r.diff_low, "high": r.diff_high})
    eff = pd.DataFrame(rows)
    eff.to_csv(out / "effects_vs_no_platform.csv", index=False)
    full = eff[eff.platform_level == eff.platform_level.max()]
    tab = pd.DataFrame({
        "outcome": full["outcome"],
        "no platform [95% CI]": [fmt_ci(points.set_index("point_id").loc[ref, o],
                                        points.set_index("point_id").loc[ref, f"{o}_low"],
                                        points.set_index("point_id").loc[ref, f"{o}_high"],
                                        3 if o != "interns" else 0) for o in full.outcome],
        "full platform − none [95% CI]": [fmt_ci(m, lo, hi, 3 if o != "interns" else 0,
                                                 True)
                                          for o, m, lo, hi in zip(full.outcome, full["diff"],
                                                                  full.low, full.high,
                                                                  strict=True)],
    })
    f = full.set_index("outcome")
    cost = points.set_index("point_id")["spending_platform"]
    text = f"""# The cooperation platform and labour-market matching

**Question.** Does a school–enterprise cooperation platform ("informatization": a
shared place to find partners, internships and graduates) improve matching — more
graduates in jobs that fit their programme, vacancies filled, shorter searches?

**Design.** `experiments/{NAME}.toml`: platform level {{0, 0.25, 0.5, 0.75, 1}} on the
baseline region (research-default scale, budget 40 M yuan/year), 8 replications with
common seeds, 30 semesters; final-year means, each level compared with no platform
paired by seed.

**Result.** A full platform changes the in-field rate by
{fmt_ci(f.loc['in_field_rate', 'diff'], f.loc['in_field_rate', 'low'],
        f.loc['in_field_rate', 'high'], 3, True)}, the vacancy fill rate by
{fmt_ci(f.loc['vacancy_fill_rate', 'diff'], f.loc['vacancy_fill_rate', 'low'],
        f.loc['vacancy_fill_rate', 'high'], 3, True)} and the time to a job by
{fmt_ci(f.loc['mean_time_to_job', 'diff'], f.loc['mean_time_to_job', 'low'],
        f.loc['mean_time_to_job', 'high'], 3, True)} semesters, for
{cost.max() / 1e6:,.2f} M yuan per semester of running costs. Every level:
`summary.csv` and `effects_vs_no_platform.csv`.

{md_table(tab)}

![outcomes by platform level](platform_levels.png)

**Caveats.** Model result: the platform lowers search friction in partner search,
internship placement and job search (DESIGN §4.3, §4.7, §4.10); it widens reach beyond
the school's district, which can lower local retention.

{runtime_text}
Raw sweep: `results/experiments/{NAME}/`.
"""
    (out / "README.md").write_text(text, encoding="utf-8")
    print(f"wrote {out}/README.md")


if __name__ == "__main__":
    main()

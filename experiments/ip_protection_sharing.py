"""Resource sharing under weak vs strong IP protection.

Design (``ip_protection_sharing.toml``): grid of IP protection (0.1, 0.3, 0.6, 0.9) ×
resource-sharing incentive (0, 0.5, 1 yuan per yuan shared) on the research-default
baseline region, 6 replications with common seeds (72 runs of 30 reported semesters,
each after the model's 80-semester spin-up). Outcomes are final-year means (resources
shared per semester, deep-partnership share, curriculum alignment, the official in-field
rate and the skill-matched share). The question is the interaction: how much does the
incentive raise sharing when protection is weak, and when it is strong? Effects of the
incentive are paired by seed against the no-incentive point at the same protection.

Run: ``python experiments/ip_protection_sharing.py`` (≈ 2–4 minutes on 2 cores).
Writes ``docs/results/ip_protection_sharing/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    fmt_ci,
    md_table,
    moved_section,
    previous_csv,
    run_published,
)

NAME = "ip_protection_sharing"
SHOW = [("resources_shared", "resources shared (k yuan / semester)", 1e-3),
        ("deep_partnership_share", "deep-partnership share", 1.0),
        ("curriculum_alignment", "curriculum alignment", 1.0),
        ("in_field_rate", "in-field rate (in field / employed)", 1.0),
        ("skill_matched_rate", "skill-matched share", 1.0)]
# Why the results moved since 0.2.0 (model 0.3.0, issue 12); written from the printed tables.
WHY = [
    "**More sharing without an incentive, at every protection level** (protection 0.1: "
    "122 → 198 k yuan a semester; 0.9: 947 → 1,298 k) and a higher deep-partnership "
    "share (0.18 → 0.25 at protection 0.3): more enterprises cooperate (participation "
    "0.053 → 0.064 at protection 0.3: with the incumbent workforce and the recalibrated "
    "`labour_demand_ratio` 0.95, a trained intern kept is worth what the firm's observed "
    "retention makes it), and sharing and deepening grow with the number of partners. We "
    "have not isolated why deepening rose more than participation.",
    "**The incentive adds as much or more in absolute terms, less in relative terms**: "
    "+759 → +1,000 k yuan at protection 0.1 (+620% → +505% of the level without it), "
    "+754 → +673 k at 0.9 (+80% → +52%); its effect on the deep share is no longer "
    "significant (+0.067 → +0.022 [−0.110, +0.153]).",
    "**Matching outcomes hardly move** (skill-matched share 0.494 → 0.480, official "
    "in-field rate 0.712 → 0.694, incentive effect on the skill-matched share +0.014 in "
    "both): sharing acts on curricula, and experienced workers now compete with "
    "graduates for the same vacancies.",
]


def incentive_effects(res: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Effect of each incentive level vs none, at each protection level (paired by seed)."""
    from ecosim.experiments.stats import paired_difference_ci

    rows = []
    for ip, g in res.groupby("ip_protection"):
        base = g[g.resource_sharing_incentive == 0].set_index("replication")[outcome]
        for inc, h in g[g.resource_sharing_incentive > 0].groupby("resource_sharing_incentive"):
            cur = h.set_index("replication")[outcome]
            reps = cur.index.intersection(base.index)
            d = paired_difference_ci(cur.loc[reps], base.loc[reps])
            rows.append({"ip_protection": ip, "incentive": inc, "outcome": outcome,
                         "effect": d.mean, "low": d.low, "high": d.high,
                         "relative": d.mean / base.mean() if base.mean() else float("nan")})
    return pd.DataFrame(rows)


def moved(points: pd.DataFrame, eff: pd.DataFrame) -> str:
    """The "what moved since 0.2.0" section: headline numbers of 0.2.0 and now."""
    old_p = previous_csv(NAME, "summary.csv")
    old_e = previous_csv(NAME, "incentive_effects.csv")

    def pt(df: pd.DataFrame | None, ip: float, inc: float, col: str, k: float = 1.0,
           f: str = "{:.3f}") -> str:
        if df is None or col not in df:
            return "n/a"
        r = df[(df.ip_protection == ip) & (df.resource_sharing_incentive == inc)]
        return f.format(r[col].iloc[0] * k) if len(r) else "n/a"

    def ef(df: pd.DataFrame | None, ip: float, o: str, rel: bool = False) -> str:
        if df is None:
            return "n/a"
        r = df[(df.ip_protection == ip) & (df.incentive == df.incentive.max())
               & (df.outcome == o)]
        if not len(r):
            return "n/a"
        r = r.iloc[0]
        if rel:
            return f"{r.relative:+.0%}"
        k, d = (1e-3, 0) if o == "resources_shared" else (1.0, 3)
        return fmt_ci(r.effect * k, r.low * k, r.high * k, d, sign=True)

    rows = [
        ("resources shared, no incentive, protection 0.1 (k yuan/semester)",
         pt(old_p, 0.1, 0.0, "resources_shared", 1e-3, "{:,.0f}"),
         pt(points, 0.1, 0.0, "resources_shared", 1e-3, "{:,.0f}")),
        ("resources shared, no incentive, protection 0.9 (k yuan/semester)",
         pt(old_p, 0.9, 0.0, "resources_shared", 1e-3, "{:,.0f}"),
         pt(points, 0.9, 0.0, "resources_shared", 1e-3, "{:,.0f}")),
        ("effect of the full incentive on sharing, protection 0.1 (k yuan/semester)",
         ef(old_e, 0.1, "resources_shared"), ef(eff, 0.1, "resources_shared")),
        ("… relative to no incentive", ef(old_e, 0.1, "resources_shared", True),
         ef(eff, 0.1, "resources_shared", True)),
        ("effect of the full incentive on sharing, protection 0.9 (k yuan/semester)",
         ef(old_e, 0.9, "resources_shared"), ef(eff, 0.9, "resources_shared")),
        ("… relative to no incentive", ef(old_e, 0.9, "resources_shared", True),
         ef(eff, 0.9, "resources_shared", True)),
        ("participation rate, protection 0.3, no incentive",
         pt(old_p, 0.3, 0.0, "participation_rate"), pt(points, 0.3, 0.0, "participation_rate")),
        ("deep-partnership share, protection 0.3, no incentive",
         pt(old_p, 0.3, 0.0, "deep_partnership_share"),
         pt(points, 0.3, 0.0, "deep_partnership_share")),
        ("effect of the full incentive on deep share, protection 0.3",
         ef(old_e, 0.3, "deep_partnership_share"), ef(eff, 0.3, "deep_partnership_share")),
        ("skill-matched share, protection 0.3, no incentive",
         pt(old_p, 0.3, 0.0, "skill_matched_rate"),
         pt(points, 0.3, 0.0, "skill_matched_rate")),
        ("effect of the full incentive on the skill-matched share, protection 0.3",
         ef(old_e, 0.3, "skill_matched_rate"), ef(eff, 0.3, "skill_matched_rate")),
        ("official in-field rate (in field / employed), protection 0.3, no incentive",
         pt(old_p, 0.3, 0.0, "in_field_rate"), pt(points, 0.3, 0.0, "in_field_rate")),
    ]
    return moved_section(rows, WHY)


def main() -> None:
    """Run (or resume) the sweep, analyse it, write figures and the result."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ecosim.reporting.comparison import PALETTE

    out, store, runtime_text = run_published(NAME)
    res = store.results(include_failed=False)
    points = store.point_summary([o for o, _, _ in SHOW] + ["participation_rate",
                                                            "partner_interns"])
    points.to_csv(out / "summary.csv", index=False)

    fig, axes = plt.subplots(1, len(SHOW), figsize=(4.2 * len(SHOW), 3.8))
    for ax, (o, label, scale) in zip(axes, SHOW, strict=True):
        for i, (ip, g) in enumerate(points.groupby("ip_protection")):
            g = g.sort_values("resource_sharing_incentive")
            x = g["resource_sharing_incentive"]
            ax.plot(x, g[o] * scale, "o-", color=PALETTE[i], label=f"IP protection {ip:g}")
            ax.fill_between(x, g[f"{o}_low"] * scale, g[f"{o}_high"] * scale,
                            color=PALETTE[i], alpha=0.18, lw=0)
        ax.set_xlabel("sharing incentive (yuan per yuan shared)")
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("final-year means, 95% CI over 6 seeds", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "sharing_by_protection.png", dpi=130)
    plt.close(fig)

    eff = pd.concat([incentive_effects(res, o) for o, _, _ in SHOW])
    eff.to_csv(out / "incentive_effects.csv", index=False)
    top = eff[(eff.outcome == "resources_shared") & (eff.incentive == eff.incentive.max())]
    weak = top[top.ip_protection == top.ip_protection.min()].iloc[0]
    strong = top[top.ip_protection == top.ip_protection.max()].iloc[0]
    tab = eff[eff.incentive == eff.incentive.max()].copy()
    tab = pd.DataFrame({
        "IP protection": tab["ip_protection"].map("{:g}".format),
        "outcome": tab["outcome"].replace({"resources_shared":
                                           "resources_shared (k yuan/semester)"}),
        f"effect of incentive {eff.incentive.max():g} vs 0 [95% CI]": [
            fmt_ci(m * (1e-3 if o == "resources_shared" else 1),
                   lo * (1e-3 if o == "resources_shared" else 1),
                   hi * (1e-3 if o == "resources_shared" else 1),
                   1 if o == "resources_shared" else 3, sign=True)
            for o, m, lo, hi in zip(tab.outcome, tab.effect, tab.low, tab.high, strict=True)],
        "relative to no incentive": tab["relative"].map("{:+.0%}".format),
    })
    base_share = points.set_index(["ip_protection", "resource_sharing_incentive"])[
        "resources_shared"]
    text = f"""# Resource sharing under weak vs strong IP protection

{moved(points, eff)}
**Question.** Enterprises "protect their core technologies" (seed paper §4.3). Does a
government top-up for shared equipment and know-how raise sharing when IP protection is
weak, or only once protection is strong?

**Design.** `experiments/{NAME}.toml`: grid of IP protection {{0.1, 0.3, 0.6, 0.9}} ×
resource-sharing incentive {{0, 0.5, 1}} on the baseline region (research-default scale;
enterprises' mean IP sensitivity 0.6), 6 replications with common seeds, 30 reported
semesters after the model's 80-semester spin-up,
budget 100 M yuan/year. Final-year means; incentive effects paired by seed against the
no-incentive point at the same protection.

**Result.** Without an incentive, resources shared rise from
{base_share.loc[(0.1, 0.0)] / 1e3:,.0f}k yuan/semester at protection 0.1 to
{base_share.loc[(0.9, 0.0)] / 1e3:,.0f}k at 0.9. The full incentive (1 yuan per yuan)
changes sharing by {weak.effect / 1e3:+,.0f}k [{weak.low / 1e3:+,.0f}k, {weak.high / 1e3:+,.0f}k]
({weak.relative:+.0%}) under weak protection (0.1) and by {strong.effect / 1e3:+,.0f}k
[{strong.low / 1e3:+,.0f}k, {strong.high / 1e3:+,.0f}k] ({strong.relative:+.0%}) under
strong protection (0.9).

{md_table(tab)}

![sharing and its effects by protection level](sharing_by_protection.png)

**Caveats.** Model result: sharing depends on the modelled IP-risk cost and on each
enterprise's sensitivity; `resources_shared` is in yuan per semester of equipment and
know-how lent to schools. `in_field_rate` is the official rate (employed in their field /
employed); `skill_matched_rate` the share employed in field with an adequate skill fit.

{runtime_text}
Files: `summary.csv` (every grid point, mean and
CI), `incentive_effects.csv`, `sharing_by_protection.png`. Raw sweep:
`results/experiments/{NAME}/`.
"""
    (out / "README.md").write_text(text, encoding="utf-8")
    print(f"wrote {out}/README.md")


if __name__ == "__main__":
    main()

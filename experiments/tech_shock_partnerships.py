"""Curriculum response to a technology shock, with and without deep partnerships.

Design: four scenarios built from ``scenarios/baseline.toml`` (research-default scale)
and compared with ``ecosim.compare`` (8 replications, common seeds, 30 reported
semesters, each after the model's 80-semester spin-up):

* ``shallow`` — schools' and enterprises' goals poorly aligned (``goal_alignment`` 0.1):
  partnerships deepen slowly and break more often, so few are deep;
* ``deep`` — goals well aligned (``goal_alignment`` 0.9): partnerships deepen faster and
  last, so more of them are deep;
* ``shallow_shock`` / ``deep_shock`` — the same, with an AI / big data / cloud shock
  that moves every sector's skill frontier by 0.4 at reported semester 10 (as in
  ``scenarios/tech_shock.toml``).

Up to 0.1 the two regimes were set by the initial partnerships (``initial_partnerships``
0.1 / 0.3, ``initial_deep_share`` 0 / 0.8). Since model 0.2.0 the 80-semester spin-up
flushes the initial state, so those regimes no longer differ at step 0 (their effects,
run with this script before the change of design, are kept in
``docs/results/tech_shock_partnerships/initial_state_design_effects.csv``); the regimes
are now set by a context that keeps partnerships deep in the steady state.

The shock's effect on an outcome is ``shock − no shock`` for the same seed; the
difference of these effects between deep and shallow (difference in differences, also
paired by seed) says whether deep partnerships help curricula catch up.

Run: ``python experiments/tech_shock_partnerships.py`` (≈ 2 minutes on 2 cores).
Writes ``docs/results/tech_shock_partnerships/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    DOCS,
    RAW,
    Timer,
    fmt_ci,
    machine,
    md_table,
    moved_section,
    previous_csv,
    workers,
)

NAME = "tech_shock_partnerships"
SHOCK_STEP, SHOCK_SIZE, STEPS, REPS, SEED = 10, 0.4, 30, 8, 11
OUTCOMES = ("curriculum_alignment", "in_field_rate", "skill_matched_rate", "skill_gap",
            "vacancy_fill_rate", "partner_interns",
            "deep_partnership_share", "dual_qualified_share")
PARTNERSHIPS = {"shallow": {"goal_alignment": 0.1}, "deep": {"goal_alignment": 0.9}}
# Why the results moved since 0.2.0 (model 0.3.0, issue 12); written from the printed tables.
WHY = [
    "**The shock's effects on curricula and skills are those of 0.2.0** (shallow regime: "
    "curriculum alignment −0.098 → −0.094, skill-matched share −0.062 → −0.062; deep − "
    "shallow +0.009 → +0.008 and +0.011 → +0.012): the workforce does not touch how "
    "schools and partnerships keep up with the frontier.",
    "**The official in-field rate falls a little more with the shock** (shallow −0.015 → "
    "−0.021) and deep partnerships no longer change that significantly (deep − shallow "
    "−0.004 [−0.008, −0.000] → +0.002 [−0.006, +0.009]): graduates now compete with "
    "experienced workers for in-field jobs, whose skills the shock devalues too.",
    "**Deeper partnerships in both regimes without a shock** (deep share: shallow regime "
    "0.117 → 0.136, deep regime 0.327 → 0.393), as in the other experiments of 0.3.0 "
    "(more enterprises cooperate).",
]


def moved(table: pd.DataFrame, scen: pd.DataFrame) -> str:
    """The "what moved since 0.2.0" section: the 0.2.0 results and now (same design)."""
    old = previous_csv(NAME, "shock_effects.csv")
    old_scen = previous_csv(NAME, "scenario_table.csv")

    def row(df: pd.DataFrame | None, o: str, col: str) -> str:
        if df is None or not o or o not in set(df.outcome):
            return "n/a"
        r = df.set_index("outcome").loc[o]
        if col == "did":
            return fmt_ci(r.did, r.did_low, r.did_high, 3, True)
        return fmt_ci(r[f"{col}_effect"], r[f"{col}_low"], r[f"{col}_high"], 3, True)

    def level(df: pd.DataFrame | None, o: str, sc: str) -> str:
        if df is None:
            return "n/a"
        r = df[(df.outcome == o) & (df.scenario == sc)]
        return fmt_ci(r["mean"].iloc[0], r.ci_low.iloc[0], r.ci_high.iloc[0], 3) \
            if len(r) else "n/a"

    rows = []
    for o, lab in (("curriculum_alignment", "curriculum alignment"),
                   ("in_field_rate", "official in-field rate (in field / employed)"),
                   ("skill_matched_rate", "skill-matched share"),
                   ("deep_partnership_share", "deep-partnership share")):
        rows += [(f"{lab}: shock effect, shallow", row(old, o, "shallow"),
                  row(table, o, "shallow")),
                 (f"{lab}: deep − shallow", row(old, o, "did"), row(table, o, "did"))]
    rows += [("deep-partnership share without shock, shallow regime",
              level(old_scen, "deep_partnership_share", "shallow"),
              level(scen, "deep_partnership_share", "shallow")),
             ("deep-partnership share without shock, deep regime",
              level(old_scen, "deep_partnership_share", "deep"),
              level(scen, "deep_partnership_share", "deep"))]
    return moved_section(rows, WHY)
SHOCK = {"tech_shock_step": SHOCK_STEP, "tech_shock_size": SHOCK_SIZE}


def scenarios() -> list:
    """The four scenarios (shallow, deep, shallow_shock, deep_shock)."""
    from ecosim.experiments.scenario import Scenario, load_scenario

    base = load_scenario("baseline")
    out = []
    for shock in (False, True):
        for name, p in PARTNERSHIPS.items():
            params = {**base.params, **p, **(SHOCK if shock else {})}
            label = f"{name}_shock" if shock else name
            desc = (f"baseline with {name} partnerships"
                    + (f", frontier shock {SHOCK_SIZE} at semester {SHOCK_STEP}" if shock
                       else ""))
            out.append(Scenario(label, desc, params, STEPS, SEED, base.path))
    return out


def did(runs: pd.DataFrame, outcome: str) -> dict[str, float]:
    """Shock effects per partnership regime and their difference (paired by seed)."""
    from ecosim.experiments.stats import mean_ci, paired_difference_ci

    v = runs.set_index(["scenario", "replication"])[outcome]
    eff = {k: (v.loc[f"{k}_shock"] - v.loc[k]) for k in PARTNERSHIPS}
    out: dict[str, float] = {}
    for k, e in eff.items():
        ci = mean_ci(e)
        out.update({f"{k}_effect": ci.mean, f"{k}_low": ci.low, f"{k}_high": ci.high})
    d = paired_difference_ci(eff["deep"], eff["shallow"])
    out.update({"did": d.mean, "did_low": d.low, "did_high": d.high})
    return out


def post_shock_loss(steps: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per run: summed shortfall of ``outcome`` after the shock vs the same seed unshocked."""
    rows = []
    s = steps[steps["step"] > SHOCK_STEP].set_index(["scenario", "replication", "step"])[outcome]
    for k in PARTNERSHIPS:
        gap = (s.loc[k] - s.loc[f"{k}_shock"]).groupby(level="replication").sum()
        rows += [{"regime": k, "replication": r, "loss": float(g)} for r, g in gap.items()]
    return pd.DataFrame(rows)


def main() -> None:
    """Run the comparison, analyse it, write figures and the result."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import ecosim
    from ecosim.experiments.stats import mean_ci, paired_difference_ci
    from ecosim.reporting.comparison import PALETTE

    out = DOCS / NAME
    out.mkdir(parents=True, exist_ok=True)
    with Timer() as t:
        res = ecosim.compare(scenarios(), replications=REPS, seed=SEED, steps=STEPS,
                             outcomes=OUTCOMES, workers=workers(), out=RAW / NAME)
    print(f"{len(res.runs)} runs in {t.seconds:.0f} s; {res.failed} failed")

    table = pd.DataFrame([{"outcome": o, **did(res.runs, o)} for o in OUTCOMES])
    table.to_csv(out / "shock_effects.csv", index=False)
    res.table.to_csv(out / "scenario_table.csv", index=False)
    for sc in res.scenarios:  # the regimes' depth in the final year
        r = res.table[(res.table.outcome == "deep_partnership_share")
                      & (res.table.scenario == sc)]
        print(f"{sc}: deep_partnership_share {r['mean'].iloc[0]:.3f}")
    loss = post_shock_loss(res.steps, "curriculum_alignment")
    loss.to_csv(out / "alignment_loss.csv", index=False)
    lsh = mean_ci(loss[loss.regime == "shallow"]["loss"])
    ldp = mean_ci(loss[loss.regime == "deep"]["loss"])
    ldiff = paired_difference_ci(loss[loss.regime == "deep"].set_index("replication")["loss"],
                                 loss[loss.regime == "shallow"].set_index("replication")[
                                     "loss"])

    fig, axes = plt.subplots(1, 4, figsize=(18, 4))
    colors = {"shallow": PALETTE[1], "deep": PALETTE[0]}
    for ax, o in zip(axes, ("curriculum_alignment", "skill_matched_rate", "in_field_rate",
                            "deep_partnership_share"), strict=True):
        for sc in res.scenarios:
            regime = sc.removesuffix("_shock")
            g = res.steps[res.steps["scenario"] == sc]
            cis = {s: mean_ci(v[o]) for s, v in g.groupby("step")}
            x = np.array(list(cis))
            ls = "-" if sc.endswith("_shock") else ":"
            ax.plot(x, [c.mean for c in cis.values()], ls, color=colors[regime], lw=2,
                    label=sc)
            if sc.endswith("_shock"):
                ax.fill_between(x, [c.low for c in cis.values()],
                                [c.high for c in cis.values()], color=colors[regime],
                                alpha=0.15, lw=0)
        ax.axvline(SHOCK_STEP, color="#555555", lw=1, ls="--")
        ax.set_title(o.replace("_", " "), fontsize=10)
        ax.set_xlabel("step (semester)")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"technology shock at semester {SHOCK_STEP} (dashed line); dotted: no "
                 f"shock; mean of {REPS} seeds with 95% CI band", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "shock_response.png", dpi=130)
    plt.close(fig)

    tab = pd.DataFrame({
        "outcome (final year)": table["outcome"],
        "shock effect, shallow [95% CI]": [fmt_ci(r.shallow_effect, r.shallow_low,
                                                  r.shallow_high, 3, True)
                                           for r in table.itertuples()],
        "shock effect, deep [95% CI]": [fmt_ci(r.deep_effect, r.deep_low, r.deep_high, 3,
                                               True) for r in table.itertuples()],
        "deep − shallow [95% CI]": [fmt_ci(r.did, r.did_low, r.did_high, 3, True)
                                    for r in table.itertuples()],
    })
    al = table.set_index("outcome").loc["curriculum_alignment"]

    def dshare(sc: str) -> tuple[float, float, float]:
        r = res.table[(res.table.outcome == "deep_partnership_share")
                      & (res.table.scenario == sc)].iloc[0]
        return r["mean"], r.ci_low, r.ci_high
    text = f"""# Curriculum response to a technology shock, with and without deep partnerships

{moved(table, res.table)}
**Question.** When AI / big data / cloud move the skill frontier, do curricula catch
up faster where schools have deep partnerships (order classes, joint curricula,
industrial colleges) than where they have internship agreements only?

**Design.** Four scenarios from `scenarios/baseline.toml` (research-default scale)
compared with `ecosim.compare`: a shallow regime (schools' and enterprises' goals
poorly aligned, `goal_alignment` 0.1: partnerships deepen slowly and break more often)
vs a deep one (`goal_alignment` 0.9), each without and with a frontier shock of
{SHOCK_SIZE} at reported semester {SHOCK_STEP}; {REPS} replications with common seeds
(`SeedSequence({SEED})`), {STEPS} reported semesters after the model's 80-semester
spin-up. Final-year deep-partnership share without the shock:
{fmt_ci(*dshare("shallow"), 3)} (shallow) vs {fmt_ci(*dshare("deep"), 3)} (deep).
Shock effect = shock − no shock for the same seed; "deep − shallow" is the difference of
the two effects (paired by seed).

**Result.** The shock lowers final-year curriculum alignment by
{-al.shallow_effect:.3f} with shallow partnerships and by {-al.deep_effect:.3f} with deep
ones (difference {fmt_ci(al.did, al.did_low, al.did_high, 3, True)}). Summed over the
semesters after the shock, alignment lost to the shock is
{fmt_ci(lsh.mean, lsh.low, lsh.high, 2)} (shallow) vs {fmt_ci(ldp.mean, ldp.low, ldp.high, 2)}
(deep) alignment-semesters; deep − shallow {fmt_ci(ldiff.mean, ldiff.low, ldiff.high, 2,
True)}.

{md_table(tab)}

![response to the shock](shock_response.png)

Scenario means and CIs of every outcome: `scenario_table.csv`; raw runs and the
`ecosim compare` report: `results/experiments/{NAME}/report.md`.

**Caveats.** Model result: curriculum speed rises with partnership depth,
dual-qualified teachers and management by construction (DESIGN §4.6); the experiment
measures how much that matters after a shock of this size, not whether it does. The
regimes differ in goal alignment, which also changes partnership stability and
satisfaction, not only depth. `in_field_rate` is the official rate (in field / employed);
`skill_matched_rate` the share employed in field with an adequate skill fit.

**Runtime.** {len(res.runs)} runs, wall time {t.seconds:.0f} s on {machine()}.
"""
    (out / "README.md").write_text(text, encoding="utf-8")
    print(f"wrote {out}/README.md")


if __name__ == "__main__":
    main()

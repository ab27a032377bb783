"""Morris screening of every calibration constant and uncertainty (issue 13, item 4).

Runs ``experiments/morris_constants.toml`` (86 factors: 14 uncertainties and 72
calibration constants, every one but the bookkeeping ``settled_after``; 10 trajectories,
one replication, on the mid-size region of the other screenings) through
``ecosim.sensitivity_analysis`` and decides which constants the calibration should fit.

**Decision rule.** A factor's influence on a target is its Morris μ* (mean absolute
elementary effect over the whole factor range, in the outcome's unit) divided by the
target's uncertainty sd from ``data/calibration_targets.toml``: how many standard
deviations of the observed figure the factor can move the model's value. For each
calibration target, the constant with the largest influence on it is *calibrated* (one
per target, so there are no more free parameters than targets and each is pinned by a
target it dominates). A constant with influence < 1 on every target *stays fixed* (the
targets cannot tell its values apart). The others are *identifiable, left at their
defaults*: they move some target by more than its sd but are not the main lever of any;
a larger calibration (more targets) could free them. Uncertainties stay scenario
inputs. μ* carries seed noise (one replication per point).

    python experiments/morris_constants.py        # ECOSIM_WORKERS=2 to fix the pool size

Writes ``docs/results/morris_constants/`` (README.md with the ranking and the decision,
decision.csv, indices.csv, noise.csv, figures).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from _common import DOCS, ROOT, md_table
from _sa_common import publish, run_sa

NAME = "morris_constants"


def decision(res, targets) -> pd.DataFrame:
    """Per factor: influence (μ* / sd) on each calibration target, the largest, and
    whether to calibrate it."""
    ind = pd.read_csv(Path(res.path) / "indices.csv")
    mu = ind[ind["index"] == "mu_star"]
    fitted = [t for t in targets if t.role == "calibrate"]
    rows = []
    for factor, g in mu.groupby("factor"):
        by = g.set_index("outcome")["value"]
        row = {"factor": factor, "kind": res.kinds.get(factor, "")}
        for t in fitted:
            row[t.id] = float(by.get(t.outcome, float("nan"))) / t.sd
        infl = [row[t.id] for t in fitted]
        row["max_influence"] = max(infl)
        row["most_on"] = fitted[infl.index(max(infl))].id
        rows.append(row)
    df = pd.DataFrame(rows).sort_values("max_influence", ascending=False)
    consts = df[df["kind"] == "calibration"]
    leaders = {consts.loc[consts[t.id].idxmax(), "factor"] for t in fitted}

    def decide(factor: str, kind: str, v: float) -> str:
        if kind == "uncertainty":
            return "uncertainty: keep as a scenario input"
        if factor in leaders:
            return "calibrate"
        return "identifiable, left at default" if v >= 1 else "fix at default"

    df["decision"] = [decide(f, k, v) for f, k, v in
                      zip(df["factor"], df["kind"], df["max_influence"], strict=True)]
    return df.reset_index(drop=True)


def main() -> None:
    """Run (or resume) the screening, decide, publish."""
    from ecosim.calibration.spec import load_targets

    res = run_sa(NAME)
    targets = load_targets(ROOT / "data" / "calibration_targets.toml")
    dec = decision(res, targets)
    m = res.meta
    intro = [
        "Morris elementary-effects screening of **every calibration constant and "
        "uncertainty** (`experiments/morris_constants.toml`) on the outcomes of the "
        "calibration targets and the held-out ones: which constants the data can "
        "identify and so should be calibrated, and which stay fixed.",
        "",
        f"- **Size**: D = {len(m['factors'])} factors, r = {m['n']} trajectories, "
        f"{m['num_levels']} levels → {m['n_runs']:,} runs of {m['steps']} reported "
        "semesters after the 80-semester spin-up (10 schools, 200 enterprises, 2,000 "
        "entrants).",
        f"- **Runtime**: {m['runs_elapsed_s'] / 60:.1f} min of wall time for the runs on "
        "2 worker processes of a shared 2-core machine.",
        "- **Influence** = μ* / sd of the target: how many standard deviations of the "
        "observed figure a factor moves the model's value over its whole range. "
        "Calibrate a constant when its influence reaches 1 on some calibration target.",
    ]
    DOCS.joinpath(NAME).mkdir(parents=True, exist_ok=True)
    dec.to_csv(DOCS / NAME / "decision.csv", index=False)
    show = dec.head(25).copy()
    for c in show.columns:
        if show[c].dtype.kind == "f":
            show[c] = show[c].map(lambda v: f"{v:.2f}")
    n = dec["decision"].value_counts()
    names = {d: ", ".join(f"`{f}`" for f in dec[dec["decision"] == d]["factor"])
             for d in ("calibrate", "identifiable, left at default", "fix at default")}
    decided = [
        "## Decision", "",
        f"**{n.get('calibrate', 0)} constants to calibrate** (for each calibration target, "
        "the constant with the largest influence on it: the free parameters of "
        "`experiments/calibrate_baseline.toml`): " + names["calibrate"] + ".", "",
        f"**{n.get('fix at default', 0)} fixed at their defaults** (influence < 1 on every "
        "target: the data cannot tell their values apart): " + names["fix at default"]
        + ".", "",
        f"**{n.get('identifiable, left at default', 0)} identifiable but left at their "
        "defaults** (they move some target by more than its sd but lead none; a "
        "calibration with more targets could free them): "
        + names["identifiable, left at default"] + ".", "",
        "The uncertainties stay scenario inputs (their values differ between regions and "
        "futures; calibrating one would fix it for the baseline region only). The 25 most "
        "influential factors (all in `decision.csv`):", "", md_table(show), "",
    ]
    publish(res, NAME, intro, decided)


if __name__ == "__main__":
    main()

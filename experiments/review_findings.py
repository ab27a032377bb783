"""Measure the findings of the outside review (issue 11) on the current model.

Runs the baseline at research scale for several seeds and prints / writes the figures
the review quoted: drift of outcomes over a long run, the validation patterns at
T = 10 / 30 / 60, the horizon dependence of placement, the firm economics of
cooperating enterprises (realised net benefit per intern, satisfied partnerships,
partnerships formed vs active) and the share of vocational graduates who ever interned.
Written for before/after comparisons: it reads only outcomes and model state that both
the 0.1 model and the steady-state model have (missing ones are reported as NaN).

Usage::

    .venv/bin/python experiments/review_findings.py --seeds 5 --out results/review.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ecosim import EcosystemModel
from ecosim.experiments.scenario import load_scenario
from ecosim.experiments.validation import TARGETS

STEPS = 60
TRACE = ("vacancy_fill_rate", "skill_gap", "vocational_share", "placement_rate",
         "in_field_rate", "deep_partnership_share", "participation_rate", "graduates",
         "mean_awareness", "partnerships")


_LAST: dict[str, np.ndarray] = {}


def _spy_on_realised_benefit() -> None:
    """Keep what the model's own enterprise-learning step computed (a call-through spy):
    realised benefit per firm, and the interns and partnerships it was computed for."""
    from ecosim.simulation.processes import enterprise_learning as el

    if getattr(el.realized_benefit, "_spy", False):
        return
    real = el.realized_benefit

    def spy(model):  # noqa: ANN001, ANN202
        res = real(model)
        _LAST["realized"] = (res[0] if isinstance(res, tuple) else res).copy()
        _LAST["interns"] = model.firms.interns.astype(float).copy()
        _LAST["coop"] = model.partnerships.per_firm() > 0
        return res

    spy._spy = True
    el.realized_benefit = spy


def _firm_economics(m: EcosystemModel) -> dict[str, float]:
    """Realised benefit of cooperating hosts at the latest placement, satisfaction,
    partnership churn."""
    out: dict[str, float] = {}
    realized, interns, coop = _LAST["realized"], _LAST["interns"], _LAST["coop"]
    t = m.partnerships
    host = coop & (interns > 0)
    per = realized[host] / interns[host]
    out["coop_firms"] = float(coop.sum())
    out["median_realised_per_intern"] = float(np.median(per)) if per.size else np.nan
    for q in (10, 25, 75, 90):
        out[f"p{q}_realised_per_intern"] = float(np.percentile(per, q)) if per.size else np.nan
    out["share_realised_ge_0"] = float((per >= 0).mean()) if per.size else np.nan
    rows = t.active_rows
    out["satisfied_share"] = float((t.sat_firm[rows] > 0).mean()) if rows.size else np.nan
    out["partnerships_formed"] = float(t.n)
    out["partnerships_active"] = float(rows.size)
    pop = m.pop
    grads = (pop.grad_step > -(2**29)) & (pop.school_type < 2) & (pop.status != 0)
    alive = grads & np.isin(pop.status, (2, 3, 4))
    out["vocational_grads_ever_interned"] = (
        float((pop.intern_semesters[alive] > 0).mean()) if alive.any() else np.nan)
    return out


def run(seed: int, overrides: dict | None = None) -> dict:
    """One 60-step baseline run: outcome traces and firm economics at step 30."""
    _spy_on_realised_benefit()
    sc = load_scenario("baseline")
    kw = {**sc.model_kwargs(), **(overrides or {})}
    m = EcosystemModel(seed=seed, **kw)
    formed0 = m.partnerships.n
    econ = {}
    for s in range(1, STEPS + 1):
        m.step()
        if s == 30:  # the latest placement round (step 29 when placements are yearly)
            econ = _firm_economics(m)
            econ["partnerships_formed_since_step_0"] = float(m.partnerships.n - formed0)
    df = m.outcomes_frame()
    trace = {k: df[k].tolist() for k in TRACE if k in df}
    finals = {}
    for T in (10, 20, 30, 60):
        sub = df[(df.step > T - 2) & (df.step <= T)]
        finals[T] = {c: float(sub[c].mean()) for c in df.columns if c != "step"}
    return {"trace": trace, "finals": finals, "econ": econ}


def summarise(runs: list[dict]) -> dict:
    """Means over seeds of the figures the review quoted."""
    def tr(name: str, step: int) -> float:
        return float(np.nanmean([r["trace"][name][step] for r in runs if name in r["trace"]]))

    def fin(T: int, name: str) -> float:
        return float(np.nanmean([r["finals"][T].get(name, np.nan) for r in runs]))

    out = {
        "vacancy_fill_rate@2/30/60": [tr("vacancy_fill_rate", s) for s in (2, 30, 60)],
        "skill_gap@1/10": [tr("skill_gap", s) for s in (1, 10)],
        "vocational_share@1/3": [tr("vocational_share", s) for s in (1, 3)],
        "deep_partnership_share@10/60": [tr("deep_partnership_share", s) for s in (10, 60)],
        "mean_awareness@1/60": [tr("mean_awareness", s) for s in (1, 60)],
        "placement@T10/20/30/60": [fin(T, "placement_rate") for T in (10, 20, 30, 60)],
        "patterns": {t.outcome: {"band": [t.low, t.high],
                                 **{f"T{T}": fin(T, t.outcome) for T in (10, 30, 60)}}
                     for t in TARGETS},
        "econ@30": {k: float(np.nanmean([r["econ"].get(k, np.nan) for r in runs]))
                    for k in runs[0]["econ"]},
    }
    # Stationarity: mean over steps 20–40 vs 40–60, against the seed-to-seed spread.
    stat = {}
    for name in ("vacancy_fill_rate", "placement_rate", "in_field_rate",
                 "participation_rate", "deep_partnership_share"):
        a = [np.nanmean(r["trace"][name][20:41]) for r in runs]
        b = [np.nanmean(r["trace"][name][40:61]) for r in runs]
        stat[name] = {"mean_20_40": float(np.mean(a)), "mean_40_60": float(np.mean(b)),
                      "seed_sd": float(np.std(a, ddof=1)) if len(a) > 1 else np.nan}
    out["stationarity"] = stat
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the seeds, print the summary and write it as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a parameter (float values)")
    a = ap.parse_args(argv)
    overrides = {}
    for s in a.set:
        k, v = s.split("=", 1)
        overrides[k] = float(v)
    runs = [run(seed, overrides) for seed in range(1, a.seeds + 1)]
    summary = summarise(runs)
    text = json.dumps(summary, indent=1, default=float)
    print(text)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text)


if __name__ == "__main__":
    main()

"""Pattern-oriented validation of the baseline: writes docs/validation.md.

Design: the baseline scenario (research-default scale, 30 steps) over 5 seeds, compared
with the bands of ``ecosim.experiments.validation.TARGETS`` (facts.md); plus two patterns of
DESIGN §8 — subsidies raise participation with diminishing returns, and curricula that
do not follow a technology shock produce mismatch. Runtime: about 30 s on one core.

Usage: python experiments/validate_baseline.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ecosim.experiments.runner import final_year_summary, simulate
from ecosim.experiments.scenario import load_scenario
from ecosim.experiments.validation import (
    SIZE_ORDER,
    baseline_outcomes,
    check_targets,
    size_gradient_ok,
)

ROOT = Path(__file__).resolve().parents[1]


def _mean_outcomes(overrides: dict, outcomes: tuple[str, ...], seeds: int
                   ) -> dict[str, tuple[float, float]]:
    """Mean and standard error over seeds of final-year outcomes."""
    sc = load_scenario("baseline").with_overrides(overrides)
    runs = [final_year_summary(simulate(sc, seed=s).outcomes, outcomes) for s in range(seeds)]
    out = {}
    for name in outcomes:
        v = np.array([r[name] if r[name] is not None else np.nan for r in runs], dtype=float)
        out[name] = (float(np.nanmean(v)), float(np.nanstd(v, ddof=1) / np.sqrt(len(v))))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "docs" / "validation.md"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    df = baseline_outcomes(args.seeds)
    table = check_targets(df)
    sizes = {c: float(df[c].mean()) for c in SIZE_ORDER}

    subsidy = [(s, _mean_outcomes({"internship_subsidy": s},
                                  ("participation_rate", "subsidy_deadweight_share"), args.seeds))
               for s in (0, 2000, 4000, 6000, 8000)]
    shock = {
        label: _mean_outcomes(ov, ("in_field_rate",), args.seeds)["in_field_rate"]
        for label, ov in (
            ("no shock, curricula adapt", {}),
            ("shock, curricula adapt", {"tech_shock_step": 6, "tech_shock_size": 0.4}),
            ("shock, curricula frozen", {"tech_shock_step": 6, "tech_shock_size": 0.4,
                                         "curriculum_responsiveness": 0.0}),
        )
    }
    elapsed = time.perf_counter() - t0

    lines = [
        "# Validation of the baseline (pattern-oriented)",
        "",
        f"Generated {dt.date.today().isoformat()} by `python experiments/validate_baseline.py"
        f" --seeds {args.seeds}` ({elapsed:.0f} s). Scenario `scenarios/baseline.toml`, "
        f"30 steps, seeds 0–{args.seeds - 1}; each value is the final-year mean "
        "(last two steps), averaged over seeds. Bands live in "
        "`ecosim.experiments.validation.TARGETS`; "
        "`tests/test_validation.py` keeps the baseline inside them. Facts and sources: "
        "`shared/reference/facts.md`. Calibration choices are listed in `docs/ODD.md` §7.",
        "",
        "## Targets vs model",
        "",
        "| outcome | stylized fact | band | model (mean) | min–max over seeds | ok | source |",
        "|---|---|---|---:|---|:-:|---|",
    ]
    for r in table.itertuples():
        lines.append(f"| `{r.outcome}` | {r.fact} | {r.band} | {r.model_mean:.3f} | "
                     f"{r.model_min:.3f}–{r.model_max:.3f} | {'✔' if r.ok else '✘'} | "
                     f"{r.source} |")
    lines += [
        "",
        "## Participation rises with firm size",
        "",
        "Fact: ~91% of German firms with 500+ staff train vs ~17% under 10 staff "
        "(Berufsbildungsbericht 2007); 9–12% of SMEs train (KfW). China's participation is "
        "lower overall (seed paper §2).",
        "",
        "| size class | micro (<10) | small (10–99) | medium (100–499) | large (500+) |",
        "|---|---:|---:|---:|---:|",
        "| participation | " + " | ".join(f"{sizes[c]:.3f}" for c in SIZE_ORDER) + " |",
        "",
        f"Rising with size (each class ≥ the smaller − 0.02, large − micro ≥ 0.2): "
        f"**{'yes' if size_gradient_ok(df) else 'NO'}**.",
        "",
        "## Subsidies raise participation, with diminishing returns",
        "",
        "Deadweight: share of subsidised interns hosted by enterprises that expected a gain "
        "even without the subsidy (`subsidy_deadweight_share`).",
        "",
        "| internship_subsidy (yuan/intern/semester) | participation_rate | ± s.e. | gain "
        "| deadweight share |",
        "|---:|---:|---:|---:|---:|",
    ]
    prev = None
    for s, res in subsidy:
        m, se = res["participation_rate"]
        dw = res["subsidy_deadweight_share"][0]
        gain = "" if prev is None else f"{m - prev:+.3f}"
        dw_txt = "" if np.isnan(dw) else f"{dw:.2f}"
        lines.append(f"| {s:,} | {m:.3f} | {se:.3f} | {gain} | {dw_txt} |")
        prev = m
    gains = [b[1]["participation_rate"][0] - a[1]["participation_rate"][0]
             for a, b in zip(subsidy, subsidy[1:], strict=False)]
    peak = int(np.argmax(gains))
    lines += [
        "",
        f"The largest gain is between {subsidy[peak][0]:,} and {subsidy[peak + 1][0]:,} yuan; "
        + ("returns diminish from the first yuan." if peak == 0 else
           "below that the response is convex (baseline participation sits in the low tail "
           "of the enterprises' logit choice), above it returns diminish. The deadweight "
           "share rises with the subsidy."),
    ]
    lines += [
        "",
        "## A technology shock with frozen curricula produces mismatch",
        "",
        "| case | in_field_rate | ± s.e. |",
        "|---|---:|---:|",
    ]
    for label, (m, se) in shock.items():
        lines.append(f"| {label} | {m:.3f} | {se:.3f} |")
    lines += [
        "",
        "## Per-seed values",
        "",
        pd.DataFrame(df).round(3).to_markdown(index=False),
        "",
    ]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines[:40]))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()

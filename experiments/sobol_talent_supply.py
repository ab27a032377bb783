"""Sobol' sensitivity of talent-supply outcomes to every policy lever and key uncertainties.

Runs ``experiments/sobol_talent_supply.toml`` (20 factors, N = 32, 2
replications on a mid-size region; since 0.2.0 every run also simulates an 80-semester
spin-up) through
``ecosim.sensitivity_analysis`` and writes ``docs/results/sobol_talent_supply/``
(figures, indices, README with what moved since 0.2.0, runtime and the N an hour on a
2-core workstation affords).

    python experiments/sobol_talent_supply.py        # ECOSIM_WORKERS=2 to fix the pool size
"""

from __future__ import annotations

from _sa_common import floor_pow2, moved_rankings, publish, run_sa

NAME = "sobol_talent_supply"
# (outcome in 0.2.0, outcome now): the same names.
PAIRS = [(o, o) for o in ("skill_matched_rate", "in_field_rate", "vacancy_fill_rate",
                          "participation_rate", "average_cost_per_in_field_graduate")]
OLD_SIZE = "N = 128, 5,632 runs, 17.8 min of wall time for the runs"  # 0.2.0 README
# Why the rankings moved since 0.2.0 (model 0.3.0, issue 12); written from the printed
# tables.
WHY = [
    "**Demand growth matters less for the graduates' matching, technology change more** "
    "(skill-matched share: `demand_growth` ST 0.69 → 0.10, `tech_change_rate` 0.28 → "
    "0.59; official in-field rate: 0.51 → 0.37 and 0.40 → 0.55). Two changes of 0.3.0: a "
    "demand trend now starts with the reported years (in 0.2.0 it also ran through the "
    "40-year spin-up, so `demand_growth` set the starting demand level as well as the "
    "trend), and vacancies are now filled by experienced workers too (the unemployed "
    "and job-to-job movers), so more demand no longer means as many more entry jobs for "
    "graduates.",
    "**Vacancy fill rate**: still demand growth alone.",
    "**Participation**: the same three factors lead (`intern_productivity`, "
    "`mentoring_cost`, `initial_awareness`); `platform_level` replaces `demand_growth` in "
    "fourth place.",
    "**Average cost per in-field graduate**: demand growth's share falls (ST 0.64 → "
    "0.38, the spin-up change above) and the instruments' own levers explain more "
    "(`certification_threshold` 0.12 → 0.37, `tax_credit_rate` 0.06 → 0.25).",
    "**Size**: N = 32 instead of 128, because each run is about 2.5 times dearer with "
    "the workforce (1.50 s instead of 0.38 s inside a worker), so the intervals are about "
    "twice as wide; rankings whose intervals overlap are not resolved.",
]
# One baseline-scale run (30 schools, 1,000 firms, 20 reported steps after the 80-step
# spin-up) in a worker with the workforce (0.3.0): about 2.6 s (docs/performance.md: set-up
# with spin-up 2.0 s, 40 reported steps 1.1 s); 1.5 s in 0.2.0.
RESEARCH_RUN_S = 2.6


def main() -> None:
    """Run (or resume) the analysis and publish it."""
    from ecosim.experiments.store import SweepStore

    res = run_sa(NAME)
    m = res.meta
    runs = SweepStore(res.path / "runs").results(include_failed=False)
    per_run = float(runs["runtime_s"].mean())
    D, R = len(m["factors"]), int(m["replications"])
    hour_runs = 2 * 3600 / per_run
    n_mid = floor_pow2(hour_runs / ((D + 2) * R))
    n_research = floor_pow2(2 * 3600 / RESEARCH_RUN_S / ((D + 2) * R))
    intro = [
        "Sobol' global sensitivity analysis of the talent-supply outcomes to the 13 policy "
        "levers (all but the adaptive rule's `participation_target`, which stays 0) and 7 "
        "key uncertainties (`experiments/sobol_talent_supply.toml`).",
        "",
        f"- **Size**: D = {D} factors, N = {m['n']} (power of two) → {m['n_points']:,} design "
        f"points × {R} replications = {m['n_runs']:,} runs of {m['steps']} reported semesters "
        "(each after the model's 80-semester spin-up) on a mid-size region derived from the "
        "baseline (10 schools, 200 enterprises, 2,000 entrants a year, 2 districts).",
        "- **N quartered** from 0.2.0's 128: with the incumbent workforce each run "
        "costs about 2.5 times as much (0.2.0: mean 0.38 s per run inside a worker), so "
        "the intervals are wider; rankings whose intervals overlap are not resolved.",
        "- `in_field_rate` is the official rate (employed in their field / employed); "
        "`skill_matched_rate` the share employed in field with an adequate skill fit.",
        f"- **Runtime**: {m['runs_elapsed_s'] / 60:.1f} min of wall time for the runs on 2 "
        f"worker processes of a shared 2-core machine (mean {per_run:.2f} s per run inside a "
        f"worker), {m.get('analysis_elapsed_s', 0):.0f} s for the analysis.",
        f"- **What an hour on a 2-core workstation affords**: at this scale ≈ "
        f"{hour_runs:,.0f} runs, i.e. N = {n_mid} with {D} factors and {R} replications; "
        f"at research scale (baseline: 30 schools, 1,000 enterprises, 10,000 entrants, "
        f"≈ {RESEARCH_RUN_S} s per run) ≈ {2 * 3600 / RESEARCH_RUN_S:,.0f} runs, i.e. "
        f"N = {n_research}. Wide CIs below say where a larger N is needed.",
    ]
    size = (f"N = {m['n']}, {m['n_runs']:,} runs, {m['runs_elapsed_s'] / 60:.1f} min of wall "
            "time for the runs")
    moved = moved_rankings(NAME, res, PAIRS, WHY,
                           extra={"size and runtime": (OLD_SIZE, size)})
    publish(res, NAME, intro, moved)


if __name__ == "__main__":
    main()

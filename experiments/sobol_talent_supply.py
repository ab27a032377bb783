"""Sobol' sensitivity of talent-supply outcomes to every policy lever and key uncertainties.

Runs ``experiments/sobol_talent_supply.toml`` (20 factors, N = 128, 2 replications on a
mid-size region) through ``ecosim.sensitivity_analysis`` and writes
``docs/results/sobol_talent_supply/`` (figures, indices, README with runtime and the N
an hour on a 2-core workstation affords).

    python experiments/sobol_talent_supply.py        # ECOSIM_WORKERS=2 to fix the pool size
"""

from __future__ import annotations

from _sa_common import floor_pow2, publish, run_sa

NAME = "sobol_talent_supply"
RESEARCH_RUN_S = 0.5  # one baseline-scale run (30 schools, 1,000 firms, 30 steps), 1 core


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
        f"points × {R} replications = {m['n_runs']:,} runs of {m['steps']} semesters on a "
        "mid-size region derived from the baseline (10 schools, 200 enterprises, 2,000 "
        "entrants a year, 2 districts).",
        f"- **Runtime**: {m['runs_elapsed_s'] / 60:.1f} min of wall time for the runs on 2 "
        f"worker processes of a shared 2-core machine (mean {per_run:.2f} s per run inside a "
        f"worker), {m.get('analysis_elapsed_s', 0):.0f} s for the analysis.",
        f"- **What an hour on a 2-core workstation affords**: at this scale ≈ "
        f"{hour_runs:,.0f} runs, i.e. N = {n_mid} with {D} factors and {R} replications; "
        f"at research scale (baseline: 30 schools, 1,000 enterprises, 10,000 entrants, "
        f"≈ {RESEARCH_RUN_S} s per run) ≈ {2 * 3600 / RESEARCH_RUN_S:,.0f} runs, i.e. "
        f"N = {n_research}. Wide CIs below say where a larger N is needed.",
    ]
    publish(res, NAME, intro)


if __name__ == "__main__":
    main()

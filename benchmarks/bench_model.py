"""Model benchmark: ecosim vs Mesa's Boltzmann wealth example, and scaling.

Run with ``make bench``. Every measurement runs in a fresh subprocess (so peak memory
is that run's own), ecosim and Boltzmann alternate, and the table reports medians of
``--reps`` repetitions. The table is printed and written into docs/performance.md
(between the ``model`` markers), with the date and machine.

Usage: python benchmarks/bench_model.py [--reps 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from perf_doc import machine_stamp, write_section

ROOT = Path(__file__).resolve().parents[1]


def _one_ecosim(scenario: str, steps: int, scale: float) -> dict:
    from ecosim.experiments.scenario import load_scenario
    from ecosim.simulation.model import EcosystemModel

    sc = load_scenario(scenario)
    kw = sc.model_kwargs()
    if scale != 1.0:
        for k in ("cohort_size", "n_enterprises", "n_schools"):
            kw[k] = max(1, int(round(kw[k] * scale)))
    t0 = time.perf_counter()
    m = EcosystemModel(seed=1, **kw)
    t1 = time.perf_counter()
    alive = 0
    for _ in range(steps):
        m.step()
        # Agents are students and workers (employed or searching; issue 12).
        alive += m.pop.n + int(np.count_nonzero(m.workers.employer >= -1))
    t2 = time.perf_counter()
    return {"setup": t1 - t0, "run": t2 - t1, "total": t2 - t0,
            "agent_steps": alive, "agents": alive / steps}


def _one_ecosim_series(scenario: str, steps: int, runs: int) -> dict:
    """``runs`` runs one after another in one process, as a sweep worker does them: the
    first pays the process's cold start (first calls, caches), the others do not."""
    totals = [_one_ecosim(scenario, steps, 1.0)["total"] for _ in range(int(runs))]
    return {"cold": totals[0], "warm": statistics.median(totals[1:]), "runs": len(totals)}


def _one_boltzmann(n: int, steps: int) -> dict:
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth

    side = max(10, int(round((n / 4) ** 0.5)))  # ~4 agents per cell
    t0 = time.perf_counter()
    m = BoltzmannWealth(n=n, width=side, height=side, seed=1)
    t1 = time.perf_counter()
    for _ in range(steps):
        m.step()
    t2 = time.perf_counter()
    return {"setup": t1 - t0, "run": t2 - t1, "total": t2 - t0,
            "agent_steps": n * steps, "agents": n}


def _measure(kind: str, *args: str) -> dict:
    """Run one measurement in a fresh interpreter; return timings and peak memory."""
    code = (
        "import json, resource, sys; sys.path.insert(0, {!r}); import bench_model as b; "
        "r = getattr(b, {!r})(*json.loads(sys.argv[1])); "
        "r['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; "
        "print(json.dumps(r))".format(str(Path(__file__).parent), f"_one_{kind}")
    )
    out = subprocess.run([sys.executable, "-c", code, json.dumps(list(args))],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="fewer reps, no 1M run")
    args = ap.parse_args()
    reps = 2 if args.quick else args.reps
    lines: list[str] = []

    def say(s: str = "") -> None:
        print(s, flush=True)
        lines.append(s)

    # 1. benchmark_county vs Boltzmann at the same agent count, alternating.
    eco, boltz = [], []
    for _ in range(reps):
        eco.append(_measure("ecosim", "benchmark_county", 40, 1.0))
        n = int(round(eco[-1]["agents"]))
        boltz.append(_measure("boltzmann", n, 10))
    e_us = _median([{"v": r["run"] / r["agent_steps"] * 1e6} for r in eco], "v")
    b_us = _median([{"v": r["run"] / r["agent_steps"] * 1e6} for r in boltz], "v")
    say(f"### benchmark_county (40 reported steps) vs Mesa Boltzmann wealth, medians of {reps}")
    say()
    say("| model | agents | steps | set-up (+ spin-up) s | steps s | µs per agent-step "
        "| peak MB |")
    say("|---|---:|---:|---:|---:|---:|---:|")
    say(f"| ecosim benchmark_county | {_median(eco, 'agents'):,.0f} agents alive (students + "
        f"workers, mean) | 40 "
        f"| {_median(eco, 'setup'):.2f} (80-step spin-up) | {_median(eco, 'run'):.2f} "
        f"| {e_us:.3f} | {_median(eco, 'peak_mb'):.0f} |")
    say(f"| Mesa Boltzmann wealth | {boltz[0]['agents']:,} agents | 10 "
        f"| {_median(boltz, 'setup'):.2f} | {_median(boltz, 'run'):.2f} | {b_us:.3f} "
        f"| {_median(boltz, 'peak_mb'):.0f} |")
    say()
    say(f"ecosim is **{b_us / e_us:.1f}×** cheaper per agent-step than Boltzmann (steps "
        "only, both models; ecosim's set-up includes its unreported spin-up of 80 steps). "
        f"benchmark_county, 40 reported steps: {_median(eco, 'run'):.2f} s (target ≤ 2 s).")
    say()

    # 2. Scaling series.
    scales = [0.1, 1.0] if args.quick else [0.1, 1.0, 10.0]
    rows = []
    for s in scales:
        rs = [_measure("ecosim", "benchmark_county", 40, s) for _ in range(reps)]
        rows.append((s, _median(rs, "agents"), _median(rs, "total"), _median(rs, "peak_mb")))
    say("### Scaling (benchmark_county scaled: cohort, enterprises and schools × factor)")
    say()
    say("| agents alive (students + workers, mean) | seconds (set-up, 80-step spin-up, "
        "40 steps) | µs per agent-step (all 120 steps) | peak MB |")
    say("|---:|---:|---:|---:|")
    for _, n, t, mb in rows:
        say(f"| {n:,.0f} | {t:.2f} | {t / (n * 120) * 1e6:.3f} | {mb:.0f} |")
    x = np.log([r[1] for r in rows])
    y = np.log([r[2] for r in rows])
    slope = float(np.polyfit(x, y, 1)[0])
    say()
    say(f"Fitted exponent of run time vs agents (students + workers): **{slope:.3f}**")
    say()

    # 3. Research default scale.
    rs = [_measure("ecosim", "baseline", 40, 1.0) for _ in range(reps)]
    warm = _measure("ecosim_series", "baseline", 40, reps + 1)
    say(f"### Research default (baseline.toml): 40 reported steps {_median(rs, 'run'):.2f} s "
        f"(target ≤ 0.5 s); set-up with its 80-step spin-up {_median(rs, 'setup'):.2f} s; "
        f"{_median(rs, 'agents'):,.0f} agents alive (students + workers), "
        f"peak {_median(rs, 'peak_mb'):.0f} MB")
    say()
    say(f"Each of those is the first run of a fresh process. Run after run in one process, "
        f"as in a sweep worker (spin-up included): **{warm['warm']:.2f} s** per run "
        f"(median of {reps} runs "
        f"after a first, cold one of {warm['cold']:.2f} s). A 10-factor Sobol' design "
        f"(N = 1024, 22,528 runs) on 2 workers at that rate: "
        f"{22_528 * warm['warm'] / 2 / 3600:.1f} h of run time.")
    _write_doc(lines)


def _write_doc(lines: list[str]) -> None:
    stamp = f"{machine_stamp()}, one core per run, by `make bench` (benchmarks/bench_model.py)."
    write_section("model", "\n".join(["## Model", "", stamp, "", *lines]))


if __name__ == "__main__":
    main()

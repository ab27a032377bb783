"""Benchmark of the durable sweep runner (run by ``make bench``).

Measures, each in a fresh subprocess so that peak memory is the process's own, the
median of 5 interleaved repeats (``--repeat``):

1. runs/s of one sweep design on 1 and on 2 worker processes, and the parallel
   efficiency ``(rate_2 / rate_1) / 2``: demo-scale runs (20 semesters) and
   research-scale runs (``baseline.toml``, 40 semesters);
2. the sweep parent's peak RSS for a 1,000-run sweep of small runs (it streams results
   to Parquet parts and holds one buffer of summaries at most);
3. the same designs through ``mesa.batch_run``: with 2 processes (end of run only, as
   our summaries, and every step, as our per-step series) and with its default single
   process; 800 research-scale runs through our sweep and through ``batch_run``'s
   default, for runs/s and the parents' peak memory.

Prints a table and writes it to ``docs/performance.md`` between the
``bench_sweep`` markers under "## Sweeps" (the rest of the file is left alone).

Usage: ``python benchmarks/bench_sweep.py [--quick] [--repeat N] [--no-doc]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from perf_doc import machine_stamp, write_section

ROOT = Path(__file__).resolve().parents[1]

SMALL = {"n_schools": 6, "n_enterprises": 80, "cohort_size": 500, "n_districts": 2}
SMALL_STEPS = 6
OUTCOMES = ["in_field_rate", "vacancy_fill_rate", "participation_rate",
            "deep_partnership_share", "government_spending"]


def _peak_mb() -> float:
    """Peak RSS of this process in MB (Linux reports KB, macOS bytes)."""
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / (2**20 if sys.platform == "darwin" else 1024)


def _write_files(folder: Path, scenario: str, levels: int, reps: int, steps: int,
                 series: bool) -> Path:
    """Grid experiment: internship_subsidy × platform_level, ``levels`` each, ``reps``."""
    exp = folder / f"grid_{scenario}_{levels}x{levels}x{reps}.toml"
    if scenario == "small":
        (folder / "small.toml").write_text(
            f'name = "small"\nextends = "{(ROOT / "scenarios" / "baseline.toml").as_posix()}"\n'
            "[structure]\n" + "".join(f"{k} = {v}\n" for k, v in SMALL.items()))
        ref = "small.toml"
    else:
        ref = (ROOT / "scenarios" / f"{scenario}.toml").as_posix()
    exp.write_text(
        f'scenario = "{ref}"\nsteps = {steps}\nreplications = {reps}\nseed = 1\n'
        f"outcomes = {json.dumps(OUTCOMES)}\nseries = {str(series).lower()}\n"
        f'[design]\nmethod = "grid"\nn = {levels}\n'
        "[factors.internship_subsidy]\nbounds = [0, 5000]\n"
        "[factors.platform_level]\nbounds = [0, 1]\n")
    return exp


# ----------------------------------------------------------------------------------
# Children (run in a fresh interpreter)
# ----------------------------------------------------------------------------------
def child_sweep(exp: str, out: str, workers: int) -> dict:
    """Run a sweep; report wall time and this (parent) process's peak memory."""
    import pandas as pd

    from ecosim.experiments.sweep import run_sweep

    t0 = time.perf_counter()
    rep = run_sweep(exp, out, workers=workers, progress=False)
    seconds = time.perf_counter() - t0
    peak = _peak_mb()  # before reading the parts back below
    parts = sorted(Path(out).glob("parts/runs-*.parquet"))
    per_run = float(pd.concat([pd.read_parquet(p, columns=["runtime_s"]) for p in parts])
                    ["runtime_s"].mean()) if parts else float("nan")
    return {"seconds": seconds, "runs": rep.ok, "failed": rep.failed,
            "peak_mb": peak, "per_run_s": per_run}


def child_batch_run(exp: str, workers: int, period: int) -> dict:
    """The same grid through mesa.batch_run; report time, rows and parent peak memory."""
    import mesa

    from ecosim import EcosystemModel
    from ecosim.experiments.design import load_experiment, sample_design
    from ecosim.experiments.stats import replication_seeds

    e = load_experiment(exp)
    design = sample_design(e)
    params: dict = dict(e.base_params())
    for f in e.factors:
        params[f.name] = sorted(set(design.points[f.name]))
    params["seed"] = replication_seeds(e.seed, e.replications)
    t0 = time.perf_counter()
    rows = mesa.batch_run(EcosystemModel, params, number_processes=workers, iterations=1,
                          data_collection_period=period, max_steps=e.steps - 1,
                          display_progress=False)  # batch_run runs max_steps + 1 steps
    runs = len({r["RunId"] for r in rows})
    return {"seconds": time.perf_counter() - t0, "runs": runs, "rows": len(rows),
            "peak_mb": _peak_mb()}


def _child(args: list[str]) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------
def main() -> None:
    """Run the benchmark, print the table, update docs/performance.md."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller designs (a smoke check)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--no-doc", action="store_true", help="do not touch docs/performance.md")
    ap.add_argument("--repeat", type=int, default=5,
                    help="interleaved repeats; the median is reported (default 5)")
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "sweep":
            res = child_sweep(rest[0], rest[1], int(rest[2]))
        else:
            res = child_batch_run(rest[0], int(rest[1]), int(rest[2]))
        print(json.dumps(res))
        return

    quick = args.quick
    repeat = 1 if quick else args.repeat
    eff_levels, eff_reps = (4, 2) if quick else (6, 3)  # 32 / 108 demo-scale runs
    big_levels, big_reps = (5, 4) if quick else (10, 10)  # 100 / 1,000 small runs
    load0 = os.getloadavg()[0]
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as tmp:
        d = Path(tmp)
        demo = _write_files(d, "demo", eff_levels, eff_reps, 20, True)
        small = _write_files(d, "small", big_levels, big_reps, SMALL_STEPS, True)
        # Research scale (baseline.toml, 40 steps): 2 × 2 × 3 = 12 runs (quick) or
        # 4 × 4 × 3 = 48, enough runs for the pool's start-up to be amortised.
        research = _write_files(d, "baseline", 2 if quick else 4, 3, 40, False)
        n_big = big_levels * big_levels * big_reps
        jobs = {
            "w1": lambda k: ["sweep", str(demo), str(d / f"demo_w1_{k}"), "1"],
            "w2": lambda k: ["sweep", str(demo), str(d / f"demo_w2_{k}"), "2"],
            "big": lambda k: ["sweep", str(small), str(d / f"small_{k}"), "2"],
            "b_end": lambda k: ["batch_run", str(small), "2", "-1"],
            "b_all": lambda k: ["batch_run", str(small), "2", "1"],
            "r1": lambda k: ["sweep", str(research), str(d / f"research_w1_{k}"), "1"],
            "r2": lambda k: ["sweep", str(research), str(d / f"research_w2_{k}"), "2"],
            "b_r": lambda k: ["batch_run", str(research), "2", "-1"],
            # batch_run as most users call it: its default number_processes=1
            "b_r1": lambda k: ["batch_run", str(research), "1", "-1"],
        }
        # Memory: many research-scale (baseline) models, 6 steps each, 20 × 20 × 2 = 800
        # runs (quick: 10 × 10 × 2), through our sweep and batch_run's default.
        mem_levels = 10 if quick else 20
        memory = _write_files(d, "baseline", mem_levels, 2, 6, False)
        n_mem = mem_levels * mem_levels * 2
        jobs["s_mem"] = lambda k: ["sweep", str(memory), str(d / f"memory_sweep_{k}"), "2"]
        jobs["b_mem"] = lambda k: ["batch_run", str(memory), "1", "-1"]
        runs: dict[str, list[dict]] = {name: [] for name in jobs}
        for k in range(repeat):  # interleaved repeats: noise hits every row alike
            for name, args_of in jobs.items():
                r = _child(args_of(k))
                runs[name].append(r)
                print(f"  {name} #{k + 1}: {r['runs']} runs in {r['seconds']:.1f} s, "
                      f"parent peak {r['peak_mb']:.0f} MB", file=sys.stderr)
        # Each row is the repeat with the median time (a real run, so its memory and
        # per-run figures belong to it).
        best = {name: sorted(rs, key=lambda r: r["seconds"])[(len(rs) - 1) // 2]
                for name, rs in runs.items()}
        mem = {name: best[name] for name in ("s_mem", "b_mem")}
        rates = {w: best[f"w{w}"]["runs"] / best[f"w{w}"]["seconds"] for w in (1, 2)}
        for w in (1, 2):
            r = best[f"w{w}"]
            rows.append((f"ecosim sweep, demo scale, 20 steps, {w} worker{'s' * (w > 1)}",
                         str(r["runs"]), f"{r['seconds']:.1f}", f"{rates[w]:.2f}",
                         f"{r['peak_mb']:.0f}"))
        eff = rates[2] / rates[1] / 2
        r = best["big"]
        sweep_rate, sweep_peak = r["runs"] / r["seconds"], r["peak_mb"]
        rows.append((f"ecosim sweep, small runs, {SMALL_STEPS} steps, 2 workers "
                     "(+ per-step series)", str(r["runs"]), f"{r['seconds']:.1f}",
                     f"{sweep_rate:.2f}", f"{sweep_peak:.0f}"))
        b_end, b_all = best["b_end"], best["b_all"]
        rows.append(("mesa.batch_run, same design, 2 processes, end of run only",
                     str(b_end["runs"]), f"{b_end['seconds']:.1f}",
                     f"{b_end['runs'] / b_end['seconds']:.2f}", f"{b_end['peak_mb']:.0f}"))
        rows.append((f"mesa.batch_run, same design, 2 processes, every step "
                     f"({b_all['rows']:,} rows)", str(b_all["runs"]), f"{b_all['seconds']:.1f}",
                     f"{b_all['runs'] / b_all['seconds']:.2f}", f"{b_all['peak_mb']:.0f}"))
        r_rates = {w: best[f"r{w}"]["runs"] / best[f"r{w}"]["seconds"] for w in (1, 2)}
        for w in (1, 2):
            r = best[f"r{w}"]
            rows.append((f"ecosim sweep, research scale (baseline), 40 steps, {w} "
                         f"worker{'s' * (w > 1)}", str(r["runs"]), f"{r['seconds']:.1f}",
                         f"{r_rates[w]:.2f}", f"{r['peak_mb']:.0f}"))
        b_r = best["b_r"]
        rows.append(("mesa.batch_run, research-scale design, 2 processes, end of run only",
                     str(b_r["runs"]), f"{b_r['seconds']:.1f}",
                     f"{b_r['runs'] / b_r['seconds']:.2f}", f"{b_r['peak_mb']:.0f}"))
        b_r1 = best["b_r1"]
        rows.append(("mesa.batch_run, research-scale design, its default (1 process)",
                     str(b_r1["runs"]), f"{b_r1['seconds']:.1f}",
                     f"{b_r1['runs'] / b_r1['seconds']:.2f}", f"{b_r1['peak_mb']:.0f}"))
        r_eff = r_rates[2] / r_rates[1] / 2
        s_mem, b_mem = mem["s_mem"], mem["b_mem"]
        rows.append((f"ecosim sweep, {n_mem} research-scale runs (6 steps), 2 workers",
                     str(s_mem["runs"]), f"{s_mem['seconds']:.1f}",
                     f"{s_mem['runs'] / s_mem['seconds']:.2f}", f"{s_mem['peak_mb']:.0f}"))
        rows.append(("mesa.batch_run, same design, its default (1 process)",
                     str(b_mem["runs"]), f"{b_mem['seconds']:.1f}",
                     f"{b_mem['runs'] / b_mem['seconds']:.2f}", f"{b_mem['peak_mb']:.0f}"))
    load1 = os.getloadavg()[0]

    header = ("design", "runs", "seconds", "runs/s", "parent peak MB")
    table = ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|---:|"]
    table += ["| " + " | ".join(r) + " |" for r in rows]
    lines = [
        "## Sweeps", "",
        f"{machine_stamp()}, load average {load0:.2f} at the start and {load1:.2f} "
        "at the end (a shared "
        "machine: other jobs add noise), by `make bench` "
        f"(benchmarks/bench_sweep.py{' --quick' if quick else ''}). Each row is the median "
        f"of {repeat} interleaved repeats, each in a fresh process, wall time including worker "
        "start-up; peak MB is the peak RSS of the parent (the process that holds the "
        "results), not of its workers.", "",
        *table, "",
        f"- Parallel efficiency on 2 workers vs 1 (demo scale): **{eff:.2f}** "
        f"({rates[1]:.2f} → {rates[2]:.2f} runs/s); at research scale: **{r_eff:.2f}** "
        f"({r_rates[1]:.2f} → {r_rates[2]:.2f} runs/s, wall time including worker start-up).",
        f"- Sweep vs `mesa.batch_run` on the same design, runs/s: small runs "
        f"**{sweep_rate / (b_end['runs'] / b_end['seconds']):.2f}×**, research scale "
        f"**{r_rates[2] / (b_r['runs'] / b_r['seconds']):.2f}×** (batch_run on 2 processes), "
        f"**{r_rates[2] / (b_r1['runs'] / b_r1['seconds']):.2f}×** (batch_run's default, one "
        f"process, which keeps every finished model: parent peak {b_r1['peak_mb']:.0f} MB for "
        f"{b_r1['runs']} runs vs {best['r2']['peak_mb']:.0f} MB).",
        f"- {n_mem} research-scale runs: the sweep's parent peaks at "
        f"**{s_mem['peak_mb']:.0f} MB**, `mesa.batch_run` with its default single process at "
        f"**{b_mem['peak_mb']:,.0f} MB** (it never frees a finished Mesa model): "
        f"**1/{b_mem['peak_mb'] / s_mem['peak_mb']:.0f}**; runs/s "
        f"**{(s_mem['runs'] / s_mem['seconds']) / (b_mem['runs'] / b_mem['seconds']):.2f}×**.",
        "- Where the runs/s ratio comes from, for that design: the sweep keeps both cores "
        f"busy ({s_mem['per_run_s'] * s_mem['runs'] / s_mem['seconds']:.2f} runs in "
        "flight on average), and one run takes "
        f"{s_mem['per_run_s'] * 1e3:.0f} ms inside a sweep worker (two workers share the "
        f"machine) against {b_mem['seconds'] / b_mem['runs'] * 1e3:.0f} ms per run in "
        "batch_run's single process (the same model code, plus the cost of a heap that "
        "keeps every finished model). Both run the same `EcosystemModel`, so on 2 cores "
        "the ratio cannot exceed about 2 × that per-run ratio.",
        f"- Parent peak memory for the {n_big:,}-run sweep: **{sweep_peak:.0f} MB**, against "
        f"{best['w2']['peak_mb']:.0f} MB for the {best['w2']['runs']}-run sweep: it streams "
        "summaries to Parquet parts, so it does not grow with the number of runs (what "
        "remains is the import footprint: pandas, pyarrow, Mesa, the model).",
        f"- The same design through `mesa.batch_run`: {b_end['runs'] / b_end['seconds']:.2f} "
        f"runs/s with {b_end['peak_mb']:.0f} MB in the parent (end of run only) and "
        f"{b_all['peak_mb']:.0f} MB collecting every step; it returns every row in memory, "
        "writes nothing until the end (a crash loses everything), and has no resume.",
        f"- Small runs ({SMALL_STEPS} steps of 6 schools, 80 enterprises, 500 entrants a "
        "year) measure the runner's overhead; at research scale a run takes seconds and "
        "the overhead per run (~ms) vanishes.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_doc:
        write_section("sweep", text)


if __name__ == "__main__":
    main()

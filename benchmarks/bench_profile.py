"""Where the time goes: seconds per process of DESIGN §4, benchmark_county, 40 steps.

Each process function of the schedule is wrapped with a timer; the table (share of
the step time per process) is printed and written into docs/performance.md between the
``bench_profile`` markers. Run by ``make bench``; for a call-level view use
``python -m cProfile -s tottime benchmarks/bench_profile.py --no-doc``.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections import defaultdict
from pathlib import Path

from perf_doc import write_section

from ecosim.experiments.scenario import load_scenario
from ecosim.simulation.model import EcosystemModel
from ecosim.simulation.schedule import SCHEDULE

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = tuple(p.qualname for p in SCHEDULE)


def profile(scenario: str = "benchmark_county", steps: int = 40) -> tuple[dict, float]:
    """Seconds spent in each process over ``steps`` steps, and the total step time."""
    model = EcosystemModel(seed=1, **load_scenario(scenario).model_kwargs())
    spent: dict[str, float] = defaultdict(float)
    originals = [(p, getattr(p.module, p.function)) for p in SCHEDULE]
    for process, function in originals:

        @functools.wraps(function)
        def timed(*a, _f=function, _n=process.qualname, **k):
            t0 = time.perf_counter()
            try:
                return _f(*a, **k)
            finally:
                spent[_n] += time.perf_counter() - t0

        setattr(process.module, process.function, timed)
    t0 = time.perf_counter()
    try:
        for _ in range(steps):
            model.step()
    finally:
        for process, function in originals:
            setattr(process.module, process.function, function)
    return dict(spent), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", default="benchmark_county")
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    spent, total = profile(args.scenario)
    lines = [f"### Time per process, {args.scenario}, 40 steps ({total:.2f} s in step())", "",
             "| # | process | seconds | share |", "|---:|---|---:|---:|"]
    for i, name in enumerate(PROCESSES, 1):
        lines.append(f"| {i} | `{name}` | {spent.get(name, 0):.3f} | "
                     f"{spent.get(name, 0) / total:.0%} |")
    other = total - sum(spent.values())
    lines.append(f"|  | other (housekeeping, schedule walk, Mesa step wrapper) | {other:.3f} "
                 f"| {other / total:.0%} |")
    print("\n".join(lines))
    if args.no_doc:
        return
    write_section("profile", "\n".join(["## Where the time goes", "", *lines]))

if __name__ == "__main__":
    main()

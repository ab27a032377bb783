"""Subcommands ``ecosim compare``, ``ecosim sweep`` and ``ecosim results``.

Registered in :mod:`ecosim.cli.main` through its ``_EXTRA_COMMANDS`` list. Errors are
raised as :class:`~ecosim.errors.ScenarioError` subclasses so that ``ecosim`` prints one line
``ecosim: error: ...`` and exits with status 2.

Exit status of ``sweep``: 0 when every run finished ok, 1 when some runs failed (they
are recorded), 130 when interrupted (the directory can be resumed).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import warnings
from pathlib import Path

from ..errors import ScenarioError
from .argtypes import add_runner_options, non_negative_int, positive_int

__all__ = ["register", "cmd_compare", "cmd_sweep", "cmd_results"]


def cmd_compare(args: argparse.Namespace) -> int:
    """``ecosim compare``: replications, CIs, differences, figures, report."""
    import pandas as pd

    from ..experiments.output import check_out
    from ..experiments.scenario import parse_set
    from ..reporting.comparison import compare

    overrides = parse_set(args.set)
    outcomes = None
    if args.outcomes:
        outcomes = [o.strip() for o in args.outcomes.split(",") if o.strip()]
    if args.out is not None:
        out = check_out(args.out)  # ("" is refused, not the default)
    else:
        stems = [Path(s).stem for s in args.scenarios]
        out = Path("results") / "compare" / "_vs_".join(stems)[:120]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        res = compare(args.scenarios, replications=args.replications, seed=args.seed,
                      steps=args.steps, outcomes=outcomes, overrides=overrides or None,
                      workers=args.workers, out=out, plots=not args.no_plots,
                      horizons=args.horizons, posterior=args.posterior)
    for w in caught:
        if issubclass(w.category, UserWarning):
            print(f"ecosim: warning: {w.message}", file=sys.stderr)
    m = res.meta
    print(f"{len(res.scenarios)} scenarios × {m['replications']} replications, "
          f"{m['steps']} steps, seeds SeedSequence({m['seed']}).spawn({m['replications']}) "
          f"(common across scenarios), {m['runtime_seconds']} s")
    if m.get("posterior"):
        print(f"parameters: replication r of every scenario uses draw r of "
              f"{m['posterior']}")
    if res.failed:
        print(f"WARNING: {res.failed} runs failed and are left out (see {out}/runs.csv)")
    with pd.option_context("display.width", 200, "display.max_columns", 50):
        print(f"\nfinal-year mean [{int(m['level'] * 100)}% CI]")
        print(res.summary().to_string())
        if len(res.scenarios) > 1:
            print(f"\ndifference from {res.scenarios[0]} (paired by seed) "
                  f"[{int(m['level'] * 100)}% CI]")
            print(res.differences().to_string())
        if len(res.horizons):
            from ..reporting.comparison import horizon_effects

            what = (f"difference from {res.scenarios[0]}" if len(res.scenarios) > 1
                    else "mean")
            print(f"\n{what} at {', '.join(map(str, m['horizons']))} years after the "
                  f"policy starts [{int(m['level'] * 100)}% CI]")
            print(horizon_effects(res).to_string())
    print(f"\nwrote {out}/report.md, runs.parquet, runs.csv, steps.parquet, table.csv, "
          "horizons.csv" + (", counterfactual.csv" if len(res.scenarios) > 1 else "")
          + ("" if args.no_plots else ", figures/*.png"))
    return 0 if not res.failed else 1


def cmd_sweep(args: argparse.Namespace) -> int:
    """``ecosim sweep``: run or resume a durable sweep."""
    from ..experiments.design import load_experiment
    from ..experiments.output import check_out
    from ..experiments.sweep import run_sweep, sweep_dir

    exp = load_experiment(args.experiment)
    if args.dask and args.dask != "local" and args.workers:
        raise ScenarioError(f"--workers {args.workers} cannot size a remote Dask cluster "
                            f"({args.dask}); drop --workers or use --dask local")
    out = check_out(args.out if args.out is not None else sweep_dir(exp))
    n_points, n_runs = exp.n_points(), exp.n_runs()
    print(f"experiment '{exp.name}': {exp.method} design, {n_points} points × "
          f"{exp.replications} replications = {n_runs} runs of {exp.steps} steps on "
          f"scenario '{exp.scenario.name}'")
    print("factors: " + ", ".join(f"{f.name} {f.describe()}" for f in exp.factors))
    if args.dry_run:
        print(f"dry run: nothing executed; output would go to {out}")
        return 0
    rep = run_sweep(exp, out, workers=args.workers, dask=args.dask, resume=args.resume,
                    retry_failed=args.retry_failed, progress=False if args.no_progress else None,
                    flush_seconds=args.flush_every, posterior=args.posterior)
    print(rep.text())
    if rep.interrupted:
        print(f"interrupted: resume with  ecosim sweep {args.experiment} --out {out} --resume",
              file=sys.stderr)
        return 130
    return 1 if rep.failed else 0


def cmd_results(args: argparse.Namespace) -> int:
    """``ecosim results``: summary of a sweep directory, or export its tidy table."""
    from ..experiments.store import SweepStore

    store = SweepStore(args.directory)
    if not store.exists():
        raise ScenarioError(f"{args.directory}: not a sweep directory (no metadata.json and "
                            "plan.parquet); run ecosim sweep EXPERIMENT.toml --out DIR first")
    if args.export:
        path, n = store.export(args.export, horizons=args.horizons)
        print(f"wrote {n} runs to {path}")
        return 0
    print(store.summary_text(failures=args.failures, horizons=args.horizons))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``compare``, ``sweep`` and ``results`` to the ``ecosim`` parser."""
    c = sub.add_parser(
        "compare", help="run scenarios with replications; means, CIs, differences, report",
        description="Run each scenario R times with common seeds "
                    "(SeedSequence(seed).spawn(R)) and compare headline outcomes: mean "
                    "and 95% CI per scenario, paired difference from the first scenario "
                    "with its CI, figures and report.md.")
    c.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="scenario files or shipped names; the first is the reference")
    c.add_argument("--replications", "-r", type=positive_int, default=10,
                   help="runs per scenario (default 10)")
    c.add_argument("--seed", type=non_negative_int, default=1, help="root seed (default 1)")
    c.add_argument("--steps", type=positive_int, help="semesters (default: the scenarios')")
    c.add_argument("--out", help="output folder (default results/compare/<a>_vs_<b>)")
    c.add_argument("--workers", type=positive_int, help="worker processes (default: all CPUs)")
    c.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="override a parameter in every scenario (repeatable)")
    c.add_argument("--outcomes", metavar="A,B,...",
                   help="outcomes to tabulate (default: headline outcomes)")
    c.add_argument("--horizons", type=positive_int, nargs="+", metavar="YEARS",
                   help="also report outcomes this many years after the policy starts "
                        "(default 2 5 10, those beyond the run dropped)")
    c.add_argument("--posterior", metavar="DIR|FILE.parquet",
                   help="draw each replication's parameters from a calibration posterior "
                        "(ecosim calibrate's folder or posterior.parquet); the same draw "
                        "in every scenario")
    c.add_argument("--no-plots", action="store_true", help="skip the figures")
    c.set_defaults(func=cmd_compare)

    from ..experiments.design import METHODS

    s = sub.add_parser(
        "sweep", help="run a durable, resumable parameter sweep from an experiment file",
        description=textwrap.fill(
            f"Run the design of an experiment file ([design] method: {', '.join(METHODS)}) "
            "on a process pool or Dask; results stream to Parquet parts in --out. Exit "
            "status: 0 all ok, 1 some runs failed, 130 interrupted.", 78),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            example:
              ecosim sweep experiments/smoke_sweep.toml --out results/sweeps/smoke --dry-run
              ecosim sweep experiments/smoke_sweep.toml --out results/sweeps/smoke

            A sweep runs ecosim scenarios; an experiment file naming a Python model
            (model = "module:function") is analysed with ecosim sensitivity, which runs
            a model not shipped with ecosim only with --allow-model.
            File format (scenario, [design], [set], [factors]) and outputs:
            docs/experiments.md.
            """))
    s.add_argument("experiment", help="experiment file (TOML), e.g. experiments/smoke_sweep.toml")
    add_runner_options(s, out_help="sweep directory (default results/sweeps/<name>)",
                       resume_help="continue the sweep in --out: skip finished runs, redo "
                                   "the others")
    s.add_argument("--posterior", metavar="DIR|FILE.parquet",
                   help="draw each replication's parameters from a calibration posterior "
                        "(the same draw at every design point)")
    s.set_defaults(func=cmd_sweep)

    r = sub.add_parser("results", help="summarise or export a (finished or partial) sweep")
    r.add_argument("directory", help="sweep directory")
    r.add_argument("--export", metavar="FILE.parquet|FILE.csv",
                   help="write one tidy table, one row per finished run")
    r.add_argument("--horizons", type=positive_int, nargs="+", metavar="YEARS",
                   help="also report outcomes this many years after the policy starts, "
                        "as columns <outcome>@<h>y (default: the experiment file's "
                        "horizons); derived from the stored per-step series")
    r.add_argument("--failures", type=non_negative_int, default=3,
                   help="failed runs to list in the summary (default 3)")
    r.set_defaults(func=cmd_results)

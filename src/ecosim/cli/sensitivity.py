"""``ecosim sensitivity``: run and analyse a sensitivity analysis, or analyse a sweep.

Registered in :mod:`ecosim.cli.main`; the work is done by
:func:`ecosim.reporting.sensitivity.sensitivity_analysis` and
:func:`~ecosim.reporting.sensitivity.analyse_sweep`.
"""

from __future__ import annotations

import argparse
import sys
import textwrap

from ..errors import SensitivityError
from ..reporting.sensitivity import analyse_sweep, sensitivity_analysis
from ..sensitivity.loading import SA_METHODS, load_sa_experiment
from ..sensitivity.models import TRUST_HINT, FunctionExperiment, is_shipped
from ..sensitivity.result import ANALYSES, SAResult, fmt_interval, rank_key
from .argtypes import add_runner_options, confidence_level, non_negative_int, positive_int

__all__ = ["register", "cmd_sensitivity"]


def _print_result(res: SAResult, top: int = 5) -> None:
    if not res.complete:
        print(f"runs unfinished: {res.warnings[0]}")
        return
    key = rank_key(res.method)
    for o in res.meta.get("outcomes", []):
        rk = res.ranking(o)
        if not len(rk):
            print(f"{o}: not analysed")
            continue
        print(f"{o} — top factors by {key}:")
        for r in rk.head(top).itertuples():
            print(f"  {r.factor:<28} {key} {fmt_interval(r)}")
    if res.warnings:
        print(f"\n{len(res.warnings)} warnings (all in report.md):")
        for w in res.warnings[:8]:
            print(f"  - {w}")
        if len(res.warnings) > 8:
            print(f"  ... and {len(res.warnings) - 8} more")
    print(f"\nwrote {res.path}/indices.csv, indices.parquet, report.md, figures/*.png")


def _print_dry_run(exp: object) -> None:
    """What a dry run can say without importing or calling the model."""
    if isinstance(exp, FunctionExperiment):
        print("outcomes: " + (", ".join(exp.outcomes) if exp.outcomes else
                              "known at run time (the model is called once at the centre "
                              "of the bounds; list them with outcomes = [...] to see them "
                              "here)"))
        if not exp.allow_model and not is_shipped(exp.model):
            print(f"note: model {exp.model} is not shipped with ecosim and the run will "
                  f"refuse it: {TRUST_HINT}")
    print("dry run: nothing executed (no model imported or called)")


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``ecosim sensitivity``: run and analyse, or analyse an existing directory."""
    outcomes = ([o.strip() for o in args.outcomes.split(",") if o.strip()]
                if args.outcomes else None)
    common = {"outcomes": outcomes, "num_resamples": args.resamples,
              "conf_level": args.conf_level, "seed": args.bootstrap_seed,
              "plots": not args.no_plots}
    if args.analyse:
        if args.experiment:
            raise SensitivityError("give either EXPERIMENT.toml (run and analyse) or "
                                   "--analyse DIR (analyse existing runs), not both")
        for flag in ("model", "allow_model", "workers", "dask"):
            if getattr(args, flag, None):
                raise SensitivityError(f"--{flag.replace('_', '-')} runs a model; --analyse "
                                       "only analyses existing runs (it imports nothing)")
        res = analyse_sweep(args.analyse, args.out, method=args.method, **common)
        _print_result(res)
        return 0
    if not args.experiment:
        raise SensitivityError("missing EXPERIMENT.toml (or --analyse DIR to analyse an "
                               "existing sweep)")
    if args.method:
        raise SensitivityError("--method only applies with --analyse DIR; the experiment's "
                               "[design] method decides the analysis")
    if args.dask and args.dask != "local" and args.workers:
        raise SensitivityError(f"--workers {args.workers} cannot size a remote Dask cluster "
                               f"({args.dask}); drop --workers or use --dask local")
    exp = load_sa_experiment(args.experiment, args.model,
                             allow_model=getattr(args, "allow_model", False),
                             import_model=not args.dry_run)  # a dry run imports no model
    what = f"model {exp.model}" if isinstance(exp, FunctionExperiment) else (
        f"scenario '{exp.scenario.name}', {exp.steps} steps")
    print(f"sensitivity '{exp.name}': {exp.method} design (analysis "
          f"{SA_METHODS[exp.method]}), {exp.n_points():,} points × {exp.replications} "
          f"replications = {exp.n_runs():,} runs; {what}")
    if args.dry_run:
        _print_dry_run(exp)
        return 0
    res = sensitivity_analysis(exp, args.out, workers=args.workers, dask=args.dask,
                               resume=args.resume, retry_failed=args.retry_failed,
                               progress=False if args.no_progress else None,
                               convergence_steps=args.convergence_steps,
                               flush_seconds=args.flush_every, **common)
    print(res.meta.get("sweep_report", ""))
    if not res.complete:
        print(f"interrupted: resume with  ecosim sensitivity {args.experiment} --out "
              f"{res.path} --resume", file=sys.stderr)
        return 130
    _print_result(res)
    return 1 if res.meta.get("failed_runs") else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``ecosim sensitivity`` to the ``ecosim`` parser."""
    designs = ", ".join(m if a == m else f"{m} (analysed with {a})"
                        for m, a in SA_METHODS.items())
    s = sub.add_parser(
        "sensitivity", help="global sensitivity analysis (Sobol', Morris, delta) of outcomes",
        description=textwrap.fill(
            f"Run the design of an experiment file ([design] method: {designs}) through "
            "the durable runner and analyse the outcomes (indices with seeded bootstrap "
            "CIs, seed-noise share, convergence, figures, report.md); or analyse an "
            "existing sweep directory with --analyse DIR (--method "
            f"{', '.join(ANALYSES)}; delta on any design).", 78),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            example:
              ecosim sensitivity experiments/ishigami_sobol.toml --out results/sensitivity/ishigami
              ecosim sensitivity --analyse results/sensitivity/ishigami --method delta

            An experiment file naming a model (model = "module:function") is code: a
            model not shipped with ecosim runs only with --allow-model.
            File format, methods and outputs: docs/sensitivity.md (and docs/experiments.md).
            """))
    s.add_argument("experiment", nargs="?",
                   help="experiment file (TOML); [design] method: " + ", ".join(SA_METHODS))
    s.add_argument("--analyse", "--analyze", metavar="DIR",
                   help="analyse an existing sweep or sensitivity directory; run nothing, "
                        "import nothing")
    s.add_argument("--method", choices=ANALYSES,
                   help=f"with --analyse: {', '.join(ANALYSES)} (default: the design's; "
                        "delta for grid/LHS/random)")
    s.add_argument("--model", metavar="MODULE:FUNCTION",
                   help="analyse this Python function instead of ecosim (factors need "
                        "bounds); naming it here allows it")
    s.add_argument("--allow-model", action="store_true",
                   help="trust the model = \"module:function\" the experiment file names: "
                        "import and run it (needed for any model not shipped with ecosim)")
    add_runner_options(s, out_help="output directory (default results/sensitivity/<name>)",
                       resume_help="continue the runs in --out (and re-analyse)")
    s.add_argument("--outcomes", metavar="A,B,...", help="outcomes to analyse (default: all)")
    s.add_argument("--resamples", type=positive_int, default=1000,
                   help="bootstrap resamples (default 1000)")
    s.add_argument("--conf-level", type=confidence_level, default=0.95,
                   help="CI level (default 0.95)")
    s.add_argument("--bootstrap-seed", type=non_negative_int,
                   help="bootstrap seed (default: the experiment seed)")
    s.add_argument("--convergence-steps", type=positive_int, default=5,
                   help="Sobol' convergence sizes N, N/2, ... (default 5)")
    s.add_argument("--no-plots", action="store_true", help="skip the figures")
    s.set_defaults(func=cmd_sensitivity)

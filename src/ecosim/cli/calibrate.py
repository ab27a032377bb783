"""``ecosim calibrate``: fit free parameters to observed targets by ABC-SMC.

Registered in :mod:`ecosim.cli.main`; the work is done by
:func:`ecosim.reporting.calibration.calibrate`.
"""

from __future__ import annotations

import argparse
import sys

from ..calibration.spec import load_calibration
from ..errors import CalibrationError
from ..reporting.calibration import calibrate
from .argtypes import positive_int

__all__ = ["register", "cmd_calibrate"]


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``ecosim calibrate FILE``."""
    spec = load_calibration(args.file, allow_model=args.allow_model,
                            import_model=not args.dry_run)  # a dry run imports nothing
    if args.dask and args.dask != "local" and args.workers:
        raise CalibrationError(f"--workers {args.workers} cannot size a remote Dask cluster "
                               f"({args.dask}); drop --workers or use --dask local")
    what = (f"model {spec.model}" if spec.model else
            f"scenario '{spec.scenario.name}', {spec.steps} steps per run")
    print(f"calibration '{spec.name}': {len(spec.priors)} parameters "
          f"({', '.join(p.name for p in spec.priors)}) on {len(spec.targets)} targets; "
          f"{what}; {spec.population_size} particles × up to {spec.generations} generations "
          f"(at most {spec.max_simulations:,} evaluations × {spec.replications} "
          "replications)")
    if args.dry_run:
        from ..sensitivity.models import is_shipped

        if spec.model and not (args.allow_model or is_shipped(spec.model)):
            print(f"note: model {spec.model} is code named in a file; the real run needs "
                  "--allow-model")
        print("dry run: nothing executed")
        return 0
    res = calibrate(spec, args.out, workers=args.workers, dask=args.dask, resume=args.resume,
                    progress=False if args.no_progress else None, plots=not args.no_plots)
    if not res.complete:
        print(f"interrupted: resume with  ecosim calibrate {args.file} --out {res.path} "
              "--resume", file=sys.stderr)
        return 130
    s = res.summary()
    print(f"{len(res.generations)} generations, {int(res.generations['evaluations'].sum()):,}"
          f" evaluations, {res.state.get('runtime_s', 0) / 60:.1f} min; posterior "
          "(median [90% interval]):")
    for r in s.itertuples():
        print(f"  {r.parameter:<28} {r.median:.4g} [{r.low:.4g}, {r.high:.4g}]  "
              f"(prior {r.prior})")
    print(f"wrote {res.path}/report.md, posterior.parquet, summary.csv, predictive.csv"
          + ("" if spec.model else ", posterior_median.toml")
          + ("" if args.no_plots else ", figures/*.png"))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``ecosim calibrate`` to the ``ecosim`` parser."""
    c = sub.add_parser(
        "calibrate", help="fit uncertain parameters to observed targets (ABC-SMC, pyabc)",
        description="Fit the [priors] of a calibration file to its targets by approximate "
                    "Bayesian computation (ABC-SMC with pyabc). Writes the posterior "
                    "(Parquet), a summary, a posterior-predictive table, figures, "
                    "report.md and a scenario with the posterior medians. Resumable "
                    "(--resume); the same seed gives the same posterior for any --workers.",
        epilog="example: ecosim calibrate experiments/calibrate_baseline.toml --workers 2")
    c.add_argument("file", help="calibration file (TOML)")
    c.add_argument("--out", help="output folder (default results/calibration/<name>)")
    c.add_argument("--workers", type=positive_int,
                   help="worker processes (default: all CPUs; 1: in this process)")
    c.add_argument("--dask", metavar="local|tcp://HOST:PORT",
                   help="run on Dask: 'local' (a LocalCluster on 127.0.0.1) or a scheduler")
    c.add_argument("--resume", action="store_true", help="continue the calibration in --out")
    c.add_argument("--dry-run", action="store_true",
                   help="validate the file; run nothing (imports no model)")
    c.add_argument("--allow-model", action="store_true",
                   help="run a model = 'module:function' named in the file that is not one of "
                        "ecosim's test functions (a file naming a model is code: only pass "
                        "this for files you trust)")
    c.add_argument("--no-progress", action="store_true", help="no progress bars")
    c.add_argument("--no-plots", action="store_true", help="skip the figures")
    c.set_defaults(func=cmd_calibrate)

"""Command-line interface: ``ecosim run | validate | scenarios | levers | outcomes``.

Bad input ends with one line ``ecosim: error: ...`` naming the file, the field, the
value and what is allowed, and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .._version import __version__
from ..errors import CliError, ParameterError, ScenarioError
from ..experiments.scenario import apply_overrides, list_scenarios, load_scenario
from ..params import OUTCOMES, PARAMETERS
from .argtypes import non_negative_int, positive_int

__all__ = ["main", "build_parser", "CliError"]

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors are one line: ``ecosim: error: ...``."""

    def error(self, message: str):  # type: ignore[override]
        where = "" if self.prog == "ecosim" else f"{self.prog.split()[-1]}: "
        self.exit(EXIT_USAGE, f"ecosim: error: {where}{message} (see '{self.prog} --help')\n")


def cmd_run(args: argparse.Namespace) -> int:
    from ..experiments.output import check_replaceable, staged_dir
    from ..experiments.runner import RUN_MARKER, simulate, summary_table, write_run
    from ..reporting.plots import plot_run

    scenario = apply_overrides(load_scenario(args.scenario), args.set)
    out = check_replaceable(args.out if args.out is not None  # before running
                            else Path("results") / scenario.name, RUN_MARKER)
    res = simulate(scenario, seed=args.seed, steps=args.steps,
                   progress=sys.stderr.isatty())
    with staged_dir(out, RUN_MARKER) as stage:  # the old result stays until all is written
        write_run(res, stage)
        if not args.no_plots:
            plot_run(res, stage / "plots")
    s = res.summary
    print(f"scenario {s['scenario']} (hash {s['scenario_hash']}), seed {s['seed']}, "
          f"{s['steps']} steps in {s['runtime_seconds']:.2f} s (incl. a spin-up of "
          f"{s['spinup_steps']} unreported steps, {s['spinup_seconds']:.2f} s)")
    print(summary_table(s))
    print(f"wrote {out}/outcomes.parquet, outcomes.csv, sectors.parquet, summary.json"
          + ("" if args.no_plots else ", plots/*.png"))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    sc = apply_overrides(load_scenario(args.scenario), args.set)
    windows = f", {len(sc.policies)} policy windows" if sc.policies else ""
    print(f"{sc.path}: ok — scenario '{sc.name}', {len(sc.params)} parameters set{windows}, "
          f"{sc.steps} steps, seed {sc.seed}, hash {sc.content_hash}")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    items = list_scenarios()
    if not items:
        print("no scenarios found (looked in ./scenarios and the project's scenarios/)")
        return 0
    width = max(len(s.path.stem) for s in items if s.path)
    for s in items:
        print(f"{s.path.stem:<{width}}  {s.description}")
    return 0


_KIND_TITLES = {
    "lever": "LEVERS  [levers]",
    "uncertainty": "UNCERTAINTIES  [uncertainties]",
    "structure": "STRUCTURE  [structure]",
    "calibration": "CALIBRATION CONSTANTS  [calibration] (by process; plausible ranges)",
}


def cmd_levers(args: argparse.Namespace) -> int:
    kinds = tuple(_KIND_TITLES) if args.all else ("lever", "uncertainty")
    for kind in kinds:
        print("\n" + _KIND_TITLES[kind])
        process = None
        for p in PARAMETERS.values():
            if p.kind != kind:
                continue
            if p.process and p.process != process:
                process = p.process
                print(f"  -- {process} --")
            rng = "true/false" if p.type is bool else (
                p.allowed().split(" ", 1)[1] if p.type is not str else p.allowed())
            print(f"  {p.name:<28} {p.type.__name__:<5} default {p.default!s:<10} "
                  f"{rng}")
            print(f"  {'':<28} {p.meaning}")
            if p.source:
                print(f"  {'':<28} source: {p.source}")
    if not args.all:
        print("\n(structure parameters and calibration constants: ecosim levers --all)")
    return 0


def cmd_outcomes(args: argparse.Namespace) -> int:
    for o in OUTCOMES.values():
        if o.headline or args.all:
            print(f"  {o.name:<34} {o.unit:<14} {o.meaning}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands register here)."""
    p = _Parser(
        prog="ecosim",
        description="Agent-based simulation of industry–education ecosystems.",
    )
    p.add_argument("--version", action="version", version=f"ecosim {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser("run", help="run one scenario and write outcomes, summary and plots")
    r.add_argument("scenario", help="scenario file or shipped name (e.g. baseline)")
    r.add_argument("--seed", type=non_negative_int, help="random seed (default: the scenario's)")
    r.add_argument("--steps", type=positive_int, help="semesters to run")
    r.add_argument("--set", action="append", metavar="NAME=VALUE[@YEARS]",
                   help="override any declared parameter, e.g. internship_subsidy=3000 "
                        "(repeatable; see 'ecosim levers --all'); or change a lever "
                        "during the run with a policy window: NAME=VALUE@START-END "
                        "(reported years START to END, inclusive), NAME=VALUE@START- "
                        "(from year START on), NAME=VALUE@YEAR (one year), optional "
                        "/RAMP (years to reach VALUE linearly), e.g. "
                        "internship_subsidy=3000@1-5, internship_subsidy=0@6-, "
                        "promotion_intensity=0.8@3-8/2")
    r.add_argument("--out", help="output folder (default results/<scenario>)")
    r.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    r.set_defaults(func=cmd_run)

    v = sub.add_parser("validate", help="check a scenario file without running it",
                       description="Check a scenario file (and the files it extends) "
                                   "against the parameter declaration; print its hash. "
                                   "Nothing is run. Format: README.md, 'Scenario files'.")
    v.add_argument("scenario", help="scenario file (.toml) or shipped name (e.g. baseline)")
    v.add_argument("--set", action="append", metavar="NAME=VALUE[@YEARS]",
                   help="as for 'ecosim run' (also policy windows, NAME=VALUE@START-END)")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("scenarios", help="list shipped scenarios")
    s.set_defaults(func=cmd_scenarios)

    lv = sub.add_parser("levers", help="list every lever and uncertainty")
    lv.add_argument("--all", action="store_true", help="also structure parameters")
    lv.set_defaults(func=cmd_levers)

    o = sub.add_parser("outcomes", help="list the outcome catalogue")
    o.add_argument("--all", action="store_true", help="also non-headline outcomes")
    o.set_defaults(func=cmd_outcomes)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return p


# Later modules (experiments, app) add subcommands through this list.
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def _register_app(sub: argparse._SubParsersAction) -> None:
    """``ecosim app`` (the teaching demo); imported lazily: the browser stack is heavy."""
    from .app import register

    register(sub)


_EXTRA_COMMANDS.append(_register_app)


def _register_experiments(sub: argparse._SubParsersAction) -> None:
    from .experiment import register

    register(sub)


_EXTRA_COMMANDS.append(_register_experiments)


def _register_sensitivity(sub: argparse._SubParsersAction) -> None:
    """``ecosim sensitivity`` (Sobol', Morris, delta; see :mod:`ecosim.sensitivity`)."""
    from .sensitivity import register

    register(sub)


_EXTRA_COMMANDS.append(_register_sensitivity)


def _register_calibrate(sub: argparse._SubParsersAction) -> None:
    """``ecosim calibrate`` (ABC-SMC; see :mod:`ecosim.calibration`)."""
    from .calibrate import register

    register(sub)


_EXTRA_COMMANDS.append(_register_calibrate)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ecosim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except (ScenarioError, ParameterError, CliError) as e:
        print(f"ecosim: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ecosim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `ecosim levers | head`
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

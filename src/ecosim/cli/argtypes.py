"""Argument types shared by the ``ecosim`` subcommands (one-line argparse errors)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["int_at_least", "positive_float", "positive_int", "non_negative_int",
           "confidence_level", "add_runner_options"]


def int_at_least(low: int) -> Callable[[str], int]:
    """An argparse type: an integer ≥ ``low``."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if v < low:
            raise argparse.ArgumentTypeError(
                f"{text!r} must be at least {low}" if low else f"{text!r} must be ≥ 0")
        return v

    parse.__name__ = f"int_at_least_{low}"
    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)


def positive_float(text: str) -> float:
    """An argparse type: a number > 0."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be > 0")
    return v


def confidence_level(text: str) -> float:
    """An argparse type: a confidence level in [0.5, 1)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.5 <= v < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be in [0.5, 1)")
    return v


def add_runner_options(p: argparse.ArgumentParser, *, out_help: str, resume_help: str
                       ) -> None:
    """The options of every command that runs a design through the durable runner
    (``ecosim sweep``, ``ecosim sensitivity``): where it runs, where results go,
    resuming, progress and flushing."""
    p.add_argument("--workers", type=positive_int,
                   help="worker processes (default: all CPUs); with --dask local: workers")
    p.add_argument("--dask", metavar="local|tcp://HOST:PORT",
                   help="run on Dask: 'local' starts a LocalCluster on 127.0.0.1, or the "
                        "address of a running scheduler")
    p.add_argument("--out", help=out_help)
    p.add_argument("--resume", action="store_true", help=resume_help)
    p.add_argument("--retry-failed", action="store_true",
                   help="with --resume: also redo runs recorded as failed")
    p.add_argument("--dry-run", action="store_true",
                   help="validate the file and print the design size; run nothing")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--flush-every", type=positive_float, default=5.0, metavar="SECONDS",
                   help="write finished runs to disk at least this often (default 5)")

"""Argument types shared by the ``ecosim`` subcommands (one-line argparse errors)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["int_at_least", "positive_float", "positive_int", "non_negative_int"]


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

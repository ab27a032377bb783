"""Calibration constants: how a process module declares the numbers its rules use.

Each process module lists its constants in a ``CONSTANTS`` tuple of :class:`Constant`,
beside the rule that uses them, with a plausible range, unit, meaning and source. The
declaration in :mod:`ecosim.params` gathers them as parameters of kind
``calibration``, so scenario files (``[calibration]``), ``--set``, sweeps and
sensitivity analyses can reach them like any lever; the model reads them as
``model.p.<name>``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Constant"]


@dataclass(frozen=True)
class Constant:
    """One calibration constant of a process.

    Attributes:
        name: snake_case keyword (``model.p.<name>``).
        default: today's value; the stored baselines are computed with it.
        low: smallest plausible value (inclusive).
        high: largest plausible value (inclusive).
        unit: unit of measurement.
        meaning: one line saying what it is.
        source: where the value comes from (``facts.md`` figure, calibration target
            or "assumption").
        type: ``float`` or ``int``.
    """

    name: str
    default: float
    low: float
    high: float
    unit: str
    meaning: str
    source: str
    type: type = float

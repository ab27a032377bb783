"""Calibration: fit free parameters to observed targets by ABC-SMC (pyabc).

* :mod:`~ecosim.calibration.spec` — calibration files and target data files;
* :mod:`~ecosim.calibration.sampler` — a pyabc sampler independent of the worker count;
* :mod:`~ecosim.calibration.engine` — the run, resumable, and its result;
* :mod:`~ecosim.calibration.stats` — weighted quantiles.

Reports and figures are written by :mod:`ecosim.reporting.calibration`.
"""

from __future__ import annotations

__all__: list[str] = []

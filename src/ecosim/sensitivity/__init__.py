"""Global sensitivity analysis of ecosim (or of any Python function).

* :mod:`~ecosim.sensitivity.indices` — Sobol', Morris and delta indices (pure functions);
* :mod:`~ecosim.sensitivity.models` — ``module:function`` models analysed instead of ecosim;
* :mod:`~ecosim.sensitivity.loading` — experiment files of a sensitivity analysis;
* :mod:`~ecosim.sensitivity.analysis` — from a sweep directory to indices and warnings;
* :mod:`~ecosim.sensitivity.result` — :class:`SAResult`;
* :mod:`~ecosim.sensitivity.pipeline` — runs and analysis end to end, tables written.

The figures and ``report.md`` are drawn by :mod:`ecosim.reporting`; the end-to-end entry
points with figures and report are ``ecosim.sensitivity_analysis`` and
``ecosim.analyse_sweep`` (:mod:`ecosim.reporting.sensitivity`). Names are imported on
first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # pragma: no cover - the names __getattr__ loads on first use
    from ..errors import SensitivityError
    from .indices import delta_indices, morris_indices, sobol_indices
    from .loading import load_sa_experiment
    from .models import FunctionExperiment, FunctionRun, resolve_model
    from .pipeline import analyse_directory, run_sensitivity
    from .result import SAResult

__all__ = [
    "SensitivityError", "sobol_indices", "morris_indices", "delta_indices",
    "load_sa_experiment", "FunctionExperiment", "FunctionRun", "resolve_model",
    "run_sensitivity", "analyse_directory", "SAResult",
]

_EXPORTS = {
    "SensitivityError": "..errors",
    **dict.fromkeys(["sobol_indices", "morris_indices", "delta_indices"], ".indices"),
    "load_sa_experiment": ".loading",
    **dict.fromkeys(["FunctionExperiment", "FunctionRun", "resolve_model"], ".models"),
    **dict.fromkeys(["run_sensitivity", "analyse_directory"], ".pipeline"),
    "SAResult": ".result",
}

__getattr__, __dir__ = attach(__name__, _EXPORTS)

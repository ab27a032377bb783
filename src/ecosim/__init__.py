"""ecosim: agent-based simulation of industry–education ecosystems (Mesa 3).

The package, bottom layer first (a layer imports only the layers below it; checked by
``tests/test_architecture.py``):

* :mod:`ecosim.errors` — every exception type;
* :mod:`ecosim.params` — the one declaration of every input and outcome;
* :mod:`ecosim.simulation` — the model (:class:`EcosystemModel`), its agents and processes;
* :mod:`ecosim.experiments` — scenarios, runs, replicated comparisons, sweeps, statistics;
* :mod:`ecosim.sensitivity` — sensitivity analysis (Sobol', Morris, delta);
* :mod:`ecosim.calibration` — ABC-SMC calibration to observed targets (pyabc);
* :mod:`ecosim.reporting` — figures and Markdown reports of those results;
* :mod:`ecosim.app` — the teaching demo in the browser;
* :mod:`ecosim.cli` — the ``ecosim`` command.

``import ecosim`` is cheap: the names below are imported on first use (PEP 562), so
Mesa, pandas, matplotlib, solara, dask and SALib load only when needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach
from ._version import __version__
from .errors import ParameterError
from .params import (
    HEADLINE_OUTCOMES,
    LEVERS,
    OUTCOMES,
    PARAMETERS,
    UNCERTAINTIES,
    Outcome,
    Parameter,
)

if TYPE_CHECKING:  # pragma: no cover - the names __getattr__ loads on first use
    from .calibration.engine import load_calibration_result
    from .experiments.runner import simulate
    from .experiments.scenario import load_scenario
    from .reporting.calibration import calibrate
    from .reporting.comparison import compare, write_comparison
    from .reporting.sensitivity import analyse_sweep, sensitivity_analysis
    from .simulation.model import EcosystemModel

__all__ = [
    "EcosystemModel",
    "PARAMETERS",
    "LEVERS",
    "UNCERTAINTIES",
    "OUTCOMES",
    "HEADLINE_OUTCOMES",
    "Parameter",
    "Outcome",
    "ParameterError",
    "__version__",
    "compare",
    "write_comparison",
    "sensitivity_analysis",
    "analyse_sweep",
    "load_scenario",
    "simulate",
    "calibrate",
    "load_calibration_result",
]

_EXPORTS = {
    "EcosystemModel": ".simulation.model",
    "compare": ".reporting.comparison",
    "write_comparison": ".reporting.comparison",
    "sensitivity_analysis": ".reporting.sensitivity",
    "analyse_sweep": ".reporting.sensitivity",
    "load_scenario": ".experiments.scenario",
    "simulate": ".experiments.runner",
    "calibrate": ".reporting.calibration",
    "load_calibration_result": ".calibration.engine",
}

__getattr__, __dir__ = attach(__name__, _EXPORTS)

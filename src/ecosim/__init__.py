"""ecosim: agent-based simulation of industry–education ecosystems (Mesa 3)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .compare import compare
from .params import (
    HEADLINE_OUTCOMES,
    LEVERS,
    OUTCOMES,
    PARAMETERS,
    UNCERTAINTIES,
    Outcome,
    Parameter,
    ParameterError,
)
from .sa_pipeline import analyse_sweep, sensitivity_analysis
from .simulation.model import EcosystemModel

try:
    __version__ = version("ecosim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

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
    "sensitivity_analysis",
    "analyse_sweep",
]

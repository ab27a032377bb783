"""ecosim: agent-based simulation of industry–education ecosystems (Mesa 3).

The model and the declaration are imported at once; the experiment tools
(:func:`compare`, :func:`sensitivity_analysis`, :func:`analyse_sweep`) are imported on
first use, so that ``import ecosim`` (and the teaching app) start fast.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .model import EcosystemModel
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

if TYPE_CHECKING:  # pragma: no cover
    from .compare import compare
    from .sa_pipeline import analyse_sweep, sensitivity_analysis

try:
    __version__ = version("ecosim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

_LAZY = {
    "compare": ".compare",
    "sensitivity_analysis": ".sa_pipeline",
    "analyse_sweep": ".sa_pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'ecosim' has no attribute {name!r}")


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

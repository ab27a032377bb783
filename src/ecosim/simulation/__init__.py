"""The simulation: the model, its state containers, its schedule and its processes.

:class:`EcosystemModel` is loaded on first use (``from ecosim.simulation import
EcosystemModel``), so that the declaration in :mod:`ecosim.params` can read the
sectors and the processes' calibration constants without importing Mesa.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .model import EcosystemModel

__all__ = ["EcosystemModel"]


def __getattr__(name: str) -> Any:
    if name == "EcosystemModel":
        from .model import EcosystemModel

        return EcosystemModel
    raise AttributeError(f"module 'ecosim.simulation' has no attribute {name!r}")

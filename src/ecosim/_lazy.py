"""Lazy package exports (PEP 562): a name is imported from its module on first use.

``import ecosim`` (and ``import ecosim.experiments`` ...) stays cheap: Mesa, pandas,
matplotlib, solara, dask and SALib are imported only when a name that needs them is
first used. A leaf module: imports nothing from ecosim.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(package: str, exports: Mapping[str, str]
           ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for a package whose ``exports`` map each public
    name to the module (relative to ``package``, e.g. ``".compare"``) that defines it."""

    def getattr_(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[name], package), name)
        # ``import package.module`` sets the attribute ``module`` on the package: never
        # cache over a submodule of the same name
        globals_ = importlib.import_module(package).__dict__
        globals_.setdefault(name, value)
        return value

    def dir_() -> list[str]:
        return sorted({*importlib.import_module(package).__dict__, *exports})

    return getattr_, dir_

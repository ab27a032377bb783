"""The installed version of ecosim (a leaf module: imports nothing from ecosim)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("ecosim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

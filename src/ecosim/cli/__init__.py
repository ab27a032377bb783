"""The ``ecosim`` command (entry point ``ecosim.cli:main``; ``python -m ecosim.cli``).

* :mod:`~ecosim.cli.main` — the parser, ``run | validate | scenarios | levers | outcomes``;
* :mod:`~ecosim.cli.experiment` — ``compare | sweep | results``;
* :mod:`~ecosim.cli.sensitivity` — ``sensitivity``;
* :mod:`~ecosim.cli.app` — ``app`` (the teaching demo);
* :mod:`~ecosim.cli.argtypes` — argument types shared by the subcommands.
"""

from __future__ import annotations

from .main import build_parser, main

__all__ = ["main", "build_parser"]

"""Figures and Markdown reports of results (nothing is computed here).

* :mod:`~ecosim.reporting.plots` — the plots of one run (``ecosim run``);
* :mod:`~ecosim.reporting.comparison` — figures and ``report.md`` of a comparison, and
  ``ecosim.compare`` (run the comparison, then write it);
* :mod:`~ecosim.reporting.sa_figures`, :mod:`~ecosim.reporting.sa_report` — figures and
  ``report.md`` of a sensitivity analysis;
* :mod:`~ecosim.reporting.sensitivity` — ``ecosim.sensitivity_analysis`` and
  ``ecosim.analyse_sweep`` (analyse, then report).

Names are imported on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # pragma: no cover - the names __getattr__ loads on first use
    from .comparison import PALETTE, compare, write_comparison
    from .plots import OKABE_ITO, plot_run
    from .sensitivity import analyse_sweep, sensitivity_analysis

__all__ = ["PALETTE", "compare", "write_comparison", "OKABE_ITO", "plot_run",
           "analyse_sweep", "sensitivity_analysis"]

_EXPORTS = {
    **dict.fromkeys(["PALETTE", "compare", "write_comparison"], ".comparison"),
    **dict.fromkeys(["OKABE_ITO", "plot_run"], ".plots"),
    **dict.fromkeys(["analyse_sweep", "sensitivity_analysis"], ".sensitivity"),
}

__getattr__, __dir__ = attach(__name__, _EXPORTS)

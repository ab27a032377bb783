"""The teaching demo in the browser (Mesa SolaraViz page) and its local server.

* :mod:`~ecosim.app.page` — the page: sliders, controller, figures, headline numbers;
* :mod:`~ecosim.app.figures` — its figures and charts (pure functions of a model);
* :mod:`~ecosim.app.assets` — solara settings and the offline JavaScript/CSS;
* :mod:`~ecosim.app.server` — ``ecosim app``: serve the page on this computer;
* :mod:`~ecosim.app.browser` — start the demo and drive it in Chromium (tests, docs).

``solara run ecosim.app`` serves :func:`Page`. The page and its names are imported on
first use (PEP 562), so that the server, the CLI and the install step can import
:mod:`ecosim.app.server` without loading solara and Mesa. The app imports the model,
never the reverse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # pragma: no cover - the names __getattr__ loads on first use
    from .page import (
        CLASSROOM_KEYS,
        SLIDER_LEVERS,
        SLIDER_UNCERTAINTIES,
        Dashboard,
        DemoState,
        Page,
        SliderSpec,
        StepGate,
        model_kwargs,
        routes,
        scenario_choices,
        slider_specs,
    )

__all__ = ["SLIDER_LEVERS", "SLIDER_UNCERTAINTIES", "CLASSROOM_KEYS", "SliderSpec",
           "slider_specs", "scenario_choices", "model_kwargs", "StepGate", "DemoState",
           "Dashboard", "Page", "routes"]

_EXPORTS = dict.fromkeys(__all__, ".page")

__getattr__, __dir__ = attach(__name__, _EXPORTS)

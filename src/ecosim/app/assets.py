"""Solara settings for a classroom and the offline JavaScript/CSS assets of the demo.

Every JavaScript/CSS file the page loads comes from the ``solara-assets`` package
installed by pip; :func:`ensure_offline_assets` adds the three version-alias links
solara's charts ask for. Solara's usage telemetry and its version check (both internet
calls) are switched off (:func:`configure_solara`). Used by the page
(:mod:`ecosim.app.page`), the server (:mod:`ecosim.app.server`) and the install step
(``python -m ecosim.app.server --install-assets``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

__all__ = ["SCENARIO_ENV", "VEGA_ALIASES", "configure_solara", "cdn_dir",
           "ensure_offline_assets"]

SCENARIO_ENV = "ECOSIM_APP_SCENARIO"  # the scenario the page starts with (set by serve)
# solara's chart components ask for major-version folders; solara-assets names them by
# full version (platform-notes.md, browser trap 3).
VEGA_ALIASES: dict[str, str] = {
    "vega@5": "vega@5.21.0",
    "vega-lite@5": "vega-lite@5.2.0",
    "vega-embed@6": "vega-embed@6.20.2",
}


def configure_solara() -> None:
    """Solara settings for a classroom: no telemetry (solara would post usage to an
    analytics service and ask an IP-lookup service for the address — a classroom demo
    sends nothing out), no "runs on Solara" banner over the charts, our tab title."""
    settings = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
                "SOLARA_THEME_SHOW_BANNER": "False",
                "SOLARA_THEME_TITLE": "ecosim teaching demo"}
    for k, v in settings.items():
        os.environ[k] = v
    with contextlib.suppress(ImportError):
        import solara.server.settings as ss

        ss.telemetry.mixpanel_enable = False
        ss.theme.show_banner = False
        ss.theme.title = "ecosim teaching demo"


def cdn_dir() -> Path:
    """Folder where solara looks for its JavaScript/CSS before trying the internet."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def ensure_offline_assets(cdn: Path | None = None) -> list[str]:
    """Make sure every asset folder the page needs is on disk; return problems found.

    Creates the ``vega@5``/``vega-lite@5``/``vega-embed@6`` aliases of the versions that
    ``solara-assets`` installs (a symbolic link, or a copy where links are not allowed).
    Idempotent and cheap; called by ``ecosim app``, by the page module and by ``make``.
    """
    cdn = cdn_dir() if cdn is None else Path(cdn)
    if not cdn.is_dir():
        return [f"{cdn} is missing: pip install solara-assets==1.58.2 (without it the page "
                "needs the internet)"]
    problems = []
    for alias, target in VEGA_ALIASES.items():
        link, real = cdn / alias, cdn / target
        if link.exists():
            continue
        if not real.is_dir():
            problems.append(f"{real} is missing (solara-assets incomplete?)")
            continue
        try:
            if link.is_symlink():  # dangling link
                link.unlink()
            link.symlink_to(target, target_is_directory=True)
        except OSError:
            try:
                shutil.copytree(real, link)
            except OSError as e:
                problems.append(f"cannot create {link}: {e.strerror or e}")
    return problems

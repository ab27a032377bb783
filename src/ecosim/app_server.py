"""``ecosim app``: start the teaching demo (:mod:`ecosim.app`) in a local web server.

Kept apart from the page so that the rest of the command line does not import the
browser stack. Three promises are kept here:

* **Loopback by default.** The page is served on 127.0.0.1. A host that other computers
  can reach is used only when the teacher passes ``--host`` on the command line; a
  ``SOLARA_HOST`` in the environment never widens it silently (``ecosim app`` then
  refuses to start and says why). ``HOST`` is ignored: shells and containers set it to
  the machine's name.
* **Offline.** Every JavaScript/CSS file the page loads comes from the ``solara-assets``
  package installed by pip; :func:`ensure_offline_assets` adds the three version-alias
  links solara's charts ask for. Solara's usage telemetry and its version check (both
  internet calls) are switched off.
* **Fast start.** The page module is imported before the server starts, so the first
  browser visit does not wait for the imports.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import shutil
import socket
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "SCENARIO_ENV",
    "VEGA_ALIASES",
    "HostError",
    "is_loopback",
    "resolve_host",
    "configure_solara",
    "cdn_dir",
    "ensure_offline_assets",
    "url_for",
    "serve",
    "register",
    "main",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
SCENARIO_ENV = "ECOSIM_APP_SCENARIO"
# solara's chart components ask for major-version folders; solara-assets names them by
# full version (platform-notes.md, browser trap 3).
VEGA_ALIASES: dict[str, str] = {
    "vega@5": "vega@5.21.0",
    "vega-lite@5": "vega-lite@5.2.0",
    "vega-embed@6": "vega-embed@6.20.2",
}
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class HostError(ValueError):
    """A host that would expose the demo beyond this computer without being asked to."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost`` (no DNS look-up is made)."""
    h = host.strip().strip("[]").lower()
    if h in _LOOPBACK_NAMES or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def resolve_host(cli_host: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The address to bind.

    Args:
        cli_host: the value of ``--host`` if the user typed it, else ``None``.
        environ: environment to inspect (default ``os.environ``).

    Raises:
        HostError: when ``--host`` is absent and ``SOLARA_HOST`` names a non-loopback
            address (an environment variable must not make the demo public).
    """
    if cli_host is not None:
        if not cli_host.strip():
            raise HostError("--host must not be empty")
        return cli_host.strip()
    env = os.environ if environ is None else environ
    wanted = env.get("SOLARA_HOST", "").strip()
    if wanted and not is_loopback(wanted):
        raise HostError(
            f"SOLARA_HOST={wanted} asks to serve the demo beyond this computer; "
            f"ecosim app does that only when you say so on the command line "
            f"(ecosim app --host {wanted}). Unset SOLARA_HOST to serve on {DEFAULT_HOST}.")
    return DEFAULT_HOST


def url_for(host: str, port: int) -> str:
    """The URL to open for a bound host (wildcards map to 127.0.0.1 for this computer)."""
    h = host.strip().strip("[]")
    if h in ("0.0.0.0", ""):
        h = "127.0.0.1"
    elif h == "::":
        h = "::1"
    if ":" in h:
        h = f"[{h}]"
    return f"http://{h}:{port}/"


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


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError as e:
            raise HostError(
                f"cannot listen on {host}:{port}: {e.strerror or e} "
                f"(is another demo running? try --port {port + 1})") from None


def serve(scenario: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          host_explicit: bool = False, open_browser: bool = False,
          exit_when_done: bool = True) -> int:
    """Start the demo server in this process and block until it stops (Ctrl-C).

    Args:
        scenario: scenario name or file that the page starts with.
        host: address to bind.
        port: TCP port (0 picks a free one).
        host_explicit: whether the user typed ``--host`` (required for non-loopback).
        open_browser: open the page in the default browser once the server is up.
        exit_when_done: end the process once the server has stopped (see
            :func:`_exit_now`); otherwise return 0.

    Raises:
        HostError: non-loopback host without ``--host``, or the port is taken.
    """
    if not is_loopback(host) and not host_explicit:
        raise HostError(f"refusing to serve on {host}: only loopback addresses are used "
                        "unless you pass --host explicitly")
    if not 0 <= port <= 65535:
        raise HostError(f"--port {port} is not a TCP port (0–65535)")
    if port == 0:
        with socket.socket() as s:
            s.bind((host.strip("[]"), 0))
            port = s.getsockname()[1]
    _check_port_free(host, port)
    os.environ[SCENARIO_ENV] = scenario
    configure_solara()
    problems = ensure_offline_assets()
    for p in problems:
        print(f"ecosim app: warning: {p}", file=sys.stderr)
    import click
    from solara.__main__ import run as solara_run

    # Mesa 3.3.1's ComponentsView trips solara's hook linter on import; harmless here.
    warnings.filterwarnings("ignore", message=r".*ComponentsView.*use_state", category=UserWarning)
    import ecosim.app  # noqa: F401  (import now, so the first visit is fast)

    url = url_for(host, port)
    print(f"ecosim teaching demo ({scenario}) at {url}  — open it in a browser; "
          "Ctrl-C stops it.", flush=True)
    if not is_loopback(host):
        print(f"ecosim app: note: listening on {host}: other computers on this network "
              f"can open the demo at http://<this computer's address>:{port}/", flush=True)
    args = ["ecosim.app", "--host", host, "--port", str(port), "--production",
            "--open" if open_browser else "--no-open", "--no-check-version",
            "--log-level-uvicorn", "warning"]
    # plain-http on localhost is expected here; solara warns about cookies on every visit
    warnings.filterwarnings("ignore", message=r"Cookies with samesite=none", category=UserWarning)
    with contextlib.suppress(KeyboardInterrupt, click.exceptions.Abort):
        # returns (or raises, on Ctrl-C) once uvicorn has shut down gracefully
        solara_run.main(args=args, prog_name="ecosim app", standalone_mode=False)
    print("ecosim app: stopped", flush=True)
    if exit_when_done:
        _exit_now(0)
    return 0


def _exit_now(code: int) -> NoReturn:
    """Leave once the server has stopped, without waiting for the page's worker threads.

    A model left playing in a browser tab runs in a non-daemon thread that would keep
    Python alive after Ctrl-C; the server is down, so nothing is lost by leaving now.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (0–65535)")
    return v


def cmd_app(args: argparse.Namespace) -> int:
    """``ecosim app``: validate the scenario and host, then serve."""
    from .cli import CliError
    from .scenario import find_scenario, list_scenarios, load_scenario

    load_scenario(args.scenario)  # ScenarioError → one line, exit 2
    shipped = {s.path.resolve() for s in list_scenarios() if s.path}
    path = find_scenario(args.scenario).resolve()
    name = path.stem if path in shipped else str(path)
    try:
        host = resolve_host(args.host)
        return serve(name, host, args.port,
                     host_explicit=args.host is not None, open_browser=args.open)
    except HostError as e:
        raise CliError(str(e)) from None


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``app`` subcommand to the ``ecosim`` parser."""
    a = sub.add_parser(
        "app", help="start the teaching demo in the browser (offline, on this computer)",
        description="Start the teaching demo (Mesa SolaraViz page) and print its URL. "
                    f"Serves on {DEFAULT_HOST} unless --host is given.")
    a.add_argument("scenario", nargs="?", default="demo",
                   help="scenario the page starts with (default: demo)")
    a.add_argument("--host", default=None,
                   help=f"address to listen on (default {DEFAULT_HOST}); anything but a "
                        "loopback address lets other computers open the demo")
    a.add_argument("--port", type=_port, default=DEFAULT_PORT,
                   help=f"TCP port (default {DEFAULT_PORT}; 0 picks a free one)")
    a.add_argument("--open", action="store_true", help="also open it in the default browser")
    a.set_defaults(func=cmd_app)


def main(argv: list[str] | None = None) -> int:
    """``python -m ecosim.app_server --install-assets``: the install step's asset check."""
    p = argparse.ArgumentParser(prog="python -m ecosim.app_server")
    p.add_argument("--install-assets", action="store_true",
                   help="create the offline asset aliases and check they are complete")
    args = p.parse_args(argv)
    if not args.install_assets:
        p.print_help()
        return 2
    problems = ensure_offline_assets()
    for msg in problems:
        print(f"ecosim: error: {msg}", file=sys.stderr)
    if not problems:
        print(f"offline assets ready in {cdn_dir()}")
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

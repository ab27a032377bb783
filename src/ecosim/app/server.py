"""``ecosim app``: start the teaching demo (:mod:`ecosim.app.page`) in a local web server.

Kept apart from the page so that the rest of the command line does not import the
browser stack; the ``ecosim app`` subcommand itself is in :mod:`ecosim.cli.app`. Three
promises are kept here:

* **Loopback by default.** The page is served on 127.0.0.1. A host that other computers
  can reach is used only when the teacher passes ``--host`` on the command line; a
  ``SOLARA_HOST`` in the environment never widens it silently (``ecosim app`` then
  refuses to start and says why). ``HOST`` is ignored: shells and containers set it to
  the machine's name.
* **Offline.** Every JavaScript/CSS file the page loads comes from the ``solara-assets``
  package installed by pip; :func:`~ecosim.app.assets.ensure_offline_assets` adds the
  three version-alias links solara's charts ask for. Solara's usage telemetry and its
  version check (both internet calls) are switched off.
* **Fast start.** The page module is imported before the server starts, so the first
  browser visit does not wait for the imports.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import socket
import sys
import warnings
from collections.abc import Mapping
from typing import NoReturn

from ..errors import HostError
from .assets import SCENARIO_ENV, cdn_dir, configure_solara, ensure_offline_assets

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "HostError",
    "is_loopback",
    "resolve_host",
    "url_for",
    "serve",
    "main",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


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
    import ecosim.app.page  # noqa: F401  (import now, so the first visit is fast)

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


def main(argv: list[str] | None = None) -> int:
    """``python -m ecosim.app.server --install-assets``: the install step's asset check."""
    p = argparse.ArgumentParser(prog="python -m ecosim.app.server")
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

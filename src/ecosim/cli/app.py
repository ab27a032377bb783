"""``ecosim app``: validate the scenario and the host, then serve the teaching demo.

The server is :mod:`ecosim.app.server`; this module only adds the subcommand (the CLI
imports the app, never the reverse).
"""

from __future__ import annotations

import argparse

from ..app import server
from ..app.server import DEFAULT_HOST, DEFAULT_PORT
from ..errors import CliError, HostError
from ..experiments.scenario import find_scenario, list_scenarios, load_scenario

__all__ = ["register", "cmd_app"]


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
    load_scenario(args.scenario)  # ScenarioError → one line, exit 2
    shipped = {s.path.resolve() for s in list_scenarios() if s.path}
    path = find_scenario(args.scenario).resolve()
    name = path.stem if path in shipped else str(path)
    try:
        host = server.resolve_host(args.host)
        return server.serve(name, host, args.port,
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

"""Helpers to start ``ecosim app`` and drive it in Debian's Chromium (tests, benchmark,
screenshots). Network only on 127.0.0.1; never downloads a browser."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "free_port", "ecosim_command", "wait_until_ready"]

CHROMIUM = "/usr/bin/chromium"
# Flags measured on these machines (platform-notes.md): without the background-networking
# ones Chromium keeps trying to reach the internet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ecosim_command() -> list[str]:
    """The ``ecosim`` console script of this environment (or ``python -m ecosim.cli``)."""
    script = Path(sys.executable).with_name("ecosim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ecosim.cli"]


def wait_until_ready(url: str, proc: subprocess.Popen, timeout: float = 60.0,
                     poll: float = 0.05) -> float:
    """Wait until ``url + 'readyz'`` answers 200; return the seconds waited.

    Raises:
        RuntimeError: if the server process exits first or ``timeout`` passes.
    """
    t0 = time.perf_counter()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"ecosim app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "readyz", timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            pass
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"ecosim app did not answer within {timeout:.0f} s")
        time.sleep(poll)

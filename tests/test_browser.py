"""Teaching demo in a real browser: ``ecosim app`` on 127.0.0.1, Debian's chromium
driven by Playwright, and no request may fail (the offline proof).

Needs ``/usr/bin/chromium`` (``make test`` installs it when missing and run as root)
and the ``playwright`` Python package (never ``playwright install``: no internet). In
CI (``CI=true``) this test must run: a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecosim.app.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ecosim_command,
    free_port,
    wait_until_ready,
)

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
START_TIMEOUT = 60.0


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (apt-get install chromium; `make test` does it as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    return None


def _require_browser() -> None:
    why = _missing()
    if why and IN_CI:
        pytest.fail(f"CI must run the browser test: {why}")
    if why:
        pytest.skip(f"browser test skipped: {why}")


@pytest.fixture(scope="module")
def server() -> Iterator[dict]:
    """``ecosim app`` started as a user would, on a free loopback port."""
    _require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SOLARA_HOST", "HOST", "PORT")}
    log_path = ARTIFACTS / "browser-server.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    t0 = time.perf_counter()
    proc = subprocess.Popen([*ecosim_command(), "app", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        try:
            ready = wait_until_ready(url, proc, START_TIMEOUT, poll=0.1)
        except RuntimeError as e:
            pytest.fail(f"{e}: {log_path.read_text()[-2000:]}")
        yield {"url": url, "t0": t0, "ready": ready, "log": log_path, "port": port,
               "proc": proc}
    finally:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait()
        log.close()


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening socket on ``port`` (Linux /proc)."""
    out = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.split(":")
            if state == "0A" and int(p, 16) == port and len(addr) == width:
                out.add(addr)
    return out


def _step_number(page) -> int:
    return int(page.locator("text=/^Step: \\d+/").inner_text().split(":")[1])


def test_server_listens_on_loopback_only(server) -> None:
    addrs = _listening_addresses(server["port"])
    if not addrs:
        pytest.skip("cannot read /proc/net/tcp here")
    assert addrs <= {"0100007F", "00000000000000000000000001000000"}, addrs


def test_demo_in_chromium_offline(server) -> None:
    from playwright.sync_api import expect, sync_playwright

    failed: list[str] = []
    bad_status: list[str] = []
    page_errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
            page.on("response", lambda r: r.status >= 400 and bad_status.append(
                f"{r.status} {r.url}"))
            page.on("request", lambda r: not r.url.startswith(
                ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) and outside.append(
                r.url))
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            t_nav = time.perf_counter()
            page.goto(server["url"])
            step = page.get_by_role("button", name="Step")
            expect(step).to_be_enabled(timeout=30_000)
            interactive = time.perf_counter() - server["t0"]
            print(f"\nserver ready {server['ready']:.1f} s; page interactive "
                  f"{time.perf_counter() - t_nav:.1f} s after opening, {interactive:.1f} s "
                  "after start")

            # the model object is per tab, but start from a known state anyway
            page.get_by_role("button", name="Reset").click()
            expect(page.get_by_text("Step: 0")).to_be_visible()
            network = page.locator(".ecosim-figure-network img")
            expect(network).to_be_visible()
            trends = page.locator(".ecosim-chart-trends .vega-embed .marks")
            expect(trends).to_be_visible(timeout=20_000)
            chart_before = trends.inner_html()

            for n in (1, 2, 3):
                t = time.perf_counter()
                step.click()
                expect(page.get_by_text(f"Step: {n}")).to_be_visible()
                print(f"step {n}: counter updated after {time.perf_counter() - t:.2f} s")
            expect(page.get_by_text("Semester 3", exact=True)).to_be_visible()
            # the poaching view (issue 12): the four roles add up to the enterprises and
            # the semester's moves are told in words
            panel = page.locator(".ecosim-poaching")
            expect(panel.get_by_text("Who trains, who poaches")).to_be_visible()
            roles = [int(panel.locator(f".ecosim-role-{k} .num").inner_text().replace(",", ""))
                     for k in ("both", "trains", "poaches", "neither")]
            intro = panel.get_by_text(re.compile(r"^The [\d,]+ enterprises this semester"))
            total = int(re.search(r"The ([\d,]+) enterprises", intro.inner_text())
                        .group(1).replace(",", ""))
            assert sum(roles) == total > 0, (roles, total)
            expect(panel.get_by_text(re.compile(r"^This semester (no worker|[\d,]+ worker)"))
                   ).to_be_visible()
            expect(page.locator(".ecosim-chart-poaching .vega-embed .marks")).to_be_visible(
                timeout=20_000)
            # the charts redraw (vega re-embeds after a short debounce)
            deadline = time.perf_counter() + 15
            while trends.inner_html() == chart_before and time.perf_counter() < deadline:
                page.wait_for_timeout(100)
            assert trends.inner_html() != chart_before, "the trends chart did not update"
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "browser-demo-steps.png"))

            # move a lever with the keyboard, as an accessibility user would
            thumb = page.locator(".ecosim-slider-internship_subsidy [role=slider]")
            before = float(thumb.get_attribute("aria-valuenow"))
            thumb.focus()
            for _ in range(5):
                thumb.press("ArrowRight")
            expect(thumb).not_to_have_attribute("aria-valuenow", re.compile(rf"^{before:g}$"))
            after = float(thumb.get_attribute("aria-valuenow"))
            assert after > before
            label = page.locator(".ecosim-slider-internship_subsidy .v-label")
            expect(label).to_contain_text(f"{after:,.0f}")
            expect(page.get_by_text("Press Reset")).to_be_visible()

            page.get_by_role("button", name="Reset").click()
            expect(page.get_by_text("Step: 0")).to_be_visible()
            expect(page.get_by_text("Press Reset")).to_have_count(0)  # model uses the value
            step.click()
            expect(page.get_by_text("Step: 1")).to_be_visible()
            page.wait_for_timeout(800)
            page.screenshot(path=str(ARTIFACTS / "browser-demo.png"), full_page=True)
            # play fast, and use the page meanwhile: it must keep answering and stepping
            # (a redraw started by the slider once kept the page busy for ever)
            page.get_by_role("button", name="fast").click()
            page.get_by_role("button", name="▶").click()
            expect(page.get_by_role("button", name="❚❚")).to_be_visible()
            platform = page.locator(".ecosim-slider-platform_level [role=slider]")
            platform.focus()
            for _ in range(3):
                platform.press("ArrowRight")
            expect(page.locator(".ecosim-slider-platform_level .v-label")).to_contain_text(
                "0.03", timeout=10_000)
            expect(page.get_by_text("Press Reset")).to_be_visible()
            n0 = _step_number(page)
            deadline = time.perf_counter() + 20
            while _step_number(page) < n0 + 3 and time.perf_counter() < deadline:
                page.wait_for_timeout(200)
            assert _step_number(page) >= n0 + 3, "playing stalled after a slider move"
            # leave it playing: Ctrl-C must still stop the server (next test)
        finally:
            browser.close()
    assert failed == [], f"requests failed (offline proof): {failed}"
    assert bad_status == [], f"HTTP errors: {bad_status}"
    assert page_errors == [], f"page errors: {page_errors}"
    assert outside == [], f"the page asked for something outside this computer: {outside}"
    log = server["log"].read_text()
    assert "Traceback" not in log, log[-3000:]


def test_ctrl_c_stops_the_server_even_while_playing(server) -> None:
    proc = server["proc"]
    assert proc.poll() is None, "server died early"
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail("ecosim app did not stop within 15 s of Ctrl-C")
    log = server["log"].read_text()
    assert code == 0, log[-2000:]
    assert "ecosim app: stopped" in log
    assert "Traceback" not in log, log[-3000:]


def test_chromium_available_in_ci() -> None:
    """In CI the browser must be there (make test installs it as root)."""
    if not IN_CI:
        pytest.skip("only checked in CI (CI=true)")
    assert _missing() is None, _missing()
    assert shutil.which("chromium") or Path(CHROMIUM).exists()

"""Teaching-demo benchmark: step time at demo scale, with and without redraw, and the
time until the page is interactive.

Goals (issue 5): ≤ 0.3 s per step including redraw; page interactive within 5 s of
``ecosim app`` starting. Run with ``make bench`` or
``python benchmarks/bench_app.py [--steps 40] [--no-browser]``. The browser part needs
``/usr/bin/chromium`` and the ``playwright`` package; it is skipped without them.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import time
import warnings
from pathlib import Path

from perf_doc import machine_stamp, write_section

from ecosim.app.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ecosim_command,
    free_port,
    wait_until_ready,
)

ROOT = Path(__file__).resolve().parents[1]


def bench_steps(steps: int) -> dict[str, float]:
    """Median model step alone, and Step click with the page's redraw (solara.render)."""
    warnings.filterwarnings("ignore")
    import ipyvuetify as v
    import solara

    from ecosim.app import Dashboard, DemoState

    state = DemoState.create("demo")
    model = state.model.value
    alone = []
    for _ in range(steps):
        t = time.perf_counter()
        model.step()
        alone.append(time.perf_counter() - t)
    state = DemoState.create("demo")
    _, rc = solara.render(solara.AppLayout(children=[Dashboard(state)]), handle_error=False)
    button = rc.find(v.Btn, children=["Step"]).widget
    redraw = []
    for _ in range(steps):
        t = time.perf_counter()
        button.click()
        redraw.append(time.perf_counter() - t)
    return {"step_alone_median": statistics.median(alone),
            "step_redraw_median": statistics.median(redraw),
            "step_redraw_p90": sorted(redraw)[int(0.9 * len(redraw)) - 1]}


def bench_start(browser: bool, play_seconds: float = 10.0) -> dict[str, float]:
    """Seconds from starting ``ecosim app`` to /readyz and to an interactive page."""
    out: dict[str, float] = {}
    port = free_port()
    pw = None
    if browser:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1600, "height": 1000})
        page.goto("about:blank")
    t0 = time.perf_counter()
    proc = subprocess.Popen([*ecosim_command(), "app", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_ready(url, proc)
        out["server_ready"] = time.perf_counter() - t0
        if browser:
            page.goto(url)
            page.get_by_role("button", name="Step").wait_for(timeout=30_000)
            out["page_interactive"] = time.perf_counter() - t0
            page.locator(".ecosim-chart-trends .marks").wait_for(timeout=30_000)
            out["charts_drawn"] = time.perf_counter() - t0
            page.get_by_role("button", name="fast").click()
            page.get_by_role("button", name="▶").click()
            page.wait_for_timeout(int(play_seconds * 1000))
            page.get_by_role("button", name="❚❚").click()
            n = int(page.locator("text=/^Step: \\d+/").inner_text().split(":")[1])
            out["play_seconds_per_step"] = play_seconds / max(n, 1)
            chromium.close()
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C, as a teacher would
        proc.wait(timeout=20)
        if pw is not None:
            pw.stop()
    return out


def main() -> None:
    """Print the measurements as a small table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--no-browser", action="store_true")
    p.add_argument("--no-doc", action="store_true", help="do not touch docs/performance.md")
    args = p.parse_args()
    browser = not args.no_browser and Path(CHROMIUM).exists()
    if browser:
        try:
            import playwright  # noqa: F401
        except ImportError:
            browser = False
    res = bench_steps(args.steps)
    res.update(bench_start(browser))
    for k, val in res.items():
        print(f"{k:<24} {val:7.3f} s")
    if not browser:
        print("(browser part skipped: needs /usr/bin/chromium and playwright)")
    if not args.no_doc:
        write_section("app", _section(res, args.steps, browser))


LABELS = {
    "step_alone_median": ("model step alone (demo scale), median", "—"),
    "step_redraw_median": ("Step click with the page's redraw, median", "≤ 0.3 s"),
    "step_redraw_p90": ("Step click with the page's redraw, 90th percentile", "≤ 0.3 s"),
    "server_ready": ("`ecosim app` start → server answers", "—"),
    "page_interactive": ("`ecosim app` start → page interactive in Chromium", "≤ 5 s"),
    "charts_drawn": ("`ecosim app` start → charts drawn", "—"),
    "play_seconds_per_step": ("▶ play at the fastest speed: seconds per step", "—"),
}


def _section(res: dict[str, float], steps: int, browser: bool) -> str:
    lines = ["## The app", "",
             f"{machine_stamp()}, by `make bench` (benchmarks/bench_app.py): the teaching "
             f"demo (`demo.toml`), {steps} steps; the redraw is measured in-process "
             "(solara.render), the start-up times with a real Chromium page.", "",
             "| measure | seconds | goal |", "|---|---:|---|"]
    for k, val in res.items():
        label, goal = LABELS.get(k, (k, "—"))
        lines.append(f"| {label} | {val:.3f} | {goal} |")
    if not browser:
        lines += ["", "(browser part skipped: needs /usr/bin/chromium and playwright)"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

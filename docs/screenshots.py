"""Take the screenshots of docs/teaching.md (docs/img/*.png) with the real app.

Starts ``ecosim app`` on a free loopback port, drives Debian's chromium with Playwright
through the three guided experiments, and saves one picture each. Needs
``/usr/bin/chromium`` and the ``playwright`` package (never ``playwright install``).

Usage: python docs/screenshots.py
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from ecosim.app.browser import CHROMIUM, CHROMIUM_ARGS, ecosim_command, free_port, wait_until_ready

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
VIEW = {"width": 1600, "height": 1500}


def set_slider(page: Page, name: str, presses: int) -> None:
    """Move a slider to its minimum, then ``presses`` steps to the right (keyboard)."""
    thumb = page.locator(f".ecosim-slider-{name} [role=slider]")
    thumb.scroll_into_view_if_needed()
    thumb.focus()
    thumb.press("Home")
    for _ in range(presses):
        thumb.press("ArrowRight")
    page.wait_for_timeout(300)


def pick(page: Page, scenario: str) -> None:
    """Choose a scenario in the picker."""
    page.locator(".v-select").first.click()
    page.get_by_role("option", name=scenario, exact=True).click()
    expect(page.get_by_text("Step: 0")).to_be_visible()


def restore(page: Page) -> None:
    """Put every slider back to the scenario's values (and start it afresh)."""
    page.get_by_role("button", name="Back to the scenario's values").click()
    expect(page.get_by_text("Step: 0")).to_be_visible()


def steps(page: Page, n: int) -> None:
    """Click Step n times, waiting for the counter each time."""
    start = int(page.locator("text=/^Step: \\d+/").inner_text().split(":")[1])
    for i in range(start + 1, start + n + 1):
        page.get_by_role("button", name="Step").click()
        expect(page.get_by_text(f"Step: {i}")).to_be_visible()
    page.wait_for_timeout(1500)  # let the charts redraw


def reset(page: Page) -> None:
    """Press Reset."""
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_text("Step: 0")).to_be_visible()


def shot(page: Page, name: str, **kw) -> None:
    """Save docs/img/<name>.png."""
    page.locator(".v-navigation-drawer__content").evaluate("e => e.scrollTop = 0")
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), **kw)
    print("wrote", path.relative_to(ROOT))


def main() -> None:
    """Run the experiments and save the pictures."""
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen([*ecosim_command(), "app", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_ready(url, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEW)
            page.goto(url)
            expect(page.get_by_role("button", name="Step")).to_be_enabled(timeout=30_000)

            # Overview: the demo after ten semesters
            steps(page, 10)
            shot(page, "overview")
            page.locator(".v-navigation-drawer").screenshot(path=str(OUT / "controls.png"))
            print("wrote docs/img/controls.png")

            # Experiment 1: enterprises that do not trust schools
            set_slider(page, "initial_awareness", 5)   # 0.05
            set_slider(page, "goal_alignment", 20)     # 0.20
            shot(page, "experiment1-pending")
            reset(page)
            steps(page, 20)
            shot(page, "experiment1-distrust")

            # Experiment 2: subsidy versus platform
            restore(page)
            set_slider(page, "internship_subsidy", 50)  # 5,000 yuan
            reset(page)
            steps(page, 20)
            shot(page, "experiment2-subsidy")
            restore(page)
            set_slider(page, "platform_level", 80)      # 0.8
            reset(page)
            steps(page, 20)
            shot(page, "experiment2-platform")

            # Experiment 3: a technology shock at semester 6
            pick(page, "tech_shock")
            steps(page, 20)
            shot(page, "experiment3-shock")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()

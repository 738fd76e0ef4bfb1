"""A real `streamlit run` of the app and Debian's Chromium driven by Playwright.

The server is started by the tests on a free port with its own database cache, and
stopped at the end. Chromium must be /usr/bin/chromium (`make test` installs it): a
missing browser skips these tests locally and fails them under CI (CI=true).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = ROOT / "tests" / "screenshots"  # not committed (.gitignore)


def start_server(tmp_dir: Path, data_dir: Path | None = None) -> tuple[str, subprocess.Popen]:
    """``streamlit run app.py`` on a free port of 127.0.0.1 (bench/server.py starts it)."""
    from bench.server import start_server as start

    server = start(ROOT / "app.py", tmp_dir, data_dir=data_dir, cache_dir=tmp_dir / "cache")
    return server.url, server.process


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found (make test installs Debian's chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    url, process = start_server(tmp_path_factory.mktemp("server"))
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="en-US")
    tab = context.new_page()
    yield tab
    context.close()


_IDLE = """() => {
    const app = document.querySelector('[data-test-script-state]');
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]');
    // idle must hold for 300 ms: a page can rerun right after its first run
    // (the router's rerun on a cold server, a widget writing the URL)
    if (!idle) { window.__idleSince = null; return false; }
    window.__idleSince = window.__idleSince || performance.now();
    return performance.now() - window.__idleSince > 300;
}"""


def settle(tab, timeout: float = 30_000) -> None:
    """Wait until the app is connected and its script has stayed finished (no sleeps)."""
    tab.wait_for_selector('[data-test-connection-state="CONNECTED"]', timeout=timeout)
    tab.evaluate("() => { window.__idleSince = null; }")
    tab.wait_for_function(_IDLE, timeout=timeout, polling=100)


def screenshot(tab, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


HEADER_HEIGHT = 35
ROW_HEIGHT = 35


def click_grid_row(tab, row: int = 0) -> None:
    """Click the selection cell of a data row of the first dataframe (drawn on a canvas)."""
    box = tab.locator('[data-testid="stDataFrame"]').first.bounding_box()
    tab.mouse.click(box["x"] + 16, box["y"] + HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2)

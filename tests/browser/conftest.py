"""A real `streamlit run` of the app and Debian's Chromium driven by Playwright.

The server is started by the tests on a free port with its own database cache, and
stopped at the end, by devtools/server.py (shared with the benchmarks and the docs
screenshots; the tests import nothing from bench/). Chromium must be /usr/bin/chromium
(`make test` installs it): a missing browser skips these tests locally and fails them under
CI (CI=true).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from devtools.browser import CHROMIUM, CHROMIUM_ARGS, settle  # noqa: F401 - the browser tests import settle from here
from devtools.server import start_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"  # not committed (.gitignore)


def app_server(folder: Path) -> tuple[str, subprocess.Popen]:
    """Another ``streamlit run app.py`` with its own database cache, for a test that needs a
    server of its own (its own limits, or load it must not put on the shared one)."""
    app = start_server(ROOT / "app.py", folder, cache_dir=folder / "cache")
    return app.url, app.process


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found (make test installs Debian's chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("server")
    app = start_server(ROOT / "app.py", folder, cache_dir=folder / "cache")
    yield app.url
    app.stop()


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


def screenshot(tab, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


HEADER_HEIGHT = 35
ROW_HEIGHT = 35


def click_grid_row(tab, row: int = 0) -> None:
    """Click a data row of the page's first table: a row of an HTML table (the trials table,
    which opens its trial), else the selection cell of a dataframe (drawn on a canvas)."""
    rows = tab.locator(".oee-table tbody tr")
    if rows.count():
        rows.nth(row).click()
        return
    box = tab.locator('[data-testid="stDataFrame"]').first.bounding_box()
    tab.mouse.click(box["x"] + 16, box["y"] + HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2)

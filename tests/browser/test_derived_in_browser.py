"""Derived numbers in a real browser: the trial-page timeline and absolute effects, and the
shared-comparator page; screenshots in three languages and three viewports."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS, screenshot, settle

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "present": (1920, 1080), "phone": (390, 844)}


def screenshot_path(name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def grid_text(tab) -> str:
    cells = tab.locator('[data-testid="stDataFrame"] [role="gridcell"]')
    cells.first.wait_for(state="attached")
    return " | ".join(cells.all_text_contents())


def wait_for_cell(tab, text: str, timeout: float = 20_000) -> None:
    """A cell of an HTML table (the trial page) holds ``text``; else bring each dataframe into
    view until one of its accessible cells does (a grid fills its cells when it is drawn, and
    lower grids are drawn when seen)."""
    if tab.locator(".oee-table td", has_text=text).count():
        return
    frames = tab.locator('[data-testid="stDataFrame"]')
    for index in range(frames.count()):
        frame = frames.nth(index)
        frame.scroll_into_view_if_needed()
        try:
            frame.locator('[role="gridcell"]', has_text=text).first.wait_for(state="attached", timeout=1500)
            return
        except Exception:  # noqa: BLE001 - not in this grid, try the next one
            continue
    raise AssertionError(f"no dataframe cell holds {text!r}")


def test_trial_timeline_chart_and_table(server, page):
    page.goto(server + "/trial?trial=alex&lang=en")
    settle(page)
    page.get_by_role("heading", name="How estimates matured").wait_for()
    kinds = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
              .flatMap(p => (p.data || []).flatMap(t => t.text || []))"""
    )
    assert "Final analysis" in kinds and "Data cut not stated" in kinds
    page.get_by_role("heading", name="How estimates matured").scroll_into_view_if_needed()
    wait_for_cell(page, "+0.11 [derived]")
    wait_for_cell(page, "HR 0.78 (95% CI 0.56–1.08)")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_trial_absolute_effects_in_browser(server, page):
    page.goto(server + "/trial?trial=crown&lang=en")
    settle(page)
    page.get_by_role("heading", name="Absolute effects").scroll_into_view_if_needed()
    wait_for_cell(page, "+52 percentage points (95% CI 41.9 to 62.1) [derived]")


def test_compare_page_in_browser(server, page):
    page.goto(server + "/compare?lang=en&endpoint=PFS&pair=alex:a2020-pfs-hr|crown:jco-pfs-hr&swap=1")
    settle(page)
    assert page.locator("h1").first.inner_text() == "Comparisons through a shared comparator"
    body = page.locator("body").inner_text()
    assert "HR 0.44 (95% CI 0.28–0.71)" in body and "Exploratory" in body
    wait_for_cell(page, "differs")


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("view", list(VIEWPORTS))
@pytest.mark.parametrize(
    "path", ["/trial?trial=crown", "/compare?endpoint=PFS&pair=alex:a2020-pfs-hr|crown:jco-pfs-hr&swap=1"]
)
def test_screenshots(server, browser, lang, view, path):
    width, height = VIEWPORTS[view]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    tab = context.new_page()
    try:
        present = "&present=1" if view == "present" else ""
        tab.goto(f"{server}{path}&lang={lang}{present}")
        settle(tab)
        assert tab.locator('[data-testid="stException"]').count() == 0
        name = path.strip("/").split("?")[0] + ("-crown" if "trial=" in path else "")
        screenshot(tab, f"derived-{name}-{view}-{lang}")
        if "trial=" in path:
            heading = {"en": "Absolute effects", "zh-Hans": "绝对效应", "zh-Hant": "絕對效應"}[lang]
            tab.locator("h2", has_text=heading).first.scroll_into_view_if_needed()
            tab.screenshot(path=str(screenshot_path(f"derived-absolute-{view}-{lang}")))
            tab.locator('[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
            tab.screenshot(path=str(screenshot_path(f"derived-timeline-{view}-{lang}")))
    finally:
        context.close()

"""Tables a clinician can read, in a real browser at 1440×900 and on a 390×844 phone: no cell
text is cut, the last row is on the page (no inner scroll), the phone never scrolls sideways,
"Open ›" and a focused row's Enter or Space open the trial in the same tab (the same session),
the filters' keyboard order is their visual order, and trial names keep AA contrast in both
themes. Screenshots go to tests/screenshots/."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from core.presentation.i18n import t
from tests.browser.conftest import SCREENSHOTS, settle

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844), "present": (1920, 1080)}
PAGES = {"trials": "/trials?", "trial": "/trial?trial=crown&"}

# Every table cell whose text does not fit its box (scrolls, or ends in an ellipsis).
CUT_CELLS_JS = """() => [...document.querySelectorAll('.oee-table th, .oee-table td')]
  .filter(cell => cell.getClientRects().length)
  .filter(cell => cell.scrollWidth > cell.clientWidth + 1
               || getComputedStyle(cell).textOverflow === 'ellipsis')
  .map(cell => cell.textContent.slice(0, 60))"""

# Every element between a table and the page's own scroll area that scrolls (or clips) it.
INNER_SCROLL_JS = """() => {
  const out = [];
  for (const table of document.querySelectorAll('.oee-table')) {
    let node = table;
    while (node && node.getAttribute('data-testid') !== 'stMain') {
      const style = getComputedStyle(node);
      if (node.scrollHeight > node.clientHeight + 1 && style.overflowY !== 'visible')
        out.push([table.dataset.table, node.className.slice(0, 40), node.scrollHeight, node.clientHeight]);
      if (node.scrollWidth > node.clientWidth + 1)
        out.push([table.dataset.table, 'sideways', node.className.slice(0, 40), node.scrollWidth, node.clientWidth]);
      node = node.parentElement;
    }
  }
  return out;
}"""

PAGE_WIDTH_JS = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  return [document.documentElement.scrollWidth, document.documentElement.clientWidth,
          main.scrollWidth, main.clientWidth];
}"""


def open_tab(browser, view: str = "desktop", scheme: str = "light"):
    width, height = VIEWPORTS[view]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    return context, context.new_page()


def shot(tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("view", ["desktop", "phone"])
@pytest.mark.parametrize("page_name", list(PAGES))
def test_no_cell_is_cut_and_every_row_is_on_the_page(server, browser, page_name, view, lang):
    context, tab = open_tab(browser, view)
    try:
        tab.goto(f"{server}{PAGES[page_name]}lang={lang}")
        settle(tab)
        tables = tab.locator(".oee-table")
        assert tables.count() >= 1
        assert tab.locator('[data-testid="stDataFrame"]').count() == 0  # no canvas grid to cut text
        assert tab.evaluate(CUT_CELLS_JS) == []
        assert tab.evaluate(INNER_SCROLL_JS) == []
        # the last row of the first and of the last table shown (not in a closed expander):
        # scrolled to by the page, and seen whole
        shown = tab.locator(".oee-table:visible")
        for table in (shown.first, shown.last):
            rows = table.locator("tbody tr")
            assert rows.count() == int(table.get_attribute("data-rows"))
            last = rows.last
            last.scroll_into_view_if_needed()
            box = last.bounding_box()
            height = VIEWPORTS[view][1]
            assert box["y"] >= 0 and box["y"] + min(box["height"], height) <= height + 1
        tables.first.scroll_into_view_if_needed()
        shot(tab, f"tables-{page_name}-{view}-{lang}")
        if view == "phone":
            page_width, window, main_width, main_window = tab.evaluate(PAGE_WIDTH_JS)
            assert page_width <= window and main_width <= main_window  # no sideways scrolling
            # a card per row: every value's right edge is on the screen
            edges = tab.evaluate(
                "() => [...document.querySelectorAll('.oee-table td.number')]"
                ".filter(td => td.getClientRects().length).map(td => td.getBoundingClientRect().right)"
            )
            assert edges and max(edges) <= VIEWPORTS["phone"][0]
            assert tab.evaluate(
                "() => getComputedStyle(document.querySelector('.oee-table td')).display"
            ) in ("grid", "block")
    finally:
        context.close()


def test_presentation_mode_tables_fit_1920(server, browser):
    context, tab = open_tab(browser, "present")
    try:
        tab.goto(f"{server}/trial?trial=crown&lang=en&present=1")
        settle(tab)
        assert tab.evaluate(CUT_CELLS_JS) == []
        assert tab.evaluate(INNER_SCROLL_JS) == []
        tab.locator(".oee-table").first.scroll_into_view_if_needed()
        shot(tab, "tables-trial-present-en")
    finally:
        context.close()


def _trial_opened(tab, trial: str, lang: str) -> None:
    tab.wait_for_function(
        f"() => location.pathname.endsWith('/trial') && location.search.includes('trial={trial}')"
    )
    settle(tab)
    assert parse_qs(urlparse(tab.url).query)["lang"] == [lang]
    assert tab.evaluate("() => window.__sameDocument") == 1  # no page load: the same session


def _first_row(tab):
    row = tab.locator('.oee-table[data-table="trials"] tbody tr').first
    return row, row.get_attribute("data-trial")


@pytest.mark.parametrize("view", ["desktop", "phone"])
def test_open_opens_the_trial_in_the_same_tab(server, browser, view):
    context, tab = open_tab(browser, view)
    try:
        tab.goto(f"{server}/trials?lang=zh-Hant")
        settle(tab)
        tab.evaluate("() => { window.__sameDocument = 1; }")
        row, trial = _first_row(tab)
        link = row.locator("a")
        assert link.inner_text() == t("col.open_text", "zh-Hant")
        assert link.get_attribute("target") in (None, "_self")  # never a new tab
        link.click()
        _trial_opened(tab, trial, "zh-Hant")
        assert len(context.pages) == 1  # no new tab or window
        assert tab.locator("h1").first.inner_text().startswith(trial.upper()[:3])
    finally:
        context.close()


@pytest.mark.parametrize("key", ["Enter", " "])
def test_a_focused_row_opens_on_enter_or_space(server, browser, key):
    context, tab = open_tab(browser, "desktop")
    try:
        tab.goto(f"{server}/trials?lang=en")
        settle(tab)
        tab.evaluate("() => { window.__sameDocument = 1; }")
        rows = tab.locator('.oee-table[data-table="trials"] tbody tr')
        rows.first.focus()
        tab.keyboard.press("Tab")  # the next row is the next stop (its link is not a second one)
        second = rows.nth(1)
        assert tab.evaluate("() => document.activeElement.dataset.trial") == second.get_attribute(
            "data-trial"
        )
        assert second.get_attribute("aria-label") == "Open " + second.locator("td.name").inner_text()
        tab.keyboard.press(key)
        _trial_opened(tab, second.get_attribute("data-trial"), "en")
        assert len(context.pages) == 1
    finally:
        context.close()


@pytest.mark.parametrize("view", ["desktop", "phone"])
def test_the_filters_keyboard_order_is_their_visual_order(server, browser, view):
    context, tab = open_tab(browser, view)
    try:
        tab.goto(f"{server}/trials?lang=en")
        settle(tab)
        boxes = tab.locator('[data-testid="stExpander"] [data-testid="stMultiSelect"]')
        visual = sorted(
            (round(box["y"]), round(box["x"]), label)
            for label, box in (
                (boxes.nth(i).locator("label").inner_text(), boxes.nth(i).bounding_box())
                for i in range(boxes.count())
            )
        )
        expected = [label for _, _, label in visual]
        boxes.first.locator("input").focus()
        visited = []
        for _ in range(4 * len(expected)):
            label = tab.evaluate(
                """() => document.activeElement.closest('[data-testid="stMultiSelect"]')
                        ?.querySelector('label')?.innerText ?? null"""
            )
            if label is None:
                break
            if not visited or visited[-1] != label:
                visited.append(label)
            tab.keyboard.press("Tab")
        assert visited == expected
    finally:
        context.close()


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_trial_names_keep_aa_contrast_as_drawn(server, browser, scheme):
    context, tab = open_tab(browser, "desktop", scheme)
    try:
        tab.goto(f"{server}/trials?lang=en")
        settle(tab)
        pairs = tab.evaluate(
            """() => [...document.querySelectorAll('.oee-table td.name')].map(td =>
                 [getComputedStyle(td).color, getComputedStyle(td.closest('tr')).backgroundColor])"""
        )
        assert pairs
        for colour, background in pairs:
            lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
            assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (colour, background)
        page_background = tab.evaluate(
            "() => getComputedStyle(document.querySelector('.stApp')).backgroundColor"
        )
        assert (luminance(pairs[0][1]) < 0.2) == (
            luminance(page_background) < 0.2
        )  # the table follows the theme
        shot(tab, f"tables-trials-{scheme}")
    finally:
        context.close()

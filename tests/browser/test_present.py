"""Presentation mode as a presenter uses it: a 1920×1080 screen, one figure at a time.

Every figure of the deck (forest, survival, shared comparator, trial) is stepped to with the
bar's "Next" (and the arrow keys), in the three languages; at each step the figure's drawing
fits its box, and the figure with its citation fits the screen. Switching theme recolours the
figures' text at once; the controls can be shown; "Download figure" gives an image carrying
title, date and citation.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from core.presentation.i18n import t
from tests.browser.conftest import screenshot, settle

SCREEN = {"width": 1920, "height": 1080}
LANGS = ["en", "zh-Hans", "zh-Hant"]
NEXT = {"en": "Next", "zh-Hans": "下一张", "zh-Hant": "下一張"}
pytestmark = pytest.mark.browser

CITATION = {"en": "Sources (trials shown", "zh-Hans": "来源（共", "zh-Hant": "來源（共"}

# Per figure on the page: its box, its drawing, and the lowest text drawn in it (the citation
# is the figure's last annotation, under the axis).
FIGURES_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => {
    const box = chart.getBoundingClientRect();
    const drawing = chart.querySelector('.main-svg').getBoundingClientRect();
    const notes = [...chart.querySelectorAll('.annotation-text')];
    const lowest = notes.reduce((low, n) => {
        const r = n.getBoundingClientRect();
        return r.bottom > low.bottom ? {bottom: r.bottom, text: n.textContent} : low;
    }, {bottom: 0, text: ''});
    const layout = chart.querySelector('.js-plotly-plot').layout;
    return {top: box.top, bottom: box.bottom, height: box.height, drawing: drawing.height,
            lowest: lowest.bottom, lowestText: lowest.text,
            rows: (layout.yaxis.ticktext || []).length, title: (layout.title || {}).text || '',
            traces: chart.querySelector('.js-plotly-plot').data.map(t => t.name).join('|')};
})"""


def present_tab(browser, color_scheme: str = "light"):
    context = browser.new_context(viewport=SCREEN, color_scheme=color_scheme, accept_downloads=True)
    context.set_default_timeout(90_000)  # a shared, busy machine: a rerun can take a while
    return context, context.new_page()


def location(tab) -> tuple[str, str]:
    """(page, step) of the address."""
    path = tab.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    step = re.search(r"[?&]fig=(\w+)", tab.url)
    return path, step.group(1) if step else "1"


def check_fits(tab, where: str, lang: str) -> list[dict]:
    figures = tab.evaluate(FIGURES_JS)
    assert len(figures) <= 1, f"{where}: more than one figure on the screen"
    for figure in figures:
        assert figure["drawing"] <= figure["height"] + 1, (where, "drawing taller than its box", figure)
        assert figure["top"] >= 0 and figure["bottom"] <= SCREEN["height"], (
            where,
            "figure off screen",
            figure,
        )
        assert figure["lowest"] <= SCREEN["height"], (where, "citation off screen", figure)
    if figures and where.startswith(("forest", "survival")):
        assert CITATION[lang] in figures[0]["lowestText"], (where, figures[0]["lowestText"])
    return figures


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_of_the_deck_fits_the_screen_and_next_steps_through_them(server, browser, lang):
    context, tab = present_tab(browser)
    try:
        tab.goto(
            f"{server}/forest?lang={lang}&present=1&trial=crown&endpoint=PFS&cancer=nsclc-alk"
        )  # a prepared view
        settle(tab, timeout=90_000)
        seen, shown = [], {}
        for _ in range(10):
            where = location(tab)
            seen.append(where)
            figures = check_fits(tab, f"{where[0]} figure {where[1]}", lang)
            shown[where] = figures[0]["traces"] if figures else ""
            screenshot(tab, f"present-{lang}-{where[0]}-{where[1]}")
            next_button = tab.get_by_role("button", name=re.compile(f"^{NEXT[lang]}"))
            if next_button.is_disabled():
                break
            before = tab.url
            next_button.click()
            tab.wait_for_function("previous => location.href !== previous", arg=before, timeout=90_000)
            settle(tab, timeout=90_000)
        assert seen == [
            ("forest", "1"),
            ("survival", "1"),
            ("survival", "2"),
            ("compare", "1"),
            ("trial", "1"),
            ("trial", "2"),
        ]
        assert shown[("survival", "1")] != shown[("survival", "2")]  # medians, then landmarks
        assert f"lang={lang}" in tab.url and "trial=crown" in tab.url  # the link's view is kept
        # the step is in the address: the link reopens the same figure in a new session
        other = context.browser.new_context(viewport=SCREEN)
        reopened = other.new_page()
        reopened.goto(f"{server}/survival?lang={lang}&present=1&fig=2&endpoint=PFS&cancer=nsclc-alk")
        settle(reopened, timeout=90_000)
        assert (
            check_fits(reopened, "survival figure 2 reopened", lang)[0]["traces"] == shown[("survival", "2")]
        )
        other.close()
    finally:
        context.close()


def test_arrow_keys_step_and_previous_opens_the_last_figure_of_the_page_before(server, browser):
    context, tab = present_tab(browser)
    try:
        tab.goto(f"{server}/survival?lang=en&present=1&endpoint=PFS")
        settle(tab, timeout=90_000)
        tab.keyboard.press("ArrowRight")
        tab.wait_for_function("() => location.search.includes('fig=2')")
        settle(tab, timeout=90_000)
        assert location(tab) == ("survival", "2")
        tab.keyboard.press("ArrowRight")
        tab.wait_for_function("() => location.pathname.endsWith('/compare')")
        settle(tab, timeout=90_000)
        tab.keyboard.press("ArrowLeft")  # back from the comparator's one screen: survival's last figure
        tab.wait_for_function("() => location.pathname.endsWith('/survival')")
        settle(tab, timeout=90_000)
        assert location(tab) == ("survival", "2")
        assert tab.locator('[data-testid="stPlotlyChart"]').count() == 1
    finally:
        context.close()


def text_fills(tab) -> list[str]:
    """The fill of the figures' axis text, which takes the page theme's colour."""
    return tab.evaluate(
        """() => [...document.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text')]
            .map(e => getComputedStyle(e).fill)"""
    )


def brightness(fill: str) -> float:
    red, green, blue = (int(v) for v in re.findall(r"\d+", fill)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


@pytest.mark.parametrize("lang", LANGS)
def test_switching_theme_recolours_the_figures_at_once(server, browser, lang):
    """A switch of theme (here the system's, which the app follows by default) recolours the
    figure's labels without any control being touched."""
    context, tab = present_tab(browser, "light")
    try:
        tab.goto(f"{server}/survival?lang={lang}&present=1&endpoint=PFS")
        settle(tab, timeout=90_000)
        light = text_fills(tab)
        assert light and max(brightness(f) for f in light) < 0.6  # dark text on the light page
        tab.emulate_media(color_scheme="dark")
        tab.wait_for_function(
            "before => getComputedStyle(document.querySelector('.ytick text')).fill !== before", arg=light[0]
        )
        dark = text_fills(tab)
        assert min(brightness(f) for f in dark) > 0.6, dark  # light text on the dark page
        screenshot(tab, f"present-{lang}-survival-dark")
        tab.emulate_media(color_scheme="light")
        tab.wait_for_function(
            "before => getComputedStyle(document.querySelector('.ytick text')).fill !== before", arg=dark[0]
        )
        assert text_fills(tab) == light
    finally:
        context.close()


def test_choosing_dark_in_the_app_menu_recolours_the_figures(server, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    try:
        tab.goto(f"{server}/forest?lang=en&endpoint=PFS&cancer=nsclc-alk")
        settle(tab, timeout=90_000)
        light = text_fills(tab)
        tab.locator('[data-testid="stMainMenu"]').click()
        tab.locator('[data-testid="stMainMenuList"]').get_by_text(re.compile("Dark$")).click()
        tab.wait_for_function(
            "before => getComputedStyle(document.querySelector('.ytick text')).fill !== before", arg=light[0]
        )
        dark = text_fills(tab)
        assert min(brightness(f) for f in dark) > 0.6 > max(brightness(f) for f in light)
        screenshot(tab, "forest-menu-dark")
    finally:
        context.close()


def test_controls_can_be_shown_and_presentation_left(server, browser):
    context, tab = present_tab(browser)
    try:
        tab.goto(f"{server}/forest?lang=en&present=1&endpoint=PFS")
        settle(tab, timeout=90_000)
        filters = tab.locator('[data-testid="stMultiSelect"]').first
        assert not filters.is_visible()  # the view comes from the link
        assert not tab.locator('[data-testid="stSidebar"]').is_visible()
        tab.get_by_text("Controls", exact=True).click()
        settle(tab)
        assert filters.is_visible()
        assert "present=1" in tab.url and "endpoint=PFS" in tab.url
        tab.get_by_role("button", name=re.compile("Exit presentation")).click()
        tab.wait_for_function("() => !location.search.includes('present=1')")
        settle(tab)
        assert tab.locator('[data-testid="stSidebar"]').is_visible()
        assert "fig=" not in tab.url
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "fmt"), [("en", "svg"), ("zh-Hant", "png")])
def test_download_figure_gives_an_image_with_title_date_and_citation(server, browser, lang, fmt):
    context, tab = present_tab(browser)
    try:
        tab.goto(f"{server}/forest?lang={lang}&present=1&endpoint=PFS&cancer=nsclc-alk")
        settle(tab, timeout=90_000)
        button = tab.get_by_role("button", name=t(f"present.download_{fmt}", lang))
        assert button.is_visible()
        box = button.bounding_box()
        assert box["y"] + box["height"] <= SCREEN["height"]  # under the figure, on the same screen
        with tab.expect_download(timeout=90_000) as download:
            button.click()
        data = Path(download.value.path()).read_bytes()
        assert download.value.suggested_filename == f"forest-hr-PFS-latest-{lang}.{fmt}"
        if fmt == "png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            return
        text = data.decode("utf-8")
        assert text.startswith("<svg")
        for expected in (
            "PFS hazard ratios",  # the page's figure title
            dt.date.today().isoformat(),
            "Sources (trials shown: 3;",  # the figure's own citation
        ):
            assert expected in text, expected
    finally:
        context.close()

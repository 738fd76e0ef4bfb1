"""Forest rows in a real browser: the rows the reader's Plotly figures hold, in English and
Simplified Chinese, read from the page's own figure objects; the page looked at in three
languages and three screen sizes."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser

FIGURES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => ({
    labels: plot.layout.yaxis.ticktext,
    annotations: (plot.layout.annotations || []).map(a => a.text).join(' '),
}))"""
"""Every Plotly figure's row labels and annotation texts, as the browser holds them."""

WORDS = {
    "en": {
        "vs": "vs Crizotinib",
        "subgroup": "<i>Subgroup: Asian patients</i>",
        "interim": "First interim analysis (2018) · <i>Interim analysis</i>",
        "final": "Final results (2021)",
        "favours": "favours experimental",
        "other": "DTCs cleared vs DTCs persistent",
        "link": "Compare PFS on the survival page",
    },
    "zh-Hans": {
        "vs": "对比克唑替尼",
        "subgroup": "<i>亚组：亚洲患者</i>",
        "interim": "首次期中分析（2018） · <i>期中分析</i>",
        "final": "最终结果（2021）",
        "favours": "倾向试验组",
        "other": "DTCs清除者对比DTCs持续存在者",
        "link": "在生存指标比较页查看PFS",
    },
}


def figures(tab) -> list[dict]:
    tab.locator(".js-plotly-plot").first.wait_for()
    return tab.evaluate(FIGURES_JS)


def rows_of(figure: dict) -> list[str]:
    return [label for label in figure["labels"] if not label.startswith("<b>")]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_rows_name_comparator_cut_and_subgroup(server, browser, lang):
    words = WORDS[lang]
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()

    tab.goto(server + f"/forest?lang={lang}&endpoint=PFS&cancer=nsclc-alk")
    settle(tab)
    (figure,) = figures(tab)
    rows = rows_of(figure)
    alta = [row for row in rows if row.startswith("ALTA-1L")]
    assert len(alta) == 1 and words["final"] in alta[0]  # the interim HR is not beside it
    assert all(words["vs"] in row for row in rows)
    crown = [row for row in rows if "CROWN" in row]
    # the subgroup row follows its trial's row, starts with ↳ and names its subgroup
    assert crown[0].startswith("CROWN") and crown[1].startswith("↳ CROWN") and words["subgroup"] in crown[1]
    assert words["favours"] in figure["annotations"]
    assert tab.get_by_role("link", name=words["link"]).is_visible()

    tab.goto(server + f"/forest?lang={lang}&endpoint=PFS&cancer=nsclc-alk&cuts=1")
    settle(tab)
    rows = rows_of(figures(tab)[0])
    alta = [row for row in rows if row.startswith("ALTA-1L")]
    assert len(alta) == 2 and words["interim"] in alta[0] and words["final"] in alta[1]
    assert len(rows) == len(set(rows))
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_responder_comparison_has_its_own_figure_without_favours(server, browser, lang):
    words = WORDS[lang]
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    tab.goto(server + f"/forest?lang={lang}")
    settle(tab)
    main, other = figures(tab)
    assert words["favours"] in main["annotations"] and not any("CLEVER" in row for row in rows_of(main))
    (clever,) = rows_of(other)
    assert clever.startswith("CLEVER") and words["other"] in clever
    assert words["favours"] not in other["annotations"]
    context.close()


VIEWS = {
    "desktop": ({"width": 1440, "height": 900}, ""),
    "present": ({"width": 1920, "height": 1080}, "&present=1"),
    "phone": ({"width": 390, "height": 844}, ""),
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_forest_rows_page_looked_at(server, browser, view, lang):
    """Screenshots to look at (tests/screenshots/forest-rows-*.png); both figures (one per
    screen in presentation mode) and the list of trials without a hazard ratio are on the page
    at every size."""
    viewport, extra = VIEWS[view]
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    tab.goto(server + f"/forest?lang={lang}&cuts=1{extra}")
    settle(tab)
    # presentation mode shows one figure per screen (the bar steps to the other)
    assert len(figures(tab)) == (1 if "present=1" in extra else 2)
    link = tab.get_by_role("link", name=re.compile("PFS"))
    assert link.count() >= 1
    screenshot(tab, f"forest-rows-{view}-{lang}")
    context.close()

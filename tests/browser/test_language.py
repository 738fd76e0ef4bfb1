"""The document follows the reader's language: ``<html lang>`` and the browser tab's title,
which names the page and, on a trial page, the trial. Chinese pages show no internal keys."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser

TITLES = {
    # (page, language): (what the tab title must contain, in order)
    ("trials", "en"): ("Trials", "Oncology Evidence Explorer"),
    ("trials", "zh-Hans"): ("试验列表", "肿瘤临床试验证据"),
    ("trials", "zh-Hant"): ("試驗列表", "腫瘤臨床試驗證據"),
    ("forest", "en"): ("Forest plot", "Oncology Evidence Explorer"),
    ("forest", "zh-Hans"): ("森林图", "肿瘤临床试验证据"),
    ("forest", "zh-Hant"): ("森林圖", "腫瘤臨床試驗證據"),
    ("trial", "en"): ("LEAD", "Trial", "Oncology Evidence Explorer"),
    ("trial", "zh-Hans"): ("LEAD", "试验详情", "肿瘤临床试验证据"),
    ("trial", "zh-Hant"): ("LEAD", "試驗詳情", "腫瘤臨床試驗證據"),
}


def wait_for_document(tab, lang: str, first: str) -> None:
    """Streamlit writes the title and the script sets ``lang`` after the first paint."""
    tab.wait_for_function(
        "([lang, first]) => document.documentElement.lang === lang && document.title.includes(first)",
        arg=[lang, first],
        timeout=15_000,
    )


@pytest.mark.parametrize(("page_name", "lang"), sorted(TITLES))
def test_lang_attribute_and_tab_title_follow_the_language(server, page, page_name, lang):
    query = f"lang={lang}" + ("&trial=lead" if page_name == "trial" else "")
    page.goto(f"{server}/{page_name}?{query}")
    settle(page)
    parts = TITLES[(page_name, lang)]
    wait_for_document(page, lang, parts[0])
    title = page.evaluate("document.title")
    positions = [title.find(part) for part in parts]
    assert -1 not in positions and positions == sorted(positions), title
    assert page.evaluate("document.documentElement.lang") == lang


def test_switching_language_in_the_sidebar_moves_lang_and_title(server, page):
    page.goto(f"{server}/trial?lang=en&trial=crown")
    settle(page)
    wait_for_document(page, "en", "CROWN")
    page.locator('[data-testid="stSidebar"]').get_by_text("繁體中文", exact=True).click()
    settle(page)
    wait_for_document(page, "zh-Hant", "CROWN")
    assert "試驗詳情" in page.evaluate("document.title")
    screenshot(page, "language-trial-zh-hant")


def test_a_chinese_trial_page_shows_no_internal_endpoint_keys(server, page):
    page.goto(f"{server}/trial?lang=zh-Hans&trial=lead")
    settle(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    for key in ("FOLLOW-UP", "BASELINE", "PROGRESSION-PATTERN", "trial-report"):
        assert key not in text
    assert "进展模式与后续治疗" in text

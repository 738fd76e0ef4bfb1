"""The app in a real browser: every page loads, filters change results, a trial opens from
the table, links reopen the exact view, Chinese renders. Screenshots go to tests/screenshots/."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import click_grid_row, screenshot, settle

pytestmark = pytest.mark.browser


def count_line(tab) -> str:
    texts = tab.locator('[data-testid="stMarkdownContainer"] strong').all_inner_texts()
    return next(text for text in texts if re.search(r"\d+ (of|項|项)", text) or "共" in text)


@pytest.mark.parametrize(
    ("path", "title", "content"),
    [
        ("/trials", "Oncology trial evidence", ".oee-table"),
        ("/trial?trial=lead", "LEAD", ".oee-table"),
        ("/forest", "Hazard ratios across trials", '[data-testid="stPlotlyChart"]'),
        ("/survival", "Survival comparison", '[data-testid="stPlotlyChart"]'),
        ("/sources", "Sources and method", '[data-testid="stDataFrame"]'),
    ],
)
def test_each_page_loads_with_its_table_or_chart(server, page, path, title, content):
    page.goto(server + path)
    settle(page)
    page.locator(content).first.wait_for(state="visible")
    assert page.locator("h1").first.inner_text() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "page-" + path.strip("/").split("?")[0])


def test_root_forwards_to_trials_keeping_the_query(server, page):
    page.goto(server + "/?lang=zh-Hans&cancer=hcc&cancer=sclc")
    page.wait_for_url(re.compile(r"/trials\?"))
    settle(page)
    query = parse_qs(urlparse(page.url).query)
    assert query["lang"] == ["zh-Hans"] and sorted(query["cancer"]) == ["hcc", "sclc"]


def test_search_changes_the_rows_and_the_url(server, page):
    page.goto(server + "/trials?lang=en")
    settle(page)
    before = count_line(page)
    search = page.get_by_role("textbox", name="Search")
    search.fill("liver cancer")
    search.press("Enter")
    page.wait_for_url(re.compile(r"q=liver"))
    settle(page)
    after = count_line(page)
    assert before.startswith("23 of") or before != after
    assert after.startswith("2 of 2")
    screenshot(page, "trials-search")


def test_facet_selection_changes_the_rows(server, page):
    page.goto(server + "/trials?lang=en")
    settle(page)
    page.get_by_text("Cancer type", exact=True).first.wait_for()
    box = page.locator('[data-testid="stMultiSelect"]').first
    box.click()
    page.get_by_role("option", name=re.compile("Small-cell lung cancer")).click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"cancer=sclc"))
    settle(page)
    assert count_line(page).startswith("3 of 3")


def test_open_a_trial_from_the_table(server, page):
    page.goto(server + "/trials?lang=en&q=liver")
    settle(page)
    page.locator('.oee-table[data-table="trials"] tbody tr').first.click()  # by name: IMbrave150 first
    page.wait_for_url(re.compile(r"/trial\?trial="))
    settle(page)
    assert page.locator("h1").first.inner_text() == "IMbrave150"
    assert parse_qs(urlparse(page.url).query)["lang"] == ["en"]
    screenshot(page, "trial-opened-from-table")


def test_traditional_chinese_link_shows_hcc_trials_only(server, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="en-US")
    tab = context.new_page()
    tab.goto(server + "/trials?lang=zh-Hant&q=肝癌")
    settle(tab)
    assert tab.locator("h1").first.inner_text() == "腫瘤臨床試驗證據"
    assert tab.get_by_text("試驗列表").first.is_visible()  # Traditional navigation
    assert count_line(tab).startswith("共 2 項試驗")
    screenshot(tab, "trials-zh-hant-liver")
    context.close()


def test_browser_locale_chooses_the_language(server, browser):
    context = browser.new_context(locale="zh-TW", viewport={"width": 1440, "height": 1000})
    tab = context.new_page()
    tab.goto(server + "/sources")
    settle(tab)
    assert tab.locator("h1").first.inner_text() == "來源與方法"
    assert parse_qs(urlparse(tab.url).query)["lang"] == ["zh-Hant"]
    context.close()


def test_forest_link_reopens_the_same_view_in_a_fresh_browser(server, browser):
    first = browser.new_context(viewport={"width": 1440, "height": 1300})
    tab = first.new_page()
    tab.goto(server + "/forest?lang=en")
    settle(tab)
    endpoint = tab.locator('[data-testid="stMultiSelect"]').first
    endpoint.click()
    tab.get_by_role("option", name=re.compile(r"^OS —")).click()
    tab.keyboard.press("Escape")
    tab.wait_for_url(re.compile(r"endpoint=OS"))
    settle(tab)
    copied = tab.url
    rows_before = tab.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    labels_before = tab.locator(".yaxislayer-above text").all_text_contents()
    first.close()

    fresh = browser.new_context(viewport={"width": 1440, "height": 1300})
    again = fresh.new_page()
    again.goto(copied)
    settle(again)
    assert again.locator(".yaxislayer-above text").all_text_contents() == labels_before
    assert again.locator('[data-testid="stCaptionContainer"]').all_inner_texts() == rows_before
    assert all("PFS" not in label for label in labels_before)
    fresh.close()


def test_chinese_chart_renders_with_cjk_glyphs(server, page):
    page.goto(server + "/forest?lang=zh-Hans&group=endpoint")
    settle(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for()
    labels = " ".join(page.locator(".annotation-text, .xtitle, .gtitle, .ytick text").all_text_contents())
    assert "风险比" in labels and "倾向试验组" in labels
    # The glyphs come from a CJK font: a CJK label is as wide as its character count suggests,
    # not a row of equal-width fallback boxes. (Checked by eye in the screenshot too.)
    fonts = page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK SC\"', '风险比')")
    assert fonts
    chart.screenshot(path=str(screenshot(page, "forest-zh-hans").with_name("forest-zh-hans-chart.png")))


def test_presentation_mode_hides_chrome_and_enlarges_type(server, page):
    page.goto(server + "/forest?lang=en&present=1")
    settle(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    size = page.evaluate(  # the page's text, not the slim presentation bar's
        """() => parseFloat(getComputedStyle([...document.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
            .find(p => !p.closest('.st-key-present_bar'))).fontSize)"""
    )
    assert size >= 20
    assert page.get_by_role("button", name=re.compile("Exit presentation")).is_visible()
    screenshot(page, "forest-present")


def test_figures_follow_the_dark_theme(server, browser):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1440, "height": 1200})
    tab = context.new_page()
    tab.goto(server + "/forest?lang=en&present=1")
    settle(tab)
    tab.locator('[data-testid="stPlotlyChart"]').first.wait_for()
    fill = tab.locator(".ytick text").first.evaluate("e => getComputedStyle(e).fill")
    red, green, blue = (int(v) for v in fill[4:-1].split(","))
    assert min(red, green, blue) > 200, fill  # light text on the dark page (Streamlit's theme)
    screenshot(tab, "forest-present-dark")
    context.close()


def test_hostile_upload_is_shown_as_text_beside_the_curated_trials(server, page, tmp_path):
    from tests.hostile.corpus import CASES_BY_NAME, SCRIPT

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = tmp_path / "script-tags.csv"
    hostile.write_bytes(CASES_BY_NAME["script-tags.csv"].data)
    page.goto(server + "/import?lang=en")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(hostile))
    page.get_by_text("See them on the Trials page").wait_for()
    settle(page)
    screenshot(page, "import-hostile")
    page.get_by_text("See them on the Trials page").click()
    page.wait_for_url(re.compile(r"/trials\?.*origin=user"))
    settle(page)
    assert count_line(page).startswith("1 of 1")
    screenshot(page, "import-hostile-trials")
    click_grid_row(page, 0)
    page.wait_for_function(
        "() => location.pathname.endsWith('/trial') && location.search.includes('trial=user-trial')"
    )
    settle(page)
    title = page.locator("h1").first.inner_text()
    assert title == f"{SCRIPT} [user-supplied]"  # the markup is text on the page
    assert page.get_by_text("User-supplied: imported in this session, not curated").is_visible()
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []  # no script ran
    screenshot(page, "import-hostile-trial")


# --- the reader's own data: downloads, unknown ids, Markdown in data -------------------------------


def _mine_csv(tmp_path):
    from tests.hostile.corpus import GOOD_HR, row, to_csv

    path = tmp_path / "mine.csv"
    path.write_bytes(
        to_csv([row(trial="mine", trial_name="MINE-1"), dict(GOOD_HR, trial="mine", trial_name="MINE-1")])
    )
    return path


def _download(tab, label: str) -> str:
    with tab.expect_download() as info:
        tab.get_by_role("button", name=label).click()
    return open(info.value.path(), encoding="utf-8-sig").read()


def test_downloads_hold_the_imported_data(server, page, tmp_path):
    page.goto(server + "/import?lang=en")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(_mine_csv(tmp_path)))
    page.get_by_text("See them on the Trials page").wait_for()
    settle(page)
    imported = _download(page, "Download the imported values (CSV)")
    assert imported.count("\nmine,") == 2

    page.get_by_text("See them on the Trials page").click()
    page.wait_for_url(re.compile(r"/trials\?.*origin=user"))
    settle(page)
    table = _download(page, "Download these trials (CSV)")
    assert "MINE-1 [user-supplied]" in table
    assert "\nmine," in _download(page, "Download their values (CSV)")

    click_grid_row(page, 0)
    page.wait_for_function("() => location.search.includes('trial=mine')")
    settle(page)
    card = _download(page, "Evidence card (printable HTML)")
    assert "MINE-1" in card and "8.3" in card
    assert _download(page, "Download this trial's values (CSV)").count("\nmine,") == 2


@pytest.mark.parametrize("requested", ["../../etc/passwd", "alexx"])
def test_an_unknown_trial_id_is_said_and_the_address_kept(server, page, requested):
    from urllib.parse import quote

    page.goto(server + f"/trial?lang=en&trial={quote(requested)}")
    settle(page)
    assert page.locator("h1").first.inner_text() == "Trial"
    assert page.get_by_text("No trial has the id or name").is_visible()
    assert page.locator('[data-testid="stDataFrame"], .oee-table').count() == 0
    assert parse_qs(urlparse(page.url).query)["trial"] == [requested]


def test_a_suggested_trial_opens_from_a_typo(server, page):
    page.goto(server + "/trial?lang=en&trial=crwn")
    settle(page)
    page.get_by_role("link", name="CROWN").click()
    page.wait_for_function("() => location.search.includes('trial=crown')")
    settle(page)
    assert page.locator("h1").first.inner_text() == "CROWN"


def test_a_trial_id_in_another_case_opens_that_trial(server, page):
    page.goto(server + "/trial?lang=en&trial=LEAD")
    settle(page)
    assert page.locator("h1").first.inner_text() == "LEAD"
    assert parse_qs(urlparse(page.url).query)["trial"] == ["lead"]


def test_markdown_in_imported_data_is_shown_as_text(server, page, tmp_path):
    from tests.test_pages import PAYLOADS, markdown_record

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    record = tmp_path / "record.toml"
    record.write_bytes(markdown_record())
    page.goto(server + "/import?lang=en")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(record))
    page.get_by_text("See them on the Trials page").wait_for()
    settle(page)
    page.get_by_text("See them on the Trials page").click()  # the same session: no new page load
    page.wait_for_url(re.compile(r"/trials\?.*origin=user"))
    settle(page)
    click_grid_row(page, 0)
    page.wait_for_function("() => location.search.includes('trial=md-trial')")
    settle(page)
    page.get_by_text(PAYLOADS["image"]).first.wait_for()  # the payload is text on the page
    assert page.locator("img[src*='127.0.0.1:9']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator(".katex").count() == 0  # no LaTeX rendered
    assert not [url for url in requests if "127.0.0.1:9/" in url]
    screenshot(page, "trial-markdown-payloads")


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_unknown_trial_page_screenshots(server, browser, lang):
    for name, viewport, present in (
        ("desktop", {"width": 1440, "height": 900}, ""),
        ("present", {"width": 1920, "height": 1080}, "&present=1"),
        ("phone", {"width": 390, "height": 844}, ""),
    ):
        context = browser.new_context(viewport=viewport)
        tab = context.new_page()
        tab.goto(server + f"/trial?lang={lang}&trial=crwn{present}")
        settle(tab)
        assert tab.locator('[data-testid="stException"]').count() == 0
        screenshot(tab, f"trial-unknown-{lang}-{name}")
        tab.goto(server + f"/trial?lang={lang}{present}")
        settle(tab)
        screenshot(tab, f"trial-chooser-{lang}-{name}")
        context.close()


def test_an_import_dropped_for_another_readers_says_so_on_every_page(browser, tmp_path, monkeypatch):
    """A server whose upload store holds one small import: when another reader imports, the
    first reader's pages say their import expired — never silently the curated trials alone."""
    from tests.browser.conftest import app_server
    from tests.hostile.corpus import row, to_csv

    monkeypatch.setenv("EVIDENCE_UPLOAD_BUDGET", "1")
    url, process = app_server(tmp_path / "server")
    try:
        first = browser.new_context(viewport={"width": 1440, "height": 900})
        mine = first.new_page()
        mine.goto(url + "/import?lang=en")
        settle(mine)
        mine.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(_mine_csv(tmp_path)))
        mine.get_by_text("See them on the Trials page").wait_for()
        settle(mine)

        second = browser.new_context()
        other = second.new_page()
        other.goto(url + "/import?lang=en")
        settle(other)
        theirs = tmp_path / "theirs.csv"
        theirs.write_bytes(to_csv([row(trial="theirs")]))
        other.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(theirs))
        other.get_by_text("See them on the Trials page").wait_for()
        second.close()

        mine.get_by_role("link", name="Trials").first.click()
        mine.wait_for_url(re.compile(r"/trials"))
        settle(mine)
        assert mine.get_by_text("Your imported data has expired").is_visible()
        screenshot(mine, "import-expired-trials")
        first.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_trial_chooser_opens_the_chosen_trial(server, page):
    page.goto(server + "/trial?lang=en")
    settle(page)
    assert page.locator('[data-testid="stDataFrame"], .oee-table').count() == 0  # no trial by default
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="CROWN").click()
    page.wait_for_function("() => location.search.includes('trial=crown')")
    settle(page)
    assert page.locator("h1").first.inner_text() == "CROWN"


@pytest.mark.parametrize(
    "path",
    [
        "/forest?lang=en&present=1&endpoint=PFS&cancer=nsclc-alk",
        "/forest?lang=zh-Hant&present=1",
        "/survival?lang=zh-Hans&present=1&endpoint=PFS",
    ],
)
def test_presentation_mode_figures_are_not_clipped(server, browser, path):
    """At 1920×1080 in presentation mode every figure's drawing fits its box (no rule stretches
    the box past the figure, none cuts the figure), and the filtered ALK PFS forest plot shows
    all its rows, its axis and its citation on one screen."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    tab = context.new_page()
    try:
        tab.goto(server + path)
        settle(tab, timeout=90_000)
        boxes = tab.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => {
                const svg = chart.querySelector('.main-svg');
                return [chart.getBoundingClientRect().height, svg.getBoundingClientRect().height,
                        chart.getBoundingClientRect().bottom];
            })"""
        )
        assert boxes, "no figure on the page"
        for box, drawing, _ in boxes:
            assert drawing <= box + 1, (box, drawing)
        if "nsclc-alk" in path:
            assert boxes[0][2] <= 1080, "the forest plot and its citation do not fit the screen"
            layout = tab.evaluate("() => document.querySelector('.js-plotly-plot').layout")
            assert len(layout["yaxis"]["ticktext"]) >= 5
    finally:
        context.close()

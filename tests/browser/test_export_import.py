"""Import takes back what export gives, in a real browser: a CSV downloaded from a page is
uploaded on the Import page as it is, in each language, and comes in whole — curated trials
as the user's version of them, beside the curated ones. Screenshots of the Import page after
the import at 1440×900, 1920×1080 in presentation mode and 390×844 land in tests/screenshots/."""

from __future__ import annotations

import csv
import io

import pytest

from core.presentation.export import header, header_keys
from core.presentation.i18n import t
from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1440, 900), "present": (1920, 1080), "phone": (390, 844)}


def _download(tab, label: str, path) -> list[dict[str, str]]:
    """Click the download button ``label``, keep the file at ``path``; its rows by column key."""
    with tab.expect_download() as info:
        tab.get_by_role("button", name=label, exact=True).first.click()
    info.value.save_as(str(path))
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    keys = header_keys(rows[0])
    return [dict(zip(keys, row)) for row in rows[1:]]


def _metrics(tab) -> dict[str, str]:
    metrics = {}
    for box in tab.locator('[data-testid="stMetric"]').all():
        label = box.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        metrics[label] = box.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return metrics


def _import(tab, server: str, lang: str, path, extra: str = "") -> dict[str, str]:
    tab.goto(server + f"/import?lang={lang}{extra}")
    settle(tab)
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    tab.get_by_text(t("import.explore", lang)).wait_for()
    settle(tab)
    assert tab.locator('[data-testid="stException"]').count() == 0
    return _metrics(tab)


def _check_imported(metrics: dict[str, str], lang: str, values: int) -> None:
    assert metrics[t("import.values_valid", lang)] == str(values)
    assert metrics[t("import.problems", lang)] == "0"


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_the_import_pages_template_imports_as_it_is(server, browser, tmp_path, lang):
    template = tmp_path / "template-lead.csv"
    for name, (width, height) in VIEWPORTS.items():
        # an import lives in its session: each size is a session of its own that imports
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        tab = context.new_page()
        present = "&present=1" if name == "present" else ""
        try:
            if name == "desktop":
                tab.goto(server + f"/import?lang={lang}")
                settle(tab)
                rows = _download(tab, t("import.template", lang), template)
                first_line = template.read_bytes().decode("utf-8-sig").splitlines()[0]
                assert first_line.startswith(header("trial", lang) + ",")  # the reader's language
                assert rows and {row["trial"] for row in rows} == {"lead"}
                assert all(not row["qualifier"].startswith("'") for row in rows)  # "=", not "'="
            _check_imported(_import(tab, server, lang, template, present), lang, len(rows))
            note = tab.get_by_text("lead.user").first
            assert note.is_visible()  # the user's version, named
            note.scroll_into_view_if_needed()
            screenshot(tab, f"import-template-{name}-{lang}")
            # the user's version opens in this session and links back to the curated trial
            tab.get_by_text(t("export.open_user_version", lang, id="lead.user")).click()
            tab.wait_for_url("**/trial?*trial=lead.user*")
            settle(tab)
            back = tab.get_by_text(t("export.open_curated", lang, id="lead"))
            back.scroll_into_view_if_needed()
            assert back.is_visible()
            screenshot(tab, f"trial-user-version-{name}-{lang}")
        finally:
            context.close()


def test_a_trials_values_as_shown_download_imports_as_it_is(server, page, tmp_path):
    page.goto(server + "/trial?lang=en&trial=crown")
    settle(page)
    path = tmp_path / "crown-values-en.csv"
    rows = _download(page, t("trial.download_shown", "en"), path)
    assert rows and {row["trial"] for row in rows} == {"crown"}
    # numbers in the numeric columns, "NR" in its own column
    assert any(row["ci_high_text"] == "NR" and row["ci_high"] == "" for row in rows)
    assert all(row["shown_value"] for row in rows)
    _check_imported(_import(page, server, "en", path), "en", len(rows))
    page.get_by_text(t("import.explore", "en")).click()
    page.wait_for_url("**/trials?*origin=user*")
    settle(page)
    screenshot(page, "import-crown-trials")


def test_a_forest_download_in_traditional_chinese_imports_as_it_is(server, page, tmp_path):
    page.goto(server + "/forest?lang=zh-Hant&endpoint=PFS")
    settle(page)
    path = tmp_path / "forest-zh-Hant.csv"
    rows = _download(page, t("download.csv", "zh-Hant"), path)
    assert rows and all(row["unit"] == "ratio" and float(row["value"]) > 0 for row in rows)
    assert all(row["ci_level"] in ("80", "90", "95", "") for row in rows)
    _check_imported(_import(page, server, "zh-Hant", path), "zh-Hant", len(rows))
    screenshot(page, "import-forest-zh-hant")

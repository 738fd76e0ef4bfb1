"""The presenters' HTML tables: the number before the metadata, cells that wrap, a card per row
on a phone, escaped text, rows that open their trial, and WCAG AA contrast in both themes."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from core import queries
from core.presentation import tables
from core.presentation.card import evidence_card_html
from tests.html_tables import read_tables

METADATA = ("arm", "population", "assessment", "evidence", "source", "snippet", "reading", "note")


# --- WCAG 2.x contrast, computed from the colours the stylesheet uses --------------------------------


def luminance(colour: str) -> float:
    """Relative luminance of an ``#rrggbb`` colour (WCAG 2.x)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast("#767676", "#ffffff") >= 4.5


def declarations(css: str, selector_part: str, prop: str) -> list[str]:
    """The ``prop`` colours of every rule whose selector contains ``selector_part``."""
    found = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector_part in selectors:
            found += re.findall(rf"(?<![-\w]){prop}:\s*(#[0-9a-fA-F]{{6}})", body)
    return found


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_trial_names_meet_wcag_aa_on_every_background_they_are_drawn_on(theme):
    css = tables.table_css(theme)
    names = declarations(css, "td.name", "color")
    backgrounds = set(declarations(css, ".oee-table", "background"))
    assert names and len(backgrounds) >= 3  # table, stripe, header, hover
    for name in names:
        for background in backgrounds:
            assert contrast(name, background) >= 4.5, (theme, name, background)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_colour_meets_wcag_aa_on_every_table_background(theme):
    css = tables.table_css(theme)
    texts = set(declarations(css, ".oee-table", "color"))
    backgrounds = set(declarations(css, ".oee-table", "background"))
    assert {tables.TABLE_PALETTES[theme][key] for key in tables.TABLE_FOREGROUNDS} <= texts
    for text in texts:
        for background in backgrounds:
            assert contrast(text, background) >= 4.5, (theme, text, background)


def test_the_two_themes_draw_names_in_different_colours():
    assert declarations(tables.table_css("light"), "td.name", "color") != declarations(
        tables.table_css("dark"), "td.name", "color"
    )


# --- layout ------------------------------------------------------------------------------------------


def test_cells_wrap_and_rows_become_cards_in_a_narrow_box():
    css = tables.table_css("light")
    assert "ellipsis" not in css and "nowrap" not in css.split(".oee-table a")[0]
    assert "white-space: normal" in css and "overflow-wrap" in css
    assert f"@container (max-width: {tables.CARD_WIDTH}px)" in css
    assert "content: attr(data-label)" in css
    assert "max-height" not in css and "overflow-y" not in css  # nothing scrolls inside a table


def test_value_table_puts_the_number_and_its_caveats_before_the_metadata(con):
    values = tables.value_table(queries.trial_values(con, "lead"), "en")
    frame = read_tables(tables.html_table(values, "en", drop_empty=False))[0]
    keys = list(frame.columns)
    assert keys[: keys.index("value") + 1] == ["trial", "metric", "value"]
    assert all(keys.index("value") < keys.index(key) for key in METADATA)
    assert "80% CI 4.8–12.3" in " ".join(frame["value"])


def test_every_cell_carries_its_column_name_for_the_card_layout(con):
    values = tables.value_table(queries.trial_values(con, "crown"), "zh-Hant")
    body = tables.html_table(values, "zh-Hant", ["metric", "value", "population"])
    header = tables.column_label("value", "zh-Hant")
    cells = re.findall(r'<td class="([^"]*)" data-label="([^"]*)"', body)
    assert len(cells) == 3 * len(values)
    assert {label for classes, label in cells if "k-value" in classes} == {header}
    assert all("number" in classes for classes, _ in cells if "k-value" in classes)


def test_every_text_is_escaped_and_reads_back_unchanged():
    hostile = '<script>alert("x")</script> & "quoted" / <b>bold</b>'
    frame = pd.DataFrame({"metric": [hostile], "value": ["0.5 (95% CI 0.3–0.8)"], "note": ["a/b/c"]})
    body = tables.html_table(frame, "en")
    assert "<script" not in body and "<b>" not in body
    back = read_tables(body)[0]
    assert back.loc[0, "metric"] == hostile and back.loc[0, "note"] == "a/b/c"
    assert "a/<wbr>b/<wbr>c" in body  # a line may break after a slash


def test_empty_columns_are_left_out_and_blank_cells_marked():
    frame = pd.DataFrame({"metric": ["ORR", "DCR"], "value": ["50%", ""], "reading": ["", ""]})
    body = tables.html_table(frame, "en")
    assert list(read_tables(body)[0].columns) == ["metric", "value"]
    assert 'class="k-value number blank"' in body
    kept = tables.html_table(frame, "en", drop_empty=False)
    assert list(read_tables(kept)[0].columns) == ["metric", "value", "reading"]


def test_rows_that_open_a_trial_are_focusable_links_in_the_same_tab():
    frame = pd.DataFrame({"trial": ["LEAD", "CROWN"], "headline": ["a", "b"]})
    body = tables.html_table(
        frame,
        "en",
        name="trials",
        links=["trial?trial=lead&lang=en", "trial?trial=crown&lang=en"],
        row_ids=["lead", "crown"],
        row_labels=["Open LEAD", "Open CROWN"],
    )
    back = read_tables(body)[0]
    assert back.attrs["table"] == "trials" and back.attrs["row_ids"] == ["lead", "crown"]
    assert back.attrs["links"] == ["trial?trial=lead&lang=en", "trial?trial=crown&lang=en"]
    assert list(back.columns) == ["link", "trial", "headline"] and list(back["link"]) == ["Open ›"] * 2
    assert body.count('tabindex="0"') == 2 and 'aria-label="Open LEAD"' in body
    assert "target=" not in body  # a link without a target opens in the same tab


def test_trials_on_screen_show_the_headline_after_the_name(con):
    rows, _ = queries.trials_page(con, queries.TrialFilter({}, ""), "name", False, None, 0)
    table = tables.trials_table(rows, queries.headlines(con, list(rows["id"])), "en")
    screen = tables.trials_screen_table(table)
    assert list(screen.columns)[:2] == ["trial", "headline"]
    alex = screen[screen["id"] == "alex"].iloc[0]
    assert alex["design_phase"] == "Randomized · Phase 3"
    assert tables.column_label("design_phase", "zh-Hans") != tables.column_label("design_phase", "en")


def test_the_card_lists_each_value_before_its_metadata(con):
    card = evidence_card_html(con, "crown", "en")
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", card) if "<th>Value (CI, level)</th>" in r)
    headers = re.findall(r"<th>([^<]*)</th>", row)
    assert headers.index("Value (CI, level)") < headers.index(tables.column_label("population", "en"))
    assert headers.index("Value (CI, level)") < headers.index(tables.column_label("arm", "en"))

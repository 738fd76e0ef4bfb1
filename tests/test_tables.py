"""Presenters: stable column keys, caveat codes, and one value table for page, card and CSV."""

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest

from core import db, queries
from core.presentation import caveats, tables
from core.presentation.card import evidence_card_html


def card_codes(card: str) -> list[str]:
    return re.findall(r'data-caveat="([^"]+)"', card)


def test_value_table_has_stable_keys_and_codes(con):
    values = queries.trial_values(con, "lead")
    table = tables.value_table(values, "zh-Hant")
    assert list(table.columns) == list(tables.VALUE_COLUMNS)
    assert len(table) == len(values)
    median = table[table["value"] == "8.3個月 (80% CI 4.8–12.3)"]
    assert len(median) == 1
    codes = median.iloc[0]["caveats"]
    assert codes[0] == "ci80" and "single_arm" in codes  # codes, not words, in every language
    assert tables.value_table(values, "en")["caveats"].tolist() == table["caveats"].tolist()


def test_display_turns_codes_into_words_and_keys_into_headers(con):
    table = tables.value_table(queries.trial_values(con, "lead"), "en")
    shown = tables.display(table, "en", ["metric", "value", "caveats"])
    assert list(shown.columns) == ["Measure", "Value (CI, level)", "Caveats"]
    assert any(text.startswith("80% CI — not comparable with 95%") for text in shown["Caveats"])
    chinese = tables.display(table, "zh-Hans", ["caveats"])
    assert list(chinese.columns) != ["Caveats"]
    assert not any("not comparable" in text for text in chinese.iloc[:, 0])


def test_value_codes_name_flags_and_dedupe():
    row = {
        "ci_level": "unknown",
        "analysis_kind": "interim",
        "flags": ["immature", "immature"],
        "disputed": True,
    }
    assert caveats.value_codes(row) == ("ci_unknown", "interim", "disputed", "immature")
    assert caveats.label("immature", "en") == "Immature data"
    assert caveats.label("doubtful-attribution", "en").startswith("Doubtful attribution")


def test_trial_caveats_include_immature_and_user_supplied(con):
    header = queries.trial(con, "talentop").iloc[0].to_dict()
    values = queries.trial_values(con, "talentop")
    codes = tables.trial_caveats(header, values)
    assert "immature" in codes  # the OS hazard ratio is flagged immature
    assert "user_supplied" not in codes
    assert "user_supplied" in tables.trial_caveats({**header, "origin": "user"}, values)
    computed = [c for c in codes if c in caveats.TRIAL_CAVEATS]
    assert computed == [c for c in caveats.TRIAL_CAVEATS if c in codes]  # a fixed order
    assert list(codes) == list(header["caveats"]) + computed  # curated caveats first


def test_card_carries_the_trial_caveat_codes(con):
    for trial in ("lead", "altn-iii-04", "crown", "talentop"):
        header = queries.trial(con, trial).iloc[0].to_dict()
        expected = tables.trial_caveats(header, queries.trial_values(con, trial))
        card = evidence_card_html(con, trial, "zh-Hans", generated=dt.date(2026, 1, 2))
        assert card_codes(card) == list(expected), trial


def test_card_of_an_imported_trial_says_user_supplied(evidence):
    trial = dataclasses.replace(evidence.trials[0], origin="user")
    connection = db.connect_memory(dataclasses.replace(evidence, trials=[trial, *evidence.trials[1:]]))
    try:
        card = evidence_card_html(connection, trial.id, "en")
    finally:
        connection.close()
    assert card_codes(card)[0] == "user_supplied"
    assert "User-supplied: imported in this session, not curated" in card


def test_card_results_are_rows_of_the_value_table(con):
    from core.presentation.i18n import t

    card = evidence_card_html(con, "lead", "en").split(t("card.results", "en"), 1)[1]
    table = tables.display(tables.value_table(queries.trial_values(con, "lead"), "en"), "en")
    cells = set(re.findall(r"<td><b>([^<]+)</b></td>", card))
    assert cells and cells <= set(table["Value (CI, level)"])


def test_trial_facts_have_keys_in_a_fixed_order(con):
    header = queries.trial(con, "altn-iii-04").iloc[0].to_dict()
    facts = tables.trial_facts(header, "zh-Hant")
    assert list(facts["key"]) == list(tables.FACT_LABELS)
    by_key = dict(zip(facts["key"], facts["value"]))
    assert by_key["cancer"] == "軟組織肉瘤"
    assert by_key["patients"].isdigit()


def test_trials_table_has_headlines_and_no_english_joiner_in_chinese(con):
    rows, _ = queries.trials_page(con, queries.TrialFilter({}, ""), "name", False, None, 0)
    headlines = queries.headlines(con, list(rows["id"]))
    table = tables.trials_table(rows, headlines, "zh-Hans")
    assert list(table.columns) == list(tables.TRIALS_COLUMNS)
    alex = table[table["id"] == "alex"].iloc[0]
    assert alex["headline"].startswith("PFS HR 0.43")
    assert " vs " not in alex["arms"] and "对比" in alex["arms"]
    english = tables.trials_table(rows, headlines, "en")
    assert english[english["id"] == "alex"].iloc[0]["arms"] == "Alectinib vs Crizotinib"


def test_source_registry_titles_follow_the_language(con):
    sources = queries.sources(con)
    english = tables.source_registry(sources, "en").set_index("id")
    chinese = tables.source_registry(sources, "zh-Hans").set_index("id")
    article = "000_2a0d5b2b1c3db25b"
    assert english.loc[article, "title"].startswith("CACA expert interview")
    assert english.loc[article, "title"] != chinese.loc[article, "title"]


def test_discrepancy_table_links_values_to_their_discrepancy(con):
    disputes = queries.discrepancies(con, "crown")
    table = tables.discrepancy_table(disputes, "en")
    assert len(table) == len(disputes)
    summaries = tables.discrepancy_summaries(disputes, "en")
    assert set(summaries["id"]) == set(table["id"])
    assert all(title.split(": ", 1)[1] for title in summaries["title"])
    assert "63%" in " ".join(table["value"]) and "60%" in " ".join(table["value"])


def test_glossary_groups_are_codes():
    glossary = tables.glossary("zh-Hant")
    assert set(glossary["group"]) == {"endpoint", "measure", "assessment", "flag", "evidence"}
    shown = tables.display(glossary, "en")
    assert list(shown.columns) == ["Code (in links and CSV)", "English", "中文", "Group"]
    assert "Caveat flag" in set(shown["Group"])


@pytest.mark.parametrize("key", [*tables.COLUMN_LABELS, "rate_36"])
def test_every_column_key_has_a_header_in_every_language(key):
    from core.presentation.i18n import catalog

    if key.startswith("rate_"):
        assert tables.column_label(key, "en") == "3-year rate"
        return
    assert tables.COLUMN_LABELS[key] in catalog("en")
    assert tables.COLUMN_LABELS[key] in catalog("zh-Hans")


def test_survival_maturity_is_codes(con):
    from core.presentation.survival import comparison_table

    rows = queries.survival_rows(con, "PFS", cancer_types=["nsclc-alk"])
    table = comparison_table(rows, queries.follow_up_rows(con, list(rows["trial"].unique())), "en")
    assert all(isinstance(codes, tuple) for codes in table["maturity"])
    shown = tables.display(table, "en", ["maturity", "median"], endpoint="PFS")
    assert "Median PFS" in shown.columns
    assert any("Median not reached" in text for text in shown["Maturity"])


def test_empty_frames_give_empty_tables():
    assert tables.value_table(pd.DataFrame(), "en").empty
    assert list(tables.value_table(pd.DataFrame(), "en").columns) == list(tables.VALUE_COLUMNS)


def test_survival_table_speaks_the_readers_language(con):
    from core.presentation.survival import comparison_table

    rows = queries.survival_rows(con, "OS", cancer_types=["sclc"])
    table = comparison_table(rows, queries.follow_up_rows(con, list(rows["trial"].unique())), "zh-Hans")
    lead = table[table["trial_id"] == "lead"].iloc[0]
    assert lead["evidence"] == "试验报告"  # a label, not the key "trial-report"
    assert "数据截止" in lead["analysis"]
    assert "(OS随访)" in lead["follow_up"] and "follow-up" not in lead["follow_up"]


def test_derived_interval_caveat_is_a_code_with_parameters():
    row = {
        "ci_level": "95",
        "derived_ci": True,
        "printed_ci_level": "80",
        "printed_ci_low": "4.8",
        "printed_ci_high": "12.3",
    }
    codes = caveats.value_codes(row)
    assert codes == ("derived_ci95|80|4.8|12.3",)
    assert (
        caveats.label(codes[0], "en")
        == "Interval converted to 95% from the printed 80% CI 4.8–12.3 (derived)"
    )

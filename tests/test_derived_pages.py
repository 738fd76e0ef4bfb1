"""Derived numbers on the pages (issue 12), through the real entrypoint with AppTest."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_pages import dataframes, full_error_details, open_page  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("full_error_details")


def _markdown(app) -> str:
    return "\n".join(m.value for m in app.markdown)


def _table_with(app, column: str):
    return next(frame for frame in dataframes(app) if column in frame.columns)


def test_trial_page_absolute_effects_reproduce_crown():
    app = open_page("trial", trial="crown")
    headers = [h.value for h in app.header]
    assert "Absolute effects" in headers
    table = _table_with(app, "Result (derived)")
    results = list(table["Result (derived)"])
    assert "+52 percentage points (95% CI 41.9 to 62.1) [derived]" in results
    assert "NNTB 1.92 (95% CI 1.61 to 2.39) [derived]" in results
    inputs = set(table["Input values (trial:value id)"])
    assert "crown:jco-5y-pfs;crown:jco-5y-pfs-crizotinib" in inputs
    # the not-reached median is listed with its reason, not computed
    assert "A median not reached without a printed bound" in set(table["Why not computed / what is left out"])


def test_trial_page_timeline_orders_cuts_with_their_kind():
    app = open_page("trial", trial="alex")
    assert "How estimates matured" in [h.value for h in app.header]
    tables = [f for f in dataframes(app) if "Change from previous cut (derived)" in f.columns]
    assert len(tables) >= 2  # one per endpoint and measure
    table = pd.concat(tables)
    hr = table[table["Estimate"] == "Hazard ratio, OS — Alectinib vs Crizotinib"]
    assert list(hr["Kind"]) == ["Data cut not stated", "Final analysis"]
    assert list(hr["Estimate (printed)"]) == ["HR 0.67 (95% CI 0.46–0.98)", "HR 0.78 (95% CI 0.56–1.08)"]
    assert list(hr["Change from previous cut (derived)"])[-1] == "+0.11 [derived]"
    charts = [c for c in app.get("plotly_chart")]
    assert charts, "a timeline chart per endpoint"


def test_timeline_absent_for_a_single_cut_trial():
    app = open_page("trial", trial="imbrave150")
    assert "How estimates matured" not in [h.value for h in app.header]


@pytest.mark.parametrize(
    ("trial", "label"),
    [
        ("talentop", "Survival curves crossed"),
        ("clever", "Compares patients by their response"),
        ("altn-iii-04", "A design statement in the source is garbled"),
    ],
)
def test_trial_caveat_badges(trial, label):
    assert label in _markdown(open_page("trial", trial=trial))


def test_trial_caveat_badges_in_traditional_chinese():
    assert "生存曲線交叉" in _markdown(open_page("trial", trial="talentop", lang="zh-Hant"))


def test_survival_table_rows_for_absolute_differences():
    app = open_page("survival", endpoint="PFS", cancer="nsclc-alk")
    assert "Absolute differences between arms (derived)" in [s.value for s in app.subheader]
    table = _table_with(app, "Result (derived)")
    assert "+52 percentage points (95% CI 41.9 to 62.1) [derived]" in set(table["Result (derived)"])


def test_compare_page_bucher_with_banner_and_differences():
    app = open_page("compare", endpoint="PFS")
    assert app.title[0].value == "Comparisons through a shared comparator"
    assert any("Exploratory" in w.value for w in app.warning)
    pair = next(w for w in app.selectbox if w.key == "compare__pair")
    assert any("ALEX" in o and "CROWN" in o for o in pair.options)
    app = open_page("compare", endpoint="PFS", pair="alex:a2020-pfs-hr|crown:jco-pfs-hr", swap="1")
    text = _markdown(app)
    # lorlatinib vs alectinib: 0.19 / 0.43 = 0.44 (95% CI 0.28–0.71), computed by hand in test_derived
    assert "HR 0.44 (95% CI 0.28–0.71)" in text
    differs = _table_with(app, "Aspect")
    assert set(differs["Aspect"]) >= {"Assessment", "Data cut", "Median follow-up", "Line", "Population"}
    assert "differs" in set(differs["Differs"])


def test_compare_page_refuses_a_subgroup_against_a_whole_population():
    app = open_page("compare", endpoint="PFS", pair="alex:a2020-pfs-hr|crown:asian-pfs-hr")
    assert any("A subgroup against a whole population" in e.value for e in app.error)


def test_compare_page_in_chinese():
    app = open_page("compare", endpoint="PFS", lang="zh-Hant")
    assert app.title[0].value == "通過共同對照的比較"


def test_forest_at_95_leaves_unstated_levels():
    app = open_page("forest", ci95="1", cuts="1")
    captions = " ".join(c.value for c in app.caption)
    assert "0 interval(s) converted to 95%" in captions
    assert "with no stated level left as printed" in captions


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_sources_page_explains_each_derivation(lang):
    app = open_page("sources", lang=lang)
    text = _markdown(app)
    assert ("Bucher" in text) and ("Altman 1998" in text)
    if lang == "en":
        assert "Derived numbers: what is computed and how" in [h.value for h in app.header]
        assert "Descriptive title written by the curator" in dataframes(app)[0].to_string()
    else:
        assert "需治疗人数" in text or "需治療人數" in text


def test_survival_comparison_table_has_the_absolute_difference_column():
    app = open_page("survival", endpoint="PFS", cancer="nsclc-alk")
    table = dataframes(app)[-1]
    column = "Absolute difference in rates and NNT (derived)"
    assert column in table.columns
    crown = [text for text in table[column] if "+52 percentage points (95% CI 41.9 to 62.1)" in str(text)]
    assert crown and "NNTB 1.92" in crown[0]
    assert any(
        str(text).endswith("months vs control [derived]")
        for text in table["Difference in medians (within trial, derived)"]
    )


def test_forest_explains_the_caveat_badge():
    app = open_page("forest", cancer="hcc")
    assert any("⚠ after a row's name" in c.value for c in app.caption)

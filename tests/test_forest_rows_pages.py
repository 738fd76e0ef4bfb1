"""The forest page and the trial page's hazard-ratio table, through the real entrypoint."""

from __future__ import annotations

import json
import re

import pytest

from tests.test_pages import dataframes, full_error_details, open_page  # noqa: F401 - the fixture


def charts(app):
    """Each Plotly figure's row labels and annotation texts, in page order."""
    out = []
    for chart in app.get("plotly_chart"):
        layout = json.loads(chart.proto.spec)["layout"]
        out.append(
            {
                "labels": list(layout["yaxis"]["ticktext"]),
                "annotations": " ".join(a.get("text", "") for a in layout.get("annotations", [])),
            }
        )
    return out


def plain(label: str) -> str:
    """A row label as read: its two lines joined by " / ", markup dropped."""
    return re.sub(r"<[^>]+>", "", label.replace("<br>", " / "))


def captions(app) -> str:
    return " ".join(c.value for c in app.caption)


def page_links(app):
    return [element.proto for element in app.get("page_link")]


def test_forest_default_shows_the_latest_estimate_and_states_the_rule():
    app = open_page("forest", endpoint="PFS", cancer="nsclc-alk")
    (figure,) = charts(app)
    alta = [plain(label) for label in figure["labels"] if label.startswith("ALTA-1L")]
    assert alta == ["ALTA-1L · PFS · vs Crizotinib / BICR · Final results (2021)"]
    assert not any("Interim" in label for label in figure["labels"])
    assert "Latest estimates only" in captions(app) and "2 earlier estimate(s) hidden" in captions(app)
    # the table under the plot holds the same rows
    assert len(dataframes(app)[-1]) == len(
        [label for label in figure["labels"] if not label.startswith("<b>")]
    )


def test_forest_all_cuts_names_every_cut():
    app = open_page("forest", endpoint="PFS", cancer="nsclc-alk", cuts="1")
    labels = charts(app)[0]["labels"]
    alta = [plain(label) for label in labels if label.startswith("ALTA-1L")]
    assert alta == [
        "ALTA-1L · PFS · vs Crizotinib / First interim analysis (2018) · Interim analysis",
        "ALTA-1L · PFS · vs Crizotinib / BICR · Final results (2021)",
    ]
    assert "Every data cut: each row names its cut" in captions(app)


def test_responder_comparison_is_drawn_apart_without_favours_labels():
    app = open_page("forest")
    main, other = charts(app)
    assert "favours experimental" in main["annotations"] and "favours control" in main["annotations"]
    assert not any(label.startswith("CLEVER") for label in main["labels"])
    assert [plain(label) for label in other["labels"] if not label.startswith("<b>")] == [
        "CLEVER · RFS · DTCs cleared vs DTCs persistent / Nature Medicine 2025 ⚠"
    ]
    assert "favours" not in other["annotations"]
    assert any(h.value == "Other comparisons: not experimental vs control" for h in app.subheader)
    assert "favour no treatment" in captions(app)


def test_only_a_responder_comparison_draws_no_arm_figure():
    app = open_page("forest", cancer="breast")
    (figure,) = charts(app)
    assert "favours" not in figure["annotations"]


@pytest.mark.parametrize(
    ("lang", "intro", "link"),
    [
        ("en", "PFS: 1 trial(s) match the filters", "Compare PFS on the survival page"),
        ("zh-Hans", "PFS：1 项试验符合筛选条件", "在生存指标比较页查看PFS"),
    ],
)
def test_trials_without_a_hazard_ratio_are_listed_with_a_survival_link(lang, intro, link):
    app = open_page("forest", endpoint="PFS", cancer="sclc", lang=lang)
    assert any(
        h.value in ("Matching trials that report no hazard ratio", "符合筛选条件但未报告风险比的试验")
        for h in app.subheader
    )
    text = " ".join(m.value for m in app.markdown)
    assert intro in text and "**LEAD**" in text
    assert ("Median PFS" if lang == "en" else "中位PFS") in text
    (survival,) = [p for p in page_links(app) if "survival" in p.page]
    assert survival.label == link
    assert sorted(survival.query_string.split("&")) == sorted(["endpoint=PFS", "cancer=sclc", f"lang={lang}"])


def test_profile_1014_is_named_under_the_alk_pfs_plot():
    app = open_page("forest", endpoint="PFS", cancer="nsclc-alk", cuts="1")
    text = " ".join(m.value for m in app.markdown)
    assert "**PROFILE 1014** (Randomized): Median PFS" in text
    (survival,) = [p for p in page_links(app) if "survival" in p.page]
    assert "cuts=1" in survival.query_string.split("&")


def hr_table(app):
    return next(frame for frame in dataframes(app) if "Data cut" in frame.columns)


def test_trial_hazard_ratio_table_has_a_cut_column_and_no_duplicates():
    crown = hr_table(open_page("trial", trial="crown"))
    pfs = crown[crown["Measure"] == "Hazard ratio, PFS"]
    assert list(pfs["Data cut"]) == [
        "7-year update (ASCO 2026) · Updated analysis",
        "Asian subgroup at 5 years (J Thorac Oncol) · Updated analysis",
        "5-year outcomes (J Clin Oncol 2024) · Updated analysis",
    ]
    assert list(pfs["Latest?"]) == ["latest", "latest", "earlier cut: a later cut reports this comparison"]
    assert not crown.duplicated().any()
    clever = hr_table(open_page("trial", trial="clever"))
    assert len(clever) == 1 and clever.iloc[0]["Source"] == "002_f2f9ef212c690712; clever-natmed-2025"
    assert clever.iloc[0]["Comparison"].endswith("(not experimental vs control)")


def test_trial_hazard_ratio_table_in_chinese():
    table = dataframes(open_page("trial", trial="alta-1l", lang="zh-Hans"))
    hr = next(frame for frame in table if "数据截点" in frame.columns)
    assert list(hr["是否最新"]).count("最新") == 2
    assert any(cut.endswith("期中分析") for cut in hr["数据截点"])

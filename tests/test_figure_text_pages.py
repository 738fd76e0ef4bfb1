"""What the figures say on the pages (AppTest): titles, citations and text alternatives."""

from __future__ import annotations

import json
import re

import pytest

from tests.test_pages import full_error_details, open_page  # noqa: F401 - the fixture is autouse

INTERNAL_IDS = ("004_e230c91d0180c05b", "001_eddef5fca2ee7ab0", "crown-jco-2024-5y", "alex-annonc-2020")


def specs(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def annotations(spec: dict) -> str:
    """The figure's annotations as one text, wrapped lines joined again."""
    return " ".join(a.get("text", "") for a in spec["layout"].get("annotations", [])).replace("<br>", " ")


def title(spec: dict) -> str:
    """The figure's title with its lines joined by the separator they were broken at."""
    return spec["layout"]["title"]["text"].replace("<br>", " · ")


def alt_texts(app, label: str) -> list[str]:
    """The text alternatives under the charts, as read (markdown escapes taken off)."""
    return [
        re.sub(r"\\(.)", r"\1", " ".join(m.value for m in e.markdown))
        for e in app.expander
        if e.label == label
    ]


@pytest.mark.parametrize(
    ("lang", "heading", "alt"),
    [
        ("en", "PFS hazard ratios · ALK-positive non-small-cell lung cancer", "Chart as text"),
        ("zh-Hans", "PFS风险比 · ALK阳性非小细胞肺癌", "图表文字说明"),
        ("zh-Hant", "PFS風險比 · ALK陽性非小細胞肺癌", "圖表文字說明"),
    ],
)
def test_forest_figure_titles_cites_and_describes_itself(lang, heading, alt):
    app = open_page("forest", endpoint="PFS", cancer="nsclc-alk", lang=lang)
    spec = specs(app)[0]
    assert title(spec).startswith(heading)
    footer = annotations(spec)
    assert "CROWN" in footer and "NCT03036488" in footer and "CancerNetwork 2026" in footer
    assert not [i for i in INTERNAL_IDS if i in footer]
    described = alt_texts(app, alt)
    assert (
        described and "0.19" in described[0] and "0.48" in described[0]
    )  # ALTA-1L final, not its interim 0.49
    assert spec["layout"]["meta"]["summary"].split(" ")[0] in described[0]
    # the citation is repeated as text beside the description: readable at any width
    captions = [
        re.sub(r"\\(.)", r"\1", " ".join(c.value for c in e.caption)) for e in app.expander if e.label == alt
    ]
    assert captions and "NCT03036488" in captions[0] and "CancerNetwork 2026" in captions[0]


def test_forest_title_follows_the_data_cut_rule():
    latest = title(specs(open_page("forest", endpoint="OS"))[0])
    every = title(specs(open_page("forest", endpoint="OS", cuts="1"))[0])
    assert "latest data cut per trial" in latest and "all cancer types" in latest
    assert "every data cut" in every


def test_survival_medians_are_printed_and_both_charts_are_described():
    app = open_page("survival", endpoint="PFS", cancer="nsclc-alk")
    medians, landmarks = specs(app)
    text = next(trace for trace in medians["data"] if trace.get("mode") == "text")
    assert "9.1 months (95% CI 7.4–10.9)" in text["text"]
    assert "not reached (95% CI 68.5–NR)" in text["text"]
    assert title(medians).startswith("Median PFS by trial and arm")
    assert "landmark rates" in title(landmarks)
    described = alt_texts(app, "Chart as text")
    assert len(described) == 2
    assert "CROWN · Crizotinib: 9.1 months (95% CI 7.4–10.9)" in described[0]
    assert "5 years 60%" in described[1]


def test_the_trial_pages_timeline_is_titled_cited_and_described():
    app = open_page("trial", trial="crown")
    described = alt_texts(app, "Chart as text")
    assert described and any("HR 0.19 (95% CI 0.13–0.27) → 7-year update" in d for d in described)
    charts = specs(app)
    assert charts and all(title(spec).startswith("CROWN · ") for spec in charts)
    assert all("every data cut of the trial" in title(spec) for spec in charts)
    assert all("J Clin Oncol 2024" in annotations(spec) for spec in charts)
    assert all(spec["layout"]["meta"]["summary"] for spec in charts)


def test_the_comparison_cites_its_inputs_by_outlet_not_id():
    app = open_page("compare", endpoint="PFS", pair="alex:a2020-pfs-hr|crown:jco-pfs-hr")
    captions = " ".join(c.value for c in app.caption)
    assert "Ann Oncol 2020" in captions and "CROWN" in captions
    assert "alex-annonc-2020" not in captions and "crown-jco-2024-5y" not in captions

"""How numbers are written: CI levels always stated, bounds and ranges spelled out."""

import pytest

from core.presentation import formatting


def row(**fields):
    base = {"endpoint": "PFS", "measure": "median", "unit": "months", "qualifier": "=", "ci_level": ""}
    return {**base, **fields}


@pytest.mark.parametrize(
    ("fields", "lang", "expected"),
    [
        (
            dict(
                value=8.3,
                value_text="8.3",
                ci_low=4.8,
                ci_high=12.3,
                ci_low_text="4.8",
                ci_high_text="12.3",
                ci_level="80",
            ),
            "en",
            "8.3 months (80% CI 4.8–12.3)",
        ),
        (
            dict(
                measure="hr",
                unit="ratio",
                value=0.73,
                value_text="0.73",
                ci_low_text="0.59",
                ci_high_text="0.91",
                ci_level="unknown",
            ),
            "en",
            "HR 0.73 (CI 0.59–0.91, level not stated)",
        ),
        (
            dict(qualifier="not-reached", ci_low_text="64.3", ci_high_text="NR", ci_level="95"),
            "en",
            "not reached (95% CI 64.3–NR)",
        ),
        (dict(qualifier=">", value=60, value_text="60"), "en", ">60 months"),
        (
            dict(qualifier="range", value=25.7, value_text="25.7", value_high=38.6, value_high_text="38.6"),
            "en",
            "25.7–38.6 months",
        ),
        (
            dict(unit="percent", measure="proportion", value=80, value_text="80", n=24, n_total=30),
            "en",
            "80% (24/30)",
        ),
        (
            dict(measure="hr", unit="ratio", value=0.6, value_text="0.60", p_value="0.015"),
            "en",
            "HR 0.60 (P = 0.015)",
        ),
        (
            dict(value=8.3, value_text="8.3", ci_low_text="4.8", ci_high_text="12.3", ci_level="80"),
            "zh-Hans",
            "8.3个月 (80% CI 4.8–12.3)",
        ),
    ],
)
def test_value_text(fields, lang, expected):
    assert formatting.value_text(row(**fields), lang) == expected


def test_caveats_name_80_percent_intervals_interim_and_review_claims():
    caveats = formatting.caveats(
        row(
            ci_level="80",
            analysis_kind="interim",
            evidence_kind="review-claim",
            disputed=True,
            flags=["doubtful-attribution"],
        ),
        "en",
    )
    assert caveats[0].startswith("80% CI")
    assert "Interim analysis" in caveats and "Review claim" in caveats
    assert any("Doubtful attribution" in caveat for caveat in caveats)


def test_metric_labels():
    assert (
        formatting.metric_label(row(measure="landmark", unit="percent", timepoint=36), "en")
        == "3-year PFS rate"
    )
    assert (
        formatting.metric_label(row(measure="landmark", unit="percent", timepoint=12), "zh-Hans")
        == "1年PFS率"
    )
    assert formatting.metric_label(row(measure="hr", unit="ratio", endpoint="OS"), "en") == "Hazard ratio, OS"


def test_headline_joins_arms_and_flags_review_claims():
    records = [
        row(value=8.57, value_text="8.57", evidence_kind="trial-report"),
        row(value=3.02, value_text="3.02", evidence_kind="trial-report"),
    ]
    assert formatting.headline_text(records, "en") == "Median PFS: 8.57 months vs 3.02 months"
    claim = [row(qualifier=">", value=60, value_text="60", evidence_kind="review-claim")]
    assert formatting.headline_text(claim, "en").endswith("[Review claim]")


def test_snippet_reading_converts_script_and_strips_pinyin():
    snippet = "1年和2年P(guān)FS率分別為40.0%和23.3%"
    assert formatting.snippet_reading(snippet, "Hant", "zh-Hans") == "1年和2年PFS率分别为40.0%和23.3%"
    assert formatting.snippet_reading("中位PFS为8.3个月", "Hans", "zh-Hans") == ""
    assert formatting.snippet_reading("软组织肉瘤", "Hans", "zh-Hant") == "軟組織肉瘤"

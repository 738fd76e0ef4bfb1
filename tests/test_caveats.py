"""Trial-level caveats as coded flags (issue 12, item 5): vocabulary, validation, database, queries."""

from core import queries, schema
from core.presentation.i18n import vocab_label


def test_curated_caveats(evidence):
    caveats = {t.id: set(t.caveats) for t in evidence.trials}
    assert caveats["talentop"] == {"non-proportional-hazards"}
    assert caveats["clever"] == {"responder-comparison", "mistranslation"}
    assert caveats["altn-iii-04"] == {"garbled-design-statement"}
    assert caveats["crown"] == set()


def test_the_responder_comparison_is_also_flagged_on_the_estimate(evidence):
    flagged = {v.id for v in evidence.values if "responder-comparison" in v.flags}
    assert flagged == {"art-hr-dtc-cleared", "nm-hr-dtc-cleared"}


def test_caveats_reach_the_trial_and_forest_rows(con):
    assert list(queries.trial(con, "talentop").iloc[0]["caveats"]) == ["non-proportional-hazards"]
    rows = queries.forest_rows(con, trial_ids=("talentop", "crown"), latest_only=False)
    by_trial = {t: list(c) for t, c in zip(rows["trial"], rows["trial_caveats"])}
    assert by_trial["talentop"] == ["non-proportional-hazards"]
    assert by_trial["crown"] == []


def test_caveat_labels_in_three_languages():
    for key in schema.CAVEATS:
        english = vocab_label(schema.CAVEATS, key, "en")
        simplified = vocab_label(schema.CAVEATS, key, "zh-Hans")
        traditional = vocab_label(schema.CAVEATS, key, "zh-Hant")
        assert english and simplified and traditional
        assert english != simplified and simplified != key
    assert vocab_label(schema.CAVEATS, "non-proportional-hazards", "zh-Hant").startswith("生存曲線")


def test_caveats_on_the_card_and_the_forest_caveat_text(con):
    from core.presentation import formatting
    from core.presentation.card import evidence_card_html

    card = evidence_card_html(con, "talentop", "zh-Hant")
    assert "生存曲線交叉" in card
    row = queries.forest_rows(con, trial_ids=("talentop",), latest_only=False).iloc[0].to_dict()
    assert any(c.startswith("Survival curves crossed") for c in formatting.caveats(row, "en"))


def test_forest_row_of_a_trial_with_a_caveat_carries_a_badge(con):
    from core.presentation import plots

    rows = queries.forest_rows(con, trial_ids=("talentop", "crown"), latest_only=True)
    fig = plots.forest_figure(rows, lang="en")
    labels = list(fig.layout.yaxis.ticktext)
    assert any(label.startswith("TALENTOP") and label.endswith("⚠") for label in labels)
    assert not any(label.startswith("CROWN") and label.endswith("⚠") for label in labels)

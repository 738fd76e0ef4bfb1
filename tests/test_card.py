"""The printable evidence card: complete, cited, escaped."""

import datetime as dt

import pytest

from core import db
from core.presentation.card import evidence_card_html


def test_card_has_design_results_caveats_and_sources(con):
    card = evidence_card_html(con, "lead", "en", generated=dt.date(2026, 1, 2))
    assert card.startswith("<!doctype html>") and card.endswith("</html>")
    assert "LEAD" in card and "Single-arm trial" in card and "80% CI — not comparable with 95%" in card
    assert "8.3 months (80% CI 4.8–12.3)" in card
    assert "004_e230c91d0180c05b" in card and "2026-01-02" in card
    assert "@page { size: A4" in card


def test_card_follows_the_language(con):
    card = evidence_card_html(con, "altn-iii-04", "zh-Hant")
    assert "軟組織肉瘤" in card and "證據卡" in card


def test_card_escapes_data(evidence):
    import dataclasses

    hostile = dataclasses.replace(evidence.trials[0], title="<script>alert(1)</script>", name="<b>x</b>")
    tampered = dataclasses.replace(evidence, trials=[hostile, *evidence.trials[1:]])
    connection = db.connect_memory(tampered)
    try:
        card = evidence_card_html(connection, hostile.id, "en")
    finally:
        connection.close()
    assert "<script>" not in card and "&lt;script&gt;" in card and "<b>x</b>" not in card


def test_unknown_trial_is_an_error(con):
    with pytest.raises(KeyError):
        evidence_card_html(con, "no-such-trial")

"""The trial page and the evidence card show the same caveats, because one presenter builds them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.presentation import caveats
from core.presentation.card import evidence_card_html

APP = str(Path(__file__).resolve().parent.parent / "app.py")
BADGE = re.compile(r":[a-z]+-badge\[([^\]]+)\]")


def page_badge_codes(trial: str, lang: str) -> list[str]:
    """The caveat codes of the badges the trial page shows, read back from their words."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["trial"] = trial
    app.query_params["lang"] = lang
    app.switch_page("pages/trial.py")
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    from core import schema

    codes = [*caveats.TRIAL_CAVEATS, *schema.CAVEATS]  # computed and curated trial caveats
    words = {caveats.label(code, lang): code for code in codes}
    shown = [label for m in app.markdown for label in BADGE.findall(m.value)]
    assert all(label in words for label in shown), shown
    return [words[label] for label in shown]


@pytest.mark.parametrize(
    ("trial", "lang"), [("talentop", "en"), ("lead", "zh-Hant"), ("crown", "zh-Hans"), ("altn-iii-04", "en")]
)
def test_page_and_card_show_the_same_trial_caveats(con, trial, lang):
    card = evidence_card_html(con, trial, lang)
    card_codes = re.findall(r'data-caveat="([^"]+)"', card)
    page_codes = page_badge_codes(trial, lang)
    assert page_codes, f"{trial} shows no caveat badge"
    assert page_codes == card_codes

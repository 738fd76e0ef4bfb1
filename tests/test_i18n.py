"""Catalogs: the same keys in every language, every key the code uses exists, fallbacks work."""

import re
from pathlib import Path

import pytest

from core.presentation import i18n

ROOT = Path(__file__).resolve().parent.parent


def test_catalogs_have_the_same_keys():
    english, simplified = set(i18n.catalog("en")), set(i18n.catalog("zh-Hans"))
    assert english == simplified, f"only en: {english - simplified}; only zh-Hans: {simplified - english}"
    assert set(i18n.catalog("zh-Hant")) == english


def test_every_key_used_in_code_exists():
    used = set()
    pattern = re.compile(r"""\b(?:tr|t)\(\s*f?["']([a-z_]+\.[a-z0-9_.{}]+)["']""")
    files = [*ROOT.glob("core/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
    assert any("presentation" in path.parts for path in files)  # the figures and the card too
    for path in files:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    catalog = i18n.catalog("en")
    missing = []
    for key in used:
        if "{" in key:  # an f-string key: at least one catalog key must fit its pattern
            regex = re.sub(r"\\\{[^}]*\\\}", "[a-z0-9_-]+", re.escape(key))
            if not any(re.fullmatch(regex, known) for known in catalog):
                missing.append(key)
        elif key not in catalog:
            missing.append(key)
    assert not missing, missing


def test_traditional_is_generated_with_taiwan_phrasing_and_the_glossary():
    hant = i18n.catalog("zh-Hant")
    assert hant["nav.survival"] == "生存指標比較"
    assert "信賴區間" in hant["caveat.ci80"]  # glossary: 置信区间 → 信賴區間 (Taiwan usage)


def test_missing_key_falls_back_to_english_then_to_the_key(monkeypatch):
    monkeypatch.setitem(i18n.catalog("en"), "only.in.english", "Only in English {n}")
    # missing from the Chinese catalogs: the English string, formatted
    assert "only.in.english" not in i18n.catalog("zh-Hans")
    assert i18n.t("only.in.english", "zh-Hans", n=3) == "Only in English 3"
    assert i18n.t("only.in.english", "zh-Hant", n=3) == "Only in English 3"
    # present but empty (not yet translated): English too
    monkeypatch.setitem(i18n.catalog("zh-Hans"), "only.in.english", "")
    assert i18n.t("only.in.english", "zh-Hans", n=3) == "Only in English 3"
    # a translated key is not replaced by English
    assert i18n.t("nav.trials", "zh-Hans") == "试验列表" != i18n.t("nav.trials", "en")
    # missing everywhere: the key itself, visible
    assert i18n.t("no.such.key", "zh-Hant") == "no.such.key"


@pytest.mark.parametrize(
    ("requested", "locale", "expected"),
    [
        ("zh-Hant", "en-US", "zh-Hant"),
        (None, "zh-TW", "zh-Hant"),
        (None, "zh-CN", "zh-Hans"),
        (None, "zh-HK", "zh-Hant"),
        (None, "fr-FR", "en"),
        ("xx", None, "en"),
        (None, None, "en"),
    ],
)
def test_language_from_url_then_browser_locale(requested, locale, expected):
    assert i18n.resolve_language(requested, locale) == expected


def test_data_text_falls_back_and_converts():
    assert i18n.data_text("Soft-tissue sarcoma", "软组织肉瘤", "zh-Hant") == "軟組織肉瘤"
    assert i18n.data_text("Only English", "", "zh-Hans") == "Only English"
    assert i18n.data_text("", "只有中文", "en") == "只有中文"

"""Interface catalogs and data-text conversion for English, 简体中文 and 繁體中文.

English and Simplified Chinese catalogs are written by hand (``data/i18n/*.toml``, one
key per string, the same keys in both). Traditional Chinese is generated from the
Simplified catalog with OpenCC's ``s2twp`` (Taiwan phrasing), then a small curated
glossary (``zh-Hant-glossary.toml``) fixes medical terms that OpenCC renders wrongly.
A key missing from a catalog falls back to English.

May import: ``core.text`` (script conversion) and the standard library. Nothing else of the
package depends on less: every other module may import this one.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from core.text import to_traditional

LANGUAGES: dict[str, str] = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}
DEFAULT_LANGUAGE = "en"
CATALOG_DIR = Path(__file__).resolve().parents[2] / "data" / "i18n"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@lru_cache(maxsize=4)
def _read(name: str) -> dict[str, str]:
    path = CATALOG_DIR / f"{name}.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return _flatten(tomllib.load(handle))


def to_hant(text: str) -> str:
    """Simplified → Traditional (Taiwan phrasing), with the curated glossary applied after."""
    converted = to_traditional(text)
    for wrong, right in _read("zh-Hant-glossary").items():
        converted = converted.replace(wrong, right)
    return converted


@lru_cache(maxsize=4)
def catalog(lang: str) -> dict[str, str]:
    """The catalog of ``lang``; Traditional is generated from Simplified once and cached."""
    if lang == "zh-Hant":
        return {key: to_hant(value) for key, value in _read("zh-Hans").items()}
    return _read(lang)


def resolve_language(requested: str | None, locale: str | None = None) -> str:
    """A supported language: the requested one, else the browser locale's, else English.

    ``zh-TW``, ``zh-HK`` and ``zh-Hant*`` map to Traditional; other ``zh`` to Simplified.
    """
    if requested in LANGUAGES:
        return requested
    tag = (locale or "").replace("_", "-").lower()
    if tag.startswith("zh"):
        if any(part in tag for part in ("hant", "-tw", "-hk", "-mo")):
            return "zh-Hant"
        return "zh-Hans"
    return DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The interface string ``key`` in ``lang``, formatted with ``values``.

    Falls back to English, then to the key itself (so a missing string is visible, not a crash).
    """
    text = catalog(lang).get(key) or catalog("en").get(key) or key
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def data_text(english: str, chinese: str, lang: str) -> str:
    """A curated text field in the chosen language.

    Records carry English and Simplified Chinese; Traditional is converted on the fly.
    Whichever is missing falls back to the other, so nothing is ever blank.
    """
    english, chinese = english or "", chinese or ""
    if lang == "en":
        return english or chinese
    text = chinese or english
    return to_hant(text) if lang == "zh-Hant" and chinese else text


def english_only(english: str, chinese: str, lang: str) -> bool:
    """A Chinese reader is shown a curated text that exists only in English."""
    return lang != "en" and bool(english) and not chinese


def data_text_marked(english: str, chinese: str, lang: str) -> str:
    """:func:`data_text`, saying so where a Chinese reader gets the English text.

    The record carries no Chinese for this text: rather than a silent switch of language, the
    text starts with a small marker (``zh.english_only``: 〔仅英文〕 / 〔僅英文〕).
    """
    text = data_text(english, chinese, lang)
    if english_only(english, chinese, lang):
        return f"{t('zh.english_only', lang)} {text}"
    return text


def vocab_label(vocab: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """The label of a vocabulary key (``core.schema``) in ``lang``; the key if unknown."""
    if key not in vocab:
        return key
    english, chinese = vocab[key]
    return data_text(english, chinese, lang)

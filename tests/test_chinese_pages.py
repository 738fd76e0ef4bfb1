"""Chinese pages are Chinese: a crawl of every page (every trial, every survival endpoint) with
AppTest, reading every text the reader sees — titles, markdown, widget labels and options,
table headers and cells, the figures' labels and hover text — for internal keys.

An internal key is a vocabulary key that is not a word a reader uses (``FOLLOW-UP``,
``PROGRESSION-PATTERN``, ``trial-report``, ``not-stated``…; abbreviations clinicians use in both
languages, ``PFS``, ``IC-ORR``, stay) or an id of the records (analysis, value, arm ids).
Allowed on purpose: the glossary's column of codes (labelled as the codes used in links and
CSV), the derived tables' input ids and formulas (a derived number names its inputs), link
addresses, and source ids where a value names its source (``label.source`` columns; they are
the citation keys of the registry on the Sources page).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

from core import schema
from core.presentation.i18n import t
from tests.html_tables import read_tables
from tests.test_pages import open_page

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TRIALS = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "data" / "trials").glob("*.toml"))

PAGES = [
    ("trials", {}),
    ("forest", {"cuts": "1"}),
    ("forest", {"group": "endpoint"}),
    ("compare", {}),
    ("import", {}),
    ("sources", {}),
    *[("survival", {"endpoint": e}) for e in schema.SURVIVAL_ENDPOINTS],
    *[("trial", {"trial": trial}) for trial in TRIALS],
]

_PROTO_TEXT = {"body", "label", "options", "placeholder", "help", "default_value", "caption"}
_PLOT_TEXT = {"text", "name", "hovertext", "hovertemplate", "ticktext", "x", "y"}


def _plot_strings(node, out: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "template":
                continue
            if isinstance(value, (dict, list)) or key in _PLOT_TEXT:
                _plot_strings(value, out)
    elif isinstance(node, list):
        for value in node:
            _plot_strings(value, out)
    elif isinstance(node, str):
        out.append(node)


def _proto_strings(message: Message, out: list[str]) -> None:
    for field, value in message.ListFields():
        items = value if field.is_repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for item in items:
                if isinstance(item, Message):
                    _proto_strings(item, out)
        elif field.type == field.TYPE_STRING:
            if field.name == "spec":
                for spec in items:
                    _plot_strings(json.loads(spec), out)
            elif field.name in _PROTO_TEXT:
                out.extend(items)


def visible_texts(app: AppTest, exempt_columns: set[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Every text of the page, and the table cells by column header (exempt columns left out)."""
    texts: list[str] = []
    columns: dict[str, list[str]] = {}

    def walk(node) -> None:
        if type(node).__name__ == "Html" and "oee-table" in str(node.value):
            # the presenters' HTML tables, read by the headers the reader sees
            for frame in read_tables(node.value):
                table(frame.set_axis(frame.attrs["labels"], axis=1))
            return
        if isinstance(node, Dataframe):
            table(node.value)
            return
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message) and type(node).__name__ != "Html":
            _proto_strings(proto, texts)
        children = getattr(node, "children", None) or {}
        for child in children.values() if isinstance(children, dict) else children:
            walk(child)

    def table(frame) -> None:
        texts.extend(str(c) for c in frame.columns)
        for position, column in enumerate(frame.columns):
            cells = [str(v) for v in frame.iloc[:, position] if isinstance(v, str)]
            columns.setdefault(str(column), []).extend(cells)
            if str(column) not in exempt_columns and not any(c.startswith(("http", "trial?")) for c in cells):
                texts.extend(cells)

    walk(app._tree)
    return [text.replace("\\", "") for text in texts], columns


READER_ABBREVIATIONS = {*schema.ENDPOINT_ABBREVIATIONS, "BICR", "ITT"}
"""Upper-case keys that are the abbreviations clinicians read (blinded independent central review)."""


def internal_keys() -> re.Pattern:
    keys = set()
    for vocabulary in schema.VOCABULARIES.values():
        for key in vocabulary.labels:
            # keys a reader could not take for a word: upper case or hyphenated
            if key not in READER_ABBREVIATIONS and ("-" in key or (key.isupper() and len(key) > 3)):
                keys.add(key)
    from core.records import DEFAULT_DATA_DIR, load_evidence

    evidence = load_evidence(DEFAULT_DATA_DIR)
    for record in (*evidence.analyses, *evidence.values, *evidence.arms):
        if "-" in record.id:  # a hyphenated id is never a word of a label
            keys.add(record.id)
    # a key counts where it stands alone: not inside a longer id, a URL or a file name
    names = "|".join(sorted(map(re.escape, keys), key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_./:?=&-])({names})(?![A-Za-z0-9_-])")


@pytest.fixture(scope="module")
def key_pattern() -> re.Pattern:
    return internal_keys()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("中位FOLLOW-UP — PFS随访", ["FOLLOW-UP"]),
        ("**进展模式与后续治疗** (PROGRESSION-PATTERN)", ["PROGRESSION-PATTERN"]),
        ("trial-report", ["trial-report"]),
        ("中位PFS — 度伐利尤单抗", []),
        ("https://example.org/lead-elcc-2024", []),
        ("alex:a2020-pfs-hr", []),
    ],
)
def test_the_crawl_finds_keys_where_they_stand(key_pattern, text, found):
    assert key_pattern.findall(text) == found


def crawl(page: str, lang: str, params: dict[str, str]) -> AppTest:
    """``/<page>?lang=<lang>&<params>`` opened as a fresh session (tests/test_pages.py)."""
    return open_page(page, lang=lang, **params)


def exempt(lang: str) -> set[str]:
    return {
        t("sources.term", lang),  # the glossary's codes, labelled as such
        t("derived.col_inputs", lang),
        t("derived.col_formula", lang),
        t("compare.formula", lang),
        t("label.source", lang),
        t("col.sources", lang),
    }


def _leaked(key: str, text: str, lang: str) -> bool:
    """An upper-case key leaks wherever it stands; a lower-case one (``first-line``,
    ``cross-trial``) is also an English word, so it leaks only as a whole text (a cell that is
    the key) or inside Chinese text — not in an English note or title that uses the word."""
    if not key.islower():
        return True
    body = text.removeprefix(t("zh.english_only", lang)).strip()
    chinese = len(re.findall(r"[\u3400-\u9fff]", body))
    return body == key or chinese > len(re.findall(r"[A-Za-z]", body))


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_no_page_shows_an_internal_key(lang, key_pattern):
    leaks: dict[str, set[str]] = {}
    # the figure footer's source list is the citation's business (core/presentation/figure_data.py)
    footer = t("figure.footer", lang, trials="", sources="").split("·")[0].strip()
    for page, params in PAGES:
        texts, _ = visible_texts(crawl(page, lang, params), exempt(lang))
        where = page + "?" + "&".join(f"{k}={v}" for k, v in params.items())
        for text in texts:
            if text.startswith(footer):
                continue
            for key in key_pattern.findall(text):
                if _leaked(key, text, lang):
                    leaks.setdefault(key, set()).add(f"{where}: {text[:100]}")
    assert not leaks, "\n".join(f"{key}: {sorted(places)[:3]}" for key, places in leaks.items())


def _is_english(text: str) -> bool:
    return len(re.findall(r"[A-Za-z]", text)) >= 20 and not re.search(r"[\u3400-\u9fff]", text)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_an_english_only_note_says_so_on_chinese_pages(lang):
    marker = t("zh.english_only", lang)
    note = t("trial.note", lang)
    read = 0
    for trial in TRIALS:
        _, columns = visible_texts(crawl("trial", lang, {"trial": trial}), set())
        for cell in columns.get(note, []):
            read += 1
            if _is_english(cell.removeprefix(marker)):
                assert cell.startswith(marker), f"{trial}: {cell[:80]}"
    assert read > 100  # the crawl does read the note columns


def test_the_value_table_marks_a_note_the_record_has_only_in_english(con):
    from core import queries
    from core.presentation import tables

    values = queries.trial_values(con, "lead")
    english_only = values.assign(note_zh="")  # as an imported record without Chinese would be
    for lang, marker in (("zh-Hans", "〔仅英文〕"), ("zh-Hant", "〔僅英文〕")):
        marked = [n for n in tables.value_table(english_only, lang)["note"] if n]
        assert marked and all(n.startswith(marker) for n in marked)
        chinese = [n for n in tables.value_table(values, lang)["note"] if n]
        assert chinese and not any(n.startswith(marker) for n in chinese)
    assert not any(n.startswith("[") for n in tables.value_table(english_only, "en")["note"])


def test_a_chinese_note_is_shown_in_chinese_without_the_marker():
    app = crawl("trial", "zh-Hans", {"trial": "lead"})
    _, columns = visible_texts(app, set())
    notes = [cell for cell in columns[t("trial.note", "zh-Hans")] if cell]
    assert any(re.search(r"[\u4e00-\u9fff]", cell) and not cell.startswith("〔") for cell in notes)

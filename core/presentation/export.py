"""CSV export that spreadsheet software opens safely and analysis software reads as it is.

UTF-8 with a byte-order mark (so Excel shows Chinese). Numbers are plain numbers: a whole
number is written without ``.0``, and a bound printed as ``NR``/``NE`` or a level not
stated sits in a text column of its own (``core/sql/export.sql``), never in the numeric one.

Formula guard (OWASP's advice, applied only where it is needed): a *text* cell that a
spreadsheet would read as a formula — it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return — gets a leading apostrophe, unless it is a plain number (``-0.3``), a
signed number with words after it (``+23.9 months``) or a lone sign (the ``=`` qualifier):
none of those can call a function or another program. A cell that already starts with an
apostrophe before such a character gets one more, so :func:`unneutralise` always gives the
cell back exactly.

Headers: the long export's columns (``core.schema.EXPORT_COLUMNS``) are stable keys; a page
writes them in the reader's language (catalog ``export.col_<key>``), and the import reads
keys and every language's headers alike (:func:`header_keys`).

May import: pandas, core.schema, core.presentation.i18n, and (for :func:`page_values`)
core.presentation.tables and caveats; the standard library. The CLI and the importer use it
too. Every CSV the pages offer is written with :func:`to_csv_bytes`.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from core import schema
from core.presentation.i18n import LANGUAGES, t

FORMULA_PREFIXES = schema.FORMULA_PREFIXES
HEADER_KEYS = "keys"
"""The header option that writes the column keys themselves (``trial``, ``ci_low``…)."""
HEADER_OPTIONS = (*LANGUAGES, HEADER_KEYS)

# A number, optionally signed, then optionally words (letters, digits, spaces, %, ·, .):
# "-0.3", "+23.9 months", "-2.1 个月". No operator, bracket, quote, colon or pipe can
# follow, so such a cell cannot call a function or a program ("-2+3" and "-1|cmd" can).
_SAFE_SIGNED = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:[ \w%·.]*)", re.UNICODE)
_LONE_SIGNS = frozenset({"=", "+", "-"})


def is_formula(cell: str) -> bool:
    """Would a spreadsheet read this text cell as a formula worth guarding against?"""
    if not cell.startswith(FORMULA_PREFIXES):
        return False
    if cell in _LONE_SIGNS:
        return False  # the "=" qualifier: no formula to evaluate
    # a signed number, with or without words after it, is a number to a spreadsheet
    return not (cell[0] in "+-" and _SAFE_SIGNED.fullmatch(cell) and "_" not in cell)


def neutralise(cell: object) -> object:
    """Prefix a text cell that a spreadsheet would evaluate; leave everything else.

    A cell that already starts with an apostrophe before a formula character gets a second
    one, so :func:`unneutralise` gives every cell back exactly."""
    if not isinstance(cell, str):
        return cell
    if is_formula(cell) or (cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_PREFIXES):
        return "'" + cell
    return cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise`: ``'=1+1`` → ``=1+1`` (kept as text, never evaluated)."""
    if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_PREFIXES + ("'",):
        return cell[1:]
    return cell


def _plain(number: object) -> object:
    """A float as the shortest text that reads back as the same number (``12.0`` → ``12``)."""
    if isinstance(number, float):
        if math.isnan(number):
            return ""
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    return number


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with plain numbers and every text cell (and header) neutralised."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_float_dtype(series):
            out[column] = series.map(_plain).astype(object)
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = series.map(lambda cell: _plain(neutralise(cell)))
    out.columns = [neutralise(str(column)) for column in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as formula-safe CSV, UTF-8 with BOM."""
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(frame: pd.DataFrame, path: Path | str) -> None:
    Path(path).write_bytes(to_csv_bytes(frame))


# --- headers in the reader's language --------------------------------------------------------

LONG_COLUMNS = (*schema.EXPORT_COLUMNS, *schema.DISPLAY_COLUMNS)
"""Every column a long-format CSV can carry: the long export's and the pages' reading columns."""


def header(key: str, lang: str) -> str:
    """The header of long-format column ``key`` in ``lang`` (the key itself for ``keys``)."""
    if lang == HEADER_KEYS:
        return key
    label = t(f"export.col_{key}", lang)
    return key if label == f"export.col_{key}" else label


def with_headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with its long-format column keys written in ``lang`` (other columns as they are)."""
    return frame.rename(columns={key: header(key, lang) for key in frame.columns if key in LONG_COLUMNS})


@lru_cache(maxsize=1)
def _header_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for lang in (HEADER_KEYS, *LANGUAGES):  # a key always means itself
        for key in LONG_COLUMNS:
            mapping.setdefault(_fold(header(key, lang)), key)
    return mapping


def header_clashes() -> list[tuple[str, str, str]]:
    """Headers that would read as another column: ``(header, its key, the key it reads as)``.
    Empty, or an import would put a value in the wrong column (a test keeps it so)."""
    mapping = _header_map()
    return [
        (header(key, lang), key, mapping[_fold(header(key, lang))])
        for lang in HEADER_OPTIONS
        for key in LONG_COLUMNS
        if mapping[_fold(header(key, lang))] != key
    ]


def _fold(name: str) -> str:
    """Headers compare without case, width (（ = () or extra white space."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def header_keys(headers: Iterable[str]) -> list[str]:
    """The column key of each header, in any header language (unknown headers stay as they are)."""
    mapping = _header_map()
    return [mapping.get(_fold(unneutralise(name)), name) for name in headers]


# --- the CSV of the values a page shows -------------------------------------------------------


def shown_values(
    long: pd.DataFrame,
    keys: Sequence[tuple[str, str]],
    reading: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The long-format rows of the values a page shows, in the page's order.

    Parameters
    ----------
    long : DataFrame
        The long export (:func:`core.queries.export_frame`) of the trials shown.
    keys : sequence of (trial, value id)
        The values, in the order the page shows them.
    reading : DataFrame, optional
        Columns of :data:`core.schema.DISPLAY_COLUMNS` (the value as the page writes it, its
        caveats…), one row per key, appended after the long format's columns.

    Returns
    -------
    DataFrame
        One row per key found: estimate, CI bounds, CI level and unit in columns of their
        own, importable as it is (the reading columns are ignored by the import).
    """
    printed = long[long["evidence_kind"] != "derived"].drop(
        columns=list(schema.DERIVED_COLUMNS), errors="ignore"
    )
    index = {
        (trial, value_id): i for i, (trial, value_id) in enumerate(zip(printed["trial"], printed["value_id"]))
    }
    found = [(position, index[key]) for position, key in enumerate(keys) if key in index]
    out = printed.iloc[[row for _, row in found]].reset_index(drop=True)
    if reading is not None:
        extra = reading.iloc[[position for position, _ in found]].reset_index(drop=True)
        for column in extra.columns:
            out[column] = list(extra[column])
    return out


def page_values(long: pd.DataFrame, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The CSV frame of the values a page shows: the long format's columns (estimate, CI
    bounds, CI level and unit apart, importable as it is) and, after them, each value as the
    page writes it (trial label, value with CI and level, caveats; patients where known).

    Parameters
    ----------
    long : DataFrame
        The long export of the trials shown (:func:`core.queries.export_frame`).
    rows : DataFrame
        The value rows the page shows (``value_rows`` columns: ``trial``, ``id``…), in order.
    lang : str
        The reader's language (the reading columns; headers are :func:`with_headers`' job).
    """
    from core.presentation import caveats, tables

    if rows.empty:
        return shown_values(long, [])
    table = tables.value_table(rows, lang)
    reading = pd.DataFrame(
        {
            "shown_trial": list(table["trial"]),
            "shown_value": list(table["value"]),
            "shown_caveats": [caveats.text(codes, lang) for codes in table["caveats"]],
        }
    )
    if "n_patients" in rows.columns:
        reading["patients"] = pd.array(rows["n_patients"], dtype="Int64")
    return shown_values(long, list(zip(rows["trial"], rows["id"])), reading)


def values_csv(frame: pd.DataFrame, lang: str) -> bytes:
    """A long-format frame as CSV with its headers in ``lang`` (or the keys: ``"keys"``)."""
    return to_csv_bytes(with_headers(frame, lang))

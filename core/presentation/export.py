"""CSV export that spreadsheet software opens safely.

UTF-8 with a byte-order mark (so Excel shows Chinese), and every text cell that a
spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) neutralised with a leading apostrophe, as OWASP recommends. The long
export's columns are ``core.schema.EXPORT_COLUMNS`` (one list with the import's).

May import: pandas, core.schema (its ``FORMULA_PREFIXES``, shared with the importer) and the
standard library only (the CLI uses it too).
Every CSV the pages offer is a presenter's frame (:mod:`core.presentation.tables`) written
with :func:`to_csv_bytes`.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from core.schema import FORMULA_PREFIXES


def neutralise(cell: object) -> object:
    """Prefix a text cell that a spreadsheet would evaluate; leave everything else."""
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and header) neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(column)) for column in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as formula-safe CSV, UTF-8 with BOM."""
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(frame: pd.DataFrame, path: Path | str) -> None:
    Path(path).write_bytes(to_csv_bytes(frame))

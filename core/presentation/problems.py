"""Validation problems in the reader's language.

A :class:`core.problems.Problem` carries a code and parameters; its words are the catalog
entry ``problem.<code>`` (``data/i18n/en.toml``, ``zh-Hans.toml``; Traditional is generated).
:func:`problems_frame` is the one presenter of a problems table: the Import page, the
Sources page and ``python -m core check`` all show what it returns.

May import :mod:`core.problems` and :mod:`core.presentation.i18n`; nothing else of ``core``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd

from core.presentation.i18n import t
from core.problems import Problem

COLUMNS = ("file", "row", "field", "code", "message")
LABEL_KEYS = {
    "file": "import.col_file",
    "row": "import.col_record",
    "field": "import.col_field",
    "message": "import.col_reason",
    "code": "import.col_code",
}
"""The problems table as pages show it: column key → catalog key of its heading, in order."""


def message(problem: Problem, lang: str) -> str:
    """The problem's reason in ``lang`` (``problem.<code>`` formatted with its parameters)."""
    return t(f"problem.{problem.code}", lang, **problem.args)


def where(problem: Problem, lang: str) -> str:
    """The row or record: "line 5" for a CSV line (header = line 1), else the record."""
    if problem.line is not None:
        return t("problem.where_line", lang, line=problem.line)
    return problem.record


def problems_frame(problems: Iterable[Problem], lang: str) -> pd.DataFrame:
    """A tidy table of problems: columns ``file, row, field, code, message`` (stable keys;
    the page maps them to labels). ``message`` is in ``lang``."""
    rows = [
        {
            "file": problem.file,
            "row": where(problem, lang),
            "field": problem.field,
            "code": problem.code,
            "message": message(problem, lang),
        }
        for problem in problems
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def problems_from_table(table: pd.DataFrame) -> list[Problem]:
    """Problems back from the database's ``problems`` table (columns ``file, record, line,
    field, code, params`` with the parameters as JSON), e.g. for the Sources page."""
    out = []
    for row in table.itertuples(index=False):
        params = json.loads(row.params) if isinstance(row.params, str) and row.params else {}
        line = None if pd.isna(row.line) else int(row.line)
        out.append(Problem(row.file, row.record, row.field, row.code, tuple(params.items()), line))
    return out


def problems_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The database's ``problems`` table (``core.queries.problems``) as :func:`problems_frame`
    shows it: columns ``file, row, field, code, message`` in ``lang`` (the Sources page)."""
    return problems_frame(problems_from_table(table), lang)

"""The facets of the trials table, and their counts in one query.

Shared by the builder (:mod:`core.db` writes every facet's unfiltered counts into
:data:`FACET_TOTALS` when it compiles a database) and the queries (:mod:`core.queries`, which
read that table for the unfiltered view and count every other filter state with
:func:`counts_sql`). What is here decides what a compiled database holds, so it is part of the
build's content hash; the rest of the queries are not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb

FACET_TOTALS = "facet_totals"
"""The table of every facet's unfiltered counts, written when a database is compiled."""


@dataclass(frozen=True)
class Facet:
    """A filter on the trials table: its URL key, column, and vocabulary (for labels)."""

    key: str
    column: str
    is_list: bool
    vocabulary: str | None  # vocab table name; None = the values are shown as they are

    def clause(self, selected: Sequence[str]) -> tuple[str, list]:
        if self.is_list:
            return f"list_has_any({self.column}, ?::VARCHAR[])", [list(selected)]
        marks = ", ".join("?" for _ in selected)
        return f"{self.column} IN ({marks})", list(selected)


FACETS: dict[str, Facet] = {
    facet.key: facet
    for facet in (
        Facet("cancer", "cancer_type", False, "cancer_type"),
        Facet("setting", "setting", False, "setting"),
        Facet("line", "line", False, "line"),
        Facet("phase", "phase", False, "phase"),
        Facet("design", "design", False, "design"),
        Facet("drug", "drugs", True, None),
        Facet("class", "drug_classes", True, None),
        Facet("endpoint", "endpoints", True, "endpoint"),
        Facet("evidence", "evidence_kinds", True, "evidence_kind"),
        Facet("source", "source_ids", True, None),
        Facet("origin", "origin", False, "origin"),
    )
}
"""Every facet of the trials table, keyed by its URL parameter."""


def counts_sql(
    keys: Sequence[str],
    selected: Mapping[str, Sequence[str]],
    search: str = "TRUE",
    search_params: Sequence = (),
) -> tuple[str, list]:
    """One query counting the options of every facet in ``keys`` (column ``facet``: its
    position in ``keys``; ``value``, ``trials``, ``position`` in its vocabulary).

    The search (``search``, a WHERE clause over ``trial_rows``) is applied once; each selected
    facet's condition becomes a column of the filtered rows, and each facet counts the rows
    that meet every condition but its own (a facet's options are counted as if it were not
    selected).
    """
    active = [key for key in FACETS if selected.get(key)]
    flags, params = [], []  # the flags come first in the SQL text, then the search's WHERE
    for key in active:
        clause, clause_params = FACETS[key].clause(selected[key])
        flags.append(f"({clause}) AS m_{key}")
        params += clause_params
    params += list(search_params)
    columns = sorted({FACETS[key].column for key in keys})
    branches = []
    for position, key in enumerate(keys):
        facet = FACETS[key]
        others = " AND ".join(f"m_{other}" for other in active if other != key) or "TRUE"
        value = f"unnest({facet.column})" if facet.is_list else facet.column
        branches.append(
            f"SELECT {position} AS facet, value FROM (SELECT {value} AS value FROM base WHERE {others})"  # noqa: S608 - names from FACETS
        )
    vocabularies = ", ".join(f"({position}, ?)" for position in range(len(keys)))
    params += [FACETS[key].vocabulary or "" for key in keys]
    sql = f"""
        WITH base AS (SELECT {", ".join(columns + flags)} FROM trial_rows WHERE {search}),
        options AS ({" UNION ALL ".join(branches)}),
        counted AS (
            SELECT facet, value, count(*) AS trials FROM options
            WHERE value IS NOT NULL AND value <> ''
            GROUP BY facet, value
        ),
        vocabularies(facet, vocabulary) AS (VALUES {vocabularies})
        SELECT c.facet, c.value, c.trials, coalesce(v.position, 999) AS position
        FROM counted c
        JOIN vocabularies w ON w.facet = c.facet
        LEFT JOIN vocab v ON v.vocabulary = w.vocabulary AND v.key = c.value
        ORDER BY c.facet, position, lower(c.value)
    """  # noqa: S608 - columns and keys from FACETS, values bound
    return sql, params


def build_totals(con: duckdb.DuckDBPyConnection) -> None:
    """Write :data:`FACET_TOTALS` into the database being compiled: every facet's options with
    no filter — the counts of every fresh view of the trials page, which otherwise unnest every
    trial's list columns eleven times over (~80 ms at 100,000 trials)."""
    keys = list(FACETS)
    sql, params = counts_sql(keys, {})
    counted = con.execute(sql, params).df()
    counted["key"] = [keys[position] for position in counted["facet"]]
    counted["row_order"] = counted.groupby("facet").cumcount()
    frame = counted.rename(columns={"facet": "facet_order"})
    con.register("facet_totals_frame", frame)
    try:
        con.execute(f"CREATE TABLE {FACET_TOTALS} AS SELECT * FROM facet_totals_frame")  # noqa: S608
    finally:
        con.unregister("facet_totals_frame")

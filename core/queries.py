"""Parameterised queries over the compiled evidence, returning pandas DataFrames.

User input only ever travels as bound parameters. Column names come from the allow-lists
below (:data:`FACETS`, :data:`SORTS`), never from input. Each call takes its own cursor,
fetches the result fully and closes it, so one cached connection can serve many threads.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from core import facets, schema
from core.facets import FACET_TOTALS, FACETS
from core.text import search_key

_CJK = re.compile("[\u3400-\u9fff]")


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence | None = None) -> pd.DataFrame:
    cursor = con.cursor()
    try:
        return cursor.execute(sql, list(params or [])).df()
    finally:
        cursor.close()


# --- filters --------------------------------------------------------------------------------


SORTS: dict[str, str] = {
    "name": "lower(name)",
    "cancer": "cancer_type",
    "phase": "phase",
    "design": "design",
    "patients": "n_patients",
    "cutoff": "latest_cutoff",
    "values": "n_values",
}
"""Sortable columns of the trials table: URL key → SQL expression."""


@dataclass(frozen=True)
class TrialFilter:
    """What the trials table is narrowed to: facet selections and a free-text query."""

    selected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    q: str = ""

    def where(self, skip: str | None = None, by_row: bool = False) -> tuple[str, list]:
        """The WHERE clause over ``trial_rows`` and its parameters; ``skip`` leaves one facet out
        (for its counts). ``by_row``: the search terms read the index by row id, for a database
        whose ``trial_rows`` is its own table (:func:`_by_row`)."""
        clauses, params = ["TRUE"], []
        for key, values in self.selected.items():
            if key == skip or not values:
                continue
            facet = FACETS.get(key)
            if facet is None:
                raise KeyError(f"unknown facet {key!r}")
            clause, clause_params = facet.clause(values)
            clauses.append(clause)
            params += clause_params
        for term in search_key(self.q).split():
            clause, clause_params = _search_clause(term, by_row)
            clauses.append(clause)
            params += clause_params
        return " AND ".join(clauses), params


_WORD = re.compile("[a-z0-9]+")
_CJK_RUN = re.compile("[\u3400-\u9fff]+")


def _search_clause(term: str, by_row: bool = False) -> tuple[str, list]:
    """The condition for one search term, and its parameters.

    The usual terms — a Latin word or prefix of [a-z0-9], or Chinese characters only — are
    looked up in the search index (core/sql/views.sql), which gives exactly the trials the
    rules below match: by row id (``by_row``, the index's lists of rows; the same trials, fewer
    rows read) or by trial id. Any other term (with punctuation, or mixed scripts) is tested on
    each trial's text: a plain substring test first, the pattern (at 100,000 trials ~0.2 s a
    term, four times the substring test) only where the cheap tests cannot decide; DuckDB
    evaluates each part of the AND / OR only on the rows still undecided.
    """
    if _WORD.fullmatch(term):
        # "word < term + '{'": '{' sorts after every character a word can hold.
        bounds = [term, term + "{"]
        if by_row:
            return (
                "rowid IN (SELECT unnest(row_ids) FROM search_word_rows WHERE word >= ? AND word < ?)",
                bounds,
            )
        return "id IN (SELECT trial FROM search_words WHERE word >= ? AND word < ?)", bounds
    if _CJK_RUN.fullmatch(term):
        if by_row:
            runs = "rowid IN (SELECT unnest(row_ids) FROM search_run_rows WHERE {})"
        else:
            runs = "id IN (SELECT trial FROM search_runs WHERE run IN (SELECT run FROM search_run_texts WHERE {}))"
        if term.startswith("非"):
            return runs.format("contains(run, ?)"), [term]
        rule = "contains(run, ?) AND (NOT contains(run, ?) OR regexp_matches(run, ?))"
        return runs.format(rule), [term, "非" + term, f"(?:^|[^非]){re.escape(term)}"]
    if term.startswith("非"):
        return "contains(search_text, ?)", [term]
    if _CJK.search(term):
        # Chinese negates by prefix: 小细胞肺癌 must not find 非小细胞肺癌 (SCLC ≠ NSCLC). Where
        # 非+term occurs nowhere, every occurrence of the term counts.
        clause = (
            "(contains(search_text, ?) AND (NOT contains(search_text, ?) OR regexp_matches(search_text, ?)))"
        )
        return clause, [term, "非" + term, f"(?:^|[^非]){re.escape(term)}"]
    # Latin terms match at a word start: "SCLC" must not find "NSCLC"; "crizo" finds crizotinib.
    # At the start of the text or after a space it is a word start; elsewhere the pattern decides.
    clause = (
        "(contains(search_text, ?) AND (starts_with(search_text, ?) "
        "OR contains(search_text, ?) OR regexp_matches(search_text, ?)))"
    )
    return clause, [term, term, " " + term, f"(?:^|[^a-z0-9]){re.escape(term)}"]


def trials_page(
    con,
    filters: TrialFilter = TrialFilter(),
    sort: str = "name",
    descending: bool = False,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[pd.DataFrame, int]:
    """One page of the trials table and the total number of matching trials, in one query.

    The filter runs once: the matching trials' ids and sort keys (narrow) are counted and
    sorted, and only the page's rows are read in full — by row id where ``trial_rows`` is a
    table (the compiled file), so DuckDB reads the wide columns of those rows alone (by trial id
    every wide column of every trial was scanned: at 100,000 trials 40 of a 50 ms query); by
    trial id on the union view of a session with an import. The count rides on every row; an
    empty page still has its count (one row of NULLs, dropped here).
    """
    by_row = _by_row(con)
    where, params = filters.where(by_row=by_row)
    order = SORTS.get(sort, SORTS["name"])
    direction = "DESC" if descending else "ASC"
    window, page_params = "", []
    if limit is not None:
        window = "LIMIT ? OFFSET ?"
        page_params = [int(limit), int(offset)]
    key = "rowid" if by_row else "id"
    sql = f"""
        WITH matched AS MATERIALIZED (
            SELECT {key} AS row_key, {order} AS sort_key, lower(name) AS name_key FROM trial_rows WHERE {where}
        ),
        page AS (
            SELECT row_key, row_number() OVER (ORDER BY sort_key {direction} NULLS LAST, name_key ASC) AS row_order
            FROM (SELECT * FROM matched ORDER BY sort_key {direction} NULLS LAST, name_key ASC {window})
        ),
        rows AS (
            SELECT t.* EXCLUDE (search_text), p.row_order
            FROM trial_rows t JOIN page p ON p.row_key = t.{key}
        )
        SELECT r.* EXCLUDE (row_order), c.total AS _total
        FROM (SELECT count(*) AS total FROM matched) c
        LEFT JOIN rows r ON TRUE
        ORDER BY r.row_order
    """
    frame = _df(con, sql, params + page_params)
    total = int(frame["_total"].iloc[0])
    return frame[frame["id"].notna()].drop(columns="_total").reset_index(drop=True), total


def facet_counts(con, filters: TrialFilter, key: str) -> pd.DataFrame:
    """Options of one facet with how many trials each would match, given the other filters.

    Columns: ``value``, ``trials``, ``position`` (vocabulary order; labels come from
    :data:`core.schema.VOCABULARIES` in the reader's language).
    """
    facet = FACETS[key]
    where, params = filters.where(skip=key, by_row=_by_row(con))
    column = f"unnest({facet.column})" if facet.is_list else facet.column
    # Count first, then label the few options: joining the labels to every trial's row
    # before grouping made each facet ~5x slower.
    sql = f"""
        WITH options AS (SELECT {column} AS value FROM trial_rows WHERE {where}),
        counted AS (
            SELECT value, count(*) AS trials FROM options
            WHERE value IS NOT NULL AND value <> ''
            GROUP BY value
        )
        SELECT c.value, c.trials, coalesce(v.position, 999) AS position
        FROM counted c
        LEFT JOIN vocab v ON v.vocabulary = ? AND v.key = c.value
        ORDER BY position, lower(c.value)
    """
    return _df(con, sql, [*params, facet.vocabulary or ""])


def _facet_counts_sql(con, filters: TrialFilter, keys: list[str]) -> tuple[str, list]:
    """The one query of :func:`all_facet_counts` and :func:`facet_count_maps`: rows of
    (``facet``: its position in ``keys``, ``value``, ``trials``, ``position`` in its vocabulary),
    facet by facet, each in its options' order. With no filter the build's totals are read."""
    for key in [*keys, *filters.selected]:
        if key not in FACETS:
            raise KeyError(f"unknown facet {key!r}")
    active = [key for key in FACETS if filters.selected.get(key)]
    if not active and not search_key(filters.q).split() and _has_facet_totals(con):
        sql = (
            "SELECT list_position(?::VARCHAR[], key) - 1 AS facet, value, trials, position "
            f"FROM {FACET_TOTALS} WHERE key IN (SELECT unnest(?::VARCHAR[])) ORDER BY facet, row_order"
        )
        return sql, [keys, keys]
    search, search_params = TrialFilter(q=filters.q).where(by_row=_by_row(con))
    return facets.counts_sql(keys, {key: filters.selected[key] for key in active}, search, search_params)


def all_facet_counts(con, filters: TrialFilter, keys: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """:func:`facet_counts` for several facets (default: all of :data:`FACETS`) in one query.

    The search terms are applied once; each selected facet's condition becomes a column of
    the filtered rows, and each facet counts the rows that meet every condition but its own
    (a facet's options are counted as if it were not selected). Returns one frame per key,
    equal to ``facet_counts(con, filters, key)``.
    """
    keys = list(FACETS) if keys is None else list(keys)
    sql, params = _facet_counts_sql(con, filters, keys)
    if not keys:
        return {}
    frame = _df(con, sql, params)
    return {
        key: frame[frame["facet"] == position].drop(columns="facet").reset_index(drop=True)
        for position, key in enumerate(keys)
    }


def facet_count_maps(con, filters: TrialFilter, keys: Sequence[str]) -> dict[str, dict[str, int]]:
    """:func:`all_facet_counts` as plain dictionaries (value → trials, in the facet's order),
    read straight from the cursor: what the Trials page needs at every click, without
    building and splitting a frame (half the time of the call on the bundled data)."""
    keys = list(keys)
    sql, params = _facet_counts_sql(con, filters, keys)
    out: dict[str, dict[str, int]] = {key: {} for key in keys}
    if not keys:
        return out
    cursor = con.cursor()
    try:
        rows = cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()
    for facet, value, trials, _ in rows:
        out[keys[facet]][str(value)] = int(trials)
    return out


_OWN_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Connection → the tables of its own database, read once (a connection the app opens never
changes its catalogue: read-only, or locked once its views are made)."""


def _own_table(con, name: str) -> bool:
    """Whether ``name`` is a table of this connection's own database: in a session with an
    import, the tables the pages read are views of curated ∪ uploaded (core.db.UNION_TABLES),
    and the compiled file's precomputed tables are not its own."""
    tables = _OWN_TABLES.get(con)
    if tables is None:
        sql = "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        cursor = con.cursor()
        try:
            tables = frozenset(row[0] for row in cursor.execute(sql).fetchall())
        finally:
            cursor.close()
        _OWN_TABLES[con] = tables
    return name in tables


def _by_row(con) -> bool:
    """Whether ``trial_rows`` is this connection's own table, so that its row ids hold: the
    trials page reads its rows and the search index by row id (in a session with an import it
    is a union view, read by trial id)."""
    return _own_table(con, "trial_rows")


def _has_facet_totals(con) -> bool:
    """Whether this connection's database holds :data:`FACET_TOTALS` (a session with an import
    reads curated ∪ uploaded trials, whose counts it computes)."""
    return _own_table(con, FACET_TOTALS)


def headlines(con, trial_ids: Sequence[str]) -> pd.DataFrame:
    """The headline value of each trial, plus its sibling values (the other arms' figures).

    For a median or rate the row of every arm in the same analysis, endpoint, measure,
    population and time point is returned, so the table can say "8.57 vs 3.02 months".
    """
    if not trial_ids:
        return pd.DataFrame()
    # headline_value_rows holds every trial's headline and siblings (core/sql/views.sql).
    sql = """
        SELECT * FROM headline_value_rows
        WHERE trial IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY trial, position
    """
    return _df(con, sql, [list(trial_ids)])


# --- one trial ------------------------------------------------------------------------------


def trial(con, trial_id: str) -> pd.DataFrame:
    return _df(con, "SELECT * EXCLUDE (search_text) FROM trial_rows WHERE id = ?", [trial_id])


def trial_ids(con, limit: int = 300, include: str | None = None) -> pd.DataFrame:
    """Trials for a picker: the first ``limit`` by name, plus ``include`` if it exists.

    At registry scale a picker cannot list every trial; the Trials page search finds the rest.
    """
    sql = """
        SELECT id, name, name_zh, cancer_type, origin FROM (
            (SELECT id, name, name_zh, cancer_type, origin FROM trials ORDER BY lower(name), id LIMIT ?)
            UNION
            (SELECT id, name, name_zh, cancer_type, origin FROM trials WHERE id = ?)
        ) ORDER BY lower(name), id
    """
    return _df(con, sql, [int(limit), include])


def _loose(text: str) -> str:
    """An id or name compared loosely: case, spaces and punctuation aside ("Profile 1014")."""
    return "".join(ch for ch in str(text).casefold() if ch.isalnum())


def resolve_trial(con, requested: str) -> str | None:
    """The trial a link names: its id, the id in another case, or the trial's printed name
    (English or Chinese). ``None`` when nothing — or more than one trial — matches: a link
    never opens a trial other than the one asked for."""
    requested = str(requested or "").strip()
    if not requested or len(requested) > 200:
        return None
    exact = _df(con, "SELECT id FROM trials WHERE id = ?", [requested])
    if len(exact):
        return str(exact["id"].iloc[0])
    loose = _loose(requested)
    if not loose:
        return None
    sql = """
        SELECT DISTINCT id FROM trials
        WHERE lower(id) = lower(?) OR lower(name) = lower(?) OR name_zh = ?
           OR regexp_replace(lower(id), '[^[:alnum:]]', '', 'g') = ?
           OR regexp_replace(lower(name), '[^[:alnum:]]', '', 'g') = ?
    """
    found = _df(con, sql, [requested, requested, requested, loose, loose])
    return str(found["id"].iloc[0]) if len(found) == 1 else None


def trial_suggestions(con, requested: str, limit: int = 5) -> pd.DataFrame:
    """The trials whose id or name is nearest to ``requested`` (for "did you mean").

    DuckDB narrows a large corpus to a few candidates by string similarity; ``difflib``
    orders them. Columns: ``id``, ``name``, ``name_zh``.
    """
    import difflib

    loose = _loose(requested)[:200]
    if not loose:
        return pd.DataFrame(columns=["id", "name", "name_zh"])
    sql = """
        SELECT id, name, name_zh FROM trials
        ORDER BY greatest(jaro_winkler_similarity(regexp_replace(lower(id), '[^[:alnum:]]', '', 'g'), ?),
                          jaro_winkler_similarity(regexp_replace(lower(name), '[^[:alnum:]]', '', 'g'), ?))
                 DESC, id
        LIMIT 50
    """
    candidates = _df(con, sql, [loose, loose])

    def score(row) -> float:
        return max(
            difflib.SequenceMatcher(None, loose, _loose(row["id"])).ratio(),
            difflib.SequenceMatcher(None, loose, _loose(row["name"])).ratio(),
        )

    if candidates.empty:
        return candidates
    candidates = candidates.assign(score=candidates.apply(score, axis=1))
    candidates = candidates[candidates["score"] >= 0.5]
    ordered = candidates.sort_values(["score", "id"], ascending=[False, True], kind="stable")
    return ordered.head(limit).drop(columns=["score"]).reset_index(drop=True)


def all_trial_ids(con) -> set[str]:
    """Every trial id in use (an upload may not reuse one)."""
    return set(_df(con, "SELECT id FROM trials")["id"])


def trial_count(con) -> int:
    return int(_df(con, "SELECT count(*) AS n FROM trials")["n"].iloc[0])


def trial_arms(con, trial_id: str) -> pd.DataFrame:
    sql = """
        SELECT a.*,
               -- a single arm is the whole trial: its size is the trial's size
               coalesce(s.n, CASE WHEN count(*) OVER () = 1 THEN ts.n END) AS n_patients
        FROM arms a
        LEFT JOIN (SELECT trial, arm, max(n) AS n FROM v_arm_sizes GROUP BY ALL) s
               ON s.trial = a.trial AND s.arm = a.id
        LEFT JOIN v_trial_sizes ts ON ts.trial = a.trial
        WHERE a.trial = ?
        ORDER BY a.position
    """
    return _df(con, sql, [trial_id])


def trial_analyses(con, trial_id: str) -> pd.DataFrame:
    return _df(con, "SELECT * FROM analyses WHERE trial = ? ORDER BY sequence", [trial_id])


def trial_values(con, trial_id: str) -> pd.DataFrame:
    sql = """
        SELECT v.*, e.position AS endpoint_position
        FROM value_rows v
        LEFT JOIN vocab e ON e.vocabulary = 'endpoint' AND e.key = v.endpoint
        WHERE v.trial = ?
        ORDER BY v.analysis_sequence, e.position, v.position
    """
    return _df(con, sql, [trial_id])


def discrepancies(con, trial_id: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Flagged discrepancies with every linked value (one row per linked value).

    With ``trial_id``, the discrepancies that involve any value of that trial.
    """
    sql = """
        WITH picked AS (
            SELECT DISTINCT discrepancy FROM discrepancy_values
            WHERE ? IS NULL OR trial = ?
        )
        SELECT d.id AS discrepancy, d.kind, d.summary, d.summary_zh, d.trial AS owner,
               dv.position, v.*
        FROM discrepancies d
        JOIN picked p ON p.discrepancy = d.id
        JOIN discrepancy_values dv ON dv.discrepancy = d.id
        JOIN value_rows v ON v.trial = dv.trial AND v.id = dv.value_id
        ORDER BY d.kind = 'agreement', d.id, dv.position
        LIMIT ?::INTEGER
    """
    return _df(con, sql, [trial_id, trial_id, limit])


# --- cross-trial views -----------------------------------------------------------------------


def _value_filter(
    clauses: list[str], params: list, selections: Sequence[tuple[str, Sequence[str]]], latest_only: bool
) -> tuple[str, list]:
    """A WHERE clause over value rows: ``clauses``, then ``column IN (…)`` for each non-empty
    selection (its values one bound list), then the latest cut only if asked."""
    clauses, params = list(clauses), list(params)
    for column, selected in selections:
        if selected:
            clauses.append(f"{column} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(selected))
    if latest_only:
        clauses.append("v.is_latest")
    return " AND ".join(clauses), params


def forest_rows(
    con,
    endpoints: Sequence[str] = (),
    cancer_types: Sequence[str] = (),
    evidence_kinds: Sequence[str] = (),
    latest_only: bool = True,
    trial_ids: Sequence[str] = (),
    limit: int | None = None,
) -> pd.DataFrame:
    """Hazard ratios across trials, with the sample size behind each comparison.

    With ``limit``, only the first rows travel; every row carries ``total_rows``, the
    number of estimates that matched, so the page can say what it left out.
    """
    where, params = _value_filter(
        ["v.measure = 'hr'"],
        [],
        (
            ("v.endpoint", endpoints),
            ("v.cancer_type", cancer_types),
            ("v.evidence_kind", evidence_kinds),
            ("v.trial", trial_ids),
        ),
        latest_only,
    )
    # forest_value_rows has the sizes and display order precomputed (core/sql/views.sql); the
    # total is a count of the narrow columns, not a window over every wide row.
    sql = f"""
        SELECT v.*, (SELECT count(*) FROM forest_value_rows v WHERE {where}) AS total_rows
        FROM forest_value_rows v
        WHERE {where}
        ORDER BY v.cancer_position, v.endpoint_position, lower(v.trial_name), v.analysis_sequence, v.position
    """
    params = params + params
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return _df(con, sql, params)


def survival_rows(
    con,
    endpoint: str,
    cancer_types: Sequence[str] = (),
    latest_only: bool = True,
    evidence_kinds: Sequence[str] = (),
    max_trials: int | None = None,
) -> pd.DataFrame:
    """Medians, landmark rates, hazard ratios and events of one time-to-event endpoint.

    With ``max_trials``, only the first trials (in display order) travel; every row carries
    ``total_trials``, the number of trials that matched.
    """
    # survival_value_rows holds only the survival measures (schema.SURVIVAL_MEASURES)
    where, params = _value_filter(
        ["v.endpoint = ?"],
        [endpoint],
        (("v.cancer_type", cancer_types), ("v.evidence_kind", evidence_kinds)),
        latest_only,
    )
    # First the trials in display order (narrow columns), then the rows of the first ones:
    # survival_value_rows is stored in that order, so the join on the sort keys lets DuckDB
    # skip every row group outside the picked range (core/sql/views.sql).
    limit = "" if max_trials is None else "LIMIT ?"
    sql = f"""
        WITH trials AS (
            SELECT DISTINCT v.cancer_position, v.name_key, v.trial
            FROM survival_value_rows v
            WHERE {where}
        ), picked AS (
            SELECT * FROM trials ORDER BY cancer_position, name_key, trial {limit}
        )
        SELECT v.* EXCLUDE (name_key), (SELECT count(*) FROM trials) AS total_trials
        FROM survival_value_rows v
        JOIN picked p
          ON p.cancer_position = v.cancer_position AND p.name_key = v.name_key AND p.trial = v.trial
        WHERE {where}
        ORDER BY v.cancer_position, lower(v.trial_name), v.arm_role = 'control', v.analysis_sequence, v.position
    """
    params = params + ([int(max_trials)] if max_trials is not None else []) + params
    return _df(con, sql, params)


def follow_up_rows(con, trial_ids: Sequence[str]) -> pd.DataFrame:
    """Median follow-up values of the given trials."""
    sql = """
        SELECT * FROM value_rows
        WHERE endpoint = 'FOLLOW-UP' AND trial IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY trial, analysis_sequence, position
    """
    return _df(con, sql, [list(trial_ids)])


def endpoints_with(con, measures: Sequence[str]) -> pd.DataFrame:
    """Endpoints that have at least one value of the given measures, in vocabulary order."""
    sql = """
        SELECT v.endpoint, count(DISTINCT v.trial) AS trials
        FROM value_rows v
        JOIN vocab e ON e.vocabulary = 'endpoint' AND e.key = v.endpoint
        WHERE v.measure IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL
        ORDER BY min(e.position)
    """
    return _df(con, sql, [list(measures)])


# --- reference pages ---------------------------------------------------------------------------


def sources(con) -> pd.DataFrame:
    sql = """
        SELECT s.*, coalesce(c.n_values, 0) AS n_values, coalesce(c.n_trials, 0) AS n_trials
        FROM sources s
        LEFT JOIN (SELECT source, count(*) AS n_values, count(DISTINCT trial) AS n_trials
                   FROM vals GROUP BY source) c ON c.source = s.id
        ORDER BY s.file <> 'reference-figures.md' DESC, s.id
    """
    return _df(con, sql)


def vocabulary(con, name: str) -> pd.DataFrame:
    """The keys of a vocabulary or subset, in order (labels: :data:`core.schema.VOCABULARIES`)."""
    return _df(con, "SELECT key FROM vocab WHERE vocabulary = ? ORDER BY position", [name])


def problems(con) -> pd.DataFrame:
    return _df(con, "SELECT * FROM problems ORDER BY file, record, field")


def counts(con) -> dict[str, int]:
    """How much the database holds."""
    sql = """
        SELECT (SELECT count(*) FROM trials) AS trials, (SELECT count(*) FROM analyses) AS analyses,
               (SELECT count(*) FROM vals) AS "values", (SELECT count(*) FROM sources) AS sources,
               (SELECT count(*) FROM discrepancies) AS discrepancies
    """
    row = _df(con, sql).iloc[0]
    return {key: int(row[key]) for key in row.index}


_EXPORT_SELECT = ", ".join(f'"{name}"' for name in schema.VALUE_COLUMNS)
"""The long export's columns in the schema's order (the one list the import reads too)."""

EXPORT_LIST_MAX = 1000
"""Up to this many trials, the export filters by a list of constants (see export_frame)."""


def export_frame(con, trial_ids: Sequence[str] = ()) -> pd.DataFrame:
    """The long export: one row per value (optionally only some trials)."""
    if trial_ids:
        ids = list(trial_ids)
        if len(ids) <= EXPORT_LIST_MAX:
            # A list of constants is pushed down into the view's table scans; a subquery is a
            # join above the view, which then exports every trial first (1.2 s at 100,000 trials).
            marks = ", ".join("?" for _ in ids)
            return _df(con, f"SELECT {_EXPORT_SELECT} FROM v_export WHERE trial IN ({marks})", ids)
        return _df(
            con, f"SELECT {_EXPORT_SELECT} FROM v_export WHERE trial IN (SELECT unnest(?::VARCHAR[]))", [ids]
        )
    return _df(con, f"SELECT {_EXPORT_SELECT} FROM v_export")


def derivation_rows(con, trial_ids: Sequence[str] = ()) -> pd.DataFrame:
    """The value rows derived numbers are computed from (core.derived): hazard ratios,
    medians, landmark rates and follow-up, of some trials or of all."""
    where = "(measure IN ('hr', 'median', 'landmark') OR endpoint = 'FOLLOW-UP')"
    order = "ORDER BY trial, analysis_sequence, position"
    if trial_ids:
        ids = list(trial_ids)
        if len(ids) <= EXPORT_LIST_MAX:
            # constants are pushed into the scan (see export_frame); a subquery is not
            marks = ", ".join("?" for _ in ids)
            sql = f"SELECT * FROM value_rows WHERE {where} AND trial IN ({marks}) {order}"  # noqa: S608 - marks only
            return _df(con, sql, ids)
        sql = f"SELECT * FROM value_rows WHERE {where} AND trial IN (SELECT unnest(?::VARCHAR[])) {order}"  # noqa: S608 - constant text
        return _df(con, sql, [ids])
    return _df(con, f"SELECT * FROM value_rows WHERE {where} {order}")  # noqa: S608 - constant text


_LIST_FACET_LABELS = {"drug": ("drugs", "drugs_zh"), "class": ("drug_classes", "drug_classes_zh")}
"""List facets whose values are English text with a parallel Chinese list in the records."""


def list_facet_labels_zh(con) -> dict[str, dict[str, str]]:
    """The Chinese name of each value of the drug and drug-class facets, from the records.

    ``{"drug": {"alectinib": "阿来替尼", …}, "class": {…}}``; a trial whose two lists differ
    in length gives no names (its values show in English).
    """
    out: dict[str, dict[str, str]] = {}
    for key, (column, column_zh) in _LIST_FACET_LABELS.items():
        frame = _df(
            con,
            f"SELECT DISTINCT unnest({column}) AS en, unnest({column_zh}) AS zh FROM trials "
            f"WHERE len({column}) = len({column_zh})",
            [],
        )
        out[key] = dict(zip(frame["en"], frame["zh"]))
    return out


# --- forest rows: the latest estimate, what is missing --------------------------------------------


def _selections(selections: Sequence[tuple[str, Sequence[str]]]) -> tuple[list[str], list]:
    """``column IN (…)`` for each non-empty selection, its values one bound list."""
    clauses: list[str] = []
    params: list = []
    for column, selected in selections:
        if selected:
            clauses.append(f"{column} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(selected))
    return clauses, params


def forest_estimates(
    con,
    endpoints: Sequence[str] = (),
    cancer_types: Sequence[str] = (),
    evidence_kinds: Sequence[str] = (),
    all_cuts: bool = False,
    trial_ids: Sequence[str] = (),
    limit: int | None = None,
) -> pd.DataFrame:
    """Hazard ratios for the forest plot: by default the latest estimate of each comparison.

    An estimate is *superseded* when the same trial reports the same comparison (endpoint,
    population, arms, term, evidence kind) at a later data cut with the same assessment — an
    assessment that is not stated matches any (ALTA-1L's first interim HR, assessment not
    stated, is superseded by its final BICR one) — or, at the same cut and assessment, when
    another source prints the same numbers (a primary report is preferred, then the order of
    the record). Two sources that print different numbers at one cut both stay.

    The rule is decided once, when the database is built (``forest_value_rows.superseded``
    in core/sql/views.sql). Columns: those of :func:`forest_rows` — among them
    ``comparator_role`` (the role of the comparator arm, ``""`` when the comparison is not
    between arms) and ``superseded`` — plus ``total_rows`` (rows shown before ``limit``) and
    ``hidden_rows`` (superseded rows matched but not shown; 0 with ``all_cuts``).
    """
    clauses, params = _selections(
        (
            ("v.endpoint", endpoints),
            ("v.cancer_type", cancer_types),
            ("v.evidence_kind", evidence_kinds),
            ("v.trial", trial_ids),
        )
    )
    where = " AND ".join(clauses) or "true"
    # superseded and comparator_role are precomputed per trial (core/sql/views.sql): the rule
    # as windows over the matched rows cost ~0.4 s at 20,000 trials.
    sql = f"""
        SELECT v.*,
               (SELECT count(*) FROM forest_value_rows v WHERE {where} AND (? OR NOT v.superseded)) AS total_rows,
               (SELECT count(*) FROM forest_value_rows v WHERE {where} AND NOT ? AND v.superseded) AS hidden_rows
        FROM forest_value_rows v
        WHERE {where} AND (? OR NOT v.superseded)
        ORDER BY v.cancer_position, v.endpoint_position, lower(v.trial_name), v.analysis_sequence, v.position
    """
    flag = bool(all_cuts)
    params = [*params, flag, *params, flag, *params, flag]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return _df(con, sql, params)


def forest_missing(
    con,
    endpoints: Sequence[str] = (),
    cancer_types: Sequence[str] = (),
    evidence_kinds: Sequence[str] = (),
    limit: int | None = None,
) -> pd.DataFrame:
    """Trials that match the forest plot's filters but report no hazard ratio for an endpoint.

    For each selected endpoint (all endpoints with a hazard ratio anywhere when none is
    selected), the trials of the selected cancer types that report a time-to-event figure of
    that endpoint (median, landmark rate, events: ``survival_value_rows``, of the selected
    evidence kinds) and no hazard ratio for it. One row per trial, endpoint, measure and time
    point they do report, with the trial's design and how many values;
    ``total_missing`` is the number of (trial, endpoint) pairs before ``limit`` (which counts
    pairs, not rows).
    """
    clauses, params = _selections(
        (("v.endpoint", endpoints), ("v.cancer_type", cancer_types), ("v.evidence_kind", evidence_kinds))
    )
    where = " AND ".join(clauses) or "true"
    limit_sql = "" if limit is None else "LIMIT ?"
    sql = f"""
        WITH reported AS (
            SELECT v.trial, v.endpoint, v.measure, v.timepoint, v.value
            FROM survival_value_rows v
            WHERE v.measure <> 'hr' AND v.endpoint IN (SELECT DISTINCT endpoint FROM forest_value_rows)
              AND {where}
        ), with_hr AS (
            SELECT DISTINCT v.trial, v.endpoint FROM forest_value_rows v WHERE {where}
        ), missing AS (
            SELECT DISTINCT r.trial, r.endpoint FROM reported r
            WHERE NOT EXISTS (SELECT 1 FROM with_hr h WHERE h.trial = r.trial AND h.endpoint = r.endpoint)
        ), picked AS (
            SELECT m.trial, m.endpoint, ve.position AS endpoint_position,
                   vc.position AS cancer_position, lower(t.name) AS name_key
            FROM missing m
            JOIN trials t ON t.id = m.trial
            LEFT JOIN vocab ve ON ve.vocabulary = 'endpoint' AND ve.key = m.endpoint
            LEFT JOIN vocab vc ON vc.vocabulary = 'cancer_type' AND vc.key = t.cancer_type
            ORDER BY endpoint_position, cancer_position, name_key, m.trial
            {limit_sql}
        )
        SELECT p.trial, t.name AS trial_name, t.name_zh AS trial_name_zh, t.origin, t.design,
               t.phase, t.cancer_type, p.endpoint, r.measure, r.timepoint,
               count(*) AS n_values,
               (SELECT count(*) FROM missing) AS total_missing
        FROM picked p
        JOIN trials t ON t.id = p.trial
        JOIN reported r ON r.trial = p.trial AND r.endpoint = p.endpoint
        LEFT JOIN vocab vm ON vm.vocabulary = 'measure' AND vm.key = r.measure
        GROUP BY ALL
        ORDER BY min(p.endpoint_position), min(p.cancer_position), min(p.name_key), p.trial,
                 min(vm.position), r.timepoint NULLS FIRST
    """
    params = params + params + ([int(limit)] if limit is not None else [])
    return _df(con, sql, params)

"""The pages' typed data layer: one cached function per query, keyword-only arguments.

Every function takes ``database`` — the :class:`core.store.Database` identity of the data
the reader sees (the compiled curated file, plus their import's digest) — and reads that
database and nothing else: no function here looks at session state, so a cached result can
never belong to another reader, and a download built from it is the reader's own data.

Results are cached with ``st.cache_data`` (bounded); the expensive process-wide state behind
them (compiled file, connections, uploads) lives in :mod:`core.store`, which Streamlit's
``clear_cache`` message does not reach.

Not a page: ``app.py`` lists the pages; this module is imported by them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core import queries
from core.presentation import export, tables
from core.presentation.card import evidence_card_html
from core.presentation.formatting import page_link
from core.presentation.i18n import t
from core.store import Database, connection

__all__ = ["Database"]


def _con(database: Database):
    return connection(database)


@st.cache_data(max_entries=256, show_spinner=False)
def trials_page(
    *,
    database: Database,
    selected: tuple[tuple[str, tuple[str, ...]], ...],
    q: str,
    sort: str,
    descending: bool,
    limit: int | None,
    offset: int,
) -> tuple[pd.DataFrame, int]:
    filters = queries.TrialFilter(dict(selected), q)
    return queries.trials_page(_con(database), filters, sort, descending, limit, offset)


@dataclass(frozen=True)
class TrialsScreen:
    """One page of the trials table as the page draws it: its HTML (stylesheet and table), its
    rows' trial ids, and how many trials the filters find in all (counted by the same query).
    Plain values, so reading it from the cache costs next to nothing: a facet click or a fresh
    view of a view someone has seen redoes neither query nor layout."""

    html: str
    ids: tuple[str, ...]
    total: int


@st.cache_data(max_entries=512, show_spinner=False)
def trials_screen(
    *,
    database: Database,
    selected: tuple[tuple[str, tuple[str, ...]], ...],
    q: str,
    sort: str,
    descending: bool,
    limit: int,
    offset: int,
    lang: str,
    theme: str,
    present: bool,
) -> TrialsScreen:
    """The Trials page's table for one view, in one language and theme (one query for the rows,
    one for their headline results). What a clinician scans first comes first: the trial, then
    its headline result (number, interval, level), then the metadata
    (:data:`core.presentation.tables.TRIALS_SCREEN_COLUMNS`)."""
    con = _con(database)
    filters = queries.TrialFilter(dict(selected), q)
    rows, total = queries.trials_page(con, filters, sort, descending, limit, offset)
    if rows.empty:
        return TrialsScreen("", (), total)
    table = tables.trials_screen_table(
        tables.trials_table(rows, queries.headlines(con, tuple(rows["id"])), lang)
    )
    ids = tuple(table["id"])
    html = tables.styled_table(
        table,
        lang,
        tables.TRIALS_SCREEN_COLUMNS,
        theme=theme,
        present=present,
        name="trials",
        links=[page_link("trial", {"trial": trial_id}, lang, present) for trial_id in ids],
        row_ids=ids,
        row_labels=[t("tables.open_row", lang, trial=name) for name in table["trial"]],
    )
    return TrialsScreen(html, ids, total)


@st.cache_data(max_entries=256, show_spinner=False)
def facet_counts(
    *, database: Database, selected: tuple[tuple[str, tuple[str, ...]], ...], q: str, keys: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """Every facet's options (value → trials, in the facet's order) for one filter state, in
    one query. Plain dictionaries: read from the cache on every rerun of the Trials page."""
    return queries.facet_count_maps(_con(database), queries.TrialFilter(dict(selected), q), keys)


@st.cache_data(max_entries=256, show_spinner=False)
def headlines(*, database: Database, trial_ids: tuple[str, ...]) -> pd.DataFrame:
    return queries.headlines(_con(database), trial_ids)


@st.cache_data(max_entries=256, show_spinner=False)
def trial(*, database: Database, trial_id: str) -> pd.DataFrame:
    return queries.trial(_con(database), trial_id)


@st.cache_data(max_entries=64, show_spinner=False)
def trial_ids(*, database: Database, limit: int, include: str | None) -> pd.DataFrame:
    return queries.trial_ids(_con(database), limit, include)


@st.cache_data(max_entries=256, show_spinner=False)
def resolve_trial(*, database: Database, requested: str) -> str | None:
    return queries.resolve_trial(_con(database), requested)


@st.cache_data(max_entries=256, show_spinner=False)
def trial_suggestions(*, database: Database, requested: str, limit: int = 5) -> pd.DataFrame:
    return queries.trial_suggestions(_con(database), requested, limit)


@st.cache_data(max_entries=64, show_spinner=False)
def trial_count(*, database: Database) -> int:
    return queries.trial_count(_con(database))


@st.cache_data(max_entries=256, show_spinner=False)
def trial_arms(*, database: Database, trial_id: str) -> pd.DataFrame:
    return queries.trial_arms(_con(database), trial_id)


@st.cache_data(max_entries=256, show_spinner=False)
def trial_analyses(*, database: Database, trial_id: str) -> pd.DataFrame:
    return queries.trial_analyses(_con(database), trial_id)


@st.cache_data(max_entries=256, show_spinner=False)
def trial_values(*, database: Database, trial_id: str) -> pd.DataFrame:
    return queries.trial_values(_con(database), trial_id)


@st.cache_data(max_entries=256, show_spinner=False)
def discrepancies(
    *, database: Database, trial_id: str | None = None, limit: int | None = None
) -> pd.DataFrame:
    return queries.discrepancies(_con(database), trial_id, limit)


@st.cache_data(max_entries=256, show_spinner=False)
def forest_rows(
    *,
    database: Database,
    endpoints: tuple[str, ...],
    cancer_types: tuple[str, ...],
    evidence_kinds: tuple[str, ...],
    latest_only: bool,
    limit: int | None,
) -> pd.DataFrame:
    return queries.forest_rows(
        _con(database),
        endpoints=endpoints,
        cancer_types=cancer_types,
        evidence_kinds=evidence_kinds,
        latest_only=latest_only,
        limit=limit,
    )


@st.cache_data(max_entries=256, show_spinner=False)
def survival_rows(
    *,
    database: Database,
    endpoint: str,
    cancer_types: tuple[str, ...],
    evidence_kinds: tuple[str, ...],
    latest_only: bool,
    max_trials: int | None,
) -> pd.DataFrame:
    return queries.survival_rows(
        _con(database),
        endpoint=endpoint,
        cancer_types=cancer_types,
        latest_only=latest_only,
        evidence_kinds=evidence_kinds,
        max_trials=max_trials,
    )


@st.cache_data(max_entries=256, show_spinner=False)
def follow_up_rows(*, database: Database, trial_ids: tuple[str, ...]) -> pd.DataFrame:
    return queries.follow_up_rows(_con(database), trial_ids)


@st.cache_data(max_entries=64, show_spinner=False)
def endpoints_with(*, database: Database, measures: tuple[str, ...]) -> pd.DataFrame:
    return queries.endpoints_with(_con(database), measures)


@st.cache_data(max_entries=64, show_spinner=False)
def sources(*, database: Database) -> pd.DataFrame:
    return queries.sources(_con(database))


@st.cache_data(max_entries=64, show_spinner=False)
def vocabulary(*, database: Database, name: str) -> pd.DataFrame:
    return queries.vocabulary(_con(database), name)


@st.cache_data(max_entries=16, show_spinner=False)
def problems(*, database: Database) -> pd.DataFrame:
    return queries.problems(_con(database))


@st.cache_data(max_entries=64, show_spinner=False)
def counts(*, database: Database) -> dict[str, int]:
    return queries.counts(_con(database))


@st.cache_data(max_entries=64, show_spinner=False)
def export_frame(*, database: Database, trial_ids: tuple[str, ...] = ()) -> pd.DataFrame:
    return queries.export_frame(_con(database), trial_ids)


@st.cache_data(max_entries=64, show_spinner=False)
def evidence_card(*, database: Database, trial_id: str, lang: str, day: dt.date) -> str:
    """The printable evidence card of a trial, from the reader's own data (dated ``day``)."""
    return evidence_card_html(_con(database), trial_id, lang, generated=day)


def evidence_card_file(*, database: Database, trial_id: str, lang: str) -> bytes:
    """The evidence card as the file "Download" writes (dated today); built on click."""
    return evidence_card(database=database, trial_id=trial_id, lang=lang, day=dt.date.today()).encode("utf-8")


def page_values(*, database: Database, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The values a page shows (``rows``: its estimates or survival rows) in the long export's
    columns, then as the page writes them: what its CSV download holds. Built on click."""
    long = export_frame(database=database, trial_ids=tuple(rows["trial"].unique()))
    return export.page_values(long, rows, lang)


@st.cache_data(max_entries=16, show_spinner=False)
def list_facet_labels_zh(*, database: Database) -> dict[str, dict[str, str]]:
    return queries.list_facet_labels_zh(_con(database))


@st.cache_data(max_entries=256, show_spinner=False)
def forest_estimates(
    *,
    database: Database,
    endpoints: tuple[str, ...],
    cancer_types: tuple[str, ...],
    evidence_kinds: tuple[str, ...],
    all_cuts: bool,
    trial_ids: tuple[str, ...] = (),
    limit: int | None,
) -> pd.DataFrame:
    """Hazard ratios, the latest estimate of each comparison unless ``all_cuts``."""
    return queries.forest_estimates(
        _con(database),
        endpoints=endpoints,
        cancer_types=cancer_types,
        evidence_kinds=evidence_kinds,
        all_cuts=all_cuts,
        trial_ids=trial_ids,
        limit=limit,
    )


@st.cache_data(max_entries=256, show_spinner=False)
def forest_missing(
    *,
    database: Database,
    endpoints: tuple[str, ...],
    cancer_types: tuple[str, ...],
    evidence_kinds: tuple[str, ...],
    limit: int | None,
) -> pd.DataFrame:
    """Trials that match the forest filters but report no hazard ratio for an endpoint."""
    return queries.forest_missing(
        _con(database),
        endpoints=endpoints,
        cancer_types=cancer_types,
        evidence_kinds=evidence_kinds,
        limit=limit,
    )

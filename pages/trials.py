"""Trials: one row per trial, facets, free-text search across scripts, CSV of the filtered rows."""

from functools import partial

import streamlit as st

from core import queries, schema
from core.presentation import export, tables
from core.presentation.export import to_csv_bytes
from core.presentation.i18n import data_text, vocab_label
from core.store import Database
from core.text import markdown_escape as md
from pages import common, data, derived_sections, table_view
from pages.common import tr

common.ensure_shell()

lang = common.lang()
database = common.database()
PAGE_SIZE = 50

# A row just opened (a click, Enter or Space on it): its trial at once, without drawing this
# page again first. The table draws only trials of the database, so one it does not know was
# not in the table: this page is drawn as usual.
opening = table_view.requested_open("trials_open_row")
if opening and data.resolve_trial(database=database, requested=opening) == opening:
    st.switch_page("pages/trial.py", query_params={"trial": opening, **common.shell_params()})

VOCABS = {key: vocabulary.labels for key, vocabulary in schema.VOCABULARIES_BY_URL_KEY.items()}
FACET_ORDER = [
    "cancer",
    "line",
    "design",
    "phase",
    "endpoint",
    "drug",
    "class",
    "evidence",
    "setting",
    "source",
]
if database.upload is not None:
    FACET_ORDER.append("origin")  # only meaningful once this session has imported trials

st.title(tr("trials.title"))
counts = data.counts(database=database)
st.caption(tr("trials.subtitle", **counts))

# Bound to the URL by Streamlit itself: the widget key is the URL name, and a text is its own
# stable value. (Facets, sort and toggles keep common's helpers: see the note there.)
q = st.text_input(
    tr("trials.search"),
    key="q",
    bind="query-params",
    max_chars=200,
    placeholder=tr("trials.search_placeholder"),
).strip()

# Facets read the URL first, then show counts given every other filter (and the search).
for key in FACET_ORDER:
    common.seed(f"trials__{key}", key, [], parse=list, multi=True)
selected = {key: tuple(st.session_state[f"trials__{key}"]) for key in FACET_ORDER}
selected_key = tuple(sorted((k, v) for k, v in selected.items() if v))


NAMES_ZH = data.list_facet_labels_zh(database=database)  # drugs and drug classes in Chinese


def value_name(key: str, value: str) -> str:
    """A facet value as the reader names it: its vocabulary label, or the record's Chinese name."""
    vocab = VOCABS.get(key)
    if vocab:
        return vocab_label(vocab, value, lang)
    return data_text(value, NAMES_ZH.get(key, {}).get(value, ""), lang)


def option_label(key: str, counts_by_value: dict[str, int]):
    def label(value: str) -> str:
        text = value_name(key, value)
        return f"{text} ({counts_by_value.get(value, 0)})"

    return label


with st.expander(tr("trials.filters"), expanded=not common.present(), icon=":material/filter_list:"):
    counts = data.facet_counts(database=database, selected=selected_key, q=q, keys=tuple(FACET_ORDER))
    # One row of columns per five facets, made in reading order, so that the keyboard (Tab)
    # goes through the filters in the order the eye does: left to right, then the next row.
    for index, key in enumerate(FACET_ORDER):
        if index % 5 == 0:
            columns = st.columns(5)
        counts_by_value = counts[key]
        options = list(counts_by_value)
        # keep a selection visible even when other filters leave it no trials
        options += [v for v in st.session_state[f"trials__{key}"] if v not in options]
        common.url_multiselect(
            tr(f"facet.{key}"),
            options,
            key=f"trials__{key}",
            param=key,
            format_func=option_label(key, counts_by_value),
            container=columns[index % 5],
            placeholder=tr("facet.any"),
        )

selected = {key: tuple(st.session_state[f"trials__{key}"]) for key in FACET_ORDER}
selected_key = tuple(sorted((k, v) for k, v in selected.items() if v))

sort_columns = st.columns([2, 1, 3])
sort = common.url_selectbox(
    tr("trials.sort"),
    list(queries.SORTS),
    key="trials__sort",
    param="sort",
    default="name",
    format_func=lambda key: tr(f"sort.{key}"),
    container=sort_columns[0],
)
descending = common.url_toggle(
    tr("trials.descending"), key="trials__desc", param="desc", container=sort_columns[1]
)


def screen_of(page_number: int) -> data.TrialsScreen:
    return data.trials_screen(
        database=database,
        selected=selected_key,
        q=q,
        sort=sort,
        descending=descending,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
        **common.look(),
    )


def requested_page() -> int:
    """The page the reader is on (the widget's last value, else the link's), before the widget
    is drawn: its query also counts the matches, which the widget's range needs."""
    raw = st.session_state.get("page", st.query_params.get("page", 1))
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


requested = requested_page()
screen = screen_of(requested)
total = screen.total
pages = max(1, -(-total // PAGE_SIZE))
page_number = 1
if pages > 1:
    page_number = sort_columns[2].number_input(
        tr("trials.page", pages=pages), 1, pages, key="page", bind="query-params"
    )
if page_number != requested:  # past the last page, or a page the widget settled otherwise
    screen = screen_of(page_number)

described = []
for key, values in selected.items():
    if values:
        names = [value_name(key, v) for v in values]
        described.append(f"{tr(f'facet.{key}')}: {md(' / '.join(names))}")
if q:
    described.append(f"{tr('trials.search')}: “{md(q)}”")
st.markdown(
    f"**{tr('trials.count', shown=len(screen.ids), total=total)}**"
    + (f" — {tr('trials.where')} " + "; ".join(described) if described else "")
)

if not screen.ids:
    st.info(tr("trials.none"), icon=":material/search_off:")
    st.stop()

# The table as the page draws it (HTML, cached per view and language: see data.trials_screen).
# The CSV keeps every column.
st.html(screen.html)
table_view.row_opener("trials", key="trials_open_row")  # a component key has no "__"; see the top


def filtered_table(database: Database, selected_key: tuple, q: str, sort: str, descending: bool) -> bytes:
    """Every filtered row (not only this page) as the table shows it, as CSV.

    Reads no session state (``lang`` is a plain value), so a download can build it outside
    the session.
    """
    all_rows, _ = data.trials_page(
        database=database, selected=selected_key, q=q, sort=sort, descending=descending, limit=None, offset=0
    )
    all_headlines = data.headlines(database=database, trial_ids=tuple(all_rows["id"]))
    table = tables.trials_table(all_rows, all_headlines, lang)
    return to_csv_bytes(tables.display(table, lang, tables.TRIALS_COLUMNS[:-1]))


def filtered_values(database: Database, selected_key: tuple, q: str, sort: str, descending: bool) -> bytes:
    """Every value of every filtered trial, in the export's long format, as CSV."""
    all_rows, _ = data.trials_page(
        database=database, selected=selected_key, q=q, sort=sort, descending=descending, limit=None, offset=0
    )
    return export.values_csv(derived_sections.export_frame(database, tuple(all_rows["id"])), lang)


# Built on click, from plain values: a facet click reruns this page, and most readers never
# download (building both files on every run was 40% of the server's cost of a page view).
view = (database, selected_key, q, sort, descending)
table_csv, values_csv = partial(filtered_table, *view), partial(filtered_values, *view)
download_columns = st.columns(2)
with download_columns[0]:
    common.download(
        table_csv, f"trials-{lang}.csv", "text/csv", tr("trials.download_table"), key="trials__csv"
    )
with download_columns[1]:
    common.download(
        values_csv, "evidence-values.csv", "text/csv", tr("trials.download_values"), key="trials__values_csv"
    )

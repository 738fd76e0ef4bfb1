"""Sources: the registry, a glossary, how the data was curated, and every flagged discrepancy."""

import streamlit as st

from core import schema
from core.presentation import tables
from core.presentation.i18n import vocab_label
from core.presentation.problems import LABEL_KEYS, problems_table
from pages import common, data, derived_sections
from pages.common import tr

common.ensure_shell()

lang = common.lang()
database = common.database()

st.title(tr("sources.title"))
counts = data.counts(database=database)
st.caption(tr("trials.subtitle", **counts))

st.header(tr("sources.registry"))
sources = data.sources(database=database)
st.dataframe(
    tables.display(tables.source_registry(sources, lang), lang),
    hide_index=True,
    width="stretch",
    column_config={tr("sources.url"): st.column_config.LinkColumn(tr("sources.url"))},
)

st.header(tr("sources.method"))
st.markdown(tr("sources.method_text"))

derived_sections.sources_section()

st.header(tr("sources.discrepancies"))
DISCREPANCY_ROWS = 500
discrepancies = data.discrepancies(database=database, limit=DISCREPANCY_ROWS)
if len(discrepancies) == DISCREPANCY_ROWS:
    st.caption(tr("sources.discrepancies_limited", n=DISCREPANCY_ROWS))
kinds = [k for k in schema.DISCREPANCY_KINDS if k in set(discrepancies["kind"])]
kind_filter = common.url_multiselect(
    tr("sources.discrepancy_kind"),
    kinds,
    key="sources__kind",
    param="kind",
    format_func=lambda k: vocab_label(schema.DISCREPANCY_KINDS, k, lang),
    placeholder=tr("facet.any"),
)
shown = discrepancies[discrepancies["kind"].isin(kind_filter)] if kind_filter else discrepancies
st.dataframe(
    tables.display(tables.discrepancy_table(shown, lang), lang, tables.DISCREPANCY_COLUMNS),
    hide_index=True,
    width="stretch",
)

st.header(tr("sources.glossary"))
st.dataframe(tables.display(tables.glossary(lang), lang), hide_index=True, width="stretch")

problems = data.problems(database=database)
if not problems.empty:
    st.header(tr("sources.problems"))
    st.error(tr("sources.problems_text", n=len(problems)))
    labels = {key: tr(label) for key, label in LABEL_KEYS.items()}
    shown = problems_table(problems, lang)[list(labels)].rename(columns=labels)
    st.dataframe(shown, hide_index=True, width="stretch")

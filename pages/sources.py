"""Sources: the registry, a glossary, how the data was curated, and every flagged discrepancy."""

import streamlit as st

from core import schema
from core.presentation import tables
from core.presentation.i18n import vocab_label
from pages import common
from pages.common import tr

common.ensure_shell()

lang = common.lang()

st.title(tr("sources.title"))
counts = common.query("counts")
st.caption(tr("trials.subtitle", **counts))

st.header(tr("sources.registry"))
sources = common.query("sources")
st.dataframe(
    tables.display(tables.source_registry(sources, lang), lang),
    hide_index=True,
    width="stretch",
    column_config={tr("sources.url"): st.column_config.LinkColumn(tr("sources.url"))},
)

st.header(tr("sources.method"))
st.markdown(tr("sources.method_text"))

st.header(tr("sources.discrepancies"))
DISCREPANCY_ROWS = 500
discrepancies = common.query("discrepancies", None, DISCREPANCY_ROWS)
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

problems = common.query("problems")
if not problems.empty:
    st.header(tr("sources.problems"))
    st.error(tr("sources.problems_text", n=len(problems)))
    st.dataframe(problems, hide_index=True, width="stretch")

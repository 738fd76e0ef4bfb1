"""Survival comparison: medians (with lower bounds drawn honestly), landmark rates,
within-trial differences, follow-up and maturity for one time-to-event endpoint."""

from functools import partial

import streamlit as st

from core import derived, schema
from core.presentation.i18n import vocab_label
from pages import common, data, views
from pages.common import tr

common.ensure_shell()

lang = common.lang()
database = common.database()

common.page_heading(tr("survival.title"), tr("survival.banner"))

available = data.endpoints_with(database=database, measures=("median", "landmark"))
endpoint_options = [e for e in schema.SURVIVAL_ENDPOINTS if e in set(available["endpoint"])]
cancer_options = list(data.vocabulary(database=database, name="cancer_type")["key"])
controls = common.controls(tr("trials.filters"))
columns = controls.columns([3, 3, 2, 2])
endpoint = common.url_selectbox(
    tr("survival.endpoint"),
    endpoint_options,
    key="survival__endpoint",
    param="endpoint",
    default="PFS" if "PFS" in endpoint_options else (endpoint_options[0] if endpoint_options else ""),
    format_func=lambda k: f"{k} — {vocab_label(schema.ENDPOINTS, k, lang)}",
    container=columns[0],
)
cancers = common.vocab_filter("survival", "cancer", "cancer", columns[1], cancer_options)
evidence = common.vocab_filter("survival", "evidence", "evidence", columns[2])
all_cuts = common.url_toggle(
    tr("forest.all_cuts"),
    key="survival__cuts",
    param="cuts",
    container=columns[3],
    help=tr("forest.all_cuts_help"),
)

SURVIVAL_TRIALS = 25  # a readable chart; the total is stated and filters narrow it
# The charts and tables of this view, built once per process (pages/views.py).
view = views.survival(
    database=database,
    endpoint=endpoint,
    cancers=tuple(cancers),
    evidence=tuple(evidence),
    all_cuts=all_cuts,
    max_trials=SURVIVAL_TRIALS,
    **common.look(),
)
rows = view.rows
if rows.empty:
    st.info(tr("survival.none"), icon=":material/search_off:")
    st.stop()

total_trials = int(rows["total_trials"].iloc[0])
if total_trials > rows["trial"].nunique():
    st.info(
        tr("survival.truncated", shown=rows["trial"].nunique(), total=total_trials),
        icon=":material/filter_alt:",
    )
for chart in view.charts:
    if chart.figure is None:
        st.caption(tr(f"survival.no_{chart.name}"))
        continue
    common.show_chart(chart.figure, f"survival-{endpoint}-{chart.name}", key=f"survival__{chart.name}")
    common.text_alternative(chart.figure)
    if chart.help_key:
        st.caption(tr(chart.help_key))

if view.differences is not None:
    st.subheader(tr("derived.survival_title"))
    st.caption(tr("derived.survival_help"))
    st.dataframe(view.differences, hide_index=True, width="stretch", key="survival__derived")
    common.values_download(
        partial(derived.export_rows, view.difference_rows),
        f"survival-derived-{lang}.csv",
        key="survival__derived_csv",
    )

st.subheader(tr("survival.table"))
st.dataframe(view.table, hide_index=True, width="stretch")
# the compared values, one row each: estimate, CI bounds, level and unit in columns of their own
common.values_download(
    partial(data.page_values, database=database, rows=rows, lang=lang),
    f"survival-{endpoint}-{lang}.csv",
    key="survival__csv",
)

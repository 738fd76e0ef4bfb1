"""Forest: hazard ratios across trials and endpoints — descriptive, never pooled."""

import streamlit as st

from core import schema
from core.presentation import derivations, plots, tables
from core.presentation.i18n import vocab_label
from pages import common, data
from pages.common import tr

common.ensure_shell()

lang = common.lang()
database = common.database()

common.page_heading(tr("forest.title"), tr("forest.banner"))

endpoint_options = list(data.endpoints_with(database=database, measures=("hr",))["endpoint"])
cancer_options = list(data.vocabulary(database=database, name="cancer_type")["key"])

controls = common.controls(tr("trials.filters"))
columns = controls.columns([3, 3, 2, 2, 2])
endpoints = common.url_multiselect(
    tr("facet.endpoint"),
    endpoint_options,
    key="forest__endpoint",
    param="endpoint",
    format_func=lambda k: f"{k} — {vocab_label(schema.ENDPOINTS, k, lang)}",
    container=columns[0],
    placeholder=tr("facet.any"),
)
cancers = common.vocab_filter("forest", "cancer", "cancer", columns[1], cancer_options)
evidence = common.vocab_filter("forest", "evidence", "evidence", columns[2])
group_by = common.url_selectbox(
    tr("forest.group_by"),
    ["cancer", "endpoint"],
    key="forest__group",
    param="group",
    default="cancer",
    format_func=lambda k: tr(f"forest.group.{k}"),
    container=columns[3],
)
all_cuts = common.url_toggle(
    tr("forest.all_cuts"),
    key="forest__cuts",
    param="cuts",
    container=columns[4],
    help=tr("forest.all_cuts_help"),
)

at_95 = common.url_toggle(
    tr("derived.forest_ci95"),
    key="forest__ci95",
    param="ci95",
    container=controls,
    help=tr("derived.forest_ci95_help"),
)

FOREST_ROWS = 60  # a readable plot; the total is stated and filters narrow it
rows = data.forest_rows(
    database=database,
    endpoints=tuple(endpoints),
    cancer_types=tuple(cancers),
    evidence_kinds=tuple(evidence),
    latest_only=not all_cuts,
    limit=FOREST_ROWS,
)
if rows.empty:
    st.info(tr("forest.none"), icon=":material/search_off:")
    st.stop()

if at_95:
    rows, converted, not_stated = derivations.forest_at_95(rows)
    st.caption(
        " ".join(
            [tr("derived.forest_converted", n=converted)]
            + ([tr("derived.forest_not_converted", n=not_stated)] if not_stated else [])
        )
    )

total = int(rows["total_rows"].iloc[0])
st.caption(tr("forest.count", n=len(rows), trials=rows["trial"].nunique()))
if total > len(rows):
    st.info(tr("forest.truncated", shown=len(rows), total=total), icon=":material/filter_alt:")
footer = plots.citation_footer(rows, lang)
figure = plots.forest_figure(
    rows, lang=lang, group_by=group_by, present=common.present(), footer=footer, theme=common.theme()
)
name = "forest-hr-" + "-".join(endpoints or ["all"]) + ("-all-cuts" if all_cuts else "-latest")
common.show_chart(figure, name, key="forest__chart", title=tr("forest.title"))
st.caption(tr("forest.legend_help"))
if rows["trial_caveats"].map(lambda c: c is not None and len(c) > 0).any():
    st.caption(tr("derived.forest_caveat_help"))

frame = tables.display(tables.forest_table(rows, lang), lang)
with st.expander(tr("forest.table"), expanded=not common.present()):
    st.dataframe(frame, hide_index=True, width="stretch")
    common.csv_download(frame, f"{name}-{lang}.csv", key="forest__csv")

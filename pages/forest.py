"""Forest: hazard ratios across trials and endpoints — descriptive, never pooled."""

from functools import partial

import streamlit as st

from core import schema
from core.presentation import estimates
from core.presentation.i18n import vocab_label
from core.text import markdown_escape as md
from pages import common, data, views
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
MISSING_PAIRS = 40  # trial–endpoint pairs listed under the plot; the total is stated
# The figures and table of this view, built once per process (pages/views.py).
view = views.forest(
    database=database,
    endpoints=tuple(endpoints),
    cancers=tuple(cancers),
    evidence=tuple(evidence),
    all_cuts=all_cuts,
    at_95=at_95,
    group_by=group_by,
    limit=FOREST_ROWS,
    **common.look(),
)
rows = view.rows
missing = data.forest_missing(
    database=database,
    endpoints=tuple(endpoints),
    cancer_types=tuple(cancers),
    evidence_kinds=tuple(evidence),
    limit=MISSING_PAIRS,
)


def show_missing() -> None:
    """The trials that match the filters but print no hazard ratio, what they report instead,
    and a link to the survival page with the same view."""
    entries = estimates.missing_hr(missing, lang)
    if not entries:
        return
    st.subheader(tr("forest_rows.missing_title"))
    for entry in entries:
        endpoint = entry["endpoint"]
        st.markdown(tr("forest_rows.missing_intro", endpoint=md(endpoint), n=len(entry["trials"])))
        st.markdown(
            "\n".join(
                "- "
                + tr(
                    "forest_rows.missing_item",
                    name=md(trial["name"]),
                    design=md(trial["design"]),
                    reports=md(trial["reports"]),
                )
                for trial in entry["trials"]
            )
        )
        if entry["survival"]:
            view = {"endpoint": endpoint, "cancer": list(cancers), "evidence": list(evidence)}
            st.page_link(
                "pages/survival.py",
                label=tr("forest_rows.missing_link", endpoint=endpoint),
                icon=":material/arrow_forward:",
                query_params={**view, **({"cuts": "1"} if all_cuts else {}), **common.shell_params()},
            )
    shown = sum(len(entry["trials"]) for entry in entries)
    total = int(missing["total_missing"].iloc[0])
    if total > shown:
        st.caption(tr("forest_rows.missing_more", shown=shown, total=total))


if rows.empty:
    st.info(tr("forest.none"), icon=":material/search_off:")
    show_missing()
    st.stop()

if at_95:
    st.caption(
        " ".join(
            [tr("derived.forest_converted", n=view.converted)]
            + ([tr("derived.forest_not_converted", n=view.not_stated)] if view.not_stated else [])
        )
    )

total = int(rows["total_rows"].iloc[0])
hidden = int(rows["hidden_rows"].iloc[0])
st.caption(tr("forest.count", n=len(rows), trials=rows["trial"].nunique()))
if all_cuts:
    rule = tr("forest_rows.all_cuts_rule")
else:
    rule = tr("forest_rows.latest_rule", hidden=hidden) if hidden else tr("forest_rows.latest_rule_none")
# which estimates are shown; in presentation mode with the (collapsed) filters, so the figure
# keeps the screen (the figure's title names the data-cut rule there)
(controls if common.present() else st).caption(rule)
if total > len(rows):
    st.info(tr("forest.truncated", shown=len(rows), total=total), icon=":material/filter_alt:")
name = "forest-hr-" + "-".join(endpoints or ["all"]) + ("-all-cuts" if all_cuts else "-latest")
if view.arms is not None:
    common.show_chart(view.arms, name, key="forest__chart", title=view.title)
    common.text_alternative(view.arms)
    st.caption(tr("forest.legend_help"))
if view.other is not None:
    st.subheader(tr("forest_rows.other_title"))
    st.caption(tr("forest_rows.other_note"))
    common.show_chart(
        view.other,
        f"{name}-other-comparisons",
        key="forest__other_chart",
        title=tr("forest_rows.other_title"),
    )
    common.text_alternative(view.other)
if view.caveats:
    st.caption(tr("derived.forest_caveat_help"))

show_missing()

with st.expander(tr("forest.table"), expanded=not common.present()):
    st.dataframe(view.table, hide_index=True, width="stretch")
    # the plotted values: estimate, CI bounds, level and unit in columns of their own
    common.values_download(
        partial(data.page_values, database=database, rows=rows, lang=lang),
        f"{name}-{lang}.csv",
        key="forest__csv",
    )

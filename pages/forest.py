"""Forest: hazard ratios across trials and endpoints — descriptive, never pooled."""

import streamlit as st

from core import schema
from core.presentation import citations, derivations, estimates, export, figure_data, plots, tables
from core.presentation.i18n import vocab_label
from core.text import markdown_escape as md
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
MISSING_PAIRS = 40  # trial–endpoint pairs listed under the plot; the total is stated
rows = data.forest_estimates(
    database=database,
    endpoints=tuple(endpoints),
    cancer_types=tuple(cancers),
    evidence_kinds=tuple(evidence),
    all_cuts=all_cuts,
    limit=FOREST_ROWS,
)
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
    rows, converted, not_stated = derivations.forest_at_95(rows)
    st.caption(
        " ".join(
            [tr("derived.forest_converted", n=converted)]
            + ([tr("derived.forest_not_converted", n=not_stated)] if not_stated else [])
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
title = citations.figure_title("forest", endpoints, cancers, evidence, all_cuts, lang)


def show_text_alternative(figure) -> None:
    """The chart in words and its citation as text, written from the frame it draws."""
    with st.expander(tr("cite.alt_title"), icon=":material/description:"):
        st.markdown(md(plots.text_alternative(figure)))
        st.caption(md(plots.citation_of(figure)).replace("\n", "  \n"))


# Experimental-vs-control rows under "favours experimental / favours control"; any other
# comparison (patients grouped by response, …) apart, without those words (read from the
# record: arm roles and the responder-comparison flag).
arm_rows, other_rows = figure_data.split_comparisons(rows)
if not arm_rows.empty:
    footer = plots.citation_footer(arm_rows, lang)
    figure = plots.forest_figure(
        arm_rows,
        lang=lang,
        group_by=group_by,
        present=common.present(),
        footer=footer,
        theme=common.theme(),
        title=title,
    )
    common.show_chart(figure, name, key="forest__chart", title=title)
    show_text_alternative(figure)
    st.caption(tr("forest.legend_help"))
if not other_rows.empty:
    st.subheader(tr("forest_rows.other_title"))
    st.caption(tr("forest_rows.other_note"))
    other_figure = plots.forest_figure(
        other_rows,
        lang=lang,
        group_by=group_by,
        present=common.present(),
        footer=plots.citation_footer(other_rows, lang),
        theme=common.theme(),
        kind="other",
        title=tr("forest_rows.other_title"),
    )
    common.show_chart(
        other_figure,
        f"{name}-other-comparisons",
        key="forest__other_chart",
        title=tr("forest_rows.other_title"),
    )
    show_text_alternative(other_figure)
if rows["trial_caveats"].map(lambda c: c is not None and len(c) > 0).any():
    st.caption(tr("derived.forest_caveat_help"))

show_missing()

frame = tables.display(estimates.forest_table(rows, lang), lang)
with st.expander(tr("forest.table"), expanded=not common.present()):
    st.dataframe(frame, hide_index=True, width="stretch")
    # the plotted values: estimate, CI bounds, level and unit in columns of their own
    long = data.export_frame(database=database, trial_ids=tuple(rows["trial"].unique()))
    common.values_download(export.page_values(long, rows, lang), f"{name}-{lang}.csv", key="forest__csv")

"""Survival comparison: medians (with lower bounds drawn honestly), landmark rates,
within-trial differences, follow-up and maturity for one time-to-event endpoint."""

import streamlit as st

from core import schema
from core.presentation import plots
from core.presentation.i18n import vocab_label
from core.presentation.survival import LANDMARK_MONTHS, comparison_table
from pages import common, data, derived_sections
from pages.common import tr

common.ensure_shell()

lang = common.lang()
database = common.database()

st.title(tr("survival.title"))
st.warning(tr("survival.banner"), icon=":material/info:")

available = data.endpoints_with(database=database, measures=("median", "landmark"))
endpoint_options = [e for e in schema.SURVIVAL_ENDPOINTS if e in set(available["endpoint"])]
cancer_options = list(data.vocabulary(database=database, name="cancer_type")["key"])
controls = st.expander(tr("trials.filters"), expanded=not common.present(), icon=":material/filter_list:")
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
rows = data.survival_rows(
    database=database,
    endpoint=endpoint,
    cancer_types=tuple(cancers),
    evidence_kinds=tuple(evidence),
    latest_only=not all_cuts,
    max_trials=SURVIVAL_TRIALS,
)
if rows.empty:
    st.info(tr("survival.none"), icon=":material/search_off:")
    st.stop()

total_trials = int(rows["total_trials"].iloc[0])
if total_trials > rows["trial"].nunique():
    st.info(
        tr("survival.truncated", shown=rows["trial"].nunique(), total=total_trials),
        icon=":material/filter_alt:",
    )
footer = plots.citation_footer(rows, lang)
medians = rows[rows["measure"] == "median"]
if medians.empty:
    st.caption(tr("survival.no_medians"))
else:
    figure = plots.survival_medians_figure(
        rows, endpoint, lang=lang, present=common.present(), footer=footer, theme=common.theme()
    )
    common.show_chart(figure, f"survival-{endpoint}-medians", key="survival__medians")
    st.caption(tr("survival.medians_help"))

landmarks = rows[rows["measure"] == "landmark"]
if landmarks.empty:
    st.caption(tr("survival.no_landmarks"))
else:
    figure = plots.survival_landmarks_figure(
        rows, endpoint, lang=lang, present=common.present(), footer=footer, theme=common.theme()
    )
    common.show_chart(figure, f"survival-{endpoint}-landmarks", key="survival__landmarks")

derived_sections.survival_differences(rows, lang)

st.subheader(tr("survival.table"))
follow_up = data.follow_up_rows(database=database, trial_ids=tuple(rows["trial"].unique()))
table = comparison_table(rows, follow_up, lang)
labels = {
    "trial": tr("col.trial"),
    "arm": tr("col.arm"),
    "population": tr("label.population"),
    "analysis": tr("label.analysis"),
    "median": tr("survival.col_median", endpoint=endpoint),
    "difference": tr("survival.col_difference"),
    "absolute": tr("derived.survival_col"),
    **{f"rate_{m}": tr("survival.col_rate", time=m // 12) for m in LANDMARK_MONTHS},
    "other_rates": tr("survival.col_other_rates"),
    "events": tr("survival.col_events"),
    "follow_up": tr("survival.col_follow_up"),
    "maturity": tr("survival.col_maturity"),
    "evidence": tr("col.evidence"),
    "source": tr("label.source"),
    "snippet": tr("label.snippet"),
}
shown = table.drop(columns=["trial_id"])
shown = shown[
    [
        c
        for c in shown.columns
        if c not in {f"rate_{m}" for m in LANDMARK_MONTHS} or shown[c].astype(bool).any()
    ]
]
shown = shown.rename(columns=labels)
st.dataframe(shown, hide_index=True, width="stretch")
common.csv_download(shown, f"survival-{endpoint}-{lang}.csv", key="survival__csv")

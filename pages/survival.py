"""Survival comparison: medians (with lower bounds drawn honestly), landmark rates,
within-trial differences, follow-up and maturity for one time-to-event endpoint."""

import streamlit as st

from core import schema
from core.presentation import citations, export, plots, tables
from core.presentation.i18n import vocab_label
from core.presentation.survival import LANDMARK_MONTHS, comparison_table
from core.text import markdown_escape as md
from pages import common, data, derived_sections
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
# The two charts, each shown when its measure has rows: (measure, name, builder, help key).
CHARTS = (
    ("median", "medians", plots.survival_medians_figure, "survival.medians_help"),
    ("landmark", "landmarks", plots.survival_landmarks_figure, None),
)
for measure, name, build, help_key in CHARTS:
    if not (rows["measure"] == measure).any():
        st.caption(tr(f"survival.no_{name}"))
        continue
    title = citations.figure_title(name, [endpoint], cancers, evidence, all_cuts, lang)
    footer = plots.citation_footer(rows[rows["measure"] == measure], lang)  # the trials this chart draws
    figure = build(
        rows, endpoint, lang=lang, present=common.present(), footer=footer, theme=common.theme(), title=title
    )
    common.show_chart(figure, f"survival-{endpoint}-{name}", key=f"survival__{name}")
    with st.expander(tr("cite.alt_title"), icon=":material/description:"):
        st.markdown(md(plots.text_alternative(figure)))
        st.caption(md(plots.citation_of(figure)).replace("\n", "  \n"))
    if help_key:
        st.caption(tr(help_key))

derived_sections.survival_differences(rows, lang)

st.subheader(tr("survival.table"))
follow_up = data.follow_up_rows(database=database, trial_ids=tuple(rows["trial"].unique()))
table = comparison_table(rows, follow_up, lang)
# Landmark columns no trial fills are left out; keys become headers through the catalog.
empty_rates = {f"rate_{m}" for m in LANDMARK_MONTHS if not table[f"rate_{m}"].astype(bool).any()}
columns = [c for c in table.columns if c != "trial_id" and c not in empty_rates]
shown = tables.display(table, lang, columns, endpoint=endpoint)
st.dataframe(shown, hide_index=True, width="stretch")
# the compared values, one row each: estimate, CI bounds, level and unit in columns of their own
long = data.export_frame(database=database, trial_ids=tuple(rows["trial"].unique()))
common.values_download(
    export.page_values(long, rows, lang), f"survival-{endpoint}-{lang}.csv", key="survival__csv"
)

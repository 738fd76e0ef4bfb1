"""Trial: design, arms, and every value grouped by analysis and endpoint, each with its source."""

import pandas as pd
import streamlit as st

from core import schema
from core.presentation import caveats, formatting, tables
from core.presentation.card import evidence_card_html
from core.presentation.i18n import data_text, vocab_label
from core.text import markdown_escape as md
from pages import common
from pages.common import tr

common.ensure_shell()

lang = common.lang()

PICKER_SIZE = 300
requested = st.query_params.get("trial") or st.session_state.get("trial__id")
trials = common.query("trial_ids", PICKER_SIZE, requested)
ids = list(trials["id"])
names = {i: data_text(n, z, lang) for i, n, z in zip(trials["id"], trials["name"], trials["name_zh"])}
if not ids:
    st.warning(tr("trial.no_data"))
    st.stop()
trial_id = common.url_selectbox(
    tr("trial.pick"),
    ids,
    key="trial__id",
    param="trial",
    default=ids[0],
    format_func=lambda i: names.get(i, i),
    always_in_url=True,  # a trial page's link always names its trial
)
if common.query("trial_count") > PICKER_SIZE:
    st.caption(tr("trial.picker_limited", n=PICKER_SIZE))

header = common.query("trial", trial_id).iloc[0].to_dict()
arms = common.query("trial_arms", trial_id)
analyses = common.query("trial_analyses", trial_id)
values = common.query("trial_values", trial_id)
discrepancies = common.query("discrepancies", trial_id)

st.title(md(formatting.trial_label({"trial_name": header["name"], "origin": header["origin"]}, lang)))
st.subheader(md(data_text(header["title"], header["title_zh"], lang)))

# --- caveats that apply to the whole trial (the same codes as the evidence card) ------------------
BADGE_COLOURS = {
    "user_supplied": "blue",
    "single_arm_trial": "orange",
    "evidence_summary": "orange",
    "interim": "orange",
    "ci80": "red",
    "ci_unknown": "gray",
    "has_review_claims": "violet",
    "disputed": "red",
    "immature": "orange",
}
badges = [
    f":{BADGE_COLOURS[code]}-badge[{caveats.label(code, lang)}]"
    for code in tables.trial_caveats(header, values)
]
if badges:
    st.markdown(" ".join(badges))

facts = tables.trial_facts(header, lang)
st.table(
    facts.set_index("field")[["value"]]
    .rename_axis(tr("trial.field"))
    .rename(columns={"value": tr("trial.value")})
)
note = data_text(header["note"], header["note_zh"], lang)
if note:
    st.info(md(note), icon=":material/edit_note:")

# --- arms ------------------------------------------------------------------------------------------
st.header(tr("trial.arms"))
st.dataframe(tables.display(tables.arms_table(arms, lang), lang), hide_index=True, width="stretch")

# --- analyses --------------------------------------------------------------------------------------
st.header(tr("trial.analyses"))
st.dataframe(tables.display(tables.analyses_table(analyses, lang), lang), hide_index=True, width="stretch")

# One value table for the whole trial (the card and the CSV use the same presenter); each
# section shows its rows.
value_table = tables.value_table(values, lang)
VALUE_COLUMNS = [c for c in tables.VALUE_COLUMNS if c != "trial"]
TABLE_CONFIG = {
    tables.column_label(key, lang): st.column_config.TextColumn(width=width)
    for key, width in (("value", "medium"), ("snippet", "large"), ("caveats", "medium"))
}


def show_values(mask: pd.Series) -> None:
    rows = value_table[mask.to_numpy()]
    st.dataframe(
        tables.display(rows, lang, VALUE_COLUMNS),
        hide_index=True,
        width="stretch",
        column_config=TABLE_CONFIG,
    )


SAFETY = ("AE-G3", "TRAE", "SURG-COMP-G3", "DISCONTINUATION")
CONTEXT = ("PATIENTS", "FOLLOW-UP", "BASELINE", "ON-TREATMENT")

# --- effect estimates --------------------------------------------------------------------------------
effects = values["measure"] == "hr"
st.header(tr("trial.effects"))
if not effects.any():
    st.caption(tr("trial.no_effects"))
else:
    show_values(effects)

# --- efficacy, by analysis (data cut) and endpoint --------------------------------------------------
st.header(tr("trial.results"))
efficacy = ~values["endpoint"].isin(SAFETY + CONTEXT) & (values["measure"] != "hr")
for _, analysis in analyses.iloc[::-1].iterrows():
    in_cut = efficacy & (values["analysis"] == analysis["id"])
    if not in_cut.any():
        continue
    label = data_text(analysis["label"], analysis["label_zh"], lang)
    kind = vocab_label(schema.ANALYSIS_KINDS, analysis["kind"], lang)
    st.subheader(f"{md(label)} · {kind}")
    for endpoint in dict.fromkeys(values.loc[in_cut, "endpoint"]):
        st.markdown(f"**{vocab_label(schema.ENDPOINTS, endpoint, lang)}** ({endpoint})")
        show_values(in_cut & (values["endpoint"] == endpoint))

# --- safety ------------------------------------------------------------------------------------------
safety = values["endpoint"].isin(SAFETY)
st.header(tr("trial.safety"))
if not safety.any():
    st.caption(tr("trial.no_safety"))
else:
    show_values(safety)

# --- patients, follow-up, baseline -----------------------------------------------------------------------
context = values["endpoint"].isin(CONTEXT)
if context.any():
    st.header(tr("trial.context"))
    show_values(context)

# --- discrepancies ------------------------------------------------------------------------------------------
if not discrepancies.empty:
    st.header(tr("trial.discrepancies"))
    linked = tables.discrepancy_table(discrepancies, lang)
    linked_columns = ["trial", *VALUE_COLUMNS]
    for summary in tables.discrepancy_summaries(discrepancies, lang).to_dict("records"):
        agreement = summary["kind"] == "agreement"
        with st.expander(
            md(summary["title"]),
            icon=":material/check_circle:" if agreement else ":material/warning:",
            expanded=not agreement,
        ):
            st.dataframe(
                tables.display(linked[linked["id"] == summary["id"]], lang, linked_columns),
                hide_index=True,
                width="stretch",
                column_config=TABLE_CONFIG,
            )

st.divider()
download_columns = st.columns(2)
download_columns[0].download_button(
    tr("card.download"),
    data=lambda: evidence_card_html(common.con(), trial_id, lang).encode("utf-8"),
    file_name=f"evidence-card-{trial_id}-{lang}.html",
    mime="text/html",
    icon=":material/print:",
    key="trial__card",
)
with download_columns[1]:
    common.csv_download(
        common.query("export_frame", (trial_id,)),
        f"{trial_id}-values.csv",
        tr("trial.download"),
        key="trial__csv",
    )
    # The value table as shown on this page (and on the card), in the reader's language.
    common.csv_download(
        lambda: tables.display(value_table, lang, VALUE_COLUMNS),
        f"{trial_id}-values-{lang}.csv",
        tr("trial.download_shown"),
        key="trial__shown_csv",
    )

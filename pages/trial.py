"""Trial: design, arms, and every value grouped by analysis and endpoint, each with its source."""

import pandas as pd
import streamlit as st

from core import schema
from core.presentation import formatting
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

# --- caveats that apply to the whole trial --------------------------------------------------------
badges = []
if header["origin"] == "user":
    badges.append(f":blue-badge[{tr('caveat.user_supplied')}]")
if header["design"] == "single-arm":
    badges.append(f":orange-badge[{tr('caveat.single_arm_trial')}]")
if header["design"] == "evidence-summary":
    badges.append(f":orange-badge[{tr('caveat.evidence_summary')}]")
if header["latest_analysis_kind"] == "interim":
    badges.append(f":orange-badge[{tr('caveat.interim')}]")
if (values["ci_level"] == "80").any():
    badges.append(f":red-badge[{tr('caveat.ci80')}]")
if (values["ci_level"] == "unknown").any():
    badges.append(f":gray-badge[{tr('caveat.ci_unknown')}]")
if (values["evidence_kind"] == "review-claim").any():
    badges.append(f":violet-badge[{tr('caveat.has_review_claims')}]")
if values["disputed"].any():
    badges.append(f":red-badge[{tr('caveat.disputed')}]")
if values["flags"].map(lambda f: "immature" in list(f)).any():
    badges.append(f":orange-badge[{tr('caveat.immature')}]")
if badges:
    st.markdown(" ".join(badges))

facts = {
    tr("col.cancer"): vocab_label(schema.CANCER_TYPES, header["cancer_type"], lang),
    tr("trial.condition"): data_text(header["condition"], header["condition_zh"], lang),
    tr(
        "col.setting"
    ): f"{vocab_label(schema.SETTINGS, header['setting'], lang)} · {vocab_label(schema.LINES, header['line'], lang)}",
    tr("col.phase"): vocab_label(schema.PHASES, header["phase"], lang),
    tr(
        "col.design"
    ): f"{vocab_label(schema.DESIGNS, header['design'], lang)} · {vocab_label(schema.BLINDING, header['blinding'], lang)}",
    tr("trial.control"): header["control"] or "—",
    tr("col.primary"): vocab_label(schema.ENDPOINTS, header["primary_endpoint"], lang)
    if header["primary_endpoint"]
    else tr("trials.not_stated"),
    tr("col.patients"): "—" if pd.isna(header["n_patients"]) else str(int(header["n_patients"])),
    tr("trial.registry"): ", ".join(header["registry_ids"]) or "—",
    tr("trial.presented"): "; ".join(header["presented"]) or "—",
}
st.table(
    pd.DataFrame({tr("trial.field"): list(facts), tr("trial.value"): list(facts.values())}).set_index(
        tr("trial.field")
    )
)
note = data_text(header["note"], header["note_zh"], lang)
if note:
    st.info(md(note), icon=":material/edit_note:")

# --- arms ------------------------------------------------------------------------------------------
st.header(tr("trial.arms"))
st.dataframe(
    pd.DataFrame(
        {
            tr("col.arm"): [data_text(a, z, lang) for a, z in zip(arms["label"], arms["label_zh"])],
            tr("trial.role"): [tr(f"role.{r}") for r in arms["role"]],
            tr("trial.regimen"): [data_text(a, z, lang) for a, z in zip(arms["regimen"], arms["regimen_zh"])],
            tr("col.patients"): arms["n_patients"],
            tr("label.source"): arms["source"],
            tr("label.snippet"): arms["snippet"],
        }
    ),
    hide_index=True,
    width="stretch",
)

# --- analyses --------------------------------------------------------------------------------------
st.header(tr("trial.analyses"))
st.dataframe(
    pd.DataFrame(
        {
            tr("label.analysis"): [
                data_text(a, z, lang) for a, z in zip(analyses["label"], analyses["label_zh"])
            ],
            tr("trial.kind"): [vocab_label(schema.ANALYSIS_KINDS, k, lang) for k in analyses["kind"]],
            tr("col.cutoff"): analyses["cutoff"].fillna(""),
            tr("trial.presented"): analyses["presented"],
            tr("trial.note"): analyses["note"],
        }
    ),
    hide_index=True,
    width="stretch",
)


def value_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Every value with its meaning, caveats and provenance, in the chosen language."""
    records = [row.to_dict() for _, row in frame.iterrows()]
    return pd.DataFrame(
        {
            tr("col.metric"): [formatting.metric_label(r, lang) for r in records],
            tr("col.arm"): [formatting.arms_text(r, lang) for r in records],
            tr("label.population"): [formatting.population_text(r, lang) for r in records],
            tr("col.value"): [formatting.value_text(r, lang) for r in records],
            tr("col.assessment"): [vocab_label(schema.ASSESSMENTS, r["assessment"], lang) for r in records],
            tr("col.evidence"): [
                vocab_label(schema.EVIDENCE_KINDS, r["evidence_kind"], lang) for r in records
            ],
            tr("col.caveats"): ["; ".join(formatting.caveats(r, lang)) for r in records],
            tr("label.source"): [r["source"] for r in records],
            tr("label.snippet"): [r["snippet"] for r in records],
            tr("col.reading"): [
                formatting.snippet_reading(r["snippet"], r["source_script"], lang) for r in records
            ],
            tr("trial.note"): [r["note"] for r in records],
        }
    )


TABLE_CONFIG = {
    tr("col.value"): st.column_config.TextColumn(width="medium"),
    tr("label.snippet"): st.column_config.TextColumn(width="large"),
    tr("col.caveats"): st.column_config.TextColumn(width="medium"),
}

SAFETY = schema.SAFETY_ENDPOINTS
CONTEXT = schema.CONTEXT_ENDPOINTS

# --- effect estimates --------------------------------------------------------------------------------
effects = values[values["measure"] == "hr"]
st.header(tr("trial.effects"))
if effects.empty:
    st.caption(tr("trial.no_effects"))
else:
    st.dataframe(value_table(effects), hide_index=True, width="stretch", column_config=TABLE_CONFIG)

# --- efficacy, by analysis (data cut) and endpoint --------------------------------------------------
st.header(tr("trial.results"))
efficacy = values[~values["endpoint"].isin(SAFETY + CONTEXT) & (values["measure"] != "hr")]
for _, analysis in analyses.iloc[::-1].iterrows():
    in_cut = efficacy[efficacy["analysis"] == analysis["id"]]
    if in_cut.empty:
        continue
    label = data_text(analysis["label"], analysis["label_zh"], lang)
    kind = vocab_label(schema.ANALYSIS_KINDS, analysis["kind"], lang)
    st.subheader(f"{md(label)} · {kind}")
    for endpoint, group in in_cut.groupby("endpoint", sort=False):
        st.markdown(f"**{vocab_label(schema.ENDPOINTS, endpoint, lang)}** ({endpoint})")
        st.dataframe(value_table(group), hide_index=True, width="stretch", column_config=TABLE_CONFIG)

# --- safety ------------------------------------------------------------------------------------------
safety = values[values["endpoint"].isin(SAFETY)]
st.header(tr("trial.safety"))
if safety.empty:
    st.caption(tr("trial.no_safety"))
else:
    st.dataframe(value_table(safety), hide_index=True, width="stretch", column_config=TABLE_CONFIG)

# --- patients, follow-up, baseline -----------------------------------------------------------------------
context = values[values["endpoint"].isin(CONTEXT)]
if not context.empty:
    st.header(tr("trial.context"))
    st.dataframe(value_table(context), hide_index=True, width="stretch", column_config=TABLE_CONFIG)

# --- discrepancies ------------------------------------------------------------------------------------------
if not discrepancies.empty:
    st.header(tr("trial.discrepancies"))
    for _, group in discrepancies.groupby("discrepancy", sort=False):
        first = group.iloc[0]
        kind = vocab_label(schema.DISCREPANCY_KINDS, first["kind"], lang)
        icon = ":material/check_circle:" if first["kind"] == "agreement" else ":material/warning:"
        with st.expander(
            f"{kind}: {md(data_text(first['summary'], first['summary_zh'], lang))}",
            icon=icon,
            expanded=first["kind"] != "agreement",
        ):
            linked = value_table(group)
            linked.insert(
                0, tr("col.trial"), [formatting.trial_label(r, lang) for r in group.to_dict("records")]
            )
            st.dataframe(linked, hide_index=True, width="stretch", column_config=TABLE_CONFIG)

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

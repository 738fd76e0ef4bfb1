"""Trial: design, arms, and every value grouped by analysis and endpoint, each with its source."""

import datetime as dt

import pandas as pd
import streamlit as st

from core import schema
from core.presentation import formatting
from core.presentation.i18n import data_text, vocab_label
from core.text import markdown_escape as md
from pages import common, data, derived_sections
from pages.common import tr

common.ensure_shell()

lang = common.lang()
database = common.database()

PICKER_SIZE = 300
PICK_KEY = "trial__pick"


def choose(key: str) -> None:
    """The reader picked a trial: the address names it, and the next run shows it."""
    chosen = st.session_state.get(key)
    if chosen:
        st.query_params["trial"] = chosen


# The address is the truth: ``trial=<id>`` names the trial, and nothing else — no default
# trial, no remembered one. A link that names no known trial says so and never shows (or
# rewrites the address to) another trial. The picker is a plain selectbox, not one bound to
# the URL with bind="query-params": a bound widget drops an unknown value from the address.
requested = str(st.query_params.get("trial") or "").strip()
trial_id = data.resolve_trial(database=database, requested=requested) if requested else None
if trial_id is not None and trial_id != requested:
    st.query_params["trial"] = trial_id  # the same trial, named by its id (case, printed name)

trials = data.trial_ids(database=database, limit=PICKER_SIZE, include=trial_id)
ids = list(trials["id"])
names = {i: data_text(n, z, lang) for i, n, z in zip(trials["id"], trials["name"], trials["name_zh"])}
if not ids:
    st.warning(tr("trial.no_data"))
    st.stop()
# The widget follows the address, not the other way: its key names the trial shown, so a
# new address (a suggestion, a link) starts it afresh on that trial.
pick_key = f"{PICK_KEY}:{trial_id or ''}"
st.selectbox(
    tr("trial.pick"),
    ids,
    index=ids.index(trial_id) if trial_id in ids else None,
    key=pick_key,
    format_func=lambda i: names.get(i, i),
    placeholder=tr("trial.choose"),
    on_change=choose,
    args=(pick_key,),
)
if data.trial_count(database=database) > PICKER_SIZE:
    st.caption(tr("trial.picker_limited", n=PICKER_SIZE))

if trial_id is None:
    st.title(tr("nav.trial"))
    if not requested:
        st.info(tr("trial.choose_help"), icon=":material/description:")
        st.stop()
    st.error(tr("trial.not_found", requested=md(requested[:80])), icon=":material/search_off:")
    nearest = data.trial_suggestions(database=database, requested=requested)
    if not nearest.empty:
        st.markdown(tr("trial.suggestions"))
        for suggestion in nearest.to_dict("records"):
            name = data_text(suggestion["name"], suggestion["name_zh"], lang)
            st.page_link(
                "pages/trial.py",
                label=md(name),
                icon=":material/arrow_forward:",
                query_params={"trial": suggestion["id"], **common.shell_params()},
            )
    st.page_link(
        "pages/trials.py",
        label=tr("trial.search_all"),
        icon=":material/search:",
        query_params=common.shell_params(),
    )
    st.stop()

header = data.trial(database=database, trial_id=trial_id).iloc[0].to_dict()
arms = data.trial_arms(database=database, trial_id=trial_id)
analyses = data.trial_analyses(database=database, trial_id=trial_id)
values = data.trial_values(database=database, trial_id=trial_id)
discrepancies = data.discrepancies(database=database, trial_id=trial_id)

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
badges += derived_sections.caveat_badges(header.get("caveats"), lang)
if badges:
    st.markdown(" ".join(badges))

facts = {
    tr("col.cancer"): vocab_label(schema.CANCER_TYPES, header["cancer_type"], lang),
    tr("trial.condition"): md(data_text(header["condition"], header["condition_zh"], lang)),
    tr("col.setting"): (
        f"{vocab_label(schema.SETTINGS, header['setting'], lang)} · {vocab_label(schema.LINES, header['line'], lang)}"
    ),
    tr("col.phase"): vocab_label(schema.PHASES, header["phase"], lang),
    tr("col.design"): (
        f"{vocab_label(schema.DESIGNS, header['design'], lang)} · {vocab_label(schema.BLINDING, header['blinding'], lang)}"
    ),
    tr("trial.control"): md(header["control"]) or "—",
    tr("col.primary"): vocab_label(schema.ENDPOINTS, header["primary_endpoint"], lang)
    if header["primary_endpoint"]
    else tr("trials.not_stated"),
    tr("col.patients"): "—" if pd.isna(header["n_patients"]) else str(int(header["n_patients"])),
    # st.table renders its cells as Markdown: every data field is escaped
    tr("trial.registry"): ", ".join(md(r) for r in header["registry_ids"]) or "—",
    tr("trial.presented"): "; ".join(md(p) for p in header["presented"]) or "—",
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

# --- derived: absolute effects and how estimates matured across data cuts --------------------------
derived_sections.absolute_effects_section(values, lang, key="trial__absolute")
derived_sections.timeline_section(values, lang, trial_id)

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
        st.markdown(f"**{md(vocab_label(schema.ENDPOINTS, endpoint, lang))}** ({md(endpoint)})")
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
# Built while the page runs, from this reader's data (their import included).
download_columns = st.columns(2)
with download_columns[0]:
    common.download(
        data.evidence_card(database=database, trial_id=trial_id, lang=lang, day=dt.date.today()).encode(
            "utf-8"
        ),
        f"evidence-card-{trial_id}-{lang}.html",
        "text/html",
        tr("card.download"),
        key="trial__card",
        icon=":material/print:",
    )
with download_columns[1]:
    common.csv_download(
        derived_sections.export_frame(database, (trial_id,)),
        f"{trial_id}-values.csv",
        tr("trial.download"),
        key="trial__csv",
    )

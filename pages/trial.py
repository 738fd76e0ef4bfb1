"""Trial: design, arms, and every value grouped by analysis and endpoint, each with its source."""

import datetime as dt

import pandas as pd
import streamlit as st

from core import schema
from core.importer import USER_VERSION_SUFFIX, curated_id_of
from core.presentation import caveats, estimates, export, formatting, tables
from core.presentation.i18n import data_text, vocab_label
from core.text import markdown_escape as md
from pages import common, data, derived_sections, table_view
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
# an imported trial (a user's version of a curated one too) is named as user-supplied
names = {
    r["id"]: formatting.trial_label(
        {"trial_name": r["name"], "trial_name_zh": r["name_zh"], "origin": r["origin"]}, lang
    )
    for r in trials.to_dict("records")
}
if not ids:
    st.warning(tr("trial.no_data"))
    st.stop()
# The widget follows the address, not the other way: its key names the trial shown, so a
# new address (a suggestion, a link) starts it afresh on that trial.
pick_key = f"{PICK_KEY}:{trial_id or ''}"
common.controls(tr("trial.pick"), boxed=False).selectbox(
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

common.set_document(
    f"{formatting.trial_label({'trial_name': header['name'], 'trial_name_zh': header['name_zh']}, lang)} · {tr('nav.trial')}",
    mark_language=False,
)
common.page_heading(
    md(
        formatting.trial_label(
            {"trial_name": header["name"], "trial_name_zh": header["name_zh"], "origin": header["origin"]},
            lang,
        )
    ),
    subtitle=md(data_text(header["title"], header["title_zh"], lang)),
)

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
# curated trial caveats (schema.CAVEATS: crossing curves, responder comparison…) are red
badges = [
    f":{BADGE_COLOURS.get(code, 'red')}-badge[{caveats.label(code, lang)}]"
    for code in tables.trial_caveats(header, values)
]
if badges:
    st.markdown(" ".join(badges))

# A curated trial and the reader's imported version of it link to each other (shown beside
# each other, never one replacing the other).
mine = header["origin"] == "user"
twin = curated_id_of(trial_id) if mine else trial_id + USER_VERSION_SUFFIX
if (
    twin
    and (mine or database.upload is not None)
    and data.resolve_trial(database=database, requested=twin) == twin
):
    st.page_link(
        "pages/trial.py",
        label=tr("export.open_curated" if mine else "export.open_yours", id=twin),
        icon=":material/call_split:",
        query_params={"trial": twin, **common.shell_params()},
    )

# st.table renders its cells as Markdown: every fact (data text included) is escaped
facts = tables.trial_facts(header, lang)
facts["value"] = facts["value"].map(md)
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
table_view.show(tables.arms_table(arms, lang), name="arms")

# --- analyses --------------------------------------------------------------------------------------
st.header(tr("trial.analyses"))
table_view.show(tables.analyses_table(analyses, lang), name="analyses")

# One value table for the whole trial (the card and the CSV use the same presenter); each
# section shows its rows.
value_table = tables.value_table(values, lang)
VALUE_COLUMNS = [c for c in tables.VALUE_COLUMNS if c != "trial"]


def show_values(mask: pd.Series, name: str = "values") -> None:
    """The rows of the value table under ``mask``: number, interval and level first; every
    cell wraps and every row is on the page (a card per value on a phone)."""
    table_view.show(value_table[mask.to_numpy()], VALUE_COLUMNS, name=name)


SAFETY = schema.SAFETY_ENDPOINTS
CONTEXT = schema.CONTEXT_ENDPOINTS

# --- effect estimates --------------------------------------------------------------------------------
# Every cut, each row naming its cut (label, year, kind) and whether a later cut supersedes
# it (the forest plot's rule); one estimate printed alike by two sources is one row.
hazard_ratios = data.forest_estimates(
    database=database,
    endpoints=(),
    cancer_types=(),
    evidence_kinds=(),
    all_cuts=True,
    trial_ids=(trial_id,),
    limit=None,
)
st.header(tr("trial.effects"))
if hazard_ratios.empty:
    st.caption(tr("trial.no_effects"))
else:
    st.caption(tr("forest_rows.trial_rule"))
    table_view.show(
        estimates.hr_table(hazard_ratios, lang), name="effects", headers=estimates.own_headers(lang)
    )

# --- derived: absolute effects and how estimates matured across data cuts --------------------------
derived_sections.absolute_effects_section(values, lang, key="trial__absolute")
derived_sections.timeline_section(values, lang, trial_id)

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
        abbreviation = f" ({md(endpoint)})" if endpoint in schema.ENDPOINT_ABBREVIATIONS else ""
        st.markdown(f"**{md(vocab_label(schema.ENDPOINTS, endpoint, lang))}**{abbreviation}")
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
            table_view.show(linked[linked["id"] == summary["id"]], linked_columns, name="discrepancy")

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
    long = derived_sections.export_frame(database, (trial_id,))
    common.values_download(long, f"{trial_id}-values.csv", tr("trial.download"), key="trial__csv")
    # The values as this page (and the card) writes them, after the long format's columns.
    common.values_download(
        export.page_values(long, values, lang),
        f"{trial_id}-values-{lang}.csv",
        tr("trial.download_shown"),
        key="trial__shown_csv",
    )

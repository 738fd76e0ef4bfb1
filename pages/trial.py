"""Trial: design, arms, and every value grouped by analysis and endpoint, each with its source."""

from functools import partial

import pandas as pd
import streamlit as st

from core.importer import USER_VERSION_SUFFIX, curated_id_of
from core.presentation import caveats, export, formatting, tables
from core.presentation.i18n import data_text
from core.text import markdown_escape as md
from pages import common, data, derived_sections, views
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
# Everything below the header, built once per process for this trial, language and look
# (pages/views.py): tables as HTML, the maturity charts as figures.
view = views.trial(database=database, trial_id=trial_id, **common.look())

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
badges = [f":{BADGE_COLOURS.get(code, 'red')}-badge[{caveats.label(code, lang)}]" for code in view.caveats]
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
st.html(view.arms)

# --- analyses --------------------------------------------------------------------------------------
st.header(tr("trial.analyses"))
st.html(view.analyses)


def section(title: str, table: str, none: str, caption: str | None = None) -> None:
    """A heading and its table (HTML from the view) with a caption, or the line saying it has none."""
    st.header(tr(title))
    if not table:
        st.caption(tr(none))
        return
    if caption:
        st.caption(tr(caption))
    st.html(table)


# --- effect estimates --------------------------------------------------------------------------------
section("trial.effects", view.effects, "trial.no_effects", "forest_rows.trial_rule")

# --- derived: absolute effects and how estimates matured across data cuts --------------------------
section("derived.absolute_title", view.absolute, "derived.absolute_none", "derived.absolute_help")
if view.timeline:
    st.header(tr("derived.timeline_title"))
    st.caption(tr("derived.timeline_help"))
    for chart in view.timeline:
        st.subheader(chart.title)
        common.show_chart(chart.figure, chart.file_name, key=chart.key)
        common.text_alternative(chart.figure)
        st.html(chart.table)

# --- efficacy, by analysis (data cut) and endpoint --------------------------------------------------
st.header(tr("trial.results"))
for cut, endpoints in view.results:
    st.subheader(cut)
    for heading, table in endpoints:
        st.markdown(heading)
        st.html(table)

# --- safety ------------------------------------------------------------------------------------------
section("trial.safety", view.safety, "trial.no_safety")

# --- patients, follow-up, baseline -----------------------------------------------------------------------
if view.context:
    st.header(tr("trial.context"))
    st.html(view.context)

# --- discrepancies ------------------------------------------------------------------------------------------
if view.discrepancies:
    st.header(tr("trial.discrepancies"))
    for title, agreement, table in view.discrepancies:
        with st.expander(
            title,
            icon=":material/check_circle:" if agreement else ":material/warning:",
            expanded=not agreement,
        ):
            st.html(table)

st.divider()


def shown_values(database, trial_id: str, language: str) -> pd.DataFrame:
    """The values as this page (and the card) writes them, after the long format's columns."""
    values = data.trial_values(database=database, trial_id=trial_id)
    return export.page_values(derived_sections.export_frame(database, (trial_id,)), values, language)


# Written on click, from this reader's data (their import included): plain values only.
download_columns = st.columns(2)
with download_columns[0]:
    common.download(
        partial(data.evidence_card_file, database=database, trial_id=trial_id, lang=lang),
        f"evidence-card-{trial_id}-{lang}.html",
        "text/html",
        tr("card.download"),
        key="trial__card",
        icon=":material/print:",
    )
with download_columns[1]:
    common.values_download(
        partial(derived_sections.export_frame, database, (trial_id,)),
        f"{trial_id}-values.csv",
        tr("trial.download"),
        key="trial__csv",
    )
    # The values as this page (and the card) writes them, after the long format's columns.
    common.values_download(
        partial(shown_values, database, trial_id, lang),
        f"{trial_id}-values-{lang}.csv",
        tr("trial.download_shown"),
        key="trial__shown_csv",
    )

"""Page sections for derived numbers (core.derived), shared by the trial, survival and
sources pages. UI only: each function reads prepared frames and renders them."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core import derived, schema
from core.presentation import citations, derivations, formatting, plots
from core.presentation.i18n import vocab_label
from core.store import Database, connection
from core.text import markdown_escape
from pages import common, table_view
from pages.common import tr


@st.cache_data(max_entries=64, show_spinner=False)
def _export(*, database: Database, trial_ids: tuple[str, ...]) -> pd.DataFrame:
    return derived.export_frame(connection(database), trial_ids)


def export_frame(database: Database, trial_ids: Sequence[str]) -> pd.DataFrame:
    """The long export of ``trial_ids`` (the reader's own data) with their derived values."""
    return _export(database=database, trial_ids=tuple(trial_ids))


def caveat_badges(caveats, lang: str) -> list[str]:
    """Markdown badges for a trial's coded caveats."""
    return [f":red-badge[{label}]" for label in derivations.trial_caveat_labels(caveats, lang)]


def _labelled(frame: pd.DataFrame, keys: dict[str, str]) -> pd.DataFrame:
    shown = frame[[k for k in keys if k in frame.columns]]
    shown = shown.loc[:, [k for k in shown.columns if shown[k].astype(str).str.len().gt(0).any()]]
    return shown.rename(columns={k: tr(v) for k, v in keys.items()})


def _show(frame: pd.DataFrame, keys: dict[str, str], name: str) -> None:
    """A derived table on the trial page: cells wrap, every row is on the page, a card per row
    on a phone (pages/table_view.py); empty columns left out as in ``_labelled``."""
    columns = [k for k in keys if k in frame.columns]
    table_view.show(frame, columns, name=name, headers={k: tr(v) for k, v in keys.items()})


ABSOLUTE_COLUMNS = {
    "kind": "derived.col_kind",
    "result": "derived.col_result",
    "endpoint": "derived.col_endpoint",
    "timepoint": "derived.col_timepoint",
    "arms": "derived.col_arms",
    "population": "derived.col_population",
    "analysis": "derived.col_analysis",
    "method": "derived.col_method",
    "reason": "derived.col_reason",
    "formula": "derived.col_formula",
    "inputs": "derived.col_inputs",
}


def absolute_effects_section(values: pd.DataFrame, lang: str, key: str) -> None:
    """The "Absolute effects" section of a trial page."""
    st.header(tr("derived.absolute_title"))
    effects = derived.absolute_effects(values)
    if effects.empty:
        st.caption(tr("derived.absolute_none"))
        return
    st.caption(tr("derived.absolute_help"))
    _show(derivations.absolute_table(effects, lang), ABSOLUTE_COLUMNS, name=key)


TIMELINE_COLUMNS = {
    "series": "derived.col_series",
    "estimate": "derived.col_estimate",
    "change": "derived.col_change",
    "assessment": "col.assessment",
    "kind": "derived.col_cut_kind",
    "cut": "derived.col_cut",
    "cutoff": "derived.col_cutoff",
    "follow_up": "derived.col_follow_up",
    "inputs": "derived.col_inputs",
}


def timeline_section(values: pd.DataFrame, lang: str, trial_id: str) -> None:
    """The "How estimates matured" section: per endpoint, a small chart and a table."""
    frame = derived.timeline(values)
    if frame.empty:
        return
    st.header(tr("derived.timeline_title"))
    st.caption(tr("derived.timeline_help"))
    for (endpoint, measure), group in frame.groupby(["endpoint", "measure"], sort=False):
        title = f"{endpoint} · {vocab_label(schema.MEASURES, measure, lang)}"
        st.subheader(title)
        figure = plots.caption_figure(
            derivations.timeline_figure(group, lang, common.theme(), common.present()),
            citations.timeline_title(group, lang),
            citations.citation_footer(values[values["id"].isin(group["id"])], lang),
            citations.timeline_summary(group, lang, derivations.series_label),
            common.present(),
            common.theme(),
        )
        common.show_chart(
            figure, f"timeline-{trial_id}-{endpoint}-{measure}", key=f"timeline__{endpoint}__{measure}"
        )
        with st.expander(tr("cite.alt_title"), icon=":material/description:"):
            st.markdown(markdown_escape(plots.text_alternative(figure)))
            st.caption(markdown_escape(plots.citation_of(figure)).replace("\n", "  \n"))
        _show(
            derivations.timeline_table(group, lang), TIMELINE_COLUMNS, name=f"timeline-{endpoint}-{measure}"
        )


def survival_differences(rows: pd.DataFrame, lang: str) -> None:
    """Rows of absolute differences under the survival comparison table."""
    effects = derived.absolute_effects(rows)
    if effects.empty:
        return
    effects = effects[effects["value"].notna()]
    if effects.empty:
        return
    st.subheader(tr("derived.survival_title"))
    st.caption(tr("derived.survival_help"))
    table = derivations.absolute_table(effects, lang)
    origins = dict(zip(rows["trial"], rows["origin"])) if "origin" in rows.columns else {}
    table.insert(
        0,
        "trial",
        [
            formatting.trial_label({"trial_name": name, "origin": origins.get(trial, "curated")}, lang)
            for trial, name in zip(effects["trial"], effects["trial_name"])
        ],
    )
    keys = {"trial": "col.trial", **ABSOLUTE_COLUMNS}
    st.dataframe(_labelled(table, keys), hide_index=True, width="stretch", key="survival__derived")
    common.values_download(
        derived.export_rows(effects), f"survival-derived-{lang}.csv", key="survival__derived_csv"
    )


DERIVATION_KEYS = ("rate", "nnt", "median", "timeline", "ci95", "bucher")


def sources_section() -> None:
    """The Sources & method page's plain-language account of every derivation."""
    st.header(tr("derived.sources_title"))
    st.markdown(tr("derived.sources_intro"))
    for key in DERIVATION_KEYS:
        st.markdown(tr(f"derived.sources_{key}"))

"""Cached views: what a page draws for one view, built once per process and shared.

A view is named by plain values — the reader's data (:class:`core.store.Database`), the
page's filters, the language, the theme and presentation mode — and everything the page draws
from them (figures, HTML tables, display frames) is a pure function of those values. Each
function here builds that once per distinct view and keeps it with ``st.cache_resource``: the
next session opening the same view (a shared link, the default view, a language switch back)
reads it without copying, where building it again was most of the server's time a page view
(building Plotly figures and tables: 300–500 ms on the forest, survival and trial pages).

**Read-only.** Every session gets the same objects: a page draws them and never changes them
(``plots.fit_height`` and the figure export copy a figure before changing it). Like
``pages/data.py``, no function here reads session state, so a view never belongs to another
reader: the reader's import is part of the ``database`` value.

Not a page: ``app.py`` lists the pages; this module is imported by them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import derived, schema
from core.presentation import citations, derivations, estimates, figure_data, formatting, plots, tables
from core.presentation.i18n import data_text, t, vocab_label
from core.presentation.survival import LANDMARK_MONTHS, comparison_table
from core.store import Database
from core.text import markdown_escape as md
from pages import data

VIEWS = 128
"""Views kept per page and process (least recently used first out)."""


def _table(frame: pd.DataFrame, lang: str, theme: str, present: bool, columns=None, **options) -> str:
    """A presenter's frame as the page draws it: stylesheet and HTML table."""
    return tables.styled_table(frame, lang, columns, theme=theme, present=present, **options)


# --- forest -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForestView:
    """The forest page's figures and table for one view."""

    rows: pd.DataFrame  # the estimates drawn (at 95% when the view asks for it)
    converted: int  # intervals converted to 95% (derived), and those whose level is not stated
    not_stated: int
    title: str
    arms: go.Figure | None  # experimental vs control, under "favours …"
    other: go.Figure | None  # any other comparison (patients grouped by response, …)
    table: pd.DataFrame  # the plotted values as the table under the plot shows them
    caveats: bool  # some trial drawn carries a caveat code (the plot marks it)


@st.cache_resource(max_entries=VIEWS, show_spinner=False)
def forest(
    *,
    database: Database,
    endpoints: tuple[str, ...],
    cancers: tuple[str, ...],
    evidence: tuple[str, ...],
    all_cuts: bool,
    at_95: bool,
    group_by: str,
    limit: int,
    lang: str,
    theme: str,
    present: bool,
) -> ForestView:
    rows = data.forest_estimates(
        database=database,
        endpoints=endpoints,
        cancer_types=cancers,
        evidence_kinds=evidence,
        all_cuts=all_cuts,
        limit=limit,
    )
    title = citations.figure_title("forest", list(endpoints), list(cancers), list(evidence), all_cuts, lang)
    if rows.empty:
        return ForestView(rows, 0, 0, title, None, None, pd.DataFrame(), False)
    converted = not_stated = 0
    if at_95:
        rows, converted, not_stated = derivations.forest_at_95(rows)
    # Experimental-vs-control rows under "favours experimental / favours control"; any other
    # comparison apart, without those words (read from the record: arm roles and the
    # responder-comparison flag).
    arm_rows, other_rows = figure_data.split_comparisons(rows)
    look = {"lang": lang, "group_by": group_by, "present": present, "theme": theme}
    arms = other = None
    if not arm_rows.empty:
        arms = plots.forest_figure(
            arm_rows, footer=plots.citation_footer(arm_rows, lang), title=title, **look
        )
    if not other_rows.empty:
        other = plots.forest_figure(
            other_rows,
            footer=plots.citation_footer(other_rows, lang),
            kind="other",
            title=t("forest_rows.other_title", lang),
            **look,
        )
    table = tables.display(estimates.forest_table(rows, lang), lang)
    caveats = bool(rows["trial_caveats"].map(lambda c: c is not None and len(c) > 0).any())
    return ForestView(rows, converted, not_stated, title, arms, other, table, caveats)


# --- survival -----------------------------------------------------------------------------------

SURVIVAL_CHARTS = (
    ("median", "medians", plots.survival_medians_figure, "survival.medians_help"),
    ("landmark", "landmarks", plots.survival_landmarks_figure, None),
)
"""The survival page's two charts: (measure, name, builder, help key)."""

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


@dataclass(frozen=True)
class SurvivalChart:
    measure: str
    name: str
    help_key: str | None
    figure: go.Figure | None  # None: no row of this measure


@dataclass(frozen=True)
class SurvivalView:
    """The survival page's charts and tables for one view."""

    rows: pd.DataFrame
    charts: tuple[SurvivalChart, ...]
    differences: pd.DataFrame | None  # within-trial absolute differences, as the table shows them
    difference_rows: pd.DataFrame | None  # … and the derived values they come from (the CSV)
    table: pd.DataFrame  # the comparison table as shown


def _differences(rows: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Rows of absolute differences under the survival comparison table: (shown, derived)."""
    effects = derived.absolute_effects(rows)
    if effects.empty:
        return None
    effects = effects[effects["value"].notna()]
    if effects.empty:
        return None
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
    shown = table[[k for k in keys if k in table.columns]]
    shown = shown.loc[:, [k for k in shown.columns if shown[k].astype(str).str.len().gt(0).any()]]
    return shown.rename(columns={k: t(v, lang) for k, v in keys.items()}), effects


@st.cache_resource(max_entries=VIEWS, show_spinner=False)
def survival(
    *,
    database: Database,
    endpoint: str,
    cancers: tuple[str, ...],
    evidence: tuple[str, ...],
    all_cuts: bool,
    max_trials: int,
    lang: str,
    theme: str,
    present: bool,
) -> SurvivalView:
    rows = data.survival_rows(
        database=database,
        endpoint=endpoint,
        cancer_types=cancers,
        evidence_kinds=evidence,
        latest_only=not all_cuts,
        max_trials=max_trials,
    )
    if rows.empty:
        return SurvivalView(rows, (), None, None, pd.DataFrame())
    charts = []
    for measure, name, build, help_key in SURVIVAL_CHARTS:
        figure = None
        if (rows["measure"] == measure).any():
            title = citations.figure_title(name, [endpoint], list(cancers), list(evidence), all_cuts, lang)
            footer = plots.citation_footer(rows[rows["measure"] == measure], lang)  # the trials it draws
            figure = build(
                rows, endpoint, lang=lang, present=present, footer=footer, theme=theme, title=title
            )
        charts.append(SurvivalChart(measure, name, help_key, figure))
    differences = _differences(rows, lang)
    follow_up = data.follow_up_rows(database=database, trial_ids=tuple(rows["trial"].unique()))
    table = comparison_table(rows, follow_up, lang)
    # Landmark columns no trial fills are left out; keys become headers through the catalog.
    empty_rates = {f"rate_{m}" for m in LANDMARK_MONTHS if not table[f"rate_{m}"].astype(bool).any()}
    columns = [c for c in table.columns if c != "trial_id" and c not in empty_rates]
    shown = tables.display(table, lang, columns, endpoint=endpoint)
    return SurvivalView(
        rows,
        tuple(charts),
        differences[0] if differences else None,
        differences[1] if differences else None,
        shown,
    )


# --- trial --------------------------------------------------------------------------------------

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
VALUE_COLUMNS = [c for c in tables.VALUE_COLUMNS if c != "trial"]


@dataclass(frozen=True)
class TimelineChart:
    """One endpoint's "How estimates matured" chart and table."""

    title: str
    figure: go.Figure
    file_name: str
    key: str
    table: str


@dataclass(frozen=True)
class TrialView:
    """The trial page's tables and charts below its header (HTML tables, Markdown headings)."""

    caveats: tuple[str, ...]  # the caveat codes of the whole trial (its badges)
    arms: str
    analyses: str
    effects: str  # "" when the trial prints no effect estimate
    absolute: str  # "" when no absolute effect can be derived
    timeline: tuple[TimelineChart, ...]
    results: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (cut, ((endpoint, table), …))
    safety: str
    context: str
    discrepancies: tuple[tuple[str, bool, str], ...]  # (title, an agreement?, table)


def _derived_table(frame: pd.DataFrame, keys: dict[str, str], name: str, lang, theme, present) -> str:
    columns = [k for k in keys if k in frame.columns]
    return _table(
        frame, lang, theme, present, columns, name=name, headers={k: t(v, lang) for k, v in keys.items()}
    )


def _timeline(
    values: pd.DataFrame, trial_id: str, lang: str, theme: str, present: bool
) -> list[TimelineChart]:
    frame = derived.timeline(values)
    charts = []
    for (endpoint, measure), group in frame.groupby(["endpoint", "measure"], sort=False):
        figure = plots.caption_figure(
            derivations.timeline_figure(group, lang, theme, present),
            citations.timeline_title(group, lang),
            citations.citation_footer(values[values["id"].isin(group["id"])], lang),
            citations.timeline_summary(group, lang, derivations.series_label),
            present,
            theme,
        )
        table = _derived_table(
            derivations.timeline_table(group, lang),
            TIMELINE_COLUMNS,
            f"timeline-{endpoint}-{measure}",
            lang,
            theme,
            present,
        )
        charts.append(
            TimelineChart(
                f"{endpoint} · {vocab_label(schema.MEASURES, measure, lang)}",
                figure,
                f"timeline-{trial_id}-{endpoint}-{measure}",
                f"timeline__{endpoint}__{measure}",
                table,
            )
        )
    return charts


def _results(values, analyses, value_table, lang, theme, present):
    """Efficacy by analysis (data cut, latest first) and endpoint; safety; context."""

    def show(mask: pd.Series, name: str = "values") -> str:
        return _table(value_table[mask.to_numpy()], lang, theme, present, VALUE_COLUMNS, name=name)

    efficacy = ~values["endpoint"].isin(schema.SAFETY_ENDPOINTS + schema.CONTEXT_ENDPOINTS) & (
        values["measure"] != "hr"
    )
    results = []
    for analysis in analyses.iloc[::-1].to_dict("records"):
        in_cut = efficacy & (values["analysis"] == analysis["id"])
        if not in_cut.any():
            continue
        label = data_text(analysis["label"], analysis["label_zh"], lang)
        kind = vocab_label(schema.ANALYSIS_KINDS, analysis["kind"], lang)
        endpoints = []
        for endpoint in dict.fromkeys(values.loc[in_cut, "endpoint"]):
            abbreviation = f" ({md(endpoint)})" if endpoint in schema.ENDPOINT_ABBREVIATIONS else ""
            heading = f"**{md(vocab_label(schema.ENDPOINTS, endpoint, lang))}**{abbreviation}"
            endpoints.append((heading, show(in_cut & (values["endpoint"] == endpoint))))
        results.append((f"{md(label)} · {kind}", tuple(endpoints)))
    safety = values["endpoint"].isin(schema.SAFETY_ENDPOINTS)
    context = values["endpoint"].isin(schema.CONTEXT_ENDPOINTS)
    return (
        tuple(results),
        show(safety) if safety.any() else "",
        show(context) if context.any() else "",
    )


@st.cache_resource(max_entries=VIEWS, show_spinner=False)
def trial(*, database: Database, trial_id: str, lang: str, theme: str, present: bool) -> TrialView:
    header = data.trial(database=database, trial_id=trial_id).iloc[0].to_dict()
    arms = data.trial_arms(database=database, trial_id=trial_id)
    analyses = data.trial_analyses(database=database, trial_id=trial_id)
    values = data.trial_values(database=database, trial_id=trial_id)
    discrepancies = data.discrepancies(database=database, trial_id=trial_id)
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
    effects = ""
    if not hazard_ratios.empty:
        effects = _table(
            estimates.hr_table(hazard_ratios, lang),
            lang,
            theme,
            present,
            name="effects",
            headers=estimates.own_headers(lang),
        )
    absolute_effects = derived.absolute_effects(values)
    absolute = ""
    if not absolute_effects.empty:
        absolute = _derived_table(
            derivations.absolute_table(absolute_effects, lang),
            ABSOLUTE_COLUMNS,
            "trial__absolute",
            lang,
            theme,
            present,
        )
    # One value table for the whole trial (the card and the CSV use the same presenter); each
    # section shows its rows.
    value_table = tables.value_table(values, lang)
    results, safety, context = _results(values, analyses, value_table, lang, theme, present)
    conflicts = []
    if not discrepancies.empty:
        linked = tables.discrepancy_table(discrepancies, lang)
        for summary in tables.discrepancy_summaries(discrepancies, lang).to_dict("records"):
            table = _table(
                linked[linked["id"] == summary["id"]],
                lang,
                theme,
                present,
                ["trial", *VALUE_COLUMNS],
                name="discrepancy",
            )
            conflicts.append((md(summary["title"]), summary["kind"] == "agreement", table))
    return TrialView(
        caveats=tuple(tables.trial_caveats(header, values)),
        arms=_table(tables.arms_table(arms, lang), lang, theme, present, name="arms"),
        analyses=_table(tables.analyses_table(analyses, lang), lang, theme, present, name="analyses"),
        effects=effects,
        absolute=absolute,
        timeline=tuple(_timeline(values, trial_id, lang, theme, present)),
        results=results,
        safety=safety,
        context=context,
        discrepancies=tuple(conflicts),
    )

"""The prepare step of every figure: query rows in, a frame ready to draw out.

A figure is built in four steps, after LSYS/forestplot: copy the query rows, validate them
(a missing column is an error that names it), prepare one row per drawn mark — its label,
hover text, interval style, group and position, all localised and HTML-escaped here — and
draw (:mod:`core.presentation.plots`, which never localises or formats a row). The fixed
words of a figure (legend entries, axis titles) come in a :class:`FigureText` mapping.

Every data string is HTML-escaped: Plotly renders a subset of HTML in labels and hover text.

May import: ``core.schema`` and this package's ``formatting``, ``caveats`` and ``i18n``.
Never streamlit, ``pages``, ``bench`` or plotly.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from core import schema
from core.presentation import caveats, formatting
from core.presentation.i18n import data_text, t, vocab_label

INTERVAL_KEYS = ("95", "90", "80", "unknown", "none", "derived95")
"""Interval styles: the CI level, ``unknown`` when not stated, ``none`` without an interval."""

FigureText = Mapping[str, str]
"""The fixed words of a figure (legend entries, titles), by key."""

FOREST_COLUMNS = ("trial_name", "endpoint", "cancer_type", "value", "ci_low", "ci_high", "ci_level")
SURVIVAL_COLUMNS = ("trial", "trial_name", "measure", "value", "ci_low", "ci_high", "ci_level")


class FigureDataError(ValueError):
    """Rows a figure cannot be drawn from; the message names the figure and the columns."""


def esc(text: object) -> str:
    """Data text made safe for Plotly's HTML subset."""
    return html.escape(str(text if text is not None else ""), quote=False)


def number(value: Any) -> float | None:
    """A finite float, or ``None`` (missing, NaN, infinite or not a number)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def validate(rows: pd.DataFrame, required: Iterable[str], figure: str) -> pd.DataFrame:
    """A copy of ``rows``, or :class:`FigureDataError` naming the columns that are missing."""
    if not isinstance(rows, pd.DataFrame):
        raise FigureDataError(f"{figure}: expected a DataFrame of query rows, got {type(rows).__name__}")
    missing = [column for column in required if column not in rows.columns]
    if missing and not rows.empty:
        raise FigureDataError(f"{figure}: missing column(s) {', '.join(missing)}")
    return rows.copy()


def style_key(row: Mapping[str, Any]) -> str:
    """How an interval is drawn: by its CI level, ``unknown`` or ``none``."""
    if number(row.get("ci_low")) is None and number(row.get("ci_high")) is None:
        return "none"
    if str(row.get("derived_ci")) == "True":
        return "derived95"  # re-expressed at 95% by core.derived, never printed
    level = str(row.get("ci_level") or "unknown")
    return level if level in INTERVAL_KEYS else "unknown"


def legend_text(lang: str) -> dict[str, str]:
    return {f"legend.{key}": t(f"forest.legend.{key}", lang) for key in INTERVAL_KEYS}


def hover(row: Mapping[str, Any], lang: str) -> str:
    """The hover text of one estimate: what, value, arms, population, cut, source, caveats."""
    analysis = data_text(row.get("analysis_label", ""), row.get("analysis_label_zh", ""), lang)
    parts = [
        f"<b>{esc(formatting.trial_label(row, lang))}</b> · {esc(row['endpoint'])}",
        esc(formatting.value_text(row, lang)),
        esc(formatting.arms_text(row, lang)),
        f"{esc(t('label.population', lang))}: {esc(formatting.population_text(row, lang))}",
        f"{esc(t('label.analysis', lang))}: {esc(analysis)}",
        f"{esc(t('label.source', lang))}: {esc(row.get('source', ''))}",
        f"“{esc(row.get('snippet', ''))}”",
    ]
    notes = caveats.labels(caveats.value_codes(row), lang)
    if notes:
        parts.append("⚠ " + esc("; ".join(notes)))
    return "<br>".join(parts)


def _assessment(row: Mapping[str, Any], lang: str) -> list[str]:
    assessment = row.get("assessment")
    if assessment == "BICR":
        return ["BICR"]
    return [esc(t("forest.inv", lang))] if assessment == "investigator" else []


def _subgroup(row: Mapping[str, Any], lang: str, limit: int | None = None) -> list[str]:
    if (row.get("population") or "ITT") == "ITT":
        return []
    text = formatting.population_text(row, lang)
    return [esc(shorten(text, limit) if limit else text)]


def _cut(row: Mapping[str, Any], lang: str, limit: int = 24) -> list[str]:
    """The data cut a row belongs to (two cuts of one trial never read the same), with an
    interim analysis marked as such."""
    label = data_text(row.get("analysis_label") or "", row.get("analysis_label_zh") or "", lang)
    parts = [esc(shorten(label, limit))] if label else []
    if row.get("analysis_kind") == "interim":
        parts.append(f"<i>{esc(vocab_label(schema.ANALYSIS_KINDS, 'interim', lang))}</i>")
    return parts


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- forest plot ----------------------------------------------------------------------------------


def forest_text(lang: str) -> dict[str, str]:
    """The fixed words of the forest plot."""
    return {
        **legend_text(lang),
        "clipped": t("forest.clipped", lang),
        "text_column": t("forest.text_column", lang),
        "favours_experimental": t("forest.favours_experimental", lang),
        "favours_control": t("forest.favours_control", lang),
        "x_title": t("forest.x_title", lang),
    }


def _forest_label(row: Mapping[str, Any], group_by: str, lang: str) -> str:
    parts = [esc(formatting.trial_label(row, lang))]
    if group_by != "endpoint":
        parts.append(esc(row["endpoint"]))
    label = " · ".join(parts + _subgroup(row, lang) + _assessment(row, lang) + _cut(row, lang))
    trial_caveats = row.get("trial_caveats")
    if trial_caveats is not None and len(trial_caveats):
        # a trial-level caveat (crossing curves, responder comparison, …): a badge on the row,
        # spelled out in the hover and the table
        label += " ⚠"
    return label


def _forest_value(row: Mapping[str, Any], style: str, lang: str) -> str:
    """The text column's cell: the estimate and its interval without "HR" (the header says it)."""
    text = esc(formatting.value_text(row, lang, with_p=False, name_ratio=False))
    badge = {"none": "forest.no_ci", "derived95": "derived.badge"}.get(style)
    return text + (f"  <i>{esc(t(badge, lang))}</i>" if badge else "")


def _group_title(row: Mapping[str, Any], group_by: str, lang: str) -> str:
    if group_by == "endpoint":
        return vocab_label(schema.ENDPOINTS, row["endpoint"], lang)
    return vocab_label(schema.CANCER_TYPES, row["cancer_type"], lang)


def _forest_mark(row: Mapping[str, Any], y: float, group: str, group_by: str, lang: str) -> dict:
    style = style_key(row)
    return {
        "y": y,
        "label": _forest_label(row, group_by, lang),
        "header": False,
        "group": group,
        "style": style,
        "value": number(row.get("value")),
        "low": number(row.get("ci_low")),
        "high": number(row.get("ci_high")),
        "n": number(row.get("n_patients")),
        "hover": hover(row, lang),
        "text": _forest_value(row, style, lang),
        "source": esc(vocab_label(schema.SOURCE_KINDS, row.get("source_kind") or "", lang)),
    }


def forest_frame(rows: pd.DataFrame, lang: str = "en", group_by: str = "cancer") -> pd.DataFrame:
    """The forest plot's rows in drawing order, a header row before each group.

    Columns: ``y``, ``label`` (tick text), ``header``, ``group``, ``style`` (interval key),
    ``value``, ``low``, ``high``, ``n`` (patients), ``hover``, ``text`` (the "HR (CI)" cell).
    """
    frame = validate(rows, FOREST_COLUMNS, "forest plot")
    if frame.empty:
        return pd.DataFrame(columns=list(_FOREST_MARK_COLUMNS))
    key = "endpoint" if group_by == "endpoint" else "cancer_type"
    order = "endpoint_position" if group_by == "endpoint" else "cancer_position"
    if order not in frame.columns:
        frame[order] = 0
    marks: list[dict] = []
    y = 0.0
    for _, group in frame.sort_values([order, key], kind="stable").groupby(key, sort=False):
        records = group.to_dict("records")
        title = esc(_group_title(records[0], group_by, lang))
        marks.append({"y": y, "label": f"<b>{title}</b>", "header": True, "group": title, "style": ""})
        for offset, record in enumerate(records, start=1):
            marks.append(_forest_mark(record, y - offset, title, group_by, lang))
        y -= len(records) + 1.4
    _name_sources_of_twins(marks)
    return pd.DataFrame(marks, columns=list(_FOREST_MARK_COLUMNS))


def _name_sources_of_twins(marks: list[dict]) -> None:
    """Rows that would still read the same (one estimate reported by two sources of one data
    cut) name the kind of source each comes from."""
    seen = Counter(mark["label"] for mark in marks if not mark["header"])
    for mark in marks:
        if not mark["header"] and seen[mark["label"]] > 1:
            mark["label"] += f" · {mark['source']}"


_FOREST_MARK_COLUMNS = (
    "y",
    "label",
    "header",
    "group",
    "style",
    "value",
    "low",
    "high",
    "n",
    "hover",
    "text",
)


# --- survival medians -------------------------------------------------------------------------------


def survival_text(lang: str, endpoint: str) -> dict[str, str]:
    """The fixed words of the survival figures."""
    return {
        **legend_text(lang),
        "medians_title": t("survival.medians_title", lang, endpoint=endpoint),
        "landmarks_title": t("survival.landmarks_title", lang, endpoint=endpoint),
        "x_months": t("survival.x_months", lang),
        "x_years": t("survival.x_years", lang),
        "y_rate": t("survival.y_rate", lang),
        "legend.not_reached": t("survival.legend.not_reached", lang),
        "legend.range": t("survival.legend.range", lang),
        "legend.median": t("survival.legend.median", lang),
        "legend.lower_bound": t("survival.legend.lower_bound", lang),
    }


def arm_label(row: Mapping[str, Any], lang: str, limit: int = 30) -> str:
    """``Trial · arm · subgroup · BICR · review claim`` — short enough to leave room for the plot.

    The full arm and population are in the hover text.
    """
    arm = data_text(row.get("arm_label") or "", row.get("arm_label_zh") or "", lang) or t(
        "value.all_patients", lang
    )
    parts = [esc(shorten(formatting.trial_label(row, lang), 28)), esc(shorten(arm, limit))]
    parts += _subgroup(row, lang, limit) + _assessment(row, lang)
    if row.get("evidence_kind") == "review-claim":
        parts.append(f"<i>{esc(t('survival.review_claim_short', lang))}</i>")
    return " · ".join(parts)


def _median_kind(row: Mapping[str, Any]) -> tuple[str, float | None, str]:
    """How a median is drawn: ``point``, ``range``, ``bound`` (NR with a lower CI bound, or
    ">x"), ``unbounded`` (NR without one) or ``none``; its x; the text beside a bound."""
    qualifier = row.get("qualifier") or "="
    value = number(row.get("value"))
    if qualifier == "not-reached":
        start = number(row.get("ci_low"))
        return ("unbounded", None, "") if start is None else ("bound", start, "nr")
    if qualifier == ">":
        return "bound", value, f">{row.get('value_text') or value}"
    if value is None:
        return "none", None, ""
    return ("range" if qualifier == "range" else "point"), value, ""


def medians_frame(rows: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per median, top to bottom.

    Columns: ``y``, ``label``, ``style``, ``low``, ``high``, ``kind`` (see
    :func:`_median_kind`), ``x``, ``x_high`` (the end of a range), ``mark`` (text beside a
    lower bound or an unbounded "not reached"), ``hover``.
    """
    frame = validate(rows, SURVIVAL_COLUMNS, "survival medians")
    records = frame[frame["measure"] == "median"].to_dict("records") if not frame.empty else []
    marks = []
    for y, row in zip(range(len(records), 0, -1), records):
        kind, x, mark = _median_kind(row)
        if mark == "nr":
            mark = t("value.nr_short", lang)
        elif kind == "unbounded":
            mark = t("value.not_reached", lang)
        marks.append(
            {
                "y": y,
                "label": arm_label(row, lang),
                "style": style_key(row),
                "low": number(row.get("ci_low")),
                "high": number(row.get("ci_high")),
                "kind": kind,
                "x": x,
                "x_high": number(row.get("value_high")),
                "mark": mark,
                "hover": hover(row, lang),
            }
        )
    columns = ["y", "label", "style", "low", "high", "kind", "x", "x_high", "mark", "hover"]
    return pd.DataFrame(marks, columns=columns)


# --- survival landmarks ----------------------------------------------------------------------------


def _series_key(row: Mapping[str, Any]) -> tuple:
    return (
        row["trial"],
        row.get("arm") or "",
        row.get("population") or "ITT",
        row.get("evidence_kind"),
        row.get("source"),
    )


def _legend_names(records: list[dict], order: dict[tuple, int], lang: str) -> dict[int, str]:
    """Each series' legend name, once: an arm reported at two data cuts (two sources) is one
    name in two series, so a repeated name adds its data cut, and a number if still repeated."""
    rows: dict[int, dict] = {}
    for row in records:
        rows.setdefault(order[_series_key(row)], row)
    names = {series: arm_label(row, lang) for series, row in rows.items()}
    counts = Counter(names.values())
    for series, row in rows.items():
        cut = data_text(row.get("analysis_label") or "", row.get("analysis_label_zh") or "", lang)
        if counts[names[series]] > 1 and cut:
            names[series] = f"{names[series]} · {esc(shorten(cut, 30))}"
    seen: Counter = Counter()
    for series in sorted(names):
        seen[names[series]] += 1
        if seen[names[series]] > 1:
            names[series] = f"{names[series]} ({seen[names[series]]})"
    return names


def landmarks_frame(rows: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per landmark rate, grouped into series (one per trial arm, population, source).

    Columns: ``series`` (0, 1, … in order of appearance), ``name`` (the series label),
    ``control``, ``x`` (years), ``y`` (the rate), ``low``, ``high``, ``hover``; sorted by
    series, then time.
    """
    frame = validate(rows, (*SURVIVAL_COLUMNS, "timepoint"), "survival landmarks")
    records = frame[frame["measure"] == "landmark"].to_dict("records") if not frame.empty else []
    order = {key: index for index, key in enumerate(dict.fromkeys(_series_key(r) for r in records))}
    names = _legend_names(records, order, lang)
    marks = [
        {
            "series": order[_series_key(row)],
            "name": names[order[_series_key(row)]],
            "control": row.get("arm_role") == "control",
            "x": (number(row.get("timepoint")) or 0) / 12,
            "y": number(row.get("value")),
            "low": number(row.get("ci_low")),
            "high": number(row.get("ci_high")),
            "hover": hover(row, lang),
        }
        for row in records
    ]
    columns = ["series", "name", "control", "x", "y", "low", "high", "hover"]
    out = pd.DataFrame(marks, columns=columns)
    return out.sort_values(["series", "x"], kind="stable").reset_index(drop=True)


# --- citation ---------------------------------------------------------------------------------------


def citation_footer(rows: pd.DataFrame, lang: str) -> str:
    """ "Trials: …; data cut-offs: …; sources: …" for a figure shown on its own."""
    if rows.empty:
        return ""
    trials = ", ".join(dict.fromkeys(rows["trial_name"]))
    cutoffs = ", ".join(
        f"{name} {cut}"
        for name, cut in dict.fromkeys(zip(rows["trial_name"], rows.get("cutoff", [""] * len(rows))))
        if isinstance(cut, str) and cut
    )
    sources = ", ".join(dict.fromkeys(rows["source"]))
    text = t("figure.footer", lang, trials=trials, sources=sources)
    if cutoffs:
        text += " · " + t("figure.cutoffs", lang, cutoffs=cutoffs)
    return text

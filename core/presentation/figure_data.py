"""The prepare step of every figure: query rows in, a frame ready to draw out.

A figure is built in four steps, after LSYS/forestplot: copy the query rows, validate them
(a missing column is an error that names it), prepare one row per drawn mark — its label,
hover text, interval style, group and position, all localised and HTML-escaped here — and
draw (:mod:`core.presentation.plots`, which never localises or formats a row). The fixed
words of a figure (legend entries, axis titles) come in a :class:`FigureText` mapping.

Every data string is HTML-escaped: Plotly renders a subset of HTML in labels and hover text.

May import: ``core.schema`` and this package's ``formatting``, ``caveats``, ``citations`` and
``i18n``.
Never streamlit, ``pages``, ``bench`` or plotly.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from core import schema
from core.presentation import caveats, citations, formatting
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


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_TRAILING_NOTE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def cut_year(row: Mapping[str, Any]) -> str:
    """The year a data cut is known by: the first year its label prints, else its cut-off's,
    else the first year of where it was presented; ``""`` when none is known."""
    label = str(row.get("analysis_label") or "")
    cutoff = str(row.get("cutoff") or "")
    presented = str(row.get("analysis_presented") or "")
    for text in (label, cutoff[:4], presented):
        found = _YEAR.search(text)
        if found:
            return found.group(0)
    return ""


def cut_label(row: Mapping[str, Any], lang: str, limit: int | None = None) -> str:
    """The data cut a value belongs to, by label and year (not escaped).

    With ``limit``, a label's trailing remark in brackets is dropped and the rest shortened;
    the year is added whenever the text shown does not already print it:
    ``5-year outcomes (2024)``, ``Nature Medicine 2025``.
    """
    label = data_text(row.get("analysis_label") or "", row.get("analysis_label_zh") or "", lang)
    if limit:
        label = shorten(_TRAILING_NOTE.sub("", label) or label, limit)
    year = cut_year(row)
    if year and year not in label:
        bracketed = f"（{year}）" if _chinese(lang) else f" ({year})"
        label = f"{label}{bracketed}" if label else year
    return label


def _chinese(lang: str) -> bool:
    return lang.startswith("zh")


def vs_text(name: str, lang: str) -> str:
    """``vs Crizotinib``; ``对比克唑替尼`` (no space in Chinese)."""
    return f"{t('value.vs', lang)}{'' if _chinese(lang) else ' '}{name}"


def _cut(row: Mapping[str, Any], lang: str, limit: int = 30) -> list[str]:
    """The data cut a row belongs to (two cuts of one trial never read the same), with its
    year and an interim analysis marked as such."""
    label = cut_label(row, lang, limit)
    parts = [esc(label)] if label else []
    if row.get("analysis_kind") == "interim":
        parts.append(f"<i>{esc(vocab_label(schema.ANALYSIS_KINDS, 'interim', lang))}</i>")
    return parts


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- forest plot ----------------------------------------------------------------------------------


COMPARISON_KINDS = ("arms", "other")
"""How a hazard ratio compares: ``arms`` — an experimental arm against its control arm, drawn
under "favours experimental / favours control"; ``other`` — anything else (patients grouped by
their response, two experimental arms), drawn apart without those words."""


def comparison_kind(row: Mapping[str, Any]) -> str:
    """``arms`` when the record compares an experimental arm with a control arm, else ``other``.

    Read from the record: the roles of the two arms (``arm_role``, ``comparator_role``; when
    the rows do not carry ``comparator_role``, a named comparator counts as the control) and
    the value's ``responder-comparison`` flag — never from the trial's name.
    """
    if "responder-comparison" in caveats.flags_of(row):
        return "other"
    if not row.get("arm") or not row.get("comparator"):
        return "other"
    role = row.get("comparator_role")
    control = role == "control" if isinstance(role, str) else True
    return "arms" if row.get("arm_role") == "experimental" and control else "other"


def split_comparisons(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of a forest plot split into experimental-vs-control rows and the others."""
    if rows.empty:
        return rows, rows.iloc[0:0]
    kinds = pd.Series([comparison_kind(r) for r in rows.to_dict("records")], index=rows.index)
    return rows[kinds == "arms"], rows[kinds == "other"]


def is_subgroup(row: Mapping[str, Any]) -> bool:
    """A subgroup of the trial's patients (an experimental-vs-control row whose population is
    not the whole trial); in other comparisons the population names the groups compared."""
    return (row.get("population") or "ITT") != "ITT" and comparison_kind(row) == "arms"


def forest_text(lang: str, kind: str = "arms") -> dict[str, str]:
    """The fixed words of the forest plot; ``kind="other"`` has no "favours" labels."""
    arms = kind == "arms"
    return {
        **legend_text(lang),
        "clipped": t("forest.clipped", lang),
        "text_column": t("forest.text_column", lang),
        "favours_experimental": t("forest.favours_experimental", lang) if arms else "",
        "favours_control": t("forest.favours_control", lang) if arms else "",
        "x_title": t("forest.x_title", lang) if arms else t("forest_rows.other_x_title", lang),
    }


def _comparison(row: Mapping[str, Any], lang: str, limit: int = 24) -> list[str]:
    """What the row compares: ``vs Crizotinib`` for an arm against its control; the two
    groups (``DTCs cleared vs DTCs persistent``) or the two arms for any other comparison."""
    comparator = data_text(row.get("comparator_label") or "", row.get("comparator_label_zh") or "", lang)
    if comparison_kind(row) == "arms":
        return [esc(vs_text(shorten(comparator, limit), lang))] if comparator else []
    if (row.get("population") or "ITT") != "ITT":
        return [esc(shorten(formatting.population_text(row, lang), 2 * limit))]
    arm = data_text(row.get("arm_label") or "", row.get("arm_label_zh") or "", lang)
    if arm and comparator:
        return [esc(f"{shorten(arm, limit)} {vs_text(shorten(comparator, limit), lang)}")]
    return []


LABEL_DETAIL = '<span style="font-size:0.85em">{}</span>'
"""The second line of a row label (subgroup, assessment, data cut), a little smaller."""

BADGE = " ⚠"
"""Ends the label of a row whose trial carries a coded caveat."""


def _forest_label(row: Mapping[str, Any], group_by: str, lang: str) -> str:
    """Two lines: what is compared (trial · endpoint · comparator), then which patients,
    assessment and data cut; a subgroup row starts with ↳ and names its subgroup."""
    what = [esc(formatting.trial_label(row, lang))]
    if group_by != "endpoint":
        what.append(esc(row["endpoint"]))
    what += _comparison(row, lang)
    detail = []
    if is_subgroup(row):
        # a subgroup row sits under its trial's whole-population row, marked and named as one
        subgroup = t("forest_rows.subgroup", lang, name=formatting.population_text(row, lang))
        detail.append(f"<i>{esc(shorten(subgroup, 40))}</i>")
    detail += _assessment(row, lang) + _cut(row, lang)
    first = ("↳ " if is_subgroup(row) else "") + " · ".join(what)
    label = f"{first}<br>{LABEL_DETAIL.format(' · '.join(detail))}" if detail else first
    trial_caveats = row.get("trial_caveats")
    if trial_caveats is not None and len(trial_caveats):
        # a trial-level caveat (crossing curves, responder comparison, …): a badge at the end
        # of the row, spelled out in the hover and the table
        label += BADGE
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


def _forest_hover(row: Mapping[str, Any], lang: str) -> str:
    """The hover text; with every cut shown, an estimate a later cut supersedes says so."""
    text = hover(row, lang)
    if str(row.get("superseded")) == "True":  # a bool, or numpy's
        text += f"<br><i>{esc(t('forest_rows.earlier', lang))}</i>"
    return text


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
        "hover": _forest_hover(row, lang),
        "text": _forest_value(row, style, lang),
        "source": esc(vocab_label(schema.SOURCE_KINDS, row.get("source_kind") or "", lang)),
        "trial": esc(formatting.trial_label(row, lang)),
    }


def forest_frame(rows: pd.DataFrame, lang: str = "en", group_by: str = "cancer") -> pd.DataFrame:
    """The forest plot's rows in drawing order, a header row before each group.

    Columns: ``y``, ``label`` (tick text), ``header``, ``group``, ``style`` (interval key),
    ``value``, ``low``, ``high``, ``n`` (patients), ``hover``, ``text`` (the "HR (CI)" cell),
    ``trial`` (the trial's name, escaped).
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
        records = _subgroups_after_their_trial(group.to_dict("records"))
        title = esc(_group_title(records[0], group_by, lang))
        marks.append({"y": y, "label": f"<b>{title}</b>", "header": True, "group": title, "style": ""})
        for offset, record in enumerate(records, start=1):
            marks.append(_forest_mark(record, y - offset, title, group_by, lang))
        y -= len(records) + 1.4
    _name_sources_of_twins(marks)
    return pd.DataFrame(marks, columns=list(_FOREST_MARK_COLUMNS))


def _subgroups_after_their_trial(records: list[dict]) -> list[dict]:
    """Rows in their query order, except that a trial's subgroup rows follow its
    whole-population rows of the same endpoint (a subgroup never stands above its trial)."""

    def cluster(row: Mapping[str, Any]) -> tuple:
        return row.get("trial") or row.get("trial_name"), row.get("endpoint")

    order = {key: index for index, key in enumerate(dict.fromkeys(cluster(r) for r in records))}
    return sorted(records, key=lambda r: (order[cluster(r)], is_subgroup(r)))


def _name_sources_of_twins(marks: list[dict]) -> None:
    """Rows that would still read the same (one estimate reported by two sources of one data
    cut) name the kind of source each comes from."""
    seen = Counter(mark["label"] for mark in marks if not mark["header"])
    for mark in marks:
        if not mark["header"] and seen[mark["label"]] > 1:
            label = mark["label"]
            badge = BADGE if label.endswith(BADGE) else ""
            source = LABEL_DETAIL.format(f" · {mark['source']}")
            mark["label"] = label.removesuffix(badge) + source + badge


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
    "trial",
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
    :func:`_median_kind`), ``x``, ``x_high`` (the end of a range), ``mark`` (short text of
    a lower bound or an unbounded "not reached"), ``hover``, ``value_text`` (the median and
    its interval with the level, as the tables write it: printed beside the marker),
    ``trial`` (the trial's name). Labels and texts are escaped.
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
                "value_text": esc(formatting.value_text(row, lang, with_p=False)),
                "trial": esc(formatting.trial_label(row, lang)),
            }
        )
    columns = [
        "y",
        "label",
        "style",
        "low",
        "high",
        "kind",
        "x",
        "x_high",
        "mark",
        "hover",
        "value_text",
        "trial",
    ]
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


# --- text alternatives: written from the frames above (core.presentation.citations) ----------------

forest_summary = citations.forest_summary
medians_summary = citations.medians_summary
landmarks_summary = citations.landmarks_summary


# --- citation ---------------------------------------------------------------------------------------


def citation_footer(rows: pd.DataFrame, lang: str) -> str:
    """The citation under a figure shown on its own: every trial, each of its data cuts and the
    outlet, year and link of its sources (:func:`core.presentation.citations.citation_footer`)."""
    return citations.citation_footer(rows, lang)

"""Effect estimates a researcher can trust: which cut each belongs to, one row per estimate,
and what the trials that print no hazard ratio report instead.

Presenters over :func:`core.queries.forest_estimates` and :func:`core.queries.forest_missing`
rows: the trial page's hazard-ratio table and the forest page's list of trials without a
hazard ratio. Frames have stable column keys; :func:`display` puts headers in the reader's
language. The rule that picks the latest estimate is decided once, when the database is built
(``forest_value_rows.superseded``); these presenters only read it.

May import: ``core.schema`` and this package's ``formatting``, ``caveats``, ``i18n``,
``tables`` and ``figure_data``. Never streamlit, ``pages``, ``bench`` or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from core import schema
from core.presentation import caveats, formatting, tables
from core.presentation.figure_data import comparison_kind, cut_label, is_subgroup
from core.presentation.i18n import t, vocab_label

HR_COLUMNS = (
    "metric",
    "value",
    "cut",
    "latest",
    "comparison",
    "population",
    "assessment",
    "evidence",
    "caveats",
    "source",
    "snippet",
)
"""The trial page's hazard-ratio table, in reading order: the number first, then its data
cut, whether a later cut supersedes it, and what it compares."""

_OWN_LABELS = {
    "cut": "forest_rows.col_cut",
    "comparison": "forest_rows.col_comparison",
    "latest": "forest_rows.col_latest",
}

_SAME_ESTIMATE = (
    "analysis",
    "endpoint",
    "population",
    "arm",
    "comparator",
    "term",
    "assessment",
    "evidence_kind",
    "qualifier",
    "value",
    "ci_low",
    "ci_high",
    "ci_level",
)
"""Two rows with these alike are one estimate printed by two sources of one cut."""


def _key(row: Mapping[str, Any]) -> tuple:
    return tuple("" if pd.isna(row.get(c)) else str(row.get(c)) for c in _SAME_ESTIMATE)


def cut_text(row: Mapping[str, Any], lang: str) -> str:
    """``First interim analysis (N Engl J Med 2018) · Interim analysis``: label, year, kind."""
    label = cut_label(row, lang)
    kind = row.get("analysis_kind") or "not-stated"
    if kind == "not-stated":
        return label
    return f"{label} · {vocab_label(schema.ANALYSIS_KINDS, kind, lang)}"


def comparison_text(row: Mapping[str, Any], lang: str) -> str:
    """``Lorlatinib vs Crizotinib``, or the groups a comparison between patients sets apart,
    marked as not experimental vs control."""
    if comparison_kind(row) == "arms":
        return formatting.arms_text(row, lang)
    arms = formatting.arms_text(row, lang)
    groups = formatting.population_text(row, lang) if (row.get("population") or "ITT") != "ITT" else arms
    return t("forest_rows.not_arms", lang, groups=groups)


def population_text(row: Mapping[str, Any], lang: str) -> str:
    """The population, a subgroup named as one; blank where the comparison column names it."""
    if comparison_kind(row) == "other" and (row.get("population") or "ITT") != "ITT":
        return "—"
    text = formatting.population_text(row, lang)
    return t("forest_rows.subgroup", lang, name=text) if is_subgroup(row) else text


def hr_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per hazard ratio of a trial, every data cut, latest cut first.

    ``rows`` are :func:`core.queries.forest_estimates` rows with ``all_cuts=True``. One
    estimate printed alike by two sources of one cut is one row naming both sources and both
    snippets; ``latest`` says whether a later cut supersedes it (the forest plot's rule).
    """
    if rows.empty:
        return pd.DataFrame(columns=list(HR_COLUMNS))
    records = rows.to_dict("records")
    groups: dict[tuple, list[dict]] = {}
    for record in records:
        groups.setdefault(_key(record), []).append(record)
    ordered = sorted(
        groups.values(),
        key=lambda g: (-int(g[0].get("analysis_sequence") or 0), records.index(g[0])),
    )
    out = []
    for group in ordered:
        first = group[0]
        superseded = all(bool(r.get("superseded")) for r in group)
        codes = tuple(dict.fromkeys(code for r in group for code in caveats.value_codes(r)))
        out.append(
            {
                "metric": formatting.metric_label(first, lang),
                "value": formatting.value_text(first, lang),
                "cut": cut_text(first, lang),
                "latest": t("forest_rows.earlier" if superseded else "forest_rows.latest", lang),
                "comparison": comparison_text(first, lang),
                "population": population_text(first, lang),
                "assessment": vocab_label(schema.ASSESSMENTS, first["assessment"], lang),
                "evidence": vocab_label(schema.EVIDENCE_KINDS, first["evidence_kind"], lang),
                "caveats": codes,
                "source": "; ".join(dict.fromkeys(str(r["source"]) for r in group)),
                "snippet": " | ".join(dict.fromkeys(str(r["snippet"]) for r in group)),
            }
        )
    return pd.DataFrame(out, columns=list(HR_COLUMNS))


def own_headers(lang: str) -> dict[str, str]:
    """The headers of :func:`hr_table`'s own columns in ``lang`` (the others are the catalog's)."""
    return {key: t(label, lang) for key, label in _OWN_LABELS.items()}


def display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`hr_table` as the reader sees it: caveats in words, headers in ``lang``."""
    out = tables.display(frame.rename(columns={k: f"__{k}" for k in _OWN_LABELS}), lang)
    return out.rename(columns={f"__{k}": t(label, lang) for k, label in _OWN_LABELS.items()})


def forest_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table under the forest plot (:func:`core.presentation.tables.forest_table`) with
    each row's data cut named by label and year."""
    table = tables.forest_table(rows, lang)
    if "analysis" in table.columns and not rows.empty:
        table["analysis"] = [cut_label(r, lang) for r in rows.to_dict("records")]
    return table


# --- trials that report no hazard ratio -----------------------------------------------------------


def _reported(row: Mapping[str, Any], lang: str) -> str:
    """What one measure of the endpoint is: ``Median PFS``, ``1-year PFS rate``."""
    return formatting.metric_label(row, lang)


def missing_hr(rows: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """The trials without a hazard ratio, one entry per endpoint, in the query's order.

    ``rows`` are :func:`core.queries.forest_missing` rows. Each entry: ``endpoint``,
    ``survival`` (whether the survival page compares that endpoint) and ``trials``, a list of
    ``{"trial", "name", "design", "reports"}`` — the trial's label, its design in words and
    what it reports for the endpoint (``Median PFS, 1-year PFS rate``), all plain text.
    """
    entries: dict[str, dict[str, Any]] = {}
    for row in rows.to_dict("records") if not rows.empty else []:
        entry = entries.setdefault(
            row["endpoint"],
            {
                "endpoint": row["endpoint"],
                "survival": row["endpoint"] in schema.SURVIVAL_ENDPOINTS,
                "trials": {},
            },
        )
        trial = entry["trials"].setdefault(
            row["trial"],
            {
                "trial": row["trial"],
                "name": formatting.trial_label(row, lang),
                "design": vocab_label(schema.DESIGNS, row.get("design") or "not-stated", lang),
                "reports": [],
            },
        )
        trial["reports"].append(_reported(row, lang))
    separator = "、" if lang.startswith("zh") else ", "
    out = []
    for entry in entries.values():
        trials = [
            {**trial, "reports": separator.join(dict.fromkeys(trial["reports"]))}
            for trial in entry["trials"].values()
        ]
        out.append({**entry, "trials": trials})
    return out

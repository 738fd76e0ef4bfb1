"""The survival comparison: per trial and arm, the median, landmark rates, the within-trial
difference in medians, follow-up and maturity — as one tidy table.

Differences are only computed inside one trial, one analysis, one population and one
source, between two finite medians; anything else (a median not reached, a lower bound, a
range) gives no difference, and says why.

May import: ``core.schema``, ``core.derived`` and this package's ``formatting``, ``caveats``,
``derivations`` and ``i18n``.
Never streamlit, ``pages`` or ``bench``.
"""

from __future__ import annotations

import pandas as pd

from core import schema
from core.presentation import caveats, formatting
from core.presentation.i18n import data_text, t, vocab_label

LANDMARK_MONTHS = (12, 24, 36, 60, 84)


def _finite(row) -> float | None:
    if (row.get("qualifier") or "=") not in ("=",):
        return None
    value = row.get("value")
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if value == value else None


def _series_key(row) -> tuple:
    return (
        row["trial"],
        row.get("analysis"),
        row.get("arm") or "",
        row.get("population") or "ITT",
        row.get("evidence_kind"),
        row.get("source"),
    )


def median_difference(control: dict | None, experimental: dict, lang: str) -> str:
    """Experimental − control median, or why it cannot be computed."""
    if control is None:
        return ""
    a, b = _finite(experimental), _finite(control)
    if a is None or b is None:
        return t("survival.diff_not_computable", lang)
    difference = round(a - b, 2)
    return t("survival.diff", lang, diff=f"{difference:+g}")


def _series(rows: pd.DataFrame) -> dict[tuple, dict]:
    """Medians, landmark rates and events grouped by trial arm, population and source."""
    series: dict[tuple, dict] = {}
    for record in rows.to_dict("records"):
        measure = record["measure"]
        if measure not in ("median", "landmark", "events"):
            continue
        entry = series.setdefault(
            _series_key(record), {"first": record, "median": None, "landmarks": {}, "events": None}
        )
        if measure == "landmark":
            entry["landmarks"][float(record["timepoint"])] = record
        else:
            entry[measure] = record
    return series


def _control_key(key: tuple) -> tuple:
    """The series key without the arm: the control arm of the same comparison shares it."""
    return (key[0], key[1], key[3], key[4], key[5])


def _rate_cells(landmarks: dict[float, dict], lang: str) -> dict[str, str]:
    cells = {}
    for months in LANDMARK_MONTHS:
        landmark = landmarks.get(float(months))
        cells[f"rate_{months}"] = formatting.value_text(landmark, lang, with_p=False) if landmark else ""
    other = sorted(m for m in landmarks if m not in LANDMARK_MONTHS)
    cells["other_rates"] = "; ".join(
        f"{formatting.timepoint_text(m, lang)}: {formatting.value_text(landmarks[m], lang, with_p=False)}"
        for m in other
    )
    return cells


def _follow_up_text(follow: list[dict], lang: str) -> str:
    cells = []
    for row in follow:
        term = data_text(row.get("term") or "", row.get("term_zh") or "", lang)
        cells.append(formatting.value_text(row, lang, with_p=False) + (f" ({term})" if term else ""))
    return "; ".join(cells)


def _absolute_texts(rows: pd.DataFrame, lang: str) -> dict[tuple, str]:
    """Derived rate differences and NNTs (core.derived) of each experimental arm, as text."""
    from core import derived
    from core.presentation import derivations

    effects = derived.absolute_effects(rows)
    if effects.empty:
        return {}
    effects = effects[effects["value"].notna() & effects["kind"].isin(("rate-difference", "nnt"))]
    texts: dict[tuple, list[str]] = {}
    for record in effects.to_dict("records"):
        key = (record["trial"], record["arm"], record["population"], record["analysis"])
        when = formatting.timepoint_text(record.get("timepoint"), lang)
        texts.setdefault(key, []).append(f"{when}: {derivations.result_text(record, lang)}")
    return {key: "; ".join(parts) for key, parts in texts.items()}


def _row(
    entry: dict, control: dict | None, follow: list[dict], absolute: dict[tuple, str], lang: str
) -> dict:
    first, median = entry["first"], entry["median"]
    is_control = first.get("arm_role") == "control"
    absolute_key = (first["trial"], first.get("arm"), first.get("population"), first.get("analysis"))
    events = entry["events"]
    return {
        "trial": formatting.trial_label(first, lang),
        "trial_id": first["trial"],
        "arm": formatting.arms_text({**first, "comparator_label": "", "comparator_label_zh": ""}, lang),
        "population": formatting.population_text(first, lang),
        "analysis": data_text(first.get("analysis_label") or "", first.get("analysis_label_zh") or "", lang),
        "median": formatting.value_text(median, lang, with_p=False) if median else "",
        "difference": "" if is_control or median is None else median_difference(control, median, lang),
        "absolute": "" if is_control else absolute.get(absolute_key, ""),
        **_rate_cells(entry["landmarks"], lang),
        "events": formatting.value_text(events, lang, with_p=False) if events else "",
        "follow_up": _follow_up_text(follow, lang),
        "maturity": maturity_codes(first, median),
        "evidence": vocab_label(schema.EVIDENCE_KINDS, first.get("evidence_kind") or "", lang),
        "source": first.get("source", ""),
        "snippet": (median or first).get("snippet", ""),
    }


def comparison_table(rows: pd.DataFrame, follow_up: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per trial arm (and population / source) with everything the page compares.

    Column keys are stable (``median``, ``rate_12``…, ``maturity``); ``maturity`` holds codes
    (``interim``, ``median_not_reached``, ``immature``) that
    :func:`core.presentation.tables.display` puts into words.

    Parameters
    ----------
    rows : DataFrame
        :func:`core.queries.survival_rows` for one endpoint.
    follow_up : DataFrame
        :func:`core.queries.follow_up_rows` for the same trials.
    """
    if rows.empty:
        return pd.DataFrame()
    series = _series(rows)
    controls = {
        _control_key(key): entry["median"]
        for key, entry in series.items()
        if entry["first"].get("arm_role") == "control" and entry["median"] is not None
    }
    follow: dict[str, list[dict]] = {}
    for row in follow_up.to_dict("records"):
        follow.setdefault(row["trial"], []).append(row)
    absolute = _absolute_texts(rows, lang)
    return pd.DataFrame(
        [
            _row(entry, controls.get(_control_key(key)), follow.get(key[0], []), absolute, lang)
            for key, entry in series.items()
        ]
    )


def maturity_codes(first: dict, median: dict | None) -> tuple[str, ...]:
    """How mature a series is, as codes: ``interim``, ``median_not_reached``, ``immature``."""
    notes = []
    if first.get("analysis_kind") == "interim":
        notes.append("interim")
    if median is not None and median.get("qualifier") == "not-reached":
        notes.append("median_not_reached")
    if "immature" in caveats.flags_of(first) + caveats.flags_of(median):
        notes.append("immature")
    return tuple(notes)

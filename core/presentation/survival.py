"""The survival comparison: per trial and arm, the median, landmark rates, the within-trial
difference in medians, follow-up and maturity — as one tidy table.

Differences are only computed inside one trial, one analysis, one population and one
source, between two finite medians; anything else (a median not reached, a lower bound, a
range) gives no difference, and says why.
"""

from __future__ import annotations

import pandas as pd

from core.presentation import formatting
from core.presentation.i18n import t

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


def comparison_table(rows: pd.DataFrame, follow_up: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per trial arm (and population / source) with everything the page compares.

    Parameters
    ----------
    rows : DataFrame
        :func:`core.queries.survival_rows` for one endpoint.
    follow_up : DataFrame
        :func:`core.queries.follow_up_rows` for the same trials.
    """
    if rows.empty:
        return pd.DataFrame()
    records = [r.to_dict() for _, r in rows.iterrows()]
    series: dict[tuple, dict] = {}
    for record in records:
        if record["measure"] not in ("median", "landmark", "events"):
            continue
        entry = series.setdefault(
            _series_key(record), {"first": record, "median": None, "landmarks": {}, "events": None}
        )
        if record["measure"] == "median":
            entry["median"] = record
        elif record["measure"] == "landmark":
            entry["landmarks"][float(record["timepoint"])] = record
        else:
            entry["events"] = record
    controls = {
        (key[0], key[1], key[3], key[4], key[5]): entry["median"]
        for key, entry in series.items()
        if entry["first"].get("arm_role") == "control" and entry["median"] is not None
    }
    follow = {}
    for _, row in follow_up.iterrows():
        follow.setdefault(row["trial"], []).append(row.to_dict())

    absolute = _absolute_texts(rows, lang)
    out = []
    for key, entry in series.items():
        first = entry["first"]
        median = entry["median"]
        control = controls.get((key[0], key[1], key[3], key[4], key[5]))
        is_control = first.get("arm_role") == "control"
        row = {
            "trial": formatting.trial_label(first, lang),
            "trial_id": first["trial"],
            "arm": formatting.arms_text({**first, "comparator_label": "", "comparator_label_zh": ""}, lang),
            "population": formatting.population_text(first, lang),
            "analysis": first.get("analysis_label", ""),
            "median": formatting.value_text(median, lang, with_p=False) if median else "",
            "difference": "" if is_control or median is None else median_difference(control, median, lang),
            "absolute": ""
            if is_control
            else absolute.get(
                (first["trial"], first.get("arm"), first.get("population"), first.get("analysis")), ""
            ),
        }
        for months in LANDMARK_MONTHS:
            landmark = entry["landmarks"].get(float(months))
            row[f"rate_{months}"] = formatting.value_text(landmark, lang, with_p=False) if landmark else ""
        other = [m for m in entry["landmarks"] if m not in LANDMARK_MONTHS]
        row["other_rates"] = "; ".join(
            f"{formatting.timepoint_text(m, lang)}: {formatting.value_text(entry['landmarks'][m], lang, with_p=False)}"
            for m in sorted(other)
        )
        row["events"] = formatting.value_text(entry["events"], lang, with_p=False) if entry["events"] else ""
        row["follow_up"] = "; ".join(
            f"{formatting.value_text(f, lang, with_p=False)}" + (f" ({f['term']})" if f.get("term") else "")
            for f in follow.get(first["trial"], [])
        )
        row["maturity"] = "; ".join(_maturity(first, median, lang))
        row["evidence"] = first.get("evidence_kind", "")
        row["source"] = first.get("source", "")
        row["snippet"] = (median or first).get("snippet", "")
        out.append(row)
    return pd.DataFrame(out)


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


def _maturity(first: dict, median: dict | None, lang: str) -> list[str]:
    notes = []
    if first.get("analysis_kind") == "interim":
        notes.append(t("caveat.interim", lang))
    flags = list(first.get("flags") if first.get("flags") is not None else [])
    if median is not None:
        flags += list(median.get("flags") if median.get("flags") is not None else [])
        if median.get("qualifier") == "not-reached":
            notes.append(t("survival.median_not_reached", lang))
    if "immature" in flags:
        notes.append(t("caveat.immature", lang))
    return list(dict.fromkeys(notes))

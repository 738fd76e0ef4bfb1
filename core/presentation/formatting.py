"""How a value is written on screen and in exports: one function, used everywhere.

The rule is that the number never travels without its meaning: the CI level is always
written beside the interval ("80% CI", or "CI, level not stated"), "not reached" and
lower bounds are spelled out, ranges stay ranges, and the printed precision of the source
("40.0", "0.30") is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import schema
from core.presentation.i18n import data_text, t, vocab_label
from core.text import format_number


def _text(row: Mapping[str, Any], column: str, number_column: str | None = None) -> str:
    """The printed form of a number column, falling back to the stored number."""
    printed = row.get(column)
    if isinstance(printed, str) and printed:
        return printed
    if number_column is not None:
        number = row.get(number_column)
        if number is not None and number == number:  # not NaN
            return format_number(float(number))
    return ""


def unit_suffix(unit: str, lang: str) -> str:
    if unit == "percent":
        return "%"
    if unit == "ratio":
        return ""
    label = vocab_label(schema.UNITS, unit, lang)
    return label if lang != "en" else f" {label}"


def estimate(row: Mapping[str, Any], lang: str = "en") -> str:
    """The point estimate with its qualifier and unit: ``8.57 months``, ``>60 months``,
    ``not reached``, ``25.7–38.6 months``, ``~22%``, ``HR 0.30``."""
    unit = row.get("unit", "")
    suffix = unit_suffix(unit, lang)
    value = _text(row, "value_text", "value")
    qualifier = row.get("qualifier") or "="
    if qualifier == "not-reached":
        body = t("value.not_reached", lang)
        return f"HR {body}" if row.get("measure") == "hr" else body
    if qualifier == "range":
        high = _text(row, "value_high_text", "value_high")
        body = f"{value}–{high}{suffix}"
    else:
        prefix = {"=": "", ">": ">", "<": "<", "~": "~"}.get(qualifier, "")
        body = f"{prefix}{value}{suffix}"
    if row.get("measure") == "hr":
        return f"HR {body}"
    return body


def interval(row: Mapping[str, Any], lang: str = "en") -> str:
    """``95% CI 7.79–10.12``; ``80% CI 4.8–12.3``; ``CI 0.59–0.91, level not stated``; ``""``."""
    low = _text(row, "ci_low_text", "ci_low")
    high = _text(row, "ci_high_text", "ci_high")
    if not low and not high:
        return ""
    level = str(row.get("ci_level") or "")
    bounds = f"{low or '?'}–{high or '?'}"
    if level and level != "unknown":
        return t("value.ci", lang, level=level, bounds=bounds)
    return t("value.ci_unknown", lang, bounds=bounds)


def value_text(row: Mapping[str, Any], lang: str = "en", with_p: bool = True) -> str:
    """Estimate, interval and p-value in one string: ``8.57 months (95% CI 7.79–10.12)``."""
    text = estimate(row, lang)
    ci = interval(row, lang)
    extras = [ci] if ci else []
    n, n_total = row.get("n"), row.get("n_total")
    if _present(n):
        extras.append(f"{int(n)}/{int(n_total)}" if _present(n_total) else f"n={int(n)}")
    if with_p and row.get("p_value"):
        extras.append(f"P {row['p_value']}" if row["p_value"][:1] in "<>=≤≥" else f"P = {row['p_value']}")
    return f"{text} ({'; '.join(extras)})" if extras else text


def _present(number: Any) -> bool:
    try:
        return number is not None and number == number and str(number) != "<NA>"
    except (TypeError, ValueError):
        return False


def timepoint_text(months: Any, lang: str = "en", adjective: bool = False) -> str:
    """``1 year``, ``3 years``, ``18 months``; as an adjective ``1-year``, ``18-month``."""
    if not _present(months):
        return ""
    months = float(months)
    if months % 12 == 0:
        years = int(months // 12)
        if adjective:
            return t("value.year_adj", lang, n=years)
        return t("value.years", lang, n=years) if years != 1 else t("value.year", lang)
    if adjective:
        return t("value.month_adj", lang, n=format_number(months))
    return t("value.months", lang, n=format_number(months))


def metric_label(row: Mapping[str, Any], lang: str = "en") -> str:
    """What the number is: ``Median PFS``, ``3-year RFS rate``, ``HR for OS``, ``ORR``."""
    endpoint = row.get("endpoint", "")
    measure = row.get("measure", "")
    term = data_text(row.get("term") or "", row.get("term_zh") or "", lang)
    if measure == "median":
        label = t("metric.median", lang, endpoint=endpoint)
    elif measure == "landmark":
        label = t(
            "metric.landmark",
            lang,
            endpoint=endpoint,
            time=timepoint_text(row.get("timepoint"), lang, adjective=True),
        )
    elif measure == "hr":
        label = t("metric.hr", lang, endpoint=endpoint)
    elif measure in ("count", "events"):
        label = t(f"metric.{measure}", lang, endpoint=vocab_label(schema.ENDPOINTS, endpoint, lang))
    else:
        label = vocab_label(schema.ENDPOINTS, endpoint, lang) if endpoint in schema.ENDPOINTS else endpoint
        if measure not in ("proportion",):
            label = f"{label} · {vocab_label(schema.MEASURES, measure, lang)}"
    return f"{label} — {term}" if term else label


def trial_label(row: Mapping[str, Any], lang: str = "en") -> str:
    """The trial's name in the chosen language; an imported trial says it is user-supplied."""
    name = data_text(row.get("trial_name") or "", row.get("trial_name_zh") or "", lang)
    if row.get("origin") == "user":
        name += f" [{t('origin.user_short', lang)}]"
    return name


def arms_text(row: Mapping[str, Any], lang: str = "en") -> str:
    """``Anlotinib + epirubicin vs Placebo + epirubicin``, or the single arm, or ``all patients``."""
    arm = data_text(row.get("arm_label") or "", row.get("arm_label_zh") or "", lang)
    comparator = data_text(row.get("comparator_label") or "", row.get("comparator_label_zh") or "", lang)
    if arm and comparator:
        return f"{arm} {t('value.vs', lang)} {comparator}"
    return arm or comparator or t("value.all_patients", lang)


def population_text(row: Mapping[str, Any], lang: str = "en") -> str:
    population = row.get("population") or "ITT"
    if population == "ITT":
        return t("value.itt", lang)
    return data_text(population, row.get("population_zh") or "", lang)


def caveats(row: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The caveats a reader must see beside this number, most important first."""
    out = []
    level = str(row.get("ci_level") or "")
    if level == "80":
        out.append(t("caveat.ci80", lang))
    elif level == "unknown":
        out.append(t("caveat.ci_unknown", lang))
    if row.get("analysis_kind") == "interim":
        out.append(t("caveat.interim", lang))
    if row.get("evidence_kind") == "review-claim":
        out.append(t("caveat.review_claim", lang))
    if row.get("disputed"):
        out.append(t("caveat.disputed", lang))
    flags = row.get("flags")
    for flag in list(flags) if flags is not None else []:
        out.append(vocab_label(schema.FLAGS, flag, lang))
    if row.get("design") == "single-arm" and row.get("measure") in ("median", "landmark"):
        out.append(t("caveat.single_arm", lang))
    if str(row.get("derived_ci")) == "True":
        out.append(
            t(
                "derived.ci95_caveat",
                lang,
                level=row.get("printed_ci_level"),
                low=row.get("printed_ci_low"),
                high=row.get("printed_ci_high"),
            )
        )
    trial_caveats = row.get("trial_caveats")
    for caveat in list(trial_caveats) if trial_caveats is not None else []:
        out.append(vocab_label(schema.CAVEATS, caveat, lang))
    return list(dict.fromkeys(out))


def headline_text(rows, lang: str = "en") -> str:
    """A trial's headline result in one line, from :func:`core.queries.headlines` rows.

    ``PFS HR 0.30 (95% CI 0.21–0.44)`` or ``Median PFS 8.57 vs 3.02 months`` (arms in file
    order); a review claim or an 80% / unstated CI level is said in the same line.
    """
    records = [row for row in rows]
    if not records:
        return ""
    first = records[0]
    if first.get("measure") == "hr":
        text = f"{first['endpoint']} {value_text(first, lang, with_p=False)}"
    elif len(records) == 1:
        text = f"{metric_label(first, lang)}: {value_text(first, lang, with_p=False)}"
    else:
        separator = f" {t('value.vs', lang)} "
        text = f"{metric_label(first, lang)}: {separator.join(estimate(row, lang) for row in records)}"
    notes = []
    if first.get("evidence_kind") == "review-claim":
        notes.append(t("caveat.review_claim", lang))
    if any(str(row.get("ci_level")) == "80" for row in records) and first.get("measure") != "hr":
        notes.append(t("caveat.ci80", lang))
    return f"{text} [{'; '.join(notes)}]" if notes else text


def snippet_reading(snippet: str, source_script: str, lang: str) -> str:
    """The snippet converted for the reader, when it differs from what is printed.

    Snippets are always shown as printed; this is the reading beside them: pinyin
    annotations removed and the script converted to the chosen one. ``""`` when the
    reading would be identical.
    """
    from core.presentation.i18n import to_hant
    from core.text import strip_pinyin, to_simplified

    reading = strip_pinyin(snippet)
    if lang == "zh-Hans" and source_script == "Hant":
        reading = to_simplified(reading)
    elif lang == "zh-Hant" and source_script == "Hans":
        reading = to_hant(reading)
    return "" if reading == snippet else reading

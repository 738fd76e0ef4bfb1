"""How a value is written on screen and in exports: one function, used everywhere.

The rule is that the number never travels without its meaning: the CI level is always
written beside the interval ("80% CI", or "CI, level not stated"), "not reached" and
lower bounds are spelled out, ranges stay ranges, and the printed precision of the source
("40.0", "0.30") is kept.

May import: ``core.schema``, ``core.text`` and this package's ``i18n`` and ``caveats``.
Never streamlit, ``pages`` or ``bench``; formatting knows one row at a time, never a frame
or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from core import schema
from core.presentation import caveats as caveat_codes
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


def estimate(row: Mapping[str, Any], lang: str = "en", name_ratio: bool = True) -> str:
    """The point estimate with its qualifier and unit: ``8.57 months``, ``>60 months``,
    ``not reached``, ``25.7–38.6 months``, ``~22%``, ``HR 0.30``.

    ``name_ratio=False`` leaves out the ``HR`` of a hazard ratio, for a column whose header
    already says it (the forest plot's text column).
    """
    ratio = "HR " if name_ratio and row.get("measure") == "hr" else ""
    unit = row.get("unit", "")
    suffix = unit_suffix(unit, lang)
    value = _text(row, "value_text", "value")
    qualifier = row.get("qualifier") or "="
    if qualifier == "not-reached":
        return ratio + t("value.not_reached", lang)
    if qualifier == "range":
        high = _text(row, "value_high_text", "value_high")
        body = f"{value}–{high}{suffix}"
    else:
        prefix = {"=": "", ">": ">", "<": "<", "~": "~"}.get(qualifier, "")
        body = f"{prefix}{value}{suffix}"
    return ratio + body


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


def value_text(row: Mapping[str, Any], lang: str = "en", with_p: bool = True, name_ratio: bool = True) -> str:
    """Estimate, interval and p-value in one string: ``8.57 months (95% CI 7.79–10.12)``."""
    text = estimate(row, lang, name_ratio)
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


def endpoint_name(endpoint: str, lang: str = "en") -> str:
    """An endpoint as a reader names it: the abbreviation (``PFS``, ``IC-ORR``) where clinicians
    use one in both languages, else its label (``FOLLOW-UP`` → ``随访时间``): never an internal key."""
    if endpoint in schema.ENDPOINT_ABBREVIATIONS or endpoint not in schema.ENDPOINTS:
        return endpoint
    return vocab_label(schema.ENDPOINTS, endpoint, lang)


def metric_label(row: Mapping[str, Any], lang: str = "en") -> str:
    """What the number is: ``Median PFS``, ``3-year RFS rate``, ``HR for OS``, ``ORR``."""
    endpoint = endpoint_name(row.get("endpoint", ""), lang)
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
        label = t(
            f"metric.{measure}", lang, endpoint=vocab_label(schema.ENDPOINTS, row.get("endpoint", ""), lang)
        )
    else:
        key = row.get("endpoint", "")
        label = vocab_label(schema.ENDPOINTS, key, lang) if key in schema.ENDPOINTS else key
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
    """The caveats a reader must see beside this number, most important first, as words.

    The codes come from :func:`core.presentation.caveats.value_codes`; presenters keep the
    codes and render them with :func:`core.presentation.caveats.text`.
    """
    return caveat_codes.labels(caveat_codes.value_codes(row), lang)


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
        text = f"{endpoint_name(first['endpoint'], lang)} {value_text(first, lang, with_p=False)}"
    elif len(records) == 1:
        text = (
            f"{metric_label(first, lang)}{t('zh.label_colon', lang)}{value_text(first, lang, with_p=False)}"
        )
    else:
        separator = f" {t('value.vs', lang)} "
        text = f"{metric_label(first, lang)}{t('zh.label_colon', lang)}{separator.join(estimate(row, lang) for row in records)}"
    notes = []
    if first.get("evidence_kind") == "review-claim":
        notes.append(caveat_codes.label("review_claim", lang))
    if any(str(row.get("ci_level")) == "80" for row in records) and first.get("measure") != "hr":
        notes.append(caveat_codes.label("ci80", lang))
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


def page_link(page: str, params: Mapping[str, str], lang: str, present: bool = False) -> str:
    """A relative link to ``page`` with ``params`` that keeps the reader's language and
    presentation mode (the shell parameters every page keeps in its address)."""
    shell = {"lang": lang, **({"present": "1"} if present else {})}
    return f"{page}?{urlencode({**params, **shell})}"

"""Caveats as codes: which warnings belong beside a value or over a trial, and their labels.

A caveat is a short stable code (``ci80``, ``interim``, ``single_arm_trial``…), a record
flag (``doubtful-attribution``, ``immature``…, the keys of ``core.schema.FLAGS``), a curated
trial caveat (the keys of ``core.schema.CAVEATS``), or ``derived_ci95|level|low|high`` for an
interval re-expressed at 95% (its parameters are the printed interval).
Presenters put codes in their frames; only :func:`label` turns a code into words, so the
trial page, the evidence card and every CSV name the same caveats in the same order.

May import: ``core.schema`` and ``core.presentation.i18n``. Never streamlit, ``pages`` or
``bench``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from core import schema
from core.presentation.i18n import t, vocab_label

VALUE_CAVEATS = ("ci80", "ci_unknown", "interim", "review_claim", "disputed", "single_arm")
"""Caveats of one value that are not record flags (the flags follow ``disputed``)."""

TRIAL_CAVEATS = (
    "user_supplied",
    "single_arm_trial",
    "evidence_summary",
    "interim",
    "ci80",
    "ci_unknown",
    "has_review_claims",
    "disputed",
    "immature",
)
"""Caveats of a whole trial, in the order a reader sees them."""

_CATALOG_CODES = set(VALUE_CAVEATS) | set(TRIAL_CAVEATS)

DERIVED_CI = "derived_ci95"
"""A value whose interval core.derived re-expressed at 95%: ``derived_ci95|level|low|high``."""


def flags_of(row: Mapping[str, Any] | None) -> list[str]:
    """The record flags of a value row (``[]`` when it has none or there is no row)."""
    if row is None:
        return []
    flags = row.get("flags")
    return [str(flag) for flag in flags] if flags is not None else []


def value_codes(row: Mapping[str, Any]) -> tuple[str, ...]:
    """The caveats a reader must see beside this value, most important first."""
    out = []
    level = str(row.get("ci_level") or "")
    if level == "80":
        out.append("ci80")
    elif level == "unknown":
        out.append("ci_unknown")
    if row.get("analysis_kind") == "interim":
        out.append("interim")
    if row.get("evidence_kind") == "review-claim":
        out.append("review_claim")
    if row.get("disputed"):
        out.append("disputed")
    out += flags_of(row)
    if row.get("design") == "single-arm" and row.get("measure") in ("median", "landmark"):
        out.append("single_arm")
    if str(row.get("derived_ci")) == "True":
        # a code with parameters: the printed interval it was converted from
        printed = (row.get("printed_ci_level"), row.get("printed_ci_low"), row.get("printed_ci_high"))
        out.append(DERIVED_CI + "|" + "|".join(str(part) for part in printed))
    out += [str(code) for code in _listed(row.get("trial_caveats"))]
    return tuple(dict.fromkeys(out))


def _listed(codes: Any) -> list:
    return list(codes) if codes is not None else []


def trial_codes(header: Mapping[str, Any], values: pd.DataFrame) -> tuple[str, ...]:
    """The caveats of a whole trial, from its header row and all its values.

    Parameters
    ----------
    header : mapping
        A row of :func:`core.queries.trial`.
    values : DataFrame
        :func:`core.queries.trial_values` of the same trial.
    """
    has_values = not values.empty
    present = {
        "user_supplied": header.get("origin") == "user",
        "single_arm_trial": header.get("design") == "single-arm",
        "evidence_summary": header.get("design") == "evidence-summary",
        "interim": header.get("latest_analysis_kind") == "interim",
        "ci80": has_values and bool((values["ci_level"] == "80").any()),
        "ci_unknown": has_values and bool((values["ci_level"] == "unknown").any()),
        "has_review_claims": has_values and bool((values["evidence_kind"] == "review-claim").any()),
        "disputed": has_values and bool(values["disputed"].any()),
        "immature": has_values
        and bool(values["flags"].map(lambda f: "immature" in flags_of({"flags": f})).any()),
    }
    curated = [str(code) for code in _listed(header.get("caveats"))]  # schema.CAVEATS keys
    return tuple(curated + [code for code in TRIAL_CAVEATS if present[code]])


def label(code: str, lang: str) -> str:
    """The words for a caveat code in ``lang``: the catalog's ``caveat.*`` or the flag's label."""
    if code in _CATALOG_CODES:
        return t(f"caveat.{code}", lang)
    if code.startswith(DERIVED_CI + "|"):
        level, low, high = (code.split("|") + ["", "", ""])[1:4]
        return t("derived.ci95_caveat", lang, level=level, low=low, high=high)
    if code in schema.CAVEATS:
        return vocab_label(schema.CAVEATS, code, lang)
    return vocab_label(schema.FLAGS, code, lang)


def labels(codes: Iterable[str], lang: str) -> list[str]:
    """Labels of several codes, without repeating a label two codes share."""
    return list(dict.fromkeys(label(code, lang) for code in codes))


def text(codes: Iterable[str], lang: str) -> str:
    """The caveats as one cell: labels joined with ``; ``."""
    return "; ".join(labels(codes, lang))

"""Derived numbers on screen: one presenter for the trial page, the survival page, the
comparison page, the card and the CSVs (frames with stable column keys), and the small
timeline chart. Computation lives in :mod:`core.derived`; this module only writes it."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from core import derived, schema
from core.presentation import formatting
from core.presentation.i18n import data_text, t, vocab_label
from core.presentation.plots import SERIES_COLOURS, base_layout, palette
from core.text import format_number


def _num(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _fmt(value, digits: int = 1) -> str:
    number = _num(value)
    if number is None:
        return ""
    return format_number(round(number, digits))


def _digits(row: Mapping[str, Any]) -> int:
    return 2 if row.get("unit") in ("ratio", "patients") else 1


def result_text(row: Mapping[str, Any], lang: str = "en") -> str:
    """A derived row as one line: ``+52.0 percentage points (95% CI 41.9 to 62.1)``,
    ``NNTB 1.92 (95% CI 1.61 to 2.39)``, ``at least 50.9 months``; with a "derived" tag."""
    badge = f"[{t('derived.badge', lang)}]"
    if _num(row.get("value")) is None:
        return f"{t('derived.not_computed', lang)} {badge}"
    digits = _digits(row)
    if row["kind"] == "nnt":
        nnt = derived.NNT(
            float(row["value"]),
            row.get("direction") or "benefit",
            low=None if row.get("ci_crosses_zero") else _num(row.get("ci_low")),
            high=None if row.get("ci_crosses_zero") else _num(row.get("ci_high")),
            crosses_zero=bool(row.get("ci_crosses_zero")),
            benefit_bound=_num(row.get("ci_low")) if row.get("ci_crosses_zero") else None,
            harm_bound=_num(row.get("ci_high")) if row.get("ci_crosses_zero") else None,
        )
        return f"{derived.nnt_text(nnt, digits, t('derived.to', lang))} {badge}"
    value = float(row["value"])
    sign = (
        "+"
        if value > 0 and row["kind"] in ("rate-difference", "median-difference", "timeline-change")
        else ""
    )
    unit = {
        "percentage-points": f" {t('derived.pp', lang)}",
        "months": formatting.unit_suffix("months", lang),
        "ratio": "",
    }.get(row.get("unit") or "", "")
    text = f"{sign}{_fmt(value, digits)}{unit}"
    if row.get("qualifier") == ">":
        text = f"{t('derived.at_least', lang)} {text}"
    elif row.get("qualifier") == "<":
        text = f"{t('derived.at_most', lang)} {text}"
    if row["kind"] == "indirect-hr":
        text = f"HR {text}"
    low, high = _num(row.get("ci_low")), _num(row.get("ci_high"))
    if low is not None and high is not None:
        text += f" (95% CI {_fmt(low, digits)} {t('derived.to', lang)} {_fmt(high, digits)})"
    return f"{text} {badge}"


def _reason(row: Mapping[str, Any], lang: str) -> str:
    reason = row.get("reason") or ""
    return vocab_label(derived.REASONS, reason, lang) if reason else ""


def absolute_table(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Absolute effects (``derived.absolute_effects``) with stable keys, text in ``lang``."""
    columns = [
        "endpoint",
        "analysis",
        "population",
        "timepoint",
        "arms",
        "kind",
        "result",
        "method",
        "formula",
        "inputs",
        "reason",
    ]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for record in frame.to_dict("records"):
        arm = data_text(
            record.get("arm_label") or record.get("arm") or "", record.get("arm_label_zh") or "", lang
        )
        comparator = data_text(
            record.get("comparator_label") or record.get("comparator") or "",
            record.get("comparator_label_zh") or "",
            lang,
        )
        arms = f"{arm} {t('value.vs', lang)} {comparator}"
        rows.append(
            {
                "endpoint": record["endpoint"],
                "analysis": data_text(
                    record.get("analysis_label") or record.get("analysis") or "",
                    record.get("analysis_label_zh") or "",
                    lang,
                ),
                "population": formatting.population_text(record, lang),
                "timepoint": formatting.timepoint_text(record.get("timepoint"), lang),
                "arms": arms,
                "kind": vocab_label(derived.KINDS, record["kind"], lang),
                "result": result_text(record, lang),
                "method": vocab_label(derived.METHODS, record.get("method") or "", lang)
                if record.get("method") and _num(record.get("value")) is not None
                else "",
                "formula": record.get("formula") or "",
                "inputs": record.get("inputs") or "",
                "reason": _reason(record, lang),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def series_label(row: Mapping[str, Any], lang: str = "en") -> str:
    """What a timeline series is: ``HR for OS — Alectinib vs Crizotinib (CNS metastases)``."""
    label = formatting.metric_label(row, lang)
    arms = formatting.arms_text(row, lang)
    population = row.get("population") or "ITT"
    parts = [label]
    if arms:
        parts.append(arms)
    text = " — ".join(parts)
    if population != "ITT":
        text += f" ({formatting.population_text(row, lang)})"
    return text


def timeline_table(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``derived.timeline`` rows with stable keys: one line per estimate per cut."""
    columns = ["series", "cut", "kind", "cutoff", "estimate", "assessment", "change", "follow_up", "inputs"]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for record in frame.to_dict("records"):
        change = _reason({"reason": record.get("change_reason")}, lang)
        if record.get("derived"):
            change = result_text(
                {"kind": "timeline-change", "value": record["change"], "unit": record["unit"]}, lang
            )
        rows.append(
            {
                "series": series_label(record, lang),
                "cut": data_text(
                    record.get("analysis_label") or "", record.get("analysis_label_zh") or "", lang
                ),
                "kind": vocab_label(schema.ANALYSIS_KINDS, record.get("analysis_kind") or "", lang),
                "cutoff": record.get("cutoff") or "",
                "estimate": formatting.value_text(record, lang, with_p=False),
                "assessment": vocab_label(schema.ASSESSMENTS, record.get("assessment") or "not-stated", lang),
                "change": change,
                "follow_up": (_fmt(record["follow_up"], 2) + formatting.unit_suffix("months", lang))
                if _num(record.get("follow_up")) is not None
                else "",
                "inputs": record.get("inputs") or "",
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _timeline_point(r: dict, cut: str, lang: str) -> dict:
    """One point of a timeline series: position, interval, mark, label and hover text."""
    value = _num(r.get("value"))
    kind = vocab_label(schema.ANALYSIS_KINDS, r.get("analysis_kind") or "", lang)
    bound = r.get("qualifier") in ("not-reached", ">")
    if value is None and r.get("qualifier") == "not-reached":
        # not reached: drawn at its printed lower CI bound as an open up-triangle
        value = _num(r.get("ci_low"))
    label = f"{kind} · {formatting.estimate(r, lang)}" if bound else kind
    parts = (series_label(r, lang), cut, kind, formatting.value_text(r, lang, with_p=False))
    return {
        "y": value,
        "low": None if bound else _num(r.get("ci_low")),
        "high": None if bound else _num(r.get("ci_high")),
        "symbol": "triangle-up-open" if bound else "circle",
        "text": html.escape(label, quote=False),
        "hover": "<br>".join(html.escape(part, quote=False) for part in parts),
    }


def _error_bars(points: list[dict]) -> dict | None:
    """Asymmetric error bars from the points' printed bounds (none when no point has one)."""
    if all(p["low"] is None and p["high"] is None for p in points):
        return None

    def reach(bound: str, sign: int) -> list[float]:
        return [
            sign * (p[bound] - p["y"]) if p[bound] is not None and p["y"] is not None else 0 for p in points
        ]

    return dict(
        type="data", symmetric=False, array=reach("high", 1), arrayminus=reach("low", -1), thickness=1.5
    )


def _timeline_trace(records: list[dict], names: dict, index: int, lang: str) -> go.Scatter:
    points = [_timeline_point(r, names[r["analysis"]], lang) for r in records]
    return go.Scatter(
        x=[names[r["analysis"]] for r in records],
        y=[p["y"] for p in points],
        mode="lines+markers+text",
        text=[p["text"] for p in points],
        textposition="top center",
        name=html.escape(series_label(records[0], lang), quote=False),
        error_y=_error_bars(points),
        line=dict(color=SERIES_COLOURS[index % len(SERIES_COLOURS)], width=2),
        marker=dict(size=11, symbol=[p["symbol"] for p in points]),
        cliponaxis=False,
        hovertext=[p["hover"] for p in points],
        hoverinfo="text",
    )


_TIMELINE_Y_TITLES = {
    "hr": "derived.chart_y_hr",
    "median": "derived.chart_y_months",
    "landmark": "derived.chart_y_percent",
}


def _timeline_cuts(frame: pd.DataFrame, lang: str) -> tuple[list[str], dict[str, str]]:
    """The data cuts in order, and each cut's name in ``lang``."""
    cuts = (
        frame[["analysis", "analysis_sequence", "analysis_label", "analysis_label_zh"]]
        .drop_duplicates("analysis")
        .sort_values("analysis_sequence")
    )
    names = {
        a: data_text(label or a, zh or "", lang)
        for a, label, zh in zip(cuts["analysis"], cuts["analysis_label"], cuts["analysis_label_zh"])
    }
    return list(cuts["analysis"]), names


def _tick_lines(text: str, lang: str) -> str:
    """A cut's name escaped and wrapped for an axis tick (Plotly breaks lines at <br>)."""
    import textwrap

    chinese = lang != "en"
    lines = textwrap.wrap(text, width=11 if chinese else 16, break_long_words=chinese) or [text]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def timeline_figure(
    frame: pd.DataFrame, lang: str = "en", theme: str = "light", present: bool = False
) -> go.Figure:
    """One small chart for one endpoint and measure: each series across the data cuts in order,
    with its interval, and the kind of analysis written on every point."""
    fig = go.Figure()
    if frame is None or frame.empty:
        return fig
    order, names = _timeline_cuts(frame, lang)
    for index, (_, group) in enumerate(frame.groupby("series", sort=False)):
        records = group.sort_values("analysis_sequence").to_dict("records")
        fig.add_trace(_timeline_trace(records, names, index, lang))
    measure = frame["measure"].iloc[0]
    n_series = frame["series"].nunique()
    layout = base_layout(lang, present, (340 if not present else 520) + 24 * n_series, theme)
    layout["margin"] = dict(l=10, r=10, t=40 + 26 * n_series, b=60)
    fig.update_layout(**layout)
    categories = [names[a] for a in order]
    fig.update_xaxes(
        categoryorder="array",
        categoryarray=categories,
        range=[-0.6, len(order) - 0.4],  # room for the first and last labels
        gridcolor=palette(theme).grid,
        automargin=True,
        # cut names wrapped on a few short lines, never slanted: readable on a 390 px phone
        tickmode="array",
        tickvals=categories,
        ticktext=[_tick_lines(name, lang) for name in categories],
        tickangle=0,
    )
    fig.update_yaxes(
        title_text=t(_TIMELINE_Y_TITLES.get(measure, "derived.chart_y_hr"), lang),
        type="log" if measure == "hr" else "linear",
        gridcolor=palette(theme).grid,
        automargin=True,
    )
    if measure == "hr":
        fig.add_hline(y=1, line=dict(color=palette(theme).neutral, width=1))
    return fig


def forest_at_95(rows: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """Forest rows with every interval printed at 80% or 90% re-expressed at 95% (derived).

    Returns the rows, the number converted and the number left as printed because their
    level is not stated. A converted row keeps its printed interval in ``printed_ci_*`` and
    carries ``derived_ci=True``, the formula and its input id.
    """
    out = rows.copy()
    out["derived_ci"] = False
    for column in ("printed_ci_low", "printed_ci_high", "printed_ci_level", "derived_formula"):
        out[column] = ""
    converted = not_stated = 0
    for index, row in out.iterrows():
        low, high, value = _num(row.get("ci_low")), _num(row.get("ci_high")), _num(row.get("value"))
        if low is None or high is None or value is None or low <= 0:
            continue
        level = derived.stated_level(row.get("ci_level"))
        if level is None:
            not_stated += 1
            continue
        if level == 95:
            continue
        estimate = derived.convert_ratio_ci_to_95(value, low, high, level)
        out.at[index, "printed_ci_low"] = row.get("ci_low_text") or format_number(low)
        out.at[index, "printed_ci_high"] = row.get("ci_high_text") or format_number(high)
        out.at[index, "printed_ci_level"] = str(level)
        out.at[index, "ci_low"] = estimate.low
        out.at[index, "ci_high"] = estimate.high
        out.at[index, "ci_low_text"] = format_number(round(estimate.low, 2))
        out.at[index, "ci_high_text"] = format_number(round(estimate.high, 2))
        out.at[index, "ci_level"] = "95"
        out.at[index, "derived_ci"] = True
        out.at[index, "derived_formula"] = f"exp(ln HR ± 1.96 × (ln {high} − ln {low}) / (2 × z{level}))"
        converted += 1
    return out, converted, not_stated


def differences_table(
    a, b, follow_up: dict[str, str], lines: dict[str, str], lang: str = "en"
) -> pd.DataFrame:
    """``derived.what_differs`` with aspect labels and vocabulary values in ``lang``."""
    frame = derived.what_differs(a, b, follow_up, lines)
    vocab = {
        "assessment": schema.ASSESSMENTS,
        "analysis_kind": schema.ANALYSIS_KINDS,
        "line": schema.LINES,
        "phase": schema.PHASES,
    }
    rows = []
    for record in frame.to_dict("records"):
        aspect = record["aspect"]
        values = [record["a"], record["b"]]
        if aspect in vocab:
            values = [vocab_label(vocab[aspect], v, lang) if v else "" for v in values]
        elif aspect == "population":
            values = [formatting.population_text(row, lang) for row in (a, b)]
        elif aspect == "analysis":
            values = [
                data_text(
                    row.get("analysis_label") or row.get("analysis") or "",
                    row.get("analysis_label_zh") or "",
                    lang,
                )
                for row in (a, b)
            ]
        rows.append(
            {
                "aspect": t(f"compare.aspect_{aspect}", lang),
                "a": values[0] or "—",
                "b": values[1] or "—",
                "differs": t("compare.differs_yes", lang) if record["differs"] else "",
            }
        )
    return pd.DataFrame(rows, columns=["aspect", "a", "b", "differs"])

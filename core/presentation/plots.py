"""Figure builders: tidy rows in, ``go.Figure`` out. Nothing here renders or imports streamlit.

Conventions a reader of forest plots expects (after LSYS/forestplot): a log-scaled ratio
axis, a solid line of no effect at 1, CI whiskers with arrows where an interval runs off the
axis, squares sized by the number of patients, a text column "HR (CI)" that states the CI
level, and "favours" labels under the axis. No pooled estimate is ever drawn: trials are not
pooled. Interval levels are drawn differently (95% solid, 80% dotted orange, level not
stated dashed grey), and an estimate without an interval is an open circle marked "no CI".

Every data string that reaches the figure is HTML-escaped: Plotly renders a subset of HTML
in labels and hover text.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from core import schema
from core.presentation import formatting
from core.presentation.i18n import data_text, t, vocab_label

FONT_STACKS = {
    "en": '"Noto Sans", "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif',
    "zh-Hans": '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", "Noto Sans", sans-serif',
    "zh-Hant": '"Noto Sans CJK TC", "Noto Sans TC", "Source Han Sans TC", "PingFang TC", '
    '"Microsoft JhengHei", "Noto Sans CJK SC", "Noto Sans", sans-serif',
}
"""CJK-capable font stacks per language, so Chinese labels never fall back to boxes."""

# Okabe-Ito: colour-blind safe, high contrast on white and on dark backgrounds.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]


@dataclass(frozen=True)
class IntervalStyle:
    """How an interval of one CI level is drawn; its colour is the theme's (Palette.interval)."""

    key: str
    dash: str
    width: float
    symbol: str
    color: str | None = None  # set per theme


@dataclass(frozen=True)
class Palette:
    """Colours that must contrast with the page: light and dark Streamlit themes."""

    text: str
    muted: str
    grid: str
    interval: dict[str, str]


PALETTES = {
    "light": Palette(
        "#1f1f1f",
        "#555555",
        "rgba(128,128,128,0.25)",
        {
            "95": "#0072B2",
            "90": "#009E73",
            "80": "#D55E00",
            "unknown": "#6b6b6b",
            "none": "#6b6b6b",
            "derived95": "#A4457F",
        },
    ),
    "dark": Palette(
        "#f0f0f0",
        "#c8c8c8",
        "rgba(200,200,200,0.22)",
        {
            "95": "#56B4E9",
            "90": "#2ED3A0",
            "80": "#F5A623",
            "unknown": "#b4b4b4",
            "none": "#b4b4b4",
            "derived95": "#E59CD0",
        },
    ),
}


def palette(theme: str) -> Palette:
    return PALETTES.get(theme, PALETTES["light"])


INTERVAL_STYLES = {
    "95": IntervalStyle("95", "solid", 2.5, "square"),
    "90": IntervalStyle("90", "dashdot", 2.5, "square"),
    "80": IntervalStyle("80", "dot", 3.5, "square-open"),
    "unknown": IntervalStyle("unknown", "dash", 2.5, "square"),
    "none": IntervalStyle("none", "solid", 0, "circle-open"),
    # an interval printed at 80% or 90% re-expressed at 95% (core.derived): never printed
    "derived95": IntervalStyle("derived95", "longdash", 2.5, "diamond"),
}


def _esc(text: object) -> str:
    return html.escape(str(text if text is not None else ""), quote=False)


def _num(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _style_key(row) -> str:
    low, high = _num(row.get("ci_low")), _num(row.get("ci_high"))
    if low is None and high is None:
        return "none"
    if str(row.get("derived_ci")) == "True":
        return "derived95"
    level = str(row.get("ci_level") or "unknown")
    return level if level in INTERVAL_STYLES else "unknown"


def base_layout(lang: str, present: bool, height: int, theme: str = "light") -> dict:
    """Layout shared by every figure: fonts that carry CJK, sizes for presentation mode."""
    size = 18 if present else 13
    return dict(
        font=dict(family=FONT_STACKS.get(lang, FONT_STACKS["en"]), size=size, color=palette(theme).text),
        height=height,
        margin=dict(l=10, r=10, t=40, b=90),
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        hoverlabel=dict(font=dict(family=FONT_STACKS.get(lang, FONT_STACKS["en"]), size=size)),
        showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
    )


def _wrap(text: str, width: int) -> str:
    """Escape and wrap a footer into lines of about ``width`` characters (Plotly needs <br>)."""
    import textwrap

    return "<br>".join(_esc(line) for line in textwrap.wrap(text, width=width, break_long_words=False))


def _footer(fig: go.Figure, footer: str, present: bool, theme: str = "light") -> None:
    """The citation under a figure; the bottom margin grows with its number of lines."""
    if footer:
        text = _wrap(footer, 110 if present else 95)
        lines = text.count("<br>") + 1
        line_height = 22 if present else 16
        bottom = max(fig.layout.margin.b or 0, 95 + lines * line_height)
        fig.update_layout(margin=dict(b=bottom), height=(fig.layout.height or 400) + lines * line_height)
        fig.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-80,
            xanchor="left",
            yanchor="top",
            showarrow=False,
            align="left",
            font=dict(size=14 if present else 11, color=palette(theme).muted),
        )


def _row_label(row, group_by: str, lang: str) -> str:
    parts = [_esc(formatting.trial_label(row, lang))]
    if group_by != "endpoint":
        parts.append(_esc(row["endpoint"]))
    if (row.get("population") or "ITT") != "ITT":
        parts.append(_esc(formatting.population_text(row, lang)))
    if row.get("assessment") in ("BICR", "investigator"):
        parts.append(_esc(row["assessment"] if row["assessment"] == "BICR" else t("forest.inv", lang)))
    label = " · ".join(parts)
    caveats = row.get("trial_caveats")
    if caveats is not None and len(caveats):
        # a trial-level caveat (crossing curves, responder comparison, …): a badge on the row,
        # spelled out in the hover and the table
        label += " ⚠"
    return label


def _group_title(row, group_by: str, lang: str) -> str:
    if group_by == "endpoint":
        return vocab_label(schema.ENDPOINTS, row["endpoint"], lang)
    return vocab_label(schema.CANCER_TYPES, row["cancer_type"], lang)


def forest_layout(rows: pd.DataFrame, group_by: str, lang: str) -> list[dict]:
    """Rows in drawing order with group headers: ``[{"y", "label", "row" or None}]``."""
    if rows.empty:
        return []
    key = "endpoint" if group_by == "endpoint" else "cancer_type"
    order = "endpoint_position" if group_by == "endpoint" else "cancer_position"
    frame = rows.copy()
    if order not in frame.columns:
        frame[order] = 0
    frame = frame.sort_values([order, key], kind="stable")
    lines: list[dict] = []
    y = 0
    for _, group in frame.groupby(key, sort=False):
        first = group.iloc[0].to_dict()
        lines.append({"y": y, "label": f"<b>{_esc(_group_title(first, group_by, lang))}</b>", "row": None})
        y -= 1
        for _, row in group.iterrows():
            record = row.to_dict()
            lines.append({"y": y, "label": _row_label(record, group_by, lang), "row": record})
            y -= 1
        y -= 0.4
    return lines


def forest_figure(
    rows: pd.DataFrame,
    lang: str = "en",
    group_by: str = "cancer",
    present: bool = False,
    x_limits: tuple[float, float] = (0.03, 4.0),
    footer: str = "",
    theme: str = "light",
) -> go.Figure:
    """A forest plot of hazard ratios, one row per estimate, grouped by cancer type or endpoint.

    Parameters
    ----------
    rows : DataFrame
        Output of :func:`core.queries.forest_rows`.
    lang : str
        Interface language for labels and hover text.
    group_by : {"cancer", "endpoint"}
        What the row groups are.
    present : bool
        Presentation mode: larger type.
    x_limits : (float, float)
        Axis limits; an interval running past them ends in an arrow.
    footer : str
        Citation line under the plot (trials, data cut-offs, sources).
    theme : {"light", "dark"}
        The page theme the figure is drawn for (text, grid and interval colours).
    """
    lines = forest_layout(rows, group_by, lang)
    data_lines = [line for line in lines if line["row"] is not None]
    lo_limit, hi_limit = x_limits
    height = max(320, 70 + 34 * len(lines)) + (60 if present else 0)
    fig = go.Figure()
    sizes = [_num(line["row"].get("n_patients")) for line in data_lines]
    largest = max([s for s in sizes if s] or [1])

    colors = palette(theme).interval
    for key, style in INTERVAL_STYLES.items():
        style = IntervalStyle(key, style.dash, style.width, style.symbol, colors[key])
        members = [line for line in data_lines if _style_key(line["row"]) == key]
        if not members:
            continue
        legend = t(f"forest.legend.{key}", lang)
        ci_x, ci_y, clipped_left, clipped_right = [], [], [], []
        for line in members:
            row = line["row"]
            low, high = _num(row.get("ci_low")), _num(row.get("ci_high"))
            if low is None and high is None:
                continue
            low_drawn = max(low if low is not None else lo_limit, lo_limit)
            high_drawn = min(high if high is not None else hi_limit, hi_limit)
            ci_x += [low_drawn, high_drawn, None]
            ci_y += [line["y"], line["y"], None]
            if low is not None and low < lo_limit:
                clipped_left.append(line["y"])
            if high is None or high > hi_limit:
                clipped_right.append(line["y"])
        if ci_x:
            fig.add_trace(
                go.Scatter(
                    x=ci_x,
                    y=ci_y,
                    mode="lines",
                    name=legend,
                    legendgroup=key,
                    hoverinfo="skip",
                    line=dict(color=style.color, dash=style.dash, width=style.width),
                )
            )
        for ys, symbol, x in (
            (clipped_left, "triangle-left", lo_limit),
            (clipped_right, "triangle-right", hi_limit),
        ):
            if ys:
                fig.add_trace(
                    go.Scatter(
                        x=[x] * len(ys),
                        y=ys,
                        mode="markers",
                        showlegend=False,
                        legendgroup=key,
                        hoverinfo="skip",
                        marker=dict(symbol=symbol, size=11, color=style.color),
                        name=t("forest.clipped", lang),
                    )
                )
        xs, ys, marker_sizes, hover = [], [], [], []
        for line in members:
            row = line["row"]
            value = _num(row.get("value"))
            if value is None:
                continue
            xs.append(min(max(value, lo_limit), hi_limit))
            ys.append(line["y"])
            n = _num(row.get("n_patients"))
            marker_sizes.append(9 + 17 * math.sqrt((n or largest * 0.15) / largest))
            hover.append(_forest_hover(row, lang))
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                name=legend,
                legendgroup=key,
                showlegend=not ci_x,
                marker=dict(
                    symbol=style.symbol,
                    size=marker_sizes,
                    color=style.color,
                    line=dict(width=2, color=style.color),
                ),
                hovertext=hover,
                hoverinfo="text",
            )
        )

    # The text column: HR (CI, level), one annotation per row, right of the plot.
    fig.add_annotation(
        text=f"<b>{_esc(t('forest.text_column', lang))}</b>",
        xref="paper",
        yref="y",
        x=1.01,
        y=lines[0]["y"] + 0.9 if lines else 0,
        xanchor="left",
        showarrow=False,
    )
    for line in data_lines:
        row = line["row"]
        label = _esc(formatting.value_text(row, lang, with_p=False).removeprefix("HR "))
        if _style_key(row) == "none":
            label += f"  <i>{_esc(t('forest.no_ci', lang))}</i>"
        elif _style_key(row) == "derived95":
            label += f"  <i>{_esc(t('derived.badge', lang))}</i>"
        fig.add_annotation(
            text=label,
            xref="paper",
            yref="y",
            x=1.01,
            y=line["y"],
            xanchor="left",
            showarrow=False,
            font=dict(color=colors[_style_key(row)]),
        )

    fig.add_shape(
        type="line",
        x0=1,
        x1=1,
        xref="x",
        yref="paper",
        y0=0,
        y1=1,
        line=dict(color=palette(theme).text, width=1.5),
    )
    for text, x, anchor in (
        (f"← {t('forest.favours_experimental', lang)}", 0.9, "right"),
        (f"{t('forest.favours_control', lang)} →", 1.1, "left"),
    ):
        fig.add_annotation(
            text=_esc(text),
            xref="x",
            yref="paper",
            x=math.log10(x),
            y=0,
            yshift=-45,
            xanchor=anchor,
            showarrow=False,
            font=dict(size=14 if present else 12),
        )

    layout = base_layout(lang, present, height, theme)
    layout["margin"] = dict(l=10, r=300 if present else 250, t=50, b=120)
    fig.update_layout(**layout)
    fig.update_xaxes(
        type="log",
        range=[math.log10(lo_limit), math.log10(hi_limit)],
        title_text=t("forest.x_title", lang),
        zeroline=False,
        showgrid=True,
        gridcolor=palette(theme).grid,
        tickvals=[v for v in (0.05, 0.1, 0.2, 0.5, 1, 2, 4) if lo_limit <= v <= hi_limit],
    )
    fig.update_yaxes(
        tickvals=[line["y"] for line in lines],
        ticktext=[line["label"] for line in lines],
        showgrid=False,
        zeroline=False,
        range=[(lines[-1]["y"] - 1) if lines else -1, 1.2],
        automargin=True,
    )
    _footer(fig, footer, present, theme)
    return fig


def _forest_hover(row: dict, lang: str) -> str:
    parts = [
        f"<b>{_esc(formatting.trial_label(row, lang))}</b> · {_esc(row['endpoint'])}",
        _esc(formatting.value_text(row, lang)),
        _esc(formatting.arms_text(row, lang)),
        f"{_esc(t('label.population', lang))}: {_esc(formatting.population_text(row, lang))}",
        f"{_esc(t('label.analysis', lang))}: {_esc(data_text(row.get('analysis_label', ''), row.get('analysis_label_zh', ''), lang))}",
        f"{_esc(t('label.source', lang))}: {_esc(row.get('source', ''))}",
        f"“{_esc(row.get('snippet', ''))}”",
    ]
    caveats = formatting.caveats(row, lang)
    if caveats:
        parts.append("⚠ " + _esc("; ".join(caveats)))
    return "<br>".join(parts)


# --- survival comparison -----------------------------------------------------------------------


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _arm_label(row: dict, lang: str, limit: int = 30) -> str:
    """``Trial · arm · subgroup · BICR · review claim`` — short enough to leave room for the plot.

    The full arm and population are in the hover text.
    """
    arm = data_text(row.get("arm_label") or "", row.get("arm_label_zh") or "", lang) or t(
        "value.all_patients", lang
    )
    parts = [_esc(_shorten(formatting.trial_label(row, lang), 28)), _esc(_shorten(arm, limit))]
    if (row.get("population") or "ITT") != "ITT":
        parts.append(_esc(_shorten(formatting.population_text(row, lang), limit)))
    if row.get("assessment") in ("BICR", "investigator"):
        parts.append(_esc(row["assessment"] if row["assessment"] == "BICR" else t("forest.inv", lang)))
    if row.get("evidence_kind") == "review-claim":
        parts.append(f"<i>{_esc(t('survival.review_claim_short', lang))}</i>")
    return " · ".join(parts)


def survival_medians_figure(
    rows: pd.DataFrame,
    endpoint: str,
    lang: str = "en",
    present: bool = False,
    footer: str = "",
    theme: str = "light",
) -> go.Figure:
    """Medians per trial and arm, with their intervals; "not reached" and ">x" drawn as lower bounds.

    A lower bound is an open marker with an arrow to the right; a range across studies is a
    thick translucent bar; the interval style follows its CI level as in the forest plot.
    """
    medians = rows[rows["measure"] == "median"] if not rows.empty else rows
    records = [r.to_dict() for _, r in medians.iterrows()]
    labels = [_arm_label(r, lang) for r in records]
    ys = list(range(len(records), 0, -1))
    fig = go.Figure()
    finite = [
        v
        for r in records
        for v in (
            _num(r.get("value")),
            _num(r.get("ci_high")),
            _num(r.get("value_high")),
            _num(r.get("ci_low")),
        )
        if v
    ]
    x_max = max(finite + [12]) * 1.15
    colors = palette(theme).interval
    for key, style in INTERVAL_STYLES.items():
        style = IntervalStyle(key, style.dash, style.width, style.symbol, colors[key])
        members = [(y, r) for y, r in zip(ys, records) if _style_key(r) == key]
        if not members:
            continue
        ci_x, ci_y = [], []
        for y, r in members:
            low, high = _num(r.get("ci_low")), _num(r.get("ci_high"))
            if low is not None or high is not None:
                ci_x += [low if low is not None else 0, high if high is not None else x_max, None]
                ci_y += [y, y, None]
        if ci_x:
            fig.add_trace(
                go.Scatter(
                    x=ci_x,
                    y=ci_y,
                    mode="lines",
                    name=t(f"forest.legend.{key}", lang),
                    legendgroup=key,
                    hoverinfo="skip",
                    line=dict(color=style.color, dash=style.dash, width=style.width),
                )
            )
    point_x, point_y, point_hover, bound_x, bound_y, bound_text, bound_hover = [], [], [], [], [], [], []
    range_x, range_y, unbounded_y, unbounded_hover = [], [], [], []
    for y, r in zip(ys, records):
        hover = _forest_hover(r, lang)
        qualifier = r.get("qualifier") or "="
        value = _num(r.get("value"))
        if qualifier == "not-reached":
            start = _num(r.get("ci_low"))
            if start is None:
                # no printed lower bound: say "not reached" at the edge, draw no interval
                unbounded_y.append(y)
                unbounded_hover.append(hover)
                continue
            bound_x.append(start)
            bound_y.append(y)
            bound_text.append(t("value.nr_short", lang))
            bound_hover.append(hover)
        elif qualifier == ">":
            bound_x.append(value)
            bound_y.append(y)
            bound_text.append(f">{r.get('value_text') or value}")
            bound_hover.append(hover)
        elif qualifier == "range":
            range_x += [value, _num(r.get("value_high")), None]
            range_y += [y, y, None]
            point_x.append(value)
            point_y.append(y)
            point_hover.append(hover)
        elif value is not None:
            point_x.append(value)
            point_y.append(y)
            point_hover.append(hover)
    if unbounded_y:
        fig.add_trace(
            go.Scatter(
                x=[x_max * 0.97] * len(unbounded_y),
                y=unbounded_y,
                mode="markers+text",
                name=t("survival.legend.not_reached", lang),
                marker=dict(symbol="triangle-right-open", size=14, color="#009E73"),
                text=[t("value.not_reached", lang)] * len(unbounded_y),
                textposition="middle left",
                hovertext=unbounded_hover,
                hoverinfo="text",
            )
        )
    if range_x:
        fig.add_trace(
            go.Scatter(
                x=range_x,
                y=range_y,
                mode="lines",
                name=t("survival.legend.range", lang),
                line=dict(color="rgba(204,121,167,0.45)", width=14),
                hoverinfo="skip",
            )
        )
    if point_x:
        fig.add_trace(
            go.Scatter(
                x=point_x,
                y=point_y,
                mode="markers",
                name=t("survival.legend.median", lang),
                marker=dict(symbol="square", size=13, color=palette(theme).text),
                hovertext=point_hover,
                hoverinfo="text",
            )
        )
    if bound_x:
        fig.add_trace(
            go.Scatter(
                x=bound_x,
                y=bound_y,
                mode="markers+text",
                name=t("survival.legend.lower_bound", lang),
                marker=dict(symbol="triangle-right", size=15, color="#009E73"),
                text=bound_text,
                textposition="top center",
                hovertext=bound_hover,
                hoverinfo="text",
            )
        )
        for x, y in zip(bound_x, bound_y):
            fig.add_annotation(
                x=x_max * 0.98,
                y=y,
                ax=x,
                ay=y,
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=2,
                arrowwidth=2,
                arrowcolor="#009E73",
                text="",
            )
    layout = base_layout(lang, present, max(320, 150 + 36 * len(records)), theme)
    layout["margin"] = dict(l=10, r=20, t=110, b=120)
    layout["legend"] = dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0)
    fig.update_layout(
        **layout,
        title=dict(text=_esc(t("survival.medians_title", lang, endpoint=endpoint)), y=0.99, yanchor="top"),
    )
    fig.update_xaxes(
        range=[0, x_max],
        title_text=t("survival.x_months", lang),
        rangemode="tozero",
        gridcolor=palette(theme).grid,
    )
    fig.update_yaxes(
        tickvals=ys, ticktext=labels, automargin=True, showgrid=False, range=[0.3, len(records) + 0.7]
    )
    _footer(fig, footer, present, theme)
    return fig


def survival_landmarks_figure(
    rows: pd.DataFrame,
    endpoint: str,
    lang: str = "en",
    present: bool = False,
    footer: str = "",
    theme: str = "light",
) -> go.Figure:
    """Landmark rates over time, one series per trial arm (lines only join an arm's own points)."""
    landmarks = rows[(rows["measure"] == "landmark")] if not rows.empty else rows
    fig = go.Figure()
    series_keys = list(
        dict.fromkeys(
            (
                r["trial"],
                r.get("arm") or "",
                r.get("population") or "ITT",
                r.get("evidence_kind"),
                r.get("source"),
            )
            for _, r in landmarks.iterrows()
        )
    )
    for index, series in enumerate(series_keys):
        members = [
            r.to_dict()
            for _, r in landmarks.iterrows()
            if (
                r["trial"],
                r.get("arm") or "",
                r.get("population") or "ITT",
                r.get("evidence_kind"),
                r.get("source"),
            )
            == series
        ]
        members.sort(key=lambda r: _num(r.get("timepoint")) or 0)
        first = members[0]
        xs = [(_num(r.get("timepoint")) or 0) / 12 for r in members]
        ys = [_num(r.get("value")) for r in members]
        lows = [_num(r.get("ci_low")) for r in members]
        highs = [_num(r.get("ci_high")) for r in members]
        error = None
        if any(v is not None for v in lows + highs):
            error = dict(
                type="data",
                symmetric=False,
                array=[(h - y) if h is not None and y is not None else 0 for h, y in zip(highs, ys)],
                arrayminus=[(y - lo) if lo is not None and y is not None else 0 for lo, y in zip(lows, ys)],
                thickness=1.5,
            )
        control = first.get("arm_role") == "control"
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=_arm_label(first, lang),
                error_y=error,
                line=dict(
                    color=OKABE_ITO[index % len(OKABE_ITO)], dash="dash" if control else "solid", width=2.5
                ),
                marker=dict(size=11, symbol="circle-open" if control else "circle"),
                hovertext=[_forest_hover(r, lang) for r in members],
                hoverinfo="text",
            )
        )
    layout = base_layout(lang, present, 460 if not present else 620, theme)
    layout["legend"] = dict(orientation="v", x=1.02, y=1, xanchor="left")
    layout["margin"] = dict(l=10, r=10, t=60, b=120)
    fig.update_layout(**layout, title=dict(text=_esc(t("survival.landmarks_title", lang, endpoint=endpoint))))
    fig.update_xaxes(
        title_text=t("survival.x_years", lang),
        dtick=1,
        rangemode="tozero",
        gridcolor=palette(theme).grid,
    )
    fig.update_yaxes(
        title_text=t("survival.y_rate", lang),
        range=[0, 105],
        gridcolor=palette(theme).grid,
        automargin=True,
    )
    _footer(fig, footer, present, theme)
    return fig


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

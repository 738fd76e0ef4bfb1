"""Figure builders: a prepared frame in, ``go.Figure`` out. They only draw.

Each figure is copy → validate → prepare → draw: :mod:`core.presentation.figure_data`
copies and validates the query rows and prepares one row per mark (label, hover text,
interval style, group, position, already localised and escaped); the ``draw_*`` functions
here draw that frame and never localise or format a row. ``forest_figure`` and the
``survival_*_figure`` functions run the whole pipeline for a page.

Conventions a reader of forest plots expects (after LSYS/forestplot): a log-scaled ratio
axis, a solid line of no effect at 1, CI whiskers with arrows where an interval runs off the
axis, squares sized by the number of patients, a text column "HR (CI)" that states the CI
level, and "favours" labels under the axis. No pooled estimate is ever drawn: trials are not
pooled. Interval levels are drawn differently (95% solid, 80% dotted orange, level not
stated dashed grey), and an estimate without an interval is an open circle marked "no CI".

Every data string that reaches the figure is HTML-escaped (in the prepare step): Plotly
renders a subset of HTML in labels and hover text.

May import: plotly, pandas and ``core.presentation.figure_data``. Not ``i18n`` or
``formatting`` (the prepare step owns words and numbers); never streamlit, ``pages`` or
``bench``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from core.presentation import figure_data
from core.presentation.figure_data import FigureText, esc, number

FONT_STACKS = {
    "en": '"Noto Sans", "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif',
    "zh-Hans": '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", "Noto Sans", sans-serif',
    "zh-Hant": '"Noto Sans CJK TC", "Noto Sans TC", "Source Han Sans TC", "PingFang TC", '
    '"Microsoft JhengHei", "Noto Sans CJK SC", "Noto Sans", sans-serif',
}
"""CJK-capable font stacks per language, so Chinese labels never fall back to boxes."""

# Series colours after Okabe-Ito (colour-blind safe), with its yellow, sky blue, orange and black
# replaced by darker or lighter neighbours: every colour contrasts at least 3:1 with both
# Streamlit backgrounds (tests/test_plots.py), so no series disappears in either theme.
SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#AD7A00", "#1F9BCF", "#8C8C00", "#808080"]

THEME_BACKGROUNDS = {"light": "#ffffff", "dark": "#0e1117"}
"""Streamlit's page backgrounds: every colour a figure draws with must read on both."""


@dataclass(frozen=True)
class IntervalStyle:
    """How an interval of one kind is drawn; its colour comes from the :class:`Palette`."""

    key: str
    dash: str
    width: float
    symbol: str


@dataclass(frozen=True)
class Palette:
    """Colours of marks, readable on the light and on the dark page alike.

    Text has no colour here: figures are drawn with Streamlit's theme, which colours text,
    axes and hover labels for the reader's current theme, and redraws them when the reader
    switches theme (a colour fixed when the page ran would keep the old theme's).
    """

    neutral: str  # marks without a level: the line of no effect, median squares
    grid: str
    interval: dict[str, str]


PALETTE = Palette(
    "#808080",
    "rgba(128,128,128,0.25)",
    {
        "95": "#0072B2",
        "90": "#009E73",
        "80": "#D55E00",
        "unknown": "#7a7a7a",
        "none": "#7a7a7a",
        "derived95": "#9467BD",
    },
)


def palette(theme: str = "light") -> Palette:
    """The marks' colours; the same in both themes (``theme`` is kept for the callers)."""
    return PALETTE


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class Look:
    """How a figure is drawn for its page: font stack (``lang``), presentation mode, the
    citation under it, the light or dark theme, and its title (endpoint, population, data-cut
    rule: :func:`core.presentation.citations.figure_title`). Not what it says: that is in
    the frame."""

    lang: str = "en"
    present: bool = False
    footer: str = ""
    theme: str = "light"
    title: str = ""


INTERVAL_STYLES = {
    "95": IntervalStyle("95", "solid", 2.5, "square"),
    "90": IntervalStyle("90", "dashdot", 2.5, "square"),
    "80": IntervalStyle("80", "dot", 3.5, "square-open"),
    "unknown": IntervalStyle("unknown", "dash", 2.5, "square"),
    "none": IntervalStyle("none", "solid", 0, "circle-open"),
    # an interval printed at 80% or 90% re-expressed at 95% (core.derived): never printed
    "derived95": IntervalStyle("derived95", "longdash", 2.5, "diamond"),
}


def base_layout(lang: str, present: bool, height: int, theme: str = "light") -> dict:
    """Layout shared by every figure: fonts that carry CJK, sizes for presentation mode."""
    size = 18 if present else 13
    return dict(
        font=dict(family=FONT_STACKS.get(lang, FONT_STACKS["en"]), size=size),
        height=height,
        margin=dict(l=10, r=10, t=40, b=90),
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        hoverlabel=dict(font=dict(family=FONT_STACKS.get(lang, FONT_STACKS["en"]), size=size)),
        showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
    )


_TOKENS = re.compile(
    r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)


def fit_height(fig: go.Figure, max_height: int, min_plot: int = 160) -> go.Figure:
    """A copy of ``fig`` no taller than ``max_height`` (presentation mode: one screen).

    The margins (title, legend, axis, citation) keep their size; the plot area shrinks, and
    with it the row labels, the text beside the rows and the markers, so rows drawn closer
    together never overlap. A figure that already fits is returned as it is.
    """
    height = fig.layout.height
    if not height or height <= max_height:
        return fig
    out = go.Figure(fig)
    fixed = (out.layout.margin.t or 0) + (out.layout.margin.b or 0)
    plot = max(height - fixed, 1)
    room = max(max_height - fixed, min_plot)
    scale = min(room / plot, 1.0)
    base = out.layout.font.size or 13
    rows = len(out.layout.yaxis.tickvals or ()) or 1
    row_text = max(9, min(base, int(room / rows * 0.7)))
    out.update_layout(height=int(fixed + room))
    out.update_yaxes(tickfont=dict(size=row_text))
    for annotation in out.layout.annotations:
        if annotation.yref == "y":  # text beside a row (the forest plot's HR column)
            annotation.font.size = row_text
    _scale_markers(out, max(scale, 0.6))
    return out


def _scale_markers(fig: go.Figure, factor: float, smallest: float = 6) -> None:
    """Every marker of ``fig`` ``factor`` times its size, never smaller than ``smallest`` px."""
    for trace in fig.data:
        size = trace.marker.size if hasattr(trace, "marker") else None
        if isinstance(size, (int, float)):
            trace.marker.size = max(smallest, size * factor)
        elif size is not None:
            trace.marker.size = [max(smallest, v * factor) for v in size]


def _columns(text: str) -> int:
    """Display width: a CJK or full-width character takes two columns, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap_line(text: str, width: int) -> list[str]:
    """Greedy wrap by display width: between words, and between any two CJK characters."""
    lines, line = [], ""
    for token in _TOKENS.findall(text):
        if line.strip() and _columns(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _wrap(text: str, width: int) -> str:
    """Escape and wrap a footer into lines of about ``width`` columns (Plotly needs <br>);
    each line of ``text`` (one per trial in a citation) starts a line of its own. Chinese
    counts two columns a character, so it wraps as wide as English."""
    return "<br>".join(esc(line) for paragraph in text.split("\n") for line in _wrap_line(paragraph, width))


def _title_lines(title: str, width: int) -> str:
    """The title broken between its parts (``what · for whom · which cut``) where it is too
    wide, and inside a part only when that part alone is."""
    lines: list[str] = []
    for part in title.split(" · "):
        if lines and _columns(lines[-1] + " · " + part) <= width:
            lines[-1] += " · " + part
        else:
            lines += _wrap_line(part, width)
    return "<br>".join(esc(line) for line in lines)


def _title(fig: go.Figure, title: str, present: bool) -> None:
    """The figure's title (what, for whom, which data cut), wrapped; the top margin grows
    with its lines, so the title never sits on the legend."""
    if not title:
        return
    text = _title_lines(title, 80 if present else 52)
    lines = text.count("<br>") + 1
    size = 22 if present else 15
    line = int(size * 1.4)
    top = (fig.layout.margin.t or 0) + lines * line
    # Plotly anchors a title of several lines by its first line: push it down by the others
    pad = 8 + (lines - 1) * line
    fig.update_layout(
        title=dict(
            text=text, x=0, xanchor="left", y=1, yanchor="top", yref="container", pad=dict(t=pad, l=4)
        ),
        title_font=dict(size=size),
        margin=dict(t=top),
        height=(fig.layout.height or 400) + lines * int(size * 1.4),
    )


def _describe(fig: go.Figure, summary: str, footer: str) -> None:
    """The figure's text alternative and citation as plain text in ``layout.meta``, where a
    page reads them (:func:`text_alternative`) and a browser test finds them."""
    fig.update_layout(meta={"summary": summary, "citation": footer})


def caption_figure(
    fig: go.Figure, title: str, footer: str, summary: str, present: bool = False, theme: str = "light"
) -> go.Figure:
    """Give a figure drawn elsewhere (the trial page's maturity charts) what every figure
    carries: its title, its citation under it and its text alternative."""
    _footer(fig, footer, present, theme)
    _title(fig, title, present)
    _describe(fig, summary, footer)
    return fig


def text_alternative(fig: go.Figure) -> str:
    """The text alternative a builder attached to the figure (``""`` when none)."""
    meta = fig.layout.meta
    return str(meta.get("summary", "")) if isinstance(meta, dict) else ""


def citation_of(fig: go.Figure) -> str:
    """The citation drawn under the figure, as plain text with one line per trial (``""``
    when none): the pages repeat it beside the text alternative, readable at any width."""
    meta = fig.layout.meta
    return str(meta.get("citation", "")) if isinstance(meta, dict) else ""


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
            font=dict(size=14 if present else 11),
        )


def _line(x: list, y: list, name: str, key: str, color: str, **extra) -> go.Scatter:
    """The whiskers of one interval style, as one trace with gaps (``None``) between rows."""
    style = INTERVAL_STYLES[key]
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        name=name,
        legendgroup=key,
        hoverinfo="skip",
        line=dict(color=color, dash=style.dash, width=style.width),
        **extra,
    )


def _segments(members: pd.DataFrame, low_default: float, high_default: float) -> tuple[list, list]:
    """x and y of the whiskers of ``members`` (missing ends drawn to the defaults)."""
    xs: list = []
    ys: list = []
    for low, high, y in zip(members["low"], members["high"], members["y"]):
        if low is None and high is None:
            continue
        xs += [
            max(low if low is not None else low_default, low_default),
            min(_or(high, high_default), high_default),
            None,
        ]
        ys += [y, y, None]
    return xs, ys


def _or(value: float | None, default: float) -> float:
    return default if value is None or value != value else value


def _clean(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Numeric columns with ``None`` for missing (pandas gives NaN)."""
    out = frame.copy()
    for column in columns:
        out[column] = pd.Series([number(v) for v in out[column]], index=out.index, dtype=object)
    return out


# --- forest plot ----------------------------------------------------------------------------------


def _forest_arrows(fig: go.Figure, members: pd.DataFrame, key: str, color: str, limits, text: FigureText):
    lo_limit, hi_limit = limits
    with_ci = members[[lo is not None or hi is not None for lo, hi in zip(members["low"], members["high"])]]
    left = [y for y, low in zip(with_ci["y"], with_ci["low"]) if low is not None and low < lo_limit]
    right = [y for y, high in zip(with_ci["y"], with_ci["high"]) if high is None or high > hi_limit]
    for ys, symbol, x in ((left, "triangle-left", lo_limit), (right, "triangle-right", hi_limit)):
        if ys:
            fig.add_trace(
                go.Scatter(
                    x=[x] * len(ys),
                    y=ys,
                    mode="markers",
                    showlegend=False,
                    legendgroup=key,
                    hoverinfo="skip",
                    marker=dict(symbol=symbol, size=11, color=color),
                    name=text["clipped"],
                )
            )


def _forest_points(
    fig: go.Figure, members: pd.DataFrame, key: str, color: str, limits, show_legend, name, largest
):
    points = members[[v is not None for v in members["value"]]]
    sizes = [9 + 17 * math.sqrt((n or largest * 0.15) / largest) for n in points["n"]]
    fig.add_trace(
        go.Scatter(
            x=[min(max(v, limits[0]), limits[1]) for v in points["value"]],
            y=list(points["y"]),
            mode="markers",
            name=name,
            legendgroup=key,
            showlegend=show_legend,
            marker=dict(
                symbol=INTERVAL_STYLES[key].symbol, size=sizes, color=color, line=dict(width=2, color=color)
            ),
            hovertext=list(points["hover"]),
            hoverinfo="text",
        )
    )


def _forest_text_column(
    fig: go.Figure, frame: pd.DataFrame, top: float, colors: dict[str, str], header: str
) -> None:
    """The "HR (CI, level)" column right of the plot (its header at ``top``), one cell per row."""
    fig.add_annotation(
        text=f"<b>{esc(header)}</b>", xref="paper", yref="y", x=1.01, y=top, xanchor="left", showarrow=False
    )
    for y, cell, style in zip(frame["y"], frame["text"], frame["style"]):
        fig.add_annotation(
            text=cell,
            xref="paper",
            yref="y",
            x=1.01,
            y=y,
            xanchor="left",
            showarrow=False,
            font=dict(color=colors[style]),
        )


def _forest_reference(fig: go.Figure, text: FigureText, present: bool, theme: str) -> None:
    """The line of no effect at 1 and the "favours" labels under the axis — none where the
    words are empty (a comparison that is not experimental vs control favours neither)."""
    fig.add_shape(
        type="line",
        x0=1,
        x1=1,
        xref="x",
        yref="paper",
        y0=0,
        y1=1,
        line=dict(color=palette(theme).neutral, width=1.5),
    )
    for words, x, anchor in (
        (f"← {text['favours_experimental']}", 0.9, "right"),
        (f"{text['favours_control']} →", 1.1, "left"),
    ):
        if not words.strip("←→ "):
            continue
        fig.add_annotation(
            text=esc(words),
            xref="x",
            yref="paper",
            x=math.log10(x),
            y=0,
            yshift=-45,
            xanchor=anchor,
            showarrow=False,
            font=dict(size=14 if present else 12),
        )


def _row_pitch(frame: pd.DataFrame, present: bool) -> int:
    """Pixels per forest row: a row label of two lines (what, then cut and subgroup) needs
    more than one, or the second line runs into the next row; larger type needs more."""
    two_lines = any("<br>" in str(label) for label in frame.get("label", []))
    if present:
        return 60 if two_lines else 34
    return 48 if two_lines else 34


def draw_forest(
    frame: pd.DataFrame, text: FigureText, look: Look = Look(), x_limits: tuple[float, float] = (0.03, 4.0)
) -> go.Figure:
    """Draw a prepared forest frame (:func:`core.presentation.figure_data.forest_frame`).

    Every word is already in ``frame`` and ``text``; ``look`` only says how to draw.
    """
    lang, present, theme = look.lang, look.present, look.theme
    marks = _clean(frame[~frame["header"].astype(bool)], ("value", "low", "high", "n"))
    colors = palette(theme).interval
    largest = max([n for n in marks["n"] if n] or [1])
    fig = go.Figure()
    for key in INTERVAL_STYLES:
        members = marks[marks["style"] == key]
        if members.empty:
            continue
        xs, ys = _segments(members, *x_limits)
        if xs:
            fig.add_trace(_line(xs, ys, text[f"legend.{key}"], key, colors[key]))
        _forest_arrows(fig, members, key, colors[key], x_limits, text)
        _forest_points(fig, members, key, colors[key], x_limits, not xs, text[f"legend.{key}"], largest)
    top = frame["y"].iloc[0] + 0.9 if not frame.empty else 0
    _forest_text_column(fig, marks, top, colors, text["text_column"])
    _forest_reference(fig, text, present, theme)
    layout = base_layout(
        lang, present, max(320, 70 + _row_pitch(frame, present) * len(frame)) + (60 if present else 0), theme
    )
    layout["margin"] = dict(l=10, r=300 if present else 250, t=50, b=120)
    fig.update_layout(**layout)
    lo_limit, hi_limit = x_limits
    fig.update_xaxes(
        type="log",
        range=[math.log10(lo_limit), math.log10(hi_limit)],
        title_text=text["x_title"],
        zeroline=False,
        showgrid=True,
        gridcolor=palette(theme).grid,
        tickvals=[v for v in (0.05, 0.1, 0.2, 0.5, 1, 2, 4) if lo_limit <= v <= hi_limit],
    )
    fig.update_yaxes(
        tickvals=list(frame["y"]),
        ticktext=list(frame["label"]),
        showgrid=False,
        zeroline=False,
        range=[(frame["y"].iloc[-1] - 1) if not frame.empty else -1, 1.2],
        automargin=True,
    )
    _footer(fig, look.footer, present, theme)
    _title(fig, look.title, present)
    return fig


def forest_figure(
    rows: pd.DataFrame,
    lang: str = "en",
    group_by: str = "cancer",
    present: bool = False,
    x_limits: tuple[float, float] = (0.03, 4.0),
    footer: str = "",
    theme: str = "light",
    kind: str = "arms",
    title: str = "",
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
    kind : {"arms", "other"}
        ``arms``: experimental-vs-control rows, with "favours" labels under the axis;
        ``other`` (:func:`core.presentation.figure_data.split_comparisons`): comparisons
        that favour neither arm, drawn without them.
    title : str
        The figure's title (:func:`core.presentation.citations.figure_title`).

    The figure's text alternative, written from the same frame, is in ``layout.meta``
    (:func:`text_alternative`).
    """
    frame = figure_data.forest_frame(rows, lang, group_by)
    text = figure_data.forest_text(lang, kind)
    fig = draw_forest(frame, text, Look(lang, present, footer, theme, title), x_limits)
    _describe(fig, figure_data.forest_summary(frame, lang), footer)
    return fig


# --- survival comparison -----------------------------------------------------------------------


def _mark_trace(marks: pd.DataFrame, x: list, name: str, marker: dict, textposition: str = "") -> go.Scatter:
    """One marker per row of ``marks`` at ``x``, hovering its text; with ``textposition``,
    each row's ``mark`` (such as "NR") is written beside its marker."""
    trace = go.Scatter(
        x=x, y=list(marks["y"]), mode="markers", name=name, marker=marker, hovertext=list(marks["hover"])
    )
    trace.hoverinfo = "text"
    if textposition:
        trace.update(mode="markers+text", text=list(marks["mark"]), textposition=textposition)
    return trace


def _median_markers(fig: go.Figure, marks: pd.DataFrame, x_max: float, text: FigureText, theme: str) -> None:
    unbounded = marks[marks["kind"] == "unbounded"]
    if not unbounded.empty:
        fig.add_trace(
            _mark_trace(
                unbounded,
                [x_max * 0.97] * len(unbounded),
                text["legend.not_reached"],
                dict(symbol="triangle-right-open", size=14, color="#009E73"),
            )
        )
    ranges = marks[marks["kind"] == "range"]
    if not ranges.empty:
        xs, ys = [], []
        for x, high, y in zip(ranges["x"], ranges["x_high"], ranges["y"]):
            xs += [x, high, None]
            ys += [y, y, None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=text["legend.range"],
                line=dict(color="rgba(204,121,167,0.45)", width=14),
                hoverinfo="skip",
            )
        )
    points = marks[marks["kind"].isin(("point", "range"))]
    if not points.empty:
        fig.add_trace(
            _mark_trace(
                points,
                list(points["x"]),
                text["legend.median"],
                dict(symbol="square", size=13, color=palette(theme).neutral),
            )
        )


def _lower_bounds(fig: go.Figure, marks: pd.DataFrame, x_max: float, text: FigureText) -> None:
    """A lower bound (NR with a printed lower CI bound, or ">x"): a marker and an arrow right."""
    bounds = marks[marks["kind"] == "bound"]
    if bounds.empty:
        return
    fig.add_trace(
        _mark_trace(
            bounds,
            list(bounds["x"]),
            text["legend.lower_bound"],
            dict(symbol="triangle-right", size=15, color="#009E73"),
        )
    )
    for x, y in zip(bounds["x"], bounds["y"]):
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


def _median_values(fig: go.Figure, marks: pd.DataFrame, x_max: float, present: bool, theme: str) -> None:
    """Each row's median and interval (``value_text``: "9.1 months (95% CI 7.4–10.9)", "not
    reached (95% CI 64.3–NR)") written just above its marker: right of it in the left part of
    the axis, left of it near the right edge, so no label runs off the figure."""
    shown = marks[[bool(v) for v in marks["value_text"]]] if "value_text" in marks.columns else marks[:0]
    if shown.empty:
        return
    xs = [x if x is not None else x_max * 0.97 for x in shown["x"]]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[y + 0.36 for y in shown["y"]],  # above the marker, below the row above
            mode="text",
            text=list(shown["value_text"]),
            textposition=["middle right" if x < x_max * 0.55 else "middle left" for x in xs],
            textfont=dict(size=14 if present else 11),
            hoverinfo="skip",
            showlegend=False,
            name="values",
            cliponaxis=False,
        )
    )


def draw_survival_medians(frame: pd.DataFrame, text: FigureText, look: Look = Look()) -> go.Figure:
    """Draw a prepared medians frame (:func:`core.presentation.figure_data.medians_frame`):
    intervals, markers, and the median with its interval printed beside each marker."""
    lang, present, theme = look.lang, look.present, look.theme
    marks = _clean(frame, ("low", "high", "x", "x_high"))
    finite = [v for column in ("x", "high", "x_high", "low") for v in marks[column] if v]
    x_max = max(finite + [12]) * 1.15
    colors = palette(theme).interval
    fig = go.Figure()
    for key in INTERVAL_STYLES:
        xs, ys = _segments(marks[marks["style"] == key], 0, x_max)
        if xs:
            fig.add_trace(_line(xs, ys, text[f"legend.{key}"], key, colors[key]))
    _median_markers(fig, marks, x_max, text, theme)
    _lower_bounds(fig, marks, x_max, text)
    _median_values(fig, marks, x_max, present, theme)
    row_height = 46 if present else 40  # room for the value label above each marker
    layout = base_layout(lang, present, max(320, 110 + row_height * len(marks)), theme)
    layout["margin"] = dict(l=10, r=20, t=70, b=120)
    layout["legend"] = dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0)
    fig.update_layout(**layout)
    fig.update_xaxes(
        range=[0, x_max], title_text=text["x_months"], rangemode="tozero", gridcolor=palette(theme).grid
    )
    fig.update_yaxes(
        tickvals=list(marks["y"]),
        ticktext=list(marks["label"]),
        automargin=True,
        showgrid=False,
        range=[0.3, len(marks) + 0.8],
    )
    _footer(fig, look.footer, present, theme)
    _title(fig, look.title or text["medians_title"], present)
    return fig


def _error_bars(series: pd.DataFrame) -> dict | None:
    if all(v is None for v in [*series["low"], *series["high"]]):
        return None
    return dict(
        type="data",
        symmetric=False,
        array=[
            (h - y) if h is not None and y is not None else 0 for h, y in zip(series["high"], series["y"])
        ],
        arrayminus=[
            (y - lo) if lo is not None and y is not None else 0 for lo, y in zip(series["low"], series["y"])
        ],
        thickness=1.5,
    )


def draw_survival_landmarks(frame: pd.DataFrame, text: FigureText, look: Look = Look()) -> go.Figure:
    """Draw a prepared landmarks frame (:func:`core.presentation.figure_data.landmarks_frame`):
    one line per series, joining only that series' own points; control arms dashed."""
    lang, present, theme = look.lang, look.present, look.theme
    marks = _clean(frame, ("x", "y", "low", "high"))
    fig = go.Figure()
    for index, series in marks.groupby("series", sort=True):
        control = bool(series["control"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=list(series["x"]),
                y=list(series["y"]),
                mode="lines+markers",
                name=series["name"].iloc[0],
                error_y=_error_bars(series),
                line=dict(
                    color=SERIES_COLOURS[int(index) % len(SERIES_COLOURS)],
                    dash="dash" if control else "solid",
                    width=2.5,
                ),
                marker=dict(size=11, symbol="circle-open" if control else "circle"),
                hovertext=list(series["hover"]),
                hoverinfo="text",
            )
        )
    layout = base_layout(lang, present, 460 if not present else 620, theme)
    layout["legend"] = dict(orientation="v", x=1.02, y=1, xanchor="left")
    layout["margin"] = dict(l=10, r=10, t=30, b=120)
    fig.update_layout(**layout)
    fig.update_xaxes(title_text=text["x_years"], dtick=1, rangemode="tozero", gridcolor=palette(theme).grid)
    fig.update_yaxes(
        title_text=text["y_rate"], range=[0, 105], gridcolor=palette(theme).grid, automargin=True
    )
    _footer(fig, look.footer, present, theme)
    _title(fig, look.title or text["landmarks_title"], present)
    return fig


def _survival_builder(
    prepare: Callable, draw: Callable, describe: Callable, name: str, doc: str
) -> Callable[..., go.Figure]:
    """A survival chart's public builder: prepare the frame from value rows, draw it, and
    attach the text alternative written from the same frame (``layout.meta``)."""

    def build(
        rows: pd.DataFrame,
        endpoint: str,
        lang: str = "en",
        present: bool = False,
        footer: str = "",
        theme: str = "light",
        title: str = "",
    ) -> go.Figure:
        frame = prepare(rows, lang)
        look = Look(lang, present, footer, theme, title)
        fig = draw(frame, figure_data.survival_text(lang, endpoint), look)
        _describe(fig, describe(frame, lang), footer)
        return fig

    build.__name__ = build.__qualname__ = name
    build.__doc__ = doc
    return build


survival_medians_figure = _survival_builder(
    figure_data.medians_frame,
    draw_survival_medians,
    figure_data.medians_summary,
    "survival_medians_figure",
    """Medians per trial and arm, with their intervals; "not reached" and ">x" drawn as lower bounds.

    A lower bound is an open marker with an arrow to the right; a range across studies is a
    thick translucent bar; the interval style follows its CI level as in the forest plot.
    """,
)
survival_landmarks_figure = _survival_builder(
    figure_data.landmarks_frame,
    draw_survival_landmarks,
    figure_data.landmarks_summary,
    "survival_landmarks_figure",
    "Landmark rates over time, one series per trial arm (lines only join an arm's own points).",
)


citation_footer = figure_data.citation_footer
"""Kept here for the pages: the figure's citation line (:func:`figure_data.citation_footer`)."""

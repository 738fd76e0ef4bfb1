"""A figure as a file a presenter can paste into slides: PNG or SVG, with its title, the date
and its citation drawn into the image.

The picture is drawn server-side by Kaleido (plotly's exporter), which drives a headless
Chrome; here that is Debian's Chromium (``/usr/bin/chromium``), and no script is fetched from
the network (plotly.js comes with the plotly package, MathJax is off). The page asks
:func:`available` first and says so when no browser is installed.

The exported figure is always drawn light on white (a slide or a document is not in the
reader's dark theme), whatever theme the page shows.

May import: plotly, kaleido (lazily) and this package's ``figure_data``; never streamlit.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import plotly.graph_objects as go

from core.presentation.figure_data import esc

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
EXPORT_WIDTH = 1600
PNG_SCALE = 2
INK = "#1f1f1f"
STAMP_HEIGHT = 26


class ExportError(RuntimeError):
    """The figure could not be drawn to a file (no browser, or the browser failed)."""


def browser_path() -> str | None:
    """The Chrome that draws the files: ``BROWSER_PATH`` if set, else Debian's Chromium."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in BROWSERS:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium") or shutil.which("google-chrome")
    return found


def available() -> bool:
    """Whether a figure can be exported here (kaleido installed and a browser found)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return browser_path() is not None


def prepared(figure: dict | go.Figure, title: str, stamp: str, width: int = EXPORT_WIDTH) -> go.Figure:
    """The figure as it is exported: dark text on white, its title on top (the figure's own,
    else ``title``), and ``stamp`` (date and app) in the bottom-right corner.

    The citation is the figure's own footer (drawn by the figure builders) and stays as it is.
    """
    fig = go.Figure(figure)
    height = int(fig.layout.height or 500)
    margin = fig.layout.margin
    top, bottom = int(margin.t or 40), int(margin.b or 40)
    if not fig.layout.title.text and title:
        top += 50
        fig.update_layout(title=dict(text=f"<b>{esc(title)}</b>", x=0.01, xanchor="left", y=1, yanchor="top"))
        fig.update_layout(title_pad=dict(t=12))
        height += 50
    fig.update_layout(
        template="plotly_white",
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        font_color=INK,
        width=width,
        height=height + STAMP_HEIGHT,
        margin=dict(t=top, b=bottom + STAMP_HEIGHT),
    )
    fig.add_annotation(
        text=esc(stamp),
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        xanchor="right",
        yanchor="top",
        yshift=-(bottom + 2),
        showarrow=False,
        font=dict(size=12, color=INK),
    )
    return fig


def stamp_text(app_name: str, exported: str, day: dt.date) -> str:
    """ "Oncology Evidence Explorer · exported 2026-12-01" (words from the page's catalog)."""
    return f"{app_name} · {exported} {day.isoformat()}"


def export_figure(figure: dict | go.Figure, fmt: str, title: str, stamp: str) -> bytes:
    """The figure as PNG or SVG bytes, with its title, ``stamp`` and citation drawn in.

    Raises :class:`ExportError` when no browser is found or the drawing fails.
    """
    if fmt not in FORMATS:
        raise ValueError(f"figure export: format must be one of {sorted(FORMATS)}, not {fmt!r}")
    path = browser_path()
    if path is None:
        raise ExportError("figure export: no Chrome or Chromium found (install Debian's chromium)")
    import kaleido

    fig = prepared(figure, title, stamp)
    options = {"format": fmt, "width": fig.layout.width, "height": fig.layout.height}
    if fmt == "png":
        options["scale"] = PNG_SCALE
    try:
        data = kaleido.calc_fig_sync(fig, opts=options, kopts={"mathjax": False, "path": path})
    except Exception as exc:  # kaleido and choreographer raise many kinds; one message for the page
        raise ExportError(f"figure export failed: {exc}") from exc
    return data if isinstance(data, bytes) else str(data).encode("utf-8")

"""Figures fitted to one screen, and exported as files that carry title, date and citation."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from core import queries
from core.presentation import figure_data, figure_export, plots


def forest(con, **filters):
    rows = queries.forest_rows(con, **filters)
    return plots.forest_figure(rows, present=True, footer=figure_data.citation_footer(rows, "en"))


def test_a_tall_figure_is_fitted_to_the_screen_with_smaller_rows(con):
    tall = forest(con, latest_only=False)
    assert tall.layout.height > 1000  # every hazard ratio at every cut: taller than a screen
    fitted = plots.fit_height(tall, 860)
    assert fitted.layout.height <= 860
    assert fitted.layout.margin.b == tall.layout.margin.b  # the citation keeps its room
    assert fitted.layout.yaxis.tickfont.size < tall.layout.font.size
    row_notes = [a for a in fitted.layout.annotations if a.yref == "y"]
    assert row_notes and all(a.font.size == fitted.layout.yaxis.tickfont.size for a in row_notes[1:])
    sizes = [s for t in fitted.data if isinstance(t.marker.size, tuple) for s in t.marker.size]
    original = [s for t in tall.data if isinstance(t.marker.size, tuple) for s in t.marker.size]
    assert sizes and max(sizes) < max(original)  # the squares sized by patients shrink too
    assert tall.layout.height > 1000  # the page's figure is not changed in place


def test_a_figure_that_fits_is_left_as_it_is(con):
    small = forest(con, endpoints=("PFS",), cancer_types=("nsclc-alk",))
    assert small.layout.height <= 860
    assert plots.fit_height(small, 860) is small


def test_the_exported_figure_carries_title_date_and_citation(con):
    fig = forest(con, endpoints=("PFS",), cancer_types=("nsclc-alk",))
    stamp = figure_export.stamp_text("Oncology Evidence Explorer", "exported", dt.date(2026, 12, 1))
    prepared = figure_export.prepared(fig.to_plotly_json(), "Hazard ratios <PFS>", stamp)
    assert "Hazard ratios &lt;PFS&gt;" in prepared.layout.title.text  # escaped like all figure text
    texts = [a.text for a in prepared.layout.annotations]
    assert "Oncology Evidence Explorer · exported 2026-12-01" in texts
    assert any("Sources (trials shown: 3;" in t for t in texts)  # the figure's own citation
    assert prepared.layout.paper_bgcolor == "#ffffff" and prepared.layout.font.color == figure_export.INK
    assert prepared.layout.height == fig.layout.height + 50 + figure_export.STAMP_HEIGHT
    assert fig.layout.title.text is None  # the page's figure is untouched
    # The page hands the figure itself to the deferred download (the views keep it for every
    # reader): the same file, and the kept figure never changed.
    before = fig.to_json()
    assert figure_export.prepared(fig, "Hazard ratios <PFS>", stamp).to_json() == prepared.to_json()
    assert fig.to_json() == before


def test_an_own_title_is_kept():
    import plotly.graph_objects as go

    fig = go.Figure(layout=dict(title=dict(text="Median PFS by trial and arm"), height=400))
    prepared = figure_export.prepared(fig, "Survival comparison", "x")
    assert prepared.layout.title.text == "Median PFS by trial and arm"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        figure_export.export_figure({}, "gif", "t", "s")


@pytest.fixture
def chromium():
    if not figure_export.available():
        message = "figure export needs kaleido and Chromium (make test installs Debian's chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_svg_and_png_are_drawn_by_the_browser(con, chromium):
    fig = forest(con, endpoints=("PFS",), cancer_types=("nsclc-alk",))
    stamp = figure_export.stamp_text("Oncology Evidence Explorer", "exported", dt.date(2026, 12, 1))
    svg = figure_export.export_figure(fig.to_plotly_json(), "svg", "Hazard ratios across trials", stamp)
    text = svg.decode("utf-8")
    assert text.startswith("<svg")
    for expected in (
        "Hazard ratios across trials",
        "2026-12-01",
        "Sources (trials shown: 3;",
        "CROWN · PFS",
    ):
        assert expected in text, expected
    png = figure_export.export_figure(fig, "png", "Hazard ratios across trials", stamp)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == figure_export.EXPORT_WIDTH * figure_export.PNG_SCALE


def test_a_missing_browser_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chrome"))
    assert not figure_export.available()
    with pytest.raises(figure_export.ExportError, match="no Chrome or Chromium"):
        figure_export.export_figure({}, "svg", "t", "s")

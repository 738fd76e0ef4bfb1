"""Every figure reads in the light and in the dark theme, and names each legend entry once.

Figures are drawn with Streamlit's theme (text takes the page's colour, and follows a switch of
theme in the browser), so the figure itself fixes no text colour; every colour it does fix —
intervals, markers, series, the line of no effect — must contrast at least 3:1 with both of
Streamlit's page backgrounds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import plotly.graph_objects as go
import pytest

from core import derived, queries, schema
from core.presentation import derivations, figure_data, plots

MINIMUM_CONTRAST = 3.0
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def test_contrast_ratio_matches_the_wcag_definition():
    assert plots.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert plots.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert plots.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WCAG's grey
    # the colours this module no longer draws with fail against one of the backgrounds
    assert plots.contrast_ratio("#F0E442", plots.THEME_BACKGROUNDS["light"]) < MINIMUM_CONTRAST  # yellow
    assert plots.contrast_ratio("#000000", plots.THEME_BACKGROUNDS["dark"]) < MINIMUM_CONTRAST  # black


def _palette_colours() -> dict[str, str]:
    palette = plots.palette("light")
    colours = {f"interval {key}": colour for key, colour in palette.interval.items()}
    colours["neutral"] = palette.neutral
    colours.update({f"series {i}": colour for i, colour in enumerate(plots.SERIES_COLOURS)})
    return colours


@pytest.mark.parametrize("theme", sorted(plots.THEME_BACKGROUNDS))
def test_every_palette_colour_contrasts_with_the_page(theme):
    background = plots.THEME_BACKGROUNDS[theme]
    weak = {
        name: round(plots.contrast_ratio(colour, background), 2)
        for name, colour in _palette_colours().items()
        if plots.contrast_ratio(colour, background) < MINIMUM_CONTRAST
    }
    assert not weak, f"colours too faint on the {theme} page: {weak}"


def test_the_palette_is_the_same_in_both_themes():
    """A figure drawn while the page was light must still read after a switch to dark."""
    assert plots.palette("light") == plots.palette("dark")
    assert len(set(plots.SERIES_COLOURS)) == len(plots.SERIES_COLOURS)


# --- every figure the pages draw, on the real data -------------------------------------------------


def _figures(con) -> Iterator[tuple[str, go.Figure]]:
    for group in ("cancer", "endpoint"):
        for latest in (True, False):
            rows = queries.forest_rows(con, latest_only=latest)
            yield f"forest {group} latest={latest}", plots.forest_figure(rows, group_by=group, footer="x")
            at_95, _, _ = derivations.forest_at_95(rows)
            yield f"forest 95 {group} latest={latest}", plots.forest_figure(at_95, group_by=group)
    for endpoint in schema.SURVIVAL_ENDPOINTS:
        for latest in (True, False):
            rows = queries.survival_rows(con, endpoint, latest_only=latest)
            if rows.empty:
                continue
            for lang in ("en", "zh-Hant"):
                footer = figure_data.citation_footer(rows, lang)
                for name in ("medians", "landmarks"):
                    build = getattr(plots, f"survival_{name}_figure")
                    figure = build(rows, endpoint, lang=lang, footer=footer)
                    yield f"survival {name} {endpoint} latest={latest} {lang}", figure
    for trial in sorted(queries.all_trial_ids(con)):
        frame = derived.timeline(queries.trial_values(con, trial))
        if frame.empty:
            continue
        for (endpoint, measure), group in frame.groupby(["endpoint", "measure"], sort=False):
            yield f"timeline {trial} {endpoint} {measure}", derivations.timeline_figure(group, "en")


def _drawn_colours(figure: go.Figure) -> Iterator[str]:
    """Every fixed ``#rrggbb`` colour of a figure's marks and of its annotations' text."""
    for trace in figure.to_plotly_json()["data"]:
        for part in ("marker", "line"):
            colour = (trace.get(part) or {}).get("color")
            for value in colour if isinstance(colour, list) else [colour]:
                if isinstance(value, str):
                    yield value
    for annotation in figure.layout.annotations:
        for value in (annotation.font.color, annotation.arrowcolor):
            if isinstance(value, str):
                yield value
    for shape in figure.layout.shapes:
        if isinstance(shape.line.color, str):
            yield shape.line.color


@pytest.fixture(scope="module")
def figures(con) -> list[tuple[str, go.Figure]]:
    built = list(_figures(con))
    assert len(built) > 20  # forest, survival and timeline figures were all drawn
    return built


def test_no_figure_fixes_a_text_colour(figures):
    """Text colours come from the page's theme, so a theme switch recolours them."""
    for name, figure in figures:
        assert figure.layout.font.color is None, name
        assert figure.layout.xaxis.tickfont.color is None and figure.layout.yaxis.tickfont.color is None, name


def test_every_colour_drawn_reads_in_both_themes(figures):
    seen = set()
    for name, figure in figures:
        for colour in _drawn_colours(figure):
            if not HEX.match(colour):
                continue  # translucent fills (ranges, grids) carry no information alone
            seen.add(colour.lower())
            for theme, background in plots.THEME_BACKGROUNDS.items():
                ratio = plots.contrast_ratio(colour, background)
                assert ratio >= MINIMUM_CONTRAST, (name, colour, theme, round(ratio, 2))
    assert len(seen) >= 5  # the check saw the interval, marker and series colours


def test_no_legend_entry_is_repeated(figures):
    for name, figure in figures:
        shown = [
            trace["name"]
            for trace in figure.to_plotly_json()["data"]
            if trace.get("showlegend", True) is not False and trace.get("name")
        ]
        repeated = [entry for entry, count in Counter(shown).items() if count > 1]
        assert not repeated, (name, repeated)

"""Figures are checked for structure, not pixels."""

import math

from core import queries
from core.presentation import plots


def test_forest_has_log_axis_reference_line_and_level_styles(con):
    rows = queries.forest_rows(con)
    fig = plots.forest_figure(rows, lang="en")
    assert fig.layout.xaxis.type == "log"
    lines_at_one = [s for s in fig.layout.shapes if s.type == "line" and s.x0 == 1 and s.x1 == 1]
    assert len(lines_at_one) == 1 and lines_at_one[0].line.dash in (None, "solid")
    names = {trace.name for trace in fig.data}
    assert {"95% CI", "CI level not stated", "No CI reported"} <= names
    dashes = {trace.name: trace.line.dash for trace in fig.data if trace.mode == "lines"}
    assert dashes["95% CI"] == "solid" and dashes["CI level not stated"] == "dash"
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "HR (CI, level)" in texts and "favours experimental" in texts and "favours control" in texts
    assert "no CI" in texts  # TALENTOP TTF HR 0.60 has no interval


def forest_row(**fields):
    """One hazard-ratio row as ``queries.forest_rows`` gives it; ``fields`` override it."""
    base = {
        "trial": "a",
        "trial_name": "A",
        "trial_name_zh": "",
        "endpoint": "PFS",
        "cancer_type": "sclc",
        "population": "ITT",
        "value": 0.5,
        "ci_low": 0.3,
        "ci_high": 0.8,
        "ci_level": "95",
        "n_patients": 200,
        "source": "s",
        "snippet": "x",
        "analysis_label": "",
        "analysis_label_zh": "",
        "measure": "hr",
        "unit": "ratio",
        "qualifier": "=",
    }
    return {**base, **fields}


# markup in every text a forest plot shows: as a label and in the hover
HOSTILE_FOREST_ROW = forest_row(
    trial="x",
    trial_name="<script>alert(1)</script>",
    endpoint="OS",
    value=0.9,
    ci_low=0.5,
    ci_high=1.2,
    n_patients=10,
    snippet="<img onerror=x>",
)


def test_forest_draws_80_percent_intervals_differently():
    import pandas as pd

    rows = pd.DataFrame(
        [
            forest_row(),
            forest_row(trial="b", trial_name="B", ci_low=0.35, ci_high=0.7, ci_level="80", n_patients=30),
        ]
    )
    fig = plots.forest_figure(rows)
    by_name = {(t.name, t.mode): t for t in fig.data}
    assert by_name[("80% CI", "lines")].line.dash == "dot"
    assert by_name[("80% CI", "lines")].line.color != by_name[("95% CI", "lines")].line.color
    big = by_name[("95% CI", "markers")].marker.size[0]
    small = by_name[("80% CI", "markers")].marker.size[0]
    assert big > small  # squares sized by sample size


def test_forest_marks_clipped_intervals_with_arrows(con):
    rows = queries.forest_rows(con, trial_ids=["clever"])
    fig = plots.forest_figure(rows, x_limits=(0.03, 4))
    arrows = [t for t in fig.data if t.mode == "markers" and t.marker.symbol == "triangle-left"]
    assert arrows, "CLEVER's lower bound 0.01 runs off a 0.03 axis"


def test_forest_escapes_data_text():
    import pandas as pd

    rows = pd.DataFrame([HOSTILE_FOREST_ROW])
    fig = plots.forest_figure(rows)
    assert "<script>" not in " ".join(fig.layout.yaxis.ticktext)
    hover = " ".join(str(h) for t in fig.data for h in (t.hovertext or []))
    assert "<img" not in hover and "&lt;img" in hover


def test_survival_medians_draw_not_reached_as_lower_bounds(con):
    rows = queries.survival_rows(con, "PFS", cancer_types=["nsclc-alk"])
    fig = plots.survival_medians_figure(rows, "PFS")
    names = {trace.name for trace in fig.data}
    assert "Lower bound (NR or >x)" in names  # CROWN NR (7-year: 68.5–NR) and the review's ">60"
    bounds = next(t for t in fig.data if t.name == "Lower bound (NR or >x)")
    assert 60 in list(bounds.x) and 68.5 in list(bounds.x)
    every_cut = queries.survival_rows(con, "PFS", cancer_types=["nsclc-alk"], latest_only=False)
    bounds = next(
        t for t in plots.survival_medians_figure(every_cut, "PFS").data if t.name == "Lower bound (NR or >x)"
    )
    assert 64.3 in list(bounds.x)  # the 5-year cut
    assert fig.layout.xaxis.title.text == "Months"


def test_landmark_figure_has_one_trace_per_arm_series(con):
    rows = queries.survival_rows(con, "OS", cancer_types=["sclc"])
    fig = plots.survival_landmarks_figure(rows, "OS")
    lead = [t for t in fig.data if t.name.startswith("LEAD")]
    assert len(lead) == 1 and list(lead[0].x) == [1.0, 2.0]
    assert all(math.isclose(y, v) for y, v in zip(lead[0].y, [66.7, 50.0]))


def test_figures_declare_a_cjk_font_stack():
    import pandas as pd

    fig = plots.survival_landmarks_figure(pd.DataFrame(columns=["measure"]), "OS", lang="zh-Hant")
    assert "Noto Sans CJK TC" in fig.layout.font.family

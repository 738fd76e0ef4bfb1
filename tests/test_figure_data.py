"""The prepare step of the figures: validated, localised, escaped rows; the draw step only draws."""

import ast
from pathlib import Path

import pandas as pd
import pytest

from core import queries
from core.presentation import figure_data, plots
from tests.test_plots import HOSTILE_FOREST_ROW

PLOTS = Path(plots.__file__)


def test_missing_columns_are_named():
    rows = pd.DataFrame([{"trial_name": "A", "endpoint": "OS", "value": 0.5}])
    with pytest.raises(figure_data.FigureDataError, match="forest plot: missing column.*cancer_type.*ci_low"):
        figure_data.forest_frame(rows)
    with pytest.raises(figure_data.FigureDataError, match="survival medians"):
        figure_data.medians_frame(pd.DataFrame([{"measure": "median"}]))


def test_forest_frame_has_headers_labels_styles_and_text_without_hr(con):
    frame = figure_data.forest_frame(queries.forest_rows(con), "en", "endpoint")
    headers = frame[frame["header"]]
    assert headers.iloc[0]["label"].startswith("<b>") and len(headers) == frame["group"].nunique()
    marks = frame[~frame["header"]]
    assert set(marks["style"]) <= set(figure_data.INTERVAL_KEYS)
    assert not any(text.startswith("HR") for text in marks["text"])
    talentop = marks[marks["label"].str.startswith("TALENTOP") & (marks["style"] == "none")]
    assert talentop.iloc[0]["text"].endswith("<i>no CI</i>")
    assert list(frame["y"]) == sorted(frame["y"], reverse=True)  # top to bottom


def test_forest_frame_is_localised_before_drawing(con):
    frame = figure_data.forest_frame(queries.forest_rows(con), "zh-Hant", "cancer")
    assert "<b>軟組織肉瘤</b>" in set(frame["label"])
    assert any("來源" in hover for hover in frame["hover"].dropna())


def test_hover_and_labels_are_escaped():
    frame = figure_data.forest_frame(pd.DataFrame([HOSTILE_FOREST_ROW]))
    assert "<script>" not in " ".join(frame["label"]) and "&lt;script&gt;" in " ".join(frame["label"])
    assert "&lt;img" in frame.iloc[1]["hover"]


def test_medians_frame_kinds(con):
    rows = queries.survival_rows(con, "PFS", cancer_types=["nsclc-alk"], latest_only=False)
    frame = figure_data.medians_frame(rows, "en")
    assert {"point", "bound"} <= set(frame["kind"])
    bounds = frame[frame["kind"] == "bound"]
    assert "NR" in set(bounds["mark"]) and ">60" in set(bounds["mark"])


def test_landmarks_frame_series_are_sorted_by_time(con):
    frame = figure_data.landmarks_frame(queries.survival_rows(con, "OS", cancer_types=["sclc"]), "en")
    for _, series in frame.groupby("series"):
        assert list(series["x"]) == sorted(series["x"])
        assert series["name"].nunique() == 1


def test_drawing_module_does_not_localise_or_format():
    """plots.py draws prepared frames: it imports neither the catalogs nor the formatting."""
    tree = ast.parse(PLOTS.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module or ""}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    assert not any("i18n" in name or "formatting" in name for name in imported), imported


def test_draw_uses_the_prepared_words(con):
    frame = figure_data.forest_frame(queries.forest_rows(con), "en")
    text = {**figure_data.forest_text("en"), "legend.95": "NINETY-FIVE", "x_title": "AXIS"}
    fig = plots.draw_forest(frame, text)
    assert "NINETY-FIVE" in {trace.name for trace in fig.data}
    assert fig.layout.xaxis.title.text == "AXIS"


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_forest_rows_of_different_data_cuts_never_read_the_same(con, lang):
    """With every data cut shown, ALEX's and CROWN's several estimates each name their cut, and
    an interim analysis says so on its row."""
    rows = queries.forest_rows(con, latest_only=False)
    marks = figure_data.forest_frame(rows, lang)
    labels = list(marks.loc[~marks["header"], "label"])
    assert len(labels) == len(set(labels)), [label for label in labels if labels.count(label) > 1]
    interim = rows["analysis_kind"].eq("interim")
    assert interim.any()
    word = {"en": "Interim analysis", "zh-Hans": "期中分析", "zh-Hant": "期中分析"}[lang]
    assert sum(word in label for label in labels) == interim.sum()

"""The long CSV export: UTF-8 with BOM, formula-safe, one row per value, every value."""

import csv
import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hst

from core import queries
from core.__main__ import main
from core.presentation.export import (
    HEADER_OPTIONS,
    LONG_COLUMNS,
    header,
    header_clashes,
    header_keys,
    neutralise,
    page_values,
    to_csv_bytes,
    unneutralise,
    values_csv,
)
from core.schema import DERIVED_COLUMNS, EXPORT_COLUMNS, REQUIRED_COLUMNS, VALUE_COLUMNS


def test_cli_export_writes_every_value(tmp_path, evidence, capsys):
    target = tmp_path / "evidence.csv"
    assert main(["export", str(target)]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets show Chinese
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len([r for r in rows if r["evidence_kind"] != "derived"]) == len(evidence.values)
    # exactly the schema's columns, in its order: the list the import reads too
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    lead = [
        r
        for r in rows
        if r["trial"] == "lead"
        and r["endpoint"] == "PFS"
        and r["measure"] == "median"
        and r["analysis"] == "esmo-io-2025"
    ]
    assert lead and lead[0]["value"] == "8.3" and lead[0]["ci_level"] == "80"
    assert "80% CI 4.8" in lead[0]["snippet"]
    assert "wrote" in capsys.readouterr().out


def test_every_source_figure_is_exported(tmp_path):
    """Spot checks across all five articles: each headline figure is in the export."""
    target = tmp_path / "evidence.csv"
    main(["export", str(target)])
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    present = {(r["source"], r["value"]) for r in rows}
    for source, value in [
        ("000_2a0d5b2b1c3db25b", "8.57"),
        ("000_2a0d5b2b1c3db25b", "11.6"),
        ("000_2a0d5b2b1c3db25b", "272"),
        ("001_eddef5fca2ee7ab0", "63"),
        ("001_eddef5fca2ee7ab0", "19.4"),
        ("001_eddef5fca2ee7ab0", "21638"),
        ("002_f2f9ef212c690712", "91.7"),
        ("002_f2f9ef212c690712", "0.21"),
        ("003_fc2e1412136c694d", "20.4"),
        ("003_fc2e1412136c694d", "0.67"),
        ("003_fc2e1412136c694d", "21.7"),
        ("004_e230c91d0180c05b", "23.6"),
        ("004_e230c91d0180c05b", "96.7"),
        ("004_e230c91d0180c05b", "29.5"),
    ]:
        assert (source, value) in present, (source, value)


HOSTILE_CELLS = [
    '=HYPERLINK("http://x","click")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "-1|cmd",
    "+A1",
    "-SUM(A1:A2)",
    "@SUM(A1:A2)",
    "\tx",
    "\r=1+1",
    "-3 months (x)",  # a bracket after the number: not a plain signed number
    "'=1+1",  # already guarded by hand: guarded again, so the import gives it back exactly
]
BENIGN_CELLS = [
    "=",
    "-",
    "+",
    "-0.3",
    "+23.9",
    "+23.9 months",
    "-2.1 个月",
    "8.57",
    "1e-3",
    "not-reached",
    "NR",
]


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_a_cell_that_would_start_a_formula_is_guarded(cell):
    assert neutralise(cell) == "'" + cell
    assert unneutralise(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", BENIGN_CELLS)
def test_a_number_or_qualifier_is_never_guarded(cell):
    assert neutralise(cell) == cell
    assert unneutralise(cell) == cell


@given(hst.text(max_size=30))
def test_the_import_gives_back_every_text_the_export_writes(cell):
    assert unneutralise(neutralise(cell)) == cell


def test_formula_cells_are_neutralised_in_the_file():
    assert neutralise(3.5) == 3.5
    data = to_csv_bytes(pd.DataFrame({"=bad": ["=1+1", "软组织肉瘤", "="]})).decode("utf-8-sig")
    lines = data.splitlines()
    assert lines[0] == "'=bad" and lines[1] == "'=1+1" and lines[2] == "软组织肉瘤" and lines[3] == "="


def _cli_rows(tmp_path, *options):
    target = tmp_path / "evidence.csv"
    assert main(["export", str(target), *options]) == 0
    return list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))


def test_no_curated_cell_is_guarded_and_the_qualifier_reads_as_written(tmp_path):
    """The LEAD export read `'=` in 86 of 96 cells: a qualifier is not a formula."""
    rows = _cli_rows(tmp_path)
    guarded = [(r["value_id"], k, v) for r in rows for k, v in r.items() if v.startswith("'")]
    assert guarded == []
    lead = [r for r in rows if r["trial"] == "lead"]
    assert lead and {r["qualifier"] for r in lead} >= {"=", ">"}
    negative = [r["value"] for r in rows if r["value"].startswith("-")]
    assert negative and all(float(v) < 0 for v in negative)  # derived differences, as numbers


NUMERIC = ("timepoint", "value", "value_high", "ci_low", "ci_high", "ci_level", "n", "n_total")


def test_numeric_columns_hold_plain_numbers(tmp_path):
    target = tmp_path / "evidence.csv"
    assert main(["export", str(target)]) == 0
    frame = pd.read_csv(target, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for column in NUMERIC:
        cells = frame[column][frame[column] != ""]
        assert len(cells) > 0, column
        numbers = pd.to_numeric(cells, errors="coerce")
        assert numbers.notna().all(), (column, list(cells[numbers.isna()])[:5])
        if column in ("timepoint", "n", "n_total"):  # estimates keep their printed digits ("94.0")
            assert not cells.str.endswith(".0").any(), (column, list(cells)[:5])  # 12, not 12.0
    # a bound printed "NR" / "NE" and an unstated level have their own text columns
    open_bounds = frame[frame["ci_high_text"] != ""]
    assert set(open_bounds["ci_high_text"]) == {"NR", "NE"} and (open_bounds["ci_high"] == "").all()
    assert {"crown", "alex"} <= set(open_bounds["trial"])
    unknown = frame[frame["ci_level_text"] != ""]
    assert set(unknown["ci_level_text"]) == {"unknown"} and (unknown["ci_level"] == "").all()
    assert (unknown["ci_low"] != "").any()  # the bounds are there; only the level is not printed
    assert frame["unit"].ne("").all()


def test_headers_are_unique_and_never_read_as_another_column():
    assert header_clashes() == []
    for lang in HEADER_OPTIONS:
        headers = [header(key, lang) for key in LONG_COLUMNS]
        assert len(set(headers)) == len(headers), lang
        assert header_keys(headers) == list(LONG_COLUMNS), lang
    assert header("ci_level", "zh-Hant") == "信賴水準（%）"
    # a header typed by hand: other case, half-width brackets, extra spaces
    assert header_keys(["ci level (%)", "置信水平(%)", " Trial  id "]) == ["ci_level", "ci_level", "trial"]


def test_forest_csv_has_estimate_bounds_level_and_unit_apart(con):
    rows = queries.forest_rows(con, endpoints=["PFS"])
    long = queries.export_frame(con, tuple(rows["trial"].unique()))
    frame = page_values(long, rows, "zh-Hans")
    assert list(frame["value_id"]) == list(rows["id"]) and list(frame["trial"]) == list(rows["trial"])
    assert (frame["unit"] == "ratio").all()
    for column in ("value", "ci_low", "ci_high", "ci_level"):
        assert pd.to_numeric(frame[column].replace("", None)).notna().sum() > 0, column
    crown = frame[(frame["trial"] == "crown")].iloc[0]
    assert crown["value"] in crown["shown_value"]  # the page's words beside the numbers
    assert frame["patients"].notna().all()
    text = values_csv(frame, "zh-Hans").decode("utf-8-sig").splitlines()[0]
    assert text.startswith("试验编号,") and "置信区间下限" in text and "页面所示数值" in text


def test_validate_summary_counts(capsys, sources_dir):
    assert main(["validate", "--sources", str(sources_dir)]) == 0
    out = capsys.readouterr().out
    assert "trials" in out and "values" in out


def test_the_export_view_selects_the_schema_columns_in_order(con):
    """core/sql/export.sql and core.schema.CSV_COLUMNS are the same list."""
    view = list(con.execute("SELECT * FROM v_export LIMIT 0").df().columns)
    assert view == list(VALUE_COLUMNS)
    assert list(queries.export_frame(con, ["lead"]).columns) == list(VALUE_COLUMNS)
    # the derived rows' own columns come last
    assert EXPORT_COLUMNS == VALUE_COLUMNS + DERIVED_COLUMNS


def test_every_required_column_is_filled_in_the_export(con):
    frame = queries.export_frame(con)
    for column in REQUIRED_COLUMNS:
        if column == "value":  # "not reached" has no value, by design
            continue
        empty = frame[frame[column].isna() | (frame[column].astype(str) == "")]
        assert empty.empty, f"{column} empty in {list(empty['value_id'])[:5]}"


def test_cli_export_marks_every_derived_value(tmp_path, evidence):
    target = tmp_path / "evidence.csv"
    assert main(["export", str(target)]) == 0
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    derived_rows = [r for r in rows if r["evidence_kind"] == "derived"]
    assert derived_rows
    ids = {f"{v.trial}:{v.id}" for v in evidence.values}
    for row in derived_rows:
        assert "derived" in row["flags"].split(";")
        assert row["formula"] and row["method"] and row["value"]
        inputs = row["inputs"].split(";")
        assert inputs and set(inputs) <= ids, row  # every input is a printed, curated value
        assert row["source"] == "" and row["snippet"] == ""
    printed = [r for r in rows if r["evidence_kind"] != "derived"]
    assert all(r["formula"] == "" and r["inputs"] == "" for r in printed)
    crown = [r for r in derived_rows if r["inputs"] == "crown:jco-5y-pfs;crown:jco-5y-pfs-crizotinib"]
    assert {r["measure"]: (r["value"], r["ci_low"], r["ci_high"]) for r in crown} == {
        "rate-difference": ("52", "41.88", "62.12"),
        "nnt": ("1.92", "1.61", "2.39"),
    }

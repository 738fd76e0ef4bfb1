"""The long CSV export: UTF-8 with BOM, formula-safe, one row per value, every value."""

import csv
import io

import pandas as pd

from core import queries
from core.__main__ import main
from core.presentation.export import neutralise, to_csv_bytes
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


def test_formula_cells_are_neutralised():
    for cell in ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tx"]:
        assert neutralise(cell).startswith("'")
    assert neutralise("8.57") == "8.57" and neutralise(3.5) == 3.5
    data = to_csv_bytes(pd.DataFrame({"=bad": ["=1+1", "软组织肉瘤"]})).decode("utf-8-sig")
    assert data.splitlines()[0] == "'=bad" and "'=1+1" in data and "软组织肉瘤" in data


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

"""The compiled store: built once per content hash, opened read-only and locked down."""

import shutil
from pathlib import Path

import duckdb
import pytest

from core import db
from core.records import DEFAULT_DATA_DIR


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


def test_compiled_database_is_reused_until_a_record_changes(data_copy, tmp_path):
    cache = tmp_path / "cache"
    first = db.compiled_database(data_copy, cache)
    assert first.exists()
    mtime = first.stat().st_mtime_ns
    assert db.compiled_database(data_copy, cache) == first
    assert first.stat().st_mtime_ns == mtime  # not rebuilt
    trial = data_copy / "trials" / "lead.toml"
    trial.write_text(trial.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    second = db.compiled_database(data_copy, cache)
    assert second != first and second.exists()


def test_readonly_connection_refuses_writes_files_and_reconfiguration(data_copy, tmp_path):
    con = db.connect_readonly(db.compiled_database(data_copy, tmp_path / "cache"))
    try:
        assert con.execute("SELECT count(*) FROM trials").fetchone()[0] > 0
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM trials")
        assert_no_files_and_locked(con)
    finally:
        con.close()


def assert_no_files_and_locked(con) -> None:
    """SQL can read no file, and the setting that would allow it cannot be switched back on."""
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(duckdb.Error):
        con.execute("SET enable_external_access = true")


def test_database_holds_every_loaded_record(evidence, con):
    counts = con.execute(
        "SELECT (SELECT count(*) FROM trials), (SELECT count(*) FROM vals), (SELECT count(*) FROM sources)"
    ).fetchone()
    assert counts == (len(evidence.trials), len(evidence.values), len(evidence.sources))


def test_printed_precision_is_kept(con):
    # 004 prints "40.0%"; TOML keeps only the float 40.
    value_text = con.execute(
        "SELECT value_text FROM value_rows WHERE trial = 'lead' AND measure = 'landmark' AND value = 40"
    ).fetchone()[0]
    assert value_text == "40.0"


def test_latest_flag_picks_the_most_recent_cut_per_estimate(con):
    rows = con.execute(
        """SELECT analysis, value, is_latest FROM value_rows
           WHERE trial = 'crown' AND measure = 'hr' AND endpoint = 'PFS' AND population = 'ITT'
           ORDER BY analysis_sequence"""
    ).fetchall()
    assert len(rows) >= 2
    assert [r[2] for r in rows].count(True) == 1
    assert rows[-1][2] is True  # the 7-year update is listed last


def test_a_session_with_uploads_is_locked_down_and_sees_both(data_copy, tmp_path, evidence):
    from core import queries
    from core.importer import read_upload
    from core.presentation.export import to_csv_bytes

    compiled = db.compiled_database(data_copy, tmp_path / "cache")
    curated = db.connect_readonly(compiled)
    lead = to_csv_bytes(queries.export_frame(curated, ["lead"])).replace(b"lead,LEAD", b"lead-copy,LEAD-COPY")
    curated.close()
    upload = read_upload("copy.csv", lead.replace(b"\nlead,", b"\nlead-copy,"), evidence.sources)
    assert upload.problems == [] and [t.id for t in upload.evidence.trials] == ["lead-copy"]
    con = db.connect_with_upload(compiled, upload.evidence)
    try:
        frame, total = queries.trials_page(con, limit=None)
        assert total == len(evidence.trials) + 1
        assert dict(zip(frame["id"], frame["origin"]))["lead-copy"] == "user"
        assert set(queries.forest_rows(con)["origin"]) == {"curated"}  # LEAD has no hazard ratio
        # unfiltered facet counts: computed over both (the curated file's table counts its own)
        assert not queries._has_facet_totals(con)
        cancers = queries.all_facet_counts(con, queries.TrialFilter(), ["cancer"])["cancer"]
        curated_cancers = queries.all_facet_counts(
            db.connect_readonly(compiled), queries.TrialFilter(), ["cancer"]
        )
        both = dict(zip(cancers["value"], cancers["trials"]))
        alone = dict(zip(curated_cancers["cancer"]["value"], curated_cancers["cancer"]["trials"]))
        assert sum(both.values()) == sum(alone.values()) + 1  # LEAD-COPY's cancer type
        assert [key for key in both if both[key] != alone.get(key, 0)] == [
            next(t.cancer_type for t in evidence.trials if t.id == "lead")
        ]
        assert_no_files_and_locked(con)
    finally:
        con.close()


# --- what the content hash covers --------------------------------------------------------------


@pytest.fixture
def core_copy(tmp_path):
    """A copy of the core package, to edit without touching the real one."""
    target = tmp_path / "core"
    shutil.copytree(Path(db.__file__).parent, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _names(files, root):
    return {path.relative_to(root).as_posix() for path in files}


def test_hash_covers_the_modules_that_build_the_database_and_no_others():
    root = Path(db.__file__).parent
    covered = _names(db.build_code_files(), root)
    # db.py and what it imports to build: the schema, the loader, the text folding, the SQL
    assert {"db.py", "records.py", "schema.py", "text.py", "facets.py"} <= covered
    assert {f"sql/{path.name}" for path in (root / "sql").glob("*.sql")} <= covered
    # nothing the app only reads or shows
    for name in ("queries.py", "__main__.py", "presentation/plots.py", "presentation/card.py"):
        assert name not in covered


def test_editing_a_figure_keeps_the_hash_editing_the_schema_changes_it(core_copy):
    before = db.content_hash(DEFAULT_DATA_DIR, db.build_code_files(core_copy))
    plots = core_copy / "presentation" / "plots.py"
    plots.write_text(plots.read_text(encoding="utf-8") + "\n# a new colour\n", encoding="utf-8")
    queries_py = core_copy / "queries.py"
    queries_py.write_text(queries_py.read_text(encoding="utf-8") + "\n# a new query\n", encoding="utf-8")
    assert db.content_hash(DEFAULT_DATA_DIR, db.build_code_files(core_copy)) == before
    schema_py = core_copy / "schema.py"
    schema_py.write_text(schema_py.read_text(encoding="utf-8") + "\n# a new vocabulary\n", encoding="utf-8")
    assert db.content_hash(DEFAULT_DATA_DIR, db.build_code_files(core_copy)) != before


def test_a_module_the_builder_starts_to_import_is_covered_from_then_on(core_copy):
    helper = core_copy / "presentation" / "formatting.py"
    assert helper not in db.build_code_files(core_copy)
    records_py = core_copy / "records.py"
    source = records_py.read_text(encoding="utf-8")
    records_py.write_text(
        source + "\n\ndef later():\n    from core.presentation import formatting\n", encoding="utf-8"
    )
    assert helper in db.build_code_files(core_copy)


# --- faults --------------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["overwrite-middle", "truncate", "garbage"])
def test_a_damaged_compiled_database_is_detected_on_open_and_rebuilt(data_copy, tmp_path, damage):
    cache = tmp_path / "cache"
    path = db.compiled_database(data_copy, cache)
    content = path.read_bytes()
    if damage == "overwrite-middle":
        middle = len(content) // 2
        path.write_bytes(content[:middle] + b"\xff" * 4096 + content[middle + 4096 :])
    elif damage == "truncate":
        path.write_bytes(content[: len(content) // 3])
    else:
        path.write_bytes(b"not a database at all")
    assert not db.verify(path)
    again = db.compiled_database(data_copy, cache)
    assert again == path and db.verify(again)
    con = db.connect_readonly(again)
    try:
        assert con.execute("SELECT count(*) FROM trials").fetchone()[0] == 23
    finally:
        con.close()


def test_an_unfinished_build_is_not_served(data_copy, tmp_path):
    """A file without the table a build writes last (and without its checksum) is rebuilt."""
    cache = tmp_path / "cache"
    path = db.compiled_database(data_copy, cache)
    con = duckdb.connect(str(path))
    con.execute(f"DROP TABLE {db.COMPLETE_TABLE}")
    con.close()
    assert not db.verify(path)
    db.compiled_database(data_copy, cache)
    assert db.verify(path)


def test_an_unwritable_build_folder_gives_a_clear_error(data_copy, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the build folder should be")
    with pytest.raises(db.BuildError, match="cannot write the compiled database"):
        db.compiled_database(data_copy, blocker / "cache")


def run_cli(*args: str, env: dict | None = None):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_core_build_in_an_unwritable_folder_says_so_without_a_traceback(data_copy, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = run_cli("--data", str(data_copy), "build", env={db.CACHE_ENV: str(blocker / "cache")})
    assert result.returncode == 1
    assert "cannot write the compiled database" in result.stderr and "EVIDENCE_CACHE" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.skipif(
    not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0, reason="root"
)
def test_core_build_in_a_read_only_folder_says_so(data_copy, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        result = run_cli("--data", str(data_copy), "build", env={db.CACHE_ENV: str(cache)})
    finally:
        cache.chmod(0o755)
    assert result.returncode == 1 and "cannot write" in result.stderr and "Traceback" not in result.stderr


NESTED = "id = " + "[" * 20_000 + "]" * 20_000 + "\n"


def test_one_deeply_nested_record_file_does_not_stop_the_rest(data_copy, tmp_path):
    (data_copy / "trials" / "zz-nested.toml").write_text(NESTED, encoding="utf-8")
    path = db.compiled_database(data_copy, tmp_path / "cache")
    con = db.connect_readonly(path)
    try:
        assert con.execute("SELECT count(*) FROM trials").fetchone()[0] == 23
        problems = con.execute("SELECT file, reason FROM problems").fetchall()
    finally:
        con.close()
    assert any(file.endswith("zz-nested.toml") and "nested" in reason for file, reason in problems)
    for command in (["validate"], ["export", str(tmp_path / "out.csv")], ["build"]):
        result = run_cli("--data", str(data_copy), *command, env={db.CACHE_ENV: str(tmp_path / "cli-cache")})
        assert "Traceback" not in result.stderr, command
        assert "zz-nested.toml" in result.stdout + result.stderr or command == ["build"]
    assert (tmp_path / "out.csv").stat().st_size > 10_000


def test_core_check_without_source_texts_says_snippets_were_not_checked(tmp_path):
    from tests.hostile.corpus import GOOD_HR, to_csv

    upload = tmp_path / "mine.csv"  # cites a curated source with a snippet that is not in it
    upload.write_bytes(
        to_csv([dict(GOOD_HR, source="001_eddef5fca2ee7ab0", snippet="HR 0.60 (95% CI 0.45-0.80) invented")])
    )
    result = run_cli("check", str(upload), env={"EVIDENCE_SOURCES": str(tmp_path / "missing")})
    assert result.returncode == 0 and "were not checked" in result.stdout + result.stderr

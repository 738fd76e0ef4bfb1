"""Import takes back what export gives: every CSV of values the app offers, in every header
language, imports as it is — a curated trial's rows as the user's version of that trial,
beside the curated one — and the values that come back are the values that went out.

The frames are built by the same core calls the pages make (``pages/*.py`` only pick the
trials and the language); the browser test downloads them from the pages themselves.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from core import db, derived, queries
from core.__main__ import main
from core.importer import curated_id_of, read_upload, read_uploads, user_version_id
from core.presentation import export, tables
from core.presentation.problems import problems_frame

LANGS = ("en", "zh-Hans", "zh-Hant", "keys")


@pytest.fixture(scope="module")
def curated(evidence):
    return {trial.id for trial in evidence.trials}


def _forest(con, lang):
    rows = queries.forest_rows(con, endpoints=["PFS", "OS"], latest_only=False)
    return export.page_values(queries.export_frame(con, tuple(rows["trial"].unique())), rows, lang)


def _survival(con, lang):
    rows = queries.survival_rows(con, "PFS", latest_only=False)
    return export.page_values(queries.export_frame(con, tuple(rows["trial"].unique())), rows, lang)


def _trial_shown(con, lang):
    long = derived.export_frame(con, ["crown"])
    return export.page_values(long, queries.trial_values(con, "crown"), lang)


EXPORTS = {
    # the Trials page's "Download their values" (every trial, no filter)
    "trials-values": lambda con, lang: derived.export_frame(con),
    # a trial page's long CSV (CROWN: NR bounds, discrepancies, derived values)
    "trial-values": lambda con, lang: derived.export_frame(con, ["crown"]),
    "trial-values-as-shown": _trial_shown,
    "forest": _forest,
    "survival": _survival,
    # the Import page's template
    "import-template": lambda con, lang: queries.export_frame(con, ["lead"]),
}


def _printed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["evidence_kind"] != "derived"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_values_export_imports_as_it_is(name, lang, con, evidence, curated):
    frame = EXPORTS[name](con, lang)
    data = export.values_csv(frame, lang)
    result = read_upload(f"{name}.csv", data, evidence.sources, None, curated)
    assert result.problems == [], problems_frame(result.problems, "en").to_string()
    printed = _printed(frame)
    assert len(result.evidence.values) == len(printed) > 0
    # every trial was curated: each came in as the user's version of it, under its own id
    assert result.user_versions == {t: user_version_id(t, set()) for t in printed["trial"].unique()}
    assert {trial.origin for trial in result.evidence.trials} == {"user"}
    # what came back is what went out: the same values in the same columns
    again = db.connect_memory(result.evidence)
    try:
        back = queries.export_frame(again)
    finally:
        again.close()
    back["trial"] = back["trial"].map(curated_id_of)
    columns = [c for c in export.schema.VALUE_COLUMNS if c not in ("discrepancies",)]
    key = ["trial", "value_id"]
    expected = printed[columns].sort_values(key).reset_index(drop=True).astype(str)
    assert back[columns].sort_values(key).reset_index(drop=True).astype(str).equals(expected)


@pytest.mark.parametrize("lang", LANGS)
def test_a_full_export_comes_back_with_its_discrepancy_links(lang, con, evidence, curated):
    data = export.values_csv(derived.export_frame(con), lang)
    result = read_upload("all.csv", data, evidence.sources, None, curated)
    assert result.problems == []
    assert len(result.evidence.discrepancies) == len(evidence.discrepancies)
    # the links point at the user's versions, never at the curated values
    refs = {ref.split(":")[0] for item in result.evidence.discrepancies for ref in item.values}
    assert refs and all(curated_id_of(trial) in curated for trial in refs)
    assert all(item.id.endswith(".user") for item in result.evidence.discrepancies)


def test_the_users_version_sits_beside_the_curated_trial(tmp_path, evidence, curated):
    template = tmp_path / "template.csv"
    con = db.connect_memory(evidence)
    try:
        template.write_bytes(export.values_csv(queries.export_frame(con, ["lead"]), "zh-Hans"))
    finally:
        con.close()
    result = read_upload("template.csv", template.read_bytes(), evidence.sources, None, curated)
    assert result.user_versions == {"lead": "lead.user"}
    (mine,) = result.evidence.trials
    assert (mine.id, mine.name, mine.origin) == ("lead.user", "LEAD", "user")
    compiled = db.compiled_database(db.DEFAULT_DATA_DIR)
    both = db.connect_with_upload(compiled, result.evidence)
    try:
        trials = queries.all_trial_ids(both)
        assert {"lead", "lead.user"} <= set(trials)
        curated_values = queries.trial_values(both, "lead")
        own_values = queries.trial_values(both, "lead.user")
        assert len(curated_values) == len(own_values) > 0
        assert set(curated_values["origin"]) == {"curated"} and set(own_values["origin"]) == {"user"}
        # the export of both keeps each value's discrepancy links once (no id shared with curated)
        exported = queries.export_frame(both, ["lead", "lead.user"])
        curated_links = exported[exported["trial"] == "lead"]["discrepancies"]
        assert not curated_links.str.contains(".user", regex=False).any()
        assert all(len(set(cell.split(";"))) == len(cell.split(";")) for cell in curated_links if cell)
    finally:
        both.close()


def test_the_same_curated_trial_twice_in_one_import_is_refused_the_second_time(evidence, curated, con):
    data = export.values_csv(queries.export_frame(con, ["lead"]), "en")
    result = read_uploads([("one.csv", data), ("two.csv", data)], evidence.sources, None, curated)
    assert result.user_versions == {"lead": "lead.user"}
    assert [trial.id for trial in result.evidence.trials] == ["lead.user"]
    assert {(p.file, p.code) for p in result.problems} == {("two.csv", "duplicate_trial_upload")}


def test_a_users_id_that_looks_like_a_user_version_is_not_overwritten(evidence, curated, con):
    long = queries.export_frame(con, ["lead"])
    mine = long.assign(trial="lead.user")
    data = export.values_csv(pd.concat([long, mine]), "keys")
    result = read_upload("both.csv", data, evidence.sources, None, curated)
    assert result.problems == []
    assert result.user_versions == {"lead": "lead.user-2"}
    assert {t.id for t in result.evidence.trials} == {"lead.user", "lead.user-2"}


def test_user_version_ids():
    assert user_version_id("lead", set()) == "lead.user"
    assert user_version_id("lead", {"lead.user", "lead.user-2"}) == "lead.user-3"
    assert len(user_version_id("x" * 64, set())) <= 64
    assert curated_id_of("lead.user") == "lead" and curated_id_of("lead.user-3") == "lead"
    assert curated_id_of("lead") is None and curated_id_of("my.username") is None


def test_one_bad_value_is_one_problem_not_a_second_discrepancy_error(evidence, curated, con):
    long = queries.export_frame(con, ["lead"])
    linked = long[long["discrepancies"].str.contains("agreement")].index[0]
    long.loc[linked, "value"] = "eight"
    result = read_upload("bad.csv", export.values_csv(long, "zh-Hans"), evidence.sources, None, curated)
    (problem,) = result.problems
    assert problem.code == "not_number" and problem.line == linked + 2  # header = line 1
    # the column is named as the file's header does, and by its key
    assert problem.field == "估计值 (value)"
    assert len(result.evidence.values) == len(long) - 1


def test_derived_only_exports_say_why_nothing_is_imported(con, evidence, curated):
    effects = derived.absolute_effects(queries.survival_rows(con, "PFS"))
    for lang in LANGS:
        data = export.values_csv(derived.export_rows(effects[effects["value"].notna()]), lang)
        result = read_upload("survival-derived.csv", data, evidence.sources, None, curated)
        assert [p.code for p in result.problems] == ["only_derived"], lang
        assert result.evidence.values == []


@pytest.mark.parametrize("lang", ("en", "zh-Hans", "zh-Hant"))
def test_the_trials_table_csv_is_refused_with_the_file_to_take(lang, con, evidence, curated):
    rows, _ = queries.trials_page(con, limit=None, offset=0)
    headlines = queries.headlines(con, tuple(rows["id"]))
    table = tables.display(tables.trials_table(rows, headlines, lang), lang, tables.TRIALS_COLUMNS[:-1])
    result = read_upload(f"trials-{lang}.csv", export.to_csv_bytes(table), evidence.sources, None, curated)
    assert [p.code for p in result.problems] == ["not_values_csv"]
    assert "Download their values" in result.problems[0].reason


@pytest.mark.parametrize("lang", LANGS)
def test_cli_export_in_each_header_language_checks_clean(lang, tmp_path, capsys):
    target = tmp_path / f"evidence-{lang}.csv"
    assert main(["export", str(target), "--headers", lang]) == 0
    header = next(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert header[0] == export.header("trial", lang)
    assert main(["check", str(target)]) == 0
    out = capsys.readouterr().out
    assert "note: trial 'crown' is curated; the file's rows come in as the user's version 'crown.user'" in out

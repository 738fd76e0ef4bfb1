"""The validator: every deliberately broken file under tests/broken/ fails precisely, and
the valid records of a broken file still load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.__main__ import main
from core.records import DEFAULT_DATA_DIR, load_evidence

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.toml"))


def expectation(path: Path) -> tuple[str, str, str, str]:
    """The ``# expect: record|field|code|reason`` line at the top of a broken file: where the
    problem is, its code, and a part of its English wording."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            record, field, code, reason = line.removeprefix("# expect:").strip().split("|")
            return record, field, code, reason
    raise AssertionError(f"{path.name} has no '# expect:' line")


def data_dir_with(tmp_path: Path, *trial_files: Path) -> Path:
    """A data folder holding the real source registry and the given trial files."""
    data = tmp_path / "data"
    (data / "trials").mkdir(parents=True)
    shutil.copy(DEFAULT_DATA_DIR / "sources.toml", data / "sources.toml")
    for path in trial_files:
        shutil.copy(path, data / "trials" / path.name)
    return data


def test_every_broken_file_declares_what_it_breaks():
    assert len(BROKEN) >= 20
    for path in BROKEN:
        expectation(path)


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_validate_fails_with_a_precise_message(path, tmp_path, sources_dir, capsys):
    record, field, _, reason = expectation(path)
    data = data_dir_with(tmp_path, path)
    code = main(["--data", str(data), "validate", "--sources", str(sources_dir)])
    out = capsys.readouterr().out
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith(f"trials/{path.name}")]
    location = ":".join(part for part in (f"trials/{path.name}", record, field) if part)
    matching = [line for line in lines if line.startswith(location + ":") and reason in line]
    assert matching, f"expected '{location}: …{reason}…' in:\n{out}"


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_file_produces_its_code(path, tmp_path, sources_dir):
    record, field, code, _ = expectation(path)
    evidence = load_evidence(data_dir_with(tmp_path, path), sources_dir)
    found = {(p.record, p.field, p.code) for p in evidence.errors if p.file == f"trials/{path.name}"}
    assert (record, field, code) in found, found


def problem_codes_in_core() -> set[str]:
    """Every problem code written in core/: the code argument of ``report(field, code)``,
    ``Problem.of(file, record, field, code)``, ``TomlRefused(code)`` and ``_bad(code)``."""
    import ast

    position = {"report": 1, "of": 3, "TomlRefused": 0, "_bad": 0}
    codes = set()
    for path in (Path(__file__).parent.parent / "core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            index = position.get(name)
            if index is not None and len(node.args) > index:
                argument = node.args[index]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    codes.add(argument.value)
    return codes


def test_every_code_has_words_in_every_language():
    from core.presentation import i18n

    used = problem_codes_in_core() | {"unknown_value", "more_problems", "where_line"}
    assert len(used) > 60, sorted(used)
    for lang in ("en", "zh-Hans", "zh-Hant"):
        missing = {code for code in used if f"problem.{code}" not in i18n.catalog(lang)}
        assert not missing, (lang, missing)


@pytest.mark.parametrize(
    "path",
    [p for p in BROKEN if expectation(p)[0].startswith(("values", "discrepancies"))],
    ids=lambda p: p.stem,
)
def test_valid_records_of_a_broken_file_still_load(path, tmp_path, sources_dir):
    evidence = load_evidence(data_dir_with(tmp_path, path), sources_dir)
    assert [t.id for t in evidence.trials] == [path.stem]
    assert "good" in {v.id for v in evidence.values}
    assert "bad" not in {v.id for v in evidence.values}


def test_all_problems_are_reported_not_just_the_first(tmp_path, sources_dir):
    files = [p for p in BROKEN if expectation(p)[0].startswith("values")]
    evidence = load_evidence(data_dir_with(tmp_path, *files), sources_dir)
    broken_files = {problem.file for problem in evidence.errors}
    assert broken_files == {f"trials/{p.name}" for p in files}
    assert len(evidence.trials) == len(files)


def test_a_broken_header_says_how_many_values_were_not_loaded(tmp_path, sources_dir):
    path = Path(__file__).parent / "broken" / "broken-header-cancer-type.toml"
    evidence = load_evidence(data_dir_with(tmp_path, path), sources_dir)
    assert evidence.trials == []
    assert any(p.code == "header_invalid" and p.args == {"count": 1} for p in evidence.errors)
    assert any("1 values were not loaded" in problem.reason for problem in evidence.errors)


def test_missing_source_folder_is_a_problem(tmp_path):
    evidence = load_evidence(DEFAULT_DATA_DIR, tmp_path / "nowhere")
    assert any(problem.code == "source_folder_missing" for problem in evidence.errors)
    assert any(problem.reason == "source folder not found" for problem in evidence.errors)


def test_the_curated_data_validates(sources_dir, capsys):
    code = main(["validate", "--sources", str(sources_dir)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("ok: ")


def test_the_sources_page_problems_table_is_worded_in_the_readers_language(tmp_path):
    """Problems survive the database (code + parameters) and come back in any language."""
    from core import db, queries
    from core.presentation.problems import problems_table

    broken = Path(__file__).parent / "broken"
    data = data_dir_with(tmp_path, broken / "broken-ci-reversed.toml", broken / "broken-not-toml.toml")
    con = db.connect_memory(load_evidence(data))
    try:
        stored = queries.problems(con)
    finally:
        con.close()
    english, chinese = problems_table(stored, "en"), problems_table(stored, "zh-Hans")
    assert list(chinese.columns) == ["file", "row", "field", "code", "message"]
    assert list(chinese["code"]) == list(english["code"]) == ["ci_reversed", "not_toml"]
    assert english["message"].iloc[0] == "CI bounds reversed: low 10.12 > high 7.79"
    assert chinese["message"].iloc[0] == "置信区间上下限颠倒：下限 10.12 > 上限 7.79"
    assert chinese["row"].iloc[0] == "values[1] (id=bad)"
    assert chinese["message"].iloc[1].startswith("不是有效的 TOML 文件：")


def test_echoed_input_is_short_and_safe():
    from core.problems import ECHO_CHARS, clip, shown

    assert shown("x" * 10_000) == "'" + "x" * (ECHO_CHARS - 3) + "…'"
    assert len(shown("x" * 10_000)) == ECHO_CHARS
    assert shown(int("9" * 4_000)) == "<a number of about 4000 digits>"  # str() would be slow
    assert shown(list(range(100_000))).startswith("[0, 1, 2, 3, 4, …]")
    assert clip("a\x1b[2Jb\u202ec") == "a\\x1b[2Jb\\u202ec"  # escapes and bidi overrides, visible


def test_a_file_keeps_its_first_problems_and_the_total():
    from core.problems import Problem, ProblemLog

    log = ProblemLog("f.toml", limit=3)
    for index in range(10):
        log.append(Problem.of("f.toml", f"values[{index}]", "value", "value_required"))
    kept = log.problems()
    assert [p.record for p in kept[:3]] == ["values[0]", "values[1]", "values[2]"]
    assert (kept[3].code, kept[3].args) == ("more_problems", {"shown": 3, "more": 7, "total": 10})
    assert sorted(kept)[-1].code == "more_problems"  # listed last in its file
    assert str(kept[3]) == "f.toml: the first 3 problems of this file are listed, and 7 more (10 in all)"


def test_curated_files_are_capped_too(tmp_path):
    """A record file with thousands of bad values yields 100 problems and the total."""
    source = (Path(__file__).parent / "broken" / "broken-unknown-arm.toml").read_text(encoding="utf-8")
    head, _, _ = source.partition("[[values]]")
    bad = (
        '[[values]]\nid = "v{i}"\nanalysis = "nope"\nendpoint = "PFS"\nmeasure = "median"\nunit = "months"\n'
    )
    bad += 'value = 1.0\nsource = "s"\nsnippet = "1.0"\nevidence_kind = "trial-report"\n'
    text = head.replace("broken-unknown-arm", "many-bad") + "".join(bad.format(i=i) for i in range(3_000))
    data = data_dir_with(tmp_path)
    (data / "trials" / "many-bad.toml").write_text(text, encoding="utf-8")
    evidence = load_evidence(data)
    mine = [p for p in evidence.errors if p.file == "trials/many-bad.toml"]
    assert len(mine) == 101
    assert mine[-1].args["total"] == sum(1 for p in mine[:-1]) + mine[-1].args["more"]
    assert mine[-1].args["total"] >= 3_000

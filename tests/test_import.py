"""Bring-your-own evidence: the round trip, every hostile input, and no input crashes the
parser or the validator (property-based)."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import db, queries, schema
from core.__main__ import main
from core.importer import read_upload, reason_text
from core.presentation.export import to_csv_bytes
from core.records import Problem, _TrialLoader
from tests.hostile.corpus import SCRIPT, cases

CASES = cases()


@pytest.fixture(scope="module")
def curated_ids(evidence):
    return {trial.id for trial in evidence.trials}


def test_round_trip_export_import_export_is_identical(con, evidence):
    first = to_csv_bytes(queries.export_frame(con))
    result = read_upload("evidence.csv", first, evidence.sources)
    assert result.problems == []
    assert len(result.evidence.values) == len(evidence.values)
    again = db.connect_memory(result.evidence)
    try:
        second = to_csv_bytes(queries.export_frame(again))
    finally:
        again.close()
    assert second == first


def test_imported_records_are_marked_user_supplied(con, evidence):
    result = read_upload("evidence.csv", to_csv_bytes(queries.export_frame(con, ["lead"])), evidence.sources)
    assert {trial.origin for trial in result.evidence.trials} == {"user"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_input_gets_its_expected_result(case, evidence, curated_ids):
    result = read_upload(case.name, case.data, evidence.sources, None, curated_ids)
    messages = " | ".join(str(problem) for problem in result.problems)
    for expected in case.problems:
        assert expected in messages, f"{case.name}: expected {expected!r} in {messages}"
    if not case.problems:
        assert result.problems == [], messages
    assert len(result.evidence.values) == case.values, messages
    for problem in result.problems:
        assert problem.file.startswith(case.name)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_cli_check_exits_1_on_bad_input_and_never_prints_a_traceback(case, tmp_path, capsys):
    path = tmp_path / case.name
    path.write_bytes(case.data)
    code = main(["check", str(path)])
    captured = capsys.readouterr()
    assert code == (1 if case.problems else 0)
    assert "Traceback" not in captured.out + captured.err
    for expected in case.problems:
        assert expected in captured.out


def test_cli_check_in_a_real_process(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\x00\xff" * 300)
    process = subprocess.run(
        [sys.executable, "-m", "core", "check", str(path)], capture_output=True, text=True
    )
    assert process.returncode == 1
    assert "Traceback" not in process.stdout + process.stderr
    assert "garbage.csv" in process.stdout


def test_duplicate_trial_ids_across_uploaded_files(tmp_path, capsys):
    record = next(case for case in CASES if case.name == "record-with-script.toml")
    for name in ("one.toml", "two.toml"):
        (tmp_path / name).write_bytes(record.data)
    assert main(["check", str(tmp_path / "one.toml"), str(tmp_path / "two.toml")]) == 1
    assert (
        "trial id 'user-record' is already used in the curated data or an earlier upload"
        in capsys.readouterr().out
    )


def test_reasons_are_translated_for_the_reader():
    problem = Problem("x.csv", "row 2", "ci_low", "CI bounds reversed: low 12.3 > high 4.8")
    assert reason_text(problem, "en") == problem.reason
    assert reason_text(problem, "zh-Hans").startswith("置信区间上下限颠倒")
    assert reason_text(problem, "zh-Hant").startswith("信賴區間上下限顛倒")


def test_hostile_text_is_kept_as_text_never_interpreted(evidence):
    case = next(case for case in CASES if case.name == "script-tags.csv")
    result = read_upload(case.name, case.data, evidence.sources)
    assert result.evidence.trials[0].name == SCRIPT  # stored as given; escaping happens on output


# --- property-based: nothing crashes the parser or the validator --------------------------------------

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# One valid row: it reaches the record validator.
ONE_ROW = (
    b"trial,analysis,endpoint,measure,value,unit,source,snippet,evidence_kind\n"
    b"x,a,PFS,median,8.3,months,s,PFS 8.3 months,trial-report\n"
)


class CrashSentinel(Exception):
    """Raised by a sabotaged validator, to learn how the importer reports its own crashes."""


def _generalised(problem: Problem, name: str) -> str:
    """A problem's repr with what varies between crashes (file, exception, numbers) as wildcards."""
    text = re.escape(repr(problem))
    for varying in (re.escape(name), "CrashSentinel", re.escape("sabotaged")):
        text = text.replace(varying, "@@")
    return re.sub(r"\d+", r"\\d+", text).replace("@@", ".*")


@functools.cache
def crash_patterns() -> tuple[re.Pattern, ...]:
    """How ``read_upload`` reports an exception in its own code (today: "could not be read").

    Learnt, not hard-coded: the record validator is made to raise, and whatever problems
    the upload then reports beyond the ones it reports normally are the crash's signature.
    """

    def sabotaged(self, *args, **kwargs):
        raise CrashSentinel("sabotaged")

    normal = {repr(problem) for problem in read_upload("crash.csv", ONE_ROW).problems}
    with mock.patch.object(_TrialLoader, "load_data", sabotaged):
        crashed = read_upload("crash.csv", ONE_ROW).problems  # raising here fails the test: fine
    return tuple(re.compile(_generalised(p, "crash.csv")) for p in crashed if repr(p) not in normal)


def assert_no_crash(result) -> None:
    """Fail when a problem of ``result`` is the importer's report of its own exception."""
    crashes = [p for p in result.problems if any(pattern.fullmatch(repr(p)) for pattern in crash_patterns())]
    assert not crashes, f"the importer crashed: {crashes}"


def test_the_crash_signature_is_learnt():
    assert crash_patterns(), "a raising validator left no trace in the problems"


def check_arbitrary_bytes(data: bytes, name: str) -> None:
    result = read_upload(name, data)
    assert_no_crash(result)
    assert all(isinstance(problem, Problem) for problem in result.problems)


@SETTINGS
@given(st.binary(max_size=2048), st.sampled_from(["x.csv", "x.toml", "x.txt", "x"]))
def test_read_upload_never_raises_on_arbitrary_bytes(data, name):
    check_arbitrary_bytes(data, name)


CELL = st.one_of(
    st.text(max_size=30), st.sampled_from(["", "nan", "inf", "-1", "1e308", "0.3", "95", "NR", "=1+1"])
)


@SETTINGS
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    *schema.REQUIRED_COLUMNS,
                    "ci_low",
                    "ci_high",
                    "ci_level",
                    "arm",
                    "comparator",
                    "qualifier",
                    "timepoint",
                    "n",
                    "flags",
                    "discrepancies",
                    "value_id",
                    "cancer_type",
                    "design",
                ]
            ),
            CELL,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_read_upload_never_raises_on_arbitrary_csv(rows):
    check_arbitrary_csv(rows)


def check_arbitrary_csv(rows: list[dict]) -> None:
    import csv
    import io

    header = sorted({key for row in rows for key in row} | set(schema.REQUIRED_COLUMNS))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    result = read_upload("fuzz.csv", buffer.getvalue().encode())
    assert_no_crash(result)
    refused_whole = any(problem.record == "" for problem in result.problems)  # e.g. control characters
    assert refused_whole or result.rows == len(rows)


@pytest.mark.parametrize("exception", [RuntimeError, KeyError, AttributeError, ValueError])
def test_the_never_raises_checks_fail_when_a_row_crashes(monkeypatch, exception):
    """The property tests above must not pass when every row crashes (any exception is caught
    by read_upload and reported as a problem, so "it returned" proves nothing by itself)."""

    def crash(self, *args, **kwargs):
        raise exception("boom")

    monkeypatch.setattr(_TrialLoader, "load_data", crash)
    with pytest.raises(AssertionError, match="crashed"):
        check_arbitrary_csv([{"trial": "x", "value": "1"}])
    with pytest.raises(AssertionError, match="crashed"):
        check_arbitrary_bytes(ONE_ROW, "x.csv")


def test_the_never_raises_checks_pass_on_plain_invalid_input():
    check_arbitrary_csv([{"trial": "x", "value": "not a number", "unit": "furlongs"}])
    check_arbitrary_bytes(b"\xff\xfe\x00garbage", "x.csv")


TOML_SCALAR = st.one_of(
    st.text(max_size=20), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()
)
TOML_VALUE = st.recursive(
    TOML_SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "id",
                "name",
                "title",
                "cancer_type",
                "setting",
                "line",
                "phase",
                "design",
                "blinding",
                "arms",
                "analyses",
                "values",
                "discrepancies",
                "drugs",
                "x",
            ]
        ),
        TOML_VALUE,
        max_size=12,
    )
)
def test_validator_never_raises_on_arbitrary_records(record):
    loader = _TrialLoader("fuzz", {"s"}, None, origin="user")
    evidence = schema.Evidence()
    loader.load_data(record, evidence)
    assert isinstance(loader.problems, list)

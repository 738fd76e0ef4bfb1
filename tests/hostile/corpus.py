"""The hostile-input corpus: every file an attacker or a careless export might upload, and
what must happen to it. `python -m tests.hostile.corpus DIR` writes the files to DIR to look at.

Each case gives the file's name and bytes, the problem messages it must produce (substrings)
and how many values must still be imported: a bad row never costs the good ones.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from core.importer import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

# every column the importer reads, in the export's order
HEADER = list(dict.fromkeys([*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]))
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"
SQL = "'; DROP TABLE vals; --"


def row(**fields: str) -> dict[str, str]:
    """A valid value row of a user trial; ``fields`` override it."""
    base = {
        "trial": "user-trial",
        "trial_name": "USER-1",
        "trial_title": "A user-supplied trial",
        "cancer_type": "sclc",
        "setting": "advanced",
        "line": "first-line",
        "phase": "2",
        "design": "randomized",
        "blinding": "open-label",
        "analysis": "primary",
        "analysis_label": "Primary",
        "analysis_kind": "primary",
        "arm": "a",
        "arm_label": "Arm A",
        "arm_role": "experimental",
        "population": "ITT",
        "endpoint": "PFS",
        "measure": "median",
        "value": "8.3",
        "unit": "months",
        "ci_low": "4.8",
        "ci_high": "12.3",
        "ci_level": "95",
        "source": "user-paper",
        "snippet": "median PFS 8.3 months (95% CI 4.8-12.3)",
        "evidence_kind": "trial-report",
        "value_id": "pfs-median",
    }
    return {**base, **fields}


def to_csv(rows: list[dict[str, str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


GOOD_HR = row(
    measure="hr",
    value="0.60",
    unit="ratio",
    comparator="b",
    comparator_label="Arm B",
    comparator_role="control",
    ci_low="0.45",
    ci_high="0.80",
    snippet="HR 0.60 (95% CI 0.45-0.80)",
    value_id="pfs-hr",
)


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    problems: tuple[str, ...]  # each must appear in some problem message
    values: int  # values that must still be imported
    escaped: tuple[str, ...] = ()  # hostile text that must be shown literally, never interpreted
    codes: tuple[str, ...] = ()  # problem codes it must produce (core.problems; problem.<code>)


def _huge() -> bytes:
    filler = row(note="x" * 900)
    rows = [dict(filler, value_id=f"v{i}") for i in range(11_000)]
    return to_csv(rows)  # > 10 MB


def _many_rows() -> bytes:
    header = list(REQUIRED_COLUMNS)  # trial, analysis, endpoint, measure, value, unit, source, snippet, kind
    lines = [",".join(header)] + [
        f"t{i % 9},a,PFS,median,{i % 50},months,s,{i % 50},trial-report" for i in range(100_000)
    ]
    return ("\n".join(lines) + "\n").encode()


def _binary() -> bytes:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(4096)) + b"\x00\x00"


def pair(header: dict[str, str], **fields: str) -> list[dict[str, str]]:
    """A median and a hazard ratio of one trial, both with the same (hostile) trial header."""
    return [row(**header, **fields), dict(GOOD_HR, **header)]


def cases() -> list[Case]:
    hostile_header = dict(
        trial_name=SCRIPT,
        trial_title=SCRIPT,
        analysis_label=SCRIPT,
        arm_label=SCRIPT,
        comparator_label=SCRIPT,
    )
    formulas = '=HYPERLINK("http://example.invalid","click")'
    return [
        Case(
            "script-tags.csv",
            to_csv(
                pair(
                    hostile_header,
                    population=SCRIPT,
                    term=SCRIPT,
                    note=SCRIPT,
                    p_value=SCRIPT,
                    snippet=f"8.3 (4.8-12.3) {SCRIPT}"[:80],
                )
            ),
            (),
            2,
            escaped=("<script>",),
        ),
        Case(
            "sql-fragments.csv",
            to_csv(pair(dict(trial_name=SQL, trial_title=SQL), note=SQL, population=SQL)),
            (),
            2,
        ),
        Case(
            "spreadsheet-formulas.csv",
            to_csv(
                pair(
                    dict(trial_name=formulas, trial_title="+cmd|' /C calc'!A0"),
                    population="@SUM(1+1)",
                    term="-2+3",
                    note=formulas,
                )
            ),
            (),
            2,
        ),
        Case(
            "nan-and-inf.csv",
            to_csv(
                [
                    row(value="nan", value_id="a"),
                    row(ci_low="-inf", value_id="b"),
                    row(value="inf", value_id="c"),
                    GOOD_HR,
                ]
            ),
            ("must be a number", "got 'nan'", "got '-inf'"),
            1,
            codes=("not_number", "not_bound"),
        ),
        Case(
            "reversed-and-negative-ci.csv",
            to_csv(
                [
                    row(ci_low="12.3", ci_high="4.8", value_id="a"),
                    dict(GOOD_HR, ci_low="-0.2", value_id="b", snippet="HR 0.60 (95% CI -0.2-0.80)"),
                    row(
                        value="-8.3", ci_low="", ci_high="", ci_level="", value_id="c", snippet="-8.3 months"
                    ),
                    GOOD_HR,
                ]
            ),
            ("CI bounds reversed", "a hazard ratio must be > 0", "must not be negative"),
            1,
            codes=("ci_reversed", "hr_positive", "negative"),
        ),
        Case(
            "absurd-magnitudes.csv",
            to_csv(
                [
                    row(
                        value="1e308",
                        ci_low="",
                        ci_high="",
                        ci_level="",
                        value_id="a",
                        snippet="1e308 months",
                    ),
                    dict(
                        GOOD_HR,
                        value="5000",
                        ci_low="",
                        ci_high="",
                        ci_level="",
                        value_id="b",
                        snippet="HR 5000",
                    ),
                    row(
                        endpoint="ORR",
                        measure="proportion",
                        unit="percent",
                        value="1000",
                        ci_low="",
                        ci_high="",
                        ci_level="",
                        value_id="c",
                        snippet="ORR 1000%",
                    ),
                    GOOD_HR,
                ]
            ),
            ("implausibly large", "a rate must lie within 0–100 %"),
            1,
            codes=("implausible", "rate_range"),
        ),
        Case("ten-megabytes.csv", _huge(), ("at most 5,242,880 are read",), 0, codes=("too_large",)),
        Case(
            "hundred-thousand-rows.csv", _many_rows(), ("more than 20,000 rows",), 0, codes=("too_many_rows",)
        ),
        Case("binary-garbage.csv", _binary(), ("binary data",), 0, codes=("binary",)),
        Case(
            "utf-16.csv",
            "\ufeff".encode("utf-16-le") + to_csv([GOOD_HR]).decode().encode("utf-16-le"),
            ("UTF-16 is not read",),
            0,
            codes=("utf16",),
        ),
        Case(
            "latin-1.csv",
            to_csv([row(note="café \xff")], encoding="latin-1"),
            ("unsupported encoding",),
            0,
            codes=("encoding",),
        ),
        Case(
            "gb18030.csv",
            to_csv(pair(dict(trial_title="广泛期小细胞肺癌 用户试验"), note="来源:用户"), encoding="gb18030"),
            (),
            2,
        ),
        Case("utf-8-bom.csv", b"\xef\xbb\xbf" + to_csv([GOOD_HR]), (), 1),
        Case("empty.csv", b"", ("file is empty",), 0, codes=("empty",)),
        Case("whitespace-only.csv", b"   \n\n  ", ("file is empty",), 0, codes=("empty",)),
        Case("header-only.csv", to_csv([]), ("a header but no rows",), 0, codes=("no_rows",)),
        Case(
            "missing-headers.csv",
            to_csv([GOOD_HR], header=[h for h in HEADER if h not in ("snippet", "source")]),
            ("missing required column",),
            0,
            codes=("missing_columns",),
        ),
        # a curated trial's id: the rows come in as the user's version of it (lead.user)
        Case("curated-trial-id.csv", to_csv([row(trial="lead"), dict(GOOD_HR, trial="lead")]), (), 2),
        Case(
            "bad-trial-id.csv",
            to_csv([row(trial="../../etc/passwd")]),
            ("must be lower-case ASCII",),
            0,
            codes=("bad_id",),
        ),
        Case("not-toml.toml", b"id = [unclosed\n= = =\n", ("is not valid TOML",), 0, codes=("not_toml",)),
        Case(
            "trailing-newline-id.toml",
            _record_toml("x").replace(b'id = "user-record"', b'id = "user-record\\n"'),
            ("must be lower-case ASCII",),
            0,
            codes=("bad_id",),
        ),
        Case(
            "terminal-escapes.toml",
            _record_toml("x").replace(b'cancer_type = "hcc"', b'cancer_type = "\\u001b[2J\\u001b[31mhcc"'),
            ("unknown cancer_type '\\x1b[2J\\x1b[31mhcc'",),
            0,
            codes=("unknown_value",),
        ),
        *amplifying_cases(),
        Case("record-with-script.toml", _record_toml(SCRIPT), (), 1, escaped=("<script>",)),
    ]


def toml_string(text: str) -> str:
    """``text`` as a quoted TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def record_toml(
    record_id: str,
    name: str,
    title: str,
    arm: str,
    analysis: str,
    trial_fields: dict[str, str] | None = None,
    value_note: str | None = None,
) -> bytes:
    """A valid one-arm HCC record file with one median OS. The text arguments are TOML values,
    already quoted (``toml_string``); ``trial_fields`` adds lines to the trial, ``value_note`` a
    note to the value."""
    extra = "".join(f"{key} = {value}\n" for key, value in (trial_fields or {}).items())
    note = "" if value_note is None else f"note = {value_note}\n"
    return f'''# A record file with hostile text in every text field.
id = "{record_id}"
name = {name}
title = {title}
cancer_type = "hcc"
setting = "advanced"
line = "first-line"
phase = "3"
design = "randomized"
blinding = "open-label"
{extra}
[[arms]]
id = "a"
label = {arm}

[[analyses]]
id = "final"
label = {analysis}
kind = "final"

[[values]]
id = "os"
analysis = "final"
endpoint = "OS"
measure = "median"
arm = "a"
value = 13.2
unit = "months"
evidence_kind = "trial-report"
source = "user-source"
snippet = "median OS 13.2 months"
{note}'''.encode()


def _record_toml(text: str) -> bytes:
    quoted = toml_string(text)
    return record_toml("user-record", quoted, quoted, quoted, quoted, {"note": quoted}, value_note=quoted)


# --- shapes that multiply what a reader is shown, or what the server spends ------------------------


def _unknown_arm_toml(arms: int = 1_000, values: int = 2_500) -> bytes:
    """Many long arm ids, and many values naming an arm that is not one of them: each
    problem once listed every arm id defined."""
    head = _record_toml("x").split(b"[[arms]]")[0]
    parts = [head]
    parts += [f'[[arms]]\nid = "arm-{i:04d}-{"x" * 50}"\nlabel = "A"\n'.encode() for i in range(arms)]
    parts.append(b'[[analyses]]\nid = "final"\nlabel = "Final"\nkind = "final"\n')
    value = (
        '[[values]]\nid = "v{i}"\nanalysis = "final"\nendpoint = "OS"\nmeasure = "median"\narm = "nope"\n'
        'value = 13.2\nunit = "months"\nevidence_kind = "trial-report"\nsource = "s"\nsnippet = "13.2"\n'
    )
    parts += [value.format(i=i).encode() for i in range(values)]
    return b"".join(parts)


def _unknown_arm_csv(rows: int = 3_000) -> bytes:
    """Valid arms with long ids, and rows whose arm is refused (bad role): every such row
    names an arm that is not defined, beside thousands that are."""
    out = []
    for i in range(rows):
        if i % 2:  # the arm 'bad' is refused once (its role), then named by every odd row
            out.append(row(arm="bad", arm_role="bogus", value_id=f"v{i}"))
        else:
            out.append(row(arm=f"arm-{i:05d}-{'y' * 50}", value_id=f"v{i}"))
    return to_csv(out)


def _repeated_header_csv(rows: int = 1_000) -> bytes:
    """Each row repeats a long trial title that differs from the first row's: each problem
    once echoed the earlier title in full."""
    return to_csv([row(trial_title=f"{i % 2}" + "T" * 3_990, value_id=f"v{i}") for i in range(rows)])


def amplifying_cases() -> list[Case]:
    """Inputs whose problems or parse once grew with the input (issue 9: a 256 KB CSV took the
    server to 2.9 GB; a 300 KB dotted header held a core for 70 s)."""
    huge_number = "1" * 5_000
    return [
        Case(
            "unknown-arm-repeated.toml",
            _unknown_arm_toml(),
            ("unknown arm 'nope'", "more (2,500 in all)"),
            0,
            codes=("unknown_arm", "more_problems"),
        ),
        Case(
            "unknown-arm-repeated.csv",
            _unknown_arm_csv(),
            ("unknown arm 'bad'",),
            1_500,
            codes=("unknown_arm", "unknown_value", "more_problems"),
        ),
        Case(
            "repeated-header.csv",
            _repeated_header_csv(),
            ("differs from an earlier row of trial 'user-trial'",),
            1_000,
            codes=("differs_from_earlier", "more_problems"),
        ),
        Case(
            "dotted-key.toml",
            ("[" + ".".join(["a"] * 150_000) + "]\nx = 1\n").encode(),
            ("dot-separated parts",),
            0,
            codes=("too_many_segments",),
        ),
        Case(
            "deep-nesting.toml",
            ("drugs = " + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
            ("nested more than 16 deep",),
            0,
            codes=("too_deep",),
        ),
        Case(
            "huge-number.csv",
            to_csv([row(value=huge_number, value_id="a"), GOOD_HR]),
            ("a number of 5,000 digits",),
            1,
            codes=("number_too_long",),
        ),
        Case(
            "huge-number.toml",
            _record_toml("x").replace(b"value = 13.2", f"value = {huge_number}".encode()),
            ("a number of 5,000 digits",),
            0,
            codes=("number_too_long",),
        ),
        Case(
            "huge-cell.csv",
            to_csv([row(note="x" * 140_000, value_id="a"), GOOD_HR]),
            ("cell of 140,000 characters",),
            1,
            codes=("cell_too_long",),
        ),
    ]


AMPLIFYING = [case.name for case in amplifying_cases()]

CASES_BY_NAME = {case.name: case for case in cases()}


def main(target: str) -> None:
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases():
        (folder / case.name).write_bytes(case.data)
        print(folder / case.name)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")

"""Bring your own evidence: read an uploaded CSV (the export's long format) or a record
file (TOML), validate it with the same rules as ``data/``, and keep what is valid.

Nothing an upload contains is trusted: the bytes are size-limited, decoded only as UTF-8,
UTF-8 with BOM or GB18030, parsed without evaluation, and every row or record goes through
:mod:`core.records`. Every problem names the file, the row or record, the field and the
reason; valid rows are never dropped because another row is bad. Nothing here raises for
bad input: :func:`read_upload` always returns an :class:`ImportResult`.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core import schema
from core.presentation.export import FORMULA_PREFIXES
from core.presentation.i18n import t
from core.records import Problem, SourceTexts, _TrialLoader, check_cross_references

MAX_BYTES = 5 * 1024 * 1024
"""An upload larger than this is refused before it is decoded (5 MiB)."""
MAX_ROWS = 20_000
"""A CSV with more data rows than this is refused (about 1,000 trials' worth)."""

# One list of the long CSV's columns serves the export, the import and the tests (core/schema.py).
REQUIRED_COLUMNS = schema.REQUIRED_COLUMNS
OPTIONAL_COLUMNS = schema.OPTIONAL_COLUMNS
_TRIAL_COLUMNS = {
    "trial_name": "name",
    "trial_title": "title",
    "cancer_type": "cancer_type",
    "setting": "setting",
    "line": "line",
    "phase": "phase",
    "design": "design",
    "blinding": "blinding",
}
_TRIAL_DEFAULTS = {
    "setting": "advanced",
    "line": "mixed",
    "phase": "not-stated",
    "design": "not-stated",
    "blinding": "not-stated",
}
_TEXT_VALUE_FIELDS = (
    "population",
    "population_zh",
    "qualifier",
    "p_value",
    "assessment",
    "term",
    "term_zh",
    "note",
    "arm",
    "comparator",
)
_NUMBER_FIELDS = ("value", "value_high", "timepoint")
_INT_FIELDS = ("n", "n_total")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class ImportResult:
    """What an upload yielded: valid records as evidence, and every problem found."""

    evidence: schema.Evidence = field(default_factory=schema.Evidence)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0  # data rows or records read


# --- bytes → text ----------------------------------------------------------------------------


def decode(name: str, data: bytes) -> tuple[str | None, Problem | None]:
    """Decode an upload: UTF-8 (with or without BOM) or GB18030; anything else is refused."""
    if len(data) > MAX_BYTES:
        return None, Problem(name, "", "", f"file is {len(data):,} bytes; at most {MAX_BYTES:,} are read")
    if not data.strip():
        return None, Problem(name, "", "", "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(name, "", "", "UTF-16 is not read: save the file as UTF-8 (or GB18030)")
    if b"\x00" in data:
        return None, Problem(name, "", "", "file holds binary data (NUL bytes), not text")
    candidates = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL_CHARS.search(text):
            return None, Problem(name, "", "", "file holds binary data or control characters, not text")
        return text, None
    return None, Problem(name, "", "", "unsupported encoding: UTF-8, UTF-8 with BOM and GB18030 are read")


# --- CSV → record dicts -----------------------------------------------------------------------------


def unneutralise(cell: str) -> str:
    """Undo :func:`core.presentation.export.neutralise`: ``'=1+1`` → ``=1+1`` (kept as text, never evaluated)."""
    if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_PREFIXES:
        return cell[1:]
    return cell


def _number(raw: str) -> float | int | str:
    """A CSV cell as a number when it is one (``"0.30"`` → 0.3), else the text as it is."""
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return raw
    if not number.is_finite():
        return raw  # "nan", "inf": the validator says "must be a finite number"
    is_whole = number == number.to_integral_value() and "." not in raw and "e" not in raw.lower()
    return int(number) if is_whole else float(number)


def _value_record(row: dict[str, str]) -> dict:
    """One CSV row as a ``[[values]]`` table (empty cells are left out, as in the files)."""
    record: dict = {}
    for name in (
        "analysis",
        "endpoint",
        "measure",
        "unit",
        "source",
        "snippet",
        "evidence_kind",
        *_TEXT_VALUE_FIELDS,
    ):
        if row.get(name):
            record[name] = row[name]
    record["id"] = row.get("value_id") or ""
    for name in _NUMBER_FIELDS + _INT_FIELDS:
        if row.get(name):
            record[name] = _number(row[name])
    for name in ("ci_low", "ci_high"):
        if row.get(name):
            cell = row[name]
            record[name] = cell if cell in schema.OPEN_CI_BOUNDS else _number(cell)
    if row.get("ci_level"):
        level = _number(row["ci_level"])
        record["ci_level"] = level
    if row.get("flags"):
        record["flags"] = [flag for flag in row["flags"].split(";") if flag]
    return record


def csv_records(name: str, text: str, result: ImportResult) -> list[tuple[str, dict]]:
    """Group the rows of a long CSV into trial records: ``[(label, record)]``."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = headers
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        result.problems.append(Problem(name, "header", ", ".join(missing), "missing required column(s)"))
        return []
    unknown = [h for h in headers if h not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS and h]
    if unknown:
        result.problems.append(Problem(name, "header", ", ".join(unknown), "unknown column(s), ignored"))
    trials: dict[str, dict] = {}
    links: dict[tuple[str, str], list[str]] = {}
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.problems.append(
                Problem(name, f"row {number}", "", f"more than {MAX_ROWS:,} rows; the rest was not read")
            )
            break
        row = {key: unneutralise((value or "").strip()) for key, value in row.items() if key}
        _add_row(name, number, row, trials, links, result)
    for link, members in links.items():
        if len(members) < 2:
            continue  # the other side is not in this file (one trial exported on its own)
        # a discrepancy may link values of several trials; it is kept with the first one
        discrepancy_id, _, kind = link.partition(":")
        owner = members[0].split(":")[0]
        trials[owner].setdefault("discrepancies", []).append(
            {
                "id": discrepancy_id,
                "kind": kind,
                "summary": f"Linked in the uploaded file as '{discrepancy_id}'",
                "values": members,
            }
        )
    return [(f"{name}: trial {trial_id}", record) for trial_id, record in trials.items()]


def _add_row(name, number, row, trials, links, result) -> None:
    trial_id = row.get("trial", "")
    if not trial_id:
        result.problems.append(Problem(name, f"row {number}", "trial", "is required"))
        return
    record = trials.get(trial_id)
    if record is None:
        record = {
            "id": trial_id,
            "name": trial_id,
            "title": trial_id,
            "arms": [],
            "analyses": [],
            "values": [],
        }
        record.update(_TRIAL_DEFAULTS)
        for column, key in _TRIAL_COLUMNS.items():
            if row.get(column):
                record[key] = row[column]
        trials[trial_id] = record
    else:
        for column, key in _TRIAL_COLUMNS.items():
            if row.get(column) and row[column] != record.get(key):
                result.problems.append(
                    Problem(
                        name,
                        f"row {number}",
                        column,
                        f"differs from an earlier row of trial '{trial_id}' ({record.get(key)!r})",
                    )
                )
    _add_arm(record, row.get("arm"), row.get("arm_label"), row.get("arm_role"))
    _add_arm(record, row.get("comparator"), row.get("comparator_label"), row.get("comparator_role"))
    if row.get("analysis") and not any(a["id"] == row["analysis"] for a in record["analyses"]):
        analysis = {
            "id": row["analysis"],
            "label": row.get("analysis_label") or row["analysis"],
            "kind": row.get("analysis_kind") or "not-stated",
        }
        if row.get("cutoff"):
            analysis["cutoff"] = row["cutoff"]
        record["analyses"].append(analysis)
    value = _value_record(row)
    if not value["id"]:
        value["id"] = f"row-{number}"
    record["values"].append(value)
    for link in filter(None, (row.get("discrepancies") or "").split(";")):
        links.setdefault(link, []).append(f"{trial_id}:{value['id']}")


def _add_arm(record: dict, arm_id: str | None, label: str | None, role: str | None) -> None:
    if arm_id and not any(arm["id"] == arm_id for arm in record["arms"]):
        record["arms"].append({"id": arm_id, "label": label or arm_id, "role": role or "experimental"})


# --- TOML → record dicts ---------------------------------------------------------------------------


def toml_records(name: str, text: str, result: ImportResult) -> list[tuple[str, dict]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        result.problems.append(Problem(name, "", "", f"is not valid TOML: {exc}"))
        return []
    result.rows += 1
    return [(name, data)]


# --- validation ------------------------------------------------------------------------------------------


def _user_sources(records: Iterable[dict], known: dict[str, schema.Source]) -> list[schema.Source]:
    """Sources an upload cites that the registry does not know: kept as user-supplied."""
    cited = []
    for record in records:
        for entry in [*record.get("values", []), *record.get("arms", [])] if isinstance(record, dict) else []:
            source = entry.get("source") if isinstance(entry, dict) else None
            if isinstance(source, str) and source and source not in known and source not in cited:
                cited.append(source)
    return [
        schema.Source(
            id=s, kind="user-upload", title=s, language="en", script="Latn", file="", note="user-supplied"
        )
        for s in cited
    ]


def read_upload(
    name: str,
    data: bytes,
    registry: Iterable[schema.Source] = (),
    texts: SourceTexts | None = None,
    taken_ids: Iterable[str] = (),
) -> ImportResult:
    """Read, decode, parse and validate one uploaded file.

    Parameters
    ----------
    name : str
        The file's name: ``.csv`` is read as the long export format, ``.toml`` as a record file.
    data : bytes
        The file's bytes (at most :data:`MAX_BYTES`).
    registry : iterable of Source
        The curated source registry; a cited source not in it becomes a user-supplied source.
    texts : SourceTexts, optional
        Source texts: when given, snippets citing registered sources are checked against them.
    taken_ids : iterable of str
        Trial ids already in use (the curated data, earlier uploads): a clash is an error.

    Returns
    -------
    ImportResult
        Valid records (marked ``origin="user"``) and every problem.
    """
    result = ImportResult()
    try:
        text, problem = decode(name, data)
        if problem:
            result.problems.append(problem)
            return result
        lowered = name.lower()
        if lowered.endswith(".toml"):
            records = toml_records(name, text, result)
        elif lowered.endswith(".csv") or "," in text.partition("\n")[0]:
            records = csv_records(name, text, result)
        else:
            result.problems.append(
                Problem(name, "", "", "unknown format: upload a .csv export or a .toml record file")
            )
            return result
        _validate(records, result, list(registry), texts, set(taken_ids))
    except Exception as exc:  # noqa: BLE001 - an upload must never crash the caller; say what failed
        result.problems.append(Problem(name, "", "", f"could not be read ({type(exc).__name__})"))
    return result


def _validate(records, result: ImportResult, registry: list[schema.Source], texts, taken: set[str]) -> None:
    known = {source.id: source for source in registry}
    user_sources = _user_sources((record for _, record in records), known)
    result.evidence.sources = user_sources
    source_ids = set(known) | {source.id for source in user_sources}
    seen: set[str] = set()
    for label, record in records:
        trial_id = record.get("id") if isinstance(record, dict) else None
        if isinstance(trial_id, str) and (trial_id in taken or trial_id in seen):
            where = "the curated data or an earlier upload" if trial_id in taken else "this upload"
            result.problems.append(
                Problem(label, "trial", "id", f"trial id '{trial_id}' is already used in {where}")
            )
            continue
        if isinstance(trial_id, str):
            seen.add(trial_id)
        loader = _TrialLoader(label, source_ids, texts, origin="user")
        loader.load_data(record, result.evidence)
        result.problems.extend(loader.problems)
    check_cross_references(result.evidence, result.problems)


def curated_context(data_dir, sources_dir=None) -> tuple[list[schema.Source], SourceTexts | None]:
    """The curated source registry, and its source texts when they are on this machine
    (then an upload's snippets that cite a registered source are checked against them)."""
    from pathlib import Path

    from core.records import load_sources, sources_dir_from_env

    registry = load_sources(Path(data_dir) / "sources.toml", [], None)
    folder = Path(sources_dir) if sources_dir else sources_dir_from_env()
    if not folder.is_dir():
        return registry, None
    texts = SourceTexts(folder)
    for source in registry:
        texts.load(source, lambda field, reason: None)
    return registry, texts


def read_uploads(
    files: Iterable[tuple[str, bytes]],
    registry: Iterable[schema.Source] = (),
    texts: SourceTexts | None = None,
    taken_ids: Iterable[str] = (),
) -> ImportResult:
    """Several uploads as one result: trial ids must be unique across all of them."""
    registry = list(registry)
    taken = set(taken_ids)
    merged = ImportResult()
    for name, data in files:
        result = read_upload(name, data, registry, texts, taken)
        taken |= {trial.id for trial in result.evidence.trials}
        merged.rows += result.rows
        merged.problems += result.problems
        known_sources = {source.id for source in merged.evidence.sources}
        merged.evidence.sources += [s for s in result.evidence.sources if s.id not in known_sources]
        for part in ("trials", "arms", "analyses", "values", "discrepancies"):
            getattr(merged.evidence, part).extend(getattr(result.evidence, part))
    return merged


# --- reasons in the reader's language ------------------------------------------------------------------

_REASONS = [
    (re.compile(r"^unknown (?P<field>\w+) (?P<value>'.*?')"), "problem.unknown_value"),
    (re.compile(r"^is required"), "problem.required"),
    (re.compile(r"^unknown field"), "problem.unknown_field"),
    (re.compile(r"^must be a finite number"), "problem.not_finite"),
    (re.compile(r"^must be a number"), "problem.not_number"),
    (re.compile(r"^CI bounds reversed"), "problem.ci_reversed"),
    (re.compile(r"^estimate .* lies outside its CI"), "problem.ci_outside"),
    (re.compile(r"^is required with CI bounds"), "problem.ci_level_required"),
    (re.compile(r"^a rate must lie within"), "problem.rate_range"),
    (re.compile(r"^a hazard ratio must be > 0"), "problem.hr_positive"),
    (re.compile(r"^must not be negative"), "problem.negative"),
    (re.compile(r"does not appear in the snippet"), "problem.number_not_in_snippet"),
    (re.compile(r"is not found in source"), "problem.snippet_not_in_source"),
    (re.compile(r"characters; at most"), "problem.snippet_too_long"),
    (re.compile(r"^file is empty"), "problem.empty"),
    (re.compile(r"^file is [\d,]+ bytes"), "problem.too_large"),
    (re.compile(r"^more than [\d,]+ rows"), "problem.too_many_rows"),
    (re.compile(r"^UTF-16 is not read|^unsupported encoding"), "problem.encoding"),
    (re.compile(r"^file holds binary data"), "problem.binary"),
    (re.compile(r"^missing required column"), "problem.missing_columns"),
    (re.compile(r"^trial id '.*' is already used"), "problem.duplicate_trial"),
    (re.compile(r"^is not valid TOML"), "problem.not_toml"),
    (re.compile(r"^is implausibly large"), "problem.implausible"),
]


def reason_text(problem: Problem, lang: str) -> str:
    """The problem's reason in ``lang``: a translated summary, with the English detail after it."""
    if lang == "en":
        return problem.reason
    for pattern, key in _REASONS:
        if pattern.search(problem.reason):
            return f"{t(key, lang)} ({problem.reason})"
    return problem.reason

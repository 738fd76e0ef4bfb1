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
import dataclasses
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core import schema
from core.presentation.export import header_keys
from core.presentation.export import unneutralise as unneutralise
from core.problems import Problem, ProblemLog, clip, listing, shown
from core.records import ID_CHARS, TEXT_CHARS, SourceTexts, _TrialLoader, check_cross_references, parse_toml
from core.safe_toml import MAX_DIGITS

MAX_BYTES = 5 * 1024 * 1024
"""An upload larger than this is refused before it is decoded (5 MiB; ``server.maxUploadSize``
in ``.streamlit/config.toml`` is the same 5, so the server refuses larger bodies itself)."""
MAX_ROWS = 20_000
"""A CSV with more data rows than this is refused (about 1,000 trials' worth)."""
MAX_FILES = 10
"""At most this many files in one import (the page and ``python -m core check`` alike)."""
MAX_CELL_CHARS = TEXT_CHARS
"""A CSV cell longer than this costs its row (no field of a record is longer)."""
NAME_CHARS = 120
"""A file name is shown shortened to this many characters."""

# a cell larger than csv's default limit (131,072) must be one row's problem, not a csv.Error
# that loses the whole file; no cell can be larger than the file itself
csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES + 1))

# One list of the long CSV's columns serves the export, the import and the tests (core/schema.py).
REQUIRED_COLUMNS = schema.REQUIRED_COLUMNS
OPTIONAL_COLUMNS = schema.OPTIONAL_COLUMNS
DERIVED_EVIDENCE_KIND = "derived"
_TRIAL_COLUMNS = {
    "trial_name": "name",
    "trial_title": "title",
    "cancer_type": "cancer_type",
    "setting": "setting",
    "line": "line",
    "phase": "phase",
    "design": "design",
    "blinding": "blinding",
    "trial_name_zh": "name_zh",
    "trial_title_zh": "title_zh",
    "condition": "condition",
    "condition_zh": "condition_zh",
    "control": "control",
    "primary_endpoint": "primary_endpoint",
}
_TRIAL_LIST_COLUMNS = {"registry_ids": "registry_ids", "trial_caveats": "caveats"}
"""Trial columns holding a list, ``;``-separated (as the export writes them)."""
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
    """What an upload yielded: valid records as evidence, and its problems — at most
    :data:`core.problems.MAX_PROBLEMS_PER_FILE` per file, with ``problem_total`` counting all."""

    evidence: schema.Evidence = field(default_factory=schema.Evidence)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0  # data rows or records read
    problem_total: int = 0  # every problem found, also those not kept
    unchecked: int = 0  # kept values and arms citing a curated source whose text was not here to check
    # a curated trial's id in the upload → the id of the user's version of it (shown beside it)
    user_versions: dict[str, str] = field(default_factory=dict)
    # a CSV column key → the file's own header for it, where they differ (a language's header)
    headers: dict[str, str] = field(default_factory=dict)


# --- bytes → text ----------------------------------------------------------------------------


def decode(name: str, data: bytes) -> tuple[str | None, Problem | None]:
    """Decode an upload: UTF-8 (with or without BOM) or GB18030; anything else is refused."""
    if len(data) > MAX_BYTES:
        return None, Problem.of(name, "", "", "too_large", size=len(data), max=MAX_BYTES)
    if not data.strip():
        return None, Problem.of(name, "", "", "empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem.of(name, "", "", "utf16")
    if b"\x00" in data:
        return None, Problem.of(name, "", "", "binary")
    candidates = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL_CHARS.search(text):
            return None, Problem.of(name, "", "", "control_chars")
        if not text.strip():  # e.g. a byte-order mark and nothing else
            return None, Problem.of(name, "", "", "empty")
        return text, None
    return None, Problem.of(name, "", "", "encoding")


# --- CSV → record dicts -----------------------------------------------------------------------------


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
        # a bound printed as "NR" / "NE" is in its own text column (older files: in this one)
        cell = row.get(name) or row.get(f"{name}_text")
        if cell:
            record[name] = cell if cell in schema.OPEN_CI_BOUNDS else _number(cell)
    level = row.get("ci_level") or row.get("ci_level_text")  # "unknown": the text column
    if level:
        record["ci_level"] = _number(level)
    if row.get("flags"):
        record["flags"] = [flag for flag in row["flags"].split(";") if flag]
    return record


def _items(cell: str) -> list[str]:
    return [item for item in cell.split(";") if item]


class _Trial:
    """One trial being assembled from CSV rows: its record and the line of each part."""

    def __init__(self, trial_id: str, line: int, row: dict[str, str]):
        self.record: dict = {
            "id": trial_id,
            "name": trial_id,
            "title": trial_id,
            "arms": [],
            "analyses": [],
            "values": [],
        }
        self.record.update(_TRIAL_DEFAULTS)
        for column, key in _TRIAL_COLUMNS.items():
            if row.get(column):
                self.record[key] = row[column]
        for column, key in _TRIAL_LIST_COLUMNS.items():
            if row.get(column):
                self.record[key] = _items(row[column])
        self.lines: dict[tuple[str, int], int] = {("trial", 0): line}
        self.ids: dict[str, set[str]] = {"arms": set(), "analyses": set()}  # no scan per row

    def has(self, table: str, item_id: str) -> bool:
        return item_id in self.ids[table]

    def add(self, table: str, item: dict, line: int) -> None:
        items = self.record.setdefault(table, [])
        self.lines[(table, len(items))] = line
        items.append(item)
        if table in self.ids:
            self.ids[table].add(item["id"])


def _row_problem(row: dict[str, str]) -> tuple[str, str, dict] | None:
    """A cell that costs its whole row: ``(field, code, params)``, or ``None``."""
    for column in (*_NUMBER_FIELDS, *_INT_FIELDS, "ci_low", "ci_high", "ci_level"):
        cell = row.get(column, "")
        digits = sum(map(str.isdigit, cell)) if len(cell) > MAX_DIGITS else 0
        if digits > MAX_DIGITS:
            return column, "number_too_long", {"digits": digits, "max": MAX_DIGITS}
    for column, cell in row.items():
        if len(cell) > MAX_CELL_CHARS:
            return column, "cell_too_long", {"length": len(cell), "max": MAX_CELL_CHARS}
    return None


def _csv_header(name: str, reader: csv.DictReader, log: ProblemLog, result: ImportResult) -> bool:
    """Read and check the header row; ``False`` (with the problem logged) if rows cannot be read."""
    try:
        headers = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        log.append(Problem.of(name, "", "", "not_csv", line=1, detail=str(exc)))
        return False
    # headers in any language the pages write (or the column keys themselves)
    reader.fieldnames = header_keys(headers)
    result.headers = {key: own for key, own in zip(reader.fieldnames, headers) if key != own}
    headers = reader.fieldnames
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if set(missing) >= set(REQUIRED_COLUMNS) - {"trial", "analysis"}:
        # a table as a page shows it (one row per trial), not values: say which file to take
        log.append(Problem.of(name, "header", "", "not_values_csv", line=1))
        return False
    if missing and {"formula", "inputs", "trial_b"} <= set(headers):
        # a CSV of derived values alone (core.derived.STANDALONE_EXPORT_COLUMNS: the comparison
        # page's pairs, the absolute effects), which has no source or snippet columns
        log.append(Problem.of(name, "header", "evidence_kind", "only_derived", line=1))
        return False
    if missing:
        log.append(Problem.of(name, "header", listing(missing, 400), "missing_columns", line=1))
        return False
    known = {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *schema.DISPLAY_COLUMNS}  # a page's reading columns
    unknown = [h for h in headers if h not in known and h]
    if unknown:
        log.append(Problem.of(name, "header", listing(unknown), "unknown_columns", line=1))
    return True


def csv_records(name: str, text: str, result: ImportResult, log: ProblemLog | None = None):
    """Group the rows of a long CSV into trial records: ``[(label, record, lines)]``, where
    ``lines`` maps each part of the record to its CSV line (the header is line 1)."""
    log = log if log is not None else ProblemLog(name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not _csv_header(name, reader, log, result):
        return []
    trials: dict[str, _Trial] = {}
    links: dict[tuple[str, str], list[tuple[str, int]]] = {}
    previous = reader.line_num  # the line the previous record ended on (the header's last)
    derived_rows = 0
    try:
        for raw in reader:
            line, previous = previous + 1, reader.line_num
            result.rows += 1
            if result.rows > MAX_ROWS:
                log.append(Problem.of(name, "", "", "too_many_rows", line=line, max=MAX_ROWS))
                break
            row = {
                key: unneutralise((value or "").strip()) for key, value in raw.items() if isinstance(key, str)
            }
            if row.get("evidence_kind") == DERIVED_EVIDENCE_KIND:
                derived_rows += 1
                continue  # a derived value is recomputed from the imported values, not imported
            _add_row(name, line, row, trials, links, log)
    except csv.Error as exc:
        log.append(Problem.of(name, "", "", "not_csv", line=reader.line_num, detail=str(exc)))
    if result.rows == 0:
        log.append(Problem.of(name, "", "", "no_rows"))
    elif derived_rows == result.rows:
        log.append(Problem.of(name, "", "evidence_kind", "only_derived"))
    _add_links(trials, links)
    return [(name, trial.record, trial.lines) for trial in trials.values()]


def _add_links(trials: dict[str, _Trial], links: dict) -> None:
    for link, members in links.items():
        if len(members) < 2:
            continue  # the other side is not in this file (one trial exported on its own)
        # a discrepancy may link values of several trials; it is kept with the first one
        discrepancy_id, _, kind = link.partition(":")
        owner = members[0][0].split(":")[0]
        discrepancy = {
            "id": discrepancy_id,
            "kind": kind,
            "summary": f"Linked in the uploaded file as '{clip(discrepancy_id)}'",
            "values": [ref for ref, _ in members],
        }
        trials[owner].add("discrepancies", discrepancy, members[0][1])


def _check_same_header(name: str, line: int, row: dict[str, str], trial: _Trial, log: ProblemLog) -> None:
    """A later row of a trial repeats its header (name, title, cancer type…) or leaves it empty."""
    for column, key in [*_TRIAL_COLUMNS.items(), *_TRIAL_LIST_COLUMNS.items()]:
        if not row.get(column):
            continue
        cell = _items(row[column]) if column in _TRIAL_LIST_COLUMNS else row[column]
        if cell != trial.record.get(key):
            earlier = shown(trial.record.get(key))
            problem = Problem.of(
                name,
                "",
                column,
                "differs_from_earlier",
                line=line,
                trial=shown(trial.record["id"]),
                earlier=earlier,
            )
            log.append(problem)


def _add_row(name, line, row, trials, links, log: ProblemLog) -> None:
    trial_id = row.get("trial", "")
    if not trial_id:
        log.append(Problem.of(name, "", "trial", "required", line=line))
        return
    bad = _row_problem(row)
    if bad:
        column, code, params = bad
        log.append(Problem.of(name, "", column, code, line=line, **params))
        return
    trial = trials.get(trial_id)
    if trial is None:
        trial = trials[trial_id] = _Trial(trial_id, line, row)
    else:
        _check_same_header(name, line, row, trial, log)
    _add_arm(trial, line, row.get("arm"), row.get("arm_label"), row.get("arm_role"))
    _add_arm(trial, line, row.get("comparator"), row.get("comparator_label"), row.get("comparator_role"))
    if row.get("analysis") and not trial.has("analyses", row["analysis"]):
        analysis = {
            "id": row["analysis"],
            "label": row.get("analysis_label") or row["analysis"],
            "kind": row.get("analysis_kind") or "not-stated",
        }
        if row.get("cutoff"):
            analysis["cutoff"] = row["cutoff"]
        trial.add("analyses", analysis, line)
    value = _value_record(row)
    if not value["id"]:
        value["id"] = f"row-{line}"
    trial.add("values", value, line)
    for link in filter(None, (row.get("discrepancies") or "").split(";")):
        links.setdefault(link, []).append((f"{trial_id}:{value['id']}", line))


def _add_arm(trial: _Trial, line: int, arm_id: str | None, label: str | None, role: str | None) -> None:
    if arm_id and not trial.has("arms", arm_id):
        trial.add("arms", {"id": arm_id, "label": label or arm_id, "role": role or "experimental"}, line)


# --- TOML → record dicts ---------------------------------------------------------------------------


def toml_records(name: str, text: str, result: ImportResult, log: ProblemLog | None = None):
    """A record file as one trial record: ``[(label, record, None)]`` (empty if unparsable)."""
    log = log if log is not None else ProblemLog(name)
    data = parse_toml(text, log, name)
    if data is None:
        return []
    result.rows += 1
    return [(name, data, None)]


# --- validation ------------------------------------------------------------------------------------------


def _user_sources(records: Iterable[dict], known: dict[str, schema.Source]) -> list[schema.Source]:
    """Sources an upload cites that the registry does not know: kept as user-supplied
    (an over-long id is left out: the value citing it fails the id length rule)."""
    cited: dict[str, None] = {}  # ordered, and a lookup per entry rather than a scan
    for record in records:
        for entry in [*record.get("values", []), *record.get("arms", [])] if isinstance(record, dict) else []:
            source = entry.get("source") if isinstance(entry, dict) else None
            if (
                isinstance(source, str)
                and 0 < len(source) <= ID_CHARS
                and source not in known
                and source not in cited
            ):
                cited[source] = None
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
    uploaded_ids: Iterable[str] = (),
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
        Trial ids of the curated data. A trial of the upload with one of them comes in as the
        user's version of that trial, under the id :func:`user_version_id` gives it (listed in
        ``user_versions``), beside the curated trial and never replacing it.
    uploaded_ids : iterable of str
        Trial ids of earlier files of the same import: a clash is an error.

    Returns
    -------
    ImportResult
        Valid records (marked ``origin="user"``) and the problems (at most
        :data:`core.problems.MAX_PROBLEMS_PER_FILE`, then one saying how many more).
    """
    name = clip(name, NAME_CHARS)
    result = ImportResult()
    log = ProblemLog(name)
    try:
        _read(name, data, result, log, list(registry), texts, (set(taken_ids), set(uploaded_ids)))
    except Exception as exc:  # noqa: BLE001 - an upload must never crash the caller; say what failed
        log.append(Problem.of(name, "", "", "could_not_read", error=type(exc).__name__))
    result.problems = [_in_file_words(problem, result.headers) for problem in log.problems()]
    result.problem_total = log.total
    return result


def _in_file_words(problem: Problem, headers: dict[str, str]) -> Problem:
    """A CSV problem names its column as the file's header does, and by its key."""
    own = headers.get(problem.field) if problem.line is not None else None
    if own is None:
        return problem
    return dataclasses.replace(problem, field=clip(f"{own} ({problem.field})", 200))


def _read(name, data, result, log, registry, texts, taken) -> None:
    text, problem = decode(name, data)
    if problem:
        log.append(problem)
        return
    lowered = name.lower()
    if lowered.endswith(".toml"):
        records = toml_records(name, text, result, log)
    elif lowered.endswith(".csv") or "," in text.partition("\n")[0]:
        records = csv_records(name, text, result, log)
    else:
        log.append(Problem.of(name, "", "", "unknown_format"))
        return
    _validate(records, result, log, registry, texts, taken)


USER_VERSION_SUFFIX = ".user"


def user_version_id(trial_id: str, taken: set[str]) -> str:
    """The id of a user's version of curated trial ``trial_id``: ``lead`` → ``lead.user``
    (``lead.user-2`` if that is taken too), within the id length limit."""
    base = trial_id[: ID_CHARS - len(USER_VERSION_SUFFIX) - 4] + USER_VERSION_SUFFIX
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def curated_id_of(trial_id: str) -> str | None:
    """The curated trial a user's version was imported for (``lead.user-2`` → ``lead``), else ``None``."""
    base, dot, suffix = trial_id.rpartition(USER_VERSION_SUFFIX)
    if not dot or not base or (suffix and not re.fullmatch(r"-\d+", suffix)):
        return None
    return base


def _as_user_versions(records, curated: set[str], taken: set[str]) -> dict[str, str]:
    """Give each record that carries a curated trial's id the id of the user's version of it,
    and point the upload's discrepancy links (and their ids) at the new ids."""
    renamed: dict[str, str] = {}
    ids = [record.get("id") if isinstance(record, dict) else None for _, record, _ in records]
    in_use = taken | curated | {trial_id for trial_id in ids if isinstance(trial_id, str)}
    for trial_id in ids:
        if isinstance(trial_id, str) and trial_id in curated and trial_id not in renamed:
            renamed[trial_id] = user_version_id(trial_id, in_use | set(renamed.values()))
    for _, record, _ in records if renamed else ():
        if isinstance(record, dict):
            _rename_record(record, renamed)
    return renamed


def _rename_record(record: dict, renamed: dict[str, str]) -> None:
    owner = record.get("id")
    if isinstance(owner, str) and owner in renamed:
        record["id"] = renamed[owner]
    for item in record.get("discrepancies") or []:
        if not isinstance(item, dict) or not isinstance(item.get("values"), list):
            continue
        item["values"] = [_renamed_ref(ref, renamed) for ref in item["values"]]
        if owner in renamed and isinstance(item.get("id"), str):  # curated discrepancy ids stay curated
            item["id"] = item["id"][: ID_CHARS - len(USER_VERSION_SUFFIX)] + USER_VERSION_SUFFIX


def _renamed_ref(ref: object, renamed: dict[str, str]) -> object:
    if not isinstance(ref, str):
        return ref
    trial, colon, value = ref.partition(":")
    return f"{renamed[trial]}:{value}" if colon and trial in renamed else ref


def _attempted_values(records) -> set[str]:
    """``trial:value-id`` of every value the upload holds, valid or not."""
    refs = set()
    for _, record, _ in records:
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            for value in record.get("values") or []:
                if isinstance(value, dict) and isinstance(value.get("id"), str):
                    refs.add(f"{record['id']}:{value['id']}")
    return refs


def _without_rejected_values(evidence: schema.Evidence, attempted: set[str]) -> None:
    """Discrepancies lose the links to values that were rejected: each rejected value has its
    own problem, and a second one ("unknown value") about the same row would only confuse.
    A discrepancy left with fewer than two values is dropped."""
    loaded = {f"{v.trial}:{v.id}" for v in evidence.values}
    rejected = attempted - loaded
    kept = []
    for item in evidence.discrepancies:
        refs = tuple(ref for ref in item.values if ref not in rejected)
        if len(refs) == len(item.values):
            kept.append(item)
        elif len(refs) >= 2:
            kept.append(dataclasses.replace(item, values=refs))
    evidence.discrepancies = kept


def _unique_trials(records, uploaded: set[str], log: ProblemLog) -> list:
    """The records whose trial id this import has not brought already (the rest: a problem)."""
    seen: set[str] = set()
    checked: list = []
    for label, record, lines in records:
        trial_id = record.get("id") if isinstance(record, dict) else None
        if isinstance(trial_id, str) and (trial_id in uploaded or trial_id in seen):
            line = lines.get(("trial", 0)) if lines else None
            problem = Problem.of(
                label, "" if line else "trial", "id", "duplicate_trial_upload", line=line, id=shown(trial_id)
            )
            log.append(problem)
            continue
        if isinstance(trial_id, str):
            seen.add(trial_id)
        checked.append((label, record, lines))
    return checked


def _validate(records, result: ImportResult, log: ProblemLog, registry, texts, taken) -> None:
    curated, uploaded = taken
    known = {source.id: source for source in registry}
    user_sources = _user_sources((record for _, record, _ in records), known)
    result.evidence.sources = user_sources
    source_ids = set(known) | {source.id for source in user_sources}
    checked = _unique_trials(records, uploaded, log)
    renamed = _as_user_versions(checked, curated, uploaded)
    for label, record, lines in checked:
        loader = _TrialLoader(label, source_ids, texts, origin="user", problems=log, lines=lines)
        loader.load_data(record, result.evidence)
    loaded = {trial.id for trial in result.evidence.trials}
    result.user_versions = {curated_id: own for curated_id, own in renamed.items() if own in loaded}
    _without_rejected_values(result.evidence, _attempted_values(checked))
    cross: list[Problem] = []
    check_cross_references(result.evidence, cross)
    log.extend(cross)
    checked = (lambda source: texts.has(source)) if texts is not None else (lambda source: False)
    cited = [item.source for item in (*result.evidence.values, *result.evidence.arms) if item.source]
    result.unchecked = sum(1 for source in cited if source in known and not checked(source))


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
    """Several uploads as one result: trial ids must be unique across all of them (a curated
    trial's id comes in as the user's version of it, see :func:`read_upload`).

    At most :data:`MAX_FILES` files are read; each further one is a problem and is not read.
    """
    registry = list(registry)
    curated = set(taken_ids)
    uploaded: set[str] = set()
    merged = ImportResult()
    for index, (name, data) in enumerate(files):
        if index >= MAX_FILES:
            merged.problems.append(
                Problem.of(clip(name, NAME_CHARS), "", "", "too_many_files", max=MAX_FILES)
            )
            merged.problem_total += 1
            continue
        result = read_upload(name, data, registry, texts, curated, uploaded)
        # a later file may not bring the same trial again, by its own id or its curated one
        uploaded |= {trial.id for trial in result.evidence.trials} | set(result.user_versions)
        merged.user_versions.update(result.user_versions)
        merged.rows += result.rows
        merged.problems += result.problems
        merged.problem_total += result.problem_total
        merged.unchecked += result.unchecked
        known_sources = {source.id for source in merged.evidence.sources}
        merged.evidence.sources += [s for s in result.evidence.sources if s.id not in known_sources]
        for part in ("trials", "arms", "analyses", "values", "discrepancies"):
            getattr(merged.evidence, part).extend(getattr(result.evidence, part))
    return merged

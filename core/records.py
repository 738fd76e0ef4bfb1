"""Read and validate the curated record files.

:func:`load_evidence` reads ``sources.toml`` and every ``trials/*.toml`` and returns an
:class:`~core.schema.Evidence`: every record that passed, and a :class:`Problem` for every
rule that did not — never just the first. A bad value drops that value only; a bad trial
header drops that trial (its values cannot be placed without it); everything else loads.

When a sources folder is given, provenance is checked too: every snippet must be found in
its source text after :func:`core.text.squeeze`, and must contain every number of its
value (:meth:`core.text.NormalisedText.contains`, as :func:`core.text.contains_number`).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import safe_toml, schema
from core.problems import Problem, ProblemLog, listing, shown
from core.text import NormalisedText, squeeze

__all__ = ["Problem", "ProblemLog", "load_evidence", "load_sources", "parse_fields"]

Report = Callable[..., None]
"""``report(field, code, **params)``: record one problem of the current record."""

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
SOURCES_ENV = "EVIDENCE_SOURCES"
DEFAULT_SOURCES_DIR = PROJECT_ROOT.parent / "shared" / "sources"


def sources_dir_from_env() -> Path:
    """The folder holding the source texts: ``$EVIDENCE_SOURCES`` or ``../shared/sources``."""
    return Path(os.environ.get(SOURCES_ENV) or DEFAULT_SOURCES_DIR)


# --- field specifications ----------------------------------------------------------------


ID_CHARS = 64
"""Ids and references (trial, arm, analysis, value, source ids): at most this long."""
LABEL_CHARS = 300
"""Names, labels, populations, terms, list items: at most this long."""
TEXT_CHARS = 4_000
"""Notes, titles, regimens, summaries: at most this long (the longest curated note is 1,770)."""
MAX_LIST_ITEMS = 100
"""A list field (drugs, flags, registry ids…) holds at most this many items."""

_ID_NAMES = {"id", "analysis", "arm", "comparator", "source"}
_TEXT_NAMES = {"note", "note_zh", "title", "title_en", "condition", "control", "regimen", "regimen_zh"}
_TEXT_NAMES |= {"summary", "summary_zh", "citation", "control_zh"}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # str | int | number | bound | level | strlist | date
    required: bool = False
    vocab: Iterable[str] | None = None
    default: Any = None
    max_len: int = LABEL_CHARS  # characters of a text value (of each item of a list)


def _f(name, kind="str", required=False, vocab=None, default=None):
    if name in _ID_NAMES or vocab is not None:
        max_len = ID_CHARS
    elif name in _TEXT_NAMES:
        max_len = TEXT_CHARS
    else:
        max_len = LABEL_CHARS
    return Field(name, kind, required, tuple(vocab) if vocab is not None else None, default, max_len)


TRIAL_FIELDS = (
    _f("id", required=True),
    _f("name", required=True),
    _f("title", required=True),
    _f("cancer_type", required=True, vocab=schema.CANCER_TYPES),
    _f("setting", required=True, vocab=schema.SETTINGS),
    _f("line", required=True, vocab=schema.LINES),
    _f("phase", required=True, vocab=schema.PHASES),
    _f("design", required=True, vocab=schema.DESIGNS),
    _f("blinding", required=True, vocab=schema.BLINDING),
    _f("title_zh"),
    _f("name_zh"),
    _f("condition"),
    _f("condition_zh"),
    _f("registry_ids", "strlist"),
    _f("control"),
    _f("primary_endpoint", vocab=("", *schema.ENDPOINTS)),
    _f("drugs", "strlist"),
    _f("drugs_zh", "strlist"),
    _f("drug_classes", "strlist"),
    _f("presented", "strlist"),
    _f("note"),
    _f("note_zh"),
    _f("caveats", "strlist", vocab=schema.CAVEATS),
    _f("control_zh"),
    _f("drug_classes_zh", "strlist"),
)
TRIAL_TABLES = ("arms", "analyses", "values", "discrepancies")

ARM_FIELDS = (
    _f("id", required=True),
    _f("label", required=True),
    _f("label_zh"),
    _f("regimen"),
    _f("regimen_zh"),
    _f("role", vocab=("experimental", "control", "single", "cohort"), default="experimental"),
    _f("source"),
    _f("snippet"),
)

ANALYSIS_FIELDS = (
    _f("id", required=True),
    _f("label", required=True),
    _f("kind", required=True, vocab=schema.ANALYSIS_KINDS),
    _f("cutoff", "date"),
    _f("presented"),
    _f("label_zh"),
    _f("note"),
    _f("note_zh"),
)

VALUE_FIELDS = (
    _f("id", required=True),
    _f("analysis", required=True),
    _f("endpoint", required=True, vocab=schema.ENDPOINTS),
    _f("measure", required=True, vocab=schema.MEASURES),
    _f("unit", required=True, vocab=schema.UNITS),
    _f("source", required=True),
    _f("snippet", required=True),
    _f("evidence_kind", required=True, vocab=schema.EVIDENCE_KINDS),
    _f("value", "number"),
    _f("value_high", "number"),
    _f("qualifier", vocab=schema.QUALIFIERS, default="="),
    _f("timepoint", "number"),
    _f("ci_low", "bound"),
    _f("ci_high", "bound"),
    _f("ci_level", "level"),
    _f("p_value"),
    _f("arm"),
    _f("comparator"),
    _f("population", default="ITT"),
    _f("population_zh"),
    _f("term"),
    _f("term_zh"),
    _f("assessment", vocab=schema.ASSESSMENTS, default="not-stated"),
    _f("n", "int"),
    _f("n_total", "int"),
    _f("flags", "strlist", vocab=schema.FLAGS),
    _f("note"),
    _f("note_zh"),
)

DISCREPANCY_FIELDS = (
    _f("id", required=True),
    _f("kind", required=True, vocab=schema.DISCREPANCY_KINDS),
    _f("summary", required=True),
    _f("summary_zh"),
    _f("values", "strlist", required=True),
)

SOURCE_FIELDS = (
    _f("id", required=True),
    _f("kind", required=True, vocab=schema.SOURCE_KINDS),
    _f("title", required=True),
    _f("language", required=True, vocab=("zh", "en")),
    _f("script", required=True, vocab=("Hans", "Hant", "Latn")),
    _f("file", required=True),
    _f("section"),
    _f("title_en"),
    _f("outlet"),
    _f("date"),
    _f("urls", "strlist"),
    _f("citation"),
    _f("note"),
    _f("title_kind", vocab=schema.TITLE_KINDS, default="printed"),
)

_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")  # used with fullmatch: no trailing newline slips by


class Bad(tuple):
    """A conversion failure: ``(code, params)``."""


def _bad(code: str, **params: Any) -> Bad:
    return Bad((code, params))


def _as_str(field: Field, raw: Any):
    if not isinstance(raw, str):
        return _bad("not_text", got=shown(raw))
    if len(raw) > field.max_len:
        return _bad("too_long", length=len(raw), max=field.max_len)
    return raw


def _as_strlist(field: Field, raw: Any):
    if not (isinstance(raw, list) and all(isinstance(item, str) for item in raw)):
        return _bad("not_text_list", got=shown(raw))
    if len(raw) > MAX_LIST_ITEMS:
        return _bad("too_many_items", count=len(raw), max=MAX_LIST_ITEMS)
    longest = max((len(item) for item in raw), default=0)
    if longest > field.max_len:
        return _bad("too_long", length=longest, max=field.max_len)
    return tuple(raw)


def _is_number(raw: Any) -> bool:
    return isinstance(raw, (int, float)) and not isinstance(raw, bool)


def _as_count(field: Field, raw: Any):
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    return _bad("not_count", got=shown(raw))


def _as_number(field: Field, raw: Any):
    if field.kind == "bound" and raw in schema.OPEN_CI_BOUNDS:
        return raw
    if _is_number(raw):
        return raw if math.isfinite(raw) else _bad("not_finite", got=shown(raw))
    return _bad("not_bound" if field.kind == "bound" else "not_number", got=shown(raw))


def _as_level(field: Field, raw: Any):
    if raw == "unknown" or raw in schema.CI_LEVELS and not isinstance(raw, bool):
        return raw
    return _bad("ci_level_invalid", levels=", ".join(map(str, schema.CI_LEVELS)), got=shown(raw))


def _as_date(field: Field, raw: Any):
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, str) and len(raw) <= 10:
        try:
            dt.date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            return raw
    return _bad("not_date", got=shown(raw))


_CONVERTERS: dict[str, Callable[[Field, Any], Any]] = {
    "str": _as_str,
    "strlist": _as_strlist,
    "int": _as_count,
    "number": _as_number,
    "bound": _as_number,
    "level": _as_level,
    "date": _as_date,
}


def _check_kind(field: Field, raw: Any) -> tuple[Any, tuple[str, dict] | None]:
    """Convert one raw TOML value to the field's type, or say why it cannot be:
    ``(value, None)`` or ``(None, (code, params))``."""
    digits = safe_toml.long_number_digits(raw)
    if digits is not None:
        return None, ("number_too_long", {"digits": digits, "max": safe_toml.MAX_DIGITS})
    converted = _CONVERTERS[field.kind](field, raw)
    if isinstance(converted, Bad):
        return None, tuple(converted)
    return converted, None


def _check_field(field: Field, raw: Any, report: Report) -> tuple[bool, Any]:
    """One present field: type, vocabulary, non-empty. ``(ok, value)``; problems reported."""
    value, bad = _check_kind(field, raw)
    if bad:
        code, params = bad
        report(field.name, code, **params)
        return False, None
    if field.vocab is not None:
        items = value if isinstance(value, tuple) else (value,)
        unknown = [item for item in items if item not in field.vocab]
        if unknown:
            allowed = ", ".join(v for v in field.vocab if v)
            report(
                field.name,
                "unknown_value",
                name=field.name,
                value=listing(map(repr, unknown)),
                allowed=allowed,
            )
            return False, None
    if field.required and value == "":
        report(field.name, "required_nonempty")
        return False, None
    return True, value


def parse_fields(table: Any, fields: tuple[Field, ...], report: Report) -> dict[str, Any] | None:
    """Check one TOML table against its field list.

    Reports every problem through ``report(field, code, **params)`` and returns the
    converted fields (defaults filled in), or ``None`` if any problem was found.

    A table of one of this module's field lists is first tried by its :class:`_FieldPlan`,
    which only answers "clean" (with the same fields) or "look closer"; anything it does not
    accept is checked field by field below, which finds and words every problem.
    """
    plan = _PLANS.get(id(fields))
    if plan is not None and plan.fields is fields:
        clean = plan.clean(table)
        if clean is not None:
            return clean
    return _parse_fields(table, fields, report)


def _parse_fields(table: Any, fields: tuple[Field, ...], report: Report) -> dict[str, Any] | None:
    """:func:`parse_fields`, field by field: every problem reported, in field order."""
    if not isinstance(table, dict):
        report("", "not_table", got=type(table).__name__)
        return None
    known = {field.name: field for field in fields}
    unknown = [name for name in table if name not in known and name not in TRIAL_TABLES]
    for name in unknown[:20]:
        report(shown(name)[1:-1], "unknown_field", known=", ".join(sorted(known)))
    ok = not unknown
    out: dict[str, Any] = {}
    for field in fields:
        if field.name in table:
            good, value = _check_field(field, table[field.name], report)
            ok = ok and good
            if good:
                out[field.name] = value
        elif field.required:
            report(field.name, "required")
            ok = False
        elif field.default is not None:
            out[field.name] = field.default
    return out if ok else None


# --- the common case, checked quickly -----------------------------------------------------------

_BAD = object()
"""What an acceptor (:func:`_acceptor`) returns for a value it does not pass as it is."""
_ABSENT = object()

_SMALL_INT = 1 << 62
"""An integer strictly within ``±_SMALL_INT`` is finite to ``math.isfinite``; a larger one may
not even convert to a float (``OverflowError``), so it goes the long way, as it always did."""


def _accept_text(field: Field) -> Callable[[Any], Any]:
    """A plain text: a ``str`` within the length, not a marked long number, non-empty if
    required. (A text starting with NUL may be such a mark: it goes the long way.)"""
    shortest, longest = (1 if field.required else 0), field.max_len

    def accept(raw: Any) -> Any:
        if type(raw) is str and shortest <= len(raw) <= longest and raw[:1] != "\x00":
            return raw
        return _BAD

    return accept


def _accept_word(field: Field) -> Callable[[Any], Any]:
    """A vocabulary text: one of the words that pass every rule of the field."""
    words = _passing_words(field)

    def accept(raw: Any) -> Any:
        return raw if type(raw) is str and raw in words else _BAD

    return accept


def _passing_words(field: Field) -> frozenset[str]:
    """The field's vocabulary, less any word its length or non-empty rule would refuse."""
    return frozenset(
        word
        for word in field.vocab or ()
        if len(word) <= field.max_len and word[:1] != "\x00" and not (field.required and word == "")
    )


def _accept_list(field: Field) -> Callable[[Any], Any]:
    """A list of texts, each within the length (and a vocabulary word, when there is one)."""
    words = _passing_words(field) if field.vocab is not None else None
    longest = field.max_len

    def accept(raw: Any) -> Any:
        if type(raw) is not list or len(raw) > MAX_LIST_ITEMS:
            return _BAD
        if raw and (set(map(type, raw)) != {str} or max(map(len, raw)) > longest):
            return _BAD
        if words is not None and not words.issuperset(raw):
            return _BAD
        return tuple(raw)

    return accept


def _accept_number(field: Field) -> Callable[[Any], Any]:
    """A finite float or a modest integer; for a CI bound, also NR or NE."""
    open_bounds = schema.OPEN_CI_BOUNDS if field.kind == "bound" else ()

    def accept(raw: Any) -> Any:
        kind = type(raw)
        if kind is float and math.isfinite(raw) or kind is int and -_SMALL_INT < raw < _SMALL_INT:
            return raw
        return raw if kind is str and raw in open_bounds else _BAD

    return accept


def _accept_count(field: Field) -> Callable[[Any], Any]:
    def accept(raw: Any) -> Any:
        return raw if type(raw) is int and raw >= 0 else _BAD

    return accept


def _accept_level(field: Field) -> Callable[[Any], Any]:
    levels = frozenset(schema.CI_LEVELS)

    def accept(raw: Any) -> Any:
        kind = type(raw)
        return raw if kind is int and raw in levels or kind is str and raw == "unknown" else _BAD

    return accept


def _accept_date(field: Field) -> Callable[[Any], Any]:
    def accept(raw: Any) -> Any:
        if type(raw) is dt.date:
            return raw.isoformat()
        if type(raw) is str and len(raw) <= 10 and raw[:1] != "\x00":
            try:
                dt.date.fromisoformat(raw)
            except ValueError:
                return _BAD
            return raw
        return _BAD

    return accept


_ACCEPTORS: dict[str, Callable[[Field], Callable[[Any], Any]]] = {
    "strlist": _accept_list,
    "int": _accept_count,
    "number": _accept_number,
    "bound": _accept_number,
    "level": _accept_level,
    "date": _accept_date,
}


def _acceptor(field: Field) -> Callable[[Any], Any]:
    """``accept(raw)``: the value :func:`_check_field` would make of ``raw`` if it reports
    nothing, or :data:`_BAD` — also for some values it would pass (a ``str`` subclass, a
    ``datetime``, a float CI level): those go the long way, and get the same answer there."""
    if field.kind == "str":
        return _accept_text(field) if field.vocab is None else _accept_word(field)
    return _ACCEPTORS[field.kind](field)


class _FieldPlan:
    """A field list made ready once, to pass a clean table with a few checks per field.

    Validating a large corpus is mostly tables where nothing is wrong; the generic checks
    (:func:`_check_field`: a converter looked up by kind, a long-number test, a vocabulary
    scan, for every value) were most of its time. A plan's :meth:`clean` says only whether a
    table is clean, and never reports: every table it does not pass is checked again by the
    generic checks, so each problem, its wording and its order are theirs.
    """

    def __init__(self, fields: tuple[Field, ...]):
        self.fields = fields
        self.allowed_keys = frozenset(field.name for field in fields) | frozenset(TRIAL_TABLES)
        self.required_keys = frozenset(field.name for field in fields if field.required)
        self.steps = tuple((field.name, field.default, _acceptor(field)) for field in fields)

    def clean(self, table: Any) -> dict[str, Any] | None:
        """The fields :func:`_parse_fields` would return for ``table`` when it has no
        problem (same values, same order), or ``None``: it may have one."""
        if type(table) is not dict:
            return None
        keys = table.keys()
        if not (keys <= self.allowed_keys and keys >= self.required_keys):
            return None
        out: dict[str, Any] = {}
        get = table.get
        for name, default, accept in self.steps:
            raw = get(name, _ABSENT)
            if raw is _ABSENT:
                if default is not None:
                    out[name] = default
                continue
            value = accept(raw)
            if value is _BAD:
                return None
            out[name] = value
        return out


_PLANS = {
    id(fields): _FieldPlan(fields)
    for fields in (TRIAL_FIELDS, ARM_FIELDS, ANALYSIS_FIELDS, VALUE_FIELDS, DISCREPANCY_FIELDS, SOURCE_FIELDS)
}
"""The plan of each of this module's field lists, by the list's identity (a plan holds its
list, so that identity cannot be reused while the plan lives)."""


# --- source texts -------------------------------------------------------------------------


def _section(text: str, section: str) -> str | None:
    """The body of ``## section`` in reference-figures.md, up to the next heading or rule."""
    match = re.search(rf"^## {re.escape(section)}\s*$", text, flags=re.MULTILINE)
    if not match:
        return None
    rest = text[match.end() :]
    end = re.search(r"^(## |---)", rest, flags=re.MULTILINE)
    return rest[: end.start()] if end else rest


class SourceTexts:
    """The squeezed text of every registered source, read once."""

    def __init__(self, sources_dir: Path):
        self.dir = sources_dir
        self._squeezed: dict[str, str] = {}

    def load(self, source: schema.Source, report: Callable[[str, str], None]) -> None:
        path = self.dir / source.file
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            report("file", "source_text_missing", path=str(path))
            return
        except (OSError, UnicodeDecodeError) as exc:
            report("file", "source_text_unreadable", path=str(path), detail=shown(str(exc)))
            return
        if source.section:
            body = _section(text, source.section)
            if body is None:
                report("section", "section_missing", section=source.section, file=source.file)
                return
            text = body
        self._squeezed[source.id] = squeeze(text)

    def has(self, source_id: str) -> bool:
        return source_id in self._squeezed

    def contains(self, source_id: str, snippet: str) -> bool:
        return squeeze(snippet) in self._squeezed[source_id]

    def holds(self, source_id: str, snippet: NormalisedText) -> bool:
        """:meth:`contains` for a snippet already normalised."""
        return snippet.squeezed() in self._squeezed[source_id]


# --- loading ----------------------------------------------------------------------------------


def parse_toml(text: str, problems, label: str) -> dict | None:
    """Parse record text behind :mod:`core.safe_toml`'s guard; a refusal is a problem."""
    try:
        return safe_toml.loads(text)
    except safe_toml.TomlRefused as exc:
        problems.append(Problem.of(label, "", "", exc.code, line=exc.line, **exc.params))
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem.of(label, "", "", "not_toml", detail=str(exc)))
    except RecursionError:  # past the pre-scan's depth guard: one broken file, never a crash
        problems.append(Problem.of(label, "", "", "not_toml", detail="nested too deeply"))
    return None


def _read_toml(path: Path, problems, label: str) -> dict | None:
    try:
        size = path.stat().st_size
        if size > safe_toml.MAX_TOML_BYTES:  # not even read into memory
            problems.append(Problem.of(label, "", "", "too_large", size=size, max=safe_toml.MAX_TOML_BYTES))
            return None
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem.of(label, "", "", "not_utf8", detail=str(exc)))
        return None
    except OSError as exc:
        problems.append(Problem.of(label, "", "", "unreadable", detail=str(exc.strerror or exc)))
        return None
    return parse_toml(text.removeprefix("\ufeff"), problems, label)


def load_sources(path: Path, problems: list[Problem], texts: SourceTexts | None) -> list[schema.Source]:
    label = path.name
    log = ProblemLog(label)
    sources = _load_sources(path, log, texts)
    problems.extend(log.problems())
    return sources


def _load_sources(path: Path, problems: ProblemLog, texts: SourceTexts | None) -> list[schema.Source]:
    label = path.name
    data = _read_toml(path, problems, label)
    if data is None:
        return []
    sources: list[schema.Source] = []
    seen: set[str] = set()
    tables = data.get("sources", [])
    if not isinstance(tables, list):
        problems.append(Problem.of(label, "sources", "", "not_array_of_tables", table="sources"))
        return []
    for index, table in enumerate(tables):
        record = _record_label("sources", index, table)

        def report(field: str, code: str, record: str = record, **params: Any) -> None:
            problems.append(Problem.of(label, record, field, code, **params))

        fields = parse_fields(table, SOURCE_FIELDS, report)
        if fields is None:
            continue
        if fields["id"] in seen:
            report("id", "duplicate_source_id", id=shown(fields["id"]))
            continue
        seen.add(fields["id"])
        source = schema.Source(**fields)
        if texts is not None:
            texts.load(source, report)
        sources.append(source)
    return sources


def _record_label(table: str, index: int, item: Any) -> str:
    """``values[3] (id=pfs)``: where a record is, its id shortened (ids are input)."""
    record = f"{table}[{index}]"
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        record += f" (id={shown(item['id'], 40)[1:-1]})"
    return record


class _TrialLoader:
    """Loads one trial file; collects its problems; keeps what is valid.

    ``lines`` maps ``(table, index)`` (and ``("trial", 0)``) to the CSV line a record came
    from: problems of a CSV upload then cite that line instead of ``values[4]``.
    """

    def __init__(
        self,
        label: str,
        source_ids: set[str],
        texts: SourceTexts | None,
        origin: str = "curated",
        problems: ProblemLog | None = None,
        lines: dict[tuple[str, int], int] | None = None,
    ):
        self.label = label
        self.source_ids = source_ids
        self.texts = texts
        self.origin = origin
        self.problems = problems if problems is not None else ProblemLog(label)
        self.lines = lines
        self._arms_seen = 0

    def reporter(self, record: str, line: int | None = None) -> Report:
        if line is not None:
            record = ""  # a CSV line says where; the record index would not

        def report(field: str, code: str, **params: Any) -> None:
            self.problems.append(Problem.of(self.label, record, field, code, line=line, **params))

        return report

    def _line(self, table: str, index: int = 0) -> int | None:
        return self.lines.get((table, index)) if self.lines else None

    def load_file(self, path: Path, evidence: schema.Evidence) -> None:
        """Load a trial file; its ``id`` must match the file name."""
        data = _read_toml(path, self.problems, self.label)
        if data is not None:
            self.load_data(data, evidence, expected_id=path.stem)

    def _header(self, data: dict, expected_id: str | None) -> dict | None:
        header = {key: value for key, value in data.items() if key not in TRIAL_TABLES}
        report = self.reporter("trial", self._line("trial"))
        fields = parse_fields(header, TRIAL_FIELDS, report)
        if fields is not None and expected_id is not None and fields["id"] != expected_id:
            report("id", "id_mismatch", expected=expected_id, got=shown(fields["id"]))
            fields = None
        if fields is not None and not _ID.fullmatch(fields["id"]):
            report("id", "bad_id", got=shown(fields["id"]))
            fields = None
        for table in TRIAL_TABLES:
            if table in data and not isinstance(data[table], list):
                self.reporter(table)("", "not_array_of_tables", table=table)
                data[table] = []
        if fields is None:
            report("", "header_invalid", count=len(data.get("values", [])))
        return fields

    def load_data(self, data: dict, evidence: schema.Evidence, expected_id: str | None = None) -> None:
        """Validate one parsed trial record and add what is valid to ``evidence``."""
        if not isinstance(data, dict):
            self.reporter("trial")("", "not_table", got=type(data).__name__)
            return
        fields = self._header(data, expected_id)
        if fields is None:
            return
        trial = schema.Trial(file=self.label, origin=self.origin, **fields)
        arms = self._load_children(data, "arms", ARM_FIELDS, self._check_arm, trial.id)
        analyses = self._load_analyses(data, trial.id)
        arm_ids = {arm.id for arm in arms}
        analysis_ids = {analysis.id for analysis in analyses}
        values = self._load_values(data, trial.id, arm_ids, analysis_ids)
        discrepancies = self._load_children(
            data, "discrepancies", DISCREPANCY_FIELDS, self._check_discrepancy, trial.id
        )
        evidence.trials.append(trial)
        evidence.arms.extend(arms)
        evidence.analyses.extend(analyses)
        evidence.values.extend(values)
        evidence.discrepancies.extend(discrepancies)

    def _items(self, data: dict, table: str):
        """``(index, item, report)`` for each record of ``table``."""
        for index, item in enumerate(data.get(table, [])):
            yield index, item, self._item_reporter(table, index, item)

    def _item_reporter(self, table: str, index: int, item: Any) -> Report:
        """:meth:`reporter` for one record, whose label (``values[3] (id=pfs)``) is made only
        if a problem is reported: most records have none. (Validation never changes an item,
        so the label is the one it would have been when the record was reached.)"""
        line = self._line(table, index)

        def report(field: str, code: str, **params: Any) -> None:
            record = _record_label(table, index, item) if line is None else ""
            self.problems.append(Problem.of(self.label, record, field, code, line=line, **params))

        return report

    def _load_children(self, data, table, fields_spec, check, trial_id):
        out, seen = [], set()
        for _, item, report in self._items(data, table):
            fields = parse_fields(item, fields_spec, report)
            if fields is None:
                continue
            if fields["id"] in seen:
                report("id", "duplicate_id", id=shown(fields["id"]), table=table)
                continue
            record = check(fields, trial_id, report)
            if record is not None:
                seen.add(fields["id"])
                out.append(record)
        return out

    def _load_analyses(self, data, trial_id):
        out, seen = [], set()
        for index, item, report in self._items(data, "analyses"):
            fields = parse_fields(item, ANALYSIS_FIELDS, report)
            if fields is None:
                continue
            if fields["id"] in seen:
                report("id", "duplicate_id", id=shown(fields["id"]), table="analyses")
                continue
            seen.add(fields["id"])
            out.append(schema.Analysis(trial=trial_id, sequence=index, **fields))
        return out

    def _check_snippet(self, source: str, snippet: str, numbers: dict[str, Any], report) -> bool:
        ok = True
        if source not in self.source_ids:
            report("source", "unknown_source", source=shown(source))
            return False
        if len(snippet) > schema.SNIPPET_MAX_CHARS:
            report("snippet", "snippet_too_long", length=len(snippet), max=schema.SNIPPET_MAX_CHARS)
            ok = False
        if not snippet.strip():
            report("snippet", "snippet_empty")
            return False
        written = NormalisedText(snippet)  # normalised once, for all its numbers and its source
        for name, number in numbers.items():
            if isinstance(number, (int, float)) and not written.contains(number):
                report(name, "number_not_in_snippet", number=shown(number), snippet=shown(snippet))
                ok = False
        if self.texts is not None and self.texts.has(source) and not self.texts.holds(source, written):
            report("snippet", "snippet_not_in_source", snippet=shown(snippet), source=shown(source))
            ok = False
        return ok

    def _check_arm(self, fields, trial_id, report):
        if fields.get("snippet") and not fields.get("source"):
            report("source", "source_required_with_snippet")
            return None
        if fields.get("source") and not fields.get("snippet"):
            report("snippet", "snippet_required_with_source")
            return None
        if fields.get("source") and not self._check_snippet(fields["source"], fields["snippet"], {}, report):
            return None
        return schema.Arm(trial=trial_id, position=self._arm_count(), **fields)

    def _arm_count(self) -> int:
        self._arms_seen += 1
        return self._arms_seen

    def _check_discrepancy(self, fields, trial_id, report):
        refs = fields["values"]
        if len(refs) < 2:
            report("values", "discrepancy_too_few")
            return None
        bad = [ref for ref in refs if ref.count(":") != 1 or not all(ref.split(":"))]
        if bad:
            report("values", "discrepancy_bad_ref", got=listing(map(repr, bad)))
            return None
        return schema.Discrepancy(trial=trial_id, **fields)

    def _load_values(self, data, trial_id, arm_ids, analysis_ids):
        out, seen = [], set()
        for index, item, report in self._items(data, "values"):
            fields = parse_fields(item, VALUE_FIELDS, report)
            if fields is None:
                continue
            if fields["id"] in seen:
                report("id", "duplicate_value_id", id=shown(fields["id"]))
                continue
            if self._check_value(fields, arm_ids, analysis_ids, report):
                seen.add(fields["id"])
                out.append(schema.Value(trial=trial_id, position=index, **fields))
        return out

    def _check_value(self, v: dict, arm_ids: set[str], analysis_ids: set[str], report) -> bool:
        checks = [
            _check_references(v, arm_ids, analysis_ids, report),
            _check_estimate(v, report),
            _check_interval(v, report),
            _check_ranges(v, report),
        ]
        numbers = {name: v.get(name) for name in schema.NUMERIC_FIELDS_IN_SNIPPET}
        checks.append(self._check_snippet(v["source"], v["snippet"], numbers, report))
        return all(checks)


def _check_references(v, arm_ids, analysis_ids, report) -> bool:
    ok = True
    if v["analysis"] not in analysis_ids:
        report(
            "analysis",
            "unknown_analysis",
            value=shown(v["analysis"]),
            defined=listing(sorted(analysis_ids)) or "—",
        )
        ok = False
    for name in ("arm", "comparator"):
        if v.get(name) and v[name] not in arm_ids:
            report(name, "unknown_arm", value=shown(v[name]), defined=listing(sorted(arm_ids)) or "—")
            ok = False
    if v.get("comparator") and v.get("comparator") == v.get("arm"):
        report("comparator", "comparator_is_arm")
        ok = False
    if v["unit"] not in schema.MEASURE_UNITS[v["measure"]]:
        allowed = ", ".join(schema.MEASURE_UNITS[v["measure"]])
        report("unit", "unit_measure", unit=v["unit"], measure=v["measure"], allowed=allowed)
        ok = False
    if v["endpoint"] == "PATIENTS" and v.get("term", "") not in schema.COUNT_TERMS:
        report("term", "count_term", terms=", ".join(schema.COUNT_TERMS), got=shown(v.get("term", "")))
        ok = False
    if v["measure"] == "landmark" and not (
        isinstance(v.get("timepoint"), (int, float)) and v["timepoint"] > 0
    ):
        report("timepoint", "landmark_timepoint")
        ok = False
    return ok


def _check_estimate(v, report) -> bool:
    qualifier = v["qualifier"]
    if qualifier == "not-reached":
        if "value" in v:
            report("value", "value_with_not_reached")
            return False
    elif "value" not in v:
        report("value", "value_required")
        return False
    if qualifier == "range":
        if "value_high" not in v:
            report("value_high", "value_high_required")
            return False
        if v["value_high"] <= v["value"]:
            report(
                "value_high", "value_high_not_greater", high=shown(v["value_high"]), value=shown(v["value"])
            )
            return False
    elif "value_high" in v:
        report("value_high", "value_high_only_range")
        return False
    if "n" in v and "n_total" in v and v["n"] > v["n_total"]:
        report("n", "count_exceeds_total", n=shown(v["n"]), total=shown(v["n_total"]))
        return False
    return True


def _check_interval(v, report) -> bool:
    low, high = v.get("ci_low"), v.get("ci_high")
    if low is None and high is None:
        if "ci_level" in v:
            report("ci_level", "ci_level_without_bounds")
            return False
        return True
    if "ci_level" not in v:
        report("ci_level", "ci_level_required")
        return False
    if low in schema.OPEN_CI_BOUNDS:
        report("ci_low", "ci_low_open", low=low)
        return False
    numeric_low = isinstance(low, (int, float))
    numeric_high = isinstance(high, (int, float))
    if numeric_low and numeric_high and low > high:
        report("ci_low", "ci_reversed", low=shown(low), high=shown(high))
        return False
    value = v.get("value")
    outside = (numeric_low and value < low) or (numeric_high and value > high) if value is not None else False
    if outside and v["qualifier"] in ("=", "~"):
        report("value", "ci_outside", value=shown(value), low=shown(low), high=shown(high))
        return False
    return True


_RANGED = ("value", "value_high", "ci_low", "ci_high")
"""The numbers of a value whose range is checked (a CI bound may be NR or NE: not a number)."""


def _check_ranges(v, report) -> bool:
    ok = True
    numbers = {name: n for name in _RANGED if isinstance(n := v.get(name), (int, float))}
    if v["unit"] == "percent":
        for name, number in numbers.items():
            if not 0 <= number <= 100:
                report(name, "rate_range", got=shown(number))
                ok = False
    if v["measure"] == "hr":
        for name, number in numbers.items():
            if number <= 0:
                report(name, "hr_positive", got=shown(number))
                ok = False
    elif v["unit"] in ("months", "years", "patients"):
        for name, number in numbers.items():
            if number < 0:
                report(name, "negative", got=shown(number))
                ok = False
    limit = PLAUSIBLE_MAXIMUM.get(v["unit"], 1e9)
    for name, number in numbers.items():
        if number > limit:
            report(name, "implausible", unit=v["unit"], got=shown(number), max=f"{limit:g}")
            ok = False
    return ok


PLAUSIBLE_MAXIMUM = {"months": 1200, "years": 150, "ratio": 1000, "patients": 10_000_000, "EUR-per-year": 1e8}
"""Upper bounds no real figure reaches: a larger number is a typo or hostile input."""


def check_cross_references(evidence: schema.Evidence, problems: list[Problem]) -> None:
    """Discrepancies may name values in any file, so they are checked after everything loads.

    Problems are capped per file like every other problem (:class:`ProblemLog`)."""
    evidence.discrepancies = check_discrepancy_links(
        evidence.discrepancies,
        {f"{v.trial}:{v.id}" for v in evidence.values},
        {t.id: t.file for t in evidence.trials},
        problems,
    )


def check_discrepancy_links(
    discrepancies: list[schema.Discrepancy],
    value_keys: set[str],
    file_of: dict[str, str],
    problems: list[Problem],
) -> list[schema.Discrepancy]:
    """:func:`check_cross_references` from what it needs of the records: every value's
    ``trial:id`` and each trial's file (a streamed build holds no more than that). Returns the
    discrepancies whose links all resolve; adds a problem for each other one, and for a
    discrepancy id used twice."""
    logs: dict[str, ProblemLog] = {}

    def report(trial: str, item: schema.Discrepancy, field: str, code: str, **params: Any) -> None:
        file = file_of.get(trial, trial)
        log = logs.setdefault(file, ProblemLog(file))
        record = f"discrepancies (id={shown(item.id, 40)[1:-1]})"
        log.append(Problem.of(file, record, field, code, **params))

    kept = []
    for item in discrepancies:
        missing = [ref for ref in item.values if ref not in value_keys]
        if missing:
            report(item.trial, item, "values", "unknown_value_ref", refs=listing(map(repr, missing)))
            continue
        kept.append(item)
    seen: dict[str, str] = {}
    for item in kept:
        if item.id in seen:
            report(item.trial, item, "id", "duplicate_discrepancy", other=seen[item.id])
        seen.setdefault(item.id, file_of[item.trial])
    for log in logs.values():
        problems.extend(log.problems())
    return kept


def load_evidence(
    data_dir: Path | str = DEFAULT_DATA_DIR,
    sources_dir: Path | str | None = None,
    trial_names: Iterable[str] | None = None,
    cross_check: bool = True,
) -> schema.Evidence:
    """Load and validate a data folder.

    Parameters
    ----------
    data_dir : path
        Folder with ``sources.toml`` and ``trials/*.toml``.
    sources_dir : path, optional
        Folder with the source texts. When given, every snippet is checked against its
        source; when ``None`` (the app at run time) only the records themselves are checked.

    trial_names : iterable of str, optional
        Only these files of ``trials/`` (a part of a large corpus loaded in parallel).
    cross_check : bool
        Check discrepancy links across files; a caller loading parts checks once, after.

    Returns
    -------
    Evidence
        The valid records, and ``errors``: every :class:`Problem`, sorted by location.
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    texts = None
    if sources_dir is not None:
        sources_dir = Path(sources_dir)
        if not sources_dir.is_dir():
            problems.append(Problem.of(str(sources_dir), "", "", "source_folder_missing"))
        else:
            texts = SourceTexts(sources_dir)
    evidence = schema.Evidence()
    sources_path = data_dir / "sources.toml"
    if sources_path.exists():
        evidence.sources = load_sources(sources_path, problems, texts)
    else:
        problems.append(Problem.of("sources.toml", "", "", "sources_missing", folder=str(data_dir)))
    source_ids = {source.id for source in evidence.sources}
    if trial_names is None:
        trial_files = sorted((data_dir / "trials").glob("*.toml"))
    else:
        trial_files = [data_dir / "trials" / name for name in trial_names]
    if not trial_files and trial_names is None:
        problems.append(Problem.of("trials/", "", "", "no_trial_files", folder=str(data_dir / "trials")))
    for path in trial_files:
        loader = _TrialLoader(f"trials/{path.name}", source_ids, texts)
        loader.load_file(path, evidence)
        problems.extend(loader.problems.problems())
    if cross_check:
        check_cross_references(evidence, problems)
    evidence.errors = problems
    return evidence

"""Read and validate the curated record files.

:func:`load_evidence` reads ``sources.toml`` and every ``trials/*.toml`` and returns an
:class:`~core.schema.Evidence`: every record that passed, and a :class:`Problem` for every
rule that did not — never just the first. A bad value drops that value only; a bad trial
header drops that trial (its values cannot be placed without it); everything else loads.

When a sources folder is given, provenance is checked too: every snippet must be found in
its source text after :func:`core.text.squeeze`, and must contain every number of its
value (:func:`core.text.contains_number`).
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

from core import schema
from core.text import contains_number, squeeze

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
SOURCES_ENV = "EVIDENCE_SOURCES"
DEFAULT_SOURCES_DIR = PROJECT_ROOT.parent / "shared" / "sources"


@dataclass(frozen=True, order=True)
class Problem:
    """One validation failure, located precisely enough to fix it."""

    file: str
    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, self.record, self.field) if part)
        return f"{where}: {self.reason}"


def sources_dir_from_env() -> Path:
    """The folder holding the source texts: ``$EVIDENCE_SOURCES`` or ``../shared/sources``."""
    return Path(os.environ.get(SOURCES_ENV) or DEFAULT_SOURCES_DIR)


# --- field specifications ----------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # str | int | number | bound | level | strlist | date
    required: bool = False
    vocab: Iterable[str] | None = None
    default: Any = None


def _f(name, kind="str", required=False, vocab=None, default=None):
    return Field(name, kind, required, tuple(vocab) if vocab is not None else None, default)


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

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _check_kind(field: Field, raw: Any) -> tuple[Any, str | None]:
    """Convert one raw TOML value to the field's type, or say why it cannot be."""
    kind = field.kind
    if kind == "str":
        return (raw, None) if isinstance(raw, str) else (None, f"must be text, got {raw!r}")
    if kind == "strlist":
        if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
            return tuple(raw), None
        return None, f"must be a list of text, got {raw!r}"
    if kind == "int":
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            return raw, None
        return None, f"must be a whole number ≥ 0, got {raw!r}"
    if kind in ("number", "bound"):
        if kind == "bound" and raw in schema.OPEN_CI_BOUNDS:
            return raw, None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if math.isfinite(raw):
                return raw, None
            return None, f"must be a finite number, got {raw!r}"
        allowed = " or 'NR' / 'NE'" if kind == "bound" else ""
        return None, f"must be a number{allowed}, got {raw!r}"
    if kind == "level":
        if raw == "unknown" or raw in schema.CI_LEVELS and not isinstance(raw, bool):
            return raw, None
        levels = ", ".join(str(level) for level in schema.CI_LEVELS)
        return None, f"must be one of {levels} or 'unknown', got {raw!r}"
    if kind == "date":
        if isinstance(raw, dt.date):
            return raw.isoformat(), None
        if isinstance(raw, str):
            try:
                dt.date.fromisoformat(raw)
            except ValueError:
                return None, f"must be an ISO date (YYYY-MM-DD), got {raw!r}"
            return raw, None
        return None, f"must be an ISO date (YYYY-MM-DD), got {raw!r}"
    raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover


def parse_fields(
    table: Any, fields: tuple[Field, ...], report: Callable[[str, str], None]
) -> dict[str, Any] | None:
    """Check one TOML table against its field list.

    Reports every problem through ``report(field, reason)`` and returns the converted
    fields (defaults filled in), or ``None`` if any problem was found.
    """
    if not isinstance(table, dict):
        report("", f"must be a table, got {type(table).__name__}")
        return None
    known = {field.name: field for field in fields}
    ok = True
    for name in table:
        if name not in known and name not in TRIAL_TABLES:
            report(name, f"unknown field (known: {', '.join(sorted(known))})")
            ok = False
    out: dict[str, Any] = {}
    for field in fields:
        if field.name not in table:
            if field.required:
                report(field.name, "is required")
                ok = False
            elif field.default is not None:
                out[field.name] = field.default
            continue
        value, reason = _check_kind(field, table[field.name])
        if reason:
            report(field.name, reason)
            ok = False
            continue
        if field.vocab is not None:
            items = value if isinstance(value, tuple) else (value,)
            unknown = [item for item in items if item not in field.vocab]
            if unknown:
                choices = ", ".join(v for v in field.vocab if v)
                report(
                    field.name, f"unknown {field.name} {', '.join(map(repr, unknown))} (allowed: {choices})"
                )
                ok = False
                continue
        if field.required and value == "":
            report(field.name, "is required and must not be empty")
            ok = False
            continue
        out[field.name] = value
    return out if ok else None


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
            report("file", f"source text {path} not found")
            return
        except (OSError, UnicodeDecodeError) as exc:
            report("file", f"source text {path} cannot be read: {exc}")
            return
        if source.section:
            body = _section(text, source.section)
            if body is None:
                report("section", f"no section '## {source.section}' in {source.file}")
                return
            text = body
        self._squeezed[source.id] = squeeze(text)

    def has(self, source_id: str) -> bool:
        return source_id in self._squeezed

    def contains(self, source_id: str, snippet: str) -> bool:
        return squeeze(snippet) in self._squeezed[source_id]


# --- loading ----------------------------------------------------------------------------------


def _read_toml(path: Path, problems: list[Problem], label: str) -> dict | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(label, "", "", f"is not valid TOML: {exc}"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, "", "", f"is not UTF-8 text: {exc}"))
    except OSError as exc:
        problems.append(Problem(label, "", "", f"cannot be read: {exc}"))
    return None


def load_sources(path: Path, problems: list[Problem], texts: SourceTexts | None) -> list[schema.Source]:
    label = path.name
    data = _read_toml(path, problems, label)
    if data is None:
        return []
    sources: list[schema.Source] = []
    seen: set[str] = set()
    for index, table in enumerate(data.get("sources", [])):
        record = f"sources[{index}]"
        if isinstance(table, dict) and isinstance(table.get("id"), str):
            record += f" (id={table['id']})"

        def report(field: str, reason: str, record: str = record) -> None:
            problems.append(Problem(label, record, field, reason))

        fields = parse_fields(table, SOURCE_FIELDS, report)
        if fields is None:
            continue
        if fields["id"] in seen:
            report("id", f"duplicate source id '{fields['id']}'")
            continue
        seen.add(fields["id"])
        source = schema.Source(**fields)
        if texts is not None:
            texts.load(source, report)
        sources.append(source)
    return sources


class _TrialLoader:
    """Loads one trial file; collects its problems; keeps what is valid."""

    def __init__(
        self,
        label: str,
        source_ids: set[str],
        texts: SourceTexts | None,
        origin: str = "curated",
    ):
        self.label = label
        self.source_ids = source_ids
        self.texts = texts
        self.origin = origin
        self.problems: list[Problem] = []
        self._arms_seen = 0

    def reporter(self, record: str) -> Callable[[str, str], None]:
        def report(field: str, reason: str) -> None:
            self.problems.append(Problem(self.label, record, field, reason))

        return report

    def load_file(self, path: Path, evidence: schema.Evidence) -> None:
        """Load a trial file; its ``id`` must match the file name."""
        data = _read_toml(path, self.problems, self.label)
        if data is not None:
            self.load_data(data, evidence, expected_id=path.stem)

    def load_data(self, data: dict, evidence: schema.Evidence, expected_id: str | None = None) -> None:
        """Validate one parsed trial record and add what is valid to ``evidence``."""
        if not isinstance(data, dict):
            self.reporter("trial")("", "must be a table of trial fields")
            return
        header = {key: value for key, value in data.items() if key not in TRIAL_TABLES}
        report = self.reporter("trial")
        fields = parse_fields(header, TRIAL_FIELDS, report)
        if fields is not None and expected_id is not None and fields["id"] != expected_id:
            report("id", f"must match the file name '{expected_id}', got '{fields['id']}'")
            fields = None
        if fields is not None and not _ID.match(fields["id"]):
            report("id", "must be lower-case ASCII letters, digits, '.', '_' or '-'")
            fields = None
        for table in TRIAL_TABLES:
            if table in data and not isinstance(data[table], list):
                self.reporter(table)("", f"must be an array of tables ([[{table}]])")
                data[table] = []
        if fields is None:
            count = len(data.get("values", []))
            report("", f"trial header invalid: the trial and its {count} values were not loaded")
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
        for index, item in enumerate(data.get(table, [])):
            record = f"{table}[{index}]"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                record += f" (id={item['id']})"
            yield index, item, record, self.reporter(record)

    def _load_children(self, data, table, fields_spec, check, trial_id):
        out, seen = [], set()
        for _, item, _, report in self._items(data, table):
            fields = parse_fields(item, fields_spec, report)
            if fields is None:
                continue
            if fields["id"] in seen:
                report("id", f"duplicate id '{fields['id']}' in [[{table}]]")
                continue
            record = check(fields, trial_id, report)
            if record is not None:
                seen.add(fields["id"])
                out.append(record)
        return out

    def _load_analyses(self, data, trial_id):
        out, seen = [], set()
        for index, item, _, report in self._items(data, "analyses"):
            fields = parse_fields(item, ANALYSIS_FIELDS, report)
            if fields is None:
                continue
            if fields["id"] in seen:
                report("id", f"duplicate id '{fields['id']}' in [[analyses]]")
                continue
            seen.add(fields["id"])
            out.append(schema.Analysis(trial=trial_id, sequence=index, **fields))
        return out

    def _check_snippet(self, source: str, snippet: str, numbers: dict[str, Any], report) -> bool:
        ok = True
        if source not in self.source_ids:
            report("source", f"unknown source '{source}' (not in sources.toml)")
            return False
        if len(snippet) > schema.SNIPPET_MAX_CHARS:
            report("snippet", f"is {len(snippet)} characters; at most {schema.SNIPPET_MAX_CHARS} allowed")
            ok = False
        if not snippet.strip():
            report("snippet", "must not be empty")
            return False
        for name, number in numbers.items():
            if isinstance(number, (int, float)) and not contains_number(snippet, number):
                report(name, f"{number} does not appear in the snippet {snippet!r}")
                ok = False
        if self.texts is not None and self.texts.has(source) and not self.texts.contains(source, snippet):
            report("snippet", f"{snippet!r} is not found in source '{source}'")
            ok = False
        return ok

    def _check_arm(self, fields, trial_id, report):
        if fields.get("snippet") and not fields.get("source"):
            report("source", "is required when a snippet is given")
            return None
        if fields.get("source") and not fields.get("snippet"):
            report("snippet", "is required when a source is given")
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
            report("values", "a discrepancy links at least two values")
            return None
        bad = [ref for ref in refs if ref.count(":") != 1 or not all(ref.split(":"))]
        if bad:
            report("values", f"each entry must be 'trial:value-id', got {', '.join(map(repr, bad))}")
            return None
        return schema.Discrepancy(trial=trial_id, **fields)

    def _load_values(self, data, trial_id, arm_ids, analysis_ids):
        out, seen = [], set()
        for index, item, _, report in self._items(data, "values"):
            fields = parse_fields(item, VALUE_FIELDS, report)
            if fields is None:
                continue
            if fields["id"] in seen:
                report("id", f"duplicate value id '{fields['id']}'")
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
            f"unknown analysis '{v['analysis']}' (defined: {', '.join(sorted(analysis_ids)) or 'none'})",
        )
        ok = False
    for name in ("arm", "comparator"):
        if v.get(name) and v[name] not in arm_ids:
            report(name, f"unknown arm '{v[name]}' (defined: {', '.join(sorted(arm_ids)) or 'none'})")
            ok = False
    if v.get("comparator") and v.get("comparator") == v.get("arm"):
        report("comparator", "must differ from arm")
        ok = False
    if v["unit"] not in schema.MEASURE_UNITS[v["measure"]]:
        allowed = ", ".join(schema.MEASURE_UNITS[v["measure"]])
        report("unit", f"unit '{v['unit']}' does not fit measure '{v['measure']}' (allowed: {allowed})")
        ok = False
    if v["endpoint"] == "PATIENTS" and v.get("term", "") not in schema.COUNT_TERMS:
        report(
            "term",
            f"a PATIENTS count says which count it is in term: one of {', '.join(schema.COUNT_TERMS)}; "
            f"got {v.get('term', '')!r} (population stays 'ITT' or the subgroup's name)",
        )
        ok = False
    if v["measure"] == "landmark" and not (
        isinstance(v.get("timepoint"), (int, float)) and v["timepoint"] > 0
    ):
        report("timepoint", "a landmark rate needs its time point in months (> 0)")
        ok = False
    return ok


def _check_estimate(v, report) -> bool:
    qualifier = v["qualifier"]
    if qualifier == "not-reached":
        if "value" in v:
            report("value", "must be left out when the qualifier is 'not-reached'")
            return False
    elif "value" not in v:
        report("value", "is required (leave it out only with qualifier 'not-reached')")
        return False
    if qualifier == "range":
        if "value_high" not in v:
            report("value_high", "is required with qualifier 'range'")
            return False
        if v["value_high"] <= v["value"]:
            report("value_high", f"must be greater than value ({v['value_high']} ≤ {v['value']})")
            return False
    elif "value_high" in v:
        report("value_high", "is only allowed with qualifier 'range'")
        return False
    if "n" in v and "n_total" in v and v["n"] > v["n_total"]:
        report("n", f"count {v['n']} exceeds its total {v['n_total']}")
        return False
    return True


def _check_interval(v, report) -> bool:
    low, high = v.get("ci_low"), v.get("ci_high")
    if low is None and high is None:
        if "ci_level" in v:
            report("ci_level", "is given but there are no CI bounds")
            return False
        return True
    if "ci_level" not in v:
        report("ci_level", "is required with CI bounds (use 'unknown' when the source does not state it)")
        return False
    if low in schema.OPEN_CI_BOUNDS:
        report("ci_low", f"a lower bound cannot be '{low}'")
        return False
    numeric_low = isinstance(low, (int, float))
    numeric_high = isinstance(high, (int, float))
    if numeric_low and numeric_high and low > high:
        report("ci_low", f"CI bounds reversed: low {low} > high {high}")
        return False
    value = v.get("value")
    outside = (numeric_low and value < low) or (numeric_high and value > high) if value is not None else False
    if outside and v["qualifier"] in ("=", "~"):
        report("value", f"estimate {value} lies outside its CI {low}–{high}")
        return False
    return True


def _check_ranges(v, report) -> bool:
    ok = True
    numbers = {name: v.get(name) for name in ("value", "value_high", "ci_low", "ci_high")}
    numbers = {k: n for k, n in numbers.items() if isinstance(n, (int, float))}
    if v["unit"] == "percent":
        for name, number in numbers.items():
            if not 0 <= number <= 100:
                report(name, f"a rate must lie within 0–100 %, got {number}")
                ok = False
    if v["measure"] == "hr":
        for name, number in numbers.items():
            if number <= 0:
                report(name, f"a hazard ratio must be > 0, got {number}")
                ok = False
    elif v["unit"] in ("months", "years", "patients"):
        for name, number in numbers.items():
            if number < 0:
                report(name, f"must not be negative, got {number}")
                ok = False
    for name, number in numbers.items():
        limit = PLAUSIBLE_MAXIMUM.get(v["unit"], 1e9)
        if number > limit:
            report(name, f"is implausibly large for {v['unit']}: {number} (at most {limit:g})")
            ok = False
    return ok


PLAUSIBLE_MAXIMUM = {"months": 1200, "years": 150, "ratio": 1000, "patients": 10_000_000, "EUR-per-year": 1e8}
"""Upper bounds no real figure reaches: a larger number is a typo or hostile input."""


def check_cross_references(evidence: schema.Evidence, problems: list[Problem]) -> None:
    """Discrepancies may name values in any file, so they are checked after everything loads."""
    value_keys = {f"{v.trial}:{v.id}" for v in evidence.values}
    file_of = {t.id: t.file for t in evidence.trials}
    kept = []
    for item in evidence.discrepancies:
        missing = [ref for ref in item.values if ref not in value_keys]
        if missing:
            problems.append(
                Problem(
                    file_of.get(item.trial, item.trial),
                    f"discrepancies (id={item.id})",
                    "values",
                    f"unknown or invalid value {', '.join(map(repr, missing))}",
                )
            )
            continue
        kept.append(item)
    evidence.discrepancies = kept
    seen: dict[str, str] = {}
    for item in evidence.discrepancies:
        if item.id in seen:
            problems.append(
                Problem(
                    file_of[item.trial],
                    f"discrepancies (id={item.id})",
                    "id",
                    f"duplicate discrepancy id, also in {seen[item.id]}",
                )
            )
        seen.setdefault(item.id, file_of[item.trial])


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
            problems.append(Problem(str(sources_dir), "", "", "source folder not found"))
        else:
            texts = SourceTexts(sources_dir)
    evidence = schema.Evidence()
    sources_path = data_dir / "sources.toml"
    if sources_path.exists():
        evidence.sources = load_sources(sources_path, problems, texts)
    else:
        problems.append(Problem("sources.toml", "", "", f"not found in {data_dir}"))
    source_ids = {source.id for source in evidence.sources}
    if trial_names is None:
        trial_files = sorted((data_dir / "trials").glob("*.toml"))
    else:
        trial_files = [data_dir / "trials" / name for name in trial_names]
    if not trial_files and trial_names is None:
        problems.append(Problem("trials/", "", "", f"no trial files in {data_dir / 'trials'}"))
    for path in trial_files:
        loader = _TrialLoader(f"trials/{path.name}", source_ids, texts)
        loader.load_file(path, evidence)
        problems.extend(loader.problems)
    if cross_check:
        check_cross_references(evidence, problems)
    evidence.errors = problems
    return evidence

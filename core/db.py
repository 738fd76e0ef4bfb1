"""Build the DuckDB database from the records, and open it read-only.

The record files are compiled once into a DuckDB file named by a content hash of the data
folder (and of this module's format version), so an app start does not re-parse every
record: :func:`compiled_database` returns the existing file when nothing changed, and
builds a new one atomically when a file did. An existing file is verified before it is
reused (:func:`verify`: checksum, try-open, the table a build writes last) and rebuilt when
damaged; a cache folder that cannot be written raises :class:`BuildError` with a clear message.

The app opens the file with :func:`connect_readonly`: read-only, no file or network access
from SQL, configuration locked.
"""

from __future__ import annotations

import ast
import collections
import dataclasses
import gc
import hashlib
import itertools
import json
import multiprocessing
import operator
import os
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import duckdb
import pandas as pd

from core import facets, records, schema
from core.records import DEFAULT_DATA_DIR, PROJECT_ROOT, load_evidence
from core.text import NormalisedText, search_key

FORMAT_VERSION = "6"
"""Bump when the database layout changes, so stale compiled files are not reused."""

CACHE_ENV = "EVIDENCE_CACHE"
_SQL_DIR = Path(__file__).with_name("sql")
SQL_SCRIPTS = ("sizes.sql", "views.sql", "export.sql")
"""Run in this order after the tables exist: sizes feed the trial view, export reads the
materialised rows."""
DEFAULT_CACHE_DIR = PROJECT_ROOT / "build"


def build_code_files(package: Path | None = None) -> list[Path]:
    """The source files that decide what the compiled database holds.

    ``db.py``, every module of the ``core`` package it imports, directly or through another
    (read from the import statements, so a new dependency is covered the day it is added),
    and the SQL scripts. Figures, tables, catalogs, queries and pages are not among them:
    editing one must not force a recompile of a large corpus.
    """
    package = Path(package) if package is not None else Path(__file__).parent
    seen: set[Path] = set()
    pending = [package / "db.py"]
    while pending:
        path = pending.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        pending += _imported_core_files(path, package)
    return sorted(seen) + sorted((package / "sql").glob("*.sql"))


def _imported_core_files(path: Path, package: Path) -> list[Path]:
    """The files of ``package`` (``core``) that the module at ``path`` imports."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    files = []
    for name in names:
        parts = name.split(".")
        if parts[0] != package.name:
            continue
        base = package.joinpath(*parts[1:])
        files += [
            candidate for candidate in (base.with_suffix(".py"), base / "__init__.py") if candidate.is_file()
        ]
    return files


_BUILD_CODE = build_code_files()


def content_hash(data_dir: Path | str, code: Iterable[Path] | None = None) -> str:
    """A hash of every record file's path and bytes, and of the code that builds the database.

    So the compiled file is rebuilt when a record changes, and also when the schema, the
    loader or the views change (a stale layout would otherwise be served) — and only then:
    ``code`` is :func:`build_code_files` unless given.
    """
    data_dir = Path(data_dir)
    code = list(_BUILD_CODE if code is None else code)
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    files = [data_dir / "sources.toml", *sorted((data_dir / "trials").glob("*.toml"))]
    for path in [*files, *code]:
        if path.exists():
            digest.update(
                path.name.encode() if path in code else path.relative_to(data_dir).as_posix().encode()
            )
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


# --- frames ---------------------------------------------------------------------------------


def _rows(records: Iterable, names: list[str]) -> list[tuple]:
    """Each record's fields ``names`` as a tuple, for a DataFrame built from rows.

    The records hold only scalars and tuples of text, so ``dataclasses.asdict``'s recursive
    deep copy buys nothing (it was 80% of the frame building of 10,000 trials; see
    docs/benchmarks.md); a tuple made by ``attrgetter`` in C is cheaper still than a dict per
    record, and pandas reads a row of a list of tuples exactly as it reads a dict's values
    (one object array per column, converted the same way).
    """
    get = operator.attrgetter(*names)
    if len(names) == 1:  # attrgetter of one name gives the value, not a 1-tuple
        return [(get(record),) for record in records]
    return list(map(get, records))


def _frame(records: Iterable, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(_rows(records, columns), columns=columns)


def _label(vocab: dict[str, tuple[str, str]], key: str) -> str:
    english, chinese = vocab.get(key, (key, key))
    return f"{english} {chinese}"


def _trial_search_text(trial: schema.Trial, arms: list[schema.Arm]) -> str:
    """Everything a free-text search should find a trial by, folded once at build time."""
    parts = [
        trial.id,
        trial.name,
        trial.name_zh,
        trial.title,
        trial.title_zh,
        trial.condition,
        trial.condition_zh,
        trial.control,
        *trial.registry_ids,
        *trial.drugs,
        *trial.drugs_zh,
        *trial.drug_classes,
        _label(schema.CANCER_TYPES, trial.cancer_type),
        *schema.CANCER_SEARCH_TERMS.get(trial.cancer_type, ()),
        _label(schema.SETTINGS, trial.setting),
        _label(schema.LINES, trial.line),
    ]
    for arm in arms:
        parts += [arm.label, arm.label_zh, arm.regimen, arm.regimen_zh]
    return search_key(" | ".join(part for part in parts if part))


def _bound(value) -> tuple[float | None, str]:
    """A CI bound as a number column and a text column ('NR' / 'NE' stay text)."""
    if isinstance(value, str):
        return None, value
    return (float(value), "") if value is not None else (None, "")


_VALUE_FIELDS = list(schema.Value.__dataclass_fields__)
_FLAGS, _CI_LOW, _CI_HIGH, _CI_LEVEL = map(_VALUE_FIELDS.index, ("flags", "ci_low", "ci_high", "ci_level"))


def _value_rows(values: list[schema.Value]) -> list[list]:
    """The ``vals`` rows: a value's fields (flags as a list, CI bounds as a number and a text,
    the CI level as text), then the CI bounds, the value and its upper end as printed."""
    rows = _rows(values, _VALUE_FIELDS)
    out = []
    for v, fields in zip(values, rows):
        row = list(fields)
        row[_FLAGS] = list(v.flags)
        row[_CI_LOW], ci_low_text = _bound(v.ci_low)
        row[_CI_HIGH], ci_high_text = _bound(v.ci_high)
        row[_CI_LEVEL] = "" if v.ci_level is None else str(v.ci_level)
        # The number as the source printed it ("40.0", "0.30"), for display; the snippet is
        # normalised once for its four numbers.
        snippet = NormalisedText(v.snippet)
        row += (
            ci_low_text or snippet.printed(v.ci_low),
            ci_high_text or snippet.printed(v.ci_high),
            snippet.printed(v.value),
            snippet.printed(v.value_high),
        )
        out.append(row)
    return out


def frames(evidence: schema.Evidence) -> dict[str, pd.DataFrame]:
    """The evidence as one DataFrame per database table."""
    arms_by_trial: dict[str, list[schema.Arm]] = {}
    for arm in evidence.arms:
        arms_by_trial.setdefault(arm.trial, []).append(arm)

    trial_fields = list(schema.Trial.__dataclass_fields__)
    trials = pd.DataFrame(
        [
            (
                *(list(v) if isinstance(v, tuple) else v for v in row),
                _trial_search_text(t, arms_by_trial.get(t.id, [])),
            )
            for t, row in zip(evidence.trials, _rows(evidence.trials, trial_fields))
        ],
        columns=[*trial_fields, "search_text"],
    )
    source_fields = list(schema.Source.__dataclass_fields__)
    urls = source_fields.index("urls")
    sources = pd.DataFrame(
        [(*row[:urls], list(row[urls]), *row[urls + 1 :]) for row in _rows(evidence.sources, source_fields)],
        columns=source_fields,
    )
    arms = _frame(evidence.arms, list(schema.Arm.__dataclass_fields__))
    analyses = _frame(evidence.analyses, list(schema.Analysis.__dataclass_fields__))
    value_columns = [
        *schema.Value.__dataclass_fields__,
        "ci_low_text",
        "ci_high_text",
        "value_text",
        "value_high_text",
    ]
    values = pd.DataFrame(_value_rows(evidence.values), columns=value_columns)
    for column in ("value", "value_high", "timepoint", "ci_low", "ci_high"):
        values[column] = pd.to_numeric(values[column], errors="coerce").astype("float64")
    for column in ("n", "n_total"):
        values[column] = pd.array(values[column], dtype="Int64")

    discrepancies = _frame(evidence.discrepancies, list(schema.Discrepancy.__dataclass_fields__))
    members = pd.DataFrame(
        [
            {"discrepancy": d.id, "trial": ref.split(":")[0], "value_id": ref.split(":")[1], "position": i}
            for d in evidence.discrepancies
            for i, ref in enumerate(d.values)
        ],
        columns=["discrepancy", "trial", "value_id", "position"],
    )
    discrepancies = discrepancies.drop(columns=["values"])
    # code + parameters, so a page can word them in the reader's language
    # (core.presentation.problems.problems_from_table); reason is the English wording
    problem_columns = ["file", "record", "line", "field", "code", "params", "reason"]
    problems = pd.DataFrame(
        [
            (
                p.file,
                p.record,
                p.line,
                p.field,
                p.code,
                json.dumps(p.args, ensure_ascii=False, default=str),
                p.reason,
            )
            for p in evidence.errors
        ],
        columns=problem_columns,
    ).astype({"line": "Int64"})
    return {
        "sources": sources,
        "trials": trials,
        "arms": arms,
        "analyses": analyses,
        "vals": values,
        "discrepancies": discrepancies,
        "discrepancy_values": members,
        "problems": problems,
    }


def _vocab_frame() -> pd.DataFrame:
    """Every vocabulary of :data:`core.schema.VOCABULARIES` and every named subset of
    :data:`core.schema.SUBSETS` (its keys in priority order, labelled from its vocabulary)."""
    rows = [
        {"vocabulary": name, "key": key, "en": english, "zh": chinese, "position": position}
        for name, vocabulary in schema.VOCABULARIES.items()
        for position, (key, (english, chinese)) in enumerate(vocabulary.labels.items())
    ]
    for subset in schema.SUBSETS.values():
        labels = schema.VOCABULARIES[subset.vocabulary].labels
        rows += [
            {
                "vocabulary": subset.name,
                "key": key,
                "en": labels[key][0],
                "zh": labels[key][1],
                "position": position,
            }
            for position, key in enumerate(subset.keys)
        ]
    return pd.DataFrame(rows)


def populate(
    con: duckdb.DuckDBPyConnection, evidence: schema.Evidence, stats: BuildStats | None = None
) -> None:
    """Create the tables and views of ``evidence`` in an open, empty database."""
    started = time.perf_counter()
    tables = frames(evidence)
    tables["vocab"] = _vocab_frame()
    framed = time.perf_counter()
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")  # noqa: S608 - name from the dict above
        con.unregister("frame")
    inserted = time.perf_counter()
    for script in SQL_SCRIPTS:
        con.execute((_SQL_DIR / script).read_text(encoding="utf-8"))
    if stats is not None:
        stats.frames_s += framed - started
        stats.insert_s += inserted - framed
        stats.sql_s += time.perf_counter() - inserted


COMPLETE_TABLE = "build_complete"
"""Written last by :func:`build_database`: a file without it was never finished."""


def build_database(evidence: schema.Evidence, path: Path | str, stats: BuildStats | None = None) -> None:
    """Write the evidence to a new DuckDB file at ``path``."""
    con = duckdb.connect(str(path))
    try:
        populate(con, evidence, stats)
        facets.build_totals(con)  # a file's own: a session with an import counts curated ∪ uploaded
        con.execute(f"CREATE TABLE {COMPLETE_TABLE} AS SELECT ? AS format", [FORMAT_VERSION])  # noqa: S608
        con.execute("CHECKPOINT")
    finally:
        con.close()


class BuildError(RuntimeError):
    """The compiled database cannot be written; the message says where and what to do."""


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksum_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def verify(target: Path) -> bool:
    """Is ``target`` the database a finished build wrote, unchanged since?

    The name hashes the records, not the file, so a file damaged after its build (a disk
    error, a copy cut short, an edit) would otherwise be served after every restart. The
    file must match the checksum written beside it at build time, open, and hold the table
    a build writes last.
    """
    checksum = _checksum_path(target)
    try:
        if checksum.read_text(encoding="ascii").strip() != _file_digest(target):
            return False
        con = connect_readonly(target)
    except (OSError, UnicodeDecodeError, duckdb.Error):
        return False
    try:
        row = con.execute(f"SELECT format FROM {COMPLETE_TABLE}").fetchone()  # noqa: S608
        return row is not None and row[0] == FORMAT_VERSION
    except duckdb.Error:
        return False
    finally:
        con.close()


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE_DIR)


# --- loading a large corpus -------------------------------------------------------------------

PARALLEL_MIN_FILES = 4000
"""From this many trial files on, :func:`load_records` parses them in worker processes."""


def _worker_start() -> None:
    """A loading worker's first step: what it inherited or imported (modules, vocabularies,
    compiled patterns) goes to the permanent generation, so the garbage collector's passes
    over the millions of small objects a chunk makes do not walk it again each time."""
    gc.freeze()


def _load_chunk(job: tuple[str, list[str]]) -> schema.Evidence:
    """Worker: some of a folder's trial files; discrepancy links are checked by the parent,
    once over everything (a link may point into another chunk)."""
    data_dir, names = job
    return load_evidence(data_dir, trial_names=names, cross_check=False)


def load_records(data_dir: Path | str, workers: int | None = None, min_files: int = PARALLEL_MIN_FILES):
    """:func:`core.records.load_evidence`, over several processes for a large corpus.

    Parsing TOML and validating each value is pure Python: two thirds of compiling 100,000
    synthetic trials (see docs/benchmarks.md). Below ``min_files`` files, or with one CPU,
    this is exactly ``load_evidence(data_dir)``. Above, contiguous chunks of the sorted file
    list are loaded in worker processes and concatenated in order, and the cross-file check
    of the discrepancies runs once over the whole, so the result (records, problems and
    their order) is the one ``load_evidence`` returns.
    """
    data_dir = Path(data_dir)
    workers = workers or os.cpu_count() or 1
    names = sorted(path.name for path in (data_dir / "trials").glob("*.toml"))
    if workers < 2 or len(names) < min_files or not (data_dir / "sources.toml").is_file():
        return load_evidence(data_dir)
    # several chunks per worker, so the parent takes in finished chunks while others load
    size = -(-len(names) // (workers * 4))
    jobs = [(str(data_dir), names[start : start + size]) for start in range(0, len(names), size)]
    try:
        merged = _load_chunks(jobs, workers)
    except BrokenProcessPool:  # a worker could not start or died: the serial load still works
        return load_evidence(data_dir)
    return merged


def _load_chunks(jobs: list[tuple[str, list[str]]], workers: int) -> schema.Evidence:
    merged = schema.Evidence()
    problems: list = []
    lists = [f.name for f in dataclasses.fields(schema.Evidence) if f.name not in ("sources", "errors")]
    # Fork only a process without other threads (a lock held by one would stay locked in the
    # child); from a threaded server (the app compiling on first use) spawn fresh workers.
    method = "fork" if threading.active_count() == 1 else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start) as pool:
        for index, part in enumerate(pool.map(_load_chunk, jobs)):
            if index == 0:
                merged.sources = part.sources
            # every chunk reads sources.toml: keep its problems once
            problems += [p for p in part.errors if index == 0 or p.file != "sources.toml"]
            for name in lists:
                getattr(merged, name).extend(getattr(part, name))
    records.check_cross_references(merged, problems)
    merged.errors = problems
    return merged


# --- compiling a large corpus: frames built in the workers, streamed to DuckDB -------------------

STREAMED_TABLES = ("trials", "arms", "analyses", "vals")
"""The tables built in the workers, chunk by chunk; the others are small and built at the end."""
CHUNK_FILES = 1000
"""Trial files per worker job: small enough that a chunk's records and frames stay a few
hundred MB, large enough that a job's fixed cost (a process round trip) is noise."""


BUILD_MEMORY_LIMIT = "1GB"
"""DuckDB's memory while a large corpus is compiled (the workers and the parent's own share
come on top; see docs/benchmarks.md)."""


@dataclasses.dataclass
class BuildStats:
    """What a build wrote and where its time went (the benchmark reports it)."""

    trials: int = 0
    values: int = 0
    problems: int = 0
    workers: int = 1
    chunks: int = 0
    load_s: float = 0.0  # parse + validate (summed over workers when parallel)
    frames_s: float = 0.0  # frames (summed over workers when parallel)
    insert_s: float = 0.0  # frames into DuckDB tables (the parent)
    sql_s: float = 0.0  # the SQL scripts: derived tables, search index, export view
    worker_peak_mb: float = 0.0  # the largest worker's own high-water mark (VmHWM)


@dataclasses.dataclass
class _Chunk:
    """One worker job's result: its trials' frames, and what the parent checks across files."""

    sources: list
    errors: list
    discrepancies: list
    value_keys: list[str]
    trial_files: dict[str, str]
    tables: dict[str, pd.DataFrame]
    load_s: float
    frames_s: float
    peak_mb: float


def _own_peak_mb() -> float:
    """This process's own high-water mark (``VmHWM``; 0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _frames_chunk(job: tuple[str, list[str]]) -> _Chunk:
    """Worker: load some of a folder's trial files and build their rows of the streamed tables.

    Discrepancies are only collected: their links may point into another chunk, so the
    parent checks them once over everything (as :func:`load_records` does).
    """
    data_dir, names = job
    started = time.perf_counter()
    evidence = load_evidence(data_dir, trial_names=names, cross_check=False)
    loaded = time.perf_counter()
    discrepancies, evidence.discrepancies = evidence.discrepancies, []
    tables = frames(evidence)
    return _Chunk(
        sources=evidence.sources,
        errors=evidence.errors,
        discrepancies=discrepancies,
        value_keys=[f"{v.trial}:{v.id}" for v in evidence.values],
        trial_files={t.id: t.file for t in evidence.trials},
        tables={name: tables[name] for name in STREAMED_TABLES},
        load_s=loaded - started,
        frames_s=time.perf_counter() - loaded,
        peak_mb=_own_peak_mb(),
    )


def _append(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, created: set[str]) -> None:
    """Add a chunk's rows to table ``name``: created by the first chunk, appended in order after.

    A column that held no value in the chunks so far has DuckDB's ``NULL`` type (as in a
    one-frame build where it is empty throughout); it takes the type of the first chunk that
    has a value, so the table ends up as the one-frame build's.
    """
    con.register("frame", frame)
    try:
        if name not in created:
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")  # noqa: S608 - STREAMED_TABLES
            created.add(name)
            return
        table_types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {name})").fetchall())  # noqa: S608
        frame_types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE frame)").fetchall())
        for column, kind in frame_types.items():
            if table_types.get(column) == '"NULL"' and kind != '"NULL"':
                con.execute(f'ALTER TABLE {name} ALTER "{column}" TYPE {kind}')  # noqa: S608 - DuckDB's own names
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM frame")  # noqa: S608 - STREAMED_TABLES
    finally:
        con.unregister("frame")


def _mp_context():
    # Fork only a process without other threads (a lock held by one would stay locked in the
    # child); from a threaded server (the app compiling on first use) spawn fresh workers.
    return multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")


def _stream_chunks(con, jobs: list[tuple[str, list[str]]], workers: int, stats: BuildStats):
    """Run the jobs in worker processes and append their frames in order, a few jobs ahead
    (so finished chunks waiting for the parent never pile up in memory). Returns what the
    cross-file check needs: sources, problems, discrepancies, value keys, trial files."""
    sources: list = []
    problems: list = []
    discrepancies: list = []
    value_keys: set[str] = set()
    trial_files: dict[str, str] = {}
    created: set[str] = set()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=_mp_context(), initializer=_worker_start
    ) as pool:
        pending: collections.deque = collections.deque()
        queue = iter(enumerate(jobs))
        for index, job in itertools.islice(queue, workers + 1):
            pending.append((index, pool.submit(_frames_chunk, job)))
        while pending:
            index, future = pending.popleft()
            chunk = future.result()
            for index_next, job in itertools.islice(queue, 1):
                pending.append((index_next, pool.submit(_frames_chunk, job)))
            if index == 0:
                sources = chunk.sources
            # every chunk reads sources.toml: keep its problems once
            problems += [p for p in chunk.errors if index == 0 or p.file != "sources.toml"]
            discrepancies += chunk.discrepancies
            value_keys.update(chunk.value_keys)
            trial_files.update(chunk.trial_files)
            started = time.perf_counter()
            for name in STREAMED_TABLES:
                _append(con, name, chunk.tables[name], created)
            stats.insert_s += time.perf_counter() - started
            stats.load_s += chunk.load_s
            stats.frames_s += chunk.frames_s
            stats.worker_peak_mb = max(stats.worker_peak_mb, chunk.peak_mb)
            stats.trials += len(chunk.trial_files)
            stats.values += len(chunk.value_keys)
    return sources, problems, discrepancies, value_keys, trial_files


def _build_streamed(data_dir: Path, path: Path | str, names: list[str], workers: int, chunk_files: int):
    stats = BuildStats(workers=workers)
    jobs = [
        (str(data_dir), names[start : start + chunk_files]) for start in range(0, len(names), chunk_files)
    ]
    stats.chunks = len(jobs)
    con = duckdb.connect(str(path))
    try:
        # DuckDB may take most of the machine's memory for the scripts' sorts and joins by
        # default; bounded, it spills to a folder beside the file instead.
        con.execute("SET memory_limit = ?", [BUILD_MEMORY_LIMIT])
        sources, problems, discrepancies, value_keys, trial_files = _stream_chunks(con, jobs, workers, stats)
        kept = records.check_discrepancy_links(discrepancies, value_keys, trial_files, problems)
        started = time.perf_counter()
        rest = frames(schema.Evidence(sources=sources, discrepancies=kept, errors=problems))
        rest["vocab"] = _vocab_frame()
        for name, frame in rest.items():
            if name not in STREAMED_TABLES:
                _append(con, name, frame, set())
        stats.insert_s += time.perf_counter() - started
        stats.problems = len(problems)
        _finish(con, stats)
    finally:
        con.close()
    return stats


def _finish(con: duckdb.DuckDBPyConnection, stats: BuildStats) -> None:
    """The SQL scripts over the finished tables, then the mark a complete build writes last."""
    started = time.perf_counter()
    for script in SQL_SCRIPTS:
        con.execute((_SQL_DIR / script).read_text(encoding="utf-8"))
    facets.build_totals(con)
    con.execute(f"CREATE TABLE {COMPLETE_TABLE} AS SELECT ? AS format", [FORMAT_VERSION])  # noqa: S608
    con.execute("CHECKPOINT")
    stats.sql_s += time.perf_counter() - started


def build_from_folder(
    data_dir: Path | str,
    path: Path | str,
    workers: int | None = None,
    min_files: int = PARALLEL_MIN_FILES,
    chunk_files: int = CHUNK_FILES,
) -> BuildStats:
    """Compile a data folder into a new DuckDB file at ``path``.

    Below ``min_files`` trial files, or with one CPU, this is ``build_database(load_evidence(
    data_dir), path)``. Above, chunks of the sorted file list are parsed, validated and turned
    into frames in worker processes, and appended to the tables in file order as they come
    back, so neither the whole corpus's records nor its frames are ever held at once; the
    discrepancy links are checked once over everything, as :func:`load_records` does. The
    tables are the same, row for row (``tests/test_bench.py`` compares both builds). A worker
    that cannot start or dies makes it fall back to the one-process build.
    """
    data_dir = Path(data_dir)
    workers = workers or os.cpu_count() or 1
    names = sorted(item.name for item in (data_dir / "trials").glob("*.toml"))
    if workers >= 2 and len(names) >= max(min_files, 1) and (data_dir / "sources.toml").is_file():
        try:
            return _build_streamed(data_dir, path, names, workers, chunk_files)
        except BrokenProcessPool:
            for leftover in (Path(path), Path(f"{path}.wal")):
                leftover.unlink(missing_ok=True)
    stats = BuildStats()
    started = time.perf_counter()
    evidence = load_evidence(data_dir)
    stats.load_s = time.perf_counter() - started
    build_database(evidence, path, stats)
    stats.trials, stats.values, stats.problems = (
        len(evidence.trials),
        len(evidence.values),
        len(evidence.errors),
    )
    return stats


def compiled_database(data_dir: Path | str = DEFAULT_DATA_DIR, cache: Path | str | None = None) -> Path:
    """The compiled database for ``data_dir``, built only when the records changed.

    An existing file is verified first (:func:`verify`) and rebuilt when it is damaged.

    Returns
    -------
    Path
        ``<cache>/evidence-<hash>.duckdb``. A build writes to a temporary file first and
        renames it into place, so a reader never sees a half-written database.

    Raises
    ------
    BuildError
        When the database has to be built and the cache folder cannot be written.
    """
    data_dir = Path(data_dir)
    cache = Path(cache) if cache is not None else cache_dir()
    target = cache / f"evidence-{content_hash(data_dir)}.duckdb"
    if target.exists() and verify(target):
        return target
    try:
        cache.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=".build-", suffix=".duckdb", dir=cache)
    except OSError as exc:
        raise BuildError(
            f"cannot write the compiled database in {cache}: {exc.strerror or exc}. "
            f"Make the folder writable or set {CACHE_ENV} to a writable folder."
        ) from exc
    os.close(handle)
    os.unlink(temp_name)  # duckdb wants to create the file itself
    try:
        build_from_folder(data_dir, temp_name)
        checksum = _file_digest(Path(temp_name))
        os.replace(temp_name, target)
        _checksum_path(target).write_text(checksum, encoding="ascii")
        (cache / "latest.json").write_text(json.dumps({"data_dir": str(data_dir), "database": target.name}))
    except OSError as exc:
        raise BuildError(f"cannot write the compiled database in {cache}: {exc.strerror or exc}") from exc
    finally:
        for leftover in (temp_name, temp_name + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return target


def connect_readonly(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open a compiled database for the app: read-only, no external access, config locked."""
    return duckdb.connect(
        str(path),
        read_only=True,
        config={"enable_external_access": False, "lock_configuration": True},
    )


UNION_TABLES = (
    "sources",
    "trials",
    "arms",
    "analyses",
    "vals",
    "discrepancies",
    "discrepancy_values",
    "value_rows",
    "trial_rows",
    "headline_rows",
    "headline_value_rows",
    "forest_value_rows",
    "survival_value_rows",
    "search_words",
    "search_runs",
    "search_run_texts",
)
"""Tables a session with uploads sees as curated ∪ uploaded (the rest are the curated ones)."""


def connect_with_upload(compiled: Path | str, upload: schema.Evidence) -> duckdb.DuckDBPyConnection:
    """A session's database: the compiled curated file (read-only) with uploaded records beside it.

    The curated data is attached, not copied, so this is cheap at any corpus size. Uploads
    are built into their own in-memory catalogue with the same code as the curated data;
    the tables the pages read become union views of the two. Then file and network access
    are switched off and the configuration is locked, as for the curated connection.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS curated (READ_ONLY)", [str(compiled)])
        con.execute("ATTACH ':memory:' AS upload")
        con.execute("USE upload")
        populate(con, upload)
        con.execute("USE memory")
        for table in UNION_TABLES:
            union = f"SELECT * FROM curated.{table} UNION ALL BY NAME SELECT * FROM upload.{table}"  # noqa: S608
            con.execute(f"CREATE VIEW {table} AS {union}")  # noqa: S608 - names from UNION_TABLES
        con.execute("CREATE VIEW vocab AS SELECT * FROM curated.vocab")
        con.execute("CREATE VIEW problems AS SELECT * FROM curated.problems")
        for script in ("sizes.sql", "export.sql"):
            con.execute((_SQL_DIR / script).read_text(encoding="utf-8"))
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except Exception:
        con.close()
        raise
    return con


def connect_memory(evidence: schema.Evidence) -> duckdb.DuckDBPyConnection:
    """An in-memory database of ``evidence`` (tests and one-off CLI use)."""
    con = duckdb.connect(":memory:")
    populate(con, evidence)
    return con

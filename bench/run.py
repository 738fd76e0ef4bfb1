"""The phases of a benchmark run: corpora, compile, queries, browser, load test."""

from __future__ import annotations

import contextlib
import resource
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from bench import browser as chromium
from bench.corpus import write_corpus
from bench.load import LoadResult, load_test
from bench.query_bench import QueryRun, run_queries
from bench.report import CompileInfo, CorpusInfo
from bench.server import APP, MINIMAL_APP, ROOT, start_server
from core import db, queries

BUNDLED = ROOT / "data"


@dataclass(frozen=True)
class Options:
    """What to run, and how often."""

    sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    workdir: Path = Path("/tmp/bench-run")
    seed: int = 20251122
    repeats: int = 30
    path_budget_s: float = 10.0
    browser: bool = True
    load: bool = True
    cold_starts: int = 3
    warm_visits: int = 5
    clicks: int = 5
    corpus_warm_visits: int = 2
    corpus_clicks: int = 3
    sessions: int = 4  # a few browser contexts: an end-to-end check, not the capacity measure
    load_seconds: float = 60.0


def corpus_dir(options: Options, n: int) -> Path:
    return options.workdir / f"corpus-{n}"


def cache_for(options: Options, label: str) -> Path:
    return options.workdir / f"cache-{label}"


# --- corpora and compile ------------------------------------------------------------------------


def make_corpus(options: Options, n: int) -> CorpusInfo:
    """Write a fresh corpus of ``n`` trials and say how long it took."""
    target = corpus_dir(options, n)
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    write_corpus(target, n, seed=options.seed)
    write_s = time.perf_counter() - started
    files = list((target / "trials").glob("*.toml"))
    megabytes = sum(path.stat().st_size for path in files) / 2**20
    return CorpusInfo(n, write_s, len(files), megabytes)


@contextlib.contextmanager
def _timed(module, name: str, into: dict):
    """Time every call of ``module.name`` (and keep its last result) while the block runs."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        result = original(*args, **kwargs)
        into[name] = into.get(name, 0.0) + time.perf_counter() - started
        into[name + ":result"] = result
        return result

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def compile_corpus(data_dir: Path, cache: Path, label: str) -> tuple[CompileInfo, Path]:
    """Compile into an empty cache, timing the whole and its load and frame-building parts."""
    shutil.rmtree(cache, ignore_errors=True)
    parts: dict = {}
    started = time.perf_counter()
    with _timed(db, "load_records", parts), _timed(db, "frames", parts):
        path = db.compiled_database(data_dir, cache)
    total = time.perf_counter() - started
    evidence = parts.pop("load_records:result")
    parts.pop("frames:result", None)
    info = CompileInfo(
        label=label,
        n_trials=len(evidence.trials),
        n_values=len(evidence.values),
        total_s=total,
        load_s=parts.get("load_records", float("nan")),
        frames_s=parts.get("frames", float("nan")),
        database_mb=path.stat().st_size / 2**20,
        problems=len(evidence.errors),
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    return info, path


def query_run(options: Options, database: Path, n: int) -> QueryRun:
    return run_queries(database, n, repeats=options.repeats, budget_s=options.path_budget_s)


# --- browser --------------------------------------------------------------------------------------


def first_trial(database: Path) -> str:
    con = db.connect_readonly(database)
    try:
        return str(queries.trial_ids(con, limit=1)["id"].iloc[0])
    finally:
        con.close()


def _serve(script: Path, options: Options, data: Path | None = None, cache: Path | None = None):
    server = start_server(script, options.workdir / "logs", data_dir=data, cache_dir=cache)
    chromium.wait_idle_cpu(server.pid)
    return server


def browser_phase(options: Options, databases: dict[str, tuple[Path, Path, Path]]) -> dict:
    """First views, facet clicks, page tours and peak memory, app against minimal page.

    ``databases`` maps a label ("bundled", "1,000", …) to (corpus, cache, compiled file).
    """
    from playwright.sync_api import sync_playwright

    runs: dict[str, chromium.BrowserRun] = {
        "minimal": chromium.BrowserRun("minimal"),
        "app: bundled": chromium.BrowserRun("app: bundled"),
    }
    data, cache, database = databases["bundled"]
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            # Cold starts alternate between the two servers, so drift hits both alike.
            for start in range(options.cold_starts):
                last = start == options.cold_starts - 1
                for label, script, path in (
                    ("minimal", MINIMAL_APP, "/"),
                    ("app: bundled", APP, "/trials?lang=en"),
                ):
                    run = runs[label]
                    server = _serve(script, options, data if script == APP else None, cache)
                    run.server_start_s.append(server.started_s)
                    try:
                        warm, clicks = (options.warm_visits, options.clicks) if last else (0, 0)
                        chromium.measure_server(browser, run, server.url, path, warm, clicks)
                        if last and script == APP:
                            chromium.tour(browser, run, server.url, first_trial(database))
                        run.peak_rss_mb = max(run.peak_rss_mb, server.peak_rss_mb())
                    finally:
                        server.stop()
            for label, (corpus, corpus_cache, corpus_db) in databases.items():
                if label == "bundled":
                    continue
                runs[f"app: {label}"] = _corpus_run(browser, options, label, corpus, corpus_cache, corpus_db)
        finally:
            browser.close()
    return runs


def _corpus_run(browser, options: Options, label: str, corpus: Path, cache: Path, database: Path):
    run = chromium.BrowserRun(f"app: {label}")
    server = _serve(APP, options, corpus, cache)
    run.server_start_s.append(server.started_s)
    try:
        chromium.measure_server(
            browser, run, server.url, "/trials?lang=en", options.corpus_warm_visits, options.corpus_clicks
        )
        chromium.tour(browser, run, server.url, first_trial(database))
        run.peak_rss_mb = server.peak_rss_mb()
    finally:
        server.stop()
    return run


def load_phase(options: Options, cache: Path, database: Path) -> LoadResult:
    """One app server on the bundled data, warmed by one visit per page, then the load test."""
    from playwright.sync_api import sync_playwright

    server = _serve(APP, options, BUNDLED, cache)
    try:
        with sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            try:
                chromium.tour(browser, chromium.BrowserRun("warm-up"), server.url, first_trial(database))
            finally:
                browser.close()
        return load_test(server.url, server.pid, options.sessions, options.load_seconds)
    finally:
        server.stop()

"""The phases of a benchmark run: corpora, compile, queries, browser, load test."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
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


def compile_corpus(data_dir: Path, cache: Path, label: str) -> tuple[CompileInfo, Path]:
    """Compile into an empty cache in a fresh process (``bench.compile_child``), so its peak
    memory is its own; the split of the time comes from :class:`core.db.BuildStats`."""
    process = subprocess.run(
        [sys.executable, "-m", "bench.compile_child", str(data_dir), str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    stats = json.loads(process.stdout.strip().splitlines()[-1])
    info = CompileInfo(
        label=label,
        n_trials=stats["trials"],
        n_values=stats["values"],
        total_s=stats["total_s"],
        load_s=stats["load_s"],
        frames_s=stats["frames_s"],
        database_mb=stats["database_mb"],
        problems=stats["problems"],
        peak_rss_mb=stats["peak_rss_mb"],
        workers=stats["workers"],
        insert_s=stats["insert_s"],
        sql_s=stats["sql_s"],
        worker_peak_mb=stats["worker_peak_mb"],
    )
    return info, next(cache.glob("evidence-*.duckdb"))


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

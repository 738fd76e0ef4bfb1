"""The targets of the benchmark issue, judged against one run; and the report's prose."""

from __future__ import annotations

import math
import os

from bench.report import Results, Target, ms, n_label, ratio

QUERY_MEDIAN_MS = 50.0
QUERY_SPEEDUP = 5.0
VIEW_RATIO = 1.3
CLICK_RATIO = 1.5  # issue 13: facet click → settled ≤ 1.5× the minimal page's rerun
CLICK_AT_LARGEST_MS = 1000.0
RSS_BUNDLED_MB = 400.0
RSS_LARGEST_MB = 2048.0
RUN_BUDGET_S = 20 * 60
COMPILE_S = 90.0
COMPILE_PEAK_MB = 2.5 * 1024
COMPILE_AT = 100_000

# Why a query path can miss its target on this machine; shown only when it does.
QUERY_WHY = {
    "trials_page: facet + search": "the search-index hits joined with the facet's trials, then "
    "counted and sorted, and the page's 50 rows read by row id (one query)",
    "trials_page: search": "a common Chinese term (肺癌 is in 45% of the trials) returns tens of "
    "thousands of trials from the run index (the row-id lists of ~2,000 runs), all counted and "
    "sorted by name for the page of 50 (one query)",
    "facet_counts": "every trial the filter keeps has its list columns (drugs, classes, endpoints, "
    "evidence kinds, sources) unnested for the facets; the unfiltered counts are read from the "
    "table the build writes (`core/facets.py`)",
    "forest_rows": "a top-60 sort over the precomputed hazard-ratio rows",
    "survival_rows": "the distinct trials of the endpoint, then the first 25 trials' rows",
    "headlines": "a join of the page's 50 ids with the precomputed headline rows",
}
PER_FACET = "facet_counts: 11 facets, "
"""The per-facet paths (one query a facet), timed for comparison only."""
PANDAS_WHY = (
    "pandas is as fast or faster here: the query touches few rows, so DuckDB's fixed cost per "
    "query (planning, a cursor, the DataFrame conversion) dominates, while pandas works on frames "
    "already in memory (copying them out of DuckDB took the time and memory shown above)"
)


def _why(name: str, table: dict[str, str]) -> str:
    return next((text for prefix, text in table.items() if name.startswith(prefix)), "")


def _query_targets(results: Results) -> list[Target]:
    if not results.queries:
        return []
    run = max(results.queries, key=lambda r: r.n_trials)
    at = f"N = {n_label(run.n_trials)}" + ("" if run.n_trials >= 100_000 else " (100,000 not run)")
    out = []
    for path in run.results:
        if path.disagreement:
            out.append(Target(f"{path.name} ({at})", "same result as pandas", path.disagreement, False))
            continue
        median = path.duckdb.median_ms
        if path.name.startswith(PER_FACET):
            out.append(
                Target(
                    f"{path.name}: median ({at})",
                    "for comparison",
                    f"{ms(median)} ms (p95 {ms(path.duckdb.p95_ms)})",
                    None,
                    "not a path the app takes: the trials page asks for every facet in one query "
                    "(the *in one query* rows); kept to show what that saves",
                )
            )
            continue
        fast = median <= QUERY_MEDIAN_MS
        out.append(
            Target(
                f"{path.name}: median ({at})",
                f"≤ {QUERY_MEDIAN_MS:.0f} ms",
                f"{ms(median)} ms (p95 {ms(path.duckdb.p95_ms)})",
                fast,
                "" if fast else _why(path.name, QUERY_WHY),
            )
        )
        faster = path.ratio >= QUERY_SPEEDUP
        out.append(
            Target(
                f"{path.name}: DuckDB vs pandas ({at})",
                f"≥ {QUERY_SPEEDUP:.0f}×",
                ratio(path.ratio),
                faster,
                "" if faster else PANDAS_WHY,
            )
        )
    return out


def _view_targets(results: Results) -> list[Target]:
    minimal, app = results.browser.get("minimal"), results.browser.get("app: bundled")
    if minimal is None or app is None:
        return [Target("first view and interaction vs minimal page", "≤ 1.3×", "browser not run", None)]
    out = []
    for kind, label in (("cold_ms", "cold"), ("warm_ms", "warm")):
        mine, base = app.stats(kind).median_ms, minimal.stats(kind).median_ms
        value = mine / base if base else math.nan
        out.append(
            Target(
                f"time to first view, bundled data, {label}",
                f"≤ {VIEW_RATIO}× minimal",
                f"{ms(mine)} vs {ms(base)} ms = {ratio(value)}",
                value <= VIEW_RATIO,
                "" if value <= VIEW_RATIO else VIEW_WHY,
            )
        )
    mine, base = app.stats("interaction_ms").median_ms, minimal.stats("interaction_ms").median_ms
    value = mine / base if base else math.nan
    out.append(
        Target(
            "facet click → settled, bundled data",
            f"≤ {CLICK_RATIO}× minimal rerun",
            f"{ms(mine)} vs {ms(base)} ms = {ratio(value)}",
            value <= CLICK_RATIO,
            "" if value <= CLICK_RATIO else CLICK_WHY,
        )
    )
    return out


def _scale_targets(results: Results) -> list[Target]:
    out = []
    largest = [label for label in results.browser if label.startswith("app: ") and label != "app: bundled"]
    if largest:
        label = max(largest, key=lambda text: int(text.split(": ")[1].replace(",", "")))
        run = results.browser[label]
        clicks = run.stats("interaction_ms")
        met = clicks.n > 0 and clicks.median_ms <= CLICK_AT_LARGEST_MS
        out.append(
            Target(
                f"facet click → settled, {label.split(': ')[1]} trials",
                f"≤ {CLICK_AT_LARGEST_MS / 1000:.0f} s",
                f"{ms(clicks.median_ms)} ms (p95 {ms(clicks.p95_ms)}, n={clicks.n})",
                met,
                "" if met else LARGE_CLICK_WHY,
            )
        )
        rss = run.peak_rss_mb
        out.append(
            Target(
                f"server peak RSS, {label.split(': ')[1]} trials",
                f"≤ {RSS_LARGEST_MB / 1024:.0f} GB",
                f"{rss:,.0f} MB",
                rss <= RSS_LARGEST_MB,
            )
        )
    bundled = results.browser.get("app: bundled")
    if bundled is not None:
        out.append(
            Target(
                "server peak RSS, bundled data",
                f"≤ {RSS_BUNDLED_MB:.0f} MB",
                f"{bundled.peak_rss_mb:,.0f} MB",
                bundled.peak_rss_mb <= RSS_BUNDLED_MB,
            )
        )
    if results.load is not None:
        load = results.load
        out.append(
            Target(
                f"browser end-to-end check: {load.sessions} sessions, {load.duration_s:.0f} s",
                "0 errors",
                f"{load.error_count} errors; p50 {ms(load.stats().median_ms)} / p95 {ms(load.stats().p95_ms)} ms",
                load.error_count == 0,
                "" if load.error_count == 0 else _load_why(load),
            )
        )
    return out


def _load_why(load) -> str:
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(load.errors.items()))
    share = load.server_cpu_s / (load.wall_s * (os.cpu_count() or 1)) if load.wall_s else math.nan
    if set(load.errors) == {"timeout"}:
        return (
            f"{kinds}: steps that outlasted their time limit while {load.sessions} browser pages and the "
            f"server shared {os.cpu_count()} cores; the server used {share:.0%} of the CPU, the browser the rest. "
            "No exception, HTTP or websocket error"
        )
    return f"{kinds}; see the end-to-end check section"


def _compile_targets(results: Results) -> list[Target]:
    """Issue 13: compile 100,000 trials in ≤ 90 s and ≤ 2.5 GB peak RSS (all processes)."""
    corpora = [c for c in results.compiles if c.label != "bundled"]
    if not corpora:
        return []
    largest = max(corpora, key=lambda c: c.n_trials)
    at = f"{n_label(largest.n_trials)} trials" + (
        "" if largest.n_trials >= COMPILE_AT else " (100,000 not run)"
    )
    measured = largest.n_trials >= COMPILE_AT  # below it, the target is not judged (None)
    fast = largest.total_s <= COMPILE_S if measured else None
    small = largest.peak_total_mb <= COMPILE_PEAK_MB if measured else None
    # the run's own load (a report rendered again later must not state the load at that time)
    load = getattr(results, "load_average", math.nan)
    busy = f" (1-minute load average at the end of the run: {load:.1f})" if not math.isnan(load) else ""
    return [
        Target(
            f"compile, {at}",
            f"≤ {COMPILE_S:.0f} s",
            f"{largest.total_s:,.0f} s ({largest.workers} worker processes)"
            if largest.workers > 1
            else f"{largest.total_s:,.0f} s (one process)",
            fast,
            "" if fast is not False else COMPILE_WHY + busy,
        ),
        Target(
            f"compile peak RSS, all processes, {at}",
            f"≤ {COMPILE_PEAK_MB / 1024:.1f} GB",
            f"{largest.peak_total_mb:,.0f} MB (compiling process {largest.peak_rss_mb:,.0f} MB, "
            f"largest worker {largest.worker_peak_mb:,.0f} MB)",
            small,
            "" if small is not False else "see *Compile time*",
        ),
    ]


COMPILE_WHY = (
    "parsing and validating the records is pure Python (`core.records`, ~1 ms a trial), spread "
    "over one worker process per core, while the parent appends each chunk to DuckDB on the same "
    "2 cores; then the SQL scripts (~30 s, two thirds of it sorting the ~2 million wide value rows "
    "into trial and survival order within the 1 GB DuckDB may use), see *Compile time*"
)


def evaluate(results: Results) -> list[Target]:
    """Every target the run could judge; ``met`` is None for what it did not measure."""
    targets = _query_targets(results) + _compile_targets(results)
    if results.browser:
        targets += _view_targets(results)
    targets += _scale_targets(results)
    targets.append(
        Target(
            "the whole run",
            "≤ 20 min",
            f"{results.wall_s / 60:.1f} min",
            results.wall_s <= RUN_BUDGET_S,
            "" if results.wall_s <= RUN_BUDGET_S else "see the compile and browser sections",
        )
    )
    return targets


VIEW_WHY = (
    "a cold view is a new browser context: the frontend and its fonts, then the page; the app's "
    "page carries more than one table (the sidebar's language control and navigation, ten facet "
    "multiselects with counts, search, sort and paging, the trials table's HTML and stylesheet, "
    "the row opener's script module, two download buttons), and a fresh session on a deep link "
    "runs the router first (pages/common.py ensure_shell). The server's part is small: 16 ms of "
    "CPU a view (see *Capacity*); warm, the two pages are level"
)
CLICK_WHY = (
    "broken down with `bench/click_profile.py` (2026-12-01, bundled data, medians of 10 clicks "
    "each): the click's message leaves the browser ~40 ms after the pointer on both pages; the "
    "app's server sends 53 messages and finishes ~80 ms later than the minimal page's 8 "
    "(queries, the table's HTML, ten facets); the browser then redraws the ten multiselects "
    "whose option counts changed (~13 ms of renderer CPU each: the minimal page with ten such "
    "multiselects and nothing else is already 1.43-1.50×). Reaching 1.5× would need the counts "
    "shown some other way than in the multiselects' option labels"
)
LARGE_CLICK_WHY = "the rerun's queries are uncached for a new filter state; see the query table at this N"

METHOD = """## Method

- **Corpora** (`bench/corpus.py`): N synthetic trials written in the record format of `data/`
  (a `sources.toml` of 66 synthetic sources and one `trials/<id>.toml` per trial), from a fixed
  seed; trial *k* comes from its own random stream, so it is the same file in every corpus
  size. Cancer types, settings, lines, phases and designs are drawn from the vocabularies of
  `core/schema.py` with realistic weights (randomized 45 %, single-arm 30 %, …); 1–3 arms;
  1–3 data cuts (interim / primary / update / final, with cut-off dates, some not printed);
  about 20 values per trial: patient counts with their `term`, medians per arm (some not
  reached, a few "> x"), landmark rates with time points, hazard ratios with 95 %, 80 %, 90 % or
  unstated CI levels and p-values, ORR / DCR / grade ≥ 3 AE proportions with counts, follow-up,
  median age, some subgroups, review claims and conflict / agreement discrepancies; titles,
  conditions, drugs and arm labels in English and Simplified Chinese, snippets in English,
  Simplified or Traditional script depending on the source. `core.records.load_evidence`
  reports zero problems for every corpus (the *validation errors* column below; snippets are
  not checked against source texts, which synthetic sources do not have).
- **Compile**: `core.db.compiled_database(corpus, empty_cache)`, as `make run` and the app's
  first request do.
- **Queries** (`bench/query_bench.py`): the calls the pages make, on the read-only connection
  the app opens (`core.db.connect_readonly`): `trials_page` (page of 50) with a facet and a
  search, unfiltered, and with a Chinese search; `facet_counts` for every facet of
  `queries.FACETS` (as the trials page asks for them, one call each) with the facet + search
  filter and unfiltered; `forest_rows(limit=60)`; `survival_rows("PFS", max_trials=25)`;
  `headlines` of the unfiltered first page. The pandas baseline (`bench/pandas_impl.py`) copies
  the tables those queries read out of the compiled database once, then does the same
  filtering, size derivation, joins, ordering and limits in pandas, per call. Before timing,
  each path runs once in both and the results are compared; then up to 30 rounds alternate
  DuckDB and pandas (fewer when a path's pandas side is slow: 10 s per path, at least 5).
- **Browser** (`bench/browser.py`): `streamlit run` started as `tests/browser/conftest.py`
  does (127.0.0.1, free port, `EVIDENCE_DATA`, `EVIDENCE_CACHE` pointing at the compiled
  database), Debian's Chromium headless through Playwright, 1440×1100 viewport, a fresh
  browser context per visit. Times are read from the page's clock. The settle condition is the
  browser tests': connected, script state `notRunning`, no skeleton, the target element visible,
  held 300 ms (the reported time is when it began). Peak RSS is `VmHWM` from
  `/proc/<pid>/status` of the server process.
- **End-to-end check in Chromium** (`bench/load.py`): a few contexts of one headless Chromium
  (async Playwright) against one server with the bundled data; see that section.
- **Capacity** (`bench/capacity.py`, `make loadtest`, not part of `make bench`): the
  protocol-level load client (`bench/protocol.py`) against one process and 2 replicas behind
  HAProxy; its section below is kept from the last `make loadtest` when `make bench` rewrites
  the rest of this report."""

FINDINGS = """## Findings and changes

Measured while building this harness, on this machine, before and after each change; every
change keeps the results identical (528 query outputs compared before and after on the bundled
data and a 1,000-trial corpus, 535 random search terms compared with the original patterns,
the frames of the bundled data and of 10,000 trials compared, and the test suite).

**Compile.** Parsing and validating the TOML records is pure Python (`tomllib` and
`core.records`): ~2.2 ms a trial, ~220 s of a serial 100,000-trial build. Building the
DataFrames with `dataclasses.asdict` (a recursive deep copy of every record) took another
~170 s. Changes in `core/db.py`:
- `_fields` replaces `asdict` with a shallow field dict (the records hold only scalars and
  tuples): frames ~2.5x faster.
- `load_records` loads a large corpus (≥ 4,000 files) in one worker process per CPU, each
  running `core.records.load_evidence` over a chunk of the file list (`trial_names=…,
  cross_check=False`), then runs the cross-file discrepancy check once over the merged
  records: the result is exactly `load_evidence`'s (tested in `tests/test_bench.py`; a worker
  failure falls back to the serial load).
The per-record validation in `core/records.py` is unchanged; with two cores it is still most
of a 100,000-trial build, and the value frames (`printed_number` on every snippet) are next.
A faster TOML parser, or building the frames inside the workers, would be the next steps.

**Queries.** At 100,000 trials (~2 million values) the cross-trial paths took 0.2–1 s each
before these changes, because each request sorted or windowed every wide row of `value_rows`,
recomputed the sample-size views, or ran the search pattern over every trial's text: forest
0.76 s, survival 0.81 s, headlines 0.18 s, the 11 facet counts 0.2 s unfiltered and 1 s with a
search, a search for 肺癌 0.36 s, one trial's CSV export (built eagerly by the trial page) 1.2 s.
Changes:
- `core/sql/views.sql`: per-trial tables precomputed at compile time — `headline_value_rows`,
  `forest_value_rows` (sizes and display order), `survival_value_rows` (stored in display
  order with its sort keys) and a search index (`search_words`: each trial's [a-z0-9] words;
  `search_runs` / `search_run_texts`: its runs of Chinese characters); `value_rows` stored in
  trial order. All are listed in `core.db.UNION_TABLES`, so a session with uploaded trials sees
  curated ∪ uploaded as before.
- `core/queries.py`: a search term made of [a-z0-9] only, or of Chinese characters only, is
  looked up in the index (exactly the same matches: a word-start match is a prefix of one of
  the trial's words; a Chinese term lies inside one run, where the 非 rule is checked); other
  terms test a plain substring before the pattern. `facet_counts` counts before joining the
  labels. `forest_rows` and `survival_rows` read the precomputed rows (survival picks its
  first trials from the narrow sort keys first); `headlines` reads its precomputed rows;
  `export_frame` filters a few trials with a list of constants, which DuckDB pushes into the
  export view's scans (the subquery made it export every trial first).

**What is still slow at scale, and why.** `core.queries.all_facet_counts` answers all
facets of a filter state in one query (the search applied once, each facet's condition a flag
column; equal to the per-facet queries, tested in `tests/test_facet_counts.py`), and the
trials page uses it; the query table still times the per-facet queries for comparison. A
common Chinese search term (肺癌 is in 45% of the trials) returns tens of thousands of trials
to count and sort. A server's first request at 100,000 trials hashes every record file (~0.7 GB) before it can
open the compiled database (`core.db.content_hash`), so the cold first view at that size is
slow (see the page tour). The page icon (`:material/biotech:`) makes every browser fetch it
from fonts.gstatic.com, which fails on an offline machine (see the end-to-end check).

**Compile at scale, and the count and rows in one query (issue 13, items 2 and 4).**
Measured on this machine on 2026-12-01, old and new code one after the other in one session:
- `core/safe_toml.py`: the record files are parsed by `rtoml` (0.13 ms a synthetic trial file
  against 1.21 ms for `tomllib`, `pytomlpp` 0.26 ms; all three gave equal results on 1,000
  synthetic and the 23 curated files). `tomllib` still parses anything with a TOML 1.1 shape
  `rtoml` would accept (trailing comma or line break in an inline table, `\\e`, `\\x`, a time
  without seconds, non-ASCII outside strings) and words every refusal, so what is accepted and
  refused is unchanged (`tests/test_safe_toml.py`). The guard's pre-scan searches only lines
  with 32 dots or more and skips the long-number pass without a run of 41 digits (0.62 → 0.32
  ms a file).
- `core/db.py` `build_from_folder`: from 4,000 files, chunks of 1,000 files are parsed,
  validated and turned into frames in the worker processes and appended to the DuckDB tables
  in file order as they arrive (a window of workers + 1 chunks), so the parent never holds the
  corpus's records or frames; the discrepancy links are checked once over every value key
  (`core.records.check_discrepancy_links`); DuckDB's memory is capped at 1 GB while building.
  `tests/test_bench.py` builds a 1,000-trial corpus (with a cross-chunk and a broken link) both
  ways and compares every table and view: column types and rows (stored order for the base
  tables, sorted for the tables the scripts write without ORDER BY).
- 20,000 trials on a quiet machine: 51.7 s and 2.09 GB for the compiling process before
  (plus 2 × 215 MB of workers), 33.3 s and 854 MB after (plus 2 × 213 MB). 100,000 trials
  with the new code on a machine loaded 5-10x by other work: 1,403 s wall (not a speed figure),
  peak 1,454 MB for the compiling process and 214 MB per worker (≤ 1.9 GB in all, against
  6.7 GB before). Extrapolating the quiet 20,000-trial run linearly gives ~170 s at 100,000:
  the 90 s target is still missed; parse + validate (2.1 ms a trial of pure-Python validation
  in `core.records`, 41 CPU-seconds at 20,000) is most of it.
- `core.queries.trials_page`: the count and the page in one query (the filter runs once into
  a narrow materialised set of ids and sort keys; only the page's rows are read in full).
  At 100,000 trials, medians of 15 runs before → after: facet + search 58 → 39 ms, search
  肺癌 83 → 59 ms, unfiltered 18 → 35 ms (one window over all trials instead of a bare count).
  All 11 facet counts of a state in one query (`all_facet_counts`, which the page now uses)
  against 11 queries: facet + search 107 → 32 ms, unfiltered 61 → 81 ms, 肺癌 390 → 111 ms.
  Still over 50 ms: the Chinese search (tens of thousands of matches from the run index,
  sorted by name) and the unfiltered and Chinese-search facet counts (every trial's list
  columns unnested for 11 facets).

**Where a rerun's server time goes** (cProfile inside the script thread of AppTest, bundled
data, a warm process, a fresh session at `/trials?lang=en`, 2026-12-01): 475 ms of script
time in 2 runs (the router's rerun included), 357 ms of it in
`core.presentation.tables.headlines`, called twice (the table and the eager CSV download):
a pandas `groupby` with a `to_dict` per trial, ~7 ms a trial on the wide headline rows. One
`to_dict` of the whole frame, grouped in Python, gives the same lines (compared on the bundled
data and 50-trial pages of 20,000 trials, in all three languages) in 3–4 ms instead of
100–120 ms: the first view's script time fell to 165 ms. A facet click (new filter state):
77–87 ms, of which the queries (count and page in one, all facet counts in one) are ~50 ms.
Start-up work (compiled file, verification, connection, catalogs, OpenCC converters) is held
by the process (`core.store`, `lru_cache`); `tests/test_session_startup.py` opens two sessions
and finds none of it redone by the second.

**A page view's server cost (issue 13, item 2).** py-spy sampled the server process
(all threads) while 8 clients opened fresh `/trials?lang=en` sessions back to back on a quiet
machine (2026-12-01, the load client's saturation run, 15 s each; server CPU a view, app
against the minimal page in the same run). Where the time went, and what changed:
- 40% was writing the page's two CSV downloads on every run, and a quarter of the forest,
  survival and trial pages' time theirs: every download is now written on click, by a
  callable closed over plain values (`pages/common.py` `download`), and a download click no
  longer reruns the page. 12% was Streamlit's file watcher walking every imported module
  after each run: off for readers (`.streamlit/config.toml`, `server.fileWatcherType`).
  325 → 152 ms a view (minimal page 119 → 41 ms).
- Then half of what was left was the full garbage collection Streamlit runs after every
  script run, walking the process's hundreds of thousands of long-lived objects (modules,
  catalogs, converters, vocabularies): the app moves them to the permanent generation once
  they are built (`core.store.freeze_long_lived`, after any run that imported something new;
  97 ms), and `runner.postScriptGC` is off (52 ms; minimal page 7 ms).
- The rest was building what the page draws: unpickling cached DataFrames of Arrow strings
  from `st.cache_data`, then the trials table's 50 rows of HTML. The table's HTML and the facet
  counts are now cached as plain values per view and language (`pages/data.py`
  `trials_screen`, `facet_counts`): 18 ms a view. The forest, survival and trial pages' figures
  and tables are built once per process per view (`pages/views.py`, `st.cache_resource`, shared
  read-only; `tests/test_views.py` checks that a second session rebuilds nothing and that
  drawing changes nothing): forest 357 → 36 ms a view, survival 384 → 32 ms, trial 561 → 44 ms.
- What is left of `/trials` is Streamlit building its widgets (ten facet multiselects with
  counts, search, sort, paging, the sidebar's language control and eight navigation entries,
  the row opener, two downloads) against the minimal page's one; see *Capacity*.
- At 100,000 trials the trials page's query spent most of its time reading the page's 50 rows:
  joined by trial id, DuckDB scanned every wide column (titles, notes, lists) of all 100,000
  trials. `core.queries.trials_page` now joins them by row id where `trial_rows` is the
  compiled file's table (by trial id on the union view of a session with an import; the two
  give equal frames, `tests/test_queries.py`): medians of 15 runs, facet + search 51 → 38 ms,
  unfiltered 42 → 26 ms, 肺癌 72 → 60 ms.
The capacity that follows (`make loadtest`): one process held 10 readers at p95 ≤ 2 s before,
100 after (50 readers: p95 26.5 s → 141 ms); 2 replicas 25 before, 200 (the largest level)
after.

**The app at 100,000 trials**, checked by hand in Chromium (and by the page tour above on
every run): /trials (unfiltered, with a facet and a search, with a Chinese search), /trial for
the first and the last trial (English and Traditional), /forest (default and OS over all data
cuts), /survival (PFS and OS) and /sources all load without an exception; the forest plot
says it shows the first 60 of its estimates, the survival comparison the first 25 of 35,644
trials, the trial picker the first 300 trials, the discrepancy list the first 500 rows.

**A second round on compile, queries and the facet click (issue 13), 2026-12-01.** Each change
measured side by side with the code before it, on this machine:
- Validation (`core/records.py`, `core/safe_toml.py`, `core/text.py`): a clean record is passed
  by a plan of checks made once per field list (`_FieldPlan`), and anything it does not pass
  goes through the field-by-field checks, which find and word every problem as before; the
  TOML pre-scan blanks strings with one split instead of a Python call per string; a snippet
  is normalised once for all its numbers and its source look-up (`NormalisedText`); a
  record's label is made only when a problem is reported; frames are built from tuples.
  One 1,000-trial chunk: 1.96 → 1.15 s (median of 10 alternating pairs). Behaviour compared
  before and after on 21,609 cases (the curated data with and without sources, every broken
  and hostile file, the 1,000- and 10,000-trial corpora, 6,000 randomly mutated trials,
  7,568 hostile field values, 3,000 mutated TOML texts; every record, problem, frame cell and
  TOML refusal): identical. Workers also move what they inherit to the permanent generation
  before loading (10,000 trials: ~5%).
- SQL (`core/sql/views.sql`): the headline and the trials' value summaries read the
  materialised `value_rows` instead of re-running its view (whose window sorted every wide
  row again), and the headline is picked on narrow columns; at 100,000 trials the scripts took
  ~58 s and now ~31 s. Every table and view of the bundled data, a 1,000- and the
  100,000-trial corpus compared before and after, rows and stored order: identical.
  `trial_rows` is stored in trial order, so its row ids are the same in every build.
- Compile at 100,000 trials: 224 s → 105 s (the table above), peak 1.9 GB. Sorting value rows
  into trial order with a narrow recency window, or in batches of trials, gained nothing.
- Search index by row (`search_word_rows`, `search_run_rows`: each word and Chinese run with
  the row ids of its trials): the trials page and the facet counts of the compiled file read
  a term's lists instead of joining every hit to its trial by id (a session with an import
  still reads by trial id; `tests/test_queries.py` compares both for every word and run of
  the bundled trials). At 100,000 trials 肺癌's page: 60–92 ms → 39 ms.
- The facet click (`bench/click_profile.py` times each step on both ends of the websocket,
  app against the minimal page): every rerun re-sent the ten facet multiselects as "set value"
  elements, which the browser redraws even unchanged, because `url_multiselect` wrote their
  state on every run; it now writes it only when a value has to be dropped. The trials count
  comes with the page's rows (the separate count query is gone) and the facet counts are read
  as dictionaries straight from the cursor. 2.6–3.1× → 2.3–2.5× the minimal page in the
  same runs; see the facet-click target for what is left.

**The load test's resolution (issue 13), 2026-12-01.** The capacity ladder doubled (10, 25, 50,
100, 200, then 400 when 200 held), so it could not tell a second replica's gain of 1.6× from
1×: one process holding 220 and 2 replicas 350 (1.6×) both read "200". `make loadtest` now
halves the gap where each setup stops holding, up to twice (counts in steps of 25: 200 held
and 400 not → 300 → 250 or 350), and states the gap. To stay within its 10 minutes, a level
runs 25 s (20 s below 50 sessions) instead of 30 s; fewer sessions reach the loop's last steps
(endpoint, survival) within a level. On the load test's machine (slower than this run's: the
minimal page serves 96 views/s there), a heavier mix was tried and not kept as the measure: a
quarter of the readers coming in at `/trials`, the others by a fresh view of a trial, the
forest plot or the survival page (57, 46 and 38 ms of server CPU a view there, against 24 ms
for `/trials`). With it one process held 50 sessions (p95 1.7 s) and not 75 (2.1 s), 2
replicas 75 (p95 550 ms) and not 100 (2.9 s): 1.5× at that resolution. The capacity a server
has depends on which pages its readers open; the curve is the issue's loop, every reader
starting from `/trials`. Three runs of that loop this round gave one process 100, 100 and 125
sessions and 2 replicas 200, 200 and 150: 2.0×, 2.0× and 1.2× (the last was then the
*Capacity* section). A level's p95 is set by bursts of the heavy steps (opening a trial: 56 ms of
server CPU a view there) while the servers' average CPU is 50–95% of one core, so which side
of 2 s a level falls on varies from run to run; the ratio target is not met reliably. The
figure downloads hold the figure instead of writing its JSON at every view (~5% of a trial
page's server time).
**The load test's readers: spread over their loop, on warm servers (issue 13), 2026-12-01.**
Timing each step of a failing level second by second showed two faults of the measure itself.
Every session began its loop at the first step, and a level lasts 25 s: a level measured
mostly the three cheap first steps (a fresh `/trials`, a facet, the language: 20–30 ms of
server CPU each) and little of the trial page (60–90 ms with the click that opens it), the
forest plot or the survival page (0 or 1 sample of the survival step a level); and the heavy
steps came in one wave 13–20 s into the level, when both replicas ran at 90% of a core each
while the level's average was half that. And the warm-up was one reader's loop, so the first
levels paid the first build of each view (300–500 ms a page) and each replica paid it again.
Now a session, after its first fresh view of `/trials`, goes on at a random one of the steps
that work from there (the facet, the language, the trial, the forest plot, the survival page)
and then loops in order, so a level's readers are spread over their loop; and before the
levels every view the loop can reach (102 a process: the start links, each trial, the forest
plot with each endpoint and the survival page, in the three languages) is opened on each
process (22 s; the replicas in parallel). The figures are lower and steadier: one process
holds 75 readers, 50 or 75 in four runs (the doubling-only measure said 100–125: it was
timing the cheap steps); 2 replicas 150, 125, 175 and 150; **2.0×, 2.5×, 2.3× and 2.0×**
(the last is the *Capacity* section below; the fourth run also has the change below). One process stops holding at about 45% of one core on
average: at 75 readers the steps arrive at about 14 a second and cost about 55 ms each, and
where 20 arrive in a second the process is full for that second. Python's own full
collections were timed in such a level (a `gc` callback in the server): at most 216 ms, about
2% of the time, not the cause. Opening a trial from its row no longer draws the trials page
again first: the row opener keeps the trial in its widget callback and the click's run goes to
it before the facets, their counts and the table are built (`pages/table_view.py`). The
open-trial step: 55 → 45 ms of server CPU and 73 → 55 elements (40 steps each, one session at
a time)."""

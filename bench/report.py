"""Write the results of a run as docs/benchmarks.md."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.browser import BrowserRun
from bench.load import STEPS, LoadResult
from bench.query_bench import QueryRun
from bench.timing import Stats


@dataclass(frozen=True)
class CorpusInfo:
    n_trials: int
    write_s: float
    files: int
    megabytes: float


@dataclass(frozen=True)
class CompileInfo:
    label: str
    n_trials: int
    n_values: int
    total_s: float
    load_s: float  # core.records.load_evidence: parse + validate
    frames_s: float  # core.db.frames
    database_mb: float
    problems: int
    peak_rss_mb: float  # the compiling process's own high-water mark
    workers: int = 1
    insert_s: float = float("nan")  # frames into DuckDB (the parent)
    sql_s: float = float("nan")  # the SQL scripts
    worker_peak_mb: float = 0.0  # the largest worker's own high-water mark

    @property
    def peak_total_mb(self) -> float:
        """An upper bound of the memory the compile held at once: the process and every worker
        at its own peak."""
        return self.peak_rss_mb + (self.workers * self.worker_peak_mb if self.workers > 1 else 0.0)


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run
    why: str = ""


@dataclass
class Results:
    """Everything one run measured."""

    command: str
    started: str
    machine: dict[str, str]
    seed: int
    corpora: list[CorpusInfo] = field(default_factory=list)
    compiles: list[CompileInfo] = field(default_factory=list)
    queries: list[QueryRun] = field(default_factory=list)
    browser: dict[str, BrowserRun] = field(default_factory=dict)  # "minimal", "app: bundled", "app: 1,000"…
    load: LoadResult | None = None
    targets: list[Target] = field(default_factory=list)
    wall_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    load_average: float = math.nan  # 1-minute load average when the run ended (NaN: not recorded)


# --- formatting -----------------------------------------------------------------------------


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> str:
    """A GitHub markdown table. ``align`` has one letter per column: l, r or c (default l)."""
    marks = {"l": "---", "r": "--:", "c": ":-:"}
    spec = [marks[align[i]] if i < len(align) else "---" for i in range(len(headers))]

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "| " + " | ".join(spec) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def seconds(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:,.1f}"


def ratio(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2f}×"


def n_label(n: int) -> str:
    return f"{n:,}"


# --- sections ----------------------------------------------------------------------------------


def _machine(results: Results) -> str:
    rows = list(results.machine.items())
    return "## Machine and versions\n\n" + markdown_table(["", ""], rows)


def _corpora(results: Results) -> str:
    if not results.corpora:
        return ""
    compiles = {c.n_trials: c for c in results.compiles if c.label != "bundled"}
    rows = []
    for corpus in results.corpora:
        compiled = compiles.get(corpus.n_trials)
        rows.append(
            [
                n_label(corpus.n_trials),
                f"{corpus.files:,}",
                f"{compiled.n_values:,}" if compiled else "–",
                f"{corpus.megabytes:,.0f}",
                seconds(corpus.write_s),
                str(compiled.problems) if compiled else "–",
            ]
        )
    table = markdown_table(
        ["trials", "files", "values", "MB on disk", "written in (s)", "validation errors"], rows, "rrrrrr"
    )
    return "## Synthetic corpora\n\n" + table


def _compiles(results: Results) -> str:
    rows = [
        [
            c.label,
            n_label(c.n_trials),
            f"{c.n_values:,}",
            seconds(c.total_s),
            str(c.workers),
            seconds(c.load_s),
            seconds(c.frames_s),
            seconds(c.insert_s),
            seconds(c.sql_s),
            f"{c.database_mb:,.0f}",
            f"{c.peak_rss_mb:,.0f}",
            f"{c.worker_peak_mb:,.0f}" if c.workers > 1 else "–",
            f"{c.peak_total_mb:,.0f}",
        ]
        for c in results.compiles
    ]
    headers = [
        "corpus", "trials", "values", "compile (s)", "processes", "parse + validate (s)", "frames (s)",
        "into DuckDB (s)", "SQL scripts (s)", "database (MB)", "compile process peak RSS (MB)",
        "largest worker peak (MB)", "peak, all processes (MB)",
    ]  # fmt: skip
    return (
        "## Compile time\n\n`core.db.compiled_database(corpus, fresh_cache)`, one run per corpus, each in "
        "a fresh process (`bench/compile_child.py`). From 4,000 trial files on, chunks of 1,000 files are "
        "parsed, validated and turned into frames in one worker process per core and streamed to DuckDB "
        "in file order (`core.db.build_from_folder`); *parse + validate* and *frames* are then summed over "
        "the workers (CPU time, not wall time). Peak RSS is each process's own `VmHWM`; *all processes* "
        "adds every worker at its own peak to the compiling process's (an upper bound).\n\n"
        + markdown_table(headers, rows, "lrrrrrrrrrrrr")
    )


def _queries(results: Results) -> str:
    if not results.queries:
        return ""
    parts = ["## Query paths: DuckDB against pandas\n"]
    parts.append(
        "Median and p95 over repeated runs (DuckDB and pandas alternating), in milliseconds. "
        "*ratio* = pandas median / DuckDB median (how many times faster DuckDB is). Every "
        "path was first run once in both implementations and the results compared (same trial "
        "ids in the same order, same totals, same row counts); *agree* says whether they did.\n"
    )
    for run in results.queries:
        rows = [
            [
                r.name,
                str(r.duckdb.n),
                ms(r.duckdb.median_ms),
                ms(r.duckdb.p95_ms),
                ms(r.pandas.median_ms),
                ms(r.pandas.p95_ms),
                ratio(r.ratio),
                str(r.rows),
                "yes" if not r.disagreement else f"NO: {r.disagreement}",
            ]
            for r in run.results
        ]
        parts.append(
            f"### N = {n_label(run.n_trials)} ({run.n_values:,} values; pandas copy loaded in "
            f"{run.pandas_load_s:.1f} s, {run.pandas_mb:,.0f} MB)\n\n"
            + markdown_table(
                [
                    "path",
                    "runs",
                    "DuckDB median",
                    "DuckDB p95",
                    "pandas median",
                    "pandas p95",
                    "ratio",
                    "rows",
                    "agree",
                ],
                rows,
                "lrrrrrrrl",
            )  # fmt: skip
        )
    return "\n\n".join(parts)


def _browser(results: Results) -> str:
    if not results.browser:
        return ""
    minimal = results.browser.get("minimal")
    rows = []
    for label, run in results.browser.items():
        cold, warm, clicks = run.stats("cold_ms"), run.stats("warm_ms"), run.stats("interaction_ms")
        base = minimal if minimal is not None and label != "minimal" else None
        rows.append(
            [
                label,
                f"{ms(cold.median_ms)} ({cold.n})",
                ratio(cold.median_ms / base.stats("cold_ms").median_ms) if base else "",
                f"{ms(warm.median_ms)} / {ms(warm.p95_ms)} ({warm.n})",
                ratio(warm.median_ms / base.stats("warm_ms").median_ms) if base else "",
                f"{ms(clicks.median_ms)} / {ms(clicks.p95_ms)} ({clicks.n})",
                ratio(clicks.median_ms / base.stats("interaction_ms").median_ms) if base else "",
                f"{run.peak_rss_mb:,.0f}",
                str(run.exceptions),
                str(run.click_retries),
                "; ".join(run.errors)[:300] or "none",
            ]
        )
    headers = [
        "server", "cold first view, median (n)", "× minimal", "warm first view, median / p95 (n)", "× minimal",
        "facet click → settled, median / p95 (n)", "× minimal", "peak RSS (MB)", "exceptions", "clicks repeated",
        "errors",
    ]  # fmt: skip
    parts = [
        "## The app in Chromium: first view, facet interaction, memory\n",
        "Milliseconds from navigation (or from the option click) to settled, on the page's own clock. "
        "*Cold*: the first visit to a freshly started server process (one sample per server start); "
        "*warm*: the server already running, a new browser context (no browser cache) per visit. "
        "The app is opened at `/trials?lang=en`; the minimal page (`bench/minimal_app.py`: one "
        "multiselect and one `st.dataframe`) at `/`. A facet click selects one option of the "
        '"Cancer type" multiselect, a different one each time so that the app\'s query caches miss. '
        "Peak RSS is `VmHWM` of the server process after all its visits (the page tour included). "
        "*Clicks repeated*: clicks that started no rerun within 15 s (the option list was still "
        "animating, so nothing was selected) and were measured again in a fresh context.\n",
        markdown_table(headers, rows, "lrrrrrrrrrl"),
    ]
    split_rows = []
    for label, run in results.browser.items():
        views = run.first_views
        if not views:
            continue
        start = Stats.of([v.script_start_ms for v in views if not math.isnan(v.script_start_ms)])
        end = Stats.of([v.script_end_ms for v in views if not math.isnan(v.script_end_ms)])
        total = Stats.of([v.ms for v in views])
        runs = Stats.of([float(v.runs) for v in views])
        split_rows.append(
            [
                label,
                str(total.n),
                ms(start.median_ms),
                ms(end.median_ms - start.median_ms),
                ms(total.median_ms - end.median_ms),
                ms(total.median_ms),
                f"{runs.median_ms:g}",
            ]
        )
    if split_rows:
        parts.append(
            "### Where a first view's time goes (cold and warm visits, medians)\n\n"
            "From the page's script-state changes: *to first script run* is loading the frontend, "
            "opening the websocket and the server starting the script; *script runs* is from the "
            "first run's start to the last run's end before the view settled (including reruns); "
            "*after the script* is the browser drawing the last deltas until the table shows.\n\n"
            + markdown_table(
                [
                    "server",
                    "views",
                    "to first script run",
                    "script runs",
                    "after the script",
                    "first view",
                    "runs per view",
                ],
                split_rows,
                "lrrrrrr",
            )  # fmt: skip
        )
    tours = [(label, run) for label, run in results.browser.items() if run.tour]
    if tours:
        paths = [visit.what for visit in tours[0][1].tour]
        tour_rows = []
        for label, run in tours:
            by_path = {visit.what: visit for visit in run.tour}
            tour_rows.append(
                [label]
                + [
                    (ms(by_path[p].ms) if not by_path[p].error else "FAILED")
                    + (f" ({by_path[p].exceptions} exc.)" if p in by_path and by_path[p].exceptions else "")
                    if p in by_path
                    else "–"
                    for p in paths
                ]
            )
        parts.append(
            "### Every page, first visit on each server\n\nMilliseconds until the page's table or chart "
            "is shown and settled (`/trial` opens the first trial by id; the synthetic corpora's "
            "trials have 1–3 arms and about 20 values). An exception on any page would be counted "
            "here and in the table above.\n\n"
            + markdown_table(["server", *paths], tour_rows, "l" + "r" * len(paths))
        )
    return "\n\n".join(parts)


def _load(results: Results) -> str:
    load = results.load
    if load is None:
        return ""
    rows = []
    for step in STEPS:
        stats: Stats = load.stats(step)
        rows.append([step, str(stats.n), ms(stats.median_ms), ms(stats.p95_ms), ms(stats.max_ms)])
    overall = load.stats()
    rows.append(
        ["**all steps**", str(overall.n), ms(overall.median_ms), ms(overall.p95_ms), ms(overall.max_ms)]
    )
    errors = ", ".join(f"{kind}: {count}" for kind, count in sorted(load.errors.items())) or "none"
    cpu_available = load.wall_s * (os.cpu_count() or 1)
    share = load.server_cpu_s / cpu_available if cpu_available else math.nan
    external = (
        ", ".join(f"{host}: {count}" for host, count in sorted(load.external_failures.items())) or "none"
    )
    examples = "\n".join(f"- `{example}`" for example in load.examples)
    return (
        "## End-to-end check in Chromium (a few browser sessions)\n\n"
        "Not the capacity measure (that is the protocol-level load test, *Capacity* below, which "
        "leaves the CPU to the server): a check that real browser pages keep working while "
        f"several readers use one server. {load.sessions} concurrent sessions (one headless "
        "Chromium, one context each) against one server with the bundled data. Each session opens `/trials` once (a full page load), then "
        "loops as a reader does: a search (a different term each time: lung, 肝癌, sarcoma, 乳腺癌, "
        "alectinib), then the sidebar to the trial page, the forest plot, the survival comparison "
        f"and back to the trials, for {load.duration_s:.0f} s (wall {load.wall_s:.0f} s with the "
        "steps under way at the deadline). Each step is timed like the single-session measurements "
        "(navigation, key press or click → the new page or result shown, the script idle and nothing "
        "stale left; checked every 0.5 s, so ±0.5 s). Errors counted: "
        "`stException` elements, "
        "uncaught page errors, HTTP responses ≥ 400, failed "
        "requests to the server, websocket errors, timeouts (60 s per step, 120 s for the one full page "
        "load of a session). Not errors, counted apart: "
        f"requests cancelled because a session navigated away ({load.aborted_requests}); the 404s of "
        "Streamlit's frontend looking for the server under the page's path before the root "
        f"(`/trials/_stcore/health`, {load.expected_probes}); requests to other hosts that failed "
        f"because this machine is offline ({external}).\n\n"
        f"**Loops completed: {load.iterations}. Errors: {load.error_count} ({errors}). Server peak "
        f"RSS: {load.peak_rss_mb:,.0f} MB.** Sessions start 2.5 s apart (all are running from "
        f"{2.5 * (load.sessions - 1):.0f} s on). The server process used "
        f"{load.server_cpu_s:,.0f} CPU-seconds of the {cpu_available:,.0f} the machine had in that "
        f"time ({share:.0%}); the rest went to the {load.sessions} browser pages (and any other work) on the same cores, so these "
        "step times measure the whole machine (browsers included), not the server alone.\n\n"
        + markdown_table(["step", "n", "p50 (ms)", "p95 (ms)", "max (ms)"], rows, "lrrrr")
        + (f"\n\nFirst errors:\n\n{examples}" if examples else "")
    )


def _targets(results: Results) -> str:
    if not results.targets:
        return ""
    rows = []
    for target in results.targets:
        if target.met is None:
            verdict = "–" if target.goal == "for comparison" else "not measured"
        else:
            verdict = "**met**" if target.met else "**missed**"
        rows.append([target.name, target.goal, target.measured, verdict, target.why])
    return "## Targets\n\n" + markdown_table(["target", "goal", "measured", "", "why / notes"], rows)


def render(results: Results, method: str, findings: str) -> str:
    """The whole report as markdown."""
    header = (
        "# Benchmarks\n\n"
        f"Generated by `{results.command}` on {results.started} in {results.wall_s / 60:.1f} minutes "
        "(`make bench` runs the full set; see *Method* for the options). Every number below comes "
        "from that one run on the machine described, except the *Capacity* section at the end, "
        "which `make loadtest` writes; a shared two-core machine is noisy, so "
        "medians are reported beside p95, and the comparisons (DuckDB vs pandas, app vs minimal page) "
        "are measured side by side in the same run.\n"
    )
    sections = [
        header,
        _targets(results),
        _machine(results),
        method,
        _corpora(results),
        _compiles(results),
        _queries(results),
        _browser(results),
        _load(results),
        findings,
        "\n".join(f"- {note}" for note in results.notes),
    ]
    return "\n\n".join(section.strip() for section in sections if section and section.strip()) + "\n"

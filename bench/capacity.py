"""The capacity curve: how many readers one process, and two replicas, hold.

``make loadtest`` (``python -m bench.capacity``) runs, on the bundled data:

1. **Readers with think time**, for 10, 25, 50, 100 and 200 concurrent sessions (400 when
   200 held; then two levels that halve the gap where the setup stopped holding), first
   against one ``streamlit run`` process, then against 2 replicas behind HAProxy
   (``bench/cluster.py``). Each session is a :class:`bench.protocol.Session` (Streamlit's
   websocket protocol, no browser) and loops as a reader does: open ``/trials`` with its
   query string (a deep link: a language, a facet or a search), pick a cancer-type facet,
   switch the language, open a trial by selecting a row of the table, follow the sidebar to
   the forest plot, pick an endpoint there, and go on to the survival comparison. Between
   steps it thinks (uniformly 0.5–1.5 × the think time, 5 s by default). Sessions arrive over
   the first 10 s, each at a random point of its loop (:data:`ENTRY_NEXT`), after every view
   the loop can reach was opened once on each process (:func:`_warm`). A step's latency
   is from sending the message (or from the page's HTML request, for a fresh view) to
   ``script_finished``. Errors by kind: ``exception`` (an exception element in the delta
   stream, or a page not found), ``disconnect`` (the websocket closed or was refused),
   ``timeout`` (no finished run within 30 s), ``http`` (the page's HTML request failed),
   ``protocol`` (the page did not offer the widget a reader would click, or the click did
   not lead where it should).
2. **A replica killed under load**: 16 sessions against 2 replicas; one replica is killed
   (SIGKILL) in the middle. Its sessions reconnect through the balancer to the other one
   and rerun the view their address names; a reconnect that fails, or reopens another view,
   is an error.
3. **Saturated page views**: 8 clients opening fresh sessions back to back (no think time),
   the app's ``/trials`` against the minimal one-table page (``bench/minimal_app.py``), in
   the same run: page views per second and server CPU per view.

Server CPU and memory come from ``/proc`` of every server process (sampled each second).
It prints the tables and rewrites the capacity section of docs/benchmarks.md (between
:data:`BEGIN` and :data:`END`; the rest of the report is ``make bench``'s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import math
import os
import pickle
import random
import re
import resource
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.cluster import COOKIE, start_cluster
from bench.machine import describe
from bench.protocol import ProtocolError, Session, check_local
from bench.report import markdown_table, ms
from bench.server import APP, MINIMAL_APP, ROOT, cpu_seconds, memory_mb, start_server
from bench.timing import Stats, StepLog
from core import db, queries
from core.records import DEFAULT_DATA_DIR

BEGIN = "<!-- capacity: begin (written by make loadtest) -->"
END = "<!-- capacity: end -->"
DEFAULT_OUT = ROOT / "docs" / "benchmarks.md"

LEVELS = (10, 25, 50, 100, 200)
STEPS = ("open /trials", "facet", "language", "open trial", "forest", "endpoint", "survival")
START_QUERIES = (
    "lang=en",
    "lang=zh-Hans",
    "lang=zh-Hant&q=肝癌",
    "lang=en&cancer=nsclc-alk",
    "lang=en&cancer=hcc&cancer=sclc",
)
"""The deep links sessions arrive with (session n uses START_QUERIES[n % 5])."""
OTHER_PAGES = (("trial", "lang=en&trial=lead"), ("forest", "lang=en"), ("survival", "lang=en"))
"""Saturated, for the record (the target is /trials'): the other pages a reader's loop opens."""
STREAMLIT_DEFAULTS = ("--server.fileWatcherType", "auto", "--runner.postScriptGC", "true")
"""Streamlit's own defaults for the two settings .streamlit/config.toml changes for readers."""
APP_LABEL = "app: /trials?lang=en"
MINIMAL_LABEL = "minimal page: /"
LANGUAGES = ("en", "zh-Hans", "zh-Hant")  # the order of the sidebar's language control
STEP_TIMEOUT_S = 30.0
TARGET_SESSIONS = 50
TARGET_P95_MS = 2000.0
TARGET_REPLICA_GAIN = 1.6
MAX_SESSIONS = 500
REFINE_STEP = 25
"""Counts measured by :func:`_refine` are multiples of this."""
MAX_SECONDS = 600.0
COUNT = re.compile(r"\((\d+)\)$")
ENTRY_NEXT = (1, 2, 3, 4, 6)
"""Where a reader's first loop goes on after its first fresh view of ``/trials`` (indexes into
:data:`STEPS`; any step that works from ``/trials``, so not the forest's endpoint): readers
at any moment are spread over their loop, as readers who came at different times are. When
every session started its loop at the first step, a level of 25 s measured mostly the cheap
first steps (the survival page was hardly reached) and the heavy ones arrived together."""


# --- results ----------------------------------------------------------------------------------


@dataclass
class Level(StepLog):
    """One run of ``sessions`` readers against one setup."""

    setup: str
    sessions: int
    duration_s: float
    think_s: float
    cut: list[float] = field(default_factory=list)  # steps under way at the hard stop (ms so far)
    reconnects: list[float] = field(default_factory=list)
    views_reopened: int = 0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    peak_rss_mb: float = 0.0  # the largest sum of the server processes' resident memory
    wall_s: float = 0.0
    per_replica: Counter = field(default_factory=Counter)  # sessions opened per replica cookie
    settle_s: float = 0.0  # how long the servers stayed busy after the level's stop

    def samples(self) -> list[float]:
        """Every step time, and the steps cut at the hard stop (as long as they had waited)."""
        return super().samples() + self.cut

    @property
    def holds(self) -> bool:
        """p95 step ≤ 2 s and no error."""
        stats = self.stats()
        return stats.n > 0 and stats.p95_ms <= TARGET_P95_MS and self.error_count == 0


@dataclass
class Saturation:
    label: str
    clients: int
    seconds: float
    views: int = 0
    errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    @property
    def per_second(self) -> float:
        return self.views / self.seconds if self.seconds else math.nan

    @property
    def cpu_ms_per_view(self) -> float:
        return 1000 * self.server_cpu_s / self.views if self.views else math.nan


@dataclass
class Capacity:
    started: str
    machine: dict[str, str]
    levels: list[Level] = field(default_factory=list)
    kill: Level | None = None
    saturation: list[Saturation] = field(default_factory=list)
    wall_s: float = 0.0
    load_average: tuple[float, float, float] = (math.nan, math.nan, math.nan)
    warmed: int = 0  # views opened on each process before the levels (see _warm)


# --- one reader ---------------------------------------------------------------------------------


def _facet_choice(session: Session, rng: random.Random) -> list[str] | None:
    """A cancer type with trials under the current filter (its label ends in a count > 0)."""
    options = [o for o in session.options("trials__cancer") if (m := COUNT.search(o)) and int(m.group(1)) > 0]
    return [rng.choice(options)] if options else None


def _current_language(session: Session) -> str:
    match = re.search(r"(?:^|&)lang=([^&]+)", session.query)
    return match.group(1) if match and match.group(1) in LANGUAGES else "en"


async def _reader_steps(session: Session, rng: random.Random, query: str):
    """The reader's loop as (step name, coroutine factory) pairs; a factory may return None."""

    async def facet():
        choice = _facet_choice(session, rng)
        return None if choice is None else await session.set_widget("trials__cancer", choice)

    async def language():
        options = session.options("lang")
        current = LANGUAGES.index(_current_language(session))
        return await session.set_widget("lang", options[(current + 1) % len(options)])

    async def open_trial():
        if not session.row_trials:
            raise ProtocolError("protocol", f"no trial rows to open on /{session.path}")
        elapsed = await session.open_row("trials_open_row", session.row_trials[0])  # the first row
        if session.path != "trial" or "trial=" not in session.query:
            raise ProtocolError("protocol", f"selecting a row did not open a trial (on /{session.path})")
        return elapsed

    async def endpoint():
        options = session.options("forest__endpoint")
        return await session.set_widget("forest__endpoint", [rng.choice(options)]) if options else None

    return (
        ("open /trials", lambda: session.open("trials", query)),
        ("facet", facet),
        ("language", language),
        ("open trial", open_trial),
        ("forest", lambda: session.navigate("forest")),
        ("endpoint", endpoint),
        ("survival", lambda: session.navigate("survival")),
    )


def _params(query: str) -> Counter:
    return Counter(urllib.parse.parse_qsl(query, keep_blank_values=True))


async def _recover(session: Session, level: Level) -> bool:
    """After a dropped websocket: reconnect as the frontend does; was the same view reopened?"""
    path, query = session.path, session.query
    try:
        elapsed = await session.reconnect()
    except ProtocolError as exc:
        level.error(exc.kind, f"reconnect: {exc.detail}")
        return False
    level.reconnects.append(elapsed)
    if session.path != path or not _params(query) <= _params(session.query):
        level.error("protocol", f"reconnect opened /{session.path}?{session.query}, not /{path}?{query}")
        return False
    level.views_reopened += 1
    return True


async def _reader(number: int, base_url: str, level: Level, deadline: float, ramp_s: float, tracker: dict):
    rng = random.Random(number)
    session = Session(base_url, timeout_s=STEP_TIMEOUT_S)
    query = START_QUERIES[number % len(START_QUERIES)]
    steps = await _reader_steps(session, rng, query)
    await asyncio.sleep(rng.uniform(0, ramp_s))
    index = 0
    entry = rng.choice(ENTRY_NEXT)  # the step after the first fresh view (then the loop in order)

    async def after(index: int) -> int:
        """The next step; a loop come round to its fresh view leaves the session first."""
        index = (index + 1) % len(steps)
        if index == 0:
            await session.close()
        return index

    try:
        while time.monotonic() < deadline:
            name, step = steps[index]
            tracker[number] = time.perf_counter()
            try:
                elapsed = await step()
            except Exception as exc:  # counted by kind, then the reader goes on
                tracker.pop(number, None)
                kind = exc.kind if isinstance(exc, ProtocolError) else "client"
                level.error(kind, f"{name}: {exc.detail if isinstance(exc, ProtocolError) else repr(exc)}")
                if kind == "disconnect" and await _recover(session, level):
                    index = await after(index)
                else:
                    with contextlib.suppress(Exception):
                        await session.close()
                    index = 0  # an unknown state: start again from a fresh page view
                await asyncio.sleep(level.think_s * rng.uniform(0.5, 1.5))
                continue
            tracker.pop(number, None)
            if name == "open /trials":
                level.per_replica[session.cookies.get(COOKIE, "-")] += 1
            if elapsed is not None:
                level.steps.setdefault(name, []).append(elapsed)
            if index == 0:  # after a fresh view: the first loop may go on further along it
                index, entry = entry, 1
            else:
                index = await after(index)
            await asyncio.sleep(level.think_s * rng.uniform(0.5, 1.5))
    finally:
        with contextlib.suppress(Exception):
            await session.close()


async def _sample(pids, stop: asyncio.Event, level: Level) -> None:
    """Each second: the servers' summed RSS, and each process's CPU time (first and last seen).

    A process that exits (a killed replica) keeps the CPU time it had at its last sample.
    """
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    while True:
        for pid in (get() for get in pids):
            used = cpu_seconds(pid)
            if used:
                first.setdefault(pid, used)
                last[pid] = used
        level.peak_rss_mb = max(level.peak_rss_mb, sum(memory_mb(get())["VmRSS"] for get in pids))
        level.server_cpu_s = sum(last[pid] - first[pid] for pid in last)
        if stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


async def _drive(level: Level, base_url: str, pids, ramp_s: float, grace_s: float, on_tick=None) -> Level:
    check_local(base_url)
    started = time.monotonic()
    deadline = started + level.duration_s
    tracker: dict[int, float] = {}
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample(pids, stop, level))
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    readers = [
        asyncio.create_task(_reader(n, base_url, level, deadline, ramp_s, tracker))
        for n in range(level.sessions)
    ]
    ticker = asyncio.create_task(on_tick(started)) if on_tick else None
    done, pending = await asyncio.wait(readers, timeout=level.duration_s + grace_s)
    now = time.perf_counter()
    level.cut = [(now - began) * 1000 for began in tracker.values()]  # still waiting at the hard stop
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            level.error("client", f"{type(task.exception()).__name__}: {task.exception()}")
    if ticker is not None:
        ticker.cancel()
        await asyncio.gather(ticker, return_exceptions=True)
    after = resource.getrusage(resource.RUSAGE_SELF)
    level.client_cpu_s = (after.ru_utime + after.ru_stime) - (client_before.ru_utime + client_before.ru_stime)
    stop.set()
    await sampler
    level.wall_s = time.monotonic() - started
    return level


# --- saturation ---------------------------------------------------------------------------------


async def _saturate(result: Saturation, base_url: str, path: str, query: str, pid) -> Saturation:
    check_local(base_url)
    deadline = time.monotonic() + result.seconds

    async def client() -> None:
        while time.monotonic() < deadline:
            session = Session(base_url, timeout_s=STEP_TIMEOUT_S)
            try:
                result.latencies.append(await session.open(path, query))
                result.views += 1
            except ProtocolError as exc:
                result.errors[exc.kind] += 1
            finally:
                await session.close()

    before, started = cpu_seconds(pid), time.monotonic()
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(client() for _ in range(result.clients)))
    result.server_cpu_s = cpu_seconds(pid) - before
    after = resource.getrusage(resource.RUSAGE_SELF)
    result.client_cpu_s = (after.ru_utime + after.ru_stime) - (
        client_before.ru_utime + client_before.ru_stime
    )
    result.seconds = time.monotonic() - started  # views are counted until the last one finished
    return result


# --- the run ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    levels: tuple[int, ...] = LEVELS
    beyond: bool = True  # a top level held: measure one more, at twice it (see _levels)
    refine: int = 2  # levels that halve the gap where the setup stops holding (see _refine)
    duration_s: float = 25.0
    small_s: float = 20.0  # levels below TARGET_SESSIONS (far from any limit: the curve's foot)
    think_s: float = 5.0
    ramp_s: float = 10.0
    grace_s: float = 5.0
    replicas: int = 2
    kill_sessions: int = 16
    kill_s: float = 30.0
    saturation_clients: int = 8
    saturation_s: float = 15.0
    page_saturation_s: float = 6.0  # the other pages, and the minimal page under Streamlit's defaults
    workdir: Path = Path("/tmp/loadtest-run")
    data_dir: Path = DEFAULT_DATA_DIR


def _reachable(database: Path) -> list[tuple[str, str]]:
    """Every view a reader's loop can open, as fresh-view addresses, in every language: the
    start links, each trial, the forest plot (unfiltered and by each endpoint a reader can
    pick) and the survival comparison. Forest endpoints are read from the page itself
    (:func:`_warm`); this lists the rest."""
    con = db.connect_readonly(database)
    try:
        trials = sorted(queries.all_trial_ids(con))
    finally:
        con.close()
    out = []
    for lang in LANGUAGES:
        out += [("trials", re.sub(r"lang=[^&]+", f"lang={lang}", query)) for query in START_QUERIES]
        out += [("trial", f"lang={lang}&trial={trial}") for trial in trials]
        out += [("forest", f"lang={lang}"), ("survival", f"lang={lang}")]
    return list(dict.fromkeys(out))  # two start links differ only by their language


def _warm(base_url: str, views: list[tuple[str, str]], replicas: tuple[str, ...] = ()) -> Counter:
    """Build each server's views before measuring: every view of ``views`` opened once on each
    replica (named by the balancer's cookie; none: one process), each forest endpoint picked,
    then one reader's loop. A process builds a view on its first request and keeps it
    (``pages/views.py``): a level measures a server that has served readers for a while, not
    a race to fill its caches (the first levels paid each cold view, 300–500 ms a page, and
    each replica paid it again). Returns the views opened by the replica that served them."""
    opened: Counter = Counter()

    def fresh(cookie: str | None) -> Session:
        session = Session(base_url, timeout_s=60)
        if cookie:
            session.cookies[COOKIE] = cookie
        return session

    async def one(cookie: str | None) -> None:
        for path, query in views:
            session = fresh(cookie)
            try:
                await session.open(path, query)
                opened[session.cookies.get(COOKIE, "-")] += 1
                if path == "forest":  # each endpoint a reader can pick there
                    for option in session.options("forest__endpoint"):
                        await session.set_widget("forest__endpoint", [option])
                        opened[session.cookies.get(COOKIE, "-")] += 1
            finally:
                await session.close()
        session = fresh(cookie)
        try:
            for _name, step in await _reader_steps(session, random.Random(0), START_QUERIES[0]):
                await step()
        finally:
            await session.close()

    async def every() -> None:
        await asyncio.gather(*(one(name) for name in replicas or (None,)))

    try:
        asyncio.run(every())
    except ProtocolError as exc:
        print(f"  warm-up failed: {exc}", flush=True)
    return opened


def _settle(pids, timeout: float = 20.0) -> float:
    """Wait until the servers are idle (< 5% of a core for a second): an overloaded level leaves
    script runs of abandoned sessions behind, which must not be charged to the next level.
    Returns the seconds waited."""
    started = time.monotonic()
    previous = sum(cpu_seconds(get()) for get in pids)
    while time.monotonic() - started < timeout:
        time.sleep(1.0)
        now = sum(cpu_seconds(get()) for get in pids)
        if now - previous < 0.05:
            break
        previous = now
    return time.monotonic() - started


def _levels(options: Options, setup: str, base_url: str, pids, log, began: float) -> list[Level]:
    """Each level of ``options.levels``; then, when the top one held, one more at twice it
    (at most :data:`MAX_SESSIONS`): a setup that holds every level of the ladder has not shown
    how many sessions it holds, and 2 replicas can only be compared with one process below the
    level where one process stops holding. Then :func:`_refine`."""
    out = []
    for sessions in options.levels:
        out += _level(options, setup, sessions, base_url, pids, log, began)
    top = max(options.levels, default=0)
    if options.beyond and out and out[-1].sessions == top and out[-1].holds and top < MAX_SESSIONS:
        out += _level(options, setup, min(2 * top, MAX_SESSIONS), base_url, pids, log, began)
    return out + _refine(options, setup, out, base_url, pids, log, began)


def _bracket(levels: list[Level]) -> tuple[int, int] | None:
    """(largest count held, smallest larger count measured that was not held), or None when
    every level measured held: the gap in which the setup's capacity lies."""
    held = largest_held(levels)
    above = [level.sessions for level in levels if level.sessions > held and not level.holds]
    return (held, min(above)) if above else None


def _refine(
    options: Options, setup: str, levels: list[Level], base_url: str, pids, log, began
) -> list[Level]:
    """Halve the gap between the largest count held and the smallest one not held,
    ``options.refine`` times (counts rounded to :data:`REFINE_STEP`). The ladder doubles, so on
    its own it cannot tell 1.6× from 1×: one process holding 220 and 2 replicas 350 (1.6×)
    would both read "200" (400 not held)."""
    out: list[Level] = []
    for _ in range(options.refine):
        gap = _bracket(levels + out)
        if gap is None:
            break
        low, high = gap
        middle = int(round((low + high) / 2 / REFINE_STEP)) * REFINE_STEP
        if not low < middle < high:
            break
        measured = _level(options, setup, middle, base_url, pids, log, began)
        if not measured:  # near the run's time bound
            break
        out += measured
    return out


def _level(
    options: Options, setup: str, sessions: int, base_url: str, pids, log, began: float
) -> list[Level]:
    """One level measured (a list of it), or none when the run is near its time bound."""
    if time.monotonic() - began > MAX_SECONDS * 0.8:
        log(f"{setup}: {sessions} sessions skipped, the run is near its time bound")
        return []
    seconds = min(options.small_s, options.duration_s) if sessions < TARGET_SESSIONS else options.duration_s
    level = Level(setup, sessions, seconds, options.think_s)
    asyncio.run(_drive(level, base_url, pids, options.ramp_s, options.grace_s))
    level.settle_s = _settle(pids)
    stats = level.stats()
    log(
        f"{setup}, {sessions} sessions: {stats.n} steps, p50 {ms(stats.median_ms)} / p95 "
        f"{ms(stats.p95_ms)} / max {ms(stats.max_ms)} ms, errors {dict(level.errors) or 0}, "
        f"server CPU {level.server_cpu_s / level.wall_s:.0%}, RSS {level.peak_rss_mb:,.0f} MB"
    )
    return [level]


def _more_saturation(options: Options, cache: Path, logs: Path, log) -> list[Saturation]:
    """For the record, after the targets' runs: the app's other pages, and the minimal page
    under Streamlit's own defaults (file watcher on, a full garbage collection after every
    run), which the app's settings turn off for both pages of the target."""
    out = []
    log("saturated page views: the app's other pages")
    server = start_server(APP, logs, data_dir=options.data_dir, cache_dir=cache)
    try:
        _warm(server.url, list(OTHER_PAGES))
        for path, query in OTHER_PAGES:
            _settle([lambda: server.pid])
            page = Saturation(f"app: /{path}?{query}", options.saturation_clients, options.page_saturation_s)
            out.append(asyncio.run(_saturate(page, server.url, path, query, server.pid)))
    finally:
        server.stop()
    log("saturated page views: the minimal page under Streamlit's defaults")
    minimal_server = start_server(MINIMAL_APP, logs, flags=STREAMLIT_DEFAULTS)
    try:
        asyncio.run(Session(minimal_server.url, timeout_s=60).open(""))
        _settle([lambda: minimal_server.pid])
        label = f"{MINIMAL_LABEL}, Streamlit's defaults ({' '.join(STREAMLIT_DEFAULTS)})"
        minimal = Saturation(label, options.saturation_clients, options.page_saturation_s)
        out.append(asyncio.run(_saturate(minimal, minimal_server.url, "", "", minimal_server.pid)))
    finally:
        minimal_server.stop()
    return out


def run(options: Options, log=print) -> Capacity:
    """Every measurement of the module docstring; bounded by :data:`MAX_SECONDS`."""
    if max(options.levels) > MAX_SESSIONS or options.kill_sessions > MAX_SESSIONS:
        raise ValueError(f"at most {MAX_SESSIONS} sessions")
    begun = time.monotonic()
    result = Capacity(dt.datetime.now().strftime("%Y-%m-%d %H:%M"), describe())
    options.workdir.mkdir(parents=True, exist_ok=True)
    cache = options.workdir / "cache"
    views = _reachable(db.compiled_database(options.data_dir, cache))
    logs = options.workdir / "logs"

    log("one process: starting the app")
    server = start_server(APP, logs, data_dir=options.data_dir, cache_dir=cache)
    try:
        warmed = _warm(server.url, views)
        result.warmed = sum(warmed.values())
        _settle([lambda: server.pid])
        log(f"{result.warmed} views built before measuring")
        log(f"saturated page views: {options.saturation_clients} clients, app /trials")
        app = Saturation(APP_LABEL, options.saturation_clients, options.saturation_s)
        result.saturation.append(asyncio.run(_saturate(app, server.url, "trials", "lang=en", server.pid)))
        _settle([lambda: server.pid])
        result.levels += _levels(options, "1 process", server.url, [lambda: server.pid], log, begun)
    finally:
        server.stop()
    log("saturated page views: minimal page")
    minimal_server = start_server(MINIMAL_APP, logs)
    try:
        asyncio.run(Session(minimal_server.url, timeout_s=60).open(""))
        _settle([lambda: minimal_server.pid])
        minimal = Saturation(MINIMAL_LABEL, options.saturation_clients, options.saturation_s)
        result.saturation.append(
            asyncio.run(_saturate(minimal, minimal_server.url, "", "", minimal_server.pid))
        )
    finally:
        minimal_server.stop()

    log(f"{options.replicas} replicas behind HAProxy: starting")
    cluster = start_cluster(options.replicas, options.workdir / "cluster", options.data_dir, cache)
    try:
        pids = [lambda i=i: cluster.replicas[i].pid for i in range(options.replicas)]
        warmed = _warm(cluster.url, views, tuple(cluster.names))
        _settle(pids)
        log(f"views built before measuring: {dict(warmed)}")
        result.levels += _levels(options, f"{options.replicas} replicas", cluster.url, pids, log, begun)

        log(f"{options.kill_sessions} sessions on {options.replicas} replicas, one killed mid-run")
        kill = Level(
            f"{options.replicas} replicas, r1 killed", options.kill_sessions, options.kill_s, options.think_s
        )

        async def killer(started: float) -> None:
            await asyncio.sleep(options.kill_s / 2)
            cluster.kill(0)
            kill.examples.insert(
                0, f"r1 (pid {cluster.replicas[0].pid}) killed at {time.monotonic() - started:.0f} s"
            )

        asyncio.run(_drive(kill, cluster.url, pids, options.ramp_s / 2, options.grace_s, killer))
        result.kill = kill
        log(
            f"kill run: {len(kill.reconnects)} reconnects, {kill.views_reopened} views reopened, "
            f"errors {dict(kill.errors)}"
        )
    finally:
        cluster.stop()
    if time.monotonic() - begun < MAX_SECONDS - 60:  # they take about 40 s
        result.saturation += _more_saturation(options, cache, logs, log)
    else:
        log("saturated page views of the other pages skipped: the run is near its time bound")
    result.wall_s = time.monotonic() - begun
    result.load_average = os.getloadavg()
    return result


# --- the report ---------------------------------------------------------------------------------


def largest_held(levels: list[Level]) -> int:
    held = [level.sessions for level in levels if level.holds]
    return max(held) if held else 0


def _durations(levels: list[Level]) -> str:
    """How long the levels ran, in words ("25 s (20 s below 50 sessions)")."""
    large = {level.duration_s for level in levels if level.sessions >= TARGET_SESSIONS}
    small = {level.duration_s for level in levels if level.sessions < TARGET_SESSIONS}

    def said(seconds: set[float]) -> str:
        return " / ".join(f"{s:.0f} s" for s in sorted(seconds))

    if not large or small <= large:
        return said(large | small) or "–"
    return f"{said(large)} ({said(small)} below {TARGET_SESSIONS} sessions)"


def _brackets(one: list[Level], two: list[Level]) -> str:
    """Where each setup stopped holding, in words."""
    said = []
    for name, levels in (("one process", one), ("2 replicas", two)):
        gap = _bracket(levels)
        if levels:
            said.append(
                f"{name}: held {gap[0] or 'none'}, not {gap[1]}"
                if gap
                else f"{name}: held every level measured"
            )
    return "; ".join(said)


def _level_rows(levels: list[Level]) -> list[list[str]]:
    rows = []
    for level in levels:
        stats = level.stats()
        errors = ", ".join(f"{kind}: {count}" for kind, count in sorted(level.errors.items())) or "0"
        rows.append(
            [
                level.setup,
                str(level.sessions),
                str(stats.n),
                ms(stats.median_ms),
                ms(stats.p95_ms),
                ms(stats.max_ms),
                errors + (f" ({len(level.cut)} cut at the stop)" if level.cut else ""),
                f"{level.server_cpu_s / level.wall_s:.0%}" if level.wall_s else "–",
                f"{level.peak_rss_mb:,.0f}",
                f"{level.client_cpu_s / level.wall_s:.0%}" if level.wall_s else "–",
                "yes" if level.holds else "no",
            ]
        )
    return rows


def targets(result: Capacity) -> list[tuple[str, str, str, bool | None, str]]:
    """(target, goal, measured, met, why) for the capacity targets of this run."""
    one = [level for level in result.levels if level.setup == "1 process"]
    two = [level for level in result.levels if level.setup != "1 process"]
    out = []
    at_target = next((level for level in one if level.sessions == TARGET_SESSIONS), None)
    if at_target is not None:
        stats = at_target.stats()
        met = at_target.holds
        why = ""
        if not met:
            why = _why(at_target, one, result)
        out.append(
            (
                f"{TARGET_SESSIONS} sessions (5 s think) on one process",
                "p95 step ≤ 2 s, 0 errors",
                f"p95 {ms(stats.p95_ms)} ms, {at_target.error_count} errors",
                met,
                why,
            )
        )
    held_one, held_two = largest_held(one), largest_held(two)
    if one and two:
        gain = held_two / held_one if held_one else math.nan
        met = bool(held_one) and gain >= TARGET_REPLICA_GAIN
        why = ""
        if not held_one:
            why = (
                "one process held none of the measured levels on this machine while it was shared "
                f"(load average {result.load_average[1]:.0f}), so there is no ratio to state"
            )
        elif not met and held_two == max(level.sessions for level in two):
            why = (
                f"2 replicas held every level measured (up to {held_two}): how many more they hold "
                "than one process was not measured"
            )
        elif not met:
            why = _replica_why(one, two, result)
        out.append(
            (
                "2 replicas hold more sessions than one process",
                f"≥ {TARGET_REPLICA_GAIN}×",
                f"{held_two} vs {held_one} sessions" + (f" = {gain:.1f}×" if held_one else ""),
                met,
                why,
            )
        )
    if result.kill is not None:
        kill = result.kill
        errors = {k: v for k, v in kill.errors.items() if k != "disconnect"}
        drops = kill.errors.get("disconnect", 0)
        failed = drops - len(kill.reconnects)
        met = not errors and failed <= 0 and kill.views_reopened == len(kill.reconnects)
        out.append(
            (
                "a replica killed under load",
                "0 errors besides the reconnect",
                f"{drops} dropped websockets, {len(kill.reconnects)} reconnected, {kill.views_reopened} "
                f"reopened the same view; other errors: {sum(errors.values())}",
                met,
                ""
                if met
                else "; ".join(e for e in kill.examples[1:] if not e.startswith("disconnect"))[:400],
            )
        )
    app = next((s for s in result.saturation if s.label == APP_LABEL), None)
    minimal = next((s for s in result.saturation if s.label == MINIMAL_LABEL), None)
    if app and minimal and app.views and minimal.views:
        rate = minimal.per_second / app.per_second
        cpu = app.cpu_ms_per_view / minimal.cpu_ms_per_view
        met = max(rate, cpu) <= 1.5
        defaults = next((s for s in result.saturation if s.label.startswith(f"{MINIMAL_LABEL}, ")), None)
        why = (
            "judged on the worse of two ratios, both pages under the app's server settings (no file "
            "watcher, no full garbage collection after every run), which cut Streamlit's own cost "
            "of a view more than the app's: what is left of the trials page's view is Streamlit "
            "building its widgets (ten facet multiselects with counts, search, sort, paging, the "
            "sidebar's language control and navigation, the row opener, two downloads) where the "
            "minimal page has one; queries, the table and the facet counts come from the caches"
        )
        if defaults is not None and defaults.views:
            why += (
                f". Against the minimal page under Streamlit's defaults ({defaults.cpu_ms_per_view:,.0f} ms "
                f"a view) the app's view costs {app.cpu_ms_per_view / defaults.cpu_ms_per_view:.2f}×"
            )
        out.append(
            (
                "server cost of a fresh page view (8 clients, no think time)",
                "≤ 1.5× the minimal page's",
                f"{app.per_second:.1f} vs {minimal.per_second:.1f} views/s = {rate:.2f}×; server CPU "
                f"{app.cpu_ms_per_view:,.0f} vs {minimal.cpu_ms_per_view:,.0f} ms a view = {cpu:.2f}×",
                met,
                "" if met else why,
            )
        )
    return out


def _replica_why(one: list[Level], two: list[Level], result: Capacity) -> str:
    """Why 2 replicas did not hold 1.6× one process's sessions, from this run's own levels."""
    cores = result.machine.get("cores (nproc)", "?")

    def first_failed(levels: list[Level]) -> str:
        gap = _bracket(levels)
        if gap is None:
            return "held every level"
        level = next(level for level in levels if level.sessions == gap[1])
        return (
            f"{level.sessions} sessions not held (p95 {ms(level.stats().p95_ms)} ms, servers at "
            f"{level.server_cpu_s / level.wall_s:.0%} of one core, load client {level.client_cpu_s / level.wall_s:.0%})"
        )

    return (
        f"one process: {first_failed(one)}; 2 replicas: {first_failed(two)}, on {cores} cores shared "
        "with the load client and the balancer; which side of 2 s a level falls on varies from run "
        "to run on a shared machine"
    )


def _why(level: Level, levels: list[Level], result: Capacity) -> str:
    share = level.server_cpu_s / level.wall_s if level.wall_s else math.nan
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(level.errors.items()))
    return (
        f"the server process got {share:.0%} of one core (load average {result.load_average[1]:.0f} on "
        f"{result.machine.get('cores (nproc)', '?')} cores: other work shared the machine); Streamlit runs "
        "every session's script in one Python process, so the runs queue behind each other"
        + (f"; errors: {kinds}" if kinds else "")
        + f"; the largest count held on one process: {largest_held(levels) or 'none of those measured'}"
    )


def render(result: Capacity) -> str:
    one = [level for level in result.levels if level.setup == "1 process"]
    two = [level for level in result.levels if level.setup != "1 process"]
    ordered = sorted(result.levels, key=lambda level: (level.setup != "1 process", level.sessions))
    machine = result.machine
    parts = [
        BEGIN,
        "## Capacity: readers per server (protocol-level load test)\n",
        f"Generated by `make loadtest` (`python -m bench.capacity`) on {result.started} in "
        f"{result.wall_s / 60:.1f} minutes, on {machine.get('CPU', '?')}, {machine.get('cores (nproc)', '?')} "
        f"cores, {machine.get('memory', '?')}, Streamlit {machine.get('Streamlit', '?')}, HAProxy from "
        f"Debian. Load average at the end: {result.load_average[0]:.1f} / {result.load_average[1]:.1f} / "
        f"{result.load_average[2]:.1f} for 1 / 5 / 15 minutes (the run's own load included; above "
        f"{machine.get('cores (nproc)', '?')}, other work shared the machine). The load client runs on "
        "the same cores as the servers, so the numbers are conservative and noisy; rerun "
        "`make loadtest` to compare.\n",
        "The load client speaks Streamlit's websocket protocol (`bench/protocol.py`: the `BackMsg` "
        "/ `ForwardMsg` classes of the installed `streamlit`), so no browser competes with the "
        "server for the CPU. Each session loops as a reader does: open `/trials` from a deep link "
        "(`lang=en`, `lang=zh-Hans`, `lang=zh-Hant&q=肝癌`, `lang=en&cancer=nsclc-alk`, "
        "`lang=en&cancer=hcc&cancer=sclc`), pick a cancer type, switch the language, open a trial "
        "(a click on a row), the forest plot, pick an endpoint, the survival comparison; "
        f"{result.levels[0].think_s if result.levels else 5:.0f} s think time on average between "
        "steps (0.5–1.5×); sessions arrive over the first 10 s, each at a random point of its "
        "loop: after its first fresh view of `/trials` it goes on at the facet, the language, the "
        "trial, the forest plot or the survival page, then the whole loop in order, so that the "
        "readers of a level are spread over their loop as readers who came at different times "
        "are. Before the levels, every view the loop can reach (each start link, each trial, the "
        "forest plot with each endpoint and the survival page, in the three languages: "
        f"{result.warmed or '?'} views a process) is opened once on each process, so a level "
        "measures servers that have served readers for a while, not the first build of each "
        "view. A step is timed from the message "
        "(or the page's HTML request, for a fresh view) to `script_finished`. Static files a "
        "browser caches are not fetched. Errors by kind: exception element, disconnect, "
        f"time-out ({STEP_TIMEOUT_S:.0f} s), HTTP, protocol (the expected widget or page did not "
        f"come). Each level runs {_durations(result.levels)}; steps "
        "still waiting at the stop count with the time they had waited so far. *Server CPU* is "
        "the server processes' CPU time over the wall time (100% = one core); *RSS* the largest "
        "sum of their resident memory; *client CPU* the load client's own.\n",
        markdown_table(
            [
                "setup",
                "sessions",
                "steps",
                "p50 (ms)",
                "p95 (ms)",
                "max (ms)",
                "errors",
                "server CPU",
                "server RSS (MB)",
                "client CPU",
                "p95 ≤ 2 s, 0 errors",
            ],
            _level_rows(ordered),
            "lrrrrrlrrrl",
        ),  # fmt: skip
        f"\n**Largest session count with p95 ≤ 2 s and no error: {largest_held(one) or 'none'} on one "
        f"process, {largest_held(two) or 'none'} on 2 replicas** (of the levels measured: "
        f"{', '.join(str(n) for n in sorted({level.sessions for level in result.levels}))}). "
        "The ladder doubles; where a setup stops holding, up to two more levels halve the gap "
        f"between the largest count held and the smallest not held ({_brackets(one, two)}).\n",
    ]
    if two:
        spread = Counter()
        for level in two:
            spread.update(level.per_replica)
        parts.append(
            "Fresh page views per replica over the 2-replica levels (the balancer's sticky cookie): "
            + ", ".join(f"{name}: {count}" for name, count in sorted(spread.items()))
            + ".\n"
        )
    step_rows = []
    smallest = min((level.sessions for level in result.levels), default=0)
    for level in ordered:
        held = largest_held(one if level.setup == "1 process" else two)
        if level.sessions in (TARGET_SESSIONS, smallest, held):
            for step in STEPS:
                stats = level.stats(step)
                step_rows.append(
                    [
                        level.setup,
                        str(level.sessions),
                        step,
                        str(stats.n),
                        ms(stats.median_ms),
                        ms(stats.p95_ms),
                    ]
                )
    if step_rows:
        parts.append(
            "### Step latency by step\n\n"
            "At the smallest level, at the target's 50 sessions and at the largest count each setup "
            "held. A step with no sample was not "
            "reached in the level's time: the sessions were still waiting for earlier steps.\n\n"
            + markdown_table(["setup", "sessions", "step", "n", "p50 (ms)", "p95 (ms)"], step_rows, "lrlrrr")
        )
    if result.kill is not None:
        kill = result.kill
        reconnect = Stats.of(kill.reconnects)
        parts.append(
            "### A replica killed under load\n\n"
            f"{kill.sessions} sessions ({kill.think_s:.0f} s think) on 2 replicas for {kill.duration_s:.0f} s; replica r1 "
            "was killed with SIGKILL half-way. A session whose websocket dropped did what the "
            "frontend does: health check through the balancer (whose cookie still named r1; "
            "`option redispatch` sends it to r2, which sets a new cookie), a new websocket "
            "offering the old session id (unknown to r2: a new session), and a rerun of the page "
            "and query string of its address. **"
            f"{kill.errors.get('disconnect', 0)} websockets dropped, {len(kill.reconnects)} "
            f"reconnected (p50 {ms(reconnect.median_ms)} ms, max {ms(reconnect.max_ms)} ms), "
            f"{kill.views_reopened} reopened exactly the view they had; other errors: "
            f"{sum(v for k, v in kill.errors.items() if k != 'disconnect')}.**"
            + ("\n\n" + "\n".join(f"- {e}" for e in kill.examples) if kill.examples else "")
            + "\n\nWhat a reconnect loses: the session's state in the dead process. Every view is "
            "in the address, so the page comes back as it was; an uploaded import does not (it "
            "lived in that process) and the pages say that the imported data has expired. See "
            "docs/deploy.md."
        )
    if result.saturation:
        rows = [
            [
                s.label,
                str(s.clients),
                f"{s.seconds:.0f}",
                str(s.views),
                f"{s.per_second:.1f}",
                f"{s.cpu_ms_per_view:,.0f}",
                ms(Stats.of(s.latencies).median_ms),
                f"{s.client_cpu_s / s.seconds:.0%}" if s.seconds else "–",
                ", ".join(f"{k}: {v}" for k, v in sorted(s.errors.items())) or "0",
            ]
            for s in result.saturation
        ]
        parts.append(
            "### Saturated page views: the app against a minimal page, same run\n\n"
            "Clients opening fresh sessions back to back (HTML request, websocket, first script "
            "run to `script_finished`), no think time, against one process each. *CPU a view* is "
            "the server's CPU time over the views served, less sensitive to other work on the "
            "machine than views per second. The target compares the app's `/trials` with the "
            "minimal page, both under the app's server settings (`.streamlit/config.toml`: no file "
            "watcher, no full garbage collection after every script run). For the record, after "
            "them: the app's other pages a reader's loop opens, and the minimal page under "
            "Streamlit's own defaults.\n\n"
            + markdown_table(
                [
                    "page",
                    "clients",
                    "seconds",
                    "views",
                    "views/s",
                    "server CPU a view (ms)",
                    "p50 view (ms)",
                    "client CPU",
                    "errors",
                ],
                rows,
                "lrrrrrrrl",
            )
        )
    target_rows = [
        [name, goal, measured, "not measured" if met is None else ("**met**" if met else "**missed**"), why]
        for name, goal, measured, met, why in targets(result)
    ]
    parts.append(
        "### Capacity targets\n\n"
        + markdown_table(["target", "goal", "measured", "", "why / notes"], target_rows)
    )
    parts.append(END)
    return "\n\n".join(part.strip("\n") for part in parts) + "\n"


def splice(document: str, section: str) -> str:
    """``document`` with its capacity section replaced by ``section`` (appended if absent)."""
    if BEGIN in document and END in document:
        head, rest = document.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + section.rstrip("\n") + tail
    return document.rstrip("\n") + "\n\n" + section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default=",".join(str(n) for n in LEVELS), help="session counts")
    parser.add_argument("--seconds", type=float, default=Options.duration_s, help="per level")
    parser.add_argument("--think", type=float, default=Options.think_s, help="mean think time (s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--workdir", type=Path, default=Options.workdir)
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the section from the last run's saved results"
    )
    args = parser.parse_args(argv)
    saved = args.workdir / "capacity.pickle"
    if args.render_only:
        section = render(pickle.loads(saved.read_bytes()))
        args.out.write_text(splice(args.out.read_text(encoding="utf-8"), section), encoding="utf-8")
        print(f"wrote the capacity section of {args.out} from {saved}")
        return 0
    options = Options(
        levels=tuple(int(n) for n in args.levels.split(",") if n.strip()),
        duration_s=args.seconds,
        think_s=args.think,
        workdir=args.workdir,
    )
    begun = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - begun:6.1f} s] {message}", flush=True)

    result = run(options, log)
    saved.write_bytes(pickle.dumps(result))  # --render-only rewrites the section from this
    section = render(result)
    print(section)
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else "# Benchmarks\n"
    args.out.write_text(splice(old, section), encoding="utf-8")
    log(f"wrote the capacity section of {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

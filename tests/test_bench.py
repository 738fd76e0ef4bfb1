"""The benchmark harness, small: a synthetic corpus validates, compiles, and every query path
returns the same rows in DuckDB and in pandas; the report writer makes markdown tables.

The browser and load-test parts are not run here (``make bench`` runs them)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from bench import corpus
from bench.query_bench import run_queries
from bench.report import CompileInfo, Results, Target, markdown_table, render
from bench.timing import Stats
from core import db, queries
from core.records import DEFAULT_DATA_DIR, load_evidence

N = 200


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return corpus.write_corpus(tmp_path_factory.mktemp("corpus"), N, workers=1)


@pytest.fixture(scope="module")
def compiled(synthetic, tmp_path_factory):
    return db.compiled_database(synthetic, tmp_path_factory.mktemp("cache"))


def test_synthetic_corpus_loads_without_a_problem(synthetic):
    evidence = load_evidence(synthetic)
    assert evidence.errors == []
    assert len(evidence.trials) == N
    assert 15 * N <= len(evidence.values) <= 25 * N  # about 20 values a trial
    assert evidence.discrepancies  # some review claims are linked to the report they contradict


def test_synthetic_corpus_has_the_realistic_mix(synthetic):
    evidence = load_evidence(synthetic)
    levels = {value.ci_level for value in evidence.values}
    assert {80, 95, "unknown"} <= levels
    assert any(value.qualifier == "not-reached" for value in evidence.values)
    assert any(value.evidence_kind == "review-claim" for value in evidence.values)
    assert any(value.population != "ITT" for value in evidence.values)
    assert {value.term for value in evidence.values if value.endpoint == "PATIENTS"} <= set(
        corpus.schema.COUNT_TERMS
    )
    assert all(trial.title_zh and trial.condition_zh for trial in evidence.trials)
    assert {len([a for a in evidence.arms if a.trial == t.id]) for t in evidence.trials} >= {1, 2}


def test_corpus_is_deterministic_and_independent_of_its_size(tmp_path):
    small = corpus.write_corpus(tmp_path / "small", 3, workers=1)
    again = corpus.write_corpus(tmp_path / "again", 5, workers=1)
    for name in ("sources.toml", "trials/syn-000002.toml"):
        assert (small / name).read_bytes() == (again / name).read_bytes()


def test_every_query_path_agrees_with_pandas(compiled):
    run = run_queries(compiled, N, only_check=True)
    assert run.n_values > 0
    assert [r.disagreement for r in run.results] == [""] * len(run.results)
    assert {r.name.split(":")[0] for r in run.results} == {
        "trials_page",
        "facet_counts",
        "forest_rows",
        "survival_rows",
        "headlines",
    }
    assert all(r.rows > 0 for r in run.results if not r.name.startswith("trials_page: facet"))


def test_timed_run_reports_median_and_p95(compiled):
    run = run_queries(compiled, N, repeats=2, budget_s=0.0)
    path = run.results[0]
    assert path.duckdb.n >= 2 and path.pandas.n == path.duckdb.n
    assert path.duckdb.median_ms > 0 and path.ratio > 0


def test_parallel_load_equals_the_serial_load(tmp_path):
    # Forced onto several chunks of the bundled data: its discrepancies link values in other
    # files, so the deferred cross-file check is exercised.
    serial = load_evidence(DEFAULT_DATA_DIR)
    parallel = db.load_records(DEFAULT_DATA_DIR, workers=2, min_files=1)
    assert parallel == serial


def test_stats_percentiles():
    stats = Stats.of([float(v) for v in range(1, 101)])
    assert (stats.n, stats.median_ms, stats.p95_ms, stats.max_ms) == (100, 50.5, 95.0, 100.0)
    assert Stats.of([]).n == 0


def test_report_writes_markdown_tables():
    table = markdown_table(["path", "ms"], [["a|b", 1.5]], "lr")
    assert table.splitlines() == ["| path | ms |", "| --- | --: |", "| a\\|b | 1.5 |"]
    results = Results(command="python -m bench", started="today", machine={"CPU": "test"}, seed=1)
    results.compiles.append(CompileInfo("200 trials", N, 4000, 1.0, 0.5, 0.2, 3.0, 0, 100.0))
    results.targets.append(Target("a target", "≤ 50 ms", "12 ms", True))
    text = render(results, "## Method\n\nhow", "## Findings\n\nwhat")
    assert "| corpus | trials |" in text and "**met**" in text and "| CPU | test |" in text
    # the report names every facet path from this allow-list: the trials page's URL filters
    assert set(queries.FACETS) >= {"cancer", "line", "design", "phase", "endpoint", "evidence", "origin"}
    assert all(facet.key == key for key, facet in queries.FACETS.items())


# --- the protocol-level load client and the capacity report (no server needed) -----------------


def test_protocol_session_follows_the_delta_stream():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from bench.protocol import ProtocolError, Session

    session = Session("http://127.0.0.1:8501")
    start = ForwardMsg()
    start.new_session.initialize.session_id = "abc"
    start.new_session.page_script_hash = "h-trials"
    page = start.new_session.app_pages.add()
    page.url_pathname, page.page_script_hash = "trials", "h-trials"
    page = start.new_session.app_pages.add()
    page.url_pathname, page.page_script_hash = "forest", "h-forest"
    assert session._handle(start) is None
    assert (session.session_id, session.page_hash, session.pages["forest"]) == ("abc", "h-trials", "h-forest")

    widget = ForwardMsg()
    widget.delta.new_element.multiselect.id = "$$ID-0123abcd-trials__cancer"
    widget.delta.new_element.multiselect.options.extend(["Breast cancer (2)", "Hepatocellular carcinoma (5)"])
    widget.hash, widget.metadata.cacheable = "h1", True
    session._handle(widget)
    assert session.options("trials__cancer") == ["Breast cancer (2)", "Hepatocellular carcinoma (5)"]
    with pytest.raises(ProtocolError, match="no widget"):
        session.options("trials__phase")

    # a later run refers to the cached element by its hash, as the server does for a browser
    reference = ForwardMsg()
    reference.ref_hash = "h1"
    session.widgets = {}
    session._handle(reference)
    assert "trials__cancer" in session.widgets
    unknown = ForwardMsg()
    unknown.ref_hash = "never-sent"
    with pytest.raises(ProtocolError, match="never received"):
        session._handle(unknown)

    failure = ForwardMsg()
    failure.delta.new_element.exception.type = "KeyError"
    failure.delta.new_element.exception.message = "'trial'"
    session._handle(failure)
    assert session.exceptions == ["KeyError: 'trial'"]

    info = ForwardMsg()
    info.page_info_changed.query_string = "lang=en&cancer=hcc"
    session._handle(info)
    finished = ForwardMsg()
    finished.script_finished = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
    assert session._handle(finished) == finished.script_finished
    assert session.query == "lang=en&cancer=hcc"


def _level(setup, sessions, samples, errors=None):
    from collections import Counter

    from bench.capacity import Level

    level = Level(setup, sessions, 30.0, 5.0, wall_s=30.0, server_cpu_s=15.0)
    level.steps["open /trials"] = list(samples)
    level.errors = Counter(errors or {})
    return level


def test_capacity_levels_hold_only_with_low_p95_and_no_error():
    from bench.capacity import largest_held

    fast = _level("1 process", 10, [300.0] * 40)
    slow = _level("1 process", 25, [300.0] * 30 + [2500.0] * 10)
    failing = _level("1 process", 50, [300.0] * 40, {"timeout": 1})
    assert (fast.holds, slow.holds, failing.holds) == (True, False, False)
    assert largest_held([fast, slow, failing]) == 10
    assert largest_held([slow]) == 0


def capacity_text(levels) -> str:
    from bench.capacity import Capacity, render

    result = Capacity("today", {"CPU": "test CPU", "cores (nproc)": "2"})
    result.levels = levels
    return render(result)


def test_capacity_targets_and_report():
    from bench.capacity import BEGIN, END, Capacity, Saturation, render, splice, targets

    result = Capacity("today", {"CPU": "test CPU", "cores (nproc)": "2"})
    result.levels = [
        _level("1 process", 10, [300.0] * 40),
        _level("1 process", 50, [300.0] * 30 + [2500.0] * 10),
        _level("2 replicas", 10, [300.0] * 40),
        _level("2 replicas", 50, [300.0] * 40),
    ]
    result.saturation = [
        Saturation("app: /trials?lang=en", 8, 10.0, views=30, server_cpu_s=9.0),
        Saturation("minimal page: /", 8, 10.0, views=60, server_cpu_s=6.0),
    ]
    verdicts = {name: met for name, _goal, _measured, met, _why in targets(result)}
    assert verdicts["50 sessions (5 s think) on one process"] is False
    assert verdicts["2 replicas hold more sessions than one process"] is True  # 50 vs 10
    assert verdicts["server cost of a fresh page view (8 clients, no think time)"] is False  # 2× and 3×
    text = render(result)
    assert text.startswith(BEGIN) and text.rstrip().endswith(END)
    assert "test CPU" in text and "other work shared the machine" in text
    assert "10 on one process, 50 on 2 replicas" in text
    assert "(one process: held 10, not 50; 2 replicas: held every level measured)" in text
    assert "Each level runs 30 s;" in text  # the fake levels all ran 30 s
    none_held = [_level("1 process", 10, [2500.0] * 40)]
    assert "one process: held none, not 10" in capacity_text(none_held)
    same = [_level(setup, n, [300.0 if n < 100 else 2500.0] * 40) for setup in ("1 process", "2 replicas")
            for n in (10, 50, 100)]  # fmt: skip
    result.levels = same
    why = next(why for name, _g, _m, met, why in targets(result) if name.startswith("2 replicas") and not met)
    assert "one process: 100 sessions not held (p95 2,500 ms, servers at 50% of one core" in why
    assert "2 replicas: 100 sessions not held" in why
    mixed = [_level("1 process", 10, [300.0] * 40), _level("1 process", 50, [300.0] * 40)]
    mixed[0].duration_s = 20.0
    assert "Each level runs 30 s (20 s below 50 sessions);" in capacity_text(mixed)

    document = "# Benchmarks\n\nbefore\n"
    once = splice(document, text)
    assert once.startswith(document.rstrip("\n")) and once.count(BEGIN) == 1
    again = splice(once + "\nafter\n", text.replace("test CPU", "other CPU"))
    assert again.count(BEGIN) == 1 and "other CPU" in again and "test CPU" not in again
    assert again.rstrip().endswith("after")


def test_bench_report_keeps_the_capacity_section(tmp_path):
    from bench.__main__ import write_report
    from bench.capacity import BEGIN, END

    out = tmp_path / "benchmarks.md"
    out.write_text(f"# old report\n\n{BEGIN}\ncapacity table\n{END}\n", encoding="utf-8")
    write_report(out, "# new report\n")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# new report") and "old report" not in text
    assert f"{BEGIN}\ncapacity table\n{END}" in text


# --- the streamed parallel build ---------------------------------------------------------------


def _table_contents(path: Path) -> dict[str, tuple[list, list]]:
    """Every table and view of a compiled file: (column types, rows in stored order).

    The SQL scripts write some tables without an ORDER BY (their order is DuckDB's, and
    differs between two builds of the same records): compare those as sorted rows."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            row[0]
            for row in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
        ]
        out = {}
        for name in names:
            types = con.execute(f'SELECT column_name, column_type FROM (DESCRIBE "{name}")').fetchall()
            # NaN is not equal to itself: compare its text
            rows = [
                tuple(repr(cell) for cell in row) for row in con.execute(f'SELECT * FROM "{name}"').fetchall()
            ]
            out[name] = (types, rows)
        return out
    finally:
        con.close()


def _with_broken_links(folder: Path) -> None:
    """A discrepancy naming a value of another file that does not exist, and one naming a value
    that does (in a later chunk): the parent's deferred check must keep one and refuse the other."""
    first, *_, last = sorted((folder / "trials").glob("*.toml"))
    last_values = load_evidence(folder, trial_names=[last.name], cross_check=False).values
    link = f"{last.stem}:{last_values[0].id}"
    own = load_evidence(folder, trial_names=[first.name], cross_check=False).values[0]
    with first.open("a", encoding="utf-8") as handle:
        for index, target in enumerate((link, f"{last.stem}:no-such-value")):
            handle.write(
                f'\n[[discrepancies]]\nid = "cross-{index}"\nkind = "conflict"\n'
                f'values = ["{first.stem}:{own.id}", "{target}"]\nsummary = "test"\n'
            )


def test_the_streamed_build_writes_the_same_tables_as_the_one_process_build(tmp_path):
    folder = tmp_path / "corpus"
    corpus.write_corpus(folder, 1000, seed=20251122)
    _with_broken_links(folder)
    serial, streamed = tmp_path / "serial.duckdb", tmp_path / "streamed.duckdb"
    db.build_database(load_evidence(folder), serial)
    stats = db.build_from_folder(folder, streamed, workers=2, min_files=1, chunk_files=150)
    assert stats.workers == 2 and stats.chunks == 7 and stats.trials == 1000
    old, new = _table_contents(serial), _table_contents(streamed)
    assert list(new) == list(old)
    for name in old:
        assert new[name][0] == old[name][0], f"{name}: column types differ"
        assert len(new[name][1]) == len(old[name][1]), f"{name}: row counts differ"
        assert sorted(new[name][1]) == sorted(old[name][1]), f"{name}: rows differ"
    for name in [
        *db.STREAMED_TABLES,
        "value_rows",
        "trial_rows",
        "survival_value_rows",
        "search_word_rows",
        "search_run_rows",
        "sources",
        "problems",
    ]:
        assert new[name][1] == old[name][1], f"{name}: rows in another order"
    problems = [row for row in old["problems"][1] if "unknown_value_ref" in row[4]]
    assert len(problems) == 1 and len(old["discrepancies"][1]) >= 1
    assert sum("cross-0" in row[0] for row in old["discrepancies"][1]) == 1


def test_a_setup_that_holds_the_top_level_is_measured_once_more_at_twice_it(monkeypatch):
    """One process that holds 200 sessions has not shown how many it holds: the ladder goes on
    to 400 (and no further), and not at all for a setup that failed its top level. Then two
    levels halve the gap where the setup stops holding, so that 250 held is told from 200."""
    import time

    from bench import capacity

    measured: list[int] = []

    def fake_level(options, setup, sessions, base_url, pids, log, began):
        measured.append(sessions)
        holds = sessions <= options.duration_s  # the fake holds up to `duration_s` sessions
        return [_level(setup, sessions, [300.0 if holds else 2500.0] * 40)]

    def measure(levels=(10, 200), holds_up_to=250, **more):
        measured.clear()
        options = capacity.Options(levels=levels, duration_s=holds_up_to, **more)
        return capacity.largest_held(capacity._levels(options, "1 process", "", [], print, time.monotonic()))

    monkeypatch.setattr(capacity, "_level", fake_level)
    assert measure(refine=0) == 200 and measured == [10, 200, 400]
    assert measure() == 250 and measured == [10, 200, 400, 300, 250]  # 200 held, 400 not: 300, 250
    assert measure(holds_up_to=340) == 300 and measured == [10, 200, 400, 300, 350]
    assert measure(holds_up_to=100) == 100 and measured == [10, 200, 100, 150]  # 200 not held: below it
    assert measure(holds_up_to=5) == 0 and measured == [10, 200]  # a gap below one step: not split
    assert measure(holds_up_to=1000, beyond=False) == 200 and measured == [10, 200]  # no gap: nothing more
    assert measure(holds_up_to=1000) == 400 and measured == [10, 200, 400]


def test_readers_start_spread_over_their_loop(monkeypatch):
    """Each reader's first fresh view of /trials is followed by a step drawn from further along
    its loop (never the forest's endpoint, which needs the forest page); then the whole loop in
    order. Readers started at the first step all took the heavy steps together."""
    import asyncio
    import concurrent.futures
    import time

    from bench import capacity

    taken: dict[int, list[str]] = {}

    class FakeSession:
        def __init__(self, *_args, **_kwargs):
            self.cookies: dict[str, str] = {}

        async def close(self):
            pass

    async def fake_steps(session, rng, query):
        def step(name):
            async def run():
                taken.setdefault(id(session), []).append(name)
                return 1.0

            return run

        return [(name, step(name)) for name in capacity.STEPS]

    monkeypatch.setattr(capacity, "Session", FakeSession)
    monkeypatch.setattr(capacity, "_reader_steps", fake_steps)
    level = capacity.Level("1 process", 60, 1.0, think_s=0.0)

    async def readers():
        # until every reader has taken 20 steps (not a wall-clock bound: a busy machine may
        # not start them all within a short one)
        deadline = time.monotonic() + 60
        tasks = [asyncio.create_task(capacity._reader(n, "", level, deadline, 0.0, {})) for n in range(60)]
        while time.monotonic() < deadline and (
            len(taken) < 60 or min(len(names) for names in taken.values()) < 20
        ):
            await asyncio.sleep(0.01)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # a thread of its own: a browser test run before may keep an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, readers()).result()
    loops = list(taken.values())
    assert len(loops) == 60 and min(len(names) for names in loops) >= 20
    assert all(names[0] == "open /trials" for names in loops)
    entries = {names[1] for names in loops}
    assert entries == {capacity.STEPS[i] for i in capacity.ENTRY_NEXT}  # all used, endpoint never
    for names in loops:  # from the entry to the loop's end, then the whole loop in order
        start = capacity.STEPS.index(names[1])
        expected = list(capacity.STEPS[start:]) + list(capacity.STEPS) * 3
        assert names[1 : 1 + len(expected)] == expected[: len(names) - 1]
    assert len(level.steps["survival"]) >= 60


def test_the_warm_up_lists_every_view_a_reader_reaches(compiled):
    from bench import capacity

    views = capacity._reachable(compiled)
    con = duckdb.connect(str(compiled), read_only=True)
    trials = {row[0] for row in con.execute("SELECT id FROM trials").fetchall()}
    con.close()
    for lang in capacity.LANGUAGES:
        assert {q for p, q in views if p == "trial" and q.startswith(f"lang={lang}&")} == {
            f"lang={lang}&trial={t}" for t in trials
        }
        assert ("forest", f"lang={lang}") in views and ("survival", f"lang={lang}") in views
        # each start link in each language the language step leads to (its filters kept)
        assert ("trials", f"lang={lang}&cancer=hcc&cancer=sclc") in views
    # the start links without their language: two differ by it only
    links = {re.sub(r"lang=[^&]+&?", "", query) for query in capacity.START_QUERIES}
    assert len(views) == len(set(views)) == 3 * (len(trials) + len(links) + 2)

"""The benchmark harness, small: a synthetic corpus validates, compiles, and every query path
returns the same rows in DuckDB and in pandas; the report writer makes markdown tables.

The browser and load-test parts are not run here (``make bench`` runs them)."""

from __future__ import annotations

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

"""The query paths of the pages, timed in DuckDB and in pandas side by side.

Each :class:`QueryPath` pairs a call of :mod:`core.queries` (what the pages run, on the
read-only connection the app opens) with the same query in pandas
(:class:`bench.pandas_impl.PandasEvidence`) and a check that both return the same trials
and rows. The check runs before timing; a path whose implementations disagree is reported
as such and not timed, so no ratio in the report compares different work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bench.pandas_impl import PandasEvidence
from bench.timing import Stats, interleaved
from core import db, queries

FILTERED = queries.TrialFilter({"cancer": ("hcc",)}, "lenvatinib")
"""The filter state of the benchmarks: one facet selected and a free-text search."""
UNFILTERED = queries.TrialFilter()
CHINESE_SEARCH = queries.TrialFilter({}, "肺癌")
FOREST_LIMIT = 60  # as pages/forest.py
SURVIVAL_TRIALS = 25  # as pages/survival.py
PAGE_SIZE = 50  # as pages/trials.py


@dataclass(frozen=True)
class QueryPath:
    name: str
    duckdb: Callable[[], object]
    pandas: Callable[[], object]
    agree: Callable[[object, object], str]  # "" when they agree, else what differs


@dataclass(frozen=True)
class PathResult:
    name: str
    n_trials: int
    duckdb: Stats
    pandas: Stats
    rows: int
    disagreement: str

    @property
    def ratio(self) -> float:
        """How many times faster DuckDB is than pandas (pandas median / DuckDB median)."""
        return self.pandas.median_ms / self.duckdb.median_ms if self.duckdb.median_ms else float("nan")


def _ids(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return list(frame[list(columns)].itertuples(index=False, name=None)) if len(frame) else []


def _same(label: str, left, right) -> str:
    if left == right:
        return ""
    return f"{label} differ: duckdb {str(left)[:120]} vs pandas {str(right)[:120]}"


def _agree_page(duck, pand) -> str:
    (d_rows, d_total), (p_rows, p_total) = duck, pand
    return _same("totals", d_total, p_total) or _same("trial ids", _ids(d_rows, "id"), _ids(p_rows, "id"))


def _agree_facets(duck, pand) -> str:
    for key in duck:
        problem = _same(
            f"facet {key}", _ids(duck[key], "value", "trials"), _ids(pand[key], "value", "trials")
        )
        if problem:
            return problem
    return ""


def _sizes(frame: pd.DataFrame) -> list:
    return [None if pd.isna(n) else int(n) for n in frame["n_patients"]]


def _agree_forest(duck, pand) -> str:
    return (
        _same("rows", _ids(duck, "trial", "id"), _ids(pand, "trial", "id"))
        or _same("total_rows", int(duck["total_rows"].iloc[0]), int(pand["total_rows"].iloc[0]))
        or _same("n_patients", _sizes(duck), _sizes(pand))
    )


def _agree_survival(duck, pand) -> str:
    return _same("rows", _ids(duck, "trial", "id"), _ids(pand, "trial", "id")) or _same(
        "total_trials", int(duck["total_trials"].iloc[0]), int(pand["total_trials"].iloc[0])
    )


def _agree_headlines(duck, pand) -> str:
    return _same("rows", _ids(duck, "trial", "id", "headline_id"), _ids(pand, "trial", "id", "headline_id"))


def _count_rows(result) -> int:
    if isinstance(result, tuple):
        return len(result[0])
    if isinstance(result, dict):
        return sum(len(frame) for frame in result.values())
    return len(result)


PAGE_STATES = (
    ("facet + search", FILTERED),
    ("unfiltered", UNFILTERED),
    ("search 肺癌", CHINESE_SEARCH),
)
"""The filter states the Trials page is timed in: (label in the report, state)."""
FACET_STATES = PAGE_STATES[:2]


def _page_path(con, frames: PandasEvidence, label: str, state: queries.TrialFilter) -> QueryPath:
    return QueryPath(
        f"trials_page: {label}",
        lambda: queries.trials_page(con, state, limit=PAGE_SIZE),
        lambda: frames.trials_page(state, limit=PAGE_SIZE),
        _agree_page,
    )


def _facet_paths(
    con, frames: PandasEvidence, label: str, state: queries.TrialFilter
) -> tuple[QueryPath, ...]:
    """The facet counts of one state, a query per facet and all facets in one query."""
    keys = list(queries.FACETS)

    def in_pandas() -> dict:
        return {key: frames.facet_counts(state, key) for key in keys}

    return (
        QueryPath(
            f"facet_counts: {len(keys)} facets, {label}",
            lambda: {key: queries.facet_counts(con, state, key) for key in keys},
            in_pandas,
            _agree_facets,
        ),
        QueryPath(
            f"facet_counts: {len(keys)} facets in one query, {label}",
            lambda: queries.all_facet_counts(con, state, keys),
            in_pandas,
            _agree_facets,
        ),
    )


def query_paths(con, frames: PandasEvidence) -> list[QueryPath]:
    """Every benchmarked path: what the Trials, Forest and Survival pages query."""
    page_ids = list(queries.trials_page(con, UNFILTERED, limit=PAGE_SIZE)[0]["id"])
    facets = [_facet_paths(con, frames, label, state) for label, state in FACET_STATES]
    return [
        *(_page_path(con, frames, label, state) for label, state in PAGE_STATES),
        # per facet for every state first, then in one query, as the report has always listed them
        *(per_facet for per_facet, _ in facets),
        *(in_one for _, in_one in facets),
        QueryPath(
            f"forest_rows: limit {FOREST_LIMIT}",
            lambda: queries.forest_rows(con, limit=FOREST_LIMIT),
            lambda: frames.forest_rows(limit=FOREST_LIMIT),
            _agree_forest,
        ),
        QueryPath(
            f"survival_rows: PFS, {SURVIVAL_TRIALS} trials",
            lambda: queries.survival_rows(con, "PFS", max_trials=SURVIVAL_TRIALS),
            lambda: frames.survival_rows("PFS", max_trials=SURVIVAL_TRIALS),
            _agree_survival,
        ),
        QueryPath(
            f"headlines: page of {len(page_ids)}",
            lambda: queries.headlines(con, page_ids),
            lambda: frames.headlines(page_ids),
            _agree_headlines,
        ),
    ]


@dataclass(frozen=True)
class QueryRun:
    n_trials: int
    n_values: int
    pandas_load_s: float
    pandas_mb: float
    results: list[PathResult]


def run_queries(
    database: Path | str, n_trials: int, repeats: int = 30, budget_s: float = 12.0, only_check: bool = False
) -> QueryRun:
    """Check and time every path against one compiled database.

    Parameters
    ----------
    database : path
        A compiled database (:func:`core.db.compiled_database`).
    n_trials : int
        The corpus size, for the report.
    repeats : int
        Timed rounds per path (each round runs DuckDB then pandas once).
    budget_s : float
        Seconds per path after which the rounds stop early (at least 5 rounds run).
    only_check : bool
        Run each path once in both implementations and check agreement, without timing.

    Returns
    -------
    QueryRun
        Per path: median / p95 of both implementations and any disagreement.
    """
    con = db.connect_readonly(database)
    try:
        started = time.perf_counter()
        frames = PandasEvidence.load(con)
        load_s = time.perf_counter() - started
        megabytes = sum(
            frame.memory_usage(deep=True).sum() for frame in vars(frames).values()
        ) / 2**20  # fmt: skip
        n_values = int(con.execute("SELECT count(*) FROM vals").fetchone()[0])
        results = [
            _run_path(path, n_trials, repeats, budget_s, only_check) for path in query_paths(con, frames)
        ]
    finally:
        con.close()
    return QueryRun(n_trials, n_values, load_s, megabytes, results)


def _run_path(path: QueryPath, n_trials: int, repeats: int, budget_s: float, only_check: bool) -> PathResult:
    # the first run of each is the agreement check and a warm-up (connection caches, imports)
    duck, pand = path.duckdb(), path.pandas()
    disagreement = path.agree(duck, pand)
    if disagreement or only_check:
        empty = Stats.of([])
        return PathResult(path.name, n_trials, empty, empty, _count_rows(duck), disagreement)
    stats = interleaved({"duckdb": path.duckdb, "pandas": path.pandas}, repeats, budget_s)
    return PathResult(path.name, n_trials, stats["duckdb"], stats["pandas"], _count_rows(duck), "")

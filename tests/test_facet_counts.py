"""All facet counts of a filter state in one query equal the per-facet queries."""

import pandas as pd
import pytest

from bench import corpus
from core import db, queries
from core.queries import TrialFilter

STATES = [
    TrialFilter(),
    TrialFilter({"cancer": ("hcc",)}),
    TrialFilter({"cancer": ("sclc", "hcc"), "design": ("randomized",)}),
    TrialFilter({"drug": ("crizotinib",), "evidence": ("review-claim",)}),
    TrialFilter(q="lung"),
    TrialFilter(q="肝癌"),
    TrialFilter(q="小细胞肺癌 pfs"),
    TrialFilter({"phase": ("3",), "endpoint": ("OS", "PFS")}, q="crizo"),
    TrialFilter({"cancer": ("no-such-cancer",)}),
]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing labels as None whatever the column's dtype (a column with no label at all
    comes back as objects from one query and as strings from the other)."""
    return frame.astype(object).where(frame.notna(), None)


def _same(con, state: TrialFilter) -> None:
    together = queries.all_facet_counts(con, state)
    assert list(together) == list(queries.FACETS)
    for key in queries.FACETS:
        alone = queries.facet_counts(con, state, key)
        pd.testing.assert_frame_equal(
            _plain(together[key]), _plain(alone), check_dtype=False, obj=f"{key} under {state}"
        )


@pytest.mark.parametrize("state", STATES, ids=str)
def test_one_query_equals_the_per_facet_queries(con, state):
    _same(con, state)


@pytest.fixture(scope="module")
def synthetic_con(tmp_path_factory):
    data = corpus.write_corpus(tmp_path_factory.mktemp("corpus"), 200, workers=1)
    connection = db.connect_readonly(db.compiled_database(data, tmp_path_factory.mktemp("cache")))
    yield connection
    connection.close()


@pytest.mark.parametrize("state", STATES, ids=str)
def test_one_query_equals_the_per_facet_queries_on_a_synthetic_corpus(synthetic_con, state):
    _same(synthetic_con, state)


def test_a_facet_is_counted_without_its_own_selection(con):
    chosen = queries.all_facet_counts(con, TrialFilter({"cancer": ("hcc",)}))
    unfiltered = queries.all_facet_counts(con, TrialFilter())
    # the cancer facet still offers every cancer type, with its full count…
    pd.testing.assert_frame_equal(_plain(chosen["cancer"]), _plain(unfiltered["cancer"]))
    # …while the other facets count only the chosen cancer's trials
    hcc = queries.trials_page(con, TrialFilter({"cancer": ("hcc",)}), limit=None)[1]
    assert chosen["design"]["trials"].sum() == hcc < unfiltered["design"]["trials"].sum()


def test_a_subset_of_facets_and_unknown_keys(con):
    some = queries.all_facet_counts(con, TrialFilter(), ["phase", "drug"])
    assert list(some) == ["phase", "drug"]
    assert queries.all_facet_counts(con, TrialFilter(), []) == {}
    with pytest.raises(KeyError):
        queries.all_facet_counts(con, TrialFilter(), ["nope"])
    with pytest.raises(KeyError):
        queries.all_facet_counts(con, TrialFilter({"nope": ("x",)}))


def test_unfiltered_counts_are_read_from_the_table_the_build_wrote(tmp_path, monkeypatch):
    from core.records import DEFAULT_DATA_DIR

    con = db.connect_readonly(db.compiled_database(DEFAULT_DATA_DIR, tmp_path / "cache"))
    try:
        assert queries._has_facet_totals(con)
        read = []
        original = queries._df
        monkeypatch.setattr(
            queries, "_df", lambda c, sql, params=None: read.append(sql) or original(c, sql, params)
        )
        totals = queries.all_facet_counts(con, TrialFilter())
        assert len(read) == 1 and queries.FACET_TOTALS in read[0]
        monkeypatch.setattr(queries, "_has_facet_totals", lambda c: False)
        computed = queries.all_facet_counts(con, TrialFilter())
        for key in queries.FACETS:
            pd.testing.assert_frame_equal(totals[key], computed[key], obj=key)
        # a selected facet or a search is counted, not read
        read.clear()
        queries.all_facet_counts(con, TrialFilter(q="lung"))
        assert queries.FACET_TOTALS not in read[0]
    finally:
        con.close()


def _as_maps(frames: dict[str, pd.DataFrame]) -> dict[str, list[tuple[str, int]]]:
    return {key: [(str(v), int(c)) for v, c in zip(f["value"], f["trials"])] for key, f in frames.items()}


@pytest.mark.parametrize("state", STATES, ids=str)
def test_the_pages_plain_counts_equal_the_frames_in_order(con, synthetic_con, state, monkeypatch):
    keys = list(queries.FACETS)
    for connection in (con, synthetic_con):
        maps = queries.facet_count_maps(connection, state, keys)
        assert {key: list(counts.items()) for key, counts in maps.items()} == _as_maps(
            queries.all_facet_counts(connection, state, keys)
        )
    # the unfiltered counts computed rather than read from the built table agree too
    monkeypatch.setattr(queries, "_has_facet_totals", lambda c: False)
    maps = queries.facet_count_maps(con, state, keys[:3])
    assert {key: list(counts.items()) for key, counts in maps.items()} == _as_maps(
        queries.all_facet_counts(con, state, keys[:3])
    )
    with pytest.raises(KeyError):
        queries.facet_count_maps(con, state, ["nope"])

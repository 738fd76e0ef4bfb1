"""Queries: facets and search narrow the trials table; forest and survival rows are honest."""

import pandas as pd
import pytest

from core import queries
from core.queries import TrialFilter


def ids(con, **kwargs):
    frame, total = queries.trials_page(con, TrialFilter(**kwargs), limit=None)
    assert total == len(frame)
    return set(frame["id"])


def test_no_filter_returns_every_trial(con, evidence):
    assert ids(con) == {trial.id for trial in evidence.trials}


@pytest.mark.parametrize(
    ("selected", "expected_subset", "excluded"),
    [
        ({"cancer": ("hcc",)}, {"talentop", "imbrave150"}, {"lead"}),
        ({"design": ("single-arm",)}, {"lead", "alter-s006"}, {"crown"}),
        ({"drug": ("crizotinib",)}, {"crown", "alex", "profile-1014"}, {"lead"}),
        ({"endpoint": ("TTF",)}, {"talentop"}, {"crown"}),
        ({"evidence": ("review-claim",)}, {"crown", "alex"}, {"announce"}),
        ({"cancer": ("sclc",), "design": ("randomized",)}, {"caspian", "impower133"}, {"lead"}),
    ],
)
def test_facets_narrow_the_rows(con, selected, expected_subset, excluded):
    found = ids(con, selected=selected)
    assert expected_subset <= found
    assert not excluded & found


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("軟組織肉瘤", {"altn-iii-04", "altn-ii", "announce", "alter-s006"}),  # Traditional finds Simplified
        ("软组织肉瘤", {"altn-iii-04", "altn-ii", "announce", "alter-s006"}),
        ("肝癌", {"talentop", "imbrave150"}),  # a synonym, not a substring of 肝细胞癌
        ("小細胞肺癌", {"lead", "caspian", "impower133"}),  # not 非小细胞肺癌
        ("SCLC", {"lead", "caspian", "impower133"}),  # not NSCLC
        ("NCT05092412", {"lead"}),
        ("anlotinib epirubicin", {"altn-iii-04", "altn-ii"}),  # every word must match
    ],
)
def test_search_across_scripts_and_languages(con, q, expected):
    assert ids(con, q=q) == expected


def test_search_input_is_data_not_sql(con):
    assert ids(con, q="'; DROP TABLE trials; --") == set()
    assert ids(con, q="(a+b[") == set()
    assert ids(con)  # the table is still there


def test_unknown_facet_is_refused(con):
    with pytest.raises(KeyError):
        queries.trials_page(con, TrialFilter(selected={"name; DROP": ("x",)}))


def test_facet_counts_apply_the_other_filters(con):
    counts = queries.facet_counts(con, TrialFilter(selected={"cancer": ("sclc",)}), "design")
    by_value = dict(zip(counts["value"], counts["trials"]))
    assert by_value == {"randomized": 2, "single-arm": 1}
    own = queries.facet_counts(con, TrialFilter(selected={"cancer": ("sclc",)}), "cancer")
    assert len(own) > 1  # a facet's own selection does not hide its other options


def test_paging_and_sorting(con):
    first, total = queries.trials_page(con, limit=5, offset=0, sort="patients", descending=True)
    second, _ = queries.trials_page(con, limit=5, offset=5, sort="patients", descending=True)
    assert len(first) == 5 and total > 10
    assert not set(first["id"]) & set(second["id"])
    sizes = [n for n in first["n_patients"] if n == n]
    assert sizes == sorted(sizes, reverse=True)


def test_headline_is_the_primary_endpoint_of_a_trial_report(con):
    rows = queries.headlines(con, ["altn-iii-04"])
    assert set(rows["endpoint"]) == {"PFS"} and set(rows["evidence_kind"]) == {"trial-report"}


def test_forest_rows_are_hazard_ratios_with_sizes(con):
    rows = queries.forest_rows(con)
    assert set(rows["measure"]) == {"hr"}
    crown = rows[(rows["trial"] == "crown") & (rows["endpoint"] == "PFS") & (rows["population"] == "ITT")]
    assert len(crown) == 1 and crown.iloc[0]["n_patients"] == 296  # 149 + 147


def test_forest_latest_only_versus_all_cuts(con):
    latest = queries.forest_rows(con, trial_ids=["crown"], endpoints=["PFS"])
    every = queries.forest_rows(con, trial_ids=["crown"], endpoints=["PFS"], latest_only=False)
    assert len(every) > len(latest)


def test_survival_rows_keep_80_percent_levels(con):
    rows = queries.survival_rows(con, "OS", cancer_types=["sclc"])
    lead = rows[(rows["trial"] == "lead") & (rows["measure"] == "median")]
    assert set(lead["ci_level"]) == {"80"}


def test_export_has_the_required_columns_and_every_value(con, evidence):
    from core.schema import VALUE_COLUMNS

    frame = queries.export_frame(con)
    assert list(frame.columns) == list(VALUE_COLUMNS)
    assert len(frame) == len(evidence.values)


@pytest.mark.parametrize(
    ("state", "sort", "descending", "limit", "offset"),
    [
        (TrialFilter(), "name", False, 50, 0),
        (TrialFilter(), "patients", True, 5, 5),
        (TrialFilter({"cancer": ("sclc", "hcc")}), "cutoff", False, 3, 0),
        (TrialFilter(q="肺癌"), "phase", True, None, 0),
        (TrialFilter(q="no such trial"), "name", False, 50, 0),
    ],
)
def test_a_page_read_by_row_id_equals_one_read_by_trial_id(
    con, monkeypatch, state, sort, descending, limit, offset
):
    """The compiled file's page rows are read by row id; a session with an import reads them by
    trial id (its trial_rows is a view): the same rows, in the same order, with the same count."""
    assert queries._own_table(con, "trial_rows")
    by_row = queries.trials_page(con, state, sort, descending, limit, offset)
    monkeypatch.setattr(queries, "_own_table", lambda c, name: False)
    by_id = queries.trials_page(con, state, sort, descending, limit, offset)
    assert by_row[1] == by_id[1]
    pd.testing.assert_frame_equal(by_row[0], by_id[0])


def _matched(con, term: str, by_row: bool) -> list[str]:
    where, params = TrialFilter(q=term).where(by_row=by_row)
    return [
        row[0]
        for row in con.execute(f"SELECT id FROM trial_rows WHERE {where} ORDER BY id", params).fetchall()
    ]  # noqa: S608


def test_the_search_index_by_row_finds_the_trials_it_finds_by_trial_id(con):
    """Every word and Chinese run of the bundled trials, a prefix and a 非 form of some, and
    terms found nowhere: the lists of row ids give exactly the trials the trial ids give."""
    words = [row[0] for row in con.execute("SELECT DISTINCT word FROM search_words ORDER BY 1").fetchall()]
    runs = [row[0] for row in con.execute("SELECT DISTINCT run FROM search_runs ORDER BY 1").fetchall()]
    terms = words + runs + [w[:3] for w in words[::7]] + [r[1:3] for r in runs[::5] if len(r) > 2]
    terms += ["非" + r for r in runs[::9]] + ["肺癌", "小细胞肺癌", "zzzz", "鑫"]
    found = 0
    for term in terms:
        by_row = _matched(con, term, True)
        assert by_row == _matched(con, term, False), term
        found += bool(by_row)
    assert found > len(terms) // 2  # most terms find trials: the comparison is not of empty lists


@pytest.mark.parametrize("q", ["肺癌", "lenvatinib sorafenib", "小细胞肺癌", "非小细胞"])
def test_facet_counts_by_row_equal_counts_by_trial_id(con, monkeypatch, q):
    state = TrialFilter({"cancer": ("hcc", "sclc")}, q)
    by_row = queries.all_facet_counts(con, state)
    monkeypatch.setattr(queries, "_own_table", lambda c, name: False)
    by_id = queries.all_facet_counts(con, state)
    assert by_row.keys() == by_id.keys()
    for key in by_row:
        pd.testing.assert_frame_equal(by_row[key], by_id[key])

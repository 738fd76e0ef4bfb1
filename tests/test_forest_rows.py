"""Forest rows a researcher can trust: the latest estimate by default, every row naming its
comparator, cut and subgroup, comparisons between patient groups kept apart, and the trials
that report no hazard ratio listed with what they do report."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from core import db, queries
from core.presentation import estimates, figure_data, plots
from tests.test_plots import forest_row


def ids(rows: pd.DataFrame) -> set[str]:
    return {f"{trial}:{value}" for trial, value in zip(rows["trial"], rows["id"])}


# --- the latest estimate ------------------------------------------------------------------------


def test_by_default_an_earlier_cut_of_the_same_comparison_is_hidden(con):
    latest = queries.forest_estimates(con)
    every = queries.forest_estimates(con, all_cuts=True)
    # ALTA-1L's first interim HR (assessment not stated) is superseded by the final BICR one
    assert "alta-1l:final-pfs-hr" in ids(latest) and "alta-1l:interim-pfs-hr" not in ids(latest)
    assert {"alta-1l:final-pfs-hr", "alta-1l:interim-pfs-hr"} <= ids(every)
    # CROWN's 5-year PFS HR gives way to the 7-year one; ALEX's 2020 OS HRs to the final ones
    assert "crown:7y-pfs-hr" in ids(latest) and "crown:jco-pfs-hr" not in ids(latest)
    assert not {"alex:a2020-os-hr", "alex:a2020-os-hr-cns"} & ids(latest)
    # an estimate with no later cut stays, however old (ALEX's 2020 PFS HR)
    assert "alex:a2020-pfs-hr" in ids(latest)
    # the counts say what is hidden
    assert len(every) == len(latest) + int(latest["hidden_rows"].iloc[0])
    assert int(latest["total_rows"].iloc[0]) == len(latest)
    assert int(every["hidden_rows"].iloc[0]) == 0
    assert set(every.loc[every["superseded"], "id"]) and not latest["superseded"].any()


def test_one_row_per_trial_endpoint_population_comparison_and_assessment(con):
    latest = queries.forest_estimates(con)
    keys = ["trial", "endpoint", "population", "arm", "comparator", "term", "assessment", "evidence_kind"]
    assert not latest.duplicated(keys).any(), latest[latest.duplicated(keys, keep=False)][keys]
    # two stated assessments of one cut are two estimates (ALTN-III-04: BICR and investigator)
    altn = latest[latest["trial"] == "altn-iii-04"]
    assert set(altn["assessment"]) == {"BICR", "investigator"}
    # subgroups are their own estimates (ALEX's final OS: ITT and both CNS subgroups)
    assert {"alex:final-os-hr", "alex:final-os-hr-cns", "alex:final-os-hr-no-cns"} <= ids(latest)


def test_one_estimate_printed_by_two_sources_shows_once_from_the_primary_report(con):
    latest = queries.forest_estimates(con, trial_ids=["clever"])
    every = queries.forest_estimates(con, trial_ids=["clever"], all_cuts=True)
    assert list(latest["id"]) == ["nm-hr-dtc-cleared"]  # the journal, not the translated summary
    assert set(every["id"]) == {"art-hr-dtc-cleared", "nm-hr-dtc-cleared"}


def test_two_sources_that_disagree_at_one_cut_both_stay(evidence):
    """Hiding is only for the same numbers: a conflicting figure of the same cut stays visible."""
    values = [
        dataclasses.replace(v, value=0.3) if (v.trial, v.id) == ("clever", "art-hr-dtc-cleared") else v
        for v in evidence.values
    ]
    con = db.connect_memory(dataclasses.replace(evidence, values=values))
    try:
        latest = queries.forest_estimates(con, trial_ids=["clever"])
        assert set(latest["id"]) == {"art-hr-dtc-cleared", "nm-hr-dtc-cleared"}
    finally:
        con.close()


def test_a_later_cut_with_another_stated_assessment_does_not_supersede(evidence):
    """Investigator-assessed at cut 1, BICR at cut 2: different estimates, both shown."""
    values = [
        dataclasses.replace(v, assessment="investigator")
        if (v.trial, v.id) == ("alta-1l", "interim-pfs-hr")
        else v
        for v in evidence.values
    ]
    con = db.connect_memory(dataclasses.replace(evidence, values=values))
    try:
        latest = queries.forest_estimates(con, trial_ids=["alta-1l"], endpoints=["PFS"])
        assert set(latest["id"]) == {"interim-pfs-hr", "final-pfs-hr"}
    finally:
        con.close()


def test_filters_and_limit(con):
    sclc_os = queries.forest_estimates(con, endpoints=["OS"], cancer_types=["sclc"])
    assert set(sclc_os["trial"]) == {"caspian", "impower133"} and set(sclc_os["endpoint"]) == {"OS"}
    assert list(sclc_os["id"][sclc_os["trial"] == "caspian"]) == ["update-os-hr"]
    first = queries.forest_estimates(con, limit=3)
    assert len(first) == 3 and int(first["total_rows"].iloc[0]) == len(queries.forest_estimates(con))
    assert queries.forest_estimates(con, evidence_kinds=["review-claim"]).empty


# --- comparator, cut, subgroup ------------------------------------------------------------------


def hr_row(**fields):
    """An experimental-vs-control hazard ratio; ``fields`` override it."""
    base = {"arm": "e", "comparator": "c", "arm_role": "experimental", "comparator_role": "control"}
    return forest_row(**{**base, **fields})


def test_comparison_kind_comes_from_the_record_not_the_name():
    assert figure_data.comparison_kind(hr_row()) == "arms"
    # CLEVER's own record: no arms, the responder-comparison flag
    clever = hr_row(trial_name="CLEVER", arm="", comparator="", flags=["responder-comparison"])
    assert figure_data.comparison_kind(clever) == "other"
    # the same name on an arm-vs-control record is drawn as one; a responder flag on any
    # trial is not
    assert figure_data.comparison_kind(hr_row(trial_name="CLEVER")) == "arms"
    assert figure_data.comparison_kind(hr_row(flags=["responder-comparison"])) == "other"
    # two experimental arms favour neither "experimental" nor "control"
    assert figure_data.comparison_kind(hr_row(comparator_role="experimental")) == "other"
    # rows without the comparator's role (older queries): a named comparator is the control
    assert (
        figure_data.comparison_kind({k: v for k, v in hr_row().items() if k != "comparator_role"}) == "arms"
    )


def test_split_puts_clevers_responder_comparison_apart(con):
    arms, other = figure_data.split_comparisons(queries.forest_estimates(con))
    assert set(other["trial"]) == {"clever"}
    assert "clever" not in set(arms["trial"]) and len(arms) > 10


def marks(con, lang="en", **filters):
    frame = figure_data.forest_frame(queries.forest_estimates(con, **filters), lang)
    return frame[~frame["header"].astype(bool)]


@pytest.mark.parametrize(
    ("lang", "vs"), [("en", "vs Crizotinib"), ("zh-Hans", "对比克唑替尼"), ("zh-Hant", "對比克唑替尼")]
)
def test_every_arm_row_names_its_comparator(con, lang, vs):
    rows, _ = figure_data.split_comparisons(queries.forest_estimates(con, all_cuts=True))
    frame = figure_data.forest_frame(rows, lang)
    labels = list(frame.loc[~frame["header"].astype(bool), "label"])
    word = {"en": "vs ", "zh-Hans": "对比", "zh-Hant": "對比"}[lang]
    assert all(word in label for label in labels), [label for label in labels if word not in label]
    alk = [label for label in labels if label.split(" · ")[0] in ("ALEX", "CROWN", "ALTA-1L")]
    assert alk and all(vs in label for label in alk)


def test_the_other_comparison_names_the_groups_it_compares(con):
    _, other = figure_data.split_comparisons(queries.forest_estimates(con))
    label = figure_data.forest_frame(other, "en").iloc[1]["label"]
    assert "DTCs cleared vs DTCs persistent" in label and "Subgroup" not in label and "↳" not in label


def test_subgroup_rows_are_marked_and_follow_their_trial(con):
    rows = marks(con, cancer_types=["nsclc-alk"])
    labels = list(rows["label"])
    subgroups = [label for label in labels if label.startswith("↳")]
    assert len(subgroups) == 3  # CROWN Asian patients, ALEX's two CNS subgroups
    assert all("<i>Subgroup: " in label for label in subgroups)
    assert not any("Subgroup" in label for label in labels if not label.startswith("↳"))
    # the query lists CROWN's Asian subgroup (5-year cut) before its ITT row (7-year cut);
    # the plot puts it under the ITT row
    crown_itt = next(i for i, label in enumerate(labels) if label.startswith("CROWN · PFS"))
    assert "Asian patients" in labels[crown_itt + 1]


def test_cut_label_has_its_year():
    row = {
        "analysis_label": "5-year outcomes (J Clin Oncol 2024)",
        "analysis_label_zh": "5年结果(J Clin Oncol 2024)",
    }
    assert figure_data.cut_label(row, "en") == "5-year outcomes (J Clin Oncol 2024)"
    assert figure_data.cut_label(row, "en", 30) == "5-year outcomes (2024)"
    assert figure_data.cut_label(row, "zh-Hans", 30) == "5年结果（2024）"
    # no year in the label: the cut-off's, then where it was presented
    assert figure_data.cut_label({"analysis_label": "Final", "cutoff": "2019-03-11"}, "en") == "Final (2019)"
    assert figure_data.cut_label({"analysis_label": "Final", "analysis_presented": "ASCO 2014"}, "en") == (
        "Final (2014)"
    )
    assert figure_data.cut_label({"analysis_label": "As cited (data cut not stated)"}, "en", 30) == "As cited"


def test_rows_of_every_cut_name_cut_and_year(con):
    rows = marks(con, all_cuts=True, trial_ids=["alta-1l", "crown"])
    labels = " | ".join(rows["label"])
    assert "First interim analysis (2018) · <i>Interim analysis</i>" in labels
    assert "Final results (2021)" in labels
    assert "5-year outcomes (2024)" in labels and "7-year update (2026)" in labels


def test_other_comparisons_are_drawn_without_favours_labels(con):
    arms, other = figure_data.split_comparisons(queries.forest_estimates(con))

    def annotations(fig):
        return " ".join(a.text for a in fig.layout.annotations)

    assert "favours experimental" in annotations(plots.forest_figure(arms))
    drawn = plots.forest_figure(other, kind="other")
    assert "favours" not in annotations(drawn)
    assert drawn.layout.xaxis.title.text == "Hazard ratio (log scale), first-named group vs second"
    assert figure_data.forest_text("zh-Hans", "other")["favours_control"] == ""


# --- what is missing --------------------------------------------------------------------------------


def test_trials_without_a_hazard_ratio_are_listed_with_what_they_report(con):
    missing = queries.forest_missing(con, endpoints=["PFS"], cancer_types=["nsclc-alk"])
    trials = set(missing["trial"])
    assert "profile-1014" in trials  # PFS medians only
    # trials with a PFS hazard ratio are not listed
    assert not trials & {"alex", "alta-1l", "crown"}
    assert set(missing.loc[missing["trial"] == "profile-1014", "measure"]) == {"median"}
    assert set(missing["endpoint"]) == {"PFS"}
    assert int(missing["total_missing"].iloc[0]) == missing[["trial", "endpoint"]].drop_duplicates().shape[0]


def test_missing_list_follows_the_filters_and_its_limit(con):
    every = queries.forest_missing(con)
    assert {"PFS", "OS"} <= set(every["endpoint"]) and "ORR" not in set(every["endpoint"])
    sclc = queries.forest_missing(con, cancer_types=["sclc"])
    assert set(sclc["trial"]) == {"lead"}  # single-arm: medians and rates, no hazard ratio
    pairs = every[["trial", "endpoint"]].drop_duplicates()
    limited = queries.forest_missing(con, limit=2)
    assert len(limited[["trial", "endpoint"]].drop_duplicates()) == 2
    assert int(limited["total_missing"].iloc[0]) == len(pairs)
    # the evidence filter applies to both sides: CASPIAN's and IMpower133's hazard ratios are
    # trial reports, so among review claims they report medians and rates but no hazard ratio
    claims = queries.forest_missing(con, evidence_kinds=["review-claim"], cancer_types=["sclc"])
    assert set(claims["trial"]) == {"caspian", "impower133"}
    assert queries.forest_missing(con, evidence_kinds=["trial-report"], cancer_types=["hcc"]).empty


@pytest.mark.parametrize(
    ("lang", "reports"), [("en", "Median PFS, 1-year PFS rate"), ("zh-Hans", "中位PFS、1年PFS率")]
)
def test_missing_presenter_says_what_each_trial_reports(con, lang, reports):
    entries = estimates.missing_hr(queries.forest_missing(con, cancer_types=["sclc"]), lang)
    pfs = next(entry for entry in entries if entry["endpoint"] == "PFS")
    assert pfs["survival"] is True
    lead = next(trial for trial in pfs["trials"] if trial["trial"] == "lead")
    assert lead["reports"].startswith(reports)
    assert lead["design"] == {"en": "Single-arm", "zh-Hans": "单臂"}[lang]


# --- the trial page's hazard-ratio table ------------------------------------------------------------


def test_hr_table_names_each_cut_and_has_no_duplicates(con):
    table = estimates.hr_table(queries.forest_estimates(con, trial_ids=["crown"], all_cuts=True), "en")
    pfs = table[table["metric"] == "Hazard ratio, PFS"]
    itt = pfs[pfs["population"] == "All patients (ITT)"]
    assert list(itt["cut"]) == [
        "7-year update (ASCO 2026) · Updated analysis",
        "5-year outcomes (J Clin Oncol 2024) · Updated analysis",
    ]
    assert list(itt["latest"]) == ["latest", "earlier cut: a later cut reports this comparison"]
    assert "Subgroup: Asian patients" in set(pfs["population"])
    assert not table.duplicated(["cut", "metric", "population", "value"]).any()


def test_hr_table_merges_one_estimate_printed_by_two_sources(con):
    table = estimates.hr_table(queries.forest_estimates(con, trial_ids=["clever"], all_cuts=True), "en")
    assert len(table) == 1
    row = table.iloc[0]
    assert row["source"] == "002_f2f9ef212c690712; clever-natmed-2025"
    assert "0.21" in row["snippet"] and " | " in row["snippet"]
    assert row["comparison"].endswith("(not experimental vs control)")
    assert "responder-comparison" in row["caveats"]


def test_hr_table_display_headers_are_localised(con):
    table = estimates.hr_table(queries.forest_estimates(con, trial_ids=["alta-1l"], all_cuts=True), "zh-Hant")
    shown = estimates.display(table, "zh-Hant")
    columns = list(shown.columns)
    assert columns[1].startswith("數值")  # the number first, then its data cut
    assert [columns[0], *columns[2:4]] == ["指標", "資料截點", "是否最新"]
    assert [cut.endswith("期中分析") for cut in shown["資料截點"]] == [False, False, True]


@pytest.mark.parametrize("present", [False, True])
def test_two_line_row_labels_get_room_for_both_lines(con, present):
    rows, _ = figure_data.split_comparisons(queries.forest_estimates(con, all_cuts=True))
    frame = figure_data.forest_frame(rows, "en")
    assert all("<br>" in label for label in frame.loc[~frame["header"].astype(bool), "label"])
    fig = plots.forest_figure(rows, present=present)
    plot_height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    # the second line sits below the first: a row needs two lines of type, not one
    assert plot_height / len(frame) >= (44 if present else 36)


def test_hover_of_a_superseded_estimate_says_so(con):
    frame = marks(con, all_cuts=True, trial_ids=["alta-1l"], endpoints=["PFS"])
    interim, final = frame["hover"]
    assert "earlier cut: a later cut reports this comparison" in interim
    assert "earlier cut" not in final


TABLE_FIELDS = {"assessment": "not-stated", "evidence_kind": "trial-report", "flags": []}


def test_forest_table_names_each_cut_with_its_year():
    rows = pd.DataFrame(
        [
            hr_row(analysis_label="Final analysis", cutoff="2019-03-11", **TABLE_FIELDS),
            hr_row(trial="b", analysis_label="NEJM 2018 report", **TABLE_FIELDS),
        ]
    )
    assert list(estimates.forest_table(rows, "en")["analysis"]) == [
        "Final analysis (2019)",
        "NEJM 2018 report",
    ]

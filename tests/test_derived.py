"""Derived numbers (issue 12): every formula against values computed by hand.

Hand computations are written out in the comments, with z(95%) = 1.959964,
z(90%) = 1.644854 and z(80%) = 1.281552.
"""

import math

import pandas as pd
import pytest

from core import derived, queries


def test_z_values():
    assert derived.z_value(95) == pytest.approx(1.959964, abs=1e-6)
    assert derived.z_value(90) == pytest.approx(1.644854, abs=1e-6)
    assert derived.z_value(80) == pytest.approx(1.281552, abs=1e-6)


def test_rate_difference_crown_5_year_pfs_from_the_arms_cis():
    # 60% (95% CI 51-68) vs 8% (95% CI 3-14):
    # SE1 = 17 / 3.919928 = 4.336814; SE2 = 11 / 3.919928 = 2.806174
    # SE = sqrt(18.80795 + 7.874613) = 5.165545; d = 52; 52 ± 1.959964 × 5.165545 = 41.876 to 62.124
    estimate = derived.rate_difference_from_cis(60, (51, 68), 95, 8, (3, 14), 95)
    assert estimate.value == 52
    assert estimate.low == pytest.approx(41.876, abs=1e-3)
    assert estimate.high == pytest.approx(62.124, abs=1e-3)
    assert estimate.method == "normal-from-cis"


def test_crown_absolute_effects_from_the_data(con):
    rows = derived.absolute_effects(queries.trial_values(con, "crown"))
    five = rows[
        (rows["analysis"] == "jco-2024-5y") & (rows["population"] == "ITT") & (rows["timepoint"] == 60)
    ]
    diff = five[five["kind"] == "rate-difference"].iloc[0]
    assert diff["value"] == pytest.approx(52)
    assert (diff["ci_low"], diff["ci_high"]) == (
        pytest.approx(41.876, abs=1e-3),
        pytest.approx(62.124, abs=1e-3),
    )
    assert diff["derived"] and diff["inputs"] == "crown:jco-5y-pfs;crown:jco-5y-pfs-crizotinib"
    assert diff["formula"] == "crown:jco-5y-pfs − crown:jco-5y-pfs-crizotinib"
    nnt = five[five["kind"] == "nnt"].iloc[0]
    # 100 / 52 = 1.923; 100 / 62.124 = 1.610; 100 / 41.876 = 2.388
    assert nnt["value"] == pytest.approx(1.923, abs=1e-3)
    assert nnt["ci_low"] == pytest.approx(1.610, abs=1e-3) and nnt["ci_high"] == pytest.approx(
        2.388, abs=1e-3
    )
    assert nnt["direction"] == "benefit" and not nnt["ci_crosses_zero"]
    # 7-year rates are printed without CIs: the difference is computed, its uncertainty left out
    seven = rows[
        (rows["kind"] == "rate-difference") & (rows["timepoint"] == 84) & (rows["endpoint"] == "PFS")
    ]
    assert seven.iloc[0]["value"] == pytest.approx(52) and pd.isna(seven.iloc[0]["ci_low"])
    assert seven.iloc[0]["reason"] == "no-ci"


def test_nnt_whose_ci_crosses_zero():
    # d = 8 points (95% CI -3 to 13): NNTB 12.5; bounds 100/13 = 7.69 (NNTB) and 100/3 = 33.3 (NNTH)
    nnt = derived.number_needed_to_treat(8, -3, 13)
    assert nnt.value == pytest.approx(12.5) and nnt.direction == "benefit"
    assert nnt.crosses_zero
    assert nnt.benefit_bound == pytest.approx(7.692, abs=1e-3)
    assert nnt.harm_bound == pytest.approx(33.333, abs=1e-3)
    assert derived.nnt_text(nnt) == "NNTB 12.5 (95% CI NNTH 33.3 … ∞ … NNTB 7.7)"


def test_nnt_of_harm_and_without_ci():
    nnt = derived.number_needed_to_treat(-20, -30, -10)
    assert nnt.direction == "harm" and nnt.value == pytest.approx(5)
    assert (nnt.low, nnt.high) == (pytest.approx(10 / 3), pytest.approx(10))
    assert derived.nnt_text(derived.number_needed_to_treat(24)) == "NNTB 4.2"
    assert derived.number_needed_to_treat(0) is None


def test_newcombe_from_counts():
    # Newcombe (1998) worked example 1: 56/70 vs 48/80 -> 0.2000 (0.0524 to 0.3339)
    estimate = derived.newcombe_difference(56, 70, 48, 80)
    assert estimate.value == pytest.approx(20.0)
    assert estimate.low == pytest.approx(5.24, abs=0.01) and estimate.high == pytest.approx(33.39, abs=0.01)


def test_median_difference_only_when_both_reached(con):
    rows = derived.absolute_effects(queries.trial_values(con, "alta-1l"))
    medians = rows[rows["kind"] == "median-difference"].set_index("endpoint")
    assert medians.loc["PFS", "value"] == pytest.approx(24.0 - 11.1)  # both reached
    assert medians.loc["OS", "reason"] == "both-not-reached" and pd.isna(medians.loc["OS", "value"])
    crown = derived.absolute_effects(queries.trial_values(con, "crown"))
    crown_medians = crown[crown["kind"] == "median-difference"]
    assert set(crown_medians["reason"]) == {"not-reached-no-bound"}


def test_median_lower_bound_when_one_is_given_as_more_than():
    exp = {"qualifier": ">", "value": 60.0}
    ctl = {"qualifier": "=", "value": 9.1}
    row = derived._median_row(_row(exp, arm_role="experimental"), _row(ctl, arm="b", id="b"))
    assert row["qualifier"] == ">" and row["value"] == pytest.approx(50.9)


def _row(values: dict, **extra) -> pd.Series:
    base = {
        "trial": "t",
        "id": "a",
        "trial_name": "T",
        "analysis": "x",
        "analysis_label": "X",
        "endpoint": "PFS",
        "measure": "median",
        "population": "ITT",
        "assessment": "not-stated",
        "timepoint": None,
        "arm": "a",
        "arm_label": "A",
        "comparator": "",
        "comparator_label": "",
        "unit": "months",
        "design": "randomized",
        "evidence_kind": "trial-report",
        "ci_low": None,
        "ci_high": None,
        "ci_level": "",
    }
    base.update(values)
    base.update(extra)
    return pd.Series(base)


def test_not_randomized_and_review_claims_are_refused():
    exp = _row({"qualifier": "=", "value": 10.0}, design="single-arm")
    ctl = _row({"qualifier": "=", "value": 5.0}, arm="b", id="b")
    assert derived._median_row(exp, ctl)["reason"] == "not-randomized"
    exp = _row({"qualifier": "=", "value": 10.0}, evidence_kind="review-claim")
    assert derived._median_row(exp, ctl)["reason"] == "review-claim"


def test_ci_conversion_to_95():
    # HR 0.60, 80% CI 0.45-0.80: SE = (ln 0.80 - ln 0.45) / (2 × 1.281552) = 0.575364 / 2.563103 = 0.224479
    # exp(ln 0.60 ± 1.959964 × 0.224479) = exp(-0.510826 ± 0.439971) = 0.38643 to 0.93159
    estimate = derived.convert_ratio_ci_to_95(0.60, 0.45, 0.80, 80)
    assert estimate.low == pytest.approx(0.38643, abs=1e-4)
    assert estimate.high == pytest.approx(0.93159, abs=1e-4)
    # 90% CI 0.50-0.72: SE = 0.364643 / 3.289707 = 0.110844; exp(ln 0.6 ± 0.217250) = exp(-0.728076) to exp(-0.293576) = 0.48284 to 0.74559
    estimate = derived.convert_ratio_ci_to_95(0.60, 0.50, 0.72, 90)
    assert (estimate.low, estimate.high) == (
        pytest.approx(0.48284, abs=1e-4),
        pytest.approx(0.74559, abs=1e-4),
    )


@pytest.mark.parametrize("level", ["unknown", "", None, 99, "NR"])
def test_conversion_is_refused_for_an_unstated_level(level):
    assert derived.convert_ratio_ci_to_95(0.67, 0.35, 1.29, level) is None


def test_unstated_levels_in_the_data_are_never_converted(con):
    rows = derived.ci_at_95(queries.forest_rows(con, latest_only=False))
    talentop = rows[rows["trial"] == "talentop"].iloc[0]
    assert talentop["reason"] == "ci-level-not-stated" and pd.isna(talentop["ci_low"])
    assert not (rows["reason"] == "").any()  # curated data has no 80%/90% hazard ratio


def test_bucher_by_hand():
    # A = lorlatinib, B = alectinib, C = crizotinib (PFS):
    # HR_AC 0.19 (0.13-0.27), HR_BC 0.43 (0.32-0.58), both 95%
    # SE_AC = (ln 0.27 - ln 0.13) / 3.919928 = 0.730888 / 3.919928 = 0.186455
    # SE_BC = (ln 0.58 - ln 0.32) / 3.919928 = 0.594707 / 3.919928 = 0.151714
    # SE = sqrt(0.034765 + 0.023017) = 0.240379
    # ln HR_AB = ln 0.19 - ln 0.43 = -0.816761; HR_AB = 0.44186
    # 95% CI exp(-0.816761 ± 0.471134) = 0.27585 to 0.70779
    estimate = derived.bucher(0.19, (0.13, 0.27), 95, 0.43, (0.32, 0.58), 95)
    assert estimate.value == pytest.approx(0.44186, abs=1e-4)
    assert estimate.low == pytest.approx(0.27585, abs=1e-4)
    assert estimate.high == pytest.approx(0.70779, abs=1e-4)


def test_bucher_uses_each_stated_level():
    # an 80% interval has a smaller z: its SE is larger than if it were read as 95%
    as_80 = derived.bucher(0.6, (0.45, 0.8), 80, 0.43, (0.32, 0.58), 95)
    as_95 = derived.bucher(0.6, (0.45, 0.8), 95, 0.43, (0.32, 0.58), 95)
    assert as_80.high - as_80.low > as_95.high - as_95.low
    se = math.hypot(derived.log_se_from_ci(0.45, 0.8, 80), derived.log_se_from_ci(0.32, 0.58, 95))
    assert as_80.high == pytest.approx(math.exp(math.log(0.6 / 0.43) + 1.959964 * se), abs=1e-5)
    assert derived.bucher(0.6, (0.45, 0.8), "unknown", 0.43, (0.32, 0.58), 95) is None


def test_indirect_candidates_from_the_data(con):
    rows = derived.indirect_candidates(queries.forest_rows(con, latest_only=True))
    pair = rows[(rows["input_a"] == "alex:a2020-pfs-hr") & (rows["input_b"] == "crown:7y-pfs-hr")].iloc[0]
    # 0.43 / 0.19 = 2.263: alectinib vs lorlatinib through crizotinib
    assert pair["value"] == pytest.approx(0.43 / 0.19) and pair["reason"] == ""
    assert pair["derived"] and pair["inputs"] == "alex:a2020-pfs-hr;crown:7y-pfs-hr"
    subgroup = rows[rows["input_b"] == "crown:asian-pfs-hr"]
    assert set(subgroup["reason"]) == {"subgroup-vs-whole"}
    # CASPIAN's intervals have no stated level and no other trial shares its control label
    assert not rows["trial"].eq("caspian").any()


def test_indirect_refusals():
    a = _row({"measure": "hr", "value": 0.5, "ci_low": 0.3, "ci_high": 0.8, "ci_level": "95"}, comparator="c")
    b = _row(
        {"measure": "hr", "value": 0.7, "ci_low": 0.5, "ci_high": 0.9, "ci_level": "unknown"},
        trial="u",
        comparator="c",
    )
    assert derived.indirect_refusal(a, b) == "ci-level-not-stated"
    assert derived.indirect_refusal(a, b.copy().replace({"randomized": "single-arm"})) == "single-arm"
    review = b.copy()
    review["evidence_kind"], review["ci_level"] = "review-claim", "95"
    assert derived.indirect_refusal(a, review) == "review-claim"
    b["ci_level"] = "95"
    assert derived.indirect_refusal(a, b) == ""


def test_timeline_orders_cuts_and_computes_changes(con):
    rows = derived.timeline(queries.trial_values(con, "alex"))
    os_hr = rows[(rows["endpoint"] == "OS") & (rows["measure"] == "hr") & (rows["population"] == "ITT")]
    assert list(os_hr["analysis"]) == ["annonc-2020", "final-os-2025"]
    last = os_hr.iloc[-1]
    assert last["change"] == pytest.approx(0.78 - 0.67) and last["derived"]
    assert last["change_formula"] == "alex:final-os-hr − alex:a2020-os-hr"
    assert list(os_hr["analysis_kind"]) == ["not-stated", "final"]
    lead = derived.timeline(queries.trial_values(con, "lead"))
    os_median = lead[(lead["endpoint"] == "OS") & (lead["measure"] == "median")]
    # ">17.3" then 23.6: a bound is not a value, so no change is computed
    assert os_median.iloc[-1]["derived"] is False or not os_median.iloc[-1]["derived"]
    assert pd.isna(os_median.iloc[-1]["change"])
    assert os_median.iloc[-1]["follow_up"] == pytest.approx(29.5)


def test_timeline_leaves_out_review_claims_and_single_cuts(con):
    rows = derived.timeline(queries.trial_values(con, "crown"))
    assert not rows["id"].str.startswith("review").any()
    assert derived.timeline(queries.trial_values(con, "imbrave150")).empty


def test_export_rows_are_marked_derived(con):
    rows = derived.derived_export_rows(queries.trial_values(con, "crown"))
    assert len(rows) > 0 and rows["derived"].all()
    assert rows["formula"].str.len().gt(0).all() and rows["inputs"].str.contains(":").all()
    assert rows["value"].notna().all()


UPLOAD = """trial,trial_name,design,phase,cancer_type,analysis,endpoint,measure,arm,arm_role,comparator,\
comparator_role,value,ci_low,ci_high,ci_level,unit,source,snippet,evidence_kind,value_id
my-trial,MY TRIAL,randomized,3,sclc,a1,PFS,hr,x,experimental,c,control,0.60,0.45,0.80,80,ratio,my-poster,\
"HR 0.60 (80% CI 0.45-0.80)",trial-report,pfs-hr
my-trial,MY TRIAL,randomized,3,sclc,a1,OS,hr,x,experimental,c,control,0.60,0.50,0.72,90,ratio,my-poster,\
"HR 0.60 (90% CI 0.50-0.72)",trial-report,os-hr
my-trial,MY TRIAL,randomized,3,sclc,a1,TTF,hr,x,experimental,c,control,0.70,0.50,0.98,unknown,ratio,my-poster,\
"HR 0.70 (0.50-0.98)",trial-report,ttf-hr
"""


def test_forest_at_95_converts_imported_80_and_90_percent_intervals(evidence):
    from core import db
    from core.importer import read_upload
    from core.presentation import derivations, plots

    result = read_upload("mine.csv", UPLOAD.encode(), evidence.sources)
    assert result.problems == []
    con = db.connect_memory(result.evidence)
    try:
        rows = queries.forest_rows(con, latest_only=False)
    finally:
        con.close()
    converted, n_converted, n_not_stated = derivations.forest_at_95(rows)
    assert (n_converted, n_not_stated) == (2, 1)
    by_endpoint = converted.set_index("endpoint")
    assert by_endpoint.loc["PFS", "ci_low"] == pytest.approx(0.38643, abs=1e-4)
    assert by_endpoint.loc["OS", "ci_high"] == pytest.approx(0.74559, abs=1e-4)
    assert by_endpoint.loc["PFS", "ci_level"] == "95" and by_endpoint.loc["PFS", "printed_ci_level"] == "80"
    assert by_endpoint.loc["TTF", "ci_level"] == "unknown" and by_endpoint.loc["TTF", "ci_low"] == 0.5
    assert not by_endpoint.loc["TTF", "derived_ci"]
    fig = plots.forest_figure(converted, lang="en")
    derived_traces = [trace for trace in fig.data if trace.name == "Converted to 95% (derived)"]
    assert derived_traces and any(
        trace.line.dash == "longdash" for trace in derived_traces if trace.mode == "lines"
    )
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "0.39–0.93" in texts and "derived" in texts
    hover = " ".join(" ".join(trace.hovertext or []) for trace in fig.data)
    assert "converted to 95% from the printed 80% CI 0.45–0.80" in hover
    # and the export of that upload carries the conversions as derived rows
    exported = derived.ci_at_95(rows)
    assert set(exported.loc[exported["reason"] == "", "endpoint"]) == {"PFS", "OS"}
    assert set(exported.loc[exported["reason"] != "", "reason"]) == {"ci-level-not-stated"}


def test_timeline_keeps_one_series_when_only_one_cut_states_the_assessment(con):
    rows = derived.timeline(queries.trial_values(con, "alta-1l"))
    hr = rows[rows["measure"] == "hr"]
    assert list(hr["id"]) == ["interim-pfs-hr", "final-pfs-hr"] and hr["series"].nunique() == 1
    assert list(hr["analysis_kind"]) == ["interim", "final"]
    last = hr.iloc[-1]
    assert last["change_reason"] == "different-assessment" and not last["derived"] and pd.isna(last["change"])


def test_card_lists_absolute_effects_marked_derived(con):
    from core.presentation.card import evidence_card_html

    card = evidence_card_html(con, "crown", "en")
    assert "Absolute effects" in card
    assert "+52 percentage points (95% CI 41.9 to 62.1) [derived]" in card
    assert "crown:jco-5y-pfs;crown:jco-5y-pfs-crizotinib" in card
    assert "Absolute effects" not in evidence_card_html(con, "lead", "en")  # single-arm: nothing derived

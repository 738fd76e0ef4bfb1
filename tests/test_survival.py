"""The survival comparison table: differences only within a trial, never from bounds."""

from core import queries
from core.presentation.survival import comparison_table


def table(con, endpoint, cancer):
    rows = queries.survival_rows(con, endpoint, cancer_types=[cancer])
    return comparison_table(rows, queries.follow_up_rows(con, list(rows["trial"].unique())), "en")


def arm_rows(frame, trial_id, arm_prefix, **equal):
    """The rows of one trial's arm (by the start of its label) whose ``equal`` columns hold those values."""
    keep = (frame["trial_id"] == trial_id) & frame["arm"].str.startswith(arm_prefix)
    for column, value in equal.items():
        keep &= frame[column] == value
    return frame[keep]


def test_difference_in_medians_within_a_trial(con):
    olaratumab = arm_rows(
        table(con, "OS", "soft-tissue-sarcoma"), "announce", "Olaratumab", population="All patients (ITT)"
    )
    # 20.4 − 19.7, marked derived (issue 12: a derived number is never shown as printed)
    assert olaratumab.iloc[0]["difference"] == "+0.7 months vs control [derived]"


def test_no_difference_from_a_median_not_reached(con):
    crown = arm_rows(
        table(con, "PFS", "nsclc-alk"), "crown", "Lorlatinib", median="not reached (95% CI 68.5–NR)"
    )
    assert not crown.empty
    assert crown.iloc[0]["difference"].startswith("not computable")
    assert "median_not_reached" in crown.iloc[0]["maturity"]


def test_landmarks_follow_up_and_single_arm(con):
    frame = table(con, "OS", "sclc")
    lead = frame[(frame["trial_id"] == "lead") & (frame["median"] != "")].iloc[0]
    assert lead["rate_12"].startswith("66.7%") and lead["rate_24"].startswith("50.0%")
    assert "80% CI" in lead["median"] and "33.7" in lead["follow_up"]

"""Corrections from the second, independent extraction of the sources (issue 12, item 6).

Each test pins one correction to the data, so a later edit cannot silently undo it.
"""

from core import queries


def _value(evidence, trial, value_id):
    return next(v for v in evidence.values if v.trial == trial and v.id == value_id)


def test_titles_not_printed_in_the_article_are_marked_descriptive(evidence, sources_dir):
    kinds = {s.id: s.title_kind for s in evidence.sources}
    assert kinds["002_f2f9ef212c690712"] == "descriptive"
    assert kinds["004_e230c91d0180c05b"] == "descriptive"
    for source in evidence.sources:
        if source.file.endswith(".txt") and source.title_kind == "printed":
            text = (sources_dir / source.file).read_text(encoding="utf-8")
            assert source.title in text, f"{source.id}: title marked printed but not in the text"


def test_alta_1l_latest_cut_is_the_final_analysis(con):
    row = queries.trial(con, "alta-1l").iloc[0]
    assert row["latest_analysis_kind"] == "final"


def test_alex_2020_is_labelled_by_what_is_printed(evidence):
    analysis = next(a for a in evidence.analyses if a.trial == "alex" and a.id == "annonc-2020")
    assert "Updated" not in analysis.label and "final" not in analysis.label.lower()
    assert analysis.kind == "not-stated"


def test_us_cohort_does_not_claim_first_line_for_both_arms(evidence):
    trial = next(t for t in evidence.trials if t.id == "alk-review-us-brain-metastasis-cohort")
    assert trial.line == "not-stated"
    assert "first-line" not in trial.name.lower()


def test_class_claims_that_are_one_trial_arm_carry_doubtful_attribution(evidence):
    assert (
        "doubtful-attribution" in _value(evidence, "alk-review-first-line-crizotinib", "review-5y-os").flags
    )
    assert (
        "doubtful-attribution"
        in _value(evidence, "alk-review-second-generation-first-line", "review-5y-os").flags
    )


def test_every_patient_count_has_its_chinese_term(evidence):
    missing = [
        f"{v.trial}:{v.id}" for v in evidence.values if v.endpoint == "PATIENTS" and v.term and not v.term_zh
    ]
    assert missing == []


def test_lead_safety_denominator_is_not_stored_as_printed(evidence):
    safety = [v for v in evidence.values if v.trial == "lead" and v.endpoint in ("AE-G3", "TRAE")]
    assert safety and all(v.n_total is None for v in safety)

"""Figure titles, citations and text alternatives (core.presentation.citations), and the
source registry's citation fields, which must be printed in the sources."""

from __future__ import annotations

import re
import tomllib

import pandas as pd
import pytest

from core import queries
from core.presentation import citations, figure_data, plots
from core.records import DEFAULT_DATA_DIR, _section

LANGS = ("en", "zh-Hans", "zh-Hant")


def registry() -> dict[str, dict]:
    with (DEFAULT_DATA_DIR / "sources.toml").open("rb") as handle:
        return {source["id"]: source for source in tomllib.load(handle)["sources"]}


# --- the registry's citation fields are printed in the sources --------------------------------------


def _printed_text(source: dict, sources_dir) -> str:
    text = (sources_dir / source["file"]).read_text(encoding="utf-8")
    if source.get("section"):
        text = _section(text, source["section"])
    return re.sub(r"\s+", " ", text)


IDENTIFIERS = re.compile(r"doi:\s*10\.[^\s,;。]+?(?=[.。]?(?:\s|$))|\d{6,9}|PMC\d+|NCT\d{8}|(?:19|20)\d\d")


@pytest.mark.parametrize("source_id", sorted(registry()))
def test_citation_fields_are_printed_in_the_source(source_id, sources_dir):
    """Every address, DOI, PubMed/PMC/registry id and year a figure's citation can show is
    found in the source's own text: nothing from memory."""
    source = registry()[source_id]
    text = _printed_text(source, sources_dir)
    for url in source.get("urls", []):
        assert url in text, f"{source_id}: {url} is not printed in its source"
    for token in IDENTIFIERS.findall(source.get("citation", "")):
        assert re.sub(r"\s", "", token) in re.sub(r"\s", "", text), f"{source_id}: {token!r} not printed"
    year = (source.get("date") or "")[:4]
    if year:
        assert year in text, f"{source_id}: year {year} is not printed in its source"


def test_the_identifier_check_can_fail(sources_dir):
    source = {**registry()["imbrave150-nejm-2020"], "citation": "NEJM 2020. PMID 12345678."}
    text = _printed_text(source, sources_dir)
    assert "12345678" not in text


# --- title ------------------------------------------------------------------------------------------


def test_title_states_endpoint_population_and_cut_rule():
    title = citations.figure_title("forest", ["PFS"], ["nsclc-alk"], [], False, "en")
    assert title == "PFS hazard ratios · ALK-positive non-small-cell lung cancer · latest data cut per trial"
    every = citations.figure_title("medians", ["OS"], [], ["review-claim"], True, "en")
    assert every.startswith("Median OS") and "all cancer types" in every
    assert "Review / commentary claim" in every and every.endswith("every data cut")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh-Hans", ("风险比", "ALK阳性非小细胞肺癌", "最新数据截止")),
        ("zh-Hant", ("風險比", "ALK陽性", "最新資料截止")),
    ],
)
def test_title_is_localised(lang, words):
    title = citations.figure_title("forest", ["PFS"], ["nsclc-alk"], [], False, lang)
    assert all(word in title for word in words), title


def test_title_refuses_an_unknown_figure():
    with pytest.raises(ValueError, match="figure kind"):
        citations.figure_title("pie", ["PFS"])


# --- citation ---------------------------------------------------------------------------------------


def _internal_ids(con) -> list[str]:
    return list(queries.sources(con)["id"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_trial_and_cut_is_cited_without_internal_ids(con, lang):
    rows = queries.forest_rows(con, latest_only=False)
    footer = citations.citation_footer(rows, lang)
    lines = footer.split("\n")[1:]
    assert len(lines) == rows["trial"].nunique() > 3  # every trial, not the first three
    for trial, group in rows.groupby("trial"):
        line = next(line for line in lines if line.startswith(group["trial_name"].iloc[0]))
        for record in group.drop_duplicates("analysis").to_dict("records"):
            assert citations._cut_text(record, lang) in line, (trial, record["analysis"])
    for source_id in _internal_ids(con):
        assert source_id not in footer


@pytest.mark.parametrize("endpoint", ["PFS", "OS", "RFS", "TTF"])
def test_survival_citations_name_no_internal_id(con, endpoint):
    rows = queries.survival_rows(con, endpoint, latest_only=False)
    footer = citations.citation_footer(rows, "en")
    assert footer.count("\n") == rows["trial"].nunique()
    assert not [source_id for source_id in _internal_ids(con) if source_id in footer]


def test_citations_name_outlet_year_and_link(con):
    rows = queries.forest_rows(con)
    lines = {line.split(":")[0].split(" (")[0]: line for line in citations.citation_lines(rows, "en")}
    assert "Ann Oncol 2020;31(8):1056-1064. PubMed 32418886" in lines["ALEX"]
    assert "doi:10.1016/j.annonc.2025.09.018" in lines["ALEX"]  # the final OS cut, 2025
    assert "CROWN (NCT03036488)" in lines["CROWN"] and "CancerNetwork 2026" in lines["CROWN"]
    assert "PMID 30280641" in lines["IMpower133"]
    assert "data cut-off 2020-01-27" in lines["CASPIAN"]
    assert "肿瘤瞭望 2025" in lines["TALENTOP"]


def test_a_source_with_a_pubmed_address_and_no_printed_id_shows_the_address():
    row = {
        "source": "x",
        "source_kind": "journal-abstract",
        "source_outlet": "JAMA",
        "source_date": "2020",
        "source_citation": "",
        "source_urls": ["https://example.org/a", "https://pubmed.ncbi.nlm.nih.gov/32259228"],
    }
    assert citations.source_reference(row, "en") == "JAMA 2020, https://pubmed.ncbi.nlm.nih.gov/32259228"
    assert citations.source_reference({**row, "source_urls": []}, "en") == "JAMA 2020"


def test_a_user_source_says_it_is_user_supplied():
    row = {"source": "my-notes", "source_kind": "user-upload", "source_title": "my-notes"}
    assert citations.source_reference(row, "en") == "user-supplied file (source “my-notes”)"
    assert "用户上传" in citations.source_reference(row, "zh-Hans")


def test_an_interim_cut_is_marked_once(con):
    rows = queries.forest_rows(con, endpoints=["PFS"], cancer_types=["soft-tissue-sarcoma"])
    line = citations.citation_lines(rows, "en")[0]
    assert "Interim analysis" in line and line.count("Interim analysis") == 1
    assert "data cut-off 2024-02-15" in line


def test_the_old_footer_name_is_the_citation():
    rows = pd.DataFrame()
    assert plots.citation_footer(rows, "en") == "" == figure_data.citation_footer(rows, "en")


# --- medians beside markers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "crizotinib", "lorlatinib"),
    [
        ("en", "9.1 months (95% CI 7.4–10.9)", "not reached (95% CI 68.5–NR)"),
        ("zh-Hans", "9.1个月 (95% CI 7.4–10.9)", "未达到 (95% CI 68.5–NR)"),
        ("zh-Hant", "9.1個月 (95% CI 7.4–10.9)", "未達到 (95% CI 68.5–NR)"),
    ],
)
def test_medians_are_printed_beside_their_markers(con, lang, crizotinib, lorlatinib):
    rows = queries.survival_rows(con, "PFS", cancer_types=["nsclc-alk"])
    frame = figure_data.medians_frame(rows, lang)
    crown = frame[frame["trial"] == "CROWN"]
    assert crizotinib in set(crown["value_text"]) and lorlatinib in set(crown["value_text"])
    fig = plots.survival_medians_figure(rows, "PFS", lang=lang)
    labels = next(trace for trace in fig.data if trace.mode == "text")
    assert list(labels.text) == list(frame["value_text"])
    # each label sits on its own row, just above the marker
    assert all(0 < y - row < 0.5 for y, row in zip(labels.y, frame["y"]))


def test_a_label_near_the_right_edge_is_written_leftwards(con):
    rows = queries.survival_rows(con, "PFS", cancer_types=["nsclc-alk"])
    fig = plots.survival_medians_figure(rows, "PFS")
    labels = next(trace for trace in fig.data if trace.mode == "text")
    positions = dict(zip(labels.text, labels.textposition))
    assert positions["not reached (95% CI 68.5–NR)"] == "middle left"
    assert positions["9.1 months (95% CI 7.4–10.9)"] == "middle right"


# --- titles and text alternatives on the figures ------------------------------------------------------


def test_figures_carry_title_summary_and_citation(con):
    rows = queries.forest_rows(con, endpoints=["PFS"], cancer_types=["nsclc-alk"])
    title = citations.figure_title("forest", ["PFS"], ["nsclc-alk"], [], False, "en")
    footer = plots.citation_footer(rows, "en")
    fig = plots.forest_figure(rows, footer=footer, title=title)
    assert fig.layout.title.text.replace("<br>", " · ") == title
    assert fig.layout.meta["citation"] == footer
    assert plots.text_alternative(fig).startswith("5 hazard ratios from 3 trials")


def test_forest_summary_is_written_from_the_frame(con):
    rows = queries.forest_rows(con, endpoints=["PFS"], cancer_types=["nsclc-alk"])
    frame = figure_data.forest_frame(rows, "en")
    summary = citations.forest_summary(frame, "en")
    assert "Lowest 0.19 (95% CI 0.13–0.26) (CROWN" in summary
    assert "highest 0.49 (95% CI 0.33–0.74) (ALTA-1L" in summary
    assert "Of 5 intervals, 5 lie entirely below 1 and 0 entirely above 1." in summary
    # change the frame, and the words follow it
    changed = frame.copy()
    index = changed.index[changed["trial"] == "ALEX"][0]
    changed.loc[index, ["value", "low", "high", "text"]] = [1.5, 1.2, 1.9, "1.5 (95% CI 1.2–1.9)"]
    summary = citations.forest_summary(changed, "en")
    assert "highest 1.5 (95% CI 1.2–1.9) (ALEX" in summary and "1 entirely above 1" in summary


def test_forest_summary_counts_rows_without_interval(con):
    rows = queries.forest_rows(con, cancer_types=["hcc"])
    frame = figure_data.forest_frame(rows, "en")
    assert "have no interval" in citations.forest_summary(frame, "en")  # TALENTOP's TTF HR


@pytest.mark.parametrize("lang", LANGS)
def test_survival_summaries_follow_their_frames(con, lang):
    rows = queries.survival_rows(con, "OS", cancer_types=["sclc"])
    medians = figure_data.medians_frame(rows, lang)
    summary = citations.medians_summary(medians, lang)
    for text in medians["value_text"]:
        assert citations.plain(text) in summary
    landmarks = figure_data.landmarks_frame(rows, lang)
    text = citations.landmarks_summary(landmarks, lang)
    assert text.count("66.7%") == list(landmarks["y"]).count(66.7) > 0
    fig = plots.survival_landmarks_figure(rows, "OS", lang=lang)
    assert plots.text_alternative(fig) == text


def test_an_empty_chart_says_so():
    empty = pd.DataFrame(columns=["header"])
    assert citations.forest_summary(empty, "en") == "The chart is empty."
    assert citations.medians_summary(None, "zh-Hans") == "图表为空。"


def test_every_catalog_has_the_citation_keys():
    from core.presentation.i18n import catalog

    keys = {key for key in catalog("en") if key.startswith("cite.")}
    assert keys and keys == {key for key in catalog("zh-Hans") if key.startswith("cite.")}


def test_timeline_title_and_summary(con):
    from core import derived

    frame = derived.timeline(queries.trial_values(con, "crown"))
    hr = frame[frame["measure"] == "hr"]
    assert (
        citations.timeline_title(hr, "en")
        == "CROWN · Hazard ratio, PFS · every data cut of the trial, oldest first"
    )
    assert citations.timeline_title(hr, "zh-Hant").startswith("CROWN · PFS風險比")
    from core.presentation.derivations import series_label

    summary = citations.timeline_summary(hr, "en", series_label)
    assert summary.startswith("1 series across 2 data cuts:")
    assert "HR 0.19 (95% CI 0.13–0.27) → 7-year update (ASCO 2026): HR 0.19 (95% CI 0.13–0.26)" in summary


def test_markup_in_titles_and_citations_is_shown_as_text():
    from tests.test_plots import HOSTILE_FOREST_ROW

    row = {
        **HOSTILE_FOREST_ROW,
        "analysis": "a",
        "analysis_label": "<b>cut</b>",
        "source": "s",
        "source_kind": "news",
        "source_outlet": "<img src=x onerror=alert(1)>",
    }
    rows = pd.DataFrame([row])
    footer = plots.citation_footer(rows, "en")
    fig = plots.forest_figure(rows, footer=footer, title="<script>t</script> · x")
    drawn = " ".join(a.text for a in fig.layout.annotations) + fig.layout.title.text
    assert "<img" not in drawn and "&lt;img src=x" in drawn
    assert "<script>" not in drawn and "&lt;script&gt;t" in drawn
    assert "<b>cut</b>" not in drawn and "&lt;b&gt;cut" in drawn
    # the description is plain text (pages markdown-escape it): the name as written
    assert "<script>alert(1)</script>" in plots.text_alternative(fig)

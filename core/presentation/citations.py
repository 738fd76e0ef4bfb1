"""What a figure must say for a presenter: its title, its citation and its text alternative.

- :func:`figure_title` states the endpoint, the population filter and the data-cut rule
  ("PFS hazard ratios · ALK-positive non-small-cell lung cancer · latest data cut per trial").
- :func:`citation_lines` names, for EVERY trial shown, each data cut drawn and the source it
  comes from as a reader would cite it — outlet or journal, year, and a registry / DOI /
  PubMed link where the source prints one — never an internal source id.
- ``*_summary`` functions write a short text alternative of a chart from the very frame the
  chart draws (:mod:`core.presentation.figure_data`), so the words cannot disagree with it.

Everything returned is plain text (not HTML): the figure builder escapes what it puts into a
figure, and the pages markdown-escape what they write.

May import: ``core.schema`` and this package's ``formatting`` and ``i18n``. Never streamlit,
plotly, ``pages`` or ``bench``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from core import schema
from core.presentation import formatting
from core.presentation.i18n import data_text, t, vocab_label

# --- title ------------------------------------------------------------------------------------------

FIGURE_KINDS = ("forest", "medians", "landmarks")


def figure_title(
    kind: str,
    endpoints: Sequence[str],
    cancer_types: Sequence[str] = (),
    evidence_kinds: Sequence[str] = (),
    all_cuts: bool = False,
    lang: str = "en",
) -> str:
    """The figure's title: what is drawn (endpoint and measure), for whom (the population
    filter) and which data cut (the latest per trial, or every cut).

    Parameters
    ----------
    kind : {"forest", "medians", "landmarks"}
        The figure.
    endpoints : sequence of str
        Endpoint keys drawn (``[]``: every endpoint).
    cancer_types, evidence_kinds : sequence of str
        The filters the reader chose (``[]``: no filter).
    all_cuts : bool
        Every data cut is drawn, not only the latest one per trial.
    """
    if kind not in FIGURE_KINDS:
        raise ValueError(f"figure_title: unknown figure kind {kind!r}")
    named = ", ".join(endpoints) if endpoints else t("cite.all_endpoints", lang)
    parts = [t(f"cite.title_{kind}", lang, endpoint=named)]
    if cancer_types:
        parts.append(_joined([vocab_label(schema.CANCER_TYPES, key, lang) for key in cancer_types], lang))
    else:
        parts.append(t("cite.all_cancers", lang))
    if evidence_kinds and set(evidence_kinds) != set(schema.EVIDENCE_KINDS):
        parts.append(_joined([vocab_label(schema.EVIDENCE_KINDS, key, lang) for key in evidence_kinds], lang))
    parts.append(t("cite.every_cut" if all_cuts else "cite.latest_cut", lang))
    return " · ".join(parts)


def timeline_title(frame: pd.DataFrame, lang: str = "en") -> str:
    """The title of a trial's "how estimates matured" chart: the trial, the endpoint and
    measure, and the data-cut rule (every cut of this trial, oldest first)."""
    if frame is None or frame.empty:
        return ""
    first = frame.iloc[0].to_dict()
    measure = vocab_label(schema.MEASURES, str(first.get("measure") or ""), lang)
    return " · ".join(
        [
            formatting.trial_label(first, lang),
            t("cite.title_timeline", lang, endpoint=first.get("endpoint") or "", measure=measure),
            t("cite.every_cut_of_trial", lang),
        ]
    )


def _joined(items: Iterable[str], lang: str) -> str:
    return t("cite.list_separator", lang).join(items)


# --- citation ---------------------------------------------------------------------------------------

_LINK_HOSTS = (
    "pubmed.ncbi.nlm.nih.gov",
    "pmc.ncbi.nlm.nih.gov",
    "doi.org",
    "clinicaltrials.gov",
    "clinical-trials-registry",
)
"""URLs that are a PubMed, PMC, DOI or registry record: shown as printed in the sources."""
_DOI = re.compile(r"doi:\s*10\.\d{4,9}/[^\s,;。]+?(?=[.。]?(?:\s|$))", re.IGNORECASE)
_PMID = re.compile(r"(?:PMID|PubMed):?\s*\d{6,9}")
_YEAR = re.compile(r"(19|20)\d\d")


def _listed(value: Any) -> list[str]:
    if value is None or isinstance(value, str | float):
        return []
    return [str(item) for item in value if item]


def _year(date: Any) -> str:
    match = _YEAR.match(str(date or ""))
    return match.group(0) if match else ""


def _link(urls: list[str], citation: str) -> str:
    """A registry / DOI / PubMed link as the source prints it: a URL of one of those
    records, else the DOI or PubMed id of the printed citation; ``""`` when it has none."""
    for url in urls:
        if any(host in url for host in _LINK_HOSTS):
            return url
    for pattern in (_DOI, _PMID):
        match = pattern.search(citation)
        if match:
            return match.group(0)
    return ""


_CITED_BY_CITATION = ("journal-abstract", "conference-abstract", "summary")


def _field(row: Mapping[str, Any], column: str) -> str:
    return str(row.get(column) or "").strip()


def _source_name(row: Mapping[str, Any]) -> str:
    """A journal or conference abstract is cited by its printed citation (journal, year,
    volume); an article by the outlet that published it; else the printed title."""
    outlet, citation = _field(row, "source_outlet"), _field(row, "source_citation")
    first, second = (citation, outlet) if row.get("source_kind") in _CITED_BY_CITATION else (outlet, citation)
    return (first or second or _field(row, "source_title")).rstrip(" .。")


def source_reference(row: Mapping[str, Any], lang: str = "en") -> str:
    """One source as a reader cites it: ``Annals of Oncology 2020, https://pubmed…/32418886/``.

    The outlet (or journal) as printed, else the printed citation, else the printed title;
    the year; and a registry / DOI / PubMed link where the source has one. Never the internal
    source id, except for a source a user's own file names (said to be user-supplied).
    """
    name = _source_name(row)
    if row.get("source_kind") == "user-upload" or not name:
        return t("cite.user_source", lang, source=row.get("source") or "")
    year = _year(row.get("source_date"))
    if year and year not in name:
        name = t("cite.with_year", lang, name=name, year=year)
    link = _link(_listed(row.get("source_urls")), _field(row, "source_citation"))
    if link and link not in name and not (_DOI.search(name) or _PMID.search(name)):
        name = t("cite.with_link", lang, name=name, link=link)
    return name


def _cut_text(row: Mapping[str, Any], lang: str) -> str:
    """The data cut: its label in ``lang``, its cut-off date where printed, interim marked."""
    label = data_text(row.get("analysis_label") or "", row.get("analysis_label_zh") or "", lang)
    label = label or t("cite.cut_not_named", lang)
    cutoff = str(row.get("cutoff") or "")
    if cutoff and cutoff not in label:
        label = t("cite.cut_with_date", lang, cut=label, date=cutoff)
    interim = vocab_label(schema.ANALYSIS_KINDS, "interim", lang)
    if row.get("analysis_kind") == "interim" and interim.lower() not in label.lower():
        label = t("cite.interim", lang, cut=label, kind=interim)
    return label


def _trial_heading(row: Mapping[str, Any], lang: str) -> str:
    name = formatting.trial_label(row, lang)
    registry = _listed(row.get("trial_registry_ids"))
    return t("cite.trial_registry", lang, trial=name, ids=", ".join(registry)) if registry else name


def citation_lines(rows: pd.DataFrame, lang: str = "en") -> list[str]:
    """One line per trial shown, in the order of the rows: the trial (with its registry ids),
    then each data cut drawn with the sources its values come from.

    ``CROWN (NCT03036488): 7-year update (ASCO 2026) — CancerNetwork 2026; Asian subgroup at
    5 years — DocWire News``. Every trial of ``rows`` has its line: none is left out.
    """
    if rows is None or rows.empty:
        return []
    trials: dict[str, dict[str, Any]] = {}
    for row in rows.to_dict("records"):
        entry = trials.setdefault(str(row.get("trial")), {"row": row, "cuts": {}})
        cut = entry["cuts"].setdefault(str(row.get("analysis")), {"row": row, "sources": {}})
        cut["sources"].setdefault(source_reference(row, lang), None)
    lines = []
    for entry in trials.values():
        # cuts cited from the same sources share them: "cut A, cut B — source"
        by_sources: dict[str, list[str]] = {}
        for cut in entry["cuts"].values():
            by_sources.setdefault("; ".join(cut["sources"]), []).append(_cut_text(cut["row"], lang))
        cuts = [
            t("cite.cut_sources", lang, cut=_joined(names, lang), sources=sources)
            for sources, names in by_sources.items()
        ]
        lines.append(
            t("cite.trial_line", lang, trial=_trial_heading(entry["row"], lang), cuts=" | ".join(cuts))
        )
    return lines


def citation_footer(rows: pd.DataFrame, lang: str = "en") -> str:
    """The citation under a figure: a heading, then :func:`citation_lines` one per line."""
    lines = citation_lines(rows, lang)
    return "\n".join([t("cite.heading", lang, n=len(lines))] + lines) if lines else ""


# --- text alternatives -----------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def plain(text: Any) -> str:
    """A prepared frame's label as plain text: tags dropped, entities unescaped."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    lines = re.split(r"<br\s*/?>", str(text), flags=re.IGNORECASE)  # a two-line row label
    return " · ".join(part for part in (html.unescape(_TAG.sub("", line)).strip() for line in lines) if part)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)


def forest_summary(frame: pd.DataFrame, lang: str = "en") -> str:
    """The forest plot in words, from :func:`figure_data.forest_frame`: how many estimates
    and trials, the lowest and highest hazard ratio (row, value and interval with its level),
    how many intervals exclude 1, and how many rows have no interval."""
    if frame is None or frame.empty:
        return t("cite.alt_empty", lang)
    marks = frame[~frame["header"].astype(bool)]
    points = marks[[_present(v) for v in marks["value"]]]
    trials = marks["trial"].nunique() if "trial" in marks.columns else len(marks)
    parts = [t("cite.alt_forest_count", lang, n=len(marks), trials=trials)]
    if not points.empty:
        low = points.loc[points["value"].astype(float).idxmin()]
        high = points.loc[points["value"].astype(float).idxmax()]
        parts.append(
            t(
                "cite.alt_forest_range",
                lang,
                low=plain(low["text"]),
                low_row=plain(low["label"]),
                high=plain(high["text"]),
                high_row=plain(high["label"]),
            )
        )
    with_ci = marks[[_present(lo) and _present(hi) for lo, hi in zip(marks["low"], marks["high"])]]
    below = sum(1 for hi in with_ci["high"] if float(hi) < 1)
    above = sum(1 for lo in with_ci["low"] if float(lo) > 1)
    parts.append(t("cite.alt_forest_ci", lang, n=len(with_ci), below=below, above=above))
    no_ci = int((marks["style"] == "none").sum())
    if no_ci:
        parts.append(t("cite.alt_forest_no_ci", lang, n=no_ci))
    return t("cite.alt_sentence_separator", lang).join(parts) + t("cite.alt_end", lang)


def medians_summary(frame: pd.DataFrame, lang: str = "en") -> str:
    """The medians chart in words, from :func:`figure_data.medians_frame`: every row's
    label with the median printed beside its marker (same words as the chart)."""
    if frame is None or frame.empty:
        return t("cite.alt_empty", lang)
    trials = frame["trial"].nunique() if "trial" in frame.columns else len(frame)
    head = t("cite.alt_medians_count", lang, n=len(frame), trials=trials)
    items = [
        t("cite.alt_item", lang, label=plain(label), value=plain(text))
        for label, text in zip(frame["label"], frame["value_text"])
    ]
    return head + " " + t("cite.alt_item_separator", lang).join(items)


def landmarks_summary(frame: pd.DataFrame, lang: str = "en") -> str:
    """The landmark chart in words, from :func:`figure_data.landmarks_frame`: each series
    with its rates by time point."""
    if frame is None or frame.empty:
        return t("cite.alt_empty", lang)
    head = t("cite.alt_landmarks_count", lang, n=len(frame), series=frame["series"].nunique())
    items = []
    for _, series in frame.groupby("series", sort=True):
        rates = [
            t("cite.alt_rate", lang, time=formatting.timepoint_text(x * 12, lang), rate=_rate(y))
            for x, y in zip(series["x"], series["y"])
        ]
        items.append(
            t("cite.alt_item", lang, label=plain(series["name"].iloc[0]), value=_joined(rates, lang))
        )
    return head + " " + t("cite.alt_item_separator", lang).join(items)


def _rate(value: Any) -> str:
    return f"{float(value):g}%" if _present(value) else "—"


def timeline_summary(
    frame: pd.DataFrame,
    lang: str = "en",
    series_label: Callable[[Mapping[str, Any], str], str] = formatting.metric_label,
) -> str:
    """The "how estimates matured" chart in words, from the frame it draws
    (:func:`core.derived.timeline` rows of one endpoint and measure): each series, named by
    ``series_label`` (the chart's own: :func:`core.presentation.derivations.series_label`),
    with its estimate at every data cut, oldest first."""
    if frame is None or frame.empty:
        return t("cite.alt_empty", lang)
    head = t(
        "cite.alt_timeline_count", lang, series=frame["series"].nunique(), cuts=frame["analysis"].nunique()
    )
    items = []
    for _, series in frame.groupby("series", sort=False):
        records = series.sort_values("analysis_sequence").to_dict("records")
        steps = [
            t(
                "cite.alt_item",
                lang,
                label=_cut_text(r, lang),
                value=formatting.value_text(r, lang, with_p=False),
            )
            for r in records
        ]
        items.append(f"{series_label(records[0], lang)} — {' → '.join(steps)}")
    return head + " " + t("cite.alt_item_separator", lang).join(items)

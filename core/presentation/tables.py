"""Presenters: query frames in, tidy frames out, for every table, card and CSV.

Each presenter takes the frames of :mod:`core.queries` and a language and returns a frame
whose columns are stable keys (``metric``, ``value``, ``caveats``…) and whose caveats are
codes, not words. The trial page, the evidence card and the CSV downloads all call the
same presenter, so they cannot disagree; :func:`display` is the one place where codes
become words and keys become the reader's column headers (through the catalog).

May import: ``core.schema``, ``core.text`` and the modules of this package (formatting,
caveats, i18n). Never streamlit, ``pages``, ``bench`` or the database: presenters get
frames, they do not query.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from core import schema
from core.presentation import caveats, formatting
from core.presentation.i18n import data_text, data_text_marked, t, vocab_label

VALUE_COLUMNS = (
    "trial",
    "metric",
    "value",
    "caveats",
    "arm",
    "population",
    "assessment",
    "evidence",
    "source",
    "snippet",
    "reading",
    "note",
)
"""The value table's columns, in reading order (``trial`` first for cross-trial views): the
number with its interval and level, and what limits it, before the metadata."""

COLUMN_LABELS: dict[str, str] = {
    "trial": "col.trial",
    "metric": "col.metric",
    "arm": "col.arm",
    "arms": "col.arms",
    "population": "label.population",
    "value": "col.value",
    "assessment": "col.assessment",
    "evidence": "col.evidence",
    "caveats": "col.caveats",
    "source": "label.source",
    "snippet": "label.snippet",
    "reading": "col.reading",
    "note": "trial.note",
    "endpoint": "facet.endpoint",
    "patients": "col.patients",
    "analysis": "label.analysis",
    "cancer": "col.cancer",
    "setting": "col.setting",
    "phase": "col.phase",
    "design": "col.design",
    "design_phase": "tables.design_phase",
    "primary": "col.primary",
    "headline": "col.headline",
    "cutoff": "col.cutoff",
    "sources": "col.sources",
    "field": "trial.field",
    "kind": "sources.kind",
    "title": "sources.source_title",
    "outlet": "sources.outlet",
    "date": "sources.date",
    "script": "sources.script",
    "url": "sources.url",
    "values": "sources.values",
    "trials": "sources.trials",
    "discrepancy": "sources.discrepancy",
    "term": "sources.term",
    "group": "sources.group_label",
    "role": "trial.role",
    "regimen": "trial.regimen",
    "analysis_kind": "trial.kind",
    "presented": "trial.presented",
    # the survival comparison (core.presentation.survival)
    "median": "survival.col_median",
    "difference": "survival.col_difference",
    "absolute": "derived.survival_col",
    "other_rates": "survival.col_other_rates",
    "events": "survival.col_events",
    "follow_up": "survival.col_follow_up",
    "maturity": "survival.col_maturity",
}
"""Column key → catalog key of its header."""

# Column names that are language names: the same in every interface language.
_AUTONYMS = {"id": "id", "english": "English", "chinese": "中文"}

FACT_LABELS: dict[str, str] = {
    "cancer": "col.cancer",
    "condition": "trial.condition",
    "setting": "col.setting",
    "phase": "col.phase",
    "design": "col.design",
    "control": "trial.control",
    "primary": "col.primary",
    "patients": "col.patients",
    "registry": "trial.registry",
    "presented": "trial.presented",
}
"""The trial facts, in order: fact key → catalog key of its name."""

_MATURITY_LABELS = {
    "interim": "caveat.interim",
    "median_not_reached": "survival.median_not_reached",
    "immature": "caveat.immature",
}

GLOSSARY_GROUPS = (
    ("endpoint", schema.ENDPOINTS),
    ("measure", schema.MEASURES),
    ("assessment", schema.ASSESSMENTS),
    ("flag", schema.FLAGS),
    ("evidence", schema.EVIDENCE_KINDS),
)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict("records") if not frame.empty else []


def _count(number: Any) -> str:
    return "—" if pd.isna(number) else str(int(number))


# --- headers ------------------------------------------------------------------------------------


def column_label(key: str, lang: str, **values: object) -> str:
    """The header of column ``key`` in ``lang`` (``rate_36`` → ``3-year rate``)."""
    if key in _AUTONYMS:
        return _AUTONYMS[key]
    if key.startswith("rate_") and key.removeprefix("rate_").isdigit():
        return t("survival.col_rate", lang, time=int(key.removeprefix("rate_")) // 12)
    return t(COLUMN_LABELS[key], lang, **values) if key in COLUMN_LABELS else key


def _maturity_label(code: str, lang: str) -> str:
    return t(_MATURITY_LABELS[code], lang) if code in _MATURITY_LABELS else code


def _group_label(code: str, lang: str) -> str:
    return t(f"sources.group.{code}", lang)


_CODE_COLUMNS: dict[str, Callable[[Any, str], str]] = {
    "caveats": caveats.text,
    "maturity": lambda codes, lang: "; ".join(dict.fromkeys(_maturity_label(c, lang) for c in codes)),
    "group": lambda code, lang: _group_label(code, lang),
}


def display(
    frame: pd.DataFrame, lang: str, columns: Sequence[str] | None = None, **values: object
) -> pd.DataFrame:
    """A presenter's frame as the reader sees it: codes in words, headers in ``lang``.

    Parameters
    ----------
    frame : DataFrame
        The output of a presenter.
    lang : str
        The reader's language.
    columns : sequence of str, optional
        The keys to keep, in this order (all by default).
    **values
        Values for headers that take them (``endpoint`` for the survival median).
    """
    out = frame.loc[:, list(columns)] if columns is not None else frame.copy()
    for key, render in _CODE_COLUMNS.items():
        if key in out.columns:
            out[key] = [render(codes, lang) for codes in out[key]]
    return out.rename(columns={key: column_label(key, lang, **values) for key in out.columns})


# --- values -------------------------------------------------------------------------------------


def value_table(values: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every value with its meaning, caveat codes and provenance: one row per value.

    The one builder of the value table: the trial page, the evidence card, the discrepancy
    views and the trial's "values as shown" CSV all call it.

    Parameters
    ----------
    values : DataFrame
        Rows of ``value_rows`` (:func:`core.queries.trial_values`,
        :func:`core.queries.discrepancies`, :func:`core.queries.forest_rows`).
    lang : str
        The reader's language.
    """
    records = _records(values)
    return pd.DataFrame(
        {
            "trial": [formatting.trial_label(r, lang) for r in records],
            "metric": [formatting.metric_label(r, lang) for r in records],
            "arm": [formatting.arms_text(r, lang) for r in records],
            "population": [formatting.population_text(r, lang) for r in records],
            "value": [formatting.value_text(r, lang) for r in records],
            "assessment": [vocab_label(schema.ASSESSMENTS, r["assessment"], lang) for r in records],
            "evidence": [vocab_label(schema.EVIDENCE_KINDS, r["evidence_kind"], lang) for r in records],
            "caveats": [caveats.value_codes(r) for r in records],
            "source": [r["source"] for r in records],
            "snippet": [r["snippet"] for r in records],
            "reading": [
                formatting.snippet_reading(r["snippet"], r.get("source_script") or "", lang) for r in records
            ],
            "note": [data_text_marked(r.get("note") or "", r.get("note_zh") or "", lang) for r in records],
        },
        columns=list(VALUE_COLUMNS),
    )


FOREST_COLUMNS = (
    "trial",
    "endpoint",
    "value",
    "arm",
    "population",
    "patients",
    "analysis",
    "caveats",
    "source",
    "snippet",
)


def forest_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows of the forest plot with their sources (the table under the plot and its CSV)."""
    table = value_table(rows, lang)
    records = _records(rows)
    table["endpoint"] = [r["endpoint"] for r in records]
    table["patients"] = [r.get("n_patients") for r in records]
    table["analysis"] = [
        data_text(r.get("analysis_label", ""), r.get("analysis_label_zh", ""), lang) for r in records
    ]
    return table.loc[:, list(FOREST_COLUMNS)]


# --- one trial ----------------------------------------------------------------------------------


def trial_facts(header: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """The trial's facts as ``key``, ``field`` (its name in ``lang``) and ``value`` rows."""
    primary = header.get("primary_endpoint")
    facts = {
        "cancer": vocab_label(schema.CANCER_TYPES, header["cancer_type"], lang),
        "condition": data_text(header["condition"], header["condition_zh"], lang),
        "setting": f"{vocab_label(schema.SETTINGS, header['setting'], lang)} · "
        f"{vocab_label(schema.LINES, header['line'], lang)}",
        "phase": vocab_label(schema.PHASES, header["phase"], lang),
        "design": f"{vocab_label(schema.DESIGNS, header['design'], lang)} · "
        f"{vocab_label(schema.BLINDING, header['blinding'], lang)}",
        "control": data_text_marked(header.get("control") or "", header.get("control_zh") or "", lang) or "—",
        "primary": vocab_label(schema.ENDPOINTS, primary, lang) if primary else t("trials.not_stated", lang),
        "patients": _count(header.get("n_patients")),
        "registry": ", ".join(header["registry_ids"]) or "—",
        "presented": "; ".join(header["presented"]) or "—",
    }
    return pd.DataFrame(
        {
            "key": list(FACT_LABELS),
            "field": [t(FACT_LABELS[key], lang) for key in FACT_LABELS],
            "value": [facts[key] for key in FACT_LABELS],
        }
    )


def trial_caveats(header: Mapping[str, Any], values: pd.DataFrame) -> tuple[str, ...]:
    """The caveat codes over the whole trial (badges on the page and on the card)."""
    return caveats.trial_codes(header, values)


def arms_table(arms: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The arms: label, role, regimen as stated, size, source and snippet."""
    records = _records(arms)
    return pd.DataFrame(
        {
            "arm": [data_text(r["label"], r["label_zh"], lang) for r in records],
            "role": [t(f"role.{r['role']}", lang) for r in records],
            "regimen": [data_text(r["regimen"], r["regimen_zh"], lang) for r in records],
            "patients": [r.get("n_patients") for r in records],
            "source": [r.get("source") or "" for r in records],
            "snippet": [r.get("snippet") or "" for r in records],
        },
        columns=["arm", "role", "regimen", "patients", "source", "snippet"],
    )


def analyses_table(analyses: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The analyses (data cuts), oldest first."""
    records = _records(analyses)
    return pd.DataFrame(
        {
            "analysis": [data_text(r["label"], r["label_zh"], lang) for r in records],
            "analysis_kind": [vocab_label(schema.ANALYSIS_KINDS, r["kind"], lang) for r in records],
            "cutoff": [r.get("cutoff") or "" for r in records],
            "presented": [r.get("presented") or "" for r in records],
            "note": [data_text_marked(r.get("note") or "", r.get("note_zh") or "", lang) for r in records],
        },
        columns=["analysis", "analysis_kind", "cutoff", "presented", "note"],
    )


def discrepancy_summaries(discrepancies: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per flagged discrepancy: ``id``, ``kind`` (a code), ``title`` (kind: summary)."""
    if discrepancies.empty:
        return pd.DataFrame(columns=["id", "kind", "title"])
    first = discrepancies.drop_duplicates("discrepancy")
    return pd.DataFrame(
        {
            "id": list(first["discrepancy"]),
            "kind": list(first["kind"]),
            "title": [_discrepancy_title(r, lang) for r in _records(first)],
        }
    )


def _discrepancy_title(row: Mapping[str, Any], lang: str) -> str:
    kind = vocab_label(schema.DISCREPANCY_KINDS, row["kind"], lang)
    return f"{kind}: {data_text(row['summary'], row['summary_zh'], lang)}"


def discrepancy_table(discrepancies: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every value linked by a discrepancy, with the discrepancy it belongs to."""
    table = value_table(discrepancies, lang)
    table.insert(0, "discrepancy", [_discrepancy_title(r, lang) for r in _records(discrepancies)])
    table.insert(0, "id", list(discrepancies["discrepancy"]) if not discrepancies.empty else [])
    return table


DISCREPANCY_COLUMNS = ("discrepancy", "trial", "metric", "arm", "value", "evidence", "source", "snippet")


# --- across trials ------------------------------------------------------------------------------


def headlines(headline_rows: pd.DataFrame, lang: str) -> dict[str, str]:
    """Each trial's headline result in one line (:func:`core.queries.headlines` rows)."""
    # One conversion of the whole frame, grouped in Python: a DataFrame groupby with a
    # to_dict per group cost ~7 ms a trial (the rows are wide), most of a first view's server time.
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in _records(headline_rows):
        groups.setdefault(row["trial"], []).append(row)
    return {trial: formatting.headline_text(rows, lang) for trial, rows in groups.items()}


TRIALS_COLUMNS = (
    "trial",
    "headline",
    "cancer",
    "setting",
    "phase",
    "design",
    "arms",
    "primary",
    "patients",
    "cutoff",
    "sources",
    "id",
)
"""The trials table's columns, the headline result (number, interval, level) first after the
name; the trial ``id`` last (the page links with it, the CSV leaves it out)."""


def trials_table(rows: pd.DataFrame, headline_rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per trial as a clinician scans it (:func:`core.queries.trials_page` rows)."""
    lines = headlines(headline_rows, lang)
    records = _records(rows)
    separator = f" {t('value.vs', lang)} "
    return pd.DataFrame(
        {
            "trial": [
                formatting.trial_label(
                    {"trial_name": r["name"], "trial_name_zh": r["name_zh"], "origin": r["origin"]}, lang
                )
                for r in records
            ],
            "cancer": [vocab_label(schema.CANCER_TYPES, r["cancer_type"], lang) for r in records],
            "setting": [
                f"{vocab_label(schema.SETTINGS, r['setting'], lang)} · {vocab_label(schema.LINES, r['line'], lang)}"
                for r in records
            ],
            "phase": [vocab_label(schema.PHASES, r["phase"], lang) for r in records],
            "design": [vocab_label(schema.DESIGNS, r["design"], lang) for r in records],
            "arms": [
                separator.join(data_text(en, zh, lang) for en, zh in zip(r["arm_labels"], r["arm_labels_zh"]))
                for r in records
            ],
            "primary": [
                vocab_label(schema.ENDPOINTS, r["primary_endpoint"], lang)
                if r["primary_endpoint"]
                else t("trials.not_stated", lang)
                for r in records
            ],
            "headline": [lines.get(r["id"], "") for r in records],
            "patients": [r["n_patients"] for r in records],
            "cutoff": ["" if pd.isna(r["latest_cutoff"]) else r["latest_cutoff"] for r in records],
            "sources": [", ".join(r["source_ids"]) for r in records],
            "id": [r["id"] for r in records],
        },
        columns=list(TRIALS_COLUMNS),
    )


TRIALS_SCREEN_COLUMNS = (
    "trial",
    "headline",
    "cancer",
    "design_phase",
    "primary",
    "arms",
    "setting",
    "patients",
    "cutoff",
    "sources",
)
"""The trials table on screen: the headline result right after the name, and design and phase
in one column so that the table fits a laptop's page without sideways scrolling."""


def trials_screen_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`trials_table` as the page shows it (:data:`TRIALS_SCREEN_COLUMNS`, and ``id``)."""
    out = table.copy()
    out["design_phase"] = [f"{design} · {phase}" for design, phase in zip(out["design"], out["phase"])]
    return out.loc[:, [*TRIALS_SCREEN_COLUMNS, "id"]]


def source_registry(sources: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The source registry (:func:`core.queries.sources`): what each document is and where."""
    records = _records(sources)
    return pd.DataFrame(
        {
            "id": [r["id"] for r in records],
            "kind": [vocab_label(schema.SOURCE_KINDS, r["kind"], lang) for r in records],
            "title": [_source_title(r, lang) for r in records],
            "outlet": [r["outlet"] for r in records],
            "date": [r["date"] for r in records],
            "script": [r["script"] for r in records],
            "url": [r["urls"][0] if len(r["urls"]) else "" for r in records],
            "values": [r["n_values"] for r in records],
            "trials": [r["n_trials"] for r in records],
            "note": [" ".join(filter(None, [r["citation"], r["note"]])) for r in records],
        },
        columns=["id", "kind", "title", "outlet", "date", "script", "url", "values", "trials", "note"],
    )


def _source_title(row: Mapping[str, Any], lang: str) -> str:
    """English readers get the English title where there is one; others the title as printed."""
    title = (row["title_en"] or row["title"]) if lang == "en" else (row["title"] or row["title_en"])
    if row.get("title_kind") == "descriptive":  # a title the curator wrote, not the source's
        title += f" ({vocab_label(schema.TITLE_KINDS, 'descriptive', lang)})"
    return title


def glossary(lang: str) -> pd.DataFrame:
    """Every vocabulary term with its English and Chinese label; ``group`` is a code."""
    chinese = lang if lang != "en" else "zh-Hans"
    return pd.DataFrame(
        [
            {
                "term": key,
                "english": english,
                "chinese": data_text("", zh, chinese),
                "group": group,
            }
            for group, vocab in GLOSSARY_GROUPS
            for key, (english, zh) in vocab.items()
        ],
        columns=["term", "english", "chinese", "group"],
    )


# --- HTML tables: every cell wraps, every row is on the page, a card per row on a phone ----------

TABLE_PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "text": "#1f2328",
        "muted": "#4d5661",
        "name": "#0a4d8c",
        "link": "#0a4d8c",
        "background": "#ffffff",
        "stripe": "#f3f5f8",
        "header": "#e8ecf1",
        "hover": "#dde9f6",
        "border": "#c9d1da",
        "focus": "#0a4d8c",
    },
    "dark": {
        "text": "#e8ecf1",
        "muted": "#b3bcc6",
        "name": "#9ccbff",
        "link": "#9ccbff",
        "background": "#171614",
        "stripe": "#201f1c",
        "header": "#2b2a26",
        "hover": "#1d3049",
        "border": "#3a4452",
        "focus": "#9ccbff",
    },
}
"""The colours of the HTML tables in each theme. Text is drawn on every one of the backgrounds
(``background``, ``stripe``, ``header``, ``hover``); a test holds each pair to WCAG AA (4.5:1)."""

TABLE_BACKGROUNDS = ("background", "stripe", "header", "hover")
TABLE_FOREGROUNDS = ("text", "muted", "name", "link")

CARD_WIDTH = 720
"""At or below this width of its box (CSS px) a table becomes one card per row — on a phone, or
in a narrow column: the number, then its labels, with no sideways scrolling."""

_EMPHASIS = {"trial": "name", "value": "number", "headline": "number"}
_MIN_WIDTHS = {"value": "8em"}
_LONG_TOKENS = ("source", "sources", "snippet", "reading", "url", "registry", "id")


def table_css(theme: str = "light", present: bool = False) -> str:
    """The stylesheet of :func:`html_table` in ``theme`` (static: only the palette's colours).

    The card layout follows the width of the table's own box (a container query), not the
    window's: a table in a narrow column becomes cards as it would on a phone. In presentation
    mode the text is as large as the page's.
    """
    c = TABLE_PALETTES.get(theme, TABLE_PALETTES["light"])
    min_widths = "".join(f".oee-table td.k-{key}{{min-width:{width};}}" for key, width in _MIN_WIDTHS.items())
    return f"""
.oee-table {{ width: 100%; max-width: 100%; margin: 0 0 1rem 0; container-type: inline-size;
  overflow-x: auto; }}
.oee-table table {{ width: 100%; border-collapse: collapse; table-layout: auto; color: {c["text"]};
  background: {c["background"]}; font-size: {"1.25rem" if present else "0.875rem"}; line-height: 1.4;
  margin: 0; }}
.oee-table th, .oee-table td {{ text-align: left; vertical-align: top; padding: 0.3rem 0.35rem;
  border: none; border-bottom: 1px solid {c["border"]}; white-space: normal; overflow: visible;
  text-overflow: clip; overflow-wrap: break-word; word-break: normal; }}
.oee-table td.long {{ overflow-wrap: anywhere; }}
.oee-table th {{ background: {c["header"]}; color: {c["text"]}; font-weight: 600; }}
.oee-table tbody tr {{ background: {c["background"]}; }}
.oee-table tbody tr:nth-child(even) {{ background: {c["stripe"]}; }}
.oee-table tbody tr[data-trial] {{ cursor: pointer; }}
.oee-table tbody tr[data-trial]:hover {{ background: {c["hover"]}; }}
.oee-table tbody tr:focus-visible {{ outline: 3px solid {c["focus"]}; outline-offset: -3px;
  background: {c["hover"]}; }}
.oee-table td.name {{ color: {c["name"]}; font-weight: 600; }}
.oee-table td.number {{ font-weight: 600; font-variant-numeric: tabular-nums; }}
.oee-table td.muted {{ color: {c["muted"]}; }}
.oee-table a {{ color: {c["link"]}; text-decoration: underline; white-space: nowrap; }}
{min_widths}
@container (max-width: {CARD_WIDTH}px) {{
  .oee-table table, .oee-table tbody, .oee-table tr, .oee-table td {{ display: block; width: 100%; }}
  .oee-table thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }}
  .oee-table tbody tr {{ display: flex; flex-direction: column; border: 1px solid {c["border"]};
    border-radius: 6px; margin: 0 0 0.75rem 0; padding: 0.3rem 0; }}
  .oee-table td.k-open {{ order: 99; display: block; }}
  .oee-table td.k-open::before {{ content: none; }}
  .oee-table td {{ display: grid; grid-template-columns: minmax(5.5em, 32%) minmax(0, 1fr); gap: 0.5rem;
    border-bottom: none; padding: 0.15rem 0.6rem; min-width: 0 !important; }}
  .oee-table td::before {{ content: attr(data-label); color: {c["muted"]}; font-weight: 400; }}
  .oee-table td.number, .oee-table td.name {{ font-size: 1.05rem; }}
  .oee-table td.blank {{ display: none; }}
}}
"""


def _cell_text(value: Any) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def styled_table(
    frame: pd.DataFrame,
    lang: str,
    columns: Sequence[str] | None = None,
    *,
    theme: str = "light",
    present: bool = False,
    **options: Any,
) -> str:
    """:func:`html_table` with its stylesheet (:func:`table_css`): what a page puts in ``st.html``."""
    body = html_table(frame, lang, columns, theme=theme, **options)
    return f"<style>{table_css(theme, present)}</style>{body}"


def html_table(
    frame: pd.DataFrame,
    lang: str,
    columns: Sequence[str] | None = None,
    *,
    name: str = "table",
    links: Sequence[str] | None = None,
    open_label: str | None = None,
    row_ids: Sequence[str] | None = None,
    row_labels: Sequence[str] | None = None,
    muted: Sequence[str] = ("source", "snippet", "reading", "note", "sources"),
    theme: str = "light",
    drop_empty: bool = True,
    headers: Mapping[str, str] | None = None,
) -> str:
    """A presenter's frame as an HTML table the reader never has to scroll inside.

    Every cell wraps (no ellipsis), every row is on the page (no inner scroll), and in a box
    narrower than :data:`CARD_WIDTH` (a phone) each row becomes a card whose lines carry their
    column's name.
    Every text is HTML-escaped; the only markup is this function's own.

    Parameters
    ----------
    frame : DataFrame
        The output of a presenter (column keys, caveat codes): :func:`display` words it.
    lang : str
        The reader's language.
    columns : sequence of str, optional
        The keys to show, in this order (all by default).
    name : str
        The table's name (``data-table``), for the page and its tests.
    links : sequence of str, optional
        One address per row: the first column is then an "Open ›" link to it.
    open_label : str, optional
        The text of those links ("Open ›").
    row_ids : sequence of str, optional
        One id per row (``data-trial``): the row is focusable, and a page may open it on a
        click, Enter or Space (see ``pages/table_view.py``).
    row_labels : sequence of str, optional
        What a screen reader says for each focusable row ("Open LEAD").
    muted : sequence of str
        Keys of the columns drawn in the secondary text colour (provenance).
    theme : str
        ``light`` or ``dark``: the palette of :data:`TABLE_PALETTES`.
    drop_empty : bool
        Leave out the columns that are empty in every row (on this table: a CSV keeps them).
    headers : mapping, optional
        Column key → header, for frames whose keys are not in :data:`COLUMN_LABELS` (the
        derived tables).
    """
    keys = list(columns) if columns is not None else list(frame.columns)
    shown = display(frame, lang, keys)
    shown.columns = keys
    if drop_empty and not shown.empty:  # a column with nothing in it only takes room
        keys = [key for key in keys if any(_cell_text(v) for v in shown[key])]
        shown = shown.loc[:, keys]
    labels = [(headers or {}).get(key) or column_label(key, lang) for key in keys]
    head = []
    if links is not None:
        head.append(f'<th scope="col" class="k-open">{_e(t("col.open", lang))}</th>')
    head += [f'<th scope="col" class="k-{_e(key)}">{_e(label)}</th>' for key, label in zip(keys, labels)]
    body = []
    for index, values in enumerate(shown.itertuples(index=False, name=None)):
        attributes = ""
        if row_ids is not None:
            label = row_labels[index] if row_labels is not None else row_ids[index]
            attributes = f' data-trial="{_e(row_ids[index])}" tabindex="0" aria-label="{_e(label)}"'
        cells = []
        if links is not None:
            text = open_label or t("col.open_text", lang)
            cells.append(
                f'<td class="k-open" data-label="{_e(t("col.open", lang))}">'
                f'<a href="{_e(links[index])}" tabindex="-1">{_e(text)}</a></td>'
            )
        cells += [_cell(key, label, value, muted) for key, label, value in zip(keys, labels, values)]
        body.append(f"<tr{attributes}>{''.join(cells)}</tr>")
    given = ' data-headers="given"' if headers else ""
    return (
        f'<div class="oee-table" data-table="{_e(name)}" data-rows="{len(shown)}"{given}>'
        f"<table><thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _cell(key: str, label: str, value: Any, muted: Sequence[str]) -> str:
    """One cell: its column's key and header (the card's line label), its text escaped."""
    text = _cell_text(value)
    classes = [f"k-{key}"]
    if key in _EMPHASIS:
        classes.append(_EMPHASIS[key])
    elif key in muted:
        classes.append("muted")
    if key in _LONG_TOKENS:
        classes.append("long")  # ids and addresses may break anywhere, words may not
    if not text:
        classes.append("blank")
    return f'<td class="{_e(" ".join(classes))}" data-label="{_e(label)}">{_breakable(text)}</td>'


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _breakable(text: str) -> str:
    """``text`` escaped, with a line-break opportunity after each slash (``atezolizumab/<wbr>``)."""
    return _e(text).replace("/", "/<wbr>")

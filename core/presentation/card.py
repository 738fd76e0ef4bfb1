"""A one-page, printable evidence card for a trial: design, headline results with their
intervals, caveats and sources — a self-contained HTML file a presenter can print or attach.

Every data value is HTML-escaped; the only markup is this module's own template. The card
is built from the same presenters as the trial page (:mod:`core.presentation.tables`): the
same facts, the same caveat codes (each badge carries its code in ``data-caveat``), the same
value table.

May import: ``core.queries`` (it is handed a connection), ``core.schema``, ``core.derived`` and
this package.
Never streamlit, ``pages`` or ``bench``.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from core import queries, schema
from core.presentation import caveats, tables
from core.presentation.i18n import data_text, t

_CSS = """
@page { size: A4; margin: 14mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK TC", "PingFang SC",
       "Microsoft YaHei", Arial, sans-serif; color: #111; font-size: 10.5pt; line-height: 1.35; margin: 0; }
h1 { font-size: 20pt; margin: 0 0 2pt 0; } h2 { font-size: 12pt; margin: 10pt 0 4pt 0;
     border-bottom: 1px solid #999; }
.subtitle { font-size: 11.5pt; margin-bottom: 6pt; }
.badges span { display: inline-block; border: 1px solid #b00; color: #b00; border-radius: 3pt;
               padding: 0 4pt; margin: 0 4pt 3pt 0; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; vertical-align: top;
       padding: 2pt 4pt; border-bottom: 1px solid #ddd; font-size: 9.5pt; }
th { background: #f2f2f2; } .facts td:first-child { width: 28%; color: #444; }
.snippet { color: #444; font-size: 8.5pt; } footer { margin-top: 10pt; font-size: 8.5pt; color: #444; }
@media print { h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""

# Which values make the card: effect estimates and survival / response results.
_HEADLINE_MEASURES = ("hr", "median", "landmark")
_HEADLINE_ENDPOINTS = schema.SURVIVAL_ENDPOINTS + schema.RESPONSE_ENDPOINTS
_MAX_ROWS = 10


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _rows(frame: pd.DataFrame, columns: tuple[str, ...], bold: str = "") -> str:
    """Table rows of ``frame``'s ``columns``, escaped; the ``bold`` column in bold."""
    out = []
    for record in frame.to_dict("records"):
        cells = (
            f"<td><b>{_e(record[c])}</b></td>" if c == bold else f"<td>{_e(record[c])}</td>" for c in columns
        )
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out)


def _headline_values(values: pd.DataFrame) -> pd.DataFrame:
    """The latest figures of the main endpoints, trial reports before review claims."""
    if values.empty:
        return values
    picked = values[
        values["is_latest"]
        & values["endpoint"].isin(_HEADLINE_ENDPOINTS)
        & (values["measure"].isin(_HEADLINE_MEASURES) | values["endpoint"].isin(schema.RESPONSE_ENDPOINTS))
    ].copy()
    picked["order"] = (
        (picked["evidence_kind"] != "trial-report").astype(int) * 100
        + (picked["measure"] != "hr").astype(int) * 10
        + (picked["population"] != "ITT").astype(int)
    )
    return picked.sort_values(["order", "analysis_sequence", "position"], kind="stable").head(_MAX_ROWS)


_RESULT_COLUMNS = ("metric", "value", "caveats", "arm", "population")


def _badges(codes: tuple[str, ...], lang: str) -> str:
    spans = (f'<span data-caveat="{_e(code)}">{_e(caveats.label(code, lang))}</span>' for code in codes)
    return '<div class="badges">' + "".join(spans) + "</div>"


def _results(values: pd.DataFrame, lang: str) -> str:
    """The headline results: the value table's rows, with each value's source and snippet."""
    shown = tables.display(tables.value_table(_headline_values(values), lang), lang)
    header = "".join(f"<th>{_e(tables.column_label(c, lang))}</th>" for c in (*_RESULT_COLUMNS, "source"))
    rows = []
    for record in shown.to_dict("records"):
        cells = "".join(
            f"<td><b>{_e(record[label])}</b></td>" if key == "value" else f"<td>{_e(record[label])}</td>"
            for key, label in ((c, tables.column_label(c, lang)) for c in _RESULT_COLUMNS)
        )
        source, snippet = (
            record[tables.column_label("source", lang)],
            record[tables.column_label("snippet", lang)],
        )
        rows.append(f'<tr>{cells}<td>{_e(source)}<div class="snippet">“{_e(snippet)}”</div></td></tr>')
    return f"<h2>{_e(t('card.results', lang))}</h2><table><tr>{header}</tr>{''.join(rows)}</table>"


def _discrepancies(disputes: pd.DataFrame, lang: str) -> str:
    summaries = tables.discrepancy_summaries(disputes, lang)
    titles = list(dict.fromkeys(summaries.loc[summaries["kind"] != "agreement", "title"]))
    if not titles:
        return ""
    items = "".join(f"<li>{_e(title)}</li>" for title in titles)
    return f"<h2>{_e(t('trial.discrepancies', lang))}</h2><ul>{items}</ul>"


def _sources(registry: pd.DataFrame, source_ids: list[str], lang: str) -> str:
    picked = tables.source_registry(registry[registry["id"].isin(source_ids)], lang)
    items = "".join(
        f"<li><b>{_e(r['id'])}</b> — {_e(r['title'])}" + (f" · {_e(r['url'])}" if r["url"] else "") + "</li>"
        for r in picked.to_dict("records")
    )
    return f"<h2>{_e(t('label.source', lang))}</h2><ul>{items}</ul>"


def evidence_card_html(con, trial_id: str, lang: str = "en", generated: dt.date | None = None) -> str:
    """The evidence card of one trial as a complete HTML document.

    Parameters
    ----------
    con
        A connection to the compiled database.
    trial_id : str
        The trial's id.
    lang : str
        Interface and data language.
    generated : date, optional
        The date printed on the card (today by default).
    """
    header = queries.trial(con, trial_id)
    if header.empty:
        raise KeyError(f"no trial {trial_id!r}")
    trial = header.iloc[0].to_dict()
    values = queries.trial_values(con, trial_id)
    generated = generated or dt.date.today()
    name = data_text(trial["name"], trial["name_zh"], lang)
    parts = [
        f'<!doctype html><html lang="{_e(lang)}"><head><meta charset="utf-8">',
        f"<title>{_e(trial['name'])} — {_e(t('card.title', lang))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(name)}</h1>",
        f'<div class="subtitle">{_e(data_text(trial["title"], trial["title_zh"], lang))}</div>',
        _badges(tables.trial_caveats(trial, values), lang),
        f'<table class="facts">{_rows(tables.trial_facts(trial, lang), ("field", "value"))}</table>',
        f"<h2>{_e(t('trial.arms', lang))}</h2><table>"
        f"{_rows(tables.arms_table(queries.trial_arms(con, trial_id), lang), ('arm', 'regimen'), bold='arm')}</table>",
        f"<h2>{_e(t('trial.analyses', lang))}</h2><table>"
        f"{_rows(tables.analyses_table(queries.trial_analyses(con, trial_id), lang), ('analysis', 'analysis_kind', 'cutoff'))}"
        "</table>",
        _results(values, lang),
        "".join(_derived_rows(values, lang)),
        _discrepancies(queries.discrepancies(con, trial_id), lang),
        _sources(queries.sources(con), list(dict.fromkeys(values["source"])), lang),
        f"<footer>{_e(t('card.footer', lang, date=generated.isoformat(), trial=trial_id))}</footer></body></html>",
    ]
    return "".join(parts)


def _derived_rows(values: pd.DataFrame, lang: str) -> list[str]:
    """The card's absolute effects: computed rows only, each marked derived with its inputs."""
    from core import derived
    from core.presentation import derivations

    effects = derived.absolute_effects(values)
    if effects.empty:
        return []
    effects = effects[effects["value"].notna()]
    if effects.empty:
        return []
    table = derivations.absolute_table(effects, lang)
    out = [
        f"<h2>{_e(t('derived.absolute_title', lang))}</h2><table><tr><th>{_e(t('derived.col_kind', lang))}</th>"
        f"<th>{_e(t('derived.col_result', lang))}</th><th>{_e(t('derived.col_method', lang))}</th>"
        f"<th>{_e(t('derived.col_inputs', lang))}</th></tr>"
    ]
    for row in table.to_dict("records"):
        label = f"{row['kind']} · {row['endpoint']} {row['timepoint']}".strip()
        out.append(
            f"<tr><td>{_e(label)}</td><td><b>{_e(row['result'])}</b></td><td>{_e(row['method'])}</td>"
            f'<td><div class="snippet">{_e(row["inputs"])}</div></td></tr>'
        )
    out.append("</table>")
    return out

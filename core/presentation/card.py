"""A one-page, printable evidence card for a trial: design, headline results with their
intervals, caveats and sources — a self-contained HTML file a presenter can print or attach.

Every data value is HTML-escaped; the only markup is this module's own template.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from core import queries, schema
from core.presentation import formatting
from core.presentation.i18n import data_text, t, vocab_label

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
    arms = queries.trial_arms(con, trial_id)
    analyses = queries.trial_analyses(con, trial_id)
    values = queries.trial_values(con, trial_id)
    disputes = queries.discrepancies(con, trial_id)
    generated = generated or dt.date.today()

    facts = [
        (t("col.cancer", lang), vocab_label(schema.CANCER_TYPES, trial["cancer_type"], lang)),
        (t("trial.condition", lang), data_text(trial["condition"], trial["condition_zh"], lang)),
        (
            t("col.setting", lang),
            f"{vocab_label(schema.SETTINGS, trial['setting'], lang)} · "
            f"{vocab_label(schema.LINES, trial['line'], lang)}",
        ),
        (
            t("col.design", lang),
            f"{vocab_label(schema.PHASES, trial['phase'], lang)} · "
            f"{vocab_label(schema.DESIGNS, trial['design'], lang)} · "
            f"{vocab_label(schema.BLINDING, trial['blinding'], lang)}",
        ),
        (
            t("col.primary", lang),
            vocab_label(schema.ENDPOINTS, trial["primary_endpoint"], lang)
            if trial["primary_endpoint"]
            else t("trials.not_stated", lang),
        ),
        (t("col.patients", lang), "—" if pd.isna(trial["n_patients"]) else str(int(trial["n_patients"]))),
        (t("trial.registry", lang), ", ".join(trial["registry_ids"]) or "—"),
        (t("trial.presented", lang), "; ".join(trial["presented"]) or "—"),
    ]
    arm_rows = [
        (data_text(a["label"], a["label_zh"], lang), data_text(a["regimen"], a["regimen_zh"], lang))
        for a in arms.to_dict("records")
    ]
    analysis_rows = [
        (
            data_text(a["label"], a["label_zh"], lang),
            vocab_label(schema.ANALYSIS_KINDS, a["kind"], lang),
            a["cutoff"] or "",
        )
        for a in analyses.to_dict("records")
    ]
    headline = _headline_values(values).to_dict("records")

    badges = [
        vocab_label(schema.CAVEATS, c, lang)
        for c in list(trial.get("caveats") if trial.get("caveats") is not None else [])
    ]
    if trial["design"] == "single-arm":
        badges.append(t("caveat.single_arm_trial", lang))
    if trial["design"] == "evidence-summary":
        badges.append(t("caveat.evidence_summary", lang))
    if trial["latest_analysis_kind"] == "interim":
        badges.append(t("caveat.interim", lang))
    if (values["ci_level"] == "80").any():
        badges.append(t("caveat.ci80", lang))
    if (values["ci_level"] == "unknown").any():
        badges.append(t("caveat.ci_unknown", lang))
    if (values["evidence_kind"] == "review-claim").any():
        badges.append(t("caveat.has_review_claims", lang))
    if values["disputed"].any():
        badges.append(t("caveat.disputed", lang))

    source_ids = list(dict.fromkeys(values["source"]))
    registry = queries.sources(con)
    registry = registry[registry["id"].isin(source_ids)].to_dict("records")

    parts = [
        f'<!doctype html><html lang="{_e(lang)}"><head><meta charset="utf-8">',
        f"<title>{_e(trial['name'])} — {_e(t('card.title', lang))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(data_text(trial['name'], trial['name_zh'], lang))}</h1>",
        f'<div class="subtitle">{_e(data_text(trial["title"], trial["title_zh"], lang))}</div>',
        '<div class="badges">' + "".join(f"<span>{_e(b)}</span>" for b in badges) + "</div>",
        '<table class="facts">'
        + "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in facts)
        + "</table>",
        f"<h2>{_e(t('trial.arms', lang))}</h2><table>"
        + "".join(f"<tr><td><b>{_e(a)}</b></td><td>{_e(r)}</td></tr>" for a, r in arm_rows)
        + "</table>",
        f"<h2>{_e(t('trial.analyses', lang))}</h2><table>"
        + "".join(f"<tr><td>{_e(a)}</td><td>{_e(k)}</td><td>{_e(c)}</td></tr>" for a, k, c in analysis_rows)
        + "</table>",
        f"<h2>{_e(t('card.results', lang))}</h2><table><tr><th>{_e(t('col.metric', lang))}</th>"
        f"<th>{_e(t('col.arm', lang))}</th><th>{_e(t('col.value', lang))}</th><th>{_e(t('col.caveats', lang))}</th>"
        f"<th>{_e(t('label.source', lang))}</th></tr>",
    ]
    for row in headline:
        population = "" if row["population"] == "ITT" else f" · {formatting.population_text(row, lang)}"
        parts.append(
            f"<tr><td>{_e(formatting.metric_label(row, lang))}{_e(population)}</td>"
            f"<td>{_e(formatting.arms_text(row, lang))}</td><td><b>{_e(formatting.value_text(row, lang))}</b></td>"
            f"<td>{_e('; '.join(formatting.caveats(row, lang)))}</td>"
            f'<td>{_e(row["source"])}<div class="snippet">“{_e(row["snippet"])}”</div></td></tr>'
        )
    parts.append("</table>")
    parts += _derived_rows(values, lang)
    if not disputes.empty:
        parts.append(f"<h2>{_e(t('trial.discrepancies', lang))}</h2><ul>")
        for summary in dict.fromkeys(
            f"{vocab_label(schema.DISCREPANCY_KINDS, r['kind'], lang)}: {data_text(r['summary'], r['summary_zh'], lang)}"
            for r in disputes.to_dict("records")
            if r["kind"] != "agreement"
        ):
            parts.append(f"<li>{_e(summary)}</li>")
        parts.append("</ul>")
    parts.append(f"<h2>{_e(t('label.source', lang))}</h2><ul>")
    for source in registry:
        url = source["urls"][0] if len(source["urls"]) else ""
        title = source["title_en"] if lang == "en" and source["title_en"] else source["title"]
        parts.append(
            f"<li><b>{_e(source['id'])}</b> — {_e(title)}" + (f" · {_e(url)}" if url else "") + "</li>"
        )
    parts.append("</ul>")
    parts.append(
        f"<footer>{_e(t('card.footer', lang, date=generated.isoformat(), trial=trial_id))}</footer></body></html>"
    )
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

"""Sources: the registry, a glossary, how the data was curated, and every flagged discrepancy."""

import pandas as pd
import streamlit as st

from core import schema
from core.presentation import formatting
from core.presentation.i18n import data_text, vocab_label
from core.presentation.problems import LABEL_KEYS, problems_table
from pages import common, data, derived_sections
from pages.common import tr

common.ensure_shell()

lang = common.lang()
database = common.database()

st.title(tr("sources.title"))
counts = data.counts(database=database)
st.caption(tr("trials.subtitle", **counts))

st.header(tr("sources.registry"))
sources = data.sources(database=database)
st.dataframe(
    pd.DataFrame(
        {
            "id": sources["id"],
            tr("sources.kind"): [vocab_label(schema.SOURCE_KINDS, k, lang) for k in sources["kind"]],
            tr("sources.source_title"): [
                (data_text(en, zh, lang) if lang == "en" else zh or en)
                + (f" ({vocab_label(schema.TITLE_KINDS, kind, lang)})" if kind == "descriptive" else "")
                for en, zh, kind in zip(sources["title_en"], sources["title"], sources["title_kind"])
            ],
            tr("sources.outlet"): sources["outlet"],
            tr("sources.date"): sources["date"],
            tr("sources.script"): sources["script"],
            tr("sources.url"): [urls[0] if len(urls) else "" for urls in sources["urls"]],
            tr("sources.values"): sources["n_values"],
            tr("sources.trials"): sources["n_trials"],
            tr("trial.note"): [
                " ".join(filter(None, [c, n])) for c, n in zip(sources["citation"], sources["note"])
            ],
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={tr("sources.url"): st.column_config.LinkColumn(tr("sources.url"))},
)

st.header(tr("sources.method"))
st.markdown(tr("sources.method_text"))

derived_sections.sources_section()

st.header(tr("sources.discrepancies"))
DISCREPANCY_ROWS = 500
discrepancies = data.discrepancies(database=database, limit=DISCREPANCY_ROWS)
if len(discrepancies) == DISCREPANCY_ROWS:
    st.caption(tr("sources.discrepancies_limited", n=DISCREPANCY_ROWS))
kinds = [k for k in schema.DISCREPANCY_KINDS if k in set(discrepancies["kind"])]
kind_filter = common.url_multiselect(
    tr("sources.discrepancy_kind"),
    kinds,
    key="sources__kind",
    param="kind",
    format_func=lambda k: vocab_label(schema.DISCREPANCY_KINDS, k, lang),
    placeholder=tr("facet.any"),
)
shown = discrepancies[discrepancies["kind"].isin(kind_filter)] if kind_filter else discrepancies
records = [row.to_dict() for _, row in shown.iterrows()]
st.dataframe(
    pd.DataFrame(
        {
            tr("sources.discrepancy"): [
                f"{vocab_label(schema.DISCREPANCY_KINDS, r['kind'], lang)}: {data_text(r['summary'], r['summary_zh'], lang)}"
                for r in records
            ],
            tr("col.trial"): [formatting.trial_label(r, lang) for r in records],
            tr("col.metric"): [formatting.metric_label(r, lang) for r in records],
            tr("col.arm"): [formatting.arms_text(r, lang) for r in records],
            tr("col.value"): [formatting.value_text(r, lang) for r in records],
            tr("col.evidence"): [
                vocab_label(schema.EVIDENCE_KINDS, r["evidence_kind"], lang) for r in records
            ],
            tr("label.source"): [r["source"] for r in records],
            tr("label.snippet"): [r["snippet"] for r in records],
        }
    ),
    hide_index=True,
    width="stretch",
)

st.header(tr("sources.glossary"))
glossary = [
    ("endpoint", schema.ENDPOINTS),
    ("measure", schema.MEASURES),
    ("assessment", schema.ASSESSMENTS),
    ("flag", schema.FLAGS),
    ("evidence", schema.EVIDENCE_KINDS),
]
st.dataframe(
    pd.DataFrame(
        [
            {
                tr("sources.term"): key,
                "English": english,
                "中文": data_text("", chinese, lang if lang != "en" else "zh-Hans"),
                tr("sources.group_label"): tr(f"sources.group.{group}"),
            }
            for group, vocab in glossary
            for key, (english, chinese) in vocab.items()
        ]
    ),
    hide_index=True,
    width="stretch",
)

problems = data.problems(database=database)
if not problems.empty:
    st.header(tr("sources.problems"))
    st.error(tr("sources.problems_text", n=len(problems)))
    labels = {key: tr(label) for key, label in LABEL_KEYS.items()}
    shown = problems_table(problems, lang)[list(labels)].rename(columns=labels)
    st.dataframe(shown, hide_index=True, width="stretch")

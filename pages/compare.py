"""Shared comparator: anchored indirect hazard ratios (Bucher) between two randomized trials
that compare different treatments with the same control — exploratory, every input shown."""

import pandas as pd
import streamlit as st

from core import derived, schema
from core.presentation import citations, derivations, formatting
from core.presentation.i18n import data_text, vocab_label
from core.text import markdown_escape as md
from pages import common, data
from pages.common import tr

common.ensure_shell()

lang = common.lang()
database = common.database()

common.page_heading(tr("compare.title"), tr("compare.banner"), icon=":material/science:")

# Every hazard ratio at every cut: a researcher may anchor on any published comparison.
COMPARE_ROWS = 2000  # hazard ratios read; the pairs are bounded too (core.derived)
rows = data.forest_rows(
    database=database, endpoints=(), cancer_types=(), evidence_kinds=(), latest_only=False, limit=COMPARE_ROWS
)
candidates = derived.indirect_candidates(rows)
endpoint_options = [e for e in schema.ENDPOINTS if e in set(candidates["endpoint"])]
if not endpoint_options:
    st.info(tr("compare.none"), icon=":material/search_off:")
    st.stop()

columns = common.controls(tr("trials.filters"), boxed=False).columns([2, 5, 2])
endpoint = common.url_selectbox(
    tr("compare.endpoint"),
    endpoint_options,
    key="compare__endpoint",
    param="endpoint",
    default="PFS" if "PFS" in endpoint_options else endpoint_options[0],
    format_func=lambda k: f"{k} — {vocab_label(schema.ENDPOINTS, k, lang)}",
    container=columns[0],
)
pairs = candidates[candidates["endpoint"] == endpoint].reset_index(drop=True)
if pairs.empty:
    st.info(tr("compare.none"), icon=":material/search_off:")
    st.stop()

by_ref = {f"{r['trial']}:{r['id']}": r for r in rows.to_dict("records")}


def pair_label(key: str) -> str:
    first, second = key.split("|")
    a, b = by_ref[first], by_ref[second]
    return f"{_short(a)}  ⟷  {_short(b)}"


def _short(row: dict) -> str:
    cut = data_text(row["analysis_label"], row["analysis_label_zh"], lang)
    population = "" if row["population"] == "ITT" else f" · {formatting.population_text(row, lang)}"
    return f"{formatting.trial_label(row, lang)} ({formatting.value_text(row, lang, with_p=False)}; {cut}{population})"


# Computable pairs first, so the default is one that has a result.
pairs = pairs.assign(_refused=pairs["reason"] != "").sort_values("_refused", kind="stable")
keys = [f"{a}|{b}" for a, b in zip(pairs["input_a"], pairs["input_b"])]
chosen = common.url_selectbox(
    tr("compare.pair"),
    keys,
    key="compare__pair",
    param="pair",
    default=keys[0],
    format_func=pair_label,
    container=columns[1],
)
swap = common.url_toggle(tr("compare.swap"), key="compare__swap", param="swap", container=columns[2])

first, second = chosen.split("|")
a, b = (by_ref[second], by_ref[first]) if swap else (by_ref[first], by_ref[second])
result = derived.indirect_row(pd.Series(a), pd.Series(b))

st.subheader(tr("compare.result"))
name_a = f"{formatting.trial_label(a, lang)}: {data_text(a['arm_label'], a['arm_label_zh'], lang)}"
name_b = f"{formatting.trial_label(b, lang)}: {data_text(b['arm_label'], b['arm_label_zh'], lang)}"
if result["reason"]:
    st.error(tr("compare.refused", reason=vocab_label(derived.REASONS, result["reason"], lang)))
else:
    text = tr(
        "compare.result_text",
        a=md(name_a),
        b=md(name_b),
        value=f"{result['value']:.2f}",
        low=f"{result['ci_low']:.2f}",
        high=f"{result['ci_high']:.2f}",
    )
    st.markdown(f"### {text} :violet-badge[{tr('derived.badge')}]")
    st.caption(
        f"{vocab_label(derived.METHODS, 'bucher', lang)} · {tr('compare.formula')}: {result['formula']}"
    )

st.subheader(tr("compare.inputs_title"))
inputs = [a, b]
st.dataframe(
    pd.DataFrame(
        {
            tr("col.trial"): [formatting.trial_label(r, lang) for r in inputs],
            tr("col.arm"): [formatting.arms_text(r, lang) for r in inputs],
            tr("col.value"): [formatting.value_text(r, lang) for r in inputs],
            tr("label.population"): [formatting.population_text(r, lang) for r in inputs],
            tr("label.analysis"): [
                data_text(r["analysis_label"], r["analysis_label_zh"], lang) for r in inputs
            ],
            tr("col.caveats"): ["; ".join(formatting.caveats(r, lang)) for r in inputs],
            tr("label.source"): [r["source"] for r in inputs],
            tr("label.snippet"): [r["snippet"] for r in inputs],
            "id": [f"{r['trial']}:{r['id']}" for r in inputs],
        }
    ),
    hide_index=True,
    width="stretch",
    key="compare__inputs",
)
# the two inputs cited as a reader would cite them: outlet, year, link and data cut
st.caption(md(citations.citation_footer(pd.DataFrame(inputs), lang)).replace("\n", "  \n"))

st.subheader(tr("compare.differs_title"))
follow_up_rows = data.follow_up_rows(database=database, trial_ids=(a["trial"], b["trial"]))
follow_up = {}
for row in follow_up_rows.to_dict("records"):
    if row["analysis"] in (a["analysis"], b["analysis"]) and row["trial"] not in follow_up:
        follow_up[row["trial"]] = formatting.value_text(row, lang, with_p=False)
lines = {r["trial"]: data.trial(database=database, trial_id=r["trial"]).iloc[0]["line"] for r in inputs}
differences = derivations.differences_table(a, b, follow_up, lines, lang)
differences.columns = [
    tr("compare.col_aspect"),
    formatting.trial_label(a, lang),
    formatting.trial_label(b, lang),
    tr("compare.col_differs"),
]
st.dataframe(differences, hide_index=True, width="stretch", key="compare__differs")

with st.expander(tr("compare.pairs_title"), expanded=False):
    table = derivations.absolute_table(pairs, lang)
    table.insert(0, "b", [formatting.trial_label(by_ref[x], lang) for x in pairs["input_b"]])
    table.insert(0, "a", [formatting.trial_label(by_ref[x], lang) for x in pairs["input_a"]])
    shown = table[["a", "b", "result", "reason", "inputs"]]
    shown.columns = ["A", "B", tr("derived.col_result"), tr("derived.col_reason"), tr("derived.col_inputs")]
    st.dataframe(shown, hide_index=True, width="stretch", key="compare__pairs")
    common.values_download(
        derived.export_rows(pairs[pairs["reason"] == ""]),
        f"indirect-{endpoint}.csv",
        key="compare__csv",
    )

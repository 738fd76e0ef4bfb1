"""The small script that opens a trial from its row of an HTML table, in the same tab.

The tables are the presenters' HTML (core.presentation.tables.styled_table, built with the
rest of a view in pages/data.py and pages/views.py) sanitised by Streamlit (st.html): every
cell wraps, every row is on the page, and a phone shows one card per row. A row that names a
trial (``data-trial``) opens it on a click, or on Enter or Space once focused; the script only
reports which trial — the page switches to it with ``st.switch_page`` at the top of the
click's run (before drawing itself again), so the reader's session
(language, their import) goes with them, in the same tab. Ctrl-, Shift- or middle-click still opens the row's link in a new
tab, as a browser does.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

# Listens on the document (the table is st.html, outside this component), so it works whatever
# order the two render in; removed again when the component unmounts.
_OPENER_JS = """
export default function (component) {
  const { setTriggerValue, data } = component;
  const scope = (data && data.table) || "";
  const rowOf = (target) => {
    const row = target && target.closest ? target.closest("tr[data-trial]") : null;
    if (!row) return null;
    const table = row.closest(".oee-table");
    return table && table.dataset.table === scope ? row : null;
  };
  const onClick = (event) => {
    const row = rowOf(event.target);
    if (!row || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest("a");
    const selected = window.getSelection ? String(window.getSelection()) : "";
    if (!link && selected) return;  // the reader is selecting text to copy
    event.preventDefault();
    setTriggerValue("open", row.dataset.trial);
  };
  const onKey = (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const row = rowOf(event.target);
    if (!row || event.target !== row) return;
    event.preventDefault();
    setTriggerValue("open", row.dataset.trial);
  };
  document.addEventListener("click", onClick, true);
  document.addEventListener("keydown", onKey, true);
  return () => {
    document.removeEventListener("click", onClick, true);
    document.removeEventListener("keydown", onKey, true);
  };
}
"""

_opener = st.components.v2.component("oee_row_opener", js=_OPENER_JS)
_OPENING = "opening:"  # the session key keeping a row just opened (see requested_open)


def row_opener(table: str, key: str) -> None:
    """Draw the opener of ``table``'s rows. A row opened (click, Enter, Space) is kept by its
    callback and read by the page at the top of its next run (:func:`requested_open`)."""
    _opener(key=key, data={"table": table}, on_open_change=partial(_note_opened, key))


def _note_opened(key: str) -> None:
    """A widget callback, so it runs before the page's script: keeps the trial the reader
    opened for :func:`requested_open`."""
    state = st.session_state.get(key)
    chosen = state.get("open") if isinstance(state, dict) else None
    if chosen:
        st.session_state[_OPENING + key] = str(chosen)


def requested_open(key: str) -> str | None:
    """The trial a row of the opener ``key`` asked for in this run, known before the page draws
    anything: the page can go to it at once instead of drawing itself again first (a trials
    page rerun is about a third of the server's work of opening a trial). Read once."""
    return st.session_state.pop(_OPENING + key, None)

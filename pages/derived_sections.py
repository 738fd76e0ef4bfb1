"""Page parts for derived numbers (core.derived) shared by several pages: the long export with
its derived values (trials and trial pages' downloads) and the Sources & method page's account
of every derivation. The trial and survival pages' derived tables and charts are built with
the rest of their view (pages/views.py). UI only."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core import derived
from core.store import Database, connection
from pages.common import tr


@st.cache_data(max_entries=64, show_spinner=False)
def _export(*, database: Database, trial_ids: tuple[str, ...]) -> pd.DataFrame:
    return derived.export_frame(connection(database), trial_ids)


def export_frame(database: Database, trial_ids: Sequence[str]) -> pd.DataFrame:
    """The long export of ``trial_ids`` (the reader's own data) with their derived values."""
    return _export(database=database, trial_ids=tuple(trial_ids))


DERIVATION_KEYS = ("rate", "nnt", "median", "timeline", "ci95", "bucher")


def sources_section() -> None:
    """The Sources & method page's plain-language account of every derivation."""
    st.header(tr("derived.sources_title"))
    st.markdown(tr("derived.sources_intro"))
    for key in DERIVATION_KEYS:
        st.markdown(tr(f"derived.sources_{key}"))

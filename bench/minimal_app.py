"""The baseline page: one table and one widget, nothing else.

What the app's first view and facet rerun are compared with: the cost of Streamlit itself
(server, websocket, frontend, one script run, one data grid) on this machine.

For ``bench/click_profile.py`` only, ``MINIMAL_EXTRA=N`` adds N more multiselects in rows of
five: what unchanged facets cost a rerun, and with ``EXPERIMENT=counts`` what facets whose
option labels change at every click cost (each label carries a count that follows the
selection, as the Trials page's facets do). Unset, the page is the baseline above.
"""

import os

import pandas as pd
import streamlit as st

st.set_page_config(page_title="Minimal table", layout="wide")

# the English labels of the app's cancer facet, so both pages are driven by the same clicks
CANCERS = [
    "Soft-tissue sarcoma",
    "ALK-positive non-small-cell lung cancer",
    "Small-cell lung cancer",
    "Hepatocellular carcinoma",
    "Breast cancer",
]
frame = pd.DataFrame(
    {
        "trial": [f"TRIAL-{number}" for number in range(50)],
        "cancer": [CANCERS[number % len(CANCERS)] for number in range(50)],
        "patients": [20 + 7 * number for number in range(50)],
    }
)

st.title("Minimal table")
chosen = st.multiselect("Cancer type", CANCERS, key="cancer")
extra = int(os.environ.get("MINIMAL_EXTRA", "0"))
counts = "counts" in os.environ.get("EXPERIMENT", "")
for row in range(extra // 5):
    columns = st.columns(5)
    for index, column in enumerate(columns):
        labels = [f"Option {k}" + (f" ({k * 3 + len(chosen)})" if counts else "") for k in range(8)]
        column.multiselect(f"Facet {row}-{index}", labels, key=f"f{row}{index}")
shown = frame[frame["cancer"].isin(chosen)] if chosen else frame
st.dataframe(shown, hide_index=True, width="stretch")

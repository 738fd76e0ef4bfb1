"""The baseline page: one table and one widget, nothing else.

What the app's first view and facet rerun are compared with: the cost of Streamlit itself
(server, websocket, frontend, one script run, one data grid) on this machine.
"""

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
shown = frame[frame["cancer"].isin(chosen)] if chosen else frame
st.dataframe(shown, hide_index=True, width="stretch")

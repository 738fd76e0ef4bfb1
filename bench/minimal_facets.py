"""The minimal page with more multiselects (``MINIMAL_EXTRA``, in rows of five), for
bench.click_profile: what unchanged facets cost a rerun, and what facets whose option labels
change at every click cost (``EXPERIMENT=counts``: each label carries a count that follows the
selection, as the Trials page's facets do)."""

import os

import pandas as pd
import streamlit as st

st.set_page_config(page_title="Minimal table", layout="wide")
CANCERS = [
    "Soft-tissue sarcoma",
    "ALK-positive non-small-cell lung cancer",
    "Small-cell lung cancer",
    "Hepatocellular carcinoma",
    "Breast cancer",
]
frame = pd.DataFrame(
    {
        "trial": [f"TRIAL-{n}" for n in range(50)],
        "cancer": [CANCERS[n % 5] for n in range(50)],
        "patients": [20 + 7 * n for n in range(50)],
    }
)
st.title("Minimal table")
extra = int(os.environ.get("MINIMAL_EXTRA", "0"))
counts = "counts" in os.environ.get("EXPERIMENT", "")
chosen = st.multiselect("Cancer type", CANCERS, key="cancer")
for row in range(extra // 5):
    cols = st.columns(5)
    for i in range(5):
        n = len(chosen)
        cols[i].multiselect(
            f"Facet {row}-{i}",
            [f"Option {k}" + (f" ({k * 3 + n})" if counts else "") for k in range(8)],
            key=f"f{row}{i}",
        )
shown = frame[frame["cancer"].isin(chosen)] if chosen else frame
st.dataframe(shown, hide_index=True, width="stretch")

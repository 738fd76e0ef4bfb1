"""The router: page config, the shared controls (language, presentation mode), navigation.

No business logic here: pages are in ``pages/``, everything else in ``core/``.
"""

import streamlit as st

from core import store
from core.presentation.i18n import LANGUAGES
from core.store import UploadExpired
from pages import common

st.set_page_config(page_title="Oncology Evidence Explorer", page_icon=":material/biotech:", layout="wide")

# Language and presentation mode are seeded from the URL once, then kept in session state
# and written back to the URL on every run (a page switch clears the query string).
common.mark_shell()
if "lang" not in st.session_state:
    st.session_state["lang"] = common.initial_language()
if "present" not in st.session_state:
    st.session_state["present"] = str(st.query_params.get("present", "")).lower() in common.TRUE_VALUES

with st.sidebar:
    st.segmented_control(
        common.tr("shell.language"),
        list(LANGUAGES),
        key="lang",
        format_func=LANGUAGES.get,
        selection_mode="single",
        required=True,
    )
    st.toggle(common.tr("shell.present"), key="present", help=common.tr("shell.present_help"))

TRIALS = st.Page(
    "pages/trials.py", title=common.tr("nav.trials"), icon=":material/table_rows:", url_path="trials"
)


def _home() -> None:
    """`/` forwards to `/trials`, keeping the query string.

    Streamlit gives the default page the root URL and ignores its url_path, so the trials
    page is not the default itself: that keeps `/trials?...` a real, shareable address.
    """
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    st.switch_page(TRIALS, query_params=params)


PAGES = [
    st.Page(_home, title=common.tr("nav.trials"), url_path="home", default=True, visibility="hidden"),
    TRIALS,
    st.Page("pages/trial.py", title=common.tr("nav.trial"), icon=":material/description:", url_path="trial"),
    st.Page(
        "pages/forest.py", title=common.tr("nav.forest"), icon=":material/linear_scale:", url_path="forest"
    ),
    st.Page(
        "pages/survival.py",
        title=common.tr("nav.survival"),
        icon=":material/monitoring:",
        url_path="survival",
    ),
    st.Page(
        "pages/compare.py",
        title=common.tr("derived.nav_compare"),
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page(
        "pages/import.py", title=common.tr("nav.import"), icon=":material/upload_file:", url_path="import"
    ),
    st.Page(
        "pages/sources.py", title=common.tr("nav.sources"), icon=":material/menu_book:", url_path="sources"
    ),
]
page = st.navigation(PAGES, position="hidden" if common.present() else "sidebar")
common.keep_shell_params()
common.current_page(page.url_path, page.title)
common.present_step(page.url_path)  # before anything is drawn: it may switch page
common.set_document(page.title)
common.apply_theme()
common.present_bar(page.url_path)
try:
    page.run()
except UploadExpired:
    # the reader's import was dropped while this page ran: say so, never show a partial page
    common.show_upload_expired()
finally:
    store.freeze_long_lived()  # after a run that imported something: see core.store
common.present_done()

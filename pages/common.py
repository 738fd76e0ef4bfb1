"""What every page shares: which database the reader sees, URL state, downloads, the look.

The queries themselves are in ``pages/data.py`` (typed, cached); the process-wide state behind
them in ``core/store.py``. May import ``core`` (never ``bench``) and streamlit.

UI only: all logic lives in ``core``. State that belongs in a shareable link is kept in
the URL with stable, short parameter names whose values are vocabulary keys (never
translated labels), so a link opens the same view in any language.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from core import db, store
from core.presentation.export import to_csv_bytes, values_csv
from core.presentation.i18n import DEFAULT_LANGUAGE, LANGUAGES, resolve_language, t
from core.records import DEFAULT_DATA_DIR
from core.store import Database

DATA_ENV = "EVIDENCE_DATA"
TRUE_VALUES = ("1", "true", "yes", "on")


# --- database --------------------------------------------------------------------------------
# Which data this reader sees is a small frozen value (core.store.Database); the typed,
# cached queries in pages/data.py take it as an argument. The compiled file, connections and
# uploads are process-wide state in core.store, out of reach of Streamlit's clear_cache.

UPLOAD_KEY = "import__digest"
_OWNER_KEY = "_upload_owner"


def data_dir() -> str:
    return os.environ.get(DATA_ENV) or str(DEFAULT_DATA_DIR)


def compiled() -> str:
    """The compiled database of the data folder; a clear message (and stop) if it cannot be built."""
    try:
        return store.compiled_path(data_dir())
    except db.BuildError as exc:
        st.error(tr("shell.build_failed", reason=str(exc)), icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop() raises


def _owner() -> store.Owner:
    """This session's token in the upload store: its imports live as long as it does."""
    token = st.session_state.get(_OWNER_KEY)
    if not isinstance(token, store.Owner):
        token = st.session_state[_OWNER_KEY] = store.Owner()
    return token


def register_upload(digest: str, evidence, size: int) -> None:
    """Keep this session's valid uploaded records (by content digest) for every page."""
    store.UPLOADS.put(digest, evidence, size, _owner())
    st.session_state[UPLOAD_KEY] = digest


def forget_upload() -> None:
    digest = st.session_state.pop(UPLOAD_KEY, None)
    if digest:
        store.UPLOADS.release(digest, _owner())


def upload_expired() -> bool:
    """This session imported trials, and the store no longer holds them."""
    digest = st.session_state.get(UPLOAD_KEY)
    return bool(digest) and digest not in store.UPLOADS


def database() -> Database:
    """The data this reader sees: the curated file, plus their import if they made one.

    When their import is gone (dropped to keep the store within its size bound) the page
    says so, rather than silently showing the curated trials alone.
    """
    path = compiled()
    digest = st.session_state.get(UPLOAD_KEY)
    if digest and digest in store.UPLOADS:
        store.UPLOADS.touch(digest)
        return Database(path, digest)
    if digest:
        show_upload_expired()
    return Database(path)


def curated_database() -> Database:
    """The curated data alone, whatever this session imported."""
    return Database(compiled())


def show_upload_expired() -> None:
    st.warning(tr("import.expired"), icon=":material/history_toggle_off:")
    st.page_link(
        "pages/import.py", label=tr("nav.import"), icon=":material/upload_file:", query_params=shell_params()
    )


# --- shell state: language and presentation mode -------------------------------------------------

SHELL_KEY = "_shell_ran"


def mark_shell() -> None:
    """Called by app.py: the router ran in this session."""
    st.session_state[SHELL_KEY] = True


def ensure_shell() -> None:
    """Make sure a page runs inside the router (app.py), never on its own.

    Because the project has a ``pages/`` folder, a freshly started server treats a first
    visit to a deep link (``/trial?trial=lead``) as a legacy multipage app and runs the page
    script alone — without the language control or navigation. Only ``st.navigation``
    turns that legacy mode off, so if the router has not run in this session yet, turn it
    off here and rerun: the rerun goes through app.py, which routes to this same page and
    keeps the query string.
    """
    if st.session_state.get(SHELL_KEY):
        return
    from streamlit.runtime.pages_manager import PagesManager  # pinned version; see requirements.txt

    PagesManager.uses_pages_directory = False
    st.rerun()


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def present() -> bool:
    return bool(st.session_state.get("present", False))


def tr(key: str, **values: object) -> str:
    """The interface string ``key`` in the current language."""
    return t(key, lang(), **values)


def set_document(page_title: str, mark_language: bool = True) -> None:
    """The browser tab names the page (and trial) in the reader's language; ``<html lang>`` follows.

    Screen readers, the browser's own translation offer and CJK font choice read
    ``<html lang>``; Streamlit always serves ``lang="en"``, so a one-line script sets it. The
    script holds only a language tag from :data:`LANGUAGES` (never data), as JSON.
    """
    st.set_page_config(page_title=t("zh.document_title", lang(), page=page_title))
    if not mark_language:  # already marked in this run (app.py); a page only renames its tab
        return
    tag = lang() if lang() in LANGUAGES else DEFAULT_LANGUAGE
    st.html(
        f"<script>document.documentElement.lang = {json.dumps(tag)};</script>", unsafe_allow_javascript=True
    )


def initial_language() -> str:
    requested = st.query_params.get("lang")
    locale = getattr(st.context, "locale", None)
    return resolve_language(requested, locale)


def shell_params() -> dict[str, str]:
    """The URL parameters every page keeps: language and presentation mode."""
    params = {"lang": lang()}
    if present():
        params["present"] = "1"
    return params


def link(page: str, **params: str) -> str:
    """A relative link to a page that keeps the shell parameters."""
    from urllib.parse import urlencode

    return f"{page}?{urlencode({**params, **shell_params()})}"


# --- URL-bound widgets -------------------------------------------------------------------------------
#
# Where Streamlit's own binding fits, pages use it: ``bind="query-params"`` with the widget key
# as the URL name (the Trials search ``q`` and ``page``). These helpers remain for the widgets
# it does not fit, because a bound widget
# - writes its *displayed* option into the URL: a selectbox or multiselect shows translated
#   labels (with counts, on the Trials facets), so a link would only work in the language it was
#   made in, and would break when a count changed; these helpers keep vocabulary keys;
# - reads a toggle only as ``true``/``false``, and drops anything else: every shared link
#   carries ``desc=1`` / ``cuts=1`` (README), which would silently be lost;
# - takes its URL name from its key, and ``cancer``, ``endpoint``, ``evidence`` and ``cuts`` are
#   short names shared by several pages, whose state keys carry the page's prefix;
# - drops a value that is not an option: the trial page must keep an unknown id in the
#   address (pages/trial.py), so it reads ``trial`` itself.


def seed(
    key: str, param: str, default: Any, parse: Callable[[Any], Any] | None = None, multi: bool = False
) -> None:
    """Put the URL's value for ``param`` into ``st.session_state[key]`` before its widget exists.

    Only when the widget has no state yet (first run on this page), so the user's later
    changes are never overwritten. Invalid URL values fall back to ``default``.
    """
    if key in st.session_state:
        return
    raw = st.query_params.get_all(param) if multi else st.query_params.get(param)
    if raw in (None, [], ""):
        st.session_state[key] = default
        return
    try:
        value = parse(raw) if parse else raw
    except (TypeError, ValueError):
        value = default
    st.session_state[key] = default if value is None else value


def publish(param: str, value: Any, default: Any) -> None:
    """Write a widget's value to the URL; leave it out when it is the default."""
    if value == default or value in (None, "", [], ()):
        if param in st.query_params:
            del st.query_params[param]
        return
    if isinstance(value, (list, tuple)):
        st.query_params[param] = [str(item) for item in value]
    elif isinstance(value, bool):
        st.query_params[param] = "1"
    else:
        st.query_params[param] = str(value)


def keep_shell_params() -> None:
    """Re-write language and presentation mode into the URL (a page switch clears it)."""
    st.query_params["lang"] = lang()
    if present():
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def url_multiselect(
    label: str,
    options: Sequence[str],
    key: str,
    param: str,
    format_func: Callable[[str], str] = str,
    container=st,
    **kwargs,
) -> list[str]:
    seed(key, param, [], parse=lambda raw: [v for v in raw if v in options], multi=True)
    st.session_state[key] = [v for v in st.session_state[key] if v in options]
    value = container.multiselect(label, list(options), key=key, format_func=format_func, **kwargs)
    publish(param, value, [])
    return value


def vocab_filter(
    page: str, param: str, vocabulary: str, container, options: Sequence[str] | None = None
) -> list[str]:
    """A multiselect over a vocabulary (cancer types, evidence kinds…), bound to ``param``.

    Options are vocabulary keys (stable in links), shown with their label in the reader's language.
    """
    from core import schema
    from core.presentation.i18n import vocab_label

    registered = schema.VOCABULARIES_BY_URL_KEY[vocabulary]
    vocab = registered.labels
    return url_multiselect(
        tr(registered.catalog_key),
        list(options if options is not None else vocab),
        key=f"{page}__{param}",
        param=param,
        format_func=lambda key: vocab_label(vocab, key, lang()),
        container=container,
        placeholder=tr("facet.any"),
    )


def url_selectbox(
    label: str,
    options: Sequence[str],
    key: str,
    param: str,
    default: str,
    format_func: Callable[[str], str] = str,
    container=st,
    always_in_url: bool = False,
    **kwargs,
) -> str:
    seed(key, param, default, parse=lambda raw: raw if raw in options else default)
    if st.session_state[key] not in options:
        st.session_state[key] = default if default in options else (options[0] if options else None)
    value = container.selectbox(label, list(options), key=key, format_func=format_func, **kwargs)
    publish(param, value, None if always_in_url else default)
    return value


def url_toggle(label: str, key: str, param: str, container=st, **kwargs) -> bool:
    seed(key, param, False, parse=lambda raw: str(raw).lower() in TRUE_VALUES)
    value = container.toggle(label, key=key, **kwargs)
    publish(param, value, False)
    return value


# --- output --------------------------------------------------------------------------------------


EAGER_DOWNLOAD_TRIALS = 2000
"""Up to this many trials a page's downloads are built while it runs (the reader's data as the
page shows it); above, a callable closed over plain values builds them on click."""


def csv_download(
    frame: pd.DataFrame, file_name: str, label: str | None = None, key: str | None = None
) -> None:
    """A CSV download of ``frame``, built now from the reader's data: UTF-8 with BOM, formula-safe."""
    download(to_csv_bytes(frame), file_name, "text/csv", label or tr("download.csv"), key=key)


def values_download(
    frame: pd.DataFrame, file_name: str, label: str | None = None, key: str | None = None
) -> None:
    """A CSV download of a long-format frame (one row per value): headers in the reader's
    language, numbers plain, formula-safe — and importable on the Import page as it is."""
    download(values_csv(frame, lang()), file_name, "text/csv", label or tr("download.csv"), key=key)


def download(
    data: bytes | Callable[[], bytes],
    file_name: str,
    mime: str,
    label: str,
    key: str | None = None,
    icon: str = ":material/download:",
) -> None:
    """A download button.

    Pass the bytes, built while the page runs, so the file is the reader's data as the page
    shows it. Streamlit runs a callable on click *outside* the reader's session, with no
    session state: pass one only where building the file on every run is too slow (a large
    corpus), and only a callable closed over plain values (a :class:`Database`, filters),
    never one that reads session state.
    """
    st.download_button(label, data=data, file_name=file_name, mime=mime, key=key, icon=icon)


def theme() -> str:
    """The reader's Streamlit theme, so figures keep their contrast in dark mode."""
    info = getattr(st.context, "theme", None)
    kind = info.get("type") if info else None
    return "dark" if kind == "dark" else "light"


def chart_config(file_name: str, image_format: str = "png") -> dict:
    """Plotly modebar: the camera button downloads the figure as PNG at 2× or as SVG."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": image_format, "filename": file_name, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def show_chart(fig, file_name: str, key: str) -> None:
    """A figure with its download format chosen beside it (camera button in the modebar)."""
    columns = st.columns([5, 2])
    image_format = columns[1].segmented_control(
        tr("chart.format"),
        ["png", "svg"],
        default="png",
        key=f"{key}__format",
        format_func=lambda f: tr(f"chart.format_{f}"),
        help=tr("chart.format_help"),
        label_visibility="collapsed",
        required=True,
    )
    st.plotly_chart(fig, key=key, config=chart_config(f"{file_name}-{lang()}", image_format), theme=None)


# --- look -------------------------------------------------------------------------------------------

# Streamlit's own font has no CJK glyphs; the browser falls back per glyph, and this stack
# makes the fallback a real CJK face rather than whatever comes first.
_BASE_CSS = """
<style>
html, body { font-family: "Source Sans", "Source Sans Pro", "Noto Sans CJK SC", "Noto Sans CJK TC",
             "PingFang SC", "Microsoft YaHei", sans-serif; }
</style>
"""

# Presentation mode: large type, no sidebar or Streamlit chrome, one figure per screen.
_PRESENT_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
footer, #MainMenu { display: none !important; }
html, body, .stMarkdown p, .stMarkdown li, [data-testid="stMarkdownContainer"] p,
[data-testid="stCaptionContainer"], label, button, input { font-size: 21px !important; }
h1 { font-size: 44px !important; } h2 { font-size: 34px !important; } h3 { font-size: 28px !important; }
.block-container { padding-top: 1.2rem !important; max-width: 100% !important; }
</style>
"""


def apply_theme() -> None:
    """Static CSS only (no data is ever interpolated): the CJK font stack, presentation mode."""
    st.html(_BASE_CSS + (_PRESENT_CSS if present() else ""))
    if present():
        columns = st.columns([4, 1])
        columns[1].button(
            tr("shell.exit_present"),
            key="exit_present",
            icon=":material/close_fullscreen:",
            on_click=lambda: st.session_state.update(present=False),
        )

"""What every page shares: the database connection, cached queries, URL state, downloads.

UI only: all logic lives in ``core``. State that belongs in a shareable link is kept in
the URL with stable, short parameter names whose values are vocabulary keys (never
translated labels), so a link opens the same view in any language.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from core import db, queries
from core.presentation.export import to_csv_bytes
from core.presentation.i18n import DEFAULT_LANGUAGE, resolve_language, t
from core.records import DEFAULT_DATA_DIR

DATA_ENV = "EVIDENCE_DATA"
TRUE_VALUES = ("1", "true", "yes", "on")


# --- database --------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def database_path(data_dir: str) -> str:
    """The compiled database of ``data_dir`` (built on first use, reused while unchanged)."""
    return str(db.compiled_database(Path(data_dir)))


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    return db.connect_readonly(path)


def data_dir() -> str:
    return os.environ.get(DATA_ENV) or str(DEFAULT_DATA_DIR)


# Uploaded evidence, by content digest: the session keeps only the digest, so every page and
# every cached query sees the same data, and equal uploads share one connection.
_UPLOADS: OrderedDict[str, Any] = OrderedDict()
_MAX_UPLOADS = 32
UPLOAD_KEY = "import__digest"


def register_upload(digest: str, evidence) -> None:
    _UPLOADS[digest] = evidence
    _UPLOADS.move_to_end(digest)
    while len(_UPLOADS) > _MAX_UPLOADS:
        _UPLOADS.popitem(last=False)


@st.cache_resource(show_spinner=False, max_entries=_MAX_UPLOADS)
def _upload_connection(digest: str, compiled: str):
    return db.connect_with_upload(compiled, _UPLOADS[digest])


def connection_for(key: str):
    """The connection a cache key names: the curated file, or curated + a session's uploads."""
    if key.startswith("upload:"):
        digest, compiled = key.removeprefix("upload:").split("|", 1)
        return _upload_connection(digest, compiled)
    return _connection(key)


def db_key() -> str:
    """Names this session's database in cache keys: never serves another session's uploads,
    nor stale rows after a rebuild."""
    compiled = database_path(data_dir())
    digest = st.session_state.get(UPLOAD_KEY)
    if digest and digest in _UPLOADS:
        return f"upload:{digest}|{compiled}"
    return compiled


def con():
    """This session's read-only connection; queries take a cursor of their own."""
    return connection_for(db_key())


def curated_con():
    """The curated data alone, whatever this session uploaded."""
    return _connection(database_path(data_dir()))


@st.cache_data(max_entries=256, show_spinner=False)
def trials_page(
    database: str, selected: tuple, q: str, sort: str, descending: bool, limit: int | None, offset: int
):
    filters = queries.TrialFilter(dict(selected), q)
    return queries.trials_page(con(), filters, sort, descending, limit, offset)


@st.cache_data(max_entries=512, show_spinner=False)
def facet_counts(database: str, selected: tuple, q: str, key: str) -> pd.DataFrame:
    return queries.facet_counts(con(), queries.TrialFilter(dict(selected), q), key)


@st.cache_data(max_entries=256, show_spinner=False)
def cached(database: str, name: str, *args: Any) -> Any:
    """Any read-only query of :mod:`core.queries` by name, cached on its arguments."""
    allowed = {
        "headlines",
        "trial",
        "trial_ids",
        "trial_arms",
        "trial_analyses",
        "trial_values",
        "discrepancies",
        "forest_rows",
        "survival_rows",
        "follow_up_rows",
        "endpoints_with",
        "sources",
        "vocabulary",
        "problems",
        "counts",
        "export_frame",
        "trial_count",
    }
    if name not in allowed:
        raise ValueError(f"not a cached query: {name}")
    return getattr(queries, name)(connection_for(database), *args)


def query(name: str, *args: Any) -> Any:
    return cached(db_key(), name, *args)


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


def url_text(label: str, key: str, param: str, container=st, **kwargs) -> str:
    seed(key, param, "", parse=lambda raw: str(raw)[:200])
    value = container.text_input(label, key=key, max_chars=200, **kwargs)
    publish(param, value.strip(), "")
    return value.strip()


def url_toggle(label: str, key: str, param: str, container=st, **kwargs) -> bool:
    seed(key, param, False, parse=lambda raw: str(raw).lower() in TRUE_VALUES)
    value = container.toggle(label, key=key, **kwargs)
    publish(param, value, False)
    return value


# --- output --------------------------------------------------------------------------------------


def csv_download(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    file_name: str,
    label: str | None = None,
    key: str | None = None,
) -> None:
    """A CSV download: UTF-8 with BOM, formula-safe. A callable is only run when clicked."""
    data = (lambda: to_csv_bytes(frame())) if callable(frame) else to_csv_bytes(frame)
    st.download_button(
        label or tr("download.csv"),
        data=data,
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


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
[data-testid="stPlotlyChart"] { min-height: 80vh; }
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

"""What every page shares: which database the reader sees, URL state, downloads, the look.

The queries themselves are in ``pages/data.py`` (typed, cached); the process-wide state behind
them in ``core/store.py``. May import ``core`` (never ``bench``) and streamlit.

UI only: all logic lives in ``core``. State that belongs in a shareable link is kept in
the URL with stable, short parameter names whose values are vocabulary keys (never
translated labels), so a link opens the same view in any language.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from core import db, store
from core.presentation import figure_export, plots
from core.presentation.export import values_csv
from core.presentation.formatting import page_link
from core.presentation.i18n import DEFAULT_LANGUAGE, LANGUAGES, resolve_language, t
from core.records import DEFAULT_DATA_DIR
from core.store import Database
from core.text import markdown_escape

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
    return page_link(page, params, lang(), present())


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
        return
    for param in ("present", STEP_PARAM):
        if param in st.query_params:
            del st.query_params[param]


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
    kept = [v for v in st.session_state[key] if v in options]
    # Only when a value is dropped: writing the state makes the widget a one-shot "set value"
    # element, which the browser redraws on every run even when nothing changed (ten facets on
    # the Trials page, at every click).
    if kept != list(st.session_state[key]):
        st.session_state[key] = kept
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


def values_download(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    file_name: str,
    label: str | None = None,
    key: str | None = None,
) -> None:
    """A CSV download of a long-format frame (one row per value): headers in the reader's
    language, numbers plain, formula-safe — and importable on the Import page as it is.

    Written on click: a page reruns on every click of a filter and most readers never
    download (writing the file on every run was a quarter of a page view's server time).
    ``frame`` is the frame or a callable that builds it, closed over plain values (never
    session state: see :func:`download`)."""
    download(
        functools.partial(_values_file, frame, lang()),
        file_name,
        "text/csv",
        label or tr("download.csv"),
        key=key,
    )


def _values_file(frame: pd.DataFrame | Callable[[], pd.DataFrame], language: str) -> bytes:
    return values_csv(frame() if callable(frame) else frame, language)


def download(
    data: bytes | Callable[[], bytes],
    file_name: str,
    mime: str,
    label: str,
    key: str | None = None,
    icon: str = ":material/download:",
) -> None:
    """A download button.

    ``data`` is the file's bytes or a callable that writes them on click. Streamlit runs that
    callable *outside* the reader's session, with no session state: pass only a callable
    closed over plain values (a :class:`Database`, filters, frames, the language) — never
    one that reads session state — so the file is the reader's data as the page shows it.
    A click downloads without rerunning the page (nothing on it changes).
    """
    st.download_button(
        label, data=data, file_name=file_name, mime=mime, key=key, icon=icon, on_click="ignore"
    )


def theme() -> str:
    """The reader's Streamlit theme when the page ran (figures no longer depend on it: they are
    drawn with Streamlit's theme, which follows a switch of theme without a rerun)."""
    info = getattr(st.context, "theme", None)
    kind = info.get("type") if info else None
    return "dark" if kind == "dark" else "light"


def look() -> dict[str, Any]:
    """What a cached view is drawn for besides its data and filters: the reader's language,
    theme and presentation mode (``pages/views.py``, ``data.trials_screen``)."""
    return {"lang": lang(), "theme": theme(), "present": present()}


def chart_config(file_name: str, image_format: str = "png") -> dict:
    """Plotly modebar: the camera button downloads the figure as PNG at 2×."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": image_format, "filename": file_name, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def show_chart(fig, file_name: str, key: str, title: str | None = None) -> None:
    """A figure, drawn in the reader's theme, with "Download figure" buttons under it.

    In presentation mode only the figure the link's step names is shown, at the top of the
    page and no taller than the screen leaves it (:func:`present_bar`); the others are
    counted, so the presenter can step to them.
    """
    run = st.session_state.get(_RUN_KEY)
    if present() and isinstance(run, PresentRun):
        run.figures += 1
        st.session_state[_LAST_KEY] = (run.page, run.figures)
        if run.position is not None:
            position = tr("present.position", step=run.step or run.figures, count=run.figures)
            run.position.caption(f"{position} · {tr('present.crowded')}" if run.crowded else position)
        if run.figures != run.step:
            return
        fitted = plots.fit_height(fig, PRESENT_FIGURE_HEIGHT)
        if run.position is not None and (fitted.layout.yaxis.tickfont.size or CROWDED) < CROWDED:
            # in the bar, where the presenter looks: the rows had to be drawn small
            run.crowded = True
            position = tr("present.position", step=run.step, count=run.figures)
            run.position.caption(f"{position} · {tr('present.crowded')}")
        with run.stage if run.stage is not None else st.container():
            _chart(fitted, file_name, key, title)
        return
    _chart(fig, file_name, key, title)


def _chart(fig, file_name: str, key: str, title: str | None) -> None:
    name = f"{file_name}-{lang()}"
    st.plotly_chart(fig, key=key, config=chart_config(name), theme="streamlit")
    figure_download(fig, name, key, title or fig.layout.title.text or page_title())


def text_alternative(fig) -> None:
    """The chart in words and its citation as text, written from the frame it draws (under
    every chart, in an expander)."""
    with st.expander(tr("cite.alt_title"), icon=":material/description:"):
        st.markdown(markdown_escape(plots.text_alternative(fig)))
        st.caption(markdown_escape(plots.citation_of(fig)).replace("\n", "  \n"))


def figure_download(fig, file_name: str, key: str, title: str) -> None:
    """ "Download figure" as PNG and SVG, drawn on the server with the title, today's date and
    the figure's citation. The file is drawn on click (a few seconds), from the figure (never
    changed: the views keep it for every reader) and plain values."""
    row = st.container(horizontal=True, key=f"{key}__download")
    if not figure_export.available():
        row.button(
            tr("present.download_png"),
            key=f"{key}__png",
            icon=":material/image:",
            disabled=True,
            help=tr("present.download_unavailable"),
        )
        return
    stamp = figure_export.stamp_text(tr("present.app_name"), tr("present.exported"), dt.date.today())
    for fmt in figure_export.FORMATS:
        row.download_button(
            tr(f"present.download_{fmt}"),
            # the figure itself: its JSON, written at every view, was ~5% of a trial page's server
            # time; the export copies it before drawing (figure_export.prepared)
            data=functools.partial(figure_export.export_figure, fig, fmt, title, stamp),
            file_name=f"{file_name}.{fmt}",
            mime=figure_export.FORMATS[fmt],
            key=f"{key}__{fmt}",
            icon=":material/image:" if fmt == "png" else ":material/draw:",
            help=tr("present.download_help"),
            on_click="ignore",
        )


# --- presentation mode: one figure per screen, stepped through from the link ----------------------
#
# The presenter prepares links; in presentation mode a page shows a slim bar (previous, the
# figure's position, next, controls, exit), one line of title and caveat, and the one figure
# the link's step names (``fig=2``), sized to fit a 1920×1080 screen. Next and previous step
# through the page's figures, then on to the next page of the deck, keeping the link's
# parameters; the step is in the URL, so a link reopens the same figure.

STEP_PARAM = "fig"
LAST_STEP = "last"
DECK = ("forest", "survival", "compare", "trial")
"""The pages a presenter steps through, in order (the trial page only when the link names a trial)."""
PRESENT_FIGURE_HEIGHT = 860
"""The tallest a figure is drawn in presentation mode: 1080 px less the bar, the caveat line
and the page's padding, so the figure and its citation fit one 1920×1080 screen."""
CROWDED = 12
"""Row labels smaller than this (px) once a figure is fitted to the screen: too many rows to
read from the back of the room, and the page says so."""
CONTROLS_KEY = "present_controls"
_RUN_KEY = "_present_run"
_LAST_KEY = "_present_figures"
_PAGE_KEY = "_current_page"
_MOVE_KEY = "_present_move"


@dataclass
class PresentRun:
    """This run of a page in presentation mode: which figure to show, how many were seen."""

    page: str
    step: int | None  # None: the last figure (stepping back from the next page), once counted
    figures: int = 0
    stage: Any = None  # where the shown figure goes: under the page's heading
    position: Any = None  # the bar's "figure 2 of 3"
    crowded: bool = False  # the figure shown had to draw its rows small


def current_page(url_path: str, title: str) -> None:
    """Called by app.py: the page this run shows (its URL path and navigation title)."""
    st.session_state[_PAGE_KEY] = (url_path, title)


def page_title() -> str:
    return st.session_state.get(_PAGE_KEY, ("", ""))[1]


def _step() -> int | None:
    raw = str(st.query_params.get(STEP_PARAM) or "1")
    if raw == LAST_STEP:
        return None
    try:
        return max(int(raw), 1)
    except ValueError:
        return 1


def _deck() -> list[str]:
    return [p for p in DECK if p != "trial" or st.query_params.get("trial")]


def _neighbour(current: str, direction: int) -> str | None:
    """The deck page before or after ``current`` (a page outside the deck leads into it)."""
    deck = _deck()
    if current not in deck:
        return deck[0] if direction > 0 else None
    index = deck.index(current) + direction
    return deck[index] if 0 <= index < len(deck) else None


def _move(current: str, step: int, count: int | None, direction: int) -> None:
    """Step to the next or previous figure, or on to the neighbouring page of the deck."""
    steps = max(count or 0, 1)  # a page without figures is one step
    target = step + direction
    if 1 <= target <= steps:
        st.query_params[STEP_PARAM] = str(target)
        return
    neighbour = _neighbour(current, direction)
    if neighbour is None:
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params if key != STEP_PARAM}
    params[STEP_PARAM] = "1" if direction > 0 else LAST_STEP
    st.switch_page(f"pages/{neighbour}.py", query_params=params)


def _request_move(direction: int) -> None:
    st.session_state[_MOVE_KEY] = direction


def present_step(current: str) -> None:
    """Called by app.py before the page draws anything: carry out a step the presenter asked
    for (next or previous, by button or arrow key) on the page the last run showed."""
    direction = st.session_state.pop(_MOVE_KEY, 0)
    if not present() or not direction:
        return
    last_page, last_count = st.session_state.get(_LAST_KEY, (None, 0))
    count = last_count if last_page == current else None
    _move(current, _step() or count or 1, count, direction)


def present_bar(current: str) -> None:
    """Presentation mode's slim bar above the page: previous, position, next, controls, exit.

    Called by app.py before the page runs. Left and right arrow keys press previous and next
    (their buttons show the keys; no tooltip, which would stay over the slide after a click).
    """
    if not present():
        st.session_state.pop(_RUN_KEY, None)
        return
    last_page, last_count = st.session_state.get(_LAST_KEY, (None, 0))
    count = last_count if last_page == current else None
    step = _step()
    if step is None and count:
        step = count
    run = PresentRun(current, step)
    st.session_state[_RUN_KEY] = run
    st.session_state[_LAST_KEY] = (current, 0)
    at_start = _neighbour(current, -1) is None and (step or 1) <= 1
    at_end = _neighbour(current, +1) is None and count is not None and (step or 1) >= max(count, 1)
    bar = st.container(horizontal=True, horizontal_alignment="distribute", key="present_bar")
    steps = bar.container(horizontal=True, width="content", vertical_alignment="center")
    steps.button(
        tr("present.previous"),
        key="present__previous",
        on_click=_request_move,
        args=(-1,),
        icon=":material/chevron_left:",
        type="tertiary",
        shortcut="Left",
        disabled=at_start,
    )
    run.position = steps.container(width="content").empty()
    steps.button(
        tr("present.next"),
        key="present__next",
        on_click=_request_move,
        args=(+1,),
        icon=":material/chevron_right:",
        icon_position="right",
        type="tertiary",
        shortcut="Right",
        disabled=at_end,
    )
    shell = bar.container(horizontal=True, width="content", vertical_alignment="center")
    shell.toggle(tr("present.controls"), key=CONTROLS_KEY, help=tr("present.controls_help"))
    shell.button(
        tr("shell.exit_present"),
        key="exit_present",
        icon=":material/close_fullscreen:",
        type="tertiary",
        on_click=lambda: st.session_state.update(present=False),
    )


def present_done() -> None:
    """Called by app.py after a page ran to its end: a step the page did not have is resolved.

    ``fig=last`` (stepping back from the next page) becomes the page's last figure, and a step
    past the page's figures (a stale link) goes on to the next page of the deck.
    """
    run = st.session_state.pop(_RUN_KEY, None)  # this run's state never outlives it
    if not present() or not isinstance(run, PresentRun):
        return
    if run.step is None:
        st.query_params[STEP_PARAM] = str(max(run.figures, 1))
        if run.figures:
            st.rerun()
    if run.step is not None and run.step > max(run.figures, 1):
        _move(run.page, max(run.figures, 1), run.figures, +1)


def page_heading(
    title: str, banner: str | None = None, *, subtitle: str | None = None, icon: str = ":material/info:"
) -> None:
    """A page's title, subtitle and caveat banner; in presentation mode one line of them, and
    under it the place where the figure goes. ``title`` and ``subtitle`` are Markdown (escape
    data text); ``banner`` is a catalog string."""
    if not present():
        st.title(title)
        if subtitle:
            st.subheader(subtitle)
        if banner:
            st.warning(banner, icon=icon)
        return
    st.caption(" · ".join(part for part in (f"**{title}**", subtitle, banner) if part))
    run = st.session_state.get(_RUN_KEY)
    if isinstance(run, PresentRun) and run.stage is None:
        run.stage = st.container()


def controls(label: str, key: str = "controls", boxed: bool = True):
    """Where a page puts its filters: an open expander (a plain container if not ``boxed``).

    In presentation mode the view comes from the link, so the controls are there but hidden
    until the presenter turns on "Controls" in the bar.
    """
    if present() and not st.session_state.get(CONTROLS_KEY):
        return st.container(key=f"present_hidden_{key}")
    if boxed:
        return st.expander(label, expanded=True, icon=":material/filter_list:")
    return st.container()


# --- look -------------------------------------------------------------------------------------------

# Streamlit's own font has no CJK glyphs; the browser falls back per glyph, and this stack
# makes the fallback a real CJK face rather than whatever comes first.
_BASE_CSS = """
<style>
html, body { font-family: "Source Sans", "Source Sans Pro", "Noto Sans CJK SC", "Noto Sans CJK TC",
             "PingFang SC", "Microsoft YaHei", sans-serif; }
</style>
"""

# Presentation mode: large type, no sidebar or Streamlit chrome, one figure per screen; the
# page's controls hidden unless asked for; a slim, quiet bar to step, show controls or leave.
_PRESENT_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
footer, #MainMenu, [class*="st-key-present_hidden_"] { display: none !important; }
html, body, .stMarkdown p, .stMarkdown li, [data-testid="stMarkdownContainer"] p,
[data-testid="stCaptionContainer"], label, button, input { font-size: 21px !important; }
h1 { font-size: 44px !important; } h2 { font-size: 34px !important; } h3 { font-size: 28px !important; }
.block-container { padding-top: 0.5rem !important; padding-bottom: 2rem !important; max-width: 100% !important; }
.st-key-present_bar { opacity: 0.55; gap: 0.25rem !important; }
.st-key-present_bar:hover, .st-key-present_bar:focus-within { opacity: 1; }
.st-key-present_bar button, .st-key-present_bar label, .st-key-present_bar p,
.st-key-present_bar [data-testid="stCaptionContainer"] { font-size: 15px !important; }
</style>
"""


def apply_theme() -> None:
    """Static CSS only (no data is ever interpolated): the CJK font stack, presentation mode."""
    st.html(_BASE_CSS + (_PRESENT_CSS if present() else ""))

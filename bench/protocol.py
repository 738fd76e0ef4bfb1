"""A Streamlit client without a browser: the websocket protocol the frontend speaks.

One :class:`Session` is one reader's browser tab as the server sees it. It fetches the page
(as a browser's first request does, which also collects a load balancer's sticky cookie),
opens ``/_stcore/stream`` with the subprotocol header the frontend sends, and drives the
script with the ``BackMsg`` / ``ForwardMsg`` protobuf classes shipped in the installed
``streamlit`` package:

- ``open(path, query)``: a fresh page view (``rerun_script`` with the query string and the
  page's URL path, as the frontend sends on load);
- ``set_widget(key, value)``: a widget change (``rerun_script`` with that widget's state, on
  the current page and address, as the frontend sends on a click);
- ``navigate(path)``: a sidebar link (``rerun_script`` naming the page's script hash);
- ``reconnect()``: what the frontend does when its websocket drops: a health check and a
  new websocket (through the balancer, which may pick another replica), offering the old
  session id, then a rerun of the page and query string the address names.

Each returns the milliseconds until the script run it started has finished successfully
(``script_finished``), following reruns (``st.rerun``, ``st.switch_page``). Exception
elements in the delta stream are collected. Like the frontend, the client keeps the large
cacheable messages it has seen and lists their hashes, so the server can send references.

Only 127.0.0.1 / localhost: :func:`check_local` refuses any other host.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.parse
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

LOCAL_HOSTS = ("127.0.0.1", "localhost")
DONE = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_WITH_COMPILE_ERROR")
WIDGET_KINDS = (
    "multiselect", "selectbox", "button_group", "text_input", "toggle", "checkbox", "number_input",
    "dataframe", "radio", "slider", "bidi_component",
)  # fmt: skip
MAX_MESSAGE = 64 * 2**20
ROW_TRIAL = re.compile(r'<tr[^>]*\bdata-trial="([^"]+)"')


class ProtocolError(Exception):
    """The server answered in a way a browser would show as broken; ``kind`` says how."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def check_local(base_url: str) -> tuple[str, int]:
    """Host and port of ``base_url``; refuse anything but 127.0.0.1 / localhost."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"the load client only talks to http://127.0.0.1 or localhost, not {base_url!r}")
    return parts.hostname, parts.port or 80


@dataclass
class Widget:
    id: str
    kind: str
    options: list[str]


@dataclass
class Session:
    """One simulated reader (see the module docstring)."""

    base_url: str
    locale: str = "en-US"
    timeout_s: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    session_id: str = ""
    path: str = ""  # the page's URL path as the address bar shows it, without "/"
    query: str = ""
    page_hash: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # url path → page script hash
    widgets: dict[str, Widget] = field(default_factory=dict)  # user key → widget of the last run
    exceptions: list[str] = field(default_factory=list)
    row_trials: list[str] = field(default_factory=list)  # trials of the HTML tables' rows, in order
    elements: int = 0
    sent_states: dict[str, WidgetState] = field(default_factory=dict)
    _cache: dict[str, ForwardMsg] = field(default_factory=dict)
    _ws: object = None

    def __post_init__(self) -> None:
        self.host, self.port = check_local(self.base_url)

    # --- transport ---------------------------------------------------------------------------

    async def _http_get(self, target: str) -> int:
        """A plain HTTP/1.1 GET (the page's HTML or the health check); keeps Set-Cookie."""
        try:
            return await self._http_get_once(target)
        except TimeoutError as exc:
            raise ProtocolError("timeout", f"GET {target}: no answer within {self.timeout_s:.0f} s") from exc
        except OSError as exc:
            raise ProtocolError("disconnect", f"GET {target}: {type(exc).__name__}: {exc}") from exc

    async def _http_get_once(self, target: str) -> int:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout_s)
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            request = (
                f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nConnection: close\r\n"
                + (f"Cookie: {cookie}\r\n" if cookie else "")
                + "\r\n"
            )
            writer.write(request.encode())
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), self.timeout_s)
        finally:
            writer.close()
        head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        status = int(head[0].split()[1]) if head and len(head[0].split()) > 1 else 0
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return status

    async def _connect(self) -> None:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        # The frontend's header: the subprotocol, an XSRF token slot, the session to resume.
        protocols = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"] + ([self.session_id] if self.session_id else [])
        self._ws = await asyncio.wait_for(
            websockets.connect(
                f"ws://{self.host}:{self.port}/_stcore/stream",
                subprotocols=protocols,
                additional_headers=headers,
                origin=f"http://{self.host}:{self.port}",
                max_size=MAX_MESSAGE,
                open_timeout=self.timeout_s,
                close_timeout=1,
                ping_interval=None,
            ),
            self.timeout_s,
        )
        response = getattr(self._ws, "response", None)
        for name, value in response.headers.raw_items() if response is not None else ():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    @property
    def connected(self) -> bool:
        return self._ws is not None

    # --- messages ----------------------------------------------------------------------------

    async def _rerun(self, states: list[WidgetState]) -> None:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query
        client.page_name = self.path
        client.page_script_hash = self.page_hash
        client.widget_states.widgets.extend(states)
        client.cached_message_hashes.extend(self._cache)
        client.context_info.locale = self.locale
        client.context_info.timezone = "UTC"
        client.context_info.url = f"{self.base_url}/{self.path}" + (f"?{self.query}" if self.query else "")
        if self._ws is None:
            raise ProtocolError("disconnect", "not connected")
        try:
            await self._ws.send(msg.SerializeToString())
        except websockets.ConnectionClosed as exc:
            self._ws = None
            raise ProtocolError("disconnect", f"websocket closed: {exc}") from exc

    def _handle(self, msg: ForwardMsg) -> int | None:
        """Update what the session knows; the script-finished status when a run ends."""
        if msg.HasField("ref_hash"):
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise ProtocolError("protocol", f"reference to a message never received: {msg.ref_hash}")
            msg = cached
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = msg
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.widgets = {}
            self.row_trials = []
            if msg.new_session.initialize.session_id:
                self.session_id = msg.new_session.initialize.session_id
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
            self._pages(msg.new_session.app_pages)
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
            self._pages(msg.navigation.app_pages)
            path = next((p for p, h in self.pages.items() if h == self.page_hash), None)
            if path is not None:
                self.path = path
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            raise ProtocolError("exception", f"page not found: {msg.page_not_found.page_name}")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.elements += 1
            self._element(msg.delta.new_element)
        elif kind == "script_finished":
            return msg.script_finished
        return None

    def _pages(self, app_pages) -> None:
        for page in app_pages:
            self.pages[page.url_pathname] = page.page_script_hash

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message[:200]}")
            return
        if kind == "html":
            self.row_trials += ROW_TRIAL.findall(element.html.body)
            return
        if kind not in WIDGET_KINDS:
            return
        proto = getattr(element, kind)
        if not proto.id:
            return
        key = (
            proto.id.split("-", 2)[2]
            if proto.id.startswith("$$ID-") and proto.id.count("-") >= 2
            else proto.id
        )
        options = [getattr(option, "content", option) for option in getattr(proto, "options", [])]
        self.widgets[key] = Widget(proto.id, kind, [str(option) for option in options])

    async def _until_finished(self, started: float) -> float:
        """Read messages until a run finishes successfully; milliseconds since ``started``."""
        deadline = started + self.timeout_s
        before = len(self.exceptions)
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ProtocolError("timeout", f"no finished script run within {self.timeout_s:.0f} s")
            try:
                raw = await asyncio.wait_for(self._ws.recv(), left)
            except TimeoutError as exc:
                raise ProtocolError(
                    "timeout", f"no finished script run within {self.timeout_s:.0f} s"
                ) from exc
            except websockets.ConnectionClosed as exc:
                self._ws = None
                raise ProtocolError("disconnect", f"websocket closed: {exc}") from exc
            if isinstance(raw, str):
                continue
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            status = self._handle(msg)
            if status == COMPILE_ERROR:
                raise ProtocolError("exception", "the script failed to compile")
            if status == DONE:
                elapsed = (time.perf_counter() - started) * 1000
                if len(self.exceptions) > before:
                    raise ProtocolError("exception", self.exceptions[-1])
                return elapsed

    # --- what a reader does ------------------------------------------------------------------

    async def open(self, path: str, query: str = "") -> float:
        """A fresh page view of ``/path?query``: HTML request, websocket, first script run."""
        started = time.perf_counter()
        # as a browser's address bar holds it: percent-encoded UTF-8
        self.path, self.query, self.page_hash = path.strip("/"), urllib.parse.quote(query, safe="=&+%"), ""
        target = f"/{self.path}" + (f"?{self.query}" if self.query else "")
        status = await self._http_get(target)
        if status >= 400:
            raise ProtocolError("http", f"GET {target}: {status}")
        return await self._first_run(started)

    async def reconnect(self) -> float:
        """The frontend after a dropped websocket: health check, reconnect, rerun the address."""
        started = time.perf_counter()
        await self.close()
        deadline = started + self.timeout_s
        while True:
            try:
                if await self._http_get("/_stcore/health") == 200:
                    break
            except ProtocolError:
                pass
            if time.perf_counter() > deadline:
                raise ProtocolError("disconnect", "the server did not come back within the time limit")
            await asyncio.sleep(0.5)
        # The view comes back from the address alone; a click that was in flight when the
        # replica died is not replayed (the reader repeats it).
        return await self._first_run(started)

    async def _first_run(self, started: float) -> float:
        """Open the websocket and run the page's script from its address, no widget state."""
        try:
            await self._connect()
        except (OSError, TimeoutError, websockets.InvalidHandshake) as exc:
            raise ProtocolError("disconnect", f"websocket refused: {type(exc).__name__}: {exc}") from exc
        self.sent_states = {}
        await self._rerun([])
        return await self._until_finished(started)

    def options(self, key: str) -> list[str]:
        widget = self.widgets.get(key)
        if widget is None:
            raise ProtocolError("protocol", f"no widget {key!r} on /{self.path} (has {sorted(self.widgets)})")
        return widget.options

    async def set_widget(self, key: str, value) -> float:
        """Change the widget whose key is ``key`` to ``value`` (its displayed option strings)."""
        widget = self.widgets.get(key)
        if widget is None:
            raise ProtocolError("protocol", f"no widget {key!r} on /{self.path} (has {sorted(self.widgets)})")
        state = WidgetState(id=widget.id)
        if widget.kind in ("multiselect", "button_group"):
            state.string_array_value.data.extend([value] if isinstance(value, str) else list(value))
        elif widget.kind == "dataframe":
            state.string_value = json.dumps(value)
        elif widget.kind in ("toggle", "checkbox"):
            state.bool_value = bool(value)
        elif widget.kind == "number_input":
            state.int_value = int(value)
        else:
            state.string_value = str(value)
        self.sent_states[widget.id] = state
        started = time.perf_counter()
        await self._rerun(self._current_states())
        return await self._until_finished(started)

    def _current_states(self) -> list[WidgetState]:
        """What the frontend sends with a rerun: the values it holds for the widgets on screen.

        A value is only sent while it is still one of its widget's options: after a language
        change the labels differ, and the server keeps the value it has.
        """
        by_id = {widget.id: widget for widget in self.widgets.values()}
        out = []
        for wid, state in self.sent_states.items():
            widget = by_id.get(wid)
            if widget is None:
                continue
            labels = set(state.string_array_value.data)
            if state.HasField("string_array_value") and widget.options and not labels <= set(widget.options):
                continue
            out.append(state)
        return out

    async def select_row(self, key: str, row: int) -> float:
        """Select one row of a dataframe with ``on_select="rerun"`` (the trials table)."""
        return await self.set_widget(key, {"selection": {"rows": [row], "columns": [], "cells": []}})

    async def open_row(self, key: str, trial_id: str) -> float:
        """Open a trial from its row, as a click, Enter or Space on it does in a browser: the
        row opener component (``pages/table_view.py``) sends its ``open`` trigger."""
        widget = self.widgets.get(key)
        if widget is None:
            raise ProtocolError(
                "protocol", f"no component {key!r} on /{self.path} (has {sorted(self.widgets)})"
            )
        # Streamlit's trigger id for a component's events (streamlit/components/v2/bidi_component)
        trigger = WidgetState(id=f"$$STREAMLIT_INTERNAL_KEY_{widget.id}__events")
        trigger.json_trigger_value = json.dumps([{"event": "open", "value": trial_id}])
        started = time.perf_counter()
        await self._rerun([*self._current_states(), trigger])
        return await self._until_finished(started)

    async def navigate(self, path: str) -> float:
        """Follow the sidebar link to ``/path`` (the frontend keeps no query string)."""
        page_hash = self.pages.get(path)
        if page_hash is None:
            raise ProtocolError("protocol", f"no page {path!r} in the navigation ({sorted(self.pages)})")
        self.path, self.query, self.page_hash = path, "", page_hash
        started = time.perf_counter()
        await self._rerun(self._current_states())
        return await self._until_finished(started)

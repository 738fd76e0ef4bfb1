"""Process-wide state the pages share: which database a reader sees, the open connections,
the curated catalogs and the readers' uploads.

Kept here, in plain module-level objects behind locks, and not in Streamlit's caches: any
websocket client can send Streamlit's ``clear_cache``, which empties ``st.cache_data`` and
``st.cache_resource`` for every reader. Query results may be thrown away (they are cheap to
recompute); a compile, a connection or another reader's import must not be.

May import: ``core.db``, ``core.importer``, ``core.queries``, ``core.schema``. Never streamlit.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import db, schema


@dataclass(frozen=True)
class Database:
    """The identity of the data a reader sees: the compiled curated file and, when the reader
    imported trials, the digest of that import. Hashable, so it keys every cached query."""

    compiled: str
    upload: str | None = None


class UploadExpired(LookupError):
    """The upload a reader's session names is no longer held (dropped to stay within the
    store's size bound): the pages say so instead of silently showing only curated trials."""


# --- memoised process-wide values ---------------------------------------------------------------

_MEMO: dict[tuple, Any] = {}
_MEMO_LOCKS: dict[tuple, threading.Lock] = {}
_MEMO_GUARD = threading.Lock()


def once(key: tuple, factory: Callable[[], Any]) -> Any:
    """``factory()`` computed once per process for ``key``; concurrent callers wait for it.

    A factory that raises leaves nothing behind, so the next caller tries again.
    """
    with _MEMO_GUARD:
        if key in _MEMO:
            return _MEMO[key]
        lock = _MEMO_LOCKS.setdefault(key, threading.Lock())
    with lock:
        with _MEMO_GUARD:
            if key in _MEMO:
                return _MEMO[key]
        value = factory()
        with _MEMO_GUARD:
            _MEMO[key] = value
        return value


def compiled_path(data_dir: str) -> str:
    """The compiled (and verified) database of ``data_dir``, built once per process."""
    return once(("compiled", data_dir), lambda: str(db.compiled_database(Path(data_dir))))


def curated_connection(compiled: str):
    """The read-only connection to a compiled file; each query takes its own cursor."""
    return once(("connection", compiled), lambda: db.connect_readonly(compiled))


# --- uploads ------------------------------------------------------------------------------------


class Owner:
    """A token a reader's session holds for as long as it lives. The store keeps only weak
    references to it: when the session ends, its uploads become the first to be dropped."""


@dataclass
class _Upload:
    evidence: schema.Evidence
    size: int
    owners: weakref.WeakSet = field(default_factory=weakref.WeakSet)
    connections: dict[str, Any] = field(default_factory=dict)


DEFAULT_UPLOAD_BUDGET = 64 * 1024 * 1024
"""Bytes of uploaded files the process keeps (parsed records and their in-memory database
take several times this); above it the uploads of ended sessions go first, then the least
recently used."""


class UploadStore:
    """Uploaded evidence by content digest, bounded by total size, safe across threads.

    An entry lives while any session that imported it lives (equal uploads are shared), and
    is dropped only to keep the total within ``budget``: first entries no live session holds,
    then the least recently used others — never the one being added. A page that finds its
    session's digest gone says the import expired.
    """

    def __init__(self, budget: int = DEFAULT_UPLOAD_BUDGET) -> None:
        self.budget = budget
        self._entries: OrderedDict[str, _Upload] = OrderedDict()
        self._lock = threading.RLock()

    def put(self, digest: str, evidence: schema.Evidence, size: int, owner: Owner) -> list[str]:
        """Keep ``evidence`` for ``owner``'s session; returns the digests dropped to make room."""
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                entry = self._entries[digest] = _Upload(evidence, max(int(size), 0))
            entry.owners.add(owner)
            self._entries.move_to_end(digest)
            return self._shrink(keep=digest)

    def release(self, digest: str, owner: Owner) -> None:
        """``owner`` no longer wants ``digest`` (the reader removed the import)."""
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return
            entry.owners.discard(owner)
            if not len(entry.owners):
                self._drop(digest)

    def _shrink(self, keep: str) -> list[str]:
        dropped = []
        orphans = [d for d, e in self._entries.items() if d != keep and not len(e.owners)]
        for digest in orphans:  # sessions that ended: nobody can see them any more
            self._drop(digest)
            dropped.append(digest)
        while self.total() > self.budget:
            victim = next((d for d in self._entries if d != keep), None)
            if victim is None:
                break
            self._drop(victim)
            dropped.append(victim)
        return dropped

    def _drop(self, digest: str) -> None:
        entry = self._entries.pop(digest)
        for con in entry.connections.values():
            con.close()

    def total(self) -> int:
        with self._lock:
            return sum(entry.size for entry in self._entries.values())

    def __contains__(self, digest: object) -> bool:
        with self._lock:
            return digest in self._entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def touch(self, digest: str) -> None:
        with self._lock:
            if digest in self._entries:
                self._entries.move_to_end(digest)

    def evidence(self, digest: str) -> schema.Evidence:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                raise UploadExpired(digest)
            return entry.evidence

    def connection(self, digest: str, compiled: str):
        """The curated file with this upload beside it (built on first use per compiled file)."""
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                raise UploadExpired(digest)
            con = entry.connections.get(compiled)
            if con is None:
                con = entry.connections[compiled] = db.connect_with_upload(compiled, entry.evidence)
            return con


BUDGET_ENV = "EVIDENCE_UPLOAD_BUDGET"


def _budget() -> int:
    raw = os.environ.get(BUDGET_ENV, "")
    return int(raw) if raw.isdigit() else DEFAULT_UPLOAD_BUDGET


UPLOADS = UploadStore(_budget())
"""The process's uploads (every reader's session shares one server process); its bound in
bytes comes from ``EVIDENCE_UPLOAD_BUDGET`` when set."""


def connection(database: Database):
    """The connection a database identity names. Raises :class:`UploadExpired` when its
    upload is no longer held."""
    if database.upload is not None:
        return UPLOADS.connection(database.upload, database.compiled)
    return curated_connection(database.compiled)


# --- the long-lived heap -------------------------------------------------------------------------
# A full garbage collection walks every object the process tracks: the modules, the catalogs,
# the converters, the database's vocabularies, the cached views — the same hundreds of thousands
# of objects each time. Streamlit runs one after every script run unless told not to
# (runner.postScriptGC; .streamlit/config.toml turns it off): it was half of the server's time
# a page view. Python's own collector still runs full collections now and then. Once a run has
# imported something new, what is alive is moved to the permanent generation (gc.freeze); a
# collection then walks only what sessions made since. Frozen objects are still freed when
# nothing refers to them; only cycles among them stay.

_frozen_modules = 0
_freeze_guard = threading.Lock()


def freeze_long_lived() -> bool:
    """Move what the process has built so far out of the garbage collector's way, when a script
    run imported modules since the last time (a few times a process: once per page's imports).
    Returns whether it froze."""
    global _frozen_modules
    if len(sys.modules) == _frozen_modules:
        return False
    with _freeze_guard:
        count = len(sys.modules)
        if count == _frozen_modules:
            return False
        gc.collect()  # garbage is not kept: only what is alive now is frozen
        if not _frozen_modules:
            atexit.register(gc.unfreeze)  # at exit, everything is collected as usual
        gc.freeze()
        _frozen_modules = count
    return True

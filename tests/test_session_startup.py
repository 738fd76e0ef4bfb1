"""Session start-up work happens once per process, not once per reader's session (issue 13).

Two fresh sessions open /trials in one process on a data folder of their own: the first
compiles (or verifies) the database, opens the connection, loads the catalogs, OpenCC's
converters and the database's vocabularies; the second finds every one of them held.
"""

from __future__ import annotations

import shutil

import pytest

from core import db, store, text
from core.presentation import i18n
from core.records import DEFAULT_DATA_DIR
from tests.test_pages import dataframes, full_error_details, open_page  # noqa: F401 - fixture reused


@pytest.fixture
def own_data(tmp_path, monkeypatch):
    """A data folder and cache no other test used, so the first session starts from nothing."""
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    monkeypatch.setenv("EVIDENCE_DATA", str(data))
    monkeypatch.setenv("EVIDENCE_CACHE", str(tmp_path / "cache"))
    return data


def _counting(monkeypatch, module, name: str, calls: dict) -> None:
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls[name] = calls.get(name, 0) + 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)


def test_the_second_session_redoes_no_start_up_work(own_data, monkeypatch):
    calls: dict[str, int] = {}
    for name in ("compiled_database", "connect_readonly", "verify"):
        _counting(monkeypatch, db, name, calls)
    first = open_page("trials", lang="zh-Hant")
    assert calls.get("compiled_database") == 1 and calls.get("connect_readonly", 0) >= 1
    memo = len(store._MEMO)
    catalogs = i18n.catalog.cache_info()
    converters = text._converter.cache_info()
    assert catalogs.currsize >= 1
    calls.clear()
    second = open_page("trials", lang="zh-Hant")
    assert calls == {}, f"the second session redid: {calls}"
    assert len(store._MEMO) == memo
    assert i18n.catalog.cache_info().misses == catalogs.misses
    assert i18n.catalog.cache_info().hits > catalogs.hits
    assert text._converter.cache_info().misses == converters.misses
    # and the two sessions are still two readers: their tables are equal, their state is not shared
    assert first.session_state["lang"] == second.session_state["lang"] == "zh-Hant"
    first_table, second_table = dataframes(first)[0], dataframes(second)[0]
    assert not first_table.empty and first_table.to_csv() == second_table.to_csv()

"""Cached views (pages/views.py) and the long-lived heap (core.store.freeze_long_lived).

A view is built once per process for each distinct view — another session opening the same
view reads it; another language, theme or filter builds its own — and drawing it changes
nothing in it, since every session gets the same objects.
"""

from __future__ import annotations

import gc
import sys
import types

import pytest

from core import store
from tests.test_pages import downloads, open_page  # noqa: F401 - fixture reused


@pytest.fixture
def fresh_views():
    """The views' caches emptied before and after (they live as long as the process)."""
    from pages import views

    for cached in (views.forest, views.survival, views.trial):
        cached.clear()
    yield views
    for cached in (views.forest, views.survival, views.trial):
        cached.clear()


def _count(monkeypatch, module, name: str) -> list[int]:
    calls = [0]
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize(
    ("page", "params", "builder"),
    [
        ("forest", {"endpoint": "PFS"}, ("plots", "forest_figure")),
        ("survival", {"endpoint": "OS"}, ("plots", "citation_footer")),
        ("trial", {"trial": "lead"}, ("tables", "value_table")),
    ],
)
def test_a_second_session_reads_the_view_the_first_built(fresh_views, monkeypatch, page, params, builder):
    module = getattr(fresh_views, builder[0])
    calls = _count(monkeypatch, module, builder[1])
    first = open_page(page, lang="zh-Hans", **params)
    built = calls[0]
    assert built >= 1
    second = open_page(page, lang="zh-Hans", **params)
    assert calls[0] == built, "the second session rebuilt the view"
    assert [m.value for m in first.markdown] == [m.value for m in second.markdown]
    # another language is another view
    open_page(page, lang="zh-Hant", **params)
    assert calls[0] > built


def test_drawing_a_view_changes_nothing_in_it(fresh_views):
    """Presentation mode fits figures to the screen and the pages draw every table: on copies."""
    from pages import data

    database = data.Database(store.compiled_path(str(_data_dir())))
    view = fresh_views.trial(database=database, trial_id="lead", lang="en", theme="light", present=True)
    before = ([chart.figure.to_json() for chart in view.timeline], view.results, view.effects)
    open_page("trial", trial="lead", present="1")
    open_page("trial", trial="lead", present="1", fig="2")
    again = fresh_views.trial(database=database, trial_id="lead", lang="en", theme="light", present=True)
    assert again is view
    assert ([chart.figure.to_json() for chart in view.timeline], view.results, view.effects) == before


def _snapshot(view) -> list:
    """Every figure and frame of a view, as text."""
    out = []
    for value in vars(view).values():
        if hasattr(value, "to_json"):
            out.append(value.to_json())
        elif isinstance(value, tuple):
            out += [_snapshot(item) if hasattr(item, "__dict__") else repr(item) for item in value]
        else:
            out.append(repr(value))
    return out


def test_drawing_and_downloading_change_nothing_in_the_forest_and_survival_views(fresh_views, downloads):  # noqa: F811
    """The pages read the views' rows for their captions and hand them to the download
    callables: both leave them as they were."""
    from pages import data

    database = data.Database(store.compiled_path(str(_data_dir())))
    common = {"database": database, "cancers": (), "evidence": (), "all_cuts": False}
    look = {"lang": "zh-Hans", "theme": "light", "present": False}
    forest = fresh_views.forest(endpoints=("PFS",), at_95=True, group_by="cancer", limit=60, **common, **look)
    survival = fresh_views.survival(endpoint="PFS", max_trials=25, **common, **look)
    before = (_snapshot(forest), _snapshot(survival))
    open_page("forest", lang="zh-Hans", endpoint="PFS", ci95="1")
    open_page("survival", lang="zh-Hans", endpoint="PFS")
    for name in downloads.names():
        if name.endswith(".csv"):
            assert downloads[name]  # written as a click writes it
    assert (
        fresh_views.forest(endpoints=("PFS",), at_95=True, group_by="cancer", limit=60, **common, **look)
        is forest
    )
    assert (_snapshot(forest), _snapshot(survival)) == before


def _data_dir():
    from pages.common import data_dir

    return data_dir()


def test_long_lived_objects_are_frozen_once_per_new_import():
    store.freeze_long_lived()  # whatever this process imported so far
    assert store.freeze_long_lived() is False  # nothing new: nothing to do
    frozen = gc.get_freeze_count()
    assert frozen > 0
    module = types.ModuleType("oee_test_new_import")
    sys.modules[module.__name__] = module
    try:
        assert store.freeze_long_lived() is True
        assert gc.get_freeze_count() >= frozen
    finally:
        del sys.modules[module.__name__]

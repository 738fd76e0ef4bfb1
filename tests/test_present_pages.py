"""Presentation mode through app.py with AppTest: one figure per run, stepping by the link."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_pages import APP, full_error_details, param  # noqa: F401 - the fixture is autouse


def open_page(page: str, **params: str) -> AppTest:
    """``/<page>?<params>`` as a fresh browser session opens it (one run through app.py).

    Only first runs are checked here: AppTest runs a page switched to on its own afterwards,
    without the router, so stepping by clicks is tested in the browser (tests/browser).
    """
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def charts(app) -> list:
    return app.get("plotly_chart")


def position(app) -> str:
    return " ".join(c.value for c in app.caption if "Figure" in c.value)


def next_button(app):
    return app.button(key="present__next")


def test_present_mode_shows_one_figure_and_counts_the_others():
    app = open_page("survival", present="1", endpoint="PFS")
    assert len(charts(app)) == 1
    assert position(app).startswith("Figure 1 of 2")
    # every PFS median of every trial: drawn small to fit, and the bar says how to enlarge
    assert "Many rows for one screen" in position(app)
    filtered = open_page("survival", present="1", endpoint="PFS", cancer="sclc")
    assert position(filtered) == "Figure 1 of 2"
    assert app.button(key="present__previous").disabled is False  # forest comes before
    normal = open_page("survival", endpoint="PFS")
    assert len(charts(normal)) == 2  # outside presentation mode every figure is shown


def test_the_step_is_in_the_link_and_reopens_the_same_figure():
    first = open_page("survival", present="1", endpoint="PFS")
    second = open_page("survival", present="1", endpoint="PFS", fig="2")
    assert position(second) == "Figure 2 of 2"
    assert charts(first)[0].proto.spec != charts(second)[0].proto.spec  # medians, then landmarks


def hidden_controls(app) -> list:
    return [b for b in app.get("flex_container") if "present_hidden_" in str(b.proto.id)]


@pytest.mark.parametrize(
    ("page", "widget"),
    [("forest", "multiselect"), ("survival", "selectbox"), ("compare", "selectbox"), ("trial", "selectbox")],
)
def test_controls_are_kept_but_hidden_in_presentation_mode(page, widget):
    """The view comes from the link: the page's controls still run (and read the link), in a
    container the presentation CSS hides until the presenter turns on "Controls"."""
    app = open_page(page, present="1", trial="crown")
    hidden = hidden_controls(app)
    assert len(hidden) == 1
    assert len(hidden[0].get(widget)) >= 1
    assert [t for t in app.toggle if t.key == "present_controls"]
    styles = " ".join(str(h.proto.body) for h in app.get("html"))
    assert '[class*="st-key-present_hidden_"]' in styles and "display: none" in styles
    assert not hidden_controls(open_page(page, trial="crown"))  # shown as usual otherwise


def test_the_step_is_dropped_when_not_presenting():
    app = open_page("survival", endpoint="PFS", fig="2")
    assert param(app, "fig") == []
    assert len(charts(app)) == 2

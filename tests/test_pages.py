"""Every page through the real entrypoint (app.py) with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["trials", "trial", "forest", "survival", "sources"]


@pytest.fixture(autouse=True)
def full_error_details():
    """Readers never see tracebacks (.streamlit/config.toml); the tests must."""
    from streamlit import config

    previous = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", previous)


def open_page(page: str = "trials", **params: str | list[str]) -> AppTest:
    """Open ``/<page>?<params>`` as a fresh browser session would."""
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    if page != "trials":
        app.switch_page(f"pages/{page}.py")
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def param(app: AppTest, key: str) -> list[str]:
    """A URL parameter as a list (AppTest gives a single value as a plain string)."""
    value = app.query_params.get(key)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def dataframes(app: AppTest):
    return [element.value for element in app.dataframe]


def trial_names(app: AppTest) -> set[str]:
    table = dataframes(app)[0]
    return set(table.iloc[:, 1])  # column 0 is the link


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(page):
    app = open_page(page)
    assert app.title, f"{page} has no title"


def test_trials_facets_and_search_change_the_rows():
    app = open_page()
    everything = trial_names(app)
    hcc = open_page(cancer="hcc")
    assert trial_names(hcc) == {"TALENTOP", "IMbrave150"}
    searched = open_page(q="軟組織肉瘤")
    assert trial_names(searched) == {
        "ALTN-III-04",
        "ANNOUNCE",
        "ALTER-S006",
        *(n for n in everything if n.startswith("Anlotinib")),
    }
    both = open_page(q="crizotinib", design="randomized")
    assert trial_names(both) == {"ALEX", "ALTA-1L", "CROWN", "PROFILE 1014"}


def test_trials_facet_widget_interaction_narrows_rows():
    app = open_page()
    before = len(dataframes(app)[0])
    cancer = next(w for w in app.multiselect if w.key == "trials__cancer")
    cancer.set_value(["sclc"]).run()
    after = dataframes(app)[0]
    assert len(after) < before and set(after.iloc[:, 1]) == {"LEAD", "CASPIAN", "IMpower133"}
    assert param(app, "cancer") == ["sclc"]  # the URL follows the filter


def test_trial_page_shows_values_with_sources_and_caveats():
    app = open_page("trial", trial="lead")
    assert app.title[0].value == "LEAD"
    text = " ".join(str(frame.to_csv()) for frame in dataframes(app))
    assert "8.3 months (80% CI 4.8–12.3)" in text
    assert "004_e230c91d0180c05b" in text and "中位PFS為8.3個月" in text
    badges = " ".join(m.value for m in app.markdown)
    assert "Single-arm trial" in badges and "80% CI" in badges


def test_trial_page_shows_discrepancies_with_both_figures():
    app = open_page("trial", trial="crown")
    text = " ".join(str(frame.to_csv()) for frame in dataframes(app))
    assert "63%" in text and "60%" in text  # the review's 63% beside the primary report's 60%
    assert any("Figures disagree" in e.label or "Doubtful" in e.label for e in app.expander)


def test_forest_figure_has_log_axis_and_reference_line():
    import json

    app = open_page("forest")
    chart = app.get("plotly_chart")[0]
    spec = json.loads(chart.proto.spec)
    assert spec["layout"]["xaxis"]["type"] == "log"
    assert any(s.get("x0") == 1 and s.get("x1") == 1 for s in spec["layout"]["shapes"])
    assert any("no pooling" in w.value.lower() or "not pooled" in w.value.lower() for w in app.warning)


def test_forest_filters_from_the_url():
    app = open_page("forest", endpoint="OS", cancer="sclc")
    table = dataframes(app)[0]
    assert set(table["Endpoint"]) == {"OS"}
    assert set(table["Trial"]) == {"CASPIAN", "IMpower133"}


def test_survival_page_shows_medians_of_the_selected_endpoint():
    app = open_page("survival", endpoint="OS", cancer="sclc")
    table = dataframes(app)[-1]
    medians = " ".join(table["Median OS"].astype(str))
    assert "23.6 months (80% CI 14.1–37.6)" in medians  # LEAD
    assert "12.3 months" in medians  # IMpower133
    assert len(app.get("plotly_chart")) == 2


def test_sources_page_lists_registry_and_discrepancies():
    app = open_page("sources")
    registry = dataframes(app)[0]
    assert "004_e230c91d0180c05b" in set(registry["id"])
    text = " ".join(str(frame.to_csv()) for frame in dataframes(app))
    assert "63" in text and "Asian" in text


@pytest.mark.parametrize("page", PAGES)
def test_language_switch_changes_interface_strings(page):
    english = open_page(page, lang="en")
    chinese = open_page(page, lang="zh-Hans")
    traditional = open_page(page, lang="zh-Hant")
    titles = [english.title[0].value, chinese.title[0].value, traditional.title[0].value]
    assert len(set(titles)) == 3 or page == "trial"  # a trial title is its acronym
    sidebar = [a.sidebar.toggle[0].label for a in (english, chinese, traditional)]
    assert sidebar == ["Presentation mode", "演示模式", "演示模式"]
    assert param(english, "lang") == ["en"] and param(chinese, "lang") == ["zh-Hans"]


def test_traditional_interface_shows_traditional_data_text():
    app = open_page("trial", trial="altn-iii-04", lang="zh-Hant")
    facts = app.table[0].value.to_csv()
    assert "軟組織肉瘤" in facts


def test_presentation_mode_changes_the_layout():
    normal = open_page("forest")
    present = open_page("forest", present="1")
    assert not [b for b in normal.button if b.key == "exit_present"]
    assert [b for b in present.button if b.key == "exit_present"]
    assert param(present, "present") == ["1"]
    styles = " ".join(str(h.proto.body) for h in present.get("html"))
    assert "font-size: 21px" in styles and "stSidebar" in styles


def test_url_restores_sort_and_page_state():
    app = open_page(sort="patients", desc="1")
    assert app.selectbox(key="trials__sort").value == "patients"
    assert app.toggle(key="trials__desc").value is True
    patients = [int(n) for n in dataframes(app)[0]["patients"].dropna()]
    assert patients == sorted(patients, reverse=True)


def test_trial_page_offers_the_evidence_card_and_csv():
    app = open_page("trial", trial="crown")
    labels = [element.proto.label for element in app.get("download_button")]
    assert "Evidence card (printable HTML)" in labels and "Download this trial's values (CSV)" in labels


def test_chart_download_format_is_chosen_beside_the_chart():
    import json

    app = open_page("forest")
    chart = app.get("plotly_chart")[0]
    config = json.loads(chart.proto.config)
    assert config["toImageButtonOptions"] == {
        "format": "png",
        "filename": "forest-hr-all-latest-en",
        "scale": 2,
    }
    app.session_state["forest__chart__format"] = "svg"
    app.run()
    config = json.loads(app.get("plotly_chart")[0].proto.config)
    assert config["toImageButtonOptions"]["format"] == "svg"

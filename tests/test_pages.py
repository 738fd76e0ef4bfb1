"""Every page through the real entrypoint (app.py) with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.html_tables import read_tables

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
    """Every table of the page in order: st.dataframe values, and the presenters' HTML tables
    read back with their column keys (tests/html_tables.py)."""
    frames = []
    for node in app.main:
        if getattr(node, "type", None) == "arrow_data_frame" or type(node).__name__ == "Dataframe":
            frames.append(node.value)
        elif type(node).__name__ == "Html" and "oee-table" in node.value:
            frames.extend(read_tables(node.value))
    return frames


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


def test_every_figure_has_download_figure_buttons_and_follows_the_theme():
    import json

    for page, figures in (("forest", 2), ("survival", 2)):  # forest: arms, and the responder comparison apart
        app = open_page(page)
        charts = app.get("plotly_chart")
        assert len(charts) == figures
        for chart in charts:
            assert chart.proto.theme == "streamlit"  # redrawn by the browser when the theme changes
            config = json.loads(chart.proto.config)
            assert config["toImageButtonOptions"]["format"] == "png"  # the modebar camera too
        labels = [b.proto.label for b in app.get("download_button")]
        assert labels.count("Download figure (PNG)") == figures
        assert labels.count("Download figure (SVG)") == figures
    config = json.loads(open_page("forest").get("plotly_chart")[0].proto.config)
    assert config["toImageButtonOptions"]["filename"] == "forest-hr-all-latest-en"


def test_the_cold_deep_link_workaround_still_has_its_private_attribute():
    """pages/common.ensure_shell switches Streamlit's legacy pages-folder mode off through a
    private attribute; this fails the day Streamlit renames or removes it."""
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager)


# --- imported data, downloads ------------------------------------------------------------------


class Downloads:
    """Every download the pages offered: file name → the bytes a click writes.

    Captured from Streamlit's media file manager. Data files are written on click
    (``deferred``): reading one here calls its callable as Streamlit does on a click — from a
    thread with no session — so a file that read session state would fail here."""

    def __init__(self) -> None:
        self.built: dict[str, bytes] = {}
        self.deferred: dict[str, object] = {}

    def __getitem__(self, name: str) -> bytes:
        if name in self.built:
            return self.built[name]
        return self.deferred[name]()

    def names(self) -> list[str]:
        return [*self.built, *self.deferred]

    def named(self, prefix: str, suffix: str = ".csv") -> tuple[str, bytes]:
        name = next(n for n in self.names() if n.startswith(prefix) and n.endswith(suffix))
        return name, self[name]


@pytest.fixture
def downloads(monkeypatch):
    """The downloads the pages of a test offered (:class:`Downloads`)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    files = Downloads()
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            files.built[file_name] = path_or_data
        return add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    def record_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        files.deferred[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return files


def import_files(app: AppTest, *files: tuple[str, bytes]) -> AppTest:
    """Upload files on the Import page of ``app`` (a session already on that page)."""
    payload = [
        (name, data, "text/csv" if name.endswith(".csv") else "application/toml") for name, data in files
    ]
    app.get("file_uploader")[0].set_value(payload if len(payload) > 1 else payload[0]).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def visit(app: AppTest, page: str, **params: str) -> AppTest:
    for key in list(app.query_params):
        if key not in ("lang", "present"):
            del app.query_params[key]
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def csv_rows(data: bytes) -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def value_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a values CSV keyed by column key, whatever the header language."""
    from core.presentation.export import header_keys

    rows = csv_rows(data)
    keys = header_keys(list(rows[0])) if rows else []
    return [dict(zip(keys, row.values())) for row in rows]


@pytest.fixture
def imported():
    """A session that imported one trial (a median and a hazard ratio of PFS in SCLC)."""
    from tests.hostile.corpus import GOOD_HR, row, to_csv

    data = to_csv([row(trial="mine", trial_name="MINE-1"), dict(GOOD_HR, trial="mine", trial_name="MINE-1")])
    app = import_files(open_page("import"), ("mine.csv", data))
    assert {m.label: m.value for m in app.metric}["Valid values"] == "2"
    return app


def test_every_download_holds_the_imported_data(downloads, imported):
    files = downloads
    app = imported
    rows = value_rows(files["imported-values.csv"])
    assert {r["trial"] for r in rows} == {"mine"} and len(rows) == 2

    visit(app, "trials")
    table = csv_rows(files["trials-en.csv"])
    assert "MINE-1 [user-supplied]" in {r["Trial"] for r in table} and len(table) == 24
    values = value_rows(files["evidence-values.csv"])
    assert {"mine", "lead", "crown"} <= {r["trial"] for r in values}

    visit(app, "trial", trial="mine")
    assert app.title[0].value.startswith("MINE\\-1")
    assert {r["trial"] for r in value_rows(files["mine-values.csv"])} == {"mine"}
    card = files["evidence-card-mine-en.html"].decode("utf-8")
    assert "MINE-1" in card and "8.3" in card

    visit(app, "forest", cancer="sclc", endpoint="PFS")
    forest = value_rows(files.named("forest-hr-PFS")[1])
    assert any(r["shown_trial"] == "MINE-1 [user-supplied]" for r in forest)

    visit(app, "survival", cancer="sclc", endpoint="PFS")
    survival = value_rows(files["survival-PFS-en.csv"])
    assert any(r["shown_trial"] == "MINE-1 [user-supplied]" for r in survival)
    # Every file is written on click, not while its page runs (a page reruns on every filter
    # click; most readers never download), from plain values: the reads above call them as
    # Streamlit does, from a thread with no session, and still find the reader's import.
    assert not files.built, sorted(files.built)
    assert {name.rsplit(".", 1)[-1] for name in files.deferred} == {"csv", "html", "png", "svg"}


def test_an_import_lives_while_other_readers_import(imported):
    from core import store
    from tests.hostile.corpus import row, to_csv

    for index in range(40):  # more than the old limit of 32 uploads, from other sessions
        other = to_csv([row(trial=f"other-{index}", value=str(5 + index / 10))])
        import_files(open_page("import"), (f"other-{index}.csv", other))
    assert len(store.UPLOADS) >= 1
    visit(imported, "trials")
    assert "MINE-1 [user-supplied]" in trial_names(imported)


def test_an_expired_import_is_said_on_every_page_and_never_shows_another_trial(imported):
    from core import store
    from pages import common

    digest = imported.session_state[common.UPLOAD_KEY]
    with store.UPLOADS._lock:
        store.UPLOADS._drop(digest)  # as the size bound would

    visit(imported, "trials")
    assert any("expired" in w.value for w in imported.warning)
    assert "MINE-1 [user-supplied]" not in trial_names(imported)

    visit(imported, "trial", trial="mine")
    assert any("expired" in w.value for w in imported.warning)
    assert [t.value for t in imported.title] == ["Trial"]
    assert not imported.dataframe and param(imported, "trial") == ["mine"]


def test_clear_cache_keeps_the_compiled_database_catalogs_and_imports(imported, monkeypatch):
    """Any client can send clear_cache; it empties st.cache_data and st.cache_resource (and the
    sender's session state). The process-wide state lives outside them."""

    from core import db, store

    compiled = store.compiled_path(str(db.DEFAULT_DATA_DIR))
    connection = store.curated_connection(compiled)
    builds = []
    monkeypatch.setattr(db, "compiled_database", lambda *a, **k: builds.append(a))
    monkeypatch.setattr(db, "connect_readonly", lambda *a, **k: builds.append(a))

    # the installed Streamlit's own handler of a clear_cache message, sent by another reader
    from streamlit.runtime.app_session import AppSession

    class OtherReader:
        _session_state: dict = {"lang": "en"}

    AppSession._handle_clear_cache_request(OtherReader())
    assert OtherReader._session_state == {}  # the handler ran (it clears the sender's state)
    assert trial_names(open_page("trials"))  # another session carries on

    visit(imported, "trials")
    assert "MINE-1 [user-supplied]" in trial_names(imported)
    assert store.curated_connection(compiled) is connection
    assert builds == []  # nothing compiled or opened again


# --- unknown trial ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("requested", ["../../etc/passwd", "crwn", "alexx", "no such trial"])
def test_an_unknown_trial_id_is_said_and_never_shows_another_trial(requested):
    app = open_page("trial", trial=requested)
    assert [t.value for t in app.title] == ["Trial"]
    assert not app.dataframe and not app.table  # no trial's data
    assert param(app, "trial") == [requested]  # the address is not rewritten
    assert any("No trial has the id or name" in e.value for e in app.error)
    assert app.selectbox[0].value is None


def test_an_unknown_trial_id_suggests_the_nearest_trials_as_links():
    app = open_page("trial", trial="crwn")
    links = [(link.proto.label, link.proto.page) for link in app.get("page_link")]
    assert links[0][0] == "CROWN" and "trial=crown" in app.get("page_link")[0].proto.query_string


@pytest.mark.parametrize(("requested", "title"), [("LEAD", "LEAD"), ("Profile 1014", "PROFILE 1014")])
def test_a_trial_id_in_another_case_or_the_printed_name_opens_that_trial(requested, title):
    app = open_page("trial", trial=requested)
    assert app.title[0].value == title
    assert param(app, "trial") == [title.lower().replace(" ", "-")]


def test_without_an_id_the_trial_page_is_a_chooser():
    app = open_page("trial")
    assert app.selectbox[0].value is None and not app.dataframe
    app.selectbox[0].select("crown").run()
    assert param(app, "trial") == ["crown"]
    assert app.title[0].value == "CROWN"


# --- markdown from data ----------------------------------------------------------------------------

PAYLOADS = {
    "image": "![x](http://127.0.0.1:9/p.png)",
    "link": "[a](javascript:alert(1))",
    "latex": "$x^2$",
    "colour": ":red[x]",
    "html": "<b>bold</b>",
    "emphasis": "**loud** _quiet_",
}


def _toml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def markdown_record() -> bytes:
    """A valid record whose every free-text field carries Markdown, LaTeX, image and link payloads."""
    from tests.hostile.corpus import record_toml

    p = {key: _toml_text(value) for key, value in PAYLOADS.items()}
    trial_fields = {
        "condition": p["image"],
        "control": p["link"],
        "registry_ids": f"[{p['latex']}, {p['colour']}]",
        "presented": f"[{p['html']}, {p['image']}]",
        "note": p["link"],
    }
    return record_toml("md-trial", '"MD-1"', p["emphasis"], p["colour"], p["latex"], trial_fields)


def markdown_sources(app: AppTest) -> list[str]:
    """The Markdown source of everything the page renders as Markdown."""
    texts = [
        e.value for kind in ("title", "header", "subheader", "markdown", "caption") for e in app.get(kind)
    ]
    texts += [e.value for kind in ("info", "warning", "error", "success") for e in app.get(kind)]
    texts += [e.label for e in app.expander]
    for table in app.table:  # st.table renders its cells as Markdown
        frame = table.value
        texts += [str(v) for v in frame.to_numpy().ravel()] + [str(i) for i in frame.index]
    texts += [link.proto.label for link in app.get("page_link")]
    return texts


def assert_escaped(texts: list[str], payload: str) -> None:
    from core.text import markdown_escape

    assert not any(payload in text for text in texts), f"{payload!r} rendered as Markdown"
    assert any(markdown_escape(payload) in text for text in texts), f"{payload!r} not shown at all"


def test_data_text_through_markdown_is_escaped_on_the_trial_and_import_pages():
    app = import_files(open_page("import"), (PAYLOADS["image"] + ".toml", markdown_record()))
    assert {m.label: m.value for m in app.metric}["Valid values"] == "1"
    assert_escaped(markdown_sources(app), PAYLOADS["image"])  # the file name in the caption

    visit(app, "trial", trial="md-trial")
    texts = markdown_sources(app)
    facts = app.table[0].value
    assert facts.loc["Condition"].iloc[0].startswith(r"\!\[x\]\(http")
    for payload in PAYLOADS.values():
        assert_escaped(texts, payload)


@pytest.mark.parametrize("name", ["script-tags.csv", "record-with-script.toml"])
def test_hostile_corpus_escaped_text_is_shown_literally(name):
    """The hostile corpus declares which text must be shown literally: on the trial page of the
    imported trial nothing renders it as Markdown, and it is shown (escaped)."""
    from tests.hostile.corpus import CASES_BY_NAME

    case = CASES_BY_NAME[name]
    assert case.escaped
    app = import_files(open_page("import"), (name, case.data))
    trial = next(iter(app.session_state["import__result"]["trials"]))
    visit(app, "trial", trial=trial)
    texts = markdown_sources(app)
    for text in case.escaped:
        assert_escaped(texts, text)


def test_a_broken_record_file_leaves_the_app_serving_the_rest(tmp_path, monkeypatch):
    """One deeply nested record file: every page still opens, with the valid trials, and the
    Sources page shows the broken file's problem."""
    import shutil

    from core.records import DEFAULT_DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    (data / "trials" / "lead.toml").write_text("id = " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    monkeypatch.setenv("EVIDENCE_DATA", str(data))
    monkeypatch.setenv("EVIDENCE_CACHE", str(tmp_path / "cache"))
    for page in PAGES:
        open_page(page, trial="crown")
    assert len(trial_names(open_page())) == 22
    sources = open_page("sources")
    problems = dataframes(sources)[-1]
    assert any(str(f).endswith("lead.toml") for f in problems["File"])
    assert any("nested more than" in str(r) for r in problems["Reason"])
    # a link to the broken trial says it is not there, and shows no other trial
    broken = open_page("trial", trial="lead")
    assert [t.value for t in broken.title] == ["Trial"] and not broken.dataframe


def test_without_source_texts_an_import_says_its_snippets_were_not_checked(monkeypatch, tmp_path):
    from core.presentation.export import to_csv_bytes
    from core.queries import export_frame
    from core.records import DEFAULT_DATA_DIR
    from core.store import compiled_path, curated_connection

    monkeypatch.setenv("EVIDENCE_SOURCES", str(tmp_path / "no-sources-here"))
    monkeypatch.setenv("EVIDENCE_DATA", str(DEFAULT_DATA_DIR) + "/")  # a fresh catalog key
    lead = export_frame(curated_connection(compiled_path(str(DEFAULT_DATA_DIR))), ["lead"]).head(1)
    lead = lead.assign(trial="lead-mine", trial_name="LEAD-MINE", snippet="an invented snippet 8.3")
    lead["value"] = 8.3
    app = import_files(open_page("import"), ("invented.csv", to_csv_bytes(lead)))
    assert {m.label: m.value for m in app.metric}["Valid values"] == "1"
    assert any("were not checked" in w.value.replace("*", "") for w in app.warning)


# --- widgets bound to the URL by Streamlit ---------------------------------------------------------


def test_the_search_is_bound_to_the_url():
    """A bound widget's URL is written by the browser (tested in tests/browser); here: the
    URL seeds it, and typing changes the rows."""
    app = open_page(q="crizotinib")
    assert app.text_input(key="q").value == "crizotinib"
    assert "ALEX" in trial_names(app) and "LEAD" not in trial_names(app)
    app.text_input(key="q").input("durvalumab").run()
    assert "LEAD" in trial_names(app) and "ALEX" not in trial_names(app)


@pytest.fixture
def many_trials(tmp_path, monkeypatch):
    """The bundled data plus 40 renamed copies of LEAD: three pages of trials."""
    import shutil

    from core.records import DEFAULT_DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    lead = (data / "trials" / "lead.toml").read_text(encoding="utf-8")
    for index in range(40):
        copy = lead.replace('id = "lead"', f'id = "lead-{index:02d}"', 1)
        copy = copy.replace('name = "LEAD"', f'name = "LEAD {index:02d}"', 1)
        (data / "trials" / f"lead-{index:02d}.toml").write_text(copy, encoding="utf-8")
    monkeypatch.setenv("EVIDENCE_DATA", str(data))
    monkeypatch.setenv("EVIDENCE_CACHE", str(tmp_path / "cache"))
    return data


def test_the_page_number_is_bound_to_the_url(many_trials):
    first = open_page()
    assert len(dataframes(first)[0]) == 50
    second = AppTest.from_file(APP, default_timeout=60)
    second.query_params["page"] = "2"  # (open_page's own first argument is named page)
    second.run()
    assert second.number_input(key="page").value == 2
    assert len(dataframes(second)[0]) == 13
    assert not set(trial_names(first)) & set(trial_names(second))
    first.number_input(key="page").set_value(2).run()
    assert trial_names(first) == trial_names(second)


def test_a_filter_that_leaves_one_page_shows_its_trials_from_a_later_page(many_trials):
    """The table's query runs for the page the reader was on before the page widget is drawn;
    when the filters leave fewer pages, the first page is read again (never an empty table)."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["page"] = "2"
    app.run()
    assert app.number_input(key="page").value == 2
    app.multiselect(key="trials__cancer").set_value(["hcc"]).run()
    assert not app.exception, [e.message for e in app.exception]
    shown = trial_names(app)
    assert shown and len(shown) < 50
    assert not [n for n in app.number_input if n.key == "page"]  # one page: no page widget


def test_an_opened_row_goes_to_its_trial_before_the_trials_page_draws(monkeypatch):
    """A click on a row keeps its trial in a widget callback (pages/table_view.py), so the
    click's run goes to the trial without building the trials page again (the facets' counts,
    the table). The click itself is sent by the browser tests and tests/test_serve.py."""
    from pages import data

    app = open_page("trials", lang="en", cancer="nsclc-alk")
    counted = []
    real = data.facet_counts
    monkeypatch.setattr(data, "facet_counts", lambda **kwargs: counted.append(kwargs) or real(**kwargs))
    app.session_state["opening:trials_open_row"] = "alex"
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert counted == []  # the trials page stopped before its facets
    assert param(app, "trial") == ["alex"] and param(app, "lang") == ["en"]
    assert "opening:trials_open_row" not in app.session_state  # read once
    # a trial the database does not have: the trials page as before, its facets counted
    app.session_state["opening:trials_open_row"] = "no-such-trial"
    app.switch_page("pages/trials.py").run()
    assert not app.exception and counted

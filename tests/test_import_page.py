"""The Import page through app.py: problems listed, valid rows kept and shown, marked, on
the trials, trial, forest and survival pages; hostile text never breaks a page."""

from __future__ import annotations

import pytest

from tests.hostile.corpus import CASES_BY_NAME
from tests.test_pages import dataframes, full_error_details, open_page  # noqa: F401 - fixture reused


def upload(app, *names: str):
    files = [(name, CASES_BY_NAME[name].data, "text/csv") for name in names]
    app.get("file_uploader")[0].set_value(files if len(files) > 1 else files[0]).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_problems_are_listed_and_valid_rows_kept():
    app = upload(open_page("import"), "reversed-and-negative-ci.csv")
    values = metrics(app)
    assert values["Valid values"] == "1" and values["Problems"] == "3"
    problems = dataframes(app)[0]
    assert list(problems.columns) == ["File", "Row / record", "Field", "Reason"]
    assert any("CI bounds reversed" in reason for reason in problems["Reason"])


def test_problems_in_chinese():
    app = upload(open_page("import", lang="zh-Hans"), "reversed-and-negative-ci.csv")
    reasons = " ".join(dataframes(app)[0]["原因"])
    assert "置信区间上下限颠倒" in reasons


def test_imported_trials_appear_marked_on_every_page():
    app = upload(open_page("import"), "script-tags.csv")
    assert metrics(app)["Valid values"] == "2"

    app.switch_page("pages/trials.py").run()
    assert not app.exception
    names = set(dataframes(app)[0]["trial"])
    marked = [name for name in names if name.endswith("[user-supplied]")]
    assert len(marked) == 1 and "<script>" in marked[0]  # shown as text, marked
    assert len(names) == 24  # 23 curated + 1 imported

    app.query_params["trial"] = "user-trial"
    app.switch_page("pages/trial.py").run()
    assert not app.exception
    assert any("User-supplied" in m.value for m in app.markdown)
    assert "\\<script\\>" in app.title[0].value  # markdown-escaped: shown literally

    app.switch_page("pages/forest.py").run()
    assert not app.exception
    forest = dataframes(app)[0]
    assert any(name.endswith("[user-supplied]") for name in forest["Trial"])

    app.switch_page("pages/survival.py").run()
    assert not app.exception
    survival = dataframes(app)[-1]
    assert any(str(name).endswith("[user-supplied]") for name in survival["Trial"])


@pytest.mark.parametrize("name", list(CASES_BY_NAME))
def test_every_hostile_file_gets_its_result_in_the_app(name):
    from core.presentation.i18n import t

    app = upload(open_page("import", lang="zh-Hant"), name)
    expected = CASES_BY_NAME[name]
    shown = metrics(app)
    assert shown[t("import.values_valid", "zh-Hant")] == str(expected.values)
    problems = int(shown[t("import.problems", "zh-Hant")])
    assert (problems > 0) == bool(expected.problems)

"""The rooms of the house and what each may import, read from the import statements (AST).

- ``core/`` (evidence and presentation) never imports streamlit, ``pages``, ``bench``,
  ``tests``, ``devtools`` or ``docs``: it runs the same under the app, the CLI and the tests.
- the modules that build the database (``core.db`` and what it imports) never import the
  presentation package: editing a figure must not change what the database holds.
- ``pages/`` and ``app.py`` never import ``bench``, ``tests``, ``devtools`` or ``docs``.
- tests, benchmarks and docs tooling do not import each other; what they share lives in
  ``devtools/``, which imports none of them. The one exception is ``tests/test_bench.py``,
  the tests of the benchmark harness itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core import db

ROOT = Path(__file__).resolve().parent.parent

RULES: dict[str, tuple[str, ...]] = {
    "core": ("streamlit", "pages", "bench", "tests", "devtools", "docs"),
    "pages": ("bench", "tests", "devtools", "docs"),
    "app.py": ("bench", "tests", "devtools", "docs"),
    "tests": ("bench", "docs"),
    "bench": ("tests", "docs"),
    "docs": ("tests", "bench"),
    "devtools": ("tests", "bench", "docs", "pages"),
}
"""Room (a folder or a file under the project root) → top-level modules it must not import."""

EXCEPTIONS = {
    ("tests/test_bench.py", "bench"),  # the benchmark harness's own tests
    ("tests/test_serve.py", "bench"),  # the serving cluster and load client live in bench/ for now
    ("tests/test_facet_counts.py", "bench"),  # known debt: borrows bench's synthetic corpus
}
"""(file, module) pairs allowed despite the rules; each says why (move the shared part to
devtools/ and drop its entry)."""

BUILDER_EXCEPTIONS = {("core/problems.py", "core.presentation.problems")}
"""Known debt: ``Problem.reason`` words a problem in English through the presentation's
catalog (lazily, inside the property), and ``core/db.py`` stores that wording in the
``problems`` table. The hash follows (core.db.build_code_files lists those files); the day
the table stops storing the wording, drop this entry."""


def imported_modules(source: str, module: str = "") -> set[str]:
    """Every module a Python source imports, anywhere in it (also inside functions).

    ``module`` is the importing module's dotted name, to resolve relative imports.
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.add(target)
            names |= {f"{target}.{alias.name}" for alias in node.names}
    return names


def violations(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    relative = path.relative_to(ROOT).as_posix()
    module = relative.removesuffix(".py").replace("/", ".")
    found = imported_modules(path.read_text(encoding="utf-8"), module)
    return sorted(
        f"{relative} imports {name}"
        for name in found
        if name.split(".")[0] in forbidden and (relative, name.split(".")[0]) not in EXCEPTIONS
    )


def python_files(room: str) -> list[Path]:
    path = ROOT / room
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


@pytest.mark.parametrize("room", sorted(RULES))
def test_each_room_imports_only_what_it_may(room):
    files = python_files(room)
    assert files, f"{room} holds no Python files: the rule checks nothing"
    found = [problem for path in files for problem in violations(path, RULES[room])]
    assert not found, "\n".join(found)


def test_the_database_builders_do_not_import_the_presentation():
    found = [
        f"{relative} imports {name}"
        for path in db.build_code_files()
        if path.suffix == ".py" and "presentation" not in path.parts
        for relative in [path.relative_to(ROOT).as_posix()]
        for name in imported_modules(path.read_text(encoding="utf-8"))
        if name.startswith("core.presentation")
        and not any(relative == file and name.startswith(module) for file, module in BUILDER_EXCEPTIONS)
    ]
    assert not found, "\n".join(found)


# --- the checker itself finds what it must ---------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import streamlit as st",
        "import streamlit.components.v1",
        "from streamlit import session_state",
        "def later():\n    from pages import common\n",
        "try:\n    import bench.server\nexcept ImportError:\n    pass\n",
    ],
)
def test_the_checker_sees_every_form_of_import(tmp_path, monkeypatch, source):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / "core").mkdir()
    bad = tmp_path / "core" / "bad.py"
    bad.write_text(source, encoding="utf-8")
    assert violations(bad, RULES["core"]), source


def test_relative_imports_are_resolved():
    assert "pages.common" in imported_modules("from .common import tr", "pages.trials")
    assert "core.schema" in imported_modules("from .. import schema", "core.presentation.plots")


def test_a_name_that_only_starts_like_a_room_is_not_taken_for_it(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / "core").mkdir()
    fine = tmp_path / "core" / "fine.py"
    fine.write_text("import streamlitish\nfrom pagesize import A4\n", encoding="utf-8")
    assert violations(fine, RULES["core"]) == []

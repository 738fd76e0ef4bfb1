"""Each module of core/presentation imports only what its docstring allows."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "core" / "presentation"
STANDARD = {
    "__future__",
    "collections",
    "re",
    "unicodedata",
    "dataclasses",
    "datetime",
    "functools",
    "html",
    "io",
    "json",
    "math",
    "pathlib",
    "textwrap",
    "tomllib",
    "typing",
    "urllib",
}
ALLOWED = {
    "i18n": {"core.text"},
    # headers in the reader's language (i18n); the CSV of the values a page shows (tables, caveats)
    "export": {
        "pandas",
        "core.schema",
        "core.presentation.i18n",
        "core.presentation.tables",
        "core.presentation.caveats",
    },
    "caveats": {"pandas", "core.schema", "core.presentation.i18n"},
    "formatting": {"core.schema", "core.text", "core.presentation.i18n", "core.presentation.caveats"},
    "tables": {
        "pandas",
        "core.schema",
        "core.presentation.caveats",
        "core.presentation.formatting",
        "core.presentation.i18n",
    },
    "survival": {
        "pandas",
        "core.schema",
        "core.presentation.caveats",
        "core.presentation.formatting",
        "core.presentation.i18n",
        "core.derived",
        "core.presentation.derivations",
    },
    "figure_data": {
        "pandas",
        "core.schema",
        "core.presentation.caveats",
        "core.presentation.citations",
        "core.presentation.formatting",
        "core.presentation.i18n",
    },
    # a figure's title, citation and text alternative, written from prepared frames
    "citations": {"pandas", "core.schema", "core.presentation.formatting", "core.presentation.i18n"},
    "plots": {"pandas", "plotly.graph_objects", "core.presentation.figure_data"},
    # forest rows a researcher can trust (f3): the hazard-ratio table, trials without an HR
    "estimates": {
        "pandas",
        "core.schema",
        "core.presentation.caveats",
        "core.presentation.formatting",
        "core.presentation.tables",
        "core.presentation.figure_data",
        "core.presentation.i18n",
    },
    # derived numbers worded (h4): draws its own small charts with the plots' palette
    "derivations": {
        "pandas",
        "plotly.graph_objects",
        "core.derived",
        "core.schema",
        "core.text",
        "core.presentation.formatting",
        "core.presentation.i18n",
        "core.presentation.plots",
    },
    "problems": {"pandas", "core.problems", "core.presentation.i18n"},
    # figure files for slides: drawn by kaleido with a browser found on this machine
    "figure_export": {"os", "shutil", "plotly.graph_objects", "kaleido", "core.presentation.figure_data"},
    "card": {
        "pandas",
        "core.schema",
        "core.queries",
        "core.presentation.caveats",
        "core.presentation.tables",
        "core.presentation.i18n",
        "core.derived",
        "core.presentation.derivations",
    },
}


def imports(path: Path) -> set[str]:
    """Every module a file imports (``from core import schema`` counts as ``core.schema``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in ("core", "core.presentation"):
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
    return found


def test_every_module_is_listed():
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert modules == set(ALLOWED)


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_module_imports_only_what_it_may(module):
    used = {name for name in imports(PACKAGE / f"{module}.py") if name.split(".")[0] not in STANDARD}
    assert used <= ALLOWED[module], sorted(used - ALLOWED[module])

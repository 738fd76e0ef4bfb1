"""Provenance of every figure: each snippet is found in its source text and contains its
numbers. Reads the raw TOML, not the loader's output, so a loader that silently dropped a
value could not hide it from this test.

The source texts come from ../shared/sources or $EVIDENCE_SOURCES; under CI (CI=true) a
missing folder fails instead of skipping (see conftest.source_folder).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from core import schema
from core.records import DEFAULT_DATA_DIR, _section
from core.text import contains_number, squeeze

TRIAL_FILES = sorted((DEFAULT_DATA_DIR / "trials").glob("*.toml"))


def registry() -> dict[str, dict]:
    with (DEFAULT_DATA_DIR / "sources.toml").open("rb") as handle:
        return {source["id"]: source for source in tomllib.load(handle)["sources"]}


@pytest.fixture(scope="module")
def source_texts(sources_dir: Path) -> dict[str, str]:
    texts = {}
    for source_id, source in registry().items():
        text = (sources_dir / source["file"]).read_text(encoding="utf-8")
        if source.get("section"):
            text = _section(text, source["section"])
            assert text is not None, f"{source_id}: section missing"
        texts[source_id] = squeeze(text)
    return texts


def test_there_is_curated_data():
    assert len(TRIAL_FILES) >= 15


@pytest.mark.parametrize("path", TRIAL_FILES, ids=lambda p: p.stem)
def test_every_value_is_traceable(path, source_texts):
    with path.open("rb") as handle:
        trial = tomllib.load(handle)
    problems = []
    for entry in [*trial.get("values", []), *[a for a in trial.get("arms", []) if a.get("snippet")]]:
        label = entry.get("id", "?")
        snippet, source = entry["snippet"], entry["source"]
        if len(snippet) > schema.SNIPPET_MAX_CHARS:
            problems.append(f"{label}: snippet longer than {schema.SNIPPET_MAX_CHARS}")
        if squeeze(snippet) not in source_texts[source]:
            problems.append(f"{label}: snippet {snippet!r} not in {source}")
        for name in schema.NUMERIC_FIELDS_IN_SNIPPET:
            number = entry.get(name)
            if isinstance(number, (int, float)) and not contains_number(snippet, number):
                problems.append(f"{label}: {name}={number} not in {snippet!r}")
    assert not problems, "\n".join(problems)


def test_every_value_states_its_meaning():
    """Unit, evidence kind and source on every value; a CI level wherever there is a CI."""
    for path in TRIAL_FILES:
        with path.open("rb") as handle:
            trial = tomllib.load(handle)
        for value in trial.get("values", []):
            where = f"{path.name}:{value.get('id')}"
            assert value.get("unit") and value.get("evidence_kind") and value.get("source"), where
            if "ci_low" in value or "ci_high" in value:
                assert value.get("ci_level") in (*schema.CI_LEVELS, "unknown"), where

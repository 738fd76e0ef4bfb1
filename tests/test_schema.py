"""The registry of vocabularies, named subsets and CSV columns (core/schema.py), and that the
SQL, the importer, the export and the pages read it instead of repeating it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import db, queries, schema
from core.presentation import i18n

SQL_DIR = Path(db.__file__).with_name("sql")


def test_every_subset_key_belongs_to_its_vocabulary():
    for subset in schema.SUBSETS.values():
        labels = schema.VOCABULARIES[subset.vocabulary].labels
        unknown = [key for key in subset.keys if key not in labels]
        assert not unknown, f"{subset.name}: {unknown} are not {subset.vocabulary} keys"
        assert len(set(subset.keys)) == len(subset.keys), f"{subset.name} repeats a key"


def test_vocabulary_and_subset_names_do_not_collide():
    assert not set(schema.VOCABULARIES) & set(schema.SUBSETS)


def test_every_catalog_key_exists_in_every_language():
    for lang in i18n.LANGUAGES:
        catalog = i18n.catalog(lang)
        missing = [
            v.catalog_key
            for v in schema.VOCABULARIES.values()
            if v.catalog_key and v.catalog_key not in catalog
        ]
        assert not missing, (lang, missing)


def test_url_keys_are_unique_and_match_the_trials_facets():
    url_keys = [v.url_key for v in schema.VOCABULARIES.values() if v.url_key]
    assert len(url_keys) == len(set(url_keys))
    labelled = {key: facet.vocabulary for key, facet in queries.FACETS.items() if facet.vocabulary}
    assert labelled, "no facet is labelled from a vocabulary"
    for key, vocabulary in labelled.items():
        assert schema.VOCABULARIES_BY_URL_KEY[key].name == vocabulary, key
    # a facet shown as it is (drug, source) has no vocabulary to take labels from
    for key, facet in queries.FACETS.items():
        if facet.vocabulary is None:
            assert key not in schema.VOCABULARIES_BY_URL_KEY


def test_the_vocab_table_holds_every_vocabulary_and_subset_in_order(con):
    rows = con.execute("SELECT vocabulary, key FROM vocab ORDER BY vocabulary, position").fetchall()
    stored: dict[str, list[str]] = {}
    for vocabulary, key in rows:
        stored.setdefault(vocabulary, []).append(key)
    for name, vocabulary in schema.VOCABULARIES.items():
        assert stored[name] == list(vocabulary.labels), name
    for name, subset in schema.SUBSETS.items():
        assert stored[name] == list(subset.keys), name


def test_the_sql_names_no_more_than_one_key_of_a_subset():
    """A group spelled out in SQL (IN ('a', 'b', …)) belongs in SUBSETS, read from vocab."""
    for script in sorted(SQL_DIR.glob("*.sql")):
        text = script.read_text(encoding="utf-8")
        for subset in schema.SUBSETS.values():
            named = [key for key in subset.keys if re.search(rf"'{re.escape(key)}'", text)]
            assert len(named) <= 1, f"{script.name} repeats {subset.name}: {named}"


@pytest.mark.parametrize(
    ("subset", "keys", "check"),
    [
        # sizes come from the size_count_term counts only
        ("size_count_term", ("screened",), "SELECT count(*) FROM v_trial_sizes WHERE n IS NOT NULL"),
        # the survival comparison holds the survival measures only
        ("survival_measure", ("median",), "SELECT count(*) FROM survival_value_rows"),
    ],
)
def test_the_sql_reads_its_groups_from_the_registry(monkeypatch, evidence, con, subset, keys, check):
    before = con.execute(check).fetchone()[0]
    changed = dict(schema.SUBSETS)
    changed[subset] = schema.Subset(subset, schema.SUBSETS[subset].vocabulary, keys)
    monkeypatch.setattr(schema, "SUBSETS", changed)
    other = db.connect_memory(evidence)
    try:
        assert other.execute(check).fetchone()[0] != before
    finally:
        other.close()


def test_headline_prefers_the_registry_order(monkeypatch, evidence, con):
    """Reversing the headline measure priority changes which figure summarises some trial."""
    before = dict(con.execute("SELECT trial, measure FROM headline_rows").fetchall())
    changed = dict(schema.SUBSETS)
    original = schema.SUBSETS["headline_measure"]
    changed["headline_measure"] = schema.Subset(original.name, original.vocabulary, original.keys[::-1])
    monkeypatch.setattr(schema, "SUBSETS", changed)
    other = db.connect_memory(evidence)
    try:
        after = dict(other.execute("SELECT trial, measure FROM headline_rows").fetchall())
    finally:
        other.close()
    assert after != before


def test_csv_columns_are_one_list():
    names = [name for name, _ in schema.CSV_COLUMNS]
    assert len(names) == len(set(names))
    assert tuple(names) == schema.EXPORT_COLUMNS
    assert set(schema.REQUIRED_COLUMNS) | set(schema.OPTIONAL_COLUMNS) == set(names)
    assert not set(schema.REQUIRED_COLUMNS) & set(schema.OPTIONAL_COLUMNS)
    # what places and proves a value is required; labels and caveats are not
    assert {"trial", "analysis", "endpoint", "measure", "unit", "source", "snippet"} <= set(
        schema.REQUIRED_COLUMNS
    )
    assert not {"trial_name", "arm_label", "note", "flags"} & set(schema.REQUIRED_COLUMNS)


def test_the_importer_reads_the_schema_columns():
    from core import importer

    assert importer.REQUIRED_COLUMNS is schema.REQUIRED_COLUMNS
    assert importer.OPTIONAL_COLUMNS is schema.OPTIONAL_COLUMNS


def test_an_unknown_column_is_refused_and_a_missing_required_one_named():
    from core.importer import read_upload

    header = ",".join(schema.EXPORT_COLUMNS)
    result = read_upload("x.csv", (header + ",surprise\n").encode())
    assert any("surprise" in problem.reason or "surprise" in problem.field for problem in result.problems)
    without_unit = ",".join(c for c in schema.REQUIRED_COLUMNS if c != "unit")
    result = read_upload("y.csv", (without_unit + "\n").encode())
    assert any("unit" in problem.reason or problem.field == "unit" for problem in result.problems)

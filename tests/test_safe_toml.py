"""The record parser: rtoml where it agrees with tomllib, tomllib for everything else."""

import tomllib

import pytest

from core import safe_toml
from core.records import DEFAULT_DATA_DIR


def test_every_curated_file_parses_as_tomllib_parses_it_and_takes_the_fast_path():
    files = [DEFAULT_DATA_DIR / "sources.toml", *sorted((DEFAULT_DATA_DIR / "trials").glob("*.toml"))]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert safe_toml.loads(text) == tomllib.loads(text), path.name
        assert safe_toml._toml10_only(*safe_toml._checked(text)), path.name


@pytest.mark.parametrize(
    "text",
    [
        "a = {b = 1,}",  # TOML 1.1: trailing comma in an inline table
        "a = {b = 1,\n c = 2}",  # TOML 1.1: line break inside an inline table
        'a = "\\e"',  # TOML 1.1 escape
        'a = "\\x41"',  # TOML 1.1 escape
        "t = 10:30",  # TOML 1.1: a time without seconds
        "x = 1\nx = 2",  # refused by both: tomllib words it
    ],
)
def test_what_tomllib_refuses_stays_refused_in_its_words(text):
    with pytest.raises(tomllib.TOMLDecodeError) as expected:
        tomllib.loads(text)
    with pytest.raises(tomllib.TOMLDecodeError) as got:
        safe_toml.loads(text)
    assert str(got.value) == str(expected.value)


def test_a_long_number_is_still_marked_and_a_deep_key_still_refused():
    marked = safe_toml.loads("n = " + "1" * 45)
    assert safe_toml.long_number_digits(marked["n"]) == 45
    with pytest.raises(safe_toml.TomlRefused) as refused:
        safe_toml.loads("x = 1\n" + ".".join(["a"] * 40) + " = 1")
    assert refused.value.code == "too_many_segments" and refused.value.line == 2

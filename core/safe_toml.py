"""Parse TOML only when it is safe to: a cheap, linear pre-scan refuses the shapes that make
Python's parser slow or crash, before it runs.

``tomllib`` is quadratic in the segments of a dotted key (a 300 KB ``[a.a.a…]`` header held
a core for 70 s), recursive in nesting (a deeply nested array raises ``RecursionError``),
and refuses integers of more than 4,300 digits with a ``ValueError``. :func:`loads` checks
these with regular expressions that run in C and never backtrack: it raises
:class:`TomlRefused` (a problem code with parameters) for the first two, and turns a number
of more than :data:`MAX_DIGITS` digits into a marked text that the validator reports for its
record and field. Uploads and the curated
record files go through the same function.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

MAX_TOML_BYTES = 1024 * 1024
"""A record file larger than this is not parsed: one trial's record is tens of KB, and the
parser takes about a second per MB of the worst valid input (a long array of numbers)."""
MAX_KEY_SEGMENTS = 32
"""At most this many dot-separated parts in one key or table header (records use 2)."""
MAX_NESTING = 16
"""At most this deep nesting of arrays and inline tables (records use 3)."""
MAX_DIGITS = 40
"""A bare number with more digits than this is refused (no real figure has 40 digits)."""

# strings and comments, so that brackets and dots inside them are not counted
_SKIP = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*')
_SEP = r"=,\n\[\]{}"
# starts only at a separator (the look-behind fails in O(1) elsewhere), so the scan is linear
_DOTTED = re.compile(rf"(?:^|(?<=[{_SEP}]))(?:[^{_SEP}.]*+\.){{{MAX_KEY_SEGMENTS}}}", re.MULTILINE)
_INNERMOST = re.compile(r"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")
_LONG_NUMBER = re.compile(
    rf"(?:^|(?<=[{_SEP} \t]))[+-]?(?:[0-9_]{{{MAX_DIGITS + 1},}}(?:\.[0-9_]*)?|[0-9_]*\.[0-9_]{{{MAX_DIGITS + 1},}})"
    r"(?:[eE][+-]?[0-9_]+)?",
    re.MULTILINE,
)
LONG_NUMBER = "\x00number-of-digits:"
"""A number too long to be a figure is parsed as the text ``LONG_NUMBER + "<digits>"``: the
validator then reports it for its own record and field (:func:`long_number_digits`), and the
file's other records still load."""


def long_number_digits(value: object) -> int | None:
    """The digit count of a number :func:`loads` replaced, or ``None`` for any other value."""
    if isinstance(value, str) and value.startswith(LONG_NUMBER):
        return int(value.removeprefix(LONG_NUMBER))
    return None


def _mark_long_numbers(text: str, skeleton: str) -> str:
    parts, end = [], 0
    for match in _LONG_NUMBER.finditer(skeleton):
        digits = sum(map(str.isdigit, match.group()))
        parts += [text[end : match.start()], f'"\\u0000number-of-digits:{digits}"']
        end = match.end()
    return "".join(parts) + text[end:] if parts else text


class TomlRefused(ValueError):
    """The text was not parsed: ``code`` and ``params`` say why (a ``problem.<code>``)."""

    def __init__(self, code: str, line: int | None = None, **params: Any):
        super().__init__(code)
        self.code = code
        self.line = line
        self.params = params


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def check(text: str) -> str:
    """Raise :class:`TomlRefused` if ``text`` is too large, too deep, or has keys of too
    many parts; return it with over-long numbers marked (:data:`LONG_NUMBER`). Linear in
    the length of ``text``."""
    size = len(text.encode("utf-8", "replace"))
    if size > MAX_TOML_BYTES:
        raise TomlRefused("too_large", size=size, max=MAX_TOML_BYTES)
    # same length, strings and comments blanked: positions (and so line numbers) still hold
    skeleton = _SKIP.sub(lambda match: "s" * (match.end() - match.start()), text)
    dotted = _DOTTED.search(skeleton)
    if dotted:
        raise TomlRefused("too_many_segments", line=_line_of(text, dotted.start()), max=MAX_KEY_SEGMENTS)
    nested = skeleton
    for _ in range(MAX_NESTING):
        nested, removed = _INNERMOST.subn("", nested)
        if not removed:
            break
    else:
        if _INNERMOST.search(nested):
            raise TomlRefused("too_deep", max=MAX_NESTING)
    return _mark_long_numbers(text, skeleton)


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads`` behind :func:`check`. Raises :class:`TomlRefused` or
    ``tomllib.TOMLDecodeError``; never ``RecursionError`` or ``ValueError`` of its own."""
    text = check(text)
    try:
        return tomllib.loads(text)
    except RecursionError:  # pragma: no cover - check() bounds nesting far below the limit
        raise TomlRefused("too_deep", max=MAX_NESTING) from None
    except tomllib.TOMLDecodeError:
        raise
    except ValueError as exc:  # e.g. an integer the int() limit refuses
        raise TomlRefused("not_toml", detail=str(exc)[:80]) from None

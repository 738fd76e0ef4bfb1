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

The checked text is parsed by ``rtoml`` (Rust; about ten times faster than ``tomllib``, which
was half of compiling a large corpus; see docs/benchmarks.md) when it holds none of the
TOML 1.1 shapes ``rtoml`` accepts and ``tomllib`` refuses (:func:`_toml10_only`), and by
``tomllib`` otherwise, or when ``rtoml`` refuses it: what is accepted, what is refused and the
wording of a refusal stay ``tomllib``'s.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from typing import Any

try:  # pinned in requirements.txt; without it the pure-Python parser does all the work
    import rtoml
except ImportError:  # pragma: no cover - rtoml is a runtime requirement
    rtoml = None

MAX_TOML_BYTES = 1024 * 1024
"""A record file larger than this is not parsed: one trial's record is tens of KB, and the
parser takes about a second per MB of the worst valid input (a long array of numbers)."""
MAX_KEY_SEGMENTS = 32
"""At most this many dot-separated parts in one key or table header (records use 2)."""
MAX_NESTING = 16
"""At most this deep nesting of arrays and inline tables (records use 3)."""
MAX_DIGITS = 40
"""A bare number with more digits than this is refused (no real figure has 40 digits)."""

# strings and comments, so that brackets and dots inside them are not counted. A basic string
# is written "unrolled" ("text, then escape-and-text pairs"): the same matches as the plainer
# "(?:[^"\\\n]|\\.)*" (a backslash always takes the next character, so there is one way to
# match), at half the cost, since the regex engine loops over a character class instead of
# entering a group for every character. Captured whole, so that :func:`_skeleton` can split on it.
_SKIP = re.compile(r'("""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\n]*\'|#[^\n]*)')
_SEP = r"=,\n\[\]{}"
# starts only at a separator (the look-behind fails in O(1) elsewhere), so the scan is linear
_DOTTED = re.compile(rf"(?:^|(?<=[{_SEP}]))(?:[^{_SEP}.]*+\.){{{MAX_KEY_SEGMENTS}}}", re.MULTILINE)
_INNERMOST = re.compile(r"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")
_NOT_BRACKETS = {code: None for code in range(128) if chr(code) not in "[]{}"}
"""Deletes every ASCII character but the brackets: :data:`_INNERMOST` reads only the brackets
(any other character may stand between them), so removing the rest changes none of its
matches, and its rounds then scan a short text."""
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


_DIGIT_RUN = re.compile(rf"[0-9_][0-9_]{{{MAX_DIGITS}}}")
"""Every match of :data:`_LONG_NUMBER` holds such a run: without one there is nothing to mark.
(Written as one character and then the other 40: the same matches as ``[0-9_]{41}``, but the
regex engine then skips to a candidate first character quickly, twice as fast on a record.)"""


def _mark_long_numbers(text: str, outside: str) -> str:
    """``text`` with every number of more than :data:`MAX_DIGITS` digits outside its strings
    and comments replaced by a marked string. (``outside``: :func:`_outside` of ``text``, which
    has a run of such digits where the skeleton has one; the positions come from the skeleton.)"""
    if not _DIGIT_RUN.search(outside):
        return text
    skeleton = _skeleton(text)
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


def _dotted(skeleton: str) -> int | None:
    """Where the first key of too many parts starts, or ``None``. (``skeleton``: the text
    with strings and comments blanked, :func:`_skeleton`, or shortened, :func:`_outside`.)

    A match of :data:`_DOTTED` never spans a line (a newline is a separator), so only the lines
    with enough dots are searched: the same answer as searching the whole text, at a fraction
    of the cost on a record file's few hundred lines.
    """
    if skeleton.count(".") < MAX_KEY_SEGMENTS:
        return None
    lines = skeleton.split("\n")
    # the dots of every line counted in one pass in C; most files have no line with enough
    if max(map(str.count, lines, itertools.repeat("."))) < MAX_KEY_SEGMENTS:
        return None
    position = 0
    for line in lines:
        if line.count(".") >= MAX_KEY_SEGMENTS:
            match = _DOTTED.search(line)
            if match:
                return position + match.start()
        position += len(line) + 1
    return None


def check(text: str) -> str:
    """Raise :class:`TomlRefused` if ``text`` is too large, too deep, or has keys of too
    many parts; return it with over-long numbers marked (:data:`LONG_NUMBER`). Linear in
    the length of ``text``."""
    return _checked(text)[0]


def _skeleton(text: str) -> str:
    """``text`` with every string and comment blanked to as many ``s``: the same length, so
    positions (and so line numbers) still hold.

    Split on :data:`_SKIP` (its one group keeps the matches, at the odd places), the matches
    replaced by their length in ``s``, joined again: no Python function runs per match, as one
    would with ``_SKIP.sub(function, text)`` (a record file has hundreds of strings).
    """
    parts = _SKIP.split(text)
    parts[1::2] = map("s".__mul__, map(len, parts[1::2]))
    return "".join(parts)


def _outside(text: str) -> str:
    """What of ``text`` lies outside its strings and comments, each of them replaced by one
    ``s``: the :func:`_skeleton` with each blanked run shortened to one letter.

    Every check of :func:`_checked` reads only what lies between the strings, and a run of
    ``s`` is to each of them what one ``s`` is (a character that is no separator, dot, digit,
    bracket, brace, colon or white space, and ASCII): each finds a match here exactly when it
    finds one in the skeleton. The checks then scan half the text, and the skeleton, which
    keeps every position, is made only when a position is needed (a line to report, a long
    number to mark), which a valid record file never needs.
    """
    return "s".join(_SKIP.split(text)[0::2])


def _checked(text: str) -> tuple[str, str]:
    """:func:`check`'s text, and what lies outside its strings and comments (:func:`_outside`)."""
    size = len(text.encode("utf-8", "replace"))
    if size > MAX_TOML_BYTES:
        raise TomlRefused("too_large", size=size, max=MAX_TOML_BYTES)
    outside = _outside(text)
    if _dotted(outside) is not None:
        dotted = _dotted(_skeleton(text))  # the same key, at its position in the text
        raise TomlRefused("too_many_segments", line=_line_of(text, dotted), max=MAX_KEY_SEGMENTS)
    nested = outside.translate(_NOT_BRACKETS)  # a few hundred brackets instead of the file
    for _ in range(MAX_NESTING):
        nested, removed = _INNERMOST.subn("", nested)
        if not removed:
            break
    else:
        if _INNERMOST.search(nested):
            raise TomlRefused("too_deep", max=MAX_NESTING)
    return _mark_long_numbers(text, outside), outside


# TOML 1.1 shapes (rtoml accepts them, tomllib refuses them), looked for conservatively: a
# trailing comma or a line break inside an inline table, the escapes \e and \xHH, a time
# without seconds; and non-ASCII outside strings (bare keys). Any of them sends the text to
# tomllib, which is always right, only slower.
_TOML11_SKELETON = re.compile(r",\s*\}|\{[^}\n]*\n|[0-9]{2}:[0-9]{2}")
_TOML11_ESCAPE = re.compile(r"\\[ex]")


def _toml10_only(text: str, outside: str) -> bool:
    """Does ``text`` hold none of the TOML 1.1 shapes above? (``outside``: what lies outside
    its strings and comments, :func:`_outside`; a long number :func:`check` marked stays a
    number there, which holds none of them either.)"""
    if _TOML11_ESCAPE.search(text):
        return False
    if not outside.isascii():
        return False
    # every match of the pattern holds a brace or a colon; most record files have neither
    # outside their strings, and these look-ups are far cheaper than the pattern's scan
    if "{" not in outside and "}" not in outside and ":" not in outside:
        return True
    return not _TOML11_SKELETON.search(outside)


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads`` behind :func:`check`. Raises :class:`TomlRefused` or
    ``tomllib.TOMLDecodeError``; never ``RecursionError`` or ``ValueError`` of its own."""
    text, outside = _checked(text)
    if rtoml is not None and _toml10_only(text, outside):
        try:
            return rtoml.loads(text)
        except Exception:  # noqa: BLE001, S110 - tomllib decides, and words the refusal
            pass
    try:
        return tomllib.loads(text)
    except RecursionError:  # pragma: no cover - check() bounds nesting far below the limit
        raise TomlRefused("too_deep", max=MAX_NESTING) from None
    except tomllib.TOMLDecodeError:
        raise
    except ValueError as exc:  # e.g. an integer the int() limit refuses
        raise TomlRefused("not_toml", detail=str(exc)[:80]) from None

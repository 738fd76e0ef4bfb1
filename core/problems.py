"""Validation problems as codes with parameters, bounded in size.

A :class:`Problem` says *where* (file, record or CSV line, field) and *what* (a ``code``
and its parameters); the words are in the catalogs (``problem.<code>`` in
``data/i18n/*.toml``) and :mod:`core.presentation.problems` renders them in the reader's
language. Nothing here holds a sentence.

Input can multiply what a problem echoes (a value naming an unknown arm, a CSV row
repeating a header cell), so every echoed value is shortened by :func:`shown` (at most
:data:`ECHO_CHARS` characters, control characters escaped) and a file keeps at most
:data:`MAX_PROBLEMS_PER_FILE` problems (:class:`ProblemLog`), with a last one saying how
many more there were. This module imports nothing from the rest of ``core``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ECHO_CHARS = 80
"""An echoed input value is cut to this many characters (with "…")."""
PARAM_CHARS = 1_000
"""Hard bound on any text parameter (static lists such as allowed values included)."""
MAX_PROBLEMS_PER_FILE = 100
"""A file keeps its first this-many problems; the rest are counted, not kept."""

# C0/C1 controls, DEL, and the bidirectional overrides that can disguise terminal text
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """Control characters as visible escapes (``\\x1b``), never raw: safe for a terminal."""
    return _UNSAFE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def clip(text: str, limit: int = ECHO_CHARS) -> str:
    """``text`` with control characters escaped, cut to ``limit`` characters with "…"."""
    text = escape_controls(text[: limit * 4])  # escaping can only lengthen; never scan more
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: Any, limit: int = ECHO_CHARS) -> str:
    """An input value as a reader should see it in a message: short, quoted if text.

    Never builds a long representation first (a 5,000-digit integer or a list of
    100,000 items is summarised, not printed).
    """
    if isinstance(value, str):
        return "'" + clip(value, limit - 2) + "'"
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "nothing"
    if isinstance(value, int):
        if value.bit_length() > 3 * limit:  # str() of a huge int is slow and may raise
            return f"<a number of about {int(value.bit_length() * 0.30103)} digits>"
        return clip(str(value), limit)
    if isinstance(value, float):
        return clip(repr(value), limit)
    if isinstance(value, (list, tuple)):
        head = ", ".join(shown(item, limit) for item in value[:5])
        more = ", …" if len(value) > 5 else ""
        return clip(f"[{head}{more}]", limit)
    if isinstance(value, dict):
        return f"<a table of {len(value)} key(s)>"
    return f"<{type(value).__name__}>"


def listing(items, limit: int = ECHO_CHARS) -> str:
    """Items (input-derived) as one short comma-separated text, with the count if cut."""
    items = list(items)
    text = ", ".join(clip(str(item), limit) for item in items[:20])
    if len(text) > limit or len(items) > 20:
        suffix = f" ({len(items)} in all)"
        return clip(text, limit - len(suffix)) + suffix
    return text


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return clip(value, PARAM_CHARS)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value if isinstance(value, float) or value.bit_length() < 64 else shown(value)
    return shown(value)


@dataclass(frozen=True)
class Problem:
    """One validation failure: where (file, record or CSV line, field), and a code with
    parameters. Render it with :func:`core.presentation.problems.message`."""

    file: str
    record: str  # "values[1] (id=bad)", "trial", "header", or "" for a CSV line / whole file
    field: str
    code: str
    params: tuple[tuple[str, Any], ...] = ()
    line: int | None = None  # CSV line number (the header is line 1)

    @classmethod
    def of(cls, file: str, record: str, field: str, code: str, line: int | None = None, **params: Any):
        """A problem with every parameter bounded (text clipped, huge numbers summarised)."""
        bounded = tuple((name, _bounded(value)) for name, value in params.items())
        return cls(clip(file, 200), clip(record, 200), clip(field, 200), code, bounded, line)

    @property
    def args(self) -> dict[str, Any]:
        return dict(self.params)

    def sort_key(self) -> tuple:
        # the line saying how many more there were comes last in its file
        return (self.file, self.code == "more_problems", self.line or 0, self.record, self.field, self.code)

    def __lt__(self, other: Problem) -> bool:
        return self.sort_key() < other.sort_key()

    @property
    def reason(self) -> str:
        """The English message (for logs and the command line)."""
        from core.presentation.problems import message  # the words live in the catalogs

        return message(self, "en")

    def __str__(self) -> str:
        from core.presentation.problems import where

        place = ":".join(part for part in (self.file, where(self, "en"), self.field) if part)
        return f"{place}: {self.reason}"


@dataclass
class ProblemLog:
    """The problems of one file: the first :data:`MAX_PROBLEMS_PER_FILE` kept, all counted."""

    file: str
    limit: int = MAX_PROBLEMS_PER_FILE
    kept: list[Problem] = field(default_factory=list)
    total: int = 0

    def append(self, problem: Problem) -> None:
        self.total += 1
        if len(self.kept) < self.limit:
            self.kept.append(problem)

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self.kept)

    def problems(self) -> list[Problem]:
        """The kept problems, and one more saying how many were left out (with the total)."""
        if self.total <= len(self.kept):
            return list(self.kept)
        more = self.total - len(self.kept)
        summary = Problem.of(
            self.file, "", "", "more_problems", shown=len(self.kept), more=more, total=self.total
        )
        return [*self.kept, summary]

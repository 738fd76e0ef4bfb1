"""Text normalisation for matching snippets, numbers and search terms.

Three jobs, each small and separately tested:

- :func:`strip_pinyin` removes the inline pinyin annotations a bad converter wrote into
  article 004 (``復(fù)發(fā)`` → ``復發``) and nothing else;
- :func:`to_simplified` / :func:`to_traditional` fold Chinese script with OpenCC, so a
  search or a snippet check does not care whether a source is Simplified or Traditional;
- :func:`contains_number` finds a value in a snippet, tolerant of formatting (``0.3`` is in
  ``0.30``, ``100`` is in ``100%``) but never inside a longer number (``1.05`` is not in
  ``21.05``).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import opencc

# CJK Unified Ideographs (+ extension A and compatibility ideographs).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Letters that occur in Hanyu pinyin, including tone-marked vowels and ü.
_PINYIN_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = "a-zü" + _PINYIN_TONED

# A parenthesised, all-lower-case run of pinyin letters (half- or full-width brackets)...
# ...right after a CJK character (``復(fù)``), or anywhere if it carries a tone mark: the one
# annotation in 004 that follows a Latin letter (``P(guān)FS``) has one, while no legitimate
# parenthesis in the sources is a lower-case run of tone-marked letters.
_PINYIN_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])[(（][{_PINYIN_LETTERS}]+[)）]")
_PINYIN_TONED_ANYWHERE = re.compile(rf"[(（][{_PINYIN_LETTERS}]*[{_PINYIN_TONED}][{_PINYIN_LETTERS}]*[)）]")

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u301c\uff5e~]")


def strip_pinyin(text: str) -> str:
    """Remove inline pinyin annotations, keeping every other parenthesis.

    Parameters
    ----------
    text : str
        Text that may contain annotations such as ``復(fù)發(fā)`` or ``P(guān)FS``.

    Returns
    -------
    str
        The text without the annotations: ``復發``, ``PFS``. ``(ES-SCLC)``, ``(80% CI …)``
        and ``(Lond)`` are left alone.
    """
    text = _PINYIN_AFTER_CJK.sub("", text)
    return _PINYIN_TONED_ANYWHERE.sub("", text)


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@lru_cache(maxsize=8192)
def to_simplified(text: str) -> str:
    """Fold Traditional characters to Simplified (OpenCC ``t2s``)."""
    return _converter("t2s").convert(text)


@lru_cache(maxsize=8192)
def to_traditional(text: str) -> str:
    """Convert Simplified text to Traditional with Taiwan phrasing (OpenCC ``s2twp``)."""
    return _converter("s2twp").convert(text)


def normalise(text: str) -> str:
    """The form in which snippets are compared with their source text.

    Pinyin annotations stripped, NFKC (full-width → half-width), Traditional folded to
    Simplified, dashes unified to ``-``, white space collapsed to one space.
    """
    if not text.isascii():  # ASCII holds no pinyin annotation and is its own NFKC form
        text = strip_pinyin(text)
        text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    text = _DASHES.sub("-", text)
    # split() breaks at the white space ``\s`` matches (both are str.isspace) and drops it at
    # the ends: what collapsing each run to one space and stripping gives, at less cost
    return " ".join(text.split())


def squeeze(text: str) -> str:
    """:func:`normalise` without any white space at all.

    Web extraction is inconsistent about spaces between Chinese and Latin text
    (``ALK 阳性`` vs ``ALK阳性``), so containment checks ignore them.
    """
    return normalise(text).replace(" ", "")


def search_key(text: str) -> str:
    """Fold text for free-text search: normalised and case-folded."""
    return normalise(text).casefold()


# A number: digits with an optional decimal part, or a bare decimal (``.69`` in "P = .69").
# Thousands separators are not used in the sources; "21638" is written without them.
_NUMBER = re.compile(r"(?<![\d.])(?:\d+(?:\.\d+)?|\.\d+)(?![\d]|\.\d)")


class NormalisedText:
    """One text :func:`normalise`-d once, and its number tokens read once: for checking or
    printing several numbers of the same snippet (a value has up to five) and looking it up
    in its source, which otherwise normalised it again for each. :func:`numbers_in`,
    :func:`contains_number` and :func:`printed_number` are this for a single use.

    Every token of :data:`_NUMBER` converts: it is decimal digits (Unicode category Nd,
    which is what ``\\d`` matches and what :class:`~decimal.Decimal` reads).
    """

    __slots__ = ("raw", "_text", "_printed", "_values")

    def __init__(self, text: str):
        self.raw = text
        self._text: str | None = None
        self._printed: list[str] | None = None
        self._values: list[Decimal] = []

    @property
    def text(self) -> str:
        """The normalised text (normalised on first use: a number that is not one, or no
        number at all, never needs it)."""
        if self._text is None:
            self._text = normalise(self.raw)
        return self._text

    def squeezed(self) -> str:
        """The text without any white space (:func:`squeeze`)."""
        return self.text.replace(" ", "")

    def _read(self) -> list[Decimal]:
        if self._printed is None:
            self._printed = _NUMBER.findall(self.text)
            self._values = list(map(Decimal, self._printed))
        return self._values

    def numbers(self) -> list[Decimal]:
        """Every number written in the text, in order (:func:`numbers_in`)."""
        return list(self._read())

    def contains(self, number: float | int | str | Decimal) -> bool:
        """Whether ``number`` is written in the text as a whole number token
        (:func:`contains_number`)."""
        try:
            wanted = Decimal(str(number))
        except InvalidOperation:
            return False
        if wanted < 0:
            # A dash is also a range separator ("4.8-12.3"), so a negative number is its
            # magnitude written right after a minus sign.
            text = self.text
            return any(
                Decimal(match.group()) == -wanted and match.start() > 0 and text[match.start() - 1] == "-"
                for match in _NUMBER.finditer(text)
            )
        return wanted in self._read()

    def printed(self, number: float | int | str | None) -> str:
        """``number`` as the text prints it, else formatted (:func:`printed_number`)."""
        if number is None or isinstance(number, str):
            return number or ""
        wanted = Decimal(str(number))
        values = self._read()
        try:
            return self._printed[values.index(wanted)]  # the first token of that value
        except ValueError:
            return format_number(number)


def numbers_in(text: str) -> list[Decimal]:
    """Every number written in ``text``, as :class:`~decimal.Decimal`, in order."""
    return NormalisedText(text).numbers()


def contains_number(text: str, number: float | int | str | Decimal) -> bool:
    """Whether ``number`` is written in ``text`` as a whole number token.

    Examples
    --------
    >>> contains_number("HR 0.30; 95% CI", 0.3)
    True
    >>> contains_number("ORR 100%", 100)
    True
    >>> contains_number("median 21.05 months", 1.05)
    False
    """
    return NormalisedText(text).contains(number)


def format_number(number: float | int | None) -> str:
    """Render a stored number without float noise: ``8.57``, ``0.3``, ``272``."""
    if number is None or isinstance(number, str):
        return number or ""
    return format(Decimal(str(number)).normalize(), "f")


def printed_number(snippet: str, number: float | int | str | None) -> str:
    """``number`` as the snippet prints it (``40.0``, ``0.30``, ``.69``), for display.

    TOML keeps ``40.0`` as the float 40, losing the printed precision; the snippet still
    has it. Falls back to :func:`format_number` when the snippet does not hold the number.
    """
    return NormalisedText(snippet).printed(number)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def markdown_escape(text: str) -> str:
    """Text that Streamlit's markdown shows literally: no links, images, HTML, emphasis,
    ``:colour[...]`` directives, emoji shortcodes or LaTeX — for data going into titles,
    notes, captions and labels."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    return escaped.replace("\n", " ")

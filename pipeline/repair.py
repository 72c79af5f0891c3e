"""Stage `repair`: undo layout and OCR damage, keeping offsets back to the source.

- `split_lines`: the source as non-empty `Line`s with raw offsets (`\\r\\n`,
  `\\r`, `\\n` all end a line), blank lines counted, markdown hard breaks noted.
- `remove_layout_spaces`: spaces the converter left where a printed column
  wrapped (`党员干 部` -> `党员干部`); spaces between Latin words stay.
- `headline_text`: the same for headlines, where a space between two phrases
  is part of the design and stays.
- `is_cut`: a paragraph that stops in the middle of a sentence.
- `drop_repeated_blocks`: a run of paragraphs printed twice is kept once.
"""

from __future__ import annotations

import unicodedata
from array import array

import regex

from .records import Line, MappedText

_LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_SPACE = regex.compile(r"[ \t\u3000\u00a0]+")
_STRIP = " \t\u3000\u00a0\ufeff"
_HAN = regex.compile(r"\p{Han}")


def split_lines(text: str) -> list[Line]:
    """Non-empty lines with their raw start; blank lines only counted."""
    lines: list[Line] = []
    blank = 0
    prev_two_spaces = False
    index = 0
    for m in _LINE.finditer(text):
        chunk = m.group()
        if not chunk:
            break
        body = chunk.rstrip("\r\n")
        if body.strip(" \t\u3000\u00a0\ufeff"):
            lines.append(Line(index, body, m.start(), blank, hard_break=prev_two_spaces and blank == 0))
            prev_two_spaces = body.endswith("  ")
            blank = 0
        else:
            blank += 1
            prev_two_spaces = False
        index += 1
    return lines


def char_class(ch: str) -> str:
    """'han', 'punct' (CJK or ASCII punctuation), 'digit', 'latin' or 'other'."""
    if _HAN.match(ch):
        return "han"
    if ch.isdigit():
        return "digit"
    cat = unicodedata.category(ch)
    if cat.startswith("P") or cat in ("Sm", "Sc", "So") or 0x3000 <= ord(ch) <= 0x303F or 0xFF00 <= ord(ch) <= 0xFF65 and not ch.isalnum():
        return "punct"
    if ch.isalpha():
        return "latin"
    return "other"


def _space_is_layout(left: str, right: str) -> bool:
    """A space between `left` and `right` chars that a typesetter would not print."""
    a, b = char_class(left), char_class(right)
    if "han" in (a, b) and a in ("han", "punct", "digit") and b in ("han", "punct", "digit"):
        return True
    return "punct" in (a, b) and "latin" not in (a, b) and "other" not in (a, b)


def remove_layout_spaces(piece: MappedText) -> MappedText:
    """Body text repair: drop layout spaces, collapse the others to one ' '.

    Works run by run of white space (not character by character): the text
    between runs is copied with its offsets in one slice.
    """
    text = piece.text
    start, end = 0, len(text)
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    chunks: list[str] = []
    offsets = array("l")
    at = start
    for m in _SPACE.finditer(text, start, end):
        chunks.append(text[at:m.start()])
        offsets.extend(piece.offsets[at:m.start()])
        if not _space_is_layout(text[m.start() - 1], text[m.end()]):
            chunks.append(" ")
            offsets.append(piece.offsets[m.start()])
        at = m.end()
    chunks.append(text[at:end])
    offsets.extend(piece.offsets[at:end])
    return MappedText("".join(chunks), offsets)


def headline_text(text: str) -> str:
    """Headline repair: collapse white space; drop spaces that are layout damage.

    A space stays between two phrases (`以…责任感 坚决巩固住…`); it goes where it
    touches punctuation, sits between a digit and a Han character, or where one
    of the fragments it separates is a single Han character (`筑 起疫情`).
    """
    fragments = [f for f in _SPACE.split(text.strip().strip("#").strip()) if f]
    if not fragments:
        return ""
    out = fragments[0]
    for k in range(1, len(fragments)):
        left, right = fragments[k - 1], fragments[k]
        single = (len(left) == 1 and _HAN.match(left)) or (len(right) == 1 and _HAN.match(right))
        a, b = char_class(left[-1]), char_class(right[0])
        touches_punct = "punct" in (a, b)
        digit_han = {a, b} == {"digit", "han"}
        out += ("" if single or touches_punct or digit_han else " ") + right
    return out


# `is_cut` looks at this many characters at the end of a paragraph: the
# sentence-end pattern is about its last few, and a paragraph being joined
# line by line must not be searched whole once per line.
CUT_TAIL = 32


def is_cut(text: str, sentence_end: regex.Pattern) -> bool:
    """True when a paragraph stops mid-sentence (no closing punctuation)."""
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 1
    return not sentence_end.search(text, max(0, end - CUT_TAIL), end)


_WHITE = regex.compile(r"\s+")


def normalized(text: str) -> str:
    """Text without any white space: for comparing printed copies and for
    matching headline-like lines (`株洲 时评` is a column name too)."""
    return _WHITE.sub("", text)


# A paragraph printed more often than this in a row region is looked for as
# the start of a repeated run only at its last few places: enough for any
# block a converter printed twice, and no quadratic work on a text made of a
# few lines said again and again.
REPEAT_CANDIDATES = 8
_HASH_MOD = (1 << 61) - 1
_HASH_BASE = 1_000_003


def drop_repeated_blocks(paragraphs: list[str], min_run: int = 2, min_single_chars: int = 80) -> list[int]:
    """Indexes of paragraphs to keep: a run printed twice in a row is kept once.

    A run is `min_run` or more consecutive paragraphs equal (white space
    ignored) to the run right before it; a single paragraph counts as a run
    when it is at least `min_single_chars` long. The longest such run at each
    place wins. Runs are compared by a rolling hash of paragraph ids (and
    checked), so the time is linear in the number of paragraphs.
    """
    norm = [normalized(p) for p in paragraphs]
    ids: dict[str, int] = {}
    seq = [ids.setdefault(t, len(ids)) for t in norm]
    n = len(seq)
    prefix, power = [0] * (n + 1), [1] * (n + 1)
    for k, v in enumerate(seq):
        prefix[k + 1] = (prefix[k] * _HASH_BASE + v + 1) % _HASH_MOD
        power[k + 1] = power[k] * _HASH_BASE % _HASH_MOD

    def run_hash(a: int, b: int) -> int:
        return (prefix[b] - prefix[a] * power[b - a]) % _HASH_MOD

    seen: dict[int, list[int]] = {}  # paragraph id -> where it was kept
    kept: list[int] = []
    earliest = 0  # an earlier copy may not reach back over a dropped run
    i = 0
    while i < n:
        found = 0
        places = seen.get(seq[i], [])
        for j in [j for j in places[-REPEAT_CANDIDATES:] if j >= earliest]:  # oldest (longest run) first
            size = i - j
            if size > n - i or not (size >= min_run or len(norm[i]) >= min_single_chars):
                continue
            if run_hash(j, i) == run_hash(i, i + size) and seq[j:i] == seq[i:i + size]:
                found = size
                break
        if found:
            i += found
            earliest = i
        else:
            seen.setdefault(seq[i], []).append(i)
            kept.append(i)
            i += 1
    return kept

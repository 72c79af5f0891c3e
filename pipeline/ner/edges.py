"""Where a place or organization name begins and ends: helpers shared by the
place and organization components (lead-in verbs, function words, deictic
words and quoted parts at a name's edges)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .common import CN_NUMERALS

if TYPE_CHECKING:
    from .common import CandIndex
    from .lexicon import Lexicon


def free_or_inner_quotes(st: dict, s: int, e: int) -> bool:
    """No quoted name overlaps [s, e) except ones wholly inside it
    (市“某某”工作领导小组). The blocked characters are exactly those of quoted
    names, and a quote that overlaps the span without lying inside it holds
    its first or its last character: two lookups, whatever the number of quotes."""
    blocked = st["blocked"]
    return not blocked[s] and not blocked[e - 1]


def is_stem_char(text: str, i: int, lex: Lexicon) -> bool:
    """May text[i] belong to a place or organization name? (1月7日 ends one)"""
    ch = text[i]
    if ch in "年月日号" and i > 0 and text[i - 1].isdigit():
        return False
    return lex.is_name_char(ch) or ch in CN_NUMERALS


def drop_lead_words(text: str, start: int, end: int, mn: int, lex: Lexicon, lookup) -> int:
    """Skip function words at the start of a name (请绕行某某大桥 -> 某某大桥),
    leaving at least `mn` characters; a word that is a known place stays."""
    i = start
    while i < end:
        step = 0
        for L in (4, 3, 2):
            w = text[i : i + L]
            if len(w) == L and w in lex.function_words and end - (i + L) >= mn and lookup(w) is None:
                step = L
                break
        if not step and text[i] in lex.lead_chars and end - (i + 1) >= mn:
            step = 1
        if not step:
            break
        i += step
    return i


def start_at_inner_place(text: str, start: int, end: int, mn: int, lex: Lexicon, cands: CandIndex) -> int:
    """A verb before a place inside the run: the name starts at the place
    (专家常驻某县人民医院 -> 某县人民医院)."""
    best = start
    for c in cands.starting_in(start + 1, end - mn + 1):
        if c.label == "PLACE" and not c.weak and c.start > best:
            before = text[start : c.start]
            if any(before.endswith(w) for w in (before[-4:], before[-3:], before[-2:]) if len(w) >= 2 and w in lex.function_words):
                best = c.start
    return best


def cut_after_verbs(text: str, start: int, end: int, mn: int, lex: Lexicon, strict: bool = True, generic=None) -> int | None:
    """Start after the rightmost lead-in verb inside text[start:end]
    (市全面启动某某科创城 -> 某某科创城). None when a verb leaves too little
    for a name (包括上水库, 两地红十字会); with strict=False only when the verb
    or deictic word ends the run.

    The words are found in one pass over the span (`lex.cut_words` by length);
    for each, as `str.rfind` would: its last place, then the last one before it."""
    found: dict[str, list[int]] = {}
    for p in range(start, end):
        for length, words in lex.cut_words.items():
            if p + length <= end and text[p : p + length] in words:
                found.setdefault(text[p : p + length], []).append(p)
    best = start
    for w, places in found.items():
        j = places[-1]
        if (
            j + len(w) > end - mn
            if strict
            else j + len(w) == end and (j == start or w in lex.deictic or (generic is not None and generic(text[start:j])))
        ):
            return None
        k = len(places) - 1
        while j is not None and j + len(w) > end - mn:
            while k >= 0 and places[k] + len(w) > j:  # the next place wholly before j
                k -= 1
            j = places[k] if k >= 0 else None
        if j is not None and j + len(w) > best:
            best = j + len(w)
    return best


def matches_around(pattern: re.Pattern, text: str, h: int, q: int):
    """Matches of `pattern` that overlap [h, q)."""
    out = []
    for k in range(max(0, h - 4), q):
        m = pattern.match(text, k)
        if m is not None and m.end() > h:
            out.append(m)
    return out


def strip_deictic(text: str, start: int, end: int, lex: Lexicon) -> str:
    """The title text[start:end], without a deictic word at its start, also one
    that begins before `start`: 我市红十字会协调员 -> 红十字会协调员, 该站值班站长 ->
    值班站长 (ANNOTATION.md rule 5)."""
    for w in lex.deictic:
        for k in range(len(w)):  # k characters of the word before the chain
            if start >= k and text.startswith(w, start - k) and start - k + len(w) < end:
                return text[start - k + len(w) : end].strip()
    return text[start:end].strip()


def trim_lead_in(text: str, start: int, limit: int, lex: Lexicon) -> int:
    """Move `start` past lead-in verbs (组织, 走访 …) while the rest stays long enough."""
    changed = True
    while changed:
        changed = False
        for w in lex.lead_in:
            if text.startswith(w, start) and start + len(w) <= limit:
                start += len(w)
                changed = True
                break
    for w in lex.deictic:
        if text.startswith(w, start) and start + len(w) <= limit:
            start += len(w)
            break
    return start

"""Tests the organization rules ask of a stretch of text: is it generic, a
bare village body, anchored by a prefix, a place or a function; does it look
like a trade name to jieba's dictionary; the kind of body a name ends with."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..lexicon import lexicon_of

if TYPE_CHECKING:
    from ..common import CandIndex
    from ..lexicon import Lexicon


def by_length(words) -> list[tuple[int, set[str]]]:
    """Words grouped by length, the longest first: the longest word at a place
    in a few set lookups, not a test of every word."""
    groups: dict[int, set[str]] = {}
    for w in words:
        groups.setdefault(len(w), set()).add(w)
    return sorted(groups.items(), reverse=True)


class NameTests:
    """Mixed into :class:`Orgs`; reads the lists its ``_setup`` builds."""

    def kind_of(self, org_text: str) -> str | None:
        """Kind of the innermost (last printed) body in `org_text`; a general
        keyword (站, 中心 …) yields to a more specific one printed before it.

        The keyword that ends last wins, the longer at the same end: found by
        looking at the ends of `org_text` from the right (not by a search for
        every keyword)."""
        weak = None
        for e in range(len(org_text), 0, -1):
            for length in self.kind_lengths:
                if length <= e:
                    w = org_text[e - length : e]
                    kind = self.kind_by_word.get(w)
                    if kind is None:
                        continue
                    if w not in self.weak_kinds:
                        return kind
                    if weak is None:
                        weak = kind
        return weak

    def _generic_word_at(self, stem: str, i: int) -> str | None:
        """The longest generic word (or administrative prefix) at stem[i]."""
        return next((stem[i : i + n] for n, words in self.generic_sets if stem[i : i + n] in words), None)

    def is_generic(self, stem: str) -> bool:
        """True if `stem` is made only of generic words (物业, 当地 …)."""
        if not stem:
            return True
        i = 0
        while i < len(stem):
            w = self._generic_word_at(stem, i)
            if w is None:
                return False
            i += len(w)
        return True

    def _generic_unanchored(self, stem: str) -> bool:
        """Made of generic words only, none of them a prefix or a function
        (乡镇, 企业; not 市, 街道, 公安)."""
        if not stem or stem in self.function_set:
            return False
        i = 0
        while i < len(stem):
            w = self._generic_word_at(stem, i)
            if w is None or w in self.admin_prefixes or w in self.function_set:
                return False
            i += len(w)
        return True

    def _generic_unprefixed(self, stem: str) -> bool:
        """Generic, and not a province's or city's own: 省职工帮扶基金会 names
        the province's body, 职工帮扶基金会 is a kind (市级医院 is one too:
        市级 is a generic word of its own)."""
        if not self.is_generic(stem):
            return False
        first = self._generic_word_at(stem, 0) or ""
        return not (first in self.branch_prefixes and len(stem) > len(first))

    def is_bare_grassroots(self, text: str, start: int, end: int, index: CandIndex) -> bool:
        """Does text[start:end] begin with 村 or 社区 standing for "the
        village", no place name before it?"""
        if not text.startswith(self.grassroots, start):
            return False
        named = any(c.label == "PLACE" and not c.weak for c in index.ending(start)) or any(
            c.label == "PLACE" and not c.weak and c.end < end for c in index.starting(start)
        )
        return not named

    def anchored_at(self, text: str, s: int, index: CandIndex) -> bool:
        lex = lexicon_of(self.nlp)
        # the longest administrative prefix at s
        w = next((text[s : s + n] for n, words in self.admin_prefix_sets if text[s : s + n] in words), None)
        if w is not None:
            # 市 at the end of 株洲市 is no prefix of its own,
            # nor is 乡 in 城乡 (the end of an everyday word)
            if len(w) > 1 or not (any(c.start < s and c.label == "PLACE" for c in index.ending(s + 1))
                                  or s > 0 and lex.freq(text[s - 1 : s + 1]) >= 50000):
                return True
        if text.startswith(self.function_suffixes, s):
            return True
        return any(c.label in ("PLACE", "ORG") and not c.weak for c in index.starting(s))

    def _whole_prefix(self, text: str, start: int) -> int:
        """Back to the start of an administrative prefix that `start` cuts."""
        for n, words in self.admin_prefix_sets:
            for p in range(max(0, start - n + 1), start):
                if text[p : p + n] in words:
                    return p
        return start

    def _trade_name(self, text: str, start: int, h: int, q: int, st: dict, index: CandIndex, lex: Lexicon) -> bool:
        """Is text[start:h], past the places it begins with, a trade name
        (中信, 顺丰; not 人工 in 人工智能), the industry word text[h:q] a word
        of its own (not 智能 in 智能化)?"""
        if not (st["edges"][h] and st["edges"][q]):
            return False
        i = start
        while True:
            nxt = max((c.end for c in index.starting(i) if c.label == "PLACE" and not c.weak and c.end <= h), default=None)
            if nxt is None:
                break
            i = nxt
        if text[i] in self.branch_prefixes and h - i > 2:
            i += 1  # 省某某科技: the province's, not part of the trade name
        name = text[i:h]
        if not 2 <= len(name) <= self.trade_name_max or self.is_generic(name) or name in self.trade_heads:
            return False
        clause = re.split(r"[，。；,;！？!?\n]", text[q : q + 40], maxsplit=1)[0]
        if self.not_company_list_re.search(clause):
            return False
        if re.match(r"[一二三四五六七八九十百千]+[大强佳项家个]", name):
            return False  # 十大科技: a count, not a name
        first = name[: lex.segmenter.cut(name)[0][1]]
        if len(first) > 1 and self.is_generic(first):
            return False  # 海外华文传媒: a kind of media
        return self._looks_like_name(name, lex)

    def _looks_like_name(self, name: str, lex: Lexicon) -> bool:
        """Does jieba read `name` as holding a proper noun or abbreviation, or
        two characters in a row it knows no word for?"""
        seg = lex.segmenter
        singles = 0
        for a, b in seg.cut(name):
            w = name[a:b]
            if len(w) == 1:
                singles += 1
                if singles >= 2:
                    return True
                continue
            singles = 0
            if seg.tag(w) in self.proper_tags:
                return True
        return False

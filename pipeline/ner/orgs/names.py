"""Tests the organization rules ask of a stretch of text: is it generic, a
bare village body, anchored by a prefix, a place or a function; does it look
like a trade name to jieba's dictionary; the kind of body a name ends with."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..lexicon import lexicon_of

if TYPE_CHECKING:
    from ..common import Cand
    from ..lexicon import Lexicon


class NameTests:
    """Mixed into :class:`Orgs`; reads the lists its ``_setup`` builds."""

    def kind_of(self, org_text: str) -> str | None:
        """Kind of the innermost (last printed) body in `org_text`; a general
        keyword (站, 中心 …) yields to a more specific one printed before it."""
        best = None
        best_weak = None
        for w, k in self.kind_words:
            pos = org_text.rfind(w)
            if pos == -1:
                continue
            key = (pos + len(w), len(w))
            if w in self.weak_kinds:
                if best_weak is None or key > best_weak[0]:
                    best_weak = (key, k)
            elif best is None or key > best[0]:
                best = (key, k)
        if best is not None:
            return best[1]
        return best_weak[1] if best_weak else None

    def is_generic(self, stem: str) -> bool:
        """True if `stem` is made only of generic words (物业, 当地 …)."""
        if not stem:
            return True
        i = 0
        while i < len(stem):
            for w in self.generic_list:
                if stem.startswith(w, i):
                    i += len(w)
                    break
            else:
                return False
        return True

    def _generic_unanchored(self, stem: str) -> bool:
        """Made of generic words only, none of them a prefix or a function
        (乡镇, 企业; not 市, 街道, 公安)."""
        if not stem or stem in self.function_set:
            return False
        i = 0
        while i < len(stem):
            w = next((g for g in self.generic_list if stem.startswith(g, i)), None)
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
        first = next((w for w in self.generic_list if stem.startswith(w)), "")
        return not (first in self.branch_prefixes and len(stem) > len(first))

    def is_bare_grassroots(self, text: str, start: int, end: int, cands: list[Cand]) -> bool:
        """Does text[start:end] begin with 村 or 社区 standing for "the
        village", no place name before it?"""
        if not any(text.startswith(w, start) for w in self.grassroots):
            return False
        named = any(c.label == "PLACE" and not c.weak and (c.end == start or (c.start == start and c.end < end)) for c in cands)
        return not named

    def anchored_at(self, text: str, s: int, cands: list[Cand]) -> bool:
        lex = lexicon_of(self.nlp)
        for w in self.admin_prefixes:
            if text.startswith(w, s):
                # 市 at the end of 株洲市 is no prefix of its own
                if len(w) == 1 and any(c.start < s and c.end == s + 1 and c.label == "PLACE" for c in cands):
                    break
                # nor is 乡 in 城乡 (the end of an everyday word)
                if len(w) == 1 and s > 0 and lex.freq(text[s - 1 : s + 1]) >= 50000:
                    break
                return True
        for w in self.functions:
            if text.startswith(w, s):
                return True
        return any(c.start == s and c.label in ("PLACE", "ORG") and not c.weak for c in cands)

    def _whole_prefix(self, text: str, start: int) -> int:
        """Back to the start of an administrative prefix that `start` cuts."""
        for w in self.admin_prefixes:
            for p in range(max(0, start - len(w) + 1), start):
                if text.startswith(w, p):
                    return p
        return start

    def _trade_name(self, text: str, start: int, h: int, q: int, st: dict, cands: list[Cand], lex: Lexicon) -> bool:
        """Is text[start:h], past the places it begins with, a trade name
        (中信, 顺丰; not 人工 in 人工智能), the industry word text[h:q] a word
        of its own (not 智能 in 智能化)?"""
        if not (st["edges"][h] and st["edges"][q]):
            return False
        i = start
        while True:
            nxt = max((c.end for c in cands if c.label == "PLACE" and not c.weak and c.start == i and c.end <= h), default=None)
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

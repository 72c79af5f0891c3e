"""Organizations found by patterns other than a head word: national bodies
by name and their branches, the Party's body of a place, people's
congresses, schools by number, quoted names and accounts, bodies named by a
function or a number, lists ending in 等部门."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..common import CN_NUMERALS, Cand, cand_index, is_bound, is_free
from ..edges import trim_lead_in
from ..lexicon import lexicon_of

if TYPE_CHECKING:
    from ..lexicon import Lexicon


class PatternRules:
    """Mixed into :class:`Orgs`; reads the lists its ``_setup`` builds."""

    def standalone_cands(self, text: str, st: dict, cands: list[Cand], lex: Lexicon) -> None:
        """National bodies, state media and platforms by name (国务院, 抖音)."""
        for m in self.standalone_re.finditer(text):
            s, e = m.span()
            if len(m.group()) <= 2 and lex.inside_word(st, s, e):
                continue  # 全民进行: no 民进 (纪念红军 is one)
            if is_free(st, s, e) and is_bound(st, s) and is_bound(st, e):
                s = self._prefixed_start(text, s, st, lex)
                cands.append(Cand(s, e, "ORG", 2, "standalone"))

    def _prefixed_start(self, text: str, s: int, st: dict, lex: Lexicon) -> int:
        """A national body's provincial or city branch: 省 + 农工党 -> 省农工党,
        湖南省 + 农工党 -> 湖南省农工党 (not 全省 + 民盟)."""
        if s == 0 or text[s - 1] not in self.branch_prefixes:
            return s
        if text.endswith(lex.deictic_tuple, 0, s):
            return s
        places = [c.start for c in cand_index(st).ending(s) if c.label == "PLACE" and not c.weak]
        if places:
            return min(places)
        if s >= 2 and lex.is_name_char(text[s - 2]):
            return s  # the character belongs to the word before (城市民盟)
        return s - 1

    def party_place_cands(self, text: str, st: dict, cands: list[Cand]) -> None:
        """中国共产党 + a place + 第N次代表大会 -> the party + the place (one ORG)."""
        place_ends = {c.start: c.end for c in cands if c.label == "PLACE" and not c.weak}
        for m in self.party_re.finditer(text):
            e = place_ends.get(m.end())
            if e is not None and self.party_congress_re.match(text, e) and is_free(st, m.start(), e):
                cands.append(Cand(m.start(), e, "ORG", 2, "party-place"))

    def congress_cands(self, text: str, st: dict, cands: list[Cand]) -> None:
        """A place or an administrative prefix, [第N届], 人民代表大会 -> one ORG."""
        place_starts = {c.end: c.start for c in cands if c.label == "PLACE" and not c.weak}
        lex = lexicon_of(self.nlp)
        for m in self.congress_re.finditer(text):
            s = place_starts.get(m.start())
            if s is None:
                w = next((w for w in self.admin_prefixes if text.endswith(w, 0, m.start())), None)
                if w is None:
                    continue
                s = m.start() - len(w)
                if len(w) == 1 and s > 0 and lex.is_name_char(text[s - 1]):
                    continue  # 庆祝人民代表大会: no prefix of its own
            if is_free(st, s, m.end()):
                cands.append(Cand(s, m.end(), "ORG", 2, "congress"))

    def ordinal_school_cands(self, text: str, st: dict, cands: list[Cand], lex: Lexicon) -> None:
        """A place or zone + 二中 / 八小 -> ORG; the bare number elsewhere in the
        article then names the same school."""
        place_starts = {c.end: c.start for c in cands if c.label == "PLACE" and not c.weak}
        found = []
        bare = []
        for m in self.ordinal_school_re.finditer(text):
            s, e = m.span()
            if e < len(text) and lex.freq(text[e - 1 : e + 1]) >= 20000:
                continue  # 二小区, 一中心: an everyday word goes on
            if text.startswith("全会", e) or not is_free(st, s, e):
                continue
            start = place_starts.get(s)
            if start is None:
                start = next((s - len(w) for w in self.zone_prefixes if text.endswith(w, 0, s)), None)
            if start is not None:
                found.append(text[s:e])
                cands.append(Cand(start, e, "ORG", 2, "ordinal-school"))
            elif st["edges"][s] and (s == 0 or text[s - 1] not in CN_NUMERALS and text[s - 1] not in "第届"):
                bare.append((s, e))
        for s, e in bare:
            if text[s:e] in found:
                cands.append(Cand(s, e, "ORG", 2, "ordinal-school"))

    def quoted_cands(self, text: str, st: dict, cands: list[Cand]) -> None:
        # the quoted part a name begins with is the body's short name: “某某”
        # again in the article is the same body (“某某”志愿服务队 … “某某”志愿者)
        short_names = set()
        for c in cands:
            if c.src == "quoted-head":
                close = next((qe for qs, qe, _n in st["quotes"] if qs == c.start), None)
                if close is not None and close < c.end:
                    short_names.add(text[c.start + 1 : close - 1])
        head_spans = [(c.start, c.end) for c in cands if c.src == "quoted-head"]
        for s, e, namelike in st["quotes"]:
            if not namelike or text[s] == "《":
                if text[s] == "《" and re.search(r"(日报|晚报|报|杂志|周刊)$", text[s + 1 : e - 1]):
                    cands.append(Cand(s + 1, e - 1, "ORG", 2, "quoted-paper"))
                continue
            inner = text[s + 1 : e - 1]
            after = text[e : e + 6]
            before = text[max(0, s - 4) : s]
            if any(after.startswith(w) for w in self.quoted_before):
                cands.append(Cand(s + 1, e - 1, "ORG", 2, "quoted-account"))
            elif any(before.endswith(w) for w in self.quoted_after):
                cands.append(Cand(s + 1, e - 1, "ORG", 2, "quoted-business"))
            elif any(inner.endswith(w) and len(inner) >= len(w) + 2 for w in self.quoted_heads) and not self._listed_as_other(text, e, st):
                cands.append(Cand(s + 1, e - 1, "ORG", 2, "quoted-name"))
            elif inner in short_names and not any(a <= s < b for a, b in head_spans):
                cands.append(Cand(s + 1, e - 1, "ORG", 2, "quoted-alias"))

    def _listed_as_other(self, text: str, e: int, st: dict) -> bool:
        """Do the quoted items from e on end in a word naming them other
        than bodies (“甲”“乙”等平台)?"""
        ends = {qs: qe for qs, qe, namelike in st["quotes"] if namelike}
        while True:
            if e < len(text) and text[e] in "、和及与":
                e += 1
            if e in ends:
                e = ends[e]
                continue
            break
        return any(text.startswith(w, e) for w in self.quoted_not_body_tails)

    def account_cands(self, text: str, st: dict, cands: list[Cand], lex: Lexicon) -> None:
        """An unquoted name before 微信公众号, 客户端 …: 某某发布微信公众号 -> 某某发布."""
        index = cand_index(st)
        for m in self.account_re.finditer(text):
            e = m.start()
            if e == 0 or st["blocked"][e - 1] or any(c.label == "ORG" for c in index.ending(e)):
                continue
            s = e
            while s > 0 and e - s < self.account_name_max + 4 and lex.is_name_char(text[s - 1]) and not st["blocked"][s - 1]:
                s -= 1
            s = trim_lead_in(text, s, e - 2, lex)
            # after the last verb inside (扫码下载某某客户端 -> 某某); a verb
            # ending the name belongs to it (某某发布)
            name = text[s:e]
            for a, b in lex.segmenter.cut(name)[:-1]:
                if lex.segmenter.tag(name[a:b]) in self.lead_tags:
                    s = e - len(name) + b
            name = text[s:e]
            if not 2 <= len(name) <= self.account_name_max or self.is_generic(name) or not st["edges"][s]:
                continue
            last = name[lex.segmenter.cut(name)[-1][0] :]
            if name in lex.function_words or self.is_generic(last):
                continue  # 关注微信公众号: a verb, no name; 政府网站: a kind of site
            cands.append(Cand(s, e, "ORG", 2, "account"))

    def function_body_cands(self, text: str, st: dict, cands: list[Cand], lex: Lexicon) -> None:
        """A place + a function that names its body: 某某公安, 某某交警 -> ORG."""
        place_starts = {c.end: c.start for c in cands if c.label == "PLACE" and not c.weak and c.src.startswith("gaz")}
        for w in self.function_bodies:
            for m in re.finditer(re.escape(w), text):
                s, e = m.span()
                if s in place_starts and st["edges"][e] and is_free(st, place_starts[s], e):
                    cands.append(Cand(place_starts[s], e, "ORG", 2, "function-body"))

    def numbered_cands(self, text: str, st: dict, cands: list[Cand]) -> None:
        """Bodies known by a number: 七二五所 (a research institute)."""
        for m in self.numbered_re.finditer(text):
            if is_free(st, m.start(), m.end()):
                cands.append(Cand(m.start(), m.end(), "ORG", 2, "numbered"))

    def list_cands(self, text: str, st: dict, cands: list[Cand], lex: Lexicon) -> None:
        for m in self.list_tails_re.finditer(text):
            end = m.start()
            items = []
            pos = end
            while True:
                i = pos
                while i > 0 and text[i - 1] not in "、，。；：,;:!?！？\n" and not st["blocked"][i - 1]:
                    i -= 1
                items.append((i, pos))
                if i > 0 and text[i - 1] == "、":
                    pos = i - 1
                    continue
                break
            for s, e in items:
                # the first item may carry the clause's verb: 组织某某 -> 某某
                k = e
                while k > s and (lex.is_name_char(text[k - 1]) or text[k - 1] in CN_NUMERALS):
                    k -= 1
                s2 = trim_lead_in(text, k, e - 2, lex)
                # an app or account named with its kind: 某某客户端 -> 某某
                account = next((w for w in self.account_words if text.endswith(w, s2, e)), "")
                e -= len(account)
                item = text[s2:e]
                if len(item) < 2 or len(item) > 12:
                    continue
                prefixed = any(item.startswith(p) and len(item) > len(p) for p in self.list_item_prefixes)
                if not prefixed and (item in self.function_set or self.is_generic(item)):
                    continue
                cands.append(Cand(s2, e, "ORG", 1, "list"))

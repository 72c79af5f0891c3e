"""Component `zz_orgs`: ORG candidates: [place/org prefix] + name + head
grammar, standalone national names, quoted account names, lists ending in
等部门."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from .common import (
    CN_NUMERALS,
    Cand,
    CandIndex,
    JsonState,
    alternation,
    cand_index,
    is_bound,
    is_cjk,
    is_free,
    longest_first,
    read_toml,
)
from .edges import (
    cut_after_verbs,
    drop_lead_words,
    is_stem_char,
    matches_around,
    start_at_inner_place,
    trim_lead_in,
)
from .lexicon import lexicon_of

if TYPE_CHECKING:
    from .lexicon import Lexicon


class Orgs(JsonState):
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.data = {}

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        self.data = {"orgs": read_toml(rules_dir / "orgs.toml"), "kinds": read_toml(rules_dir / "orgtypes.toml")}
        self._setup()

    def _setup(self) -> None:
        o = self.data["orgs"]
        self.heads = {h[0]: (int(h[1]), int(h[2]), bool(h[3])) for h in o["heads"]}
        self.head_re = alternation(self.heads)
        self.admin_prefixes = longest_first(o["admin_prefixes"])
        self.admin_prefix_sets = _by_length(self.admin_prefixes)
        self.functions = longest_first(o["functions"])
        self.function_set = set(o["functions"])
        self.function_suffixes = tuple(self.functions)
        self.standalone_re = alternation(o["standalone"])
        self.generic = set(o["generic"])
        self.generic_list = longest_first(o["generic"] + o["admin_prefixes"])
        self.generic_sets = _by_length(self.generic_list)
        # generic words that are no administrative prefix
        self.lead_generic = _by_length(w for w in self.generic_list if w not in self.admin_prefixes)
        self.quoted_before = longest_first(o["quoted_org_before"])
        self.list_tails_re = alternation(o["list_org_tails"])
        self.list_item_prefixes = longest_first(o["list_item_prefixes"])
        kinds = self.data["kinds"]["kinds"]
        self.weak_kinds = set(self.data["kinds"].get("weak", []))
        self.kind_by_word: dict[str, str] = {}
        for k, ws in kinds.items():
            for w in ws:
                self.kind_by_word.setdefault(w, k)
        self.kind_lengths = sorted({len(w) for w in self.kind_by_word}, reverse=True)

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

    def is_generic(self, stem: str) -> bool:
        """True if `stem` is made only of generic words (物业, 当地 …)."""
        if not stem:
            return True
        i = 0
        while i < len(stem):
            w = next((stem[i : i + n] for n, words in self.generic_sets if stem[i : i + n] in words), None)
            if w is None:
                return False
            i += len(w)
        return True

    def anchored_at(self, text: str, s: int, cands: CandIndex) -> bool:
        lex = lexicon_of(self.nlp)
        # the longest administrative prefix at s
        w = next((text[s : s + n] for n, words in self.admin_prefix_sets if text[s : s + n] in words), None)
        if w is not None:
            # 市 at the end of 株洲市 is no prefix of its own,
            # nor is 乡 in 城乡 (the end of an everyday word)
            if len(w) > 1 or not (any(c.start < s and c.label == "PLACE" for c in cands.ending(s + 1))
                                  or s > 0 and lex.freq(text[s - 1 : s + 1]) >= 50000):
                return True
        if text.startswith(self.function_suffixes, s):
            return True
        return any(c.label in ("PLACE", "ORG") and not c.weak for c in cands.starting(s))

    def __call__(self, doc: Doc) -> Doc:
        lex = lexicon_of(self.nlp)
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = st["cands"]
        for m in self.standalone_re.finditer(text):
            if len(m.group()) <= 2 and m.start() > 0 and lex.is_name_char(text[m.start() - 1]):
                continue  # 全民进行: no 民进
            if is_free(st, m.start(), m.end()) and is_bound(st, m.start()) and is_bound(st, m.end()):
                cands.append(Cand(m.start(), m.end(), "ORG", 2, "standalone"))
        self.head_cands(text, st, cands, lex)
        self.quoted_cands(text, st, cands)
        self.list_cands(text, st, cands, lex)
        return doc

    def _scan_left(self, text: str, h: int, st: dict, lex: Lexicon, limit: int) -> int:
        """Leftmost start of an organization stem ending at h."""
        blocked = st["blocked"]
        index = cand_index(st)
        i = h
        while i > 0 and h - i < limit:
            # whole places and bodies already found are passed over (中华人民共和国外交部)
            found = [c.start for c in index.ending(i) if c.label in ("PLACE", "ORG") and not c.weak] if i < h else []
            if found and min(found) < i:
                if h - min(found) >= limit:
                    break  # bodies printed one after another are no one name longer than the limit
                i = min(found)
                continue
            ch = text[i - 1]
            if ch in "”\"'’" and blocked[i - 1]:
                # a quoted part inside the name: 市“某某”工作领导小组
                j = i - 2
                while j >= 0 and blocked[j] and text[j] not in "“\"'‘":
                    j -= 1
                if j >= 0 and blocked[j] and j > 0 and lex.is_name_char(text[j - 1]):
                    i = j
                    continue
                break
            if ch in ")）":
                j = text.rfind("(" if ch == ")" else "（", max(0, i - 6), i - 1)
                if j > 0 and all(is_cjk(c) for c in text[j + 1 : i - 1]) and lex.is_name_char(text[j - 1]):
                    i = j
                    continue
                break
            if blocked[i - 1]:
                break
            if not is_stem_char(text, i - 1, lex):
                break
            i -= 1
        return i

    def head_cands(self, text: str, st: dict, cands: list[Cand], lex: Lexicon) -> None:
        blocked = st["blocked"]
        index = cand_index(st)
        places = self.nlp.get_pipe("zz_places")
        people = self.nlp.get_pipe("zz_people")
        n = len(text)
        for m in self.head_re.finditer(text):
            h, q = m.start(), m.end()
            head = m.group()
            mn, mx, anchored = self.heads[head]
            if blocked[h] or not is_bound(st, q):
                continue
            # the tail of a post word is no head: 常委, 政委, 委员
            if any(pm.start() < h < pm.end() or (pm.start() < h and pm.end() >= q) for pm in matches_around(people.post_re, text, h, q)):
                continue
            if q < n and is_cjk(text[q]):
                nxt2 = text[q - 1 : q + 1]
                if len(head) == 1 and lex.freq(nxt2) >= 20000:
                    continue
                if len(head) > 1 and lex.freq(nxt2) >= 100000 and not self.heads.get(nxt2):
                    continue
            # nor the end of a common word: 主办, 建厂, 干部, 会商会 (unless the
            # name before it is a government function: 住建局)
            word_end = False
            if h > 0 and len(head) <= 2 and text[h - 1] not in "市省区县镇乡村":
                w = text[h - 1 : h + 1] if len(head) == 2 else text[h - 1 : q]
                word_end = lex.freq(w) >= (20000 if len(head) == 1 else 50000) and w not in self.heads
            start = self._scan_left(text, h, st, lex, mx + 30)
            start = self._fix_start(text, start, h, mn, mx, anchored, index, lex)
            if start is None:
                continue
            # 市委市政府: two bodies; 异地株洲商会: the modifier is no part of the name
            for c in index.starting(start):
                if c.label == "ORG" and c.end < h and text[c.end] in "市省区县" and h - c.end >= 1:
                    start = c.end
                    break
            j = start
            while j < h:
                w = next((text[j : j + n] for n, words in self.lead_generic if text[j : j + n] in words), None)
                if w is None:
                    break
                j += len(w)
            if j > start and j < h and self.anchored_at(text, j, index):
                start = j
            stem = text[start:h]
            if len(stem) < mn or not is_bound(st, start):
                continue
            if word_end and not stem.endswith(self.function_suffixes):
                continue
            if stem and stem[0] in lex.bad_stem_start:
                continue
            bare = stem
            for w in self.admin_prefixes:
                if bare.startswith(w):
                    bare = bare[len(w) :]
                    break
            public = self.kind_of(head) == "public"
            anchored_stem = self.anchored_at(text, start, index)
            if not anchored and mn > 0 and self.is_generic(stem) and stem not in ("市", "省", "区", "县") and not (public and anchored_stem and len(stem) > 1):
                continue
            if head == "中心" and any(c.label == "ORG" and c.end == h for c in index.starting(start)):
                continue  # 市委中心 (工作): the body, then a noun
            if stem.startswith(lex.deictic_tuple):
                continue
            if self.kind_of(head) == "association":
                rest = stem
                for c in index.starting(start):
                    if c.label == "PLACE" and not c.weak and c.end < h:
                        rest = text[c.end : h]
                        break
                if rest != stem and self.is_generic(rest):
                    continue  # 株洲异地商会, 株洲籍商会: a kind of body, not one
            # a shop or venue named after its district: 某区 + 某某书城 -> PLACE + ORG
            if self.kind_of(head) == "business" or head in ("书城", "影城", "菜馆", "中心店", "店", "超市", "酒店", "宾馆", "餐厅"):
                for c in index.starting(start):
                    if c.label == "PLACE" and not c.weak and text[c.end - 1] in "区县" and h - c.end >= 2:
                        if places.lookup(text[c.start : c.end]) == "strong":
                            start = c.end
                        break
            cands.append(Cand(start, q, "ORG", 1 if mn == 0 else 2, "head"))

    def _fix_start(self, text, start, h, mn, mx, anchored, cands, lex) -> int | None:
        """Choose where the name before a head begins."""
        # 我市某某公司: not 市某某公司
        for w in lex.deictic:
            for off in range(1, len(w)):
                if text.startswith(w, start - off):
                    start = start - off + len(w)
        # a verb inside the run: 坚定支持某某集团, 成立某某商会; 围绕中心 is none
        start = cut_after_verbs(text, start, h, max(mn, 1), lex, strict=False, generic=self.is_generic)
        if start is None:
            return None
        places = self.nlp.get_pipe("zz_places")
        start = drop_lead_words(text, start, h, max(mn, 1), lex, places.lookup)
        start = start_at_inner_place(text, start, h, max(mn, 1), lex, cands)
        if text[start:h] in lex.function_words and text[start:h] not in self.function_set:
            return None  # 需要学校
        if h - start > mx:
            # too long for one name: a nested organization, or an anchor inside
            nested = [c for end in range(h - mx, h) for c in cands.ending(end)
                      if c.label == "ORG" and c.start >= start and not c.weak]
            if nested:
                start = min(c.start for c in nested)
            else:
                found = None
                for s in range(h - mx, h - mn + 1):
                    if self.anchored_at(text, s, cands):
                        found = s
                        break
                if found is None:
                    return None
                start = found
        if anchored and not self.anchored_at(text, start, cands):
            for s in range(start + 1, h - mn + 1):
                if self.anchored_at(text, s, cands):
                    return s
            return None
        return start

    def quoted_cands(self, text: str, st: dict, cands: list[Cand]) -> None:
        for s, e, namelike in st["quotes"]:
            if not namelike or text[s] == "《":
                if text[s] == "《" and re.search(r"(日报|晚报|报|杂志|周刊)$", text[s + 1 : e - 1]):
                    cands.append(Cand(s + 1, e - 1, "ORG", 2, "quoted-paper"))
                continue
            after = text[e : e + 6]
            if any(after.startswith(w) for w in self.quoted_before):
                cands.append(Cand(s + 1, e - 1, "ORG", 2, "quoted-account"))

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
                item = text[s2:e]
                if len(item) < 2 or len(item) > 12:
                    continue
                prefixed = any(item.startswith(p) and len(item) > len(p) for p in self.list_item_prefixes)
                if not prefixed and (item in self.function_set or self.is_generic(item)):
                    continue
                cands.append(Cand(s2, e, "ORG", 1, "list"))


def _by_length(words) -> list[tuple[int, set[str]]]:
    """Words grouped by length, the longest first: the longest word at a place
    in a few set lookups, not a test of every word."""
    groups: dict[int, set[str]] = {}
    for w in words:
        groups.setdefault(len(w), set()).add(w)
    return sorted(groups.items(), reverse=True)


@Language.factory("zz_orgs", default_config={})
def make_orgs(nlp: Language, name: str):
    return Orgs(nlp, name)

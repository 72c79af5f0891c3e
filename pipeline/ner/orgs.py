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
    JsonState,
    alternation,
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
        self.trade_heads = longest_first(o["trade_heads"])  # longest first: 农业科技 before 科技
        self.trade_name_max = int(o["trade_name_max"])
        self.proper_tags = set(o["proper_tags"])
        self.lead_tags = set(o["lead_tags"])
        self.locatives = longest_first(o["locatives"])
        self.center_verbs = longest_first(o["center_verbs"])
        self.center_not_before = longest_first(o["center_not_before"])
        self.center_not_after = longest_first(o["center_not_after"])
        self.class_heads = set(o["class_heads"])
        self.term_modifiers = longest_first(o["term_modifiers"])
        self.function_bodies = longest_first(o["function_bodies"])
        self.account_words = longest_first(o["quoted_org_before"])
        self.account_re = alternation(self.account_words)
        self.account_name_max = int(o["account_name_max"])
        self.numbered_re = re.compile(o["numbered_body"])
        self.class_modifiers = longest_first(o["class_modifiers"])
        self.not_company_list_re = re.compile(o["not_company_list"])
        for w in self.trade_heads:
            self.heads.setdefault(w, (2, self.trade_name_max + 6, False))
        self.head_re = alternation(self.heads)
        # the heads of bodies proper, without the industry words of trade names
        self.body_head_re = alternation(h for h in self.heads if h not in self.trade_heads)
        self.admin_prefixes = longest_first(o["admin_prefixes"])
        self.functions = longest_first(o["functions"])
        self.function_set = set(o["functions"])
        self.standalone_re = alternation(o["standalone"])
        self.generic = set(o["generic"])
        self.generic_list = longest_first(o["generic"] + o["admin_prefixes"])
        self.quoted_before = longest_first(o["quoted_org_before"])
        self.quoted_after = longest_first(o["quoted_org_after"])
        self.quoted_heads = longest_first(o["quoted_org_heads"])
        self.quoted_not_body_tails = longest_first(o["quoted_not_body_tails"])
        self.grassroots = longest_first(o["grassroots_units"])
        self.branch_prefixes = set(o["branch_prefixes"])
        self.chain_bodies = longest_first(o["chain_bodies"])
        self.unit_words = longest_first(o["unit_words"])
        self.ordinal_school_re = re.compile(o["ordinal_school"])
        self.zone_prefixes = longest_first(o["zone_prefixes"])
        self.rooms = longest_first(o["rooms"])
        self.party_re = re.compile(f"(?:{alternation(o['party_names']).pattern})")
        self.party_congress_re = re.compile(o["party_congress"])
        self.congress_re = re.compile(f"(?:{o['congress_term']})?(?:{alternation(o['congress_bodies']).pattern})")
        self.list_tails_re = alternation(o["list_org_tails"])
        self.list_item_prefixes = longest_first(o["list_item_prefixes"])
        kinds = self.data["kinds"]["kinds"]
        self.weak_kinds = set(self.data["kinds"].get("weak", []))
        self.kind_words = sorted(((w, k) for k, ws in kinds.items() for w in ws), key=lambda x: -len(x[0]))

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

    def _whole_prefix(self, text: str, start: int) -> int:
        """Back to the start of an administrative prefix that `start` cuts."""
        for w in self.admin_prefixes:
            for p in range(max(0, start - len(w) + 1), start):
                if text.startswith(w, p):
                    return p
        return start

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

    def __call__(self, doc: Doc) -> Doc:
        lex = lexicon_of(self.nlp)
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = st["cands"]
        for m in self.standalone_re.finditer(text):
            s, e = m.span()
            if len(m.group()) <= 2 and lex.inside_word(st, s, e):
                continue  # 全民进行: no 民进 (纪念红军 is one)
            if is_free(st, s, e) and is_bound(st, s) and is_bound(st, e):
                s = self._prefixed_start(text, s, cands, lex)
                cands.append(Cand(s, e, "ORG", 2, "standalone"))
        self.head_cands(text, st, cands, lex)
        self.party_place_cands(text, st, cands)
        self.congress_cands(text, st, cands)
        self.ordinal_school_cands(text, st, cands, lex)
        self.quoted_cands(text, st, cands)
        self.account_cands(text, st, cands, lex)
        self.function_body_cands(text, st, cands, lex)
        self.numbered_cands(text, st, cands)
        self.list_cands(text, st, cands, lex)
        return doc

    def _prefixed_start(self, text: str, s: int, cands: list[Cand], lex: Lexicon) -> int:
        """A national body's provincial or city branch: 省 + 农工党 -> 省农工党,
        湖南省 + 农工党 -> 湖南省农工党 (not 全省 + 民盟)."""
        if s == 0 or text[s - 1] not in self.branch_prefixes:
            return s
        if any(text.endswith(d, 0, s) for d in lex.deictic):
            return s
        places = [c.start for c in cands if c.label == "PLACE" and not c.weak and c.end == s]
        if places:
            return min(places)
        if s >= 2 and lex.is_name_char(text[s - 2]):
            return s  # the character belongs to the word before (城市民盟)
        return s - 1

    def _scan_left(self, text: str, h: int, st: dict, lex: Lexicon, limit: int, quote_start: bool = False) -> int:
        """Leftmost start of an organization stem ending at h; with
        `quote_start`, the stem may begin with a quoted part."""
        blocked = st["blocked"]
        # whole places and bodies already found are passed over (中华人民共和国外交部)
        starts = {}
        for c in st["cands"]:
            if c.label in ("PLACE", "ORG") and not c.weak and c.end <= h:
                starts[c.end] = min(starts.get(c.end, c.start), c.start)
        # a place right before the head is passed over too (宜都市政协: 都 would stop the scan)
        place_before = min((c.start for c in st["cands"] if c.label == "PLACE" and not c.weak and c.end == h), default=h)
        i = place_before
        while i > 0 and h - i < limit:
            if i in starts and i < h and starts[i] < i:
                i = starts[i]
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
                if quote_start and j >= 0 and text[j] in "“\"'‘" and (j == 0 or not lex.is_name_char(text[j - 1])):
                    return j  # the name begins with its quoted part: “某某”志愿服务队
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
        places = self.nlp.get_pipe("zz_places")
        people = self.nlp.get_pipe("zz_people")
        n = len(text)
        for m in self.head_re.finditer(text):
            h, q = m.start(), m.end()
            head = m.group()
            mn, mx, anchored = self.heads[head]
            if blocked[h] or not is_bound(st, q):
                continue
            # nor a head inside a place's name (店 in 普兰店区)
            if any(c.label == "PLACE" and not c.weak and c.src.startswith("gaz") and c.start < h and c.end > q for c in cands):
                continue
            # the tail of a post word is no head: 常委, 政委, 委员
            # (a head that goes on past the post is one: 常务委员 + 会)
            if any((pm.start() < h < pm.end() and pm.end() >= q) or (pm.start() < h and pm.end() >= q) for pm in matches_around(people.post_re, text, h, q)):
                continue
            if q < n and is_cjk(text[q]):
                nxt2 = text[q - 1 : q + 1]
                if len(head) == 1 and lex.freq(nxt2) >= 20000:
                    continue
                if len(head) > 1 and lex.freq(nxt2) >= 100000 and not self.heads.get(nxt2):
                    continue
            if head == "中心" and (
                any(text.endswith(w, 0, h) for w in self.center_verbs)
                or any(text.startswith(w, q) for w in self.center_not_before)
                or any(text.endswith(w, 0, h) for w in self.center_not_after)
                or text[h - 1 : h] == "副"
            ):
                continue
            # nor the end of a common word: 主办, 建厂, 干部, 会商会 (unless the
            # name before it is a government function: 住建局)
            word_end = False
            if h > 0 and len(head) <= 2 and text[h - 1] not in "市省区县镇乡村":
                w = text[h - 1 : h + 1] if len(head) == 2 else text[h - 1 : q]
                word_end = lex.freq(w) >= (20000 if len(head) == 1 else 50000) and w not in self.heads
            start = self._scan_left(text, h, st, lex, mx + 30, quote_start=not anchored)
            if start > 0 and text[start - 1] in "各每" and not any(text.startswith(w, start - 1) for w in lex.deictic):
                continue  # 各区市综合行政执法局: each district's bureau, no name (各地某某商会 is one)
            start = self._fix_start(text, start, h, mn, mx, anchored, cands, lex, st)
            if start is None:
                continue
            # 市委市政府: two bodies; 异地株洲商会: the modifier is no part of the name
            for c in cands:
                if c.label == "ORG" and c.start == start and c.end < h and text[c.end] in "市省区县" and h - c.end >= 1:
                    start = c.end
                    break
            j = start
            # a place whose name begins with a generic word stays whole (大乌江镇)
            whole_place = any(c.start == start and c.label == "PLACE" and not c.weak and c.end <= h for c in cands)
            while j < h and not whole_place:
                w = next((g for g in self.generic_list if text.startswith(g, j) and g not in self.admin_prefixes), None)
                if w is None:
                    break
                j += len(w)
            if j > start and j < h and self.anchored_at(text, j, cands):
                start = j
            stem = text[start:h]
            if len(stem) < mn or not is_bound(st, start):
                continue
            if word_end and not any(stem.endswith(f) for f in self.functions):
                continue
            if stem and stem[0] in lex.bad_stem_start:
                continue
            bare = stem
            for w in self.admin_prefixes:
                if bare.startswith(w):
                    bare = bare[len(w) :]
                    break
            public = self.kind_of(head) == "public"
            anchored_stem = self.anchored_at(text, start, cands)
            if not anchored and mn > 0 and self._generic_unprefixed(stem) and stem not in ("市", "省", "区", "县") and not (public and anchored_stem and len(stem) > 1):
                continue
            if head == "中心" and any(c.label == "ORG" and c.start == start and c.end == h for c in cands):
                continue  # 市委中心 (工作): the body, then a noun
            if any(stem == w or stem.startswith(w) for w in lex.deictic):
                continue
            if any(stem.endswith(w) for w in self.term_modifiers):
                continue  # 某某村新一届党总支
            if re.search(r"[一二三四五六七八九十百千两几多]+[所家个座名]$", stem):
                continue  # 共有三十所学校: a count
            if any(stem.endswith(w) for w in self.class_modifiers):
                continue  # 某某村基层卫生院, 市级医院: a kind of body
            if anchored and self._generic_unanchored(stem):
                continue  # 乡镇党委, 企业党委: a kind of body
            if head in self.class_heads and stem in self.function_set:
                continue  # 公安机关: a class of bodies
            # a village's or community's body without the unit's name is generic
            # (村委会, 村支两委, 社区居委会); with it, it is a name (某某村村委会)
            if self.is_bare_grassroots(text, start, q, cands):
                continue
            # rooms and buildings printed like a body: 村部, 会议室
            room = next((w for w in self.rooms if text.endswith(w, start, q)), None)
            if room and lex.freq(text[q - len(room) - 1 : q - len(room) + 1]) < 50000:
                continue  # (农业农村部: 农村 is the word, no 村部)
            if self.kind_of(head) == "association":
                rest = stem
                for c in cands:
                    if c.label == "PLACE" and c.start == start and not c.weak and c.end < h:
                        rest = text[c.end : h]
                        break
                if rest != stem and self.is_generic(rest):
                    continue  # 株洲异地商会, 株洲籍商会: a kind of body, not one
            start = self._own_name_start(text, start, h, q, cands, lex)
            if head in self.trade_heads and not self._trade_name(text, start, h, q, st, cands, lex):
                continue
            # a shop or venue named after its district: 某区 + 某某书城 -> PLACE + ORG
            if (self.kind_of(head) == "business" and not head.endswith("厂")) or head in ("书城", "影城", "菜馆", "中心店", "店", "超市", "酒店", "宾馆", "餐厅"):
                for c in cands:
                    if c.start == start and c.label == "PLACE" and not c.weak and text[c.end - 1] in "区县" and h - c.end >= 2:
                        if places.lookup(text[c.start : c.end]) == "strong":
                            start = c.end
                        break
            cands.append(Cand(start, q, "ORG", 1 if mn == 0 else 2, "quoted-head" if blocked[start] else "head"))

    def _fix_start(self, text, start, h, mn, mx, anchored, cands, lex, st) -> int | None:
        """Choose where the name before a head begins."""
        # the scan stopped inside a word (对面某某酒店: 对 ends it, 面 is no name)
        edges = st["edges"]
        if 0 < start < h and not edges[start]:
            k = start + 1
            while k < h and not edges[k]:
                k += 1
            if h - k >= max(mn, 1):
                start = k
        # a locative inside the run: 某某路两侧公交站 -> (公交站)
        for w in self.locatives:
            j = text.rfind(w, start, h)
            if j != -1:
                start = max(start, j + len(w))
        # 我市某某公司: not 市某某公司
        for w in lex.deictic:
            for off in range(1, len(w)):
                if text.startswith(w, start - off):
                    start = start - off + len(w)
        # a post and a name inside the run: the person's chain and a verb come
        # first (市长某某率某某市考察团 -> 某某市考察团); 会长 in 总商会长沙 is none
        after_post = self._after_post_and_name(text, start, h, cands, lex)
        if after_post is not None:
            if h - after_post < max(mn, 1):
                return None
            start = after_post
        # a verb inside the run: 坚定支持某某集团, 成立某某商会; 围绕中心 is none
        start = cut_after_verbs(text, start, h, max(mn, 1), lex, strict=False, generic=self._generic_unprefixed)
        if start is None:
            return None
        start = self._whole_prefix(text, start)  # 拉来自治区: no 来自 + 治区
        places = self.nlp.get_pipe("zz_places")
        # an administrative prefix is no lead word (自治区工商局: not 自治 + 区工商局)
        start = self._whole_prefix(text, drop_lead_words(text, start, h, max(mn, 1), lex, places.lookup))
        start = start_at_inner_place(text, start, h, max(mn, 1), lex, cands)
        start = self._start_at_higher_place(text, start, h, cands)
        start = self._past_lead_word(text, start, h, cands, lex)
        if text[start:h] in lex.function_words and text[start:h] not in self.function_set:
            return None  # 需要学校
        if h - start > mx:
            # too long for one name: a nested organization, or an anchor inside
            nested = [c for c in cands if c.label == "ORG" and c.start >= start and c.end < h and h - c.end <= mx and not c.weak]
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

    def _own_name_start(self, text: str, start: int, h: int, q: int, cands: list[Cand], lex: Lexicon) -> int:
        """Where a body's own name begins after the places before it.

        In an address chain a grassroots body starts after the unit above it
        (某某市 / 某某街道办事处 / 某某社区居委会, ANNOTATION.md); a body with a
        name of its own after a town or village is located there
        (某某镇 / 某某稻虾合作社), while a town's or village's own bodies keep
        its name (某某镇卫生院, 某某村茶叶专业合作社)."""
        places = self.nlp.get_pipe("zz_places")
        inside = [c for c in cands if c.label in ("PLACE", "ORG") and not c.weak and c.start >= start and start < c.end < h]
        if not inside:
            return start
        body = text[start:q]
        if any(body.endswith(w) for w in self.chain_bodies):
            continues = self._chain_continues(text, q, cands, lex)
            for c in sorted(inside, key=lambda c: -c.end):
                rest = text[c.end : h]
                unit = next((u for u in self.unit_words if rest.endswith(u)), "")
                if len(rest) - len(unit) < 2:
                    continue
                after_body = c.label == "ORG" and any(text.endswith(w, c.start, c.end) for w in self.chain_bodies)
                if continues or after_body:
                    return c.end
                break
            return start
        last = max(inside, key=lambda c: c.end)
        if last.label == "PLACE" and (places.levels.get(text[last.start : last.end], 9) in (3, 4) or text[last.end - 1] in "镇乡村"):
            rest = text[last.end : h]
            own_body = any(rest.startswith(w) for w in self.grassroots)  # 某某村村支两委
            if len(rest) >= 2 and not own_body and self._looks_like_name(rest[:4], lex):
                return last.end
        return start

    def _chain_continues(self, text: str, q: int, cands: list[Cand], lex: Lexicon) -> bool:
        """Does another unit of an address chain follow at q: a place or body
        found there, or a short name ending in a place suffix (某某小区)?"""
        if any(c.start == q and c.label in ("PLACE", "ORG") for c in cands):
            return True
        places = self.nlp.get_pipe("zz_places")
        for k in range(q + 2, min(len(text), q + 7)):
            if not lex.is_name_char(text[k - 1]):
                return False
            if places.suffix_re.match(text, k):
                return True
        return False

    def _past_lead_word(self, text: str, start: int, h: int, cands: list[Cand], lex: Lexicon) -> int:
        """A verb or an everyday word before an anchored name: the name starts
        at the anchor (接县防汛抗旱指挥部 -> 县防汛抗旱指挥部, 书写某某小学 ->
        某某小学 when 某某 is a place); 国家卫健委 keeps its 国家."""
        if self.anchored_at(text, start, cands):
            return start
        seg = lex.segmenter
        cut = seg.cut(text[start:h])
        if len(cut) < 2:
            return start
        first = text[start : start + cut[0][1]]
        tag = seg.tag(first)
        nxt = start + cut[0][1]
        if tag in self.lead_tags and self.anchored_at(text, nxt, cands):
            return nxt
        place_next = any(c.start == nxt and c.label == "PLACE" and not c.weak for c in cands)
        if place_next and len(first) >= 2 and tag not in self.proper_tags and lex.freq(first) >= 20000:
            return nxt
        return start

    def _start_at_higher_place(self, text: str, start: int, h: int, cands: list[Cand]) -> int:
        """A province or prefecture right after a town or village inside the
        stem begins the name; the smaller place before it is where the body
        is (某某村湖南某某有限公司 -> 某某村 / 湖南某某有限公司)."""
        places = self.nlp.get_pipe("zz_places")
        low_ends = {
            c.end
            for c in cands
            if c.label == "PLACE" and not c.weak and c.end > start
            and (places.levels.get(text[c.start : c.end], 9) in (3, 4) or text[c.end - 1] in "村镇乡")
        }
        for c in cands:
            if c.label == "PLACE" and not c.weak and start < c.start < h and c.start in low_ends:
                if places.levels.get(text[c.start : c.end], 9) in (0, 1):
                    return c.start
        return start

    def _after_post_and_name(self, text: str, start: int, h: int, cands: list[Cand], lex: Lexicon) -> int | None:
        """Where the stem text[start:h] goes on after the last post word
        followed by a surname in it (an official's chain and name), at the
        next anchor; None when it holds no such post."""
        people = self.nlp.get_pipe("zz_people")
        last = None
        for pm in people.post_re.finditer(text, start, h):
            e = pm.end()
            if any(c.label == "PLACE" and not c.weak and c.start < e and c.end > pm.start() for c in cands):
                continue
            if e < h and lex.surname_at(text, e) and h - e >= 3:
                last = e
        if last is None:
            return None
        for s in range(last + 2, h):
            if self.anchored_at(text, s, cands):
                return s
        return h

    def party_place_cands(self, text: str, st: dict, cands: list[Cand]) -> None:
        """中国共产党 + a place + 第N次代表大会 -> the party + the place (one ORG)."""
        place_ends = {c.start: c.end for c in cands if c.label == "PLACE" and not c.weak}
        for m in self.party_re.finditer(text):
            e = place_ends.get(m.end())
            if e is not None and self.party_congress_re.match(text, e) and is_free(st, m.start(), e):
                cands.append(Cand(m.start(), e, "ORG", 2, "party-place"))

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

    def quoted_cands(self, text: str, st: dict, cands: list[Cand]) -> None:
        # the quoted part a name begins with is the body's short name: “某某”
        # again in the article is the same body (“某某”志愿服务队 … “某某”志愿者)
        short_names = set()
        for c in cands:
            if c.src == "quoted-head":
                close = next((qe for qs, qe, _n in st["quotes"] if qs == c.start), None)
                if close is not None and close < c.end:
                    short_names.add(text[c.start + 1 : close - 1])
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
            elif inner in short_names and not any(c.start <= s < c.end for c in cands if c.src == "quoted-head"):
                cands.append(Cand(s + 1, e - 1, "ORG", 2, "quoted-alias"))

    def account_cands(self, text: str, st: dict, cands: list[Cand], lex: Lexicon) -> None:
        """An unquoted name before 微信公众号, 客户端 …: 某某发布微信公众号 -> 某某发布."""
        for m in self.account_re.finditer(text):
            e = m.start()
            if e == 0 or st["blocked"][e - 1] or any(c.end == e and c.label == "ORG" for c in cands):
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


@Language.factory("zz_orgs", default_config={})
def make_orgs(nlp: Language, name: str):
    return Orgs(nlp, name)

"""The head grammar: [place or organization prefix] + name + head word
(某某县交通运输局, 某某科技有限公司), and where the name before a head begins:
past lead-in verbs and words, locatives, an official's chain, the places an
address chain or a located body puts before it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..common import Cand, cand_index, is_bound, is_cjk
from ..edges import cut_after_verbs, drop_lead_words, is_stem_char, matches_around, start_at_inner_place

if TYPE_CHECKING:
    from ..common import CandIndex
    from ..lexicon import Lexicon


class HeadGrammar:
    """Mixed into :class:`Orgs`; reads the lists its ``_setup`` builds."""

    def _scan_left(self, text: str, h: int, st: dict, lex: Lexicon, limit: int, quote_start: bool = False) -> int:
        """Leftmost start of an organization stem ending at h; with
        `quote_start`, the stem may begin with a quoted part."""
        blocked = st["blocked"]
        index = cand_index(st)
        # a place right before the head is passed over too (宜都市政协: 都 would stop the scan)
        i = min((c.start for c in index.ending(h) if c.label == "PLACE" and not c.weak), default=h)
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
            # nor a head inside a place's name (店 in 普兰店区)
            if any(c.label == "PLACE" and not c.weak and c.src.startswith("gaz") and c.start < h and c.end > q for c in index.overlapping(h, q)):
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
                text.endswith(self.center_verbs, 0, h)
                or text.startswith(self.center_not_before, q)
                or text.endswith(self.center_not_after, 0, h)
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
            if start > 0 and text[start - 1] in "各每" and not text.startswith(lex.deictic_tuple, start - 1):
                continue  # 各区市综合行政执法局: each district's bureau, no name (各地某某商会 is one)
            start = self._fix_start(text, start, h, mn, mx, anchored, index, lex, st)
            if start is None:
                continue
            # 市委市政府: two bodies; 异地株洲商会: the modifier is no part of the name
            for c in index.starting(start):
                if c.label == "ORG" and c.end < h and text[c.end] in "市省区县" and h - c.end >= 1:
                    start = c.end
                    break
            j = start
            # a place whose name begins with a generic word stays whole (大乌江镇)
            whole_place = any(c.label == "PLACE" and not c.weak and c.end <= h for c in index.starting(start))
            while j < h and not whole_place:
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
            if not anchored and mn > 0 and self._generic_unprefixed(stem) and stem not in ("市", "省", "区", "县") and not (public and anchored_stem and len(stem) > 1):
                continue
            if head == "中心" and any(c.label == "ORG" and c.end == h for c in index.starting(start)):
                continue  # 市委中心 (工作): the body, then a noun
            if stem.startswith(lex.deictic_tuple):
                continue
            if stem.endswith(self.term_modifiers):
                continue  # 某某村新一届党总支
            if re.search(r"[一二三四五六七八九十百千两几多]+[所家个座名]$", stem):
                continue  # 共有三十所学校: a count
            if stem.endswith(self.class_modifiers):
                continue  # 某某村基层卫生院, 市级医院: a kind of body
            if anchored and self._generic_unanchored(stem):
                continue  # 乡镇党委, 企业党委: a kind of body
            if head in self.class_heads and stem in self.function_set:
                continue  # 公安机关: a class of bodies
            # a village's or community's body without the unit's name is generic
            # (村委会, 村支两委, 社区居委会); with it, it is a name (某某村村委会)
            if self.is_bare_grassroots(text, start, q, index):
                continue
            # rooms and buildings printed like a body: 村部, 会议室
            room = next((w for w in self.rooms if text.endswith(w, start, q)), None)
            if room and lex.freq(text[q - len(room) - 1 : q - len(room) + 1]) < 50000:
                continue  # (农业农村部: 农村 is the word, no 村部)
            if self.kind_of(head) == "association":
                rest = stem
                for c in index.starting(start):
                    if c.label == "PLACE" and not c.weak and c.end < h:
                        rest = text[c.end : h]
                        break
                if rest != stem and self.is_generic(rest):
                    continue  # 株洲异地商会, 株洲籍商会: a kind of body, not one
            start = self._own_name_start(text, start, h, q, index, lex)
            if head in self.trade_head_set and not self._trade_name(text, start, h, q, st, index, lex):
                continue
            # a shop or venue named after its district: 某区 + 某某书城 -> PLACE + ORG
            if (self.kind_of(head) == "business" and not head.endswith("厂")) or head in ("书城", "影城", "菜馆", "中心店", "店", "超市", "酒店", "宾馆", "餐厅"):
                for c in index.starting(start):
                    if c.label == "PLACE" and not c.weak and text[c.end - 1] in "区县" and h - c.end >= 2:
                        if places.lookup(text[c.start : c.end]) == "strong":
                            start = c.end
                        break
            cands.append(Cand(start, q, "ORG", 1 if mn == 0 else 2, "quoted-head" if blocked[start] else "head"))

    def _fix_start(self, text, start, h, mn, mx, anchored, cands: CandIndex, lex, st) -> int | None:
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
        after_post = self._after_post_and_name(text, start, h, cands, lex, st)
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

    def _own_name_start(self, text: str, start: int, h: int, q: int, cands: CandIndex, lex: Lexicon) -> int:
        """Where a body's own name begins after the places before it.

        In an address chain a grassroots body starts after the unit above it
        (某某市 / 某某街道办事处 / 某某社区居委会, ANNOTATION.md); a body with a
        name of its own after a town or village is located there
        (某某镇 / 某某稻虾合作社), while a town's or village's own bodies keep
        its name (某某镇卫生院, 某某村茶叶专业合作社)."""
        places = self.nlp.get_pipe("zz_places")
        inside = [c for c in cands.starting_in(start, h) if c.label in ("PLACE", "ORG") and not c.weak and c.end < h]
        if not inside:
            return start
        body = text[start:q]
        if body.endswith(self.chain_bodies):
            continues = self._chain_continues(text, q, cands, lex)
            for c in sorted(inside, key=lambda c: -c.end):
                rest = text[c.end : h]
                unit = next((u for u in self.unit_words if rest.endswith(u)), "")
                if len(rest) - len(unit) < 2:
                    continue
                after_body = c.label == "ORG" and text.endswith(self.chain_bodies, c.start, c.end)
                if continues or after_body:
                    return c.end
                break
            return start
        last = max(inside, key=lambda c: c.end)
        if last.label == "PLACE" and (places.levels.get(text[last.start : last.end], 9) in (3, 4) or text[last.end - 1] in "镇乡村"):
            rest = text[last.end : h]
            own_body = rest.startswith(self.grassroots)  # 某某村村支两委
            if len(rest) >= 2 and not own_body and self._looks_like_name(rest[:4], lex):
                return last.end
        return start

    def _chain_continues(self, text: str, q: int, cands: CandIndex, lex: Lexicon) -> bool:
        """Does another unit of an address chain follow at q: a place or body
        found there, or a short name ending in a place suffix (某某小区)?"""
        if any(c.label in ("PLACE", "ORG") for c in cands.starting(q)):
            return True
        places = self.nlp.get_pipe("zz_places")
        for k in range(q + 2, min(len(text), q + 7)):
            if not lex.is_name_char(text[k - 1]):
                return False
            if places.suffix_re.match(text, k):
                return True
        return False

    def _past_lead_word(self, text: str, start: int, h: int, cands: CandIndex, lex: Lexicon) -> int:
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
        place_next = any(c.label == "PLACE" and not c.weak for c in cands.starting(nxt))
        if place_next and len(first) >= 2 and tag not in self.proper_tags and lex.freq(first) >= 20000:
            return nxt
        return start

    def _start_at_higher_place(self, text: str, start: int, h: int, cands: CandIndex) -> int:
        """A province or prefecture right after a town or village inside the
        stem begins the name; the smaller place before it is where the body
        is (某某村湖南某某有限公司 -> 某某村 / 湖南某某有限公司)."""
        places = self.nlp.get_pipe("zz_places")
        for c in cands.starting_in(start + 1, h):
            if c.label != "PLACE" or c.weak or places.levels.get(text[c.start : c.end], 9) not in (0, 1):
                continue
            if any(
                d.label == "PLACE" and not d.weak
                and (places.levels.get(text[d.start : d.end], 9) in (3, 4) or text[d.end - 1] in "村镇乡")
                for d in cands.ending(c.start)
            ):
                return c.start
        return start

    def _after_post_and_name(self, text: str, start: int, h: int, cands: CandIndex, lex: Lexicon, st: dict) -> int | None:
        """Where the stem text[start:h] goes on after the last post word
        followed by a surname in it (an official's chain and name), at the
        next anchor; None when it holds no such post. A post that ends inside
        a word or a place is none (水利部长江…: 长江; 总商会长沙: 长沙)."""
        people = self.nlp.get_pipe("zz_people")
        last = None
        for pm in people.post_re.finditer(text, start, h):
            e = pm.end()
            if not st["edges"][e] or any(c.label == "PLACE" and not c.weak for c in cands.overlapping(pm.start(), e)):
                continue
            if e < h and lex.surname_at(text, e) and h - e >= 3:
                last = e
        if last is None:
            return None
        for s in range(last + 2, h):
            if self.anchored_at(text, s, cands):
                return s
        return h

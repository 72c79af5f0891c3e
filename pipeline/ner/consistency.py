"""Component `zz_consistency`, the last one: drops organizations inside title
chains (rule 2), picks the longest non-overlapping spans (rule 4), applies
article consistency (a name that is OFFICIAL anywhere is OFFICIAL everywhere,
a name found once is found at every occurrence), and writes `doc.ents` plus
`doc._.zz_mentions`."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from .common import Cand, CandIndex, JsonState, is_free, longest_first, read_toml
from .edges import free_or_inner_quotes, trim_lead_in
from .lexicon import lexicon_of

if TYPE_CHECKING:
    from .orgs import Orgs
    from .people import People
    from .places import Places


class Consistency(JsonState):
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.data = {}
        self.shared_names: dict[str, str] = {}
        self.set_ents = True

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        self.data = {"alias": read_toml(rules_dir / "aliases.toml")}
        self._setup()

    def _setup(self) -> None:
        a = self.data["alias"]
        self.legal_suffixes = longest_first(a["legal_suffixes"])
        self.association_heads = longest_first(a["association_heads"])
        self.association_short_min = int(a["association_short_min"])
        self.trade_words = longest_first(a["trade_words"])
        self.list_tails = longest_first(a["place_list_tails"])
        self.list_tail_res = [re.compile(re.escape(t)) for t in self.list_tails]

    def __call__(self, doc: Doc) -> Doc:
        lex = lexicon_of(self.nlp)
        places: Places = self.nlp.get_pipe("zz_places")
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = [replace(c) for c in st["cands"]]
        in_chain = _ChainCover(st["chains"]).holds

        # (a candidate the people component found read across a post and a name is no mention)
        cands = [c for c in cands if not (c.label in ("ORG", "PLACE") and in_chain(c)) and c.src != "dropped"]
        cands = [c for c in cands if free_or_inner_quotes(st, c.start, c.end) or c.src.startswith("quoted")]
        self.confirm_weak(text, cands, places)
        cands = [c for c in cands if not c.weak]
        chosen = self.select(cands)
        chosen = self.consistency(text, st, chosen, lex, in_chain)
        n_before = len(chosen)
        chosen = self.list_propagation(text, st, chosen, lex)
        if len(chosen) > n_before:
            chosen = self.consistency(text, st, chosen, lex, in_chain)
        chosen = self.add_trained(text, st, chosen, lex, in_chain)
        # titles printed after names, in their predicates, after lists (people.py)
        people: People = self.nlp.get_pipe("zz_people")
        chosen = people.titles_elsewhere(text, st, chosen)
        chosen.sort(key=lambda c: c.start)
        st["final"] = chosen
        mentions = [(c.start, c.end, c.label, c.title) for c in chosen]
        doc._.zz_mentions = mentions
        if self.set_ents:
            ents = []
            for s, e, label, title in mentions:
                span = doc.char_span(s, e, label=label)
                if span is not None:
                    if title:
                        span._.title = title
                    ents.append(span)
            doc.ents = ents
        return doc

    def confirm_weak(self, text: str, cands: list[Cand], places: Places) -> None:
        strong_starts = {
            c.start
            for c in cands
            if c.label == "PLACE" and not c.weak and (c.src in ("suffix", "station") or places.levels.get(text[c.start : c.end], 9) >= 3)
        }
        for c in cands:
            if not c.weak:
                continue
            after = text[c.end : c.end + 4]
            if c.end in strong_starts or any(after.startswith(w) for w in places.area_words):
                c.weak = False
                c.prio = 1
        # lists ending in 等街道 / 两区: every weak item is confirmed
        index = CandIndex(cands)
        for tail in self.list_tail_res:
            for m in tail.finditer(text):
                pos = m.start()
                while True:
                    hit = [c for c in index.ending(pos) if c.label == "PLACE"]
                    if not hit:
                        break
                    c = max(hit, key=lambda x: x.length)
                    c.weak = False
                    c.prio = max(c.prio, 1)
                    if c.start > 0 and text[c.start - 1] == "、":
                        pos = c.start - 1
                        continue
                    break

    @staticmethod
    def select(cands: list[Cand]) -> list[Cand]:
        order = sorted(cands, key=lambda c: (-(c.prio >= 3), -c.length, -c.prio, c.start))
        taken: list[Cand] = []
        occupied = bytearray(max((c.end for c in cands), default=0) + 1)
        for c in order:
            if any(occupied[c.start : c.end]):
                continue
            for k in range(c.start, c.end):
                occupied[k] = 1
            taken.append(c)
        return taken

    def consistency(self, text, st, chosen, lex, in_chain, only_names: set[str] | None = None) -> list[Cand]:
        """Every occurrence of every name and string found once. With
        `only_names`, only those names' occurrences are added, in free text
        only (nothing found before is replaced): the trained model's names."""
        occupied = bytearray(len(text) + 1)
        for c in chosen:
            for k in range(c.start, c.end):
                occupied[k] = 1
        people: dict[str, str] = {}
        for c in chosen:
            if c.label in ("OFFICIAL", "PERSON"):
                name = text[c.start : c.end]
                if people.get(name) != "OFFICIAL":
                    people[name] = c.label
        for clean, printed in (st.get("ocr_names") or {}).items():
            if printed in people and clean not in people:
                people[clean] = people[printed]
        for name, label in self.shared_names.items():
            if name not in people and len(name) >= 3:
                people[name] = "PERSON"
        # OFFICIAL anywhere in the article -> OFFICIAL everywhere
        for c in chosen:
            if c.label == "PERSON" and people.get(text[c.start : c.end]) == "OFFICIAL":
                c.label = "OFFICIAL"
        extra: list[Cand] = []
        placed = CandIndex(list(chosen))  # chosen, then extra, as they are placed
        removed: set[int] = set()  # ids of the cands a longer string replaced

        def add_all(s: str, label: str, prio: int, src: str, check_name: bool) -> None:
            i = text.find(s)
            while i != -1:
                j = i + len(s)
                inside = [c for c in placed.overlapping(i, j) if id(c) not in removed]
                # a longer string may replace places/organizations inside it, and a
                # person's name a place a suffix rule made of it (陈某江: no river)
                replace = only_names is None and bool(inside) and all(
                    c.start >= i and c.end <= j and c.label in ("PLACE", "ORG") and c.prio < 3
                    and (c.length < j - i or (check_name and c.src == "suffix" and c.label == "PLACE"))
                    for c in inside
                )
                if (replace or not any(occupied[i:j])) and is_free(st, i, j):
                    ok = True
                    if check_name:
                        if i > 0 and lex.is_name_char(text[i - 1]) and text[i - 1] not in lex.never_given:
                            # inside a longer run: only after a post, or right after a word (带领某某)
                            ok = text[i - 1] in "长记任员委人" or lex.freq(text[i - 2 : i]) >= 20000
                        if ok and any(p.match(text[j : j + 18]) for p in lex.doctrine_after_res):
                            ok = False  # 某某法治思想: the name of a doctrine
                    else:
                        ok = not (i > 0 and lex.is_name_char(text[i - 1]) and text[i - 1] not in "市省区县")
                        if not ok and label == "ORG":
                            ok = self._after_a_word(text, st, i, j, lex)  # 拥有某车首席专家
                    tmp = Cand(i, j, label, prio, src)
                    if ok and not in_chain(tmp):
                        for c in inside if replace else ():
                            removed.add(id(c))
                        extra.append(tmp)
                        placed.cands.append(tmp)
                        for k in range(i, j):
                            occupied[k] = 1
                i = text.find(s, i + 1)

        for name in sorted(people, key=len, reverse=True):
            if only_names is None or name in only_names:
                add_all(name, people[name], 3, "same-name", True)
        chosen = [c for c in chosen if id(c) not in removed]
        if only_names is not None:
            return chosen + [c for c in extra if id(c) not in removed]
        strings: dict[str, str] = {}
        places: Places = self.nlp.get_pipe("zz_places")
        for c in chosen:
            if c.label in ("ORG", "PLACE") and c.length >= 2 and c.prio >= 2:
                t = text[c.start : c.end]
                # an everyday word is only repeated when the gazetteer knows it
                if lex.freq(t) >= 20000 and places.lookup(t) != "strong":
                    continue
                strings.setdefault(t, c.label)
        for alias, label in self.aliases(text, chosen).items():
            strings.setdefault(alias, label)
        for s in sorted(strings, key=len, reverse=True):
            add_all(s, strings[s], 1, "same-string", False)
        return [c for c in chosen + extra if id(c) not in removed]

    def add_trained(self, text, st, chosen, lex, in_chain) -> list[Cand]:
        """The trained model's persons (`zz_persons`), last: only where the
        rules found nothing, then at their other occurrences in free text,
        OFFICIAL when the rules gave the name a post in the article."""
        proposals = st.get("trained_persons") or []
        st["trained_names"] = set()
        if not proposals:
            return chosen
        occupied = bytearray(len(text) + 1)
        for c in chosen:
            occupied[c.start : c.end] = b"\x01" * c.length
        added = []
        for c in proposals:
            if not any(occupied[c.start : c.end]) and not in_chain(c):
                added.append(replace(c))
                occupied[c.start : c.end] = b"\x01" * c.length
        if not added:
            return chosen
        st["trained_names"] = {text[c.start : c.end] for c in added}
        return self.consistency(text, st, chosen + added, lex, in_chain, only_names=st["trained_names"])

    def _after_a_word(self, text: str, st: dict, i: int, j: int, lex) -> bool:
        """Does text[i:j] stand between word edges right after a verb,
        preposition or conjunction (拥有, 暨), not inside a longer name?"""
        edges = st["edges"]
        if not (edges[i] and edges[j]):
            return False
        seg = lex.segmenter
        before = seg.cut(text[max(0, i - 4) : i])
        if not before:
            return False
        a, b = before[-1]
        word = text[max(0, i - 4) + a : max(0, i - 4) + b]
        orgs: Orgs = self.nlp.get_pipe("zz_orgs")
        return seg.tag(word) in orgs.lead_tags or (len(word) > 1 and seg.tag(word) in ("vn", "uj", "ul"))

    def aliases(self, text: str, chosen: list[Cand]) -> dict[str, str]:
        """Short forms of organizations named in full in the article.

        湖南某某科技有限公司 -> 某某 + trade word (某某科技 is not, 某某光电 is);
        the tail of a nested organization (某某局某某科 -> 某某科).
        """
        places: Places = self.nlp.get_pipe("zz_places")
        orgs: Orgs = self.nlp.get_pipe("zz_orgs")
        out: dict[str, str] = {}

        def without_places(s: str) -> str:
            changed = True
            while changed and s:
                changed = False
                for L in range(min(len(s), 6), 1, -1):
                    if places.lookup(s[:L]) == "strong":
                        s = s[L:]
                        changed = True
                        break
            return s

        for c in chosen:
            if c.label != "ORG":
                continue
            name = text[c.start : c.end]
            core = name
            trade = None
            for suf in self.legal_suffixes:
                if core.endswith(suf):
                    core = core[: -len(suf)]
                    break
            else:
                # a trade name + industry (衡阳某某农业科技): 某某, and 衡阳某某
                trade = next((w for w in orgs.trade_heads if name.endswith(w) and c.src == "head"), None)
                core = name[: -len(trade)] if trade else None
            if core:
                placed = core
                core = without_places(core)
                if trade and core != placed and 3 <= len(core) <= 8:
                    out[placed] = "ORG"
                while core:
                    for w in self.trade_words:
                        if core.endswith(w) and len(core) - len(w) >= 2:
                            core = core[: -len(w)]
                            break
                    else:
                        break
                if core and 3 <= len(core) <= 8:
                    out[core] = "ORG"
                # a brand before an embedded place: 某车株洲电机 -> 某车
                for L in range(2, 4):
                    rest = name[L:]
                    for P in range(min(len(rest), 4), 1, -1):
                        if places.lookup(rest[:P]) == "strong" and len(name) > L + P + 2:
                            out.setdefault(name[:L], "ORG")
                            break
            # an association's own name: 某某市东南公益协会 -> 东南公益
            assoc = next((w for w in self.association_heads if name.endswith(w)), None)
            if assoc:
                short = without_places(name[: -len(assoc)])
                if len(short) >= self.association_short_min and not orgs.is_generic(short):
                    out.setdefault(short, "ORG")
            # tail of a nested organization
            for m in orgs.body_head_re.finditer(name):
                if m.end() < len(name) - 2:
                    tail = name[m.end() :]
                    if len(tail) >= 4 and not any(tail.startswith(p) for p in orgs.admin_prefixes):
                        out.setdefault(tail, "ORG")
        return out

    def list_propagation(self, text, st, chosen, lex) -> list[Cand]:
        """In a 、-list, unlabeled name-like items take the label most items have."""
        by_start = {c.start: c for c in chosen}
        by_end = {c.end: c for c in chosen}
        occupied = bytearray(len(text) + 1)
        for c in chosen:
            for k in range(c.start, c.end):
                occupied[k] = 1
        people: People = self.nlp.get_pipe("zz_people")
        orgs: Orgs = self.nlp.get_pipe("zz_orgs")
        extra = []
        for para_m in re.finditer(r"[^，。；：！？,;:!?\n“”\"《》()（）]+", text):
            seg_s, seg_e = para_m.span()
            seg = text[seg_s:seg_e]
            if "、" not in seg:
                continue
            parts = []
            pos = seg_s
            for piece in seg.split("、"):
                parts.append((pos, pos + len(piece)))
                pos += len(piece) + 1
            labels = []
            for s, e in parts:
                c = by_start.get(s) if s in by_start and by_start[s].end == e else None
                if c is None:
                    c = by_end.get(e) if e in by_end and (by_end[e].start >= s) else None
                labels.append(c.label if c else None)
            known = [x for x in labels if x]
            if len(known) < 2:
                continue
            top = max(set(known), key=known.count)
            if known.count(top) < 2:
                continue
            for idx, ((s, e), lab) in enumerate(zip(parts, labels)):
                if lab:
                    continue
                if idx == 0:
                    k = e
                    while k > s and lex.is_name_char(text[k - 1]):
                        k -= 1
                    s = trim_lead_in(text, k, e - 2, lex)
                if idx == len(parts) - 1:
                    k = s
                    while k < e and lex.is_name_char(text[k]):
                        k += 1
                    e = k
                item = text[s:e]
                if not (2 <= len(item) <= 6) or any(occupied[s:e]) or not is_free(st, s, e):
                    continue
                if not all(lex.is_name_char(ch) for ch in item):
                    continue
                if top in ("PERSON", "OFFICIAL"):
                    span = people.name_at(text, s, lex, st)
                    if span != (s, e) or not people.name_ok(text, s, e, lex, anchored=False):
                        continue
                elif orgs.is_generic(item) or item in orgs.function_set:
                    continue
                extra.append(Cand(s, e, top, 1, "list-prop"))
        return chosen + extra


class _ChainCover:
    """Does a title chain hold a candidate? A lookup in the chains sorted by
    start, with the furthest end reached so far (a scan of all chains for
    each candidate made a text full of posts quadratic)."""

    def __init__(self, chains: list[tuple[int, int]]):
        ordered = sorted(chains)
        self.starts = [cs for cs, _ in ordered]
        self.reach = list(itertools.accumulate((ns for _, ns in ordered), max))

    def holds(self, c: Cand) -> bool:
        k = bisect.bisect_right(self.starts, c.start)
        return k > 0 and self.reach[k - 1] >= c.end


@Language.factory("zz_consistency", default_config={})
def make_consistency(nlp: Language, name: str):
    return Consistency(nlp, name)

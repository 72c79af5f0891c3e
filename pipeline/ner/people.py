"""Component `zz_people`: OFFICIAL and PERSON candidates: title chains of posts
(市委常委、市委秘书长、市纪委监委主任邓为民), role words (退役军人, 导演 …),
surname + name-length rules; the chain is the official's title."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from .common import (
    Cand,
    JsonState,
    alternation,
    cand_index,
    is_bound,
    is_cjk,
    is_free,
    longest_first,
    read_toml,
)
from .edges import strip_deictic
from .lexicon import lexicon_of

if TYPE_CHECKING:
    from .lexicon import Lexicon
    from .orgs import Orgs


class People(JsonState):
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.data = {}

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        self.data = {"people": read_toml(rules_dir / "people.toml")}
        self._setup()

    def _setup(self) -> None:
        p = self.data["people"]
        kinds = {}
        for key, kind in (
            ("role_before", "role"),
            ("nonstate_posts", "nonstate"),
            ("staff_posts", "staff"),
            ("leader_posts", "leader"),
            ("official_posts", "official"),
            ("professional_titles", "professional"),
        ):
            for w in p[key]:
                kinds[w] = kind
        self.kinds = kinds
        # a modifier makes a post more specific and belongs to it (分管副区长, 代理主任)
        modifiers = "|".join(re.escape(w) for w in longest_first(p.get("post_modifiers", [])))
        posts = alternation(kinds).pattern
        self.post_re = re.compile(f"(?:{modifiers})?(?P<post>{posts})" if modifiers else f"(?P<post>{posts})")
        self.refers_back = tuple(longest_first(p.get("refers_back", [])))
        self.role_after_re = alternation(p["role_after"] + p["verbs_after"])
        self.count_re = re.compile(p["count_after"])
        self.is_role_re = re.compile(p["is_role"]) if p.get("is_role") else None
        self.introducer_re = re.compile("|".join(p.get("introducers", []))) if p.get("introducers") else None
        self.role_words_re = alternation(p["role_before"] + p["staff_posts"] + p["professional_titles"] + p["nonstate_posts"])
        self.served_at = longest_first(p["served_at"])

    # -- names

    def name_at(self, text: str, i: int, lex: Lexicon, st: dict, known: set[str] | None = None) -> tuple[int, int] | None:
        """The name starting at i: (start, end) or None."""
        n = len(text)
        sl = lex.surname_at(text, i)
        if not sl:
            return None
        if known:
            for L in (4, 3, 2):
                if text[i : i + L] in known and i + L <= n:
                    return (i, i + L)
        g0 = i + sl
        if g0 >= n or not is_cjk(text[g0]) or text[g0] in lex.never_first_given or st["blocked"][g0]:
            return None
        e2 = g0 + 1
        e3 = g0 + 2
        if lex.max_given < 2 or e3 > n or not is_cjk(text[e2]):
            return (i, e2)
        if text[e2] in lex.never_given:
            # 和 ends a name only when no speech verb follows it (某清和强调 is one name)
            if text[e2] in "和与同" and (
                e3 >= n or not is_cjk(text[e3]) or text[e3] in lex.never_given or any(text.startswith(v, e3) for v in lex.follow_verbs)
            ):
                return (i, e3)
            return (i, e2)
        if st["blocked"][e2]:
            return (i, e2)
        if e3 >= n or not is_cjk(text[e3]):
            return (i, e3)
        if text[e2] in lex.weak_never_given:
            return (i, e2)
        if text[e3] in lex.never_given:
            return (i, e3)
        s2 = lex.freq(text[e2 : e2 + 2])
        s3 = lex.freq(text[e3 : e3 + 2])
        if text[e3] in lex.weak_never_given:
            s3 = max(s3, 1)
        if s2 > 0 and s2 > 5 * s3:
            return (i, e2)
        if not is_bound(st, e3) and is_bound(st, e2):
            return (i, e2)
        return (i, e3)

    def name_ok(self, text: str, s: int, e: int, lex: Lexicon, anchored: bool, strict: bool = False) -> bool:
        """`anchored`: a post or role word introduces the name; `strict`: the
        anchor is weaker than a post (a role noun, a list), so ambiguous
        surnames are refused."""
        name = text[s:e]
        if len(name) < 2:
            return False
        sl = lex.surname_at(text, s) or 1
        given = name[sl:]
        if not given or any(given.startswith(h) for h in lex.hidden_given):
            return False
        if self.post_re.match(given) is not None or self.post_re.match(text, s + sl) is not None:
            return False
        amb = name[0] in lex.ambiguous_surnames and sl == 1
        if amb and strict:
            return False
        if (amb or not anchored) and len(given) > 1 and lex.freq(given) >= lex.common_given_freq:
            return False
        if amb and lex.freq(name) >= lex.common_word_freq // 10:
            return False
        if amb and len(given) > 1 and lex.freq(given) >= 20000:
            return False  # 和人大: not a name
        if strict and (given == name[:sl] * len(given) or lex.freq(name) >= 20000):
            return False  # 强强, 文明
        if not anchored and lex.freq(name) >= lex.common_word_freq:
            return False
        if len(name) == 3 and lex.freq(name[:2]) >= lex.common_word_freq:
            return False
        if amb and lex.freq(name[:2]) >= 20000:
            return False
        for start, end in lex.idiom_spans(text, max(0, s - 3), min(len(text), e + 3)):
            if start < e and end > s:
                return False
        return True

    def __call__(self, doc: Doc) -> Doc:
        lex = lexicon_of(self.nlp)
        orgs: Orgs = self.nlp.get_pipe("zz_orgs")
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = st["cands"]
        index = cand_index(st)
        blocked = st["blocked"]
        n = len(text)
        posts = [(m.start(), m.end(), self.kinds[m.group("post")]) for m in self.post_re.finditer(text)]
        post_by_end = {}
        for p in posts:
            post_by_end.setdefault(p[1], p)
        for p, q, kind in posts:
            if blocked[p] or any(p >= len(w) and text.startswith(w, p - len(w)) for w in self.refers_back):
                continue  # 该负责人强调: the post names someone already introduced
            r = q
            colon = False
            while r < n and text[r] in ":：\t ":
                colon = colon or text[r] in ":：\t"
                r += 1
            if r > q and not colon:
                continue
            span = self.name_at(text, r, lex, st)
            if span is None and not colon and r + 1 < n and text[r] == text[q - 1] and self.post_re.match(text, r) is None:
                # the post's last character printed twice (区长长某某): the name as printed
                inner = self.name_at(text, r + 1, lex, st)
                if inner is not None and self.name_ok(text, inner[0], inner[1], lex, anchored=True):
                    span = (r, inner[1])
                    st.setdefault("ocr_names", {})[text[r + 1 : inner[1]]] = text[r : inner[1]]
            if span is None and colon and self.post_re.match(text, r) is None:
                j = r
                while j < n and is_cjk(text[j]):
                    j += 1
                if 2 <= j - r <= 3:
                    span = (r, j)
            if span is None or not self.name_ok(text, span[0], span[1], lex, anchored=True, strict=kind not in ("official", "leader")):
                continue
            if any(c.label in ("PLACE", "ORG") and not c.weak and span[1] < c.end
                   for c in index.starting_in(span[0] + 1, span[1])):
                continue  # 记者从醴陵市商务局: 从 + 醴陵 is no name
            if any(c.label in ("PLACE", "ORG") and not c.weak and c.start < span[0] and c.end >= span[1]
                   for c in index.overlapping(span[0], span[0] + 1)):
                continue  # 天元区长江北路: not 区长 + 江北路
            chain_start, unit_orgs, chain_kinds = self.chain(text, p, q, kind, index, post_by_end)
            context = text[max(0, chain_start - 30) : p]
            cut = max(context.rfind(ch) for ch in lex.clause_punct)
            context = context[cut + 1 :] if cut >= 0 else context
            label = self.classify(chain_kinds, unit_orgs, orgs, context)
            title = None
            row_label = text[q : q + 1] == "\t" and (p == 0 or text[p - 1] == "\n")
            if kind not in ("role",) and not row_label:
                # (a table's row label, 第一责任人<tab>陈某<tab>张某, is no one's title)
                title = "".join(strip_deictic(text, chain_start, q, lex).split()) or None
            if label == "OFFICIAL" or kind in ("leader", "staff", "official", "nonstate", "professional"):
                st["chains"].append((chain_start, span[0]))
            self._emit(text, span, label, title, cands, st, lex, colon)
        self.after_anchors(text, st, cands, lex)
        self.served_anchors(text, st, cands, lex, orgs)
        return doc

    def _emit(self, text, span, label, title, cands, st, lex, colon) -> None:
        cands.append(Cand(span[0], span[1], label, 3, "post", title=title))
        n = len(text)
        e = span[1]
        seps = "、\t" if colon else "、"
        while e < n and text[e] in seps:
            r = e + 1
            while colon and r < n and text[r] in " \t":
                r += 1
            if self.post_re.match(text, r) is not None:
                break  # the next cell has its own post
            nxt = self.name_at(text, r, lex, st)
            if nxt is None and colon:
                j = r
                while j < n and is_cjk(text[j]):
                    j += 1
                if 2 <= j - r <= 3:
                    nxt = (r, j)
            if nxt is None:
                break
            after = text[nxt[1] : nxt[1] + 1]
            if after and is_cjk(after) and self.post_re.match(text, nxt[1]) is not None:
                break
            if after and is_cjk(after) and not colon:
                # a list item must end the name: 、 , 等 or a word that follows names
                if after not in lex.never_given and lex.freq(text[nxt[1] : nxt[1] + 2]) == 0:
                    break
            if not self.name_ok(text, nxt[0], nxt[1], lex, anchored=True):
                break
            cands.append(Cand(nxt[0], nxt[1], label, 3, "post-list", title=title))
            e = nxt[1]

    def chain(self, text, p, q, kind, cands, post_by_end):
        """Start of the title chain ending with the post at [p, q)."""
        s = p
        unit_orgs = []
        kinds = [kind]
        unit_start = p
        limit = max(0, p - 60)
        while s > limit:
            ch = text[s - 1]
            if ch == "\n" and s > 1 and text[s - 2] not in "。！？!?”\"；;：:" and "\t" not in text[max(0, s - 40) : q + 2]:
                s -= 1  # a paragraph break the layout put inside the chain
                continue
            if ch == "、":
                prev = post_by_end.get(s - 1)
                if prev is None:
                    break
                unit_orgs.append(text[unit_start:p] if unit_start < p else "")
                kinds.append(prev[2])
                p = prev[0]
                s = prev[0]
                unit_start = s
                continue
            best = None
            for c in cands.ending(s):
                if c.label in ("ORG", "PLACE") and c.start >= limit:
                    if best is None or c.length > best.length:
                        best = c
            if best is not None:
                s = best.start
                unit_start = s
                continue
            prev = post_by_end.get(s)
            if prev is not None and prev[2] in ("official", "leader"):
                kinds.append(prev[2])
                s = prev[0]
                unit_start = s
                continue
            if ch in "市省区县镇乡村":
                s -= 1
                unit_start = s
                continue
            # a run of name characters holding an organization (市纪委监委驻市国资委
            # 纪检监察组组长, 村委会主任): the whole run belongs to the chain
            orgs = self.nlp.get_pipe("zz_orgs")
            lex = lexicon_of(self.nlp)
            j = s
            while j > limit and lex.is_name_char(text[j - 1]) and s - j < 24:
                j -= 1
            run = text[j:s]
            has_org = any(c.label in ("ORG", "PLACE") and c.end <= s for c in cands.starting_in(j, s))
            # an earlier post of a chain, from the verb's object on: 看望了基层一线优秀干部、
            # 某街道办事处专干某某 (the whole object is what the paper calls the person)
            object_post = len(kinds) > 1 and 2 <= len(run) <= 8 and (j == 0 or text[j - 1] in "了\n")
            if run and (has_org or object_post or orgs.kind_of(run) is not None):
                s = j
                unit_start = s
                continue
            break
        unit_orgs.append(text[unit_start:p] if unit_start < p else "")
        return s, unit_orgs, kinds

    def classify(self, kinds: list[str], unit_orgs: list[str], orgs: Orgs, context: str = "") -> str:
        org_kinds = [orgs.kind_of(o) for o in unit_orgs if o]
        last_org = org_kinds[0] if org_kinds else None
        if last_org is None and context:
            last_org = orgs.kind_of(context)
        if "official" in kinds:
            return "OFFICIAL"
        k = kinds[0]
        if k in ("role", "professional", "nonstate"):
            return "PERSON"
        if k == "leader":
            if last_org == "association" or (last_org == "business" and not self._state_owned(unit_orgs, orgs)):
                return "PERSON"
            return "OFFICIAL"
        if k == "staff":
            return "OFFICIAL" if last_org in ("state", "mass") else "PERSON"
        return "PERSON"

    @staticmethod
    def _state_owned(unit_orgs: list[str], orgs) -> bool:
        """A business named by an administrative prefix (市城发集团, 省某某集团)
        is owned by that government: its leaders are OFFICIALs."""
        for o in unit_orgs:
            o = o.strip("、")
            for w in ("市", "省", "区", "县"):
                if o.startswith(w) and len(o) > 2:
                    return True
        return False

    def _name_before(self, text, pos, st, lex, loose: bool = False, strict: bool = True) -> tuple[int, int] | None:
        for L in (3, 2, 4):
            s = pos - L
            if s < 0:
                continue
            if not loose and s > 0 and lex.is_name_char(text[s - 1]) and text[s - 1] not in lex.never_given:
                # inside a run of characters: only right after a word (共有某某等)
                if lex.freq(text[s - 2 : s]) < 20000:
                    continue
            span = self.name_at(text, s, lex, st)
            if span == (s, pos) and self.name_ok(text, s, pos, lex, anchored=True, strict=strict):
                return span
        return None

    def after_anchors(self, text, st, cands, lex) -> None:
        for pattern in lex.post_after_res:
            for m in pattern.finditer(text):
                span = self._name_before(text, m.start(), st, lex, loose=True, strict=False)
                if span and is_free(st, span[0], span[1]):
                    cands.append(Cand(span[0], span[1], "OFFICIAL", 3, "post-after"))
        for m in self.role_after_re.finditer(text):
            span = self._name_before(text, m.start(), st, lex)
            if span and is_free(st, span[0], span[1]):
                cands.append(Cand(span[0], span[1], "PERSON", 3, "role-after"))
                # 甲、乙夫妇: the names listed before it too
                e = span[0]
                while e > 1 and text[e - 1] == "、":
                    prev = self._name_before(text, e - 1, st, lex)
                    if not prev:
                        break
                    cands.append(Cand(prev[0], prev[1], "PERSON", 3, "role-after-list"))
                    e = prev[0]
        if self.introducer_re is not None:
            # 来自某地的某某, 她叫某某
            for m in self.introducer_re.finditer(text):
                span = self.name_at(text, m.end(), lex, st)
                if span and self.name_ok(text, span[0], span[1], lex, anchored=True, strict=True) and is_free(st, span[0], span[1]) and lex.freq(text[span[0] : span[1]]) < 1000:
                    after = text[span[1] : span[1] + 1]
                    if not after or not is_cjk(after) or after in lex.never_given or lex.freq(text[span[1] : span[1] + 2]) > 0:
                        cands.append(Cand(span[0], span[1], "PERSON", 3, "introduced"))
        if self.is_role_re is not None:
            # 某某是某区的一名退役军人
            for m in self.is_role_re.finditer(text):
                if self.role_words_re.match(text, m.end()) is None:
                    continue
                span = self._name_before(text, m.start(), st, lex)
                if span and is_free(st, span[0], span[1]):
                    cands.append(Cand(span[0], span[1], "PERSON", 3, "is-role"))
        for m in self.count_re.finditer(text):
            span = self._name_before(text, m.start(), st, lex)
            if span and is_free(st, span[0], span[1]):
                cands.append(Cand(span[0], span[1], "PERSON", 3, "count"))

    def served_anchors(self, text, st, cands, lex, orgs) -> None:
        for c in list(cands):
            if c.label != "ORG":
                continue
            for w in self.served_at:
                if text.startswith(w, c.end):
                    r = c.end + len(w)
                    span = self.name_at(text, r, lex, st)
                    if span and self.name_ok(text, span[0], span[1], lex, anchored=True):
                        kind = orgs.kind_of(text[c.start : c.end])
                        label = "OFFICIAL" if kind in ("state", "mass") else "PERSON"
                        cands.append(Cand(span[0], span[1], label, 3, "served"))
                    break


@Language.factory("zz_people", default_config={})
def make_people(nlp: Language, name: str):
    return People(nlp, name)

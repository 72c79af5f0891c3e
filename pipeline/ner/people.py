"""Component `zz_people`: OFFICIAL and PERSON candidates: title chains of posts
(市委常委、市委秘书长、市纪委监委主任邓为民), role words (退役军人, 导演 …),
surname + name-length rules; the chain is the official's title."""

from __future__ import annotations

import bisect
import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from .common import (
    QUOTE_PAIRS,
    QUOTE_SAME,
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
from .lexicon import lexicon_of

if TYPE_CHECKING:
    from .lexicon import Lexicon
    from .orgs import Orgs

# level characters that open a chain's organization (市委, 县政府, 村委会)
_LEVELS = "市省区县镇乡村州"
# `src` of a candidate another component proposed and this one found read
# across a post and a name: weak, so it is no mention (candidates are never
# removed from the list, which the index follows)
DROPPED = "dropped"


def drop(c: Cand) -> None:
    c.weak = True
    c.src = DROPPED


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
            ("descriptions", "description"),
            ("nonstate_posts", "nonstate"),
            ("staff_posts", "staff"),
            ("leader_posts", "leader"),
            ("official_posts", "official"),
            ("professional_titles", "professional"),
        ):
            for w in p.get(key, []):
                kinds[w] = kind
        self.kinds = kinds
        # modifiers make a post more specific and belong to it, several at once
        # (分管副区长, 代理主任, 退休老支书)
        modifiers = "|".join(re.escape(w) for w in longest_first(p.get("post_modifiers", [])))
        posts = alternation(kinds).pattern
        self.post_re = re.compile(f"(?:{modifiers})*(?P<post>{posts})" if modifiers else f"(?P<post>{posts})")
        self.refers_back = tuple(longest_first(p.get("refers_back", [])))
        self.role_after_re = alternation(p["role_after"] + p["verbs_after"])
        self.count_re = re.compile(p["count_after"])
        self.is_role_re = re.compile(p["is_role"]) if p.get("is_role") else None
        self.introducer_re = re.compile("|".join(p.get("introducers", []))) if p.get("introducers") else None
        self.role_words_re = alternation(p["role_before"] + p["staff_posts"] + p["professional_titles"] + p["nonstate_posts"])
        self.served_at = longest_first(p["served_at"])
        openers = [re.escape(w) for w in longest_first(p.get("chain_openers", []))]
        if p.get("ordinal_before"):
            openers.insert(0, p["ordinal_before"])
        # anchored at the end: the opener printed right before the chain
        self.opener_re = re.compile(f"(?:{'|'.join(openers)})$") if openers else None
        self.committee_fields = longest_first(p.get("committee_fields", []))
        self.chain_breakers = set(p.get("chain_breakers", []))
        self.after_name = longest_first(p.get("posts_after_name", []))
        self.predicate_re = alternation(p.get("predicate_verbs", [])) if p.get("predicate_verbs") else None
        self.predicate_end = longest_first(p.get("predicate_end", []))
        self.group_posts = set(p.get("group_posts", []))
        self.grassroots = longest_first(p.get("grassroots_units", []))
        self.state_owned_markers = longest_first(p.get("state_owned_markers", []))
        self.list_joiners = p.get("list_joiners", "")
        self.scope_words = longest_first(p.get("scope_words", []))
        self.word_not_name_freq = int(p.get("word_not_name_freq", 20000))

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
        if any((lex.segmenter.tag(text[e2 : e2 + L]) or "nr")[:2] != "nr" for L in (4, 3) if e2 + L <= n):
            return (i, e2)  # 某某看在眼里: a longer word starts at the third character
        if text[e3] in lex.weak_never_given and any(c.label in ("PLACE", "ORG") and not c.weak for c in cand_index(st).starting(e3 + 1)):
            return (i, e3)  # 某某某来某县: a movement verb before a place ends the name
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
        if lex.common_word(name):
            return False  # 党员, 简单: a frequent word the dictionary lists as no name
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
        posts = self.find_posts(text, st)
        post_by_end = {}
        for p in posts:
            post_by_end.setdefault(p[1], p)
        for p, q, kind in posts:
            quoted = text[p] in QUOTE_PAIRS or text[p] in QUOTE_SAME
            if (blocked[p] and not quoted) or any(p >= len(w) and text.startswith(w, p - len(w)) for w in self.refers_back):
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
            if self.is_word_not_name(text, span[0], span[1], lex):
                continue  # 总书记殷切期望, 等领导简单讲了几句: a word, not a name
            for c in index.overlapping(span[0], span[1]):
                # an organization read through the post and the name, from inside the
                # post (副县长 + 长某某带领某某局) or up to a verb after the name (市委书记
                # 某某率队: 队 is no body here): the post and the name are what is printed
                if c.label == "ORG" and c.start < span[0] and c.end > span[1] and (
                        p < c.start < q or text[span[1]] in lex.weak_never_given or text[span[1]] in lex.never_given
                        or any(text.startswith(v, span[1]) for v in lex.follow_verbs)):
                    drop(c)
            if any(c.label in ("PLACE", "ORG") and not c.weak and span[1] < c.end
                   for c in index.starting_in(span[0] + 1, span[1])):
                continue  # 记者从醴陵市商务局: 从 + 醴陵 is no name
            if any(c.label in ("PLACE", "ORG") and not c.weak and c.start < span[0] and c.end >= span[1]
                   for c in index.overlapping(span[0], span[0] + 1)):
                continue  # 天元区长江北路: not 区长 + 江北路
            chain_start, unit_orgs, chain_kinds = self.chain(text, p, q, kind, index, post_by_end, lex)
            context = text[max(0, chain_start - 30) : p]
            cut = max(context.rfind(ch) for ch in lex.clause_punct)
            context = context[cut + 1 :] if cut >= 0 else context
            label = self.classify(chain_kinds, unit_orgs, orgs, context, index, chain_start)
            title = None
            row_label = text[q : q + 1] == "\t" and (p == 0 or text[p - 1] == "\n")
            if kind not in ("role", "description") and not row_label:
                # (a table's row label, 第一责任人<tab>陈某<tab>张某, is no one's title)
                title = "".join(text[chain_start:q].split()) or None
            if label == "OFFICIAL" or kind in ("leader", "staff", "official", "nonstate", "professional"):
                st["chains"].append((chain_start, span[0]))
            self._emit(text, span, label, title, cands, st, lex, colon)
        self.after_anchors(text, st, cands, lex)
        self.served_anchors(text, st, cands, lex, orgs)
        return doc

    def find_posts(self, text: str, st: dict) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every post word with its modifiers; a quoted
        post keeps its quotes (某某村“第一书记”, ANNOTATION.md)."""
        out = [(m.start(), m.end(), self.kinds[m.group("post")]) for m in self.post_re.finditer(text)]
        for qs, qe, _namelike in st["quotes"]:
            m = self.post_re.fullmatch(text, qs + 1, qe - 1) if qe - qs > 2 else None
            if m is not None:
                out.append((qs, qe, self.kinds[m.group("post")]))
        return sorted(out)

    def is_word_not_name(self, text: str, s: int, e: int, lex: Lexicon) -> bool:
        """A candidate name that the dictionary lists as an ordinary word (强调,
        简单, 方式), or a preposition before a surname and a post (向 + 江市长)."""
        name = text[s:e]
        if len(name) == 2:
            tag = lex.segmenter.tag(name)
            if tag is not None and not tag.startswith("nr"):
                if tag[0] in "vadpcrumqftz" or lex.freq(name) >= self.word_not_name_freq:
                    return True
            if name[0] in lex.ambiguous_surnames and name[1] in lex.single_surnames and self.post_re.match(text, e):
                return True
        return False

    def _emit(self, text, span, label, title, cands, st, lex, colon) -> None:
        cands.append(Cand(span[0], span[1], label, 3, "post", title=title))
        n = len(text)
        e = span[1]
        seps = "、\t" if colon else "、"
        while e < n and (text[e] in seps or (text[e] in self.list_joiners and e == span[1])):
            joiner = text[e] in self.list_joiners  # 退休老支书某某和某某: a pair shares the post
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
            if not self.name_ok(text, nxt[0], nxt[1], lex, anchored=True, strict=joiner) or self.is_word_not_name(text, nxt[0], nxt[1], lex):
                break
            cands.append(Cand(nxt[0], nxt[1], label, 3, "post-list", title=title))
            e = nxt[1]
            if joiner:
                break

    def chain(self, text, p, q, kind, cands, post_by_end, lex):
        """Start of the title chain ending with the post at [p, q), the
        organization printed before each of its posts, and the posts' kinds
        (`cands`: the index of the document's candidates)."""
        s = p
        unit_orgs = []
        kinds = [kind]
        unit_start = p
        limit = max(0, p - 60)
        orgs = self.nlp.get_pipe("zz_orgs")
        used_deictic = False
        while s > limit:
            ch = text[s - 1]
            if ch == "\n":
                if self._chain_goes_on(text, s - 1, cands, post_by_end) and "\t" not in text[max(0, s - 40) : q + 2]:
                    s -= 1  # a paragraph break the layout put inside the chain
                    continue
                break
            field = self._field_before(text, s, p)
            if field:
                s -= field  # 镇党委宣传、统战委员
                unit_start = s
                continue
            if ch == "、":
                prev = post_by_end.get(s - 1)
                if prev is not None:
                    unit_orgs.append(text[unit_start:p] if unit_start < p else "")
                    kinds.append(prev[2])
                    p = prev[0]
                    s = prev[0]
                    unit_start = s
                    if prev[2] == "description":
                        s = unit_start = self._description_start(text, s, limit, lex)
                        break  # a description opens the chain
                    continue
                if s >= 2 and text[s] in _LEVELS and text[s - 2] in _LEVELS and (s == 2 or not lex.is_name_char(text[s - 3])):
                    s -= 2  # 市、县领导: one post of two levels
                    unit_start = s
                    continue
                break
            if ch in ",，":
                # 某市政协党组副书记、副主席,某开发区党工委副书记、管委会主任某某: one chain
                prev = post_by_end.get(s - 1)
                if prev is not None and prev[2] in ("official", "leader") and self._org_at(s, cands):
                    start, orgs_before, kinds_before = self.chain(text, prev[0], prev[1], prev[2], cands, post_by_end, lex)
                    if start == 0 or text[start - 1] in lex.clause_punct or text[start - 1] in " \t":
                        unit_orgs.append(text[unit_start:p] if unit_start < p else "")
                        return start, unit_orgs + orgs_before, kinds + kinds_before
                break
            best = None
            for c in cands.ending(s) + [c for c in cands.overlapping(s, s + 1) if c.start < s and c.end <= q]:
                # (a place overlapping the chain's start: 某都市 + 市政协主席)
                if c.label in ("ORG", "PLACE") and c.start >= limit and c.src != DROPPED:
                    if best is None or c.length > best.length:
                        best = c
            if best is not None:
                # (an organization read across a verb, 某地接见某某集团, starts after it)
                s = self._after_breakers(text, best.start, s, lex, listed_only=True) if best.label == "ORG" else best.start
                unit_start = s
                if s > best.start:
                    drop(best)
                    break
                continue
            prev = post_by_end.get(s)
            if prev is not None and prev[2] in ("official", "leader"):
                kinds.append(prev[2])
                s = prev[0]
                unit_start = s
                continue
            if ch in _LEVELS:
                s -= 1
                unit_start = s
                continue
            scope = next((w for w in self.scope_words if s >= len(w) and text.startswith(w, s - len(w))), None)
            if scope is not None:
                s -= len(scope)  # 全国人大代表
                unit_start = s
                continue
            deictic = 0 if used_deictic else self._deictic_before(text, s, q, cands, lex)
            if deictic:
                # a deictic word naming the organization stays in the title
                # (该局党组书记, 该站值班站长, 该村党委原书记; ANNOTATION.md)
                s -= deictic
                used_deictic = True
                continue
            opener = self.opener_re.search(text, max(0, s - 8), s) if self.opener_re is not None else None
            if opener is not None and opener.end() == s:
                s = opener.start()  # 第十三届某镇党委书记, 新一任镇党委书记
                unit_start = s
                continue
            # a run of name characters holding an organization (市纪委监委驻市国资委
            # 纪检监察组组长, 村委会主任): the whole run belongs to the chain, from
            # after the last verb or function word in it
            j = s
            while j > limit and lex.is_name_char(text[j - 1]) and s - j < 24:
                j -= 1
            j = self._after_breakers(text, j, s, lex)
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

    def _deictic_before(self, text: str, s: int, q: int, cands, lex: Lexicon) -> int:
        """How many characters before `s` belong to a deictic word that names
        the chain's organization (该站 in 该站值班站长, 我市, 该 + 村), or 0."""
        for w in lex.deictic:
            k = next((k for k in range(1, len(w)) if s >= k and text.startswith(w, s - k) and s - k + len(w) <= q), None)
            if k is None and s >= len(w) and text.startswith(w, s - len(w)):
                k = len(w)
            if k is not None:
                return k
        if s > 0 and text[s - 1] in "该本" and (text[s] in _LEVELS or self._org_at(s, cands)):
            return 1
        return 0

    def _chain_goes_on(self, text: str, nl: int, cands, post_by_end) -> bool:
        """Does the line ending at `nl` end inside a chain (a 、, a post or an
        organization), rather than with a headline or a sentence?"""
        if nl == 0:
            return False
        before = text[nl - 1]
        if before in "。！？!?”\"；;：:":
            return False
        return before == "、" or nl in post_by_end or any(c.label == "ORG" and not c.weak for c in cands.ending(nl))

    def _field_before(self, text: str, s: int, p: int) -> int:
        """Length of the committee fields printed right before 委员 at `s`
        (宣传委员, 宣传、统战委员), or 0."""
        if s != p or not text.startswith("委员", p):
            return 0
        total = 0
        while True:
            at = s - total
            field = next((f for f in self.committee_fields if at >= len(f) and text.startswith(f, at - len(f))), None)
            if field is None:
                return total
            total += len(field)
            if at - len(field) > 0 and text[at - len(field) - 1] == "、" and any(
                    at - len(field) - 1 >= len(f) and text.startswith(f, at - len(field) - 1 - len(f))
                    for f in self.committee_fields):
                total += 1
                continue
            return total

    @staticmethod
    def _org_at(s: int, cands) -> bool:
        return any(c.label in ("ORG", "PLACE") and not c.weak for c in cands.starting(s))

    def _after_breakers(self, text: str, j: int, s: int, lex: Lexicon, keep: str = "", listed_only: bool = False) -> int:
        """`j` moved past the last word of text[j:s] that never sits inside an
        organization's name: a verb of the chain_breakers list or a lead-in
        verb, a preposition, conjunction, adverb, pronoun or particle."""
        if j >= s:
            return j
        cut = j
        for w in self.chain_breakers:  # a verb of two or more characters wherever it is printed
            at = text.rfind(w, j, s) if len(w) > 1 else -1
            if at != -1:
                cut = max(cut, at + len(w))
        if listed_only:  # (inside a name the other component found: 某某协调小组 keeps its verb)
            return cut
        for a, b in lex.segmenter.cut(text[j:s]):
            w = text[j + a : j + b]
            tag = lex.segmenter.tag(w) or ""
            if w in keep:
                continue
            if w in self.chain_breakers or (w in lex.lead_in and tag.startswith("v")) or (tag[:1] in ("p", "c", "d", "r", "u") and w not in lex.deictic):
                cut = max(cut, j + b)
        return cut

    def _description_start(self, text: str, s: int, limit: int, lex: Lexicon) -> int:
        """Where a description ending at `s` begins: the clause's start, or
        after a verb (看望了基层一线优秀干部; 某村致富的带头人)."""
        k = s
        while k > max(limit, s - 20) and text[k - 1] not in lex.clause_punct and text[k - 1] not in "“”\"" and (
                text[k - 1] == "的" or text[k - 1] not in lex.stem_stop):
            k -= 1
        return self._after_breakers(text, k, s, lex, keep="的")

    def classify(self, kinds: list[str], unit_orgs: list[str], orgs: Orgs, context: str = "", cands=None, chain_start: int = 0) -> str:
        org_kinds = [orgs.kind_of(o) for o in unit_orgs if o]
        last_org = org_kinds[0] if org_kinds else None
        if last_org is None and context:
            last_org = orgs.kind_of(context)
        if "official" in kinds:
            return "OFFICIAL"
        k = kinds[0]
        if k in ("role", "professional", "nonstate", "description"):
            return "PERSON"
        if k == "leader":
            if last_org == "association" or (last_org == "business" and not self._state_owned(unit_orgs, cands, chain_start)):
                return "PERSON"
            return "OFFICIAL"
        if k == "staff":
            if unit_orgs and self._grassroots(unit_orgs[0], orgs):
                return "PERSON"  # 村党建专干: staff of self-government
            return "OFFICIAL" if last_org in ("state", "mass") else "PERSON"
        return "PERSON"

    def _grassroots(self, org: str, orgs: Orgs) -> bool:
        """Is the innermost body of `org` a village or community (村党建 -> 村)?
        A field of work after the body is no body (街道办事处农业农村)."""
        for f in sorted(orgs.function_set, key=len, reverse=True):
            if org.endswith(f) and len(org) > len(f):
                org = org[: -len(f)]
                break
        for e in range(len(org), 0, -1):  # the body word that ends last, the longer at one end
            for length in orgs.kind_lengths:
                if length <= e and org[e - length : e] in orgs.kind_by_word:
                    return org[e - length : e] in self.grassroots
        return False

    def _state_owned(self, unit_orgs: list[str], cands=None, chain_start: int = 0) -> bool:
        """A business named by an administrative prefix (市城发集团, 省某某集团),
        or by a place and a state-owned platform's trade (某地城投集团,
        某地传媒集团), is owned by that government: its leaders are OFFICIALs."""
        for o in unit_orgs:
            o = o.strip("、")
            for w in ("市", "省", "区", "县"):
                if o.startswith(w) and len(o) > 2:
                    return True
            if cands is not None and any(m in o for m in self.state_owned_markers) and any(
                    c.label == "PLACE" for c in cands.starting(chain_start)):
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


    # -- titles printed elsewhere than right before the name

    def titles_elsewhere(self, text: str, st: dict, chosen: list[Cand]) -> list[Cand]:
        """Titles printed after a name (某某总书记, 某某(某部副部长、某办主任)), in
        its predicate (某某当选新一任镇党委书记) and after a list (某某、某某等省人大
        代表), for the article's final mentions (`chosen`, from the last
        component): more titles of a mention, in st["more_titles"][(start, end)].
        A person given an official's title becomes an OFFICIAL; places and
        organizations inside these chains are dropped (rule 2)."""
        lex = lexicon_of(self.nlp)
        orgs: Orgs = self.nlp.get_pipe("zz_orgs")
        index = cand_index(st)
        posts = self.find_posts(text, st)
        post_by_end = {}
        for post in posts:
            post_by_end.setdefault(post[1], post)
        post_starts = [post[0] for post in posts]
        st["more_titles"] = {}
        late_chains: list[tuple[int, int]] = []
        persons: dict[tuple[int, int], Cand] = {}
        for c in chosen:
            if c.label in ("OFFICIAL", "PERSON"):
                persons.setdefault((c.start, c.end), c)
        person_by_end = {span[1]: span for span in sorted(persons)}
        person_starts = sorted(span[0] for span in persons)
        occupied = bytearray(len(text) + 1)
        for c in chosen:
            occupied[c.start : c.end] = b"\x01" * c.length
        chain_of = {name_start: cs for cs, name_start in st["chains"]}  # a name -> where its chain starts
        chain_cover = sorted(st["chains"])
        chain_reach = list(itertools.accumulate((ns for _, ns in chain_cover), max))
        chain_starts = [cs for cs, _ in chain_cover]
        upgraded: set[str] = set()

        def in_chain(p: int, q: int) -> bool:  # is [p, q) inside a chain before a name?
            k = bisect.bisect_right(chain_starts, p)
            return k > 0 and chain_reach[k - 1] >= q

        def add(span: tuple[int, int], title: str, label: str) -> None:
            if span not in persons:
                if label != "OFFICIAL" or any(occupied[span[0] : span[1]]):
                    return
                persons[span] = Cand(span[0], span[1], "OFFICIAL", 3, "title-after")
                chosen.append(persons[span])
                occupied[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
            titles = st["more_titles"].setdefault(span, [])
            if title and title not in titles:
                titles.append(title)
            if label == "OFFICIAL" and persons[span].label == "PERSON":
                upgraded.add(text[span[0] : span[1]])

        n = len(text)
        # 1. a post right after the name: 某某总书记, 某中某某校长作了汇报
        for p, q, kind in posts:
            if text[p:q] not in self.after_name or in_chain(p, q) or (q < n and self.post_re.match(text, q)):
                continue
            span = person_by_end.get(p)
            if span is None:
                span = self._name_before(text, p, st, lex, loose=True, strict=True)
                # (inside a run of characters only a full three-character name: 某中某某某校长)
                if span is None or self.is_word_not_name(text, span[0], span[1], lex) or (
                        span[0] > 0 and lex.is_name_char(text[span[0] - 1]) and text[span[0] - 1] not in lex.never_given
                        and span[1] - span[0] < 3):
                    continue
            add(span, text[p:q], "OFFICIAL" if kind in ("official", "leader") else "PERSON")
        # 2. a chain in brackets right after the name
        for span in list(persons):
            e = span[1]
            if e >= n or text[e] not in "(（":
                continue
            ends = [k for k in (text.find(")", e, e + 60), text.find("）", e, e + 60)) if k != -1]
            post = post_by_end.get(min(ends)) if ends else None
            if post is None:
                continue
            start, unit_orgs, kinds = self.chain(text, post[0], post[1], post[2], index, post_by_end, lex)
            if start == e + 1:
                late_chains.append((start, post[1]))
                add(span, "".join(text[start : post[1]].split()), self.classify(kinds, unit_orgs, orgs, "", index, start))
        # 3. a post in the predicate: 某某以多数票当选镇党委书记, 某某被任命为某厂厂长
        if self.predicate_re is not None:
            for span in list(persons):
                e = span[1]
                end = e
                while end < n and end - e < 40 and text[end] not in lex.clause_punct:
                    end += 1
                m = self.predicate_re.search(text, e, end)
                if m is None or m.start() - e > 12 or self.post_re.search(text, e, m.start()) is not None:
                    continue
                k = bisect.bisect_right(person_starts, e)
                if k < len(person_starts) and person_starts[k] < m.end():
                    continue  # another person is the subject
                post = None
                for at in range(bisect.bisect_left(post_starts, m.end()), len(posts)):
                    p, q, kind = posts[at]
                    if q > end:
                        break
                    if q == end or text[q:end] in self.predicate_end:
                        post = (p, q, kind)
                if post is None:
                    continue
                start, unit_orgs, kinds = self.chain(text, *post, index, post_by_end, lex)
                start = max(start, m.end())
                if text[m.end() : start].strip():
                    continue
                late_chains.append((start, post[1]))
                add(span, "".join(text[start : post[1]].split()), self.classify(kinds, unit_orgs, orgs, "", index, start))
        # 4. a post after 等 given to every name of the list before it
        for m in re.finditer("等", text):
            i = m.start()
            if i not in person_by_end:
                continue
            for at in range(bisect.bisect_right(post_starts, i), len(posts)):
                p, q, kind = posts[at]
                if p > i + 12:
                    break
                if kind not in ("official", "leader"):
                    continue
                start, _orgs, _kinds = self.chain(text, p, q, kind, index, post_by_end, lex)
                word = self.post_re.match(text, p)
                if start != i + 1 or word is None or word.group("post") in self.group_posts or in_chain(p, q):
                    break
                title = "".join(text[i + 1 : q].split())
                k = i
                while k in person_by_end:
                    span = person_by_end[k]
                    add(span, title, "OFFICIAL")
                    late_chains.append((i + 1, q))
                    before = chain_of.get(span[0], span[0])
                    if before > 0 and text[before - 1] in "、,，":
                        k = before - 1
                        continue
                    break
                break
        for c in chosen:
            if c.label in ("OFFICIAL", "PERSON") and text[c.start : c.end] in upgraded:
                c.label = "OFFICIAL"
        if not late_chains:
            return chosen
        covered = bytearray(n + 1)
        for cs, ce in late_chains:
            covered[cs:ce] = b"\x01" * (ce - cs)
        return [c for c in chosen if not (c.label in ("ORG", "PLACE") and all(covered[c.start : c.end]))]

@Language.factory("zz_people", default_config={})
def make_people(nlp: Language, name: str):
    return People(nlp, name)

"""Component `zz_places`: PLACE candidates from the administrative gazetteer
(jionlp's china_location, provinces down to villages) and from suffix
patterns (路, 小区, 广场, 山, 江, 桥 …)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from pipeline import gazetteer as gz

from .common import (
    CN_NUMERALS,
    Cand,
    CandIndex,
    JsonState,
    alternation,
    cand_index,
    is_bound,
    is_cjk,
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


class Places(JsonState):
    def __init__(self, nlp: Language, name: str, home_province: str, home_prefecture: str):
        self.nlp = nlp
        self.name = name
        self.home_province = home_province
        self.home_prefecture = home_prefecture
        self.data = {}

    def _file(self, path: Path) -> Path:
        return Path(path) / "places.json"

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        cfg = read_toml(rules_dir / "places.toml")
        meta_path = Path(gaz_dir) / gz.META_FILE
        warnings = []
        if meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            for key in ("china_location_sha256", "world_location_sha256"):
                want = cfg["gazetteer"].get(key)
                if want and meta.get(key) != want:
                    warnings.append(f"gazetteer {key} differs from rules/ner/places.toml")
        alias_stop = set(cfg["alias_stop"])
        full_stop = set(cfg["full_stop"])
        # name -> [strong, weak, full]
        entries: dict[str, list[int]] = {}
        levels: dict[str, int] = {}

        def add(name: str, strong: bool, full: bool = False, level: int = 9) -> None:
            e = entries.setdefault(name, [0, 0, 0])
            e[0 if strong else 1] = 1
            if full:
                e[2] = 1
            if strong:
                levels[name] = min(levels.get(name, 99), level)

        freq = {}
        for line in gz.load_lines(Path(gaz_dir) / gz.WORDS_FILE):
            w, f = line.split("\t")
            freq[w] = int(f)
        everyday = int(cfg.get("everyday_word_freq", 20000))
        dictionary = gz.load_dictionary(Path(gaz_dir) / gz.DICTIONARY_FILE) if (Path(gaz_dir) / gz.DICTIONARY_FILE).exists() else {}
        name_tags = set(cfg.get("name_tags", []))

        def is_everyday(word: str) -> bool:
            """A frequent word, or one jieba lists as an ordinary word (同心 n, 安定 v)."""
            tag = dictionary.get(word, (0, None))[1]
            return freq.get(word, 0) >= everyday or (tag is not None and tag not in name_tags)
        for name, level, form, code in gz.load(gaz_dir):
            if len(name) < 2 or name in full_stop:
                continue
            if form == "full":
                if level == 4 and (not code.startswith(self.home_province) or len(name) <= 2):
                    # villages far away, or with a one-character name (员村), need
                    # a place context: their names are often everyday fragments
                    add(name, False)
                    continue
                if level == 4 and code.startswith(self.home_prefecture):
                    for suf in ("社区居委会", "居委会", "社区", "村委会", "村"):
                        if name.endswith(suf) and len(name) - len(suf) >= 2:
                            add(name[: -len(suf)], False)
                            break
                add(name, True, True, level)
                continue
            # short forms
            if name in alias_stop:
                add(name, False)
            elif level in (0, 1, 9, 10):
                add(name, True, level=level if level < 9 else 0)
            elif level == 2:
                # a county's short form reads alone in the home province, and
                # anywhere when it is no everyday word (宜都, 吉首; not 和平, 东方)
                if code.startswith(self.home_province) or not is_everyday(name):
                    add(name, True, level=level)
                else:
                    add(name, False)
            elif level == 3 and code.startswith(self.home_prefecture):
                add(name, False)
        for name in cfg["regions"]:
            add(name, True, level=0)
        for name in cfg.get("weak_regions", []):
            add(name, False)
        # a township or village whose name is an everyday word (农村, 乡村)
        # needs a place context like any weak name
        bad_start = set(read_toml(rules_dir / "text.toml").get("bad_stem_start", ""))
        for k, v in entries.items():
            if v[0] and levels.get(k, 99) >= 3 and (freq.get(k, 0) >= everyday or k[0] in bad_start):
                v[0] = 0
                v[1] = 1
        strong = sorted(k for k, v in entries.items() if v[0])
        weak = sorted(k for k, v in entries.items() if v[1] and not v[0])
        full = sorted(k for k, v in entries.items() if v[2])
        self.data = {"cfg": cfg, "strong": strong, "weak": weak, "full": full, "warnings": warnings,
                     "levels": {k: v for k, v in levels.items() if v < 9}}
        self._setup()

    def _setup(self) -> None:
        d = self.data
        self.cfg = d["cfg"]
        self.strong = set(d["strong"])
        self.weak = set(d["weak"])
        self.full = set(d.get("full", []))
        self.levels = d.get("levels", {})
        self.admin_suffixes = set(self.cfg.get("admin_suffixes", []))
        self.street_suffixes = set(self.cfg.get("street_suffixes", []))
        self.maxlen = max((len(x) for x in self.strong | self.weak), default=2)
        self.maxlen = min(self.maxlen, 14)
        lengths: dict[str, set[int]] = {}
        for x in self.strong | self.weak:
            if len(x) <= self.maxlen:
                lengths.setdefault(x[0], set()).add(len(x))
        self.lengths = {ch: sorted(v, reverse=True) for ch, v in lengths.items()}
        self.suffix_rules = {s[0]: (int(s[1]), int(s[2]), s[3]) for s in self.cfg["suffixes"]}
        self.suffix_re = alternation(self.suffix_rules)
        self.area_words = longest_first(self.cfg["area_words"])
        self.name_tags = set(self.cfg.get("name_tags", []))
        self.never_begin_tags = set(self.cfg.get("never_begin_tags", []))
        self.single_never_tags = set(self.cfg.get("single_never_tags", []))
        self.direction_chars = set(self.cfg.get("direction_chars", ""))
        self.clause_tags = set(self.cfg.get("clause_tags", []))
        self.count_stem = re.compile(self.cfg.get("count_stem", "(?!)"))
        self.description_words = longest_first(self.cfg.get("description_words", []))

    def lookup(self, s: str) -> str | None:
        if s in self.strong:
            return "strong"
        if s in self.weak:
            return "weak"
        return None

    def __call__(self, doc: Doc) -> Doc:
        lex = lexicon_of(self.nlp)
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = st["cands"]
        self.gazetteer_cands(text, st, cands)
        self.suffix_cands(text, st, cands, lex)
        return doc

    def gazetteer_cands(self, text: str, st: dict, cands: list[Cand]) -> None:
        n = len(text)
        blocked = st["blocked"]
        index = cand_index(st)
        for i in range(n):
            if blocked[i] or not is_cjk(text[i]) or not is_bound(st, i):
                continue
            for L in self.lengths.get(text[i], ()):
                if i + L > n:
                    continue
                s = text[i : i + L]
                kind = self.lookup(s)
                if not kind or not is_bound(st, i + L):
                    continue
                # a short form or weak name never begins or ends inside a word
                # (重大安全: no 大安; 市中心: no 市中), nor does a short full name
                # begin inside one (村民和乡友: no 民和乡; its end may fall inside
                # a word where an address goes on: 长冈乡长冈村, jieba's 乡长)
                lexicon = lexicon_of(self.nlp)
                if (kind == "weak" or s not in self.full) and lexicon.inside_word(st, i, i + L):
                    continue
                if L <= 3 and lexicon.inside_word(st, i, i) and text[i - 1] not in "镇乡区县市" and not any(
                        c.label == "PLACE" and not c.weak for c in index.ending(i)):
                    continue  # (but 长冈乡长冈村, 某某镇长华村: a place ends there, jieba's 乡长/镇长 are none)
                if kind == "strong":
                    # 泉州市区: the city, then 市区 (an area word holding the name's last character)
                    if L > 2 and text[i + L - 1 : i + L + 1] in self.area_words and self.lookup(s[:-1]) == "strong":
                        L, s = L - 1, s[:-1]
                    cands.append(Cand(i, i + L, "PLACE", 2, "gaz" if s in self.full else "gaz-short"))
                    break
                cands.append(Cand(i, i + L, "PLACE", 1, "gaz-weak", weak=True))

    def _ends_at(self, cands: CandIndex, pos: int, labels=("PLACE", "ORG")) -> Cand | None:
        best = None
        for c in cands.ending(pos):
            if c.label in labels and not c.weak:
                if best is None or c.length > best.length:
                    best = c
        if best is None:
            for c in cands.ending(pos):
                if c.label in labels:
                    if best is None or c.length > best.length:
                        best = c
        return best

    def suffix_cands(self, text: str, st: dict, cands: list[Cand], lex: Lexicon) -> None:
        blocked = st["blocked"]
        index = cand_index(st)
        people = self.nlp.get_pipe("zz_people")
        n = len(text)
        for m in self.suffix_re.finditer(text):
            p, q = m.start(), m.end()
            suffix = m.group()
            mn, mx, mode = self.suffix_rules[suffix]
            if blocked[p] or not is_bound(st, q):
                continue
            ends_word = p > 0 and lex.freq(text[p - 1 : q]) >= 20000 and self.lookup(text[p - 1 : q]) != "strong"
            if text[p - 1 : q] in self.area_words:
                continue  # 株洲地区: the place, then 地区
            # … nor sit inside a post word (分管副区长)
            if any(pm.start() < p < pm.end() for pm in matches_around(people.post_re, text, p, q)):
                continue
            # … nor start one (路段, 湖南, 山水), unless a post follows (某某镇镇长)
            if q < n and is_cjk(text[q]) and lex.freq(text[q - 1 : q + 1]) >= 20000:
                if people.post_re.match(text, q - len(suffix)) is None and people.post_re.match(text, q) is None:
                    if not any(text.startswith(a, q) for a in self.area_words):
                        continue
            if mode == "place":
                c = self._ends_at(index, p, ("PLACE",))
                if c is None or c.weak:
                    continue
                cands.append(Cand(c.start, q, "PLACE", 2, "station"))
                continue
            k = 0
            while k < mx + 4 and p - k - 1 >= 0 and is_stem_char(text, p - k - 1, lex) and not blocked[p - k - 1]:
                k += 1
            # a gazetteer name already ends here: no longer suffix name (地处某某区)
            if any(c.src.startswith("gaz") and not c.weak and c.start > p - k for c in index.ending(q)):
                continue
            orgs = self.nlp.get_pipe("zz_orgs")
            whole = trim_lead_in(text, p - k, p - mn, lex)
            whole = cut_after_verbs(text, whole, p, mn, lex)
            if whole is None:
                continue
            if p - whole > mx:
                whole = self._cut_long(text, whole, p, mn, mx)
            prev = None
            start = None
            # a place right before the suffix is the name itself (某某花园小区),
            # unless it already ends with that suffix (某某大桥桥面)
            if any(c.label == "PLACE" and text.endswith(suffix[-1], 0, p) for c in index.ending(p)):
                continue
            # (an administrative unit is no part of the next name: 城关镇 + 河西社区)
            own = [c for c in index.ending(p) if c.label == "PLACE" and not c.weak and p - c.start <= mx
                   and c.start >= p - k and not self._admin_unit(text[c.start : c.end])]
            if own:
                c = max(own, key=lambda x: x.length)
                prev, start = c, c.start
            # an address chain: the name starts where an earlier place ends
            for s in range(p - mn, p - min(k, mx + 4) - 1, -1):
                if prev is not None:
                    break
                c = self._ends_at(index, s, ("PLACE", "ORG"))
                if c is None:
                    continue
                if c.src == "suffix" and c.length <= 2:
                    continue  # 滨江花苑小区: a one-character river name is no chain head
                splittable = (
                    c.weak
                    or suffix in self.admin_suffixes
                    or c.src in ("suffix", "station", "head", "gaz")
                    or self.levels.get(text[c.start : c.end], 0) >= 2
                )
                if splittable and self._stem_ok(text[s:p], suffix, mn, lex, orgs):
                    prev, start = c, s
                    break
                if mode == "chain" and whole is not None:
                    prev, start = c, whole
                    break
            if prev is None:
                if mode == "chain" or whole is None:
                    continue
                start = whole
            if True:
                start = drop_lead_words(text, start, p, mn, lex, self.lookup)
                start = start_at_inner_place(text, start, p, mn, lex, index)
                whole_word = text[start:p]
                if whole_word in lex.function_words and suffix not in self.street_suffixes and suffix not in self.admin_suffixes:
                    continue  # 需要公园: a verb, no name
                if self.lookup(text[start:q]) is None and whole_word not in lex.function_words:
                    if text[start] in lex.lead_chars or any(
                        whole_word.startswith(w) for w in (whole_word[:2], whole_word[:3]) if len(w) >= 2 and w in lex.function_words
                    ):
                        continue  # 出大山, 以前找社区: a clause, not a name
            # words glued to the name: 驶入某某小区 -> 某某小区, 时段通行某某大桥
            first = text[start : start + 2]
            while p - start >= 4 and lex.freq(first) >= (50000 if p - start >= 5 else 100000) and self.lookup(first) is None:
                if not self._stem_ok(text[start + 2 : p], suffix, max(mn, 2), lex, self.nlp.get_pipe("zz_orgs")):
                    break
                start += 2
                first = text[start : start + 2]
            start = self._past_function_word(text, start, p, q, mn, lex)
            if start is not None:
                start = self._past_admin_units(text, start, p, index)
            if start is None or p - start < mn or self._generic_noun(text[start:q], lex):
                continue
            if self.count_stem.search(text, start, p) or any(text.startswith(w, start) for w in self.description_words):
                continue  # 二类小区, 第一届广场; 示范村, 老旧小区: a kind of place, no name
            if (suffix in self.admin_suffixes and people.post_re.match(text, q) is not None
                    and self.lookup(text[start:q]) is None and self._ends_with_adjective(text, start, p, lex)):
                continue  # 选优配强村书记, 优秀村书记: a kind of village's post, no village
            if lex.inside_word(st, start, start) and not any(
                    c.label in ("PLACE", "ORG") and not c.weak for c in index.ending(start)):
                continue  # the name would begin inside a word (村民和乡友: no 民和乡; but 长冈乡长冈村)
            stem = text[start:p]
            if not self._stem_ok(stem, suffix, mn, lex, orgs) or not is_bound(st, start):
                continue
            # the suffix ends a common word (农村, 道路, 思路) and what is left of
            # the stem is no name (保障农村, 具体思路)
            if ends_word and (
                len(stem) < 2
                or (lex.freq(stem[-3:-1]) >= 20000 and self.lookup(stem[-3:-1]) != "strong")
                or (lex.freq(text[p - 1 : q]) >= 100000 and any(c.label == "PLACE" for c in index.ending(p - 1)))
                or len(stem) - 1 < mn
                or (lex.freq(stem[:-1]) >= 20000 and self.lookup(stem[:-1]) != "strong")
                or stem[:-1] in lex.lead_in_set
            ):
                continue
            # a village or township name does not start with an everyday word
            if suffix in ("村", "乡", "镇") and len(stem) >= 3 and lex.freq(stem[:2]) >= 50000 and self.lookup(stem + suffix) is None:
                continue
            # nor is it one (行政村, 示范村, 不出县): an administrative unit the
            # gazetteer does not list needs a name that is no everyday word
            if suffix in self.admin_suffixes and self.lookup(stem + suffix) is None and (
                stem in lex.function_words or lex.freq(stem) >= 50000
            ):
                continue
            if suffix in self.area_words and (self.lookup(stem) == "strong" or any(
                    c.start == start and c.end == p and c.label == "PLACE" and not c.weak for c in cands)):
                continue  # 荷塘、芦淞片区, 某某屯公路: the place, then a word for part of it
            if suffix in ("区", "县") and stem[-1] in CN_NUMERALS:
                continue  # 两区, 三县
            if len(stem) == 1 and (lex.freq(text[start:q]) >= 20000 or stem in lex.function_chars) and self.lookup(text[start:q]) is None:
                continue  # 先河, 山河, 巡河
            if lex.freq(text[start:q]) >= 20000 and self.lookup(text[start:q]) is None and suffix not in self.street_suffixes:
                continue  # 大山, 老旧小区: everyday words
            if suffix in self.admin_suffixes and any(
                c.label == "PLACE" and not c.weak and c.end <= p and c.length >= 2
                and self._admin_unit(text[c.start : c.end]) for c in index.starting_in(start, p)
            ):
                continue  # 炎陵县中村: the county, then a name too short (but 黄康街社区, 柳子山社区)
            if prev is not None and prev.weak:
                prev.weak = False
                prev.prio = 2
            # a residence word (某某村民) names the place before it, itself outside
            cands.append(Cand(start, p if mode == "before" else q, "PLACE", 2, "suffix"))

    @staticmethod
    def _ends_with_adjective(text: str, start: int, p: int, lex: Lexicon) -> bool:
        words = lex.segmenter.cut(text[start:p])
        return bool(words) and lex.segmenter.tag(text[start + words[-1][0] : start + words[-1][1]]) == "a"

    def _admin_unit(self, name: str) -> bool:
        """A name of an administrative unit (某某镇, 某某街道, 某某区)."""
        return any(name.endswith(w) and len(name) > len(w) for w in self.admin_suffixes)

    def _past_admin_units(self, text: str, start: int, p: int, cands: CandIndex) -> int:
        """A name never runs across the end of an administrative unit printed
        before it (永丰镇旗岭村 is 永丰镇 + 旗岭村, not 永丰镇旗岭 + 村)."""
        for c in cands.starting_in(start, p):  # in the order they were found, as the start moves on
            if (c.label == "PLACE" and not c.weak and start <= c.start and start < c.end <= p
                    and self._admin_unit(text[c.start : c.end])):
                start = max(start, c.end)
        return start

    def _generic_noun(self, name: str, lex: Lexicon) -> bool:
        """A name the dictionary lists as a common noun is none (水泥路, 山路,
        示范村, 住宅小区); one it lists as a name stays (中山路 ns, 建设路 nt)."""
        tag = lex.segmenter.tag(name)
        return tag is not None and tag not in self.name_tags and self.lookup(name) is None

    def _past_function_word(self, text: str, start: int, p: int, q: int, mn: int, lex: Lexicon) -> int | None:
        """Where the name begins: after the last word of the stem that a name
        never holds (游客沿中山路 -> 中山路, 村民以荒山 -> 荒山, 小孩横穿马路 -> 马路);
        None when such a word ends right before the suffix (修通路, 清理水塘),
        unless the whole name is a known one (建设路 nt, a gazetteer place)."""
        if self.lookup(text[start:q]) is not None or lex.segmenter.tag(text[start:q]) in self.name_tags:
            return start
        begin = start
        # the tag of the word before the stem (None at a clause's start)
        before = lex.segmenter.cut(text[max(0, start - 4) : start])
        previous = lex.segmenter.tag(text[start - (before[-1][1] - before[-1][0]) : start]) if before else None
        for s, e in lex.segmenter.cut(text[start:p]):
            word = text[start + s : start + e]
            # a place the gazetteer knows is no function word, whatever jieba
            # tags it (天元 q, 大同 d)
            tag = "ns" if self.lookup(word) is not None else lex.segmenter.tag(word)
            # a one-character word counts as a preposition, pronoun or the like
            # (以, 这), as a measure word after a number or pronoun (这段), as a
            # verb at a clause's start or after a place, time or adverb word
            # (,称某某大道, 村里修路); after a preposition, verb or noun it may well
            # be a name's character (在守昌屯, 以灌溪…, 走兴赣…, 董家墩)
            if tag in self.never_begin_tags and (
                e - s > 1
                or tag in self.single_never_tags
                # a locality word first, as 沿某某路 (but 朝阳后街; and a direction
                # begins many names: 西杨安浜, 东环路)
                or (tag == "f" and s == 0 and word not in self.direction_chars)
                or (tag == "q" and previous in ("m", "r"))
                or (tag == "v" and (previous is None or previous in self.clause_tags))
            ):
                begin = start + e
            previous = tag
        if begin == p:
            return None
        return begin

    def _stem_ok(self, stem: str, suffix: str, mn: int, lex: Lexicon, orgs) -> bool:
        if len(stem) < mn:
            return False
        if stem in self.area_words or stem.endswith(lex.lead_in_tuple):
            return False  # 片区街道, 主动联系社区
        if stem and (stem[0] in lex.bad_stem_start or stem in lex.lead_in_set):
            return False
        if stem.startswith(lex.deictic_tuple):
            return False
        if suffix not in self.street_suffixes and orgs.is_generic(stem) and self.lookup(stem + suffix) is None:
            return False
        return True

    def _cut_long(self, text: str, start: int, p: int, mn: int, mx: int) -> int | None:
        """A stem longer than allowed: a gazetteer name, or the part after a
        common word (满足某某片区 -> 某某片区)."""
        lex = lexicon_of(self.nlp)
        for s in range(p - mx, p - mn + 1):
            if self.lookup(text[s:p]) == "strong":
                return s
        for s in range(p - mx, p - mn + 1):
            if s - 2 >= start and lex.freq(text[s - 2 : s]) >= 50000:
                return s
        for s in range(p - mn, p - mx - 1, -1):
            if any(s - L >= start and text[s - L : s] in lex.function_words for L in (2, 3, 4)):
                return s  # 请绕行某某大桥: the name starts after the verb
        return None


@Language.factory("zz_places", default_config={"home_province": "43", "home_prefecture": "4302"})
def make_places(nlp: Language, name: str, home_province: str, home_prefecture: str):
    return Places(nlp, name, home_province, home_prefecture)

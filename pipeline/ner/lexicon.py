"""Component `zz_lexicon`: shared lexical knowledge (surnames, word
frequencies, idioms, function characters, deictic words); marks quoted names
(ANNOTATION.md rule 6) and word edges for the components after it."""

from __future__ import annotations

import re
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline import gazetteer as gz

from .common import QUOTE_PAIRS, QUOTE_SAME, JsonState, is_cjk, longest_first, read_toml
from .words import WordSegmenter


class Lexicon(JsonState):
    def __init__(self, nlp: Language, name: str, use_word_boundaries: bool):
        self.nlp = nlp
        self.name = name
        self.use_word_boundaries = use_word_boundaries
        self.data = {}
        self.ready = False

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        text = read_toml(rules_dir / "text.toml")
        names = read_toml(rules_dir / "names.toml")
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
            # word<TAB>frequency<TAB>tag lines of jieba's dictionary, for word edges
            "dictionary": gz.load_lines(gaz_dir / gz.DICTIONARY_FILE) if (gaz_dir / gz.DICTIONARY_FILE).exists() else [],
        }
        self._setup()

    def _setup(self) -> None:
        d = self.data
        t = d["text"]
        self.stem_stop = set(t["stem_stop_chars"])
        self.never_given = set(t["never_given_chars"])
        self.never_first_given = set(t.get("never_first_given", ""))
        self.weak_never_given = set(t.get("weak_never_given_chars", ""))
        self.stem_breakers = longest_first(t.get("stem_breakers", []))
        self.bad_stem_start = set(t.get("bad_stem_start", ""))
        # words that never begin a name (jieba's verbs, adverbs, prepositions …)
        # plus the lead-in verbs; single characters only from the curated lists
        self.function_words = {w for w in d.get("function_words", []) if len(w) >= 2} | set(t["lead_in_verbs"])
        self.lead_chars = self.stem_stop | set(t.get("lead_chars", ""))
        self.function_chars = {w for w in d.get("function_words", []) if len(w) == 1}
        self.deictic = longest_first(t["deictic_words"])
        self.lead_in = longest_first(t["lead_in_verbs"])
        self.lead_in_tuple, self.lead_in_set = tuple(self.lead_in), set(self.lead_in)  # for endswith, in
        self.deictic_tuple = tuple(self.deictic)  # for startswith
        # the words `edges.cut_after_verbs` cuts a name after, by length
        self.cut_words: dict[int, frozenset[str]] = {}
        for w in self.lead_in + self.stem_breakers + self.deictic:
            self.cut_words[len(w)] = self.cut_words.get(len(w), frozenset()) | {w}
        self.clause_punct = set(t["clause_punct"])
        self.route_separators = set(t.get("route_separators", ""))
        self.slogan_after = tuple(t.get("slogan_after", []))
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
        self.doctrine_after = longest_first(n.get("doctrine_after", []))
        self.post_after = longest_first(n.get("post_after", []))
        # compiled once: they are tried at every occurrence of a name
        self.doctrine_after_res = [re.compile(rf"[^，。；、,;\s“”\"]{{0,14}}{re.escape(w)}") for w in self.doctrine_after]
        self.post_after_res = [re.compile(re.escape(w)) for w in self.post_after]
        self.follow_verbs = longest_first(n.get("follow_verbs", []))
        entries = (line.split("\t") for line in d.get("dictionary", []))
        self.segmenter = WordSegmenter({w: (int(f), t) for w, f, t in entries})
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
        state["edges"] = self.segmenter.edges(text)
        doc._.zz = state
        return doc

    @staticmethod
    def inside_word(state: dict, start: int, end: int) -> bool:
        """Does [start, end) begin or end inside a word of the dictionary's
        segmentation (宜都 in 便宜都是, 市中 in 市中心)?"""
        edges = state["edges"]
        return not (edges[start] and edges[end])

    def _mark_quotes(self, text: str, state: dict) -> None:
        """Quoted names (short, no clause punctuation) are blocked: rule 6."""
        n = len(text)
        i = 0
        open_same: dict[str, int] = {}
        pairs = []
        following: dict[str, int] = {}  # char -> its next place after i (n: none), found once per stretch

        def next_at(ch: str, i: int) -> int:
            at = following.get(ch)
            if at is None or at <= i:
                at = text.find(ch, i + 1)
                following[ch] = at = n if at == -1 else at
            return at

        while i < n:
            ch = text[i]
            if ch == "\n":
                open_same.clear()
            if ch in QUOTE_PAIRS:
                j = next_at(QUOTE_PAIRS[ch], i)
                if j < next_at("\n", i) and j < n:
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
            if e - s <= 2:
                continue  # nothing inside
            # 以“…”为主题: a theme or slogan, however long, is a quoted name too (rule 6)
            if ch == "《" or text.startswith(self.slogan_after, e):
                namelike = True
            elif e - s - 2 > 25:  # the length first: quotes opened many times and closed once overlap
                namelike = False
            else:
                inner = text[s + 1 : e - 1]
                route = any(c in self.route_separators for c in inner)
                namelike = not route and not re.search(r"[，。！？；,.!?;：:]", inner)
            state["quotes"].append((s, e, namelike))
        # the characters of quoted names, blocked span by span once the spans are
        # merged (quotes opened many times and closed once overlap, and a slogan
        # may be long)
        reach = 0
        for s, e in sorted((s, e) for s, e, namelike in state["quotes"] if namelike):
            s = max(s, reach)
            if e > s:
                blocked[s:e] = b"\x01" * (e - s)
            reach = max(reach, e)


@Language.factory("zz_lexicon", default_config={"use_word_boundaries": True})
def make_lexicon(nlp: Language, name: str, use_word_boundaries: bool):
    return Lexicon(nlp, name, use_word_boundaries)


def lexicon_of(nlp: Language) -> Lexicon:
    return nlp.get_pipe("zz_lexicon")

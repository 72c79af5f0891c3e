"""What the NER components share: the candidate record, the JSON-state base
of every component, the Doc extensions, and small text helpers."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from spacy.tokens import Doc, Span

LABELS = ("OFFICIAL", "PERSON", "PLACE", "ORG")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RULES_DIR = PROJECT_ROOT / "rules" / "ner"
DEFAULT_GAZETTEER_DIR = PROJECT_ROOT / ".cache" / "gazetteer"
DEFAULT_WHEEL_DIR = PROJECT_ROOT / ".cache" / "wheels"

if not Doc.has_extension("zz"):
    Doc.set_extension("zz", default=None)
if not Doc.has_extension("zz_mentions"):
    Doc.set_extension("zz_mentions", default=None)
if not Span.has_extension("title"):
    Span.set_extension("title", default=None)

CJK = re.compile(r"[\u3400-\u9fff]")
CN_NUMERALS = set("〇一二三四五六七八九十百千万零两")
QUOTE_PAIRS = {"“": "”", "《": "》", "‘": "’", "「": "」", "『": "』"}
QUOTE_SAME = {'"', "'"}


def is_cjk(ch: str) -> bool:
    return bool(ch) and "\u3400" <= ch <= "\u9fff"


def read_toml(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def longest_first(words: Iterable[str]) -> list[str]:
    return sorted(set(w for w in words if w), key=lambda w: (-len(w), w))


def alternation(words: Iterable[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in longest_first(words)))


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


class CandIndex:
    """The candidates of a list by start and by end, following the list as it
    grows by appends. The rules ask "which candidates end at i": a scan of all
    candidates for each match made a long text quadratic; a lookup here is
    O(1), and a range of positions costs its length. Lists keep the order of
    the candidates list, so "the first one that …" finds the same one."""

    # Candidates longer than this (a quoted title, 《…报》) are also filed under
    # every position they cover, so that `overlapping` need not look back
    # further than this for the others.
    SHORT = 32

    def __init__(self, cands: list[Cand]):
        self.cands = cands
        self.by_start: dict[int, list[Cand]] = {}
        self.by_end: dict[int, list[Cand]] = {}
        self.long_cover: dict[int, list[Cand]] = {}
        self.reach = 1  # the longest of the other candidates
        self.order: dict[int, int] = {}  # id of a candidate -> its place in the list
        self.indexed = 0

    def _catch_up(self) -> None:
        cands = self.cands
        while self.indexed < len(cands):
            c = cands[self.indexed]
            self.order[id(c)] = self.indexed
            self.indexed += 1
            self.by_start.setdefault(c.start, []).append(c)
            self.by_end.setdefault(c.end, []).append(c)
            if c.end - c.start > self.SHORT:
                for k in range(c.start, c.end):
                    self.long_cover.setdefault(k, []).append(c)
            else:
                self.reach = max(self.reach, c.end - c.start)

    def starting(self, i: int) -> list[Cand]:
        self._catch_up()
        return self.by_start.get(i, [])

    def ending(self, i: int) -> list[Cand]:
        self._catch_up()
        return self.by_end.get(i, [])

    def starting_in(self, lo: int, hi: int) -> list[Cand]:
        """Candidates starting in [lo, hi), in the order of the candidates list."""
        self._catch_up()
        by_start, order = self.by_start, self.order
        found = [c for i in range(max(lo, 0), hi) for c in by_start.get(i, ())]
        return sorted(found, key=lambda c: order[id(c)]) if len(found) > 1 else found

    def overlapping(self, s: int, e: int) -> list[Cand]:
        """Candidates with a character in [s, e)."""
        self._catch_up()
        found = [c for c in self.starting_in(s - self.reach + 1, e) if c.end > s and c.end - c.start <= self.SHORT]
        seen: set[int] = set()
        for k in range(s, e):
            for c in self.long_cover.get(k, ()):
                if id(c) not in seen:
                    seen.add(id(c))
                    found.append(c)
        return found


def cand_index(state: dict) -> CandIndex:
    """The index of `state["cands"]` (made once per document)."""
    index = state.get("cand_index")
    if index is None or index.cands is not state["cands"]:
        index = state["cand_index"] = CandIndex(state["cands"])
    return index


class JsonState:
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


def is_bound(state: dict, i: int) -> bool:
    b = state.get("bounds")
    return b is None or i in b


def is_free(state: dict, s: int, e: int) -> bool:
    blocked = state["blocked"]
    return not any(blocked[s:e])

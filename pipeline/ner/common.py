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

"""Load the rule files in rules/ into compiled, immutable objects.

Rules are data: the patterns live in rules/*.toml with a header that says
what they match and where their facts come from; this module only reads and
compiles them, once per run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def _alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first."""
    return "(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


@dataclass(frozen=True)
class StructureRules:
    """Compiled patterns of rules/structure.toml (see that file for examples)."""

    masthead_search_lines: int
    paper_names: tuple[str, ...]
    papers_by_cn: tuple[tuple[str, str], ...]  # (CN number, paper)
    cn_number: regex.Pattern
    masthead_date: regex.Pattern
    weekday: regex.Pattern
    lunar_date: regex.Pattern
    issue_number: regex.Pattern
    pages: regex.Pattern
    masthead_furniture: regex.Pattern
    dateline_source: regex.Pattern
    agencies: tuple[str, ...]
    time_phrase: regex.Pattern
    roles: str  # regex alternation of role words
    paper_prefix: str  # regex
    name: str  # regex of one personal name
    photo_verbs: str  # regex alternation
    marker_roles: tuple[tuple[str, str], ...]  # (marker, credit) e.g. ("图", "photo")
    byline_bullets: str  # regex
    report_verb: str
    furniture: tuple[regex.Pattern, ...]
    continues_on: regex.Pattern
    continued_from: regex.Pattern
    headline_max_chars: int
    sentence_end: regex.Pattern
    not_headline_end: regex.Pattern
    commentary_column: regex.Pattern
    notice_headline: regex.Pattern
    letter_author: regex.Pattern


@lru_cache(maxsize=4)
def load_structure_rules(rules_dir: Path = DEFAULT_RULES_DIR) -> StructureRules:
    data = tomllib.loads((Path(rules_dir) / "structure.toml").read_text(encoding="utf-8"))
    m, d, b = data["masthead"], data["dateline"], data["bylines"]
    h, k, j = data["headline"], data["kinds"], data["jumps"]
    return StructureRules(
        masthead_search_lines=m["search_lines"],
        paper_names=tuple(m["paper_names"]),
        papers_by_cn=tuple(m["papers_by_cn"].items()),
        cn_number=regex.compile(m["cn_number"]),
        masthead_date=regex.compile(m["date"]),
        weekday=regex.compile(m["weekday"]),
        lunar_date=regex.compile(m["lunar_date"]),
        issue_number=regex.compile(m["issue_number"]),
        pages=regex.compile(m["pages"]),
        masthead_furniture=regex.compile(m["furniture"]),
        dateline_source=regex.compile(d["source"]),
        agencies=tuple(d["agencies"]),
        time_phrase=regex.compile(d["time_phrase"]),
        roles=_alternation(b["roles"]),
        paper_prefix=b["paper_prefix"],
        name=b["name"],
        photo_verbs=_alternation(b["photo_verbs"]),
        marker_roles=tuple(b["marker_roles"].items()),
        byline_bullets=b["byline_bullets"],
        report_verb=b["report_verb"],
        furniture=tuple(regex.compile(p) for p in data["furniture"]["patterns"]),
        continues_on=regex.compile(j["continues_on"]),
        continued_from=regex.compile(j["continued_from"]),
        headline_max_chars=h["max_chars"],
        sentence_end=regex.compile(h["sentence_end"]),
        not_headline_end=regex.compile(h["not_headline_end"]),
        commentary_column=regex.compile(k["commentary_column"]),
        notice_headline=regex.compile(k["notice_headline"]),
        letter_author=regex.compile(k["letter_author"]),
    )


@dataclass(frozen=True)
class NationalLeaderRules:
    """rules/national_leaders.toml: the posts of national leaders (see that file for examples)."""

    prefixes: tuple[str, ...]  # dropped from a post's start before the comparison, longest first
    posts: frozenset[str]

    def is_national(self, post: str) -> bool:
        for prefix in self.prefixes:
            if post.startswith(prefix):
                post = post[len(prefix):]
                break
        return post in self.posts


@lru_cache(maxsize=4)
def load_national_leader_rules(rules_dir: Path = DEFAULT_RULES_DIR) -> NationalLeaderRules:
    data = tomllib.loads((Path(rules_dir) / "national_leaders.toml").read_text(encoding="utf-8"))
    return NationalLeaderRules(tuple(sorted(data["prefixes"], key=len, reverse=True)), frozenset(data["posts"]))

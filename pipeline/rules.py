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


def _fill(fragments: dict[str, str], name: str) -> str:
    """The regex fragment `name` with every `{other}` in it replaced by that
    fragment, recursively (rules/structure.toml [dateline.time])."""
    def expand(match: regex.Match) -> str:
        return "(?:" + _fill(fragments, match.group(1)) + ")"
    return regex.sub(r"\{([a-z_]+)\}", expand, fragments[name])


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
    dateline_sourceless: regex.Pattern
    agencies: tuple[str, ...]
    outlet_alone: tuple[str, ...]  # 本报, 晚报: printed without a name
    outlet: regex.Pattern  # a news outlet's name (株洲日报, 红网时刻, 华声在线益阳频道)
    time_phrase: regex.Pattern  # the whole clause is a time phrase
    time_lead: regex.Pattern  # a time phrase opening the clause (昨天是双休日 -> 昨天)
    time_start: regex.Pattern  # text starting with a time phrase (晚报讯日前,…)
    roles: str  # regex alternation of role words
    role_prefix: str  # regex: an outlet or employer printed before a role
    markers_before: tuple[tuple[str, str], ...]  # (marker, credit) e.g. ("图/", "photo")
    verbs_after: tuple[tuple[str, str], ...]  # (verb, credit) e.g. ("摄", "photo")
    bullets: str  # regex
    separators: str  # regex
    not_names: frozenset[str]
    surnames: frozenset[str]
    report_verb: str
    furniture: tuple[regex.Pattern, ...]
    continues_on: regex.Pattern
    continued_from: regex.Pattern
    headline_max_chars: int
    sentence_end: regex.Pattern
    not_headline_end: regex.Pattern
    section_label: regex.Pattern
    inner_sentence_end: regex.Pattern
    open_end: regex.Pattern
    fragment_min_chars: int
    fragment_punct: regex.Pattern
    editor_note: regex.Pattern
    commentary_column: regex.Pattern
    notice_headline: regex.Pattern
    letter_author: regex.Pattern


@lru_cache(maxsize=4)
def load_structure_rules(rules_dir: Path = DEFAULT_RULES_DIR) -> StructureRules:
    data = tomllib.loads((Path(rules_dir) / "structure.toml").read_text(encoding="utf-8"))
    m, d, b = data["masthead"], data["dateline"], data["bylines"]
    h, k, j = data["headline"], data["kinds"], data["jumps"]
    # An outlet: a name ending in an outlet word, a second brand after · or /
    # (株洲日报·掌上株洲, 大江网/赣州头条客户端), or a short name alone (本报).
    heads = _alternation(d["outlet_heads"])
    outlet = (rf"(?:[\p{{Han}}A-Za-z]{{0,14}}?{heads}(?:[·/][\p{{Han}}A-Za-z]{{1,12}}?(?:{heads})?)?"
              rf"|{_alternation(d['outlet_alone'] + d['agencies'])})")
    time = _fill(d["time"], "phrase")
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
        dateline_source=regex.compile(d["source"].replace("{outlet}", outlet)),
        dateline_sourceless=regex.compile(d["sourceless"].replace("{outlet}", outlet)),
        agencies=tuple(d["agencies"]),
        outlet_alone=tuple(d["outlet_alone"]),
        outlet=regex.compile(outlet),
        time_phrase=regex.compile(f"^{time}$"),
        time_lead=regex.compile(f"^{time}(?=是)"),
        time_start=regex.compile(time),
        roles=_alternation(b["roles"]),
        role_prefix=b["role_prefix"],
        markers_before=tuple(b["markers_before"].items()),
        verbs_after=tuple(b["verbs_after"].items()),
        bullets=b["bullets"],
        separators=b["separators"],
        not_names=frozenset(b["not_names"]),
        surnames=frozenset(b["surnames"]),
        report_verb=b["report_verb"],
        furniture=tuple(regex.compile(p) for p in data["furniture"]["patterns"]),
        continues_on=regex.compile(j["continues_on"]),
        continued_from=regex.compile(j["continued_from"]),
        headline_max_chars=h["max_chars"],
        sentence_end=regex.compile(h["sentence_end"]),
        not_headline_end=regex.compile(h["not_headline_end"]),
        section_label=regex.compile(h["section_label"]),
        inner_sentence_end=regex.compile(h["inner_sentence_end"]),
        open_end=regex.compile(h["open_end"]),
        fragment_min_chars=h["fragment_min_chars"],
        fragment_punct=regex.compile(h["fragment_punct"]),
        editor_note=regex.compile(h["editor_note"]),
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

"""Stage `bylines`: datelines, byline paragraphs and photo credits, by rules.

Forms handled (patterns in rules/structure.toml):
- dateline with bylines: `株洲日报·掌上株洲讯(记者/陈正明 通讯员/覃琳)1月7日,…`,
  `株洲日报讯(全媒体记者/邹家虎 周圆) 2月16日,…`, `新华社电 …`,
  `新华社北京2月16日电(记者张三)…` (place and date taken apart);
- a byline paragraph: `株洲日报·掌上株洲记者刘琼 通讯员曾倩`,
  `株洲日报全媒体记者/廖明 通讯员/崔林`;
- photo credits, alone or ending a caption: `记者/何春林 摄`,
  `株洲日报·掌上株洲记者/刘平 翻拍`, `通讯员供图`, `芦淞区委宣传部 供图`.
Names are 2-4 Han characters between role words and separators, so a role
word never ends up in a name and two names are never glued together.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from .records import Byline, Dateline
from .repair import normalized
from .rules import StructureRules

_NAME_SEPARATORS = regex.compile(r"[ \t\u3000、,，]+")
_MARKER_SLASH = regex.compile(r"\s+|(?<=^.)[/／]$")
_AGENCY_REST = regex.compile(r"(?P<place>\p{Han}{2,6}?)?(?P<date>\d{1,2}月\d{1,2}日)?$")
_PAPER_REST = regex.compile(r"[·\p{Han}]{1,10}")
_COMMA = regex.compile(r"[,，]")


@dataclass(frozen=True)
class _Patterns:
    group: regex.Pattern  # one role (or 文/图 marker) with its names
    byline_line: regex.Pattern  # a whole byline paragraph
    credit_tail: regex.Pattern  # a photo credit at the end of a line
    org_credit_tail: regex.Pattern  # an organization's credit: 芦淞区委宣传部 供图
    parenthesis: regex.Pattern
    reported: regex.Pattern  # an unparenthesised byline in a dateline: 记者 张三 报道:
    verb_tail: regex.Pattern  # a line ending in a credit verb: the cheap test before the others


def _alternation(words) -> str:
    return "(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


@lru_cache(maxsize=4)
def _patterns(rules: StructureRules) -> _Patterns:
    role = rules.roles
    # One-character markers (文, 图) need their slash; longer ones (文/图) do not.
    marker = "(?:" + _alternation(m for m, _ in rules.marker_roles if len(m) > 1) + r"\s*[/／]?|" + \
        _alternation(m for m, _ in rules.marker_roles if len(m) == 1) + r"\s*[/／])"
    name = rf"(?:(?!{role}|{marker})\p{{Han}}){{2,4}}"
    sep = r"[ \t\u3000、,，]+"
    names = rf"{name}(?:{sep}{name})*"
    prefix = rf"(?:{rules.paper_prefix})?"
    group = rf"{prefix}(?:(?P<role>{role})\s*[/／]?|(?P<marker>{marker}))\s*(?P<names>{names})?"
    one = rf"{prefix}(?:{role}\s*[/／]?|{marker})\s*(?:{names})?"
    groups = rf"{one}(?:\s*{one})*"
    return _Patterns(
        group=regex.compile(group),
        byline_line=regex.compile(rf"^\s*(?:{rules.byline_bullets})?\s*[(（]?\s*{groups}\s*[)）]?\s*$"),
        credit_tail=regex.compile(rf"(?P<credit>{groups})\s*(?P<verb>{rules.photo_verbs})\s*$"),
        org_credit_tail=regex.compile(r"(?:^|(?<=[\s。!?！？”)）]))(?P<org>\p{Han}{2,16})\s*(?P<verb>供图|提供)\s*$"),
        parenthesis=regex.compile(r"\s*[(（](?P<inner>[^()（）]{1,80})[)）]"),
        reported=regex.compile(rf"\s*(?P<inner>{groups})\s*{rules.report_verb}\s*[:：]?"),
        verb_tail=regex.compile(rf"(?:{rules.photo_verbs}|供图|提供)\s*$"),
    )


def parse_names(text: str, credit: str, rules: StructureRules) -> list[Byline]:
    """Every (name, role) in a run of byline groups, in printed order.

    A role word (记者/) gives its role and `credit`; a marker (文/, 图/, 文/图)
    gives no role and its own credit (文/图 both).
    """
    pats = _patterns(rules)
    markers = dict(rules.marker_roles)
    out = []
    for m in pats.group.finditer(text):
        role = m.group("role")
        credits = [credit]
        if m.group("marker"):
            kind = markers[_MARKER_SLASH.sub("", m.group("marker"))]
            credits = ["byline", "photo"] if kind == "both" else [kind]
        for name in _NAME_SEPARATORS.split((m.group("names") or "").strip()):
            if name:
                out.extend(Byline(name=name, role=role, credit=c) for c in credits)
    return out


# Byline paragraphs and photo credits are short: a longer line is never a
# byline paragraph, and a credit is looked for only in the last
# `CREDIT_WINDOW` characters of a line. Both bounds keep the (backtracking)
# patterns linear on pathological lines (a 10-MB line of `记者/`).
MAX_BYLINE_LINE = 200
CREDIT_WINDOW = 120


def is_byline_line(text: str, rules: StructureRules) -> bool:
    """A paragraph that is only a byline: `株洲日报全媒体记者/肖捷`."""
    if len(text) > MAX_BYLINE_LINE:
        return False
    return bool(_patterns(rules).byline_line.match(text)) and bool(parse_names(text, "byline", rules))


@dataclass
class Credit:
    """A photo credit found at the end of a line."""

    start: int  # where the credit begins in the line (caption text is before it)
    bylines: list[Byline]  # empty when it names no person


def find_credit(text: str, rules: StructureRules) -> Credit | None:
    """The photo credit ending `text`, if it ends with one."""
    pats = _patterns(rules)
    stripped = text.rstrip()
    if not pats.verb_tail.search(stripped, max(0, len(stripped) - 4)):
        return None
    window = max(0, len(stripped) - CREDIT_WINDOW)  # `pos`, not a slice: `^` and look-behinds still see the line
    m = pats.credit_tail.search(stripped, window)
    if m:
        return Credit(m.start("credit"), parse_names(m.group("credit"), "photo", rules))
    m = pats.org_credit_tail.search(stripped, window)
    if m:
        return Credit(m.start("org"), [])
    return None


def parse_dateline(text: str, rules: StructureRules) -> Dateline | None:
    """Source, bylines and time phrase at the start of a paragraph, if it has a dateline."""
    m = rules.dateline_source.match(text)
    if not m:
        return None
    org, rest, verb = m.group("org"), m.group("rest"), m.group("verb")
    source, place, agency_date = text[m.start("org"):m.end()], None, None  # 据新华社电 -> 新华社电
    if org in rules.agencies:
        source = org + verb
        where = _AGENCY_REST.match(rest)
        if where is None:
            return None
        place, agency_date = where.group("place"), where.group("date")
    elif rest and not _PAPER_REST.fullmatch(rest):
        return None
    pos = m.end()
    bylines: list[Byline] = []
    paren = _patterns(rules).parenthesis.match(text, pos) or _patterns(rules).reported.match(text, pos)
    if paren:
        bylines = parse_names(paren.group("inner"), "byline", rules)
        pos = paren.end()
    while pos < len(text) and text[pos] in " \t\u3000:: ":
        pos += 1
    dateline = agency_date or time_phrase(text[pos:], rules)
    return Dateline(source=source, dateline=dateline, place=place, bylines=bylines, body_start=pos)


def time_phrase(text: str, rules: StructureRules) -> str | None:
    """The words before the first comma, when they are a time phrase."""
    m = _COMMA.search(text)
    if not m:
        return None
    phrase = normalized(text[: m.start()])
    if phrase and rules.time_phrase.match(phrase):
        return phrase
    return None

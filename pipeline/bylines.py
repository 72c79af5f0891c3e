"""Stage `bylines`: datelines, byline paragraphs, photo credits and closing
bylines, by rules (rules/structure.toml [dateline] and [bylines]).

A *credit* is read as a run of tokens (`read_credit`): role words with the
outlet printed before them (`株洲日报·掌上株洲记者`, `长江信息报记者`,
`《团结报》全媒体记者`), markers before names (`文/`, `图/`, `文/图`, `图片由`,
`摄影`), names of 2-4 Han characters (a name printed with a layout space,
`黄 丰`, is read two characters at a time), verbs after names (`摄`, `供图`,
`翻拍`, `摄影报道`, `报道`, `文/图`) and separators. Each name gets the role and
the credit (byline, photo or both) of its group. Where it is found:

- a dateline at the start of a lead (`parse_dateline`): any outlet's source
  up to 讯/电 (`红网岳阳县分站7月18日讯`, `本报嘉兴1月3日电`, `晚报讯`), the
  bylines in brackets after it or before `报道:`, and the time phrase before
  the first comma (`10月28日至29日`, `“五一”假期`; `昨天是双休日` -> 昨天); a
  lead-in without a source (`荆楚网消息(记者 李四)`) gives its bylines only;
- a byline paragraph (`is_byline_line`): `□本报记者 张三`, `首席记者: 王五`,
  `通讯员 李四 报道`, `(记者胡某)`;
- a credit ending a line (`find_credit`): a photo credit ending a caption
  (`… 记者/何某 摄`, `…情况(组图摄影:周某)`, `…纪念馆陈某摄`), or a byline
  closing an article's last paragraph (`…参加。(罗某某)`, `…建议。本报记者_阙某`).

Every pattern runs on a bounded window of the line, so a pathological line
(10 MB of `记者/`) costs linear time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from .records import Byline, Dateline
from .repair import normalized
from .rules import StructureRules

_COMMA = regex.compile(r"[,，]")
_HAN = regex.compile(r"\p{Han}")
_OPEN, _CLOSE = "(（", ")）"
# Characters after which a credit may begin inside a line (it never starts
# in the middle of a word): spaces, sentence and clause punctuation, brackets,
# bullets and the slash of `…风景如画。/佛山日报记者张某摄`.
_CREDIT_BOUNDARY = set(" \t\u3000。！？!?”’\"'）)】」』;；,，、:：/／▲△▼●■□◆◇")
_SENTENCE_END = set("。！？!?”’\"'…")

# Byline paragraphs and credits are short: a longer line is never a byline
# paragraph, and a credit is looked for only in the last `CREDIT_WINDOW`
# characters of a line. Both bounds keep the work per line linear.
MAX_BYLINE_LINE = 200
CREDIT_WINDOW = 80
# A dateline's bracket holds at most this many characters.
MAX_BRACKET = 80


@dataclass(frozen=True)
class _Token:
    kind: str  # role marker verb name single sep open close bullet other
    start: int
    end: int
    value: str = ""  # role: the role word; marker/verb: the credit; name: the name
    prefix: str = ""  # role: the outlet printed before it


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per rules
class _Patterns:
    role: regex.Pattern
    marker: regex.Pattern
    verb: regex.Pattern
    name: regex.Pattern
    sep: regex.Pattern
    bullet: regex.Pattern
    markers: dict
    verbs: dict
    verb_ends: tuple  # the verbs, for one str.endswith
    reported: regex.Pattern  # `记者 张三 报道:` after a source, without brackets


def _alternation(words) -> str:
    return "(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


_PATTERNS: dict[int, tuple[StructureRules, _Patterns]] = {}


def _patterns(rules: StructureRules) -> _Patterns:
    """The patterns of `rules`, built once per rules object (looked up by
    identity: hashing the rules, as a cache by value would, costs more per
    line than the lookup saves)."""
    hit = _PATTERNS.get(id(rules))
    if hit is None or hit[0] is not rules:
        hit = _PATTERNS[id(rules)] = (rules, _build_patterns(rules))
    return hit[1]


def _build_patterns(rules: StructureRules) -> _Patterns:
    markers = dict(rules.markers_before)
    verbs = dict(rules.verbs_after)
    # A name never runs into a role word or a verb: 记者刘琼通讯员曾倩, 陈某摄.
    stop = rf"{rules.roles}|{_alternation(v for v in verbs if len(v) > 1 or v == '摄')}"
    return _Patterns(
        role=regex.compile(rf"(?P<prefix>{rules.role_prefix})??(?P<role>{rules.roles})"),
        # a marker is followed by the names it credits (摄影 张某), else it is a verb (张某 摄影)
        marker=regex.compile(rf"{_alternation(markers)}(?=[\s\u3000:：/／]*\p{{Han}})"),
        verb=regex.compile(_alternation(verbs)),
        name=regex.compile(rf"(?:(?!{stop})\p{{Han}}){{1,4}}"),
        sep=regex.compile(rules.separators),
        bullet=regex.compile(rules.bullets),
        markers=markers,
        verbs=verbs,
        verb_ends=tuple(verbs),
        reported=regex.compile(rf"[^。！？!?()（）\n]{{2,40}}?{regex.escape(rules.report_verb)}\s*[:：]"),
    )


def _tokens(text: str, rules: StructureRules) -> tuple[_Token, ...]:
    """The tokens of a credit; an `other` token marks text that is no credit.
    (A line is asked several questions in turn: its last few texts are kept.)"""
    return _cached_tokens(text, _patterns(rules))


@lru_cache(maxsize=64)
def _cached_tokens(text: str, pats: _Patterns) -> tuple[_Token, ...]:
    return tuple(_scan_tokens(text, pats))


def _scan_tokens(text: str, pats: _Patterns) -> list[_Token]:
    out: list[_Token] = []
    pos, n = 0, len(text)
    after_role = False
    while pos < n:
        ch = text[pos]
        m = pats.sep.match(text, pos)
        if m:
            out.append(_Token("sep", pos, m.end()))
            pos = m.end()
            after_role = False
            continue
        if ch in _OPEN or ch in _CLOSE:
            out.append(_Token("open" if ch in _OPEN else "close", pos, pos + 1))
            pos += 1
            continue
        m = pats.bullet.match(text, pos)
        if m and not out:
            out.append(_Token("bullet", pos, m.end()))
            pos = m.end()
            continue
        # right after a role a name comes first (记者王丽通讯员赵刚: 王丽 is no outlet)
        if after_role:
            m = pats.name.match(text, pos)
            if m and m.end() - pos >= 2:
                out.append(_Token("name", pos, m.end(), m.group()))
                pos = m.end()
                after_role = False
                continue
        marker, verb = pats.marker.match(text, pos), pats.verb.match(text, pos)
        if marker and not (verb and verb.end() > marker.end()):  # 摄影 张某, but 摄影报道
            out.append(_Token("marker", pos, marker.end(), pats.markers[marker.group()]))
            pos = marker.end()
            continue
        m = pats.role.match(text, pos)
        if m:
            out.append(_Token("role", pos, m.end(), m.group("role"), m.group("prefix") or ""))
            pos = m.end()
            after_role = True
            continue
        if verb:
            out.append(_Token("verb", pos, verb.end(), pats.verbs[verb.group()]))
            pos = verb.end()
            continue
        m = pats.name.match(text, pos)
        if m:
            out.append(_Token("name" if m.end() - pos >= 2 else "single", pos, m.end(), m.group()))
            pos = m.end()
            continue
        out.append(_Token("other", pos, pos + 1))
        pos += 1
    return out


@dataclass
class _Group:
    role: str | None
    credits: tuple[str, ...] | None  # None until a marker or a verb says
    names: list[str]


def _credits(kind: str) -> tuple[str, ...]:
    return ("byline", "photo") if kind == "both" else (kind,)


def _join_singles(names: list[str]) -> list[str]:
    """Names printed with layout spaces (张 谨 陈 昊) are two characters each;
    three single characters are one name."""
    out, run = [], []
    for name in names + [""]:
        if len(name) == 1:
            run.append(name)
            continue
        if run:
            if len(run) == 3:
                out.append("".join(run))
            else:
                out.extend("".join(run[k : k + 2]) for k in range(0, len(run) - 1, 2))
            run = []
        if name:
            out.append(name)
    return out


def read_credit(text: str, default: str, rules: StructureRules, strict: bool = False) -> list[Byline] | None:
    """Every (name, role, credit) of a credit that is the whole `text`, in
    printed order; None when the text holds anything but a credit. With
    `strict` (a credit found at the end of other text), a name without a role
    must look like one (two or three characters from a surname on)."""
    tokens = _tokens(text, rules)
    if not tokens or any(t.kind == "other" for t in tokens):
        return None
    if any(a.kind in ("name", "single") and b.kind in ("name", "single") for a, b in zip(tokens, tokens[1:])):
        return None  # two words glued together are text, not names (芦淞区委宣传部)
    groups: list[_Group] = []
    pending: tuple[str, ...] | None = None  # a marker's credit, for the names after it
    open_from = 0  # groups from here on still wait for a verb
    for tok in tokens:
        if tok.kind == "role":
            groups.append(_Group(tok.value, pending, []))
            pending = None
        elif tok.kind == "marker":
            pending = _credits(tok.value)
        elif tok.kind in ("name", "single"):
            if tok.value in rules.not_names:
                return None
            if rules.outlet.fullmatch(tok.value):
                continue  # the outlet before a role, printed apart: (湖北日报 记者张某)
            if pending is not None or not groups:
                groups.append(_Group(None, pending, []))
                pending = None
            groups[-1].names.append(tok.value)
        elif tok.kind == "verb":
            for g in groups[open_from:]:
                if g.credits is None:
                    g.credits = _credits(tok.value)
            open_from = len(groups)
    out = []
    seen = set()
    for g in groups:
        for name in _join_singles(g.names):
            if len(name) < 2 or name in rules.not_names:
                continue
            if strict and g.role is None and not _surnamed(name, rules):
                return None
            for credit in g.credits or (default,):
                key = (name, g.role, credit)
                if key not in seen:  # the same credit printed twice is one row
                    seen.add(key)
                    out.append(Byline(name=name, role=g.role, credit=credit))
    return out


def parse_names(text: str, credit: str, rules: StructureRules) -> list[Byline]:
    """The bylines of a credit (none when `text` is not wholly a credit)."""
    return read_credit(text, credit, rules) or []


def _has_credit_word(text: str, rules: StructureRules) -> bool:
    return any(t.kind in ("role", "marker", "verb") for t in _tokens(text, rules))


def is_byline_line(text: str, rules: StructureRules) -> bool:
    """A paragraph that is only a byline: `株洲日报全媒体记者/肖某`, `(记者胡某)`,
    `通讯员 李某某 报道`. A group (`石峰区某中学学生`) or a bare name is none."""
    if len(text) > MAX_BYLINE_LINE:
        return False
    found = read_credit(text.strip(), "byline", rules)
    # a line crediting photos only is a photo credit (记者/何某 摄), see find_credit
    return bool(found) and _has_credit_word(text, rules) and any(b.credit == "byline" for b in found)


def is_name_line(text: str, rules: StructureRules) -> bool:
    """A paragraph that is one personal name, as a commentary prints its
    author under the title (`梁 正`)."""
    squeezed = normalized(text)
    if not 2 <= len(squeezed) <= 3 or squeezed[0] not in rules.surnames:
        return False
    found = read_credit(text.strip(), "byline", rules)
    return bool(found) and len(found) == 1 and found[0].name == squeezed


@dataclass
class Credit:
    """A credit found at the end of a line."""

    start: int  # where the credit begins in the line (caption or text is before it)
    bylines: list[Byline]  # empty when it names no person
    photo: bool = True  # a photo credit (else a byline closing the text)


def find_credit(text: str, rules: StructureRules) -> Credit | None:
    """The credit ending `text`, if it ends with one: a photo credit
    (`… 记者/王某 摄`, `…(组图摄影:周某)`, `…通讯员供图`, `… 某区委宣传部 供图`),
    or a byline closing the paragraph after its last sentence (`…参加。(罗某)`,
    `…建议。本报记者_阙某`)."""
    stripped = text.rstrip()
    n = len(stripped)
    if not n:
        return None
    lo = max(0, n - CREDIT_WINDOW)
    bracket = stripped[-1] in _CLOSE
    if bracket:
        k = max(stripped.rfind("(", lo), stripped.rfind("（", lo))
        if k == -1:
            return None
        inner = stripped[k + 1 : n - 1]
        found = read_credit(inner, "byline", rules, strict=True)
        if not found:
            return None
        photo = any(b.credit == "photo" for b in found)
        # a bracket of bare names closes an article only after a full sentence
        # ((左三) in a caption is no byline)
        if not photo and not _has_credit_word(inner, rules) and not (k == 0 or stripped[k - 1] in _SENTENCE_END):
            return None
        return Credit(k, found, photo)
    pats = _patterns(rules)
    if not stripped.endswith(pats.verb_ends):
        return _closing_byline(stripped, lo, rules)
    for s in range(lo, n):
        if s and stripped[s - 1] not in _CREDIT_BOUNDARY:
            continue
        if stripped[s] in _CREDIT_BOUNDARY and not pats.bullet.match(stripped[s]):
            continue
        piece = stripped[s:]
        # names without a role must look like names (胡某 摄, not 大家都说:这是他的报道)
        found = read_credit(piece, "photo", rules, strict=True)
        if found is None:
            continue
        # a verb alone credits nobody (某区委宣传部 供图: an organization, below)
        if found or any(t.kind in ("role", "marker") for t in _tokens(piece, rules)):
            return Credit(s, found, photo=any(b.credit == "photo" for b in found) or not found)
    return _glued_credit(stripped, lo, rules) or _organization_credit(stripped, lo)


def _closing_byline(text: str, lo: int, rules: StructureRules) -> Credit | None:
    """A credit printed after the last sentence of a paragraph, with its role
    or marker (…听取意见和建议。本报记者_阙某, …调研。图/首某某)."""
    end = max(text.rfind(ch, lo) for ch in "。！？!?”")
    if end == -1 or end == len(text) - 1:
        return None
    piece = text[end + 1 :]
    start = end + 1 + (len(piece) - len(piece.lstrip(" \t\u3000_")))
    piece = text[start:]
    found = read_credit(piece, "byline", rules, strict=True)
    if not found or not any(t.kind in ("role", "marker") for t in _tokens(piece, rules)):
        return None
    return Credit(start, found, photo=all(b.credit == "photo" for b in found))


def _surnamed(name: str, rules: StructureRules) -> bool:
    """A name printed without a role word: two or three characters from a surname on."""
    return len(name) <= 3 and name[0] in rules.surnames


_GLUED = regex.compile(r"(?P<name>\p{Han}{2,3})(?P<verb>摄|供图)$")
_ORG_CREDIT = regex.compile(r"(?:^|(?<=[\s。!?！？”)）]))(?P<org>\p{Han}{2,16})\s*(?:供图|提供)$")


def _glued_credit(text: str, lo: int, rules: StructureRules) -> Credit | None:
    """A photographer's name glued to the caption (…纪念馆陈某摄): the name
    starts at a surname, three characters when that fits, else two."""
    m = _GLUED.search(text, lo)
    if m is None:
        return None
    end = m.start("verb")
    for length in (3, 2):
        start = end - length
        if start >= lo and text[start] in rules.surnames and start > 0 and _HAN.match(text[start - 1]):
            return Credit(start, [Byline(text[start:end], None, "photo")])
    return None


def _organization_credit(text: str, lo: int) -> Credit | None:
    """A credit naming only an organization (芦淞区委宣传部 供图): no row."""
    m = _ORG_CREDIT.search(text, lo)
    return Credit(m.start("org"), []) if m else None


def parse_dateline(text: str, rules: StructureRules) -> Dateline | None:
    """Source, bylines and time phrase at the start of a paragraph, if it has a
    dateline (or a lead-in without a source but with bracketed bylines)."""
    m = rules.dateline_source.match(text)
    source = place = agency_date = None
    if m:
        after = m.end()
        nxt = text[after : after + 1]
        # 讯/电 ends the source only before a bracket, a space, a colon, a digit
        # or a time phrase (晚报讯日前,…): never inside a word (网电视…)
        if nxt and _HAN.match(nxt) and not rules.time_start.match(text, after):
            return None
        org = m.group("org")
        source = text[m.start("org") : after]  # 据新华社电 -> 新华社电
        if org in rules.agencies:
            source = org + m.group("verb")
            place, agency_date = m.group("place"), m.group("date")
        elif org in rules.outlet_alone:
            place = m.group("place")  # 本报嘉兴1月3日电 -> 嘉兴
        pos = after
    else:
        m = rules.dateline_sourceless.match(text)
        if not m or not m.group():
            return None
        pos = m.end()
    bylines: list[Byline] = []
    while pos < len(text) and text[pos] in " \t\u3000":
        pos += 1
    found = _bracket_bylines(text, pos, rules)
    if found is not None:
        bylines, pos = found
    elif source is None:
        return None  # a lead-in is one only with its bylines
    else:
        r = _patterns(rules).reported.match(text, pos)
        if r:
            inner = text[pos : r.end()].rstrip(" :：")
            inner = inner[: len(inner) - len(rules.report_verb)].strip()
            names = read_credit(inner, "byline", rules)
            if names and any(t.kind == "role" for t in _tokens(inner, rules)):
                bylines, pos = names, r.end()
    while pos < len(text) and text[pos] in " \t\u3000:：":
        pos += 1
    # no source, no dateline: the lead-in names no date (ANNOTATION.md)
    dateline = agency_date or (time_phrase(text[pos:], rules) if source else None)
    return Dateline(source=source, dateline=dateline, place=place, bylines=bylines, body_start=pos)


def _bracket_bylines(text: str, pos: int, rules: StructureRules) -> tuple[list[Byline], int] | None:
    """(bylines, end) of a bracket of credits at `pos`."""
    if pos >= len(text) or text[pos] not in _OPEN:
        return None
    close = min((k for k in (text.find(")", pos, pos + MAX_BRACKET), text.find("）", pos, pos + MAX_BRACKET)) if k != -1),
                default=-1)
    if close == -1:
        return None
    found = read_credit(text[pos + 1 : close].strip(), "byline", rules)
    if found is None:
        return None
    return found, close + 1


def time_phrase(text: str, rules: StructureRules) -> str | None:
    """The words before the first comma, when they are a time phrase; or the
    time phrase that is the subject of that clause (昨天是双休日 -> 昨天)."""
    m = _COMMA.search(text, 0, 60)
    if not m:
        return None
    phrase = normalized(text[: m.start()])
    if phrase and rules.time_phrase.match(phrase):
        return phrase
    lead = rules.time_lead.match(phrase)
    return lead.group() if lead else None

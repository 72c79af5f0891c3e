"""The dev set (../shared/devset): real articles of other papers with their gold,
and what the gold lets us expect beyond its own fields.

`load_devset(folder)` reads `articles/<id>.json` and `gold/<id>.json` (formats
in ../shared/devset/README.md) into `DevArticle` records. Nothing here reads
the pipeline's output: every expectation comes from the dev set itself.

Two things are derived from the gold by the conventions of tests/gold/README.md:

- `expected_kind`: `notice` (headline ending 公告/通知/通告/启事/公示/声明, or
  a body that ends signed and dated, the date on its own line), `table` (most
  paragraphs are tab-separated rows), `news` (a dateline source), `feature` (no
  dateline, a standalone byline paragraph), `photo` (no dateline, no byline
  credit, only photo credits, the text closing with one: the caption and its
  credit are the article). Otherwise the conventions give no kind (a text
  without dateline, byline paragraph or closing photo credit, e.g. one that
  ends `(记者X)` inside its last paragraph): `None`, with the reason, and the
  kind is not scored for that article.
- `credit_spans`: the stretches of the body the pipeline legitimately takes
  out of it: the dateline source with its byline parentheses
  (`本报讯(记者 X)`, `…讯 X报道:`), standalone byline and credit paragraphs,
  and credits closing a paragraph (`… 记者 X 摄`, `…。(X)`), found from the
  gold's `source` and byline names. Body scoring counts characters lost there
  apart from characters lost elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import regex

PARTS = ("all", "A", "B")  # every figure is given for all articles and per part
PART_NAMES = {"A": "Hunan", "B": "other provinces"}
NOTICE_HEADLINE = regex.compile(r"(公告|通知|通告|启事|公示|声明)$")
DATE_LINE = regex.compile(r"^\s*\d{4}年\d{1,2}月\d{1,2}日\s*$")
SENTENCE_END = "。!?！？"
# Credits ending a photo caption, as tests/gold/README.md lists them (摄影 as in 摄影报道).
PHOTO_CREDIT_END = regex.compile(r"(摄|供图|翻拍|摄影|摄影报道)[)）]?\s*$")
# Words a byline token ends with before the name: 记者, 全媒体记者/, 图/, 通讯员, 报道组, 本报记者_ …
ROLE_TAIL = regex.compile(r"(记者|通讯员|实习生|摄影|报道组|编辑|撰稿|[/_:：])\s*$")
# A credit marker token before a byline: 文/图, 图/, ■, 图片/.
CREDIT_TOKEN = regex.compile(r"[□■○●▲△◆]*((文|图|图片)?[/／](文|图|摄)?)?")
OPEN_BRACKETS = "(（【["
CLOSE_BRACKETS = ")）】]"


@dataclass(frozen=True)
class Byline:
    name: str
    role: str | None
    credit: str


@dataclass(frozen=True)
class GoldMention:
    start: int
    end: int
    label: str
    text: str


@dataclass
class DevArticle:
    """One dev article and its gold; offsets index `body`."""

    id: str
    paper: str
    kicker: str | None
    headline: str | None
    subtitle: str | None
    body: str
    truncated: bool
    source: str | None
    dateline: str | None
    bylines: list[Byline]
    mentions: list[GoldMention]
    officials: list[dict]  # {"name", "title", "posts"}
    month: str | None = None

    @property
    def part(self) -> str:
        """A (Hunan) or B (other provinces), from the id."""
        return self.id[0]

    @property
    def header_lines(self) -> list[str]:
        return [h for h in (self.kicker, self.headline, self.subtitle) if h]

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) of every paragraph of the body (separated by a blank line)."""
        spans, at = [], 0
        for piece in self.body.split("\n\n"):
            spans.append((at, at + len(piece)))
            at += len(piece) + 2
        return spans

    @cached_property
    def paragraph_set(self) -> frozenset:
        return frozenset(self.paragraphs)

    def paragraph_texts(self) -> list[str]:
        return [self.body[s:e] for s, e in self.paragraphs]

    @cached_property
    def expected_kind(self) -> tuple[str | None, str]:
        """(kind, why) by the conventions of tests/gold/README.md; kind None when they give none."""
        paragraphs = [p.strip() for p in self.paragraph_texts() if p.strip()]
        if self.headline and NOTICE_HEADLINE.search(self.headline):
            return "notice", "the headline ends with a notice word"
        if not self.source and paragraphs and DATE_LINE.match(paragraphs[-1]):
            return "notice", "signed and dated at the end"
        if sum("\t" in p for p in paragraphs) * 2 > len(paragraphs):
            return "table", "most paragraphs are table rows"
        if self.source:
            return "news", "a dateline source"
        if any(self.is_byline_paragraph(p) for p in paragraphs):
            return "feature", "no dateline, a standalone byline paragraph"
        credits = {b.credit for b in self.bylines}
        if credits == {"photo"} and paragraphs and PHOTO_CREDIT_END.search(paragraphs[-1]):
            return "photo", "no dateline and no byline, the text closes with a photo credit"
        return None, "no dateline, no byline paragraph, no closing photo credit: the conventions give no kind"

    def is_byline_paragraph(self, paragraph: str) -> bool:
        """A paragraph that is only a byline: its credit tail covers it, it names a
        person credited for the text, and it is no photo credit (`… 摄`)."""
        flat = "".join(paragraph.split())
        return (self._credit_start(paragraph) == 0 and not PHOTO_CREDIT_END.search(flat)
                and any(b.credit == "byline" and b.name in flat for b in self.bylines))

    @cached_property
    def _name_patterns(self) -> list:
        # a layout space may stand inside a printed name (梁 正, 张 谨)
        return [regex.compile(r"\s*".join(map(regex.escape, n))) for n in sorted({b.name for b in self.bylines})]

    @cached_property
    def credit_spans(self) -> list[tuple[int, int]]:
        """Stretches of the body that are dateline, byline or credit text (see the module doc)."""
        spans: list[tuple[int, int]] = []
        body = self.body
        if self.source:
            at = body.find(self.source)
            if at >= 0:
                end = _skip_space(body, at + len(self.source))
                if end < len(body) and body[end] in OPEN_BRACKETS:
                    close = _closing(body, end)
                    if close is not None:
                        end = _skip_space(body, close + 1)
                else:
                    reported = regex.match(r"[^,,。\n]{0,40}?报道[::]", body[end:])
                    if reported and any(p.search(reported.group()) for p in self._name_patterns):
                        end += reported.end()
                spans.append((at, end))
        for start, end in self.paragraphs:
            cut = self._credit_start(body[start:end])
            if cut is not None:
                spans.append((start + cut, end))
        return _merge(spans)

    def _credit_start(self, text: str) -> int | None:
        """Where a credit closing the paragraph `text` begins (0: the paragraph is only a
        credit), or None: after its last sentence end, a credited person's name, with the
        role token and opening bracket printed before it (记者, 佛山日报记者/, 本报记者_, (记者)."""
        tail_from = max((text.rfind(c) for c in SENTENCE_END), default=-1) + 1
        found = [m.start() for p in self._name_patterns for m in [p.search(text, tail_from)] if m]
        if not found:
            return None
        cut = min(found)
        bracket = max(text.rfind(b, tail_from, cut) for b in OPEN_BRACKETS)
        if bracket >= 0 and not any(c in text[bracket:cut] for c in CLOSE_BRACKETS):
            cut = bracket  # (湖北日报 记者X), (组图摄影:X): the credit is the bracket
        else:
            # role and credit tokens printed before the name: ■文/图 本报记者 X, 佛山日报记者/X
            while True:
                before = text[tail_from:cut].rstrip(" \u3000")
                token = regex.search(r"[^\s,,。;;]*$", before).group()
                if not token or not (ROLE_TAIL.search(token) or CREDIT_TOKEN.fullmatch(token)):
                    break
                cut = tail_from + len(before) - len(token)
        if not text[:cut].strip(" \u3000□■○●▲△◆"):
            return 0
        return cut


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \u3000":
        at += 1
    return at


def _closing(text: str, at: int) -> int | None:
    depth = 0
    for i in range(at, min(len(text), at + 80)):
        if text[i] in OPEN_BRACKETS:
            depth += 1
        elif text[i] in CLOSE_BRACKETS:
            depth -= 1
            if depth == 0:
                return i
    return None


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def load_devset(folder: Path) -> list[DevArticle]:
    """Every dev article with its gold, in id order."""
    folder = Path(folder)
    out = []
    for path in sorted((folder / "articles").glob("*.json")):
        a = json.loads(path.read_text(encoding="utf-8"))
        g = json.loads((folder / "gold" / path.name).read_text(encoding="utf-8"))
        mentions = [GoldMention(e["start"], e["end"], e["label"], e["text"]) for e in g.get("entities", [])]
        for m in mentions:
            if a["body"][m.start:m.end] != m.text:
                raise ValueError(f"{a['id']}: gold mention {m} does not match the body")
        out.append(DevArticle(
            id=a["id"], paper=a.get("paper") or "", kicker=a.get("kicker"), headline=a.get("headline"),
            subtitle=a.get("subtitle"), body=a["body"], truncated=bool(a.get("truncated")),
            source=g.get("source"), dateline=g.get("dateline"),
            bylines=[Byline(b["name"], b.get("role"), b["credit"]) for b in g.get("bylines", [])],
            mentions=mentions, officials=list(g.get("officials", [])), month=a.get("month"),
        ))
    return out


def raw_article(article: DevArticle) -> str:
    """The article as one raw file (../shared/devset/README.md): its header lines, a blank line, the body."""
    lines = article.header_lines
    return "".join(line + "\n" for line in lines) + ("\n" if lines else "") + article.body


def header_length(article: DevArticle) -> int:
    """Characters before the body in `raw_article` (raw offset - this = offset in the gold body)."""
    return len(raw_article(article)) - len(article.body)

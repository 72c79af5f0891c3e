"""Typed records passed between the stages.

Every stage is a plain function from these records to these records; nothing
here does any work beyond small derived properties.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from array import array
from dataclasses import dataclass, field


def stable_id(*parts: str, length: int = 16) -> str:
    """A short hex id that depends only on `parts` (same on any machine)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass(frozen=True)
class SourceText:
    """One decoded input file. Raw offsets everywhere index into `text`."""

    source_file: str  # path relative to RAW, with forward slashes
    sha256: str  # of the raw bytes
    text: str  # decoded; a UTF-8 BOM is not part of it; line ends kept as printed
    encoding: str  # "utf-8", "utf-8-sig", "utf-16" (with a BOM), "utf-16-le"/"utf-16-be" (without) or "gb18030"
    decode_warnings: tuple[str, ...] = ()  # e.g. "truncated UTF-8: last 2 byte(s) dropped"

    @property
    def issue_id(self) -> str:
        return self.sha256[:16]


@dataclass(frozen=True)
class Line:
    """A non-empty line of the source: `text` has no line terminator."""

    index: int  # 0-based line number in the file
    text: str
    start: int  # raw offset of text[0]
    blank_before: int  # number of blank lines right before this one
    hard_break: bool = False  # previous line ended with two spaces (markdown <br>)


class MappedText:
    """Text whose every character remembers its raw offset in the source.

    Repairs (removing layout spaces, joining cut paragraphs) build new text
    from pieces of the source; `offsets[i]` is the raw offset of `text[i]`, and
    inserted characters (paragraph breaks) carry the offset of the character
    before them.
    """

    __slots__ = ("text", "offsets")

    def __init__(self, text: str = "", offsets: array | None = None):
        self.text = text
        self.offsets = offsets if offsets is not None else array("l")
        if len(self.offsets) != len(self.text):
            raise ValueError("one offset per character")

    @classmethod
    def from_source(cls, text: str, start: int) -> MappedText:
        return cls(text, array("l", range(start, start + len(text))))

    def __len__(self) -> int:
        return len(self.text)

    def __add__(self, other: MappedText) -> MappedText:
        return MappedText(self.text + other.text, self.offsets + other.offsets)

    def slice(self, i: int, j: int) -> MappedText:
        return MappedText(self.text[i:j], self.offsets[i:j])

    @staticmethod
    def join(pieces: list[MappedText], sep: str = "") -> MappedText:
        """Concatenate, putting `sep` (not from the source) between pieces."""
        texts: list[str] = []
        offsets = array("l")
        for k, piece in enumerate(pieces):
            if k and sep:
                at = offsets[-1] if len(offsets) else (piece.offsets[0] if len(piece) else 0)
                texts.append(sep)
                offsets.extend([at] * len(sep))
            texts.append(piece.text)
            offsets.extend(piece.offsets)
        return MappedText("".join(texts), offsets)


@dataclass
class Masthead:
    """What the masthead block says; every field None when not printed."""

    paper: str | None = None
    issue_date: dt.date | None = None
    weekday: str | None = None
    lunar_date: str | None = None
    issue_number: int | None = None
    pages: int | None = None
    line_indexes: tuple[int, ...] = ()  # the source lines that form the masthead


@dataclass(frozen=True)
class Byline:
    name: str
    role: str | None
    credit: str  # "byline" or "photo"


@dataclass
class Dateline:
    """`株洲日报讯(记者/陈正明)1月7日,…` -> source, bylines, dateline phrase."""

    source: str | None  # 株洲日报讯, 新华社电 …
    dateline: str | None  # the time phrase: 1月7日, 近日 …
    place: str | None  # 新华社北京2月16日电 -> 北京
    bylines: list[Byline]
    body_start: int  # index in the paragraph where the article text begins


@dataclass
class Mention:
    """An entity mention: `article.body[start:end] == text`."""

    start: int
    end: int
    text: str
    label: str  # OFFICIAL, PERSON, PLACE, ORG
    title: str | None = None  # the title chain printed before an OFFICIAL
    # start of the mention this one renames, printed right after it in
    # brackets: 石峰大桥(株洲湘江二桥) -> the second one's alias_of is the first one's start
    alias_of: int | None = None


@dataclass
class Article:
    issue_id: str
    seq: int  # 1-based reading order
    headline: str | None
    kicker: str | None
    subtitle: str | None
    kind: str
    source: str | None
    dateline: str | None
    dateline_place: str | None
    body: str
    raw_start: int
    raw_end: int
    bylines: list[Byline] = field(default_factory=list)
    continued_from: str | None = None  # ◀◀上接01版 -> "01版"
    continues_on: str | None = None  # ►下转 02版 -> "02版"
    body_offsets: array = field(default_factory=lambda: array("l"), repr=False)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def article_id(self) -> str:
        return f"{self.issue_id}-{self.seq:03d}"


@dataclass
class Failure:
    """A file that was skipped (error) or a problem worth a person's look (warning)."""

    source_file: str
    sha256: str | None
    stage: str  # read, repair, masthead, segment, bylines, ner, resolve
    severity: str  # "error" or "warning"
    reason: str  # one line a person understands


@dataclass
class Issue:
    """Everything extracted from one input file."""

    source: SourceText
    masthead: Masthead
    issue_date: dt.date | None
    date_source: str | None  # "masthead", "inferred" or None
    paper: str | None
    articles: list[Article]
    warnings: list[Failure] = field(default_factory=list)

    @property
    def issue_id(self) -> str:
        return self.source.issue_id

"""Stage `segment`: the lines of an issue -> articles (headline block, kind, body).

Each non-empty line is first classified (`classify_lines`): a markdown heading,
a dateline paragraph, a byline paragraph, a photo credit or a caption ending
in one, a page jump, page furniture, a stray one-character line, a table row,
a short headline-like line, or plain text. `segment_articles` then walks the
units. A run of headline-like lines starts a new article when what follows
proves it: a dateline or byline paragraph, a photo credit (photo news), a
markdown heading of level 1-3, a notice's title, a letter's author line, a
comment column's name. Otherwise the run is a subhead (or, when a paragraph
was cut in the middle of a sentence, its continuation) inside the current
article. Bodies are then repaired (`repair`): layout spaces removed, cut
paragraphs joined across captions and headlines printed inside them, blocks
printed twice kept once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from . import bylines as bl
from .records import Article, Byline, Dateline, Failure, Line, MappedText, Masthead, SourceText
from .repair import CUT_TAIL, drop_repeated_blocks, headline_text, is_cut, normalized, remove_layout_spaces
from .rules import StructureRules

_MARKDOWN = regex.compile(r"^\s*(?P<marks>#{1,6})\s*(?P<rest>.*)$")
_QUOTE = regex.compile(r"^\s*>\s?")
_HAN = regex.compile(r"\p{Han}")
_SUBTITLE_DASH = regex.compile(r"^\s*(?:——|--|—)")
_WHITE = regex.compile(r"\s+")
_LETTER = regex.compile(r"\p{L}")
_COMMA = regex.compile(r"[,，]")
_TABS = regex.compile(r"\t+")


# Pictures printed between a headline and its lead: at most this many
# caption lines of at most this many characters.
CAPTIONS_BEFORE_LEAD = 3
CAPTION_MAX_CHARS = 60


@dataclass
class Unit:
    """One classified line."""

    line: Line
    # heading subhead dateline byline closing (text ending in a byline) name (a
    # line that is one personal name) credit caption jump_to jump_from
    # furniture stray table short text
    kind: str
    content: MappedText  # the line without markdown marks, mapped to raw offsets
    level: int = 0  # markdown heading level, 0 when none
    dateline: Dateline | None = None
    credit: bl.Credit | None = None
    page: str | None = None  # page of a jump

    @property
    def text(self) -> str:
        return self.content.text


def _strip_mapped(piece: MappedText) -> MappedText:
    text = piece.text
    i, j = 0, len(text)
    while i < j and text[i] in " \t\u3000\u00a0\ufeff":
        i += 1
    while j > i and text[j - 1] in " \t\u3000\u00a0\ufeff":
        j -= 1
    return piece.slice(i, j)


def classify_lines(lines: list[Line], masthead: Masthead, rules: StructureRules) -> list[Unit]:
    """Classify every non-masthead line of an issue."""
    skip = set(masthead.line_indexes)
    units = []
    for line in lines:
        if line.index in skip:
            continue
        units.append(_classify(line, rules))
    return units


def _classify(line: Line, rules: StructureRules) -> Unit:
    mapped = MappedText.from_source(line.text, line.start)
    level = 0
    m = _MARKDOWN.match(line.text)
    if m:
        level = len(m.group("marks"))
        mapped = mapped.slice(m.start("rest"), len(line.text))
    q = _QUOTE.match(mapped.text)
    if q:
        mapped = mapped.slice(q.end(), len(mapped))
    content = _strip_mapped(mapped)
    text = content.text
    squeezed = normalized(text)

    def unit(kind: str, **kw) -> Unit:
        return Unit(line, kind, content, level, **kw)

    if not squeezed:
        return unit("furniture")
    if any(p.match(squeezed) for p in rules.furniture):
        return unit("furniture")
    jump = rules.continues_on.fullmatch(text.strip())
    if jump:
        return unit("jump_to", page=normalized(jump.group("page")))
    jump = rules.continued_from.match(text)
    if jump and jump.start() == 0:
        rest = _strip_mapped(content.slice(jump.end(), len(content)))
        return Unit(line, "jump_from", rest, level, page=normalized(jump.group("page")))
    if level >= 4:
        return unit("subhead")
    # datelines, bylines, credits and names are made of Chinese words: a line
    # without a Chinese character is none of them (and costs no parsing)
    if not level and _HAN.search(squeezed):
        dateline = bl.parse_dateline(text, rules)
        if dateline:
            return unit("dateline", dateline=dateline)
        if bl.is_byline_line(text, rules):
            return unit("byline", credit=bl.Credit(0, bl.parse_names(text, "byline", rules), photo=False))
        credit = bl.find_credit(text, rules)
        if credit:
            whole = not text[: credit.start].strip()
            if not credit.photo:  # a byline: the whole line, or closing the article's text
                return unit("byline" if whole else "closing", credit=credit)
            return unit("credit" if whole else "caption", credit=credit)
        if bl.is_name_line(text, rules):
            return unit("name")
    if "\t" in line.text.strip():
        return unit("table")
    if level:
        return unit("heading")
    if len(squeezed) == 1 and _HAN.match(squeezed):
        return unit("stray")
    if (len(squeezed) <= rules.headline_max_chars and not rules.not_headline_end.search(squeezed)
            and _LETTER.search(squeezed)):
        return unit("short")
    return unit("text")


@dataclass
class _Draft:
    """An article being assembled."""

    header: list[Unit] = field(default_factory=list)
    column: str | None = None  # comment column name (kicker of a commentary)
    inside_headline: Unit | None = None  # a commentary's title printed in its text
    letter_author: Unit | None = None
    dateline: Dateline | None = None
    dateline_from_lead: bool = False  # the source stood alone: the lead's first clause says when
    byline_paragraph: bool = False
    bylines: list[Byline] = field(default_factory=list)
    body: list[Unit] = field(default_factory=list)  # text subhead table caption units
    other: list[Unit] = field(default_factory=list)  # credits, strays … (for the raw span)
    photo: bool = False
    continued_from: str | None = None
    continues_on: str | None = None
    closed: bool = False  # a jump or credit ended it
    ended: bool = False  # its last line was a closing credit or byline, no text since

    def units(self) -> list[Unit]:
        extra = [u for u in (self.inside_headline, self.letter_author) if u]
        return self.header + self.body + self.other + extra

    def has_text(self) -> bool:
        """Article text beyond its headline and photo captions."""
        return any(u.kind in ("text", "table", "short") for u in self.body)

    def only_captions(self, rules: StructureRules, first: bool) -> bool:
        """A headline (or the start of the file) over a few short lines and
        perhaps an editor's note, nothing closed: the captions of the pictures
        printed above the lead (headline, caption, dateline)."""
        texts = [u for u in self.body if u.kind in ("text", "short", "caption")
                 and not rules.editor_note.match(normalized(u.text))]
        return ((bool(self.header) or first) and not self.closed and not self.bylines
                and len(texts) <= CAPTIONS_BEFORE_LEAD
                and all(len(normalized(u.text)) <= CAPTION_MAX_CHARS for u in texts))


class _Segmenter:
    def __init__(self, units: list[Unit], rules: StructureRules):
        self.units = units
        self.rules = rules
        self.drafts: list[_Draft] = []
        self.stray = 0

    @property
    def current(self) -> _Draft | None:
        return self.drafts[-1] if self.drafts else None

    def new(self, **kw) -> _Draft:
        draft = _Draft(**kw)
        self.drafts.append(draft)
        return draft

    # -- headline runs -------------------------------------------------
    def run_end(self, i: int) -> int:
        """End of the run of headline-like units starting at i."""
        if self.rules.commentary_column.match(normalized(self.units[i].text)):
            return i + 1  # a column's name has no subtitle; its text follows
        j = i + 1
        while j < len(self.units):
            u = self.units[j]
            if u.kind not in ("short", "heading") or u.line.blank_before >= 2:
                break
            if u.kind == "heading" and not _SUBTITLE_DASH.match(u.text) and any(
                v.kind == "heading" for v in self.units[i:j]
            ):
                break  # a second real heading starts another run
            j += 1
        return j

    def next_significant(self, j: int) -> Unit | None:
        """The first unit from j on that is not a caption, credit, stray or furniture."""
        while j < len(self.units) and self.units[j].kind in ("caption", "credit", "stray", "furniture"):
            j += 1
        return self.units[j] if j < len(self.units) else None

    def photo_follows(self, j: int) -> bool:
        """A photo credit closes the text that follows the run (photo news)."""
        if j >= len(self.units) or self.units[j].kind not in ("text", "caption"):
            return False  # a credit right under a short line: that line is a caption
        for u in self.units[j : j + 8]:
            if u.kind in ("credit", "caption"):
                return True
            if u.kind not in ("text", "stray", "furniture"):
                return False
        return False

    def starts_article(self, i: int, j: int) -> bool:
        run = self.units[i:j]
        first = run[0]
        current = self.current
        if current is not None and self.rules.section_label.match(normalized(first.text)):
            return False  # 镜头1 / 金普新区 / …: a section of the article going on
        nxt = self.next_significant(j)
        if nxt is not None and nxt.kind in ("dateline", "byline"):
            return True
        if current is not None and current.column and current.inside_headline is None and not current.dateline:
            return False  # the commentary's own title, printed inside its text
        if first.kind == "heading" and first.level <= 3:
            return True
        texts = [u.text for u in run]
        if any(self.rules.notice_headline.search(normalized(t)) for t in texts):
            return True
        if len(run) >= 2 and self.rules.letter_author.match(normalized(run[-1].text)):
            return True
        if any(self.rules.commentary_column.match(normalized(t)) for t in texts):
            return True
        # Photo news: the previous article has ended (a credit, a page jump, a
        # gap), or the picture's gap / a caption follows the headline at once.
        # A line with a comma inside is a cut sentence there, not a headline.
        after = self.units[j] if j < len(self.units) else None
        fragment = any(_COMMA.search(u.text) for u in run)
        # after an article's closing byline or credit, a headline over text
        if (current is not None and current.ended and not fragment and after is not None
                and after.kind in ("text", "closing", "caption")):
            return True
        apart = (current is None or current.closed or first.line.blank_before >= 2
                 or (not fragment and after is not None and (after.kind == "caption" or after.line.blank_before >= 2)))
        return apart and self.photo_follows(j)

    def open_article(self, run: list[Unit]) -> None:
        draft = self.new()
        squeezed = [normalized(u.text) for u in run]
        if self.rules.commentary_column.match(squeezed[0]) and len(run) == 1:
            draft.column = headline_text(run[0].text)
            draft.header = run
            return
        if len(run) >= 2 and self.rules.letter_author.match(squeezed[-1]):
            draft.letter_author = run[-1]
            run = run[:-1]
        draft.header = run

    # -- walking ------------------------------------------------------
    def segment(self) -> list[_Draft]:
        i = 0
        units = self.units
        while i < len(units):
            u = units[i]
            current = self.current
            if u.kind == "short" and i + 1 < len(units) and units[i + 1].kind == "credit":
                u = units[i] = Unit(u.line, "caption", u.content, credit=bl.Credit(len(u.content), []))
            if u.kind in ("short", "heading"):
                j = self.run_end(i)
                if current is None or self.starts_article(i, j):
                    self.open_article(units[i:j])
                    i = j
                    continue
                if current.column and current.inside_headline is None and not current.dateline and current.has_text():
                    current.inside_headline = u
                    i += 1
                    continue
                if self.rules.section_label.match(normalized(u.text)):
                    current.body.extend(_as_body(v) for v in units[i:j])  # the section's heading lines
                    i = j
                    continue
                current.body.append(_as_body(u))
                i += 1
                continue
            if u.kind == "dateline":
                if current is None or current.dateline or current.continues_on or (
                        current.has_text() and not current.only_captions(self.rules, len(self.drafts) == 1)):
                    current = self.new()
                current.dateline = u.dateline
                current.bylines.extend(u.dateline.bylines)
                rest = _strip_mapped(u.content.slice(u.dateline.body_start, len(u.content)))
                if len(rest):
                    current.body.append(Unit(u.line, "text", rest))
                else:
                    current.other.append(u)
                    current.dateline_from_lead = u.dateline.source is not None and u.dateline.dateline is None
            elif u.kind == "byline" or (u.kind == "name" and current is not None and not current.has_text()):
                if current is None or (current.has_text() and current.closed):
                    current = self.new()
                current.byline_paragraph = True
                current.bylines.extend(u.credit.bylines if u.credit else bl.parse_names(u.text, "byline", self.rules))
                current.other.append(u)
            elif u.kind == "closing":
                if current is None:
                    current = self.new()
                current.bylines.extend(u.credit.bylines)
                current.byline_paragraph = True
                self.add_text(current, Unit(u.line, "text", _strip_mapped(u.content.slice(0, u.credit.start))))
                current.closed = current.ended = True
            elif u.kind in ("credit", "caption"):
                if current is None:
                    current = self.new()
                current.photo = True
                current.bylines.extend(u.credit.bylines)
                if u.kind == "caption":
                    caption = _strip_mapped(u.content.slice(0, u.credit.start))
                    current.body.append(Unit(u.line, "caption", caption))
                else:
                    current.other.append(u)
                    current.closed = current.ended = True
            elif u.kind == "jump_to":
                if current is not None:
                    current.continues_on = u.page
                    current.other.append(u)
                    current.closed = True
            elif u.kind == "jump_from":
                draft = self.new(continued_from=u.page)
                if len(u.content):
                    draft.body.append(Unit(u.line, "text", u.content))
                else:
                    draft.other.append(u)
            elif u.kind == "stray":
                self.stray += 1
                if current is not None:
                    current.other.append(u)
            elif u.kind == "furniture":
                pass
            else:  # text, table, subhead, and a name line inside the text
                if current is None:
                    current = self.new()
                self.add_text(current, u if u.kind != "name" else Unit(u.line, "short", u.content))
            i += 1
        return self.drafts

    def add_text(self, draft: _Draft, u: Unit) -> None:
        """A body line; the first one of a lead whose source stood alone gives the dateline."""
        if draft.dateline_from_lead and u.kind in ("text", "short") and draft.dateline is not None:
            draft.dateline = replace(draft.dateline, dateline=bl.time_phrase(u.text, self.rules))
            draft.dateline_from_lead = False
        draft.body.append(u)
        draft.ended = False


def _as_body(u: Unit) -> Unit:
    """A headline-like line that starts no article: a subhead, or text that
    continues a paragraph cut in the middle of a sentence."""
    return Unit(u.line, "subhead" if u.kind == "heading" else "short", u.content, u.level)


def split_headline_block(header: list[Unit]) -> tuple[str | None, str | None, str | None, bool]:
    """(kicker, headline, subtitle, suspicious) from a run of headline lines.

    Markdown: the first heading is the headline, lines before it the kicker,
    lines after it the subtitle. Bare lines: 1 -> headline; 2 -> headline +
    subtitle; 3 -> kicker, headline, subtitle; more -> kicker is all but the
    last two (and the block is flagged: two headlines may have merged).
    """
    if not header:
        return None, None, None, False
    texts = [headline_text(u.text) for u in header]
    heading_at = next((k for k, u in enumerate(header) if u.kind == "heading"), None)

    def joined(parts: list[str]) -> str | None:
        return " ".join(p for p in parts if p) or None

    if heading_at is not None:
        return joined(texts[:heading_at]), texts[heading_at] or None, joined(texts[heading_at + 1 :]), False
    if len(texts) == 1:
        return None, texts[0], None, False
    if len(texts) == 2:
        return None, texts[0], texts[1], False
    return joined(texts[:-2]), texts[-2], texts[-1], len(texts) > 3


def _paragraph(u: Unit) -> MappedText:
    """A body line, repaired; table rows keep their tabs between cells."""
    if u.kind != "table":
        return remove_layout_spaces(u.content)
    cells = []
    start = 0
    text = u.content.text
    for m in _TABS.finditer(text):
        cells.append(remove_layout_spaces(u.content.slice(start, m.start())))
        cells.append(u.content.slice(m.start(), m.start() + 1))
        start = m.end()
    cells.append(remove_layout_spaces(u.content.slice(start, len(text))))
    return MappedText.join(cells)


class _Paragraph:
    """A paragraph being assembled: its pieces are joined once at the end (a
    join per line would copy a long paragraph once per line), and the end of
    its text is kept for `is_cut`."""

    __slots__ = ("kind", "pieces", "tail")

    def __init__(self, kind: str, piece: MappedText):
        self.kind, self.pieces, self.tail = kind, [piece], piece.text[-CUT_TAIL:]

    def add(self, piece: MappedText) -> None:
        self.pieces.append(piece)
        self.tail = (self.tail + piece.text)[-CUT_TAIL:]

    def cut(self, rules: StructureRules) -> bool:
        return is_cut(self.tail, rules.sentence_end)


def assemble_body(body: list[Unit], rules: StructureRules) -> tuple[MappedText, int, int]:
    """Join an article's body lines into repaired paragraphs separated by "\\n".

    Returns (body, number of repeated paragraphs dropped, number of joins).
    A text paragraph that stops mid-sentence is joined with the next text
    paragraph; captions met in between float to after the joined paragraph.
    Lines of one block (no blank line between, no hard break) are one paragraph.
    """
    paragraphs: list[_Paragraph] = []
    floating: list[_Paragraph] = []
    joins = 0
    previous: Unit | None = None
    for u in body:
        piece = _paragraph(u)
        if not len(piece):
            continue
        kind = u.kind
        last_cut = bool(paragraphs) and paragraphs[-1].kind == "text" and paragraphs[-1].cut(rules)
        if kind == "short":  # opens the text or continues a cut paragraph, or else is a subhead
            kind = "text" if last_cut or not paragraphs or is_fragment(piece.text, rules) else "subhead"
        if kind == "caption":
            (floating if last_cut else paragraphs).append(_Paragraph(kind, piece))
            previous = u
            continue
        same_block = (
            previous is not None
            and u.line.blank_before == 0
            and not u.line.hard_break
            and u.line.index == previous.line.index + 1
            and kind != "table"
            and paragraphs
            and paragraphs[-1].kind in ("text", "subhead")
        )
        cut = kind == "text" and last_cut
        if same_block or cut:
            joins += cut
            paragraphs[-1].add(piece)
        else:
            paragraphs.extend(floating)
            floating = []
            paragraphs.append(_Paragraph(kind, piece))
        if floating and not paragraphs[-1].cut(rules):
            paragraphs.extend(floating)
            floating = []
        previous = u
    paragraphs.extend(floating)
    texts = [MappedText.join(p.pieces) for p in paragraphs]
    keep = drop_repeated_blocks([t.text for t in texts])
    dropped = len(paragraphs) - len(keep)
    return MappedText.join([texts[k] for k in keep], "\n"), dropped, joins


def is_fragment(text: str, rules: StructureRules) -> bool:
    """A short line that is a piece of a sentence cut by the layout, not a
    subhead (rules/structure.toml [headline])."""
    squeezed = normalized(text)
    return bool(
        rules.inner_sentence_end.search(squeezed[:-1])
        or rules.open_end.search(squeezed)
        or (len(squeezed) >= rules.fragment_min_chars and rules.fragment_punct.search(squeezed))
    )


def _kind(draft: _Draft, headline: str | None, body_units: list[Unit], rules: StructureRules) -> str:
    if draft.column:
        return "commentary"
    lines = [u for u in body_units if u.kind in ("text", "table", "short")]
    if lines and sum(u.kind == "table" for u in lines) * 2 >= len(lines):
        return "table"
    if draft.dateline is not None:
        return "news"
    squeezed = normalized(headline or "")
    if squeezed and rules.notice_headline.search(squeezed):
        return "notice"
    if draft.letter_author is not None:
        return "letter"
    if draft.continued_from:
        return "news"
    if draft.byline_paragraph:
        return "feature"
    if draft.photo:
        return "photo"
    return "unknown"


def segment_articles(
    source: SourceText, lines: list[Line], masthead: Masthead, rules: StructureRules
) -> tuple[list[Article], list[Failure]]:
    """Articles of one issue, in reading order, plus warnings worth a look."""
    units = classify_lines(lines, masthead, rules)
    segmenter = _Segmenter(units, rules)
    drafts = segmenter.segment()
    warnings: list[Failure] = []

    def warn(stage: str, reason: str) -> None:
        warnings.append(Failure(source.source_file, source.sha256, stage, "warning", reason))

    if segmenter.stray:
        warn("repair", f"dropped {segmenter.stray} stray one-character line(s)")
    articles: list[Article] = []
    for draft in drafts:
        kicker, headline, subtitle, suspicious = split_headline_block(draft.header)
        if draft.column:
            kicker, headline, subtitle = draft.column, None, None
            if draft.inside_headline is not None:
                headline = headline_text(draft.inside_headline.text)
        body, dropped, _ = assemble_body(draft.body, rules)
        if not len(body) and headline is None and not draft.bylines:
            continue  # nothing but a stray line or a credit left over
        seq = len(articles) + 1
        if suspicious:
            warn("segment", f"article {seq}: headline block of {len(draft.header)} lines; two headlines may have merged")
        if headline and sum(1 for f in _WHITE.split(" ".join(u.text for u in draft.header)) if len(f) == 1) >= 3:
            warn("segment", f"article {seq}: headline '{headline}' is broken into one-character pieces; layout likely scrambled")
        if dropped:
            warn("repair", f"article {seq}: dropped {dropped} paragraph(s) printed twice")
        spans = [(u.line.start, u.line.start + len(u.line.text)) for u in draft.units()]
        dl = draft.dateline
        articles.append(
            Article(
                issue_id=source.issue_id,
                seq=seq,
                headline=headline or None,
                kicker=kicker,
                subtitle=subtitle,
                kind=_kind(draft, headline, draft.body, rules),
                source=dl.source if dl else None,
                dateline=dl.dateline if dl else None,
                dateline_place=dl.place if dl else None,
                body=body.text,
                raw_start=min(s for s, _ in spans),
                raw_end=max(e for _, e in spans),
                bylines=list(dict.fromkeys(draft.bylines)),  # the same credit on several captions is one row
                continued_from=draft.continued_from,
                continues_on=draft.continues_on,
                body_offsets=body.offsets,
            )
        )
    return articles, warnings

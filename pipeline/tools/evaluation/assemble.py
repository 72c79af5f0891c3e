"""The dev set's articles printed as whole issues, in the layouts of the corpus.

The assembler is deterministic: the same articles, layout and seed give the
same bytes. Each article's own text is printed exactly as the dev set gives it
(header lines and body characters, in order); the assembler only decides what
goes around it, and records where every header line and every body character
went (`Placement`), so that scoring maps the pipeline's output back to the gold.

Layouts (each one a corpus file's way of printing an issue, see
../shared/corpus/README.md):

- `files`: one article per file: its kicker, headline and subtitle lines that
  are not null, one per line, a blank line, the body (../shared/devset/README.md).
- `markdown` (like 001, 000, 004): the masthead split over lines with the app's
  name in front (`掌上X  ` / `客户端<date> <weekday>  ` / `<lunar> 第N期 今日N版`,
  then the line of the paper's publisher and CN number); headlines as `##` (or
  `###`) headings, a feature's as `#`; a subtitle as a bare line under the
  heading, or (starting with `——`) as a `###` heading under a `#` one; a
  headline with a kicker, and some with a subtitle, as two-line titles (lines
  ending in two spaces, as 001 prints them); short paragraphs (4-20
  characters) without closing punctuation inside a body as `####` subheads, as
  000 and 004 print theirs; articles without a headline
  printed as the continuation of an article from another page
  (`◀◀上接01版 …`, as 004 prints it).
- `bare` (like 002): the masthead in one block (paper / date and weekday /
  `<lunar> 第N期 今日N版` / publisher and CN number); kicker, headline and
  subtitle as bare lines, a blank line between them.
- `columns` (like 003): no masthead, bare headline lines, and a space wherever
  the printed column wrapped (columns of about 15, 22 or 29 characters, the
  first line of a paragraph two characters shorter); cut paragraphs break at a
  wrap; now and then a stray one-character line (a character of the headline,
  as 003's `控`).
- `mixed` (like 002 and 004 together): a split, one-block or no masthead; each
  article's headline block printed in one of the forms above; page jumps
  splitting an article (`►下转 02版` closing its first part as a paragraph of
  its own, the rest printed later in the issue after `◀◀上接01版 `), articles
  without a headline as continuations, and a block of paragraphs printed twice
  (as 002 prints one).

In every layout but `files`, about one paragraph in five is cut in two by a
blank line in the middle of a sentence (as the corpus prints paragraphs broken
by the page layout), three blank lines stand before a photo caption or credit
paragraph and after the headline of an article that opens with one (photo
news), and articles are separated by one blank line, sometimes three.

Articles without a headline (the web copy began below the title) appear only
where the corpus prints text without a headline: as continuations, in
`markdown` and `mixed`, and only those without a dateline (a continuation
never opens with one; a headless article with a dateline is news whose title
was lost, which no page prints, so it is scored one per file only); `bare` and
`columns` print the articles that have a headline.

The masthead's fields are printed in the corpus's form; its lunar date has the
form of one (the year's stem-branch name, a month and a day) but is not
computed from the solar date: no stage checks one against the other.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .devdata import DATE_LINE, PHOTO_CREDIT_END, SENTENCE_END, DevArticle, raw_article

LAYOUTS = ("markdown", "bare", "columns", "mixed")
DEFAULT_SEED = 11
ISSUE_SIZES = (8, 12)  # articles per issue, as the corpus's issues hold 8 to 11
CUT_RATE = 0.2  # paragraphs cut in two by the page layout
SUBHEAD_MAX = 20  # characters of a paragraph printed as a `####` subhead
COLUMN_WIDTHS = (15, 22, 29)  # characters per printed column line in 003
NO_LINE_START = "、,，。.!！?？;；:：)）」』】”’》…"  # never printed at the start of a line
CLOSING = SENTENCE_END + "”’\"')）】」』》…:：;；,，、"
JUMP_TO = "►下转 {page}"
JUMP_FROM = "◀◀上接{page} "
WEEKDAYS = "一二三四五六日"
STEMS, BRANCHES = "甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉戌亥"
LUNAR_MONTHS = ("正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊")
LUNAR_DAYS = [f"初{d}" for d in "一二三四五六七八九十"] + [f"十{d}" for d in "一二三四五六七八九"] + ["二十"] + \
    [f"廿{d}" for d in "一二三四五六七八九"] + ["三十"]
_HAN = regex.compile(r"\p{Han}")
_CITY_PAPER = regex.compile(r"^(\p{Han}{2})(日报|晚报)$")


@dataclass
class Piece:
    """One article the issue prints: an article, or each part of one split by a page jump."""

    headline: str | None
    continued_from: str | None = None
    continues_on: str | None = None


@dataclass
class Placement:
    """Where one dev article went in an issue's text."""

    article: DevArticle
    style: str  # how its headline block was printed
    header: dict = field(default_factory=dict)  # kicker/headline/subtitle -> (start, end) in the issue text
    body: array = field(default_factory=lambda: array("l"))  # raw offset of each body character; -1: a paragraph break
    copies: list = field(default_factory=list)  # (body index, raw offset) of characters printed a second time
    pieces: list = field(default_factory=list)

    def raw_runs(self) -> list[list[int]]:
        """[body start, body end, raw start] of every stretch printed in one piece (for gold.json)."""
        runs: list[list[int]] = []
        for i, at in enumerate(self.body):
            if at < 0:
                continue
            if runs and runs[-1][1] == i and runs[-1][2] + (i - runs[-1][0]) == at:
                runs[-1][1] = i + 1
            else:
                runs.append([i, i + 1, at])
        return runs


@dataclass
class AssembledIssue:
    name: str  # path of the issue file, relative to the layout's raw folder
    layout: str
    text: str
    placements: list[Placement]
    masthead: dict | None = None  # the masthead fields printed (None: no masthead)


class _Writer:
    """Accumulates an issue's text and the raw offset of every character written."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.length = 0

    def noise(self, text: str) -> None:
        self.chunks.append(text)
        self.length += len(text)

    def units(self, units: list[tuple[str, int]], placement: Placement, copy: bool = False) -> None:
        """Write (character, body index) pairs; index -1 is layout (a wrap space)."""
        for k, (ch, index) in enumerate(units):
            if index >= 0:
                if copy:
                    placement.copies.append((index, self.length + k))
                else:
                    placement.body[index] = self.length + k
        self.noise("".join(ch for ch, _ in units))

    def header(self, placement: Placement, name: str, text: str) -> None:
        placement.header[name] = (self.length, self.length + len(text))
        self.noise(text)

    def text(self) -> str:
        return "".join(self.chunks)


# -- one article per file ------------------------------------------------------

def one_per_file(articles: list[DevArticle]) -> list[AssembledIssue]:
    """Each article as its own raw file (`files` layout)."""
    out = []
    for a in articles:
        text = raw_article(a)
        p = Placement(a, "file", body=array("l", [-1]) * len(a.body), pieces=[Piece(a.headline)])
        at = 0
        for name in ("kicker", "headline", "subtitle"):
            value = getattr(a, name)
            if value:
                p.header[name] = (at, at + len(value))
                at += len(value) + 1
        start = len(text) - len(a.body)
        for i, ch in enumerate(a.body):
            if ch != "\n":
                p.body[i] = start + i
        out.append(AssembledIssue(f"{a.id}.txt", "files", text, [p]))
    return out


# -- whole issues ----------------------------------------------------------------

def assemble(articles: list[DevArticle], layout: str, seed: int = DEFAULT_SEED) -> list[AssembledIssue]:
    """The articles printed as whole issues in `layout` (one of LAYOUTS)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    rng = random.Random(f"{seed}:{layout}")
    used = [a for a in articles if a.headline or (layout in ("markdown", "mixed") and printable_as_continuation(a))]
    order = sorted(used, key=lambda a: a.id)
    rng.shuffle(order)
    groups: list[list[DevArticle]] = []
    while order:
        size = rng.randint(*ISSUE_SIZES)
        groups.append(order[:size])
        order = order[size:]
    papers = _masthead_papers(articles)
    return [_issue(group, layout, f"{layout}/{layout}_{k + 1:02d}.txt", rng, papers) for k, group in enumerate(groups)]


def printable_as_continuation(a: DevArticle) -> bool:
    """An article without a headline and without a dateline reads as the rest of an article
    from another page; one with a dateline is news whose title the web copy lost: no page
    prints it without one, so it is scored one per file only."""
    return not a.headline and not a.source


def _masthead_papers(articles: list[DevArticle]) -> list[tuple[str, str]]:
    """(paper, city) for the mastheads: the dev set's city papers (X日报, X晚报 whose
    X is a city its articles name as X市), so the masthead is not the corpus's paper."""
    bodies = "".join(a.body for a in articles)
    found = set()
    for a in articles:
        name = regex.sub(r"[(（].*$", "", a.paper).split("·")[0].strip()
        m = _CITY_PAPER.match(name)
        if m and f"{m.group(1)}市" in bodies:
            found.add((name, m.group(1)))
    return sorted(found) or [("株洲日报", "株洲")]


def _issue(group: list[DevArticle], layout: str, name: str, rng: random.Random, papers) -> AssembledIssue:
    w = _Writer()
    forms = {"markdown": "split", "bare": "block", "columns": None}
    masthead_form = forms[layout] if layout in forms else rng.choice(["split", "block", None])
    masthead = _write_masthead(w, masthead_form, rng, papers) if masthead_form else None
    level = rng.choice(["##", "###"])
    placements = [Placement(a, "", body=array("l", [-1]) * len(a.body)) for a in group]
    # a page jump: the first part of an article closes with ►下转, its rest follows later in the issue
    jumps: dict[int, int] = {}
    if layout == "mixed":
        candidates = [k for k, a in enumerate(group) if a.headline and len(a.paragraphs) >= 3 and k < len(group) - 1]
        for k in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
            jumps[k] = rng.randint(k + 1, len(group) - 1)
    repeated = None
    if layout == "mixed" and rng.random() < 0.5:
        long_ones = [k for k, a in enumerate(group) if len(a.paragraphs) >= 5 and k not in jumps]
        repeated = rng.choice(long_ones) if long_ones else None
    pending: dict[int, list] = {}  # issue position -> continuations printed after that article
    first_page = rng.randint(1, 4)
    for k, (a, p) in enumerate(zip(group, placements)):
        if k:
            w.noise("\n\n" if rng.random() < 0.8 else "\n\n\n\n")
        paragraphs = _printed_paragraphs(a, layout, rng)
        if not a.headline:
            p.style = "continuation"
            page = f"{first_page:02d}版"
            p.pieces.append(Piece(None, continued_from=page))
            _write_body(w, p, paragraphs, layout, rng, lead=JUMP_FROM.format(page=page))
        else:
            p.style = _header_style(a, layout, rng)
            p.pieces.append(Piece(a.headline))
            _write_header(w, p, a, p.style, level, layout, rng, paragraphs)
            if k in jumps:
                first, rest = _split_for_jump(paragraphs, rng)
                page, back = f"{first_page + 1:02d}版", f"{first_page:02d}版"
                p.pieces[0].continues_on = page
                _write_body(w, p, first, layout, rng)
                w.noise("\n\n" + JUMP_TO.format(page=page))
                p.pieces.append(Piece(None, continued_from=back))
                pending.setdefault(jumps[k], []).append((p, rest, back))
            else:
                _write_body(w, p, paragraphs, layout, rng, repeat=(k == repeated))
        for cont, rest, back in pending.pop(k, []):
            w.noise("\n\n")
            _write_body(w, cont, rest, layout, rng, lead=JUMP_FROM.format(page=back))
    w.noise("\n")
    return AssembledIssue(name, layout, w.text(), placements, masthead)


def _write_masthead(w: _Writer, form: str, rng: random.Random, papers) -> dict:
    paper, city = rng.choice(papers)
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(11 * 365))
    weekday = f"星期{WEEKDAYS[day.weekday()]}"
    lunar = (f"{STEMS[(day.year - 4) % 10]}{BRANCHES[(day.year - 4) % 12]}年"
             f"{rng.choice(LUNAR_MONTHS)}月{rng.choice(LUNAR_DAYS)}")
    number, pages = rng.randint(8000, 25000), rng.choice([4, 8, 12, 16])
    date = f"{day.year}年{day.month}月{day.day}日"
    cn = f"{rng.randint(11, 65)}-{rng.randint(1, 9999):04d}"
    publisher = f"中共{city}市委主管、主办 国内统一连续出版物号"
    if form == "split":  # 001: the app's name, then 客户端 glued to the date
        w.noise(f"\n\n掌上{city}  \n客户端{date} {weekday}  \n{lunar} 第{number}期 今日{pages}版\n\n{publisher}CN {cn}\n\n")
    else:  # 002: the paper's name, the date, the numbers, the publisher
        w.noise(f"\n\n{paper}\n\n{date} {weekday}\n{lunar} 第{number}期 今日{pages}版\n{publisher} CN {cn}\n\n")
    return {"paper": paper, "issue_date": day.isoformat(), "issue_number": number, "pages": pages,
            "lunar_date": lunar, "weekday": weekday, "form": form}


# -- headline blocks ---------------------------------------------------------------

def _header_style(a: DevArticle, layout: str, rng: random.Random) -> str:
    if layout == "bare" or layout == "columns":
        return "bare"
    if layout == "markdown":
        if a.kicker:
            return "two-line"
        return rng.choice(["heading", "heading", "two-line"]) if a.subtitle else "heading"
    return rng.choice(["two-line", "bare"] if a.kicker else ["heading", "two-line", "bare"])


def _write_header(w: _Writer, p: Placement, a: DevArticle, style: str, level: str, layout: str,
                  rng: random.Random, paragraphs: list) -> None:
    fields = [(n, getattr(a, n)) for n in ("kicker", "headline", "subtitle") if getattr(a, n)]
    if style == "heading" and not a.kicker:
        feature = a.expected_kind[0] == "feature"
        mark = "#" if feature and rng.random() < 0.5 else level
        if a.subtitle and a.subtitle.startswith("——"):
            mark = "#"  # 004: # title, ### ——subtitle
        w.noise(f"{mark} ")
        w.header(p, "headline", a.headline)
        if a.subtitle:
            w.noise("\n\n### " if a.subtitle.startswith("——") else "\n\n")
            w.header(p, "subtitle", a.subtitle)
    elif style == "two-line":  # 001: lines ending in two spaces, no blank line between them
        for k, (n, value) in enumerate(fields):
            if k:
                w.noise("  \n")
            w.header(p, n, value)
    else:  # 002, 003: bare lines, a blank line between them
        for k, (n, value) in enumerate(fields):
            if k:
                w.noise("\n\n")
            w.header(p, n, value)
    opens_with_picture = bool(paragraphs) and (_is_caption(a, paragraphs[0]) or a.expected_kind[0] in ("photo", "feature"))
    w.noise("\n\n\n\n" if opens_with_picture and rng.random() < 0.7 else "\n\n")
    if layout == "columns" and rng.random() < 0.15:
        stray = _HAN.findall(a.headline)
        if stray:
            w.noise(rng.choice(stray) + "\n\n")


def _is_caption(a: DevArticle, printed: list) -> bool:
    """A short paragraph closing with a full stop or a photo credit: a caption (or its credit)."""
    text = (_whole_paragraph(a, printed[0]) or "") if printed else ""
    if PHOTO_CREDIT_END.search(text):
        return True
    return len(text) <= 30 and text.endswith("。") and len(a.paragraphs) > 1


# -- bodies -----------------------------------------------------------------------

def _printed_paragraphs(a: DevArticle, layout: str, rng: random.Random) -> list[list[list[tuple[str, int]]]]:
    """Each gold paragraph as the printed paragraphs it becomes: [(character, body index)] lines;
    a wrap space has index -1; a cut paragraph becomes two."""
    width = rng.choice(COLUMN_WIDTHS) if layout == "columns" else None
    out = []
    for start, end in a.paragraphs:
        units = [(a.body[i], i) for i in range(start, end)]
        if width and len(units) > width:
            units = _wrap(units, width, rng)
        pieces = [units]
        if len(units) >= 30 and rng.random() < CUT_RATE:
            pieces = _cut(units, rng, at_wrap=bool(width))
        out.append(pieces)
    return out


def _wrap(units: list[tuple[str, int]], width: int, rng: random.Random) -> list[tuple[str, int]]:
    """A space after every printed column line: the first line two characters short (the indent)."""
    out: list[tuple[str, int]] = []
    line = width - 2
    at = 0
    while len(units) - at > line:
        end = at + line
        while end < len(units) and units[end][0] in NO_LINE_START:
            end += 1  # punctuation stays at the end of the line above
        out.extend(units[at:end])
        if end >= len(units):
            return out
        out.append((" ", -1))
        at = end
        line = width + rng.randint(-1, 1)
    out.extend(units[at:])
    return out


def _cut(units: list[tuple[str, int]], rng: random.Random, at_wrap: bool) -> list[list[tuple[str, int]]]:
    """The paragraph cut in two, in the middle of a sentence (at a wrap in a column layout):
    never after a sentence's end, where a cut could not be told from a paragraph break."""
    def ends_sentence(i: int) -> bool:
        before = "".join(ch for ch, _ in units[max(0, i - 2):i]).rstrip()
        return bool(before) and (before[-1] in SENTENCE_END or (before[-1] in "”’\"'" and before[:-1][-1:] in SENTENCE_END))

    if at_wrap:
        spots = [i for i, (ch, index) in enumerate(units) if index < 0 and not ends_sentence(i)]
        if spots:
            i = rng.choice(spots)
            return [units[:i], units[i + 1:]]
    spots = [i for i in range(2, len(units) - 2)
             if units[i][0] not in NO_LINE_START and not units[i][0].isspace() and not units[i - 1][0].isspace()
             and not ends_sentence(i)]
    if not spots:
        return [units]
    i = rng.choice(spots)
    return [units[:i], units[i:]]


def _split_for_jump(paragraphs: list, rng: random.Random) -> tuple[list, list]:
    """Paragraphs before and after a page jump: between two paragraphs, or inside one."""
    k = rng.randint(1, len(paragraphs) - 1)
    if rng.random() < 0.4:
        pieces = paragraphs[k]
        units = pieces[0]
        spots = [i for i in range(4, len(units) - 4) if units[i][0] not in NO_LINE_START and units[i][1] >= 0]
        if spots:
            i = rng.choice(spots)
            return paragraphs[:k] + [[units[:i]]], [[units[i:]] + pieces[1:]] + paragraphs[k + 1:]
    return paragraphs[:k], paragraphs[k:]


def _whole_paragraph(a: DevArticle, units: list[tuple[str, int]]) -> str | None:
    """The paragraph's text when `units` print a whole gold paragraph (not a part of a cut one)."""
    indexes = [i for _, i in units if i >= 0]
    if not indexes or (indexes[0], indexes[-1] + 1) not in a.paragraph_set:
        return None
    return a.body[indexes[0]:indexes[-1] + 1]


def _is_subhead(a: DevArticle, units: list[tuple[str, int]], first: bool) -> bool:
    """A whole paragraph, not the first, of 4 to 20 characters without closing punctuation:
    no credit, no date line and no signer before one (the corpus's `####` subheads are 12-20)."""
    text = (_whole_paragraph(a, units) or "").strip()
    if first or not 4 <= len(text) <= SUBHEAD_MAX or text[-1] in CLOSING or "\t" in text:
        return False
    if PHOTO_CREDIT_END.search(text) or a._credit_start(text) is not None or DATE_LINE.match(text):
        return False
    paragraphs = [p.strip() for p in a.paragraph_texts()]
    k = paragraphs.index(text) if text in paragraphs else -1
    return not (0 <= k < len(paragraphs) - 1 and DATE_LINE.match(paragraphs[k + 1]))


def _write_body(w: _Writer, p: Placement, paragraphs: list, layout: str, rng: random.Random,
                lead: str = "", repeat: bool = False) -> None:
    a = p.article
    markdown = layout == "markdown" or (layout == "mixed" and p.style == "heading")
    printed = [piece for pieces in paragraphs for piece in pieces]
    if lead:
        w.noise(lead)
    for k, units in enumerate(printed):
        if k:
            caption = PHOTO_CREDIT_END.search(_whole_paragraph(a, units) or "") is not None
            w.noise("\n\n\n\n" if caption and rng.random() < 0.7 else "\n\n")
        if markdown and _is_subhead(a, units, first=(k == 0 and not lead)):
            w.noise("#### ")
        w.units(units, p)
    if repeat and len(printed) >= 4:  # 002: the last paragraphs printed a second time
        for units in printed[-rng.randint(2, 4):]:
            w.noise("\n\n")
            w.units(units, p, copy=True)


# -- files -------------------------------------------------------------------------

def write_issues(issues: list[AssembledIssue], folder: Path) -> None:
    """The issue files under `folder` (old files of the folder removed), and `gold.json`
    beside it: for every issue, where each dev article's header lines and body went."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {folder / i.name for i in issues}
    for old in folder.rglob("*.txt"):
        if old not in wanted:
            old.unlink()
    for issue in issues:
        path = folder / issue.name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = issue.text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:  # unchanged files stay, for incremental runs
            path.write_bytes(data)
    gold = [{
        "issue": i.name, "layout": i.layout, "masthead": i.masthead,
        "articles": [{
            "id": p.article.id, "style": p.style, "header": p.header, "body_runs": p.raw_runs(),
            "copies": len(p.copies), "pieces": [vars(piece) for piece in p.pieces],
        } for p in i.placements],
    } for i in issues]
    (folder.parent / f"{folder.name}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")

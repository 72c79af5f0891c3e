"""One issue file, end to end: read -> repair -> masthead -> segment -> bylines.

`extract_issue` (a path) and `extract_bytes` (bytes already read) are the
per-file unit of work; they never raise for a bad file: they return either
an `Issue` or a `Failure` saying which stage gave up and why.
"""

from __future__ import annotations

from pathlib import Path

import regex

from .masthead import infer_issue_date, paper_from_sources, parse_masthead
from .read import RawFile, ReadError, decode_source, read_file, source_name
from .records import Article, Failure, Issue, MappedText, SourceText
from .repair import split_lines
from .rules import StructureRules
from .segment import segment_articles

# Below this many Han characters a file with no structure is not worth an article.
MIN_HAN_FOR_UNKNOWN = 50
_HAN = regex.compile(r"\p{Han}")


def extract_issue(path: Path, raw_dir: Path, rules: StructureRules) -> Issue | Failure:
    """Read and structure one file; a `Failure` (severity error) when it cannot be."""
    source_file = source_name(path, raw_dir)
    try:
        raw = read_file(path)
    except ReadError as err:
        return Failure(source_file, None, "read", "error", err.reason)
    return extract_bytes(source_file, raw, rules)


def extract_bytes(source_file: str, raw: RawFile, rules: StructureRules) -> Issue | Failure:
    """Decode and structure the bytes of a file, read once by `read_file`."""
    try:
        source = decode_source(source_file, raw)
    except ReadError as err:
        return Failure(source_file, err.sha256, "read", "error", err.reason)
    try:
        return structure_issue(source, rules)
    except Exception as err:  # a bug must cost one file, never the run
        message = " ".join(str(err).split())[:200]
        return Failure(source.source_file, source.sha256, "segment", "error",
                       f"internal error while structuring the text: {type(err).__name__}: {message}")


def structure_issue(source: SourceText, rules: StructureRules) -> Issue | Failure:
    """Masthead, articles and bylines of a decoded issue."""
    warnings = [Failure(source.source_file, source.sha256, "read", "warning", w) for w in source.decode_warnings]
    lines = split_lines(source.text)
    masthead = parse_masthead(lines, rules)
    articles, segment_warnings = segment_articles(source, lines, masthead, rules)
    warnings.extend(segment_warnings)
    if not articles or all(a.headline is None and a.source is None and not a.bylines for a in articles):
        han = len(_HAN.findall(source.text))
        if han < MIN_HAN_FOR_UNKNOWN:
            return Failure(
                source.source_file, source.sha256, "segment", "error",
                f"no articles found: no headline or dateline in {len(source.text):,} characters ({han} Chinese)",
            )
        articles = [_whole_text_article(source, lines, articles)]
        warnings.append(Failure(
            source.source_file, source.sha256, "segment", "warning",
            "no headline, dateline or byline found: the whole text is kept as one article of kind unknown",
        ))
    if masthead.issue_date:
        issue_date, date_source = masthead.issue_date, "masthead"
    else:
        issue_date = infer_issue_date([a.dateline for a in articles if a.dateline], source.text)
        date_source = "inferred" if issue_date else None
    paper = masthead.paper or paper_from_sources([a.source for a in articles], rules.paper_names)
    return Issue(source, masthead, issue_date, date_source, paper, articles, warnings)


def _whole_text_article(source: SourceText, lines, articles: list[Article]) -> Article:
    """Degraded output: all article bodies of the file as one article of kind unknown."""
    body = MappedText.join([MappedText(a.body, a.body_offsets) for a in articles if a.body], "\n")
    start = lines[0].start if lines else 0
    end = lines[-1].start + len(lines[-1].text) if lines else 0
    return Article(
        issue_id=source.issue_id, seq=1, headline=None, kicker=None, subtitle=None, kind="unknown",
        source=None, dateline=None, dateline_place=None, body=body.text, raw_start=start, raw_end=end,
        body_offsets=body.offsets,
    )

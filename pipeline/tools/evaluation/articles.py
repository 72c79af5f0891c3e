"""Scoring the articles the pipeline found in assembled dev-set issues.

Every predicted article is given to the dev article its body starts with
(through the raw offsets the assembler recorded: the first dev article with at
least GLUE_MIN characters in the body, so that an article the pipeline glued
to the next one counts as the first one's, and the next one as not found); an
article whose body maps to nothing is given by the characters of its whole raw
span, or to none (a masthead taken as an article). A dev article's predicted
group is the articles given to it, in reading order; its first is its main one.

- articles by headline: per issue, the multiset of headlines the issue prints
  (white space ignored; `<headless>` for an article printed without one, and
  for the continuation of an article split by a page jump) against the
  multiset of predicted headlines, as structure.py scores the corpus;
- kicker, subtitle, kind, source, dateline: the main predicted article's value
  against the dev gold's (kind only where the conventions give one, see
  devdata.expected_kind), as P/R/F1 where null counts as no value, and as
  accuracy (null against null is right); values are compared with white
  space removed, as headlines are;
- bylines: the multiset of (name, role, credit) of the whole group against the
  gold's; bylines of articles given to no dev article are false hits;
- page jumps: the `continues_on`/`continued_from` values of each issue;
- masthead: paper, date, issue number, pages, where one is printed;
- diagnostics: dev articles split over several predicted ones, and predicted
  articles holding the text of several dev articles (glued).

Figures are given for all articles and per part: A (Hunan, where the rules'
paper comes from) and B (other provinces).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.extract import extract_issue
from pipeline.records import Issue

from .assemble import AssembledIssue, Placement
from .devdata import PARTS
from .structure import PRF, _key, _value

FIELDS = ("headline", "kicker", "subtitle", "kind", "source", "dateline")
MASTHEAD_FIELDS = ("paper", "issue_date", "issue_number", "pages")
GLUE_MIN = 8  # body characters of a second dev article that make a predicted article a glued one


@dataclass
class FieldScore:
    """P/R/F1 (null = no value) and accuracy (null against null is right) of one field."""

    prf: PRF = field(default_factory=PRF)
    right: int = 0
    total: int = 0
    wrong: list = field(default_factory=list)  # (where, gold, predicted)

    def add(self, gold, predicted, where: str) -> None:
        g, p = _norm(gold), _norm(predicted)
        self.prf.add(Counter([g] if g is not None else []), Counter([p] if p is not None else []), where)
        self.total += 1
        if g == p:
            self.right += 1
        else:
            self.wrong.append((where, gold, predicted))

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def _norm(value):
    value = _value(value)
    return _key(value) or None if isinstance(value, str) else value


@dataclass
class PredictedArticle:
    row: dict  # the articles table's row
    bylines: list[tuple]
    record: object  # the pipeline's Article (same code, run in-process): body_offsets
    owner: int | None = None  # placement index
    owners: Counter = field(default_factory=Counter)


@dataclass
class PredictedIssue:
    row: dict  # the issues table's row ({} when the file gave no issue)
    articles: list[PredictedArticle]


@dataclass
class LayoutScores:
    layout: str
    n_issues: int = 0
    n_articles: int = 0
    parts: Counter = field(default_factory=Counter)
    articles: dict = field(default_factory=lambda: {p: PRF() for p in PARTS})  # by headline
    fields: dict = field(default_factory=lambda: {f: {p: FieldScore() for p in PARTS} for f in FIELDS})
    bylines: dict = field(default_factory=lambda: {p: PRF() for p in PARTS})
    bylines_name_role: dict = field(default_factory=lambda: {p: PRF() for p in PARTS})
    kind_skipped: list = field(default_factory=list)  # (dev id, why)
    jumps: PRF = field(default_factory=PRF)
    masthead: dict = field(default_factory=lambda: {f: FieldScore() for f in MASTHEAD_FIELDS})
    split: list = field(default_factory=list)  # (where, dev id, number of predicted articles beyond the expected)
    glued: list = field(default_factory=list)  # (where, predicted headline, dev ids)
    unassigned: list = field(default_factory=list)  # (where, predicted headline)


def predicted_issues(issues: list[AssembledIssue], raw_dir: Path, out_dir: Path, rules) -> dict[str, PredictedIssue]:
    """The issues and articles table's rows of every assembled issue, with the articles'
    bylines and the pipeline's own Article records, made by the same code in this
    process for their body offsets (bodies checked equal to the table's)."""
    tables = {n: pd.read_parquet(Path(out_dir) / f"{n}.parquet") for n in ("issues", "articles", "bylines")}
    issue_rows = {r["source_file"]: {k: _value(v) for k, v in r.items()} for r in tables["issues"].to_dict("records")}
    bylines = defaultdict(list)
    for b in tables["bylines"].itertuples():
        bylines[b.article_id].append((b.name, _value(b.role), b.credit))
    articles = tables["articles"].sort_values(["issue_id", "seq"])
    rows_of = defaultdict(list)
    for row in articles.to_dict("records"):
        rows_of[row["issue_id"]].append({k: _value(v) for k, v in row.items()})
    out = {}
    for issue in issues:
        issue_row = issue_rows.get(issue.name, {})
        rows = rows_of.get(issue_row.get("issue_id"), [])
        record = extract_issue(Path(raw_dir) / issue.name, Path(raw_dir), rules)
        records = record.articles if isinstance(record, Issue) else []
        if [r["body"] for r in rows] != [a.body for a in records]:
            raise RuntimeError(f"{issue.name}: the tables in {out_dir} are not from this code and these files; rerun the extraction")
        out[issue.name] = PredictedIssue(issue_row, [PredictedArticle(r, bylines.get(r["article_id"], []), a)
                                                     for r, a in zip(rows, records)])
    return out


def owner_map(issue: AssembledIssue) -> list[int]:
    """For every character of the issue text, the index of the placement it belongs to (-1: layout)."""
    owner = [-1] * len(issue.text)
    for k, p in enumerate(issue.placements):
        for at in p.body:
            if at >= 0:
                owner[at] = k
        for _, at in p.copies:
            owner[at] = k
        for start, end in p.header.values():
            for at in range(start, end):
                owner[at] = k
    return owner


def assign(issue: AssembledIssue, predicted: list[PredictedArticle]) -> None:
    """Give each predicted article to the dev article its body starts with: the first one
    with GLUE_MIN characters in it (all of them when it holds fewer), so that an article
    glued to the next one stays the first one's; by its whole raw span when its body maps
    to nothing."""
    owner = owner_map(issue)
    for pa in predicted:
        offsets = [at for ch, at in zip(pa.record.body, pa.record.body_offsets) if ch != "\n"]
        order = [owner[at] for at in offsets if owner[at] >= 0]
        if not order:
            order = [o for o in owner[pa.row["raw_start"]:pa.row["raw_end"]] if o >= 0]
        pa.owners = Counter(order)
        if not order:
            pa.owner = None
            continue
        enough = min(GLUE_MIN, max(pa.owners.values()))
        pa.owner = next(o for o in order if pa.owners[o] >= enough)


def score_layout(layout: str, issues: list[AssembledIssue], predicted: dict[str, PredictedIssue]) -> LayoutScores:
    s = LayoutScores(layout, n_issues=len(issues))
    for issue in issues:
        found_issue = predicted.get(issue.name) or PredictedIssue({}, [])
        preds = found_issue.articles
        assign(issue, preds)
        groups: dict[int, list[PredictedArticle]] = defaultdict(list)
        for pa in preds:
            if pa.owner is not None:
                groups[pa.owner].append(pa)
            else:
                s.unassigned.append((issue.name, pa.row["headline"]))
            glued = [issue.placements[o].article.id for o, n in sorted(pa.owners.items()) if n >= GLUE_MIN]
            if len(glued) > 1:
                s.glued.append((issue.name, pa.row["headline"], glued))
        _score_headlines(s, issue, preds)
        for k, p in enumerate(issue.placements):
            _score_placement(s, issue, k, p, groups.get(k, []))
        for pa in preds:  # bylines of articles that are nobody's
            if pa.owner is None:
                s.bylines["all"].add(Counter(), Counter(pa.bylines), f"{issue.name} (no dev article) {pa.row['headline']}")
                s.bylines_name_role["all"].add(Counter(), Counter(b[:2] for b in pa.bylines), issue.name)
        expected = Counter(v for p in issue.placements for piece in p.pieces
                           for v in (piece.continues_on and f"continues_on {piece.continues_on}",
                                     piece.continued_from and f"continued_from {piece.continued_from}") if v)
        found = Counter(f"{col} {pa.row[col]}" for pa in preds for col in ("continues_on", "continued_from") if pa.row[col])
        s.jumps.add(expected, found, issue.name)
        if issue.masthead:
            for f in MASTHEAD_FIELDS:
                s.masthead[f].add(issue.masthead[f], found_issue.row.get(f), issue.name)
    return s


def _score_headlines(s: LayoutScores, issue: AssembledIssue, preds: list[PredictedArticle]) -> None:
    gold = {p: Counter() for p in PARTS}
    found = {p: Counter() for p in PARTS}
    for placement in issue.placements:
        for piece in placement.pieces:
            key = _key(piece.headline) or "<headless>"
            gold["all"][key] += 1
            gold[placement.article.part][key] += 1
    for pa in preds:
        key = _key(pa.row["headline"]) or "<headless>"
        found["all"][key] += 1
        if pa.owner is not None:
            found[issue.placements[pa.owner].article.part][key] += 1
    for part in PARTS:
        s.articles[part].add(gold[part], found[part], issue.name)


def _score_placement(s: LayoutScores, issue: AssembledIssue, k: int, p: Placement, group: list[PredictedArticle]) -> None:
    a = p.article
    s.n_articles += 1
    s.parts[a.part] += 1
    where = f"{issue.name} {a.id}"
    main = group[0].row if group else {}
    kind, why = a.expected_kind
    expected = {"headline": a.headline, "kicker": a.kicker, "subtitle": a.subtitle, "kind": kind,
                "source": a.source, "dateline": a.dateline}
    for f in FIELDS:
        if f == "kind" and kind is None:
            s.kind_skipped.append((a.id, why))
            continue
        for part in ("all", a.part):
            s.fields[f][part].add(expected[f], main.get(f), where)
    gold = Counter((b.name, b.role, b.credit) for b in a.bylines)
    found = Counter(b for pa in group for b in pa.bylines)
    for part in ("all", a.part):
        s.bylines[part].add(gold, found, where)
        s.bylines_name_role[part].add(Counter(g[:2] for g in gold.elements()), Counter(f[:2] for f in found.elements()), where)
    extra = len(group) - len(p.pieces)
    if extra > 0:
        s.split.append((where, a.headline, extra, [pa.row["headline"] for pa in group]))

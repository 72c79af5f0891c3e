"""Repaired bodies: line breaks left inside a sentence, characters lost or doubled.

On the dev set (one article per file and assembled into issues) every body
character the pipeline outputs is traced back, through its raw offset and the
offsets the assembler recorded, to a character of a dev article's gold body
(or to the layout: masthead, jump markers, wrap spaces, stray lines, or to a
header line). Then:

- `breaks inside a sentence`: a `\\n` of a predicted body between two
  characters of one dev article that lie in the same gold paragraph (the gold
  body has no paragraph break there): a paragraph the repair left cut;
- `paragraphs joined`: two gold paragraphs run together with no `\\n` between;
- `lost`: gold body characters (white space aside: layout spaces are removed
  on purpose) in no predicted body, counted apart where they are dateline,
  byline or credit text the pipeline takes out (devdata.credit_spans);
- `doubled`: gold body characters printed in two bodies, or twice in one (a
  block printed twice and kept twice);
- `layout kept`: characters of the layout (masthead, `►下转`, stray lines) and
  `header kept`: characters of header lines, found in a body.

On the corpus, whose text may not be stored, `unended_breaks` needs no gold
body: every `\\n` of a body after a line that does not end as a paragraph can
(closing punctuation) counts as a break inside a sentence, unless the line is
one of the article's `subheads` in the corpus gold (subheads, a table's
title, numbered section headings), ends as one of its `unfinished` lines (a
caption the printed page itself cut off), is a table row, or signs a notice
(the line before a final date line).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import AssembledIssue
from .devdata import DATE_LINE

PARAGRAPH_END = "。！？!?…”’\"')）】」』》:：；;"
CONTEXT = 10


@dataclass
class BodyScores:
    n_chars: int = 0  # gold body characters (white space aside) of the articles printed
    breaks: list = field(default_factory=list)  # (dev id, context)
    joined: list = field(default_factory=list)  # (dev id, context)
    lost_text: int = 0
    lost_credit: int = 0
    lost_runs: list = field(default_factory=list)  # (dev id, "text"|"credit", n, context)
    doubled: int = 0
    doubled_runs: list = field(default_factory=list)  # (dev id, n, context)
    layout_kept: int = 0
    header_kept: int = 0

    def as_dict(self) -> dict:
        return {"gold_chars": self.n_chars, "breaks_inside_sentence": len(self.breaks),
                "paragraphs_joined": len(self.joined), "lost_text": self.lost_text,
                "lost_credit": self.lost_credit, "doubled": self.doubled,
                "layout_kept": self.layout_kept, "header_kept": self.header_kept}


def score_bodies(issues: list[AssembledIssue], bodies: dict[str, list[tuple[str, object]]]) -> BodyScores:
    """`bodies`: {issue name: [(body, body_offsets)]} of the predicted articles."""
    s = BodyScores()
    for issue in issues:
        where: dict[int, tuple[int, int]] = {}  # raw offset -> (placement, body index)
        header_at: set[int] = set()
        for k, p in enumerate(issue.placements):
            for i, at in enumerate(p.body):
                if at >= 0:
                    where[at] = (k, i)
            for i, at in p.copies:
                where[at] = (k, i)
            for start, end in p.header.values():
                header_at.update(range(start, end))
        seen: Counter = Counter()
        for body, offsets in bodies.get(issue.name, []):
            mapped: list[tuple[int, tuple[int, int] | None]] = []  # (position in body, gold)
            for pos, (ch, at) in enumerate(zip(body, offsets)):
                if ch == "\n":
                    mapped.append((pos, None))
                elif at in where:
                    seen[where[at]] += 1
                    mapped.append((pos, where[at]))
                elif not ch.isspace():
                    if at in header_at:
                        s.header_kept += 1
                    else:
                        s.layout_kept += 1
            _breaks(s, issue, mapped, body)
        for k, p in enumerate(issue.placements):
            a = p.article
            credit = [False] * len(a.body)
            for start, end in a.credit_spans:
                credit[start:end] = [True] * (end - start)
            run: list[int] = []
            for i, ch in enumerate(a.body):
                if ch.isspace():
                    continue
                s.n_chars += 1
                n = seen[(k, i)]
                if n == 0:
                    if credit[i]:
                        s.lost_credit += 1
                    else:
                        s.lost_text += 1
                    run.append(i)
                else:
                    _close_run(s, a, run, credit)
                    run = []
                if n > 1:
                    s.doubled += n - 1
            _close_run(s, a, run, credit)
            doubled = [i for i in range(len(a.body)) if seen[(k, i)] > 1]
            for start, end in _runs(doubled):
                s.doubled_runs.append((a.id, end - start, _context(a.body, start, end)))
    return s


def _breaks(s: BodyScores, issue: AssembledIssue, mapped: list, body: str) -> None:
    """Each run of `\\n` between two gold characters of one article: inside a paragraph or not."""
    last = None  # the last gold character before the current run of breaks
    broke = False
    for _, gold in mapped:
        if gold is None:
            broke = True
            continue
        if last is not None and last[0] == gold[0] and gold[1] > last[1]:
            a = issue.placements[gold[0]].article
            between = a.body[last[1] + 1:gold[1]]
            if broke and "\n" not in between:
                s.breaks.append((a.id, _context(a.body, last[1] + 1, gold[1], mark="⏎")))
            elif not broke and "\n" in between:
                s.joined.append((a.id, _context(a.body, last[1] + 1, gold[1], mark="+")))
        last, broke = gold, False


def _close_run(s: BodyScores, a, run: list[int], credit: list[bool]) -> None:
    if run:
        kind = "credit" if all(credit[i] for i in run) else "text"
        s.lost_runs.append((a.id, kind, len(run), _context(a.body, run[0], run[-1] + 1)))


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i in indexes:
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _context(body: str, start: int, end: int, mark: str | None = None) -> str:
    left = body[max(0, start - CONTEXT):start]
    right = body[end:end + CONTEXT]
    middle = mark if mark is not None else f"[{body[start:end] if end - start <= 40 else body[start:start + 18] + '…' + body[end - 18:end]}]"
    # the gold's own paragraph breaks as ¶, a break of the pipeline's body as ⏎
    return (left + middle + right).replace("\n\n", "¶").replace("\n", "¶")


# -- the corpus: no gold body ------------------------------------------------------

def unended_breaks(body: str, subheads: list[str] = (), unfinished: list[str] = ()) -> list[str]:
    """Contexts of the `\\n`s of `body` that follow a line which cannot end a paragraph."""
    allowed = {"".join(h.split()) for h in subheads}
    endings = ["".join(u.split()) for u in unfinished]
    lines = body.split("\n")
    out = []
    at = 0
    for k, line in enumerate(lines[:-1]):
        at += len(line) + 1
        text = line.rstrip()
        flat = "".join(text.split())
        if (not flat or flat[-1] in PARAGRAPH_END or flat in allowed or "\t" in line
                or any(flat.endswith(e) for e in endings) or DATE_LINE.match(lines[k + 1])):
            continue
        out.append((body[max(0, at - 1 - CONTEXT):at - 1] + "⏎" + body[at:at + CONTEXT]).replace("\n", "⏎"))
    return out


def corpus_breaks(gold_dir: Path, out_dir: Path) -> dict:
    """Breaks inside a sentence in the bodies of OUT, with the subheads of the gold in GOLD_DIR
    ({"breaks_inside_sentence": n, "items": [(source_file, headline, context)]})."""
    import pandas as pd

    from .structure import _value, match_articles

    issues = pd.read_parquet(Path(out_dir) / "issues.parquet")
    articles = pd.read_parquet(Path(out_dir) / "articles.parquet").sort_values(["issue_id", "seq"])
    items = []
    for gold_path in sorted(Path(gold_dir).glob("*.json")):
        if gold_path.name.endswith(".mentions.json") or gold_path.name == "entities.json":
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        issue = issues[issues.source_file == gold["source_file"]]
        if not len(issue):
            continue
        pred = [{k: _value(v) for k, v in r.items()}
                for r in articles[articles.issue_id == issue.iloc[0].issue_id].to_dict("records")]
        pairs = {k: g for g, k in match_articles(gold["articles"], pred)}
        for k, a in enumerate(pred):
            ga = gold["articles"][pairs[k]] if k in pairs else {}
            for ctx in unended_breaks(a["body"], ga.get("subheads", []), ga.get("unfinished", [])):
                items.append((gold["source_file"], a["headline"], ctx))
    return {"breaks_inside_sentence": len(items), "items": items}

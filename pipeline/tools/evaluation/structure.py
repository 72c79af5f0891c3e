"""`make eval`: score extracted tables against the hand-written gold in tests/gold/.

Structure (tests/gold/<set>/<stem>.json): articles matched by headline
(white space ignored; headless articles matched in order), then precision,
recall and F1 of article boundaries, of bylines (name+role, and
name+role+credit), of each article field among matched articles, and of each
masthead field. Mentions (<stem>.mentions.json) are scored by
`eval_mentions.score` per label.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import regex

ARTICLE_FIELDS = ("kicker", "subtitle", "kind", "source", "dateline")
ISSUE_FIELDS = ("paper", "issue_date", "date_source", "issue_number", "lunar_date", "pages")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list = field(default_factory=list)
    false_hits: list = field(default_factory=list)

    def add(self, gold: Counter, pred: Counter, where: str = "") -> None:
        for key in gold | pred:
            hit = min(gold[key], pred[key])
            self.tp += hit
            if gold[key] > hit:
                self.fn += gold[key] - hit
                self.misses.append((where, key))
            if pred[key] > hit:
                self.fp += pred[key] - hit
                self.false_hits.append((where, key))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict:
        """The scores as plain numbers, for the evaluation summary (`make eval`'s JSON)."""
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "tp": self.tp, "fp": self.fp, "fn": self.fn}

    @classmethod
    def pooled(cls, scores) -> PRF:
        """One score over several (the article fields, say): their counts added."""
        return cls(tp=sum(s.tp for s in scores), fp=sum(s.fp for s in scores), fn=sum(s.fn for s in scores))

    def row(self, name: str) -> str:
        return f"{name:<28} {self.precision:6.3f} {self.recall:6.3f} {self.f1:6.3f}   tp={self.tp} fp={self.fp} fn={self.fn}"


def _key(headline: str | None) -> str:
    return regex.sub(r"\s+", "", headline or "")


def _value(v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    if hasattr(v, "item"):
        return v.item()
    return v


def match_articles(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """(gold index, predicted index) pairs: same headline, or headless in order."""
    pairs = []
    used: set[int] = set()
    headless_pred = [k for k, p in enumerate(pred) if not p.get("headline")]
    for g, ga in enumerate(gold):
        if ga.get("headline"):
            for k, pa in enumerate(pred):
                if k not in used and _key(pa.get("headline")) == _key(ga["headline"]):
                    pairs.append((g, k))
                    used.add(k)
                    break
        else:
            while headless_pred and headless_pred[0] in used:
                headless_pred.pop(0)
            if headless_pred:
                k = headless_pred.pop(0)
                pairs.append((g, k))
                used.add(k)
    return pairs


@dataclass
class StructureScores:
    articles: PRF = field(default_factory=PRF)
    bylines: PRF = field(default_factory=PRF)
    bylines_credit: PRF = field(default_factory=PRF)
    fields: dict = field(default_factory=lambda: {f: PRF() for f in ARTICLE_FIELDS})
    masthead: dict = field(default_factory=lambda: {f: PRF() for f in ISSUE_FIELDS})


def score_structure(gold_dir: Path, out_dir: Path) -> StructureScores:
    issues = pd.read_parquet(out_dir / "issues.parquet")
    articles = pd.read_parquet(out_dir / "articles.parquet").sort_values(["issue_id", "seq"])
    bylines = pd.read_parquet(out_dir / "bylines.parquet")
    scores = StructureScores()
    for gold_path in sorted(gold_dir.glob("*.json")):
        if gold_path.name.endswith(".mentions.json") or gold_path.name == "entities.json":
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        issue = issues[issues.source_file == gold["source_file"]]
        where = gold["source_file"]
        pred_issue = {f: _value(issue.iloc[0][f]) for f in ISSUE_FIELDS} if len(issue) else {}
        for f in ISSUE_FIELDS:
            g, p = gold["issue"].get(f), pred_issue.get(f)
            scores.masthead[f].add(Counter([g] if g is not None else []), Counter([p] if p is not None else []), where)
        issue_id = issue.iloc[0].issue_id if len(issue) else None
        pred = [{k: _value(v) for k, v in r.items()} for r in articles[articles.issue_id == issue_id].to_dict("records")]
        for a in pred:
            a["bylines"] = [{k: _value(v) for k, v in b.items()} for b in bylines[bylines.article_id == a["article_id"]].to_dict("records")]
        gold_articles = gold["articles"]
        scores.articles.add(Counter(_key(a.get("headline")) or "<headless>" for a in gold_articles),
                            Counter(_key(a.get("headline")) or "<headless>" for a in pred), where)
        pairs = dict(match_articles(gold_articles, pred))
        for g, ga in enumerate(gold_articles):
            pa = pred[pairs[g]] if g in pairs else None
            label = f"{where} #{g + 1} {ga.get('headline')}"
            gb = ga.get("bylines", [])
            pb = pa["bylines"] if pa else []
            scores.bylines.add(Counter((b["name"], b.get("role")) for b in gb), Counter((b["name"], _value(b["role"])) for b in pb), label)
            scores.bylines_credit.add(Counter((b["name"], b.get("role"), b["credit"]) for b in gb),
                                      Counter((b["name"], _value(b["role"]), b["credit"]) for b in pb), label)
            if pa is None:
                continue
            for f in ARTICLE_FIELDS:
                gv, pv = ga.get(f), _value(pa.get(f))
                scores.fields[f].add(Counter([gv] if gv is not None else []), Counter([pv] if pv is not None else []), label)
        # bylines of predicted articles that match no gold article are false hits
        matched = set(pairs.values())
        for k, pa in enumerate(pred):
            if k not in matched:
                label = f"{where} (unmatched) {pa.get('headline')}"
                scores.bylines.add(Counter(), Counter((b["name"], _value(b["role"])) for b in pa["bylines"]), label)
                scores.bylines_credit.add(Counter(), Counter((b["name"], _value(b["role"]), b["credit"]) for b in pa["bylines"]), label)
    return scores


def render_structure(scores: StructureScores, title: str) -> str:
    lines = [f"== structure: {title}", f"{'':<28} {'P':>6} {'R':>6} {'F1':>6}"]
    lines.append(scores.articles.row("articles (by headline)"))
    lines.append(scores.bylines.row("bylines (name+role)"))
    lines.append(scores.bylines_credit.row("bylines (+credit)"))
    for f, prf in scores.fields.items():
        lines.append(prf.row(f"article.{f}"))
    for f, prf in scores.masthead.items():
        lines.append(prf.row(f"issue.{f}"))
    problems = []
    for name, prf in [("articles", scores.articles), ("bylines", scores.bylines_credit),
                      *[(f"article.{f}", p) for f, p in scores.fields.items()],
                      *[(f"issue.{f}", p) for f, p in scores.masthead.items()]]:
        for where, key in prf.misses:
            problems.append(f"  miss  {name:<18} {where}: {key}")
        for where, key in prf.false_hits:
            problems.append(f"  false {name:<18} {where}: {key}")
    if problems:
        lines.append("-- misses and false hits")
        lines.extend(problems)
    return "\n".join(lines)

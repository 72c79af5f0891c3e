"""Scoring resolved entities and officials' posts against tests/gold/<set>/entities.json.

Entity merges are scored pairwise: two surface forms put in one entity where
the gold puts them in one cluster; officials by (issue, person, post).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .structure import PRF


def _label_class(label: str) -> str:
    """OFFICIAL and PERSON mentions of one person are one entity."""
    return "PERSON" if label in ("PERSON", "OFFICIAL") else label


def _pairs(clusters: list[set]) -> set:
    out = set()
    for members in clusters:
        items = sorted(members)
        out.update((a, b) for k, a in enumerate(items) for b in items[k + 1:])
    return out


@dataclass
class EntityScores:
    merges: PRF  # pairwise: two surface forms put in one entity
    split_clusters: list  # gold clusters spread over several predicted entities
    wrong_merges: list  # predicted entities joining several gold clusters
    posts: PRF  # (issue, person, post) of the officials table


def score_entities(gold_dir: Path, out_dir: Path) -> EntityScores | None:
    path = gold_dir / "entities.json"
    if not path.exists():
        return None
    gold = json.loads(path.read_text(encoding="utf-8"))
    entities = pd.read_parquet(out_dir / "entities.parquet")
    gold_clusters = [{(a, _label_class(c["label"])) for c in [c] for a in c["aliases"]} for c in gold["clusters"]]
    pred_clusters = [{(a, _label_class(row.label)) for a in row.aliases} for row in entities.itertuples()]
    common = set().union(*gold_clusters) & set().union(*pred_clusters) if gold_clusters and pred_clusters else set()
    gold_c = [c & common for c in gold_clusters]
    pred_c = [c & common for c in pred_clusters]
    gp, pp = _pairs(gold_c), _pairs(pred_c)
    merges = PRF(tp=len(gp & pp), fp=len(pp - gp), fn=len(gp - pp),
                 misses=[("merge", p) for p in sorted(gp - pp)], false_hits=[("merge", p) for p in sorted(pp - gp)])
    where = {m: k for k, c in enumerate(pred_c) for m in c}
    split = [sorted(c) for c in gold_c if len({where[m] for m in c}) > 1]
    gold_of = {m: k for k, c in enumerate(gold_c) for m in c}
    wrong = [sorted(c) for c in pred_c if len({gold_of[m] for m in c}) > 1]
    officials = pd.read_parquet(out_dir / "officials.parquet")
    articles = pd.read_parquet(out_dir / "articles.parquet")[["article_id", "issue_id"]]
    issues = pd.read_parquet(out_dir / "issues.parquet")[["issue_id", "source_file"]]
    joined = officials.merge(articles, on="article_id").merge(issues, on="issue_id")
    pred_posts = Counter((r.source_file, r.name, p) for r in joined.itertuples() for p in r.posts)
    gold_posts = Counter((o["source_file"], o["name"], p) for o in gold["officials"] for p in o["posts"])
    posts = PRF()
    posts.add(Counter(set(gold_posts)), Counter(set(pred_posts)), "posts")
    return EntityScores(merges, split, wrong, posts)


def render_entities(scores: EntityScores, title: str) -> str:
    lines = [f"== entities: {title}", f"{'':<28} {'P':>6} {'R':>6} {'F1':>6}",
             scores.merges.row("merges (pairwise)"), scores.posts.row("officials (person, post)"),
             f"gold entities split over several: {len(scores.split_clusters)}; entities merging several gold ones: {len(scores.wrong_merges)}"]
    for c in scores.split_clusters:
        lines.append(f"  split  {c}")
    for c in scores.wrong_merges:
        lines.append(f"  merged {c}")
    for _, key in scores.posts.misses:
        lines.append(f"  miss  post {key}")
    for _, key in scores.posts.false_hits:
        lines.append(f"  false post {key}")
    return "\n".join(lines)

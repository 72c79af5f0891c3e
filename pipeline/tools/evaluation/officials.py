"""Officials of the dev set: the officials table against the gold's `officials`.

The gold has one row per distinct (name, title) per article, `posts` being the
title split as ../shared/ANNOTATION.md settles it. Scored as sets per dev
article: (name, title as printed) and (name, post), P/R/F1 for all articles
and per part (A Hunan, B other provinces), with every miss and false hit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .devdata import PARTS, DevArticle
from .structure import PRF



@dataclass
class OfficialScores:
    title: dict = field(default_factory=lambda: {p: PRF() for p in PARTS})
    post: dict = field(default_factory=lambda: {p: PRF() for p in PARTS})


def score_officials(articles: list[DevArticle], predicted: dict[str, list[tuple[str, str, list[str]]]]) -> OfficialScores:
    """`predicted`: {dev id: [(name, title, posts)]} from the officials table."""
    s = OfficialScores()
    for a in articles:
        rows = predicted.get(a.id, [])
        gold_titles = Counter(set((o["name"], o["title"]) for o in a.officials))
        found_titles = Counter(set((name, title) for name, title, _ in rows))
        gold_posts = Counter(set((o["name"], p) for o in a.officials for p in o["posts"]))
        found_posts = Counter(set((name, p) for name, _, posts in rows for p in posts))
        for part in ("all", a.part):
            s.title[part].add(gold_titles, found_titles, a.id)
            s.post[part].add(gold_posts, found_posts, a.id)
    return s

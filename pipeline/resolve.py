"""Stage `resolve`: mentions across all issues of a run -> entities and officials.

Deterministic and order-free: rows are built from sorted inputs, ids are
derived from label and canonical name only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import regex

from .records import Article, Issue, stable_id

_POST_SEPARATOR = regex.compile(r"[、,，]")


def entity_id(label: str, name: str) -> str:
    """Stable id of an entity: the same label and canonical name give the same id."""
    return f"{label}-{stable_id(label, name)}"


def canonical_name(label: str, text: str) -> str:
    """The canonical form of a surface form (issue 4 extends this)."""
    return text


def split_posts(title: str) -> list[str]:
    """市委常委、市委秘书长、市纪委监委主任 -> its posts."""
    return [p for p in _POST_SEPARATOR.split(title) if p]


@dataclass
class Resolved:
    mentions: list[dict]
    entities: list[dict]
    officials: list[dict]


def resolve(issues: list[Issue]) -> Resolved:
    """Mention rows with entity ids, entity rows and official rows for a whole run."""
    mention_rows: list[dict] = []
    by_entity: dict[str, dict] = {}
    articles_of: dict[str, set[str]] = defaultdict(set)
    dates_of: dict[str, list[dt.date]] = defaultdict(list)
    officials: dict[tuple[str, str, str], dict] = {}
    for issue in sorted(issues, key=lambda i: i.source.source_file):
        for article in issue.articles:
            for m in article.mentions:
                name = canonical_name(m.label, m.text)
                eid = entity_id(m.label, name)
                entity = by_entity.setdefault(eid, dict(entity_id=eid, label=m.label, name=name, aliases=set(), n_mentions=0))
                entity["aliases"].add(m.text)
                entity["n_mentions"] += 1
                articles_of[eid].add(article.article_id)
                if issue.issue_date:
                    dates_of[eid].append(issue.issue_date)
                mention_rows.append(dict(
                    mention_id=f"{article.article_id}-{m.start}", article_id=article.article_id,
                    issue_id=article.issue_id, entity_id=eid, label=m.label, text=m.text,
                    start=m.start, end=m.end, title=m.title,
                ))
                if m.label == "OFFICIAL" and m.title:
                    key = (eid, m.title, article.article_id)
                    officials.setdefault(key, dict(
                        entity_id=eid, name=name, title=m.title, posts=split_posts(m.title),
                        article_id=article.article_id, issue_date=issue.issue_date,
                    ))
    entity_rows = []
    for eid in sorted(by_entity):
        e = by_entity[eid]
        dates = dates_of.get(eid)
        entity_rows.append(dict(
            e, aliases=sorted(e["aliases"]), n_articles=len(articles_of[eid]),
            first_date=min(dates) if dates else None, last_date=max(dates) if dates else None,
        ))
    official_rows = [officials[k] for k in sorted(officials, key=lambda k: (k[2], k[0], k[1]))]
    return Resolved(mention_rows, entity_rows, official_rows)

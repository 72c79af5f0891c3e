"""Stage `resolve`: mentions across all issues of a run -> entities and officials.

Deterministic and order-free: every decision depends on the set of mentions,
never on the order files were processed; rows are sorted; ids are derived
from label and canonical name only.

- Persons: the same full name in one city paper is one entity (OFFICIAL if it
  is an OFFICIAL anywhere, else PERSON) unless the evidence disagrees: two
  different county-level jurisdictions in the title chains on the same date
  split it. An OCR slip that glues the last character of a title onto a name
  (部长 + 长江小忠) resolves to the clean name (江小忠) when that name is seen.
- Places: short and full forms resolve to one gazetteer entry with its
  administrative code, parent and coordinates, preferring the paper's own
  prefecture and province; an ambiguous name (新塘社区 exists in many towns)
  is resolved by the places around it in the article, or left unresolved.
- Organizations: the paper's short forms of its city's bodies are expanded by
  the table in rules/resolve.toml; `市X` and `株洲市X` are one when both are
  seen; other forms stay as printed (quotes removed). A place is never merged
  with an organization (the label is part of the key).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex

from .records import Issue, Mention, stable_id
from .rules import DEFAULT_RULES_DIR

_POST_SEPARATOR = regex.compile(r"[、,，]")
_QUOTES = "“”‘’\"'《》〈〉「」『』"
PERSON_LABELS = ("PERSON", "OFFICIAL")


# -- rules ---------------------------------------------------------------

@dataclass(frozen=True)
class ResolveRules:
    city: str
    city_short: str
    province: str
    province_short: str
    province_code: str
    prefecture_code: str
    org_expansions: tuple[tuple[str, str], ...]  # (short form, full name)
    org_types: tuple[tuple[str, str], ...]  # (keyword, type), longest keyword first
    positions: tuple[str, ...]  # post position words, longest first

    def expansion(self, key: str) -> str | None:
        full = dict(self.org_expansions).get(key)
        return full.format(city=self.city, province=self.province) if full else None


@lru_cache(maxsize=4)
def load_resolve_rules(rules_dir: Path = DEFAULT_RULES_DIR) -> ResolveRules:
    data = tomllib.loads((Path(rules_dir) / "resolve.toml").read_text(encoding="utf-8"))
    people = tomllib.loads((Path(rules_dir) / "ner" / "people.toml").read_text(encoding="utf-8"))
    home = data["home"]
    positions = set(data["posts"]["extra_positions"])
    for key in ("official_posts", "leader_posts", "staff_posts"):
        positions.update(people.get(key, []))
    types = [(kw, kind) for kind, kws in data["org_types"].items() for kw in kws]
    return ResolveRules(
        city=home["city"], city_short=home["city_short"], province=home["province"],
        province_short=home["province_short"], province_code=home["province_code"],
        prefecture_code=home["prefecture_code"],
        org_expansions=tuple(data["org_expansions"].items()),
        org_types=tuple(sorted(types, key=lambda t: -len(t[0]))),
        positions=tuple(sorted(positions, key=len, reverse=True)),
    )


# -- the gazetteer ---------------------------------------------------------

@dataclass(frozen=True)
class Place:
    name: str  # full name as listed
    level: int  # 0 province, 1 prefecture, 2 county, 3 township, 4 village/community, 9 country, 10 foreign city
    code: str  # 6-digit code of the place or of its nearest coded ancestor ("" when none)
    parent: str | None = None
    longitude: float | None = None
    latitude: float | None = None


class PlaceIndex:
    """Every place name (full and short forms) -> the gazetteer entries it can mean."""

    def __init__(self, rows: list[tuple[str, int, str, str, str | None]], coordinates: dict[str, tuple[float, float]] | None = None):
        coordinates = coordinates or {}
        full: dict[tuple[str, int], str] = {}
        for name, level, form, code, _ in rows:
            if form == "full" and level <= 2 and code:
                full.setdefault((code, level), name)
        self._by_name: dict[str, list[Place]] = defaultdict(list)
        seen = set()
        for name, level, form, code, parent in rows:
            full_name = name if form == "full" else full.get((code, level), name if level > 2 else None)
            if full_name is None:
                continue
            if level <= 2 and parent is None and code:
                parent = self._parent_of(code, level, full)
            lon_lat = coordinates.get(code) if level <= 2 and full_name == full.get((code, level)) else None
            place = Place(full_name, level, code, parent, *(lon_lat or (None, None)))
            if (name, place) in seen:
                continue
            seen.add((name, place))
            self._by_name[name].append(place)

    @staticmethod
    def _parent_of(code: str, level: int, full: dict[tuple[str, int], str]) -> str | None:
        if level == 2:
            return full.get((code[:4] + "00", 1)) or full.get((code[:2] + "0000", 0))
        if level == 1:
            return full.get((code[:2] + "0000", 0))
        return None

    def candidates(self, name: str) -> list[Place]:
        return self._by_name.get(name, [])

    @classmethod
    def from_files(cls, places_tsv: Path, adcodes_csv: Path | None = None) -> PlaceIndex:
        """places.tsv (name, level, form, code[, parent]) from pipeline.gazetteer; adcodes.csv from cpca."""
        rows = []
        with open(places_tsv, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 4:
                    continue
                parent = parts[4] if len(parts) > 4 and parts[4] else None
                rows.append((parts[0], int(parts[1]), parts[2], parts[3], parent))
        coordinates = {}
        if adcodes_csv is not None and Path(adcodes_csv).exists():
            with open(adcodes_csv, encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    if row.get("longitude") and row.get("latitude"):
                        coordinates[row["adcode"][:6]] = (float(row["longitude"]), float(row["latitude"]))
        return cls(rows, coordinates)


# -- canonical forms -------------------------------------------------------

def entity_id(label: str, name: str, qualifier: str = "") -> str:
    """Stable id: the same label, canonical name (and qualifier) give the same id."""
    return f"{label}-{stable_id(label, name, qualifier)}"


def strip_quotes(text: str) -> str:
    """“株洲政法” -> 株洲政法 (quotes inside a longer name stay)."""
    while len(text) > 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1]
    return text


def org_key(text: str, rules: ResolveRules) -> str:
    """The paper's short form of an organization name (中共株洲市委 -> 市委)."""
    text = strip_quotes(text)
    if text.startswith("中共") and len(text) > 3:
        text = text[2:]
    for prefix, short in ((rules.city, "市"), (rules.city_short + "市", "市"), (rules.province, "省")):
        if text.startswith(prefix) and len(text) > len(prefix):
            return short + text[len(prefix):]
    return text


def org_type(name: str, rules: ResolveRules) -> str | None:
    """The type whose keyword ends nearest the end of the name."""
    best: tuple[int, int, str] | None = None
    for keyword, kind in rules.org_types:
        at = name.rfind(keyword)
        if at >= 0:
            key = (at + len(keyword), len(keyword), kind)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def split_posts(title: str) -> list[str]:
    """市委常委、市委秘书长、市纪委监委主任 -> its posts."""
    return [p for p in _POST_SEPARATOR.split(title) if p]


def parse_post(post: str, rules: ResolveRules) -> dict:
    """市委副书记 -> organization 市委, position 副书记 (position alone when no organization)."""
    for position in rules.positions:
        if post.endswith(position):
            organization = post[: -len(position)] or None
            return dict(post=post, organization=organization, position=position)
    return dict(post=post, organization=None, position=post)


# -- resolution --------------------------------------------------------------

@dataclass
class Resolved:
    mentions: list[dict]
    entities: list[dict]
    officials: list[dict]


@dataclass
class _Entity:
    entity_id: str
    label: str
    name: str
    aliases: set = field(default_factory=set)
    n_mentions: int = 0
    articles: set = field(default_factory=set)
    dates: list = field(default_factory=list)
    place: Place | None = None
    org_type: str | None = None


@dataclass(frozen=True)
class _Found:
    """One mention with where it was found."""

    issue: Issue
    article_id: str
    mention: Mention


def resolve(issues: list[Issue], rules: ResolveRules | None = None, places: PlaceIndex | None = None) -> Resolved:
    """Mention rows with entity ids, entity rows and official rows for a whole run."""
    rules = rules or load_resolve_rules()
    found = [
        _Found(issue, article.article_id, m)
        for issue in sorted(issues, key=lambda i: i.source.source_file)
        for article in issue.articles
        for m in article.mentions
    ]
    person_keys = _resolve_persons(found, rules, places)
    place_keys = _resolve_places(found, rules, places)
    org_keys = _resolve_orgs(found, rules)
    entities: dict[str, _Entity] = {}
    mention_rows = []
    officials: dict[tuple[str, str, str], dict] = {}
    for f in found:
        m = f.mention
        if m.label in PERSON_LABELS:
            name, qualifier, label = person_keys[id(f)]
            eid = entity_id("PERSON", name, qualifier)
        elif m.label == "PLACE":
            name, place = place_keys[id(f)]
            label, eid = "PLACE", entity_id("PLACE", name, place.code if place else "")
        else:
            name = org_keys[m.text]
            label, eid = "ORG", entity_id("ORG", name)
        e = entities.get(eid)
        if e is None:
            e = entities[eid] = _Entity(eid, label, name)
            if m.label == "PLACE":
                e.place = place_keys[id(f)][1]
            if m.label == "ORG":  # the short form says it best: 市委 (party), not …委员会
                e.org_type = org_type(org_key(m.text, rules), rules) or org_type(name, rules)
        e.aliases.add(m.text)
        e.n_mentions += 1
        e.articles.add(f.article_id)
        if f.issue.issue_date:
            e.dates.append(f.issue.issue_date)
        mention_rows.append(dict(
            mention_id=f"{f.article_id}-{m.start}", article_id=f.article_id, issue_id=f.issue.issue_id,
            entity_id=eid, label=m.label, text=m.text, start=m.start, end=m.end, title=m.title,
        ))
        if m.label == "OFFICIAL" and m.title:
            officials.setdefault((eid, m.title, f.article_id), dict(
                entity_id=eid, name=name, title=m.title, posts=split_posts(m.title),
                post_parts=[parse_post(p, rules) for p in split_posts(m.title)],
                article_id=f.article_id, issue_date=f.issue.issue_date,
            ))
    entity_rows = []
    for eid in sorted(entities):
        e = entities[eid]
        p = e.place
        entity_rows.append(dict(
            entity_id=eid, label=e.label, name=e.name, aliases=sorted(e.aliases), n_mentions=e.n_mentions,
            n_articles=len(e.articles), first_date=min(e.dates) if e.dates else None,
            last_date=max(e.dates) if e.dates else None,
            code=p.code if p and p.code else None, parent=p.parent if p else None,
            longitude=p.longitude if p else None, latitude=p.latitude if p else None,
            place_level=p.level if p else None, org_type=e.org_type,
        ))
    official_rows = [officials[k] for k in sorted(officials, key=lambda k: (k[2], k[0], k[1]))]
    return Resolved(mention_rows, entity_rows, official_rows)


def _resolve_persons(found: list[_Found], rules: ResolveRules, places: PlaceIndex | None) -> dict[int, tuple[str, str, str]]:
    """id(found) -> (canonical name, qualifier, entity label) for person mentions."""
    persons = [f for f in found if f.mention.label in PERSON_LABELS]
    known = {f.mention.text for f in persons}

    def clean(f: _Found) -> str:
        text, title = f.mention.text, f.mention.title or ""
        # 部长 + 长江小忠: the title's last character printed twice.
        if title and len(text) >= 3 and text[0] == title[-1] and text[1:] in known:
            return text[1:]
        return text

    names = {id(f): clean(f) for f in persons}
    jurisdiction = {id(f): _jurisdiction(f.mention.title, rules, places) for f in persons}
    # Evidence that one name is two people: different counties on the same date.
    seen: dict[tuple[str, dt.date | None], set[str]] = defaultdict(set)
    for f in persons:
        if jurisdiction[id(f)]:
            seen[(names[id(f)], f.issue.issue_date)].add(jurisdiction[id(f)])
    split = {name for (name, _), places_ in seen.items() if len(places_) > 1}
    official = {names[id(f)] for f in persons if f.mention.label == "OFFICIAL"}
    out = {}
    for f in persons:
        name = names[id(f)]
        qualifier = jurisdiction[id(f)] if name in split else ""
        out[id(f)] = (name, qualifier or "", "OFFICIAL" if name in official else "PERSON")
    return out


def _jurisdiction(title: str | None, rules: ResolveRules, places: PlaceIndex | None) -> str:
    """The county-level place a title chain starts with (攸县纪委书记 -> 430223), or ''."""
    if not title or places is None:
        return ""
    for length in range(min(6, len(title)), 1, -1):
        cands = [p for p in places.candidates(title[:length]) if p.level == 2 and p.code.startswith(rules.prefecture_code)]
        if len(cands) == 1:
            return cands[0].code
    return ""


def _resolve_places(found: list[_Found], rules: ResolveRules, places: PlaceIndex | None) -> dict[int, tuple[str, Place | None]]:
    """id(found) -> (canonical name, gazetteer entry or None) for place mentions."""
    out: dict[int, tuple[str, Place | None]] = {}
    by_article: dict[str, list[_Found]] = defaultdict(list)
    for f in found:
        if f.mention.label == "PLACE":
            by_article[f.article_id].append(f)
    for article_id in sorted(by_article):
        group = by_article[article_id]
        choices = {id(f): _home_first(places.candidates(f.mention.text), rules) if places else [] for f in group}
        context = [c[0].code for c in choices.values() if len(c) == 1 and c[0].code]
        for f in group:
            cands = choices[id(f)]
            if len(cands) > 1:
                cands = _by_context(cands, context)
            if len(cands) == 1:
                out[id(f)] = (cands[0].name, cands[0])
            else:
                out[id(f)] = (f.mention.text, None)
    return out


def _home_first(cands: list[Place], rules: ResolveRules) -> list[Place]:
    """Keep the candidates in the home prefecture, else the home province, else all;
    then the highest level (a county's short form before a village of that name)."""
    for prefix in (rules.prefecture_code, rules.province_code):
        home = [c for c in cands if c.code.startswith(prefix)]
        if home:
            cands = home
            break
    if not cands:
        return cands
    top = min(c.level for c in cands)
    distinct = {c for c in cands if c.level == top}
    return sorted(distinct, key=lambda c: (c.code, c.name, c.parent or ""))


def _by_context(cands: list[Place], context: list[str]) -> list[Place]:
    """The candidates sharing the longest code prefix with the article's other places."""
    def shared(code: str) -> int:
        best = 0
        for other in context:
            n = 0
            while n < min(len(code), len(other)) and code[n] == other[n]:
                n += 1
            best = max(best, n)
        return best

    if not context:
        return cands
    scores = {c: shared(c.code) for c in cands}
    top = max(scores.values())
    if top < 4:  # not even the same prefecture: no evidence
        return cands
    return [c for c in cands if scores[c] == top]


def _resolve_orgs(found: list[_Found], rules: ResolveRules) -> dict[str, str]:
    """surface form -> canonical name for organization mentions."""
    texts = sorted({f.mention.text for f in found if f.mention.label == "ORG"})
    keys = {t: org_key(t, rules) for t in texts}
    printed_long = Counter(strip_quotes(t) for t in texts)
    out = {}
    for t in texts:
        key = keys[t]
        full = rules.expansion(key)
        if full is None and key[:1] in ("市", "省"):
            # 市商务局 and 株洲市商务局 both printed: one body of the home city/province.
            long_form = (rules.city if key[0] == "市" else rules.province) + key[1:]
            if long_form in printed_long and key != long_form:
                full = long_form
        out[t] = full or strip_quotes(t)
    return out


def official_timeline(officials, articles=None):
    """Each official's posts over time: one row per (name, post) with first and last date seen.

    `officials` is the officials table as a DataFrame (pipeline.load()["officials"]).
    """
    import pandas as pd

    rows = officials.explode("posts").rename(columns={"posts": "post"})
    grouped = rows.groupby(["entity_id", "name", "post"], dropna=False)
    out = grouped.agg(first_seen=("issue_date", "min"), last_seen=("issue_date", "max"),
                      n_articles=("article_id", "nunique")).reset_index()
    return out.sort_values(["name", "first_seen", "post"], na_position="last").reset_index(drop=True)

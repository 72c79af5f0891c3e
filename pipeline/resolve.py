"""Stage `resolve`: mentions across all issues of a run -> entities and officials.

Deterministic and order-free: every decision depends on the set of mentions,
never on the order files were processed; rows are sorted; ids are derived
from label and canonical name only.

- Persons: the same full name in one city paper is one entity (OFFICIAL if it
  is an OFFICIAL anywhere, else PERSON) unless the evidence disagrees: two
  different county-level jurisdictions in the title chains on the same date
  split it. An OCR slip that glues the last character of a title onto a name
  (部长 + 长江小忠) resolves to the clean name (江小忠) when that name is seen;
  a swapped given name with the same post (杨跃胜 … 杨胜跃) and a lost last
  character with a post of the same city (罗绍 … 罗绍昀) join that official.
- Places: short and full forms resolve to one gazetteer entry with its
  administrative code, parent and coordinates, preferring the paper's own
  prefecture and province; an ambiguous name (新塘社区 exists in many towns)
  is resolved by the places around it in the article, or left unresolved.
- Organizations: the paper's short forms of its city's bodies are expanded by
  the table in rules/resolve.toml; `市X` and `株洲市X` are one when both are
  seen; company short forms (神通光电, 神骅地产) and, inside one article,
  district short forms and variants (区交警 … 芦淞区交警支队) join the longer
  name; other forms stay as printed (quotes removed).
- A place or organization printed in brackets right after another is another
  name for it (石峰大桥(株洲湘江二桥)), wherever either is printed.
- A place is never merged with an organization (the label is part of the key).
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex

from .records import Issue, stable_id
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
    min_core: int = 4
    legal_forms: tuple[str, ...] = ()
    generic_cores: frozenset = frozenset()
    min_article_suffix: int = 4
    admin_suffixes: tuple[str, ...] = ()
    post_modifiers: tuple[str, ...] = ()  # 分管, 代理 …: part of the position
    place_heads: tuple[tuple[str, str], ...] = ()  # (printed head, canonical head): 火车站 -> 站
    place_generic_suffixes: tuple[str, ...] = ()  # 小区: 翡翠名园小区 … 金轮翡翠名园
    droppable_heads: tuple[str, ...] = ()  # 支队: 区交警 … 芦淞区交警支队
    variant_blockers: str = ""  # characters that tell bodies apart (第一, 第二 …)
    shared_posts: frozenset = frozenset()  # posts many hold at once (民警): no evidence of identity

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
        min_core=data["short_forms"]["min_core"],
        legal_forms=tuple(sorted(data["short_forms"]["legal_forms"], key=len, reverse=True)),
        generic_cores=frozenset(data["short_forms"]["generic_cores"]),
        min_article_suffix=data["short_forms"]["min_article_suffix"],
        admin_suffixes=tuple(sorted(data["short_forms"]["admin_suffixes"], key=len, reverse=True)),
        post_modifiers=tuple(sorted(people.get("post_modifiers", []), key=len, reverse=True)),
        place_heads=tuple(sorted(data["place_heads"].items(), key=lambda kv: -len(kv[0]))),
        place_generic_suffixes=tuple(data["short_forms"]["place_generic_suffixes"]),
        droppable_heads=tuple(sorted(data["short_forms"]["droppable_heads"], key=len, reverse=True)),
        variant_blockers=data["short_forms"]["variant_blockers"],
        shared_posts=frozenset(data["posts"]["shared_by_many"]),
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

    def __init__(self, rows: list[tuple], coordinates: dict[str, tuple[float, float]] | None = None):
        """rows: (name, level, form, code, parent[, full name of a short form])."""
        coordinates = coordinates or {}
        full: dict[tuple[str, int], str] = {}
        for name, level, form, code, *_ in rows:
            if form == "full" and level <= 2 and code:
                full.setdefault((code, level), name)
        self._by_name: dict[str, list[Place]] = defaultdict(list)
        seen = set()
        for name, level, form, code, parent, *own in rows:
            full_name = name if form == "full" else (own[0] if own and own[0] else full.get((code, level)))
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
    def from_files(cls, places_tsv: Path, adcodes_csv: Path | None = None, local_code: str = "") -> PlaceIndex:
        """hierarchy.tsv (name, level, form, code[, parent, full name]) from pipeline.gazetteer; adcodes.csv from cpca.

        Towns and villages are kept only where their code starts with
        `local_code` (the paper's province): elsewhere they are read rarely and
        are most of the 745,000 rows (loading all takes ~10 s, the local ones 0.5 s).
        """
        rows = []
        with open(places_tsv, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 4 or (int(parts[1]) in (3, 4) and not parts[3].startswith(local_code)):
                    continue
                parent = parts[4] if len(parts) > 4 and parts[4] else None
                own = parts[5] if len(parts) > 5 and parts[5] else None
                rows.append((parts[0], int(parts[1]), parts[2], parts[3], parent, own))
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


def org_key(text: str, rules: ResolveRules, places: PlaceIndex | None = None) -> str:
    """The paper's short form of an organization name (中共株洲市委 -> 市委;
    致公党株洲市芦淞区工委 -> 致公党芦淞区工委: the city before one of its
    districts or counties adds nothing)."""
    text = strip_quotes(text)
    if text.startswith("中共") and len(text) > 3:
        text = text[2:]
    text = _drop_city_before_county(text, rules, places)
    for prefix, short in ((rules.city, "市"), (rules.city_short, "市"), (rules.province, "省")):
        if text.startswith(prefix) and len(text) > len(prefix):
            return short + text[len(prefix):]
    return text


def _drop_city_before_county(text: str, rules: ResolveRules, places: PlaceIndex | None) -> str:
    at = text.find(rules.city)
    if at < 0:
        return text
    rest = text[at + len(rules.city) :]
    return text[:at] + rest if _jurisdiction(rest, rules, places) else text


def normalize_place(text: str, rules: ResolveRules) -> str:
    """The name a place goes by: 株洲火车站 -> 株洲站 (rules/resolve.toml [place_heads])."""
    for printed, canonical in rules.place_heads:
        if text.endswith(printed) and len(text) > len(printed):
            return text[: -len(printed)] + canonical
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


def short_core(name: str, rules: ResolveRules, places: PlaceIndex | None) -> str:
    """What a paper prints for a long name: place prefix and legal form removed.

    湖南神通光电科技有限责任公司 -> 神通光电; 株洲市衡阳商会 -> 衡阳商会.
    """
    core = strip_quotes(name)
    changed = True
    while changed:
        changed = False
        for form in rules.legal_forms:
            if core.endswith(form) and len(core) - len(form) >= rules.min_core:
                core, changed = core[: -len(form)], True
                break
    for length in range(min(6, len(core) - rules.min_core), 1, -1):
        prefix = core[:length]
        if _is_place_name(prefix, rules, places):
            return core[length:]
    return core


def _is_place_name(text: str, rules: ResolveRules, places: PlaceIndex | None) -> bool:
    """A place of the paper's own province: the prefix a local name drops.

    (广州市湖南商会 keeps its 广州市: it tells which 湖南商会 it is.)
    """
    home = {rules.city, rules.city_short, rules.province, rules.province_short}
    if text in home:
        return True
    return places is not None and any(p.level <= 2 and p.code.startswith(rules.province_code)
                                      for p in places.candidates(text))


def run_short_forms(texts: set[str], rules: ResolveRules, places: PlaceIndex | None) -> dict[str, str]:
    """short printed form -> the one longer printed form it stands for (unambiguous only).

    The short form is the longer one's core (湖南神通光电科技有限责任公司 ->
    神通光电), or the core with its trade word shortened: same first two
    characters (the 字号), same last character, the rest in order
    (湖南神骅房地产有限公司 -> 神骅地产).
    """
    plain = {strip_quotes(t): t for t in texts}
    by_brand: dict[str, list[str]] = defaultdict(list)
    for p in plain:
        if len(p) >= rules.min_core:
            by_brand[p[:2]].append(p)
    longer: dict[str, set[str]] = defaultdict(set)
    for text in sorted(texts):
        core = short_core(text, rules, places)
        if core == strip_quotes(text) or len(core) < rules.min_core or core in rules.generic_cores:
            continue
        if core in plain:
            longer[plain[core]].add(text)
        for short in by_brand.get(core[:2], []):
            if short != core and len(short) < len(core) and short[-1] == core[-1] and _in_order(short[2:], core[2:]):
                longer[plain[short]].add(text)
    return {short: next(iter(found)) for short, found in longer.items() if len(found) == 1}


def _in_order(short: str, long: str) -> bool:
    """Every character of `short` appears in `long`, in the same order."""
    chars = iter(long)
    return all(ch in chars for ch in short)


def article_short_forms(texts: set[str], rules: ResolveRules, label: str) -> dict[str, str]:
    """Inside one article: short form -> the longer form printed there that it stands for.

    ORG: the longer one ends with it (市中心血站攸县采血点 … 攸县采血点), also
    after a unit word (区交警 … 芦淞区交警支队); or both name one jurisdiction's
    body with the same head word and a shorter middle (芦淞区疫情防疫指挥部 …
    芦淞区新冠肺炎疫情防控指挥部).
    PLACE: the longer one is it plus an administrative suffix (月塘街道 … 月塘),
    or it is the longer one's end plus a generic suffix (翡翠名园小区 … 金轮翡翠名园).
    """
    out = {}
    for short in texts:
        if label == "ORG":
            found = _org_longer_forms(short, texts, rules)
        else:
            found = {short + suffix for suffix in rules.admin_suffixes} & texts
            core = _strip_suffix(short, rules.place_generic_suffixes)
            if not found and len(core) >= rules.min_article_suffix:
                found = {t for t in texts if t != short and len(t) > len(core) and t.endswith(core)}
        if len(found) == 1:
            out[short] = next(iter(found))
    return out


def _strip_suffix(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _org_longer_forms(short: str, texts: set[str], rules: ResolveRules) -> set[str]:
    level_short = short[0] in _LEVEL_CHARS  # 区…, 县…: the district's own name dropped
    # (三字 forms only below the city: in a city paper 市政府 is the city's own)
    if len(short) >= rules.min_article_suffix or (short[0] in "区县镇乡" and len(short) >= 3):
        # 芦淞区网格化管理服务中心 … 区网格化管理服务中心: the district dropped;
        # but 广州市湖南商会 … 湖南商会: a place before a name tells which one it is.
        found = set()
        for t in texts:
            if t == short:
                continue
            stem = t
            if level_short and not t.endswith(short):
                stem = _strip_suffix(t, rules.droppable_heads)  # 芦淞区交警支队 -> 芦淞区交警
            if len(stem) > len(short) and stem.endswith(short) and (
                    level_short or not _names_a_place(stem[: -len(short)], rules)):
                found.add(t)
        if found:
            return found
    return {t for t in texts if len(t) > len(short) and _same_body_variant(short, t, rules)}


def _same_body_variant(short: str, long: str, rules: ResolveRules) -> bool:
    """芦淞区疫情防疫指挥部 / 芦淞区新冠肺炎疫情防控指挥部: same jurisdiction
    (the common start, up to a level character), same head word, and every
    character of the shorter middle in the longer one."""
    common = 0
    while common < len(short) and short[common] == long[common]:
        common += 1
    cut = max(short.rfind(ch, 0, common) for ch in _LEVEL_CHARS)
    if cut < 0:
        return False
    # the organization-type keywords are the head words, longest first
    head = next((kw for kw, _ in rules.org_types if short.endswith(kw) and long.endswith(kw)), None)
    if head is None:
        return False
    middle_short, middle_long = short[cut + 1 : -len(head)], long[cut + 1 : -len(head)]
    return (len(middle_short) >= 2 and set(middle_short) <= set(middle_long)
            and not any(ch in rules.variant_blockers for ch in middle_short + middle_long))


_LEVEL_CHARS = "省市区县镇乡村"


def _names_a_place(text: str, rules: ResolveRules) -> bool:
    """Ends like a place name (广州市, 芦淞区, 湖南省) or is one of the home names."""
    return text in (rules.city, rules.city_short, rules.province, rules.province_short) or (
        len(text) >= 2 and text[-1] in _LEVEL_CHARS)


def split_posts(title: str) -> list[str]:
    """市委常委、市委秘书长、市纪委监委主任 -> its posts."""
    return [p for p in _POST_SEPARATOR.split(title) if p]


def parse_post(post: str, rules: ResolveRules) -> dict:
    """市委副书记 -> organization 市委, position 副书记 (position alone when no organization)."""
    for position in rules.positions:
        if post.endswith(position):
            organization = post[: -len(position)]
            for modifier in rules.post_modifiers:  # 分管副区长: no organization, position 分管副区长
                if organization.endswith(modifier):
                    organization, position = organization[: -len(modifier)], modifier + position
                    break
            return dict(post=post, organization=organization or None, position=position)
    return dict(post=post, organization=None, position=post)


# -- resolution --------------------------------------------------------------

@dataclass(frozen=True)
class MentionRecord:
    """What resolution needs to know of one mention (a row of the raw mentions)."""

    issue_id: str
    article_id: str
    issue_date: dt.date | None
    start: int
    end: int
    text: str
    label: str
    title: str | None = None
    alias_of: int | None = None  # start of the mention this one renames (石峰大桥(株洲湘江二桥))
    # offsets in the decoded source file (None for records built without one, as in tests)
    raw_start: int | None = None
    raw_end: int | None = None


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
    n_articles: int = 0
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    place: Place | None = None
    org_type: str | None = None


class Resolver:
    """Two passes over a run's mentions, in bounded memory.

    `observe` every mention first (only distinct surface forms are kept), then
    `assign` the mentions issue by issue: each call returns the mention rows
    with their entity ids and updates the entity and official tables, which
    `entities()` and `officials()` return at the end.
    """

    def __init__(self, rules: ResolveRules | None = None, places: PlaceIndex | None = None):
        self.rules = rules or load_resolve_rules()
        self.places = places
        self._person_forms: set[tuple[str, str | None, dt.date | None, str]] = set()
        self._person_counts: Counter = Counter()
        self._org_texts: set[str] = set()
        self._place_texts: set[str] = set()
        self._bracketed: set[tuple[str, str, str]] = set()  # (label, name, the name in brackets after it)
        self._ready = False
        self._entities: dict[str, _Entity] = {}
        self._officials: dict[tuple[str, str, str], dict] = {}

    # pass 1
    def observe(self, records) -> None:
        """Pass 1 over the records of whole articles."""
        records = list(records)
        at = {(r.article_id, r.start): r for r in records}
        for r in records:
            if r.alias_of is not None and (r.article_id, r.alias_of) in at:
                self._bracketed.add((r.label, at[(r.article_id, r.alias_of)].text, r.text))
            if r.label in PERSON_LABELS:
                self._person_forms.add((r.text, r.title, r.issue_date, r.label))
                self._person_counts[r.text] += 1
            elif r.label == "ORG":
                self._org_texts.add(r.text)
            elif r.label == "PLACE":
                self._place_texts.add(r.text)

    def _prepare(self) -> None:
        known = {text for text, _, _, _ in self._person_forms}
        self._clean = {}
        for text, title, _, _ in self._person_forms:
            # 部长 + 长江小忠: the title's last character printed twice.
            if title and len(text) >= 3 and text[0] == title[-1] and text[1:] in known:
                self._clean[(text, title)] = text[1:]
        self._renamed = person_variants(self._person_forms, self._clean, self._person_counts, self.rules, self.places)
        seen: dict[tuple[str, dt.date | None], set[str]] = defaultdict(set)
        self._official_names = set()
        for text, title, date, label in self._person_forms:
            name = self._person_name(text, title)
            place = _jurisdiction(title, self.rules, self.places)
            if place:
                seen[(name, date)].add(place)
            if label == "OFFICIAL":
                self._official_names.add(name)
        self._split = {name for (name, _), found in seen.items() if len(found) > 1}
        self._org_names = _resolve_orgs(sorted(self._org_texts), self.rules, self.places)
        for short, long_form in run_short_forms(self._org_texts, self.rules, self.places).items():
            self._org_names[short] = self._org_names[long_form]
        self._place_aliases = run_short_forms(self._place_texts, self.rules, self.places)
        # X(Y): Y is another name of X, wherever either is printed
        renamed_orgs: dict[str, str] = {}
        for label, name, alias in sorted(self._bracketed):
            if label == "ORG" and self._org_names[alias] != self._org_names[name]:
                renamed_orgs.setdefault(self._org_names[alias], self._org_names[name])
            elif label == "PLACE" and not (self.places and self.places.candidates(normalize_place(alias, self.rules))):
                self._place_aliases.setdefault(alias, name)
        for text, canonical in self._org_names.items():
            self._org_names[text] = _follow(renamed_orgs, canonical)
        self._ready = True

    def _person_name(self, text: str, title: str | None) -> str:
        name = self._clean.get((text, title), text)
        return self._renamed.get(name, name)

    # pass 2
    def assign(self, records) -> list[dict]:
        """Mention rows (with entity_id) for the mentions of one or more whole articles."""
        if not self._ready:
            self._prepare()
        by_article: dict[str, list[MentionRecord]] = defaultdict(list)
        for r in records:
            by_article[r.article_id].append(r)
        rows = []
        for article_id in sorted(by_article):
            group = sorted(by_article[article_id], key=lambda r: r.start)
            places = _resolve_places(group, self.rules, self.places, self._place_aliases)
            org_local = article_short_forms({r.text for r in group if r.label == "ORG"}, self.rules, "ORG")
            in_article: set[str] = set()
            for r in group:
                eid = self._assign_one(r, places, org_local)
                e = self._entities[eid]
                e.aliases.add(r.text)
                e.n_mentions += 1
                if eid not in in_article:
                    in_article.add(eid)
                    e.n_articles += 1
                if r.issue_date:
                    e.first_date = min(e.first_date or r.issue_date, r.issue_date)
                    e.last_date = max(e.last_date or r.issue_date, r.issue_date)
                rows.append(dict(
                    mention_id=f"{r.article_id}-{r.start}", article_id=r.article_id, issue_id=r.issue_id,
                    entity_id=eid, label=r.label, text=r.text, start=r.start, end=r.end, title=r.title,
                    raw_start=r.raw_start, raw_end=r.raw_end,
                ))
                if r.label == "OFFICIAL" and r.title:
                    posts = split_posts(r.title)
                    self._officials.setdefault((eid, r.title, r.article_id), dict(
                        entity_id=eid, name=e.name, title=r.title, posts=posts,
                        post_parts=[parse_post(p, self.rules) for p in posts],
                        article_id=r.article_id, issue_date=r.issue_date,
                    ))
        return rows

    def _assign_one(self, r: MentionRecord, places: dict[int, tuple[str, Place | None]], org_local: dict[str, str]) -> str:
        if r.label in PERSON_LABELS:
            name = self._person_name(r.text, r.title)
            qualifier = _jurisdiction(r.title, self.rules, self.places) if name in self._split else ""
            eid = entity_id("PERSON", name, qualifier)
            label = "OFFICIAL" if name in self._official_names else "PERSON"
            self._entities.setdefault(eid, _Entity(eid, label, name))
        elif r.label == "PLACE":
            name, place = places[r.start]
            eid = entity_id("PLACE", name, place.code if place else "")
            self._entities.setdefault(eid, _Entity(eid, "PLACE", name, place=place))
        else:
            name = self._org_names[org_local.get(r.text, r.text)]
            eid = entity_id("ORG", name)
            if eid not in self._entities:
                # the short form says it best: 市委 (party), not …委员会
                kind = org_type(org_key(r.text, self.rules, self.places), self.rules) or org_type(name, self.rules)
                self._entities[eid] = _Entity(eid, "ORG", name, org_type=kind)
        return eid

    def entities(self) -> list[dict]:
        rows = []
        for eid in sorted(self._entities):
            e = self._entities[eid]
            p = e.place
            rows.append(dict(
                entity_id=eid, label=e.label, name=e.name, aliases=sorted(e.aliases), n_mentions=e.n_mentions,
                n_articles=e.n_articles, first_date=e.first_date, last_date=e.last_date,
                code=p.code if p and p.code else None, parent=p.parent if p else None,
                longitude=p.longitude if p else None, latitude=p.latitude if p else None,
                place_level=p.level if p else None, org_type=e.org_type,
            ))
        return rows

    def officials(self) -> list[dict]:
        return [self._officials[k] for k in sorted(self._officials, key=lambda k: (k[2], k[0], k[1]))]


def mention_records(issue: Issue) -> list[MentionRecord]:
    """The mentions of an issue's articles as records for the `Resolver`,
    with their offsets in the decoded source file (from `Article.body_offsets`)."""
    records = []
    for a in issue.articles:
        mapped = len(a.body_offsets) == len(a.body)
        for m in a.mentions:
            inside = mapped and 0 <= m.start < m.end <= len(a.body)
            raw = (a.body_offsets[m.start], a.body_offsets[m.end - 1] + 1) if inside else (None, None)
            records.append(MentionRecord(issue.issue_id, a.article_id, issue.issue_date, m.start, m.end, m.text, m.label,
                                         m.title, m.alias_of, *raw))
    return records


def resolve(issues: list[Issue], rules: ResolveRules | None = None, places: PlaceIndex | None = None) -> Resolved:
    """Resolve the mentions of issues held in memory (both passes at once)."""
    resolver = Resolver(rules, places)
    ordered = sorted(issues, key=lambda i: i.source.source_file)
    for issue in ordered:
        resolver.observe(mention_records(issue))
    rows = [row for issue in ordered for row in resolver.assign(mention_records(issue))]
    return Resolved(rows, resolver.entities(), resolver.officials())


def person_variants(forms, clean: dict, counts: Counter, rules: ResolveRules,
                    places: PlaceIndex | None) -> dict[str, str]:
    """Printed person names that are slips for another official's name -> that name.

    Two slips are common in print and OCR, and both need the posts to agree,
    so that two real people are never made one:
    - two characters of the given name swapped (杨跃胜 for 杨胜跃): the two
      forms hold the same post, one not held by many at once (副市长, not
      民警: rules/resolve.toml [posts] shared_by_many); the name printed more often wins, then the
      one printed last, then the first in sort order (the text cannot tell);
    - the last character lost (罗绍 for 罗绍昀): a two-character name is the
      start of exactly one three-character official's name, and both hold
      posts of the same jurisdiction (the city: 市委常委 and 副市长).
    `forms`: (text, title, date, label) as observed; `clean`: the OCR-slip names.
    """
    posts: dict[str, set[str]] = defaultdict(set)
    levels: dict[str, set[str]] = defaultdict(set)
    last: dict[str, dt.date] = {}
    officials = set()
    for text, title, date, label in forms:
        name = clean.get((text, title), text)
        if label == "OFFICIAL":
            officials.add(name)
        for post in split_posts(title or ""):
            posts[name].add(post)
            level = _post_level(post, rules, places)
            if level:
                levels[name].add(level)
        if date and (name not in last or date > last[name]):
            last[name] = date
    def rank(name: str):
        return (counts[name], last.get(name, dt.date.min), [-ord(c) for c in name])

    by_start: dict[str, list[str]] = defaultdict(list)  # 罗绍 -> [罗绍昀]
    for name in officials:
        if len(name) == 3:
            by_start[name[:2]].append(name)
    out: dict[str, str] = {}
    for name in sorted(officials):
        if len(name) == 3:
            swapped = name[0] + name[2] + name[1]
            if swapped != name and swapped in officials and (posts[name] & posts[swapped]) - rules.shared_posts:
                winner = max(name, swapped, key=rank)
                if winner != name:
                    out[name] = winner
        elif len(name) == 2:
            longer = by_start.get(name, [])
            if len(longer) == 1 and levels[name] & levels[longer[0]]:
                out[name] = longer[0]
    return out


def _post_level(post: str, rules: ResolveRules, places: PlaceIndex | None) -> str:
    """The jurisdiction a post belongs to, as a code: a county of the home
    prefecture (攸县纪委书记), the city itself (市委常委, 株洲市副市长, 副市长), or ''."""
    county = _jurisdiction(post, rules, places)
    if county:
        return county
    if post.startswith(("市", rules.city, rules.city_short)) or post.endswith("市长") and post[:-2] in ("", "副", "常务副"):
        return rules.prefecture_code
    return ""


def _jurisdiction(title: str | None, rules: ResolveRules, places: PlaceIndex | None) -> str:
    """The county-level place a title chain starts with (攸县纪委书记 -> 430223), or ''."""
    if not title or places is None:
        return ""
    for length in range(min(6, len(title)), 1, -1):
        cands = [p for p in places.candidates(title[:length]) if p.level == 2 and p.code.startswith(rules.prefecture_code)]
        if len(cands) == 1:
            return cands[0].code
    return ""


def _resolve_places(group: list[MentionRecord], rules: ResolveRules, places: PlaceIndex | None,
                    run_aliases: dict[str, str] | None = None) -> dict[int, tuple[str, Place | None]]:
    """start -> (canonical name, gazetteer entry or None) for the place mentions of one article.

    A name the gazetteer does not know takes the resolution of the longer form
    it stands for: printed in the same article with an administrative suffix
    (月塘 … 月塘街道), or anywhere in the run with a place before it
    (九郎山职业教育科创城 … 湖南九郎山职业教育科创城).
    """
    out: dict[int, tuple[str, Place | None]] = {}
    mentions = [r for r in group if r.label == "PLACE"]
    local = article_short_forms({r.text for r in mentions}, rules, "PLACE")
    run_aliases = run_aliases or {}

    def lookup(text: str) -> list[Place]:
        return _home_first(places.candidates(text), rules) if places else []

    names = {r.start: normalize_place(r.text, rules) for r in mentions}
    choices = {r.start: lookup(names[r.start]) for r in mentions}
    context = [c[0].code for c in choices.values() if len(c) == 1 and c[0].code]

    def settle(text: str, cands: list[Place]) -> tuple[str, Place | None]:
        if len(cands) > 1:
            cands = _by_context(cands, context)
        return (cands[0].name, cands[0]) if len(cands) == 1 else (text, None)

    for r in mentions:
        cands = choices[r.start]
        if not cands:
            longer = local.get(r.text) or run_aliases.get(r.text)
            if longer is not None:
                out[r.start] = settle(normalize_place(longer, rules), lookup(normalize_place(longer, rules)))
                continue
        out[r.start] = settle(names[r.start], cands)
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


def _resolve_orgs(texts: list[str], rules: ResolveRules, places: PlaceIndex | None = None) -> dict[str, str]:
    """surface form -> canonical name for organization mentions.

    Forms with the same short form (市商务局, 株洲市商务局; 市博物馆, 株洲博物馆)
    are one body: its name is the expansion in rules/resolve.toml, else the
    longest form printed.
    """
    keys = {t: org_key(t, rules, places) for t in texts}
    groups: dict[str, list[str]] = defaultdict(list)
    for t in texts:
        groups[keys[t]].append(strip_quotes(t))
    return {t: rules.expansion(keys[t]) or max(sorted(groups[keys[t]]), key=len) for t in texts}


def _follow(renamed: dict[str, str], name: str) -> str:
    """The end of a chain of renamings (a -> b -> c), stopping at a cycle."""
    seen = {name}
    while name in renamed and renamed[name] not in seen:
        name = renamed[name]
        seen.add(name)
    return name


def official_timeline(officials):
    """Each official's posts over time: one row per (name, post) with first and last date seen.

    `officials` is the officials table as a DataFrame (pipeline.load()["officials"]).
    """
    rows = officials.explode("posts").rename(columns={"posts": "post"})
    grouped = rows.groupby(["entity_id", "name", "post"], dropna=False)
    out = grouped.agg(first_seen=("issue_date", "min"), last_seen=("issue_date", "max"),
                      n_articles=("article_id", "nunique")).reset_index()
    return out.sort_values(["name", "first_seen", "post"], na_position="last").reset_index(drop=True)

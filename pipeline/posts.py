"""Officials' posts: title chains split into posts, each post parsed into an
organization and a position, and the `posts` table (who held which post when).

- `split_posts`: 市委常委、市委秘书长 -> [市委常委, 市委秘书长]; split at 、, at a
  comma and at a 兼 that joins two posts (队长兼第一书记); a part without a
  position word modifies the next one (市、县领导 and 镇党委宣传、统战委员 are one
  post each); honours, ranks and descriptions are no posts (they stay in the
  title): 省级劳动模范、高级工程师、县自来水公司经理 -> [县自来水公司经理].
- `parse_post`: 市委宣传部长 -> 市委宣传部 / 部长; 市总工会党组书记 -> 市总工会 /
  党组书记; 镇党委书记 -> 镇党委 / 书记; modifiers stay with the position
  (县监委 / 代理主任, 省委 / 原副书记).
- `parse_chain`: the posts of one chain, the organization carried along where
  the paper leaves it out (市总工会党组书记、副主席 -> 市总工会 / 副主席), never
  onto a position named by its territory (市委副书记、市长: 市长 has none).
- `posts_table`: the officials rows -> one row per (person, post) with the
  first and last date it was printed, for `views.post_holders`.

The rules are data: rules/posts.toml, and the post words of
rules/ner/people.toml and rules/resolve.toml [posts].
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .records import stable_id
from .rules import DEFAULT_RULES_DIR

_SEPARATORS = re.compile(r"([、,，])")
_QUOTES = "“”‘’\"'「」『』"
_LEVELS = "省市区县镇乡村州"


@dataclass(frozen=True)
class PostRules:
    endings: dict  # word -> True (a position) / False (an honour, rank or description), any length
    lengths: tuple[int, ...]  # the lengths of those words, longest first
    positions: tuple[str, ...]  # position words, longest first
    modifiers: tuple[str, ...]  # longest first
    not_a_join: tuple[str, ...]
    fused_departments: tuple[str, ...]
    fused_heads: str
    party_bodies: tuple[str, ...]
    committee_departments: frozenset
    committee_fields: tuple[str, ...]
    self_standing: frozenset
    former: tuple[str, ...]
    openers: re.Pattern  # the words before an organization that are no part of it
    member_of: tuple[tuple[str, str], ...]  # (position word, the body it begins with)


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted(set(w for w in words if w), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=4)
def load_post_rules(rules_dir: Path = DEFAULT_RULES_DIR) -> PostRules:
    rules_dir = Path(rules_dir)
    read = lambda path: tomllib.loads(path.read_text(encoding="utf-8"))  # noqa: E731
    posts = read(rules_dir / "posts.toml")
    people = read(rules_dir / "ner" / "people.toml")
    extra = read(rules_dir / "resolve.toml")["posts"]["extra_positions"]
    positions = set(extra)
    for key in ("official_posts", "leader_posts", "staff_posts", "nonstate_posts"):
        positions.update(people.get(key, []))
    not_posts = set(posts["not_posts"])
    for key in ("role_before", "professional_titles", "descriptions"):
        not_posts.update(people.get(key, []))
    # a word that is both (干部 is a post, 优秀干部 is not) counts by its longest form
    endings = {w: False for w in not_posts}
    endings.update({w: True for w in positions if w not in not_posts})
    return PostRules(
        endings=endings,
        lengths=tuple(sorted({len(w) for w in endings}, reverse=True)),
        positions=_longest_first(positions),
        modifiers=_longest_first(people.get("post_modifiers", [])),
        not_a_join=tuple(posts["not_a_join"]),
        fused_departments=_longest_first(posts["fused_departments"]),
        fused_heads=posts["fused_heads"],
        party_bodies=_longest_first(posts["party_bodies"]),
        committee_departments=frozenset(posts["committee_departments"]),
        committee_fields=_longest_first(people.get("committee_fields", [])),
        self_standing=frozenset(posts["self_standing"]),
        former=_longest_first(posts["former"]),
        openers=re.compile("^(?:" + "|".join(([people["ordinal_before"]] if people.get("ordinal_before") else [])
                                             + [re.escape(w) for w in _longest_first(people.get("chain_openers", []))]) + ")"),
        member_of=tuple(sorted(posts.get("member_of", {}).items(), key=lambda kv: -len(kv[0]))),
    )


def _unquoted(text: str) -> str:
    return "".join(ch for ch in text if ch not in _QUOTES)


def _ending(text: str, rules: PostRules) -> bool | None:
    """True if `text` ends with a position word, False if with an honour, rank
    or description, None if with neither (a modifier of what follows)."""
    core = _unquoted(text)
    for length in rules.lengths:
        if len(core) >= length and core[-length:] in rules.endings:
            return rules.endings[core[-length:]]
    return None


def _split_at_jian(piece: str, rules: PostRules) -> list[str]:
    """乡村振兴工作队队长兼第一书记 -> [乡村振兴工作队队长, 第一书记]; 兼职副主席 stays."""
    for k in range(1, len(piece) - 1):
        if piece[k] != "兼" or any(piece.startswith(w, k) for w in rules.not_a_join):
            continue
        left, right = piece[:k], piece[k + 1 :]
        if _ending(left, rules) and _ending(right, rules):
            return [left] + _split_at_jian(right, rules)
    return [piece]


def split_posts(title: str, rules: PostRules | None = None) -> list[str]:
    """The posts of a title chain, each as printed (ANNOTATION.md, "Officials'
    titles and posts")."""
    rules = rules or load_post_rules()
    parts: list[tuple[str, str]] = []  # (text, the separator printed before it)
    tokens = _SEPARATORS.split(title)
    sep = ""
    for k, token in enumerate(tokens):
        if k % 2:
            sep = token
            continue
        for j, piece in enumerate(_split_at_jian(token, rules)):
            if piece:
                parts.append((piece, sep if j == 0 else "兼"))
    posts: list[str] = []
    pending = ""
    for text, sep in parts:
        if pending:
            text = pending + sep + text
            pending = ""
        kind = _ending(text, rules)
        if kind is None:
            pending = text  # 市、县领导: the part modifies the next one
        elif kind:
            posts.append(text)
    if pending:
        posts.append(pending)  # a chain ending with no known position word: kept as printed
    return posts


def _strip_modifiers(position: str, rules: PostRules) -> tuple[str, str]:
    """(modifiers, base position): 常务副县长 -> (常务, 副县长)."""
    mods = ""
    changed = True
    while changed:
        changed = False
        for m in rules.modifiers:
            rest = position[len(mods) :]
            if rest.startswith(m) and len(rest) > len(m) and rest[len(m) :] in rules.endings:
                mods += m
                changed = True
                break
    return mods, position[len(mods) :]


def parse_post(post: str, rules: PostRules | None = None) -> dict:
    """One post -> {post, organization, position}; organization None when the
    post names none (副市长)."""
    rules = rules or load_post_rules()
    core = _unquoted(post)
    position = next((w for w in rules.positions if core.endswith(w)), None)
    if position is None:
        return dict(post=post, organization=None, position=core)
    organization = core[: -len(position)]
    changed = True
    while changed:  # modifiers printed before the position belong to it (县监委 / 代理主任)
        changed = False
        for m in rules.modifiers:
            if organization.endswith(m):
                organization, position = organization[: -len(m)], m + position
                changed = True
                break
    mods, base = _strip_modifiers(position, rules)
    fused = next((d for d in rules.fused_departments if base == d + "长"), None)
    if fused is not None:  # 市委宣传部长 -> 市委宣传部 / 部长
        organization, position = organization + fused, mods + "部长"
    elif (len(base) >= 2 and base[-1] == "长" and base[-2] in rules.fused_heads and organization
          and organization[-1] != base[-2] and organization[-1] not in _LEVELS):
        organization += base[-2]  # 市公安局长 -> 市公安局 / 局长
    body = next((b for word, b in rules.member_of if base == word), None)
    if body is not None:  # 市人大代表 -> 市人大 / 代表
        organization, position = organization + body, mods + base[len(body) :]
    if base == "委员":  # 镇党委宣传、统战委员 -> 镇党委 / 宣传、统战委员
        while True:
            field = next((f for f in rules.committee_fields if organization.endswith(f) and len(organization) > len(f)), None)
            if field is None:
                break
            organization, position = organization[: -len(field)], field + position
            if organization.endswith("、"):
                organization, position = organization[:-1], "、" + position
    opener = rules.openers.match(organization)
    if opener and opener.end() < len(organization):
        organization = organization[opener.end() :]
        if opener.group() in rules.former:  # 原市委书记 -> 市委 / 原书记
            position = opener.group() + position
    for body in rules.party_bodies:
        before = organization[: -len(body)] if organization.endswith(body) else None
        if before and before[-1] not in _LEVELS:
            # 市总工会党组书记 -> 市总工会 / 党组书记 (镇党委书记 stays 镇党委 / 书记)
            organization, position = before, body + position
            break
    return dict(post=post, organization=organization or None, position=position)


def parse_chain(posts: list[str], rules: PostRules | None = None) -> list[dict]:
    """The posts of one chain parsed, the organization carried along: a post
    printed without one takes the one before it (市政协党组成员、副主席 -> 市政协 /
    副主席), unless its position is named by its territory (市委副书记、市长);
    a Party committee's department takes the committee (县委常委、宣传部长 ->
    县委宣传部 / 部长). `carried` says the organization was not printed."""
    rules = rules or load_post_rules()
    out = []
    before = None
    for post in posts:
        part = parse_post(post, rules)
        part["carried"] = False
        base = _strip_modifiers(part["position"], rules)[1]
        if part["organization"] is None and before and base not in rules.self_standing:
            part["organization"], part["carried"] = before, True
        elif part["organization"] in rules.committee_departments and before and before.endswith("委"):
            part["organization"], part["carried"] = before + part["organization"], True
        before = part["organization"]
        out.append(part)
    return out


def is_former(position: str, rules: PostRules | None = None) -> bool:
    """A former post (原副书记, 退休老支书): held before the issue's date."""
    rules = rules or load_post_rules()
    mods, _base = _strip_modifiers(position, rules)
    return any(mods.startswith(w) or w in mods for w in rules.former)


# -- the posts table -----------------------------------------------------------

def posts_table(officials: list[dict], rules: PostRules | None = None) -> list[dict]:
    """One row per (person entity, post) from the officials rows.

    Two printed posts are one when their position is the same and their
    organizations resolve to the same entity (or, unresolved, are printed
    alike): 株洲市委书记 and 市委书记 are one post. Each row: the post and the
    organization as printed most often, the position, the organization's
    entity id, whether it is a former post, the first and last issue dates it
    was printed with the person, the number of articles and their ids (in
    order of date).
    """
    rules = rules or load_post_rules()
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in officials:
        names[row["entity_id"]] = row["name"]
        for part in row.get("post_parts") or []:
            position = part["position"]
            org_id = part.get("organization_id")
            key = (row["entity_id"], org_id, None if org_id else part.get("organization"), position)
            groups[key].append((row["issue_date"], row["article_id"], part["post"], part.get("organization")))
    out = []
    for (eid, org_id, _printed_org, position), seen in groups.items():
        dates = [d for d, *_ in seen if d is not None]
        articles = sorted({(d is None, d or "", a) for d, a, _p, _o in seen})
        printed = Counter(p for _d, _a, p, _o in seen)
        orgs = Counter(o for _d, _a, _p, o in seen if o)
        out.append(dict(
            post_id=stable_id(eid, org_id or "", _printed_org or "", position), entity_id=eid, name=names[eid],
            post=min(printed, key=lambda p: (-printed[p], p)),
            organization=min(orgs, key=lambda o: (-orgs[o], o)) if orgs else None,
            position=position,
            organization_id=org_id,
            former=is_former(position, rules),
            first_date=min(dates) if dates else None, last_date=max(dates) if dates else None,
            n_articles=len(articles), article_ids=[a for *_k, a in articles],
        ))
    out.sort(key=lambda r: (r["organization_id"] or "", r["organization"] or "", r["position"],
                            r["first_date"] is None, r["first_date"] or "", r["name"], r["entity_id"]))
    return out

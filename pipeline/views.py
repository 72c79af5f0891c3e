"""Joined views of the tables, for analysts.

Every function takes the dict of DataFrames that `pipeline.load(OUT)` returns
and gives back one DataFrame; an empty input table gives an empty result with
the same columns, never an error.

    import pipeline
    from pipeline import views

    tables = pipeline.load("data/out")
    views.top_officials(tables)              # the officials most in the news
    views.top_officials(tables, national=False)  # ... without the national leaders (rules/national_leaders.toml)
    views.official_posts(tables)             # each official's posts over time
    views.mentions_with_context(tables)      # mentions + headline, issue_date, kind, snippet
    views.cooccurrence(tables)               # official x place/org, per shared article
    views.coverage_by_place(tables)          # districts/counties per month
    views.reporter_beats(tables)             # bylines + what their articles are about

Entity labels come from `entities.label` (a person printed with a title
anywhere is OFFICIAL everywhere); a mention's own label stays in
`mentions.label`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .resolve import official_timeline
from .rules import load_national_leader_rules

LABELS = ("OFFICIAL", "PERSON", "PLACE", "ORG")
COUNTY_LEVEL = 2  # entities.place_level of districts, counties and county-level cities


def _labels(labels: str | Iterable[str]) -> tuple[str, ...]:
    return (labels,) if isinstance(labels, str) else tuple(labels)


def _entity_labels(tables: dict) -> pd.DataFrame:
    """entity_id -> entity_name, entity_label (from entities; mentions' own label where the entity is missing)."""
    ents = tables["entities"][["entity_id", "name", "label"]].rename(
        columns={"name": "entity_name", "label": "entity_label"})
    ents["entity_label"] = ents["entity_label"].astype(str)
    return ents


def mentions_with_context(tables: dict, window: int = 15) -> pd.DataFrame:
    """Every mention with its entity and its article.

    Columns: the mentions table, then `entity_name` and `entity_label` (the
    resolved entity), `headline`, `issue_date`, `kind`, `seq` of the article
    and `snippet`, the body around the mention (`window` characters each
    side, the mention in 【】; `window=0` leaves the snippet out).
    """
    mentions, articles = tables["mentions"], tables["articles"]
    art_cols = ["article_id", "headline", "issue_date", "kind", "seq"] + (["body"] if window else [])
    out = mentions.merge(_entity_labels(tables), on="entity_id", how="left")
    out["entity_label"] = out["entity_label"].fillna(out["label"].astype(str))
    out = out.merge(articles[art_cols], on="article_id", how="left")
    if window:
        out["snippet"] = [_snippet(body, start, end, window) for body, start, end in
                          zip(out["body"], out["start"], out["end"])]
        out = out.drop(columns=["body"])
    return out.sort_values(["issue_date", "article_id", "start"], na_position="last").reset_index(drop=True)


def _snippet(body, start, end, window: int) -> str | None:
    if not isinstance(body, str) or pd.isna(start) or pd.isna(end):
        return None
    start, end = int(start), int(end)
    left, right = body[max(0, start - window):start], body[end:end + window]
    return " ".join((left + "【" + body[start:end] + "】" + right).split())


def official_posts(tables: dict, national: bool = True) -> pd.DataFrame:
    """Each official's posts over time: one row per (official, post).

    `resolve.official_timeline` (`entity_id`, `name`, `post`, `first_seen`,
    `last_seen`, `n_articles`) plus the official's `n_mentions` in the run,
    sorted by name and first date; `national=False` leaves out the national leaders.
    """
    officials = tables["officials"]
    if not national:
        officials = officials[~officials["entity_id"].isin(national_leaders(tables))]
    out = official_timeline(officials)
    if out.empty:
        out = pd.DataFrame({"entity_id": pd.Series(dtype="str"), "name": pd.Series(dtype="str"),
                            "post": pd.Series(dtype="str"), "first_seen": pd.Series(dtype="datetime64[ns]"),
                            "last_seen": pd.Series(dtype="datetime64[ns]"), "n_articles": pd.Series(dtype="Int64")})
    counts = tables["entities"][["entity_id", "n_mentions"]]
    return out.merge(counts, on="entity_id", how="left")


def national_leaders(tables: dict) -> set[str]:
    """The entity_ids of officials printed with a national leader's post
    (党和国家领导人: the rule is rules/national_leaders.toml)."""
    rules = load_national_leader_rules()
    officials = tables["officials"]
    return {eid for eid, posts in zip(officials["entity_id"], officials["posts"])
            if any(rules.is_national(p) for p in (posts if posts is not None else ()))}


def top_officials(tables: dict, n: int = 15, national: bool = True) -> pd.DataFrame:
    """The officials most in the news: entities labelled OFFICIAL by number of articles.

    Columns: `entity_id`, `name`, `n_articles`, `n_mentions`, `first_date`,
    `last_date`, `latest_title` (the last title chain printed with the name),
    `n_posts` (distinct posts seen). `national=False` leaves out the national
    leaders (`national_leaders`), who top a city paper's list otherwise.
    """
    ents = tables["entities"]
    off = ents[ents["label"].astype(str) == "OFFICIAL"][
        ["entity_id", "name", "n_articles", "n_mentions", "first_date", "last_date"]]
    if not national:
        off = off[~off["entity_id"].isin(national_leaders(tables))]
    officials = tables["officials"]
    if len(officials):
        latest = (officials.sort_values(["issue_date", "article_id"], na_position="first")
                  .groupby("entity_id").tail(1)[["entity_id", "title"]].rename(columns={"title": "latest_title"}))
        posts = officials.explode("posts").groupby("entity_id")["posts"].nunique().rename("n_posts").reset_index()
        off = off.merge(latest, on="entity_id", how="left").merge(posts, on="entity_id", how="left")
    else:
        off = off.assign(latest_title=pd.Series(dtype="str"), n_posts=pd.Series(dtype="Int64"))
    off["n_posts"] = off["n_posts"].fillna(0).astype("Int64")
    return (off.sort_values(["n_articles", "n_mentions", "name"], ascending=[False, False, True])
            .head(n).reset_index(drop=True))


def cooccurrence(tables: dict, label_a: str | Iterable[str] = "OFFICIAL",
                 label_b: str | Iterable[str] = ("PLACE", "ORG")) -> pd.DataFrame:
    """Pairs of entities printed in the same article: one row per (a, b).

    `label_a` and `label_b` are entity labels (a string or several). Columns:
    `entity_id_a`, `name_a`, `label_a`, `entity_id_b`, `name_b`, `label_b`,
    `n_articles` (articles naming both), `first_date`, `last_date`, sorted by
    `n_articles`. An entity is never paired with itself; when the two label
    sets overlap each unordered pair appears once.
    """
    la, lb = _labels(label_a), _labels(label_b)
    cols = ["entity_id_a", "name_a", "label_a", "entity_id_b", "name_b", "label_b",
            "n_articles", "first_date", "last_date"]
    m = tables["mentions"][["article_id", "entity_id", "label"]].merge(
        _entity_labels(tables), on="entity_id", how="left")
    m["entity_label"] = m["entity_label"].fillna(m["label"].astype(str))
    m["entity_name"] = m["entity_name"].fillna(m["entity_id"])
    m = m.drop_duplicates(["article_id", "entity_id"]).merge(
        tables["articles"][["article_id", "issue_date"]], on="article_id", how="left")
    a = m[m["entity_label"].isin(la)]
    b = m[m["entity_label"].isin(lb)]
    pairs = a.merge(b, on=["article_id", "issue_date"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["entity_id_a"] != pairs["entity_id_b"]]
    both = set(la) & set(lb)
    if both:  # (x, y) and (y, x) are one pair when both could be on either side
        mirrored = (pairs["entity_label_a"].isin(both) & pairs["entity_label_b"].isin(both)
                    & (pairs["entity_id_a"] > pairs["entity_id_b"]))
        pairs = pairs[~mirrored]
    if pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c.endswith("date") else
                                          "Int64" if c == "n_articles" else "str") for c in cols})
    out = (pairs.groupby(["entity_id_a", "entity_name_a", "entity_label_a", "entity_id_b", "entity_name_b",
                          "entity_label_b"], dropna=False)
           .agg(n_articles=("article_id", "nunique"), first_date=("issue_date", "min"),
                last_date=("issue_date", "max"))
           .reset_index()
           .rename(columns={"entity_name_a": "name_a", "entity_label_a": "label_a",
                            "entity_name_b": "name_b", "entity_label_b": "label_b"}))
    out["n_articles"] = out["n_articles"].astype("Int64")
    return (out.sort_values(["n_articles", "name_a", "name_b"], ascending=[False, True, True])[cols]
            .reset_index(drop=True))


def county_of_places(tables: dict) -> pd.DataFrame:
    """Every PLACE entity that lies in a county-level unit, with that unit.

    A district, county or county-level city (`place_level` 2) is its own
    unit; a town or village (levels 3-4) belongs to the unit whose code it
    carries. Columns: `entity_id`, `name`, `place_level`, `code`, `county`
    (the unit's name), `longitude`, `latitude` (the unit's coordinates).
    Empty when the run had no gazetteer (no codes).
    """
    ents = tables["entities"]
    places = ents[(ents["label"].astype(str) == "PLACE") & ents["code"].notna() & ents["place_level"].notna()]
    counties = places[places["place_level"] == COUNTY_LEVEL]
    units = (counties.sort_values("n_mentions", ascending=False).drop_duplicates("code")
             [["code", "name", "longitude", "latitude"]].rename(columns={"name": "county"}))
    inside = places[places["place_level"].isin([COUNTY_LEVEL, 3, 4])][["entity_id", "name", "place_level", "code", "parent"]]
    out = inside.merge(units, on="code", how="left")
    # A town whose county is never printed: the county's name is its parent's only for level 3.
    fallback = (out["place_level"] == 3) & out["county"].isna()
    out.loc[fallback, "county"] = out.loc[fallback, "parent"]
    out = out[out["county"].notna()].drop(columns=["parent"])
    return out.reset_index(drop=True)


def coverage_by_place(tables: dict, freq: str = "M") -> pd.DataFrame:
    """Coverage of districts and counties over time.

    One row per (period, county-level unit): `period` (the first day of the
    month for `freq="M"`; `"Y"` for years, `"W"` for weeks), `code`, `county`,
    `longitude`, `latitude`, `n_articles` (articles naming the unit or a
    place inside it) and `n_mentions`. Articles of issues without a date are
    left out. Empty when the run had no gazetteer.
    """
    cols = ["period", "code", "county", "longitude", "latitude", "n_articles", "n_mentions"]
    units = county_of_places(tables)
    m = tables["mentions"][["article_id", "entity_id"]].merge(units[["entity_id", "code", "county"]], on="entity_id")
    m = m.merge(tables["articles"][["article_id", "issue_date"]], on="article_id")
    m = m[m["issue_date"].notna()]
    if m.empty:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "period" else "float64"
                                          if c in ("longitude", "latitude") else "Int64"
                                          if c.startswith("n_") else "str") for c in cols})
    m["period"] = m["issue_date"].dt.to_period(freq).dt.start_time
    out = (m.groupby(["period", "code", "county"])
           .agg(n_articles=("article_id", "nunique"), n_mentions=("entity_id", "size")).reset_index())
    coords = units.drop_duplicates("code")[["code", "longitude", "latitude"]]
    out = out.merge(coords, on="code", how="left")
    out[["n_articles", "n_mentions"]] = out[["n_articles", "n_mentions"]].astype("Int64")
    return out.sort_values(["period", "n_articles", "county"], ascending=[True, False, True])[cols].reset_index(drop=True)


def reporter_beats(tables: dict, top: int = 5) -> pd.DataFrame:
    """Who wrote what: one row per credited person.

    Columns: `name`, `roles` (as printed, joined by 、), `n_articles`,
    `n_photo` (articles with a photo credit), `first_date`, `last_date`,
    `kinds` (article kinds with counts, most frequent first), and the `top`
    entities of the articles they are credited for, by number of their
    articles: `top_places`, `top_orgs`, `top_officials`, `top_persons`
    (lists of names, most frequent first), sorted by `n_articles`.
    """
    bylines, articles = tables["bylines"], tables["articles"]
    cols = ["name", "roles", "n_articles", "n_photo", "first_date", "last_date", "kinds",
            "top_places", "top_orgs", "top_officials", "top_persons"]
    if bylines.empty:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c.endswith("date") else
                                          "Int64" if c.startswith("n_") else "object") for c in cols})
    b = bylines.merge(articles[["article_id", "issue_date", "kind"]], on="article_id", how="left")
    rows = []
    ents = tables["mentions"][["article_id", "entity_id"]].drop_duplicates().merge(
        _entity_labels(tables), on="entity_id")
    for name, g in b.groupby("name", sort=True):
        arts = g.drop_duplicates("article_id")
        kinds = arts["kind"].astype(str).value_counts()
        theirs = ents[ents["article_id"].isin(set(arts["article_id"]))]
        counts = (theirs.groupby(["entity_label", "entity_name"]).size().rename("n").reset_index()
                  .sort_values(["n", "entity_name"], ascending=[False, True]))

        def best(label: str) -> list[str]:
            return counts[counts["entity_label"] == label]["entity_name"].head(top).tolist()

        rows.append(dict(
            name=name, roles="、".join(sorted({r for r in g["role"].dropna()})) or None,
            n_articles=len(arts), n_photo=int(g.loc[g["credit"].astype(str) == "photo", "article_id"].nunique()),
            first_date=arts["issue_date"].min(), last_date=arts["issue_date"].max(),
            kinds=", ".join(f"{k} {v}" for k, v in kinds.items() if v),
            top_places=best("PLACE"), top_orgs=best("ORG"), top_officials=best("OFFICIAL"), top_persons=best("PERSON"),
        ))
    out = pd.DataFrame(rows, columns=cols)
    out[["n_articles", "n_photo"]] = out[["n_articles", "n_photo"]].astype("Int64")
    return out.sort_values(["n_articles", "name"], ascending=[False, True]).reset_index(drop=True)

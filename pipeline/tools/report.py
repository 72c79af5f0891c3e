"""The quality report of an extraction: `python -m pipeline.tools.report OUT`.

Writes OUT/report.html, one self-contained page (pictures inlined as base64
PNG, and the glyphs of a Chinese font for exactly the characters on the page
as a WOFF2 data URL, so it reads the same on a machine without Chinese fonts;
no scripts, stylesheets, fonts or images fetched from anywhere) with:
the run's summary, per-issue counts, failures and warnings, the label
distribution, the entities that most need a look (surface forms seen once,
officials without posts, very long spans, places without a gazetteer entry),
and the analysts' pictures: officials most in the news and their posts over
time, who appears with whom (a network), coverage of districts and counties
(a map from the places' coordinates, and over time), reporters' beats.

The picture functions (`figure_*`) take the tables of `pipeline.load` and
return a matplotlib Figure, or None when there is nothing to draw; the
notebook uses them too. `use_cjk_font()` sets a font with Chinese glyphs
(Noto Sans CJK SC from the `mplfonts` wheel, else one installed on the
system), so labels never render as empty boxes.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
import inspect
import io
import json
import math
import sys
import warnings
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipeline import load, views

from .fonts import EMBEDDED_FAMILY, cjk_font_path, font_face_css

LABEL_COLORS = {"OFFICIAL": "#c0392b", "PERSON": "#e67e22", "PLACE": "#27ae60", "ORG": "#2980b9"}
KIND_COLORS = {"news": "#2980b9", "photo": "#8e44ad", "commentary": "#c0392b", "notice": "#7f8c8d",
               "table": "#16a085", "letter": "#d35400", "feature": "#27ae60", "unknown": "#bdc3c7"}
# Spans longer than this many characters are listed for a look.
LONG_SPAN = {"OFFICIAL": 4, "PERSON": 4, "PLACE": 10, "ORG": 18}
RUN_FILE = "_run.json"  # the run's own record, written by pipeline.run.run_extract
NO_MENTIONS = ("No mentions yet: the mentions, entities and officials tables are empty "
               "(the run was made without an NER model: `python -m pipeline extract RAW OUT --model models/ner`).")


# -- fonts and figures -------------------------------------------------------

@lru_cache(maxsize=1)
def use_cjk_font() -> str | None:
    """Make matplotlib draw text with a CJK font; returns the font's family name (None, with a warning, if none)."""
    import matplotlib
    from matplotlib import font_manager

    path = cjk_font_path()
    if path is None:
        warnings.warn("no CJK font found: Chinese labels will show as boxes; `pip install mplfonts` "
                      "or `apt-get install fonts-noto-cjk`", stacklevel=2)
        return None
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


def _figure(width: float = 9.0, height: float = 4.5, **kw):
    from matplotlib.figure import Figure

    use_cjk_font()
    return Figure(figsize=(width, height), dpi=100, layout="constrained", **kw)


def _integer_ticks(ax, axis: str = "x") -> None:
    from matplotlib.ticker import MaxNLocator

    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(integer=True))


def png_base64(fig) -> str:
    """The figure as a base64 PNG (for an <img src="data:image/png;base64,...">)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _has_mentions(tables: dict) -> bool:
    return len(tables["mentions"]) > 0


def figure_labels(tables: dict):
    """Mentions and distinct entities per label (bars)."""
    m, e = tables["mentions"], tables["entities"]
    if m.empty:
        return None
    labels = list(views.LABELS) + sorted(set(m["label"].astype(str)) - set(views.LABELS))
    n_m = m["label"].astype(str).value_counts().reindex(labels, fill_value=0)
    n_e = e["label"].astype(str).value_counts().reindex(labels, fill_value=0)
    fig = _figure(8, 3.2)
    ax1, ax2 = fig.subplots(1, 2)
    colors = [LABEL_COLORS.get(lb, "#95a5a6") for lb in labels]
    for ax, series, title in ((ax1, n_m, "mentions per label 每类提及数"), (ax2, n_e, "entities per label 每类实体数")):
        bars = ax.bar(labels, series.values, color=colors)
        ax.bar_label(bars, fontsize=9)
        ax.set_title(title)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def figure_issues(tables: dict):
    """Articles per issue by kind, and mentions per issue by label (stacked bars)."""
    issues, articles = tables["issues"], tables["articles"]
    if issues.empty:
        return None
    names = {r.issue_id: (r.issue_date.strftime("%Y-%m-%d") if pd.notna(r.issue_date) else r.source_file)
             for r in issues.itertuples()}
    order = list(issues.sort_values(["issue_date", "source_file"], na_position="last")["issue_id"])
    kinds = pd.crosstab(articles["issue_id"], articles["kind"].astype(str)).reindex(order, fill_value=0)
    panels = [(kinds, KIND_COLORS, "articles per issue, by kind 每期文章数")]
    if _has_mentions(tables):
        labels = pd.crosstab(tables["mentions"]["issue_id"], tables["mentions"]["label"].astype(str)).reindex(
            order, fill_value=0)
        panels.append((labels, LABEL_COLORS, "mentions per issue, by label 每期提及数"))
    fig = _figure(9, 3.2 + 0.25 * len(order))
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    ylabels = [names[i] for i in order]
    for ax, (table, colors, title) in zip(axes, panels):
        left = pd.Series(0, index=table.index)
        for col in table.columns:
            ax.barh(ylabels, table[col].values, left=left.values, label=col, color=colors.get(col, "#95a5a6"))
            left += table[col]
        ax.invert_yaxis()
        _integer_ticks(ax)
        ax.set_title(title)
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncols=4, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


TITLE_LINE = 16  # characters of a title chain per label line in figure_top_officials
TITLE_LINES = 2  # lines of it shown; the rest ends in …


def _wrapped_title(title: str | None, width: int = TITLE_LINE, lines: int = TITLE_LINES) -> list[str]:
    """A title chain cut into label lines, at 、 where one is near the end of a line, else mid-word."""
    if not isinstance(title, str) or not title:
        return []
    out, rest = [], title
    while rest and len(out) < lines:
        if len(rest) <= width:
            out.append(rest)
            rest = ""
            break
        cut = rest.rfind("、", width // 2, width)
        cut = cut + 1 if cut > 0 else width
        out.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        out[-1] = out[-1][: width - 1] + "…"
    return out


def figure_top_officials(tables: dict, n: int = 15, national: bool = True):
    """The officials most in the news: articles and mentions (horizontal bars).

    Each bar's label is the name with the latest title chain below it, cut
    into short lines (a long chain never squeezes the bars); the legend sits
    above the bars, never over one. `national=False` leaves out the national
    leaders (`views.national_leaders`).
    """
    top = views.top_officials(tables, n, national=national)
    if top.empty:
        return None
    labels = ["\n".join([r.name, *_wrapped_title(r.latest_title)]) for r in top.itertuples()]
    rows = max(label.count("\n") + 1 for label in labels)
    fig = _figure(8.5, 1.4 + (0.3 + 0.16 * rows) * len(top))
    ax = fig.subplots()
    y = range(len(top))
    ax.barh([i - 0.2 for i in y], top["n_articles"].astype(int), height=0.4, color=LABEL_COLORS["OFFICIAL"],
            label="articles 篇数")
    ax.barh([i + 0.2 for i in y], top["n_mentions"].astype(int), height=0.4, color="#f1948a", label="mentions 次数")
    ax.set_yticks(list(y), labels, fontsize=8.5, linespacing=1.15)
    ax.invert_yaxis()
    _integer_ticks(ax)
    ax.set_title("officials most in the news 见报最多的官员" + ("" if national else "（不含党和国家领导人）"))
    fig.legend(frameon=False, loc="outside upper right", ncols=2)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def figure_posts_timeline(tables: dict, n_officials: int = 8, max_rows: int = 24, national: bool = True):
    """Each top official's posts over time: one row per (official, post), a dot per date seen."""
    top = views.top_officials(tables, n_officials, national=national)
    officials = tables["officials"]
    if top.empty or officials.empty:
        return None
    rows = officials[officials["entity_id"].isin(set(top["entity_id"]))].explode("posts")
    rows = rows[rows["posts"].notna() & rows["issue_date"].notna()]
    if rows.empty:
        return None
    rank = {eid: k for k, eid in enumerate(top["entity_id"])}
    spans = (rows.groupby(["entity_id", "name", "posts"])["issue_date"].agg(["min", "max"]).reset_index())
    spans["rank"] = spans["entity_id"].map(rank)
    spans = spans.sort_values(["rank", "min", "posts"]).head(max_rows).reset_index(drop=True)
    fig = _figure(9, 1.3 + 0.3 * len(spans))
    ax = fig.subplots()
    palette = ["#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#2c3e50", "#7f8c8d"]
    for i, r in spans.iterrows():
        color = palette[r["rank"] % len(palette)]
        ax.plot([r["min"], r["max"]], [i, i], color=color, lw=3, alpha=0.5, solid_capstyle="round")
        dates = rows[(rows["entity_id"] == r["entity_id"]) & (rows["posts"] == r["posts"])]["issue_date"].unique()
        ax.scatter(dates, [i] * len(dates), color=color, s=30, zorder=3)
    ax.set_yticks(range(len(spans)), [f"{r['name']} · {r['posts']}" for _, r in spans.iterrows()], fontsize=9)
    ax.invert_yaxis()
    ax.set_title("officials' posts over time 官员职务时间线")
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    return fig


def figure_cooccurrence(tables: dict, n_officials: int = 8, per_official: int = 6,
                        label_b: tuple[str, ...] = ("PLACE", "ORG"), national: bool = True):
    """Which places and organizations the top officials appear with: a network (edge width = shared articles)."""
    import networkx as nx

    pairs = views.cooccurrence(tables, "OFFICIAL", label_b)
    if pairs.empty:
        return None
    top = views.top_officials(tables, n_officials, national=national)["entity_id"]
    pairs = pairs[pairs["entity_id_a"].isin(set(top))]
    pairs = (pairs.sort_values(["n_articles", "name_b"], ascending=[False, True])
             .groupby("entity_id_a").head(per_official))
    if pairs.empty:
        return None
    graph = nx.Graph()
    for r in pairs.itertuples():
        graph.add_node(r.entity_id_a, name=r.name_a, label="OFFICIAL")
        graph.add_node(r.entity_id_b, name=r.name_b, label=r.label_b)
        graph.add_edge(r.entity_id_a, r.entity_id_b, weight=int(r.n_articles))
    pos = nx.spring_layout(graph, seed=7, k=1.6 / math.sqrt(max(graph.number_of_nodes(), 1)), iterations=200)
    fig = _figure(10, 7.5)
    ax = fig.subplots()
    widths = [0.8 + 1.2 * graph.edges[e]["weight"] for e in graph.edges]
    nx.draw_networkx_edges(graph, pos, ax=ax, width=widths, edge_color="#b2babb", alpha=0.8)
    for label, color in LABEL_COLORS.items():
        nodes = [n for n, d in graph.nodes(data=True) if d["label"] == label]
        if nodes:
            sizes = [250 + 120 * graph.degree(n, weight="weight") for n in nodes]
            nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_color=color, node_size=sizes, alpha=0.85,
                                   ax=ax, label=label)
    nx.draw_networkx_labels(graph, pos, labels={n: d["name"] for n, d in graph.nodes(data=True)}, font_size=9,
                            font_family=use_cjk_font() or "sans-serif", ax=ax)
    ax.legend(scatterpoints=1, markerscale=0.5, frameon=False, loc="upper left")
    ax.set_title("officials and the places and organizations they appear with 官员与地点、机构共现网络")
    ax.set_axis_off()
    return fig


def figure_coverage_map(tables: dict):
    """Districts and counties on a map from their coordinates (dot size = articles), with other coded places in grey."""
    cov = views.coverage_by_place(tables)
    cov = cov[cov["longitude"].notna() & cov["latitude"].notna()]
    if cov.empty:
        return None
    total = (cov.groupby(["code", "county", "longitude", "latitude"])["n_articles"].sum().reset_index()
             .sort_values("n_articles", ascending=False))
    fig = _figure(8, 7)
    ax = fig.subplots()
    ents = tables["entities"]
    others = ents[(ents["label"].astype(str) == "PLACE") & ents["longitude"].notna()
                  & ~ents["code"].isin(set(total["code"]))]
    lon0, lon1 = total["longitude"].min(), total["longitude"].max()
    lat0, lat1 = total["latitude"].min(), total["latitude"].max()
    pad = max(lon1 - lon0, lat1 - lat0, 0.2) * 0.15
    near = others[others["longitude"].between(lon0 - pad, lon1 + pad) & others["latitude"].between(lat0 - pad, lat1 + pad)]
    span = max(lon1 - lon0, lat1 - lat0, 0.2)
    points = [(r.name, r.longitude, r.latitude, False) for r in near.itertuples()]
    points += [(f"{r.county} {int(r.n_articles)}", r.longitude, r.latitude, True) for r in total.itertuples()]
    if len(near):
        ax.scatter(near["longitude"], near["latitude"], s=20, color="#bdc3c7", zorder=1)
    sizes = 80 + 220 * total["n_articles"].astype(float) / float(total["n_articles"].max())
    ax.scatter(total["longitude"], total["latitude"], s=sizes, color=LABEL_COLORS["PLACE"], alpha=0.7,
               edgecolor="white", zorder=2)
    for text, x, y, main in points:
        dx, dy = _label_offset(x, y, [(px, py) for _, px, py, _ in points], radius=0.08 * span)
        ax.annotate(text, (x, y), fontsize=10 if main else 8, color="#222" if main else "#7f8c8d",
                    xytext=(dx, dy), textcoords="offset points", ha="left" if dx >= 0 else "right",
                    va="bottom" if dy >= 0 else "top",
                    arrowprops=dict(arrowstyle="-", color="#95a5a6", lw=0.6) if abs(dx) > 10 else None)
    ax.set_xlim(lon0 - pad * 2, lon1 + pad * 2.5)
    ax.set_ylim(lat0 - pad, lat1 + pad)
    ax.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_xlabel("longitude 经度")
    ax.set_ylabel("latitude 纬度")
    ax.grid(alpha=0.3)
    ax.set_title("coverage of districts and counties (articles) 区县报道篇数")
    return fig


def _label_offset(x: float, y: float, points: list[tuple[float, float]], radius: float) -> tuple[float, float]:
    """Where to put a point's label (in points): beside it when alone, pushed away from its crowded neighbours."""
    close = [(px, py) for px, py in points if (px, py) != (x, y) and math.hypot(px - x, py - y) < radius]
    if not close:
        return 7.0, 5.0
    cx = sum(p[0] for p in close + [(x, y)]) / (len(close) + 1)
    cy = sum(p[1] for p in close + [(x, y)]) / (len(close) + 1)
    angle = math.atan2(y - cy, x - cx) if (x, y) != (cx, cy) else math.pi / 4
    return 38 * math.cos(angle), 30 * math.sin(angle)


def figure_coverage_time(tables: dict, freq: str = "M"):
    """Articles per district/county per month (heat map)."""
    cov = views.coverage_by_place(tables, freq)
    if cov.empty:
        return None
    grid = cov.pivot_table(index="county", columns="period", values="n_articles", aggfunc="sum", fill_value=0)
    grid = grid.loc[grid.sum(axis=1).sort_values(ascending=False).index]
    fig = _figure(min(4 + 0.6 * grid.shape[1], 14), 1.5 + 0.35 * grid.shape[0])
    ax = fig.subplots()
    image = ax.imshow(grid.values.astype(float), aspect="auto", cmap="Greens")
    ax.set_yticks(range(grid.shape[0]), grid.index)
    ax.set_xticks(range(grid.shape[1]), [p.strftime("%Y-%m") for p in grid.columns], rotation=45, ha="right")
    for (i, j), v in pd.DataFrame(grid.values).stack().items():
        if v:
            ax.text(j, i, int(v), ha="center", va="center", fontsize=8)
    fig.colorbar(image, ax=ax, label="articles 篇数")
    ax.set_title("coverage over time 区县报道随时间")
    return fig


def figure_reporters(tables: dict, n: int = 15):
    """Articles per credited person, by kind (stacked bars)."""
    b = tables["bylines"]
    if b.empty:
        return None
    b = b.drop_duplicates(["name", "article_id"]).merge(tables["articles"][["article_id", "kind"]], on="article_id")
    table = pd.crosstab(b["name"], b["kind"].astype(str))
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index[:n]]
    fig = _figure(8, 1.2 + 0.3 * len(table))
    ax = fig.subplots()
    left = pd.Series(0, index=table.index)
    for col in table.columns:
        ax.barh(table.index, table[col].values, left=left.values, label=col, color=KIND_COLORS.get(col, "#95a5a6"))
        left += table[col]
    ax.invert_yaxis()
    _integer_ticks(ax)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("who wrote what: articles per reporter, by kind 记者署名文章数")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def figure_reporter_beats(tables: dict, n_reporters: int = 12, n_entities: int = 16,
                          labels: tuple[str, ...] = ("PLACE", "ORG", "OFFICIAL")):
    """Reporters' beats: articles per (reporter, entity) for the busiest reporters and the entities they cover most (heat map)."""
    b = tables["bylines"].drop_duplicates(["name", "article_id"])
    m = views.mentions_with_context(tables, window=0)
    m = m[m["entity_label"].isin(labels)].drop_duplicates(["article_id", "entity_id"])
    if b.empty or m.empty:
        return None
    joined = b[["name", "article_id"]].merge(m[["article_id", "entity_id", "entity_name", "entity_label"]],
                                             on="article_id")
    if joined.empty:
        return None
    reporters = b["name"].value_counts().index[:n_reporters]
    joined = joined[joined["name"].isin(reporters)]
    # The entities that the most of these reporters write about, then by articles.
    spread = joined.groupby(["entity_id", "entity_name", "entity_label"]).agg(
        reporters=("name", "nunique"), articles=("article_id", "nunique")).reset_index()
    spread = spread[spread["articles"] > 0].sort_values(["reporters", "articles", "entity_name"],
                                                        ascending=[False, False, True]).head(n_entities)
    grid = (joined[joined["entity_id"].isin(set(spread["entity_id"]))]
            .pivot_table(index="name", columns="entity_id", values="article_id", aggfunc="nunique", fill_value=0)
            .reindex(index=[r for r in reporters if r in set(joined["name"])], columns=list(spread["entity_id"]),
                     fill_value=0))
    if grid.empty:
        return None
    names = dict(zip(spread["entity_id"], spread["entity_name"]))
    colors = dict(zip(spread["entity_id"], spread["entity_label"]))
    fig = _figure(min(3 + 0.55 * grid.shape[1], 14), 2.2 + 0.35 * grid.shape[0])
    ax = fig.subplots()
    ax.imshow(grid.values.astype(float), aspect="auto", cmap="Blues")
    ax.set_yticks(range(grid.shape[0]), grid.index)
    ax.set_xticks(range(grid.shape[1]), [names[c] for c in grid.columns], rotation=60, ha="right", fontsize=9)
    for tick, c in zip(ax.get_xticklabels(), grid.columns):
        tick.set_color(LABEL_COLORS.get(colors[c], "#333"))
    for (i, j), v in pd.DataFrame(grid.values).stack().items():
        if v:
            ax.text(j, i, int(v), ha="center", va="center", fontsize=8)
    ax.set_title("reporters' beats: articles naming each entity 记者报道领域")
    return fig


FIGURES = {
    "labels": figure_labels,
    "issues": figure_issues,
    "top_officials": figure_top_officials,
    "posts_timeline": figure_posts_timeline,
    "cooccurrence": figure_cooccurrence,
    "coverage_map": figure_coverage_map,
    "coverage_time": figure_coverage_time,
    "reporters": figure_reporters,
    "reporter_beats": figure_reporter_beats,
}


# -- what needs a look ---------------------------------------------------------

def rare_surface_forms(tables: dict, limit: int | None = None) -> pd.DataFrame:
    """Surface forms printed once in the whole run, with their entity's other forms and the text around them.

    A form seen once is where an OCR slip, a wrong boundary or a wrong label
    most often hides; those whose entity is mostly printed otherwise come first.
    """
    m = views.mentions_with_context(tables)
    if m.empty:
        return pd.DataFrame(columns=["label", "text", "entity_name", "other_forms", "headline", "snippet"])
    counts = m["text"].value_counts()
    once = m[m["text"].map(counts) == 1].copy()
    aliases = tables["entities"].set_index("entity_id")["aliases"].to_dict()
    once["other_forms"] = ["、".join(a for a in (aliases.get(eid) or []) if a != t)
                           for eid, t in zip(once["entity_id"], once["text"])]
    once["has_other"] = once["other_forms"] != ""
    once["label"] = once["label"].astype(str)
    once = once.sort_values(["has_other", "label", "text"], ascending=[False, True, True])
    out = once[["label", "text", "entity_name", "other_forms", "headline", "snippet"]].reset_index(drop=True)
    return out.head(limit) if limit else out


def officials_without_posts(tables: dict) -> pd.DataFrame:
    """Entities labelled OFFICIAL with no title chain anywhere in the officials table."""
    e = tables["entities"]
    off = e[e["label"].astype(str) == "OFFICIAL"]
    missing = off[~off["entity_id"].isin(set(tables["officials"]["entity_id"]))]
    return missing[["name", "aliases", "n_mentions", "n_articles", "first_date", "entity_id"]].sort_values(
        ["n_mentions", "name"], ascending=[False, True]).reset_index(drop=True)


def long_spans(tables: dict, limits: dict[str, int] = LONG_SPAN) -> pd.DataFrame:
    """Mentions longer than the usual length of their label (names of more than 4 characters, …)."""
    m = views.mentions_with_context(tables)
    if m.empty:
        return pd.DataFrame(columns=["label", "text", "length", "entity_name", "headline", "snippet"])
    m["label"] = m["label"].astype(str)
    m["length"] = m["text"].str.len()
    limit = m["label"].map(limits).fillna(20)
    out = m[m["length"] > limit].drop_duplicates(["label", "text"])
    return out.sort_values(["label", "length", "text"], ascending=[True, False, True])[
        ["label", "text", "length", "entity_name", "headline", "snippet"]].reset_index(drop=True)


def places_without_code(tables: dict) -> pd.DataFrame:
    """PLACE entities that did not resolve to a gazetteer entry, most mentioned first."""
    e = tables["entities"]
    p = e[(e["label"].astype(str) == "PLACE") & e["code"].isna()]
    return p[["name", "aliases", "n_mentions", "n_articles"]].sort_values(
        ["n_mentions", "name"], ascending=[False, True]).reset_index(drop=True)


def looks_like_title(tables: dict) -> pd.DataFrame:
    """Person and official names that are, or end with, a post word (区长, 和区长): a title read as a name."""
    from pipeline.resolve import load_resolve_rules

    positions = [p for p in load_resolve_rules().positions if len(p) >= 2]
    e = tables["entities"]
    people = e[e["label"].astype(str).isin(["OFFICIAL", "PERSON"])]
    hit = people[[any(name.endswith(p) for p in positions) for name in people["name"]]]
    return hit[["name", "label", "aliases", "n_mentions", "entity_id"]].reset_index(drop=True)


# -- the page ------------------------------------------------------------------

FONT_FACE = "/*font-face*/"  # where embed_font puts the @font-face rule
CSS = """
body{font-family:"EMBEDDED","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei","PingFang SC","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:1100px;padding:0 1em;color:#222;line-height:1.45}
h1{border-bottom:3px solid #c0392b;padding-bottom:.2em} h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px;margin:.5em 0} th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f4f6f7} tr:nth-child(even) td{background:#fbfcfc} img{max-width:100%;border:1px solid #eee;margin:.5em 0}
.empty{color:#7f8c8d;font-style:italic} .note{color:#555;font-size:14px} nav a{margin-right:1em}
.num{text-align:right} .kpi{display:inline-block;margin:0 1.5em .8em 0} .kpi b{display:block;font-size:26px}
""".replace("EMBEDDED", EMBEDDED_FAMILY)

SECTIONS = (
    ("summary", "Run summary 运行概要"),
    ("issues", "Per-issue counts 每期统计"),
    ("failures", "Failures and warnings 失败与警告"),
    ("labels", "Label distribution 实体类别分布"),
    ("review", "Entities that most need a look 待核查实体"),
    ("officials", "Officials in the news 见报官员"),
    ("network", "Who appears with whom 共现网络"),
    ("coverage", "Coverage of districts and counties 区县报道"),
    ("reporters", "Reporters' beats 记者报道领域"),
)


def _table(df: pd.DataFrame, limit: int | None = 40, note_total: bool = True) -> str:
    if df is None or df.empty:
        return '<p class="empty">none</p>'
    shown = df.head(limit) if limit else df
    shown = shown.copy()
    for col in shown.columns:
        if shown[col].dtype == object:
            shown[col] = [("、".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for v in shown[col]]
        if pd.api.types.is_datetime64_any_dtype(shown[col]):
            shown[col] = shown[col].dt.strftime("%Y-%m-%d")
        if isinstance(shown[col].dtype, (pd.api.extensions.ExtensionDtype, pd.CategoricalDtype)):
            shown[col] = [("" if pd.isna(v) else str(v)) if not isinstance(v, (list, tuple)) else v
                          for v in shown[col].astype(object)]
    out = shown.to_html(index=False, escape=True, na_rep="", border=0)
    if note_total and limit and len(df) > limit:
        out += f'<p class="note">{limit} of {len(df)} rows shown.</p>'
    return out


def _img(fig, alt: str) -> str:
    if fig is None:
        return ""
    try:
        data = png_base64(fig)
    finally:
        fig.clear()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _p(text: str, cls: str = "note") -> str:
    return f'<p class="{cls}">{html.escape(text)}</p>'


def summary(tables: dict) -> dict:
    """The run in numbers, from the tables."""
    issues, f = tables["issues"], tables["failures"]
    errors = f[f["severity"].astype(str) == "error"]
    dates = issues["issue_date"].dropna()
    return {
        "files": len(issues) + errors["source_file"].nunique(),
        "issues": len(issues),
        "articles": len(tables["articles"]),
        "bylines": len(tables["bylines"]),
        "mentions": len(tables["mentions"]),
        "entities": len(tables["entities"]),
        "officials rows": len(tables["officials"]),
        "failed files": errors["source_file"].nunique(),
        "warnings": int((f["severity"].astype(str) == "warning").sum()),
        "first issue": dates.min().strftime("%Y-%m-%d") if len(dates) else "",
        "last issue": dates.max().strftime("%Y-%m-%d") if len(dates) else "",
    }


def per_issue(tables: dict) -> pd.DataFrame:
    """One row per input file: the issue's fields, its counts, its failures and warnings."""
    issues, f = tables["issues"], tables["failures"]
    cols = ["source_file", "issue_date", "date_source", "issue_number", "pages", "n_articles"]
    out = issues[cols + ["issue_id"]].copy()
    out["bylines"] = out["issue_id"].map(tables["bylines"].groupby("issue_id").size()).fillna(0).astype(int)
    m = tables["mentions"]
    for label in views.LABELS:
        counts = m[m["label"].astype(str) == label].groupby("issue_id").size()
        out[label] = out["issue_id"].map(counts).fillna(0).astype(int)
    sev = f.assign(severity=f["severity"].astype(str)).groupby(["source_file", "severity"]).size().unstack(fill_value=0)
    for s in ("warning", "error"):
        out[s + "s"] = out["source_file"].map(sev[s] if s in sev else pd.Series(dtype=int)).fillna(0).astype(int)
    failed = f[(f["severity"].astype(str) == "error") & ~f["source_file"].isin(set(issues["source_file"]))]
    if len(failed):
        extra = failed.groupby("source_file").size().rename("errors").reset_index()
        out = pd.concat([out, extra], ignore_index=True)
    out = out.drop(columns=["issue_id"]).sort_values("source_file").reset_index(drop=True)
    if not _has_mentions(tables):
        out = out.drop(columns=list(views.LABELS))
    return out


def run_table(run_info: dict | None) -> pd.DataFrame:
    """The run's own record (OUT/_run.json, written by `run_extract`) as rows of (what, value)."""
    if not run_info:
        return pd.DataFrame(columns=["what", "value"])
    rows = []
    for key, value in run_info.items():
        if isinstance(value, dict):
            rows += [(f"{key}: {k}", f"{v:.2f}" if isinstance(v, float) else str(v)) for k, v in value.items()]
        else:
            rows.append((key, f"{value:.2f}" if isinstance(value, float) else str(value)))
    return pd.DataFrame(rows, columns=["what", "value"])


def render(tables: dict, title: str = "Extraction quality report", run_info: dict | None = None,
           note: str | None = None, national: bool = True) -> str:
    """The report as one HTML page (`run_info`: the run's OUT/_run.json, when there is one; `note`: a line under
    the title; `national=False`: the officials' sections leave out the national leaders)."""
    s = summary(tables)
    has_mentions = _has_mentions(tables)
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
             f"<style>{FONT_FACE}{CSS}</style></head><body>", f"<h1>{html.escape(title)}</h1>",
             _p(note) if note else "",
             "<nav>" + "".join(f'<a href="#{sid}">{html.escape(name)}</a>' for sid, name in SECTIONS) + "</nav>"]

    def section(sid: str, *body: str) -> None:
        name = dict(SECTIONS)[sid]
        parts.append(f'<section id="{sid}"><h2>{html.escape(name)}</h2>' + "".join(body) + "</section>")

    kpis = "".join(f'<span class="kpi"><b>{html.escape(str(v))}</b>{html.escape(k)}</span>' for k, v in s.items())
    section("summary", f"<div>{kpis}</div>",
            "" if has_mentions else _p(NO_MENTIONS, "empty"),
            ("<h3>The run 运行记录</h3>" + _table(run_table(run_info), limit=None)) if run_info else "",
            _table(tables["issues"]["date_source"].astype(str).value_counts().rename_axis("date_source")
                   .reset_index(name="issues")) if len(tables["issues"]) else "")
    section("issues", _table(per_issue(tables), limit=200), _img(figure_issues(tables), "articles and mentions per issue"))
    f = tables["failures"]
    section("failures",
            _p(f"{s['failed files']} file(s) skipped (error), {s['warnings']} warning(s)."),
            _table(f[["source_file", "stage", "severity", "reason"]].sort_values(["severity", "source_file"]), limit=200))
    if has_mentions:
        by_label = (tables["mentions"].assign(label=tables["mentions"]["label"].astype(str))
                    .groupby("label").agg(mentions=("mention_id", "size"), entities=("entity_id", "nunique"),
                                          surface_forms=("text", "nunique"), articles=("article_id", "nunique"))
                    .reset_index())
        section("labels", _table(by_label), _img(figure_labels(tables), "mentions and entities per label"))
        rare = rare_surface_forms(tables)
        no_posts = officials_without_posts(tables)
        titles = looks_like_title(tables)
        longs = long_spans(tables)
        places = places_without_code(tables)
        n_places = int((tables["entities"]["label"].astype(str) == "PLACE").sum())
        section("review",
                "<h3>Surface forms seen once 仅出现一次的写法</h3>",
                _p(f"{len(rare)} surface forms are printed once in the whole run; those whose entity is printed "
                   "otherwise elsewhere come first (a variant, an OCR slip or a wrong merge)."),
                _table(rare, limit=40),
                "<h3>Officials without posts 无职务的官员</h3>",
                _p(f"{len(no_posts)} entities labelled OFFICIAL have no title chain in the officials table."),
                _table(no_posts, limit=40),
                "<h3>Names that look like titles 疑似职务的人名</h3>",
                _p(f"{len(titles)} person or official names end with a post word."),
                _table(titles, limit=40),
                "<h3>Very long spans 超长实体</h3>",
                _p("Limits: " + ", ".join(f"{k} > {v}" for k, v in LONG_SPAN.items()) + " characters."),
                _table(longs, limit=40),
                "<h3>Places without a gazetteer entry 未能定位的地点</h3>",
                _p(f"{len(places)} of {n_places} PLACE entities have no administrative code"
                   + (" — none has one: the run resolved places without a gazetteer, so there are no coordinates."
                      if n_places and len(places) == n_places else ".")),
                _table(places, limit=40))
        top = views.top_officials(tables, 20, national=national)
        posts = views.official_posts(tables, national=national)
        section("officials",
                "" if national else _p(f"Without the {len(views.national_leaders(tables))} national leaders "
                                       "(rules/national_leaders.toml)."),
                _img(figure_top_officials(tables, national=national), "officials most in the news"),
                _table(top, limit=20),
                _img(figure_posts_timeline(tables, national=national), "officials' posts over time"),
                "<h3>Posts 职务</h3>", _table(posts[posts["entity_id"].isin(set(top["entity_id"]))]
                                            .drop(columns=["entity_id"]), limit=60))
        pairs = views.cooccurrence(tables)
        section("network", _img(figure_cooccurrence(tables, national=national), "co-occurrence network")
                or _p("No official appears with a place or an organization.", "empty"),
                _table(pairs.drop(columns=["entity_id_a", "entity_id_b"]), limit=30))
        cov = views.coverage_by_place(tables)
        section("coverage",
                _img(figure_coverage_map(tables), "map of districts and counties")
                or _p("No district or county with coordinates: the run's places have no gazetteer codes "
                      "(entities.code, longitude and latitude are empty).", "empty"),
                _img(figure_coverage_time(tables), "coverage over time"), _table(cov, limit=60))
    else:
        for sid in ("labels", "review", "officials", "network", "coverage"):
            section(sid, _p(NO_MENTIONS, "empty"))
    beats = views.reporter_beats(tables)
    section("reporters", _img(figure_reporters(tables), "articles per reporter")
            or _p("No bylines.", "empty"), _img(figure_reporter_beats(tables), "reporters' beats"),
            _table(beats, limit=40))
    parts.append("</body></html>")
    return embed_font("\n".join(parts))


def embed_font(page: str) -> str:
    """The page with a font of exactly the characters it uses inlined (see `fonts.font_face_css`),
    so its Chinese text is drawn on a machine without any Chinese font."""
    return page.replace(FONT_FACE, font_face_css(page), 1)


def write_report(out_dir: str | Path, path: str | Path | None = None, national: bool = True) -> Path:
    """Render the report of the extraction in OUT to OUT/report.html (or `path`)."""
    out_dir = Path(out_dir)
    tables = load(out_dir)
    target = Path(path) if path else out_dir / "report.html"
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    run_info = None
    if (out_dir / RUN_FILE).exists():
        try:
            run_info = json.loads((out_dir / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            run_info = {"unreadable": f"{RUN_FILE}: {err}"}
    page = render(tables, title=f"Extraction quality report — {out_dir.name}", run_info=run_info,
                  note=f"Tables in {out_dir}; report written {stamp}.", national=national)
    tmp = target.with_name("." + target.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.report",
                                     description="Write OUT/report.html, the quality report of an extraction.")
    parser.add_argument("out", help="the extraction's folder (OUT of `python -m pipeline extract RAW OUT`)")
    parser.add_argument("-o", "--output", help="where to write the page (default OUT/report.html) or the picture")
    parser.add_argument("--figure", choices=sorted(FIGURES),
                        help="write only this picture, as OUT/<name>.png (or -o FILE)")
    parser.add_argument("--no-national", action="store_true",
                        help="leave the national leaders (rules/national_leaders.toml) out of the officials' pictures and tables")
    args = parser.parse_args(argv)
    national = not args.no_national
    out = Path(args.out)
    if not (out / "issues.parquet").exists():
        print(f"error: no extraction in {out} (no issues.parquet); run `python -m pipeline extract RAW {out}` first",
              file=sys.stderr)
        return 2
    if args.figure:
        draw = FIGURES[args.figure]
        fig = draw(load(out), **({} if national or "national" not in inspect.signature(draw).parameters
                                 else {"national": False}))
        if fig is None:
            print(f"nothing to draw for {args.figure}: "
                  + (NO_MENTIONS if not (out / "mentions.parquet").exists() or not len(load(out, ("mentions",))["mentions"])
                     else "the tables it needs are empty"), file=sys.stderr)
            return 1
        path = Path(args.output) if args.output else out / f"{args.figure}.png"
        fig.savefig(path, dpi=100)
        print(f"wrote {path}", file=sys.stderr)
        return 0
    path = write_report(out, args.output, national=national)
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

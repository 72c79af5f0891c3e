"""pipeline.load, pipeline.views and the schema metadata in the Parquet files.

The tables here are synthetic (invented people and places, written with the
schemas of pipeline/schemas.py), so every view is checked with mentions,
officials and coordinates whatever stage the NER and resolution are at.
`write_synthetic` and `corpus_extraction` are shared with test_report.py and
test_notebook.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline import views
from pipeline.records import stable_id
from pipeline.schemas import TABLES
from pipeline.tables import write_tables

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "ner"

# -- synthetic tables ----------------------------------------------------------

# key -> (label, canonical name, place fields); coordinates are rounded, the people invented.
ENTITIES = {
    "cao": ("OFFICIAL", "曹一鸣", {}),
    "qian": ("OFFICIAL", "钱二平", {}),
    "sun": ("PERSON", "孙三妹", {}),
    "zhou": ("OFFICIAL", "周四海", {}),  # an official printed without a title chain
    "zhuzhou": ("PLACE", "株洲市", dict(code="430200", parent="湖南省", longitude=113.13, latitude=27.83, place_level=1)),
    "tianyuan": ("PLACE", "天元区", dict(code="430211", parent="株洲市", longitude=113.08, latitude=27.83, place_level=2)),
    "songshan": ("PLACE", "嵩山路街道", dict(code="430211", parent="天元区", place_level=3)),
    "youxian": ("PLACE", "攸县", dict(code="430223", parent="株洲市", longitude=113.40, latitude=27.01, place_level=2)),
    "village": ("PLACE", "新市村", dict(code="430223", parent="网岭镇", place_level=4)),
    "nowhere": ("PLACE", "长岭坡", {}),
    "shiwei": ("ORG", "中共株洲市委员会", dict(org_type="party")),
    "zhengfu": ("ORG", "株洲市人民政府", dict(org_type="government")),
}

# Issues: (source_file, date, articles); an article: (kind, headline, body parts, bylines).
# A body part is plain text, or (text, entity key[, title]) for a mention.
ISSUES = [
    ("a.txt", dt.date(2024, 1, 5), [
        ("news", "市委常委会召开", ["1月4日,市委书记", ("曹一鸣", "cao", "市委书记"), "主持召开", ("市委", "shiwei"),
                                  "常委会。副市长", ("钱二平", "qian", "副市长"), "出席。会议在", ("天元区", "tianyuan"), "举行。"],
         [("李明", "记者", "byline")]),
        ("photo", None, [("嵩山路街道", "songshan"), "居民在", ("长岭坡", "nowhere"), "植树。"], [("赵强", None, "photo")]),
    ]),
    ("b.txt", dt.date(2024, 1, 20), [
        ("news", "曹一鸣调研攸县", ["市委书记", ("曹一鸣", "cao", "市委书记"), "到", ("攸县", "youxian"), ("新市村", "village"),
                                  "调研,", ("株洲市人民政府", "zhengfu"), "有关负责人", ("孙三妹", "sun"), "陪同。"],
         [("李明", "全媒体记者", "byline"), ("王芳", "通讯员", "byline")]),
        ("commentary", "评论", ["人人都是", ("株洲", "zhuzhou"), "的主人。"], []),
    ]),
    ("c.txt", dt.date(2024, 3, 2), [
        ("news", "市政府常务会议", ["市长", ("钱二平", "qian", "市长"), "主持", ("株洲市人民政府", "zhengfu"), "常务会议,",
                                  ("曹一鸣", "cao"), "、", ("周四海", "zhou"), "出席。", ("天元区", "tianyuan"), "汇报。"],
         [("李明", "记者", "byline"), ("赵强", None, "photo")]),
    ]),
]


def eid(key: str) -> str:
    label, name, _ = ENTITIES[key]
    return f"{'PERSON' if label in ('OFFICIAL', 'PERSON') else label}-{stable_id(label, name)}"


def synthetic_rows() -> dict[str, list[dict]]:
    """Rows for every table, built from ISSUES and ENTITIES (mention offsets computed from the bodies)."""
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    seen: dict[str, dict] = {}
    for source_file, date, articles in ISSUES:
        issue_id = stable_id(source_file)
        rows["issues"].append(dict(issue_id=issue_id, source_file=source_file, sha256=issue_id * 4, paper="株洲日报",
                                   issue_date=date, date_source="masthead", issue_number=30000 + date.toordinal() % 1000,
                                   lunar_date=None, pages=8, n_articles=len(articles), weekday=None, encoding="utf-8",
                                   n_chars=1000))
        for seq, (kind, headline, parts, bylines) in enumerate(articles, 1):
            article_id = f"{issue_id}-{seq:03d}"
            body = ""
            for part in parts:
                if isinstance(part, str):
                    body += part
                    continue
                text, key, *title = part
                label = ENTITIES[key][0]
                start = len(body)
                body += text
                mention_label = label if label != "OFFICIAL" or title else "PERSON"
                rows["mentions"].append(dict(mention_id=f"{article_id}-{start}", article_id=article_id,
                                             issue_id=issue_id, entity_id=eid(key), label=mention_label, text=text,
                                             start=start, end=start + len(text), title=title[0] if title else None,
                                             raw_start=start, raw_end=start + len(text)))  # body at raw offset 0
                e = seen.setdefault(key, dict(aliases=set(), n=0, articles=set(), dates=[]))
                e["aliases"].add(text)
                e["n"] += 1
                e["articles"].add(article_id)
                e["dates"].append(date)
                if title:
                    posts = title[0].split("、")
                    rows["officials"].append(dict(entity_id=eid(key), name=ENTITIES[key][1], title=title[0], posts=posts,
                                                  article_id=article_id, issue_date=date, post_parts=None))
            rows["articles"].append(dict(article_id=article_id, issue_id=issue_id, seq=seq, headline=headline,
                                         kicker=None, subtitle=None, kind=kind, source="株洲日报讯", dateline=None,
                                         body=body, raw_start=0, raw_end=len(body), issue_date=date,
                                         n_chars=len(body)))
            for name, role, credit in bylines:
                rows["bylines"].append(dict(article_id=article_id, name=name, role=role, credit=credit,
                                            issue_id=issue_id))
    for key, e in sorted(seen.items(), key=lambda kv: eid(kv[0])):
        label, name, extra = ENTITIES[key]
        rows["entities"].append(dict(entity_id=eid(key), label=label, name=name, aliases=sorted(e["aliases"]),
                                     n_mentions=e["n"], n_articles=len(e["articles"]), first_date=min(e["dates"]),
                                     last_date=max(e["dates"]), **extra))
    rows["failures"] = [
        dict(source_file="bad.txt", sha256=None, stage="read", severity="error", reason="empty file"),
        dict(source_file="b.txt", sha256=None, stage="segment", severity="warning", reason="article 2: headline scrambled"),
    ]
    return rows


def write_synthetic(out: Path, drop: tuple[str, ...] = ()) -> Path:
    """Write the synthetic tables to OUT with the pipeline's own writer (`drop`: tables written empty)."""
    rows = synthetic_rows()
    tables = {name: pa.Table.from_pylist([] if name in drop else rows[name], schema=TABLES[name]) for name in TABLES}
    write_tables(tables, Path(out))
    return Path(out)


def corpus_extraction(tmp_path_factory, model: bool = True) -> Path:
    """../shared/corpus extracted once per session (with models/ner when `model` and it exists)."""
    from pipeline.run import run_extract

    corpus = (ROOT / ".." / "shared" / "corpus").resolve()
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    use_model = model and (MODEL / "meta.json").exists()
    out = tmp_path_factory.getbasetemp() / ("corpus-ner" if use_model else "corpus-plain")
    if not (out / ".done").exists():
        shutil.rmtree(out, ignore_errors=True)
        run_extract(corpus, out, model_dir=MODEL if use_model else None, progress=False)
        (out / ".done").touch()
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return write_synthetic(tmp_path_factory.mktemp("synthetic"))


@pytest.fixture(scope="module")
def tables(synthetic) -> dict:
    return pipeline.load(synthetic)


@pytest.fixture(scope="module")
def empty(tmp_path_factory) -> dict:
    return pipeline.load(write_synthetic(tmp_path_factory.mktemp("empty"), drop=tuple(TABLES)))


# -- the Parquet files carry the schemas' descriptions ---------------------------

def test_parquet_files_carry_the_schema_descriptions(synthetic):
    for name, schema in TABLES.items():
        read = pq.read_schema(synthetic / f"{name}.parquet")
        assert read.metadata[b"description"] == schema.metadata[b"description"], name
        for field in schema:
            meta = read.field(field.name).metadata
            assert meta == field.metadata, f"{name}.{field.name}: {meta}"
            assert meta[b"meaning"] and b"example" in meta


def test_corpus_extraction_files_carry_the_descriptions(tmp_path_factory):
    out = corpus_extraction(tmp_path_factory, model=False)
    for name, schema in TABLES.items():
        read = pq.read_schema(out / f"{name}.parquet")
        assert read.metadata[b"description"] == schema.metadata[b"description"], name
        assert [read.field(f.name).metadata for f in schema] == [f.metadata for f in schema], name
    assert pq.read_schema(out / "articles.parquet").field("kicker").metadata[b"meaning"].decode().startswith("引题")


# -- pipeline.load ----------------------------------------------------------------

def test_load_gives_dates_nullable_integers_categories_and_lists(tables):
    assert set(tables) == set(TABLES)
    assert tables["issues"]["issue_date"].dtype == "datetime64[ns]"
    assert tables["articles"]["issue_date"].dtype == "datetime64[ns]"
    assert tables["entities"]["first_date"].dtype == "datetime64[ns]"
    assert tables["issues"]["issue_number"].dtype == "Int32"
    assert tables["entities"]["place_level"].dtype == "Int8"
    assert tables["entities"]["place_level"].isna().any()  # null stays null, not NaN-as-float
    for table, column in (("mentions", "label"), ("entities", "label"), ("articles", "kind"), ("bylines", "credit"),
                          ("failures", "severity"), ("failures", "stage"), ("entities", "org_type")):
        assert isinstance(tables[table][column].dtype, pd.CategoricalDtype), (table, column)
    assert list(tables["mentions"]["label"].cat.categories[:4]) == ["OFFICIAL", "PERSON", "PLACE", "ORG"]
    assert isinstance(tables["entities"]["aliases"].iloc[0], list)
    assert tables["officials"]["posts"].map(type).eq(list).all()


def test_load_keeps_unknown_category_values_and_fills_missing_tables(tmp_path):
    out = write_synthetic(tmp_path)
    articles = pq.read_table(out / "articles.parquet")
    kinds = articles.column("kind").to_pylist()
    kinds[0] = "obituary"
    pq.write_table(articles.set_column(articles.schema.get_field_index("kind"), articles.schema.field("kind"),
                                       pa.array(kinds, pa.string())), out / "articles.parquet")
    (out / "officials.parquet").unlink()
    tables = pipeline.load(out)
    assert tables["articles"]["kind"].iloc[0] == "obituary"
    assert tables["articles"]["kind"].notna().all()
    assert tables["officials"].empty and list(tables["officials"].columns) == TABLES["officials"].names


def test_load_says_what_to_do_when_the_folder_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="pipeline extract"):
        pipeline.load(tmp_path / "nothing")


# -- views ------------------------------------------------------------------------

def test_mentions_with_context(tables):
    m = views.mentions_with_context(tables)
    assert len(m) == len(tables["mentions"])
    row = m[(m.text == "钱二平") & (m.title == "副市长")].iloc[0]
    assert (row.headline, row.kind, row.entity_name, row.entity_label) == ("市委常委会召开", "news", "钱二平", "OFFICIAL")
    assert row.issue_date == pd.Timestamp("2024-01-05")
    assert "【钱二平】" in row.snippet and "副市长" in row.snippet
    # The resolved label of a person printed once without a title is still OFFICIAL.
    assert set(m[m.text == "曹一鸣"].entity_label) == {"OFFICIAL"}
    assert "snippet" not in views.mentions_with_context(tables, window=0)


def test_official_posts_and_top_officials(tables):
    posts = views.official_posts(tables)
    qian = posts[posts.name == "钱二平"].set_index("post")
    assert qian.loc["副市长", "first_seen"] == pd.Timestamp("2024-01-05")
    assert qian.loc["市长", "first_seen"] == pd.Timestamp("2024-03-02")
    top = views.top_officials(tables)
    assert list(top.name[:2]) == ["曹一鸣", "钱二平"]
    assert top.set_index("name").loc["钱二平", "latest_title"] == "市长"
    assert top.set_index("name").loc["周四海", "n_posts"] == 0


def test_cooccurrence(tables):
    pairs = views.cooccurrence(tables)
    got = {(r.name_a, r.name_b): r.n_articles for r in pairs.itertuples()}
    assert got[("曹一鸣", "株洲市人民政府")] == 2
    assert got[("曹一鸣", "天元区")] == 2
    assert got[("钱二平", "中共株洲市委员会")] == 1
    assert set(pairs.label_a) == {"OFFICIAL"} and set(pairs.label_b) <= {"PLACE", "ORG"}
    people = views.cooccurrence(tables, "OFFICIAL", ("OFFICIAL", "PERSON"))
    keys = {frozenset((r.entity_id_a, r.entity_id_b)) for r in people.itertuples()}
    assert len(keys) == len(people)  # each unordered pair once
    assert all(r.entity_id_a != r.entity_id_b for r in people.itertuples())
    assert {"曹一鸣", "钱二平"} in [{r.name_a, r.name_b} for r in people.itertuples()]


def test_coverage_by_place_counts_towns_and_villages_for_their_county(tables):
    cov = views.coverage_by_place(tables)
    got = {(r.period.strftime("%Y-%m"), r.county): (r.n_articles, r.n_mentions) for r in cov.itertuples()}
    assert got == {("2024-01", "天元区"): (2, 2), ("2024-01", "攸县"): (1, 2), ("2024-03", "天元区"): (1, 1)}
    assert cov.set_index("county").loc["攸县", "longitude"] == 113.40
    years = views.coverage_by_place(tables, freq="Y")
    assert set(years.period) == {pd.Timestamp("2024-01-01")}


def test_reporter_beats(tables):
    beats = views.reporter_beats(tables).set_index("name")
    li = beats.loc["李明"]
    assert (li.n_articles, li.n_photo, li.roles) == (3, 0, "全媒体记者、记者")
    assert li.top_officials[:2] == ["曹一鸣", "钱二平"]
    assert li.top_places[0] == "天元区"
    assert li.kinds == "news 3"
    assert beats.loc["赵强", "n_photo"] == 2
    assert beats.index[0] == "李明"


def test_views_on_empty_tables_give_empty_frames_with_columns(empty):
    for name, fn in (("mentions_with_context", views.mentions_with_context), ("official_posts", views.official_posts),
                     ("top_officials", views.top_officials), ("cooccurrence", views.cooccurrence),
                     ("coverage_by_place", views.coverage_by_place), ("reporter_beats", views.reporter_beats),
                     ("county_of_places", views.county_of_places)):
        out = fn(empty)
        assert out.empty and len(out.columns) > 3, name


def test_views_without_mentions_still_give_reporters(tmp_path):
    tables = pipeline.load(write_synthetic(tmp_path, drop=("mentions", "entities", "officials")))
    beats = views.reporter_beats(tables)
    assert beats.set_index("name").loc["李明", "n_articles"] == 3
    assert beats.set_index("name").loc["李明", "top_places"] == []
    assert views.coverage_by_place(tables).empty and views.cooccurrence(tables).empty


# -- national leaders (rules/national_leaders.toml) ------------------------------------

def test_national_leader_posts_by_the_rule():
    from pipeline.rules import load_national_leader_rules

    rules = load_national_leader_rules()
    for post in ("中共中央总书记", "国家主席", "中央军委主席", "国务院总理", "国务院副总理", "中共中央政治局常委",
                 "全国人大常委会委员长", "全国政协副主席", "中国共产党中央委员会总书记"):
        assert rules.is_national(post), post
    for post in ("全国人大代表", "全国政协委员", "中央委员", "市委书记", "国务院参事", "省委书记", "印度总理",
                 "总经理", "中共株洲市委书记"):
        assert not rules.is_national(post), post


def with_a_national_leader(tables: dict) -> dict:
    """The synthetic tables plus an invented national leader, the most mentioned official of all."""
    out = {name: df.copy() for name, df in tables.items()}
    leader = "PERSON-" + stable_id("OFFICIAL", "全某平")
    article = out["articles"]["article_id"].iloc[0]
    entity = pd.DataFrame([dict(entity_id=leader, label="OFFICIAL", name="全某平", aliases=["全某平"], n_mentions=50,
                                n_articles=9, first_date=pd.Timestamp("2024-01-05"), last_date=pd.Timestamp("2024-03-02"))])
    official = pd.DataFrame([dict(entity_id=leader, name="全某平", title="中共中央总书记、国家主席",
                                  posts=["中共中央总书记", "国家主席"], article_id=article,
                                  issue_date=pd.Timestamp("2024-01-05"), post_parts=None)])
    out["entities"] = pd.concat([out["entities"], entity], ignore_index=True)
    out["officials"] = pd.concat([out["officials"], official], ignore_index=True)
    return out


def test_top_officials_and_posts_can_leave_out_national_leaders(tables):
    t = with_a_national_leader(tables)
    assert views.national_leaders(t) == {"PERSON-" + stable_id("OFFICIAL", "全某平")}
    assert views.top_officials(t).iloc[0]["name"] == "全某平"
    city = views.top_officials(t, national=False)
    assert "全某平" not in set(city["name"]) and city.iloc[0]["name"] == "曹一鸣"
    assert list(city["name"]) == list(views.top_officials(tables)["name"])
    assert "全某平" in set(views.official_posts(t)["name"])
    assert "全某平" not in set(views.official_posts(t, national=False)["name"])


def test_no_national_leaders_in_empty_tables(empty):
    assert views.national_leaders(empty) == set()
    assert views.top_officials(empty, national=False).empty

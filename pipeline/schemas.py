"""The Parquet tables' schemas, declared once.

Every column carries its meaning and an example in its field metadata; the
data dictionary (`python -m pipeline dictionary`, docs/DATA_DICTIONARY.md) is
generated from these, and the Parquet files carry them too. The columns and
types of ../shared/OUTPUT_CONTRACT.md are the minimum; extra columns follow.
"""

from __future__ import annotations

import pyarrow as pa


def _field(name: str, type_: pa.DataType, meaning: str, example: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"meaning": meaning, "example": example})


def _schema(description: str, *fields: pa.Field) -> pa.Schema:
    return pa.schema(list(fields), metadata={"description": description})


ISSUES = _schema(
    "One row per input file that was read as an issue.",
    _field("issue_id", pa.string(), "stable id of the input file's content (first 16 hex of its sha256)", "705f82d224ee76e4", False),
    _field("source_file", pa.string(), "path relative to RAW, forward slashes; bytes that are not UTF-8 and control characters as \\xNN", "001_705f82d224ee76e4.txt", False),
    _field("sha256", pa.string(), "sha256 of the raw bytes", "705f82d2…", False),
    _field("paper", pa.string(), "the paper's name, from the masthead or else the datelines", "株洲日报"),
    _field("issue_date", pa.date32(), "publication date", "2024-12-05"),
    _field("date_source", pa.string(), "masthead, inferred (from datelines and text) or null", "masthead"),
    _field("issue_number", pa.int32(), "第23847期 -> 23847", "23847"),
    _field("lunar_date", pa.string(), "lunar date printed in the masthead", "甲辰年十一月初五"),
    _field("pages", pa.int32(), "今日8版 -> 8", "8"),
    _field("n_articles", pa.int32(), "number of articles extracted", "10", False),
    _field("weekday", pa.string(), "weekday printed in the masthead", "星期四"),
    _field("encoding", pa.string(), "how the file was decoded: utf-8, utf-8-sig, utf-16 (with a BOM), utf-16-le or utf-16-be (without one), gb18030", "utf-8", False),
    _field("n_chars", pa.int32(), "length of the decoded text in characters", "6637", False),
)

ARTICLES = _schema(
    "One row per article, in reading order within its issue.",
    _field("article_id", pa.string(), "<issue_id>-<seq as 3 digits>", "705f82d224ee76e4-003", False),
    _field("issue_id", pa.string(), "the issue it belongs to", "705f82d224ee76e4", False),
    _field("seq", pa.int32(), "1-based reading order in the issue", "3", False),
    _field("headline", pa.string(), "main title as printed, OCR spaces removed; null when none is printed (photo news, a continuation from another page)", "曹慧泉到千金集团调研"),
    _field("kicker", pa.string(), "引题, the line above the main title (for a comment column: the column's name)", "市委政法工作会议召开"),
    _field("subtitle", pa.string(), "副题, the line(s) below the main title", "深化改革创新 提升核心竞争力"),
    _field("kind", pa.string(), "news, photo, commentary, notice, table, letter, feature, or unknown", "news", False),
    _field("source", pa.string(), "dateline source", "株洲日报讯"),
    _field("dateline", pa.string(), "the date phrase of the dateline", "12月4日"),
    _field("body", pa.string(), "the article text after the headline block, repaired; paragraphs separated by \\n", "12月4日,市委书记…", False),
    _field("raw_start", pa.int32(), "offset of the article's first character in the decoded source file", "412", False),
    _field("raw_end", pa.int32(), "offset just past the article's last character in the decoded source file", "1890", False),
    _field("dateline_place", pa.string(), "place of an agency dateline (新华社北京2月16日电 -> 北京)", "北京"),
    _field("continued_from", pa.string(), "page this article continues from (◀◀上接01版)", "01版"),
    _field("continues_on", pa.string(), "page this article continues on (►下转 02版)", "02版"),
    _field("issue_date", pa.date32(), "the issue's date (repeated for convenience)", "2024-12-05"),
    _field("n_chars", pa.int32(), "length of body in characters", "769", False),
)

BYLINES = _schema(
    "One row per named person credited for an article's text or photos.",
    _field("article_id", pa.string(), "the article", "705f82d224ee76e4-003", False),
    _field("name", pa.string(), "the person's name", "陈正明", False),
    _field("role", pa.string(), "the job as printed without the paper's prefix", "全媒体记者"),
    _field("credit", pa.string(), "byline (text) or photo (摄, 供图, 翻拍)", "byline", False),
    _field("issue_id", pa.string(), "the issue", "705f82d224ee76e4", False),
)

MENTIONS = _schema(
    "One row per entity mention in an article body (see ../shared/ANNOTATION.md).",
    _field("mention_id", pa.string(), "<article_id>-<start>", "705f82d224ee76e4-003-17", False),
    _field("article_id", pa.string(), "the article", "705f82d224ee76e4-003", False),
    _field("issue_id", pa.string(), "the issue", "705f82d224ee76e4", False),
    _field("entity_id", pa.string(), "the entity the mention resolves to", "OFFICIAL-3f2a…", False),
    _field("label", pa.string(), "OFFICIAL, PERSON, PLACE or ORG", "OFFICIAL", False),
    _field("text", pa.string(), "the mention as printed: == body[start:end]", "曹慧泉", False),
    _field("start", pa.int32(), "character offset into articles.body", "17", False),
    _field("end", pa.int32(), "character offset just past the mention in articles.body", "20", False),
    _field("title", pa.string(), "for an OFFICIAL: the title chain printed before the name", "市委书记"),
)

ENTITIES = _schema(
    "One row per resolved entity.",
    _field("entity_id", pa.string(), "stable: derived from label and canonical name", "OFFICIAL-3f2a…", False),
    _field("label", pa.string(), "OFFICIAL, PERSON, PLACE or ORG", "OFFICIAL", False),
    _field("name", pa.string(), "canonical name", "曹慧泉", False),
    _field("aliases", pa.list_(pa.string()), "every surface form seen", "['曹慧泉']", False),
    _field("n_mentions", pa.int32(), "number of mentions", "12", False),
    _field("n_articles", pa.int32(), "number of articles it is mentioned in", "3", False),
    _field("first_date", pa.date32(), "first issue_date it appears in", "2023-02-17"),
    _field("last_date", pa.date32(), "last issue_date it appears in", "2024-12-05"),
    _field("code", pa.string(), "PLACE: administrative code of the place (or of its nearest coded ancestor for towns and villages)", "430211"),
    _field("parent", pa.string(), "PLACE: the administrative unit it belongs to", "株洲市"),
    _field("longitude", pa.float64(), "PLACE: longitude of a county-level or larger unit", "113.082216"),
    _field("latitude", pa.float64(), "PLACE: latitude of a county-level or larger unit", "27.826866"),
    _field("place_level", pa.int8(), "PLACE: 0 province, 1 prefecture, 2 county, 3 township, 4 village or community, 9 country, 10 foreign city", "2"),
    _field("org_type", pa.string(), "ORG: party, government, court, military, mass, association, enterprise, school, hospital, media or venue", "party"),
)

OFFICIALS = _schema(
    "One row per (official, title chain, article).",
    _field("entity_id", pa.string(), "the person", "OFFICIAL-3f2a…", False),
    _field("name", pa.string(), "the person's name", "邓为民", False),
    _field("title", pa.string(), "the chain as printed", "市委常委、市委秘书长、市纪委监委主任", False),
    _field("posts", pa.list_(pa.string()), "the chain split into posts", "['市委常委', '市委秘书长', '市纪委监委主任']", False),
    _field("article_id", pa.string(), "the article", "1bb611471ff94af8-001", False),
    _field("issue_date", pa.date32(), "the issue's date", "2022-01-09"),
    _field("post_parts", pa.list_(pa.struct([("post", pa.string()), ("organization", pa.string()), ("position", pa.string())])),
           "each post parsed into organization and position", "[{'post': '市委常委', 'organization': '市委', 'position': '常委'}]"),
)

FAILURES = _schema(
    "One row per input file that yielded no trustworthy rows (error), or per problem worth a person's look in a file that did (warning).",
    _field("source_file", pa.string(), "path relative to RAW, as in issues", "bad/empty.txt", False),
    _field("sha256", pa.string(), "sha256 of the raw bytes, where they could be read", "e3b0c442…"),
    _field("stage", pa.string(), "read, repair, masthead, segment, bylines, ner, resolve", "read", False),
    _field("severity", pa.string(), "error (file skipped) or warning (file processed, something distrusted)", "error", False),
    _field("reason", pa.string(), "one line a person understands", "empty file", False),
)

# Not an output table: the per-file part of mentions before resolution
# (pipeline/run.py), read back by the resolver.
MENTIONS_RAW = pa.schema([
    pa.field("issue_id", pa.string(), nullable=False),
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("issue_date", pa.date32()),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("label", pa.string(), nullable=False),
    pa.field("title", pa.string()),
    pa.field("alias_of", pa.int32()),
])

TABLES: dict[str, pa.Schema] = {
    "issues": ISSUES,
    "articles": ARTICLES,
    "bylines": BYLINES,
    "mentions": MENTIONS,
    "entities": ENTITIES,
    "officials": OFFICIALS,
    "failures": FAILURES,
}


def data_dictionary() -> str:
    """The data dictionary in Markdown, generated from the schemas above."""
    out = ["# Data dictionary", "", "Generated from `pipeline/schemas.py` by `python -m pipeline dictionary`; do not edit by hand.", ""]
    for name, schema in TABLES.items():
        out += [f"## {name}", "", schema.metadata[b"description"].decode(), "", "| column | type | null | meaning | example |", "|---|---|---|---|---|"]
        for f in schema:
            meta = {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}
            meaning = meta.get("meaning", "").replace("|", "\\|")
            out.append(f"| {f.name} | {f.type} | {'yes' if f.nullable else 'no'} | {meaning} | {meta.get('example', '')} |")
        out.append("")
    return "\n".join(out)

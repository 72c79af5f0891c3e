"""The Parquet tables' schemas, declared once.

Every column carries its meaning and an example in its field metadata, every
table its description and its primary and foreign keys in the schema's
metadata; the Parquet files carry them, and both the data dictionary
(`python -m pipeline dictionary`, docs/DATA_DICTIONARY.md) and the
Frictionless Data Package descriptor every run writes beside the tables
(`datapackage`, OUT/datapackage.json) are generated from them. The columns and
types of ../shared/OUTPUT_CONTRACT.md are the minimum; extra columns follow.
"""

from __future__ import annotations

import json

import pyarrow as pa


def _field(name: str, type_: pa.DataType, meaning: str, example: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"meaning": meaning, "example": example})


def _schema(description: str, *fields: pa.Field, primary_key: tuple[str, ...] = (),
            foreign_keys: dict[str, str] | None = None) -> pa.Schema:
    """`primary_key`: the columns whose values are unique together; `foreign_keys`:
    column -> "table.column" it refers to (every value there, or null)."""
    names = {f.name for f in fields}
    assert set(primary_key) <= names and set(foreign_keys or {}) <= names, "keys name columns of the table"
    metadata = {"description": description, "primary_key": json.dumps(list(primary_key)),
                "foreign_keys": json.dumps(foreign_keys or {})}
    return pa.schema(list(fields), metadata=metadata)


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
    primary_key=("issue_id",),
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
    primary_key=("article_id",),
    foreign_keys={"issue_id": "issues.issue_id"},
)

BYLINES = _schema(
    "One row per named person credited for an article's text or photos.",
    _field("article_id", pa.string(), "the article", "705f82d224ee76e4-003", False),
    _field("name", pa.string(), "the person's name", "陈正明", False),
    _field("role", pa.string(), "the job as printed without the paper's prefix", "全媒体记者"),
    _field("credit", pa.string(), "byline (text) or photo (摄, 供图, 翻拍)", "byline", False),
    _field("issue_id", pa.string(), "the issue", "705f82d224ee76e4", False),
    foreign_keys={"article_id": "articles.article_id", "issue_id": "issues.issue_id"},
)

MENTIONS = _schema(
    "One row per entity mention in an article body (see ../shared/ANNOTATION.md).",
    _field("mention_id", pa.string(), "<article_id>-<start>", "705f82d224ee76e4-003-17", False),
    _field("article_id", pa.string(), "the article", "705f82d224ee76e4-003", False),
    _field("issue_id", pa.string(), "the issue", "705f82d224ee76e4", False),
    _field("entity_id", pa.string(), "the entity the mention resolves to", "PERSON-3f2a…", False),
    _field("label", pa.string(), "OFFICIAL, PERSON, PLACE or ORG", "OFFICIAL", False),
    _field("text", pa.string(), "the mention as printed: == body[start:end]", "曹慧泉", False),
    _field("start", pa.int32(), "character offset into articles.body", "17", False),
    _field("end", pa.int32(), "character offset just past the mention in articles.body", "20", False),
    _field("title", pa.string(), "for an OFFICIAL: the title chain printed before the name", "市委书记"),
    _field("raw_start", pa.int32(), "offset of the mention's first character in the decoded source file", "2431", False),
    _field("raw_end", pa.int32(), "offset just past the mention's last character in the decoded source file (raw_end - raw_start > len(text) where the repair removed a layout space inside it)", "2434", False),
    primary_key=("mention_id",),
    foreign_keys={"article_id": "articles.article_id", "issue_id": "issues.issue_id", "entity_id": "entities.entity_id"},
)

ENTITIES = _schema(
    "One row per resolved entity.",
    _field("entity_id", pa.string(), "stable: the label class (PERSON for officials and persons alike, PLACE, ORG) and a hash of the canonical name", "PERSON-3f2a…", False),
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
    _field("place_level", pa.int8(), "PLACE: 0 province, 1 prefecture, 2 county, 3 township, 4 village or community (China's gazetteer); null for a place it does not list (a country, a foreign city, a street)", "2"),
    _field("org_type", pa.string(), "ORG: party, government, court, military, mass, association, enterprise, school, hospital, media or venue", "party"),
    primary_key=("entity_id",),
)

OFFICIALS = _schema(
    "One row per (official, title chain, article).",
    _field("entity_id", pa.string(), "the person", "PERSON-3f2a…", False),
    _field("name", pa.string(), "the person's name", "邓为民", False),
    _field("title", pa.string(), "the chain as printed", "市委常委、市委秘书长、市纪委监委主任", False),
    _field("posts", pa.list_(pa.string()), "the chain split into posts", "['市委常委', '市委秘书长', '市纪委监委主任']", False),
    _field("article_id", pa.string(), "the article", "1bb611471ff94af8-001", False),
    _field("issue_date", pa.date32(), "the issue's date", "2022-01-09"),
    _field("post_parts", pa.list_(pa.struct([("post", pa.string()), ("organization", pa.string()), ("position", pa.string())])),
           "each post parsed into organization and position", "[{'post': '市委常委', 'organization': '市委', 'position': '常委'}]"),
    primary_key=("entity_id", "title", "article_id"),
    foreign_keys={"entity_id": "entities.entity_id", "article_id": "articles.article_id"},
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
    pa.field("raw_start", pa.int32(), nullable=False),
    pa.field("raw_end", pa.int32(), nullable=False),
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


def keys(schema: pa.Schema) -> tuple[list[str], dict[str, str]]:
    """(primary key columns, {column: "table.column"}) of a table's schema."""
    meta = schema.metadata or {}
    return json.loads(meta.get(b"primary_key", b"[]")), json.loads(meta.get(b"foreign_keys", b"{}"))


def _meta(f: pa.Field) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}


def _frictionless_field(f: pa.Field) -> dict:
    """A Table Schema field for an Arrow field, as Frictionless reads Parquet (through pandas).

    pandas turns a nullable integer column into floats with NaN for nulls, so
    NaN counts as missing there; it hands over lists as numpy arrays, which
    the `array` type refuses, so lists are `any` (their Arrow type is kept in
    `parquetType`, a custom property).
    """
    t = f.type
    kind = ("string" if pa.types.is_string(t) else "integer" if pa.types.is_integer(t) else "number"
            if pa.types.is_floating(t) else "date" if pa.types.is_date(t) else "any" if pa.types.is_list(t) else None)
    if kind is None:
        raise TypeError(f"no Table Schema type for {t}")
    field = {"name": f.name, "type": kind, "description": _meta(f).get("meaning", ""), "parquetType": str(t)}
    if f.nullable and kind in ("integer", "number"):
        field["missingValues"] = ["", "nan"]
    if not f.nullable:
        field["constraints"] = {"required": True}
    return field


def datapackage(name: str = "zhuzhou-daily-extraction") -> dict:
    """The Frictionless Data Package descriptor of the tables (https://specs.frictionlessdata.io/data-package/):
    one resource per Parquet file, its fields with types and meanings, required columns, primary and foreign keys."""
    resources = []
    for table, schema in TABLES.items():
        table_schema: dict = {"fields": [_frictionless_field(f) for f in schema]}
        primary, foreign = keys(schema)
        if primary:
            table_schema["primaryKey"] = primary
        if foreign:
            table_schema["foreignKeys"] = [
                {"fields": [column], "reference": {"resource": target.split(".")[0], "fields": [target.split(".")[1]]}}
                for column, target in foreign.items()]
        resources.append({"name": table, "path": f"{table}.parquet", "type": "table", "format": "parquet",
                          "mediatype": "application/vnd.apache.parquet",
                          "description": schema.metadata[b"description"].decode(), "schema": table_schema})
    return {"name": name, "title": "Zhuzhou Daily (株洲日报) extraction",
            "description": "Issues, articles, bylines, entity mentions, entities and officials extracted from whole "
                           "issues of a Chinese city newspaper; generated from pipeline/schemas.py.",
            "resources": resources}


def data_dictionary(examples: dict[str, dict[str, str]] | None = None) -> str:
    """The data dictionary in Markdown, generated from the schemas above.

    `examples`: {table: {column: value as text}} from a real run (see
    `pipeline.tools.docs.table_examples`); a column without one shows the
    schema's own example, marked as such.
    """
    source = ("examples from `make dictionary`'s extraction of the samples in data/raw" if examples
              else "examples from the schemas")
    out = ["# Data dictionary", "",
           f"Generated from `pipeline/schemas.py` by `python -m pipeline dictionary` ({source}); do not edit by hand.",
           "Every run also writes `OUT/datapackage.json`, the same tables as a Frictionless Data Package "
           "(`frictionless validate OUT/datapackage.json`).", ""]
    for name, schema in TABLES.items():
        primary, foreign = keys(schema)
        out += [f"## {name}", "", schema.metadata[b"description"].decode(), ""]
        if primary:
            out.append(f"Primary key: {', '.join(primary)}." + ("" if foreign else ""))
        if foreign:
            out.append("Foreign keys: " + "; ".join(f"{c} -> {t}" for c, t in foreign.items()) + ".")
        if primary or foreign:
            out.append("")
        out += ["| column | type | null | meaning | example |", "|---|---|---|---|---|"]
        for f in schema:
            meta = _meta(f)
            meaning = meta.get("meaning", "").replace("|", "\\|")
            if examples is None:
                example = meta.get("example", "")
            elif f.name in examples.get(name, {}):
                example = examples[name][f.name]
            else:
                example = f"{meta.get('example', '')} (none in the samples)"
            out.append(f"| {f.name} | {f.type} | {'yes' if f.nullable else 'no'} | {meaning} | {example.replace('|', chr(92) + '|')} |")
        out.append("")
    return "\n".join(out)

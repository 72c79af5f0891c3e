"""Information extraction from whole issues of 株洲日报 (Zhuzhou Daily).

Stages, one module each, plain functions over the records of `records.py`:
read -> repair -> masthead -> segment (-> bylines) -> ner -> resolve -> tables.
`run.run_extract` runs them over a folder; `load` reads the tables back;
`views` joins them into the views analysts ask for; `report` writes the
quality report (`python -m pipeline.tools.report OUT`).
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

# Columns read as pandas categories, with the values the pipeline writes.
# Values outside these lists (a new kind, say) are kept: they are added to
# the categories, never turned into nulls.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "label": ("OFFICIAL", "PERSON", "PLACE", "ORG"),
    "kind": ("news", "photo", "commentary", "notice", "table", "letter", "feature", "unknown"),
    "credit": ("byline", "photo"),
    "severity": ("error", "warning"),
    "stage": ("read", "repair", "masthead", "segment", "bylines", "ner", "resolve"),
    "date_source": ("masthead", "inferred"),
    "org_type": ("party", "government", "court", "military", "mass", "association", "enterprise",
                 "school", "hospital", "media", "venue"),
}


def _to_pandas(table, schema):
    """An Arrow table -> DataFrame: dates as datetime64, nullable integers, categories."""
    import pandas as pd
    import pyarrow as pa

    ints = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
            pa.int64(): pd.Int64Dtype()}
    df = table.to_pandas(types_mapper=ints.get, date_as_object=False)
    for field in schema:
        if field.name not in df.columns:
            continue
        col = df[field.name]
        if pa.types.is_date(field.type) or pa.types.is_timestamp(field.type):
            df[field.name] = pd.to_datetime(col).astype("datetime64[ns]")
        elif field.name in CATEGORIES and pa.types.is_string(field.type):
            seen = [v for v in pd.unique(col.dropna()) if v not in CATEGORIES[field.name]]
            df[field.name] = pd.Categorical(col, categories=list(CATEGORIES[field.name]) + sorted(seen))
        elif pa.types.is_list(field.type):  # numpy arrays -> plain lists, which print and compare as lists
            df[field.name] = [None if v is None else list(v) for v in col]
    return df


def load(out_dir: str | Path = "data/out", tables: tuple[str, ...] | None = None) -> dict:
    """The tables of an extraction as pandas DataFrames, keyed by table name.

    Every table of `pipeline.schemas.TABLES` is returned (or only `tables`);
    one whose file is missing comes back empty with its columns. Types:
    `issue_date`, `first_date` and `last_date` are datetime64[ns] (NaT when
    unknown); integers are nullable (`Int32`, `Int8`); `label`, `kind`,
    `credit`, `severity`, `stage`, `date_source` and `org_type` are
    categories; strings are pandas strings; `aliases`, `posts` and
    `post_parts` are lists.

    The seven tables always come from one run: a publish a killed run left
    half done is finished first, and a set of tables from different runs is
    refused (`tables.MixedTables`, with what to do).

        tables = pipeline.load("data/out")
        tables["mentions"].label.value_counts()
    """
    from .schemas import TABLES
    from .tables import read_published

    out = Path(out_dir)
    if not out.is_dir():
        raise FileNotFoundError(f"no extraction in {out}: run `python -m pipeline extract RAW {out}` first")
    read = read_published(out, tables or tuple(TABLES))
    return {name: _to_pandas(table, TABLES[name]) for name, table in read.items()}

"""Information extraction from whole issues of 株洲日报 (Zhuzhou Daily).

Stages, one module each, plain functions over the records of `records.py`:
read -> repair -> masthead -> segment (-> bylines) -> ner -> resolve -> tables.
`run.run_extract` runs them over a folder; `load` reads the tables back.
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"


def load(out_dir: str | Path = "data/out") -> dict:
    """The tables of an extraction as pandas DataFrames, keyed by table name."""
    import pandas as pd

    from .schemas import TABLES

    out = Path(out_dir)
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES if (out / f"{name}.parquet").exists()}

"""The command line a newcomer types: the model found on its own, help for every argument."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pandas as pd

from pipeline.cli import DEFAULT_MODEL, build_parser, main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "sample_01_markdown.txt"


def _one_sample(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(parents=True)
    shutil.copy(SAMPLE, raw)
    return raw


def test_extract_without_model_uses_models_ner(tmp_path, monkeypatch, model_dir, capsys):
    monkeypatch.chdir(model_dir.parent.parent)  # the project's folder, where models/ner is
    assert (DEFAULT_MODEL / "meta.json").exists()
    out = tmp_path / "out"
    assert main(["extract", "--quiet", str(_one_sample(tmp_path)), str(out)]) == 0
    assert len(pd.read_parquet(out / "mentions.parquet")) > 0
    assert "no NER model" not in capsys.readouterr().err


def test_extract_without_any_model_says_so_and_still_extracts(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no models/ner here
    out = tmp_path / "out"
    assert main(["extract", "--quiet", str(_one_sample(tmp_path)), str(out)]) == 0
    err = capsys.readouterr().err
    assert "no NER model found" in err and "make model" in err and "--model DIR" in err
    assert len(pd.read_parquet(out / "mentions.parquet")) == 0 and len(pd.read_parquet(out / "articles.parquet")) > 0
    assert main(["extract", "--quiet", "--no-model", str(_one_sample(tmp_path / "b")), str(tmp_path / "b-out")]) == 0
    assert "no NER model" not in capsys.readouterr().err


def _actions(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from ((f"{name} {a}", h) for a, h in _actions(sub))
        elif not isinstance(action, argparse._HelpAction):
            yield "/".join(action.option_strings) or action.dest, action.help


def test_every_argument_has_help():
    missing = [name for name, text in _actions(build_parser()) if not text]
    assert not missing, missing

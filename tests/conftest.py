"""Shared fixtures. Real text is read from ../shared/corpus, never copied here."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.rules import load_structure_rules

ROOT = Path(__file__).resolve().parent.parent
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
SAMPLES = ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def rules():
    return load_structure_rules()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    return CORPUS


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


MODEL = ROOT / "models" / "ner"


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The NER model `make test` builds first (make model)."""
    if not (MODEL / "meta.json").exists():
        pytest.skip("no NER model: run `make model` (make test does)")
    return MODEL


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory, corpus_dir, model_dir):
    """../shared/corpus extracted with the model, once per session (as `make eval` does)."""
    from pipeline.run import run_extract

    out = tmp_path_factory.mktemp("corpus_out")
    run_extract(corpus_dir, out, model_dir=model_dir, progress=False)
    return out


@pytest.fixture(scope="session")
def samples_out(tmp_path_factory, samples_dir, model_dir):
    """data/raw extracted with the model, once per session (as `make eval` and `make dictionary` do)."""
    from pipeline.run import run_extract

    out = tmp_path_factory.mktemp("samples_out")
    run_extract(samples_dir, out, model_dir=model_dir, progress=False)
    return out

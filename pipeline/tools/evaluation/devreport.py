"""Text tables and JSON dicts of the dev-set scores (see devset.py for the keys)."""

from __future__ import annotations

from .articles import FIELDS, MASTHEAD_FIELDS, FieldScore, LayoutScores
from .devdata import PART_NAMES, PARTS
from .bodies import BodyScores
from .officials import OfficialScores
from .spans import FAMILIES, GROUPS, SpanScores, render_items
from .structure import PRF



def prf_dict(prf: PRF) -> dict:
    return {"precision": prf.precision, "recall": prf.recall, "f1": prf.f1, "tp": prf.tp, "fp": prf.fp, "fn": prf.fn}


def field_dict(score: FieldScore) -> dict:
    return {**prf_dict(score.prf), "accuracy": score.accuracy, "n": score.total}


def layout_dict(s: LayoutScores) -> dict:
    return {
        "issues": s.n_issues, "articles": s.n_articles, "parts": dict(s.parts),
        "headlines": {p: prf_dict(s.articles[p]) for p in PARTS},
        "fields": {f: {p: field_dict(s.fields[f][p]) for p in PARTS} for f in FIELDS},
        "bylines": {p: prf_dict(s.bylines[p]) for p in PARTS},
        "bylines_name_role": {p: prf_dict(s.bylines_name_role[p]) for p in PARTS},
        "kind_skipped": len(s.kind_skipped),
        "jumps": prf_dict(s.jumps),
        "masthead": {f: field_dict(s.masthead[f]) for f in MASTHEAD_FIELDS if s.masthead[f].total},
        "split": len(s.split), "glued": len(s.glued), "unassigned": len(s.unassigned),
    }


def _row(name: str, scores: dict, accuracy: bool) -> str:
    a = scores["all"]
    prf = a.prf if isinstance(a, FieldScore) else a
    line = f"{name:<24}{prf.precision:7.3f}{prf.recall:7.3f}{prf.f1:7.3f}"
    line += f"{a.accuracy:7.3f}" if accuracy else " " * 7
    line += f"   tp={prf.tp:<4} fp={prf.fp:<4} fn={prf.fn:<4}"
    for part in ("A", "B"):
        v = scores[part]
        p = v.prf if isinstance(v, FieldScore) else v
        line += f"{p.f1:8.3f}" + (f"{v.accuracy:7.3f}" if accuracy else " " * 7)
    return line


def _header(title: str) -> list[str]:
    return [title, f"{'':<24}{'P':>7}{'R':>7}{'F1':>7}{'acc':>7}{'':<35}{'A F1':>8}{'acc':>7}{'B F1':>8}{'acc':>7}"]


def _structure_rows(s: LayoutScores) -> list[str]:
    lines = [_row("articles (by headline)", s.articles, False)]
    for f in FIELDS:
        name = f if f != "kind" else f"kind ({s.fields['kind']['all'].total} of {s.n_articles})"
        lines.append(_row(name, s.fields[f], True))
    lines.append(_row("bylines (+credit)", s.bylines, False))
    lines.append(_row("bylines (name+role)", s.bylines_name_role, False))
    if s.jumps.tp + s.jumps.fn + s.jumps.fp:
        j = s.jumps
        lines.append(f"{'page jumps':<24}{j.precision:7.3f}{j.recall:7.3f}{j.f1:7.3f}{'':7}   tp={j.tp:<4} fp={j.fp:<4} fn={j.fn:<4}")
    for f in MASTHEAD_FIELDS:
        m = s.masthead[f]
        if m.total:
            lines.append(f"{'masthead.' + f:<24}{m.prf.precision:7.3f}{m.prf.recall:7.3f}{m.prf.f1:7.3f}{m.accuracy:7.3f}")
    lines.append(f"dev articles split over several predicted: {len(s.split)}; predicted articles holding several dev "
                 f"articles: {len(s.glued)}; predicted articles of no dev article: {len(s.unassigned)}")
    return lines


def _section(lines: list[str], title: str, items: list[str], limit: int | None) -> None:
    """`-- title: n` and the items (at most `limit` of them), when there are any."""
    if not items:
        return
    lines.append(f"-- {title}: {len(items)}")
    lines.extend(f"   {item}" for item in items[:limit])
    if limit is not None and len(items) > limit:
        lines.append(f"   … {len(items) - limit} more")


def _structure_lists(s: LayoutScores, limit: int | None) -> list[str]:
    lines: list[str] = []

    def section(title: str, items: list) -> None:
        _section(lines, title, items, limit)

    for f in FIELDS:
        section(f"wrong {f} (where, gold, predicted)", [f"{w}  {g!r}  {p!r}" for w, g, p in s.fields[f]["all"].wrong])
    section("bylines missed (where, (name, role, credit))", [f"{w}  {k}" for w, k in s.bylines["all"].misses])
    section("bylines false", [f"{w}  {k}" for w, k in s.bylines["all"].false_hits])
    section("dev articles split (where, headline, extra articles, predicted headlines)",
            [f"{w}  {h!r} +{n}  {hs}" for w, h, n, hs in s.split])
    section("predicted articles holding several dev articles (where, headline, dev ids)",
            [f"{w}  {h!r}  {ids}" for w, h, ids in s.glued])
    section("predicted articles of no dev article (where, headline)", [f"{w}  {h!r}" for w, h in s.unassigned])
    section("page jumps missed", [f"{w}  {k}" for w, k in s.jumps.misses])
    section("page jumps false", [f"{w}  {k}" for w, k in s.jumps.false_hits])
    kinds = {}
    for dev_id, why in s.kind_skipped:
        kinds.setdefault(why, []).append(dev_id)
    for why, ids in kinds.items():
        lines.append(f"-- kind not scored for {len(ids)} articles ({why}): {' '.join(sorted(set(ids)))}")
    return lines


def _body_lines(b: BodyScores, limit: int | None) -> list[str]:
    d = b.as_dict()
    lines = [f"bodies: {d['gold_chars']} gold characters; breaks inside a sentence {d['breaks_inside_sentence']}, "
             f"paragraphs joined {d['paragraphs_joined']}, lost {d['lost_text']} (+{d['lost_credit']} of dateline/byline/"
             f"credit text), doubled {d['doubled']}, layout kept {d['layout_kept']}, header kept {d['header_kept']}"]
    for title, items in (("breaks inside a sentence", [f"{i}  {c}" for i, c in b.breaks]),
                         ("paragraphs joined", [f"{i}  {c}" for i, c in b.joined]),
                         ("lost text", [f"{i}  {n:>4}  {c}" for i, kind, n, c in b.lost_runs if kind == "text"]),
                         ("doubled", [f"{i}  {n:>4}  {c}" for i, n, c in b.doubled_runs])):
        _section(lines, f"bodies, {title}", items, limit)
    return lines


def render_layout(s: LayoutScores, bodies: BodyScores, limit: int | None = None) -> list[str]:
    parts = ", ".join(f"{p} {PART_NAMES[p]} {n}" for p, n in sorted(s.parts.items()))
    lines = _header(f"== dev set, layout {s.layout}: {s.n_issues} issues, {s.n_articles} articles ({parts})")
    lines += _structure_rows(s) + _body_lines(bodies, limit) + _structure_lists(s, limit)
    lines.append("")
    return lines


def render_articles(s: LayoutScores, spans: SpanScores, text: dict, officials: OfficialScores, bodies: BodyScores,
                    limit: int | None = None) -> list[str]:
    parts = ", ".join(f"{p} {PART_NAMES[p]} {n}" for p, n in sorted(s.parts.items()))
    lines = _header(f"== dev set, one article per file: {s.n_articles} articles ({parts})")
    lines += _structure_rows(s) + _body_lines(bodies, limit) + _structure_lists(s, limit)
    lines += ["", "== dev set, one article per file: mentions, exact spans (start, end, label)",
              f"{'label':<10}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}{'A F1':>8}{'B F1':>8}"]
    for g in GROUPS:
        c = spans.counts["all"][g].as_dict()
        lines.append(f"{g:<10}{c['precision']:7.3f}{c['recall']:7.3f}{c['f1']:7.3f}{c['tp']:6}{c['fp']:6}{c['fn']:6}"
                     f"{spans.counts['A'][g].as_dict()['f1']:8.3f}{spans.counts['B'][g].as_dict()['f1']:8.3f}")
    lines.append("text multisets per article, as the corpus eval counts (F1): " + ", ".join(
        f"{g} {r['f1']:.3f}" for g, r in text["labels"].items()))
    lines.append("-- error families (items): " + "; ".join(
        f"{f} {sum(it['family'] == f for it in spans.items)}" for f in FAMILIES))
    lines += render_items(spans.items, limit)
    lines += ["", "== dev set, one article per file: officials",
              f"{'':<24}{'P':>7}{'R':>7}{'F1':>7}{'':<35}{'A F1':>8}{'B F1':>8}"]
    for name, table in (("(name, title)", officials.title), ("(name, post)", officials.post)):
        p = table["all"]
        lines.append(f"{name:<24}{p.precision:7.3f}{p.recall:7.3f}{p.f1:7.3f}   tp={p.tp:<4} fp={p.fp:<4} fn={p.fn:<4}"
                     f"{'':<14}{table['A'].f1:8.3f}{table['B'].f1:8.3f}")
    for name, table in (("title", officials.title), ("post", officials.post)):
        _section(lines, f"officials missed (id, (name, {name}))", [f"{w}  {k}" for w, k in table["all"].misses], limit)
        _section(lines, f"officials false (id, (name, {name}))", [f"{w}  {k}" for w, k in table["all"].false_hits], limit)
    lines.append("")
    return lines


def summary_lines(results: dict) -> list[str]:
    """One line per dev-set evaluation: the figures the issues set targets for."""
    lines = []
    a = results.get("articles")
    if a:
        st, m, o = a["structure"], a["mentions"]["exact"]["all"], a["officials"]
        f = st["fields"]
        lines.append(
            f"dev one per file: source {f['source']['all']['accuracy']:.3f} acc, dateline {f['dateline']['all']['accuracy']:.3f} acc, "
            f"bylines F1 {st['bylines']['all']['f1']:.3f}; mentions F1 OFFICIAL {m['OFFICIAL']['f1']:.3f} PERSON {m['PERSON']['f1']:.3f} "
            f"PER {m['PER']['f1']:.3f} PLACE {m['PLACE']['f1']:.3f} ORG {m['ORG']['f1']:.3f} micro {m['micro']['f1']:.3f}; "
            f"officials (name, post) F1 {o['post']['all']['f1']:.3f}, (name, title) {o['title']['all']['f1']:.3f}")
    for layout, st in results.get("layouts", {}).items():
        f = st["fields"]
        lines.append(
            f"dev {layout}: headline F1 {st['headlines']['all']['f1']:.3f}, kicker {f['kicker']['all']['f1']:.3f}, "
            f"subtitle {f['subtitle']['all']['f1']:.3f}, kind {f['kind']['all']['accuracy']:.3f} acc, "
            f"source {f['source']['all']['accuracy']:.3f} acc, dateline {f['dateline']['all']['accuracy']:.3f} acc, "
            f"bylines F1 {st['bylines']['all']['f1']:.3f}")
    for name, b in results.get("bodies", {}).items():
        if b:
            lines.append(f"dev bodies {name}: breaks inside a sentence {b['breaks_inside_sentence']}, lost {b['lost_text']} "
                         f"(+{b['lost_credit']} credit text) of {b['gold_chars']}, doubled {b['doubled']}")
    return lines

"""The dev-set yardstick: exact-span scoring and its error families, officials,
article and body scoring on cases written for the tests; the assembler's
offsets and determinism on the real dev set (read from ../shared/devset,
never copied here); and one end-to-end run on a few dev articles."""

from __future__ import annotations

import json
import time
from array import array
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.tools.evaluation.articles import PredictedArticle, PredictedIssue, assign, score_layout
from pipeline.tools.evaluation.assemble import (LAYOUTS, AssembledIssue, Piece, Placement, assemble, one_per_file,
                                                write_issues)
from pipeline.tools.evaluation.bodies import score_bodies, unended_breaks
from pipeline.tools.evaluation.devdata import Byline, DevArticle, GoldMention, header_length, load_devset, raw_article
from pipeline.tools.evaluation.officials import score_officials
from pipeline.tools.evaluation.spans import Span, error_items, family_counts, score_spans

ROOT = Path(__file__).resolve().parent.parent
DEVSET = (ROOT / ".." / "shared" / "devset").resolve()


def article(body: str, mentions=(), id="A901", headline="测试标题", source=None, dateline=None, bylines=(),
            officials=(), kicker=None, subtitle=None) -> DevArticle:
    ms = []
    for text, label, nth in mentions:  # the nth occurrence of text in the body
        at = -1
        for _ in range(nth + 1):
            at = body.index(text, at + 1)
        ms.append(GoldMention(at, at + len(text), label, text))
    return DevArticle(id=id, paper="测试日报", kicker=kicker, headline=headline, subtitle=subtitle, body=body,
                      truncated=False, source=source, dateline=dateline, bylines=[Byline(*b) for b in bylines],
                      mentions=ms, officials=list(officials))


def span(a: DevArticle, text: str, label: str, nth: int = 0) -> Span:
    at = -1
    for _ in range(nth + 1):
        at = a.body.index(text, at + 1)
    return Span(at, at + len(text), label, text)


@pytest.fixture(scope="module")
def devset():
    if not (DEVSET / "articles").is_dir():
        pytest.skip("../shared/devset is not beside the project")
    return load_devset(DEVSET)


# -- exact spans and families ------------------------------------------------------

BODY = "区长王小明来到青山镇红旗村,与东湖公司负责人座谈。居民李大山说,青山镇变美了。"


def gold_article() -> DevArticle:
    return article(BODY, [("王小明", "OFFICIAL", 0), ("青山镇", "PLACE", 0), ("红旗村", "PLACE", 0),
                          ("东湖公司", "ORG", 0), ("李大山", "PERSON", 0), ("青山镇", "PLACE", 1)])


def test_exact_spans_score_one_for_the_gold_itself():
    a = gold_article()
    s = score_spans([a], {a.id: [Span(m.start, m.end, m.label, m.text) for m in a.mentions]})
    assert all(s.counts["all"][g].as_dict()["f1"] == 1.0 for g in ("OFFICIAL", "PERSON", "PLACE", "ORG", "PER", "micro"))
    assert s.items == []


def test_exact_spans_need_the_same_occurrence_not_the_same_text():
    a = gold_article()
    # the first 青山镇 twice would be right by text multiset, but one of them is not where the gold is
    pred = [span(a, "青山镇", "PLACE"), Span(0, 3, "PLACE", "区长王")]
    s = score_spans([a], {a.id: pred})
    place = s.counts["all"]["PLACE"].as_dict()
    assert (place["tp"], place["fp"], place["fn"]) == (1, 1, 2)


def test_per_merges_official_and_person_but_each_label_does_not():
    a = gold_article()
    pred = [span(a, "王小明", "PERSON"), span(a, "李大山", "PERSON")]
    s = score_spans([a], {a.id: pred})
    c = s.counts["all"]
    assert c["PER"].as_dict()["recall"] == 1.0 and c["PER"].as_dict()["precision"] == 1.0
    assert c["OFFICIAL"].as_dict()["recall"] == 0.0
    assert c["PERSON"].as_dict()["precision"] == 0.5
    items = s.items
    assert [(it["family"], it["detail"]) for it in items if it["label"] == "OFFICIAL"] == [("label", "OFFICIAL -> PERSON")]


def test_micro_is_over_the_three_classes():
    a = gold_article()
    pred = [span(a, "王小明", "PERSON"), span(a, "青山镇", "PLACE"), span(a, "东湖公司", "PLACE")]
    micro = score_spans([a], {a.id: pred}).counts["all"]["micro"]
    assert (micro.tp, micro.fp, micro.fn) == (2, 1, 4)


def test_error_families():
    a = gold_article()
    pred = [
        Span(a.body.index("王小明") - 2, a.body.index("王小明") + 3, "OFFICIAL", "区长王小明"),  # longer
        Span(a.body.index("青山镇"), a.body.index("青山镇") + 2, "PLACE", "青山"),  # shorter
        Span(a.body.index("红旗村") + 1, a.body.index("红旗村") + 4, "PLACE", "旗村,"),  # shifted
        span(a, "东湖公司", "PLACE"),  # same span, other class: a label error
        span(a, "负责人", "ORG"),  # false
    ]  # 李大山 and the second 青山镇: missed
    items = error_items(a, [Span(m.start, m.end, m.label, m.text) for m in a.mentions], pred)
    got = [(it["family"], it["detail"], it["label"]) for it in items]
    assert got == [("boundary", "longer", "OFFICIAL"), ("boundary", "shorter", "PLACE"), ("boundary", "shifted", "PLACE"),
                   ("label", "ORG -> PLACE", "ORG"), ("false", "", "ORG"), ("missed", "", "PERSON"), ("missed", "", "PLACE")]
    counts = family_counts(items)["all"]
    assert counts["boundary"]["items"] == 3 and counts["boundary"]["by_label"] == {"PLACE": 2, "OFFICIAL": 1}
    assert "[李大山]" in next(it["context"] for it in items if it["family"] == "missed")


def test_split_merged_and_boundary_with_another_label():
    a = article("株洲市总商会苏州联络站与天元区嵩山路街道签约。",
                [("株洲市总商会苏州联络站", "ORG", 0), ("天元区", "PLACE", 0), ("嵩山路街道", "PLACE", 0)])
    gold = [Span(m.start, m.end, m.label, m.text) for m in a.mentions]
    split = error_items(a, gold, [span(a, "株洲市总商会", "ORG"), span(a, "苏州联络站", "ORG"), *gold[1:]])
    assert [(it["family"], it["detail"]) for it in split] == [("boundary", "split")]
    merged = error_items(a, gold, [gold[0], span(a, "天元区嵩山路街道", "PLACE")])
    assert [(it["family"], it["detail"]) for it in merged] == [("boundary", "merged")]
    other = error_items(a, gold, [span(a, "株洲市", "PLACE"), *gold[1:]])
    assert [it["family"] for it in other] == ["boundary+label"]


# -- officials ------------------------------------------------------------------

def test_officials_by_title_and_by_post():
    a = article("……", officials=[{"name": "王小明", "title": "市委常委、副市长", "posts": ["市委常委", "副市长"]},
                                 {"name": "李大山", "title": "市领导", "posts": ["市领导"]}])
    s = score_officials([a], {a.id: [("王小明", "副市长", ["副市长"]), ("李大山", "市领导", ["市领导"]),
                                     ("赵一", "局长", ["局长"])]})
    t, p = s.title["all"], s.post["all"]
    assert (t.tp, t.fp, t.fn) == (1, 2, 1)
    assert (p.tp, p.fp, p.fn) == (2, 1, 1)
    assert ("A901", ("王小明", "市委常委")) in p.misses


def test_officials_are_sets_per_article():
    a = article("……", officials=[{"name": "王小明", "title": "副市长", "posts": ["副市长"]}])
    s = score_officials([a], {a.id: [("王小明", "副市长", ["副市长"])] * 3})
    assert (s.title["all"].tp, s.title["all"].fp) == (1, 0)


# -- kinds and credit text derived from the gold ------------------------------------------

def test_expected_kind_follows_the_gold_conventions():
    news = article("本报讯(记者 王一)昨日,大会召开。", source="本报讯", bylines=[("王一", "记者", "byline")])
    feature = article("□记者 王一\n\n走进村子,到处是新景象。", bylines=[("王一", "记者", "byline")])
    photo = article("村民在田里收稻谷。 记者 王一 摄", bylines=[("王一", "记者", "photo")])
    notice = article("因施工需要,道路封闭。", headline="关于道路封闭的通告")
    signed = article("因施工需要,道路封闭。\n\n县交警大队\n\n2016年10月27日", headline=None)
    unknown = article("大会召开。(王一)", bylines=[("王一", None, "byline")])
    assert [x.expected_kind[0] for x in (news, feature, photo, notice, signed, unknown)] == \
        ["news", "feature", "photo", "notice", "notice", None]
    # a caption whose credit names a text byline too is not a byline paragraph
    assert not feature.is_byline_paragraph("新景象图 记者 王一 摄")


def test_credit_spans_cover_dateline_bylines_and_closing_credits_not_captions():
    body = "本报讯(记者 王一 通讯员 李二)昨日,大会召开。\n\n▲会场一角张三摄\n\n会议结束。 记者 张三 摄\n\n(王一)"
    a = article(body, source="本报讯", bylines=[("王一", "记者", "byline"), ("李二", "通讯员", "byline"),
                                              ("张三", None, "photo")])
    pieces = [body[s:e] for s, e in a.credit_spans]
    assert pieces == ["本报讯(记者 王一 通讯员 李二)", "张三摄", "记者 张三 摄", "(王一)"]


# -- articles of assembled issues ------------------------------------------------------

def _predicted(issue: AssembledIssue, spans: list[tuple[int, int]], fields: list[dict], bylines=None) -> list[PredictedArticle]:
    """Predicted articles whose bodies are the issue text's spans (one line each)."""
    out = []
    for k, ((start, end), row) in enumerate(zip(spans, fields)):
        body = issue.text[start:end]
        record = SimpleNamespace(body=body, body_offsets=array("l", range(start, end)))
        row = {"headline": None, "kicker": None, "subtitle": None, "kind": "news", "source": None, "dateline": None,
               "continued_from": None, "continues_on": None, "raw_start": start, "raw_end": end, **row}
        out.append(PredictedArticle(row, (bylines or {}).get(k, []), record))
    return out


def _two_article_issue() -> AssembledIssue:
    x = article("本报讯(记者 王一)昨日,大会召开。", id="A901", headline="大会召开", source="本报讯",
                bylines=[("王一", "记者", "byline")])
    y = article("村里修了新路,村民出行方便多了。", id="B901", headline="村里修了新路")
    text = "大会召开\n\n" + x.body + "\n\n村里修了新路\n\n" + y.body + "\n"
    placements = []
    for a in (x, y):
        at = text.index(a.body)
        head = text.index(a.headline)
        placements.append(Placement(a, "bare", {"headline": (head, head + len(a.headline))},
                                    array("l", range(at, at + len(a.body))), [], [Piece(a.headline)]))
    return AssembledIssue("t/issue.txt", "bare", text, placements)


def test_an_article_glued_to_the_next_counts_for_the_first_and_the_next_is_missed():
    issue = _two_article_issue()
    x, y = (p.article for p in issue.placements)
    start, end = issue.text.index(x.body), issue.text.index(y.body) + len(y.body)
    preds = _predicted(issue, [(start, end)], [{"headline": "大会召开", "source": "本报讯"}],
                       {0: [("王一", "记者", "byline")]})
    assign(issue, preds)
    assert preds[0].owner == 0
    s = score_layout("bare", [issue], {issue.name: PredictedIssue({}, preds)})
    assert (s.articles["all"].tp, s.articles["all"].fn, s.articles["all"].fp) == (1, 1, 0)
    assert s.fields["source"]["all"].accuracy == 1.0  # 本报讯 for x, none for y
    assert s.fields["headline"]["all"].right == 1
    assert s.bylines["all"].f1 == 1.0
    assert s.glued and s.glued[0][2] == ["A901", "B901"]
    assert s.parts == {"A": 1, "B": 1}
    assert s.articles["B"].fn == 1 and s.articles["A"].tp == 1


def test_headless_pieces_and_jumps_are_scored():
    issue = _two_article_issue()
    issue.placements[1].pieces = [Piece("村里修了新路", continues_on="02版"), Piece(None, continued_from="01版")]
    x, y = (p.article for p in issue.placements)
    sx, sy = issue.text.index(x.body), issue.text.index(y.body)
    cut = sy + 6
    preds = _predicted(issue, [(sx, sx + len(x.body)), (sy, cut), (cut, sy + len(y.body))],
                       [{"headline": "大会召开"}, {"headline": "村里修了新路", "continues_on": "02版"},
                        {"continued_from": "01版"}])
    s = score_layout("mixed", [issue], {issue.name: PredictedIssue({}, preds)})
    assert s.articles["all"].f1 == 1.0  # the continuation is the expected <headless> piece
    assert s.jumps.f1 == 1.0 and s.split == []


# -- bodies -------------------------------------------------------------------------

def test_bodies_count_breaks_inside_a_sentence_joins_losses_and_doubles():
    a = article("本报讯(记者 王一)昨日,大会召开。\n\n会议要求,从实际情况出发。", source="本报讯",
                bylines=[("王一", "记者", "byline")])
    text = raw_article(a)
    shift = header_length(a)
    [issue] = one_per_file([a])
    body_start = shift + a.body.index("昨日")
    second = shift + a.body.index("会议")
    cut = shift + a.body.index("际情况")
    end = shift + len(a.body)
    # our body: the lead without its dateline, then the second paragraph cut after 从实
    body = text[body_start:second - 2] + "\n" + text[second:cut] + "\n" + text[cut:end]
    offsets = array("l", list(range(body_start, second - 2)) + [second - 3] + list(range(second, cut)) + [cut - 1]
                    + list(range(cut, end)))
    s = score_bodies([issue], {issue.name: [(body, offsets)]})
    assert len(s.breaks) == 1 and "从实⏎际情况" in s.breaks[0][1]
    assert s.joined == [] and s.lost_text == 0 and s.lost_credit == len("本报讯(记者王一)") and s.doubled == 0
    # the same without the paragraph break: a join; and the second paragraph twice: doubled
    joined = text[body_start:second - 2] + text[second:end]
    joined_offsets = array("l", list(range(body_start, second - 2)) + list(range(second, end)))
    again = text[second:end]
    twice = score_bodies([issue], {issue.name: [(joined, joined_offsets), (again, array("l", range(second, end)))]})
    assert len(twice.joined) == 1 and twice.doubled == len(again) and len(twice.doubled_runs) == 1


def test_corpus_check_counts_cut_paragraphs_not_subheads_tables_or_signatures():
    body = ("良好的生态环境,直接关系到人民群众的切身利益。从实\n际情况看,单靠部门是不够的。\n"
            "搭建好平台 加速乡情凝聚\n会上,大家发言踊跃。\n项目\t一区\t二区\n"
            "某某县交警大队\n2016年10月27日")
    found = unended_breaks(body, subheads=["搭建好平台加速乡情凝聚"])
    assert len(found) == 1 and "从实⏎际情况" in found[0]
    assert len(unended_breaks(body)) == 2  # without the gold's subhead, the subhead is counted too


# -- the assembler on the real dev set --------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_recorded_offset_points_at_its_character(devset, layout):
    issues = assemble(devset, layout)
    placed = [p.article.id for i in issues for p in i.placements]
    expected = [a.id for a in devset if a.headline or (layout in ("markdown", "mixed") and not a.source)]
    assert sorted(placed) == sorted(expected)
    for issue in issues:
        for p in issue.placements:
            a = p.article
            assert len(p.body) == len(a.body)
            for i, at in enumerate(p.body):
                assert (at < 0) == (a.body[i] == "\n"), (issue.name, a.id, i)
                if at >= 0:
                    assert issue.text[at] == a.body[i], (issue.name, a.id, i)
            for i, at in p.copies:
                assert issue.text[at] == a.body[i]
            for name, (start, end) in p.header.items():
                assert issue.text[start:end] == getattr(a, name)
            printed = [x for x in p.body if x >= 0]
            assert printed == sorted(printed)  # the article's text in its own order


def test_one_article_per_file_is_header_lines_a_blank_line_and_the_body(devset):
    for issue in one_per_file(devset):
        [p] = issue.placements
        a = p.article
        assert issue.text == raw_article(a)
        assert issue.text.endswith(a.body) and len(issue.text) - len(a.body) == header_length(a)
        if a.header_lines:
            assert issue.text.split("\n")[:len(a.header_lines) + 1] == a.header_lines + [""]


def test_layouts_print_the_corpus_forms(devset):
    texts = {layout: "\n".join(i.text for i in assemble(devset, layout)) for layout in LAYOUTS}
    assert "\n## " in texts["markdown"] and "  \n" in texts["markdown"] and "客户端" in texts["markdown"]
    assert "◀◀上接" in texts["markdown"] and "#### " in texts["markdown"]
    assert "\n## " not in texts["bare"] and "今日" in texts["bare"] and "期 今日" in texts["bare"]
    assert "\n## " not in texts["columns"]
    assert {i.masthead["form"] for i in assemble(devset, "markdown")} == {"split"}
    assert {i.masthead["form"] for i in assemble(devset, "bare")} == {"block"}
    assert {i.masthead for i in assemble(devset, "columns")} == {None}
    wraps = sum(1 for i in assemble(devset, "columns") for p in i.placements
                for k in range(1, len(p.body)) if p.body[k] >= 0 and p.body[k - 1] >= 0 and p.body[k] - p.body[k - 1] == 2
                and i.text[p.body[k] - 1] == " ")
    assert wraps > 500
    assert "►下转 " in texts["mixed"] and "◀◀上接" in texts["mixed"]
    mixed = assemble(devset, "mixed")
    assert any(p.copies for i in mixed for p in i.placements)  # a block printed twice
    assert any(len(p.pieces) == 2 for i in mixed for p in i.placements)  # an article split by a jump
    cut = sum(1 for i in assemble(devset, "bare") for p in i.placements for k in range(1, len(p.body))
              if p.body[k] >= 0 and p.body[k - 1] >= 0 and i.text[p.body[k - 1] + 1:p.body[k]] == "\n\n")
    assert cut > 30  # paragraphs cut in the middle by a blank line


def test_the_assembler_is_deterministic(devset, tmp_path):
    first = [(i.name, i.text) for i in assemble(devset, "mixed", seed=5)]
    again = [(i.name, i.text) for i in assemble(devset, "mixed", seed=5)]
    other = [(i.name, i.text) for i in assemble(devset, "mixed", seed=6)]
    assert first == again and first != other
    write_issues(assemble(devset, "bare"), tmp_path / "a")
    write_issues(assemble(devset, "bare"), tmp_path / "b")
    for path in sorted((tmp_path / "a").rglob("*.txt")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    gold = json.loads((tmp_path / "a.gold.json").read_text(encoding="utf-8"))
    assert {a["id"] for i in gold for a in i["articles"]} == {a.id for a in devset if a.headline}


# -- end to end ---------------------------------------------------------------------

def test_the_dev_part_of_make_eval_runs_end_to_end_quickly(devset, model_dir, tmp_path, monkeypatch):
    from pipeline.tools.evaluation import devset as devset_eval
    from pipeline.tools.evaluation.summary import render

    few = [a for a in devset if a.id in ("A001", "A007", "A020", "B003", "B010", "B024", "B016", "A034")]
    monkeypatch.setattr(devset_eval, "load_devset", lambda folder: few)
    started = time.perf_counter()
    results, report, short = devset_eval.run(DEVSET, tmp_path, model_dir, layouts=("markdown", "mixed"), jobs=1)
    assert time.perf_counter() - started < 60
    assert set(results) >= {"articles", "layouts", "bodies", "seed", "n_articles", "parts"}
    assert set(results["layouts"]) == {"markdown", "mixed"}
    exact = results["articles"]["mentions"]["exact"]
    assert set(exact) == {"all", "A", "B"} and set(exact["all"]) == {"OFFICIAL", "PERSON", "PLACE", "ORG", "PER", "micro"}
    assert exact["all"]["micro"]["tp"] > 0
    assert results["articles"]["structure"]["articles"] == len(few)
    assert set(results["bodies"]) == {"articles", "markdown", "mixed"}
    assert any("SUMMARY" in line for line in render({"devset": results}))
    # the mentions' raw offsets point at their text in the files extracted
    import pandas as pd

    issues = pd.read_parquet(tmp_path / "articles" / "out" / "issues.parquet")
    mentions = pd.read_parquet(tmp_path / "articles" / "out" / "mentions.parquet").merge(issues, on="issue_id")
    for m in mentions.itertuples():
        text = (tmp_path / "articles" / "raw" / m.source_file).read_text(encoding="utf-8")
        assert text[m.raw_start:m.raw_end] == m.text
    json.dumps(results)

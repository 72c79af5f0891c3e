"""Entity resolution on records written for the tests."""

import datetime as dt
import random

from pipeline.records import Article, Issue, Masthead, Mention, SourceText
from pipeline.resolve import PlaceIndex, entity_id, load_resolve_rules, org_key, parse_post, resolve

RULES = load_resolve_rules()

PLACES = PlaceIndex([
    ("湖南省", 0, "full", "430000", None), ("湖南", 0, "short", "430000", None),
    ("株洲市", 1, "full", "430200", None), ("株洲", 1, "short", "430200", None),
    ("天元区", 2, "full", "430211", None), ("天元", 2, "short", "430211", None),
    ("攸县", 2, "full", "430223", None), ("茶陵县", 2, "full", "430224", None), ("茶陵", 2, "short", "430224", None),
    ("嵩山路街道", 3, "full", "430211", "天元区"),
    ("新塘社区", 4, "full", "430211", "嵩山路街道"), ("新塘社区", 4, "full", "430224", "虎踞镇"),
    ("新塘社区", 4, "full", "440106", "某街道"), ("天元", 3, "short", "510603", None),
], {"430200": (113.13, 27.83), "430211": (113.08, 27.83)})


def issue(name: str, date: dt.date, articles: list[list[Mention]]) -> Issue:
    source = SourceText(name, name.encode().hex().ljust(64, "0")[:64], "", "utf-8")
    arts = [Article(source.issue_id, k + 1, f"标题{k}", None, None, "news", None, None, None, "", 0, 1, mentions=ms)
            for k, ms in enumerate(articles)]
    return Issue(source, Masthead(), date, "masthead", "株洲日报", arts)


def m(text, label, title=None, start=0):
    return Mention(start, start + len(text), text, label, title)


def entity(resolved, alias):
    return next(e for e in resolved.entities if alias in e["aliases"])


def test_person_is_one_entity_across_issues_and_ocr_slip_resolves_to_clean_name():
    a = issue("a.txt", dt.date(2024, 2, 8), [[m("长江小忠", "OFFICIAL", "市委常委、市委宣传部长"), m("江小忠", "OFFICIAL", start=9)]])
    b = issue("b.txt", dt.date(2024, 3, 1), [[m("江小忠", "PERSON")]])
    r = resolve([a, b], RULES, PLACES)
    e = entity(r, "长江小忠")
    assert (e["name"], e["label"], e["aliases"], e["n_mentions"], e["n_articles"]) == (
        "江小忠", "OFFICIAL", ["江小忠", "长江小忠"], 3, 2)
    assert (e["first_date"], e["last_date"]) == (dt.date(2024, 2, 8), dt.date(2024, 3, 1))
    assert {row["entity_id"] for row in r.mentions} == {e["entity_id"]}


def test_same_name_in_two_counties_on_the_same_day_is_two_people():
    a = issue("a.txt", dt.date(2024, 2, 8), [[m("王建国", "OFFICIAL", "攸县纪委书记")], [m("王建国", "OFFICIAL", "茶陵县县委书记")]])
    r = resolve([a], RULES, PLACES)
    assert len({row["entity_id"] for row in r.mentions}) == 2


def test_places_resolve_to_gazetteer_entries_with_code_parent_and_coordinates():
    a = issue("a.txt", dt.date(2024, 2, 8), [[m("株洲", "PLACE"), m("株洲市", "PLACE", start=5), m("天元", "PLACE", start=9)]])
    r = resolve([a], RULES, PLACES)
    zz = entity(r, "株洲")
    assert (zz["name"], zz["code"], zz["aliases"], zz["longitude"]) == ("株洲市", "430200", ["株洲", "株洲市"], 113.13)
    ty = entity(r, "天元")
    assert (ty["name"], ty["code"], ty["parent"]) == ("天元区", "430211", "株洲市")


def test_an_ambiguous_place_is_resolved_by_its_neighbours_or_left_alone():
    a = issue("a.txt", dt.date(2024, 2, 8), [[m("茶陵县", "PLACE"), m("新塘社区", "PLACE", start=5)], [m("新塘社区", "PLACE")]])
    r = resolve([a], RULES, PLACES)
    ids = [row["entity_id"] for row in r.mentions if row["text"] == "新塘社区"]
    first, second = (next(e for e in r.entities if e["entity_id"] == i) for i in ids)
    assert (first["code"], first["parent"]) == ("430224", "虎踞镇")
    assert first["entity_id"] != second["entity_id"] and second["code"] is None


def test_short_forms_of_city_bodies_expand_and_a_place_never_merges_with_an_org():
    a = issue("a.txt", dt.date(2024, 2, 8), [[m("市委", "ORG"), m("中共株洲市委", "ORG", start=3), m("市住建局", "ORG", start=9),
                                               m("市商务局", "ORG", start=15), m("株洲市商务局", "ORG", start=20),
                                               m("株洲", "PLACE", start=30), m("“株洲政法”", "ORG", start=40), m("省疾控中心", "ORG", start=50)]])
    r = resolve([a], RULES, PLACES)
    assert entity(r, "市委")["aliases"] == ["中共株洲市委", "市委"]
    assert entity(r, "市委")["name"] == "中共株洲市委员会" and entity(r, "市委")["org_type"] == "party"
    assert entity(r, "市住建局")["name"] == "株洲市住房和城乡建设局"
    assert entity(r, "市商务局")["aliases"] == ["市商务局", "株洲市商务局"]
    assert entity(r, "“株洲政法”")["name"] == "株洲政法"
    assert entity(r, "省疾控中心")["name"] == "省疾控中心"
    assert entity(r, "株洲")["label"] == "PLACE"


def test_officials_rows_split_the_chain_and_parse_posts():
    a = issue("a.txt", dt.date(2022, 1, 9), [[m("邓为民", "OFFICIAL", "市委常委、市委秘书长、市纪委监委主任")]])
    r = resolve([a], RULES, PLACES)
    (row,) = r.officials
    assert row["posts"] == ["市委常委", "市委秘书长", "市纪委监委主任"]
    assert [(p["organization"], p["position"]) for p in row["post_parts"]] == [("市委", "常委"), ("市委", "秘书长"), ("市纪委监委", "主任")]
    assert parse_post("副市长", RULES) == {"post": "副市长", "organization": None, "position": "副市长"}
    assert org_key("株洲市住建局", RULES) == "市住建局" and org_key("株洲博物馆", RULES) == "市博物馆"


def test_resolution_does_not_depend_on_the_order_of_issues():
    issues = [issue(f"{k}.txt", dt.date(2024, 1, k + 1), [[m("张三", "PERSON"), m("株洲", "PLACE", start=3), m("市委", "ORG", start=6)]])
              for k in range(6)]
    expected = resolve(issues, RULES, PLACES)
    shuffled = issues[:]
    random.Random(1).shuffle(shuffled)
    got = resolve(shuffled, RULES, PLACES)
    assert (got.entities, got.mentions, got.officials) == (expected.entities, expected.mentions, expected.officials)


def test_entity_ids_are_stable_strings():
    assert entity_id("ORG", "中共株洲市委员会") == entity_id("ORG", "中共株洲市委员会")
    assert entity_id("ORG", "甲").startswith("ORG-")


def test_company_short_forms_and_short_forms_inside_an_article():
    a = issue("a.txt", dt.date(2023, 2, 17), [
        [m("湖南神通光电科技有限责任公司", "ORG"), m("株洲市衡阳商会", "ORG", start=20), m("广州市湖南商会", "ORG", start=40),
         m("湖南商会", "ORG", start=60), m("芦淞区网格化管理服务中心", "ORG", start=70), m("区网格化管理服务中心", "ORG", start=90)],
        [m("神通光电", "ORG"), m("衡阳商会", "ORG", start=10), m("市委", "ORG", start=20), m("市委宣传部", "ORG", start=30)],
        [m("市中心血站攸县采血点", "ORG"), m("攸县采血点", "ORG", start=20), m("月塘街道", "PLACE", start=30), m("月塘", "PLACE", start=40)],
        [m("攸县采血点", "ORG"), m("湖南九郎山职业教育科创城", "PLACE", start=10), m("九郎山职业教育科创城", "PLACE", start=30),
         m("湖南商会", "ORG", start=50)],
    ])
    r = resolve([a], RULES, PLACES)
    assert entity(r, "神通光电")["aliases"] == ["湖南神通光电科技有限责任公司", "神通光电"]
    assert entity(r, "衡阳商会")["aliases"] == ["株洲市衡阳商会", "衡阳商会"]
    assert entity(r, "市委")["aliases"] == ["市委"]  # 市委宣传部 is another body
    assert entity(r, "广州市湖南商会")["aliases"] == ["广州市湖南商会"]  # not a home place: not dropped
    assert entity(r, "区网格化管理服务中心")["aliases"] == ["区网格化管理服务中心", "芦淞区网格化管理服务中心"]
    assert entity(r, "月塘")["aliases"] == ["月塘", "月塘街道"]
    assert entity(r, "九郎山职业教育科创城")["aliases"] == ["九郎山职业教育科创城", "湖南九郎山职业教育科创城"]
    # inside its article 攸县采血点 is the blood centre's; elsewhere it stays as printed
    ids = {row["entity_id"] for row in r.mentions if row["text"] == "攸县采血点"}
    assert len(ids) == 2

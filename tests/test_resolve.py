"""Entity resolution on records written for the tests."""

import datetime as dt
import random

from pipeline.records import Article, Issue, Masthead, Mention, SourceText
from pipeline.resolve import PlaceIndex, entity_id, load_resolve_rules, org_key, resolve

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


# -- variants of one name --------------------------------------------------

PLACES_LUSONG = PlaceIndex([
    ("株洲市", 1, "full", "430200", None), ("株洲", 1, "short", "430200", None),
    ("芦淞区", 2, "full", "430203", None), ("芦淞", 2, "short", "430203", None),
    ("攸县", 2, "full", "430223", None), ("茶陵县", 2, "full", "430224", None),
])


def test_a_name_in_brackets_after_another_is_an_alias_everywhere():
    a = issue("a.txt", dt.date(2022, 1, 9), [
        [m("石峰大桥", "PLACE"), Mention(5, 11, "株洲湘江二桥", "PLACE", alias_of=0),
         m("湖南省人民医院", "ORG", start=20), Mention(28, 32, "省人医", "ORG", alias_of=20)],
        [m("株洲湘江二桥", "PLACE"), m("省人医", "ORG", start=10)],
    ])
    r = resolve([a], RULES, PLACES_LUSONG)
    assert entity(r, "株洲湘江二桥")["aliases"] == ["株洲湘江二桥", "石峰大桥"]
    assert entity(r, "株洲湘江二桥")["name"] == "石峰大桥" and entity(r, "株洲湘江二桥")["n_articles"] == 2
    assert entity(r, "省人医")["name"] == "湖南省人民医院"


def test_bracketed_alias_is_marked_only_for_a_same_label_name_right_after():
    from pipeline.ner import mark_bracketed_aliases
    text = "石峰大桥(株洲湘江二桥)和天元区（芦淞区）以及株洲（湖南）"
    spans = [("石峰大桥", "PLACE"), ("株洲湘江二桥", "PLACE"), ("天元区", "PLACE"), ("芦淞区", "ORG"), ("株洲", "PLACE"), ("湖南", "PLACE")]
    ms, at = [], 0
    for t, label in spans:  # each one after the one before
        at = text.index(t, at)
        ms.append(Mention(at, at + len(t), t, label))
        at += len(t)
    out = mark_bracketed_aliases(text, ms)
    assert [x.alias_of for x in out] == [None, 0, None, None, None, ms[4].start]


def test_a_gazetteer_place_in_brackets_is_not_merged_into_another_place():
    # 株洲（湖南）: both are known places with their own codes
    a = issue("a.txt", dt.date(2022, 1, 9), [[m("株洲", "PLACE"), Mention(3, 5, "湖南", "PLACE", alias_of=0)]])
    r = resolve([a], RULES, PLACES)
    assert entity(r, "株洲")["entity_id"] != entity(r, "湖南")["entity_id"]


def test_swapped_given_name_with_the_same_post_is_one_official():
    a = issue("a.txt", dt.date(2023, 2, 17), [[m("杨跃胜", "OFFICIAL", "副市长")]])
    b = issue("b.txt", dt.date(2024, 2, 8), [[m("杨胜跃", "OFFICIAL", "副市长"), m("杨胜跃", "OFFICIAL", start=20)]])
    r = resolve([a, b], RULES, PLACES)
    e = entity(r, "杨跃胜")
    assert (e["name"], e["aliases"], e["n_mentions"]) == ("杨胜跃", ["杨胜跃", "杨跃胜"], 3)
    assert {o["name"] for o in r.officials} == {"杨胜跃"}


def test_swapped_names_with_different_posts_stay_two_people():
    a = issue("a.txt", dt.date(2023, 2, 17), [[m("李明华", "OFFICIAL", "副市长"), m("李华明", "OFFICIAL", "村党支部书记", start=10)]])
    r = resolve([a], RULES, PLACES)
    assert entity(r, "李明华")["entity_id"] != entity(r, "李华明")["entity_id"]


def test_a_name_missing_its_last_character_joins_the_city_official_it_starts():
    a = issue("a.txt", dt.date(2022, 1, 9), [[m("罗绍昀", "OFFICIAL", "副市长")]])
    b = issue("b.txt", dt.date(2024, 2, 8), [[m("罗绍", "OFFICIAL", "市委常委、市委统战部副部长")]])
    r = resolve([a, b], RULES, PLACES)
    assert entity(r, "罗绍")["name"] == "罗绍昀"
    assert {(o["name"], o["title"]) for o in r.officials} == {("罗绍昀", "副市长"), ("罗绍昀", "市委常委、市委统战部副部长")}


def test_a_two_character_name_of_another_jurisdiction_is_another_person():
    # 王昆 of 攸县 and 王昆明 of the city: posts of different jurisdictions
    a = issue("a.txt", dt.date(2022, 1, 9), [[m("王昆", "OFFICIAL", "攸县副县长"), m("王昆明", "OFFICIAL", "副市长", start=10)],
                                               [m("张伟", "OFFICIAL", "副市长"), m("张伟民", "OFFICIAL", "副市长", start=9),
                                                m("张伟国", "OFFICIAL", "市委常委", start=19)]])
    r = resolve([a], RULES, PLACES)
    assert entity(r, "王昆")["entity_id"] != entity(r, "王昆明")["entity_id"]
    assert entity(r, "张伟")["aliases"] == ["张伟"]  # two city officials it could be: left alone


def test_station_with_and_without_火车():
    a = issue("a.txt", dt.date(2024, 2, 8), [[m("株洲火车站", "PLACE")], [m("株洲站", "PLACE")]])
    r = resolve([a], RULES, PLACES)
    e = entity(r, "株洲火车站")
    assert (e["name"], e["aliases"]) == ("株洲站", ["株洲火车站", "株洲站"])


def test_estate_with_and_without_its_developer_inside_one_article():
    a = issue("a.txt", dt.date(2024, 12, 5), [[m("天元区", "PLACE"), m("金轮翡翠名园", "PLACE", start=3), m("翡翠名园小区", "PLACE", start=20)],
                                                [m("翡翠名园小区", "PLACE")]])
    r = resolve([a], RULES, PLACES)
    assert entity(r, "金轮翡翠名园")["aliases"] == ["翡翠名园小区", "金轮翡翠名园"]
    # another article that prints only the short form does not say which estate it is
    assert len({row["entity_id"] for row in r.mentions if row["text"] == "翡翠名园小区"}) == 2


def test_city_name_before_one_of_its_districts_adds_nothing():
    a = issue("a.txt", dt.date(2022, 1, 9), [[m("致公党株洲市芦淞区工委", "ORG")], [m("致公党芦淞区工委", "ORG")],
                                               [m("株洲市芦淞区人民法院", "ORG"), m("芦淞区人民法院", "ORG", start=20)]])
    r = resolve([a], RULES, PLACES_LUSONG)
    assert entity(r, "致公党芦淞区工委")["name"] == "致公党株洲市芦淞区工委"
    assert entity(r, "芦淞区人民法院")["aliases"] == ["株洲市芦淞区人民法院", "芦淞区人民法院"]


def test_district_short_forms_and_spelling_variants_inside_one_article():
    a = issue("a.txt", dt.date(2022, 1, 9), [
        [m("芦淞区交警支队", "ORG"), m("区交警", "ORG", start=20), m("芦淞区新冠肺炎疫情防控指挥部", "ORG", start=30),
         m("芦淞区疫情防疫指挥部", "ORG", start=60), m("市中心医院", "ORG", start=80), m("市中医院", "ORG", start=90),
         m("市第一人民医院", "ORG", start=100), m("市人民医院", "ORG", start=110), m("芦淞区防汛指挥部", "ORG", start=120)],
        [m("区交警", "ORG")],
    ])
    r = resolve([a], RULES, PLACES_LUSONG)
    assert entity(r, "芦淞区交警支队")["aliases"] == ["区交警", "芦淞区交警支队"]
    assert entity(r, "芦淞区疫情防疫指挥部")["name"] == "芦淞区新冠肺炎疫情防控指挥部"
    assert entity(r, "芦淞区防汛指挥部")["aliases"] == ["芦淞区防汛指挥部"]
    for one, other in (("市中心医院", "市中医院"), ("市第一人民医院", "市人民医院")):
        assert entity(r, one)["entity_id"] != entity(r, other)["entity_id"]
    # elsewhere 区交警 does not say which district's police it is
    assert len({row["entity_id"] for row in r.mentions if row["text"] == "区交警"}) == 2


def test_company_short_form_with_a_shortened_trade_word():
    a = issue("a.txt", dt.date(2022, 1, 9), [[m("湖南神骅房地产有限公司", "ORG")], [m("神骅地产", "ORG"), m("神骅物业", "ORG", start=9)]])
    r = resolve([a], RULES, PLACES)
    assert entity(r, "神骅地产")["aliases"] == ["湖南神骅房地产有限公司", "神骅地产"]
    assert entity(r, "神骅物业")["aliases"] == ["神骅物业"]


def test_swapped_names_sharing_only_a_post_many_hold_stay_two_people():
    a = issue("a.txt", dt.date(2023, 2, 17), [[m("李明华", "OFFICIAL", "民警"), m("李华明", "OFFICIAL", "民警", start=10)]])
    r = resolve([a], RULES, PLACES)
    assert entity(r, "李明华")["entity_id"] != entity(r, "李华明")["entity_id"]


def test_a_post_s_organization_resolves_to_the_entity_printed_under_that_name():
    a = issue("a.txt", dt.date(2022, 1, 9), [
        [m("市委宣传部", "ORG"), m("曾晓岚", "OFFICIAL", "市委常委、宣传部长", start=10)],
        [m("株洲市住建局", "ORG"), m("吴志明", "OFFICIAL", "该局党组书记、局长", start=12)],
    ])
    r = resolve([a], RULES, PLACES)
    zeng = next(o for o in r.officials if o["name"] == "曾晓岚")
    assert [(p["organization"], p["position"], p["carried"]) for p in zeng["post_parts"]] == [
        ("市委", "常委", False), ("市委宣传部", "部长", True)]
    assert zeng["post_parts"][1]["organization_id"] == entity(r, "市委宣传部")["entity_id"]
    assert zeng["post_parts"][0]["organization_id"] is None  # 市委 is never printed as a mention here
    wu = next(o for o in r.officials if o["name"] == "吴志明")
    assert {p["organization_id"] for p in wu["post_parts"]} == {entity(r, "株洲市住建局")["entity_id"]}
    posts = {(p["name"], p["position"]): p for p in r.posts}
    assert posts[("曾晓岚", "部长")]["organization_id"] == entity(r, "市委宣传部")["entity_id"]
    assert posts[("吴志明", "局长")]["n_articles"] == 1


def test_one_name_with_posts_of_two_counties_is_two_people_across_the_archive():
    a = issue("a.txt", dt.date(2020, 6, 15), [[m("王立新", "OFFICIAL", "攸县副县长"), m("王立新", "OFFICIAL", start=20)]])
    b = issue("b.txt", dt.date(2023, 4, 2), [[m("王立新", "OFFICIAL", "茶陵县副县长"), m("王立新", "OFFICIAL", start=20)],
                                              [m("王立新", "PERSON")]])
    r = resolve([a, b], RULES, PLACES)
    ids = {(row["article_id"], row["start"]): row["entity_id"] for row in r.mentions if row["text"] == "王立新"}
    first, second = a.articles[0].article_id, b.articles[0].article_id
    youxian, chaling = ids[(first, 0)], ids[(second, 0)]
    assert youxian != chaling
    assert ids[(first, 20)] == youxian and ids[(second, 20)] == chaling  # bare mentions follow their article
    assert len({e["entity_id"] for e in r.entities if e["name"] == "王立新"}) == 3  # the untitled one says no place


def test_one_name_with_posts_of_a_county_and_of_its_city_is_one_person():
    a = issue("a.txt", dt.date(2019, 3, 8), [[m("邓国华", "OFFICIAL", "攸县县委书记")]])
    b = issue("b.txt", dt.date(2022, 11, 20), [[m("邓国华", "OFFICIAL", "市委常委、攸县县委书记")]])
    r = resolve([a, b], RULES, PLACES)
    assert len({row["entity_id"] for row in r.mentions}) == 1
    (post,) = [p for p in r.posts if p["position"] == "书记"]
    assert (post["first_date"], post["last_date"], post["n_articles"]) == (dt.date(2019, 3, 8), dt.date(2022, 11, 20), 2)

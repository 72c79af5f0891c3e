"""Posts: title chains split into posts, parsed into organization and position,
and the posts table, on chains written for the tests (the settled cases of
../shared/ANNOTATION.md with invented bodies and places)."""

import datetime as dt

from pipeline.posts import is_former, parse_chain, parse_post, posts_table, split_posts


def parts(title: str) -> list[tuple]:
    return [(p["organization"], p["position"]) for p in parse_chain(split_posts(title))]


def test_a_chain_is_split_at_the_list_mark_a_comma_and_a_joining_jian():
    assert split_posts("市委常委、市委秘书长、市纪委监委主任") == ["市委常委", "市委秘书长", "市纪委监委主任"]
    assert split_posts("青山市政协党组成员、副主席,青山高新区党工委书记、管委会主任") == [
        "青山市政协党组成员", "副主席", "青山高新区党工委书记", "管委会主任"]
    assert split_posts("驻村帮扶工作队队长兼第一书记") == ["驻村帮扶工作队队长", "第一书记"]
    assert split_posts("市文联兼职副主席") == ["市文联兼职副主席"]  # 兼职 is a modifier, not a join


def test_a_list_mark_between_two_modifiers_of_one_post_splits_nothing():
    assert split_posts("省、市领导") == ["省、市领导"]
    assert split_posts("乡党委组织、宣传委员") == ["乡党委组织、宣传委员"]


def test_honours_ranks_and_descriptions_stay_in_the_title_but_are_no_posts():
    assert split_posts("省级劳动模范、高级工程师、县自来水公司经理") == ["县自来水公司经理"]
    assert split_posts("群众致富的带头人、该村党总支原书记") == ["该村党总支原书记"]
    assert split_posts("基层一线优秀干部、某街道办事处专干") == ["某街道办事处专干"]
    assert split_posts("副主任医师") == []
    # a post word inside a longer honour is the honour's (优秀干部), alone it is a post
    assert split_posts("村干部") == ["村干部"]


def test_quote_marks_and_modifiers_stay_with_their_post():
    assert split_posts("石门村“第一书记”") == ["石门村“第一书记”"]
    assert parse_post("石门村“第一书记”") == {"post": "石门村“第一书记”", "organization": "石门村", "position": "第一书记"}
    assert parse_post("分管副区长") == {"post": "分管副区长", "organization": None, "position": "分管副区长"}
    assert parse_post("县监委代理主任") == {"post": "县监委代理主任", "organization": "县监委", "position": "代理主任"}
    assert parse_post("州委副书记")["position"] == "副书记"


def test_a_department_printed_fused_with_its_head_is_the_organization():
    assert parse_post("市委宣传部长") == {"post": "市委宣传部长", "organization": "市委宣传部", "position": "部长"}
    assert parse_post("区公安分局长")["organization"] == "区公安分局"
    assert parse_post("县公安局长")["organization"] == "县公安局"
    assert parse_post("县公安局局长")["organization"] == "县公安局"  # printed twice: nothing added
    assert parse_post("八中校长") == {"post": "八中校长", "organization": "八中", "position": "校长"}


def test_a_party_body_inside_a_named_body_belongs_to_the_position():
    assert parse_post("市总工会党组书记")[("organization")] == "市总工会"
    assert parse_post("市总工会党组书记")["position"] == "党组书记"
    assert parse_post("某职业学院党委书记")["organization"] == "某职业学院"
    # after a level or a place the party body is the organization itself
    assert parse_post("镇党委书记")["organization"] == "镇党委"
    assert parse_post("金桥社区党总支书记")["organization"] == "金桥社区党总支"
    assert parse_post("县纪委书记")["organization"] == "县纪委"


def test_memberships_give_their_body():
    assert parse_post("市人大代表") == {"post": "市人大代表", "organization": "市人大", "position": "代表"}
    assert parse_post("全国政协委员")["organization"] == "全国政协"
    assert parse_post("乡党委组织、宣传委员") == {"post": "乡党委组织、宣传委员", "organization": "乡党委",
                                           "position": "组织、宣传委员"}


def test_the_organization_is_carried_along_the_chain_where_the_paper_leaves_it_out():
    assert parts("市总工会党组书记、副主席") == [("市总工会", "党组书记"), ("市总工会", "副主席")]
    assert parts("市政协党组成员、副主席") == [("市政协", "党组成员"), ("市政协", "副主席")]
    assert parse_chain(["市总工会党组书记", "副主席"])[1]["carried"] is True
    assert parse_chain(["市总工会党组书记", "副主席"])[0]["carried"] is False
    # a Party committee's department takes the committee
    assert parts("县委常委、宣传部长") == [("县委", "常委"), ("县委宣传部", "部长")]
    assert parts("市委常委、组织部部长") == [("市委", "常委"), ("市委组织部", "部长")]


def test_a_position_named_by_its_territory_takes_no_organization_from_the_post_before():
    assert parts("市委副书记、市长") == [("市委", "副书记"), (None, "市长")]
    assert parts("县委常委、常务副县长") == [("县委", "常委"), (None, "常务副县长")]
    assert parts("驻村帮扶工作队队长兼第一书记") == [("驻村帮扶工作队", "队长"), (None, "第一书记")]
    assert parts("党组成员、秘书长") == [(None, "党组成员"), (None, "秘书长")]


def test_former_posts_and_words_before_the_organization():
    assert parse_post("原市委书记") == {"post": "原市委书记", "organization": "市委", "position": "原书记"}
    assert is_former("原书记") and is_former("退休老支书") and is_former("原副书记")
    assert not is_former("书记") and not is_former("老支书") and not is_former("常务副县长")
    assert parse_post("新一任镇党委书记") == {"post": "新一任镇党委书记", "organization": "镇党委", "position": "书记"}
    assert parse_post("第九届石桥镇党委书记")["organization"] == "石桥镇党委"


def test_posts_table_one_row_per_person_and_post_with_dates():
    def official(eid, name, article, date, title, org_id=None):
        chain = parse_chain(split_posts(title))
        for p in chain:
            p["organization_id"] = org_id if p["organization"] in ("市委", "株洲市委") else None
        return dict(entity_id=eid, name=name, title=title, posts=split_posts(title), post_parts=chain,
                    article_id=article, issue_date=date)

    rows = posts_table([
        official("P-1", "甲某某", "a-001", dt.date(2020, 5, 1), "市委书记", "ORG-shiwei"),
        official("P-1", "甲某某", "b-001", dt.date(2019, 1, 1), "株洲市委书记", "ORG-shiwei"),
        official("P-1", "甲某某", "b-001", dt.date(2019, 1, 1), "市委书记", "ORG-shiwei"),
        official("P-2", "乙某某", "c-002", dt.date(2021, 3, 1), "市委副书记、市长", "ORG-shiwei"),
        official("P-1", "甲某某", "d-001", None, "原市委书记", "ORG-shiwei"),
    ])
    by_key = {(r["name"], r["position"]): r for r in rows}
    first = by_key[("甲某某", "书记")]
    assert (first["post"], first["organization_id"], first["first_date"], first["last_date"]) == (
        "市委书记", "ORG-shiwei", dt.date(2019, 1, 1), dt.date(2020, 5, 1))
    assert first["n_articles"] == 2 and first["article_ids"] == ["b-001", "a-001"] and not first["former"]
    assert by_key[("甲某某", "原书记")]["former"] and by_key[("甲某某", "原书记")]["first_date"] is None
    assert by_key[("乙某某", "市长")]["organization"] is None
    assert len(rows) == 4

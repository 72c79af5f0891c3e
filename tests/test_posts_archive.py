"""The posts table and views.post_holders end to end, on issues written for the
test that span 2019-2024 and a change of holder (tests/fixtures/posts: invented
people, real places), extracted with the NER model `make test` builds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pipeline
from pipeline import views
from pipeline.tools import report

ISSUES = Path(__file__).resolve().parent / "fixtures" / "posts" / "issues"


@pytest.fixture(scope="module")
def archive(tmp_path_factory, model_dir) -> dict:
    from pipeline.run import run_extract

    out = tmp_path_factory.mktemp("posts-archive")
    run_extract(ISSUES, out, model_dir=model_dir, progress=False)
    return pipeline.load(out)


def holders(tables: dict, post: str, **kw) -> list[tuple]:
    h = views.post_holders(tables, post, **kw)
    return [(r.name, r.first_date.date().isoformat(), r.last_date.date().isoformat(), r.n_articles)
            for r in h.itertuples()]


def test_who_held_the_city_s_party_secretary_post_in_order_with_dates(archive):
    assert archive["failures"].empty
    assert holders(archive, "市委书记") == [("林启航", "2019-03-08", "2020-06-15", 2),
                                         ("贺文澜", "2021-09-10", "2024-04-02", 3)]
    # the same post, printed with the city's name
    assert holders(archive, "株洲市委书记") == holders(archive, "市委书记")
    assert holders(archive, "市长") == [("贺文澜", "2019-03-08", "2020-06-15", 2),
                                       ("邹明远", "2021-09-10", "2024-04-02", 3)]


def test_a_former_post_is_left_out_unless_asked_for(archive):
    both = views.post_holders(archive, "市委书记", include_former=True)
    former = both[both["former"]]
    assert list(former["name"]) == ["林启航"] and list(former["post"]) == ["原市委书记"]
    assert list(former["first_date"].dt.year) == [2024]


def test_the_organization_is_carried_along_the_chain_and_resolved_to_its_entity(archive):
    posts = archive["posts"].set_index(["name", "position"])
    assert posts.loc[("谭秋萍", "副主席"), "organization"] == "市总工会"
    assert posts.loc[("谭秋萍", "副主席"), "organization_id"] == posts.loc[("谭秋萍", "党组书记"), "organization_id"]
    ents = archive["entities"].set_index("entity_id")
    assert ents.loc[posts.loc[("谭秋萍", "副主席"), "organization_id"], "aliases"] == ["市总工会"]
    assert posts.loc[("龙建平", "部长"), "organization"] == "攸县县委宣传部"
    # 市委宣传部 of the chain is the entity of the 市委宣传部 printed in the issue
    propaganda = posts.loc[("曾晓岚", "部长")]
    assert propaganda["organization"] == "市委宣传部"
    assert "市委宣传部" in ents.loc[propaganda["organization_id"], "aliases"]
    officials = archive["officials"]
    (chain,) = officials[officials["name"] == "谭秋萍"]["post_parts"]
    assert [(p["organization"], p["position"], p["carried"]) for p in chain] == [
        ("市总工会", "党组书记", False), ("市总工会", "副主席", True)]


def test_one_name_of_two_places_is_two_people_and_one_person_across_years_is_one(archive):
    ents = archive["entities"]
    assert (ents["name"] == "王立新").sum() == 2
    posts = archive["posts"]
    wang = posts[posts["name"] == "王立新"]
    assert wang["entity_id"].nunique() == 2 and set(wang["post"]) == {"攸县副县长", "醴陵市副市长"}
    deng = posts[posts["name"] == "邓国华"]
    assert deng["entity_id"].nunique() == 1
    secretary = deng[deng["position"] == "书记"].iloc[0]
    assert (secretary["first_date"], secretary["last_date"]) == (pd.Timestamp("2019-03-08"), pd.Timestamp("2022-11-20"))


def test_top_posts_and_the_report_draw_the_holders(archive):
    top = views.top_posts(archive, 3)
    assert list(top["post"][:2]) == ["市委书记", "市长"]
    assert list(top["n_holders"][:2]) == [2, 2]
    fig = report.figure_post_holders(archive)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[:4] == ["市委书记 · 林启航", "市委书记 · 贺文澜", "市长 · 贺文澜", "市长 · 邹明远"]
    assert "holders of the most-printed posts" in report.render(archive)

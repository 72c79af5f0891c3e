"""NER organizations on papers the rules were not written on (issue 12): one
test per rule family, on sentences written for the tests, each with the case
the rule must leave alone.

The model is built from rules/ner and the fake registry packages of
test_ner.py, with a few more places and dictionary words these rules read
(jieba's tags decide where a word begins and whether a trade name looks like
a name).
"""

from __future__ import annotations


import pytest
from test_ner import CHINA, JIEBA_DICT, RULES, WORDS, make_fake_wheel  # shared fake packages

from pipeline import gazetteer as gz
from pipeline import ner

# more units: a town whose name begins with a generic word (大), one holding
# a head word (店), and a prefecture of another province with a subdistrict
ORG_CHINA = (
    CHINA.replace("\t\t\t\t龙匣村\n", "\t\t\t\t龙匣村\n\t\t\t大坪镇\n")
    .replace("\t\t醴陵市\t430281\t醴陵\n", "\t\t醴陵市\t430281\t醴陵\n\t\t\t黄家店镇\n")
    + "山东省\t370000\t山东\n\t烟台市\t370600\t烟台\n\t\t龙口市\t370681\t龙口\n\t\t\t龙港街道\n\t\t\t\t金海湾社区\n"
)
ORG_WORDS = dict(WORDS, 书写=42000, 拥有=300000, 办事=200000, 办事处=100000)
ORG_JIEBA = JIEBA_DICT + (
    "自治 300 v\n对面 1549 n\n接 10515 v\n书写 1368 n\n围绕 2065 v\n紧扣 39 v\n全民 500 n\n进行 9000 v\n纪念 2000 v\n"
    "红军 2819 n\n中航 42 j\n光电 100 j\n中信 202 nz\n重工 80 vn\n人工智能 151 n\n新能源 300 n\n汽车 5000 n\n"
    "智能 2000 n\n智能制造 20 n\n纳米 300 n\n科技 9000 n\n生物 3000 n\n制药 300 vn\n高端 800 b\n产业 5000 n\n"
    "两侧 4863 f\n公交站 30 n\n职工 3000 n\n帮扶 300 v\n基金会 1000 n\n察看 500 v\n实地 300 d\n助推 100 v\n"
    "茶叶 600 n\n专业 3000 n\n办事处 2000 n\n下载 3000 v\n扫码 50 v\n欢迎 9000 v\n关注 9000 v\n政府 9000 n\n征集 300 v\n方式 3000 n\n"
)


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("orggaz")
    wheel = make_fake_wheel(tmp, china=ORG_CHINA, word_freqs=ORG_WORDS, jieba_dict=ORG_JIEBA)
    gaz_dir = tmp / "gazetteer"
    gz.prepare(wheel, gaz_dir)
    model = ner.build_model(tmp / "ner", RULES, gazetteer_dir=gaz_dir)
    return ner.load_model(model)


def found(nlp, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in ner.find_mentions(nlp, [text])[0]]


def orgs(nlp, text: str) -> list[str]:
    return [t for t, label in found(nlp, text) if label == "ORG"]


# ---------------------------------------------------------------- heads


@pytest.mark.parametrize("text, org", [
    ("村里成立茶陵鱼养殖专业合作社,带领大家致富。", "茶陵鱼养殖专业合作社"),  # its place is its name
    ("调研组实地察看岩口山煤矿安全生产。", "岩口山煤矿"),                    # a mine is an organization
    ("他还走上株洲市委党校讲台授课。", "株洲市委党校"),
    ("晚上六点左右,株洲日报社附近人行道上。", "株洲日报社"),               # the office, not the paper
    ("湖南省株洲市党政代表团在甬考察。", "湖南省株洲市党政代表团"),         # a named delegation, one span
])
def test_bodies_named_by_a_head_word(nlp, text, org):
    assert orgs(nlp, text) == [org]


def test_descriptive_groups_and_generic_cooperatives_are_not_bodies(nlp):
    assert orgs(nlp, "海外华文媒体代表团参观了园区。") == []
    assert orgs(nlp, "书中写了清溪的农业生产合作社从初级社到高级社。") == []


def test_a_plant_keeps_its_county_a_shop_does_not(nlp):
    assert found(nlp, "检查组来到茶陵县城东污水处理厂。") == [("茶陵县城东污水处理厂", "ORG")]
    assert found(nlp, "天元区钟鼓岭书城开业。") == [("天元区", "PLACE"), ("钟鼓岭书城", "ORG")]


def test_a_place_beginning_with_a_generic_word_stays_whole(nlp):
    # 大 alone is a generic modifier (大型超市), not in 大坪镇
    assert orgs(nlp, "在大坪镇党委的带领下,村里修通了路。") == ["大坪镇党委"]


def test_a_head_word_inside_a_place_name_is_no_head(nlp):
    assert orgs(nlp, "黄家店镇党委召开会议。") == ["黄家店镇党委"]
    assert orgs(nlp, "钟鼓岭书店开业。") == ["钟鼓岭书店"]


def test_an_administrative_prefix_is_no_lead_word(nlp):
    # jieba lists 自治 as a verb; 自治区 is the prefix of the body
    assert orgs(nlp, "邵某拉来自治区工商局捐助的15万元。") == ["自治区工商局"]
    assert orgs(nlp, "邵某联系区工商局捐助的15万元。") == ["区工商局"]


def test_an_official_and_a_verb_before_a_body_are_no_part_of_it(nlp):
    got = found(nlp, "市委副书记、市长张永宁率株洲市党政考察团来洛考察。")
    assert ("张永宁", "OFFICIAL") in got and ("株洲市党政考察团", "ORG") in got
    # 会长 inside 总商会长沙 is no post
    assert orgs(nlp, "株洲市总商会长沙联络站揭牌。") == ["株洲市总商会长沙联络站"]


# ---------------------------------------------------------------- congresses, the Party


def test_the_partys_body_of_a_town_before_its_congress(nlp):
    assert orgs(nlp, "昨天,中国共产党高陇镇第十四次代表大会召开。") == ["中国共产党高陇镇"]
    assert orgs(nlp, "这是中国共产党人的初心。") == ["中国共产党"]


def test_a_peoples_congress_with_its_place_and_term(nlp):
    assert orgs(nlp, "宜都市第九届人民代表大会第七次会议开幕。") == ["宜都市第九届人民代表大会"]
    assert orgs(nlp, "大家庆祝人民代表大会成立70周年。") == []


def test_the_full_name_of_a_cppcc_is_one_org(nlp):
    text = "中国人民政治协商会议宜都市第九届委员会第五次会议召开。"
    assert found(nlp, text) == [("中国人民政治协商会议宜都市第九届委员会", "ORG")]


def test_a_standing_committee_is_no_post(nlp):
    # 常务委员 is a post, 常务委员会 a body
    assert orgs(nlp, "中共中央政治局常务委员会召开会议。") == ["中共中央政治局常务委员会"]


def test_a_branch_of_a_national_party(nlp):
    assert orgs(nlp, "8月14日,省农工党到茶陵县开展调研。") == ["省农工党"]
    assert orgs(nlp, "全省民盟组织积极参与。") == ["民盟"]


def test_a_two_character_national_name_by_word_edges(nlp):
    assert orgs(nlp, "当地百姓为了纪念红军,把村子改了名。") == ["红军"]
    assert orgs(nlp, "全民进行核酸检测。") == []  # 民进 starts inside 全民


# ---------------------------------------------------------------- generic bodies


def test_bare_village_bodies_and_rooms_are_generic(nlp):
    assert orgs(nlp, "村委会主动担当,村两委多次开会,大家在村部二楼商量。") == []
    assert orgs(nlp, "龙匣村村支两委争取到30万元。") == ["龙匣村村支两委"]
    assert found(nlp, "正在龙匣村村部填写申请。") == [("龙匣村", "PLACE")]
    assert orgs(nlp, "记者从农业农村部获悉。") == ["农业农村部"]  # 村部 is no room here


@pytest.mark.parametrize("text", [
    "现已被公安机关依法予以行政拘留。",          # a class of bodies
    "组织各区市综合行政执法局会同街道检查。",    # each district's bureau
    "在龙匣村新一届党总支班子的带领下。",        # a term, not a name
    "要继续围绕中心、服务大局。",                # the central task
    "建好国家重点实验室,助推新时代文明实践中心建设。",
])
def test_generic_bodies_are_not_organizations(nlp, text):
    assert orgs(nlp, text) == [], found(nlp, text)


def test_deictic_each_is_no_each_district(nlp):
    assert orgs(nlp, "在全国各地湖南商会中,株洲籍企业家很多。") == ["湖南商会"]


def test_a_provinces_own_body_may_hold_a_verb(nlp):
    assert orgs(nlp, "活动由省总工会、省职工帮扶基金会主办。") == ["省总工会", "省职工帮扶基金会"]
    assert orgs(nlp, "他们成立帮扶基金会。") == []  # a kind, no name


# ---------------------------------------------------------------- quoted names


def test_a_quoted_part_begins_a_name_and_names_it_again(nlp):
    text = "“新星”志愿服务队成立于2019年。社区为70余名“新星”志愿者送上电影票。"
    assert found(nlp, text) == [("“新星”志愿服务队", "ORG"), ("新星", "ORG")]
    assert orgs(nlp, "社区开展“学雷锋”志愿服务活动。") == []


def test_a_quoted_name_with_a_body_head(nlp):
    assert orgs(nlp, "首家“身边好人工作室”正式成立。") == ["身边好人工作室"]
    assert orgs(nlp, "坪生村民宿“云上人家”凌晨接到电话。") == ["云上人家"]
    # the list calls them platforms; a brand is no body
    assert orgs(nlp, '公司依托"劳模工作室""金蓝领工作室"等平台培养人才。') == []
    assert orgs(nlp, "茶叶品牌“湘炎春”远销海外。") == []


# ---------------------------------------------------------------- short names


def test_schools_by_number(nlp):
    text = "陈小意来到醴陵二中慰问,向二中全体教师致以节日问候。"
    assert orgs(nlp, text) == ["醴陵二中", "二中"]
    assert orgs(nlp, "他说二中近两年进步很大。") == []  # no school of that number named here
    assert orgs(nlp, "学习党的二十届三中全会精神。") == []


def test_company_short_names_by_trade_name_and_industry(nlp):
    assert orgs(nlp, "走进中航光电、中信重工、顺丰速运参观。") == ["中航光电", "中信重工", "顺丰速运"]
    assert orgs(nlp, "推进人工智能和新能源汽车发展。") == []  # everyday words, no trade names
    assert orgs(nlp, "保留的是智能制造、纳米科技、生物制药等高端产业。") == []


# ---------------------------------------------------------------- edges and chains


def test_a_body_in_an_address_chain_starts_after_the_unit_above(nlp):
    got = found(nlp, "近日,龙口市龙港街道办事处金海湾社区居民打来电话。")
    assert got[:2] == [("龙口市", "PLACE"), ("龙港街道办事处", "ORG")]
    # a workplace, no chain: the office keeps its district
    assert orgs(nlp, "在天元区嵩山路街道办事处任职的他。") == ["天元区嵩山路街道办事处"]


def test_a_body_with_its_own_name_after_a_town_is_located_there(nlp):
    assert found(nlp, "他是群丰镇金雁子稻虾合作社的社员。") == [("群丰镇", "PLACE"), ("金雁子稻虾合作社", "ORG")]
    assert orgs(nlp, "群丰镇卫生院的医生赶到。") == ["群丰镇卫生院"]
    assert orgs(nlp, "龙匣村茶叶专业合作社分红。") == ["龙匣村茶叶专业合作社"]


def test_a_higher_place_after_a_village_begins_the_name(nlp):
    assert found(nlp, "项目落户龙匣村湖南远航纺织有限公司。")[-2:] == [("龙匣村", "PLACE"), ("湖南远航纺织有限公司", "ORG")]
    assert orgs(nlp, "湖南株洲远航纺织有限公司投产。") == ["湖南株洲远航纺织有限公司"]


@pytest.mark.parametrize("text, org", [
    ("在宁邦中心对面俊冠酒店,发现招牌破损。", "俊冠酒店"),    # 对 stops the scan inside 对面
    ("接县防汛抗旱指挥部通知,水闸关闭。", "县防汛抗旱指挥部"),  # a verb before a prefix
    ("书写茶陵小学发展的新篇章。", "茶陵小学"),               # an everyday word before a place
])
def test_a_name_starts_at_a_word_edge(nlp, text, org):
    assert org in orgs(nlp, text) and not any(o.endswith(org) and o != org for o in orgs(nlp, text))


def test_a_locative_ends_the_stem(nlp):
    assert orgs(nlp, "湘水大桥两侧公交站焕然一新。") == []
    assert orgs(nlp, "茶陵县政务服务中心开门办公。") == ["茶陵县政务服务中心"]


def test_short_forms_of_groups_and_trade_names_later_in_the_article(nlp):
    assert orgs(nlp, "东方雨虹集团宣布投资。据了解,东方雨虹将扩产。") == ["东方雨虹集团", "东方雨虹"]
    got = orgs(nlp, "茶陵东方天润农业科技的榨油坊开工。东方天润负责人、茶陵东方天润员工出席。")
    assert got == ["茶陵东方天润农业科技", "东方天润", "茶陵东方天润"]
    assert orgs(nlp, "海外华文传媒来访。") == []  # a kind of media, no trade name


def test_accounts_and_apps_without_quotes(nlp):
    assert orgs(nlp, "7月9日,株洲发布微信公众号发布消息。") == ["株洲发布"]
    assert orgs(nlp, "扫码下载株洲通APP即可。") == ["株洲通"]
    assert orgs(nlp, "株洲新闻网、今日头条客户端等媒体转载。") == ["株洲新闻网", "今日头条"]
    assert orgs(nlp, "欢迎关注微信公众号。") == []
    assert orgs(nlp, "登录征集方式政府网站报名。") == []


def test_a_body_known_by_its_number(nlp):
    assert orgs(nlp, "代表团参观了七二五所。") == ["七二五所"]
    assert not [o for o in orgs(nlp, "全县共有三十所学校。") if "三十所" in o]  # a count


@pytest.mark.parametrize("text", [
    "调研龙匣村基层卫生院建设。",       # a kind: grassroots clinics
    "病人转到市级医院。",
    "使湘江城市中心成为服务业高地。",   # the city centre
    "全省乡镇党委换届。",               # generic units
])
def test_kinds_of_bodies_are_not_organizations(nlp, text):
    assert orgs(nlp, text) == [], found(nlp, text)


def test_a_place_and_a_function_name_its_body(nlp):
    assert orgs(nlp, "在茶陵公安的协助下,嫌疑人落网。") == ["茶陵公安"]
    assert orgs(nlp, "茶陵公安局民警赶到。") == ["茶陵公安局"]  # the head gives the longer name
    assert orgs(nlp, "茶陵交通发展很快。") == []  # 交通 names no body by itself

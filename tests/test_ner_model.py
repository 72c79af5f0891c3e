"""Rules that need the real lexicon (word frequencies, the gazetteer): on the built model."""

from pipeline.ner import find_mentions, load_model


def test_an_unlisted_administrative_unit_needs_a_name_that_is_no_everyday_word(model_dir):
    nlp = load_model(model_dir)
    text = "专家驻点以后,乡亲们看病不出县就能找到好医生。茶陵县高陇镇龙匣村发展茶叶。"
    found = {m.text: m.label for m in find_mentions(nlp, [text])[0]}
    assert not any(t.endswith("出县") for t in found)
    assert found.get("龙匣村") == "PLACE"

from helpdesk.text_classifier import TextClassifier, pinyin

EXAMPLES = {
    "refund": ["退款多久到账", "钱什么时候退回来", "退款还没收到"],
    "password": ["密码忘了怎么办", "怎么重置密码", "登录不了要改密码"],
    "phone": ["客服电话是多少", "有没有电话可以打", "打电话找客服"],
}


def _chinese_classifier() -> TextClassifier:
    texts = [t for lines in EXAMPLES.values() for t in lines]
    labels = [label for label, lines in EXAMPLES.items() for _ in lines]
    return TextClassifier(language="zh").fit(texts, labels)


def test_pinyin_spells_how_chinese_sounds_and_keeps_everything_else():
    assert pinyin("退款多久") == "tuikuanduojiu"
    assert pinyin("mima忘了") == "mimawangle"
    assert pinyin("订单BW104233") == "dingdanBW104233"


def test_a_word_typed_in_pinyin_or_with_a_character_that_sounds_the_same_is_understood():
    classifier = _chinese_classifier()
    assert classifier.rank(["mima忘了咋办"])[0][0][0] == "password"
    assert classifier.rank(["退宽多久"])[0][0][0] == "refund"
    assert classifier.rank(["客服电化"])[0][0][0] == "phone"


def test_english_classifiers_do_not_read_sounds():
    assert TextClassifier().sounds is None

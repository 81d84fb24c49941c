from helpdesk.text_classifier import TextClassifier

EXAMPLES = {
    "refund": ["退款多久到账", "钱什么时候退回来", "退款还没收到"],
    "password": ["密码忘了怎么办", "怎么重置密码", "登录不了要改密码"],
    "phone": ["客服电话是多少", "有没有电话可以打", "打电话找客服"],
}


def _chinese_classifier() -> TextClassifier:
    texts = [t for lines in EXAMPLES.values() for t in lines]
    labels = [label for label, lines in EXAMPLES.items() for _ in lines]
    return TextClassifier(language="zh").fit(texts, labels)


def test_a_word_typed_in_pinyin_or_with_a_character_that_sounds_the_same_is_understood():
    classifier = _chinese_classifier()
    assert classifier.rank(["mima忘了咋办"])[0][0][0] == "password"
    assert classifier.rank(["退宽多久"])[0][0][0] == "refund"
    assert classifier.rank(["客服电化"])[0][0][0] == "phone"


def test_a_chinese_example_is_also_learnt_with_a_word_left_in_pinyin_when_asked():
    texts, labels, dense = TextClassifier(language="zh", pinyin_variants=2).as_typed(
        ["运费多少", "密码忘了"], ["ship", "pw"]
    )
    assert len(texts) > 2 and dense is None
    assert all(
        label == ("ship" if "多少" in t or "duoshao" in t else "pw")
        for t, label in zip(texts, labels, strict=True)
    )
    assert TextClassifier(language="zh").as_typed(["运费多少"], ["ship"])[0] == ["运费多少"]
    english = TextClassifier(pinyin_variants=2)
    assert english.as_typed(["where is it"], ["ship"])[0] == ["where is it"]


def test_english_classifiers_do_not_read_sounds():
    assert TextClassifier().sounds is None

import pytest

from helpdesk.language import (
    detect_language,
    language_of_message,
    normalize_language,
    pick_language,
    requested_language,
)


@pytest.mark.parametrize(
    "text",
    ["我的订单BW104233到哪了", "订单号 104233", "运费多少？", "refund 一般多久", "ＰａｙＰａｌ可以用吗"],
)
def test_chinese_text_makes_the_conversation_chinese(text):
    assert detect_language(text) == "zh"


@pytest.mark.parametrize(
    "text", ["ok", "BW104233", "2", "maya.thompson@example.com", "T-00042", "thanks!", "👍", ""]
)
def test_a_message_that_says_nothing_about_language_leaves_it_as_it_was(text):
    assert detect_language(text) is None
    assert language_of_message(text) is None


def test_an_english_sentence_makes_the_conversation_english():
    assert detect_language("where is my order BW104233") == "en"


@pytest.mark.parametrize(
    "text, language",
    [
        ("can we speak English?", "en"),
        ("english please", "en"),
        ("说英文吧", "en"),
        ("请用英语回复", "en"),
        ("说中文", "zh"),
        ("do you speak Chinese?", "zh"),
        ("中文", "zh"),
        ("can you reply in mandarin", "zh"),
    ],
)
def test_a_customer_may_ask_for_a_language_in_either_language(text, language):
    assert requested_language(text) == language
    assert language_of_message(text) == language


def test_the_pages_language_is_the_first_hint_and_the_customers_words_win():
    assert language_of_message("/greet", hint="zh-CN") == "zh"
    assert language_of_message("where is my parcel please", hint="zh") == "en"
    assert language_of_message("ok", hint="fr") is None


def test_language_tags_are_reduced_to_the_supported_languages():
    assert normalize_language("zh_Hans") == "zh" and normalize_language("EN-us") == "en"
    assert normalize_language("fr") is None and normalize_language(None) is None
    assert pick_language([None, "de", "zh"]) == "zh" and pick_language([]) == "en"

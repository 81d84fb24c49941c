"""What a Chinese-speaking customer types is understood like its English words:
urgency (紧急, 不急), ratings (五星, 4星), and how long a description is when
Chinese writes no spaces."""

import pytest

from helpdesk.parsing import asks_a_question, count_words, parse_rating, parse_urgency


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("紧急", "high"),
        ("挺急的", "high"),
        ("越快越好", "high"),
        ("不急", "low"),
        ("不着急，慢慢来", "low"),
        ("不是很急", "low"),
        ("不算太急", "low"),
        ("请尽快处理", "normal"),  # the normal button's Chinese label
        ("一般吧", "normal"),
        ("pretty urgent tbh", "high"),
        ("not urgent", "low"),
    ],
)
def test_urgency_in_chinese_words(text, level):
    assert parse_urgency(text) == level


@pytest.mark.parametrize("text", ["一般多久能处理", "无法正常开机", "我的订单到哪了"])
def test_chinese_words_that_say_nothing_of_urgency(text):
    assert parse_urgency(text) is None


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("五星", 5),
        ("给4星", 4),
        ("两颗星", 2),
        ("三分", 3),
        ("满分", 5),
        ("5分", 5),
        ("四星好评", 4),
    ],
)
def test_ratings_in_chinese(text, rating):
    assert parse_rating(text) == rating


def test_minutes_are_not_a_rating():
    assert parse_rating("等了三分钟") is None


def test_words_are_counted_in_chinese_too():
    assert count_words("坏了") == 1
    assert count_words("外箱压烂了屏幕") == 4  # seven characters, about four words
    assert count_words("我的 Aurora TV 屏幕裂了") == 5
    assert count_words("the box arrived crushed") == 4  # English as before


@pytest.mark.parametrize("text", ["保修几年", "退货要几周", "能用微信支付不", "客服邮箱是啥"])
def test_a_chinese_question_is_recognised_as_a_question(text):
    assert asks_a_question(text)


@pytest.mark.parametrize("text", ["东西坏了", "我要退货", "买了几件衣服"])
def test_a_chinese_statement_is_not_taken_for_a_question(text):
    assert not asks_a_question(text)


def test_traditional_chinese_is_parsed_like_simplified():
    from helpdesk.parsing import parse_order_id, parse_ticket_id

    assert parse_order_id("訂單ＢＷ１０４２３３到哪裡了") == "BW-104233"
    assert parse_ticket_id("工單 42 處理得怎麼樣") == 42
    assert parse_urgency("非常緊急") == "high"
    assert parse_rating("五顆星") == 5
    assert asks_a_question("運費多少")

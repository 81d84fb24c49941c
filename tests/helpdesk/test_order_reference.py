"""Which order a customer means without its number (helpdesk/order_reference.py)."""

import pytest

from helpdesk.order_reference import refers_back


@pytest.mark.parametrize(
    "text",
    [
        "what was in that order?",
        "has it shipped yet",
        "这个订单里有什么",
        "那单发货了吗",
        "上一笔订单什么时候到",
        "刚才那个能取消吗",
        "它到哪了",
    ],
)
def test_a_message_pointing_at_the_order_just_discussed_refers_back(text):
    assert refers_back(text)


@pytest.mark.parametrize(
    "text", ["where is my order", "我的订单到哪了", "这个问题怎么解决", "我想下单买个耳机"]
)
def test_a_message_naming_no_earlier_order_does_not_refer_back(text):
    assert not refers_back(text)

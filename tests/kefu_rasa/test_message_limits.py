"""A message too long to parse is never parsed, and whoever answers it does so in the
language it is written in (outside a Rasa server: the never-silent apology)."""

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from kefu_rasa import message_limits
from tests.conftest import run_async


def answer(text: str):
    parsed = []

    async def bot(message):
        parsed.append(message.text)

    collector = CollectingOutputChannel()
    run_async(message_limits.kefu_message_handler(bot)(UserMessage(text, collector, "conv-1")))
    return parsed, [m.get("text") for m in collector.messages]


def test_a_chinese_message_too_long_to_read_is_not_parsed_and_answered_in_chinese():
    limit = message_limits.settings().max_message_chars
    parsed, replies = answer("我的订单一直没到，" * (limit // 9 + 1))
    assert parsed == [] and len(replies) == 1 and replies[0].startswith("抱歉")


def test_an_english_message_too_long_to_read_is_answered_in_english():
    limit = message_limits.settings().max_message_chars
    parsed, replies = answer("where is my order " * (limit // 18 + 1))
    assert parsed == [] and replies[0].startswith("Sorry, something went wrong on my side")

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from kefu_rasa.silence import apology_text, decided_language, never_silent
from tests.conftest import run_async


def handle(on_new_message, text="hello", metadata=None):
    collector = CollectingOutputChannel()
    message = UserMessage(text, collector, "conv-1", metadata=metadata)
    run_async(never_silent(on_new_message)(message))
    return [m.get("text") for m in collector.messages]


async def silent(message):
    return None


def test_a_message_that_got_no_reply_gets_an_apology_with_contact_details():
    replies = handle(silent)
    assert len(replies) == 1
    assert (
        "something went wrong on my side" in replies[0]
        and "support@brightwave.example" in replies[0]
    )


def test_a_crash_while_handling_also_ends_in_an_apology():
    async def broken(message):
        raise RuntimeError("action server unreachable")

    assert "something went wrong" in handle(broken)[0]


def test_a_normal_reply_is_passed_on_untouched():
    async def answers(message):
        await message.output_channel.send_response(message.sender_id, {"text": "Hi there!"})

    assert handle(answers) == ["Hi there!"]


def test_the_english_apology_reads_exactly_as_it_always_did():
    assert handle(silent, "where is my order please") == [
        "Sorry, something went wrong on my side and I couldn't answer that. Please try again "
        "in a moment. If it keeps happening, please email support@brightwave.example or call "
        "1-800-555-0199."
    ]


def test_a_chinese_message_that_got_no_reply_gets_the_apology_in_chinese():
    [reply] = handle(silent, "我的订单到哪了？")
    assert reply == (
        "抱歉，系统出了点问题，刚才没能回复您，请稍后再试。如果问题一直出现，请发邮件至 "
        "support@brightwave.example 或致电 1-800-555-0199。"
    )


def test_a_message_that_says_nothing_of_its_language_is_apologised_for_in_the_pages():
    # "BW-104233" decides nothing; the widget's page is Chinese
    assert handle(silent, "BW-104233", metadata={"lang": "zh-CN"})[0].startswith("抱歉")


def test_the_conversations_language_decides_when_the_message_does_not():
    assert decided_language("ok", {}, "zh") == "zh"
    assert decided_language("ok", {}, None) is None
    assert decided_language("can you speak English please", {}, "zh") == "en"
    assert apology_text("zh").startswith("抱歉") and apology_text(None).startswith("Sorry")

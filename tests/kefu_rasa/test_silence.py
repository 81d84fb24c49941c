from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from kefu_rasa.silence import never_silent
from tests.conftest import run_async


def handle(on_new_message, text="hello"):
    collector = CollectingOutputChannel()
    run_async(never_silent(on_new_message)(UserMessage(text, collector, "conv-1")))
    return [m.get("text") for m in collector.messages]


def test_a_message_that_got_no_reply_gets_an_apology_with_contact_details():
    async def silent(message):
        return None

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

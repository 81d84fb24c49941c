"""The placeholders of canned replies (helpdesk/canned_placeholders.py): filled from
the chat's customer record and collected details, a value the chat lacks left as a
visible gap, names used the way customers are addressed."""

from helpdesk.canned_placeholders import chat_values, fill_placeholders, first_name
from helpdesk.canned_replies import CannedReplies
from helpdesk.handoffs.desk import HandoffDesk
from tests.conftest import queue_chat


def test_placeholders_are_filled_from_the_chats_customer_and_details(demo_db, conversations, facts):
    chat = queue_chat(conversations)  # Maya Thompson (C1001), about order BW-104119
    detail = HandoffDesk(demo_db, None, facts).detail(chat)
    values = chat_values(detail, "Alex Rivera", "Brightwave")
    replies = CannedReplies(demo_db)
    rendered = replies.render(replies.find("en", "checking").id, values)
    assert rendered.text == (
        "Thanks, Maya. I'm looking at order BW-104119 now; this will take a minute or two."
    )
    assert rendered.missing == ()
    greeting = replies.render(replies.find("en", "greeting").id, values)
    assert greeting.text.startswith("Hi Maya, this is Alex Rivera from the Brightwave support")


def test_a_value_the_chat_lacks_stays_as_a_visible_gap_and_is_named(demo_db, conversations, facts):
    chat = queue_chat(conversations, "chat-anon", customer_id=None)
    detail = HandoffDesk(demo_db, None, facts).detail(chat)
    values = chat_values(detail, "Alex Rivera", "Brightwave")
    replies = CannedReplies(demo_db)
    rendered = replies.render(replies.find("en", "ticket").id, values)
    assert "{ticket_ref}" in rendered.text and rendered.missing == ("ticket_ref",)
    text, missing = fill_placeholders("Hi {first_name}, {first_name}!", {})
    assert (text, missing) == ("Hi {first_name}, {first_name}!", ("first_name",))


def test_a_chinese_name_is_used_whole_and_a_western_one_by_its_first_word():
    assert first_name("Maya Thompson") == "Maya"
    assert first_name("王小明") == "王小明"
    assert first_name("  ") is None

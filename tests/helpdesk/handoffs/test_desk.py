"""The handoff state machine against a real database: who may do what to a chat,
what the customer is told, and chats nobody can take becoming tickets."""

from datetime import timedelta

import pytest

from helpdesk.conversation_records import NewHandoff
from helpdesk.handoffs.desk import HandoffConflict, HandoffNotFound, NotYourChat
from helpdesk.handoffs.queue_position import QueuePositions
from tests.conftest import CLOSED_HOURS, OPEN_HOURS, queue_chat

NOW = OPEN_HOURS





@pytest.fixture
def chat(conversations):
    return queue_chat(conversations)


def test_the_queue_puts_the_most_urgent_chat_first_then_the_longest_waiting(desk, conversations):
    first = queue_chat(conversations, "c1", priority=3)
    urgent = queue_chat(conversations, "c2", priority=9)
    second = queue_chat(conversations, "c3", priority=3)
    assert [e.id for e in desk.queue()] == [urgent, first, second]


def test_a_queued_chat_shows_its_customer_tier_and_pickup_target(desk, chat, facts):
    entry = desk.queue()[0]
    assert (entry.customer_name, entry.tier, entry.identity_verified) == (
        "Maya Thompson",
        "premier",
        True,
    )
    assert entry.pickup_due - entry.created_at == timedelta(
        minutes=facts.tier("premier").chat_pickup_minutes
    )


def test_claiming_makes_the_chat_yours_and_tells_the_customer_who_joined(desk, chat, alex):
    outcome = desk.claim(chat, alex, NOW)
    assert (outcome.entry.status, outcome.entry.agent_name) == ("active", "Alex Rivera")
    [notice] = outcome.notices
    assert "Alex Rivera" in notice.text and notice.metadata["handoff"]["status"] == "active"
    assert not notice.resume_bot


def test_a_chat_cannot_be_claimed_twice(desk, chat, alex, sam):
    desk.claim(chat, alex, NOW)
    with pytest.raises(HandoffConflict, match="Alex Rivera already holds"):
        desk.claim(chat, sam, NOW)
    with pytest.raises(HandoffConflict, match="already hold"):
        desk.claim(chat, alex, NOW)


def test_only_the_agent_holding_a_chat_may_write_to_it(desk, chat, alex, sam):
    with pytest.raises(HandoffConflict, match="claim it first"):
        desk.check_can_write(chat, alex)
    desk.claim(chat, alex, NOW)
    with pytest.raises(NotYourChat, match="Alex Rivera holds"):
        desk.check_can_write(chat, sam)
    assert desk.check_can_write(chat, alex).id == chat
    notice = desk.reply_notice(alex, "Hello Maya", chat)
    assert notice.metadata == {"sender": "agent", "agent_name": "Alex Rivera", "handoff_id": chat}


def test_any_agent_may_add_an_internal_note(desk, chat, alex, sam):
    desk.claim(chat, alex, NOW)
    note = desk.add_note(chat, sam, "Customer called yesterday too", NOW)
    assert note.internal and note.kind == "note" and note.author_name == "Sam Lee"


def test_handing_back_resumes_the_bot_and_says_so(desk, chat, alex):
    desk.claim(chat, alex, NOW)
    outcome = desk.hand_back(chat, alex, NOW)
    assert outcome.entry.status == "returned"
    [notice] = outcome.notices
    assert notice.resume_bot and not notice.ask_rating and "handed you back" in notice.text


def test_resolving_resumes_the_bot_and_asks_for_a_rating(desk, chat, alex, conversations):
    desk.claim(chat, alex, NOW)
    outcome = desk.resolve(chat, alex, NOW)
    assert outcome.entry.status == "resolved"
    assert outcome.notices[0].resume_bot and outcome.notices[0].ask_rating
    assert not conversations.has_rating("chat-maya")  # this chat is worth a rating
    conversations.record_rating("chat-maya", 5, "Alex was great", "C1001")
    assert conversations.has_rating("chat-maya")
    assert conversations.ratings_for_customer("C1001")[0].handoff_id == chat


@pytest.mark.parametrize("close", ["resolve", "hand_back", "convert_to_ticket"])
def test_a_closed_chat_cannot_be_closed_again_or_by_someone_else(desk, chat, alex, sam, close):
    desk.claim(chat, alex, NOW)
    with pytest.raises(NotYourChat):
        getattr(desk, close)(chat, sam, NOW)
    getattr(desk, close)(chat, alex, NOW)
    with pytest.raises(HandoffConflict, match="already"):
        getattr(desk, close)(chat, alex, NOW)


def test_a_waiting_chat_must_be_claimed_before_it_is_resolved(desk, chat, alex):
    with pytest.raises(HandoffConflict, match="claim it first"):
        desk.resolve(chat, alex, NOW)


def test_unknown_chats_are_reported_as_not_found(desk, alex):
    with pytest.raises(HandoffNotFound):
        desk.claim(999, alex, NOW)
    with pytest.raises(HandoffNotFound):
        desk.detail(999)


def test_converting_keeps_the_transcript_the_live_chat_and_the_details_in_a_ticket(
    desk, chat, alex, conversations, records
):
    desk.claim(chat, alex, NOW)
    conversations.route_customer_message("chat-maya", "It is the Aurora 55", NOW)
    desk.record_reply(chat, alex, "Sorry to hear that", NOW)
    outcome = desk.convert_to_ticket(chat, alex, NOW)
    ticket = records.get_ticket(outcome.ticket.ticket.id)
    assert (ticket.customer_id, ticket.order_id, outcome.entry.ticket_id) == (
        "C1001",
        "BW-104119",
        ticket.id,
    )
    assert "It is the Aurora 55" in ticket.description and "cracked" in ticket.description
    [notice] = outcome.notices
    assert ticket.ref in notice.text and notice.resume_bot


def test_customer_messages_are_held_for_the_person_and_then_go_back_to_the_bot(
    desk, chat, alex, conversations
):
    route = conversations.route_customer_message("chat-maya", "hello?", NOW)
    assert route.held_by_handoff == chat
    assert desk.detail(chat).events[-1].body == "hello?"
    desk.claim(chat, alex, NOW)
    desk.hand_back(chat, alex, NOW)
    route = conversations.route_customer_message("chat-maya", "thanks", NOW)
    assert (route.held_by_handoff, route.handed_off_before) == (None, True)
    fresh = conversations.route_customer_message("never-handed-off", "hi", NOW)
    assert (fresh.held_by_handoff, fresh.handed_off_before) == (None, False)


def test_a_customer_message_sent_again_with_its_id_is_kept_for_the_agent_once(
    desk, chat, conversations
):
    # The widget resends a message whose Rasa process died after keeping it for
    # the agent but before saving the conversation: the agent must not read it twice.
    for _ in range(2):
        route = conversations.route_customer_message("chat-maya", "hello?", NOW, "a1b2c3d4e5")
        assert route.held_by_handoff == chat
    conversations.route_customer_message("chat-maya", "hello?", NOW, "f6a7b8c9d0")
    conversations.route_customer_message("chat-maya", "hello?", NOW)
    bodies = [e.body for e in desk.detail(chat).events if e.kind == "customer_message"]
    assert bodies.count("hello?") == 3  # the same words, sent as new messages, all kept


def test_the_console_reads_new_events_from_a_cursor(desk, chat, alex):
    cursor = desk.latest_event_id()
    desk.claim(chat, alex, NOW)
    desk.add_note(chat, alex, "checking stock", NOW)
    assert [e.kind for e in desk.events_after(cursor)] == ["claimed", "note"]
    assert desk.events_after(desk.latest_event_id()) == []


def test_an_unclaimed_chat_becomes_a_ticket_after_the_timeout(desk, chat, records):
    assert desk.sweep(NOW + timedelta(minutes=14)) == []
    [outcome] = desk.sweep(NOW + timedelta(minutes=16))
    assert outcome.entry.status == "converted"
    assert "nobody from our team could pick this chat up" in outcome.notices[0].text
    assert outcome.ticket.ticket.ref in outcome.notices[0].text
    assert desk.sweep(NOW + timedelta(minutes=30)) == []  # only once


def test_a_customer_who_left_gets_a_ticket_after_the_grace_period(desk, chat, conversations):
    conversations.customer_presence("chat-maya", present=False, now=NOW)
    assert desk.sweep(NOW + timedelta(seconds=60)) == []
    conversations.customer_presence("chat-maya", present=True, now=NOW + timedelta(seconds=90))
    assert desk.sweep(NOW + timedelta(minutes=5)) == []  # came back in time
    conversations.customer_presence("chat-maya", present=False, now=NOW + timedelta(minutes=5))
    [outcome] = desk.sweep(NOW + timedelta(minutes=8))
    assert "left" in desk.detail(chat).events[-1].body
    assert outcome.entry.status == "converted"


def test_a_customer_who_left_is_promised_the_answer_by_email_only_when_kefu_sends_email(
    demo_db, records, facts, chat, conversations
):
    from helpdesk.handoffs.desk import HandoffDesk

    conversations.customer_presence("chat-maya", present=False, now=NOW)
    later = NOW + timedelta(minutes=3)
    emailing = HandoffDesk(demo_db, records, facts, email_enabled=True)

    [outcome] = emailing.sweep(later)

    assert "by email to maya.thompson@example.com" in outcome.notices[0].text
    assert outcome.ticket.ticket.contact_email == "maya.thompson@example.com"
    other = queue_chat(conversations, "chat-other", customer_id="C1002")
    conversations.customer_presence("chat-other", present=False, now=NOW)
    [silent] = HandoffDesk(demo_db, records, facts).sweep(later)
    assert silent.entry.id == other and "by email" not in silent.notices[0].text


def test_chats_still_waiting_when_support_closes_become_tickets(desk, chat, alex, conversations):
    active = queue_chat(conversations, "chat-active", customer_id="C1002")
    desk.claim(active, alex, NOW)
    converted = desk.sweep(CLOSED_HOURS)
    assert [o.entry.id for o in converted] == [chat]  # the agent keeps the one they hold


def test_the_escalation_event_gives_the_reason_in_words(desk, chat):
    assert desk.detail(chat).events[0].body == (
        "The assistant handed the chat over: The customer asked for a person."
    )


def test_a_new_chat_is_told_how_long_agents_have_lately_taken_to_pick_up(desk, conversations, alex):
    assert conversations.create_handoff(_new("first", OPEN_HOURS)).typical_wait is None
    for n, minutes in enumerate((2, 3, 10)):
        chat = queue_chat(conversations, f"earlier-{n}")
        desk.claim(chat, alex, OPEN_HOURS + timedelta(minutes=minutes))
    queued = conversations.create_handoff(_new("latest", OPEN_HOURS + timedelta(minutes=20)))
    assert queued.typical_wait == timedelta(minutes=3)  # the median, not swayed by one slow pickup


def _new(conversation_id, at):
    return NewHandoff(
        conversation_id=conversation_id,
        reason="customer_request",
        transcript=[],
        collected={},
        created_at=at,
    )


def test_the_customer_who_moves_to_the_head_of_the_queue_is_told_once(
    desk, conversations, alex, demo_db
):
    first = queue_chat(conversations, "first", priority=5)
    queue_chat(conversations, "second", priority=3)
    positions = QueuePositions(demo_db)
    assert positions.tell(NOW) == []  # both heard their place when queued
    desk.claim(first, alex, NOW)
    [told] = positions.tell(NOW)
    assert told.conversation_id == "second" and "you're next in the queue" in told.notice.text
    assert positions.tell(NOW) == []


def test_a_conversion_interrupted_before_its_ticket_is_finished_by_the_sweeper_once(
    desk, chat, demo_db, records
):
    from sqlalchemy import update

    from helpdesk.models import Handoff

    with demo_db.session() as session:  # as if the process died between the two steps
        session.execute(
            update(Handoff).where(Handoff.id == chat).values(status="converted", closed_at=NOW)
        )
    assert desk.sweep(NOW + timedelta(seconds=10)) == []  # give the converter a moment
    [outcome] = desk.sweep(NOW + timedelta(minutes=2))
    assert outcome.ticket is not None and outcome.entry.ticket_id == outcome.ticket.ticket.id
    assert desk.sweep(NOW + timedelta(minutes=3)) == []
    assert len([t for t in records.list_tickets("C1001") if t.conversation_id == "chat-maya"]) == 1


# --- the chat's language ------------------------------------------------------------


def _chinese_chat(conversations, conversation_id="chat-zh", customer_id="C1001", priority=5):
    return conversations.create_handoff(
        NewHandoff(
            conversation_id=conversation_id,
            reason="customer_request",
            transcript=[{"role": "customer", "text": "我要转人工", "intent": "request_human"}],
            collected={"order_id": "BW-104119"},
            customer_id=customer_id,
            identity_method="token",
            priority=priority,
            created_at=NOW,
            language="zh",
        )
    ).id


def test_the_english_notices_read_exactly_as_they_always_did(desk, chat, alex):
    assert desk.queue()[0].language == "en"
    [joined] = desk.claim(chat, alex, NOW).notices
    assert joined.text == "Alex Rivera from our support team has joined the chat."
    [resolved] = desk.resolve(chat, alex, NOW).notices
    assert resolved.text == (
        "Alex Rivera has marked this chat as resolved. Thank you for talking to us! "
        "If anything else comes up, just write here."
    )


def test_a_chinese_chat_hears_the_desk_in_chinese_and_agents_read_its_log_in_english(
    desk, conversations, alex
):
    chat = _chinese_chat(conversations)
    assert desk.queue()[0].language == "zh"
    [joined] = desk.claim(chat, alex, NOW).notices
    assert joined.text == "客服专员 Alex Rivera 已加入对话，很高兴为您服务。"
    [back] = desk.hand_back(chat, alex, NOW).notices
    assert back.text.startswith("Alex Rivera 已离开对话，接下来由 Brightwave 智能助手")
    assert [e.body for e in desk.detail(chat).events] == [
        "The assistant handed the chat over: The customer asked for a person.",
        "The customer was told they are next in the queue.",
        "Alex Rivera joined the chat.",
        "Alex Rivera handed the chat back to the assistant.",
    ]


def test_a_resolved_chinese_chat_is_thanked_in_chinese(desk, conversations, alex):
    chat = _chinese_chat(conversations)
    desk.claim(chat, alex, NOW)
    [notice] = desk.resolve(chat, alex, NOW).notices
    assert notice.text.startswith("Alex Rivera 已将本次对话标记为已解决。") and notice.ask_rating


def test_a_chinese_customer_is_told_in_chinese_that_they_are_next(
    desk, conversations, alex, demo_db
):
    first = queue_chat(conversations, "first", priority=9)
    _chinese_chat(conversations, "second-zh", priority=3)
    desk.claim(first, alex, NOW)
    [told] = QueuePositions(demo_db).tell(NOW)
    assert told.conversation_id == "second-zh"
    assert told.notice.text == "好消息：下一位就是您了，客服专员马上就会加入对话。"


def test_a_chinese_chat_nobody_picked_up_becomes_a_ticket_said_in_chinese(
    desk, conversations, records
):
    chat = _chinese_chat(conversations)
    [outcome] = desk.sweep(NOW + timedelta(minutes=16))
    ref = outcome.ticket.ticket.ref
    text = outcome.notices[0].text
    assert text.startswith(f"抱歉，客服专员暂时都在忙，没能接入本次对话，我已为您创建工单 {ref}")
    # the moment in Chinese with the Chinese zone label, the promise in Chinese
    assert "前答复您" in text and "美东时间" in text and "support@brightwave.example" in text
    assert outcome.entry.id == chat and outcome.entry.language == "zh"
    ticket = records.get_ticket(outcome.ticket.ticket.id)
    # customers read the subject in their language; agents read the description in theirs
    assert ticket.subject == "其他问题 – 订单 BW-104119"
    assert ticket.description.startswith(
        "Chat handed to a person: The customer asked for a person."
    )


def test_an_agent_who_turns_a_chinese_chat_into_a_ticket_is_named_in_chinese(
    desk, conversations, alex
):
    chat = _chinese_chat(conversations)
    desk.claim(chat, alex, NOW)
    outcome = desk.convert_to_ticket(chat, alex, NOW)
    ref = outcome.ticket.ticket.ref
    assert outcome.notices[0].text.startswith(f"Alex Rivera 已将本次对话转为工单 {ref}")
    assert outcome.event.body == f"Alex Rivera turned the chat into a ticket. Ticket {ref} opened."


def test_a_chat_held_by_an_agent_no_longer_known_is_refused_in_a_sentence(
    desk, chat, alex, sam, demo_db
):
    from sqlalchemy import update

    from helpdesk.models import Handoff

    desk.claim(chat, alex, NOW)
    with demo_db.session() as session:  # the agent's row is gone from the join
        session.execute(update(Handoff).where(Handoff.id == chat).values(agent_id=None))
    with pytest.raises(HandoffConflict, match="^Another agent already holds this chat.$"):
        desk.claim(chat, sam, NOW)


# --- turning a chat into a ticket with the agent's category and subject -------------


def test_an_agent_turning_a_chat_into_a_ticket_picks_its_category_and_subject(
    desk, chat, alex, records
):
    from helpdesk.handoffs.to_ticket import TicketChoice

    desk.claim(chat, alex, NOW)
    choice = TicketChoice(category="damaged_item", subject="Cracked TV screen, order BW-104119")
    outcome = desk.convert_to_ticket(chat, alex, NOW, choice)
    ticket = records.get_ticket(outcome.ticket.ticket.id)
    assert (ticket.category, ticket.subject) == ("damaged_item", choice.subject)
    assert desk.detail(chat).events[-1].ticket_ref == ticket.ref


def test_an_unknown_category_is_refused_before_the_chat_closes(desk, chat, alex):
    from helpdesk.handoffs.to_ticket import TicketChoice

    desk.claim(chat, alex, NOW)
    with pytest.raises(ValueError, match='no ticket category "hovercraft"'):
        desk.convert_to_ticket(chat, alex, NOW, TicketChoice("hovercraft", "Eels"))
    assert desk.queue()[0].status == "active"


def test_the_ticket_form_suggests_the_customers_own_words_not_the_handoff_reason(
    desk, conversations
):
    chat = queue_chat(conversations, "no-description", customer_text="I want a person")
    draft = desk.ticket_draft(chat)
    assert draft.subject == "The TV screen is cracked"  # what the bot collected
    assert ("damaged_item", "Damaged item") in draft.categories

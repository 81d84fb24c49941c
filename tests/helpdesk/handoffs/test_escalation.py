from helpdesk.handoffs.escalation import EscalationRequest, escalate
from helpdesk.models import Handoff
from tests.conftest import CLOSED_HOURS, OPEN_HOURS

TRANSCRIPT = [
    {
        "role": "customer",
        "text": "my tv arrived smashed <b>!!</b>",
        "intent": "report_problem",
        "confidence": 0.91,
    },
    {"role": "bot", "text": "I'm sorry to hear that.", "buttons": []},
    {"role": "customer", "text": "I want a human", "intent": "request_human", "confidence": 0.97},
]


def request(records, **changes):
    values = dict(
        conversation_id="conv-1",
        reason="customer_request",
        transcript=TRANSCRIPT,
        collected={"ticket_category": "damaged_item", "order_id": "BW-104119"},
        customer=records.get_customer("C1001"),
        identity_method="token",
    )
    values.update(changes)
    return EscalationRequest(**values)


def test_during_hours_a_handoff_keeps_transcript_reason_details_and_identity(
    records, conversations, facts, demo_db
):
    outcome = escalate(records, conversations, facts, request(records), OPEN_HOURS)
    assert outcome.kind == "queued" and outcome.handoff.queue_position == 1
    with demo_db.session() as session:
        row = session.get(Handoff, outcome.handoff.id)
        assert row.transcript == TRANSCRIPT
        assert (
            row.reason == "customer_request"
            and row.reason_detail == "The customer asked for a person"
        )
        assert row.collected == {"ticket_category": "damaged_item", "order_id": "BW-104119"}
        assert (row.customer_id, row.identity_method, row.identity_verified) == (
            "C1001",
            "token",
            True,
        )
        assert row.status == "waiting"


def test_an_anonymous_visitor_is_recorded_as_unverified(records, conversations, facts, demo_db):
    outcome = escalate(
        records,
        conversations,
        facts,
        request(records, customer=None, identity_method=None),
        OPEN_HOURS,
    )
    with demo_db.session() as session:
        row = session.get(Handoff, outcome.handoff.id)
        assert row.customer_id is None and not row.identity_verified


def test_the_same_conversation_is_queued_once(records, conversations, facts):
    escalate(records, conversations, facts, request(records), OPEN_HOURS)
    assert (
        escalate(records, conversations, facts, request(records), OPEN_HOURS).kind
        == "already_queued"
    )


def test_queue_position_puts_premier_and_upset_customers_first(records, conversations, facts):
    standard = records.get_customer("C1003")
    escalate(
        records,
        conversations,
        facts,
        request(records, conversation_id="a", customer=standard),
        OPEN_HOURS,
    )
    escalate(
        records,
        conversations,
        facts,
        request(records, conversation_id="b", customer=standard),
        OPEN_HOURS,
    )
    premier = escalate(
        records,
        conversations,
        facts,
        request(records, conversation_id="c", negativity=1.0),
        OPEN_HOURS,
    )
    later = escalate(
        records,
        conversations,
        facts,
        request(records, conversation_id="d", customer=standard),
        OPEN_HOURS,
    )
    assert premier.handoff.queue_position == 1
    assert later.handoff.queue_position == 4


def test_outside_hours_a_ticket_with_the_same_context_is_opened_instead(
    records, conversations, facts
):
    outcome = escalate(
        records, conversations, facts, request(records, reason="customer_upset"), CLOSED_HOURS
    )
    assert outcome.kind == "ticket" and outcome.handoff is None
    ticket = records.get_ticket(outcome.opened.ticket.id)
    assert (
        ticket.customer_id == "C1001"
        and ticket.category == "damaged_item"
        and ticket.order_id == "BW-104119"
    )
    assert "my tv arrived smashed <b>!!</b>" in ticket.description
    # Sunday: the team is back Monday 8:00 Eastern; Premier's 1 business hour runs from then.
    assert outcome.next_opening.hour == 8 and outcome.next_opening.weekday() == 0
    assert outcome.opened.due == facts.hours.add_business_hours(outcome.next_opening, 1)
    assert conversations.open_handoff_for("conv-1") is None


def test_asking_again_while_closed_adds_to_the_same_ticket(records, conversations, facts):
    first = escalate(records, conversations, facts, request(records), CLOSED_HOURS)
    again = escalate(
        records, conversations, facts, request(records, reason="customer_upset"), CLOSED_HOURS
    )
    assert again.kind == "ticket_updated" and again.opened.ticket.id == first.opened.ticket.id
    assert "The customer is upset" in again.opened.ticket.comments[-1].body
    assert len(records.open_tickets_for_conversation("conv-1")) == 1


def test_the_conversations_language_is_kept_with_its_handoff(
    records, conversations, facts, demo_db
):
    chinese = escalate(records, conversations, facts, request(records), OPEN_HOURS, language="zh")
    english = escalate(
        records, conversations, facts, request(records, conversation_id="conv-2"), OPEN_HOURS
    )
    assert (chinese.handoff.language, english.handoff.language) == ("zh", "en")
    with demo_db.session() as session:
        assert session.get(Handoff, chinese.handoff.id).language == "zh"
        # what agents read stays in their language
        assert session.get(Handoff, chinese.handoff.id).reason_detail == (
            "The customer asked for a person"
        )


def test_a_language_kefu_does_not_speak_is_kept_as_the_default(records, conversations, facts):
    outcome = escalate(records, conversations, facts, request(records), OPEN_HOURS, language="fr")
    assert outcome.handoff.language == "en"


def test_a_chinese_ticket_opened_while_closed_is_titled_and_timed_in_chinese(
    records, conversations, facts
):
    outcome = escalate(
        records,
        conversations,
        facts,
        request(records, reason="customer_upset"),
        CLOSED_HOURS,
        language="zh",
    )
    ticket = records.get_ticket(outcome.opened.ticket.id)
    assert ticket.subject == "商品损坏 – 订单 BW-104119"
    assert outcome.opened.target == "1 个工作小时"  # Premier
    assert ticket.description.startswith(
        "Escalated by the assistant outside support hours: The customer is upset."
    )
    # the replies an agent writes later reach the chat with the desk's words in Chinese
    records.add_ticket_comment(ticket.id, "agent", None, "我们已安排换货。", to_chat=True)
    [pending] = records.pending_chat_replies()
    assert pending.language == "zh"


def test_an_english_ticket_opened_while_closed_reads_as_it_always_did(
    records, conversations, facts
):
    outcome = escalate(
        records,
        conversations,
        facts,
        request(records, reason="customer_upset", collected={"ticket_category": "damaged_item"}),
        CLOSED_HOURS,
    )
    assert outcome.opened.ticket.subject == "Damaged item – chat escalated: the customer is upset"
    assert outcome.opened.target == "1 business hour"

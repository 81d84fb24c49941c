"""An agent's public reply on a ticket opened in a chat is said in that chat (through
Rasa's HTTP API), and waits for Rasa when it cannot be delivered yet."""

from helpdesk.records import NewTicket
from tests.conftest import run_async
from webapp.sweeper import sweep_once


def chat_ticket(records, conversation_id="chat-maya") -> str:
    return records.create_ticket(
        NewTicket(
            category="damaged_item",
            subject="Damaged item – order BW-104101",
            description="The box arrived crushed",
            urgency="normal",
            priority=4,
            customer_id="C1001",
            conversation_id=conversation_id,
        )
    ).ref


def agent_events(rasa):
    return [
        (path, event)
        for path, body in rasa.calls
        if isinstance(body, list)
        for event in body
        if event["event"] == "bot"
    ]


def test_a_public_reply_reaches_the_customers_chat_marked_as_a_person(alex, rasa, records):
    ref = chat_ticket(records)
    response = alex.post(f"/api/tickets/{ref}/comments", json={"text": "We're sending a new one."})
    assert response.status_code == 201
    [(path, event)] = agent_events(rasa)
    assert path == "/conversations/chat-maya/tracker/events"
    assert event["text"] == "We're sending a new one."
    assert event["metadata"] == {"sender": "agent", "agent_name": "Alex Rivera", "ticket": ref}
    assert response.json()["comments"][-1]["chat_delivery"] == "delivered"


def test_an_internal_note_on_a_ticket_never_reaches_the_customer(alex, rasa, records):
    ref = chat_ticket(records)
    alex.post(f"/api/tickets/{ref}/comments", json={"text": "check stock", "internal": True})
    assert agent_events(rasa) == []


def test_a_reply_rasa_cannot_take_now_is_delivered_by_the_sweeper_later(alex, app, rasa, records):
    ref = chat_ticket(records)
    rasa.down = True
    response = alex.post(f"/api/tickets/{ref}/comments", json={"text": "Refund sent."})
    assert response.status_code == 201  # the reply is kept
    assert response.json()["comments"][-1]["chat_delivery"] == "pending"
    rasa.down = False
    run_async(sweep_once(app.state.kefu))
    assert [e["text"] for _, e in agent_events(rasa)] == ["Refund sent."]
    assert records.pending_chat_replies() == []


def test_a_reply_without_an_author_on_a_chinese_chats_ticket_is_signed_by_the_team_in_chinese(
    app, rasa, records
):
    ticket = records.create_ticket(
        NewTicket(
            category="damaged_item",
            subject="商品损坏 – 订单 BW-104101",
            description="The box arrived crushed",
            urgency="normal",
            priority=4,
            customer_id="C1001",
            conversation_id="chat-zh",
            context={"language": "zh"},
        )
    )
    records.add_ticket_comment(ticket.id, "agent", None, "我们会给您补发一台。", to_chat=True)
    run_async(sweep_once(app.state.kefu))
    [(_, event)] = agent_events(rasa)
    assert event["metadata"]["agent_name"] == "客服团队"
    assert event["text"] == "我们会给您补发一台。"  # the agent's own words, as written

"""The handoff loop with the real servers: the customer writes through Rasa's REST
channel, the agent works through the web app's API, and Rasa's own HTTP API shows
what the bot did. The bot must stay silent while a person has the chat, even after
the conversation restarts or its session expires, and answer again afterwards."""

import json
import time

import pytest
import requests

from helpdesk.config import PROJECT_ROOT
from helpdesk.replies import load_reply_catalogue
from ops.chat_client import RestChat
from tests.conftest import AGENT_EMAIL, AGENT_PASSWORD

pytestmark = pytest.mark.stack


def say(stack, customer: RestChat, text):
    return customer.say(text)


@pytest.fixture(scope="module")
def agent(stack):
    session = requests.Session()
    response = session.post(
        f"{stack.config.web_url}/api/agent/login",
        json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    session.base = stack.config.web_url
    return session


def api(agent, method, path, **kwargs):
    response = agent.request(method, agent.base + path, timeout=30, **kwargs)
    assert response.status_code < 300, (path, response.status_code, response.text)
    return response.json() if response.content else None


def escalate(stack, agent, customer: RestChat):
    say(stack, customer, "hi")
    said = say(stack, customer, "I want to talk to a human")
    assert any("queue" in text for text in said)
    [chat] = [c for c in api(agent, "GET", "/api/queue") if c["conversation_id"] == customer.sender]
    return chat["id"]


def rasa_events(stack, sender):
    return requests.get(
        f"{stack.config.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.config.rasa_token, "include_events": "ALL"},
        timeout=10,
    ).json()["events"]


def test_the_bot_stays_silent_while_a_person_has_the_chat_even_after_a_restart(stack, agent):
    sender = RestChat(stack.config.rasa_url)
    chat = escalate(stack, agent, sender)
    # While it waits, only the desk's acknowledgement answers; the bot is silent.
    noted = load_reply_catalogue(PROJECT_ROOT / "knowledge_base").text(
        "notices.waiting_message_noted", "en"
    )
    assert say(stack, sender, "hello? is anyone there") == [noted]
    api(agent, "POST", f"/api/handoffs/{chat}/claim")
    assert say(stack, sender, "/restart") == []  # Rasa would answer this while paused
    assert say(stack, sender, "start over") == []
    # A session that expires starts unpaused; Kefu still holds the chat.
    requests.post(
        f"{stack.config.rasa_url}/conversations/{sender.sender}/tracker/events",
        params={"token": stack.config.rasa_token},
        json=[{"event": "restart"}, {"event": "session_started"}],
        timeout=10,
    ).raise_for_status()
    assert say(stack, sender, "what is your return policy?") == []
    bodies = [
        e["body"] for e in api(agent, "GET", f"/api/handoffs/{chat}")["events"] if e["kind"] == "customer_message"
    ]
    assert bodies == ["hello? is anyone there", "/restart", "start over", "what is your return policy?"]


def rasa_paused(stack, sender) -> bool:
    return requests.get(
        f"{stack.config.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.config.rasa_token},
        timeout=10,
    ).json()["paused"]


def test_rasas_pause_follows_the_desk_from_the_handover_to_the_agent_letting_go(stack, agent):
    sender = RestChat(stack.config.rasa_url)
    chat = escalate(stack, agent, sender)
    assert rasa_paused(stack, sender.sender)  # right after the turn that handed it over
    api(agent, "POST", f"/api/handoffs/{chat}/claim")
    assert rasa_paused(stack, sender.sender)
    api(agent, "POST", f"/api/handoffs/{chat}/resolve")
    assert not rasa_paused(stack, sender.sender)  # lifted at once, before the customer writes
    kinds = [e["event"] for e in rasa_events(stack, sender.sender)]
    assert kinds.count("pause") == 1 and kinds.count("resume") == 1


@pytest.mark.parametrize("route", ["pause", "typing"])
def test_a_stranger_can_neither_lift_the_pause_nor_type_into_a_chat(stack, agent, route):
    sender = RestChat(stack.config.rasa_url)
    escalate(stack, agent, sender)
    body = {"conversation_id": sender.sender, "name": "Mallory", "typing": True}
    for token in ({}, {"token": "a guess"}):
        refused = requests.post(
            f"{stack.config.rasa_url}/webhooks/socketio/{route}", params=token, json=body, timeout=10
        )
        assert refused.status_code == 401
    assert rasa_paused(stack, sender.sender)
    assert say(stack, sender, "hello?") == [
        load_reply_catalogue(PROJECT_ROOT / "knowledge_base").text(
            "notices.waiting_message_noted", "en"
        )
    ]


def test_a_handed_back_chat_is_answered_by_the_bot_again(stack, agent):
    sender = RestChat(stack.config.rasa_url)
    chat = escalate(stack, agent, sender)
    api(agent, "POST", f"/api/handoffs/{chat}/claim")
    reply = api(agent, "POST", f"/api/handoffs/{chat}/reply", json={"text": "Hi, Alex here."})
    assert reply["kind"] == "agent_message"
    agent_messages = [e for e in rasa_events(stack, sender.sender) if e["event"] == "bot" and e.get("metadata", {}).get("sender") == "agent"]
    assert agent_messages[-1]["text"] == "Hi, Alex here."
    api(agent, "POST", f"/api/handoffs/{chat}/hand-back")
    answer = " ".join(say(stack, sender, "how long do I have to return an item?"))
    assert "30 days" in answer


def test_a_resolved_chat_asks_for_a_rating_and_keeps_it_with_the_chat(stack, agent):
    sender = RestChat(stack.config.rasa_url)
    chat = escalate(stack, agent, sender)
    api(agent, "POST", f"/api/handoffs/{chat}/claim")
    api(agent, "POST", f"/api/handoffs/{chat}/resolve")
    asked = [e["text"] for e in rasa_events(stack, sender.sender) if e["event"] == "bot"][-1]
    assert "how would you rate" in asked
    assert "Anything you'd like to tell us" in " ".join(say(stack, sender, "5"))
    assert "Thank you for your feedback!" in say(stack, sender, "Alex was quick")


def test_customer_messages_reach_the_agents_event_stream_live(stack, agent):
    sender = RestChat(stack.config.rasa_url)
    chat = escalate(stack, agent, sender)
    with agent.get(agent.base + "/api/events/stream", stream=True, timeout=10) as stream:
        lines = stream.iter_lines(decode_unicode=True)
        assert next(lines) == "retry: 2000"
        sent = time.monotonic()
        say(stack, sender, "my order never came")
        for line in lines:
            if line.startswith("data: ") and '"customer_message"' in line:
                event = json.loads(line[6:])
                break
    assert (event["handoff_id"], event["body"]) == (chat, "my order never came")
    assert time.monotonic() - sent < 2.0


def test_a_pause_left_behind_after_the_chat_ended_does_not_silence_the_bot(stack, agent):
    sender = RestChat(stack.config.rasa_url)
    chat = escalate(stack, agent, sender)
    api(agent, "POST", f"/api/handoffs/{chat}/claim")
    api(agent, "POST", f"/api/handoffs/{chat}/hand-back")
    # As if the web app could not reach Rasa to lift the pause when the agent let go.
    requests.post(
        f"{stack.config.rasa_url}/conversations/{sender.sender}/tracker/events",
        params={"token": stack.config.rasa_token},
        json=[{"event": "pause"}],
        timeout=10,
    ).raise_for_status()
    assert "30 days" in " ".join(say(stack, sender, "how long do I have to return an item?"))

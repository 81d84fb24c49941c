"""Email through the running web app: an agent's answer leaves by SMTP (a real
server, ops/mail_catcher.py), the customer's reply comes in through Kefu's own
SMTP listener and shows in the console's API, a forged reply address is refused
at the door, and a mail server that is down loses nothing."""

import smtplib
import time
from email.message import EmailMessage

import pytest
from sqlalchemy import update

from helpdesk.agents import AgentAccounts
from helpdesk.models import Handoff, utcnow
from helpdesk.records import NewTicket
from helpdesk.sql_records import unit_of_work
from ops.mail_catcher import MailCatcher, free_port
from tests.conftest import queue_chat
from tests.webapp.agents_app import ALEX, SAM, sign_in
from webapp.app import create_app

MAYA = "maya.thompson@example.com"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def inbound_port():
    return free_port()


@pytest.fixture
def email_app(settings, demo_db, rasa, smtp_port, inbound_port):
    for email, name, password in (ALEX, SAM):
        AgentAccounts(demo_db).create_agent(email, name, password)
    return create_app(
        settings.with_changes(
            rasa_url="http://rasa.test",
            rasa_token="t",
            handoff_sweep_seconds=0,
            smtp_host="127.0.0.1",
            smtp_port=smtp_port,
            smtp_security="none",
            smtp_timeout_seconds=2.0,
            inbound_smtp_port=inbound_port,
            email_retry_minutes=(0.02, 0.02, 0.02),
        )
    )


@pytest.fixture
def mail_server(smtp_port):
    with MailCatcher(port=smtp_port) as catcher:
        yield catcher


@pytest.fixture
def agent(email_app):
    with sign_in(email_app, ALEX) as client:  # runs the app's startup: sender, listener
        yield client


def eventually(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def a_ticket(records, email=MAYA):
    return records.create_ticket(
        NewTicket(
            category="faulty_product",
            subject="TV flickers",
            description="The picture flickers.",
            urgency="normal",
            priority=1,
            customer_id="C1001",
            contact_email=email,
        )
    ).ref


def answer(agent, ref, text="Please try another HDMI cable."):
    response = agent.post(f"/api/tickets/{ref}/comments", json={"text": text})
    assert response.status_code == 201, response.text
    return response.json()["comments"][-1]


def reply_by_email(port, sent, text, to=None):
    mail = EmailMessage()
    mail["From"] = f"Maya Thompson <{MAYA}>"
    mail["To"] = to or sent["Reply-To"]
    mail["Subject"] = "Re: " + sent["Subject"]
    mail["Message-ID"] = f"<{time.time_ns()}@example.com>"
    mail["In-Reply-To"] = sent["Message-ID"]
    mail.set_content(
        text
        + "\n\nOn Tue, Brightwave wrote:\n> ##- Please type your reply above this line -##\n> old"
    )
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
        client.send_message(mail)


def comment_status(agent, ref):
    return agent.get(f"/api/tickets/{ref}").json()["comments"][-1]["email_status"]


def test_a_ticket_answer_is_emailed_and_the_customers_reply_lands_in_the_ticket(
    agent, records, mail_server, inbound_port
):
    ref = a_ticket(records)
    answer(agent, ref)

    (mail,) = mail_server.wait_for(1)
    sent = mail.message
    assert ref in sent["Subject"] and mail.recipients == [MAYA]
    assert eventually(lambda: comment_status(agent, ref) == "sent")

    reply_by_email(inbound_port, sent, "That fixed it, thank you!")

    last = eventually(
        lambda: (
            (c := agent.get(f"/api/tickets/{ref}").json()["comments"][-1])["author_type"]
            == "customer"
            and c
        )
    )
    assert last["body"] == "That fixed it, thank you!" and last["channel"] == "email"


def test_a_forged_reply_address_is_refused_while_the_sender_is_connected(
    agent, records, mail_server, inbound_port
):
    ref = a_ticket(records)
    answer(agent, ref)
    sent = mail_server.wait_for(1)[0].message
    forged = "reply+" + "f" * 32 + "@brightwave.example"

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        reply_by_email(inbound_port, sent, "Send the refund to me instead", to=forged)

    assert refused.value.recipients[forged][0] == 550
    assert agent.get(f"/api/tickets/{ref}").json()["comments"][-1]["author_type"] == "agent"


def test_a_mail_server_that_is_down_shows_retrying_and_the_answer_goes_when_it_is_back(
    agent, records, smtp_port
):
    ref = a_ticket(records)
    comment = answer(agent, ref)
    assert eventually(lambda: comment_status(agent, ref) == "retrying")
    detail = agent.get(f"/api/email/messages?comments={comment['id']}").json()
    assert detail[0]["attempts"] >= 1 and detail[0]["last_error"]

    with MailCatcher(port=smtp_port) as back:
        assert len(back.wait_for(1, timeout=15)) == 1
        assert eventually(lambda: comment_status(agent, ref) == "sent")
        assert len(back.mails) == 1  # sent once


def test_an_agent_answer_in_a_chat_the_customer_left_is_emailed_and_the_reply_shows_in_the_chat(
    agent, demo_db, conversations, mail_server, inbound_port
):
    chat_id = queue_chat(conversations)
    with unit_of_work(demo_db) as session:
        session.execute(
            update(Handoff).where(Handoff.id == chat_id).values(customer_left_at=utcnow())
        )
    assert agent.post(f"/api/handoffs/{chat_id}/claim").status_code == 200
    reply = agent.post(f"/api/handoffs/{chat_id}/reply", json={"text": "Sorry for the wait!"})
    assert reply.status_code == 200 and reply.json()["email_status"] == "queued"

    (mail,) = mail_server.wait_for(1)
    assert mail.recipients == [MAYA]
    reply_by_email(inbound_port, mail.message, "No problem, I'm here by email.")

    def email_message():
        events = agent.get(f"/api/handoffs/{chat_id}").json()["events"]
        return [e for e in events if e["kind"] == "customer_message" and e["channel"] == "email"]

    (event,) = eventually(email_message)
    assert event["body"] == "No problem, I'm here by email."
    sent_event = [
        e
        for e in agent.get(f"/api/handoffs/{chat_id}").json()["events"]
        if e["kind"] == "agent_message"
    ]
    assert sent_event[-1]["email_status"] == "sent"
    (detail,) = agent.get(f"/api/email/messages?events={sent_event[-1]['id']}").json()
    assert (detail["direction"], detail["to_address"]) == ("out", MAYA)


def test_an_attachment_is_offered_only_as_a_download(agent, records, mail_server, inbound_port):
    ref = a_ticket(records)
    answer(agent, ref)
    sent = mail_server.wait_for(1)[0].message
    mail = EmailMessage()
    mail["From"] = MAYA
    mail["To"] = sent["Reply-To"]
    mail["Subject"] = "Re: photo"
    mail.set_content("Here is the page.")
    mail.add_attachment(
        b"<script>alert(1)</script>", maintype="text", subtype="html", filename="page.html"
    )
    with smtplib.SMTP("127.0.0.1", inbound_port, timeout=5) as client:
        client.send_message(mail)

    comment = eventually(
        lambda: (
            (c := agent.get(f"/api/tickets/{ref}").json()["comments"][-1])["channel"] == "email"
            and c
        )
    )
    (email,) = agent.get(f"/api/email/messages?comments={comment['id']}").json()
    (file,) = email["attachments"]
    download = agent.get(file["url"])
    assert download.content == b"<script>alert(1)</script>"
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["content-security-policy"]


def test_email_routes_need_a_signed_in_agent(email_app):
    from fastapi.testclient import TestClient

    stranger = TestClient(email_app)
    assert stranger.get("/api/email/messages?comments=1").status_code == 401
    assert stranger.get("/api/email/attachments/1").status_code == 401


def test_with_no_smtp_server_configured_nothing_is_emailed(alex, records):
    ref = a_ticket(records)
    comment = answer(alex, ref)
    assert comment["email_status"] is None
    assert alex.get(f"/api/email/messages?comments={comment['id']}").json() == []


def test_email_routes_refuse_garbage_ids_and_files_that_are_not_there(alex):
    assert alex.get("/api/email/messages?comments=1,<script>").status_code == 422
    assert alex.get("/api/email/messages?events=" + ",".join(["1"] * 201)).status_code == 422
    assert alex.get("/api/email/messages?comments=" + "9" * 3000).status_code == 422
    assert alex.get("/api/email/attachments/999999").status_code == 404
    assert alex.get("/api/email/attachments/99999999999").status_code == 422

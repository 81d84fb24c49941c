"""An agent's answer by email: well-formed, sent once, retried while the mail
server is down, bounced or failed visibly, on a real database and SMTP server."""

from datetime import timedelta

from helpdesk.config import Settings
from helpdesk.email.smtp_client import SmtpClient
from ops.mail_catcher import MailCatcher, free_port
from tests.helpdesk.email.conftest import MAYA, NOW, answered_ticket, new_ticket


def client_for(port):
    return SmtpClient(
        Settings(
            smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", smtp_timeout_seconds=3
        )
    )


def send_due(outbox, client, now=NOW):
    statuses = []
    for claimed in outbox.claim_due(now):
        result = client.send(claimed.envelope_from, claimed.to_address, claimed.raw)
        statuses.append(outbox.record(claimed.id, result, now))
    return statuses


def test_a_ticket_answer_arrives_with_both_parts_threading_headers_and_the_ticket_number(
    records, outbox, catcher
):
    ticket, _ = answered_ticket(records, outbox, body="Please try **another** HDMI cable.")

    assert send_due(outbox, client_for(catcher.port)) == ["sent"]

    (mail,) = catcher.wait_for(1)
    message = mail.message
    assert mail.recipients == [MAYA]
    assert mail.envelope_from.startswith("bounce+") and mail.envelope_from.endswith(
        "@brightwave.example"
    )
    assert message["Subject"] == f"[Brightwave] TV flickers [{ticket.ref}]"
    assert "Brightwave" in message["From"] and "support@brightwave.example" in message["From"]
    assert message["Reply-To"].startswith("reply+")
    assert message["Message-ID"].endswith("@brightwave.example>")
    assert message["X-Kefu-Ticket"] == ticket.ref
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Hello Maya," in plain and "Please try **another** HDMI cable." in plain
    assert "Please type your reply above this line" in plain.splitlines()[0]
    assert "<strong>another</strong>" in html and "Sam Lee" in html


def test_the_second_answer_replies_to_the_first_and_keeps_the_thread(records, outbox, catcher):
    ticket, _ = answered_ticket(records, outbox)
    view = records.add_ticket_comment(ticket.id, "agent", "Sam Lee", "Did that help?")
    outbox.queue_ticket_reply(view.comments[-1].id, NOW)

    send_due(outbox, client_for(catcher.port))

    first, second = (m.message for m in catcher.wait_for(2))
    assert second["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in second["References"]
    assert first["Reply-To"] == second["Reply-To"]  # one thread, one secret address


def test_an_agent_markup_is_shown_as_text_never_as_html(records, outbox, catcher):
    answered_ticket(records, outbox, body='<img src=x onerror="alert(1)"> <b>hi</b>')

    send_due(outbox, client_for(catcher.port))

    html = catcher.wait_for(1)[0].message.get_body(preferencelist=("html",)).get_content()
    assert "<img" not in html and "&lt;img" in html


def test_internal_notes_and_tickets_without_an_address_send_nothing(records, outbox):
    ticket = new_ticket(records)
    note = records.add_ticket_comment(ticket.id, "agent", "Sam", "internal", internal=True)
    nobody = new_ticket(records, email=None, customer_id=None)
    answer = records.add_ticket_comment(nobody.id, "agent", "Sam", "hello")

    assert outbox.queue_ticket_reply(note.comments[-1].id, NOW) is None
    assert outbox.queue_ticket_reply(answer.comments[-1].id, NOW) is None


def test_a_mail_server_that_is_down_loses_nothing_the_answer_retries_then_goes(records, outbox):
    ticket, _ = answered_ticket(records, outbox)
    port = free_port()

    assert send_due(outbox, client_for(port)) == ["retrying"]
    (delivery,) = outbox.deliveries(comment_ids=[ticket_comment(records, ticket)])[0].values()
    assert delivery.status == "retrying" and delivery.attempts == 1
    assert delivery.last_error and delivery.next_attempt_at == NOW + timedelta(minutes=1)
    assert outbox.claim_due(NOW) == []  # not before its time

    with MailCatcher(port=port) as catcher:
        assert send_due(outbox, client_for(port), NOW + timedelta(minutes=1)) == ["sent"]
        assert len(catcher.wait_for(1)) == 1


def test_an_answer_the_server_never_takes_is_marked_failed_after_the_last_retry(records, outbox):
    answered_ticket(records, outbox)
    client = client_for(free_port())

    statuses = [send_due(outbox, client, NOW + timedelta(minutes=minute)) for minute in (0, 1, 6)]

    assert statuses == [["retrying"], ["retrying"], ["failed"]]
    assert outbox.next_attempt_at() is None


def test_a_recipient_refused_for_good_is_bounced_not_retried(records, outbox, catcher):
    catcher.refuse(MAYA)
    ticket, _ = answered_ticket(records, outbox)

    assert send_due(outbox, client_for(catcher.port)) == ["bounced"]
    delivery = outbox.deliveries(comment_ids=[ticket_comment(records, ticket)])[0]
    assert "550" in next(iter(delivery.values())).last_error


def test_two_senders_never_claim_the_same_message(records, outbox):
    answered_ticket(records, outbox)

    first, second = outbox.claim_due(NOW), outbox.claim_due(NOW)

    assert len(first) == 1 and second == []
    # a sender that died mid-send: the lease runs out and the message is taken up again
    assert len(outbox.claim_due(NOW + timedelta(minutes=3))) == 1


def ticket_comment(records, ticket):
    return records.get_ticket(ticket.id).comments[-1].id

"""A customer's emailed reply lands in the right ticket or chat, by the thread's
secret only; quoted history, signatures, HTML and attachments are dealt with."""

from email.message import EmailMessage
from email.policy import SMTP

from sqlalchemy import select

from helpdesk.email.models import EmailAttachment
from helpdesk.email.models import EmailMessage as EmailRow
from helpdesk.handoffs.events import add_event
from helpdesk.models import Handoff, HandoffEvent
from helpdesk.sql_records import unit_of_work
from tests.helpdesk.email.conftest import MAYA, NOW, answered_ticket, new_ticket


def sent_message(demo_db, email_id):
    with demo_db.session() as session:
        row = session.get(EmailRow, email_id)
        return row.raw


def reply_to(raw_sent, text, sender=MAYA, html=None, attach=None, **headers):
    from email import message_from_bytes, policy

    sent = message_from_bytes(raw_sent, policy=policy.default)
    reply = EmailMessage()
    reply["From"] = f"Maya Thompson <{sender}>"
    reply["To"] = sent["Reply-To"]
    reply["Subject"] = "Re: " + sent["Subject"]
    reply["Message-ID"] = headers.pop("message_id", "<reply-1@example.com>")
    reply["In-Reply-To"] = sent["Message-ID"]
    reply["References"] = sent["Message-ID"]
    for name, value in headers.items():
        reply[name.replace("_", "-")] = value
    reply.set_content(text)
    if html:
        reply.add_alternative(html, subtype="html")
    for name, data in attach or []:
        reply.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return str(sent["Reply-To"]), reply.as_bytes(policy=SMTP)


QUOTED = """Thanks, a new cable fixed it!

Best,
Maya

On Tue, Dec 1, 2026 at 3:00 PM Sam Lee at Brightwave <support@brightwave.example> wrote:
> ##- Please type your reply above this line -##
> Hello Maya,
> Please try another HDMI cable.
"""


def test_a_reply_lands_in_its_ticket_as_the_customers_comment_without_the_quoted_history(
    demo_db, records, outbox, intake
):
    ticket, email_id = answered_ticket(records, outbox)
    to, raw = reply_to(sent_message(demo_db, email_id), QUOTED)

    received = intake.receive([to], raw, NOW)

    assert received.kind == "comment" and received.ticket_id == ticket.id
    comment = records.get_ticket(ticket.id).comments[-1]
    assert (comment.author_type, comment.channel) == ("customer", "email")
    assert comment.body == "Thanks, a new cable fixed it!"


def test_a_chinese_reply_keeps_only_the_new_text(demo_db, records, outbox, intake):
    _, email_id = answered_ticket(records, outbox)
    text = "好的，谢谢，问题解决了。\n\n在 2026年12月1日 周二 15:00，Brightwave 客服 写道：\n> 您好"
    to, raw = reply_to(sent_message(demo_db, email_id), text)

    received = intake.receive([to], raw, NOW)

    assert records.get_ticket(received.ticket_id).comments[-1].body == "好的，谢谢，问题解决了。"


def test_a_forged_reply_address_is_refused_and_a_ticket_number_in_the_subject_proves_nothing(
    demo_db, records, outbox, intake, mailbox
):
    victim, _ = answered_ticket(records, outbox)
    before = len(records.get_ticket(victim.id).comments)
    assert not intake.recipient_ok(mailbox.reply_address("0" * 32))
    assert not intake.recipient_ok("reply+T-00001@brightwave.example")

    forged = EmailMessage()
    forged["From"] = "mallory@evil.example"
    forged["To"] = "support@brightwave.example"
    forged["Subject"] = f"Re: [Brightwave] TV flickers [{victim.ref}]"
    forged["In-Reply-To"] = "<00000000000000000000000000000000@brightwave.example>"
    forged.set_content("Please send the refund to my account instead.")
    received = intake.receive(["support@brightwave.example"], bytes(forged), NOW)

    assert received.kind == "new_ticket" and received.ticket_id != victim.id
    assert len(records.get_ticket(victim.id).comments) == before
    assert records.get_ticket(received.ticket_id).contact_email == "mallory@evil.example"


def test_a_reply_sent_to_the_support_address_finds_its_ticket_by_the_message_it_answers(
    demo_db, records, outbox, intake
):
    ticket, email_id = answered_ticket(records, outbox)
    _, raw = reply_to(sent_message(demo_db, email_id), "It works now.")

    received = intake.receive(["support@brightwave.example"], raw, NOW)

    assert (received.kind, received.ticket_id) == ("comment", ticket.id)


def test_new_mail_from_an_unknown_sender_opens_a_ticket_and_is_acknowledged(
    records, intake, outbox
):
    mail = EmailMessage()
    mail["From"] = "New Person <new.person@example.org>"
    mail["To"] = "support@brightwave.example"
    mail["Subject"] = "My blender arrived broken"
    mail.set_content("The jug was cracked when I opened the box.")

    received = intake.receive(["support@brightwave.example"], bytes(mail), NOW)

    ticket = records.get_ticket(received.ticket_id)
    assert ticket.subject == "My blender arrived broken" and ticket.customer_id is None
    assert ticket.contact_email == "new.person@example.org" and ticket.source == "email"
    (ack,) = outbox.claim_due(NOW)
    assert ack.to_address == "new.person@example.org" and ticket.ref.encode() in ack.raw
    assert b"Auto-Submitted: auto-replied" in ack.raw


def test_mail_from_a_known_customer_opens_a_ticket_on_their_record(records, intake):
    mail = EmailMessage()
    mail["From"] = MAYA
    mail["To"] = "support@brightwave.example"
    mail["Subject"] = "Question"
    mail.set_content("Do you price match?")

    received = intake.receive(["support@brightwave.example"], bytes(mail), NOW)

    assert records.get_ticket(received.ticket_id).customer_id == "C1001"


def test_an_out_of_office_reply_is_kept_but_never_posted(demo_db, records, outbox, intake):
    ticket, email_id = answered_ticket(records, outbox)
    to, raw = reply_to(
        sent_message(demo_db, email_id), "I am away until Monday.", Auto_Submitted="auto-replied"
    )
    before = len(records.get_ticket(ticket.id).comments)

    assert intake.receive([to], raw, NOW).kind == "ignored"
    assert len(records.get_ticket(ticket.id).comments) == before


def test_the_same_message_received_twice_is_posted_once(demo_db, records, outbox, intake):
    ticket, email_id = answered_ticket(records, outbox)
    to, raw = reply_to(sent_message(demo_db, email_id), "Once only.")

    intake.receive([to], raw, NOW)
    assert intake.receive([to], raw, NOW).kind == "duplicate"
    assert [c.body for c in records.get_ticket(ticket.id).comments].count("Once only.") == 1


def test_attachments_are_stored_and_one_over_the_limit_is_listed_as_left_out(
    demo_db, records, outbox, intake
):
    _, email_id = answered_ticket(records, outbox)
    to, raw = reply_to(
        sent_message(demo_db, email_id),
        "Photos attached.",
        attach=[("receipt.pdf", b"%PDF-1.4 small"), ("huge.bin", b"x" * 5000)],
    )

    received = intake.receive([to], raw, NOW)

    with demo_db.session() as session:
        files = (
            session.execute(
                select(EmailAttachment).where(EmailAttachment.message_id == received.email_id)
            )
            .scalars()
            .all()
        )
        assert [(f.filename, f.size, f.data) for f in files] == [
            ("receipt.pdf", 14, b"%PDF-1.4 small"),
            ("huge.bin", 5000, None),
        ]


def test_html_mail_is_sanitised_and_a_message_with_only_html_is_read_as_text(
    demo_db, records, outbox, intake
):
    _, email_id = answered_ticket(records, outbox)
    html = '<p onclick="steal()">It <b>works</b><script>alert(1)</script><img src="http://t/x.gif"></p>'
    to, raw = reply_to(sent_message(demo_db, email_id), "It works", html=html)

    received = intake.receive([to], raw, NOW)

    with demo_db.session() as session:
        stored = session.get(EmailRow, received.email_id).html_body
    assert stored == "<p>It <b>works</b></p>"


def test_a_reply_to_a_chat_still_waiting_shows_in_the_chat_marked_as_email(
    demo_db, records, outbox, intake
):
    with unit_of_work(demo_db) as session:
        chat = Handoff(
            conversation_id="conv-email-1",
            customer_id="C1001",
            reason="customer_request",
            transcript=[],
            collected={},
            status="waiting",
            customer_left_at=NOW,
        )
        session.add(chat)
        session.flush()
        event = add_event(session, chat.id, "agent_message", NOW, "Sam Lee", "Are you there?")
        chat_id, event_id = chat.id, event.id
    email_id = outbox.queue_chat_reply(event_id, NOW)
    to, raw = reply_to(sent_message(demo_db, email_id), "Yes, by email now.")

    received = intake.receive([to], raw, NOW)

    assert (received.kind, received.handoff_id) == ("chat", chat_id)
    with demo_db.session() as session:
        last = (
            session.execute(
                select(HandoffEvent)
                .where(HandoffEvent.handoff_id == chat_id)
                .order_by(HandoffEvent.id.desc())
            )
            .scalars()
            .first()
        )
        assert (last.kind, last.body, last.channel) == (
            "customer_message",
            "Yes, by email now.",
            "email",
        )


def test_a_bounce_report_marks_the_message_bounced(demo_db, records, outbox, intake, mailbox):
    _, email_id = answered_ticket(records, outbox)
    with demo_db.session() as session:
        token = session.get(EmailRow, email_id).token
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@mx.example.com"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.set_content("Your message could not be delivered.")
    bounce_to = mailbox.bounce_address(token)

    assert intake.recipient_ok(bounce_to)
    assert intake.receive([bounce_to], bytes(report), NOW).kind == "bounce"
    with demo_db.session() as session:
        assert session.get(EmailRow, email_id).status == "bounced"


def test_a_ticket_without_an_address_still_has_no_thread(records, intake, outbox):
    ticket = new_ticket(records, email=None, customer_id=None)
    view = records.add_ticket_comment(ticket.id, "agent", "Sam", "hi")
    assert outbox.queue_ticket_reply(view.comments[-1].id, NOW) is None

"""Chats that become tickets: turned into one by an agent, or because nobody could
take them (unclaimed in time, the customer gone, support closed). Part of the
handoff desk (`HandoffDesk` mixes this in), kept apart because it is its own step:
a ticket with the whole chat, opened once per chat (by its request key), and a
chat marked converted whose ticket went missing repaired by the next sweep.

The ticket's description is for agents (the console's language); its subject and
the notice that tells the customer are in the chat's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional, Tuple

from sqlalchemy import select, update

from helpdesk.handoffs.events import add_event
from helpdesk.handoffs.views import HandoffDetail, Outcome, QueueEntry
from helpdesk.models import Agent, Handoff
from helpdesk.notices import Notice
from helpdesk.sql_records import unit_of_work
from helpdesk.ticket_replies import where_the_answer_comes
from helpdesk.tickets import TicketRequest, open_ticket

# A conversion whose ticket is still missing after this long was interrupted.
INTERRUPTED_AFTER = timedelta(minutes=1)
MAX_SUBJECT = 200
# The subject the form suggests is cut to this many characters.
SUBJECT_PREFILL = 120


@dataclass(frozen=True)
class TicketChoice:
    """What the agent turning a chat into a ticket chose: a category the company
    has (its key) and a subject of 1-200 characters."""

    category: str
    subject: str


@dataclass(frozen=True)
class TicketDraft:
    """What the console's "Turn into ticket" form starts from: the company's
    categories as (key, label) in the agent's language, the chat's guess among
    them, and a subject from the customer's own first statement of the problem."""

    categories: List[Tuple[str, str]]
    category: Optional[str]
    subject: str


class ChatsBecomeTickets:
    """Needs the desk's `db`, `records`, `facts`, `texts`, `claim_timeout`,
    `left_grace`, `email_enabled`, `detail()`, `_get()` and `_entry()`."""

    def sweep(self, now: datetime) -> List[Outcome]:
        """Turns waiting chats nobody can take into tickets: unclaimed for too long,
        the customer gone for good, or support has closed."""
        closed = not self.facts.hours.is_open(now)
        with unit_of_work(self.db) as session:
            waiting = (
                session.execute(select(Handoff).where(Handoff.status == "waiting")).scalars().all()
            )
            due = []
            for row in waiting:
                if closed:
                    cause, why = "support_closed", "why_support_closed"
                elif row.created_at + self.claim_timeout <= now:
                    cause, why = "claim_timeout", "why_unclaimed"
                elif (
                    row.customer_left_at is not None
                    and row.customer_left_at + self.left_grace <= now
                ):
                    cause, why = "customer_left", "why_customer_left"
                else:
                    continue
                due.append((row.id, cause, self.texts.say(f"desk.{why}")))
        outcomes = []
        for handoff_id, cause, why in due:
            with unit_of_work(self.db) as session:
                moved = session.execute(
                    update(Handoff)
                    .where(Handoff.id == handoff_id, Handoff.status == "waiting")
                    .values(status="converted", closed_at=now)
                ).rowcount
            if moved:  # another web process may have converted it first
                outcomes.append(
                    self._open_ticket_for(handoff_id, now, None, why=why, cause=cause)
                )
        return outcomes + self._finish_interrupted_conversions(now)

    def _finish_interrupted_conversions(self, now: datetime) -> List[Outcome]:
        """Chats marked converted whose ticket was never written (the process died
        between the two steps): their ticket is opened now, once (by its key)."""
        with unit_of_work(self.db) as session:
            stranded = session.execute(
                select(Handoff.id, Handoff.agent_id).where(
                    Handoff.status == "converted",
                    Handoff.ticket_id.is_(None),
                    Handoff.closed_at < now - INTERRUPTED_AFTER,
                )
            ).all()
            names = {
                row.id: row.name
                for row in session.execute(select(Agent.id, Agent.name)).all()
            }
        return [
            self._open_ticket_for(
                handoff_id,
                now,
                names.get(agent_id),
                why=self.texts.say("desk.why_interrupted"),
                cause="interrupted",
            )
            for handoff_id, agent_id in stranded
        ]

    def ticket_draft(self, handoff_id: int, language: Optional[str] = None) -> TicketDraft:
        detail = self.detail(handoff_id)
        facts = self.texts.facts(language)
        categories = [(key, c.label) for key, c in facts.ticket_categories.items()]
        problem = _first_problem(detail)
        category = detail.collected.get("ticket_category")
        if category not in facts.ticket_categories:
            category = self.facts.guess_category(problem) if problem else None
        subject = " ".join((problem or detail.entry.reason_text).split())
        if len(subject) > SUBJECT_PREFILL:
            subject = subject[: SUBJECT_PREFILL - 1].rstrip() + "…"
        return TicketDraft(categories, category, subject)

    def check_choice(self, choice: TicketChoice) -> None:
        """Refuses a category the company does not have, or a subject that is blank
        or longer than MAX_SUBJECT (raises ValueError, worded for the agent)."""
        if choice.category not in self.facts.ticket_categories:
            raise ValueError(self.texts.say("desk.unknown_category", category=choice.category))
        if not 1 <= len(choice.subject.strip()) <= MAX_SUBJECT:
            raise ValueError(self.texts.say("desk.subject_length", limit=MAX_SUBJECT))

    def converts_at(self, row: Handoff) -> Optional[datetime]:
        """When the sweep will turn this waiting chat into a ticket because its
        customer is away (None: the customer is there, or the chat is not waiting)."""
        if row.status != "waiting" or row.customer_left_at is None:
            return None
        return min(row.customer_left_at + self.left_grace, row.created_at + self.claim_timeout)

    def _open_ticket_for(
        self,
        handoff_id: int,
        now: datetime,
        agent_name: Optional[str],
        why: str,
        cause: str,
        choice: Optional[TicketChoice] = None,
    ) -> Outcome:
        detail = self.detail(handoff_id)
        entry = detail.entry
        customer = self.records.get_customer(entry.customer_id) if entry.customer_id else None
        said = [t["text"] for t in detail.transcript if t.get("role") == "customer"]
        said += [e.body for e in detail.events if e.kind == "customer_message"]
        say = self.texts.say
        language = entry.language
        lines = [say("desk.ticket_chat_handed_over", reason=entry.reason_text), why]
        if detail.collected.get("ticket_description"):
            lines.append(say("desk.ticket_problem", problem=detail.collected["ticket_description"]))
        if said:
            lines.append(say("desk.ticket_customer_wrote"))
            lines.extend(say("desk.ticket_customer_line", text=text) for text in said[-12:])
        hint = say("desk.hint_chat", language, reason=self._reason_in(entry, language).lower())
        with unit_of_work(self.db) as session:
            contact_email = self._get(session, handoff_id).contact_email
        category = detail.collected.get("ticket_category") or "other"
        opened = open_ticket(
            self.records,
            self.facts,
            TicketRequest(
                category=choice.category if choice else category,
                subject=choice.subject if choice else None,
                description="\n".join(lines),
                urgency=detail.collected.get("ticket_urgency") or "normal",
                customer=customer,
                order_id=detail.collected.get("order_id"),
                conversation_id=entry.conversation_id,
                contact_email=contact_email,
                source="handoff",
                subject_hint=hint,
                language=language,
                # One chat, one ticket: a conversion repeated after a crash finds it.
                request_key=f"handoff:{entry.id}",
                context={
                    "handoff_id": entry.id,
                    "reason": entry.reason,
                    "reason_detail": entry.reason_text,
                    "identity_method": entry.identity_method,
                    "collected": detail.collected,
                    "transcript": detail.transcript,
                    "live_chat": [
                        {
                            "kind": e.kind,
                            "author": e.author_name,
                            "text": e.body,
                            "at": e.created_at.isoformat(),
                        }
                        for e in detail.events
                    ],
                },
            ),
            now,
            texts=self.texts,
        )
        ref = opened.ticket.ref
        with unit_of_work(self.db) as session:
            row = self._get(session, handoff_id)
            row.ticket_id = opened.ticket.id
            body = say("desk.event_converted", why=why, ticket=ref)
            event = add_event(
                session, row.id, "converted", now, agent_name, body, ticket_ref=ref, cause=cause
            )
            entry = self._entry(row)
        zone = self.texts.facts(language).hours.timezone_label
        when = self.texts.local(language).moment(self.facts.hours, opened.due, zone, now)
        emailed_to = opened.ticket.contact_email if self.email_enabled else None
        contact = where_the_answer_comes(self.facts, ref, language, self.texts, email=emailed_to)
        told = dict(ticket=ref, when=when, contact=contact)
        notice = Notice(
            text=say("notices.converted_by_agent", language, agent=agent_name, **told)
            if agent_name
            else say("notices.converted_nobody_free", language, **told),
            metadata={
                "sender": "system",
                "handoff": {"status": "converted"},
                "ticket": opened.ticket.ref,
            },
            resume_bot=True,
        )
        return Outcome(entry, [notice], event, opened)

    def _reason_in(self, entry: QueueEntry, language: str) -> str:
        """The handoff's reason in `language`: its label, unless the bot gave a
        reason of its own (kept as it was written)."""
        if entry.reason_text == self.texts.reason(entry.reason):
            return self.texts.reason(entry.reason, language)
        return entry.reason_text


def _first_problem(detail: HandoffDetail) -> Optional[str]:
    """The customer's first statement of the problem: what the bot collected as the
    description, else the first thing they told the bot that was not only asking
    for a person, else their first message to the agents, else anything they said."""
    described = detail.collected.get("ticket_description")
    if isinstance(described, str) and described.strip():
        return described
    said = [t for t in detail.transcript if t.get("role") == "customer" and t.get("text")]
    for turn in said:
        if turn.get("intent") != "request_human":
            return str(turn["text"])
    live = [e.body for e in detail.events if e.kind == "customer_message"]
    if live:
        return live[0]
    return str(said[0]["text"]) if said else None

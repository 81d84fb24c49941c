"""What the routes share, set up once per app and reached through `Depends`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, FrozenSet, List, Optional

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from helpdesk.agent_presence import AgentPresence
from helpdesk.agents import AgentAccounts
from helpdesk.commit_notices import CommitNotices
from helpdesk.company import CompanyFacts, load_company
from helpdesk.config import Settings
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts
from helpdesk.email.addresses import Mailbox
from helpdesk.email.intake import MailIntake
from helpdesk.email.outbox import Outbox
from helpdesk.email.smtp_client import SmtpClient
from helpdesk.handoffs.assignment import Assigner
from helpdesk.handoffs.desk import HandoffDesk
from helpdesk.handoffs.events import EventView
from helpdesk.handoffs.teams import Teams
from helpdesk.models import utcnow
from helpdesk.sql_records import SqlCustomerRecords
from helpdesk.typing_signals import CustomerTyping, TypingSignal
from webapp.api_errors import ApiErrors
from webapp.chat_delivery import ChatDelivery
from webapp.live_broker import LiveBroker
from webapp.live_feed import LiveFeed
from webapp.mail_sender import MailSender
from webapp.rasa_client import RasaClient
from webapp.stream_feed import SharedRead

TEMPLATES_DIR = Path(__file__).parent / "templates"
TYPING_READ_SECONDS = 1.0


@dataclass
class AppState:
    settings: Settings
    db: Database
    records: SqlCustomerRecords
    rasa: RasaClient
    templates: Jinja2Templates
    accounts: AgentAccounts
    conversations: ConversationRecords
    delivery: ChatDelivery
    # The time as the app sees it; tests move it forward to expire sessions.
    clock: Callable[[], datetime] = field(default=utcnow)
    # Email (None while no SMTP server is configured: then nothing goes by email).
    mail: Optional[MailSender] = None
    # The consoles' live feed: one reader of handoff events per process
    # (webapp/live_feed.py), woken by this process's commits and, when
    # KEFU_AMQP_URL is set, by RabbitMQ (webapp/live_broker.py).
    live: LiveFeed = field(init=False)
    broker: Optional[LiveBroker] = field(default=None, init=False)
    commits: Optional[CommitNotices] = field(default=None, init=False)
    # Customers typing, read once a second for all the process's streams.
    typing_now: SharedRead[List[TypingSignal]] = field(init=False)

    def __post_init__(self) -> None:
        self.live = LiveFeed(self._events_after)
        self.typing_now = SharedRead(
            lambda: CustomerTyping(self.db).typing_now(self.now()), TYPING_READ_SECONDS
        )

    def _events_after(self, after_id: int) -> List[EventView]:
        return self.desk.events_after(after_id)

    @classmethod
    def from_settings(cls, settings: Settings) -> AppState:
        db = Database(settings.database_url)
        templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
        templates.env.globals["rasa_url"] = settings.public_rasa_url
        templates.env.globals["socketio_transports"] = ",".join(settings.socketio_transports)
        rasa = RasaClient(settings.rasa_url, settings.rasa_token)
        texts = DeskTexts(settings.knowledge_base_dir)
        mail = None
        if settings.email_enabled:
            facts = load_company(settings.knowledge_base_dir)
            outbox = Outbox(
                db, Mailbox.from_settings(settings, facts), texts, settings.email_retry_minutes
            )
            mail = MailSender(outbox, SmtpClient(settings), utcnow)
        return cls(
            settings=settings,
            db=db,
            records=SqlCustomerRecords(db),
            rasa=rasa,
            templates=templates,
            accounts=AgentAccounts(db, settings.agent_session_hours),
            conversations=ConversationRecords(db, texts),
            delivery=ChatDelivery(rasa, texts),
            mail=mail,
        )

    @property
    def facts(self) -> CompanyFacts:
        return load_company(self.settings.knowledge_base_dir)

    @property
    def texts(self) -> DeskTexts:
        """The reply catalogue and the company's labels, per language (read again
        when a catalogue file changed)."""
        return DeskTexts(self.settings.knowledge_base_dir)

    @property
    def errors(self) -> ApiErrors:
        """The refusals and outages the API answers, in the console's language."""
        return ApiErrors(self.texts)

    @property
    def desk(self) -> HandoffDesk:
        """Built per use: the company facts (support hours, tiers) may be edited
        while the app runs."""
        return HandoffDesk(
            self.db,
            self.records,
            self.facts,
            claim_timeout=timedelta(minutes=self.settings.handoff_claim_timeout_minutes),
            left_grace=timedelta(seconds=self.settings.handoff_left_grace_seconds),
            texts=self.texts,
            email_enabled=self.settings.email_enabled,
        )

    @property
    def presence(self) -> AgentPresence:
        return AgentPresence(
            self.db,
            away_after=timedelta(minutes=self.settings.agent_away_minutes),
            default_capacity=self.settings.agent_capacity,
        )

    @property
    def assigner(self) -> Assigner:
        return Assigner(
            self.desk,
            Teams(self.db),
            self.presence,
            silent_after=timedelta(minutes=self.settings.silent_agent_minutes),
        )

    def now(self) -> datetime:
        return self.clock()

    def start_live_feed(self) -> None:
        """The app's startup: the shared reader, the commit listener and, scaled,
        the broker connection (which connects in the background)."""
        self.live.start()
        if self.settings.amqp_url:
            self.broker = LiveBroker(self.settings.amqp_url, self.live)
            self.broker.start()
        self.commits = CommitNotices(self.db, self._committed)
        self.commits.install()

    def _committed(self, tables: FrozenSet[str]) -> None:
        """A commit of this process changed what consoles show (any thread)."""
        self.live.noticed_threadsafe(tables)
        if self.broker is not None:
            self.broker.announce_threadsafe(tables)

    async def stop_live_feed(self) -> None:
        if self.commits is not None:
            self.commits.remove()
        if self.broker is not None:
            await self.broker.stop()
        await self.live.stop()

    def mail_intake(self) -> MailIntake:
        """What files inbound mail (needs email on: it acknowledges new requests)."""
        assert self.mail is not None
        outbox = self.mail.outbox
        return MailIntake(
            self.db,
            self.records,
            self.facts,
            self.texts,
            outbox.mailbox,
            outbox,
            self.settings.email_max_attachment_bytes,
        )

    async def email_ticket_reply(self, comment_id: int) -> None:
        """An agent's public ticket comment goes to the ticket's address too."""
        if self.mail is not None:
            await run_in_threadpool(self.mail.outbox.queue_ticket_reply, comment_id, self.now())
            self.mail.wake()

    async def email_chat_reply(self, event_id: int) -> bool:
        """An agent's chat message reaches a customer who left the chat by email;
        whether it was queued."""
        if self.mail is None:
            return False
        queued = await run_in_threadpool(self.mail.outbox.queue_chat_reply, event_id, self.now())
        if queued is not None:
            self.mail.wake()
        return queued is not None


def app_state(request: Request) -> AppState:
    return request.app.state.kefu

"""What the routes share, set up once per app and reached through `Depends`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from fastapi import Request
from fastapi.templating import Jinja2Templates

from helpdesk.agent_presence import AgentPresence
from helpdesk.agents import AgentAccounts
from helpdesk.company import CompanyFacts, load_company
from helpdesk.config import Settings
from helpdesk.conversation_records import ConversationRecords
from helpdesk.db import Database
from helpdesk.desk_texts import DeskTexts
from helpdesk.handoffs.assignment import Assigner
from helpdesk.handoffs.desk import HandoffDesk
from helpdesk.handoffs.teams import Teams
from helpdesk.models import utcnow
from helpdesk.sql_records import SqlCustomerRecords
from webapp.api_errors import ApiErrors
from webapp.chat_delivery import ChatDelivery
from webapp.rasa_client import RasaClient

TEMPLATES_DIR = Path(__file__).parent / "templates"


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

    @classmethod
    def from_settings(cls, settings: Settings) -> AppState:
        db = Database(settings.database_url)
        templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
        templates.env.globals["rasa_url"] = settings.public_rasa_url
        rasa = RasaClient(settings.rasa_url, settings.rasa_token)
        texts = DeskTexts(settings.knowledge_base_dir)
        return cls(
            settings=settings,
            db=db,
            records=SqlCustomerRecords(db),
            rasa=rasa,
            templates=templates,
            accounts=AgentAccounts(db, settings.agent_session_hours),
            conversations=ConversationRecords(db, texts),
            delivery=ChatDelivery(rasa, texts),
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


def app_state(request: Request) -> AppState:
    return request.app.state.kefu

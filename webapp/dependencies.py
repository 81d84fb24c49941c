"""What the routes share, set up once per app and reached through `Depends`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from helpdesk.company import CompanyFacts, load_company
from helpdesk.config import Settings
from helpdesk.db import Database
from helpdesk.sql_records import SqlCustomerRecords
from webapp.rasa_client import RasaClient

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass
class AppState:
    settings: Settings
    db: Database
    records: SqlCustomerRecords
    rasa: RasaClient
    templates: Jinja2Templates

    @classmethod
    def from_settings(cls, settings: Settings) -> AppState:
        db = Database(settings.database_url)
        templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
        templates.env.globals["rasa_url"] = settings.public_rasa_url
        return cls(
            settings=settings,
            db=db,
            records=SqlCustomerRecords(db),
            rasa=RasaClient(settings.rasa_url, settings.rasa_token),
            templates=templates,
        )

    @property
    def facts(self) -> CompanyFacts:
        return load_company(self.settings.knowledge_base_dir)


def app_state(request: Request) -> AppState:
    return request.app.state.kefu

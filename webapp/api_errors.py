"""What the web app tells its callers when something is refused or unavailable,
worded once: the routes, the app-level error handlers and the error page all take
their sentences from here, so an agent reads the same words in the console, in
the API's `detail` and on a page.

The sentences are the reply catalogue's `errors.*` (knowledge_base/replies/
errors.yml and its translations), in the console's language: the company's default
unless a caller asks for another.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Optional

from fastapi import HTTPException

from helpdesk.desk_texts import DeskTexts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiErrors:
    texts: DeskTexts
    language: Optional[str] = None

    def say(self, key: str, **values: Any) -> str:
        return self.texts.say(f"errors.{key}", self.language, **values)

    def say_whatever_happens(self, key: str, **values: Any) -> str:
        """For the answers to an outage, which must go out whatever else is
        broken: the text's name rather than no answer."""
        try:
            return self.say(key, **values)
        except Exception:
            logger.exception("the reply catalogue cannot be read")
            return f"errors.{key}"

    def database_unavailable(self) -> HTTPException:
        """503 for a database that is down: the caller may retry; nothing was changed."""
        return HTTPException(
            status_code=503, detail=self.say_whatever_happens("database_unavailable")
        )

    def not_signed_in(self, session_ended: bool = False) -> HTTPException:
        detail = self.say("session_ended" if session_ended else "not_signed_in")
        return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})

    def login_failed(self) -> HTTPException:
        """The same answer for a wrong password, an unknown email and a removed agent."""
        return HTTPException(status_code=401, detail=self.say("login_failed"))

    def login_locked(self, until: datetime, now: datetime) -> HTTPException:
        """429 with the wait in whole minutes (at least one)."""
        minutes = max(1, round((until - now).total_seconds() / 60))
        key = "login_locked_minute" if minutes == 1 else "login_locked_minutes"
        return HTTPException(status_code=429, detail=self.say(key, minutes=minutes))

    def no_such_customer(self) -> HTTPException:
        return HTTPException(status_code=404, detail=self.say("no_such_customer"))

    def unknown_ticket_status(self, statuses: Iterable[str]) -> HTTPException:
        return HTTPException(
            status_code=422, detail=self.say("unknown_ticket_status", statuses=", ".join(statuses))
        )

    def no_such_ticket(self, ref: object) -> HTTPException:
        return HTTPException(status_code=404, detail=self.say("no_such_ticket", ref=ref))

    def not_a_ticket_number(self, ref: str) -> HTTPException:
        return HTTPException(status_code=404, detail=self.say("not_a_ticket_number", ref=repr(ref)))

    def invalid_status(self) -> HTTPException:
        return HTTPException(status_code=422, detail=self.say("invalid_status"))

    def reply_not_delivered(self) -> HTTPException:
        return HTTPException(status_code=503, detail=self.say("reply_not_delivered"))

    def not_a_session(self) -> HTTPException:
        return HTTPException(status_code=400, detail=self.say("not_a_session"))

    def other_browser(self) -> HTTPException:
        return HTTPException(status_code=403, detail=self.say("other_browser"))

    def no_such_attachment(self) -> HTTPException:
        return HTTPException(status_code=404, detail=self.say("no_such_attachment"))

    def invalid_ids(self) -> HTTPException:
        return HTTPException(status_code=422, detail=self.say("invalid_ids"))

    def assistant_unreachable(self) -> HTTPException:
        return HTTPException(status_code=503, detail=self.say("assistant_unreachable"))

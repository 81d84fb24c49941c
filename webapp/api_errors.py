"""What the web app tells its callers when something is refused or unavailable,
worded once: the routes, the app-level error handlers and the error page all take
their sentences from here, so an agent reads the same words in the console, in
the API's `detail` and on a page."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from fastapi import HTTPException

DATABASE_UNAVAILABLE = "The helpdesk database is not reachable right now."
# The error page says what to do about it; the API's callers decide that themselves.
DATABASE_UNAVAILABLE_ADVICE = "Nothing was changed. Please try again in a minute."
NOT_SIGNED_IN = "Please sign in to the agent console first."
SESSION_ENDED = "Your session has expired or was signed out. Please sign in again."
# The same answer for a wrong password, an unknown email and a removed agent.
LOGIN_FAILED = "That email and password do not match an agent."
NO_SUCH_CUSTOMER = "There is no customer with that id."


def database_unavailable() -> HTTPException:
    """503 for a database that is down: the caller may retry; nothing was changed."""
    return HTTPException(status_code=503, detail=DATABASE_UNAVAILABLE)


def not_signed_in(detail: str = NOT_SIGNED_IN) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def login_failed() -> HTTPException:
    return HTTPException(status_code=401, detail=LOGIN_FAILED)


def login_locked(until: datetime, now: datetime) -> HTTPException:
    """429 with the wait in whole minutes (at least one)."""
    minutes = max(1, round((until - now).total_seconds() / 60))
    return HTTPException(
        status_code=429,
        detail=f"Too many wrong passwords. Please try again in {minutes} minute"
        f"{'' if minutes == 1 else 's'}.",
    )


def no_such_customer() -> HTTPException:
    return HTTPException(status_code=404, detail=NO_SUCH_CUSTOMER)


def unknown_ticket_status(statuses: Iterable[str]) -> HTTPException:
    return HTTPException(status_code=422, detail=f"status must be one of {', '.join(statuses)}")


def no_such_ticket(ref: object) -> HTTPException:
    return HTTPException(status_code=404, detail=f"There is no ticket {ref}.")


def not_a_ticket_number(ref: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{ref!r} is not a ticket number (like T-00042).")

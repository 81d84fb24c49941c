"""Errors the agents' API answers with, worded once."""

from __future__ import annotations

from fastapi import HTTPException


def database_unavailable() -> HTTPException:
    """503 for a database that is down: the caller may retry; nothing was changed."""
    return HTTPException(
        status_code=503, detail="The helpdesk database is not reachable right now."
    )

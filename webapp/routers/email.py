"""Email as agents see it: how each emailed answer's delivery stands (the console
polls this while one is still on its way), what came in by email (sender,
sanitised HTML, attachments), and the attachments themselves, only ever as
downloads: served as opaque bytes with `Content-Disposition: attachment`, so a
customer's file is never run or shown inline by the browser."""

from __future__ import annotations

from datetime import datetime
from typing import Any, List, Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from helpdesk.email.views import EmailView, attachment_file, emails_for
from helpdesk.records import RecordsUnavailable
from webapp.agent_auth import current_agent
from webapp.bounds import DB_INT_MAX
from webapp.dependencies import AppState, app_state

router = APIRouter(prefix="/api/email", tags=["email"], dependencies=[Depends(current_agent)])


def _ids_query() -> Any:
    """A list of ids in the query string. One Query object per parameter: FastAPI
    names a shared one after the first parameter that uses it, so `events` would
    read `comments`."""
    return Query("", max_length=2000, description="Comma-separated ids")


MAX_IDS = 200


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    stored: bool = Field(..., description="False: larger than the limit, left out")
    url: Optional[str] = Field(None, description="Download address (stored files only)")


class EmailOut(BaseModel):
    id: int
    direction: str = Field(..., description="out: an agent's answer; in: the customer's email")
    status: str = Field(
        ...,
        description="out: queued, sending, sent, retrying, failed, bounced; in: received, ignored",
    )
    ticket_comment_id: Optional[int]
    handoff_event_id: Optional[int]
    from_address: str
    to_address: str
    subject: str
    attempts: int
    next_attempt_at: Optional[datetime]
    last_error: Optional[str]
    sent_at: Optional[datetime]
    created_at: datetime
    html: Optional[str] = Field(None, description="Inbound HTML, sanitised")
    attachments: List[AttachmentOut]


@router.get(
    "/messages",
    response_model=List[EmailOut],
    summary="The emails that carry these ticket comments and chat messages",
)
async def messages(
    comments: str = _ids_query(),
    events: str = _ids_query(),
    state: AppState = Depends(app_state),
) -> List[EmailOut]:
    try:
        found = await run_in_threadpool(
            emails_for, state.db, _ids(state, comments), _ids(state, events)
        )
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error
    return [_email_out(email) for email in found]


def _email_out(email: EmailView) -> EmailOut:
    fields = {**email.__dict__}
    fields["attachments"] = [
        AttachmentOut(**a.__dict__, url=f"/api/email/attachments/{a.id}" if a.stored else None)
        for a in email.attachments
    ]
    return EmailOut(**fields)


@router.get(
    "/attachments/{attachment_id}",
    response_class=Response,
    responses={404: {"description": "No such file, or it was left out"}},
    summary="Download a file a customer sent",
)
async def attachment(
    attachment_id: int = Path(..., ge=1, le=DB_INT_MAX), state: AppState = Depends(app_state)
) -> Response:
    try:
        found = await run_in_threadpool(attachment_file, state.db, attachment_id)
    except RecordsUnavailable as error:
        raise state.errors.database_unavailable() from error
    if found is None:
        raise state.errors.no_such_attachment()
    return Response(
        content=found.data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def _ids(state: AppState, text: str) -> List[int]:
    ids = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 0 < int(part) <= DB_INT_MAX:
            raise state.errors.invalid_ids()
        ids.append(int(part))
    if len(ids) > MAX_IDS:
        raise state.errors.invalid_ids()
    return ids

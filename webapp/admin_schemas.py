"""Request and response shapes of the canned replies' API and the admin's API
(webapp/routers/canned.py, webapp/routers/admin.py). What is allowed in a field
(a shortcut's alphabet, a placeholder, a password's length) is checked once, by
the service core the CLI uses too; these only bound the sizes."""

from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import BaseModel, Field

from helpdesk.canned_placeholders import PLACEHOLDERS
from helpdesk.canned_replies import MAX_BODY_LENGTH, MAX_TITLE_LENGTH

_PLACEHOLDER_LIST = ", ".join("{" + name + "}" for name in PLACEHOLDERS)


class CannedReplyOut(BaseModel):
    id: int
    shortcut: str = Field(..., description='Typed after "/" in the reply box')
    title: str
    body: str = Field(..., description=f"The text with its placeholders ({_PLACEHOLDER_LIST})")
    language: str = Field(..., description='"en" or "zh"')
    team_key: Optional[str] = Field(None, description="Offered only to this team's agents")
    team_name: Optional[str] = None


class CannedReplyBody(BaseModel):
    """A canned reply as the admin writes it (a PUT replaces every field)."""

    shortcut: str = Field(..., max_length=41, description="a-z, 0-9, - and _; unique per language")
    title: str = Field(..., max_length=MAX_TITLE_LENGTH)
    body: str = Field(
        ..., max_length=MAX_BODY_LENGTH, description=f"May hold {_PLACEHOLDER_LIST}, nothing else"
    )
    language: str = Field(..., max_length=8, description='"en" or "zh"')
    team: Optional[str] = Field(None, max_length=40, description="A team's key, or none")


class RenderedReplyOut(BaseModel):
    reply: CannedReplyOut
    text: str = Field(..., description="The text with the chat's values in its placeholders")
    missing: List[str] = Field(
        ..., description="Placeholders the chat has no value for, left in `text` to fill in"
    )


class AgentCreate(BaseModel):
    email: str = Field(..., max_length=320)
    name: str = Field(..., max_length=200)
    password: str = Field(..., max_length=1000, description="At least 10 characters")


class AgentChange(BaseModel):
    """What the admin changes about an agent (what is left out stays)."""

    role: Optional[Literal["agent", "admin"]] = Field(None, description='"agent" or "admin"')
    capacity: Optional[int] = Field(None, ge=0, le=1000, description="Chats given at once, 0-50")


class AdminAgentOut(BaseModel):
    id: int
    email: str
    name: str
    role: str
    status: str
    active_chats: int
    capacity: int


class TeamCreate(BaseModel):
    key: str = Field(..., max_length=40, description="e.g. billing")
    name: str = Field(..., max_length=200, description='e.g. "Billing"')


class AdminTeamOut(BaseModel):
    id: int
    key: str
    name: str
    members: List[str] = Field(..., description="The members' emails")


class RuleCreate(BaseModel):
    """A routing rule, tried after the existing ones; a field left out matches anything."""

    team: str = Field(..., max_length=40, description="The team's key")
    reason: Optional[str] = Field(None, max_length=32, description="e.g. fraud_report")
    category: Optional[str] = Field(None, max_length=32, description="e.g. billing")
    tier: Optional[str] = Field(None, max_length=16, description="standard, plus or premier")
    language: Optional[str] = Field(None, max_length=8, description="en or zh")


class RuleOut(BaseModel):
    id: int
    position: int = Field(..., description="Rules are tried by position, the first match wins")
    team_key: str
    reason: Optional[str]
    category: Optional[str]
    tier: Optional[str]
    language: Optional[str]

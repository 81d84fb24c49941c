"""Request and response shapes of the JSON API."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field


class QuickReply(BaseModel):
    title: str
    payload: str


class ChatMessage(BaseModel):
    sender: str = Field(
        ..., description='"customer", "bot", "agent" (a person) or "system" (e.g. an agent joined)'
    )
    text: str
    timestamp: Optional[float] = None
    quick_replies: List[QuickReply] = []
    metadata: Dict[str, Any] = {}


class ChatHistory(BaseModel):
    session_id: str
    messages: List[ChatMessage]


class DemoCustomer(BaseModel):
    customer_id: str
    name: str
    tier: str
    email: str


class DemoTokenRequest(BaseModel):
    customer_id: str = Field(..., min_length=1, max_length=32)


class DemoToken(BaseModel):
    customer_id: str
    name: str
    customer_token: str
    expires_in: int

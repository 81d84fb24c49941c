"""Turning a Rasa tracker into the messages a chat window shows."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from webapp.schemas import ChatMessage, QuickReply


def chat_messages(events: List[Dict[str, Any]]) -> List[ChatMessage]:
    """Customer and bot messages in order. A button click shows as the button's
    title (what the customer saw), not as its payload."""
    messages: List[ChatMessage] = []
    last_buttons: Dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            metadata = event.get("metadata") or {}
            if metadata.get("silent"):
                continue  # sent by the widget itself (the greeting on first open)
            shown = _display_text(text, metadata, last_buttons)
            messages.append(
                ChatMessage(sender="customer", text=shown, timestamp=event.get("timestamp"))
            )
        elif kind == "bot":
            data = event.get("data") or {}
            metadata = event.get("metadata") or {}
            buttons = data.get("buttons") or data.get("quick_replies") or []
            replies = [
                QuickReply(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                for b in buttons
                if isinstance(b, dict)
            ]
            last_buttons = {r.payload: r.title for r in replies}
            sender = (
                metadata.get("sender") if metadata.get("sender") in ("agent", "system") else "bot"
            )
            messages.append(
                ChatMessage(
                    sender=sender,
                    text=event.get("text") or "",
                    timestamp=event.get("timestamp"),
                    quick_replies=replies,
                    metadata=_public_metadata(metadata),
                )
            )
    return messages


def _display_text(text: str, metadata: Dict[str, Any], buttons: Dict[str, str]) -> str:
    display: Optional[Any] = metadata.get("display_text")
    if isinstance(display, str) and display.strip():
        return display
    return buttons.get(text, text)


_PUBLIC_KEYS = ("sender", "agent_name", "handoff", "faq_topic", "ticket")


def _public_metadata(metadata: Dict[str, Any]) -> Dict[str, Any]:
    return {key: metadata[key] for key in _PUBLIC_KEYS if key in metadata}

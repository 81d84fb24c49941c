"""What Kefu's chat channels add to a customer message's metadata, read by the
actions: one definition for both sides.

The channels put their stamp under `kefu`, replacing whatever a client sent under
that key, so what is read from it was written by Kefu: the client's address (for
limits on guessing) and whether the message was too long to be parsed.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, TypedDict

STAMP_KEY = "kefu"


class ChannelStamp(TypedDict, total=False):
    client: str  # the address the message came from
    channel: str  # "rest" | "socketio"
    too_long: bool  # kept without being parsed (longer than KEFU_MAX_MESSAGE_CHARS)


def stamped_metadata(metadata: Any, client: Optional[str], channel: str) -> Dict[str, Any]:
    """The client's metadata (an object, else nothing) with Kefu's own stamp."""
    clean = dict(metadata) if isinstance(metadata, dict) else {}
    clean[STAMP_KEY] = ChannelStamp(client=client or "", channel=channel)
    return clean


def channel_stamp(metadata: Any) -> ChannelStamp:
    stamp = metadata.get(STAMP_KEY) if isinstance(metadata, Mapping) else None
    return stamp if isinstance(stamp, dict) else ChannelStamp()  # type: ignore[return-value]


def client_of(metadata: Any) -> Optional[str]:
    client = channel_stamp(metadata).get("client")
    return client if isinstance(client, str) and client else None


def was_too_long(metadata: Any) -> bool:
    return bool(channel_stamp(metadata).get("too_long"))

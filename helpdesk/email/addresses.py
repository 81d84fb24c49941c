"""The addresses Kefu's mail goes from and comes back to.

Every thread has a secret token and every outbound message one of its own. The
reply address (`reply+<thread token>@<reply domain>`) and the Message-ID
(`<message token@reply domain>`, which the customer's mail program echoes in
In-Reply-To and References) carry them, so an emailed reply finds its ticket by
a secret nobody can guess, never by a ticket number anybody can type. Bounce
reports come back to `bounce+<message token>@<reply domain>` (the envelope
sender), which says which message bounced.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from email.utils import formataddr, getaddresses
from typing import Iterable, List, Optional, Tuple

from helpdesk.company import CompanyFacts
from helpdesk.config import Settings

TOKEN_BYTES = 16
# Lower-case hex: mail servers may fold the case of an address's local part.
_TOKEN = r"[0-9a-f]{32}"
_TAGGED = re.compile(rf"^(reply|bounce)\+({_TOKEN})$")
_MESSAGE_ID = re.compile(rf"<({_TOKEN})@([^>\s]+)>")


def new_token() -> str:
    return secrets.token_hex(TOKEN_BYTES)


@dataclass(frozen=True)
class Mailbox:
    """Who Kefu's mail is from, and the domain its reply addresses live in."""

    from_address: str
    from_name: str
    reply_domain: str

    @classmethod
    def from_settings(cls, settings: Settings, facts: CompanyFacts) -> Mailbox:
        """The configured from address (default: the company's support address)
        and reply domain (default: the from address's domain)."""
        address = settings.email_from_address or facts.support_email
        domain = settings.email_reply_domain or address.rpartition("@")[2]
        return cls(from_address=address, from_name=facts.name, reply_domain=domain.lower())

    def sender(self, display_name: str) -> str:
        return formataddr((display_name, self.from_address))

    def reply_address(self, thread_token: str) -> str:
        return f"reply+{thread_token}@{self.reply_domain}"

    def bounce_address(self, message_token: str) -> str:
        return f"bounce+{message_token}@{self.reply_domain}"

    def message_id(self, message_token: str) -> str:
        return f"<{message_token}@{self.reply_domain}>"

    def is_support_address(self, address: str) -> bool:
        return address.strip().lower() == self.from_address.lower()

    def tagged(self, address: str) -> Optional[Tuple[str, str]]:
        """("reply", thread token) or ("bounce", message token) for one of Kefu's
        tagged addresses in the reply domain; None for any other address."""
        local, _, domain = address.strip().lower().rpartition("@")
        if domain != self.reply_domain:
            return None
        match = _TAGGED.match(local)
        return (match.group(1), match.group(2)) if match else None

    def message_tokens(self, header_values: Iterable[str]) -> List[str]:
        """The tokens of Kefu's own Message-IDs named in In-Reply-To/References,
        newest (last named) first."""
        found = []
        for value in header_values:
            for token, domain in _MESSAGE_ID.findall(value or ""):
                if domain.lower() == self.reply_domain:
                    found.append(token)
        return list(reversed(found))


def plain_address(value: str) -> str:
    """ "Jane Doe <Jane@Example.com>" -> "jane@example.com" ("" if none)."""
    pairs = getaddresses([value or ""])
    return pairs[0][1].strip().lower() if pairs and pairs[0][1] else ""


def display_name(value: str) -> str:
    pairs = getaddresses([value or ""])
    return pairs[0][0].strip() if pairs else ""

"""What the service core says, and to whom, from the reply catalogue.

The helpdesk speaks to two audiences. The customer reads its notices in their chat
(an agent joined, you're next, the chat became a ticket: `notices.*`), in the
conversation's language, which is stored with each handoff. Agents read the live
log of a chat, the reasons for a handoff, the case summary and the desk's
refusals (`desk.*`, `summary.*`) in the console's language, which for now is the
company's default. No sentence of either lives in Python:

    texts = DeskTexts(settings.knowledge_base_dir)
    texts.say("notices.agent_joined", "zh", agent="Alex Rivera")

The catalogue is cached per knowledge base and read again when one of its files
changed, so a company rewords the desk without a restart; the company's facts in
the customer's language (tier labels, the time-zone label) come from
`helpdesk.company.load_company`, cached the same way it always is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from helpdesk.company import CompanyFacts, load_company
from helpdesk.config import Settings
from helpdesk.language import normalize_language
from helpdesk.localization import Localizer
from helpdesk.replies import ReplyCatalogue, current_catalogue


@dataclass(frozen=True)
class DeskTexts:
    """The catalogue and the company's labels of one knowledge base, per language."""

    kb_dir: Path

    @classmethod
    def from_env(cls) -> DeskTexts:
        """The knowledge base the environment names (`KEFU_KNOWLEDGE_BASE`): the
        default of everything that is not handed one."""
        return cls(Settings.from_env().knowledge_base_dir)

    @property
    def catalogue(self) -> ReplyCatalogue:
        return current_catalogue(self.kb_dir)

    @property
    def default_language(self) -> str:
        return self.catalogue.default_language

    def language(self, language: Optional[str] = None) -> str:
        """A language the catalogue has ("zh-CN" -> "zh"); else the default."""
        return self.catalogue.language_or_default(normalize_language(language))

    def say(self, key: str, language: Optional[str] = None, **values: Any) -> str:
        """The text `key` ("notices.agent_joined") in `language` (default: the
        company's default language, which is the agents')."""
        return self.catalogue.text(key, self.language(language), **values)

    def facts(self, language: Optional[str] = None) -> CompanyFacts:
        """The company's facts with the labels of `language`."""
        chosen = self.language(language)
        return load_company(self.kb_dir, None if chosen == self.default_language else chosen)

    def local(self, language: Optional[str] = None) -> Localizer:
        """Dates, moments and business-time targets in `language`."""
        return Localizer(self.catalogue, self.language(language))

    def reason(self, reason: str, language: Optional[str] = None) -> str:
        """Why the bot brought in a person, as agents read it ("The customer asked
        for a person"); an unknown reason is shown as its key."""
        key = f"desk.reason_{reason}"
        return self.say(key, language) if self.catalogue.has(key) else reason


def default_texts(texts: Optional[DeskTexts]) -> DeskTexts:
    """`texts`, or the environment's knowledge base for callers that pass none."""
    return texts if texts is not None else DeskTexts.from_env()


def account_refusal(name: str, /, **values: Any) -> str:
    """Why a change to agents, teams or rules cannot be made (`accounts.<name>`), in
    the default language of the environment's knowledge base: the services that
    refuse it are built without texts, by the CLI and the web app alike."""
    return DeskTexts.from_env().say(f"accounts.{name}", **values)

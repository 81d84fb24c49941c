"""The reply catalogue: every sentence the bot, the desk and the web pages say, in
every language the company serves, read from data.

A company rewords the bot by editing YAML, never Python, and a newcomer finds any
reply by searching `knowledge_base/`. The default language's texts live in
`knowledge_base/replies/<area>.yml`; each other language mirrors them in
`knowledge_base/<language>/replies/<area>.yml`:

    # knowledge_base/replies/orders.yml
    not_found: "I couldn't find order {order_id} on your account."

    # knowledge_base/zh/replies/orders.yml
    not_found: "您的账户里没有找到订单 {order_id}。"

A text is named `<area>.<key>` ("orders.not_found") and filled with `{name}`
placeholders. `responses.yml` is special: its keys are Rasa response names
(`utter_goodbye`), its entries may carry buttons, and the training importer
(kefu_rasa/domain_importer.py) adds them to the domain with one variation per
language, so Rasa's rules and `rasa shell` speak from the same catalogue.

`problems()` lists every text that exists in one language and not another, and
every placeholder or button that differs between them; a test keeps it empty.
"""

from __future__ import annotations

import logging
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

logger = logging.getLogger(__name__)

RESPONSES_AREA = "responses"
REPLIES_DIR = "replies"
_FORMATTER = string.Formatter()


class CatalogueError(ValueError):
    """A catalogue file cannot be read; the message names the file and the key."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """One text of one language, with the buttons a Rasa response shows under it."""

    text: str
    buttons: Tuple[Button, ...] = ()

    @property
    def placeholders(self) -> frozenset:
        return placeholders_of(self.text)


def placeholders_of(text: str) -> frozenset:
    """The `{name}` placeholders of `text`."""
    try:
        return frozenset(name for _, name, _, _ in _FORMATTER.parse(text) if name)
    except ValueError:
        return frozenset()


class _KeepMissing(dict):
    """format_map values that leave an unfilled placeholder visible (and logged)
    instead of failing the customer's message."""

    def __missing__(self, key: str) -> str:
        logger.warning("reply placeholder {%s} has no value", key)
        return "{" + key + "}"


@dataclass
class ReplyCatalogue:
    default_language: str
    # language -> full key -> reply
    texts: Dict[str, Dict[str, Reply]] = field(default_factory=dict)

    @property
    def languages(self) -> Tuple[str, ...]:
        others = sorted(set(self.texts) - {self.default_language})
        return (self.default_language, *others)

    def language_or_default(self, language: Optional[str]) -> str:
        return language if language in self.texts else self.default_language

    def reply(self, key: str, language: Optional[str] = None) -> Reply:
        """The reply `key` in `language` (the default language's when that language
        lacks it, which a test prevents); KeyError for a key no language has."""
        chosen = self.texts.get(self.language_or_default(language), {})
        if key in chosen:
            return chosen[key]
        return self.texts[self.default_language][key]

    def text(self, key: str, language: Optional[str] = None, **values: Any) -> str:
        """The text `key` in `language` with its placeholders filled from `values`."""
        template = self.reply(key, language).text
        if not values and not placeholders_of(template):
            return template
        return template.format_map(_KeepMissing({k: _plain(v) for k, v in values.items()}))

    def has(self, key: str) -> bool:
        return key in self.texts.get(self.default_language, {})

    def area(self, area: str, language: Optional[str] = None) -> Dict[str, str]:
        """Every text of one area ("widget") in `language`, keyed without the area,
        for pages that show them all."""
        prefix = area + "."
        keys = [k for k in self.texts[self.default_language] if k.startswith(prefix)]
        return {k[len(prefix) :]: self.reply(k, language).text for k in keys}

    def responses(self) -> Dict[str, Dict[str, Reply]]:
        """Rasa response name -> language -> reply, for the training importer."""
        found: Dict[str, Dict[str, Reply]] = {}
        for language in self.languages:
            for key, reply in self.texts[language].items():
                if key.startswith(RESPONSES_AREA + "."):
                    found.setdefault(key.split(".", 1)[1], {})[language] = reply
        return found

    def problems(self) -> List[str]:
        """What differs between the languages: missing texts, placeholders, buttons."""
        found = []
        base = self.texts.get(self.default_language, {})
        for language in self.languages[1:]:
            other = self.texts[language]
            for key in sorted(set(base) - set(other)):
                found.append(f"{key}: missing in {language!r}")
            for key in sorted(set(other) - set(base)):
                found.append(f"{key}: in {language!r} but not in {self.default_language!r}")
            for key in sorted(set(base) & set(other)):
                mine, theirs = base[key], other[key]
                if mine.placeholders != theirs.placeholders:
                    found.append(
                        f"{key}: placeholders {sorted(mine.placeholders)} in "
                        f"{self.default_language!r} but {sorted(theirs.placeholders)} "
                        f"in {language!r}"
                    )
                if [b.payload for b in mine.buttons] != [b.payload for b in theirs.buttons]:
                    found.append(f"{key}: buttons differ between the languages")
        return found


def _plain(value: Any) -> Any:
    return "" if value is None else value


def load_reply_catalogue(kb_dir: Path, default_language: str = "en") -> ReplyCatalogue:
    """Reads `kb_dir/replies/*.yml` as the default language and every
    `kb_dir/<language>/replies/*.yml` as another."""
    kb_dir = Path(kb_dir)
    catalogue = ReplyCatalogue(default_language)
    catalogue.texts[default_language] = _read_folder(kb_dir / REPLIES_DIR)
    for folder in sorted(p for p in kb_dir.glob(f"*/{REPLIES_DIR}") if p.is_dir()):
        language = folder.parent.name
        if language != default_language and re.fullmatch(r"[a-z]{2,3}", language):
            catalogue.texts[language] = _read_folder(folder)
    return catalogue


def current_catalogue(kb_dir: Path) -> ReplyCatalogue:
    """The catalogue of `kb_dir` as its files are now: read again only when one of
    them changed, so an edited text is said on the next message without a restart.
    The actions, the desk and the web app all read it through here."""
    folder = Path(kb_dir).resolve()
    return _catalogue_at(folder, _files_stamp(folder))


def _files_stamp(folder: Path) -> Tuple[Tuple[str, int], ...]:
    sources = [*folder.glob(f"{REPLIES_DIR}/*.yml"), *folder.glob(f"*/{REPLIES_DIR}/*.yml")]
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in sources))


@lru_cache(maxsize=8)
def _catalogue_at(folder: Path, stamp: Tuple[Tuple[str, int], ...]) -> ReplyCatalogue:
    return load_reply_catalogue(folder)


def _read_folder(folder: Path) -> Dict[str, Reply]:
    texts: Dict[str, Reply] = {}
    for path in sorted(folder.glob("*.yml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise CatalogueError(f"{path}: not valid YAML ({error})") from error
        if not isinstance(raw, Mapping):
            raise CatalogueError(f"{path}: expected a mapping of names to texts")
        for key, entry in raw.items():
            texts[f"{path.stem}.{key}"] = _reply(entry, f"{path}: {key}")
    return texts


def _reply(entry: Any, where: str) -> Reply:
    if isinstance(entry, str):
        return Reply(entry)
    if isinstance(entry, Mapping) and isinstance(entry.get("text"), str):
        buttons = []
        for button in entry.get("buttons") or ():
            if not isinstance(button, Mapping) or not {"title", "payload"} <= set(button):
                raise CatalogueError(f"{where}: a button needs a title and a payload")
            buttons.append(Button(str(button["title"]), str(button["payload"])))
        return Reply(entry["text"], tuple(buttons))
    raise CatalogueError(f"{where}: expected a text or a mapping with 'text'")

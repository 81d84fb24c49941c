"""Rasa's file importer, reading the skills' domain files (domain/*.yml) beside the
top-level domain.yml.

Rasa's commands read the domain from `domain.yml` unless told otherwise, so a Rasa
developer's `rasa train` and `rasa data validate` work in the repo with no flags. Kefu's domain is large, though, and each skill's
part (its intents, slots, forms, responses and actions) is easiest to read beside
the rest of that skill: domain/orders.yml next to data/nlu/orders.yml and
data/rules/orders.yml. This importer takes the place of RasaFileImporter in
config.yml and reads the stories and rules against the whole domain (a separate
importer for the folder would leave Rasa's story reader warning that the skills'
intents are not in the domain).

The responses' texts come from the reply catalogue (helpdesk/replies.py,
`knowledge_base/replies/responses.yml` and its translations): each language's text
becomes a conditional variation on the `language` slot, and the default language's
is the variation without a condition, so a conversation whose language is not yet
known is answered in the company's default language.

Rasa only warns when an importer cannot be loaded, so
tests/kefu_rasa/test_domain_importer.py checks that the skills really reach the
domain `rasa train` uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import rasa.shared.utils.common
from rasa.shared.constants import DEFAULT_DOMAIN_PATH
from rasa.shared.core.domain import Domain
from rasa.shared.importers.rasa import RasaFileImporter

from helpdesk.replies import Reply, ReplyCatalogue, load_reply_catalogue

LANGUAGE_SLOT = "language"


class KefuFileImporter(RasaFileImporter):
    """RasaFileImporter whose domain is domain.yml and the files of `skills`
    (relative to config.yml's folder). A command given the folder itself as its
    domain (`--domain domain`) gets domain.yml added instead, so each part is read
    once either way: Rasa warns about every slot and response it reads twice."""

    def __init__(
        self,
        config_file: Optional[str] = None,
        domain_path: Optional[str] = None,
        training_data_paths: Optional[Union[List[str], str]] = None,
        skills: str = "domain",
        replies: str = "knowledge_base",
        **kwargs: Any,
    ) -> None:
        super().__init__(config_file, domain_path, training_data_paths)
        base = Path(config_file).resolve().parent if config_file else Path.cwd()
        # `rasa test` with no flags looks for test stories in the whole folder,
        # and the in-repo virtual environment holds Rasa's starter project.
        self._nlu_files = outside_hidden_folders(self._nlu_files, base)
        self._story_files = outside_hidden_folders(self._story_files, base)
        self._conversation_test_files = outside_hidden_folders(
            self._conversation_test_files, base
        )
        folder = base / skills
        self.replies_dir = base / replies
        given = Path(domain_path).resolve() if domain_path else None
        self.added_domain = base / DEFAULT_DOMAIN_PATH if given == folder else folder

    @rasa.shared.utils.common.cached_method
    def get_domain(self) -> Domain:
        if not self.added_domain.exists():
            raise FileNotFoundError(f"Kefu's domain needs {self.added_domain}, which is missing")
        domain = super().get_domain().merge(Domain.load(str(self.added_domain)))
        catalogue = load_reply_catalogue(self.replies_dir)
        return domain.merge(Domain.from_dict({"responses": catalogue_responses(catalogue)}))


def outside_hidden_folders(paths: List[str], base: Path) -> List[str]:
    """`paths` without those in a hidden folder of `base` (.venv, .git)."""
    kept = []
    for path in paths:
        resolved = Path(path).resolve()
        try:
            parts = resolved.relative_to(base).parts
        except ValueError:
            parts = ()
        if not any(part.startswith(".") for part in parts[:-1]):
            kept.append(path)
    return kept


def catalogue_responses(catalogue: ReplyCatalogue) -> Dict[str, List[Dict[str, Any]]]:
    """The catalogue's Rasa responses as domain responses: one conditional
    variation per other language, then the default language's unconditioned."""
    responses = {}
    for name, by_language in catalogue.responses().items():
        variations = [
            {
                **_variation(reply),
                "condition": [{"type": "slot", "name": LANGUAGE_SLOT, "value": language}],
            }
            for language, reply in by_language.items()
            if language != catalogue.default_language
        ]
        variations.append(_variation(by_language[catalogue.default_language]))
        responses[name] = variations
    return responses


def _variation(reply: Reply) -> Dict[str, Any]:
    variation: Dict[str, Any] = {"text": reply.text}
    if reply.buttons:
        variation["buttons"] = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    return variation

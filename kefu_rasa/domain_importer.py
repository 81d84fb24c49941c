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

Rasa only warns when an importer cannot be loaded, so
tests/kefu_rasa/test_domain_importer.py checks that the skills really reach the
domain `rasa train` uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional, Union

import rasa.shared.utils.common
from rasa.shared.constants import DEFAULT_DOMAIN_PATH
from rasa.shared.core.domain import Domain
from rasa.shared.importers.rasa import RasaFileImporter


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
        **kwargs: Any,
    ) -> None:
        super().__init__(config_file, domain_path, training_data_paths)
        base = Path(config_file).resolve().parent if config_file else Path.cwd()
        folder = base / skills
        given = Path(domain_path).resolve() if domain_path else None
        self.added_domain = base / DEFAULT_DOMAIN_PATH if given == folder else folder

    @rasa.shared.utils.common.cached_method
    def get_domain(self) -> Domain:
        if not self.added_domain.exists():
            raise FileNotFoundError(f"Kefu's domain needs {self.added_domain}, which is missing")
        return super().get_domain().merge(Domain.load(str(self.added_domain)))

"""Rasa's commands read domain.yml by default; the skills' domain files under domain/
must reach the same domain (Rasa only warns when an importer cannot be loaded)."""

import subprocess
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.importers.importer import TrainingDataImporter

from helpdesk.config import PROJECT_ROOT
from ops.paths import tool


def project_domain(domain_path: str) -> Domain:
    return TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), domain_path, [str(PROJECT_ROOT / "data")]
    ).get_domain()


def test_the_default_domain_file_brings_every_skill_along():
    domain = project_domain(str(PROJECT_ROOT / "domain.yml"))
    skills = Domain.load(str(PROJECT_ROOT / "domain"))
    core = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    assert set(skills.intents) | set(core.intents) == set(domain.intents)
    assert {"ticket_form", "csat_form", "cancellation_form"} <= set(domain.form_names)
    assert set(skills.responses) | set(core.responses) <= set(domain.responses)
    assert domain.session_config.session_expiration_time == 60


def test_a_command_given_the_skills_folder_still_gets_the_basics_once():
    folder = project_domain(str(PROJECT_ROOT / "domain"))
    default = project_domain(str(PROJECT_ROOT / "domain.yml"))
    for part in ("intents", "responses", "slots", "forms", "actions", "entities"):
        assert sorted(map(str, folder.as_dict()[part])) == sorted(map(str, default.as_dict()[part]))
    assert folder.session_config == default.session_config


def test_rasa_commands_find_the_domain_without_flags():
    result = subprocess.run(
        [tool("rasa"), "data", "validate", "stories", "--max-history", "4"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "does not exist" not in output


def test_rasa_test_with_no_flags_finds_kefus_test_stories_and_nothing_in_hidden_folders():
    from kefu_rasa.domain_importer import KefuFileImporter

    importer = KefuFileImporter(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml"), [str(PROJECT_ROOT)]
    )
    found = [Path(p).resolve().relative_to(PROJECT_ROOT) for p in importer._conversation_test_files]
    assert found and all(path.parts[:2] == ("tests", "stories") for path in found)

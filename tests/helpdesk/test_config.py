import pytest

from helpdesk.config import Settings, SettingsError

GOOD_SECRET = "a-production-secret-that-is-long-enough-1234"


def test_settings_come_from_the_environment():
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://db/kefu",
            "KEFU_DEMO_MODE": "1",
            "KEFU_RASA_URL": "http://rasa:5005/",
        }
    )
    assert settings.database_url == "postgresql://db/kefu"
    assert settings.demo_mode is True and settings.rasa_url == "http://rasa:5005"


def test_production_refuses_the_development_secret():
    with pytest.raises(SettingsError, match="CUSTOMER_TOKEN_SECRET"):
        Settings.from_env({"KEFU_ENV": "production"}).check()


def test_production_refuses_demo_mode():
    env = {"KEFU_ENV": "production", "CUSTOMER_TOKEN_SECRET": GOOD_SECRET, "KEFU_DEMO_MODE": "true"}
    with pytest.raises(SettingsError, match="KEFU_DEMO_MODE"):
        Settings.from_env(env).check()


def test_short_secrets_are_refused():
    with pytest.raises(SettingsError, match="32 bytes"):
        Settings.from_env({"CUSTOMER_TOKEN_SECRET": "short"}).check()


def test_a_proper_production_configuration_passes():
    assert Settings.from_env(
        {"KEFU_ENV": "production", "CUSTOMER_TOKEN_SECRET": GOOD_SECRET}
    ).check()

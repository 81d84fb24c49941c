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


PRODUCTION = {
    "KEFU_ENV": "production",
    "CUSTOMER_TOKEN_SECRET": GOOD_SECRET,
    "KEFU_ACTION_TOKEN": "another-production-secret-long-enough-5678",
    "KEFU_SESSION_SECRET": "a-third-production-secret-long-enough-9012",
}


def test_a_proper_production_configuration_passes():
    assert Settings.from_env(PRODUCTION).check()


@pytest.mark.parametrize("variable", ["KEFU_ACTION_TOKEN", "KEFU_SESSION_SECRET"])
def test_production_refuses_to_run_without_the_servers_shared_secrets(variable):
    env = {key: value for key, value in PRODUCTION.items() if key != variable}
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(env).check()


def test_development_makes_its_shared_secrets_once_per_checkout():
    first, second = Settings.from_env({}), Settings.from_env({})
    assert len(first.action_token) >= 32 and first.action_token == second.action_token
    assert first.session_secret != first.action_token


def test_any_origin_is_refused_for_the_chat():
    with pytest.raises(SettingsError, match="KEFU_ALLOWED_ORIGINS"):
        Settings.from_env({"KEFU_ALLOWED_ORIGINS": "*"}).check()


def test_the_chat_is_open_to_the_web_apps_own_pages_by_default():
    settings = Settings.from_env({"KEFU_PUBLIC_WEB_URL": "https://shop.example/help/"})
    assert settings.website_origins == ("https://shop.example",)

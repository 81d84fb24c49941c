"""What `./kefu start` shows the admin: the servers' errors, not their chatter."""

import pytest

from ops.servers import worth_showing

CHATTER = [
    "/work/main/.venv/lib/python3.10/site-packages/sanic_cors/extension.py:39: DeprecationWarning: distutils Version classes are deprecated. Use packaging.version instead.",
    "  SANIC_VERSION = LooseVersion(sanic_version)",
    "/x/matplotlib/fontconfig_pattern.py:66: PyparsingDeprecationWarning: 'setParseAction' deprecated",
    "/x/rasa/core/tracker_store.py:1044: MovedIn20Warning: Deprecated API features detected!",
    "2026-12-01 09:11:14,474 INFO rasa_sdk.executor  Registered function for 'validate_csat_form'.",
    "INFO:     Started server process [123]",
    "[2026-12-01 09:12:27 +0000] [23289] [INFO] Goin' Fast @ http://127.0.0.1:5005",
    "2026-12-01 09:10:52 INFO     rasa.engine.training.hooks  - Starting to train component",
]
ERRORS = [
    "2026-12-01 09:12:27 ERROR    rasa.core.processor  - Encountered an exception while running action",
    "ERROR:    Exception in ASGI application",
    "[2026-12-01 09:12:27 +0000] [23289] [ERROR] Exception occurred while handling uri",
    "2026-12-01 09:12:27,001 CRITICAL kefu  the database is gone",
]


@pytest.mark.parametrize("line", CHATTER)
def test_the_admins_terminal_is_spared_warnings_and_start_up_chatter(line):
    assert not worth_showing(line)


@pytest.mark.parametrize("line", ERRORS)
def test_the_admins_terminal_shows_the_servers_errors(line):
    assert worth_showing(line)


@pytest.mark.stack
def test_starting_the_servers_shows_the_admin_no_warnings(stack):
    shown = stack.echo.getvalue()
    assert "Warning" not in shown and "INFO" not in shown, shown[:2000]

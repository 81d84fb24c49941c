"""`./kefu test`: what CI runs. ruff, then the whole pytest suite on the embedded
default, then the storage tests once more on PostgreSQL (kept apart from ops/cli.py,
which parses the commands, because what "every test" means is its own decision)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from ops.paths import ROOT, tool

# The tests of the service core's storage (records, tickets, the desk, the
# importer, email's outbox and intake, search, agents, identities, attempts): run a
# second time with their databases on PostgreSQL (tests/conftest.py `empty_db`). The
# rest of the suite runs on the embedded default; the scaled setup's system tests
# (tests/system/test_scale_out.py) and test_postgres/test_migrations/test_leases
# are on PostgreSQL in the first pass already.
POSTGRES_STORAGE_TESTS = [
    f"tests/helpdesk/{name}.py"
    for name in (
        "test_sql_records",
        "test_ticket_records",
        "test_ticket_replies",
        "test_importer",
        "handoffs/test_desk",
        "handoffs/test_assignment",
        "email/test_outbox",
        "email/test_intake",
        "test_search",
        "test_agents",
        "test_conversation_identity",
        "test_attempts",
    )
]


def cmd_test(args: argparse.Namespace) -> int:
    """Lint, then every test (rasa data validate, Rasa's story and NLU tests, the
    running servers and the browser included) through pytest."""
    steps = [
        ("ruff (lint)", [tool("ruff"), "check", "."], {}),
        ("pytest", [sys.executable, "-m", "pytest", *args.pytest_args], {}),
    ]
    if not args.pytest_args:  # the whole run (CI's): storage once more, on PostgreSQL
        steps.append(
            (
                "pytest: the storage tests again, on PostgreSQL",
                [sys.executable, "-m", "pytest", *POSTGRES_STORAGE_TESTS],
                {"KEFU_TEST_DATABASE": "postgresql"},
            )
        )
    for title, command, env in steps:
        print(f"\n[kefu] === {title} ===", flush=True)
        code = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}).returncode
        if code != 0:
            print(f"[kefu] {title} failed (exit code {code})", file=sys.stderr)
            return code or 1
    print("\n[kefu] all tests passed", flush=True)
    return 0

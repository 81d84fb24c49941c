"""`./kefu <command>`: the admin's and the developer's commands."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

from helpdesk.company import load_company
from helpdesk.config import Settings, SettingsError
from helpdesk.db import Database
from helpdesk.identity import issue_customer_token
from helpdesk.importer import IMPORT_ORDER, IMPORTERS, ImportFailed, ImportInterrupted
from ops import agent_commands, canned_commands, routing_commands, suite
from ops.paths import DEMO_DATA, ROOT, VAR

if TYPE_CHECKING:
    from ops.servers import Stack


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="./kefu", description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="command")

    start = commands.add_parser("start", help="set up, train if needed and run everything")
    start.add_argument(
        "--no-demo",
        action="store_true",
        help="do not import the demo data and do not enable the demo sign-in switch",
    )
    start.add_argument(
        "--scale",
        type=int,
        default=0,
        metavar="N",
        help="N Rasa, action and web processes behind nginx, on PostgreSQL, Redis and "
        "RabbitMQ (DATABASE_URL, KEFU_REDIS_URL, KEFU_AMQP_URL; this machine's by default)",
    )
    for server, what in (
        ("rasa", "Rasa servers"),
        ("actions", "action servers"),
        ("web", "web processes"),
    ):
        start.add_argument(
            f"--{server}",
            type=int,
            default=None,
            metavar="N",
            help=f"with --scale: N {what} instead of the scale's number",
        )

    test = commands.add_parser("test", help="run every test (what CI runs)")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="extra pytest arguments")

    imp = commands.add_parser("import", help="import customer records from CSV files")
    imp.add_argument("--customers", type=Path, help="customers CSV")
    imp.add_argument("--orders", type=Path, help="orders CSV")
    imp.add_argument("--tickets", type=Path, help="tickets CSV")
    imp.add_argument("--demo", action="store_true", help="import the demo data in demo_data/")
    imp.add_argument(
        "--allow-owner-change",
        action="store_true",
        help="let the orders file move existing orders to another customer (refused otherwise)",
    )
    imp.add_argument(
        "--overwrite-tickets",
        action="store_true",
        help="let the tickets file replace tickets Kefu opened from chats (refused otherwise)",
    )

    commands.add_parser("train", help="train a model unless one matches the current data")

    token = commands.add_parser(
        "token", help="print a signed customer_token (for testing a website integration)"
    )
    token.add_argument("customer_id")
    token.add_argument("--hours", type=float, default=8.0)

    agent_commands.add_parsers(commands)
    routing_commands.add_parsers(commands)
    canned_commands.add_parsers(commands)

    catcher = commands.add_parser(
        "mail-catcher",
        help="a local SMTP server that keeps what Kefu sends (to try email without one)",
    )
    catcher.add_argument("--port", type=int, default=1025)
    catcher.add_argument("--folder", default="var/mail", help="where each message is saved")

    bench = commands.add_parser("bench", help="print the benchmark figures")
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)

    commands.add_parser("help", help="show this help")

    if argv[:1] in (["test"], ["bench"]):
        # Everything after these commands is passed on as it is (argparse's REMAINDER
        # refuses arguments that start with "-", like `./kefu test -k handoff`).
        args = parser.parse_args(argv[:1])
        if argv[0] == "test":
            args.pytest_args = argv[1:]
        else:
            args.bench_args = argv[1:]
    else:
        args = parser.parse_args(argv)
    if args.command in (None, "help"):
        parser.print_help()
        return 0
    try:
        return {
            "start": cmd_start,
            "test": suite.cmd_test,
            "import": cmd_import,
            "train": cmd_train,
            "token": cmd_token,
            "bench": cmd_bench,
            "mail-catcher": cmd_mail_catcher,
            "create-agent": agent_commands.cmd_create_agent,
            "agent-password": agent_commands.cmd_agent_password,
            "remove-agent": agent_commands.cmd_remove_agent,
            **routing_commands.COMMANDS,
            **canned_commands.COMMANDS,
        }[args.command](args)
    except SettingsError as error:
        print(f"[kefu] error: {error}", file=sys.stderr)
        return 2


def cmd_mail_catcher(args: argparse.Namespace) -> int:
    """Runs ops/mail_catcher.py until Ctrl-C, saving each message as an .eml file."""
    import time

    from ops.mail_catcher import MailCatcher

    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    with MailCatcher(port=args.port, folder=folder):
        print(
            f"[kefu] catching mail on 127.0.0.1:{args.port}, saved in {folder}/. Start Kefu with "
            f"KEFU_SMTP_HOST=127.0.0.1 KEFU_SMTP_PORT={args.port} KEFU_SMTP_SECURITY=none"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def import_files(
    db: Database,
    files: dict,
    *,
    zone: Optional[tzinfo] = None,
    allow_owner_change: bool = False,
    overwrite_tickets: bool = False,
) -> int:
    """Imports the given {kind: path} in dependency order; prints one line each.
    `zone` is the company's time zone (what a date without a time means); the two
    flags permit what the importer otherwise refuses."""
    db.create_schema()
    options = {
        "customers": {},
        "orders": {"allow_owner_change": allow_owner_change},
        "tickets": {"overwrite_tickets": overwrite_tickets},
    }
    for kind in IMPORT_ORDER:
        path = files.get(kind)
        if path is None:
            continue
        try:
            print(f"[kefu] {IMPORTERS[kind](db, Path(path), zone=zone, **options[kind])}")
        except ImportFailed as failure:
            print(f"[kefu] import failed: {failure}", file=sys.stderr)
            return 1
        except ImportInterrupted as interrupted:
            print(f"[kefu] import interrupted: {interrupted}", file=sys.stderr)
            return 1
    return 0


def demo_files() -> dict:
    return {kind: DEMO_DATA / f"{kind}.csv" for kind in IMPORT_ORDER}


IMPORT_DB_TIMEOUT_SECONDS = 30.0


def cmd_import(args: argparse.Namespace) -> int:
    files = (
        demo_files()
        if args.demo
        else {kind: getattr(args, kind) for kind in IMPORT_ORDER if getattr(args, kind)}
    )
    if not files:
        print(
            "[kefu] nothing to import: give --customers, --orders, --tickets or --demo",
            file=sys.stderr,
        )
        return 2
    settings = Settings.from_env()
    # The importer waits longer for the write lock than the bot's 5 s: between its
    # short batches the bot's writes take turns, and waiting for them is expected.
    db = Database(settings.database_url, timeout_seconds=IMPORT_DB_TIMEOUT_SECONDS)
    try:
        return import_files(
            db,
            files,
            zone=load_company(settings.knowledge_base_dir).hours.zone,
            allow_owner_change=args.allow_owner_change,
            overwrite_tickets=args.overwrite_tickets,
        )
    finally:
        db.dispose()


def cmd_train(_: argparse.Namespace) -> int:
    from ops.training import ensure_model

    ensure_model()
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from datetime import timedelta

    settings = Settings.from_env().check()
    print(
        issue_customer_token(
            args.customer_id, settings.customer_token_secret, timedelta(hours=args.hours)
        )
    )
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    from ops.servers import Stack, StackConfig
    from ops.training import ensure_model

    demo = not args.no_demo
    settings = Settings.from_env().with_changes(demo_mode=demo).check()
    scaled = None
    counts = {"rasa": args.rasa, "actions": args.actions, "web": args.web}
    if args.scale or any(count is not None for count in counts.values()):
        from ops.scaled_start import scaled_settings

        given = [args.scale or 1, *(count for count in counts.values() if count is not None)]
        if min(given) < 1:
            print("[kefu] error: every server runs at least one process", file=sys.stderr)
            return 2
        try:
            scaled = scaled_settings(args.scale or 1, **counts)
        except RuntimeError as error:  # a shared service that does not answer
            print(f"[kefu] error: {error}", file=sys.stderr)
            return 1
        settings = settings.with_changes(database_url=scaled.database_url)
    db = Database(settings.database_url)
    db.create_schema()  # the schema's migrations (helpdesk/migrations/)
    if demo and _is_empty(db):
        print("[kefu] importing the demo data (first start)")
        if import_files(db, demo_files()):
            return 1
    if demo:
        agent_commands.ensure_demo_agent(db)
    db.dispose()
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    try:
        model = ensure_model(log=VAR / "logs" / "train.log")  # Rasa's output: in the log
    except RuntimeError as error:
        print(f"[kefu] error: {error}", file=sys.stderr)
        return 1
    common = dict(
        model=model,
        database_url=settings.database_url,
        tracker_db=VAR / "tracker.db",
        demo_mode=demo,
        # Kept from one start to the next, so open chats survive a restart.
        action_token=settings.action_token,
        session_secret=settings.session_secret,
    )
    if scaled is not None:
        from ops.scaled_start import scaled_stack

        stack, where = scaled_stack(scaled, common)
    else:
        config = StackConfig(**common)
        stack = Stack(config, echo=sys.stdout)
        where = (
            f"  Rasa (REST, socket.io, HTTP API): http://localhost:{config.rasa_port}/\n"
            f"  action server:                   http://localhost:{config.actions_port}/\n"
        )
    return run_until_stopped(stack, where, demo)


def run_until_stopped(stack: Stack, where: str, demo: bool) -> int:
    """Starts the servers, says where everything is, and stops them all on Ctrl-C
    or when one of them stops."""
    config = stack.config
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        print("[kefu] starting the action server, the Rasa server and the web app...")
        stack.start()
        print(
            f"\n[kefu] ready.\n"
            f"  demo shop with the chat widget: http://localhost:{config.web_port}/\n"
            f"  agent console:                   http://localhost:{config.web_port}/console\n"
            + (
                f"    (demo agent: {agent_commands.DEMO_AGENT_EMAIL} / "
                f"{agent_commands.DEMO_AGENT_PASSWORD})\n"
                if demo
                else "    (create an agent: ./kefu create-agent --email ... --name ...)\n"
            )
            + f"  API documentation:               http://localhost:{config.web_port}/docs\n"
            + where
            + f"  logs: {config.log_dir.relative_to(ROOT)}/   Press Ctrl-C to stop.\n",
            flush=True,
        )
        while not stopping:
            crashed = stack.crashed()
            if crashed:
                print(
                    f"[kefu] the {crashed} server stopped; see {config.log_dir / (crashed + '.log')}",
                    file=sys.stderr,
                )
                return 1
            time.sleep(0.5)
        return 0
    except RuntimeError as error:
        print(f"[kefu] error: {error}", file=sys.stderr)
        return 1
    finally:
        print("\n[kefu] stopping...", flush=True)
        stack.stop()
        print("[kefu] stopped.", flush=True)


def _is_empty(db: Database) -> bool:
    from sqlalchemy import select

    from helpdesk.models import Customer

    with db.session() as session:
        return session.execute(select(Customer.id).limit(1)).first() is None


def cmd_bench(args: argparse.Namespace) -> int:
    """`./kefu bench` compares Kefu with Rasa's starter bot; `./kefu bench handoff`
    times agents' replies into the widget and the agents' API; `./kefu bench
    disturbance` times unrelated conversations while the database is locked or huge
    messages arrive; `./kefu bench nlu` measures the NLU pipeline on public intent data
    sets; `./kefu bench search` times the console's search over 100,000 tickets;
    `./kefu bench email` times email out to the mail server and in to the console;
    `./kefu bench load` runs Locust against the scaled setup at 1 and 2 Rasa
    processes; `./kefu bench costs` measures what one message costs each part of it;
    `./kefu bench fanout` what one socket.io emit costs across Rasa processes."""
    module, rest = "bench.run", list(args.bench_args)
    if rest[:1] in (
        ["handoff"],
        ["disturbance"],
        ["questions"],
        ["nlu"],
        ["search"],
        ["email"],
        ["load"],
        ["costs"],
        ["fanout"],
    ):
        module, rest = f"bench.{rest[0]}", rest[1:]
    return subprocess.run([sys.executable, "-m", module, *rest], cwd=ROOT).returncode

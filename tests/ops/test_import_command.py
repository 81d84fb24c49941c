"""`./kefu import` run the way the README says (`python -m ops import ...`), against
a real SQLite file: what it prints, what it refuses, and the options that permit it."""

import os
import subprocess
import sys
from datetime import datetime, timezone

from helpdesk.config import PROJECT_ROOT
from helpdesk.db import Database
from helpdesk.models import Order, Ticket

ORDERS_HEADER = "order_id,customer_id,placed_at,status,total,currency,carrier,tracking_number,items,delivered_at\n"
TICKETS_HEADER = (
    "ticket_id,customer_id,order_id,category,subject,description,urgency,status,created_at\n"
)


def kefu_import(db_url, *args):
    return subprocess.run(
        [sys.executable, "-m", "ops", "import", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        timeout=120,
    )


def demo_database(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    demo = kefu_import(url, "--demo")
    assert demo.returncode == 0, demo.stderr
    assert "orders.csv: 93 orders added, 0 updated, 0 unchanged" in demo.stdout
    return url


def test_the_import_command_refuses_to_move_an_order_unless_told_and_reports_the_change(
    tmp_path,
):
    url = demo_database(tmp_path)
    orders = tmp_path / "orders.csv"
    orders.write_text(
        ORDERS_HEADER
        + "BW-104138,C1002,2026-11-22T15:00:00Z,processing,1148.00,USD,,,"
        + '"Tempo smartwatch x1; Aurora 65"" 4K TV x1",\n'
    )

    refused = kefu_import(url, "--orders", str(orders))
    assert refused.returncode == 1
    assert f"{orders}, line 2, field 'customer_id': order BW-104138 belongs to customer C1001" in (
        refused.stderr
    )
    assert "--allow-owner-change" in refused.stderr and "Traceback" not in refused.stderr

    allowed = kefu_import(url, "--orders", str(orders), "--allow-owner-change")
    assert allowed.returncode == 0, allowed.stderr
    assert f"{orders}: 0 orders added, 1 updated (customer_id 1), 0 unchanged" in (allowed.stdout)
    db = Database(url)
    with db.session() as session:
        assert session.get(Order, "BW-104138").customer_id == "C1002"
    db.dispose()


def test_the_import_command_overwrites_a_chat_ticket_only_with_overwrite_tickets(tmp_path):
    url = demo_database(tmp_path)
    db = Database(url)
    with db.session() as session:
        session.add(
            Ticket(
                id=14,
                customer_id="C1001",
                category="other",
                subject="Opened in a chat",
                description="A live case",
                source="chat",
            )
        )
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        TICKETS_HEADER
        + "T-00014,C1001,,other,From the old helpdesk,Old case,low,solved,2026-09-17\n"
    )

    refused = kefu_import(url, "--tickets", str(tickets))
    assert refused.returncode == 1
    assert f"{tickets}, line 2, field 'ticket_id': T-00014 is a ticket Kefu opened (chat)" in (
        refused.stderr
    )

    allowed = kefu_import(url, "--tickets", str(tickets), "--overwrite-tickets")
    assert allowed.returncode == 0, allowed.stderr
    with db.session() as session:
        ticket = session.get(Ticket, 14)
    db.dispose()
    assert (ticket.subject, ticket.source) == ("From the old helpdesk", "import")
    # A date without a time is the start of that day in the company's zone (Eastern).
    assert ticket.created_at == datetime(2026, 9, 17, 4, 0, tzinfo=timezone.utc)


def test_a_total_of_nan_is_reported_as_a_row_error_by_the_command(tmp_path):
    url = demo_database(tmp_path)
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS_HEADER + "BW-199001,C1001,2026-11-22,processing,NaN,USD,,,Cable x1,\n")
    result = kefu_import(url, "--orders", str(orders))
    assert result.returncode == 1
    assert f"{orders}, line 2, field 'total': 'NaN' is not an amount" in result.stderr
    assert "Traceback" not in result.stderr

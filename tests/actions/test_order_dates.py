"""Dates the bot tells a customer are the company's calendar days: an order the
admin imported as delivered on 2026-09-17 was delivered on Sep 17 (not on Sep 16,
which is what midnight UTC reads as in the company's Eastern time)."""

from actions.orders import ActionShowOrderStatus
from helpdesk.importer import import_orders
from tests.actions.conftest import make_tracker, run, signed_in

MAYA = {"customer_id": "C1001", "identity_method": "token"}

ORDERS = (
    "order_id,customer_id,placed_at,status,total,currency,carrier,tracking_number,items,delivered_at\n"
    "BW-199917,C1001,2026-09-12,delivered,49.99,USD,UPS,1Z999AA10123456784,"
    "Lumen smart bulb 4-pack x1,2026-09-17\n"
)


def test_an_order_imported_with_dates_only_reads_as_those_days(
    services, domain, demo_db, facts, tmp_path
):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    import_orders(demo_db, path, zone=facts.hours.zone)
    tracker = make_tracker(
        "where is BW-199917",
        "check_order_status",
        slots={**MAYA, "order_id": "BW-199917"},
        metadata=signed_in("C1001"),
    )
    result = run(ActionShowOrderStatus(services), tracker, domain)
    assert "placed Sep 12, 2026" in result.text
    assert "Delivered on Sep 17, 2026." in result.text

from actions.orders import (
    ActionAskCancellationOrder,
    ActionCancelOrder,
    ActionShowOrderStatus,
    ValidateCancellationForm,
)
from tests.actions.conftest import (
    MAYA,
    MAYA_TOKEN,
    answer,
    make_tracker,
    run,
    user_event,
)


def test_order_status_shows_status_carrier_tracking_and_items(services, domain):
    tracker = make_tracker(
        "where is bw104119",
        "check_order_status",
        slots={**MAYA, "order_id": "BW-104119"},
        metadata=MAYA_TOKEN,
    )
    result = run(ActionShowOrderStatus(services), tracker, domain)
    assert "BW-104119" in result.text and "on its way" in result.text
    assert "UPS tracking number 1Z" in result.text and "ups.com/track" in result.text
    assert "Orbit smart speaker ×2" in result.text
    assert result.slot("order_id") is None


def test_without_an_order_number_the_latest_orders_are_listed(services, domain):
    result = run(
        ActionShowOrderStatus(services),
        make_tracker("where is my stuff", "check_order_status", slots=MAYA, metadata=MAYA_TOKEN),
        domain,
    )
    assert all(order in result.text for order in ("BW-104138", "BW-104119", "BW-104101"))
    assert "Delivered on" in result.text


def test_someone_elses_order_is_reported_as_not_found(services, domain):
    tracker = make_tracker(
        "where is BW-104167",
        "check_order_status",
        slots={**MAYA, "order_id": "BW-104167"},
        metadata=MAYA_TOKEN,
    )
    result = run(ActionShowOrderStatus(services), tracker, domain)
    assert "couldn't find an order BW-104167" in result.text
    assert "Echo-Arc" not in result.text  # Daniel's items never appear


def test_a_processing_order_is_cancelled_after_confirmation(services, domain, records):
    form = ValidateCancellationForm(services)
    chosen = answer(form, "order_id", "bw104138", domain, slots=MAYA, metadata=MAYA_TOKEN)
    assert (
        chosen.slot("order_id") == "BW-104138"
        and chosen.slot("requested_slot") == "cancel_confirmed"
    )
    done = run(
        ActionCancelOrder(services),
        make_tracker(
            "yes",
            "affirm",
            slots={**MAYA, "order_id": "BW-104138", "cancel_confirmed": True},
            metadata=MAYA_TOKEN,
        ),
        domain,
    )
    assert "order BW-104138 is cancelled" in done.text
    assert records.get_order("BW-104138").status == "cancelled"


def test_declining_the_confirmation_keeps_the_order(services, domain, records):
    result = run(
        ActionCancelOrder(services),
        make_tracker(
            "no",
            "deny",
            slots={**MAYA, "order_id": "BW-104138", "cancel_confirmed": False},
            metadata=MAYA_TOKEN,
        ),
        domain,
    )
    assert "left order BW-104138 as it is" in result.text
    assert records.get_order("BW-104138").status == "processing"


def test_a_shipped_order_is_not_confirmed_but_offered_as_a_return(services, domain):
    form = ValidateCancellationForm(services)
    chosen = answer(form, "order_id", "BW-104119", domain, slots=MAYA, metadata=MAYA_TOKEN)
    assert chosen.slot("requested_slot") is None  # no "are you sure?" for what cannot be done
    result = run(
        ActionCancelOrder(services),
        make_tracker(
            "BW-104119", "inform", slots={**MAYA, "order_id": "BW-104119"}, metadata=MAYA_TOKEN
        ),
        domain,
    )
    assert "already shipped" in result.text and "Start a return" in result.buttons


def test_cancelling_someone_elses_order_is_refused(services, domain, records):
    form = ValidateCancellationForm(services)
    result = answer(form, "order_id", "BW-104190", domain, slots=MAYA, metadata=MAYA_TOKEN)
    assert result.slot("order_id") is None and "couldn't find order BW-104190" in result.text


def test_the_cancellation_question_offers_only_cancellable_orders(services, domain):
    result = run(
        ActionAskCancellationOrder(services),
        make_tracker("cancel", "cancel_order", slots=MAYA, metadata=MAYA_TOKEN),
        domain,
    )
    assert result.buttons == ["BW-104138 (Tempo smartwatch)"]


def test_an_order_asked_about_inside_another_form_is_still_the_one_shown(services, domain):
    # Inside the ticket form the order number does not fill `order_id` (the form
    # did not ask for it), so the action reads it from the customer's question.
    history = [user_event("I'd like to report a problem", "report_problem")]
    tracker = make_tracker(
        "where is my order BW-104119?",
        "check_order_status",
        slots=MAYA,
        history=history,
        metadata=MAYA_TOKEN,
    )
    result = run(ActionShowOrderStatus(services), tracker, domain)
    assert result.text.startswith("Order BW-104119") and "BW-104101" not in result.text


def test_that_order_means_the_order_shown_last(services, domain):
    from actions.orders import ActionShowOrderStatus

    result = run(
        ActionShowOrderStatus(services),
        make_tracker(
            "what was in that order?",
            "check_order_status",
            slots={**MAYA, "last_order_id": "BW-104119"},
            metadata=MAYA_TOKEN,
        ),
        domain,
    )
    assert "BW-104119" in result.text and "Orbit smart speaker" in result.text
    assert "BW-104101" not in result.text
    assert result.slot("last_order_id") == "BW-104119"


def test_that_order_in_chinese_means_the_order_shown_last(services, domain):
    from actions.orders import ActionShowOrderStatus

    result = run(
        ActionShowOrderStatus(services),
        make_tracker(
            "那个订单里买了什么",
            "check_order_status",
            slots={**MAYA, "last_order_id": "BW-104119", "language": "zh"},
            metadata=MAYA_TOKEN,
        ),
        domain,
    )
    assert "BW-104119" in result.text and "BW-104101" not in result.text


def test_an_item_named_finds_the_one_order_holding_it(services, domain):
    from actions.orders import ActionShowOrderStatus

    result = run(
        ActionShowOrderStatus(services),
        make_tracker("has the smartwatch shipped?", "check_order_status", slots=MAYA, metadata=MAYA_TOKEN),
        domain,
    )
    assert "BW-104138" in result.text and "BW-104119" not in result.text


def test_a_remembered_order_of_someone_else_is_not_shown(services, domain):
    from actions.orders import ActionShowOrderStatus

    result = run(
        ActionShowOrderStatus(services),
        make_tracker(
            "what was in that order?",
            "check_order_status",
            slots={**MAYA, "last_order_id": "BW-104233"},  # not Maya's
            metadata=MAYA_TOKEN,
        ),
        domain,
    )
    assert "couldn't find an order BW-104233" in result.text


def test_cancel_it_after_an_order_was_shown_means_that_order(services, domain):
    from actions.orders import ValidateCancellationForm

    result = run(
        ValidateCancellationForm(services),
        make_tracker(
            "ok cancel it",
            "cancel_order",
            slots={**MAYA, "last_order_id": "BW-104138"},
            metadata=MAYA_TOKEN,
            active_loop="cancellation_form",
        ),
        domain,
    )
    assert result.slot("order_id") == "BW-104138"
    assert result.slot("requested_slot") == "cancel_confirmed"


ZH = {"language": "zh"}


def test_an_order_reads_in_chinese_with_chinese_dates_and_money(services, domain):
    tracker = make_tracker(
        "BW104119 到哪了",
        "check_order_status",
        slots={**MAYA, **ZH, "order_id": "BW-104119"},
        metadata=MAYA_TOKEN,
    )
    result = run(ActionShowOrderStatus(services), tracker, domain)
    assert result.text.startswith("订单 BW-104119，2026年11月17日下单：运输中。")
    assert "物流：UPS，单号 1Z" in result.text and "[查看物流](https://www.ups.com/track" in result.text
    assert "商品：Orbit smart speaker ×2。合计 US$198.00。" in result.text
    assert result.buttons == ["反馈这个订单的问题", "申请退货"]


def test_a_missing_order_and_the_latest_orders_in_chinese(services, domain):
    tracker = make_tracker(
        "BW-104167 呢",
        "check_order_status",
        slots={**MAYA, **ZH, "order_id": "BW-104167"},
        metadata=MAYA_TOKEN,
    )
    result = run(ActionShowOrderStatus(services), tracker, domain)
    assert "您的账户里没有找到订单 BW-104167。下面是您最近的订单。" in result.text
    assert "这是您最近的订单：" in result.text and "签收日期：2026年10月15日。" in result.text
    assert "CA$2,257.98（加拿大元）" in result.text


def test_cancelling_in_chinese(services, domain, records):
    slots = {**MAYA, **ZH, "order_id": "BW-104138"}
    question = run(
        ActionAskCancellationOrder(services),
        make_tracker("取消订单", "cancel_order", slots={**MAYA, **ZH}, metadata=MAYA_TOKEN),
        domain,
    )
    assert question.text.startswith("您想取消哪个订单？")
    assert question.buttons == ["BW-104138（Tempo smartwatch）"]
    done = run(
        ActionCancelOrder(services),
        make_tracker("是的", "affirm", slots={**slots, "cancel_confirmed": True}, metadata=MAYA_TOKEN),
        domain,
    )
    assert "已为您取消订单 BW-104138。" in done.text
    assert records.get_order("BW-104138").status == "cancelled"
    shipped = run(
        ActionCancelOrder(services),
        make_tracker("BW-104119", "inform", slots={**slots, "order_id": "BW-104119"}, metadata=MAYA_TOKEN),
        domain,
    )
    assert "订单 BW-104119 已经发货，无法再取消了" in shipped.text
    assert shipped.buttons == ["申请退货", "退货政策"]


def test_someone_elses_order_in_a_chinese_form_reads_as_missing(services, domain):
    result = answer(
        ValidateCancellationForm(services),
        "order_id",
        "BW-104190",
        domain,
        slots={**MAYA, **ZH},
        metadata=MAYA_TOKEN,
    )
    assert result.slot("order_id") is None
    assert "您的账户里没有找到订单 BW-104190。请核对一下订单号（格式类似 BW-104233）。" in result.text

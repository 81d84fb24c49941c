"""Identity rules: nothing about an account before verification, the same answer
for an unknown email and a wrong pair, and a limit on attempts."""

from datetime import timedelta

from actions.identity import ActionShowAccount, ValidateAccountForm
from actions.orders import ActionShowOrderStatus, ValidateOrderStatusForm
from tests.actions.conftest import answer, make_tracker, run


def test_a_signed_in_customer_skips_verification(services, domain, token_for):
    tracker = make_tracker(
        "where is my order", "check_order_status", metadata={"customer_token": token_for("C1001")}
    )
    result = run(ValidateOrderStatusForm(services), tracker, domain)
    assert result.slot("customer_id") == "C1001" and result.slot("identity_method") == "token"
    assert result.slot("requested_slot") is None  # nothing to ask: the form completes


def test_an_anonymous_visitor_is_asked_for_email_first(services, domain):
    result = run(
        ValidateOrderStatusForm(services),
        make_tracker("where is my order", "check_order_status"),
        domain,
    )
    assert result.slot("requested_slot") == "verification_email"
    assert result.slot("customer_id") == "<unset>"


def test_an_expired_token_is_explained_and_verification_offered(services, domain, token_for):
    token = token_for("C1001", ttl=timedelta(minutes=-10))
    result = run(
        ValidateOrderStatusForm(services),
        make_tracker("my orders", "check_order_status", metadata={"customer_token": token}),
        domain,
    )
    assert "expired" in result.text
    assert result.slot("requested_slot") == "verification_email"


def test_a_forged_token_identifies_nobody(services, domain):
    forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDMTAwMSIsImV4cCI6OTk5OTk5OTk5OX0.bm90LWEtc2lnbmF0dXJl"
    result = run(
        ValidateOrderStatusForm(services),
        make_tracker("orders", "check_order_status", metadata={"customer_token": forged}),
        domain,
    )
    assert result.slot("customer_id") == "<unset>"
    assert result.slot("requested_slot") == "verification_email"


MAYAS_EMAIL = {"verification_email": "maya.thompson@example.com"}


def test_email_then_order_number_verifies_the_customer(services, domain):
    form = ValidateAccountForm(services)
    first = answer(form, "verification_email", "Maya.Thompson@example.com", domain)
    assert first.slot("verification_email") == "maya.thompson@example.com"
    assert first.slot("requested_slot") == "verification_order"
    second = answer(form, "verification_order", "it's bw 104101", domain, slots=MAYAS_EMAIL)
    assert (
        second.slot("customer_id") == "C1001" and second.slot("identity_method") == "verification"
    )
    assert second.slot("requested_slot") is None
    assert "you're verified" in second.text


def test_email_and_order_in_one_message_verify_at_once(services, domain):
    result = answer(
        ValidateAccountForm(services),
        "verification_email",
        "maya.thompson@example.com and my order is BW-104119",
        domain,
    )
    assert result.slot("customer_id") == "C1001"


def attempt(services, domain, email, order, failures=0.0):
    slots = {"verification_email": email, "verification_failures": failures}
    return answer(ValidateAccountForm(services), "verification_order", order, domain, slots=slots)


def test_unknown_email_and_wrong_pair_get_the_same_answer(services, domain):
    unknown = attempt(services, domain, "nobody@example.com", "BW-104101")
    wrong = attempt(services, domain, "maya.thompson@example.com", "BW-104167")  # Daniel's order
    assert unknown.texts == wrong.texts
    for result in (unknown, wrong):
        assert result.slot("customer_id") == "<unset>"
        assert (
            result.slot("verification_email") is None and result.slot("verification_order") is None
        )
        assert result.slot("requested_slot") == "verification_email"
        assert result.slot("verification_failures") == 1.0


def test_the_third_failure_ends_verification_for_the_conversation(services, domain):
    result = attempt(services, domain, "maya.thompson@example.com", "BW-100000", failures=2.0)
    assert result.slot("verification_failures") == 3.0
    assert result.slot("requested_slot") is None
    assert "can't try again" in result.text
    # Even the right pair is no longer asked for or accepted in this conversation.
    locked = run(
        ValidateAccountForm(services),
        make_tracker("my account", "check_account", slots={"verification_failures": 3.0}),
        domain,
    )
    assert locked.slot("requested_slot") is None and locked.slot("customer_id") == "<unset>"


def test_nothing_about_the_account_is_shown_without_verification(services, domain):
    result = run(
        ActionShowOrderStatus(services),
        make_tracker("where is my order", "check_order_status"),
        domain,
    )
    assert "BW-" not in result.text and "verify" in result.text
    account = run(
        ActionShowAccount(services),
        make_tracker("my account", "check_account", slots={"verification_failures": 3.0}),
        domain,
    )
    assert "maya" not in account.text.lower() and "Talk to a person" in account.buttons


def test_an_email_that_is_not_an_email_is_asked_again(services, domain):
    result = answer(ValidateAccountForm(services), "verification_email", "maya at example", domain)
    assert result.slot("verification_email") is None and "email address" in result.text


def test_a_visitor_without_an_order_number_is_offered_a_person(services, domain):
    result = answer(
        ValidateAccountForm(services),
        "verification_order",
        "I don't have an order number",
        domain,
        slots=MAYAS_EMAIL,
    )
    assert "Talk to a person" in result.buttons and result.slot("verification_order") is None


def test_the_account_summary_shows_tier_orders_and_open_tickets(services, domain, token_for):
    tracker = make_tracker(
        "what tier am I", "check_account", metadata={"customer_token": token_for("C1001")}
    )
    result = run(ActionShowAccount(services), tracker, domain)
    assert "Premier member" in result.text and "1 business hour" in result.text
    assert "3 orders" in result.text and "T-00001" in result.text


FORGED_SLOTS = {"customer_id": "C1002", "customer_name": "Daniel Okafor", "identity_method": "token"}


def test_identity_slots_sent_without_proof_are_cleared_and_verification_asked(services, domain):
    result = run(
        ValidateOrderStatusForm(services),
        make_tracker("where is my order", "check_order_status", slots=FORGED_SLOTS),
        domain,
    )
    assert result.slot("customer_id") is None and result.slot("identity_method") is None
    assert result.slot("requested_slot") == "verification_email"


def test_an_account_is_not_shown_for_identity_slots_alone(services, domain):
    result = run(
        ActionShowAccount(services),
        make_tracker("my account", "check_account", slots=FORGED_SLOTS),
        domain,
    )
    assert "Daniel" not in result.text and "verify who you are" in result.text


def test_when_the_token_is_gone_the_previous_customers_task_goes_with_it(services, domain):
    signed_in_before = {**FORGED_SLOTS, "customer_id": "C1001", "order_id": "BW-104101"}
    result = run(
        ValidateOrderStatusForm(services),
        make_tracker("where is my order", "check_order_status", slots=signed_in_before),
        domain,
    )
    assert result.slot("customer_id") is None and result.slot("order_id") is None


def test_a_verification_in_one_conversation_counts_there_only(services, domain):
    email = {"verification_email": "maya.thompson@example.com"}
    answer(
        ValidateAccountForm(services), "verification_order", "BW-104101", domain, slots=email
    )
    here = run(
        ActionShowAccount(services), make_tracker("my account", "check_account"), domain
    )
    elsewhere = run(
        ActionShowAccount(services),
        make_tracker("my account", "check_account", sender_id="another-conversation"),
        domain,
    )
    assert "Here's your account, Maya" in here.text
    assert "Maya" not in elsewhere.text


def test_email_and_order_number_in_the_first_message_verify_at_once(services, domain):
    from actions.orders import ValidateOrderStatusForm

    result = run(
        ValidateOrderStatusForm(services),
        make_tracker(
            "hi, maya.thompson@example.com order BW-104101, has it arrived?",
            "check_order_status",
            active_loop="order_status_form",
        ),
        domain,
    )
    assert "you're verified" in result.text
    assert result.slot("customer_id") == "C1001"


ZH = {"language": "zh"}


def test_verification_speaks_chinese(services, domain):
    from actions.identity import ActionAskVerificationEmail

    asked = run(ActionAskVerificationEmail(services), make_tracker("查订单", slots=ZH), domain)
    assert asked.text == "首先需要确认一下是账户本人。请问您账户绑定的邮箱是什么？"
    form = ValidateAccountForm(services)
    bad = answer(form, "verification_email", "maya at example", domain, slots=ZH)
    assert "这好像不是邮箱地址" in bad.text
    ok = answer(form, "verification_order", "BW104101", domain, slots={**ZH, **MAYAS_EMAIL})
    assert "谢谢您，Maya，身份验证通过了。" in ok.text


def test_a_chinese_visitor_without_an_order_number_is_offered_a_person(services, domain):
    result = answer(
        ValidateAccountForm(services),
        "verification_order",
        "我不记得订单号了",
        domain,
        slots={**ZH, **MAYAS_EMAIL},
    )
    assert result.text.startswith("没关系。没有订单号的话")
    assert result.buttons == ["转人工客服", "算了"]


def test_the_account_summary_in_chinese(services, domain, token_for):
    result = run(
        ActionShowAccount(services),
        make_tracker(
            "我是什么会员", "check_account", slots=ZH, metadata={"customer_token": token_for("C1001")}
        ),
        domain,
    )
    assert result.text.startswith("Maya，这是您的账户信息：\n- Maya Thompson，maya.thompson@example.com")
    assert "Premier 会员（自 2023年6月4日 起成为我们的客户）" in result.text
    assert "1 个工作小时内首次回复您" in result.text
    assert "3 个订单，最近一个是 BW-104138（待发货）" in result.text
    assert "1 个未解决的工单：T-00001（`Charged twice`）" in result.text
    assert result.buttons == ["会员权益", "我的订单", "我的工单"]


def test_an_unverified_chinese_customer_is_told_why_in_chinese(services, domain):
    result = run(
        ActionShowOrderStatus(services), make_tracker("我的订单", "check_order_status", slots=ZH), domain
    )
    assert result.text == "查看您的账户之前，我需要先验证一下您的身份。"
    assert result.buttons == ["验证身份"]

from actions.feedback import ActionStoreRating, ValidateCsatForm
from tests.actions.conftest import answer, make_tracker, run, user_event

SERVED = [user_event("where is my order", "check_order_status")]


def test_nothing_is_asked_when_the_bot_did_nothing_worth_rating(services, domain):
    result = run(
        ValidateCsatForm(services),
        make_tracker("bye", "goodbye", history=[user_event("hi", "greet")]),
        domain,
    )
    assert result.slot("requested_slot") is None


def test_a_served_customer_is_asked_for_a_rating(services, domain):
    result = run(ValidateCsatForm(services), make_tracker("bye", "goodbye", history=SERVED), domain)
    assert result.slot("requested_slot") == "csat_rating"


def test_a_typed_rating_is_understood(services, domain):
    result = answer(
        ValidateCsatForm(services), "csat_rating", "I'd give it 4/5", domain, history=SERVED
    )
    assert result.slot("csat_rating") == "4" and result.slot("requested_slot") == "csat_comment"


def test_declining_the_survey_skips_it(services, domain):
    result = answer(
        ValidateCsatForm(services),
        "csat_rating",
        "no thanks",
        domain,
        intent="deny",
        history=SERVED,
    )
    assert result.slot("csat_rating") == "skipped" and result.slot("requested_slot") is None


def test_the_rating_and_comment_are_stored_with_the_conversation(services, domain, conversations):
    slots = {"csat_rating": "5", "csat_comment": "Quick and clear", "customer_id": "C1001"}
    result = run(
        ActionStoreRating(services),
        make_tracker("Quick and clear", "inform", slots=slots, sender_id="conv-rated"),
        domain,
    )
    assert "Thank you for your feedback" in result.text
    assert services.deferred.wait_until_written()
    assert conversations.has_rating("conv-rated")
    again = run(
        ValidateCsatForm(services),
        make_tracker("bye", "goodbye", history=SERVED, sender_id="conv-rated"),
        domain,
    )
    assert again.slot("requested_slot") is None  # asked once per conversation


def test_a_rating_given_while_the_database_is_locked_is_thanked_at_once_and_kept(
    services, domain, conversations, demo_db
):
    import sqlite3
    import threading
    import time

    holder = sqlite3.connect(
        demo_db.url.split("sqlite:///", 1)[1], isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    threading.Timer(2.0, holder.close).start()
    started = time.monotonic()
    result = run(
        ActionStoreRating(services),
        make_tracker("4", "inform", slots={"csat_rating": "4"}, sender_id="conv-locked"),
        domain,
    )
    assert "Thank you for your feedback" in result.text
    assert time.monotonic() - started < 1.0  # not waiting for the lock
    assert services.deferred.wait_until_written(timeout=60)
    assert conversations.has_rating("conv-locked")


ZH = {"language": "zh"}


def test_the_survey_speaks_chinese_and_understands_chinese_ratings(services, domain):
    from actions.feedback import ActionAskCsatRating

    asked = run(ActionAskCsatRating(services), make_tracker("再见", "goodbye", slots=ZH), domain)
    assert asked.text.startswith("在您离开之前") and asked.buttons[0] == "5 ★★★★★"
    five = answer(ValidateCsatForm(services), "csat_rating", "五星", domain, slots=ZH, history=SERVED)
    assert five.slot("csat_rating") == "5"
    declined = answer(
        ValidateCsatForm(services), "csat_rating", "不用了", domain, slots=ZH, history=SERVED
    )
    assert declined.slot("csat_rating") == "skipped"
    unclear = answer(ValidateCsatForm(services), "csat_rating", "嗯", domain, slots=ZH, history=SERVED)
    assert unclear.text == "请选一个 1（很差）到 5（很好）之间的分数。"


def test_a_chinese_rating_is_thanked_in_chinese(services, domain):
    result = run(
        ActionStoreRating(services),
        make_tracker("4", "inform", slots={**ZH, "csat_rating": "4"}, sender_id="conv-zh"),
        domain,
    )
    assert result.text == "感谢您的反馈！"
    assert services.deferred.wait_until_written()

from helpdesk.chat_sessions import SESSION_ID_PATTERN, is_valid_session, issue_session
from kefu_rasa.socketio import (
    origin_allowed,
    read_client_message,
    requested_session,
    widget_payload,
)


def test_a_bot_message_goes_out_whole_with_its_metadata():
    message = {
        "text": "Paragraph one.\n\nParagraph two.",
        "buttons": [{"title": "Yes", "payload": "/affirm"}],
        "faq_topic": "shipping-options",
        "sender": "agent",
        "agent_name": "Sam",
        "timestamp": 1.5,
    }
    payload = widget_payload(message)
    assert payload["text"] == "Paragraph one.\n\nParagraph two."  # not split in two
    assert payload["quick_replies"] == [
        {"content_type": "text", "title": "Yes", "payload": "/affirm"}
    ]
    assert payload["metadata"] == {
        "faq_topic": "shipping-options",
        "sender": "agent",
        "agent_name": "Sam",
    }


def test_metadata_that_cannot_travel_as_json_is_left_out():
    payload = widget_payload({"text": "hi", "odd": object()})
    assert "metadata" not in payload


def test_malformed_client_payloads_are_tolerated():
    assert read_client_message("just a string", "metadata") is None
    assert read_client_message(["list"], "metadata") is None
    odd = read_client_message({"message": 42, "session_id": 7, "metadata": "{not json"}, "metadata")
    assert odd == {"message": "", "metadata": {}}  # a number is not a message
    fine = read_client_message(
        {"message": "hi", "session_id": "abc", "metadata": '{"customer_token": "t"}'}, "metadata"
    )
    assert fine == {"message": "hi", "metadata": {"customer_token": "t"}}  # the socket's own session


def test_a_widget_continues_a_session_only_with_its_secret():
    key = "k" * 32
    issued = issue_session(key)
    assert is_valid_session(key, issued.session_id, issued.session_secret)
    assert not is_valid_session(key, issued.session_id, None)
    assert not is_valid_session(key, issued.session_id, issue_session(key).session_secret)
    assert not is_valid_session("another key" * 4, issued.session_id, issued.session_secret)
    assert requested_session({"session_id": 5, "session_secret": ["x"]}) == (None, None)


def test_server_issued_session_ids_carry_at_least_128_random_bits():
    ids = {issue_session("k" * 32).session_id for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) >= 32 and SESSION_ID_PATTERN.match(i) for i in ids)  # 192 bits, url-safe


def test_pages_of_other_websites_cannot_open_a_socket():
    allowed = ("https://shop.example",)
    assert origin_allowed({"HTTP_ORIGIN": "https://shop.example"}, allowed)
    assert not origin_allowed({"HTTP_ORIGIN": "https://evil.example"}, allowed)
    assert origin_allowed({}, allowed)  # not a browser: the session secret decides

from kefu_rasa.socketio import read_client_message, widget_payload


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
    assert odd == {"message": "42", "session_id": None, "metadata": {}}
    fine = read_client_message(
        {"message": "hi", "session_id": "abc", "metadata": '{"customer_token": "t"}'}, "metadata"
    )
    assert fine["metadata"] == {"customer_token": "t"}
